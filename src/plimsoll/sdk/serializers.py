"""Serializers: turn Python data into an InvokeEndpoint request body (``sagemaker.serializers``).

Each class mirrors the SageMaker SDK v2 class of the same name: ``CONTENT_TYPE`` becomes the
request's ``ContentType`` and ``serialize`` returns the ``Body`` (``str`` or ``bytes``).
Optional libraries (pandas, scipy, torch) are imported only when needed.
"""

from __future__ import annotations

import abc
import csv
import io
import json
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np

from plimsoll.sdk._optional import import_optional

__all__ = [
    "BaseSerializer",
    "CSVSerializer",
    "DataSerializer",
    "IdentitySerializer",
    "JSONLinesSerializer",
    "JSONSerializer",
    "LibSVMSerializer",
    "NumpySerializer",
    "SimpleBaseSerializer",
    "SparseMatrixSerializer",
    "StringSerializer",
    "TorchTensorSerializer",
]


class BaseSerializer(abc.ABC):
    """Mirrors `sagemaker.serializers.BaseSerializer`: ``serialize`` plus ``CONTENT_TYPE``."""

    @abc.abstractmethod
    def serialize(self, data: Any) -> Any:
        """Serializes ``data`` into the media type named by ``CONTENT_TYPE``.

        Args:
            data: The data to send.

        Returns:
            The request body.
        """

    @property
    @abc.abstractmethod
    def CONTENT_TYPE(self) -> str:  # noqa: N802 - SageMaker's name
        """The MIME type of the data sent to the endpoint."""


class SimpleBaseSerializer(BaseSerializer):
    """Mirrors `sagemaker.serializers.SimpleBaseSerializer`: the content type is set at init.

    Args:
        content_type: The MIME type sent as the request's ``ContentType``.

    Raises:
        ValueError: ``content_type`` is not a string.
    """

    def __init__(self, content_type: str = "application/json") -> None:
        if not isinstance(content_type, str):
            raise ValueError(
                "content_type must be a string specifying the MIME type of the data sent in "
                f"requests: e.g. 'application/json', 'text/csv', etc. Got {content_type}"
            )
        self.content_type = content_type

    @property
    def CONTENT_TYPE(self) -> str:  # noqa: N802 - SageMaker's name
        """The MIME type set in the request's ``ContentType``."""
        return self.content_type


class CSVSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.CSVSerializer`.

    File-like objects are read; a pandas DataFrame becomes CSV without header or index; a
    list of rows (or a 2-D array) becomes one line per row; a 1-D sequence (or an array,
    flattened) becomes one comma-separated line; strings pass through.
    """

    def __init__(self, content_type: str = "text/csv") -> None:
        super().__init__(content_type=content_type)

    def serialize(self, data: Any) -> Any:
        """Serializes ``data`` to a CSV string.

        Raises:
            ValueError: ``data`` is empty or of a type CSV cannot hold.
        """
        if hasattr(data, "read"):
            return data.read()
        if _is_dataframe(data):
            return data.to_csv(header=False, index=False)
        is_mutable_sequence_like = self._is_sequence_like(data) and hasattr(data, "__setitem__")
        has_multiple_rows = len(data) > 0 and self._is_sequence_like(data[0])
        if is_mutable_sequence_like and has_multiple_rows:
            return "\n".join(self._serialize_row(row) for row in data)
        return self._serialize_row(data)

    def _serialize_row(self, data: Any) -> str:
        if isinstance(data, str):
            return data
        if isinstance(data, np.ndarray):
            data = np.ndarray.flatten(data)
        if hasattr(data, "__len__"):
            if len(data) == 0:
                raise ValueError("Cannot serialize empty array")
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=",").writerow(data)
            return buffer.getvalue().rstrip("\r\n")
        raise ValueError(f"Unable to handle input format: {type(data)}")

    @staticmethod
    def _is_sequence_like(data: Any) -> bool:
        return hasattr(data, "__iter__") and hasattr(data, "__getitem__")


def _is_dataframe(data: Any) -> bool:
    # A DataFrame can only exist once pandas is imported: no need to import it here.
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


class NumpySerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.NumpySerializer`: the ``.npy`` format.

    Args:
        dtype: The dtype lists are converted with (arrays keep theirs).
        content_type: The request's ``ContentType``.
    """

    def __init__(self, dtype: Any = None, content_type: str = "application/x-npy") -> None:
        super().__init__(content_type=content_type)
        self.dtype = dtype

    def serialize(self, data: Any) -> Any:
        """Serializes ``data`` to ``.npy`` bytes; file-like objects are read as they are.

        Raises:
            ValueError: ``data`` is an empty array or list.
        """
        if isinstance(data, np.ndarray):
            if data.size == 0:
                raise ValueError("Cannot serialize empty array.")
            return self._serialize_array(data)
        if isinstance(data, list):
            if len(data) == 0:
                raise ValueError("Cannot serialize empty array.")
            return self._serialize_array(np.array(data, self.dtype))
        if hasattr(data, "read"):
            return data.read()
        return self._serialize_array(np.array(data))

    @staticmethod
    def _serialize_array(array: Any) -> bytes:
        buffer = io.BytesIO()
        np.save(buffer, array)
        return buffer.getvalue()


class JSONSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.JSONSerializer` (default ``application/json``).

    Dicts have their array values converted with ``tolist()``; arrays become lists;
    file-like objects are read; anything else goes through ``json.dumps``.
    """

    def serialize(self, data: Any) -> Any:
        """Serializes ``data`` to a JSON string."""
        if isinstance(data, dict):
            return json.dumps(
                {
                    key: value.tolist() if isinstance(value, np.ndarray) else value
                    for key, value in data.items()
                }
            )
        if hasattr(data, "read"):
            return data.read()
        if isinstance(data, np.ndarray):
            return json.dumps(data.tolist())
        return json.dumps(data)


class IdentitySerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.IdentitySerializer`: the data is sent unchanged."""

    def __init__(self, content_type: str = "application/octet-stream") -> None:
        super().__init__(content_type=content_type)

    def serialize(self, data: Any) -> Any:
        """Returns ``data`` unchanged."""
        return data


class JSONLinesSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.JSONLinesSerializer`: one JSON value per line."""

    def __init__(self, content_type: str = "application/jsonlines") -> None:
        super().__init__(content_type=content_type)

    def serialize(self, data: Any) -> Any:
        """Serializes an iterable to JSON Lines; strings and file-like objects pass through.

        Raises:
            ValueError: ``data`` is not iterable.
        """
        if isinstance(data, str):
            return data
        if hasattr(data, "read"):
            return data.read()
        if isinstance(data, Iterable):
            return "\n".join(json.dumps(element) for element in data)
        raise ValueError(f"Object of type {type(data)} is not JSON Lines serializable.")


class SparseMatrixSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.SparseMatrixSerializer`: scipy's ``.npz`` format."""

    def __init__(self, content_type: str = "application/x-npz") -> None:
        super().__init__(content_type=content_type)

    def serialize(self, data: Any) -> bytes:
        """Serializes a scipy sparse matrix with ``scipy.sparse.save_npz``.

        Raises:
            ImportError: scipy is not installed.
        """
        sparse = import_optional("scipy.sparse", "SparseMatrixSerializer")
        buffer = io.BytesIO()
        sparse.save_npz(buffer, data)
        return buffer.getvalue()


class LibSVMSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.LibSVMSerializer`: data already in LIBSVM format."""

    def __init__(self, content_type: str = "text/libsvm") -> None:
        super().__init__(content_type=content_type)

    def serialize(self, data: Any) -> Any:
        """Returns a string as is, or the content of a file-like object.

        Raises:
            ValueError: ``data`` is neither.
        """
        if isinstance(data, str):
            return data
        if hasattr(data, "read"):
            return data.read()
        raise ValueError(f"Unable to handle input format: {type(data)}")


class DataSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.DataSerializer`: the raw bytes of a file."""

    def __init__(self, content_type: str = "file-path/raw-bytes") -> None:
        super().__init__(content_type=content_type)

    def serialize(self, data: Any) -> bytes:
        """Reads a file path's bytes; bytes pass through; ``{"data": ...}`` is unwrapped.

        Raises:
            ValueError: The file cannot be read, or ``data`` is of another type.
        """
        if isinstance(data, str):
            try:
                with open(data, "rb") as data_file:
                    return data_file.read()
            except OSError as exc:
                raise ValueError(f"Could not open/read file: {data}. {exc}") from exc
        if isinstance(data, bytes):
            return data
        if isinstance(data, dict) and "data" in data:
            return self.serialize(data["data"])
        raise ValueError(f"Object of type {type(data)} is not Data serializable.")


class StringSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.StringSerializer`: a string encoded as UTF-8."""

    def __init__(self, content_type: str = "text/plain") -> None:
        super().__init__(content_type=content_type)

    def serialize(self, data: Any) -> bytes:
        """Encodes ``data`` as UTF-8.

        Raises:
            ValueError: ``data`` is not a string.
        """
        if isinstance(data, str):
            return data.encode("utf-8")
        raise ValueError(f"Object of type {type(data)} is not String serializable.")


class TorchTensorSerializer(SimpleBaseSerializer):
    """Mirrors `sagemaker.serializers.TorchTensorSerializer`: a tensor as ``.npy`` bytes.

    Raises:
        ImportError: torch is not installed (raised at construction, as in the SDK).
    """

    def __init__(self, content_type: str = "tensor/pt") -> None:
        super().__init__(content_type=content_type)
        self.torch_tensor = import_optional("torch", "TorchTensorSerializer").Tensor
        self.numpy_serializer = NumpySerializer()

    def serialize(self, data: Any) -> Any:
        """Serializes a ``torch.Tensor`` through :class:`NumpySerializer`.

        Raises:
            ValueError: ``data`` is not a tensor or cannot be converted.
        """
        if isinstance(data, self.torch_tensor):
            try:
                return self.numpy_serializer.serialize(data.detach().numpy())
            except Exception as exc:  # noqa: BLE001 - torch raises many kinds
                raise ValueError(
                    f"Unable to serialize your data because: {exc}. "
                    "Please provide custom serialization in InferenceSpec."
                ) from exc
        raise ValueError(f"Object of type {type(data)} is not a torch.Tensor")
