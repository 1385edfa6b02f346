"""Ingest: formats by content, EXIF, multi-page TIFF, PDF text layers, OFD, limits."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.config import RENDER_DPI, Settings
from pipeline.errors import FileRejected, LimitExceeded, UnsupportedFile
from pipeline.ingest import load_bytes, load_file, sniff_format, text_layer_problem
from tests.conftest import EXTERNAL

INVOICES = EXTERNAL / "e_invoices"


def png_bytes(size=(40, 30), colour=(255, 0, 0), fmt="PNG", **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format=fmt, **save)
    return buf.getvalue()


def ofd_bytes(texts: list[tuple[str, str, str]], box: str = "0 0 210 140", pages: int = 1) -> bytes:
    """A minimal OFD package: texts are (boundary mm, TextCode, DeltaX)."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    objects = "".join(
        f'<ofd:TextObject ID="{i + 10}" Boundary="{b}" Font="1" Size="5">'
        f'<ofd:TextCode X="0" Y="4" DeltaX="{dx}">{t}</ofd:TextCode></ofd:TextObject>'
        for i, (b, t, dx) in enumerate(texts)
    )
    page = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Area>'
        f"<ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:Area><ofd:Content>"
        f'<ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>'
    )
    page_refs = "".join(
        f'<ofd:Page ID="{i + 3}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages)
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData>'
        f"<ofd:MaxUnitID>99</ofd:MaxUnitID></ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    )
    ofd = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} DocType="OFD" Version="1.0">'
        "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("OFD.xml", ofd)
        zf.writestr("Doc_0/Document.xml", document)
        for i in range(pages):
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page)
    return buf.getvalue()


