"""Work split over the hosts of one job, and one host merging what the others computed.

A built-in image run with ``instance_count > 1`` (the analyzer, Clarify) splits its input
with :func:`host_files`, computes its part on every host and lets the *primary*
(:class:`~plimsoll.images._job_hosts.JobHosts`) merge the parts and write the outputs.

Which files are a host's part: a file under an input with ``S3DataDistributionType``
``ShardedByS3Key`` (``/opt/ml/config/processingjobconfig.json``) is already the host's own
shard and is kept whole; the other files (``FullyReplicated`` inputs, or paths under no
input) are the same on every host, and host *i* of *N* takes every *N*-th of them in sorted
order, starting at the *i*-th. A file is never split: a dataset of one big file is read by
one host while the others contribute nothing (CSV cannot be cut at byte offsets safely,
since a quoted field may hold a newline).

The exchange (:class:`HostExchange`) is plain HTTP from the standard library: the primary
serves on ``JobHosts.port(MERGE_SLOT)`` bound to its host name, before computing its own
part, and each other host POSTs one blob (its part, or an error message) to
``/part/<host>``, retrying with backoff until the primary answers (at most
``connect_seconds``). While a worker computes, it POSTs ``/alive/<host>`` every
``heartbeat_seconds``; the primary gives up on a host it has not heard from for
``wait_seconds`` and fails the job with a message naming it. A worker's error fails the job
on the primary with ``host algo-2: <message>``; a worker never writes outputs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from plimsoll.compat.container_paths import PROCESSING_JOB_CONFIG
from plimsoll.errors import EngineError
from plimsoll.images._job_hosts import JobHosts

logger = logging.getLogger("plimsoll.hosts")

__all__ = ["MERGE_SLOT", "HostExchange", "HostFailed", "host_files", "sharded_inputs"]

MERGE_SLOT = 8  # slots 0-7 are the Spark cluster's
CONNECT_SECONDS = 300.0
WAIT_SECONDS = 300.0
HEARTBEAT_SECONDS = 15.0
_JOB_HEADER = "X-Plimsoll-Job"
_KIND_HEADER = "X-Plimsoll-Part"


class HostFailed(EngineError):
    """Another host's part failed, or it never delivered it."""


