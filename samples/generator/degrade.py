"""Degradations a counter sees: phone photos, scans, photocopies, turned pages.

Every geometric step returns a 3x3 homography so ground-truth boxes follow the
pixels (the transformed corners' envelope, clipped to the page). Kinds combine
with '+', e.g. 'scan+rot90'. Randomness comes only from the given RNG.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

Step = Callable[[np.ndarray, random.Random], tuple[np.ndarray, np.ndarray]]
IDENTITY = np.eye(3)


def _affine(
    img: np.ndarray, m: np.ndarray, size: tuple[int, int], border: tuple[int, int, int]
) -> np.ndarray:
    return cv2.warpAffine(
        img, m[:2], size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )


def rotate_expand(
    img: np.ndarray, angle: float, border: tuple[int, int, int] = (255, 255, 255)
) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by `angle` degrees (counter-clockwise) keeping the whole page."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    H = np.vstack([m, [0, 0, 1]])
    return _affine(img, H, (nw, nh), border), H


def turn(img: np.ndarray, quarter: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact 90° turns (counter-clockwise `quarter` times), as a page put in upside down."""
    h, w = img.shape[:2]
    q = quarter % 4
    out = np.ascontiguousarray(np.rot90(img, q))
    if q == 0:
        return out, IDENTITY
    if q == 1:  # (x, y) -> (y, w-1-x)
        H = np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float)
    elif q == 2:
        H = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float)
    else:  # (x, y) -> (h-1-y, x)
        H = np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float)
    return out, H


def skew(
    img: np.ndarray, rng: random.Random, max_deg: float = 10.0
) -> tuple[np.ndarray, np.ndarray]:
    angle = rng.uniform(2.0, max_deg) * rng.choice([-1, 1])
    return rotate_expand(img, angle)


