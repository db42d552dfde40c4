"""The runtime conformance suite on the local runtime, sandboxed and not."""

from __future__ import annotations

import pytest

from plimsoll.runtimes.local import LocalRuntime
from tests.conformance.runtime_suite import RuntimeSuite, SandboxedRuntimeSuite


@pytest.mark.sandbox
class TestLocalRuntimeSandboxed(SandboxedRuntimeSuite):
    @pytest.fixture
    def runtime(self) -> LocalRuntime:
        return LocalRuntime(sandbox="bwrap")

    @pytest.fixture
    def sandbox(self) -> str:
        return "bwrap"


class TestLocalRuntimeUnsandboxed(RuntimeSuite):
    @pytest.fixture
    def runtime(self) -> LocalRuntime:
        return LocalRuntime(sandbox="none")

    @pytest.fixture
    def sandbox(self) -> str:
        return "none"
