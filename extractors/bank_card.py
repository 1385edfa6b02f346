"""银行卡."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.engine import ExtractContext
from extractors.registry import Anchor, DocumentSpec, FieldSpec, card_shape, register


def _holder(ctx: ExtractContext) -> None:
    """The embossed holder name: a line that is nothing but a personal name."""
    if "name" in ctx.fields:
        return
    for placed in ctx.lines:
        if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", placed.compact) and not re.search(
            r"银行|银联|卡|信用|储蓄|借记|金融", placed.compact
        ):
            parsed = parsers.parse_person_name(placed.compact)
            if parsed is not None:
                ctx.set("name", parsed.value, placed, 0.9 * placed.line.confidence, parsed.span)
                return


def _post(ctx: ExtractContext) -> None:
    _holder(ctx)
    if "card_number" in ctx.fields:
        return
    best = None
    for placed in ctx.lines:
        text = parsers.digits_fixed(parsers.clean(placed.line.text))
        for m in re.finditer(
            r"(?<!\d)\d{4}(?:[ *]?[\d*]{4}){2,3}(?:[ ]?\d{1,3})?(?!\d)|(?<!\d)\d{16,19}(?!\d)", text
        ):
            value = re.sub(r"\s", "", m.group(0))
            if 16 <= len(value) <= 19 and (best is None or len(value) > len(best[1])):
                best = (placed, value, m.group(0))
    if best is not None:
        ctx.set("card_number", best[1], best[0], best[0].line.confidence, best[2])


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="bank_card",
        name="银行卡",
        anchors=(
            Anchor("银联", 2),
            Anchor("UnionPay", 2),
            Anchor("借记卡", 3, title=True),
            Anchor("储蓄卡", 3, title=True),
            Anchor("信用卡", 3, title=True),
            Anchor("DEBIT", 2),
            Anchor("银行", 1.5),
            Anchor("VALID", 1),
            Anchor("金穗卡", 2),
            Anchor("龙卡", 2),
            Anchor("一卡通", 2),
        ),
        fields=(
            FieldSpec("card_number", ("卡号", "账号"), parsers.parse_card_number),
            FieldSpec("name", ("户名", "持卡人", "姓名"), parsers.parse_person_name),
        ),
        # POS slips (签购单) name the card but are not one
        negative=(
            "社会保障卡",
            "社会保障号码",
            "交易类型",
            "商户名称",
            "签购单",
            "持卡人存根",
            "终端号",
            "检索参考号",
            "批次号",
            "交易日期",
        ),
        visual=card_shape,
        post=_post,
    )
