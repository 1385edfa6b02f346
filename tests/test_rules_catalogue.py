"""Loading, checking, resolving and versioning the catalogue."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.errors import AmbiguousService, RulesError, UnknownService
from rules.catalogue import RULES_ROOT, compute_version, load_catalogue, service_problems
from rules.diff import diff_catalogues

CAT = load_catalogue()
DAY = dt.date(2026, 5, 1)


def copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(
        RULES_ROOT,
        root,
        ignore=shutil.ignore_patterns("*.py", "__pycache__", "cases", "tools", "*.md"),
    )
    return root


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ------------------------------------------------------------------ references


@pytest.mark.parametrize("svc", CAT.all_entries(DAY), ids=lambda s: f"{s.jurisdiction}:{s.code}")
def test_every_document_type_field_fact_and_office_named_exists(svc):
    assert service_problems(svc, CAT) == []
    for mat in svc.materials:
        for t in mat.doc_types():
            assert t in CAT.doctypes, t
    for cond in svc.all_conditions():
        if cond.field:
            doctype, name = cond.field.split(".")
            assert name in CAT.doctypes[doctype].fields
        if cond.fact:
            assert cond.fact in CAT.facts and svc.fact(cond.fact) is not None
    for use in svc.facts:
        assert use.id in CAT.facts
    assert svc.office in CAT.offices.offices
    assert svc.basis and all(b.startswith("《") for b in svc.basis)


def test_contract_document_types_are_registered():
    contract = (
        "death_certificate cremation_certificate labour_contract contract_termination injury_decision "
        "medical_invoice expense_list vat_invoice transport_ticket appraisal_conclusion id_card "
        "social_security_card bank_card household_register marriage_certificate commitment_letter "
        "power_of_attorney medical_record unknown"
    ).split()
    assert set(contract) <= set(CAT.doctypes)
    assert {"death_date", "id_number"} <= set(CAT.doctypes["death_certificate"].fields)
    assert "is_work_injury" in CAT.doctypes["injury_decision"].fields


# ------------------------------------------------------------------ load errors


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["materials"][0].update(accepts=["no_such_type"]), "no_such_type"),
        (lambda d: d["materials"][0].pop("accepts"), "materials[0](decision)"),
        (lambda d: d.update(code="Bad Code"), "code"),
        (lambda d: d["conditions"][0]["check"].update(field="injury_decision.colour"), "colour"),
        (lambda d: d["facts"].append({"id": "moon_phase", "default": False}), "moon_phase"),
    ],
    ids=[
        "unknown-key",
        "unknown-doctype",
        "material-without-accepts",
        "bad-code",
        "unknown-field",
        "unknown-fact",
    ],
)
def test_invalid_service_file_names_file_and_field(tmp_path, change, expected):
    root = copy_rules(tmp_path)
    path = root / "services" / "work_injury" / "gs_medical_expense.yaml"
    edit(path, change)
    with pytest.raises(RulesError) as err:
        load_catalogue(root)
    message = str(err.value)
    assert "gs_medical_expense.yaml" in message and expected in message


def test_broken_yaml_is_a_rules_error(tmp_path):
    root = copy_rules(tmp_path)
    (root / "services" / "work_injury" / "gs_medical_expense.yaml").write_text("code: [unclosed\n")
    with pytest.raises(RulesError, match="YAML"):
        load_catalogue(root)


# ------------------------------------------------------------------ resolve


@pytest.mark.parametrize(
    "query",
    [
        "gs_medical_expense",
        "工伤医疗（康复）费用申报",
        "工伤医疗(康复)费用申报",
        "工伤保险/工伤医疗（康复）费用申报",
        "工伤医疗费用申报",
    ],
    ids=["code", "name", "halfwidth-brackets", "category-slash-name", "alias"],
)
def test_resolve_finds_the_service(query):
    r = CAT.resolve(query, jurisdiction="辽宁省", office="经办机构", on_date=DAY)
    assert r.service is not None and r.service.code == "gs_medical_expense"
    ref = r.service.ref()
    assert (ref.code, ref.category, ref.jurisdiction) == (
        "gs_medical_expense",
        "工伤保险",
        "辽宁省",
    )


def test_toc_spelling_resolves_death_benefits():
    r = CAT.resolve("一次性工亡补助金(含生活困难, 预支 50%确认)、丧葬补助金申领", on_date=DAY)
    assert r.service and r.service.code == "gs_death_benefits"


@pytest.mark.parametrize(
    ("query", "office", "redirect_office"),
    [
        ("工伤认定申请", "经办机构", "社会保险行政部门"),
        ("劳动能力鉴定", "经办机构", "劳动能力鉴定委员会"),
        ("社保卡银行账户激活", "经办机构", "发卡服务银行"),
        ("医保报销", "经办机构", "医疗保障部门"),
        ("工伤医疗（康复）费用申报", "社会保险行政部门", "社会保险经办机构"),
    ],
    ids=["injury-recognition", "appraisal", "bank-activation", "medical-insurance", "wrong-office"],
)
def test_matters_handled_elsewhere_are_out_of_scope_with_redirect(query, office, redirect_office):
    r = CAT.resolve(query, jurisdiction="辽宁省", office=office, on_date=DAY)
    assert r.service is None and r.reason and "职权范围" in (r.reason + (r.redirect.reason or ""))
    assert r.redirect is not None and redirect_office in r.redirect.office


def test_chaoyang_redirect_has_address_and_phone():
    r = CAT.resolve("工伤认定申请", jurisdiction="朝阳市", office="经办机构", on_date=DAY)
    assert (
        r.redirect and r.redirect.phone == "0421-2638811" and "朝阳" in (r.redirect.address or "")
    )


def test_unknown_name_is_out_of_scope_with_suggestions_not_an_exception():
    r = CAT.resolve("工伤医疗费报账", jurisdiction="辽宁省", office="经办机构", on_date=DAY)
    assert r.service is None and r.redirect is not None
    assert "gs_medical_expense" in (r.reason or "")


@pytest.mark.parametrize(
    ("query", "office"),
    [("", "经办机构"), ("gs_no_such_code", "经办机构"), ("工伤医疗（康复）费用申报", "火星办事处")],
    ids=["empty", "unknown-code", "unknown-office"],
)
def test_unusable_requests_raise_unknown_service(query, office):
    with pytest.raises(UnknownService):
        CAT.resolve(query, jurisdiction="辽宁省", office=office, on_date=DAY)


def test_ambiguous_bare_name_lists_candidates(tmp_path):
    root = copy_rules(tmp_path)
    src = root / "services" / "work_injury" / "gs_referral.yaml"
    dst = root / "services" / "social_security_card" / "sbk_referral_twin.yaml"
    shutil.copy(src, dst)
    edit(dst, lambda d: d.update(code="sbk_referral_twin", category="社会保障卡", aliases=[]))
    cat = load_catalogue(root)
    with pytest.raises(AmbiguousService) as err:
        cat.resolve("转诊转院申请确认", on_date=DAY)
    assert "gs_referral" in str(err.value) and "sbk_referral_twin" in str(err.value)
    assert err.value.context["candidates"] == ["gs_referral", "sbk_referral_twin"] or set(
        err.value.context["candidates"]
    ) == {"gs_referral", "sbk_referral_twin"}
    r = cat.resolve("社会保障卡/转诊转院申请确认", on_date=DAY)
    assert r.service and r.service.code == "sbk_referral_twin"


# ------------------------------------------------------------------ versions


def test_version_is_a_content_hash(tmp_path):
    root = copy_rules(tmp_path)
    before = compute_version(root)
    assert before == CAT.version
    edit(
        root / "services" / "work_injury" / "gs_referral.yaml", lambda d: d.update(tips=["新提示"])
    )
    assert compute_version(root) != before
    assert load_catalogue(root).version == compute_version(root)


def test_verdict_date_picks_the_version_in_force(tmp_path):
    root = copy_rules(tmp_path)
    old = root / "services" / "work_injury" / "gs_referral.yaml"
    new = root / "services" / "work_injury" / "gs_referral.2027.yaml"
    shutil.copy(old, new)
    edit(old, lambda d: d.update(effective_to=dt.date(2027, 1, 1)))
    edit(
        new,
        lambda d: d.update(
            effective_from=dt.date(2027, 1, 1), deadlines={"statutory": "3个工作日"}
        ),
    )
    cat = load_catalogue(root)
    assert (
        cat.resolve("gs_referral", on_date=dt.date(2026, 6, 1)).service.deadlines.statutory
        == "5个工作日"
    )
    assert (
        cat.resolve("gs_referral", on_date=dt.date(2027, 6, 1)).service.deadlines.statutory
        == "3个工作日"
    )
    # before the first version: judged under the first version
    assert cat.resolve(
        "gs_referral", on_date=dt.date(2020, 1, 1)
    ).service.effective_from == dt.date(2026, 4, 1)


def test_overlapping_versions_are_rejected(tmp_path):
    root = copy_rules(tmp_path)
    shutil.copy(
        root / "services" / "work_injury" / "gs_referral.yaml",
        root / "services" / "work_injury" / "gs_referral.b.yaml",
    )
    with pytest.raises(RulesError, match="重叠"):
        load_catalogue(root)


def test_diff_lists_changes_per_service(tmp_path):
    root = copy_rules(tmp_path)
    path = root / "services" / "work_injury" / "gs_medical_expense.yaml"

    def change(d):
        d["materials"] = [m for m in d["materials"] if m["id"] != "advance_voucher"]
        d["deadlines"]["promised"] = "15个工作日"

    edit(path, change)
    (root / "services" / "social_security_card" / "sbk_lock.yaml").unlink()
    changes = {c.key: c for c in diff_catalogues(CAT, load_catalogue(root))}
    med = changes["辽宁省:gs_medical_expense"]
    assert med.status == "changed"
    assert any("advance_voucher" in line and "删除" in line for line in med.changes)
    assert any("deadlines" in line for line in med.changes)
    assert changes["辽宁省:sbk_lock"].status == "removed"
    assert "辽宁省:gs_referral" not in changes


# ------------------------------------------------------------------ city layer


def test_chaoyang_layer_refines_and_adds(tmp_path):
    root = copy_rules(tmp_path)
    shutil.rmtree(root / "chaoyang", ignore_errors=True)  # only this test's layer files
    (root / "chaoyang").mkdir()
    (root / "chaoyang" / "gs_medical_expense.yaml").write_text(
        """
