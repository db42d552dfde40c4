"""Each public module's ``__all__`` lists exactly its public names (httpx's export test)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

import plimsoll

SRC = Path(plimsoll.__file__).parent

# Dunder names a package may list in __all__ without them counting as public names.
ALLOWED_DUNDERS = {"__version__"}

# Modules at SageMaker's import paths: thin re-exports of the private sdk modules.
SAGEMAKER_PATH_MODULES = [
    "plimsoll.processing",
    "plimsoll.session",
    "plimsoll.s3",
    "plimsoll.exceptions",
    "plimsoll.sdk.processing",
    "plimsoll.model",
    "plimsoll.predictor",
    "plimsoll.serializers",
    "plimsoll.deserializers",
    "plimsoll.clarify",
    "plimsoll.sdk.clarify",
    "plimsoll.spark.processing",
    "plimsoll.sdk.spark.processing",
    "plimsoll.model_monitor.clarify_model_monitoring",
    "plimsoll.sdk.model_monitor.clarify_model_monitoring",
]


def _packages() -> list[str]:
    names = []
    for init in sorted(SRC.rglob("__init__.py")):
        parts = init.parent.relative_to(SRC.parent).parts
        names.append(".".join(parts))
    return names


def _public_names(module: ModuleType) -> set[str]:
    """Names a user can import from ``module``: not private, not modules, not __future__."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, ModuleType)
        and type(value).__module__ != "__future__"
    }


@pytest.mark.parametrize("module_name", SAGEMAKER_PATH_MODULES + _packages())
def test_all_equals_public_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert hasattr(module, "__all__"), f"{module_name} declares no __all__"
    declared = set(module.__all__) - ALLOWED_DUNDERS
    assert len(module.__all__) == len(set(module.__all__)), f"{module_name}: duplicates"
    assert declared == _public_names(module)


@pytest.mark.parametrize(
    "module_name",
    [
        "plimsoll.processing",
        "plimsoll.s3",
        "plimsoll.model",
        "plimsoll.predictor",
        "plimsoll.serializers",
        "plimsoll.deserializers",
        "plimsoll.model_monitor",
        "plimsoll.model_monitor.dataset_format",
        "plimsoll.model_monitor.clarify_model_monitoring",
        "plimsoll.clarify",
        "plimsoll.spark",
        "plimsoll.spark.processing",
    ],
)
def test_top_level_modules_re_export_sdk_objects(module_name: str) -> None:
    top = importlib.import_module(module_name)
    sdk = importlib.import_module(module_name.replace("plimsoll.", "plimsoll.sdk."))
    for name in top.__all__:
        assert getattr(top, name) is getattr(sdk, name)
