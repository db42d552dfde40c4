"""Data Capture writer: sampled invocations spooled to local JSONL files, then uploaded.

The request path only draws the sampling decision (:meth:`CaptureWriter.should_capture`) and
appends the untouched event to a ``collections.deque`` (:meth:`CaptureWriter.submit`): no lock,
no JSON, no IO. A *spool* thread drains the deque every ``flush_interval``, turns events into
capture lines and appends them to one local file per (endpoint, variant, UTC hour). A file is
rolled when it is ``roll_seconds`` old, ``roll_bytes`` big, or a newer hour starts; rolled files
move to ``spool_dir/ready`` and an *upload* thread copies each to its final key
(``{destination}/{endpoint}/{variant}/yyyy/mm/dd/hh/MM-SS-mmm-{uuid}.jsonl``) and deletes it.

Failed uploads stay in ``ready`` and are retried every ``retry_seconds``, in order, forever,
while spooling goes on; a retry writes the same key, so every record lands exactly once.
Files left by a previous run are recovered and uploaded on construction. When the spool
volume is fuller than ``disk_threshold``, capture pauses and submissions are dropped and
counted, as SageMaker's agent stops capturing at high disk use.

Spool layout: ``open/<stem>.jsonl`` with ``open/<stem>.meta.json`` (its URI) while written;
``ready/<stem>.jsonl`` then ``ready/<stem>.meta.json`` (URI and record count) once rolled.
``<stem>`` is ``<first record epoch ms>-<uuid>``, so ready files sort in record order.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import random
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from plimsoll.compat.capture_format import (
    ContentTypeRules,
    new_event_id,
    new_file_id,
    object_key,
    record_line,
)
from plimsoll.metadata.serving_entities import DataCaptureSpec
from plimsoll.storage import StorageRouter, parse_uri

logger = logging.getLogger(__name__)

_YIELD_EVERY = 16
_DISK_CHECK_SECONDS = 1.0
_META = ".meta.json"
_DATA = ".jsonl"


@dataclass(slots=True)
class CaptureEvent:
    """One invocation to capture, exactly as seen by the router (bodies untouched).

    ``time`` is the epoch second the request was received; ``response_body`` None means
    there is no response to record (only the input side is written).
    """

    endpoint: str
    variant: str
    event_id: str | None  # None: the writer makes one (off the request path)
    inference_id: str | None
    custom_attributes: str | None
    time: float
    request_body: bytes
    request_content_type: str | None
    response_body: bytes | None
    response_content_type: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureStats:
    """One endpoint's capture counters since this writer started.

    ``records_pending`` counts accepted records not uploaded yet (queued, spooled, or
    waiting for the destination to come back); ``paused_for_disk`` is the writer's disk guard.
    """

    records_written: int
    records_dropped: int
    records_pending: int
    paused_for_disk: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class _Target:
    """An endpoint's capture config, ready for the spool thread."""

    destination: str
    percentage: float
    capture_input: bool
    capture_output: bool
    rules: ContentTypeRules


@dataclass(slots=True, kw_only=True)
class _OpenFile:
    stem: str
    endpoint: str
    target: _Target
    uri: str
    handle: BinaryIO
    opened: float  # monotonic
    size: int = 0
    records: int = 0


