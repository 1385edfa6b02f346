"""The recipe: one application from uploaded files to a verdict.

    load bundle → resolve service → ingest (format by content, limits) →
    read pages (text layer / OFD / preprocess + OCR) → split & classify →
    extract fields → validate → evaluate service rules → decide

Each stage is a plain function from its own module; this module only wires
them in order and collects every finding before deciding (一次性告知).
Flows (flows/) and the API call these same functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.errors import BadApplication, BundleNotFound, FileRejected, UnusableInput
from pipeline.models import (
    Application,
    Decision,
    Document,
    EngineInfo,
    Evidence,
    Finding,
    FindingCode,
    MaterialResult,
    MaterialStatus,
    OcrPage,
    Record,
    Severity,
    Verdict,
)

log = logging.getLogger(__name__)

APPLICATION_FILE = "application.json"


# ------------------------------------------------------------------ bundle


@dataclass(frozen=True)
class LoadedBundle:
    application: Application
    files: tuple[Path, ...]
    assumptions: tuple[str, ...] = ()


def load_application(bundle_dir: Path) -> Application:
    return load_bundle(bundle_dir).application


def load_bundle(bundle_dir: Path) -> LoadedBundle:
    """Read application.json and list the uploaded files beside it.

    A missing application_id is derived from the content (so re-running the
    same bundle gives the same id); a missing submitted_at is today's date,
    recorded as an assumption.
    """
    bundle_dir = Path(bundle_dir)
    if not bundle_dir.is_dir():
        raise BundleNotFound(str(bundle_dir))
    app_path = bundle_dir / APPLICATION_FILE
    if not app_path.is_file():
        raise BadApplication(f"{bundle_dir} 中没有 {APPLICATION_FILE}")
    raw = app_path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadApplication(f"{app_path}: {exc}") from exc
    if not isinstance(data, dict):
        raise BadApplication(f"{app_path}: 顶层必须是 JSON 对象")
    files = tuple(
        sorted(p for p in bundle_dir.iterdir() if p.is_file() and p.name != APPLICATION_FILE)
    )
    return parse_application(data, files=files, origin=str(app_path))


def parse_application(
    data: Mapping[str, Any], *, files: Sequence[Path] = (), origin: str = APPLICATION_FILE
) -> LoadedBundle:
    """Validate application fields; used by the CLI bundle loader and the API alike."""
    data = dict(data)
    assumptions: list[str] = []
    if not data.get("service"):
        raise BadApplication(f"{origin}: 缺少 service（办理事项）")
    if not data.get("submitted_at"):
        data["submitted_at"] = dt.date.today().isoformat()
        assumptions.append(f"申请未写明提交日期，按今日（{data['submitted_at']}）计。")
    if not data.get("application_id"):
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
        for path in files:
            digest.update(path.name.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        data["application_id"] = "app-" + digest.hexdigest()[:16]
    if data.get("applicant") is None:
        data.pop("applicant", None)
    if data.get("facts") is None:
        data.pop("facts", None)
    try:
        application = Application.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadApplication(f"{origin}: 字段 {where}: {first['msg']}") from exc
    return LoadedBundle(application=application, files=tuple(files), assumptions=tuple(assumptions))


def load_records(path: Path) -> list[Record]:
    """Read an internal-records file (CONTRACTS.md §5)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise UnusableInput(f"核查记录文件不存在：{path}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnusableInput(f"核查记录文件无法解析：{path}: {exc}") from exc
    if not isinstance(data, list):
        raise UnusableInput(f"核查记录文件必须是 JSON 列表：{path}")
    try:
        return [Record.model_validate(item) for item in data]
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UnusableInput(
            f"核查记录文件 {path} 第 {first['loc'][0] if first['loc'] else '?'} 条有误：{first['msg']}"
        ) from exc


# ------------------------------------------------------------------ reading


@dataclass
class ReadResult:
    """Pages per file, plus findings for files that could not be read at all."""

    pages_by_file: dict[str, list[OcrPage]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def read_files(files: Iterable[Path], engine: Any) -> ReadResult:
    """Ingest and read every file; a bad file becomes a finding, never a crash or a silent drop."""
    from pipeline.ingest import load_file
    from pipeline.ocr import read_file

    result = ReadResult()
    for path in files:
        try:
            ingested = load_file(path)
            result.pages_by_file[path.name] = read_file(ingested, engine)
        except FileRejected as exc:
            result.findings.append(file_rejected_finding(path.name, exc))
    return result


def file_rejected_finding(file: str, exc: FileRejected) -> Finding:
    from pipeline.errors import UnsupportedFile

    code = (
        FindingCode.UNSUPPORTED_FILE if isinstance(exc, UnsupportedFile) else FindingCode.ILLEGIBLE
    )
    return Finding(
        code=code,
        severity=Severity.WARNING,
        message=f"文件“{file}”无法处理：{exc}。请改用 JPG、PNG、TIFF、PDF 或 OFD 格式重新上传。",
        document=file,
        evidence=(Evidence(file=file),),
        params={"file": file, "detail": exc.detail},
    )


# ------------------------------------------------------------------ judging


def split_documents(pages_by_file: Mapping[str, Sequence[OcrPage]]) -> list[Document]:
    """Group each file's pages into documents, classify them and extract their fields."""
    from extractors import extract_document
    from pipeline.classify import split_and_classify

    documents: list[Document] = []
    for file, pages in pages_by_file.items():
        if not pages:
            continue
        for group, classification in split_and_classify(list(pages)):
            documents.append(extract_document(file, list(group), classification))
    return documents


def judge(
    application: Application,
    pages_by_file: Mapping[str, Sequence[OcrPage]],
    records: Sequence[Record] = (),
    *,
    catalogue: Any = None,
    engine_info: EngineInfo,
    prior_findings: Sequence[Finding] = (),
    assumptions: Sequence[str] = (),
    context: Any = None,
) -> Verdict:
    """classify → extract → validate → evaluate rules → decide, on pages already read."""
    from rules.catalogue import load_catalogue
    from rules.evaluator import evaluate
    from validators import validate

    catalogue = catalogue or load_catalogue()
    resolution = catalogue.resolve(
        application.service,
        jurisdiction=application.jurisdiction,
        office=application.office,
        on_date=application.submitted_at,
    )
    documents = split_documents(pages_by_file)
    if resolution.service is None:
        return out_of_scope_verdict(
            application, resolution, catalogue, engine_info, documents, prior_findings
        )

    all_pages = [page for pages in pages_by_file.values() for page in pages]
    findings: list[Finding] = list(prior_findings)
    findings += validate(documents, all_pages, application, list(records), context)
    evaluation = evaluate(resolution.service, documents, application, list(records), catalogue)
    findings += evaluation.findings
    decision, review_required = decide(evaluation.materials, findings)
    return Verdict(
        application_id=application.application_id,
        service=resolution.service.ref(),
        verdict=decision,
        review_required=review_required,
        documents=tuple(documents),
        materials=tuple(evaluation.materials),
        findings=tuple(sort_findings(findings)),
        redirect=None,
        rules_version=catalogue.version,
        engine=engine_info,
        submitted_at=application.submitted_at,
        assumptions=tuple(assumptions) + tuple(evaluation.assumptions),
        clerk_checks=tuple(evaluation.clerk_checks),
    )


def out_of_scope_verdict(
    application: Application,
    resolution: Any,
    catalogue: Any,
    engine_info: EngineInfo,
    documents: Sequence[Document] = (),
    prior_findings: Sequence[Finding] = (),
) -> Verdict:
    """不属于本部门职权范围：say so, and where to go instead."""
    redirect = resolution.redirect
    where = f"，请到{redirect.office}办理" if redirect else ""
    reason = resolution.reason or f"“{application.service}”不属于本部门职权范围"
    finding = Finding(
        code=FindingCode.OUT_OF_SCOPE,
        severity=Severity.ERROR,
        message=f"{reason}{where}。",
        params={"service": application.service, "office": application.office},
    )
    return Verdict(
        application_id=application.application_id,
        service=resolution.service.ref() if resolution.service else None,
        verdict=Decision.OUT_OF_SCOPE,
        documents=tuple(documents),
        findings=(finding, *prior_findings),
        redirect=redirect,
        rules_version=catalogue.version,
        engine=engine_info,
        submitted_at=application.submitted_at,
    )


def decide(
    materials: Sequence[MaterialResult], findings: Sequence[Finding]
) -> tuple[Decision, bool]:
    """accept only when every material is satisfied/waived/not required and no error remains.

    review_required: the decision rests on at least one uncertain (low-confidence) finding,
    or an accept rests on uncertain readings flagged by validators.
    """
    unmet = [m for m in materials if m.status in (MaterialStatus.MISSING, MaterialStatus.INVALID)]
    errors = [f for f in findings if f.severity == Severity.ERROR]
    decision = Decision.DEFICIENT if unmet or errors else Decision.ACCEPT
    review_required = any(f.uncertain for f in findings)
    return decision, review_required


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings; stable within a severity (the order stages found them)."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])


# ------------------------------------------------------------------ entry points


def verify_application(
    application: Application,
    files: Sequence[Path],
    records: Sequence[Record] | None = None,
    *,
    engine: Any = None,
    catalogue: Any = None,
    context: Any = None,
    assumptions: Sequence[str] = (),
) -> Verdict:
    """The whole recipe for one application whose files are on local disk."""
    from pipeline.ocr import engine_info, get_engine
    from rules.catalogue import load_catalogue

    catalogue = catalogue or load_catalogue()
    engine = engine or get_engine()
    info = engine_info(engine)
    resolution = catalogue.resolve(
        application.service,
        jurisdiction=application.jurisdiction,
        office=application.office,
        on_date=application.submitted_at,
    )
    if resolution.service is None:
        # Decided at the counter before any material is examined (flowchart: 是否受理 → 否).
        return out_of_scope_verdict(application, resolution, catalogue, info)
    read = read_files(files, engine)
    return judge(
        application,
        read.pages_by_file,
        records or (),
        catalogue=catalogue,
        engine_info=info,
        prior_findings=read.findings,
        assumptions=assumptions,
        context=context,
    )


def verify_bundle(
    bundle_dir: Path,
    records: Sequence[Record] | None = None,
    *,
    engine: Any = None,
    catalogue: Any = None,
    context: Any = None,
) -> Verdict:
    """`intake verify`: one bundle directory (CONTRACTS.md §1) to a verdict."""
    bundle = load_bundle(Path(bundle_dir))
    return verify_application(
        bundle.application,
        bundle.files,
        records,
        engine=engine,
        catalogue=catalogue,
        context=context,
        assumptions=bundle.assumptions,
    )
