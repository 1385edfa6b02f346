"""解除/终止劳动合同证明书."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.engine import ExtractContext
from extractors.registry import Anchor, DocumentSpec, FieldSpec, has_seal, register


def _post(ctx: ExtractContext) -> None:
    if "termination_date" in ctx.fields:
        return
    # 于2025年8月31日解除（终止）劳动合同
    for placed in ctx.lines:
        if re.search(r"解除|终止", placed.compact):
            parsed = parsers.parse_date(placed.compact)
            if parsed is not None:
                ctx.set(
                    "termination_date",
                    parsed.value,
                    placed,
                    0.9 * placed.line.confidence,
                    parsed.span,
                )
                return


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="contract_termination",
        name="解除/终止劳动合同证明书",
        anchors=(
            Anchor("解除劳动合同证明书", 4, title=True),
            Anchor("终止劳动合同证明书", 4, title=True),
            Anchor("解除（终止）劳动合同证明书", 4, title=True),
            Anchor("解除劳动合同", 3, title=True),
            Anchor("终止劳动合同", 3, title=True),
            Anchor("劳动合同证明", 2),
        ),
        fields=(
            FieldSpec("employer", ("用人单位名称", "用人单位", "单位名称"), parsers.parse_org),
            FieldSpec(
                "employee_name", ("劳动者姓名", "职工姓名", "姓名"), parsers.parse_person_name
            ),
            FieldSpec(
                "employee_id_number",
                ("身份证号码", "公民身份号码", "身份证号", "证件号码"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec(
                "termination_date",
                (
                    "解除日期",
                    "终止日期",
                    "解除（终止）日期",
                    "解除劳动合同日期",
                    "终止劳动合同日期",
                ),
                parsers.parse_date,
            ),
        ),
        visual=has_seal,
        post=_post,
    )
