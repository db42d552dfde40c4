"""Small real models packed as SageMaker ``model.tar.gz`` files, for endpoint tests."""

from __future__ import annotations

import functools
import io
import tarfile
import time
from pathlib import Path
from typing import Any

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from plimsoll.metadata.serving_entities import EndpointStatus

IRIS_ROW = "5.1,3.5,1.4,0.2"


@functools.cache
def iris_model() -> LogisticRegression:
    x, y = load_iris(return_X_y=True)
    return LogisticRegression(max_iter=500).fit(x, y)


def model_tar(folder: Path, *, code: str | None = None, name: str = "model.tar.gz") -> Path:
    """``model.joblib`` (+ ``code/inference.py`` when ``code`` is given) in a tar.gz."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    joblib.dump(iris_model(), buffer)
    path = folder / name
    with tarfile.open(path, "w:gz") as tar:
        _add(tar, "model.joblib", buffer.getvalue())
        if code is not None:
            _add(tar, "code/inference.py", code.encode())
    return path


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def wait_in_service(describe: Any, name: str, timeout: float = 90) -> dict[str, Any]:
    """Polls ``describe(name)`` (returning a dict with EndpointStatus) until it settles."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = describe(name)
        if found["EndpointStatus"] not in (EndpointStatus.CREATING, EndpointStatus.UPDATING):
            return found
        time.sleep(0.1)
    raise AssertionError(f"endpoint {name} did not settle in {timeout}s")
