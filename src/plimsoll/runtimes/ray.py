"""The Ray runtime: each host of a job runs in a Ray actor on a node of an existing cluster.

``RayRuntime(sandbox=..., address=...)`` connects this process to the Ray cluster at
``address`` (``ray.init``, namespace ``plimsoll``) at the first launch; ``None`` lets Ray find
the cluster itself (``RAY_ADDRESS``, else the cluster last started on this machine). Plimsoll
never starts a cluster of its own.

A job of N hosts gets one placement group of N bundles (``{"CPU": cpus_per_host}``, strategy
``SPREAD``: one host per node where the cluster has the nodes, packed onto fewer otherwise).
Each bundle holds one actor (:class:`~plimsoll.runtimes._ray_host.HostAgent`), which reports
its node's address; once every address is known, each actor runs its host exactly as the
local runtime does (same sandbox on that node, environment, log, exit codes, signals; see
:mod:`plimsoll.runtimes.local`), except that the ``/etc/hosts`` of each sandbox maps every
``algo-N`` to the address of the node running it (all on one address on a one-node cluster).

Files are not shipped: every node must see the Plimsoll home (the hosts' staged ``/opt/ml``,
tmp, Python layer and log) at the same path, as on one machine or over a shared file system
(NFS). A host placed on a node that does not see them fails the launch with that message.
The image's Python must exist at the same path on every node, and plimsoll be installed in
the Python the cluster's workers run.

``terminate``/``kill`` signal each host's process group through its actor; ``kill`` then
ends actors that did not answer (``ray.kill``). An actor lost with its node reports exit
``-9`` with a line in the host's log saying why. When every host exited, the actors are ended
and the placement group removed.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import signal
import socket
import threading
from collections.abc import Sequence
from typing import Any

import ray
from ray.util.placement_group import PlacementGroup, placement_group, remove_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

from plimsoll.errors import ConfigError, PlimsollError, RuntimeUnavailable, ValidationError
from plimsoll.runtimes._host import SANDBOXES, resolve_command
from plimsoll.runtimes._ray_host import HostAgent, marker_path
from plimsoll.runtimes.base import HostLaunch, JobHandle, JobLaunch, Runtime

__all__ = ["NAMESPACE", "RayJobHandle", "RayRuntime"]

logger = logging.getLogger(__name__)

NAMESPACE = "plimsoll"
PROBE_SECONDS = 5.0  # TCP check of the cluster's address before ray.init (which retries ~minutes)
START_SECONDS = 120.0  # actors started, folders checked, processes spawned
SIGNAL_SECONDS = 10.0
KILL_WAIT_SECONDS = 10.0

_Agent: Any = ray.remote(HostAgent)


class RayRuntime(Runtime):
    """Runs job hosts as Ray actors on an existing Ray cluster.

    Args:
        sandbox: the sandbox of each host on its node (``auto``, ``bwrap`` or ``none``, as for
            the local runtime; probed on each node).
        address: the cluster's address (``host:port`` of its GCS, ``ray://host:port``, or
            ``auto``); None: Ray's own discovery.
        cpus_per_host: the CPUs reserved for each host.
        placement_timeout: seconds to wait for the cluster to hold every host of a job.

    Raises:
        ConfigError: ``sandbox`` or ``cpus_per_host`` is invalid.
    """

    name = "ray"

    def __init__(
        self,
        sandbox: str = "auto",
        address: str | None = None,
        *,
        cpus_per_host: float = 1.0,
        placement_timeout: float = 60.0,
    ) -> None:
        if sandbox not in SANDBOXES:
            raise ConfigError(f"sandbox={sandbox!r}: use one of {', '.join(SANDBOXES)}")
        if cpus_per_host <= 0:
            raise ConfigError(f"cpus_per_host={cpus_per_host!r}: must be positive")
        self._sandbox = sandbox
        self._address = address
        self._cpus = cpus_per_host
        self._placement_timeout = placement_timeout
        self._lock = threading.Lock()
        self._connected = False

    @property
    def address(self) -> str | None:
        return self._address

    def describe(self) -> str:
        where = self._address or "found by Ray"
        return f"ray (cluster {where}; {self._sandbox} sandbox on each node)"

    def launch(self, job: JobLaunch) -> JobHandle:
        resolve_command(job)  # a ValidationError before anything is placed
        if not job.hosts:
            raise ValidationError(f"job {job.job_name}: no hosts to launch")
        self._connect()
        token = secrets.token_hex(16)
        for host in job.hosts:
            for folder in (host.opt_ml, host.tmp, host.env_dir, host.log_path.parent):
                folder.mkdir(parents=True, exist_ok=True)
            marker_path(host.log_path).write_text(token)
        group: PlacementGroup | None = None
        agents: list[Any] = []
        try:
            group = self._place(job)
            agents = [
                _Agent.options(
                    num_cpus=self._cpus,
                    max_concurrency=4,
                    scheduling_strategy=PlacementGroupSchedulingStrategy(
                        placement_group=group, placement_group_bundle_index=index
                    ),
                ).remote(self._sandbox)
                for index in range(len(job.hosts))
            ]
            singles = [dataclasses.replace(job, hosts=(host,)) for host in job.hosts]
            addresses = _get(
                job, [a.locate.remote(one, token) for a, one in zip(agents, singles, strict=True)]
            )
            peers = {h.host: str(ip) for h, ip in zip(job.hosts, addresses, strict=True)}
            _get(job, [a.start.remote(one, peers) for a, one in zip(agents, singles, strict=True)])
        except BaseException:
            _tear_down(agents, group)
            raise
        finally:
            for host in job.hosts:
                marker_path(host.log_path).unlink(missing_ok=True)
        logger.info(
            "job %s: %d host(s) started on Ray nodes %s (%s)",
            job.job_name,
            len(job.hosts),
            sorted(set(peers.values())),
            self.describe(),
            extra={"job_name": job.job_name},
        )
        exits = [a.wait_exit.remote() for a in agents]
        return RayJobHandle(hosts=job.hosts, agents=agents, exits=exits, group=group)

    def _connect(self) -> None:
        """``ray.init`` once per runtime, bounded: an unreachable address fails in seconds."""
        with self._lock:
            if self._connected:
                return
            _probe(self._address)
            if ray.is_initialized():
                _check_same_cluster(self._address)
            else:
                try:
                    ray.init(
                        address=self._address or "auto",  # never start a cluster of our own
                        namespace=NAMESPACE,
                        ignore_reinit_error=True,
                        log_to_driver=False,
                    )
                except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ...
                    raise RuntimeUnavailable(
                        f"cannot connect to the Ray cluster at {self._address or 'auto'}: {exc}"
                    ) from exc
            self._connected = True

    def _place(self, job: JobLaunch) -> PlacementGroup:
        bundles = [{"CPU": self._cpus} for _ in job.hosts]
        group: PlacementGroup = placement_group(
            bundles, strategy="SPREAD", name=f"plimsoll:{job.job_name}"
        )
        ready, _ = ray.wait([group.ready()], timeout=self._placement_timeout)
        if not ready:
            remove_placement_group(group)
            available = ray.available_resources().get("CPU", 0.0)  # type: ignore[no-untyped-call]
            raise RuntimeUnavailable(
                f"job {job.job_name}: the Ray cluster could not place {len(bundles)} host(s) "
                f"of {self._cpus:g} CPU each within {self._placement_timeout:g} s "
                f"({available:g} CPU free now)"
            )
        return group


class RayJobHandle(JobHandle):
    """The hosts of one job started by :class:`RayRuntime`."""

    def __init__(
        self,
        *,
        hosts: Sequence[HostLaunch],
        agents: Sequence[Any],
        exits: Sequence[Any],
        group: PlacementGroup | None,
    ) -> None:
        self._hosts = tuple(hosts)
        self._agents = tuple(agents)
        self._exits = tuple(exits)
        self._group = group
        self._codes: list[int | None] = [None] * len(self._hosts)
        self._sent: set[int] = set()
        self._released = False
        self._lock = threading.RLock()

    def poll(self) -> dict[str, int | None]:
        with self._lock:
            pending = self._pending()
            if pending:
                refs = [self._exits[i] for i in pending]
                ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
                for i in pending:
                    if self._exits[i] in ready:
                        self._settle(i)
            if not self._released and all(code is not None for code in self._codes):
                self._released = True
                _release(self._agents, self._group)
            return {h.host: code for h, code in zip(self._hosts, self._codes, strict=True)}

    def wait(self, timeout: float | None = None) -> bool:
        refs = [self._exits[i] for i in self._pending()]
        if refs:
            ray.wait(refs, num_returns=len(refs), timeout=timeout)
        return all(code is not None for code in self.poll().values())

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)
        refs = [self._exits[i] for i in self._pending()]
        if refs:
            ready, _ = ray.wait(refs, num_returns=len(refs), timeout=KILL_WAIT_SECONDS)
            for i in self._pending():
                if self._exits[i] not in ready:
                    ray.kill(self._agents[i], no_restart=True)
        self.poll()

    def _pending(self) -> list[int]:
        return [i for i, code in enumerate(self._codes) if code is None]

    def _signal(self, sig: int) -> None:
        with self._lock:
            self._sent.add(sig)
        refs = [self._agents[i].signal.remote(sig) for i in self._pending()]
        if refs:
            ray.wait(refs, num_returns=len(refs), timeout=SIGNAL_SECONDS)

    def _settle(self, index: int) -> None:
        try:
            self._codes[index] = int(ray.get(self._exits[index]))
        except ray.exceptions.RayError as exc:
            self._codes[index] = -signal.SIGKILL
            if signal.SIGKILL not in self._sent:
                _note(self._hosts[index], f"host lost on the Ray cluster: {_first_line(exc)}")


def _get(job: JobLaunch, refs: Sequence[Any]) -> list[Any]:
    """``ray.get`` bounded by :data:`START_SECONDS`, Plimsoll's own errors passed through."""
    try:
        return list(ray.get(list(refs), timeout=START_SECONDS))
    except ray.exceptions.GetTimeoutError as exc:
        raise RuntimeUnavailable(
            f"job {job.job_name}: its hosts did not start on the Ray cluster within "
            f"{START_SECONDS:g} s"
        ) from exc
    except ray.exceptions.RayTaskError as exc:
        cause = exc.cause
        if isinstance(cause, PlimsollError):
            raise cause from exc
        raise RuntimeUnavailable(f"job {job.job_name}: {_first_line(exc)}") from exc
    except ray.exceptions.RayError as exc:
        raise RuntimeUnavailable(f"job {job.job_name}: {_first_line(exc)}") from exc


