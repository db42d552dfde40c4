"""The merger image writes the record path's part files, whether its inputs were read as columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from plimsoll.compat.ground_truth_join import record_parts
from plimsoll.compat.ground_truth_merge import CaptureFile, GroundTruthFile, merge
from plimsoll.images.groundtruth_merger import REPORT_FILE, merge_directories, write_output

WINDOW = (datetime(2024, 3, 5, 10, tzinfo=UTC), datetime(2024, 3, 5, 12, tzinfo=UTC))


def _capture(event_id: str, minute: int, data: str = "0.7") -> str:
    return json.dumps(
        {
            "captureData": {
                "endpointInput": {"mode": "INPUT", "data": 'a,"b\\",é', "encoding": "CSV"},
                "endpointOutput": {"mode": "OUTPUT", "data": data, "encoding": "CSV"},
            },
            "eventMetadata": {
                "eventId": event_id,
                "inferenceId": f"i-{event_id}",
                "inferenceTime": f"2024-03-05T10:{minute:02d}:00Z" if minute < 60 else "",
            },
            "eventVersion": "0",
        }
    )


def _truth(event_id: str, label: str) -> str:
    return json.dumps(
        {
            "groundTruthData": {"data": label, "encoding": "CSV"},
            "eventMetadata": {"eventId": f"i-{event_id}"},
            "eventVersion": "0",
        }
    )


def test_part_files_and_report_are_the_record_paths(tmp_path: Path) -> None:
    capture = tmp_path / "input_data/ep/AllTraffic/2024/03/05/10"
    capture.mkdir(parents=True)
    (capture / "a.jsonl").write_text("\n".join(_capture(f"a{n}", n) for n in range(50)) + "\n")
    (capture / "b.jsonl").write_text(_capture("b1", 5) + "\nnot json\n" + _capture("b2", 60))
    later = tmp_path / "input_data/ep/AllTraffic/2024/03/05/11"
    later.mkdir(parents=True)
    (later / "c.jsonl").write_text(_capture("c1", 7, data="0.1\n0.2") + "\n")
    truth = tmp_path / "groundtruth/2024/03/05/11"
    truth.mkdir(parents=True)
    ids = [f"a{n}" for n in range(0, 50, 2)] + ["b1", "b2", "c1", "a3", "a3"]
    (truth / "t.jsonl").write_text("\n".join(_truth(i, str(n % 2)) for n, i in enumerate(ids)))
    env = {
        "dataset_source": str(tmp_path / "input_data"),
        "ground_truth_source": str(tmp_path / "groundtruth"),
        "output_path": str(tmp_path / "out"),
        "start_time": "2024-03-05T10:00:00Z",
        "end_time": "2024-03-05T12:00:00Z",
    }
    result, output = merge_directories(env)
    assert (result.columnar_files, result.record_files) == (3, 1)
    written = write_output(result, output, write_id="w")
    captures = [
        CaptureFile(
            uri=str(path),
            endpoint="ep",
            variant="AllTraffic",
            hour=datetime(2024, 3, 5, int(path.parent.name), tzinfo=UTC),
            content=path.read_bytes(),
        )
        for path in sorted((tmp_path / "input_data").rglob("*.jsonl"))
    ]
    labels = [GroundTruthFile(uri=str(truth / "t.jsonl"), content=(truth / "t.jsonl").read_bytes())]
    expected = merge(captures, labels, window=WINDOW)
    assert {p.relative_to(output).parent.as_posix(): p.read_bytes() for p in written} == {
        f"{p.endpoint}/{p.variant}/{p.hour:%Y/%m/%d/%H}": p.to_bytes()
        for p in record_parts(expected.records)
    }
    report = json.loads((output / REPORT_FILE).read_text())
    assert {k: v for k, v in report.items() if k in expected.report.to_dict()} == {
        **expected.report.to_dict(),
        "ground_truth_hours": ["2024/03/05/11"],
        "missing_hours": ["2024/03/05/10"],
    }
    assert report["matched"] == 29 and report["malformed_lines"] == 1
