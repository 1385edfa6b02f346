"""The main job on the embedded defaults: verify the sample bundles, compare with expectations.

A sample bundle `samples/bundles/NAME/` has its expectation beside it in
`NAME.expected.json` (``{"verdict": ..., "finding_codes": [...]}``) and, when
the office's internal records matter, `NAME.records.json` — both outside the
bundle, because every file inside a bundle is an upload.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.errors import UnusableInput
from pipeline.models import Verdict


@dataclass(frozen=True)
class SampleBundle:
    path: Path
    expected: dict
    records: Path | None

    @property
    def name(self) -> str:
        return self.path.name


def sidecar(bundle: Path, suffix: str) -> Path:
    return bundle.parent / f"{bundle.name}.{suffix}.json"


def find_sample_bundles(root: Path) -> list[SampleBundle]:
    if not root.is_dir():
        raise UnusableInput(f"示例目录不存在：{root}")
    bundles = []
    for path in sorted(p for p in root.iterdir() if (p / "application.json").is_file()):
        expected_path = sidecar(path, "expected")
        expected = (
            json.loads(expected_path.read_text(encoding="utf-8")) if expected_path.is_file() else {}
        )
        records = sidecar(path, "records")
        bundles.append(SampleBundle(path, expected, records if records.is_file() else None))
    if not bundles:
        raise UnusableInput(f"示例目录中没有申请：{root}")
    return bundles


def matches_expectation(verdict: Verdict, expected: dict) -> tuple[bool, str]:
    """Verdict must equal; every expected finding code must be present."""
    if not expected:
        return True, "无预期（仅展示）"
    problems = []
    if expected.get("verdict") and str(verdict.verdict) != expected["verdict"]:
        problems.append(f"结论应为 {expected['verdict']}")
    codes = {str(f.code) for f in verdict.findings}
    missing = [c for c in expected.get("finding_codes", []) if c not in codes]
    if missing:
        problems.append("缺少告知项 " + ",".join(missing))
    return (not problems, "；".join(problems) or "一致")


def run_demo(root: Path, console: Console) -> bool:
    from pipeline.ocr import get_engine
    from pipeline.report import verdict_renderable
    from pipeline.verify import load_records, verify_bundle

    bundles = find_sample_bundles(root)
    if not console.is_terminal and console.width < 120:
        console = Console(file=console.file, width=120)  # piped: no truncated names
    console.print(f"[bold]核验 {len(bundles)} 份示例申请[/bold]（{root}）")
    engine = get_engine()
    summary = Table(title="示例申请核验结果")
    for column in ("申请", "事项", "结论", "预期", "比对", "用时"):
        summary.add_column(column, overflow="fold")
    all_ok = True
    for bundle in bundles:
        started = time.perf_counter()
        records = load_records(bundle.records) if bundle.records else None
        verdict = verify_bundle(bundle.path, records, engine=engine)
        elapsed = time.perf_counter() - started
        console.rule(bundle.name)
        console.print(verdict_renderable(verdict))
        ok, note = matches_expectation(verdict, bundle.expected)
        all_ok &= ok
        summary.add_row(
            bundle.name,
            verdict.service.name if verdict.service else "—",
            str(verdict.verdict),
            bundle.expected.get("verdict", "—"),
            ("[green]✓ " if ok else "[red]✗ ") + note,
            f"{elapsed:.1f}s",
        )
    console.rule()
    console.print(summary)
    console.print(
        "[green]全部与预期一致[/green]" if all_ok else "[red]存在与预期不一致的结论[/red]"
    )
    return all_ok
