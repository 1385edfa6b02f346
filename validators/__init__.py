"""Field and cross-document checks (OWNED BY: extractors helper).

Contract:

    validators.validate(documents: list[Document], pages: list[OcrPage], application: Application,
                        records: list[Record], context: ValidationContext | None = None) -> list[Finding]
        # every named check runs; all failures are collected (一次性告知).
    validators.idnumber.check_id_number(value: str) -> CheckResult   # GB 11643

Each group below runs every check it owns and turns failures into findings
with evidence (file, page, box, OCR text). A failure that rests on a reading
below the review threshold becomes a warning marked ``uncertain`` (a clerk
looks at it, review_required) instead of a rejection. A check that breaks is
recorded as a processing_error finding; it never loses the verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pipeline.models import (
    Application,
    Document,
    Evidence,
    Finding,
    FindingCode,
    OcrPage,
    Record,
    Severity,
)
from validators import dates, identity, idnumber, invoices, quality
from validators.base import REASONS, CheckResult, Reason

log = logging.getLogger(__name__)

__all__ = ["ValidationContext", "validate"]


@dataclass
class ValidationContext:
    """What the service layer knows beyond this application (stored applications)."""

    seen_invoice: Callable[[str | None, str], list[str]] | None = None
    application_id: str | None = None


# ------------------------------------------------------------------ declarations

ID_FIELDS = ("id_number", "employee_id_number", "subject_id_number")
NAME_FIELDS = (
    "name",
    "employee_name",
    "patient_name",
    "payer_name",
    "subject_name",
    "passenger_name",
)

SUBJECT_TYPES = frozenset(
    {
        "injury_decision",
        "medical_invoice",
        "expense_list",
        "medical_record",
        "social_security_card",
        "appraisal_conclusion",
        "death_certificate",
        "cremation_certificate",
        "labour_contract",
        "contract_termination",
        "household_cancellation_proof",
    }
)
"""Documents about the person the matter concerns (CONTRACTS §1 `applicant`). Other
documents (ID cards, bank cards, powers of attorney) may be a relative's or an agent's."""

SEAL_REQUIRED = frozenset(
    {
        "injury_decision",
        "appraisal_conclusion",
        "death_certificate",
        "cremation_certificate",
        "medical_invoice",
        "contract_termination",
    }
)
"""Types the guides ask for 加盖公章 on (and that always carry a red seal when genuine)."""

DATE_FIELDS = (
    "injury_date",
    "decision_date",
    "issue_date",
    "death_date",
    "cremation_date",
    "conclusion_date",
    "termination_date",
    "travel_date",
    "term_start",
)

ORDERED_WITHIN = (
    ("cremation_date", "death_date"),
    ("cancellation_date", "death_date"),
    ("decision_date", "injury_date"),
    ("term_end", "term_start"),
    ("conclusion_date", "injury_date"),
)
"""(later, earlier) date fields on one document: a cremation cannot precede the death."""

DECISION_FIELDS: dict[str, tuple[str, ...]] = {
    "injury_decision": ("is_work_injury", "employee_id_number", "injury_date"),
    "appraisal_conclusion": ("disability_grade", "nursing_level", "id_number"),
    "death_certificate": ("death_date", "id_number"),
    "medical_invoice": ("visit_type", "total_amount", "invoice_number"),
    "social_security_card": ("id_number",),
}
"""Fields a verdict rests on: below the review threshold they need a clerk's look."""

FIELD_LABELS = {
    "id_number": "公民身份号码",
    "employee_id_number": "公民身份号码",
    "subject_id_number": "公民身份号码",
    "name": "姓名",
    "employee_name": "姓名",
    "patient_name": "患者姓名",
    "payer_name": "交款人",
    "passenger_name": "乘客姓名",
    "subject_name": "姓名",
    "injury_date": "受伤日期",
    "decision_date": "决定日期",
    "issue_date": "开票日期",
    "death_date": "死亡日期",
    "cremation_date": "火化日期",
    "conclusion_date": "鉴定结论日期",
    "termination_date": "解除（终止）日期",
    "travel_date": "乘车日期",
    "term_start": "合同起始日期",
    "term_end": "合同终止日期",
    "cancellation_date": "注销日期",
    "is_work_injury": "认定结论",
    "disability_grade": "伤残等级",
    "nursing_level": "生活自理障碍等级",
    "visit_type": "就诊类型（门诊/住院）",
    "total_amount": "合计金额",
    "invoice_number": "票据号码",
}


