"""Pure computation engines (map/merge/finalize) shared by every runtime."""

from __future__ import annotations

__all__: list[str] = []
