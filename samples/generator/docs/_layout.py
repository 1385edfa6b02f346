"""Layout pieces shared by A4 official documents: red header, title, numbered rows, seal block."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samples.generator.base import cn_date
from samples.generator.canvas import Sheet

RED_HEAD = (200, 30, 30)


def red_header(
    s: Sheet, org: str, title: str, number: str | None, *, number_field: str | None = None
) -> float:
    """Issuing organisation in red, red rule, black title, document number; returns next y."""
    s.text(620, 90, org, 44, "serif_bold", fill=RED_HEAD, align="c")
    s.line(80, 168, 1160, 168, 4, fill=RED_HEAD)
    s.text(620, 196, title, 42, "sans_bold", align="c")
    if number:
        s.text(1140, 272, number, 26, "serif", align="r", field=number_field)
    return 330


def kv_rows(
    s: Sheet,
    x: float,
    y: float,
    rows: list[tuple[str, str, str | None, Any]],
    size: int = 26,
    step: int = 48,
    kind: str = "serif",
) -> float:
    """Rows of label：value; each row (label, text, field, value) — value ... = the text."""
    for label, text, name, value in rows:
        s.kv(x, y, label, text, size, kind, field=name, fvalue=value)
        y += step
    return y


def seal_block(
    s: Sheet,
    org: str,
    day: dt.date,
    rng: Any,
    *,
    y: float,
    date_field: str | None = None,
    x_right: float = 1120,
    radius: int = 108,
    bottom_text: str = "",
) -> float:
    """Organisation and date at the bottom right, overlapped by the organisation's seal."""
    s.text(x_right, y, org, 28, "serif", align="r")
    s.text(
        x_right,
        y + 56,
        cn_date(day),
        28,
        "serif",
        align="r",
        field=date_field,
        value=day.isoformat(),
    )
    s.seal(x_right - 190, y + 30, org, rng, radius=radius, bottom_text=bottom_text)
    return y + 120


def form_table(
    s: Sheet,
    x: float,
    y: float,
    widths: list[float],
    rows: list[list[tuple[str, str | None, Any]]],
    row_h: float = 58,
    size: int = 24,
) -> float:
    """A ruled form whose cells may be fields: each cell (text, field, value)."""
    texts = [[c[0] for c in row] for row in rows]
    boxes = s.table(
        x, y, widths, texts, row_h=row_h, size=size, kind="sans", align="c", header=False
    )
    for r, row in enumerate(rows):
        for c, (text, name, value) in enumerate(row):
            if name:
                s.record(name, text if value is ... else value, boxes[r][c], text)
    return y + row_h * len(rows)
