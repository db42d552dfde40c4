"""Every deserializer of spec B4.6: Accept and the value read from a response body."""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pandas as pd
import pytest
from botocore.response import StreamingBody

from plimsoll.deserializers import (
    BaseDeserializer,
    BytesDeserializer,
    CSVDeserializer,
    JSONDeserializer,
    JSONLinesDeserializer,
    NumpyDeserializer,
    PandasDeserializer,
    SimpleBaseDeserializer,
    StreamDeserializer,
    StringDeserializer,
    TorchTensorDeserializer,
)


class Body(io.BytesIO):
    """A response body that remembers being closed after it is read."""

    was_closed = False

    def close(self) -> None:
        self.was_closed = True
        super().close()


def streaming(data: bytes) -> StreamingBody:
    """What boto3 returns as ``Body``."""
    return StreamingBody(io.BytesIO(data), len(data))


@pytest.mark.parametrize(
    ("deserializer", "accept"),
    [
        (BytesDeserializer(), ("*/*",)),
        (StringDeserializer(), ("application/json",)),
        (CSVDeserializer(), ("text/csv",)),
        (JSONDeserializer(), ("application/json",)),
        (NumpyDeserializer(), ("application/x-npy",)),
        (PandasDeserializer(), ("text/csv", "application/json")),
        (JSONLinesDeserializer(), ("application/jsonlines",)),
        (StreamDeserializer(), ("*/*",)),
    ],
)
def test_default_accept(deserializer: BaseDeserializer, accept: tuple[str, ...]) -> None:
    assert deserializer.ACCEPT == accept


def test_accept_can_be_set_as_str_or_tuple() -> None:
    assert JSONDeserializer(accept="application/x-json").ACCEPT == ("application/x-json",)
    both = ("application/json", "text/csv")
    assert StringDeserializer(accept=both).ACCEPT == both


def test_custom_deserializer_subclasses_simple_base() -> None:
    class Reversed(SimpleBaseDeserializer):
        def deserialize(self, stream: io.BytesIO, content_type: str) -> bytes:
            return bytes(stream.read())[::-1]

    assert Reversed().deserialize(io.BytesIO(b"abc"), "x") == b"cba"


def test_bytes_reads_and_closes() -> None:
    body = Body(b"\x00raw")
    assert BytesDeserializer().deserialize(body, "application/octet-stream") == b"\x00raw"
    assert body.was_closed


def test_string_decodes_with_encoding() -> None:
    assert StringDeserializer().deserialize(streaming("hé".encode()), "text/plain") == "hé"
    latin = StringDeserializer(encoding="latin-1")
    assert latin.deserialize(streaming("hé".encode("latin-1")), "text/plain") == "hé"


def test_csv_is_a_list_of_rows_of_strings() -> None:
    body = streaming(b'1,2\n"a,b",3\n')
    assert CSVDeserializer().deserialize(body, "text/csv") == [["1", "2"], ["a,b", "3"]]


def test_json_is_parsed() -> None:
    assert JSONDeserializer().deserialize(streaming(b'{"a": [1, 2]}'), "application/json") == {
        "a": [1, 2]
    }


def test_jsonlines_is_a_list_of_values() -> None:
    body = streaming(b'{"a": 1}\n[2]\n\n')
    assert JSONLinesDeserializer().deserialize(body, "application/jsonlines") == [{"a": 1}, [2]]


def test_stream_returns_the_unread_stream_and_content_type() -> None:
    body = streaming(b"later")
    stream, content_type = StreamDeserializer().deserialize(body, "text/plain")
    assert (stream is body, content_type) == (True, "text/plain")
    assert stream.read() == b"later"


class TestNumpy:
    def test_csv(self) -> None:
        array = NumpyDeserializer().deserialize(streaming(b"1,2\n3,4\n"), "text/csv")
        np.testing.assert_array_equal(array, [[1.0, 2.0], [3.0, 4.0]])

    def test_json_with_dtype(self) -> None:
        deserializer = NumpyDeserializer(dtype="int32")
        array = deserializer.deserialize(streaming(b"[[1, 2], [3, 4]]"), "application/json")
        assert array.dtype == np.int32
        np.testing.assert_array_equal(array, [[1, 2], [3, 4]])

    def test_npy(self) -> None:
        buffer = io.BytesIO()
        np.save(buffer, np.array([1.5, 2.5]))
        array = NumpyDeserializer().deserialize(streaming(buffer.getvalue()), "application/x-npy")
        np.testing.assert_array_equal(array, [1.5, 2.5])

    def test_npz(self) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, x=np.arange(3))
        archive = NumpyDeserializer().deserialize(streaming(buffer.getvalue()), "application/x-npz")
        np.testing.assert_array_equal(archive["x"], [0, 1, 2])

    def test_other_content_type_raises_and_closes(self) -> None:
        body = Body(b"x")
        with pytest.raises(ValueError, match="NumpyDeserializer cannot read content type text/x"):
            NumpyDeserializer().deserialize(body, "text/x")
        assert body.was_closed


class TestPandas:
    def test_csv_has_a_header_row(self) -> None:
        frame = PandasDeserializer().deserialize(streaming(b"a,b\n1,2\n3,4\n"), "text/csv")
        pd.testing.assert_frame_equal(frame, pd.DataFrame({"a": [1, 3], "b": [2, 4]}))

    def test_json_in_columns_orient(self) -> None:
        body = streaming(json.dumps({"a": {"0": 1, "1": 3}, "b": {"0": 2, "1": 4}}).encode())
        frame = PandasDeserializer().deserialize(body, "application/json")
        assert frame.to_dict() == {"a": {0: 1, 1: 3}, "b": {0: 2, 1: 4}}

    def test_other_content_type_raises(self) -> None:
        with pytest.raises(ValueError, match="PandasDeserializer cannot read content type"):
            PandasDeserializer().deserialize(streaming(b"x"), "application/x-npy")

    def test_without_pandas_names_the_package(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "pandas", None)
        with pytest.raises(ImportError, match="pip install pandas"):
            PandasDeserializer().deserialize(streaming(b"a\n1\n"), "text/csv")


def test_torch_deserializer_without_torch_names_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="pip install torch"):
        TorchTensorDeserializer()
