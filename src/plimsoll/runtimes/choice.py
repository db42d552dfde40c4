"""Which runtime runs a job: the configured default, or the one a job asks for by tag.

``PLIMSOLL_RUNTIME`` (settings ``runtime``) names the default runtime. A job may ask for another
one with the tag ``plimsoll:runtime`` (e.g. ``ray``) on CreateProcessingJob: a documented
Plimsoll extension that needs no new parameter, since every SageMaker SDK class and boto3
already pass ``Tags`` through. The service records the runtime a job ran on in that tag, so
``ListTags`` and ``plimsoll jobs describe`` show it.

Runtimes are built on first use and kept: a job that asks for ``ray`` on a machine without a
Ray cluster fails with the runtime's own message, and the other jobs are not affected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping

from plimsoll.errors import ValidationError
from plimsoll.runtimes.base import Runtime
from plimsoll.runtimes.registry import known_implementations

__all__ = ["LOCAL_RUNTIME", "RUNTIME_TAG", "RuntimeChoice", "runtime_tag"]

RUNTIME_TAG = "plimsoll:runtime"
LOCAL_RUNTIME = "local"  # endpoints always serve from this machine


def runtime_tag(tags: Iterable[Mapping[str, str]]) -> str | None:
    """The value of the ``plimsoll:runtime`` tag, if the job has one."""
    for tag in tags:
        if tag.get("Key") == RUNTIME_TAG:
            return tag.get("Value", "")
    return None


class RuntimeChoice:
    """The runtimes of one Plimsoll process, built lazily by ``build(name)``."""

    def __init__(self, default: str, build: Callable[[str], Runtime]) -> None:
        self._default = default
        self._build = build
        self._built: dict[str, Runtime] = {}
        self._lock = threading.Lock()

    @property
    def default(self) -> str:
        return self._default

    def name_for(self, tags: Iterable[Mapping[str, str]]) -> str:
        """The runtime a job with these tags runs on.

        Raises:
            ValidationError: The tag names a runtime that is not registered.
        """
        name = runtime_tag(tags)
        if name is None:
            return self._default
        if name not in known_implementations and name not in self._built:
            known = ", ".join(sorted(set(known_implementations) | set(self._built)))
            raise ValidationError(
                f"Tag {RUNTIME_TAG}={name!r} names no runtime; known runtimes: {known}"
            )
        return name

    def get(self, name: str) -> Runtime:
        """The runtime ``name``, built on first use.

        Raises:
            ConfigError, RuntimeUnavailable: It cannot be built or cannot run here.
        """
        with self._lock:
            runtime = self._built.get(name)
            if runtime is None:
                runtime = self._built[name] = self._build(name)
            return runtime
