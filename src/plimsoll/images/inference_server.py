"""The built-in model server: ``python -m plimsoll.images.inference_server serve``.

Runs inside an endpoint instance's sandbox and honours SageMaker's inference container
contract (the inference toolkit's and the scikit-learn container's handler contract):

* environment: ``SAGEMAKER_BIND_TO_PORT`` (8080, bound on 127.0.0.1),
  ``SAGEMAKER_PROGRAM`` (the inference script, optional), ``SAGEMAKER_SUBMIT_DIRECTORY``
  (code dir, default ``<model dir>/code``; put first on ``sys.path``), ``SM_MODEL_DIR``
  (default ``/opt/ml/model``), ``SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT``
  (``application/json``), ``SAGEMAKER_MODEL_SERVER_TIMEOUT`` (informational),
  ``SAGEMAKER_CONTAINER_LOG_LEVEL``;
* startup: import the script, resolve the handlers, load the model, and only then bind
  the port, so ``GET /ping`` answering 200 means ready. A bad script or model exits 1
  with the reason on stderr (the instance log). ``code/requirements.txt`` is installed by
  the platform before this process starts, never here;
* ``POST /invocations``: see :mod:`plimsoll.images._app` (handlers run on the event
  loop, so a hung handler blocks the instance until the health check restarts it);
* SIGTERM: stop accepting, finish in-flight requests, exit 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from types import FrameType

from plimsoll.images._app import InferenceApp
from plimsoll.images._environment import ServingEnvironment
from plimsoll.images._errors import StartupError
from plimsoll.images._handlers import load_user_module, resolve_handlers

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
# Longer than the router's idle pooled connections usually wait, so they are rarely stale.
KEEP_ALIVE_SECONDS = 75


def build_app(environment: ServingEnvironment) -> InferenceApp:
    """Imports the user script, resolves handlers and loads the model.

    Raises:
        StartupError: the script, its handlers or the model cannot be loaded.
    """
    module = load_user_module(environment.code_dir, environment.program)
    handlers = resolve_handlers(module, default_accept=environment.default_accept)
    model = handlers.load_model(environment.model_dir)
    logger.info("Model loaded from %s", environment.model_dir)
    return InferenceApp(
        handlers=handlers,
        model=model,
        model_dir=environment.model_dir,
        default_accept=environment.default_accept,
    )


def serve(environment: ServingEnvironment) -> None:
    """Builds the app, then serves it with uvicorn (uvloop and httptools when installed).

    Raises:
        StartupError: as :func:`build_app`.
    """
    import uvicorn

    app = build_app(environment)
    config = uvicorn.Config(
        app,
        host=HOST,
        port=environment.port,
        loop="uvloop" if _importable("uvloop") else "asyncio",
        http="httptools" if _importable("httptools") else "h11",
        lifespan="off",
        access_log=False,
        log_config=None,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        server_header=False,
        date_header=False,
        workers=1,
    )
    logger.info(
        "Serving on %s:%s (model server timeout %ss is enforced by the platform)",
        HOST,
        environment.port,
        environment.timeout_seconds,
    )
    uvicorn.Server(config).run()


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """The process entry point; returns the exit status.

    Args:
        argv: Command-line arguments without the program name (``["serve"]``).
        environ: The environment to read; the process environment by default.
    """
    parser = argparse.ArgumentParser(prog="python -m plimsoll.images.inference_server")
    parser.add_argument("command", choices=["serve"], help="start the model server")
    parser.parse_args(argv)
    if environ is None:
        environ = os.environ  # noqa: TID251 - images read SageMaker's container contract
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        environment = ServingEnvironment.from_environ(environ)
        logging.basicConfig(
            level=environment.log_level,
            stream=sys.stderr,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        serve(environment)
    except StartupError as exc:
        logging.basicConfig(stream=sys.stderr)
        cause = exc.__cause__
        logger.error("Inference server cannot start: %s", exc, exc_info=cause)
        return 1
    return 0


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    """SIGTERM outside uvicorn's own handler (while loading, or re-raised after a
    graceful shutdown): leave with status 0."""
    raise SystemExit(0)


def _importable(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    sys.exit(main())
