"""Which coalitions Kernel SHAP evaluates, and with which Shapley-kernel weights.

A coalition is a boolean mask over the M features in the game: ``True`` keeps the instance's
value, ``False`` takes the baseline's. Clarify evaluates ``min(num_samples, 2^M - 2)``
coalitions per record (spec §3.1); when that budget covers every proper non-empty subset we
enumerate them all and the regression returns exact Shapley values.

Otherwise we follow shap's ``KernelExplainer`` sampler: whole subset sizes are enumerated
while the budget lets us (sizes 1 and M-1 first, each mask paired with its complement), and
the rest of the budget is drawn at random by subset size, duplicates adding weight instead of
rows. The masks depend only on M, the budget and the seed, never on the record, so one set is
drawn per job and shared by every explained row (spec §6 hint 2): that is what lets the engine
build all perturbed rows of a batch at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

__all__ = ["Coalitions", "default_num_samples", "exact_coalitions", "sample_coalitions"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Coalitions:
    """Masks ``(K, M)`` and their regression weights ``(K,)``; ``exact`` when all 2^M-2."""

    masks: NDArray[np.bool_]
    weights: NDArray[np.float64]
    exact: bool


def max_coalitions(num_features: int) -> int:
    """2^M - 2: every subset except the empty and the full one (0 for M <= 1)."""
    return max(0, (1 << num_features) - 2)


def default_num_samples(num_features: int) -> int:
    """Clarify's default budget ``min(2M + 2048, 2^M - 2)`` (shap's ``nsamples="auto"``)."""
    return min(2 * num_features + 2048, max_coalitions(num_features))


def _kernel_weight(num_features: int, size: NDArray[np.int64]) -> NDArray[np.float64]:
    """Shapley-kernel weight of ONE coalition of ``size``: (M-1) / (C(M,s) s (M-s))."""
    table = np.array(
        [math.comb(num_features, s) for s in range(num_features + 1)], dtype=np.float64
    )
    s = size.astype(np.float64)
    with np.errstate(divide="ignore"):
        return (num_features - 1) / (table[size] * s * (num_features - s))


def exact_coalitions(num_features: int) -> Coalitions:
    """All 2^M - 2 proper non-empty coalitions with their exact kernel weights."""
    codes = np.arange(1, 2**num_features - 1, dtype=np.int64)
    masks = ((codes[:, None] >> np.arange(num_features)) & 1).astype(bool)
    weights = _kernel_weight(num_features, masks.sum(axis=1))
    return Coalitions(masks=masks, weights=weights / weights.sum(), exact=True)


def sample_coalitions(num_features: int, num_samples: int, seed: int | None) -> Coalitions:
    """Budgeted coalitions: exact enumeration when it fits, else shap's paired sampler."""
    m = num_features
    if m <= 1:
        empty = np.zeros((0, m), dtype=bool)
        return Coalitions(masks=empty, weights=np.zeros(0), exact=True)
    if num_samples >= max_coalitions(m):
        return exact_coalitions(m)
    rng = np.random.default_rng(seed)
    num_sizes = math.ceil((m - 1) / 2)
    num_paired = (m - 1) // 2
    size_weight = np.array([(m - 1) / (i * (m - i)) for i in range(1, num_sizes + 1)])
    size_weight[:num_paired] *= 2
    size_weight /= size_weight.sum()

    masks: list[NDArray[np.bool_]] = []
    weights: list[float] = []
    left = num_samples
    remaining = size_weight.copy()
    full_sizes = 0
    for size in range(1, num_sizes + 1):
        paired = size <= num_paired
        count = math.comb(m, size) * (2 if paired else 1)
        if left * remaining[size - 1] / count < 1.0 - 1e-8:
            break
        full_sizes += 1
        left -= count
        if remaining[size - 1] < 1.0:
            remaining /= 1.0 - remaining[size - 1]
        w = size_weight[size - 1] / count
        for subset in combinations(range(m), size):
            mask = np.zeros(m, dtype=bool)
            mask[list(subset)] = True
            masks.append(mask)
            weights.append(w)
            if paired:
                masks.append(~mask)
                weights.append(w)
    num_fixed = len(masks)
    if full_sizes < num_sizes and left > 0:
        _sample_rest(rng, m, left, size_weight, full_sizes, num_paired, masks, weights)
        rest = np.asarray(weights[num_fixed:])
        scale = size_weight[full_sizes:].sum() / rest.sum()
        weights[num_fixed:] = list(rest * scale)
    mask_array = np.asarray(masks, dtype=bool).reshape(len(masks), m)
    return Coalitions(masks=mask_array, weights=np.asarray(weights, dtype=np.float64), exact=False)


def _sample_rest(
    rng: np.random.Generator,
    m: int,
    left: int,
    size_weight: NDArray[np.float64],
    full_sizes: int,
    num_paired: int,
    masks: list[NDArray[np.bool_]],
    weights: list[float],
) -> None:
    """Draw ``left`` more masks by subset size; a repeated mask adds 1 to its weight."""
    probs = size_weight.copy()
    probs[:num_paired] /= 2
    probs = probs[full_sizes:]
    probs /= probs.sum()
    draws = rng.choice(len(probs), 4 * left, p=probs)
    seen: dict[bytes, int] = {}
    for draw in draws:
        if left <= 0:
            break
        size = int(draw) + full_sizes + 1
        mask = np.zeros(m, dtype=bool)
        mask[rng.permutation(m)[:size]] = True
        candidates = [mask, ~mask] if size <= num_paired else [mask]
        for candidate in candidates:
            key = candidate.tobytes()
            if key in seen:
                weights[seen[key]] += 1.0
            elif left > 0:
                seen[key] = len(masks)
                masks.append(candidate)
                weights.append(1.0)
                left -= 1
