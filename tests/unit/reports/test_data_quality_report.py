"""The data-quality HTML report, rendered from the real churn reference documents."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import plimsoll.reports
from plimsoll.reports import render_data_quality_report

REFERENCE = Path("/work/shared/reference/model_monitor/examples_data_quality_churn")
HOSTILE = 'Bad "name" <script>alert(1)</script> & co'


class Page(HTMLParser):
    """Collects the parts of the page the tests assert on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.sections: dict[str, str] = {}  # section id -> h3 text
        self.svgs = 0
        self.scripts = 0
        self.urls: list[str] = []
        self.rows: list[list[str]] = []
        self._section: str | None = None
        self._cells: list[str] | None = None
        self._text: list[str] = []
        self._in_violations = False
        self.details_summaries: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.stack.append(tag)
        self.urls += [v or "" for k, v in attrs if k in {"src", "href"}]
        if tag == "svg":
            self.svgs += 1
        if tag == "script":
            self.scripts += 1
        if tag == "h2":
            self._in_violations = values.get("id") == "violations"
        if tag == "section" and values.get("class") == "feature":
            self._section = values.get("id")
        if tag == "tr" and self._in_violations:
            self._cells = []
        if tag in {"td", "h3", "summary"}:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()
        text = "".join(self._text)
        if tag == "td" and self._cells is not None:
            self._cells.append(text)
        if tag == "tr" and self._cells is not None:
            if self._cells:
                self.rows.append(self._cells)
            self._cells = None
        if tag == "table":
            self._in_violations = False
        if tag == "h3" and self._section:
            self.sections[self._section] = text
        if tag == "summary":
            self.details_summaries.append(text)

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def parse(document: str) -> Page:
    page = Page()
    page.feed(document)
    page.close()
    return page


def _load(relative: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE / relative).read_text())
    return data


def _string_feature(name: str, counts: dict[str, float]) -> dict[str, Any]:
    return {
        "name": name,
        "inferred_type": "String",
        "string_statistics": {
            "common": {"num_present": sum(counts.values()), "num_missing": 0},
            "distinct_count": float(len(counts)),
            "distribution": {
                "categorical": {"buckets": [{"value": v, "count": c} for v, c in counts.items()]}
            },
        },
    }


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    stats = _load("baseline_output/statistics.partial.json")
    states = {f"S{i:02d}": float(100 - 3 * i) for i in range(20)}
    stats["features"].append(_string_feature("Plan", states))
    stats["features"].append(_string_feature(HOSTILE, {"<b>": 5.0, "x": 5.0}))
    return stats


@pytest.fixture(scope="module")
def current(baseline: dict[str, Any]) -> dict[str, Any]:
    """The baseline with Day Mins shifted up by 40, Churn missing 10%, Plan reshuffled."""
    stats = copy.deepcopy(baseline)
    stats["dataset"]["item_count"] = 1977
    by_name = {f["name"]: f for f in stats["features"]}
    day = by_name["Day Mins"]["numerical_statistics"]
    kll = day["distribution"]["kll"]
    kll["sketch"]["data"] = [[v + 40.0 for v in level] for level in kll["sketch"]["data"]]
    for bucket in kll["buckets"]:
        bucket["lower_bound"] += 40.0
        bucket["upper_bound"] += 40.0
    for key in ("mean", "min", "max"):
        day[key] += 40.0
    by_name["Churn"]["numerical_statistics"]["common"]["num_missing"] = 233
    by_name["Eve Mins"]["numerical_statistics"]["std_dev"] = "NaN"
    plan = by_name["Plan"]["string_statistics"]["distribution"]["categorical"]
    plan["buckets"] = [{"value": f"S{i:02d}", "count": float(40 + 3 * i)} for i in range(20)]
    plan["buckets"].append({"value": "NEW", "count": 300.0})
    return stats


@pytest.fixture(scope="module")
def violations() -> dict[str, Any]:
    document = _load("monitoring_output/constraint_violations.first10of60.reconstructed.json")
    document["violations"] += [
        {
            "feature_name": "Day Mins",
            "constraint_check_type": "baseline_drift_check",
            "description": "Baseline drift distance: 0.43 exceeds threshold: 0.1",
        },
        {
            "feature_name": "Plan",
            "constraint_check_type": "categorical_values_check",
            "description": "Value: 0.86 does not meet the constraint requirement! ",
        },
        {
            "feature_name": "Churn",
            "constraint_check_type": "completeness_check",
            "description": "Data completeness requirement is not met. Observed: 0.9",
        },
        {
            "feature_name": HOSTILE,
            "constraint_check_type": "baseline_drift_check",
            "description": "<img src=x onerror=alert(1)> distance: 1 exceeds",
        },
    ]
    return document


DETAILS = {"Endpoint": "churn-endpoint", "Window": "2022-04-18T10:00Z/11:00Z"}


@pytest.fixture(scope="module")
def report(current: dict[str, Any], violations: dict[str, Any], baseline: dict[str, Any]) -> str:
    return render_data_quality_report(
        current_statistics=current,
        violations=violations,
        baseline_statistics=baseline,
        title="Churn data quality",
        details=DETAILS,
    )


