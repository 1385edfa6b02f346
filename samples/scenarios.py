"""Declarative application scenarios: who applies for what, with which documents, expecting what.

A `Scenario` names the service, the persons (by role), the documents to render
(type, file, format, field overrides, degradation) and the expected verdict and
finding codes. Expectations come from how the scenario is constructed (ground
truth: a 不予认定 decision gives condition_not_met, a missing invoice gives
missing_material, ...), never from running the pipeline.

Builders (`medical_expense`, `disability_benefits`, ...) turn a seed and a
variant into a Scenario; `catalogue_of_cases` enumerates the labelled
evaluation set and `random_cases` draws larger sets from a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from samples.generator.base import money
from samples.generator.docs._medical import categories, items_total, make_items
from samples.generator.person import corrupt_id_checksum

DEFAULT_SUBMITTED = dt.date(2026, 5, 11)
HOSPITALS = [
    "中国医科大学附属第一医院",
    "辽宁省人民医院",
    "沈阳市骨科医院",
    "朝阳市中心医院",
    "大连医科大学附属第一医院",
    "鞍山市中心医院",
    "锦州医科大学附属第一医院",
]


@dataclass(frozen=True)
class Doc:
    """One document to render into the bundle.

    Documents sharing a `.pdf` file name become consecutive pages of one PDF
    (a multi-document upload); `fmt` 'pdf_text' makes that page born-digital.
    """

    type: str
    file: str
    fmt: str = "jpg"
    fields: dict[str, Any] = field(default_factory=dict)
    degrade: str | None = None
    person: str = "applicant"
    seed: int | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    service: str
    seed: int
    docs: tuple[Doc, ...]
    verdict: str
    finding_codes: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    office: str | None = None
    jurisdiction: str | None = None
    submitted_at: dt.date = DEFAULT_SUBMITTED
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> make_person kwargs
    applicant: str | None = "applicant"
    applicant_override: dict[str, str] | None = None
    records: tuple[dict[str, Any], ...] = ()  # {"kind", "person": role, "fields"}
    note: str = ""
    tags: tuple[str, ...] = ()


# ------------------------------------------------------------------ timeline
@dataclass(frozen=True)
class Timeline:
    """Dates of one work-injury case, in a plausible order, all before submission."""

    submitted: dt.date
    injury: dt.date
    decision: dt.date
    visit: dt.date
    conclusion: dt.date
    death: dt.date

    @classmethod
    def draw(cls, rng: random.Random, submitted: dt.date = DEFAULT_SUBMITTED) -> Timeline:
        # latest event: conclusion ≤ injury + 150 days ≤ submitted - 50 days
        injury = submitted - dt.timedelta(days=rng.randint(200, 330))
        decision = injury + dt.timedelta(days=rng.randint(30, 60))
        visit = injury + dt.timedelta(days=rng.randint(1, 40))
        conclusion = decision + dt.timedelta(days=rng.randint(40, 90))
        death = injury + dt.timedelta(days=rng.randint(0, 20))
        return cls(submitted, injury, decision, visit, conclusion, death)


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _bad_arithmetic(items: list[dict[str, Any]]) -> str:
    """A printed total that is not the sum of the item lines."""
    return money(Decimal(items_total(items)) + Decimal("100.00"))


# ------------------------------------------------------------ work injury
MEDICAL_PROBLEMS = (
    "missing_invoice",
    "missing_record",
    "not_recognised",
    "person_mismatch",
    "bad_id_checksum",
    "future_date",
    "date_before_injury",
    "duplicate_invoice",
    "arithmetic",
    "tampered_qr",
)


def medical_expense(
    name: str,
    seed: int,
    *,
    visit: str = "门诊",
    problem: str | None = None,
    ssc_from_records: bool = False,
    paper_invoice: bool = False,
    degrade: bool = True,
    pdf_bundle: bool = False,
) -> Scenario:
    """工伤医疗（康复）费用申报: decision + invoice + record + expense list + card copy."""
    if problem == "tampered_qr":
        paper_invoice = False  # only electronic receipts carry the QR code
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    items = make_items(rng, visit)
    total = items_total(items)
    hospital = rng.choice(HOSPITALS)
    inv: dict[str, Any] = {
        "visit_type": visit,
        "items": items,
        "issue_date": _iso(t.visit),
        "electronic": not paper_invoice,
        "issuer": hospital,
        "invoice_code": "21"
        + rng.choice(["0601", "0602", "1301", "0101"])
        + str(rng.randint(22, 25)),
        "invoice_number": "00" + "".join(rng.choice("0123456789") for _ in range(8)),
        "check_code": "".join(rng.choice("0123456789abcdef") for _ in range(6)),
    }
    exp: dict[str, Any] = {
        "visit_type": visit,
        "items": items,
        "issue_date": _iso(t.visit),
        "issuer": hospital,
    }
    dec: dict[str, Any] = {"injury_date": _iso(t.injury), "decision_date": _iso(t.decision)}
    rec: dict[str, Any] = {
        "visit_type": visit,
        "issue_date": _iso(t.visit),
        "injury_date": _iso(t.injury),
        "issuer": hospital,
    }
    codes: list[str] = []
    verdict = "deficient" if problem else "accept"
    invoice_person = "applicant"
    if problem == "not_recognised":
        dec["is_work_injury"] = False
        codes.append("condition_not_met")
    elif problem == "person_mismatch":
        invoice_person = "other"
        codes.append("inconsistent_identity")
    elif problem == "bad_id_checksum":
        codes.append("invalid_field")
    elif problem == "future_date":
        inv["issue_date"] = _iso(t.submitted + dt.timedelta(days=rng.randint(20, 60)))
        codes.append("invalid_field")
    elif problem == "date_before_injury":
        inv["issue_date"] = _iso(t.injury - dt.timedelta(days=rng.randint(10, 40)))
        codes.append("invalid_field")
    elif problem == "arithmetic":
        inv["total_amount"] = _bad_arithmetic(items)
        codes.append("invalid_field")
    elif problem == "tampered_qr":
        inv["qr_amount"] = money(
            Decimal(total) - Decimal(rng.choice(["50.00", "120.00", "200.00"]))
        )
        codes.append("tamper_suspected")
    elif problem == "duplicate_invoice":
        codes.append("duplicate_document")
    elif problem in ("missing_invoice", "missing_record"):
        codes.append("missing_material")
    elif problem:
        raise ValueError(f"unknown problem {problem!r}")
    ext = "pdf" if pdf_bundle else "jpg"
    scan = "scan" if degrade else None
    docs: list[Doc] = []
    decision_fields = dict(dec)
    if problem == "bad_id_checksum":
        decision_fields["employee_id_number"] = "__BAD_ID__"
    docs.append(
        Doc(
            "injury_decision",
            f"认定工伤决定书.{ext}",
            "pdf" if pdf_bundle else "jpg",
            decision_fields,
            scan,
        )
    )
    if problem != "missing_invoice":
        fmt = (
            "pdf_text" if not paper_invoice and not pdf_bundle else ("pdf" if pdf_bundle else "jpg")
        )
        inv_file = "医疗收费票据.pdf" if fmt == "pdf_text" else f"医疗收费票据.{ext}"
        docs.append(
            Doc(
                "medical_invoice",
                inv_file,
                fmt,
                inv,
                None if fmt == "pdf_text" else scan,
                person=invoice_person,
            )
        )
        if problem == "duplicate_invoice":
            docs.append(
                Doc(
                    "medical_invoice",
                    "医疗收费票据_重复.jpg",
                    "jpg",
                    inv,
                    "photo",
                    person=invoice_person,
                    seed=1,
                )
            )
    if problem != "missing_record":
        docs.append(
            Doc(
                "medical_record",
                f"{'门诊病历' if visit == '门诊' else '出院小结'}.{ext}",
                "pdf" if pdf_bundle else "jpg",
                rec,
                "photo" if degrade else None,
            )
        )
    docs.append(Doc("expense_list", f"费用清单.{ext}", "pdf" if pdf_bundle else "jpg", exp, scan))
    records: list[dict[str, Any]] = []
    if ssc_from_records:
        records.append(
            {
                "kind": "social_security_card",
                "person": "applicant",
                "fields": {"financial_account_active": True},
            }
        )
    else:
        docs.append(
            Doc(
                "social_security_card",
                f"社会保障卡复印件.{ext}",
                "pdf" if pdf_bundle else "jpg",
                {"layout": "a4"},
                "copy",
            )
        )
    return Scenario(
        name=name,
        service="gs_medical_expense",
        seed=seed,
        docs=tuple(docs),
        verdict=verdict,
        finding_codes=tuple(codes),
        facts={"visit_type": visit} if rng.random() < 0.5 else {},
        submitted_at=t.submitted,
        persons={"applicant": {"seed": seed}, "other": {"seed": seed + 10_000}},
        records=tuple(records),
        note=f"工伤医疗费用申报（{visit}）" + (f"；问题：{problem}" if problem else "；材料齐全"),
        tags=("work_injury", problem or "accept"),
    )


def out_of_scope(
    name: str, seed: int, service: str, office: str | None = None, jurisdiction: str | None = None
) -> Scenario:
    """A matter another office handles (工伤认定, 劳动能力鉴定, 医保报销 ...)."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    docs = (
        Doc(
            "medical_record",
            "病历.jpg",
            "jpg",
            {"issue_date": _iso(t.visit), "injury_date": _iso(t.injury)},
            "photo",
        ),
        Doc("id_card", "身份证.jpg", "jpg", {}, "scan"),
    )
    return Scenario(
        name=name,
        service=service,
        seed=seed,
        docs=docs,
        verdict="out_of_scope",
        office=office,
        jurisdiction=jurisdiction,
        submitted_at=t.submitted,
        persons={"applicant": {"seed": seed}},
        note=f"不属于经办机构职权：{service}",
        tags=("out_of_scope",),
    )


