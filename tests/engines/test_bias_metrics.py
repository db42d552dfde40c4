"""Each metric on small hand-checkable arrays, and the edge cases of spec §2.2-2.3."""

from __future__ import annotations

import math

import numpy as np
import pytest

from plimsoll.engines.bias import (
    MetricError,
    Stage,
    bias_report,
    divide,
    make_inputs,
)
from plimsoll.engines.bias import posttraining as post
from plimsoll.engines.bias import pretraining as pre
from plimsoll.errors import ValidationError

B = np.array


def _inputs(d: str, y: str, yhat: str | None = None, groups: list[int] | None = None):
    """Masks from strings of 0/1 characters, one per row."""

    def mask(s: str) -> np.ndarray:
        return np.array([c == "1" for c in s], dtype=bool)

    return make_inputs(
        facet=mask(d),
        label=mask(y),
        predicted=None if yhat is None else mask(yhat),
        groups=None if groups is None else np.asarray(groups, dtype=np.intp),
    )


def _values(results):
    return {m.name: (m.value if m.error is None else m.error) for m in results.metrics}


def test_divide_conventions() -> None:
    assert divide(0, 0) == 0.0
    assert divide(3, 0) == math.inf
    assert divide(-3, 0) == -math.inf
    assert divide(1, 4) == 0.25


def test_pre_training_metrics_by_hand() -> None:
    # d = rows 0-3 (1 positive of 4), a = rows 4-9 (4 positives of 6)
    inputs = _inputs("1111000000", "1000111100", groups=[0, 0, 1, 1, 0, 0, 0, 1, 1, 1])
    assert pre.CI(inputs) == pytest.approx((6 - 4) / 10)
    assert pre.DPL(inputs) == pytest.approx(4 / 6 - 1 / 4)
    pa, pd_ = (2 / 6, 4 / 6), (3 / 4, 1 / 4)
    assert pre.KL(inputs) == pytest.approx(
        sum(p * math.log(p / q) for p, q in zip(pa, pd_, strict=True))
    )
    assert pre.KS(inputs) == pytest.approx(4 / 6 - 1 / 4)
    assert pre.TVD(inputs) == pytest.approx(4 / 6 - 1 / 4)
    assert pre.LP(inputs) == pytest.approx(math.sqrt(2) * (4 / 6 - 1 / 4))
    js = 0.5 * sum(
        p * math.log(p / ((p + q) / 2)) + q * math.log(q / ((p + q) / 2))
        for p, q in zip(pa, pd_, strict=True)
    )
    assert pre.JS(inputs) == pytest.approx(js)
    # group 0: rows 0,1,4,5,6: positives 0,4,5,6 (d: 0) -> 1/4; negatives 1 (d: 1) -> 1/1
    # group 1: rows 2,3,7,8,9: positives 7 (d: none) -> 0; negatives 2,3,8,9 (d: 2,3) -> 2/4
    assert pre.CDDL(inputs) == pytest.approx((5 * (1 - 1 / 4) + 5 * (2 / 4 - 0)) / 10)


def test_post_training_metrics_by_hand() -> None:
    # d rows 0-4: y 11000, yhat 10100 -> TP 1 FN 1 FP 1 TN 2
    # a rows 5-11: y 1110000, yhat 1101100 -> TP 2 FN 1 FP 2 TN 2
    inputs = _inputs("111110000000", "110001110000", "101001101100", groups=[0] * 6 + [1] * 6)
    assert post.DPPL(inputs) == pytest.approx(4 / 7 - 2 / 5)
    assert post.DI(inputs) == pytest.approx((2 / 5) / (4 / 7))
    assert post.DCA(inputs) == pytest.approx(3 / 4 - 2 / 2)
    assert post.DCR(inputs) == pytest.approx((2 + 1) / (2 + 1) - (2 + 2) / (2 + 1))
    assert post.RD(inputs) == pytest.approx(2 / 3 - 1 / 2)
    assert post.SD(inputs) == pytest.approx(2 / 3 - 2 / 4)
    assert post.DAR(inputs) == pytest.approx(2 / 4 - 1 / 2)
    assert post.DRR(inputs) == pytest.approx(2 / 3 - 2 / 3)
    assert post.AD(inputs) == pytest.approx(4 / 7 - 3 / 5)
    assert post.TE(inputs) == pytest.approx(1 / 1 - 1 / 2)
    # benefits: FN 2 rows (0), FP 3 rows (2), others 7 (1): mean 13/12
    mean = 13 / 12
    ge = (2 * -1 + 7 * ((1 / mean) ** 2 - 1) + 3 * ((2 / mean) ** 2 - 1)) / (2 * 12)
    assert post.GE(inputs) == pytest.approx(ge)
    # CDDPL group 0 rows 0-5: predicted pos 0,2,5 (d 0,2) -> 2/3, neg 1,3,4 (d all) -> 1
    # group 1 rows 6-11: predicted pos 6,8,9 (d none) -> 0, neg 7,10,11 -> 0
    assert post.CDDPL(inputs) == pytest.approx((6 * (1 - 2 / 3) + 6 * 0) / 12)


