"""The analyzer reads merged records as columns with the record path's results, or falls back.

Each test writes merged-record files, runs the MODEL_QUALITY analysis twice (as shipped, and with
the columnar reader switched off so every file goes record by record) and compares what the
engine was given, the documents written (``evaluation_time`` aside) or the error raised. The
tests also count the files read as columns, so the fast path cannot quietly never run.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from plimsoll.compat.analyzer_config import AnalyzerConfig
from plimsoll.errors import PlimsollError
from plimsoll.images import _analyzer_quality_read as quality_read
from plimsoll.images._analyzer_quality import QualityParameters, run_model_quality
from plimsoll.images._analyzer_quality_read import QualityColumns, merged_columns

MERGE_FORMAT = '{"sagemakerMergeJson":{"captureIndexNames":["endpointOutput"]}}'
START, END = "2024-03-05T10:00:00Z", "2024-03-05T12:00:00Z"
WINDOW = (datetime(2024, 3, 5, 10, tzinfo=UTC), datetime(2024, 3, 5, 12, tzinfo=UTC))


def _record(
    truth: str,
    output: str,
    when: str | None = "2024-03-05T10:30:00Z",
    *,
    truth_encoding: str | None = "CSV",
    output_encoding: str | None = "CSV",
) -> dict[str, Any]:
    side: dict[str, Any] = {"data": output, "mode": "OUTPUT"}
    if output_encoding is not None:
        side["encoding"] = output_encoding
    label: dict[str, Any] = {"data": truth}
    if truth_encoding is not None:
        label["encoding"] = truth_encoding
    meta: dict[str, Any] = {"eventId": f"e-{truth}-{output}"}
    if when is not None:
        meta["inferenceTime"] = when
    return {
        "eventVersion": "0",
        "groundTruthData": label,
        "captureData": {
            "endpointInput": {"data": "1,2", "encoding": "CSV", "mode": "INPUT"},
            "endpointOutput": side,
        },
        "eventMetadata": meta,
    }


def _write(folder: Path, files: dict[str, list[dict[str, Any]] | bytes]) -> Path:
    for name, records in files.items():
        path = folder / "merged" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(records, bytes):
            path.write_bytes(records)
        else:
            path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records))
    return folder / "merged"


def _config(source: Path, output: Path, **extra: str) -> AnalyzerConfig:
    env = {
        "dataset_source": str(source),
        "dataset_format": MERGE_FORMAT,
        "output_path": str(output),
        "analysis_type": "MODEL_QUALITY",
        "problem_type": "BinaryClassification",
        "probability_attribute": "0",
        "publish_cloudwatch_metrics": "Disabled",
        "start_time": START,
        "end_time": END,
    }
    return AnalyzerConfig.from_environment({**env, **extra})


def _columnar_files(monkeypatch: pytest.MonkeyPatch) -> dict[bytes, bool]:
    """Records, for every file read (by content), whether the columnar reader took it."""
    taken: dict[bytes, bool] = {}
    reader = quality_read.merged_file_columns

    def counting(content: bytes, **kwargs: Any) -> Any:
        found = reader(content, **kwargs)
        taken[content] = found is not None
        return found

    monkeypatch.setattr(quality_read, "merged_file_columns", counting)
    return taken


def _outcome(run: Callable[[], Any]) -> Any:
    try:
        return run()
    except PlimsollError as exc:  # ValidationError, InsufficientData, AnalyzerConfigError...
        return f"{type(exc).__name__}: {exc}"
    except ValueError as exc:
        return f"{type(exc).__name__}: {exc}"


def _documents(output: Path) -> dict[str, Any]:
    found = {p.name: json.loads(p.read_text()) for p in sorted(output.glob("*.json"))}
    if "statistics.json" in found:
        del found["statistics.json"]["dataset"]["evaluation_time"]
    return found


def _engine_view(columns: QualityColumns) -> dict[str, Any]:
    """What the engine is handed: labels as strings, probabilities as the numbers it reads."""
    probability: Any = columns.probability
    if probability is not None:
        try:
            probability = np.asarray(probability, dtype=np.float64).tolist()
        except ValueError:
            probability = list(probability)
    return {
        "ground_truth": [str(v) for v in columns.ground_truth],
        "predicted": None if columns.predicted is None else [str(v) for v in columns.predicted],
        "probability": probability,
        "counts": (columns.records_read, columns.outside_window, dict(columns.skipped)),
    }


def _columns(source: Path, output: Path, extra: dict[str, str]) -> Any:
    config = _config(source, output, **extra)
    attributes = QualityParameters.from_config(config).attributes
    return _outcome(lambda: _engine_view(merged_columns(config, attributes, WINDOW)))


def _both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path, **extra: str
) -> tuple[Any, list[bool]]:
    """(outcome, columnar flags): the outcome is the same with the columnar reader off."""
    taken = _columnar_files(monkeypatch)
    fast_out, slow_out = tmp_path / "fast", tmp_path / "slow"
    fast = _outcome(
        lambda: (run_model_quality(_config(source, fast_out, **extra)), _documents(fast_out))
    )
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.name != "merge_report.json")
    flags = [taken[p.read_bytes()] for p in files if p.read_bytes() in taken]
    fast_columns = _columns(source, fast_out, extra)
    with monkeypatch.context() as patch:
        patch.setattr(quality_read, "merged_file_columns", lambda *a, **k: None)
        slow = _outcome(
            lambda: (run_model_quality(_config(source, slow_out, **extra)), _documents(slow_out))
        )
        assert fast_columns == _columns(source, slow_out, extra)
    assert fast == slow
    return fast, flags


def _probabilities(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records = []
    for _ in range(count):
        p = rng.random()
        records.append(_record(str(int(rng.random() < p)), f"{p:.6f}"))
    return records


def test_plain_csv_files_are_read_as_columns_with_the_same_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write(
        tmp_path,
        {
            "ep/AllTraffic/2024/03/05/10/part-00000-a.c000.jsonl": _probabilities(300, 1),
            "ep/AllTraffic/2024/03/05/11/part-00000-a.c000.jsonl": _probabilities(200, 2),
            "merge_report.json": b'{"matched": 500}',
        },
    )
    outcome, flags = _both_ways(
        tmp_path, monkeypatch, source, probability_threshold_attribute="0.4"
    )
    assert flags == [True, True]
    assert outcome[1]["statistics.json"]["dataset"]["item_count"] == 500


def test_awkward_values_in_columnar_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _write(
        tmp_path,
        {
            "a.jsonl": [
                _record(" 1 ", "1,0.75", truth_encoding=None),  # label stripped, encoding absent
                _record("0", " 0 , 0.25 ", output_encoding="csv"),  # cells kept as they are
                _record("1", "1,1e-1,x", output_encoding=""),
                _record("0", "0,+.5", when=None),  # no inferenceTime: kept
                _record("1", "1,0.9", when=""),
                _record("1", "1,0.6", when="2024-03-05T13:00:00Z"),  # outside: counted only
                _record("0", "1,0.6", when="2024-03-05T09:59:59Z"),
                _record("0", "1,0.3", when=END),  # the window is [start, end)
                _record("1", "1,0.4", when=START),
            ]
        },
    )
    outcome, flags = _both_ways(
        tmp_path, monkeypatch, source, inference_attribute="0", probability_attribute="1"
    )
    assert flags == [True]
    assert outcome[1]["statistics.json"]["dataset"]["item_count"] == 6


@pytest.mark.parametrize(
    "records",
    [
        [_record("1", "0.5\n0.7"), _record("0", "0.2")],  # several rows in one record
        [_record("1\n0", "0.5\n0.7")],
        [_record("1", '{"p": 0.5}', output_encoding="JSON")],
        [_record("1", "0.5", truth_encoding="JSON")],
        [_record("1", "0.5", when="2024-3-5T10:30:00Z")],  # strptime reads it, Arrow does not
        [_record("1", "0.5", when="yesterday")],
        [_record("1", "")],  # no row
        [_record("1", '"0.5"')],  # CSV quoting
        [_record("1", "0.5", output_encoding="ｃｓｖ")],
        [_record("\t1", "0.5")],
        [{**_record("1", "0.5"), "captureData": {}}],  # no endpointOutput: skipped
        [{**_record("1", "0.5"), "extra": 1}],
    ],
)
def test_records_the_columns_cannot_reproduce_are_read_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records: list[dict[str, Any]]
) -> None:
    source = _write(tmp_path, {"a.jsonl": records, "b.jsonl": _probabilities(30, 3)})
    _, flags = _both_ways(tmp_path, monkeypatch, source)
    assert flags == [False, True]


@pytest.mark.parametrize(
    ("extra", "records"),
    [
        ({"probability_attribute": "score"}, _probabilities(5, 4)),  # not a column index
        ({"inference_attribute": "3", "probability_attribute": "1"}, [_record("1", "1,0.5")]),
        ({}, [_record("yes", "0.5"), _record("no", "0.5"), _record("maybe", "0.5")]),
        ({}, [_record("1", "1.5")]),  # a probability outside [0, 1]
        ({}, [_record("1", "abc")]),
        ({}, [_record("", "0.5")]),  # a missing label
        ({}, [_record("1", "0.5", when="2024-03-06T00:00:00Z")]),  # nothing in the window
    ],
)
def test_errors_are_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, str], records: Any
) -> None:
    source = _write(tmp_path, {"a.jsonl": records})
    outcome, _ = _both_ways(tmp_path, monkeypatch, source, **extra)
    assert isinstance(outcome, str)


def test_columns_and_records_mixed_keep_the_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write(
        tmp_path,
        {
            "1.jsonl": _probabilities(120, 5),
            "2.jsonl": [_record("1", "0.5\n0.7"), *_probabilities(100, 6)[:-1]],
            "3.jsonl": _probabilities(90, 7),
        },
    )
    _, flags = _both_ways(tmp_path, monkeypatch, source)
    assert flags == [True, False, True]


@pytest.mark.parametrize("odd", [None, " 0.5", "0.5e0", "1_0", ""])
def test_probability_texts_are_read_as_the_engine_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str | None
) -> None:
    """Plain decimals become numbers as Python's ``float`` reads them; one other text anywhere
    and the engine gets every text as it is, as from the record path."""
    rng = random.Random(8)
    texts = ["0", "1", "1.", ".5", "+.25", "+0.75", "-0.0", "00.5", "0." + "9" * 40]
    for _ in range(400):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 25)))
        texts.append(rng.choice(["0.", ".", "00.", "+0."]) + digits)
    if odd is not None:
        texts.append(odd)
    records = [_record(str(n % 2), f"{n % 2},{text}") for n, text in enumerate(texts)]
    source = _write(tmp_path, {"a.jsonl": records})
    outcome, flags = _both_ways(
        tmp_path, monkeypatch, source, inference_attribute="0", probability_attribute="1"
    )
    assert flags == [True]
    # numpy reads "1_0" as 10, outside [0, 1], and "" not at all: the same error either way
    assert isinstance(outcome, str) == (odd in ("1_0", ""))
