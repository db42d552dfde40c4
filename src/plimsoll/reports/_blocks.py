"""A report as a flat list of blocks, rendered once as HTML and once as a Jupyter notebook.

SageMaker ships a Clarify report as ``.html``, ``.pdf`` and ``.ipynb`` with the same content;
building the content once as blocks (heading, paragraph, table, chart) and giving each output
format its own small renderer keeps the copies identical by construction. The PDF renderer is
:mod:`._pdf`; it draws each chart from the block's ``data`` rather than from its SVG.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from plimsoll.reports._clarify_charts import BarPlot, LinePlot
from plimsoll.reports._html import Markup, join, page, table, tag


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 2
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    muted: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart; ``code`` is the notebook cell's source (how to reach the charted data).

    ``data`` is what the SVG was drawn from, for renderers that draw natively (the PDF).
    """

    svg: Markup
    title: str
    code: str = ""
    data: BarPlot | LinePlot | None = None

    @classmethod
    def of(cls, plot: BarPlot | LinePlot, code: str = "") -> Chart:
        """The chart of ``plot``: its SVG, title and data."""
        return cls(plot.svg(), plot.title, code, plot)


Block = Heading | Paragraph | Table | Chart


def to_html(title: str, blocks: Sequence[Block], footer: str) -> str:
    """One self-contained page; consecutive charts share a flex row."""
    parts: list[str] = []
    charts: list[str] = []

    def flush() -> None:
        if charts:
            parts.append(tag("div", list(charts), cls="plots"))
            charts.clear()

    for block in blocks:
        if isinstance(block, Chart):
            charts.append(block.svg)
            continue
        flush()
        if isinstance(block, Heading):
            attrs = {"id": block.anchor} if block.anchor else {}
            parts.append(tag(f"h{block.level}", block.text, **attrs))
        elif isinstance(block, Paragraph):
            parts.append(tag("p", block.text, cls="muted") if block.muted else tag("p", block.text))
        else:
            parts.append(table(block.headers, block.rows, block.numeric))
    flush()
    parts.append(tag("footer", footer))
    return page(title, join(parts))


def _md_cell_text(text: str) -> str:
    """Table-cell text for Markdown: HTML-escaped (Jupyter renders HTML) and pipes escaped."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _markdown(block: Heading | Paragraph | Table) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + html.escape(block.text, quote=False)
    if isinstance(block, Paragraph):
        return html.escape(block.text, quote=False)
    align = ["---:" if i in block.numeric else "---" for i in range(len(block.headers))]
    lines = [
        "| " + " | ".join(_md_cell_text(h) for h in block.headers) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(_md_cell_text(c) for c in row) + " |" for row in block.rows),
    ]
    return "\n".join(lines)


def _source(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def to_notebook(blocks: Sequence[Block], setup_code: str) -> str:
    """An nbformat 4.5 notebook: runs of text blocks become one Markdown cell, each chart a
    code cell whose saved ``display_data`` output holds the SVG, so it shows unexecuted."""
    cells: list[dict[str, Any]] = []
    pending: list[str] = []

    def cell_id() -> str:
        return f"cell-{len(cells)}"

    def flush() -> None:
        if pending:
            source = "\n\n".join(pending)
            cells.append(
                {
                    "cell_type": "markdown",
                    "id": cell_id(),
                    "metadata": {},
                    "source": _source(source),
                }
            )
            pending.clear()

    def code(source: str, outputs: list[dict[str, Any]]) -> None:
        cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": cell_id(),
                "metadata": {},
                "outputs": outputs,
                "source": _source(source),
            }
        )

    for index, block in enumerate(blocks):
        if index == 1:
            flush()
            code(setup_code, [])
        if not isinstance(block, Chart):
            pending.append(_markdown(block))
            continue
        flush()
        output = {
            "output_type": "display_data",
            "data": {"image/svg+xml": _source(str(block.svg)), "text/plain": [block.title]},
            "metadata": {},
        }
        code(block.code or "# chart", [output])
    flush()
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
