"""承诺书（告知承诺制）."""

from __future__ import annotations

from extractors import parsers
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="commitment_letter",
        name="承诺书",
        anchors=(
            Anchor("承诺书", 4, title=True),
            Anchor("告知承诺", 2),
            Anchor("本人承诺", 2),
            Anchor("承诺人", 1.5),
        ),
        fields=(
            FieldSpec(
                "signer_name",
                # the typed 承诺人：name reads better than the signature line
                ("承诺人", "承诺人（签字）", "承诺人(签字)", "承诺人签字", "承诺人签名"),
                parsers.parse_person_name,
            ),
            FieldSpec(
                "id_number",
                ("身份证号码", "公民身份号码", "身份证号"),
                parsers.parse_id_number,
                key=False,
            ),
        ),
        negative=("授权委托书",),
    )
