"""`intake services`, `intake services show`, `intake rules diff` as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT


def intake(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_services_json_lists_every_service_with_contract_keys():
    result = intake("services", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert len(items) >= 33
    for item in items:
        assert {"code", "name", "category", "jurisdiction", "office", "aliases"} <= set(item)
    codes = {i["code"] for i in items}
    assert {"gs_medical_expense", "gs_death_benefits", "sbk_apply"} <= codes
    med = next(i for i in items if i["code"] == "gs_medical_expense")
    assert med["name"] == "工伤医疗（康复）费用申报" and med["category"] == "工伤保险"
    assert "工伤医疗费用申报" in med["aliases"]


def test_services_table_is_chinese():
    result = intake("services")
    assert result.returncode == 0, result.stderr
    assert "办理事项目录" in result.stdout and "gs_medical_expense" in result.stdout


def test_show_death_benefits_has_one_group_of_death_proofs_and_waivable_decision():
    result = intake("services", "show", "gs_death_benefits", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["name"] == "一次性工亡补助金（含生活困难，预支50%确认）、丧葬补助金申领"
    mats = {m["id"]: m for m in data["materials"]}
    death = mats["death_proof"]
    assert [a["id"] for a in death["one_of"]] == [
        "death_certificate", "cremation_certificate", "funeral_certificate",
        "household_cancellation", "court_declaration", "overseas_certificate",
    ]  # fmt: skip
    assert "6选1" in death["requirement"]
    decision = mats["decision"]
    assert (
        decision["waiver"]["records"] == ["injury_decision"] and "可容缺" in decision["requirement"]
    )
    assert data["basis"] and data["deadlines"]["statutory"] == "20个工作日"
    assert {f["id"] for f in data["facts"]} == {"death_case"}

    text = intake("services", "show", "gs_death_benefits")
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert "以下材料之一" in out and "火化证明" in out and "殓葬证" in out
    assert "可容缺" in out and "认定工伤决定书" in out and "文件依据" in out


@pytest.mark.parametrize(
    "query",
    ["工伤医疗（康复）费用申报", "工伤保险/工伤医疗（康复）费用申报"],
    ids=["name", "category-name"],
)
def test_show_accepts_names(query):
    result = intake("services", "show", query, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["code"] == "gs_medical_expense"


def test_show_unknown_service_exits_2_with_suggestion():
    result = intake("services", "show", "工伤医疗费报账")
    assert result.returncode == 2
    assert "gs_medical_expense" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_rules_diff_between_directories(tmp_path):
    old = tmp_path / "old"
    new = tmp_path / "new"
    ignore = shutil.ignore_patterns("*.py", "__pycache__", "cases", "tools", "*.md")
    shutil.copytree(ROOT / "rules", old, ignore=ignore)
    shutil.copytree(ROOT / "rules", new, ignore=ignore)
    path = new / "services" / "work_injury" / "gs_referral.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["deadlines"]["promised"] = "2个工作日"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = intake("rules", "diff", str(old), str(new), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["old_version"] != report["new_version"]
    assert [s["service"] for s in report["services"]] == ["辽宁省:gs_referral"]
    assert "2个工作日" in report["services"][0]["changes"][0]


def test_rules_diff_bad_revision_exits_2():
    result = intake("rules", "diff", "no-such-rev-xyz", "HEAD")
    assert result.returncode == 2 and "git" in result.stderr