def doc_label(doc: Document) -> str:
    from extractors import load_specs

    spec = load_specs().get(doc.type)
    name = spec.name if spec else doc.type
    pages = f"第{doc.pages[0]}页" if len(doc.pages) == 1 else f"第{doc.pages[0]}-{doc.pages[-1]}页"
    return f"《{name}》（{doc.file} {pages}）"


# ------------------------------------------------------------------ findings


class _Collector:
    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.findings: list[Finding] = []

    def add(
        self,
        result: CheckResult,
        doc: Document | None,
        fields: Iterable[str] = (),
        *,
        other: Document | None = None,
        other_fields: Iterable[str] = (),
        evidence: Sequence[Evidence] = (),
        reading_based: bool = True,
        **extra,
    ) -> None:
        if result.ok or result.reason is None:
            return
        info = REASONS[result.reason]
        fields, other_fields = list(fields), list(other_fields)
        params = dict(extra)
        if doc is not None:
            params.setdefault("doc", doc_label(doc))
        if other is not None:
            params.setdefault("other_doc", doc_label(other))
        if fields:
            params.setdefault("label", FIELD_LABELS.get(fields[0], fields[0]))
        ev = list(evidence)
        confidences: list[float] = []
        for d, names in ((doc, fields), (other, other_fields)):
            if d is None:
                continue
            for name in names:
                fv = d.fields.get(name)
                if fv is not None:
                    ev.append(fv.evidence(d.file))
                    confidences.append(fv.confidence)
            if not names:
                ev.append(Evidence(file=d.file, page=d.pages[0] if d.pages else None))
        uncertain = reading_based and any(c < self.threshold for c in confidences)
        severity = info.severity
        if uncertain and severity == Severity.ERROR:
            severity = Severity.WARNING
        message = result.message(**params)
        if uncertain:
            message += "（识别置信度较低，请工作人员核对）"
        self.findings.append(
            Finding(
                code=info.code,
                severity=severity,
                message=message,
                document=doc.doc_id if doc else None,
                field=fields[0] if fields else None,
                evidence=tuple(ev),
                params={
                    "reason": str(result.reason),
                    **{k: v for k, v in {**result.params, **extra}.items() if _jsonable(v)},
                    **({"other_document": other.doc_id} if other else {}),
                },
                uncertain=uncertain,
            )
        )


def _jsonable(value: object) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, dict))


# ------------------------------------------------------------------ groups


def _id_numbers(docs: Sequence[Document], out: _Collector) -> None:
    for doc in docs:
        for name in ID_FIELDS:
            value = doc.value(name)
            if not isinstance(value, str):
                continue
            out.add(idnumber.check_id_number(value), doc, [name])
            consistent = idnumber.check_id_consistent(
                value,
                birth_date=doc.value("birth_date")
                if isinstance(doc.value("birth_date"), str)
                else None,
                gender=doc.value("gender") if isinstance(doc.value("gender"), str) else None,
            )
            related = [n for n in ("birth_date", "gender") if n in doc.fields]
            out.add(consistent, doc, [name, *related])


