"""Plimsoll's Spark processors send the CreateProcessingJob request sagemaker 2.199.0 sends.

Each case of ``_spark_requests.py`` runs with the real SDK in the reference venv (a stub
session that records the request and the uploads) and with ``plimsoll.spark.processing``
through Plimsoll's real embedded API (the request is recorded on its way in, the job is
then stopped). Requests, uploaded files (configuration.json, dependencies, code), the
processor's ``command`` and ``get_run_args`` results must be equal, or both sides must raise
the same exception type and message.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plimsoll import processing
from plimsoll.s3 import S3Downloader, S3Uploader
from plimsoll.session import Session
from plimsoll.settings import Settings
from plimsoll.spark import processing as spark
from tests.reference import _spark_requests
from tests.reference._spark_requests import CASES, build, run_args_dict
from tests.reference.conftest import RunReference


class _Recorder:
    """Records each CreateProcessingJob request, then hands it to the real client."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.requests: list[dict[str, Any]] = []

    def create_processing_job(self, **request: Any) -> Any:
        self.requests.append(request)
        return self._client.create_processing_job(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark-cases")
    (root / "app.py").write_text("print(1)\n")
    (root / "dep.py").write_text("X = 1\n")
    (root / "lib.jar").write_text("jarbytes\n")
    (root / "data.txt").write_text("data\n")
    (root / "adir").mkdir()
    (root / "adir" / "f").write_text("")
    return root


@pytest.fixture(scope="module")
def real(
    run_reference: RunReference, workdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    out = tmp_path_factory.mktemp("spark-real") / "real.json"
    found = run_reference("_spark_requests.py", workdir, out=out)
    assert sorted(found) == sorted(CASES)
    return found


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    settings = Settings.load(
        home=tmp_path_factory.mktemp("spark-home"),
        region=_spark_requests.REGION,
        stop_grace_seconds=1.0,
    )
    built = Session(settings=settings, default_bucket=_spark_requests.BUCKET)
    built.sagemaker_client = _Recorder(built.sagemaker_client)  # type: ignore[assignment]
    # The S3 sources the cases name exist, as CreateProcessingJob requires.
    for uri in ("s3://input-bucket/raw/a.csv", "s3://code-bucket/app.py"):
        S3Uploader.upload_string_as_file_body("x\n", uri, sagemaker_session=built)
    yield built
    built.close()


def _ours(name: str, session: Session, workdir: Path) -> dict[str, Any]:
    recorder: _Recorder = session.sagemaker_client  # type: ignore[assignment]
    recorder.requests.clear()
    try:
        processor, call = build(name, spark, processing, session, str(workdir))
        result = call()
    except Exception as exc:  # noqa: BLE001 - the error is the result
        return {"error": [type(exc).__name__, str(exc)]}
    request = recorder.requests[0] if recorder.requests else None
    if request is not None:
        # The job really started in the embedded service; it is not needed any further.
        session.stop_processing_job(request["ProcessingJobName"])
    return {
        "request": request,
        "command": processor.command,
        "run_args": run_args_dict(result) if result is not None else None,
    }


@pytest.mark.parametrize("name", list(CASES))
def test_request_equals_real_sdk(
    real: dict[str, Any], session: Session, workdir: Path, name: str
) -> None:
    expected = real[name]
    ours = _ours(name, session, workdir)
    if "error" in expected:
        assert ours == {"error": expected["error"]}
        return
    assert "error" not in ours, ours
    assert ours["request"] == expected["request"]
    assert ours["command"] == expected["command"]
    assert ours["run_args"] == expected["run_args"]
    # Every file the SDK uploads, Plimsoll uploads to the same URI with the same bytes.
    for uri, text in expected["uploads"].items():
        assert S3Downloader.read_file(uri, sagemaker_session=session) == text, uri
    staged = {
        uri
        for uri in S3Downloader.list(f"s3://{_spark_requests.BUCKET}/", sagemaker_session=session)
        if "/job-" + name.replace("_", "-") + "/input/" in uri
    }
    assert staged == {u for u in expected["uploads"] if u.startswith("s3://bucket/")}


def test_cases_cover_both_processors_and_errors(real: dict[str, Any]) -> None:
    built = [name for name in CASES if "error" not in real[name]]
    assert {CASES[name][0] for name in built} == {"PySparkProcessor", "SparkJarProcessor"}
    assert [name for name in CASES if "error" in real[name]] == [
        name for name in CASES if name.startswith("error_")
    ]
