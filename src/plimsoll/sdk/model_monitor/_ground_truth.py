"""``upload_ground_truth``: labels written where a model-quality schedule reads them.

A Plimsoll extension (the SageMaker SDK has no helper: its examples build the JSON lines and
call ``S3Uploader.upload_string_as_file_body`` themselves). Public path:
``plimsoll.model_monitor.ground_truth``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plimsoll.compat.ground_truth import (
    GroundTruthRecord,
    build_record,
    object_key,
    parse_line,
    parse_lines,
    to_json_line,
)
from plimsoll.errors import ValidationError
from plimsoll.sdk.s3 import S3Uploader
from plimsoll.sdk.session import Session

__all__ = ["GroundTruthInput", "read_ground_truth_file", "upload_ground_truth"]

_CSV_HEADERS = {("event_id", "label"), ("eventid", "label"), ("inference_id", "label")}

# (event id, label), a ready record dict, {"event_id": ..., "label": ...}, or a record
GroundTruthInput = tuple[str, Any] | Mapping[str, Any] | GroundTruthRecord


def _record(item: GroundTruthInput, index: int) -> GroundTruthRecord:
    if isinstance(item, GroundTruthRecord):
        return item
    if isinstance(item, Mapping):
        if "groundTruthData" in item:
            return parse_line(json.dumps(dict(item)), source="records", line=index)
        if "event_id" in item and "label" in item:
            return build_record(str(item["event_id"]), item["label"], encoding=item.get("encoding"))
        raise ValidationError(
            f"records item {index}: a dict needs groundTruthData/eventMetadata/eventVersion "
            "(a ready record) or event_id and label"
        )
    if isinstance(item, tuple) and len(item) == 2:
        event_id, label = item
        if not isinstance(event_id, str):
            raise ValidationError(f"records item {index}: the event id must be a string")
        return build_record(event_id, label)
    raise ValidationError(
        f"records item {index}: expected an (event id, label) pair, a dict or a "
        f"GroundTruthRecord, got {type(item).__name__}"
    )


def upload_ground_truth(
    records: Iterable[GroundTruthInput],
    ground_truth_s3_uri: str,
    *,
    sagemaker_session: Session | None = None,
    upload_time: datetime | None = None,
    file_name: str | None = None,
) -> str:
    """Writes labels as one ground-truth file in SageMaker's layout.

    The file goes to ``<ground_truth_s3_uri>/yyyy/mm/dd/hh/<file_name or uuid>.jsonl``, the
    hour being ``upload_time``'s (UTC): an execution reads labels uploaded from its window's
    start up to the time it runs, so upload them after the inferences they answer.

    Args:
        records: ``(event_id, label)`` pairs (``event_id`` is the ``InferenceId`` you passed to
            ``invoke_endpoint``, else the captured ``eventId``; ``label`` a string, number,
            dict or list), dicts ``{"event_id", "label"[, "encoding"]}``, ready ground-truth
            records (``{"groundTruthData", "eventMetadata", "eventVersion"}``) or
            :class:`~plimsoll.compat.ground_truth.GroundTruthRecord` objects.
        ground_truth_s3_uri: the schedule's ``ground_truth_input``.
        sagemaker_session: the session whose storage receives the file.
        upload_time: the hour folder to use (default now; naive = UTC).
        file_name: the object's name in its hour folder (default a random UUID).

    Returns:
        The ``s3://`` URI of the written file.

    Raises:
        ValidationError: no records, a record that cannot be written, or a URI that is not
            ``s3://``.
    """
    lines = [to_json_line(_record(item, n)) for n, item in enumerate(records, 1)]
    if not lines:
        raise ValidationError("upload_ground_truth: no records to upload")
    if not ground_truth_s3_uri.startswith("s3://"):
        raise ValidationError(
            f"ground_truth_s3_uri must be an s3:// URI, got {ground_truth_s3_uri!r}"
        )
    when = upload_time or datetime.now(UTC)
    uri = object_key(ground_truth_s3_uri, when, file_name)
    return S3Uploader.upload_bytes(b"".join(lines), uri, sagemaker_session=sagemaker_session)


def _csv_records(text: str, source: str) -> list[GroundTruthRecord]:
    records: list[GroundTruthRecord] = []
    try:
        rows = list(csv.reader(text.splitlines(), strict=True))
    except csv.Error as exc:
        raise ValidationError(f"{source}: not a CSV file ({exc})") from None
    for number, row in enumerate(rows, 1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if not records and number == 1 and tuple(c.lower() for c in cells) in _CSV_HEADERS:
            continue
        if len(cells) != 2 or not cells[0] or not cells[1]:
            raise ValidationError(
                f"{source} line {number}: expected two non-empty fields event_id,label, got {row!r}"
            )
        records.append(build_record(cells[0], cells[1]))
    return records


def read_ground_truth_file(path: str | Path) -> list[GroundTruthRecord]:
    """The labels of a local file, strictly (errors name the line).

    The file holds either JSON lines of ready ground-truth records (the first non-blank line
    starts with ``{``) or CSV rows ``event_id,label`` with an optional header row
    ``event_id,label``; CSV labels are kept as text (encoding CSV).

    Raises:
        ValidationError: an unreadable file, a malformed line, or no labels at all.
    """
    source = str(path)
    try:
        content = Path(path).read_bytes()
        text = content.decode("utf-8-sig")
    except OSError as exc:
        raise ValidationError(f"Cannot read {source}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{source} is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        records = parse_lines(text.encode("utf-8"), source=source)
    else:
        records = _csv_records(text, source)
    if not records:
        raise ValidationError(f"{source} holds no labels")
    return records
