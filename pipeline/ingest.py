"""Stage 1: load an uploaded file into pages.

Contract for the rest of the pipeline:

    sniff_format(data: bytes, name: str = "") -> str
        # "jpeg"|"png"|"tiff"|"bmp"|"webp"|"pdf"|"ofd"; raises UnsupportedFile
    load_file(path: Path, settings: Settings | None = None) -> IngestedFile

IngestedFile carries the raw bytes' sha256 and a list of SourcePage: either a
raster image (numpy BGR array, EXIF orientation applied) or a text page
(words with pixel boxes at RENDER_DPI, from a trustworthy PDF text layer or an
OFD file) — plus a lazily rendered raster for visual cues (`page.raster()`).
Limits raise LimitExceeded; unreadable files raise FileRejected.

The format is recognised by content, never by extension: citizens rename files.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageOps

from pipeline.config import Settings, get_settings
from pipeline.errors import FileRejected, LimitExceeded, UnsupportedFile
from pipeline.models import BBox

Format = Literal["jpeg", "png", "tiff", "bmp", "webp", "pdf", "ofd"]
PageKind = Literal["raster", "text_layer", "ofd"]

FORMAT_NAMES_ZH = "JPG、PNG、TIFF、BMP、WEBP、PDF 或 OFD"

# pypdfium2 is not thread-safe; one lock for every call into it.
PDFIUM_LOCK = threading.RLock()


@dataclass(frozen=True)
class TextWord:
    """A run of text from a text layer or OFD with its pixel box at the page DPI."""

    text: str
    bbox: BBox


@dataclass(frozen=True, eq=False)
class SourcePage:
    """One page as loaded: a raster image, or words with boxes plus a lazy raster."""

    number: int  # 1-based
    kind: PageKind
    width: int  # pixels of the page image (at `dpi` for PDF/OFD)
    height: int
    dpi: int | None = None
    image: np.ndarray | None = None  # BGR uint8, raster pages only
    words: tuple[TextWord, ...] = ()
    renderer: Callable[[], np.ndarray] | None = field(default=None, repr=False)
    note: str = ""  # why a PDF page was sent to OCR (no/garbled text layer)

    def raster(self) -> np.ndarray:
        """The page as a BGR image (rendered on first use for text/OFD pages)."""
        return self._raster

    @cached_property
    def _raster(self) -> np.ndarray:
        if self.image is not None:
            return self.image
        if self.renderer is None:
            raise FileRejected(f"第 {self.number} 页无法渲染")
        return self.renderer()

    @cached_property
    def text_hash(self) -> str:
        """sha256 of the words and their boxes: identifies a text page's content."""
        digest = hashlib.sha256()
        for word in self.words:
            digest.update(f"{word.text}\x1f{word.bbox}\x1e".encode())
        return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class IngestedFile:
    name: str
    sha256: str
    format: Format
    size: int
    pages: tuple[SourcePage, ...]


# ------------------------------------------------------------------ sniffing


