"""Bank debit card (银联): bank name, embossed grouped card number, optional holder name."""

from __future__ import annotations

from samples.generator.base import Ctx, register
from samples.generator.canvas import Sheet
from samples.generator.docs.id_card import CARD_H, CARD_W

FIELDS = ("card_number", "name")
COLOURS = {
    "中国工商银行": (190, 30, 40),
    "中国建设银行": (20, 70, 150),
    "中国农业银行": (0, 120, 100),
    "中国银行": (170, 20, 40),
    "交通银行": (20, 50, 120),
    "盛京银行": (180, 40, 50),
}


@register("bank_card", "银行卡", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    number = ctx.get("card_number", p.bank_card_number)
    bank = ctx.get("bank_name", p.bank_name)
    show_name = bool(ctx.get("show_name", True))
    colour = COLOURS.get(bank, (30, 80, 150))
    s = ctx.sheet(CARD_W + 40, CARD_H + 40)
    light = tuple(min(255, c + 150) for c in colour)
    s.draw.rounded_rectangle(
        [20, 20, 20 + CARD_W, 20 + CARD_H], radius=38, fill=light, outline=(150, 150, 150), width=2
    )
    s.draw.rectangle([22, 40, 18 + CARD_W, 150], fill=colour)
    s.text(70, 62, bank, 52, "sans_bold", fill=(255, 255, 255))
    s.text(CARD_W - 20, 80, "借记卡", 34, "sans_bold", fill=(255, 255, 255), align="r")
    s.draw.rounded_rectangle(
        [90, 210, 210, 300], radius=10, fill=(214, 180, 90), outline=(150, 120, 50), width=2
    )
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    s.text(80, 360, grouped, 54, "mono", fill=(40, 40, 40), field="card_number", value=number)
    s.text(80, 450, "VALID THRU " + f"{rng.randint(1, 12):02d}/{rng.randint(28, 35)}", 26, "mono")
    if show_name:
        s.text(80, 510, p.name, 36, "hei", field="name")
    s.draw.rectangle([CARD_W - 200, CARD_H - 130, CARD_W - 10, CARD_H - 20], fill=(20, 100, 160))
    s.text(CARD_W - 105, CARD_H - 110, "银联", 40, "sans_bold", fill=(255, 255, 255), align="c")
    s.text(CARD_W - 105, CARD_H - 62, "UnionPay", 22, "sans_bold", fill=(255, 255, 255), align="c")
    return [s]
