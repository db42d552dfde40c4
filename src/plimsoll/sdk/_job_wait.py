"""Waiting for a processing job: progress characters, log tailing and the final status check.

The facade prints here exactly as the SageMaker SDK does (progress characters and job logs on
stdout); that output is the user-facing feature, not service logging.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

from plimsoll.sdk._client.base import LogReader, SageMakerClient
from plimsoll.sdk.exceptions import CapacityError, UnexpectedStatusException

logger = logging.getLogger(__name__)

# Status spellings some backends use, folded to the API's (as the SDK does).
_STATUS_CODE_TABLE = {
    "COMPLETED": "Completed",
    "INPROGRESS": "InProgress",
    "IN_PROGRESS": "InProgress",
    "FAILED": "Failed",
    "STOPPED": "Stopped",
    "STOPPING": "Stopping",
    "STARTING": "Starting",
    "PENDING": "Pending",
}
_PROGRESS_CHARS = {
    "InProgress": ".",
    "Completed": "!",
    "Failed": "*",
    "Stopped": "s",
    "Stopping": "_",
}
_IN_PROGRESS = ("InProgress", "Stopping", "Starting")
_TERMINAL = ("Completed", "Failed", "Stopped")
_ALLOWED = ["Completed", "Stopped"]
# One progress character per this many seconds however fast we poll (SageMaker polls every 5 s).
_PROGRESS_EVERY_SECONDS = 5.0


def _status(desc: Mapping[str, Any]) -> str:
    raw = str(desc["ProcessingJobStatus"])
    return _STATUS_CODE_TABLE.get(raw, raw)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _describe(client: SageMakerClient, job_name: str) -> dict[str, Any]:
    return client.describe_processing_job(ProcessingJobName=job_name)


def wait_for_job(client: SageMakerClient, job_name: str, poll: float) -> dict[str, Any]:
    """Polls DescribeProcessingJob until the job ends, printing progress characters."""
    last_char_at: float | None = None
    while True:
        desc = _describe(client, job_name)
        status = _status(desc)
        now = time.monotonic()
        if status not in _IN_PROGRESS:
            _write(_PROGRESS_CHARS.get(status, "?") + "\n")
            return desc
        if last_char_at is None or now - last_char_at >= _PROGRESS_EVERY_SECONDS:
            _write(_PROGRESS_CHARS.get(status, "?"))
            last_char_at = now
        time.sleep(poll)


class _LogTail:
    """Reads every host's log from where it stopped and prints whole lines."""

    def __init__(self, reader: LogReader, job_name: str, prefix_hosts: bool) -> None:
        self._reader = reader
        self._job_name = job_name
        self._prefix_hosts = prefix_hosts
        self._offsets: dict[str, int] = {}
        self._partial: dict[str, bytes] = {}

    def flush(self) -> None:
        for host in self._reader.list_processing_job_log_hosts(self._job_name):
            offset = self._offsets.get(host, 0)
            while True:
                data, offset = self._reader.read_processing_job_log(self._job_name, host, offset)
                if not data:
                    break
                self._emit(host, self._partial.pop(host, b"") + data)
            self._offsets[host] = offset

    def finish(self) -> None:
        for host, rest in sorted(self._partial.items()):
            if rest:
                self._print_line(host, rest)
        self._partial.clear()

    def _emit(self, host: str, data: bytes) -> None:
        *lines, rest = data.split(b"\n")
        for line in lines:
            self._print_line(host, line)
        if rest:
            self._partial[host] = rest

    def _print_line(self, host: str, line: bytes) -> None:
        text = line.decode("utf-8", errors="replace").rstrip("\r")
        _write(f"[{host}] {text}\n" if self._prefix_hosts else f"{text}\n")


def tail_job_logs(
    client: SageMakerClient, job_name: str, wait: bool, poll: float
) -> dict[str, Any]:
    """Prints the job's logs; with ``wait``, follows them until the job ends.

    Hosts' lines are interleaved as they are read, each prefixed ``[algo-N]`` when the job
    has more than one host. After the job ends one more pass reads what is left.
    """
    if not isinstance(client, LogReader):
        # A client without Plimsoll's log extension (real boto3): no logs to show.
        logger.info("The client cannot read job logs; waiting for %s without logs", job_name)
        return wait_for_job(client, job_name, poll) if wait else _describe(client, job_name)
    desc = _describe(client, job_name)
    count = int(
        desc.get("ProcessingResources", {}).get("ClusterConfig", {}).get("InstanceCount", 1)
    )
    tail = _LogTail(client, job_name, prefix_hosts=count > 1)
    final_pass = not wait or _status(desc) in _TERMINAL
    while True:
        tail.flush()
        if final_pass:
            break
        time.sleep(poll)
        desc = _describe(client, job_name)
        final_pass = _status(desc) in _TERMINAL
    tail.finish()
    return desc


def check_job_status(job_name: str, desc: Mapping[str, Any]) -> None:
    """Raises unless the job Completed; a Stopped job only logs a warning, as in the SDK.

    Raises:
        CapacityError: The job failed and the reason names CapacityError.
        UnexpectedStatusException: The job ended in any other status.
    """
    status = _status(desc)
    if status == "Stopped":
        logger.warning(
            "Job ended with status 'Stopped' rather than 'Completed'. This could mean the job "
            "timed out or stopped early for some other reason: Consider checking whether it "
            "completed as you expect."
        )
        return
    if status == "Completed":
        return
    reason = desc.get("FailureReason", "(No reason provided)")
    message = f"Error for Processing job {job_name}: {status}. Reason: {reason}"
    error = CapacityError if "CapacityError" in str(reason) else UnexpectedStatusException
    raise error(message=message, allowed_statuses=_ALLOWED, actual_status=status)
