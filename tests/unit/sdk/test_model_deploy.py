"""``Model.deploy``: the CreateModel/CreateEndpointConfig/CreateEndpoint requests and repacking."""

from __future__ import annotations

import io
import logging
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from plimsoll.deserializers import JSONDeserializer
from plimsoll.exceptions import UnexpectedStatusException
from plimsoll.model import Model
from plimsoll.model_monitor import DataCaptureConfig
from plimsoll.predictor import Predictor
from plimsoll.s3 import S3Downloader
from plimsoll.serializers import CSVSerializer, IdentitySerializer
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.unit.sdk.fakes import HostingClient, RecordingRuntimeClient

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
BUCKET = "sagemaker-us-east-1-000000000000"
ROLE_ARN = "arn:aws:iam::000000000000:role/SageMakerRole"
SCRIPT_ENV = {
    "SAGEMAKER_PROGRAM": "inference.py",
    "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
    "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
    "SAGEMAKER_REGION": "us-east-1",
}


@pytest.fixture
def hosting() -> HostingClient:
    return HostingClient(endpoint_statuses=("Creating", "InService"))


@pytest.fixture
def session(hosting: HostingClient, settings: Settings) -> Session:
    return Session(
        sagemaker_client=hosting,
        sagemaker_runtime_client=RecordingRuntimeClient(),
        settings=settings,
    )


def _model_tarball(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        }


def _script(tmp_path: Path, name: str = "inference.py") -> Path:
    path = tmp_path / name
    path.write_text("def model_fn(model_dir):\n    return None\n")
    return path


def test_deploy_sends_the_three_requests_and_waits(
    session: Session, hosting: HostingClient, capsys: pytest.CaptureFixture[str]
) -> None:
    model = Model(
        image_uri=IMAGE,
        model_data="s3://bucket/model.tar.gz",
        role="SageMakerRole",
        env={"A": "1"},
        sagemaker_session=session,
    )
    capture = DataCaptureConfig(True, 100, "s3://bucket/capture", sagemaker_session=session)
    predictor = model.deploy(
        initial_instance_count=1, instance_type="ml.m5.large", data_capture_config=capture
    )
    name = model.name
    assert name is not None and name.startswith("sagemaker-scikit-learn-")
    assert hosting.operations == [
        "CreateModel",
        "CreateEndpointConfig",
        "CreateEndpoint",
        "DescribeEndpoint",
        "DescribeEndpoint",
    ]
    assert hosting.requests_of("CreateModel") == [
        {
            "ModelName": name,
            "ExecutionRoleArn": ROLE_ARN,
            "PrimaryContainer": {
                "Image": IMAGE,
                "Environment": {"A": "1"},
                "ModelDataUrl": "s3://bucket/model.tar.gz",
            },
        }
    ]
    assert hosting.requests_of("CreateEndpointConfig") == [
        {
            "EndpointConfigName": name,
            "ProductionVariants": [
                {
                    "ModelName": name,
                    "VariantName": "AllTraffic",
                    "InitialVariantWeight": 1,
                    "InitialInstanceCount": 1,
                    "InstanceType": "ml.m5.large",
                }
            ],
            "DataCaptureConfig": capture._to_request_dict(),
        }
    ]
    assert hosting.requests_of("CreateEndpoint") == [
        {"EndpointName": name, "EndpointConfigName": name, "Tags": []}
    ]
    assert capsys.readouterr().out == "-!"
    assert isinstance(predictor, Predictor)
    assert (predictor.endpoint_name, model.endpoint_name) == (name, name)
    assert isinstance(predictor.serializer, IdentitySerializer)


def test_deploy_options_and_serializers(session: Session, hosting: HostingClient) -> None:
    model = Model(IMAGE, "s3://bucket/m.tar.gz", name="my-model", sagemaker_session=session)
    predictor = model.deploy(
        2,
        "ml.c5.xlarge",
        serializer=CSVSerializer(),
        deserializer=JSONDeserializer(),
        endpoint_name="my-endpoint",
        tags=[{"Key": "team", "Value": "a"}],
        kms_key="alias/k",
        volume_size=30,
        container_startup_health_check_timeout=120,
        wait=False,
    )
    assert "DescribeEndpoint" not in hosting.operations
    assert hosting.requests_of("CreateModel")[0]["ModelName"] == "my-model"
    assert hosting.requests_of("CreateModel")[0]["Tags"] == [{"Key": "team", "Value": "a"}]
    assert hosting.requests_of("CreateModel")[0]["ExecutionRoleArn"] == (
        "arn:aws:iam::000000000000:role/plimsoll"
    )
    assert hosting.requests_of("CreateEndpointConfig") == [
        {
            "EndpointConfigName": "my-endpoint",
            "ProductionVariants": [
                {
                    "ModelName": "my-model",
                    "VariantName": "AllTraffic",
                    "InitialVariantWeight": 1,
                    "InitialInstanceCount": 2,
                    "InstanceType": "ml.c5.xlarge",
                    "VolumeSizeInGB": 30,
                    "ContainerStartupHealthCheckTimeoutInSeconds": 120,
                }
            ],
            "Tags": [{"Key": "team", "Value": "a"}],
            "KmsKeyId": "alias/k",
        }
    ]
    assert hosting.requests_of("CreateEndpoint") == [
        {
            "EndpointName": "my-endpoint",
            "EndpointConfigName": "my-endpoint",
            "Tags": [{"Key": "team", "Value": "a"}],
        }
    ]
    assert isinstance(predictor.serializer, CSVSerializer)
    assert isinstance(predictor.deserializer, JSONDeserializer)


