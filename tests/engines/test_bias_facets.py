"""Group membership rules of spec §2.1: data kind, intervals, one-vs-all, value conversion."""

from __future__ import annotations

import numpy as np
import pytest

from plimsoll.engines.bias import (
    DataKind,
    Stage,
    bias_report,
    facet_groups,
    infer_kind,
    positive_mask,
    predicted_labels_from_scores,
)
from plimsoll.errors import ValidationError


def test_int_column_with_many_values_is_a_threshold_and_the_threshold_itself_is_not_sensitive() -> (
    None
):
    age = np.arange(100)
    [group] = facet_groups(age, [40])
    assert group.value_or_threshold == "(40, 99]"
    assert not group.mask[40] and group.mask[41] and group.mask[99]
    assert int(group.mask.sum()) == 59


def test_float_column_single_value_is_a_threshold_printed_as_floats() -> None:
    sex = np.array([0.0, 1.0, 1.0, 0.0])
    [group] = facet_groups(sex, [0])
    assert group.value_or_threshold == "(0.0, 1.0]"
    assert group.mask.tolist() == [False, True, True, False]


def test_string_threshold_is_converted_to_float() -> None:
    [group] = facet_groups(np.arange(100), ["40"])
    assert group.value_or_threshold == "(40.0, 99.0]"
    assert int(group.mask.sum()) == 59


def test_threshold_at_the_maximum_gives_an_empty_group() -> None:
    [group] = facet_groups(np.arange(100), [99])
    assert group.value_or_threshold == ""
    assert not group.mask.any()


def test_max_is_not_appended_when_its_absolute_value_is_a_threshold() -> None:
    # smclarify compares abs(max) with the thresholds: a kept sign slip.
    [group] = facet_groups(-np.arange(5, 105), [5])
    assert group.value_or_threshold == ""
    assert not group.mask.any()


def test_non_numeric_threshold_and_missing_threshold_are_rejected() -> None:
    with pytest.raises(ValidationError, match="single numeric threshold"):
        facet_groups(np.arange(100.0), ["old"])
    with pytest.raises(ValidationError, match="Threshold values must be provided"):
        facet_groups(np.arange(100.0), None)


def test_several_values_make_a_column_categorical() -> None:
    assert infer_kind(np.arange(100), [30, 60]) is DataKind.CATEGORICAL
    [group] = facet_groups(np.arange(100), [30, 60])
    assert group.value_or_threshold == "30,60"
    assert np.flatnonzero(group.mask).tolist() == [30, 60]


def test_kind_inference_follows_uniqueness_rule() -> None:
    assert infer_kind(np.array([0, 1] * 20), None) is DataKind.CONTINUOUS  # 2/40 = 0.05
    assert infer_kind(np.array([0, 1] * 21), None) is DataKind.CATEGORICAL
    assert infer_kind(np.array(["1", "2"] * 10, dtype=object), None) is DataKind.CONTINUOUS
    assert infer_kind(np.array(["a", "b"] * 10, dtype=object), None) is DataKind.CATEGORICAL
    assert infer_kind(np.array([True, False] * 10), None) is DataKind.CATEGORICAL
    assert infer_kind(np.array([0.0, 1.0] * 50), None) is DataKind.CONTINUOUS


def test_one_vs_all_in_order_of_first_appearance() -> None:
    groups = facet_groups(np.array(["b", "a", "b", "c"], dtype=object), None)
    assert [g.value_or_threshold for g in groups] == ["b", "a", "c"]
    assert [g.mask.tolist() for g in groups] == [
        [True, False, True, False],
        [False, True, False, False],
        [False, False, False, True],
    ]
    ints = facet_groups(np.array([2, 0, 2, 1] * 30), None)
    assert [g.value_or_threshold for g in ints] == ["2", "0", "1"]


def test_values_are_converted_to_the_column_type_when_nothing_matches() -> None:
    column = np.array([1, 0, 1] * 30)
    [group] = facet_groups(column, ["1"])
    assert group.value_or_threshold == "1"
    assert int(group.mask.sum()) == 60
    [multi] = facet_groups(np.array(["1", "2", "3"] * 30, dtype=object), [1, 2])
    assert int(multi.mask.sum()) == 60


def test_string_values_on_a_bool_column_are_rejected_not_coerced() -> None:
    with pytest.raises(ValidationError):
        facet_groups(np.array([True, False] * 30), ["False"])
    [group] = facet_groups(np.array([True, False] * 30), [False])
    assert int(group.mask.sum()) == 30


def test_small_int_label_is_a_threshold_and_positives_vanish() -> None:
    # spec §2.1 consequence 2: an int label of <= 40 rows is continuous; [1] gives no interval.
    label = np.array([1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0])
    mask, text = positive_mask(label, [1])
    assert text == "" and not mask.any()
    facet = np.array(["F"] * 5 + ["M"] * 7, dtype=object)
    [pre] = bias_report(
        facet=facet,
        facet_values_or_threshold=["F"],
        label=label,
        label_values_or_threshold=[1],
        stage=Stage.PRE_TRAINING,
        metrics=["DPL"],
    )
    assert pre.metrics[0].value == 0.0
    with pytest.raises(ValidationError, match="No Label values are present"):
        bias_report(
            facet=facet,
            facet_values_or_threshold=["F"],
            label=label,
            label_values_or_threshold=[1],
            stage=Stage.POST_TRAINING,
            predicted_label=label,
        )


def test_larger_int_label_is_categorical() -> None:
    mask, text = positive_mask(np.array([1, 0] * 30), [1])
    assert text == "1" and int(mask.sum()) == 30


def test_continuous_label_threshold_text() -> None:
    mask, text = positive_mask(np.linspace(0.0, 1.0, 11), [0.5])
    assert text == "(0.5, 1.0]"
    assert int(mask.sum()) == 5


def test_probability_threshold_is_strictly_greater() -> None:
    assert predicted_labels_from_scores([0.2, 0.5, 0.51, 0.9]).tolist() == [0, 0, 1, 1]
    assert predicted_labels_from_scores([0.7, 0.8, 0.81], 0.8).tolist() == [0, 0, 1]


def test_predicted_label_kind_must_match_label_kind() -> None:
    label = np.array(["yes", "no"] * 30, dtype=object)
    with pytest.raises(ValidationError, match="datatype is not the same"):
        bias_report(
            facet=np.array(["F", "M"] * 30, dtype=object),
            facet_values_or_threshold=["F"],
            label=label,
            label_values_or_threshold=["yes"],
            stage=Stage.POST_TRAINING,
            predicted_label=np.linspace(0, 1, 60),
        )


def test_empty_label_values_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Positive label values"):
        positive_mask(np.array(["a"], dtype=object), [])
