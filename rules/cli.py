"""`intake services [--json]`, `intake services show CODE [--json]`, `intake rules diff OLD NEW`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from pipeline.errors import IntakeError, UnknownService
from rules.catalogue import Catalogue, load_catalogue
from rules.conditions import describe
from rules.schema import JURISDICTIONS, Material, Service

console = Console()
err_console = Console(stderr=True)

services_app = typer.Typer(help="办理事项目录", no_args_is_help=False, add_completion=False)
rules_app = typer.Typer(help="规则目录维护", no_args_is_help=True, add_completion=False)


def register(app: typer.Typer) -> None:
    """Add the `services` and `rules` command groups to the `intake` app."""
    app.add_typer(services_app, name="services")
    app.add_typer(rules_app, name="rules")


def _fail(exc: IntakeError) -> None:
    err_console.print(f"错误：{exc}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]
JurisdictionOpt = Annotated[
    str | None, typer.Option("--jurisdiction", "-j", help="辽宁省 或 朝阳市（默认：全部）")
]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="按该日期生效的规则（YYYY-MM-DD，默认今天）")
]


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def summary(svc: Service, catalogue: Catalogue) -> dict[str, Any]:
    """The listing object (CONTRACTS.md §2): code, name, category, jurisdiction, office, aliases."""
    path = catalogue.path_of(svc)
    return {
        "code": svc.code,
        "name": svc.name,
        "category": svc.category,
        "jurisdiction": svc.jurisdiction,
        "office": svc.office,
        "aliases": list(svc.aliases),
        "refines": svc.refines,
        "effective_from": svc.effective_from.isoformat(),
        "materials": len(svc.materials),
        "file": str(path.relative_to(catalogue.root.parent)) if path else None,
    }


@services_app.callback(invoke_without_command=True)
def services(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    jurisdiction: JurisdictionOpt = None,
    on: DateOpt = None,
) -> None:
    """列出办理事项（省级事项及朝阳市细化、新增事项）。"""
    if ctx.invoked_subcommand is not None:
        return
    try:
        catalogue = load_catalogue()
        entries = catalogue.all_entries(_date(on))
    except IntakeError as exc:
        _fail(exc)
    if jurisdiction:
        entries = [s for s in entries if s.jurisdiction == jurisdiction]
    if as_json:
        _print_json([summary(s, catalogue) for s in entries])
        return
    table = Table(title=f"办理事项目录（规则版本 {catalogue.version}，共 {len(entries)} 项）")
    table.add_column("编码", no_wrap=True)
    for col in ("事项名称", "分类", "地区", "办理机构", "别名/简称"):
        table.add_column(col, overflow="fold")
    for s in entries:
        table.add_row(
            s.code,
            s.name,
            s.category,
            s.jurisdiction,
            catalogue.office_name(s.office),
            "、".join(s.aliases[:3]),
        )
    console.print(table)


@services_app.command("show")
def show(
    code: Annotated[str, typer.Argument(help="事项编码、事项名称或“分类/事项名称”")],
    as_json: JsonOpt = False,
    jurisdiction: JurisdictionOpt = None,
    on: DateOpt = None,
) -> None:
    """显示一个事项：材料、情形、受理条件、时限、依据。"""
    try:
        catalogue = load_catalogue()
        svc = find(catalogue, code, jurisdiction, _date(on))
    except IntakeError as exc:
        _fail(exc)
    if as_json:
        _print_json(detail(svc, catalogue))
    else:
        render(svc, catalogue, console)


def find(catalogue: Catalogue, query: str, jurisdiction: str | None, on_date: dt.date) -> Service:
    """A service by code / name / 分类/名称, in the given jurisdiction or the first that has it."""
    from pipeline.errors import AmbiguousService

    for j in [jurisdiction] if jurisdiction else list(JURISDICTIONS):
        hits = catalogue.match(query, catalogue.view(j, on_date))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listing = "；".join(f"{s.category}/{s.name}（{s.code}）" for s in hits)
            raise AmbiguousService(
                f"“{query}”对应多个事项：{listing}", candidates=[s.code for s in hits]
            )
    hints = catalogue.suggest(query, catalogue.all_entries(on_date))
    raise UnknownService(
        f"没有事项“{query}”" + (f"；相近的事项：{'、'.join(hints)}" if hints else "")
    )


def detail(svc: Service, catalogue: Catalogue) -> dict[str, Any]:
    data = svc.model_dump(mode="json", by_alias=True, exclude_none=True)
    names = catalogue.names()
    data["rules_version"] = catalogue.version
    data["office_name"] = catalogue.office_name(svc.office)
    data["facts"] = [
        {
            **use.model_dump(mode="json", exclude_none=True),
            "name": catalogue.facts[use.id].name,
            "type": catalogue.facts[use.id].type,
            "values": catalogue.facts[use.id].values,
            "question": catalogue.facts[use.id].question,
        }
        for use in svc.facts
    ]
    for mat, out in zip(svc.materials, data["materials"], strict=True):
        out["requirement"] = requirement(mat, catalogue)
        out["document_types"] = {t: catalogue.doctype_name(t) for t in mat.doc_types()}
    for cond, out in zip(svc.conditions, data["conditions"], strict=True):
        out["rendered"] = describe(cond.check, names)
    return data


def requirement(mat: Material, catalogue: Catalogue) -> str:
    """How a material is required, in Chinese: 必交 / 条件 / 可容缺 / 原件 …"""
    names = catalogue.names()
    parts = []
    if not mat.upload:
        parts.append("无需上传")
    elif mat.when is not None:
        parts.append(f"条件：{describe(mat.when, names)}时提交")
    else:
        parts.append("必交" if mat.required else "如有则交")
    if mat.one_of:
        parts.append(f"{len(mat.one_of)}选1")
    if mat.waiver:
        how = "共享数据可获得" if mat.waiver.source == "shared_data" else "内部核查能确认"
        kinds = "、".join(mat.waiver.records)
        req = "，".join(f"{k}={v}" for k, v in mat.waiver.require.items())
        parts.append(f"可容缺（{how}：{kinds}{'，' + req if req else ''}）")
    if mat.commitment:
        parts.append("可承诺代替")
    if mat.form == "original":
        parts.append("原件")
    elif mat.form == "copy":
        parts.append("复印件即可")
    return "；".join(parts)


def render(svc: Service, catalogue: Catalogue, out: Console) -> None:
    names = catalogue.names()
    out.print(f"[bold]{svc.name}[/bold]（{svc.code}）")
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column(overflow="fold")
    rows = [
        ("分类", svc.category),
        ("地区", svc.jurisdiction + (f"（细化省级事项 {svc.refines}）" if svc.refines else "")),
        ("办理机构", catalogue.office_name(svc.office)),
        ("实施主体", svc.implementing_body or "—"),
        ("服务对象", svc.service_object or "—"),
        ("法定办结时限", svc.deadlines.statutory or "—"),
        ("承诺办结时限", svc.deadlines.promised or "—"),
        ("办理形式", "、".join(svc.channels) or "—"),
        ("表单", "、".join(svc.forms) or "无"),
        ("别名/简称", "、".join(svc.aliases) or "无"),
        (
            "生效日期",
            f"{svc.effective_from}" + (f" 至 {svc.effective_to}" if svc.effective_to else " 起"),
        ),
        ("规则版本", catalogue.version),
    ]
    if svc.location:
        rows.append(
            ("办理地点", f"{svc.location.address or ''} {svc.location.phone or ''}".strip())
        )
    for k, v in rows:
        head.add_row(k, v)
    out.print(head)

    tree = Tree("[bold]申请材料[/bold]")
    for i, mat in enumerate(svc.materials, 1):
        node = tree.add(f"{i}. {mat.name} [dim]({mat.id})[/dim] — {requirement(mat, catalogue)}")
        if mat.one_of:
            group = node.add("以下材料之一：")
            for alt in mat.one_of:
                types = "、".join(catalogue.doctype_name(t) for t in alt.doc_types())
                when = f"（{describe(alt.when, names)}时）" if alt.when else ""
                group.add(f"{alt.name}{when} [dim]← {types}[/dim]")
        else:
            types = "、".join(f"{catalogue.doctype_name(t)}({t})" for t in mat.doc_types())
            if types:
                node.add(f"[dim]材料类型：{types}[/dim]")
        if mat.text and mat.text != mat.name:
            node.add(f"[dim]指南原文：{mat.text}[/dim]")
        if mat.note:
            node.add(f"[dim]说明：{mat.note}[/dim]")
    if not svc.materials:
        tree.add("无需提交材料")
    out.print(tree)

    if svc.facts:
        facts = Table(title="情形（application.json 的 facts）")
        for col in ("情形", "名称", "取值", "默认", "可从材料推断"):
            facts.add_column(col, overflow="fold")
        for use in svc.facts:
            fdef = catalogue.facts[use.id]
            values = "是/否" if fdef.type == "bool" else "、".join(fdef.values)
            default = (
                ("是" if use.default else "否")
                if isinstance(use.default, bool)
                else str(use.default)
            )
            infer = "—"
            if use.infer:
                refs = use.infer.document or use.infer.field or use.infer.field_present or []
                infer = "、".join(names.get(r, r) for r in refs)
            facts.add_row(use.id, fdef.name, values, default, infer)
        out.print(facts)

    if svc.conditions:
        out.print("[bold]可由材料核验的受理条件[/bold]")
        for cond in svc.conditions:
            when = f"（适用于：{describe(cond.when, names)}）" if cond.when else ""
            out.print(
                f"  • {cond.text}{when}：{describe(cond.check, names)}  [dim]依据 {cond.basis or svc.basis[0]}[/dim]",
                soft_wrap=True,
            )
    if svc.clerk_checks:
        out.print("[bold]需经办人员核实的受理条件（材料无法显示）[/bold]")
        for text in svc.clerk_checks:
            out.print(f"  • {text}", soft_wrap=True)
    out.print("[bold]文件依据[/bold]")
    for cite in svc.basis:
        out.print(f"  • {cite}", soft_wrap=True)
    if svc.tips:
        out.print("[bold]温馨提示[/bold]")
        for tip in svc.tips:
            out.print(f"  • {tip}", soft_wrap=True)


@rules_app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="旧规则目录或 git 版本")],
    new: Annotated[str, typer.Argument(help="新规则目录或 git 版本")],
    as_json: JsonOpt = False,
) -> None:
    """列出两个规则版本之间每个事项的变化。"""
    from rules.diff import diff_specs

    try:
        va, vb, changes = diff_specs(old, new)
    except IntakeError as exc:
        _fail(exc)
    if as_json:
        _print_json(
            {"old_version": va, "new_version": vb, "services": [c.to_json() for c in changes]}
        )
        return
    console.print(f"规则版本 {va} → {vb}：{len(changes)} 个事项有变化")
    labels = {"added": "新增", "removed": "删除", "changed": "修改"}
    for c in changes:
        console.print(f"[bold]{labels[c.status]}[/bold] {c.key}", highlight=False)
        for line in c.changes:
            console.print(f"    {line}", markup=False, highlight=False)


@rules_app.command("check")
def check() -> None:
    """校验规则目录（加载全部事项，检查引用的材料类型、情形、机构）。"""
    try:
        catalogue = load_catalogue()
    except IntakeError as exc:
        _fail(exc)
    console.print(
        f"规则目录有效：{len(catalogue.services)} 个事项文件，{len(catalogue.layers)} 个细化文件，版本 {catalogue.version}"
    )
