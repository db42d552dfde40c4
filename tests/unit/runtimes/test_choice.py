"""Which runtime runs a job: the default, or the one its plimsoll:runtime tag names."""

from __future__ import annotations

import pytest

from plimsoll.errors import RuntimeUnavailable, ValidationError
from plimsoll.runtimes.base import JobHandle, JobLaunch, Runtime
from plimsoll.runtimes.choice import RUNTIME_TAG, RuntimeChoice, runtime_tag


class _Named(Runtime):
    def __init__(self, name: str) -> None:
        self.name = name

    def launch(self, job: JobLaunch) -> JobHandle:
        raise NotImplementedError


def test_the_tag_picks_the_runtime_and_the_default_fills_in() -> None:
    built: list[str] = []

    def build(name: str) -> Runtime:
        built.append(name)
        return _Named(name)

    choice = RuntimeChoice("ray", build)
    assert choice.name_for([]) == "ray"
    assert choice.name_for([{"Key": "team", "Value": "a"}]) == "ray"
    assert choice.name_for([{"Key": RUNTIME_TAG, "Value": "local"}]) == "local"
    assert choice.get("local").name == "local"
    assert choice.get("local") is choice.get("local")
    assert built == ["local"]  # built once, on first use


def test_an_unknown_runtime_is_a_validation_error_that_lists_the_known_ones() -> None:
    choice = RuntimeChoice("local", _Named)
    with pytest.raises(ValidationError, match=r"plimsoll:runtime='k8s' names no runtime.*local"):
        choice.name_for([{"Key": RUNTIME_TAG, "Value": "k8s"}])


def test_a_runtime_that_cannot_be_built_fails_each_time_it_is_asked_for() -> None:
    def build(name: str) -> Runtime:
        raise RuntimeUnavailable(f"{name} is not reachable")

    choice = RuntimeChoice("local", build)
    for _ in range(2):
        with pytest.raises(RuntimeUnavailable, match="ray is not reachable"):
            choice.get("ray")


def test_runtime_tag_reads_only_its_key() -> None:
    assert runtime_tag([{"Key": "a", "Value": "b"}]) is None
    assert runtime_tag([{"Key": RUNTIME_TAG, "Value": "local"}]) == "local"
