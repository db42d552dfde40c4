"""Data-quality profiling: statistics and suggested constraints (map/merge/finalize)."""

from __future__ import annotations

from plimsoll.engines.profile.columns import ColumnState, InferredType
from plimsoll.engines.profile.profile import (
    ZERO,
    Bucket,
    ColumnResult,
    NumericSummary,
    ProfileResult,
    ProfileState,
    StringSummary,
    finalize,
    merge,
    profile_batch,
)
from plimsoll.engines.profile.serialise import state_from_bytes, state_to_bytes
from plimsoll.engines.profile.suggest import (
    ConstraintSuggestion,
    DistributionConstraints,
    FeatureConstraint,
    MonitoringConfig,
    suggest_constraints,
)

__all__ = [
    "ZERO",
    "Bucket",
    "ColumnResult",
    "ColumnState",
    "ConstraintSuggestion",
    "DistributionConstraints",
    "FeatureConstraint",
    "InferredType",
    "MonitoringConfig",
    "NumericSummary",
    "ProfileResult",
    "ProfileState",
    "StringSummary",
    "finalize",
    "merge",
    "profile_batch",
    "state_from_bytes",
    "state_to_bytes",
    "suggest_constraints",
]
