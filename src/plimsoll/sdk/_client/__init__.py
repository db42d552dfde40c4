"""Clients with boto3's method names: in-process (``inprocess``) and HTTP (``http``).

Both turn Plimsoll errors into ``botocore.exceptions.ClientError`` (see ``_errors``). Import
the implementations from their modules; this package re-exports only the protocols, so
that importing it stays light.
"""

from __future__ import annotations

from plimsoll.sdk._client.base import LogReader, SageMakerClient

__all__ = ["LogReader", "SageMakerClient"]
