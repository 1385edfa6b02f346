"""Flows for one application: thin wrappers over pipeline.service / pipeline.verify.

intake_application reads pages as parallel tasks cached by (content hash, page,
engine version), so a re-run after a crash re-uses finished pages; every step it
wraps is idempotent (content-addressed objects, OCR rows keyed by content and
engine, verdicts appended only when they differ), so re-running gives the same
verdict without duplicating rows or objects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.common import retry_transient, service_context
from pipeline import service
from pipeline import store as st
from pipeline.errors import FileRejected
from pipeline.models import Finding, Verdict
from pipeline.verify import ReadResult, file_rejected_finding

RETRY = {"retries": 2, "retry_delay_seconds": 1, "retry_condition_fn": retry_transient}


def _page_cache_key(_ctx: Any, params: dict[str, Any]) -> str:
    return f"ocr-page-{params['sha256']}-{params['page']}-{params['engine_version']}"


@task(name="engine", cache_policy=NO_CACHE)
def engine_version() -> str:
    from pipeline.ocr import get_engine

    return get_engine().version


@task(name="begin", cache_policy=NO_CACHE, **RETRY)
def begin(app_id: str) -> service.Job:
    db, _ = service_context()
    return service.begin(db, app_id)


@task(name="count-pages", cache_policy=NO_CACHE, **RETRY)
def count_pages(f: st.StoredFile) -> int | Finding:
    """Pages of a stored file, or the finding saying why it cannot be read."""
    _, storage = service_context()
    try:
        return service.page_count(storage, f)
    except FileRejected as exc:
        return file_rejected_finding(f.name, exc)


@task(name="stored-ocr", cache_policy=NO_CACHE, **RETRY)
def stored_ocr(f: st.StoredFile, version: str) -> list[Any] | None:
    db, storage = service_context()
    return service.load_stored_pages(db, storage, f, version)


@task(
    name="ocr-page",
    cache_key_fn=_page_cache_key,
    persist_result=True,
    task_run_name="ocr {name} p{page}",
    **RETRY,
)
def ocr_page(
    object_key: str, name: str, sha256: str, size: int, page: int, engine_version: str
) -> Any:
    from pipeline.ocr import get_engine

    _, storage = service_context()
    f = st.StoredFile(name=name, sha256=sha256, size=size, object_key=object_key)
    return service.read_stored_page(storage, f, page, get_engine())


@task(name="save-ocr", cache_policy=NO_CACHE, **RETRY)
def save_ocr(f: st.StoredFile, version: str, pages: list[Any]) -> str:
    db, storage = service_context()
    return service.save_pages(db, storage, f, version, pages)


@task(name="judge", cache_policy=NO_CACHE, **RETRY)
def judge(job: service.Job, read: ReadResult | None) -> Verdict:
    """Classify, extract, validate, evaluate the service's rules, decide."""
    from pipeline.ocr import engine_info, get_engine

    db, storage = service_context()
    catalogue = service.load_rules()
    service.snapshot_rules(storage, catalogue)  # the exact rules this verdict is made with
    return service.decide_job(
        db, job, read, catalogue=catalogue, engine_info=engine_info(get_engine())
    )


@task(name="persist", cache_policy=NO_CACHE, **RETRY)
def persist(job: service.Job, verdict: Verdict) -> dict[str, Any]:
    """Append the verdict (only if it differs from the latest), index invoices, log."""
    db, storage = service_context()
    persisted = service.persist(db, storage, job, verdict, service.load_rules(), actor="flow")
    return {
        "application_id": persisted.application_id,
        "version": persisted.version,
        "appended": persisted.appended,
        "verdict": persisted.decision,
    }


def judge_and_persist(job: service.Job, read: ReadResult | None) -> dict[str, Any]:
    return persist(job, judge(job, read))


