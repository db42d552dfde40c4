"""Jobs of images that call SageMaker's APIs reach Plimsoll through boto3's endpoint variables.

In-process sessions start a loopback server on first need; other images see nothing of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.processing import ProcessingOutput, ScriptProcessor
from plimsoll.session import Session
from plimsoll.settings import DEFAULT_IMAGE_RULES, ImageRule, Settings

CODE = """
import json, os
import boto3
config = json.load(open("/opt/ml/config/processingjobconfig.json"))
name = config["ProcessingJobName"]
found = {"endpoint": os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER")}
if found["endpoint"]:
    sm = boto3.client("sagemaker", region_name="us-east-1")
    found["status"] = sm.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"]
with open("/opt/ml/processing/output/found.json", "w") as fh:
    json.dump(found, fh)
"""


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    rules = (ImageRule(pattern="api-user:*", platform_api=True), *DEFAULT_IMAGE_RULES)
    opened = Session(settings=settings.with_overrides(images=rules))
    yield opened
    opened.close()


def _run(session: Session, tmp_path: Path, image: str) -> dict[str, str]:
    script = tmp_path / "job.py"
    script.write_text(CODE)
    out = tmp_path / f"out-{image.split(':')[0]}"
    ScriptProcessor(
        role="any",
        image_uri=image,
        command=["python3"],
        instance_count=1,
        instance_type="ml.m5.xlarge",
        sagemaker_session=session,
    ).run(
        code=str(script),
        outputs=[ProcessingOutput(source="/opt/ml/processing/output", destination=str(out))],
        logs=False,
    )
    found: dict[str, str] = json.loads((out / "found.json").read_text())
    return found


def test_a_platform_image_calls_the_api_from_inside_its_job(
    session: Session, tmp_path: Path
) -> None:
    found = _run(session, tmp_path, "api-user:1")
    assert found["endpoint"].startswith("http://127.0.0.1:")
    assert found["status"] == "InProgress"  # the job asked about itself, over HTTP


def test_other_images_get_no_platform_variables(session: Session, tmp_path: Path) -> None:
    assert _run(session, tmp_path, "python:3.11") == {"endpoint": None}
