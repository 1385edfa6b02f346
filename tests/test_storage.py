"""Object storage contract, run against the local backend and a real S3 server (moto)."""

from __future__ import annotations

import pytest

from pipeline.errors import NotFound, StorageError
from pipeline.storage import LocalStorage, get_json, put_json, put_raw, raw_key, sha256_hex

pytest_plugins = ["tests.service_fixtures"]  # one PG cluster, S3 server, Prefect API per session


def test_put_get_roundtrip_with_metadata(storage):
    data = b"\x89PNG fake bytes \x00\xff"
    info = storage.put("raw/abc", data, {"name": "发票.jpg", "application": "app-1"})
    assert info.size == len(data)
    assert storage.get("raw/abc") == data
    assert storage.exists("raw/abc")
    got = storage.info("raw/abc")
    assert got.size == len(data)
    assert got.metadata["name"] == "发票.jpg"
    assert got.metadata["application"] == "app-1"


def test_missing_object_is_not_found(storage):
    assert not storage.exists("raw/nothing")
    with pytest.raises(NotFound):
        storage.get("raw/nothing")
    with pytest.raises(NotFound):
        storage.info("raw/nothing")


def test_list_by_prefix(storage):
    for key in ("raw/a1", "raw/b2", "ocr/a1/x.json", "rawish/c"):
        storage.put(key, key.encode())
    assert storage.list("raw/") == ["raw/a1", "raw/b2"]
    assert storage.list("ocr/") == ["ocr/a1/x.json"]
    assert set(storage.list()) == {"raw/a1", "raw/b2", "ocr/a1/x.json", "rawish/c"}


def test_content_addressed_put_is_idempotent(storage):
    data = b"same upload twice"
    k1 = put_raw(storage, data, {"name": "a.jpg"})
    k2 = put_raw(storage, data, {"name": "b.jpg"})
    assert k1 == k2 == raw_key(sha256_hex(data))
    assert storage.list("raw/") == [k1]
    assert storage.info(k1).metadata["name"] == "a.jpg"  # first writer kept


def test_overwrite_replaces_whole_object(storage):
    storage.put("reports/r.csv", b"first version, long")
    storage.put("reports/r.csv", b"second")
    assert storage.get("reports/r.csv") == b"second"


def test_json_helpers(storage):
    put_json(storage, "rules/v1.json", {"版本": "v1", "n": [1, 2]})
    assert get_json(storage, "rules/v1.json") == {"版本": "v1", "n": [1, 2]}


@pytest.mark.parametrize("key", ["", "/etc/passwd", "raw/../x", "raw//x", "./raw"])
def test_bad_keys_rejected(storage, key):
    with pytest.raises(StorageError):
        storage.put(key, b"x")


def test_local_writes_leave_no_temp_files(tmp_path):
    store = LocalStorage(tmp_path)
    store.put("raw/k", b"x" * 10000)
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []
    assert store.list() == ["raw/k"]


def test_s3_objects_are_octet_stream(s3_storage):
    s3_storage.put("raw/z", b"bytes")
    stat = s3_storage.client.stat_object(s3_storage.bucket, "raw/z")
    assert stat.content_type == "application/octet-stream"


def test_s3_unreachable_is_storage_error():
    from pipeline.storage import S3Storage
    from tests.service_fixtures import free_port

    dead = S3Storage(f"127.0.0.1:{free_port()}", "k", "s", "b")
    with pytest.raises(StorageError):
        dead.put("raw/x", b"x")
