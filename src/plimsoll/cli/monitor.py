"""``plimsoll monitor``: baselines, schedules, executions, violations and reports.

Every execution is a processing job whose single output holds statistics.json,
constraints.json, constraint_violations.json and report.html; the commands find that output
through DescribeProcessingJob and read it through the session's storage, so they work the
same for ``s3://`` (Plimsoll's storage) and ``file://`` destinations.
"""

from __future__ import annotations

import json
import sys
import time
import webbrowser
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from botocore.exceptions import ClientError
from rich.console import Console

from plimsoll.cli._monitor_render import (
    EXECUTION_TERMINAL,
    constraints_table,
    executions_table,
    job_name,
    schedules_table,
    status_text,
    violations_summary,
    violations_table,
    when,
)
from plimsoll.cli._sessions import session
from plimsoll.model_monitor.ground_truth import read_ground_truth_file, upload_ground_truth
from plimsoll.reports import render_model_quality_report
from plimsoll.sdk.exceptions import UnexpectedStatusException
from plimsoll.sdk.model_monitor import DatasetFormat, DefaultModelMonitor
from plimsoll.sdk.s3 import S3Downloader
from plimsoll.sdk.session import Session
from plimsoll.storage.local import LocalStorage

POLL_SECONDS = 0.5
FORMATS: dict[str, dict[str, Any]] = {
    "csv": DatasetFormat.csv(header=True),
    "csv-noheader": DatasetFormat.csv(header=False),
    "json": DatasetFormat.json(lines=True),
    "parquet": {"parquet": {}},  # SageMaker's DatasetFormat.parquet(); the analyzer reads it
}


@click.group()
def monitor() -> None:
    """Model Monitor: baselines, monitoring schedules and their executions."""


def _embedded(sess: Session) -> bool:
    """True when the service runs inside this command: its jobs stop when the command ends."""
    return not sess._settings.endpoint_url  # noqa: SLF001 - the CLI is a composition root


@monitor.command()
@click.argument("dataset")
@click.option("--output", required=True, help="Where the baseline files go (s3:// or file://).")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="csv")
@click.option("--no-wait", is_flag=True, help="Start the job and return (needs a server).")
def baseline(dataset: str, output: str, fmt: str, no_wait: bool) -> None:
    """Suggest a baseline (statistics and constraints) from DATASET."""
    sess = session()
    if no_wait and _embedded(sess):
        click.secho(
            "No server (PLIMSOLL_ENDPOINT_URL): waiting for the job.", fg="yellow", err=True
        )
        no_wait = False
    monitor = DefaultModelMonitor(
        role="plimsoll", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=sess
    )
    try:
        job = monitor.suggest_baseline(
            baseline_dataset=dataset,
            dataset_format=FORMATS[fmt],
            output_s3_uri=output,
            wait=not no_wait,
            logs=not no_wait,
        )
    except UnexpectedStatusException as exc:
        raise click.ClickException(str(exc)) from exc
    if no_wait:
        click.echo(
            f"Started {job.job_name}; follow it with `plimsoll jobs logs -f {job.job_name}`."
        )
        return
    constraints = monitor.suggested_constraints()
    console = Console()
    console.print(constraints_table(constraints.body_dict))
    folder = output.rstrip("/")
    console.print(f"Job {job.job_name} [green]Completed[/]", highlight=False)
    console.print(f"statistics  {folder}/statistics.json", highlight=False)
    console.print(f"constraints {folder}/constraints.json", highlight=False)


@monitor.command()
@click.option("--endpoint", default=None, help="Only this endpoint's schedules.")
@click.option("--status", default=None, help="Scheduled, Pending, Stopped, Failed.")
def schedules(endpoint: str | None, status: str | None) -> None:
    """List monitoring schedules with their cron and latest execution."""
    sagemaker = session().sagemaker_client
    params: dict[str, Any] = {"SortBy": "CreationTime", "SortOrder": "Descending"}
    if endpoint:
        params["EndpointName"] = endpoint
    if status:
        params["StatusEquals"] = status
    names: list[str] = []
    while True:
        page = sagemaker.list_monitoring_schedules(MaxResults=100, **params)
        names.extend(s["MonitoringScheduleName"] for s in page["MonitoringScheduleSummaries"])
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    if not names:
        click.echo("No monitoring schedules.")
        return
    rows = []
    for name in names:
        described = sagemaker.describe_monitoring_schedule(MonitoringScheduleName=name)
        rows.append((described, _cron(described)))
    Console().print(schedules_table(rows))


