"""A processing job whose inputs and outputs live in a real S3 service (SeaweedFS)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.metadata.entities import JobStatus
from plimsoll.settings import Settings
from tests.fixtures.seaweed import SeaweedS3
from tests.integration._jobs import python_job, s3_input, s3_output, wait_for

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_api(tmp_path: Path, seaweed_s3: SeaweedS3) -> Iterator[Api]:
    settings = Settings.load(
        home=tmp_path / "home",
        s3_endpoint_url=seaweed_s3.endpoint_url,
        s3_access_key_id=seaweed_s3.access_key_id,
        s3_secret_access_key=seaweed_s3.secret_access_key,
        stop_grace_seconds=2.0,
    )
    api = build_api(settings)
    yield api
    api.close()


def test_sharded_s3_input_and_s3_output(s3_api: Api) -> None:
    s3 = s3_api.storage.for_uri("s3://plimsoll-jobs/")
    for i in range(4):
        s3.write_bytes(f"s3://plimsoll-jobs/raw/part-{i}.csv", f"value,{i}\n".encode())
    code = (
        "import json, os, pathlib\n"
        "host = json.load(open('/opt/ml/config/resourceconfig.json'))['current_host']\n"
        "names = sorted(p.name for p in pathlib.Path('/opt/ml/processing/in').iterdir())\n"
        "out = {'files': names, 'endpoint': os.environ.get('AWS_ENDPOINT_URL_S3')}\n"
        "json.dump(out, open(f'/opt/ml/processing/out/{host}.json', 'w'))\n"
    )
    spec = python_job(
        code,
        hosts=2,
        inputs=[
            s3_input(
                "raw",
                "s3://plimsoll-jobs/raw/",
                "/opt/ml/processing/in",
                s3_data_distribution_type="ShardedByS3Key",
            )
        ],
        outputs=[s3_output("out", "/opt/ml/processing/out", "s3://plimsoll-jobs/out/")],
    )
    s3_api.processing.create_processing_job(spec)
    job = wait_for(s3_api.processing, spec.name)
    assert job.status is JobStatus.COMPLETED, job.failure_reason

    listed = sorted(o.relative for o in s3.list_prefix("s3://plimsoll-jobs/out/"))
    assert listed == ["algo-1.json", "algo-2.json"]
    one = json.loads(s3.read_bytes("s3://plimsoll-jobs/out/algo-1.json"))
    two = json.loads(s3.read_bytes("s3://plimsoll-jobs/out/algo-2.json"))
    assert one["files"] == ["part-0.csv", "part-2.csv"]
    assert two["files"] == ["part-1.csv", "part-3.csv"]
    # The job can reach the same S3 itself (e.g. with boto3), as on SageMaker.
    assert one["endpoint"] == s3_api.storage.s3_env()["AWS_ENDPOINT_URL_S3"]


def test_missing_s3_source_is_refused(s3_api: Api) -> None:
    from plimsoll.errors import ValidationError

    missing = s3_input("raw", "s3://plimsoll-jobs/nothing-here/", "/opt/ml/processing/in")
    spec = python_job("pass", inputs=[missing])
    with pytest.raises(ValidationError, match="nothing-here/' does not exist"):
        s3_api.processing.create_processing_job(spec)
