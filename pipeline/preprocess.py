"""Page preprocessing before OCR: orientation (0/90/180/270), deskew, contrast.

Citizens photograph documents sideways, upside down and at an angle; the
recogniser reads only roughly upright text. We look at the page through the
text detector itself (its probability map, run via onnxruntime on the same
PP-OCRv6 det model) to find the text-line direction and the skew, and use the
shipped text-line direction classifier (0° vs 180°) on the recognised lines to
catch upside-down pages, accepting the flip only when the flipped reading is
better. Every step returns the image it produced: the boxes OCR reports are in
the coordinates of that final (rotated, deskewed) image.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.models import OcrLine

PREPROCESS_VERSION = "pp4"  # part of the OCR cache key: bump when behaviour changes

MAX_SKEW = 15.0  # degrees; larger angles are not a skew but a layout
MIN_SKEW = 0.3  # below this a rotation only blurs the page
_DET_SIDE = 960

_sessions: dict[str, object] = {}
_session_lock = threading.Lock()


def _session(name: str) -> object:
    """One onnxruntime session per model per process (det for geometry, cls for 180°)."""
    with _session_lock:
        if name not in _sessions:
            import onnxruntime as ort

            from pipeline.modelstore import CLS_NAME, DET_NAME, source_file

            path = source_file({"det": DET_NAME, "cls": CLS_NAME}[name])
            options = ort.SessionOptions()
            options.intra_op_num_threads = 2
            options.log_severity_level = 3
            _sessions[name] = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        return _sessions[name]


# ------------------------------------------------------------------ geometry


def rotate_quarter(image: np.ndarray, degrees_cw: int) -> np.ndarray:
    """Rotate by a multiple of 90° clockwise (lossless)."""
    turns = (degrees_cw // 90) % 4
    if turns == 0:
        return image
    code = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, code[turns])


def rotate_small(image: np.ndarray, degrees_cw: float) -> np.ndarray:
    """Rotate by a small angle clockwise, growing the canvas so no corner is cut; white fill."""
    if abs(degrees_cw) < 1e-6:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees_cw, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(math.ceil(h * sin + w * cos)), int(math.ceil(h * cos + w * sin))
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(
        image,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )


# ------------------------------------------------------------------ text geometry


@dataclass(frozen=True)
class TextRegion:
    """A detected text region at detection scale: centre, long side, short side, angle."""

    cx: float
    cy: float
    long: float
    short: float
    angle: float  # direction of the long side, degrees in (-90, 90], image coordinates
    area: float


def detect_regions(image: np.ndarray) -> list[TextRegion]:
    """Text regions from the PP-OCRv6 det probability map (no recognition: fast)."""
    h, w = image.shape[:2]
    scale = min(1.0, _DET_SIDE / max(h, w))
    rh, rw = max(32, int(round(h * scale / 32)) * 32), max(32, int(round(w * scale / 32)) * 32)
    resized = cv2.resize(image, (rw, rh), interpolation=cv2.INTER_AREA)
    if resized.ndim == 2:
        resized = cv2.cvtColor(resized, cv2.COLOR_GRAY2BGR)
    x = resized.astype(np.float32) / 255.0
    x = (x - np.array([0.485, 0.456, 0.406], np.float32)) / np.array(
        [0.229, 0.224, 0.225], np.float32
    )
    x = x.transpose(2, 0, 1)[None]
    session = _session("det")
    prob = session.run(None, {session.get_inputs()[0].name: x})[0][0, 0]  # type: ignore[attr-defined]
    binary = (prob > 0.3).astype(np.uint8) * 255
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    regions = []
    for contour in contours:
        if cv2.contourArea(contour) < 12:
            continue
        (cx, cy), (rw_, rh_), _ = cv2.minAreaRect(contour)
        points = cv2.boxPoints(cv2.minAreaRect(contour))
        edges = [points[1] - points[0], points[2] - points[1]]
        long_edge = max(edges, key=lambda e: float(np.hypot(*e)))
        angle = math.degrees(math.atan2(float(long_edge[1]), float(long_edge[0])))
        if angle <= -90:
            angle += 180
        elif angle > 90:
            angle -= 180
        regions.append(TextRegion(cx, cy, max(rw_, rh_), min(rw_, rh_), angle, float(rw_ * rh_)))
    return regions


def text_direction(regions: list[TextRegion]) -> str:
    """ "horizontal", "vertical" or "unknown" from the elongated regions' directions."""
    horizontal = vertical = 0.0
    for r in regions:
        if r.short <= 0 or r.long / r.short < 2.0:
            continue
        weight = r.long
        if abs(r.angle) <= 30:
            horizontal += weight
        elif abs(r.angle) >= 60:
            vertical += weight
    if horizontal + vertical == 0:
        return "unknown"
    if vertical > 1.5 * horizontal:
        return "vertical"
    if horizontal >= vertical:
        return "horizontal"
    return "unknown"


