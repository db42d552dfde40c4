"""segment_config: which rows fall in which segment."""

from __future__ import annotations

import numpy as np
import pytest

from plimsoll.compat.clarify_analysis_config import SegmentConfig
from plimsoll.errors import ValidationError
from plimsoll.images._clarify_segments import segment_masks


def _rows(entry: dict, column: np.ndarray) -> dict[str, list[int]]:
    masks = segment_masks(SegmentConfig.model_validate(entry), column)
    return {name: np.flatnonzero(mask).tolist() for name, mask in masks}


def test_intervals_open_closed_and_infinite_and_first_match_wins() -> None:
    ages = np.array([10, 20, 30, 40, 50, 60])
    entry = {"name_or_index": "age", "segments": [["(10, 30]", "[60, inf)"], ["[30, 50)"]]}
    assert _rows(entry, ages) == {
        "(10, 30], [60, inf)": [1, 2, 5],
        "[30, 50)": [3],  # 30 is taken by the first segment
        "__default__": [0, 4],
    }


def test_categories_compare_as_numbers_on_numeric_columns_and_text_otherwise() -> None:
    assert _rows({"name_or_index": 0, "segments": [[1, "2"]]}, np.array([1.0, 2.0, 3.0])) == {
        "1, 2": [0, 1], "__default__": [2],
    }  # fmt: skip
    text = np.array(["a", "b", 1], dtype=object)
    entry = {"name_or_index": 0, "segments": [["a"], [1]], "display_aliases": ["A", "one"]}
    assert _rows(entry, text) == {"A": [0], "one": [2], "__default__": [1]}


def test_an_alias_for_the_default_segment() -> None:
    entry = {"name_or_index": 0, "segments": [["x"]], "display_aliases": ["X", "rest"]}
    assert _rows(entry, np.array(["x", "y"], dtype=object)) == {"X": [0], "rest": [1]}


@pytest.mark.parametrize(
    ("entry", "column", "text"),
    [
        ({"name_or_index": 0, "segments": [["[1, 2]"]]}, np.array(["a"], dtype=object),
         "needs a numeric column"),
        ({"name_or_index": 0, "segments": [["[5, 2]"]]}, np.array([1]), "is empty"),
        ({"name_or_index": 0, "segments": [["[a, 2]"]]}, np.array([1]), "is not a number"),
        ({"name_or_index": 0, "segments": [[1]], "display_aliases": ["a", "b", "c"]},
         np.array([1]), "3 names for 1 segments"),
        ({"name_or_index": 0, "segments": [[]]}, np.array([1]), "non-empty lists"),
    ],
    ids=["interval-on-text", "empty-interval", "bad-bound", "aliases", "empty-list"],
)  # fmt: skip
def test_bad_segments_fail_clearly(entry: dict, column: np.ndarray, text: str) -> None:
    with pytest.raises(ValidationError, match=text):
        segment_masks(SegmentConfig.model_validate(entry), column)
