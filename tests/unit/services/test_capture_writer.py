"""CaptureWriter on local storage: keys, rolling, sampling, drops, disk guard, restarts."""

from __future__ import annotations

import random
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plimsoll.compat.capture_format import (
    CaptureRecord,
    decode_data,
    iter_records,
    parse_object_key,
)
from plimsoll.metadata.serving_entities import DataCaptureSpec
from plimsoll.services.capture import CaptureEvent, CaptureWriter
from plimsoll.storage import StorageRouter

DEST = "s3://capture-bucket/data-capture"
T0 = datetime(2024, 1, 19, 19, 27, 57, 62000, tzinfo=UTC).timestamp()


def _spec(percentage: int = 100, destination: str = DEST, **changes: object) -> DataCaptureSpec:
    values: dict[str, object] = {
        "initial_sampling_percentage": percentage,
        "destination_s3_uri": destination,
        "csv_content_types": ("text/csv",),
        "json_content_types": ("application/json",),
    }
    values.update(changes)
    return DataCaptureSpec(**values)  # type: ignore[arg-type]


def _event(
    endpoint: str = "ep", when: float = T0, variant: str = "AllTraffic", **changes: object
) -> CaptureEvent:
    event = CaptureEvent(
        endpoint=endpoint,
        variant=variant,
        event_id=str(uuid.uuid4()),
        inference_id=None,
        custom_attributes=None,
        time=when,
        request_body=b"1,2,3",
        request_content_type="text/csv",
        response_body=b"0.5",
        response_content_type="text/csv; charset=utf-8",
    )
    for name, value in changes.items():
        setattr(event, name, value)
    return event


def _used_fraction(path: Path) -> float:
    usage = shutil.disk_usage(path)
    return usage.used / usage.total


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture
def storage(tmp_path: Path) -> StorageRouter:
    return StorageRouter(local_s3_root=tmp_path / "s3", s3_endpoint_url=None)


@pytest.fixture
def make_writer(tmp_path: Path, storage: StorageRouter) -> Iterator[Callable[..., CaptureWriter]]:
    writers: list[CaptureWriter] = []

    def make(**kwargs: object) -> CaptureWriter:
        options: dict[str, object] = {
            "storage": storage,
            "spool_dir": tmp_path / "spool",
            "disk_threshold": 1.0,
            "flush_interval": 0.01,
            "retry_seconds": 0.05,
        }
        options.update(kwargs)
        writer = CaptureWriter(**options)  # type: ignore[arg-type]
        writers.append(writer)
        return writer

    yield make
    for writer in writers:
        writer.close()


def _objects(storage: StorageRouter, prefix: str = DEST) -> dict[str, list[CaptureRecord]]:
    backend = storage.for_uri(prefix)
    return {
        info.uri: list(iter_records(backend.read_bytes(info.uri)))
        for info in backend.list_prefix(prefix)
    }


def _event_ids(objects: dict[str, list[CaptureRecord]]) -> Counter[str]:
    return Counter(r.eventMetadata.eventId for records in objects.values() for r in records)


# -- records and keys -------------------------------------------------------------------------


def test_records_land_once_under_the_exact_key_layout(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter
) -> None:
    writer = make_writer()
    writer.configure("ep", _spec())
    events = [_event(when=T0 + i * 0.5) for i in range(5)]
    assert all(writer.submit(e) for e in events)
    writer.flush()

    objects = _objects(storage)
    assert len(objects) == 1
    [(uri, records)] = objects.items()
    key = parse_object_key(uri)
    assert uri.startswith(f"{DEST}/ep/AllTraffic/2024/01/19/19/27-57-062-")
    assert (key.endpoint, key.variant) == ("ep", "AllTraffic")
    assert [r.eventMetadata.eventId for r in records] == [e.event_id for e in events]
    first = records[0]
    assert first.eventMetadata.inferenceTime == "2024-01-19T19:27:57Z"
    assert first.captureData.endpointInput is not None
    assert first.captureData.endpointOutput is not None
    assert decode_data(first.captureData.endpointInput) == "1,2,3"
    assert first.captureData.endpointOutput.encoding == "CSV"
    stats = writer.stats("ep")
    assert (stats.records_written, stats.records_pending, stats.records_dropped) == (5, 0, 0)


