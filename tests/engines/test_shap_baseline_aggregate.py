"""SHAP baselines (given rows, K-means) and the global/local outputs built from results."""

from __future__ import annotations

import numpy as np
import pytest

from plimsoll.engines.shap import (
    KernelShapConfig,
    aggregate_shap,
    choose_num_clusters,
    kernel_shap,
    kernel_shap_section,
    kmeans_baseline,
    label_names,
    local_values_table,
    resolve_baseline,
)
from plimsoll.errors import EngineError, InsufficientData


def _blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    data = np.concatenate([c + rng.normal(scale=0.3, size=(50, 2)) for c in centres])
    return data, centres


def test_kmeans_baseline_is_seeded_and_returns_num_clusters_rows() -> None:
    data, centres = _blobs()
    a = kmeans_baseline(data, 4, seed=11)
    assert a.shape == (4, 2)
    np.testing.assert_array_equal(a, kmeans_baseline(data, 4, seed=11))
    found = sorted(tuple(np.round(row, -1)) for row in a)
    assert found == sorted(tuple(row) for row in centres)
    nearest = np.abs(a[:, None, :] - centres[None]).max(-1).min(1)
    assert nearest.max() < 0.2
    assert resolve_baseline(data, num_clusters=3, seed=1).shape == (3, 2)


def test_kmeans_matches_scikit_learn_inertia_on_blobs() -> None:
    cluster = pytest.importorskip("sklearn.cluster")
    data, _ = _blobs(1)
    ours = kmeans_baseline(data, 4, seed=0)
    ref = cluster.KMeans(n_clusters=4, n_init=10, random_state=0).fit(data)

    def inertia(c: np.ndarray) -> float:
        return float(((data[:, None, :] - c[None]) ** 2).sum(-1).min(1).sum())

    assert inertia(ours) == pytest.approx(ref.inertia_, rel=1e-6)


def test_resolve_baseline_rules() -> None:
    data, _ = _blobs()
    rows = np.array([[1.0, 2.0]])
    assert resolve_baseline(data, baseline=rows) is rows
    np.testing.assert_array_equal(resolve_baseline(data, baseline=[1.0, 2.0]), rows)
    with pytest.raises(EngineError, match="not both"):
        resolve_baseline(data, baseline=rows, num_clusters=2)
    with pytest.raises(EngineError, match="columns"):
        resolve_baseline(data, baseline=np.ones((1, 3)))
    with pytest.raises(InsufficientData):
        kmeans_baseline(data[:2], 3)
    with pytest.raises(EngineError, match="numeric"):
        kmeans_baseline(np.array([["a", "b"], ["c", "d"]], dtype=object), 1)
    assert choose_num_clusters(data, seed=0) == 4
    assert resolve_baseline(data, seed=0).shape == (4, 2)


def test_agg_methods() -> None:
    phi = np.array([[[1.0], [-2.0]], [[-3.0], [4.0]], [[5.0], [0.0]]])
    np.testing.assert_allclose(aggregate_shap(phi, "mean_abs")[:, 0], [3.0, 2.0])
    np.testing.assert_allclose(aggregate_shap(phi, "median")[:, 0], [1.0, 0.0])
    np.testing.assert_allclose(aggregate_shap(phi, "mean_sq")[:, 0], [35 / 3, 20 / 3])
    with pytest.raises(EngineError, match="agg_method"):
        aggregate_shap(phi, "max")


def test_analysis_section_and_local_table_layout() -> None:
    rng = np.random.default_rng(0)
    w = np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 3.0]])
    x, base = rng.normal(size=(4, 3)), rng.normal(size=(2, 3))
    res = kernel_shap(lambda r: r @ w, x, base, KernelShapConfig(features_to_explain=[0, 2]))
    section = kernel_shap_section(res, ["age", "hours", "edu"], agg_method="mean_abs")
    assert list(section) == ["label0", "label1"]
    assert list(section["label0"]["global_shap_values"]) == ["age", "edu"]
    expected_age = float(np.abs(x[:, 0] - base[:, 0].mean()).mean())
    assert section["label0"]["global_shap_values"]["age"] == pytest.approx(expected_age)
    assert section["label1"]["expected_value"] == pytest.approx(float((base @ w)[:, 1].mean()))

    table = local_values_table(res, ["age", "hours", "edu"], ids=["r1", "r2", "r3", "r4"])
    assert table.columns == ("id", "age_label0", "edu_label0", "age_label1", "edu_label1")
    assert table.rows[1][0] == "r2"
    assert table.rows[1][3] == pytest.approx(float(res.shap_values[1, 0, 1]))
    lines = table.to_csv().splitlines()
    assert lines[0] == "id,age_label0,edu_label0,age_label1,edu_label1" and len(lines) == 5
    named = kernel_shap_section(res, ["age", "hours", "edu"], label_headers=["no", "yes"])
    assert list(named) == ["no", "yes"]
    assert label_names(2) == ["label0", "label1"]
    with pytest.raises(EngineError):
        label_names(2, ["only-one"])
