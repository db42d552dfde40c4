"""The SHAP baseline: the user's rows, or K-means centroids of the dataset (spec §3.2).

Clarify accepts either explicit baseline rows (feature columns only) or ``num_clusters``, in
which case it clusters the input and uses the centroids; both together is an error, and with
neither it searches the "optimal" count between 1 and 12. The container is closed, so how it
seeds K-means and picks the count is an assumption (spec §7). Ours: k-means++ initialisation
from ``np.random.default_rng(seed)`` followed by Lloyd iterations (the same algorithm as
scikit-learn's default, without its multiple restarts), and the count picked at the "knee" of
the inertia curve (the k farthest from the chord joining k=1 and k=12).

K-prototypes for categorical columns is not implemented: non-numeric data raises
``EngineError`` so the caller can ask for an explicit baseline.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from plimsoll.errors import EngineError, InsufficientData

__all__ = ["choose_num_clusters", "kmeans_baseline", "resolve_baseline"]

FloatArray = NDArray[np.float64]

_MAX_AUTO_CLUSTERS = 12
_SEARCH_SAMPLE_ROWS = 10_000


def resolve_baseline(
    dataset: np.ndarray,
    *,
    baseline: np.ndarray | None = None,
    num_clusters: int | None = None,
    seed: int | None = 0,
) -> np.ndarray:
    """The baseline rows Kernel SHAP uses, from Clarify's ``baseline``/``num_clusters`` pair.

    Example::

        >>> data = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.1, 10.0]])
        >>> resolve_baseline(data, num_clusters=2).shape
        (2, 2)
    """
    if baseline is not None and num_clusters is not None:
        raise EngineError("give either baseline rows or num_clusters, not both")
    if baseline is not None:
        rows = np.asarray(baseline)
        rows = rows[None, :] if rows.ndim == 1 else rows
        data = np.asarray(dataset)
        if rows.ndim != 2 or rows.shape[0] == 0:
            raise EngineError("the baseline must hold at least one row of feature values")
        if data.ndim == 2 and rows.shape[1] != data.shape[1]:
            raise EngineError(
                f"baseline rows have {rows.shape[1]} values but the dataset has "
                f"{data.shape[1]} feature columns"
            )
        return rows
    numeric = _numeric(dataset)
    if num_clusters is None:
        num_clusters = choose_num_clusters(numeric, seed=seed)
    return kmeans_baseline(numeric, num_clusters, seed=seed)


def kmeans_baseline(
    dataset: np.ndarray,
    num_clusters: int,
    *,
    seed: int | None = 0,
    max_iter: int = 300,
    tol: float = 1e-4,
) -> FloatArray:
    """``num_clusters`` K-means centroids of ``dataset`` (rows x numeric features)."""
    centres, _ = _kmeans(_numeric(dataset), num_clusters, seed, max_iter, tol)
    return centres


def choose_num_clusters(
    dataset: np.ndarray, *, seed: int | None = 0, max_clusters: int = _MAX_AUTO_CLUSTERS
) -> int:
    """The knee of the inertia curve for k in 1..max_clusters (our stand-in for Clarify's)."""
    data = _numeric(dataset)
    if data.shape[0] > _SEARCH_SAMPLE_ROWS:
        pick = np.random.default_rng(seed).choice(data.shape[0], _SEARCH_SAMPLE_ROWS, replace=False)
        data = data[np.sort(pick)]
    top = min(max_clusters, _distinct_rows(data))
    if top <= 2:
        return top
    ks = np.arange(1, top + 1)
    inertia = np.array([_kmeans(data, int(k), seed, 100, 1e-4)[1] for k in ks])
    if inertia[0] <= 0.0:
        return 1
    x = (ks - 1) / (top - 1)
    y = (inertia - inertia[-1]) / (inertia[0] - inertia[-1] or 1.0)
    gap = (1.0 - x) - y
    return int(ks[int(np.argmax(gap))])


def _numeric(dataset: np.ndarray) -> FloatArray:
    data = np.asarray(dataset)
    if data.ndim != 2 or data.shape[0] == 0:
        raise InsufficientData("K-means needs a non-empty 2-D dataset of feature rows")
    try:
        out = data.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise EngineError(
            "K-means baselines need numeric features; categorical data (K-prototypes) is not "
            "supported, so provide explicit baseline rows"
        ) from exc
    if not np.all(np.isfinite(out)):
        raise EngineError("the dataset holds NaN or infinite values; K-means cannot use it")
    return out


def _distinct_rows(data: FloatArray) -> int:
    return int(np.unique(data, axis=0).shape[0])


def _sq_dist(data: FloatArray, centres: FloatArray) -> FloatArray:
    """Squared Euclidean distances ``(n, k)``, clipped at 0 against cancellation."""
    d = (data**2).sum(1)[:, None] - 2.0 * data @ centres.T + (centres**2).sum(1)[None, :]
    return np.asarray(np.maximum(d, 0.0), dtype=np.float64)


def _kmeans_pp(data: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    """k-means++ seeding: each next centre drawn with probability proportional to D(x)^2."""
    centres = [data[rng.integers(data.shape[0])]]
    closest = _sq_dist(data, np.asarray(centres))[:, 0]
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0.0:
            idx = int(rng.integers(data.shape[0]))
        else:
            idx = int(rng.choice(data.shape[0], p=closest / total))
        centres.append(data[idx])
        closest = np.minimum(closest, _sq_dist(data, data[idx][None, :])[:, 0])
    return np.asarray(centres, dtype=np.float64)


def _kmeans(
    data: FloatArray, k: int, seed: int | None, max_iter: int, tol: float
) -> tuple[FloatArray, float]:
    """Lloyd's algorithm from k-means++ seeds; returns (centres, inertia)."""
    if k < 1:
        raise EngineError(f"num_clusters must be at least 1, got {k}")
    if data.shape[0] < k:
        raise InsufficientData(
            f"{k} clusters need at least {k} rows, the dataset has {data.shape[0]}"
        )
    rng = np.random.default_rng(seed)
    centres = _kmeans_pp(data, k, rng)
    scale = float(np.mean(np.var(data, axis=0))) or 1.0
    for _ in range(max_iter):
        labels = np.argmin(_sq_dist(data, centres), axis=1)
        counts = np.bincount(labels, minlength=k).astype(np.float64)
        sums = (labels[None, :] == np.arange(k)[:, None]).astype(np.float64) @ data
        new = centres.copy()
        filled = counts > 0
        new[filled] = sums[filled] / counts[filled, None]
        shift = float(((new - centres) ** 2).sum())
        centres = new
        if shift <= tol * scale:
            break
    dist = _sq_dist(data, centres)
    return centres, float(dist.min(axis=1).sum())
