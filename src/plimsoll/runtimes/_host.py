"""One job host's process on this machine: command, environment, start, log, reap, signals.

Shared by the runtimes that run a host as a local process: ``local`` (every host on this
machine) and ``ray`` (each host inside a Ray actor on some node of a cluster). Their
behaviour is documented in :mod:`plimsoll.runtimes.local`.
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
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import IO

from plimsoll.errors import ConfigError, RuntimeUnavailable, ValidationError
from plimsoll.runtimes import _pyenv, _sandbox
from plimsoll.runtimes.base import HostLaunch, JobLaunch

logger = logging.getLogger(__name__)

SANDBOXES = ("auto", "bwrap", "none")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DRAIN_SECONDS = 2.0  # how long output is still read after a host exited (none mode orphans)
TICK_SECONDS = 0.2
CHUNK = 64 * 1024


def pick_bwrap(sandbox: str) -> tuple[str, str] | None:
    """The ``bwrap`` path and version to use for ``sandbox``, or None to run unsandboxed.

    Raises:
        ConfigError: ``sandbox`` is not one of :data:`SANDBOXES`.
        RuntimeUnavailable: ``sandbox="bwrap"`` and bubblewrap cannot be used here.
    """
    if sandbox not in SANDBOXES:
        raise ConfigError(f"sandbox={sandbox!r}: use one of {', '.join(SANDBOXES)}")
    if sandbox == "none":
        return None
    probe = _sandbox.probe_bwrap()
    if probe.usable and probe.path is not None:
        return probe.path, probe.version or "unknown"
    if sandbox == "bwrap":
        raise RuntimeUnavailable(
            f"the bubblewrap sandbox is not usable: {probe.problem}; install it with "
            f"`{_sandbox.INSTALL_HINT}` or set PLIMSOLL_SANDBOX=none"
        )
    logger.warning(
        "bubblewrap is not usable (%s): job hosts run WITHOUT a sandbox; install it with `%s`",
        probe.problem,
        _sandbox.INSTALL_HINT,
    )
    return None


def prepare_host(
    job: JobLaunch,
    host: HostLaunch,
    *,
    bwrap: str | None,
    peers: Iterable[str] | Mapping[str, str],
    command: Sequence[str],
    facts: _pyenv.PythonFacts,
) -> HostProcess:
    """Makes the host's folders and Python layer; returns its process, not started yet.

    ``peers`` names every host of the job for its ``/etc/hosts`` (names: all on loopback;
    a mapping: name to the address of the machine running that host).
    """
    for folder in (host.opt_ml, host.tmp, host.env_dir, host.log_path.parent):
        folder.mkdir(parents=True, exist_ok=True)
    mount = _pyenv.LAYER_MOUNT if bwrap else PurePosixPath(host.env_dir)
    _pyenv.build_layer(host.env_dir, facts, mount=mount)
    tmp = "/tmp" if bwrap else str(host.tmp)
    env = job_environment(job, env_bin=str(mount / "bin"), tmp=tmp)
    if not bwrap:
        env = {"PLIMSOLL_OPT_ML": str(host.opt_ml), "TMPDIR": str(host.tmp), **env}
        return HostProcess(
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
        bwrap,
        host=host.host,
        mounts=mounts,
        hosts_data=_sandbox.hosts_file(peers),
        command=command,
        env=env,
    )
    return HostProcess(host=host, job=job, start=start, sandboxed=True)


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


class HostProcess:
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
