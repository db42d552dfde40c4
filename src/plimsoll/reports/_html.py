"""Page shell, stylesheet and table helper for the self-contained HTML reports.

Escaping is structural: helpers escape every ``str`` they receive unless it is wrapped in
``Markup`` (HTML built by our own code), so a feature name such as ``<script>`` cannot reach the
page unescaped by forgetting one ``html.escape`` call.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence


class Markup(str):
    """A string of HTML produced by this package: inserted as is, never escaped again."""

    __slots__ = ()


def escape(text: str) -> Markup:
    """Escape user-controlled text (quotes included, so it is safe inside attributes too)."""
    return text if isinstance(text, Markup) else Markup(html.escape(text, quote=True))


def join(parts: Iterable[str]) -> Markup:
    """Concatenate fragments, escaping the ones that are not already ``Markup``."""
    return Markup("".join(escape(part) for part in parts))


def tag(name: str, content: str | Iterable[str] = "", **attributes: str) -> Markup:
    """``<name attr="...">content</name>``; attribute names use ``_`` for ``-`` and ``cls``."""
    attrs = "".join(
        f' {"class" if key == "cls" else key.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for key, value in attributes.items()
    )
    body = escape(content) if isinstance(content, str) else join(content)
    return Markup(f"<{name}{attrs}>{body}</{name}>")


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: frozenset[int] = frozenset()
) -> Markup:
    """A plain data table; cells are escaped unless they are ``Markup``.

    Columns whose index is in ``numeric`` are right-aligned with tabular figures.
    """

    def cell(name: str, index: int, content: str, **attrs: str) -> Markup:
        return (
            tag(name, content, cls="num", **attrs)
            if index in numeric
            else tag(name, content, **attrs)
        )

    head = tag("thead", [tag("tr", [cell("th", i, h, scope="col") for i, h in enumerate(headers)])])
    body = tag("tbody", [tag("tr", [cell("td", i, c) for i, c in enumerate(row)]) for row in rows])
    return tag("table", [head, body])


_CSS = """
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#fff;--panel:#f6f8fa;
--line:#d0d7de;--base:#0072B2;--cur:#E69F00;--alert:#D55E00;--grid:#e4e7eb}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;
--panel:#161b22;--line:#30363d;--base:#56B4E9;--cur:#E69F00;--alert:#FF7F3F;--grid:#252b33}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg);max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 .4em}h2{font-size:1.25em;margin:1.6em 0 .5em;
border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1.05em;margin:0 0 .4em}
table{border-collapse:collapse;margin:.4em 0 1em}th,td{text-align:left;padding:3px 10px;
border-bottom:1px solid var(--line);vertical-align:top}th{background:var(--panel)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.summary{font-size:1.05em;padding:8px 12px;background:var(--panel);
border-left:4px solid var(--alert)}
.summary.ok{border-left-color:var(--base)}.muted{color:var(--muted)}
code,.check{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
section.feature{border:1px solid var(--line);border-radius:6px;padding:12px 14px;margin:14px 0;
break-inside:avoid}
.badge{display:inline-block;border:1px solid var(--alert);color:var(--alert);border-radius:10px;
padding:0 8px;margin:0 4px 4px 0;font-size:.85em}
.plots{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}.plots svg{max-width:100%}
details>summary{cursor:pointer;font-weight:600;margin:.6em 0}
svg text{fill:var(--fg);font:11px system-ui,sans-serif}svg .title{font-size:13px;font-weight:600}
svg .axis{stroke:var(--muted);stroke-width:1}svg .grid{stroke:var(--grid);stroke-width:1}
svg .base-line{stroke:var(--base);fill:none;stroke-width:2}
svg .base-area{fill:var(--base);fill-opacity:.18;stroke:none}
svg .cur-line{stroke:var(--cur);fill:none;stroke-width:2.5;stroke-dasharray:6 3}
svg .base-bar{fill:var(--base)}svg .cur-bar{fill:var(--cur)}svg .alert-bar{fill:var(--alert)}
svg text.alert{fill:var(--alert);font-weight:600}
footer{margin-top:2.5em;color:var(--muted);font-size:.9em;border-top:1px solid var(--line);
padding-top:.6em}
@media print{body{max-width:none;padding:0}.plots svg{max-width:48%}a{color:inherit}}
"""


def page(title: str, body: str) -> str:
    """A complete HTML5 document with the inline stylesheet; no external resources."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{escape(body)}\n</body>\n</html>\n"
    )
