from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from plimsoll.images._app import InferenceApp
from plimsoll.images._handlers import load_user_module, resolve_handlers
from tests.unit.images.conftest import WriteScript


class Threshold:
    def predict(self, data: np.ndarray) -> np.ndarray:
        labels: np.ndarray = (data.sum(axis=1) > 5).astype(np.int64)
        return labels


class Client:
    """A synchronous client calling the ASGI app in-process (httpx's ASGI transport)."""

    def __init__(self, app: InferenceApp) -> None:
        self._app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def run() -> httpx.Response:
            transport = httpx.ASGITransport(app=self._app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(run())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


def _client(tmp_path: Path, program: str | None = None, accept: str = "application/json") -> Client:
    module = load_user_module(tmp_path / "code", program) if program else None
    handlers = resolve_handlers(module, default_accept=accept)
    app = InferenceApp(
        handlers=handlers, model=Threshold(), model_dir=tmp_path, default_accept=accept
    )
    return Client(app)


def test_ping_is_empty_200(tmp_path: Path) -> None:
    response = _client(tmp_path).get("/ping")
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/invocations", 405), ("POST", "/ping", 405), ("GET", "/models", 404)],
)
def test_other_routes(tmp_path: Path, method: str, path: str, status: int) -> None:
    assert _client(tmp_path).request(method, path).status_code == status


def test_csv_in_json_out_by_default(tmp_path: Path) -> None:
    response = _client(tmp_path).post(
        "/invocations", content=b"1,2\n3,4", headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == [0, 1]
    assert "x-amzn-sagemaker-custom-attributes" not in response.headers


def test_missing_content_type_means_json_and_wildcard_accept_means_default(tmp_path: Path) -> None:
    response = _client(tmp_path, accept="text/csv").post(
        "/invocations", content=b"[[9, 9]]", headers={"Accept": "*/*"}
    )
    assert (response.status_code, response.text) == (200, "1\n")
    assert response.headers["content-type"] == "text/csv"


def test_npy_in_and_out(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.array([[1.0, 1.0], [4.0, 4.0]]))
    response = _client(tmp_path).post(
        "/invocations",
        content=buffer.getvalue(),
        headers={"Content-Type": "application/x-npy", "Accept": "application/x-npy"},
    )
    assert response.status_code == 200
    assert np.load(io.BytesIO(response.content)).tolist() == [0, 1]


def test_aws_style_content_type_header(tmp_path: Path) -> None:
    response = _client(tmp_path).post(
        "/invocations", content=b"9,9", headers={"ContentType": "text/csv"}
    )
    assert response.json() == [1]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"1,\xff", {"Content-Type": "text/csv"}, 415),
        (b"", {"Content-Type": "text/csv"}, 415),
        (b"\x00garbage", {"Content-Type": "application/x-npy"}, 415),
        (b"hi", {"Content-Type": "text/plain"}, 415),
        (b"1,2", {"Content-Type": "text/csv", "Accept": "image/png"}, 406),
        (b"1,2,3\n4,5", {"Content-Type": "text/csv"}, 415),
    ],
)
def test_bad_requests_get_json_errors(
    tmp_path: Path, body: bytes, headers: dict[str, str], status: int
) -> None:
    client = _client(tmp_path)
    response = client.post("/invocations", content=body, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["message"].split(":")[0] in {
        "UnsupportedFormatError",
        "NotAcceptableError",
    }
    assert client.get("/ping").status_code == 200


def test_user_errors_become_500_or_their_status(tmp_path: Path, write_script: WriteScript) -> None:
    program = write_script(
        """
        class Teapot(Exception):
            status_code = 418

        def input_fn(input_data, content_type):
            return input_data

        def predict_fn(data, model):
            if data == "teapot":
                raise Teapot("short and stout")
            if data == "weird":
                error = ValueError("odd status")
                error.status_code = "nope"
                raise error
            raise ZeroDivisionError("division by zero")

        def output_fn(prediction, accept):
            return prediction
        """
    )
    client = _client(tmp_path, program)
    crash = client.post("/invocations", content=b"x", headers={"Content-Type": "text/csv"})
    assert crash.status_code == 500
    assert crash.json() == {"message": "ZeroDivisionError: division by zero"}
    teapot = client.post("/invocations", content=b"teapot", headers={"Content-Type": "text/csv"})
    assert (teapot.status_code, teapot.json()["message"]) == (418, "Teapot: short and stout")
    weird = client.post("/invocations", content=b"weird", headers={"Content-Type": "text/csv"})
    assert weird.status_code == 500


def test_custom_attributes_round_trip_through_the_context(
    tmp_path: Path, write_script: WriteScript
) -> None:
    program = write_script(
        """
        def transform_fn(model, input_data, content_type, accept, context):
            context.response_custom_attributes = "echo=" + context.custom_attributes
            return context.request_headers["x-trace"], "text/plain"
        """
    )
    response = _client(tmp_path, program).post(
        "/invocations",
        content=b"{}",
        headers={"X-Amzn-SageMaker-Custom-Attributes": "a=1", "X-Trace": "t-9"},
    )
    assert response.status_code == 200
    assert response.text == "t-9"
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["x-amzn-sagemaker-custom-attributes"] == "echo=a=1"


@pytest.mark.parametrize(
    ("returned", "status", "content_type"),
    [
        ("'plain text'", 200, "text/csv"),
        ("b'raw'", 200, "text/csv"),
        ("[1, 2]", 500, "application/json"),
    ],
)
def test_output_must_be_bytes_or_text(
    tmp_path: Path, write_script: WriteScript, returned: str, status: int, content_type: str
) -> None:
    program = write_script(f"def output_fn(prediction, accept):\n    return {returned}\n")
    response = _client(tmp_path, program).post(
        "/invocations",
        content=b"1,2",
        headers={"Content-Type": "text/csv", "Accept": "text/csv, application/json"},
    )
    assert response.status_code == status
    assert response.headers["content-type"] == content_type


def test_invalid_response_custom_attributes_are_a_500(
    tmp_path: Path, write_script: WriteScript
) -> None:
    program = write_script(
        """
        def transform_fn(model, input_data, content_type, accept, context):
            context.response_custom_attributes = "line\\nbreak"
            return ""
        """
    )
    response = _client(tmp_path, program).post("/invocations", content=b"{}")
    assert response.status_code == 500
    assert "response_custom_attributes" in response.json()["message"]
