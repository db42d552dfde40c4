"""Every serializer of spec B4.6: content type and body, as SageMaker SDK v2 builds them."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

from plimsoll.serializers import (
    BaseSerializer,
    CSVSerializer,
    DataSerializer,
    IdentitySerializer,
    JSONLinesSerializer,
    JSONSerializer,
    LibSVMSerializer,
    NumpySerializer,
    SimpleBaseSerializer,
    SparseMatrixSerializer,
    StringSerializer,
    TorchTensorSerializer,
)


@pytest.mark.parametrize(
    ("serializer", "content_type"),
    [
        (IdentitySerializer(), "application/octet-stream"),
        (CSVSerializer(), "text/csv"),
        (JSONSerializer(), "application/json"),
        (NumpySerializer(), "application/x-npy"),
        (JSONLinesSerializer(), "application/jsonlines"),
        (SparseMatrixSerializer(), "application/x-npz"),
        (LibSVMSerializer(), "text/libsvm"),
        (DataSerializer(), "file-path/raw-bytes"),
        (StringSerializer(), "text/plain"),
    ],
)
def test_default_content_types(serializer: BaseSerializer, content_type: str) -> None:
    assert serializer.CONTENT_TYPE == content_type


def test_content_type_can_be_set_and_must_be_a_string() -> None:
    assert CSVSerializer(content_type="text/x-csv").CONTENT_TYPE == "text/x-csv"
    with pytest.raises(ValueError, match="content_type must be a string"):
        JSONSerializer(content_type=["application/json"])  # type: ignore[arg-type]


def test_custom_serializer_subclasses_simple_base() -> None:
    class Upper(SimpleBaseSerializer):
        def serialize(self, data: object) -> str:
            return str(data).upper()

    upper = Upper(content_type="text/plain")
    assert (upper.CONTENT_TYPE, upper.serialize("ab")) == ("text/plain", "AB")


def test_identity_passes_data_through() -> None:
    data = b"\x00\x01raw"
    assert IdentitySerializer().serialize(data) is data


class TestCSV:
    def test_file_like_is_read(self) -> None:
        assert CSVSerializer().serialize(io.StringIO("1,2\n3,4")) == "1,2\n3,4"

    def test_dataframe_without_header_or_index(self) -> None:
        frame = pd.DataFrame({"a": [1, 3], "b": [2.5, 4.5]})
        assert CSVSerializer().serialize(frame) == "1,2.5\n3,4.5\n"

    def test_list_of_rows_one_line_each(self) -> None:
        assert CSVSerializer().serialize([[1, 2, 3], [4, 5, 6]]) == "1,2,3\n4,5,6"

    def test_2d_array_one_line_per_row(self) -> None:
        assert CSVSerializer().serialize(np.array([[1, 2], [3, 4]])) == "1,2\n3,4"

    def test_1d_sequence_is_one_row(self) -> None:
        assert CSVSerializer().serialize([1, 2.5, "x"]) == "1,2.5,x"

    def test_1d_array_is_one_row(self) -> None:
        assert CSVSerializer().serialize(np.array([1.5, 2.0])) == "1.5,2.0"

    def test_tuple_of_rows_is_flattened_into_one_row_as_in_the_sdk(self) -> None:
        # Tuples are immutable, so the SDK treats them as one row of cells.
        assert CSVSerializer().serialize(((1, 2), (3, 4))) == '"(1, 2)","(3, 4)"'

    def test_string_passes_through(self) -> None:
        assert CSVSerializer().serialize("1,2,3") == "1,2,3"

    def test_quotes_cells_with_commas(self) -> None:
        assert CSVSerializer().serialize([1, "a,b"]) == '1,"a,b"'

    def test_list_of_strings_is_one_line_each_as_in_the_sdk(self) -> None:
        # Strings are sequences, so the SDK takes them for rows and passes each through.
        assert CSVSerializer().serialize(["1,2", "3,4"]) == "1,2\n3,4"

    @pytest.mark.parametrize("empty", [[], np.array([]), [[]]])
    def test_empty_raises(self, empty: object) -> None:
        with pytest.raises(ValueError, match="Cannot serialize empty array"):
            CSVSerializer().serialize(empty)

    def test_scalar_raises(self) -> None:
        with pytest.raises(TypeError):
            CSVSerializer().serialize(3)


class TestJSON:
    def test_dict_with_array_values(self) -> None:
        body = JSONSerializer().serialize({"instances": np.array([[1, 2]]), "k": "v"})
        assert json.loads(body) == {"instances": [[1, 2]], "k": "v"}

    def test_array_becomes_list(self) -> None:
        assert JSONSerializer().serialize(np.array([1.5, 2.5])) == "[1.5, 2.5]"

    def test_file_like_is_read(self) -> None:
        assert JSONSerializer().serialize(io.StringIO('{"a": 1}')) == '{"a": 1}'

    def test_other_values_use_json_dumps(self) -> None:
        assert JSONSerializer().serialize([1, "a", None]) == '[1, "a", null]'


class TestNumpy:
    def test_array_round_trips(self) -> None:
        array = np.array([[1.0, 2.0], [3.0, 4.0]])
        body = NumpySerializer().serialize(array)
        np.testing.assert_array_equal(np.load(io.BytesIO(body)), array)

    def test_list_uses_dtype(self) -> None:
        body = NumpySerializer(dtype="float32").serialize([1, 2, 3])
        loaded = np.load(io.BytesIO(body))
        assert loaded.dtype == np.float32
        np.testing.assert_array_equal(loaded, [1, 2, 3])

    def test_file_like_is_read_as_npy(self) -> None:
        raw = NumpySerializer().serialize(np.arange(3))
        assert NumpySerializer().serialize(io.BytesIO(raw)) == raw

    def test_scalar_becomes_an_array(self) -> None:
        assert np.load(io.BytesIO(NumpySerializer().serialize(7))) == 7

    @pytest.mark.parametrize("empty", [[], np.array([])])
    def test_empty_raises(self, empty: object) -> None:
        with pytest.raises(ValueError, match="Cannot serialize empty array"):
            NumpySerializer().serialize(empty)


class TestJSONLines:
    def test_one_value_per_line(self) -> None:
        body = JSONLinesSerializer().serialize([{"a": 1}, [2, 3], "x"])
        assert body == '{"a": 1}\n[2, 3]\n"x"'

    def test_string_and_file_pass_through(self) -> None:
        assert JSONLinesSerializer().serialize('{"a": 1}') == '{"a": 1}'
        assert JSONLinesSerializer().serialize(io.StringIO("1\n2")) == "1\n2"

    def test_not_iterable_raises(self) -> None:
        with pytest.raises(ValueError, match="not JSON Lines serializable"):
            JSONLinesSerializer().serialize(3)


def test_sparse_matrix_is_saved_as_npz() -> None:
    matrix = scipy.sparse.csr_matrix(np.array([[0, 1], [2, 0]]))
    body = SparseMatrixSerializer().serialize(matrix)
    loaded = scipy.sparse.load_npz(io.BytesIO(body))
    np.testing.assert_array_equal(loaded.toarray(), [[0, 1], [2, 0]])


def test_libsvm_takes_strings_and_files_only() -> None:
    assert LibSVMSerializer().serialize("1 3:0.5") == "1 3:0.5"
    assert LibSVMSerializer().serialize(io.StringIO("0 1:1")) == "0 1:1"
    with pytest.raises(ValueError, match="Unable to handle input format"):
        LibSVMSerializer().serialize([1, 2])


class TestData:
    def test_file_path_becomes_its_bytes(self, tmp_path: Path) -> None:
        image = tmp_path / "cat.jpg"
        image.write_bytes(b"\xff\xd8jpeg")
        assert DataSerializer().serialize(str(image)) == b"\xff\xd8jpeg"

    def test_bytes_and_wrapped_data(self) -> None:
        assert DataSerializer().serialize(b"raw") == b"raw"
        assert DataSerializer().serialize({"data": b"raw"}) == b"raw"

    def test_missing_file_raises(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="Could not open/read file"):
            DataSerializer().serialize(str(tmp_path / "missing.bin"))

    def test_other_types_raise(self) -> None:
        with pytest.raises(ValueError, match="is not Data serializable"):
            DataSerializer().serialize(3)


def test_string_serializer_encodes_utf8() -> None:
    assert StringSerializer().serialize("héllo") == "héllo".encode()
    with pytest.raises(ValueError, match="is not String serializable"):
        StringSerializer().serialize(b"bytes")


def test_torch_serializer_without_torch_names_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="pip install torch"):
        TorchTensorSerializer()
