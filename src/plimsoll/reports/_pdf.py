"""The report's blocks rendered as a PDF with matplotlib: A4 portrait pages, flowed top down.

Each page is a matplotlib :class:`~matplotlib.figure.Figure` (no pyplot, no display, any
backend) on which text is placed in points from the top-left corner: headings, paragraphs
wrapped to the text width, tables (columns sized to their content, long cells wrapped, rows
carried to the next page with the header repeated) and charts drawn natively from the chart
block's data (:mod:`._pdf_charts`). A heading is never left alone at the bottom of a page.

Output is byte-for-byte stable: no creation date, fixed compression, TrueType (Type 42) fonts
so the text is searchable, and matplotlib's default style whatever the user's ``matplotlibrc``.
The only font is DejaVu Sans, which ships with matplotlib; text is never parsed as mathtext.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import matplotlib as mpl
import matplotlib.style
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Affine2D, Transform

from plimsoll.reports._blocks import Block, Chart, Heading, Paragraph, Table
from plimsoll.reports._pdf_charts import MUTED, NO_LIGATURES, axes_height, axes_indent, draw

__all__ = ["to_pdf"]

#: A4 in points, and the margins.
WIDTH, HEIGHT = 595.28, 841.89
LEFT, RIGHT, TOP, BOTTOM = 50.0, 50.0, 50.0, 56.0
TEXT_WIDTH = WIDTH - LEFT - RIGHT
HEADING_SIZES = {1: 17.0, 2: 13.0, 3: 10.5}
BODY = 9.0
CELL = 7.5
CELL_PAD = 3.5
WRAP_SLACK = 0.96
LINE_GAP = 1.3
PANEL = "#f6f8fa"
RULE = "#d0d7de"
_MEASURE = TextToPath()


@lru_cache(maxsize=8192)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The advance width in points of ``text`` set in DejaVu Sans at ``size``."""
    prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    width, _, _ = _MEASURE.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def _break_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, size, bold) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of each line of ``text``; a word wider than ``width`` is split.

    Lines are kept a little shorter than ``width``: viewers that hint glyphs at low zoom draw
    text slightly wider than its exact advance widths.
    """
    width *= WRAP_SLACK
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        line = ""
        for word in raw.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _break_word(word, width, size, bold) or [""]
            lines += pieces[:-1]
            line = pieces[-1]
        lines.append(line)
    return lines


@dataclass(slots=True)
class Layout:
    """The pages so far and the cursor: ``y`` is the distance in points from the page top."""

    pages: list[Figure] = field(default_factory=list)
    y: float = HEIGHT

    @property
    def figure(self) -> Figure:
        return self.pages[-1]

    @property
    def points(self) -> Transform:
        """Points from the bottom-left corner of the current page."""
        return Affine2D().scale(1 / 72) + self.figure.dpi_scale_trans

    def new_page(self) -> None:
        self.pages.append(Figure(figsize=(WIDTH / 72, HEIGHT / 72)))
        self.y = TOP

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` points fit below the cursor."""
        if not self.pages or self.y + height > HEIGHT - BOTTOM:
            self.new_page()

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: str = "black",
        align: str = "left",
    ) -> None:
        """``text`` with its baseline at ``y`` points from the top."""
        self.figure.text(
            x,
            HEIGHT - y,
            text,
            transform=self.points,
            fontsize=size,
            fontweight="bold" if bold else "normal",
            color=color,
            ha=align,
            va="baseline",
            fontfeatures=NO_LIGATURES,
            parse_math=False,
        )

    def rect(self, x: float, y: float, w: float, h: float, color: str) -> None:
        self.figure.patches.append(
            Rectangle((x, HEIGHT - y - h), w, h, transform=self.points, color=color, linewidth=0)
        )

    def rule(self, x: float, y: float, w: float, color: str = RULE) -> None:
        self.rect(x, y, w, 0.5, color)

    def lines(
        self, lines: Sequence[str], size: float, *, bold: bool = False, color: str = "black"
    ) -> None:
        """Left-aligned lines at the cursor, continued on new pages as needed."""
        step = size * LINE_GAP
        for line in lines:
            self.room(step)
            self.y += step
            self.text(LEFT, self.y - size * 0.25, line, size, bold=bold, color=color)


def _heading(layout: Layout, block: Heading) -> None:
    size = HEADING_SIZES.get(block.level, HEADING_SIZES[3])
    lines = wrap(block.text, TEXT_WIDTH, size, bold=True)
    before = 0.0 if not layout.pages or layout.y <= TOP else size * 0.9
    # Keep the heading with what follows: at least a few lines of body text.
    layout.room(before + len(lines) * size * LINE_GAP + 80)
    if layout.y > TOP:
        layout.y += before
    layout.lines(lines, size, bold=True)
    if block.level <= 2:
        layout.y += 2
        layout.rule(LEFT, layout.y, TEXT_WIDTH)
    layout.y += size * 0.4


def _paragraph(layout: Layout, block: Paragraph) -> None:
    color = MUTED if block.muted else "black"
    layout.lines(wrap(block.text, TEXT_WIDTH, BODY), BODY, color=color)
    layout.y += BODY * 0.6


