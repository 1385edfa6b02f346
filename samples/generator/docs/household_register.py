"""户口簿 常住人口登记卡 — the member page with its ruled fields and the 户口专用章."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import Ctx, cn_date, register
from samples.generator.canvas import Sheet
from samples.generator.docs._layout import form_table

FIELDS = ("name", "id_number")


@register("household_register", "户口簿", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    name = ctx.get("name", p.name)
    id_number = ctx.get("id_number", p.id_number)
    relation = ctx.get(
        "relation", rng.choice(["户主", "夫", "子"] if p.gender == "男" else ["户主", "妻", "女"])
    )
    s = ctx.sheet(1240, 1000, bg=(250, 248, 240))
    s.pattern(20, 20, 1220, 980, (232, 236, 226), rng)
    s.text(620, 40, "常住人口登记卡", 46, "serif_bold", align="c")
    birth = p.birth_date
    W = [200, 260, 180, 200, 160, 180]
    rows = [
        [
            ("姓名", None, ...),
            (name, "name", ...),
            ("户主或与户主关系", None, ...),
            (relation, None, ...),
            ("性别", None, ...),
            (p.gender, None, ...),
        ],
        [
            ("曾用名", None, ...),
            ("", None, ...),
            ("出生地", None, ...),
            (f"辽宁省{p.city}", None, ...),
            ("民族", None, ...),
            (f"{p.ethnicity}族", None, ...),
        ],
        [
            ("籍贯", None, ...),
            (f"辽宁省{p.city}", None, ...),
            ("出生日期", None, ...),
            (cn_date(birth, pad=False), None, ...),
            ("宗教信仰", None, ...),
            ("", None, ...),
        ],
        [
            ("公民身份号码", None, ...),
            ("", None, ...),
            ("", None, ...),
            ("", None, ...),
            ("身高", None, ...),
            (f"{rng.randint(155, 185)}cm", None, ...),
        ],
        [
            ("文化程度", None, ...),
            (rng.choice(["高中", "大学本科", "初中", "大学专科"]), None, ...),
            ("婚姻状况", None, ...),
            (rng.choice(["已婚", "未婚"]), None, ...),
            ("兵役状况", None, ...),
            ("", None, ...),
        ],
        [
            ("服务处所", None, ...),
            (p.employer[:12], None, ...),
            ("职业", None, ...),
            ("职员", None, ...),
            ("", None, ...),
            ("", None, ...),
        ],
    ]
    x0, y0, rh = 40, 120, 70
    form_table(s, x0, y0, W, rows, row_h=rh, size=24)
    # 公民身份号码 spans three cells
    s.draw.rectangle(
        [x0 + W[0] + 3, y0 + 3 * rh + 3, x0 + sum(W[:4]) - 3, y0 + 4 * rh - 3], fill=(250, 248, 240)
    )
    s.text(x0 + W[0] + 30, y0 + 3 * rh + 20, id_number, 28, "sans", field="id_number")
    y = y0 + rh * len(rows) + 40
    s.kv(60, y, "何时由何地迁来本市（县）：", "", 22)
    y += 44
    s.kv(60, y, "何时由何地迁来本址：", "", 22)
    y += 80
    reg = dt.date(max(1990, birth.year + 18), rng.randint(1, 12), rng.randint(1, 28))
    s.kv(60, y, "登记日期：", cn_date(reg), 24)
    s.kv(600, y, "承办人签章：", "", 24)
    s.signature(800, y, rng.choice(["王丽", "刘洋", "赵敏"]), rng, size=34)
    office = f"{p.city}公安局{p.district}分局"
    s.seal(1000, y - 40, office, rng, radius=96, bottom_text="户口专用章")
    return [s]
