"""Properties of spec §4 on seeded random data: symmetry, sign flips, row-order invariance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from plimsoll.engines.bias import (
    POST_TRAINING_METRICS,
    PRE_TRAINING_METRICS,
    Stage,
    bias_report,
    make_inputs,
)

SEEDS = range(8)
# a - d or d - a differences: swapping the facet with its complement flips their sign
ANTISYMMETRIC = ["CI", "DPL", "DPPL", "AD", "RD", "SD", "DAR", "DRR", "DCA", "DCR", "TE"]
SYMMETRIC = ["JS", "LP", "TVD", "KS", "GE"]
ALL = {**PRE_TRAINING_METRICS, **POST_TRAINING_METRICS}


def _random(seed: int, n: int = 300):
    rng = np.random.default_rng(seed)
    facet = rng.random(n) < rng.uniform(0.2, 0.6)
    label = rng.random(n) < np.where(facet, 0.3, 0.6)
    predicted = np.where(rng.random(n) < 0.8, label, ~label)
    groups = rng.integers(0, 4, size=n).astype(np.intp)
    features = rng.normal(size=(n, 3))
    return facet, label, predicted, groups, features


@pytest.mark.parametrize("seed", SEEDS)
def test_swapping_facet_and_complement(seed: int) -> None:
    facet, label, predicted, groups, features = _random(seed)
    one = make_inputs(
        facet=facet, label=label, predicted=predicted, groups=groups, features=features
    )
    other = make_inputs(
        facet=~facet, label=label, predicted=predicted, groups=groups, features=features
    )
    for name in ANTISYMMETRIC:
        assert ALL[name](other) == pytest.approx(-ALL[name](one), abs=1e-12), name
    for name in SYMMETRIC:
        assert ALL[name](other) == pytest.approx(ALL[name](one), abs=1e-12), name
    assert ALL["DI"](other) == pytest.approx(1 / ALL["DI"](one))


@pytest.mark.parametrize("seed", SEEDS)
def test_row_order_does_not_matter(seed: int) -> None:
    facet, label, predicted, groups, features = _random(seed)
    order = np.random.default_rng(seed + 100).permutation(facet.size)
    one = make_inputs(
        facet=facet, label=label, predicted=predicted, groups=groups, features=features
    )
    shuffled = make_inputs(
        facet=facet[order],
        label=label[order],
        predicted=predicted[order],
        groups=groups[order],
        features=features[order],
    )
    for name, metric in ALL.items():
        assert metric(shuffled) == pytest.approx(metric(one), abs=1e-12), name


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_label_identities(seed: int) -> None:
    facet, label, predicted, groups, _ = _random(seed)
    inputs = make_inputs(facet=facet, label=label, predicted=label, groups=groups)
    dpl = ALL["DPL"](inputs)
    assert ALL["DPPL"](inputs) == pytest.approx(dpl, abs=1e-15)
    assert ALL["CDDPL"](inputs) == pytest.approx(ALL["CDDL"](inputs), abs=1e-15)
    assert ALL["KS"](inputs) == pytest.approx(abs(dpl), abs=1e-15)
    assert ALL["TVD"](inputs) == pytest.approx(abs(dpl), abs=1e-15)
    assert ALL["LP"](inputs) == pytest.approx(math.sqrt(2) * abs(dpl), abs=1e-15)


def test_one_vs_all_binary_facet_mirrors_values() -> None:
    facet, label, predicted, groups, features = _random(3)
    column = np.where(facet, "x", "y").astype(object)
    yes = np.where(label, "yes", "no").astype(object)
    pred = np.where(predicted, "yes", "no").astype(object)
    pre_x, pre_y = bias_report(
        facet=column,
        facet_values_or_threshold=None,
        label=yes,
        label_values_or_threshold=["yes"],
        stage=Stage.PRE_TRAINING,
        group_variable=groups,
    )
    assert {pre_x.value_or_threshold, pre_y.value_or_threshold} == {"x", "y"}
    vx = {m.name: m.value for m in pre_x.metrics}
    vy = {m.name: m.value for m in pre_y.metrics}
    for name in ("CI", "DPL"):
        assert vx[name] == pytest.approx(-vy[name])
    for name in ("JS", "KS", "LP", "TVD"):
        assert vx[name] == pytest.approx(vy[name])
    assert vx["KL"] != pytest.approx(vy["KL"])  # KL is asymmetric
    post = bias_report(
        facet=column,
        facet_values_or_threshold=None,
        label=yes,
        label_values_or_threshold=["yes"],
        stage=Stage.POST_TRAINING,
        predicted_label=pred,
        group_variable=groups,
        features={f"f{i}": features[:, i] for i in range(3)},
    )
    ge = [next(m.value for m in entry.metrics if m.name == "GE") for entry in post]
    assert ge[0] == ge[1]


def test_multiple_facet_values_are_one_group() -> None:
    region = np.array(["north", "east", "south", "west"] * 25, dtype=object)
    label = np.array(["y", "n", "n", "y", "n"] * 20, dtype=object)
    [entry] = bias_report(
        facet=region,
        facet_values_or_threshold=["north", "east"],
        label=label,
        label_values_or_threshold=["y"],
        stage=Stage.PRE_TRAINING,
        metrics=["CI"],
    )
    assert entry.value_or_threshold == "north,east"
    assert entry.metrics[0].value == 0.0
