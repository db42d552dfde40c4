"""``completeness_check``: the share of non-missing current values must reach the baseline's.

The real description wording is not public; ours mirrors the real ``data_type_check``
sentence [INFERRED].
"""

from __future__ import annotations

import logging

from plimsoll.engines.checks.types import (
    CheckType,
    FeatureChecks,
    Violation,
    format_double,
)
from plimsoll.engines.profile import ColumnState

logger = logging.getLogger(__name__)

__all__ = ["check_completeness"]


def check_completeness(feature: FeatureChecks, current: ColumnState) -> Violation | None:
    """The ``completeness_check`` violation of one feature, or ``None`` when it passes."""
    total = current.present + current.missing
    if feature.completeness is None or total == 0:
        return None
    observed = current.present / total
    if observed >= feature.completeness:
        return None
    return Violation(
        feature_name=feature.name,
        constraint_check_type=CheckType.COMPLETENESS,
        description=(
            "Data completeness requirement is not met. Expected completeness: "
            f"{format_double(feature.completeness * 100)}%. "
            f"Observed: Only {format_double(observed * 100)}% of data is complete."
        ),
    )
