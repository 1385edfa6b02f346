"""The service path for one application, as plain functions the API, the flows and
the CLI share:

    submit   → raw uploads into object storage (content-addressed) → rows + audit entry
               (status received; the caller answers 202 only after this returns)
    process  → begin (status processing) → read stored files (OCR cached per content
               hash + engine version, results kept as objects) → judge with the
               configured rules → persist the verdict (a new version only when it differs)
               + invoice index + audit entry → status done

Every step is idempotent, so a crashed or stuck run is simply run again: raw objects
and OCR results are keyed by content, and an identical verdict is not appended twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from pipeline import audit
from pipeline import store as st
from pipeline.config import Settings, get_settings
from pipeline.errors import (
    BadApplication,
    FileRejected,
    IdempotencyConflict,
    IntakeError,
    LimitExceeded,
    NotFound,
)
from pipeline.models import Application, OcrPage, Record, Verdict
from pipeline.storage import Storage, get_json, put_json, put_raw, sha256_hex
from pipeline.verify import ReadResult, file_rejected_finding, judge, out_of_scope_verdict

log = logging.getLogger(__name__)

INVOICE_TYPES = ("medical_invoice", "vat_invoice")


# ------------------------------------------------------------------ rules


def load_rules(settings: Settings | None = None) -> Any:
    """The catalogue the service judges with (INTAKE_RULES_DIR, default rules/)."""
    from rules.catalogue import load_catalogue

    settings = settings or get_settings()
    return load_catalogue(settings.rules_dir)


def rules_snapshot_key(version: str) -> str:
    return f"rules/{version}.json"


def snapshot_rules(storage: Storage, catalogue: Any) -> str:
    """Keep the exact rules files a verdict was made with, so an auditor can re-run them."""
    from rules.catalogue import rules_files

    key = rules_snapshot_key(catalogue.version)
    if not storage.exists(key):
        root = Path(catalogue.root)
        files = {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in rules_files(root)}
        put_json(storage, key, {"version": catalogue.version, "files": files})
    return key


def restore_rules(storage: Storage, version: str, into: Path) -> Any:
    """Materialise a recorded rules snapshot under `into` and load it as a catalogue."""
    from rules.catalogue import load_catalogue

    data = get_json(storage, rules_snapshot_key(version))
    if not isinstance(data, dict) or "files" not in data:
        raise NotFound(f"规则快照 {version}")
    for rel, text in data["files"].items():
        if rel.startswith("/") or ".." in rel.split("/"):
            raise NotFound(f"规则快照 {version} 含非法路径 {rel!r}")
        path = into / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return load_catalogue(into)


# ------------------------------------------------------------------ submit


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Submitted:
    application_id: str
    created: bool  # False: the Idempotency-Key was seen before; nothing new was stored
    status: str


def _safe_name(name: str, taken: set[str]) -> str:
    """A plain file name (no directories), unique within the application."""
    base = Path(name.replace("\\", "/")).name.strip() or "file"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        stem, dot, ext = base.rpartition(".")
        candidate = f"{stem}-{n}.{ext}" if dot else f"{base}-{n}"
    taken.add(candidate)
    return candidate


def submit(
    db: st.Database,
    storage: Storage,
    *,
    owner: str,
    fields: dict[str, Any],
    uploads: Sequence[Upload],
    idempotency_key: str | None = None,
    settings: Settings | None = None,
) -> Submitted:
    """Store the uploads durably, then record the application (status received)."""
    from pipeline.verify import parse_application

    settings = settings or get_settings()
    if idempotency_key:
        with db.session() as session:
            existing = st.find_by_idempotency(session, owner, idempotency_key)
            if existing is not None:
                stored = sorted(f.sha256 for f in st.list_files(session, existing.id))
                if stored != sorted(sha256_hex(up.data) for up in uploads):
                    raise IdempotencyConflict(
                        f"Idempotency-Key“{idempotency_key}”已用于申请 {existing.id}，"
                        "但本次上传的文件不同；新申请请使用新的 Idempotency-Key"
                    )
                return Submitted(existing.id, False, existing.status)
    if not uploads:
        raise BadApplication("没有上传任何文件")
    if len(uploads) > settings.max_files:
        raise LimitExceeded(f"文件数 {len(uploads)} 超过上限 {settings.max_files}")
    for up in uploads:
        if len(up.data) > settings.max_file_bytes:
            raise LimitExceeded(f"文件“{up.name}”超过 {settings.max_file_bytes // 2**20} MB")

    if idempotency_key:
        app_id = "app-" + hashlib.sha256(f"{owner}\0{idempotency_key}".encode()).hexdigest()[:20]
    else:
        app_id = "app-" + uuid.uuid4().hex[:20]
    data = dict(fields)
    portal_ref = data.pop("application_id", None)
    data["application_id"] = app_id
    if portal_ref:
        data["portal_reference"] = str(portal_ref)
    bundle = parse_application(data, origin="application")  # raises BadApplication
    app = bundle.application
    # an unknown code or an ambiguous name is the portal's error (422, with candidates),
    # told now rather than as a failed run later; out of scope is a verdict, not an error
    load_rules(settings).resolve(
        app.service, jurisdiction=app.jurisdiction, office=app.office, on_date=app.submitted_at
    )
    application = bundle.application.model_dump(mode="json")
    if bundle.assumptions:
        application["_assumptions"] = list(bundle.assumptions)

    taken: set[str] = set()
    stored: list[st.StoredFile] = []
    for up in uploads:  # objects first: a row never points at a missing object
        name = _safe_name(up.name, taken)
        key = put_raw(storage, up.data, {"name": name, "application": app_id})
        stored.append(
            st.StoredFile(name=name, sha256=sha256_hex(up.data), size=len(up.data), object_key=key)
        )

    try:
        with db.write_lock, db.session() as session:
            st.create_application(
                session,
                app_id=app_id,
                owner=owner,
                application=application,
                files=stored,
                idempotency_key=idempotency_key,
            )
            audit.append(
                db,
                session,
                actor=owner,
                action="application.received",
                subject=app_id,
                payload={
                    "service": application.get("service"),
                    "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in stored],
                    "idempotency_key": idempotency_key,
                },
            )
    except IntegrityError:
        # a concurrent request with the same key won the race: answer with its application
        with db.session() as session:
            existing = st.find_by_idempotency(session, owner, idempotency_key or "")
            if existing is None:
                raise
            return Submitted(existing.id, False, existing.status)
    return Submitted(app_id, True, st.Status.RECEIVED)


def import_bundle(
    db: st.Database,
    storage: Storage,
    bundle_dir: Path,
    *,
    owner: str = "cli",
    idempotency_key: str | None = None,
) -> Submitted:
    """Submit a bundle directory (CONTRACTS.md §1) as if uploaded through the API."""
    from pipeline.verify import APPLICATION_FILE

    bundle_dir = Path(bundle_dir)
    try:
        fields = json.loads((bundle_dir / APPLICATION_FILE).read_text("utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise BadApplication(f"{bundle_dir}: {exc}") from exc
    uploads = [
        Upload(p.name, p.read_bytes())
        for p in sorted(bundle_dir.iterdir())
        if p.is_file() and p.name != APPLICATION_FILE
    ]
    return submit(
        db, storage, owner=owner, fields=fields, uploads=uploads, idempotency_key=idempotency_key
    )


# ------------------------------------------------------------------ reading


@dataclass
class Job:
    """What processing one application needs, loaded from the database."""

    application_id: str
    application: Application
    assumptions: tuple[str, ...]
    files: list[st.StoredFile]
    records: list[Record] = field(default_factory=list)
    created_at: dt.datetime | None = None


def load_job(db: st.Database, app_id: str) -> Job:
    """What a run needs, read from the database (no state change)."""
    with db.session() as session:
        row = st.get_application(session, app_id)
        data = dict(row.application)
        assumptions = tuple(data.pop("_assumptions", ()))
        application = Application.model_validate(data)
        files = [
            st.StoredFile(name=f.name, sha256=f.sha256, size=f.size, object_key=f.object_key)
            for f in st.list_files(session, app_id)
        ]
        records = st.records_for(session, [application.applicant.id_number or ""])
        return Job(app_id, application, assumptions, files, records, row.created_at)


def begin(db: st.Database, app_id: str) -> Job:
    """Mark the application processing and load what the run needs."""
    with db.write_lock, db.session() as session:
        st.set_status(session, app_id, st.Status.PROCESSING)
    return load_job(db, app_id)


def ocr_key(sha256: str, engine_version: str) -> str:
    return f"ocr/{sha256}/{hashlib.sha256(engine_version.encode()).hexdigest()[:16]}.json"


def load_stored_pages(
    db: st.Database, storage: Storage, f: st.StoredFile, engine_version: str
) -> list[OcrPage] | None:
    """Pages already read from this content by this engine version, or None."""
    with db.session() as session:
        row = st.find_ocr(session, f.sha256, engine_version)
    if row is None:
        return None
    data = get_json(storage, row.object_key)
    pages = [OcrPage.model_validate(p) for p in data["pages"]]  # type: ignore[index]
    return [p.model_copy(update={"file": f.name}) for p in pages]


def save_pages(
    db: st.Database,
    storage: Storage,
    f: st.StoredFile,
    engine_version: str,
    pages: Sequence[OcrPage],
) -> str:
    """Keep the OCR result of a content as an object + a row (idempotent)."""
    key = ocr_key(f.sha256, engine_version)
    if not storage.exists(key):
        put_json(
            storage,
            key,
            {
                "sha256": f.sha256,
                "engine": engine_version,
                "pages": [p.model_dump(mode="json") for p in pages],
            },
        )
    with db.write_lock, db.session() as session:
        st.record_ocr(session, f.sha256, engine_version, key, len(pages))
    return key


def ingest_stored(storage: Storage, f: st.StoredFile) -> Any:
    """The stored raw file, ingested (format by content); raises FileRejected."""
    from pipeline.ingest import load_bytes

    return load_bytes(storage.get(f.object_key), f.name)


def page_count(storage: Storage, f: st.StoredFile) -> int:
    """How many pages a stored file has (raises FileRejected for an unusable file)."""
    return len(ingest_stored(storage, f).pages)


def read_stored_page(storage: Storage, f: st.StoredFile, number: int, engine: Any) -> OcrPage:
    """One page of a stored file (the flow reads pages as parallel tasks)."""
    from pipeline.ocr import read_page

    ingested = ingest_stored(storage, f)
    return read_page(ingested.pages[number - 1], f.name, engine)


def read_stored_file(
    db: st.Database, storage: Storage, f: st.StoredFile, engine: Any
) -> list[OcrPage]:
    """One stored file's pages: from the OCR store, or read now and kept."""
    from pipeline.ocr import read_file

    pages = load_stored_pages(db, storage, f, engine.version)
    if pages is None:
        pages = read_file(ingest_stored(storage, f), engine)
        save_pages(db, storage, f, engine.version, pages)
    return pages