def _cron(described: dict[str, Any]) -> str:
    config = described.get("MonitoringScheduleConfig", {}).get("ScheduleConfig", {})
    return str(config.get("ScheduleExpression", ""))


@monitor.command()
@click.argument("schedule")
@click.option("--json", "as_json", is_flag=True, help="Print DescribeMonitoringSchedule as JSON.")
def describe(schedule: str, as_json: bool) -> None:
    """Show one monitoring schedule."""
    found = session().sagemaker_client.describe_monitoring_schedule(MonitoringScheduleName=schedule)
    found.pop("ResponseMetadata", None)
    if as_json:
        click.echo(json.dumps(found, indent=2, default=str))
        return
    config = found.get("MonitoringScheduleConfig", {})
    lines = [
        f"[bold]{found['MonitoringScheduleName']}[/]  "
        f"{status_text(found.get('MonitoringScheduleStatus'))}",
        f"type        {found.get('MonitoringType', '-')}",
        f"endpoint    {found.get('EndpointName') or '-'}",
        f"schedule    {_cron(found) or '-'}",
        f"definition  {config.get('MonitoringJobDefinitionName') or '(inline)'}",
        f"created     {when(found.get('CreationTime'))} UTC",
    ]
    if found.get("FailureReason"):
        lines.append(f"[red]{found['FailureReason']}[/]")
    last = found.get("LastMonitoringExecutionSummary")
    if last:
        lines.append(
            f"last run    {when(last.get('ScheduledTime'))} "
            f"{status_text(last.get('MonitoringExecutionStatus'))} {job_name(last) or ''}".rstrip()
        )
        if last.get("FailureReason"):
            lines.append(f"            [red]{last['FailureReason']}[/]")
    Console().print("\n".join(lines), highlight=False)


def _executions(sagemaker: Any, schedule: str, limit: int) -> list[dict[str, Any]]:
    """The schedule's executions, newest scheduled time first."""
    params: dict[str, Any] = {
        "MonitoringScheduleName": schedule,
        "SortBy": "ScheduledTime",
        "SortOrder": "Descending",
    }
    found: list[dict[str, Any]] = []
    while len(found) < limit:
        page = sagemaker.list_monitoring_executions(
            MaxResults=min(100, limit - len(found)), **params
        )
        found.extend(page["MonitoringExecutionSummaries"])
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    return found


@monitor.command()
@click.argument("schedule")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
def executions(schedule: str, limit: int) -> None:
    """List a schedule's executions, newest first."""
    found = _executions(session().sagemaker_client, schedule, limit)
    if not found:
        click.echo(f"No executions of {schedule} yet.")
        return
    Console().print(executions_table(found))


def _pick(sagemaker: Any, schedule: str, selector: str | None) -> dict[str, Any]:
    """The latest execution, or the one whose scheduled time or processing job is ``selector``."""
    if selector is None:
        latest = _executions(sagemaker, schedule, 1)
        if not latest:
            raise click.ClickException(f"no executions of {schedule} yet")
        return latest[0]
    wanted = _parse_time(selector)
    for item in _executions(sagemaker, schedule, 1000):
        # Times match to the second, as `executions` prints them (manual runs have fractions).
        if job_name(item) == selector or (
            wanted is not None and when(item.get("ScheduledTime")) == when(wanted)
        ):
            return item
    raise click.ClickException(f"no execution of {schedule} scheduled at or run as {selector}")


def _parse_time(text: str) -> datetime | None:
    """A scheduled time as printed by ``executions`` (or ISO 8601); naive means UTC."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _output_uri(sagemaker: Any, job: str) -> str | None:
    """Where the execution's job wrote its files (its single output ``result``)."""
    described = sagemaker.describe_processing_job(ProcessingJobName=job)
    outputs = described.get("ProcessingOutputConfig", {}).get("Outputs", [])
    for output in outputs:
        uri = output.get("S3Output", {}).get("S3Uri")
        if uri:
            return str(uri).rstrip("/")
    return None


