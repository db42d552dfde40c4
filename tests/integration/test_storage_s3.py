"""S3Storage against a real SeaweedFS S3 gateway (marker ``s3``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from plimsoll.storage import Storage, StorageRouter
from tests.conformance.storage_suite import StorageSuite
from tests.fixtures.seaweed import SeaweedS3

pytestmark = pytest.mark.s3

_BUCKET = "plimsoll-storage-suite"


@pytest.fixture(scope="module")
def s3_storage(seaweed_s3: SeaweedS3) -> Iterator[Storage]:
    from plimsoll.storage.s3 import S3Storage

    yield S3Storage(
        endpoint_url=seaweed_s3.endpoint_url,
        access_key_id=seaweed_s3.access_key_id,
        secret_access_key=seaweed_s3.secret_access_key,
        region=seaweed_s3.region,
    )


class TestS3Storage(StorageSuite):
    @pytest.fixture
    def storage(self, s3_storage: Storage) -> Storage:
        return s3_storage

    @pytest.fixture
    def root(self) -> str:
        return f"s3://{_BUCKET}/{uuid.uuid4().hex}"


def test_write_creates_the_bucket(s3_storage: Storage) -> None:
    bucket = f"plimsoll-new-{uuid.uuid4().hex[:12]}"
    assert not s3_storage.exists(f"s3://{bucket}/")
    assert s3_storage.list_prefix(f"s3://{bucket}/") == []
    s3_storage.write_bytes(f"s3://{bucket}/k/v.txt", b"v")
    assert [o.relative for o in s3_storage.list_prefix(f"s3://{bucket}")] == ["k/v.txt"]


def test_missing_bucket_reads_as_missing_object(s3_storage: Storage) -> None:
    with pytest.raises(FileNotFoundError):
        s3_storage.read_bytes(f"s3://plimsoll-absent-{uuid.uuid4().hex[:12]}/key")


def test_folder_markers_are_not_objects(s3_storage: Storage, seaweed_s3: SeaweedS3) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=seaweed_s3.endpoint_url,
        aws_access_key_id=seaweed_s3.access_key_id,
        aws_secret_access_key=seaweed_s3.secret_access_key,
        region_name=seaweed_s3.region,
    )
    prefix = uuid.uuid4().hex
    s3_storage.write_bytes(f"s3://{_BUCKET}/{prefix}/file.txt", b"1")
    client.put_object(Bucket=_BUCKET, Key=f"{prefix}/empty-folder/", Body=b"")
    listed = s3_storage.list_prefix(f"s3://{_BUCKET}/{prefix}/")
    assert [o.relative for o in listed] == ["file.txt"]


def test_wrong_credentials_raise_permission_error(seaweed_s3: SeaweedS3) -> None:
    router = StorageRouter(
        local_s3_root=None,
        s3_endpoint_url=seaweed_s3.endpoint_url,
        s3_access_key_id=seaweed_s3.access_key_id,
        s3_secret_access_key="not-the-secret",
    )
    with pytest.raises(PermissionError):
        router.for_uri(f"s3://{_BUCKET}/x").read_bytes(f"s3://{_BUCKET}/x")


def test_router_env_reaches_the_same_s3(seaweed_s3: SeaweedS3, s3_storage: Storage) -> None:
    import boto3

    router = StorageRouter(
        local_s3_root=None,
        s3_endpoint_url=seaweed_s3.endpoint_url,
        s3_access_key_id=seaweed_s3.access_key_id,
        s3_secret_access_key=seaweed_s3.secret_access_key,
    )
    env = router.s3_env()
    key = f"{uuid.uuid4().hex}/from-router.txt"
    s3_storage.write_bytes(f"s3://{_BUCKET}/{key}", b"hello job")
    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL_S3"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_REGION"],
    )
    assert client.get_object(Bucket=_BUCKET, Key=key)["Body"].read() == b"hello job"