def read_stored(
    db: st.Database, storage: Storage, files: Sequence[st.StoredFile], engine: Any
) -> ReadResult:
    """Every file of a job; an unreadable file becomes a finding (never dropped)."""
    result = ReadResult()
    for f in files:
        try:
            result.pages_by_file[f.name] = read_stored_file(db, storage, f, engine)
        except FileRejected as exc:
            result.findings.append(file_rejected_finding(f.name, exc))
    return result


# ------------------------------------------------------------------ judging


def validation_context(db: st.Database, app_id: str, before: dt.datetime | None = None) -> Any:
    """validators.ValidationContext whose seen_invoice looks in the invoice index."""
    try:
        from validators import ValidationContext
    except ImportError:  # validators not built yet: no cross-application checks
        return None

    def seen_invoice(code: str | None, number: str) -> list[str]:
        with db.session() as session:
            return st.invoice_users(session, code, number, exclude=app_id, before=before)

    return ValidationContext(seen_invoice=seen_invoice, application_id=app_id)


def decide_job(
    db: st.Database,
    job: Job,
    read: ReadResult | None,
    *,
    catalogue: Any,
    engine_info: Any,
) -> Verdict:
    """The recipe's judging half, with the database as the invoice index and records."""
    app = job.application
    resolution = catalogue.resolve(
        app.service, jurisdiction=app.jurisdiction, office=app.office, on_date=app.submitted_at
    )
    if resolution.service is None or read is None:
        return out_of_scope_verdict(app, resolution, catalogue, engine_info)
    return judge(
        app,
        read.pages_by_file,
        job.records,
        catalogue=catalogue,
        engine_info=engine_info,
        prior_findings=read.findings,
        assumptions=job.assumptions,
        context=validation_context(db, job.application_id, job.created_at),
    )


