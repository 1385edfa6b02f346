"""Small named value parsers: OCR text in, contract-format value out (or None).

Each parser takes the text that follows a label (or a whole line) and returns
``Parsed(value, span)`` — the normalised value plus the substring it was read
from — so the caller can keep provenance. They never guess: text that does not
look like the value gives None, and the extractor tries the next candidate.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from stdnum.cn import ric


@dataclass(frozen=True)
class Parsed:
    value: str | int | bool | list[str]
    span: str  # the text the value was read from
    quality: float = 1.0  # how well the text matched the expected shape (0..1)


Parser = Callable[[str], "Parsed | None"]

# ------------------------------------------------------------------ OCR clean-up

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９：．，（）［］－／　ＸｘＯ",
    "0123456789:.,()[]-/ XxO",
)
# letters OCR puts where a digit belongs, inside digit runs only
_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)


def clean(text: str) -> str:
    """Full-width digits/punctuation to ASCII; collapse whitespace."""
    return re.sub(r"\s+", " ", text.translate(_FULLWIDTH)).strip()


def digits_fixed(text: str) -> str:
    """Replace letter look-alikes inside mostly-digit tokens (2O25 → 2025, l23 → 123)."""

    def fix(m: re.Match[str]) -> str:
        token = m.group(0)
        digits = sum(ch.isdigit() for ch in token)
        return token.translate(_DIGIT_LOOKALIKES) if digits and digits * 2 >= len(token) else token

    return re.sub(r"[0-9OoDlI|SBZ]+", fix, text)


# ------------------------------------------------------------------ Chinese numerals

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "０": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG)


def cn_to_int(text: str) -> int | None:
    """十二 → 12, 二十 → 20, 一千零五 → 1005; digit strings (二〇二五 → 2025)."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_BIG:
            total = (total + section + (digit or 0)) * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


# ------------------------------------------------------------------ dates

_NUM = r"[0-9OoIl]"
_DATE_PATTERNS = [
    # 2025年5月2日 / 2025年05月02日 (OCR may drop 日 or add spaces)
    re.compile(
        rf"(?P<y>(?:19|20){_NUM}{{2}})\s*年\s*(?P<m>{_NUM}{{1,2}})\s*月\s*(?P<d>{_NUM}{{1,2}})\s*[日号]?"
    ),
    # 2025-05-02, 2025.5.2, 2025/05/02
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)"),
    # 2021.04.24 glued to a time by OCR: 2021.04.2415:26
    re.compile(
        r"(?P<y>(?:19|20)\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{2})(?=\d{1,2}:\d{2})"
    ),
    # 20250502 (not inside a longer digit run)
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"),
]
_CN_DATE = re.compile(
    rf"(?P<y>[{CN_NUMERAL_CHARS}]{{4}})\s*年\s*(?P<m>[{CN_NUMERAL_CHARS}]{{1,3}})\s*月\s*(?P<d>[{CN_NUMERAL_CHARS}]{{1,4}})\s*日"
)


def _mkdate(y: str | int, m: str | int, d: str | int) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except (TypeError, ValueError):
        return None


