"""The ground-truth merger image: its environment, layout and every way it ends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from plimsoll.images.groundtruth_merger import REPORT_FILE, run

HOUR = datetime(2024, 3, 5, 10, tzinfo=UTC)


def _capture(event_id: str, minute: int = 5, inference_id: str | None = None) -> str:
    meta: dict[str, Any] = {"eventId": event_id, "inferenceTime": f"2024-03-05T10:{minute:02d}:00Z"}
    if inference_id is not None:
        meta["inferenceId"] = inference_id
    side = {"observedContentType": "text/csv", "encoding": "CSV"}
    return json.dumps(
        {
            "captureData": {
                "endpointInput": {**side, "mode": "INPUT", "data": "1,2,3"},
                "endpointOutput": {**side, "mode": "OUTPUT", "data": "0.7"},
            },
            "eventMetadata": meta,
            "eventVersion": "0",
        }
    )


def _truth(event_id: str, label: str = "1") -> str:
    return json.dumps(
        {
            "groundTruthData": {"data": label, "encoding": "CSV"},
            "eventMetadata": {"eventId": event_id},
            "eventVersion": "0",
        }
    )


def _setup(tmp_path: Path, captures: list[str], truths: list[str]) -> dict[str, str]:
    capture = tmp_path / "input_data/ep/AllTraffic/2024/03/05/10"
    capture.mkdir(parents=True)
    (capture / "c.jsonl").write_text("\n".join(captures))
    truth = tmp_path / "groundtruth/2024/03/05/10"
    truth.mkdir(parents=True)
    (truth / "t.jsonl").write_text("\n".join(truths))
    return {
        "dataset_source": str(tmp_path / "input_data"),
        "ground_truth_source": str(tmp_path / "groundtruth"),
        "output_path": str(tmp_path / "output"),
        "output_message_file": str(tmp_path / "message"),
        "start_time": "2024-03-05T10:00:00Z",
        "end_time": "2024-03-05T11:00:00Z",
    }


def _message(tmp_path: Path) -> str:
    return (tmp_path / "message").read_text()


def _report(tmp_path: Path) -> dict[str, Any]:
    return dict(json.loads((tmp_path / "output" / REPORT_FILE).read_text()))


def test_merged_records_in_sagemakers_layout_with_the_report(tmp_path: Path) -> None:
    env = _setup(
        tmp_path,
        [_capture("a"), _capture("b", inference_id="inf-b"), _capture("c"), "not json"],
        [_truth("a", "0"), _truth("inf-b"), _truth("zzz")],
    )
    assert run(env) == 0
    assert _message(tmp_path) == "Completed: Merged 2 captured records with their ground truth."
    parts = list((tmp_path / "output").rglob("*.jsonl"))
    assert len(parts) == 1
    assert parts[0].relative_to(tmp_path / "output").parent.as_posix() == (
        "ep/AllTraffic/2024/03/05/10"
    )
    assert parts[0].name.startswith("part-00000-") and parts[0].name.endswith(".c000.jsonl")
    records = [json.loads(line) for line in parts[0].read_text().splitlines()]
    assert [r["groundTruthData"]["data"] for r in records] == ["0", "1"]
    assert records[1]["eventMetadata"]["inferenceId"] == "inf-b"
    assert set(records[0]["captureData"]) == {"endpointInput", "endpointOutput"}
    report = _report(tmp_path)
    assert report["matched"] == 2
    assert report["captured_without_ground_truth"] == 1
    assert report["ground_truth_unknown_id"] == 1 and report["unknown_ids"] == ["zzz"]
    assert report["malformed_lines"] == 1


def test_nothing_matched_fails_with_the_counts(tmp_path: Path) -> None:
    env = _setup(tmp_path, [_capture("a"), _capture("b")], [_truth("x"), _truth("y")])
    assert run(env) == 1
    message = _message(tmp_path)
    assert message.startswith("Error: No ground truth matched the captured records in the window: ")
    assert "capture_records=2" in message and "ground_truth_unknown_id=2" in message
    assert _report(tmp_path)["matched"] == 0
    assert not list((tmp_path / "output").rglob("*.jsonl"))


def test_captures_outside_the_window_are_not_merged(tmp_path: Path) -> None:
    env = _setup(tmp_path, [_capture("a")], [_truth("a")])
    env["start_time"], env["end_time"] = "2024-03-05T12:00:00Z", "2024-03-05T13:00:00Z"
    assert run(env) == 1
    assert "capture_outside_window=1" in _message(tmp_path)
    report = _report(tmp_path)
    assert report["ground_truth_outside_window"] == 1
    assert report["missing_hours"] == ["2024/03/05/12"]


def test_no_capture_is_no_data(tmp_path: Path) -> None:
    env = _setup(tmp_path, [], [_truth("a")])
    assert run(env) == 1
    assert _message(tmp_path).startswith("Error: Job inputs had no data")


def test_files_outside_the_layouts_are_ignored_and_listed(tmp_path: Path) -> None:
    env = _setup(tmp_path, [_capture("a")], [_truth("a")])
    (tmp_path / "input_data/stray.jsonl").write_text(_capture("a"))
    (tmp_path / "groundtruth/2024/03/05/10/notes.txt").write_text(_truth("a", "0"))
    assert run(env) == 0
    report = _report(tmp_path)
    assert report["matched"] == 1 and report["duplicate_ground_truth"] == 0
    assert sorted(Path(p).name for p in report["ignored_objects"]) == ["notes.txt", "stray.jsonl"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"ground_truth_source": ""},
            "Error: Missing required environment variable 'ground_truth_source'",
        ),
        (
            {"start_time": "yesterday"},
            "Error: start_time must be YYYY-MM-DDTHH:MM:SSZ, not 'yesterday'",
        ),
        ({"end_time": ""}, "Error: start_time and end_time must be given together"),
        (
            {"end_time": "2024-03-05T09:00:00Z"},
            "Error: end_time 2024-03-05T09:00:00Z is not after start_time",
        ),
    ],
)
def test_a_bad_environment_fails_with_a_message(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    env = {**_setup(tmp_path, [_capture("a")], [_truth("a")]), **change}
    assert run(env) == 1
    assert _message(tmp_path) == message


def test_without_a_window_every_capture_record_is_merged(tmp_path: Path) -> None:
    env = _setup(tmp_path, [_capture("a", minute=59)], [_truth("a")])
    del env["start_time"], env["end_time"]
    assert run(env) == 0
    assert _report(tmp_path)["missing_hours"] == []
