"""The flip test's k-d tree path gives exactly the brute-force neighbours' answer."""

from __future__ import annotations

import numpy as np
import pytest

from plimsoll.engines.bias import flip_test as ft


@pytest.mark.parametrize("seed", [5, 6])
def test_tree_and_brute_force_agree(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(3000, 3))  # continuous: no two distances tie
    facet = rng.random(3000) < 0.4
    predicted = rng.random(3000) < 0.5
    monkeypatch.setattr(ft, "KD_TREE_MIN_PAIRS", 10**18)
    brute = ft.flip_test(features, facet, predicted)
    monkeypatch.setattr(ft, "KD_TREE_MIN_PAIRS", 0)
    assert ft.flip_test(features, facet, predicted) == brute
