"""Plimsoll's ``sagemaker-clarify-processing`` image: run as a Clarify processing job's entry point.

It reads SageMaker's container contract only (spec clarify.md §1.1):

* ``/opt/ml/processing/input/config/analysis_config.json``: validated with
  :func:`plimsoll.compat.clarify_analysis_config.parse_analysis_config`, so a file the real SDK
  writes is accepted unchanged and a malformed one fails with the schema's message;
* the dataset under ``/opt/ml/processing/input/data`` (:mod:`plimsoll.images._clarify_dataset`),
  or at ``dataset_uri``, plus the facet and predicted-label files when the config names them
  (:mod:`._clarify_sides`; URIs are read by :mod:`._clarify_sources`);

and writes ``/opt/ml/processing/output/analysis.json`` with ``version`` and the requested bias
sections (:mod:`plimsoll.images._clarify_bias`), the same sections per segment with
``segment_config`` (:mod:`._clarify_segments`), plus ``<name>.html``, ``<name>.ipynb`` and
``<name>.pdf`` when ``methods.report`` asks for a report.

The exit message goes to ``/opt/ml/output/message`` (the job's ExitMessage or FailureReason):
``Completed: Job completed successfully.`` with exit code 0, or ``Error: <message>`` with exit
code 1.

With baseline constraints (at ``/opt/ml/processing/baseline/constraints/analysis.json`` or
named by ``baseline_constraints``; :mod:`._clarify_monitor`) the image also writes
``constraint_violations.json`` (bias drift, feature-attribution drift) and ends with the
analyzer's ``Completed: ... with no violations.`` / ``CompletedWithViolations: ... N violations.``

Monitoring mode (a ModelBias / ModelExplainability monitoring execution) is marked by the
environment variable ``analysis_type`` = ``MODEL_BIAS`` or ``MODEL_EXPLAINABILITY``
(:mod:`._clarify_monitoring`; without it nothing below applies). The config is then the
monitor's (no ``dataset_type``; bias without ``methods`` computes every pre- and post-training
metric) and is completed before the schema check; the rows come from the captured records
(explainability) or the ground-truth merger's records (bias) under ``dataset_source``, inside
``[start_time, end_time)``, with ``features_attribute`` / ``inference_attribute`` /
``probability_attribute`` / ``probability_threshold_attribute`` saying where the features and
the predicted label are (:mod:`._clarify_capture`); the outputs go to ``output_path``; and with
``publish_cloudwatch_metrics=Enabled`` the bias or feature-attribution metrics go to
``cloudwatch_metrics_directory`` as CloudWatch metric files (:mod:`._clarify_metrics`). No
record in the window fails the job with ``Error: Job inputs had no data``.

Post-training bias without a ``predicted_label`` column, ``shap`` and ``pdp`` call the model
named by ``predictor`` (:mod:`plimsoll.images._clarify_model`: the endpoint through the
SageMaker APIs that ``AWS_ENDPOINT_URL_SAGEMAKER`` / ``AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME``
point at, a shadow endpoint for ``model_name``), and the explanations go to
``analysis.json``'s ``explanations`` plus ``explanations_shap/`` (:mod:`._clarify_explain`).

With ``instance_count > 1`` (:mod:`._host_merge`) every host reads and parses its part of the
``dataset`` input's files (ShardedByS3Key: its own files; FullyReplicated: every N-th file) and
sends them as Arrow IPC tables to the primary, which puts the files back in name order and runs
everything else on the whole table, so ``analysis.json`` is the one-host one: bias metrics need
the joint distribution of facet, label and prediction, and the flip test needs every row, so
gathering the parsed columns is the honest split. ``dataset_uri``, image datasets, the facet and
predicted-label files, a monitoring job's records, model calls, SHAP and PDP are read or run
by the primary alone.

Usage inside a job: ``python3 -m plimsoll.images.clarify``.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from plimsoll.compat.clarify_analysis_config import (
    AnalysisConfig,
    ReportMethod,
    parse_analysis_config,
)
from plimsoll.compat.container_paths import MAX_MESSAGE_BYTES, OUTPUT_MESSAGE, PROCESSING_ROOT
from plimsoll.errors import PlimsollError, ValidationError
from plimsoll.images._clarify_bias import bias_sections, check_supported, model_needs
from plimsoll.images._clarify_capture import read_capture
from plimsoll.images._clarify_dataset import (
    Dataset,
    baseline_rows,
    concat_files,
    dataset_files,
    dataset_from_table,
    file_tables,
    load_dataset,
    tables_from_bytes,
    tables_to_bytes,
)
from plimsoll.images._clarify_explain import explanations, feature_columns, feature_matrix
from plimsoll.images._clarify_metrics import write_metrics
from plimsoll.images._clarify_model import ModelClient, open_model
from plimsoll.images._clarify_monitor import baseline_path, exit_message, write_violations
from plimsoll.images._clarify_monitoring import (
    CAPTURE_DATASET_TYPE,
    MonitoringJob,
    complete_config,
    monitoring_job,
    output_path,
    with_capture_types,
)
from plimsoll.images._clarify_segments import segment_analysis
from plimsoll.images._clarify_sides import attach_side_datasets
from plimsoll.images._clarify_sources import Sources
from plimsoll.images._clarify_vision import IMAGE_DATASET_TYPE, image_dataset
from plimsoll.images._host_merge import HostExchange, host_files
from plimsoll.images._job_hosts import read_job_hosts
from plimsoll.reports import render_clarify_notebook, render_clarify_pdf, render_clarify_report

logger = logging.getLogger("analyzer")

__all__ = [
    "ANALYSIS_FILE",
    "COMPLETED_MESSAGE",
    "CONFIG_FILE",
    "CONFIG_DIR",
    "DATA_DIR",
    "OUTPUT_DIR",
    "main",
    "run",
]

CONFIG_DIR = Path(PROCESSING_ROOT / "input" / "config")
DATA_DIR = Path(PROCESSING_ROOT / "input" / "data")
OUTPUT_DIR = Path(PROCESSING_ROOT / "output")
CONFIG_FILE = "analysis_config.json"
ANALYSIS_FILE = "analysis.json"
ANALYSIS_VERSION = "1.0"
COMPLETED_MESSAGE = "Completed: Job completed successfully."
DEFAULT_REPORT_TITLE = "SageMaker Analysis Report"
PREDICTED_COLUMN = "predicted_label"


def _write_message(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8")[:MAX_MESSAGE_BYTES])
    except OSError:
        logger.warning("could not write %s", path)


def _config_path(config_dir: Path) -> Path:
    """``analysis_config.json``, or the one JSON file there: a monitor's ``ConfigUri`` may name
    its file anything, and the job stages it under that name."""
    path = config_dir / CONFIG_FILE
    if path.is_file() or not config_dir.is_dir():
        return path
    found = sorted(config_dir.glob("*.json"))
    if len(found) == 1:
        logger.info("Analysis config: %s", found[0].name)
        return found[0]
    return path


def _read_config(config_dir: Path) -> dict[str, Any]:
    path = _config_path(config_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PlimsollError(f"{CONFIG_FILE} not found in {config_dir}") from exc
    except ValueError as exc:
        raise PlimsollError(f"{CONFIG_FILE} is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise PlimsollError(f"{CONFIG_FILE} must hold a JSON object")
    return raw


def _with_predictions(config: AnalysisConfig, dataset: Dataset, model: ModelClient) -> Dataset:
    """The dataset plus a ``predicted_label`` column from the model (spec §1.2, §1.4)."""
    data, names = feature_matrix(config, dataset)
    threshold = 0.5 if config.probability_threshold is None else config.probability_threshold
    predicted = model.predicted_labels(data, names, threshold)
    column = PREDICTED_COLUMN
    while column in dataset.columns:
        column = f"_{column}"
    logger.info("Model predictions: %d rows (%d requests)", predicted.size, model.requests)
    return replace(dataset, columns={**dataset.columns, column: predicted}, predicted_label=column)


def _split(config: AnalysisConfig, exchange: HostExchange) -> bool:
    """Whether the hosts share the reading: a tabular dataset from the ``dataset`` input.

    Otherwise (one host, ``dataset_uri``, images) the primary reads the whole dataset."""
    return (
        exchange.distributed
        and config.dataset_uri is None
        and config.dataset_type not in (IMAGE_DATASET_TYPE, CAPTURE_DATASET_TYPE)
    )


def _own_files(config: AnalysisConfig, data_dir: Path, exchange: HostExchange) -> bytes:
    """This host's files of the dataset, read into tables, as bytes (empty: no share)."""
    if not _split(config, exchange):
        return b""
    files = host_files(dataset_files(data_dir), exchange.hosts)
    logger.info("Host %s reads %d dataset files", exchange.hosts.current, len(files))
    return tables_to_bytes(list(zip(files, file_tables(config, files), strict=True)))


