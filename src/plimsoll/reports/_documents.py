"""Tolerant readers for the SageMaker JSON documents a report draws.

The report renders files written by the real analyzer as well as by ours, so it reads them
leniently: unknown keys are ignored, ``"NaN"`` strings become ``nan``, and a malformed entry
degrades to "no data" instead of failing the whole report. Validation of these files belongs
to ``compat/``; a report must still render whatever a user points it at.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NAN = float("nan")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureStats:
    """What the report needs from one ``features[]`` entry of statistics.json."""

    name: str
    inferred_type: str
    num_present: int
    num_missing: int
    numeric: bool
    categorical: bool
    mean: float = NAN
    std_dev: float = NAN
    minimum: float = NAN
    maximum: float = NAN
    buckets: tuple[tuple[float, float, float], ...] = ()  # (lower, upper, count)
    sketch: tuple[tuple[float, float], ...] = ()  # (item, weight), sorted by item
    categories: tuple[tuple[str, float], ...] = ()  # (value, count)

    @property
    def completeness(self) -> float:
        """Share of rows where the feature is present (``nan`` when there are no rows)."""
        total = self.num_present + self.num_missing
        return self.num_present / total if total > 0 else NAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One entry of constraint_violations.json."""

    feature_name: str
    check_type: str
    description: str


def to_float(value: Any) -> float:
    """Read a JSON number that may also be a string such as ``"NaN"`` or ``"Infinity"``."""
    if isinstance(value, bool) or value is None:
        return NAN
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return NAN
    return NAN


def _to_int(value: Any) -> int:
    number = to_float(value)
    return int(number) if math.isfinite(number) else 0


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def item_count(statistics: Mapping[str, Any] | None) -> int | None:
    """``dataset.item_count`` (rows in the dataset), or None when absent."""
    if statistics is None:
        return None
    count = to_float(_mapping(statistics.get("dataset")).get("item_count"))
    return int(count) if math.isfinite(count) else None


def _read_sketch(kll: Mapping[str, Any]) -> tuple[tuple[float, float], ...]:
    """Flatten KLL compactor levels: an item at level ``i`` stands for ``2**i`` values."""
    items: list[tuple[float, float]] = []
    for level, values in enumerate(_sequence(_mapping(kll.get("sketch")).get("data"))):
        weight = float(2**level)
        for value in _sequence(values):
            number = to_float(value)
            if math.isfinite(number):
                items.append((number, weight))
    items.sort()
    return tuple(items)


def _read_numeric(name: str, kind: str, stats: Mapping[str, Any]) -> FeatureStats:
    common = _mapping(stats.get("common"))
    kll = _mapping(_mapping(stats.get("distribution")).get("kll"))
    buckets = tuple(
        (to_float(b.get("lower_bound")), to_float(b.get("upper_bound")), to_float(b.get("count")))
        for b in map(_mapping, _sequence(kll.get("buckets")))
    )
    return FeatureStats(
        name=name,
        inferred_type=kind,
        num_present=_to_int(common.get("num_present")),
        num_missing=_to_int(common.get("num_missing")),
        numeric=True,
        categorical=False,
        mean=to_float(stats.get("mean")),
        std_dev=to_float(stats.get("std_dev")),
        minimum=to_float(stats.get("min")),
        maximum=to_float(stats.get("max")),
        buckets=tuple(b for b in buckets if all(math.isfinite(v) for v in b)),
        sketch=_read_sketch(kll),
    )


def _read_string(name: str, kind: str, stats: Mapping[str, Any]) -> FeatureStats:
    common = _mapping(stats.get("common"))
    categorical = _mapping(_mapping(stats.get("distribution")).get("categorical"))
    categories = tuple(
        (str(b.get("value")), to_float(b.get("count")))
        for b in map(_mapping, _sequence(categorical.get("buckets")))
    )
    return FeatureStats(
        name=name,
        inferred_type=kind,
        num_present=_to_int(common.get("num_present")),
        num_missing=_to_int(common.get("num_missing")),
        numeric=False,
        categorical=True,
        categories=tuple(c for c in categories if math.isfinite(c[1])),
    )


def read_features(statistics: Mapping[str, Any] | None) -> tuple[FeatureStats, ...]:
    """Every feature of a statistics.json, in column order (first entry wins on duplicates)."""
    if statistics is None:
        return ()
    features: list[FeatureStats] = []
    seen: set[str] = set()
    for entry in map(_mapping, _sequence(statistics.get("features"))):
        name = str(entry.get("name", ""))
        if name in seen:
            continue
        seen.add(name)
        kind = str(entry.get("inferred_type", "Unknown"))
        if isinstance(entry.get("numerical_statistics"), Mapping):
            features.append(_read_numeric(name, kind, entry["numerical_statistics"]))
        elif isinstance(entry.get("string_statistics"), Mapping):
            features.append(_read_string(name, kind, entry["string_statistics"]))
        else:
            features.append(
                FeatureStats(
                    name=name,
                    inferred_type=kind,
                    num_present=0,
                    num_missing=0,
                    numeric=False,
                    categorical=False,
                )
            )
    return tuple(features)


def read_violations(document: Mapping[str, Any] | None) -> tuple[Violation, ...]:
    """The violations of a constraint_violations.json, sorted by feature, check and text."""
    if document is None:
        return ()
    violations = [
        Violation(
            feature_name=str(v.get("feature_name", "")),
            check_type=str(v.get("constraint_check_type", "")),
            description=str(v.get("description", "")),
        )
        for v in map(_mapping, _sequence(document.get("violations")))
    ]
    violations.sort(
        key=lambda v: (v.feature_name.casefold(), v.feature_name, v.check_type, v.description)
    )
    return tuple(violations)
