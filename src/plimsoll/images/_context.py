"""The ``context`` object handed to user handlers that take a trailing ``context`` argument."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

CUSTOM_ATTRIBUTES_HEADER = "x-amzn-sagemaker-custom-attributes"


class InvocationContext:
    """One request's view for handlers (and, without a request, ``model_fn``'s).

    Unlike the SageMaker toolkits, Plimsoll hands ``CustomAttributes`` to handlers: read
    ``custom_attributes`` and set ``response_custom_attributes`` to answer with an
    ``X-Amzn-SageMaker-Custom-Attributes`` response header.

    Attributes:
        custom_attributes: The request's ``X-Amzn-SageMaker-Custom-Attributes``, or None.
        response_custom_attributes: Set by a handler to return custom attributes.
        system_properties: ``{"model_dir": ...}``, as the MMS context carries.
    """

    __slots__ = (
        "_raw_headers",
        "_headers",
        "custom_attributes",
        "response_custom_attributes",
        "system_properties",
    )

    def __init__(
        self,
        *,
        model_dir: Path,
        raw_headers: Sequence[tuple[bytes, bytes]] = (),
        custom_attributes: str | None = None,
    ) -> None:
        self._raw_headers = raw_headers
        self._headers: dict[str, str] | None = None
        self.custom_attributes = custom_attributes
        self.response_custom_attributes: str | None = None
        self.system_properties: dict[str, object] = {"model_dir": str(model_dir)}

    @property
    def request_headers(self) -> dict[str, str]:
        """The request's headers, names lower-cased, repeated headers joined by ``", "``."""
        if self._headers is None:
            headers: dict[str, str] = {}
            for raw_name, raw_value in self._raw_headers:
                name = raw_name.decode("latin-1").lower()
                value = raw_value.decode("latin-1")
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
            self._headers = headers
        return self._headers
