"""The image catalog: which local Python environment stands for an image URI.

Without a container engine an image is a Python interpreter (whose packages the job sees),
an optional ENTRYPOINT and an ENV map, configured as ``[[images]]`` rules in the settings.
The first rule whose ``fnmatch`` pattern matches the whole URI wins.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from plimsoll.errors import ConfigError
from plimsoll.settings import ImageRule


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageEnvironment:
    """What an image URI stands for when there is no container engine.

    ``python`` is the interpreter whose installed packages the job sees; ``entrypoint`` is
    the image's ENTRYPOINT (None: the image has none); ``environment`` is the image's ENV;
    ``platform_api``: its jobs are given the URL of Plimsoll's SageMaker APIs.
    """

    image_uri: str
    python: str
    entrypoint: tuple[str, ...] | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    platform_api: bool = False


class ImageCatalog:
    """Resolves image URIs with an ordered list of rules.

    Args:
        rules: tried in order; ``python="current"`` means the interpreter running Plimsoll.
    """

    def __init__(self, rules: Sequence[ImageRule]) -> None:
        self._rules = tuple(rules)

    @property
    def rules(self) -> tuple[ImageRule, ...]:
        return self._rules

    def resolve(self, image_uri: str) -> ImageEnvironment:
        """The environment of the first rule matching ``image_uri``.

        Raises:
            ConfigError: no rule matches, or the matching rule's python does not exist.
        """
        for rule in self._rules:
            if fnmatchcase(image_uri, rule.pattern):
                return ImageEnvironment(
                    image_uri=image_uri,
                    python=_interpreter(rule),
                    entrypoint=rule.entrypoint,
                    environment=dict(rule.environment),
                    platform_api=rule.platform_api,
                )
        patterns = ", ".join(repr(r.pattern) for r in self._rules) or "none"
        raise ConfigError(f"no image rule matches {image_uri!r} (patterns: {patterns})")


def _interpreter(rule: ImageRule) -> str:
    """The rule's python as an absolute path (not resolved: a venv's bin/python stays so)."""
    python = sys.executable if rule.python == "current" else rule.python
    found = python if os.path.isabs(python) else shutil.which(python)
    if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
        raise ConfigError(
            f"image rule {rule.pattern!r}: python {rule.python!r} does not exist or is not "
            "an executable file"
        )
    return found
