"""Which rows form the sensitive facet, and which labels count as positive.

Clarify (smclarify 0.5) turns every facet, label and predicted-label column into a boolean mask
before any metric runs, and the rules it uses are observable in the output, so they are
reproduced here exactly (spec clarify.md §2.1):

* Data kind: more than one value given, or a bool/str column that does not parse as integers,
  is CATEGORICAL; a float column is CONTINUOUS; an integer column (or a string column of
  integers) is CONTINUOUS when ``nunique / count >= 0.05``. So an int label of <= 40 rows is a
  threshold, a known smclarify quirk kept on purpose.
* Categorical: membership in the values; if nothing matches, the values are converted to the
  column's element type and matching is retried (``"1"`` -> ``1``). String values on a bool
  column are rejected instead of smclarify's ``bool("False") is True`` bug.
* Categorical without values: one-vs-all, one group per distinct value in order of first
  appearance.
* Continuous: breaks = thresholds + [column max] (max appended only when ``abs(max)`` is not
  already a threshold, smclarify's sign slip), sorted; a row is sensitive when it falls in any
  left-open, right-closed interval, so ``x == threshold`` is *not* sensitive.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from plimsoll.errors import ValidationError

__all__ = [
    "UNIQUENESS_THRESHOLD",
    "DataKind",
    "Group",
    "as_column",
    "facet_groups",
    "infer_kind",
    "positive_mask",
    "predicted_positive_mask",
    "predicted_labels_from_scores",
]

UNIQUENESS_THRESHOLD = 0.05
"""smclarify's share of distinct values from which an integer column counts as continuous."""

BoolArray = npt.NDArray[np.bool_]


class DataKind(enum.Enum):
    """How a column is split into groups: by values, or by threshold intervals."""

    CATEGORICAL = "categorical"
    CONTINUOUS = "continuous"


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """One sensitive group: its rows and the ``value_or_threshold`` text SageMaker prints."""

    value_or_threshold: str
    mask: BoolArray


def as_column(values: object) -> npt.NDArray[np.generic]:
    """A 1-D numpy array of a column (numpy, pyarrow or a list); strings become ``object``."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValidationError(f"a column must be one-dimensional, got shape {array.shape}")
    if array.dtype.kind == "U":
        array = array.astype(object)
    return np.asarray(array)


def _is_null(array: npt.NDArray[np.generic]) -> BoolArray:
    if array.dtype.kind == "f":
        return np.asarray(np.isnan(array), dtype=bool)
    if array.dtype.kind == "O":
        return np.fromiter(
            (v is None or (isinstance(v, float) and math.isnan(v)) for v in array),
            dtype=bool,
            count=array.size,
        )
    return np.zeros(array.size, dtype=bool)


def small_int_counts(array: npt.NDArray[np.generic]) -> tuple[int, npt.NDArray[np.intp]] | None:
    """(minimum, count of each value from it) for an integer column of a small value range.

    A counting pass is several times faster than ``np.unique``'s sort or hash on the label,
    facet and group columns Clarify sees (a few distinct ints in millions of rows). None for
    other columns, whose range would make the counts larger than the column.
    """
    if array.dtype.kind not in "iu" or array.size == 0:
        return None
    low, high = int(array.min()), int(array.max())
    if high - low > max(1 << 16, 2 * array.size):
        return None
    shifted = array.astype(np.int64) - low if low else array
    return low, np.bincount(np.asarray(shifted, dtype=np.intp), minlength=high - low + 1)


def _uniqueness(array: npt.NDArray[np.generic]) -> float:
    present = array if array.dtype.kind in "biu" else array[~_is_null(array)]
    if present.size == 0:
        return 0.0
    if present.dtype.kind == "O":
        distinct = len(set(present.tolist()))
    elif (counted := small_int_counts(present)) is not None:
        distinct = int(np.count_nonzero(counted[1]))
    else:
        distinct = np.unique(present).size
    return distinct / present.size


def _as_int64(array: npt.NDArray[np.generic]) -> npt.NDArray[np.int64] | None:
    """The column as int64 when every element is an int or an int-looking string."""
    if not all(_parses_as_int(v) for v in array):
        return None
    return np.asarray([int(v) for v in array], dtype=np.int64)


def _parses_as_int(value: object) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, (int, np.integer)):
        return True
    if isinstance(value, str):
        try:
            int(value)
        except ValueError:
            return False
        return True
    return False


def infer_kind(array: npt.NDArray[np.generic], values: Sequence[object] | None) -> DataKind:
    """smclarify's ``series_datatype``: categorical or continuous, from dtype and uniqueness."""
    if values is not None and len(values) > 1:
        return DataKind.CATEGORICAL
    kind = array.dtype.kind
    if kind == "f":
        return DataKind.CONTINUOUS
    if kind in "iu":
        frequent = _uniqueness(array) >= UNIQUENESS_THRESHOLD
        return DataKind.CONTINUOUS if frequent else DataKind.CATEGORICAL
    if kind == "O" and array.size and _as_int64(array) is not None:
        frequent = _uniqueness(array) >= UNIQUENESS_THRESHOLD
        return DataKind.CONTINUOUS if frequent else DataKind.CATEGORICAL
    return DataKind.CATEGORICAL


