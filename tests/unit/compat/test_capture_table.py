"""The columnar capture reader gives exactly the record reader's table, or steps aside."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from plimsoll.compat.capture_format import ContentTypeRules, record_line
from plimsoll.compat.capture_table import capture_file_table
from plimsoll.compat.monitor_input import records_to_table

T = datetime(2024, 5, 6, 7, tzinfo=UTC)
CSV = ContentTypeRules.from_lists(["text/csv"], ["application/json"])
NAMES = ["label", "a", "b"]


def _line(inputs: str, output: str, seconds: float, content: str = "text/csv") -> bytes:
    return record_line(
        event_id="e",
        epoch_seconds=(T + timedelta(seconds=seconds)).timestamp(),
        rules=CSV,
        request=(inputs.encode(), content),
        response=(output.encode(), content),
    )


def _file(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "capture.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _record_table(path: Path, window: tuple[datetime, datetime] | None) -> pa.Table:
    lines = [ln for ln in path.read_bytes().splitlines() if ln.strip()]
    return records_to_table(lines, feature_names=NAMES, window=window).table


@pytest.mark.parametrize("window", [None, (T + timedelta(seconds=10), T + timedelta(hours=1))])
def test_same_table_as_the_record_reader(tmp_path: Path, window: object) -> None:
    lines = [
        _line("1.5,red", "0", 0),
        _line('2.5,"a, quoted"', "1", 5),
        _line(',""', "1", 20),  # empty cells stay empty strings
        _line("3.5,blue\n", "0.25\r\n", 30),  # one trailing line end is not a second row
        _line("4,x,extra", "1", 40 + 3600),  # outside the hour window
    ][: 4 if window is None else 5]
    path = _file(tmp_path, lines)
    fast = capture_file_table(path, feature_names=NAMES, window=window)  # type: ignore[arg-type]
    assert fast is not None
    expected = _record_table(path, window)  # type: ignore[arg-type]
    assert fast.table.equals(expected)
    assert fast.records_read == len(lines)
    assert fast.outside_window == (0 if window is None else 3)


def test_columns_past_the_baseline_are_numbered(tmp_path: Path) -> None:
    path = _file(tmp_path, [_line("1,2,3", "0", 0)])
    fast = capture_file_table(path, feature_names=["label"], window=None)
    assert fast is not None
    assert fast.table.column_names == ["label", "_c1", "_c2", "_c3"]
    assert fast.table.column("_c3").to_pylist() == ["3"]


@pytest.mark.parametrize(
    "lines",
    [
        [_line("1,2", "0", 0), b"{not json"],
        [_line("1,2", "0", 0), _line("1,2\n3,4", "0\n1", 1)],  # a batch of two rows
        [_line("1,2", "0", 0), _line("1,2,3", "0", 1)],  # rows of different widths
        [_line('{"a": 1}', '{"p": 0.5}', 0, content="application/json")],
        [_line("1,2", "0", 0, content="text/plain")],  # BASE64
        [_line("1,2", "0", 0).replace(b'Z"}', b'+00:00"}')],  # another time format
        [_line(" ", "0", 0)],
    ],
)
def test_anything_else_is_left_to_the_record_reader(tmp_path: Path, lines: list[bytes]) -> None:
    day = (T - timedelta(hours=1), T + timedelta(days=1))  # a window makes times matter
    assert capture_file_table(_file(tmp_path, lines), feature_names=NAMES, window=day) is None


def test_a_file_entirely_outside_the_window(tmp_path: Path) -> None:
    path = _file(tmp_path, [_line("1,2", "0", 0)])
    later = (T + timedelta(hours=2), T + timedelta(hours=3))
    fast = capture_file_table(path, feature_names=NAMES, window=later)
    assert fast is not None and fast.table.num_rows == 0
    assert (fast.records_read, fast.outside_window) == (1, 1)


def test_base64_really_is_what_plain_text_becomes() -> None:
    record = json.loads(_line("1,2", "0", 0, content="text/plain"))
    side = record["captureData"]["endpointInput"]
    assert side["encoding"] == "BASE64"
    assert base64.b64decode(side["data"]) == b"1,2"
