"""The server's composition root: builds the API from settings and serves it with uvicorn."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from plimsoll.api.wiring import Api, build_api
from plimsoll.server.routes import build_routes
from plimsoll.server.runtime import RuntimeFront
from plimsoll.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, api: Api | None = None) -> RuntimeFront:
    """The ASGI app: SageMaker's runtime path in front of the control-plane Starlette app.

    Args:
        settings: Used to build the API when ``api`` is not given (default:
            ``Settings.load()``).
        api: A wired API to serve. The caller keeps ownership of a given ``api``; one built
            here is closed when the app shuts down.
    """
    owned = api is None
    if api is None:
        settings = settings or Settings.load()
        served = build_api(settings)
        host = (
            "127.0.0.1" if settings.server_host in ("0.0.0.0", "::", "") else settings.server_host
        )
        own_url = f"http://{host}:{settings.server_port}"
        served.processing.set_platform_url(lambda: own_url)  # jobs call this server back
    else:
        served = api

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await served.invocations.close_loop_pool()
            if owned:
                logger.info("closing the API")
                served.close()

    app = Starlette(routes=build_routes(served), lifespan=lifespan)
    app.state.api = served
    return RuntimeFront(app, served.invocations)


def serve(settings: Settings) -> None:
    """Runs ``plimsoll server`` in the foreground on ``settings.server_host:server_port``."""
    import uvicorn

    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    logger.info("serving on http://%s:%s", settings.server_host, settings.server_port)
    uvicorn.run(create_app(settings), host=settings.server_host, port=settings.server_port)
