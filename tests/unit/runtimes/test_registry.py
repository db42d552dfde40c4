from __future__ import annotations

import pytest

import plimsoll.runtimes as runtimes
from plimsoll.errors import ConfigError, RuntimeUnavailable
from plimsoll.runtimes import get_runtime, known_implementations, register_runtime
from plimsoll.runtimes.local import LocalRuntime


def test_local_is_known_with_an_install_hint() -> None:
    assert "local" in known_implementations
    assert "apt-get install bubblewrap" in known_implementations["local"]["err"]


def test_known_implementations_is_read_only() -> None:
    with pytest.raises(TypeError):
        known_implementations["other"] = {"class": "x.Y", "err": ""}  # type: ignore[index]


def test_get_runtime_builds_the_local_runtime() -> None:
    runtime = get_runtime("local", sandbox="none")
    assert isinstance(runtime, LocalRuntime)
    assert runtime.name == "local"
    assert runtime.sandbox == "none"


def test_unknown_runtime_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown runtime 'spark'; known runtimes: .*\blocal\b"):
        get_runtime("spark")


def test_bad_sandbox_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="sandbox='docker'"):
        get_runtime("local", sandbox="docker")


def test_registering_a_taken_name_needs_clobber() -> None:
    with pytest.raises(ConfigError, match="already registered"):
        register_runtime("local", "plimsoll.runtimes.local.LocalRuntime")


def test_an_implementation_that_cannot_load_shows_its_hint() -> None:
    register_runtime(
        "test-missing", "no_such_package.Runtime", err="pip install no-such-package", clobber=True
    )
    with pytest.raises(RuntimeUnavailable, match="pip install no-such-package"):
        get_runtime("test-missing")


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(runtimes).items()
        if not name.startswith("_") and not getattr(value, "__file__", None)
    }
    assert public - {"annotations"} == set(runtimes.__all__)
