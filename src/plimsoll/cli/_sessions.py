"""The sessions a CLI command opens, closed together when the command ends."""

from __future__ import annotations

from plimsoll.sdk._client.base import SageMakerClient
from plimsoll.sdk.session import Session
from plimsoll.settings import Settings

_open: list[Session] = []


def session() -> Session:
    """A Session on this machine's settings (a server's URL, or the embedded service).

    An embedded service runs no monitoring scheduler here: a short-lived command must not
    start scheduled executions (``plimsoll scheduler`` or a server does that).
    """
    opened = Session(settings=Settings.load(scheduler_interval_seconds=0))
    _open.append(opened)
    return opened


def client() -> SageMakerClient:
    found: SageMakerClient = session().sagemaker_client
    return found


def close_all() -> None:
    while _open:
        _open.pop().close()
