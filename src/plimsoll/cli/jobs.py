"""``plimsoll jobs``: list, describe, follow logs of, wait for and stop processing jobs."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click
from rich.console import Console

from plimsoll.cli._render import describe_table, duration, jobs_table, status_text
from plimsoll.cli._sessions import client
from plimsoll.sdk._client.base import LogReader

TERMINAL = ("Completed", "Failed", "Stopped")
POLL_SECONDS = 0.5


@click.group()
def jobs() -> None:
    """Processing jobs."""


@jobs.command("list")
@click.option("--status", default=None, help="InProgress, Completed, Failed, Stopping, Stopped.")
@click.option("--name-contains", default=None)
@click.option("--max", "max_results", default=50, show_default=True, type=int)
def list_jobs(status: str | None, name_contains: str | None, max_results: int) -> None:
    """List jobs, newest first."""
    params: dict[str, Any] = {"SortBy": "CreationTime", "SortOrder": "Descending"}
    if status:
        params["StatusEquals"] = status
    if name_contains:
        params["NameContains"] = name_contains
    sagemaker, found = client(), list[dict[str, Any]]()
    while len(found) < max_results:
        page = sagemaker.list_processing_jobs(
            MaxResults=min(100, max_results - len(found)), **params
        )
        found.extend(page["ProcessingJobSummaries"])
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    if not found:
        click.echo("No processing jobs.")
        return
    Console().print(jobs_table(found))


@jobs.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print DescribeProcessingJob as JSON.")
def describe(name: str, as_json: bool) -> None:
    """Show one job."""
    sagemaker = client()
    job = sagemaker.describe_processing_job(ProcessingJobName=name)
    job.pop("ResponseMetadata", None)
    tags = sagemaker.list_tags(ResourceArn=job["ProcessingJobArn"]).get("Tags", [])
    if as_json:
        click.echo(json.dumps(job, indent=2, default=str))
    else:
        Console().print(describe_table(job, tags))


@jobs.command()
@click.argument("name")
def stop(name: str) -> None:
    """Stop a job (SIGTERM, then SIGKILL after the grace period)."""
    client().stop_processing_job(ProcessingJobName=name)
    click.echo(f"Stopping {name}.")


@jobs.command()
@click.argument("name")
@click.option("-f", "--follow", is_flag=True, help="Keep streaming until the job ends.")
def logs(name: str, follow: bool) -> None:
    """Print each host's stdout and stderr (prefixed by host when there are several)."""
    reader = client()
    if not isinstance(reader, LogReader):
        raise click.ClickException("this client cannot read logs (use the Plimsoll server)")
    offsets: dict[str, int] = {}
    while True:
        status = reader.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"]
        _print_new(reader, name, offsets)
        if not follow or status in TERMINAL:
            if follow:
                _print_new(reader, name, offsets)
                click.echo(f"--- {name}: ", nl=False)
                Console().print(status_text(status))
            return
        time.sleep(POLL_SECONDS)


def _print_new(client: LogReader, name: str, offsets: dict[str, int]) -> None:
    hosts = client.list_processing_job_log_hosts(name)
    for host in hosts:
        data, offsets[host] = client.read_processing_job_log(name, host, offsets.get(host, 0))
        if not data:
            continue
        text = data.decode("utf-8", "replace")
        if len(hosts) > 1:
            text = "".join(f"[{host}] {line}" for line in text.splitlines(keepends=True))
        sys.stdout.write(text)
    sys.stdout.flush()


@jobs.command()
@click.argument("name")
def wait(name: str) -> None:
    """Wait for a job to end, with a live status line; exit 1 unless it Completed."""
    sagemaker = client()
    console = Console(stderr=True)
    with console.status(f"{name}: waiting") as spinner:
        while True:
            job = sagemaker.describe_processing_job(ProcessingJobName=name)
            status = job["ProcessingJobStatus"]
            since = job.get("ProcessingStartTime") or job.get("CreationTime")
            spinner.update(f"{name}: {status_text(status)} {duration(since, None)}")
            if status in TERMINAL:
                break
            time.sleep(POLL_SECONDS)
    Console().print(f"{name}: {status_text(status)}  {job.get('FailureReason') or ''}")
    if status != "Completed":
        sys.exit(1)
