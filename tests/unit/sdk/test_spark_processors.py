"""The Spark processors' requests, staged files, checks and image URIs (SDK v2.199)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plimsoll.processing import ProcessingInput
from plimsoll.s3 import S3Downloader
from plimsoll.session import Session
from plimsoll.spark import PySparkProcessor as TopLevelPySparkProcessor
from plimsoll.spark.processing import PySparkProcessor, SparkConfigUtils, SparkJarProcessor
from tests.unit.sdk.fakes import RecordingClient

REFERENCE = Path("/work/shared/reference/processing_and_capture/sdk_v2_199_tests")
IMAGE = "790336243319.dkr.ecr.us-west-2.amazonaws.com/sagemaker-spark:0.1"
BUCKET = "sagemaker-us-east-1-000000000000"


def _pyspark(session: Session, **kwargs: object) -> PySparkProcessor:
    return PySparkProcessor(
        base_job_name="sm-spark",
        role="AmazonSageMaker-ExecutionRole",
        instance_count=1,
        instance_type="ml.c5.xlarge",
        image_uri=IMAGE,
        sagemaker_session=session,
        **kwargs,  # type: ignore[arg-type]
    )


def test_top_level_alias_is_the_sdk_class() -> None:
    assert TopLevelPySparkProcessor is PySparkProcessor


# The SDK's own cases (tests/unit/sagemaker/spark/test_processing.py).
HAPPY = [
    {"Classification": "core-site", "Properties": {"hadoop.security.groups.cache.secs": "250"}},
    [
        {"Classification": "core-site", "Properties": {"hadoop.security.groups.cache.secs": "2"}},
        {"Classification": "spark-defaults", "Properties": {"spark.driver.memory": "2"}},
    ],
    [
        {
            "Classification": "yarn-env",
            "Properties": {},
            "Configurations": [{"Classification": "export", "Properties": {"A": "-X"}}],
        }
    ],
]
BAD = [
    {"Classification": "invalid-site", "Properties": {}},
    [{"Classification": "invalid-site", "Properties": {}}],
    {"Properties": {}},
    [{"Properties": {}}],
    {"Classification": "core-site"},
    [{"Classification": "core-site"}],
]


@pytest.mark.parametrize("config", HAPPY)
def test_valid_configurations_pass(config: object) -> None:
    SparkConfigUtils.validate_configuration(config)


@pytest.mark.parametrize("config", BAD)
def test_invalid_configurations_raise(config: object) -> None:
    with pytest.raises(ValueError):
        SparkConfigUtils.validate_configuration(config)


def test_reference_configuration_file_is_valid() -> None:
    config = json.loads((REFERENCE / "spark__conf__configuration.json").read_text())
    SparkConfigUtils.validate_configuration(config)


@pytest.mark.parametrize(
    ("framework_version", "py_version", "container_version", "expected"),
    [
        ("2.4", "py37", "1", "sagemaker-spark-processing:2.4-cpu-py37-v1"),
        ("2.4", None, None, "sagemaker-spark-processing:2.4-cpu"),
        ("3.0", None, None, "sagemaker-spark-processing:3.0-cpu"),
        ("3.3", "py39", "2", "sagemaker-spark-processing:3.3-cpu-py39-v2"),
    ],
)
def test_image_uri_as_sdk(
    session: Session,
    framework_version: str,
    py_version: str | None,
    container_version: str | None,
    expected: str,
) -> None:
    processor = PySparkProcessor(
        framework_version=framework_version,
        py_version=py_version,
        container_version=container_version,
        instance_type="ml.c5.xlarge",
        sagemaker_session=session,
    )
    assert processor.image_uri == f"173754725891.dkr.ecr.us-east-1.amazonaws.com/{expected}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"framework_version": "invalidFrameworkVersion"}, "Unsupported spark version"),
        ({"framework_version": "2.4", "container_version": "1"}, "Both or neither"),
        ({"framework_version": "2.4", "py_version": "py37"}, "Both or neither"),
    ],
)
def test_bad_image_arguments_raise(session: Session, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PySparkProcessor(instance_type="ml.c5.xlarge", sagemaker_session=session, **kwargs)


def test_pyspark_request_and_staged_files(
    session: Session, client: RecordingClient, tmp_path: Path
) -> None:
    app = tmp_path / "app.py"
    app.write_text("print('app')\n")
    helper = tmp_path / "helper.py"
    helper.write_text("VALUE = 1\n")
    configuration = {"Classification": "spark-defaults", "Properties": {"spark.x": "1"}}
    processor = _pyspark(session)
    processor.run(
        submit_app=str(app),
        submit_py_files=[str(helper), "s3://deps/more.py"],
        arguments=["--n", "3"],
        configuration=configuration,
        spark_event_logs_s3_uri="s3://bucket/spark-events",
        job_name="spark-job",
        wait=False,
        logs=False,
    )
    request = client.request
    assert request["AppSpecification"] == {
        "ImageUri": IMAGE,
        "ContainerArguments": ["--n", "3"],
        "ContainerEntrypoint": [
            "smspark-submit",
            "--py-files",
            "s3://deps/more.py,/opt/ml/processing/input/py-files",
            "--local-spark-event-logs-dir",
            "/opt/ml/processing/spark-events/",
            "/opt/ml/processing/input/code/app.py",
        ],
    }
    inputs = {i["InputName"]: i["S3Input"] for i in request["ProcessingInputs"]}
    assert list(inputs) == ["py-files", "conf", "code"]
    assert inputs["py-files"]["S3Uri"] == f"s3://{BUCKET}/spark-job/input/py-files"
    assert inputs["conf"]["LocalPath"] == "/opt/ml/processing/input/conf"
    assert request["ProcessingOutputConfig"]["Outputs"] == [
        {
            "OutputName": "output-1",
            "AppManaged": False,
            "S3Output": {
                "S3Uri": "s3://bucket/spark-events",
                "LocalPath": "/opt/ml/processing/spark-events/",
                "S3UploadMode": "Continuous",
            },
        }
    ]
    read = S3Downloader.read_file
    assert json.loads(read(inputs["conf"]["S3Uri"], sagemaker_session=session)) == configuration
    staged = read(f"{inputs['py-files']['S3Uri']}/helper.py", sagemaker_session=session)
    assert staged == "VALUE = 1\n"


def test_second_run_does_not_repeat_options(session: Session, tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("")
    processor = _pyspark(session)
    for _ in range(2):
        processor.run(
            submit_app=str(app),
            submit_files=["s3://f/a.txt"],
            spark_event_logs_s3_uri="s3://bucket/ev",
            wait=False,
            logs=False,
        )
    assert processor.command == [
        "smspark-submit",
        "--files",
        "s3://f/a.txt",
        "--local-spark-event-logs-dir",
        "/opt/ml/processing/spark-events/",
    ]


def test_jar_processor_requires_class_and_passes_it(
    session: Session, client: RecordingClient, tmp_path: Path
) -> None:
    jar = tmp_path / "app.jar"
    jar.write_bytes(b"PK")
    processor = SparkJarProcessor(
        role="r",
        image_uri=IMAGE,
        instance_count=2,
        instance_type="ml.c5.xlarge",
        sagemaker_session=session,
    )
    with pytest.raises(ValueError, match="^submit_class is required$"):
        processor.run(submit_app=str(jar), submit_class="", wait=False, logs=False)
    processor.run(submit_app=str(jar), submit_class="com.example.Main", wait=False, logs=False)
    assert client.request["AppSpecification"]["ContainerEntrypoint"] == [
        "smspark-submit",
        "--class",
        "com.example.Main",
        "/opt/ml/processing/input/code/app.jar",
    ]


def test_get_run_args_stages_without_starting_a_job(
    session: Session, client: RecordingClient, tmp_path: Path
) -> None:
    processor = _pyspark(session)
    run_args = processor.get_run_args(
        submit_app="s3://code/app.py",
        configuration=[{"Classification": "spark-env", "Properties": {}}],
        inputs=[ProcessingInput(source="s3://data/x", destination="/opt/ml/processing/x")],
        job_name="args-job",
    )
    assert client.requests == []
    assert run_args.code == "s3://code/app.py"
    assert [i.input_name for i in run_args.inputs or []] == [None, "conf"]
    assert run_args.outputs is None


def test_history_server_needs_an_event_log_uri(session: Session) -> None:
    processor = _pyspark(session)
    with pytest.raises(ValueError, match="^SPARK_EVENT_LOGS_S3_URI not present"):
        processor.start_history_server()
    assert processor.history_server is None
    processor.terminate_history_server()  # nothing running: a no-op, as in the SDK
