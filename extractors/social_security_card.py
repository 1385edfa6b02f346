"""社会保障卡."""

from __future__ import annotations

from extractors import parsers
from extractors.registry import Anchor, DocumentSpec, FieldSpec, card_shape, register


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="social_security_card",
        name="社会保障卡",
        anchors=(
            Anchor("社会保障卡", 4, title=True),
            Anchor("中华人民共和国社会保障卡", 4, title=True),
            Anchor("社会保障号码", 3),
            Anchor("人力资源和社会保障部", 1),
            Anchor("卡号", 0.5),
            Anchor("发卡日期", 1),
        ),
        fields=(
            FieldSpec("name", ("姓名",), parsers.parse_person_name),
            FieldSpec(
                "id_number",
                ("社会保障号码", "公民身份号码", "身份证号"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec("card_number", ("社会保障卡号", "卡号"), parsers.parse_card_number),
        ),
        # receipts and forms print 社会保障号码 / 社会保障卡号 as one of their fields
        negative=(
            "收费票据",
            "票据代码",
            "票据号码",
            "金额",
            "收费",
            "医疗机构",
            "业务流水号",
            "医保类型",
            "审批表",
            "申请表",
            "登记表",
        ),
        visual=card_shape,
        multipage=True,
        repeat_anchor="社会保障号码",
    )
