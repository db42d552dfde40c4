"""Fixtures of the facade's unit tests: a recording SageMaker client and a Session using it."""

from __future__ import annotations

import pytest

from plimsoll.sdk.session import Session
from plimsoll.settings import Settings
from tests.unit.sdk.fakes import RecordingClient


@pytest.fixture
def client() -> RecordingClient:
    return RecordingClient()


@pytest.fixture
def session(client: RecordingClient, settings: Settings) -> Session:
    return Session(sagemaker_client=client, settings=settings)
