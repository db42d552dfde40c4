"""One processing job's run, in a background thread: stage, launch, watch, upload, record."""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from plimsoll.compat.container_paths import (
    CLOUDWATCH_METRICS,
    MAX_MESSAGE_BYTES,
    OUTPUT_MESSAGE,
    PROCESSING_JOB_CONFIG,
    RESOURCE_CONFIG,
    host_names,
    relative_to_opt_ml,
    resource_config,
)
from plimsoll.compat.processing_job_config import processing_job_config
from plimsoll.errors import PlimsollError, ValidationError
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.entities import JobStatus, ProcessingJob
from plimsoll.runtimes.base import HostLaunch, ImageEnvironment, JobHandle, JobLaunch
from plimsoll.runtimes.choice import RuntimeChoice
from plimsoll.services.logs import LogStore
from plimsoll.services.staging import (
    ChannelPlan,
    collect_output,
    stage_channel,
    tree_size,
    upload_files,
)
from plimsoll.storage.registry import StorageRouter

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.02
DISK_CHECK_SECONDS = 1.0
STORE_CHECK_SECONDS = 0.5
MAX_REASON = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class RunContext:
    """What every job run needs from the service that starts it."""

    store: MetadataStore
    storage: StorageRouter
    runtimes: RuntimeChoice
    logs: LogStore
    work_root: Path
    stop_grace_seconds: float
    continuous_upload_seconds: float
    max_log_bytes: int
    extra_env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    status: JobStatus
    failure_reason: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class JobRun:
    """Runs one job to a terminal status. ``start`` returns at once."""

    def __init__(
        self,
        *,
        job: ProcessingJob,
        image: ImageEnvironment,
        plans: list[ChannelPlan],
        ctx: RunContext,
        on_exit: Callable[[str], None],
    ) -> None:
        self.job = job
        self._image = image
        self._plans = plans
        self._ctx = ctx
        self._on_exit = on_exit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job.name}", daemon=True)
        self._hosts = [self._host(name) for name in host_names(job.spec.cluster.instance_count)]
        self._synced: dict[str, tuple[int, int]] = {}

    @property
    def workspace(self) -> Path:
        return self._ctx.work_root / self.job.name

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _host(self, name: str) -> HostLaunch:
        root = self.workspace / name
        return HostLaunch(
            host=name,
            opt_ml=root / "ml",
            tmp=root / "tmp",
            env_dir=root / "env",
            log_path=self._ctx.logs.path(self.job.name, name),
        )

    # -- the run ----------------------------------------------------------------------------

    def _run(self) -> None:
        outcome = Outcome(status=JobStatus.FAILED, failure_reason="InternalServerError: unknown")
        launched = False
        try:
            self._prepare_workspace()
            for plan in self._plans:
                if self._stop.is_set():
                    break
                stage_channel(self._ctx.storage, plan, [h.opt_ml for h in self._hosts])
            if self._stop.is_set():
                outcome = Outcome(status=JobStatus.STOPPED)
            else:
                handle = self._launch()
                launched = True
                try:
                    outcome = self._watch(handle)
                except BaseException:  # never leave hosts running behind an internal error
                    self._shut_down(handle)
                    raise
        except ValidationError as exc:
            outcome = Outcome(status=JobStatus.FAILED, failure_reason=f"ClientError: {exc}")
        except PlimsollError as exc:
            outcome = Outcome(status=JobStatus.FAILED, failure_reason=f"ClientError: {exc}")
        except Exception as exc:
            logger.exception("job %s: internal error", self.job.name)
            outcome = Outcome(
                status=JobStatus.FAILED,
                failure_reason=f"InternalServerError: {type(exc).__name__}: {exc}",
            )
        self._finish(outcome, launched)

    def _finish(self, outcome: Outcome, launched: bool) -> None:
        exit_message: str | None = None
        kept = False
        try:
            if launched:
                exit_message, bad_message = self._exit_message()
                if bad_message and outcome.status is JobStatus.COMPLETED:
                    outcome = Outcome(status=JobStatus.FAILED, failure_reason=bad_message)
            self._upload_outputs(final=True)
            self._keep_metric_files()
        except Exception as exc:
            kept = True
            logger.exception("job %s: output upload failed", self.job.name)
            outcome = Outcome(
                status=JobStatus.FAILED,
                failure_reason=_cut(
                    f"ClientError: uploading outputs failed: {exc}; the files are kept in "
                    f"{self.workspace}"
                ),
            )
        try:
            self._ctx.store.update_processing_job(
                self.job.name,
                status=outcome.status,
                expected_status=(JobStatus.IN_PROGRESS, JobStatus.STOPPING),
                failure_reason=_cut(outcome.failure_reason) if outcome.failure_reason else None,
                exit_message=exit_message,
                processing_end_time=_now(),
                last_modified_time=_now(),
            )
        finally:
            if not kept:
                self._clean_workspace()
            self._on_exit(self.job.name)

    def _prepare_workspace(self) -> None:
        spec = self.job.spec
        config = json.dumps(processing_job_config(spec, arn=self.job.arn), indent=4)
        names = [h.host for h in self._hosts]
        for host in self._hosts:
            for sub in (host.tmp, host.env_dir, host.opt_ml / "output"):
                sub.mkdir(parents=True, exist_ok=True)
            for item in spec.inputs:
                if item.s3_input is not None and item.s3_input.local_path:
                    (host.opt_ml / relative_to_opt_ml(item.s3_input.local_path)).mkdir(
                        parents=True, exist_ok=True
                    )
            for out in spec.outputs:
                if out.s3_output is not None and out.s3_output.local_path:
                    (host.opt_ml / relative_to_opt_ml(out.s3_output.local_path)).mkdir(
                        parents=True, exist_ok=True
                    )
            config_dir = host.opt_ml / relative_to_opt_ml(str(PROCESSING_JOB_CONFIG.parent))
            config_dir.mkdir(parents=True, exist_ok=True)
            (host.opt_ml / relative_to_opt_ml(str(PROCESSING_JOB_CONFIG))).write_text(config)
            (host.opt_ml / relative_to_opt_ml(str(RESOURCE_CONFIG))).write_text(
                json.dumps(resource_config(host.host, names))
            )
            host.log_path.parent.mkdir(parents=True, exist_ok=True)

    def _launch(self) -> JobHandle:
        spec = self.job.spec
        env = {**self._ctx.extra_env, **dict(spec.environment)}
        runtime = self._ctx.runtimes.get(self._ctx.runtimes.name_for(spec.tags))
        handle = runtime.launch(
            JobLaunch(
                job_name=spec.name,
                image=self._image,
                container_entrypoint=spec.container_entrypoint,
                container_arguments=spec.container_arguments,
                environment=env,
                hosts=tuple(self._hosts),
                max_log_bytes=self._ctx.max_log_bytes,
            )
        )
        self._ctx.store.update_processing_job(
            spec.name, processing_start_time=_now(), last_modified_time=_now()
        )
        return handle

    def _watch(self, handle: JobHandle) -> Outcome:
        spec = self.job.spec
        started = time.monotonic()
        deadline = started + spec.max_runtime_in_seconds
        quota = spec.cluster.volume_size_in_gb * (1 << 30)
        next_disk = started + DISK_CHECK_SECONDS
        next_sync = started + self._ctx.continuous_upload_seconds
        next_store = started + STORE_CHECK_SECONDS
        while True:
            codes = handle.poll()
            for host, code in codes.items():
                if code not in (None, 0):
                    self._shut_down(handle)
                    return Outcome(
                        status=JobStatus.FAILED, failure_reason=self._algo_error(host, code)
                    )
            if all(code == 0 for code in codes.values()):
                return Outcome(status=JobStatus.COMPLETED)
            if self._stop.is_set():
                self._shut_down(handle)
                return Outcome(status=JobStatus.STOPPED)
            now = time.monotonic()
            if now >= next_store:
                # A stop may come from another process sharing the store (CLI vs server).
                next_store = now + STORE_CHECK_SECONDS
                if self._ctx.store.get_processing_job(spec.name).status is JobStatus.STOPPING:
                    self._stop.set()
                    continue
            if now >= deadline:
                self._shut_down(handle)
                return Outcome(
                    status=JobStatus.STOPPED,
                    failure_reason=(
                        f"MaxRuntimeInSeconds exceeded: the job ran longer than "
                        f"{spec.max_runtime_in_seconds} s and was stopped"
                    ),
                )
            if now >= next_disk:
                next_disk = now + DISK_CHECK_SECONDS
                used = sum(tree_size(h.opt_ml) + tree_size(h.tmp) for h in self._hosts)
                if used > quota:
                    self._shut_down(handle)
                    return Outcome(
                        status=JobStatus.FAILED,
                        failure_reason=(
                            f"ClientError: the job wrote {used} bytes, more than its volume "
                            f"(VolumeSizeInGB={spec.cluster.volume_size_in_gb}) holds"
                        ),
                    )
            if now >= next_sync:
                next_sync = now + self._ctx.continuous_upload_seconds
                self._upload_outputs(final=False)
            self._stop.wait(POLL_SECONDS)

    def _shut_down(self, handle: JobHandle) -> None:
        """SIGTERM every host, then SIGKILL what is left after the grace period."""
        handle.terminate()
        if not handle.wait(self._ctx.stop_grace_seconds):
            handle.kill()
            handle.wait(10.0)

    def _algo_error(self, host: str, code: int) -> str:
        exit_code = 128 - code if code < 0 else code
        detail = ""
        message_file = self._host_by_name(host).opt_ml / relative_to_opt_ml(str(OUTPUT_MESSAGE))
        if message_file.is_file():
            detail = message_file.read_bytes()[:MAX_MESSAGE_BYTES].decode("utf-8", "replace")
        if not detail.strip():
            detail = _last_line(self._ctx.logs.path(self.job.name, host))
        return _cut(f"AlgorithmError: {detail.strip()}, exit code: {exit_code}")

    def _host_by_name(self, name: str) -> HostLaunch:
        return next(h for h in self._hosts if h.host == name)

    def _exit_message(self) -> tuple[str | None, str | None]:
        """(ExitMessage, failure reason if a message is not UTF-8)."""
        parts: list[bytes] = []
        for host in self._hosts:
            path = host.opt_ml / relative_to_opt_ml(str(OUTPUT_MESSAGE))
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()[: MAX_MESSAGE_BYTES * 4]
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    return None, f"ClientError: {OUTPUT_MESSAGE} of {host.host} is not UTF-8"
                parts.append(data)
        if not parts:
            return None, None
        joined = b"\n".join(p.rstrip(b"\n") for p in parts)[:MAX_MESSAGE_BYTES]
        return joined.decode("utf-8", "ignore"), None

    def _upload_outputs(self, *, final: bool) -> None:
        host_dirs = [h.opt_ml for h in self._hosts]
        for output in self.job.spec.outputs:
            if output.s3_output is None or output.app_managed:
                continue
            continuous = output.s3_output.s3_upload_mode == "Continuous"
            if not final and not continuous:
                continue
            files = collect_output(output, host_dirs).uploads
            changed = {}
            for uri, path in files.items():
                stat = path.stat()
                key = (stat.st_size, stat.st_mtime_ns)
                if self._synced.get(uri) != key:
                    changed[uri] = path
                    self._synced[uri] = key
            upload_files(self._ctx.storage, changed)

    def _keep_metric_files(self) -> None:
        """Copies ``/opt/ml/output/metrics/cloudwatch`` of each host next to its log: the
        monitoring service publishes them once the job is over (SageMaker's platform
        publishes them to CloudWatch)."""
        for host in self._hosts:
            source = host.opt_ml / relative_to_opt_ml(str(CLOUDWATCH_METRICS))
            files = sorted(p for p in source.glob("*") if p.is_file()) if source.is_dir() else []
            if not files:
                continue
            target = self._ctx.logs.metrics_dir(self.job.name, host.host)
            target.mkdir(parents=True, exist_ok=True)
            for path in files:
                shutil.copyfile(path, target / path.name)

    def _clean_workspace(self) -> None:
        shutil.rmtree(self.workspace, ignore_errors=True)


def _last_line(log: Path, window: int = 4096) -> str:
    try:
        with log.open("rb") as fh:
            fh.seek(max(0, log.stat().st_size - window))
            lines = [ln for ln in fh.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1][:512] if lines else ""


def _cut(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_REASON:
        return text
    return data[: MAX_REASON - 3].decode("utf-8", "ignore") + "..."


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
