"""The flip test's nearest-neighbour step, in numpy (no scikit-learn at run time).

smclarify fits ``KNeighborsClassifier`` (Euclidean, uniform weights) on the advantaged rows'
features -> predicted labels, predicts every disadvantaged row, and reports
``(#{model 1, kNN 0} - #{model 0, kNN 1}) / n_d``. k is 5, or 1 when the advantaged group has
at most 9 rows. Ties in the vote cannot happen (k odd, two classes); ties in *distance* at the
k-th neighbour are broken by the lower row index here, where scikit-learn's trees may pick
another row: results can then differ on data with duplicated feature rows.

With few features (at most ``KD_TREE_MAX_FEATURES``) and many row pairs the neighbours come
from a k-d tree (SciPy's ``cKDTree``, as scikit-learn's kNN uses a tree): O(n log n). Otherwise
the exact brute-force search below, O(n_a * n_d * features), in row chunks that keep memory
near ``_CHUNK_CELLS``. Both re-rank their k + 8 nearest candidates by (distance, row index);
when more rows than that tie at the k-th distance, which of them are used is unspecified
(as with scikit-learn's trees), so the two paths agree exactly only without such ties.
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


def _tree_votes(
    train: npt.NDArray[np.float64],
    train_labels: npt.NDArray[np.bool_],
    query: npt.NDArray[np.float64],
    k: int,
) -> npt.NDArray[np.bool_]:
    candidates = min(train.shape[0], k + _EXTRA_CANDIDATES)
    distance, near = cKDTree(train).query(query, k=candidates)
    distance = np.asarray(distance).reshape(query.shape[0], candidates)
    near = np.asarray(near).reshape(query.shape[0], candidates)
    order = np.lexsort((near, distance), axis=1)[:, :k]
    chosen = np.take_along_axis(near, order, axis=1)
    votes: npt.NDArray[np.bool_] = 2 * train_labels[chosen].sum(axis=1) > k
    return votes


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
        return _tree_votes(train, train_labels, query, k)
    votes = np.empty(query.shape[0], dtype=bool)
    train_sq = np.einsum("ij,ij->i", train, train)
    step = max(1, _CHUNK_CELLS // max(1, train.shape[0]))
    for start in range(0, query.shape[0], step):
        block = query[start : start + step]
        # exact squared distances: expand, then correct rounding by recomputing candidates
        approx = (
            train_sq[None, :] - 2.0 * block @ train.T + np.einsum("ij,ij->i", block, block)[:, None]
        )
        candidates = min(train.shape[0], k + 8)
        near = np.argpartition(approx, candidates - 1, axis=1)[:, :candidates]
        diff = block[:, None, :] - train[near]
        exact = np.einsum("ijk,ijk->ij", diff, diff)
        order = np.lexsort((near, exact), axis=1)[:, :k]
        chosen = np.take_along_axis(near, order, axis=1)
        votes[start : start + step] = 2 * train_labels[chosen].sum(axis=1) > k
    return votes


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
