"""医疗费用清单（门诊/住院费用明细）."""

from __future__ import annotations

from extractors import parsers
from extractors.common import visit_type_from_title
from extractors.engine import ExtractContext, table_items
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register


def _post(ctx: ExtractContext) -> None:
    visit_type_from_title(ctx)
    ctx.items = table_items(ctx)


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="expense_list",
        name="医疗费用清单",
        anchors=(
            Anchor("费用清单", 4, title=True),
            Anchor("费用明细清单", 4, title=True),
            Anchor("费用明细", 3, title=True),
            Anchor("住院费用清单", 4, title=True),
            Anchor("门诊费用清单", 4, title=True),
            Anchor("收费明细", 2),
            Anchor("单价", 0.5),
            Anchor("数量", 0.5),
            Anchor("规格", 0.5),
        ),
        fields=(
            FieldSpec("patient_name", ("患者姓名", "病人姓名", "姓名"), parsers.parse_person_name),
            FieldSpec(
                "total_amount",
                ("费用总额", "总金额", "总计", "合计金额", "金额合计", "合计"),
                parsers.parse_amount,
            ),
            FieldSpec("visit_type", (), parsers.parse_visit_type),
        ),
        negative=("收费票据", "增值税"),
        post=_post,
        multipage=True,
    )
