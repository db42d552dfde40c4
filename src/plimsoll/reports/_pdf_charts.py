"""The Clarify report's two chart kinds drawn natively with matplotlib, for the PDF.

They follow the SVG charts of :mod:`._clarify_charts` from the same data (:class:`BarPlot`,
:class:`LinePlot`): the same domain and bar order, every bar's value printed on the right, a
value that cannot be drawn shown as its text (``∞``, ``NaN``, ``error``) in the alert colour,
and PDP lines solid blue then dashed orange with square markers.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from plimsoll.reports._clarify_charts import BarPlot, LinePlot, bar_domain
from plimsoll.reports._svg import fmt_number

BASE = "#0072B2"
CURRENT = "#E69F00"
ALERT = "#D55E00"
MUTED = "#57606a"
GRID = "#e4e7eb"
TEXT_SIZE = 7.5
#: Height of one bar row and the padding of a bar chart, in points.
BAR_ROW = 13.0
BAR_PAD = 6.0
LINE_HEIGHT = 170.0
#: Room left of the plotting area for the bar labels or the y axis, in points.
BAR_LABELS = 150.0
LINE_AXIS = 50.0
#: HarfBuzz features: no ligatures, so "fi" stays two searchable letters in the PDF.
NO_LIGATURES = ("-liga", "-clig", "-dlig")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def axes_height(plot: BarPlot | LinePlot) -> float:
    """The height in points of the plotting area of ``plot``."""
    if isinstance(plot, BarPlot):
        return BAR_ROW * max(len(plot.bars), 1) + BAR_PAD
    return LINE_HEIGHT


def axes_indent(plot: BarPlot | LinePlot) -> float:
    """The room in points left of the plotting area of ``plot``."""
    return BAR_LABELS if isinstance(plot, BarPlot) else LINE_AXIS


def _frame(ax: Axes) -> None:
    ax.tick_params(labelsize=TEXT_SIZE, color=MUTED, length=3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.set_axisbelow(True)


def draw_bars(ax: Axes, plot: BarPlot) -> None:
    """Horizontal bars from a zero line, first bar on top, values in a column on the right."""
    _frame(ax)
    count = len(plot.bars)
    low, high, ticks = bar_domain([b.value for b in plot.bars if not b.note])
    ax.set_xlim(low, high)
    ax.set_xticks(ticks, [fmt_number(t) for t in ticks])
    pad = BAR_PAD / BAR_ROW / 2
    ax.set_ylim(max(count, 1) - 0.5 + pad, -0.5 - pad)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.axvline(0.0, color=MUTED, linewidth=0.8)
    ax.set_yticks(list(range(count)), [shorten(b.label, 30) for b in plot.bars], fontsize=TEXT_SIZE)
    ax.set_xlabel(plot.x_label, fontsize=TEXT_SIZE)
    values_column = blended_transform_factory(ax.transAxes, ax.transData)
    for index, bar in enumerate(plot.bars):
        drawable = not bar.note and math.isfinite(bar.value)
        if drawable:
            ax.barh(index, bar.value, height=0.66, color=BASE)
        ax.text(
            1.02,
            index,
            bar.note or fmt_number(bar.value),
            transform=values_column,
            va="center",
            fontsize=TEXT_SIZE,
            color="black" if drawable else ALERT,
            fontweight="normal" if drawable else "bold",
            fontfeatures=NO_LIGATURES,
        )


def draw_lines(ax: Axes, plot: LinePlot) -> None:
    """Model output against the grid; a categorical grid is spread evenly with its labels."""
    _frame(ax)
    numeric = plot.numeric_grid is not None
    xs = list(plot.numeric_grid) if plot.numeric_grid is not None else list(range(len(plot.grid)))
    styles = (("-", BASE), ("--", CURRENT))
    for index, curve in enumerate(plot.curves):
        ys = [v if math.isfinite(v) else math.nan for v in curve.values[: len(xs)]]
        line, color = styles[index % 2]
        ax.plot(
            xs[: len(ys)],
            ys,
            linestyle=line,
            color=color,
            linewidth=1.6,
            marker="s",
            markersize=3,
            label=shorten(curve.label, 30),
        )
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    if not numeric:
        step = max(1, math.ceil(len(plot.grid) / 8))
        shown = list(range(0, len(plot.grid), step))
        ax.set_xticks(shown, [shorten(plot.grid[i], 12) for i in shown])
        ax.set_xlim(-0.5, len(plot.grid) - 0.5)
    ax.set_xlabel(shorten(plot.x_label, 70), fontsize=TEXT_SIZE)
    ax.set_ylabel("model output", fontsize=TEXT_SIZE)
    if len(plot.curves) > 1:
        ax.legend(fontsize=TEXT_SIZE, frameon=False, loc="best")


def draw(ax: Axes, plot: BarPlot | LinePlot) -> None:
    if isinstance(plot, BarPlot):
        draw_bars(ax, plot)
    else:
        draw_lines(ax, plot)
    legend = ax.get_legend()
    labels = [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
    for text in labels + (legend.get_texts() if legend else []):
        text.set_fontfeatures(NO_LIGATURES)
