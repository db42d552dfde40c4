"""Thin handlers, one module per resource: validate the shape, convert, call the service."""

from __future__ import annotations

from plimsoll.api.handlers.processing import Handler

__all__ = ["Handler"]