refines: gs_medical_expense
name: 工伤医疗（康复）费用申报
aliases: [工伤医疗费用申报（朝阳）]
location: {address: 朝阳市双塔区朝阳大街三段112号劳动大厦3楼, phone: 0421-2638875}
remove_materials: [advance_voucher]
add_materials:
  - {id: id_copy, name: 工伤职工身份证复印件, accepts: [id_card], subject: applicant, form: copy}
add_clerk_checks: [朝阳市：已在工伤保险协议机构就医]
source: 001_d47992442c49cdc2.txt:2717
""",
        encoding="utf-8",
    )
    (root / "chaoyang" / "cy_injury_recognition.yaml").write_text(
        """
code: cy_injury_recognition
name: 工伤认定—工伤认定申请
category: 工伤保险
jurisdiction: 朝阳市
office: 社会保险行政部门
effective_from: 2026-04-01
basis: [《工伤保险条例》第十七条]
location: {address: 朝阳市人力资源社会保障服务大厅, phone: 0421-2638811}
materials:
  - {id: form, name: 工伤认定申请表, accepts: [application_form]}
""",
        encoding="utf-8",
    )
    cat = load_catalogue(root)
    city = cat.resolve("工伤医疗费用申报（朝阳）", jurisdiction="朝阳市", on_date=DAY).service
    assert city and city.jurisdiction == "朝阳市" and city.refines == "gs_medical_expense"
    ids = [m.id for m in city.materials]
    assert "id_copy" in ids and "advance_voucher" not in ids and "decision" in ids
    assert city.ref().jurisdiction == "朝阳市" and city.location.phone == "0421-2638875"
    province = cat.resolve("gs_medical_expense", jurisdiction="辽宁省", on_date=DAY).service
    assert "id_copy" not in [m.id for m in province.materials]
    # a city matter handled by another office: out of scope at the 经办机构, redirect from the city guide
    r = cat.resolve("工伤认定—工伤认定申请", jurisdiction="朝阳市", office="经办机构", on_date=DAY)
    assert r.service is None and r.redirect.phone == "0421-2638811"
    r = cat.resolve(
        "cy_injury_recognition", jurisdiction="朝阳市", office="社会保险行政部门", on_date=DAY
    )
    assert r.service is not None
    # a city-only code asked for in the province is out of scope, not an error
    assert cat.resolve("cy_injury_recognition", jurisdiction="辽宁省", on_date=DAY).service is None
    assert {s.code for s in cat.all_entries(DAY) if s.jurisdiction == "朝阳市"} == {
        "gs_medical_expense",
        "cy_injury_recognition",
    }


def test_layer_removing_unknown_material_names_the_file(tmp_path):
    root = copy_rules(tmp_path)
    shutil.rmtree(root / "chaoyang", ignore_errors=True)
    (root / "chaoyang").mkdir()
    (root / "chaoyang" / "gs_referral.yaml").write_text(
        "refines: gs_referral\nremove_materials: [nonexistent]\n", encoding="utf-8"
    )
    with pytest.raises(RulesError, match="gs_referral.yaml"):
        load_catalogue(root)
