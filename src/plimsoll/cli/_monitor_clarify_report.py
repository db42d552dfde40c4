"""``plimsoll monitor report`` for ModelBias and ModelExplainability schedules.

Gathers every finished execution (failed ones included) with its ``analysis.json`` and
``constraint_violations.json`` from its processing job's output folder, and the baseline
``analysis.json`` of the job definition (``<Type>BaselineConfig.ConstraintsResource`` or its
``BaseliningJobName``'s output), renders :func:`plimsoll.reports.render_clarify_monitor_report`
and stores it as :data:`HISTORY_REPORT` beside the latest ``analysis.json``. The Clarify job
may write its own ``report.html`` there (its ``methods.report``), so the history page has a
name of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from plimsoll.cli._monitor_render import EXECUTION_TERMINAL, job_name
from plimsoll.cli.monitor import (
    _baseline_document,
    _executions,
    _output_uri,
    _read_json,
    _store_report,
)
from plimsoll.reports import (
    ClarifyExecutionPoint,
    ClarifyMonitorKind,
    render_clarify_monitor_report,
)
from plimsoll.sdk.session import Session

__all__ = ["CLARIFY_KINDS", "HISTORY_REPORT", "clarify_report"]

CLARIFY_KINDS = ("ModelBias", "ModelExplainability")
HISTORY_REPORT = "history_report.html"
_HISTORY_LIMIT = 1000


def _history(sess: Session, schedule: str) -> tuple[list[ClarifyExecutionPoint], str | None]:
    """Every finished execution, and the output folder of the newest one with analysis.json."""
    sagemaker = sess.sagemaker_client
    points: list[ClarifyExecutionPoint] = []
    folder = None
    for item in _executions(sagemaker, schedule, _HISTORY_LIMIT):  # newest first
        status = item.get("MonitoringExecutionStatus")
        if status not in EXECUTION_TERMINAL:
            continue
        job = job_name(item)
        uri = None if job is None else _output_uri(sagemaker, job)
        analysis = None if uri is None else _read_json(sess, f"{uri}/analysis.json")
        violations = None
        if uri is not None and analysis is not None:
            violations = _read_json(sess, f"{uri}/constraint_violations.json")
            folder = folder or uri
        points.append(
            ClarifyExecutionPoint(
                scheduled_time=item["ScheduledTime"],
                status=str(status),
                analysis=analysis,
                violations=violations,
                failure_reason=str(item.get("FailureReason") or ""),
            )
        )
    return points, folder


def clarify_report(sess: Session, kind: str, schedule: str, output: str | None) -> Path:
    """Renders the schedule's history and returns a local path to the page.

    The page is stored as :data:`HISTORY_REPORT` in the newest execution folder holding an
    analysis.json; the path is that file for ``file://`` outputs (without ``--output``), else
    a local copy (``output`` or ``<schedule>-history_report.html`` in the working directory).
    """
    history, folder = _history(sess, schedule)
    if not history:
        raise click.ClickException(f"no execution of {schedule} has finished yet")
    page = render_clarify_monitor_report(
        cast(ClarifyMonitorKind, kind),
        schedule,
        history,
        _baseline_document(sess, kind, schedule, "analysis.json"),
    )
    return _store_report(sess, folder, HISTORY_REPORT, page.encode(), output, schedule)
