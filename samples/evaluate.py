"""Accuracy of the whole pipeline on labelled applications (`intake eval`).

A labelled application is a bundle `DIR/NAME/` with `NAME.expected.json`,
optional `NAME.records.json` and `NAME.truth.json` (per document: file, pages,
type, field values) beside it — the layout samples/build.py writes.

The metric functions are plain functions of plain data (`CaseResult`), so they
are tested on hand-built inputs; only `run_case` touches the pipeline.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

NONE_TYPE = "（未识别）"  # a truth document the pipeline did not return at all


@dataclass(frozen=True)
class Case:
    name: str
    bundle: Path
    expected: dict[str, Any]
    truth: dict[str, Any] | None
    records: Path | None


@dataclass
class FieldCheck:
    doc_type: str
    field: str
    expected: Any
    predicted: Any
    match: bool
    capture: str = "clean"  # the degradation the document was generated with


@dataclass
class CaseResult:
    name: str
    service: str
    expected_verdict: str
    verdict: str
    expected_codes: list[str]
    codes: list[str]
    review_required: bool
    pages: int
    seconds: float
    types: list[tuple[str, str]] = field(default_factory=list)  # (truth type, predicted type)
    fields: list[FieldCheck] = field(default_factory=list)
    error: str | None = None
    captures: list[str] = field(default_factory=list)  # capture condition of each truth document


# ------------------------------------------------------------------- loading
def load_cases(root: Path, names: Iterable[str] | None = None) -> list[Case]:
    """Every labelled bundle under root (optionally only `names`), sorted by name."""
    root = Path(root)
    wanted = set(names) if names else None
    cases = []
    for bundle in sorted(p for p in root.iterdir() if (p / "application.json").is_file()):
        if wanted is not None and bundle.name not in wanted:
            continue
        side = {s: root / f"{bundle.name}.{s}.json" for s in ("expected", "truth", "records")}
        expected = (
            json.loads(side["expected"].read_text("utf-8")) if side["expected"].is_file() else {}
        )
        truth = json.loads(side["truth"].read_text("utf-8")) if side["truth"].is_file() else None
        records = side["records"] if side["records"].is_file() else None
        cases.append(Case(bundle.name, bundle, expected, truth, records))
    return cases


# ------------------------------------------------------------------ matching
def normalise(value: Any) -> Any:
    """Comparable form of a field value: trimmed text, amounts as Decimal, lists as sorted tuples."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value)).normalize()
    if isinstance(value, list | tuple):
        return tuple(sorted(str(normalise(v)) for v in value))
    text = "".join(str(value).split()).replace("（", "(").replace("）", ")").upper()
    try:
        if text and text.replace(".", "", 1).isdigit() and "." in text:
            return Decimal(text).normalize()
    except InvalidOperation:
        pass
    return text


def values_match(expected: Any, predicted: Any) -> bool:
    """Equal after normalising; a grade 7 matches "7" (but "0012" never matches "12")."""
    for a, b in ((expected, predicted), (predicted, expected)):
        if (
            isinstance(a, int)
            and not isinstance(a, bool)
            and isinstance(b, str)
            and b.strip().isdigit()
        ):
            return a == int(b.strip())
    return normalise(expected) == normalise(predicted)


