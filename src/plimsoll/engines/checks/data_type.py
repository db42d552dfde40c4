"""``data_type_check``: the share of current values of the baseline type must reach a threshold.

Decisions (spec §5.5 / §8):

* The share counts present values only (Deequ's ``ratioTypes(ignoreUnknown=true)``);
  missing values are the completeness check's business. The real churn run's 99.6459 %
  is 1970/1977 rows whose value was Integral (7 rows carried a pandas-mangled header,
  ``0.1``, ``1.2``...), so nothing there contradicts this.
* Integral values satisfy a Fractional expectation; every value satisfies String.
* Unknown baseline types and all-missing current columns are not checked.
"""

from __future__ import annotations

import logging

from plimsoll.engines.checks.types import (
    ChecksConfig,
    CheckType,
    FeatureChecks,
    Violation,
    format_double,
)
from plimsoll.engines.profile import ColumnState, InferredType

logger = logging.getLogger(__name__)

__all__ = ["check_data_type", "type_match_ratio"]


def type_match_ratio(expected: InferredType, column: ColumnState) -> float | None:
    """Share of the column's present values that satisfy ``expected``; ``None`` = no check."""
    present = column.present
    if present == 0 or expected is InferredType.UNKNOWN:
        return None
    if expected is InferredType.INTEGRAL:
        matching = column.integral
    elif expected is InferredType.FRACTIONAL:
        matching = column.integral + column.fractional
    else:
        matching = present
    return matching / present


def check_data_type(
    feature: FeatureChecks, current: ColumnState, config: ChecksConfig
) -> Violation | None:
    """The ``data_type_check`` violation of one feature, or ``None`` when it passes."""
    ratio = type_match_ratio(feature.inferred_type, current)
    if ratio is None or ratio >= config.datatype_check_threshold:
        return None
    kind = feature.inferred_type.value
    return Violation(
        feature_name=feature.name,
        constraint_check_type=CheckType.DATA_TYPE,
        description=(
            f"Data type match requirement is not met. Expected data type: {kind}, "
            f"Expected match: {format_double(config.datatype_check_threshold * 100)}%. "
            f"Observed: Only {format_double(ratio * 100)}% of data is {kind}."
        ),
    )
