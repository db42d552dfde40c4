from __future__ import annotations

from collections.abc import Iterator

import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.services.processing import ProcessingService
from plimsoll.settings import Settings


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    built = build_api(settings)
    yield built
    built.close()


@pytest.fixture
def service(api: Api) -> ProcessingService:
    return api.processing
