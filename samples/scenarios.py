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
from dataclasses import dataclass, field
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
        injury = submitted - dt.timedelta(days=rng.randint(150, 320))
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
        death_benefits("gs_death_benefits_accept", 106),
    ]


def substitute_bad_ids(fields: dict[str, Any], id_number: str) -> dict[str, Any]:
    """Replace the __BAD_ID__ marker by the person's ID with a wrong check character."""
    return {
        k: (corrupt_id_checksum(id_number) if v == "__BAD_ID__" else v) for k, v in fields.items()
    }


__all__ = [
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
