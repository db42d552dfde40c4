"""The Clarify image's monitoring output: ``constraint_violations.json`` against a baseline.

A ModelBias / ModelExplainability monitoring job mounts the baseline constraints (the Clarify
``analysis.json`` of the baselining job) at :data:`BASELINE_CONSTRAINTS`; the environment
variable ``baseline_constraints`` points elsewhere (the analyzer's convention). With a baseline,
after ``analysis.json`` the image writes ``constraint_violations.json``: bias sections checked by
:func:`plimsoll.engines.drift_checks.bias_drift_violations`, ``explanations.kernel_shap`` by
:func:`plimsoll.engines.drift_checks.attribution_drift_violations`; and the job ends with the
analyzer's messages (:func:`exit_message`). Without one nothing here runs.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from plimsoll.compat.container_paths import PROCESSING_ROOT
from plimsoll.engines.drift_checks import (
    attribution_drift_violations,
    bias_drift_violations,
    violations_document,
)
from plimsoll.errors import ValidationError

logger = logging.getLogger("analyzer")

__all__ = [
    "BASELINE_CONSTRAINTS",
    "BASELINE_ENV",
    "VIOLATIONS_FILE",
    "baseline_path",
    "exit_message",
    "write_violations",
]

BASELINE_CONSTRAINTS = Path(PROCESSING_ROOT / "baseline" / "constraints" / "analysis.json")
BASELINE_ENV = "baseline_constraints"
VIOLATIONS_FILE = "constraint_violations.json"


def baseline_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The baseline constraints file, or None when this is not a monitoring job.

    Raises:
        ValidationError: ``baseline_constraints`` names a file that does not exist.
    """
    if environ is None:
        environ = os.environ  # noqa: TID251 - images read SageMaker's container contract
    named = environ.get(BASELINE_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ValidationError(f"baseline_constraints file {path} does not exist")
        return path
    return BASELINE_CONSTRAINTS if BASELINE_CONSTRAINTS.is_file() else None


def _read_baseline(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValidationError(f"baseline_constraints file {path} is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ValidationError(f"baseline_constraints file {path} does not hold a JSON object")
    return body


def write_violations(baseline: Path, analysis: Mapping[str, Any], output_dir: Path) -> int:
    """Writes ``constraint_violations.json`` of ``analysis`` against ``baseline``; the count."""
    constraints = _read_baseline(baseline)
    found = bias_drift_violations(constraints, analysis)
    found += attribution_drift_violations(constraints, analysis)
    path = output_dir / VIOLATIONS_FILE
    path.write_text(json.dumps(violations_document(found), indent=4), encoding="utf-8")
    logger.info("Wrote %s (%d violations against %s)", path, len(found), baseline)
    return len(found)


def exit_message(violations: int) -> str:
    """The analyzer's completion message for a monitoring execution (spec §3.7)."""
    if violations == 0:
        return "Completed: Job completed successfully with no violations."
    return f"CompletedWithViolations: Job completed successfully with {violations} violations."
