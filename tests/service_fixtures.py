"""Fixtures for the service tests: a real S3 server (moto, loopback), a real PostgreSQL
cluster (Debian binaries, loopback, one per session), databases on both backends,
and one Prefect test harness per session.

Import into a test module with ``from tests.service_fixtures import *  # noqa: F403``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = [
    "free_port",
    "moto_endpoint",
    "pg_server",
    "db_url",
    "database",
    "local_storage",
    "s3_storage",
    "storage",
    "prefect_harness",
    "fresh_pg_url",
    "render_pages",
    "service_env",
    "write_bundle",
]

PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------ S3


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3-compatible HTTP server on loopback (moto server mode)."""
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_storage(moto_endpoint: str):
    from pipeline.storage import S3Storage

    return S3Storage(moto_endpoint, "testing", "testing", f"intake-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def local_storage(tmp_path: Path):
    from pipeline.storage import LocalStorage

    return LocalStorage(tmp_path / "objects")


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest):
    """The same contract tests run against both backends."""
    return request.getfixturevalue(f"{request.param}_storage")


# ------------------------------------------------------------------ PostgreSQL


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses root: run the server tools as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1:<free port>; yields the server URL
    (without database name)."""
    bindir = next((b for b in PG_BIN_CANDIDATES if (b / "initdb").is_file()), None)
    if bindir is None:
        pytest.skip("PostgreSQL binaries absent (apt-get install postgresql; ./run installs it)")
    base = Path(tempfile.mkdtemp(prefix="intake-pg-", dir="/tmp"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-t",
                "60",
                "-l",
                str(base / "server.log"),
                "-o",
                opts,
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def fresh_pg_url(server_url: str) -> str:
    """A new empty database on the session's server."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = server_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intake.db'}"
    return fresh_pg_url(request.getfixturevalue("pg_server"))


@pytest.fixture
def database(db_url: str):
    from pipeline.store import Database

    db = Database(db_url)
    db.upgrade()
    yield db
    db.dispose()


# ---------------------------------------------------------------------- Prefect


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """ONE temporary Prefect API for the whole session (~15 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


# ---------------------------------------------------------------------- bundles


def render_pages(doc_type: str, seed: int, fields: dict | None = None, person_seed: int = 7):
    """A document rendered by the sample generator (or a plain Pillow page when the
    generator is not available), returned as PIL images."""
    try:
        from samples.generator import make_person, render_document
    except ImportError:
        return [_plain_page(doc_type, fields or {})]
    person = make_person(person_seed)
    rd = render_document(doc_type, person, seed=seed, fields=fields)
    return rd.pages


def _plain_page(doc_type: str, fields: dict):
    from PIL import Image, ImageDraw, ImageFont

    titles = {
        "medical_invoice": "医疗收费票据",
        "expense_list": "医疗费用清单",
        "injury_decision": "认定工伤决定书",
    }
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 36)
    img = Image.new("RGB", (1240, 900), "white")
    draw = ImageDraw.Draw(img)
    draw.text((400, 60), titles.get(doc_type, doc_type), fill="black", font=font)
    for i, (k, v) in enumerate(fields.items()):
        draw.text((100, 200 + 60 * i), f"{k}：{v}", fill="black", font=font)
    return img


def write_bundle(
    root: Path,
    name: str,
    docs: list[tuple[str, int, dict | None]],
    *,
    service: str = "gs_medical_expense",
    person_seed: int = 7,
    submitted_at: str = "2026-03-01",
) -> Path:
    """A bundle directory: application.json + one JPEG per rendered page."""
    import json

    try:
        from samples.generator import make_person

        person = make_person(person_seed)
        applicant = {"name": person.name, "id_number": person.id_number}
    except ImportError:
        applicant = {}
    bundle = root / name
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / "application.json").write_text(
        json.dumps(
            {"service": service, "applicant": applicant, "submitted_at": submitted_at},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    for i, (doc_type, seed, fields) in enumerate(docs, 1):
        for p, page in enumerate(render_pages(doc_type, seed, fields, person_seed), 1):
            page.convert("RGB").save(bundle / f"{i:02d}_{doc_type}_{p}.jpg", quality=85)
    return bundle


@pytest.fixture
def service_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """INTAKE_HOME in a temp dir (SQLite + local objects there) for in-process CLI runs;
    the OCR models and page cache stay shared so pages read once are not read again."""
    from pipeline import config, store

    defaults = config.Settings()
    monkeypatch.setenv("INTAKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INTAKE_OCR_CACHE_DIR", str(defaults.ocr_cache_path))
    monkeypatch.setenv("INTAKE_MODEL_DIR", str(defaults.models_path))
    for name in ("INTAKE_DATABASE_URL", "INTAKE_STORAGE", "INTAKE_RULES_DIR"):
        monkeypatch.delenv(name, raising=False)
    config.get_settings.cache_clear()
    yield tmp_path / "home"
    config.get_settings.cache_clear()
    for db in store._databases.values():
        db.dispose()
    store._databases.clear()