def find_dates(text: str) -> list[tuple[dt.date, str]]:
    """Every date in the text with the substring it came from, in order."""
    text = digits_fixed(clean(text))
    found: list[tuple[int, dt.date, str]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            y, mo, d = (digits_fixed(m.group(k)) for k in ("y", "m", "d"))
            if not (y.isdigit() and mo.isdigit() and d.isdigit()):
                continue
            date = _mkdate(y, mo, d)
            if date and not any(
                s <= m.start() < e for s, _, e in ((f[0], f[1], f[0] + len(f[2])) for f in found)
            ):
                found.append((m.start(), date, m.group(0)))
    for m in _CN_DATE.finditer(text):
        date = _mkdate(
            cn_to_int(m.group("y")) or 0, cn_to_int(m.group("m")) or 0, cn_to_int(m.group("d")) or 0
        )
        if date:
            found.append((m.start(), date, m.group(0)))
    found.sort(key=lambda f: f[0])
    return [(date, span) for _, date, span in found]


def parse_date(text: str) -> Parsed | None:
    """First date in the text as YYYY-MM-DD."""
    dates = find_dates(text)
    if not dates:
        return None
    date, span = dates[0]
    return Parsed(date.isoformat(), span)


def parse_last_date(text: str) -> Parsed | None:
    dates = find_dates(text)
    if not dates:
        return None
    date, span = dates[-1]
    return Parsed(date.isoformat(), span)


def parse_date_range(text: str) -> tuple[Parsed, Parsed] | None:
    """A term such as 2024年1月1日至2026年12月31日 → (start, end)."""
    dates = find_dates(text)
    if len(dates) < 2:
        return None
    return Parsed(dates[0][0].isoformat(), dates[0][1]), Parsed(
        dates[1][0].isoformat(), dates[1][1]
    )


# ------------------------------------------------------------------ amounts

_AMOUNT = re.compile(
    r"(?<![\d.])-?\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?!\d)|(?<![\d.])-?\d+(?:\.\d{1,2})?(?![\d])"
)


def format_amount(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def parse_amount(text: str) -> Parsed | None:
    """¥511.70 / 511.7元 / 1,234.50 → "511.70". Prefers numbers with a currency sign or decimals."""
    text = clean(text).replace("¥", "￥")
    text = re.sub(r"(?<=\d)\s*[,，]\s*(?=\d{3}\b)", ",", text)
    text = re.sub(r"(?<=\d) *\. *(?=\d)", ".", text)
    candidates = []
    for m in _AMOUNT.finditer(text):
        raw = m.group(0)
        before = text[max(0, m.start() - 2) : m.start()]
        after = text[m.end() : m.end() + 1]
        score = 0.6
        if "." in raw:
            score += 0.3
        if "￥" in before or "¥" in before or after == "元":
            score += 0.2
        digits = raw.replace(",", "").replace("-", "")
        if len(digits.split(".")[0]) > 9:
            continue
        candidates.append((score, m.start(), raw))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c[0], -c[1]))
    try:
        value = Decimal(best[2].replace(",", ""))
    except InvalidOperation:
        return None
    return Parsed(format_amount(value), best[2], min(1.0, best[0]))


_DAXIE_DIGITS = {
    "零": 0,
    "壹": 1,
    "贰": 2,
    "貳": 2,
    "叁": 3,
    "參": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "陸": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "两": 2,
}
_DAXIE_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_DAXIE_CHARS = "".join(_DAXIE_DIGITS) + "".join(_DAXIE_UNITS) + "万萬亿億圆元角分整正"
_DAXIE_RUN = re.compile(rf"[{_DAXIE_CHARS}]{{2,}}")


def daxie_to_decimal(text: str) -> Decimal | None:
    """伍佰壹拾壹元柒角整 → 511.70. None when the text is not a well-formed 大写 amount."""
    text = text.strip().replace("圆", "元").replace("正", "整")
    if not text or not any(ch in text for ch in "元角分"):
        return None
    yuan_part, rest = (text.split("元", 1) + [""])[:2] if "元" in text else ("", text)
    yuan = 0
    if yuan_part:
        value = cn_to_int(yuan_part.replace("零", "") if yuan_part != "零" else "零")
        if value is None:
            # 壹仟零伍拾 → cn_to_int handles 零 only as digit 0; strip and retry
            return None
        yuan = value
    jiao = fen = 0
    m = re.search(r"([零壹贰貳叁參肆伍陆陸柒捌玖一二三四五六七八九])角", rest)
    if m:
        jiao = _DAXIE_DIGITS[m.group(1)]
    m = re.search(r"([零壹贰貳叁參肆伍陆陸柒捌玖一二三四五六七八九])分", rest)
    if m:
        fen = _DAXIE_DIGITS[m.group(1)]
    return Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100


def parse_daxie(text: str) -> Parsed | None:
    """The longest 大写 run in the text as an amount string."""
    runs = sorted(_DAXIE_RUN.findall(text), key=len, reverse=True)
    for run in runs:
        value = daxie_to_decimal(run)
        if value is not None:
            return Parsed(format_amount(value), run)
    return None


# ------------------------------------------------------------------ identifiers

_ID = re.compile(r"(?<![0-9A-Za-z])([1-9OoIl][0-9OoIlSBZ]{16}[0-9XxOoIl×])(?![0-9A-Za-z])")


def normalise_id(raw: str) -> str:
    body = digits_fixed(raw[:-1]).translate(_DIGIT_LOOKALIKES)
    last = raw[-1].upper().replace("×", "X")
    if last != "X":
        last = last.translate(_DIGIT_LOOKALIKES)
    return body + last


def parse_id_number(text: str) -> Parsed | None:
    """An 18-character resident ID number, upper-case X; a valid checksum is preferred."""
    text = clean(text)
    compact = re.sub(r"(?<=\d)\s+(?=[\dXx])", "", text)
    candidates = []
    for source in (text, compact):
        for m in _ID.finditer(source):
            value = normalise_id(m.group(1))
            if not re.fullmatch(r"\d{17}[\dX]", value):
                continue
            valid = ric.is_valid(value)
            # a bad checksum ranks a candidate lower but is no doubt about the reading itself
            # (validators report it; a misread shows in the OCR confidence)
            candidates.append(Parsed(value, m.group(1), 1.0 if valid else 0.97))

    if not candidates:
        return None
    return max(candidates, key=lambda p: p.quality)


