"""Batch review of medical bills (`intake batch DIR`, flow review_medical_bills).

A folder (or an object-storage prefix) of medical bills — invoices and expense lists,
loose or inside application bundles (a sub-folder with application.json) — is read,
every bill checked, and the results reported for back-office staff:

* per bill: the named invoice checks of validators.validate (item arithmetic, 大写 vs
  小写, QR payload vs print, seal, legibility, low confidence);
* duplicates: the same invoice (code, number) twice in the batch, or already used by a
  stored application (the service's invoice index);
* bills dated before the injury date of the person (from an injury decision in the
  batch, the bundle's application, or the office's records);
* totals per person and per hospital.

Reports: bills.csv, totals.csv, report.html, review.json (the same data).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.errors import BundleNotFound, FileRejected
from pipeline.models import Application, Document, Finding, FindingCode, OcrPage
from pipeline.verify import APPLICATION_FILE, file_rejected_finding

BILL_TYPES = ("medical_invoice", "expense_list", "vat_invoice")
INVOICE_TYPES = ("medical_invoice", "vat_invoice")
# checks that make a bill a problem whatever their severity (reading-based ones may be
# downgraded to warnings by the validators when the reading is uncertain)
MONEY_CHECKS = frozenset(
    {
        "items_sum",
        "words_mismatch",
        "qr_mismatch",
        "duplicate_in_batch",
        "duplicate_stored",
        "duplicate_in_application",
        "before_injury",
    }
)


# ------------------------------------------------------------------ sources


@dataclass(frozen=True)
class BillFile:
    """One input file: a unique name within the batch, its bundle (if any), its bytes."""

    name: str
    group: str  # bundle folder, or "" for loose bills
    load: Callable[[], bytes] = field(repr=False)


@dataclass
class Source:
    files: list[BillFile]
    applications: dict[str, dict[str, Any]]  # group -> application.json
    records: list[Any] = field(default_factory=list)  # from <bundle>.records.json sidecars


RECORDS_SUFFIX = ".records.json"
SIDECARS = (".expected.json", ".truth.json")  # evaluation sidecars beside sample bundles


def _records(data: bytes) -> list[Any]:
    """Internal records given beside a bundle (CONTRACTS.md §5); unreadable ones are skipped."""
    from pydantic import ValidationError

    from pipeline.models import Record

    items = _read_json_any(data)
    if not isinstance(items, list):
        return []
    try:
        return [Record.model_validate(item) for item in items]
    except ValidationError:
        return []


def discover_dir(root: Path) -> Source:
    """Every file under a folder; a folder holding application.json is a bundle."""
    root = Path(root)
    if not root.is_dir():
        raise BundleNotFound(str(root))
    files: list[BillFile] = []
    apps: dict[str, dict[str, Any]] = {}
    records: list[Any] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if path.name.startswith("."):
            continue
        group = path.parent.relative_to(root).as_posix() if path.parent != root else ""
        if path.name == APPLICATION_FILE:
            apps[group] = _read_json(path.read_bytes())
            continue
        if path.name.endswith(RECORDS_SUFFIX):
            records += _records(path.read_bytes())
            continue
        if path.name.endswith(SIDECARS):
            continue
        files.append(BillFile(rel, group, path.read_bytes))
    return Source(files, apps, records)


def discover_storage(storage: Any, prefix: str) -> Source:
    """The same from an object-storage prefix (bucket key layout as on disk)."""
    prefix = prefix.rstrip("/") + "/" if prefix else ""
    files: list[BillFile] = []
    apps: dict[str, dict[str, Any]] = {}
    records: list[Any] = []
    for key in storage.list(prefix):
        rel = key[len(prefix) :]
        group, _, name = rel.rpartition("/")
        if name == APPLICATION_FILE:
            apps[group] = _read_json(storage.get(key))
        elif name.endswith(RECORDS_SUFFIX):
            records += _records(storage.get(key))
        elif not name.endswith(SIDECARS):
            files.append(BillFile(rel, group, lambda k=key: storage.get(k)))
    return Source(files, apps, records)


def _read_json_any(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def _read_json(data: bytes) -> dict[str, Any]:
    value = _read_json_any(data)
    return value if isinstance(value, dict) else {}


# ------------------------------------------------------------------ reading


@dataclass
class FileRead:
    """One file read and split into documents (or the reason it could not be read)."""

    file: BillFile
    pages: list[OcrPage] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    rejected: Finding | None = None


def read_bill_file(bill: BillFile, engine: Any) -> FileRead:
    """OCR → split/classify → extract, for one file (a task of the flow)."""
    from pipeline.ingest import load_bytes
    from pipeline.ocr import read_file
    from pipeline.verify import split_documents

    try:
        pages = read_file(load_bytes(bill.load(), bill.name), engine)
    except FileRejected as exc:
        return FileRead(bill, rejected=file_rejected_finding(bill.name, exc))
    return FileRead(bill, pages, split_documents({bill.name: pages}))


# ------------------------------------------------------------------ review


@dataclass
class BillRow:
    file: str
    group: str
    document: str
    type: str
    invoice_code: str | None
    invoice_number: str | None
    person: str | None
    hospital: str | None
    issue_date: str | None
    visit_type: str | None
    amount: str | None
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if any(p["severity"] == "error" or p["check"] in MONEY_CHECKS for p in self.problems):
            return "有问题"
        return "需注意" if self.problems else "通过"


@dataclass
class Review:
    rows: list[BillRow]
    unreadable: list[dict[str, Any]]
    by_person: list[dict[str, Any]]
    by_hospital: list[dict[str, Any]]
    generated_at: str

    def summary(self) -> dict[str, Any]:
        codes: dict[str, int] = defaultdict(int)
        for row in self.rows:
            for p in row.problems:
                codes[p["check"]] += 1
        return {
            "bills": len(self.rows),
            "with_problems": sum(1 for r in self.rows if r.status == "有问题"),
            "unreadable": len(self.unreadable),
            "checks": dict(sorted(codes.items())),
            "total_amount": _fmt(
                sum((_dec(r.amount) for r in self.rows if r.type in INVOICE_TYPES), Decimal(0))
            ),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "summary": self.summary(),
            "bills": [{**r.__dict__, "status": r.status} for r in self.rows],
            "unreadable": self.unreadable,
            "totals_by_person": self.by_person,
            "totals_by_hospital": self.by_hospital,
        }


def _dec(value: object) -> Decimal:
    try:
        return Decimal(str(value).replace(",", "")) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def _str(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _problem(check: str, severity: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"check": check, "severity": severity, "message": message, **extra}


def injury_dates(
    reads: Sequence[FileRead], applications: dict[str, dict[str, Any]], records: Sequence[Any] = ()
) -> dict[str, str]:
    """Person name → injury date, from injury decisions, applications and records."""
    dates: dict[str, str] = {}
    for rec in records:
        date = (rec.fields or {}).get("injury_date")
        if rec.kind == "injury_decision" and rec.name and date:
            dates[rec.name] = str(date)
    for app in applications.values():
        name = (app.get("applicant") or {}).get("name")
        date = app.get("injury_date") or (app.get("facts") or {}).get("injury_date")
        if name and date:
            dates[name] = str(date)
    for read in reads:
        for doc in read.documents:
            if doc.type == "injury_decision" and doc.value("is_work_injury") is not False:
                name, date = doc.value("employee_name"), doc.value("injury_date")
                if name and date:
                    dates[str(name)] = str(date)
    return dates


def review(
    reads: Sequence[FileRead],
    applications: dict[str, dict[str, Any]] | None = None,
    *,
    seen_stored: Callable[[str | None, str], list[str]] | None = None,
    records: Sequence[Any] = (),
    today: dt.date | None = None,
) -> Review:
    """Every check on every bill; duplicates across the batch and stored applications."""
    from validators import ValidationContext, validate

    applications = applications or {}
    today = today or dt.date.today()
    injured = injury_dates(reads, applications, records)
    batch_seen: dict[tuple[str, str], str] = {}  # (code, number) -> first document id

    by_group: dict[str, list[FileRead]] = defaultdict(list)
    for read in reads:
        by_group[read.file.group].append(read)

    rows: list[BillRow] = []
    unreadable: list[dict[str, Any]] = []
    for group in sorted(by_group):
        group_reads = by_group[group]
        docs = [d for r in group_reads for d in r.documents]
        pages = [p for r in group_reads for p in r.pages]
        for r in group_reads:
            if r.rejected is not None:
                unreadable.append({"file": r.file.name, "message": r.rejected.message})
        application = _application(applications.get(group), group, today)
        context = ValidationContext(seen_invoice=seen_stored, application_id=None)
        findings = validate(docs, pages, application, list(records), context)
        for doc in docs:
            if doc.type not in BILL_TYPES:
                continue
            row = _row(doc, group)
            row.problems += [
                _problem(
                    str(f.params.get("reason") or f.code),
                    str(f.severity),
                    f.message,
                    code=str(f.code),
                )
                for f in findings
                if f.document == doc.doc_id
                and f.code != FindingCode.DUPLICATE_DOCUMENT  # re-checked below across the batch
            ]
            row.problems += _cross_checks(row, doc, batch_seen, seen_stored, injured)
            rows.append(row)
    return Review(
        rows=rows,
        unreadable=unreadable,
        by_person=_totals(rows, "person"),
        by_hospital=_totals(rows, "hospital"),
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def _application(data: dict[str, Any] | None, group: str, today: dt.date) -> Application:
    fields = {
        "application_id": f"batch:{group or '-'}",
        "service": "batch",
        "submitted_at": today.isoformat(),
    }
    if data:
        fields.update(
            {k: v for k, v in data.items() if k in ("applicant", "submitted_at", "facts")}
        )
    try:
        return Application.model_validate(fields)
    except Exception:  # an unreadable application.json: review the bills without it
        return Application.model_validate({**fields, "applicant": {}, "facts": {}})


def _row(doc: Document, group: str) -> BillRow:
    person = doc.value("payer_name") or doc.value("patient_name") or doc.value("buyer_name")
    hospital = doc.value("issuer") or doc.value("hospital") or doc.value("seller_name")
    return BillRow(
        file=doc.file,
        group=group,
        document=doc.doc_id,
        type=doc.type,
        invoice_code=_str(doc.value("invoice_code")),
        invoice_number=_str(doc.value("invoice_number")),
        person=_str(person),
        hospital=_str(hospital),
        issue_date=_str(doc.value("issue_date") or doc.value("settlement_date")),
        visit_type=_str(doc.value("visit_type")),
        amount=_str(doc.value("total_amount")),
    )


def _cross_checks(
    row: BillRow,
    doc: Document,
    batch_seen: dict[tuple[str, str], str],
    seen_stored: Callable[[str | None, str], list[str]] | None,
    injured: dict[str, str],
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if doc.type in INVOICE_TYPES:
        if not row.invoice_number:
            out.append(
                _problem("missing_number", "warning", "未能读取票据号码，无法查重，请人工核对。")
            )
        else:
            key = (row.invoice_code or "", row.invoice_number)
            first = batch_seen.get(key)
            if first is not None:
                out.append(
                    _problem(
                        "duplicate_in_batch",
                        "error",
                        f"票据（代码 {row.invoice_code or '—'}，号码 {row.invoice_number}）与本批 {first} 重复。",
                        other=first,
                    )
                )
            else:
                batch_seen[key] = row.document
            stored = seen_stored(row.invoice_code, row.invoice_number) if seen_stored else []
            if stored:
                out.append(
                    _problem(
                        "duplicate_stored",
                        "error",
                        f"票据（号码 {row.invoice_number}）已在申请 {'、'.join(stored)} 中报销过。",
                        applications=stored,
                    )
                )
        if not row.amount:
            out.append(_problem("missing_amount", "warning", "未能读取票据金额，请人工核对。"))
    injury = injured.get(row.person or "")
    if injury and row.issue_date and row.issue_date < injury:
        out.append(
            _problem(
                "before_injury",
                "error",
                f"票据日期 {row.issue_date} 早于受伤日期 {injury}，不属于本次工伤的医疗费用。",
                injury_date=injury,
            )
        )
    return out


def _totals(rows: Iterable[BillRow], key: str) -> list[dict[str, Any]]:
    """Invoice amounts summed per person / hospital; duplicates counted once."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.type not in INVOICE_TYPES:
            continue
        name = getattr(row, key) or "（未识别）"
        g = groups.setdefault(
            name, {key: name, "bills": 0, "total": Decimal(0), "excluded": Decimal(0)}
        )
        g["bills"] += 1
        if any(p["check"] in ("duplicate_in_batch", "duplicate_stored") for p in row.problems):
            g["excluded"] += _dec(row.amount)
        else:
            g["total"] += _dec(row.amount)
    return [
        {**g, "total": _fmt(g["total"]), "excluded": _fmt(g["excluded"])}
        for g in sorted(groups.values(), key=lambda g: (-g["total"], g[key]))
    ]