def _numeric(array: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    if array.dtype.kind in "iuf":
        return array
    as_int = _as_int64(array)
    if as_int is not None:
        return as_int
    try:
        return array.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError("column cannot be read as numbers for a threshold") from exc


def _threshold(values: Sequence[Any] | None) -> list[Any]:
    if not values:
        raise ValidationError("Threshold values must be provided for continuous features")
    first = values[0]
    if isinstance(first, bool) or not isinstance(first, (int, float, np.integer, np.floating)):
        try:
            first = float(first)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                "Facet/label value provided must be a single numeric threshold for continuous data"
            ) from exc
    return [first, *values[1:]]


def _fmt(value: Any, as_int: bool) -> str:
    return str(int(value)) if as_int else repr(float(value))


def _intervals(data_max: Any, thresholds: Sequence[Any]) -> tuple[list[tuple[float, float]], str]:
    breaks = list(thresholds)
    if abs(data_max) not in thresholds:
        breaks.append(data_max)
    breaks.sort()
    as_int = all(isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in breaks)
    pairs = [(float(lo), float(hi)) for lo, hi in zip(breaks, breaks[1:], strict=False)]
    text = ",".join(
        f"({_fmt(lo, as_int)}, {_fmt(hi, as_int)}]"
        for lo, hi in zip(breaks, breaks[1:], strict=False)
    )
    return pairs, text


def _in_intervals(x: npt.NDArray[Any], pairs: list[tuple[float, float]]) -> BoolArray:
    mask = np.zeros(x.size, dtype=bool)
    for lo, hi in pairs:
        mask |= (x > lo) & (x <= hi)
    return mask


def _convert(value: object, array: npt.NDArray[np.generic]) -> object:
    kind = array.dtype.kind
    if kind == "b":
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise ValidationError(f"value {value!r} cannot be matched against a boolean column")
    if kind in "iu":
        try:
            return int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return float(value)  # type: ignore[arg-type]
    if kind == "f":
        return float(value)  # type: ignore[arg-type]
    return str(value)


def _categorical_mask(array: npt.NDArray[np.generic], values: Sequence[object]) -> BoolArray:
    def member(candidates: Sequence[object]) -> BoolArray:
        mask = np.zeros(array.size, dtype=bool)
        for value in candidates:
            mask |= np.asarray(array == value, dtype=bool)
        return mask

    mask = member(values)
    if mask.any():
        return mask
    try:
        converted = [_convert(v, array) for v in values]
    except (TypeError, ValueError):
        return mask
    return member(converted)


