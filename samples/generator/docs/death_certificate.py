"""居民死亡医学证明（推断）书 — the medical death certificate form (第一联 style)."""

from __future__ import annotations

import datetime as dt

from samples.generator.base import A4, Ctx, cn_date, hospital_for, parse_date, register
from samples.generator.canvas import Sheet
from samples.generator.docs._layout import form_table
from samples.generator.docs._medical import STAFF

FIELDS = ("name", "id_number", "gender", "death_date", "issuer")
CAUSES = ["多发伤", "重型颅脑损伤", "失血性休克", "高处坠落伤", "机械性窒息"]


@register("death_certificate", "居民死亡医学证明（推断）书", FIELDS)
def render(ctx: Ctx) -> list[Sheet]:
    rng, p = ctx.rng, ctx.person
    died = parse_date(
        ctx.get("death_date", ctx.date_between(dt.date(2024, 9, 1), dt.date(2025, 12, 31)))
    )
    hospital = ctx.get("issuer", hospital_for(ctx))
    name = ctx.get("name", p.name)
    id_number = ctx.get("id_number", p.id_number)
    gender = ctx.get("gender", p.gender)
    issued = died + dt.timedelta(days=rng.randint(0, 2))

    s = ctx.sheet(*A4)
    s.text(620, 80, "居民死亡医学证明（推断）书", 42, "serif_bold", align="c")
    s.text(90, 160, f"行政区划代码：{p.area_code}", 22)
    s.text(1150, 160, f"编号：{p.area_code[:4]}{died.year}{ctx.digits(6)}", 22, align="r")
    W = [190, 230, 150, 170, 130, 210]
    age = died.year - p.birth_date.year
    rows = [
        [
            ("死者姓名", None, ...),
            (name, "name", ...),
            ("性别", None, ...),
            (gender, "gender", ...),
            ("民族", None, ...),
            (f"{p.ethnicity}族", None, ...),
        ],
        [
            ("证件类别", None, ...),
            ("身份证", None, ...),
            ("证件号码", None, ...),
            ("", None, ...),
            ("", None, ...),
            ("", None, ...),
        ],
        [
            ("出生日期", None, ...),
            (f"{p.birth_date:%Y-%m-%d}", None, ...),
            ("年龄", None, ...),
            (f"{age}岁", None, ...),
            ("婚姻", None, ...),
            (rng.choice(["已婚", "已婚", "丧偶"]), None, ...),
        ],
        [
            ("死亡日期", None, ...),
            (cn_date(died), "death_date", died.isoformat()),
            ("死亡地点", None, ...),
            ("医疗卫生机构", None, ...),
            ("", None, ...),
            ("", None, ...),
        ],
    ]
    y = form_table(s, 80, 210, W, rows)
    # the ID number spans the last three cells of row 2: draw it over the merged area
    s.draw.rectangle(
        [80 + sum(W[:3]) + 3, 210 + 58 + 3, 80 + sum(W) - 3, 210 + 116 - 3], fill=(255, 255, 255)
    )
    s.text(80 + sum(W[:3]) + 20, 210 + 58 + 14, id_number, 26, "sans", field="id_number")
    y += 30
    s.text(90, y, "致死的主要疾病诊断：", 26, "sans_bold")
    y += 50
    cause = rng.choice(CAUSES)
    for label, text in [
        ("Ⅰ.（a）直接死亡原因：", cause),
        ("（b）引起（a）的疾病或情况：", "外伤"),
        ("Ⅱ. 其他疾病诊断：", "无"),
    ]:
        s.kv(120, y, label, text, 24)
        y += 46
    y += 20
    s.kv(90, y, "生前主要疾病最高诊断单位：", "三级医院", 24)
    y += 46
    s.kv(90, y, "生前主要疾病最高诊断依据：", "临床", 24)
    y += 70
    s.kv(90, y, "医师签名：", "", 24)
    s.signature(230, y, rng.choice(STAFF), rng, size=34)
    s.kv(90, y + 60, "医疗卫生机构：", hospital, 26, field="issuer")
    s.text(1120, y + 150, f"填报日期：{cn_date(issued)}", 24, align="r")
    s.seal(920, y + 60, hospital, rng, radius=100, bottom_text="死亡证明专用章")
    s.line(80, 1500, 1160, 1500, 1)
    s.text(90, 1520, "注：此联由死者家属保存，凭此联办理户籍注销及殡葬手续。", 22)
    return [s]
