"""火化证明 issued by a 殡仪馆 (funeral home), half-A4 landscape with counterfoil number."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import Ctx, cn_date, parse_date, register
from samples.generator.canvas import RED, Sheet

FIELDS = ("name", "id_number", "cremation_date", "death_date", "issuer")


@register("cremation_certificate", "火化证明", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    died = parse_date(
        ctx.get("death_date", ctx.date_between(dt.date(2024, 9, 1), dt.date(2025, 12, 31)))
    )
    cremated = parse_date(ctx.get("cremation_date", died + dt.timedelta(days=rng.randint(2, 5))))
    home = ctx.get("issuer", f"{p.city}殡仪馆")
    name = ctx.get("name", p.name)
    id_number = ctx.get("id_number", p.id_number)

    s = ctx.sheet(1240, 860, bg=(253, 251, 246))
    s.rect(30, 30, 1210, 830, width=3)
    s.text(620, 60, "火 化 证 明", 50, "serif_bold", align="c")
    s.text(1160, 80, "NO", 26, "serif_bold", fill=RED, align="r")
    s.text(1100, 80, f"{ctx.digits(7)}", 28, "mono", fill=RED, align="r")
    y = 180
    s.kv(90, y, "死者姓名：", name, 28, "serif", field="name")
    s.kv(560, y, "性别：", p.gender, 28, "serif")
    s.kv(820, y, "年龄：", f"{died.year - p.birth_date.year}岁", 28, "serif")
    y += 64
    s.kv(90, y, "身份证号码：", id_number, 28, "serif", field="id_number")
    y += 64
    s.kv(90, y, "户籍地址：", p.address[:24], 28, "serif")
    y += 64
    s.kv(
        90, y, "死亡日期：", cn_date(died), 28, "serif", field="death_date", fvalue=died.isoformat()
    )
    s.kv(
        640,
        y,
        "火化日期：",
        cn_date(cremated),
        28,
        "serif",
        field="cremation_date",
        fvalue=cremated.isoformat(),
    )
    y += 90
    s.text(150, y, f"兹证明死者{name}的遗体已于{cn_date(cremated)}在我馆火化。", 28, "serif")
    y += 60
    s.text(150, y, "特此证明。", 28, "serif")
    s.text(1120, 660, home, 30, "serif", align="r", field="issuer")
    s.text(1120, 716, cn_date(cremated), 28, "serif", align="r")
    s.seal(930, 690, home, rng, radius=96, bottom_text="火化证明专用章")
    return [s]
