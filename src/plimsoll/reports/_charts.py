"""The three chart kinds of the data-quality report, drawn as inline SVG.

Baseline is always blue and solid, current always orange and dashed (Okabe-Ito palette, safe
for the common colour-vision deficiencies); the dash pattern and a text marker carry the same
information as the colour, so a greyscale print stays readable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from plimsoll.reports._html import Markup
from plimsoll.reports._svg import Canvas, Scale, coord, fmt_number, fmt_percent, nice_ticks

BASELINE = ("baseline", "base-bar")
CURRENT = ("current", "cur-bar")


@dataclass(frozen=True, slots=True)
class Series:
    """One distribution to draw: ``role`` is ``"base"`` or ``"cur"``."""

    label: str
    values: Sequence[float]
    role: str


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _share_axis(canvas: Canvas, scale: Scale, ticks: list[float], x0: float, x1: float) -> None:
    for tick in ticks:
        y = scale(tick)
        canvas.line(x0, y, x1, y, "grid")
        canvas.text(
            x0 - 6, y + 4, fmt_percent(tick, 0 if tick * 100 == round(tick * 100) else 1), "end"
        )


def histogram_chart(
    title: str, x_label: str, edges: Sequence[float], series: Sequence[Series]
) -> Markup:
    """Overlaid step histograms of shares on shared bin ``edges``."""
    canvas = Canvas(560, 290, title)
    left, right, top, bottom = 58.0, 544.0, 44.0, 238.0
    top_share = max([max(s.values, default=0.0) for s in series] + [0.01])
    ticks = nice_ticks(0.0, top_share, 4)
    y = Scale((0.0, max(ticks[-1], top_share)), (bottom, top))
    x = Scale((edges[0], edges[-1]), (left, right))
    canvas.text(left - 50, 18, _shorten(title, 80), cls="title")
    canvas.legend(right, 36, [(s.label, f"{s.role}-line") for s in series])
    _share_axis(canvas, y, ticks, left, right)
    for s in series:
        points = [(x(edges[0]), bottom)]
        for i, share in enumerate(s.values):
            points += [(x(edges[i]), y(share)), (x(edges[i + 1]), y(share))]
        points.append((x(edges[-1]), bottom))
        if s.role == "base":
            canvas.path(points, "base-area", close=True)
        canvas.path(points, f"{s.role}-line")
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.line(left, top, left, bottom, "axis")
    for tick in nice_ticks(edges[0], edges[-1], 6):
        canvas.line(x(tick), bottom, x(tick), bottom + 4, "axis")
        canvas.text(x(tick), bottom + 16, fmt_number(tick), "middle")
    canvas.text((left + right) / 2, bottom + 36, _shorten(x_label, 70), "middle")
    canvas.vertical_text(14, (top + bottom) / 2, "share of present values")
    return canvas.render()


def category_chart(title: str, categories: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped horizontal bars: one group per category, one bar per series."""
    bar, gap = 8.0, 8.0
    group = bar * len(series) + gap
    top = 44.0
    bottom = top + group * max(len(categories), 1)
    canvas = Canvas(560, int(bottom + 42), title)
    left, right = 160.0, 520.0
    top_share = max([max(s.values, default=0.0) for s in series] + [0.01])
    ticks = nice_ticks(0.0, top_share, 4)
    x = Scale((0.0, max(ticks[-1], top_share)), (left, right))
    canvas.text(8, 18, _shorten(title, 80), cls="title")
    canvas.legend(right + 30, 36, [(s.label, f"{s.role}-bar") for s in series])
    for tick in ticks:
        canvas.line(x(tick), top, x(tick), bottom, "grid")
        canvas.text(
            x(tick),
            bottom + 16,
            fmt_percent(tick, 0 if tick * 100 == round(tick * 100) else 1),
            "middle",
        )
    for row, category in enumerate(categories):
        y0 = top + row * group + gap / 2
        canvas.text(
            left - 6, y0 + bar * len(series) / 2 + 4, _shorten(category, 24), "end", tip=category
        )
        for k, s in enumerate(series):
            share = s.values[row]
            canvas.rect(
                left,
                y0 + k * bar,
                x(share) - left,
                bar - 1,
                f"{s.role}-bar",
                f"{category}: {s.label} {fmt_percent(share, 2)}",
            )
    canvas.line(left, top, left, bottom, "axis")
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.text((left + right) / 2, bottom + 34, "share of present values", "middle")
    return canvas.render()