def in_scope(job: Job, catalogue: Any) -> bool:
    app = job.application
    resolution = catalogue.resolve(
        app.service, jurisdiction=app.jurisdiction, office=app.office, on_date=app.submitted_at
    )
    return resolution.service is not None


def invoices_of(verdict: dict[str, Any]) -> list[tuple[str | None, str, str | None]]:
    out = []
    for doc in verdict.get("documents", []):
        if doc.get("type") not in INVOICE_TYPES:
            continue
        fields = doc.get("fields") or {}
        number = (fields.get("invoice_number") or {}).get("value")
        code = (fields.get("invoice_code") or {}).get("value")
        if number:
            out.append((str(code) if code else None, str(number), doc.get("file")))
    return out


@dataclass(frozen=True)
class Persisted:
    application_id: str
    version: int
    appended: bool
    decision: str


def persist(
    db: st.Database,
    storage: Storage,
    job: Job,
    verdict: Verdict,
    catalogue: Any,
    actor: str = "worker",
) -> Persisted:
    """Append the verdict (if new), index its invoices, log it, mark the application done.

    Two runs of the same application finishing at once (a resumed run racing a stuck
    one) collide on the version number; the loser re-reads and, seeing the same
    verdict, appends nothing."""
    snapshot_rules(storage, catalogue)
    contract = verdict.to_contract()
    for attempt in (1, 2):
        try:
            return _persist_once(db, job.application_id, contract, actor)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _persist_once(db: st.Database, app_id: str, contract: dict[str, Any], actor: str) -> Persisted:
    with db.write_lock, db.session() as session:
        row, appended = st.append_verdict(session, app_id, contract)
        st.record_invoices(session, app_id, invoices_of(contract))
        st.set_status(session, app_id, st.Status.DONE)
        if appended:
            audit.append(
                db,
                session,
                actor=actor,
                action="verdict.recorded",
                subject=app_id,
                payload={
                    "version": row.version,
                    "verdict": row.decision,
                    "rules_version": row.rules_version,
                    "engine_version": row.engine_version,
                    "sha256": hashlib.sha256(audit.canonical_json(contract).encode()).hexdigest(),
                },
            )
        return Persisted(app_id, row.version, appended, row.decision)


