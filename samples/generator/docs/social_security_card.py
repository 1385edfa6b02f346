"""中华人民共和国社会保障卡 (third generation, with bank 金融功能), card or A4 copy."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, register
from samples.generator.canvas import Sheet
from samples.generator.docs.id_card import CARD_H, CARD_W

FIELDS = ("name", "id_number", "card_number")


def draw_card(
    s: Sheet, ctx: Ctx, x0: int, y0: int, k: float, name: str, id_number: str, card_number: str
) -> None:
    p, rng = ctx.person, ctx.rng
    w, h = int(CARD_W * k), int(CARD_H * k)
    s.draw.rounded_rectangle(
        [x0, y0, x0 + w, y0 + h],
        radius=int(h * 0.06),
        fill=(236, 244, 252),
        outline=(170, 180, 190),
        width=2,
    )
    s.draw.rectangle([x0 + 2, y0 + int(20 * k), x0 + w - 2, y0 + int(140 * k)], fill=(28, 92, 170))
    s.draw.ellipse(
        [x0 + int(40 * k), y0 + int(35 * k), x0 + int(125 * k), y0 + int(120 * k)],
        outline=(255, 255, 255),
        width=max(2, int(6 * k)),
    )
    s.text(
        x0 + int(560 * k),
        y0 + int(48 * k),
        "中华人民共和国社会保障卡",
        int(52 * k),
        "sans_bold",
        fill=(255, 255, 255),
        align="c",
    )
    s.draw.rounded_rectangle(
        [x0 + int(70 * k), y0 + int(190 * k), x0 + int(190 * k), y0 + int(280 * k)],
        radius=8,
        fill=(214, 180, 90),
        outline=(150, 120, 50),
        width=2,
    )
    fs = int(30 * k)
    lx, vx = x0 + int(260 * k), x0 + int(470 * k)
    y = y0 + int(180 * k)
    s.text(lx, y, "姓    名", fs, "hei")
    s.text(vx, y - int(2 * k), name, int(34 * k), "hei", field="name")
    y += int(62 * k)
    s.text(lx, y, "社会保障号码", fs, "hei")
    s.text(vx, y, id_number, int(32 * k), "hei", field="id_number")
    y += int(62 * k)
    s.text(lx, y, "社会保障卡号", fs, "hei")
    s.text(vx, y, card_number, int(32 * k), "hei", field="card_number")
    y += int(62 * k)
    issued = dt.date(2018 + rng.randint(0, 6), rng.randint(1, 12), 1)
    s.text(lx, y, "发卡日期", fs, "hei")
    s.text(vx, y, f"{issued.year}年{issued.month:02d}月", int(32 * k), "hei")
    s.text(
        x0 + int(60 * k),
        y0 + int(560 * k),
        p.bank_name,
        int(30 * k),
        "sans_bold",
        fill=(160, 20, 30),
    )
    s.draw.rectangle(
        [x0 + w - int(190 * k), y0 + h - int(120 * k), x0 + w - int(40 * k), y0 + h - int(30 * k)],
        fill=(20, 100, 160),
    )
    s.text(
        x0 + w - int(115 * k),
        y0 + h - int(100 * k),
        "银联",
        int(36 * k),
        "sans_bold",
        fill=(255, 255, 255),
        align="c",
    )
    s.photo_placeholder(
        x0 + int(60 * k), y0 + int(300 * k), x0 + int(220 * k), y0 + int(500 * k), rng
    )


def draw_back(s: Sheet, ctx: Ctx, x0: int, y0: int, k: float) -> None:
    w, h = int(CARD_W * k), int(CARD_H * k)
    s.draw.rounded_rectangle(
        [x0, y0, x0 + w, y0 + h],
        radius=int(h * 0.06),
        fill=(246, 248, 250),
        outline=(170, 180, 190),
        width=2,
    )
    s.draw.rectangle([x0 + 2, y0 + int(60 * k), x0 + w - 2, y0 + int(140 * k)], fill=(40, 40, 40))
    lines = [
        "1. 本卡是持卡人享受社会保障和公共服务的凭证。",
        "2. 本卡具有金融功能，请妥善保管，遗失请及时挂失。",
        "3. 服务热线：12333",
        "发卡机构：辽宁省人力资源和社会保障厅",
    ]
    y = y0 + int(200 * k)
    for line in lines:
        s.text(x0 + int(60 * k), y, line, int(28 * k), "sans")
        y += int(56 * k)


@register("social_security_card", "社会保障卡", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    p = ctx.person
    name = ctx.get("name", p.name)
    id_number = ctx.get("id_number", p.id_number)
    card_number = ctx.get("card_number", p.social_security_card_number)
    layout = ctx.get("layout", "card")
    if layout == "card":
        s = ctx.sheet(CARD_W + 40, CARD_H + 40)
        draw_card(s, ctx, 20, 20, 1.0, name, id_number, card_number)
        return [s]
    s = ctx.sheet(*A4)
    k = 0.9
    x0 = (A4[0] - int(CARD_W * k)) // 2
    draw_card(s, ctx, x0, 180, k, name, id_number, card_number)
    draw_back(s, ctx, x0, 180 + int(CARD_H * k) + 120, k)
    return [s]
