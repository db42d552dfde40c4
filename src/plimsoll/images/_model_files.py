"""The default ``model_fn``: load the single model file found at the top of the model dir.

Recognised files: ``*.joblib`` (joblib), ``*.pkl`` / ``*.pickle`` (pickle) and ``*.json``,
``*.ubj``, ``*.bst`` (an XGBoost ``Booster``; xgboost is imported only then). Loading a
pickle runs code from the file: the model dir holds the user's own artifact, inside the
user's own sandbox.
"""

from __future__ import annotations

import importlib
import logging
import pickle
from pathlib import Path

from plimsoll.images._errors import StartupError

logger = logging.getLogger(__name__)

JOBLIB_SUFFIXES = frozenset({".joblib"})
PICKLE_SUFFIXES = frozenset({".pkl", ".pickle"})
XGBOOST_SUFFIXES = frozenset({".json", ".ubj", ".bst"})
MODEL_SUFFIXES = JOBLIB_SUFFIXES | PICKLE_SUFFIXES | XGBOOST_SUFFIXES


def default_model_fn(model_dir: str) -> object:
    """Loads the one model file in ``model_dir``.

    Raises:
        StartupError: there is no model file, more than one, or the one found cannot be
            loaded; the message names the files found.
    """
    directory = Path(model_dir)
    path = _single_model_file(directory)
    logger.info("Loading model %s with the default model_fn", path)
    suffix = path.suffix.lower()
    try:
        if suffix in JOBLIB_SUFFIXES:
            return importlib.import_module("joblib").load(path)
        if suffix in PICKLE_SUFFIXES:
            with path.open("rb") as stream:
                return pickle.load(stream)
        return _load_xgboost(path)
    except StartupError:
        raise
    except Exception as exc:
        raise StartupError(f"Cannot load model file {path}: {type(exc).__name__}: {exc}") from exc


def _single_model_file(directory: Path) -> Path:
    if not directory.is_dir():
        raise StartupError(f"Model directory {directory} does not exist; define model_fn")
    entries = sorted(p for p in directory.iterdir() if not p.name.startswith("."))
    models = [p for p in entries if p.is_file() and p.suffix.lower() in MODEL_SUFFIXES]
    if len(models) == 1:
        return models[0]
    found = ", ".join(p.name + ("/" if p.is_dir() else "") for p in entries) or "nothing"
    problem = "no model file" if not models else "more than one model file"
    raise StartupError(
        f"The default model_fn found {problem} in {directory} (found: {found}); it loads "
        f"exactly one of *{', *'.join(sorted(MODEL_SUFFIXES))}. Define model_fn(model_dir) "
        "in your inference script to load anything else."
    )


def _load_xgboost(path: Path) -> object:
    try:
        xgboost = importlib.import_module("xgboost")
    except ImportError:
        raise StartupError(
            f"{path.name} looks like an XGBoost model but xgboost is not installed; add "
            "xgboost to code/requirements.txt or define model_fn"
        ) from None
    booster = xgboost.Booster()
    booster.load_model(str(path))
    return booster
