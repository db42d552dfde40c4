"""Plimsoll's ``sagemaker-model-monitor-analyzer``: run as a processing job's entry point.

It reads the same environment variables and paths as SageMaker's analyzer. This version
does baselining: it profiles ``dataset_source`` (CSV with or without header, JSON lines)
with the statistics engine and writes ``statistics.json`` and ``constraints.json`` to
``output_path``. Monitoring executions (capture windows and violation checks) come next
(issue 4); a job asking for one exits with a clear message.

Usage inside a job: ``python3 -m plimsoll.images.model_monitor_analyzer``.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from plimsoll.compat.analyzer_config import AnalyzerConfig, AnalyzerConfigError
from plimsoll.compat.monitor_files import to_constraints_json, to_statistics_json
from plimsoll.engines.profile import ZERO, finalize, merge, profile_batch, suggest_constraints

logger = logging.getLogger("DefaultDataAnalyzer")

BLOCK_BYTES = 16 << 20  # Arrow reads CSV in blocks; each block is profiled, then merged


def _files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise AnalyzerConfigError(f"No data found in dataset_source {source}")
    return files


def _csv_batches(path: Path, header: bool) -> Iterator[pa.RecordBatch]:
    """Blocks of the file with every column as text: the engine types them, as Deequ does."""
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        first = next(csv.reader(fh), [])
    names = first if header else [f"_c{i}" for i in range(len(first))]
    read = pacsv.ReadOptions(
        block_size=BLOCK_BYTES, column_names=names, skip_rows=1 if header else 0
    )
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
    )
    with pacsv.open_csv(path, read_options=read, convert_options=convert) as reader:
        yield from reader


def profile_dataset(config: AnalyzerConfig) -> tuple[dict[str, object], dict[str, object]]:
    """statistics.json and constraints.json of the dataset the job was given."""
    state = ZERO
    csv_format, lines = config.csv_format(), config.json_lines()
    for path in _files(Path(config.get("dataset_source"))):
        logger.info("Files to process: %s", path)
        if csv_format is not None:
            for batch in _csv_batches(path, header=csv_format[0]):
                state = merge(state, profile_batch(batch))
        elif lines is not None:
            state = merge(state, profile_batch(pajson.read_json(path)))
        else:
            raise AnalyzerConfigError(
                f"dataset_format {json.dumps(config.get('dataset_format'))} is not supported for "
                "baselining; use csv or json"
            )
    result = finalize(state)
    if result.item_count == 0:
        raise AnalyzerConfigError("The dataset has no rows to baseline")
    return to_statistics_json(result), to_constraints_json(suggest_constraints(result))


def run(env: Mapping[str, str]) -> int:
    """Runs the analysis the environment describes; returns the process exit code."""
    started = time.monotonic()
    message_file = Path(env.get("output_message_file") or "/opt/ml/output/message")
    try:
        config = AnalyzerConfig.from_environment(env)
        logger.info("Performing analysis with input: %s", json.dumps(dict(config.values)))
        if not config.is_baseline:
            raise AnalyzerConfigError(
                "Monitoring executions are not supported by this analyzer version yet; "
                "only baselining (no baseline_constraints) is"
            )
        statistics, constraints = profile_dataset(config)
        output = Path(config.get("output_path"))
        output.mkdir(parents=True, exist_ok=True)
        for name, body in (("statistics.json", statistics), ("constraints.json", constraints)):
            (output / name).write_text(json.dumps(body, indent=4))
            logger.info("Write to file %s at path %s.", name, output)
    except (AnalyzerConfigError, OSError, pa.ArrowInvalid) as exc:
        logger.error("%s", exc)
        _write_message(message_file, f"Error: {exc}")
        return 1
    logger.info(
        "Completed: Job completed successfully with no violations (%.1f s).",
        time.monotonic() - started,
    )
    _write_message(message_file, "Completed: Job completed successfully with no violations.")
    return 0


def _write_message(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text[:1024])
    except OSError:
        logger.warning("could not write %s", path)


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run(os.environ))  # noqa: TID251 - the container contract is its environment


if __name__ == "__main__":
    main()
