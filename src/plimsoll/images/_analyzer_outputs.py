"""What the analyzer leaves behind: result files, CloudWatch metric files, the exit message.

:func:`write_outputs` is the one place that writes ``output_path`` (statistics.json,
constraints.json and, for monitoring executions, constraint_violations.json), so further
outputs of one analysis (an HTML report) are added there.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plimsoll.compat.analyzer_config import AnalyzerConfig
from plimsoll.compat.monitor_files import to_constraints_json, to_statistics_json
from plimsoll.compat.monitor_metrics import data_quality_metrics, write_metric_file
from plimsoll.compat.violations_file import to_violations_json
from plimsoll.engines.checks import ComparisonMethod, Violation
from plimsoll.engines.checks.drift import kll_distance
from plimsoll.engines.profile import ConstraintSuggestion, ProfileResult
from plimsoll.reports import render_data_quality_report

logger = logging.getLogger("DefaultDataAnalyzer")

__all__ = [
    "completion_message",
    "drift_distances",
    "metrics_enabled",
    "write_message",
    "write_metrics",
    "write_outputs",
    "write_report",
]

REPORT_FILE = "report.html"

MESSAGE_LIMIT = 1024  # FailureReason / ExitMessage length limit


def write_outputs(
    output: Path,
    *,
    current: ProfileResult,
    suggestion: ConstraintSuggestion,
    violations: Sequence[Violation] | None,
) -> list[Path]:
    """Writes the analysis files to ``output``; the paths written.

    Args:
        output: ``output_path``.
        current: Profile of the analysed data (statistics.json).
        suggestion: Constraints suggested from it (constraints.json).
        violations: Violations of a monitoring execution (constraint_violations.json, written
            even when empty); None for baselining, which writes no violations file.
    """
    output.mkdir(parents=True, exist_ok=True)
    bodies: list[tuple[str, dict[str, Any]]] = [
        ("statistics.json", to_statistics_json(current)),
        ("constraints.json", to_constraints_json(suggestion)),
    ]
    if violations is not None:
        bodies.append(("constraint_violations.json", to_violations_json(violations)))
    written = []
    for name, body in bodies:
        path = output / name
        path.write_text(json.dumps(body, indent=4))
        logger.info("Write to file %s at path %s.", name, output)
        written.append(path)
    return written


def write_report(
    output: Path,
    *,
    config: AnalyzerConfig,
    current: ProfileResult,
    violations: Sequence[Violation],
    baseline_statistics: Mapping[str, Any] | None,
) -> Path:
    """Writes the execution's self-contained HTML report (``report.html``) to ``output``."""
    details = {
        "Endpoint": config.get("sagemaker_endpoint_name") or "-",
        "Monitoring schedule": config.get("sagemaker_monitoring_schedule_name") or "-",
        "Window": f"{config.get('start_time') or '-'} to {config.get('end_time') or '-'}",
        "Result": completion_message(len(violations)),
    }
    html = render_data_quality_report(
        current_statistics=to_statistics_json(current),
        violations=to_violations_json(violations),
        baseline_statistics=baseline_statistics,
        title="Data quality report",
        details={k: str(v) for k, v in details.items()},
    )
    path = output / REPORT_FILE
    path.write_text(html, encoding="utf-8")
    logger.info("Write to file %s at path %s.", REPORT_FILE, output)
    return path


def metrics_enabled(config: AnalyzerConfig, constraints: Mapping[str, Any] | None) -> bool:
    """``publish_cloudwatch_metrics=Enabled`` and the constraints do not disable emit_metrics."""
    if str(config.get("publish_cloudwatch_metrics")).strip().lower() != "enabled":
        return False
    monitoring = (constraints or {}).get("monitoring_config") or {}
    return str(monitoring.get("emit_metrics") or "Enabled").strip().lower() != "disabled"


def drift_distances(
    baseline: ProfileResult | None,
    feature_names: Sequence[str],
    current: ProfileResult,
    method: ComparisonMethod,
) -> dict[str, float]:
    """Baseline drift distance of every numeric feature both sides have a sketch of.

    The i-th baseline feature is compared with the i-th current column, as the checks do;
    the result is keyed by the current column's name. Computed whether or not it violates,
    for the ``feature_baseline_drift_<f>`` metric.
    """
    if baseline is None:
        return {}
    by_name = {c.name: c for c in baseline.columns}
    out: dict[str, float] = {}
    for name, column in zip(feature_names, current.columns, strict=False):
        base = by_name.get(name)
        if base is None or base.numeric is None or column.numeric is None:
            continue
        distance = kll_distance(base.numeric.sketch_levels, column.numeric.sketch_levels, method)
        if math.isfinite(distance):
            out[column.name] = distance
    return out


def _metric_time(config: AnalyzerConfig) -> datetime:
    for key in ("metric_time", "end_time"):
        text = config.get(key)
        if text:
            parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def write_metrics(
    config: AnalyzerConfig, current: ProfileResult, drift: Mapping[str, float]
) -> Path:
    """Writes the data-quality metric file to ``cloudwatch_metrics_directory``; its path."""
    data = data_quality_metrics(
        current,
        drift,
        timestamp=_metric_time(config),
        endpoint=config.get("sagemaker_endpoint_name"),
        schedule=config.get("sagemaker_monitoring_schedule_name"),
    )
    path = write_metric_file(Path(config.get("cloudwatch_metrics_directory")), data)
    logger.info("Wrote %d CloudWatch metrics to %s", len(data), path)
    return path


def completion_message(violations: int) -> str:
    """SageMaker's exit message of a successful analysis."""
    if violations == 0:
        return "Completed: Job completed successfully with no violations."
    return f"CompletedWithViolations: Job completed successfully with {violations} violations."


def write_message(path: Path, text: str) -> None:
    """Writes the one-line exit message (it becomes the job's ExitMessage/FailureReason)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text[:MESSAGE_LIMIT])
    except OSError:
        logger.warning("could not write %s", path)
