"""The SageMaker-compatible facade: classes named, shaped and behaving as SageMaker SDK v2's.

Import them from the top-level modules that mirror SageMaker's paths (``plimsoll.processing``,
``plimsoll.session``, ``plimsoll.s3``, ``plimsoll.exceptions``).
"""

from __future__ import annotations

__all__: list[str] = []