def test_empty_facet_gives_smclarify_error_strings_and_cddl_zero() -> None:
    label = np.array(["y", "n", "y", "n"] * 3, dtype=object)
    facet = np.array(["a", "b", "c"] * 4, dtype=object)
    common = dict(
        facet=facet,
        facet_values_or_threshold=["z"],
        label=label,
        label_values_or_threshold=["y"],
        group_variable=np.array([0, 1] * 6),
    )
    [pre_r] = bias_report(stage=Stage.PRE_TRAINING, **common)
    values = _values(pre_r)
    assert values["CI"] == "CI: facet set is empty. Check that x[facet] has non-zero length."
    assert values["DPL"] == "Facet set is empty."
    for name in ("KL", "JS", "LP", "TVD", "KS"):
        assert values[name] == "No instance of common facet found, dataset may be too small"
    assert values["CDDL"] == 0.0
    [post_r] = bias_report(stage=Stage.POST_TRAINING, predicted_label=label, **common)
    values = _values(post_r)
    assert values["DI"] == "Facet set is empty"
    assert values["DCA"] == values["DCR"] == "DCO: Facet set is empty"
    assert values["RD"] == values["SD"] == "DLA: Facet set is empty"
    assert values["DAR"] == values["DRR"] == "DLR: Facet set is empty"
    assert values["AD"] == values["TE"] == "Facet set is empty"
    assert values["DPPL"] == "Facet set is empty."
    assert values["GE"] == 0.0
    assert values["FT"] == "Facet set is empty"
    failed = [m for m in post_r.metrics if m.error is not None]
    assert all(m.value is None and "error" in m.to_dict() for m in failed)


def test_empty_complement_errors() -> None:
    inputs = _inputs("1111", "1010", "1100")
    for fn, message in [
        (pre.CI, "CI: negated facet set is empty. Check that x[~facet] has non-zero length."),
        (pre.DPL, "Negative facet set is empty."),
        (post.DI, "Negated facet set is empty"),
        (post.DCA, "DCO: Negated Facet set is empty"),
        (post.AD, "Negated Facet set is empty"),
    ]:
        with pytest.raises(MetricError) as info:
            fn(inputs)
        assert info.value.message == message


def test_all_positive_label() -> None:
    inputs = _inputs("1100", "1111", groups=[0, 1, 0, 1])
    assert pre.DPL(inputs) == 0.0
    assert pre.KL(inputs) == 0.0  # only the common non-zero outcome (True) is kept
    with pytest.raises(MetricError, match="No negative labels in set"):
        pre.CDDL(inputs)
    with pytest.raises(MetricError, match="No positive labels in set"):
        pre.CDDL(_inputs("1100", "0000", groups=[0, 1, 0, 1]))
    with pytest.raises(MetricError, match="Group variable is empty or not provided"):
        pre.CDDL(_inputs("1100", "1010"))


def test_kl_without_renormalisation_can_be_negative() -> None:
    # d all positive, a half positive: only k=True is kept: 0.5 * ln(0.5 / 1)
    inputs = _inputs("1100", "1110")
    assert pre.KL(inputs) == pytest.approx(0.5 * math.log(0.5))


def test_x_over_zero_gives_infinity_and_inf_minus_inf_gives_zero() -> None:
    # a never predicted positive: DI = q_d / 0 = +inf; both conditional acceptances are +inf
    inputs = _inputs("1100", "1111", "1000")
    assert post.DI(inputs) == math.inf
    # c_a = 2/0 = inf, c_d = 2/1 = 2 -> inf
    assert post.DCA(inputs) == math.inf
    both = _inputs("1100", "1111", "0000")
    assert post.DCA(both) == 0.0
    # TE: FN_d / FP_d with FP_d = 0 -> inf; a has FN 2, FP 0 too -> both inf -> 0
    assert post.TE(inputs) == 0.0
    assert post.TE(_inputs("1100", "1110", "1001")) == math.inf
    # DAR = precision_a - precision_d, a has no predicted positives: 0/0 = 0, minus 1/1
    assert post.DAR(_inputs("1100", "1010", "1000")) == -1.0


