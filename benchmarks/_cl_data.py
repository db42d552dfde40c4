"""Seeded inputs of bench_clarify.py, shared by the main venv and the peer venvs (numpy only).

The data are generated once in the main venv and saved as ``.npz`` under benchmarks/.cache/,
so every venv reads the very same arrays whatever its numpy version.

* ``bias_data``: adult-like rows: ``label`` (0/1 income), ``sex`` (binary facet, sensitive 0),
  ``age`` (continuous facet, threshold ``AGE_THRESHOLD``), ``group`` (20 education codes, the
  CDDL group variable), ``hours`` and ``capital`` (float features the flip test uses) and
  ``pred`` (a noisy model's 0/1 prediction). Label and prediction both depend on the facets,
  so the metrics are not trivially zero.
* ``shap_inputs``: a 12-feature MLP (12 -> 16 tanh -> sigmoid) and 1,000 rows for it;
  ``mlp_predict`` is the one model definition both Kernel SHAP implementations call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

SEED = 20261122
AGE_THRESHOLD = 40  # an int threshold: smclarify prints it as "(40, 90.0]"
SEX_VALUES = [0]
LABEL_VALUES = [1]
FEATURES = ["group", "hours", "capital"]  # what FT sees: all columns but facet/label/pred
SHAP_FEATURES = 12
SHAP_HIDDEN = 16


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def bias_data(cache: Path, rows: int) -> Path:
    """The ``.npz`` of ``rows`` adult-like rows, generated on first use."""
    path = cache / f"clarify-bias-{rows}.npz"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    sex = (rng.random(rows) < 0.67).astype(np.int64)  # 1 = advantaged, 0 = sensitive
    age = np.round(np.clip(rng.normal(39.0, 13.0, rows), 17.0, 90.0), 1)
    group = rng.integers(0, 20, rows).astype(np.int64)
    hours = np.round(np.clip(rng.normal(40.0, 12.0, rows), 1.0, 99.0), 3)
    capital = np.round(rng.exponential(1.0, rows), 4)
    logit = -1.6 + 0.8 * sex + 0.04 * (age - 39.0) + 0.06 * (group - 10) + 0.03 * (hours - 40)
    label = (rng.random(rows) < _sigmoid(logit)).astype(np.int64)
    noisy = logit + 0.5 * capital + rng.normal(0.0, 1.0, rows)
    pred = (noisy > np.quantile(noisy, 0.75)).astype(np.int64)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(
        tmp, label=label, pred=pred, sex=sex, age=age, group=group, hours=hours, capital=capital
    )
    tmp.rename(path)
    return path


def shap_inputs(cache: Path) -> Path:
    """The ``.npz`` holding the MLP's weights and its 1,000 data rows."""
    path = cache / "clarify-shap.npz"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED + 1)
    w1 = rng.normal(0.0, 0.6, (SHAP_FEATURES, SHAP_HIDDEN))
    b1 = rng.normal(0.0, 0.2, SHAP_HIDDEN)
    w2 = rng.normal(0.0, 0.8, SHAP_HIDDEN)
    b2 = np.array([0.1])
    data = rng.normal(0.0, 1.0, (1000, SHAP_FEATURES))
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, w1=w1, b1=b1, w2=w2, b2=b2, data=data)
    tmp.rename(path)
    return path


def mlp_predict(weights: dict[str, np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """``predict(rows) -> probabilities`` (1-D) of the saved MLP."""
    w1, b1, w2, b2 = (np.asarray(weights[k], dtype=np.float64) for k in ("w1", "b1", "w2", "b2"))

    def predict(rows: np.ndarray) -> np.ndarray:
        hidden = np.tanh(np.asarray(rows, dtype=np.float64) @ w1 + b1)
        return _sigmoid(hidden @ w2 + b2[0])

    return predict
