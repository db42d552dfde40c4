"""The user's inference script and the handler chain resolved from it (with defaults).

Handler names and arities are the SageMaker toolkits': ``model_fn(model_dir)``,
``input_fn(input_data, content_type)``, ``predict_fn(data, model)``,
``output_fn(prediction, accept)``, or ``transform_fn(model, data, content_type, accept)``
instead of the three request handlers, plus the optional ``pre_model_fn(model_dir)`` and
``model_warmup_fn(model_dir, model)``. Each may take one more, trailing, ``context``
argument (or a keyword-only ``context``): the toolkit's arity check, decided once here.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from plimsoll.images import _codecs
from plimsoll.images._context import InvocationContext
from plimsoll.images._errors import InferenceError, StartupError
from plimsoll.images._model_files import default_model_fn

logger = logging.getLogger(__name__)

HANDLER_ARGS: dict[str, tuple[str, ...]] = {
    "pre_model_fn": ("model_dir",),
    "model_fn": ("model_dir",),
    "model_warmup_fn": ("model_dir", "model"),
    "input_fn": ("input_data", "content_type"),
    "predict_fn": ("data", "model"),
    "output_fn": ("prediction", "accept"),
    "transform_fn": ("model", "input_data", "content_type", "accept"),
}
REQUEST_HANDLERS = ("input_fn", "predict_fn", "output_fn")
DEFAULT_PROGRAM = "inference.py"

_NO_CONTEXT, _POSITIONAL_CONTEXT, _KEYWORD_CONTEXT = 0, 1, 2
_POSITIONAL_KINDS = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass(frozen=True, slots=True)
class Handler:
    """One handler function and how it takes the context."""

    name: str
    fn: Callable[..., Any]
    context_mode: int = _NO_CONTEXT

    def __call__(self, context: InvocationContext, *args: Any) -> Any:
        if self.context_mode == _POSITIONAL_CONTEXT:
            return self.fn(*args, context)
        if self.context_mode == _KEYWORD_CONTEXT:
            return self.fn(*args, context=context)
        return self.fn(*args)


@dataclass(frozen=True, slots=True, kw_only=True)
class Handlers:
    """The resolved chain: user functions where defined, defaults elsewhere."""

    model_fn: Handler
    input_fn: Handler
    predict_fn: Handler
    output_fn: Handler
    transform_fn: Handler | None = None
    pre_model_fn: Handler | None = None
    model_warmup_fn: Handler | None = None

    def load_model(self, model_dir: Path) -> object:
        """Runs ``pre_model_fn``, ``model_fn`` and ``model_warmup_fn``.

        Raises:
            StartupError: any of them raised (the cause is chained).
        """
        context = InvocationContext(model_dir=model_dir)
        step = "pre_model_fn"
        try:
            if self.pre_model_fn is not None:
                self.pre_model_fn(context, str(model_dir))
            step = "model_fn"
            model = self.model_fn(context, str(model_dir))
            step = "model_warmup_fn"
            if self.model_warmup_fn is not None:
                self.model_warmup_fn(context, str(model_dir), model)
        except StartupError:
            raise
        except Exception as exc:
            raise StartupError(f"{step} failed: {type(exc).__name__}: {exc}") from exc
        return model

    def transform(
        self,
        model: object,
        input_data: str | bytes,
        content_type: str,
        accept: str,
        context: InvocationContext,
    ) -> object:
        """One invocation: ``transform_fn``, or ``input_fn`` -> ``predict_fn`` -> ``output_fn``."""
        if self.transform_fn is not None:
            return self.transform_fn(context, model, input_data, content_type, accept)
        data = self.input_fn(context, input_data, content_type)
        prediction = self.predict_fn(context, data, model)
        return self.output_fn(context, prediction, accept)


def load_user_module(code_dir: Path, program: str | None) -> ModuleType | None:
    """Imports ``program`` from ``code_dir`` (put first on ``sys.path``).

    Without ``program``, ``inference.py`` is imported when ``code_dir`` holds one, as the
    inference toolkit does; otherwise there is no user module and every handler defaults.

    Raises:
        StartupError: the program is missing or its import raised.
    """
    if (code_dir / "requirements.txt").is_file():
        logger.info("%s/requirements.txt is installed by the platform, not here", code_dir)
    if program is None:
        if not (code_dir / DEFAULT_PROGRAM).is_file():
            logger.info("No inference script in %s: using the default handlers", code_dir)
            return None
        program = DEFAULT_PROGRAM
    name = program.removesuffix(".py").replace("/", ".")
    sys.path.insert(0, str(code_dir))
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise StartupError(f"Importing {program} failed: {exc}") from exc
        raise StartupError(
            f"SAGEMAKER_PROGRAM={program}: no module {name!r} in {code_dir}"
        ) from None
    except Exception as exc:
        raise StartupError(f"Importing {program} failed: {type(exc).__name__}: {exc}") from exc
    logger.info("Loaded inference script %s from %s", program, code_dir)
    return module


def resolve_handlers(module: ModuleType | None, *, default_accept: str) -> Handlers:
    """The handler chain for ``module`` (None = all defaults).

    Raises:
        StartupError: ``transform_fn`` is defined together with a request handler, or a
            handler's signature cannot take its arguments.
    """
    user = {
        name: _handler(name, fn)
        for name in HANDLER_ARGS
        if callable(fn := getattr(module, name, None))
    }
    clashing = [name for name in REQUEST_HANDLERS if name in user]
    if "transform_fn" in user and clashing:
        raise StartupError(
            f"The inference script defines transform_fn together with {', '.join(clashing)}: "
            "transform_fn replaces input_fn, predict_fn and output_fn; define either "
            "transform_fn alone or any of the other three"
        )
    if user:
        logger.info("User handlers: %s", ", ".join(sorted(user)))
    encode = functools.partial(default_output_fn, default_accept=default_accept)
    return Handlers(
        model_fn=user.get("model_fn") or Handler("model_fn", default_model_fn),
        input_fn=user.get("input_fn") or Handler("input_fn", _codecs.decode),
        predict_fn=user.get("predict_fn") or Handler("predict_fn", default_predict_fn),
        output_fn=user.get("output_fn") or Handler("output_fn", encode),
        transform_fn=user.get("transform_fn"),
        pre_model_fn=user.get("pre_model_fn"),
        model_warmup_fn=user.get("model_warmup_fn"),
    )


def default_predict_fn(data: Any, model: Any) -> Any:
    """``model.predict(data)``; an XGBoost ``Booster`` gets a ``DMatrix``."""
    predict = getattr(model, "predict", None)
    if not callable(predict):
        raise InferenceError(
            f"The model ({type(model).__name__}) has no predict(); define predict_fn"
        )
    if type(model).__name__ == "Booster" and type(model).__module__.startswith("xgboost"):
        data = sys.modules["xgboost"].DMatrix(data)
    return predict(data)


def default_output_fn(prediction: object, accept: str, *, default_accept: str) -> tuple[bytes, str]:
    """Encodes to the first supported type of ``accept`` (``*/*`` -> ``default_accept``)."""
    return _codecs.encode(prediction, ",".join(_codecs.accepted_types(accept, default_accept)))


def _handler(name: str, fn: Callable[..., Any]) -> Handler:
    args = HANDLER_ARGS[name]
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature: call them plainly
        return Handler(name, fn)
    positional = [p for p in parameters if p.kind in _POSITIONAL_KINDS]
    required = [p for p in positional if p.default is p.empty]
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    keyword_only = [p for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
    takes_keyword = any(p.name == "context" for p in keyword_only)
    stray = [p.name for p in keyword_only if p.default is p.empty and p.name != "context"]
    if len(required) > len(args) + 1 or (len(positional) < len(args) and not variadic) or stray:
        raise StartupError(
            f"{name}{inspect.signature(fn)} cannot be called as "
            f"{name}({', '.join(args)}[, context])"
        )
    if takes_keyword:
        return Handler(name, fn, _KEYWORD_CONTEXT)
    if len(positional) == len(args) + 1:
        return Handler(name, fn, _POSITIONAL_CONTEXT)
    return Handler(name, fn)