def _show_violations(sess: Session, execution: dict[str, Any]) -> None:
    """Prints the execution's violations table and summary, or why there is none."""
    console = Console()
    status = execution.get("MonitoringExecutionStatus")
    job = job_name(execution)
    header = f"{execution['MonitoringScheduleName']} @ {when(execution.get('ScheduledTime'))}"
    console.print(f"{header}: {status_text(status)} {job or ''}".rstrip(), highlight=False)
    if job is None or status not in EXECUTION_TERMINAL:
        reason = execution.get("FailureReason") or "the execution has not finished"
        console.print(f"[red]{reason}[/]" if job is None else reason, highlight=False)
        return
    uri = _output_uri(sess.sagemaker_client, job)
    try:
        if uri is None:
            raise FileNotFoundError(job)
        body = S3Downloader.read_bytes(f"{uri}/constraint_violations.json", sess)
    except FileNotFoundError:
        reason = execution.get("FailureReason") or f"job {job} wrote no constraint_violations.json"
        console.print(f"[red]{reason}[/]", highlight=False)
        return
    violations = json.loads(body).get("violations", [])
    if violations:
        console.print(violations_table(violations))
    console.print(violations_summary(violations), highlight=False)
    console.print(f"files: {uri}", highlight=False)


@monitor.command()
@click.argument("schedule")
@click.option("--execution", "selector", default=None, help="SCHEDULED_TIME or processing job.")
def violations(schedule: str, selector: str | None) -> None:
    """Show the constraint violations of the latest (or one) execution."""
    sess = session()
    _show_violations(sess, _pick(sess.sagemaker_client, schedule, selector))


def _report_job(sagemaker: Any, name: str) -> str:
    """The processing job of ``name``'s latest execution, or ``name`` itself when it is a job."""
    try:
        sagemaker.describe_monitoring_schedule(MonitoringScheduleName=name)
    except ClientError as exc:  # not a schedule: maybe a processing job
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFound":
            raise
        sagemaker.describe_processing_job(ProcessingJobName=name)  # raises if neither
        return name
    for item in _executions(sagemaker, name, 1000):
        job = job_name(item)
        if job is not None and item.get("MonitoringExecutionStatus") in EXECUTION_TERMINAL:
            return job
    raise click.ClickException(f"no finished execution of {name} has a report")


@monitor.command()
@click.argument("schedule_or_job")
@click.option("--open/--no-open", "open_it", default=False, help="Open it in a browser.")
@click.option("--output", default=None, type=click.Path(dir_okay=False), help="Local file.")
def report(schedule_or_job: str, open_it: bool, output: str | None) -> None:
    """Find the HTML report of a schedule's latest execution (or of a job) and print its path.

    For a model-quality schedule the report (every execution's metrics over time) is rendered
    now and written as report.html into the latest execution's output folder; for a ModelBias
    or ModelExplainability schedule, as history_report.html beside the latest analysis.json.
    """
    sess = session()
    kind = _monitoring_type(sess.sagemaker_client, schedule_or_job)
    if kind in ("ModelQuality", "ModelBias", "ModelExplainability"):
        if kind == "ModelQuality":
            path = _model_quality_report(sess, schedule_or_job, output)
        else:  # imported here: that module reuses this one's execution helpers
            from plimsoll.cli._monitor_clarify_report import clarify_report

            path = clarify_report(sess, str(kind), schedule_or_job, output)
        click.echo(str(path))
        if open_it:
            webbrowser.open(path.as_uri())
        return
    job = _report_job(sess.sagemaker_client, schedule_or_job)
    uri = _output_uri(sess.sagemaker_client, job)
    if uri is None:
        raise click.ClickException(f"job {job} has no output")
    local = _local_path(uri, sess)
    if local is not None and output is None:
        path = local / "report.html"
        if not path.is_file():
            raise click.ClickException(f"no report.html at {path}")
    else:
        try:
            data = S3Downloader.read_bytes(f"{uri}/report.html", sess)
        except FileNotFoundError as exc:
            raise click.ClickException(f"no report.html at {uri}") from exc
        path = Path(output or f"{job}-report.html").resolve()
        path.write_bytes(data)
    click.echo(str(path))
    if open_it:
        webbrowser.open(path.as_uri())