def sharded_inputs(job_config: Path = Path(PROCESSING_JOB_CONFIG)) -> list[Path]:
    """The LocalPath of every ``ShardedByS3Key`` input of the job (none without the file)."""
    try:
        config = json.loads(job_config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for item in config.get("ProcessingInputs") or []:
        s3 = item.get("S3Input") if isinstance(item, dict) else None
        if isinstance(s3, dict) and s3.get("S3DataDistributionType") == "ShardedByS3Key":
            if s3.get("LocalPath"):
                found.append(Path(str(s3["LocalPath"])))
    return found


def host_files(
    files: Sequence[Path], hosts: JobHosts, *, sharded: Sequence[Path] | None = None
) -> list[Path]:
    """This host's part of ``files`` (see the module docstring), in sorted order.

    Args:
        files: Every file of the input as this host sees it.
        hosts: The job's hosts.
        sharded: LocalPaths of the sharded inputs (default: read from the job's config).
    """
    if len(hosts.hosts) == 1:
        return sorted(files)
    roots = sharded_inputs() if sharded is None else list(sharded)
    own = [f for f in files if any(f.is_relative_to(root) for root in roots)]
    shared = sorted(f for f in files if not any(f.is_relative_to(root) for root in roots))
    count = len(hosts.hosts)
    return sorted(own + shared[hosts.index :: count])


class _Inbox:
    """What the primary has heard from the other hosts (thread-safe)."""

    def __init__(self, workers: Sequence[str]) -> None:
        self._changed = threading.Condition()
        self._heard = dict.fromkeys(workers, time.monotonic())
        self.parts: dict[str, tuple[str, bytes]] = {}

    def knows(self, host: str) -> bool:
        return host in self._heard

    def alive(self, host: str) -> None:
        with self._changed:
            self._heard[host] = time.monotonic()

    def put(self, host: str, kind: str, data: bytes) -> bool:
        with self._changed:
            if host in self.parts:
                return False
            self.parts[host] = (kind, data)
            self._heard[host] = time.monotonic()
            self._changed.notify_all()
            return True

    def wait_all(self, wait_seconds: float) -> None:
        """Returns once every host delivered or one reported an error; raises HostFailed
        for a host silent for ``wait_seconds``."""
        with self._changed:
            while True:
                missing = [h for h in self._heard if h not in self.parts]
                if not missing or any(kind == "error" for kind, _ in self.parts.values()):
                    return
                now = time.monotonic()
                silent = [h for h in missing if now - self._heard[h] > wait_seconds]
                if silent:
                    raise HostFailed(
                        f"host {silent[0]} sent no part and no sign of life for "
                        f"{wait_seconds:.0f} s; it may have died or cannot reach the primary"
                    )
                self._changed.wait(timeout=1.0)


def _handler(job_name: str, inbox: _Inbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            _, what, host = (self.path.split("/") + ["", "", ""])[:3]
            size = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(size)
            if self.headers.get(_JOB_HEADER) != job_name:
                self._answer(HTTPStatus.CONFLICT, f"this is job {job_name}")
            elif not inbox.knows(host):
                self._answer(HTTPStatus.NOT_FOUND, f"{host!r} is not a worker host of the job")
            elif what == "alive":
                inbox.alive(host)
                self._answer(HTTPStatus.OK, "")
            elif what == "part":
                kind = self.headers.get(_KIND_HEADER) or "part"
                if inbox.put(host, kind, data):
                    self._answer(HTTPStatus.OK, "")
                else:
                    self._answer(HTTPStatus.CONFLICT, f"host {host} already sent its part")
            else:
                self._answer(HTTPStatus.NOT_FOUND, "unknown path")

        def _answer(self, status: HTTPStatus, text: str) -> None:
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            logger.debug(format, *args)

    return Handler


class HostExchange:
    """One job's exchange of parts; use as a context manager around the whole analysis.

    Args:
        hosts: The job's hosts; with one host nothing is served or sent.
        slot: The :meth:`JobHosts.port` slot the primary serves on.
        addresses: Host name -> address to bind or reach (default: the name itself).
        connect_seconds: How long a worker keeps trying to reach the primary.
        wait_seconds: How long the primary waits without hearing from a host.
        heartbeat_seconds: How often a worker signals that it is still computing.
    """

    def __init__(
        self,
        hosts: JobHosts,
        *,
        slot: int = MERGE_SLOT,
        addresses: Mapping[str, str] | None = None,
        connect_seconds: float = CONNECT_SECONDS,
        wait_seconds: float = WAIT_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.hosts = hosts
        self._port = hosts.port(slot)
        self._address = (addresses or {}).get(hosts.primary, hosts.primary)
        self._connect_seconds = connect_seconds
        self._wait_seconds = wait_seconds
        self._heartbeat_seconds = heartbeat_seconds
        self._server: ThreadingHTTPServer | None = None
        self._inbox = _Inbox([h for h in sorted(hosts.hosts) if h != hosts.primary])
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self._unreachable = False

    @property
    def distributed(self) -> bool:
        return len(self.hosts.hosts) > 1

    @property
    def is_worker(self) -> bool:
        return self.distributed and not self.hosts.is_primary

    def __enter__(self) -> HostExchange:
        if not self.distributed:
            return self
        if self.hosts.is_primary:
            try:
                server = ThreadingHTTPServer(
                    (self._address, self._port), _handler(self.hosts.job_name, self._inbox)
                )
            except OSError as exc:
                raise HostFailed(
                    f"the primary cannot listen on {self.hosts.primary}:{self._port}: {exc}"
                ) from None
            server.daemon_threads = True
            self._server = server
            threading.Thread(target=server.serve_forever, name="host-merge", daemon=True).start()
            logger.info("Waiting for parts on %s:%d", self.hosts.primary, self._port)
        else:
            self._beat = threading.Thread(target=self._heartbeat, name="host-alive", daemon=True)
            self._beat.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def gather(self) -> list[bytes]:
        """On the primary: the other hosts' parts, in host order (empty with one host).

        Raises:
            HostFailed: A host reported an error or fell silent for ``wait_seconds``.
        """
        if not self.distributed:
            return []
        assert self._server is not None, "gather() runs on the primary inside the context"
        self._inbox.wait_all(self._wait_seconds)
        received = dict(self._inbox.parts)
        for host, (kind, data) in sorted(received.items()):
            if kind == "error":
                raise HostFailed(f"host {host}: {data.decode('utf-8', 'replace')}")
        parts = [received[host][1] for host in sorted(self.hosts.hosts)[1:]]
        logger.info("Received the parts of %d hosts", len(parts))
        return parts

    def send(self, part: bytes) -> None:
        """On a worker: delivers this host's part to the primary.

        Raises:
            HostFailed: The primary could not be reached within ``connect_seconds``.
        """
        self._post("part", part, kind="part", retry_for=self._connect_seconds)
        logger.info("Sent this host's part (%d bytes) to %s", len(part), self.hosts.primary)

    def report_error(self, message: str) -> bool:
        """On a worker: hands its error to the primary; False when that is not possible."""
        if not self.is_worker or self._unreachable:
            return False
        try:
            self._post(
                "part", message.encode("utf-8"), kind="error", retry_for=self._connect_seconds
            )
        except HostFailed as exc:
            logger.error("%s", exc.message)
            return False
        logger.info("Reported the error to %s, which fails the job", self.hosts.primary)
        return True

    def _url(self, what: str) -> str:
        return f"http://{self._address}:{self._port}/{what}/{self.hosts.current}"

    def _heartbeat(self) -> None:
        while not self._stop.wait(self._heartbeat_seconds):
            try:
                self._post("alive", b"", kind="alive", retry_for=0.0)
            except HostFailed:
                continue

    def _post(self, what: str, data: bytes, *, kind: str, retry_for: float) -> None:
        request = urllib.request.Request(
            self._url(what),
            data=data,
            method="POST",
            headers={_JOB_HEADER: self.hosts.job_name, _KIND_HEADER: kind},
        )
        deadline = time.monotonic() + retry_for
        delay = 0.1
        while True:
            try:
                with urllib.request.urlopen(request, timeout=max(30.0, retry_for)) as answer:
                    answer.read()
                return
            except urllib.error.HTTPError as exc:  # the primary answered: no use retrying
                text = exc.read().decode("utf-8", "replace")
                raise HostFailed(
                    f"the primary {self.hosts.primary} refused this host's {what}: {text}"
                ) from None
            except (urllib.error.URLError, OSError) as exc:
                if time.monotonic() + delay > deadline:
                    if what == "part":
                        self._unreachable = True
                    raise HostFailed(
                        f"cannot reach the primary {self.hosts.primary} at "
                        f"{self._address}:{self._port} within {retry_for:.0f} s: {exc}"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
