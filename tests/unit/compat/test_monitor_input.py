"""Real capture files become the table the data-quality analyzer profiles."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plimsoll.compat.capture_format import (
    ContentTypeRules,
    build_record,
    capture_side,
    iter_records,
    object_key,
    to_json_line,
)
from plimsoll.compat.monitor_input import (
    NO_DATA_MESSAGE,
    baseline_feature_names,
    iter_capture_lines,
    records_to_table,
)
from plimsoll.compat.monitor_window import capture_files_in_window, execution_window
from plimsoll.compat.preprocess import Preprocessor
from plimsoll.errors import EngineError, InsufficientData
from plimsoll.storage.memory import MemoryStorage

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference"
MM = REFERENCE / "model_monitor"
NOTEBOOKS = REFERENCE / "processing_and_capture/examples_notebook_outputs"
CHURN_CAPTURE = MM / "examples_data_quality_churn/capture/capture_sample_2022-04-18.jsonl"
CHURN_HEADER = MM / "examples_data_quality_churn/baseline_input/training-dataset-with-header.csv"
ADULT_CAPTURE = MM / "examples_clarify_bias_adult/capture/capture_json_sample_2024-01-19.jsonl"


def lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def churn_names() -> list[str]:
    return baseline_feature_names(CHURN_HEADER.read_text().splitlines()[0])


def test_churn_capture_gets_the_baselines_70_feature_names(churn_names: list[str]) -> None:
    result = records_to_table(lines(CHURN_CAPTURE), feature_names=churn_names)
    table = result.table
    assert len(churn_names) == 70
    assert table.column_names == churn_names
    assert table.num_rows == 3
    # Output first: the label column receives the model's probability (spec 3.5).
    assert table.column("Churn").to_pylist()[0] == "0.036397725343704224"
    assert table.column("Account Length").to_pylist()[0] == "132"
    assert table.column("VMail Plan_yes").to_pylist() == ["1", "0", "0"]
    assert result.counts.records_read == result.counts.rows == 3
    assert result.counts.skipped == {}


def test_without_feature_names_columns_are_spark_defaults() -> None:
    table = records_to_table(lines(NOTEBOOKS / "mm_intro__captured_lines.jsonl")).table
    assert table.column_names == [f"_c{i}" for i in range(70)]
    assert table.num_rows == 3


def test_model_quality_capture_with_inference_id() -> None:
    path = MM / "examples_model_quality_churn/capture/capture_with_inferenceId_2021-05-18.jsonl"
    table = records_to_table(lines(path)).table
    assert table.num_rows == 2 and table.num_columns == 70
    assert table.column("_c0").to_pylist()[0] == "0.01216088142246008"


def test_output_only_capture_index(churn_names: list[str]) -> None:
    table = records_to_table(
        lines(CHURN_CAPTURE), feature_names=churn_names, capture_index_names=["endpointOutput"]
    ).table
    assert table.column_names == ["Churn"]


@pytest.mark.parametrize(
    "path", [ADULT_CAPTURE, NOTEBOOKS / "clarify_json__captured_lines.jsonl"], ids=["mm", "nb"]
)
def test_json_capture_through_attribute_paths(path: Path) -> None:
    result = records_to_table(
        lines(path),
        features_attribute="instances[*].features",
        inference_attribute="predictions[*].predicted_label",
    )
    table = result.table
    # The second record holds two instances and two predictions: three rows in all.
    assert table.num_rows == 3
    assert table.column_names == [f"_c{i}" for i in range(15)]
    assert table.column("_c0").to_pylist() == ["1", "1", "1"]
    assert table.column("_c1").to_pylist() == ["28", "28", "43"]


def test_json_objects_keep_their_keys() -> None:
    table = records_to_table(
        lines(ADULT_CAPTURE),
        features_attribute="instances[*].features",
        inference_attribute="predictions[*]",
    ).table
    assert table.column_names[:3] == ["score", "predicted_label", "_c2"]
    assert table.column("score").to_pylist()[0] == "0.9899773597717285"


def test_nested_json_without_paths_is_skipped_then_no_data() -> None:
    with pytest.raises(InsufficientData, match="nested_json=2"):
        records_to_table(lines(ADULT_CAPTURE))


def _line(
    input_body: bytes,
    input_type: str,
    output_body: bytes,
    output_type: str,
    when: float = 1650241308.0,
    rules: ContentTypeRules | None = None,
) -> bytes:
    rules = rules or ContentTypeRules.from_lists(["text/csv"], ["application/json"])
    return to_json_line(
        build_record(
            event_id="e",
            epoch_seconds=when,
            endpoint_input=capture_side("INPUT", input_body, input_type, rules),
            endpoint_output=capture_side("OUTPUT", output_body, output_type, rules),
        )
    )


def test_encoding_mismatch_fails_with_sagemakers_message() -> None:
    line = _line(b"1,2,3", "text/csv", b'{"score": 0.5}', "application/json")
    with pytest.raises(EngineError) as info:
        records_to_table([line])
    assert info.value.message == (
        "Encoding mismatch: Encoding is CSV for endpointInput, but Encoding is JSON for "
        "endpointOutput. We currently only support the same type of input and output encoding "
        "at the moment."
    )


def test_base64_is_decoded_by_content_type() -> None:
    no_header = ContentTypeRules()  # no CaptureContentTypeHeader: everything BASE64
    line = _line(b"1,2\n3,4", "text/csv", b"0.1\n0.9", "text/csv", rules=no_header)
    assert json.loads(line)["captureData"]["endpointInput"]["encoding"] == "BASE64"
    table = records_to_table([line]).table
    assert table.to_pylist() == [
        {"_c0": "0.1", "_c1": "1", "_c2": "2"},
        {"_c0": "0.9", "_c1": "3", "_c2": "4"},
    ]
    image = _line(b"\x89PNG", "image/png", b"0.1", "text/csv", rules=no_header)
    with pytest.raises(InsufficientData, match="unsupported_content_type=1"):
        records_to_table([image])


def test_malformed_lines_are_counted_and_skipped(churn_names: list[str]) -> None:
    good = lines(CHURN_CAPTURE)
    bad_base64 = json.loads(good[0])
    bad_base64["captureData"]["endpointInput"].update(encoding="BASE64", data="%%%")
    mismatch_rows = _line(b"1,2\n3,4", "text/csv", b"0.1", "text/csv")
    records = [
        good[0],
        b"{not json",
        b'{"eventVersion": "0"}',
        json.dumps(bad_base64).encode(),
        mismatch_rows,
        good[1],
    ]
    result = records_to_table(records, feature_names=churn_names)
    assert result.table.num_rows == 2
    assert result.counts.records_read == 6
    assert result.counts.skipped == {
        "invalid_json": 1,
        "invalid_record": 1,
        "invalid_base64": 1,
        "row_count_mismatch": 1,
    }


def test_short_and_long_rows(churn_names: list[str]) -> None:
    short = _line(b"1,2", "text/csv", b"0.5", "text/csv")
    long = _line(b",".join([b"1"] * 70), "text/csv", b"0.5", "text/csv")
    table = records_to_table([short, long], feature_names=churn_names).table
    assert table.column_names == [*churn_names, "_c70"]
    assert table.column("Day Mins").to_pylist() == [None, "1"]
    assert table.column("_c70").to_pylist() == [None, "1"]


def test_records_outside_the_window_are_left_out() -> None:
    early = _line(
        b"1",
        "text/csv",
        b"0",
        "text/csv",
        when=datetime(2022, 4, 18, 0, 59, 59, tzinfo=UTC).timestamp(),
    )
    late = _line(
        b"2",
        "text/csv",
        b"0",
        "text/csv",
        when=datetime(2022, 4, 18, 1, 0, 0, tzinfo=UTC).timestamp(),
    )
    window = execution_window(datetime(2022, 4, 18, 1, 5, tzinfo=UTC))
    result = records_to_table([early, late], window=(window.start, window.end))
    assert result.table.column("_c1").to_pylist() == ["1"]
    assert result.counts.outside_window == 1
    with pytest.raises(InsufficientData) as info:
        records_to_table([late], window=(window.start, window.end))
    assert info.value.message == NO_DATA_MESSAGE


def test_empty_window_message() -> None:
    storage = MemoryStorage()
    files = capture_files_in_window(
        storage,
        "memory://b/capture",
        "ep",
        "AllTraffic",
        datetime(2022, 4, 18, tzinfo=UTC),
        datetime(2022, 4, 18, 1, tzinfo=UTC),
    )
    with pytest.raises(InsufficientData) as info:
        records_to_table(iter_capture_lines(storage, files))
    assert info.value.message == "Job inputs had no data"
    assert info.value.code == "InsufficientData"


def test_end_to_end_from_storage(churn_names: list[str]) -> None:
    storage = MemoryStorage()
    dest = "memory://bucket/datacapture"
    content = CHURN_CAPTURE.read_bytes()
    first = next(iter_records(content))
    assert first.eventMetadata.inferenceTime == "2022-04-18T00:21:48Z"
    key = object_key(
        dest,
        "ep",
        "AllTraffic",
        datetime(2022, 4, 18, 0, 21, 48, tzinfo=UTC).timestamp(),
        "028573f5-3215-431a-b3b8-a200be4d2d9a",
    )
    storage.write_bytes(key, content)
    window = execution_window(datetime(2022, 4, 18, 1, tzinfo=UTC))
    files = capture_files_in_window(storage, dest, "ep", "AllTraffic", window.start, window.end)
    result = records_to_table(
        iter_capture_lines(storage, files),
        feature_names=churn_names,
        window=(window.start, window.end),
    )
    assert result.table.num_rows == 3 and result.table.num_columns == 70


def test_preprocessor_rows_and_drops(tmp_path: Path) -> None:
    script = tmp_path / "pre.py"
    script.write_text(
        "def preprocess_handler(inference_record):\n"
        "    p = float(inference_record.endpoint_output.data)\n"
        "    if p < 0.02:\n"
        "        return []\n"
        "    values = inference_record.endpoint_input.data.split(',')\n"
        "    return {'prediction': p, 'account_length': int(values[0]), 'flag': p > 0.3}\n"
    )
    result = records_to_table(lines(CHURN_CAPTURE), preprocessor=Preprocessor.load(script))
    assert result.table.to_pylist() == [
        {"prediction": "0.036397725343704224", "account_length": "132", "flag": "false"},
        {"prediction": "0.3791300654411316", "account_length": "130", "flag": "true"},
    ]
    assert result.counts.dropped_by_preprocessor == 1


def test_bad_attribute_path_is_an_error() -> None:
    with pytest.raises(EngineError, match="Invalid attribute path"):
        records_to_table(lines(ADULT_CAPTURE), features_attribute="instances[x]")


def test_base64_json_is_decoded() -> None:
    body = base64.b64encode(b'{"a": 1, "b": "x"}').decode()
    record = {
        "captureData": {
            "endpointInput": {
                "observedContentType": "application/json",
                "mode": "INPUT",
                "data": body,
                "encoding": "BASE64",
            },
        },
        "eventMetadata": {"eventId": "e", "inferenceTime": "2022-04-18T00:21:48Z"},
        "eventVersion": "0",
    }
    assert records_to_table([record]).table.to_pylist() == [{"a": "1", "b": "x"}]
