"""Plimsoll's ``sagemaker-clarify-processing`` image: run as a Clarify processing job's entry point.

It reads SageMaker's container contract only (spec clarify.md §1.1):

* ``/opt/ml/processing/input/config/analysis_config.json``: validated with
  :func:`plimsoll.compat.clarify_analysis_config.parse_analysis_config`, so a file the real SDK
  writes is accepted unchanged and a malformed one fails with the schema's message;
* the dataset under ``/opt/ml/processing/input/data`` (:mod:`plimsoll.images._clarify_dataset`);

and writes ``/opt/ml/processing/output/analysis.json`` with ``version`` and the requested bias
sections (:mod:`plimsoll.images._clarify_bias`), plus ``<name>.html`` and ``<name>.ipynb`` when
``methods.report`` asks for a report (no ``.pdf``: there is no renderer in the image).

The exit message goes to ``/opt/ml/output/message`` (the job's ExitMessage or FailureReason):
``Completed: Job completed successfully.`` with exit code 0, or ``Error: <message>`` with exit
code 1.

This first version computes bias without a model: pre-training bias, and post-training bias
from a ``predicted_label`` column already in the data. Anything that needs model access
(``shap``, ``pdp``, post-training bias from a ``predictor``) fails the job with a clear message.

Usage inside a job: ``python3 -m plimsoll.images.clarify``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from plimsoll.compat.clarify_analysis_config import ReportMethod, parse_analysis_config
from plimsoll.compat.container_paths import MAX_MESSAGE_BYTES, OUTPUT_MESSAGE, PROCESSING_ROOT
from plimsoll.errors import PlimsollError
from plimsoll.images._clarify_bias import bias_sections, check_supported
from plimsoll.images._clarify_dataset import load_dataset
from plimsoll.reports import render_clarify_notebook, render_clarify_report

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


def _write_message(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8")[:MAX_MESSAGE_BYTES])
    except OSError:
        logger.warning("could not write %s", path)


def _read_config(config_dir: Path) -> dict[str, Any]:
    path = config_dir / CONFIG_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PlimsollError(f"{CONFIG_FILE} not found in {config_dir}") from exc
    except ValueError as exc:
        raise PlimsollError(f"{CONFIG_FILE} is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise PlimsollError(f"{CONFIG_FILE} must hold a JSON object")
    return raw


def _analyze(config_dir: Path, data_dir: Path, output_dir: Path) -> None:
    config = parse_analysis_config(_read_config(config_dir))
    logger.info("Analysis config: %s", config.model_dump_json(exclude_none=True))
    check_supported(config)
    dataset = load_dataset(config, data_dir)
    logger.info("Dataset: %d rows, columns %s", dataset.rows, list(dataset.columns))
    analysis: dict[str, Any] = {"version": config.version or ANALYSIS_VERSION}
    analysis.update(bias_sections(config, dataset))
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / ANALYSIS_FILE).write_text(json.dumps(analysis, indent=2), encoding="utf-8")
    logger.info("Wrote %s", output_dir / ANALYSIS_FILE)
    if config.methods.report is not None:
        _write_report(analysis, config.methods.report, output_dir)


def _write_report(analysis: dict[str, Any], report: ReportMethod, output_dir: Path) -> None:
    """Writes ``<name>.html`` and ``<name>.ipynb`` (spec clarify.md §3.4; no PDF renderer here)."""
    title = report.title or DEFAULT_REPORT_TITLE
    for suffix, text in (
        (".html", render_clarify_report(analysis, title=title)),
        (".ipynb", render_clarify_notebook(analysis, title=title)),
    ):
        path = output_dir / f"{report.name}{suffix}"
        path.write_text(text, encoding="utf-8")
        logger.info("Wrote %s", path)


def run(config_dir: Path, data_dir: Path, output_dir: Path, message_file: Path) -> int:
    """Runs the analysis ``analysis_config.json`` asks for; returns the process exit code."""
    started = time.monotonic()
    try:
        _analyze(config_dir, data_dir, output_dir)
    except (PlimsollError, OSError, pa.ArrowInvalid) as exc:
        text = exc.message if isinstance(exc, PlimsollError) else str(exc)
        logger.error("%s", text)
        _write_message(message_file, f"Error: {text}")
        return 1
    except Exception as exc:  # the job must end with a message, never a bare stack trace
        logger.exception("Analysis failed")
        _write_message(message_file, f"Error: Internal error: {type(exc).__name__}: {exc}")
        return 1
    logger.info("%s (%.1f s)", COMPLETED_MESSAGE, time.monotonic() - started)
    _write_message(message_file, COMPLETED_MESSAGE)
    return 0


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run(CONFIG_DIR, DATA_DIR, OUTPUT_DIR, Path(OUTPUT_MESSAGE)))


if __name__ == "__main__":
    main()
