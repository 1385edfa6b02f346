"""The evaluator on 工伤医疗（康复）费用申报 and friends: facts, waivers, conditions, evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.models import Applicant, Application, FindingCode, MaterialStatus, Record, Severity
from rules.catalogue import load_catalogue
from rules.evaluator import evaluate
from rules.synth import APPLICANT, decide, make_document

CAT = load_catalogue()
ID = APPLICANT.id_number
NAME = APPLICANT.name


def app(service: str = "gs_medical_expense", facts=None, applicant=APPLICANT) -> Application:
    return Application(
        application_id="t",
        service=service,
        applicant=applicant,
        submitted_at=dt.date(2026, 5, 1),
        facts=facts or {},
    )


def decision(is_work_injury=True, confidence=0.99, file="decision.jpg"):
    return make_document(
        "injury_decision",
        {
            "document_number": "朝人社工伤认字〔2025〕123号",
            "employee_name": NAME,
            "employee_id_number": ID,
            "injury_date": "2025-05-02",
            "is_work_injury": is_work_injury,
        },
        file,
        confidence=confidence,
    )


def invoice(visit="门诊", file="invoice.jpg"):
    fields = {"payer_name": NAME, "total_amount": "511.70"}
    if visit:
        fields["visit_type"] = visit
    return make_document("medical_invoice", fields, file)


def record(visit="门诊", file="record.jpg"):
    return make_document("medical_record", {"patient_name": NAME, "visit_type": visit}, file)


def expense(visit="门诊", file="list.jpg"):
    return make_document("expense_list", {"patient_name": NAME, "visit_type": visit}, file)


def card():
    return make_document("social_security_card", {"name": NAME, "id_number": ID}, "card.jpg")


def outpatient_set():
    return [decision(), invoice(), record(), expense(), card()]


def run(docs, facts=None, records=(), service="gs_medical_expense", applicant=APPLICANT):
    svc = CAT.get(service)
    ev = evaluate(svc, docs, app(service, facts, applicant), list(records), CAT)
    return ev, decide(ev.materials, ev.findings)


def codes(ev):
    return {str(f.code) for f in ev.findings}


def status(ev):
    return {m.material_id: str(m.status) for m in ev.materials}


def test_complete_outpatient_claim_is_accepted():
    ev, verdict = run(outpatient_set())
    assert verdict == "accept", [f.message for f in ev.findings]
    st = status(ev)
    assert st["decision"] == "satisfied" and st["inpatient_invoice"] == "not_required"
    assert any("就医类型" in a and "门诊" in a for a in ev.assumptions)  # inferred, and said so
    assert ev.clerk_checks  # 参保缴费 etc. are listed for the clerk, never guessed


def test_inpatient_is_inferred_from_the_receipt_and_switches_materials():
    docs = [decision(), invoice("住院"), record("住院"), card()]
    ev, verdict = run(docs)
    assert verdict == "deficient"
    missing = [f.material for f in ev.findings if f.code == FindingCode.MISSING_MATERIAL]
    assert missing == ["住院费用清单"]
    assert status(ev)["outpatient_invoice"] == "not_required"


def test_both_visit_types_need_both_sets():
    docs = outpatient_set() + [
        invoice("住院", "inv2.jpg"),
        record("住院", "rec2.jpg"),
        expense("住院", "l2.jpg"),
    ]
    ev, verdict = run(docs)
    assert verdict == "accept", [f.message for f in ev.findings]
    st = status(ev)
    assert st["inpatient_invoice"] == "satisfied" and st["outpatient_invoice"] == "satisfied"
    by_mat = {m.material_id: m.documents for m in ev.materials}
    assert by_mat["inpatient_invoice"] == ("inv2.jpg",) and by_mat["outpatient_invoice"] == (
        "invoice.jpg",
    )


def test_decision_not_recognising_work_injury_fails_condition_with_evidence():
    docs = [decision(is_work_injury=False)] + outpatient_set()[1:]
    ev, verdict = run(docs)
    assert verdict == "deficient"
    failed = [f for f in ev.findings if f.code == FindingCode.CONDITION_NOT_MET]
    assert len(failed) == 1
    f = failed[0]
    assert f.severity == Severity.ERROR and f.rule_id == "gs_medical_expense.work_injury_recognised"
    assert f.basis == "《工伤保险条例》第三十条" and f.material == "《认定工伤决定书》"
    assert f.evidence and f.evidence[0].file == "decision.jpg"
    assert status(ev)["decision"] == "invalid"


def test_low_confidence_reading_marks_the_failure_uncertain():
    docs = [decision(is_work_injury=False, confidence=0.5)] + outpatient_set()[1:]
    ev, _ = run(docs)
    failed = [f for f in ev.findings if f.code == FindingCode.CONDITION_NOT_MET]
    assert failed and failed[0].uncertain


@pytest.mark.parametrize(
    ("records", "verdict", "decision_status"),
    [
        ([], "deficient", "missing"),
        (
            [Record(kind="injury_decision", id_number=ID, fields={"is_work_injury": True})],
            "accept",
            "waived",
        ),
        (
            [
                Record(
                    kind="injury_decision",
                    id_number="210102199001011237",
                    fields={"is_work_injury": True},
                )
            ],
            "deficient",
            "missing",
        ),
        (
            [Record(kind="injury_decision", id_number=ID, fields={"is_work_injury": False})],
            "deficient",
            "waived",
        ),
    ],
    ids=["no-record", "record-confirms", "other-persons-record", "record-says-not-work-injury"],
)
def test_decision_waiver_depends_on_the_persons_record(records, verdict, decision_status):
    ev, got = run(outpatient_set()[1:], records=records)
    assert got == verdict, [f.message for f in ev.findings]
    assert status(ev)["decision"] == decision_status
    if decision_status == "missing":
        msg = next(f.message for f in ev.findings if f.code == FindingCode.MISSING_MATERIAL)
        assert "内部核查未能确认" in msg and "须提供" in msg
    if verdict == "accept":
        waived = [f for f in ev.findings if f.code == FindingCode.MATERIAL_WAIVED]
        assert (
            waived
            and waived[0].severity == Severity.WARNING
            and "工伤认定记录" in waived[0].message
        )


def test_card_waived_only_when_shared_data_shows_financial_account():
    docs = outpatient_set()[:-1]
    active = Record(
        kind="social_security_card", id_number=ID, fields={"financial_account_active": True}
    )
    inactive = Record(
        kind="social_security_card", id_number=ID, fields={"financial_account_active": False}
    )
    ev, verdict = run(docs, records=[active])
    assert verdict == "accept" and status(ev)["social_security_card"] == "waived"
    ev, verdict = run(docs, records=[inactive])
    assert verdict == "deficient"
    msg = next(f.message for f in ev.findings if f.code == FindingCode.MISSING_MATERIAL)
    assert "financial_account_active" in msg or "不满足" in msg


def test_third_party_material_switched_by_fact_and_inferred_from_documents():
    ev, verdict = run(outpatient_set(), facts={"third_party_liability": True})
    assert verdict == "deficient"
    missing = next(f for f in ev.findings if f.code == FindingCode.MISSING_MATERIAL)
    assert missing.material == "第三方责任相关材料" and "之一" in missing.message
    accident = make_document("accident_responsibility", {"party_name": NAME}, "acc.jpg")
    ev, verdict = run(outpatient_set() + [accident])  # fact left out: inferred from the document
    assert verdict == "accept" and status(ev)["third_party"] == "satisfied"


def test_unknown_fact_is_a_warning_not_a_crash():
    ev, verdict = run(outpatient_set(), facts={"is_martian": True, "visit_type": "急诊"})
    assert verdict == "accept"
    unknown = [f for f in ev.findings if f.code == FindingCode.UNKNOWN_FACT]
    assert len(unknown) == 2 and all(f.severity == Severity.WARNING for f in unknown)


def test_missing_applicant_id_means_no_internal_check():
    anonymous = Applicant(name=None, id_number=None)
    docs = outpatient_set()[1:4]  # no decision, no card, no IDs on the documents
    ev, verdict = run(
        docs, records=[Record(kind="injury_decision", id_number=ID, fields={})], applicant=anonymous
    )
    assert verdict == "deficient"
    msg = next(f.message for f in ev.findings if f.material == "《认定工伤决定书》")
    assert "无法进行内部核查" in msg


def test_photocopy_of_original_only_receipt_is_flagged():
    docs = outpatient_set()
    docs[1] = make_document("medical_invoice", {"visit_type": "门诊"}, "copy.jpg", is_copy=True)
    ev, verdict = run(docs)
    assert FindingCode.COPY_NOT_ORIGINAL in {f.code for f in ev.findings}
    assert verdict == "accept"  # a warning: the clerk sees the original at the counter


def test_every_finding_has_rule_id_and_chinese_message():
    ev, _ = run([invoice()], facts={"third_party_liability": True})
    for f in ev.findings:
        assert f.rule_id and f.rule_id.startswith("gs_medical_expense")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.message)
    for m in ev.materials:
        assert m.status in set(MaterialStatus)
