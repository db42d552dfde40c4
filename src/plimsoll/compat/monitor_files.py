"""SageMaker Model Monitor data-quality files: statistics.json and constraints.json.

Field names and order follow the real analyzer output. Sketch ``data`` holds our KLL's
retained items per level (level i items weigh 2^i), not Deequ's compactor layout; the
``parameters`` block repeats SageMaker's values (c 0.64, k 2048). Non-finite floats are
written as the string ``"NaN"``, as the analyzer does. :func:`profile_result_from_statistics`
reads a baseline statistics.json (SageMaker's or ours) back into the engine's
:class:`~plimsoll.engines.profile.ProfileResult`, for the checks that need it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer

from plimsoll.engines.profile import (
    Bucket,
    ColumnResult,
    ConstraintSuggestion,
    InferredType,
    NumericSummary,
    ProfileResult,
    StringSummary,
)

__all__ = [
    "CategoricalBucket",
    "Constraints",
    "FeatureConstraints",
    "FeatureStatistics",
    "KllBucket",
    "Statistics",
    "profile_result_from_statistics",
    "to_constraints_json",
    "to_statistics_json",
]

SKETCH_C = 0.64


def _nan_as_string(value: float) -> float | str:
    return value if math.isfinite(value) else "NaN"


JsonFloat = Annotated[float, PlainSerializer(_nan_as_string)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Common(_Model):
    num_present: int
    num_missing: int


class KllBucket(_Model):
    lower_bound: JsonFloat
    upper_bound: JsonFloat
    count: JsonFloat


class SketchParameters(_Model):
    c: float
    k: float


class Sketch(_Model):
    parameters: SketchParameters
    data: list[list[JsonFloat]]


class Kll(_Model):
    buckets: list[KllBucket]
    sketch: Sketch


class NumericalDistribution(_Model):
    kll: Kll


class NumericalStatistics(_Model):
    common: Common
    mean: JsonFloat
    sum: JsonFloat
    std_dev: JsonFloat
    min: JsonFloat
    max: JsonFloat
    distribution: NumericalDistribution


class CategoricalBucket(_Model):
    value: str
    count: int


class Categorical(_Model):
    buckets: list[CategoricalBucket]


class StringDistribution(_Model):
    categorical: Categorical


class StringStatistics(_Model):
    common: Common
    distinct_count: float
    distribution: StringDistribution | None = None


class FeatureStatistics(_Model):
    name: str
    inferred_type: str
    numerical_statistics: NumericalStatistics | None = None
    string_statistics: StringStatistics | None = None


class Dataset(_Model):
    item_count: int


class Statistics(_Model):
    """statistics.json (data quality)."""

    version: float = 0.0
    dataset: Dataset
    features: list[FeatureStatistics]


class NumConstraints(_Model):
    is_non_negative: bool


class FeatureOverrides(_Model):
    evaluate_constraints: str | None = None
    emit_metrics: str | None = None


class StringConstraints(_Model):
    domains: list[str]
    monitoring_config_overrides: FeatureOverrides | None = None


class FeatureConstraints(_Model):
    name: str
    inferred_type: str
    completeness: float | None = None
    num_constraints: NumConstraints | None = None
    string_constraints: StringConstraints | None = None
    monitoringConfigOverrides: dict[str, Any] | None = None  # noqa: N815 - SageMaker's name


class DistributionConstraints(_Model):
    perform_comparison: str | None = None
    comparison_threshold: float | None = None
    comparison_method: str | None = None
    categorical_comparison_threshold: float | None = None
    categorical_drift_method: str | None = None
    # Legacy (pre-2020) keys seen in old SDK fixtures.
    enable_comparisons: bool | None = None
    min_domain_mass: float | None = None


class MonitoringConfig(_Model):
    evaluate_constraints: str | None = None
    emit_metrics: str | None = None
    datatype_check_threshold: float | None = None
    domain_content_threshold: float | None = None
    distribution_constraints: DistributionConstraints | None = None


class Constraints(_Model):
    """constraints.json (data quality)."""

    version: float = 0.0
    features: list[FeatureConstraints]
    monitoring_config: MonitoringConfig | None = None


def _feature_statistics(column: ColumnResult) -> FeatureStatistics:
    common = Common(num_present=column.num_present, num_missing=column.num_missing)
    feature = FeatureStatistics(name=column.name, inferred_type=column.inferred_type.value)
    if column.numeric is not None:
        num = column.numeric
        kll = Kll(
            buckets=[
                KllBucket(lower_bound=b.lower_bound, upper_bound=b.upper_bound, count=b.count)
                for b in num.buckets
            ],
            sketch=Sketch(
                parameters=SketchParameters(c=SKETCH_C, k=float(num.sketch_k)),
                data=[list(level) for level in num.sketch_levels],
            ),
        )
        feature.numerical_statistics = NumericalStatistics(
            common=common,
            mean=num.mean,
            sum=num.sum,
            std_dev=num.std_dev,
            min=num.min,
            max=num.max,
            distribution=NumericalDistribution(kll=kll),
        )
    elif column.string is not None:
        string = column.string
        distribution = None
        if string.frequencies is not None:
            ordered = sorted(string.frequencies, key=lambda vc: (-vc[1], vc[0]))
            distribution = StringDistribution(
                categorical=Categorical(
                    buckets=[CategoricalBucket(value=v, count=n) for v, n in ordered]
                )
            )
        feature.string_statistics = StringStatistics(
            common=common, distinct_count=string.distinct_count, distribution=distribution
        )
    return feature


def to_statistics_json(result: ProfileResult) -> dict[str, Any]:
    """statistics.json content for a finalized profile (``json.dumps``-ready)."""
    model = Statistics(
        dataset=Dataset(item_count=result.item_count),
        features=[_feature_statistics(c) for c in result.columns],
    )
    return model.model_dump(mode="json", exclude_none=True)


def to_constraints_json(suggestion: ConstraintSuggestion) -> dict[str, Any]:
    """constraints.json content for suggested constraints (``json.dumps``-ready)."""
    features = []
    for f in suggestion.features:
        features.append(
            FeatureConstraints(
                name=f.name,
                inferred_type=f.inferred_type.value,
                completeness=f.completeness,
                num_constraints=None
                if f.is_non_negative is None
                else NumConstraints(is_non_negative=f.is_non_negative),
                string_constraints=None
                if f.domains is None
                else StringConstraints(domains=list(f.domains)),
            )
        )
    cfg = suggestion.monitoring_config
    dist = cfg.distribution_constraints
    model = Constraints(
        features=features,
        monitoring_config=MonitoringConfig(
            evaluate_constraints=cfg.evaluate_constraints,
            emit_metrics=cfg.emit_metrics,
            datatype_check_threshold=cfg.datatype_check_threshold,
            domain_content_threshold=cfg.domain_content_threshold,
            distribution_constraints=DistributionConstraints(
                perform_comparison=dist.perform_comparison,
                comparison_threshold=dist.comparison_threshold,
                comparison_method=dist.comparison_method,
                categorical_comparison_threshold=dist.categorical_comparison_threshold,
                categorical_drift_method=dist.categorical_drift_method,
            ),
        ),
    )
    return model.model_dump(mode="json", exclude_none=True)


def _column_from(feature: FeatureStatistics, item_count: int) -> ColumnResult:
    kind = InferredType(feature.inferred_type)
    num, string = feature.numerical_statistics, feature.string_statistics
    common = num.common if num is not None else (string.common if string is not None else None)
    column = ColumnResult(
        name=feature.name,
        inferred_type=kind,
        num_present=0 if common is None else common.num_present,
        num_missing=item_count if common is None else common.num_missing,
    )
    if num is not None:
        kll = num.distribution.kll
        numeric = NumericSummary(
            mean=num.mean,
            sum=num.sum,
            std_dev=num.std_dev,
            min=num.min,
            max=num.max,
            buckets=tuple(
                Bucket(lower_bound=b.lower_bound, upper_bound=b.upper_bound, count=b.count)
                for b in kll.buckets
            ),
            sketch_k=int(kll.sketch.parameters.k),
            sketch_levels=tuple(tuple(level) for level in kll.sketch.data),
            # The serialized sketch is not in the file; the checks use ``sketch_levels``.
            sketch=b"",
        )
        return replace(column, numeric=numeric)
    if string is not None:
        frequencies = None
        if string.distribution is not None:
            frequencies = tuple((b.value, b.count) for b in string.distribution.categorical.buckets)
        summary = StringSummary(distinct_count=string.distinct_count, frequencies=frequencies)
        return replace(column, string=summary)
    return column


def profile_result_from_statistics(statistics_json: Mapping[str, Any]) -> ProfileResult:
    """The profile a statistics.json describes (inverse of :func:`to_statistics_json`).

    Reads SageMaker's files as well as ours: sketch ``data`` levels (item on level i weighs
    2^i) become ``sketch_levels``, categorical buckets become ``frequencies`` (None when the
    file has no distribution), ``"NaN"`` strings become NaN. ``NumericSummary.sketch`` (the
    serialized sketch) is empty: the file does not hold it.

    Raises:
        pydantic.ValidationError: The content is not a data-quality statistics file.
        ValueError: An unknown ``inferred_type``.
    """
    model = Statistics.model_validate(dict(statistics_json))
    count = model.dataset.item_count
    return ProfileResult(
        item_count=count, columns=tuple(_column_from(f, count) for f in model.features)
    )
