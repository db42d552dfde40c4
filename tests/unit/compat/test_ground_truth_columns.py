"""The columnar ground-truth merge gives the record path's report and bytes, whichever path ran.

Every test merges the same files with :func:`merge_columns` and with the record path
(:func:`merge` then :func:`write_merged`) and compares the reports (as the JSON written to
``merge_report.json``, so the order of the reason counts too) and every part file byte for byte.
The tests also check which path read the files, so the fast path cannot quietly never run.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from plimsoll.compat import ground_truth as gt
from plimsoll.compat.ground_truth_join import ColumnMerge, merge_columns
from plimsoll.compat.ground_truth_merge import (
    CaptureFile,
    GroundTruthFile,
    merge,
    merged_object_key,
    write_merged,
)
from plimsoll.storage.memory import MemoryStorage

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference/model_monitor"
SDK = REFERENCE / "sdk_v2.199.0" / "tests_data_monitor"
HOUR0 = datetime(2021, 5, 18, 0, tzinfo=UTC)
WINDOW = (HOUR0, HOUR0 + timedelta(hours=2))
ROOT = "memory://out/merge"
T = "2021-05-18T00:10:00Z"
AWKWARD = 'quote " backslash \\ slash / tab \t nl \n nul \x00 bell \x07 del \x7f é ✓ 😀 \u2028'


def _side(mode: str, data: str, encoding: str = "CSV", content_type: str | None = "text/csv"):
    side: dict[str, Any] = {"mode": mode, "data": data, "encoding": encoding}
    if content_type is not None:
        side = {"observedContentType": content_type} | side
    return side


def _record(
    event_id: str,
    inference_id: str | None = None,
    when: str | None = T,
    *,
    data_in: str | None = "1,2",
    data_out: str | None = "0.5",
    **meta: Any,
) -> dict[str, Any]:
    capture: dict[str, Any] = {}
    if data_in is not None:
        capture["endpointInput"] = _side("INPUT", data_in)
    if data_out is not None:
        capture["endpointOutput"] = _side("OUTPUT", data_out)
    metadata: dict[str, Any] = {"eventId": event_id}
    if inference_id is not None:
        metadata["inferenceId"] = inference_id
    if when is not None:
        metadata["inferenceTime"] = when
    return {"captureData": capture, "eventMetadata": metadata | meta, "eventVersion": "0"}


def _lines(records: list[dict[str, Any]], *, ascii_only: bool = False) -> bytes:
    return b"".join(
        json.dumps(r, ensure_ascii=ascii_only, separators=(",", ":")).encode() + b"\n"
        for r in records
    )


def _capture(content: bytes, name: str, hour: datetime = HOUR0, **where: str) -> CaptureFile:
    endpoint, variant = where.get("endpoint", "ep"), where.get("variant", "AllTraffic")
    return CaptureFile(
        uri=f"s3://b/capture/{endpoint}/{variant}/{hour:%Y/%m/%d/%H}/{name}.jsonl",
        endpoint=endpoint,
        variant=variant,
        hour=hour,
        content=content,
    )


def _labels(pairs: list[tuple[str, object]], name: str = "x") -> GroundTruthFile:
    content = b"".join(gt.to_json_line(gt.build_record(i, label)) for i, label in pairs)
    return GroundTruthFile(uri=f"s3://b/gt/2021/05/18/01/{name}.jsonl", content=content)


def _record_path_files(captures: list[CaptureFile], labels: list[GroundTruthFile]) -> Any:
    result = merge(captures, labels, window=WINDOW)
    storage = MemoryStorage()
    uris = write_merged(storage, ROOT, result.records, write_id="w")
    return result.report, {uri: storage.read_bytes(uri) for uri in uris}


def _same(captures: list[CaptureFile], labels: list[GroundTruthFile]) -> ColumnMerge:
    columns = merge_columns(captures, labels, window=WINDOW)
    report, files = _record_path_files(captures, labels)
    assert columns.report == report
    assert json.dumps(columns.report.to_dict()) == json.dumps(report.to_dict())
    written = {
        merged_object_key(ROOT, p.endpoint, p.variant, p.hour, "w"): p.to_bytes()
        for p in columns.parts
    }
    assert written == files
    return columns


def test_awkward_records_are_merged_as_columns_byte_for_byte() -> None:
    base64_side = _side("INPUT", base64.b64encode(b"\x00\xff raw").decode(), "BASE64", None)
    batch = json.dumps({"instances": [{"features": [1, 2]}, {"features": ['"', "\\"]}]})
    later = "2021-05-18T01:59:59Z"
    captures = [
        _capture(_lines([_record("e1", "i1", data_in=AWKWARD, data_out=AWKWARD)]), "escapes"),
        _capture(_lines([_record("e2", "i2", data_in=AWKWARD)], ascii_only=True), "ascii"),
        _capture(_lines([_record("e3", "i3", data_in=batch, data_out='{"p":[0.1,0.9]}')]), "json"),
        _capture(
            _lines([_record("e4", "i4") | {"captureData": {"endpointInput": base64_side}}]), "b64"
        ),
        _capture(
            _lines(
                [
                    _record("e5", "i5", data_in=None),  # output only
                    _record("e6", "i6", data_out=None),  # input only
                    _record("e7", "i7") | {"captureData": {}},  # neither side
                    _record("e8", "i8") | {"captureData": {"endpointInput": None}},
                    _record("e9", "i9"),
                ]
            ),
            "sides",
        ),
        _capture(
            _lines(
                [
                    _record("e10", "i10", customAttributes=["a", 'q"', "é"]),
                    _record("e11", "i11", customAttributes=[]),
                    _record("e12", "i12"),
                ]
            ),
            "custom",
        ),
        _capture(
            _lines(
                [
                    _record("e13"),  # no inferenceId: keyed by eventId
                    _record("e14", "i3"),  # a repeated inferenceId
                    _record("e15", "i15", None),  # no inferenceTime: kept, in the file's hour
                    _record("e16", "i16", ""),
                    _record("e17", "i17", "2021-05-19T00:00:00Z"),  # outside the window
                    _record("e18", "i18", later),  # the next hour's folder
                    _record("e19", "i19", inferenceId=None),
                ]
            ),
            "keys",
        ),
        _capture(_lines([_record("e20", "i20") | {"eventVersion": "7"}]), "version"),
        _capture(_lines([_record("e21", "i21")]), "other", endpoint="ep2", variant="Shadow"),
        _capture(
            _lines([_record("e22", "i22"), _record("e23", "i23")]).replace(
                b'"observedContentType":"text/csv",', b"", 1
            ),
            "content-type",
        ),
    ]
    labels = [
        _labels([("i1", 1), ("i2", AWKWARD), ("i3", 0), ("i4", 1), ("i17", 1)], "a"),
        _labels(
            [("i5", 1), ("i6", 0), ("i7", 1), ("i8", 0), ("i9", 1), ("i10", 0), ("i11", 1)], "b"
        ),
        _labels([("i3", {"label": [1, '"\\']}), ("e13", 1), ("i15", 0), ("i16", 1)], "c"),
        _labels([("i18", 1), ("e19", 0), ("i20", 1), ("i21", 0), ("i22", 1), ("i23", 1)], "d"),
        _labels([("i1", 0), ("nobody", 1), ("nobody", 0), ("i12", "x")], "e"),
    ]
    merged = _same(captures, labels)
    assert (merged.columnar_files, merged.record_files) == (len(captures) + len(labels), 0)
    report = merged.report
    assert report.matched == 22 and report.duplicate_capture_ids == 1
    assert report.duplicate_ground_truth == 3 and report.duplicate_ids == ("i3", "i1", "nobody")
    assert report.ground_truth_outside_window == 1 and report.unknown_ids == ("nobody",)
    assert len(merged.parts) == 3  # ep hour 0, ep hour 1, ep2 hour 0


def _bad_files() -> list[CaptureFile]:
    good = _record("f1", "j1")
    return [
        _capture(_lines([good]) + b"not json\n", "malformed"),
        _capture(_lines([_record("f2", "j2", "2021-5-18T0:10:0Z")]), "strptime-time"),
        _capture(_lines([_record("f3", "j3", "2021-04-31T00:00:00Z")]), "bad-date"),
        _capture(_lines([_record("f4", "j4", "2021-05-18T00:00:60Z")]), "second-60"),
        _capture(_lines([_record("f5", "j5", extra={"x": [1]})]), "unknown-field"),
        _capture(_lines([_record("f6", "j6", customAttributes="c=1")]), "custom-string"),
        _capture(_lines([_record("f7", "j7")]) + b"\n" + _lines([good]), "blank-line"),
        _capture(_lines([_record("f8", "j8") | {"eventVersion": None}]), "null-version"),
        _capture(_lines([_record("f9", "j9")]).replace(b"\n", b"\r\n"), "crlf"),
        _capture(_lines([_record("f10", "j10", customAttributes=[None])]), "custom-null"),
        _capture(_lines([_record("f11", "j11") | {"eventMetadata": {}}]), "no-event-id"),
        _capture(
            _lines(
                [
                    _record("f12", "j12", data_in=None)
                    | {"captureData": {"endpointOutput": {"mode": "O"}}}
                ]
            ),
            "half-side",
        ),
        _capture(_lines([good]), "fine"),
    ]


def test_files_the_fast_path_cannot_reproduce_are_read_record_by_record() -> None:
    captures = _bad_files()
    labels = [
        _labels([(f"j{n}", n % 2) for n in range(1, 13)], "a"),
        GroundTruthFile(
            uri="s3://b/gt/2021/05/18/01/bad.jsonl",
            content=_labels([("j1", 0)]).content + b'{"groundTruthData":{"data":1}}\n',
        ),
        GroundTruthFile(
            uri="s3://b/gt/2021/05/18/01/extra.jsonl",
            content=_labels([("j2", 1)]).content.replace(b'"j2"}', b'"j2", "inferenceTime": "x"}'),
        ),
    ]
    merged = _same(captures, labels)
    assert merged.record_files == len(captures) - 1 + 2
    assert merged.columnar_files == 2
    assert merged.report.malformed_lines >= 8


def test_a_lone_surrogate_merges_record_by_record() -> None:
    """pydantic refuses one in a capture record; ``json`` keeps one in a label, and the record
    path then writes the whole merged line ASCII-escaped."""
    surrogate = b'{"captureData":{},"eventMetadata":{"eventId":"s\\ud800","inferenceTime":"%s"}}\n'
    captures = [
        _capture(surrogate % T.encode(), "surrogate"),
        _capture(_lines([_record("e1", "i1")]), "fine"),
    ]
    label = GroundTruthFile(
        uri="s3://b/gt/2021/05/18/01/s.jsonl",
        content=b'{"groundTruthData":{"data":"\\udc00","encoding":"CSV"},'
        b'"eventMetadata":{"eventId":"i1"},"eventVersion":"0"}\n'
        + gt.to_json_line(gt.build_record("s\ud800", 1)),
    )
    merged = _same(captures, [label])
    assert merged.report.matched == 1 and merged.report.malformed_lines == 1
    assert merged.columnar_files == 0  # the label's surrogate: the whole merge by record
    assert b'"data":"\\udc00"' in merged.parts[0].to_bytes()


def test_random_mutations_merge_identically() -> None:
    rng = random.Random(11)
    base = [_lines([r]) for r in (_record("e1", "i1"), _record("e2"), _record("e3", "i3", AWKWARD))]
    alphabet = b'{}[]",:\\0123456789abcdefuDnull \xc3\xa9'
    captures = []
    for number in range(300):
        lines = []
        for _ in range(rng.randint(1, 3)):
            line = bytearray(rng.choice(base).rstrip(b"\n"))
            for _ in range(rng.choice((0, 0, 0, 0, 1, 2))):
                at = rng.randrange(len(line))
                action = rng.randrange(3)
                if action == 0:
                    del line[at]
                elif action == 1:
                    line.insert(at, rng.choice(alphabet))
                else:
                    line[at] = rng.choice(alphabet)
            lines.append(bytes(line) + b"\n")
        captures.append(_capture(b"".join(lines), f"m{number}"))
    merged = _same(captures, [_labels([("i1", 1), ("e2", 0), ("i3", 1)])])
    assert merged.columnar_files > 50 and merged.record_files > 50
    assert merged.report.matched > 0 and merged.report.malformed_lines > 0


def test_reference_captures_merge_identically() -> None:
    filled = b"2021-05-18T00:30:00Z"
    contents = [
        (SDK / "capture.jsonl").read_bytes().replace(b"{%s}", filled),
        *(p.read_bytes() for p in sorted(REFERENCE.glob("*/capture/*.jsonl"))),
        (SDK / "captured-data.jsonl").read_bytes(),
    ]
    captures = [_capture(c, f"f{n}") for n, c in enumerate(contents)]
    actuals = GroundTruthFile(
        uri="actuals.jsonl", content=(SDK / "actuals.jsonl").read_bytes().replace(b"{%s}", filled)
    )
    merged = _same(captures, [actuals, _labels([("58", 1), ("59", 0)])])
    assert merged.report.matched > 0 and merged.columnar_files > 0


def test_nothing_to_merge() -> None:
    assert _same([], []).parts == ()
    assert _same([_capture(_lines([_record("e1", "i1")]), "a")], []).report.matched == 0
    assert _same([], [_labels([("i1", 1)])]).report.ground_truth_unknown_id == 1
