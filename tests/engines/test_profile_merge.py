"""map/merge/finalize: partitions merge to the profile of the whole; states round-trip."""

from __future__ import annotations

import random
from functools import reduce

import datasketches
import pyarrow as pa

from plimsoll.engines.profile import (
    ZERO,
    ProfileResult,
    ProfileState,
    finalize,
    merge,
    profile_batch,
)
from plimsoll.engines.profile.columns import NumericState, StringState, column_state

EPS = datasketches.kll_doubles_sketch.get_normalized_rank_error(2048, False)
ROWS = 5000


def _table(seed: int = 7) -> pa.Table:
    rng = random.Random(seed)
    return pa.table(
        {
            "x": [rng.gauss(50, 20) if rng.random() > 0.05 else None for _ in range(ROWS)],
            "n": [rng.randint(-5, 300) for _ in range(ROWS)],
            "s": [rng.choice(["a", "b", "c", "", None]) for _ in range(ROWS)],
            "t": [str(rng.randint(0, 9)) for _ in range(ROWS)],
        }
    )


def _partitions(table: pa.Table, seed: int) -> list[ProfileState]:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, ROWS), 6))
    bounds = [0, *cuts, ROWS]
    return [profile_batch(table.slice(a, b - a)) for a, b in zip(bounds, bounds[1:], strict=False)]


def _assert_same(ours: ProfileResult, whole: ProfileResult) -> None:
    assert ours.item_count == whole.item_count
    for a, b in zip(ours.columns, whole.columns, strict=True):
        assert (a.name, a.inferred_type, a.num_present, a.num_missing) == (
            b.name,
            b.inferred_type,
            b.num_present,
            b.num_missing,
        )
        assert a.string == b.string
        if b.numeric is None:
            assert a.numeric is None
            continue
        assert a.numeric is not None
        assert (a.numeric.min, a.numeric.max) == (b.numeric.min, b.numeric.max)
        assert abs(a.numeric.sum - b.numeric.sum) <= 1e-9 * abs(b.numeric.sum)
        assert abs(a.numeric.mean - b.numeric.mean) <= 1e-9 * abs(b.numeric.mean)
        assert abs(a.numeric.std_dev - b.numeric.std_dev) <= 1e-9 * b.numeric.std_dev
        sa = datasketches.kll_doubles_sketch.deserialize(a.numeric.sketch)
        sb = datasketches.kll_doubles_sketch.deserialize(b.numeric.sketch)
        tol = 2 * EPS + 1 / ROWS
        for q in (0.05, 0.25, 0.5, 0.75, 0.95):
            estimate = sa.get_quantile(q)
            assert sb.get_rank(estimate, False) - tol <= q <= sb.get_rank(estimate, True) + tol


def test_partitions_merge_to_whole() -> None:
    table = _table()
    whole = finalize(profile_batch(table))
    for seed in range(3):
        merged = finalize(reduce(merge, _partitions(table, seed), ZERO))
        _assert_same(merged, whole)
    assert whole.columns[0].num_missing > 0 and whole.columns[2].num_missing > 0


def test_associativity_and_zero_identity() -> None:
    a, b, c = _partitions(_table(), 11)[:3]
    left = finalize(merge(merge(a, b), c))
    right = finalize(merge(a, merge(b, c)))
    _assert_same(left, right)
    assert merge(ZERO, a) == a
    assert merge(a, ZERO) == a


def test_different_columns_count_missing() -> None:
    a = profile_batch(pa.record_batch({"x": [1, 2]}))
    b = profile_batch(pa.record_batch({"y": ["u", "v", "w"]}))
    result = finalize(merge(a, b))
    assert [(c.name, c.num_present, c.num_missing) for c in result.columns] == [
        ("x", 2, 3),
        ("y", 3, 2),
    ]


def test_state_round_trip() -> None:
    state = column_state("s", pa.array(["a", "b", "b", "1.5", None, "é"]))
    assert state.strings is not None
    assert StringState.from_bytes(state.strings.to_bytes()) == state.strings
    assert NumericState.from_bytes(state.numeric.to_bytes()) == state.numeric
    numeric = column_state("x", pa.array([float(i) for i in range(10_000)])).numeric
    restored = NumericState.from_bytes(numeric.to_bytes())
    assert restored == numeric
    assert restored.sketch().get_quantile(0.5) == numeric.sketch().get_quantile(0.5)
