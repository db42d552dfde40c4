"""``ProcessingJob`` (a started job's handle) and the one CreateProcessingJob request builder."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from plimsoll.sdk._processing_io import (
    FeatureStoreOutput,
    ProcessingInput,
    ProcessingOutput,
    S3Input,
)

if TYPE_CHECKING:
    from plimsoll.sdk._processor import Processor
    from plimsoll.sdk.session import Session

logger = logging.getLogger(__name__)

# How often ProcessingJob.wait polls. SageMaker polls every 5 s; jobs here are local, so a
# short poll keeps small jobs snappy. Progress characters are still printed at most every 5 s.
WAIT_POLL_SECONDS = 0.05


def build_process_request(
    processor: Processor,
    inputs: list[ProcessingInput],
    outputs: list[ProcessingOutput],
    experiment_config: dict[str, Any] | None,
) -> dict[str, Any]:
    """The CreateProcessingJob request for ``processor``'s current job.

    Keys are left out exactly where the SDK (``_get_process_args`` and
    ``Session._get_process_request``) leaves them out.
    """
    cluster: dict[str, Any] = {
        "InstanceType": processor.instance_type,
        "InstanceCount": processor.instance_count,
        "VolumeSizeInGB": processor.volume_size_in_gb,
    }
    if processor.volume_kms_key is not None:
        cluster["VolumeKmsKeyId"] = processor.volume_kms_key
    app: dict[str, Any] = {"ImageUri": processor.image_uri}
    if processor.arguments is not None:
        app["ContainerArguments"] = processor.arguments
    if processor.entrypoint is not None:
        app["ContainerEntrypoint"] = processor.entrypoint
    request: dict[str, Any] = {
        "ProcessingJobName": processor._current_job_name,
        "ProcessingResources": {"ClusterConfig": cluster},
        "AppSpecification": app,
        "RoleArn": processor.sagemaker_session.expand_role(processor.role),
    }
    input_dicts = [i._to_request_dict() for i in inputs]
    if input_dicts:
        request["ProcessingInputs"] = input_dicts
    output_config: dict[str, Any] = {"Outputs": [o._to_request_dict() for o in outputs]}
    if processor.output_kms_key is not None:
        output_config["KmsKeyId"] = processor.output_kms_key
    if output_config["Outputs"]:
        request["ProcessingOutputConfig"] = output_config
    if processor.env is not None:
        request["Environment"] = processor.env
    if processor.network_config is not None:
        request["NetworkConfig"] = processor.network_config._to_request_dict()
    if processor.max_runtime_in_seconds is not None:
        request["StoppingCondition"] = {"MaxRuntimeInSeconds": processor.max_runtime_in_seconds}
    if processor.tags is not None:
        request["Tags"] = processor.tags
    if experiment_config:
        request["ExperimentConfig"] = experiment_config
    return request


class ProcessingJob:
    """Mirrors `sagemaker.processing.ProcessingJob`.

    Deviations (docs/compat.md): ``wait(logs=True)`` reads Plimsoll's per-host job logs
    instead of CloudWatch, prefixing each line with ``[algo-N]`` when the job has more than
    one host (the SDK colours them instead); with a client that cannot read logs (real
    boto3) it waits without logs.

    Args:
        sagemaker_session: The session the job runs in.
        job_name: The job's name.
        inputs: The job's inputs.
        outputs: The job's outputs.
        output_kms_key: The outputs' KMS key id.
    """

    def __init__(
        self,
        sagemaker_session: Session,
        job_name: str,
        inputs: list[ProcessingInput] | None,
        outputs: list[ProcessingOutput] | None,
        output_kms_key: str | None = None,
    ) -> None:
        self.sagemaker_session = sagemaker_session
        self.job_name = job_name
        self.inputs = inputs
        self.outputs = outputs
        self.output_kms_key = output_kms_key

    @property
    def name(self) -> str:
        """The job's name."""
        return self.job_name

    @classmethod
    def start_new(
        cls,
        processor: Processor,
        inputs: list[ProcessingInput],
        outputs: list[ProcessingOutput],
        experiment_config: dict[str, Any] | None,
    ) -> ProcessingJob:
        """Sends CreateProcessingJob for ``processor``'s current job and returns its handle."""
        request = build_process_request(processor, inputs, outputs, experiment_config)
        logger.debug("Job Name: %s", request["ProcessingJobName"])
        logger.debug("Inputs: %s", request.get("ProcessingInputs", []))
        logger.debug("Outputs: %s", request.get("ProcessingOutputConfig", {}).get("Outputs", []))
        processor.sagemaker_session.sagemaker_client.create_processing_job(**request)
        return cls(
            processor.sagemaker_session,
            request["ProcessingJobName"],
            inputs,
            outputs,
            processor.output_kms_key,
        )

    @classmethod
    def from_processing_name(
        cls, sagemaker_session: Session, processing_job_name: str
    ) -> ProcessingJob:
        """Rebuilds the handle of an existing job from DescribeProcessingJob."""
        desc = sagemaker_session.describe_processing_job(processing_job_name)
        inputs = [_input_from_boto(d) for d in desc.get("ProcessingInputs") or []] or None
        output_config = desc.get("ProcessingOutputConfig") or {}
        outputs = [_output_from_boto(d) for d in output_config.get("Outputs") or []] or None
        return cls(
            sagemaker_session=sagemaker_session,
            job_name=processing_job_name,
            inputs=inputs,
            outputs=outputs,
            output_kms_key=output_config.get("KmsKeyId"),
        )

    @classmethod
    def from_processing_arn(
        cls, sagemaker_session: Session, processing_job_arn: str
    ) -> ProcessingJob:
        """Rebuilds the handle of an existing job from its ARN (``…:processing-job/<name>``)."""
        name = processing_job_arn.split(":")[5][len("processing-job/") :]
        return cls.from_processing_name(sagemaker_session, name)

    def describe(self) -> dict[str, Any]:
        """The DescribeProcessingJob response."""
        return self.sagemaker_session.describe_processing_job(self.job_name)

    def stop(self) -> None:
        """Asks the service to stop the job."""
        self.sagemaker_session.stop_processing_job(self.job_name)

    def wait(self, logs: bool = True) -> None:
        """Blocks until the job ends.

        Args:
            logs: Whether to print the job's logs while waiting.

        Raises:
            UnexpectedStatusException: The job ended Failed.
        """
        if logs:
            self.sagemaker_session.logs_for_processing_job(
                self.job_name, wait=True, poll=WAIT_POLL_SECONDS
            )
        else:
            self.sagemaker_session.wait_for_processing_job(self.job_name, poll=WAIT_POLL_SECONDS)


def _input_from_boto(raw: dict[str, Any]) -> ProcessingInput:
    processing_input = ProcessingInput(
        input_name=raw["InputName"],
        s3_input=S3Input.from_boto(raw.get("S3Input")),
        dataset_definition=raw.get("DatasetDefinition"),
    )
    if "AppManaged" in raw:
        processing_input.app_managed = raw["AppManaged"]
    return processing_input


def _output_from_boto(raw: dict[str, Any]) -> ProcessingOutput:
    processing_output = ProcessingOutput(output_name=raw["OutputName"])
    if "S3Output" in raw:
        processing_output.source = raw["S3Output"].get("LocalPath")
        processing_output.destination = raw["S3Output"]["S3Uri"]
        processing_output.s3_upload_mode = raw["S3Output"].get("S3UploadMode", "EndOfJob")
    if "FeatureStoreOutput" in raw:
        processing_output.feature_store_output = FeatureStoreOutput.from_boto(
            raw["FeatureStoreOutput"]
        )
    if "AppManaged" in raw:
        processing_output.app_managed = raw["AppManaged"]
    return processing_output
