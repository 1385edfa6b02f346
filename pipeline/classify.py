"""Stage 3: split files into documents and classify them (OWNED BY: extractors helper).

Contract:

    classify_page(page: OcrPage) -> Classification
    split_and_classify(pages: list[OcrPage]) -> list[tuple[list[OcrPage], Classification]]
        # consecutive pages of one file grouped into documents; a multi-document
        # PDF yields several groups.

Every registered document type scores the page: its anchors found in the text
(fuzzy, so OCR slips still count; a title near the top of the page counts
more), minus phrases that speak against it, plus visual cues (red seal, QR
code, card shape). The highest score wins; below the type's threshold the
page is ``unknown``. The Classification says why: matched anchors with their
evidence, and the runner-up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractors import load_specs
from extractors.registry import Anchor, DocumentSpec
from pipeline.models import Classification, Evidence, OcrLine, OcrPage

TITLE_ZONE = 0.35  # share of the page height where titles sit
TITLE_BONUS = 1.5
FUZZY_CUTOFF = 80
SPLIT_CONFIDENCE = 0.6  # an untitled page of another type this sure starts a new document


@dataclass(frozen=True)
class AnchorHit:
    anchor: Anchor
    similarity: float
    line: OcrLine | None
    in_title_zone: bool


@dataclass(frozen=True)
class Score:
    type: str
    value: float
    hits: tuple[AnchorHit, ...]
    has_title: bool  # a title anchor stood in the title zone


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _match(anchor: str, text: str) -> float:
    if anchor in text:
        return 1.0
    if len(anchor) < 4 or len(text) < len(anchor):
        return 0.0
    score = fuzz.partial_ratio(anchor, text, score_cutoff=FUZZY_CUTOFF)
    return score / 100.0 if score else 0.0


def _find_anchor(
    anchor: Anchor, page: OcrPage, lines: list[tuple[OcrLine, str]], whole: str
) -> AnchorHit | None:
    best: AnchorHit | None = None
    limit = page.height * TITLE_ZONE if page.height else float("inf")
    for line, text in lines:
        sim = _match(_compact(anchor.text), text)
        if sim and (best is None or sim > best.similarity):
            best = AnchorHit(anchor, sim, line, line.bbox[1] <= limit)
            if sim == 1.0:
                break
    if best is None and _compact(anchor.text) in whole:
        # split over several boxes (认定工伤 | 决定书)
        best = AnchorHit(anchor, 0.95, None, False)
    return best


def score_page(
    spec: DocumentSpec, page: OcrPage, lines: list[tuple[OcrLine, str]], whole: str
) -> Score:
    hits: list[AnchorHit] = []
    total = 0.0
    title_weights: list[float] = []
    has_title = False
    for anchor in spec.anchors:
        hit = _find_anchor(anchor, page, lines, whole)
        if hit is None:
            continue
        weight = anchor.weight * hit.similarity
        if anchor.title and hit.in_title_zone:
            weight *= TITLE_BONUS
            has_title = True
        elif anchor.title:
            weight *= 0.5  # a title quoted in the body (以“医疗住院收费票据”为准) is weak evidence
        hits.append(hit)
        if anchor.title:
            title_weights.append(weight)
        else:
            total += weight
    # overlapping titles (住院收费票据 within 医疗住院收费票据) must not stack up:
    # the strongest counts in full, further ones a quarter
    title_weights.sort(reverse=True)
    total += sum(title_weights[:1]) + 0.25 * sum(title_weights[1:])

    for phrase in spec.negative:
        if phrase in whole:
            total -= 2.0
    if spec.visual is not None and total > 0:
        total += spec.visual(page)
    return Score(spec.type, total, tuple(hits), has_title)


def _scores(page: OcrPage) -> list[Score]:
    specs = load_specs()
    lines = [(line, _compact(line.text)) for line in page.lines]
    whole = "".join(text for _, text in lines)
    scores = [score_page(spec, page, lines, whole) for spec in specs.values() if spec.anchors]
    return sorted(scores, key=lambda s: s.value, reverse=True)


def confidence(best: float, runner_up: float) -> float:
    """Saturating in the winning score, discounted when the runner-up is close."""
    if best <= 0:
        return 0.0
    margin = max(0.0, best - max(runner_up, 0.0)) / best
    return round((1 - math.exp(-best / 2.5)) * (0.6 + 0.4 * margin), 4)


def _classification(page: OcrPage, scores: list[Score]) -> tuple[Classification, bool]:
    specs = load_specs()
    best = scores[0] if scores else None
    runner = scores[1] if len(scores) > 1 else None
    runner_value = runner.value if runner else 0.0
    if best is None or best.value < specs[best.type].min_score:
        unknown_conf = round(1 - min(1.0, max(0.0, best.value if best else 0.0) / 4), 4)
        return (
            Classification(
                type="unknown",
                score=max(0.3, unknown_conf),
                runner_up=best.type if best and best.value > 0 else None,
                runner_up_score=round(best.value, 3) if best else None,
            ),
            False,
        )
    evidence = tuple(
        Evidence(
            file=page.file,
            page=page.page,
            bbox=h.line.bbox if h.line else None,
            text=h.line.text if h.line else h.anchor.text,
            confidence=round(h.similarity, 3),
        )
        for h in best.hits
    )
    return (
        Classification(
            type=best.type,
            score=confidence(best.value, runner_value),
            anchors=tuple(h.anchor.text for h in best.hits),
            evidence=evidence,
            runner_up=runner.type if runner and runner.value > 0 else None,
            runner_up_score=round(runner_value, 3) if runner else None,
        ),
        best.has_title,
    )


def classify_page(page: OcrPage) -> Classification:
    return _classification(page, _scores(page))[0]


def _repeats(anchor: str | None, group: list[OcrPage], page: OcrPage) -> bool:
    """The page shows a once-per-document anchor the group already has."""
    if not anchor:
        return False

    def has(p: OcrPage) -> bool:
        return anchor in _compact(p.text)

    return has(page) and any(has(p) for p in group)


def split_and_classify(pages: list[OcrPage]) -> list[tuple[list[OcrPage], Classification]]:
    """Group consecutive pages into documents.

    A page opens a new document when it shows a title of its own type and it is
    not the continuation of a multi-page document of the same type; pages
    without a title (page 2 of a contract, the back of an ID card) join the
    document before them.
    """
    specs = load_specs()
    groups: list[tuple[list[OcrPage], Classification]] = []
    for page in pages:
        cls, titled = _classification(page, _scores(page))
        if groups:
            current_pages, current_cls = groups[-1]
            same = cls.type == current_cls.type
            continuation = (
                cls.type == "unknown"
                or (same and (specs[cls.type].multipage or not titled))
                or (not same and not titled and cls.score < SPLIT_CONFIDENCE)
            )
            if current_cls.type == "unknown" and cls.type != "unknown":
                continuation = False
            if same and _repeats(specs[cls.type].repeat_anchor, current_pages, page):
                continuation = False  # a second person's card front, not the back of the first

            if continuation:
                current_pages.append(page)
                continue
        groups.append(([page], cls))
    return groups
