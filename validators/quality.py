"""Image quality: ask for a re-upload of a page nobody could read reliably."""

from __future__ import annotations

from pipeline.models import OcrPage
from validators.base import CheckResult, Reason, check

MIN_SHARPNESS = 25.0  # variance of the Laplacian on a ≤1600 px copy
MIN_BRIGHTNESS = 45.0
MAX_BRIGHTNESS = 245.0
MIN_CONTRAST = 12.0
MIN_MEAN_CONFIDENCE = 0.75
EDGE_SHARE = 0.35  # share of text lines touching the image edge that means "cut off"


def mean_confidence(page: OcrPage) -> float:
    if not page.lines:
        return 0.0
    total = sum(len(line.text) for line in page.lines) or 1
    return sum(line.confidence * len(line.text) for line in page.lines) / total


def edge_share(page: OcrPage) -> float:
    if not page.lines or not page.width or not page.height:
        return 0.0
    margin = 3
    touching = [
        line
        for line in page.lines
        if line.bbox[0] <= margin
        or line.bbox[1] <= margin
        or line.bbox[2] >= page.width - margin
        or line.bbox[3] >= page.height - margin
    ]
    return len(touching) / len(page.lines)


@check("page_legible")
def check_page(page: OcrPage, **params) -> CheckResult:
    """Bad metrics alone do not reject a page; bad metrics with poor OCR do."""
    if page.source != "ocr":
        return CheckResult.passed()
    q = page.quality
    conf = mean_confidence(page)
    base = {"file": page.file, "page": page.page, **params}
    if not page.lines:
        return CheckResult.failed(Reason.PAGE_UNREADABLE, **base)
    poor_reading = conf < MIN_MEAN_CONFIDENCE or len(page.lines) < 3
    if q is not None and poor_reading:
        if (
            q.brightness < MIN_BRIGHTNESS
            or q.brightness > MAX_BRIGHTNESS
            or q.contrast < MIN_CONTRAST
        ):
            return CheckResult.failed(Reason.PAGE_DARK, **base)
        if q.sharpness < MIN_SHARPNESS:
            return CheckResult.failed(Reason.PAGE_BLURRED, **base)
    if edge_share(page) >= EDGE_SHARE and len(page.lines) >= 4:
        return CheckResult.failed(Reason.PAGE_CUT_OFF, **base)
    if poor_reading and conf < 0.6:
        return CheckResult.failed(Reason.PAGE_UNREADABLE, **base)
    return CheckResult.passed()
