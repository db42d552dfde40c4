"""The hosts of the running job, as a built-in image sees them, and where they meet.

Every host reads ``/opt/ml/config/resourceconfig.json`` (``current_host``, ``hosts``) and
``processingjobconfig.json`` (``ProcessingJobName``). As on SageMaker the *primary* is the first
host in sorted order; it runs what a job does once (a Spark master, the merge of partial
results) and the other hosts reach it by name (``algo-1``), which the runtime resolves.

Hosts may share one network namespace (the local runtime runs every host on this machine), so
fixed ports as on SageMaker would collide between two jobs. :meth:`JobHosts.port` derives each
service's port from the job name instead: every host of one job computes the same port without
talking, and two jobs get different ports unless their names hash alike (then the second
primary cannot bind and its job fails with that message, never a silent mix-up). The range
stays below the kernel's ephemeral ports, which outgoing connections take: a busy machine's
client sockets would otherwise hold a job's port now and then.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

from plimsoll.compat.container_paths import PROCESSING_JOB_CONFIG, RESOURCE_CONFIG
from plimsoll.errors import ValidationError

__all__ = ["PORT_RANGE", "JobHosts", "read_job_hosts"]

PORT_RANGE = (20_000, 32_000)  # below Linux's ephemeral range (32768-60999)
_PORTS_PER_JOB = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class JobHosts:
    job_name: str
    current: str
    hosts: tuple[str, ...]

    @property
    def primary(self) -> str:
        return sorted(self.hosts)[0]

    @property
    def is_primary(self) -> bool:
        return self.current == self.primary

    @property
    def index(self) -> int:
        """This host's position among the hosts in sorted order (the primary is 0)."""
        return sorted(self.hosts).index(self.current)

    def port(self, slot: int) -> int:
        """The job's ``slot``-th port (0 <= slot < 16), the same on every host of the job."""
        if not 0 <= slot < _PORTS_PER_JOB:
            raise ValueError(f"port slot {slot} is outside 0..{_PORTS_PER_JOB - 1}")
        low, high = PORT_RANGE
        blocks = (high - low) // _PORTS_PER_JOB
        block = zlib.crc32(self.job_name.encode("utf-8")) % blocks
        return low + block * _PORTS_PER_JOB + slot


def read_job_hosts(
    resource_config: Path = Path(RESOURCE_CONFIG), job_config: Path = Path(PROCESSING_JOB_CONFIG)
) -> JobHosts:
    """This job's hosts from its config files (``algo-1`` alone when they are missing).

    Raises:
        ValidationError: A config file exists but is not the documented JSON.
    """
    current, hosts, name = "algo-1", ["algo-1"], "job"
    try:
        if resource_config.exists():
            resources = json.loads(resource_config.read_text(encoding="utf-8"))
            current, hosts = str(resources["current_host"]), [str(h) for h in resources["hosts"]]
        if job_config.exists():
            name = str(json.loads(job_config.read_text(encoding="utf-8"))["ProcessingJobName"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"the job's config files are not valid: {exc}") from None
    if current not in hosts:
        raise ValidationError(f"resourceconfig.json: current_host {current!r} not in {hosts}")
    return JobHosts(job_name=name, current=current, hosts=tuple(hosts))
