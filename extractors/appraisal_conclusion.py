"""劳动能力鉴定结论（通知）书: disability grade 1–10 and nursing level."""

from __future__ import annotations

from extractors import parsers
from extractors.engine import ExtractContext
from extractors.registry import Anchor, DocumentSpec, FieldSpec, has_seal, register


def _post(ctx: ExtractContext) -> None:
    if "disability_grade" not in ctx.fields:
        for placed in ctx.lines:
            parsed = parsers.parse_grade(placed.compact)
            if parsed is not None:
                ctx.set(
                    "disability_grade",
                    parsed.value,
                    placed,
                    0.95 * placed.line.confidence,
                    parsed.span,
                )
                break
    if "nursing_level" not in ctx.fields:
        for placed in ctx.lines:
            parsed = parsers.parse_nursing(placed.compact)
            if parsed is not None:
                ctx.set(
                    "nursing_level",
                    parsed.value,
                    placed,
                    0.95 * placed.line.confidence,
                    parsed.span,
                )
                break
    if "conclusion_date" not in ctx.fields:
        last = None
        for placed in ctx.lines:
            parsed = parsers.parse_last_date(placed.compact)
            if parsed is not None:
                last = (placed, parsed)
        if last is not None:
            ctx.set(
                "conclusion_date",
                last[1].value,
                last[0],
                0.9 * last[0].line.confidence,
                last[1].span,
            )


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="appraisal_conclusion",
        name="劳动能力鉴定结论（通知）书",
        anchors=(
            Anchor("劳动能力鉴定结论书", 4, title=True),
            Anchor("劳动能力鉴定结论通知书", 4, title=True),
            Anchor("劳动能力鉴定结论", 4, title=True),
            Anchor("劳动能力鉴定", 3, title=True),
            Anchor("劳动能力鉴定委员会", 2),
            Anchor("伤残等级", 1.5),
            Anchor("生活自理障碍", 1),
            Anchor("护理依赖", 1),
            Anchor("鉴定结论", 1),
        ),
        fields=(
            FieldSpec(
                "document_number", ("文号", "编号"), parsers.parse_document_number, scan=True
            ),
            FieldSpec(
                "name", ("被鉴定人姓名", "被鉴定人", "职工姓名", "姓名"), parsers.parse_person_name
            ),
            FieldSpec(
                "id_number",
                ("公民身份号码", "身份证号码", "身份证号", "证件号码"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec(
                "disability_grade",
                ("伤残等级", "致残等级", "鉴定结论", "伤残程度"),
                parsers.parse_grade,
            ),
            FieldSpec(
                "nursing_level",
                ("生活自理障碍等级", "生活自理障碍", "护理依赖程度", "护理等级"),
                parsers.parse_nursing,
            ),
            FieldSpec("conclusion_date", ("鉴定日期", "结论日期", "作出日期"), parsers.parse_date),
        ),
        negative=("认定工伤决定书",),
        visual=has_seal,
        post=_post,
    )
