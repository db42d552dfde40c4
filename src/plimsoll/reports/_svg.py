"""Minimal inline-SVG drawing: a canvas, linear scales, tick choice and number formatting.

Charts are plain SVG elements styled by the page's stylesheet through classes (``base-line``,
``cur-bar``...), so one palette switch in CSS serves light mode, dark mode and print. All
coordinates are written with a fixed number of decimals so output is byte-for-byte stable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from plimsoll.reports._html import Markup, escape


def coord(value: float) -> str:
    """A coordinate with one decimal (stable text, ``-0.0`` normalised)."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def fmt_number(value: float) -> str:
    """A human-readable number with at most 4 significant digits; ``n/a`` for NaN."""
    if not math.isfinite(value):
        return "n/a" if math.isnan(value) else ("∞" if value > 0 else "-∞")
    if value == 0:
        return "0"
    text = f"{value:.4g}"
    return text.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


def fmt_percent(share: float, digits: int = 1) -> str:
    """A share in [0, 1] written as a percentage; ``n/a`` for NaN."""
    if not math.isfinite(share):
        return "n/a"
    return f"{share * 100:.{digits}f}%"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 × 10^k steps) covering ``[low, high]``."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks: list[float] = []
    index = first
    while index * step <= high + step * 1e-9:
        ticks.append(round(index * step, 12))
        index += 1
    return ticks


@dataclass(frozen=True, slots=True)
class Scale:
    """Linear map from a data interval onto a pixel interval."""

    domain: tuple[float, float]
    pixels: tuple[float, float]

    def __call__(self, value: float) -> float:
        low, high = self.domain
        span = high - low
        fraction = (value - low) / span if span else 0.5
        return self.pixels[0] + fraction * (self.pixels[1] - self.pixels[0])


@dataclass(slots=True)
class Canvas:
    """Collects SVG elements and renders one ``<svg>`` with an accessible title."""

    width: int
    height: int
    title: str
    parts: list[str] = field(default_factory=list)

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str) -> None:
        self.parts.append(
            f'<line x1="{coord(x1)}" y1="{coord(y1)}" x2="{coord(x2)}" '
            f'y2="{coord(y2)}" class="{cls}"/>'
        )

    def rect(self, x: float, y: float, w: float, h: float, cls: str, tip: str = "") -> None:
        tooltip = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(
            f'<rect x="{coord(x)}" y="{coord(y)}" width="{coord(max(w, 0.0))}" '
            f'height="{coord(max(h, 0.0))}" class="{cls}">{tooltip}</rect>'
        )

    def path(self, points: list[tuple[float, float]], cls: str, close: bool = False) -> None:
        if not points:
            return
        d = "M" + " L".join(f"{coord(x)} {coord(y)}" for x, y in points) + (" Z" if close else "")
        self.parts.append(f'<path d="{d}" class="{cls}"/>')

    def text(
        self, x: float, y: float, text: str, anchor: str = "start", cls: str = "", tip: str = ""
    ) -> None:
        klass = f' class="{cls}"' if cls else ""
        tooltip = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(
            f'<text x="{coord(x)}" y="{coord(y)}" text-anchor="{anchor}"{klass}>'
            f"{tooltip}{escape(text)}</text>"
        )

    def vertical_text(self, x: float, y: float, text: str) -> None:
        self.parts.append(
            f'<text x="0" y="0" text-anchor="middle" '
            f'transform="translate({coord(x)} {coord(y)}) rotate(-90)">{escape(text)}</text>'
        )

    def legend(self, x: float, y: float, entries: list[tuple[str, str]]) -> None:
        """Swatches right-aligned at ``x``: ``entries`` are (label, class).

        A class ending in ``-line`` draws a line sample (so a dashed series shows its dashes),
        anything else a filled square.
        """
        for label, cls in reversed(entries):
            swatch = 22.0 if cls.endswith("-line") else 12.0
            x -= 7.0 * len(label) + swatch + 10
            if cls.endswith("-line"):
                self.line(x, y - 4, x + swatch, y - 4, cls)
            else:
                self.rect(x, y - 9, swatch, 10, cls)
            self.text(x + swatch + 4, y, label)

    def render(self) -> Markup:
        return Markup(
            f'<svg viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img">'
            f"<title>{escape(self.title)}</title>{''.join(self.parts)}</svg>"
        )
