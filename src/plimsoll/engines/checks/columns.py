"""``missing_column_check`` and ``extra_column_check``: column counts against the baseline.

Features are matched by position (the analyzer names capture columns positionally), so
only the count matters: one violation per baseline feature beyond the current columns
(named after the feature) and one per current column beyond the baseline (named after
the column). The wording is not public [INFERRED].
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from plimsoll.engines.checks.types import CheckType, FeatureChecks, Violation

logger = logging.getLogger(__name__)

__all__ = ["check_columns"]


def check_columns(features: Sequence[FeatureChecks], current: Sequence[str]) -> list[Violation]:
    """Missing/extra column violations for baseline ``features`` and ``current`` column names."""
    counts = (
        f"Number of columns in current dataset: {len(current)}, "
        f"Number of columns in baseline constraints: {len(features)}"
    )
    missing = [
        Violation(
            feature_name=f.name,
            constraint_check_type=CheckType.MISSING_COLUMN,
            description=f"There are missing columns in current dataset. {counts}",
        )
        for f in features[len(current) :]
    ]
    extra = [
        Violation(
            feature_name=name,
            constraint_check_type=CheckType.EXTRA_COLUMN,
            description=f"There are extra columns in current dataset. {counts}",
        )
        for name in current[len(features) :]
    ]
    return missing + extra