def disability_benefits(
    name: str,
    seed: int,
    *,
    grade: int = 7,
    claims_allowance: bool = False,
    nursing: str | None = None,
    ssc_from_records: bool = False,
    missing_appraisal: bool = False,
) -> Scenario:
    """伤残待遇申领: decision + 劳动能力鉴定结论 + card copy; 伤残津贴 only for grades 1-4."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    codes: list[str] = []
    if claims_allowance and grade > 4:
        codes.append("condition_not_met")
    if missing_appraisal:
        codes.append("missing_material")
    docs = [
        Doc(
            "injury_decision",
            "认定工伤决定书.jpg",
            "jpg",
            {"injury_date": _iso(t.injury), "decision_date": _iso(t.decision)},
            "scan",
        )
    ]
    if not missing_appraisal:
        docs.append(
            Doc(
                "appraisal_conclusion",
                "劳动能力鉴定结论通知书.jpg",
                "jpg",
                {
                    "disability_grade": grade,
                    "nursing_level": nursing,
                    "conclusion_date": _iso(t.conclusion),
                    "injury_date": _iso(t.injury),
                },
                "photo",
            )
        )
    records = []
    if ssc_from_records:
        records.append(
            {
                "kind": "social_security_card",
                "person": "applicant",
                "fields": {"financial_account_active": True},
            }
        )
    else:
        docs.append(
            Doc("social_security_card", "社会保障卡复印件.jpg", "jpg", {"layout": "a4"}, "copy")
        )
    facts: dict[str, Any] = {"claims_disability_allowance": claims_allowance}
    return Scenario(
        name=name,
        service="gs_disability_benefits",
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        facts=facts,
        submitted_at=t.submitted,
        persons={"applicant": {"seed": seed}},
        records=tuple(records),
        note=f"伤残待遇申领，{grade}级伤残" + ("，申领伤残津贴" if claims_allowance else ""),
        tags=("work_injury", "disability", "accept" if not codes else "deficient"),
    )


def death_benefits(
    name: str,
    seed: int,
    *,
    proof: str = "death_certificate",
    not_recognised: bool = False,
    relatives_account: bool = True,
) -> Scenario:
    """一次性工亡补助金、丧葬补助金申领: decision + death proof + 个人账户返还审批表 + account."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    codes: list[str] = []
    dec: dict[str, Any] = {"injury_date": _iso(t.injury), "decision_date": _iso(t.decision)}
    if not_recognised:
        dec["is_work_injury"] = False
        codes.append("condition_not_met")
    docs = [
        Doc("injury_decision", "认定工伤决定书.jpg", "jpg", dec, "scan"),
        Doc(proof, "死亡证明.jpg", "jpg", {"death_date": _iso(t.death)}, "photo"),
        Doc(
            "pension_refund_approval",
            "个人账户返还审批表.jpg",
            "jpg",
            {"death_date": _iso(t.death)},
            "scan",
        ),
    ]
    if relatives_account:
        docs += [
            Doc("commitment_letter", "近亲属共同承诺书.jpg", "jpg", {}, "scan", person="relative"),
            Doc("bank_card", "银行卡.jpg", "jpg", {}, "photo", person="relative"),
        ]
    else:
        docs.append(
            Doc("social_security_card", "社会保障卡复印件.jpg", "jpg", {"layout": "a4"}, "copy")
        )
    return Scenario(
        name=name,
        service="gs_death_benefits",
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        submitted_at=t.submitted,
        persons={"applicant": {"seed": seed}, "relative": {"seed": seed + 20_000}},
        note="工亡待遇申领" + ("（不予认定工伤）" if not_recognised else ""),
        tags=("death_benefit", "deficient" if codes else "accept"),
    )


