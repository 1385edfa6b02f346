"""病历 / 诊断证明书 / 出院小结 / 检查报告单."""

from __future__ import annotations

from extractors import parsers
from extractors.common import visit_type_from_title
from extractors.engine import ExtractContext
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register


def _post(ctx: ExtractContext) -> None:
    visit_type_from_title(ctx)


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="medical_record",
        name="病历 / 诊断证明书 / 出院小结",
        anchors=(
            Anchor("门诊病历", 4, title=True),
            Anchor("住院病历", 4, title=True),
            Anchor("病历", 3, title=True),
            Anchor("诊断证明书", 4, title=True),
            Anchor("诊断证明", 3, title=True),
            Anchor("出院小结", 4, title=True),
            Anchor("出院记录", 4, title=True),
            Anchor("病案", 3, title=True),
            Anchor("检验报告", 3, title=True),
            Anchor("检查报告", 3, title=True),
            Anchor("报告单", 2, title=True),
            Anchor("处方笺", 3, title=True),
            Anchor("主诉", 1),
            Anchor("现病史", 1),
            Anchor("诊断", 1),
            Anchor("入院诊断", 1),
            Anchor("出院诊断", 1),
            Anchor("治疗经过", 1),
            Anchor("医师", 0.5),
            Anchor("参考值", 1),
            Anchor("检验项目", 1),
            # laboratory reports
            Anchor("参考范围", 1.5),
            Anchor("参考值", 1.5),
            Anchor("标本种类", 1),
            Anchor("标本号", 1),
            Anchor("临床诊断", 1),
            Anchor("采样时间", 1),
            Anchor("报告时间", 1),
            Anchor("申请医生", 1),
            Anchor("检验者", 1),
            Anchor("胆红素", 1),
            Anchor("转氨酶", 1),
            Anchor("白细胞", 1),
            Anchor("血红蛋白", 1),
            Anchor("门诊号", 0.5),
            Anchor("住院号", 0.5),
        ),
        fields=(
            FieldSpec("patient_name", ("患者姓名", "病人姓名", "姓名"), parsers.parse_person_name),
            FieldSpec("visit_type", (), parsers.parse_visit_type),
            FieldSpec(
                "diagnosis",
                ("出院诊断", "诊断意见", "临床诊断", "初步诊断", "诊断"),
                parsers.parse_text,
                key=False,
            ),
        ),
        negative=("收费票据", "费用清单", "死亡", "劳动能力鉴定"),
        post=_post,
        multipage=True,
    )
