"""The Ray actor that runs one job host on the node Ray placed it on.

It runs the host exactly as the local runtime does (:mod:`plimsoll.runtimes._host`: the same
sandbox, environment, log, exit codes and signals), with the node's own bubblewrap. The
driver (:mod:`plimsoll.runtimes.ray`) calls, in order: :meth:`HostAgent.locate` (the node's
address, once the agent has checked that it sees the job's folders), :meth:`HostAgent.start`
(once every host's address is known, for ``/etc/hosts``), then :meth:`HostAgent.wait_exit`,
which returns the host's exit code; :meth:`HostAgent.signal` may come at any time meanwhile.

This module is imported on every Ray node: plimsoll must be installed there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from plimsoll.errors import RuntimeUnavailable
from plimsoll.runtimes import _pyenv
from plimsoll.runtimes._host import HostProcess, pick_bwrap, prepare_host, resolve_command
from plimsoll.runtimes.base import JobLaunch

__all__ = ["HostAgent", "marker_path"]


def marker_path(log_path: Path) -> Path:
    """Where the driver leaves a token that proves a node sees the job's files.

    It lies beside the host's log, outside every folder the job itself sees.
    """
    return log_path.with_name(f".{log_path.name}.ray-check")


class HostAgent:
    """One host of one job, inside a Ray actor (a threaded one: ``signal`` never waits)."""

    def __init__(self, sandbox: str) -> None:
        self._sandbox = sandbox
        self._proc: HostProcess | None = None

    def locate(self, job: JobLaunch, token: str) -> str:
        """The IP address of this node, after checking it sees the job's staged folders.

        Raises:
            RuntimeUnavailable: this node does not see them (no shared file system).
        """
        import ray  # only inside a Ray worker

        node = ray.util.get_node_ip_address()  # type: ignore[no-untyped-call]
        host = job.hosts[0]
        marker = marker_path(host.log_path)
        try:
            seen = marker.read_text()
        except OSError:
            seen = None
        if seen != token or not host.opt_ml.is_dir():
            raise RuntimeUnavailable(
                f"job {job.job_name}: host {host.host} was placed on Ray node {node}, which "
                f"does not see the job's folders ({host.opt_ml.parent}); every Ray node must "
                "mount the Plimsoll home at the same path (a shared file system such as NFS)"
            )
        return str(node)

    def start(self, job: JobLaunch, peers: Mapping[str, str]) -> int:
        """Starts the host's process; returns the PID of this actor's worker.

        Raises:
            RuntimeUnavailable: the sandbox cannot be used or the process cannot start here.
        """
        bwrap = pick_bwrap(self._sandbox)
        host = job.hosts[0]
        facts = _pyenv.python_facts(job.image.python)
        proc = prepare_host(
            job,
            host,
            bwrap=bwrap[0] if bwrap else None,
            peers=dict(peers),
            command=resolve_command(job),
            facts=facts,
        )
        proc.spawn()
        try:
            proc.wait_started()
        except OSError as exc:
            raise RuntimeUnavailable(
                f"job {job.job_name}: cannot start host {host.host}: {exc}"
            ) from exc
        self._proc = proc
        return os.getpid()

    def wait_exit(self) -> int:
        """Blocks until the host's process (and its whole sandbox) is gone; its exit code."""
        proc = self._proc
        if proc is None:
            raise RuntimeError("wait_exit before start")
        proc.done.wait()
        assert proc.exit_code is not None
        return proc.exit_code

    def signal(self, sig: int) -> None:
        """Sends ``sig`` to the host's process group, unless it is already gone."""
        if self._proc is not None:
            self._proc.signal(sig)
