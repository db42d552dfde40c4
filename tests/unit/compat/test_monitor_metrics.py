"""CloudWatch metric files in SageMaker's BYOC format: names, values, file round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from plimsoll.compat.monitor_metrics import (
    MetricDatum,
    MetricFileError,
    StatisticValues,
    data_quality_metrics,
    read_metric_files,
    write_metric_file,
)
from plimsoll.engines.profile import finalize, profile_batch

WHEN = datetime(2019, 11, 26, 3, tzinfo=UTC)


def _profile():  # type: ignore[no-untyped-def]
    return finalize(
        profile_batch(pa.record_batch({"x": ["1", "2", None, "5"], "c": ["a", "b", "b", "a"]}))
    )


def test_data_quality_metric_names_values_and_dimensions() -> None:
    data = data_quality_metrics(
        _profile(), {"x": 0.25, "c": float("nan")}, timestamp=WHEN, endpoint="ep", schedule="s"
    )
    by_name = {d.name: d for d in data}
    assert list(by_name) == [
        "feature_data_x",
        "feature_non_null_x",
        "feature_baseline_drift_x",
        "feature_non_null_c",
    ]
    assert by_name["feature_data_x"].statistic_values == StatisticValues(
        sample_count=3.0, sum=8.0, minimum=1.0, maximum=5.0
    )
    assert by_name["feature_data_x"].value is None
    assert by_name["feature_non_null_x"].value == 0.75
    assert by_name["feature_non_null_c"].value == 1.0
    assert by_name["feature_baseline_drift_x"].value == 0.25
    assert all(d.dimensions == (("Endpoint", "ep"), ("MonitoringSchedule", "s")) for d in data)


def test_batch_transform_metrics_have_only_the_schedule_dimension() -> None:
    data = data_quality_metrics(_profile(), {}, timestamp=WHEN, endpoint=None, schedule="s")
    assert {d.dimensions for d in data} == {(("MonitoringSchedule", "s"),)}


def test_file_is_byoc_json_lines_and_reads_back(tmp_path: Path) -> None:
    data = data_quality_metrics(_profile(), {"x": 0.5}, timestamp=WHEN, endpoint="e", schedule="s")
    path = write_metric_file(tmp_path / "cloudwatch", data)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {
        "MetricName": "feature_data_x",
        "Timestamp": "2019-11-26T03:00:00Z",
        "Dimensions": [
            {"Name": "Endpoint", "Value": "e"},
            {"Name": "MonitoringSchedule", "Value": "s"},
        ],
        "StatisticValues": {"SampleCount": 3.0, "Sum": 8.0, "Minimum": 1.0, "Maximum": 5.0},
    }
    assert lines[1] == {
        "MetricName": "feature_non_null_x",
        "Timestamp": "2019-11-26T03:00:00Z",
        "Dimensions": lines[0]["Dimensions"],
        "Value": 0.75,
    }
    assert read_metric_files(tmp_path / "cloudwatch") == data


def test_reader_accepts_a_json_array_file_and_units(tmp_path: Path) -> None:
    body = [
        {
            "MetricName": "custom",
            "Timestamp": "2024-01-01T00:00:00Z",
            "Dimensions": [],
            "Value": 3,
            "Unit": "Count",
        }
    ]
    (tmp_path / "byoc.json").write_text(json.dumps(body))
    assert read_metric_files(tmp_path) == [
        MetricDatum(
            name="custom",
            timestamp=datetime(2024, 1, 1, tzinfo=UTC),
            dimensions=(),
            value=3.0,
            unit="Count",
        )
    ]
    assert read_metric_files(tmp_path / "absent") == []


@pytest.mark.parametrize(
    "line",
    [
        '{"MetricName": "m", "Timestamp": "2024-01-01T00:00:00Z", "Dimensions": []}',
        '{"MetricName": "m", "Dimensions": [], "Value": 1}',
        "not json",
    ],
)
def test_reader_names_the_bad_file(tmp_path: Path, line: str) -> None:
    (tmp_path / "bad.jsonl").write_text(line + "\n")
    with pytest.raises(MetricFileError, match="bad.jsonl"):
        read_metric_files(tmp_path)