def _zip_has_ofd_xml(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(n.strip("/").lower() == "ofd.xml" for n in zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff_format(data: bytes, name: str = "") -> Format:
    """Recognise the file type by its magic bytes; anything else is UnsupportedFile."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"BM") and len(data) > 26:
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and _zip_has_ofd_xml(data):
        return "ofd"
    label = f"“{name}”" if name else ""
    raise UnsupportedFile(
        f"文件{label}不是可识别的图片、PDF 或 OFD 文件（按文件内容判断，与扩展名无关），"
        f"请提交 {FORMAT_NAMES_ZH} 格式",
        file=name,
    )


# ------------------------------------------------------------------ loading


def load_file(path: Path, settings: Settings | None = None) -> IngestedFile:
    """Read one upload into pages, enforcing the size/page/pixel limits."""
    settings = settings or get_settings()
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRejected(f"无法读取文件“{name}”：{exc.strerror or exc}", file=name) from exc
    if size > settings.max_file_bytes:
        raise LimitExceeded(
            f"文件“{name}”大小为 {_mb(size)}，超过上限 {_mb(settings.max_file_bytes)}",
            file=name,
        )
    if size == 0:
        raise FileRejected(f"文件“{name}”是空文件", file=name)
    data = path.read_bytes()
    return load_bytes(data, name, settings)


def load_bytes(data: bytes, name: str, settings: Settings | None = None) -> IngestedFile:
    """Like load_file for bytes already in memory (API uploads, object storage)."""
    settings = settings or get_settings()
    if len(data) > settings.max_file_bytes:
        raise LimitExceeded(
            f"文件“{name}”大小为 {_mb(len(data))}，超过上限 {_mb(settings.max_file_bytes)}",
            file=name,
        )
    if not data:
        raise FileRejected(f"文件“{name}”是空文件", file=name)
    fmt = sniff_format(data, name)
    if fmt == "pdf":
        pages = _load_pdf(data, name, settings)
    elif fmt == "ofd":
        pages = _load_ofd(data, name, settings)
    else:
        pages = _load_image(data, name, settings)
    return IngestedFile(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        size=len(data),
        pages=tuple(pages),
    )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def check_pixels(name: str, page: int, width: int, height: int, settings: Settings) -> None:
    if width <= 0 or height <= 0:
        raise FileRejected(f"文件“{name}”第 {page} 页尺寸无效（{width}×{height}）", file=name)
    if width * height > settings.max_pixels:
        raise LimitExceeded(
            f"文件“{name}”第 {page} 页为 {width}×{height} 像素，超过上限 "
            f"{settings.max_pixels / 1e6:.0f} 百万像素，请降低分辨率后重新上传",
            file=name,
            page=page,
        )


def check_pages(name: str, count: int, settings: Settings) -> None:
    if count > settings.max_pages:
        raise LimitExceeded(
            f"文件“{name}”共 {count} 页，超过上限 {settings.max_pages} 页，请拆分后上传",
            file=name,
        )
    if count == 0:
        raise FileRejected(f"文件“{name}”没有任何页面", file=name)


# ------------------------------------------------------------------ images


def pil_to_bgr(img: Image.Image) -> np.ndarray:
    """Any PIL mode to a BGR uint8 array; transparency is flattened onto white paper."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(paper, rgba)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        peak = arr.max() or 1.0
        img = Image.fromarray((arr * (255.0 / peak)).astype(np.uint8), "L")
    rgb = np.asarray(img.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _load_image(data: bytes, name: str, settings: Settings) -> list[SourcePage]:
    pages: list[SourcePage] = []
    try:
        with warnings.catch_warnings():
            # we check the pixel count ourselves, before decoding
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                frames = getattr(img, "n_frames", 1)
                check_pages(name, frames, settings)
                for index in range(frames):
                    img.seek(index)
                    width, height = img.size
                    check_pixels(name, index + 1, width, height, settings)
                    frame = ImageOps.exif_transpose(img) if index == 0 else img.copy()
                    if frame is None:  # pragma: no cover - exif_transpose in-place mode
                        frame = img
                    bgr = pil_to_bgr(frame)
                    pages.append(
                        SourcePage(
                            number=index + 1,
                            kind="raster",
                            width=bgr.shape[1],
                            height=bgr.shape[0],
                            dpi=_image_dpi(img),
                            image=bgr,
                        )
                    )
    except (LimitExceeded, FileRejected):
        raise
    except Image.DecompressionBombError as exc:
        raise LimitExceeded(f"文件“{name}”像素过多，疑似压缩炸弹", file=name) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise FileRejected(f"图片“{name}”已损坏或无法解码（{exc}）", file=name) from exc
    return pages


def _image_dpi(img: Image.Image) -> int | None:
    dpi = img.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and value > 1 else None


# ------------------------------------------------------------------ PDF

_CID = re.compile(r"\(cid:\d+\)")


def text_layer_problem(text: str) -> str | None:
    """Why a PDF text layer cannot be trusted, or None when it reads as real text.

    Broken font encodings show up as (cid:NN) glyph names, private-use or
    replacement characters, or a mix of characters no Chinese document has
    (control characters, rare scripts) — reading such a layer would feed the
    extractors garbage, so the page is OCRed instead.
    """
    cid = len(_CID.findall(text))
    stripped = _CID.sub("", text)
    chars = [c for c in stripped if not c.isspace()]
    total = len(chars) + cid
    if total < 8:
        return "无文字层"
    if cid / total > 0.05:
        return "文字层为 (cid) 字形编码"
    bad = plausible = 0
    for ch in chars:
        code = ord(ch)
        if ch == "\ufffd" or 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
            bad += 1
        elif _plausible_char(ch):
            plausible += 1
    if bad / len(chars) > 0.02:
        return "文字层含私用区或替换字符"
    if plausible / len(chars) < 0.9:
        return "文字层字符组合异常"
    return None


def _plausible_char(ch: str) -> bool:
    code = ord(ch)
    if 0x20 <= code <= 0x7E:  # ASCII
        return True
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:  # CJK ideographs
        return True
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:  # CJK punctuation, full-width
        return True
    if 0x2000 <= code <= 0x2BFF:  # general punctuation, symbols, arrows, box drawing, ①
        return True
    if 0x3200 <= code <= 0x33FF or 0xFE30 <= code <= 0xFE4F:  # enclosed CJK, compat forms
        return True
    if ch in "¥×÷°±·§¤£¢©®µ¹²³¼½¾":
        return True
    return unicodedata.category(ch) == "Ll" and code < 0x250  # accented Latin (addresses)


def _load_pdf(data: bytes, name: str, settings: Settings) -> list[SourcePage]:
    import pdfplumber
    import pypdfium2 as pdfium

    dpi = settings.render_dpi
    scale = dpi / 72.0
    try:
        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(data)
            try:
                count = len(doc)
                check_pages(name, count, settings)
                sizes = [doc[i].get_size() for i in range(count)]
                rotations = [doc[i].get_rotation() for i in range(count)]
            finally:
                doc.close()
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise FileRejected(f"PDF“{name}”已加密，请提交未加密的文件", file=name) from exc
        raise FileRejected(f"PDF“{name}”已损坏或无法打开（{message}）", file=name) from exc

    dims: list[tuple[int, int]] = []
    for index, (w_pt, h_pt) in enumerate(sizes):
        if rotations[index] in (90, 270):
            w_pt, h_pt = h_pt, w_pt
        # the same rounding pypdfium2 uses, so text boxes and the rendered raster agree
        width, height = math.ceil(w_pt * scale), math.ceil(h_pt * scale)
        check_pixels(name, index + 1, width, height, settings)
        dims.append((width, height))

    words_by_page: list[tuple[tuple[TextWord, ...], str | None]] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, page in enumerate(pdf.pages):
                words_by_page.append(_pdf_words(page, scale, rotations[index]))
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        words_by_page = [((), f"文字层无法读取（{type(exc).__name__}）")] * len(dims)

    pages: list[SourcePage] = []
    for index, (width, height) in enumerate(dims):
        words, problem = words_by_page[index] if index < len(words_by_page) else ((), "无文字层")
        renderer = _pdf_renderer(data, index, dpi, name)
        if problem is None:
            pages.append(
                SourcePage(
                    number=index + 1,
                    kind="text_layer",
                    width=width,
                    height=height,
                    dpi=dpi,
                    words=words,
                    renderer=lambda r=renderer, w=width, h=height: _checked_render(r, w, h),
                )
            )
        else:
            pages.append(
                SourcePage(
                    number=index + 1,
                    kind="raster",
                    width=width,
                    height=height,
                    dpi=dpi,
                    image=_checked_render(renderer, width, height),
                    note=problem,
                )
            )
    return pages


def _checked_render(renderer: Callable[[], np.ndarray], width: int, height: int) -> np.ndarray:
    image = renderer()
    if image.shape[:2] != (height, width):
        import cv2

        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    return image


def _pdf_words(
    page: object, scale: float, rotation: int
) -> tuple[tuple[TextWord, ...], str | None]:
    """Words of a PDF page in pixels at the render DPI, or the reason not to trust them."""
    if rotation:
        # pdfplumber reports unrotated coordinates; OCR of the rendered page is simpler and right
        return (), "页面带旋转属性"
    text = "".join(ch["text"] for ch in page.chars)  # type: ignore[attr-defined]
    problem = text_layer_problem(text)
    if problem:
        return (), problem
    x_off, y_off = page.bbox[0], page.bbox[1]  # type: ignore[attr-defined]
    words = page.extract_words(  # type: ignore[attr-defined]
        x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False
    )
    out: list[TextWord] = []
    for w in words:
        text = w["text"].strip()
        if not text:
            continue
        box = (
            int(round((w["x0"] - x_off) * scale)),
            int(round((w["top"] - y_off) * scale)),
            int(round((w["x1"] - x_off) * scale)),
            int(round((w["bottom"] - y_off) * scale)),
        )
        out.append(TextWord(text=text, bbox=box))
    return tuple(out), None


def _pdf_renderer(data: bytes, index: int, dpi: int, name: str) -> Callable[[], np.ndarray]:
    def render() -> np.ndarray:
        import pypdfium2 as pdfium

        try:
            with PDFIUM_LOCK:
                doc = pdfium.PdfDocument(data)
                try:
                    bitmap = doc[index].render(scale=dpi / 72.0, fill_color=(255, 255, 255, 255))
                    pil = bitmap.to_pil()
                finally:
                    doc.close()
        except pdfium.PdfiumError as exc:
            raise FileRejected(f"PDF“{name}”第 {index + 1} 页无法渲染（{exc}）", file=name) from exc
        return pil_to_bgr(pil)

    return render


# ------------------------------------------------------------------ OFD
# GB/T 33190: a zip of XML. OFD.xml -> DocBody/DocRoot (Document.xml) -> Pages ->
# Content.xml; positions in millimetres, y downwards. We take text from the
# page and its template (labels like 购买方 live in the template), and render
# a raster ourselves (text, paths, images, watermark/seal annotations) so the
# visual cues (QR code, red seal) work on OFD too.

MM_PER_INCH = 25.4
_OFD_MAX_UNCOMPRESSED = 200 * 1024 * 1024
_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(elem: object, name: str) -> list:
    return [c for c in elem if _local(c.tag) == name]  # type: ignore[attr-defined]


def _iter_named(elem: object, name: str) -> list:
    return [c for c in elem.iter() if _local(c.tag) == name]  # type: ignore[attr-defined]


def _floats(text: str | None) -> list[float]:
    if not text:
        return []
    return [float(v) for v in text.replace(",", " ").split()]


def _deltas(spec: str | None, count: int) -> list[float]:
    """Expand OFD DeltaX/DeltaY ("g 3 1.5 2.0" = three times 1.5, then 2.0)."""
    out: list[float] = []
    tokens = (spec or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out.extend([float(tokens[i + 2])] * int(float(tokens[i + 1])))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out[: max(count - 1, 0)]


class _OfdPackage:
    """Zip members resolved against OFD's path rules (absolute or relative to a base)."""

    def __init__(self, data: bytes, name: str) -> None:
        import xml.etree.ElementTree as ET

        self.name = name
        self._et = ET
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise FileRejected(f"OFD“{name}”不是有效的压缩包", file=name) from exc
        total = sum(i.file_size for i in self.zf.infolist())
        if total > _OFD_MAX_UNCOMPRESSED:
            raise LimitExceeded(f"OFD“{name}”解压后过大（{_mb(total)}）", file=name)
        self.names = {n.lstrip("/").lower(): n for n in self.zf.namelist()}

    @staticmethod
    def join(base: str, loc: str) -> str:
        loc = loc.strip().replace("\\", "/")
        if loc.startswith("/"):
            return loc.lstrip("/")
        parts = [p for p in base.split("/")[:-1] if p] if base else []
        for piece in loc.split("/"):
            if piece == "..":
                if parts:
                    parts.pop()
            elif piece and piece != ".":
                parts.append(piece)
        return "/".join(parts)

    def read(self, path: str) -> bytes:
        real = self.names.get(path.lstrip("/").lower())
        if real is None:
            raise FileRejected(f"OFD“{self.name}”缺少部件 {path}", file=self.name)
        return self.zf.read(real)

    def has(self, path: str) -> bool:
        return path.lstrip("/").lower() in self.names

    def xml(self, path: str) -> object:
        try:
            return self._et.fromstring(self.read(path))
        except self._et.ParseError as exc:
            raise FileRejected(f"OFD“{self.name}”的 {path} 不是有效的 XML", file=self.name) from exc


@dataclass
class _OfdColour:
    fill: tuple[int, int, int] | None = None
    stroke: tuple[int, int, int] | None = None


def _colour(elem: object | None) -> tuple[int, int, int] | None:
    if elem is None:
        return None
    values = _floats(elem.get("Value"))  # type: ignore[attr-defined]
    if len(values) >= 3:
        return (int(values[0]), int(values[1]), int(values[2]))
    if len(values) == 1:  # grey colour space
        return (int(values[0]),) * 3
    return None


@dataclass
class _OfdDoc:
    pkg: _OfdPackage
    doc_path: str
    media: dict[str, str]  # resource id -> zip path
    draw_params: dict[str, _OfdColour]
    templates: dict[str, str]  # template id -> content path
    pages: list[tuple[str, str]]  # (page id, content path)
    stamps: dict[str, list[tuple[list[float], bytes]]]  # page id -> [(boundary, image bytes)]
    annots: dict[str, str]  # page id -> annotation file path


def _ofd_document(pkg: _OfdPackage) -> _OfdDoc:
    root = pkg.xml("OFD.xml")
    doc_roots = [e.text.strip() for e in _iter_named(root, "DocRoot") if e.text]
    if not doc_roots:
        raise FileRejected(f"OFD“{pkg.name}”缺少 DocRoot", file=pkg.name)
    doc_path = pkg.join("", doc_roots[0])
    doc = pkg.xml(doc_path)

    media: dict[str, str] = {}
    draw_params: dict[str, _OfdColour] = {}
    relatives: dict[str, str] = {}
    for tag in ("PublicRes", "DocumentRes"):
        for ref in _iter_named(doc, tag):
            res_path = pkg.join(doc_path, (ref.text or "").strip())
            if not pkg.has(res_path):
                continue
            res = pkg.xml(res_path)
            base_loc = res.get("BaseLoc", "")  # type: ignore[attr-defined]
            res_base = pkg.join(res_path, base_loc + "/x") if base_loc else res_path
            for mm in _iter_named(res, "MultiMedia"):
                files = _children(mm, "MediaFile")
                if files and files[0].text:
                    media[mm.get("ID")] = pkg.join(res_base, files[0].text.strip())
            for dp in _iter_named(res, "DrawParam"):
                fills, strokes = _children(dp, "FillColor"), _children(dp, "StrokeColor")
                draw_params[dp.get("ID")] = _OfdColour(
                    fill=_colour(fills[0]) if fills else None,
                    stroke=_colour(strokes[0]) if strokes else None,
                )
                if dp.get("Relative"):
                    relatives[dp.get("ID")] = dp.get("Relative")
    for child_id, parent_id in relatives.items():
        child, parent = draw_params[child_id], draw_params.get(parent_id)
        if parent:
            child.fill = child.fill or parent.fill
            child.stroke = child.stroke or parent.stroke

    templates = {
        t.get("ID"): pkg.join(doc_path, t.get("BaseLoc", ""))
        for t in _iter_named(doc, "TemplatePage")
        if t.get("BaseLoc")
    }
    pages = [
        (p.get("ID", str(i)), pkg.join(doc_path, p.get("BaseLoc", "")))
        for i, p in enumerate(_iter_named(doc, "Page"))
        if p.get("BaseLoc")
    ]

    annots: dict[str, str] = {}
    for ref in _iter_named(doc, "Annotations"):
        if not ref.text:
            continue
        annots_path = pkg.join(doc_path, ref.text.strip())
        if not pkg.has(annots_path):
            continue
        for page in _iter_named(pkg.xml(annots_path), "Page"):
            locs = _children(page, "FileLoc")
            if locs and locs[0].text:
                annots[page.get("PageID", "")] = pkg.join(annots_path, locs[0].text.strip())

    stamps: dict[str, list[tuple[list[float], bytes]]] = {}
    for ref in _iter_named(root, "Signatures"):
        if not ref.text:
            continue
        sigs_path = pkg.join(doc_path if ref.text.strip()[0] != "/" else "", ref.text.strip())
        if not pkg.has(sigs_path):
            continue
        for sig in _iter_named(pkg.xml(sigs_path), "Signature"):
            sig_path = pkg.join(sigs_path, sig.get("BaseLoc", ""))
            if not pkg.has(sig_path):
                continue
            sig_xml = pkg.xml(sig_path)
            values = [e.text.strip() for e in _iter_named(sig_xml, "SignedValue") if e.text]
            image = _embedded_image(pkg.read(pkg.join(sig_path, values[0]))) if values else None
            if image is None:
                continue
            for stamp in _iter_named(sig_xml, "StampAnnot"):
                box = _floats(stamp.get("Boundary"))
                if len(box) == 4:
                    stamps.setdefault(stamp.get("PageRef", ""), []).append((box, image))
    return _OfdDoc(pkg, doc_path, media, draw_params, templates, pages, stamps, annots)


def _embedded_image(blob: bytes) -> bytes | None:
    """The seal picture inside an electronic-seal signature value (PNG/JPEG in ASN.1)."""
    for magic in (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"):
        at = blob.find(magic)
        if at >= 0:
            return blob[at:]
    return None


@dataclass
class _OfdObject:
    kind: str  # text | path | image
    elem: object
    origin: tuple[float, float]  # boundary x, y (mm)
    colour: _OfdColour


def _ofd_objects(pkg: _OfdPackage, content_path: str, draw_params: dict[str, _OfdColour]) -> list:
    page = pkg.xml(content_path)
    objects: list[_OfdObject] = []

    def walk(elem: object, inherited: _OfdColour) -> None:
        for child in elem:  # type: ignore[attr-defined]
            tag = _local(child.tag)
            colour = inherited
            dp = child.get("DrawParam")
            if dp and dp in draw_params:
                own = draw_params[dp]
                colour = _OfdColour(own.fill or inherited.fill, own.stroke or inherited.stroke)
            if tag in ("Layer", "PageBlock", "Content"):
                walk(child, colour)
            elif tag in ("TextObject", "PathObject", "ImageObject"):
                box = _floats(child.get("Boundary"))
                if len(box) != 4:
                    continue
                kind = {"TextObject": "text", "PathObject": "path", "ImageObject": "image"}[tag]
                objects.append(_OfdObject(kind, child, (box[0], box[1]), colour))
            elif tag == "CompositeObject":
                continue

    for content in _iter_named(page, "Content"):
        walk(content, _OfdColour())
    return objects


def _page_box(pkg: _OfdPackage, content_path: str, doc_path: str) -> list[float]:
    for path in (content_path, doc_path):
        box = [_floats(e.text) for e in _iter_named(pkg.xml(path), "PhysicalBox")]
        if box and len(box[0]) == 4:
            return box[0]
    return [0.0, 0.0, 210.0, 297.0]


def _ctm(elem: object) -> tuple[float, float, float, float, float, float]:
    values = _floats(elem.get("CTM"))  # type: ignore[attr-defined]
    if len(values) == 6:
        return tuple(values)  # type: ignore[return-value]
    return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _apply(ctm: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


def _text_runs(obj: _OfdObject) -> list[tuple[str, list[tuple[float, float]], float]]:
    """(text, glyph origins in page mm, font size mm) per TextCode."""
    elem = obj.elem
    size = float(elem.get("Size", "3.5"))  # type: ignore[attr-defined]
    ctm = _ctm(elem)
    runs = []
    x = y = 0.0
    for code in _children(elem, "TextCode"):
        text = code.text or ""
        if not text:
            continue
        x = float(code.get("X", x))
        y = float(code.get("Y", y))
        dx = _deltas(code.get("DeltaX"), len(text))
        dy = _deltas(code.get("DeltaY"), len(text))
        points = []
        cx, cy = x, y
        for i, _ch in enumerate(text):
            px, py = _apply(ctm, cx, cy)
            points.append((obj.origin[0] + px, obj.origin[1] + py))
            step_x = dx[i] if i < len(dx) else (size if ord(_ch) > 0x2E80 else size * 0.5)
            cx += step_x
            if i < len(dy):
                cy += dy[i]
        runs.append((text, points, size * max(abs(ctm[3]), 1e-6)))
    return runs


def _load_ofd(data: bytes, name: str, settings: Settings) -> list[SourcePage]:
    pkg = _OfdPackage(data, name)
    doc = _ofd_document(pkg)
    check_pages(name, len(doc.pages), settings)
    dpi = settings.render_dpi
    px = dpi / MM_PER_INCH
    pages: list[SourcePage] = []
    for number, (page_id, content_path) in enumerate(doc.pages, start=1):
        box = _page_box(pkg, content_path, doc.doc_path)
        width, height = int(round(box[2] * px)), int(round(box[3] * px))
        check_pixels(name, number, width, height, settings)
        layers = _ofd_layers(pkg, doc, content_path)
        words: list[TextWord] = []
        for objects in layers:
            for obj in objects:
                if obj.kind != "text":
                    continue
                for text, points, size in _text_runs(obj):
                    clean = text.strip()
                    if not clean:
                        continue
                    word = _ofd_word(text, points, size, box, px)
                    if word is not None:
                        words.append(word)
        pages.append(
            SourcePage(
                number=number,
                kind="ofd",
                width=width,
                height=height,
                dpi=dpi,
                words=tuple(words),
                renderer=_ofd_renderer(doc, page_id, content_path, box, dpi),
            )
        )
    return pages


def _ofd_layers(pkg: _OfdPackage, doc: _OfdDoc, content_path: str) -> list[list[_OfdObject]]:
    """Template objects first (background), then the page's own objects."""
    page = pkg.xml(content_path)
    layers = []
    for tpl in _iter_named(page, "Template"):
        path = doc.templates.get(tpl.get("TemplateID", ""))
        if path and pkg.has(path):
            layers.append(_ofd_objects(pkg, path, doc.draw_params))
    layers.append(_ofd_objects(pkg, content_path, doc.draw_params))
    return layers


def _ofd_word(
    text: str, points: list[tuple[float, float]], size: float, box: list[float], px: float
) -> TextWord | None:
    """Trim surrounding spaces and box the glyphs; objects outside the page are dropped."""
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    glyphs = points[lead:trail]
    if not glyphs:
        return None
    last_char = text[trail - 1]
    advance = size if ord(last_char) > 0x2E80 else size * 0.55
    x0 = min(p[0] for p in glyphs) - box[0]
    x1 = max(p[0] for p in glyphs) + advance - box[0]
    base = max(p[1] for p in glyphs) - box[1]
    top = min(p[1] for p in glyphs) - size * 0.88 - box[1]
    bottom = base + size * 0.16
    if x1 < 0 or top < 0 or x0 > box[2] or bottom > box[3]:
        return None
    bbox = (
        int(round(max(x0, 0) * px)),
        int(round(max(top, 0) * px)),
        int(round(min(x1, box[2]) * px)),
        int(round(min(bottom, box[3]) * px)),
    )
    return TextWord(text=text.strip(), bbox=bbox)


def _cjk_font(size_px: int) -> object:
    from PIL import ImageFont

    for path in _FONT_PATHS:
        if Path(path).is_file():
            return ImageFont.truetype(path, max(size_px, 4))
    return ImageFont.load_default()


def _path_points(data: str) -> list[list[tuple[float, float]]]:
    """AbbreviatedData to polylines (curves sampled; arcs approximated by their chord)."""
    tokens = data.split()
    subpaths: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    i = 0

    def nums(n: int) -> list[float]:
        return [float(t) for t in tokens[i + 1 : i + 1 + n]]

    while i < len(tokens):
        op = tokens[i]
        try:
            if op in ("M", "S"):
                if current:
                    subpaths.append(current)
                x, y = nums(2)
                current = [(x, y)]
                i += 3
            elif op == "L":
                current.append(tuple(nums(2)))  # type: ignore[arg-type]
                i += 3
            elif op == "B":
                x1, y1, x2, y2, x3, y3 = nums(6)
                x0, y0 = current[-1] if current else (x1, y1)
                for k in range(1, 9):
                    t = k / 8
                    mt = 1 - t
                    current.append(
                        (
                            mt**3 * x0 + 3 * mt**2 * t * x1 + 3 * mt * t**2 * x2 + t**3 * x3,
                            mt**3 * y0 + 3 * mt**2 * t * y1 + 3 * mt * t**2 * y2 + t**3 * y3,
                        )
                    )
                i += 7
            elif op == "Q":
                x1, y1, x2, y2 = nums(4)
                x0, y0 = current[-1] if current else (x1, y1)
                for k in range(1, 7):
                    t = k / 6
                    mt = 1 - t
                    current.append(
                        (
                            mt**2 * x0 + 2 * mt * t * x1 + t**2 * x2,
                            mt**2 * y0 + 2 * mt * t * y1 + t**2 * y2,
                        )
                    )
                i += 5
            elif op == "A":
                values = nums(7)
                current.append((values[5], values[6]))
                i += 8
            elif op in ("C", "Z"):
                if current:
                    current.append(current[0])
                i += 1
            else:
                i += 1
        except (ValueError, IndexError):
            break
    if current:
        subpaths.append(current)
    return subpaths


def _ofd_renderer(
    doc: _OfdDoc, page_id: str, content_path: str, box: list[float], dpi: int
) -> Callable[[], np.ndarray]:
    def render() -> np.ndarray:
        from PIL import ImageDraw

        px = dpi / MM_PER_INCH
        width, height = int(round(box[2] * px)), int(round(box[3] * px))
        canvas = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(canvas)
        fonts: dict[int, object] = {}
        pkg = doc.pkg

        def to_px(x: float, y: float) -> tuple[float, float]:
            return ((x - box[0]) * px, (y - box[1]) * px)

        def paste(image_bytes: bytes, x0: float, y0: float, w: float, h: float) -> None:
            try:
                with Image.open(io.BytesIO(image_bytes)) as img:
                    if img.size[0] * img.size[1] > 40_000_000:
                        return
                    img = img.convert("RGBA")
                    size = (max(int(round(w * px)), 1), max(int(round(h * px)), 1))
                    img = img.resize(size, Image.Resampling.LANCZOS)
                    left, top = to_px(x0, y0)
                    canvas.paste(img, (int(round(left)), int(round(top))), img)
            except (OSError, ValueError, Image.DecompressionBombError):
                return

        def draw_objects(objects: list[_OfdObject]) -> None:
            for obj in objects:
                elem = obj.elem
                if obj.kind == "text":
                    fills = _children(elem, "FillColor")
                    colour = _colour(fills[0]) if fills else obj.colour.fill
                    for text, points, size in _text_runs(obj):
                        size_px = int(round(size * px))
                        font = fonts.setdefault(size_px, _cjk_font(size_px))
                        for ch, (gx, gy) in zip(text, points, strict=False):
                            if ch.isspace():
                                continue
                            left, base = to_px(gx, gy)
                            draw.text(
                                (left, base), ch, fill=colour or (0, 0, 0), font=font, anchor="ls"
                            )
                elif obj.kind == "path":
                    strokes, fills = _children(elem, "StrokeColor"), _children(elem, "FillColor")
                    stroke = _colour(strokes[0]) if strokes else obj.colour.stroke or (0, 0, 0)
                    fill_colour = _colour(fills[0]) if fills else obj.colour.fill or (0, 0, 0)
                    line_w = max(int(round(float(elem.get("LineWidth", "0.25")) * px)), 1)
                    data_elems = _children(elem, "AbbreviatedData")
                    if not data_elems or not data_elems[0].text:
                        continue
                    ctm = _ctm(elem)
                    for sub in _path_points(data_elems[0].text):
                        pts = [to_px(*_add(obj.origin, _apply(ctm, x, y))) for x, y in sub]
                        if len(pts) < 2:
                            continue
                        if elem.get("Fill", "false").lower() == "true" and len(pts) > 2:
                            draw.polygon(pts, fill=fill_colour)
                        if elem.get("Stroke", "true").lower() != "false":
                            draw.line(pts, fill=stroke, width=line_w)
                elif obj.kind == "image":
                    path = doc.media.get(elem.get("ResourceID", ""))
                    if not path or not pkg.has(path):
                        continue
                    a, _b, _c, d, e, f = _ctm(elem)
                    paste(pkg.read(path), obj.origin[0] + e, obj.origin[1] + f, abs(a), abs(d))

        for objects in _ofd_layers(pkg, doc, content_path):
            draw_objects(objects)
        annot_path = doc.annots.get(page_id)
        if annot_path and pkg.has(annot_path):
            for appearance in _iter_named(pkg.xml(annot_path), "Appearance"):
                app_box = _floats(appearance.get("Boundary"))
                if len(app_box) != 4:
                    continue
                for image in _iter_named(appearance, "ImageObject"):
                    path = doc.media.get(image.get("ResourceID", ""))
                    if path and pkg.has(path):
                        a, _b, _c, d, e, f = _ctm(image)
                        paste(pkg.read(path), app_box[0] + e, app_box[1] + f, abs(a), abs(d))
        for stamp_box, image_bytes in doc.stamps.get(page_id, []):
            paste(image_bytes, *stamp_box)
        return pil_to_bgr(canvas)

    return render


def _add(origin: tuple[float, float], point: tuple[float, float]) -> tuple[float, float]:
    return origin[0] + point[0], origin[1] + point[1]