def _load(
    config: AnalysisConfig, data_dir: Path, sources: Sources, exchange: HostExchange,
    job: MonitoringJob | None,
) -> tuple[Dataset, AnalysisConfig]:  # fmt: skip
    """The dataset, and the config with what reading it told (a monitoring job's types)."""
    if _split(config, exchange):
        pieces = tables_from_bytes(_own_files(config, data_dir, exchange))
        for raw in exchange.gather():
            pieces += tables_from_bytes(raw)
        if not pieces:
            raise ValidationError(f"No dataset files found under {data_dir}")
        dataset = dataset_from_table(config, concat_files(pieces))
        return attach_side_datasets(config, dataset, sources), config
    exchange.gather()  # the other hosts' (empty) parts: they checked the config too
    if job is not None:
        capture = read_capture(config, job.dataset_source, job.attributes)
        return capture.dataset, with_capture_types(config, capture)
    if config.dataset_uri is not None:
        data_dir = sources.local(config.dataset_uri, "dataset_uri")
    if config.dataset_type == IMAGE_DATASET_TYPE:
        return image_dataset(data_dir), config
    return attach_side_datasets(config, load_dataset(config, data_dir), sources), config


def _inline_baseline(config: AnalysisConfig, dataset: Dataset, sources: Sources) -> AnalysisConfig:
    """A ``shap.baseline`` URI replaced by its rows (tabular) or a local path (an image)."""
    shap = config.methods.shap
    if shap is None or not isinstance(shap.baseline, str):
        return config
    path = sources.local(shap.baseline, "shap baseline")
    if config.dataset_type == IMAGE_DATASET_TYPE:
        baseline: str | list[Any] = str(path)
    else:
        baseline = baseline_rows(path, config, len(feature_columns(config, dataset)))
    methods = config.methods.model_copy(
        update={"shap": shap.model_copy(update={"baseline": baseline})}
    )
    return config.model_copy(update={"methods": methods})


