"""A loopback ``plimsoll server`` for an in-process API, started the first time a job needs it.

Jobs of images that call SageMaker's APIs themselves (Clarify creates shadow endpoints and
invokes models, as its container does on AWS) need an HTTP endpoint for them. Under
``plimsoll server`` that is the server itself; an in-process session has none, so its
composition root hands the processing service :meth:`Loopback.url`, which serves the same
app on ``127.0.0.1`` at a free port from a background thread, once, for the session's life.

::

    loopback = Loopback(api)
    api.processing.set_platform_url(loopback.url)
    api.closers.append(loopback.stop)
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import TYPE_CHECKING

from plimsoll.api.wiring import Api
from plimsoll.errors import InternalError
from plimsoll.server.app import create_app

if TYPE_CHECKING:
    import uvicorn

logger = logging.getLogger(__name__)

__all__ = ["Loopback"]

START_TIMEOUT_SECONDS = 30.0


class Loopback:
    """The server app for ``api`` on 127.0.0.1 (see the module docstring). Thread-safe."""

    def __init__(self, api: Api) -> None:
        self._api = api
        self._lock = threading.Lock()
        self._url: str | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def url(self) -> str:
        """The server's URL, starting it on first call.

        Raises:
            InternalError: the server did not come up within 30 s.
        """
        with self._lock:
            if self._url is None:
                self._url = self._start()
            return self._url

    def _start(self) -> str:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(create_app(api=self._api), log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="plimsoll-loopback", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise InternalError("the loopback API server for jobs did not start")
            time.sleep(0.01)
        self._server, self._thread, self._socket = server, thread, sock
        url = f"http://127.0.0.1:{port}"
        logger.info("jobs reach the SageMaker APIs at %s", url)
        return url

    def stop(self) -> None:
        """Stops the server if it was started (idempotent)."""
        with self._lock:
            server, thread, sock = self._server, self._thread, self._socket
            self._server = self._thread = self._socket = None
            self._url = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)
        if sock is not None:
            sock.close()
