"""The user-facing messages of metadata store errors, worded once for every store."""

from __future__ import annotations


def not_found_message(name: str) -> str:
    """The ResourceNotFound message for an unknown processing job."""
    return f"Could not find processing job '{name}'"


def in_use_message(name: str, arn: str | None = None) -> str:
    """The ResourceInUse message for a taken job name (SageMaker's wording)."""
    where = f" ({arn})" if arn else f" (name '{name}')"
    return (
        "Job name must be unique within an AWS account and region, "
        f"and a job with this name already exists{where}"
    )
