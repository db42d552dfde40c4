"""Lazy imports of the facade's optional libraries (pandas, scipy, torch) with install hints."""

from __future__ import annotations

import importlib
from types import ModuleType

# Module name -> the PyPI package that provides it, where the two differ.
_PACKAGES = {"sklearn": "scikit-learn"}


def import_optional(module: str, purpose: str) -> ModuleType:
    """Imports ``module``, or raises ``ImportError`` saying what needs it and how to install it.

    Args:
        module: The module to import, e.g. ``"pandas"`` or ``"scipy.sparse"``.
        purpose: What needs it, e.g. ``"PandasDeserializer"``; named in the message.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = _PACKAGES.get(module, module.split(".", 1)[0])
        raise ImportError(f"{purpose} needs {package}: pip install {package}") from exc
