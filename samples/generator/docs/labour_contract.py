"""劳动合同书 — parties, fixed term, key clauses, signatures with seal and thumbprint."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, cn_date, parse_date, register
from samples.generator.canvas import Sheet

FIELDS = ("employer", "employee_name", "employee_id_number", "term_start", "term_end")


@register("labour_contract", "劳动合同（书）", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    start = parse_date(
        ctx.get("term_start", ctx.date_between(dt.date(2019, 1, 1), dt.date(2024, 6, 30)))
    )
    years = rng.choice([3, 3, 5])
    end_default = dt.date(start.year + years, start.month, min(start.day, 28)) - dt.timedelta(
        days=1
    )
    end = parse_date(ctx.get("term_end", end_default))
    employer = ctx.get("employer", p.employer)
    name = ctx.get("employee_name", p.name)
    id_number = ctx.get("employee_id_number", p.id_number)
    job = rng.choice(["操作工", "装卸工", "电焊工", "仓储管理员", "设备维修工", "驾驶员"])

    s = ctx.sheet(*A4)
    s.text(620, 80, "劳动合同书", 48, "serif_bold", align="c")
    s.text(1140, 160, f"合同编号：HT{start.year}{ctx.digits(5)}", 22, align="r")
    y = 220
    s.kv(90, y, "甲方（用人单位）名称：", employer, 26, "serif", field="employer")
    y += 48
    s.kv(90, y, "住所：", f"{p.city}{p.district}工业园区{rng.randint(1, 99)}号", 26, "serif")
    y += 48
    s.kv(90, y, "乙方（劳动者）姓名：", name, 26, "serif", field="employee_name")
    s.kv(700, y, "性别：", p.gender, 26, "serif")
    y += 48
    s.kv(90, y, "居民身份证号码：", id_number, 26, "serif", field="employee_id_number")
    y += 48
    s.kv(90, y, "户籍地址：", p.address[:26], 26, "serif")
    y += 70
    y = s.paragraph(
        90,
        y,
        "根据《中华人民共和国劳动法》《中华人民共和国劳动合同法》等法律法规，甲乙双方经平等自愿、"
        "协商一致，签订本合同，共同遵守本合同所列条款。",
        1060,
        26,
    )
    s.text(90, y + 10, "一、劳动合同期限", 26, "sans_bold")
    y += 60
    s.text(130, y, "固定期限：自", 26, "serif")
    x = 130 + 26 * 6 + 6
    b = s.text(x, y, cn_date(start), 26, "serif", field="term_start", value=start.isoformat())
    b2 = s.text(b[2] + 8, y, "起至", 26, "serif")
    b3 = s.text(b2[2] + 8, y, cn_date(end), 26, "serif", field="term_end", value=end.isoformat())
    s.text(b3[2] + 8, y, "止。", 26, "serif")
    y += 60
    clauses = [
        ("二、工作内容和工作地点", f"乙方同意在甲方{job}岗位工作，工作地点为{p.city}。"),
        (
            "三、工作时间和休息休假",
            "甲方安排乙方执行标准工时制度，每日工作不超过8小时，每周不超过40小时。",
        ),
        (
            "四、劳动报酬",
            f"乙方月工资为{rng.randint(35, 80) * 100}元，甲方每月15日前以货币形式支付。",
        ),
        (
            "五、社会保险",
            "甲乙双方依法参加社会保险，按时足额缴纳养老、医疗、工伤、失业、生育保险费。",
        ),
        ("六、劳动保护", "甲方为乙方提供符合国家规定的劳动安全卫生条件和必要的劳动防护用品。"),
    ]
    for head, body in clauses:
        s.text(90, y, head, 26, "sans_bold")
        y = s.paragraph(90, y + 46, body, 1060, 26) + 6
    y = max(y + 40, 1380)
    s.text(90, y, "甲方（盖章）：", 26, "serif")
    s.text(660, y, "乙方（签字）：", 26, "serif")
    s.signature(850, y, name, rng, size=38)
    s.fingerprint(1010, y + 20, rng)
    s.seal(330, y + 20, employer, rng, radius=100, bottom_text="合同专用章")
    s.text(
        90,
        y + 120,
        f"签订日期：{cn_date(start - dt.timedelta(days=rng.randint(0, 5)))}",
        26,
        "serif",
    )
    s.text(
        660,
        y + 120,
        f"签订日期：{cn_date(start - dt.timedelta(days=rng.randint(0, 5)))}",
        26,
        "serif",
    )
    return [s]
