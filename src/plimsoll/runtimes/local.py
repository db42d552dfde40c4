"""The local runtime: each job host is a process on this machine, sandboxed by bubblewrap.

``LocalRuntime(sandbox=...)`` picks the isolation once:

* ``"bwrap"``: bubblewrap is required (``RuntimeUnavailable`` otherwise). Each host sees
  the host file system read-only, its own ``/opt/ml``, ``/tmp`` and Python layer
  (``/opt/plimsoll/env``) writable, an ``/etc/hosts`` naming every host of the job, its
  own PID/UTS/IPC namespaces and no capabilities (see ``_sandbox``). The working folder is
  ``/`` (Docker's default when an image sets no WORKDIR).
* ``"auto"``: ``"bwrap"`` when ``bwrap`` is on PATH and works here (probed once), else
  ``"none"`` with a warning.
* ``"none"``: the unsandboxed fallback, for machines without user namespaces (macOS, some
  containers). The command runs directly with the working folder set to the host's
  ``/opt/ml`` folder. Nothing is remapped: ``/opt/ml`` does not exist for the job, so a
  script must find its files through the config files and the environment
  (``PLIMSOLL_OPT_ML`` = the host folder standing for ``/opt/ml``, ``TMPDIR`` = the host's
  tmp folder; ``PIP_CACHE_DIR`` lies below it), the layer is used from its host folder,
  ``/etc/hosts`` and the hostname are the machine's, and **the job can read and write
  everything the Plimsoll process can**. Environment, logs, exit codes and signals behave
  as with ``"bwrap"``.

In both modes the command follows Docker's rules (``ContainerEntrypoint`` or the image's
ENTRYPOINT, then the arguments), is looked up on the job's PATH (not found: the host exits
127), and runs with only ``PATH``, ``HOME``, ``LANG``, ``PYTHONUNBUFFERED`` and the pip
variables, then the image's and the job's environment (the job's win). Each host runs in
its own process group; ``terminate``/``kill`` signal that whole group. Exit codes are the
command's own; a host ended by a signal that the runtime sent reports ``-signal`` (a
command killed by another signal inside the sandbox reports ``128 + signal``, as Docker
does; without the sandbox it reports ``-signal``).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Sequence

from plimsoll.errors import RuntimeUnavailable, ValidationError
from plimsoll.runtimes import _pyenv
from plimsoll.runtimes._host import (
    SANDBOXES,
    HostProcess,
    job_environment,
    pick_bwrap,
    prepare_host,
    resolve_command,
)
from plimsoll.runtimes.base import JobHandle, JobLaunch, Runtime

__all__ = ["SANDBOXES", "LocalJobHandle", "LocalRuntime", "job_environment", "resolve_command"]

logger = logging.getLogger(__name__)


class LocalRuntime(Runtime):
    """Runs job hosts as local processes, in a bubblewrap sandbox when possible.

    Args:
        sandbox: ``"auto"``, ``"bwrap"`` or ``"none"`` (see the module docstring).

    Raises:
        ConfigError: ``sandbox`` is not one of those.
        RuntimeUnavailable: ``sandbox="bwrap"`` and bubblewrap cannot be used here.
    """

    name = "local"

    def __init__(self, sandbox: str = "auto") -> None:
        picked = pick_bwrap(sandbox)
        self._bwrap: str | None = picked[0] if picked else None
        self._version: str | None = picked[1] if picked else None

    @property
    def sandbox(self) -> str:
        """The isolation in use: ``"bwrap"`` or ``"none"``."""
        return "bwrap" if self._bwrap else "none"

    def describe(self) -> str:
        if self._bwrap:
            return f"local (bubblewrap {self._version} sandbox)"
        return "local (no sandbox: jobs can read and write the host file system)"

    def launch(self, job: JobLaunch) -> JobHandle:
        command = resolve_command(job)
        if not job.hosts:
            raise ValidationError(f"job {job.job_name}: no hosts to launch")
        facts = _pyenv.python_facts(job.image.python)
        names = [h.host for h in job.hosts]
        processes = [
            prepare_host(job, host, bwrap=self._bwrap, peers=names, command=command, facts=facts)
            for host in job.hosts
        ]
        try:
            for proc in processes:
                proc.spawn()
            for proc in processes:
                proc.wait_started()
        except OSError as exc:
            for proc in processes:
                proc.signal(signal.SIGKILL)
            raise RuntimeUnavailable(f"job {job.job_name}: cannot start a host: {exc}") from exc
        logger.info(
            "job %s: %d host(s) started (%s)",
            job.job_name,
            len(processes),
            self.describe(),
            extra={"job_name": job.job_name},
        )
        return LocalJobHandle(processes)


class LocalJobHandle(JobHandle):
    """The hosts of one job started by :class:`LocalRuntime`."""

    def __init__(self, processes: Sequence[HostProcess]) -> None:
        self._processes = tuple(processes)

    def poll(self) -> dict[str, int | None]:
        return {p.host: p.exit_code for p in self._processes}

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        for proc in self._processes:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not proc.done.wait(left):
                return False
        return True

    def terminate(self) -> None:
        for proc in self._processes:
            proc.signal(signal.SIGTERM)

    def kill(self) -> None:
        for proc in self._processes:
            proc.signal(signal.SIGKILL)
