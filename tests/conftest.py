"""Shared fixtures. Slow, shared servers live in tests/fixtures/* plugins (session-scoped)."""

from __future__ import annotations

pytest_plugins = [
    "tests.fixtures.home",
    "tests.fixtures.seaweed",
    "tests.fixtures.postgres",
    "tests.fixtures.server",
    "tests.fixtures.ray_cluster",
]
