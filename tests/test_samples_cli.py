"""`intake samples generate/render` (no OCR): deterministic labelled output on disk."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def _listing(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_generate_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        result = runner.invoke(
            app, ["samples", "generate", str(out), "--seed", "5", "--count", "2"]
        )
        assert result.exit_code == 0, result.output
    assert _listing(a) == _listing(b)
    expected = sorted(a.glob("*.expected.json"))
    assert len(expected) == 2
    for path in expected:
        data = json.loads(path.read_text("utf-8"))
        assert data["verdict"] in ("accept", "deficient", "out_of_scope")
        assert (a / path.name.replace(".expected.json", "") / "application.json").is_file()


def test_render_writes_document_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "ticket.png"
    result = runner.invoke(
        app,
        ["samples", "render", "transport_ticket", str(out), "--seed", "3", "--degrade", "photo"],
    )
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "ticket.png.truth.json").read_text("utf-8"))
    assert truth["type"] == "transport_ticket" and truth["degrade"] == "photo"
    assert set(truth["fields"]) == {"passenger_name", "travel_date", "total_amount"}
    bad = runner.invoke(app, ["samples", "render", "no_such_type", str(out)])
    assert bad.exit_code == 2 and "未知文档类型" in bad.output
