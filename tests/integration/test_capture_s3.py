"""Data Capture to a real S3 (SeaweedFS), surviving an outage in the middle of traffic."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from plimsoll.compat.capture_format import CAPTURE_KEY_PATTERN, iter_records
from plimsoll.metadata.serving_entities import DataCaptureSpec
from plimsoll.services.capture import CaptureEvent, CaptureWriter
from plimsoll.storage import StorageRouter
from tests.fixtures.seaweed import SeaweedS3

pytestmark = pytest.mark.s3


def _weed_process_group(endpoint: SeaweedS3) -> int:
    """The process group of the ``weed server`` serving ``endpoint`` (found by its S3 port)."""
    flag = f"-s3.port={urlsplit(endpoint.endpoint_url).port}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if flag in argv and any(arg.endswith(b"weed") for arg in argv[:1]):
            return os.getpgid(int(entry.name))
    raise RuntimeError(f"no weed process serves {endpoint.endpoint_url}")


def _wait_until_s3_answers(router: StorageRouter, uri: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            router.for_uri(uri).write_bytes(uri, b"ok")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def _outage(endpoint: SeaweedS3, health: StorageRouter, probe_uri: str) -> Iterator[None]:
    """S3 hangs (SIGSTOP) for the block; the shared server is always resumed."""
    group = _weed_process_group(endpoint)
    os.killpg(group, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(group, signal.SIGCONT)
        _wait_until_s3_answers(health, probe_uri)


def _event(i: int) -> CaptureEvent:
    return CaptureEvent(
        endpoint="churn",
        variant="AllTraffic",
        event_id=str(uuid.uuid4()),
        inference_id=str(i),
        custom_attributes=None,
        time=time.time(),
        request_body=f"{i},1,2,3".encode(),
        request_content_type="text/csv",
        response_body=b'{"score": 0.5}',
        response_content_type="application/json",
    )


def test_capture_survives_an_s3_outage(seaweed_s3: SeaweedS3, tmp_path: Path) -> None:
    def router(**timeouts: float) -> StorageRouter:
        return StorageRouter(
            local_s3_root=None,
            s3_endpoint_url=seaweed_s3.endpoint_url,
            s3_access_key_id=seaweed_s3.access_key_id,
            s3_secret_access_key=seaweed_s3.secret_access_key,
            region=seaweed_s3.region,
            **timeouts,  # type: ignore[arg-type]
        )

    bucket = f"capture-{uuid.uuid4().hex[:12]}"
    destination = f"s3://{bucket}/data-capture"
    health = router()
    writer = CaptureWriter(
        storage=router(
            s3_connect_timeout=1, s3_read_timeout=1, s3_max_attempts=1, s3_operation_timeout=2
        ),
        spool_dir=tmp_path / "spool",
        roll_seconds=0.2,
        retry_seconds=0.3,
        flush_interval=0.02,
        disk_threshold=1.0,
    )
    try:
        writer.configure(
            "churn",
            DataCaptureSpec(
                destination_s3_uri=destination,
                csv_content_types=("text/csv",),
                json_content_types=("application/json",),
            ),
        )
        sent: list[CaptureEvent] = []

        def traffic(count: int) -> None:
            for _ in range(count):
                event = _event(len(sent))
                assert writer.should_capture("churn") and writer.submit(event)
                sent.append(event)
                time.sleep(0.01)

        traffic(40)
        writer.flush()
        assert writer.stats("churn").records_written == 40

        with _outage(seaweed_s3, health, f"s3://{bucket}/probe"):
            traffic(60)  # requests keep being accepted while S3 hangs
            writer.flush()  # tries once, times out, keeps the files
            during = writer.stats("churn")
            assert during.records_pending == 60
            assert during.records_written == 40
            traffic(20)

        deadline = time.monotonic() + 60
        while writer.stats("churn").records_pending and time.monotonic() < deadline:
            writer.flush()
            time.sleep(0.1)
        stats = writer.stats("churn")
        assert (stats.records_written, stats.records_pending, stats.records_dropped) == (120, 0, 0)
    finally:
        writer.close()

    backend = health.for_uri(destination)
    objects = backend.list_prefix(destination + "/")
    assert objects and all(CAPTURE_KEY_PATTERN.match(info.uri) for info in objects)
    seen = Counter(
        record.eventMetadata.eventId
        for info in objects
        for record in iter_records(backend.read_bytes(info.uri))
    )
    assert seen == Counter(event.event_id for event in sent)  # every record exactly once
