"""医院门诊/住院费用清单 — itemised list with 医保类别, totals per page."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, hospital_for, money, parse_date, register
from samples.generator.canvas import Sheet
from samples.generator.docs._medical import DEPARTMENTS, items_total, make_items

FIELDS = ("patient_name", "total_amount", "visit_type")


@register("expense_list", "医疗费用清单", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    visit = ctx.get("visit_type", "门诊")
    items = ctx.get("items", make_items(rng, visit))
    total = money(ctx.get("total_amount", items_total(items)))
    hospital = ctx.get("issuer", hospital_for(ctx))
    dept = ctx.get("department", rng.choice(DEPARTMENTS))
    day = parse_date(
        ctx.get("issue_date", ctx.date_between(dt.date(2025, 3, 1), dt.date(2026, 2, 20)))
    )
    patient = ctx.get("patient_name", p.name)

    s = ctx.sheet(*A4)
    s.text(620, 70, hospital, 40, "serif_bold", align="c")
    title = f"{visit}费用明细清单"
    s.text(620, 130, title, 36, "sans_bold", align="c", field="visit_type", value=visit, sub=visit)
    y = 210
    s.kv(70, y, "姓名：", patient, 24, field="patient_name")
    s.kv(360, y, "性别：", p.gender, 24)
    s.kv(540, y, "年龄：", f"{p.age}岁", 24)
    s.kv(780, y, "科室：", dept, 24)
    y = 252
    no_label = "住院号：" if visit == "住院" else "门诊号："
    s.kv(70, y, no_label, ctx.digits(9), 24)
    if visit == "住院":
        admitted = parse_date(
            ctx.get("admission_date", day - dt.timedelta(days=rng.randint(5, 14)))
        )
        s.kv(360, y, "住院日期：", f"{admitted:%Y-%m-%d}至{day:%Y-%m-%d}", 24)
    else:
        s.kv(360, y, "就诊日期：", f"{day:%Y-%m-%d}", 24)
    s.kv(850, y, "费别：", "工伤保险", 24)
    rows = [["项目名称", "规格", "单位", "数量", "单价", "金额", "类别"]]
    for it in items:
        rows.append(
            [
                it["name"],
                it["spec"],
                it["unit"],
                str(it["qty"]),
                it["price"],
                it["amount"],
                it["class"],
            ]
        )
    widths = [330, 170, 80, 90, 140, 150, 120]
    s.table(70, 310, widths, rows, row_h=46, size=21, align=["l", "c", "c", "r", "r", "r", "c"])
    ty = 310 + 46 * len(rows) + 30
    s.kv(
        70,
        ty,
        "合计金额（元）：",
        total,
        26,
        kind="sans_bold",
        value_kind="sans",
        field="total_amount",
    )
    s.kv(700, ty, "打印日期：", f"{day:%Y-%m-%d}", 22)
    s.text(620, 1660, "第1页 共1页", 20, align="c")
    s.text(
        70,
        ty + 60,
        "说明：本清单仅供核对费用使用，甲类、乙类为工伤保险药品及诊疗项目目录类别。",
        20,
    )
    s.seal(960, ty + 40, hospital, rng, radius=86, bottom_text="收费专用章")
    return [s]
