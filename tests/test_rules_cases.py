"""Rule cases as data (rules/cases/*.yaml), one parametrised test."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.models import Applicant, Application, Record
from rules.catalogue import RULES_ROOT, load_catalogue
from rules.evaluator import evaluate
from rules.schema import RuleCase, RuleCaseFile
from rules.synth import decide, make_document

CAT = load_catalogue()


def load_cases() -> list[RuleCase]:
    out: list[RuleCase] = []
    for path in sorted((RULES_ROOT / "cases").glob("*.yaml")):
        out += RuleCaseFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).cases
    return out


CASES = load_cases()


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 15


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_case(case: RuleCase):
    applicant = Applicant(**case.applicant)
    app = Application(
        application_id=case.id,
        service=case.service,
        jurisdiction=case.jurisdiction,
        office=case.office,
        applicant=applicant,
        submitted_at=case.submitted_at,
        facts=case.facts,
    )
    res = CAT.resolve(
        case.service, jurisdiction=case.jurisdiction, office=case.office, on_date=case.submitted_at
    )
    if res.service is None:
        assert case.expect.verdict == "out_of_scope", res.reason
        assert res.redirect is not None and res.reason
        return
    docs = [
        make_document(
            d.type,
            d.fields,
            d.file or f"{i:02d}-{d.type}.jpg",
            is_copy=d.is_copy,
            confidence=d.confidence,
        )
        for i, d in enumerate(case.documents)
    ]
    records = [
        Record(
            kind=r.kind,
            id_number=r.id_number or applicant.id_number or "",
            name=r.name,
            fields=r.fields,
        )
        for r in case.records
    ]
    ev = evaluate(res.service, docs, app, records, CAT)
    verdict = decide(ev.materials, ev.findings)
    detail = [f"{f.code}: {f.message}" for f in ev.findings]
    assert verdict == case.expect.verdict, detail
    codes = {str(f.code) for f in ev.findings}
    assert set(case.expect.findings) <= codes, detail
    assert not (set(case.expect.absent_findings) & codes), detail
    status = {m.material_id: str(m.status) for m in ev.materials}
    for material_id, expected in case.expect.materials.items():
        assert status.get(material_id) == expected, (material_id, status)
    if case.expect.wrong_service:
        assert [s.code for s in ev.wrong_service][
            : len(case.expect.wrong_service)
        ] == case.expect.wrong_service


def test_cases_dir_is_next_to_the_rules():
    assert Path(RULES_ROOT / "cases").is_dir()
