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

import functools
import logging
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import IO

from plimsoll.errors import ConfigError, RuntimeUnavailable, ValidationError
from plimsoll.runtimes import _pyenv, _sandbox
from plimsoll.runtimes.base import HostLaunch, JobHandle, JobLaunch, Runtime

logger = logging.getLogger(__name__)

SANDBOXES = ("auto", "bwrap", "none")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DRAIN_SECONDS = 2.0  # how long output is still read after a host exited (none mode orphans)
TICK_SECONDS = 0.2
CHUNK = 64 * 1024


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
        if sandbox not in SANDBOXES:
            raise ConfigError(f"sandbox={sandbox!r}: use one of {', '.join(SANDBOXES)}")
        self._bwrap: str | None = None
        self._version: str | None = None
        if sandbox != "none":
            probe = _sandbox.probe_bwrap()
            if probe.usable and probe.path is not None:
                self._bwrap, self._version = probe.path, probe.version
            elif sandbox == "bwrap":
                raise RuntimeUnavailable(
                    f"the bubblewrap sandbox is not usable: {probe.problem}; install it with "
                    f"`{_sandbox.INSTALL_HINT}` or set PLIMSOLL_SANDBOX=none"
                )
            else:
                logger.warning(
                    "bubblewrap is not usable (%s): job hosts run WITHOUT a sandbox; "
                    "install it with `%s`",
                    probe.problem,
                    _sandbox.INSTALL_HINT,
                )

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
        processes = [self._prepare(job, host, names, command, facts) for host in job.hosts]
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

    def _prepare(
        self,
        job: JobLaunch,
        host: HostLaunch,
        names: Sequence[str],
        command: Sequence[str],
        facts: _pyenv.PythonFacts,
    ) -> _HostProcess:
        for folder in (host.opt_ml, host.tmp, host.env_dir, host.log_path.parent):
            folder.mkdir(parents=True, exist_ok=True)
        mount = _pyenv.LAYER_MOUNT if self._bwrap else PurePosixPath(host.env_dir)
        _pyenv.build_layer(host.env_dir, facts, mount=mount)
        tmp = "/tmp" if self._bwrap else str(host.tmp)
        env = job_environment(job, env_bin=str(mount / "bin"), tmp=tmp)
        if not self._bwrap:
            env = {"PLIMSOLL_OPT_ML": str(host.opt_ml), "TMPDIR": str(host.tmp), **env}
            return _HostProcess(
                host=host, job=job, start=functools.partial(_popen_plain, command, env, host)
            )
        mounts = _sandbox.SandboxMounts(
            opt_ml=host.opt_ml,
            tmp=host.tmp,
            env_dir=host.env_dir,
            env_mount=mount,
            read_only_extra=_sandbox.hidden_paths(facts.host_paths()),
        )
        start = functools.partial(
            _sandbox.popen_sandboxed,
            self._bwrap,
            host=host.host,
            mounts=mounts,
            hosts_data=_sandbox.hosts_file(names),
            command=command,
            env=env,
        )
        return _HostProcess(host=host, job=job, start=start, sandboxed=True)


def resolve_command(job: JobLaunch) -> tuple[str, ...]:
    """Docker's rule: the given entrypoint or the image's, followed by the arguments.

    Raises:
        ValidationError: neither the job nor the image has an entrypoint.
    """
    entrypoint = job.container_entrypoint or job.image.entrypoint
    if not entrypoint:
        raise ValidationError(
            f"image {job.image.image_uri} has no entrypoint; set ContainerEntrypoint"
        )
    return (*entrypoint, *(job.container_arguments or ()))