def test_public_surface_is_exactly_the_renderer() -> None:
    public = {name for name in vars(plimsoll.reports) if not name.startswith("_")}
    modules = {"annotations", "data_quality", "clarify", "clarify_monitor", "model_quality"}
    assert set(plimsoll.reports.__all__) == public - modules


def test_every_violation_is_a_row(report: str, violations: dict[str, Any]) -> None:
    rows = parse(report).rows
    expected = sorted(
        (v["feature_name"], v["constraint_check_type"], v["description"])
        for v in violations["violations"]
    )
    assert sorted(tuple(r) for r in rows) == expected
    names = [r[0] for r in rows]
    assert names == sorted(names, key=lambda n: (n.casefold(), n))


def test_one_open_section_per_distribution_violation(
    report: str, violations: dict[str, Any], current: dict[str, Any]
) -> None:
    page = parse(report)
    columns = {f["name"] for f in current["features"]}
    flagged = {
        v["feature_name"]
        for v in violations["violations"]
        if v["constraint_check_type"] != "completeness_check" and v["feature_name"] in columns
    }
    # The reference violations name columns the partial statistics lack: no section for them.
    assert flagged == {"Churn", "Day Mins", "Plan", "State_CA", HOSTILE}
    before_details = report.split("<details>", 1)[0]
    open_sections = parse(before_details).sections
    assert sorted(open_sections.values()) == sorted(flagged)
    assert len(page.sections) == 31  # 29 reference columns + 2 string features, each once
    assert page.details_summaries == ["Other features (26)"]


def test_each_plot_is_an_svg(report: str) -> None:
    page = parse(report)
    # 1 completeness chart + one distribution chart per feature section.
    assert page.svgs == 1 + len(page.sections)


def test_links_point_at_feature_sections(report: str) -> None:
    page = parse(report)
    targets = {url.removeprefix("#") for url in page.urls}
    assert targets <= set(page.sections)
    assert all(url.startswith("#") for url in page.urls)
    assert "http://" not in report and "https://" not in report


def test_hostile_names_are_escaped(report: str) -> None:
    page = parse(report)
    assert page.scripts == 0
    assert "<img" not in report
    assert HOSTILE in page.sections.values()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report


def test_summary_and_details(report: str) -> None:
    assert "14 violations across 13 features" in report
    assert "Rows in window: 1977; rows in baseline: 2333" in report
    for key, value in DETAILS.items():
        assert f">{key}</th><td>{value}</td>" in report


def test_completeness_below_baseline_is_highlighted(report: str) -> None:
    assert "1 feature below baseline completeness." in report
    assert "Churn ▼" in report
    assert "90.92% (baseline 100.00%)" in report


def test_numeric_and_string_plots(report: str) -> None:
    assert "Distribution of Day Mins" in report
    assert "Top 15 categories of Plan" in report
    assert report.count('class="cur-line"') == report.count('class="base-line"')


def test_rendering_is_deterministic(
    current: dict[str, Any], violations: dict[str, Any], baseline: dict[str, Any], report: str
) -> None:
    again = render_data_quality_report(
        current_statistics=copy.deepcopy(current),
        violations=copy.deepcopy(violations),
        baseline_statistics=copy.deepcopy(baseline),
        title="Churn data quality",
        details=dict(DETAILS),
    )
    assert again == report


def test_without_violations_or_baseline(current: dict[str, Any]) -> None:
    document = render_data_quality_report(current_statistics=current, violations=None)
    page = parse(document)
    assert "0 violations across 0 features" in document
    assert "rows in baseline" not in document
    assert "No constraint violations." in document
    assert page.rows == []
    assert page.svgs == 1 + len(page.sections)
    assert 'class="base-line"' not in document


def test_empty_and_malformed_documents() -> None:
    document = render_data_quality_report(
        current_statistics={"features": [{"name": "x", "inferred_type": "Unknown"}, "junk"]},
        violations={
            "violations": [
                {"feature_name": "gone", "constraint_check_type": "missing_column_check"}
            ]
        },
        baseline_statistics={},
    )
    assert "1 violation across 1 feature." in document
    assert "No values present" in document


def test_writes_sample_report(report: str, tmp_path: Path) -> None:
    target = tmp_path / "dq_report.html"
    target.write_text(report, encoding="utf-8")
    assert target.stat().st_size > 10_000


def test_type_change_draws_both_kinds(baseline: dict[str, Any]) -> None:
    current = copy.deepcopy(baseline)
    current["features"][0] = _string_feature("Churn", {"True.": 30.0, "False.": 70.0})
    document = render_data_quality_report(
        current_statistics=current,
        violations={
            "violations": [
                {
                    "feature_name": "Churn",
                    "constraint_check_type": "data_type_check",
                    "description": "Only 0.0% of data is Integral.",
                }
            ]
        },
        baseline_statistics=baseline,
    )
    churn = document.split("<h3>Churn</h3>", 1)[1].split("</section>", 1)[0]
    assert "baseline Integral → current String" in churn
    assert churn.count("<svg") == 2  # baseline histogram + current categories
    assert 'class="cur-line"' not in churn
