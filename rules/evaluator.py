"""Judge a set of documents against one service's rules (一次性告知: everything, then decide).

    facts      → resolve: given, else inferred from the documents, else the default (assumption)
    materials  → which apply (when), which documents satisfy them (alternatives, parts),
                 else a commitment letter (告知承诺制), else a confirming internal record (waived),
                 else missing — every problem an error finding with the material's basis
    conditions → checkable 受理条件 on fields (grade ranges, is_work_injury, death date …)
    routing    → do the documents fit another service better? (`wrong_service`)

Identity cross-checks, dates, invoice arithmetic, seals and image quality are
validators' work (validators/), not repeated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.models import (
    Application,
    Document,
    Evidence,
    Finding,
    FindingCode,
    MaterialResult,
    MaterialStatus,
    Record,
    Severity,
)
from rules import conditions as cond_lang
from rules.catalogue import Catalogue
from rules.schema import JURISDICTIONS, PROVINCE, Alternative, FactUse, Material, Service

ID_FIELDS = ("id_number", "employee_id_number", "subject_id_number")
NAME_FIELDS = (
    "name",
    "employee_name",
    "patient_name",
    "payer_name",
    "subject_name",
    "passenger_name",
)
RECORD_LABELS = {
    "injury_decision": "工伤认定记录",
    "appraisal_conclusion": "劳动能力鉴定记录",
    "death": "死亡登记信息",
    "social_security_card": "社会保障卡共享信息",
    "referral_approval": "异地就医（转诊转院）核准记录",
    "device_confirmation": "辅助器具配置确认记录",
}


@dataclass
class RuleEvaluation:
    materials: list[MaterialResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    clerk_checks: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # resolved facts (sets for enums)
    wrong_service: list[Service] = field(default_factory=list)


def evaluate(
    service: Service,
    documents: Sequence[Document],
    application: Application,
    records: Sequence[Record],
    catalogue: Catalogue,
) -> RuleEvaluation:
    """Every material and checkable condition of `service`, all findings at once."""
    out = RuleEvaluation()
    documents = list(documents)
    if application.submitted_at < service.effective_from:
        out.assumptions.append(
            f"申请日期（{application.submitted_at}）早于本事项现行规则生效日期"
            f"（{service.effective_from}），按现行规则判断。"
        )
    out.facts = resolve_facts(service, application, documents, catalogue, out)
    person = person_records(application, documents, records)
    ctx = cond_lang.Context(
        documents=documents,
        records=person,
        facts=out.facts,
        record_kinds=catalogue.record_kinds_by_doctype(),
    )
    applicable = {m.id: _applies(m, ctx) for m in service.materials}
    allocation = allocate(
        [m for m in service.materials if applicable[m.id] and m.upload], documents, application, ctx
    )
    results: dict[str, MaterialResult] = {}
    for mat in service.materials:
        results[mat.id] = _judge_material(
            service,
            mat,
            applicable[mat.id],
            allocation,
            documents,
            person,
            application,
            ctx,
            out,
            catalogue,
        )
    _judge_conditions(service, ctx, results, catalogue, out)
    out.materials = [results[m.id] for m in service.materials]
    out.clerk_checks += list(service.clerk_checks)
    used = {doc_id for docs in allocation.values() for doc_id in docs}
    _unused_documents(service, documents, used, ctx, catalogue, out)
    out.wrong_service = route(service, documents, application, catalogue)
    if out.wrong_service:
        names = "；".join(f"{s.name}（{s.code}）" for s in out.wrong_service)
        kinds = "、".join(
            sorted(
                {
                    catalogue.doctype_name(d.type)
                    for d in documents
                    if d.type in _foreign_types(service, documents, catalogue)
                }
            )
        )
        out.findings.append(
            Finding(
                code=FindingCode.WRONG_SERVICE,
                severity=Severity.WARNING,
                message=(
                    f"所交材料（{kinds}）不属于“{service.name}”所需材料，更符合以下事项：{names}。"
                    "请确认办理事项是否选择正确。"
                ),
                rule_id=f"{service.code}.routing",
                evidence=tuple(
                    Evidence(file=d.file, page=d.pages[0] if d.pages else None)
                    for d in documents
                    if d.type in _foreign_types(service, documents, catalogue)
                ),
                params={
                    "candidates": [{"code": s.code, "name": s.name} for s in out.wrong_service]
                },
            )
        )
    return out


# ------------------------------------------------------------------ facts


def resolve_facts(
    service: Service,
    application: Application,
    documents: Sequence[Document],
    catalogue: Catalogue,
    out: RuleEvaluation,
) -> dict[str, Any]:
    """Given facts, else inferred from documents, else the service default (an assumption)."""
    values: dict[str, Any] = {}
    for name, raw in application.facts.items():
        fdef = catalogue.facts.get(name)
        if fdef is None:
            out.findings.append(
                Finding(
                    code=FindingCode.UNKNOWN_FACT,
                    severity=Severity.WARNING,
                    message=f"申请中的情形“{name}”无法识别，已忽略。本事项可用的情形见“intake services show {service.code}”。",
                    rule_id=f"{service.code}.facts",
                    params={"fact": name, "value": raw},
                )
            )
            continue
        if service.fact(name) is None:
            continue  # a known fact this service does not use: irrelevant, not an error
        parsed = _parse_fact(raw, fdef.type, fdef.values)
        if parsed is None:
            allowed = "是/否" if fdef.type == "bool" else "、".join(fdef.values)
            out.findings.append(
                Finding(
                    code=FindingCode.UNKNOWN_FACT,
                    severity=Severity.WARNING,
                    message=f"情形“{fdef.name}”的取值“{raw}”无效（可选：{allowed}），按材料推断或默认值处理。",
                    rule_id=f"{service.code}.facts.{name}",
                    params={"fact": name, "value": raw},
                )
            )
            continue
        values[name] = parsed
    for use in service.facts:
        if use.id in values:
            continue
        fdef = catalogue.facts[use.id]
        inferred = _infer(use, fdef.type, fdef.values, documents)
        if inferred is not None:
            values[use.id] = inferred
            out.assumptions.append(
                f"申请未说明“{fdef.name}”，根据所交材料推断为“{_show_fact(inferred)}”。"
            )
            continue
        default = use.default if fdef.type == "bool" else frozenset([use.default])
        values[use.id] = default
        out.assumptions.append(
            f"申请未说明“{fdef.name}”，材料中也无法看出，按默认“{_show_fact(default)}”处理"
            f"{'（' + use.note + '）' if use.note else ''}。"
        )
    return values


def _parse_fact(raw: Any, kind: str, allowed: list[str]) -> Any:
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "是", "yes", "1"):
            return True
        if isinstance(raw, str) and raw.strip().lower() in ("false", "否", "no", "0"):
            return False
        return None
    items = raw if isinstance(raw, list) else [raw]
    if not items or not all(isinstance(i, str) and i in allowed for i in items):
        return None
    return frozenset(items)


def _infer(use: FactUse, kind: str, allowed: list[str], documents: Sequence[Document]) -> Any:
    rule = use.infer
    if rule is None:
        return None
    if rule.document:
        present = any(d.type in rule.document for d in documents)
        if kind == "bool":
            return True if present else None
        return None
    paths = rule.field or rule.field_present or []
    found: list[Any] = []
    for path in paths:
        doctype, _, name = path.partition(".")
        for doc in documents:
            if doc.type == doctype and doc.value(name) not in (None, "", []):
                found.append(doc.value(name))
    if rule.field_present:
        return True if found else None
    if not found:
        return None
    if kind == "bool":
        parsed = _parse_fact(found[0], "bool", [])
        return parsed
    values = frozenset(v for v in (str(f).strip() for f in found) if v in allowed)
    return values or None


def _show_fact(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (set, frozenset)):
        return "、".join(sorted(value))
    return str(value)


# ------------------------------------------------------------------ persons


def person_ids(application: Application, documents: Sequence[Document]) -> set[str]:
    """Whose records may confirm a material: the applicant's ID, else IDs on the documents."""
    if application.applicant.id_number:
        return {application.applicant.id_number.strip().upper()}
    ids: set[str] = set()
    for doc in documents:
        for name in ID_FIELDS:
            value = doc.value(name)
            if isinstance(value, str) and len(value) == 18:
                ids.add(value.upper())
    return ids


