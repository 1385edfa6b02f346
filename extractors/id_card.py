"""居民身份证 (front: name, ID number…; back: issuing authority, validity)."""

from __future__ import annotations

from extractors import parsers
from extractors.registry import Anchor, DocumentSpec, FieldSpec, card_shape, register


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="id_card",
        name="居民身份证",
        anchors=(
            Anchor("公民身份号码", 3.5),
            Anchor("居民身份证", 3),
            Anchor("签发机关", 1.5),
            Anchor("有效期限", 1.5),
            Anchor("姓名", 0.5),
            Anchor("性别", 0.5),
            Anchor("民族", 1),
            Anchor("出生", 0.5),
            Anchor("住址", 1),
        ),
        fields=(
            FieldSpec("name", ("姓名",), parsers.parse_person_name),
            FieldSpec(
                "id_number",
                ("公民身份号码", "身份号码", "身份证号"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec("gender", ("性别",), parsers.parse_gender, key=False),
            FieldSpec("birth_date", ("出生",), parsers.parse_date, key=False),
            FieldSpec("issuer", ("签发机关",), parsers.parse_org, key=False),
        ),
        negative=("社会保障卡", "社会保障号码", "常住人口登记卡", "户主"),
        visual=card_shape,
        multipage=True,  # the back (issuing authority, validity) follows the front
        repeat_anchor="公民身份号码",
    )