# ------------------------------------------------------------------ reports

BILL_COLUMNS = [
    ("file", "文件"),
    ("document", "材料"),
    ("type", "类型"),
    ("invoice_code", "票据代码"),
    ("invoice_number", "票据号码"),
    ("person", "交款人/患者"),
    ("hospital", "医院"),
    ("issue_date", "开票日期"),
    ("visit_type", "门诊/住院"),
    ("amount", "金额"),
    ("status", "结果"),
    ("problems", "问题"),
]


def write_reports(result: Review, out_dir: Path) -> dict[str, Path]:
    """bills.csv, totals.csv, report.html and review.json under out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "bills_csv": out_dir / "bills.csv",
        "totals_csv": out_dir / "totals.csv",
        "html": out_dir / "report.html",
        "json": out_dir / "review.json",
    }
    with paths["bills_csv"].open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([label for _, label in BILL_COLUMNS])
        for row in result.rows:
            writer.writerow(_cells(row))
        for bad in result.unreadable:
            writer.writerow(
                [bad["file"], "", "", "", "", "", "", "", "", "", "无法读取", bad["message"]]
            )
    with paths["totals_csv"].open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["维度", "名称", "票据数", "合计金额", "重复未计金额"])
        for dim, label, rows in (
            ("person", "人员", result.by_person),
            ("hospital", "医院", result.by_hospital),
        ):
            for t in rows:
                writer.writerow([label, t[dim], t["bills"], t["total"], t["excluded"]])
    paths["html"].write_text(render_html(result), encoding="utf-8")
    paths["json"].write_text(
        json.dumps(result.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return paths


def _cells(row: BillRow) -> list[str]:
    values = {**row.__dict__, "status": row.status}
    values["problems"] = "；".join(p["message"] for p in row.problems)
    return ["" if values[k] is None else str(values[k]) for k, _ in BILL_COLUMNS]


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(result: Review) -> str:
    s = result.summary()
    checks = (
        "".join(f"<li>{html.escape(k)}：{v}</li>" for k, v in s["checks"].items()) or "<li>无</li>"
    )
    bills = _table([label for _, label in BILL_COLUMNS], (_cells(r) for r in result.rows))
    person = _table(
        ["人员", "票据数", "合计金额", "重复未计金额"],
        ([t["person"], str(t["bills"]), t["total"], t["excluded"]] for t in result.by_person),
    )
    hospital = _table(
        ["医院", "票据数", "合计金额", "重复未计金额"],
        ([t["hospital"], str(t["bills"]), t["total"], t["excluded"]] for t in result.by_hospital),
    )
    unreadable = _table(["文件", "原因"], ([u["file"], u["message"]] for u in result.unreadable))
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>医疗票据批量审核报告</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #999;padding:4px 8px;font-size:13px}}th{{background:#eee}}</style></head>
<body><h1>医疗票据批量审核报告</h1>
<p>生成时间：{html.escape(result.generated_at)}；票据 {s["bills"]} 张，有问题 {s["with_problems"]} 张，
无法读取 {s["unreadable"]} 个文件；发票合计 {s["total_amount"]} 元。</p>
<h2>问题统计</h2><ul>{checks}</ul>
<h2>逐张审核结果</h2>{bills}
<h2>按人员汇总</h2>{person}
<h2>按医院汇总</h2>{hospital}
<h2>无法读取的文件</h2>{unreadable}
</body></html>
"""


