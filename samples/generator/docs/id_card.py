"""居民身份证 (front and back), as the card itself or as an A4 photocopy of both sides."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, register
from samples.generator.canvas import Sheet

FIELDS = ("name", "id_number")
CARD_W, CARD_H = 1012, 638  # 85.6 x 54 mm at 300 dpi
LABEL = (40, 90, 150)


def _card_bg(
    s: Sheet, x0: int, y0: int, w: int, h: int, ctx: Ctx, tint: tuple[int, int, int]
) -> None:
    s.draw.rounded_rectangle(
        [x0, y0, x0 + w, y0 + h], radius=int(h * 0.06), fill=tint, outline=(180, 180, 180), width=2
    )
    s.pattern(x0 + 12, y0 + 12, x0 + w - 12, y0 + h - 12, (222, 228, 236), ctx.rng)


def draw_front(s: Sheet, ctx: Ctx, x0: int, y0: int, k: float, name: str, id_number: str) -> None:
    """Front side at scale k (1.0 = 300 dpi card)."""
    p = ctx.person
    w, h = int(CARD_W * k), int(CARD_H * k)
    _card_bg(s, x0, y0, w, h, ctx, (246, 248, 250))
    fs = int(30 * k)
    lx = x0 + int(60 * k)
    vx = x0 + int(160 * k)
    y = y0 + int(70 * k)
    s.text(lx, y, "姓名", fs, "hei", fill=LABEL)
    s.text(vx, y - 4 * k, name, int(38 * k), "hei", field="name")
    y += int(82 * k)
    s.text(lx, y, "性别", fs, "hei", fill=LABEL)
    s.text(vx, y, p.gender, int(32 * k), "hei")
    s.text(vx + int(130 * k), y, "民族", fs, "hei", fill=LABEL)
    s.text(vx + int(230 * k), y, p.ethnicity, int(32 * k), "hei")
    y += int(72 * k)
    b = p.birth_date
    s.text(lx, y, "出生", fs, "hei", fill=LABEL)
    s.text(vx, y, f"{b.year}", int(32 * k), "hei")
    s.text(vx + int(100 * k), y, "年", fs, "hei", fill=LABEL)
    s.text(vx + int(150 * k), y, f"{b.month}", int(32 * k), "hei")
    s.text(vx + int(195 * k), y, "月", fs, "hei", fill=LABEL)
    s.text(vx + int(245 * k), y, f"{b.day}", int(32 * k), "hei")
    s.text(vx + int(290 * k), y, "日", fs, "hei", fill=LABEL)
    y += int(72 * k)
    s.text(lx, y, "住址", fs, "hei", fill=LABEL)
    addr = p.address
    per_line = 11
    for i in range(0, min(len(addr), per_line * 3), per_line):
        s.text(vx, y, addr[i : i + per_line], int(32 * k), "hei")
        y += int(46 * k)
    s.text(lx, y0 + int(520 * k), "公民身份号码", fs, "hei", fill=LABEL)
    s.text(x0 + int(340 * k), y0 + int(514 * k), id_number, int(40 * k), "hei", field="id_number")
    s.photo_placeholder(
        x0 + int(640 * k), y0 + int(70 * k), x0 + int(940 * k), y0 + int(440 * k), ctx.rng
    )


def draw_back(s: Sheet, ctx: Ctx, x0: int, y0: int, k: float) -> None:
    p = ctx.person
    w, h = int(CARD_W * k), int(CARD_H * k)
    _card_bg(s, x0, y0, w, h, ctx, (248, 246, 240))
    cx, cy, r = x0 + int(150 * k), y0 + int(150 * k), int(90 * k)
    s.draw.ellipse(
        [cx - r, cy - r, cx + r, cy + r], outline=(200, 40, 40), width=max(2, int(8 * k))
    )
    s.draw.ellipse([cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2], fill=(230, 180, 60))
    s.text(
        x0 + int(600 * k), y0 + int(110 * k), "中华人民共和国", int(50 * k), "serif_bold", align="c"
    )
    s.text(x0 + int(600 * k), y0 + int(200 * k), "居民身份证", int(70 * k), "serif_bold", align="c")
    start = dt.date(
        max(2006, p.birth_date.year + 26), p.birth_date.month, min(p.birth_date.day, 28)
    )
    end = dt.date(start.year + 20, start.month, start.day)
    s.text(x0 + int(180 * k), y0 + int(430 * k), "签发机关", int(30 * k), "hei", fill=LABEL)
    s.text(
        x0 + int(350 * k), y0 + int(428 * k), f"{p.city}公安局{p.district}分局", int(32 * k), "hei"
    )
    s.text(x0 + int(180 * k), y0 + int(510 * k), "有效期限", int(30 * k), "hei", fill=LABEL)
    s.text(
        x0 + int(350 * k), y0 + int(508 * k), f"{start:%Y.%m.%d}-{end:%Y.%m.%d}", int(32 * k), "hei"
    )


@register("id_card", "居民身份证", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    name = ctx.get("name", ctx.person.name)
    id_number = ctx.get("id_number", ctx.person.id_number)
    layout = ctx.get("layout", "card")
    if layout == "card":
        s = ctx.sheet(CARD_W + 40, CARD_H + 40, bg=(255, 255, 255))
        draw_front(s, ctx, 20, 20, 1.0, name, id_number)
        return [s]
    s = ctx.sheet(*A4)
    k = 0.9
    x0 = (A4[0] - int(CARD_W * k)) // 2
    draw_front(s, ctx, x0, 180, k, name, id_number)
    draw_back(s, ctx, x0, 180 + int(CARD_H * k) + 120, k)
    return [s]
