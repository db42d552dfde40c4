"""The per-host Python layer: a venv-like folder over an image's Python, built without pip.

A job must be able to ``pip install`` (FrameworkProcessor's ``runproc.sh`` does) while the
image's own environment stays untouched. Each host therefore gets a small layer, seen inside
the sandbox at :data:`LAYER_MOUNT`::

    pyvenv.cfg                      home = <dir of the base interpreter>, no system packages
    bin/python, python3, pythonX.Y  symlinks to the base interpreter
    bin/pip, bin/pip3               sh wrappers: <layer>/bin/python -m pip
    lib/pythonX.Y/site-packages/    where ``pip install`` puts new packages
        _plimsoll_image.pth         adds the image's own site-packages (and runs their .pth)

Python finds ``pyvenv.cfg`` next to ``bin/``, so ``sys.prefix`` is the layer and pip
installs there. The image's site-packages follow the layer's on ``sys.path``, so upgrades
shadow the image's packages instead of replacing them. The image's site-packages are added
with ``site.addsitedir`` rather than listed, so that their own ``.pth`` files (editable
installs) still work. ``include-system-site-packages`` is false because the ``.pth`` already
lists exactly what the image Python sees: an isolated image venv stays isolated.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from plimsoll.errors import ConfigError

logger = logging.getLogger(__name__)

LAYER_MOUNT = PurePosixPath("/opt/plimsoll/env")
"""Where the layer is seen inside the sandbox."""

PTH_NAME = "_plimsoll_image.pth"

_FACTS_SCRIPT = """\
import json, site, sys
print(json.dumps({
    "version": "%d.%d.%d" % sys.version_info[:3],
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "base_executable": getattr(sys, "_base_executable", None) or sys.executable,
    "platlibdir": getattr(sys, "platlibdir", "lib"),
    "site_packages": site.getsitepackages(),
    "sys_path": sys.path,
}))
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class PythonFacts:
    """What the layer needs to know about an image's Python (asked once per interpreter)."""

    python: str  # the image's interpreter as configured (may be a venv's bin/python)
    version: str  # X.Y.Z
    prefix: str
    base_prefix: str
    base_executable: str
    platlibdir: str
    site_packages: tuple[str, ...]  # the image's own site dirs, existing ones, in order
    sys_path: tuple[str, ...]  # every existing folder on the image's sys.path

    @property
    def short_version(self) -> str:
        """``X.Y``."""
        return ".".join(self.version.split(".")[:2])

    def host_paths(self) -> tuple[str, ...]:
        """Every host folder the image's Python reads from (for sandboxes that hide some)."""
        candidates = [
            os.path.dirname(self.python),
            self.prefix,
            self.base_prefix,
            os.path.dirname(self.base_executable),
            *self.site_packages,
            *self.sys_path,
        ]
        return tuple(dict.fromkeys(p for p in candidates if p))


@functools.cache
def python_facts(python: str) -> PythonFacts:
    """Asks ``python`` (once per process) for its version, base and site-packages.

    Raises:
        ConfigError: ``python`` does not exist or is not a working interpreter.
    """
    if not os.path.isfile(python) or not os.access(python, os.X_OK):
        raise ConfigError(f"image python {python!r} does not exist or is not executable")
    try:
        done = subprocess.run(
            [python, "-I", "-c", _FACTS_SCRIPT],
            capture_output=True,
            check=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        raw = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise ConfigError(f"image python {python!r} cannot be queried: {exc}") from exc
    facts = PythonFacts(
        python=python,
        version=str(raw["version"]),
        prefix=str(raw["prefix"]),
        base_prefix=str(raw["base_prefix"]),
        base_executable=str(raw["base_executable"]),
        platlibdir=str(raw["platlibdir"]),
        site_packages=tuple(str(p) for p in raw["site_packages"] if os.path.isdir(p)),
        sys_path=tuple(str(p) for p in raw["sys_path"] if p and os.path.isdir(p)),
    )
    logger.debug("python %s: %s", python, facts)
    return facts


def build_layer(env_dir: Path, facts: PythonFacts, *, mount: PurePosixPath = LAYER_MOUNT) -> None:
    """Writes (or refreshes) the layer in ``env_dir``; ``mount`` is where the job sees it.

    Only files and symlinks are written, no process is started, so a host costs well under
    a millisecond. Idempotent.
    """
    bin_dir = env_dir / "bin"
    site_dir = env_dir / "lib" / f"python{facts.short_version}" / "site-packages"
    bin_dir.mkdir(parents=True, exist_ok=True)
    site_dir.mkdir(parents=True, exist_ok=True)
    if facts.platlibdir != "lib":
        _symlink(env_dir / facts.platlibdir, "lib")
    (env_dir / "pyvenv.cfg").write_text(
        f"home = {os.path.dirname(facts.base_executable)}\n"
        "include-system-site-packages = false\n"
        f"version = {facts.version}\n"
        f"executable = {facts.base_executable}\n"
    )
    for name in ("python", "python3", f"python{facts.short_version}"):
        _symlink(bin_dir / name, facts.base_executable)
    wrapper = f'#!/bin/sh\nexec {mount / "bin" / "python"} -m pip "$@"\n'
    for name in ("pip", "pip3", f"pip{facts.short_version}"):
        path = bin_dir / name
        path.write_text(wrapper)
        path.chmod(0o755)
    lines = [f"import site; site.addsitedir({d!r})\n" for d in facts.site_packages]
    (site_dir / PTH_NAME).write_text("".join(lines))


def _symlink(path: Path, target: str) -> None:
    if path.is_symlink() or path.exists():
        if path.is_symlink() and os.readlink(path) == target:
            return
        path.unlink()
    path.symlink_to(target)
