"""Default request decoding and response encoding: JSON, CSV and NPY <-> numpy arrays.

Mirrors the scikit-learn container's defaults (``sagemaker_containers._encoders``): JSON
and CSV bodies arrive as UTF-8 text and decode to numpy arrays, numeric ones cast to
float32; NPY bodies are loaded without pickle. CSV is always tabular, so a one-row body
decodes to shape ``(1, n)``. Responses are encoded to the first type of the Accept list
that we know; a wildcard means the server's default accept.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np

from plimsoll.images._errors import NotAcceptableError, UnsupportedFormatError

JSON = "application/json"
CSV = "text/csv"
NPY = "application/x-npy"
SUPPORTED = (JSON, CSV, NPY)
TEXT_TYPES = frozenset({JSON, CSV})
_NUMERIC_KINDS = frozenset("biuf")


def media_type(header: str | None, default: str) -> str:
    """``"text/csv; charset=utf-8"`` -> ``"text/csv"``; missing or empty -> ``default``."""
    if not header:
        return default
    return header.split(";", 1)[0].strip().lower() or default


def request_payload(body: bytes, content_type: str) -> str | bytes:
    """The body as ``input_fn`` receives it: text for JSON and CSV, bytes otherwise.

    Raises:
        UnsupportedFormatError: a JSON or CSV body is not valid UTF-8.
    """
    return _text(body) if content_type in TEXT_TYPES else body


def decode(input_data: str | bytes, content_type: str) -> np.ndarray[Any, Any]:
    """The default ``input_fn``: a JSON, CSV or NPY body -> numpy array.

    Raises:
        UnsupportedFormatError: unknown content type, or a body that does not parse.
    """
    content_type = media_type(content_type, JSON)
    if content_type == JSON:
        return _json_to_array(_text(input_data))
    if content_type == CSV:
        return _csv_to_array(_text(input_data))
    if content_type == NPY:
        return _npy_to_array(input_data)
    raise UnsupportedFormatError(
        f"Content type {content_type!r} is not supported by the default input_fn; "
        f"use one of {', '.join(SUPPORTED)} or define input_fn"
    )


def accepted_types(accept: str | None, default_accept: str) -> list[str]:
    """The Accept header as an ordered list of media ranges; missing or ``*/*`` -> default."""
    ranges = [media_type(part, "") for part in (accept or "").split(",")]
    ranges = [default_accept if r == "*/*" else r for r in ranges if r]
    return ranges or [default_accept]


def encode(prediction: object, accept: str) -> tuple[bytes, str]:
    """The default ``output_fn``: the prediction encoded to the first supported Accept type.

    ``accept`` is a resolved Accept list (see :func:`accepted_types`), comma-separated.

    Raises:
        NotAcceptableError: no supported type is acceptable, or the prediction cannot be
            encoded to the chosen one.
    """
    chosen = _choose(accept.split(","))
    try:
        if chosen == JSON:
            return _to_json(prediction), JSON
        if chosen == CSV:
            return _to_csv(prediction), CSV
        return _to_npy(prediction), NPY
    except (TypeError, ValueError) as exc:
        raise NotAcceptableError(f"Cannot encode the prediction as {chosen}: {exc}") from None


def _choose(ranges: list[str]) -> str:
    for raw in ranges:
        wanted = media_type(raw, "")
        if not wanted:
            continue
        if wanted in SUPPORTED:
            return wanted
        if wanted.endswith("/*"):
            for supported in SUPPORTED:
                if supported.startswith(wanted[:-1]) or wanted == "*/*":
                    return supported
    raise NotAcceptableError(
        f"Accept {','.join(ranges)!r} allows none of {', '.join(SUPPORTED)}; "
        "define output_fn for other types"
    )


def _text(input_data: str | bytes) -> str:
    if isinstance(input_data, str):
        return input_data
    try:
        return bytes(input_data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedFormatError(f"Body is not UTF-8 text (byte {exc.start})") from None


def _json_to_array(text: str) -> np.ndarray[Any, Any]:
    try:
        array = np.asarray(json.loads(text))
    except (ValueError, RecursionError) as exc:
        raise UnsupportedFormatError(f"Invalid JSON body: {exc}") from None
    return array.astype(np.float32) if array.dtype.kind in _NUMERIC_KINDS else array


def _csv_to_array(text: str) -> np.ndarray[Any, Any]:
    if not text.strip():
        raise UnsupportedFormatError("Empty CSV body")
    try:
        return np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float32, ndmin=2)
    except ValueError:
        return _csv_with_gaps(text)


def _csv_with_gaps(text: str) -> np.ndarray[Any, Any]:
    """Slow path: quoted fields and empty fields (missing values -> NaN); garbage -> 415."""
    try:
        rows = [
            [float(field) if field.strip() else float("nan") for field in row]
            for row in csv.reader(io.StringIO(text))
            if row
        ]
        return np.array(rows, dtype=np.float32, ndmin=2)
    except (ValueError, csv.Error) as exc:
        raise UnsupportedFormatError(f"CSV body is not a numeric table: {exc}") from None


def _npy_to_array(input_data: str | bytes) -> np.ndarray[Any, Any]:
    raw = input_data.encode("utf-8") if isinstance(input_data, str) else input_data
    try:
        loaded = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise UnsupportedFormatError(f"Invalid NPY body: {exc}") from None
    if not isinstance(loaded, np.ndarray):  # an .npz archive
        loaded.close()
        raise UnsupportedFormatError("NPY body holds an .npz archive, not one array")
    return loaded


def _to_json(prediction: object) -> bytes:
    if isinstance(prediction, np.ndarray | np.generic):
        prediction = prediction.tolist()
    return json.dumps(prediction, default=_json_default).encode("utf-8")


def _json_default(value: object) -> object:
    tolist = getattr(value, "tolist", None)
    if tolist is None:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return tolist()


def _to_csv(prediction: object) -> bytes:
    """``np.savetxt(fmt="%s", delimiter=",")`` semantics: a 1-D array is one value a line."""
    array = np.asarray(prediction)
    if array.ndim == 0:
        lines = [str(array[()])]
    elif array.ndim == 1:
        lines = [str(value) for value in array]
    elif array.ndim == 2:
        lines = [",".join(str(value) for value in row) for row in array]
    else:
        raise ValueError(f"a {array.ndim}-D array has no CSV form")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _to_npy(prediction: object) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(prediction), allow_pickle=False)
    return buffer.getvalue()
