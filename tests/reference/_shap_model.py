"""The model both Kernel SHAP implementations explain (numpy only; runs in both venvs).

A fixed-weight MLP (M -> 4 tanh -> ``outputs`` sigmoid heads). The weights are exact binary
fractions computed from their indices, so both venvs build the very same model whatever their
numpy version; ``records``/``baseline`` are likewise exact dyadic values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

HIDDEN = 4


def _grid(rows: int, cols: int, a: int, b: int, mod: int) -> np.ndarray:
    i, j = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return (((a * i + b * j) % mod) - mod // 2) / 8.0


def make_predict(features: int, outputs: int) -> Callable[[np.ndarray], np.ndarray]:
    """``predict(rows) -> probabilities``: 1-D for one output, rows x outputs otherwise."""
    w1 = _grid(features, HIDDEN, 5, 3, 11)
    b1 = _grid(1, HIDDEN, 1, 7, 5)[0]
    w2 = _grid(HIDDEN, outputs, 3, 5, 9) * 2.0
    b2 = _grid(1, outputs, 1, 3, 7)[0]

    def predict(rows: np.ndarray) -> np.ndarray:
        hidden = np.tanh(np.asarray(rows, dtype=np.float64) @ w1 + b1)
        out = 1.0 / (1.0 + np.exp(-(hidden @ w2 + b2)))
        return out[:, 0] if outputs == 1 else out

    return predict


def records(features: int, count: int) -> np.ndarray:
    """``count`` rows to explain."""
    return _grid(count, features, 7, 3, 17) + 0.5


def baseline(features: int) -> np.ndarray:
    """Two baseline rows."""
    return _grid(2, features, 3, 5, 13) / 2.0
