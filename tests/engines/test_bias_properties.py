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


@pytest.mark.parametrize("seed", SEEDS)
def test_integer_columns_count_like_their_text_form(seed: int) -> None:
    """The counting fast path for small-range ints (negative, gappy, or a huge range that
    falls back to np.unique) gives what the same values as text give."""
    rng = np.random.default_rng(seed)
    n = 400
    shift = [0, -7, 10**12][seed % 3]
    groups = rng.choice(np.array([3, 9, 40]), size=n) * (10**9 if shift > 10**9 else 1) + shift
    facet = rng.choice(np.array([-2, 5, 11]), size=n)
    label = rng.integers(0, 2, size=n)
    predicted = np.where(rng.random(n) < 0.8, label, 1 - label)

    def report(as_text: bool) -> list:
        def col(a: np.ndarray) -> np.ndarray:
            return np.asarray([str(v) for v in a], dtype=object) if as_text else a

        return [
            (r.value_or_threshold, [(m.name, m.value, m.error) for m in r.metrics])
            for r in bias_report(
                facet=col(facet), facet_values_or_threshold=None, label=label,
                label_values_or_threshold=[1], stage=Stage.POST_TRAINING,
                predicted_label=predicted, metrics=["CDDPL", "DPPL", "DI"],
                group_variable=col(groups),
            )
        ]  # fmt: skip

    ints, texts = report(as_text=False), report(as_text=True)
    assert [(v, [(m, e) for m, _, e in ms]) for v, ms in ints] == [
        (v, [(m, e) for m, _, e in ms]) for v, ms in texts
    ]
    # text groups sort in another order, so sums may differ in the last bit
    for (_, one), (_, two) in zip(ints, texts, strict=True):
        assert [x for _, x, _ in one] == pytest.approx([x for _, x, _ in two], abs=1e-12)
