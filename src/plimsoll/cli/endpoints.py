"""``plimsoll endpoints``: list, describe, invoke, read logs of and delete endpoints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from plimsoll.cli._render import duration
from plimsoll.cli._sessions import session
from plimsoll.settings import Settings

STATUS_STYLE = {
    "InService": "green",
    "Creating": "yellow",
    "Updating": "yellow",
    "Failed": "red",
    "OutOfService": "red",
    "Deleting": "magenta",
}


@click.group()
def endpoints() -> None:
    """Real-time endpoints."""


@endpoints.command("list")
@click.option("--status", default=None, help="InService, Creating, Updating, Failed, ...")
def list_endpoints(status: str | None) -> None:
    """List endpoints, newest first."""
    params: dict[str, Any] = {
        "SortBy": "CreationTime",
        "SortOrder": "Descending",
        "MaxResults": 100,
    }
    if status:
        params["StatusEquals"] = status
    found = session().sagemaker_client.list_endpoints(**params)["Endpoints"]
    if not found:
        click.echo("No endpoints.")
        return
    table = Table(header_style="bold")
    for column in ("Name", "Status", "Created", "Age"):
        table.add_column(column, overflow="fold")
    for item in found:
        state = item["EndpointStatus"]
        table.add_row(
            item["EndpointName"],
            f"[{STATUS_STYLE.get(state, 'white')}]{state}[/]",
            item["CreationTime"].strftime("%Y-%m-%d %H:%M:%S"),
            duration(item["CreationTime"], None),
        )
    Console().print(table)


@endpoints.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print DescribeEndpoint as JSON.")
def describe(name: str, as_json: bool) -> None:
    """Show one endpoint: status, variants, capture."""
    found = session().sagemaker_client.describe_endpoint(EndpointName=name)
    found.pop("ResponseMetadata", None)
    if as_json:
        click.echo(json.dumps(found, indent=2, default=str))
        return
    state = found["EndpointStatus"]
    lines = [
        f"[bold]{found['EndpointName']}[/]  [{STATUS_STYLE.get(state, 'white')}]{state}[/]",
        f"config {found['EndpointConfigName']}",
    ]
    if found.get("FailureReason"):
        lines.append(f"[red]{found['FailureReason']}[/]")
    for variant in found.get("ProductionVariants", []):
        lines.append(
            f"variant {variant['VariantName']}: weight {variant.get('CurrentWeight')}, "
            f"instances {variant.get('CurrentInstanceCount')}/{variant.get('DesiredInstanceCount')}"
        )
    capture = found.get("DataCaptureConfig")
    if capture:
        lines.append(
            f"capture {capture['CaptureStatus']} at {capture['CurrentSamplingPercentage']}% -> "
            f"{capture['DestinationS3Uri']}"
        )
    Console().print("\n".join(lines))


@endpoints.command()
@click.argument("name")
@click.option("--body", default=None, help="Request body (text).")
@click.option("--file", "path", default=None, type=click.Path(exists=True, dir_okay=False))
@click.option("--content-type", default="text/csv", show_default=True)
@click.option("--accept", default=None)
@click.option("--inference-id", default=None)
@click.option("--variant", default=None, help="TargetVariant.")
def invoke(
    name: str,
    body: str | None,
    path: str | None,
    content_type: str,
    accept: str | None,
    inference_id: str | None,
    variant: str | None,
) -> None:
    """Send one request and print the response body."""
    if (body is None) == (path is None):
        raise click.UsageError("give exactly one of --body or --file")
    payload = Path(path).read_bytes() if path else (body or "").encode()
    params: dict[str, Any] = {"EndpointName": name, "Body": payload, "ContentType": content_type}
    for key, value in (
        ("Accept", accept),
        ("InferenceId", inference_id),
        ("TargetVariant", variant),
    ):
        if value:
            params[key] = value
    response = session().sagemaker_runtime_client.invoke_endpoint(**params)
    data = response["Body"].read()
    sys.stdout.write(data.decode("utf-8", "replace"))
    if not data.endswith(b"\n"):
        sys.stdout.write("\n")
    click.echo(
        f"(variant {response.get('InvokedProductionVariant')}, {response.get('ContentType')})",
        err=True,
    )


@endpoints.command()
@click.argument("name")
def delete(name: str) -> None:
    """Delete an endpoint (its instances stop; captured data stays)."""
    session().sagemaker_client.delete_endpoint(EndpointName=name)
    click.echo(f"Deleted {name}.")


@endpoints.command()
@click.argument("name")
def logs(name: str) -> None:
    """Print the model instances' output (from this machine's PLIMSOLL_HOME)."""
    folder = Settings.load().home / "logs" / "endpoints" / name
    files = sorted(folder.glob("*.log"))
    if not files:
        raise click.ClickException(f"no logs for endpoint {name} under {folder}")
    for log in files:
        for line in log.read_bytes().decode("utf-8", "replace").splitlines():
            click.echo(f"[{log.stem}] {line}")
