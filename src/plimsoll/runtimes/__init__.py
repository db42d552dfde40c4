"""Runtimes: where and how a job's hosts run (the contract in ``base``, a lazy registry)."""

from __future__ import annotations

from plimsoll.runtimes.base import (
    HostExit,
    HostLaunch,
    ImageEnvironment,
    JobHandle,
    JobLaunch,
    Runtime,
)
from plimsoll.runtimes.registry import get_runtime, known_implementations, register_runtime

__all__ = [
    "HostExit",
    "HostLaunch",
    "ImageEnvironment",
    "JobHandle",
    "JobLaunch",
    "Runtime",
    "get_runtime",
    "known_implementations",
    "register_runtime",
]
