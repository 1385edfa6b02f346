"""解除（终止）劳动合同证明书 issued by the employer with its seal."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, cn_date, parse_date, register
from samples.generator.canvas import Sheet

FIELDS = ("employer", "employee_name", "employee_id_number", "termination_date")


@register("contract_termination", "解除/终止劳动合同证明书", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    ended = parse_date(
        ctx.get("termination_date", ctx.date_between(dt.date(2024, 1, 1), dt.date(2026, 3, 31)))
    )
    started = ended - dt.timedelta(days=rng.randint(400, 3000))
    employer = ctx.get("employer", p.employer)
    name = ctx.get("employee_name", p.name)
    id_number = ctx.get("employee_id_number", p.id_number)
    kind = ctx.get("kind", rng.choice(["解除", "终止"]))

    s = ctx.sheet(*A4)
    s.text(620, 100, f"{kind}劳动合同证明书", 46, "serif_bold", align="c")
    y = 240
    s.kv(90, y, "职工姓名：", name, 28, "serif", field="employee_name")
    s.kv(600, y, "性别：", p.gender, 28, "serif")
    y += 56
    s.kv(90, y, "身份证号码：", id_number, 28, "serif", field="employee_id_number")
    y += 56
    s.kv(90, y, "用人单位：", employer, 28, "serif", field="employer")
    y += 90
    s.text(90, y, f"兹证明{name}同志于{cn_date(started)}至", 28, "serif")
    y += 56
    b = s.text(
        90, y, cn_date(ended), 28, "serif", field="termination_date", value=ended.isoformat()
    )
    s.text(b[2] + 8, y, f"在我单位工作，双方劳动合同已于该日{kind}。", 28, "serif")
    y += 56
    y = s.paragraph(
        90,
        y,
        f"{kind}原因：{rng.choice(['劳动合同期满', '双方协商一致', '劳动者本人提出'])}。"
        f"工作岗位：{rng.choice(['操作工', '装卸工', '仓储管理员'])}。"
        "本单位已为其办理社会保险关系转移手续。",
        1060,
        28,
        indent=0,
    )
    y += 30
    s.text(90, y, "特此证明。", 28, "serif")
    y = 1250
    s.text(1120, y, f"{employer}（盖章）", 28, "serif", align="r")
    s.text(
        1120, y + 60, cn_date(ended + dt.timedelta(days=rng.randint(0, 10))), 28, "serif", align="r"
    )
    s.seal(900, y + 30, employer, rng, radius=110)
    s.line(80, 1480, 1160, 1480, 1)
    s.text(90, 1500, "本证明书一式三份，单位、职工本人、社会保险经办机构各执一份。", 22, "serif")
    return [s]
