"""The runtime registry: runtime names to implementations, imported only when asked for.

Modelled on fsspec's ``known_implementations``: each entry names a class by import path and
carries ``err``, the hint shown when that import fails (a missing extra or system package).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from plimsoll.errors import ConfigError, RuntimeUnavailable
from plimsoll.runtimes.base import Runtime

_known: dict[str, dict[str, str]] = {
    "local": {
        "class": "plimsoll.runtimes.local.LocalRuntime",
        "err": "the local runtime ships with plimsoll; its sandbox needs "
        "`apt-get install bubblewrap` (or set PLIMSOLL_SANDBOX=none)",
    },
    "ray": {
        "class": "plimsoll.runtimes.ray.RayRuntime",
        "err": "the ray runtime needs Ray: `pip install 'plimsoll[ray]'`",
    },
}

known_implementations: Mapping[str, Mapping[str, str]] = MappingProxyType(_known)
"""Read-only view: runtime name -> {"class": import path, "err": install hint}."""


def register_runtime(name: str, cls: str, *, err: str = "", clobber: bool = False) -> None:
    """Adds a runtime under ``name`` (lowercase), given as ``"package.module.Class"``.

    Raises:
        ConfigError: ``name`` is taken and ``clobber`` is false.
    """
    if name in _known and not clobber:
        raise ConfigError(f"runtime {name!r} is already registered ({_known[name]['class']})")
    _known[name] = {"class": cls, "err": err}


def get_runtime(name: str, *, sandbox: str = "auto", address: str | None = None) -> Runtime:
    """Builds the runtime registered under ``name``.

    Args:
        name: a registry key such as ``"local"`` or ``"ray"``.
        sandbox: the isolation the runtime should use (``auto``, ``bwrap`` or ``none``).
        address: the cluster to run on, given to runtimes that take an ``address`` (``ray``);
            ignored by the others.

    Raises:
        ConfigError: no runtime is registered under ``name``.
        RuntimeUnavailable: the runtime cannot be imported or cannot run here.
    """
    entry = _known.get(name)
    if entry is None:
        known = ", ".join(sorted(_known))
        raise ConfigError(f"unknown runtime {name!r}; known runtimes: {known}")
    module_name, _, class_name = entry["class"].rpartition(".")
    try:
        cls: Any = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise RuntimeUnavailable(
            f"runtime {name!r} cannot be loaded: {exc}. {entry['err']}"
        ) from exc
    options: dict[str, Any] = {"sandbox": sandbox}
    if address is not None and "address" in inspect.signature(cls).parameters:
        options["address"] = address
    runtime = cls(**options)
    if not isinstance(runtime, Runtime):
        raise ConfigError(f"runtime {name!r}: {entry['class']} is not a Runtime")
    return runtime
