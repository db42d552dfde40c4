"""The Clarify image's bias analysis: config + dataset -> the ``analysis.json`` bias sections.

What the container does for ``methods.pre_training_bias`` / ``methods.post_training_bias``
(spec clarify.md §2.1, §2.6): for every ``facet`` entry, smclarify's ``bias_report`` over the
whole dataset (one-vs-all when ``value_or_threshold`` is omitted), with ``group_variable`` for
CDDL/CDDPL and, for the flip test, every column except the facet, the label and the predicted
label. The sections are keyed ``pre_training_bias_metrics`` and ``post_training_bias_metrics``,
and each facet is keyed by its column name (an index in the config is resolved to the name).

Post-training bias without a ``predicted_label`` column (in the dataset or in a predicted-label
file) uses the model's predictions, which the image adds to the dataset before calling
:func:`bias_sections` (see :func:`model_needs`); asymmetric Shapley values (time series) are
refused by :func:`check_supported`.
``excluded_columns``, ``joinsource_name_or_index`` and the columns of the facet and
predicted-label files are left out of the flip-test features, since the container never sends
them to the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plimsoll.compat.clarify_analysis_config import AnalysisConfig, BiasMethod
from plimsoll.engines.bias import FacetResult, Stage, bias_report, bias_section
from plimsoll.errors import ValidationError
from plimsoll.images._clarify_dataset import Dataset, column_name

__all__ = ["bias_sections", "check_supported", "model_needs"]


def model_needs(config: AnalysisConfig) -> list[str]:
    """What in the config needs model access (empty: the job never calls a model)."""
    methods = config.methods
    needs = []
    predicted = config.predicted_label is not None or config.predicted_label_dataset_uri
    if methods.post_training_bias is not None and not predicted:
        needs.append("Post-training bias without a predicted_label column in the dataset")
    if methods.shap is not None:
        needs.append("The shap method (Kernel SHAP explainability)")
    if methods.pdp is not None:
        needs.append("The pdp method (partial dependence plots)")
    return needs


def check_supported(config: AnalysisConfig) -> None:
    """Refuses, before any data is read, what this version cannot compute.

    Raises:
        ValidationError: A method or an input layout is not supported yet.
    """
    methods = config.methods
    if methods.asymmetric_shapley_value is not None:
        raise ValidationError(
            "The asymmetric_shapley_value method is not supported by this Plimsoll version yet"
        )
    bias = methods.pre_training_bias is not None or methods.post_training_bias is not None
    if not bias and methods.shap is None and methods.pdp is None:
        raise ValidationError("No analysis method requested: methods has no bias, shap or pdp")
    if config.time_series_data_config is not None:
        raise ValidationError(
            "time_series_data_config is not supported by this Plimsoll version yet"
        )
    side = config.facet_dataset_uri or config.predicted_label_dataset_uri
    if side and config.dataset_type != "text/csv":
        raise ValidationError(
            "facet_dataset_uri and predicted_label_dataset_uri need dataset_type text/csv"
        )
    if bias and not config.facet:
        raise ValidationError("Bias analysis needs at least one facet in the config")
    if bias and (config.label is None or not config.label_values_or_threshold):
        raise ValidationError("Bias analysis needs label and label_values_or_threshold")


def _excluded(config: AnalysisConfig, dataset: Dataset, names: list[str]) -> set[str]:
    refs: list[str | int] = list(config.excluded_columns or [])
    if config.joinsource_name_or_index is not None:
        refs.append(config.joinsource_name_or_index)
    return {column_name(names, ref, "excluded column") for ref in refs} | dataset.side_columns


def _section(
    config: AnalysisConfig, dataset: Dataset, stage: Stage, method: BiasMethod
) -> dict[str, Any]:
    names = list(dataset.columns)
    label = dataset.label
    assert label is not None and config.label_values_or_threshold is not None  # checked
    labels = config.label_values_or_threshold
    group = None
    if config.group_variable is not None:
        group = dataset.columns[column_name(names, config.group_variable, "group_variable")]
    predicted_name = dataset.predicted_label if stage is Stage.POST_TRAINING else None
    predicted = dataset.columns[predicted_name] if predicted_name is not None else None
    skip = (
        _excluded(config, dataset, names)
        | {label}
        | ({predicted_name} if predicted_name else set())
    )
    facets: dict[str, tuple[FacetResult, ...]] = {}
    for facet in config.facet or ():
        facet_name = column_name(names, facet.name_or_index, "facet")
        features: Mapping[str, Any] | None = None
        if stage is Stage.POST_TRAINING:
            features = {n: c for n, c in dataset.columns.items() if n not in skip | {facet_name}}
        facets[facet_name] = bias_report(
            facet=dataset.columns[facet_name],
            facet_values_or_threshold=facet.value_or_threshold or None,
            label=dataset.columns[label],
            label_values_or_threshold=labels,
            stage=stage,
            predicted_label=predicted,
            metrics=method.methods,
            group_variable=group,
            features=features,
        )
    section = bias_section(
        label_name=label, label=dataset.columns[label], label_values_or_threshold=labels,
        facets=facets,
    )  # fmt: skip
    return section.to_dict()


def bias_sections(config: AnalysisConfig, dataset: Dataset) -> dict[str, Any]:
    """The requested bias sections, keyed as in SageMaker's ``analysis.json``."""
    out: dict[str, Any] = {}
    if config.methods.pre_training_bias is not None:
        out["pre_training_bias_metrics"] = _section(
            config, dataset, Stage.PRE_TRAINING, config.methods.pre_training_bias
        )
    if config.methods.post_training_bias is not None:
        out["post_training_bias_metrics"] = _section(
            config, dataset, Stage.POST_TRAINING, config.methods.post_training_bias
        )
    return out
