"""SageMakerClarifyProcessor end to end, embedded: SageMaker's calls, the built-in Clarify image."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from plimsoll import clarify
from plimsoll.s3 import S3Downloader
from plimsoll.session import Session
from plimsoll.settings import Settings


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with Session(settings=settings) as opened:
        yield opened


def _dataset() -> tuple[str, float, float]:
    """A CSV where facet ``sex == 0`` is a quarter of the rows and gets fewer positive labels.

    Returns the CSV and the expected CI and DPL of the facet value 0.
    """
    lines = ["income,sex,age"]
    n_d = n_a = pos_d = pos_a = 0
    for i in range(200):
        sex = 0 if i % 4 == 0 else 1
        income = 1 if (i % 5 == 0 if sex == 0 else i % 2 == 0) else 0
        lines.append(f"{income},{sex},{20 + i % 40}")
        if sex == 0:
            n_d, pos_d = n_d + 1, pos_d + income
        else:
            n_a, pos_a = n_a + 1, pos_a + income
    ci = (n_a - n_d) / (n_a + n_d)
    dpl = pos_a / n_a - pos_d / n_d
    return "\n".join(lines) + "\n", ci, dpl


def test_pre_training_bias_writes_analysis_json(session: Session) -> None:
    bucket = session.default_bucket()
    csv, expected_ci, expected_dpl = _dataset()
    session.upload_string_as_file_body(csv, bucket, "clarify/adult/train.csv")
    output = f"s3://{bucket}/clarify/adult/results"
    data = clarify.DataConfig(
        s3_data_input_path=f"s3://{bucket}/clarify/adult/train.csv",
        s3_output_path=output,
        label="income",
        headers=["income", "sex", "age"],
        dataset_type="text/csv",
    )
    bias = clarify.BiasConfig(
        label_values_or_threshold=[1], facet_name="sex", facet_values_or_threshold=[0]
    )
    processor = clarify.SageMakerClarifyProcessor(
        role="any", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session
    )
    processor.run_pre_training_bias(data, bias, methods=["CI", "DPL"], wait=True, logs=False)

    assert processor.latest_job is not None
    assert processor.latest_job.describe()["ProcessingJobStatus"] == "Completed"
    analysis = json.loads(
        S3Downloader.read_file(f"{output}/analysis.json", sagemaker_session=session)
    )
    section = analysis["pre_training_bias_metrics"]
    assert section["label"] == "income" and section["label_value_or_threshold"] == "1"
    (facet,) = section["facets"]["sex"]
    assert facet["value_or_threshold"] == "0"
    metrics = {m["name"]: m["value"] for m in facet["metrics"]}
    assert set(metrics) == {"CI", "DPL"}
    assert metrics["CI"] == pytest.approx(expected_ci)
    assert metrics["DPL"] == pytest.approx(expected_dpl)
