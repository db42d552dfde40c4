"""Profile of the real churn baseline CSV against SageMaker's own statistics/constraints."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import datasketches
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from plimsoll.compat.monitor_files import to_constraints_json
from plimsoll.engines.profile import (
    InferredType,
    ProfileResult,
    finalize,
    profile_batch,
    suggest_constraints,
)

CHURN = Path("/work/shared/reference/model_monitor/examples_data_quality_churn")
CSV = CHURN / "baseline_input/training-dataset-with-header.csv"
EPS = datasketches.kll_doubles_sketch.get_normalized_rank_error(2048, False)


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return pacsv.read_csv(CSV)


@pytest.fixture(scope="module")
def result(table: pa.Table) -> ProfileResult:
    return finalize(profile_batch(table))


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (CHURN / "baseline_output/statistics.partial.json").read_text()
    )
    return data


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def test_dataset_and_types(result: ProfileResult, golden: dict[str, Any]) -> None:
    assert result.item_count == golden["dataset"]["item_count"] == 2333
    assert len(result.columns) == 70
    by_name = {c.name: c for c in result.columns}
    for feature in golden["features"]:
        col = by_name[feature["name"]]
        common = feature["numerical_statistics"]["common"]
        assert col.inferred_type.value == feature["inferred_type"]
        assert (col.num_present, col.num_missing) == (common["num_present"], common["num_missing"])


def test_numeric_moments(result: ProfileResult, golden: dict[str, Any]) -> None:
    by_name = {c.name: c for c in result.columns}
    for feature in golden["features"]:
        stats = feature["numerical_statistics"]
        num = by_name[feature["name"]].numeric
        assert num is not None
        assert num.min == stats["min"] and num.max == stats["max"]
        for ours, theirs in (
            (num.mean, stats["mean"]),
            (num.sum, stats["sum"]),
            (num.std_dev, stats["std_dev"]),
        ):
            assert ours == theirs or _rel(ours, theirs) < 1e-9, feature["name"]


def test_buckets(result: ProfileResult, golden: dict[str, Any], table: pa.Table) -> None:
    by_name = {c.name: c for c in result.columns}
    slack = 2 * EPS * 2333 + 1
    for feature in golden["features"]:
        theirs = feature["numerical_statistics"]["distribution"]["kll"]["buckets"]
        num = by_name[feature["name"]].numeric
        assert num is not None
        values = table.column(feature["name"]).to_pylist()
        assert [(b.lower_bound, b.upper_bound) for b in num.buckets] == [
            (b["lower_bound"], b["upper_bound"]) for b in theirs
        ]
        assert sum(b.count for b in num.buckets) == 2333
        for i, (ours, real) in enumerate(zip(num.buckets, theirs, strict=True)):
            last = i == len(theirs) - 1
            exact = sum(
                1
                for v in values
                if ours.lower_bound <= v
                and (v <= ours.upper_bound if last else v < ours.upper_bound)
            )
            assert abs(ours.count - exact) <= slack
            assert abs(ours.count - real["count"]) <= 2 * slack


def test_sketch_levels_weigh_num_present(result: ProfileResult) -> None:
    for col in result.columns:
        assert col.numeric is not None
        levels = col.numeric.sketch_levels
        assert sum(len(items) << i for i, items in enumerate(levels)) == col.num_present


def test_quantiles_within_bound(result: ProfileResult, table: pa.Table) -> None:
    for col in result.columns[:12]:
        assert col.numeric is not None
        sketch = datasketches.kll_doubles_sketch.deserialize(col.numeric.sketch)
        values = sorted(table.column(col.name).to_pylist())
        for q in (0.1, 0.25, 0.5, 0.75, 0.9):
            estimate = sketch.get_quantile(q)
            below = sum(1 for v in values if v < estimate) / len(values)
            at_most = sum(1 for v in values if v <= estimate) / len(values)
            assert below - EPS <= q <= at_most + EPS


def test_string_columns_read_as_text_give_same_types(result: ProfileResult) -> None:
    names = pacsv.read_csv(CSV).column_names
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    text = finalize(profile_batch(pacsv.read_csv(CSV, convert_options=options)))
    for ours, typed in zip(text.columns, result.columns, strict=True):
        assert ours.inferred_type == typed.inferred_type
        assert ours.numeric is not None and typed.numeric is not None
        assert ours.numeric.mean == pytest.approx(typed.numeric.mean, rel=1e-12)


def test_suggested_constraints_equal_real_file(result: ProfileResult) -> None:
    real = json.loads((CHURN / "baseline_output/constraints.json").read_text())
    assert to_constraints_json(suggest_constraints(result)) == real


def test_string_domains_and_types() -> None:
    batch = pa.record_batch(
        {
            "plan": ["yes", "no", "no", "yes", "no", None] * 5,
            "ids": [f"id{i}" for i in range(30)],
            "mixed": ["1", "2.5", "x"] * 10,
            "nothing": pa.array([None] * 30, pa.string()),
            "flags": [True, False, None] * 10,
        }
    )
    result = finalize(profile_batch(batch))
    types = [c.inferred_type for c in result.columns]
    assert types == [
        InferredType.STRING,
        InferredType.STRING,
        InferredType.STRING,
        InferredType.UNKNOWN,
        InferredType.STRING,
    ]
    plan = result.columns[0]
    assert (plan.num_present, plan.num_missing) == (25, 5)
    assert plan.string is not None and plan.string.distinct_count == 2.0
    features = suggest_constraints(result).features
    assert features[0].domains == ("no", "yes")
    assert features[0].completeness == 0.69  # Wald lower bound of 25/30, rounded down
    assert features[1].domains is None  # every value seen once
    assert features[3].completeness == 0.0 and features[3].is_non_negative is None


def test_deequ_type_rules() -> None:
    cases = {
        "i": (["1", "-2", "+ 3"], InferredType.INTEGRAL),
        "f": (["1", "1.0", "1e5"], InferredType.FRACTIONAL),
        "s": (["1", "NaN", "2"], InferredType.STRING),
        "b": (["true", "1", "false"], InferredType.STRING),
    }
    batch = pa.record_batch({k: v for k, (v, _) in cases.items()})
    result = finalize(profile_batch(batch))
    assert [c.inferred_type for c in result.columns] == [t for _, t in cases.values()]
    integral = result.columns[0].numeric
    assert integral is not None and integral.sum == 2.0 and integral.min == -2.0
    assert math.isclose(result.columns[1].numeric.max, 1e5)  # type: ignore[union-attr]


def test_integer_fast_path_keeps_deequs_rules() -> None:
    """Columns Arrow could parse as integers but Deequ types otherwise, and the reverse."""
    cases = {
        "hex": (["0x10", "1", "2"], (2, 0, 1)),  # Arrow reads hex; Deequ: a String
        "zeros": (["007", "-5", "10"], (3, 0, 0)),
        "spaced": ([" 5", "+5", "- 5"], (3, 0, 0)),  # Deequ allows these, Arrow does not
        "trailing": (["5 ", "6", "7"], (2, 0, 1)),
        "huge": (["99999999999999999999", "1", "2"], (3, 0, 0)),
        "mixed": (["1", "2.5", "true"], (1, 1, 1)),
    }
    batch = pa.record_batch({k: v for k, (v, _) in cases.items()})
    state = profile_batch(batch)
    for column, (_, (integral, fractional, string)) in zip(
        state.columns, cases.values(), strict=True
    ):
        assert (column.integral, column.fractional, column.string + column.boolean) == (
            integral,
            fractional,
            string,
        ), column.name
    spaced = finalize(state).columns[2].numeric
    assert spaced is not None and spaced.sum == 5.0 + 5.0 - 5.0


def test_suggested_completeness_follows_deequs_retain_rule() -> None:
    from plimsoll.engines.profile.suggest import suggested_completeness

    assert suggested_completeness(1_000, 1_000) == 1.0
    assert suggested_completeness(980_000, 1_000_000) == 0.97  # 0.97973 rounded down
    assert suggested_completeness(150, 200) == 0.68
    assert suggested_completeness(10, 100) == 0.1  # at most 20 %: the observed share
    assert suggested_completeness(0, 0) == 0.0