def _bias(config: AnalysisConfig, dataset: Dataset) -> dict[str, Any]:
    out = bias_sections(config, dataset)
    if config.segment_config:
        out["segment_analysis"] = segment_analysis(config, dataset, bias_sections)
    return out


def _analyze(
    config_dir: Path, data_dir: Path, output_dir: Path, exchange: HostExchange
) -> int | None:
    """Writes the outputs; the number of violations in a monitoring job, else None."""
    job = monitoring_job()
    raw = _read_config(config_dir)
    if job is not None:
        logger.info("Monitoring job: %s", job.analysis_type)
        raw = complete_config(raw, job)
    config = parse_analysis_config(raw)
    logger.info("Analysis config: %s", config.model_dump_json(exclude_none=True))
    check_supported(config)
    if exchange.is_worker:
        exchange.send(_own_files(config, data_dir, exchange))
        return None
    baseline = baseline_path()
    needs = model_needs(config)
    with tempfile.TemporaryDirectory(prefix="clarify-sources-") as scratch:
        sources = Sources(Path(scratch))
        dataset, config = _load(config, data_dir, sources, exchange, job)
        logger.info("Dataset: %d rows, columns %s", dataset.rows, list(dataset.columns))
        config = _inline_baseline(config, dataset, sources)
        analysis: dict[str, Any] = {"version": config.version or ANALYSIS_VERSION}
        output_dir.mkdir(parents=True, exist_ok=True)
        if not needs:
            analysis.update(_bias(config, dataset))
        else:
            what = needs[0]
            with open_model(config.predictor, what=what, dataset_type=config.dataset_type) as model:
                if dataset.predicted_label is None and config.methods.post_training_bias:
                    dataset = _with_predictions(config, dataset, model)
                analysis.update(_bias(config, dataset))
                found = explanations(config, dataset, model, output_dir)
            if found:
                analysis["explanations"] = found
    (output_dir / ANALYSIS_FILE).write_text(json.dumps(analysis, indent=2), encoding="utf-8")
    logger.info("Wrote %s", output_dir / ANALYSIS_FILE)
    if config.methods.report is not None:
        _write_report(analysis, config.methods.report, output_dir)
    if job is not None and job.publish_metrics:
        write_metrics(analysis, job.metrics_directory, bias=job.bias, timestamp=job.metric_time,
                      endpoint=job.endpoint_name, schedule=job.schedule_name)  # fmt: skip
    return None if baseline is None else write_violations(baseline, analysis, output_dir)