def _tear_down(agents: Sequence[Any], group: PlacementGroup | None) -> None:
    """Ends whatever a launch started: every host's processes, the actors, the group."""
    if agents:
        refs = [a.signal.remote(signal.SIGKILL) for a in agents]
        ray.wait(refs, num_returns=len(refs), timeout=SIGNAL_SECONDS)
        exits = [a.wait_exit.remote() for a in agents]
        ray.wait(exits, num_returns=len(exits), timeout=KILL_WAIT_SECONDS)
    _release(agents, group)


def _release(agents: Sequence[Any], group: PlacementGroup | None) -> None:
    """Ends the actors (their hosts are gone) and frees the job's placement group."""
    for agent in agents:
        ray.kill(agent, no_restart=True)
    if group is not None:
        remove_placement_group(group)


def _probe(address: str | None) -> None:
    """Fails fast when ``host:port`` does not accept connections (Ray would retry ~minutes)."""
    if not address or ":" not in address:
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=PROBE_SECONDS).close()
    except OSError as exc:
        raise RuntimeUnavailable(
            f"cannot connect to the Ray cluster at {address}: {exc}; start one with "
            "`ray start --head` or set PLIMSOLL_RAY_ADDRESS to a running cluster's address"
        ) from exc


def _check_same_cluster(address: str | None) -> None:
    """Ray holds one connection per process: refuse to use it for another cluster."""
    current = ray.get_runtime_context().gcs_address
    if not address or address == "auto" or address.startswith("ray://"):
        return
    if _endpoint(current) != _endpoint(address):
        raise RuntimeUnavailable(
            f"this process is already connected to the Ray cluster at {current}, "
            f"not {address}; one process uses one Ray cluster"
        )


def _endpoint(address: str) -> tuple[str, str]:
    host, _, port = address.rpartition(":")
    try:
        host = socket.gethostbyname(host)
    except OSError:
        pass
    return host, port


def _note(host: HostLaunch, message: str) -> None:
    try:
        with host.log_path.open("a") as log:
            log.write(f"\n[plimsoll] {message}\n")
    except OSError:
        logger.warning("host %s: %s", host.host, message)


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
