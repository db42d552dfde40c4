"""A Spark standalone cluster across the hosts of a job, from pyspark's own classes.

The primary host (``algo-1``) runs the master (``bin/spark-class ...master.Master``) bound to
its host name; every host, the primary included, runs one worker
(``bin/spark-class ...worker.Worker spark://<primary>:<port>``). Ports come from
:meth:`JobHosts.port` (slot 0: master, 1: master web UI, 2: driver web UI, 3: driver), so that
the hosts of one job agree without talking and two jobs on one machine do not collide; the
workers' own ports are ephemeral. The master's web UI answers ``/json/`` with the workers and
their states, which is how hosts see each other come and go.

Worker sizing: ``SPARK_WORKER_CORES`` / ``SPARK_WORKER_MEMORY`` (spark-env) when set, else
``os.cpu_count() // hosts`` cores (at least 1, and at least ``spark.executor.cores``) and 1g
of memory (at least ``spark.executor.memory``), so that an executor always fits a worker.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plimsoll.images._job_hosts import JobHosts
from plimsoll.images._spark_configuration import SparkSettings
from plimsoll.images._spark_environment import SparkInstall, scratch_dir
from plimsoll.images._spark_failure import SparkJobFailed, error_summary, fit
from plimsoll.images._spark_process import SparkProcess

__all__ = [
    "DRIVER_SLOT",
    "DRIVER_UI_SLOT",
    "MASTER_SLOT",
    "MASTER_UI_SLOT",
    "START_SECONDS",
    "Cluster",
    "exit_failure",
    "start_master",
    "start_worker",
    "worker_resources",
]

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
MASTER_SLOT, MASTER_UI_SLOT, DRIVER_UI_SLOT, DRIVER_SLOT = 0, 1, 2, 3
START_SECONDS = 120.0
POLL_SECONDS = 0.5
DEFAULT_WORKER_MIB = 1024
_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)b?\s*$", re.IGNORECASE)
_MIB_PER_UNIT = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024, "": 1}


@dataclass(frozen=True, slots=True)
class Cluster:
    """The standalone cluster of one job, as every host of it computes it."""

    hosts: JobHosts

    @property
    def master_url(self) -> str:
        return f"spark://{self.hosts.primary}:{self.hosts.port(MASTER_SLOT)}"

    @property
    def status_url(self) -> str:
        return f"http://{self.hosts.primary}:{self.hosts.port(MASTER_UI_SLOT)}/json/"

    def status(self) -> dict[str, Any] | None:
        """The master's JSON status, or None when it does not answer."""
        try:
            with urllib.request.urlopen(self.status_url, timeout=2.0) as response:
                data = json.loads(response.read())
        except (OSError, ValueError, urllib.error.URLError):
            return None
        return data if isinstance(data, dict) else None

    def alive_workers(self) -> int:
        status = self.status()
        if status is None:
            return 0
        workers = status.get("workers", [])
        return sum(1 for w in workers if isinstance(w, dict) and w.get("state") == "ALIVE")

    def wait_for_master(
        self, watched: Sequence[SparkProcess] = (), timeout: float = START_SECONDS
    ) -> None:
        """Returns once the master answers (raises ``SparkJobFailed`` after ``timeout``)."""
        _wait_until(
            lambda: self.status() is not None,
            watched,
            timeout,
            lambda: f"the Spark master at {self.master_url} did not come up within {timeout:.0f} s",
        )

    def wait_for_workers(
        self, watched: Sequence[SparkProcess], timeout: float = START_SECONDS
    ) -> None:
        """Returns once every host's worker is ALIVE at the master."""
        count = len(self.hosts.hosts)
        _wait_until(
            lambda: self.alive_workers() >= count,
            watched,
            timeout,
            lambda: (
                f"only {self.alive_workers()} of {count} Spark workers registered with the "
                f"master at {self.master_url} within {timeout:.0f} s"
            ),
        )


