"""Wire shapes of the supported SageMaker operations, re-exported from the generated module.

``_generated.py`` is written by ``tools/gen_shapes.py`` and never edited by hand; hand-written
additions, if ever needed, go in ``_extra.py``.
"""

from __future__ import annotations

from plimsoll.api.shapes import _generated
from plimsoll.api.shapes._generated import *  # noqa: F403
from plimsoll.api.shapes._introspect import unwrap_type

__all__ = [*_generated.__all__, "unwrap_type"]
