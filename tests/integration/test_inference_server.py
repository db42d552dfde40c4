"""The built-in model server as a process: startup, the handler contract over HTTP, SIGTERM."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest

pytestmark = pytest.mark.slow

STARTUP_SECONDS = 90

USER_HANDLERS = """
    import json
    import os

    import joblib
    import numpy as np


    class Teapot(Exception):
        status_code = 418


    def model_fn(model_dir):
        return joblib.load(os.path.join(model_dir, "model.joblib"))


    def input_fn(input_data, content_type):
        if content_type != "application/json":
            raise ValueError("this script reads JSON only, not " + content_type)
        return json.loads(input_data)


    def predict_fn(data, model, context):
        if data.get("fail"):
            raise RuntimeError("asked to fail")
        if data.get("teapot"):
            raise Teapot("short and stout")
        if context.custom_attributes is not None:
            context.response_custom_attributes = "seen=" + context.custom_attributes
        rows = np.asarray(data["instances"], dtype=float)
        return {
            "probabilities": model.predict_proba(rows).tolist(),
            "custom_attributes": context.custom_attributes,
        }


    def output_fn(prediction, accept):
        return json.dumps(prediction), "application/vnd.plimsoll+json"
"""

TRANSFORM = """
    import io
    import os

    import joblib
    import numpy as np


    def model_fn(model_dir):
        return joblib.load(os.path.join(model_dir, "model.joblib"))


    def transform_fn(model, input_data, content_type, accept, context):
        rows = np.loadtxt(io.StringIO(input_data), delimiter=",", ndmin=2)
        labels = model.predict(rows)
        tag = context.custom_attributes or "none"
        return "|".join(str(label) for label in labels) + ";" + tag, "text/plain"
"""

BOTH = """
    def transform_fn(model, input_data, content_type, accept):
        return ""


    def predict_fn(data, model):
        return data
"""

SLOW = """
    import pathlib
    import time


    def model_fn(model_dir):
        return pathlib.Path(model_dir)


    def transform_fn(model, input_data, content_type, accept):
        (model / "started").write_text("yes")
        time.sleep(1.0)
        return "finished", "text/plain"
