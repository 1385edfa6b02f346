"""门诊病历 (outpatient) or 出院小结 (inpatient discharge summary)."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, hospital_for, parse_date, register
from samples.generator.canvas import Sheet
from samples.generator.docs._medical import DEPARTMENTS, DIAGNOSES, STAFF

FIELDS = ("patient_name", "visit_type", "diagnosis")


@register("medical_record", "病历 / 诊断证明书 / 出院小结", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    visit = ctx.get("visit_type", "门诊")
    hospital = ctx.get("issuer", hospital_for(ctx))
    diagnosis = ctx.get("diagnosis", rng.choice(DIAGNOSES))
    dept = ctx.get("department", rng.choice(DEPARTMENTS))
    day = parse_date(
        ctx.get("issue_date", ctx.date_between(dt.date(2025, 3, 1), dt.date(2026, 2, 20)))
    )
    patient = ctx.get("patient_name", p.name)
    doctor = rng.choice(STAFF)
    injury = parse_date(ctx.get("injury_date", day - dt.timedelta(days=rng.randint(0, 3))))

    s = ctx.sheet(*A4)
    s.text(620, 70, hospital, 40, "serif_bold", align="c")
    title = "门诊病历" if visit == "门诊" else "出院小结"
    s.text(620, 132, title, 38, "sans_bold", align="c", field="visit_type", value=visit)
    s.line(70, 200, 1170, 200, 3)
    y = 222
    s.kv(70, y, "姓名：", patient, 24, field="patient_name")
    s.kv(380, y, "性别：", p.gender, 24)
    s.kv(560, y, "年龄：", f"{p.age}岁", 24)
    s.kv(780, y, "科别：", dept, 24)
    y = 264
    if visit == "门诊":
        s.kv(70, y, "门诊号：", ctx.digits(9), 24)
        s.kv(
            560,
            y,
            "就诊时间：",
            f"{day:%Y-%m-%d} {rng.randint(8, 16):02d}:{rng.randint(0, 59):02d}",
            24,
        )
    else:
        admitted = parse_date(
            ctx.get("admission_date", day - dt.timedelta(days=rng.randint(5, 14)))
        )
        s.kv(70, y, "住院号：", ctx.digits(9), 24)
        s.kv(560, y, "入院日期：", f"{admitted:%Y-%m-%d}", 24)
        s.kv(860, y, "出院日期：", f"{day:%Y-%m-%d}", 24)
    s.line(70, 310, 1170, 310, 1)
    y = 340
    cause = rng.choice(
        [
            "工作中被机器挤压",
            "搬运货物时不慎摔倒",
            "操作切割设备时受伤",
            "高处作业时坠落",
            "工作中被重物砸伤",
        ]
    )
    if visit == "门诊":
        sections = [
            ("主诉：", f"{cause}致伤{rng.randint(1, 6)}小时。"),
            (
                "现病史：",
                f"患者于{injury:%Y年%m月%d日}{cause}，伤后局部疼痛、肿胀、活动受限，无昏迷、呕吐，来院就诊。",
            ),
            ("既往史：", "否认高血压、糖尿病病史，否认药物过敏史。"),
            ("体格检查：", "神志清楚，生命体征平稳。伤处肿胀明显，压痛阳性，末梢血运及感觉正常。"),
            ("辅助检查：", "X线片提示相应部位骨质及软组织损伤改变。"),
        ]
    else:
        sections = [
            (
                "入院情况：",
                f"患者于{injury:%Y年%m月%d日}{cause}，伤后局部疼痛、活动受限，急诊收入院。",
            ),
            ("入院诊断：", diagnosis),
            (
                "诊疗经过：",
                "入院后完善相关检查，在麻醉下行手术治疗，术后予抗感染、消肿、止痛及对症支持治疗，切口愈合良好。",
            ),
            ("出院情况：", "患者一般状态良好，伤处疼痛明显减轻，无发热，切口无红肿渗出。"),
        ]
    for label, text in sections:
        s.text(70, y, label, 24, "sans_bold")
        y = s.paragraph(220, y, text, 940, 24, "serif", leading=1.6, indent=0) + 10
    label = "初步诊断：" if visit == "门诊" else "出院诊断："
    s.text(70, y, label, 24, "sans_bold")
    s.text(220, y, diagnosis, 26, "serif", field="diagnosis")
    y += 60
    plan = (
        "处理：清创、对症处理，定期复查，休息两周。"
        if visit == "门诊"
        else "出院医嘱：注意休息，加强功能锻炼，术后1个月门诊复查，不适随诊。"
    )
    y = s.paragraph(70, y, plan, 1100, 24, "serif", indent=0) + 40
    s.text(760, y, "医师签名：", 24)
    s.signature(900, y, doctor, rng, size=36)
    s.text(760, y + 60, f"{day:%Y年%m月%d日}", 24)
    if visit == "住院":
        s.seal(980, y + 20, hospital, rng, radius=86, bottom_text="病案管理专用章")
    return [s]