def _write_report(analysis: dict[str, Any], report: ReportMethod, output_dir: Path) -> None:
    """Writes ``<name>.html``, ``<name>.ipynb`` and ``<name>.pdf`` (spec clarify.md §3.4)."""
    title = report.title or DEFAULT_REPORT_TITLE
    for suffix, text in (
        (".html", render_clarify_report(analysis, title=title)),
        (".ipynb", render_clarify_notebook(analysis, title=title)),
    ):
        path = output_dir / f"{report.name}{suffix}"
        path.write_text(text, encoding="utf-8")
        logger.info("Wrote %s", path)
    pdf = output_dir / f"{report.name}.pdf"
    pdf.write_bytes(render_clarify_pdf(analysis, title=title))
    logger.info("Wrote %s", pdf)


def _failed(text: str, exchange: HostExchange | None, message_file: Path) -> int:
    """A worker hands its error to the primary, which fails the job naming the host (exit 0
    here, so the job's reason is the primary's); otherwise the message and exit code 1."""
    logger.error("%s", text)
    if exchange is not None and exchange.report_error(text):
        return 0
    _write_message(message_file, f"Error: {text}")
    return 1


def run(config_dir: Path, data_dir: Path, output_dir: Path, message_file: Path) -> int:
    """Runs the analysis ``analysis_config.json`` asks for; returns the process exit code."""
    started = time.monotonic()
    exchange: HostExchange | None = None
    try:
        exchange = HostExchange(read_job_hosts())
        with exchange:
            violations = _analyze(config_dir, data_dir, output_dir, exchange)
    except (PlimsollError, OSError, pa.ArrowInvalid) as exc:
        text = exc.message if isinstance(exc, PlimsollError) else str(exc)
        return _failed(text, exchange, message_file)
    except Exception as exc:  # the job must end with a message, never a bare stack trace
        logger.exception("Analysis failed")
        return _failed(f"Internal error: {type(exc).__name__}: {exc}", exchange, message_file)
    if exchange.is_worker:  # the primary analyses and writes the job's message
        logger.info("This host's part is with %s", exchange.hosts.primary)
        return 0
    message = COMPLETED_MESSAGE if violations is None else exit_message(violations)
    logger.info("%s (%.1f s)", message, time.monotonic() - started)
    _write_message(message_file, message)
    return 0


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run(CONFIG_DIR, DATA_DIR, output_path(OUTPUT_DIR), Path(OUTPUT_MESSAGE)))


if __name__ == "__main__":
    main()
