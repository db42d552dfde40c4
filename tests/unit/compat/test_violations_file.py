"""constraint_violations.json (data quality) and constraints.json -> checks config."""

from __future__ import annotations

import json
from pathlib import Path

import pydantic
import pytest

from plimsoll.compat.monitor_files import to_constraints_json
from plimsoll.compat.violations_file import (
    ConstraintViolations,
    checks_config_from_constraints,
    to_violations_json,
    violations_from_json,
)
from plimsoll.engines.checks import (
    CategoricalDriftMethod,
    CheckType,
    ComparisonMethod,
    Violation,
    checks_config_from_suggestion,
)
from plimsoll.engines.profile import (
    ConstraintSuggestion,
    DistributionConstraints,
    FeatureConstraint,
    InferredType,
    MonitoringConfig,
)

REF = Path("/work/shared/reference/model_monitor")
CHURN = REF / "examples_data_quality_churn"
SDK = REF / "sdk_v2.199.0/tests_data_monitor"


@pytest.mark.parametrize(
    "path",
    [
        CHURN / "monitoring_output/constraint_violations.first10of60.reconstructed.json",
        SDK / "constraint_violations.json",
    ],
)
def test_real_files_parse_and_round_trip(path: Path) -> None:
    data = json.loads(path.read_text())
    ConstraintViolations.model_validate(data)
    violations = violations_from_json(data)
    assert violations
    assert to_violations_json(violations) == data


def test_written_shape() -> None:
    violation = Violation(
        feature_name="x", constraint_check_type=CheckType.COMPLETENESS, description="d"
    )
    assert to_violations_json([violation]) == {
        "violations": [
            {"feature_name": "x", "constraint_check_type": "completeness_check", "description": "d"}
        ]
    }
    assert to_violations_json([]) == {"violations": []}


def test_unknown_check_type_is_rejected() -> None:
    bad = {"violations": [{"feature_name": "x", "constraint_check_type": "y", "description": ""}]}
    with pytest.raises(ValueError):
        violations_from_json(bad)
    with pytest.raises(pydantic.ValidationError):
        violations_from_json({"violations": [{"feature_name": "x"}]})


def test_real_constraints_file() -> None:
    cfg = checks_config_from_constraints(
        json.loads((CHURN / "baseline_output/constraints.json").read_text())
    )
    assert len(cfg.features) == 70
    assert cfg.features[0].name == "Churn"
    assert cfg.features[0].inferred_type is InferredType.INTEGRAL
    assert cfg.features[0].completeness == 1.0
    assert cfg.evaluate_constraints and cfg.perform_comparison
    assert (cfg.datatype_check_threshold, cfg.domain_content_threshold) == (1.0, 1.0)
    assert cfg.comparison_threshold == cfg.categorical_comparison_threshold == 0.1
    assert cfg.comparison_method is ComparisonMethod.ROBUST
    assert cfg.categorical_drift_method is CategoricalDriftMethod.LINFINITY


def test_sdk_fixture_with_legacy_keys_and_overrides() -> None:
    data = json.loads((SDK / "constraints.json").read_text())
    cfg = checks_config_from_constraints(data)
    assert cfg.features[0].domains == ("preproc-not-YET-supported-for-csv-json",)
    assert cfg.perform_comparison
    assert cfg.comparison_threshold == cfg.categorical_comparison_threshold == 1.0
    data["features"][0]["string_constraints"]["monitoring_config_overrides"][
        "evaluate_constraints"
    ] = "Disabled"
    data["features"][1]["monitoringConfigOverrides"] = {"evaluate_constraints": "Disabled"}
    data["monitoring_config"]["distribution_constraints"] = {
        "perform_comparison": "Disabled",
        "categorical_drift_method": "ChiSquared",
        "categorical_comparison_threshold": 0.05,
    }
    cfg = checks_config_from_constraints(data)
    assert [f.evaluate for f in cfg.features] == [False, False]
    assert not cfg.perform_comparison
    assert cfg.categorical_drift_method is CategoricalDriftMethod.CHI_SQUARED
    assert cfg.categorical_comparison_threshold == 0.05


def test_file_and_suggestion_give_the_same_config() -> None:
    suggestion = ConstraintSuggestion(
        features=(
            FeatureConstraint(
                name="n",
                inferred_type=InferredType.INTEGRAL,
                completeness=1.0,
                is_non_negative=True,
            ),
            FeatureConstraint(
                name="s", inferred_type=InferredType.STRING, completeness=0.5, domains=("a", "b")
            ),
        ),
        monitoring_config=MonitoringConfig(
            datatype_check_threshold=0.9,
            distribution_constraints=DistributionConstraints(comparison_method="Simple"),
        ),
    )
    from_file = checks_config_from_constraints(to_constraints_json(suggestion))
    assert from_file == checks_config_from_suggestion(suggestion)
