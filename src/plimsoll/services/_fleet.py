"""The instances behind endpoints: start them in sandboxes, check their health, restart them.

Each instance is one process (Plimsoll's model server, or the image's own ENTRYPOINT) run by
the runtime as a one-host launch, listening on its own 127.0.0.1 port. An instance counts
as healthy once ``GET /ping`` answers 200; a crashed or unresponsive instance is replaced.
"""

from __future__ import annotations

import http.client
import logging
import os
import shutil
import socket
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from plimsoll.errors import ValidationError
from plimsoll.runtimes.base import HostLaunch, ImageEnvironment, JobHandle, JobLaunch, Runtime
from plimsoll.services.invocations import InstanceAddress
from plimsoll.services.logs import LogStore
from plimsoll.storage.registry import StorageRouter

logger = logging.getLogger(__name__)

SERVE_SCRIPT = (
    "if [ -f /opt/ml/model/code/requirements.txt ]; then "
    "python3 -m pip install --quiet -r /opt/ml/model/code/requirements.txt || exit 1; fi; "
    'exec python3 -m plimsoll.images.inference_server "$@"'
)
DEFAULT_SERVE_ENTRYPOINT = ("sh", "-c", SERVE_SCRIPT, "sh")
PING_TIMEOUT = 2.0
UNHEALTHY_AFTER = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceSpec:
    endpoint: str
    variant: str
    name: str  # e.g. AllTraffic-1
    image: ImageEnvironment
    environment: dict[str, str]
    root: Path  # holds ml/ (with model/), tmp/, env/


@dataclass(slots=True, kw_only=True)
class Instance:
    spec: InstanceSpec
    port: int
    handle: JobHandle
    healthy: bool = False
    failures: int = 0
    restarts: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def address(self) -> InstanceAddress:
        return InstanceAddress(name=self.spec.name, host="127.0.0.1", port=self.port)


class Fleet:
    """Starts, watches and stops instances; tells its owner when health changes."""

    def __init__(
        self,
        *,
        runtime: Runtime,
        storage: StorageRouter,
        logs: LogStore,
        stop_grace_seconds: float,
        max_log_bytes: int,
        extra_env: dict[str, str],
    ) -> None:
        self._runtime = runtime
        self._storage = storage
        self._logs = logs
        self._grace = stop_grace_seconds
        self._max_log_bytes = max_log_bytes
        self._extra_env = extra_env

    # -- model artifacts ----------------------------------------------------------------------

    def unpack_model(self, model_data_url: str | None, dest: Path) -> None:
        """Downloads ``model.tar.gz`` (any storage URI) and extracts it into ``dest``."""
        dest.mkdir(parents=True, exist_ok=True)
        if not model_data_url:
            return
        archive = dest.parent / "model.tar.gz"
        try:
            self._storage.for_uri(model_data_url).download([(model_data_url, archive)])
        except FileNotFoundError as exc:
            raise ValidationError(f"ModelDataUrl {model_data_url!r} does not exist") from exc
        try:
            with tarfile.open(archive, "r:*") as tar:
                tar.extractall(dest, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise ValidationError(
                f"ModelDataUrl {model_data_url!r} is not a readable .tar.gz: {exc}"
            ) from exc
        finally:
            archive.unlink(missing_ok=True)

    def prepare(self, spec: InstanceSpec, model_dir: Path) -> None:
        """Gives the instance its own /opt/ml/model (hard links to the unpacked model)."""
        ml = spec.root / "ml"
        shutil.rmtree(spec.root, ignore_errors=True)
        (spec.root / "tmp").mkdir(parents=True)
        (spec.root / "env").mkdir()
        shutil.copytree(model_dir, ml / "model", copy_function=_link_or_copy)

    # -- processes ------------------------------------------------------------------------------

    def start(self, spec: InstanceSpec, port: int | None = None) -> Instance:
        port = port or free_port()
        env = {**self._extra_env, **spec.environment, "SAGEMAKER_BIND_TO_PORT": str(port)}
        entrypoint = spec.image.entrypoint or DEFAULT_SERVE_ENTRYPOINT
        host = HostLaunch(
            host=spec.name,
            opt_ml=spec.root / "ml",
            tmp=spec.root / "tmp",
            env_dir=spec.root / "env",
            log_path=self._logs.path(spec.endpoint, spec.name),
        )
        host.log_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self._runtime.launch(
            JobLaunch(
                job_name=f"{spec.endpoint}-{spec.name}",
                image=spec.image,
                container_entrypoint=entrypoint,
                container_arguments=("serve",),  # as SageMaker runs `docker run IMAGE serve`
                environment=env,
                hosts=(host,),
                max_log_bytes=self._max_log_bytes,
            )
        )
        return Instance(spec=spec, port=port, handle=handle)

    def wait_healthy(
        self, instances: list[Instance], timeout: float, cancelled: Callable[[], bool]
    ) -> str | None:
        """Waits until every instance answers /ping; returns a failure reason or None."""
        deadline = time.monotonic() + timeout
        pending = list(instances)
        while pending:
            for instance in list(pending):
                code = instance.handle.poll().get(instance.spec.name)
                if code is not None:
                    return (
                        f"instance {instance.spec.name} exited with code {code} while starting: "
                        f"{self.last_log_line(instance)}"
                    )
                if ping(instance.port):
                    instance.healthy = True
                    pending.remove(instance)
            if not pending:
                return None
            if cancelled():
                return "cancelled"
            if time.monotonic() > deadline:
                names = ", ".join(i.spec.name for i in pending)
                return f"instances {names} did not answer /ping within {timeout:g} s"
            time.sleep(0.05)
        return None

    def check(self, instance: Instance) -> bool:
        """One health check: False when the instance must be replaced."""
        if instance.handle.poll().get(instance.spec.name) is not None:
            return False
        if ping(instance.port):
            instance.failures = 0
            return True
        instance.failures += 1
        return instance.failures < UNHEALTHY_AFTER

    def stop(self, instances: list[Instance], grace: float | None = None) -> None:
        """SIGTERM (in-flight requests finish), then SIGKILL after the grace period."""
        for instance in instances:
            instance.handle.terminate()
        deadline = time.monotonic() + (self._grace if grace is None else grace)
        for instance in instances:
            if not instance.handle.wait(max(0.0, deadline - time.monotonic())):
                instance.handle.kill()
                instance.handle.wait(5.0)

    def last_log_line(self, instance: Instance) -> str:
        path = self._logs.path(instance.spec.endpoint, instance.spec.name)
        try:
            lines = path.read_bytes()[-4096:].decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        lines = [line for line in lines if line.strip()]
        return lines[-1][:300] if lines else ""


def ping(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PING_TIMEOUT)
    try:
        conn.request("GET", "/ping")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _link_or_copy(src: str, dst: str) -> object:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst
