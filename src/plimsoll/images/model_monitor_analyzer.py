"""Plimsoll's ``sagemaker-model-monitor-analyzer``: run as a processing job's entry point.

It reads the same environment variables and paths as SageMaker's analyzer
(:mod:`plimsoll.compat.analyzer_config`) and does either of its two jobs:

* Baselining (no baseline files, plain data): profiles ``dataset_source`` (CSV with or
  without header, JSON (lines), Parquet) and writes ``statistics.json`` and
  ``constraints.json`` to ``output_path``.
* A monitoring execution (``baseline_constraints`` or ``baseline_statistics`` set, or capture
  data ``sagemakerCaptureJson``): see :mod:`plimsoll.images._analyzer_monitor`; it also writes
  ``constraint_violations.json`` and, when enabled, a CloudWatch metric file.
* ``analysis_type=MODEL_QUALITY``: model-quality baselining or monitoring over merged records,
  see :mod:`plimsoll.images._analyzer_quality` (on the primary host only).

The exit message goes to ``output_message_file`` (it becomes the job's ExitMessage):
``Completed: ...`` / ``CompletedWithViolations: ... N violations.`` with exit code 0, or
``Error: <message>`` with exit code 1.

With ``instance_count > 1`` every host profiles its part of ``dataset_source`` and the primary
merges the partial profiles and writes every output (:mod:`._analyzer_shard`,
:mod:`._host_merge`); the other hosts write nothing but their log.

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
from plimsoll.images._analyzer_quality import is_model_quality, run_model_quality
from plimsoll.images._analyzer_read import Exclusions, dataset_state
from plimsoll.images._analyzer_shard import dataset_part, shared_state
from plimsoll.images._host_merge import HostExchange
from plimsoll.images._job_hosts import read_job_hosts

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


def run_baseline(config: AnalyzerConfig, exchange: HostExchange | None = None) -> None:
    """Profiles the dataset and writes statistics.json and constraints.json.

    With more than one host, a worker profiles its part of the files and sends it to the
    primary, which merges the parts and writes the files.
    """
    exclusions = Exclusions.parse(config.get("exclude_features_attribute"))
    if exchange is None or not exchange.distributed:
        state = dataset_state(config, feature_names=None, exclusions=exclusions)
    else:
        shared = shared_state(
            exchange, config, lambda files: dataset_part(config, files, None, exclusions)
        )
        if shared is None:
            return
        state = shared
    result = finalize(state)
    logger.info("The number of rows in the dataframe is %d", result.item_count)
    suggestion = _with_drift_method(
        suggest_constraints(result), config.get("categorical_drift_method")
    )
    write_outputs(
        Path(config.get("output_path")), current=result, suggestion=suggestion, violations=None
    )


def _failed(text: str, exchange: HostExchange | None, message_file: Path) -> int:
    """Ends a failed analysis: a worker hands the error to the primary, which fails the job
    naming the host (exit 0 here, so the job's reason is the primary's); otherwise the
    message is written and the exit code is 1."""
    logger.error("%s", text)
    if exchange is not None and exchange.report_error(text):
        return 0
    write_message(message_file, f"Error: {text}")
    return 1


def run(env: Mapping[str, str]) -> int:
    """Runs the analysis the environment describes; returns the process exit code."""
    started = time.monotonic()
    message_file = Path(env.get("output_message_file") or DEFAULT_OUTPUT_MESSAGE_FILE)
    exchange: HostExchange | None = None
    try:
        exchange = HostExchange(read_job_hosts())
        with exchange:
            config = AnalyzerConfig.from_environment(env)
            logger.info("Performing analysis with input: %s", json.dumps(dict(config.values)))
            if is_model_quality(config):
                # One host evaluates everything; the others of a multi-host job write nothing.
                found_quality = None if exchange.is_worker else run_model_quality(config)
                violations = 0 if found_quality is None else len(found_quality)
            elif config.is_monitoring:
                found = run_monitoring(config, exchange)
                violations = 0 if found is None else len(found)
            else:
                run_baseline(config, exchange)
                violations = 0
    except (PlimsollError, AnalyzerConfigError, OSError, pa.ArrowInvalid) as exc:
        text = exc.message if isinstance(exc, PlimsollError) else str(exc)
        return _failed(text, exchange, message_file)
    except Exception as exc:  # the job must end with a message, never a bare stack trace
        logger.exception("Analysis failed")
        return _failed(f"Internal error: {type(exc).__name__}: {exc}", exchange, message_file)
    if exchange.is_worker:  # the primary writes the outputs and the job's message
        logger.info(
            "This host's part is with %s (%.1f s)",
            exchange.hosts.primary,
            time.monotonic() - started,
        )
        return 0
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