def test_metadata_modes_and_binary_bodies(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter
) -> None:
    writer = make_writer()
    writer.configure("in-only", _spec(capture_output=False, capture_options=("Input",)))
    writer.configure("no-header", _spec(csv_content_types=None, json_content_types=None))
    writer.submit(_event("in-only", inference_id="42", custom_attributes="a=b"))
    writer.submit(_event("no-header", request_body=b"\x00\xff", request_content_type=None))
    writer.flush()

    [in_only] = [r for rs in _objects(storage, f"{DEST}/in-only/").values() for r in rs]
    assert in_only.captureData.endpointOutput is None
    assert in_only.eventMetadata.inferenceId == "42"
    assert in_only.eventMetadata.customAttributes == ("a=b",)
    [raw] = [r for rs in _objects(storage, f"{DEST}/no-header/").values() for r in rs]
    assert raw.captureData.endpointInput is not None and raw.captureData.endpointOutput
    assert raw.captureData.endpointInput.encoding == "BASE64"
    assert raw.captureData.endpointInput.observedContentType is None
    assert decode_data(raw.captureData.endpointInput) == b"\x00\xff"
    assert raw.captureData.endpointOutput.encoding == "BASE64"


def test_variants_get_their_own_files(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter
) -> None:
    writer = make_writer()
    writer.configure("ep", _spec())
    writer.submit(_event(variant="A"))
    writer.submit(_event(variant="B"))
    writer.flush()
    variants = sorted(parse_object_key(uri).variant for uri in _objects(storage))
    assert variants == ["A", "B"]


# -- rolling ----------------------------------------------------------------------------------


def test_roll_by_size(make_writer: Callable[..., CaptureWriter], storage: StorageRouter) -> None:
    writer = make_writer(roll_bytes=1, roll_seconds=3600)
    writer.configure("ep", _spec())
    events = [_event(when=T0 + i) for i in range(4)]
    for event in events:
        writer.submit(event)
    _wait_until(lambda: writer.stats("ep").records_written == 4)  # no flush needed
    objects = _objects(storage)
    assert len(objects) == 4
    assert all(len(records) == 1 for records in objects.values())
    assert _event_ids(objects) == Counter(e.event_id for e in events)


def test_roll_by_age(make_writer: Callable[..., CaptureWriter], storage: StorageRouter) -> None:
    writer = make_writer(roll_seconds=0.05)
    writer.configure("ep", _spec())
    writer.submit(_event())
    _wait_until(lambda: writer.stats("ep").records_written == 1)  # no flush needed
    assert len(_objects(storage)) == 1


def test_roll_when_the_hour_changes(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter
) -> None:
    writer = make_writer(roll_seconds=3600)
    writer.configure("ep", _spec())
    late = datetime(2024, 1, 19, 10, 59, 59, 500000, tzinfo=UTC).timestamp()
    writer.submit(_event(when=late))
    writer.submit(_event(when=late + 0.75))
    _wait_until(lambda: writer.stats("ep").records_written == 1)  # hour 10 rolled, no flush
    writer.flush()
    objects = _objects(storage)
    hours = sorted(uri.split("/AllTraffic/")[1][:23] for uri in objects)
    assert hours == ["2024/01/19/10/59-59-500", "2024/01/19/11/00-00-250"]
    assert all(len(records) == 1 for records in objects.values())


# -- configuration and sampling ---------------------------------------------------------------


def test_configure_switches_capture_on_and_off(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter
) -> None:
    writer = make_writer()
    assert not writer.should_capture("ep")
    assert not writer.submit(_event())
    writer.configure("ep", _spec())
    assert writer.should_capture("ep") and writer.submit(_event())
    writer.configure("ep", _spec(enable_capture=False))
    assert not writer.should_capture("ep") and not writer.submit(_event())
    writer.configure("ep", _spec(destination="s3://capture-bucket/other"))
    assert writer.submit(_event())
    writer.configure("ep", None)
    assert not writer.should_capture("ep") and not writer.submit(_event())
    writer.flush()
    assert len(_objects(storage)) == 1
    assert len(_objects(storage, "s3://capture-bucket/other/")) == 1
    assert writer.stats("ep").records_dropped == 0


def test_configure_rejects_an_unknown_scheme(make_writer: Callable[..., CaptureWriter]) -> None:
    writer = make_writer()
    with pytest.raises(ValueError, match="ftp"):
        writer.configure("ep", _spec(destination="ftp://host/capture"))


def test_sampling_zero_and_hundred_percent(make_writer: Callable[..., CaptureWriter]) -> None:
    writer = make_writer()
    writer.configure("none", _spec(percentage=0))
    writer.configure("all", _spec(percentage=100))
    assert not any(writer.should_capture("none") for _ in range(2000))
    assert all(writer.should_capture("all") for _ in range(2000))


def test_sampling_twenty_percent(make_writer: Callable[..., CaptureWriter]) -> None:
    writer = make_writer(rng=random.Random(20240119))
    writer.configure("ep", _spec(percentage=20))
    hits = sum(writer.should_capture("ep") for _ in range(10_000))
    assert 1800 <= hits <= 2200  # mean 2000, sd 40


# -- back-pressure ----------------------------------------------------------------------------


