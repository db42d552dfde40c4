from __future__ import annotations

import pytest

from plimsoll.compat.container_paths import host_names, is_processing_path, relative_to_opt_ml


def test_host_names_are_sagemakers() -> None:
    assert host_names(3) == ["algo-1", "algo-2", "algo-3"]


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("/opt/ml/processing/input", True),
        ("/opt/ml/processing/input/data/", True),
        ("/opt/ml/processing/", False),
        ("/opt/ml/processing", False),
        ("/opt/ml/model", False),
        ("/opt/ml/processing/../config", False),
        ("relative/path", False),
    ],
)
def test_processing_paths(path: str, ok: bool) -> None:
    assert is_processing_path(path) is ok


def test_relative_to_opt_ml() -> None:
    assert str(relative_to_opt_ml("/opt/ml/processing/input")) == "processing/input"