class _Spool:
    """The spool folder: open files being appended to, and rolled files ready to upload.

    Only the spool thread opens, appends and rolls; only the upload thread deletes from
    ``ready``. A rolled file's data is moved before its meta is written, so a ready meta
    always has its data until the upload removes both.
    """

    def __init__(self, root: Path) -> None:
        self.open_dir = root / "open"
        self.ready_dir = root / "ready"
        self.open_dir.mkdir(parents=True, exist_ok=True)
        self.ready_dir.mkdir(parents=True, exist_ok=True)

    def create(self, endpoint: str, variant: str, target: _Target, first: float) -> _OpenFile:
        file_id = new_file_id()
        uri = object_key(target.destination, endpoint, variant, first, file_id)
        stem = f"{round(first * 1000):013d}-{file_id}"
        _write_json(self.open_dir / (stem + _META), {"uri": uri, "endpoint": endpoint})
        handle = open(self.open_dir / (stem + _DATA), "ab")  # closed by roll()
        return _OpenFile(
            stem=stem,
            endpoint=endpoint,
            target=target,
            uri=uri,
            handle=handle,
            opened=time.monotonic(),
        )

    def roll(self, spooled: _OpenFile) -> None:
        spooled.handle.close()
        os.replace(self.open_dir / (spooled.stem + _DATA), self.ready_dir / (spooled.stem + _DATA))
        meta = {"uri": spooled.uri, "endpoint": spooled.endpoint, "records": spooled.records}
        _write_json(self.ready_dir / (spooled.stem + _META), meta)
        (self.open_dir / (spooled.stem + _META)).unlink(missing_ok=True)

    def ready(self) -> list[tuple[Path, dict[str, Any]]]:
        """``(data path, meta)`` of every rolled file, oldest first record first."""
        found = []
        for meta_path in sorted(self.ready_dir.glob("*" + _META)):
            data = self.ready_dir / (meta_path.name[: -len(_META)] + _DATA)
            meta = _read_json(meta_path)
            if meta is None or not data.exists():
                meta_path.unlink(missing_ok=True)  # uploaded just before a crash, or damaged
                continue
            found.append((data, meta))
        return found

    def remove(self, data: Path) -> None:
        data.unlink(missing_ok=True)
        (data.parent / (data.name[: -len(_DATA)] + _META)).unlink(missing_ok=True)

    def recover(self) -> None:
        """Rolls whatever a previous run left open, completing interrupted rolls."""
        for stale in [*self.open_dir.glob("*.tmp"), *self.ready_dir.glob("*.tmp")]:
            stale.unlink(missing_ok=True)  # a meta file whose write was interrupted
        for meta_path in sorted(self.open_dir.glob("*" + _META)):
            stem = meta_path.name[: -len(_META)]
            meta = _read_json(meta_path)
            ready_data = self.ready_dir / (stem + _DATA)
            open_data = self.open_dir / (stem + _DATA)
            if meta is not None and not (self.ready_dir / (stem + _META)).exists():
                if open_data.exists():
                    os.replace(open_data, ready_data)
                if ready_data.exists():
                    records = _truncate_partial_line(ready_data)
                    if records:
                        meta["records"] = records
                        _write_json(self.ready_dir / (stem + _META), meta)
                        logger.info("recovered capture file with %s records for %s", records, meta)
                    else:
                        ready_data.unlink()
            meta_path.unlink(missing_ok=True)
        for orphan in self.open_dir.glob("*" + _DATA):
            logger.warning("capture spool file %s has no destination; left in place", orphan)


