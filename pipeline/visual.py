"""Visual cues of a page image: quality metrics, red official seals, QR codes.

These answer questions OCR text cannot: is the photo sharp enough to trust
(else ask for a re-upload), is this a grey photocopy rather than an original,
does the page carry a red seal (公章), and what do its QR codes say (e-invoices
encode number/date/amount in one).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.models import BBox, PageQuality

VISUAL_CUES_VERSION = "vc2"  # part of the OCR cache key (cues are cached with the text)
_ANALYSIS_SIDE = 1600  # metrics on a bounded size so they compare across resolutions


def _bounded(image: np.ndarray, side: int = _ANALYSIS_SIDE) -> tuple[np.ndarray, float]:
    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    if scale < 1.0:
        image = cv2.resize(image, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    return image, scale


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image


def quality(
    image: np.ndarray, rotation_applied: int = 0, skew_corrected: float = 0.0
) -> PageQuality:
    """Sharpness (Laplacian variance), brightness, contrast, colourfulness (Hasler–Süsstrunk)."""
    small, _ = _bounded(_as_bgr(image))
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    b, g, r = (c.astype(np.float64) for c in cv2.split(small))
    rg = r - g
    yb = 0.5 * (r + g) - b
    colourfulness = float(
        np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2)
    )
    return PageQuality(
        sharpness=round(sharpness, 2),
        brightness=round(float(grey.mean()), 2),
        contrast=round(float(grey.std()), 2),
        colourfulness=round(colourfulness, 2),
        rotation_applied=rotation_applied,
        skew_corrected=round(skew_corrected, 2),
    )


def red_mask(image: np.ndarray, min_value: int = 90) -> np.ndarray:
    """Pixels of seal-red ink (both ends of the hue circle, saturated, bright enough)."""
    hsv = cv2.cvtColor(_as_bgr(image), cv2.COLOR_BGR2HSV)
    low = cv2.inRange(hsv, (0, 70, min_value), (10, 255, 255))
    high = cv2.inRange(hsv, (160, 70, min_value), (180, 255, 255))
    return cv2.bitwise_or(low, high)


def find_red_seals(image: np.ndarray) -> list[BBox]:
    """Boxes of round/oval red seals in page pixel coordinates.

    A seal is a red ring (often broken by wear or overprinted text) around red
    text or a star. Candidates are red blobs of plausible size whose convex
    hull is an ellipse; they count as seals when the ink along the ellipse's
    rim covers most of its circumference and is denser than the ink inside.
    Red table lines, headings and handwriting fail one of these tests. Dark
    reds (printed invoice forms) are tried apart from bright seal reds so a
    seal stamped over a red heading still separates.
    """
    small, scale = _bounded(_as_bgr(image))
    boxes: list[tuple[int, int, int, int]] = []
    for min_value in (150, 90):
        mask = red_mask(small, min_value)
        if cv2.countNonZero(mask) < 50:
            continue
        for box in _ring_candidates(mask):
            if not any(_overlap(box, other) > 0.5 for other in boxes):
                boxes.append(box)
    out = [
        (int(x0 / scale), int(y0 / scale), int(round(x1 / scale)), int(round(y1 / scale)))
        for x0, y0, x1, y1 in boxes
    ]
    out.sort(key=lambda b: (b[1], b[0]))
    return out


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])) or 1
    return ix * iy / smaller


def _ring_candidates(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    h, w = mask.shape[:2]
    short_side = min(h, w)
    k = max(3, int(round(short_side * 0.006)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2)
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    found = []
    for contour in contours:
        x, y, cw, ch = cv2.boundingRect(contour)
        size = max(cw, ch)
        if size < max(0.05 * short_side, 25) or size > 0.6 * short_side:
            continue
        if not 0.45 <= cw / ch <= 2.2:
            continue
        hull_points = cv2.convexHull(contour)
        if len(hull_points) < 5:
            continue
        ellipse = cv2.fitEllipse(hull_points)
        (ex, ey), (ea, eb), angle = ellipse
        if min(ea, eb) < 10:
            continue
        hull = np.zeros_like(mask)
        cv2.drawContours(hull, [hull_points], -1, 255, -1)
        filled_ellipse = np.zeros_like(mask)
        cv2.ellipse(filled_ellipse, ellipse, 255, -1)
        inter = cv2.countNonZero(cv2.bitwise_and(filled_ellipse, hull))
        union = cv2.countNonZero(cv2.bitwise_or(filled_ellipse, hull))
        if union == 0 or inter / union < 0.8:
            continue
        if _is_ring(mask, (ex, ey), (ea, eb), angle):
            found.append((x, y, x + cw, y + ch))
    return found


def _is_ring(
    mask: np.ndarray, centre: tuple[float, float], axes: tuple[float, float], angle: float
) -> bool:
    """Ink along the rim covers most of the circumference and is denser than inside."""
    stats = ring_stats(mask, centre, axes, angle)
    return (
        stats["coverage"] >= 0.75
        and stats["rim"] >= 0.2
        and stats["rim"] >= 1.2 * stats["inner"]
        and stats["inner"] <= 0.6
    )


def ring_stats(
    mask: np.ndarray, centre: tuple[float, float], axes: tuple[float, float], angle: float
) -> dict[str, float]:
    """Ink density in the outer rim band (85–100 % of the axes) and inside 75 %, and how
    much of the circumference (10° sectors) the rim ink covers."""
    ex, ey = centre
    ea, eb = axes

    def filled(f: float) -> np.ndarray:
        out = np.zeros_like(mask)
        cv2.ellipse(out, ((ex, ey), (ea * f, eb * f), angle), 255, -1)
        return out

    rim = cv2.subtract(filled(1.0), filled(0.85))
    inner = filled(0.75)
    rim_area, inner_area = cv2.countNonZero(rim), cv2.countNonZero(inner)
    if rim_area == 0 or inner_area == 0:
        return {"coverage": 0.0, "rim": 0.0, "inner": 1.0}
    rim_ink = cv2.bitwise_and(mask, rim)
    ys, xs = np.nonzero(rim_ink)
    theta = np.degrees(np.arctan2(ys - ey, xs - ex)) % 360
    coverage = len(np.unique((theta // 10).astype(int))) / 36 if len(xs) else 0.0
    return {
        "coverage": coverage,
        "rim": cv2.countNonZero(rim_ink) / rim_area,
        "inner": cv2.countNonZero(cv2.bitwise_and(mask, inner)) / inner_area,
    }


def decode_qr(image: np.ndarray) -> list[str]:
    """Payloads of every QR code on the page (empty list when none decodes).

    Two detectors: the classic one misses small, dense codes near the page edge (a receipt's
    verification URL is ~45 modules in a few centimetres), which the ArUco-based one finds.
    """
    bgr = _as_bgr(image)
    payloads: list[str] = []
    detectors = _qr_detectors()
    for candidate in _qr_candidates(bgr):
        for detector in detectors:
            payloads = _decode_with(detector, candidate)
            if payloads:
                break
        if payloads:
            break
    return list(dict.fromkeys(payloads))


def _qr_detectors() -> list:
    detectors = [cv2.QRCodeDetector()]
    if hasattr(cv2, "QRCodeDetectorAruco"):  # OpenCV >= 4.8
        detectors.append(cv2.QRCodeDetectorAruco())
    return detectors


def _decode_with(detector, candidate: np.ndarray) -> list[str]:
    try:
        ok, decoded, _points, _ = detector.detectAndDecodeMulti(candidate)
    except cv2.error:
        ok, decoded = False, ()
    payloads = [p for p in decoded if p] if ok else []
    if not payloads:
        try:
            text, _pts, _ = detector.detectAndDecode(candidate)
        except cv2.error:
            text = ""
        payloads = [text] if text else []
    return payloads


def _qr_candidates(bgr: np.ndarray) -> list[np.ndarray]:
    """The page, a bounded copy and a binarised copy: detection is sensitive to scale/noise."""
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    small, scale = _bounded(grey, 1400)
    out = [small, grey] if scale < 1.0 else [grey]
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out.append(binary)
    return out
