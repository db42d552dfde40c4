"""``segment_config``: the bias analysis again on each segment of the dataset.

Each ``segment_config`` entry names a column and N lists of values; they make N + 1 segments,
the last one, ``__default__``, holding every row that no list matched (spec clarify.md §1.2).
A list holds category values (compared as numbers on a numeric column, else as text) and/or
interval strings such as ``"[1, 4]"``, ``"(2, 5]"`` or ``"(40, inf)"`` for a numeric column;
a row belongs to the first segment that matches it. ``display_aliases`` names the segments
(N names, or N + 1 to name ``__default__`` too); without them a segment is named by its values.

SageMaker documents the input but not where the per-segment results go, so the layout is
Plimsoll's (docs/compat.md): ``analysis.json`` gets ``segment_analysis``, one entry per
``segment_config`` entry::

    {"name_or_index": "age", "config_name": "...", "segments": [
        {"name": "[18, 30]", "values": ["[18, 30]"], "num_rows": 120,
         "pre_training_bias_metrics": {...}, "post_training_bias_metrics": {...}},
        ...,
        {"name": "__default__", "values": [], "num_rows": 40, ...}]}

A segment whose analysis cannot run (no rows, or one facet value only) gets an ``error``
instead of metrics; the other segments and the whole-dataset sections are unaffected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from plimsoll.compat.clarify_analysis_config import AnalysisConfig, SegmentConfig
from plimsoll.errors import PlimsollError, ValidationError
from plimsoll.images._clarify_dataset import Dataset, column_name

__all__ = ["DEFAULT_SEGMENT", "segment_analysis", "segment_masks"]

DEFAULT_SEGMENT = "__default__"
_INTERVAL = re.compile(r"\s*([\[(])\s*([^,\[\]()]+?)\s*,\s*([^,\[\]()]+?)\s*([\])])\s*")
Mask = npt.NDArray[np.bool_]


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(f"segment interval bound {text!r} is not a number") from None


def _interval(column: npt.NDArray[Any], match: re.Match[str]) -> Mask:
    low_bracket, low, high, high_bracket = match.groups()
    lower, upper = _number(low), _number(high)
    if math.isnan(lower) or math.isnan(upper) or lower > upper:
        raise ValidationError(f"segment interval {match.group(0).strip()!r} is empty")
    values = column.astype(np.float64)
    above = values >= lower if low_bracket == "[" else values > lower
    below = values <= upper if high_bracket == "]" else values < upper
    return np.asarray(above & below, dtype=np.bool_)


def _matches(column: npt.NDArray[Any], value: str | int, text: Callable[[], Any]) -> Mask:
    numeric = column.dtype.kind in "biuf"
    if isinstance(value, str):
        interval = _INTERVAL.fullmatch(value)
        if interval is not None:
            if not numeric:
                raise ValidationError(
                    f"segment interval {value!r} needs a numeric column; this one holds text"
                )
            return _interval(column, interval)
    if numeric:
        try:
            return np.asarray(column.astype(np.float64) == float(value), dtype=np.bool_)
        except ValueError:
            return np.zeros(column.size, dtype=np.bool_)
    return np.asarray(text() == str(value), dtype=np.bool_)


def segment_masks(entry: SegmentConfig, column: npt.NDArray[Any]) -> list[tuple[str, Mask]]:
    """(name, rows) of each segment, ``__default__`` last; every row is in exactly one."""
    aliases = entry.display_aliases or []
    count = len(entry.segments)
    if aliases and len(aliases) not in (count, count + 1):
        raise ValidationError(
            f"segment_config display_aliases has {len(aliases)} names for {count} segments "
            f"(give {count} or {count + 1})"
        )
    as_text: list[npt.NDArray[Any]] = []

    def text() -> npt.NDArray[Any]:
        if not as_text:
            as_text.append(np.asarray([str(v) for v in column.tolist()], dtype=object))
        return as_text[0]

    taken = np.zeros(column.size, dtype=np.bool_)
    out = []
    for index, values in enumerate(entry.segments):
        if not values:
            raise ValidationError("segment_config segments must be non-empty lists")
        mask = np.zeros(column.size, dtype=np.bool_)
        for value in values:
            mask |= _matches(column, value, text)
        mask &= ~taken
        taken |= mask
        name = aliases[index] if aliases else ", ".join(str(v) for v in values)
        out.append((name, mask))
    default = aliases[count] if len(aliases) == count + 1 else DEFAULT_SEGMENT
    out.append((default, ~taken))
    return out


def _subset(dataset: Dataset, mask: Mask) -> Dataset:
    return replace(dataset, columns={n: c[mask] for n, c in dataset.columns.items()})


def segment_analysis(
    config: AnalysisConfig,
    dataset: Dataset,
    sections: Callable[[AnalysisConfig, Dataset], dict[str, Any]],
) -> list[dict[str, Any]]:
    """``sections`` (the bias analysis) on each segment of each ``segment_config`` entry."""
    out = []
    for entry in config.segment_config or ():
        name = column_name(list(dataset.columns), entry.name_or_index, "segment_config column")
        masks = segment_masks(entry, dataset.columns[name])
        segments = []
        for (segment, mask), values in zip(masks, [*entry.segments, []], strict=True):
            result: dict[str, Any] = {"name": segment, "values": list(values)}
            result["num_rows"] = rows = int(mask.sum())
            if rows == 0:
                result["error"] = "No rows of the dataset are in this segment"
            else:
                try:
                    result.update(sections(config, _subset(dataset, mask)))
                except PlimsollError as exc:
                    result["error"] = exc.message
            segments.append(result)
        item: dict[str, Any] = {"name_or_index": entry.name_or_index}
        if entry.config_name is not None:
            item["config_name"] = entry.config_name
        item["segments"] = segments
        out.append(item)
    return out