def _monitoring_type(sagemaker: Any, name: str) -> str | None:
    try:
        described = sagemaker.describe_monitoring_schedule(MonitoringScheduleName=name)
    except ClientError:  # not a schedule: _report_job tells jobs from unknown names
        return None
    kind = described.get("MonitoringType") or described.get("MonitoringScheduleConfig", {}).get(
        "MonitoringType"
    )
    return None if kind is None else str(kind)


def _read_json(sess: Session, uri: str) -> dict[str, Any] | None:
    """A JSON document through the session's storage; None when there is no such object.

    Raises:
        click.ClickException: the object is not JSON (a clear message, not a traceback).
    """
    try:
        found = json.loads(S3Downloader.read_bytes(uri, sess))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise click.ClickException(f"{uri} is not valid JSON: {exc}") from exc
    return found if isinstance(found, dict) else None


def _model_quality_history(
    sess: Session, schedule: str
) -> list[tuple[datetime, dict[str, Any], dict[str, Any] | None, str]]:
    """Every finished execution that wrote statistics.json: (time, statistics, violations,
    output folder), newest first. Failed merges (no statistics) are left out."""
    sagemaker = sess.sagemaker_client
    found = []
    for item in _executions(sagemaker, schedule, 1000):
        job = job_name(item)
        if job is None or item.get("MonitoringExecutionStatus") not in EXECUTION_TERMINAL:
            continue
        uri = _output_uri(sagemaker, job)
        statistics = None if uri is None else _read_json(sess, f"{uri}/statistics.json")
        if uri is None or statistics is None:
            continue
        violations = _read_json(sess, f"{uri}/constraint_violations.json")
        found.append((item["ScheduledTime"], statistics, violations, uri))
    return found


def _baseline_document(
    sess: Session, kind: str, schedule: str, file_name: str
) -> dict[str, Any] | None:
    """The baseline of the schedule's ``<kind>`` job definition, when it has one: its
    ``ConstraintsResource``, else ``file_name`` in its ``BaseliningJobName``'s output
    (``constraints.json`` for model quality, ``analysis.json`` for the Clarify monitors).

    Raises:
        click.ClickException: the definition names a baseline that cannot be read.
    """
    sagemaker = sess.sagemaker_client
    described = sagemaker.describe_monitoring_schedule(MonitoringScheduleName=schedule)
    definition = described.get("MonitoringScheduleConfig", {}).get("MonitoringJobDefinitionName")
    if not definition:
        return None
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in kind).lstrip("_")
    describe = getattr(sagemaker, f"describe_{snake}_job_definition")
    config = describe(JobDefinitionName=definition).get(f"{kind}BaselineConfig") or {}
    uri = (config.get("ConstraintsResource") or {}).get("S3Uri")
    baselining_job = config.get("BaseliningJobName")
    if not uri and baselining_job:
        try:
            output = _output_uri(sagemaker, baselining_job)
        except ClientError as exc:
            raise click.ClickException(
                f"the baselining job {baselining_job} of {definition} cannot be read: {exc}"
            ) from exc
        uri = None if output is None else f"{output}/{file_name}"
    if not uri:
        return None
    found = _read_json(sess, str(uri))
    if found is None:
        raise click.ClickException(f"no baseline {file_name} at {uri} ({definition})")
    return found


def _store_report(
    sess: Session, folder: str | None, file_name: str, data: bytes, output: str | None, name: str
) -> Path:
    """Stores a history page as ``folder/file_name`` (when there is a folder) and returns a
    local path to it: the stored file when it is on this machine and no ``output`` is asked
    for, else a copy (``output`` or ``<name>-<file_name>`` in the working directory)."""
    if folder is not None:
        target = f"{folder}/{file_name}"
        sess._storage_for(target).write_bytes(target, data)  # noqa: SLF001 - composition root
        local = _local_path(folder, sess)
        if local is not None and output is None:
            return local / file_name
        click.echo(f"stored {target}", err=True)
    path = Path(output or f"{name}-{file_name}").resolve()
    path.write_bytes(data)
    return path


