"""How ``plimsoll monitor`` shows schedules, executions, constraints and violations."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from rich.table import Table

EXECUTION_STYLE = {
    "Pending": "yellow",
    "InProgress": "yellow",
    "Stopping": "magenta",
    "Stopped": "magenta",
    "Completed": "green",
    "CompletedWithViolations": "bold yellow",
    "Failed": "red",
    "Scheduled": "green",
}
EXECUTION_TERMINAL = ("Completed", "CompletedWithViolations", "Failed", "Stopped")


def status_text(status: str | None) -> str:
    """A schedule's or an execution's status, coloured (SageMaker has more states than jobs)."""
    if not status:
        return "-"
    return f"[{EXECUTION_STYLE.get(status, 'white')}]{status}[/]"


def when(moment: datetime | None) -> str:
    """A timestamp in UTC, in the form ``--execution`` accepts back."""
    if moment is None:
        return "-"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def job_name(summary: dict[str, Any]) -> str | None:
    """The processing job behind an execution summary (none for executions that never ran)."""
    arn = summary.get("ProcessingJobArn")
    return arn.rsplit("/", 1)[-1] if arn else None


def schedules_table(rows: list[tuple[dict[str, Any], str]]) -> Table:
    """One row per (DescribeMonitoringSchedule, cron expression)."""
    table = Table(header_style="bold")
    for column in ("Name", "Status", "Type", "Endpoint", "Cron", "Last execution"):
        table.add_column(column, overflow="fold")
    for described, cron in rows:
        last = described.get("LastMonitoringExecutionSummary") or {}
        last_text = (
            f"{status_text(last.get('MonitoringExecutionStatus'))} "
            f"{when(last.get('ScheduledTime'))}"
            if last
            else "-"
        )
        table.add_row(
            described["MonitoringScheduleName"],
            status_text(described.get("MonitoringScheduleStatus")),
            described.get("MonitoringType") or "-",
            described.get("EndpointName") or "-",
            cron or "-",
            last_text,
        )
    return table


def executions_table(summaries: list[dict[str, Any]]) -> Table:
    table = Table(header_style="bold")
    for column in ("Scheduled (UTC)", "Status", "Processing job"):
        table.add_column(column, no_wrap=True)  # copied back into --execution and `jobs`
    table.add_column("Failure reason", overflow="fold")
    for item in summaries:
        table.add_row(
            when(item.get("ScheduledTime")),
            status_text(item.get("MonitoringExecutionStatus")),
            job_name(item) or "-",
            (item.get("FailureReason") or "")[:120],
        )
    return table


def constraints_table(constraints: dict[str, Any]) -> Table:
    """The suggested constraints of a baseline (constraints.json), one row per feature."""
    table = Table(header_style="bold")
    for column in ("Feature", "Type", "Completeness", "Non-negative", "Domain size"):
        table.add_column(column, overflow="fold")
    for feature in constraints.get("features", []):
        completeness = feature.get("completeness")
        numeric = feature.get("num_constraints") or {}
        strings = feature.get("string_constraints") or {}
        non_negative = numeric.get("is_non_negative")
        table.add_row(
            str(feature.get("name")),
            str(feature.get("inferred_type")),
            "-" if completeness is None else f"{completeness:.2f}",
            "-" if non_negative is None else ("yes" if non_negative else "no"),
            str(len(strings["domains"])) if "domains" in strings else "-",
        )
    return table


def violation_subject(item: dict[str, Any]) -> str:
    """What a violation is about, whichever monitor wrote it: a data-quality feature, a
    model-quality metric, a bias metric of a facet group (``DPPL (sex = 0)``) or an attribution
    label (``shap (label0)``)."""
    if item.get("feature_name") is not None:
        return str(item["feature_name"])
    metric = str(item.get("metric_name", "?"))
    if item.get("facet") is not None:
        return f"{metric} ({item['facet']} = {item.get('facet_value', '?')})"
    if item.get("label") is not None:
        return f"{metric} ({item['label']})"
    return metric


def violations_table(violations: list[dict[str, Any]]) -> Table:
    table = Table(header_style="bold")
    for column in ("Feature / metric", "Check", "Description"):
        table.add_column(column, overflow="fold")
    for item in violations:
        table.add_row(
            violation_subject(item),
            str(item.get("constraint_check_type")),
            str(item.get("description")),
        )
    return table


def violations_summary(violations: list[dict[str, Any]]) -> str:
    """``3 violations on 2 features (baseline_drift_check 2, data_type_check 1)``; ``metrics``
    for monitors whose violations name metrics (model quality, bias, attribution)."""
    if not violations:
        return "[green]No violations.[/]"
    checks = Counter(str(v.get("constraint_check_type")) for v in violations)
    subjects = {violation_subject(v) for v in violations}
    kind = "feature" if all(v.get("feature_name") is not None for v in violations) else "metric"
    by_check = ", ".join(f"{name} {count}" for name, count in checks.most_common())
    noun = "violation" if len(violations) == 1 else "violations"
    return (
        f"[bold yellow]{len(violations)} {noun}[/] on {len(subjects)} "
        f"{kind}{'s' if len(subjects) != 1 else ''} ({by_check})"
    )