def fail(db: st.Database, app_id: str, exc: BaseException, actor: str = "worker") -> None:
    """Record a failed run (the application can be processed again). A run that failed
    after another run of the same application finished leaves it done."""
    message = str(exc) if isinstance(exc, IntakeError) else f"{type(exc).__name__}: {exc}"
    try:
        with db.write_lock, db.session() as session:
            if st.get_application(session, app_id).status == st.Status.DONE:
                return
            st.set_status(session, app_id, st.Status.FAILED, message[:2000])
            audit.append(
                db,
                session,
                actor=actor,
                action="verification.failed",
                subject=app_id,
                payload={"error": message[:500]},
            )
    except NotFound:
        return


def process(
    db: st.Database,
    storage: Storage,
    app_id: str,
    *,
    engine: Any = None,
    catalogue: Any = None,
    settings: Settings | None = None,
) -> Persisted:
    """The whole service path for one stored application (plain, sequential)."""
    from pipeline.ocr import engine_info, get_engine

    try:
        catalogue = catalogue or load_rules(settings)
        job = begin(db, app_id)
        engine = engine or get_engine()
        read = read_stored(db, storage, job.files, engine) if in_scope(job, catalogue) else None
        verdict = decide_job(db, job, read, catalogue=catalogue, engine_info=engine_info(engine))
        return persist(db, storage, job, verdict, catalogue)
    except Exception as exc:
        fail(db, app_id, exc)
        raise


