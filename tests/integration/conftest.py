from __future__ import annotations

from collections.abc import Iterator

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.services.processing import ProcessingService
from plimsoll.settings import Settings
from tests.fixtures.server import RunningServer


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    built = build_api(settings)
    yield built
    built.close()


@pytest.fixture
def service(api: Api) -> ProcessingService:
    return api.processing


@pytest.fixture
def job_env(monkeypatch: pytest.MonkeyPatch, plimsoll_server: RunningServer) -> None:
    """The environment a Clarify job gets from the platform."""
    for name in ("AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"):
        monkeypatch.setenv(name, plimsoll_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
