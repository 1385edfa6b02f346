"""结婚证: the two spouses' names."""

from __future__ import annotations

from extractors import parsers
from extractors.engine import ExtractContext, find_field
from extractors.registry import Anchor, DocumentSpec, FieldSpec, register

NAME = FieldSpec("name", ("姓名",), parsers.parse_person_name)


def _post(ctx: ExtractContext) -> None:
    names: list[str] = []
    found_at: list[int] = []
    where = None
    confidence = 1.0
    remaining = list(ctx.lines)
    for _ in range(2):
        cand = find_field(NAME, remaining, ("性别", "国籍", "出生日期", "身份证件号"))
        if cand is None:
            break
        names.append(str(cand.value))
        found_at.append(cand.where.index)
        where = where or cand.where
        confidence = min(confidence, cand.score)
        remaining = [p for p in remaining if p.index != cand.where.index]
    if names:
        # in reading order (the certificate lists the holders one after the other)
        order = sorted(zip(names, found_at, strict=True), key=lambda n: n[1])
        names = [n for n, _ in order]
        ctx.set("names", names, where, confidence, "、".join(names))


@register
def spec() -> DocumentSpec:
    return DocumentSpec(
        type="marriage_certificate",
        name="结婚证",
        anchors=(
            Anchor("结婚证", 4, title=True),
            Anchor("结婚证字号", 2),
            Anchor("登记日期", 1),
            Anchor("持证人", 1),
            Anchor("婚姻登记", 2),
        ),
        fields=(),
        negative=("离婚",),
        post=_post,
        multipage=True,
    )
