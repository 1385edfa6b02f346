"""Preprocessing must help OCR: rotated, skewed and faint pages read right only with it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.preprocess import (
    detect_regions,
    estimate_skew,
    normalise_contrast,
    oriented_image,
    prepare_and_read,
    rotate_quarter,
    rotate_small,
    text_direction,
)
from tests.test_ocr_engine import accuracy, known_text, render_page


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_page()


def raw_read(image, engine):
    return prepare_and_read(
        image, engine.recognize, orientation=False, deskew=False, contrast=False
    )


@pytest.mark.parametrize(
    ("distort", "expected_rotation"),
    [
        (lambda im: rotate_quarter(im, 90), 270),
        (lambda im: rotate_quarter(im, 180), 180),
        (lambda im: rotate_quarter(im, 270), 90),
    ],
    ids=["rot90", "rot180", "rot270"],
)
def test_orientation_correction_recovers_text(page, ocr_engine, distort, expected_rotation):
    image = distort(page)
    fixed = prepare_and_read(image, ocr_engine.recognize)
    plain = raw_read(image, ocr_engine)
    good, bad = accuracy(fixed.lines, known_text()), accuracy(plain.lines, known_text())
    assert fixed.rotation == expected_rotation
    assert good >= 0.9, [ln.text for ln in fixed.lines]
    assert good >= bad + 0.3
    # boxes refer to the corrected image: the ID line is where it was drawn
    assert fixed.image.shape[:2] == page.shape[:2]
    id_line = next(ln for ln in fixed.lines if "2101021950" in ln.text)
    assert abs(id_line.bbox[1] - (70 + 2 * 120)) < 25


PARAGRAPH = (
    "根据《工伤保险条例》第十四条第一项的规定，经调查核实，现认定该职工",
    "于二〇二五年五月二日在本单位车间工作时受到的机器挤压伤害属于工伤，",
    "予以认定为工伤。如对本工伤认定决定不服的，可自收到本决定书之日起",
)


@pytest.mark.parametrize("angle", [8.0, -8.0], ids=["cw8", "ccw8"])
def test_deskew_gives_tight_boxes_and_right_text(ocr_engine, angle):
    """PaddleOCR reads ±8° lines itself (rotated quads); deskew is what makes the
    evidence boxes tight — skewed, each axis-aligned line box covers its neighbours."""
    font = 30
    page = render_page(PARAGRAPH, size=(1100, 260), font_size=font, origin=(20, 40), step=44)
    image = rotate_small(page, angle)
    fixed = prepare_and_read(image, ocr_engine.recognize)
    plain = raw_read(image, ocr_engine)
    expected = known_text(PARAGRAPH)
    assert fixed.skew == pytest.approx(-angle, abs=1.0)
    assert fixed.rotation == 0
    assert accuracy(fixed.lines, expected) >= 0.9, [ln.text for ln in fixed.lines]
    assert accuracy(fixed.lines, expected) >= accuracy(plain.lines, expected)
    tallest = max(ln.bbox[3] - ln.bbox[1] for ln in fixed.lines)
    assert tallest <= 1.6 * font
    assert min(ln.bbox[3] - ln.bbox[1] for ln in plain.lines) >= 3 * font
    # each corrected line box overlaps no other line box
    boxes = [ln.bbox for ln in fixed.lines]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert min(a[3], b[3]) - max(a[1], b[1]) <= 0


def test_faint_page_contrast_normalisation(ocr_engine):
    # pale grey ink on grey paper, as from an over-exposed photocopy
    faint = render_page(ink=(190, 190, 190), paper=(212, 212, 212))
    fixed = prepare_and_read(faint, ocr_engine.recognize)
    assert fixed.contrast
    assert accuracy(fixed.lines, known_text()) >= 0.9, [ln.text for ln in fixed.lines]
    stretched = cv2.cvtColor(normalise_contrast(faint), cv2.COLOR_BGR2GRAY)
    assert float(stretched.std()) > 3 * float(cv2.cvtColor(faint, cv2.COLOR_BGR2GRAY).std())


def test_clean_page_is_left_alone(page, ocr_engine):
    fixed = prepare_and_read(page, ocr_engine.recognize)
    assert (fixed.rotation, fixed.skew, fixed.contrast) == (0, 0.0, False)
    assert fixed.image is page


@pytest.mark.parametrize("angle", [3.0, -5.0, 12.0], ids=["3", "-5", "12"])
def test_skew_estimate_from_text_regions(page, angle):
    assert estimate_skew(detect_regions(rotate_small(page, angle))) == pytest.approx(angle, abs=1.0)


def test_text_direction(page):
    assert text_direction(detect_regions(page)) == "horizontal"
    assert text_direction(detect_regions(rotate_quarter(page, 90))) == "vertical"


def test_contrast_normalisation_keeps_red_red():
    img = np.full((60, 60, 3), 210, np.uint8)
    img[20:40, 20:40] = (60, 60, 200)  # BGR red patch on grey paper
    out = normalise_contrast(img)
    b, g, r = (int(v) for v in out[30, 30])
    assert r > g + 60 and r > b + 60
    grey = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    assert int(grey[5, 5]) > int(grey[30, 30]) + 40


@pytest.mark.parametrize(
    "distort",
    [lambda im: rotate_quarter(rotate_small(im, 6.0), 90), lambda im: rotate_quarter(im, 180)],
    ids=["rot90-skew6", "rot180"],
)
def test_oriented_image_rebuilds_what_ocr_saw(page, ocr_engine, distort):
    image = distort(page)
    fixed = prepare_and_read(image, ocr_engine.recognize)
    rebuilt = oriented_image(image, fixed.rotation, fixed.skew)
    assert rebuilt.shape == fixed.image.shape
    assert np.array_equal(rebuilt, fixed.image)


def test_issuer_stamped_over_by_a_seal_is_read(ocr_engine):
    """A hospital's name under its red 财务专用章 is lost in the page read (seed 1, skewed) and
    recovered by re-reading the seal's band with the red ink removed."""
    from pipeline.ingest import load_file
    from pipeline.ocr import read_file
    from pipeline.preprocess import read_under_seals, suppress_red_ink
    from pipeline.visual import find_red_seals
    from samples import generator

    issuer = "中国医科大学附属第一医院"
    rd = generator.render_document(
        "medical_invoice",
        generator.make_person(1),
        seed=1,
        fields={"issuer": issuer},
        degrade="skew",
    )
    bgr = np.ascontiguousarray(np.asarray(rd.image)[..., ::-1])
    prepared = prepare_and_read(bgr, ocr_engine.recognize)
    seals = find_red_seals(prepared.image)
    assert seals and not any(issuer in ln.text for ln in prepared.lines)
    merged = read_under_seals(prepared.image, seals, list(prepared.lines), ocr_engine.recognize)
    assert any(issuer in ln.text for ln in merged)

    x0, y0, x1, y1 = seals[0]
    seal = prepared.image[y0:y1, x0:x1]
    cleaned = suppress_red_ink(seal)
    assert (cleaned == 255).all(axis=2).mean() > (seal == 255).all(axis=2).mean()

    path = Path(tempfile.mkdtemp()) / "invoice.jpg"
    rd.save(path, "jpg")
    pages = read_file(load_file(path), ocr_engine)
    assert any(issuer in ln.text for ln in pages[0].lines)
