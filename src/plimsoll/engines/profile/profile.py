"""The data-quality profile engine: map a batch, merge states, finalize to statistics."""

from __future__ import annotations

import logging
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import datasketches
import pyarrow as pa

from plimsoll.engines.profile.columns import (
    KLL_K,
    ColumnState,
    InferredType,
    NumericState,
    column_state,
    merge_columns,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ZERO",
    "BUCKET_COUNT",
    "Bucket",
    "ColumnResult",
    "NumericSummary",
    "ProfileResult",
    "ProfileState",
    "StringSummary",
    "finalize",
    "merge",
    "profile_batch",
]

BUCKET_COUNT = 10
PARALLEL_MIN_CELLS = 200_000
"""Batches smaller than this are profiled column after column: threads would cost more."""
_POOL = ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1), thread_name_prefix="profile")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileState:
    """Partial profile of some rows; columns keep first-seen order."""

    item_count: int = 0
    columns: tuple[ColumnState, ...] = ()


ZERO = ProfileState()


@dataclass(frozen=True, slots=True, kw_only=True)
class Bucket:
    """One equal-width histogram bucket (counts come from the KLL sketch)."""

    lower_bound: float
    upper_bound: float
    count: float


@dataclass(frozen=True, slots=True, kw_only=True)
class NumericSummary:
    """Numeric statistics of an Integral or Fractional column."""

    mean: float
    sum: float
    std_dev: float
    min: float
    max: float
    buckets: tuple[Bucket, ...]
    sketch_k: int
    sketch_levels: tuple[tuple[float, ...], ...]
    sketch: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class StringSummary:
    """String statistics; ``frequencies`` is ``None`` when the value cap overflowed."""

    distinct_count: float
    frequencies: tuple[tuple[str, int], ...] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnResult:
    """Final statistics of one column."""

    name: str
    inferred_type: InferredType
    num_present: int
    num_missing: int
    numeric: NumericSummary | None = None
    string: StringSummary | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileResult:
    """Final statistics of a dataset, columns in input order."""

    item_count: int
    columns: tuple[ColumnResult, ...]


def profile_batch(batch: pa.RecordBatch | pa.Table) -> ProfileState:
    """Map step: profiles one batch (string or typed columns).

    Args:
        batch: Rows to profile; column names become feature names.

    Returns:
        The partial state; combine partial states with :func:`merge`.
    """
    names = batch.schema.names
    if batch.num_rows * len(names) < PARALLEL_MIN_CELLS or len(names) < 2:
        columns = tuple(column_state(name, batch.column(i)) for i, name in enumerate(names))
    else:
        # Arrow's kernels and the sketches release the GIL: columns profile in parallel.
        columns = tuple(
            _POOL.map(lambda i: column_state(names[i], batch.column(i)), range(len(names)))
        )
    return ProfileState(item_count=batch.num_rows, columns=columns)


def merge(a: ProfileState, b: ProfileState) -> ProfileState:
    """Associative merge with identity :data:`ZERO`.

    A column absent from one side counts that side's rows as missing, so batches with
    different columns still add up.
    """
    left = {c.name: c for c in a.columns}
    right = {c.name: c for c in b.columns}
    names = list(left) + [n for n in right if n not in left]
    merged = []
    for name in names:
        x = left.get(name) or ColumnState(name=name, missing=a.item_count)
        y = right.get(name) or ColumnState(name=name, missing=b.item_count)
        merged.append(merge_columns(x, y))
    return ProfileState(item_count=a.item_count + b.item_count, columns=tuple(merged))


def _buckets(numeric: NumericState) -> tuple[Bucket, ...]:
    """Deequ's KLLSketch buckets: [lo, hi) by sketch rank, the last one closed at max."""
    sketch = numeric.sketch()
    n = numeric.count
    lo, hi = numeric.minimum, numeric.maximum
    out = []
    for i in range(BUCKET_COUNT):
        low = lo + (hi - lo) * i / BUCKET_COUNT
        high = lo + (hi - lo) * (i + 1) / BUCKET_COUNT
        below_high = 1.0 if i == BUCKET_COUNT - 1 else sketch.get_rank(high, False)
        count = round(below_high * n) - round(sketch.get_rank(low, False) * n)
        out.append(Bucket(lower_bound=low, upper_bound=high, count=float(count)))
    return tuple(out)


def _levels(numeric: NumericState) -> tuple[tuple[float, ...], ...]:
    """Retained sketch items grouped by level (an item of weight 2^i sits on level i)."""
    by_level: dict[int, list[float]] = {}
    for item, weight in numeric.sketch():
        by_level.setdefault(int(weight).bit_length() - 1, []).append(float(item))
    top = max(by_level, default=-1)
    return tuple(tuple(by_level.get(level, [])) for level in range(top + 1))


def _finalize_column(state: ColumnState) -> ColumnResult:
    kind = state.inferred_type
    result = ColumnResult(
        name=state.name, inferred_type=kind, num_present=state.present, num_missing=state.missing
    )
    num = state.numeric
    if kind in (InferredType.INTEGRAL, InferredType.FRACTIONAL):
        numeric = NumericSummary(
            mean=num.mean,
            sum=num.total,
            std_dev=math.sqrt(max(num.m2, 0.0) / num.count),
            min=num.minimum,
            max=num.maximum,
            buckets=_buckets(num),
            sketch_k=KLL_K,
            sketch_levels=_levels(num),
            sketch=num.kll,
        )
        return replace(result, numeric=numeric)
    if kind is InferredType.STRING and state.strings is not None:
        strings = state.strings
        if strings.overflowed:
            estimate = (
                datasketches.hll_sketch.deserialize(strings.hll).get_estimate()
                if strings.hll
                else 0.0
            )
            string = StringSummary(distinct_count=float(round(estimate)), frequencies=None)
        else:
            string = StringSummary(
                distinct_count=float(len(strings.counts)), frequencies=strings.counts
            )
        return replace(result, string=string)
    return result


def finalize(state: ProfileState) -> ProfileResult:
    """Finalize step: turns a merged state into statistics."""
    return ProfileResult(
        item_count=state.item_count,
        columns=tuple(_finalize_column(c) for c in state.columns),
    )
