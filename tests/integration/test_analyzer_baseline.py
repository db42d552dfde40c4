"""The built-in analyzer image run as a plain processing job, as on SageMaker: baselining."""

from __future__ import annotations

import json
from pathlib import Path

from plimsoll.metadata.entities import JobStatus
from plimsoll.services.processing import ProcessingService
from tests.integration._jobs import s3_input, s3_output, unique_name, wait_for

REFERENCE = Path(__file__).resolve().parents[3] / "shared/reference/model_monitor"
CHURN = REFERENCE / "examples_data_quality_churn"
IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"


def _baseline_job(name: str, source: str, output: Path, dataset_format: str):  # type: ignore[no-untyped-def]
    from plimsoll.metadata.entities import ClusterSpec, ProcessingJobSpec

    return ProcessingJobSpec(
        name=name,
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri=IMAGE,
        cluster=ClusterSpec(instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=20),
        inputs=(
            s3_input(
                "baseline_dataset_input", source, "/opt/ml/processing/input/baseline_dataset_input"
            ),
        ),
        outputs=(s3_output("monitoring_output", "/opt/ml/processing/output", str(output)),),
        environment={
            "dataset_format": dataset_format,
            "dataset_source": "/opt/ml/processing/input/baseline_dataset_input",
            "output_path": "/opt/ml/processing/output",
            "publish_cloudwatch_metrics": "Disabled",
        },
    )


def test_baseline_of_the_real_churn_data_matches_sagemakers(
    service: ProcessingService, tmp_path: Path
) -> None:
    out = tmp_path / "baseline"
    csv = CHURN / "baseline_input/training-dataset-with-header.csv"
    spec = _baseline_job(
        unique_name("baseline"),
        str(csv),
        out,
        '{"csv": {"header": true, "output_columns_position": "START"}}',
    )
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=120)
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == "Completed: Job completed successfully with no violations."
    ours = json.loads((out / "constraints.json").read_text())
    real = json.loads((CHURN / "baseline_output/constraints.json").read_text())
    assert ours == real
    stats = json.loads((out / "statistics.json").read_text())
    real_stats = json.loads((CHURN / "baseline_output/statistics.partial.json").read_text())
    assert stats["dataset"] == real_stats["dataset"] == {"item_count": 2333}
    real_by_name = {f["name"]: f for f in real_stats["features"]}
    for feature in stats["features"]:
        if feature["name"] in real_by_name:
            theirs = real_by_name[feature["name"]]
            assert feature["inferred_type"] == theirs["inferred_type"]
            assert (
                feature["numerical_statistics"]["common"]
                == theirs["numerical_statistics"]["common"]
            )


def test_a_bad_dataset_format_fails_with_the_analyzers_message(
    service: ProcessingService, tmp_path: Path
) -> None:
    csv = CHURN / "baseline_input/training-dataset-with-header.csv"
    spec = _baseline_job(unique_name("baseline"), str(csv), tmp_path / "o", "{not json")
    service.create_processing_job(spec)
    job = wait_for(service, spec.name, timeout=60)
    assert job.status is JobStatus.FAILED
    assert (
        job.failure_reason is not None and "dataset_format is not valid JSON" in job.failure_reason
    )
    assert job.failure_reason.endswith("exit code: 1")
