"""Drawing primitives for synthetic documents that remember what they drew where.

A `Sheet` is one page: every piece of text goes through `Sheet.text`, which
draws it and records its ink box, so ground truth is the drawn box itself and
born-digital PDFs can re-emit the same text as a real text layer. Seals,
signatures, fingerprints and QR codes are graphics (not text items).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_FILES: dict[str, tuple[str, int]] = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "serif_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    "hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "mono": ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0),
}
FALLBACK_FONT = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)
BLACK = (20, 20, 20)
RED = (215, 35, 40)
SEAL_RED = (222, 40, 45)
BLUE_INK = (30, 40, 110)

BBox = list[int]


@lru_cache(maxsize=256)
def font(size: int, kind: str = "sans") -> ImageFont.FreeTypeFont:
    """A cached CJK font; falls back to WenQuanYi when a Noto file is missing."""
    path, index = FONT_FILES.get(kind, FALLBACK_FONT)
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:
        return ImageFont.truetype(FALLBACK_FONT[0], size, index=FALLBACK_FONT[1])


@dataclass
class TextItem:
    """A drawn run of text: what a born-digital PDF writes into its text layer."""

    text: str
    x: float  # left of the advance box, px
    baseline: float  # px
    size: int  # em size, px
    kind: str
    width: float  # advance width, px
    fill: tuple[int, int, int]
    bbox: BBox


@dataclass
class Sheet:
    """One page being drawn; `fields` collects ground truth (value + drawn box)."""

    width: int
    height: int
    dpi: int = 150
    bg: tuple[int, int, int] = (255, 255, 255)
    skip_text: bool = False  # draw graphics only (background of a born-digital PDF)
    items: list[TextItem] = field(default_factory=list)
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.img = Image.new("RGB", (self.width, self.height), self.bg)
        self.draw = ImageDraw.Draw(self.img)

    # ------------------------------------------------------------------ text
    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: int = 26,
        kind: str = "sans",
        fill: tuple[int, int, int] = BLACK,
        align: str = "l",
        field: str | None = None,
        value: Any = ...,
        sub: str | None = None,
    ) -> BBox:
        """Draw `s` with its line box top at `y`; x is left/centre/right per `align`.

        With `field`, records the value (default: the drawn text) and the ink box
        of `sub` (a substring) or of the whole text as ground truth.
        """
        f = font(size, kind)
        width = f.getlength(s)
        if align == "c":
            x -= width / 2
        elif align == "r":
            x -= width
        ascent, _ = f.getmetrics()
        baseline = y + ascent
        box = (
            list(self.draw.textbbox((x, baseline), s, font=f, anchor="ls"))
            if s
            else [x, y, x, y + size]
        )
        box = [
            int(math.floor(box[0])),
            int(math.floor(box[1])),
            int(math.ceil(box[2])),
            int(math.ceil(box[3])),
        ]
        if not self.skip_text and s:
            self.draw.text((x, baseline), s, font=f, fill=fill, anchor="ls")
        if s:
            self.items.append(TextItem(s, x, baseline, size, kind, width, fill, box))
        if field:
            fbox = box
            if sub and sub in s:
                i = s.index(sub)
                x0 = x + f.getlength(s[:i])
                x1 = x0 + f.getlength(sub)
                fbox = [int(x0), box[1], int(math.ceil(x1)), box[3]]
            self.record(field, s if value is ... else value, fbox, sub or s)
        return box

    def record(self, name: str, value: Any, bbox: BBox, text: str | None = None) -> None:
        """Ground truth for one field (first drawing wins; a repeat is ignored)."""
        if name not in self.fields:
            self.fields[name] = {"value": value, "bbox": [int(v) for v in bbox], "text": text}

    def kv(
        self,
        x: float,
        y: float,
        label: str,
        value: str,
        size: int = 26,
        kind: str = "sans",
        value_kind: str | None = None,
        field: str | None = None,
        fvalue: Any = ...,
        underline: float = 0,
        gap: int = 6,
    ) -> BBox:
        """`label：value` on one line; returns (and records) the value's box."""
        lb = self.text(x, y, label, size, kind)
        vx = lb[2] + gap
        vb = self.text(vx, y, value, size, value_kind or kind, field=field, value=fvalue)
        if underline:
            self.line(
                vx - 2,
                y + size * 1.25,
                vx + max(underline, vb[2] - vx + 8),
                y + size * 1.25,
                width=1,
            )
        return vb

    def paragraph(
        self,
        x: float,
        y: float,
        text: str,
        width: float,
        size: int = 26,
        kind: str = "serif",
        leading: float = 1.7,
        indent: int = 2,
        marks: dict[str, tuple[str, Any]] | None = None,
    ) -> float:
        """Wrap Chinese text into lines of `width`; returns the y after the paragraph.

        `marks` maps a substring to (field, value): the substring is kept on one
        line and its box recorded as that field's ground truth.
        """
        f = font(size, kind)
        marks = marks or {}
        # tokens: marked substrings stay whole, everything else per character
        tokens: list[str] = []
        rest = text
        while rest:
            hit = min(((rest.find(m), m) for m in marks if m and rest.find(m) >= 0), default=None)
            if hit is None:
                tokens.extend(rest)
                break
            pos, m = hit
            tokens.extend(rest[:pos])
            tokens.append(m)
            rest = rest[pos + len(m) :]
        lines: list[str] = []
        cur = "\u3000" * indent
        for tok in tokens:
            if f.getlength(cur + tok) > width and cur.strip():
                lines.append(cur)
                cur = tok
            else:
                cur += tok
        if cur:
            lines.append(cur)
        for line in lines:
            for m, (name, value) in marks.items():
                if m and m in line and name not in self.fields:
                    self.text(x, y, line, size, kind, field=name, value=value, sub=m)
                    break
            else:
                self.text(x, y, line, size, kind)
            y += size * leading
        return y

    # -------------------------------------------------------------- graphics
    def line(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width: int = 2,
        fill: tuple[int, int, int] = BLACK,
    ) -> None:
        self.draw.line([(x0, y0), (x1, y1)], fill=fill, width=width)

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width: int = 2,
        outline: tuple[int, int, int] | None = BLACK,
        fill: tuple[int, int, int] | None = None,
    ) -> None:
        self.draw.rectangle([x0, y0, x1, y1], outline=outline, width=width, fill=fill)

    def table(
        self,
        x: float,
        y: float,
        widths: list[float],
        rows: list[list[str]],
        row_h: float = 44,
        size: int = 22,
        kind: str = "sans",
        align: str | list[str] = "c",
        header: bool = True,
        line_fill: tuple[int, int, int] = BLACK,
        text_fill: tuple[int, int, int] = BLACK,
    ) -> list[list[BBox]]:
        """A ruled table; returns the text box of every cell (row-major)."""
        total = sum(widths)
        aligns = [align] * len(widths) if isinstance(align, str) else align
        boxes: list[list[BBox]] = []
        for r, row in enumerate(rows):
            ry = y + r * row_h
            cx = x
            row_boxes: list[BBox] = []
            for c, cell in enumerate(row):
                w = widths[c]
                a = "c" if (header and r == 0) else aligns[c]
                tx = cx + w / 2 if a == "c" else (cx + 8 if a == "l" else cx + w - 8)
                k = "sans_bold" if header and r == 0 and kind.startswith("sans") else kind
                row_boxes.append(
                    self.text(
                        tx, ry + (row_h - size * 1.35) / 2, cell, size, k, fill=text_fill, align=a
                    )
                )
                cx += w
            boxes.append(row_boxes)
        for r in range(len(rows) + 1):
            self.line(x, y + r * row_h, x + total, y + r * row_h, width=2, fill=line_fill)
        cx = x
        for w in [0, *widths]:
            cx += w
            self.line(cx, y, cx, y + len(rows) * row_h, width=2, fill=line_fill)
        return boxes

    def multiply(self, layer: Image.Image, x: int, y: int) -> None:
        """Ink-like overlay: multiply a white-background RGB layer onto the page."""
        x, y = int(x), int(y)
        w, h = layer.size
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.width, x + w), min(self.height, y + h)
        if x1 <= x0 or y1 <= y0:
            return
        region = self.img.crop((x0, y0, x1, y1))
        part = layer.crop((x0 - x, y0 - y, x1 - x, y1 - y))
        self.img.paste(ImageChops.multiply(region, part), (x0, y0))

    def seal(
        self,
        cx: float,
        cy: float,
        arc_text: str,
        rng: random.Random,
        radius: int = 110,
        ry: int | None = None,
        center_text: str = "",
        bottom_text: str = "",
        star: bool = True,
        color: tuple[int, int, int] = SEAL_RED,
    ) -> None:
        """A red official seal (公章): ring, star, organisation name on the arc."""
        rx, ry = radius, ry or radius
        pad = 12
        W, H = 2 * rx + 2 * pad, 2 * ry + 2 * pad
        scale = 2  # supersample for smooth edges
        layer = Image.new("L", (W * scale, H * scale), 0)
        d = ImageDraw.Draw(layer)
        ring = max(4, rx // 16) * scale
        ox, oy = pad * scale, pad * scale
        d.ellipse([ox, oy, ox + 2 * rx * scale, oy + 2 * ry * scale], outline=255, width=ring)
        mx, my = W * scale / 2, H * scale / 2
        if star:
            r_out = min(rx, ry) * 0.28 * scale
            pts = []
            for i in range(10):
                ang = -math.pi / 2 + i * math.pi / 5
                rr = r_out if i % 2 == 0 else r_out * 0.4
                pts.append((mx + rr * math.cos(ang), my + rr * math.sin(ang)))
            d.polygon(pts, fill=255)
        # arc text along the top, each character rotated to face outward
        n = len(arc_text)
        if n:
            span = min(250.0, 16.0 * n + 40)
            room = min(rx, ry) * 0.74 * math.radians(span) / n  # arc length per character
            char_size = int(min(min(rx, ry) * 0.30, room * 0.95)) * scale
            f = font(char_size, "sans_bold")
            for i, ch in enumerate(arc_text):
                ang = -90 - span / 2 + span * (i + 0.5) / n  # degrees; -90 = top
                a = math.radians(ang)
                rrx = (rx * scale - ring) - char_size * 0.68
                rry = (ry * scale - ring) - char_size * 0.68
                px, py = mx + rrx * math.cos(a), my + rry * math.sin(a)
                glyph = Image.new("L", (char_size * 2, char_size * 2), 0)
                ImageDraw.Draw(glyph).text(
                    (char_size, char_size), ch, font=f, fill=255, anchor="mm"
                )
                glyph = glyph.rotate(-(ang + 90), resample=Image.BICUBIC)
                layer.paste(255, (int(px - char_size), int(py - char_size)), glyph)
        if center_text:
            f = font(int(min(rx, ry) * 0.22) * scale, "sans_bold")
            d.text(
                (mx, my + min(rx, ry) * (0.45 if star else 0.0) * scale),
                center_text,
                font=f,
                fill=255,
                anchor="mm",
            )
        if bottom_text:
            f = font(int(min(rx, ry) * 0.16) * scale, "sans")
            d.text(
                (mx, my + min(rx, ry) * 0.75 * scale), bottom_text, font=f, fill=255, anchor="mm"
            )
        layer = layer.resize((W, H), Image.LANCZOS).rotate(
            rng.uniform(-12, 12), resample=Image.BICUBIC
        )
        # uneven ink: fade random patches
        strength = rng.uniform(0.72, 0.92)
        gen = np.random.default_rng(rng.randrange(2**32))
        noise = Image.fromarray(
            np.clip(gen.normal(128, 40, (H, W)), 0, 255).astype(np.uint8)
        ).filter(ImageFilter.GaussianBlur(4))
        alpha = ImageChops.multiply(layer, noise.point(lambda v: min(255, int(v * 1.6)))).point(
            lambda v: int(v * strength)
        )
        ink = Image.new("RGB", (W, H), (255, 255, 255))
        ink.paste(Image.new("RGB", (W, H), color), (0, 0), alpha)
        self.multiply(ink, int(cx - W / 2), int(cy - H / 2))

    def signature(
        self,
        x: float,
        y: float,
        name: str,
        rng: random.Random,
        size: int = 40,
        color: tuple[int, int, int] = BLUE_INK,
    ) -> None:
        """A hand-signed name: slanted, jittered glyphs with a flourish (graphics, not text)."""
        f = font(size, rng.choice(["serif_bold", "hei", "sans_bold"]))
        w = int(f.getlength(name) * 1.3 + size)
        h = int(size * 2)
        layer = Image.new("L", (w, h), 0)
        d = ImageDraw.Draw(layer)
        cx = size * 0.3
        for ch in name:
            glyph = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(glyph).text((size, size), ch, font=f, fill=255, anchor="mm")
            glyph = glyph.rotate(rng.uniform(-14, 8), resample=Image.BICUBIC)
            layer.paste(255, (int(cx - size / 2), int(rng.uniform(-4, 4))), glyph)
            cx += size * rng.uniform(0.8, 1.05)
        pts = [(size * 0.2 + i * (cx / 8), h * 0.78 + rng.uniform(-6, 6)) for i in range(9)]
        d.line(pts, fill=255, width=2)
        layer = layer.transform(
            layer.size, Image.AFFINE, (1, 0.25, -h * 0.12, 0, 1, 0), resample=Image.BICUBIC
        )
        ink = Image.new("RGB", (w, h), (255, 255, 255))
        ink.paste(Image.new("RGB", (w, h), color), (0, 0), layer)
        self.multiply(ink, int(x), int(y - size * 0.4))

    def fingerprint(self, cx: float, cy: float, rng: random.Random, size: int = 46) -> None:
        """A red thumbprint (按手印): broken concentric ridges."""
        W = H = size * 2 + 8
        layer = Image.new("L", (W, H), 0)
        d = ImageDraw.Draw(layer)
        for k in range(3, size, 5):
            start = rng.uniform(0, 360)
            for seg in range(3):
                a0 = start + seg * 120 + rng.uniform(0, 20)
                d.arc(
                    [W / 2 - k * 0.8, H / 2 - k, W / 2 + k * 0.8, H / 2 + k],
                    a0,
                    a0 + rng.uniform(60, 100),
                    fill=255,
                    width=2,
                )
        layer = layer.filter(ImageFilter.GaussianBlur(0.8))
        ink = Image.new("RGB", (W, H), (255, 255, 255))
        ink.paste(
            Image.new("RGB", (W, H), (200, 40, 50)), (0, 0), layer.point(lambda v: int(v * 0.8))
        )
        self.multiply(ink, int(cx - W / 2), int(cy - H / 2))

    def qr(self, x: float, y: float, data: str, size: int = 150) -> BBox:
        """A QR code (electronic receipts) at (x, y): whole-pixel modules and a white quiet zone."""
        import qrcode

        q = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
        q.add_data(data)
        q.make(fit=True)
        box = max(2, round(size / (q.modules_count + 4)))
        q.box_size = box
        img = q.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
        pad = 2 * box
        self.draw.rectangle(
            [x - pad, y - pad, x + img.size[0] + pad, y + img.size[1] + pad], fill=(255, 255, 255)
        )
        self.img.paste(img, (int(x), int(y)))
        return [int(x), int(y), int(x + img.size[0]), int(y + img.size[1])]

    def watermark(
        self,
        text: str,
        rng: random.Random,
        color: tuple[int, int, int] = (236, 226, 226),
        size: int = 64,
    ) -> None:
        """Faint diagonal repeated text behind the content (drawn first)."""
        f = font(size, "sans_bold")
        layer = Image.new("L", (self.width * 2, self.height * 2), 0)
        d = ImageDraw.Draw(layer)
        step_x, step_y = int(f.getlength(text) + size * 3), size * 5
        for yy in range(0, self.height * 2, step_y):
            for xx in range(-(yy // 3) % step_x - step_x, self.width * 2, step_x):
                d.text((xx, yy), text, font=f, fill=255)
        layer = layer.rotate(rng.uniform(25, 35), resample=Image.BICUBIC).crop(
            (
                self.width // 2,
                self.height // 2,
                self.width // 2 + self.width,
                self.height // 2 + self.height,
            )
        )
        ink = Image.new("RGB", layer.size, (255, 255, 255))
        ink.paste(Image.new("RGB", layer.size, color), (0, 0), layer)
        self.multiply(ink, 0, 0)

    def pattern(
        self, x0: int, y0: int, x1: int, y1: int, color: tuple[int, int, int], rng: random.Random
    ) -> None:
        """A light guilloche-like anti-counterfeit background band."""
        layer = Image.new("RGB", (x1 - x0, y1 - y0), (255, 255, 255))
        d = ImageDraw.Draw(layer)
        ph = rng.uniform(0, 6.28)
        for k in range(0, y1 - y0, 9):
            pts = [(t, k + 6 * math.sin(t / 23 + ph + k / 40)) for t in range(0, x1 - x0, 6)]
            d.line(pts, fill=color, width=1)
        self.multiply(layer, x0, y0)

    def photo_placeholder(self, x0: int, y0: int, x1: int, y1: int, rng: random.Random) -> None:
        """A grey head-and-shoulders silhouette where a portrait would be (clipped to its box)."""
        w, h = int(x1 - x0), int(y1 - y0)
        tone = rng.randint(120, 170)
        sub = self.img.crop((int(x0), int(y0), int(x0) + w, int(y0) + h))
        d = ImageDraw.Draw(sub)
        d.ellipse([w * 0.30, h * 0.10, w * 0.70, h * 0.55], fill=(tone, tone, tone + 5))
        d.ellipse([w * 0.08, h * 0.60, w * 0.92, h * 1.40], fill=(tone - 20, tone - 20, tone - 10))
        self.img.paste(sub, (int(x0), int(y0)))
