"""SageMaker names: ARNs, job names from a base name, and the name rule itself."""

from __future__ import annotations

import re
from datetime import UTC, datetime

JOB_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
MAX_JOB_NAME = 63


def processing_job_arn(name: str, *, region: str, account_id: str) -> str:
    return f"arn:aws:sagemaker:{region}:{account_id}:processing-job/{name.lower()}"


def name_from_arn(arn: str) -> str:
    """The resource name at the end of a SageMaker ARN (``…:processing-job/<name>``)."""
    _, _, tail = arn.partition(":processing-job/")
    if not tail:
        raise ValueError(f"not a processing job ARN: {arn!r}")
    return tail


def timestamp(now: datetime | None = None) -> str:
    """UTC ``YYYY-MM-DD-HH-MM-SS-mmm``, the 23-character suffix the SDK appends."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y-%m-%d-%H-%M-%S-") + f"{now.microsecond // 1000:03d}"


def name_from_base(base: str, *, now: datetime | None = None) -> str:
    """``base`` cut to fit, a dash, then the timestamp: at most 63 characters."""
    ts = timestamp(now)
    return f"{base[: MAX_JOB_NAME - len(ts) - 1]}-{ts}"


def base_name_from_image(image_uri: str, default: str = "processing-job") -> str:
    """``…/sagemaker-scikit-learn:1.2-1-cpu-py3`` -> ``sagemaker-scikit-learn``."""
    last = image_uri.rsplit("/", 1)[-1]
    repo = last.split("@", 1)[0].split(":", 1)[0]
    cleaned = re.sub(r"[^a-zA-Z0-9-]", "-", repo).strip("-")
    return cleaned or default


def role_arn(role: str, *, account_id: str) -> str:
    """Expands a role name to an ARN, as the SDK's ``expand_role`` does."""
    if role.startswith("arn:"):
        return role
    return f"arn:aws:iam::{account_id}:role/{role}"
