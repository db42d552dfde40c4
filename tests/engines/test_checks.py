"""The data-quality checks engine on synthetic profiles."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import pyarrow as pa
import pytest

from plimsoll.engines.checks import (
    CategoricalDriftMethod,
    ChecksConfig,
    CheckType,
    ComparisonMethod,
    FeatureChecks,
    Violation,
    checks_config_from_suggestion,
    format_double,
    get_stattest,
    run_checks,
)
from plimsoll.engines.checks.chi_squared import chi_squared_p_value, chi_squared_sf
from plimsoll.engines.checks.drift import kll_distance, low_sample_correction
from plimsoll.engines.checks.stattest import stattest_ids
from plimsoll.engines.profile import (
    InferredType,
    ProfileResult,
    ProfileState,
    finalize,
    profile_batch,
    suggest_constraints,
)
from plimsoll.engines.profile.columns import STRING_VALUE_CAP


def _state(**columns: Sequence[str | None]) -> ProfileState:
    return profile_batch(pa.table({k: pa.array(list(v), pa.string()) for k, v in columns.items()}))


def _baseline(**columns: Sequence[str | None]) -> tuple[ProfileResult, ChecksConfig]:
    result = finalize(_state(**columns))
    return result, checks_config_from_suggestion(suggest_constraints(result))


def _types(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.feature_name, v.constraint_check_type.value) for v in violations]


NUMS = [str(i) for i in range(200)]
FRACS = [f"{i}.5" for i in range(200)]
CATS = ["a", "b", "c", "d"] * 50


def test_identical_data_has_no_violation() -> None:
    base, cfg = _baseline(n=NUMS, f=FRACS, s=CATS)
    assert cfg.features[2].domains == ("a", "b", "c", "d")
    assert run_checks(base, cfg, _state(n=NUMS, f=FRACS, s=CATS)) == []


def test_data_type_check_wording_and_threshold() -> None:
    base, cfg = _baseline(n=NUMS)
    current = _state(n=["1", "2", "3", "4.5"])
    [violation] = run_checks(base, cfg, current)
    assert violation == Violation(
        feature_name="n",
        constraint_check_type=CheckType.DATA_TYPE,
        description="Data type match requirement is not met. Expected data type: Integral, "
        "Expected match: 100.0%. Observed: Only 75.0% of data is Integral.",
    )
    relaxed = dataclasses.replace(cfg, datatype_check_threshold=0.75)
    assert run_checks(base, relaxed, current) == []


def test_integral_values_satisfy_fractional_and_strings_anything() -> None:
    base, cfg = _baseline(f=FRACS, s=CATS)
    assert run_checks(None, cfg, _state(f=["1", "2.5"], s=["a", "b"])) == []
    violations = run_checks(None, cfg, _state(f=["x", "2.5"], s=["a", "b"]))
    assert _types(violations) == [("f", "data_type_check")]
    assert "Only 50.0% of data is Fractional." in violations[0].description


def test_missing_values_do_not_count_against_the_type() -> None:
    base, cfg = _baseline(n=NUMS)
    violations = run_checks(base, cfg, _state(n=["1", None, "", "2"]))
    assert _types(violations) == [("n", "completeness_check")]
    assert violations[0].description == (
        "Data completeness requirement is not met. Expected completeness: 100.0%. "
        "Observed: Only 50.0% of data is complete."
    )


def test_completeness_uses_the_feature_constraint() -> None:
    base, cfg = _baseline(n=[*NUMS[:150], *[None] * 50])
    assert cfg.features[0].completeness == 0.68  # Deequ: Wald lower bound of 0.75, n=200
    assert run_checks(base, cfg, _state(n=["1", "2", "3", None])) == []
    assert _types(run_checks(base, cfg, _state(n=["1", "2", None, None]))) == [
        ("n", "completeness_check")
    ]


def test_domains_and_content_threshold() -> None:
    base, cfg = _baseline(s=CATS)
    current = _state(s=["a", "b", "c", "zzz"])
    violations = run_checks(base, dataclasses.replace(cfg, perform_comparison=False), current)
    assert _types(violations) == [("s", "categorical_values_check")]
    assert "Observed: Only 75.0% of data is within the baseline domains." in (
        violations[0].description
    )
    relaxed = dataclasses.replace(cfg, domain_content_threshold=0.75, perform_comparison=False)
    assert run_checks(base, relaxed, current) == []


def test_domains_with_too_many_distinct_values() -> None:
    base, cfg = _baseline(s=CATS)
    many = _state(s=[f"v{i}" for i in range(STRING_VALUE_CAP + 1)])
    cfg = dataclasses.replace(cfg, perform_comparison=False)
    violations = run_checks(base, cfg, many)
    assert _types(violations) == [("s", "categorical_values_check")]
    assert run_checks(base, dataclasses.replace(cfg, domain_content_threshold=0.5), many) == []


def test_missing_and_extra_columns_match_by_position() -> None:
    base, cfg = _baseline(a=NUMS, b=NUMS)
    missing = run_checks(base, cfg, _state(x=NUMS))
    assert _types(missing) == [("b", "missing_column_check")]
    assert missing[0].description == (
        "There are missing columns in current dataset. Number of columns in current "
        "dataset: 1, Number of columns in baseline constraints: 2"
    )
    extra = run_checks(base, cfg, _state(x=NUMS, y=NUMS, z=["q"] * 200))
    assert _types(extra) == [("z", "extra_column_check")]


def test_numerical_drift_violation_and_description() -> None:
    base, cfg = _baseline(n=NUMS)
    shifted = _state(n=[str(i + 100) for i in range(200)])
    [violation] = run_checks(base, cfg, shifted)
    assert violation.constraint_check_type is CheckType.BASELINE_DRIFT
    robust = 0.5 - low_sample_correction(200, 200)
    assert violation.description == (
        f"Baseline drift distance: {format_double(robust)} exceeds threshold: 0.1"
    )
    assert run_checks(base, dataclasses.replace(cfg, perform_comparison=False), shifted) == []


def test_drift_threshold_is_strict_and_method_matters() -> None:
    base, cfg = _baseline(n=NUMS)
    current = _state(n=[str(i + 30) for i in range(200)])  # KS distance 30/200 = 0.15
    simple = dataclasses.replace(cfg, comparison_method=ComparisonMethod.SIMPLE)
    assert len(run_checks(base, simple, current)) == 1
    assert run_checks(base, dataclasses.replace(simple, comparison_threshold=0.15), current) == []
    assert run_checks(base, cfg, current) == []  # robust: 0.15 - 0.18 -> 0.0


def test_kll_distance_on_levels() -> None:
    base = ((1.0, 2.0, 3.0, 4.0),)
    cur = ((3.0, 4.0, 5.0, 6.0),)
    assert kll_distance(base, cur, ComparisonMethod.SIMPLE) == 0.5
    assert kll_distance(base, cur, ComparisonMethod.ROBUST) == 0.0
    assert kll_distance(base, base, ComparisonMethod.SIMPLE) == 0.0
    # Level-1 items weigh 2: cdf of ((1,), (2,)) at 1 is 1/3.
    assert kll_distance(((1.0,), (2.0,)), ((1.0, 2.0),), ComparisonMethod.SIMPLE) == pytest.approx(
        0.5 - 1 / 3
    )
    assert math.isnan(kll_distance((), base, ComparisonMethod.SIMPLE))


def test_kll_distance_of_compacted_sketches() -> None:
    values = [str(i % 997) for i in range(20_000)]
    base, cfg = _baseline(n=values)
    same = finalize(_state(n=values[::-1]))
    assert base.columns[0].numeric is not None and same.columns[0].numeric is not None
    assert len(base.columns[0].numeric.sketch_levels) > 1  # compacted
    distance = kll_distance(
        base.columns[0].numeric.sketch_levels,
        same.columns[0].numeric.sketch_levels,
        ComparisonMethod.SIMPLE,
    )
    assert distance < 0.02
    assert run_checks(base, cfg, _state(n=values[::-1])) == []


def test_no_drift_check_when_the_type_check_fails() -> None:
    base, cfg = _baseline(label=["0", "1"] * 100)
    current = _state(label=[f"0.{i:03d}7" for i in range(200)])
    violations = run_checks(base, cfg, current)
    assert _types(violations) == [("label", "data_type_check")]
    assert "Only 0.0% of data is Integral." in violations[0].description


def test_categorical_drift_linfinity() -> None:
    base, cfg = _baseline(s=["a", "b"] * 50)
    current = _state(s=["a"] * 90 + ["b"] * 10)
    [violation] = run_checks(base, cfg, current)
    expected = 0.4 - low_sample_correction(100, 100)
    assert violation.constraint_check_type is CheckType.BASELINE_DRIFT
    assert violation.description.startswith(f"Baseline drift distance: {format_double(expected)}")
    loose = dataclasses.replace(cfg, categorical_comparison_threshold=0.2)
    assert run_checks(base, loose, current) == []


def test_categorical_drift_chi_squared() -> None:
    base, cfg = _baseline(s=["a", "b"] * 50)
    chi = dataclasses.replace(cfg, categorical_drift_method=CategoricalDriftMethod.CHI_SQUARED)
    [violation] = run_checks(base, chi, _state(s=["a"] * 90 + ["b"] * 10))
    assert violation.description.startswith("Baseline drift p-value: ")
    assert run_checks(base, chi, _state(s=["a", "b"] * 40)) == []


def test_chi_squared_values() -> None:
    assert chi_squared_sf(3.841458820694124, 1) == pytest.approx(0.05, rel=1e-9)
    assert chi_squared_sf(5.991464547107979, 2) == pytest.approx(0.05, rel=1e-9)
    assert chi_squared_sf(7.814727903251178, 3) == pytest.approx(0.05, rel=1e-9)
    assert chi_squared_sf(0.0, 4) == 1.0
    # 50/50 expected, 60/40 observed: statistic 4.0 on 1 df.
    p = chi_squared_p_value({"a": 50, "b": 50}, {"a": 60, "b": 40}, ComparisonMethod.ROBUST)
    assert p == pytest.approx(chi_squared_sf(4.0, 1))
    # Small expected categories are merged; a single remaining category gives no result.
    assert math.isnan(chi_squared_p_value({"a": 9, "b": 1}, {"a": 5}, ComparisonMethod.SIMPLE))


def test_evaluate_switches() -> None:
    base, cfg = _baseline(n=NUMS, m=NUMS)
    bad = _state(n=["x"] * 10, m=["y"] * 10)
    assert run_checks(base, dataclasses.replace(cfg, evaluate_constraints=False), bad) == []
    one_off = dataclasses.replace(
        cfg, features=(dataclasses.replace(cfg.features[0], evaluate=False), cfg.features[1])
    )
    assert _types(run_checks(base, one_off, bad)) == [("m", "data_type_check")]


def test_config_without_baseline_statistics_skips_drift() -> None:
    cfg = ChecksConfig(features=(FeatureChecks(name="n", inferred_type=InferredType.INTEGRAL),))
    assert run_checks(None, cfg, _state(n=[str(i + 1000) for i in range(50)])) == []


def test_registry_and_format_double() -> None:
    assert set(stattest_ids()) >= {
        "numerical_linf",
        "categorical_linf",
        "categorical_chi_squared",
    }
    assert not get_stattest("categorical_chi_squared").higher_is_drift
    cases = {
        100.0: "100.0",
        0.0: "0.0",
        99.64592817400101: "99.64592817400101",
        5.092682820403929e-4: "5.092682820403929E-4",
        1e-4: "1.0E-4",
        1.5e7: "1.5E7",
        -2.5e-5: "-2.5E-5",
        float("nan"): "NaN",
    }
    for value, text in cases.items():
        assert format_double(value) == text
