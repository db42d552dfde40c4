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


def serving_not_found_message(kind: str, name: str) -> str:
    """The ResourceNotFound message for an unknown model, endpoint configuration or endpoint.

    ``kind`` is SageMaker's noun: ``model``, ``endpoint configuration`` or ``endpoint``.
    """
    return f'Could not find {kind} "{name}".'


def serving_in_use_message(kind: str, arn: str) -> str:
    """The ResourceInUse message for a taken model, endpoint configuration or endpoint name."""
    return f'Cannot create already existing {kind} "{arn}".'


MONITORING_SCHEDULE = "monitoring schedule"
JOB_DEFINITION = "job definition"
MONITORING_EXECUTION = "monitoring execution"


def monitoring_not_found_message(kind: str, name: str) -> str:
    """The ResourceNotFound message for an unknown Model Monitor record.

    ``kind`` is :data:`MONITORING_SCHEDULE`, :data:`JOB_DEFINITION` or
    :data:`MONITORING_EXECUTION`; ``name`` is the name (the execution id for executions).
    """
    return f'Could not find {kind} "{name}".'


def monitoring_in_use_message(kind: str, arn: str) -> str:
    """The ResourceInUse message for a taken Model Monitor name; names the existing ARN (the
    execution id for executions, which have none of their own)."""
    return f'Cannot create already existing {kind} "{arn}".'