def _model_quality_report(sess: Session, schedule: str, output: str | None) -> Path:
    """Renders the schedule's history, stores it as the latest execution's report.html and
    returns a local path to it (the folder itself for file:// outputs, else a copy)."""
    history = _model_quality_history(sess, schedule)
    if not history:
        raise click.ClickException(f"no execution of {schedule} has written statistics yet")
    page = render_model_quality_report(
        [(moment, statistics, violations) for moment, statistics, violations, _ in history],
        title=f"Model quality: {schedule}",
        constraints=_baseline_document(sess, "ModelQuality", schedule, "constraints.json"),
    )
    return _store_report(sess, history[0][3], "report.html", page.encode(), output, schedule)


def _local_path(uri: str, sess: Session) -> Path | None:
    """Where ``uri`` lives on this machine: a file:// URI or path, or an embedded-mode bucket
    (kept on local disk); None for real object storage."""
    if uri.startswith("file://"):
        return Path(uri[len("file://") :])
    if "://" not in uri:
        return Path(uri)
    storage = sess._storage_for(uri)  # noqa: SLF001 - composition root
    return storage.local_path(uri) if isinstance(storage, LocalStorage) else None


@monitor.command()
@click.argument("schedule")
@click.option("--wait", is_flag=True, help="Follow the execution, then show its violations.")
def run(schedule: str, wait: bool) -> None:
    """Run one execution now, over the last hour of captured traffic (Plimsoll extension)."""
    sess = session()
    started = sess.sagemaker_client.run_monitoring_schedule(MonitoringScheduleName=schedule)
    execution: dict[str, Any] = started["MonitoringExecutionSummary"]
    if not wait and _embedded(sess):
        click.secho(
            "No server (PLIMSOLL_ENDPOINT_URL): waiting for the job.", fg="yellow", err=True
        )
        wait = True
    if not wait:
        click.echo(
            f"{schedule}: execution {when(execution.get('ScheduledTime'))} "
            f"{execution.get('MonitoringExecutionStatus')} {job_name(execution) or ''}".rstrip()
        )
        return
    execution = _follow(sess, execution)
    _show_violations(sess, execution)
    if execution.get("MonitoringExecutionStatus") in ("Failed", "Stopped"):
        sys.exit(1)


def _follow(sess: Session, execution: dict[str, Any]) -> dict[str, Any]:
    """Polls until the execution is terminal, with a live status line on stderr."""
    schedule = execution["MonitoringScheduleName"]
    scheduled = execution.get("ScheduledTime")
    console = Console(stderr=True)
    with console.status(f"{schedule}: starting") as spinner:
        while execution.get("MonitoringExecutionStatus") not in EXECUTION_TERMINAL:
            time.sleep(POLL_SECONDS)
            for item in _executions(sess.sagemaker_client, schedule, 20):
                if item.get("ScheduledTime") == scheduled:
                    execution = item
                    break
            spinner.update(
                f"{schedule}: {status_text(execution.get('MonitoringExecutionStatus'))} "
                f"{job_name(execution) or ''}"
            )
    return execution


@monitor.group("ground-truth")
def ground_truth() -> None:
    """Ground-truth labels for model-quality monitoring (Plimsoll extension)."""


@ground_truth.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "destination", required=True, help="The schedule's ground-truth S3 URI.")
@click.option(
    "--time", "upload_time", default=None, help="Upload hour, ISO 8601 (default now; naive=UTC)."
)
def ground_truth_upload(file: Path, destination: str, upload_time: str | None) -> None:
    """Upload the labels in FILE: CSV rows event_id,label or JSON lines of ready records.

    They land in <--to URI>/yyyy/mm/dd/hh/<uuid>.jsonl, hh being the (UTC) hour of upload.
    """
    when = None
    if upload_time is not None:
        when = _parse_time(upload_time)
        if when is None:
            raise click.BadParameter(
                f"{upload_time!r} is not an ISO 8601 time", param_hint="--time"
            )
    records = read_ground_truth_file(file)
    uri = upload_ground_truth(records, destination, sagemaker_session=session(), upload_time=when)
    click.echo(f"Uploaded {len(records)} labels to {uri}")