def _card_account(person: str = "applicant", via: str = "bank_card") -> Doc:
    if via == "bank_card":
        return Doc("bank_card", "银行卡.jpg", "jpg", {}, "photo", person=person)
    return Doc(
        "social_security_card",
        "社会保障卡复印件.jpg",
        "jpg",
        {"layout": "a4"},
        "copy",
        person=person,
    )


def meal_allowance(
    name: str, seed: int, *, not_recognised: bool = False, missing_record: bool = False
) -> Scenario:
    """住院伙食补助费申领: decision + 住院 invoice + 住院 record (+ card copy or records)."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    items = make_items(rng, "住院")
    hospital = rng.choice(HOSPITALS)
    codes: list[str] = []
    dec: dict[str, Any] = {"injury_date": _iso(t.injury), "decision_date": _iso(t.decision)}
    if not_recognised:
        dec["is_work_injury"] = False
        codes.append("condition_not_met")
    if missing_record:
        codes.append("missing_material")
    docs = [
        Doc("injury_decision", "认定工伤决定书.jpg", "jpg", dec, "scan"),
        Doc(
            "medical_invoice",
            "住院收费票据.pdf",
            "pdf_text",
            {"visit_type": "住院", "items": items, "issue_date": _iso(t.visit), "issuer": hospital},
        ),
    ]
    if not missing_record:
        docs.append(
            Doc(
                "medical_record",
                "出院小结.jpg",
                "jpg",
                {
                    "visit_type": "住院",
                    "issue_date": _iso(t.visit),
                    "injury_date": _iso(t.injury),
                    "issuer": hospital,
                },
                "photo",
            )
        )
    return Scenario(
        name=name,
        service="gs_hospital_meal_allowance",
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        submitted_at=t.submitted,
        persons={"applicant": {"seed": seed}},
        records=(
            {
                "kind": "social_security_card",
                "person": "applicant",
                "fields": {"financial_account_active": True},
            },
        ),
        note="住院伙食补助费申领",
        tags=("work_injury", "deficient" if codes else "accept"),
    )


def medical_lump_sum(name: str, seed: int, *, grade: int = 8, multi_pdf: bool = False) -> Scenario:
    """一次性工伤医疗补助金: decision + appraisal (grade 5-10) + contract termination + card copy."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    codes = ["condition_not_met"] if not 5 <= grade <= 10 else []
    fmt, f = ("pdf", "工伤材料.pdf") if multi_pdf else ("jpg", None)
    docs = (
        Doc(
            "injury_decision",
            f or "认定工伤决定书.jpg",
            fmt,
            {"injury_date": _iso(t.injury), "decision_date": _iso(t.decision)},
            "scan",
        ),
        Doc(
            "appraisal_conclusion",
            f or "劳动能力鉴定结论.jpg",
            fmt,
            {
                "disability_grade": grade,
                "conclusion_date": _iso(t.conclusion),
                "injury_date": _iso(t.injury),
            },
            "scan",
        ),
        Doc(
            "contract_termination",
            f or "解除劳动合同证明书.jpg",
            fmt,
            {
                "termination_date": _iso(
                    min(
                        t.conclusion + dt.timedelta(days=rng.randint(5, 30)),
                        t.submitted - dt.timedelta(days=1),
                    )
                )
            },
            "scan",
        ),
        Doc("social_security_card", "社会保障卡复印件.jpg", "jpg", {"layout": "a4"}, "copy"),
    )
    return Scenario(
        name=name,
        service="gs_medical_lump_sum",
        seed=seed,
        docs=docs,
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        submitted_at=t.submitted,
        persons={"applicant": {"seed": seed}},
        note=f"一次性工伤医疗补助金，{grade}级伤残",
        tags=("work_injury", "deficient" if codes else "accept"),
    )


