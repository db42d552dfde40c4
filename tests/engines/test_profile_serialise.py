"""Profile states survive their byte form: hosts exchange partial profiles as bytes."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from plimsoll.engines.profile import (
    ZERO,
    finalize,
    merge,
    profile_batch,
    state_from_bytes,
    state_to_bytes,
)


def _table(rows: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    return pa.table(
        {
            "x": [str(rng.gauss(0, 3)) if rng.random() > 0.1 else None for _ in range(rows)],
            "n": [rng.randint(0, 5000) for _ in range(rows)],
            "s": [rng.choice(["a", "b", "", "ü"]) for _ in range(rows)],
            "many": [f"v{rng.randint(0, 10**6)}" for _ in range(rows)],  # overflows the cap
            "empty": pa.nulls(rows),
        }
    )


def test_a_state_round_trips_to_an_equal_state() -> None:
    state = profile_batch(_table(3000, 1))
    again = state_from_bytes(state_to_bytes(state))
    assert again == state
    assert finalize(again) == finalize(state)


def test_the_empty_state_round_trips() -> None:
    assert state_from_bytes(state_to_bytes(ZERO)) == ZERO


def test_merging_decoded_parts_equals_merging_the_parts() -> None:
    a, b = profile_batch(_table(500, 2)), profile_batch(_table(700, 3))
    decoded = merge(state_from_bytes(state_to_bytes(a)), state_from_bytes(state_to_bytes(b)))
    direct = merge(a, b)
    assert decoded.item_count == direct.item_count == 1200
    assert [c.name for c in decoded.columns] == [c.name for c in direct.columns]
    for ours, theirs in zip(finalize(decoded).columns, finalize(direct).columns, strict=True):
        assert (ours.num_present, ours.num_missing, ours.string) == (
            theirs.num_present,
            theirs.num_missing,
            theirs.string,
        )


@pytest.mark.parametrize("cut", [0, 3, 20, -1])
def test_a_truncated_or_foreign_blob_is_refused(cut: int) -> None:
    raw = state_to_bytes(profile_batch(_table(50, 4)))
    with pytest.raises(ValueError):
        state_from_bytes(raw[:cut])
    with pytest.raises(ValueError):
        state_from_bytes(b"XXXX" + raw[4:])
    with pytest.raises(ValueError):
        state_from_bytes(raw + b"\0")
