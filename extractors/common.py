"""Hooks shared by several document types (title-derived values, 大写 totals, issuers)."""

from __future__ import annotations

import re

from extractors import parsers
from extractors.engine import ExtractContext, PlacedLine, same_row_right

ISSUER_SUFFIX = re.compile(
    r"[\u4e00-\u9fff（）()]{2,30}?(?:医院|卫生院|卫生服务中心|医疗中心|诊所|门诊部|医学院附属[\u4e00-\u9fff]{0,10}|保健院|殡仪馆|火葬场|公安局|派出所|人民政府|委员会|社会保障局|社会保障厅)"
)


def top_lines(ctx: ExtractContext, share: float = 0.3) -> list[PlacedLine]:
    """Lines in the top part of the first page (where titles are)."""
    if not ctx.pages:
        return []
    first = ctx.pages[0]
    limit = first.height * share
    return [p for p in ctx.lines if p.page == first.page and p.line.bbox[1] <= limit]


def visit_type_from_title(ctx: ExtractContext, name: str = "visit_type") -> None:
    """住院 / 门诊 from the title (住院收费票据, 门诊病历), else from the body."""
    for placed in top_lines(ctx, 0.35):
        parsed = parsers.parse_visit_type(placed.compact)
        if parsed is not None:
            ctx.set(name, parsed.value, placed, placed.line.confidence, parsed.span)
            return
    if name in ctx.fields:
        return
    for pattern, value in (
        (r"住院号|入院日期|出院日期|住院天数|床号|床位费|住院", "住院"),
        (r"门诊号|门诊|急诊", "门诊"),
    ):
        hit = ctx.find(pattern)
        if hit:
            ctx.set(name, value, hit[0], 0.8 * hit[0].line.confidence, hit[1].group(0))
            return


def daxie_total(ctx: ExtractContext, name: str = "total_amount_words") -> None:
    """The 大写 total (kept apart so validators can compare it with the figures)."""
    for placed in ctx.lines:
        if not re.search(r"[元圆][整正角分]|[角分]$|大写", placed.compact):
            continue
        parsed = parsers.parse_daxie(placed.compact)
        if parsed is not None:
            ctx.set(name, parsed.value, placed, placed.line.confidence, parsed.span)
            _figures_on_row(ctx, placed, parsed.span)
            return
    # the words did not read (stylised print): the 大写 label's row still carries the figures
    for placed in ctx.lines:
        if "大写" in placed.compact:
            _figures_on_row(ctx, placed, "大写", words_fallback=False)
            return


def _figures_on_row(
    ctx: ExtractContext, placed: PlacedLine, words: str, words_fallback: bool = True
) -> None:
    """The 小写 total sits on the 大写 row: after the words in the same box, or in a box to
    the right. It is the printed total, whatever a generic 合计 label elsewhere says."""
    after = placed.compact.split(words, 1)[-1]
    candidates = [(after, placed)] + [(p.compact, p) for p in same_row_right(ctx.lines, placed)]
    for text, where in candidates:
        text = re.sub(r"^[^0-9¥￥]*(?:小写|[)）])[:：]?", "", text)
        if not re.match(r"\s*[¥￥Y]?\s*\d", text) or parsers.find_dates(text):
            continue  # not a figure, or a date stamp (现金收讫 2021.04.25) across the row

        parsed = parsers.parse_amount(text)
        if parsed is not None and parsed.quality >= 0.85:
            ctx.set("total_amount", parsed.value, where, where.line.confidence, parsed.span)
            return
    if not words_fallback:
        return
    # no figure readable on the row (a seal over it): the words are the printed total
    value = parsers.daxie_to_decimal(words)

    if value is not None:
        amount = parsers.format_amount(value)
        ctx.set("total_amount", amount, placed, 0.85 * placed.line.confidence, words)


def issuer_fallback(ctx: ExtractContext, name: str = "issuer", pick_last: bool = False) -> None:
    """An institution name anywhere on the page when no labelled issuer was found."""
    if name in ctx.fields:
        return
    order = reversed(ctx.lines) if pick_last else iter(ctx.lines)
    for placed in order:
        m = ISSUER_SUFFIX.search(placed.compact)
        if m and not re.search(r"(票据|发票|监制|财政|证明书|决定书)", m.group(0)):
            value = re.sub(
                r"^(收款单位|开票单位|医疗机构|单位|名称|医院名称|[（(]章[）)])[:：（(章)）]*",
                "",
                m.group(0),
            )
            ctx.set(name, value, placed, 0.85 * placed.line.confidence, m.group(0))
            return


def is_positive(text: str, positive: str, negative: str) -> bool | None:
    """A conclusion read from wording: negative phrases are checked first (不予认定 contains 认定)."""
    if re.search(negative, text):
        return False
    if re.search(positive, text):
        return True
    return None
