"""认定工伤决定书 / 不予认定工伤决定书 issued by a city's 人力资源和社会保障局."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, CITY_SHORT, Ctx, cn_date, hrss_bureau, parse_date, register
from samples.generator.canvas import Sheet
from samples.generator.docs._medical import DIAGNOSES

FIELDS = (
    "document_number",
    "employee_name",
    "employee_id_number",
    "employer",
    "injury_date",
    "decision_date",
    "is_work_injury",
)
PLACES = ["生产车间", "施工现场", "仓库", "装卸区", "厂区道路", "设备检修平台"]


@register("injury_decision", "认定工伤决定书", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    injured = parse_date(
        ctx.get("injury_date", ctx.date_between(dt.date(2024, 9, 1), dt.date(2025, 9, 30)))
    )
    decided = parse_date(ctx.get("decision_date", injured + dt.timedelta(days=rng.randint(35, 90))))
    applied = injured + dt.timedelta(days=rng.randint(3, 25))
    is_injury = bool(ctx.get("is_work_injury", True))
    city = ctx.get("city", p.city)
    short = CITY_SHORT.get(city, "辽")
    number = ctx.get(
        "document_number",
        f"{short}人社工伤{'认' if is_injury else '不认'}字〔{decided.year}〕{rng.randint(1, 999)}号",
    )
    name = ctx.get("employee_name", p.name)
    id_number = ctx.get("employee_id_number", p.id_number)
    employer = ctx.get("employer", p.employer)
    diagnosis = ctx.get("diagnosis", rng.choice(DIAGNOSES))
    place = rng.choice(PLACES)
    bureau = ctx.get("issuer", hrss_bureau(city))

    s = ctx.sheet(*A4)
    s.text(620, 90, bureau, 46, "serif_bold", fill=(200, 30, 30), align="c")
    s.line(80, 170, 1160, 170, 4, fill=(200, 30, 30))
    title = "认定工伤决定书" if is_injury else "不予认定工伤决定书"
    s.text(620, 200, title, 44, "sans_bold", align="c")
    s.text(1140, 280, number, 26, "serif", align="r", field="document_number")
    y = 340
    s.kv(90, y, "申请人：", employer, 26, "serif")
    y += 48
    s.kv(90, y, "职工姓名：", name, 26, "serif", field="employee_name")
    s.kv(560, y, "性别：", p.gender, 26, "serif")
    s.kv(800, y, "年龄：", f"{max(18, decided.year - p.birth_date.year)}岁", 26, "serif")
    y += 48
    s.kv(90, y, "身份证号码：", id_number, 26, "serif", field="employee_id_number")
    y += 48
    s.kv(90, y, "用人单位：", employer, 26, "serif", field="employer")
    y += 48
    s.kv(
        90,
        y,
        "职业（工种）：",
        rng.choice(["操作工", "装卸工", "电焊工", "钳工", "普工", "司机"]),
        26,
        "serif",
    )
    y += 48
    s.kv(
        90,
        y,
        "事故时间：",
        cn_date(injured),
        26,
        "serif",
        field="injury_date",
        fvalue=injured.isoformat(),
    )
    s.kv(640, y, "事故地点：", f"本单位{place}", 26, "serif")
    y += 48
    s.kv(90, y, "主要诊断：", diagnosis, 26, "serif")
    y += 70
    body = (
        f"{employer}于{cn_date(applied)}提出{name}工伤认定申请，受理后，依法进行了调查核实。"
        f"经查：{cn_date(injured)}，{name}在本单位{place}工作时受伤，经医院诊断为{diagnosis}。"
    )
    y = s.paragraph(90, y, body, 1060, 26, "serif")
    if is_injury:
        verdict = "予以认定为工伤"
        text = (
            f"{name}受到的事故伤害，符合《工伤保险条例》第十四条第（一）项之规定，属于工伤认定范围，"
            f"现{verdict}。"
        )
    else:
        verdict = "不予认定为工伤"
        text = (
            f"{name}受到的伤害，不符合《工伤保险条例》第十四条、第十五条认定工伤或者视同工伤的情形，"
            f"现决定{verdict}或者视同工伤。"
        )
    y = s.paragraph(
        90, y + 8, text, 1060, 26, "serif", marks={verdict: ("is_work_injury", is_injury)}
    )
    appeal = (
        "如对本工伤认定决定不服的，可自收到本决定书之日起60日内向" + f"{city}人民政府"
        "申请行政复议，或者6个月内向人民法院提起行政诉讼。"
    )
    y = s.paragraph(90, y + 8, appeal, 1060, 26, "serif")
    y = max(y + 60, 1300)
    s.text(1120, y, bureau, 28, "serif", align="r")
    s.text(
        1120,
        y + 56,
        cn_date(decided),
        28,
        "serif",
        align="r",
        field="decision_date",
        value=decided.isoformat(),
    )
    s.seal(930, y + 30, bureau, rng, radius=112, center_text="")
    s.line(80, 1560, 1160, 1560, 1)
    s.text(90, 1575, f"抄送：{employer}，{city}社会保险事业服务中心", 22, "serif")
    s.line(80, 1615, 1160, 1615, 1)
    return [s]
