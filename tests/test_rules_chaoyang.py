"""The 朝阳市 layer: every city-guide entry resolves in 朝阳市, refinements inherit and
override the provincial service, split entries and other offices behave as documented."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import AmbiguousService, RulesError
from rules.catalogue import RULES_ROOT, load_catalogue, normalise
from rules.cli import summary
from rules.tools import extract_guide as guide
from tests.conftest import ROOT

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
HAVE_GUIDE = (SEEDS / guide.CITY_FILE).is_file()
CITY_ENTRIES = (
    guide.city_entries((SEEDS / guide.CITY_FILE).read_text(encoding="utf-8")) if HAVE_GUIDE else []
)
CAT = load_catalogue()
DAY = dt.date(2026, 5, 1)
CITY = "朝阳市"
LAYER = RULES_ROOT / "chaoyang"


def city_services():
    return [s for s in CAT.view(CITY, DAY) if s.jurisdiction == CITY]


def _resolve_anywhere(query: str, category: str):
    """Resolve in 朝阳市 at the 经办机构; a service of another office comes back out of scope.

    A bare name several sections share (参保单位注销, 个人权益记录查询打印, and the two
    互转申请—转入 entries the city guide titles alike) is ambiguous by design: the error
    lists the city entry, and “分类/名称” picks it.
    """
    try:
        return CAT.resolve(query, jurisdiction=CITY, office="经办机构", on_date=DAY)
    except AmbiguousService as err:
        wanted = f"{category}/{query}"
        r = CAT.resolve(wanted, jurisdiction=CITY, office="经办机构", on_date=DAY)
        assert (r.service or r.matched).code in err.context["candidates"], wanted
        return r


# ------------------------------------------------------------------ the guide, entry by entry


@pytest.mark.skipif(not HAVE_GUIDE, reason="Chaoyang guide not found under ../shared/seeds")
@pytest.mark.parametrize(
    "entry", CITY_ENTRIES, ids=[f"{e.line}-{e.name}" for e in CITY_ENTRIES] or None
)
def test_every_city_entry_resolves_by_title_and_short_name(entry):
    own = [s for s in city_services() if s.source == f"{guide.CITY_FILE}:{entry.line}"]
    assert len(own) == 1, entry.name
    for query in [entry.name] + ([entry.alias] if entry.alias else []):
        r = _resolve_anywhere(query, own[0].category)
        svc = r.service or r.matched
        assert svc is not None, f"{query}: {r.reason}"
        assert svc.jurisdiction == CITY and svc.source == f"{guide.CITY_FILE}:{entry.line}", (
            query,
            svc.code,
            svc.source,
        )
        if r.service is None:  # handled by another office: redirect with the city's address/phone
            assert svc.office != "经办机构"
            assert r.redirect and r.redirect.address and r.redirect.phone, query
        if entry.alias:
            assert normalise(entry.alias) in {normalise(a) for a in svc.aliases} | {
                normalise(svc.name)
            }


@pytest.mark.skipif(not HAVE_GUIDE, reason="Chaoyang guide not found under ../shared/seeds")
def test_one_city_service_per_guide_entry():
    sources = [s.source for s in city_services()]
    assert len(sources) == len(set(sources)) == len(CITY_ENTRIES) >= 80


def test_every_city_service_says_where_to_go():
    for svc in city_services():
        assert svc.location and svc.location.address, svc.code
        assert (
            "朝阳" in svc.location.address
            or "社保代办处" in svc.location.address
            or ("县级社保经办机构" in svc.location.address)
        ), svc.code
        assert svc.deadlines.promised, svc.code


def test_layer_files_are_named_by_code():
    for path in LAYER.glob("*.yaml"):
        svc = next((s for s in city_services() if CAT.path_of(s) == path), None)
        assert svc is not None and svc.code == path.stem, path.name


# ------------------------------------------------------------------ refinements


def test_refinement_inherits_and_overrides_the_provincial_service():
    city = CAT.get("gs_medical_expense", CITY, DAY)
    province = CAT.get("gs_medical_expense", "辽宁省", DAY)
    assert city.refines == "gs_medical_expense" and city.jurisdiction == CITY
    assert city.ref().jurisdiction == CITY
    assert city.location.phone == "0421-2638895" and city.deadlines.promised == "30个工作日"
    assert city.deadlines.statutory == province.deadlines.statutory  # the city gives 办理时限 only
    city_ids = [m.id for m in city.materials]
    assert "outpatient_exam_report" in city_ids and "lost_invoice_commitment" in city_ids
    assert set(m.id for m in province.materials) <= set(city_ids)
    assert "outpatient_exam_report" not in [m.id for m in province.materials]
    assert city.material("decision").waiver is not None  # 内部核查能够确认的可容缺
    assert "invoice_lost" in {f.id for f in city.facts}
    assert province.basis == city.basis[: len(province.basis)]


def test_refinement_can_drop_provincial_facts():
    city = CAT.get("gs_benefit_change", CITY, DAY)
    facts = {f.id for f in city.facts}
    assert "benefit_change_type" not in facts and "injury_benefit_change_case" in facts
    assert "benefit_change_type" in {
        f.id for f in CAT.get("gs_benefit_change", "辽宁省", DAY).facts
    }


def test_application_in_chaoyang_resolves_to_the_city_refinement():
    r = CAT.resolve("工伤医疗费用申报", jurisdiction=CITY, office="经办机构", on_date=DAY)
    assert (
        r.service and r.service.jurisdiction == CITY and r.service.refines == "gs_medical_expense"
    )
    r = CAT.resolve("工伤医疗费用申报", jurisdiction="辽宁省", office="经办机构", on_date=DAY)
    assert r.service and r.service.jurisdiction == "辽宁省" and r.service.refines is None


def test_city_office_move_redirects_from_the_agency():
    """旧伤复发申请确认 is confirmed by the 劳动能力鉴定委员会 in 朝阳市 (guide phone 2638819)."""
    r = CAT.resolve("旧伤复发申请确认", jurisdiction=CITY, office="经办机构", on_date=DAY)
    assert r.service is None and r.matched and r.matched.code == "gs_recurrence"
    assert r.redirect.phone == "0421-2638819" and "鉴定" in r.redirect.office
    r = CAT.resolve("旧伤复发申请确认", jurisdiction=CITY, office="劳动能力鉴定委员会", on_date=DAY)
    assert r.service and r.service.code == "gs_recurrence"
    province = CAT.resolve(
        "旧伤复发申请确认", jurisdiction="辽宁省", office="经办机构", on_date=DAY
    )
    assert province.service and province.service.office == "经办机构"


@pytest.mark.parametrize(
    ("query", "office", "phone"),
    [
        ("工伤认定申请", "社会保险行政部门", "0421-2638811"),
        ("工伤认定申请延期", "社会保险行政部门", "0421-2638811"),
        ("工伤预防项目申报", "社会保险行政部门", "0421-2638811"),
        ("劳动能力鉴定申请", "劳动能力鉴定委员会", "0421-2638819"),
        ("劳动能力复查鉴定申请", "劳动能力鉴定委员会", "0421-2638819"),
        ("停工留薪期确认和延长确认", "劳动能力鉴定委员会", "0421-2638819"),
        ("辅助器具配置", "劳动能力鉴定委员会", "0421-2638819"),
    ],
)
def test_other_office_matters_are_out_of_scope_at_the_agency(query, office, phone):
    r = CAT.resolve(query, jurisdiction=CITY, office="经办机构", on_date=DAY)
    assert r.service is None and "职权范围" in (r.reason or "")
    assert r.redirect and r.redirect.phone == phone and "朝阳" in (r.redirect.address or "")
    at_office = CAT.resolve(query, jurisdiction=CITY, office=office, on_date=DAY)
    assert at_office.service and at_office.service.office == office


# ------------------------------------------------------------------ split refinements


def _layer_root(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(
        RULES_ROOT, root, ignore=shutil.ignore_patterns("__pycache__", "*.py", "cases", "chaoyang")
    )
    (root / "chaoyang").mkdir()
    for name, text in files.items():
        (root / "chaoyang" / name).write_text(text, encoding="utf-8")
    return root


def split_entry(code: str, name: str, line: int) -> str:
    """A layer entry refining gs_referral under its own code and city title."""
    return (
        f"refines: gs_referral\ncode: {code}\nname: {name}\n"
        f"location: {{address: 朝阳市{name}, phone: '{line}'}}\n"
        f"source: 001_d47992442c49cdc2.txt:{line}\n"
    )


@pytest.mark.parametrize(
    ("code_a", "code_b"),
    [("gs_referral", "gs_referral_b"), ("gs_referral_z", "gs_referral"), ("gs_ref_a", "gs_ref_b")],
    ids=["first-keeps-code", "second-keeps-code", "both-new-codes"],
)
def test_two_entries_refining_one_service_both_stay(tmp_path, code_a, code_b):
    root = _layer_root(
        tmp_path,
        {
            f"{code_a}.yaml": split_entry(code_a, "转诊转院甲", 1),
            f"{code_b}.yaml": split_entry(code_b, "转诊转院乙", 2),
        },
    )
    cat = load_catalogue(root)
    city = {s.code: s for s in cat.view(CITY, DAY) if s.jurisdiction == CITY}
    assert set(city) == {code_a, code_b}
    assert {s.refines for s in city.values()} == {"gs_referral"}
    assert "gs_referral" in {s.code for s in cat.view("辽宁省", DAY)}
    # the provincial name is now ambiguous in the city and lists both entries
    with pytest.raises(AmbiguousService) as err:
        cat.resolve("转诊转院申请确认", jurisdiction=CITY, on_date=DAY)
    assert set(err.value.context["candidates"]) == {code_a, code_b}
    assert cat.resolve("转诊转院乙", jurisdiction=CITY, on_date=DAY).service.code == code_b


def test_split_provincial_code_in_the_city_lists_the_entries(tmp_path):
    root = _layer_root(
        tmp_path,
        {
            "gs_ref_a.yaml": split_entry("gs_ref_a", "转诊转院甲", 1),
            "gs_ref_b.yaml": split_entry("gs_ref_b", "转诊转院乙", 2),
        },
    )
    cat = load_catalogue(root)
    with pytest.raises(AmbiguousService) as err:
        cat.resolve("gs_referral", jurisdiction=CITY, on_date=DAY)
    assert set(err.value.context["candidates"]) == {"gs_ref_a", "gs_ref_b"}
    assert cat.resolve("gs_referral", jurisdiction="辽宁省", on_date=DAY).service is not None


def test_removing_an_unknown_fact_names_the_file(tmp_path):
    root = _layer_root(
        tmp_path, {"gs_referral.yaml": "refines: gs_referral\nremove_facts: [no_such_fact]\n"}
    )
    with pytest.raises(RulesError, match="gs_referral.yaml"):
        load_catalogue(root)


def test_real_split_entries_each_have_their_own_code():
    codes = {s.code for s in city_services() if s.refines == "gs_referral"}
    assert codes == {"gs_referral"}
    splits = [s for s in city_services() if s.refines and s.code != s.refines]
    assert splits, "the city guide splits transfer services into 转入 / 转出 entries"
    for svc in splits:
        assert svc.code.startswith(svc.refines + "_"), svc.code
        assert svc.refines not in {s.code for s in city_services()}, svc.refines


# ------------------------------------------------------------------ listing (CONTRACTS §2)


def test_listing_shows_city_entries_with_short_names():
    items = [summary(s, CAT) for s in CAT.all_entries(DAY) if s.jurisdiction == CITY]
    assert len(items) >= 80
    by_code = {i["code"]: i for i in items}
    med = by_code["gs_medical_expense"]
    assert med["jurisdiction"] == CITY and "工伤医疗费用申报" in med["aliases"]
    assert med["refines"] == "gs_medical_expense" and med["file"].endswith(
        "chaoyang/gs_medical_expense.yaml"
    )
    assert by_code["cy_injury_recognition"]["office"] == "社会保险行政部门"
    assert "灵活就业参保" in by_code["cy_flexible_registration"]["aliases"]


# ------------------------------------------------------------------ as a user runs it


def intake(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_verify_a_chaoyang_application_handled_by_another_office(tmp_path):
    """工伤认定 asked at the Chaoyang agency: out_of_scope, redirect from the city guide."""
    bundle = tmp_path / "recognition"
    bundle.mkdir()
    (bundle / "application.json").write_text(
        json.dumps(
            {
                "service": "工伤认定申请",
                "jurisdiction": "朝阳市",
                "applicant": {"name": "李四", "id_number": "210102198503124518"},
                "submitted_at": "2026-05-01",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = intake("verify", str(bundle), "--json")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "out_of_scope"
    assert verdict["redirect"]["phone"] == "0421-2638811"
    assert "朝阳" in verdict["redirect"]["address"]


def test_show_by_short_name_in_chaoyang():
    result = intake("services", "show", "转诊转院备案", "--jurisdiction", "朝阳市", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["code"], data["jurisdiction"], data["refines"]) == (
        "gs_referral",
        "朝阳市",
        "gs_referral",
    )
    assert data["name"] == "工伤转外就医备案" and data["location"]["phone"] == "0421-2638895"
