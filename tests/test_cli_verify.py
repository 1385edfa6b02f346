"""`intake verify` as a user runs it: real process, real exit codes, real OCR."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

BUNDLES = SAMPLES / "bundles"


def intake(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_nonexistent_bundle_exits_2_with_one_line_error(tmp_path):
    result = intake("verify", str(tmp_path / "nope"), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "不存在" in lines[0]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"service": ""}', b'{"service": "x", "submitted_at": "yesterday"}'],
    ids=["broken-json", "not-object", "no-service", "bad-date"],
)
def test_unreadable_application_exits_2(tmp_path, content):
    (tmp_path / "application.json").write_bytes(content)
    result = intake("verify", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_records_file_exits_2(tmp_path):
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "application.json").write_text('{"service": "工伤医疗（康复）费用申报"}')
    records = tmp_path / "records.json"
    records.write_text('{"kind": "x"}')
    result = intake("verify", str(bundle), "--records", str(records))
    assert result.returncode == 2
    assert "核查记录" in result.stderr


def sample_bundles() -> list[Path]:
    return sorted(p for p in BUNDLES.glob("*") if (p / "application.json").is_file())


@pytest.mark.parametrize("bundle", sample_bundles(), ids=lambda p: p.name)
def test_sample_bundle_verdict_matches_expectation(bundle):
    expected = json.loads((bundle.parent / f"{bundle.name}.expected.json").read_text())
    args = ["verify", str(bundle), "--json"]
    records = bundle.parent / f"{bundle.name}.records.json"
    if records.is_file():
        args += ["--records", str(records)]
    result = intake(*args)
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["schema"] == "verdict/1"
    assert verdict["verdict"] == expected["verdict"]
    codes = {f["code"] for f in verdict["findings"]}
    assert set(expected.get("finding_codes", [])) <= codes
    assert verdict["rules_version"] and verdict["engine"]["ocr"]


def test_readable_summary_is_chinese():
    bundles = sample_bundles()
    if not bundles:
        pytest.fail("no sample bundles in samples/bundles")
    result = intake("verify", str(bundles[0]))
    assert result.returncode == 0, result.stderr
    assert "结论" in result.stdout and "规则版本" in result.stdout


def test_copied_bundle_with_stray_file_reports_it(tmp_path):
    """A file that is not a document is a finding, never silently dropped."""
    bundles = sample_bundles()
    if not bundles:
        pytest.fail("no sample bundles in samples/bundles")
    bundle = tmp_path / "b"
    shutil.copytree(bundles[0], bundle)
    (bundle / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    result = intake("verify", str(bundle), "--json")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    stray = [f for f in verdict["findings"] if f["code"] == "unsupported_file"]
    assert stray and stray[0]["evidence"][0]["file"] == "notes.docx"


def accept_bundle() -> Path:
    """The accepted 工伤医疗（康复）费用申报 sample, whichever way its application names the service."""
    from rules.catalogue import load_catalogue

    catalogue = load_catalogue()
    for bundle in sample_bundles():
        expected = json.loads((bundle.parent / f"{bundle.name}.expected.json").read_text())
        application = json.loads((bundle / "application.json").read_text())
        service = catalogue.resolve(application["service"]).service
        if expected.get("verdict") == "accept" and service and service.code == "gs_medical_expense":
            return bundle
    pytest.fail("no accepted 工伤医疗（康复）费用申报 sample bundle in samples/bundles")


def test_decision_missing_is_deficient_unless_records_confirm_it(tmp_path):
    """CONTRACTS §5: the 认定工伤决定书 is waivable only when an internal record confirms it."""
    source = accept_bundle()
    first = json.loads(intake("verify", str(source), "--json").stdout)
    decision_docs = [d for d in first["documents"] if d["type"] == "injury_decision"]
    assert decision_docs, "the accept sample must contain a 认定工伤决定书"
    decision = decision_docs[0]["fields"]

    bundle = tmp_path / "no-decision"
    shutil.copytree(source, bundle)
    (bundle / decision_docs[0]["file"]).unlink()

    without = json.loads(intake("verify", str(bundle), "--json").stdout)
    assert without["verdict"] == "deficient"
    missing = [f for f in without["findings"] if f["code"] == "missing_material"]
    assert any("认定工伤决定书" in (f["material"] or "") for f in missing)

    application = json.loads((bundle / "application.json").read_text())
    records = tmp_path / "records.json"
    records.write_text(
        json.dumps(
            [
                {
                    "kind": "injury_decision",
                    "id_number": application["applicant"]["id_number"],
                    "name": application["applicant"]["name"],
                    "fields": {
                        "document_number": decision["document_number"]["value"],
                        "injury_date": decision["injury_date"]["value"],
                        "is_work_injury": True,
                    },
                }
            ],
            ensure_ascii=False,
        )
    )
    result = intake("verify", str(bundle), "--json", "--records", str(records))
    waived = json.loads(result.stdout)
    assert waived["verdict"] == "accept", waived["findings"]
    statuses = {m["material"]: m["status"] for m in waived["materials"]}
    assert any("认定工伤决定书" in name and s == "waived" for name, s in statuses.items())
    assert any(
        f["severity"] == "warning" and f["code"] == "material_waived" for f in waived["findings"]
    )


def test_bundle_without_medical_invoice_is_deficient_naming_it(tmp_path):
    source = accept_bundle()
    first = json.loads(intake("verify", str(source), "--json").stdout)
    bundle = tmp_path / "no-invoice"
    shutil.copytree(source, bundle)
    invoices = {d["file"] for d in first["documents"] if d["type"] == "medical_invoice"}
    assert invoices
    for name in invoices:
        (bundle / name).unlink()
    verdict = json.loads(intake("verify", str(bundle), "--json").stdout)
    assert verdict["verdict"] == "deficient"
    missing = [f for f in verdict["findings"] if f["code"] == "missing_material"]
    assert any("票据" in (f["material"] or "") for f in missing), missing