def reportlab_pdf(path: Path, lines: list[tuple[float, float, str]], pages: int = 1) -> None:
    """A real PDF with a CJK text layer (STSong-Light CID font; reportlab needs no TTF)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        c.setFont("STSong-Light", 16)
        for x, y, text in lines:
            c.drawString(x, y, text)
        c.showPage()
    c.save()


# ----------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (png_bytes(fmt="JPEG"), "jpeg"),
        (png_bytes(), "png"),
        (png_bytes(fmt="TIFF"), "tiff"),
        (png_bytes(fmt="BMP"), "bmp"),
        (png_bytes(fmt="WEBP"), "webp"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (ofd_bytes([("10 10 50 8", "测试", "")]), "ofd"),
    ],
    ids=["jpeg", "png", "tiff", "bmp", "webp", "pdf", "ofd"],
)
def test_sniff_format_by_magic_bytes(data, expected):
    assert sniff_format(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"hello world, plain text",
        b"PK\x03\x04" + b"\x00" * 40,  # a zip that is not an OFD
        b"GIF89a" + b"\x00" * 20,
        b"\x00\x01\x02",
    ],
    ids=["text", "plain-zip", "gif", "binary"],
)
def test_unsupported_content_names_the_file(data):
    with pytest.raises(UnsupportedFile) as err:
        sniff_format(data, "材料.docx")
    assert "材料.docx" in str(err.value)
    assert "OFD" in str(err.value)


def test_docx_zip_is_unsupported(tmp_path):
    path = tmp_path / "合同.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(UnsupportedFile, match="合同.docx"):
        load_file(path)


def test_wrong_extension_is_recognised_by_content(tmp_path):
    path = tmp_path / "scan.pdf"  # really a PNG
    path.write_bytes(png_bytes((64, 48)))
    ingested = load_file(path)
    assert ingested.format == "png"
    assert ingested.pages[0].kind == "raster"
    assert ingested.pages[0].image.shape == (48, 64, 3)


def test_png_pixels_become_bgr(tmp_path):
    path = tmp_path / "red.png"
    path.write_bytes(png_bytes(colour=(255, 0, 0)))
    image = load_file(path).pages[0].image
    assert tuple(int(v) for v in image[5, 5]) == (0, 0, 255)


def test_exif_orientation_is_applied(tmp_path):
    # landscape pixels with a black block at the top-left, EXIF says "rotate 90 CW to view"
    img = Image.new("RGB", (120, 60), "white")
    ImageDraw.Draw(img).rectangle((0, 0, 19, 19), fill="black")
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "photo.jpg"
    img.save(path, format="JPEG", exif=exif.tobytes(), quality=95)
    page = load_file(path).pages[0]
    assert (page.width, page.height) == (60, 120)
    # after rotating 90° clockwise the block sits at the top-right
    assert page.image[5, 55].mean() < 60
    assert page.image[5, 5].mean() > 200


def test_multipage_tiff_gives_one_page_per_frame(tmp_path):
    frames = [Image.new("RGB", (50, 40 + 10 * i), (i * 60, 0, 0)) for i in range(3)]
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    ingested = load_file(path)
    assert ingested.format == "tiff"
    assert [p.number for p in ingested.pages] == [1, 2, 3]
    assert [p.height for p in ingested.pages] == [40, 50, 60]


def test_transparent_png_is_flattened_on_white(tmp_path):
    img = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    path = tmp_path / "t.png"
    img.save(path)
    assert load_file(path).pages[0].image.min() == 255


def test_sha256_is_of_raw_bytes(tmp_path):
    import hashlib

    data = png_bytes()
    path = tmp_path / "a.png"
    path.write_bytes(data)
    assert load_file(path).sha256 == hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------- PDF


def test_pdf_text_layer_words_are_scaled_to_render_dpi(tmp_path):
    path = tmp_path / "decision.pdf"
    reportlab_pdf(path, [(72, 700, "认定工伤决定书"), (72, 650, "职工姓名：李四")])
    ingested = load_file(path)
    page = ingested.pages[0]
    assert ingested.format == "pdf" and page.kind == "text_layer"
    assert page.dpi == RENDER_DPI
    assert (page.width, page.height) == (
        math.ceil(595.2756 * 200 / 72),
        math.ceil(841.8898 * 200 / 72),
    )
    texts = [w.text for w in page.words]
    assert "认定工伤决定书" in texts
    title = next(w for w in page.words if w.text == "认定工伤决定书")
    scale = RENDER_DPI / 72
    # drawn at x=72pt, baseline 700pt from the bottom, 16pt font
    assert abs(title.bbox[0] - 72 * scale) <= 3
    assert abs(title.bbox[3] - (841.89 - 700) * scale) <= 0.3 * 16 * scale
    assert title.bbox[2] - title.bbox[0] == pytest.approx(7 * 16 * scale, rel=0.05)
    raster = page.raster()
    assert raster.shape == (page.height, page.width, 3)
    x0, y0, x1, y1 = title.bbox
    assert raster[y0:y1, x0:x1].min() < 80  # ink where the words are


def test_pdf_without_text_layer_is_rendered_for_ocr(tmp_path):
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A5)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    page = load_file(path).pages[0]
    assert page.kind == "raster" and page.note == "无文字层"
    assert page.image.shape[:2] == (round(595.2756 * 200 / 72), math.ceil(419.5276 * 200 / 72))


@pytest.mark.parametrize(
    ("text", "trusted"),
    [
        ("认定工伤决定书 职工姓名：李四 身份证号：210102198503124518", True),
        ("Invoice number 12345 date 2024-01-01 total 511.70", True),
        ("(cid:5497)(cid:1246)(cid:1870)(cid:5157)(cid:4938)(cid:2229) 发票", False),
        ("\ue001\ue002\ue003\ue004 合计金额 123.00 \ue005\ue006", False),
        ("ÄÖÜßÆØÅÐÞþðæøåäöüÿ¿¡ÀÁÂÃÈÉÊË", False),
        ("", False),
    ],
    ids=["chinese", "latin", "cid", "private-use", "mojibake", "empty"],
)
def test_text_layer_trust(text, trusted):
    assert (text_layer_problem(text) is None) is trusted


@pytest.mark.skipif(not INVOICES.is_dir(), reason="external documents not present")
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("vat_e_putong_zhejiang_2017_garbled_textlayer.pdf", "raster"),
        ("quandian_putong_sf_express_2025.pdf", "text_layer"),
        ("vat_e_putong_anhui_2021.pdf", "text_layer"),
    ],
    ids=["garbled", "quandian", "anhui"],
)
def test_real_pdf_text_layer_decision(name, kind):
    page = load_file(INVOICES / name).pages[0]
    assert page.kind == kind
    if kind == "text_layer":
        assert any("发票号码" in w.text for w in page.words)


def test_corrupt_pdf_is_rejected(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(FileRejected):
        load_file(path)


def test_truncated_jpeg_is_rejected(tmp_path):
    path = tmp_path / "cut.jpg"
    path.write_bytes(png_bytes((400, 400), fmt="JPEG")[:300])
    with pytest.raises(FileRejected, match="cut.jpg"):
        load_file(path)


# ----------------------------------------------------------------- OFD


def test_synthetic_ofd_text_positions_in_pixels():
    data = ofd_bytes([("20 30 100 8", "工伤医疗费用", "5 5 5 5 5"), ("20 50 100 8", "511.70", "")])
    ingested = load_bytes(data, "invoice.ofd", Settings())
    page = ingested.pages[0]
    assert ingested.format == "ofd" and page.kind == "ofd"
    px = RENDER_DPI / 25.4
    assert (page.width, page.height) == (round(210 * px), round(140 * px))
    title = next(w for w in page.words if w.text == "工伤医疗费用")
    assert abs(title.bbox[0] - 20 * px) <= 2
    assert abs(title.bbox[2] - 50 * px) <= 3  # 6 glyphs, 5 mm apart, 5 mm wide
    assert abs(title.bbox[3] - (30 + 4 + 5 * 0.16) * px) <= 3
    raster = page.raster()
    x0, y0, x1, y1 = title.bbox
    assert raster[y0:y1, x0:x1].min() < 100  # the rendered page shows the text there


@pytest.mark.skipif(not INVOICES.is_dir(), reason="external documents not present")
def test_real_ofd_invoice_reads_text_and_renders_qr():
    from pipeline.visual import decode_qr

    page = load_file(INVOICES / "quandian_zhuanyong_sample.ofd").pages[0]
    texts = [w.text for w in page.words]
    assert any(t.startswith("电子发票") for t in texts)  # from the template
    assert "24322000000489101796" in texts  # from the page
    payloads = decode_qr(page.raster())
    assert any("24322000000489101796" in p for p in payloads)


def test_ofd_zip_bomb_like_member_is_limited():
    data = ofd_bytes([("20 30 100 8", "x", "")])
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Doc_0/Res/huge.bin", b"\x00" * (210 * 1024 * 1024))
    with pytest.raises(LimitExceeded):
        load_bytes(buf.getvalue(), "bomb.ofd", Settings())


# ----------------------------------------------------------------- limits


def test_file_size_limit(tmp_path):
    path = tmp_path / "big.png"
    path.write_bytes(png_bytes((200, 200)) + b"\x00" * 5000)
    with pytest.raises(LimitExceeded, match="big.png"):
        load_file(path, Settings(max_file_bytes=1000))


def test_pixel_limit_checked_before_decoding(tmp_path):
    # 20000 x 20000 white PNG: a few hundred KB on disk, 1.2 GB decoded
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000), 1).save(path, optimize=True)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(LimitExceeded, match="像素"):
        load_file(path, Settings(max_pixels=10_000_000))


def test_page_limit_for_pdf(tmp_path):
    path = tmp_path / "long.pdf"
    reportlab_pdf(path, [(72, 700, "第一页")], pages=4)
    with pytest.raises(LimitExceeded, match="4 页"):
        load_file(path, Settings(max_pages=3))


def test_page_limit_for_tiff(tmp_path):
    frames = [Image.new("L", (10, 10), 255) for _ in range(4)]
    path = tmp_path / "many.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(LimitExceeded):
        load_file(path, Settings(max_pages=2))


def test_pdf_pixel_limit(tmp_path):
    path = tmp_path / "a4.pdf"
    reportlab_pdf(path, [(72, 700, "页面")])
    with pytest.raises(LimitExceeded):
        load_file(path, Settings(max_pixels=1_000_000))


def test_empty_file_is_rejected(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(FileRejected, match="空文件"):
        load_file(path)


def test_raster_page_arrays_are_uint8_bgr(tmp_path):
    path = tmp_path / "grey.png"
    Image.new("L", (30, 20), 128).save(path)
    image = load_file(path).pages[0].image
    assert image.dtype == np.uint8 and image.shape == (20, 30, 3)