"""


@dataclass
class ModelServer:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/ping", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        pytest.fail(f"server not ready after {STARTUP_SECONDS}s:\n{self.log.read_text()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def invoke(self, body: bytes, **headers: str) -> httpx.Response:
        names = {key: key.replace("_", "-") for key in headers}
        return httpx.post(
            f"{self.url}/invocations",
            content=body,
            headers={names[key]: value for key, value in headers.items()},
            timeout=30,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(model_dir: Path, **env: str) -> ModelServer:
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SAGEMAKER_", "SM_"))}
    environ |= {"SM_MODEL_DIR": str(model_dir), "SAGEMAKER_BIND_TO_PORT": str(port), **env}
    log = model_dir.parent / f"{model_dir.name}.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "plimsoll.images.inference_server", "serve"],
            env=environ,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    return ModelServer(process=process, url=f"http://127.0.0.1:{port}", log=log)


def _model_dir(root: Path, name: str, model: bytes | None, script: str | None = None) -> Path:
    model_dir = root / name
    (model_dir / "code").mkdir(parents=True)
    if model is not None:
        (model_dir / "model.joblib").write_bytes(model)
    if script is not None:
        (model_dir / "code" / "inference.py").write_text(textwrap.dedent(script))
    return model_dir


@pytest.fixture(scope="module")
def iris_model(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    features, labels = load_iris(return_X_y=True)
    path = tmp_path_factory.mktemp("iris") / "model.joblib"
    joblib.dump(LogisticRegression(max_iter=1000).fit(features, labels), path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory, iris_model: bytes
) -> Iterator[dict[str, ModelServer]]:
    """Three servers started side by side (each pays the scikit-learn import once)."""
    root = tmp_path_factory.mktemp("model-servers")
    transform_code = root / "transform-code"
    transform_code.mkdir()
    (transform_code / "serve.py").write_text(textwrap.dedent(TRANSFORM))
    started = {
        "defaults": _start(_model_dir(root, "defaults", iris_model)),
        "handlers": _start(_model_dir(root, "handlers", iris_model, USER_HANDLERS)),
        "transform": _start(
            _model_dir(root, "transform", iris_model),
            SAGEMAKER_PROGRAM="serve.py",
            SAGEMAKER_SUBMIT_DIRECTORY=str(transform_code),
        ),
    }
    try:
        for server in started.values():
            server.wait_ready()
        yield started
    finally:
        for server in started.values():
            server.stop()


SETOSA = [5.1, 3.5, 1.4, 0.2]
VIRGINICA = [6.7, 3.0, 5.2, 2.3]


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_defaults_csv_json_npy(servers: dict[str, ModelServer]) -> None:
    server = servers["defaults"]
    ping = httpx.get(f"{server.url}/ping")
    assert (ping.status_code, ping.content) == (200, b"")

    one_row = server.invoke(b"5.1,3.5,1.4,0.2", Content_Type="text/csv")
    assert (one_row.status_code, one_row.json()) == (200, [0])
    assert one_row.headers["content-type"] == "application/json"

    csv_out = server.invoke(
        b"5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n", Content_Type="text/csv", Accept="text/csv"
    )
    assert (csv_out.text, csv_out.headers["content-type"]) == ("0\n2\n", "text/csv")

    json_in = server.invoke(json.dumps([SETOSA, VIRGINICA]).encode(), Accept="*/*")
    assert json_in.json() == [0, 2]

    npy = server.invoke(
        _npy(np.array([VIRGINICA])),
        Content_Type="application/x-npy",
        Accept="text/html, application/x-npy",
    )
    assert npy.headers["content-type"] == "application/x-npy"
    assert np.load(io.BytesIO(npy.content)).tolist() == [2]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"5.1,\xff,1.4", {"Content_Type": "text/csv"}, 415),
        (b"", {"Content_Type": "text/csv"}, 415),
        (b"\x93NUMPY garbage", {"Content_Type": "application/x-npy"}, 415),
        (b"5.1,3.5,1.4,0.2", {"Content_Type": "text/csv", "Accept": "image/png"}, 406),
        (b"1,2", {"Content_Type": "text/csv"}, 500),  # the model wants 4 features
    ],
)
def test_defaults_reject_bad_requests_and_keep_serving(
    servers: dict[str, ModelServer], body: bytes, headers: dict[str, str], status: int
) -> None:
    server = servers["defaults"]
    response = server.invoke(body, **headers)
    assert response.status_code == status
    assert "message" in response.json()
    assert "Traceback" not in response.text
    assert server.invoke(b"5.1,3.5,1.4,0.2", Content_Type="text/csv").json() == [0]


def test_user_handlers(servers: dict[str, ModelServer]) -> None:
    response = servers["handlers"].invoke(
        json.dumps({"instances": [SETOSA, VIRGINICA]}).encode(),
        Content_Type="application/json",
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.plimsoll+json"
    probabilities = np.array(response.json()["probabilities"])
    assert probabilities.shape == (2, 3)
    assert probabilities.argmax(axis=1).tolist() == [0, 2]
    assert "x-amzn-sagemaker-custom-attributes" not in response.headers


def test_handler_exceptions_become_500_and_the_server_keeps_serving(
    servers: dict[str, ModelServer],
) -> None:
    server = servers["handlers"]
    failed = server.invoke(b'{"fail": true}', Content_Type="application/json")
    assert failed.status_code == 500
    assert failed.json() == {"message": "RuntimeError: asked to fail"}
    teapot = server.invoke(b'{"teapot": true}', Content_Type="application/json")
    assert (teapot.status_code, teapot.json()["message"]) == (418, "Teapot: short and stout")
    wrong_type = server.invoke(b"1,2", Content_Type="text/csv")
    assert wrong_type.status_code == 500
    assert "reads JSON only" in wrong_type.json()["message"]
    assert httpx.get(f"{server.url}/ping").status_code == 200
    again = server.invoke(json.dumps({"instances": [SETOSA]}).encode())
    assert again.status_code == 200
    assert "asked to fail" in server.log.read_text()  # the traceback went to the instance log


def test_custom_attributes_reach_handlers(servers: dict[str, ModelServer]) -> None:
    response = servers["handlers"].invoke(
        json.dumps({"instances": [SETOSA]}).encode(),
        X_Amzn_SageMaker_Custom_Attributes="trace_id=42,tenant=a",
    )
    assert response.json()["custom_attributes"] == "trace_id=42,tenant=a"
    assert response.headers["x-amzn-sagemaker-custom-attributes"] == "seen=trace_id=42,tenant=a"


def test_transform_fn(servers: dict[str, ModelServer]) -> None:
    response = servers["transform"].invoke(
        b"5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3",
        Content_Type="text/csv",
        X_Amzn_SageMaker_Custom_Attributes="tag=x",
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "0|2;tag=x"


def test_transform_fn_with_predict_fn_fails_startup(tmp_path: Path) -> None:
    server = _start(_model_dir(tmp_path, "both", None, BOTH))
    assert server.process.wait(timeout=STARTUP_SECONDS) != 0
    log = server.log.read_text()
    assert "transform_fn together with predict_fn" in log


def test_missing_model_file_fails_startup(tmp_path: Path) -> None:
    model_dir = _model_dir(tmp_path, "empty", None)
    (model_dir / "weights.bin").write_bytes(b"\0")
    server = _start(model_dir)
    assert server.process.wait(timeout=STARTUP_SECONDS) != 0
    assert "no model file" in server.log.read_text()
    assert "weights.bin" in server.log.read_text()


def test_sigterm_finishes_in_flight_requests_then_exits_0(tmp_path: Path) -> None:
    model_dir = _model_dir(tmp_path, "slow", None, SLOW)
    server = _start(model_dir)
    server.wait_ready()
    responses: list[httpx.Response] = []
    request = threading.Thread(target=lambda: responses.append(server.invoke(b"{}")))
    request.start()
    deadline = time.monotonic() + 30
    while not (model_dir / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.stop() == 0
    request.join(timeout=30)
    assert [(r.status_code, r.text) for r in responses] == [(200, "finished")]
