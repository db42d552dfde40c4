"""What a monitoring job reads and writes: EndpointInput, BatchTransformInput, MonitoringOutput.

Each builds its part of a CreateMonitoringSchedule / Create*JobDefinition request with
``_to_request_dict()``, leaving out exactly the keys the SDK leaves out.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BatchTransformInput", "EndpointInput", "MonitoringInput", "MonitoringOutput"]

# Optional attributes shared by both inputs, in the SDK's order, with their wire keys.
_OPTIONAL_KEYS = (
    ("start_time_offset", "StartTimeOffset"),
    ("end_time_offset", "EndTimeOffset"),
    ("features_attribute", "FeaturesAttribute"),
    ("inference_attribute", "InferenceAttribute"),
    ("probability_attribute", "ProbabilityAttribute"),
    ("probability_threshold_attribute", "ProbabilityThresholdAttribute"),
    ("exclude_features_attribute", "ExcludeFeaturesAttribute"),
)


class MonitoringInput:
    """Mirrors `sagemaker.model_monitor.model_monitoring.MonitoringInput`.

    The attributes that tell a monitoring job where to look in the captured records and
    which time window to read. In the SDK an ``attrs`` class with six required fields; here
    a plain base with the same attributes.

    Args:
        start_time_offset: Start of the window relative to the scheduled time, e.g. ``-PT1H``.
        end_time_offset: End of the window, e.g. ``-PT0H``.
        features_attribute: JSONPath of the features in JSON lines (Clarify monitors).
        inference_attribute: Index or JSONPath of the predicted label.
        probability_attribute: Index or JSONPath of the probability or score.
        probability_threshold_attribute: Cut-off that turns probabilities into labels.
    """

    def __init__(
        self,
        start_time_offset: str | None = None,
        end_time_offset: str | None = None,
        features_attribute: str | None = None,
        inference_attribute: str | None = None,
        probability_attribute: str | int | None = None,
        probability_threshold_attribute: str | float | None = None,
    ) -> None:
        self.start_time_offset = start_time_offset
        self.end_time_offset = end_time_offset
        self.features_attribute = features_attribute
        self.inference_attribute = inference_attribute
        self.probability_attribute = probability_attribute
        self.probability_threshold_attribute = probability_threshold_attribute

    def _optional_request_items(self) -> dict[str, Any]:
        return {
            key: getattr(self, name)
            for name, key in _OPTIONAL_KEYS
            if getattr(self, name, None) is not None
        }


class EndpointInput(MonitoringInput):
    """Mirrors `sagemaker.model_monitor.EndpointInput`: monitor an endpoint's captured data.

    Args:
        endpoint_name: The endpoint whose capture files are read.
        destination: Where the files land in the job, e.g. ``/opt/ml/processing/input/endpoint``.
        s3_input_mode: ``File``, ``Pipe`` or ``FastFile``.
        s3_data_distribution_type: ``FullyReplicated`` or ``ShardedByS3Key``.
        start_time_offset: Start of the window, e.g. ``-PT1H``.
        end_time_offset: End of the window, e.g. ``-PT0H``.
        features_attribute: JSONPath of the features in JSON lines (Clarify monitors).
        inference_attribute: Index or JSONPath of the predicted label.
        probability_attribute: Index or JSONPath of the probability or score.
        probability_threshold_attribute: Cut-off that turns probabilities into labels.
        exclude_features_attribute: Comma-separated indices or names of columns to leave out.
    """

    def __init__(
        self,
        endpoint_name: str,
        destination: str,
        s3_input_mode: str = "File",
        s3_data_distribution_type: str = "FullyReplicated",
        start_time_offset: str | None = None,
        end_time_offset: str | None = None,
        features_attribute: str | None = None,
        inference_attribute: str | None = None,
        probability_attribute: str | int | None = None,
        probability_threshold_attribute: float | None = None,
        exclude_features_attribute: str | None = None,
    ) -> None:
        self.endpoint_name = endpoint_name
        self.destination = destination
        self.s3_input_mode = s3_input_mode
        self.s3_data_distribution_type = s3_data_distribution_type
        self.exclude_features_attribute = exclude_features_attribute
        super().__init__(
            start_time_offset=start_time_offset,
            end_time_offset=end_time_offset,
            features_attribute=features_attribute,
            inference_attribute=inference_attribute,
            probability_attribute=probability_attribute,
            probability_threshold_attribute=probability_threshold_attribute,
        )

    def _to_request_dict(self) -> dict[str, Any]:
        """``{"EndpointInput": {...}}``, the job input of a schedule or job definition."""
        endpoint_input: dict[str, Any] = {
            "EndpointName": self.endpoint_name,
            "LocalPath": self.destination,
            "S3InputMode": self.s3_input_mode,
            "S3DataDistributionType": self.s3_data_distribution_type,
        }
        endpoint_input.update(self._optional_request_items())
        return {"EndpointInput": endpoint_input}


class BatchTransformInput(MonitoringInput):
    """Mirrors `sagemaker.model_monitor.BatchTransformInput`: monitor a transform's capture.

    Args:
        data_captured_destination_s3_uri: Where the batch transform wrote its capture.
        destination: Where the files land in the job.
        dataset_format: A :class:`MonitoringDatasetFormat` dict, e.g. ``{"Csv": {"Header": True}}``.
        s3_input_mode: ``File``, ``Pipe`` or ``FastFile``.
        s3_data_distribution_type: ``FullyReplicated`` or ``ShardedByS3Key``.
        start_time_offset: Start of the window, e.g. ``-PT1H``.
        end_time_offset: End of the window, e.g. ``-PT0H``.
        features_attribute: JSONPath of the features in JSON lines (Clarify monitors).
        inference_attribute: Index or JSONPath of the predicted label.
        probability_attribute: Index or JSONPath of the probability or score.
        probability_threshold_attribute: Cut-off that turns probabilities into labels.
        exclude_features_attribute: Comma-separated indices or names of columns to leave out.
    """

    def __init__(
        self,
        data_captured_destination_s3_uri: str,
        destination: str,
        dataset_format: dict[str, Any],
        s3_input_mode: str = "File",
        s3_data_distribution_type: str = "FullyReplicated",
        start_time_offset: str | None = None,
        end_time_offset: str | None = None,
        features_attribute: str | None = None,
        inference_attribute: str | None = None,
        probability_attribute: str | None = None,
        probability_threshold_attribute: str | float | None = None,
        exclude_features_attribute: str | None = None,
    ) -> None:
        self.data_captured_destination_s3_uri = data_captured_destination_s3_uri
        self.destination = destination
        self.s3_input_mode = s3_input_mode
        self.s3_data_distribution_type = s3_data_distribution_type
        self.dataset_format = dataset_format
        self.exclude_features_attribute = exclude_features_attribute
        super().__init__(
            start_time_offset=start_time_offset,
            end_time_offset=end_time_offset,
            features_attribute=features_attribute,
            inference_attribute=inference_attribute,
            probability_attribute=probability_attribute,
            probability_threshold_attribute=probability_threshold_attribute,
        )

    def _to_request_dict(self) -> dict[str, Any]:
        """``{"BatchTransformInput": {...}}``, the job input of a schedule or job definition."""
        batch_input: dict[str, Any] = {
            "DataCapturedDestinationS3Uri": self.data_captured_destination_s3_uri,
            "LocalPath": self.destination,
            "S3InputMode": self.s3_input_mode,
            "S3DataDistributionType": self.s3_data_distribution_type,
            "DatasetFormat": self.dataset_format,
        }
        batch_input.update(self._optional_request_items())
        return {"BatchTransformInput": batch_input}


class MonitoringOutput:
    """Mirrors `sagemaker.model_monitor.MonitoringOutput`: where a monitoring job's files go.

    Args:
        source: The job's output folder, ``/opt/ml/processing/output`` for built-in monitors.
        destination: The URI the files are uploaded to; the monitor picks a default when None.
        s3_upload_mode: ``Continuous`` or ``EndOfJob``.
    """

    def __init__(
        self, source: str, destination: str | None = None, s3_upload_mode: str = "Continuous"
    ) -> None:
        self.source = source
        self.destination = destination
        self.s3_upload_mode = s3_upload_mode

    def _to_request_dict(self) -> dict[str, Any]:
        """``{"S3Output": {"S3Uri", "LocalPath", "S3UploadMode"}}``."""
        return {
            "S3Output": {
                "S3Uri": self.destination,
                "LocalPath": self.source,
                "S3UploadMode": self.s3_upload_mode,
            }
        }
