"""Generated cases for EVERY service in the catalogue (provincial and city), from the rules alone.

For each service and fact variant: the minimal satisfying set is accepted; each
required material removed in turn makes it deficient naming that material; each
alternative of a one_of group alone satisfies the group; a waivable material
left out is accepted with a warning when an internal record confirms it and
deficient when none does.
"""

from __future__ import annotations

import pytest

from pipeline.models import FindingCode, MaterialStatus, Severity
from rules import synth
from rules.catalogue import load_catalogue
from rules.evaluator import evaluate

CATALOGUE = load_catalogue()
SERVICES = CATALOGUE.all_entries(synth.SUBMITTED)


def _id(svc) -> str:
    return f"{svc.jurisdiction}:{svc.code}"


def cases_minimal():
    for svc in SERVICES:
        for label, facts in synth.fact_variants(svc, CATALOGUE):
            yield pytest.param(svc, facts, id=f"{_id(svc)}[{label}]")


def cases_removal():
    for svc in SERVICES:
        for label, facts in synth.fact_variants(svc, CATALOGUE):
            for mat in synth.applicable_materials(svc, CATALOGUE, facts):
                yield pytest.param(svc, facts, mat.id, id=f"{_id(svc)}[{label}]-{mat.id}")


def cases_alternatives():
    for svc in SERVICES:
        for label, facts in synth.fact_variants(svc, CATALOGUE):
            for mat in synth.applicable_materials(svc, CATALOGUE, facts):
                if not mat.one_of:
                    continue
                for alt in synth.open_alternatives(mat, svc, CATALOGUE, facts):
                    yield pytest.param(
                        svc, facts, mat.id, alt.id, id=f"{_id(svc)}[{label}]-{mat.id}-{alt.id}"
                    )


def cases_waivable():
    for svc in SERVICES:
        for label, facts in synth.fact_variants(svc, CATALOGUE):
            for mat in synth.applicable_materials(svc, CATALOGUE, facts):
                if mat.waiver:
                    yield pytest.param(svc, facts, mat.id, id=f"{_id(svc)}[{label}]-{mat.id}")


def run(svc, facts, documents, records=()):
    app = synth.application(svc, facts)
    ev = evaluate(svc, documents, app, list(records), CATALOGUE)
    return ev, synth.decide(ev.materials, ev.findings)


def errors(ev):
    return [f"{f.code}:{f.message}" for f in ev.findings if f.severity == Severity.ERROR]


def test_catalogue_has_services():
    assert len(SERVICES) >= 30, [s.code for s in SERVICES]


@pytest.mark.parametrize(("svc", "facts"), list(cases_minimal()))
def test_minimal_set_is_accepted(svc, facts):
    s = synth.minimal(svc, CATALOGUE, facts)
    ev, verdict = run(svc, facts, s.documents)
    assert verdict == "accept", errors(ev)
    assert not [f for f in ev.findings if f.code == FindingCode.UNKNOWN_FACT]
    for result in ev.materials:
        assert result.status in (MaterialStatus.SATISFIED, MaterialStatus.NOT_REQUIRED), result


@pytest.mark.parametrize(("svc", "facts", "material_id"), list(cases_removal()))
def test_each_required_material_removed_is_deficient(svc, facts, material_id):
    s = synth.minimal(svc, CATALOGUE, facts)
    mat = svc.material(material_id)
    ev, verdict = run(svc, facts, s.without(material_id))
    assert verdict == "deficient"
    missing = [f for f in ev.findings if f.code == FindingCode.MISSING_MATERIAL]
    assert [f.material for f in missing] == [mat.name], errors(ev)
    assert missing[0].rule_id == f"{svc.code}.{material_id}"
    assert missing[0].basis and missing[0].severity == Severity.ERROR
    status = {r.material_id: r.status for r in ev.materials}
    assert status[material_id] == MaterialStatus.MISSING


@pytest.mark.parametrize(("svc", "facts", "material_id", "alt_id"), list(cases_alternatives()))
def test_each_alternative_alone_satisfies_its_group(svc, facts, material_id, alt_id):
    s = synth.minimal(svc, CATALOGUE, facts)
    mat = svc.material(material_id)
    alt = next(a for a in mat.one_of if a.id == alt_id)
    values = synth.condition_fields(svc, CATALOGUE, facts)
    docs = s.without(material_id) + synth.documents_for(mat, alt, CATALOGUE, values, index=99)
    ev, verdict = run(svc, facts, docs)
    assert verdict == "accept", errors(ev)
    status = {r.material_id: r.status for r in ev.materials}
    assert status[material_id] == MaterialStatus.SATISFIED


@pytest.mark.parametrize(("svc", "facts", "material_id"), list(cases_waivable()))
def test_waivable_material_needs_a_confirming_record(svc, facts, material_id):
    s = synth.minimal(svc, CATALOGUE, facts)
    mat = svc.material(material_id)
    docs = s.without(material_id)

    record = synth.confirming_record(mat, svc, CATALOGUE, facts)
    ev, verdict = run(svc, facts, docs, [record])
    assert verdict == "accept", errors(ev)
    status = {r.material_id: r.status for r in ev.materials}
    assert status[material_id] == MaterialStatus.WAIVED
    waived = [
        f for f in ev.findings if f.code == FindingCode.MATERIAL_WAIVED and f.material == mat.name
    ]
    assert waived and waived[0].severity == Severity.WARNING

    ev, verdict = run(svc, facts, docs, [])
    assert verdict == "deficient"
    missing = [
        f for f in ev.findings if f.code == FindingCode.MISSING_MATERIAL and f.material == mat.name
    ]
    assert missing and "须提供" in missing[0].message

    other = record.model_copy(update={"id_number": synth.OTHER_PERSON["id_number"]})
    ev, verdict = run(svc, facts, docs, [other])
    assert verdict == "deficient", "a record of another person must not waive the material"
