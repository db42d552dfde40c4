"""statistics.json back to a profile: SageMaker's real file and ours, checks on the result."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from plimsoll.compat.monitor_files import profile_result_from_statistics, to_statistics_json
from plimsoll.engines.checks import CheckType, checks_config_from_suggestion, run_checks
from plimsoll.engines.profile import InferredType, finalize, profile_batch, suggest_constraints

REF = Path("/work/shared/reference/model_monitor")
CHURN = REF / "examples_data_quality_churn"
SDK = REF / "sdk_v2.199.0/tests_data_monitor"


def test_sagemakers_real_statistics_are_read() -> None:
    raw = json.loads((CHURN / "baseline_output/statistics.partial.json").read_text())
    result = profile_result_from_statistics(raw)
    assert result.item_count == 2333
    assert [c.name for c in result.columns] == [f["name"] for f in raw["features"]]
    churn = result.columns[0]
    assert churn.inferred_type is InferredType.INTEGRAL
    assert churn.num_present == 2333 and churn.numeric is not None
    assert churn.numeric.sum == 325.0 and churn.numeric.sketch_k == 2048
    assert churn.numeric.buckets[0].count == 2008.0
    day_mins = next(c for c in result.columns if c.name == "Day Mins")
    assert day_mins.numeric is not None
    # level i items weigh 2^i; the weights add up to the present count (spec §4.1)
    weight = sum(len(level) * 2**i for i, level in enumerate(day_mins.numeric.sketch_levels))
    assert weight == day_mins.num_present == 2333
    assert to_statistics_json(result) == raw


def test_sdk_string_statistics_give_frequencies() -> None:
    raw = json.loads((SDK / "statistics.json").read_text())
    result = profile_result_from_statistics(raw)
    message = result.columns[0]
    assert message.inferred_type is InferredType.STRING and message.string is not None
    assert message.string.frequencies is not None
    buckets = raw["features"][0]["string_statistics"]["distribution"]["categorical"]["buckets"]
    assert dict(message.string.frequencies) == {b["value"]: b["count"] for b in buckets}


def test_our_statistics_round_trip() -> None:
    batch = pa.record_batch(
        {
            "x": ["1.5", "2.0", None, "4.0"],
            "c": ["a", "a", "b", None],
            "z": ["0", "0", "0", "0"],
            "u": pa.array([None] * 4, pa.string()),
        }
    )
    stats = json.loads(json.dumps(to_statistics_json(finalize(profile_batch(batch)))))
    assert to_statistics_json(profile_result_from_statistics(stats)) == stats


def test_nan_strings_become_nan() -> None:
    stats = to_statistics_json(finalize(profile_batch(pa.record_batch({"x": ["1", "2"]}))))
    stats["features"][0]["numerical_statistics"]["std_dev"] = "NaN"
    result = profile_result_from_statistics(stats)
    assert result.columns[0].numeric is not None
    assert math.isnan(result.columns[0].numeric.std_dev)


def test_drift_checks_run_on_a_baseline_read_from_file() -> None:
    table = pacsv.read_csv(CHURN / "baseline_input/training-dataset-with-header.csv")
    baseline = finalize(profile_batch(table))
    read_back = profile_result_from_statistics(json.loads(json.dumps(to_statistics_json(baseline))))
    config = checks_config_from_suggestion(suggest_constraints(baseline))
    assert run_checks(read_back, config, profile_batch(table)) == []
    shifted = table.set_column(
        1, "Account Length", pa.compute.add(table.column("Account Length"), 200)
    )
    found = run_checks(read_back, config, profile_batch(shifted))
    assert [(v.feature_name, v.constraint_check_type) for v in found] == [
        ("Account Length", CheckType.BASELINE_DRIFT)
    ]


def test_not_a_statistics_file_is_rejected() -> None:
    with pytest.raises(ValueError):
        profile_result_from_statistics({"features": []})
