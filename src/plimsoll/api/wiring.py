"""Builds the service graph from Settings (called by composition roots only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from plimsoll.api.dispatch import Dispatcher
from plimsoll.compat.images import ImageCatalog
from plimsoll.metadata.registry import open_store
from plimsoll.runtimes.choice import LOCAL_RUNTIME, RuntimeChoice
from plimsoll.runtimes.registry import get_runtime
from plimsoll.services._fleet import Fleet
from plimsoll.services.capture import CaptureWriter
from plimsoll.services.endpoints import EndpointService
from plimsoll.services.invocations import InvocationRouter
from plimsoll.services.logs import LogStore
from plimsoll.services.monitor_metrics import MonitorMetrics
from plimsoll.services.monitoring import MonitoringService
from plimsoll.services.processing import ProcessingService
from plimsoll.services.scheduler import MonitorScheduler
from plimsoll.settings import Settings
from plimsoll.storage.registry import StorageRouter


@dataclass(frozen=True, slots=True, kw_only=True)
class Api:
    """The wired API: dispatch table plus the objects behind it."""

    dispatcher: Dispatcher
    processing: ProcessingService
    endpoints: EndpointService
    invocations: InvocationRouter
    capture: CaptureWriter
    storage: StorageRouter
    monitoring: MonitoringService
    monitor_metrics: MonitorMetrics
    scheduler: MonitorScheduler | None
    closers: list[Callable[[], None]] = field(default_factory=list)
    """Run first by :meth:`close`: what a composition root started around the API."""

    def close(self) -> None:
        """Stops the scheduler, endpoints (flushing capture) and jobs; idempotent."""
        while self.closers:
            self.closers.pop()()
        if self.scheduler is not None:
            self.scheduler.stop()
        self.endpoints.close()
        self.invocations.close()
        self.capture.close()
        self.processing.close()


def build_storage(settings: Settings, *, fail_fast: bool = False) -> StorageRouter:
    """Storage for ``settings``; ``fail_fast`` gives S3 calls short timeouts and no retries
    (the capture writer retries whole files itself and must never hang on an outage)."""
    return StorageRouter(
        local_s3_root=None if settings.s3_endpoint_url else settings.home / "s3",
        s3_endpoint_url=settings.s3_endpoint_url,
        s3_access_key_id=settings.s3_access_key_id,
        s3_secret_access_key=settings.s3_secret_access_key,
        region=settings.region,
        s3_connect_timeout=5.0 if fail_fast else None,
        s3_read_timeout=15.0 if fail_fast else None,
        s3_max_attempts=1 if fail_fast else None,
        s3_operation_timeout=300.0 if fail_fast else None,
    )


def build_api(settings: Settings, *, scheduler: bool = True) -> Api:
    """The service graph; with ``scheduler`` (and a non-zero interval setting) the monitoring
    scheduler runs in a background thread until :meth:`Api.close`."""
    storage = build_storage(settings)
    store = open_store(settings.database_url)
    runtimes = RuntimeChoice(
        settings.runtime,
        lambda name: get_runtime(name, sandbox=settings.sandbox, address=settings.ray_address),
    )
    images = ImageCatalog(settings.images)
    processing = ProcessingService(
        store=store,
        storage=storage,
        runtimes=runtimes,
        images=images,
        work_root=settings.home / "jobs",
        log_root=settings.home / "logs",
        region=settings.region,
        account_id=settings.account_id,
        stop_grace_seconds=settings.stop_grace_seconds,
        continuous_upload_seconds=settings.continuous_upload_seconds,
        max_log_bytes=settings.max_log_bytes,
    )
    capture = CaptureWriter(
        storage=build_storage(settings, fail_fast=True),
        spool_dir=settings.home / "capture-spool",
        roll_seconds=settings.capture_roll_seconds,
        roll_bytes=settings.capture_roll_bytes,
        max_pending=settings.capture_max_pending,
        disk_threshold=settings.capture_disk_threshold,
    )
    router = InvocationRouter(
        capture=capture,
        account_id=settings.account_id,
        timeout_seconds=settings.invocation_timeout_seconds,
    )
    fleet = Fleet(
        runtime=runtimes.get(LOCAL_RUNTIME),  # endpoints serve on this machine
        storage=storage,
        logs=LogStore(settings.home / "logs" / "endpoints"),
        stop_grace_seconds=settings.stop_grace_seconds,
        max_log_bytes=settings.max_log_bytes,
        extra_env={"AWS_REGION": settings.region, "AWS_DEFAULT_REGION": settings.region},
    )
    endpoints = EndpointService(
        store=store,
        fleet=fleet,
        router=router,
        capture=capture,
        images=images,
        work_root=settings.home / "endpoints",
        region=settings.region,
        account_id=settings.account_id,
        startup_timeout_seconds=settings.endpoint_startup_timeout_seconds,
    )
    monitor_metrics = MonitorMetrics()
    monitoring = MonitoringService(
        metrics=monitor_metrics,
        store=store,
        processing=processing,
        storage=storage,
        region=settings.region,
        account_id=settings.account_id,
    )
    monitor_scheduler = None
    if scheduler and settings.scheduler_interval_seconds > 0:
        monitor_scheduler = MonitorScheduler(
            monitoring, interval_seconds=settings.scheduler_interval_seconds
        )
        monitor_scheduler.start()
    return Api(
        dispatcher=Dispatcher(processing=processing, endpoints=endpoints, monitoring=monitoring),
        monitoring=monitoring,
        monitor_metrics=monitor_metrics,
        scheduler=monitor_scheduler,
        processing=processing,
        endpoints=endpoints,
        invocations=router,
        capture=capture,
        storage=storage,
    )