def out_of_area_travel(name: str, seed: int, *, missing_tickets: bool = False) -> Scenario:
    """统筹地区以外交通、住宿费: approval (records) + record + tickets/hotel invoice + card copy."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    hospital = rng.choice(HOSPITALS)
    docs = [
        Doc(
            "medical_record",
            "出院小结.jpg",
            "jpg",
            {
                "visit_type": "住院",
                "issue_date": _iso(t.visit),
                "injury_date": _iso(t.injury),
                "issuer": hospital,
            },
            "scan",
        ),
        Doc("social_security_card", "社会保障卡复印件.jpg", "jpg", {"layout": "a4"}, "copy"),
    ]
    if not missing_tickets:
        docs += [
            Doc(
                "transport_ticket",
                "火车票.jpg",
                "jpg",
                {"travel_date": _iso(t.visit - dt.timedelta(days=1))},
                "photo",
            ),
            Doc(
                "vat_invoice",
                "住宿发票.pdf",
                "pdf_text",
                {
                    "issue_date": _iso(t.visit),
                    "full_digital": True,
                    "seller": ("北京如家酒店管理有限公司沈阳太原街分店", "*住宿服务*住宿费", "天"),
                },
            ),
        ]
    return Scenario(
        name=name,
        service="gs_out_of_area_travel",
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if missing_tickets else "accept",
        finding_codes=("missing_material",) if missing_tickets else (),
        submitted_at=t.submitted,
        persons={"applicant": {"seed": seed}},
        records=(
            {
                "kind": "referral_approval",
                "person": "applicant",
                "fields": {"approval_date": _iso(t.visit - dt.timedelta(days=5))},
            },
        ),
        note="统筹地区以外就医交通、住宿费申领",
        tags=("work_injury", "deficient" if missing_tickets else "accept"),
    )


def survivor_benefits(
    name: str,
    seed: int,
    *,
    service: str = "qy_survivor_benefits",
    proof: str | None = "death_certificate",
    bad_id: bool = False,
    dates_out_of_order: bool = False,
) -> Scenario:
    """Pension 遗属待遇 / 个人账户一次性待遇 after death: death proof + the deceased's bank card."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    codes: list[str] = []
    docs: list[Doc] = []
    if proof:
        fields: dict[str, Any] = {"death_date": _iso(t.death)}
        if bad_id:
            fields["id_number"] = "__BAD_ID__"
            codes.append("invalid_field")
        if dates_out_of_order and proof == "cremation_certificate":
            fields["cremation_date"] = _iso(t.death - dt.timedelta(days=rng.randint(3, 9)))
            codes.append("invalid_field")
        docs.append(Doc(proof, "死亡证明.jpg", "jpg", fields, "photo"))
    else:
        codes.append("missing_material")
    docs.append(_card_account())
    if service == "jm_survivor_benefits":
        docs.append(Doc("id_card", "参保人身份证.jpg", "jpg", {"layout": "a4"}, "copy"))
        docs.append(
            Doc("id_card", "继承人身份证.jpg", "jpg", {"layout": "a4"}, "copy", person="relative")
        )
    return Scenario(
        name=name,
        service=service,
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        submitted_at=t.submitted,
        persons={
            "applicant": {
                "seed": seed,
                "birth_date": dt.date(1950 + seed % 12, 1 + seed % 12, 1 + seed % 27),
            },
            "relative": {"seed": seed + 30_000},
        },
        note=f"{service}：参保人死亡",
        tags=("pension", "death_benefit", "deficient" if codes else "accept"),
    )


