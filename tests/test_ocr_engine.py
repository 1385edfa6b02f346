"""The offline OCR engine: model preparation, real recognition, read_file, cache."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz import fuzz

from pipeline import modelstore
from pipeline.config import RENDER_DPI, Settings
from pipeline.errors import ModelsMissing
from pipeline.ingest import TextWord, load_file
from pipeline.models import OcrLine
from pipeline.ocr import engine_info, read_file, words_to_lines

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

PAGE_LINES = (
    "居民死亡医学证明（推断）书",
    "姓名：王秀兰　性别：女",
    "公民身份号码：210102195001011234",
    "死亡日期：2025年3月15日",
    "签发单位：沈阳市第一人民医院",
)


def render_page(
    lines=PAGE_LINES,
    size=(1100, 760),
    font_size=40,
    origin=(80, 70),
    step=120,
    ink=(0, 0, 0),
    paper=(255, 255, 255),
) -> np.ndarray:
    """A white page with known Chinese text, as a BGR array (what ingest produces)."""
    img = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, font_size)
    for i, text in enumerate(lines):
        draw.text((origin[0], origin[1] + i * step), text, fill=ink, font=font)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def known_text(lines=PAGE_LINES) -> str:
    return "".join(lines).replace("　", "").replace(" ", "")


def accuracy(lines: list[OcrLine], expected: str) -> float:
    got = "".join(ln.text for ln in lines).replace(" ", "")
    return fuzz.ratio(got, expected) / 100


# ----------------------------------------------------------------- models


def test_models_are_built_offline_and_verified(tmp_path):
    settings = Settings(home=tmp_path)
    built = modelstore.ensure_models(settings)
    assert built.created
    for model_dir in (built.det_dir, built.rec_dir):
        assert (model_dir / "inference.onnx").is_file()
        assert (model_dir / "inference.yml").is_file()
    rec = (built.rec_dir / "inference.yml").read_text(encoding="utf-8")
    assert "CTCLabelDecode" in rec and "RecResizeImg" in rec
    again = modelstore.ensure_models(settings)
    assert not again.created
    assert again.hashes == built.hashes
    assert "sha256=" in modelstore.install_models_command(settings=settings)


def test_tampered_model_dir_is_rebuilt(tmp_path):
    settings = Settings(home=tmp_path)
    built = modelstore.ensure_models(settings)
    (built.det_dir / "inference.yml").write_text("PostProcess: {}\n", encoding="utf-8")
    rebuilt = modelstore.ensure_models(settings)
    assert rebuilt.created
    assert "DBPostProcess" in (built.det_dir / "inference.yml").read_text(encoding="utf-8")


def test_wrong_source_model_raises_models_missing_with_fix(tmp_path, monkeypatch):
    name, (filename, _sha) = modelstore.DET_NAME, modelstore.SOURCE_FILES[modelstore.DET_NAME]
    monkeypatch.setitem(modelstore.SOURCE_FILES, name, (filename, "0" * 64))
    with pytest.raises(ModelsMissing) as err:
        modelstore.ensure_models(Settings(home=tmp_path))
    assert "./run intake models" in str(err.value)
    assert "rapidocr==3.10.0" in str(err.value)


def test_absent_rapidocr_raises_models_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(modelstore, "rapidocr_models_dir", lambda: tmp_path / "nowhere")
    with pytest.raises(ModelsMissing, match="找不到模型文件"):
        modelstore.ensure_models(Settings(home=tmp_path))


# ----------------------------------------------------------------- engine


def test_engine_reads_a_rendered_page_with_boxes(ocr_engine):
    image = render_page()
    lines = ocr_engine.recognize(image)
    assert accuracy(lines, known_text()) >= 0.95
    # reading order and boxes: the ID number line sits where it was drawn (3rd line)
    id_line = next(ln for ln in lines if "210102195001011234" in ln.text)
    x0, y0, x1, y1 = id_line.bbox
    assert all(isinstance(v, int) for v in id_line.bbox)
    assert abs(y0 - (70 + 2 * 120)) < 20 and x0 < 120 and x1 > 600
    assert lines[0].text.startswith("居民死亡")
    assert all(0.5 < ln.confidence <= 1.0 for ln in lines)


def test_engine_is_created_once(ocr_engine):
    from pipeline.ocr import get_engine

    assert get_engine() is ocr_engine


def test_engine_info_names_models(ocr_engine):
    info = engine_info(ocr_engine)
    assert info.ocr == "paddleocr"
    assert modelstore.DET_NAME in info.version
    assert info.models[modelstore.REC_NAME] == modelstore.SOURCE_FILES[modelstore.REC_NAME][1]


class ExplodingEngine:
    """An engine that must not be called (cache hits, text layers)."""

    name = "paddleocr"
    models: dict[str, str] = {}

    def __init__(self, version: str) -> None:
        self.version = version

    def recognize(self, image):
        raise AssertionError("OCR was called although the page should not need it")


def test_read_file_caches_by_pixels_and_engine_version(ocr_engine, tmp_path):
    settings = Settings(ocr_cache_dir=tmp_path / "cache")
    path = tmp_path / "cert.png"
    Image.fromarray(render_page()[:, :, ::-1]).save(path)
    first = read_file(load_file(path), ocr_engine, settings)
    assert first[0].source == "ocr"
    assert accuracy(list(first[0].lines), known_text()) >= 0.95
    cached = list((tmp_path / "cache").rglob("*.json"))
    assert len(cached) == 1
    assert json.loads(cached[0].read_text(encoding="utf-8"))["engine"] == ocr_engine.version

    # same pixels under another name: served from the cache, engine never called
    copy = tmp_path / "again.png"
    copy.write_bytes(path.read_bytes())
    second = read_file(load_file(copy), ExplodingEngine(ocr_engine.version), settings)
    assert second[0].lines == first[0].lines
    assert second[0].file == "again.png"
    assert second[0].content_hash == first[0].content_hash

    # a different engine version is a cache miss
    with pytest.raises(AssertionError, match="OCR was called"):
        read_file(load_file(copy), ExplodingEngine("other-version"), settings)


def test_text_layer_pdf_is_read_without_ocr(tmp_path):
    from tests.test_ingest_formats import reportlab_pdf

    path = tmp_path / "decision.pdf"
    reportlab_pdf(
        path, [(72, 700, "认定工伤决定书"), (72, 660, "职工姓名：李四"), (300, 660, "性别：男")]
    )
    pages = read_file(load_file(path), ExplodingEngine("x"), Settings(ocr_cache_dir=tmp_path))
    page = pages[0]
    assert page.source == "text_layer" and page.dpi == RENDER_DPI
    texts = [ln.text for ln in page.lines]
    assert texts[:3] == ["认定工伤决定书", "职工姓名：李四", "性别：男"]
    assert all(ln.confidence == 1.0 for ln in page.lines)
    assert page.quality is not None and page.red_seal is False


def test_words_to_lines_joins_close_words_and_splits_columns():
    words = [
        TextWord("发票号码：", (100, 100, 200, 120)),
        TextWord("12345678", (205, 101, 300, 121)),
        TextWord("开票日期：", (900, 100, 1000, 120)),
        TextWord("合计", (100, 200, 140, 220)),
    ]
    lines = words_to_lines(words)
    assert [ln.text for ln in lines] == ["发票号码：12345678", "开票日期：", "合计"]
    assert lines[0].bbox == (100, 100, 300, 121)


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "shared/external/e_invoices").is_dir(),
    reason="external documents not present",
)
def test_garbled_text_layer_is_ocred(ocr_engine, tmp_path):
    from tests.conftest import EXTERNAL

    pdf = EXTERNAL / "e_invoices/vat_e_putong_zhejiang_2017_garbled_textlayer.pdf"
    page = read_file(load_file(pdf), ocr_engine, Settings(ocr_cache_dir=tmp_path))[0]
    assert page.source == "ocr"
    assert "06675738" in page.text and "发票" in page.text
    assert any("06675738" in p for p in page.qr_payloads)
