"""认定工伤决定书 / 不予认定工伤决定书."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.common import is_positive
from extractors.engine import ExtractContext
from extractors.registry import Anchor, DocumentSpec, FieldSpec, has_seal, register

NEGATIVE = r"不予认定|不予确认|不认定为工伤|不属于工伤|不视同工伤|不得认定|不构成工伤"
POSITIVE = r"予以认定|认定为工伤|视同工伤|属于工伤|予以确认|确认为工伤|构成工伤"
_DATE_SHAPED = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def _post(ctx: ExtractContext) -> None:
    # the conclusion: title first (不予认定工伤决定书), then the decision sentence
    text = ctx.text.replace(" ", "")
    verdict = is_positive(text, POSITIVE, NEGATIVE)
    if verdict is not None:
        hit = ctx.find(NEGATIVE if verdict is False else POSITIVE)
        where = hit[0] if hit else None
        ctx.set("is_work_injury", verdict, where, where.line.confidence if where else 0.7)
    # the decision date is the last date on the document (above or beside the seal)
    last = None
    unreadable_after = False
    for placed in ctx.lines:
        parsed = parsers.parse_last_date(placed.compact)
        if parsed is not None:
            last, unreadable_after = (placed, parsed), False
        elif _DATE_SHAPED.search(placed.compact):
            unreadable_after = True  # 2025年40月14日: a misread date that is no date
    if last is not None and "decision_date" not in ctx.fields:
        confidence = 0.9 * last[0].line.confidence
        if unreadable_after:
            # the date under the signature could not be read: an earlier date is a guess
            confidence *= 0.5
        ctx.set("decision_date", last[1].value, last[0], confidence, last[1].span)


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="injury_decision",
        name="认定工伤决定书",
        anchors=(
            Anchor("认定工伤决定书", 4, title=True),
            Anchor("工伤认定决定书", 4, title=True),
            Anchor("不予认定工伤决定书", 4, title=True),
            Anchor("工伤认定", 1),
            Anchor("工伤保险条例", 1),
            Anchor("事故时间", 0.5),
            Anchor("受伤害部位", 0.5),
            Anchor("人力资源和社会保障局", 0.5),
            Anchor("工伤认字", 1.5),
        ),
        fields=(
            FieldSpec(
                "document_number", ("文号", "编号"), parsers.parse_document_number, scan=True
            ),
            FieldSpec(
                "employee_name",
                ("职工姓名", "受伤职工", "姓名", "受伤害职工"),
                parsers.parse_person_name,
            ),
            FieldSpec(
                "employee_id_number",
                ("公民身份号码", "身份证号码", "身份证号", "证件号码"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec(
                "employer", ("用人单位", "工作单位", "单位名称", "申请人"), parsers.parse_org
            ),
            FieldSpec(
                "injury_date",
                (
                    "事故时间",
                    "受伤时间",
                    "受伤害时间",
                    "事故发生时间",
                    "受伤日期",
                    "事故日期",
                    "发病时间",
                    "受伤害日期",
                ),
                parsers.parse_date,
            ),
            FieldSpec("decision_date", ("决定日期", "认定日期", "作出日期"), parsers.parse_date),
            FieldSpec("is_work_injury", (), parsers.parse_text),
        ),
        negative=("医疗收费票据", "劳动能力鉴定"),
        visual=has_seal,
        post=_post,
    )
