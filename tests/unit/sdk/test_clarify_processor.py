"""The processing jobs ``SageMakerClarifyProcessor`` creates, as SageMaker SDK v2.199 creates them.

Each test runs a ``run_*`` method with ``wait=False`` against an embedded service and reads the
created job back with DescribeProcessingJob; the job itself may go on to fail (no model exists),
which does not change its request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from plimsoll import clarify
from plimsoll.errors import ValidationError
from plimsoll.s3 import S3Downloader
from plimsoll.sdk._clarify import analysis_config as generate
from plimsoll.session import Session
from plimsoll.settings import Settings

HEADERS = ["Label", "F1", "F2", "P"]
ROWS = "Label,F1,F2,P\n1,0,3.5,1\n0,1,2.0,0\n1,1,1.5,1\n0,0,0.5,0\n"


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with Session(settings=settings) as opened:
        yield opened


@pytest.fixture
def data_uri(session: Session) -> str:
    uri = f"s3://{session.default_bucket()}/clarify/in/data.csv"
    session.upload_string_as_file_body(ROWS, session.default_bucket(), "clarify/in/data.csv")
    return uri


def _processor(session: Session, **kwargs: Any) -> clarify.SageMakerClarifyProcessor:
    return clarify.SageMakerClarifyProcessor(
        role="SageMakerRole",
        instance_count=1,
        instance_type="ml.m5.xlarge",
        sagemaker_session=session,
        **kwargs,
    )


def _data(data_uri: str, output: str, **kwargs: Any) -> clarify.DataConfig:
    return clarify.DataConfig(
        s3_data_input_path=data_uri,
        s3_output_path=output,
        label="Label",
        headers=HEADERS,
        dataset_type="text/csv",
        **kwargs,
    )


BIAS = clarify.BiasConfig(
    label_values_or_threshold=[1], facet_name="F1", facet_values_or_threshold=[1]
)


def _latest(processor: clarify.SageMakerClarifyProcessor) -> dict[str, Any]:
    assert processor.latest_job is not None
    return processor.sagemaker_session.describe_processing_job(processor.latest_job.job_name)


def _by_name(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def test_pre_training_bias_job_request(session: Session, data_uri: str) -> None:
    output = f"s3://{session.default_bucket()}/clarify/out"
    processor = _processor(session, env={"A": "b"}, max_runtime_in_seconds=600)
    data = _data(data_uri, output, s3_compression_type="None")
    processor.run_pre_training_bias(data, BIAS, methods=["CI", "DPL"], wait=False, logs=False)

    desc = _latest(processor)
    assert desc["ProcessingJobName"].startswith("Clarify-Pretraining-Bias-")
    region = session.boto_region_name
    assert desc["AppSpecification"] == {
        "ImageUri": f"205585389593.dkr.ecr.{region}.amazonaws.com/sagemaker-clarify-processing:1.0"
    }
    assert desc["Environment"] == {"A": "b"}
    assert desc["StoppingCondition"] == {"MaxRuntimeInSeconds": 600}
    inputs = _by_name(desc["ProcessingInputs"], "InputName")
    assert [i["InputName"] for i in desc["ProcessingInputs"]] == ["dataset", "analysis_config"]
    assert inputs["dataset"]["S3Input"] == {
        "S3Uri": data_uri,
        "LocalPath": "/opt/ml/processing/input/data",
        "S3DataType": "S3Prefix",
        "S3InputMode": "File",
        "S3DataDistributionType": "FullyReplicated",
        "S3CompressionType": "None",
    }
    assert inputs["analysis_config"]["S3Input"] == {
        "S3Uri": f"{output}/analysis_config.json",
        "LocalPath": "/opt/ml/processing/input/config",
        "S3DataType": "S3Prefix",
        "S3InputMode": "File",
        "S3DataDistributionType": "FullyReplicated",
        "S3CompressionType": "None",
    }
    outputs = desc["ProcessingOutputConfig"]["Outputs"]
    assert outputs == [
        {
            "OutputName": "analysis_result",
            "AppManaged": False,
            "S3Output": {
                "S3Uri": output,
                "LocalPath": "/opt/ml/processing/output",
                "S3UploadMode": "EndOfJob",
            },
        }
    ]
    # The stored file is exactly the SDK's json.dump of the generated config.
    expected = generate.for_pre_training_bias(data, BIAS, ["CI", "DPL"])
    stored = S3Downloader.read_file(f"{output}/analysis_config.json", sagemaker_session=session)
    assert stored == json.dumps(expected)
    assert processor._last_analysis_config == expected


def test_config_goes_to_analysis_config_output_path_and_gzip_is_kept(
    session: Session, data_uri: str
) -> None:
    bucket = session.default_bucket()
    data = _data(
        data_uri,
        f"s3://{bucket}/clarify/out",
        s3_analysis_config_output_path=f"s3://{bucket}/clarify/config",
        s3_compression_type="Gzip",
    )
    processor = _processor(session)
    processor.run_pre_training_bias(data, BIAS, wait=False, logs=False, job_name="my-clarify")

    desc = _latest(processor)
    assert desc["ProcessingJobName"] == "my-clarify"
    inputs = _by_name(desc["ProcessingInputs"], "InputName")
    config_uri = inputs["analysis_config"]["S3Input"]["S3Uri"]
    assert config_uri == f"s3://{bucket}/clarify/config/analysis_config.json"
    assert inputs["dataset"]["S3Input"]["S3CompressionType"] == "Gzip"
    stored = json.loads(S3Downloader.read_file(config_uri, sagemaker_session=session))
    assert stored["methods"]["pre_training_bias"] == {"methods": "all"}


def _post_training(p: clarify.SageMakerClarifyProcessor, data: clarify.DataConfig) -> None:
    p.run_post_training_bias(data, BIAS, None, None, wait=False, logs=False)


def _bias(p: clarify.SageMakerClarifyProcessor, data: clarify.DataConfig) -> None:
    p.run_bias(data, BIAS, wait=False, logs=False)


MODEL = clarify.ModelConfig(model_name="m", instance_type="ml.m5.xlarge", instance_count=1)
SHAP = clarify.SHAPConfig(baseline=[[0, 1.0]], num_samples=4, agg_method="mean_abs")


def _explainability(p: clarify.SageMakerClarifyProcessor, data: clarify.DataConfig) -> None:
    p.run_explainability(data, MODEL, SHAP, model_scores=0, wait=False, logs=False)


def _bias_and_explainability(
    p: clarify.SageMakerClarifyProcessor, data: clarify.DataConfig
) -> None:
    p.run_bias_and_explainability(data, MODEL, SHAP, BIAS, wait=False, logs=False)


RUNS: dict[str, tuple[Callable[..., None], str, list[str]]] = {
    "post": (_post_training, "Clarify-Posttraining-Bias-", ["report", "post_training_bias"]),
    "bias": (_bias, "Clarify-Bias-", ["report", "pre_training_bias", "post_training_bias"]),
    "explain": (_explainability, "Clarify-Explainability-", ["report", "shap"]),
    "both": (
        _bias_and_explainability,
        "Clarify-Bias-And-Explainability-",
        ["report", "pre_training_bias", "post_training_bias", "shap"],
    ),
}


@pytest.mark.parametrize("case", sorted(RUNS))
def test_each_run_method_names_its_job_and_writes_its_methods(
    session: Session, data_uri: str, case: str
) -> None:
    run, prefix, methods = RUNS[case]
    output = f"s3://{session.default_bucket()}/clarify/{case}"
    data = _data(data_uri, output, predicted_label="P")
    processor = _processor(session)
    run(processor, data)
    desc = _latest(processor)
    assert desc["ProcessingJobName"].startswith(prefix)
    stored = json.loads(
        S3Downloader.read_file(f"{output}/analysis_config.json", sagemaker_session=session)
    )
    assert list(stored["methods"]) == methods

    prefixed = _processor(session, job_name_prefix="my-prefix")
    run(prefixed, data)
    assert _latest(prefixed)["ProcessingJobName"].startswith("my-prefix-")


def test_local_output_path_stays_local(session: Session, tmp_path: Path) -> None:
    data_file = tmp_path / "data.csv"
    data_file.write_text(ROWS)
    out = tmp_path / "results"
    processor = _processor(session)
    data = _data(str(data_file), f"file://{out}")
    processor.run_pre_training_bias(data, BIAS, wait=False, logs=False)

    desc = _latest(processor)
    inputs = _by_name(desc["ProcessingInputs"], "InputName")
    assert inputs["analysis_config"]["S3Input"]["S3Uri"] == f"file://{out}/analysis_config.json"
    assert inputs["dataset"]["S3Input"]["S3Uri"] == str(data_file)
    assert desc["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] == f"file://{out}"
    written = json.loads((out / "analysis_config.json").read_text())
    assert written == generate.for_pre_training_bias(data, BIAS)


def test_schema_errors_raise_validation_error_unless_skipped(
    session: Session, data_uri: str
) -> None:
    output = f"s3://{session.default_bucket()}/clarify/bad"
    # The schema wants string headers; DataConfig does not check them.
    data = clarify.DataConfig(data_uri, output, label="Label", headers=[0, 1, 2, 3])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="headers"):
        _processor(session).run_pre_training_bias(data, BIAS, wait=False, logs=False)
    assert session.list_s3_files(session.default_bucket(), "clarify/bad") == []

    skipping = _processor(session, skip_early_validation=True)
    skipping.run_pre_training_bias(data, BIAS, wait=False, logs=False)
    assert _latest(skipping)["ProcessingJobName"].startswith("Clarify-Pretraining-Bias-")


def test_image_dataset_uploads_continuously(session: Session, data_uri: str) -> None:
    output = f"s3://{session.default_bucket()}/clarify/images"
    data = clarify.DataConfig(data_uri, output, dataset_type="application/x-image")
    processor = _processor(session, skip_early_validation=True)
    processor.run_explainability(data, MODEL, SHAP, wait=False, logs=False)
    s3_output = _latest(processor)["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]
    assert s3_output["S3UploadMode"] == "Continuous"


def test_sdk_errors_of_the_processor(session: Session, data_uri: str) -> None:
    processor = _processor(session)
    with pytest.raises(NotImplementedError, match="run_pre_training_bias"):
        processor.run()
    data = _data(data_uri, f"s3://{session.default_bucket()}/clarify/x")
    with pytest.raises(ValueError, match="Logs can only be shown if wait is set to True"):
        processor.run_pre_training_bias(data, BIAS, wait=False)
    with pytest.raises(ValueError, match="Unsupported clarify version: 2.0"):
        _processor(session, version="2.0")
    assert _processor(session, version="1.0").image_uri == processor.image_uri
