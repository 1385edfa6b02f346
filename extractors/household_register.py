"""户口簿（常住人口登记卡）."""

from __future__ import annotations

from extractors import parsers
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="household_register",
        name="户口簿",
        anchors=(
            Anchor("常住人口登记卡", 4, title=True),
            Anchor("居民户口簿", 4, title=True),
            Anchor("户口簿", 4, title=True),
            Anchor("户主或与户主关系", 2),
            Anchor("与户主关系", 2),
            Anchor("户号", 1),
            Anchor("户别", 1),
            Anchor("曾用名", 1),
            Anchor("籍贯", 0.5),
        ),
        fields=(
            FieldSpec("name", ("姓名",), parsers.parse_person_name),
            FieldSpec(
                "id_number",
                ("公民身份证件编号", "公民身份号码", "身份证件编号", "身份证号"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec("gender", ("性别",), parsers.parse_gender, key=False),
            FieldSpec("birth_date", ("出生日期",), parsers.parse_date, key=False),
        ),
        negative=("注销",),
        multipage=True,
    )
