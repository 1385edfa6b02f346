"""Named checks and the validate() recipe on constructed documents (pure logic).

Reading-dependent checks (seal, QR, duplicate receipts, quality, ID on a card)
run on rendered documents with real OCR in test_validators_rendered.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.models import (
    Applicant,
    Application,
    Document,
    FieldValue,
    FindingCode,
    OcrLine,
    OcrPage,
    PageQuality,
    Record,
    Severity,
)
from validators import ValidationContext, validate
from validators.base import CHECKS, REASONS, Reason
from validators.dates import check_not_before, check_not_future, check_term_covers
from validators.identity import check_same_id, check_same_name
from validators.idnumber import check_id_consistent, check_id_number
from validators.invoices import check_items_sum, check_qr, check_words, parse_qr

VALID_ID = "21062419780416783X"  # male, born 1978-04-16
APPLICANT = Applicant(name="黎辉", id_number=VALID_ID)


def fv(value, confidence: float = 0.99) -> FieldValue:
    return FieldValue(
        value=value, confidence=confidence, page=1, bbox=(10, 10, 200, 40), text=str(value)
    )


def doc(
    type_: str,
    file: str = "a.jpg",
    *,
    seal: bool | None = True,
    copy: bool = False,
    items=(),
    qr=(),
    **fields,
) -> Document:
    return Document(
        file=file,
        pages=(1,),
        type=type_,
        type_confidence=0.95,
        fields={k: (v if isinstance(v, FieldValue) else fv(v)) for k, v in fields.items()},
        red_seal=seal,
        is_copy=copy,
        items=tuple(items),
        qr_payloads=tuple(qr),
    )


def application(**kw) -> Application:
    base = {
        "application_id": "app-1",
        "service": "gs_medical_expense",
        "applicant": APPLICANT,
        "submitted_at": dt.date(2026, 3, 1),
    }
    return Application(**{**base, **kw})


def codes(findings) -> list[str]:
    return sorted(str(f.code) for f in findings)


# ------------------------------------------------------------------ named checks


CHECK_CASES = [
    ("id_valid", lambda: check_id_number(VALID_ID), None),
    ("id_checksum", lambda: check_id_number("210624197804167831"), Reason.ID_CHECKSUM),
    ("id_format", lambda: check_id_number("21062419780416"), Reason.ID_FORMAT),
    ("id_birth_impossible", lambda: check_id_number("210624197813167831"), Reason.ID_BIRTH_DATE),
    (
        "id_consistent",
        lambda: check_id_consistent(VALID_ID, birth_date="1978-04-16", gender="男"),
        None,
    ),
    (
        "id_birth_mismatch",
        lambda: check_id_consistent(VALID_ID, birth_date="1978-04-17"),
        Reason.ID_BIRTH_MISMATCH,
    ),
    (
        "id_gender_mismatch",
        lambda: check_id_consistent(VALID_ID, gender="女"),
        Reason.ID_GENDER_MISMATCH,
    ),
    ("date_past", lambda: check_not_future("2025-05-02", submitted_at=dt.date(2026, 3, 1)), None),
    (
        "date_future",
        lambda: check_not_future("2026-05-02", submitted_at=dt.date(2026, 3, 1)),
        Reason.DATE_FUTURE,
    ),
    ("order_ok", lambda: check_not_before("2025-05-03", other_value="2025-05-02"), None),
    (
        "order_bad",
        lambda: check_not_before("2025-05-01", other_value="2025-05-02"),
        Reason.DATE_ORDER,
    ),
    (
        "term_covers",
        lambda: check_term_covers("2024-01-01", "2026-12-31", injury_date="2025-05-02"),
        None,
    ),
    (
        "term_open_ended",
        lambda: check_term_covers("2024-01-01", None, injury_date="2025-05-02"),
        None,
    ),
    (
        "term_ended",
        lambda: check_term_covers("2022-01-01", "2024-12-31", injury_date="2025-05-02"),
        Reason.CONTRACT_TERM,
    ),
    ("same_name", lambda: check_same_name("黎辉", "黎 辉"), None),
    ("other_name", lambda: check_same_name("黎辉", "黎晖"), Reason.NAME_MISMATCH),
    ("same_id", lambda: check_same_id(VALID_ID.lower(), VALID_ID), None),
    ("other_id", lambda: check_same_id("210624197804167831", VALID_ID), Reason.ID_MISMATCH),
    (
        "items_add_up",
        lambda: check_items_sum([{"amount": "54.60"}, {"amount": "318.51"}], "373.11"),
        None,
    ),
    (
        "items_do_not",
        lambda: check_items_sum([{"amount": "54.60"}, {"amount": "318.51"}], "400.00"),
        Reason.ITEMS_SUM,
    ),
    ("words_equal", lambda: check_words("511.70", "511.70"), None),
    ("words_differ", lambda: check_words("511.70", "517.10"), Reason.WORDS_MISMATCH),
    (
        "qr_equal",
        lambda: check_qr(
            "21060223,0097747510,444.38,20250422,a1b2c3",
            {
                "invoice_code": "21060223",
                "invoice_number": "0097747510",
                "total_amount": "444.38",
                "issue_date": "2025-04-22",
            },
        ),
        None,
    ),
    (
        "qr_amount_changed",
        lambda: check_qr(
            "21060223,0097747510,444.38,20250422,a1b2c3",
            {
                "invoice_code": "21060223",
                "invoice_number": "0097747510",
                "total_amount": "944.38",
                "issue_date": "2025-04-22",
            },
        ),
        Reason.QR_MISMATCH,
    ),
]


@pytest.mark.parametrize(
    "run,want", [(r, w) for _, r, w in CHECK_CASES], ids=[i for i, _, _ in CHECK_CASES]
)
def test_named_checks(run, want) -> None:
    result = run()
    assert result.reason == want
    assert result.ok is (want is None)
    if want is not None:
        message = result.message(
            doc="《测试》", other_doc="《其他》", label="字段", other_label="其他字段"
        )
        assert message and "{" not in message, message


def test_every_reason_has_a_chinese_template_and_checks_are_registered() -> None:
    assert set(REASONS) == set(Reason)
    assert {
        "id_number",
        "id_consistent",
        "not_future",
        "not_before",
        "term_covers",
        "same_name",
        "same_id_number",
        "items_sum",
        "words_match_figures",
        "qr_matches_print",
        "page_legible",
    } <= set(CHECKS)


QR_LAYOUTS = [
    (
        "vat_national",
        "01,10,044001900111,12345678,88.50,20250502,12345678901234567890,ABCD",
        {
            "invoice_code": "044001900111",
            "invoice_number": "12345678",
            "amount_excl_tax": "88.50",
            "issue_date": "2025-05-02",
        },
    ),
    (
        "receipt_csv",
        "21060223,0097747510,444.38,20250422,a1b2c3",
        {
            "invoice_code": "21060223",
            "invoice_number": "0097747510",
            "total_amount": "444.38",
            "issue_date": "2025-04-22",
        },
    ),
    (
        "json",
        '{"code": "21060223", "number": "0097747510", "amount": "444.38", "date": "2025-04-22"}',
        {
            "invoice_code": "21060223",
            "invoice_number": "0097747510",
            "total_amount": "444.38",
            "issue_date": "2025-04-22",
        },
    ),
    ("plain_url", "https://example.invalid/check", {}),
]


@pytest.mark.parametrize(
    "payload,want", [(p, w) for _, p, w in QR_LAYOUTS], ids=[i for i, _, _ in QR_LAYOUTS]
)
def test_parse_qr_layouts(payload: str, want: dict) -> None:
    assert parse_qr(payload) == want


# ------------------------------------------------------------------ validate()


def good_set() -> list[Document]:
    return [
        doc(
            "injury_decision",
            "decision.jpg",
            employee_name="黎辉",
            employee_id_number=VALID_ID,
            injury_date="2024-11-14",
            decision_date="2025-01-25",
            is_work_injury=True,
        ),
        doc(
            "medical_invoice",
            "invoice.jpg",
            invoice_code="21060223",
            invoice_number="0097747510",
            payer_name="黎辉",
            issue_date="2025-04-22",
            total_amount="373.11",
            total_amount_words="373.11",
            visit_type="门诊",
            items=[{"name": "西药费", "amount": "54.60"}, {"name": "检查费", "amount": "318.51"}],
            qr=["21060223,0097747510,373.11,20250422,a1b2c3"],
        ),
        doc("social_security_card", "card.jpg", seal=False, name="黎辉", id_number=VALID_ID),
        doc("id_card", "agent_id.jpg", seal=False, name="王五", id_number="210122197912050022"),
    ]


def test_consistent_application_has_no_findings() -> None:
    assert validate(good_set(), [], application(), []) == []


def replace(docs: list[Document], file: str, **fields) -> list[Document]:
    out = []
    for d in docs:
        if d.file == file:
            new = {
                **d.fields,
                **{k: fv(v) if not isinstance(v, FieldValue) else v for k, v in fields.items()},
            }
            d = d.model_copy(update={"fields": new})
        out.append(d)
    return out


FIRING = [
    (
        "checksum",
        # one wrong check digit: the checksum finding says it, not a second identity finding
        lambda: replace(good_set(), "card.jpg", id_number="210624197804167831"),
        {"invalid_field"},
    ),
    (
        "other_persons_valid_id",
        lambda: replace(good_set(), "card.jpg", id_number="210122197912050022"),
        {"inconsistent_identity"},
    ),
    (
        "other_person_invoice",
        lambda: replace(good_set(), "invoice.jpg", payer_name="张伟"),
        {"inconsistent_identity"},
    ),
    (
        "invoice_before_injury",
        lambda: replace(good_set(), "invoice.jpg", issue_date="2024-10-01"),
        {"invalid_field", "tamper_suspected"},
    ),
    (
        "future_decision",
        lambda: replace(good_set(), "decision.jpg", decision_date="2026-06-01"),
        {"invalid_field"},
    ),
    (
        "decision_before_injury",
        lambda: replace(good_set(), "decision.jpg", decision_date="2024-10-01"),
        {"invalid_field"},
    ),
    (
        "words_differ",
        lambda: replace(good_set(), "invoice.jpg", total_amount_words="378.11"),
        {"invalid_field"},
    ),
    (
        "qr_tampered_amount",
        lambda: replace(
            good_set(), "invoice.jpg", total_amount="873.11", total_amount_words="873.11"
        ),
        {"tamper_suspected", "invalid_field"},
    ),
]


@pytest.mark.parametrize(
    "build,want", [(b, w) for _, b, w in FIRING], ids=[i for i, _, _ in FIRING]
)
def test_validate_fires(build, want: set[str]) -> None:
    findings = validate(build(), [], application(), [])
    assert set(codes(findings)) == want
    for f in findings:
        assert f.message and f.evidence, f
        assert any(e.file for e in f.evidence)


def test_identity_finding_names_both_documents() -> None:
    findings = validate(
        replace(good_set(), "invoice.jpg", payer_name="张伟"),
        [],
        application(applicant=Applicant()),
        [],
    )
    (finding,) = findings
    assert finding.code == FindingCode.INCONSISTENT_IDENTITY and finding.severity == Severity.ERROR
    assert "decision.jpg" in finding.message and "invoice.jpg" in finding.message
    assert {e.file for e in finding.evidence} == {"decision.jpg", "invoice.jpg"}


def test_agent_id_card_is_not_the_applicant_but_a_half_match_is_suspect() -> None:
    docs = good_set()
    assert validate(docs, [], application(), []) == []
    half = replace(docs, "agent_id.jpg", name="黎辉")  # applicant's name, other ID
    assert codes(validate(half, [], application(), [])) == ["inconsistent_identity"]


def test_low_confidence_name_slip_is_a_warning_for_review() -> None:
    docs = replace(good_set(), "invoice.jpg", payer_name=fv("黎晖", 0.85))
    (finding,) = validate(docs, [], application(), [])
    assert finding.code == FindingCode.INCONSISTENT_IDENTITY
    assert finding.severity == Severity.WARNING and finding.uncertain


def test_duplicate_invoice_in_application_and_across_applications() -> None:
    docs = good_set()
    twice = docs + [docs[1].model_copy(update={"file": "invoice_again.jpg"})]
    findings = validate(twice, [], application(), [])
    assert codes(findings) == ["duplicate_document"]
    assert "invoice_again.jpg" in findings[0].message and "invoice.jpg" in findings[0].message

    seen: dict[tuple[str | None, str], list[str]] = {("21060223", "0097747510"): ["app-0"]}
    ctx = ValidationContext(
        seen_invoice=lambda code, number: seen.get((code, number), []), application_id="app-1"
    )
    stored = validate(docs, [], application(), [], ctx)
    assert codes(stored) == ["duplicate_document"] and "app-0" in stored[0].message
    ctx_self = ValidationContext(
        seen_invoice=lambda code, number: ["app-1"], application_id="app-1"
    )
    assert validate(docs, [], application(), [], ctx_self) == []


def test_items_must_add_up() -> None:
    docs = good_set()
    bad_items = [
        docs[1].model_copy(
            update={
                "items": (
                    {"name": "西药费", "amount": "54.60", "confidence": 0.99},
                    {"name": "检查费", "amount": "300.00", "confidence": 0.99},
                )
            }
        )
    ]
    assert codes(validate(bad_items, [], application(), [])) == ["invalid_field"]


def test_labour_contract_term_and_injury_record() -> None:
    contract = doc(
        "labour_contract",
        "contract.pdf",
        seal=None,
        employee_name="黎辉",
        employee_id_number=VALID_ID,
        term_start="2022-01-01",
        term_end="2024-06-30",
    )
    record = Record(
        kind="injury_decision", id_number=VALID_ID, fields={"injury_date": "2024-11-14"}
    )
    assert codes(validate([contract], [], application(), [record])) == ["expired"]
    covering = replace([contract], "contract.pdf", term_end="2026-12-31")
    assert validate(covering, [], application(), [record]) == []


def test_seal_required_but_missing_and_not_on_copies() -> None:
    decision = good_set()[0]
    assert codes(
        validate([decision.model_copy(update={"red_seal": False})], [], application(), [])
    ) == ["seal_missing"]
    grey = decision.model_copy(update={"red_seal": False, "is_copy": True})
    assert validate([grey], [], application(), []) == []


def test_review_required_when_a_decision_field_is_shaky() -> None:
    decision = replace(good_set()[:1], "decision.jpg", is_work_injury=fv(True, 0.55))
    (finding,) = validate(decision, [], application(), [])
    assert (
        finding.code == FindingCode.LOW_CONFIDENCE
        and finding.uncertain
        and finding.field == "is_work_injury"
    )
    assert "认定结论" in finding.message


def _page(lines: int, conf: float, **quality) -> OcrPage:
    q = PageQuality(
        **{
            "sharpness": 300.0,
            "brightness": 200.0,
            "contrast": 50.0,
            "colourfulness": 10.0,
            **quality,
        }
    )
    return OcrPage(
        file="p.jpg",
        page=1,
        width=1240,
        height=1754,
        source="ocr",
        content_hash="x",
        quality=q,
        lines=tuple(
            OcrLine(text="文字" * 5, confidence=conf, bbox=(100, 100 + 50 * i, 400, 130 + 50 * i))
            for i in range(lines)
        ),
    )


QUALITY = [
    ("clear", _page(20, 0.97), None),
    ("blurred", _page(6, 0.55, sharpness=5.0), "illegible"),
    ("dark", _page(6, 0.6, brightness=30.0), "illegible"),
    ("blank", _page(0, 0.0), "illegible"),
    ("blurry_but_read_well", _page(20, 0.95, sharpness=5.0), None),
]


@pytest.mark.parametrize("pg,want", [(p, w) for _, p, w in QUALITY], ids=[i for i, _, _ in QUALITY])
def test_page_quality(pg: OcrPage, want: str | None) -> None:
    findings = validate([], [pg], application(), [])
    assert codes(findings) == ([want] if want else [])
    if want:
        assert "重新" in findings[0].message and findings[0].evidence[0].page == 1


def test_broken_check_is_recorded_not_raised() -> None:
    class Broken(Document):
        def value(self, name: str):  # type: ignore[override]
            raise RuntimeError("boom")

    broken = Broken(file="x.jpg", pages=(1,), type="injury_decision", type_confidence=0.9)
    findings = validate([broken], [], application(), [])
    assert findings and all(f.code == FindingCode.PROCESSING_ERROR for f in findings)


def test_dates_in_order_within_one_document() -> None:
    cremation = doc(
        "cremation_certificate",
        "cremation.jpg",
        name="黎辉",
        id_number=VALID_ID,
        death_date="2025-07-16",
        cremation_date="2025-07-10",
    )
    (finding,) = validate([cremation], [], application(), [])
    assert finding.code == FindingCode.INVALID_FIELD and finding.params["reason"] == "date_order"
    assert "火化日期" in finding.message and "死亡日期" in finding.message
    ordered = replace([cremation], "cremation.jpg", cremation_date="2025-07-19")
    assert validate(ordered, [], application(), []) == []


@pytest.mark.parametrize(
    "service,want",
    [("jm_benefit_claim", ["inconsistent_identity"]), ("gs_medical_expense", [])],
    ids=["own_account_required", "card_not_a_material"],
)
def test_whose_document_follows_the_service_materials(service: str, want: list[str]) -> None:
    """城乡居民养老保险待遇领取 pays into the applicant's own account (subject: applicant in
    the rules), so a bank card in another name is an identity problem there."""
    card = doc("bank_card", "bank.jpg", seal=None, name="赵爱婵", card_number="6216613206763314786")
    assert codes(validate([card], [], application(service=service), [])) == want


@pytest.mark.parametrize(
    ("source", "item_confidence", "severity", "uncertain"),
    [
        ("text_layer", 0.99, Severity.ERROR, False),
        ("ocr", 0.99, Severity.ERROR, True),
        ("ocr", 0.5, Severity.WARNING, True),
    ],
    ids=["born_digital_rejects", "photo_rejects_for_a_clerk_to_confirm", "shaky_item_warns"],
)
def test_invoice_arithmetic_severity_follows_how_it_was_read(
    source: str, item_confidence: float, severity: Severity, uncertain: bool
) -> None:
    """A receipt that does not add up is never accepted on a photo: the mismatch stays an
    error (a clerk confirms it); only a mismatch resting on a shaky item reading warns."""
    invoice = good_set()[1].model_copy(
        update={
            "items": (
                {"name": "西药费", "amount": "54.60", "confidence": item_confidence},
                {"name": "检查费", "amount": "300.00", "confidence": 0.99},
            )
        }
    )
    pg = OcrPage(
        file="invoice.jpg",
        page=1,
        width=1240,
        height=860,
        source=source,
        content_hash="x",
        lines=tuple(
            OcrLine(text="票据", confidence=0.99, bbox=(10, 10 + 40 * i, 300, 40 + 40 * i))
            for i in range(5)
        ),
        quality=PageQuality(sharpness=300.0, brightness=240.0, contrast=50.0, colourfulness=8.0),
    )
    (finding,) = validate([invoice], [pg], application(), [])
    assert finding.params["reason"] == "items_sum" and finding.severity == severity
    assert finding.uncertain is uncertain
    assert ("请工作人员核对" in finding.message) is (source == "ocr")
