"""Plimsoll's ``sagemaker-model-monitor-groundtruth-merger``: the first job of a model-quality
execution (spec §2.3, §2.4, §3.3). It joins the window's captured records to their ground truth
with :func:`plimsoll.compat.ground_truth_join.merge_columns` (the rules, records, bytes and report
of :func:`plimsoll.compat.ground_truth_merge.merge`, on Arrow columns; files it cannot read
exactly that way are read record by record) and writes SageMaker's merged records.

Environment (as the service sets it):

* ``dataset_source``: capture hours laid out ``<endpoint>/<variant>/yyyy/mm/dd/hh/<file>``
  (``/opt/ml/processing/input_data``);
* ``ground_truth_source``: ground truth ``yyyy/mm/dd/hh/<file>.jsonl``
  (``/opt/ml/processing/groundtruth``); other objects there are listed as ignored;
* ``output_path``: where the merged records go (``/opt/ml/processing/output``, uploaded to
  ``<output_s3_uri>/merge``): ``<endpoint>/<variant>/yyyy/mm/dd/hh/part-00000-<uuid>.c000.jsonl``,
  plus ``merge_report.json`` (a Plimsoll addition: every count of the
  :class:`~plimsoll.compat.ground_truth_merge.MergeReport`);
* ``start_time``, ``end_time`` (optional, ``YYYY-MM-DDTHH:MM:SSZ``): capture records outside
  ``[start, end)`` are not merged; hours of the window without a ground-truth file are reported
  as ``missing_hours``;
* ``output_message_file`` (default ``/opt/ml/output/message``).

Exit: ``Completed: Merged <n> captured records with their ground truth.`` (code 0) when at least
one record matched; otherwise code 1 with ``Error: Job inputs had no data`` (no capture record)
or ``Error: No ground truth matched the captured records in the window: <counts>``. A bad
environment also ends with ``Error: <message>``, never a stack trace.

Usage inside a job: ``python3 -m plimsoll.images.groundtruth_merger``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from plimsoll.compat.analyzer_config import DEFAULT_OUTPUT_MESSAGE_FILE
from plimsoll.compat.ground_truth import upload_hour
from plimsoll.compat.ground_truth_join import ColumnMerge, merge_columns
from plimsoll.compat.ground_truth_merge import (
    CaptureFile,
    GroundTruthFile,
    MergeReport,
    merged_object_key,
)
from plimsoll.compat.monitor_input import NO_DATA_MESSAGE
from plimsoll.compat.monitor_window import hour_partitions
from plimsoll.errors import PlimsollError

logger = logging.getLogger("GroundTruthMerger")

__all__ = ["REPORT_FILE", "MergerConfigError", "main", "run"]

REPORT_FILE = "merge_report.json"
_READ_THREADS = 4  # files read side by side (page-cache copies, without the GIL)
_MESSAGE_LIMIT = 1024


class MergerConfigError(ValueError):
    """The job's environment does not describe a merge."""


def _required(env: Mapping[str, str], key: str) -> Path:
    value = (env.get(key) or "").strip()
    if not value:
        raise MergerConfigError(f"Missing required environment variable {key!r}")
    return Path(value)


