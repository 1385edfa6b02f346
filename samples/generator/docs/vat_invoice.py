"""增值税电子普通发票 (with 发票代码) or 全电 电子发票（普通发票） (20-digit number, no code)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from samples.generator.base import Ctx, cn_date, money, parse_date, register, rmb_upper
from samples.generator.canvas import Sheet

FIELDS = (
    "invoice_code",
    "invoice_number",
    "issue_date",
    "buyer_name",
    "seller_name",
    "total_amount",
)
SELLERS = [
    ("沈阳铁路局集团客运服务有限公司", "*运输服务*客运服务费", "次"),
    ("北京如家酒店管理有限公司沈阳太原街分店", "*住宿服务*住宿费", "天"),
    ("大连锦江之星酒店有限公司", "*住宿服务*住宿费", "天"),
    ("辽宁省交通客运集团有限公司", "*运输服务*客运服务费", "次"),
]
BROWN = (150, 80, 40)


def vat_qr_payload(code: str, number: str, amount_ex_tax: str, date: dt.date, check: str) -> str:
    """National VAT invoice QR layout: 01,版本,代码,号码,金额,YYYYMMDD,校验码,CRC."""
    return f"01,32,{code},{number},{amount_ex_tax},{date:%Y%m%d},{check},A1B2"


@register("vat_invoice", "增值税发票 / 电子发票", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    full_digital = bool(ctx.get("full_digital", rng.random() < 0.5))
    seller, item, unit = ctx.get("seller", rng.choice(SELLERS))
    seller = ctx.get("seller_name", seller)
    buyer = ctx.get("buyer_name", p.name)
    issued = parse_date(
        ctx.get("issue_date", ctx.date_between(dt.date(2025, 1, 1), dt.date(2026, 3, 31)))
    )
    qty = rng.randint(1, 4)
    price = Decimal(str(round(rng.uniform(120, 420), 2)))
    rate = Decimal("0.06") if "住宿" in item else Decimal("0.09")
    total = Decimal(money(ctx.get("total_amount", money(price * qty * (1 + rate)))))
    ex_tax = (total / (1 + rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    tax = total - ex_tax
    code = None if full_digital else ctx.get("invoice_code", "0" + ctx.digits(11))
    number = ctx.get(
        "invoice_number", f"{issued:%y}21" + ctx.digits(16) if full_digital else ctx.digits(8)
    )
    check = " ".join(ctx.digits(5) for _ in range(4))

    s = ctx.sheet(1240, 820)
    title = "电子发票（普通发票）" if full_digital else "辽宁增值税电子普通发票"
    s.text(520, 44, title, 40, "serif_bold", fill=BROWN, align="c")
    s.line(330, 104, 710, 104, 2, fill=BROWN)
    s.line(330, 110, 710, 110, 2, fill=BROWN)
    s.seal(
        520,
        70,
        "国家税务总局",
        rng,
        radius=64,
        ry=44,
        center_text="辽宁省税务局",
        star=False,
        color=(200, 50, 50),
    )
    s.qr(
        40,
        30,
        vat_qr_payload(code or "", number, money(ex_tax), issued, check.replace(" ", "")[-6:]),
        size=120,
    )
    y = 40
    if code:
        s.kv(860, y, "发票代码：", code, 21, field="invoice_code")
        y += 34
    s.kv(860, y, "发票号码：", number, 21, field="invoice_number")
    y += 34
    s.kv(860, y, "开票日期：", cn_date(issued), 21, field="issue_date", fvalue=issued.isoformat())
    y += 34
    if code:
        s.kv(860, y, "校 验 码：", check, 18)
    bc = BROWN
    s.rect(40, 170, 1200, 700, width=2, outline=bc)
    s.line(620, 170, 620, 330, 2, fill=bc)
    s.line(40, 330, 1200, 330, 2, fill=bc)
    s.text(60, 186, "购买方", 22, "sans_bold", fill=bc)
    s.kv(60, 226, "名称：", buyer, 22, field="buyer_name")
    s.kv(60, 270, "统一社会信用代码/纳税人识别号：", "", 20)
    s.text(640, 186, "销售方", 22, "sans_bold", fill=bc)
    s.kv(640, 226, "名称：", seller, 20, field="seller_name")
    s.kv(640, 270, "统一社会信用代码/纳税人识别号：", "91210" + ctx.digits(13), 18)
    rows = [
        ["项目名称", "单位", "数量", "单价", "金额", "税率", "税额"],
        [
            item,
            unit,
            str(qty),
            money(ex_tax / qty),
            money(ex_tax),
            f"{int(rate * 100)}%",
            money(tax),
        ],
        ["合计", "", "", "", f"¥{money(ex_tax)}", "", f"¥{money(tax)}"],
    ]
    s.table(40, 330, [330, 90, 90, 170, 180, 120, 180], rows, row_h=56, size=20, line_fill=bc)
    y = 330 + 56 * 3
    s.line(40, y + 70, 1200, y + 70, 2, fill=bc)
    s.text(60, y + 22, "价税合计（大写）", 22, "sans_bold", fill=bc)
    s.text(260, y + 22, f"ⓧ{rmb_upper(total)}", 22)
    s.text(840, y + 22, "（小写）", 22, "sans_bold", fill=bc)
    s.text(930, y + 22, f"¥{money(total)}", 22, field="total_amount", value=money(total))
    s.text(60, y + 90, "备注：", 20, fill=bc)
    s.kv(60, 720, "开票人：", rng.choice(["王丽", "刘洋", "孙悦"]), 20)
    if not full_digital:
        s.seal(900, 760, seller[:16], rng, radius=70, ry=48, bottom_text="发票专用章", star=False)
    return [s]
