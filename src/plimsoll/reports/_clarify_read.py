"""Tolerant reader for the sections of a Clarify ``analysis.json`` that the report draws.

The report renders files written by SageMaker's container as well as by ours (spec clarify.md
§2.6 for the bias sections, §3.4 for ``explanations``), so it reads them leniently, as
:mod:`plimsoll.reports._documents` does for Model Monitor: unknown keys are ignored, numbers may
be strings such as ``"Infinity"``, and a malformed entry degrades to "no data" rather than
failing the whole report. Document order is kept (facets, groups, metrics, PDP features) except
where the report sorts on purpose (SHAP values by magnitude).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plimsoll.reports._documents import to_float

#: analysis.json key -> heading, in the order the report shows them.
BIAS_SECTIONS = (
    ("pre_training_bias_metrics", "Pre-training bias"),
    ("post_training_bias_metrics", "Post-training bias"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """One ``metrics[]`` entry: ``value`` is ``nan`` when the entry carries an ``error``."""

    name: str
    description: str
    value: float
    error: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FacetGroup:
    """The metrics of one sensitive group (one facet value or threshold) of one facet."""

    facet: str
    value_or_threshold: str
    metrics: tuple[Metric, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BiasSection:
    """``pre_training_bias_metrics`` or ``post_training_bias_metrics``."""

    key: str
    heading: str
    label: str
    label_value_or_threshold: str
    groups: tuple[FacetGroup, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ShapLabel:
    """``explanations.kernel_shap.<label>``: global values sorted by decreasing magnitude."""

    label: str
    expected_value: float
    values: tuple[tuple[str, float], ...]
    text: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
    """``global_top_shap_text``: per text feature, its top units by magnitude."""
    images: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
    """``image_explanations``: per image file (name order), its segments by magnitude."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PdpFeature:
    """One ``explanations.pdp[]`` entry; ``predictions`` has one curve per model output."""

    feature_name: str
    data_type: str
    feature_values: tuple[str, ...]
    numeric_values: tuple[float, ...] | None
    distribution: tuple[float, ...]
    predictions: tuple[tuple[float, ...], ...]
    label_headers: tuple[str, ...]
    error: str | None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _metric(entry: Mapping[str, Any]) -> Metric:
    error = entry.get("error")
    return Metric(
        name=_text(entry.get("name")),
        description=_text(entry.get("description")),
        value=float("nan") if error is not None else to_float(entry.get("value")),
        error=None if error is None else str(error),
    )


def read_bias_sections(analysis: Mapping[str, Any]) -> tuple[BiasSection, ...]:
    """The bias sections present in ``analysis``, pre-training first."""
    sections: list[BiasSection] = []
    for key, heading in BIAS_SECTIONS:
        if not isinstance(analysis.get(key), Mapping):
            continue
        raw = analysis[key]
        groups = [
            FacetGroup(
                facet=str(facet),
                value_or_threshold=_text(_mapping(group).get("value_or_threshold")),
                metrics=tuple(
                    _metric(m) for m in map(_mapping, _sequence(_mapping(group).get("metrics")))
                ),
            )
            for facet, entries in _mapping(raw.get("facets")).items()
            for group in _sequence(entries)
        ]
        sections.append(
            BiasSection(
                key=key,
                heading=heading,
                label=_text(raw.get("label")),
                label_value_or_threshold=_text(raw.get("label_value_or_threshold")),
                groups=tuple(groups),
            )
        )
    return tuple(sections)


def _explanations(analysis: Mapping[str, Any]) -> Mapping[str, Any]:
    return _mapping(analysis.get("explanations"))


def _by_magnitude(raw: Mapping[str, Any]) -> tuple[tuple[str, float], ...]:
    return tuple(
        sorted(
            ((str(name), to_float(value)) for name, value in raw.items()),
            key=lambda item: (-abs(item[1]) if item[1] == item[1] else 0.0, item[0]),
        )
    )


def read_shap(analysis: Mapping[str, Any]) -> tuple[ShapLabel, ...]:
    """``explanations.kernel_shap`` per label, values sorted by |value| then name."""
    labels: list[ShapLabel] = []
    for label, entry in _mapping(_explanations(analysis).get("kernel_shap")).items():
        text = _mapping(_mapping(entry).get("global_top_shap_text"))
        images = _mapping(_mapping(entry).get("image_explanations"))
        labels.append(
            ShapLabel(
                label=str(label),
                expected_value=to_float(_mapping(entry).get("expected_value")),
                values=_by_magnitude(_mapping(_mapping(entry).get("global_shap_values"))),
                text=tuple(
                    (str(feature), _by_magnitude(_mapping(units)))
                    for feature, units in sorted(text.items())
                ),
                images=tuple(
                    (str(image), _by_magnitude(_mapping(segments)))
                    for image, segments in sorted(images.items())
                ),
            )
        )
    return tuple(labels)


def _numbers(values: Sequence[Any]) -> tuple[float, ...] | None:
    """The grid as numbers when every value is numeric (``numerical`` features)."""
    if not values or any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
        return None
    return tuple(float(v) for v in values)


def read_pdp(analysis: Mapping[str, Any]) -> tuple[PdpFeature, ...]:
    """``explanations.pdp`` entries in document order."""
    features: list[PdpFeature] = []
    for entry in map(_mapping, _sequence(_explanations(analysis).get("pdp"))):
        grid = _sequence(entry.get("feature_values"))
        error = entry.get("error")
        features.append(
            PdpFeature(
                feature_name=_text(entry.get("feature_name")),
                data_type=_text(entry.get("data_type")),
                feature_values=tuple(_text(v) for v in grid),
                numeric_values=_numbers(grid),
                distribution=tuple(to_float(v) for v in _sequence(entry.get("data_distribution"))),
                predictions=tuple(
                    tuple(to_float(v) for v in _sequence(curve))
                    for curve in _sequence(entry.get("model_predictions"))
                ),
                label_headers=tuple(_text(h) for h in _sequence(entry.get("label_headers"))),
                error=None if error is None else str(error),
            )
        )
    return tuple(features)
