"""Domain orchestration: the rules of each SageMaker resource, over stores and runtimes."""

from __future__ import annotations

__all__: list[str] = []
