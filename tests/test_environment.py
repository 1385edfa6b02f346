"""The environment the product runs in: one OpenCV, offline OCR pieces present."""

from __future__ import annotations

import importlib.metadata as md

OPENCV_DISTRIBUTIONS = (
    "opencv-python",
    "opencv-python-headless",
    "opencv-contrib-python",
    "opencv-contrib-python-headless",
)


def installed(name: str) -> bool:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        return False
    return True


def test_exactly_one_cv2_provider():
    providers = [name for name in OPENCV_DISTRIBUTIONS if installed(name)]
    assert providers == ["opencv-contrib-python"], providers


def test_cv2_has_contrib_and_qr():
    import cv2

    assert hasattr(cv2, "QRCodeDetector")
    assert cv2.__version__.startswith("4.10")


def test_no_paddlepaddle_needed():
    assert not installed("paddlepaddle")
    assert installed("onnxruntime")
