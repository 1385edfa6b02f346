"""养老保险个人账户返还审批表 — a ruled approval form with the agency's business seal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from samples.generator.base import A4, Ctx, cn_date, money, parse_date, register
from samples.generator.canvas import Sheet
from samples.generator.docs._layout import form_table

FIELDS = ("name", "id_number")


@register("pension_refund_approval", "养老保险个人账户返还审批表", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    died = parse_date(
        ctx.get("death_date", ctx.date_between(dt.date(2024, 9, 1), dt.date(2025, 12, 31)))
    )
    name = ctx.get("name", p.name)
    id_number = ctx.get("id_number", p.id_number)
    amount = money(Decimal(str(round(rng.uniform(8000, 60000), 2))))
    s = ctx.sheet(*A4)
    s.text(620, 90, "养老保险个人账户返还审批表", 40, "serif_bold", align="c")
    s.text(90, 170, f"单位名称（盖章）：{p.employer}", 22)
    s.text(
        1150,
        170,
        f"填表日期：{cn_date(died + dt.timedelta(days=rng.randint(10, 40)))}",
        22,
        align="r",
    )
    W = [220, 330, 200, 330]
    rows = [
        [("姓名", None, ...), (name, "name", ...), ("性别", None, ...), (p.gender, None, ...)],
        [
            ("公民身份号码", None, ...),
            (id_number, "id_number", ...),
            ("死亡日期", None, ...),
            (f"{died:%Y-%m-%d}", None, ...),
        ],
        [
            ("返还原因", None, ...),
            ("参保人员死亡", None, ...),
            ("个人账户储存额", None, ...),
            (amount, None, ...),
        ],
        [
            ("继承人姓名", None, ...),
            (ctx.get("heir_name", "（见继承人名单）"), None, ...),
            ("与死者关系", None, ...),
            (rng.choice(["配偶", "子女"]), None, ...),
        ],
        [
            ("开户银行", None, ...),
            (p.bank_name, None, ...),
            ("账号", None, ...),
            (p.bank_card_number, None, ...),
        ],
    ]
    y = form_table(s, 80, 210, W, rows, row_h=70, size=24)
    y += 40
    s.text(90, y, "经办机构审核意见：", 26, "sans_bold")
    s.text(150, y + 60, "经审核，情况属实，同意返还个人账户储存额。", 26, "serif")
    s.text(150, y + 130, "经办人：", 24)
    s.signature(260, y + 130, rng.choice(["王丽", "刘洋", "赵敏"]), rng, size=34)
    s.text(600, y + 130, "复核人：", 24)
    s.signature(710, y + 130, rng.choice(["张伟", "陈静", "黄磊"]), rng, size=34)
    office = f"{p.city}社会保险事业服务中心"
    s.text(1120, y + 230, office, 26, "serif", align="r")
    s.seal(920, y + 230, office, rng, radius=100, bottom_text="业务专用章")
    return [s]
