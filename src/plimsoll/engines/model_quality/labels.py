"""Class labels as the analyzer sees them: canonical strings, encoded once as integer codes.

Labels arrive as text (CSV cells, JSON values), numbers or booleans. One canonical string per
label makes ``"1"``, ``1``, ``1.0`` and ``"1.0"`` the same class (a CSV ground truth of ``1``
and an XGBoost output of ``1.0`` must agree): numbers print as integers when integral, other
floats with ``repr``; booleans and ``"True"``/``"FALSE"`` become ``"true"``/``"false"``; other
strings are stripped. Missing labels (None, NaN, empty) are a ``ValidationError``.
Label order (confusion-matrix keys) is numeric when every label is a number, else lexicographic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from plimsoll.errors import ValidationError

__all__ = [
    "EncodedLabels",
    "canonical_labels",
    "encode_labels",
    "labels_from_probabilities",
    "validated_probabilities",
]

_MISSING = ""


def _canonical(value: object) -> str:
    if value is None:
        return _MISSING
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return _canonical_float(float(value))
    text = str(value).strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered
    try:
        return _canonical_float(float(text))
    except ValueError:
        return text


def _canonical_float(number: float) -> str:
    if math.isnan(number):
        return _MISSING
    if math.isfinite(number) and number.is_integer() and abs(number) < 2.0**53:
        return str(int(number))
    return repr(number)


def _canonical_texts(array: npt.NDArray[np.generic]) -> npt.NDArray[np.str_]:
    try:
        uniques, inverse = np.unique(array, return_inverse=True)
    except TypeError:  # mixed Python types do not sort: map each value once
        cache: dict[object, str] = {}
        for value in array.tolist():
            if value not in cache:
                cache[value] = _canonical(value)
        return np.asarray([cache[value] for value in array.tolist()], dtype=np.str_)
    return np.asarray([_canonical(u) for u in uniques.tolist()], dtype=np.str_)[inverse]


def canonical_labels(values: npt.ArrayLike, *, name: str) -> npt.NDArray[np.str_]:
    """Canonical label strings of ``values``; ``name`` names the column in errors."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValidationError(f"{name} must be one-dimensional, got shape {array.shape}.")
    texts = _canonical_texts(array if array.dtype.kind in "biufU" else array.astype(object))
    missing = int(np.count_nonzero(texts == _MISSING)) if texts.size else 0
    if missing:
        raise ValidationError(f"{name} has {missing} missing value(s) of {array.size}.")
    return np.asarray(texts, dtype=np.str_)


@dataclass(frozen=True, slots=True, kw_only=True)
class EncodedLabels:
    """Ground truth and predictions as codes into one shared, ordered label list."""

    labels: tuple[str, ...]
    actual: npt.NDArray[np.int64]
    predicted: npt.NDArray[np.int64]

    def confusion_counts(self, mask: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.int64]:
        """Counts ``[actual, predicted]`` over all rows, or over the rows of ``mask``."""
        size = len(self.labels)
        cells = self.actual * size + self.predicted
        if mask is not None:
            cells = cells[mask]
        return np.bincount(cells, minlength=size * size).reshape(size, size).astype(np.int64)


def _label_key(labels: list[str]) -> list[str]:
    try:
        numbers = [float(label) for label in labels]
    except ValueError:
        return sorted(labels)
    return [label for _, label in sorted(zip(numbers, labels, strict=True))]


def encode_labels(actual: npt.NDArray[np.str_], predicted: npt.NDArray[np.str_]) -> EncodedLabels:
    """Encode both label arrays (already canonical and of equal length) with shared codes."""
    uniques, inverse = np.unique(np.concatenate([actual, predicted]), return_inverse=True)
    ordered = _label_key([str(u) for u in uniques])
    position = {label: i for i, label in enumerate(ordered)}
    remap = np.asarray([position[str(u)] for u in uniques], dtype=np.int64)
    codes = remap[inverse.reshape(-1)]
    return EncodedLabels(
        labels=tuple(ordered), actual=codes[: actual.size], predicted=codes[actual.size :]
    )


def validated_probabilities(values: npt.ArrayLike, *, name: str) -> npt.NDArray[np.float64]:
    """Probabilities as float64; NaN, non-numbers and values outside [0, 1] are rejected."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be numbers in [0, 1]: {exc}") from exc
    if array.ndim != 1:
        raise ValidationError(f"{name} must be one-dimensional, got shape {array.shape}.")
    bad = ~((array >= 0.0) & (array <= 1.0))
    count = int(np.count_nonzero(bad))
    if count:
        first = float(array[np.argmax(bad)])
        raise ValidationError(
            f"{name} must be in [0, 1]: {count} of {array.size} value(s) are not "
            f"(first: {first!r})."
        )
    return array


def labels_from_probabilities(
    probabilities: npt.NDArray[np.float64], threshold: float
) -> npt.NDArray[np.str_]:
    """``probability_threshold_attribute``: ``"1"`` where probability > threshold, else ``"0"``."""
    return np.where(probabilities > threshold, "1", "0").astype(np.str_)
