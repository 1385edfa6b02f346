"""授权委托书: principal authorises an agent (代办) for a named matter, both identified."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, cn_date, parse_date, register
from samples.generator.canvas import Sheet
from samples.generator.person import make_person

FIELDS = ("principal_name", "agent_name")


@register("power_of_attorney", "授权委托书", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    agent = make_person(ctx.seed + 777_000)
    agent_name = ctx.get("agent_name", agent.name)
    agent_id = ctx.get("agent_id_number", agent.id_number)
    principal = ctx.get("principal_name", p.name)
    matter = ctx.get("matter", "工伤医疗（康复）费用申报")
    day = parse_date(
        ctx.get("issue_date", ctx.date_between(dt.date(2025, 6, 1), dt.date(2026, 4, 30)))
    )
    s = ctx.sheet(*A4)
    s.text(620, 100, "授权委托书", 48, "serif_bold", align="c")
    y = 240
    s.kv(90, y, "委托人：", principal, 28, "serif", field="principal_name")
    s.kv(620, y, "性别：", p.gender, 28, "serif")
    y += 56
    s.kv(90, y, "身份证号码：", p.id_number, 28, "serif")
    y += 56
    s.kv(90, y, "受托人：", agent_name, 28, "serif", field="agent_name")
    s.kv(620, y, "性别：", agent.gender, 28, "serif")
    y += 56
    s.kv(90, y, "身份证号码：", agent_id, 28, "serif")
    y += 90
    text = (
        f"本人因{rng.choice(['行动不便', '工作原因', '伤病住院'])}，不能亲自办理{matter}相关事宜，"
        f"特委托{agent_name}作为我的合法代理人，全权代表我办理相关事项，对受托人在办理上述事项过程中"
        "所签署的有关文件，我均予以认可，并承担相应的法律责任。"
    )
    y = s.paragraph(90, y, text, 1060, 28)
    y = s.paragraph(
        90,
        y + 10,
        f"委托期限：自{cn_date(day)}至{cn_date(day + dt.timedelta(days=90))}。",
        1060,
        28,
    )
    y = max(y + 120, 1200)
    s.text(640, y, "委托人（签字）：", 28, "serif")
    s.signature(870, y, principal, rng, size=40)
    s.fingerprint(1080, y + 20, rng)
    s.text(640, y + 80, "受托人（签字）：", 28, "serif")
    s.signature(870, y + 80, agent_name, rng, size=40)
    s.text(640, y + 160, cn_date(day), 28, "serif")
    return [s]
