"""Plimsoll's ``sagemaker-model-monitor-analyzer``: run as a processing job's entry point.

It reads the same environment variables and paths as SageMaker's analyzer
(:mod:`plimsoll.compat.analyzer_config`) and does either of its two jobs:

* Baselining (no baseline files, plain data): profiles ``dataset_source`` (CSV with or
  without header, JSON (lines), Parquet) and writes ``statistics.json`` and
  ``constraints.json`` to ``output_path``.
* A monitoring execution (``baseline_constraints`` or ``baseline_statistics`` set, or capture
  data ``sagemakerCaptureJson``): see :mod:`plimsoll.images._analyzer_monitor`; it also writes
  ``constraint_violations.json`` and, when enabled, a CloudWatch metric file.

The exit message goes to ``output_message_file`` (it becomes the job's ExitMessage):
``Completed: ...`` / ``CompletedWithViolations: ... N violations.`` with exit code 0, or
``Error: <message>`` with exit code 1.

Usage inside a job: ``python3 -m plimsoll.images.model_monitor_analyzer``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pyarrow as pa

from plimsoll.compat.analyzer_config import (
    DEFAULT_OUTPUT_MESSAGE_FILE,
    AnalyzerConfig,
    AnalyzerConfigError,
)
from plimsoll.engines.profile import ConstraintSuggestion, finalize, suggest_constraints
from plimsoll.errors import PlimsollError
from plimsoll.images._analyzer_monitor import run_monitoring
from plimsoll.images._analyzer_outputs import completion_message, write_message, write_outputs
from plimsoll.images._analyzer_read import Exclusions, dataset_state

logger = logging.getLogger("DefaultDataAnalyzer")

__all__ = ["main", "run", "run_baseline"]


def _with_drift_method(
    suggestion: ConstraintSuggestion, method: str | None
) -> ConstraintSuggestion:
    """Applies ``categorical_drift_method`` (SDK >= 2.168 sends it at baseline time)."""
    if not method:
        return suggestion
    if method not in ("LInfinity", "ChiSquared"):
        raise AnalyzerConfigError(
            f"categorical_drift_method must be LInfinity or ChiSquared, not {method!r}"
        )
    cfg = suggestion.monitoring_config
    dist = replace(cfg.distribution_constraints, categorical_drift_method=method)
    return replace(suggestion, monitoring_config=replace(cfg, distribution_constraints=dist))


def run_baseline(config: AnalyzerConfig) -> None:
    """Profiles the dataset and writes statistics.json and constraints.json."""
    state = dataset_state(
        config,
        feature_names=None,
        exclusions=Exclusions.parse(config.get("exclude_features_attribute")),
    )
    result = finalize(state)
    logger.info("The number of rows in the dataframe is %d", result.item_count)
    suggestion = _with_drift_method(
        suggest_constraints(result), config.get("categorical_drift_method")
    )
    write_outputs(
        Path(config.get("output_path")), current=result, suggestion=suggestion, violations=None
    )


def run(env: Mapping[str, str]) -> int:
    """Runs the analysis the environment describes; returns the process exit code."""
    started = time.monotonic()
    message_file = Path(env.get("output_message_file") or DEFAULT_OUTPUT_MESSAGE_FILE)
    try:
        config = AnalyzerConfig.from_environment(env)
        logger.info("Performing analysis with input: %s", json.dumps(dict(config.values)))
        if config.is_monitoring:
            violations = len(run_monitoring(config))
        else:
            run_baseline(config)
            violations = 0
    except (PlimsollError, AnalyzerConfigError, OSError, pa.ArrowInvalid) as exc:
        text = exc.message if isinstance(exc, PlimsollError) else str(exc)
        logger.error("%s", text)
        write_message(message_file, f"Error: {text}")
        return 1
    except Exception as exc:  # the job must end with a message, never a bare stack trace
        logger.exception("Analysis failed")
        write_message(message_file, f"Error: Internal error: {type(exc).__name__}: {exc}")
        return 1
    message = completion_message(violations)
    logger.info("%s (%.1f s)", message, time.monotonic() - started)
    write_message(message_file, message)
    return 0


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run(os.environ))  # noqa: TID251 - the container contract is its environment


if __name__ == "__main__":
    main()
