"""火化证明."""

from __future__ import annotations

from extractors import parsers
from extractors.common import issuer_fallback
from extractors.engine import ExtractContext
from extractors.registry import Anchor, DocumentSpec, FieldSpec, has_seal, register


def _post(ctx: ExtractContext) -> None:
    issuer_fallback(ctx, pick_last=True)


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="cremation_certificate",
        name="火化证明",
        anchors=(
            Anchor("火化证明", 4, title=True),
            Anchor("遗体火化证明", 4, title=True),
            Anchor("火化证", 3, title=True),
            Anchor("火化日期", 1.5),
            Anchor("殡仪馆", 1),
            Anchor("火化", 1),
            Anchor("遗体", 0.5),
        ),
        fields=(
            FieldSpec("name", ("死者姓名", "逝者姓名", "姓名"), parsers.parse_person_name),
            FieldSpec(
                "id_number",
                ("身份证号码", "身份证件号码", "证件号码", "身份证号"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec("cremation_date", ("火化日期", "火化时间"), parsers.parse_date),
            FieldSpec("death_date", ("死亡日期", "死亡时间"), parsers.parse_date),
            FieldSpec("issuer", ("火化单位", "殡仪馆名称", "出具单位"), parsers.parse_org),
        ),
        visual=has_seal,
        post=_post,
    )
