from __future__ import annotations

import pytest

from plimsoll.model_monitor import CronExpressionGenerator, DatasetFormat, MonitoringDatasetFormat
from plimsoll.model_monitor.dataset_format import DatasetFormat as DatasetFormatAtSdkPath


def test_cron_expressions_are_the_sdks() -> None:
    assert CronExpressionGenerator.hourly() == "cron(0 * ? * * *)"
    assert CronExpressionGenerator.daily() == "cron(0 0 ? * * *)"
    assert CronExpressionGenerator.daily(hour=13) == "cron(0 13 ? * * *)"
    assert CronExpressionGenerator.daily_every_x_hours(6, starting_hour=2) == "cron(0 2/6 ? * * *)"
    assert CronExpressionGenerator.now() == "NOW"


@pytest.mark.parametrize(
    "call",
    [
        lambda: CronExpressionGenerator.daily(hour=24),
        lambda: CronExpressionGenerator.daily_every_x_hours(0),
        lambda: CronExpressionGenerator.daily_every_x_hours(3, starting_hour=-1),
    ],
)
def test_bad_hours_are_refused(call: object) -> None:
    with pytest.raises(ValueError, match="must be between"):
        call()  # type: ignore[operator]


def test_dataset_formats_are_the_sdks() -> None:
    assert DatasetFormat.csv() == {"csv": {"header": True, "output_columns_position": "START"}}
    assert DatasetFormat.csv(header=False, output_columns_position="END") == {
        "csv": {"header": False, "output_columns_position": "END"}
    }
    assert DatasetFormat.json() == {"json": {"lines": True}}
    assert DatasetFormat.sagemaker_capture_json() == {"sagemakerCaptureJson": {}}
    assert MonitoringDatasetFormat.csv(header=False) == {"Csv": {"Header": False}}
    assert MonitoringDatasetFormat.json() == {"Json": {"Line": True}}
    assert MonitoringDatasetFormat.parquet() == {"Parquet": {}}
    assert DatasetFormatAtSdkPath is DatasetFormat
    with pytest.raises(ValueError, match="START or END"):
        DatasetFormat.csv(output_columns_position="MIDDLE")
