"""Ground truth for model-quality and bias monitors (a Plimsoll extension, no SageMaker path).

::

    from plimsoll.model_monitor.ground_truth import upload_ground_truth

    upload_ground_truth([("58", 1), ("59", 0)], "s3://bucket/ground-truth")
    # -> s3://bucket/ground-truth/2021/05/18/01/<uuid>.jsonl
"""

from __future__ import annotations

from plimsoll.compat.ground_truth import GroundTruthRecord
from plimsoll.sdk.model_monitor._ground_truth import (
    GroundTruthInput,
    read_ground_truth_file,
    upload_ground_truth,
)

__all__ = ["GroundTruthInput", "GroundTruthRecord", "read_ground_truth_file", "upload_ground_truth"]
