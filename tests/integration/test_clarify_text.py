"""Text explainability in the Clarify image, against a real endpoint on a Plimsoll server.

The model scores a review by counting positive words (plus a bonus of 0.5 when there are at
least two), so the attributions are known: positive words (or the sentences holding them) get
the positive attributions, every other unit none, and the units of one record add up to
f(text) - f(text with every unit replaced by the baseline).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plimsoll.images.clarify import COMPLETED_MESSAGE, run
from tests.integration._clarify import create_model, serving, unique

POSITIVE = {"good", "great", "love", "excellent"}
SENTIMENT_CODE = """
import csv, io, re
import numpy as np
POSITIVE = {"good", "great", "love", "excellent"}
def model_fn(model_dir):
    return POSITIVE
def input_fn(input_data, content_type):
    text = input_data.decode("utf-8") if isinstance(input_data, bytes) else input_data
    return [row[0] for row in csv.reader(io.StringIO(text)) if row]
def predict_fn(data, model):
    counts = [sum(w.lower() in model for w in re.findall(r"\\w+", t)) for t in data]
    return np.array([[c + 0.5 * (c >= 2)] for c in counts], dtype=float)
"""
REVIEWS = [
    "I love this good film",
    "Boring plot, bad acting.",
    "Great cast! The ending was excellent. Too long though.",
    "Not great, not good, not excellent: a film I would not love to see again twice",
]


def _score(text: str) -> float:
    count = sum(w.lower() in POSITIVE for w in re.findall(r"\w+", text))
    return count + 0.5 * (count >= 2)


@pytest.fixture(scope="module")
def endpoint(boto_sagemaker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = unique("cl-text")
    create_model(boto_sagemaker, tmp_path_factory.mktemp("clarify-text"), name, SENTIMENT_CODE)
    with serving(boto_sagemaker, name, name) as found:
        yield found


def _config(endpoint: str, text_config: dict[str, Any], **shap: Any) -> dict[str, Any]:
    return {
        "dataset_type": "text/csv",
        "headers": ["review", "stars"],
        "label": "stars",
        "methods": {"shap": {"text_config": text_config, "save_local_shap_values": True,
                             "seed": 3, **shap},
                    "report": {"name": "report"}},
        "predictor": {"endpoint_name": endpoint, "content_type": "text/csv",
                      "accept_type": "text/csv", "probability": 0},
    }  # fmt: skip


def _run(tmp_path: Path, config: dict[str, Any]) -> tuple[int, str, Path]:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    with (data / "reviews.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([[text, i % 5] for i, text in enumerate(REVIEWS)])
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    (config_dir / "analysis_config.json").write_text(json.dumps(config))
    output, message = tmp_path / "output", tmp_path / "message"
    code = run(config_dir, data, output, message)
    return code, message.read_text(), output


def _local(output: Path) -> list[list[tuple[str, int, float]]]:
    """Per record: (unit, start_idx, attribution) of the review feature."""
    lines = (output / "explanations_shap" / "out.jsonl").read_text().splitlines()
    out = []
    for line in lines:
        [feature] = json.loads(line)["explanations"]
        assert (feature["feature_name"], feature["data_type"]) == ("review", "free_text")
        out.append([(a["description"]["partial_text"], a["description"]["start_idx"],
                     a["attribution"][0]) for a in feature["attributions"]])  # fmt: skip
    return out


def _replaced(text: str, units: list[tuple[str, int, float]], replacement: str) -> str:
    for unit, start, _ in reversed(units):
        text = text[:start] + replacement + text[start + len(unit) :]
    return text


def test_token_attributions_point_at_positive_words(
    tmp_path: Path, endpoint: str, job_env: None
) -> None:
    config = _config(endpoint, {"granularity": "token", "language": "english"},
                     baseline=[["<UNK>"]])  # fmt: skip
    code, message, output = _run(tmp_path, config)
    assert (code, message) == (0, COMPLETED_MESSAGE)
    local = _local(output)
    assert len(local) == len(REVIEWS)
    for text, units in zip(REVIEWS, local, strict=True):
        assert [text[s : s + len(u)] for u, s, _ in units] == [u for u, _, _ in units]
        total = sum(v for _, _, v in units)  # additivity against the all-<UNK> text
        assert total == pytest.approx(_score(text) - _score(_replaced(text, units, "<UNK>")))
        exact = len(units) <= 11  # 2^M - 2 coalitions fit the default budget
        for unit, _, value in units:
            if unit.lower() in POSITIVE:
                assert value > 0.9
            else:  # a dummy unit: exactly 0 when enumerated, about 0 when sampled
                assert value == pytest.approx(0.0, abs=1e-9 if exact else 0.05)
    assert [u for u, _, _ in local[1]] == ["Boring", "plot", ",", "bad", "acting", "."]
    # "I love this good film": two positives share 1 + 1 + 0.5 exactly (5 tokens: exact).
    assert [round(v, 9) for _, _, v in local[0]] == [0.0, 1.25, 0.0, 1.25, 0.0]
    analysis = json.loads((output / "analysis.json").read_text())
    section = analysis["explanations"]["kernel_shap"]["label0"]
    assert section["expected_value"] == pytest.approx(0.0)
    assert section["global_shap_values"] == {}
    top = section["global_top_shap_text"]["review"]
    assert set(list(top)[:4]) == {"love", "good", "Great", "excellent"}


def test_sentence_attributions_and_default_baseline(
    tmp_path: Path, endpoint: str, job_env: None
) -> None:
    config = _config(endpoint, {"granularity": "sentence", "language": "en", "max_top_tokens": 2})
    code, message, output = _run(tmp_path, config)
    assert (code, message) == (0, COMPLETED_MESSAGE)
    local = _local(output)
    assert [u for u, _, _ in local[2]] == ["Great cast!", "The ending was excellent.",
                                           "Too long though."]  # fmt: skip
    great, excellent, neutral = (v for _, _, v in local[2])
    assert great == pytest.approx(1.25) and excellent == pytest.approx(1.25)
    assert neutral == pytest.approx(0.0, abs=1e-9)
    for text, units in zip(REVIEWS, local, strict=True):  # the default baseline drops units
        assert sum(v for _, _, v in units) == pytest.approx(_score(text))
    analysis = json.loads((output / "analysis.json").read_text())
    top = analysis["explanations"]["kernel_shap"]["label0"]["global_top_shap_text"]["review"]
    assert len(top) == 2 and all(v > 1 for v in top.values())


def test_unsupported_language_is_refused(tmp_path: Path, endpoint: str, job_env: None) -> None:
    config = _config(endpoint, {"granularity": "token", "language": "klingon"})
    code, message, output = _run(tmp_path, config)
    assert code == 1
    assert message.startswith("Error:") and "klingon" in message
    assert not (output / "analysis.json").exists()
