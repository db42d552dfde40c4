"""Kernel SHAP engine: exactness, additivity, sampling, options and batching."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from plimsoll.engines.shap import (
    KernelShapConfig,
    default_num_samples,
    kernel_shap,
    sample_coalitions,
)
from plimsoll.errors import EngineError


def _linear(w: np.ndarray):
    return lambda rows: rows.astype(np.float64) @ w


def _nonlinear(rows: np.ndarray) -> np.ndarray:
    return rows[:, 0] * rows[:, 1] + np.sin(rows[:, 2])


def _brute_force_shapley(f, x: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """Interventional Shapley values straight from the definition (permutation weights)."""
    m = x.shape[0]

    def v(subset: tuple[int, ...]) -> float:
        rows = baseline.copy()
        rows[:, list(subset)] = x[list(subset)]
        return float(f(rows).mean())

    phi = np.zeros(m)
    for i in range(m):
        others = [j for j in range(m) if j != i]
        for size in range(m):
            weight = math.factorial(size) * math.factorial(m - size - 1) / math.factorial(m)
            for s in itertools.combinations(others, size):
                phi[i] += weight * (v(tuple(sorted(s + (i,)))) - v(s))
    return phi


def test_default_num_samples_follows_the_spec_formula() -> None:
    assert default_num_samples(10) == 1022
    assert default_num_samples(20) == 2088
    assert default_num_samples(11) == 2046  # 2^11 - 2 < 2*11 + 2048


def test_linear_model_exact_enumeration_gives_w_times_deviation_from_baseline_mean() -> None:
    rng = np.random.default_rng(0)
    w = np.array([1.5, -2.0, 0.25, 3.0, -0.5])
    x, base = rng.normal(size=(6, 5)), rng.normal(size=(4, 5))
    res = kernel_shap(_linear(w), x, base)
    assert res.exact and res.num_coalitions == 30
    np.testing.assert_allclose(res.shap_values[..., 0], w * (x - base.mean(0)), atol=1e-9)
    assert res.expected_value[0] == pytest.approx(float((base @ w).mean()))


def test_linear_model_with_sampling_is_within_tolerance() -> None:
    rng = np.random.default_rng(1)
    w = rng.normal(size=16)
    x, base = rng.normal(size=(8, 16)), rng.normal(size=(3, 16))
    res = kernel_shap(_linear(w), x, base, KernelShapConfig(num_samples=200, seed=3))
    assert not res.exact and res.num_coalitions == 200
    np.testing.assert_allclose(res.shap_values[..., 0], w * (x - base.mean(0)), atol=1e-6)


def test_additivity_for_a_nonlinear_model() -> None:
    rng = np.random.default_rng(2)
    x, base = rng.normal(size=(10, 3)), rng.normal(size=(5, 3))
    for config in (KernelShapConfig(), KernelShapConfig(num_samples=4, seed=0)):
        res = kernel_shap(_nonlinear, x, base, config)
        total = res.shap_values[..., 0].sum(axis=1) + res.expected_value[0]
        np.testing.assert_allclose(total, _nonlinear(x), atol=1e-10)
        np.testing.assert_allclose(res.predictions[:, 0], _nonlinear(x), atol=1e-12)


def test_exact_enumeration_equals_brute_force_shapley_on_four_features() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 4))

    def f(rows: np.ndarray) -> np.ndarray:
        return np.tanh(rows @ a).prod(axis=1) + rows[:, 0] * rows[:, 3] ** 2

    x, base = rng.normal(size=(5, 4)), rng.normal(size=(3, 4))
    res = kernel_shap(f, x, base)
    for i in range(5):
        np.testing.assert_allclose(
            res.shap_values[i, :, 0], _brute_force_shapley(f, x[i], base), atol=1e-12
        )


def test_sampled_nonlinear_values_approach_exact_values() -> None:
    rng = np.random.default_rng(4)
    x, base = rng.normal(size=(4, 8)), rng.normal(size=(2, 8))

    def f(rows: np.ndarray) -> np.ndarray:
        return rows[:, 0] * rows[:, 1] + np.sin(rows[:, 2]) + rows[:, 3:].sum(axis=1)

    exact = kernel_shap(f, x, base).shap_values

    def mean_error(budget: int) -> float:
        errors = [
            np.abs(
                kernel_shap(f, x, base, KernelShapConfig(num_samples=budget, seed=s)).shap_values
                - exact
            ).mean()
            for s in range(5)
        ]
        return float(np.mean(errors))

    coarse, fine = mean_error(40), mean_error(240)
    assert fine < 0.03 and fine < coarse / 2


def test_seed_makes_sampling_reproducible() -> None:
    rng = np.random.default_rng(5)
    x, base = rng.normal(size=(3, 12)), rng.normal(size=(2, 12))

    def f(rows: np.ndarray) -> np.ndarray:
        return np.exp(rows[:, :6].sum(1) / 6) * rows[:, 6:].prod(1)

    def run(seed: int) -> np.ndarray:
        return kernel_shap(f, x, base, KernelShapConfig(num_samples=60, seed=seed)).shap_values

    np.testing.assert_array_equal(run(7), run(7))
    assert not np.array_equal(run(7), run(8))
    a, b = sample_coalitions(12, 60, 7), sample_coalitions(12, 60, 7)
    np.testing.assert_array_equal(a.masks, b.masks)


def test_features_to_explain_keeps_the_others_at_the_record_value() -> None:
    rng = np.random.default_rng(6)
    x, base = rng.normal(size=(4, 5)), rng.normal(size=(3, 5))
    config = KernelShapConfig(features_to_explain=[3, 1])
    res = kernel_shap(_nonlinear, x, base, config)
    assert res.feature_indices == (1, 3) and res.shap_values.shape == (4, 2, 1)
    # feature 3 is unused by the model: exactly zero
    np.testing.assert_allclose(res.shap_values[:, 1, 0], 0.0, atol=1e-12)
    # with x0, x2 held at the record, feature 1's value is x0 * (x1 - mean baseline x1)
    np.testing.assert_allclose(
        res.shap_values[:, 0, 0], x[:, 0] * (x[:, 1] - base[:, 1].mean()), atol=1e-12
    )
    total = res.shap_values[..., 0].sum(1) + res.base_values[:, 0]
    np.testing.assert_allclose(total, _nonlinear(x), atol=1e-12)
    with pytest.raises(EngineError):
        kernel_shap(_nonlinear, x, base, KernelShapConfig(features_to_explain=[7]))


def test_multi_output_model_explains_each_output() -> None:
    rng = np.random.default_rng(7)
    w = rng.normal(size=(4, 3))
    x, base = rng.normal(size=(5, 4)), rng.normal(size=(2, 4))
    res = kernel_shap(lambda rows: rows @ w, x, base)
    assert res.shap_values.shape == (5, 4, 3) and not res.scalar_output
    for k in range(3):
        np.testing.assert_allclose(res.shap_values[..., k], w[:, k] * (x - base.mean(0)), atol=1e-9)
    assert kernel_shap(_nonlinear, x, base).scalar_output


def test_use_logit_explains_a_logistic_model_in_log_odds() -> None:
    rng = np.random.default_rng(8)
    w = np.array([0.8, -1.2, 0.3, 2.0])

    def proba(rows: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-(rows @ w + 0.1)))
        return np.stack([1 - p, p], axis=1)

    x, base = rng.normal(size=(6, 4)), rng.normal(size=(1, 4))
    res = kernel_shap(proba, x, base, KernelShapConfig(use_logit=True))
    np.testing.assert_allclose(res.shap_values[..., 1], w * (x - base), atol=1e-9)
    np.testing.assert_allclose(res.shap_values[..., 0], -w * (x - base), atol=1e-9)
    assert res.expected_value[1] == pytest.approx(float(base[0] @ w + 0.1))
    plain = kernel_shap(proba, x, base)
    assert not np.allclose(plain.shap_values[..., 1], w * (x - base), atol=1e-3)
    with pytest.raises(EngineError, match="probabilities"):
        kernel_shap(lambda r: r[:, 0] * 5, x, base, KernelShapConfig(use_logit=True))


def test_predict_is_called_once_per_batch_not_per_coalition() -> None:
    rng = np.random.default_rng(9)
    x, base = rng.normal(size=(23, 6)), rng.normal(size=(2, 6))
    calls: list[int] = []

    def counted(rows: np.ndarray) -> np.ndarray:
        calls.append(rows.shape[0])
        return _nonlinear(rows)

    batched = kernel_shap(counted, x, base, KernelShapConfig(batch_size=5))
    assert len(calls) == 1 + math.ceil(23 / 5)  # one call for E f(baseline), then one per batch
    calls.clear()
    whole = kernel_shap(counted, x, base)
    assert len(calls) == 2
    np.testing.assert_allclose(batched.shap_values, whole.shap_values, atol=1e-12)


def test_non_varying_features_get_zero_and_single_varying_gets_everything() -> None:
    base = np.array([[0.0, 1.0, 2.0]])
    x = np.array([[5.0, 1.0, 2.0], [0.0, 1.0, 2.0]])
    res = kernel_shap(lambda r: r[:, 0] ** 2 + r[:, 1] * r[:, 2], x, base)
    np.testing.assert_allclose(res.shap_values[0, :, 0], [25.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(res.shap_values[1, :, 0], 0.0, atol=1e-12)


def test_bad_model_output_is_an_engine_error() -> None:
    x, base = np.ones((2, 3)), np.zeros((1, 3))
    with pytest.raises(EngineError, match="returned"):
        kernel_shap(lambda r: np.ones(r.shape[0] + 1), x, base)
    with pytest.raises(EngineError, match="NaN"):
        kernel_shap(lambda r: np.full(r.shape[0], np.nan), x, base)
    with pytest.raises(EngineError, match="columns"):
        kernel_shap(lambda r: r[:, 0], x, np.zeros((1, 2)))


def test_scikit_learn_logistic_regression_under_use_logit() -> None:
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(10)
    data = rng.normal(size=(300, 5))
    labels = (data @ np.array([1.0, -2.0, 0.5, 0.0, 1.5]) + rng.normal(size=300) > 0).astype(int)
    clf = linear_model.LogisticRegression().fit(data, labels)
    x, base = data[:20], data[20:21]
    res = kernel_shap(clf.predict_proba, x, base, KernelShapConfig(use_logit=True))
    np.testing.assert_allclose(res.shap_values[..., 1], clf.coef_[0] * (x - base), atol=1e-9)


def test_categorical_object_columns_and_a_single_feature() -> None:
    effect = {"red": 1.0, "blue": -1.0, "green": 0.0}

    def model(rows: np.ndarray) -> np.ndarray:
        return np.array([effect[c] for c in rows[:, 0]]) * rows[:, 1].astype(float)

    x = np.array([["red", 2.0], ["green", 3.0]], dtype=object)
    base = np.array([["blue", 1.0], ["green", 1.0]], dtype=object)
    res = kernel_shap(model, x, base)
    f_x, f_base = model(x), model(base).mean()
    np.testing.assert_allclose(res.shap_values[..., 0].sum(1), f_x - f_base, atol=1e-12)
    for i in range(2):
        np.testing.assert_allclose(
            res.shap_values[i, :, 0], _brute_force_shapley(model, x[i], base), atol=1e-12
        )
    single = kernel_shap(lambda r: r[:, 0] ** 3, np.array([[2.0]]), np.array([[1.0], [0.0]]))
    assert single.num_coalitions == 0
    np.testing.assert_allclose(single.shap_values[0, 0, 0], 8.0 - 0.5)