def _dates(
    docs: Sequence[Document], application: Application, records: Sequence[Record], out: _Collector
) -> None:
    submitted = application.submitted_at
    for doc in docs:
        for name in DATE_FIELDS:
            if name in doc.fields:
                out.add(
                    dates.check_not_future(doc.value(name), submitted_at=submitted), doc, [name]
                )
    for doc in docs:
        for later, earlier in ORDERED_WITHIN:
            if doc.value(later) and doc.value(earlier):
                out.add(
                    dates.check_not_before(doc.value(later), other_value=doc.value(earlier)),
                    doc,
                    [later, earlier],
                    other_doc=doc_label(doc),
                    other_label=FIELD_LABELS.get(earlier, earlier),
                )
    injury: tuple[Document | None, str] | None = None
    for doc in docs:
        if doc.type == "injury_decision" and doc.value("injury_date"):
            injury = (doc, str(doc.value("injury_date")))
            break
    if injury is None:
        applicant_id = (application.applicant.id_number or "").upper()
        for rec in records:
            if rec.kind == "injury_decision" and rec.fields.get("injury_date"):
                if not applicant_id or rec.id_number.upper() == applicant_id:
                    injury = (None, str(rec.fields["injury_date"]))
                    break
    if injury is None:
        return
    injury_doc, injury_date = injury
    other_label = FIELD_LABELS["injury_date"]
    other_doc = doc_label(injury_doc) if injury_doc else "工伤认定记录"
    for doc in docs:
        checks: list[tuple[str, CheckResult]] = []
        if doc.type in ("medical_invoice", "expense_list") and doc.value("issue_date"):
            checks.append(
                (
                    "issue_date",
                    dates.check_not_before(doc.value("issue_date"), other_value=injury_date),
                )
            )
        if doc.type == "appraisal_conclusion" and doc.value("conclusion_date"):
            checks.append(
                (
                    "conclusion_date",
                    dates.check_not_before(doc.value("conclusion_date"), other_value=injury_date),
                )
            )
        for name, result in checks:
            out.add(
                result,
                doc,
                [name],
                other=injury_doc if injury_doc is not doc else None,
                other_fields=["injury_date"],
                other_doc=other_doc,
                other_label=other_label,
            )
        if doc.type == "labour_contract" and (doc.value("term_start") or doc.value("term_end")):
            result = dates.check_term_covers(
                doc.value("term_start"), doc.value("term_end"), injury_date=injury_date
            )
            out.add(
                result,
                doc,
                ["term_start", "term_end"],
                other=injury_doc,
                other_fields=["injury_date"],
            )


def _identity_of(doc: Document) -> tuple[str | None, str | None, str | None, str | None]:
    """(id field, id value, name field, name value) of the document's person."""
    id_field = next((n for n in ID_FIELDS if isinstance(doc.value(n), str) and doc.value(n)), None)
    name_field = next(
        (n for n in NAME_FIELDS if isinstance(doc.value(n), str) and doc.value(n)), None
    )
    return (
        id_field,
        str(doc.value(id_field)).upper() if id_field else None,
        name_field,
        str(doc.value(name_field)) if name_field else None,
    )


def _one_bad_id(value: str, reference: str) -> bool:
    """An ID failing its checksum that differs from the reference in one or two places."""
    if len(value) != len(reference) or idnumber.check_id_number(value).ok:
        return False
    return sum(a != b for a, b in zip(value, reference, strict=True)) <= 2


def applicant_types(application: Application) -> frozenset[str]:
    """Document types that must show the applicant in this application.

    The service's materials say whose they are (rules: ``subject: applicant``); types a
    material accepts for a relative or an agent stay out (their documents show others).
    Without a resolvable service the defaults in SUBJECT_TYPES hold.
    """
    try:
        from rules.catalogue import load_catalogue

        resolution = load_catalogue().resolve(
            application.service,
            jurisdiction=application.jurisdiction,
            office=application.office,
            on_date=application.submitted_at,
        )
    except Exception:  # an unknown service is the rules' finding, not ours
        return SUBJECT_TYPES
    if resolution.service is None:
        return SUBJECT_TYPES
    own: set[str] = set()
    others: set[str] = set()
    for mat in resolution.service.materials:
        if mat.subject == "applicant":
            own.update(mat.doc_types())
        elif mat.subject in ("relative", "agent"):
            others.update(mat.doc_types())
    return frozenset((SUBJECT_TYPES | own) - others)


