"""The metadata store contract: records about jobs, endpoints and schedules (never their bytes)."""

from __future__ import annotations

import abc
from datetime import datetime

from plimsoll.metadata.entities import JobQuery, JobStatus, ProcessingJob
from plimsoll.metadata.monitoring_base import MonitoringStore
from plimsoll.metadata.serving_base import ServingStore


class MetadataStore(ServingStore, MonitoringStore, abc.ABC):
    """Persists processing jobs, (as a :class:`ServingStore`) models, endpoint configs and
    endpoints, and (as a :class:`MonitoringStore`) Model Monitor job definitions, schedules
    and executions. Implementations must be safe to call from many threads.

    Every method raises ``plimsoll.errors`` classes only: ``ResourceInUse`` for a taken name,
    ``ResourceNotFound`` for an unknown one, ``ValidationError`` for a bad ``next_token``.
    """

    @abc.abstractmethod
    def create_processing_job(self, job: ProcessingJob) -> None:
        """Stores a new job. Raises ``ResourceInUse`` if the name exists (case-sensitive)."""

    @abc.abstractmethod
    def get_processing_job(self, name: str) -> ProcessingJob:
        """Returns the job. Raises ``ResourceNotFound`` naming the job if unknown."""

    @abc.abstractmethod
    def list_processing_jobs(self, query: JobQuery) -> tuple[list[ProcessingJob], str | None]:
        """Jobs matching ``query``, sorted as asked, one page; returns (page, next_token).

        ``next_token`` is opaque, None on the last page. Ties in the sort key are broken by
        name so that pages never overlap or skip.
        """

    @abc.abstractmethod
    def update_processing_job(
        self,
        name: str,
        *,
        status: JobStatus | None = None,
        expected_status: tuple[JobStatus, ...] | None = None,
        processing_start_time: datetime | None = None,
        processing_end_time: datetime | None = None,
        failure_reason: str | None = None,
        exit_message: str | None = None,
        last_modified_time: datetime,
    ) -> ProcessingJob | None:
        """Changes the given fields atomically; returns the new job.

        With ``expected_status``, the update happens only if the current status is one of
        them (compare-and-set); otherwise nothing changes and None is returned. Raises
        ``ResourceNotFound`` for an unknown name.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Releases connections."""
