"""Rendered documents and how they are written: JPG/PNG, image-only PDF, born-digital PDF.

Ground-truth boxes are pixels of `pages` (150 dpi). The pipeline renders PDFs
at its own DPI (pipeline.config RENDER_DPI), so `truth_for(fmt)` rescales the
boxes for PDF outputs: the truth always matches the page image the OCR sees.
"""

from __future__ import annotations

import copy
import io
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from samples.generator.canvas import TextItem

PDF_TEXT_FONT = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)


def pipeline_render_dpi() -> int:
    try:
        from pipeline.config import RENDER_DPI

        return int(RENDER_DPI)
    except ImportError:  # pragma: no cover - samples used without the pipeline
        return 200


@dataclass
class RenderedDocument:
    """A generated document: page images, ground truth, and its text runs per page."""

    doc_type: str
    pages: list[Image.Image]
    truth: dict[str, Any]
    texts: list[list[TextItem]] = field(default_factory=list)
    backgrounds: list[Image.Image] | None = None  # pages without text (born-digital PDF)
    dpi: int = 150

    @property
    def image(self) -> Image.Image:
        return self.pages[0]

    def truth_for(self, fmt: str) -> dict[str, Any]:
        """Ground truth with boxes in the pixel space the pipeline will read for `fmt`."""
        out = copy.deepcopy(self.truth)
        if fmt in ("pdf", "pdf_text"):
            s = pipeline_render_dpi() / self.dpi
            s_pt = pipeline_render_dpi() / 72.0
            for f in out["fields"].values():
                f["bbox"] = [int(round(v * s)) for v in f["bbox"]]
            for line in out.get("lines", []):
                line["bbox"] = [int(round(v * s)) for v in line["bbox"]]
            # the pipeline rounds a rendered PDF page up to whole pixels
            out["page_sizes"] = [
                [math.ceil(w * 72 / self.dpi * s_pt), math.ceil(h * 72 / self.dpi * s_pt)]
                for w, h in out["page_sizes"]
            ]
        out["format"] = fmt
        return out

    def to_bytes(self, fmt: str = "jpg", quality: int = 62) -> bytes:
        """The file content for `fmt` (first page only for jpg/png)."""
        if fmt in ("jpg", "jpeg"):
            buf = io.BytesIO()
            self.pages[0].save(
                buf, "JPEG", quality=quality, dpi=(self.dpi, self.dpi), optimize=True
            )
            return buf.getvalue()
        if fmt == "png":
            buf = io.BytesIO()
            self.pages[0].save(buf, "PNG", dpi=(self.dpi, self.dpi), compress_level=6)
            return buf.getvalue()
        if fmt == "pdf":
            return image_pdf(self.pages, self.dpi)
        if fmt == "pdf_text":
            if self.backgrounds is None:
                raise ValueError("born-digital PDF needs a clean (undegraded) rendering")
            return text_pdf(self.backgrounds, self.texts, self.dpi)
        raise ValueError(f"unknown format {fmt!r}")

    def save(self, path: Path, fmt: str = "jpg") -> list[Path]:
        """Write the document; jpg/png of several pages become name_p2.jpg, ... beside it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt in ("jpg", "jpeg", "png") and len(self.pages) > 1:
            written = []
            for i, page in enumerate(self.pages, 1):
                one = RenderedDocument(self.doc_type, [page], self.truth, dpi=self.dpi)
                p = path if i == 1 else path.with_name(f"{path.stem}_p{i}{path.suffix}")
                p.write_bytes(one.to_bytes(fmt))
                written.append(p)
            return written
        path.write_bytes(self.to_bytes(fmt))
        return [path]


def image_pdf(pages: list[Image.Image], dpi: int, quality: int = 62) -> bytes:
    """An image-only PDF (a scan): one JPEG per page, page size from the DPI."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for page in pages:
        w, h = page.size[0] * 72 / dpi, page.size[1] * 72 / dpi
        c.setPageSize((w, h))
        jb = io.BytesIO()
        page.convert("RGB").save(jb, "JPEG", quality=quality)
        jb.seek(0)
        c.drawImage(ImageReader(jb), 0, 0, w, h)
        c.showPage()
    c.save()
    return buf.getvalue()


@lru_cache(maxsize=1)
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQYZenHei", PDF_TEXT_FONT[0], subfontIndex=PDF_TEXT_FONT[1]))
    return "WQYZenHei"


def pdf_document(pages: list[tuple[Image.Image, list[TextItem] | None]], dpi: int) -> bytes:
    """A PDF of pages; a page with text items is born-digital (background + real text)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    fname = _pdf_font()
    k = 72 / dpi
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for image, items in pages:
        w, h = image.size[0] * k, image.size[1] * k
        c.setPageSize((w, h))
        ib = io.BytesIO()
        image.convert("RGB").save(ib, "JPEG", quality=75 if items is not None else 62)
        ib.seek(0)
        c.drawImage(ImageReader(ib), 0, 0, w, h)
        for it in items or []:
            size = it.size * k
            natural = pdfmetrics.stringWidth(it.text, fname, size)
            t = c.beginText()
            t.setFont(fname, size)
            t.setFillColorRGB(*(v / 255 for v in it.fill))
            if natural > 0:
                t.setHorizScale(100.0 * it.width * k / natural)
            t.setTextOrigin(it.x * k, h - it.baseline * k)
            t.textOut(it.text)
            c.drawText(t)
        c.showPage()
    c.save()
    return buf.getvalue()


def text_pdf(backgrounds: list[Image.Image], texts: list[list[TextItem]], dpi: int) -> bytes:
    """A born-digital PDF: graphics as an image, every text run as real Unicode text."""
    return pdf_document(list(zip(backgrounds, texts, strict=True)), dpi)