def person_records(
    application: Application, documents: Sequence[Document], records: Sequence[Record]
) -> list[Record]:
    ids = person_ids(application, documents)
    return [r for r in records if r.id_number.strip().upper() in ids]


def _doc_identity(doc: Document) -> tuple[str | None, str | None]:
    ident = next((doc.value(n) for n in ID_FIELDS if isinstance(doc.value(n), str)), None)
    name = next((doc.value(n) for n in NAME_FIELDS if isinstance(doc.value(n), str)), None)
    return (str(ident).upper() if ident else None), (str(name) if name else None)


def _compatible(mat: Material, doc: Document, application: Application) -> bool:
    """Does the document belong to the person this material is about?"""
    if mat.subject in ("any", "entity"):
        return True
    ident, name = _doc_identity(doc)
    want_id = (application.applicant.id_number or "").upper() or None
    want_name = application.applicant.name
    if want_id and ident:
        same = ident == want_id
    elif want_name and name:
        same = name == want_name
    else:
        return True
    return same if mat.subject == "applicant" else not same


# ------------------------------------------------------------------ allocation


def _matches(mat: Material, doc: Document) -> bool:
    """A document showing a `match` field must show the material's value (住院 vs 门诊)."""
    for key, want in mat.match.items():
        value = doc.value(key)
        if value not in (None, "") and not cond_lang._same(value, want):
            return False
    return True


