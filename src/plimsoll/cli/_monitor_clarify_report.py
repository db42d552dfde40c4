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
from typing import Any, cast

import click
from botocore.exceptions import ClientError

from plimsoll.cli._monitor_render import EXECUTION_TERMINAL, job_name
from plimsoll.cli.monitor import _executions, _local_path, _output_uri, _read_json
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


def _describe_definition(sagemaker: Any, kind: str, name: str) -> dict[str, Any]:
    if kind == "ModelBias":
        return cast(
            dict[str, Any], sagemaker.describe_model_bias_job_definition(JobDefinitionName=name)
        )
    return cast(
        dict[str, Any],
        sagemaker.describe_model_explainability_job_definition(JobDefinitionName=name),
    )


def _baseline(sess: Session, kind: str, schedule: str) -> dict[str, Any] | None:
    """The baseline analysis.json of the schedule's job definition, when it has one.

    Raises:
        click.ClickException: the definition names a baseline that cannot be read.
    """
    sagemaker = sess.sagemaker_client
    described = sagemaker.describe_monitoring_schedule(MonitoringScheduleName=schedule)
    definition = described.get("MonitoringScheduleConfig", {}).get("MonitoringJobDefinitionName")
    if not definition:
        return None
    config = _describe_definition(sagemaker, kind, definition).get(f"{kind}BaselineConfig") or {}
    uri = (config.get("ConstraintsResource") or {}).get("S3Uri")
    baselining_job = config.get("BaseliningJobName")
    if not uri and baselining_job:
        try:
            output = _output_uri(sagemaker, baselining_job)
        except ClientError as exc:
            raise click.ClickException(
                f"the baselining job {baselining_job} of {definition} cannot be read: {exc}"
            ) from exc
        uri = None if output is None else f"{output}/analysis.json"
    if not uri:
        return None
    found = _read_json(sess, str(uri))
    if found is None:
        raise click.ClickException(f"no baseline analysis.json at {uri} ({definition})")
    return found


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
        cast(ClarifyMonitorKind, kind), schedule, history, _baseline(sess, kind, schedule)
    )
    data = page.encode("utf-8")
    if folder is not None:
        target = f"{folder}/{HISTORY_REPORT}"
        sess._storage_for(target).write_bytes(target, data)  # noqa: SLF001 - composition root
        local = _local_path(folder, sess)
        if local is not None and output is None:
            return local / HISTORY_REPORT
        click.echo(f"stored {target}", err=True)
    path = Path(output or f"{schedule}-{HISTORY_REPORT}").resolve()
    path.write_bytes(data)
    return path
