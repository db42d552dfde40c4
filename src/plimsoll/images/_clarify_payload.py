"""What the Clarify image sends to a model and how it reads the answer (spec clarify.md §1.4).

Requests carry many records each (SageMaker's container batches the same way), encoded as the
predictor's ``content_type``:

* ``text/csv``: one CSV line per record, the feature values in dataset order;
* ``application/jsonlines``: one line per record, ``content_template`` (default
  ``{"features":$features}``) with ``$features`` replaced by the record's feature array;
* ``application/json``: ``content_template`` (default ``$records``) with ``$records`` replaced
  by the list of records, or ``$record`` by one record (one request per record); each record is
  ``record_template`` (default ``$features``): ``$features`` (array), ``$feature_names``,
  ``$features_kvp`` (name -> value object) or per-feature ``"${NAME}"`` placeholders.

Responses are split into one output per record as ``accept_type`` says: CSV lines (or one
line holding one value per record), JSON Lines, or a JSON array / an object whose paths
project lists. ``label`` and ``probability`` are column indices for CSV and paths (dotted
names, ``[i]`` and ``[*]`` steps, a JMESPath subset) for JSON. Anything else that comes back
is an error naming what came back.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plimsoll.compat.clarify_analysis_config import Predictor
from plimsoll.errors import ModelError, ValidationError

__all__ = [
    "ModelOutputs",
    "Payload",
    "coerce_labels",
    "decode_response",
    "encode_records",
    "extract_outputs",
]

CSV, JSONLINES, JSON = "text/csv", "application/jsonlines", "application/json"
_STEP = re.compile(r"([^.\[\]]+)|\[(-?\d+|\*)\]")
_SNIPPET = 200


@dataclass(frozen=True, slots=True)
class Payload:
    """One request body and how many records it carries."""

    body: bytes
    records: int


def _snippet(text: str | bytes) -> str:
    raw = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
    return raw[:_SNIPPET] + ("..." if len(raw) > _SNIPPET else "")


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _csv_lines(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [["" if v is None else _python(v) for v in row] for row in rows]
    )
    return buffer.getvalue()


def _json_record(row: Sequence[Any], names: Sequence[str], template: str) -> str:
    values = [_python(v) for v in row]
    text = template.replace("$features_kvp", json.dumps(dict(zip(names, values, strict=True))))
    text = text.replace("$feature_names", json.dumps(list(names)))
    text = text.replace("$features", json.dumps(values))
    for name, value in zip(names, values, strict=True):
        text = text.replace(f'"${{{name}}}"', json.dumps(value))
    return text


def encode_records(
    rows: Sequence[Sequence[Any]], names: Sequence[str], predictor: Predictor, content_type: str
) -> list[Payload]:
    """Request bodies for ``rows``: one for CSV, JSON Lines and ``$records``, else one each."""
    if content_type == CSV:
        return [Payload(_csv_lines(rows).encode("utf-8"), len(rows))]
    template = predictor.content_template
    if isinstance(template, dict):
        raise ValidationError("content_template per dataset column is not supported; give a str")
    if content_type == JSONLINES:
        template = template or '{"features":$features}'
        lines = [template.replace("$features", json.dumps([_python(v) for v in r])) for r in rows]
        return [Payload(("\n".join(lines) + "\n").encode("utf-8"), len(rows))]
    if content_type == JSON:
        template = template or "$records"
        record_template = predictor.record_template or "$features"
        records = [_json_record(r, names, record_template) for r in rows]
        if "$records" in template:
            body = template.replace("$records", "[" + ",".join(records) + "]")
            return [Payload(body.encode("utf-8"), len(rows))]
        if "$record" in template:
            return [Payload(template.replace("$record", r).encode("utf-8"), 1) for r in records]
        raise ValidationError("content_template for application/json needs $record or $records")
    raise ValidationError(
        f"predictor content_type {content_type!r} is not supported by this Plimsoll version of "
        "the Clarify image for tabular data (supported: text/csv, application/jsonlines, "
        "application/json)"
    )


def path_value(value: Any, path: str) -> Any:
    """A JMESPath subset: ``a.b``, ``a[0]``, ``a[*].b`` (projection); missing -> None."""
    steps = _STEP.findall(path)
    if not steps:
        raise ValidationError(f"invalid path {path!r}")
    return _walk(value, steps)


def _walk(value: Any, steps: list[tuple[str, str]]) -> Any:
    for position, (name, index) in enumerate(steps):
        if value is None:
            return None
        if name:
            value = value.get(name) if isinstance(value, dict) else None
        elif index == "*":
            if not isinstance(value, list):
                return None
            return [_walk(item, steps[position + 1 :]) for item in value]
        elif isinstance(value, list) and -len(value) <= int(index) < len(value):
            value = value[int(index)]
        else:
            return None
    return value


def decode_response(body: bytes, accept: str, expected: int) -> list[Any] | dict[str, Any]:
    """The response as one output per record, or a JSON object to project paths from."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ModelError(
            f"the model returned a body that is not UTF-8 text: {body[:60]!r}"
        ) from None
    if accept == CSV:
        rows = [row for row in csv.reader(io.StringIO(text)) if row]
        if len(rows) == 1 and expected > 1 and len(rows[0]) == expected:
            rows = [[value] for value in rows[0]]
        records: list[Any] = rows
    else:
        try:
            if accept == JSONLINES:
                records = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                parsed = json.loads(text)
                if isinstance(parsed, dict):
                    return parsed
                fits = isinstance(parsed, list) and len(parsed) == expected
                records = parsed if fits or expected != 1 else [parsed]
        except ValueError:
            raise ModelError(
                f"the model's {accept} response is not valid: {_snippet(text)!r}"
            ) from None
    if len(records) != expected:
        raise ModelError(
            f"the model returned {len(records)} {accept} records for {expected} records sent; "
            f"response: {_snippet(text)!r}"
        )
    return records


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelOutputs:
    """Per record: the predicted label (if ``label`` picks one) and the score vector (if any)."""

    labels: list[Any] | None
    scores: NDArray[np.float64] | None