def _identity(docs: Sequence[Document], application: Application, out: _Collector) -> None:
    """Every document about the applicant shows the applicant; IDs exact, names tolerant."""
    subject_types = applicant_types(application)
    ref_id = (application.applicant.id_number or "").strip().upper() or None
    ref_name = (application.applicant.name or "").strip() or None
    ref_doc: Document | None = None
    if not (ref_id or ref_name):
        for doc in docs:
            if doc.type in subject_types:
                id_field, id_value, name_field, name_value = _identity_of(doc)
                if id_value and name_value:
                    ref_doc, ref_id, ref_name = doc, id_value, name_value
                    break
    if not (ref_id or ref_name):
        return
    ref_label = doc_label(ref_doc) if ref_doc else "申请信息"
    for doc in docs:
        if doc is ref_doc:
            continue
        id_field, id_value, name_field, name_value = _identity_of(doc)
        id_same = None if not (ref_id and id_value) else id_value == ref_id
        name_same = None if not (ref_name and name_value) else name_value == ref_name
        if doc.type not in subject_types:
            # a relative's or agent's document: only a half match (same ID, other name) is suspect
            if not (
                (id_same is True and name_same is False) or (id_same is False and name_same is True)
            ):
                continue
        if id_same is False and _one_bad_id(id_value, ref_id):
            pass  # the same number with a wrong check digit: the checksum finding says it
        elif id_same is False:
            out.add(
                identity.check_same_id(id_value, ref_id),
                doc,
                [id_field],
                other=ref_doc,
                other_fields=[_identity_of(ref_doc)[0]] if ref_doc else [],
                other_doc=ref_label,
            )
        if name_same is False and (id_same is not False):
            result = identity.check_same_name(name_value, ref_name)
            fv = doc.fields[name_field]
            # one character off on a shaky reading: an OCR confusion more likely than another person
            shaky = identity.name_distance(name_value, ref_name) <= 1 and fv.confidence < 0.95
            out.add(
                result,
                doc,
                [name_field],
                other=ref_doc,
                other_fields=[_identity_of(ref_doc)[2]] if ref_doc else [],
                other_doc=ref_label,
            )
            if shaky and out.findings and not out.findings[-1].uncertain:
                last = out.findings.pop()
                out.findings.append(
                    last.model_copy(
                        update={
                            "severity": Severity.WARNING,
                            "uncertain": True,
                            "message": last.message + "（可能为识别误差，请工作人员核对）",
                        }
                    )
                )


def _born_digital(doc: Document, pages: Sequence[OcrPage]) -> bool:
    """Every page of the document came from a text layer or OFD (nothing was OCRed)."""
    sources = [p.source for p in pages if p.file == doc.file and p.page in doc.pages]
    return bool(sources) and all(s in ("text_layer", "ofd") for s in sources)


def _mark_read_from_image(out: _Collector, before: int) -> None:
    """Findings added since `before` rest on a photographed or scanned receipt: they keep
    their severity (a receipt that does not add up is not accepted on a guess) but are
    marked uncertain, so a clerk confirms them before the citizen is told."""
    for i in range(before, len(out.findings)):
        f = out.findings[i]
        if f.severity == Severity.ERROR and not f.uncertain:
            out.findings[i] = f.model_copy(
                update={
                    "uncertain": True,
                    "message": f.message + "（票面经图像识别，请工作人员核对）",
                }
            )


def _invoices(
    docs: Sequence[Document],
    pages: Sequence[OcrPage],
    context: ValidationContext | None,
    out: _Collector,
) -> None:
    seen: dict[tuple[str | None, str], Document] = {}
    for doc in docs:
        if doc.type not in ("medical_invoice", "vat_invoice"):
            continue
        total = doc.value("total_amount")
        # arithmetic and 大写 read from a photo are only as good as the table reading (a row
        # missed under a seal, 贰/叁 confused): on OCRed receipts a clerk confirms them; a
        # mismatch on a shaky reading (an item below the threshold) is only a warning
        before = len(out.findings)
        if doc.items and total:
            low = any(float(i.get("confidence", 1.0)) < out.threshold for i in doc.items)
            result = invoices.check_items_sum(list(doc.items), total)
            out.add(
                result,
                doc,
                ["total_amount"],
                evidence=[
                    Evidence(
                        file=doc.file,
                        page=i.get("page"),
                        bbox=tuple(i["bbox"]) if i.get("bbox") else None,
                        text=i.get("text", ""),
                    )
                    for i in doc.items
                ],
                reading_based=True,
            )
            if (
                low
                and out.findings
                and not result.ok
                and out.findings[-1].params.get("reason") == Reason.ITEMS_SUM
            ):
                last = out.findings.pop()
                out.findings.append(
                    last.model_copy(
                        update={
                            "severity": Severity.WARNING,
                            "uncertain": True,
                            "message": last.message + "（部分金额识别置信度较低，请工作人员核对）",
                        }
                    )
                )
        words = doc.value("total_amount_words")
        if words and total:
            out.add(invoices.check_words(words, total), doc, ["total_amount", "total_amount_words"])
        if not _born_digital(doc, pages):
            _mark_read_from_image(out, before)
        printed = {
            k: doc.value(k)
            for k in ("invoice_code", "invoice_number", "total_amount", "issue_date")
        }
        for payload in doc.qr_payloads:
            result = invoices.check_qr(payload, printed)
            if not result.ok:
                out.add(
                    result,
                    doc,
                    [result.params["field"]],
                    evidence=[Evidence(file=doc.file, page=doc.pages[0], text=payload[:200])],
                )
                break
        key = invoices.invoice_key(doc.value("invoice_code"), doc.value("invoice_number"))
        if key is None:
            continue
        params = {"code": key[0] or "—", "number": key[1]}
        if key in seen:
            first = seen[key]
            out.add(
                CheckResult.failed(Reason.DUPLICATE_IN_APPLICATION, **params),
                doc,
                ["invoice_number"],
                other=first,
                other_fields=["invoice_number"],
            )
            continue
        seen[key] = doc
        if context is not None and context.seen_invoice is not None:
            others = [
                a for a in context.seen_invoice(key[0], key[1]) if a and a != context.application_id
            ]
            if others:
                out.add(
                    CheckResult.failed(
                        Reason.DUPLICATE_STORED, applications="、".join(others), **params
                    ),
                    doc,
                    ["invoice_number"],
                    applications_list=others,
                )


