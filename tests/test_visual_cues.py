"""Visual cues: red seals, QR codes and quality metrics on rendered pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import qrcode
from PIL import Image, ImageDraw, ImageFont

from pipeline.visual import decode_qr, find_red_seals, quality
from tests.test_ocr_engine import FONT, render_page

SEAL_RED = (220, 30, 30)  # RGB


def draw_seal(page: np.ndarray, centre=(800, 560), radius=130, oval=False) -> np.ndarray:
    """A round (or oval) red seal: double ring, arc of text, a star — drawn with PIL."""
    img = Image.fromarray(page[:, :, ::-1].copy())
    draw = ImageDraw.Draw(img)
    cx, cy = centre
    rx, ry = (radius * 1.4, radius) if oval else (radius, radius)
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), outline=SEAL_RED, width=9)
    draw.ellipse(
        (cx - rx + 14, cy - ry + 14, cx + rx - 14, cy + ry - 14), outline=SEAL_RED, width=2
    )
    font = ImageFont.truetype(FONT, 30)
    for i, ch in enumerate("沈阳市人力资源和社会保障局"):
        angle = np.radians(200 + i * 11.5)
        x, y = cx + (rx - 45) * np.cos(angle), cy + (ry - 45) * np.sin(angle)
        draw.text((x - 15, y - 15), ch, fill=SEAL_RED, font=font)
    star = [
        (
            cx + (40 if k % 2 == 0 else 16) * np.cos(np.radians(-90 + k * 36)),
            cy + (40 if k % 2 == 0 else 16) * np.sin(np.radians(-90 + k * 36)),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=SEAL_RED)
    draw.text((cx - 60, cy + 50), "工伤专用章", fill=SEAL_RED, font=font)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def red_heading(page: np.ndarray) -> np.ndarray:
    """Red title text and a red table rule: red, but not a seal."""
    img = Image.fromarray(page[:, :, ::-1].copy())
    draw = ImageDraw.Draw(img)
    draw.text((80, 640), "红头文件标题", fill=SEAL_RED, font=ImageFont.truetype(FONT, 60))
    draw.line((60, 720, 1040, 720), fill=SEAL_RED, width=6)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_page()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p, 0),
        (lambda p: draw_seal(p), 1),
        (lambda p: draw_seal(p, oval=True), 1),
        (lambda p: red_heading(p), 0),
        (lambda p: draw_seal(red_heading(p), centre=(300, 300)), 1),
        (lambda p: draw_seal(draw_seal(p, centre=(250, 300)), centre=(850, 500)), 2),
    ],
    ids=["plain", "round-seal", "oval-seal", "red-heading-only", "seal-and-heading", "two-seals"],
)
def test_red_seal_detection(page, make, expected):
    assert len(find_red_seals(make(page))) == expected


def test_seal_box_is_where_it_was_drawn(page):
    (x0, y0, x1, y1), *_ = find_red_seals(draw_seal(page, centre=(800, 560), radius=130))
    assert abs((x0 + x1) / 2 - 800) < 15 and abs((y0 + y1) / 2 - 560) < 15
    assert abs((x1 - x0) - 260) < 30


def test_grey_photocopy_of_a_seal_is_not_red(page):
    grey = cv2.cvtColor(cv2.cvtColor(draw_seal(page), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert find_red_seals(grey) == []


def qr_image(payload: str, box_size=6) -> np.ndarray:
    img = qrcode.make(payload, box_size=box_size, border=2).convert("RGB")
    return np.asarray(img)[:, :, ::-1]


def paste(page: np.ndarray, patch: np.ndarray, at: tuple[int, int]) -> np.ndarray:
    out = page.copy()
    x, y = at
    out[y : y + patch.shape[0], x : x + patch.shape[1]] = patch
    return out


INVOICE_QR = "01,10,033001600111,06675738,182.08,20171006,71262419633629765846,9D64,"


@pytest.mark.parametrize(
    ("payloads", "positions"),
    [
        ([], []),
        ([INVOICE_QR], [(880, 20)]),
        (["https://example.gov.cn/verify?id=42", INVOICE_QR], [(20, 480), (820, 460)]),
    ],
    ids=["none", "one", "two"],
)
def test_qr_codes_are_decoded(page, payloads, positions):
    image = page
    for payload, at in zip(payloads, positions, strict=True):
        image = paste(image, qr_image(payload, box_size=4), at)
    assert sorted(decode_qr(image)) == sorted(payloads)


def test_quality_metrics_separate_sharp_blurred_and_grey(page):
    sharp = quality(draw_seal(page))
    blurred = quality(cv2.GaussianBlur(draw_seal(page), (0, 0), 4))
    grey = quality(
        cv2.cvtColor(cv2.cvtColor(draw_seal(page), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    )
    dark = quality((page * 0.3).astype(np.uint8))
    assert blurred.sharpness < sharp.sharpness / 5
    assert grey.colourfulness < 1.0 < sharp.colourfulness
    assert dark.brightness < sharp.brightness / 2
    assert 200 < sharp.brightness <= 255 and sharp.contrast > 10
