"""Audit sampling: a stratified random sample of stored verdicts, re-verified from the
stored raw files, and diffed against what was stored.

Each sampled case is judged twice:

* with the **recorded** rules (the snapshot kept under ``rules/<version>.json`` when
  the verdict was made) and the current engine, which must reproduce the stored
  verdict exactly — a difference means the raw files, the OCR engine or the code
  changed behaviour, and the report says which of those it can see;
* with the **current** rules, when they differ from the recorded ones — a difference
  there is the effect of a rules change on a real case.

The seed is recorded (drawn when not given), so the same sample can be drawn again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline import audit, service
from pipeline import store as st
from pipeline.errors import FileRejected, IntakeError, NotFound
from pipeline.storage import Storage, get_json, put_json
from pipeline.verify import ReadResult, file_rejected_finding

STRATA = ("verdict", "service", "period")


@dataclass(frozen=True)
class SampleSpec:
    size: int = 10
    seed: int | None = None
    by: tuple[str, ...] = STRATA
    since: dt.date | None = None
    until: dt.date | None = None
    fresh_ocr: bool = False  # re-OCR with an empty page cache (slow; proves OCR reproducible)

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "seed": self.seed,
            "by": list(self.by),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "fresh_ocr": self.fresh_ocr,
        }


@dataclass(frozen=True)
class Case:
    """One stored verdict chosen for the sample."""

    application_id: str
    version: int
    stratum: str
    decision: str
    rules_version: str
    engine_version: str
    verdict: dict[str, Any] = field(repr=False, default_factory=dict)


# ------------------------------------------------------------------ drawing


def stratum_of(row: st.VerdictRow, by: Sequence[str]) -> str:
    parts = []
    for dim in by:
        if dim == "verdict":
            parts.append(row.decision)
        elif dim == "service":
            parts.append(row.service_code or "-")
        elif dim == "period":
            parts.append(row.created_at.strftime("%Y-%m"))
        else:
            raise IntakeError(f"未知的分层维度 {dim}（可选：{'、'.join(STRATA)}）")
    return " / ".join(parts)


def allocate(sizes: dict[str, int], n: int, rng: random.Random) -> dict[str, int]:
    """Proportional allocation (largest remainder), at least one per stratum when n allows."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    keys = sorted(sizes)
    if n < len(keys):  # fewer draws than strata: pick strata at random, one each
        chosen = set(rng.sample(keys, n))
        return {k: (1 if k in chosen else 0) for k in keys}
    quota = {k: 1 for k in keys}
    rest = n - len(keys)
    spare = {k: sizes[k] - 1 for k in keys}
    spare_total = sum(spare.values())
    exact = {k: rest * spare[k] / spare_total if spare_total else 0 for k in keys}
    for k in keys:
        quota[k] += int(exact[k])
    left = n - sum(quota.values())
    for k in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))[:left]:
        quota[k] += 1
    return {k: min(quota[k], sizes[k]) for k in keys}


def draw(db: st.Database, spec: SampleSpec) -> tuple[list[Case], dict[str, dict[str, int]]]:
    """The sample (deterministic for a seed and a database state) and per-stratum counts."""
    since = dt.datetime.combine(spec.since, dt.time(), dt.UTC) if spec.since else None
    until = (
        dt.datetime.combine(spec.until, dt.time(), dt.UTC) + dt.timedelta(days=1)
        if spec.until
        else None
    )
    with db.session() as session:
        rows = st.list_verdicts(session, since=since, until=until)
        groups: dict[str, list[st.VerdictRow]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: r.application_id):
            groups[stratum_of(row, spec.by)].append(row)
        rng = random.Random(spec.seed)
        quota = allocate({k: len(v) for k, v in groups.items()}, spec.size, rng)
        cases: list[Case] = []
        for key in sorted(groups):
            for row in rng.sample(groups[key], quota[key]):
                cases.append(
                    Case(
                        row.application_id,
                        row.version,
                        key,
                        row.decision,
                        row.rules_version,
                        row.engine_version,
                        row.verdict,
                    )
                )
    strata = {k: {"population": len(groups[k]), "sampled": quota[k]} for k in sorted(groups)}
    return cases, strata


# ------------------------------------------------------------------ re-verifying


def summarise_verdict(verdict: dict[str, Any]) -> dict[str, Any]:
    """The parts of a verdict an auditor compares (decision, materials, findings, fields)."""
    return {
        "verdict": verdict.get("verdict"),
        "review_required": verdict.get("review_required"),
        "service": (verdict.get("service") or {}).get("code"),
        "materials": {m["material"]: m["status"] for m in verdict.get("materials", [])},
        "findings": sorted(
            "|".join(
                str(f.get(k) or "") for k in ("code", "severity", "material", "document", "field")
            )
            for f in verdict.get("findings", [])
        ),
        "documents": {
            f"{d.get('file')}#{d.get('pages')}": {
                "type": d.get("type"),
                "fields": {k: v.get("value") for k, v in (d.get("fields") or {}).items()},
            }
            for d in verdict.get("documents", [])
        },
    }