def _applies(mat: Material, ctx: cond_lang.Context) -> bool:
    return mat.when is None or cond_lang.evaluate(mat.when, ctx).value is True


def _open_alternatives(mat: Material, ctx: cond_lang.Context) -> list[Alternative]:
    return [
        alt
        for alt in mat.alternatives()
        if alt.when is None or cond_lang.evaluate(alt.when, ctx).value is True
    ]


def allocate(
    materials: Sequence[Material],
    documents: Sequence[Document],
    application: Application,
    ctx: cond_lang.Context,
) -> dict[str, list[str]]:
    """material id → doc ids. Each document serves one material.

    Pass 1 gives each material documents of its own person (subject); pass 2 fills
    what is still open with any document of an accepted type; extra documents of an
    accepted type (a second invoice) join the first material that took that type.
    """
    taken: set[str] = set()
    out: dict[str, list[str]] = {m.id: [] for m in materials}
    order = sorted(materials, key=lambda m: len(m.doc_types()))
    for strict in (True, False):
        for mat in order:
            if out[mat.id]:
                continue
            for alt in _open_alternatives(mat, ctx):
                picks: list[str] = []
                for part in alt.parts():
                    doc = next(
                        (
                            d
                            for d in documents
                            if d.type in part.accepts
                            and d.doc_id not in taken
                            and d.doc_id not in picks
                            and _matches(mat, d)
                            and (not strict or _compatible(mat, d, application))
                        ),
                        None,
                    )
                    if doc is None:
                        break
                    picks.append(doc.doc_id)
                else:
                    out[mat.id] = picks
                    taken.update(picks)
                    break
    for doc in documents:
        if doc.doc_id in taken:
            continue
        for mat in materials:
            types = {t for alt in _open_alternatives(mat, ctx) for t in alt.doc_types()}
            if (
                out[mat.id]
                and doc.type in types
                and _matches(mat, doc)
                and _compatible(mat, doc, application)
            ):
                out[mat.id].append(doc.doc_id)
                taken.add(doc.doc_id)
                break
    return out


# ------------------------------------------------------------------ materials


