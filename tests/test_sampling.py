"""Audit sampling and the audit trail through the commands: `intake submit`, then
`intake audit sample` reproduces every stored verdict on an unchanged system and
reports the difference after a rules change; a hand-edited audit row makes
`intake audit verify` fail naming it. Plus the stratified draw on its own."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text
from typer.testing import CliRunner

from pipeline import sampling
from pipeline import store as st

pytest_plugins = ["tests.service_fixtures"]  # one PG cluster, S3 server, Prefect API per session


pytest.importorskip("samples.generator")

REMOVED = "outpatient_record"


def _cli(*args: str):
    from pipeline.cli import app

    return CliRunner().invoke(app, list(args))


def _json_out(output: str):
    """The JSON document a command printed (model-loading chatter may precede it)."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line in ("[", "{") or line.startswith(("[{", '{"')):
            return json.loads("\n".join(lines[i:]))
    raise AssertionError(f"no JSON in output: {output[:500]}")


def _rules_without(material: str, into: Path) -> Path:
    """A copy of rules/ whose gs_medical_expense no longer asks outpatients for `material`
    (its condition now reads 住院 instead of 门诊)."""
    from rules.catalogue import RULES_ROOT

    shutil.copytree(RULES_ROOT, into, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    path = into / "services" / "work_injury" / "gs_medical_expense.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    (target,) = [m for m in data["materials"] if m.get("id") == material]
    assert target["when"] == {"fact": "visit_type", "equals": "门诊"}
    target["when"] = {"fact": "visit_type", "equals": "住院"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return into


def test_sample_reproduces_then_detects_rules_change(service_env, tmp_path, monkeypatch):
    from pipeline import config
    from tests.service_fixtures import write_bundle

    bundles = tmp_path / "bundles"
    a = write_bundle(bundles, "a", [("injury_decision", 1, None), ("medical_invoice", 2, None)])
    b = write_bundle(
        bundles, "b", [("medical_invoice", 2, None), ("expense_list", 3, None)], person_seed=7
    )
    res = _cli("submit", str(a), str(b), "--json")
    assert res.exit_code == 0, res.output
    stored = _json_out(res.stdout)
    assert len(stored) == 2 and all(r["version"] == 1 for r in stored)

    # unchanged system, every page OCRed again from the raw objects (no page cache)
    res = _cli("audit", "sample", "--size", "5", "--seed", "42", "--json", "--fresh-ocr")
    assert res.exit_code == 0, res.output
    report = _json_out(res.stdout)
    assert report["seed"] == 42 and report["sampled"] == 2
    assert report["differences"] == 0, report["cases"]
    assert all(c["reproduced"] for c in report["cases"])

    # a rules change: the outpatient medical record is no longer required
    monkeypatch.setenv("INTAKE_RULES_DIR", str(_rules_without(REMOVED, tmp_path / "rules")))
    config.get_settings.cache_clear()
    res = _cli("audit", "sample", "--size", "5", "--seed", "42", "--json", "--strict")
    assert res.exit_code == 1, res.output  # --strict: differences found
    report = _json_out(res.stdout)
    assert report["differences"] >= 1
    assert report["changed_by_rules"] >= 1
    changed = [c for c in report["cases"] if c["current_diff"]]
    assert any("门（急）诊病历" in line for c in changed for line in c["current_diff"])
    # with the rules recorded at the time, the stored verdicts are still reproduced
    assert all(c["reproduced"] for c in report["cases"])
    assert all(c["current_rules_version"] != c["rules_version"] for c in report["cases"])

    # the audit trail holds every step; editing one row by hand is detected and named
    assert _cli("audit", "verify").exit_code == 0
    from pipeline.store import get_database

    db = get_database()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"))
    res = _cli("audit", "verify")
    assert res.exit_code == 6, res.output
    assert "第 2 条" in res.output


def _fake_verdicts(db, n_per: dict[tuple[str, str, str], int]) -> None:
    """Stored verdicts spread over strata, without running OCR."""
    i = 0
    with db.session() as s:
        for (decision, service, month), n in n_per.items():
            for _ in range(n):
                i += 1
                app_id = f"app-{i:03d}"
                st.create_application(
                    s, app_id=app_id, owner="p", application={"service": service}, files=[]
                )
                st.append_verdict(
                    s,
                    app_id,
                    {
                        "verdict": decision,
                        "service": {"code": service},
                        "rules_version": "r",
                        "engine": {"version": "e"},
                    },
                    at=dt.datetime.fromisoformat(f"{month}-15T10:00:00+00:00"),
                )


def test_stratified_draw(database):
    _fake_verdicts(
        database,
        {
            ("accept", "gs_a", "2026-01"): 20,
            ("deficient", "gs_a", "2026-01"): 6,
            ("deficient", "gs_b", "2026-02"): 3,
            ("out_of_scope", "-", "2026-02"): 1,
        },
    )
    spec = sampling.SampleSpec(size=10, seed=7)
    cases, strata = sampling.draw(database, spec)
    assert len(cases) == 10
    assert sum(v["population"] for v in strata.values()) == 30
    assert all(v["sampled"] >= 1 for v in strata.values())  # every stratum represented
    assert (
        strata["accept / gs_a / 2026-01"]["sampled"]
        > strata["deficient / gs_b / 2026-02"]["sampled"]
    )
    again, _ = sampling.draw(database, spec)
    assert [c.application_id for c in again] == [
        c.application_id for c in cases
    ]  # seed → same sample
    other, _ = sampling.draw(database, sampling.SampleSpec(size=10, seed=8))
    assert [c.application_id for c in other] != [c.application_id for c in cases]
    by_verdict, strata_v = sampling.draw(
        database, sampling.SampleSpec(size=3, seed=1, by=("verdict",))
    )
    assert set(strata_v) == {"accept", "deficient", "out_of_scope"}
    assert sorted(c.decision for c in by_verdict) == ["accept", "deficient", "out_of_scope"]
    since, _ = sampling.draw(
        database, sampling.SampleSpec(size=50, seed=1, since=dt.date(2026, 2, 1))
    )
    assert len(since) == 4


def test_db_upgrade_command(service_env):
    res = _cli("db", "upgrade")
    assert res.exit_code == 0, res.output
    assert "0002" in res.output
    assert (service_env / "intake.db").is_file()
    res = _cli("audit", "verify")
    assert res.exit_code == 0 and "共 0 条" in res.output


def test_db_records_command_loads_the_office_records(service_env, tmp_path):
    from pipeline.store import get_database

    path = tmp_path / "records.json"
    path.write_text(
        json.dumps(
            [
                {
                    "kind": "injury_decision",
                    "id_number": "210102198503124518",
                    "name": "李四",
                    "fields": {"injury_date": "2025-05-02", "is_work_injury": True},
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    res = _cli("db", "records", str(path))
    assert res.exit_code == 0 and "1 条" in res.output, res.output
    with get_database().session() as s:
        (rec,) = st.records_for(s, ["210102198503124518"])
    assert rec.kind == "injury_decision" and rec.fields["injury_date"] == "2025-05-02"
    path.write_text('[{"kind": 1}]', encoding="utf-8")
    res = _cli("db", "records", str(path))
    assert res.exit_code == 2 and "核查记录文件" in res.output
