"""``plimsoll capture``: list and read an endpoint's Data Capture files, decoded."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from plimsoll.api.wiring import build_storage
from plimsoll.cli._sessions import session
from plimsoll.compat.capture_format import CaptureRecord, CaptureSide, decode_data, iter_records
from plimsoll.settings import Settings
from plimsoll.storage.base import ObjectInfo


def _capture_files(endpoint: str, destination: str | None) -> tuple[list[ObjectInfo], Any, str]:
    settings = Settings.load()
    if destination is None:
        found = session().sagemaker_client.describe_endpoint(EndpointName=endpoint)
        capture = found.get("DataCaptureConfig")
        if not capture:
            raise click.ClickException(f"endpoint {endpoint} has no DataCaptureConfig")
        destination = capture["DestinationS3Uri"]
    prefix = f"{destination.rstrip('/')}/{endpoint}/"
    storage = build_storage(settings).for_uri(prefix)
    files = [o for o in storage.list_prefix(prefix) if o.uri.endswith(".jsonl")]
    return files, storage, prefix


@click.group()
def capture() -> None:
    """Data Capture files of endpoints."""


@capture.command("ls")
@click.argument("endpoint")
@click.option("--destination", default=None, help="Capture root (default: from the endpoint).")
def ls(endpoint: str, destination: str | None) -> None:
    """List capture files, oldest first, with their record counts."""
    files, storage, prefix = _capture_files(endpoint, destination)
    if not files:
        click.echo("No capture files yet (files are uploaded when they roll, every minute).")
        return
    table = Table(header_style="bold", title=prefix, title_justify="left")
    for column in ("File", "Bytes", "Records"):
        table.add_column(column, overflow="fold")
    for item in files:
        count = storage.read_bytes(item.uri).count(b"\n")
        table.add_row(item.relative, str(item.size), str(count))
    Console().print(table)


@capture.command()
@click.argument("endpoint")
@click.option("-n", "count", default=5, show_default=True, help="How many records.")
@click.option("--destination", default=None, help="Capture root (default: from the endpoint).")
@click.option("--raw", is_flag=True, help="Print the JSON lines as stored.")
def tail(endpoint: str, count: int, destination: str | None, raw: bool) -> None:
    """Show the newest captured records, with their payloads decoded."""
    files, storage, _ = _capture_files(endpoint, destination)
    records: list[CaptureRecord] = []
    for item in reversed(files):
        records = list(iter_records(storage.read_bytes(item.uri))) + records
        if len(records) >= count:
            break
    console = Console()
    for record in records[-count:]:
        if raw:
            click.echo(record.model_dump_json(exclude_none=True))
            continue
        meta = record.eventMetadata
        console.print(
            f"[bold]{meta.eventId}[/] {meta.inferenceTime}"
            + (f" inferenceId={meta.inferenceId}" if meta.inferenceId else "")
        )
        for label, side in (
            ("input ", record.captureData.endpointInput),
            ("output", record.captureData.endpointOutput),
        ):
            if side is not None:
                console.print(
                    f"  {label} [{side.encoding}] {side.observedContentType}: {_show(side)}",
                    highlight=False,
                )


def _show(side: CaptureSide) -> str:
    data = decode_data(side)
    if isinstance(data, bytes):
        return f"<{len(data)} bytes> {data[:60]!r}"
    text = data.strip()
    if side.encoding == "JSON":
        try:
            text = json.dumps(json.loads(text))
        except ValueError:
            pass
    return text if len(text) <= 200 else text[:200] + "..."
