"""The merge's fast ``inferenceTime`` reader changes nothing the merge or the analyzer give.

The strict path is the merge as it was: every ``inferenceTime`` through ``strptime``
(``capture_format.parse_inference_time``). Each merge test runs the same input both ways and
compares the records, the written bytes and the report. The analyzer reads merged records'
``inferenceTime`` with the same function, which the last test compares with ``strptime``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from plimsoll.compat import ground_truth as gt
from plimsoll.compat import ground_truth_merge as gtm
from plimsoll.compat.capture_format import parse_inference_time
from plimsoll.compat.capture_time import inference_time
from plimsoll.compat.ground_truth_merge import (
    CaptureFile,
    GroundTruthFile,
    MergeResult,
    merge,
    write_merged,
)
from plimsoll.storage.memory import MemoryStorage

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference/model_monitor"
CHURN = REFERENCE / "examples_model_quality_churn"
SDK = REFERENCE / "sdk_v2.199.0" / "tests_data_monitor"
HOUR0 = datetime(2021, 5, 18, 0, tzinfo=UTC)
WINDOW = (HOUR0, HOUR0 + timedelta(hours=2))
FILLED = b"2021-05-18T00:30:00Z"


def _capture(content: bytes, name: str = "a") -> CaptureFile:
    return CaptureFile(
        uri=f"s3://b/capture/ep/AllTraffic/2021/05/18/00/{name}.jsonl",
        endpoint="ep",
        variant="AllTraffic",
        hour=HOUR0,
        content=content,
    )


def _side(mode: str, data: str, **extra: object) -> dict[str, object]:
    side: dict[str, object] = {"observedContentType": "text/csv", "mode": mode, "data": data}
    return side | {"encoding": "CSV"} | extra


def _line(meta: dict[str, object], **top: object) -> bytes:
    body: dict[str, object] = {
        "captureData": {
            "endpointInput": _side("INPUT", "1,2"),
            "endpointOutput": _side("OUTPUT", "1"),
        },
        "eventMetadata": meta,
        "eventVersion": "0",
    }
    body.update(top)
    return json.dumps(body, ensure_ascii=False).encode() + b"\n"


def _edge_lines() -> list[bytes]:
    t = "2021-05-18T00:10:00Z"
    side_no_type = {"mode": "OUTPUT", "data": "0", "encoding": "CSV"}
    return [
        _line({"eventId": "e1", "inferenceTime": t}),  # no inferenceId: keyed by eventId
        _line({"eventId": "e2", "inferenceId": "i2", "inferenceTime": t}),
        _line({"eventId": "e3", "inferenceId": "i3", "inferenceTime": t}),  # repeated below
        _line({"eventId": "e3b", "inferenceId": "i3", "inferenceTime": t}),
        _line({"eventId": "é✓😀", "inferenceId": "ü-4", "inferenceTime": t}),  # unicode
        _line({"eventId": "e5", "inferenceTime": t, "extra": [1, {"a": None}]}, more={"x": 1}),
        _line({"eventId": "e6", "customAttributes": "c=1", "inferenceTime": t}),
        _line({"eventId": "e7", "customAttributes": ["a", "b"], "inferenceTime": t}),
        _line({"eventId": "e8", "customAttributes": [], "inferenceTime": t}),
        _line({"eventId": "e9", "customAttributes": [1], "inferenceTime": t}),  # invalid
        _line({"eventId": "e10"}),  # no inferenceTime: kept
        _line({"eventId": "e11", "inferenceTime": ""}),
        _line({"eventId": "e12", "inferenceTime": "yesterday"}),
        _line({"eventId": "e12b", "inferenceTime": "2021-04-31T00:00:00Z"}),
        _line({"eventId": "e12c", "inferenceTime": "2021-05-18T00:00:60Z"}),
        _line({"eventId": "e12d", "inferenceTime": "2021-5-18T0:10:0Z"}),  # strptime takes it
        _line({"eventId": "e12e", "inferenceTime": "2021-05-18T00:10:00z"}),
        _line({"eventId": "e13", "inferenceTime": "2021-05-19T00:00:00Z"}),  # outside
        _line({"eventId": "e14", "inferenceTime": None, "inferenceId": None}),
        _line({"eventId": 15, "inferenceTime": t}),
        _line({"inferenceTime": t}),
        _line({"eventId": "e16", "inferenceTime": t}, eventVersion=0),
        _line({"eventId": "e17", "inferenceTime": t}, eventVersion=None),
        _line({"eventId": "e18", "inferenceTime": t}, eventVersion="1"),
        _line({"eventId": "e19", "inferenceTime": t}, captureData={"endpointOutput": side_no_type}),
        _line({"eventId": "e20", "inferenceTime": t}, captureData={"endpointInput": None}),
        _line(
            {"eventId": "e21", "inferenceTime": t}, captureData={"endpointOutput": {"mode": "O"}}
        ),
        _line({"eventId": "e22", "inferenceTime": t}, captureData=[]),
        _line({"eventId": "e23", "inferenceTime": t}, captureData={"endpointOutput": []}),
        _line(
            {"eventId": "e24", "inferenceTime": t},
            captureData={"endpointOutput": _side("OUTPUT", "1", observedContentType=None)},
        ),
        _line(
            {"eventId": "e25", "inferenceTime": t},
            captureData={"endpointOutput": _side("OUTPUT", "1", observedContentType=3)},
        ),
        _line({"eventId": "e26", "inferenceTime": t}, x=float("nan"), y=float("inf")),
        _line({"eventId": "e27", "inferenceTime": t}, deep=json.loads("[" * 250 + "]" * 250)),
        _line({"eventId": "e28", "inferenceTime": t}, deep=json.loads("[" * 150 + "]" * 150)),
        _line({"eventId": "e29", "inferenceTime": t}, big=10**40),
        b'{"captureData":{},"eventMetadata":{"eventId":"a","eventId":"e30"}}\n',  # duplicate key
        b'{"captureData":{},"eventMetadata":{"eventId":"\\ud800"}}\n',  # lone surrogate
        b'{"captureData":{},"eventMetadata":{"eventId":"\\ud83d\\ude00"}}\n',  # escaped pair
        b'\xef\xbb\xbf{"captureData":{},"eventMetadata":{"eventId":"e31"}}\n',  # BOM
        b'{"captureData":{},"eventMetadata":{"eventId":"\xff"}}\n',  # not UTF-8
        b'{"captureData":{},"eventMetadata":{"eventId":"e32"}} trailing\n',
        b"not json at all\n",
        b"[1, 2]\n",
        b"null\n",
        b"   \n",
        b'  {"captureData":{},"eventMetadata":{"eventId":"e33",'
        b'"inferenceTime":"2021-05-18T01:00:00Z"}}  \r\n',
    ]


def _labels_for(ids: list[str]) -> GroundTruthFile:
    content = b"".join(gt.to_json_line(gt.build_record(i, n % 2)) for n, i in enumerate(ids))
    return GroundTruthFile(uri="s3://b/gt/2021/05/18/01/x.jsonl", content=content)


def _both(
    monkeypatch: pytest.MonkeyPatch,
    captures: list[CaptureFile],
    labels: list[GroundTruthFile],
) -> tuple[MergeResult, MergeResult]:
    fast = merge(captures, labels, window=WINDOW)
    with monkeypatch.context() as patch:
        patch.setattr(gtm, "inference_time", parse_inference_time)
        strict = merge(captures, labels, window=WINDOW)
    return fast, strict


def _written(result: MergeResult) -> dict[str, bytes]:
    storage = MemoryStorage()
    uris = write_merged(storage, "memory://out/merge", result.records, write_id="w")
    return {uri: storage.read_bytes(uri) for uri in uris}


def _assert_same(fast: MergeResult, strict: MergeResult) -> None:
    assert fast.report == strict.report
    assert fast.records == strict.records
    assert _written(fast) == _written(strict)


def test_reference_captures_merge_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    churn = (CHURN / "capture" / "capture_with_inferenceId_2021-05-18.jsonl").read_bytes()
    sdk = (SDK / "capture.jsonl").read_bytes().replace(b"{%s}", FILLED)
    others = [
        p.read_bytes()
        for p in sorted(REFERENCE.glob("*/capture/*.jsonl")) + [SDK / "captured-data.jsonl"]
    ]
    captures = [_capture(c, f"f{n}") for n, c in enumerate([churn, sdk, *others])]
    actuals = (SDK / "actuals.jsonl").read_bytes().replace(b"{%s}", FILLED)
    labels = [
        GroundTruthFile(uri="actuals.jsonl", content=actuals),
        _labels_for(["58", "59"]),
    ]
    fast, strict = _both(monkeypatch, captures, labels)
    assert fast.report.matched == 48  # real merged records (the churn capture read twice)
    _assert_same(fast, strict)


def test_edge_cases_merge_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _edge_lines()
    ids = ["e1", "i2", "i3", "ü-4", "e5", "e6", "e7", "e8", "e10", "e11", "e12d", "e12e", "e13"]
    ids += ["e14", "e16"]
    ids += ["e18", "e19", "e20", "e24", "e26", "e27", "e28", "e29", "e30", "e33", "nobody"]
    fast, strict = _both(monkeypatch, [_capture(b"".join(lines))], [_labels_for(ids)])
    assert fast.report.matched >= 15 and fast.report.malformed_lines >= 10
    _assert_same(fast, strict)


def test_random_mutations_merge_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(6)
    base = _edge_lines()[:8]
    alphabet = b'{}[]",:\\0123456789abcdefuDnull \xc3\xa9'
    mutated = []
    for _ in range(400):
        line = bytearray(rng.choice(base).rstrip(b"\n"))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(line))
            action = rng.randrange(3)
            if action == 0:
                del line[at]
            elif action == 1:
                line.insert(at, rng.choice(alphabet))
            else:
                line[at] = rng.choice(alphabet)
        mutated.append(bytes(line) + b"\n")
    ids = ["e1", "i2", "i3", "ü-4", "e5", "e6", "e7", "e8"]
    fast, strict = _both(monkeypatch, [_capture(b"".join(mutated))], [_labels_for(ids)])
    assert fast.report.matched > 0 and fast.report.malformed_lines > 0
    _assert_same(fast, strict)


def _time_or_error(parse: Callable[[str], datetime], value: str) -> datetime | str:
    try:
        return parse(value)
    except ValueError as exc:
        return f"ValueError: {exc}"


def test_inference_time_agrees_with_strptime() -> None:
    odd = [
        "2021-05-18T00:30:00Z",
        "2020-02-29T23:59:59Z",
        "2021-02-29T00:00:00Z",
        "2021-04-31T00:00:00Z",
        "2021-05-18T00:00:60Z",
        "2021-05-18T00:00:61Z",
        "2021-05-18T24:00:00Z",
        "2021-05-18T00:60:00Z",
        "2021-00-18T00:00:00Z",
        "2021-13-18T00:00:00Z",
        "2021-05-00T00:00:00Z",
        "2021-05-32T00:00:00Z",
        "0000-05-18T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2021-5-18T0:3:0Z",
        "２０２１-05-18T00:00:00Z",
        "2021-05-18T00:00:00z",
        "2021-05-18T00:00:00Z ",
        "2021-05-18 00:00:00Z",
        "2021-05-18T00:00:00.5Z",
        "yesterday",
    ]
    rng = random.Random(7)
    start = datetime(2021, 5, 18, tzinfo=UTC)
    sampled = [
        f"{start + timedelta(seconds=rng.randrange(3 * 86400)):%Y-%m-%dT%H:%M:%SZ}"
        for _ in range(500)
    ]
    for value in odd + sampled:
        assert _time_or_error(inference_time, value) == _time_or_error(
            parse_inference_time, value
        ), value
    assert isinstance(_time_or_error(inference_time, "2021-05-18T00:00:60Z"), str)