def resident_pension_claim(
    name: str, seed: int, *, mismatch: bool = False, missing_register: bool = False
) -> Scenario:
    """城乡居民养老保险待遇申领: ID card + 户口簿 + bank card of the applicant (aged 60+)."""
    rng = random.Random(f"scenario:{seed}")
    t = Timeline.draw(rng)
    codes: list[str] = []
    docs = [Doc("id_card", "身份证.jpg", "jpg", {}, "scan")]
    if missing_register:
        codes.append("missing_material")
    else:
        docs.append(Doc("household_register", "户口簿.jpg", "jpg", {}, "scan"))
    account_person = "other" if mismatch else "applicant"
    if mismatch:
        codes.append("inconsistent_identity")
    docs.append(_card_account(account_person))
    return Scenario(
        name=name,
        service="jm_benefit_claim",
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        submitted_at=t.submitted,
        persons={
            "applicant": {
                "seed": seed,
                "birth_date": dt.date(1960 + seed % 5, 1 + seed % 12, 1 + seed % 27),
            },
            "other": {"seed": seed + 40_000},
        },
        note="城乡居民养老保险待遇申领",
        tags=("pension", "deficient" if codes else "accept"),
    )


CAPTURE_VARIANTS = (
    "scan",
    "scan",
    "photo",
    "photo",
    "photo",
    "skew",
    "rot90",
    "rot180",
    "fold",
    "lowdpi",
    "photo+rot90",
    "scan+fold",
    "skew+lowdpi",
)


