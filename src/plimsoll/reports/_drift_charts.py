"""The two chart kinds of the Clarify monitor reports, drawn as inline SVG with :mod:`._svg`.

* :func:`band_chart`: a small multiple, one bias metric over executions. The shaded band is
  the range a value may take without violating (the baseline's distance from 0, on both sides
  of 0); its dashed edges are the thresholds. A violating
  point is a larger alert square with ``▼`` (shape as well as colour); ``±Infinity`` is drawn at
  the plot's edge with ``∞``; a failed execution is a muted ``✕`` on the time axis.
* :func:`paired_bar_chart`: one baseline bar (blue) and one current bar (orange) per feature,
  for the global SHAP values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from plimsoll.reports._charts import TimePoint
from plimsoll.reports._clarify_charts import bar_domain
from plimsoll.reports._html import Markup
from plimsoll.reports._svg import Canvas, Scale, coord, fmt_number, nice_ticks

#: Pixels above (below) the finite values where +Infinity (-Infinity) points are drawn.
INFINITY_STRIP = 14.0
_THRESHOLD_STYLE = "stroke:var(--alert);stroke-width:1.2;stroke-dasharray:4 3"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dashed(canvas: Canvas, x0: float, x1: float, y: float) -> None:
    canvas.parts.append(
        f'<line x1="{coord(x0)}" y1="{coord(y)}" x2="{coord(x1)}" y2="{coord(y)}" '
        f'class="threshold" style="{_THRESHOLD_STYLE}"/>'
    )


def _y_scale(
    points: Sequence[TimePoint], band: tuple[float, float] | None, top: float, bottom: float
) -> tuple[Scale, list[float]]:
    values = [p.value for p in points if math.isfinite(p.value)]
    if band is not None:
        values += [edge for edge in band if math.isfinite(edge)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    ticks = nice_ticks(low, high, 4)
    # ±Infinity gets a strip of its own beyond the finite values.
    strip_top = INFINITY_STRIP if any(p.value == math.inf for p in points) else 0.0
    strip_bottom = INFINITY_STRIP if any(p.value == -math.inf for p in points) else 0.0
    pixels = (bottom - strip_bottom, top + strip_top)
    return Scale((min([low, *ticks]), max([high, *ticks])), pixels), ticks


def band_chart(
    title: str,
    points: Sequence[TimePoint],
    band: tuple[float, float] | None,
    failed: Sequence[TimePoint] = (),
) -> Markup:
    """One metric over executions (``points`` and ``failed`` sorted by time) with its band."""
    canvas = Canvas(270, 176, title)
    left, right, top, bottom = 46.0, 258.0, 28.0, 136.0
    y, ticks = _y_scale(points, band, top, bottom)
    seconds = [p.seconds for p in [*points, *failed]]
    pad = 1.0 if len(set(seconds)) < 2 else 0.0
    x = Scale((min(seconds, default=0.0) - pad, max(seconds, default=1.0) + pad), (left, right))
    canvas.text(6, 16, _shorten(title, 40), cls="title", tip=title)
    for tick in ticks:
        canvas.line(left, y(tick), right, y(tick), "grid")
        canvas.text(left - 4, y(tick) + 4, fmt_number(tick), "end")
    if band is not None:
        edges = [min(max(y(edge), top), bottom) for edge in band]  # ±Infinity: plot's edge
        edge_top, edge_bottom = min(edges), max(edges)
        canvas.rect(left, edge_top, right - left, edge_bottom - edge_top, "base-area")
        for edge in band:
            if math.isfinite(edge):
                _dashed(canvas, left, right, y(edge))
    drawn = [(p, _clamped(y, p.value, top, bottom)) for p in points if not math.isnan(p.value)]
    canvas.path([(x(p.seconds), py) for p, py in drawn if math.isfinite(p.value)], "base-line")
    for p, py in drawn:
        px = x(p.seconds)
        tip = f"{p.label}: {p.value!r}" + (" (violation)" if p.violated else "")
        if p.violated:
            canvas.rect(px - 3.5, py - 3.5, 7, 7, "alert-bar violation", tip)
            canvas.text(px, py - 6, "▼", "middle", "alert")
        else:
            canvas.rect(px - 2, py - 2, 4, 4, "base-bar", tip)
        if not math.isfinite(p.value):
            canvas.text(px - 6, py + 4, "∞" if p.value > 0 else "-∞", "end", "alert")
    for p in failed:
        canvas.text(x(p.seconds), bottom - 3, "✕", "middle", "failed", tip=f"{p.label}: failed")
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.line(left, top, left, bottom, "axis")
    ordered = sorted([*points, *failed], key=lambda p: p.seconds)
    if ordered:
        canvas.text(left, bottom + 16, ordered[0].label, "start")
    if len(ordered) > 1:
        canvas.text(right, bottom + 30, ordered[-1].label, "end")
    return canvas.render()


def _clamped(y: Scale, value: float, top: float, bottom: float) -> float:
    """The pixel row of ``value``; ``±Infinity`` sits on the plot's top or bottom edge."""
    if math.isinf(value):
        return top if value > 0 else bottom
    return y(value)


@dataclass(frozen=True, slots=True)
class PairedBar:
    """One feature of a :func:`paired_bar_chart`; NaN means the file has no value."""

    label: str
    baseline: float
    current: float


def _value_text(value: float) -> str:
    return "-" if math.isnan(value) else fmt_number(value)


def paired_bar_chart(title: str, rows: Sequence[PairedBar], x_label: str) -> Markup:
    """Horizontal baseline and current bars per row, in the given order, from a zero line."""
    bar, gap = 8.0, 8.0
    group = 2 * bar + gap
    left, right, top = 170.0, 500.0, 44.0
    bottom = top + group * max(len(rows), 1)
    canvas = Canvas(680, int(bottom + 42), title)
    finite = [v for r in rows for v in (r.baseline, r.current) if math.isfinite(v)]
    low, high, ticks = bar_domain(finite)
    x = Scale((low, high), (left, right))
    canvas.text(8, 18, _shorten(title, 90), cls="title")
    canvas.legend(right, 36, [("baseline", "base-bar"), ("current", "cur-bar")])
    for tick in ticks:
        canvas.line(x(tick), top, x(tick), bottom, "grid")
        canvas.text(x(tick), bottom + 14, fmt_number(tick), "middle")
    zero = x(0.0)
    for index, row in enumerate(rows):
        y0 = top + index * group + gap / 2
        canvas.text(left - 6, y0 + bar + 4, _shorten(row.label, 26), "end", tip=row.label)
        for k, (role, value) in enumerate((("base", row.baseline), ("cur", row.current))):
            if math.isfinite(value):
                start, end = sorted((zero, x(value)))
                name = "baseline" if role == "base" else "current"
                tip = f"{row.label}: {name} {fmt_number(value)}"
                canvas.rect(start, y0 + k * bar, end - start, bar - 1, f"{role}-bar", tip)
        values = f"{_value_text(row.baseline)} → {_value_text(row.current)}"
        canvas.text(right + 10, y0 + bar + 4, values)
    canvas.line(zero, top - 4, zero, bottom, "axis")
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.text((left + right) / 2, bottom + 32, x_label, "middle")
    return canvas.render()
