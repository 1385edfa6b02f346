"""The committed sample applications: valid bundles, sidecars, ground truth, reproducible from scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from stdnum.cn import ric

from pipeline.verify import load_bundle, load_records
from samples.build import build
from samples.scenarios import demo_scenarios, eval_scenarios, random_scenarios

ROOT = Path(__file__).resolve().parents[1]
BUNDLES = ROOT / "samples" / "bundles"
EVAL = ROOT / "samples" / "eval"
VERDICTS = {"accept", "deficient", "out_of_scope"}
CODES = {
    "missing_material",
    "invalid_field",
    "inconsistent_identity",
    "condition_not_met",
    "expired",
    "illegible",
    "unsupported_file",
    "unknown_fact",
    "duplicate_document",
    "tamper_suspected",
}
DOCTYPES = yaml.safe_load((ROOT / "rules" / "doctypes.yaml").read_text("utf-8"))["types"]


def _bundles(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "application.json").is_file())


ALL = _bundles(BUNDLES) + _bundles(EVAL)


def test_demo_set_is_small_and_covers_the_verdicts() -> None:
    demo = _bundles(BUNDLES)
    assert 4 <= len(demo) <= 6
    verdicts = {
        json.loads((BUNDLES / f"{b.name}.expected.json").read_text("utf-8"))["verdict"]
        for b in demo
    }
    assert verdicts == VERDICTS
    for b in demo:
        files = [f for f in b.iterdir() if f.name != "application.json"]
        assert all(f.stat().st_size <= 400_000 for f in files), b.name
        truth = json.loads((BUNDLES / f"{b.name}.truth.json").read_text("utf-8"))
        assert sum(f["pages"] for f in truth["files"].values()) <= 6


def test_eval_set_covers_ten_services_and_all_problem_kinds() -> None:
    truths = [
        json.loads((EVAL / f"{b.name}.truth.json").read_text("utf-8")) for b in _bundles(EVAL)
    ]
    assert len(truths) >= 30
    services = {t["service"] for t in truths if t["verdict"] != "out_of_scope"}
    assert len(services) >= 10
    assert {t["verdict"] for t in truths} == VERDICTS
    tags = {tag for t in truths for tag in t["tags"]}
    for kind in (
        "missing_invoice",
        "person_mismatch",
        "bad_id_checksum",
        "future_date",
        "not_recognised",
        "duplicate_invoice",
        "arithmetic",
        "tampered_qr",
    ):
        assert kind in tags
    assert {"work_injury", "death_benefit", "pension"} <= tags


@pytest.mark.parametrize("bundle", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundle_is_valid_and_labelled(bundle: Path) -> None:
    loaded = load_bundle(bundle)
    app = loaded.application
    assert app.application_id == f"sample-{bundle.name}"
    if app.applicant and app.applicant.id_number:
        assert ric.is_valid(app.applicant.id_number)
    expected = json.loads((bundle.parent / f"{bundle.name}.expected.json").read_text("utf-8"))
    assert expected["verdict"] in VERDICTS
    assert set(expected["finding_codes"]) <= CODES
    assert (expected["verdict"] == "accept") == (not expected["finding_codes"]) or expected[
        "verdict"
    ] == "out_of_scope"
    records = bundle.parent / f"{bundle.name}.records.json"
    if records.exists():
        assert load_records(records)
    truth = json.loads((bundle.parent / f"{bundle.name}.truth.json").read_text("utf-8"))
    files = {f.name for f in loaded.files}
    assert files == set(truth["files"])
    for doc in truth["documents"]:
        assert doc["file"] in files
        assert doc["type"] in DOCTYPES, doc["type"]
        assert set(doc["fields"]) <= set(DOCTYPES[doc["type"]]["fields"]), doc["type"]
        for f in doc["fields"].values():
            x0, y0, x1, y1 = f["bbox"]
            assert x0 < x1 and y0 < y1 and f["page"] in doc["pages"]


def test_demo_bundles_are_reproduced_byte_for_byte(tmp_path: Path) -> None:
    """The committed demo set is exactly what the scenario definitions render."""
    build(demo_scenarios(), tmp_path)
    for b in _bundles(BUNDLES):
        for f in sorted(b.iterdir()):
            assert (tmp_path / b.name / f.name).read_bytes() == f.read_bytes(), f"{b.name}/{f.name}"
        for side in ("expected", "truth"):
            name = f"{b.name}.{side}.json"
            assert (tmp_path / name).read_text("utf-8") == (BUNDLES / name).read_text("utf-8")


def test_scenario_names_match_the_committed_eval_set() -> None:
    assert sorted(sc.name for sc in eval_scenarios()) == [b.name for b in _bundles(EVAL)]


def test_random_sets_are_deterministic_and_labelled(tmp_path: Path) -> None:
    a = random_scenarios(7, 6)
    assert [s.name for s in a] == [s.name for s in random_scenarios(7, 6)]
    assert [s.docs for s in a] == [s.docs for s in random_scenarios(7, 6)]
    assert [s.docs for s in a] != [s.docs for s in random_scenarios(8, 6)]
    written = build(a[:2], tmp_path)
    for t in written:
        assert (tmp_path / t["name"] / "application.json").is_file()
        assert t["verdict"] in VERDICTS
