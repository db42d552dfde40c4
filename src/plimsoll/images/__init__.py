"""Process entry points that run INSIDE a sandbox (built-in images); services never import them."""

from __future__ import annotations

__all__: list[str] = []
