"""授权委托书: who authorises whom (代办)."""

from __future__ import annotations

from extractors import parsers
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="power_of_attorney",
        name="授权委托书",
        anchors=(
            Anchor("授权委托书", 4, title=True),
            Anchor("委托书", 3, title=True),
            Anchor("委托人", 1.5),
            Anchor("受托人", 1.5),
            Anchor("委托事项", 1),
            Anchor("代为办理", 1),
        ),
        fields=(
            FieldSpec(
                "principal_name",
                ("委托人（签字）", "委托人姓名", "委托人"),
                parsers.parse_person_name,
            ),
            FieldSpec(
                "agent_name",
                ("受托人姓名", "受托人", "被委托人", "代理人"),
                parsers.parse_person_name,
            ),
            FieldSpec(
                "principal_id_number", ("委托人身份证号码",), parsers.parse_id_number, key=False
            ),
        ),
        stop_labels=("身份证号码", "联系电话", "与委托人关系"),
    )
