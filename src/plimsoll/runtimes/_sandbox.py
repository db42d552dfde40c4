"""The bubblewrap sandbox of one job host: finding a working ``bwrap`` and building its argv.

What a host process sees (order matters: later mounts go on top of earlier ones):

* the whole host file system read-only (``--ro-bind / /``);
* ``/tmp`` = the host's own tmp folder, writable, mounted first so that the read-only
  re-binds below can bring back host folders that lie under the real ``/tmp`` (an image
  Python living in a temporary folder, say);
* ``/opt`` = a tmpfs holding every existing ``/opt/*`` entry re-bound read-only, then
  ``/opt/ml`` (writable) and the Python layer at ``/opt/plimsoll/env`` (writable); ``/opt``
  itself is then remounted read-only;
* ``/etc/hosts`` mapping ``localhost`` and every host name of the job to 127.0.0.1
  (hosts share the machine's network namespace and reach each other over loopback), or,
  under the Ray runtime, each host name to the address of the node that runs it;
* fresh ``/dev`` and ``/proc`` (``/proc/sys`` read-only: the job runs as a capless uid 0,
  which the kernel still lets write most sysctls); its own PID, UTS (hostname = host name) and IPC
  namespaces; no capabilities; its own session (so the runtime can signal the job's
  process group without hitting bwrap); killed when the runtime's process dies.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

logger = logging.getLogger(__name__)

INSTALL_HINT = "apt-get install bubblewrap"
OPT = "/opt"
HIDDEN_ROOTS = ("/tmp",)
"""Host folders the sandbox replaces, whose content must be re-bound to stay visible."""

PROC_READ_ONLY = ("/proc/sys", "/proc/sysrq-trigger")
"""Kernel knobs under the fresh /proc that must not be writable from a job."""

EXEC_WRAPPER = ("/bin/sh", "-c", 'unset PWD; exec "$@"', "sh")
"""Runs the command through PATH inside the sandbox: not found -> exit 127 with a message."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BwrapProbe:
    """The outcome of trying bubblewrap once on this machine."""

    path: str | None
    version: str | None
    problem: str | None  # None: usable

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxMounts:
    """The host folders one sandboxed host sees at its writable places."""

    opt_ml: Path
    tmp: Path
    env_dir: Path
    env_mount: PurePosixPath
    read_only_extra: tuple[str, ...] = ()  # host folders that must stay visible (under /tmp)


