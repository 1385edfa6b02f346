"""`intake bench` end to end on two pages (real OCR and Tesseract; slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_intake_bench_compares_engines_on_the_same_pages() -> None:
    intake = Path(sys.executable).parent / "intake"
    proc = subprocess.run(
        [str(intake), "bench", str(ROOT / "samples" / "eval"), "--pages", "2", "--json", "-"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    names = [e["engine"] for e in result["engines"]]
    assert names[:2] == ["PaddleOCR（裸）", "完整流程"]
    for e in result["engines"]:
        assert e["pages"] == 2 and e["seconds_per_page"] > 0 and 0 <= e["char_accuracy"] <= 1
        assert e["peak_rss_mb"] > 0 and e["time_ratio_vs_paddle"] > 0
    assert result["ocr_cache_repeat"]["seconds_per_page"] < result["engines"][1]["seconds_per_page"]
    assert result["born_digital_pdf"]["pages_per_second"] > 0
