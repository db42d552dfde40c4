"""Error answers of the server: AWS JSON bodies, never a stack trace."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plimsoll.errors import InternalError, ResourceNotFound
from plimsoll.server.routes import aws_errors


async def _explode(request: Request) -> Response:
    raise RuntimeError("secret internals /etc/passwd")


async def _missing(request: Request) -> Response:
    raise ResourceNotFound("Processing job x does not exist")


async def _broken_backend(request: Request) -> Response:
    raise InternalError("metadata store is unreachable")


APP = Starlette(
    routes=[
        Route("/explode", aws_errors(_explode)),
        Route("/missing", aws_errors(_missing)),
        Route("/broken", aws_errors(_broken_backend)),
    ]
)


def _get(path: str) -> httpx.Response:
    """One request to the app in process (Starlette's TestClient warns about httpx)."""

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=APP, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    return asyncio.run(run())


def test_unexpected_exception_is_a_bare_internal_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="plimsoll.server.routes"):
        response = _get("/explode")
    assert response.status_code == 500
    assert response.headers["x-amzn-ErrorType"] == "InternalFailure"
    body = response.json()
    assert body["__type"] == "InternalFailure"
    request_id = response.headers["x-amzn-RequestId"]
    assert body["message"] == f"An internal error occurred (request id {request_id})"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)


def test_plimsoll_errors_keep_code_and_message() -> None:
    response = _get("/missing")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    assert response.json() == {
        "__type": "ResourceNotFound",
        "message": "Processing job x does not exist",
    }


def test_internal_errors_answer_500() -> None:
    response = _get("/broken")
    assert response.status_code == 500
    assert response.json()["__type"] == "InternalFailure"
