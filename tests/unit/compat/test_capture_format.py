"""The Data Capture record format against real SageMaker capture files."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plimsoll.compat.capture_format import (
    BASE64,
    CAPTURE_KEY_PATTERN,
    CSV,
    INPUT,
    JSON,
    OUTPUT,
    CaptureRecord,
    CaptureSide,
    ContentTypeRules,
    build_record,
    capture_side,
    decode_data,
    encode_body,
    format_inference_time,
    hour_prefix,
    iter_records,
    media_type,
    object_key,
    parse_inference_time,
    parse_line,
    parse_object_key,
    to_json_line,
)

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference"
CAPTURE_LINE_FILES = sorted(
    [
        *REFERENCE.glob("processing_and_capture/examples_notebook_outputs/*captured_lines.jsonl"),
        *REFERENCE.glob("processing_and_capture/sdk_v2_199_tests/monitor__capture*.jsonl"),
        *REFERENCE.glob("model_monitor/*/capture/*.jsonl"),
        *REFERENCE.glob("model_monitor/sdk_v2.199.0/tests_data_monitor/capture*.jsonl"),
    ]
)
MERGED_RECORD = (
    REFERENCE / "processing_and_capture/examples_notebook_outputs"
    "/clarify_json__merged_record_with_inferenceId_pretty.json"
)
PRETTY_RECORD_FILES = [
    REFERENCE / "processing_and_capture/devguide_examples/inference_record.example.json",
    REFERENCE / "model_monitor/examples_model_quality_churn/capture/capture_record_pretty.json",
    REFERENCE / "model_monitor/examples_clarify_bias_adult/merged/merged_record_sample.json",
    MERGED_RECORD,
]
KEY_LISTING = REFERENCE / "processing_and_capture/examples_notebook_outputs/s3_key_listings.txt"
# What the SDK's DataCaptureConfig always sends as CaptureContentTypeHeader.
SDK_RULES = ContentTypeRules.from_lists(["text/csv"], ["application/json"])


def _real_lines() -> list[tuple[str, str]]:
    lines = []
    for path in CAPTURE_LINE_FILES:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip():
                lines.append((f"{path.name}:{number}", line))
    return lines


REAL_LINES = _real_lines()
# Lines from the service itself, not SDK templates (those have "{%s}" times).
SERVICE_LINES = [(name, line) for name, line in REAL_LINES if '"{%s}"' not in line]


def test_reference_folders_hold_capture_lines() -> None:
    assert len(CAPTURE_LINE_FILES) >= 7
    assert len(SERVICE_LINES) >= 10


# -- reader -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "line"), REAL_LINES, ids=[n for n, _ in REAL_LINES])
def test_every_real_line_parses(name: str, line: str) -> None:
    record = parse_line(line)
    raw = json.loads(line)
    assert record.eventMetadata.eventId == raw["eventMetadata"]["eventId"]
    assert record.eventVersion == "0"
    for field, mode in (("endpointInput", INPUT), ("endpointOutput", OUTPUT)):
        side = getattr(record.captureData, field)
        assert side is not None
        assert side.mode == mode
        assert side.model_dump() == raw["captureData"][field]


@pytest.mark.parametrize("path", PRETTY_RECORD_FILES, ids=lambda p: p.name)
def test_pretty_and_merged_records_parse_ignoring_unknown_keys(path: Path) -> None:
    record = parse_line(path.read_text())
    assert record.captureData.endpointInput is not None
    assert record.eventMetadata.inferenceTime is not None
    parse_inference_time(record.eventMetadata.inferenceTime)


def test_merged_record_keeps_inference_id() -> None:
    assert parse_line(MERGED_RECORD.read_text()).eventMetadata.inferenceId == "7"


def test_custom_attributes_read_from_string_or_list() -> None:
    base = {
        "captureData": {},
        "eventMetadata": {"eventId": "e", "inferenceTime": "2024-01-19T19:27:57Z"},
    }
    as_list = json.loads(json.dumps(base))
    as_list["eventMetadata"]["customAttributes"] = ["a=1"]
    as_text = json.loads(json.dumps(base))
    as_text["eventMetadata"]["customAttributes"] = "a=1"
    assert parse_line(json.dumps(as_list)).eventMetadata.customAttributes == ("a=1",)
    assert parse_line(json.dumps(as_text)).eventMetadata.customAttributes == ("a=1",)
    assert parse_line(json.dumps(base)).eventMetadata.customAttributes is None


def test_reader_rejects_a_line_without_capture_data() -> None:
    ground_truth = (
        '{"groundTruthData":{"data":"1","encoding":"CSV"},'
        '"eventMetadata":{"eventId":"x"},"eventVersion":"0"}'
    )
    with pytest.raises(ValueError):
        parse_line(ground_truth)


def test_iter_records_reads_a_whole_file() -> None:
    path = CAPTURE_LINE_FILES[0]
    records = list(iter_records(path.read_bytes()))
    assert len(records) == len(path.read_text().strip().splitlines())
    assert all(isinstance(r, CaptureRecord) for r in records)


def test_decode_data() -> None:
    assert decode_data(CaptureSide(mode=INPUT, data="1,2", encoding=CSV)) == "1,2"
    assert decode_data(CaptureSide(mode=INPUT, data="{}", encoding=JSON)) == "{}"
    raw = bytes(range(256))
    encoded = base64.b64encode(raw).decode()
    assert decode_data(CaptureSide(mode=INPUT, data=encoded, encoding=BASE64)) == raw
    with pytest.raises(ValueError, match="base64"):
        decode_data(CaptureSide(mode=INPUT, data="not base64!", encoding=BASE64))
    with pytest.raises(ValueError, match="XML"):
        decode_data(CaptureSide(mode=INPUT, data="x", encoding="XML"))


# -- writer against the real records ----------------------------------------------------------


def _body(side: CaptureSide) -> bytes:
    value = decode_data(side)
    return value.encode("utf-8") if isinstance(value, str) else value


@pytest.mark.parametrize(("name", "line"), REAL_LINES, ids=[n for n, _ in REAL_LINES])
def test_real_bodies_reencode_to_the_same_data_and_encoding(name: str, line: str) -> None:
    record = parse_line(line)
    for side in (record.captureData.endpointInput, record.captureData.endpointOutput):
        assert side is not None
        rebuilt = capture_side(side.mode, _body(side), side.observedContentType, SDK_RULES)
        assert rebuilt == side.model_dump()


@pytest.mark.parametrize(("name", "line"), SERVICE_LINES, ids=[n for n, _ in SERVICE_LINES])
def test_real_lines_are_reproduced_byte_for_byte(name: str, line: str) -> None:
    record = parse_line(line)
    source, output = record.captureData.endpointInput, record.captureData.endpointOutput
    assert source is not None and output is not None and record.eventMetadata.inferenceTime
    rebuilt = build_record(
        event_id=record.eventMetadata.eventId,
        epoch_seconds=parse_inference_time(record.eventMetadata.inferenceTime).timestamp(),
        endpoint_input=capture_side(INPUT, _body(source), source.observedContentType, SDK_RULES),
        endpoint_output=capture_side(OUTPUT, _body(output), output.observedContentType, SDK_RULES),
        inference_id=record.eventMetadata.inferenceId,
    )
    encoded = to_json_line(rebuilt)
    if line.startswith('{"captureData"'):
        assert encoded == (line + "\n").encode()
    else:  # SDK test data orders eventMetadata first; field order is not significant
        assert json.loads(encoded) == json.loads(line)


# -- encoding rules ---------------------------------------------------------------------------


def test_media_type_ignores_parameters_and_case() -> None:
    assert media_type("Text/CSV; charset=utf-8") == "text/csv"
    assert media_type(" application/json ") == "application/json"
    assert media_type(None) == ""


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/csv", CSV),
        ("text/csv; charset=utf-8", CSV),
        ("TEXT/CSV", CSV),
        ("application/json", JSON),
        ("Application/JSON;charset=UTF-8", JSON),
        ("application/jsonlines", BASE64),
        ("application/x-npy", BASE64),
        ("image/png", BASE64),
        (None, BASE64),
    ],
)
def test_encoding_follows_the_configured_lists(content_type: str | None, expected: str) -> None:
    assert SDK_RULES.encoding_for(content_type) == expected


def test_configured_lists_are_compared_case_insensitively() -> None:
    rules = ContentTypeRules.from_lists(["Text/CSV"], ["application/JSONLINES"])
    assert rules.encoding_for("text/csv") == CSV
    assert rules.encoding_for("application/jsonlines") == JSON
    assert rules.encoding_for("application/json") == BASE64


def test_without_a_content_type_header_everything_is_base64() -> None:
    rules = ContentTypeRules.from_lists(None, None)
    assert not rules.has_header
    assert encode_body(b"1,2\n", "text/csv", rules) == ("MSwyCg==", BASE64)
    assert encode_body(b"{}", "application/json", rules) == ("e30=", BASE64)


def test_one_list_given_means_the_other_is_empty() -> None:
    rules = ContentTypeRules.from_lists(["text/csv"], None)
    assert rules.encoding_for("text/csv") == CSV
    assert rules.encoding_for("application/json") == BASE64


def test_csv_or_json_body_that_is_not_utf8_falls_back_to_base64() -> None:
    body = b"caf\xe9,1"
    assert encode_body(body, "text/csv", SDK_RULES) == (base64.b64encode(body).decode(), BASE64)
    assert encode_body(b'{"a": "\xff"}', "application/json", SDK_RULES)[1] == BASE64


def test_bodies_are_kept_verbatim() -> None:
    assert encode_body(b"1,2,3\n", "text/csv", SDK_RULES) == ("1,2,3\n", CSV)
    assert encode_body(b'{ "a" : 1 }\n', "application/json", SDK_RULES) == ('{ "a" : 1 }\n', JSON)
    assert encode_body("é,ü".encode(), "text/csv", SDK_RULES) == ("é,ü", CSV)
    assert encode_body(b"", "text/csv", SDK_RULES) == ("", CSV)
    assert encode_body(b"\x00\x01", "image/png", SDK_RULES) == ("AAE=", BASE64)


def test_observed_content_type_is_the_raw_header_or_null() -> None:
    side = capture_side(OUTPUT, b"0.5", "text/csv; charset=utf-8", SDK_RULES)
    assert side == {
        "observedContentType": "text/csv; charset=utf-8",
        "mode": "OUTPUT",
        "data": "0.5",
        "encoding": "CSV",
    }
    assert capture_side(OUTPUT, b"x", None, SDK_RULES)["observedContentType"] is None
    line = to_json_line(
        build_record(
            event_id="e",
            epoch_seconds=0,
            endpoint_input=None,
            endpoint_output=capture_side(OUTPUT, b"x", None, SDK_RULES),
        )
    )
    assert b'"observedContentType":null' in line


# -- records ----------------------------------------------------------------------------------


def test_record_modes_and_optional_metadata() -> None:
    side_in = capture_side(INPUT, b"1", "text/csv", SDK_RULES)
    side_out = capture_side(OUTPUT, b"2", "text/csv", SDK_RULES)
    input_only = build_record(
        event_id="e1", epoch_seconds=0.0, endpoint_input=side_in, endpoint_output=None
    )
    assert list(input_only["captureData"]) == ["endpointInput"]
    assert input_only["eventMetadata"] == {"eventId": "e1", "inferenceTime": "1970-01-01T00:00:00Z"}
    output_only = build_record(
        event_id="e2", epoch_seconds=0.0, endpoint_input=None, endpoint_output=side_out
    )
    assert list(output_only["captureData"]) == ["endpointOutput"]
    full = build_record(
        event_id="e3",
        epoch_seconds=1705692477.062,
        endpoint_input=side_in,
        endpoint_output=side_out,
        inference_id="7",
        custom_attributes="trace=abc",
    )
    assert list(full) == ["captureData", "eventMetadata", "eventVersion"]
    assert list(full["captureData"]) == ["endpointInput", "endpointOutput"]
    assert full["eventMetadata"] == {
        "eventId": "e3",
        "inferenceId": "7",
        "customAttributes": ["trace=abc"],
        "inferenceTime": "2024-01-19T19:27:57Z",
    }
    assert full["eventVersion"] == "0"
    parsed = parse_line(to_json_line(full))
    assert parsed.eventMetadata.customAttributes == ("trace=abc",)


def test_json_line_is_compact_and_single_line() -> None:
    side = capture_side(OUTPUT, b'{\n  "a": [1, 2]\n}', "application/json", SDK_RULES)
    line = to_json_line(
        build_record(event_id="e", epoch_seconds=0, endpoint_input=None, endpoint_output=side)
    )
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert b": " not in line.replace(b'\\"a\\": ', b"") and b", " not in line.replace(b"1, 2", b"")
    assert json.loads(line)["captureData"]["endpointOutput"]["data"] == '{\n  "a": [1, 2]\n}'


def test_json_line_survives_a_lone_surrogate_in_a_header() -> None:
    record = build_record(
        event_id="e",
        epoch_seconds=0,
        endpoint_input=None,
        endpoint_output=None,
        custom_attributes="bad\udcff",
    )
    assert json.loads(to_json_line(record))["eventMetadata"]["customAttributes"] == ["bad\udcff"]


def test_inference_time_is_utc_seconds() -> None:
    assert format_inference_time(1705692477.999) == "2024-01-19T19:27:57Z"
    assert format_inference_time(1650241308.0) == "2022-04-18T00:21:48Z"
    assert parse_inference_time("2022-04-18T00:21:48Z") == datetime(
        2022, 4, 18, 0, 21, 48, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        parse_inference_time("{%s}")


# -- object keys ------------------------------------------------------------------------------


def _real_capture_keys() -> list[str]:
    keys = []
    for row in KEY_LISTING.read_text().splitlines():
        _, _, key = row.partition("\t")
        if key.endswith(".jsonl") and "/AllTraffic/" in key and "/merge/" not in key:
            keys.append(key)
    return keys


REAL_KEYS = _real_capture_keys()


def test_real_keys_match_the_layout() -> None:
    assert len(REAL_KEYS) == 3
    for key in REAL_KEYS:
        assert CAPTURE_KEY_PATTERN.match(key), key
    ground_truth = [row for row in KEY_LISTING.read_text().splitlines() if "ground-truth" in row]
    assert ground_truth and not any(
        CAPTURE_KEY_PATTERN.match(r.split("\t")[1]) for r in ground_truth
    )


@pytest.mark.parametrize("key", REAL_KEYS)
def test_real_keys_are_rebuilt_from_time_and_uuid(key: str) -> None:
    parts = parse_object_key(key)
    assert parts.variant == "AllTraffic"
    rebuilt = object_key(
        parts.destination,
        parts.endpoint,
        parts.variant,
        parts.first_record.timestamp(),
        parts.file_id,
    )
    assert rebuilt == key


def test_key_from_first_record_time() -> None:
    # The clarify notebook file 27-57-062 starts with a record at 19:27:57Z.
    first = datetime(2024, 1, 19, 19, 27, 57, 62000, tzinfo=UTC).timestamp()
    key = object_key(
        "s3://bucket/sagemaker/data-capture/",
        "my-endpoint",
        "AllTraffic",
        first,
        "fb33b08e-de02-414b-ba16-969c14d7e0f1",
    )
    assert key == (
        "s3://bucket/sagemaker/data-capture/my-endpoint/AllTraffic/2024/01/19/19/"
        "27-57-062-fb33b08e-de02-414b-ba16-969c14d7e0f1.jsonl"
    )
    assert key.startswith(
        hour_prefix(
            "s3://bucket/sagemaker/data-capture",
            "my-endpoint",
            "AllTraffic",
            datetime.fromtimestamp(first, UTC),
        )
    )
    record = build_record(
        event_id="e", epoch_seconds=first, endpoint_input=None, endpoint_output=None
    )
    assert record["eventMetadata"]["inferenceTime"] == "2024-01-19T19:27:57Z"


def test_key_and_inference_time_agree_at_a_second_boundary() -> None:
    almost = datetime(2024, 1, 19, 19, 59, 59, tzinfo=UTC).timestamp() + 0.9999
    key = object_key("s3://b/p", "e", "v", almost, "00000000-0000-0000-0000-000000000000")
    stamp = format_inference_time(almost)
    parts = parse_object_key(key)
    assert parts.first_record.strftime("%Y-%m-%dT%H:%M:%SZ") == stamp
    assert re.search(r"/\d{2}/(\d{2})-\d{2}-\d{3}-", key)


def test_parse_object_key_rejects_other_layouts() -> None:
    with pytest.raises(ValueError, match="does not match"):
        parse_object_key("s3://b/ground-truth/2024/01/19/19/2901.jsonl")


def test_fast_record_line_matches_the_general_path_byte_for_byte() -> None:
    import itertools
    import random

    from plimsoll.compat.capture_format import (
        INPUT,
        OUTPUT,
        ContentTypeRules,
        build_record,
        capture_side,
        record_line,
        to_json_line,
    )

    bodies = [b"5.1,3.5", 'é"\\\n\t\x00☃'.encode(), b"\xff\xfe\x00", b"", b'{"a": [1]}']
    types = [None, "text/csv", "text/csv; charset=utf-8", "APPLICATION/JSON", "image/png"]
    rng = random.Random(7)
    for rules in (
        ContentTypeRules.from_lists(["text/csv"], ["application/json"]),
        ContentTypeRules.from_lists(None, None),
    ):
        for body, ctype, inference, attrs, sides in itertools.product(
            bodies, types, (None, 'q"1', "\ud800"), (None, "a=b"), ((1, 1), (1, 0), (0, 1))
        ):
            when = rng.random() * 2e9
            request = (body, ctype) if sides[0] else None
            response = (b"[0]", "application/json") if sides[1] else None
            fast = record_line(
                event_id="e-1",
                epoch_seconds=when,
                rules=rules,
                request=request,
                response=response,
                inference_id=inference,
                custom_attributes=attrs,
            )
            general = to_json_line(
                build_record(
                    event_id="e-1",
                    epoch_seconds=when,
                    endpoint_input=capture_side(INPUT, body, ctype, rules) if request else None,
                    endpoint_output=capture_side(OUTPUT, b"[0]", "application/json", rules)
                    if response
                    else None,
                    inference_id=inference,
                    custom_attributes=attrs,
                )
            )
            assert fast == general


def test_event_ids_are_version_4_uuids() -> None:
    import uuid

    from plimsoll.compat.capture_format import new_event_id

    ids = {new_event_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(uuid.UUID(i).version == 4 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
