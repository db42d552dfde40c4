"""Partial dependence: grids, distributions, known curves, feature choice, errors."""

from __future__ import annotations

import numpy as np
import pytest

from plimsoll.engines.shap import partial_dependence, pdp_section, select_pdp_features
from plimsoll.errors import EngineError


def _model(rows: np.ndarray) -> np.ndarray:
    rows = rows.astype(np.float64)
    return 2 * rows[:, 0] + rows[:, 1] ** 2


def test_numeric_pdp_of_a_known_function() -> None:
    rng = np.random.default_rng(0)
    data = np.column_stack([rng.uniform(19, 61, size=400), rng.normal(size=400)])
    data[0, 0], data[1, 0] = 19.0, 61.0
    pd0 = partial_dependence(_model, data, 0, grid_resolution=15)
    centres = 19 + 2.8 * (np.arange(15) + 0.5)  # width (61-19)/15 = 2.8, as the docs' Age example
    np.testing.assert_allclose(pd0.values, centres)
    np.testing.assert_allclose(pd0.predictions[0], 2 * centres + np.mean(data[:, 1] ** 2))
    assert sum(pd0.distribution) == pytest.approx(1.0)
    counts, _ = np.histogram(data[:, 0], bins=np.linspace(19, 61, 16))
    np.testing.assert_allclose(pd0.distribution, counts / 400)

    pd1 = partial_dependence(_model, data, 1, grid_resolution=7)
    np.testing.assert_allclose(
        pd1.predictions[0], np.array(pd1.values) ** 2 + 2 * data[:, 0].mean()
    )


def test_categorical_pdp_and_multi_output_layout() -> None:
    data = np.array([["a", 1.0], ["b", 2.0], ["a", 3.0], ["c", 4.0]], dtype=object)
    effect = {"a": 0.0, "b": 10.0, "c": 20.0}

    def model(rows: np.ndarray) -> np.ndarray:
        y = np.array([effect[v] for v in rows[:, 0]]) + rows[:, 1].astype(float)
        return np.stack([y, -y], axis=1)

    entries = pdp_section(
        model, data, ["color", "size"], features=["color"], categorical_features=["color"]
    )
    (entry,) = entries
    assert entry["data_type"] == "categorical"
    assert entry["feature_values"] == ["a", "b", "c"]
    assert entry["data_distribution"] == [0.5, 0.25, 0.25]
    assert entry["model_predictions"] == [[2.5, 12.5, 22.5], [-2.5, -12.5, -22.5]]
    assert entry["label_headers"] == ["label0", "label1"]


def test_top_k_by_global_shap_and_error_entries() -> None:
    shap = {"a": 0.1, "b": -0.9, "c": 0.5}
    assert select_pdp_features(["a", "b", "c"], global_shap=shap, top_k_features=2) == ["b", "c"]
    with pytest.raises(EngineError):
        select_pdp_features(["a"], features=["zzz"])
    with pytest.raises(EngineError):
        select_pdp_features(["a"])

    data = np.array([[1.0, 2.0, 5.0], [3.0, 4.0, 5.0]])
    entries = pdp_section(
        _model,
        data,
        ["a", "b", "c"],
        global_shap=shap,
        top_k_features=3,
        grid_resolution=2,
        text_features=["c"],
    )
    assert [e["feature_name"] for e in entries] == ["b", "c", "a"]
    assert entries[1]["error"] and "feature_values" not in entries[1]
    assert entries[0]["feature_values"] == [2.5, 3.5]
    constant = partial_dependence(_model, data, 2, grid_resolution=4)
    assert constant.values == [5.0] and constant.distribution == [1.0]
