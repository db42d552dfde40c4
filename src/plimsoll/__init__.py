"""Plimsoll: the parts of Amazon SageMaker that ML teams run in production, self-hosted."""

from __future__ import annotations

import logging

__all__ = ["__version__"]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