# ------------------------------------------------------------------ reading back


def application_status(db: st.Database, app_id: str) -> dict[str, Any]:
    """Status and, once decided, the latest verdict/1 — for GET /applications/{id}."""
    with db.session() as session:
        row = st.get_application(session, app_id)
        latest = st.latest_verdict(session, app_id)
        reviews = st.list_reviews(session, app_id)
        return {
            "application_id": row.id,
            "owner": row.owner,
            "status": row.status,
            "error": row.error,
            "service": row.service,
            "created_at": row.created_at.isoformat(),
            "verdict_version": latest.version if latest else None,
            "verdict": latest.verdict if latest else None,
            "reviews": [
                {
                    "clerk": r.clerk,
                    "decision": r.decision,
                    "reason": r.reason,
                    "at": r.at.isoformat(),
                    "verdict_version": r.verdict_version,
                }
                for r in reviews
            ],
        }


def list_applications(
    db: st.Database, *, owner: str | None = None, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The work queue: applications with their latest decision (newest first)."""
    with db.session() as session:
        out = []
        for row in st.list_applications(session, owner=owner, status=status, limit=limit):
            latest = st.latest_verdict(session, row.id)
            out.append(
                {
                    "application_id": row.id,
                    "owner": row.owner,
                    "service": row.service,
                    "status": row.status,
                    "created_at": row.created_at.isoformat(),
                    "verdict": latest.decision if latest else None,
                    "review_required": bool(latest.verdict.get("review_required"))
                    if latest
                    else None,
                    "verdict_version": latest.version if latest else None,
                }
            )
        return out


def application_owner(db: st.Database, app_id: str) -> str:
    with db.session() as session:
        return st.get_application(session, app_id).owner


def explain(verdict: dict[str, Any], catalogue: Any = None) -> list[dict[str, Any]]:
    """Each finding for a clerk: Chinese message, where (document, file, page, box),
    which rule and on what legal basis."""
    docs = {}
    for d in verdict.get("documents", []):
        pages = d.get("pages") or [1]
        pid = f"p{pages[0]}" if len(pages) == 1 else f"p{pages[0]}-{pages[-1]}"
        docs[f"{d.get('file')}#{pid}"] = d
    out = []
    for f in verdict.get("findings", []):
        evidence = f.get("evidence") or []
        first = evidence[0] if evidence else {}
        doc = docs.get(f.get("document") or "")
        field_value = ((doc or {}).get("fields") or {}).get(f.get("field") or "") or {}
        doc_type = doc.get("type") if doc else None
        type_name = None
        if doc_type and catalogue is not None:
            try:
                type_name = catalogue.doctype_name(doc_type)
            except Exception:  # unknown type ids fall back to the id
                type_name = doc_type
        out.append(
            {
                "code": f.get("code"),
                "severity": f.get("severity"),
                "message": f.get("message"),
                "material": f.get("material"),
                "document": f.get("document"),
                "document_type": doc_type,
                "document_type_name": type_name,
                "field": f.get("field"),
                "file": first.get("file") or (doc or {}).get("file"),
                # where to look: the evidence, else the field read, else the document's first page
                "page": first.get("page")
                or field_value.get("page")
                or ((doc or {}).get("pages") or [None])[0],
                "bbox": first.get("bbox") or field_value.get("bbox"),
                "text": first.get("text") or field_value.get("text"),
                "evidence": evidence,
                "where": _where(type_name or doc_type, first, field_value, doc),
                "rule": f.get("rule_id"),
                "basis": f.get("basis") or "（规则未注明依据）",
            }
        )
    return out


def _where(
    type_name: str | None, evidence: dict[str, Any], field_value: dict[str, Any], doc: Any
) -> str:
    """One Chinese line saying where to look: 《类型》文件 第N页 位置(x0,y0)-(x1,y1)."""
    file = evidence.get("file") or (doc or {}).get("file")
    if not file:
        return "（不涉及具体文件）"
    page = (
        evidence.get("page") or field_value.get("page") or ((doc or {}).get("pages") or [None])[0]
    )
    box = evidence.get("bbox") or field_value.get("bbox")
    parts = [f"《{type_name}》" if type_name else "", file]
    if page:
        parts.append(f" 第{page}页")
    if box:
        parts.append(f" 位置({box[0]},{box[1]})-({box[2]},{box[3]})")
    return "".join(parts)


def record_review(
    db: st.Database, app_id: str, *, clerk: str, decision: str, reason: str
) -> dict[str, Any]:
    """A clerk's decision with its reason: appended, and logged in the audit chain."""
    if not reason.strip():
        raise BadApplication("复核意见必须写明理由")
    with db.write_lock, db.session() as session:
        row = st.add_review(session, app_id, clerk=clerk, decision=decision, reason=reason)
        audit.append(
            db,
            session,
            actor=clerk,
            action="review.recorded",
            subject=app_id,
            payload={
                "decision": decision,
                "reason": reason,
                "verdict_version": row.verdict_version,
            },
        )
        return {
            "id": row.id,
            "application_id": app_id,
            "clerk": clerk,
            "decision": decision,
            "reason": reason,
            "at": row.at.isoformat(),
            "verdict_version": row.verdict_version,
        }


# ------------------------------------------------------------------ logging


ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    """210102198503124518 → 210102********4518 (first 6 and last 4 kept)."""
    return ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(3)[-4:]}", text)


