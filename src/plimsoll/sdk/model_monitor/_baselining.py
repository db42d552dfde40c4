"""Mirrors `sagemaker.model_monitor.model_monitoring.BaseliningJob`."""

from __future__ import annotations

from plimsoll.sdk._processing_job import ProcessingJob
from plimsoll.sdk.exceptions import UnexpectedStatusException
from plimsoll.sdk.model_monitor.monitoring_files import Constraints, Statistics

__all__ = ["BaseliningJob"]

_NOT_COMPLETED = (
    "The underlying job is not in 'Completed' state. You may only retrieve files for a job "
    "that has completed successfully."
)


class BaseliningJob(ProcessingJob):
    """Mirrors `sagemaker.model_monitor.BaseliningJob`: a baseline suggestion job's handle."""

    @classmethod
    def from_processing_job(cls, processing_job: ProcessingJob) -> BaseliningJob:
        return cls(
            processing_job.sagemaker_session,
            processing_job.job_name,
            processing_job.inputs,
            processing_job.outputs,
            processing_job.output_kms_key,
        )

    def _output_uri(self, file_name: str) -> str:
        assert self.outputs, "a baselining job has one output"
        destination = self.outputs[0].destination
        assert destination is not None
        return f"{destination.rstrip('/')}/{file_name}"

    def baseline_statistics(
        self, file_name: str = "statistics.json", kms_key: str | None = None
    ) -> Statistics:
        """The job's ``statistics.json``; raises if the job did not complete."""
        try:
            found: Statistics = Statistics.from_s3_uri(
                self._output_uri(file_name), kms_key, self.sagemaker_session
            )
        except ValueError as exc:
            self._raise_unless_completed(exc)
            raise
        return found

    def suggested_constraints(
        self, file_name: str = "constraints.json", kms_key: str | None = None
    ) -> Constraints:
        """The job's ``constraints.json``; raises if the job did not complete."""
        try:
            found: Constraints = Constraints.from_s3_uri(
                self._output_uri(file_name), kms_key, self.sagemaker_session
            )
        except ValueError as exc:
            self._raise_unless_completed(exc)
            raise
        return found

    def _raise_unless_completed(self, cause: Exception) -> None:
        status = self.describe()["ProcessingJobStatus"]
        if status != "Completed":
            raise UnexpectedStatusException(
                message=_NOT_COMPLETED, allowed_statuses=["Completed"], actual_status=status
            ) from cause
