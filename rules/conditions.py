"""A tiny, safe condition language: YAML data in, three-valued answer out. No eval().

A condition (rules.schema.Condition) tests

- `field: <doctype>.<field>` — the values of that field on every document of that type,
  and on the person's internal records that stand for that type (doctypes.yaml
  `record_kinds`), so a record feeds a condition as the document would;
- `fact: <id>` — a resolved application fact (bool, or a set of values for enum facts);
- `document: <doctype>` — whether such a document was uploaded;
- `all` / `any` / `not` — combinations (Kleene logic).

The answer is True, False or None (unknown: nothing to test). Field tests hold
only when *every* value found passes (one contradicting document fails the
condition); `present: true` holds when any value exists (unknown when no document
of that type was given; false, marked uncertain, when one was given but the field
was not read). Each answer carries
the field values it rests on, for evidence and for `uncertain` (low confidence).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.models import Document, Evidence, FieldValue, Record
from rules.schema import Condition

LOW_CONFIDENCE = 0.8  # below this a reading is uncertain (→ review_required)


@dataclass(frozen=True)
class Source:
    """Where a tested value came from: a document field or an internal record."""

    value: Any
    document: Document | None = None
    field_name: str | None = None
    record: Record | None = None
    confidence: float = 1.0

    def evidence(self) -> Evidence | None:
        if self.document is None:
            return None
        if self.field_name is None:
            page = self.document.pages[0] if self.document.pages else None
            return Evidence(file=self.document.file, page=page)
        fv: FieldValue = self.document.fields[self.field_name]
        return fv.evidence(self.document.file)

    def describe(self) -> str:
        if self.record is not None:
            return f"内部记录（{self.record.kind}）"
        if self.document is not None:
            return f"“{self.document.file}”"
        return ""


@dataclass
class Outcome:
    value: bool | None
    sources: list[Source] = field(default_factory=list)

    @property
    def uncertain(self) -> bool:
        return any(s.confidence < LOW_CONFIDENCE for s in self.sources)

    def evidence(self) -> tuple[Evidence, ...]:
        return tuple(e for s in self.sources if (e := s.evidence()) is not None)


@dataclass
class Context:
    """What conditions can see: documents, the person's records, resolved facts."""

    documents: Sequence[Document]
    records: Sequence[Record] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    record_kinds: Mapping[str, Sequence[str]] = field(default_factory=dict)  # doctype → kinds

    def field_sources(self, path: str) -> list[Source]:
        doctype, name = path.split(".", 1)
        out: list[Source] = []
        for doc in self.documents:
            if doc.type != doctype:
                continue
            fv = doc.fields.get(name)
            if fv is not None and fv.value not in (None, "", []):
                out.append(Source(fv.value, doc, name, confidence=fv.confidence))
        kinds = self.record_kinds.get(doctype, ())
        for rec in self.records:
            if rec.kind in kinds and rec.fields.get(name) not in (None, "", []):
                out.append(Source(rec.fields[name], record=rec))
        return out


def evaluate(cond: Condition, ctx: Context) -> Outcome:
    if cond.all is not None:
        parts = [evaluate(c, ctx) for c in cond.all]
        sources = [s for p in parts for s in p.sources]
        if any(p.value is False for p in parts):
            return Outcome(False, [s for p in parts if p.value is False for s in p.sources])
        if all(p.value is True for p in parts):
            return Outcome(True, sources)
        return Outcome(None, sources)
    if cond.any is not None:
        parts = [evaluate(c, ctx) for c in cond.any]
        if any(p.value is True for p in parts):
            return Outcome(True, [s for p in parts if p.value is True for s in p.sources])
        sources = [s for p in parts for s in p.sources]
        if all(p.value is False for p in parts):
            return Outcome(False, sources)
        return Outcome(None, sources)
    if cond.not_ is not None:
        inner = evaluate(cond.not_, ctx)
        return Outcome(None if inner.value is None else not inner.value, inner.sources)
    if cond.document is not None:
        return Outcome(any(d.type == cond.document for d in ctx.documents))
    if cond.fact is not None:
        return Outcome(_test_fact(cond, ctx.facts.get(cond.fact)))
    sources = ctx.field_sources(cond.field or "")
    if cond.present is not None:
        if sources:
            return Outcome(cond.present, sources)
        doctype = (cond.field or "").split(".", 1)[0]
        shown = [d for d in ctx.documents if d.type == doctype]
        if not shown:
            return Outcome(None)  # no document that could show it: unknown, not absent
        # the document is there but the field was not read: absent, resting on a weak reading
        return Outcome(not cond.present, [Source(None, d, None, confidence=0.0) for d in shown])
    if not sources:
        return Outcome(None)
    results = [_test_value(cond, s.value) for s in sources]
    if any(r is False for r in results):
        return Outcome(False, [s for s, r in zip(sources, results, strict=True) if r is False])
    if any(r is None for r in results):
        return Outcome(None, sources)
    return Outcome(True, sources)


