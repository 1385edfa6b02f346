"""辽宁省医疗门诊/住院收费票据 — electronic (QR code, 校验码) or paper (red NO., 监制章)."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import (
    Ctx,
    cn_date,
    hospital_for,
    money,
    parse_date,
    register,
    rmb_upper,
)
from samples.generator.canvas import RED, Sheet
from samples.generator.docs._medical import STAFF, categories, items_total, make_items

FIELDS = (
    "invoice_code",
    "invoice_number",
    "payer_name",
    "issue_date",
    "total_amount",
    "issuer",
    "visit_type",
)


def qr_payload(code: str, number: str, amount: str, date: dt.date, check: str) -> str:
    """What the receipt's QR code encodes (a verification URL): code, number, amount, date, check."""
    return (
        f"https://pjcy.czt.ln.gov.cn/check?billcode={code}&billno={number}"
        f"&random={check}&total={amount}&date={date:%Y%m%d}"
    )


@register("medical_invoice", "医疗收费票据", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    visit = ctx.get("visit_type", "门诊")
    items = ctx.get("items", make_items(rng, visit))
    total = money(ctx.get("total_amount", items_total(items)))
    code = ctx.get(
        "invoice_code",
        "21" + rng.choice(["0601", "0602", "1301", "0101"]) + f"{rng.randint(22, 25)}",
    )
    number = ctx.get("invoice_number", "00" + ctx.digits(8))
    check = ctx.get("check_code", "".join(rng.choice("0123456789abcdef") for _ in range(6)))
    issued = parse_date(
        ctx.get("issue_date", ctx.date_between(dt.date(2025, 3, 1), dt.date(2026, 2, 20)))
    )
    hospital = ctx.get("issuer", hospital_for(ctx))
    payer = ctx.get("payer_name", p.name)
    payer_id = ctx.get("payer_id_number", p.id_number)
    electronic = bool(ctx.get("electronic", True))
    qr_total = money(ctx.get("qr_amount", total))  # differs from the print on a tampered receipt
    payload = ctx.get("qr_payload", qr_payload(code, number, qr_total, issued, check))
    reviewer, cashier = rng.sample(STAFF, 2)

    s = ctx.sheet(1240, 760, bg=(255, 255, 255) if electronic else (252, 250, 244))
    if electronic:
        s.watermark("电子票据", rng, color=(240, 234, 234), size=56)
    else:
        s.pattern(20, 20, 1220, 740, (236, 238, 226), rng)
    title_kind = "serif_bold"
    title = f"辽宁省医疗{visit}收费票据" + ("（电子）" if electronic else "")
    tc = (150, 30, 30) if not electronic else (20, 20, 20)
    s.text(
        620,
        34,
        title,
        44,
        title_kind,
        fill=tc,
        align="c",
        field="visit_type",
        value=visit,
        sub=visit,
    )
    s.seal(
        620,
        70,
        "辽宁省财政厅",
        rng,
        radius=70,
        ry=46,
        center_text="票据监制章",
        star=False,
        color=(200, 40, 40),
    )
    if electronic:
        s.qr(44, 24, payload, size=128)
        y = 120
        s.kv(190, y, "票据代码：", code, 22, field="invoice_code")
        s.kv(820, y, "票据号码：", number, 22, field="invoice_number")
        y = 156
        s.kv(190, y, "交款人统一社会信用代码：", payer_id, 22)
        s.kv(820, y, "校验码：", check, 22)
    else:
        y = 120
        s.kv(60, y, "票据代码：", code, 22, field="invoice_code")
        s.text(1180, y - 6, "NO", 28, "serif_bold", fill=RED, align="r")
        s.text(870, y - 6, number, 30, "mono", fill=RED, field="invoice_number")
        y = 156
        s.kv(60, y, "交款人统一社会信用代码：", payer_id, 22)
    y = 192
    s.kv(60, y, "交款人：", payer, 22, field="payer_name")
    date_txt = f"{issued:%Y-%m-%d}" if electronic else cn_date(issued)
    s.kv(820, y, "开票日期：", date_txt, 22, field="issue_date", fvalue=issued.isoformat())

    cats = categories(items)
    rows = [["项目名称", "金额（元）", "备注", "项目名称", "金额（元）", "备注"]]
    half = (len(cats) + 1) // 2
    for i in range(max(half, 4)):
        left = cats[i] if i < half else None
        right = cats[half + i] if half + i < len(cats) else None
        rows.append(
            [
                left[0] if left else "",
                left[1] if left else "",
                "",
                right[0] if right else "",
                right[1] if right else "",
                "",
            ]
        )
    ty = 236
    s.table(40, ty, [230, 170, 180, 230, 170, 180], rows, row_h=40, size=21)
    ty += 40 * len(rows)
    s.rect(40, ty, 1200, ty + 46, width=2)
    s.text(54, ty + 10, "金额合计（大写）", 22, "sans_bold")
    # amount_words: render-only override for a receipt whose 大写 disagrees with its 小写
    s.text(250, ty + 10, ctx.get("amount_words", rmb_upper(total)), 22, "sans")
    s.text(840, ty + 10, "（小写）", 22, "sans_bold")
    s.text(930, ty + 10, total, 22, "sans", field="total_amount", value=total)
    ty += 46
    s.rect(40, ty, 1200, ty + 112, width=2)
    s.text(54, ty + 10, "备", 22, "sans_bold")
    s.text(54, ty + 60, "注", 22, "sans_bold")
    pooled = money(0)
    s.text(
        100,
        ty + 10,
        f"业务流水号：{ctx.digits(12)}    {visit}号：{ctx.digits(9)}    就诊日期：{issued:%Y-%m-%d}",
        19,
    )
    s.text(
        100,
        ty + 42,
        f"医保类型：工伤保险（记账前）    医保统筹基金支付：{pooled}    个人账户支付：{pooled}",
        19,
    )
    s.text(100, ty + 74, f"个人现金支付：{total}    其他支付：0.00", 19)
    ty += 112 + 26
    s.kv(60, ty, "收款单位（章）：", hospital, 22, field="issuer")
    s.kv(640, ty, "复核人：", reviewer, 22)
    s.kv(920, ty, "收款人：", cashier, 22)
    s.seal(300, ty - 10, hospital, rng, radius=78, bottom_text="财务专用章", star=True)
    return [s]
