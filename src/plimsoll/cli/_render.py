"""How the CLI shows jobs: tables, colours, durations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table

from plimsoll.runtimes.choice import RUNTIME_TAG

STATUS_STYLE = {
    "InProgress": "yellow",
    "Completed": "green",
    "Failed": "red",
    "Stopping": "magenta",
    "Stopped": "magenta",
}


def status_text(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"


def duration(start: datetime | None, end: datetime | None) -> str:
    if start is None:
        return "-"
    seconds = ((end or datetime.now(start.tzinfo)) - start).total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, sec = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{sec:02d}s"


def jobs_table(summaries: list[dict[str, Any]]) -> Table:
    table = Table(show_lines=False, header_style="bold")
    for column in ("Name", "Status", "Created", "Duration", "Reason"):
        table.add_column(column, overflow="fold")
    for job in summaries:
        created = job.get("CreationTime")
        table.add_row(
            job["ProcessingJobName"],
            status_text(job["ProcessingJobStatus"]),
            created.strftime("%Y-%m-%d %H:%M:%S") if created else "-",
            duration(created, job.get("ProcessingEndTime")),
            (job.get("FailureReason") or job.get("ExitMessage") or "")[:80],
        )
    return table


def describe_table(job: dict[str, Any], tags: list[dict[str, str]] | None = None) -> Table:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    app = job.get("AppSpecification", {})
    cluster = job.get("ProcessingResources", {}).get("ClusterConfig", {})
    rows = [
        ("Name", job["ProcessingJobName"]),
        ("ARN", job["ProcessingJobArn"]),
        ("Status", status_text(job["ProcessingJobStatus"])),
        ("Image", app.get("ImageUri", "")),
        ("Entrypoint", " ".join(app.get("ContainerEntrypoint", []) or [])),
        ("Arguments", " ".join(app.get("ContainerArguments", []) or [])),
        ("Hosts", f"{cluster.get('InstanceCount')} x {cluster.get('InstanceType')}"),
        ("Runtime", next((t["Value"] for t in tags or () if t["Key"] == RUNTIME_TAG), "")),
        ("Created", str(job.get("CreationTime", ""))),
        ("Duration", duration(job.get("ProcessingStartTime"), job.get("ProcessingEndTime"))),
    ]
    for item in job.get("ProcessingInputs", []):
        s3 = item.get("S3Input", {})
        rows.append((f"Input {item['InputName']}", f"{s3.get('S3Uri')} -> {s3.get('LocalPath')}"))
    for out in job.get("ProcessingOutputConfig", {}).get("Outputs", []):
        s3 = out.get("S3Output", {})
        rows.append((f"Output {out['OutputName']}", f"{s3.get('LocalPath')} -> {s3.get('S3Uri')}"))
    for key in ("ExitMessage", "FailureReason"):
        if job.get(key):
            rows.append((key, job[key]))
    for label, value in rows:
        table.add_row(label, value)
    return table
