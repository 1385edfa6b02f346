"""`intake eval`, `intake bench` and `intake samples ...` (registered by pipeline/cli.py)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)
samples_app = typer.Typer(help="合成示例材料：生成、重建示例申请。", no_args_is_help=True)

DEFAULT_EVAL = Path(__file__).resolve().parent / "eval"


def register(app: typer.Typer) -> None:
    """Add `eval`, `bench` and the `samples` group to the `intake` app."""
    app.command("eval")(eval_command)
    app.command("bench")(bench_command)
    app.add_typer(samples_app, name="samples")


def _die(message: str, code: int = 2) -> None:
    err_console.print(f"错误：{message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def use_fresh_ocr_cache() -> Path:
    """Point the OCR page cache at an empty directory so timings measure real OCR."""
    from pipeline.config import get_settings

    tmp = Path(tempfile.mkdtemp(prefix="intake-eval-cache-"))
    os.environ["INTAKE_OCR_CACHE_DIR"] = str(tmp)
    get_settings.cache_clear()
    return tmp


# --------------------------------------------------------------------- eval
def eval_command(
    directory: Annotated[
        Path, typer.Argument(help="带标注的申请目录（默认 samples/eval）")
    ] = DEFAULT_EVAL,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="把全部指标写入 JSON 文件（- 为标准输出）")
    ] = None,
    markdown_out: Annotated[
        Path | None, typer.Option("--markdown", help="把报告写入 Markdown 文件")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="只评估这些申请（可重复）")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="最多评估前 N 份申请")] = None,
    warm: Annotated[
        bool, typer.Option("--warm", help="复用 OCR 缓存（默认用空缓存，计时为真实识别速度）")
    ] = False,
) -> None:
    """在带标注的示例申请上评估：分类、字段、结论准确率，误受理/误退回率，速度。"""
    from pipeline.ocr import get_engine
    from rules.catalogue import load_catalogue
    from samples.evaluate import load_cases, run_case, summarise, to_markdown

    if not directory.is_dir():
        _die(f"目录不存在：{directory}")
    cases = load_cases(directory, only)
    if limit:
        cases = cases[:limit]
    if not cases:
        _die(f"目录中没有带 application.json 的申请：{directory}")
    if not warm:
        use_fresh_ocr_cache()
    engine = get_engine()
    catalogue = load_catalogue()
    results = []
    for i, case in enumerate(cases, 1):
        r = run_case(case, engine, catalogue)
        ok = "✓" if r.verdict == r.expected_verdict else "✗"
        err_console.print(
            f"[{i}/{len(cases)}] {case.name}: {r.verdict} (预期 {r.expected_verdict}) {ok} "
            f"{r.seconds:.1f}s",
            highlight=False,
        )
        results.append(r)
    summary = summarise(results)
    summary["directory"] = str(directory)
    summary["ocr_cache"] = "warm" if warm else "cold"
    _print_eval_table(summary, err_console if str(json_out) == "-" else console)
    if json_out:
        text = json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n"
        sys.stdout.write(text) if str(json_out) == "-" else json_out.write_text(
            text, encoding="utf-8"
        )
    if markdown_out:
        markdown_out.write_text(to_markdown(summary), encoding="utf-8")


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _print_eval_table(s: dict, out: Console) -> None:
    t = Table(
        title=f"评估结果（{s['applications']} 份申请，{s['pages']} 页，{s['documents']} 份文档）"
    )
    t.add_column("指标")
    t.add_column("值", justify="right")
    rows = [
        ("分类准确率", _pct(s["classification_accuracy"])),
        ("字段完全匹配率", _pct(s["field_exact_match"])),
        ("结论准确率", _pct(s["verdict_accuracy"])),
        ("误受理率（应退回/不属本部门却受理）", _pct(s["false_accept_rate"])),
        ("误退回率（应受理却未受理）", _pct(s["false_reject_rate"])),
        ("需人工复核率", _pct(s["review_required_rate"])),
        ("告知项召回率", _pct(s["finding_code_recall"])),
        ("页/秒", str(s["pages_per_second"])),
    ]
    for k, v in rows:
        t.add_row(k, v)
    out.print(t)
    conf = s["confusion"]
    cols = sorted({p for row in conf.values() for p in row})
    ct = Table(title="分类混淆矩阵（行：真实类型，列：识别类型）")
    ct.add_column("真实＼识别")
    for c in cols:
        ct.add_column(c, justify="right")
    for truth, row in conf.items():
        ct.add_row(truth, *[str(row.get(c, "")) for c in cols])
    out.print(ct)
    ft = Table(title="字段完全匹配率（按文档类型）")
    for c in ("类型", "字段", "正确/总数", "准确率"):
        ft.add_column(c)
    for dtype, fields in s["field_accuracy"].items():
        for name, f in fields.items():
            ft.add_row(dtype, name, f"{f['correct']}/{f['total']}", _pct(f["accuracy"]))
    out.print(ft)
    for e in s["errors"]:
        err_console.print(f"{e['name']}: {e['error']}", markup=False)


# -------------------------------------------------------------------- bench
def bench_command(
    directory: Annotated[
        Path, typer.Argument(help="带标注的申请目录（默认 samples/eval）")
    ] = DEFAULT_EVAL,
    pages: Annotated[int, typer.Option(help="参与对比的页数")] = 12,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="把结果写入 JSON 文件（- 为标准输出）")
    ] = None,
    no_tesseract: Annotated[bool, typer.Option("--no-tesseract", help="跳过 Tesseract")] = False,
) -> None:
    """同一批页面并排对比：裸 PaddleOCR、Tesseract 5 chi_sim、完整流程（速度、字符准确率、内存）。"""
    from samples.bench import print_bench, run_bench

    if not directory.is_dir():
        _die(f"目录不存在：{directory}")
    result = run_bench(directory, pages=pages, tesseract=not no_tesseract, log=err_console)
    print_bench(result, err_console if str(json_out) == "-" else console)
    if json_out:
        text = json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"
        sys.stdout.write(text) if str(json_out) == "-" else json_out.write_text(
            text, encoding="utf-8"
        )


# ------------------------------------------------------------------ samples
@samples_app.command("build")
def samples_build(
    demo_only: Annotated[bool, typer.Option("--demo", help="只重建 samples/bundles")] = False,
) -> None:
    """按场景定义重建示例申请（samples/bundles 与 samples/eval），结果确定可复现。"""
    from samples.build import BUNDLES, EVAL, build
    from samples.scenarios import demo_scenarios, eval_scenarios

    written = build(demo_scenarios(), BUNDLES, clean=True)
    console.print(f"示例申请：{len(written)} 份 → {BUNDLES}")
    if not demo_only:
        written = build(eval_scenarios(), EVAL, clean=True)
        console.print(f"评估集：{len(written)} 份 → {EVAL}")


@samples_app.command("generate")
def samples_generate(
    out: Annotated[Path, typer.Argument(help="输出目录")],
    seed: Annotated[int, typer.Option(help="随机种子（同一种子生成相同的申请）")] = 0,
    count: Annotated[int, typer.Option(help="生成的申请份数")] = 20,
) -> None:
    """按种子生成一批带标注的申请（含预期结论、告知项与每份文档的字段真值）。"""
    from samples.build import build
    from samples.scenarios import random_scenarios

    if count < 1:
        _die("count 必须为正整数")
    written = build(random_scenarios(seed, count), out)
    verdicts: dict[str, int] = {}
    for t in written:
        verdicts[t["verdict"]] = verdicts.get(t["verdict"], 0) + 1
    console.print(f"已生成 {len(written)} 份申请 → {out}（{verdicts}）")


@samples_app.command("render")
def samples_render(
    doc_type: Annotated[str, typer.Argument(help="文档类型，如 medical_invoice")],
    out: Annotated[Path, typer.Argument(help="输出文件（.jpg/.png/.pdf）")],
    seed: Annotated[int, typer.Option(help="随机种子")] = 0,
    degrade: Annotated[
        str | None, typer.Option(help="scan/photo/copy/skew/rot90/rot180/...")
    ] = None,
    born_digital: Annotated[
        bool, typer.Option("--text-layer", help="PDF 带文字层（电子票据）")
    ] = False,
) -> None:
    """生成单份文档及其真值（<out>.truth.json）。"""
    from samples.generator import doc_types, make_person, render_document

    if doc_type not in doc_types():
        _die(f"未知文档类型：{doc_type}（可选：{', '.join(doc_types())}）")
    rd = render_document(doc_type, make_person(seed), seed=seed, degrade=degrade)
    suffix = out.suffix.lower().lstrip(".")
    fmt = (
        "pdf_text" if suffix == "pdf" and born_digital else ("jpg" if suffix == "jpeg" else suffix)
    )
    if fmt not in ("jpg", "png", "pdf", "pdf_text"):
        _die("输出文件须为 .jpg/.png/.pdf")
    written = rd.save(out, fmt)
    truth_path = out.with_name(out.name + ".truth.json")
    truth_path.write_text(
        json.dumps(rd.truth_for(fmt), ensure_ascii=False, indent=1, default=str), "utf-8"
    )
    console.print(f"已生成 {', '.join(str(p) for p in written)}，真值 {truth_path}")