def _time(env: Mapping[str, str], key: str) -> datetime | None:
    text = (env.get(key) or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MergerConfigError(f"{key} must be YYYY-MM-DDTHH:MM:SSZ, not {text!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _window(env: Mapping[str, str]) -> tuple[datetime, datetime] | None:
    start, end = _time(env, "start_time"), _time(env, "end_time")
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise MergerConfigError("start_time and end_time must be given together")
    if end <= start:
        raise MergerConfigError(f"end_time {end:%Y-%m-%dT%H:%M:%SZ} is not after start_time")
    return start, end


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


def _contents(paths: list[Path]) -> list[bytes]:
    with ThreadPoolExecutor(_READ_THREADS, thread_name_prefix="merge-input") as pool:
        return list(pool.map(Path.read_bytes, paths))


def _capture_files(root: Path) -> tuple[list[CaptureFile], list[str]]:
    """Capture files in ``<endpoint>/<variant>/yyyy/mm/dd/hh/`` folders; others are ignored."""
    found: list[tuple[Path, tuple[str, ...], datetime]] = []
    ignored: list[str] = []
    for path in _files(root):
        parts = path.relative_to(root).parts
        hour = upload_hour("/".join(parts[2:])) if len(parts) == 7 else None
        if hour is None:
            ignored.append(str(path))
            continue
        found.append((path, parts, hour))
    contents = _contents([path for path, _, _ in found])
    files = [
        CaptureFile(uri=str(path), endpoint=parts[0], variant=parts[1], hour=hour, content=content)
        for (path, parts, hour), content in zip(found, contents, strict=True)
    ]
    return files, ignored


def _ground_truth(root: Path) -> tuple[list[GroundTruthFile], list[datetime], list[str]]:
    """``.jsonl`` files under ``yyyy/mm/dd/hh/``, oldest hour first; their hours; the rest."""
    keyed: list[tuple[datetime, str, Path]] = []
    ignored: list[str] = []
    for path in _files(root):
        relative = path.relative_to(root).as_posix()
        hour = upload_hour(relative)
        if hour is None or not path.name.endswith(".jsonl"):
            ignored.append(str(path))
            continue
        keyed.append((hour, relative, path))
    keyed.sort()
    paths = [p for _, _, p in keyed]
    files = [
        GroundTruthFile(uri=str(p), content=content)
        for p, content in zip(paths, _contents(paths), strict=True)
    ]
    return files, sorted({h for h, _, _ in keyed}), ignored


def merge_directories(env: Mapping[str, str]) -> tuple[ColumnMerge, Path]:
    """Reads the inputs the environment names and merges them; (result, output_path)."""
    capture_root = _required(env, "dataset_source")
    truth_root = _required(env, "ground_truth_source")
    output = _required(env, "output_path")
    window = _window(env)
    captures, ignored_captures = _capture_files(capture_root)
    labels, hours, ignored_labels = _ground_truth(truth_root)
    logger.info(
        "Files to process: %d capture files, %d ground-truth files", len(captures), len(labels)
    )
    result = merge_columns(captures, labels, window=window)
    logger.info(
        "%d input files read as columns, %d record by record",
        result.columnar_files,
        result.record_files,
    )
    missing: list[datetime] = []
    if window is not None:
        last = window[1] if not hours else max(window[1], hours[-1] + timedelta(hours=1))
        missing = [h for h in hour_partitions(window[0], last) if h not in set(hours)]
    report = replace(
        result.report,
        ground_truth_hours=tuple(f"{h:%Y/%m/%d/%H}" for h in hours),
        missing_hours=tuple(f"{h:%Y/%m/%d/%H}" for h in missing),
        ignored_objects=(*ignored_captures, *ignored_labels),
    )
    return replace(result, report=report), output


def write_output(result: ColumnMerge, output: Path, write_id: str | None = None) -> list[Path]:
    """One part file per (endpoint, variant, hour) folder and ``merge_report.json``."""
    ident = write_id or str(uuid.uuid4())
    written = []
    for part in result.parts:
        path = Path(merged_object_key(str(output), part.endpoint, part.variant, part.hour, ident))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            for buffer in part.content:
                fh.write(buffer)
        written.append(path)
    output.mkdir(parents=True, exist_ok=True)
    report = output / REPORT_FILE
    report.write_text(json.dumps(result.report.to_dict(), indent=2), encoding="utf-8")
    return sorted(written)


def _counts(report: MergeReport) -> str:
    return report.summary().removeprefix("ground-truth merge: ")


def _message(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text[:_MESSAGE_LIMIT], encoding="utf-8")
    except OSError:
        logger.warning("could not write %s", path)


def run(env: Mapping[str, str]) -> int:
    """Runs the merge the environment describes; returns the process exit code."""
    message_file = Path(env.get("output_message_file") or DEFAULT_OUTPUT_MESSAGE_FILE)
    try:
        result, output = merge_directories(env)
        report = result.report
        logger.info("%s", report.summary())
        for problem in report.malformed[:10]:
            logger.warning("Skipped %s", problem)
        if report.missing_hours:
            logger.warning("No ground truth uploaded for hours %s", ", ".join(report.missing_hours))
        written = write_output(result, output)
        logger.info("Wrote %d merged files and %s to %s", len(written), REPORT_FILE, output)
    except (MergerConfigError, PlimsollError, OSError) as exc:
        text = exc.message if isinstance(exc, PlimsollError) else str(exc)
        logger.error("%s", text)
        _message(message_file, f"Error: {text}")
        return 1
    except Exception as exc:  # the job must end with a message, never a bare stack trace
        logger.exception("Merge failed")
        _message(message_file, f"Error: Internal error: {type(exc).__name__}: {exc}")
        return 1
    if report.capture_records == 0:
        text = f"Error: {NO_DATA_MESSAGE}: no captured record under dataset_source"
    elif report.matched == 0:
        text = (
            f"Error: No ground truth matched the captured records in the window: {_counts(report)}"
        )
    else:
        text = f"Completed: Merged {report.matched} captured records with their ground truth."
    logger.info("%s", text)
    _message(message_file, text)
    return 0 if report.matched else 1


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run(os.environ))  # noqa: TID251 - the container contract is its environment


if __name__ == "__main__":
    main()
