"""火车票 / 车票 / 行程单."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.engine import ExtractContext, same_row_right
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register

# 2101021985****4518张三 (masked ID then the name) on railway tickets
# the masked ID may come as one box or as two (2101032001 | ****0851)
MASKED_ID = re.compile(r"\d{6,10}[*＊xX]{2,8}\d{2,4}[\dXx]?|^[*＊]{3,8}\d{3}[\dXx]$")

MASKED_ID_NAME = re.compile(r"\d{6,10}[*＊xX]{2,8}\d{2,4}[\dXx]?([\u4e00-\u9fff·]{2,6})")


def _passenger(ctx: ExtractContext) -> None:
    """The name printed after the masked ID number (in the same box or the next one)."""
    for placed in ctx.lines:
        if not MASKED_ID.search(placed.compact):
            continue
        m = MASKED_ID_NAME.search(placed.compact)
        candidates = [(m.group(1), placed)] if m else []
        candidates += [(p.compact, p) for p in same_row_right(ctx.lines, placed)[:1]]
        box = placed.line.bbox
        height = box[3] - box[1]
        above = [
            p
            for p in ctx.lines
            if p.page == placed.page
            and box[1] - 2 * height <= p.line.bbox[3] <= box[1] + 0.3 * height
            and abs(p.line.bbox[0] - box[0]) < 2 * height
        ]
        candidates += [(p.compact, p) for p in sorted(above, key=lambda p: -p.line.bbox[3])]

        for text, where in candidates:
            if not re.fullmatch(r"[\u4e00-\u9fff·]{2,8}", text):
                continue  # the box must hold nothing but the name (not 检票口16)
            parsed = parsers.parse_person_name(text)

            if parsed is not None:
                ctx.set("passenger_name", parsed.value, where, where.line.confidence, parsed.span)
                return


def _post(ctx: ExtractContext) -> None:
    if "passenger_name" not in ctx.fields:
        _passenger(ctx)
    if "travel_date" not in ctx.fields:
        for placed in ctx.lines:
            if re.search(r"开|发车|乘车|出发", placed.compact):
                parsed = parsers.parse_date(placed.compact)
                if parsed is not None:
                    ctx.set(
                        "travel_date", parsed.value, placed, placed.line.confidence, parsed.span
                    )
                    break
    if "total_amount" not in ctx.fields:
        for placed in ctx.lines:
            if re.search(r"[¥￥]|元", placed.compact):
                parsed = parsers.parse_amount(placed.compact)
                if parsed is not None:
                    ctx.set(
                        "total_amount", parsed.value, placed, placed.line.confidence, parsed.span
                    )
                    break


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="transport_ticket",
        name="火车票 / 车票 / 行程单",
        anchors=(
            Anchor("行程单", 4, title=True),
            Anchor("电子客票行程单", 4, title=True),
            Anchor("铁路电子客票", 4, title=True),
            Anchor("中国铁路", 2),
            Anchor("车次", 2),
            Anchor("检票", 1.5),
            Anchor("二等座", 1.5),
            Anchor("一等座", 1.5),
            Anchor("硬座", 1.5),
            Anchor("硬卧", 1.5),
            Anchor("网上购票", 1),
            Anchor("限乘当日当次车", 2),
            Anchor("12306", 1),
            Anchor("客票", 1.5),
            Anchor("乘车", 1),
            Anchor("座位", 1),
            Anchor("旅客", 1),
        ),
        fields=(
            FieldSpec(
                "passenger_name",
                ("乘车人", "旅客姓名", "乘客姓名", "乘客"),
                parsers.parse_person_name,
            ),
            FieldSpec(
                "travel_date", ("乘车日期", "出发日期", "乘车时间", "日期"), parsers.parse_date
            ),
            FieldSpec("total_amount", ("票价", "金额", "合计"), parsers.parse_amount),
        ),
        negative=("增值税", "医疗收费票据"),
        post=_post,
    )