def markdown_summary(result: Review) -> str:
    s = result.summary()
    lines = [
        "# 医疗票据批量审核",
        f"票据 {s['bills']} 张，有问题 {s['with_problems']} 张，无法读取 {s['unreadable']} 个文件，发票合计 {s['total_amount']} 元。",
        "",
        "| 问题 | 张数 |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in s["checks"].items()],
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ one call


def run_batch(
    source: Source,
    out_dir: Path,
    *,
    engine: Any = None,
    db: Any = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[Review, dict[str, Path]]:
    """Read every file, review, write the reports (the plain path behind `intake batch`)."""
    from pipeline.ocr import get_engine

    engine = engine or get_engine()
    reads = []
    for i, bill in enumerate(source.files, 1):
        reads.append(read_bill_file(bill, engine))
        if progress:
            progress(i, len(source.files), bill.name)
    result = review(
        reads,
        source.applications,
        seen_stored=stored_lookup(db),
        records=[*source.records, *stored_records(db, reads)],
    )
    return result, write_reports(result, out_dir)


def stored_lookup(db: Any) -> Callable[[str | None, str], list[str]] | None:
    """Invoice (code, number) → stored applications that used it (None without a database)."""
    if db is None:
        return None
    from pipeline import store as st

    def seen(code: str | None, number: str) -> list[str]:
        with db.session() as session:
            return st.invoice_users(session, code, number)

    return seen


def stored_records(db: Any, reads: Sequence[FileRead]) -> list[Any]:
    """The office's records for the people named on injury decisions / ID cards in the batch."""
    if db is None:
        return []
    from pipeline import store as st

    ids = sorted(
        {
            str(d.value("employee_id_number") or d.value("id_number") or "")
            for r in reads
            for d in r.documents
        }
        - {""}
    )
    with db.session() as session:
        return st.records_for(session, ids)


def problems_of(result: Review, severity: str = "error") -> list[tuple[str, str]]:
    """(document, check) pairs — convenient for tests and summaries."""
    return [
        (r.document, p["check"])
        for r in result.rows
        for p in r.problems
        if p["severity"] == severity
    ]
