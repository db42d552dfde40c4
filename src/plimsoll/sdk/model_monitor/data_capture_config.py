"""``DataCaptureConfig``: what an endpoint records of its traffic, as a request dict."""

from __future__ import annotations

from typing import Any

from plimsoll.sdk._uris import s3_path_join
from plimsoll.sdk.session import Session

__all__ = ["DataCaptureConfig"]

_MODEL_MONITOR_S3_PATH = "model-monitor"
_DATA_CAPTURE_S3_PATH = "data-capture"


class DataCaptureConfig:
    """Mirrors `sagemaker.model_monitor.DataCaptureConfig`.

    Passed to ``Model.deploy(data_capture_config=...)`` and
    ``Predictor.update_data_capture_config``. Capture files land under
    ``<destination_s3_uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/``.

    Deviations (docs/compat.md): ``destination_s3_uri`` may also be a local path or
    ``file://`` URI (captured records stay on this machine); ``kms_key_id`` is recorded, not
    applied.

    Args:
        enable_capture: Whether capture is on.
        sampling_percentage: Percentage of requests captured, 0 to 100.
        destination_s3_uri: Where capture files go; default
            ``s3://<default bucket>[/<default bucket prefix>]/model-monitor/data-capture``.
        kms_key_id: KMS key for the written objects (recorded only).
        capture_options: Any of ``"REQUEST"`` and ``"RESPONSE"`` (other values, such as
            ``"InputAndOutput"``, are sent as given); default both.
        csv_content_types: Content types captured as CSV text; default ``["text/csv"]``.
        json_content_types: Content types captured as JSON text; default
            ``["application/json"]``.
        sagemaker_session: The session giving the default bucket; a new
            :class:`~plimsoll.session.Session` when needed and not given.
    """

    API_MAPPING = {"REQUEST": "Input", "RESPONSE": "Output"}

    def __init__(
        self,
        enable_capture: bool,
        sampling_percentage: int = 20,
        destination_s3_uri: str | None = None,
        kms_key_id: str | None = None,
        capture_options: list[str] | None = None,
        csv_content_types: list[str] | None = None,
        json_content_types: list[str] | None = None,
        sagemaker_session: Session | None = None,
    ) -> None:
        self.enable_capture = enable_capture
        self.sampling_percentage = sampling_percentage
        if destination_s3_uri is None:
            session = sagemaker_session or Session()
            destination_s3_uri = s3_path_join(
                "s3://",
                session.default_bucket(),
                session.default_bucket_prefix,
                _MODEL_MONITOR_S3_PATH,
                _DATA_CAPTURE_S3_PATH,
            )
        self.destination_s3_uri = destination_s3_uri
        self.kms_key_id = kms_key_id
        self.capture_options = capture_options or ["REQUEST", "RESPONSE"]
        self.csv_content_types = csv_content_types or ["text/csv"]
        self.json_content_types = json_content_types or ["application/json"]

    def _to_request_dict(self) -> dict[str, Any]:
        """The ``DataCaptureConfig`` of a CreateEndpointConfig request."""
        request: dict[str, Any] = {
            "EnableCapture": self.enable_capture,
            "InitialSamplingPercentage": self.sampling_percentage,
            "DestinationS3Uri": self.destination_s3_uri,
            "CaptureOptions": [
                {"CaptureMode": self.API_MAPPING.get(option.upper(), option)}
                for option in self.capture_options
            ],
        }
        if self.kms_key_id is not None:
            request["KmsKeyId"] = self.kms_key_id
        header: dict[str, list[str]] = {}
        if self.csv_content_types is not None:
            header["CsvContentTypes"] = self.csv_content_types
        if self.json_content_types is not None:
            header["JsonContentTypes"] = self.json_content_types
        if header:
            request["CaptureContentTypeHeader"] = header
        return request