def _column_widths(table: Table) -> list[float]:
    """Natural widths when they fit; otherwise narrow columns keep theirs, wide ones share."""
    count = len(table.headers)
    natural = [
        max(
            [text_width(str(table.headers[i]), CELL, True)]
            + [text_width(row[i], CELL) for row in table.rows if i < len(row)]
        )
        / WRAP_SLACK
        + 2 * CELL_PAD
        + 1
        for i in range(count)
    ]
    if sum(natural) <= TEXT_WIDTH:
        return natural
    widths = [0.0] * count
    left = list(range(count))
    budget = TEXT_WIDTH
    while left:
        share = budget / len(left)
        narrow = [i for i in left if natural[i] <= share]
        if not narrow:
            for i in left:
                widths[i] = share
            break
        for i in narrow:
            widths[i] = natural[i]
            budget -= natural[i]
        left = [i for i in left if i not in narrow]
    return widths


def _row(
    layout: Layout, cells: Sequence[str], widths: Sequence[float], table: Table, header: bool
) -> None:
    wrapped = [
        wrap(cells[i] if i < len(cells) else "", widths[i] - 2 * CELL_PAD, CELL, header)
        for i in range(len(widths))
    ]
    step = CELL * LINE_GAP
    height = max(len(w) for w in wrapped) * step + 2 * CELL_PAD
    if header:
        layout.rect(LEFT, layout.y, sum(widths), height, PANEL)
    x = LEFT
    for index, lines in enumerate(wrapped):
        right = index in table.numeric and not header
        for k, line in enumerate(lines):
            baseline = layout.y + CELL_PAD + (k + 1) * step - CELL * 0.3
            at = x + widths[index] - CELL_PAD if right else x + CELL_PAD
            layout.text(at, baseline, line, CELL, bold=header, align="right" if right else "left")
        x += widths[index]
    layout.y += height
    layout.rule(LEFT, layout.y, sum(widths))


def _row_height(cells: Sequence[str], widths: Sequence[float], bold: bool) -> float:
    count = max(
        len(wrap(cells[i] if i < len(cells) else "", w - 2 * CELL_PAD, CELL, bold))
        for i, w in enumerate(widths)
    )
    return count * CELL * LINE_GAP + 2 * CELL_PAD


def _table(layout: Layout, table: Table) -> None:
    widths = _column_widths(table)
    headers = [str(h) for h in table.headers]
    header_height = _row_height(headers, widths, True)
    first = table.rows[0] if table.rows else headers
    layout.room(header_height + _row_height(first, widths, False))
    _row(layout, headers, widths, table, header=True)
    for row in table.rows:
        if layout.y + _row_height(row, widths, False) > HEIGHT - BOTTOM:
            layout.new_page()
            _row(layout, headers, widths, table, header=True)
        _row(layout, row, widths, table, header=False)
    layout.y += BODY


def _chart(layout: Layout, block: Chart) -> None:
    if block.data is None:
        _paragraph(layout, Paragraph(f"Chart {block.title}: only shown in the HTML report.", True))
        return
    plot_height = axes_height(block.data)
    title_height, below = 16.0, 30.0
    layout.room(title_height + plot_height + below)
    layout.y += title_height
    layout.text(LEFT, layout.y - 4, block.title, BODY, bold=True)
    left, right = LEFT + axes_indent(block.data), WIDTH - RIGHT - 60.0
    bottom = HEIGHT - layout.y - plot_height
    ax = layout.figure.add_axes(
        (left / WIDTH, bottom / HEIGHT, (right - left) / WIDTH, plot_height / HEIGHT)
    )
    draw(ax, block.data)
    layout.y += plot_height + below


def _footers(pages: Sequence[Figure], title: str) -> None:
    for number, figure in enumerate(pages, start=1):
        figure.text(
            0.5,
            24 / HEIGHT,
            f"{title} · page {number} of {len(pages)}",
            fontsize=7,
            color=MUTED,
            ha="center",
            fontfeatures=NO_LIGATURES,
            parse_math=False,
        )


def to_pdf(blocks: Sequence[Block], title: str, footer: str = "") -> bytes:
    """Render ``blocks`` as an A4 PDF; ``title`` is the document title and page footer."""
    buffer = io.BytesIO()
    rc = mpl.rc_context(
        {
            "pdf.fonttype": 42,  # TrueType: the text stays searchable and copyable
            "pdf.compression": 6,
            "font.family": "DejaVu Sans",
            "axes.unicode_minus": False,  # "-0.5" as in the HTML, not "−0.5"
            "text.parse_math": False,  # a "$" in a feature name is a dollar sign
        }
    )
    with mpl.style.context("default"), rc, warnings.catch_warnings():
        # A glyph DejaVu Sans lacks is drawn as a box; the report must not warn about it.
        warnings.simplefilter("ignore", UserWarning)
        layout = Layout()
        layout.new_page()
        for block in blocks:
            if isinstance(block, Heading):
                _heading(layout, block)
            elif isinstance(block, Paragraph):
                _paragraph(layout, block)
            elif isinstance(block, Table):
                _table(layout, block)
            else:
                _chart(layout, block)
        if footer:
            layout.y += BODY
            _paragraph(layout, Paragraph(footer, muted=True))
        _footers(layout.pages, title)
        metadata = {"Title": title, "Creator": "Plimsoll", "CreationDate": None}
        with PdfPages(buffer, metadata=metadata) as pdf:
            for figure in layout.pages:
                pdf.savefig(figure)
    return buffer.getvalue()
