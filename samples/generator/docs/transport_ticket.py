"""China Railway ticket (blue, 87 x 54 mm): train, stations, date, seat, fare, passenger."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import Ctx, money, parse_date, register
from samples.generator.canvas import RED, Sheet

FIELDS = ("passenger_name", "travel_date", "total_amount")
ROUTES = [
    ("沈阳北", "Shenyangbei", "北京朝阳", "Beijingchaoyang", "G"),
    ("朝阳", "Chaoyang", "沈阳", "Shenyang", "D"),
    ("大连北", "Dalianbei", "沈阳北", "Shenyangbei", "G"),
    ("锦州南", "Jinzhounan", "北京", "Beijing", "G"),
    ("沈阳", "Shenyang", "哈尔滨西", "Haerbinxi", "G"),
]


@register("transport_ticket", "火车票 / 车票 / 行程单", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    a, a_py, b, b_py, kind = ctx.get("route", rng.choice(ROUTES))
    day = parse_date(
        ctx.get("travel_date", ctx.date_between(dt.date(2025, 1, 1), dt.date(2026, 3, 31)))
    )
    fare = money(ctx.get("total_amount", round(rng.uniform(60, 320), 1)))
    name = ctx.get("passenger_name", p.name)
    train = f"{kind}{rng.randint(100, 8999)}"

    s = ctx.sheet(1044, 648, bg=(214, 232, 246))
    s.pattern(10, 10, 1034, 638, (196, 218, 238), rng)
    s.text(
        60, 40, f"{ctx.digits(1)}{rng.choice('ABCDEFGHJK')}{ctx.digits(6)}", 30, "mono", fill=RED
    )
    s.text(700, 44, "检票：" + f"{rng.randint(1, 20)}", 26, "sans")
    s.text(190, 110, a + "站", 48, "sans_bold", align="c")
    s.text(190, 172, a_py, 24, "sans", align="c")
    s.text(520, 120, train, 40, "sans_bold", align="c")
    s.line(420, 176, 620, 176, 3)
    s.text(850, 110, b + "站", 48, "sans_bold", align="c")
    s.text(850, 172, b_py, 24, "sans", align="c")
    date_txt = f"{day.year}年{day.month:02d}月{day.day:02d}日"
    b1 = s.text(60, 230, date_txt, 34, "sans", field="travel_date", value=day.isoformat())
    s.text(
        b1[2] + 12,
        230,
        f"{rng.randint(6, 20):02d}:{rng.choice(['05', '18', '30', '42'])}开",
        34,
        "sans",
    )
    s.text(
        700,
        230,
        f"{rng.randint(1, 16):02d}车{rng.randint(1, 20):02d}{rng.choice('ABCDF')}号",
        34,
        "sans",
    )
    s.text(60, 290, "¥", 34, "sans")
    fb = s.text(90, 290, fare, 34, "sans", field="total_amount", value=fare)
    s.text(fb[2] + 6, 290, "元", 34, "sans")
    s.text(700, 290, rng.choice(["二等座", "一等座"]), 34, "sans")
    s.text(60, 350, "限乘当日当次车", 24, "sans")
    masked = p.id_number[:10] + "****" + p.id_number[14:]
    s.text(60, 410, masked, 30, "sans")
    s.text(420, 410, name, 30, "sans", field="passenger_name")
    s.rect(60, 470, 640, 530, width=2, outline=(90, 90, 90))
    s.text(350, 480, "买票请到12306 发货请到95306", 24, "sans", align="c")
    nb = s.text(60, 560, ctx.digits(21), 22, "mono")
    s.text(nb[2] + 12, 556, f"{a}售", 22, "sans")
    s.qr(830, 420, f"{train}|{day:%Y%m%d}|{fare}", size=170)
    return [s]
