"""review_medical_bills: a folder or bucket prefix of medical bills → reports.

Each file is read as its own task (parallel, retried on transient errors); the review
itself (checks, duplicates, totals, dates) is one plain function, pipeline.batch.review.
Reports go to disk (CSV + HTML + JSON) and to Prefect as table and markdown artifacts;
a progress artifact shows how many files have been read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE

from flows.common import retry_transient, service_context
from pipeline import batch


@task(
    name="read-bill",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=retry_transient,
    task_run_name="read {bill.name}",
)
def read_bill(bill: batch.BillFile) -> batch.FileRead:
    from pipeline.ocr import get_engine

    return batch.read_bill_file(bill, get_engine())


@flow(name="review-medical-bills", log_prints=True)
def review_medical_bills(
    source: str,
    out_dir: str | None = None,
    from_storage: bool = False,
    use_database: bool = True,
) -> dict[str, Any]:
    """Review every bill under `source` (a folder, or a storage prefix with from_storage)."""
    from pipeline.config import get_settings

    db, storage = service_context() if (use_database or from_storage) else (None, None)
    src = (
        batch.discover_storage(storage, source)
        if from_storage
        else batch.discover_dir(Path(source))
    )
    progress = create_progress_artifact(progress=0.0, description="已读取的票据文件")
    futures = [read_bill.submit(bill) for bill in src.files]
    reads = []
    for i, fut in enumerate(futures, 1):
        reads.append(fut.result())
        if progress is not None:
            update_progress_artifact(progress, progress=100.0 * i / max(len(futures), 1))
    result = batch.review(
        reads,
        src.applications,
        seen_stored=batch.stored_lookup(db if use_database else None),
        records=[*src.records, *batch.stored_records(db if use_database else None, reads)],
    )
    out = (
        Path(out_dir)
        if out_dir
        else get_settings().reports_path / f"bills-{result.generated_at.replace(':', '')}"
    )
    paths = batch.write_reports(result, out)
    create_table_artifact(
        key="bill-review",
        table=[
            {
                "文件": r.file,
                "票据号码": r.invoice_number or "",
                "交款人": r.person or "",
                "医院": r.hospital or "",
                "日期": r.issue_date or "",
                "金额": r.amount or "",
                "结果": r.status,
                "问题": "；".join(p["message"] for p in r.problems),
            }
            for r in result.rows
        ],
        description="医疗票据逐张审核结果",
    )
    create_table_artifact(
        key="bill-totals-person", table=result.by_person, description="按人员汇总"
    )
    create_table_artifact(
        key="bill-totals-hospital", table=result.by_hospital, description="按医院汇总"
    )
    create_markdown_artifact(key="bill-review-summary", markdown=batch.markdown_summary(result))
    return {"summary": result.summary(), "reports": {k: str(v) for k, v in paths.items()}}
