"""Registry of document renderers, the render context, and value formatting.

Each document type is one module under `samples/generator/docs/` that
registers a function `render(ctx) -> list[Sheet]` with `@register`. The
context hands out field values: a caller's override wins, otherwise the
renderer's default drawn from the seeded RNG (always drawn, so overriding one
field never shifts the others).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from samples.generator.canvas import Sheet
from samples.generator.person import Person

DPI = 150  # pixels per inch of generated page images
A4 = (1240, 1754)  # 210 x 297 mm at 150 dpi


@dataclass
class Ctx:
    """What a renderer gets: the person, its own RNG, and the caller's overrides."""

    doc_type: str
    person: Person
    seed: int
    overrides: dict[str, Any]
    skip_text: bool = False
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.doc_type}:{self.seed}")

    def get(self, name: str, default: Any) -> Any:
        """The override for `name` if given, else `default` (already drawn)."""
        return self.overrides[name] if name in self.overrides else default

    def sheet(self, width: int, height: int, bg: tuple[int, int, int] = (255, 255, 255)) -> Sheet:
        return Sheet(width, height, dpi=DPI, bg=bg, skip_text=self.skip_text)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        span = max(0, (end - start).days)
        return start + dt.timedelta(days=self.rng.randint(0, span))

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))


Renderer = Callable[[Ctx], list[Sheet]]


@dataclass(frozen=True)
class DocSpec:
    doc_type: str
    title: str
    fields: tuple[str, ...]
    render: Renderer


RENDERERS: dict[str, DocSpec] = {}


def register(doc_type: str, title: str, fields: tuple[str, ...]) -> Callable[[Renderer], Renderer]:
    """Register a renderer for `doc_type`; `fields` are the ground-truth fields it records."""

    def deco(fn: Renderer) -> Renderer:
        RENDERERS[doc_type] = DocSpec(doc_type, title, fields, fn)
        return fn

    return deco


# ------------------------------------------------------------------ formats
def iso(d: dt.date) -> str:
    return d.isoformat()


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def cn_date(d: dt.date, pad: bool = True) -> str:
    """2025年05月02日 (pad) or 2025年5月2日."""
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if pad else f"{d.year}年{d.month}月{d.day}日"


def money(value: Any) -> str:
    """Contract amount format: two decimals."""
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CN_UNITS = ["", "拾", "佰", "仟"]
CN_BIG = ["", "万", "亿"]


def rmb_upper(value: Any) -> str:
    """Amount in capital Chinese numerals as printed on receipts: 伍佰壹拾壹元柒角整."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    if amount < 0:
        return "负" + rmb_upper(-amount)
    yuan = int(amount)
    jiao = int(amount * 10) % 10
    fen = int(amount * 100) % 10
    out = ""
    if yuan:
        groups = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        parts = []
        zero_pending = False
        for gi in range(len(groups) - 1, -1, -1):
            g = groups[gi]
            if g == 0:
                zero_pending = True
                continue
            s = ""
            digits = [(g // 10**k) % 10 for k in range(3, -1, -1)]
            started = bool(parts)
            for k, dgt in enumerate(digits):
                unit = CN_UNITS[3 - k]
                if dgt == 0:
                    if started:
                        zero_pending = True
                    continue
                if zero_pending:
                    s += "零"
                    zero_pending = False
                s += CN_DIGITS[dgt] + unit
                started = True
            parts.append(s + CN_BIG[gi])
            zero_pending = g % 10 == 0
        out = "".join(parts) + "元"
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += CN_DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += CN_DIGITS[fen] + "分"
    else:
        out += "整"
    return out


CITY_SHORT = {
    "沈阳市": "沈",
    "大连市": "大",
    "鞍山市": "鞍",
    "抚顺市": "抚",
    "本溪市": "本",
    "丹东市": "丹",
    "锦州市": "锦",
    "营口市": "营",
    "阜新市": "阜",
    "辽阳市": "辽",
    "盘锦市": "盘",
    "铁岭市": "铁",
    "朝阳市": "朝",
    "葫芦岛市": "葫",
}

HOSPITALS: dict[str, list[str]] = {
    "沈阳市": [
        "中国医科大学附属第一医院",
        "沈阳市第四人民医院",
        "辽宁省人民医院",
        "沈阳市骨科医院",
    ],
    "大连市": ["大连医科大学附属第一医院", "大连市中心医院"],
    "朝阳市": ["朝阳市中心医院", "朝阳市第二医院", "朝阳县人民医院"],
}
DEFAULT_HOSPITALS = ["{city}中心医院", "{city}第一人民医院", "{city}人民医院"]


def hospital_for(ctx: Ctx) -> str:
    city = ctx.person.city
    names = HOSPITALS.get(city) or [h.format(city=city) for h in DEFAULT_HOSPITALS]
    return ctx.rng.choice(names)


def hrss_bureau(city: str) -> str:
    """The city's human resources and social security bureau (issues injury decisions)."""
    return f"{city}人力资源和社会保障局"
