"""``plimsoll server``: SageMaker's HTTP API over the in-process services.

Import :mod:`plimsoll.server.app` for ``create_app`` and ``serve``; this package imports
nothing itself, so that importing it does not build the service graph's dependencies.
"""

from __future__ import annotations

__all__: list[str] = []
