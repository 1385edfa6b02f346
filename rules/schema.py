"""The service catalogue's data model: what a service file may say, and nothing else.

Every model forbids unknown keys, so a misspelt key in a YAML file is a load
error naming the file and the field (rules.catalogue turns pydantic's errors
into RulesError). Rules say *what*; rules.evaluator says *how*. See
rules/README.md for the authoring guide with a worked example.

Backward compatibility: after rules/SCHEMA_READY, changes here are additive
(new optional keys only).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.models import ServiceRef

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

JURISDICTIONS = ("辽宁省", "朝阳市")
PROVINCE = "辽宁省"

# The provincial guide's sections; the folder under rules/services/ for each.
CATEGORIES: dict[str, str] = {
    "企业职工基本养老保险": "enterprise_pension",
    "机关事业单位养老保险": "institution_pension",
    "城乡居民基本养老保险": "resident_pension",
    "工伤保险": "work_injury",
    "社会保障卡": "social_security_card",
}


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ------------------------------------------------------------------ conditions


class Condition(Strict):
    """A declarative test over document fields, record fields and facts.

    Exactly one subject: `field` ("<doctype>.<field>"), `fact` (a fact id),
    `document` (a doctype id: is such a document present?), or a combinator
    `all` / `any` / `not`. Operators for field/fact: equals, not_equals, in,
    between [lo, hi] (inclusive), gte, lte, present (true/false).
    Evaluates to true, false or unknown (no value to test); see rules/conditions.py.
    """

    field: str | None = None
    fact: str | None = None
    document: str | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    equals: Any = None
    not_equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    between: tuple[float, float] | None = None
    gte: float | None = None
    lte: float | None = None
    present: bool | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_subject(self) -> Condition:
        subjects = [
            name
            for name in ("field", "fact", "document", "all", "any", "not_")
            if getattr(self, name) is not None
        ]
        if len(subjects) != 1:
            raise ValueError(
                "a condition needs exactly one of field / fact / document / all / any / not, "
                f"got {subjects or 'none'}"
            )
        ops = self.operators()
        if self.field is not None or self.fact is not None:
            if len(ops) != 1:
                raise ValueError(
                    "a field/fact condition needs exactly one operator of equals / not_equals / "
                    f"in / between / gte / lte / present, got {ops or 'none'}"
                )
            if self.field is not None and self.field.count(".") != 1:
                raise ValueError(f"field must be '<doctype>.<field>', got {self.field!r}")
        elif ops:
            raise ValueError(f"operators {ops} only apply to field or fact conditions")
        return self

    def operators(self) -> list[str]:
        names = ("equals", "not_equals", "in_", "between", "gte", "lte", "present")
        return [n.rstrip("_") for n in names if getattr(self, n) is not None]

    def walk(self) -> list[Condition]:
        """This condition and every nested one (for reference checks)."""
        out = [self]
        for child in (self.all or []) + (self.any or []):
            out += child.walk()
        if self.not_ is not None:
            out += self.not_.walk()
        return out


# ------------------------------------------------------------------ facts


class FactInference(Strict):
    """How a fact left out of application.json is read from the documents.

    `document`: true when a document of any of these types is present.
    `field`: "<doctype>.<field>" whose values give the fact (enum: every distinct value;
    bool: the value itself). `field_present`: true when that field has a value.
    """

    document: list[str] | None = None
    field: list[str] | None = None
    field_present: list[str] | None = None

    @model_validator(mode="after")
    def _one(self) -> FactInference:
        given = [n for n in ("document", "field", "field_present") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError(
                f"infer needs exactly one of document / field / field_present, got {given}"
            )
        return self


class FactUse(Strict):
    """A fact this service uses: its default when nothing shows it, and how to infer it."""

    id: str
    default: bool | str
    infer: FactInference | None = None
    note: str | None = None  # Chinese: what the fact means for this service


# ------------------------------------------------------------------ materials

Form = Literal["original", "copy", "any"]


class Part(Strict):
    """One document of an alternative that needs several (e.g. 承诺书 + 银行卡)."""

    name: str
    accepts: list[str]


class Alternative(Strict):
    """One way to satisfy a one_of group (……等材料之一): one document, or all of `all_of`."""

    id: str
    name: str
    accepts: list[str] | None = None
    all_of: list[Part] | None = None
    when: Condition | None = None  # an alternative open only in some situations

    @model_validator(mode="after")
    def _shape(self) -> Alternative:
        if (self.accepts is None) == (self.all_of is None):
            raise ValueError(f"alternative {self.id!r} needs exactly one of accepts / all_of")
        return self

    def parts(self) -> list[Part]:
        return (
            list(self.all_of) if self.all_of else [Part(name=self.name, accepts=self.accepts or [])]
        )

    def doc_types(self) -> list[str]:
        return [t for p in self.parts() for t in p.accepts]


class Waiver(Strict):
    """容缺 / 共享数据: the material may be left out when an internal record confirms it.

    `records`: record kinds (CONTRACTS.md §5) that confirm it for the same person.
    `require`: record field values the record must show (e.g. financial_account_active: true).
    `source`: how the guide phrases it — internal_check (内部核查能够确认的可容缺)
    or shared_data (通过共享数据获得……无需提供).
    """

    records: list[str]
    require: dict[str, Any] = Field(default_factory=dict)
    source: Literal["internal_check", "shared_data"] = "internal_check"


class Commitment(Strict):
    """告知承诺制: a signed 承诺书 may stand in for this proof; the office verifies it later."""

    accepts: list[str] = Field(default_factory=lambda: ["commitment_letter"])
    note: str | None = None


class Material(Strict):
    """A required (or conditional, or optional) material of a service."""

    id: str
    name: str  # the material's Chinese name as in the guide
    text: str | None = None  # the guide's wording, verbatim, for the clerk
    accepts: list[str] | None = None  # document types, any of which satisfies it
    one_of: list[Alternative] | None = None  # ……等材料之一
    when: Condition | None = None  # required only when this holds (facts / fields)
    required: bool = True  # false: listed by the guide, but only "if any"
    waiver: Waiver | None = None
    commitment: Commitment | None = None
    form: Form = "any"  # original: the original must be shown (原件); copy: 复印件 is enough
    subject: Literal["applicant", "agent", "relative", "entity", "any"] = "any"
    # documents showing one of these fields must show this value (e.g. visit_type: 住院),
    # so that 门诊 and 住院 receipts go to their own materials
    match: dict[str, Any] = Field(default_factory=dict)
    upload: bool = True  # false: not an upload (filled in at the counter / online)
    basis: str | None = None  # legal citation; defaults to the service's first basis
    note: str | None = None  # Chinese note for citizens/clerks

    @model_validator(mode="after")
    def _shape(self) -> Material:
        if self.upload and (self.accepts is None) == (self.one_of is None):
            raise ValueError(f"material {self.id!r} needs exactly one of accepts / one_of")
        if self.one_of is not None:
            ids = [a.id for a in self.one_of]
            if len(set(ids)) != len(ids):
                raise ValueError(f"material {self.id!r}: duplicate alternative ids {ids}")
            if len(ids) < 2:
                raise ValueError(f"material {self.id!r}: one_of needs at least two alternatives")
        return self

    def alternatives(self) -> list[Alternative]:
        """The material as alternatives (a plain material is one alternative)."""
        if self.one_of:
            return list(self.one_of)
        return [Alternative(id=self.id, name=self.name, accepts=list(self.accepts or []))]

    def doc_types(self) -> list[str]:
        types: list[str] = []
        for alt in self.alternatives():
            types += [t for t in alt.doc_types() if t not in types]
        if self.commitment:
            types += [t for t in self.commitment.accepts if t not in types]
        return types


# ------------------------------------------------------------------ conditions & service


class AcceptanceCondition(Strict):
    """受理条件 that documents can show; a failure is `condition_not_met` (error)."""

    id: str
    text: str  # Chinese: the condition as the guide states it
    check: Condition
    when: Condition | None = None  # applies only in this situation
    material: str | None = None  # the material whose content fails (status → invalid)
    message: str | None = None  # Chinese message on failure; defaults to text
    basis: str | None = None


class Deadlines(Strict):
    statutory: str | None = None  # 法定办结时限, as the guide words it
    promised: str | None = None  # 承诺办结时限


class Location(Strict):
    """Where the matter is handled (办理地点及电话), when a guide says."""

    address: str | None = None
    phone: str | None = None


Channel = Literal["网上", "窗口", "电话", "自助"]


class Service(Strict):
    """One 事项 of a guide: one YAML file."""

    code: str
    name: str  # 事项名称 exactly as in the guide
    aliases: list[str] = Field(default_factory=list)  # TOC spelling, 简称, common names
    category: str
    jurisdiction: str = PROVINCE
    office: str = "经办机构"  # the office kind that handles it (rules/offices.yaml)
    implementing_body: str | None = None  # 实施主体, verbatim
    service_object: str | None = None  # 服务对象
    effective_from: dt.date
    effective_to: dt.date | None = None
    deadlines: Deadlines = Field(default_factory=Deadlines)
    channels: list[Channel] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)  # 表单内容
    basis: list[str] = Field(min_length=1)  # 文件依据 as short citations
    materials_basis: str | None = None  # the citation for the materials list (default basis[0])
    facts: list[FactUse] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)
    conditions: list[AcceptanceCondition] = Field(default_factory=list)
    clerk_checks: list[str] = Field(default_factory=list)  # 受理条件 no document can show
    tips: list[str] = Field(default_factory=list)  # 温馨提示 that matter for checking
    location: Location | None = None
    source: str | None = None  # guide file and line, for traceability
    refines: str | None = None  # set on a city service built from a provincial one

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not CODE_RE.match(value):
            raise ValueError(f"code must be lower-case ASCII [a-z0-9_], got {value!r}")
        return value

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction(cls, value: str) -> str:
        if value not in JURISDICTIONS:
            raise ValueError(f"jurisdiction must be one of {JURISDICTIONS}, got {value!r}")
        return value

    @model_validator(mode="after")
    def _ids(self) -> Service:
        for kind, items in (
            ("material", self.materials),
            ("condition", self.conditions),
            ("fact", self.facts),
        ):
            ids = [i.id for i in items]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} ids: {dupes}")
            bad = [i for i in ids if not ID_RE.match(i)]
            if bad:
                raise ValueError(f"{kind} ids must be lower-case ASCII: {bad}")
        known = {m.id for m in self.materials}
        for cond in self.conditions:
            if cond.material and cond.material not in known:
                raise ValueError(f"condition {cond.id!r} names unknown material {cond.material!r}")
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from")
        return self

    def ref(self) -> ServiceRef:
        return ServiceRef(
            code=self.code, name=self.name, category=self.category, jurisdiction=self.jurisdiction
        )

    def fact(self, fact_id: str) -> FactUse | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def material(self, material_id: str) -> Material | None:
        return next((m for m in self.materials if m.id == material_id), None)

    def in_force(self, on_date: dt.date) -> bool:
        return self.effective_from <= on_date and (
            self.effective_to is None or on_date < self.effective_to
        )

    def all_conditions(self) -> list[Condition]:
        """Every condition object in the service (for reference checks)."""
        roots: list[Condition] = []
        for m in self.materials:
            if m.when:
                roots.append(m.when)
            for alt in m.one_of or []:
                if alt.when:
                    roots.append(alt.when)
        for c in self.conditions:
            roots.append(c.check)
            if c.when:
                roots.append(c.when)
        return [c for root in roots for c in root.walk()]


# ------------------------------------------------------------------ city layer


class MaterialPatch(Strict):
    """Replace one inherited material (by id) with a new definition."""

    id: str
    material: Material


class LayerEntry(Strict):
    """A city-guide entry that refines a provincial service (rules/chaoyang/<code>.yaml).

    It inherits everything from the provincial service `refines` and may override
    the scalar fields given here, add / replace / remove materials, add conditions,
    facts, clerk checks and tips. A city-only service is a plain Service file in the
    layer folder instead (jurisdiction: 朝阳市, no `refines`).
    """

    refines: str
    jurisdiction: str = "朝阳市"
    code: str | None = None  # defaults to the provincial code
    name: str | None = None  # the city guide's title
    aliases: list[str] = Field(default_factory=list)  # added to the provincial aliases (简称)
    office: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    deadlines: Deadlines | None = None
    channels: list[Channel] | None = None
    forms: list[str] | None = None
    basis: list[str] | None = None  # appended to the provincial basis
    location: Location | None = None
    add_facts: list[FactUse] = Field(default_factory=list)
    remove_facts: list[str] = Field(default_factory=list)  # provincial facts the city does not use
    add_materials: list[Material] = Field(default_factory=list)
    replace_materials: list[MaterialPatch] = Field(default_factory=list)
    remove_materials: list[str] = Field(default_factory=list)
    add_conditions: list[AcceptanceCondition] = Field(default_factory=list)
    remove_conditions: list[str] = Field(default_factory=list)
    add_clerk_checks: list[str] = Field(default_factory=list)
    add_tips: list[str] = Field(default_factory=list)
    source: str | None = None

    def apply(self, base: Service) -> Service:
        """The city's version of the provincial service."""
        materials = [m for m in base.materials if m.id not in self.remove_materials]
        unknown = [i for i in self.remove_materials if base.material(i) is None]
        replace = {p.id: p.material for p in self.replace_materials}
        unknown += [i for i in replace if base.material(i) is None]
        if unknown:
            raise ValueError(f"refines {base.code!r}: no inherited material(s) {unknown}")
        materials = [replace.get(m.id, m) for m in materials] + list(self.add_materials)
        unknown_facts = [i for i in self.remove_facts if base.fact(i) is None]
        if unknown_facts:
            raise ValueError(f"refines {base.code!r}: no inherited fact(s) {unknown_facts}")
        conditions = [c for c in base.conditions if c.id not in self.remove_conditions]
        facts = [f for f in base.facts if f.id not in self.remove_facts] + list(self.add_facts)
        data = base.model_dump(by_alias=True, exclude_none=False)
        data.update(
            code=self.code or base.code,
            name=self.name or base.name,
            aliases=[
                a
                for a in _unique(
                    list(base.aliases) + ([base.name] if self.name else []) + self.aliases
                )
                if a != (self.name or base.name)
            ],
            jurisdiction=self.jurisdiction,
            office=self.office or base.office,
            effective_from=self.effective_from or base.effective_from,
            effective_to=self.effective_to or base.effective_to,
            deadlines={  # the city usually gives only its 办理时限; the statutory one stays
                **base.deadlines.model_dump(),
                **(self.deadlines.model_dump(exclude_none=True) if self.deadlines else {}),
            },
            channels=self.channels if self.channels is not None else base.channels,
            forms=self.forms if self.forms is not None else base.forms,
            basis=list(base.basis) + [b for b in self.basis or [] if b not in base.basis],
            facts=[f.model_dump(by_alias=True) for f in facts],
            materials=[m.model_dump(by_alias=True, exclude_none=True) for m in materials],
            conditions=[
                c.model_dump(by_alias=True, exclude_none=True)
                for c in conditions + self.add_conditions
            ],
            clerk_checks=list(base.clerk_checks) + self.add_clerk_checks,
            tips=list(base.tips) + self.add_tips,
            location=(self.location or base.location).model_dump()
            if (self.location or base.location)
            else None,
            source=self.source or base.source,
            refines=base.code,
        )
        return Service.model_validate(data)