class MaskIdNumbers(logging.Filter):
    """A logging filter that masks resident ID numbers in every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        _mask_record(record)
        return True


def _mask_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is not ours to fix here
        return
    masked = mask_id_numbers(message)
    if masked != message:
        record.msg, record.args = masked, None


_factory_installed = False


def install_log_masking() -> None:
    """Mask ID numbers in every log record of this process, whichever logger or handler
    it goes to (the record factory is wrapped once; handler filters alone would miss
    records propagated to handlers added later)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _mask_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


# ------------------------------------------------------------------ worker


class Worker:
    """Background verification outside the request: a small thread pool.

    `enqueue` is called after the upload is durably stored; `resume` re-submits
    applications left received/processing by a crash, so nothing is lost.
    """

    def __init__(
        self,
        db: st.Database,
        storage: Storage,
        *,
        threads: int = 1,
        runner: Callable[[str], Any] | None = None,
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.db = db
        self.storage = storage
        self.runner = runner or (lambda app_id: process(self.db, self.storage, app_id))
        self.pool = ThreadPoolExecutor(
            max_workers=max(threads, 1), thread_name_prefix="intake-worker"
        )
        self._queued: set[str] = set()

    def enqueue(self, app_id: str) -> None:
        if app_id in self._queued:
            return
        self._queued.add(app_id)
        self.pool.submit(self._run, app_id)

    def _run(self, app_id: str) -> None:
        try:
            self.runner(app_id)
        except Exception:
            log.exception("verification of %s failed", app_id)
        finally:
            self._queued.discard(app_id)

    def resume(self) -> list[str]:
        with self.db.session() as session:
            pending = st.pending_applications(session)
        for app_id in pending:
            self.enqueue(app_id)
        return pending

    def shutdown(self, wait: bool = True) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=not wait)
