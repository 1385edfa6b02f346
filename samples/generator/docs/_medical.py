"""Shared medical content: billable items, categories, diagnoses, hospital staff names."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from samples.generator.base import money

# (name, spec, unit, price range, category, 甲/乙)
ITEMS: list[tuple[str, str, str, tuple[float, float], str, str]] = [
    ("布洛芬缓释胶囊", "0.3g*20粒", "盒", (12, 28), "西药费", "甲"),
    ("头孢呋辛酯片", "0.25g*12片", "盒", (18, 42), "西药费", "乙"),
    ("破伤风抗毒素注射液", "1500IU", "支", (8, 16), "西药费", "甲"),
    ("氯化钠注射液", "250ml", "袋", (3, 6), "西药费", "甲"),
    ("云南白药胶囊", "0.25g*32粒", "盒", (25, 38), "中成药费", "乙"),
    ("DR摄影（四肢）", "", "次", (60, 90), "检查费", "甲"),
    ("CT平扫（头颅）", "", "次", (180, 260), "检查费", "甲"),
    ("彩色多普勒超声检查", "", "次", (90, 150), "检查费", "乙"),
    ("血常规", "", "项", (18, 25), "化验费", "甲"),
    ("凝血四项", "", "项", (60, 90), "化验费", "甲"),
    ("肝功能八项", "", "项", (40, 70), "化验费", "甲"),
    ("清创缝合术（中）", "", "次", (80, 160), "治疗费", "甲"),
    ("换药（中）", "", "次", (15, 30), "治疗费", "甲"),
    ("石膏固定术", "", "次", (90, 150), "治疗费", "乙"),
    ("静脉输液", "", "组", (6, 12), "治疗费", "甲"),
    ("一次性无菌注射器", "5ml", "支", (0.5, 1.2), "卫生材料费", "甲"),
    ("医用纱布块", "8cm*10cm", "包", (2, 5), "卫生材料费", "甲"),
    ("弹力绷带", "10cm*4.5m", "卷", (8, 15), "卫生材料费", "乙"),
]
INPATIENT_ITEMS: list[tuple[str, str, str, tuple[float, float], str, str]] = [
    ("普通病房床位费", "三人间", "日", (25, 40), "床位费", "甲"),
    ("二级护理", "", "日", (12, 20), "护理费", "甲"),
    ("骨折切开复位内固定术", "", "次", (1800, 2600), "手术费", "甲"),
    ("全身麻醉", "", "次", (600, 900), "麻醉费", "甲"),
    ("接骨板（钛合金）", "6孔", "块", (900, 1600), "卫生材料费", "乙"),
]
DIAGNOSES = [
    "右手食指末节离断伤",
    "左桡骨远端骨折",
    "腰椎压缩性骨折",
    "右足跟骨骨折",
    "头皮裂伤",
    "左小腿软组织挫伤",
    "右手掌切割伤",
    "左踝关节扭伤",
    "右锁骨骨折",
    "左手环指屈肌腱断裂",
]
DEPARTMENTS = ["骨科", "手外科", "急诊外科", "创伤外科", "普外科"]
STAFF = "王丽 李娜 张伟 刘洋 陈静 杨帆 赵敏 黄磊 周婷 吴昊 孙悦 马超".split()


def make_items(rng: random.Random, visit_type: str) -> list[dict[str, Any]]:
    """Billable items of one visit: name, spec, unit, qty, price, amount, category, class."""
    pool = list(ITEMS)
    picks = rng.sample(pool, rng.randint(5, 8))
    if visit_type == "住院":
        picks += INPATIENT_ITEMS
    days = rng.randint(5, 14)
    out = []
    for name, spec, unit, (lo, hi), cat, cls in picks:
        price = Decimal(str(round(rng.uniform(lo, hi), 2)))
        qty = days if unit == "日" else (rng.randint(1, 3) if price < 100 else 1)
        out.append(
            {
                "name": name,
                "spec": spec,
                "unit": unit,
                "qty": qty,
                "price": money(price),
                "amount": money(price * qty),
                "category": cat,
                "class": cls,
            }
        )
    return out


def items_total(items: list[dict[str, Any]]) -> str:
    return money(sum((Decimal(i["amount"]) for i in items), Decimal(0)))


def categories(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Per-category sums in first-seen order (the invoice's item lines)."""
    sums: dict[str, Decimal] = {}
    for i in items:
        sums[i["category"]] = sums.get(i["category"], Decimal(0)) + Decimal(i["amount"])
    return [(k, money(v)) for k, v in sums.items()]
