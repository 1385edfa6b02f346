"""The `intake` command line (CONTRACTS.md §2). Thin: parse, call a plain function, print."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline.errors import IntakeError

os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

app = typer.Typer(no_args_is_help=True, add_completion=False, help="辽宁社保材料受理核验")
console = Console()
err_console = Console(stderr=True)

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples" / "bundles"


def fail(exc: IntakeError) -> None:
    """One line on stderr, the error's own exit code."""
    err_console.print(f"错误：{exc}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
def verify(
    bundle_dir: Annotated[Path, typer.Argument(help="申请材料目录（含 application.json）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 verdict/1 JSON")] = False,
    records: Annotated[
        Path | None, typer.Option("--records", help="内部核查记录 JSON（共享数据）")
    ] = None,
) -> None:
    """核验一份申请，输出受理结论。"""
    from pipeline.verify import load_records, verify_bundle

    try:
        recs = load_records(records) if records else None
        verdict = verify_bundle(bundle_dir, recs)
    except IntakeError as exc:
        fail(exc)
    if as_json:
        print_json(verdict.to_contract())
    else:
        from pipeline.report import print_verdict

        print_verdict(verdict, console)


@app.command()
def demo(
    samples: Annotated[Path, typer.Option(help="示例申请所在目录")] = SAMPLES_DIR,
) -> None:
    """核验 samples/ 中的示例申请，并与预期结论比对。"""
    from pipeline.demo import run_demo

    try:
        ok = run_demo(samples, console)
    except IntakeError as exc:
        fail(exc)
    raise typer.Exit(0 if ok else 1)


@app.command()
def models(
    force: Annotated[bool, typer.Option("--force", help="重新生成模型目录")] = False,
) -> None:
    """准备离线 OCR 模型（从 rapidocr 包内的 PP-OCRv6 ONNX 模型生成 PaddleOCR 模型目录）。"""
    from pipeline.modelstore import ensure_models

    try:
        model_set = ensure_models(force=force)
    except IntakeError as exc:
        fail(exc)
    console.print(model_set.summary() if hasattr(model_set, "summary") else str(model_set))


def _register_optional() -> None:
    """Command groups that live beside their code (rules, samples/eval, service)."""
    import importlib

    for module in ("rules.cli", "samples.cli", "pipeline.service_cli"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app)


_register_optional()


def main() -> None:
    app()
