"""The record preprocessor and post-analytics processor script contract of Model Monitor.

A record preprocessor is a Python file defining ``preprocess_handler(inference_record)`` or
``preprocess_handler(inference_record, logger)``; it is called once per captured record with a
:class:`CapturedData` built from the raw capture line, and returns either a flat dict (one row,
its keys become column names) or ``[]`` (drop the record)::

    pre = Preprocessor.load(Path("/opt/ml/processing/code/preprocessing/pre.py"))
    row = pre.apply(json.loads(line))      # dict[str, scalar] or None (dropped)
    run_postprocess(Path(".../post.py"))   # calls postprocess_handler() once

``CapturedData``, ``EventMetadata`` and ``EventData`` mirror the classes SageMaker's analyzer
hands to scripts (model_monitor spec §3.6). They are plain mutable classes on purpose: scripts
may change ``endpoint_input.data`` and call ``as_dict()``. ``event_metadata.inference_time``
and ``inference_id`` are Plimsoll additions next to SageMaker's ``event_time``.

Every failure is an :class:`~plimsoll.errors.EngineError` whose message starts with SageMaker's
``Exception while invoking preprocessor script.`` and names the script file and line.
"""

from __future__ import annotations

import importlib.util
import inspect
import itertools
import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from plimsoll.errors import EngineError

logger = logging.getLogger(__name__)

__all__ = [
    "POSTPROCESS_FAILURE",
    "PREPROCESS_FAILURE",
    "CapturedData",
    "EventData",
    "EventMetadata",
    "Preprocessor",
    "load_script",
    "run_postprocess",
]

PREPROCESS_FAILURE = "Exception while invoking preprocessor script."
POSTPROCESS_FAILURE = "Exception while invoking post-analytics processor script."
_SCALARS = (str, int, float, bool, type(None))
_counter = itertools.count()


class EventMetadata:
    """``eventMetadata`` as scripts see it."""

    def __init__(self, event_metadata: Mapping[str, Any]) -> None:
        self.event_id: str | None = event_metadata.get("eventId")
        self.event_time: str | None = event_metadata.get("inferenceTime")
        self.inference_time: str | None = self.event_time
        self.custom_attribute: Any = event_metadata.get("customAttributes")
        self.inference_id: str | None = event_metadata.get("inferenceId")


class EventData:
    """A record section: endpointInput, endpointOutput, batchTransformOutput or groundTruthData."""

    def __init__(self, event_data: Mapping[str, Any]) -> None:
        self.encoding: str | None = event_data.get("encoding")
        self.data: str | None = event_data.get("data")
        self.observedContentType: str | None = event_data.get("observedContentType")
        self.mode: str | None = event_data.get("mode")

    def as_dict(self) -> dict[str, Any]:
        """``encoding``, ``data`` and ``observedContentType`` (SageMaker leaves ``mode`` out)."""
        return {
            "encoding": self.encoding,
            "data": self.data,
            "observedContentType": self.observedContentType,
        }


class CapturedData:
    """The ``inference_record`` passed to ``preprocess_handler``; absent sections are None."""

    def __init__(self, event_dict: dict[str, Any]) -> None:
        self.event_dict = event_dict
        capture = event_dict.get("captureData") or {}
        metadata = event_dict.get("eventMetadata")
        self.event_metadata = EventMetadata(metadata) if metadata is not None else None
        self.endpoint_input = _side(capture, "endpointInput")
        self.endpoint_output = _side(capture, "endpointOutput")
        self.batch_transform_output = _side(capture, "batchTransformOutput")
        self.ground_truth = _side(event_dict, "groundTruthData")
        self.event_version: str | None = event_dict.get("eventVersion")

    def as_dict(self) -> dict[str, Any]:
        """The raw record with the (possibly modified) sections written back."""
        capture = self.event_dict.setdefault("captureData", {})
        for key, side in (
            ("endpointInput", self.endpoint_input),
            ("endpointOutput", self.endpoint_output),
            ("batchTransformOutput", self.batch_transform_output),
        ):
            if side is not None:
                capture[key] = side.as_dict()
        if self.ground_truth is not None:
            self.event_dict["groundTruthData"] = self.ground_truth.as_dict()
        return self.event_dict

    def __str__(self) -> str:
        return str(self.as_dict())


def _side(container: Mapping[str, Any], key: str) -> EventData | None:
    value = container.get(key)
    return EventData(value) if isinstance(value, Mapping) else None


