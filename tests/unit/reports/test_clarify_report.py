"""The Clarify report (HTML page and notebook), rendered from analysis.json documents."""

from __future__ import annotations

import copy
import json
import math
from html.parser import HTMLParser
from typing import Any

from plimsoll.reports import render_clarify_notebook, render_clarify_report

HOSTILE = 'Bad "name" <script>alert(1)</script> & co'


class Page(HTMLParser):
    """Collects headings, tables (as rows of cell text), SVG titles and risky tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h2_ids: list[str] = []
        self.h3: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.svg_titles: list[str] = []
        self.svg_texts: list[str] = []
        self.scripts = 0
        self.title = ""
        self._stack: list[str] = []
        self._text: list[str] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self._stack.append(tag)
        if tag == "script":
            self.scripts += 1
        if tag == "h2":
            self.h2_ids.append(values.get("id") or "")
        if tag == "table":
            self.tables.append([])
        if tag == "tr":
            self._row = []
        if tag in {"td", "th", "h3", "title", "text"}:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        self._stack.pop()
        text = "".join(self._text)
        if tag in {"td", "th"} and self._row is not None:
            self._row.append(text)
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag == "h3":
            self.h3.append(text)
        elif tag == "title":
            if "svg" in self._stack:
                if self._stack[-1] == "svg":
                    self.svg_titles.append(text)
            else:
                self.title = text
        elif tag == "text":
            self.svg_texts.append(text)

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def _metric(name: str, value: Any, error: str | None = None) -> dict[str, Any]:
    entry = {"name": name, "description": f"{name} description", "value": value}
    if error is not None:
        entry["error"] = error
    return entry


def analysis() -> dict[str, Any]:
    """Every section, with the awkward values: Infinity, NaN and a per-metric error."""
    pre = [
        _metric("CDDL", 0.21),
        _metric("CI", -0.08),
        _metric("DPL", None, "Facet set is empty."),
    ]
    post = [_metric("DI", math.inf), _metric("DCA", -math.inf), _metric("TE", "NaN")]
    return {
        "version": "1.0",
        "pre_training_bias_metrics": {
            "label": "Target",
            "label_value_or_threshold": "1",
            "facets": {
                "Gender": [{"value_or_threshold": "0", "metrics": pre}],
                "Age": [
                    {"value_or_threshold": "(40, 75]", "metrics": pre[:2]},
                    {"value_or_threshold": "(75, 99]", "metrics": pre[:1]},
                ],
            },
        },
        "post_training_bias_metrics": {
            "label": "Target",
            "label_value_or_threshold": "1",
            "facets": {"Gender": [{"value_or_threshold": "0", "metrics": post}]},
        },
        "explanations": {
            "kernel_shap": {
                "label0": {
                    "global_shap_values": {"age": 0.1, "income": -0.5, "zip": 0.3},
                    "expected_value": 0.25,
                }
            },
            "pdp": [
                {
                    "feature_name": "age",
                    "data_type": "numerical",
                    "feature_values": [20.4, 23.2, 26.0],
                    "data_distribution": [0.2, 0.5, 0.3],
                    "model_predictions": [[0.1, 0.3, 0.2]],
                    "label_headers": ["yes"],
                },
                {
                    "feature_name": "colour",
                    "data_type": "categorical",
                    "feature_values": ["red", "blue"],
                    "data_distribution": [0.5, 0.5],
                    "model_predictions": [[0.1, 0.3], [0.9, 0.7]],
                },
                {"feature_name": "notes", "data_type": "text", "error": "Text is unsupported."},
            ],
        },
    }


def _table_with(page: Page, first_cell: str) -> list[list[str]]:
    return next(t for t in page.tables if any(row and row[0] == first_cell for row in t))


def test_bias_sections_have_a_table_and_a_chart_per_facet_value() -> None:
    page = parse(render_clarify_report(analysis(), title="My report"))

    assert page.title == "My report" and page.scripts == 0
    assert page.h2_ids[:2] == ["pre-training-bias", "post-training-bias"]
    assert page.h3[:5] == [
        "Facet Gender = 0",
        "Facet Age = (40, 75]",
        "Facet Age = (75, 99]",
        "Facet Gender = 0",
        "Output label0",
    ]
    gender = _table_with(page, "CDDL")
    assert gender[0] == ["Metric", "Description", "Value"]
    assert gender[1:] == [
        ["CDDL", "CDDL description", "0.21"],
        ["CI", "CI description", "-0.08"],
        ["DPL", "DPL description", "error: Facet set is empty."],
    ]
    assert "Pre-training bias: Age = (75, 99]" in page.svg_titles
    assert "Post-training bias: Gender = 0" in page.svg_titles


def test_non_finite_values_are_text_in_tables_and_charts() -> None:
    page = parse(render_clarify_report(analysis()))

    post = _table_with(page, "DI")
    assert [row[2] for row in post[1:]] == ["Infinity", "-Infinity", "NaN"]
    assert {"∞", "-∞", "NaN", "error"} <= set(page.svg_texts)


def test_shap_section_sorts_by_magnitude_and_shows_the_expected_value() -> None:
    html = render_clarify_report(analysis())
    page = parse(html)

    assert "shap" in page.h2_ids
    table = _table_with(page, "Feature")
    assert [row[0] for row in table[1:]] == ["income", "zip", "age"]
    assert "Expected value: 0.25." in html
    assert "Top 3 global SHAP values: label0" in page.svg_titles


def test_pdp_section_draws_one_chart_per_feature_and_reports_errors() -> None:
    html = render_clarify_report(analysis())
    page = parse(html)

    assert "pdp" in page.h2_ids
    assert "Partial dependence on age" in page.svg_titles
    assert "Partial dependence on colour" in page.svg_titles
    assert "Partial dependence on notes" not in page.svg_titles
    assert "Error: Text is unsupported." in html
    colour = _table_with(page, "red")
    assert colour == [
        ["Value", "Share of rows", "label0", "label1"],
        ["red", "0.5", "0.1", "0.9"],
        ["blue", "0.5", "0.3", "0.7"],
    ]
    age = _table_with(page, "Value")
    assert age[0] == ["Value", "Share of rows", "yes"]


def test_only_the_sections_present_are_shown() -> None:
    only_pre = {"pre_training_bias_metrics": analysis()["pre_training_bias_metrics"]}
    page = parse(render_clarify_report(only_pre))
    assert page.h2_ids == ["pre-training-bias"]

    empty = parse(render_clarify_report({"version": "1.0"}))
    assert empty.h2_ids == [] and empty.svg_titles == []


def test_malformed_entries_degrade_instead_of_failing() -> None:
    broken = {
        "pre_training_bias_metrics": {"facets": {"x": "not a list", "y": [{"metrics": 3}]}},
        "explanations": {"kernel_shap": {"label0": 5}, "pdp": [7, {"feature_name": "a"}]},
    }
    page = parse(render_clarify_report(broken))
    assert "No metric computed." in render_clarify_report(broken)
    assert page.h2_ids == ["pre-training-bias", "shap", "pdp"]


def test_every_document_string_is_escaped() -> None:
    doc = analysis()
    pre = doc["pre_training_bias_metrics"]
    pre["facets"][HOSTILE] = pre["facets"].pop("Gender")
    pre["facets"][HOSTILE][0]["metrics"][2]["error"] = HOSTILE
    doc["explanations"]["kernel_shap"][HOSTILE] = doc["explanations"]["kernel_shap"]["label0"]
    doc["explanations"]["pdp"][0]["feature_name"] = HOSTILE

    html = render_clarify_report(doc, title=HOSTILE, details={HOSTILE: HOSTILE})
    page = parse(html)

    assert "<script>" not in html and page.scripts == 0
    assert page.title == HOSTILE
    assert f"Facet {HOSTILE} = 0" in page.h3
    assert f"Partial dependence on {HOSTILE}" in page.svg_titles


def test_output_is_deterministic_and_independent_of_the_input_object() -> None:
    doc = analysis()
    before = copy.deepcopy(doc)
    first = render_clarify_report(doc, details={"Job": "j-1"})
    assert first == render_clarify_report(copy.deepcopy(doc), details={"Job": "j-1"})
    assert doc == before
    assert render_clarify_notebook(doc) == render_clarify_notebook(copy.deepcopy(doc))


def test_notebook_is_nbformat_4_with_tables_and_the_same_svgs() -> None:
    doc = analysis()
    notebook = json.loads(render_clarify_notebook(doc, title="Nb <title>"))
    html = render_clarify_report(doc, title="Nb <title>")

    assert notebook["nbformat"] == 4 and notebook["nbformat_minor"] >= 4
    assert notebook["metadata"]["kernelspec"]["language"] == "python"
    ids = [cell["id"] for cell in notebook["cells"]]
    assert len(set(ids)) == len(ids)
    for cell in notebook["cells"]:
        assert cell["cell_type"] in {"markdown", "code"}
        assert isinstance(cell["source"], list) and isinstance(cell["metadata"], dict)
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is None and isinstance(cell["outputs"], list)
    markdown = "".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    assert markdown.startswith("# Nb &lt;title&gt;")
    assert "| CDDL | CDDL description | 0.21 |" in markdown
    assert "| DPL | DPL description | error: Facet set is empty. |" in markdown
    svgs = [
        "".join(output["data"]["image/svg+xml"])
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell["outputs"]
    ]
    assert len(svgs) == parse(html).svg_titles.__len__()
    assert all(svg in html for svg in svgs)
    code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "json.load(f)" in code
    compile(code.replace("analysis[", "_ = analysis["), "<notebook>", "exec")


def test_notebook_markdown_escapes_pipes_and_html() -> None:
    doc = {"pre_training_bias_metrics": analysis()["pre_training_bias_metrics"]}
    doc["pre_training_bias_metrics"]["facets"]["Gender"][0]["metrics"][0]["name"] = "a|b<i>"
    notebook = json.loads(render_clarify_notebook(doc))
    markdown = "".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    assert "| a\\|b&lt;i&gt; |" in markdown and "<i>" not in markdown


def test_text_units_get_a_table_and_a_chart_per_text_feature() -> None:
    doc = analysis()
    doc["explanations"]["kernel_shap"] = {
        "label0": {
            "global_shap_values": {},
            "expected_value": 0.1,
            "global_top_shap_text": {"review": {"love": 0.9, "the": 0.0, "bad": -0.6}},
        }
    }
    html = render_clarify_report(doc)
    page = parse(html)
    table = _table_with(page, "Unit")
    assert [row[0] for row in table[1:]] == ["love", "bad", "the"]
    assert "Top text units of review: label0" in page.svg_titles
    assert "No global SHAP values." not in html


def image_analysis() -> dict[str, Any]:
    """What the image explainability writes: no global values, segments per image."""
    segments = {str(i): (i - 3) / 10 for i in range(8)}  # -0.3 ... 0.4
    return {
        "version": "1.0",
        "explanations": {
            "kernel_shap": {
                "cat": {
                    "global_shap_values": {},
                    "expected_value": 0.5,
                    "image_explanations": {"b/dog.png": {"0": 0.01}, "a/cat.jpg": segments},
                }
            }
        },
    }


def test_image_explanations_list_the_top_segments_of_each_image() -> None:
    html = render_clarify_report(image_analysis())
    page = parse(html)

    table = _table_with(page, "Image")
    assert table[0] == ["Image", "Segment", "SHAP value"]
    assert table[1:] == [
        ["a/cat.jpg", "7", "0.4"],
        ["a/cat.jpg", "0", "-0.3"],
        ["a/cat.jpg", "6", "0.3"],
        ["a/cat.jpg", "1", "-0.2"],
        ["a/cat.jpg", "5", "0.2"],
        ["b/dog.png", "0", "0.01"],
    ]
    assert "explanations_shap/&lt;image stem&gt;_cat.png" in html
    assert "No global SHAP values." not in html
    notebook = render_clarify_notebook(image_analysis())
    assert "| a/cat.jpg | 7 | 0.4 |" in notebook
