"""Builds the service graph from Settings (called by composition roots only)."""

from __future__ import annotations

from dataclasses import dataclass

from plimsoll.api.dispatch import Dispatcher
from plimsoll.compat.images import ImageCatalog
from plimsoll.metadata.registry import open_store
from plimsoll.runtimes.registry import get_runtime
from plimsoll.services.processing import ProcessingService
from plimsoll.settings import Settings
from plimsoll.storage.registry import StorageRouter


@dataclass(frozen=True, slots=True, kw_only=True)
class Api:
    """The wired API: dispatch table plus the objects behind it."""

    dispatcher: Dispatcher
    processing: ProcessingService
    storage: StorageRouter

    def close(self) -> None:
        self.processing.close()


def build_storage(settings: Settings) -> StorageRouter:
    return StorageRouter(
        local_s3_root=None if settings.s3_endpoint_url else settings.home / "s3",
        s3_endpoint_url=settings.s3_endpoint_url,
        s3_access_key_id=settings.s3_access_key_id,
        s3_secret_access_key=settings.s3_secret_access_key,
        region=settings.region,
    )


def build_api(settings: Settings) -> Api:
    storage = build_storage(settings)
    processing = ProcessingService(
        store=open_store(settings.database_url),
        storage=storage,
        runtime=get_runtime(settings.runtime, sandbox=settings.sandbox),
        images=ImageCatalog(settings.images),
        work_root=settings.home / "jobs",
        log_root=settings.home / "logs",
        region=settings.region,
        account_id=settings.account_id,
        stop_grace_seconds=settings.stop_grace_seconds,
        continuous_upload_seconds=settings.continuous_upload_seconds,
        max_log_bytes=settings.max_log_bytes,
    )
    return Api(dispatcher=Dispatcher(processing=processing), processing=processing, storage=storage)
