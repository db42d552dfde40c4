"""Ground-truth record format, S3 layout and the hours an execution reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plimsoll.compat import ground_truth as gt
from plimsoll.errors import ValidationError
from plimsoll.storage.memory import MemoryStorage

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference/model_monitor"
CHURN_GT = REFERENCE / "examples_model_quality_churn" / "ground_truth"
SDK_ACTUALS = REFERENCE / "sdk_v2.199.0" / "tests_data_monitor" / "actuals.jsonl"


# -- format -----------------------------------------------------------------------------------


def test_reference_files_parse_and_rebuild_byte_for_byte() -> None:
    files = sorted(CHURN_GT.glob("*.jsonl"))
    assert len(files) == 2
    for path in files:
        content = path.read_bytes()
        (record,) = gt.parse_lines(content, source=path.name)
        assert record.event_id == path.stem
        assert (record.data, record.encoding) == ("0", "CSV")
        assert gt.to_json_line(gt.build_record(path.stem, 0)) == content + b"\n"


def test_sdk_actuals_with_extra_metadata_parse() -> None:
    records = gt.parse_lines(SDK_ACTUALS.read_bytes(), source="actuals.jsonl")
    assert len(records) == 44
    assert records[0].event_id == "74b0dd56-e7c8-368e-94b1-14a138a96000"
    assert {r.data for r in records} <= {"0", "1"}


@pytest.mark.parametrize(
    ("label", "data", "encoding"),
    [
        ("1", "1", "CSV"),
        (1, "1", "CSV"),
        (0.25, "0.25", "CSV"),
        ("cat", "cat", "CSV"),
        ({"instances": [{"label": 0}]}, '{"instances": [{"label": 0}]}', "JSON"),
        ([1, 0], "[1, 0]", "JSON"),
    ],
)
def test_build_record_label_text(label: object, data: str, encoding: str) -> None:
    record = gt.build_record("id-1", label)
    assert (record.data, record.encoding) == (data, encoding)
    line = gt.to_json_line(record)
    assert json.loads(line) == {
        "groundTruthData": {"data": data, "encoding": encoding},
        "eventMetadata": {"eventId": "id-1"},
        "eventVersion": "0",
    }
    assert gt.parse_line(line) == record


@pytest.mark.parametrize(
    ("event_id", "label", "encoding", "fragment"),
    [
        ("", 1, None, "non-empty"),
        ("a", True, None, "not a valid label"),
        ("a", None, None, "not a valid label"),
        ("a", float("nan"), None, "finite"),
        ("a", {"x": 1}, "CSV", "needs encoding JSON"),
        ("a", "not json", "JSON", "not JSON text"),
        ("a", 1, "PARQUET", "CSV or JSON"),
        ("a", object(), None, "not a string, number"),
    ],
)
def test_build_record_refuses(
    event_id: str, label: object, encoding: str | None, fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment):
        gt.build_record(event_id, label, encoding=encoding)


def _line(**overrides: object) -> str:
    record: dict[str, object] = {
        "groundTruthData": {"data": "1", "encoding": "CSV"},
        "eventMetadata": {"eventId": "e1"},
        "eventVersion": "0",
    }
    record.update(overrides)
    return json.dumps(record)


@pytest.mark.parametrize(
    ("text", "reason", "fragment"),
    [
        ("{not json", "invalid_json", "not JSON"),
        ("[1, 2]", "invalid_record", "must be a JSON object"),
        (_line(eventVersion="1"), "invalid_record", "eventVersion"),
        (_line(eventMetadata={"eventId": ""}), "invalid_record", "eventId"),
        (_line(eventMetadata={"inferenceId": "x"}), "invalid_record", "eventId"),
        (_line(groundTruthData={"data": "1"}), "invalid_record", "missing key(s) encoding"),
        (
            _line(groundTruthData={"data": "1", "encoding": "CSV", "x": 1}),
            "invalid_record",
            "unknown key(s) x",
        ),
        (
            _line(groundTruthData={"data": "1", "encoding": "BASE64"}),
            "invalid_record",
            "CSV or JSON",
        ),
        (_line(groundTruthData={"data": 1, "encoding": "CSV"}), "wrong_label_type", "int 1"),
        (_line(groundTruthData={"data": None, "encoding": "CSV"}), "wrong_label_type", "null"),
        (
            _line(groundTruthData={"data": "{oops", "encoding": "JSON"}),
            "wrong_label_type",
            "JSON text",
        ),
        (_line(extra=1), "invalid_record", "unknown key(s) extra"),
    ],
)
def test_parse_errors_name_file_and_line(text: str, reason: str, fragment: str) -> None:
    content = (_line() + "\n\n" + text + "\n").encode()
    good, bad = gt.read_lines(content, source="s3://b/gt/x.jsonl")
    assert [n for n, _ in good] == [1]
    assert [(b.source, b.line, b.reason) for b in bad] == [("s3://b/gt/x.jsonl", 3, reason)]
    assert fragment in bad[0].message
    with pytest.raises(ValidationError, match=r"s3://b/gt/x.jsonl line 3: ") as raised:
        gt.parse_lines(content, source="s3://b/gt/x.jsonl")
    assert fragment in raised.value.message
    with pytest.raises(ValidationError, match=r"^f line 7: "):
        gt.parse_line(text, source="f", line=7)


def test_parse_lines_lists_first_ten_problems() -> None:
    content = b"\n".join([b"nope"] * 12)
    with pytest.raises(ValidationError, match=r"12 malformed .* f line 10: .*\(and 2 more\)"):
        gt.parse_lines(content, source="f")


# -- layout -----------------------------------------------------------------------------------


def test_object_key_uses_the_upload_hour() -> None:
    when = datetime(2021, 5, 18, 1, 59, 59, tzinfo=UTC)
    key = gt.object_key("s3://bucket/gt/", when, "labels")
    assert key == "s3://bucket/gt/2021/05/18/01/labels.jsonl"
    naive = gt.object_key("s3://bucket/gt", datetime(2021, 5, 18, 23), "x.jsonl")
    assert naive == "s3://bucket/gt/2021/05/18/23/x.jsonl"
    random = gt.object_key("s3://bucket/gt", when)
    assert random.startswith("s3://bucket/gt/2021/05/18/01/") and random.endswith(".jsonl")
    assert gt.upload_hour(random[len("s3://bucket/gt/") :]) == datetime(2021, 5, 18, 1, tzinfo=UTC)
    with pytest.raises(ValidationError, match="must not contain"):
        gt.object_key("s3://bucket/gt", when, "a/b")


@pytest.mark.parametrize(
    ("relative", "hour"),
    [
        ("2021/05/18/01/a.jsonl", datetime(2021, 5, 18, 1, tzinfo=UTC)),
        ("/2021/12/31/23/a.jsonl", datetime(2021, 12, 31, 23, tzinfo=UTC)),
        ("2021/13/18/01/a.jsonl", None),
        ("2021/05/18/a.jsonl", None),
        ("2021/05/18/01/sub/a.jsonl", None),
    ],
)
def test_upload_hour(relative: str, hour: datetime | None) -> None:
    assert gt.upload_hour(relative) == hour


def test_window_hours_run_from_window_start_to_execution_time() -> None:
    start = datetime(2021, 5, 18, 22, tzinfo=UTC)
    end = datetime(2021, 5, 18, 23, tzinfo=UTC)
    assert gt.ground_truth_hours(start, end) == [start]
    ran = datetime(2021, 5, 19, 1, 5, tzinfo=UTC)
    assert gt.ground_truth_hours(start, end, ran) == [
        datetime(2021, 5, 18, h, tzinfo=UTC) for h in (22, 23)
    ] + [datetime(2021, 5, 19, h, tzinfo=UTC) for h in (0, 1)]
    # an execution time before the window end never shortens the window
    assert gt.ground_truth_hours(start, end, start) == [start]


def test_ground_truth_files_reports_missing_hours_and_other_objects() -> None:
    storage = MemoryStorage("s3")
    hours = [datetime(2021, 5, 18, h, tzinfo=UTC) for h in (0, 1, 2)]
    storage.write_bytes("s3://b/gt/2021/05/18/00/b.jsonl", b"")
    storage.write_bytes("s3://b/gt/2021/05/18/00/a.jsonl", b"")
    storage.write_bytes("s3://b/gt/2021/05/18/02/notes.txt", b"")
    storage.write_bytes("s3://b/gt/2021/05/18/03/late.jsonl", b"")  # outside the hours
    found = gt.ground_truth_files(storage, "s3://b/gt/", hours)
    assert [o.uri for o in found.files] == [
        "s3://b/gt/2021/05/18/00/a.jsonl",
        "s3://b/gt/2021/05/18/00/b.jsonl",
    ]
    assert found.missing_hours == (hours[1], hours[2])
    assert found.ignored == ("s3://b/gt/2021/05/18/02/notes.txt",)