def _unique(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


# ------------------------------------------------------------------ registries


class DocType(Strict):
    name: str
    fields: list[str] = Field(default_factory=list)
    record_kinds: list[str] = Field(default_factory=list)
    generic: bool = False


class DocTypeRegistry(Strict):
    types: dict[str, DocType]
    # record kinds that stand for no single document type (kind → Chinese description)
    record_kinds: dict[str, str] = Field(default_factory=dict)


class FactDef(Strict):
    name: str
    type: Literal["bool", "enum"]
    values: list[str] = Field(default_factory=list)
    question: str | None = None

    @model_validator(mode="after")
    def _values(self) -> FactDef:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum fact needs values")
        return self


class FactRegistry(Strict):
    facts: dict[str, FactDef]


class OfficeInfo(Strict):
    """An office kind, with where to find it per jurisdiction."""

    name: str  # Chinese display name
    description: str | None = None
    locations: dict[str, Location] = Field(default_factory=dict)  # jurisdiction → location


class OfficeRegistry(Strict):
    default: str = "经办机构"
    offices: dict[str, OfficeInfo]


class ExternalMatter(Strict):
    """A matter handled outside the social-insurance agency (工伤认定, 劳动能力鉴定, …)."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    office: str
    reason: str  # Chinese: why it is handled elsewhere
    basis: str | None = None
    location: dict[str, Location] = Field(default_factory=dict)  # jurisdiction → where


class ExternalRegistry(Strict):
    matters: list[ExternalMatter]


# ------------------------------------------------------------------ rule cases


class CaseDocument(Strict):
    """A document in a rule case: its type and field values (evidence is synthetic)."""

    type: str
    file: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    is_copy: bool | None = None
    confidence: float = 0.99


class CaseRecord(Strict):
    kind: str
    id_number: str | None = None  # defaults to the applicant's
    name: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


class CaseExpect(Strict):
    verdict: Literal["accept", "deficient", "out_of_scope"]
    findings: list[str] = Field(default_factory=list)  # finding codes that must appear
    absent_findings: list[str] = Field(default_factory=list)  # codes that must not appear
    materials: dict[str, str] = Field(default_factory=dict)  # material id → status
    wrong_service: list[str] = Field(default_factory=list)  # codes the routing must name


class RuleCase(Strict):
    """Given documents/records/facts → expected verdict and finding codes."""

    id: str
    description: str | None = None
    service: str
    jurisdiction: str = PROVINCE
    office: str = "经办机构"
    submitted_at: dt.date = dt.date(2026, 5, 1)
    applicant: dict[str, str] = Field(
        default_factory=lambda: {"name": "李四", "id_number": "210102198503124518"}
    )
    facts: dict[str, Any] = Field(default_factory=dict)
    documents: list[CaseDocument] = Field(default_factory=list)
    records: list[CaseRecord] = Field(default_factory=list)
    expect: CaseExpect


class RuleCaseFile(Strict):
    cases: list[RuleCase]


Condition.model_rebuild()