def _test_fact(cond: Condition, value: Any) -> bool | None:
    if cond.present is not None:
        return (value is not None) == cond.present
    if value is None:
        return None
    values = set(value) if isinstance(value, (set, frozenset, list, tuple)) else {value}
    if cond.equals is not None:
        return cond.equals in values
    if cond.not_equals is not None:
        return cond.not_equals not in values
    if cond.in_ is not None:
        return bool(values & set(cond.in_))
    return None


def _test_value(cond: Condition, value: Any) -> bool | None:
    if cond.equals is not None:
        return _same(value, cond.equals)
    if cond.not_equals is not None:
        return not _same(value, cond.not_equals)
    if cond.in_ is not None:
        return any(_same(value, v) for v in cond.in_)
    number = _number(value)
    if number is None:
        return None
    if cond.between is not None:
        lo, hi = cond.between
        return lo <= number <= hi
    if cond.gte is not None:
        return number >= cond.gte
    if cond.lte is not None:
        return number <= cond.lte
    return None


def _same(value: Any, expected: Any) -> bool:
    if isinstance(expected, bool):
        if isinstance(value, str):
            return value.strip().lower() in (
                ("true", "是", "1") if expected else ("false", "否", "0")
            )
        return value is expected or value == expected
    if isinstance(expected, (int, float)) and not isinstance(value, bool):
        number = _number(value)
        return number is not None and number == expected
    if isinstance(expected, dt.date):
        return str(value) == expected.isoformat()
    return str(value).strip() == str(expected).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


FIELD_NAMES = {
    "is_work_injury": "认定为工伤",
    "disability_grade": "伤残等级",
    "nursing_level": "生活护理依赖等级",
    "death_date": "死亡日期",
    "visit_type": "就医类型",
    "financial_account_active": "已开通金融功能",
    "injury_date": "受伤日期",
    "document_number": "文号",
}


def field_label(path: str, names: Mapping[str, str]) -> str:
    """ "injury_decision.is_work_injury" → "认定工伤决定书·认定为工伤"."""
    doctype, _, name = path.partition(".")
    return f"{names.get(doctype, doctype)}·{FIELD_NAMES.get(name, name)}"


def describe(cond: Condition, names: Mapping[str, str] | None = None) -> str:
    """A short Chinese rendering of a condition, for `intake services show`."""
    names = names or {}
    if cond.all is not None:
        return "且".join(f"（{describe(c, names)}）" for c in cond.all)
    if cond.any is not None:
        return "或".join(f"（{describe(c, names)}）" for c in cond.any)
    if cond.not_ is not None:
        return f"非（{describe(cond.not_, names)}）"
    if cond.document is not None:
        return f"提交了{names.get(cond.document, cond.document)}"
    subject = (
        names.get(cond.fact or "", cond.fact) if cond.fact else field_label(cond.field or "", names)
    )
    if cond.equals is not None:
        return f"{subject} = {_show(cond.equals)}"
    if cond.not_equals is not None:
        return f"{subject} ≠ {_show(cond.not_equals)}"
    if cond.in_ is not None:
        return f"{subject} ∈ {{{'、'.join(_show(v) for v in cond.in_)}}}"
    if cond.between is not None:
        return f"{_num(cond.between[0])} ≤ {subject} ≤ {_num(cond.between[1])}"
    if cond.gte is not None:
        return f"{subject} ≥ {_num(cond.gte)}"
    if cond.lte is not None:
        return f"{subject} ≤ {_num(cond.lte)}"
    return f"{subject} {'有值' if cond.present else '无值'}"


def _show(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