def vary_capture(sc: Scenario) -> Scenario:
    """Swap each scanned/photographed page's capture for a seeded mix (skew, turns, folds, low DPI).

    Copies stay copies and born-digital files stay clean, so the expected verdict is unchanged.
    """
    rng = random.Random(f"vary:{sc.seed}")
    docs = tuple(
        replace(d, degrade=rng.choice(CAPTURE_VARIANTS)) if d.degrade in ("scan", "photo") else d
        for d in sc.docs
    )
    return replace(sc, docs=docs)


def eval_scenarios() -> list[Scenario]:
    """The committed labelled evaluation set (samples/eval): tens of applications, ≥ 10 services."""
    out: list[Scenario] = []
    seed = 1000
    for visit in ("门诊", "住院"):
        for variant in ("a", "b"):
            seed += 1
            out.append(
                medical_expense(
                    f"gs_medical_{'mz' if visit == '门诊' else 'zy'}_accept_{variant}",
                    seed,
                    visit=visit,
                    paper_invoice=variant == "b",
                    ssc_from_records=variant == "b",
                )
            )
    seed += 1
    out.append(medical_expense("gs_medical_mz_accept_pdf", seed, pdf_bundle=True))
    for problem in MEDICAL_PROBLEMS:
        seed += 1
        out.append(
            medical_expense(f"gs_medical_{problem}", seed, problem=problem, ssc_from_records=True)
        )
    out += [
        meal_allowance("gs_meal_accept", 1101),
        meal_allowance("gs_meal_not_recognised", 1102, not_recognised=True),
        meal_allowance("gs_meal_missing_record", 1103, missing_record=True),
        disability_benefits("gs_disability_accept_g7", 1111, grade=7),
        disability_benefits(
            "gs_disability_accept_g3_allowance",
            1112,
            grade=3,
            claims_allowance=True,
            nursing="生活部分不能自理",
            ssc_from_records=True,
        ),
        disability_benefits(
            "gs_disability_grade_out_of_range", 1113, grade=8, claims_allowance=True
        ),
        disability_benefits(
            "gs_disability_missing_appraisal", 1114, missing_appraisal=True, ssc_from_records=True
        ),
        medical_lump_sum("gs_lump_sum_accept", 1121, grade=9),
        medical_lump_sum("gs_lump_sum_accept_multipdf", 1122, grade=6, multi_pdf=True),
        medical_lump_sum("gs_lump_sum_grade_out_of_range", 1123, grade=3),
        death_benefits("gs_death_accept_certificate", 1131),
        death_benefits(
            "gs_death_accept_cremation",
            1132,
            proof="cremation_certificate",
            relatives_account=False,
        ),
        death_benefits("gs_death_not_recognised", 1133, not_recognised=True),
        out_of_area_travel("gs_travel_accept", 1141),
        out_of_area_travel("gs_travel_missing_tickets", 1142, missing_tickets=True),
        survivor_benefits("qy_survivor_accept", 1151),
        survivor_benefits("qy_survivor_missing_death_proof", 1152, proof=None),
        survivor_benefits("qy_survivor_bad_id", 1153, bad_id=True),
        survivor_benefits(
            "qy_lump_sum_accept", 1154, service="qy_account_lump_sum", proof="cremation_certificate"
        ),
        survivor_benefits(
            "qy_lump_sum_dates_out_of_order",
            1155,
            service="qy_account_lump_sum",
            proof="cremation_certificate",
            dates_out_of_order=True,
        ),
        survivor_benefits("jg_lump_sum_accept", 1156, service="jg_account_lump_sum"),
        survivor_benefits("jm_survivor_accept", 1157, service="jm_survivor_benefits"),
        resident_pension_claim("jm_claim_accept", 1161),
        resident_pension_claim("jm_claim_missing_register", 1162, missing_register=True),
        resident_pension_claim("jm_claim_person_mismatch", 1163, mismatch=True),
        out_of_scope("oos_injury_recognition", 1171, "工伤认定申请", office="经办机构"),
        out_of_scope("oos_ability_appraisal", 1172, "劳动能力鉴定申请"),
        out_of_scope("oos_medical_insurance", 1173, "医疗费用报销"),
        out_of_scope("oos_contribution", 1174, "社会保险费缴纳"),
        benefit_account("gs_account_by_agent_accept", 1181),
        benefit_account("gs_account_missing_agent_id", 1182, missing_agent_id=True),
        dependant_pension("gs_dependant_spouse_accept", 1191),
        dependant_pension("gs_dependant_missing_relationship", 1192, missing_relationship=True),
    ]
    return [vary_capture(sc) for sc in out]


