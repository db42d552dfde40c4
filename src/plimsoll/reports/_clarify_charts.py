"""The two chart kinds of the Clarify report, drawn as inline SVG with :mod:`._svg`.

* :func:`signed_bar_chart`: one horizontal bar per row from a zero line, used for bias metrics
  (signed values) and global SHAP values. Every row's value is printed in a column on the
  right; a value that cannot be drawn (``±Infinity``, ``NaN``, an error) gets no bar and its
  text (``∞``, ``NaN``, ``error``) in the alert style, so it is never silently missing.
* :func:`line_chart`: partial dependence, model output against the feature's grid; one line
  per model output (solid blue, then dashed orange, so greyscale prints stay readable).

:class:`BarPlot` and :class:`LinePlot` hold the arguments of each, so a chart block carries
its data as well as its SVG and the PDF renderer can draw the same chart natively.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from plimsoll.reports._html import Markup
from plimsoll.reports._svg import Canvas, Scale, fmt_number, nice_ticks

LINE_CLASSES = ("base-line", "cur-line")


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a :func:`signed_bar_chart`; ``note`` replaces the value text (e.g. error)."""

    label: str
    value: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class BarPlot:
    """The data of a :func:`signed_bar_chart`."""

    title: str
    bars: Sequence[Bar]
    x_label: str = "value"

    def svg(self) -> Markup:
        return signed_bar_chart(self.title, self.bars, self.x_label)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_domain(values: Sequence[float]) -> tuple[float, float, list[float]]:
    finite = [v for v in values if math.isfinite(v)]
    low, high = min([0.0, *finite]), max([0.0, *finite])
    if high == low:
        high = 1.0
    ticks = nice_ticks(low, high, 5)
    if len(ticks) > 1 and low < ticks[0]:  # nice_ticks starts inside the range: add one below
        ticks.insert(0, round(ticks[0] - (ticks[1] - ticks[0]), 12))
    return min([low, *ticks]), max([high, *ticks]), ticks


def _value_text(bar: Bar) -> str:
    return bar.note or fmt_number(bar.value)


def signed_bar_chart(title: str, bars: Sequence[Bar], x_label: str = "value") -> Markup:
    """Horizontal bars from a zero line, in the given order (callers sort if they want)."""
    row = 18.0
    left, right, top = 170.0, 540.0, 34.0
    bottom = top + row * max(len(bars), 1)
    canvas = Canvas(640, int(bottom + 40), title)
    low, high, ticks = bar_domain([b.value for b in bars if not b.note])
    x = Scale((low, high), (left, right))
    canvas.text(8, 18, _shorten(title, 90), cls="title")
    for tick in ticks:
        canvas.line(x(tick), top, x(tick), bottom, "grid")
        canvas.text(x(tick), bottom + 14, fmt_number(tick), "middle")
    zero = x(0.0)
    for index, bar in enumerate(bars):
        y0 = top + index * row + 3
        canvas.text(left - 6, y0 + 10, _shorten(bar.label, 26), "end", tip=bar.label)
        drawable = not bar.note and math.isfinite(bar.value)
        text = _value_text(bar)
        if drawable:
            start, end = sorted((zero, x(bar.value)))
            canvas.rect(start, y0, end - start, row - 6, "base-bar", f"{bar.label}: {text}")
        canvas.text(right + 10, y0 + 10, text, cls="" if drawable else "alert")
    canvas.line(zero, top - 4, zero, bottom, "axis")
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.text((left + right) / 2, bottom + 32, x_label, "middle")
    return canvas.render()


@dataclass(frozen=True, slots=True)
class Curve:
    """One line of a :func:`line_chart`: ``values[i]`` is the output at grid point ``i``."""

    label: str
    values: Sequence[float]


@dataclass(frozen=True, slots=True)
class LinePlot:
    """The data of a :func:`line_chart`: ``numeric_grid`` is None for a categorical grid."""

    title: str
    x_label: str
    grid: Sequence[str]
    numeric_grid: Sequence[float] | None
    curves: Sequence[Curve]

    def svg(self) -> Markup:
        return line_chart(self.title, self.x_label, self.grid, self.numeric_grid, self.curves)


def line_chart(
    title: str,
    x_label: str,
    grid: Sequence[str],
    numeric_grid: Sequence[float] | None,
    curves: Sequence[Curve],
) -> Markup:
    """Model output against grid points; a categorical grid is spread evenly with its labels."""
    canvas = Canvas(560, 290, title)
    left, right, top, bottom = 62.0, 544.0, 44.0, 228.0
    xs = list(numeric_grid) if numeric_grid is not None else [float(i) for i in range(len(grid))]
    finite = [v for c in curves for v in c.values if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    ticks = nice_ticks(low, high, 4)
    y = Scale((min([low, *ticks]), max([high, *ticks])), (bottom, top))
    pad = 0.0 if numeric_grid is not None else 0.5
    x = Scale((min(xs, default=0.0) - pad, max(xs, default=1.0) + pad), (left, right))
    canvas.text(8, 18, _shorten(title, 80), cls="title")
    if len(curves) > 1:
        canvas.legend(right, 36, [(c.label, LINE_CLASSES[i % 2]) for i, c in enumerate(curves)])
    for tick in ticks:
        canvas.line(left, y(tick), right, y(tick), "grid")
        canvas.text(left - 6, y(tick) + 4, fmt_number(tick), "end")
    for index, curve in enumerate(curves):
        points = [
            (x(px), y(py)) for px, py in zip(xs, curve.values, strict=False) if math.isfinite(py)
        ]
        canvas.path(points, LINE_CLASSES[index % 2])
        for px, py in points:
            canvas.rect(px - 2, py - 2, 4, 4, "base-bar" if index % 2 == 0 else "cur-bar")
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.line(left, top, left, bottom, "axis")
    if numeric_grid is not None:
        for tick in nice_ticks(min(xs), max(xs), 6) if xs else []:
            canvas.line(x(tick), bottom, x(tick), bottom + 4, "axis")
            canvas.text(x(tick), bottom + 16, fmt_number(tick), "middle")
    else:
        step = max(1, math.ceil(len(grid) / 8))
        for i in range(0, len(grid), step):
            canvas.text(x(xs[i]), bottom + 16, _shorten(grid[i], 12), "middle", tip=grid[i])
    canvas.text((left + right) / 2, bottom + 38, _shorten(x_label, 70), "middle")
    canvas.vertical_text(14, (top + bottom) / 2, "model output")
    return canvas.render()
