"""Object storage for raw uploads, OCR results and reports: one interface, two backends.

Objects are immutable blobs addressed by key; uploads are keyed by their content hash
(``raw/<sha256>``), so storing the same file twice is a no-op and a crashed run that
is re-run cannot duplicate anything. `LocalStorage` (the zero-setup default) writes
under ``Settings.storage_path`` with atomic renames; `S3Storage` talks to MinIO (or
any S3-compatible server) through the `minio` SDK.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pipeline.config import Settings, get_settings
from pipeline.errors import NotFound, StorageError

CONTENT_TYPE = "application/octet-stream"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def raw_key(sha256: str) -> str:
    """Key of an uploaded file: content-addressed, so re-uploads dedupe."""
    return f"raw/{sha256}"


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    metadata: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class Storage(Protocol):
    """What the service needs from an object store."""

    def put(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> ObjectInfo: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def info(self, key: str) -> ObjectInfo: ...

    def list(self, prefix: str = "") -> list[str]: ...


def put_raw(storage: Storage, data: bytes, metadata: dict[str, str] | None = None) -> str:
    """Store an uploaded file under its content hash (idempotent); returns the key."""
    key = raw_key(sha256_hex(data))
    if not storage.exists(key):
        storage.put(key, data, metadata)
    return key


def put_json(storage: Storage, key: str, data: object) -> ObjectInfo:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return storage.put(key, body, {"format": "json"})


def get_json(storage: Storage, key: str) -> object:
    return json.loads(storage.get(key).decode("utf-8"))


def _check_key(key: str) -> str:
    """Keys are relative slash paths; no '..', no absolute paths, no empty parts."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"非法的对象键：{key!r}")
    return key


# --------------------------------------------------------------------- local


class LocalStorage:
    """Objects as files under a root; metadata in a sidecar JSON; writes are atomic."""

    META_SUFFIX = ".meta.json"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"无法创建存储目录 {self.root}：{exc}") from exc

    def __repr__(self) -> str:
        return f"LocalStorage({self.root})"

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    @staticmethod
    def _atomic_write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> ObjectInfo:
        path = self._path(key)
        meta = {k: str(v) for k, v in (metadata or {}).items()}
        try:
            # metadata first: an object never appears without its metadata
            self._atomic_write(
                path.with_name(path.name + self.META_SUFFIX),
                json.dumps(meta, ensure_ascii=False, sort_keys=True).encode(),
            )
            self._atomic_write(path, data)
        except OSError as exc:
            raise StorageError(f"写入 {key} 失败：{exc}") from exc
        return ObjectInfo(key=key, size=len(data), metadata=meta)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"对象 {key}") from exc
        except OSError as exc:
            raise StorageError(f"读取 {key} 失败：{exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def info(self, key: str) -> ObjectInfo:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"对象 {key}")
        meta_path = path.with_name(path.name + self.META_SUFFIX)
        meta = json.loads(meta_path.read_text("utf-8")) if meta_path.is_file() else {}
        return ObjectInfo(key=key, size=path.stat().st_size, metadata=meta)

    def list(self, prefix: str = "") -> list[str]:
        keys = []
        for path in self.root.rglob("*"):
            name = path.name
            if not path.is_file() or name.endswith(self.META_SUFFIX) or name.startswith(".tmp-"):
                continue
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix):
                keys.append(key)
        return sorted(keys)


# ------------------------------------------------------------------------ S3


class S3Storage:
    """MinIO / S3 through the minio SDK; the bucket is created on first use."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = False,
        region: str | None = None,
    ) -> None:
        from minio import Minio

        self.bucket = bucket
        self.endpoint = endpoint
        self.client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region
        )
        self._ready = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"S3Storage({self.endpoint}/{self.bucket})"

    def _ensure_bucket(self) -> None:
        if self._ready:
            return
        from minio.error import S3Error

        with self._lock:
            try:
                if not self.client.bucket_exists(self.bucket):
                    try:
                        self.client.make_bucket(self.bucket)
                    except S3Error as exc:
                        if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                            raise
            except Exception as exc:  # network errors, auth errors
                raise StorageError(f"对象存储 {self.endpoint} 不可用：{exc}") from exc
            self._ready = True

    def put(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> ObjectInfo:
        self._ensure_bucket()
        meta = {k: str(v) for k, v in (metadata or {}).items()}
        # S3 user metadata travels in HTTP headers: ASCII only, so values are JSON-escaped.
        headers = {k: json.dumps(v) for k, v in meta.items()}
        try:
            self.client.put_object(
                self.bucket,
                _check_key(key),
                io.BytesIO(data),
                length=len(data),
                content_type=CONTENT_TYPE,
                metadata=headers,
            )
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(f"写入 {key} 失败：{exc}") from exc
        return ObjectInfo(key=key, size=len(data), metadata=meta)

    def _read(self, key: str, call: Any) -> Any:
        """Run one read call, mapping "no such key" to NotFound and the rest to StorageError."""
        from minio.error import S3Error

        self._ensure_bucket()
        try:
            return call(self.bucket, _check_key(key))
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
                raise NotFound(f"对象 {key}") from exc
            raise StorageError(f"读取 {key} 失败：{exc}") from exc
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(f"读取 {key} 失败：{exc}") from exc

    def get(self, key: str) -> bytes:
        response = self._read(key, self.client.get_object)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def info(self, key: str) -> ObjectInfo:
        stat = self._read(key, self.client.stat_object)
        meta: dict[str, str] = {}
        for name, value in (stat.metadata or {}).items():
            lower = name.lower()
            if lower.startswith("x-amz-meta-"):
                try:
                    meta[lower[len("x-amz-meta-") :]] = json.loads(value)
                except ValueError:
                    meta[lower[len("x-amz-meta-") :]] = value
        return ObjectInfo(key=key, size=int(stat.size or 0), metadata=meta)

    def exists(self, key: str) -> bool:
        try:
            self.info(key)
        except NotFound:
            return False
        return True

    def list(self, prefix: str = "") -> list[str]:
        self._ensure_bucket()
        try:
            return sorted(
                o.object_name
                for o in self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
                if o.object_name
            )
        except Exception as exc:
            raise StorageError(f"列出 {prefix} 失败：{exc}") from exc


# ------------------------------------------------------------------- factory


def make_storage(settings: Settings | None = None) -> Storage:
    """The configured backend: INTAKE_STORAGE=local (default) or s3."""
    settings = settings or get_settings()
    kind = settings.storage.lower()
    if kind == "local":
        return LocalStorage(settings.storage_path)
    if kind in ("s3", "minio"):
        return S3Storage(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key,
            settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
    raise StorageError(f"未知的存储类型 INTAKE_STORAGE={settings.storage!r}（可选 local、s3）")
