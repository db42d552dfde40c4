"""The processing facade end to end, through the embedded (in-process) service."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plimsoll.exceptions import UnexpectedStatusException
from plimsoll.processing import (
    FrameworkProcessor,
    ProcessingInput,
    ProcessingJob,
    ProcessingOutput,
    ScriptProcessor,
)
from plimsoll.s3 import S3Downloader
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.fixtures.server import RunningServer

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"

# Finds /opt/ml whether or not the job runs in the sandbox (see runtimes/local.py).
PRELUDE = """\
import json, os, sys
OPT_ML = os.environ.get("PLIMSOLL_OPT_ML", "/opt/ml")
CONFIG = json.load(open(os.path.join(OPT_ML, "config", "resourceconfig.json")))
HOST = CONFIG["current_host"]
def opt_ml(path):
    return os.path.join(OPT_ML, path.removeprefix("/opt/ml/"))
"""


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    session = Session(settings=settings)
    yield session
    close = getattr(session.sagemaker_client, "close", None)
    if close is not None:
        close()


def _script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PRELUDE + textwrap.dedent(body))
    return path


def _processor(session: Session, instance_count: int = 1) -> ScriptProcessor:
    return ScriptProcessor(
        role="SageMakerRole",
        image_uri=IMAGE,
        command=["python3"],
        instance_count=instance_count,
        instance_type="ml.m5.xlarge",
        sagemaker_session=session,
    )


def test_script_processor_two_hosts_writes_outputs(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "rows.csv").write_text("a,b\n1,2\n")
    script = _script(
        tmp_path,
        "work.py",
        """
        rows = open(opt_ml("/opt/ml/processing/input/rows.csv")).read()
        for out in ("/opt/ml/processing/local", "/opt/ml/processing/s3"):
            with open(os.path.join(opt_ml(out), HOST + ".txt"), "w") as fh:
                fh.write(rows.upper() + " ".join(sys.argv[1:]))
        print("done on", HOST)
        """,
    )
    processor = _processor(session, instance_count=2)

    processor.run(
        code=str(script),
        inputs=[ProcessingInput(source=str(data), destination="/opt/ml/processing/input")],
        outputs=[
            ProcessingOutput(source="/opt/ml/processing/local", destination=str(tmp_path / "out")),
            ProcessingOutput(source="/opt/ml/processing/s3", output_name="remote"),
        ],
        arguments=["--ratio", "0.2"],
    )

    assert (tmp_path / "out" / "algo-1.txt").read_text() == "A,B\n1,2\n--ratio 0.2"
    assert (tmp_path / "out" / "algo-2.txt").read_text() == "A,B\n1,2\n--ratio 0.2"
    job = processor.latest_job
    assert job is not None
    remote = f"s3://{session.default_bucket()}/{job.job_name}/output/remote"
    assert S3Downloader.list(remote, sagemaker_session=session) == [
        f"{remote}/algo-1.txt",
        f"{remote}/algo-2.txt",
    ]
    out = capsys.readouterr().out
    assert "[algo-1] done on algo-1\n" in out
    assert "[algo-2] done on algo-2\n" in out
    desc = job.describe()
    assert desc["ProcessingJobStatus"] == "Completed"
    assert desc["AppSpecification"]["ContainerEntrypoint"] == [
        "python3",
        "/opt/ml/processing/input/code/work.py",
    ]
    rebuilt = ProcessingJob.from_processing_arn(session, desc["ProcessingJobArn"])
    assert rebuilt.outputs is not None
    assert [o.output_name for o in rebuilt.outputs] == ["output-1", "remote"]


def test_failing_script_raises_with_exit_code(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script(tmp_path, "fail.py", 'print("about to fail")\nsys.exit(3)\n')

    with pytest.raises(UnexpectedStatusException, match=r"AlgorithmError: .*exit code: 3") as info:
        _processor(session).run(code=str(script), job_name="fails-1")

    assert info.value.actual_status == "Failed"
    assert str(info.value).startswith("Error for Processing job fails-1: Failed. Reason: ")
    assert "about to fail\n" in capsys.readouterr().out


def test_wait_without_logs_prints_progress(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script(tmp_path, "quiet.py", 'print("not shown")\n')
    processor = _processor(session)

    processor.run(code=str(script), wait=False, logs=False)
    assert processor.latest_job is not None
    processor.latest_job.wait(logs=False)

    out = capsys.readouterr().out
    assert out.endswith("!\n")
    assert "not shown" not in out


def test_stopped_job_only_warns(
    session: Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    script = _script(tmp_path, "slow.py", "import time\ntime.sleep(60)\n")
    processor = _processor(session)
    processor.run(code=str(script), wait=False, logs=False)
    job = processor.latest_job
    assert job is not None

    job.stop()
    with caplog.at_level(logging.WARNING):
        job.wait(logs=False)

    assert job.describe()["ProcessingJobStatus"] == "Stopped"
    assert "ended with status 'Stopped'" in caplog.text


def _wheel(folder: Path, name: str = "tinypkg", version: str = "0.1") -> Path:
    """A minimal pure-Python wheel, built by hand (no network, no build backend)."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": b"VALUE = 42\n",
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        ),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: plimsoll-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
    }
    record = []
    for path, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(content)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, content in files.items():
            zf.writestr(path, content)
    return wheel


