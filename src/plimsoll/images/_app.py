"""The inference server's raw ASGI application: ``GET /ping`` and ``POST /invocations``.

No framework routing: two paths, matched directly, keep the per-request overhead to a
few microseconds. Handlers run synchronously on the event loop, which is the fastest
choice for small CPU-bound models; the price is that a hung handler blocks the whole
instance, which the platform's ``/ping`` health check then restarts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from plimsoll.images import _codecs
from plimsoll.images._context import CUSTOM_ATTRIBUTES_HEADER, InvocationContext
from plimsoll.images._errors import InferenceError
from plimsoll.images._handlers import Handlers

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_CUSTOM_ATTRIBUTES = 1024
_CUSTOM_ATTRIBUTES = CUSTOM_ATTRIBUTES_HEADER.encode("ascii")
_JSON_HEADERS = [(b"content-type", b"application/json")]


class InferenceApp:
    """Serves one loaded model through the resolved handler chain.

    Args:
        handlers: The handler chain (user functions and defaults).
        model: What ``model_fn`` returned.
        model_dir: The model directory, reported to handlers through the context.
        default_accept: The response type when Accept is missing or ``*/*``.
    """

    def __init__(
        self, *, handlers: Handlers, model: object, model_dir: Path, default_accept: str
    ) -> None:
        self._handlers = handlers
        self._model = model
        self._model_dir = model_dir
        self._default_accept = default_accept

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if path == "/invocations":
            if method != "POST":
                await _respond(send, 405, _error_body("Use POST /invocations"), _JSON_HEADERS)
                return
            body = await _read_body(receive)
            if body is None:  # the client went away
                return
            status, payload, headers = self.invoke(scope["headers"], body)
            await _respond(send, status, payload, headers)
        elif path == "/ping":
            if method in ("GET", "HEAD"):
                await _respond(send, 200, b"", [])
            else:
                await _respond(send, 405, _error_body("Use GET /ping"), _JSON_HEADERS)
        else:
            await _respond(send, 404, _error_body(f"No route {path}"), _JSON_HEADERS)

    def invoke(
        self, raw_headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        """One ``/invocations`` request -> (status, body, headers); never raises."""
        content_type = alt_content_type = accept = custom_attributes = None
        for name, value in raw_headers:
            if name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"accept":
                accept = value.decode("latin-1")
            elif name == _CUSTOM_ATTRIBUTES:
                custom_attributes = value.decode("latin-1")
            elif name == b"contenttype":  # the scikit-learn container also reads this
                alt_content_type = value.decode("latin-1")
        media_type = _codecs.media_type(content_type or alt_content_type, _codecs.JSON)
        if not accept or accept.strip() == "*/*":
            accept = self._default_accept
        context = InvocationContext(
            model_dir=self._model_dir, raw_headers=raw_headers, custom_attributes=custom_attributes
        )
        try:
            input_data = _codecs.request_payload(body, media_type)
            result = self._handlers.transform(self._model, input_data, media_type, accept, context)
            payload, response_type = self._response(result, accept)
            headers = [
                (b"content-type", response_type.encode("latin-1")),
                *_custom_attributes_header(context.response_custom_attributes),
            ]
        except Exception as exc:
            return _failure(exc)
        return 200, payload, headers

    def _response(self, result: object, accept: str) -> tuple[bytes, str]:
        if isinstance(result, tuple) and len(result) == 2:
            body, content_type = result
            content_type = str(content_type)
        else:
            body, content_type = result, accept.split(",", 1)[0].strip()
            if "*" in content_type or not content_type:
                content_type = self._default_accept
        if isinstance(body, str):
            return body.encode("utf-8"), content_type
        if isinstance(body, bytes | bytearray | memoryview):
            return bytes(body), content_type
        raise TypeError(
            f"output_fn/transform_fn returned {type(body).__name__}; return bytes or str, "
            "or a (body, content_type) tuple"
        )


def _custom_attributes_header(value: str | None) -> list[tuple[bytes, bytes]]:
    if value is None:
        return []
    value = str(value)
    if len(value) > MAX_CUSTOM_ATTRIBUTES or not all(" " <= ch <= "~" for ch in value):
        raise InferenceError(
            f"context.response_custom_attributes must be at most {MAX_CUSTOM_ATTRIBUTES} "
            "visible ASCII characters"
        )
    return [(_CUSTOM_ATTRIBUTES, value.encode("ascii"))]


def _failure(exc: Exception) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    status = getattr(exc, "status_code", 500)
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
        status = 500
    message = f"{type(exc).__name__}: {exc}"
    if status >= 500:
        logger.error("Invocation failed with %s", status, exc_info=exc)
    else:
        logger.warning("Invocation rejected with %s: %s", status, message)
    return status, _error_body(message), _JSON_HEADERS


def _error_body(message: str) -> bytes:
    return json.dumps({"message": message}).encode("utf-8")


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        if not message.get("more_body", False):
            if not chunks:
                return bytes(chunk)
            chunks.append(chunk)
            return b"".join(chunks)
        chunks.append(chunk)


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode("ascii"))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
