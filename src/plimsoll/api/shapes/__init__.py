"""Wire shapes of the supported operations, re-exported from the generated modules.

``_generated.py`` (SageMaker) and ``_generated_runtime.py`` (SageMaker Runtime: InvokeEndpoint,
with ``HTTP_BINDINGS``) are written by ``tools/gen_shapes.py`` and never edited by hand;
hand-written additions, if ever needed, go in ``_extra.py``.
"""

from __future__ import annotations

from plimsoll.api.shapes import _extra, _generated, _generated_runtime
from plimsoll.api.shapes._extra import *  # noqa: F403
from plimsoll.api.shapes._generated import *  # noqa: F403
from plimsoll.api.shapes._generated_runtime import *  # noqa: F403
from plimsoll.api.shapes._introspect import unwrap_type

__all__ = [*_generated.__all__, *_generated_runtime.__all__, *_extra.__all__, "unwrap_type"]
