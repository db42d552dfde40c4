"""Run the requested bias metrics over every group of a facet, as smclarify's ``bias_report``.

The result dataclasses mirror the bias sections of Clarify's ``analysis.json`` (spec §2.6):
metrics sorted by name, a failing metric carrying ``error`` and ``value=None`` while the others
still run, and ``to_dict()`` giving the JSON shape with +-inf written as ``"Infinity"``.
Configuration problems that smclarify raises for the whole report (no label values, a
continuous facet without a threshold, no positive prediction at all, an unknown metric name)
raise ``plimsoll.errors.ValidationError`` here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from plimsoll.engines.bias import posttraining, pretraining
from plimsoll.engines.bias.facets import (
    as_column,
    facet_groups,
    positive_mask,
    predicted_positive_mask,
    small_int_counts,
)
from plimsoll.engines.bias.inputs import BiasInputs, MetricError, make_inputs
from plimsoll.errors import ValidationError

__all__ = [
    "DESCRIPTIONS",
    "POST_TRAINING_METRICS",
    "PRE_TRAINING_METRICS",
    "BiasSection",
    "FacetResult",
    "MetricResult",
    "Stage",
    "bias_report",
    "bias_section",
]

Metric = Callable[[BiasInputs], float]


class Stage(enum.Enum):
    """Which metric family runs: before training (labels only) or after (with predictions)."""

    PRE_TRAINING = "pre_training"
    POST_TRAINING = "post_training"


PRE_TRAINING_METRICS: dict[str, Metric] = {
    "CDDL": pretraining.CDDL,
    "CI": pretraining.CI,
    "DPL": pretraining.DPL,
    "JS": pretraining.JS,
    "KL": pretraining.KL,
    "KS": pretraining.KS,
    "LP": pretraining.LP,
    "TVD": pretraining.TVD,
}
POST_TRAINING_METRICS: dict[str, Metric] = {
    "AD": posttraining.AD,
    "CDDPL": posttraining.CDDPL,
    "DAR": posttraining.DAR,
    "DCA": posttraining.DCA,
    "DCR": posttraining.DCR,
    "DI": posttraining.DI,
    "DPPL": posttraining.DPPL,
    "DRR": posttraining.DRR,
    "FT": posttraining.FT,
    "GE": posttraining.GE,
    "RD": posttraining.RD,
    "SD": posttraining.SD,
    "TE": posttraining.TE,
}
DESCRIPTIONS: dict[str, str] = {
    "CDDL": "Conditional Demographic Disparity in Labels (CDDL)",
    "CI": "Class Imbalance (CI)",
    "DPL": "Difference in Positive Proportions in Labels (DPL)",
    "JS": "Jensen-Shannon Divergence (JS)",
    "KL": "Kullback-Liebler Divergence (KL)",
    "KS": "Kolmogorov-Smirnov Distance (KS)",
    "LP": "L-p Norm (LP)",
    "TVD": "Total Variation Distance (TVD)",
    "AD": "Accuracy Difference (AD)",
    "CDDPL": "Conditional Demographic Disparity in Predicted Labels (CDDPL)",
    "DAR": "Difference in Acceptance Rates (DAR)",
    "DCA": "Difference in Conditional Acceptance (DCA)",
    "DCR": "Difference in Conditional Rejection (DCR)",
    "DI": "Disparate Impact (DI)",
    "DPPL": "Difference in Positive Proportions in Predicted Labels (DPPL)",
    "DRR": "Difference in Rejection Rates (DRR)",
    "FT": "Flip Test (FT)",
    "GE": "Generalized Entropy (GE)",
    "RD": "Recall Difference (RD)",
    "SD": "Specificity Difference (SD)",
    "TE": "Treatment Equality (TE)",
}
_ALIASES = {"DCACC": "DCA"}  # the AWS docs' name for DCA


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricResult:
    """One metric of one group: a value, or ``value=None`` and the error text."""

    name: str
    description: str
    value: float | None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        value: float | str | None = self.value
        if self.value is not None and np.isinf(self.value):
            value = "Infinity" if self.value > 0 else "-Infinity"
        out: dict[str, object] = {
            "name": self.name,
            "description": self.description,
            "value": value,
        }
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class FacetResult:
    """The metrics of one sensitive group of a facet."""

    value_or_threshold: str
    metrics: tuple[MetricResult, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "value_or_threshold": self.value_or_threshold,
            "metrics": [m.to_dict() for m in self.metrics],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class BiasSection:
    """``pre_training_bias_metrics`` or ``post_training_bias_metrics`` of ``analysis.json``."""

    label: str
    label_value_or_threshold: str
    facets: Mapping[str, tuple[FacetResult, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "label_value_or_threshold": self.label_value_or_threshold,
            "facets": {
                name: [entry.to_dict() for entry in entries]
                for name, entries in self.facets.items()
            },
        }


def _select(stage: Stage, metrics: Sequence[str] | str) -> list[tuple[str, Metric]]:
    table = PRE_TRAINING_METRICS if stage is Stage.PRE_TRAINING else POST_TRAINING_METRICS
    if metrics == "all" or list(metrics) == ["all"]:
        return sorted(table.items())
    names = [_ALIASES.get(str(m).upper(), str(m)) for m in metrics]
    unknown = sorted(set(names) - set(table))
    if unknown:
        raise ValidationError(
            f"Invalid metric_name: metrics should be one of the registered metrics "
            f"{sorted(table)}; got {unknown}"
        )
    return sorted((name, table[name]) for name in set(names))


def _group_codes(group_variable: object | None, size: int) -> npt.NDArray[np.intp] | None:
    if group_variable is None:
        return None
    column = as_column(group_variable)
    if column.size != size:
        raise ValidationError("group_variable must have one value per row")
    if column.size == 0:
        return np.zeros(0, dtype=np.intp)
    counted = small_int_counts(column)
    if counted is not None:  # the rank of each value among those present, as np.unique gives
        low, counts = counted
        rank = np.cumsum(counts > 0) - 1
        return np.asarray(rank[np.asarray(column.astype(np.int64) - low, dtype=np.intp)])
    keys = column.astype(str) if column.dtype.kind == "O" else column
    _, codes = np.unique(keys, return_inverse=True)
    return np.asarray(codes, dtype=np.intp)


def _feature_matrix(
    features: Mapping[str, object] | None, size: int
) -> npt.NDArray[np.float64] | str | None:
    if features is None:
        return None
    columns = [as_column(values) for values in features.values()]
    if any(c.dtype.kind not in "biuf" for c in columns):
        return "FlipTest does not support non-numeric columns"
    if any(c.size != size for c in columns):
        raise ValidationError("every feature column must have one value per row")
    if not columns:
        return np.zeros((size, 0), dtype=np.float64)
    return np.column_stack([c.astype(np.float64) for c in columns])


def _run(name: str, metric: Metric, inputs: BiasInputs) -> MetricResult:
    description = DESCRIPTIONS[name]
    try:
        value = float(metric(inputs))
    except (MetricError, ValueError, ZeroDivisionError) as exc:
        message = exc.message if isinstance(exc, MetricError) else str(exc)
        return MetricResult(name=name, description=description, value=None, error=message)
    return MetricResult(name=name, description=description, value=value)


def bias_report(
    *,
    facet: npt.ArrayLike,
    facet_values_or_threshold: Sequence[object] | None,
    label: npt.ArrayLike,
    label_values_or_threshold: Sequence[object],
    stage: Stage,
    predicted_label: npt.ArrayLike | None = None,
    metrics: Sequence[str] | str = "all",
    group_variable: npt.ArrayLike | None = None,
    features: Mapping[str, npt.ArrayLike] | None = None,
) -> tuple[FacetResult, ...]:
    """Bias metrics of one facet, one ``FacetResult`` per sensitive group.

    ``facet``, ``label``, ``predicted_label`` and ``group_variable`` are whole columns (numpy,
    pyarrow or lists). Omitting ``facet_values_or_threshold`` runs one-vs-all. ``features``
    are the dataset columns the flip test uses: everything but the facet, label and predicted
    label (the group column included), as smclarify passes them.

    >>> import numpy as np
    >>> sex = np.array(["F", "M", "M"], dtype=object)
    >>> label = np.array(["y", "n", "y"], dtype=object)
    >>> [r] = bias_report(facet=sex, facet_values_or_threshold=["F"], label=label,
    ...                   label_values_or_threshold=["y"], stage=Stage.PRE_TRAINING, metrics=["CI"])
    >>> r.metrics[0].value
    0.3333333333333333
    """
    facet_col, label_col = as_column(facet), as_column(label)
    if facet_col.size != label_col.size:
        raise ValidationError("facet and label columns must have the same length")
    selected = _select(stage, metrics)
    positive, _ = positive_mask(label_col, label_values_or_threshold)
    predicted = None
    if stage is Stage.POST_TRAINING:
        if predicted_label is None:
            raise ValidationError("post-training bias metrics need a predicted label column")
        pred_col = as_column(predicted_label)
        if pred_col.size != label_col.size:
            raise ValidationError("predicted label column must have one value per row")
        predicted = predicted_positive_mask(pred_col, label_col, label_values_or_threshold)
    groups = _group_codes(group_variable, label_col.size)
    matrix = _feature_matrix(features, label_col.size) if stage is Stage.POST_TRAINING else None
    results = []
    for group in facet_groups(facet_col, facet_values_or_threshold):
        inputs = make_inputs(
            facet=group.mask, label=positive, predicted=predicted, groups=groups, features=matrix
        )
        metric_results = tuple(_run(name, metric, inputs) for name, metric in selected)
        results.append(
            FacetResult(value_or_threshold=group.value_or_threshold, metrics=metric_results)
        )
    return tuple(results)


def bias_section(
    *,
    label_name: str,
    label: npt.ArrayLike,
    label_values_or_threshold: Sequence[object],
    facets: Mapping[str, tuple[FacetResult, ...]],
) -> BiasSection:
    """Wrap per-facet results into one ``analysis.json`` bias section with the label text."""
    _, text = positive_mask(as_column(label), label_values_or_threshold)
    return BiasSection(label=label_name, label_value_or_threshold=text, facets=dict(facets))
