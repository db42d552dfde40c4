"""Spec §2.4: the 12-row worked example, every metric against numbers worked out by hand."""

from __future__ import annotations

import json
import math

import pytest

from plimsoll.engines.bias import Stage, bias_report, bias_section
from tests.engines._bias_data import GRP, SEX, Y_HAT, X, Y

# n_a = 7 (M), n_d = 5 (F); positives a = 4, d = 2.
# Confusion a: TP 3 FP 1 FN 1 TN 2; d: TP 1 FP 1 FN 1 TN 2.
_PA, _PD = (3 / 7, 4 / 7), (3 / 5, 2 / 5)
_M = tuple((p + q) / 2 for p, q in zip(_PA, _PD, strict=True))
PRE = {
    "CI": (7 - 5) / 12,
    "DPL": 4 / 7 - 2 / 5,
    "KL": sum(p * math.log(p / q) for p, q in zip(_PA, _PD, strict=True)),
    "JS": 0.5
    * sum(p * math.log(p / m) + q * math.log(q / m) for p, q, m in zip(_PA, _PD, _M, strict=True)),
    "LP": math.sqrt(2) * (4 / 7 - 2 / 5),
    "TVD": 4 / 7 - 2 / 5,
    "KS": 4 / 7 - 2 / 5,
    # grp 1: n=6, positives 3 (d 1), negatives 3 (d 1) -> 1/3 - 1/3;
    # grp 2: n=6, positives 3 (d 1), negatives 3 (d 2) -> 2/3 - 1/3
    "CDDL": (6 * (1 / 3 - 1 / 3) + 6 * (2 / 3 - 1 / 3)) / 12,
}
POST = {
    "AD": 5 / 7 - 3 / 5,
    # predictions: grp 1 positives 4 (d 2), negatives 2 (d 0) -> 0/2 - 2/4;
    # grp 2 positives 2 (d 0), negatives 4 (d 3) -> 3/4 - 0/2
    "CDDPL": (6 * (0 / 2 - 2 / 4) + 6 * (3 / 4 - 0 / 2)) / 12,
    "DAR": 3 / 4 - 1 / 2,
    "DCA": 4 / 4 - 2 / 2,
    "DCR": 3 / 3 - 3 / 3,
    "DI": (2 / 5) / (4 / 7),
    "DPPL": 4 / 7 - 2 / 5,
    "DRR": 2 / 3 - 2 / 3,
    "FT": -1 / 5,
    "GE": (2 * (0 - 1) + 8 * 0 + 2 * (4 - 1)) / (2 * 12),
    "RD": 3 / 4 - 1 / 2,
    "SD": 2 / 3 - 2 / 3,
    "TE": 1 / 1 - 1 / 1,
}
# The rounded table printed in the spec, as an independent check of the hand numbers.
SPEC_TABLE = {
    "CI": 0.166667,
    "DPL": 0.171429,
    "KL": 0.059612,
    "JS": 0.014779,
    "LP": 0.242437,
    "TVD": 0.171429,
    "KS": 0.171429,
    "CDDL": 0.166667,
    "AD": 0.114286,
    "CDDPL": 0.125,
    "DAR": 0.25,
    "DCA": 0.0,
    "DCR": 0.0,
    "DI": 0.7,
    "DPPL": 0.171429,
    "DRR": 0.0,
    "FT": -0.2,
    "GE": 0.166667,
    "RD": 0.25,
    "SD": 0.0,
    "TE": 0.0,
}


def _run(stage: Stage) -> dict[str, float | None]:
    [entry] = bias_report(
        facet=SEX,
        facet_values_or_threshold=["F"],
        label=Y,
        label_values_or_threshold=["yes"],
        stage=stage,
        predicted_label=Y_HAT,
        group_variable=GRP,
        features={"grp": GRP, "x": X},
    )
    assert entry.value_or_threshold == "F"
    names = [m.name for m in entry.metrics]
    assert names == sorted(names)
    assert all(m.error is None for m in entry.metrics)
    return {m.name: m.value for m in entry.metrics}


@pytest.mark.parametrize(
    ("stage", "expected"), [(Stage.PRE_TRAINING, PRE), (Stage.POST_TRAINING, POST)]
)
def test_worked_example_matches_hand_numbers(stage: Stage, expected: dict[str, float]) -> None:
    values = _run(stage)
    assert set(values) == set(expected)
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, abs=1e-12), name
        assert values[name] == pytest.approx(SPEC_TABLE[name], abs=5e-7), name


def test_worked_example_section_is_analysis_json_shape() -> None:
    results = bias_report(
        facet=SEX,
        facet_values_or_threshold=["F"],
        label=Y,
        label_values_or_threshold=["yes"],
        stage=Stage.PRE_TRAINING,
        metrics=["CI", "DPL"],
    )
    section = bias_section(
        label_name="y", label=Y, label_values_or_threshold=["yes"], facets={"sex": results}
    )
    as_json = json.loads(json.dumps(section.to_dict()))
    assert as_json == {
        "label": "y",
        "label_value_or_threshold": "yes",
        "facets": {
            "sex": [
                {
                    "value_or_threshold": "F",
                    "metrics": [
                        {"name": "CI", "description": "Class Imbalance (CI)", "value": PRE["CI"]},
                        {
                            "name": "DPL",
                            "description": "Difference in Positive Proportions in Labels (DPL)",
                            "value": PRE["DPL"],
                        },
                    ],
                }
            ]
        },
    }