def job_environment(job: JobLaunch, *, env_bin: str, tmp: str) -> dict[str, str]:
    """The whole environment of a host: the base variables, the image's, then the job's."""
    python_dir = os.path.dirname(job.image.python)
    base = {
        "PATH": f"{env_bin}:{python_dir}:{SYSTEM_PATH}",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PIP_CACHE_DIR": f"{tmp}/.cache/pip",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return {**base, **job.image.environment, **job.environment}


class LocalJobHandle(JobHandle):
    """The hosts of one job started by :class:`LocalRuntime`."""

    def __init__(self, processes: Sequence[_HostProcess]) -> None:
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


class _HostProcess:
    """One host's process: started, logged, reaped and signalled from its own thread.

    The thread that spawns the process lives exactly as long as it, so bubblewrap's
    parent-death signal never fires early, and it is the one that reaps it (no zombies).
    """

    def __init__(
        self,
        *,
        host: HostLaunch,
        job: JobLaunch,
        start: Callable[[], tuple[subprocess.Popen[bytes], int]],
        sandboxed: bool = False,
    ) -> None:
        self.host = host.host
        self._log_path = host.log_path
        self._start = start
        self._sandboxed = sandboxed
        self._max_log_bytes = job.max_log_bytes
        self._job_name = job.job_name
        self._lock = threading.Lock()
        self._started = threading.Event()
        self._spawn_error: OSError | None = None
        self._group: int | None = None
        self._gone = False
        self._sent: set[int] = set()
        self._tail = b"\n"  # last byte written to the log
        self.exit_code: int | None = None
        self.done = threading.Event()
        self._thread = threading.Thread(
            target=self._main, name=f"{job.job_name}/{host.host}", daemon=True
        )

    def spawn(self) -> None:
        self._thread.start()

    def wait_started(self) -> None:
        self._started.wait()
        if self._spawn_error is not None:
            raise self._spawn_error

    def signal(self, sig: int) -> None:
        """Sends ``sig`` to the host's process group, unless the host is already gone."""
        with self._lock:
            if self._gone or self._group is None:
                return
            self._sent.add(sig)
            try:
                os.killpg(self._group, sig)
            except (ProcessLookupError, PermissionError):
                pass

    def _main(self) -> None:
        try:
            log = self._log_path.open("ab", buffering=0)
        except OSError as exc:
            self._fail_to_start(exc)
            return
        with log:
            try:
                proc, group = self._start()
            except OSError as exc:
                self._fail_to_start(exc)
                return
            with self._lock:
                self._group = group
            logger.debug("job %s host %s: pid %s", self._job_name, self.host, proc.pid)
            self._started.set()
            try:
                self._pump(proc, log)
            finally:
                self._reap(proc)

    def _fail_to_start(self, exc: OSError) -> None:
        self._spawn_error = exc
        self.exit_code = 127
        self.done.set()
        self._started.set()

    def _pump(self, proc: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        """Copies output to the log, up to the cap, until every writer closed the pipe."""
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        written = 0
        exited_at: float | None = None
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while True:
                now = time.monotonic()
                if exited_at is None:
                    timeout = TICK_SECONDS
                else:
                    timeout = exited_at + DRAIN_SECONDS - now
                    if timeout <= 0:
                        break
                if sel.select(timeout):
                    chunk = os.read(fd, CHUNK)
                    if not chunk:
                        break
                    written = self._write_log(log, chunk, written)
                elif exited_at is None and _has_exited(proc):
                    exited_at = time.monotonic()
                    self._clean_leftovers()
        proc.stdout.close()

    def _write_log(self, log: IO[bytes], chunk: bytes, written: int) -> int:
        """Appends ``chunk`` within the cap; returns the new count (cap + 1: truncated)."""
        cap = self._max_log_bytes
        if written > cap:
            return written
        keep = chunk[: cap - written]
        try:
            log.write(keep)
            self._tail = keep[-1:] or self._tail
            if len(keep) == len(chunk):
                return written + len(keep)
            marker = f"[plimsoll] log truncated at {cap} bytes\n".encode()
            log.write(marker if self._tail == b"\n" else b"\n" + marker)
        except OSError as exc:  # a full disk must not block the job: keep draining
            logger.warning("job %s host %s: log stopped: %s", self._job_name, self.host, exc)
        return cap + 1

    def _clean_leftovers(self) -> None:
        """Without a sandbox, ends what the command left behind, as a container's end does."""
        if not self._sandboxed:
            self.signal(signal.SIGKILL)

    def _reap(self, proc: subprocess.Popen[bytes]) -> None:
        if hasattr(os, "waitid"):
            # Wait without reaping: the PID (and so the group) stays ours until marked gone.
            try:
                os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
            except ChildProcessError:
                pass
        self._clean_leftovers()
        with self._lock:
            self._gone = True
        code = proc.wait()
        if self._sandboxed and code > 128 and (code - 128) in self._sent:
            code = 128 - code
        self.exit_code = code
        logger.debug("job %s host %s: exit %s", self._job_name, self.host, code)
        self.done.set()


def _popen_plain(
    command: Sequence[str], env: Mapping[str, str], host: HostLaunch
) -> tuple[subprocess.Popen[bytes], int]:
    """Starts ``command`` unsandboxed, in its own session, from the host's /opt/ml folder."""
    proc = subprocess.Popen(
        [*_sandbox.EXEC_WRAPPER, *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(env),
        cwd=host.opt_ml,
        start_new_session=True,
    )
    return proc, proc.pid


def _has_exited(proc: subprocess.Popen[bytes]) -> bool:
    if hasattr(os, "waitid"):
        try:
            result = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        return result is not None
    return proc.poll() is not None
