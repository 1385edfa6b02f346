"""增值税发票 / 电子发票（普通/专用，含全电 PDF/OFD, no invoice_code on 全电）."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.common import daxie_total
from extractors.engine import ExtractContext, PlacedLine, same_row_right, table_items
from extractors.registry import Anchor, DocumentSpec, FieldSpec, has_qr, register

NAME_LABEL = re.compile(r"名\s*称[:：]?")


def _party(text: str) -> parsers.Parsed | None:
    """A buyer or seller: an organisation, or a private person (个人 buyers)."""
    return parsers.parse_org(text) or parsers.parse_person_name(text)


def _party_names(ctx: ExtractContext) -> list[tuple[PlacedLine, parsers.Parsed]]:
    """Every 名称：X on the invoice: buyer first (top / left), then seller."""
    found: list[tuple[PlacedLine, parsers.Parsed]] = []
    for placed in ctx.lines:
        m = NAME_LABEL.search(placed.compact)
        if not m or re.search(r"项目名称|货物|服务名称", placed.compact):
            continue
        rest = placed.compact[m.end() :]
        parsed = _party(rest) if rest else None
        if parsed is None:
            right = same_row_right(ctx.lines, placed)
            if right:
                parsed = _party(right[0].compact)
                placed = right[0] if parsed else placed
        if parsed is not None:
            found.append((placed, parsed))
    return found


def _post(ctx: ExtractContext) -> None:
    parties = _party_names(ctx)
    if len(parties) >= 2:
        a, b = parties[0], parties[1]
        same_row = abs(a[0].line.bbox[1] - b[0].line.bbox[1]) < (
            a[0].line.bbox[3] - a[0].line.bbox[1]
        )
        buyer, seller = (a, b) if not same_row or a[0].line.bbox[0] < b[0].line.bbox[0] else (b, a)
        for name, (placed, parsed) in (("buyer_name", buyer), ("seller_name", seller)):
            if name not in ctx.fields or ctx.fields[name].value == parsed.value:
                ctx.set(name, parsed.value, placed, placed.line.confidence, parsed.span)
    elif len(parties) == 1 and "buyer_name" not in ctx.fields:
        placed, parsed = parties[0]
        ctx.set("buyer_name", parsed.value, placed, 0.7 * placed.line.confidence, parsed.span)
    daxie_total(ctx)
    ctx.items = table_items(ctx, header=r"项目名称|货物或应税劳务|服务名称", end=r"合计|价税合计")
    if "invoice_number" in ctx.fields:
        return
    hit = ctx.find(r"(?<!\d)(\d{20}|\d{8})(?!\d)")
    if hit:
        ctx.set(
            "invoice_number", hit[1].group(1), hit[0], 0.7 * hit[0].line.confidence, hit[1].group(0)
        )


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="vat_invoice",
        name="增值税发票 / 电子发票",
        anchors=(
            Anchor("增值税电子普通发票", 4, title=True),
            Anchor("增值税普通发票", 4, title=True),
            Anchor("增值税专用发票", 4, title=True),
            Anchor("电子发票（普通发票）", 4, title=True),
            Anchor("电子发票（增值税专用发票）", 4, title=True),
            Anchor("电子发票", 3, title=True),
            Anchor("增值税", 2),
            Anchor("价税合计", 2),
            Anchor("购买方", 1.5),
            Anchor("销售方", 1.5),
            Anchor("纳税人识别号", 1),
            Anchor("统一社会信用代码/纳税人识别号", 1),
            Anchor("税额", 1),
            Anchor("税率", 1),
            Anchor("开票人", 0.5),
            Anchor("发票代码", 1),
            Anchor("发票号码", 1),
        ),
        fields=(
            FieldSpec("invoice_code", ("发票代码",), parsers.parse_invoice_code),
            FieldSpec("invoice_number", ("发票号码",), parsers.parse_invoice_number),
            FieldSpec("issue_date", ("开票日期",), parsers.parse_date, scan=True),
            FieldSpec("buyer_name", ("购买方名称", "购方名称"), parsers.parse_org),
            FieldSpec("seller_name", ("销售方名称", "销方名称"), parsers.parse_org),
            FieldSpec(
                "total_amount", ("（小写）", "(小写)", "小写", "价税合计"), parsers.parse_amount
            ),
        ),
        negative=("医疗收费票据", "费用清单", "车次"),
        visual=has_qr,
        post=_post,
        stop_labels=("纳税人识别号", "统一社会信用代码", "地址", "开户行", "密码区"),
    )