def test_predictor_cls_gets_the_endpoint_and_the_serializers(session: Session) -> None:
    class CsvPredictor(Predictor):
        def __init__(self, endpoint_name: str, sagemaker_session: Session) -> None:
            super().__init__(endpoint_name, sagemaker_session, serializer=CSVSerializer())

    model = Model(IMAGE, "s3://b/m.tar.gz", predictor_cls=CsvPredictor, sagemaker_session=session)
    predictor = model.deploy(1, "ml.m5.large", deserializer=JSONDeserializer())
    assert isinstance(predictor, CsvPredictor)
    assert isinstance(predictor.serializer, CSVSerializer)
    assert isinstance(predictor.deserializer, JSONDeserializer)


def test_an_unnamed_model_is_named_from_the_image_at_each_deploy(
    session: Session, hosting: HostingClient
) -> None:
    model = Model(IMAGE, "s3://b/m.tar.gz", sagemaker_session=session)
    model.deploy(1, "ml.m5.large", wait=False)
    model.deploy(1, "ml.m5.large", wait=False, endpoint_name="x")
    names = [r["ModelName"] for r in hosting.requests_of("CreateModel")]
    pattern = r"^sagemaker-scikit-learn-\d{4}(-\d{2}){5}-\d{3}$"
    assert all(re.match(pattern, name) for name in names), names
    assert hosting.requests_of("CreateEndpoint")[1]["EndpointName"] == "x"
    assert hosting.requests_of("CreateEndpointConfig")[1]["ProductionVariants"][0]["ModelName"] == (
        model.name
    )


@pytest.mark.parametrize("form", ["path", "file"])
def test_local_model_data_stays_local(
    session: Session, hosting: HostingClient, tmp_path: Path, form: str
) -> None:
    tarball = _model_tarball(tmp_path / "model.tar.gz", {"model.joblib": b"m"})
    model_data = str(tarball) if form == "path" else f"file://{tarball}"
    Model(IMAGE, model_data, sagemaker_session=session).deploy(1, "ml.m5.large", wait=False)
    container = hosting.requests_of("CreateModel")[0]["PrimaryContainer"]
    assert container["ModelDataUrl"] == model_data
    assert S3Downloader.list(f"s3://{BUCKET}/", sagemaker_session=session) == []


def test_entry_point_repacks_a_local_artifact(
    session: Session, hosting: HostingClient, tmp_path: Path
) -> None:
    tarball = _model_tarball(tmp_path / "model.tar.gz", {"model.joblib": b"weights"})
    lib = tmp_path / "mylib"
    lib.mkdir()
    (lib / "__init__.py").write_text("X = 1\n")
    helper = tmp_path / "helper.py"
    helper.write_text("Y = 2\n")
    model = Model(
        IMAGE,
        str(tarball),
        entry_point=str(_script(tmp_path)),
        dependencies=[str(lib), str(helper)],
        env={"A": "1"},
        sagemaker_session=session,
    )
    model.deploy(1, "ml.m5.large", wait=False)
    repacked = f"s3://{BUCKET}/{model.name}/model.tar.gz"
    container = hosting.requests_of("CreateModel")[0]["PrimaryContainer"]
    assert container == {
        "Image": IMAGE,
        "Environment": {"A": "1", **SCRIPT_ENV},
        "ModelDataUrl": repacked,
    }
    members = _members(S3Downloader.read_bytes(repacked, sagemaker_session=session))
    assert members == {
        "model.joblib": b"weights",
        "code/inference.py": _script(tmp_path).read_bytes(),
        "code/lib/mylib/__init__.py": b"X = 1\n",
        "code/lib/helper.py": b"Y = 2\n",
    }


