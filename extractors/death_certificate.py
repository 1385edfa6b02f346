"""居民死亡医学证明（推断）书."""

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
        type="death_certificate",
        name="居民死亡医学证明（推断）书",
        anchors=(
            Anchor("居民死亡医学证明", 4, title=True),
            Anchor("死亡医学证明", 4, title=True),
            Anchor("死亡证明", 3, title=True),
            Anchor("死亡原因", 1.5),
            Anchor("直接死亡原因", 1),
            Anchor("根本死亡原因", 1),
            Anchor("死亡日期", 1),
            Anchor("死亡地点", 1),
        ),
        fields=(
            FieldSpec("name", ("死者姓名", "姓名"), parsers.parse_person_name),
            FieldSpec(
                "id_number",
                ("身份证件号码", "有效身份证件号码", "身份证号码", "证件号码", "身份证号"),
                parsers.parse_id_number,
                scan=True,
            ),
            FieldSpec("gender", ("性别",), parsers.parse_gender),
            FieldSpec("death_date", ("死亡日期", "死亡时间"), parsers.parse_date),
            FieldSpec(
                "issuer",
                ("医疗卫生机构", "医疗机构名称", "填报单位", "签发单位", "医疗机构"),
                parsers.parse_org,
            ),
            FieldSpec("birth_date", ("出生日期",), parsers.parse_date, key=False),
        ),
        negative=("火化证明", "注销户口"),
        visual=has_seal,
        post=_post,
    )
