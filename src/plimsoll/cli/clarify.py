"""``plimsoll clarify``: run the built-in Clarify analysis on local files, and render its report.

``run`` starts the same processing job that ``SageMakerClarifyProcessor`` starts (Clarify image,
config at ``/opt/ml/processing/input/config``, data at ``/opt/ml/processing/input/data``,
results from ``/opt/ml/processing/output``), but from an ``analysis_config.json`` written by hand
or by the SDK, so no Python is needed. Local paths stay local (the processor does not upload
them). ``report`` renders ``report.html`` (and on request the same report as ``.ipynb`` and
``.pdf``) from an existing ``analysis.json``, ours or SageMaker's.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import tempfile
import webbrowser
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from plimsoll.cli._sessions import session
from plimsoll.compat.clarify_analysis_config import parse_analysis_config
from plimsoll.errors import ValidationError
from plimsoll.reports import render_clarify_notebook, render_clarify_pdf, render_clarify_report
from plimsoll.sdk._clarify.processor import clarify_image_uri
from plimsoll.sdk._uris import is_local, local_path_of
from plimsoll.sdk.clarify import ProcessingOutputHandler
from plimsoll.sdk.exceptions import UnexpectedStatusException
from plimsoll.sdk.processing import ProcessingInput, ProcessingOutput, Processor
from plimsoll.sdk.s3 import S3Downloader
from plimsoll.sdk.session import Session

CONFIG_FILE = "analysis_config.json"
ANALYSIS_FILE = "analysis.json"
CONFIG_INPUT = "/opt/ml/processing/input/config"
DATA_INPUT = "/opt/ml/processing/input/data"
OUTPUT_SOURCE = "/opt/ml/processing/output"
BIAS_SECTIONS = (("pre_training_bias_metrics", "pre"), ("post_training_bias_metrics", "post"))
REPORT_FORMATS = ("html", "ipynb", "pdf")


@click.group()
def clarify() -> None:
    """Clarify: bias metrics and reports from an analysis_config.json."""


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError(f"{what} not found: {path}") from exc
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{what} {path} is not readable JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValidationError(f"{what} {path} must hold a JSON object")
    return raw


def _location(uri: str) -> str:
    """A local path made absolute (the job sees the same files); other URIs unchanged."""
    return str(Path(local_path_of(uri)).resolve()) if is_local(uri) else uri


@clarify.command()
@click.argument("analysis_config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", required=True, help="Dataset file or folder (local path or s3://).")
@click.option("--output", required=True, help="Folder for analysis.json and the report.")
def run(analysis_config: Path, data: str, output: str) -> None:
    """Run the built-in Clarify analysis of ANALYSIS_CONFIG on --data, streaming its logs."""
    config = _read_json(analysis_config, "analysis config")
    parse_analysis_config(config)  # a bad config fails here, before any job starts
    sess = session()
    destination = _location(output)
    processor = Processor(
        role="plimsoll",
        image_uri=clarify_image_uri(sess.boto_region_name),
        instance_count=1,
        instance_type="ml.m5.xlarge",
        base_job_name="Clarify-CLI",
        sagemaker_session=sess,
    )
    # The image reads the config under its fixed name, whatever the user's file is called.
    with tempfile.TemporaryDirectory(prefix="plimsoll-clarify-") as staging:
        shutil.copyfile(analysis_config, Path(staging) / CONFIG_FILE)
        inputs = [
            ProcessingInput(input_name="dataset", source=_location(data), destination=DATA_INPUT),
            ProcessingInput(input_name="analysis_config", source=staging, destination=CONFIG_INPUT),
        ]
        outputs = [
            ProcessingOutput(
                source=OUTPUT_SOURCE,
                destination=destination,
                output_name="analysis_result",
                s3_upload_mode=ProcessingOutputHandler.get_s3_upload_mode(config),
            )
        ]
        try:
            processor.run(inputs=inputs, outputs=outputs, wait=True, logs=True)
        except UnexpectedStatusException as exc:
            click.secho(f"Error: {exc}".splitlines()[0], fg="red", err=True)
            sys.exit(1)
    _summarise(sess, config, destination, processor)


def _read_output(sess: Session, folder: str, name: str) -> dict[str, Any] | None:
    uri = f"{folder.rstrip('/')}/{name}"
    try:
        if is_local(uri):
            text = Path(local_path_of(uri)).read_text(encoding="utf-8")
        else:
            text = S3Downloader.read_file(uri, sagemaker_session=sess)
        found = json.loads(text)
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _value_text(metric: dict[str, Any]) -> str:
    if metric.get("error") is not None:
        return f"[red]error: {metric['error']}[/]"
    value = metric.get("value")
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return f"{value:.6g}"
    return str(value)


def bias_table(analysis: dict[str, Any]) -> Table | None:
    """Every bias metric of ``analysis`` as one table, or None when it has no bias section."""
    table = Table(header_style="bold")
    for column in ("Stage", "Facet", "Value", "Metric", "Result"):
        table.add_column(column, overflow="fold")
    rows = 0
    for key, stage in BIAS_SECTIONS:
        section = analysis.get(key)
        if not isinstance(section, dict):
            continue
        for facet, groups in (section.get("facets") or {}).items():
            for group in groups if isinstance(groups, list) else []:
                for metric in group.get("metrics") or []:
                    table.add_row(
                        stage,
                        str(facet),
                        str(group.get("value_or_threshold", "")),
                        str(metric.get("name", "")),
                        _value_text(metric),
                    )
                    rows += 1
    return table if rows else None


def _summarise(
    sess: Session, config: dict[str, Any], destination: str, processor: Processor
) -> None:
    console = Console()
    job = processor.latest_job.job_name if processor.latest_job else "?"
    console.print(f"Job {job} [green]Completed[/]", highlight=False)
    analysis = _read_output(sess, destination, ANALYSIS_FILE)
    table = bias_table(analysis) if analysis else None
    if table is not None:
        console.print(table)
    folder = destination.rstrip("/")
    console.print(f"analysis {folder}/{ANALYSIS_FILE}", highlight=False)
    report = (config.get("methods") or {}).get("report")
    if isinstance(report, dict) and report.get("name"):
        console.print(f"report   {folder}/{report['name']}.html", highlight=False)
        console.print(f"notebook {folder}/{report['name']}.ipynb", highlight=False)
        pdf = f"{folder}/{report['name']}.pdf"
        if is_local(pdf) and Path(local_path_of(pdf)).is_file():
            console.print(f"pdf      {pdf}", highlight=False)


def _report_title(folder: Path) -> str:
    """The title the job's config asked for, when its analysis_config.json sits beside."""
    try:
        config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
        title = config["methods"]["report"]["title"]
    except (OSError, ValueError, KeyError, TypeError):
        return "Clarify report"
    return str(title) if title else "Clarify report"


