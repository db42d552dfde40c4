"""Capture under bounded load: every successful response is captured once, across a graceful
restart; and the disk guard pauses capture without failing a request."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from plimsoll.api.wiring import Api, build_api
from plimsoll.compat.capture_format import iter_records
from plimsoll.metadata.serving_entities import DataCaptureSpec
from plimsoll.services.invocations import InvokeRequest
from plimsoll.settings import Settings
from tests.integration._models import IRIS_ROW
from tests.integration.test_endpoints_service import _deploy

REQUESTS = 300  # per phase; bounded in count, and each request times out at 60 s


def _capture(dest: Path) -> DataCaptureSpec:
    return DataCaptureSpec(
        initial_sampling_percentage=100,
        destination_s3_uri=str(dest),
        csv_content_types=("text/csv",),
        json_content_types=("application/json",),
    )


def _load(api: Api, name: str, prefix: str) -> int:
    def one(i: int) -> bool:
        request = InvokeRequest(
            endpoint_name=name,
            body=IRIS_ROW.encode(),
            content_type="text/csv",
            inference_id=f"{prefix}-{i}",
        )
        return api.invocations.invoke_sync(request).body == b"[0]"

    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(one, range(REQUESTS)))


def _records(dest: Path) -> list[str]:
    return [
        record.eventMetadata.eventId + " " + (record.eventMetadata.inferenceId or "")
        for path in dest.rglob("*.jsonl")
        for record in iter_records(path.read_bytes())
    ]


def test_every_success_captured_once_across_a_restart(settings: Settings, tmp_path: Path) -> None:
    dest = tmp_path / "capture"
    first = build_api(settings)
    try:
        _deploy(first, tmp_path, "load-a", count=2, capture=_capture(dest))
        ok_first = _load(first, "load-a", "a")
    finally:
        first.close()  # graceful: stops instances, uploads every accepted record
    second = build_api(settings)
    try:
        _deploy(second, tmp_path, "load-b", count=1, capture=_capture(dest))
        ok_second = _load(second, "load-b", "b")
    finally:
        second.close()
    records = _records(dest)
    event_ids = [r.split()[0] for r in records]
    inference_ids = sorted(r.split()[1] for r in records)
    assert ok_first == ok_second == REQUESTS
    assert len(records) == ok_first + ok_second
    assert len(set(event_ids)) == len(event_ids)
    assert inference_ids == sorted(
        [f"a-{i}" for i in range(REQUESTS)] + [f"b-{i}" for i in range(REQUESTS)]
    )


def test_disk_guard_pauses_capture_not_requests(api: Api, tmp_path: Path) -> None:
    dest = tmp_path / "capture"
    _deploy(api, tmp_path, "guarded", capture=_capture(dest))
    usage = shutil.disk_usage(tmp_path)
    api.capture.disk_threshold = max(0.0, usage.used / usage.total - 0.01)
    ok = _load(api, "guarded", "g")
    assert ok == REQUESTS  # no request failed
    _, state = api.endpoints.describe_endpoint("guarded")
    assert state is not None and state.paused_for_disk and state.capture_status == "Stopped"
    assert state.records_dropped == REQUESTS
    metrics = api.invocations.metrics.render(list)
    assert 'status="200"} 300' in metrics
    api.capture.disk_threshold = 1.0  # room again: capture resumes
    ok = _load(api, "guarded", "h")
    api.capture.flush()
    _, state = api.endpoints.describe_endpoint("guarded")
    assert state is not None and not state.paused_for_disk
    assert sorted(_records(dest)) and all(" h-" in r for r in _records(dest))
