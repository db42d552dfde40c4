"""The reference venv (.venvs/clarify-ref: sagemaker 2.199.0, smclarify 0.5, shap 0.46.0).

The tests of this package compare Plimsoll with the real packages. Those run in their own
pinned venv, built by ``make test`` from tests/reference/requirements.txt; here they are only
started as programs (the ``_*.py`` files of this folder), with no network.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = ROOT / ".venvs" / "clarify-ref"
PINS = HERE / "requirements.txt"
STAMP = VENV / ".pins-stamp"  # the Makefile copies the pins here once the venv is complete
BUILD_HINT = "run `make test` (builds .venvs/clarify-ref)"

RunReference = Callable[..., Any]


@pytest.fixture(scope="session")
def reference_python() -> Path:
    """The reference venv's python; fails (never skips) when the venv is missing or stale."""
    python = VENV / "bin" / "python"
    if not python.exists() or not STAMP.exists():
        pytest.fail(f"the reference venv {VENV} is missing: {BUILD_HINT}", pytrace=False)
    if STAMP.read_text() != PINS.read_text():
        pytest.fail(f"the reference venv {VENV} has other pins: {BUILD_HINT}", pytrace=False)
    return python


@pytest.fixture(scope="session")
def run_reference(reference_python: Path) -> RunReference:
    """``run(script, *args, out=Path)``: runs ``HERE/script`` in the venv; returns OUT's JSON."""

    def run(script: str, *args: object, out: Path) -> Any:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["AWS_EC2_METADATA_DISABLED"] = "true"  # the SDK never looks for credentials
        done = subprocess.run(
            [str(reference_python), str(HERE / script), *map(str, args), str(out)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, f"{script} failed ({done.returncode}):\n{done.stderr[-4000:]}"
        return json.loads(out.read_text(encoding="utf-8"))

    return run
