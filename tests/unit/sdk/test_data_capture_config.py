"""``DataCaptureConfig`` defaults and its CreateEndpointConfig request dict (spec B5.1)."""

from __future__ import annotations

from plimsoll.model_monitor import DataCaptureConfig
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.unit.sdk.fakes import RecordingClient

BUCKET = "sagemaker-us-east-1-000000000000"


def test_defaults_send_every_field_the_sdk_sends(session: Session) -> None:
    config = DataCaptureConfig(enable_capture=True, sagemaker_session=session)
    assert config._to_request_dict() == {
        "EnableCapture": True,
        "InitialSamplingPercentage": 20,
        "DestinationS3Uri": f"s3://{BUCKET}/model-monitor/data-capture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {
            "CsvContentTypes": ["text/csv"],
            "JsonContentTypes": ["application/json"],
        },
    }


def test_default_destination_uses_the_bucket_prefix(settings: Settings) -> None:
    session = Session(
        sagemaker_client=RecordingClient(),
        settings=settings,
        default_bucket="my-bucket",
        default_bucket_prefix="team/a",
    )
    config = DataCaptureConfig(enable_capture=True, sagemaker_session=session)
    assert config.destination_s3_uri == "s3://my-bucket/team/a/model-monitor/data-capture"


def test_everything_given() -> None:
    config = DataCaptureConfig(
        enable_capture=False,
        sampling_percentage=100,
        destination_s3_uri="s3://bucket/capture",
        kms_key_id="alias/capture",
        capture_options=["request", "InputAndOutput"],
        csv_content_types=["text/csv", "text/x-csv"],
        json_content_types=["application/jsonlines"],
    )
    assert config._to_request_dict() == {
        "EnableCapture": False,
        "InitialSamplingPercentage": 100,
        "DestinationS3Uri": "s3://bucket/capture",
        "KmsKeyId": "alias/capture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "InputAndOutput"}],
        "CaptureContentTypeHeader": {
            "CsvContentTypes": ["text/csv", "text/x-csv"],
            "JsonContentTypes": ["application/jsonlines"],
        },
    }


def test_response_only_and_local_destination(tmp_path: object) -> None:
    config = DataCaptureConfig(
        enable_capture=True, destination_s3_uri=f"file://{tmp_path}", capture_options=["RESPONSE"]
    )
    request = config._to_request_dict()
    assert request["CaptureOptions"] == [{"CaptureMode": "Output"}]
    assert request["DestinationS3Uri"] == f"file://{tmp_path}"
