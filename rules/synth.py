"""Synthetic documents that satisfy a service, for generated rule tests and rule cases.

Documents are built from the rules alone (types, `match` fields, the values that
make each checkable condition true), so the generated tests work for any
service file, including ones added later. Evidence is synthetic (file names
only); these exercise the evaluator, not OCR.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.models import Applicant, Application, Document, FieldValue, Record
from rules import conditions as cond_lang
from rules.catalogue import Catalogue
from rules.schema import Alternative, Condition, Material, Service

APPLICANT = Applicant(name="李四", id_number="210102198503124518")
OTHER_PERSON = {"name": "王五", "id_number": "210102199001011237"}
SUBMITTED = dt.date(2026, 5, 1)

_PLACEHOLDERS = {
    "date": "2025-05-02",
    "amount": "511.70",
    "number": "NO2025001",
}


@dataclass
class Synth:
    """A generated submission: documents per material (and alternative)."""

    service: Service
    facts: dict[str, Any]
    documents: list[Document] = field(default_factory=list)
    by_material: dict[str, list[Document]] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)  # material id → alternative id

    def without(self, material_id: str) -> list[Document]:
        drop = {d.doc_id for d in self.by_material.get(material_id, [])}
        return [d for d in self.documents if d.doc_id not in drop]


def application(
    service: Service, facts: Mapping[str, Any] | None = None, applicant: Applicant = APPLICANT
) -> Application:
    return Application(
        application_id="synthetic",
        service=service.code,
        jurisdiction=service.jurisdiction,
        applicant=applicant,
        submitted_at=max(SUBMITTED, service.effective_from),
        facts=dict(facts or {}),
    )


def default_facts(service: Service, catalogue: Catalogue) -> dict[str, Any]:
    """Every fact of the service at its default, as application.json would give it."""
    return {f.id: f.default for f in service.facts}


def fact_variants(service: Service, catalogue: Catalogue) -> list[tuple[str, dict[str, Any]]]:
    """Default facts, then each fact moved off its default in turn (one at a time)."""
    base = default_facts(service, catalogue)
    out = [("default", base)]
    for use in service.facts:
        fdef = catalogue.facts[use.id]
        others = (
            [not use.default]
            if fdef.type == "bool"
            else [v for v in fdef.values if v != use.default]
        )
        for value in others:
            out.append((f"{use.id}={value}", {**base, use.id: value}))
    return out


def make_document(
    doc_type: str,
    fields: Mapping[str, Any],
    file: str,
    *,
    is_copy: bool | None = None,
    confidence: float = 0.99,
) -> Document:
    return Document(
        file=file,
        pages=(1,),
        type=doc_type,
        type_confidence=confidence,
        fields={
            k: FieldValue(value=v, confidence=confidence, page=1, text=str(v))
            for k, v in fields.items()
        },
        is_copy=is_copy,
    )


def identity_fields(
    doc_type: str, catalogue: Catalogue, person: Mapping[str, str]
) -> dict[str, Any]:
    """The declared identity fields of a type, filled with one person's name and ID."""
    declared = catalogue.doctypes[doc_type].fields
    out: dict[str, Any] = {}
    for name in declared:
        if name.endswith("id_number"):
            out[name] = person["id_number"]
        elif name in (
            "name",
            "employee_name",
            "patient_name",
            "payer_name",
            "subject_name",
            "passenger_name",
            "insured_name",
            "principal_name",
            "signer_name",
            "party_name",
        ):
            out[name] = person["name"]
    return out


def witness(cond: Condition) -> dict[str, Any] | None:
    """Field values ("doctype.field" → value) that make the condition true; None if unknown."""
    if cond.all is not None:
        merged: dict[str, Any] = {}
        for child in cond.all:
            part = witness(child)
            if part is None:
                return None
            merged.update(part)
        return merged
    if cond.any is not None:
        for child in cond.any:
            part = witness(child)
            if part is not None:
                return part
        return None
    if cond.not_ is not None or cond.document is not None or cond.fact is not None:
        return {}
    path = cond.field or ""
    name = path.split(".", 1)[1]
    if cond.equals is not None:
        return {path: cond.equals}
    if cond.in_ is not None:
        return {path: cond.in_[0]}
    if cond.between is not None:
        return {path: int(cond.between[0])}
    if cond.gte is not None:
        return {path: int(cond.gte)}
    if cond.lte is not None:
        return {path: int(cond.lte)}
    if cond.present:
        return {path: placeholder(name)}
    if cond.present is False:
        return {}
    if cond.not_equals is not None:
        return {path: "其他"}
    return None


def placeholder(field_name: str) -> str:
    if field_name.endswith("date"):
        return _PLACEHOLDERS["date"]
    if "amount" in field_name:
        return _PLACEHOLDERS["amount"]
    return _PLACEHOLDERS["number"]


