"""statistics.json / constraints.json models: real files parse; what we write round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from pydantic import ValidationError

from plimsoll.compat.monitor_files import (
    Constraints,
    Statistics,
    to_constraints_json,
    to_statistics_json,
)
from plimsoll.engines.profile import finalize, profile_batch, suggest_constraints

REF = Path("/work/shared/reference/model_monitor")
CHURN = REF / "examples_data_quality_churn/baseline_output"
SDK = REF / "sdk_v2.199.0/tests_data_monitor"


@pytest.mark.parametrize("path", [CHURN / "statistics.partial.json", SDK / "statistics.json"])
def test_real_statistics_parse(path: Path) -> None:
    raw = json.loads(path.read_text())
    model = Statistics.model_validate(raw)
    assert model.model_dump(mode="json", exclude_none=True) == raw


@pytest.mark.parametrize("path", [CHURN / "constraints.json", SDK / "constraints.json"])
def test_real_constraints_parse(path: Path) -> None:
    raw = json.loads(path.read_text())
    model = Constraints.model_validate(raw)
    assert model.model_dump(mode="json", exclude_none=True) == raw


def test_written_files_round_trip() -> None:
    batch = pa.record_batch(
        {"x": [1.5, 2.0, None, 4.0], "c": ["a", "a", "b", "b"], "z": [0, 0, 0, 0]}
    )
    result = finalize(profile_batch(batch))
    stats = to_statistics_json(result)
    assert (
        Statistics.model_validate(json.loads(json.dumps(stats))).model_dump(
            mode="json", exclude_none=True
        )
        == stats
    )
    kll = stats["features"][0]["numerical_statistics"]["distribution"]["kll"]
    assert kll["sketch"]["parameters"] == {"c": 0.64, "k": 2048.0}
    assert kll["sketch"]["data"] == [[1.5, 2.0, 4.0]] or sorted(kll["sketch"]["data"][0]) == [
        1.5,
        2.0,
        4.0,
    ]
    assert [b["count"] for b in kll["buckets"]] == [1.0, 0, 1.0, 0, 0, 0, 0, 0, 0, 1.0]
    cat = stats["features"][1]["string_statistics"]
    assert cat["distinct_count"] == 2.0
    assert cat["distribution"]["categorical"]["buckets"] == [
        {"value": "a", "count": 2},
        {"value": "b", "count": 2},
    ]
    constraints = to_constraints_json(suggest_constraints(result))
    assert (
        Constraints.model_validate(constraints).model_dump(mode="json", exclude_none=True)
        == constraints
    )
    assert constraints["features"][1]["string_constraints"] == {"domains": ["a", "b"]}


def test_unknown_field_rejected() -> None:
    with pytest.raises(ValidationError):
        Constraints.model_validate({"version": 0.0, "features": [], "surprise": 1})
