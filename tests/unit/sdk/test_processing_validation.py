"""What the processing classes refuse before any request is sent, and job naming."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from plimsoll.processing import (
    FrameworkProcessor,
    ProcessingInput,
    ProcessingOutput,
    Processor,
    RunArgs,
    ScriptProcessor,
)
from plimsoll.session import Session
from tests.unit.sdk.fakes import RecordingClient

TIMESTAMP = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}"


def _processor(session: Session, **kwargs) -> Processor:
    return Processor(
        **{"image_uri": "img", "instance_count": 1, "instance_type": "ml.m5.large", **kwargs},
        sagemaker_session=session,
    )


def _script_processor(session: Session, **kwargs) -> ScriptProcessor:
    return ScriptProcessor(
        image_uri="img",
        command=["python3"],
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
        **kwargs,
    )


def test_logs_without_wait_is_refused_by_processor(
    session: Session, client: RecordingClient
) -> None:
    with pytest.raises(ValueError, match="Logs can only be shown if wait is set to True"):
        _processor(session).run(wait=False, logs=True)
    assert client.requests == []


def test_inputs_and_outputs_must_be_the_sdk_classes(session: Session) -> None:
    with pytest.raises(TypeError, match="inputs must be provided as ProcessingInput objects"):
        _processor(session).run(inputs=["s3://b/in"], wait=False, logs=False)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="outputs must be provided as ProcessingOutput objects"):
        _processor(session).run(outputs=["s3://b/out"], wait=False, logs=False)  # type: ignore[list-item]


def test_code_must_be_an_existing_file_with_a_known_scheme(
    session: Session, tmp_path: Path
) -> None:
    processor = _script_processor(session)
    with pytest.raises(ValueError, match="wasn't found"):
        processor.run(code=str(tmp_path / "missing.py"), wait=False, logs=False)
    with pytest.raises(ValueError, match="must be a file, not a directory"):
        processor.run(code=str(tmp_path), wait=False, logs=False)
    with pytest.raises(ValueError, match="url scheme gs is not recognized"):
        processor.run(code="gs://bucket/run.py", wait=False, logs=False)


def test_file_uri_code_is_uploaded(session: Session, client: RecordingClient, tmp_path) -> None:
    script = tmp_path / "job.py"
    script.write_text("")
    _script_processor(session).run(code=f"file://{script}", job_name="f", wait=False, logs=False)

    assert client.request["AppSpecification"]["ContainerEntrypoint"] == [
        "python3",
        "/opt/ml/processing/input/code/job.py",
    ]
    code_uri = client.request["ProcessingInputs"][0]["S3Input"]["S3Uri"]
    assert code_uri == f"s3://{session.default_bucket()}/f/input/code/job.py"


def test_gzip_is_allowed_in_file_mode(session: Session) -> None:
    # Deviation: SageMaker's SDK raises ValueError; Plimsoll decompresses while staging.
    gzipped = ProcessingInput(
        source="s3://bkt/x.gz", destination="/opt/ml/processing/x", s3_compression_type="Gzip"
    )
    client = session.sagemaker_client
    _processor(session).run(inputs=[gzipped], wait=False, logs=False)
    s3_input = client.request["ProcessingInputs"][0]["S3Input"]
    assert (s3_input["S3CompressionType"], s3_input["S3InputMode"]) == ("Gzip", "File")


def test_framework_processor_refusals(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs image_uri"):
        FrameworkProcessor(
            None, "1.0", instance_count=1, instance_type="ml.m5.large", sagemaker_session=session
        )
    processor = FrameworkProcessor(
        None,
        "1.0",
        image_uri="img",
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )
    with pytest.raises(ValueError, match=re.escape("git_config is not supported by Plimsoll")):
        processor.run(code="p.py", git_config={"repo": "https://x/y.git"}, wait=False, logs=False)
    (tmp_path / "src").mkdir()
    with pytest.raises(ValueError, match='No file named "p.py" was found in directory'):
        processor.run(code="p.py", source_dir=str(tmp_path / "src"), wait=False, logs=False)
    with pytest.raises(ValueError, match="wasn't found"):
        processor.run(code=str(tmp_path / "nope.py"), wait=False, logs=False)
    with pytest.raises(RuntimeError, match="must be named `sourcedir.tar.gz"):
        processor.run(code="p.py", source_dir="s3://b/code.tar.gz", wait=False, logs=False)


def test_get_run_args_warns_and_returns_arguments(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    inputs = [ProcessingInput(source="s3://b/in", destination="/opt/ml/processing/in")]
    with caplog.at_level(logging.WARNING):
        run_args = _script_processor(session).get_run_args(
            "s3://b/code.py", inputs=inputs, arguments=["-v"]
        )
    assert run_args == RunArgs(code="s3://b/code.py", inputs=inputs, arguments=["-v"])
    assert "deprecated and could break pipeline step caching" in caplog.text


def test_framework_get_run_args_returns_uploaded_runproc(
    session: Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    script = tmp_path / "p.py"
    script.write_text("")
    processor = FrameworkProcessor(
        None,
        "1.0",
        image_uri="img",
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )
    with caplog.at_level(logging.WARNING):
        run_args = processor.get_run_args(str(script), job_name="ra")
    bucket = session.default_bucket()
    assert run_args.code == f"s3://{bucket}/ra/source/runproc.sh"
    assert run_args.inputs is not None
    assert [i.input_name for i in run_args.inputs] == ["code"]
    assert "deprecated" in caplog.text


def test_job_name_from_image(session: Session, client: RecordingClient) -> None:
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    _processor(session, image_uri=image).run(wait=False, logs=False)

    name = client.request["ProcessingJobName"]
    assert re.fullmatch(rf"sagemaker-scikit-learn-{TIMESTAMP}", name)


def test_job_name_from_base_job_name_is_cut_to_63(
    session: Session, client: RecordingClient
) -> None:
    _processor(session, base_job_name="b" * 80).run(wait=False, logs=False)

    name = client.request["ProcessingJobName"]
    assert len(name) == 63
    assert re.fullmatch(rf"b{{39}}-{TIMESTAMP}", name)


def test_explicit_job_name_wins(session: Session, client: RecordingClient) -> None:
    _processor(session, base_job_name="base").run(job_name="exact", wait=False, logs=False)
    assert client.request["ProcessingJobName"] == "exact"


def test_unnamed_inputs_and_outputs_are_numbered(session: Session, client: RecordingClient) -> None:
    _processor(session).run(
        inputs=[
            ProcessingInput(source="s3://b/1", destination="/opt/ml/processing/1"),
            ProcessingInput(source="s3://b/2", destination="/opt/ml/processing/2", input_name="n"),
            ProcessingInput(source="s3://b/3", destination="/opt/ml/processing/3"),
        ],
        outputs=[
            ProcessingOutput(source="/opt/ml/processing/a", output_name="named"),
            ProcessingOutput(source="/opt/ml/processing/b"),
        ],
        wait=False,
        logs=False,
    )
    request = client.request
    assert [i["InputName"] for i in request["ProcessingInputs"]] == ["input-1", "n", "input-3"]
    outputs = request["ProcessingOutputConfig"]["Outputs"]
    assert [o["OutputName"] for o in outputs] == ["named", "output-2"]


@pytest.mark.parametrize(
    ("role", "arn"),
    [
        (None, "arn:aws:iam::000000000000:role/plimsoll"),
        ("MyRole", "arn:aws:iam::000000000000:role/MyRole"),
        ("arn:aws:iam::111122223333:role/x", "arn:aws:iam::111122223333:role/x"),
        ("service-role/Exec", "service-role/Exec"),
    ],
)
def test_roles_are_expanded(
    session: Session, client: RecordingClient, role: str | None, arn: str
) -> None:
    _processor(session, role=role).run(wait=False, logs=False)
    assert client.request["RoleArn"] == arn
