"""Model-quality metrics, suggested constraints and violations (SageMaker ModelQualityMonitor).

Pure numpy. Metric names, order, formulas and number formatting follow spec model_monitor.md
§4.4 and reproduce the real churn baseline (``examples_model_quality_churn``) to the digit,
except the subsample standard deviations, whose random draws are the service's own.

Usage::

    from datetime import UTC, datetime
    from plimsoll.engines.model_quality import (
        binary_classification_metrics, check_constraints, constraints_document,
        statistics_document, suggest_constraints, violations_document,
    )

    baseline = binary_classification_metrics(labels, predictions, probabilities)
    statistics_document(baseline, evaluation_time=datetime.now(UTC))  # statistics.json
    constraints = suggest_constraints(baseline)
    constraints_document(constraints)                                # constraints.json
    current = binary_classification_metrics(new_labels, None, new_probabilities,
                                             probability_threshold=0.8)
    violations_document(check_constraints(current, constraints))     # constraint_violations.json
"""

from __future__ import annotations

from plimsoll.engines.model_quality.binary import binary_classification_metrics
from plimsoll.engines.model_quality.constraints import (
    SUGGESTED_OPERATORS,
    ComparisonOperator,
    Constraint,
    ConstraintSet,
    constraints_document,
    constraints_from_document,
    suggest_constraints,
)
from plimsoll.engines.model_quality.curves import DEFAULT_CURVE_BINS
from plimsoll.engines.model_quality.java_double import format_java_double, json_number
from plimsoll.engines.model_quality.labels import canonical_labels
from plimsoll.engines.model_quality.multiclass import multiclass_classification_metrics
from plimsoll.engines.model_quality.regression import regression_metrics
from plimsoll.engines.model_quality.result import (
    SCALAR_METRICS,
    ConfusionMatrix,
    Metric,
    ModelQualityResult,
    PrecisionRecallCurve,
    ProblemType,
    RocCurve,
)
from plimsoll.engines.model_quality.sampling import (
    MIN_ITEMS_FOR_STANDARD_DEVIATION,
    SUBSAMPLE_COUNT,
    SUBSAMPLE_FRACTION,
)
from plimsoll.engines.model_quality.statistics import evaluate_model_quality, statistics_document
from plimsoll.engines.model_quality.violations import (
    Violation,
    camel_case_metric,
    check_constraints,
    violations_document,
)

__all__ = [
    "DEFAULT_CURVE_BINS",
    "MIN_ITEMS_FOR_STANDARD_DEVIATION",
    "SCALAR_METRICS",
    "SUBSAMPLE_COUNT",
    "SUBSAMPLE_FRACTION",
    "SUGGESTED_OPERATORS",
    "ComparisonOperator",
    "ConfusionMatrix",
    "Constraint",
    "ConstraintSet",
    "Metric",
    "ModelQualityResult",
    "PrecisionRecallCurve",
    "ProblemType",
    "RocCurve",
    "Violation",
    "binary_classification_metrics",
    "camel_case_metric",
    "canonical_labels",
    "check_constraints",
    "constraints_document",
    "constraints_from_document",
    "evaluate_model_quality",
    "format_java_double",
    "json_number",
    "multiclass_classification_metrics",
    "regression_metrics",
    "statistics_document",
    "suggest_constraints",
    "violations_document",
]
