"""Stage 2: read pages into OcrPage.

Contract:

    class OcrEngine(Protocol):
        name: str; version: str; models: dict[str, str]
        def recognize(self, image: np.ndarray) -> list[OcrLine]: ...

    get_engine(settings=None) -> OcrEngine     # PaddleOCR (onnxruntime), created once per process
    read_file(ingested: IngestedFile, engine: OcrEngine | None = None,
              settings: Settings | None = None) -> list[OcrPage]
        # text layer / OFD pages without OCR; raster pages preprocessed
        # (orientation, deskew, contrast) then OCRed; cached by content hash + model version;
        # quality metrics, red-seal and QR cues filled in.
    read_page(page: SourcePage, file: str, engine, settings) -> OcrPage
    engine_info(engine) -> EngineInfo

Boxes are integer pixel boxes (x0, y0, x1, y1) on the page image as rendered
(PDF/OFD at RENDER_DPI) and oriented for OCR (after rotation/deskew, recorded
in PageQuality.rotation_applied / skew_corrected).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pipeline.config import Settings, get_settings
from pipeline.errors import ModelsMissing
from pipeline.ingest import IngestedFile, SourcePage, TextWord
from pipeline.models import BBox, EngineInfo, OcrLine, OcrPage, PageQuality

CACHE_FORMAT = "ocr-cache/1"


@runtime_checkable
class OcrEngine(Protocol):
    name: str
    version: str
    models: dict[str, str]

    def recognize(self, image: np.ndarray) -> list[OcrLine]: ...


def _offline_environment() -> None:
    """Never let PaddleX probe model hosts; must run before paddleocr/paddlex import."""
    os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"
    os.environ.setdefault("DISABLE_MODEL_SOURCE_CHECK", "True")


class PaddleOcrEngine:
    """PaddleOCR 3.x on onnxruntime with the PP-OCRv6 small det/rec models (offline)."""

    name = "paddleocr"

    def __init__(self, settings: Settings | None = None) -> None:
        from pipeline.modelstore import CLS_NAME, DET_NAME, REC_NAME, ensure_models
        from pipeline.preprocess import PREPROCESS_VERSION

        settings = settings or get_settings()
        model_set = ensure_models(settings)
        _offline_environment()
        try:
            import paddleocr
            from paddleocr import PaddleOCR
        except ImportError as exc:  # pragma: no cover - environment broken
            raise ModelsMissing(f"无法加载 paddleocr：{exc}") from exc
        self._ocr = PaddleOCR(
            engine="onnxruntime",
            text_detection_model_name=DET_NAME,
            text_detection_model_dir=str(model_set.det_dir),
            text_recognition_model_name=REC_NAME,
            text_recognition_model_dir=str(model_set.rec_dir),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
        )
        self._lock = threading.Lock()  # PaddleX pipelines are not re-entrant
        self.models = dict(model_set.hashes)
        short = "-".join(h[:8] for h in (self.models[DET_NAME], self.models[REC_NAME]))
        self.version = (
            f"paddleocr-{paddleocr.__version__}+{DET_NAME}+{REC_NAME}+{short}+{PREPROCESS_VERSION}"
        )
        self._cls_name = CLS_NAME

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        """Lines of a BGR image in reading order, boxes as integer pixel boxes."""
        if image.ndim == 2:
            import cv2

            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        with self._lock:
            results = self._ocr.predict(np.ascontiguousarray(image))
        lines: list[OcrLine] = []
        keys: list[tuple[float, float, float]] = []
        h, w = image.shape[:2]
        for result in results:
            texts = result["rec_texts"]
            scores = result["rec_scores"]
            polys = result["rec_polys"]
            for text, score, poly in zip(texts, scores, polys, strict=False):
                text = str(text).strip()
                if not text:
                    continue
                pts = np.asarray(poly, dtype=np.float64).reshape(-1, 2)
                box = (
                    max(int(np.floor(pts[:, 0].min())), 0),
                    max(int(np.floor(pts[:, 1].min())), 0),
                    min(int(np.ceil(pts[:, 0].max())), w),
                    min(int(np.ceil(pts[:, 1].max())), h),
                )
                lines.append(OcrLine(text=text, confidence=round(float(score), 4), bbox=box))
                keys.append(_line_geometry(pts))
        return reading_order(lines, keys)


def _line_geometry(pts: np.ndarray) -> tuple[float, float, float]:
    """(centre y at the line's left end, text height, left x) of a detected quad.

    Axis-aligned boxes of slanted lines overlap their neighbours; ordering by the
    quad's own left end and height keeps rows apart even before deskewing.
    """
    if len(pts) == 4:
        tl, tr, br, bl = pts
        height = float((np.hypot(*(bl - tl)) + np.hypot(*(br - tr))) / 2)
        return float((tl[1] + bl[1]) / 2), max(height, 1.0), float(min(tl[0], bl[0]))
    return float(pts[:, 1].mean()), float(np.ptp(pts[:, 1]) or 1.0), float(pts[:, 0].min())


_engine: OcrEngine | None = None
_engine_lock = threading.Lock()


def get_engine(settings: Settings | None = None) -> OcrEngine:
    """The process-wide engine, created on first use (models are prepared then too)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = PaddleOcrEngine(settings)
    return _engine


def engine_info(engine: OcrEngine | None = None) -> EngineInfo:
    engine = engine or get_engine()
    return EngineInfo(ocr=engine.name, version=engine.version, models=dict(engine.models))


# ------------------------------------------------------------------ layout


def reading_order(
    lines: list[OcrLine], geometry: list[tuple[float, float, float]] | None = None
) -> list[OcrLine]:
    """Top-to-bottom rows, left-to-right within a row.

    `geometry` is (y of the line's left end, text height, left x) per line; by
    default it comes from the boxes. A line joins the current row when its
    left-end centre is within half a text height of the row's.
    """
    if geometry is None:
        geometry = [
            ((ln.bbox[1] + ln.bbox[3]) / 2, float(max(ln.bbox[3] - ln.bbox[1], 1)), ln.bbox[0])
            for ln in lines
        ]
    items = sorted(zip(lines, geometry, strict=True), key=lambda it: (it[1][0], it[1][2]))
    rows: list[list[tuple[OcrLine, tuple[float, float, float]]]] = []
    for line, geo in items:
        if rows:
            row = rows[-1]
            r_cy = sum(g[0] for _, g in row) / len(row)
            r_h = min(g[1] for _, g in row)
            if abs(geo[0] - r_cy) <= 0.5 * min(geo[1], r_h):
                row.append((line, geo))
                continue
        rows.append([(line, geo)])
    return [ln for row in rows for ln, _ in sorted(row, key=lambda it: it[1][2])]


def words_to_lines(words: tuple[TextWord, ...] | list[TextWord]) -> list[OcrLine]:
    """Group text-layer/OFD words into OCR-like lines: same row, small gaps joined.

    Words on one row closer than ~1.5 character heights are one line (as an OCR
    engine would read them); wider gaps (table columns, label vs. far value)
    start a new line. Joined with a space only where the source left a visible gap
    between two Latin/digit runs, so Chinese text reads without spurious spaces.
    """
    rows: list[list[TextWord]] = []
    for word in sorted(words, key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0])):
        cy = (word.bbox[1] + word.bbox[3]) / 2
        height = max(word.bbox[3] - word.bbox[1], 1)
        if rows:
            row = rows[-1]
            r_cy = sum((w.bbox[1] + w.bbox[3]) / 2 for w in row) / len(row)
            r_h = sum(max(w.bbox[3] - w.bbox[1], 1) for w in row) / len(row)
            if abs(cy - r_cy) <= 0.45 * min(height, r_h):
                row.append(word)
                continue
        rows.append([word])
    lines: list[OcrLine] = []
    for row in rows:
        row.sort(key=lambda w: w.bbox[0])
        current: list[TextWord] = [row[0]]
        for word in row[1:]:
            prev = current[-1]
            gap = word.bbox[0] - prev.bbox[2]
            height = max(min(word.bbox[3] - word.bbox[1], prev.bbox[3] - prev.bbox[1]), 1)
            if gap <= 1.5 * height:
                current.append(word)
            else:
                lines.append(_merge(current))
                current = [word]
        lines.append(_merge(current))
    return lines


