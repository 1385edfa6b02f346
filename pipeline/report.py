"""Readable Chinese rendering of a verdict for clerks (the CLI's default output)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pipeline.models import Decision, Finding, MaterialStatus, Severity, Verdict

DECISION_ZH = {
    Decision.ACCEPT: "予以受理（材料齐全、符合要求）",
    Decision.DEFICIENT: "材料不齐全或不符合要求（一次性告知如下）",
    Decision.OUT_OF_SCOPE: "不属于本部门职权范围，不予受理",
}
DECISION_STYLE = {
    Decision.ACCEPT: "bold green",
    Decision.DEFICIENT: "bold yellow",
    Decision.OUT_OF_SCOPE: "bold red",
}
STATUS_ZH = {
    MaterialStatus.SATISFIED: "已提供",
    MaterialStatus.MISSING: "缺少",
    MaterialStatus.INVALID: "不符合要求",
    MaterialStatus.WAIVED: "容缺（内部核查确认）",
    MaterialStatus.NOT_REQUIRED: "本情形无需提供",
}
SEVERITY_ZH = {Severity.ERROR: "问题", Severity.WARNING: "提示", Severity.INFO: "说明"}


def finding_location(finding: Finding) -> str:
    """Where to look: file, page and box of the first piece of evidence."""
    if not finding.evidence:
        return finding.document or ""
    ev = finding.evidence[0]
    parts = [ev.file]
    if ev.page:
        parts.append(f"第{ev.page}页")
    if ev.bbox:
        parts.append("区域" + ",".join(str(v) for v in ev.bbox))
    return " ".join(parts)


def finding_rule(finding: Finding) -> str:
    """The rule that fired and its legal basis, so a clerk can cite both."""
    parts = []
    if finding.rule_id:
        parts.append(f"规则 {finding.rule_id}")
    if finding.field:
        parts.append(f"字段 {finding.field}")
    if finding.basis:
        parts.append(finding.basis)
    return "\n".join(parts)


def verdict_renderable(verdict: Verdict) -> Group:
    service = verdict.service
    head = Text()
    head.append(f"申请 {verdict.application_id}\n")
    if service:
        head.append(f"事项：{service.name}（{service.code}，{service.jurisdiction}）\n")
    head.append("结论：")
    head.append(DECISION_ZH[verdict.verdict], style=DECISION_STYLE[verdict.verdict])
    if verdict.review_required:
        head.append("\n需人工复核：部分判断依赖低置信度识别结果", style="magenta")
    parts: list = [head]

    if verdict.redirect:
        r = verdict.redirect
        lines = [f"请前往：{r.office}"]
        if r.address:
            lines.append(f"地址：{r.address}")
        if r.phone:
            lines.append(f"电话：{r.phone}")
        parts.append(Panel("\n".join(lines), title="办理去向", expand=False))

    if verdict.materials:
        table = Table(title="申请材料", show_lines=False)
        table.add_column("材料", overflow="fold", ratio=3)
        table.add_column("状态", overflow="fold", ratio=1)
        table.add_column("对应文件", overflow="fold", ratio=2)
        for m in verdict.materials:
            table.add_row(m.material, STATUS_ZH[m.status], "、".join(m.documents))
        parts.append(table)

    if verdict.documents:
        table = Table(title="识别的文件")
        table.add_column("文件")
        table.add_column("页")
        table.add_column("类型")
        table.add_column("置信度")
        for d in verdict.documents:
            table.add_row(d.file, ",".join(map(str, d.pages)), d.type, f"{d.type_confidence:.2f}")
        parts.append(table)

    if verdict.findings:
        table = Table(title="告知事项", show_lines=True)
        table.add_column("类别", no_wrap=True)
        table.add_column("说明", overflow="fold", ratio=3)
        table.add_column("位置", overflow="fold", ratio=1)
        table.add_column("规则与依据", overflow="fold", ratio=2)
        for f in verdict.findings:
            table.add_row(
                SEVERITY_ZH[f.severity] + ("(待复核)" if f.uncertain else ""),
                f.message,
                finding_location(f),
                finding_rule(f),
            )
        parts.append(table)

    notes = [*verdict.assumptions, *verdict.clerk_checks]
    if notes:
        parts.append(
            Panel("\n".join(f"· {n}" for n in notes), title="供窗口人员核实", expand=False)
        )
    parts.append(
        Text(
            f"规则版本 {verdict.rules_version} · OCR {verdict.engine.ocr} {verdict.engine.version}",
            style="dim",
        )
    )
    return Group(*parts)


def print_verdict(verdict: Verdict, console: Console | None = None) -> None:
    """Print for a clerk; piped output gets a wide page instead of rich's 80 columns."""
    console = console or Console()
    if not console.is_terminal and console.width < 120:
        console = Console(file=console.file, width=120)
    console.print(verdict_renderable(verdict))