def _pick(
    records: list[Any] | dict[str, Any], key: str | int, expected: int, what: str
) -> list[Any]:
    if isinstance(records, dict):
        found = path_value(records, str(key))
        if expected == 1 and found is not None and not isinstance(found, list):
            found = [found]
        if not isinstance(found, list) or len(found) != expected:
            raise ModelError(
                f"predictor {what} {key!r} does not give {expected} values in the model's "
                f"response {_snippet(json.dumps(records))!r}"
            )
        return found
    out = []
    for record in records:
        if isinstance(record, list) and isinstance(key, int):
            value = record[key] if -len(record) <= key < len(record) else None
        elif isinstance(key, int):
            value = record if key == 0 and not isinstance(record, (dict, list)) else None
        else:
            value = path_value(record, key)
        if value is None:
            raise ModelError(
                f"predictor {what} {key!r} is not in the model's response record "
                f"{_snippet(json.dumps(record))!r}"
            )
        out.append(value)
    return out


def _scores(values: list[Any]) -> NDArray[np.float64]:
    try:
        rows = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values]
        matrix = np.stack(rows) if rows else np.zeros((0, 1))
    except (TypeError, ValueError):
        raise ModelError(
            f"the model's scores are not numbers or equal-length lists of numbers: "
            f"{_snippet(json.dumps(values[:3], default=str))!r}"
        ) from None
    if matrix.ndim != 2:
        raise ModelError(f"the model's scores have shape {matrix.shape}; expected one vector each")
    return matrix


def extract_outputs(
    records: list[Any] | dict[str, Any], predictor: Predictor, expected: int
) -> ModelOutputs:
    """Applies ``label`` / ``probability`` to the decoded response (see the module docstring)."""
    labels = scores = None
    if predictor.label is not None:
        labels = _pick(records, predictor.label, expected, "label")
    if predictor.probability is not None:
        scores = _scores(_pick(records, predictor.probability, expected, "probability"))
    if labels is None and scores is None:
        if isinstance(records, dict):
            raise ModelError(
                "the model returned a JSON object; set predictor probability or label to a path "
                f"in it: {_snippet(json.dumps(records))!r}"
            )
        scores = _scores(records)
    return ModelOutputs(labels=labels, scores=scores)


def coerce_labels(values: list[Any]) -> np.ndarray:
    """Label values as the dataset reader would type them: ints, floats, else text."""
    for kind in (np.int64, np.float64):
        try:
            array = np.asarray(values, dtype=kind)
        except (TypeError, ValueError, OverflowError):
            continue
        if kind is np.float64 or np.array_equal(array, np.asarray(values, dtype=np.float64)):
            return array
    return np.asarray([str(v) for v in values], dtype=object)
