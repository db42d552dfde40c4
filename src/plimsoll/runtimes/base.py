"""The runtime contract: start a job's hosts somewhere, watch them, stop them.

A runtime receives a :class:`JobLaunch` whose hosts already have their ``/opt/ml`` tree
staged in a local folder (inputs, config files, empty output folders) and makes each host's
process see that folder at ``/opt/ml``. Services never learn how: a local sandbox today,
a Docker or Kubernetes runtime later (backed by a volume mounted at the same folder).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from plimsoll.compat.images import ImageEnvironment

__all__ = [
    "HostExit",
    "HostLaunch",
    "ImageEnvironment",
    "JobHandle",
    "JobLaunch",
    "Runtime",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class HostLaunch:
    """One host of a job."""

    host: str  # algo-1 ... algo-N
    opt_ml: Path  # host-side folder the process sees as /opt/ml (writable)
    tmp: Path  # host-side folder the process sees as /tmp (writable)
    env_dir: Path  # host-side folder for the per-host Python layer (writable)
    log_path: Path  # host-side file receiving the process's stdout and stderr, interleaved


@dataclass(frozen=True, slots=True, kw_only=True)
class JobLaunch:
    """A request to start every host of one job (identical image, command and env)."""

    job_name: str
    image: ImageEnvironment
    container_entrypoint: tuple[str, ...] | None
    container_arguments: tuple[str, ...] | None
    environment: Mapping[str, str]
    hosts: tuple[HostLaunch, ...]
    max_log_bytes: int = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class HostExit:
    host: str
    exit_code: int  # negative: killed by that signal number


class JobHandle(abc.ABC):
    """A running job's hosts."""

    @abc.abstractmethod
    def poll(self) -> dict[str, int | None]:
        """Exit code per host, None while it still runs. Never blocks."""

    @abc.abstractmethod
    def wait(self, timeout: float | None = None) -> bool:
        """Blocks until every host exited or ``timeout`` passed; True when all exited."""

    @abc.abstractmethod
    def terminate(self) -> None:
        """Sends SIGTERM to every host's processes (the whole process tree)."""

    @abc.abstractmethod
    def kill(self) -> None:
        """Sends SIGKILL to every host's processes (the whole process tree)."""


class Runtime(abc.ABC):
    """Starts jobs. ``launch`` must return quickly; the hosts run in the background."""

    name: str

    @abc.abstractmethod
    def launch(self, job: JobLaunch) -> JobHandle:
        """Starts all hosts concurrently.

        Raises ``plimsoll.errors.ValidationError`` when the command cannot be resolved (no
        entrypoint given and none in the image), ``RuntimeUnavailable`` when the runtime
        cannot run here. A command that does not exist inside the sandbox is not an error
        here: that host exits 127, as in a container.
        """

    def describe(self) -> str:
        """One line for logs and the CLI: what this runtime isolates and how."""
        return self.name
