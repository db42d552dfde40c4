"""An in-process metadata store: records in dicts behind locks (tests and ``memory://``)."""

from __future__ import annotations

import threading
from datetime import datetime

from plimsoll.errors import ResourceInUse, ResourceNotFound
from plimsoll.metadata._memory_monitoring import MemoryMonitoringStore
from plimsoll.metadata._memory_serving import MemoryServingStore
from plimsoll.metadata._messages import in_use_message, not_found_message
from plimsoll.metadata._paging import paginate
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.entities import JobQuery, JobStatus, ProcessingJob


class MemoryMetadataStore(MemoryServingStore, MemoryMonitoringStore, MetadataStore):
    """Keeps processing jobs, serving and Model Monitor records in memory; safe to share
    between threads. Nothing persists."""

    def __init__(self) -> None:
        # The mixins do not chain ``__init__``; each sets up its own tables and lock.
        MemoryServingStore.__init__(self)
        MemoryMonitoringStore.__init__(self)
        self._jobs: dict[str, ProcessingJob] = {}
        self._lock = threading.Lock()

    def create_processing_job(self, job: ProcessingJob) -> None:
        with self._lock:
            if job.name in self._jobs:
                raise ResourceInUse(in_use_message(job.name, self._jobs[job.name].arn))
            self._jobs[job.name] = job

    def get_processing_job(self, name: str) -> ProcessingJob:
        with self._lock:
            job = self._jobs.get(name)
        if job is None:
            raise ResourceNotFound(not_found_message(name))
        return job

    def list_processing_jobs(self, query: JobQuery) -> tuple[list[ProcessingJob], str | None]:
        with self._lock:
            jobs = [job for job in self._jobs.values() if _matches(job, query)]
        return paginate(jobs, query)

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
        changes = {
            "status": status,
            "processing_start_time": processing_start_time,
            "processing_end_time": processing_end_time,
            "failure_reason": failure_reason,
            "exit_message": exit_message,
        }
        with self._lock:
            job = self._jobs.get(name)
            if job is None:
                raise ResourceNotFound(not_found_message(name))
            if expected_status is not None and job.status not in expected_status:
                return None
            updated = job.replace(
                last_modified_time=last_modified_time,
                **{key: value for key, value in changes.items() if value is not None},
            )
            self._jobs[name] = updated
            return updated


def _matches(job: ProcessingJob, query: JobQuery) -> bool:
    if query.name_contains and query.name_contains.lower() not in job.name.lower():
        return False
    if query.status_equals is not None and job.status != query.status_equals:
        return False
    return _within(job.creation_time, query.creation_time_after, query.creation_time_before) and (
        _within(
            job.last_modified_time, query.last_modified_time_after, query.last_modified_time_before
        )
    )


def _within(value: datetime, after: datetime | None, before: datetime | None) -> bool:
    return (after is None or value > after) and (before is None or value < before)