def match_documents(
    truth_docs: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Pair each truth document with the predicted document of the same file sharing most pages."""
    used: set[int] = set()
    pairs = []
    for t in truth_docs:
        best, best_overlap = None, 0
        for i, p in enumerate(predicted):
            if i in used or p.get("file") != t.get("file"):
                continue
            overlap = len(set(t.get("pages", [])) & set(p.get("pages", [])))
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
        pairs.append((t, predicted[best] if best is not None else None))
    return pairs


def capture_of(doc: dict[str, Any]) -> str:
    """The capture condition a truth document was generated with."""
    return str(
        doc.get("degrade") or ("born_digital" if doc.get("format") == "pdf_text" else "clean")
    )


def compare_documents(
    truth_docs: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]]
) -> tuple[list[tuple[str, str]], list[FieldCheck]]:
    """(truth type, predicted type) pairs and one FieldCheck per truth field."""
    types: list[tuple[str, str]] = []
    checks: list[FieldCheck] = []
    for t, p in match_documents(truth_docs, predicted):
        ptype = p["type"] if p else NONE_TYPE
        types.append((t["type"], ptype))
        pfields = (p or {}).get("fields", {})
        for name, f in t.get("fields", {}).items():
            got = (
                pfields.get(name, {}).get("value") if isinstance(pfields.get(name), dict) else None
            )
            match = values_match(f.get("value"), got)
            checks.append(FieldCheck(t["type"], name, f.get("value"), got, match, capture_of(t)))
    return types, checks


# ------------------------------------------------------------------- running
def run_case(case: Case, engine: Any, catalogue: Any = None) -> CaseResult:
    """Verify one labelled bundle with the real pipeline and compare with its labels."""
    from pipeline.verify import load_bundle, load_records, verify_application

    expected_verdict = str(case.expected.get("verdict", ""))
    expected_codes = list(case.expected.get("finding_codes", []))
    pages = sum(int(f.get("pages", 1)) for f in (case.truth or {}).get("files", {}).values())
    start = time.perf_counter()
    try:
        bundle = load_bundle(case.bundle)
        records = load_records(case.records) if case.records else None
        verdict = verify_application(
            bundle.application,
            bundle.files,
            records,
            engine=engine,
            catalogue=catalogue,
            assumptions=bundle.assumptions,
        )
    except Exception as exc:  # noqa: BLE001 - a broken case is reported, the run goes on
        return CaseResult(
            case.name,
            "",
            expected_verdict,
            "error",
            expected_codes,
            [],
            False,
            pages,
            time.perf_counter() - start,
            error=f"{type(exc).__name__}: {exc}",
        )
    seconds = time.perf_counter() - start
    contract = verdict.to_contract()
    predicted_docs = contract.get("documents", [])
    if not pages:
        pages = sum(len(d.get("pages", [])) for d in predicted_docs)
    if contract["verdict"] == "out_of_scope" and not predicted_docs:
        # decided at the counter before any material was read: nothing to score, nothing read
        types, checks, pages, captures = [], [], 0, []
    else:
        truth_docs = (case.truth or {}).get("documents", [])
        types, checks = compare_documents(truth_docs, predicted_docs)
        captures = [capture_of(d) for d in truth_docs]
    return CaseResult(
        name=case.name,
        service=str((contract.get("service") or {}).get("code") or ""),
        expected_verdict=expected_verdict,
        verdict=str(contract["verdict"]),
        expected_codes=expected_codes,
        codes=sorted({f["code"] for f in contract.get("findings", [])}),
        review_required=bool(contract.get("review_required")),
        pages=pages,
        seconds=seconds,
        types=types,
        fields=checks,
        captures=captures,
    )


# ------------------------------------------------------------------- metrics
def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """truth type -> predicted type -> count."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t, p in pairs:
        out[t][p] += 1
    return {t: dict(sorted(row.items())) for t, row in sorted(out.items())}


def field_accuracy(checks: Iterable[FieldCheck]) -> dict[str, dict[str, dict[str, Any]]]:
    """doc type -> field -> {correct, total, accuracy}."""
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for c in checks:
        tally[(c.doc_type, c.field)][1] += 1
        tally[(c.doc_type, c.field)][0] += int(c.match)
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for (dtype, name), (ok, total) in sorted(tally.items()):
        out[dtype][name] = {"correct": ok, "total": total, "accuracy": _rate(ok, total)}
    return dict(out)


def by_capture(results: Sequence[CaseResult]) -> dict[str, dict[str, Any]]:
    """Classification and field accuracy per capture condition (clean, scan, photo+rot90, ...)."""
    docs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    fields: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for (t, p), cap in zip(r.types, r.captures or ["clean"] * len(r.types), strict=False):
            docs[cap][0] += int(t == p)
            docs[cap][1] += 1
        for c in r.fields:
            fields[c.capture][0] += int(c.match)
            fields[c.capture][1] += 1
    return {
        cap: {
            "documents": docs[cap][1],
            "classification_accuracy": _rate(*docs[cap]),
            "fields": fields[cap][1],
            "field_exact_match": _rate(*fields[cap]),
        }
        for cap in sorted(set(docs) | set(fields))
    }


def summarise(results: Sequence[CaseResult]) -> dict[str, Any]:
    """All figures of an evaluation run (JSON-ready)."""
    n = len(results)
    pairs = [pair for r in results for pair in r.types]
    checks = [c for r in results for c in r.fields]
    correct_types = sum(1 for t, p in pairs if t == p)
    negatives = [r for r in results if r.expected_verdict in ("deficient", "out_of_scope")]
    positives = [r for r in results if r.expected_verdict == "accept"]
    code_total = sum(len(r.expected_codes) for r in results)
    code_found = sum(sum(1 for c in r.expected_codes if c in r.codes) for r in results)
    pages = sum(r.pages for r in results)
    seconds = sum(r.seconds for r in results)
    verdicts = Counter((r.expected_verdict, r.verdict) for r in results)
    return {
        "applications": n,
        "pages": pages,
        "documents": len(pairs),
        "classification_accuracy": _rate(correct_types, len(pairs)),
        "confusion": confusion(pairs),
        "field_exact_match": _rate(sum(c.match for c in checks), len(checks)),
        "field_accuracy": field_accuracy(checks),
        "by_capture": by_capture(results),
        "verdict_accuracy": _rate(sum(r.verdict == r.expected_verdict for r in results), n),
        "verdict_matrix": {f"{e}→{p}": k for (e, p), k in sorted(verdicts.items())},
        "false_accept_rate": _rate(sum(r.verdict == "accept" for r in negatives), len(negatives)),
        "false_reject_rate": _rate(sum(r.verdict != "accept" for r in positives), len(positives)),
        "review_required_rate": _rate(sum(r.review_required for r in results), n),
        "finding_code_recall": _rate(code_found, code_total),
        "errors": [{"name": r.name, "error": r.error} for r in results if r.error],
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 3) if seconds else None,
        "cases": [
            {k: v for k, v in asdict(r).items() if k not in ("fields", "types")}
            | {
                "fields_correct": sum(c.match for c in r.fields),
                "fields_total": len(r.fields),
                "types": [list(p) for p in r.types],
                "field_misses": [asdict(c) for c in r.fields if not c.match],
            }
            for r in results
        ],
    }


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def to_markdown(summary: dict[str, Any]) -> str:
    """The evaluation report as Markdown (headline table, confusion matrix, fields, cases)."""
    s = summary
    lines = [
        "# 评估结果 / Evaluation",
        "",
        "| 指标 metric | 值 value |",
        "|---|---|",
        f"| 申请 applications | {s['applications']} |",
        f"| 页 pages | {s['pages']} |",
        f"| 文档 documents | {s['documents']} |",
        f"| 分类准确率 classification accuracy | {_pct(s['classification_accuracy'])} |",
        f"| 字段完全匹配 field exact match | {_pct(s['field_exact_match'])} |",
        f"| 结论准确率 verdict accuracy | {_pct(s['verdict_accuracy'])} |",
        f"| 误受理率 false-accept rate | {_pct(s['false_accept_rate'])} |",
        f"| 误退回率 false-reject rate | {_pct(s['false_reject_rate'])} |",
        f"| 需人工复核率 review_required rate | {_pct(s['review_required_rate'])} |",
        f"| 告知项召回 finding-code recall | {_pct(s['finding_code_recall'])} |",
        f"| 页/秒 pages per second | {s['pages_per_second']} |",
        "",
        "## 分类混淆矩阵 / Confusion matrix (rows: truth, columns: predicted)",
        "",
    ]
    conf = s["confusion"]
    cols = sorted({p for row in conf.values() for p in row})
    lines.append("| truth \\ predicted | " + " | ".join(cols) + " |")
    lines.append("|---" * (len(cols) + 1) + "|")
    for t, row in conf.items():
        lines.append(f"| {t} | " + " | ".join(str(row.get(c, "")) for c in cols) + " |")
    lines += [
        "",
        "## 字段准确率 / Field exact-match accuracy",
        "",
        "| type | field | correct | total | accuracy |",
        "|---|---|---|---|---|",
    ]
    for dtype, fields in s["field_accuracy"].items():
        for name, f in fields.items():
            lines.append(
                f"| {dtype} | {name} | {f['correct']} | {f['total']} | {_pct(f['accuracy'])} |"
            )
    lines += [
        "",
        "## 拍摄/扫描条件 / By capture condition",
        "",
        "| capture | documents | classification | fields | field exact match |",
        "|---|---|---|---|---|",
    ]
    for cap, v in s.get("by_capture", {}).items():
        lines.append(
            f"| {cap} | {v['documents']} | {_pct(v['classification_accuracy'])} | {v['fields']} | "
            f"{_pct(v['field_exact_match'])} |"
        )
    lines += ["", "## 结论 / Verdicts (expected→predicted)", ""]
    lines += [f"- {k}: {v}" for k, v in s["verdict_matrix"].items()]
    lines += [
        "",
        "## 申请 / Cases",
        "",
        "| case | expected | verdict | codes (expected) | codes | fields | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in s["cases"]:
        mark = "" if c["verdict"] == c["expected_verdict"] else " ✗"
        lines.append(
            f"| {c['name']} | {c['expected_verdict']} | {c['verdict']}{mark} | {', '.join(c['expected_codes'])} | "
            f"{', '.join(c['codes'])} | {c['fields_correct']}/{c['fields_total']} | {c['seconds']:.1f} |"
        )
    if s["errors"]:
        lines += ["", "## 错误 / Errors", ""] + [
            f"- {e['name']}: {e['error']}" for e in s["errors"]
        ]
    return "\n".join(lines) + "\n"