def _judge_material(
    service: Service,
    mat: Material,
    applies: bool,
    allocation: dict[str, list[str]],
    documents: Sequence[Document],
    person: Sequence[Record],
    application: Application,
    ctx: cond_lang.Context,
    out: RuleEvaluation,
    catalogue: Catalogue | None = None,
) -> MaterialResult:
    rule_id = f"{service.code}.{mat.id}"
    basis = mat.basis or service.materials_basis or service.basis[0]
    by_id = {d.doc_id: d for d in documents}

    def result(
        status: MaterialStatus, docs: Sequence[Document] = (), note: str | None = None
    ) -> MaterialResult:
        files = tuple(dict.fromkeys(d.file for d in docs))
        return MaterialResult(
            material=mat.name,
            status=status,
            documents=files,
            material_id=mat.id,
            rule_id=rule_id,
            note=note,
        )

    if not applies:
        return result(MaterialStatus.NOT_REQUIRED, note="本情形不需要")
    if not mat.upload:
        return result(MaterialStatus.NOT_REQUIRED, note=mat.note or "无需上传")
    docs = [by_id[i] for i in allocation.get(mat.id, [])]
    if docs:
        if mat.form == "original":
            for doc in docs:
                if doc.is_copy:
                    out.findings.append(
                        Finding(
                            code=FindingCode.COPY_NOT_ORIGINAL,
                            severity=Severity.WARNING,
                            message=f"《{_bare(mat.name)}》应提交原件，“{doc.file}”看起来是复印件，请提交原件或原件扫描件，窗口办理时携带原件核验。",
                            material=mat.name,
                            document=doc.doc_id,
                            evidence=(
                                Evidence(file=doc.file, page=doc.pages[0] if doc.pages else None),
                            ),
                            basis=basis,
                            rule_id=rule_id,
                        )
                    )
        return result(MaterialStatus.SATISFIED, docs)
    if mat.commitment:
        letters = [d for d in documents if d.type in mat.commitment.accepts]
        if letters:
            out.findings.append(
                Finding(
                    code=FindingCode.MATERIAL_WAIVED,
                    severity=Severity.INFO,
                    message=f"《{_bare(mat.name)}》以承诺书代替（告知承诺制），经办机构将核查承诺内容。",
                    material=mat.name,
                    document=letters[0].doc_id,
                    evidence=(
                        Evidence(
                            file=letters[0].file,
                            page=letters[0].pages[0] if letters[0].pages else None,
                        ),
                    ),
                    basis="《人力资源社会保障部办公厅关于印发〈人力资源社会保障系统开展证明事项告知承诺制试点工作实施方案〉的通知》（人社厅发〔2019〕71号）",
                    rule_id=rule_id,
                    params={"substitution": "commitment"},
                )
            )
            return result(MaterialStatus.SATISFIED, letters, note="以承诺书代替")
    waiver_note = ""
    if mat.waiver:
        confirmed, refused = _waiver_record(mat, person, catalogue)
        if confirmed is not None:
            label = record_label(confirmed.kind, catalogue)
            number = confirmed.fields.get("document_number")
            ref = f"，文号 {number}" if number else ""
            how = "通过共享数据获得" if mat.waiver.source == "shared_data" else "经内部核查确认"
            out.findings.append(
                Finding(
                    code=FindingCode.MATERIAL_WAIVED,
                    severity=Severity.WARNING,
                    message=f"未提交《{_bare(mat.name)}》，已{how}（{label}{ref}），按容缺受理。",
                    material=mat.name,
                    basis=basis,
                    rule_id=rule_id,
                    params={"record_kind": confirmed.kind, "record_id_number": confirmed.id_number},
                )
            )
            return result(MaterialStatus.WAIVED, note=f"{how}：{label}{ref}")
        if refused:
            waiver_note = f"内部记录显示{refused}，无法容缺，须提供。"
        elif not person_ids(application, documents):
            waiver_note = "未提供申请人身份证号码，无法进行内部核查，须提供。"
        elif mat.waiver.source == "shared_data":
            waiver_note = "未能通过共享数据获得（无该人员的相关信息），须提供。"
        else:
            waiver_note = "内部核查未能确认（无该人员的相关记录），须提供。"
    if not mat.required:
        return result(MaterialStatus.NOT_REQUIRED, note="未提供（如有请提供）")
    alternatives = _open_alternatives(mat, ctx)
    options = ""
    if mat.one_of:
        options = (
            "可提供以下材料之一："
            + "；".join(a.name for a in alternatives or mat.alternatives())
            + "。"
        )
    partial = _partial_parts(mat, documents)
    if mat.commitment:
        options += "也可签署承诺书代替（告知承诺制）。"
    out.findings.append(
        Finding(
            code=FindingCode.MISSING_MATERIAL,
            severity=Severity.ERROR,
            message=f"缺少材料：《{_bare(mat.name)}》。{options}{partial}{waiver_note}".rstrip(),
            material=mat.name,
            basis=basis,
            rule_id=rule_id,
            params={"material_id": mat.id, "accepts": mat.doc_types()},
        )
    )
    return result(MaterialStatus.MISSING, note=waiver_note or None)


