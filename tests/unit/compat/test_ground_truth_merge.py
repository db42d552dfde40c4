"""The ground-truth merge on SageMaker's reference files, and every bad-input category."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plimsoll.compat import ground_truth as gt
from plimsoll.compat.ground_truth_merge import (
    CaptureFile,
    GroundTruthFile,
    load_and_merge,
    merge,
    merge_root,
    write_merged,
)
from plimsoll.storage.memory import MemoryStorage

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference/model_monitor"
CHURN = REFERENCE / "examples_model_quality_churn"
CHURN_CAPTURE = CHURN / "capture" / "capture_with_inferenceId_2021-05-18.jsonl"
MERGED_SAMPLE = REFERENCE / "examples_clarify_bias_adult" / "merged" / "merged_record_sample.json"
SDK = REFERENCE / "sdk_v2.199.0" / "tests_data_monitor"

HOUR0 = datetime(2021, 5, 18, 0, tzinfo=UTC)
WINDOW = (HOUR0, HOUR0 + timedelta(hours=1))


def _capture(
    content: bytes, uri: str = "s3://b/capture/ep/AllTraffic/2021/05/18/00/a.jsonl"
) -> CaptureFile:
    return CaptureFile(uri=uri, endpoint="ep", variant="AllTraffic", hour=HOUR0, content=content)


def _labels(
    *pairs: tuple[str, object], uri: str = "s3://b/gt/2021/05/18/01/x.jsonl"
) -> GroundTruthFile:
    content = b"".join(gt.to_json_line(gt.build_record(i, label)) for i, label in pairs)
    return GroundTruthFile(uri=uri, content=content)


def _shape(value: Any) -> Any:
    """Keys in order, recursively; leaves become their JSON type."""
    if isinstance(value, dict):
        return [(k, _shape(v)) for k, v in value.items()]
    return type(value).__name__


def _churn_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CHURN_CAPTURE.read_bytes().splitlines() if line.strip()]


def test_churn_reference_ground_truth_matches_nothing_and_is_reported() -> None:
    files = [
        GroundTruthFile(uri=p.name, content=p.read_bytes())
        for p in sorted((CHURN / "ground_truth").glob("*.jsonl"))
    ]
    result = merge([_capture(CHURN_CAPTURE.read_bytes())], files, window=WINDOW)
    report = result.report
    assert result.records == []
    assert (report.capture_records, report.matched, report.captured_without_ground_truth) == (
        2,
        0,
        2,
    )
    assert (report.ground_truth_records, report.ground_truth_unknown_id) == (2, 2)
    assert report.unknown_ids == (
        "01d3c1a8-aa99-4149-9d5e-78bea047a788",
        "01f96064-3ed9-4c96-87d9-c548cf03bf99",
    )
    assert report.malformed_lines == 0
    assert "matched=0" in report.summary() and "ground_truth_unknown_id=2" in report.summary()


def test_churn_capture_merges_by_inference_id_into_sagemakers_record_shape() -> None:
    # Labels keyed by the inferenceId ("58", "59"), not the eventId, as SageMaker requires.
    result = merge(
        [_capture(CHURN_CAPTURE.read_bytes())], [_labels(("58", 1), ("59", 0))], window=WINDOW
    )
    assert result.report.matched == 2
    assert result.report.ground_truth_matched_ids == 2
    records = [m.record for m in result.records]
    sample = json.loads(MERGED_SAMPLE.read_text())
    assert [_shape(r) for r in records] == [_shape(sample)] * 2
    capture = _churn_lines()
    assert records[0]["groundTruthData"] == {"data": "1", "encoding": "CSV"}
    assert records[1]["groundTruthData"] == {"data": "0", "encoding": "CSV"}
    assert records[0]["eventMetadata"] == capture[0]["eventMetadata"]
    for merged, captured in zip(records, capture, strict=True):
        for side in ("endpointInput", "endpointOutput"):
            assert merged["captureData"][side] == captured["captureData"][side]
    assert {m.hour for m in result.records} == {HOUR0}


def test_sdk_fixture_merges_by_event_id_without_inference_id() -> None:
    def filled(path: Path) -> bytes:
        return path.read_bytes().replace(b"{%s}", b"2021-05-18T00:30:00Z")

    result = merge(
        [_capture(filled(SDK / "capture.jsonl"))],
        [GroundTruthFile(uri="actuals.jsonl", content=filled(SDK / "actuals.jsonl"))],
        window=WINDOW,
    )
    report = result.report
    assert (report.capture_records, report.matched, report.ground_truth_records) == (44, 44, 44)
    assert report.captured_without_ground_truth == report.ground_truth_unknown_id == 0
    assert all("inferenceId" not in m.record["eventMetadata"] for m in result.records)
    assert [_shape(m.record)[1:] for m in result.records[:1]] == [
        [
            ("groundTruthData", [("data", "str"), ("encoding", "str")]),
            _shape(json.loads(MERGED_SAMPLE.read_text()))[2],
            ("eventMetadata", [("eventId", "str"), ("inferenceTime", "str")]),
        ]
    ]


def _record(event_id: str, minute: int, inference_id: str | None = None, hour: int = 0) -> bytes:
    meta: dict[str, str] = {"eventId": event_id}
    if inference_id is not None:
        meta["inferenceId"] = inference_id
    meta["inferenceTime"] = f"2021-05-18T{hour:02d}:{minute:02d}:00Z"
    side = {"observedContentType": "text/csv", "mode": "OUTPUT", "data": "0.9", "encoding": "CSV"}
    body = {"captureData": {"endpointOutput": side}, "eventMetadata": meta, "eventVersion": "0"}
    return json.dumps(body).encode() + b"\n"


def test_every_category_is_counted() -> None:
    capture = b"".join(
        [
            _record("e1", 1, "i1"),  # matched by inferenceId
            _record("e2", 2),  # matched by eventId
            _record("e3", 3),  # no label
            _record("e4", 4, "i1"),  # repeated inferenceId: merged again
            _record("e5", 59, hour=1),  # outside the window, has a label
            b"{broken\n",
            _record("e6", 5).replace(b"2021-05-18T00:05:00Z", b"yesterday"),
        ]
    )
    first = _labels(("i1", 0), ("e2", 1), ("nobody", 1), uri="s3://b/gt/2021/05/18/00/a.jsonl")
    bad_type = json.dumps(
        {
            "groundTruthData": {"data": 1, "encoding": "CSV"},
            "eventMetadata": {"eventId": "e3"},
            "eventVersion": "0",
        }
    )
    later = GroundTruthFile(
        uri="s3://b/gt/2021/05/18/01/b.jsonl",
        content=_labels(("e2", 0), ("e5", 1)).content + bad_type.encode() + b"\n",
    )
    result = merge([_capture(capture)], [first, later], window=WINDOW)
    report = result.report
    assert report.capture_records == 5
    assert report.capture_outside_window == 1
    assert report.matched == 3
    assert report.captured_without_ground_truth == 1
    assert report.duplicate_capture_ids == 1
    assert report.capture_records == (
        report.capture_outside_window + report.matched + report.captured_without_ground_truth
    )
    assert report.ground_truth_records == 5
    assert report.ground_truth_matched_ids == 2
    assert report.ground_truth_unknown_id == 1 and report.unknown_ids == ("nobody",)
    assert report.ground_truth_outside_window == 1
    assert report.duplicate_ground_truth == 1 and report.duplicate_ids == ("e2",)
    assert report.ground_truth_records == (
        report.ground_truth_matched_ids
        + report.ground_truth_unknown_id
        + report.ground_truth_outside_window
        + report.duplicate_ground_truth
    )
    assert report.malformed_lines == 3
    assert report.malformed_by_reason == {
        "wrong_label_type": 1,
        "invalid_capture_record": 1,
        "invalid_inference_time": 1,
    }
    where = {(m.source.rsplit("/", 1)[-1], m.line, m.reason) for m in report.malformed}
    assert where == {
        ("b.jsonl", 3, "wrong_label_type"),
        ("a.jsonl", 6, "invalid_capture_record"),
        ("a.jsonl", 7, "invalid_inference_time"),
    }
    labels = {
        m.record["eventMetadata"]["eventId"]: m.record["groundTruthData"]["data"]
        for m in result.records
    }
    assert labels == {"e1": "0", "e2": "0", "e4": "0"}  # e2: the later upload wins
    assert json.loads(json.dumps(report.to_dict()))["malformed"][0]["file"].startswith("s3://")


def test_no_window_keeps_every_record_and_naive_window_is_utc() -> None:
    capture = _capture(_record("e1", 1) + _record("e2", 59, hour=1))
    labels = [_labels(("e1", 1), ("e2", 0))]
    assert merge([capture], labels).report.matched == 2
    naive = (datetime(2021, 5, 18, 1), datetime(2021, 5, 18, 2))
    result = merge([capture], labels, window=naive)
    assert (result.report.matched, result.report.capture_outside_window) == (1, 1)
    assert result.records[0].hour == datetime(2021, 5, 18, 1, tzinfo=UTC)


def test_load_merge_and_write_through_storage() -> None:
    storage = MemoryStorage("s3")
    dest = "s3://b/capture"
    storage.write_bytes(
        f"{dest}/ep/AllTraffic/2021/05/18/00/00-00-000-a.jsonl", CHURN_CAPTURE.read_bytes()
    )
    storage.write_bytes(f"{dest}/ep/Shadow/2021/05/18/00/00-00-000-b.jsonl", _record("s1", 10))
    storage.write_bytes(
        f"{dest}/ep/AllTraffic/2021/05/18/02/00-00-000-c.jsonl", _record("late", 1, hour=2)
    )
    storage.write_bytes("s3://b/gt/2021/05/18/00/old.jsonl", _labels(("58", 0)).content)
    storage.write_bytes("s3://b/gt/2021/05/18/02/new.jsonl", _labels(("58", 1), ("s1", 1)).content)
    storage.write_bytes("s3://b/gt/2021/05/18/02/readme.md", b"not labels")
    result = load_and_merge(
        storage,
        capture_destination=dest,
        endpoint="ep",
        variant=None,
        start=WINDOW[0],
        end=WINDOW[1],
        ground_truth_uri="s3://b/gt",
        execution_time=datetime(2021, 5, 18, 2, 10, tzinfo=UTC),
    )
    report = result.report
    assert report.capture_records == 3 and report.matched == 2
    assert report.captured_without_ground_truth == 1  # inferenceId "59"
    assert report.duplicate_ground_truth == 1  # "58": hour 02 wins over hour 00
    assert report.ground_truth_hours == ("2021/05/18/00", "2021/05/18/01", "2021/05/18/02")
    assert report.missing_hours == ("2021/05/18/01",)
    assert report.ignored_objects == ("s3://b/gt/2021/05/18/02/readme.md",)
    by_variant = {m.variant: m.record["groundTruthData"]["data"] for m in result.records}
    assert by_variant == {"AllTraffic": "1", "Shadow": "1"}

    root = merge_root("s3://b/monitoring/")
    written = write_merged(
        storage, root, result.records, write_id="0b7bfd33-c8a7-4adf-a09a-98fd0af79974"
    )
    pattern = re.compile(
        r"^s3://b/monitoring/merge/ep/(AllTraffic|Shadow)/2021/05/18/00/"
        r"part-00000-0b7bfd33-c8a7-4adf-a09a-98fd0af79974\.c000\.jsonl$"
    )
    assert len(written) == 2 and all(pattern.match(uri) for uri in written)
    lines = storage.read_bytes(written[0]).splitlines()
    assert [json.loads(line) for line in lines] == [
        m.record for m in result.records if m.variant == "AllTraffic"
    ]
    assert b": " not in lines[0][:40]  # compact JSON, as Spark writes it
    assert write_merged(storage, root, []) == []


@pytest.mark.parametrize("window_hours", [1, 3])
def test_window_without_ground_truth_reports_missing_hours(window_hours: int) -> None:
    storage = MemoryStorage("s3")
    storage.write_bytes("s3://b/capture/ep/AllTraffic/2021/05/18/00/x.jsonl", _record("e1", 1))
    result = load_and_merge(
        storage,
        capture_destination="s3://b/capture",
        endpoint="ep",
        variant="AllTraffic",
        start=HOUR0,
        end=HOUR0 + timedelta(hours=window_hours),
        ground_truth_uri="s3://b/gt",
    )
    assert result.records == []
    assert result.report.captured_without_ground_truth == 1
    assert len(result.report.missing_hours) == window_hours
