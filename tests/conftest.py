"""Shared test set-up: offline, telemetry off, one OCR engine per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", str(ROOT / "var" / "prefect-test"))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EXTERNAL = SHARED / "external"
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def ocr_engine():
    """The real PaddleOCR engine, created once for the whole run."""
    from pipeline.ocr import get_engine

    return get_engine()


@pytest.fixture(scope="session")
def catalogue():
    from rules.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session")
def cjk_font_path() -> Path:
    for candidate in (
        Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    ):
        if candidate.is_file():
            return candidate
    pytest.fail("no CJK font installed: apt-get install fonts-wqy-zenhei (./run installs it)")
