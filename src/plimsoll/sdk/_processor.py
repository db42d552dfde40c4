"""``Processor`` and ``ScriptProcessor``: name a job, normalise its inputs/outputs, start it."""

from __future__ import annotations

import logging
import os
import pathlib
from typing import Any

from plimsoll.compat.container_paths import PROCESSING_ROOT
from plimsoll.compat.naming import base_name_from_image, name_from_base
from plimsoll.sdk import s3
from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput, RunArgs
from plimsoll.sdk._processing_job import ProcessingJob
from plimsoll.sdk._uris import is_local, local_path_of, normalize_local, scheme_of
from plimsoll.sdk.session import Session

logger = logging.getLogger(__name__)

_CODE_CONTAINER_BASE_PATH = f"{PROCESSING_ROOT}/input/"
_DEPRECATED_RUN_ARGS = (
    "This function has been deprecated and could break pipeline step caching. "
    "We recommend using the run() function directly with pipeline sessions "
    "to access step arguments."
)


class Processor:
    """Mirrors `sagemaker.processing.Processor`.

    Deviations (docs/compat.md):

    * ``role`` may be ``None`` or any name (see :class:`~plimsoll.session.Session`).
    * ``instance_type`` ``"local"``/``"local_gpu"`` needs no ``LocalSession``: every job
      runs on this machine anyway, so they are sent like any other instance type.
    * Local input sources and output destinations (plain paths, ``file://``) stay local:
      they are made absolute and passed to the service instead of being uploaded to the
      default bucket (SageMaker issue #2484).

    Args:
        role: IAM role name or ARN (any string; ``None`` allowed).
        image_uri: The image to run; Plimsoll maps it to a local environment.
        instance_count: Number of hosts (``algo-1`` … ``algo-N``).
        instance_type: Instance type, recorded as given.
        entrypoint: The container entrypoint, as a list of strings.
        volume_size_in_gb: Recorded as given.
        volume_kms_key: Recorded as given.
        output_kms_key: Recorded as given.
        max_runtime_in_seconds: The job is stopped after this long.
        base_job_name: Job name prefix; else derived from the image.
        sagemaker_session: The session; a new :class:`Session` when not given.
        env: Environment variables of the job.
        tags: Tags of the job.
        network_config: A :class:`NetworkConfig`.
    """

    JOB_CLASS_NAME = "processing-job"

    def __init__(
        self,
        role: str | None = None,
        image_uri: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        entrypoint: list[str] | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
    ) -> None:
        self.role = role
        self.image_uri = image_uri
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.entrypoint = entrypoint
        self.volume_size_in_gb = volume_size_in_gb
        self.volume_kms_key = volume_kms_key
        self.output_kms_key = output_kms_key
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.base_job_name = base_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self.env = env
        self.tags = tags
        self.network_config = network_config
        self.jobs: list[ProcessingJob] = []
        self.latest_job: ProcessingJob | None = None
        self._current_job_name: str | None = None
        self.arguments: list[str] | None = None

    def run(
        self,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, Any] | None = None,
        kms_key: str | None = None,
    ) -> None:
        """Runs a processing job.

        Args:
            inputs: The job's inputs.
            outputs: The job's outputs.
            arguments: Container arguments.
            wait: Whether to block until the job ends.
            logs: Whether to print the job's logs (needs ``wait``).
            job_name: The job name; generated from the base job name when not given.
            experiment_config: ExperimentConfig of the request.
            kms_key: Accepted; Plimsoll storage has no KMS.

        Raises:
            ValueError: ``logs`` is true but ``wait`` is false.
            UnexpectedStatusException: ``wait`` and the job ended Failed.
        """
        if logs and not wait:
            raise ValueError(
                "Logs can only be shown if wait is set to True. "
                "Please either set wait to True or set logs to False."
            )
        normalized_inputs, normalized_outputs = self._normalize_args(
            job_name=job_name, arguments=arguments, inputs=inputs, outputs=outputs, kms_key=kms_key
        )
        self._start(normalized_inputs, normalized_outputs, experiment_config, wait, logs)

    def _start(
        self,
        inputs: list[ProcessingInput],
        outputs: list[ProcessingOutput],
        experiment_config: dict[str, Any] | None,
        wait: bool,
        logs: bool,
    ) -> None:
        self.latest_job = ProcessingJob.start_new(
            processor=self, inputs=inputs, outputs=outputs, experiment_config=experiment_config
        )
        self.jobs.append(self.latest_job)
        if wait:
            self.latest_job.wait(logs=logs)

    def _normalize_args(
        self,
        job_name: str | None = None,
        arguments: list[str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        code: str | None = None,
        kms_key: str | None = None,
    ) -> tuple[list[ProcessingInput], list[ProcessingOutput]]:
        self._current_job_name = self._generate_current_job_name(job_name=job_name)
        inputs_with_code = self._include_code_in_inputs(inputs, code, kms_key)
        normalized_inputs = self._normalize_inputs(inputs_with_code, kms_key)
        normalized_outputs = self._normalize_outputs(outputs)
        self.arguments = arguments
        return normalized_inputs, normalized_outputs

    def _include_code_in_inputs(
        self, inputs: list[ProcessingInput] | None, code: str | None, kms_key: str | None
    ) -> list[ProcessingInput] | None:
        return inputs

    def _generate_current_job_name(self, job_name: str | None = None) -> str:
        if job_name is not None:
            return job_name
        if self.base_job_name:
            base_name = self.base_job_name
        else:
            base_name = base_name_from_image(self.image_uri or "", Processor.JOB_CLASS_NAME)
        return name_from_base(base_name)

    def _default_s3_uri(self, *parts: str | None) -> str:
        return s3.s3_path_join(
            "s3://",
            self.sagemaker_session.default_bucket(),
            self.sagemaker_session.default_bucket_prefix,
            self._current_job_name,
            *parts,
        )

    def _normalize_inputs(
        self, inputs: list[ProcessingInput] | None = None, kms_key: str | None = None
    ) -> list[ProcessingInput]:
        normalized: list[ProcessingInput] = []
        for count, file_input in enumerate(inputs or [], 1):
            if not isinstance(file_input, ProcessingInput):
                raise TypeError("Your inputs must be provided as ProcessingInput objects.")
            if file_input.input_name is None:
                file_input.input_name = f"input-{count}"
            s3_input = file_input.s3_input
            if file_input.dataset_definition or s3_input is None or s3_input.s3_uri is None:
                normalized.append(file_input)
                continue
            if is_local(s3_input.s3_uri):
                # Plimsoll keeps local data local: the service reads it in place.
                s3_input.s3_uri = normalize_local(s3_input.s3_uri)
                file_input.source = s3_input.s3_uri
            normalized.append(file_input)
        return normalized

    def _normalize_outputs(
        self, outputs: list[ProcessingOutput] | None = None
    ) -> list[ProcessingOutput]:
        normalized: list[ProcessingOutput] = []
        for count, output in enumerate(outputs or [], 1):
            if not isinstance(output, ProcessingOutput):
                raise TypeError("Your outputs must be provided as ProcessingOutput objects.")
            if output.output_name is None:
                output.output_name = f"output-{count}"
            if output.destination is not None and is_local(output.destination):
                output.destination = normalize_local(output.destination)
            elif output.destination is None or scheme_of(output.destination) != "s3":
                output.destination = self._default_s3_uri("output", output.output_name)
            normalized.append(output)
        return normalized


class ScriptProcessor(Processor):
    """Mirrors `sagemaker.processing.ScriptProcessor`.

    A local ``code`` file is uploaded to
    ``s3://<default bucket>/<job name>/input/code/<file name>`` as in SageMaker (Plimsoll's
    ``s3://`` is local disk unless an S3 service is configured), and becomes the input
    ``code`` at ``/opt/ml/processing/input/code``. Other deviations: see :class:`Processor`.

    Args:
        role: IAM role name or ARN (any string; ``None`` allowed).
        image_uri: The image to run.
        command: The command that runs the script, e.g. ``["python3"]``.
        instance_count: Number of hosts.
        instance_type: Instance type, recorded as given.
        volume_size_in_gb: Recorded as given.
        volume_kms_key: Recorded as given.
        output_kms_key: Recorded as given.
        max_runtime_in_seconds: The job is stopped after this long.
        base_job_name: Job name prefix; else derived from the image.
        sagemaker_session: The session; a new :class:`Session` when not given.
        env: Environment variables of the job.
        tags: Tags of the job.
        network_config: A :class:`NetworkConfig`.
    """

    def __init__(
        self,
        role: str | None = None,
        image_uri: str | None = None,
        command: list[str] | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
    ) -> None:
        self._CODE_CONTAINER_BASE_PATH = _CODE_CONTAINER_BASE_PATH
        self._CODE_CONTAINER_INPUT_NAME = "code"
        self.command = command
        super().__init__(
            role=role,
            image_uri=image_uri,
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=base_job_name,
            sagemaker_session=sagemaker_session,
            env=env,
            tags=tags,
            network_config=network_config,
        )

    def get_run_args(
        self,
        code: str,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
    ) -> RunArgs:
        """Returns the arguments unchanged as a :class:`RunArgs` (deprecated in the SDK)."""
        logger.warning(_DEPRECATED_RUN_ARGS)
        return RunArgs(code=code, inputs=inputs, outputs=outputs, arguments=arguments)

    def run(  # type: ignore[override]
        self,
        code: str,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, Any] | None = None,
        kms_key: str | None = None,
    ) -> None:
        """Runs ``code`` (an ``s3://`` URI, a local path or ``file://`` URI of one file).

        Args:
            code: The script to run.
            inputs: The job's inputs.
            outputs: The job's outputs.
            arguments: Arguments passed to the script.
            wait: Whether to block until the job ends.
            logs: Whether to print the job's logs while waiting.
            job_name: The job name; generated when not given.
            experiment_config: ExperimentConfig of the request.
            kms_key: Accepted; Plimsoll storage has no KMS.

        Raises:
            ValueError: ``code`` is missing, a directory, or has an unknown URL scheme.
            UnexpectedStatusException: ``wait`` and the job ended Failed.
        """
        normalized_inputs, normalized_outputs = self._normalize_args(
            job_name=job_name,
            arguments=arguments,
            inputs=inputs,
            outputs=outputs,
            code=code,
            kms_key=kms_key,
        )
        self._start(normalized_inputs, normalized_outputs, experiment_config, wait, logs)

    def _include_code_in_inputs(
        self, inputs: list[ProcessingInput] | None, code: str | None, kms_key: str | None
    ) -> list[ProcessingInput] | None:
        if code is None:
            raise ValueError("code is required: pass an S3 URI or a local path to a file")
        user_code_s3_uri = self._handle_user_code_url(code, kms_key)
        user_script_name = os.path.basename(local_path_of(code) if is_local(code) else code)
        code_input = ProcessingInput(
            source=user_code_s3_uri,
            destination=str(
                pathlib.PurePosixPath(
                    self._CODE_CONTAINER_BASE_PATH, self._CODE_CONTAINER_INPUT_NAME
                )
            ),
            input_name=self._CODE_CONTAINER_INPUT_NAME,
        )
        self._set_entrypoint(self.command or [], user_script_name)
        return [*(inputs or []), code_input]

    def _handle_user_code_url(self, code: str, kms_key: str | None = None) -> str:
        scheme = scheme_of(code)
        if scheme == "s3":
            return code
        if scheme not in ("", "file"):
            raise ValueError(
                f"code {code} url scheme {scheme} is not recognized. "
                "Please pass a file path or S3 url"
            )
        code_path = local_path_of(code)
        if not os.path.exists(code_path):
            raise ValueError(f"code {code} wasn't found. Please make sure that the file exists.")
        if not os.path.isfile(code_path):
            raise ValueError(
                f"code {code} must be a file, not a directory. Please pass a path to a file."
            )
        return s3.S3Uploader.upload(
            local_path=code_path,
            desired_s3_uri=self._default_s3_uri("input", self._CODE_CONTAINER_INPUT_NAME),
            kms_key=kms_key,
            sagemaker_session=self.sagemaker_session,
        )

    def _set_entrypoint(self, command: list[str], user_script_name: str) -> None:
        location = pathlib.PurePosixPath(
            self._CODE_CONTAINER_BASE_PATH, self._CODE_CONTAINER_INPUT_NAME, user_script_name
        )
        self.entrypoint = [*command, str(location)]