def benefit_account(name: str, seed: int, *, missing_agent_id: bool = False) -> Scenario:
    """工伤保险待遇发放账户维护 by an agent (代办): ID, card copy, power of attorney, agent's ID card."""
    codes = ["missing_material"] if missing_agent_id else []
    docs = [
        Doc("id_card", "身份证复印件.jpg", "jpg", {"layout": "a4"}, "copy"),
        Doc("social_security_card", "社会保障卡复印件.jpg", "jpg", {"layout": "a4"}, "copy"),
        Doc(
            "power_of_attorney",
            "授权委托书.jpg",
            "jpg",
            {
                "agent_name": "@agent.name",
                "agent_id_number": "@agent.id_number",
                "matter": "工伤保险待遇发放账户维护",
            },
            "scan",
        ),
    ]
    if not missing_agent_id:
        docs.append(Doc("id_card", "代办人身份证.jpg", "jpg", {}, "photo", person="agent"))
    return Scenario(
        name=name,
        service="gs_benefit_account",
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        persons={"applicant": {"seed": seed}, "agent": {"seed": seed + 50_000}},
        note="工伤保险待遇发放账户维护（代办）",
        tags=("work_injury", "agent", "deficient" if codes else "accept"),
    )


def dependant_pension(name: str, seed: int, *, missing_relationship: bool = False) -> Scenario:
    """供养亲属抚恤金: the surviving spouse's ID card, marriage certificate, commitment, bank card."""
    codes = ["missing_material"] if missing_relationship else []
    docs = [
        Doc("id_card", "配偶身份证.jpg", "jpg", {}, "photo", person="relative"),
        Doc(
            "commitment_letter",
            "承诺书.jpg",
            "jpg",
            {"matter": "供养亲属抚恤金申领"},
            "scan",
            person="relative",
        ),
        Doc("bank_card", "配偶银行卡复印件.jpg", "jpg", {}, "copy", person="relative"),
    ]
    if not missing_relationship:
        docs.insert(
            1,
            Doc(
                "marriage_certificate",
                "结婚证.jpg",
                "jpg",
                {"spouse_name": "@relative.name", "spouse_id_number": "@relative.id_number"},
                "photo",
            ),
        )
    return Scenario(
        name=name,
        service="gs_dependant_pension",
        seed=seed,
        docs=tuple(docs),
        verdict="deficient" if codes else "accept",
        finding_codes=tuple(codes),
        persons={
            "applicant": {"seed": seed, "gender": "男"},
            "relative": {"seed": seed + 60_000, "gender": "女"},
        },
        note="供养亲属抚恤金申领（配偶）",
        tags=("work_injury", "death_benefit", "deficient" if codes else "accept"),
    )


