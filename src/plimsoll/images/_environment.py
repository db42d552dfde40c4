"""The inference server's view of SageMaker's serving container environment variables."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from plimsoll.compat.container_paths import OPT_ML
from plimsoll.images._errors import StartupError

logger = logging.getLogger(__name__)

MODEL_DIR = Path(OPT_ML / "model")
DEFAULT_PORT = 8080
DEFAULT_ACCEPT = "application/json"
DEFAULT_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True, kw_only=True)
class ServingEnvironment:
    """What the server reads from SageMaker's container contract, parsed once at startup.

    Attributes:
        port: ``SAGEMAKER_BIND_TO_PORT`` (bound on 127.0.0.1).
        model_dir: ``SM_MODEL_DIR``, else ``/opt/ml/model``.
        code_dir: ``SAGEMAKER_SUBMIT_DIRECTORY`` when it is a local path, else
            ``<model_dir>/code`` (where SageMaker's repacking puts the code).
        program: ``SAGEMAKER_PROGRAM`` (``inference.py``), or None when unset.
        default_accept: ``SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT``.
        timeout_seconds: ``SAGEMAKER_MODEL_SERVER_TIMEOUT`` (informational: the platform
            enforces the invocation deadline).
        log_level: ``SAGEMAKER_CONTAINER_LOG_LEVEL`` as a :mod:`logging` level.
    """

    port: int = DEFAULT_PORT
    model_dir: Path = MODEL_DIR
    code_dir: Path = MODEL_DIR / "code"
    program: str | None = None
    default_accept: str = DEFAULT_ACCEPT
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    log_level: int = logging.INFO

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ServingEnvironment:
        """Parses the SageMaker variables out of ``environ``.

        Raises:
            StartupError: a numeric variable is not a number, or the port is out of range.
        """
        model_dir = Path(environ.get("SM_MODEL_DIR") or MODEL_DIR)
        port = _integer(environ, "SAGEMAKER_BIND_TO_PORT", DEFAULT_PORT)
        if not 0 < port < 65536:
            raise StartupError(f"SAGEMAKER_BIND_TO_PORT={port} is not a TCP port")
        return cls(
            port=port,
            model_dir=model_dir,
            code_dir=_code_dir(environ.get("SAGEMAKER_SUBMIT_DIRECTORY"), model_dir),
            program=environ.get("SAGEMAKER_PROGRAM") or None,
            default_accept=environ.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT") or DEFAULT_ACCEPT,
            timeout_seconds=_integer(
                environ, "SAGEMAKER_MODEL_SERVER_TIMEOUT", DEFAULT_TIMEOUT_SECONDS
            ),
            log_level=_log_level(environ.get("SAGEMAKER_CONTAINER_LOG_LEVEL")),
        )


def _integer(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise StartupError(f"{name}={raw!r} is not an integer") from None


def _code_dir(submit_directory: str | None, model_dir: Path) -> Path:
    if not submit_directory:
        return model_dir / "code"
    if "://" in submit_directory:
        # The SDK sets an s3:// sourcedir for models it did not repack; the platform stages
        # that code under <model_dir>/code before the instance starts.
        logger.info(
            "SAGEMAKER_SUBMIT_DIRECTORY=%s is remote; using %s",
            submit_directory,
            model_dir / "code",
        )
        return model_dir / "code"
    return Path(submit_directory)


def _log_level(raw: str | None) -> int:
    if not raw:
        return logging.INFO
    if raw.strip().isdigit():
        return int(raw)
    level = logging.getLevelName(raw.strip().upper())
    return level if isinstance(level, int) else logging.INFO
