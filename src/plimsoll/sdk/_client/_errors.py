"""The one translation of Plimsoll errors into ``botocore.exceptions.ClientError``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from plimsoll.api.wire_errors import http_status
from plimsoll.errors import PlimsollError

if TYPE_CHECKING:
    from botocore.exceptions import ClientError


def to_client_error(
    exc: PlimsollError, operation: str, *, status: int | None = None
) -> ClientError:
    """The ``ClientError`` boto3 would raise for ``exc`` from ``operation``.

    Args:
        exc: The Plimsoll error; its ``code`` becomes ``Error.Code``.
        operation: The operation name, e.g. ``"DescribeProcessingJob"``.
        status: The HTTP status seen on the wire; by default the status the code maps to.
    """
    from botocore.exceptions import ClientError

    return ClientError(
        {
            "Error": {"Code": exc.code, "Message": exc.message},
            "ResponseMetadata": {
                "RequestId": "",
                "HostId": "",
                "HTTPStatusCode": status or http_status(exc.code),
                "HTTPHeaders": {},
                "RetryAttempts": 0,
            },
        },
        operation,
    )


@contextmanager
def client_errors(operation: str) -> Iterator[None]:
    """Re-raises Plimsoll errors raised inside the block as ``ClientError``."""
    try:
        yield
    except PlimsollError as exc:
        raise to_client_error(exc, operation) from exc