def _partial_parts(mat: Material, documents: Sequence[Document]) -> str:
    """For an all_of alternative half given (承诺书 without the bank card), say what is left."""
    present = {d.type for d in documents}
    for alt in mat.alternatives():
        parts = alt.parts()
        if len(parts) < 2:
            continue
        have = [p for p in parts if present & set(p.accepts)]
        if have and len(have) < len(parts):
            lacking = "、".join(p.name for p in parts if p not in have)
            return f"已提交{'、'.join(p.name for p in have)}，还缺{lacking}。"
    return ""


def record_label(kind: str, catalogue: Catalogue | None = None) -> str:
    """Chinese name of an internal-record kind: the fixed labels, then the catalogue's registry."""
    if kind in RECORD_LABELS:
        return RECORD_LABELS[kind]
    if catalogue is not None:
        if kind in catalogue.record_kinds:
            return catalogue.record_kinds[kind]
        for doctype in catalogue.doctypes.values():
            if kind in doctype.record_kinds:
                return f"{doctype.name}共享信息"
    return kind


def _waiver_record(
    mat: Material, person: Sequence[Record], catalogue: Catalogue | None = None
) -> tuple[Record | None, str]:
    """The record that confirms the waiver, or what the records showed instead."""
    if mat.waiver is None:
        return None, ""
    refused = ""
    for rec in person:
        if rec.kind not in mat.waiver.records:
            continue
        bad = [
            k for k, v in mat.waiver.require.items() if not cond_lang._same(rec.fields.get(k), v)
        ]
        if not bad:
            return rec, ""
        label = record_label(rec.kind, catalogue)
        refused = f"{label}不满足要求（{'、'.join(bad)}）"
    return None, refused


def _bare(name: str) -> str:
    return name.strip("《》")


# ------------------------------------------------------------------ conditions


def _judge_conditions(
    service: Service,
    ctx: cond_lang.Context,
    results: dict[str, MaterialResult],
    catalogue: Catalogue,
    out: RuleEvaluation,
) -> None:
    for cond in service.conditions:
        rule_id = f"{service.code}.{cond.id}"
        basis = cond.basis or service.basis[0]
        if cond.when is not None:
            applies = cond_lang.evaluate(cond.when, ctx)
            if applies.value is False:
                continue
            if applies.value is None:
                out.clerk_checks.append(f"{cond.text}（是否适用无法从材料判断）")
                continue
        outcome = cond_lang.evaluate(cond.check, ctx)
        if outcome.value is True:
            continue
        if outcome.value is False:
            where = "、".join(dict.fromkeys(s.describe() for s in outcome.sources if s.describe()))
            shown = "；".join(f"{s.field_name}={s.value}" for s in outcome.sources if s.field_name)
            message = cond.message or f"不符合受理条件：{cond.text}"
            detail = f"（{where}{'：' + shown if shown else ''}）" if where else ""
            material = service.material(cond.material) if cond.material else None
            out.findings.append(
                Finding(
                    code=FindingCode.CONDITION_NOT_MET,
                    severity=Severity.ERROR,
                    message=f"{message}{detail}",
                    material=material.name if material else None,
                    document=next((s.document.doc_id for s in outcome.sources if s.document), None),
                    field=next((s.field_name for s in outcome.sources if s.field_name), None),
                    evidence=outcome.evidence(),
                    basis=basis,
                    rule_id=rule_id,
                    uncertain=outcome.uncertain,
                    params={"condition": cond.id},
                )
            )
            if material and results[material.id].status == MaterialStatus.SATISFIED:
                results[material.id] = results[material.id].model_copy(
                    update={"status": MaterialStatus.INVALID, "note": message}
                )
            continue
        # unknown: nothing to test. If a document that should show it is present, say so.
        types = {c.field.split(".")[0] for c in cond.check.walk() if c.field}
        shown_by = [d for d in ctx.documents if d.type in types]
        out.clerk_checks.append(f"{cond.text}（材料中未能读取，请人工核对）")
        if shown_by:
            out.findings.append(
                Finding(
                    code=FindingCode.CLERK_CHECK,
                    severity=Severity.WARNING,
                    message=f"未能从材料中读取判断“{cond.text}”所需的内容，请人工核对。",
                    document=shown_by[0].doc_id,
                    evidence=tuple(
                        Evidence(file=d.file, page=d.pages[0] if d.pages else None)
                        for d in shown_by
                    ),
                    basis=basis,
                    rule_id=rule_id,
                    uncertain=True,
                    params={"condition": cond.id},
                )
            )