@dataclass(frozen=True, slots=True)
class CompletenessRow:
    """Completeness of one feature; ``baseline`` is None without a baseline."""

    name: str
    current: float
    baseline: float | None

    @property
    def below_baseline(self) -> bool:
        if self.baseline is None or not math.isfinite(self.baseline):
            return False
        return not math.isfinite(self.current) or self.current < self.baseline - 1e-12


def completeness_chart(rows: Sequence[CompletenessRow]) -> Markup:
    """One bar per feature (current) with a thinner baseline bar under it when given.

    Features below their baseline get an alert colour, a ``▼`` marker and bold label, so the
    highlight does not depend on colour alone. Exact percentages are printed on the right,
    because completeness is usually close to 100% and the bars alone would hide the difference.
    """
    with_baseline = any(r.baseline is not None for r in rows)
    row_height = 20.0 if with_baseline else 14.0
    left, right, top = 200.0, 540.0, 44.0
    bottom = top + row_height * max(len(rows), 1)
    canvas = Canvas(780, int(bottom + 42), "Completeness per feature")
    x = Scale((0.0, 1.0), (left, right))
    canvas.text(8, 18, "Completeness per feature", cls="title")
    legend = [CURRENT, BASELINE] if with_baseline else [CURRENT]
    canvas.legend(
        772, 36, legend + [("below baseline ▼", "alert-bar")] if with_baseline else legend
    )
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        canvas.line(x(tick), top, x(tick), bottom, "grid")
        canvas.text(x(tick), bottom + 16, fmt_percent(tick, 0), "middle")
    for i, r in enumerate(rows):
        y0 = top + i * row_height + 3
        alert = r.below_baseline
        label = _shorten(r.name, 30) + (" ▼" if alert else "")
        canvas.text(left - 6, y0 + 9, label, "end", "alert" if alert else "", tip=r.name)
        current = r.current if math.isfinite(r.current) else 0.0
        values = f"{fmt_percent(r.current, 2)}"
        canvas.rect(
            left,
            y0,
            x(current) - left,
            9,
            "alert-bar" if alert else "cur-bar",
            f"{r.name}: current {fmt_percent(r.current, 2)}",
        )
        if r.baseline is not None:
            base = r.baseline if math.isfinite(r.baseline) else 0.0
            canvas.rect(
                left,
                y0 + 10,
                x(base) - left,
                5,
                "base-bar",
                f"{r.name}: baseline {fmt_percent(r.baseline, 2)}",
            )
            values += f" (baseline {fmt_percent(r.baseline, 2)})"
        canvas.text(right + 8, y0 + 9, values, cls="alert" if alert else "")
    canvas.line(left, top, left, bottom, "axis")
    canvas.text((left + right) / 2, bottom + 34, "share of rows with a value", "middle")
    return canvas.render()


@dataclass(frozen=True, slots=True)
class TimePoint:
    """One execution's value of a metric; ``violated`` marks it in the alert style."""

    label: str
    seconds: float
    value: float
    violated: bool = False


def _time_ticks(points: Sequence[TimePoint], limit: int = 6) -> list[TimePoint]:
    step = max(1, math.ceil(len(points) / limit))
    chosen = list(points[::step])
    if points and chosen[-1] is not points[-1]:
        chosen[-1] = points[-1]
    return chosen