def id_number_ok(value: str) -> bool:
    return ric.is_valid(value)


def _digits_run(text: str, lo: int, hi: int) -> list[str]:
    text = digits_fixed(clean(text))
    return [
        m
        for m in re.findall(r"(?<!\d)\d[\d ]*\d(?!\d)", text)
        if lo <= len(m.replace(" ", "")) <= hi
    ]


def parse_invoice_code(text: str) -> Parsed | None:
    """票据代码 / 发票代码: 8–12 digits."""
    for run in _digits_run(text, 8, 12):
        return Parsed(run.replace(" ", ""), run)
    return None


def parse_invoice_number(text: str) -> Parsed | None:
    """票据号码 / 发票号码: 8–20 digits (20 on 全电 invoices); leading zeros kept."""
    runs = _digits_run(text, 6, 20)
    if not runs:
        return None
    run = max(runs, key=lambda r: len(r.replace(" ", "")))
    return Parsed(run.replace(" ", ""), run)


def parse_card_number(text: str) -> Parsed | None:
    """Card numbers: 9–19 digits (spaces between groups allowed), or a letter and 8 digits
    (social-security card numbers such as H48002169)."""
    text = clean(text)
    lettered = re.search(r"(?<![0-9A-Za-z])([A-Z])\s*(\d{8})(?!\d)", text)
    if lettered:
        return Parsed(lettered.group(1) + lettered.group(2), lettered.group(0))
    text = digits_fixed(text)
    m = re.search(r"(?<!\d)\d{4}(?: ?\d{2,6}){2,4}(?!\d)|(?<!\d)\d{9,19}(?!\d)", text)
    if not m:
        return None
    value = m.group(0).replace(" ", "")
    if not 9 <= len(value) <= 19:
        return None
    return Parsed(value, m.group(0))


_BRACKETS = str.maketrans(
    {
        "[": "〔",
        "【": "〔",
        "(": "〔",
        "（": "〔",
        "［": "〔",
        "〖": "〔",
        "{": "〔",
        "]": "〕",
        "】": "〕",
        ")": "〕",
        "）": "〕",
        "］": "〕",
        "〗": "〕",
        "}": "〕",
    }
)
_DOCNO = re.compile(
    r"([\u4e00-\u9fff]{1,16}?)\s*[〔\[【(（［〖{]\s*((?:19|20)\d{2})\s*[〕\]】)）］〗}]\s*(?:第\s*)?([0-9OoIl]{1,6})\s*号"
)


def parse_document_number(text: str) -> Parsed | None:
    """朝人社工伤认字〔2025〕123号 (any bracket OCR reads is normalised to 〔〕)."""
    text = clean(text)
    m = _DOCNO.search(text)
    if not m:
        return None
    prefix = re.sub(r"^(?:文号|编号|决定书号|字号)[:：]?", "", m.group(1))
    number = digits_fixed(m.group(3)).translate(_DIGIT_LOOKALIKES)
    di = "第" if re.search(r"[〕\]】)）］〗}]\s*第", m.group(0)) else ""
    return Parsed(f"{prefix}〔{m.group(2)}〕{di}{number}号", m.group(0))


# ------------------------------------------------------------------ names and text

_NAME_STOP = re.compile(
    r"(性别|民族|出生|住址|年龄|身份|公民|证件|号码|职业|单位|工作|电话|联系|籍贯|科室|床号|住院号|门诊号|病历号|医保|类型|编号|男|女)"
)
_LABEL_ENDINGS = set("别号码期型址龄额费称位量")
_NOT_A_NAME = {
    # table headers and field words OCR may put where a name was blanked out
    "项目名称",
    "收费项目",
    "金额",
    "数量",
    "单位",
    "单价",
    "规格",
    "备注",
    "类别",
    "人员类别",
    "项目",
    "开票",
    "检票",
    "交款人",
    "收款人",
    "复核人",
    "开票人",
    "经办人",
    "负责人",
    "代理人",
    "委托人",
    "受托人",
    "承诺人",
    "申请人",
    "姓名",
    "签名",
    "签字",
    "盖章",
    "本人",
    "患者",
    "职工",
    "先生",
    "女士",
    "同志",
    "无",
    "年",
    "月",
    "日",
}


