"""DefaultModelMonitor.suggest_baseline end to end, embedded: SageMaker's code, real data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.exceptions import UnexpectedStatusException
from plimsoll.model_monitor import (
    Constraints,
    DatasetFormat,
    DefaultModelMonitor,
    ModelQualityMonitor,
    Statistics,
)
from plimsoll.session import Session
from plimsoll.settings import Settings

CHURN = (
    Path(__file__).resolve().parents[3]
    / "shared/reference/model_monitor/examples_data_quality_churn"
)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with Session(settings=settings) as opened:
        yield opened


def test_suggest_baseline_reproduces_sagemakers_constraints(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    monitor = DefaultModelMonitor(
        role="any", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session
    )
    job = monitor.suggest_baseline(
        baseline_dataset=str(CHURN / "baseline_input/training-dataset-with-header.csv"),
        dataset_format=DatasetFormat.csv(header=True),
        output_s3_uri=f"s3://{session.default_bucket()}/churn/baseline",
        wait=True,
        logs=True,
    )
    assert job.describe()["ProcessingJobStatus"] == "Completed"
    assert "Performing analysis with input" in capsys.readouterr().out  # the job's log streamed
    statistics = monitor.baseline_statistics()
    constraints = monitor.suggested_constraints()
    assert isinstance(statistics, Statistics) and isinstance(constraints, Constraints)
    assert statistics.body_dict["dataset"]["item_count"] == 2333
    real = json.loads((CHURN / "baseline_output/constraints.json").read_text())
    assert constraints.body_dict == real
    assert constraints.file_s3_uri.endswith("churn/baseline/constraints.json")

    constraints.set_monitoring(False)
    constraints.set_monitoring(False, feature_name="Churn")
    constraints.save()
    again = Constraints.from_s3_uri(constraints.file_s3_uri, sagemaker_session=session)
    assert again.body_dict["monitoring_config"]["evaluate_constraints"] == "Disabled"
    churn = next(f for f in again.body_dict["features"] if f["name"] == "Churn")
    assert churn["string_constraints"]["monitoring_config_overrides"] == {
        "evaluate_constraints": "Disabled"
    }


def test_files_of_a_failed_baseline_raise_unexpected_status(
    session: Session, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b\n")
    monitor = DefaultModelMonitor(role="any", sagemaker_session=session)
    job = monitor.suggest_baseline(
        baseline_dataset=str(empty), dataset_format=DatasetFormat.csv(header=True), wait=False
    )
    with pytest.raises(UnexpectedStatusException, match="Job inputs had no data"):
        job.wait(logs=False)
    with pytest.raises(UnexpectedStatusException, match="not in 'Completed' state"):
        monitor.baseline_statistics()
    with pytest.raises(ValueError, match="No suggestion jobs were kicked off"):
        DefaultModelMonitor(role="any", sagemaker_session=session).suggested_constraints()


QUALITY = (
    Path(__file__).resolve().parents[3]
    / "shared/reference/model_monitor/examples_model_quality_churn"
)


def test_model_quality_suggest_baseline_reproduces_the_churn_baseline(session: Session) -> None:
    """ModelQualityMonitor.suggest_baseline as the churn notebook calls it, run by the
    analyzer's MODEL_QUALITY mode: the real metrics and suggested thresholds come back."""
    monitor = ModelQualityMonitor(
        role="any", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session
    )
    job = monitor.suggest_baseline(
        baseline_dataset=str(QUALITY / "baseline_input/validation_with_predictions.csv"),
        dataset_format=DatasetFormat.csv(header=True),
        output_s3_uri=f"s3://{session.default_bucket()}/churn/quality-baseline",
        problem_type="BinaryClassification",
        inference_attribute="prediction",
        probability_attribute="probability",
        ground_truth_attribute="label",
        wait=True,
    )
    assert job.describe()["ProcessingJobStatus"] == "Completed"
    metrics = monitor.baseline_statistics().body_dict["binary_classification_metrics"]
    assert metrics["confusion_matrix"] == {"0": {"0": 173, "1": 0}, "1": {"0": 12, "1": 16}}
    assert metrics["auc"]["value"] == pytest.approx(0.9395127993393898, abs=1e-15)
    constraints = monitor.suggested_constraints().body_dict["binary_classification_constraints"]
    assert constraints["recall"] == {
        "threshold": 0.5714285714285714,
        "comparison_operator": "LessThanThreshold",
    }
    assert constraints["false_positive_rate"]["comparison_operator"] == "GreaterThanThreshold"