class _Uploader:
    """The upload thread: copies ready files to their keys and deletes them.

    A destination (scheme and bucket) whose upload fails is retried every ``retry_seconds``;
    its later files wait, so each destination's files arrive in order.
    """

    def __init__(
        self,
        spool: _Spool,
        storage: StorageRouter,
        retry_seconds: float,
        on_uploaded: Callable[[str, int], None],
    ) -> None:
        self._spool = spool
        self._storage = storage
        self._retry_seconds = retry_seconds
        self._on_uploaded = on_uploaded
        self._blocked: dict[str, float] = {}  # destination root -> monotonic retry time
        self._requests: collections.deque[threading.Event] = collections.deque()
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(
            target=self._loop, name="plimsoll-capture-upload", daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        self._wake.set()  # upload what a previous run left

    def wake(self) -> None:
        self._wake.set()

    def request(self, done: list[threading.Event]) -> None:
        """One pass over every ready file, ignoring backoff; then sets each event."""
        self._requests.extend(done)
        self._wake.set()

    def stop(self) -> None:
        """Makes a last pass (ignoring backoff) and ends the thread."""
        self._stopping = True
        self._wake.set()

    def join(self) -> None:
        self._thread.join()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _loop(self) -> None:
        while True:
            self._wake.wait(self._next_retry_in())
            self._wake.clear()
            stopping = self._stopping
            requests = _pop_all(self._requests)
            try:
                self.run_pass(ignore_backoff=stopping or bool(requests))
            except Exception:  # the thread must outlive any single failure
                logger.exception("capture upload pass failed")
            for done in requests:
                done.set()
            if stopping:
                return

    def _next_retry_in(self) -> float:
        if not self._blocked:
            return self._retry_seconds
        soonest = min(self._blocked.values()) - time.monotonic()
        return min(self._retry_seconds, max(soonest, 0.01))

    def run_pass(self, *, ignore_backoff: bool) -> None:
        """Tries each ready file once, oldest first, skipping destinations in backoff."""
        now = time.monotonic()
        failed: set[str] = set()
        for data, meta in self._spool.ready():
            uri = str(meta["uri"])
            root = _root(uri)
            if root in failed or (not ignore_backoff and self._blocked.get(root, 0.0) > now):
                continue  # keep each destination's files in order
            try:
                self._storage.for_uri(uri).upload([(data, uri)])
            except Exception as exc:  # any backend failure means: keep the file, retry later
                failed.add(root)
                if root not in self._blocked:
                    logger.warning("capture upload to %s failed, will retry: %s", root, exc)
                self._blocked[root] = time.monotonic() + self._retry_seconds
                continue
            if self._blocked.pop(root, None) is not None:
                logger.warning("capture uploads to %s succeed again", root)
            self._spool.remove(data)
            self._on_uploaded(str(meta["endpoint"]), int(meta.get("records", 0)))


class CaptureWriter:
    """Records sampled invocations in SageMaker's Data Capture format.

    Args:
        storage: resolves each destination URI to a backend for the uploads.
        spool_dir: local folder for spool files (kept across restarts).
        roll_seconds: roll a spool file once it is this old.
        roll_bytes: roll a spool file once it is this big.
        max_pending: queued (not yet spooled) events beyond which submissions are dropped.
        disk_threshold: used fraction of the spool volume above which capture pauses.
        retry_seconds: wait between attempts to upload to a failing destination.
        flush_interval: how often the spool thread drains the queue.
        rng: source of sampling draws (tests seed one); default ``random.random``.
    """

    def __init__(
        self,
        *,
        storage: StorageRouter,
        spool_dir: Path,
        roll_seconds: float = 60.0,
        roll_bytes: int = 64 << 20,
        max_pending: int = 100_000,
        disk_threshold: float = 0.75,
        retry_seconds: float = 5.0,
        flush_interval: float = 0.1,
        rng: random.Random | None = None,
    ) -> None:
        self._storage = storage
        self._spool_dir = Path(spool_dir)
        self._roll_seconds = roll_seconds
        self._roll_bytes = roll_bytes
        self._max_pending = max_pending
        self._disk_threshold = disk_threshold
        self._flush_interval = flush_interval
        self._draw: Callable[[], float] = rng.random if rng is not None else random.random

        # Request path state: atomic deque operations and dict lookups only.
        self._targets: dict[str, _Target] = {}
        self._queue: collections.deque[tuple[CaptureEvent, _Target]] = collections.deque()
        self._drop_log: collections.deque[str] = collections.deque()
        self._paused = False
        self._closed = False

        self._stats_lock = threading.Lock()
        self._written: collections.Counter[str] = collections.Counter()
        self._dropped: collections.Counter[str] = collections.Counter()
        self._pending: collections.Counter[str] = collections.Counter()
        self._disk_lock = threading.Lock()
        self._close_lock = threading.Lock()

        self._spool = _Spool(self._spool_dir)
        self._open: dict[tuple[str, str, int], _OpenFile] = {}
        self._last_disk_check = 0.0
        self._requests: collections.deque[threading.Event] = collections.deque()
        self._wake = threading.Event()
        self._stopping = False
        self._uploader = _Uploader(self._spool, storage, retry_seconds, self._uploaded)

        self._spool.recover()
        for _, meta in self._spool.ready():
            self._pending[str(meta["endpoint"])] += int(meta.get("records", 0))
        self._check_disk()
        self._thread = threading.Thread(
            target=self._spool_loop, name="plimsoll-capture-spool", daemon=True
        )
        self._thread.start()
        self._uploader.start()

    def __repr__(self) -> str:
        return f"CaptureWriter(spool_dir={str(self._spool_dir)!r})"

    # -- request path ----------------------------------------------------------------------

    def should_capture(self, endpoint: str) -> bool:
        """The sampling draw: True for about ``percentage`` % of calls while capture is on."""
        target = self._targets.get(endpoint)
        return target is not None and self._draw() * 100.0 < target.percentage

    def submit(self, event: CaptureEvent) -> bool:
        """Queues a sampled event; never blocks, never raises.

        Returns:
            False when capture is off for the endpoint, or when the event was dropped (and
            counted) because the disk guard paused capture or ``max_pending`` were queued.
        """
        target = self._targets.get(event.endpoint)
        if target is None or self._closed:
            return False
        if self._paused or len(self._queue) >= self._max_pending:
            self._drop_log.append(event.endpoint)
            return False
        self._queue.append((event, target))
        return True

    # -- control ---------------------------------------------------------------------------

    def configure(self, endpoint: str, spec: DataCaptureSpec | None) -> None:
        """Sets, replaces or (with None or ``enable_capture`` False) removes a capture config.

        Records already accepted keep the config they were sampled under.

        Raises:
            ValueError: the destination URI's scheme has no storage backend.
            ImportError: that backend's optional dependency is missing.
        """
        if spec is None or not spec.enable_capture:
            self._targets.pop(endpoint, None)
            return
        self._storage.for_uri(spec.destination_s3_uri)
        self._targets[endpoint] = _Target(
            destination=spec.destination_s3_uri.rstrip("/"),
            percentage=float(spec.initial_sampling_percentage),
            capture_input=spec.capture_input,
            capture_output=spec.capture_output,
            rules=ContentTypeRules.from_lists(spec.csv_content_types, spec.json_content_types),
        )

    @property
    def disk_threshold(self) -> float:
        """Used fraction of the spool volume above which capture pauses."""
        return self._disk_threshold

    @disk_threshold.setter
    def disk_threshold(self, value: float) -> None:
        self._disk_threshold = value
        self._check_disk()

    def stats(self, endpoint: str) -> CaptureStats:
        """The endpoint's counters (zeros for an endpoint never seen)."""
        queued = sum(1 for event, _ in self._snapshot_queue() if event.endpoint == endpoint)
        with self._stats_lock:
            self._collect_drops()
            return CaptureStats(
                records_written=self._written[endpoint],
                records_dropped=self._dropped[endpoint],
                records_pending=self._pending[endpoint] + queued,
                paused_for_disk=self._paused,
            )

    def flush(self) -> None:
        """Spools every queued event, rolls every open file and tries every upload once.

        Blocks until done. Files whose upload fails stay spooled for the next retry.
        """
        if not self._thread.is_alive():
            return
        done = threading.Event()
        self._requests.append(done)
        self._wake.set()
        while not done.wait(0.5):
            if not self._thread.is_alive() and not self._uploader.is_alive():
                return

    def close(self) -> None:
        """Stops accepting events, spools and tries to upload everything, stops the threads.

        Files that cannot be uploaded now stay spooled and are uploaded by the next writer
        on the same ``spool_dir``. Idempotent.
        """
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._stopping = True
            self._wake.set()
            self._thread.join()
            self._uploader.join()
            if self._queue:  # submitted while the spool thread was finishing
                self._spool_pending(roll_all=True)
                self._uploader.run_pass(ignore_backoff=True)

    # -- spool thread ----------------------------------------------------------------------

    def _spool_loop(self) -> None:
        while True:
            self._wake.wait(self._flush_interval)
            self._wake.clear()
            stopping = self._stopping
            requests = _pop_all(self._requests)
            if requests:
                self._check_disk()
            try:
                self._spool_pending(roll_all=stopping or bool(requests))
            except Exception:  # the thread must outlive any single failure
                logger.exception("capture spooling failed")
            if requests:
                self._uploader.request(requests)
            if stopping:
                self._uploader.stop()
                return

    def _spool_pending(self, *, roll_all: bool) -> None:
        now = time.monotonic()
        if now - self._last_disk_check >= _DISK_CHECK_SECONDS:
            self._check_disk()
        with self._stats_lock:
            self._collect_drops()
        for count in range(len(self._queue)):
            if count % _YIELD_EVERY == _YIELD_EVERY - 1:
                # Hand the GIL back to the request loop now and then: a long batch would
                # otherwise hold it for a whole switch interval (5 ms) and show in p99.
                time.sleep(0)
            event, target = self._queue.popleft()
            try:
                self._append(event, target)
            except OSError as exc:
                logger.error("capture record for endpoint %s lost: %s", event.endpoint, exc)
                with self._stats_lock:
                    self._dropped[event.endpoint] += 1
        rolled = False
        for key, spooled in list(self._open.items()):
            try:
                spooled.handle.flush()
                if roll_all or now - spooled.opened >= self._roll_seconds:
                    self._roll(key)
                    rolled = True
            except OSError as exc:  # the file stays in the spool; a restart recovers it
                logger.error("capture spool file %s: %s", spooled.stem, exc)
        if rolled:
            self._uploader.wake()

    def _append(self, event: CaptureEvent, target: _Target) -> None:
        hour = round(event.time * 1000) // 3_600_000  # as object_key rounds
        key = (event.endpoint, event.variant, hour)
        spooled = self._open.get(key)
        if spooled is not None and spooled.target is not target:
            self._roll(key)  # the endpoint was reconfigured
            spooled = None
        if spooled is None:
            for other in list(self._open):
                if other[:2] == key[:2] and other[2] < hour:
                    self._roll(other)  # a newer hour started
            spooled = self._spool.create(event.endpoint, event.variant, target, event.time)
            self._open[key] = spooled
        line = _line(event, target)
        spooled.handle.write(line)
        spooled.size += len(line)
        spooled.records += 1
        with self._stats_lock:
            self._pending[event.endpoint] += 1
        if spooled.size >= self._roll_bytes:
            self._roll(key)
            self._uploader.wake()

    def _roll(self, key: tuple[str, str, int]) -> None:
        spooled = self._open.pop(key)
        self._spool.roll(spooled)
        logger.debug("rolled capture file %s (%s records)", spooled.uri, spooled.records)

    def _check_disk(self) -> None:
        self._last_disk_check = time.monotonic()
        try:
            usage = shutil.disk_usage(self._spool_dir)
        except OSError as exc:
            logger.warning("cannot read disk usage of %s: %s", self._spool_dir, exc)
            return
        used = usage.used / usage.total if usage.total else 0.0
        with self._disk_lock:
            paused = used > self._disk_threshold
            if paused == self._paused:
                return
            self._paused = paused
        if paused:
            logger.warning(
                "data capture paused: spool volume %s is %.0f%% full (threshold %.0f%%)",
                self._spool_dir,
                used * 100,
                self._disk_threshold * 100,
            )
        else:
            logger.warning("data capture resumed: spool volume %.0f%% full", used * 100)

    # -- helpers ---------------------------------------------------------------------------

    def _uploaded(self, endpoint: str, records: int) -> None:
        with self._stats_lock:
            self._written[endpoint] += records
            self._pending[endpoint] -= records

    def _collect_drops(self) -> None:
        """Moves drops logged by the request path into the counters (stats lock held)."""
        for _ in range(len(self._drop_log)):
            self._dropped[self._drop_log.popleft()] += 1

    def _snapshot_queue(self) -> list[tuple[CaptureEvent, _Target]]:
        for _ in range(3):
            try:
                return list(self._queue)
            except RuntimeError:  # mutated while copied
                continue
        return []


def _line(event: CaptureEvent, target: _Target) -> bytes:
    """The record's JSON line (event ids are made here, off the request path, when absent)."""
    return record_line(
        event_id=event.event_id or new_event_id(),
        epoch_seconds=event.time,
        rules=target.rules,
        request=(event.request_body, event.request_content_type) if target.capture_input else None,
        response=(event.response_body, event.response_content_type)
        if target.capture_output and event.response_body is not None
        else None,
        inference_id=event.inference_id,
        custom_attributes=event.custom_attributes,
    )


def _root(uri: str) -> str:
    scheme, bucket, _ = parse_uri(uri)
    return f"{scheme}://{bucket}" if bucket else scheme


def _pop_all(items: collections.deque[threading.Event]) -> list[threading.Event]:
    return [items.popleft() for _ in range(len(items))]


def _write_json(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")  # not matched by the "*.meta.json" scans
    tmp.write_text(json.dumps(value), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) and "uri" in value and "endpoint" in value else None


def _truncate_partial_line(path: Path) -> int:
    """Cuts an unfinished last line (a crash mid-write); returns the number of lines."""
    content = path.read_bytes()
    end = content.rfind(b"\n") + 1
    if end != len(content):
        with open(path, "r+b") as fh:
            fh.truncate(end)
    return content.count(b"\n", 0, end)
