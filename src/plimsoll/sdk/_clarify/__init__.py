"""Private modules of the Clarify facade; import the classes from ``plimsoll.clarify``."""

from __future__ import annotations

__all__: list[str] = []