def history_chart(
    title: str, points: Sequence[TimePoint], threshold: float | None, threshold_label: str = ""
) -> Markup:
    """A metric over executions: a line through the finite values, placed by time.

    The threshold is a dashed horizontal line in the alert colour; a violating point is a
    larger alert square with a ``▼`` above it (shape as well as colour). NaN values are gaps.
    """
    canvas = Canvas(560, 270, title)
    left, right, top, bottom = 62.0, 530.0, 44.0, 208.0
    values = [p.value for p in points if math.isfinite(p.value)]
    if threshold is not None and math.isfinite(threshold):
        values.append(threshold)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    ticks = nice_ticks(low, high, 4)
    y = Scale((min([low, *ticks]), max([high, *ticks])), (bottom, top))
    seconds = [p.seconds for p in points]
    pad = 1.0 if len(set(seconds)) < 2 else 0.0
    x = Scale((min(seconds, default=0.0) - pad, max(seconds, default=1.0) + pad), (left, right))
    canvas.text(8, 18, _shorten(title, 80), cls="title")
    legend = [("value", "base-line")]
    if threshold is not None:
        legend.append(("violation ▼", "alert-bar"))
    canvas.legend(right, 36, legend)
    for tick in ticks:
        canvas.line(left, y(tick), right, y(tick), "grid")
        canvas.text(left - 6, y(tick) + 4, fmt_number(tick), "end")
    if threshold is not None and math.isfinite(threshold):
        ty = y(threshold)
        canvas.parts.append(
            f'<line x1="{coord(left)}" y1="{coord(ty)}" x2="{coord(right)}" y2="{coord(ty)}" '
            'class="threshold" style="stroke:var(--alert);stroke-width:1.5;'
            'stroke-dasharray:4 3"/>'
        )
        canvas.text(right, ty - 4, threshold_label or f"threshold {fmt_number(threshold)}", "end")
    finite = [p for p in points if math.isfinite(p.value)]
    canvas.path([(x(p.seconds), y(p.value)) for p in finite], "base-line")
    for p in finite:
        px, py = x(p.seconds), y(p.value)
        tip = f"{p.label}: {p.value!r}" + (" (violation)" if p.violated else "")
        if p.violated:
            canvas.rect(px - 4, py - 4, 8, 8, "alert-bar violation", tip)
            canvas.text(px, py - 7, "▼", "middle", "alert")
        else:
            canvas.rect(px - 2.5, py - 2.5, 5, 5, "base-bar", tip)
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.line(left, top, left, bottom, "axis")
    for p in _time_ticks(points):
        canvas.line(x(p.seconds), bottom, x(p.seconds), bottom + 4, "axis")
        canvas.text(x(p.seconds), bottom + 16, p.label, "middle")
    canvas.text((left + right) / 2, bottom + 36, "execution (UTC)", "middle")
    return canvas.render()


def curve_chart(
    title: str,
    x_label: str,
    y_label: str,
    xs: Sequence[float],
    ys: Sequence[float],
    diagonal: bool = False,
) -> Markup:
    """A curve on the unit square (ROC, precision-recall); ``diagonal`` draws the chance line."""
    canvas = Canvas(360, 330, title)
    left, right, top, bottom = 56.0, 340.0, 34.0, 278.0
    x = Scale((0.0, 1.0), (left, right))
    y = Scale((0.0, 1.0), (bottom, top))
    canvas.text(8, 18, _shorten(title, 50), cls="title")
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        canvas.line(left, y(tick), right, y(tick), "grid")
        canvas.text(left - 6, y(tick) + 4, fmt_number(tick), "end")
        canvas.text(x(tick), bottom + 16, fmt_number(tick), "middle")
    if diagonal:
        canvas.line(x(0.0), y(0.0), x(1.0), y(1.0), "grid")
    points = [
        (x(px), y(py))
        for px, py in zip(xs, ys, strict=False)
        if math.isfinite(px) and math.isfinite(py)
    ]
    canvas.path(points, "base-line")
    canvas.line(left, bottom, right, bottom, "axis")
    canvas.line(left, top, left, bottom, "axis")
    canvas.text((left + right) / 2, bottom + 36, x_label, "middle")
    canvas.vertical_text(14, (top + bottom) / 2, y_label)
    return canvas.render()
