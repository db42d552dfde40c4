"""SageMaker conventions that the service model does not carry (paths, names, files, images)."""

from __future__ import annotations

__all__: list[str] = []
