"""Mirrors `sagemaker.model_monitor.model_monitoring.MonitoringExecution`."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput
from plimsoll.sdk._processing_job import ProcessingJob
from plimsoll.sdk.exceptions import UnexpectedStatusException
from plimsoll.sdk.model_monitor.monitoring_files import (
    ConstraintViolations,
    ModelMonitoringFile,
    Statistics,
)

if TYPE_CHECKING:
    from plimsoll.sdk.session import Session

__all__ = ["MonitoringExecution"]

_F = TypeVar("_F", bound=ModelMonitoringFile)

_NOT_COMPLETED = (
    "The underlying job is not in 'Completed' state. You may only retrieve files for a job "
    "that has completed successfully."
)


class MonitoringExecution(ProcessingJob):
    """Mirrors `sagemaker.model_monitor.MonitoringExecution`: one run of a schedule.

    A monitoring execution is a processing job the schedule started; its single output holds
    ``statistics.json`` and ``constraint_violations.json``.

    Args:
        sagemaker_session: The session the job ran in.
        job_name: The processing job's name.
        inputs: The job's inputs.
        output: The job's one output.
        output_kms_key: The output's KMS key id.
    """

    def __init__(
        self,
        sagemaker_session: Session,
        job_name: str,
        inputs: list[ProcessingInput] | None,
        output: ProcessingOutput,
        output_kms_key: str | None = None,
    ) -> None:
        self.output = output
        super().__init__(
            sagemaker_session=sagemaker_session,
            job_name=job_name,
            inputs=inputs,
            outputs=[output],
            output_kms_key=output_kms_key,
        )

    @classmethod
    def from_processing_arn(
        cls, sagemaker_session: Session, processing_job_arn: str
    ) -> MonitoringExecution:
        """The execution whose processing job has ``processing_job_arn``."""
        name = processing_job_arn.split(":")[5][len("processing-job/") :]
        job = ProcessingJob.from_processing_name(sagemaker_session, name)
        if not job.outputs:
            raise ValueError(f"Processing job {name} has no output: not a monitoring execution")
        return cls(
            sagemaker_session=sagemaker_session,
            job_name=name,
            inputs=job.inputs,
            output=job.outputs[0],
            output_kms_key=job.output_kms_key,
        )

    def statistics(
        self, file_name: str = "statistics.json", kms_key: str | None = None
    ) -> Statistics:
        """The execution's ``statistics.json``.

        Raises:
            UnexpectedStatusException: The file is missing and the job did not complete.
        """
        return self._file(Statistics, file_name, kms_key)

    def constraint_violations(
        self, file_name: str = "constraint_violations.json", kms_key: str | None = None
    ) -> ConstraintViolations:
        """The execution's ``constraint_violations.json``.

        Raises:
            UnexpectedStatusException: The file is missing and the job did not complete.
        """
        return self._file(ConstraintViolations, file_name, kms_key)

    def _file(self, kind: type[_F], file_name: str, kms_key: str | None) -> _F:
        assert self.outputs and self.outputs[0].destination is not None
        # Not s3_path_join: the destination may be a local path or file:// URI (kept local).
        uri = f"{self.outputs[0].destination.rstrip('/')}/{file_name}"
        try:
            found: _F = kind.from_s3_uri(uri, kms_key, self.sagemaker_session)
        except ValueError as exc:
            # A missing file (the SDK's NoSuchKey): say why when the job did not complete.
            status = self.describe()["ProcessingJobStatus"]
            if status != "Completed":
                raise UnexpectedStatusException(
                    message=_NOT_COMPLETED, allowed_statuses=["Completed"], actual_status=status
                ) from exc
            raise
        return found
