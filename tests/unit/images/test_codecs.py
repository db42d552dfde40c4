from __future__ import annotations

import io
import json

import numpy as np
import pytest

from plimsoll.images import _codecs
from plimsoll.images._errors import NotAcceptableError, UnsupportedFormatError


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def test_json_decodes_to_float32_array() -> None:
    decoded = _codecs.decode("[[1, 2.5], [3, 4]]", "application/json")
    assert decoded.dtype == np.float32
    assert decoded.tolist() == [[1.0, 2.5], [3.0, 4.0]]


def test_json_of_strings_keeps_its_dtype() -> None:
    decoded = _codecs.decode('["good", "bad"]', "application/json")
    assert decoded.tolist() == ["good", "bad"]


@pytest.mark.parametrize("body", ["", "{not json", "[[1, 2], [3]]"])
def test_bad_json_is_unsupported(body: str) -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        _codecs.decode(body, "application/json")
    assert caught.value.status_code == 415


def test_one_csv_row_is_two_dimensional() -> None:
    decoded = _codecs.decode("5.1,3.5,1.4,0.2", "text/csv")
    assert decoded.shape == (1, 4)
    assert decoded.dtype == np.float32


def test_csv_rows_and_single_column() -> None:
    assert _codecs.decode("1,2\n3,4\n", "text/csv").tolist() == [[1, 2], [3, 4]]
    assert _codecs.decode("1\n2\n3", "text/csv").shape == (3, 1)


def test_csv_missing_and_quoted_fields() -> None:
    decoded = _codecs.decode('1,,"3"\n4,5,6', "text/csv")
    assert decoded.shape == (2, 3)
    assert np.isnan(decoded[0, 1])
    assert decoded[0, 2] == 3.0


@pytest.mark.parametrize("body", ["", "  \n", "a,b,c", "1,2\n3"])
def test_bad_csv_is_unsupported(body: str) -> None:
    with pytest.raises(UnsupportedFormatError):
        _codecs.decode(body, "text/csv")


def test_content_type_parameters_are_ignored() -> None:
    assert _codecs.decode("1,2", "Text/CSV; charset=utf-8").shape == (1, 2)


def test_text_bodies_must_be_utf8() -> None:
    assert _codecs.request_payload(b"1,2", "text/csv") == "1,2"
    assert _codecs.request_payload(b"\xff\xfe", "application/x-npy") == b"\xff\xfe"
    with pytest.raises(UnsupportedFormatError, match="UTF-8"):
        _codecs.request_payload(b"1,\xff", "text/csv")


def test_npy_round_trips_without_pickle() -> None:
    array = np.arange(6, dtype=np.int64).reshape(2, 3)
    decoded = _codecs.decode(_npy(array), "application/x-npy")
    assert decoded.dtype == np.int64
    assert decoded.tolist() == array.tolist()


@pytest.mark.parametrize(
    "body",
    [b"", b"garbage", _npy(np.array([{"a": 1}], dtype=object))],
    ids=["empty", "junk", "pickle"],
)
def test_bad_npy_is_unsupported(body: bytes) -> None:
    with pytest.raises(UnsupportedFormatError):
        _codecs.decode(body, "application/x-npy")


def test_unknown_content_type_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormatError, match="text/plain"):
        _codecs.decode("hello", "text/plain")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, ["application/json"]),
        ("", ["application/json"]),
        ("*/*", ["application/json"]),
        ("text/html, text/csv;q=0.5", ["text/html", "text/csv"]),
    ],
)
def test_accepted_types(accept: str | None, expected: list[str]) -> None:
    assert _codecs.accepted_types(accept, "application/json") == expected


def test_encode_json() -> None:
    body, content_type = _codecs.encode(np.array([0, 2]), "application/json")
    assert (json.loads(body), content_type) == ([0, 2], "application/json")
    body, _ = _codecs.encode({"scores": np.array([0.5]), "label": np.int64(1)}, "application/json")
    assert json.loads(body) == {"scores": [0.5], "label": 1}


def test_encode_csv() -> None:
    assert _codecs.encode(np.array([0, 2]), "text/csv") == (b"0\n2\n", "text/csv")
    assert _codecs.encode([[0.5, 1.5], [2, 3]], "text/csv")[0] == b"0.5,1.5\n2.0,3.0\n"
    assert _codecs.encode(np.float64(0.25), "text/csv")[0] == b"0.25\n"


def test_encode_npy() -> None:
    body, content_type = _codecs.encode(np.array([1.5, 2.5]), "application/x-npy")
    assert content_type == "application/x-npy"
    assert np.load(io.BytesIO(body)).tolist() == [1.5, 2.5]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html,text/csv", "text/csv"),
        ("application/*", "application/json"),
        ("*/*", "application/json"),
    ],
)
def test_encode_walks_the_accept_list(accept: str, expected: str) -> None:
    assert _codecs.encode([1], accept)[1] == expected


@pytest.mark.parametrize(
    ("prediction", "accept"),
    [([1], "text/html"), (np.zeros((2, 2, 2)), "text/csv"), (object(), "application/json")],
)
def test_encode_failures_are_not_acceptable(prediction: object, accept: str) -> None:
    with pytest.raises(NotAcceptableError) as caught:
        _codecs.encode(prediction, accept)
    assert caught.value.status_code == 406
