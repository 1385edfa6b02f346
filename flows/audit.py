"""sample_for_audit: a stratified random sample of stored verdicts, re-verified.

Drawing and reporting are plain functions (pipeline.sampling); each sampled case is
re-verified as its own task from the stored raw files with the recorded rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.common import retry_transient, service_context
from pipeline import sampling


@task(
    name="reverify",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=retry_transient,
    task_run_name="reverify {case.application_id}",
)
def reverify(case: sampling.Case, fresh_ocr: bool = False) -> dict[str, Any]:
    from pipeline import service
    from pipeline.ocr import get_engine

    db, storage = service_context()
    return sampling.reverify_case(
        db, storage, case, engine=get_engine(), current=service.load_rules(), fresh_ocr=fresh_ocr
    )


@flow(name="sample-for-audit", log_prints=True)
def sample_for_audit(
    size: int = 10,
    seed: int | None = None,
    by: list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    actor: str = "auditor",
    fresh_ocr: bool = False,
) -> dict[str, Any]:
    """Draw (seed recorded), re-verify each case, diff against the stored verdict, report."""
    from pipeline import service

    db, storage = service_context()
    spec = sampling.SampleSpec(size, seed, tuple(by or sampling.STRATA), since, until, fresh_ocr)
    sample_id, seed = sampling.open_sample(db, spec, actor=actor)
    spec = replace(spec, seed=seed)
    cases, strata = sampling.draw(db, spec)
    futures = [reverify.submit(case, fresh_ocr) for case in cases]
    results = [f.result() for f in futures]
    report = sampling.finish_sample(
        db,
        storage,
        sample_id,
        spec,
        strata,
        results,
        actor=actor,
        rules_version=service.load_rules().version,
    )
    create_table_artifact(
        key="audit-sample",
        table=[
            {
                "申请": r["application_id"],
                "版本": r["version"],
                "分层": r["stratum"],
                "存档结论": r["stored_verdict"],
                "复核结论": r.get("reverified_verdict") or "",
                "差异": "；".join(r["recorded_diff"] + r["current_diff"] + r["notes"]) or "无",
            }
            for r in results
        ],
        description=f"抽样复核（种子 {seed}）",
    )
    create_markdown_artifact(key="audit-sample-summary", markdown=sampling.markdown_report(report))
    return {k: v for k, v in report.items() if k != "cases"}