def diff_verdicts(stored: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Chinese lines naming each difference; empty when the verdicts agree."""
    a, b = summarise_verdict(stored), summarise_verdict(fresh)
    out: list[str] = []
    if a["verdict"] != b["verdict"]:
        out.append(f"结论不同：存档 {a['verdict']}，复核 {b['verdict']}")
    if a["review_required"] != b["review_required"]:
        out.append(f"是否需人工复核不同：存档 {a['review_required']}，复核 {b['review_required']}")
    if a["service"] != b["service"]:
        out.append(f"事项不同：存档 {a['service']}，复核 {b['service']}")
    for name in sorted(set(a["materials"]) | set(b["materials"])):
        x, y = a["materials"].get(name), b["materials"].get(name)
        if x != y:
            out.append(f"材料“{name}”：存档 {x or '无'}，复核 {y or '无'}")
    fa, fb = Counter(a["findings"]), Counter(b["findings"])
    for item in sorted((fa - fb).elements()):
        out.append(f"复核中不再出现的问题：{item}")
    for item in sorted((fb - fa).elements()):
        out.append(f"复核中新出现的问题：{item}")
    for doc in sorted(set(a["documents"]) | set(b["documents"])):
        x, y = a["documents"].get(doc), b["documents"].get(doc)
        if x != y:
            out.append(f"材料 {doc} 的识别结果不同：存档 {x}，复核 {y}")
    return out


def reread_raw(
    storage: Storage, job: service.Job, engine: Any, ocr_cache: Path | None = None
) -> tuple[ReadResult, list[str]]:
    """Read the stored raw files afresh (not the stored OCR results); check their hashes.

    `ocr_cache`: a page cache to use instead of the configured one (an empty directory
    forces real OCR of every page)."""
    from pipeline.config import get_settings
    from pipeline.ingest import load_bytes
    from pipeline.ocr import read_file

    settings = get_settings()
    if ocr_cache is not None:
        settings = settings.model_copy(update={"ocr_cache_dir": ocr_cache})

    problems: list[str] = []
    result = ReadResult()
    for f in job.files:
        try:
            data = storage.get(f.object_key)
        except NotFound:
            problems.append(f"原始文件 {f.name} 在对象存储中缺失")
            continue
        if hashlib.sha256(data).hexdigest() != f.sha256:
            problems.append(f"原始文件 {f.name} 的哈希与登记不符（被替换或损坏）")
        try:
            result.pages_by_file[f.name] = read_file(load_bytes(data, f.name), engine, settings)
        except FileRejected as exc:
            result.findings.append(file_rejected_finding(f.name, exc))
    return result, problems


def reverify_case(
    db: st.Database,
    storage: Storage,
    case: Case,
    *,
    engine: Any,
    current: Any,
    fresh_ocr: bool = False,
) -> dict[str, Any]:
    """Re-verify one case with its recorded rules (and the current ones if they differ)."""
    from pipeline.ocr import engine_info

    job = service.load_job(db, case.application_id)
    info = engine_info(engine)
    notes: list[str] = []
    if info.version != case.engine_version:
        notes.append(f"OCR 引擎版本已变化：存档 {case.engine_version}，当前 {info.version}")
    with tempfile.TemporaryDirectory(prefix="reverify-") as tmp:
        try:
            recorded = service.restore_rules(storage, case.rules_version, Path(tmp) / "rules")
        except NotFound:
            recorded = current if current.version == case.rules_version else None
        if recorded is not None and recorded.version != case.rules_version:
            notes.append(f"规则快照内容与版本号不符：{case.rules_version} → {recorded.version}")
        read, problems = (None, [])
        if service.in_scope(job, recorded or current):
            cache = Path(tmp) / "ocr" if fresh_ocr else None
            read, problems = reread_raw(storage, job, engine, cache)
        result: dict[str, Any] = {
            "application_id": case.application_id,
            "version": case.version,
            "stratum": case.stratum,
            "stored_verdict": case.decision,
            "rules_version": case.rules_version,
            "current_rules_version": current.version,
            "notes": notes + problems,
        }
        if recorded is None:
            result["notes"].append(f"缺少规则 {case.rules_version} 的快照，无法按原规则复核")
            result["reproduced"] = None
            result["recorded_diff"] = []
        else:
            fresh = service.decide_job(
                db, job, read, catalogue=recorded, engine_info=info
            ).to_contract()
            result["recorded_diff"] = diff_verdicts(case.verdict, fresh)
            result["reproduced"] = not result["recorded_diff"] and not problems
            result["reverified_verdict"] = fresh["verdict"]
        if current.version != case.rules_version:
            now = service.decide_job(
                db, job, read, catalogue=current, engine_info=info
            ).to_contract()
            result["current_diff"] = diff_verdicts(case.verdict, now)
            result["current_verdict"] = now["verdict"]
        else:
            result["current_diff"] = []
            result["current_verdict"] = result.get("reverified_verdict")
    result["differs"] = bool(result["recorded_diff"] or result["current_diff"] or problems)
    return result


# ------------------------------------------------------------------ the whole sample


def open_sample(db: st.Database, spec: SampleSpec, *, actor: str) -> tuple[int, int]:
    """Register a sample (status running) with its seed; returns (id, seed)."""
    seed = spec.seed if spec.seed is not None else random.SystemRandom().randrange(2**31)
    with db.write_lock, db.session() as session:
        row = st.add_audit_sample(
            session,
            actor=actor,
            seed=seed,
            params={**spec.as_dict(), "seed": seed},
            summary={"status": "running"},
            report_key=None,
        )
        return row.id, seed


def finish_sample(
    db: st.Database,
    storage: Storage,
    sample_id: int,
    spec: SampleSpec,
    strata: dict[str, Any],
    results: list[dict[str, Any]],
    *,
    actor: str,
    rules_version: str,
) -> dict[str, Any]:
    """Write the report (object storage) and the summary (database + audit log)."""
    report = {
        "sample_id": sample_id,
        "seed": spec.seed,
        "spec": spec.as_dict(),
        "rules_version": rules_version,
        "strata": strata,
        "sampled": len(results),
        "differences": sum(1 for r in results if r["differs"]),
        "not_reproduced": sum(1 for r in results if r.get("reproduced") is False),
        "changed_by_rules": sum(1 for r in results if r["current_diff"]),
        "cases": results,
        "status": "done",
    }
    key = f"audit/samples/{sample_id}.json"
    put_json(storage, key, report)
    summary = {k: v for k, v in report.items() if k != "cases"}
    with db.write_lock, db.session() as session:
        st.update_audit_sample(session, sample_id, summary=summary, report_key=key)
        audit.append(
            db,
            session,
            actor=actor,
            action="audit.sample",
            subject=f"sample-{sample_id}",
            payload={
                "seed": spec.seed,
                "spec": spec.as_dict(),
                "cases": [f"{r['application_id']}@v{r['version']}" for r in results],
                "differences": report["differences"],
            },
        )
    return report


def run_sample(
    db: st.Database,
    storage: Storage,
    spec: SampleSpec,
    *,
    actor: str = "auditor",
    engine: Any = None,
    catalogue: Any = None,
    progress: Callable[[int, int], None] | None = None,
    sample_id: int | None = None,
) -> dict[str, Any]:
    """Draw, re-verify every case, diff, report (`intake audit sample`, POST /audit/samples)."""
    from pipeline.ocr import get_engine

    if sample_id is None:
        sample_id, seed = open_sample(db, spec, actor=actor)
        spec = replace(spec, seed=seed)
    try:
        current = catalogue or service.load_rules()
        cases, strata = draw(db, spec)
        engine = engine or (get_engine() if cases else None)
        results = []
        for i, case in enumerate(cases, 1):
            results.append(
                reverify_case(
                    db, storage, case, engine=engine, current=current, fresh_ocr=spec.fresh_ocr
                )
            )
            if progress:
                progress(i, len(cases))
        return finish_sample(
            db,
            storage,
            sample_id,
            spec,
            strata,
            results,
            actor=actor,
            rules_version=current.version,
        )
    except Exception as exc:
        with db.write_lock, db.session() as session:
            st.update_audit_sample(
                session, sample_id, summary={"status": "failed", "error": str(exc)}, report_key=None
            )
        raise


def run_open_sample(
    db: st.Database, storage: Storage, sample_id: int, spec: SampleSpec, actor: str
) -> None:
    """Background job for POST /audit/samples (the seed was fixed when it was opened)."""
    with db.session() as session:
        seed = st.get_audit_sample(session, sample_id).seed
    run_sample(
        db,
        storage,
        replace(spec, seed=seed),
        actor=actor,
        sample_id=sample_id,
    )


def get_sample(db: st.Database, storage: Storage, sample_id: int) -> dict[str, Any]:
    with db.session() as session:
        row = st.get_audit_sample(session, sample_id)
        summary, key, seed, params = dict(row.summary), row.report_key, row.seed, row.params
    if key:
        report = get_json(storage, key)
        if isinstance(report, dict):
            return report
    return {"sample_id": sample_id, "seed": seed, "spec": params, **summary}


def markdown_report(report: dict[str, Any]) -> str:
    """A short Chinese summary for people (CLI, Prefect artifact)."""
    lines = [
        f"# 抽样复核 #{report.get('sample_id')}（随机种子 {report.get('seed')}）",
        f"抽取 {report.get('sampled', 0)} 件，差异 {report.get('differences', 0)} 件"
        f"（按原规则未能复现 {report.get('not_reproduced', 0)} 件，"
        f"因规则变化结论不同 {report.get('changed_by_rules', 0)} 件）；当前规则版本 {report.get('rules_version')}。",
        "",
        "| 分层 | 总数 | 抽取 |",
        "|---|---|---|",
        *[
            f"| {k} | {v['population']} | {v['sampled']} |"
            for k, v in (report.get("strata") or {}).items()
        ],
    ]
    for case in report.get("cases", []):
        diffs = case["recorded_diff"] + case["current_diff"] + case["notes"]
        if diffs:
            lines += [
                "",
                f"## {case['application_id']} v{case['version']}",
                *[f"- {d}" for d in diffs],
            ]
    return "\n".join(lines)
