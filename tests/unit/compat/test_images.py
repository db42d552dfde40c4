from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from plimsoll.compat.images import ImageCatalog
from plimsoll.errors import ConfigError
from plimsoll.settings import DEFAULT_IMAGE_RULES, ImageRule


def test_first_matching_rule_wins() -> None:
    catalog = ImageCatalog(
        [
            ImageRule(pattern="*sagemaker-scikit-learn*", entrypoint=("python3",)),
            ImageRule(pattern="*", environment={"X": "1"}),
        ]
    )
    sklearn = catalog.resolve("123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1")
    assert sklearn.entrypoint == ("python3",)
    assert sklearn.environment == {}
    other = catalog.resolve("my/image:latest")
    assert other.entrypoint is None
    assert other.environment == {"X": "1"}
    assert other.image_uri == "my/image:latest"


def test_current_is_the_running_interpreter_unresolved() -> None:
    image = ImageCatalog(DEFAULT_IMAGE_RULES).resolve("anything")
    assert image.python == sys.executable


def test_patterns_match_case_sensitively() -> None:
    catalog = ImageCatalog(
        [ImageRule(pattern="*Upper*", entrypoint=("a",)), ImageRule(pattern="*")]
    )
    assert catalog.resolve("x/lower:1").entrypoint is None


def test_a_missing_python_is_a_config_error(tmp_path: Path) -> None:
    catalog = ImageCatalog([ImageRule(pattern="*", python=str(tmp_path / "bin" / "python"))])
    with pytest.raises(ConfigError, match="does not exist"):
        catalog.resolve("img")


def test_a_bare_python_name_is_found_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))
    name = os.path.basename(sys.executable)
    image = ImageCatalog([ImageRule(pattern="*", python=name)]).resolve("img")
    assert image.python == os.path.join(os.path.dirname(sys.executable), name)


def test_no_matching_rule_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no image rule matches 'img'"):
        ImageCatalog([ImageRule(pattern="other/*")]).resolve("img")
