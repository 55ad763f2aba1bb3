"""Geometry of the accessible SVG charts of monitoring (server-side: no JavaScript, and the same in the PDF).

A chart is a plain dict the templates `monitoring/_bar_chart.html` and `monitoring/_column_chart.html` draw;
each sits next to a table with the same figures, and says so in its text alternative. Figures that disclosure
control hides ("<5", "—") are drawn as an empty bar labelled with what the table shows.
"""

from __future__ import annotations

import datetime

BAR_X = 190  # where bars start (labels on the left)
BAR_WIDTH = 250  # SVG units of the longest bar
ROW_HEIGHT = 24
CHART_WIDTH = 500
COLUMN_AREA_HEIGHT = 160
COLUMN_TOP = 16
COLUMN_LEFT = 8


def number(value) -> float:
    """The length a figure gets: 0 for suppressed or missing ones."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def bar_chart(rows: list[dict], *, scale_max: float | None = None, markers: list[dict] = ()) -> dict:
    """Horizontal bars. Each row: {"label", "value" (a number or a suppressed text), "text"}; `markers` are
    vertical reference lines ({"value", "label"}) on the same scale (e.g. 100 % of a target)."""
    biggest = max([number(row["value"]) for row in rows] + [number(m["value"]) for m in markers] + [0])
    biggest = max(biggest, scale_max or 0)
    out = []
    for index, row in enumerate(rows):
        length = round(number(row["value"]) * BAR_WIDTH / biggest) if biggest else 0
        out.append(
            {
                **row,
                "y": 6 + index * ROW_HEIGHT,
                "text_y": 6 + index * ROW_HEIGHT + 14,
                "bar": length,
                "text_x": BAR_X + length + 6,
            }
        )
    height = 12 + len(rows) * ROW_HEIGHT
    return {
        "rows": out,
        "height": height + 6 + 12 * len(markers),
        "width": CHART_WIDTH,
        "bar_x": BAR_X,
        "markers": [
            {
                **marker,
                "x": BAR_X + (round(number(marker["value"]) * BAR_WIDTH / biggest) if biggest else 0),
                "bottom": height,
                "label_y": height + 12 * (index + 1),  # one line each, so that close markers stay legible
            }
            for index, marker in enumerate(markers)
        ],
    }


def column_chart(rows: list[dict]) -> dict:
    """Vertical columns left to right (a trend by month). Each row: {"label", "short", "value", "text"}."""
    count = max(len(rows), 1)
    step = (CHART_WIDTH - 2 * COLUMN_LEFT) / count
    width = max(step * 0.7, 1)
    biggest = max([number(row["value"]) for row in rows] + [0])
    baseline = COLUMN_TOP + COLUMN_AREA_HEIGHT
    label_every = max(1, round(count / 12))
    out = []
    for index, row in enumerate(rows):
        height = round(number(row["value"]) * COLUMN_AREA_HEIGHT / biggest, 1) if biggest else 0
        x = round(COLUMN_LEFT + index * step + (step - width) / 2, 1)
        out.append(
            {
                **row,
                "x": x,
                "width": round(width, 1),
                "height": height,
                "y": round(baseline - height, 1),
                "middle": round(x + width / 2, 1),
                "text_y": round(baseline - height - 3, 1),
                "show_label": index % label_every == 0,
                "show_text": count <= 24,
            }
        )
    return {"rows": out, "width": CHART_WIDTH, "height": baseline + 20, "baseline": baseline}


def months(start: datetime.date, end: datetime.date) -> list[str]:
    """The "YYYY-MM" keys from the month of `start` to the month of `end` (the month breakdown's keys)."""
    keys, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys
