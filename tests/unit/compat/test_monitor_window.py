"""The execution window and the capture partitions selected for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from plimsoll.compat.capture_format import CAPTURE_KEY_PATTERN, object_key
from plimsoll.compat.monitor_window import (
    MonitorWindow,
    capture_files_in_window,
    execution_window,
    format_window_time,
    hour_partitions,
    parse_offset,
)
from plimsoll.errors import ValidationError
from plimsoll.storage.memory import MemoryStorage

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference"
DEST = "memory://bucket/datacapture"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-PT1H", timedelta(hours=-1)),
        ("-PT0H", timedelta(0)),
        ("-P8D", timedelta(days=-8)),
        ("-P1DT12H", timedelta(days=-1, hours=-12)),
        ("-PT30M", timedelta(minutes=-30)),
        ("PT90S", timedelta(seconds=90)),
        ("-P1W", timedelta(weeks=-1)),
    ],
)
def test_parse_offset_reads_iso_durations(text: str, expected: timedelta) -> None:
    assert parse_offset(text) == expected


@pytest.mark.parametrize("text", ["", "P", "-PT", "1H", "-PT1.5H", "-P1M", "-P1Y", "PT1D"])
def test_parse_offset_refuses_bad_durations_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationError, match="EndTimeOffset") as info:
        parse_offset(text, field="EndTimeOffset")
    assert info.value.code == "ValidationException"


def test_default_window_is_the_previous_full_hour_like_the_real_execution() -> None:
    # Real model-quality execution scheduled 23:00 analysed 22:00-23:00 (spec 3.2).
    window = execution_window(at("2021-05-06T23:04:51"))
    assert window.start == at("2021-05-06T22:00:00")
    assert window.end == at("2021-05-06T23:00:00")
    assert window.to_env() == {
        "start_time": "2021-05-06T22:00:00Z",
        "end_time": "2021-05-06T23:00:00Z",
        "metric_time": "2021-05-06T22:00:00Z",
    }


def test_a_fractional_end_is_rounded_up_so_its_own_second_stays_in_the_window() -> None:
    # A NOW schedule at 12:00:00.9 must keep a request captured at 12:00:00.3, whose
    # inferenceTime (whole seconds, as capture writes it) is 12:00:00.
    now = at("2024-01-19T12:00:00") + timedelta(microseconds=900_000)
    window = MonitorWindow(scheduled_time=now, start=now - timedelta(hours=1), end=now)
    assert window.to_env()["end_time"] == "2024-01-19T12:00:01Z"
    assert window.to_env()["start_time"] == "2024-01-19T11:00:00Z"


def test_offsets_shift_the_window_like_the_docs_example() -> None:
    window = execution_window(at("2020-01-09T13:00:00"), start_offset="-P8D", end_offset="-P1D")
    assert (window.start, window.end) == (at("2020-01-01T13:00:00"), at("2020-01-08T13:00:00"))
    assert window.contains(at("2020-01-05T00:00:00"))
    assert not window.contains(at("2020-01-08T13:00:00"))


def test_start_after_end_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="StartTimeOffset '-PT1H' must be earlier"):
        execution_window(at("2020-01-09T13:00:00"), start_offset="-PT1H", end_offset="-PT2H")


def test_aware_non_utc_times_are_converted() -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2024, 1, 19, 12, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert format_window_time(local) == "2024-01-19T20:30:00Z"
    assert execution_window(local).end == at("2024-01-19T20:00:00")


def test_hour_partitions_cover_partial_hours() -> None:
    hours = hour_partitions(at("2024-01-19T18:30:00"), at("2024-01-19T20:00:00"))
    assert hours == [at("2024-01-19T18:00:00"), at("2024-01-19T19:00:00")]


def _store(storage: MemoryStorage, endpoint: str, variant: str, when: str) -> str:
    key = object_key(
        DEST, endpoint, variant, at(when).timestamp(), "0b7bfd33-c8a7-4adf-a09a-98fd0af79974"
    )
    storage.write_bytes(key, b"{}\n")
    return key


def test_capture_files_in_window_selects_hour_partitions() -> None:
    storage = MemoryStorage()
    inside = [
        _store(storage, "ep", "AllTraffic", "2022-04-18T00:20:48.871"),
        _store(storage, "ep", "AllTraffic", "2022-04-18T00:59:59"),
    ]
    _store(storage, "ep", "AllTraffic", "2022-04-17T23:59:59")
    _store(storage, "ep", "AllTraffic", "2022-04-18T01:00:00")
    _store(storage, "ep", "Other", "2022-04-18T00:10:00")
    _store(storage, "ep-2", "AllTraffic", "2022-04-18T00:10:00")
    storage.write_bytes(f"{DEST}/ep/AllTraffic/2022/04/18/00/notes.txt", b"x")
    window = execution_window(at("2022-04-18T01:00:00"))

    found = capture_files_in_window(storage, DEST, "ep", "AllTraffic", window.start, window.end)

    assert [o.uri for o in found] == sorted(inside)
    assert all(CAPTURE_KEY_PATTERN.match(o.uri) for o in found)


def test_capture_files_in_window_all_variants() -> None:
    storage = MemoryStorage()
    a = _store(storage, "ep", "AllTraffic", "2022-04-18T00:20:00")
    b = _store(storage, "ep", "Other", "2022-04-18T00:10:00")
    _store(storage, "ep", "Other", "2022-04-18T02:10:00")
    _store(storage, "ep-2", "AllTraffic", "2022-04-18T00:10:00")

    found = capture_files_in_window(
        storage, DEST + "/", "ep", None, at("2022-04-18T00:00:00"), at("2022-04-18T01:00:00")
    )

    assert [o.uri for o in found] == sorted([a, b])


def test_real_s3_keys_fall_in_their_hour() -> None:
    lines = REFERENCE / "processing_and_capture/examples_notebook_outputs/s3_key_listings.txt"
    keys = [
        line.split("\t")[1]
        for line in lines.read_text().splitlines()
        if line.startswith("mm_intro") and "datacapture" in line
    ]
    storage = MemoryStorage(scheme="s3")
    for key in keys:
        uri = key if key.startswith("s3://") else f"s3://{key}"
        storage.write_bytes(uri, b"{}\n")
    dest = "s3://sagemaker/DEMO-ModelMonitor/datacapture"
    endpoint = "DEMO-xgb-churn-pred-model-monitor-2022-04-18-00-13-16"
    window = execution_window(at("2022-04-18T01:00:00"))

    found = capture_files_in_window(storage, dest, endpoint, "AllTraffic", window.start, window.end)

    assert len(found) == len(keys) == 2
    empty = capture_files_in_window(
        storage, dest, endpoint, "AllTraffic", at("2022-04-18T01:00:00"), at("2022-04-18T02:00:00")
    )
    assert empty == []