@pytest.mark.sandbox
@pytest.mark.slow
def test_framework_processor_installs_requirements_and_runs_bundle(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    (src / "wheels").mkdir(parents=True)
    _wheel(src / "wheels")
    (src / "requirements.txt").write_text("--no-index\n--find-links ./wheels\ntinypkg==0.1\n")
    (src / "helpers").mkdir()
    (src / "helpers" / "__init__.py").write_text("GREETING = 'hello'\n")
    lib = tmp_path / "mylib"
    lib.mkdir()
    (lib / "__init__.py").write_text("NAME = 'mylib'\n")
    (src / "process.py").write_text(
        PRELUDE
        + textwrap.dedent(
            """
            import tinypkg, helpers, mylib
            result = {"value": tinypkg.VALUE, "greeting": helpers.GREETING,
                      "lib": mylib.NAME, "args": sys.argv[1:]}
            print("result", json.dumps(result))
            with open(opt_ml("/opt/ml/processing/out/result.json"), "w") as fh:
                json.dump(result, fh)
            """
        )
    )
    processor = FrameworkProcessor(
        estimator_cls=None,
        framework_version="1.0",
        role=None,
        instance_count=1,
        instance_type="ml.m5.xlarge",
        image_uri="my-framework:1.0",
        command=["python3"],
        sagemaker_session=session,
    )

    processor.run(
        code="process.py",
        source_dir=str(src),
        dependencies=[str(lib)],
        outputs=[
            ProcessingOutput(source="/opt/ml/processing/out", destination=str(tmp_path / "o"))
        ],
        arguments=["--epochs", "2"],
    )

    result = json.loads((tmp_path / "o" / "result.json").read_text())
    assert result == {"value": 42, "greeting": "hello", "lib": "mylib", "args": ["--epochs", "2"]}
    assert "result {" in capsys.readouterr().out


def test_through_http_server_streams_logs(
    plimsoll_server: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = plimsoll_server.settings.with_overrides(endpoint_url=plimsoll_server.url)
    session = Session(settings=settings)
    script = _script(tmp_path, "hello.py", 'print("hello from", HOST)\n')

    try:
        _processor(session, instance_count=2).run(code=str(script))
    finally:
        session.sagemaker_client.close()  # type: ignore[attr-defined]

    out = capsys.readouterr().out
    assert "[algo-1] hello from algo-1\n" in out
    assert "[algo-2] hello from algo-2\n" in out


def test_real_boto3_client_waits_without_logs(
    plimsoll_server: RunningServer,
    boto_sagemaker: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    session = Session(sagemaker_client=boto_sagemaker, settings=plimsoll_server.settings)
    script = _script(tmp_path, "boto.py", "sys.exit(7)\n")

    with pytest.raises(UnexpectedStatusException, match="exit code: 7"):
        _processor(session).run(code=str(script))

    assert capsys.readouterr().out.endswith("*\n")
