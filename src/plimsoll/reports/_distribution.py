"""Put a baseline and a current distribution on the same axis so they can be overlaid.

Numeric features: baseline and current statistics each carry 10 KLL buckets, but their edges
differ (each spans its own min..max), so their bars cannot be compared directly. We re-bin both
onto one common grid spanning the union of the two ranges:

* when the statistics carry the KLL sketch (always, for SageMaker's analyzer), every sketch item
  is dropped into the grid bin containing it with its weight ``2**level``; this is the same
  approximation SageMaker uses to derive its own buckets, only on a shared grid;
* without a sketch, each bucket's count is spread uniformly over the grid bins it overlaps
  (the usual "uniform within a bin" assumption).

Counts are then divided by their total, so each curve shows the share of *present* values per
bin and windows with different row counts compare fairly. Integral features with a small range
get one bin per integer (edges at ``k ± 0.5``) so that 0/1 flags show as two clean bars.

String features: shares are ``count / num_present`` per category; the categories shown are the
top ones by the larger of their two shares, ties broken by the value for determinism.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from plimsoll.reports._documents import FeatureStats

DEFAULT_BINS = 20
MAX_INTEGER_BINS = 40


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if math.isfinite(v)]


def _range(feature: FeatureStats) -> tuple[float, float] | None:
    lows = _finite([feature.minimum, *(item for item, _ in feature.sketch[:1])])
    highs = _finite([feature.maximum, *(item for item, _ in feature.sketch[-1:])])
    lows += [b[0] for b in feature.buckets]
    highs += [b[1] for b in feature.buckets]
    if not lows or not highs:
        return None
    return min(lows), max(highs)


def common_grid(features: Sequence[FeatureStats], bins: int = DEFAULT_BINS) -> list[float]:
    """Bin edges covering every given numeric feature's range (empty when none has data)."""
    ranges = [r for r in map(_range, features) if r is not None]
    if not ranges:
        return []
    low = min(r[0] for r in ranges)
    high = max(r[1] for r in ranges)
    integral = all(f.inferred_type == "Integral" for f in features)
    if integral and low.is_integer() and high.is_integer() and high - low < MAX_INTEGER_BINS:
        return [low - 0.5 + i for i in range(int(high - low) + 2)]
    if high <= low:
        return [low - 0.5, low + 0.5]
    width = (high - low) / bins
    return [low + width * i for i in range(bins)] + [high]


def _bin_index(edges: Sequence[float], value: float) -> int:
    return min(max(bisect.bisect_right(edges, value) - 1, 0), len(edges) - 2)


def shares_on_grid(feature: FeatureStats, edges: Sequence[float]) -> list[float]:
    """Share of the feature's present values falling in each bin of ``edges``."""
    counts = [0.0] * (len(edges) - 1)
    if len(edges) < 2:
        return counts
    if feature.sketch:
        for item, weight in feature.sketch:
            counts[_bin_index(edges, item)] += weight
    else:
        for lower, upper, count in feature.buckets:
            if upper <= lower:
                counts[_bin_index(edges, lower)] += count
                continue
            for i in range(len(counts)):
                overlap = min(upper, edges[i + 1]) - max(lower, edges[i])
                if overlap > 0:
                    counts[i] += count * overlap / (upper - lower)
    total = sum(counts)
    return [c / total for c in counts] if total > 0 else counts


def quantile(feature: FeatureStats, q: float) -> float:
    """Approximate ``q``-quantile from the KLL sketch (or the buckets when there is none)."""
    if feature.sketch:
        total = sum(weight for _, weight in feature.sketch)
        running = 0.0
        for item, weight in feature.sketch:
            running += weight
            if running >= q * total:
                return item
        return feature.sketch[-1][0]
    total = sum(count for _, _, count in feature.buckets)
    running = 0.0
    for lower, upper, count in feature.buckets:
        if count > 0 and running + count >= q * total:
            return lower + (upper - lower) * (q * total - running) / count
        running += count
    return math.nan


def category_shares(feature: FeatureStats) -> dict[str, float]:
    """Share of present values per category (by ``num_present``, else the bucket total)."""
    total = float(feature.num_present) or sum(count for _, count in feature.categories)
    if total <= 0:
        return {}
    shares: dict[str, float] = {}
    for value, count in feature.categories:
        shares[value] = shares.get(value, 0.0) + count / total
    return shares


def top_categories(shares: Sequence[dict[str, float]], limit: int = 15) -> list[str]:
    """The ``limit`` categories with the largest share in any of the given distributions."""
    best: dict[str, float] = {}
    for distribution in shares:
        for value, share in distribution.items():
            best[value] = max(best.get(value, 0.0), share)
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    return [value for value, _ in ranked[:limit]]
