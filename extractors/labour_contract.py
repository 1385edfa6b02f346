"""劳动合同（书）: the parties and the term (which must cover the injury date)."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.engine import ExtractContext
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register

TERM = re.compile(r"(合同期限|期限|自|从)")


def _post(ctx: ExtractContext) -> None:
    # 合同期限：自2024年1月1日起至2026年12月31日止 (may wrap onto the next line)
    for i, placed in enumerate(ctx.lines):
        if not TERM.search(placed.compact) or not parsers.find_dates(placed.compact):
            continue
        text = placed.compact
        if len(parsers.find_dates(text)) < 2 and i + 1 < len(ctx.lines):
            text += ctx.lines[i + 1].compact
        rng = parsers.parse_date_range(text)
        if rng is not None and re.search(r"至|到|止", text):
            start, end = rng
            ctx.set("term_start", start.value, placed, placed.line.confidence, start.span)
            ctx.set("term_end", end.value, placed, placed.line.confidence, end.span)
            return
        if "无固定期限" in text:
            start = parsers.parse_date(text)
            if start is not None:
                ctx.set("term_start", start.value, placed, placed.line.confidence, start.span)
                ctx.set("term_end", None, placed, placed.line.confidence, "无固定期限")
                return


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="labour_contract",
        name="劳动合同（书）",
        anchors=(
            Anchor("劳动合同书", 4, title=True),
            Anchor("劳动合同", 3, title=True),
            Anchor("甲方", 1),
            Anchor("乙方", 1),
            Anchor("合同期限", 1.5),
            Anchor("工作内容", 0.5),
            Anchor("劳动报酬", 1),
            Anchor("用人单位", 0.5),
        ),
        fields=(
            FieldSpec(
                "employer",
                ("甲方（用人单位）", "甲方(用人单位)", "用人单位名称", "甲方", "用人单位"),
                parsers.parse_org,
            ),
            FieldSpec(
                "employee_name",
                ("乙方（劳动者）", "乙方(劳动者)", "乙方", "劳动者姓名", "姓名"),
                parsers.parse_person_name,
            ),
            FieldSpec(
                "employee_id_number",
                ("居民身份证号码", "身份证号码", "公民身份号码", "身份证号", "证件号码"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec("term_start", (), parsers.parse_date),
            FieldSpec("term_end", (), parsers.parse_date),
        ),
        negative=("解除", "终止劳动合同证明"),
        post=_post,
        multipage=True,
        stop_labels=("法定代表人", "委托代理人", "住所", "户籍"),
    )
