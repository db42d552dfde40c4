"""Plimsoll's Clarify SDK builds the very analysis_config.json that sagemaker 2.199.0 builds.

Each case of ``_clarify_cases.py`` is built with the real SDK in the reference venv (the
``_AnalysisConfigGenerator`` call of the matching ``SageMakerClarifyProcessor.run_*``) and with
``plimsoll.clarify`` (the pure function of the same ``run_*`` that Plimsoll's processor calls).
The dicts must be equal, key order included (the file's bytes), or both must raise the same
exception type and message. Every real config must also pass Plimsoll's schema check exactly
when it passes the SDK's own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from plimsoll import clarify
from plimsoll.compat.clarify_analysis_config import parse_analysis_config
from plimsoll.errors import ValidationError
from plimsoll.sdk._clarify import analysis_config
from tests.reference import _clarify_cases
from tests.reference.conftest import RunReference

CASES = list(_clarify_cases.CASES)
BUILT = [name for name in CASES if not name.startswith("error_")]  # the SDK returns a config


@pytest.fixture(scope="module")
def real(run_reference: RunReference, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("sdk-config") / "real.json"
    found = run_reference("_sdk_config.py", out=out)
    assert sorted(found) == sorted(CASES)
    return found


def _ours(name: str) -> dict[str, Any]:
    method, kwargs = _clarify_cases.build(clarify, name)
    build = getattr(analysis_config, "for_" + method.removeprefix("run_"))
    result: dict[str, Any] = build(**kwargs)
    return result


@pytest.mark.parametrize("name", CASES)
def test_config_equals_real_sdk(real: dict[str, Any], name: str) -> None:
    expected = real[name]
    if "error" in expected:
        with pytest.raises(Exception) as caught:
            _ours(name)
        assert [type(caught.value).__name__, str(caught.value)] == expected["error"]
        return
    ours = _ours(name)
    assert ours == json.loads(expected["config"])
    assert json.dumps(ours) == expected["config"]  # key order: the same file, byte for byte


@pytest.mark.parametrize("name", BUILT)
def test_real_config_passes_plimsoll_schema_as_sdk_schema(real: dict[str, Any], name: str) -> None:
    expected = real[name]
    assert "config" in expected, f"the SDK raised {expected.get('error')}"
    config = json.loads(expected["config"])
    if expected["schema_error"] is None:
        parse_analysis_config(config)
    else:
        with pytest.raises(ValidationError):
            parse_analysis_config(config)
    assert config == json.loads(expected["config"])  # parsing leaves the dict as it was


def test_every_case_kind_is_covered(real: dict[str, Any]) -> None:
    """The matrix spans all five run_* methods; each case is of the kind its name says."""
    methods = {entry.get("method") for entry in real.values()}
    assert {
        "run_pre_training_bias",
        "run_post_training_bias",
        "run_bias",
        "run_explainability",
        "run_bias_and_explainability",
    } <= methods
    assert [name for name in CASES if "error" in real[name]] == [
        name for name in CASES if name not in BUILT
    ]
    rejected = [name for name in BUILT if real[name]["schema_error"] is not None]
    assert rejected == [name for name in BUILT if name.startswith("schema_rejects_")]