def test_source_dir_becomes_code_and_s3_artifact_is_downloaded(
    session: Session, hosting: HostingClient, tmp_path: Path
) -> None:
    tarball = _model_tarball(tmp_path / "m.tar.gz", {"model.joblib": b"w", "code/old.py": b""})
    model_uri = session.upload_data(str(tarball), key_prefix="artifacts")
    source = tmp_path / "src"
    (source / "pkg").mkdir(parents=True)
    _script(source, "serve.py")
    (source / "pkg" / "util.py").write_text("Z = 3\n")
    (source / "requirements.txt").write_text("numpy\n")
    model = Model(
        IMAGE,
        model_uri,
        entry_point="serve.py",
        source_dir=str(source),
        code_location="s3://code-bucket/team",
        container_log_level=logging.DEBUG,
        sagemaker_session=session,
    )
    model.deploy(1, "ml.m5.large", wait=False)
    repacked = f"s3://code-bucket/team/{model.name}/model.tar.gz"
    container = hosting.requests_of("CreateModel")[0]["PrimaryContainer"]
    assert container["ModelDataUrl"] == repacked
    assert container["Environment"] == {
        **SCRIPT_ENV,
        "SAGEMAKER_PROGRAM": "serve.py",
        "SAGEMAKER_CONTAINER_LOG_LEVEL": "10",
    }
    members = _members(S3Downloader.read_bytes(repacked, sagemaker_session=session))
    assert set(members) == {
        "model.joblib",
        "code/serve.py",
        "code/pkg/util.py",
        "code/requirements.txt",
    }


def test_entry_point_without_model_data_packs_the_code_alone(
    session: Session, hosting: HostingClient, tmp_path: Path
) -> None:
    model = Model(IMAGE, entry_point=str(_script(tmp_path)), sagemaker_session=session)
    model.deploy(1, "ml.m5.large", wait=False)
    repacked = hosting.requests_of("CreateModel")[0]["PrimaryContainer"]["ModelDataUrl"]
    members = _members(S3Downloader.read_bytes(repacked, sagemaker_session=session))
    assert set(members) == {"code/inference.py"}


def test_missing_entry_point_is_reported(session: Session, tmp_path: Path) -> None:
    model = Model(IMAGE, entry_point=str(tmp_path / "nope.py"), sagemaker_session=session)
    with pytest.raises(FileNotFoundError, match="nope.py"):
        model.deploy(1, "ml.m5.large")


def test_failed_endpoint_raises_with_the_reason(settings: Settings) -> None:
    hosting = HostingClient(endpoint_statuses=("Creating", "Failed"), failure_reason="ping failed")
    session = Session(sagemaker_client=hosting, settings=settings)
    with pytest.raises(
        UnexpectedStatusException, match="Error hosting endpoint .*: Failed. Reason: ping failed"
    ) as caught:
        Model(IMAGE, "s3://b/m.tar.gz", sagemaker_session=session).deploy(1, "ml.m5.large")
    assert caught.value.actual_status == "Failed"


def test_existing_model_is_reused(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    class Existing(HostingClient):
        def create_model(self, **kwargs: Any) -> dict[str, Any]:
            raise ClientError(
                {
                    "Error": {
                        "Code": "ValidationException",
                        "Message": 'Cannot create already existing model "arn:...:model/m".',
                    }
                },
                "CreateModel",
            )

    hosting = Existing()
    session = Session(sagemaker_client=hosting, settings=settings)
    with caplog.at_level(logging.WARNING):
        Model(IMAGE, "s3://b/m.tar.gz", name="m", sagemaker_session=session).deploy(
            1, "ml.m5.large"
        )
    assert "Using already existing model: m" in caplog.text
    assert hosting.requests_of("CreateEndpoint")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"initial_instance_count": 1}, "Must specify instance type and instance count"),
        ({"instance_type": "ml.m5.large"}, "Must specify instance type and instance count"),
        (
            {"initial_instance_count": 1, "instance_type": "m", "serverless_inference_config": {}},
            "serverless_inference_config is not supported",
        ),
        (
            {"initial_instance_count": 1, "instance_type": "m", "async_inference_config": {}},
            "async_inference_config is not supported",
        ),
    ],
)
def test_deploy_argument_errors(session: Session, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Model(IMAGE, "s3://b/m.tar.gz", sagemaker_session=session).deploy(**kwargs)


def test_git_config_is_refused() -> None:
    with pytest.raises(ValueError, match="git_config is not supported"):
        Model(IMAGE, git_config={"repo": "https://example.com/r.git"})


def test_delete_model(session: Session, hosting: HostingClient) -> None:
    model = Model(IMAGE, "s3://b/m.tar.gz", name="m1", sagemaker_session=session)
    model.create()
    model.delete_model()
    assert hosting.requests_of("DeleteModel") == [{"ModelName": "m1"}]
    with pytest.raises(ValueError, match="must be created first"):
        Model(IMAGE, sagemaker_session=session).delete_model()
