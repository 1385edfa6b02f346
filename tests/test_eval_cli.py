"""`intake eval` end to end on a subset of the labelled set (real OCR; slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_intake_eval_prints_all_figures(tmp_path: Path) -> None:
    out, md = tmp_path / "eval.json", tmp_path / "eval.md"
    intake = Path(sys.executable).parent / "intake"
    cmd = [
        str(intake),
        "eval",
        str(ROOT / "samples" / "eval"),
        "--only",
        "gs_medical_mz_accept_a",
        "--only",
        "gs_medical_missing_invoice",
        "--only",
        "oos_contribution",
        "--json",
        str(out),
        "--markdown",
        str(md),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = json.loads(out.read_text("utf-8"))
    assert s["applications"] == 3
    for key in (
        "classification_accuracy",
        "confusion",
        "field_accuracy",
        "verdict_accuracy",
        "false_accept_rate",
        "false_reject_rate",
        "review_required_rate",
        "pages_per_second",
    ):
        assert key in s
    assert s["classification_accuracy"] is not None and s["pages_per_second"] > 0
    assert "分类准确率" in proc.stdout and "误受理率" in proc.stdout
    assert "Confusion matrix" in md.read_text("utf-8")