def test_infinity_is_written_as_a_string() -> None:
    facet = np.array(["F", "F", "M", "M"] * 15, dtype=object)
    label = np.array(["y", "y", "y", "y"] * 15, dtype=object)
    pred = np.array(["y", "n", "n", "n"] * 15, dtype=object)
    [r] = bias_report(
        facet=facet,
        facet_values_or_threshold=["F"],
        label=label,
        label_values_or_threshold=["y"],
        stage=Stage.POST_TRAINING,
        predicted_label=pred,
        metrics=["DI"],
    )
    assert r.metrics[0].to_dict() == {
        "name": "DI",
        "description": "Disparate Impact (DI)",
        "value": "Infinity",
    }


def test_ge_all_false_negatives() -> None:
    with pytest.raises(MetricError, match="All predicted labels are false negatives"):
        post.GE(_inputs("1100", "1111", "0000"))


def test_flip_test_needs_numeric_features() -> None:
    facet = np.array(["F", "M"] * 30, dtype=object)
    label = np.array(["y", "n", "n"] * 20, dtype=object)
    [r] = bias_report(
        facet=facet,
        facet_values_or_threshold=["F"],
        label=label,
        label_values_or_threshold=["y"],
        stage=Stage.POST_TRAINING,
        predicted_label=label,
        metrics=["FT"],
        features={"city": np.array(["x"] * 60, dtype=object)},
    )
    assert r.metrics[0].error == "FlipTest does not support non-numeric columns"


def test_flip_test_matches_scikit_learn_knn() -> None:
    neighbors = pytest.importorskip("sklearn.neighbors")
    rng = np.random.default_rng(7)
    for n, share in [(400, 0.3), (14, 0.4)]:  # k = 5, and k = 1 for a small advantaged group
        features = rng.normal(size=(n, 3))
        facet = rng.random(n) < share
        pred = (features[:, 0] + rng.normal(scale=0.5, size=n)) > 0
        k = 5 if (~facet).sum() > 9 else 1
        knn = neighbors.KNeighborsClassifier(n_neighbors=k).fit(features[~facet], pred[~facet])
        knn_d = knn.predict(features[facet])
        expected = (np.sum(pred[facet] & ~knn_d) - np.sum(~pred[facet] & knn_d)) / facet.sum()
        inputs = make_inputs(facet=facet, label=pred, predicted=pred, features=features)
        assert post.FT(inputs) == pytest.approx(expected, abs=1e-15)


def test_requested_metrics_are_sorted_and_aliases_accepted() -> None:
    facet = np.array(["F", "M"] * 30, dtype=object)
    label = np.array(["y", "n", "n"] * 20, dtype=object)
    [r] = bias_report(
        facet=facet,
        facet_values_or_threshold=["F"],
        label=label,
        label_values_or_threshold=["y"],
        stage=Stage.POST_TRAINING,
        predicted_label=label,
        metrics=["TE", "DCAcc", "AD"],
    )
    assert [m.name for m in r.metrics] == ["AD", "DCA", "TE"]
    with pytest.raises(ValidationError, match="Invalid metric_name"):
        bias_report(
            facet=facet,
            facet_values_or_threshold=["F"],
            label=label,
            label_values_or_threshold=["y"],
            stage=Stage.PRE_TRAINING,
            metrics=["DPPL"],
        )


def test_post_training_needs_predictions() -> None:
    with pytest.raises(ValidationError, match="predicted label"):
        bias_report(
            facet=B(["F"], dtype=object),
            facet_values_or_threshold=["F"],
            label=B(["y"], dtype=object),
            label_values_or_threshold=["y"],
            stage=Stage.POST_TRAINING,
        )


def test_flip_test_refuses_missing_feature_values() -> None:
    features = np.array([[0.0], [np.nan], [1.0], [2.0]])
    inputs = make_inputs(
        facet=B([True, True, False, False]),
        label=B([True, False, True, False]),
        predicted=B([True, False, True, False]),
        features=features,
    )
    with pytest.raises(MetricError, match="NaN"):
        post.FT(inputs)