def estimate_skew(regions: list[TextRegion]) -> float:
    """Clockwise skew of horizontal text lines in degrees (weighted median), 0 when unsure."""
    samples = [
        (r.angle, r.long)
        for r in regions
        if r.short > 0 and r.long / r.short >= 3.0 and abs(r.angle) <= MAX_SKEW + 2
    ]
    if len(samples) < 2:
        return 0.0
    samples.sort()
    total = sum(w for _, w in samples)
    acc = 0.0
    for angle, weight in samples:
        acc += weight
        if acc >= total / 2:
            return angle if abs(angle) <= MAX_SKEW + 1 else 0.0
    return 0.0


# ------------------------------------------------------------------ contrast


def needs_contrast(image: np.ndarray) -> bool:
    """Faint ink or dark paper: the darkest ink is too close to the paper's grey level."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    small = grey[:: max(1, grey.shape[0] // 800), :: max(1, grey.shape[1] // 800)]
    ink, paper = np.percentile(small, (0.5, 90))
    return float(paper - ink) < 60 or float(paper) < 100


def normalise_contrast(image: np.ndarray) -> np.ndarray:
    """Stretch faint/dark pages (CLAHE on lightness only, so red seals stay red)."""
    bgr = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    lightness, a, b = cv2.split(lab)
    lo, hi = np.percentile(lightness, (1, 99))
    if hi - lo > 10:
        stretched = np.clip((lightness.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255)
        lightness = stretched.astype(np.uint8)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    lightness = clahe.apply(lightness)
    return cv2.cvtColor(cv2.merge((lightness, a, b)), cv2.COLOR_LAB2BGR)


# ------------------------------------------------------------------ 180°


def upside_down_probability(image: np.ndarray, lines: list[OcrLine], limit: int = 24) -> float:
    """Mean 180° probability of the widest recognised lines (PP-OCR direction classifier)."""
    candidates = sorted(
        (ln for ln in lines if ln.bbox[2] - ln.bbox[0] > 1.5 * (ln.bbox[3] - ln.bbox[1])),
        key=lambda ln: ln.bbox[2] - ln.bbox[0],
        reverse=True,
    )[:limit]
    if not candidates:
        return 0.0
    batch = []
    for ln in candidates:
        x0, y0, x1, y1 = ln.bbox
        crop = image[max(y0, 0) : y1, max(x0, 0) : x1]
        if crop.size == 0:
            continue
        if crop.ndim == 2:
            crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
        ch, cw = crop.shape[:2]
        width = min(192, max(1, int(math.ceil(48 * cw / ch))))
        resized = cv2.resize(crop, (width, 48)).astype(np.float32) / 255.0
        resized = (resized - 0.5) / 0.5
        padded = np.zeros((48, 192, 3), np.float32)
        padded[:, :width] = resized
        batch.append(padded.transpose(2, 0, 1))
    if not batch:
        return 0.0
    session = _session("cls")
    probs = session.run(None, {session.get_inputs()[0].name: np.stack(batch)})[0]  # type: ignore[attr-defined]
    return float(np.mean(probs[:, 1]))


def reading_score(lines: list[OcrLine]) -> float:
    """How much confidently read text a result holds (compares two orientations)."""
    return sum(ln.confidence**2 * len(ln.text.strip()) for ln in lines)


# ------------------------------------------------------------------ recipe


@dataclass(frozen=True, eq=False)
class Prepared:
    """The oriented page (colour kept, for visual cues) and its OCR reading."""

    image: np.ndarray
    lines: list[OcrLine]
    rotation: int  # degrees clockwise applied (0/90/180/270)
    skew: float  # degrees clockwise corrected
    contrast: bool  # contrast normalisation was applied before OCR


def prepare_and_read(
    image: np.ndarray,
    recognize: Callable[[np.ndarray], list[OcrLine]],
    *,
    orientation: bool = True,
    deskew: bool = True,
    contrast: bool = True,
) -> Prepared:
    """orientation (90/270 from text direction) → deskew → contrast → OCR → 180° check."""
    rotation = 0
    skew = 0.0
    if orientation or deskew:
        regions = detect_regions(image)
        if orientation and text_direction(regions) == "vertical":
            rotation = 90
            image = rotate_quarter(image, 90)
            regions = detect_regions(image)
        if deskew:
            angle = estimate_skew(regions)
            if MIN_SKEW <= abs(angle) <= MAX_SKEW:
                skew = -angle
                image = rotate_small(image, skew)
    use_contrast = contrast and needs_contrast(image)
    ocr_input = normalise_contrast(image) if use_contrast else image
    lines = recognize(ocr_input)
    if orientation and upside_down_probability(ocr_input, lines) > 0.5:
        flipped_input = rotate_quarter(ocr_input, 180)
        flipped_lines = recognize(flipped_input)
        if reading_score(flipped_lines) > reading_score(lines):
            return Prepared(
                rotate_quarter(image, 180),
                flipped_lines,
                (rotation + 180) % 360,
                skew,
                use_contrast,
            )
    return Prepared(image, lines, rotation, skew, use_contrast)


def oriented_image(image: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    """Rebuild the image OCR saw (and its boxes refer to) from the original page and the
    PageQuality record (rotation_applied, skew_corrected): 90° step, deskew, then 180°."""
    if rotation in (90, 270):
        image = rotate_quarter(image, 90)
    if abs(skew) > 1e-6:
        image = rotate_small(image, skew)
    if rotation >= 180:
        image = rotate_quarter(image, 180)
    return image


# ------------------------------------------------------------------ text under seals

SEAL_MARGIN = 1.5  # seal widths either side: a printed line runs on under the seal
_MIN_UNDER_SEAL_CONFIDENCE = 0.8


def suppress_red_ink(image: np.ndarray) -> np.ndarray:
    """The (BGR) page with red/pink ink turned white, so black print under a seal stands alone.

    Wider than visual.red_mask (which finds seals by saturated red): the faint pink edge of
    stamp ink must go too, or it merges with the print under it.
    """
    if image.ndim == 2:
        return image
    bgr = image.astype(np.int16)
    b, g, r = bgr[..., 0], bgr[..., 1], bgr[..., 2]
    redness = r - np.maximum(g, b)
    out = image.copy()
    out[(redness > 35) & (r > 110)] = 255
    return out


def read_under_seals(
    image: np.ndarray,
    seal_boxes: list[tuple[int, int, int, int]],
    lines: list[OcrLine],
    recognize: Callable[[np.ndarray], list[OcrLine]],
) -> list[OcrLine]:
    """Lines with the ones a red seal hid added: each seal's band is re-read with red ink
    removed (an issuer's name is usually stamped over), and a re-read line replaces the
    fragments it covers when it says more than they did."""
    from pipeline.ocr import reading_order

    result = list(lines)
    changed = False
    height, width = image.shape[:2]
    for x0, y0, x1, y1 in seal_boxes:
        margin = int((x1 - x0) * SEAL_MARGIN)
        bx0, by0 = max(0, x0 - margin), max(0, y0)
        bx1, by1 = min(width, x1 + margin), min(height, y1)
        if bx1 - bx0 < 16 or by1 - by0 < 16:
            continue
        crop = suppress_red_ink(np.ascontiguousarray(image[by0:by1, bx0:bx1]))
        for found in recognize(crop):
            if found.confidence < _MIN_UNDER_SEAL_CONFIDENCE or len(found.text.strip()) < 2:
                continue
            fx0, fy0, fx1, fy1 = found.bbox
            line = OcrLine(
                text=found.text,
                confidence=found.confidence,
                bbox=(fx0 + bx0, fy0 + by0, fx1 + bx0, fy1 + by0),
            )
            covered = [old for old in result if _share_of(old.bbox, line.bbox) >= 0.5]
            if not covered and any(_share_of(line.bbox, old.bbox) >= 0.5 for old in result):
                continue  # a piece of a line already read whole
            if not covered:
                result.append(line)
                changed = True
            elif sum(len(old.text) for old in covered) < len(line.text):
                result = [old for old in result if old not in covered] + [line]
                changed = True
    return reading_order(result) if changed else list(lines)


def _share_of(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> float:
    """How much of `inner`'s area lies inside `outer`."""
    ix = max(0, min(inner[2], outer[2]) - max(inner[0], outer[0]))
    iy = max(0, min(inner[3], outer[3]) - max(inner[1], outer[1]))
    area = max(1, (inner[2] - inner[0]) * (inner[3] - inner[1]))
    return ix * iy / area