def _seals(docs: Sequence[Document], out: _Collector) -> None:
    for doc in docs:
        if doc.type in SEAL_REQUIRED and doc.red_seal is False and not doc.is_copy:
            # the seal cue is a visual heuristic (faint or cut-off seals are missed): a clerk
            # confirms on the original rather than the applicant being turned away
            out.add(CheckResult.failed(Reason.SEAL_MISSING), doc, reading_based=False)
            out.findings[-1] = out.findings[-1].model_copy(update={"uncertain": True})


def _quality(pages: Sequence[OcrPage], out: _Collector) -> None:
    for page in pages:
        result = quality.check_page(page)
        if not result.ok:
            out.add(
                result,
                None,
                evidence=[Evidence(file=page.file, page=page.page, text="")],
                reading_based=False,
            )
            out.findings[-1] = out.findings[-1].model_copy(
                update={"document": f"{page.file}#p{page.page}"}
            )


def _low_confidence(docs: Sequence[Document], out: _Collector) -> None:
    for doc in docs:
        for name in DECISION_FIELDS.get(doc.type, ()):
            fv = doc.fields.get(name)
            if fv is None or fv.confidence >= out.threshold:
                continue
            result = CheckResult.failed(
                Reason.LOW_CONFIDENCE, value=fv.value, confidence=fv.confidence
            )
            out.add(result, doc, [name], reading_based=False)
            out.findings[-1] = out.findings[-1].model_copy(update={"uncertain": True})


# ------------------------------------------------------------------ entry point


def validate(
    documents: list[Document],
    pages: list[OcrPage],
    application: Application,
    records: list[Record],
    context: ValidationContext | None = None,
) -> list[Finding]:
    """Run every check group; collect all failures (一次性告知)."""
    from pipeline.config import get_settings

    out = _Collector(get_settings().review_confidence)
    groups: list[tuple[str, Callable[[], None]]] = [
        ("quality", lambda: _quality(pages, out)),
        ("id_numbers", lambda: _id_numbers(documents, out)),
        ("identity", lambda: _identity(documents, application, out)),
        ("dates", lambda: _dates(documents, application, records, out)),
        ("invoices", lambda: _invoices(documents, pages, context, out)),
        ("seals", lambda: _seals(documents, out)),
        ("low_confidence", lambda: _low_confidence(documents, out)),
    ]
    for name, run in groups:
        try:
            run()
        except Exception as exc:  # a broken check is recorded, never loses the verdict
            log.exception("validator group %s failed", name)
            out.findings.append(
                Finding(
                    code=FindingCode.PROCESSING_ERROR,
                    severity=Severity.WARNING,
                    message=f"材料核验（{name}）出现内部错误，已转人工核对。",
                    params={"group": name, "error": f"{type(exc).__name__}: {exc}"},
                    uncertain=True,
                )
            )
    return out.findings
