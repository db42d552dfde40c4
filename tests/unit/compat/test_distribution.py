from __future__ import annotations

import json
from pathlib import Path

import pytest

from plimsoll.compat.distribution import parse_manifest, shard

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference/processing_and_capture"


def test_shard_is_round_robin_and_covers_everything() -> None:
    keys = [f"k{i}" for i in range(7)]
    parts = [shard(keys, host_index=i, host_count=3) for i in range(3)]
    assert parts == [["k0", "k3", "k6"], ["k1", "k4"], ["k2", "k5"]]
    assert sorted(sum(parts, [])) == keys
    assert shard(["only"], host_index=1, host_count=2) == []


@pytest.mark.parametrize(
    "name", ["bt_jsonl__capture_manifest_input.json", "bt_json__capture_manifest_output.json"]
)
def test_real_batch_capture_manifests_parse(name: str) -> None:
    raw = (REFERENCE / "examples_notebook_outputs" / name).read_bytes()
    data = json.loads(raw)
    entries = parse_manifest(raw, manifest_uri=name)
    assert len(entries) == len(data) - 1
    for entry, key in zip(entries, data[1:], strict=True):
        assert entry.uri == data[0]["prefix"] + key
        assert entry.relative
    if name.startswith("bt_jsonl"):
        assert entries[0].relative == "test-dataset.jsonl"


@pytest.mark.parametrize(
    "raw", [b"not json", b"{}", b"[]", b'["a"]', b'[{"prefix": ""}]', b'[{"prefix": "s3://b/"}, 3]']
)
def test_bad_manifests_say_what_is_wrong(raw: bytes) -> None:
    with pytest.raises(ValueError, match="manifest m.json"):
        parse_manifest(raw, manifest_uri="m.json")
