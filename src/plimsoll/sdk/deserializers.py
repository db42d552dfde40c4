"""Deserializers: an InvokeEndpoint response body to Python data (``sagemaker.deserializers``).

Each class mirrors the SageMaker SDK v2 class of the same name: ``ACCEPT`` becomes the
request's ``Accept`` and ``deserialize(stream, content_type)`` reads the response ``Body``
(anything with ``read()``; it is closed afterwards unless the class returns the stream).
pandas and torch are imported only by the classes that need them.
"""

from __future__ import annotations

import abc
import codecs
import csv
import io
import json
from typing import Any

import numpy as np

from plimsoll.sdk._optional import import_optional

__all__ = [
    "BaseDeserializer",
    "BytesDeserializer",
    "CSVDeserializer",
    "JSONDeserializer",
    "JSONLinesDeserializer",
    "NumpyDeserializer",
    "PandasDeserializer",
    "SimpleBaseDeserializer",
    "StreamDeserializer",
    "StringDeserializer",
    "TorchTensorDeserializer",
]


class BaseDeserializer(abc.ABC):
    """Mirrors `sagemaker.deserializers.BaseDeserializer`: ``deserialize`` plus ``ACCEPT``."""

    @abc.abstractmethod
    def deserialize(self, stream: Any, content_type: str) -> Any:
        """Deserializes a response body.

        Args:
            stream: The response body (``read()`` and ``close()``).
            content_type: The response's MIME type.

        Returns:
            The deserialized data.
        """

    @property
    @abc.abstractmethod
    def ACCEPT(self) -> tuple[str, ...]:  # noqa: N802 - SageMaker's name
        """The content types expected from the endpoint."""


class SimpleBaseDeserializer(BaseDeserializer):
    """Mirrors `sagemaker.deserializers.SimpleBaseDeserializer`: ``accept`` is set at init.

    Args:
        accept: The MIME type, or tuple of MIME types, expected from the endpoint.
    """

    def __init__(self, accept: str | tuple[str, ...] = "*/*") -> None:
        self.accept = accept

    @property
    def ACCEPT(self) -> tuple[str, ...]:  # noqa: N802 - SageMaker's name
        """``accept`` as a tuple (a single type becomes a one-element tuple)."""
        if isinstance(self.accept, str):
            return (self.accept,)
        return self.accept


class StringDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.StringDeserializer`: the body decoded to ``str``.

    Args:
        encoding: The text encoding of the body.
        accept: The expected MIME type(s).
    """

    def __init__(
        self, encoding: str = "UTF-8", accept: str | tuple[str, ...] = "application/json"
    ) -> None:
        super().__init__(accept=accept)
        self.encoding = encoding

    def deserialize(self, stream: Any, content_type: str) -> str:
        """Reads and decodes the body."""
        try:
            return str(stream.read().decode(self.encoding))
        finally:
            stream.close()


class BytesDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.BytesDeserializer`: the body as ``bytes``."""

    def deserialize(self, stream: Any, content_type: str) -> bytes:
        """Reads the body."""
        try:
            return bytes(stream.read())
        finally:
            stream.close()


class CSVDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.CSVDeserializer`: a list of rows of strings.

    Args:
        encoding: The text encoding of the body.
        accept: The expected MIME type(s).
    """

    def __init__(self, encoding: str = "utf-8", accept: str | tuple[str, ...] = "text/csv") -> None:
        super().__init__(accept=accept)
        self.encoding = encoding

    def deserialize(self, stream: Any, content_type: str) -> list[list[str]]:
        """Parses the body with ``csv.reader``."""
        try:
            decoded = stream.read().decode(self.encoding)
            return list(csv.reader(decoded.splitlines()))
        finally:
            stream.close()


class StreamDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.StreamDeserializer`: ``(stream, content_type)``.

    The caller reads and closes the stream.
    """

    def deserialize(self, stream: Any, content_type: str) -> tuple[Any, str]:
        """Returns the body stream and its content type unread."""
        return stream, content_type


class NumpyDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.NumpyDeserializer`.

    Reads the body according to the response content type: ``text/csv`` (``genfromtxt``),
    ``application/json``, ``application/x-npy`` and ``application/x-npz`` (``np.load``).

    Args:
        dtype: The dtype of the array built from CSV or JSON.
        accept: The expected MIME type(s).
        allow_pickle: Whether ``np.load`` may load pickled object arrays.
    """

    def __init__(
        self,
        dtype: Any = None,
        accept: str | tuple[str, ...] = "application/x-npy",
        allow_pickle: bool = True,
    ) -> None:
        super().__init__(accept=accept)
        self.dtype = dtype
        self.allow_pickle = allow_pickle

    def deserialize(self, stream: Any, content_type: str) -> Any:
        """Reads the body into a NumPy array (an ``NpzFile`` for ``.npz``).

        Raises:
            ValueError: The content type is none of the four above.
        """
        try:
            if content_type == "text/csv":
                return np.genfromtxt(
                    codecs.getreader("utf-8")(stream), delimiter=",", dtype=self.dtype
                )
            if content_type == "application/json":
                return np.array(json.load(codecs.getreader("utf-8")(stream)), dtype=self.dtype)
            if content_type in ("application/x-npy", "application/x-npz"):
                return np.load(io.BytesIO(stream.read()), allow_pickle=self.allow_pickle)
        finally:
            stream.close()
        raise ValueError(f"{type(self).__name__} cannot read content type {content_type}.")


class JSONDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.JSONDeserializer`: the parsed JSON value."""

    def __init__(self, accept: str | tuple[str, ...] = "application/json") -> None:
        super().__init__(accept=accept)

    def deserialize(self, stream: Any, content_type: str) -> Any:
        """Parses the body as UTF-8 JSON."""
        try:
            return json.load(codecs.getreader("utf-8")(stream))
        finally:
            stream.close()


class PandasDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.PandasDeserializer`: a pandas ``DataFrame``.

    pandas is imported on first use; without it ``deserialize`` raises ``ImportError`` with
    the install command.

    Args:
        accept: The expected MIME type(s).
    """

    def __init__(self, accept: str | tuple[str, ...] = ("text/csv", "application/json")) -> None:
        super().__init__(accept=accept)

    def deserialize(self, stream: Any, content_type: str) -> Any:
        """Reads CSV (``read_csv``) or JSON in the "columns" orient (``read_json``).

        Raises:
            ImportError: pandas is not installed.
            ValueError: The content type is neither ``text/csv`` nor ``application/json``.
        """
        pandas = import_optional("pandas", "PandasDeserializer")
        if content_type == "text/csv":
            return pandas.read_csv(stream)
        if content_type == "application/json":
            return pandas.read_json(stream)
        raise ValueError(f"{type(self).__name__} cannot read content type {content_type}.")


class JSONLinesDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.JSONLinesDeserializer`: a list of JSON values."""

    def __init__(self, accept: str | tuple[str, ...] = "application/jsonlines") -> None:
        super().__init__(accept=accept)

    def deserialize(self, stream: Any, content_type: str) -> list[Any]:
        """Parses one JSON value per line (trailing blank lines ignored)."""
        try:
            body = stream.read().decode("utf-8")
            return [json.loads(line) for line in body.rstrip().split("\n")]
        finally:
            stream.close()


class TorchTensorDeserializer(SimpleBaseDeserializer):
    """Mirrors `sagemaker.deserializers.TorchTensorDeserializer`: ``.npy`` into a tensor.

    Args:
        accept: The expected MIME type(s).

    Raises:
        ImportError: torch is not installed (raised at construction, as in the SDK).
    """

    def __init__(self, accept: str | tuple[str, ...] = "tensor/pt") -> None:
        super().__init__(accept=accept)
        self.convert_npy_to_tensor = import_optional("torch", "TorchTensorDeserializer").from_numpy
        self.numpy_deserializer = NumpyDeserializer()

    def deserialize(self, stream: Any, content_type: str = "tensor/pt") -> Any:
        """Reads ``.npy`` bytes into a ``torch.Tensor``.

        Raises:
            ValueError: The body is not a ``.npy`` array.
        """
        try:
            array = self.numpy_deserializer.deserialize(stream, "application/x-npy")
            return self.convert_npy_to_tensor(array)
        except Exception as exc:  # noqa: BLE001 - numpy and torch raise many kinds
            raise ValueError(
                f"Unable to deserialize your data to torch.Tensor. Error: {exc}. "
                "Please provide custom deserializer in InferenceSpec."
            ) from exc
