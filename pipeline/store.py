"""The service database: table models and the repository functions over them.

SQLite by default (zero setup), PostgreSQL in production — the same code, chosen by
``INTAKE_DATABASE_URL``. The schema is created and moved forward by the alembic
migrations in ``pipeline/migrations`` (`upgrade()`, run on start-up and by
``intake db upgrade``), never by ``create_all``.

Rules kept here: verdicts are never updated (a re-run with a different outcome appends
a new version; an identical outcome is not appended again), review decisions and audit
entries are append-only, and every write that matters also goes to the audit log
(pipeline/audit.py) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from pipeline.config import Settings, get_settings
from pipeline.errors import NotFound, StorageError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Status:
    """Application life cycle: received (durably stored) → processing → done | failed."""

    RECEIVED = "received"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


# --------------------------------------------------------------------- tables


class Base(DeclarativeBase):
    pass


class ApplicationRow(Base):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("owner", "idempotency_key", name="uq_app_idempotency"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(100), index=True)  # portal / submitter name
    service: Mapped[str] = mapped_column(String(200))
    application: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class FileRow(Base):
    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("application_id", "name", name="uq_file_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    object_key: Mapped[str] = mapped_column(String(300))


class OcrResultRow(Base):
    """Pages read from one file content by one engine version (JSON in object storage)."""

    __tablename__ = "ocr_results"
    __table_args__ = (UniqueConstraint("sha256", "engine_version", name="uq_ocr_content_engine"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(300))
    object_key: Mapped[str] = mapped_column(String(300))
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class VerdictRow(Base):
    """Immutable: a re-run that decides differently appends version n+1."""

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("application_id", "version", name="uq_verdict_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20), index=True)
    service_code: Mapped[str | None] = mapped_column(String(100), index=True)
    rules_version: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(300))
    verdict: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class ReviewRow(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    verdict_version: Mapped[int | None] = mapped_column(Integer)
    clerk: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class InvoiceRow(Base):
    """Which application used which invoice (code, number): cross-application duplicates."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("invoice_code", "invoice_number", "application_id", name="uq_invoice_use"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_code: Mapped[str] = mapped_column(String(40), default="")
    invoice_number: Mapped[str] = mapped_column(String(40), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    file: Mapped[str | None] = mapped_column(String(255))


class RecordRow(Base):
    """The office's internal records (CONTRACTS.md §5) the deployment supplies."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditRow(Base):
    """Append-only, hash-chained (pipeline/audit.py computes `hash`)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, hashed as written
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as written
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditSampleRow(Base):
    __tablename__ = "audit_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(100))
    seed: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    report_key: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# ------------------------------------------------------------------- database


class Database:
    """An engine + session factory for one URL; `session()` is a unit of work."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
        if self.is_sqlite:
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except Exception as exc:
            raise StorageError(f"数据库地址无效：{_safe_url(url)}：{exc}") from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite serialises writers per file; one process-wide lock keeps the audit
        # chain's read-then-append from racing between threads.
        self.write_lock = threading.RLock()

    def __repr__(self) -> str:
        return f"Database({_safe_url(self.url)})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def upgrade(self) -> None:
        upgrade(self)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid url>"


_databases: dict[str, Database] = {}
_db_lock = threading.Lock()


def get_database(settings: Settings | None = None, *, migrate: bool = True) -> Database:
    """One Database per URL per process, migrated to head on first use."""
    url = (settings or get_settings()).db_url
    with _db_lock:
        db = _databases.get(url)
        if db is None:
            db = Database(url)
            if migrate:
                db.upgrade()
            _databases[url] = db
    return db


def upgrade(db: Database, revision: str = "head") -> None:
    """Run the alembic migrations programmatically (start-up and `intake db upgrade`)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except Exception as exc:
        raise StorageError(f"数据库迁移失败（{db!r}）：{exc}") from exc


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# --------------------------------------------------------------- applications


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int
    object_key: str


def find_by_idempotency(session: Session, owner: str, key: str) -> ApplicationRow | None:
    return session.scalar(
        select(ApplicationRow).where(
            ApplicationRow.owner == owner, ApplicationRow.idempotency_key == key
        )
    )


def create_application(
    session: Session,
    *,
    app_id: str,
    owner: str,
    application: dict[str, Any],
    files: Sequence[StoredFile],
    idempotency_key: str | None = None,
) -> ApplicationRow:
    """Insert the application and its file rows (status received). Raises IntegrityError
    when the (owner, idempotency key) or the id is already taken — the caller re-reads."""
    now = utcnow()
    row = ApplicationRow(
        id=app_id,
        idempotency_key=idempotency_key,
        owner=owner,
        service=str(application.get("service", "")),
        application=application,
        status=Status.RECEIVED,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    for position, f in enumerate(files):
        session.add(
            FileRow(
                application_id=app_id,
                position=position,
                name=f.name,
                sha256=f.sha256,
                size=f.size,
                object_key=f.object_key,
            )
        )
    session.flush()
    return row


def get_application(session: Session, app_id: str) -> ApplicationRow:
    row = session.get(ApplicationRow, app_id)
    if row is None:
        raise NotFound(f"申请 {app_id}")
    return row


def list_files(session: Session, app_id: str) -> list[FileRow]:
    return list(
        session.scalars(
            select(FileRow).where(FileRow.application_id == app_id).order_by(FileRow.position)
        )
    )


def set_status(session: Session, app_id: str, status: str, error: str | None = None) -> None:
    row = get_application(session, app_id)
    row.status = status
    row.error = error
    row.updated_at = utcnow()
    if status == Status.PROCESSING:
        row.attempts = (row.attempts or 0) + 1


def list_applications(
    session: Session, *, owner: str | None = None, status: str | None = None, limit: int = 100
) -> list[ApplicationRow]:
    """Newest first; a portal passes its own name as owner."""
    query = select(ApplicationRow).order_by(ApplicationRow.created_at.desc()).limit(limit)
    if owner is not None:
        query = query.where(ApplicationRow.owner == owner)
    if status is not None:
        query = query.where(ApplicationRow.status == status)
    return list(session.scalars(query))


def pending_applications(session: Session) -> list[str]:
    """Applications whose verification has not finished (to resume after a crash)."""
    return list(
        session.scalars(
            select(ApplicationRow.id)
            .where(ApplicationRow.status.in_([Status.RECEIVED, Status.PROCESSING]))
            .order_by(ApplicationRow.created_at)
        )
    )


# ------------------------------------------------------------------------ OCR


def find_ocr(session: Session, sha256: str, engine_version: str) -> OcrResultRow | None:
    return session.scalar(
        select(OcrResultRow).where(
            OcrResultRow.sha256 == sha256, OcrResultRow.engine_version == engine_version
        )
    )


def record_ocr(
    session: Session, sha256: str, engine_version: str, object_key: str, pages: int
) -> OcrResultRow:
    """Idempotent: the same content read by the same engine is recorded once."""
    row = find_ocr(session, sha256, engine_version)
    if row is not None:
        return row
    row = OcrResultRow(
        sha256=sha256,
        engine_version=engine_version,
        object_key=object_key,
        pages=pages,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        row = find_ocr(session, sha256, engine_version)
        if row is None:
            raise
    return row


# ------------------------------------------------------------------- verdicts


def latest_verdict(session: Session, app_id: str) -> VerdictRow | None:
    return session.scalar(
        select(VerdictRow)
        .where(VerdictRow.application_id == app_id)
        .order_by(VerdictRow.version.desc())
        .limit(1)
    )


def verdict_versions(session: Session, app_id: str) -> list[VerdictRow]:
    return list(
        session.scalars(
            select(VerdictRow)
            .where(VerdictRow.application_id == app_id)
            .order_by(VerdictRow.version)
        )
    )


def append_verdict(
    session: Session, app_id: str, verdict: dict[str, Any], *, at: dt.datetime | None = None
) -> tuple[VerdictRow, bool]:
    """Append a verdict version unless it equals the latest one; returns (row, appended)."""
    latest = latest_verdict(session, app_id)
    if latest is not None and latest.verdict == verdict:
        return latest, False
    service = verdict.get("service") or {}
    row = VerdictRow(
        application_id=app_id,
        version=(latest.version + 1) if latest else 1,
        decision=str(verdict["verdict"]),
        service_code=service.get("code"),
        rules_version=str(verdict.get("rules_version", "")),
        engine_version=str((verdict.get("engine") or {}).get("version", "")),
        verdict=verdict,
        created_at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row, True


def list_verdicts(
    session: Session,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    latest_only: bool = True,
) -> list[VerdictRow]:
    """Stored verdicts (the latest version per application by default), oldest first."""
    query = select(VerdictRow).order_by(VerdictRow.application_id, VerdictRow.version)
    if since is not None:
        query = query.where(VerdictRow.created_at >= since)
    if until is not None:
        query = query.where(VerdictRow.created_at < until)
    rows = list(session.scalars(query))
    if not latest_only:
        return rows
    latest: dict[str, VerdictRow] = {}
    for row in rows:
        latest[row.application_id] = row
    return sorted(latest.values(), key=lambda r: (r.created_at, r.application_id))


# -------------------------------------------------------------------- reviews


def add_review(
    session: Session, app_id: str, *, clerk: str, decision: str, reason: str
) -> ReviewRow:
    get_application(session, app_id)
    latest = latest_verdict(session, app_id)
    row = ReviewRow(
        application_id=app_id,
        verdict_version=latest.version if latest else None,
        clerk=clerk,
        decision=decision,
        reason=reason,
        at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def list_reviews(session: Session, app_id: str) -> list[ReviewRow]:
    return list(
        session.scalars(
            select(ReviewRow).where(ReviewRow.application_id == app_id).order_by(ReviewRow.id)
        )
    )


# ------------------------------------------------------------------- invoices


def record_invoices(
    session: Session, app_id: str, invoices: Sequence[tuple[str | None, str, str | None]]
) -> None:
    """Remember (code, number, file) of each invoice an application used (idempotent)."""
    for code, number, file in invoices:
        exists = session.scalar(
            select(InvoiceRow.id).where(
                InvoiceRow.invoice_code == (code or ""),
                InvoiceRow.invoice_number == number,
                InvoiceRow.application_id == app_id,
            )
        )
        if exists is None:
            session.add(
                InvoiceRow(
                    invoice_code=code or "",
                    invoice_number=number,
                    application_id=app_id,
                    file=file,
                )
            )
    session.flush()


def invoice_users(
    session: Session,
    code: str | None,
    number: str,
    exclude: str | None = None,
    before: dt.datetime | None = None,
) -> list[str]:
    """Applications that used invoice (code, number); code None matches any code.

    `before`: only applications submitted earlier — so re-verifying an old application
    later gives the same answer it got then (the first submitter is never the duplicate).
    """
    query = select(InvoiceRow.application_id).where(InvoiceRow.invoice_number == number)
    if before is not None:
        query = query.join(ApplicationRow, ApplicationRow.id == InvoiceRow.application_id).where(
            ApplicationRow.created_at < before
        )
    if code:
        query = query.where(InvoiceRow.invoice_code.in_([code, ""]))
    if exclude:
        query = query.where(InvoiceRow.application_id != exclude)
    return sorted(set(session.scalars(query)))


# -------------------------------------------------------------------- records


def add_records(session: Session, records: Sequence[Any]) -> int:
    """Load internal records (pipeline.models.Record) into the lookup table."""
    for rec in records:
        session.add(
            RecordRow(
                kind=rec.kind, id_number=rec.id_number, name=rec.name, fields=dict(rec.fields)
            )
        )
    session.flush()
    return len(records)


def records_for(session: Session, id_numbers: Sequence[str]) -> list[Any]:
    from pipeline.models import Record

    ids = [i for i in id_numbers if i]
    if not ids:
        return []
    rows = session.scalars(
        select(RecordRow).where(RecordRow.id_number.in_(ids)).order_by(RecordRow.id)
    )
    return [Record(kind=r.kind, id_number=r.id_number, name=r.name, fields=r.fields) for r in rows]


# ---------------------------------------------------------------- audit samples


def update_audit_sample(
    session: Session, sample_id: int, *, summary: dict[str, Any], report_key: str | None
) -> None:
    row = session.get(AuditSampleRow, sample_id)
    if row is None:
        raise NotFound(f"抽样 {sample_id}")
    row.summary = summary
    row.report_key = report_key


def get_audit_sample(session: Session, sample_id: int) -> AuditSampleRow:
    row = session.get(AuditSampleRow, sample_id)
    if row is None:
        raise NotFound(f"抽样 {sample_id}")
    return row


def add_audit_sample(
    session: Session,
    *,
    actor: str,
    seed: int,
    params: dict[str, Any],
    summary: dict[str, Any],
    report_key: str | None,
) -> AuditSampleRow:
    row = AuditSampleRow(
        actor=actor,
        seed=seed,
        params=params,
        summary=summary,
        report_key=report_key,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row
