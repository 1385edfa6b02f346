"""结婚证 inner page: holder, registration date, certificate number, both spouses."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import Ctx, cn_date, register
from samples.generator.canvas import Sheet
from samples.generator.person import make_person

FIELDS = ("names",)


@register("marriage_certificate", "结婚证", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    spouse_gender = "女" if p.gender == "男" else "男"
    spouse = make_person(ctx.seed + 555_000, gender=spouse_gender)
    spouse_name = ctx.get("spouse_name", spouse.name)
    spouse_id = ctx.get("spouse_id_number", spouse.id_number)
    try:  # the printed birth date follows the (possibly overridden) ID number
        spouse_birth = dt.date(int(spouse_id[6:10]), int(spouse_id[10:12]), int(spouse_id[12:14]))
    except ValueError:
        spouse_birth = spouse.birth_date
    first = (p.name, p.id_number, p.gender, p.birth_date)
    second = (spouse_name, spouse_id, spouse_gender, spouse_birth)
    reg = dt.date(
        max(p.birth_date.year, spouse_birth.year) + rng.randint(22, 30),
        rng.randint(1, 12),
        rng.randint(1, 28),
    )
    s = ctx.sheet(1240, 900, bg=(255, 246, 240))
    s.pattern(20, 20, 1220, 880, (245, 220, 215), rng)
    s.text(620, 40, "结 婚 证", 50, "serif_bold", fill=(170, 30, 30), align="c")
    y = 150
    s.kv(80, y, "持证人：", p.name, 28, "hei")
    y += 56
    s.kv(80, y, "登记日期：", cn_date(reg), 28, "hei")
    y += 56
    s.kv(80, y, "结婚证字号：", f"J{p.area_code}-{reg.year}-{ctx.digits(6)}", 28, "hei")
    y += 56
    s.kv(80, y, "备注：", "", 28, "hei")
    boxes = []
    y = 460
    for nm, idn, g, b in (first, second):
        boxes.append(s.kv(80, y, "姓名", nm, 28, "hei", gap=30))
        s.kv(420, y, "性别", g, 28, "hei", gap=20)
        s.kv(640, y, "国籍", "中国", 28, "hei", gap=20)
        y += 56
        s.kv(80, y, "出生日期", f"{b:%Y-%m-%d}", 28, "hei", gap=20)
        y += 56
        s.kv(80, y, "身份证件号", idn, 28, "hei", gap=20)
        y += 90
    names = [first[0], second[0]]
    bbox = [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]
    s.record("names", names, bbox, "、".join(names))
    s.photo_placeholder(880, 140, 1160, 400, rng)
    s.seal(980, 560, f"{p.city}{p.district}民政局", rng, radius=96, bottom_text="婚姻登记专用章")
    return [s]