def _where(exc: BaseException, script: Path) -> str:
    """``at <script> line N, in <function>`` from the innermost frame inside ``script``."""
    if isinstance(exc, SyntaxError) and exc.filename == str(script):
        return f"at {script} line {exc.lineno}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(script)]
    if not frames:
        return f"in {script}"
    last = frames[-1]
    return f"at {script} line {last.lineno}, in {last.name}"


def _failure(prefix: str, exc: BaseException, script: Path, record: str = "") -> EngineError:
    return EngineError(
        f"{prefix} {type(exc).__name__}: {exc} ({_where(exc, script)}{record})".rstrip()
    )


def load_script(path: Path, *, prefix: str = PREPROCESS_FAILURE) -> ModuleType:
    """Executes the script at ``path`` as a fresh module (not added to ``sys.modules``).

    Raises:
        EngineError: the file is missing, or importing it raised (file and line named).
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise EngineError(f"{prefix} Script {path} does not exist")
    name = f"_plimsoll_script_{next(_counter)}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise EngineError(f"{prefix} Script {path} cannot be loaded as Python")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a user script may raise anything
        raise _failure(prefix, exc, path) from exc
    return module


def _function(module: ModuleType, name: str, path: Path, prefix: str) -> Callable[..., Any]:
    handler = getattr(module, name, None)
    if not callable(handler):
        raise EngineError(f"{prefix} Script {path} does not define {name}()")
    return handler  # type: ignore[no-any-return]


def _takes_logger(handler: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [
        p
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    return len(positional) >= 2 or varargs


@dataclass(frozen=True, slots=True, kw_only=True)
class Preprocessor:
    """A loaded ``preprocess_handler``; build with :meth:`load`."""

    path: Path
    handler: Callable[..., Any]
    takes_logger: bool
    script_logger: logging.Logger

    @classmethod
    def load(cls, path: Path) -> Preprocessor:
        """Loads the script and finds ``preprocess_handler``.

        Raises:
            EngineError: missing file, import failure, or no ``preprocess_handler``.
        """
        path = Path(path).resolve()
        module = load_script(path)
        handler = _function(module, "preprocess_handler", path, PREPROCESS_FAILURE)
        return cls(
            path=path,
            handler=handler,
            takes_logger=_takes_logger(handler),
            script_logger=logging.getLogger(f"{__name__}.{path.stem}"),
        )

    def apply(self, event_dict: dict[str, Any]) -> dict[str, Any] | None:
        """Calls the handler on one raw capture record.

        Returns:
            The flat row (column name -> scalar or None), or None when the script returned
            ``[]`` to drop the record.

        Raises:
            EngineError: the script raised, or returned something other than a flat dict or
                ``[]``; the message names the script, the line, and the record's eventId.
        """
        record = CapturedData(event_dict)
        event_id = record.event_metadata.event_id if record.event_metadata else None
        where = f"; record eventId={event_id}"
        args: tuple[Any, ...] = (record, self.script_logger) if self.takes_logger else (record,)
        try:
            result = self.handler(*args)
        except Exception as exc:  # a user script may raise anything
            raise _failure(PREPROCESS_FAILURE, exc, self.path, where) from exc
        if isinstance(result, list) and not result:
            return None
        if not isinstance(result, dict):
            raise EngineError(
                f"{PREPROCESS_FAILURE} preprocess_handler in {self.path} returned "
                f"{type(result).__name__}; expected a flat dict or [] (to drop the record)"
                f"{where}"
            )
        for key, value in result.items():
            if not isinstance(value, _SCALARS):
                raise EngineError(
                    f"{PREPROCESS_FAILURE} preprocess_handler in {self.path} returned a nested "
                    f"value for key {key!r} ({type(value).__name__}); the dict must be flat "
                    f"(column name -> number, string, bool or None){where}"
                )
        return {str(key): value for key, value in result.items()}


def run_postprocess(script_path: Path) -> None:
    """Loads the script and calls its ``postprocess_handler()`` once.

    Raises:
        EngineError: missing file or handler, or the script raised (file and line named).
    """
    path = Path(script_path).resolve()
    module = load_script(path, prefix=POSTPROCESS_FAILURE)
    handler = _function(module, "postprocess_handler", path, POSTPROCESS_FAILURE)
    try:
        handler()
    except Exception as exc:  # a user script may raise anything
        raise _failure(POSTPROCESS_FAILURE, exc, path) from exc