def random_scenarios(seed: int, count: int) -> list[Scenario]:
    """`count` labelled applications drawn deterministically from `seed` (larger evaluation sets)."""
    rng = random.Random(f"generate:{seed}")
    out = []
    for i in range(count):
        s = rng.randrange(100_000, 10_000_000)
        kind = rng.choice(
            [
                "medical",
                "medical",
                "medical",
                "meal",
                "disability",
                "lump_sum",
                "death",
                "travel",
                "survivor",
                "resident",
                "account",
                "dependant",
                "out_of_scope",
            ]
        )
        name = f"g{seed}_{i:04d}_{kind}"
        if kind == "medical":
            problem = rng.choice([None, None, None, *MEDICAL_PROBLEMS])
            sc = medical_expense(
                name,
                s,
                visit=rng.choice(["门诊", "住院"]),
                problem=problem,
                ssc_from_records=rng.random() < 0.5,
                paper_invoice=rng.random() < 0.3,
            )
        elif kind == "meal":
            sc = meal_allowance(
                name, s, not_recognised=rng.random() < 0.25, missing_record=rng.random() < 0.15
            )
        elif kind == "disability":
            grade = rng.randint(1, 10)
            sc = disability_benefits(
                name,
                s,
                grade=grade,
                claims_allowance=rng.random() < 0.4,
                nursing=rng.choice([None, "生活部分不能自理"]) if grade <= 4 else None,
                ssc_from_records=rng.random() < 0.5,
            )
        elif kind == "lump_sum":
            sc = medical_lump_sum(name, s, grade=rng.randint(1, 10), multi_pdf=rng.random() < 0.3)
        elif kind == "death":
            sc = death_benefits(
                name,
                s,
                proof=rng.choice(["death_certificate", "cremation_certificate"]),
                not_recognised=rng.random() < 0.25,
                relatives_account=rng.random() < 0.5,
            )
        elif kind == "travel":
            sc = out_of_area_travel(name, s, missing_tickets=rng.random() < 0.25)
        elif kind == "survivor":
            sc = survivor_benefits(
                name,
                s,
                service=rng.choice(
                    [
                        "qy_survivor_benefits",
                        "qy_account_lump_sum",
                        "jg_account_lump_sum",
                        "jm_survivor_benefits",
                    ]
                ),
                proof=rng.choice(["death_certificate", "cremation_certificate", None]),
                bad_id=rng.random() < 0.15,
            )
        elif kind == "resident":
            sc = resident_pension_claim(
                name, s, mismatch=rng.random() < 0.2, missing_register=rng.random() < 0.2
            )
        elif kind == "account":
            sc = benefit_account(name, s, missing_agent_id=rng.random() < 0.3)
        elif kind == "dependant":
            sc = dependant_pension(name, s, missing_relationship=rng.random() < 0.3)
        else:
            sc = out_of_scope(
                name,
                s,
                rng.choice(["工伤认定申请", "劳动能力鉴定申请", "医疗费用报销", "社会保险费缴纳"]),
            )
        out.append(vary_capture(sc))
    return out


# ---------------------------------------------------------- demo bundles
def demo_scenarios() -> list[Scenario]:
    """The small committed demo set under samples/bundles (≤ 6 bundles, ≤ 6 pages each)."""
    return [
        medical_expense("gs_medical_outpatient_accept", 101),
        medical_expense(
            "gs_medical_missing_invoice", 102, problem="missing_invoice", ssc_from_records=True
        ),
        medical_expense(
            "gs_medical_not_recognised", 103, problem="not_recognised", ssc_from_records=True
        ),
        out_of_scope(
            "injury_recognition_out_of_scope",
            104,
            "工伤认定申请",
            office="经办机构",
            jurisdiction="朝阳市",
        ),
        disability_benefits("gs_disability_accept", 105, grade=7),
        survivor_benefits("qy_survivor_benefits_accept", 106),
    ]


def substitute_bad_ids(fields: dict[str, Any], id_number: str) -> dict[str, Any]:
    """Replace the __BAD_ID__ marker by the person's ID with a wrong check character."""
    return {
        k: (corrupt_id_checksum(id_number) if v == "__BAD_ID__" else v) for k, v in fields.items()
    }


__all__ = [
    "random_scenarios",
    "eval_scenarios",
    "MEDICAL_PROBLEMS",
    "Doc",
    "Scenario",
    "Timeline",
    "categories",
    "death_benefits",
    "demo_scenarios",
    "disability_benefits",
    "medical_expense",
    "out_of_scope",
    "substitute_bad_ids",
]


def resolve_refs(fields: dict[str, Any], persons: dict[str, Any]) -> dict[str, Any]:
    """Replace "@role.attr" values by that person's attribute (e.g. "@agent.name")."""
    out = {}
    for k, v in fields.items():
        if isinstance(v, str) and v.startswith("@") and "." in v:
            role, attr = v[1:].split(".", 1)
            v = getattr(persons[role], attr)
        out[k] = v
    return out