def _data_max(array: npt.NDArray[np.generic]) -> Any:
    present = array[~_is_null(array)]
    if present.size == 0:
        raise ValidationError("column has no values")
    top = present.max()
    return top.item() if isinstance(top, np.generic) else top


def positive_mask(
    array: npt.NDArray[np.generic], values_or_threshold: Sequence[object]
) -> tuple[BoolArray, str]:
    """Rows whose label is positive, and the ``label_value_or_threshold`` text.

    >>> mask, text = positive_mask(np.array(["yes", "no"], dtype=object), ["yes"])
    >>> mask.tolist(), text
    ([True, False], 'yes')
    """
    if not values_or_threshold:
        raise ValidationError("Positive label values or thresholds are empty for Label column")
    if infer_kind(array, values_or_threshold) is DataKind.CONTINUOUS:
        numeric = _numeric(array)
        pairs, text = _intervals(_data_max(numeric), _threshold(values_or_threshold))
        return _in_intervals(numeric, pairs), text
    return _categorical_mask(array, values_or_threshold), ",".join(map(str, values_or_threshold))


def predicted_positive_mask(
    predicted: npt.NDArray[np.generic],
    label: npt.NDArray[np.generic],
    values_or_threshold: Sequence[object],
) -> BoolArray:
    """Rows predicted positive, judged with the label's rules (same kind, same values).

    Raises ``ValidationError`` when the predicted and true labels are of different kinds, and
    when no row is predicted positive (smclarify aborts the whole post-training report then).
    """
    kind = infer_kind(label, values_or_threshold)
    if infer_kind(predicted, values_or_threshold) is not kind:
        raise ValidationError(
            "Predicted Label Column series datatype is not the same as Label Column series"
        )
    if kind is DataKind.CONTINUOUS:
        numeric_label = _numeric(label)
        numeric_pred = _numeric(predicted).astype(numeric_label.dtype)
        top = _data_max(np.concatenate([numeric_label, numeric_pred]))
        pairs, _ = _intervals(top, _threshold(values_or_threshold))
        mask = _in_intervals(numeric_pred, pairs)
    else:
        mask = _categorical_mask(predicted, values_or_threshold)
    if not mask.any():
        raise ValidationError(
            "No Label values are present in the predicted Label Column,"
            "Positive Predicted Index Series contains all False values"
        )
    return mask


def predicted_labels_from_scores(
    scores: npt.ArrayLike, probability_threshold: float = 0.5
) -> npt.NDArray[np.int64]:
    """Clarify's ``probability_threshold``: label 1 where score > threshold, else 0."""
    return (np.asarray(scores, dtype=np.float64) > probability_threshold).astype(np.int64)


def facet_groups(
    array: npt.NDArray[np.generic], values_or_threshold: Sequence[object] | None
) -> list[Group]:
    """The sensitive groups of one facet: one for given values, one per value for one-vs-all.

    >>> [g.value_or_threshold for g in facet_groups(np.array(["b", "a", "b"], dtype=object), None)]
    ['b', 'a']
    """
    if infer_kind(array, values_or_threshold) is DataKind.CONTINUOUS:
        numeric = _numeric(array)
        pairs, text = _intervals(_data_max(numeric), _threshold(values_or_threshold))
        return [Group(value_or_threshold=text, mask=_in_intervals(numeric, pairs))]
    if values_or_threshold:
        text = ",".join(map(str, values_or_threshold))
        return [Group(value_or_threshold=text, mask=_categorical_mask(array, values_or_threshold))]
    present = array[~_is_null(array)]
    if present.dtype.kind == "O":
        firsts = list(dict.fromkeys(present.tolist()))
    else:
        uniques, first_index = np.unique(present, return_index=True)
        firsts = [v.item() for v in uniques[np.argsort(first_index, kind="stable")]]
    return [
        Group(value_or_threshold=str(v), mask=np.asarray(array == v, dtype=bool)) for v in firsts
    ]