def parse_person_name(text: str) -> Parsed | None:
    """A Chinese personal name: 2–4 Han characters (· allowed for minority names)."""
    text = clean(text).lstrip(":：;；,，. ")
    if _NAME_STOP.match(text):
        return None  # the text is the next label (性别, 民族 …), not a name
    text = (
        _NAME_STOP.split(text, maxsplit=1)[0]
        if _NAME_STOP.search(text[2:] if len(text) > 2 else "")
        else text
    )
    m = re.match(r"([\u4e00-\u9fff]{1,6}(?:[·•.][\u4e00-\u9fff]{1,8})?)", text.replace(" ", ""))
    if not m:
        return None
    name = m.group(1).replace("•", "·").replace(".", "·")
    if "·" not in name:
        stop = _NAME_STOP.search(name, 2)
        if stop:
            name = name[: stop.start()]
        if not 2 <= len(name) <= 4:
            return None
    after = text.replace(" ", "")[len(m.group(1)) :]
    if name in _NOT_A_NAME or after[:1] in (":", "：", "/") or name[-1] in _LABEL_ENDINGS:
        # a word followed by a colon is the next label (校验码：…), not a name; so is a
        # word ending like a label (科别, 床号, 日期)
        return None
    return Parsed(name, m.group(1))


_ORG_SUFFIX = re.compile(
    r"(有限责任公司|股份有限公司|有限公司|公司|集团|医院|卫生院|中心|诊所|门诊部|银行|支行|分行|局|厅|委员会|"
    r"殡仪馆|火葬场|研究院|研究所|学校|大学|工厂|厂|商店|店|酒店|宾馆|社区|街道办事处|处|所|站|社|部|院)"
)


_SEAL_CAPTION = re.compile(r"(?:专用章|公章|印章)$")


def parse_org(text: str) -> Parsed | None:
    """An organisation name: Han text ending at a known organisation suffix (or the whole run)."""
    text = re.sub(r"^[（(]?\s*[章印盖][）)]?", "", clean(text).lstrip(":：;；,，. ")).lstrip(
        ":：;；,，. "
    )
    text = re.split(
        r"\s{2,}|(?:地址|电话|统一社会信用代码|纳税人识别号|开户行|法定代表人|负责人)[:：]?", text
    )[0]
    m = re.match(r"[\u4e00-\u9fff()（）A-Za-z0-9]{2,40}", text.replace(" ", ""))
    if not m:
        return None
    org = m.group(0)
    ends = list(_ORG_SUFFIX.finditer(org))
    if ends:
        org = org[: ends[-1].end()]
    org = org.replace("(", "（").replace(")", "）")
    after = text.replace(" ", "")[len(m.group(0)) :]
    if len(org) < 3 or (not ends and after[:1] in (":", "：")):
        return None  # a label such as 收款人： or 医保类型：, not an organisation
    if _SEAL_CAPTION.search(org):
        return None  # the caption inside a seal (财务专用章) read through the printed name
    return Parsed(org, m.group(0), 1.0 if ends else 0.8)


def parse_text(text: str) -> Parsed | None:
    text = clean(text).lstrip(":：;；,，. ")
    return Parsed(text, text) if text else None


def parse_gender(text: str) -> Parsed | None:
    m = re.search(r"[男女]", text)
    return Parsed(m.group(0), m.group(0)) if m else None


_GRADE = re.compile(rf"(?:伤残|残疾)?\s*([0-9{CN_NUMERAL_CHARS}]{{1,2}})\s*级\s*(?:伤残)?")


def parse_grade(text: str) -> Parsed | None:
    """伤残七级 / 伤残7级 / 七级伤残 → 7 (1–10)."""
    for m in _GRADE.finditer(text):
        n = cn_to_int(m.group(1))
        if n is not None and 1 <= n <= 10:
            return Parsed(n, m.group(0))
    return None


_NURSING = re.compile(
    r"(生活完全不能自理|生活大部分不能自理|生活部分不能自理|完全护理依赖|大部分护理依赖|部分护理依赖|护理依赖)"
)


def parse_nursing(text: str) -> Parsed | None:
    """生活自理障碍等级 (or 无)."""
    m = _NURSING.search(text)
    if m:
        return Parsed(m.group(1), m.group(0))
    if re.search(
        r"(无生活自理障碍|未达到.*护理|不需要护理|生活自理障碍[:：]?\s*无|护理依赖[:：]?\s*无)",
        text,
    ):
        return Parsed("无", text)
    return None


def parse_visit_type(text: str) -> Parsed | None:
    """门诊 (incl. 门急诊/急诊) vs 住院."""
    if "住院" in text or "出院" in text or "入院" in text:
        return Parsed("住院", "住院")
    m = re.search(r"门\s*[急]?\s*诊|急诊", text)
    if m:
        return Parsed("门诊", m.group(0))
    return None
