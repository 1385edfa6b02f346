"""《辽宁省工伤保险经办业务证明事项承诺书》 (or a relatives' joint commitment) signed by hand."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, cn_date, parse_date, register
from samples.generator.canvas import Sheet

FIELDS = ("signer_name",)


@register("commitment_letter", "承诺书", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    signer = ctx.get("signer_name", p.name)
    title = ctx.get("title", "辽宁省工伤保险经办业务证明事项承诺书")
    day = parse_date(
        ctx.get("issue_date", ctx.date_between(dt.date(2025, 6, 1), dt.date(2026, 4, 30)))
    )
    matter = ctx.get("matter", "工伤保险待遇申领")
    s = ctx.sheet(*A4)
    s.text(620, 100, title, 36 if len(title) > 14 else 44, "serif_bold", align="c")
    y = 230
    s.kv(90, y, "承诺人：", signer, 28, "serif", field="signer_name")
    s.kv(620, y, "联系电话：", p.phone, 28, "serif")
    y += 56
    s.kv(90, y, "身份证号码：", p.id_number, 28, "serif")
    y += 56
    s.kv(90, y, "承诺事项：", matter, 28, "serif")
    y += 90
    body = [
        "本人自愿作出以下承诺：",
        "一、本人已知晓社会保险经办机构告知的全部内容，所提供的材料及填报的信息真实、准确、完整、有效。",
        "二、本人符合该事项规定的条件，愿意承担不实承诺的法律责任。",
        "三、如有虚假承诺、骗取社会保险待遇的，本人愿承担相应的法律责任，并退还已领取的全部待遇。",
        "四、本承诺书一式两份，承诺人和经办机构各执一份。",
    ]
    for para in body:
        y = s.paragraph(90, y, para, 1060, 28) + 8
    y = max(y + 100, 1250)
    s.text(640, y, "承诺人（签字）：", 28, "serif")
    s.signature(880, y, signer, rng, size=42)
    s.fingerprint(1090, y + 20, rng)
    s.text(640, y + 80, cn_date(day), 28, "serif")
    return [s]
