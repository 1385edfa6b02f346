"""劳动能力鉴定结论通知书 of a city's 劳动能力鉴定委员会: 伤残等级 and 生活自理障碍等级."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, CITY_SHORT, Ctx, cn_date, parse_date, register
from samples.generator.canvas import Sheet
from samples.generator.docs._layout import kv_rows, red_header, seal_block
from samples.generator.docs._medical import DIAGNOSES

FIELDS = (
    "document_number",
    "name",
    "id_number",
    "disability_grade",
    "nursing_level",
    "conclusion_date",
)
CN_GRADE = "零一二三四五六七八九十"
NURSING = ["生活完全不能自理", "生活大部分不能自理", "生活部分不能自理"]


@register("appraisal_conclusion", "劳动能力鉴定结论（通知）书", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    injured = parse_date(
        ctx.get("injury_date", ctx.date_between(dt.date(2024, 6, 1), dt.date(2025, 6, 30)))
    )
    concluded = parse_date(
        ctx.get("conclusion_date", injured + dt.timedelta(days=rng.randint(120, 300)))
    )
    grade_default = rng.randint(5, 10)
    grade = ctx.get("disability_grade", grade_default)
    nursing = ctx.get(
        "nursing_level", rng.choice(NURSING) if grade is not None and grade <= 4 else None
    )
    city = ctx.get("city", p.city)
    committee = ctx.get("issuer", f"{city}劳动能力鉴定委员会")
    short = CITY_SHORT.get(city, "辽")
    number = ctx.get(
        "document_number", f"{short}劳鉴字〔{concluded.year}〕第{rng.randint(1, 2999):04d}号"
    )
    name = ctx.get("name", p.name)
    id_number = ctx.get("id_number", p.id_number)

    s = ctx.sheet(*A4)
    y = red_header(s, committee, "劳动能力鉴定结论通知书", number, number_field="document_number")
    s.text(90, y, f"{ctx.get('employer', p.employer)}：", 26, "serif")
    y += 56
    y = s.paragraph(
        90,
        y,
        f"根据《工伤保险条例》有关规定，你单位职工{name}的劳动能力鉴定（确认）申请，"
        "经本委员会组织医疗卫生专家组鉴定，现将鉴定结论通知如下：",
        1060,
        26,
    )
    y += 16
    y = kv_rows(
        s,
        130,
        y,
        [
            ("被鉴定人姓名：", name, "name", ...),
            ("性别：", p.gender, None, ...),
            ("公民身份号码：", id_number, "id_number", ...),
            ("受伤（患病）时间：", cn_date(injured), None, ...),
            ("伤病情：", rng.choice(DIAGNOSES), None, ...),
        ],
    )
    y += 10
    s.text(130, y, "鉴定结论：", 28, "sans_bold")
    y += 56
    grade_text = f"伤残{CN_GRADE[grade]}级" if grade else "未达到伤残等级"
    s.kv(170, y, "伤残等级：", grade_text, 28, "serif", field="disability_grade", fvalue=grade)
    y += 52
    nursing_text = nursing or "无生活自理障碍"
    s.kv(
        170,
        y,
        "生活自理障碍等级：",
        nursing_text,
        28,
        "serif",
        field="nursing_level",
        fvalue=nursing if nursing else "无",
    )
    y += 52
    s.kv(
        170,
        y,
        "鉴定日期：",
        cn_date(concluded),
        28,
        "serif",
        field="conclusion_date",
        fvalue=concluded.isoformat(),
    )
    y += 76
    y = s.paragraph(
        90,
        y,
        "如对本鉴定结论不服，可在收到本通知书之日起15日内向辽宁省劳动能力鉴定委员会申请再次鉴定。"
        "自劳动能力鉴定结论作出之日起1年后，工伤职工或者其近亲属、所在单位或者经办机构认为伤残情况"
        "发生变化的，可以申请劳动能力复查鉴定。",
        1060,
        26,
    )
    seal_block(s, committee, concluded, rng, y=max(y + 60, 1340))
    s.line(80, 1560, 1160, 1560, 1)
    s.text(90, 1575, f"抄送：{city}社会保险事业服务中心", 22, "serif")
    return [s]