def start_master(install: SparkInstall, env: Mapping[str, str], cluster: Cluster) -> SparkProcess:
    """Starts the master on the job's ports, never on others (that another job may own).

    Raises:
        SparkJobFailed: A port of the master is taken (two job names that hash alike).
    """
    hosts = cluster.hosts
    for slot, role in ((MASTER_SLOT, "master"), (MASTER_UI_SLOT, "master web UI")):
        _check_free(hosts.primary, hosts.port(slot), role)
    opts = f"{env.get('SPARK_MASTER_OPTS', '')} -Dspark.port.maxRetries=0".strip()
    env = {**env, "SPARK_MASTER_OPTS": opts}
    argv = [install.script("spark-class"), MASTER_CLASS, "--host", hosts.primary]
    argv += ["--port", str(hosts.port(MASTER_SLOT))]
    argv += ["--webui-port", str(hosts.port(MASTER_UI_SLOT))]
    return SparkProcess("spark-master", argv, env, prefix=True)


def start_worker(
    install: SparkInstall, env: Mapping[str, str], cluster: Cluster, settings: SparkSettings
) -> SparkProcess:
    cores, memory = worker_resources(settings, len(cluster.hosts.hosts))
    argv = [install.script("spark-class"), WORKER_CLASS, "--host", cluster.hosts.current]
    argv += ["--webui-port", "0", "--cores", str(cores), "--memory", memory]
    argv += ["--work-dir", str(scratch_dir("spark-work")), cluster.master_url]
    return SparkProcess(f"spark-worker@{cluster.hosts.current}", argv, env, prefix=True)


def worker_resources(settings: SparkSettings, host_count: int) -> tuple[int, str]:
    """(cores, memory) of each worker, see the module docstring."""
    env, confs = settings.environment, settings.confs
    if "SPARK_WORKER_CORES" in env:
        cores = _int(env["SPARK_WORKER_CORES"], "SPARK_WORKER_CORES")
    else:
        executor_cores = _int(confs.get("spark.executor.cores", "1"), "spark.executor.cores")
        cores = max((os.cpu_count() or 1) // max(host_count, 1), 1, executor_cores)
    if "SPARK_WORKER_MEMORY" in env:
        memory = env["SPARK_WORKER_MEMORY"]
    else:
        executor = _mebibytes(confs.get("spark.executor.memory", "1g"), "spark.executor.memory")
        memory = f"{max(DEFAULT_WORKER_MIB, executor)}m"
    return cores, memory


def exit_failure(process: SparkProcess, code: int) -> SparkJobFailed:
    """The error for a Spark daemon that ended while the job needed it."""
    how = f"signal {-code}" if code < 0 else f"code {code}"
    detail = error_summary(process.tail(), budget=600)
    text = f"{process.name} exited with {how} while the job was running"
    return SparkJobFailed(fit(f"{text}: {detail}" if detail else text))


def _check_free(host: str, port: int, role: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SparkJobFailed(
                f"port {port} of the Spark {role} on {host} is in use ({exc.strerror}): another "
                "job's ports collide with this job's (their names hash alike); run this job "
                "again under another name"
            ) from None


def _wait_until(
    ready: Callable[[], bool],
    watched: Sequence[SparkProcess],
    timeout: float,
    message: Callable[[], str],
) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        for process in watched:
            code = process.poll()
            if code is not None:
                raise exit_failure(process, code)
        if time.monotonic() >= deadline:
            raise SparkJobFailed(message())
        time.sleep(POLL_SECONDS)


def _int(value: str, name: str) -> int:
    try:
        return max(int(value), 1)
    except ValueError:
        raise SparkJobFailed(f"{name}={value!r} is not a whole number") from None


def _mebibytes(value: str, name: str) -> int:
    match = _SIZE.match(value)
    if match is None:
        raise SparkJobFailed(f"{name}={value!r} is not a memory size such as 512m or 2g")
    return int(int(match.group(1)) * _MIB_PER_UNIT[match.group(2).lower()])
