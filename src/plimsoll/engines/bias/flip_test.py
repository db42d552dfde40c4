"""The flip test's nearest-neighbour step, in numpy, with scikit-learn for distance ties.

smclarify fits ``KNeighborsClassifier`` (Euclidean, uniform weights, ``algorithm="auto"``) on
the advantaged rows' features -> predicted labels, predicts every disadvantaged row, and
reports ``(#{model 1, kNN 0} - #{model 0, kNN 1}) / n_d``. k is 5, or 1 when the advantaged
group has at most 9 rows. Ties in the vote cannot happen (k odd, two classes).

Ties in *distance* at the k-th neighbour are common on tabular data (integer codes, rounded
values), and which tied row scikit-learn uses depends on its tree's layout. So rows whose
k-th and (k+1)-th nearest distances are equal are voted by scikit-learn's own
``KNeighborsClassifier``, fitted exactly as smclarify fits it: FT then equals smclarify's
(tests/reference). Every other row is voted here, faster:

With few features (at most ``KD_TREE_MAX_FEATURES``) and many row pairs the neighbours come
from a k-d tree (SciPy's ``cKDTree``): O(n log n). Otherwise the exact brute-force search
below, O(n_a * n_d * features) in BLAS, in row chunks that keep memory near ``_CHUNK_CELLS``.
Both rank their k + 8 nearest candidates by distance, which also shows the ties.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

__all__ = ["flip_test", "neighbour_votes"]

DEFAULT_NEIGHBOURS = 5
MIN_NEIGHBOURS = 1
SAMPLES_THRESHOLD = 9
_CHUNK_CELLS = 4_000_000
KD_TREE_MAX_FEATURES = 16
KD_TREE_MIN_PAIRS = 10_000_000
_EXTRA_CANDIDATES = 8  # neighbours fetched beyond k, so distance ties resolve by row index


def _ranked(
    near: npt.NDArray[np.intp], distance: npt.NDArray[np.float64], k: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """The k nearest candidates per row, and whether the k-th ties with the next one."""
    order = np.lexsort((near, distance), axis=1)
    chosen = np.take_along_axis(near, order[:, :k], axis=1)
    if near.shape[1] <= k:
        return chosen, np.zeros(near.shape[0], dtype=bool)
    ranked = np.take_along_axis(distance, order[:, k - 1 : k + 1], axis=1)
    return chosen, ranked[:, 0] == ranked[:, 1]


def _tree_votes(
    train: npt.NDArray[np.float64],
    train_labels: npt.NDArray[np.bool_],
    query: npt.NDArray[np.float64],
    k: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    candidates = min(train.shape[0], k + _EXTRA_CANDIDATES)
    distance, near = cKDTree(train).query(query, k=candidates)
    distance = np.asarray(distance).reshape(query.shape[0], candidates)
    near = np.asarray(near).reshape(query.shape[0], candidates)
    chosen, tied = _ranked(near, distance, k)
    votes: npt.NDArray[np.bool_] = 2 * train_labels[chosen].sum(axis=1) > k
    return votes, tied


def _sklearn_votes(
    train: npt.NDArray[np.float64],
    train_labels: npt.NDArray[np.bool_],
    query: npt.NDArray[np.float64],
    k: int,
) -> npt.NDArray[np.bool_]:
    """scikit-learn's votes, with smclarify's estimator settings (for tied rows)."""
    from sklearn.neighbors import KNeighborsClassifier  # only when ties need it

    knn = KNeighborsClassifier(
        n_neighbors=k, weights="uniform", algorithm="auto", leaf_size=30, p=2, metric="minkowski"
    )
    knn.fit(train, train_labels)
    return np.asarray(knn.predict(query), dtype=bool)


def neighbour_votes(
    train: npt.NDArray[np.float64],
    train_labels: npt.NDArray[np.bool_],
    query: npt.NDArray[np.float64],
    k: int,
) -> npt.NDArray[np.bool_]:
    """Majority label of the k nearest training rows (Euclidean) of each query row."""
    k = min(k, train.shape[0])
    pairs = train.shape[0] * query.shape[0]
    if train.shape[1] <= KD_TREE_MAX_FEATURES and pairs >= KD_TREE_MIN_PAIRS:
        votes, tied = _tree_votes(train, train_labels, query, k)
    else:
        votes, tied = _brute_votes(train, train_labels, query, k)
    if tied.any():
        votes[tied] = _sklearn_votes(train, train_labels, query[tied], k)
    return votes


def _brute_votes(
    train: npt.NDArray[np.float64],
    train_labels: npt.NDArray[np.bool_],
    query: npt.NDArray[np.float64],
    k: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    votes = np.empty(query.shape[0], dtype=bool)
    tied = np.zeros(query.shape[0], dtype=bool)
    train_sq = np.einsum("ij,ij->i", train, train)
    step = max(1, _CHUNK_CELLS // max(1, train.shape[0]))
    for start in range(0, query.shape[0], step):
        block = query[start : start + step]
        # exact squared distances: expand, then correct rounding by recomputing candidates
        approx = (
            train_sq[None, :] - 2.0 * block @ train.T + np.einsum("ij,ij->i", block, block)[:, None]
        )
        candidates = min(train.shape[0], k + _EXTRA_CANDIDATES)
        near = np.argpartition(approx, candidates - 1, axis=1)[:, :candidates]
        diff = block[:, None, :] - train[near]
        exact = np.einsum("ijk,ijk->ij", diff, diff)
        chosen, tied[start : start + step] = _ranked(near, exact, k)
        votes[start : start + step] = 2 * train_labels[chosen].sum(axis=1) > k
    return votes, tied


def flip_test(
    features: npt.NDArray[np.float64],
    facet: npt.NDArray[np.bool_],
    predicted: npt.NDArray[np.bool_],
) -> float:
    """FT for one facet group; both groups must be non-empty (checked by the caller)."""
    train, query = features[~facet], features[facet]
    k = DEFAULT_NEIGHBOURS if train.shape[0] > SAMPLES_THRESHOLD else MIN_NEIGHBOURS
    knn = neighbour_votes(train, predicted[~facet], query, k)
    model = predicted[facet]
    flips_positive = int(np.count_nonzero(model & ~knn))
    flips_negative = int(np.count_nonzero(~model & knn))
    return (flips_positive - flips_negative) / int(query.shape[0])