def _merge(words: list[TextWord]) -> OcrLine:
    text = words[0].text
    for prev, word in zip(words, words[1:], strict=False):
        gap = word.bbox[0] - prev.bbox[2]
        height = max(word.bbox[3] - word.bbox[1], 1)
        latin = prev.text[-1:].isascii() and word.text[:1].isascii()
        text += (" " if latin and gap > 0.15 * height else "") + word.text
    box: BBox = (
        min(w.bbox[0] for w in words),
        min(w.bbox[1] for w in words),
        max(w.bbox[2] for w in words),
        max(w.bbox[3] for w in words),
    )
    return OcrLine(text=text, confidence=1.0, bbox=box)


# ------------------------------------------------------------------ reading


def pixel_hash(image: np.ndarray) -> str:
    digest = hashlib.sha256()
    digest.update(f"{image.shape}|{image.dtype}|".encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    return digest.hexdigest()


def _cache_file(settings: Settings, content_hash: str, engine: OcrEngine) -> Path:
    from pipeline.visual import VISUAL_CUES_VERSION

    key = hashlib.sha256(
        f"{CACHE_FORMAT}|{VISUAL_CUES_VERSION}|{content_hash}|{engine.version}".encode()
    ).hexdigest()
    return settings.ocr_cache_path / key[:2] / f"{key}.json"


def _cache_load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == CACHE_FORMAT else None


def _cache_store(path: Path, payload: dict[str, Any]) -> None:
    """Atomic write; a cache that cannot be written only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return


def _visual_cues(image: np.ndarray, rotation: int, skew: float) -> dict[str, Any]:
    from pipeline.visual import decode_qr, find_red_seals, quality

    seals = find_red_seals(image)
    return {
        "quality": quality(image, rotation_applied=rotation, skew_corrected=skew).model_dump(),
        "red_seal": bool(seals),
        "seal_boxes": [list(b) for b in seals],
        "qr_payloads": decode_qr(image),
    }


def read_page(
    page: SourcePage,
    file: str,
    engine: OcrEngine | None = None,
    settings: Settings | None = None,
) -> OcrPage:
    """One page → OcrPage (cached for raster pages by pixel hash + engine version)."""
    settings = settings or get_settings()
    if page.kind in ("text_layer", "ofd"):
        raster = page.raster()
        cues = _visual_cues(raster, 0, 0.0)
        return OcrPage(
            file=file,
            page=page.number,
            width=page.width,
            height=page.height,
            source=page.kind,
            content_hash=page.text_hash,
            lines=tuple(words_to_lines(page.words)),
            quality=PageQuality(**cues["quality"]),
            red_seal=cues["red_seal"],
            seal_boxes=tuple(tuple(b) for b in cues["seal_boxes"]),
            qr_payloads=tuple(cues["qr_payloads"]),
            dpi=page.dpi,
        )

    engine = engine or get_engine(settings)
    image = page.raster()
    content_hash = pixel_hash(image)
    cache_path = _cache_file(settings, content_hash, engine)
    payload = _cache_load(cache_path)
    if payload is None:
        from pipeline.preprocess import prepare_and_read, read_under_seals
        from pipeline.recognition import with_alternatives

        prepared = prepare_and_read(image, engine.recognize)
        height, width = prepared.image.shape[:2]
        cues = _visual_cues(prepared.image, prepared.rotation, prepared.skew)
        lines = read_under_seals(
            prepared.image,
            [tuple(b) for b in cues["seal_boxes"]],
            list(prepared.lines),
            engine.recognize,
        )
        lines = with_alternatives(prepared.image, lines)
        payload = {
            "format": CACHE_FORMAT,
            "engine": engine.version,
            "width": width,
            "height": height,
            "lines": [ln.model_dump() for ln in lines],
            **cues,
        }
        _cache_store(cache_path, payload)
    return OcrPage(
        file=file,
        page=page.number,
        width=int(payload["width"]),
        height=int(payload["height"]),
        source="ocr",
        content_hash=content_hash,
        lines=tuple(OcrLine.model_validate(ln) for ln in payload["lines"]),
        quality=PageQuality.model_validate(payload["quality"]),
        red_seal=bool(payload["red_seal"]),
        seal_boxes=tuple(tuple(b) for b in payload["seal_boxes"]),
        qr_payloads=tuple(payload["qr_payloads"]),
        dpi=page.dpi,
    )


def read_file(
    ingested: IngestedFile,
    engine: OcrEngine | None = None,
    settings: Settings | None = None,
) -> list[OcrPage]:
    """Every page of an ingested file, in page order."""
    return [read_page(page, ingested.name, engine, settings) for page in ingested.pages]