@functools.cache
def probe_bwrap() -> BwrapProbe:
    """Finds ``bwrap`` on PATH and runs ``true`` in a minimal sandbox (once per process)."""
    path = shutil.which("bwrap")
    if path is None:
        return BwrapProbe(path=None, version=None, problem="bwrap is not on PATH")
    try:
        out = subprocess.run([path, "--version"], capture_output=True, timeout=10, check=True)
        match = re.search(rb"(\d+(?:\.\d+)+)", out.stdout)
        version = match.group(1).decode() if match else "unknown"
        trial = subprocess.run(
            [path, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid"]
            + ["--unshare-uts", "--unshare-ipc", "--die-with-parent", "--new-session", "true"],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return BwrapProbe(path=path, version=None, problem=f"{path} does not run: {exc}")
    if trial.returncode != 0:
        reason = trial.stderr.decode("utf-8", "replace").strip() or f"exit {trial.returncode}"
        return BwrapProbe(path=path, version=version, problem=f"{path} cannot sandbox: {reason}")
    return BwrapProbe(path=path, version=version, problem=None)


def hosts_file(hosts: Iterable[str] | Mapping[str, str]) -> bytes:
    """The ``/etc/hosts`` of a job: localhost, then every host name at its address.

    ``hosts`` is either host names (all on loopback: every host runs on this machine) or a
    mapping of host name to the IP address of the machine that runs it.
    """
    addresses = hosts if isinstance(hosts, Mapping) else dict.fromkeys(hosts, "127.0.0.1")
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    lines += [f"{address}\t{name}" for name, address in addresses.items()]
    return ("\n".join(lines) + "\n").encode()


def outermost(paths: Iterable[str]) -> list[str]:
    """Drops every path lying below another one of ``paths``; keeps the order."""
    normal = list(dict.fromkeys(os.path.normpath(p) for p in paths))
    return [
        p for p in normal if not any(q != p and p.startswith(q.rstrip("/") + "/") for q in normal)
    ]


def hidden_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The subset of ``paths`` that the sandbox would hide (they lie under ``/tmp``)."""
    under = [p for p in paths if any(p.startswith(root + "/") for root in HIDDEN_ROOTS)]
    return tuple(outermost(under))


def bwrap_argv(
    bwrap: str,
    *,
    host: str,
    mounts: SandboxMounts,
    hosts_fd: int,
    info_fd: int,
    command: Sequence[str],
) -> list[str]:
    """The full argv that runs ``command`` as host ``host`` of a job.

    ``hosts_fd`` is a readable fd holding the ``/etc/hosts`` bytes; ``info_fd`` a writable fd
    on which bwrap reports the sandbox's PID (``{"child-pid": N}``): its process group is the
    job's. Both must be passed to the child (``pass_fds``).
    """
    argv = [bwrap, "--ro-bind", "/", "/", "--bind", str(mounts.tmp), "/tmp"]
    for path in mounts.read_only_extra:
        argv += ["--ro-bind", path, path]
    argv += ["--tmpfs", OPT]
    for entry in _opt_entries(keep_out=("ml", mounts.env_mount.relative_to(OPT).parts[0])):
        target = os.path.join(OPT, entry)
        if os.path.islink(target):
            argv += ["--symlink", os.readlink(target), target]
        else:
            argv += ["--ro-bind", target, target]
    argv += ["--bind", str(mounts.opt_ml), f"{OPT}/ml"]
    argv += ["--bind", str(mounts.env_dir), str(mounts.env_mount)]
    argv += ["--remount-ro", OPT]
    argv += ["--ro-bind-data", str(hosts_fd), "/etc/hosts"]
    argv += ["--dev", "/dev", "--proc", "/proc"]
    for path in PROC_READ_ONLY:  # a capless uid 0 may still write most sysctls
        argv += ["--ro-bind-try", path, path]
    argv += ["--unshare-pid", "--unshare-uts", "--hostname", host, "--unshare-ipc"]
    argv += ["--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    argv += ["--info-fd", str(info_fd), "--chdir", "/", "--", *EXEC_WRAPPER, *command]
    return argv


def _opt_entries(keep_out: Sequence[str]) -> list[str]:
    try:
        names = sorted(os.listdir(OPT))
    except OSError:
        return []
    return [name for name in names if name not in keep_out]


def popen_sandboxed(
    bwrap: str,
    *,
    host: str,
    mounts: SandboxMounts,
    hosts_data: bytes,
    command: Sequence[str],
    env: Mapping[str, str],
) -> tuple[subprocess.Popen[bytes], int]:
    """Starts ``command`` in the sandbox; returns bwrap's process and the job's process group.

    The job's processes run in a session of their own (led by the sandbox's init, which
    ignores signals it has no handler for), so signalling that group reaches the command
    and its children but not bwrap, which stays alive to report the command's exit code.
    Output (stdout and stderr together) is on ``proc.stdout``.
    """
    hosts_r, hosts_w = os.pipe()
    info_r, info_w = os.pipe()
    try:
        os.write(hosts_w, hosts_data)
        os.close(hosts_w)
        argv = bwrap_argv(
            bwrap, host=host, mounts=mounts, hosts_fd=hosts_r, info_fd=info_w, command=command
        )
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(env),
            pass_fds=(hosts_r, info_w),
            start_new_session=True,
        )
    except OSError:
        os.close(info_r)
        raise
    finally:
        os.close(hosts_r)
        os.close(info_w)
    return proc, _read_child_pid(info_r) or proc.pid


def _read_child_pid(fd: int) -> int | None:
    """Reads bwrap's ``--info-fd`` report (closed by bwrap once written) and closes it."""
    data = b""
    try:
        while chunk := os.read(fd, 4096):
            data += chunk
    finally:
        os.close(fd)
    try:
        return int(json.loads(data)["child-pid"])
    except (ValueError, KeyError, TypeError):
        return None
