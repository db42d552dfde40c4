"""The Clarify report as a PDF: same content as the HTML page, valid, searchable and stable.

The PDF's text is read back without a PDF library: matplotlib writes TrueType (Type 42) text
as ``[(...) ...] TJ`` arrays of UTF-16BE strings in Flate-compressed page streams.
"""

from __future__ import annotations

import copy
import re
import zlib
from typing import Any

import matplotlib as mpl
import pytest

from plimsoll.reports import render_clarify_pdf, render_clarify_report
from tests.unit.reports.test_clarify_report import analysis, image_analysis, parse

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes, escapes resolved."""
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] != b"\\":
            out += raw[i : i + 1]
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(raw[i + 1 : i + 2], raw[i + 1 : i + 2])
            i += 2
    return bytes(out)


def texts(pdf: bytes) -> list[str]:
    """Every text run of every page, in drawing order."""
    runs: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for array in re.findall(rb"\[(.*?)\]\s*TJ", content, re.S):
            strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)", array, re.S)
            runs.append(b"".join(_literal(s) for s in strings).decode("utf-16-be"))
    return runs


def page_count(pdf: bytes) -> int:
    (count,) = re.findall(rb"/Type /Pages /Kids \[[^\]]*\] /Count (\d+)", pdf)
    return int(count)


@pytest.fixture(scope="module")
def rich() -> bytes:
    return render_clarify_pdf(analysis(), title="My report", details={"Job": "j-1"})


def test_a_rich_analysis_is_a_valid_multi_page_pdf(rich: bytes) -> None:
    assert rich.startswith(b"%PDF-1.") and rich.rstrip().endswith(b"%%EOF")
    assert page_count(rich) == len(re.findall(rb"/Type /Page\b(?!s)", rich)) >= 2
    assert b"/CreationDate" not in rich and b"(My report)" in rich  # metadata title


def test_it_has_the_same_headings_and_table_cells_as_the_html(rich: bytes) -> None:
    runs = set(texts(rich))
    page = parse(render_clarify_report(analysis(), title="My report", details={"Job": "j-1"}))

    assert {"My report", "Pre-training bias", "Post-training bias"} <= runs
    assert set(page.h3) <= runs
    cells = {cell for table in page.tables for row in table for cell in row}
    assert cells <= runs, cells - runs
    assert {"Infinity", "-Infinity", "NaN", "error: Facet set is empty."} <= runs
    assert "Expected value: 0.25." in runs


def test_charts_are_drawn_with_their_titles_and_values(rich: bytes) -> None:
    runs = set(texts(rich))
    page = parse(render_clarify_report(analysis()))

    assert set(page.svg_titles) <= runs
    # The value column of the bias chart and the categorical PDP grid.
    assert {"0.21", "-0.08", "error", "red", "blue", "model output", "SHAP value"} <= runs


def test_the_same_analysis_gives_byte_identical_pdfs(rich: bytes) -> None:
    doc = analysis()
    before = copy.deepcopy(doc)
    again = render_clarify_pdf(doc, title="My report", details={"Job": "j-1"})

    assert again == rich
    assert doc == before
    assert render_clarify_pdf(doc, title="Other", details={"Job": "j-1"}) != rich


def _section(*keys: str) -> dict[str, Any]:
    doc = analysis()
    explanations = doc.pop("explanations")
    return {
        **{k: v for k, v in doc.items() if k in keys},
        "explanations": {k: v for k, v in explanations.items() if k in keys},
    }


def test_only_bias() -> None:
    runs = texts(render_clarify_pdf(_section("pre_training_bias_metrics")))

    assert "Pre-training bias" in runs and "Facet Age = (75, 99]" in runs
    assert "SHAP: global feature importance" not in runs
    assert "Partial dependence plots" not in runs


def test_only_shap() -> None:
    runs = texts(render_clarify_pdf(_section("kernel_shap")))

    assert "SHAP: global feature importance" in runs
    assert "Top 3 global SHAP values: label0" in runs
    assert "Pre-training bias" not in runs and "Partial dependence plots" not in runs


def test_shap_and_pdp() -> None:
    runs = texts(render_clarify_pdf(_section("kernel_shap", "pdp")))

    assert "SHAP: global feature importance" in runs
    assert "Partial dependence on age" in runs and "Partial dependence on colour" in runs
    assert "Error: Text is unsupported." in runs
    assert "Pre-training bias" not in runs


def test_text_shap_units() -> None:
    doc = {
        "explanations": {
            "kernel_shap": {
                "label0": {
                    "global_shap_values": {},
                    "expected_value": 0.1,
                    "global_top_shap_text": {"review": {"love": 0.9, "the": 0.0, "bad": -0.6}},
                }
            }
        }
    }
    runs = texts(render_clarify_pdf(doc))

    assert "Top text units of review: label0" in runs
    assert {"love", "bad", "the", "0.9", "-0.6", "Aggregated SHAP value"} <= set(runs)
    assert "No global SHAP values." not in runs


def test_image_explanations_list_the_top_segments() -> None:
    runs = texts(render_clarify_pdf(image_analysis()))

    assert {"Image", "Segment", "a/cat.jpg", "b/dog.png", "0.4", "-0.3", "0.01"} <= set(runs)
    assert runs.count("a/cat.jpg") == 5
    assert "No global SHAP values." not in runs


def test_an_empty_analysis_is_one_page_saying_so() -> None:
    pdf = render_clarify_pdf({"version": "1.0"})

    assert page_count(pdf) == 1
    assert "The analysis holds no bias, SHAP or PDP section." in texts(pdf)


def test_a_long_table_continues_on_new_pages_with_its_header() -> None:
    values = {f"feature_{i:03d}": (i + 1) / 1000 for i in range(150)}
    doc = {"explanations": {"kernel_shap": {"label0": {"global_shap_values": values}}}}
    pdf = render_clarify_pdf(doc)
    runs = texts(pdf)

    assert page_count(pdf) >= 3
    assert {"feature_000", "feature_149", "0.001", "0.15"} <= set(runs)
    assert runs.count("Global SHAP value") >= page_count(pdf) - 1


def test_document_strings_are_text_not_markup_or_math() -> None:
    doc = analysis()
    name = "a $x$ <b>b</b> (c) \\ d"
    doc["explanations"]["kernel_shap"]["label0"]["global_shap_values"][name] = 0.9
    pre = doc["pre_training_bias_metrics"]
    pre["facets"][name] = pre["facets"].pop("Gender")

    runs = texts(render_clarify_pdf(doc, title=name))

    assert name in runs and f"Facet {name} = 0" in runs
    assert runs.count(name) == 3  # the title, the SHAP table's cell and the SHAP bar's label


def test_a_long_cell_is_wrapped_within_the_page() -> None:
    path = "/very/long/path" * 30 + "/analysis.json"
    runs = texts(render_clarify_pdf({"version": "1.0"}, details={"Analysis": path}))

    lines = [r for r in runs if r and r in path]
    assert len(lines) > 1  # one cell, several lines
    assert "".join(lines) == path


def test_the_callers_matplotlib_settings_do_not_change_the_pdf(rich: bytes) -> None:
    with mpl.rc_context({"font.size": 30, "pdf.fonttype": 3, "axes.unicode_minus": True}):
        pdf = render_clarify_pdf(analysis(), title="My report", details={"Job": "j-1"})
        assert mpl.rcParams["pdf.fonttype"] == 3

    assert pdf == rich