def test_max_pending_drops_and_counts(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter
) -> None:
    writer = make_writer(max_pending=3, flush_interval=3600)
    writer.configure("ep", _spec())
    accepted = [writer.submit(_event()) for _ in range(5)]
    assert accepted == [True, True, True, False, False]
    stats = writer.stats("ep")
    assert (stats.records_dropped, stats.records_pending, stats.records_written) == (2, 3, 0)
    writer.flush()
    stats = writer.stats("ep")
    assert (stats.records_dropped, stats.records_pending, stats.records_written) == (2, 0, 3)
    assert writer.submit(_event())


def test_disk_guard_pauses_then_resumes(
    make_writer: Callable[..., CaptureWriter], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "spool").mkdir()
    writer = make_writer(disk_threshold=_used_fraction(tmp_path / "spool") - 0.01)
    writer.configure("ep", _spec())
    assert writer.stats("ep").paused_for_disk
    assert writer.should_capture("ep")
    assert not writer.submit(_event())
    assert not writer.submit(_event())
    assert writer.stats("ep").records_dropped == 2
    assert "paused" in caplog.text

    writer.disk_threshold = 1.0
    stats = writer.stats("ep")
    assert not stats.paused_for_disk
    assert writer.submit(_event())
    writer.flush()
    stats = writer.stats("ep")
    assert (stats.records_written, stats.records_dropped) == (1, 2)
    assert "resumed" in caplog.text


# -- shutdown, retries and restarts -----------------------------------------------------------


def test_close_flushes_everything_and_is_idempotent(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter
) -> None:
    writer = make_writer(roll_seconds=3600, flush_interval=3600)
    writer.configure("ep", _spec())
    events = [_event(when=T0 + i) for i in range(10)]
    for event in events:
        writer.submit(event)
    writer.close()
    writer.close()
    assert _event_ids(_objects(storage)) == Counter(e.event_id for e in events)
    assert writer.stats("ep").records_written == 10
    assert not writer.submit(_event())
    writer.flush()  # a no-op once closed


def test_failed_uploads_are_retried_in_place(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter, tmp_path: Path
) -> None:
    blocker = tmp_path / "s3" / "capture-bucket"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the bucket folder should be")
    writer = make_writer(roll_bytes=1)
    writer.configure("ep", _spec())
    events = [_event(when=T0 + i) for i in range(3)]
    for event in events[:2]:
        assert writer.submit(event)
    writer.flush()
    assert writer.stats("ep").records_pending == 2
    assert writer.submit(events[2])  # spooling goes on while uploads fail
    writer.flush()
    assert writer.stats("ep").records_pending == 3

    blocker.unlink()
    _wait_until(lambda: writer.stats("ep").records_written == 3)
    assert _event_ids(_objects(storage)) == Counter(e.event_id for e in events)
    assert writer.stats("ep").records_pending == 0


def test_restart_uploads_what_a_previous_run_left(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter, tmp_path: Path
) -> None:
    broken_root = tmp_path / "not-a-folder"
    broken_root.write_text("")
    broken = StorageRouter(local_s3_root=broken_root, s3_endpoint_url=None)
    first = make_writer(storage=broken)
    first.configure("ep", _spec())
    events = [_event(when=T0 + i) for i in range(4)]
    for event in events:
        first.submit(event)
    first.close()
    assert first.stats("ep").records_written == 0
    assert first.stats("ep").records_pending == 4

    second = make_writer()
    assert second.stats("ep").records_pending == 4
    second.flush()
    assert second.stats("ep").records_written == 4
    assert _event_ids(_objects(storage)) == Counter(e.event_id for e in events)
    third = make_writer()
    third.flush()
    assert third.stats("ep").records_written == 0  # nothing uploaded twice
    assert _event_ids(_objects(storage)) == Counter(e.event_id for e in events)


def test_restart_after_a_crash_recovers_open_files(
    make_writer: Callable[..., CaptureWriter], storage: StorageRouter, tmp_path: Path
) -> None:
    running = make_writer(roll_seconds=3600)
    running.configure("ep", _spec())
    events = [_event(when=T0 + i) for i in range(2)]
    for event in events:
        running.submit(event)
    open_dir = tmp_path / "spool" / "open"

    def spooled_lines() -> int:
        return sum(p.read_bytes().count(b"\n") for p in open_dir.glob("*.jsonl"))

    _wait_until(lambda: spooled_lines() == 2)
    # The spool as a crash would leave it: an open file whose last line was cut short.
    crashed = tmp_path / "crashed-spool"
    shutil.copytree(tmp_path / "spool", crashed)
    [data] = (crashed / "open").glob("*.jsonl")
    with data.open("ab") as fh:
        fh.write(b'{"captureData":{"endpointIn')

    recovered = make_writer(spool_dir=crashed)
    assert recovered.stats("ep").records_pending == 2
    recovered.flush()
    assert recovered.stats("ep").records_written == 2
    assert _event_ids(_objects(storage)) == Counter(e.event_id for e in events)
