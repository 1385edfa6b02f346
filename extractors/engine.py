"""The generic extractor: a spec's label synonyms and parsers applied to page geometry.

For each field, every occurrence of one of its labels is a candidate; its value
is looked for (1) after the label on the same OCR line, (2) in the boxes to the
right on the same row, (3) on the line just below. Candidates are ranked by how
well the label matched, whether it stands like a label (line start, colon), the
parser's quality and the OCR confidence; the best one that parses wins. Fields
without a label match may be found by scanning every line with the parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from extractors import parsers, surnames
from extractors.registry import DocumentSpec, FieldSpec
from pipeline.models import BBox, FieldValue, OcrLine, OcrPage

COMMON_STOP_LABELS = (
    "姓名",
    "性别",
    "民族",
    "出生",
    "住址",
    "年龄",
    "身份证号",
    "公民身份号码",
    "证件号码",
    "身份证号码",
    "职业",
    "工作单位",
    "用人单位",
    "联系电话",
    "电话",
    "地址",
    "日期",
    "科室",
    "床号",
    "住院号",
    "门诊号",
    "病历号",
    "医保类型",
    "医保编号",
    "社会保障号码",
    "金额",
    "合计",
    "开票日期",
    "收款人",
    "复核人",
    "开票人",
    "校验码",
    "票据代码",
    "票据号码",
    "交款人",
    "统一社会信用代码",
    "发证机关",
    "签发机关",
    "有效期限",
)


@dataclass(frozen=True)
class PlacedLine:
    """An OCR line with its page number and a space-free text for matching."""

    page: int
    line: OcrLine
    compact: str
    index: int  # position in reading order across the document


@dataclass
class ExtractContext:
    """What a spec's post hook sees: the pages, the lines, and the fields found so far."""

    spec: DocumentSpec
    pages: list[OcrPage]
    lines: list[PlacedLine]
    fields: dict[str, FieldValue] = field(default_factory=dict)
    items: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.line.text for p in self.lines)

    def set(
        self, name: str, value, where: PlacedLine | None, confidence: float, span: str = ""
    ) -> None:
        """Record a field with its provenance (replaces an earlier value)."""
        self.fields[name] = field_value(value, where, confidence, span)

    def find(self, pattern: str | re.Pattern[str]) -> tuple[PlacedLine, re.Match[str]] | None:
        """First line whose text matches the pattern (searched on the space-free text)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        for placed in self.lines:
            m = rx.search(placed.compact)
            if m:
                return placed, m
        return None

    def find_all(self, pattern: str | re.Pattern[str]) -> list[tuple[PlacedLine, re.Match[str]]]:
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return [(p, m) for p in self.lines if (m := rx.search(p.compact))]


def place_lines(pages: list[OcrPage]) -> list[PlacedLine]:
    out: list[PlacedLine] = []
    for page in pages:
        for line in page.lines:
            out.append(PlacedLine(page.page, line, compact(line.text), len(out)))
    return out


def compact(text: str) -> str:
    return re.sub(r"\s+", "", parsers.clean(text))


def field_value(value, where: PlacedLine | None, confidence: float, span: str = "") -> FieldValue:
    return FieldValue(
        value=value,
        confidence=round(max(0.0, min(1.0, confidence)), 4),
        page=where.page if where else None,
        bbox=where.line.bbox if where else None,
        text=(where.line.text if where else span),
    )


# ------------------------------------------------------------------ label matching


def match_label(text: str, label: str) -> tuple[int, int, float] | None:
    """(start, end, similarity 0..1) of the label in the space-free line text."""
    pos = text.find(label)
    if pos >= 0:
        return pos, pos + len(label), 1.0
    # short labels differ from each other by one character (票据代码 / 票据号码): exact only
    if len(label) < 5 or len(text) < len(label):
        return None
    res = fuzz.partial_ratio_alignment(label, text, score_cutoff=80)
    if res is None:
        return None
    return res.dest_start, res.dest_end, res.score / 100.0


def _vertical_overlap(a: BBox, b: BBox) -> float:
    top, bottom = max(a[1], b[1]), min(a[3], b[3])
    return max(0, bottom - top) / max(1, min(a[3] - a[1], b[3] - b[1]))


def same_row_right(lines: list[PlacedLine], anchor: PlacedLine) -> list[PlacedLine]:
    box = anchor.line.bbox
    row = [
        p
        for p in lines
        if p.page == anchor.page
        and p is not anchor
        and _vertical_overlap(p.line.bbox, box) > 0.5
        and p.line.bbox[0] >= box[0] + 0.6 * (box[2] - box[0])
    ]
    return sorted(row, key=lambda p: p.line.bbox[0])


def line_below(lines: list[PlacedLine], anchor: PlacedLine, label_x1: int) -> list[PlacedLine]:
    box = anchor.line.bbox
    height = max(8, box[3] - box[1])
    cands = [
        p
        for p in lines
        if p.page == anchor.page
        and p is not anchor
        and box[3] - 0.3 * height <= p.line.bbox[1] <= box[3] + 2.2 * height
        and p.line.bbox[0] < max(label_x1, box[0] + 2 * height) + 3 * height
        and p.line.bbox[2] > box[0] - height
    ]
    return sorted(cands, key=lambda p: (p.line.bbox[1], abs(p.line.bbox[0] - box[0])))


def _cut_at_next_label(rest: str, stops: tuple[str, ...]) -> str:
    cut = len(rest)
    for label in stops:
        pos = rest.find(label, 1)
        if 0 < pos < cut:
            cut = pos
    return rest[:cut]


def _label_position_factor(text: str, start: int, end: int) -> float:
    """A label stands at the line start or after a separator, and is followed by a colon;
    the same words inside a sentence (乙方同意在甲方…) are weaker candidates."""
    at_start = start == 0 or text[start - 1] in " :：;；,，|"
    colon = end == len(text) or SUB_LABEL_COLON.match(text, end) is not None
    return {(True, True): 1.0, (True, False): 0.9, (False, True): 0.9}.get((at_start, colon), 0.75)


SUB_LABEL = re.compile(r"^(?:名称|姓名|全称|单位名称)[:：]?")
SUB_LABEL_COLON = re.compile(r"(?:名称|姓名|全称|单位名称)?[:：]")


@dataclass(frozen=True)
class Candidate:
    score: float
    value: object
    where: PlacedLine
    span: str


# parsers whose values may be corrected from the recogniser's runner-up characters
_RESOLVE_WITH_ALTERNATIVES: dict[parsers.Parser, Callable[[str, OcrLine], str]] = {
    parsers.parse_person_name: surnames.prefer_surname,
}


def find_field(fs: FieldSpec, lines: list[PlacedLine], stops: tuple[str, ...]) -> Candidate | None:
    """The best labelled candidate for a field, else a scanned one (if the field allows);
    a value whose doubtful characters the field can settle is settled here (surnames)."""
    cand = _best_candidate(fs, lines, stops)
    resolve = _RESOLVE_WITH_ALTERNATIVES.get(fs.parser)
    if cand is None or resolve is None or not isinstance(cand.value, str):
        return cand
    value = resolve(cand.value, cand.where.line)
    return cand if value == cand.value else replace(cand, value=value)


def _best_candidate(
    fs: FieldSpec, lines: list[PlacedLine], stops: tuple[str, ...]
) -> Candidate | None:
    best: Candidate | None = None
    own_stops = tuple(s for s in stops if s not in fs.labels)
    for placed in lines:
        for rank, label in enumerate(fs.labels):
            hit = match_label(placed.compact, label)
            if hit is None:
                continue
            start, end, sim = hit
            # earlier synonyms are the more specific ones (小写 before 合计)
            label_score = (
                sim * _label_position_factor(placed.compact, start, end) * (1 - 0.02 * rank)
            )
            rest = SUB_LABEL.sub("", placed.compact[end:].lstrip(":：;；,，.。 ")).lstrip(":：")
            rest = _cut_at_next_label(rest, own_stops)
            tries: list[tuple[str, PlacedLine, float]] = [(rest, placed, 1.0)]
            right = same_row_right(lines, placed)
            height = placed.line.bbox[3] - placed.line.bbox[1]
            # a value box sits near its label; a box far along the row is the next field
            right = [r for r in right[:1] if r.line.bbox[0] - placed.line.bbox[2] <= 6 * height]
            if right:
                tries.append((_cut_at_next_label(right[0].compact, own_stops), right[0], 0.97))
            # the line below holds the value only in header-over-value layouts: after
            # "交款人：" with nothing behind it, the next line is another field, not this one
            inline = end < len(placed.compact) and placed.compact[end] in ":："
            if fs.below and not inline:
                tries += [
                    (b.compact, b, 0.9) for b in line_below(lines, placed, placed.line.bbox[2])[:2]
                ]
            for text, where, place_factor in tries:
                if not text:
                    continue
                parsed = fs.parser(text)
                if parsed is None:
                    continue
                score = label_score * place_factor * parsed.quality * where.line.confidence
                if best is None or score > best.score:
                    best = Candidate(score, parsed.value, where, parsed.span)
                break
    if best is not None or not fs.scan:
        return best
    order = lines if fs.pick == "first" else list(reversed(lines))
    for placed in order:
        parsed = fs.parser(placed.compact)
        if parsed is not None:
            return Candidate(
                0.9 * parsed.quality * placed.line.confidence, parsed.value, placed, parsed.span
            )
    return None


def extract_fields(spec: DocumentSpec, pages: list[OcrPage]) -> ExtractContext:
    lines = place_lines(pages)
    ctx = ExtractContext(spec=spec, pages=pages, lines=lines)
    stops = tuple(
        dict.fromkeys(
            [label for fs in spec.fields for label in fs.labels]
            + list(spec.stop_labels)
            + list(COMMON_STOP_LABELS)
        )
    )
    for fs in spec.fields:
        cand = find_field(fs, lines, stops)
        if cand is not None:
            ctx.set(fs.name, cand.value, cand.where, cand.score, cand.span)
    if spec.post is not None:
        spec.post(ctx)
    return ctx


# ------------------------------------------------------------------ table rows


def table_items(
    ctx: ExtractContext,
    header: str = r"项目名称|收费项目|费用名称|项目|名称",
    end: str = r"合计|总计|小计|大写",
) -> list[dict]:
    """Rows between a header row and the total: item name and amount by column.

    The header row's cells define the columns (name columns: 项目名称…, amount
    columns: 金额…, not 单价); each body cell belongs to the header cell nearest
    its centre, so two-column receipts and wide expense lists read alike.
    """
    head = ctx.find(header)
    if head is None:
        return []
    start = head[0]
    header_cells = [start] + same_row_right(ctx.lines, start)
    kinds: list[tuple[float, str]] = []
    for cell in header_cells:
        centre = (cell.line.bbox[0] + cell.line.bbox[2]) / 2
        if re.search(header, cell.compact):
            kinds.append((centre, "name"))
        elif re.search(r"金额|费用", cell.compact) and "单价" not in cell.compact:
            kinds.append((centre, "amount"))
        else:
            kinds.append((centre, "other"))
    if not any(k == "amount" for _, k in kinds):
        return []
    height = start.line.bbox[3] - start.line.bbox[1]
    body = sorted(
        (
            p
            for p in ctx.lines
            if p.page == start.page and p.line.bbox[1] > start.line.bbox[1] + 0.6 * height
        ),
        key=lambda p: (p.line.bbox[1], p.line.bbox[0]),
    )
    items: list[dict] = []
    used: set[int] = set()
    for placed in body:
        if placed.index in used:
            continue
        row = sorted(
            [placed]
            + [
                p
                for p in body
                if p.index not in used
                and p is not placed
                and _vertical_overlap(p.line.bbox, placed.line.bbox) > 0.5
            ],
            key=lambda p: p.line.bbox[0],
        )
        if any(re.search(end, p.compact) for p in row):
            break
        used.update(p.index for p in row)
        pending: tuple[str, PlacedLine] | None = None
        for cell in row:
            centre = (cell.line.bbox[0] + cell.line.bbox[2]) / 2
            kind = min(kinds, key=lambda k: abs(k[0] - centre))[1]
            if kind == "name" and re.match(r"[\u4e00-\u9fff]", cell.compact):
                pending = (cell.compact, cell)
            elif kind == "amount" and pending is not None:
                parsed = parsers.parse_amount(cell.compact)
                if parsed is None:
                    continue
                name, name_cell = pending
                items.append(
                    {
                        "name": name,
                        "amount": parsed.value,
                        "page": cell.page,
                        "bbox": [
                            min(name_cell.line.bbox[0], cell.line.bbox[0]),
                            min(name_cell.line.bbox[1], cell.line.bbox[1]),
                            max(name_cell.line.bbox[2], cell.line.bbox[2]),
                            max(name_cell.line.bbox[3], cell.line.bbox[3]),
                        ],
                        "text": f"{name_cell.line.text} {cell.line.text}",
                        "confidence": min(name_cell.line.confidence, cell.line.confidence),
                    }
                )
                pending = None
    return items