def small_skew(img: np.ndarray, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    return rotate_expand(img, rng.uniform(-2.5, 2.5))


def perspective(img: np.ndarray, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """A phone photo of a page on a desk: tilted plane, margin of background."""
    h, w = img.shape[:2]
    margin = int(0.06 * max(w, h))
    j = 0.05
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32(
        [
            [margin + rng.uniform(0, j) * w, margin + rng.uniform(0, j) * h],
            [margin + w - rng.uniform(0, j) * w, margin + rng.uniform(0, j) * h],
            [margin + w - rng.uniform(0, j) * w, margin + h - rng.uniform(0, j) * h],
            [margin + rng.uniform(0, j) * w, margin + h - rng.uniform(0, j) * h],
        ]
    )
    H = cv2.getPerspectiveTransform(src, dst)
    desk = tuple(
        int(v) for v in rng.choice([(96, 78, 60), (150, 140, 128), (60, 62, 70), (200, 196, 188)])
    )
    out = cv2.warpPerspective(
        img,
        H,
        (w + 2 * margin, h + 2 * margin),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=desk,
    )
    # scale back to about the original size
    s = max(w, h) / max(out.shape[:2])
    out = cv2.resize(
        out, (int(out.shape[1] * s), int(out.shape[0] * s)), interpolation=cv2.INTER_AREA
    )
    return out, np.diag([s, s, 1.0]) @ H


def lighting(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Uneven light and a soft shadow across part of the page; warm tint."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / np.hypot(w, h)
    light = 1.05 - 0.30 * dist
    a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
    edge = (a * (xx - w / 2) + b * (yy - h / 2)) / np.hypot(w, h)
    shadow = 1 - 0.28 / (1 + np.exp(-(edge - rng.uniform(0.1, 0.3)) * 40))
    f = (light * shadow)[..., None]
    tint = np.array([1.0, 0.97, 0.92], np.float32)  # RGB warm
    return np.clip(img.astype(np.float32) * f * tint, 0, 255).astype(np.uint8)


def blur(img: np.ndarray, rng: random.Random, sigma: float | None = None) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigma or rng.uniform(0.6, 1.2))


def noise(img: np.ndarray, rng: random.Random, amount: float = 3.0) -> np.ndarray:
    gen = np.random.default_rng(rng.randrange(2**32))
    n = gen.normal(0, amount, img.shape[:2])[..., None]
    return np.clip(img.astype(np.float32) + n, 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, rng: random.Random, quality: int | None = None) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=quality or rng.randint(30, 55))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def fold(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A fold line: a thin dark crease with a lighter band beside it."""
    h, w = img.shape[:2]
    out = img.astype(np.float32)
    if rng.random() < 0.5:
        y = int(h * rng.uniform(0.3, 0.7))
        out[max(0, y - 1) : y + 1] *= 0.75
        out[y + 1 : y + 12] = out[y + 1 : y + 12] * 0.93 + 255 * 0.07
    else:
        x = int(w * rng.uniform(0.3, 0.7))
        out[:, max(0, x - 1) : x + 1] *= 0.75
        out[:, x + 1 : x + 12] = out[:, x + 1 : x + 12] * 0.93 + 255 * 0.07
    return np.clip(out, 0, 255).astype(np.uint8)


def low_dpi(img: np.ndarray, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """Scanned at ~100 dpi instead of 150."""
    s = rng.uniform(0.62, 0.72)
    h, w = img.shape[:2]
    out = cv2.resize(img, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    return out, np.diag([s, s, 1.0])


def grey_copy(img: np.ndarray, rng: random.Random, faint: bool = False) -> np.ndarray:
    """A photocopy: grey, harder contrast (or faint toner), specks."""
    g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
    if faint:
        g = 255 - (255 - g) * rng.uniform(0.45, 0.6)
    else:
        g = np.clip((g - 128) * 1.25 + 140, 0, 255)
    gen = np.random.default_rng(rng.randrange(2**32))
    specks = gen.random(g.shape) < 0.0008
    g[specks] = gen.uniform(40, 120, specks.sum())
    g = cv2.GaussianBlur(g, (0, 0), 0.5)
    return np.repeat(np.clip(g, 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def _pipeline(kind: str) -> list[str]:
    presets = {
        "scan": ["small_skew", "noise", "soft", "jpeg"],
        "photo": ["perspective", "lighting", "blur", "jpeg"],
        "copy": ["grey", "small_skew"],
        "faint": ["faint"],
        "skew": ["skew", "noise"],
        "rot90": ["rot90"],
        "rot180": ["rot180"],
        "rot270": ["rot270"],
        "lowdpi": ["lowdpi", "jpeg"],
        "fold": ["fold", "noise"],
        "blur": ["blur"],
        "noise": ["noise"],
        "jpeg": ["jpeg"],
    }
    steps: list[str] = []
    for part in kind.split("+"):
        part = part.strip()
        if part not in presets:
            raise ValueError(f"unknown degradation {part!r}; known: {sorted(presets)}")
        steps.extend(presets[part])
    return steps


DEGRADATIONS = (
    "scan",
    "photo",
    "copy",
    "faint",
    "skew",
    "rot90",
    "rot180",
    "rot270",
    "lowdpi",
    "fold",
    "blur",
    "noise",
    "jpeg",
)


def degrade(image: Image.Image, kind: str, rng: random.Random) -> tuple[Image.Image, np.ndarray]:
    """Apply `kind` ('scan', 'photo+rot90', ...); returns the image and the box homography."""
    img = np.asarray(image.convert("RGB")).copy()
    H = IDENTITY.copy()
    for step in _pipeline(kind):
        G = None
        if step == "small_skew":
            img, G = small_skew(img, rng)
        elif step == "skew":
            img, G = skew(img, rng)
        elif step == "perspective":
            img, G = perspective(img, rng)
        elif step in ("rot90", "rot180", "rot270"):
            img, G = turn(img, {"rot90": 3, "rot180": 2, "rot270": 1}[step])  # rot90 = clockwise
        elif step == "lowdpi":
            img, G = low_dpi(img, rng)
        elif step == "lighting":
            img = lighting(img, rng)
        elif step == "blur":
            img = blur(img, rng)
        elif step == "soft":  # scanner optics: a touch of blur over the sensor noise
            img = blur(img, rng, 0.5)
        elif step == "noise":
            img = noise(img, rng)
        elif step == "jpeg":
            img = jpeg(img, rng)
        elif step == "fold":
            img = fold(img, rng)
        elif step == "grey":
            img = grey_copy(img, rng)
        elif step == "faint":
            img = grey_copy(img, rng, faint=True)
        if G is not None:
            H = G @ H
    return Image.fromarray(img), H


def map_box(box: list[int], H: np.ndarray, size: tuple[int, int]) -> list[int]:
    """The envelope of a box's transformed corners, clipped to the page (w, h)."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], float).T
    q = H @ pts
    q = q[:2] / q[2]
    w, h = size
    return [
        int(max(0, np.floor(q[0].min()))),
        int(max(0, np.floor(q[1].min()))),
        int(min(w, np.ceil(q[0].max()))),
        int(min(h, np.ceil(q[1].max()))),
    ]
