"""Service commands: serve, batch, submit, audit sample/verify/log, db upgrade/records.

Thin: parse options, call a plain function (pipeline.service / batch / sampling /
audit), print. `--flow` runs the same work as a Prefect flow (ephemeral by default).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.errors import IntakeError

console = Console()
err_console = Console(stderr=True)

audit_app = typer.Typer(help="审计：抽样复核、日志校验", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="数据库维护", no_args_is_help=True, add_completion=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("batch")(batch_cmd)
    app.command("submit")(submit_cmd)
    app.add_typer(audit_app, name="audit")
    app.add_typer(db_app, name="db")


def _fail(exc: IntakeError) -> None:
    err_console.print(f"错误：{exc}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}"),
        console=err_console,
        transient=False,
    )


def _context():
    from pipeline.storage import make_storage
    from pipeline.store import get_database

    return get_database(), make_storage()


# ------------------------------------------------------------------ serve


def serve(
    host: Annotated[str | None, typer.Option(help="监听地址（默认 INTAKE_API_HOST）")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 INTAKE_API_PORT）")] = None,
) -> None:
    """启动 HTTP API（/docs 为接口文档）；核验在后台线程或 Prefect 流程中进行。"""
    import uvicorn

    from pipeline.api import create_app
    from pipeline.config import get_settings
    from pipeline.service import install_log_masking

    settings = get_settings()
    if not settings.api_keys:
        err_console.print("警告：未配置 INTAKE_API_KEYS，所有请求都将被拒绝（401）。")
    install_log_masking()
    uvicorn.run(
        create_app(settings), host=host or settings.api_host, port=port or settings.api_port
    )


# ------------------------------------------------------------------ batch


def batch_cmd(
    source: Annotated[str, typer.Argument(help="票据目录（或 --from-storage 时的对象前缀）")],
    out: Annotated[Path | None, typer.Option("--out", help="报告目录")] = None,
    from_storage: Annotated[
        bool, typer.Option("--from-storage", help="从对象存储前缀读取")
    ] = False,
    no_db: Annotated[bool, typer.Option("--no-db", help="不与已存申请查重")] = False,
    use_flow: Annotated[bool, typer.Option("--flow", help="作为 Prefect 流程运行")] = False,
) -> None:
    """批量审核医疗票据：逐张核验、查重、按人员/医院汇总，输出 CSV 与 HTML 报告。"""
    from pipeline import batch
    from pipeline.config import get_settings

    try:
        if use_flow:
            from flows.bills import review_medical_bills

            result = review_medical_bills(
                source, str(out) if out else None, from_storage=from_storage, use_database=not no_db
            )
            _print_batch(result["summary"], result["reports"])
            return
        db, storage = _context() if not no_db or from_storage else (None, None)
        src = (
            batch.discover_storage(storage, source)
            if from_storage
            else batch.discover_dir(Path(source))
        )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out_dir = out or get_settings().reports_path / f"bills-{stamp}"
        with _progress() as bar:
            task = bar.add_task("读取票据", total=len(src.files), item="")
            review, paths = batch.run_batch(
                src,
                out_dir,
                db=None if no_db else db,
                progress=lambda i, n, name: bar.update(task, completed=i, item=name),
            )
    except IntakeError as exc:
        _fail(exc)
    _print_batch(review.summary(), {k: str(v) for k, v in paths.items()})


def _print_batch(summary: dict, reports: dict[str, str]) -> None:
    console.print(
        f"票据 {summary['bills']} 张，有问题 {summary['with_problems']} 张，"
        f"无法读取 {summary['unreadable']} 个文件，发票合计 {summary['total_amount']} 元。"
    )
    for check, n in summary["checks"].items():
        console.print(f"  {check}: {n}")
    for name, path in reports.items():
        console.print(f"报告 {name}: {path}")


# ------------------------------------------------------------------ submit


def submit_cmd(
    bundles: Annotated[list[Path], typer.Argument(help="申请材料目录（可多个）")],
    owner: Annotated[str, typer.Option(help="提交方名称")] = "cli",
    use_flow: Annotated[bool, typer.Option("--flow", help="作为 Prefect 流程运行")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """登记申请（原始文件先存入对象存储）并核验，结论存入数据库。"""
    from pipeline import service

    out = []
    try:
        db, storage = _context()
        with _progress() as bar:
            task = bar.add_task("核验申请", total=len(bundles), item="")
            for i, bundle in enumerate(bundles, 1):
                sub = service.import_bundle(db, storage, bundle, owner=owner)
                if use_flow:
                    from flows.intake import intake_application

                    res = intake_application(sub.application_id)
                    decision, version = res["verdict"], res["version"]
                else:
                    persisted = service.process(db, storage, sub.application_id)
                    decision, version = persisted.decision, persisted.version
                out.append(
                    {
                        "bundle": str(bundle),
                        "application_id": sub.application_id,
                        "verdict": decision,
                        "version": version,
                    }
                )
                bar.update(task, completed=i, item=bundle.name)
    except IntakeError as exc:
        _fail(exc)
    if as_json:
        _json(out)
    else:
        for row in out:
            console.print(
                f"{row['bundle']}: {row['application_id']} → {row['verdict']}（第 {row['version']} 版）"
            )


# ------------------------------------------------------------------ audit


@audit_app.command("sample")
def audit_sample(
    size: Annotated[int, typer.Option("--size", help="抽样件数")] = 10,
    seed: Annotated[
        int | None, typer.Option("--seed", help="随机种子（不给则随机生成并记录）")
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help="分层维度：verdict,service,period")
    ] = "verdict,service,period",
    since: Annotated[str | None, typer.Option(help="起始日期 YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="截止日期 YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出完整报告 JSON")] = False,
    use_flow: Annotated[bool, typer.Option("--flow", help="作为 Prefect 流程运行")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="有差异时以退出码 1 结束")] = False,
    fresh_ocr: Annotated[
        bool, typer.Option("--fresh-ocr", help="不用页面缓存，重新 OCR 每一页（较慢）")
    ] = False,
) -> None:
    """分层随机抽取已存结论，从原始文件按当时的规则重新核验，并与存档结论比对。"""
    from pipeline import sampling

    try:
        spec = sampling.SampleSpec(
            size=size,
            seed=seed,
            by=tuple(b.strip() for b in by.split(",") if b.strip()),
            since=_date(since),
            until=_date(until),
            fresh_ocr=fresh_ocr,
        )
        if use_flow:
            from flows.audit import sample_for_audit

            summary = sample_for_audit(
                size, seed, list(spec.by), spec.since, spec.until, fresh_ocr=fresh_ocr
            )
            db, storage = _context()
            report = sampling.get_sample(db, storage, summary["sample_id"])
        else:
            db, storage = _context()
            with _progress() as bar:
                task = bar.add_task("抽样复核", total=None, item="")
                report = sampling.run_sample(
                    db,
                    storage,
                    spec,
                    actor="cli",
                    progress=lambda i, n: bar.update(task, completed=i, total=n),
                )
    except IntakeError as exc:
        _fail(exc)
    if as_json:
        _json(report)
    else:
        console.print(sampling.markdown_report(report), markup=False, highlight=False)
    if strict and report["differences"]:
        raise typer.Exit(1)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD：{value}") from exc


@audit_app.command("verify")
def audit_verify(
    expect_head: Annotated[
        str | None, typer.Option("--expect-head", help="此前记下的末条哈希（发现末尾被删）")
    ] = None,
) -> None:
    """重新计算审计日志哈希链；发现被修改、删除或重排的记录时失败并指出是哪一条。"""
    from pipeline import audit

    try:
        db, _ = _context()
        report = audit.verify_chain(db, expect_head=expect_head)
    except IntakeError as exc:
        _fail(exc)
    console.print(
        f"审计日志完好：共 {report.entries} 条，末条 #{report.head_seq}，哈希 {report.head_hash}"
    )


@audit_app.command("log")
def audit_log(
    limit: Annotated[int, typer.Option(help="条数")] = 50,
    subject: Annotated[str | None, typer.Option(help="只看某个对象（如申请编号）")] = None,
) -> None:
    """列出审计日志。"""
    from pipeline import audit

    try:
        db, _ = _context()
        _json(audit.list_entries(db, subject=subject, limit=limit))
    except IntakeError as exc:
        _fail(exc)


# ------------------------------------------------------------------ db


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到最新版本（alembic 迁移）。"""
    from pipeline.config import get_settings
    from pipeline.store import Database, current_revision, upgrade

    try:
        db = Database(get_settings().db_url)
        upgrade(db)
        console.print(f"数据库 {db!r} 已是最新版本 {current_revision(db)}")
    except IntakeError as exc:
        _fail(exc)


@db_app.command("records")
def db_records(
    path: Annotated[Path, typer.Argument(help="内部核查记录 JSON（CONTRACTS.md §5）")],
) -> None:
    """导入内部核查记录（共享数据），供核验时免交材料使用。"""
    from pipeline import store as st
    from pipeline.verify import load_records

    try:
        records = load_records(path)
        db, _ = _context()
        with db.write_lock, db.session() as session:
            n = st.add_records(session, records)
    except IntakeError as exc:
        _fail(exc)
    console.print(f"已导入 {n} 条记录")