def condition_fields(
    service: Service, catalogue: Catalogue, facts: Mapping[str, Any]
) -> dict[str, Any]:
    """Values that make every applicable checkable condition true."""
    ctx = cond_lang.Context(documents=[], facts=resolved(service, catalogue, facts))
    out: dict[str, Any] = {}
    for cond in service.conditions:
        if cond.when is not None and cond_lang.evaluate(cond.when, ctx).value is not True:
            when_fields = witness(cond.when) or {}
            if cond_lang.evaluate(cond.when, ctx).value is False:
                continue
            out.update(when_fields)
        out.update(witness(cond.check) or {})
    return out


def resolved(service: Service, catalogue: Catalogue, facts: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for use in service.facts:
        value = facts.get(use.id, use.default)
        out[use.id] = (
            value
            if catalogue.facts[use.id].type == "bool"
            else frozenset(value if isinstance(value, list) else [value])
        )
    return out


def applicable_materials(
    service: Service, catalogue: Catalogue, facts: Mapping[str, Any]
) -> list[Material]:
    ctx = cond_lang.Context(documents=[], facts=resolved(service, catalogue, facts))
    return [
        m
        for m in service.materials
        if m.upload
        and m.required
        and (m.when is None or cond_lang.evaluate(m.when, ctx).value is True)
    ]


def open_alternatives(
    material: Material, service: Service, catalogue: Catalogue, facts: Mapping[str, Any]
) -> list[Alternative]:
    ctx = cond_lang.Context(documents=[], facts=resolved(service, catalogue, facts))
    return [
        a
        for a in material.alternatives()
        if a.when is None or cond_lang.evaluate(a.when, ctx).value is True
    ]


def documents_for(
    material: Material,
    alternative: Alternative,
    catalogue: Catalogue,
    cond_values: Mapping[str, Any],
    *,
    index: int = 0,
) -> list[Document]:
    """Documents satisfying one alternative of a material."""
    person = {"name": APPLICANT.name or "", "id_number": APPLICANT.id_number or ""}
    if material.subject in ("agent", "relative"):
        person = OTHER_PERSON
    docs = []
    for n, part in enumerate(alternative.parts()):
        doc_type = part.accepts[0]
        fields = identity_fields(doc_type, catalogue, person)
        for path, value in cond_values.items():
            t, _, name = path.partition(".")
            if t == doc_type:
                fields[name] = value
        fields.update(material.match)
        docs.append(
            make_document(
                doc_type,
                fields,
                file=f"{material.id}-{alternative.id}-{index}-{n}.jpg",
                is_copy=False if material.form == "original" else None,
            )
        )
    return docs


def minimal(
    service: Service, catalogue: Catalogue, facts: Mapping[str, Any] | None = None
) -> Synth:
    """The smallest document set that should be accepted under these facts."""
    facts = dict(default_facts(service, catalogue) if facts is None else facts)
    values = condition_fields(service, catalogue, facts)
    synth = Synth(service=service, facts=facts)
    for i, mat in enumerate(applicable_materials(service, catalogue, facts)):
        alts = open_alternatives(mat, service, catalogue, facts)
        if not alts:
            continue
        docs = documents_for(mat, alts[0], catalogue, values, index=i)
        synth.by_material[mat.id] = docs
        synth.chosen[mat.id] = alts[0].id
        synth.documents += docs
    # a condition on a document type no material asks for (rare): add that document
    present = {d.type for d in synth.documents}
    for path in values:
        t = path.partition(".")[0]
        if t not in present:
            fields = identity_fields(
                t, catalogue, {"name": APPLICANT.name or "", "id_number": APPLICANT.id_number or ""}
            )
            fields.update(
                {p.partition(".")[2]: v for p, v in values.items() if p.startswith(t + ".")}
            )
            synth.documents.append(make_document(t, fields, file=f"condition-{t}.jpg"))
            present.add(t)
    return synth


def confirming_record(
    material: Material, service: Service, catalogue: Catalogue, facts: Mapping[str, Any]
) -> Record:
    """An internal record that confirms a waivable material (and feeds its conditions)."""
    if material.waiver is None:
        raise ValueError(f"material {material.id} is not waivable")
    kind = material.waiver.records[0]
    fields: dict[str, Any] = dict(material.waiver.require)
    values = condition_fields(service, catalogue, facts)
    for t, spec in catalogue.doctypes.items():
        if kind in spec.record_kinds:
            fields.update(
                {p.partition(".")[2]: v for p, v in values.items() if p.startswith(t + ".")}
            )
    return Record(
        kind=kind, id_number=APPLICANT.id_number or "", name=APPLICANT.name, fields=fields
    )


def decide(materials: Sequence[Any], findings: Sequence[Any]) -> str:
    from pipeline.verify import decide as pipeline_decide

    decision, _ = pipeline_decide(materials, findings)
    return str(decision)