@flow(name="intake-application", log_prints=True)
def intake_application(app_id: str) -> dict[str, Any]:
    """One stored application → verdict: OCR pages in parallel, classify, extract,
    validate, evaluate, persist. Safe to re-run for a stuck or crashed run."""
    db, _ = service_context()
    try:
        job = begin(app_id)
        if not service.in_scope(job, service.load_rules()):
            return judge_and_persist(job, None)
        version = engine_version()
        read = ReadResult()
        pending: dict[str, tuple[st.StoredFile, list[Any]]] = {}
        for f in job.files:
            stored = stored_ocr(f, version)
            if stored is not None:
                read.pages_by_file[f.name] = stored
                continue
            count = count_pages(f)
            if isinstance(count, Finding):
                read.findings.append(count)
                continue
            futures = [
                ocr_page.submit(f.object_key, f.name, f.sha256, f.size, n, version)
                for n in range(1, count + 1)
            ]
            pending[f.name] = (f, futures)
        for name, (f, futures) in pending.items():
            pages = [fut.result().model_copy(update={"file": name}) for fut in futures]
            save_ocr(f, version, pages)
            read.pages_by_file[name] = pages
        # keep the upload order of files (dicts remember insertion order)
        read.pages_by_file = {
            f.name: read.pages_by_file[f.name] for f in job.files if f.name in read.pages_by_file
        }
        return judge_and_persist(job, read)
    except Exception as exc:
        service.fail(db, app_id, exc, actor="flow")
        raise


@flow(name="intake-bundle", log_prints=True)
def intake_bundle(
    bundle_dir: str, owner: str = "flow", idempotency_key: str | None = None
) -> dict[str, Any]:
    """Store a bundle's raw files first (durable, content-addressed), then verify it."""
    db, storage = service_context()
    submitted = service.import_bundle(
        db, storage, Path(bundle_dir), owner=owner, idempotency_key=idempotency_key
    )
    return intake_application(submitted.application_id)


# ------------------------------------------------------------------ issue #2: one bundle, no database


def _file_cache_key(_ctx: Any, params: dict[str, Any]) -> str:
    return f"ocr-file-{params['sha256']}-{params['engine_version']}"


@task(
    name="read-file", cache_key_fn=_file_cache_key, persist_result=True, task_run_name="read {path}"
)
def read_bundle_file(path: str, sha256: str, engine_version: str) -> list[Any] | Finding:
    """One bundle file's pages, or the finding saying why it cannot be read."""
    from pipeline.ingest import load_file
    from pipeline.ocr import get_engine, read_file

    try:
        return read_file(load_file(Path(path)), get_engine())
    except FileRejected as exc:
        return file_rejected_finding(Path(path).name, exc)


@flow(name="verify-bundle", log_prints=True)
def verify_bundle_flow(bundle_dir: str, records: str | None = None) -> dict[str, Any]:
    """The `intake verify` path for one bundle as a flow: files read as parallel tasks,
    then judged; returns verdict/1 (nothing stored)."""
    import hashlib

    from pipeline.ocr import engine_info, get_engine
    from pipeline.verify import judge, load_bundle, load_records, out_of_scope_verdict
    from rules.catalogue import load_catalogue

    bundle = load_bundle(Path(bundle_dir))
    recs = load_records(Path(records)) if records else []
    catalogue = load_catalogue()
    app = bundle.application
    info = engine_info(get_engine())
    resolution = catalogue.resolve(
        app.service, jurisdiction=app.jurisdiction, office=app.office, on_date=app.submitted_at
    )
    if resolution.service is None:
        return out_of_scope_verdict(app, resolution, catalogue, info).to_contract()
    futures = {
        p.name: read_bundle_file.submit(
            str(p), hashlib.sha256(p.read_bytes()).hexdigest(), info.version
        )
        for p in bundle.files
    }
    read = ReadResult()
    for name, fut in futures.items():
        result = fut.result()
        if isinstance(result, Finding):
            read.findings.append(result)
        else:
            read.pages_by_file[name] = [p.model_copy(update={"file": name}) for p in result]
    verdict = judge(
        app,
        read.pages_by_file,
        recs,
        catalogue=catalogue,
        engine_info=info,
        prior_findings=read.findings,
        assumptions=bundle.assumptions,
    )
    return verdict.to_contract()