# ------------------------------------------------------------------ documents & routing


def _unused_documents(
    service: Service,
    documents: Sequence[Document],
    used: set[str],
    ctx: cond_lang.Context,
    catalogue: Catalogue,
    out: RuleEvaluation,
) -> None:
    cond_types = {c.field.split(".")[0] for c in service.all_conditions() if c.field}
    for doc in documents:
        if doc.doc_id in used or doc.type == "unknown" or doc.type in cond_types:
            continue
        out.findings.append(
            Finding(
                code=FindingCode.UNUSED_DOCUMENT,
                severity=Severity.INFO,
                message=f"“{doc.file}”（{catalogue.doctype_name(doc.type)}）不是“{service.name}”在当前情形下所需的材料。",
                document=doc.doc_id,
                evidence=(Evidence(file=doc.file, page=doc.pages[0] if doc.pages else None),),
                rule_id=f"{service.code}.documents",
            )
        )


def _service_types(service: Service) -> set[str]:
    types: set[str] = set()
    for mat in service.materials:
        types.update(mat.doc_types())
    for cond in service.all_conditions():
        if cond.field:
            types.add(cond.field.split(".")[0])
    return types


def _foreign_types(
    service: Service, documents: Sequence[Document], catalogue: Catalogue
) -> set[str]:
    generic = {t for t, d in catalogue.doctypes.items() if d.generic}
    uploaded = {d.type for d in documents} - generic
    return uploaded - _service_types(service)


def route(
    service: Service,
    documents: Sequence[Document],
    application: Application,
    catalogue: Catalogue,
    limit: int = 3,
) -> list[Service]:
    """Services the uploaded (distinctive) documents fit better than the one asked for."""
    generic = {t for t, d in catalogue.doctypes.items() if d.generic}
    uploaded = {d.type for d in documents} - generic
    foreign = _foreign_types(service, documents, catalogue)
    if not foreign:
        return []
    own_cover = len(uploaded & _service_types(service))
    present = {d.type for d in documents}
    scored: list[tuple[int, int, float, str, Service]] = []
    jurisdiction = (
        application.jurisdiction if application.jurisdiction in JURISDICTIONS else PROVINCE
    )
    for other in catalogue.view(jurisdiction, application.submitted_at):
        if other.code == service.code or other.office != service.office:
            continue
        types = _service_types(other)
        if not (foreign & types):
            continue
        cover = len(uploaded & types)
        if cover <= own_cover:
            continue
        same_category = 1 if other.category == service.category else 0
        scored.append((cover, same_category, _share_met(other, present), other.code, other))
    if not scored:
        return []
    scored.sort(key=lambda t: (-t[0], -t[1], -t[2], t[3]))
    best = scored[0][0]
    return [t[4] for t in scored if t[0] == best][:limit]


def _share_met(service: Service, present: set[str]) -> float:
    """Share of the service's unconditional required materials the uploaded types could meet."""
    core = [m for m in service.materials if m.upload and m.required and m.when is None]
    if not core:
        return 0.0
    return sum(1 for m in core if present & set(m.doc_types())) / len(core)