def _render(document: dict[str, Any], fmt: str, title: str, details: dict[str, str]) -> bytes:
    if fmt == "pdf":
        return render_clarify_pdf(document, title=title, details=details)
    render = render_clarify_notebook if fmt == "ipynb" else render_clarify_report
    return render(document, title=title, details=details).encode("utf-8")


@clarify.command()
@click.argument("analysis", type=click.Path(path_type=Path))
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Report file (default: report.html beside the analysis); each format gets its suffix.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(REPORT_FORMATS),
    multiple=True,
    help="Format to write, repeatable: html, ipynb, pdf (default: --output's suffix, or html).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the report in a browser.")
def report(
    analysis: Path, output: Path | None, formats: tuple[str, ...], open_browser: bool
) -> None:
    """Render report.html from ANALYSIS (an analysis.json, or the folder holding it).

    With --format pdf (or ipynb) the same report is written as report.pdf (report.ipynb),
    as SageMaker writes it beside the HTML.
    """
    source = analysis / ANALYSIS_FILE if analysis.is_dir() else analysis
    document = _read_json(source, "analysis")
    base = output or source.parent / "report.html"
    title, details = _report_title(source.parent), {"Analysis": str(source)}
    suffix = base.suffix.removeprefix(".").lower()
    wanted = formats or (suffix if suffix in REPORT_FORMATS else "html",)
    written: list[Path] = []
    for fmt in [f for f in REPORT_FORMATS if f in wanted]:
        # An --output of any other suffix (report.htm) stays the HTML file's name, as before.
        keep = output is not None and fmt == "html" and suffix not in ("ipynb", "pdf")
        target = base if keep else base.with_suffix(f".{fmt}")
        content = _render(document, fmt, title, details)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        except OSError as exc:
            raise ValidationError(f"cannot write {target}: {exc}") from exc
        click.echo(f"{'report' if fmt == 'html' else fmt:<6} {target}")
        written.append(target)
    if open_browser:
        webbrowser.open(written[0].resolve().as_uri())
