"""The data plane: InvokeEndpoint routed to a variant instance, with Data Capture.

SKELETON (the lead is writing it); the dataclasses and method signatures are the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BODY_BYTES = 6 * 1024 * 1024  # 6 MiB, InvokeEndpoint's limit


@dataclass(frozen=True, slots=True, kw_only=True)
class InvokeRequest:
    endpoint_name: str
    body: bytes
    content_type: str | None = None
    accept: str | None = None
    custom_attributes: str | None = None
    target_variant: str | None = None
    inference_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InvokeResult:
    body: bytes
    content_type: str | None
    invoked_variant: str
    custom_attributes: str | None = None


class InvocationRouter:
    """Routes invocations by variant weight to instances over keep-alive HTTP.

    ``invoke`` is a coroutine for the server's event loop; ``invoke_sync`` runs the same
    coroutine on the router's own loop thread for in-process callers.

    Errors (all ``plimsoll.errors``): ``ValidationError`` (unknown endpoint or variant, body
    over 6 MiB, endpoint not InService), ``ModelError`` (the model answered 4xx/5xx or timed
    out; carries ``original_status_code`` and ``original_message``).
    """

    async def invoke(self, request: InvokeRequest) -> InvokeResult:
        raise NotImplementedError

    def invoke_sync(self, request: InvokeRequest) -> InvokeResult:
        raise NotImplementedError
