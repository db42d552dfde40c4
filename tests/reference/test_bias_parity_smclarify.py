"""Every bias metric of ``plimsoll.engines.bias`` equals smclarify 0.5's on seeded data.

The data are generated here, once, and sent to smclarify (reference venv) as JSON, so both
sides read the very same values. Each dataset runs both stages (all pre-training metrics; all
post-training metrics, FT included). Most datasets have a continuous feature (``score``);
the ``*_distance_ties`` ones do not, so the flip test's kNN meets many ties at the k-th
distance (discrete ``group`` and 2-decimal ``hours``), which Plimsoll hands to scikit-learn
so that the neighbours are the ones smclarify's k-d tree picks. Values must agree within
1e-9, a failing metric must fail on both sides with the same message, and a report smclarify
refuses must be refused here too.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from plimsoll.engines.bias import Stage, bias_report
from plimsoll.errors import ValidationError
from tests.reference.conftest import RunReference

TOLERANCE = 1e-9


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _dataset(seed: int, rows: int, facet: str) -> dict[str, list[Any]]:
    """Columns with label and prediction depending on the facet, so metrics are not ~0."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 6, rows)
    hours = np.round(rng.normal(40.0, 10.0, rows), 2)
    columns: dict[str, list[Any]] = {}
    if facet == "binary":
        f = (rng.random(rows) < 0.3).astype(np.int64)
        shift = 0.9 * f
        columns["sex"] = f.tolist()
    elif facet == "categorical":
        f = rng.choice(np.array(["north", "south", "east", "west"]), rows, p=[0.4, 0.3, 0.2, 0.1])
        shift = np.select([f == "north", f == "east"], [0.8, -0.4], 0.0)
        columns["region"] = f.tolist()
    else:  # numeric
        f = np.round(np.clip(rng.normal(39.0, 13.0, rows), 17.0, 90.0), 1)
        shift = 0.03 * (f - 39.0)
        columns["age"] = f.tolist()
    logit = -0.4 + shift + 0.2 * (group - 2.5) + 0.03 * (hours - 40.0)
    score = _sigmoid(logit + rng.normal(0.0, 1.0, rows))
    columns["label"] = (rng.random(rows) < _sigmoid(logit)).astype(np.int64).tolist()
    columns["score"] = np.round(score, 6).tolist()
    columns["pred"] = (score > 0.5).astype(np.int64).tolist()
    columns["group"] = group.tolist()
    columns["hours"] = hours.tolist()
    return columns


def _cases() -> dict[str, dict[str, Any]]:
    base: dict[str, dict[str, Any]] = {}
    binary = _dataset(1, 3000, "binary")
    base["binary_facet"] = {"columns": binary, "facet": "sex", "facet_values": [1]}
    base["binary_facet_one_vs_all"] = {"columns": binary, "facet": "sex", "facet_values": None}
    regions = _dataset(2, 4000, "categorical")
    base["categorical_one_vs_all"] = {"columns": regions, "facet": "region", "facet_values": None}
    base["categorical_two_values"] = {
        "columns": regions,
        "facet": "region",
        "facet_values": ["south", "west"],
    }
    ages = _dataset(3, 3000, "numeric")
    base["numeric_facet_threshold"] = {"columns": ages, "facet": "age", "facet_values": [40]}
    base["numeric_facet_float_threshold"] = {
        "columns": ages,
        "facet": "age",
        "facet_values": [55.5],
    }
    # Only discrete features for FT: about 8% of the disadvantaged rows tie at the 5th distance.
    for name, data, facet, values in (
        ("numeric", ages, "age", [40]),
        ("binary", binary, "sex", [1]),
    ):
        discrete = {k: v for k, v in data.items() if k != "score"}
        base[f"{name}_facet_distance_ties"] = {
            "columns": discrete, "facet": facet, "facet_values": values,
        }  # fmt: skip
    # A numeric label (and prediction) with a threshold: positives are score > 0.45.
    scored = dict(ages)
    scored["label"] = np.round(np.clip(np.array(ages["score"]) + 0.1, 0, 1), 6).tolist()
    scored["pred"] = ages["score"]
    base["numeric_label_threshold"] = {
        "columns": scored,
        "facet": "age",
        "facet_values": [40],
        "label_values": [0.45],
    }
    # String labels with two positive classes of three.
    rng = np.random.default_rng(4)
    multi = _dataset(4, 2000, "binary")
    classes = np.array(["low", "mid", "high"])
    multi["label"] = classes[rng.integers(0, 3, 2000)].tolist()
    multi["pred"] = classes[rng.integers(0, 3, 2000)].tolist()
    base["string_label_two_positive"] = {
        "columns": multi,
        "facet": "sex",
        "facet_values": [0],
        "label_values": ["mid", "high"],
    }
    # Small n: 8 advantaged rows (sex 0), so the flip test's kNN uses k=1. (With n < 40 an int
    # facet would be continuous: smclarify's 5% uniqueness rule.)
    small = _dataset(5, 60, "binary")
    small["sex"] = [0] * 8 + [1] * 52
    base["small_n_flip_k1"] = {"columns": small, "facet": "sex", "facet_values": [1]}
    # A tiny int facet is continuous (2 of 24 values unique): "(1, 1]" is empty, so every
    # pre-training metric fails with its own message; no predicted positive refuses post.
    tiny = _dataset(7, 24, "binary")
    tiny["sex"] = [1] * 6 + [0] * 18
    tiny["label"] = [0] * 6 + tiny["label"][6:]
    tiny["pred"] = [0] * 24
    base["tiny_continuous_facet"] = {"columns": tiny, "facet": "sex", "facet_values": [1]}
    # No predicted positive at all: smclarify refuses the whole post-training report.
    nopos = _dataset(6, 200, "binary")
    nopos["pred"] = [0] * 200
    base["no_predicted_positive"] = {"columns": nopos, "facet": "sex", "facet_values": [1]}

    cases: dict[str, dict[str, Any]] = {}
    for name, case in base.items():
        case.setdefault("label_values", [1])
        for stage in ("pre", "post"):
            cases[f"{name}-{stage}"] = {
                **case,
                "label": "label",
                "pred": "pred" if stage == "post" else None,
                "group": "group",
                "stage": stage,
                "metrics": ["all"],
            }
    return cases


CASES = _cases()


def _column(values: list[Any]) -> np.ndarray:
    array = np.asarray(values)
    return array.astype(object) if array.dtype.kind == "U" else array


def _ours(case: dict[str, Any]) -> dict[str, Any]:
    columns = {name: _column(values) for name, values in case["columns"].items()}
    post = case["stage"] == "post"
    skip = {case["facet"], case["label"], case["pred"]}
    try:
        results = bias_report(
            facet=columns[case["facet"]],
            facet_values_or_threshold=case["facet_values"],
            label=columns[case["label"]],
            label_values_or_threshold=case["label_values"],
            stage=Stage.POST_TRAINING if post else Stage.PRE_TRAINING,
            predicted_label=columns[case["pred"]] if post else None,
            metrics="all",
            group_variable=columns[case["group"]],
            features={n: c for n, c in columns.items() if n not in skip} if post else None,
        )
    except ValidationError as exc:
        return {"raises": ["ValidationError", str(exc)]}
    groups = []
    for result in results:
        metrics = {
            m.name: {"error": m.error} if m.error is not None else m.value for m in result.metrics
        }
        groups.append([result.value_or_threshold, metrics])
    return {"groups": groups}


@pytest.fixture(scope="module")
def smclarify(run_reference: RunReference, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("smclarify")
    (folder / "cases.json").write_text(json.dumps(CASES), encoding="utf-8")
    return run_reference("_smclarify_metrics.py", folder / "cases.json", out=folder / "out.json")


def _same(ours: object, theirs: object) -> bool:
    if isinstance(ours, float) and isinstance(theirs, float):
        if math.isnan(ours) or math.isnan(theirs):
            return math.isnan(ours) and math.isnan(theirs)
        return ours == theirs or abs(ours - theirs) <= TOLERANCE
    return ours == theirs


@pytest.mark.parametrize("name", list(CASES))
def test_metrics_equal_smclarify(smclarify: dict[str, Any], name: str) -> None:
    expected, ours = smclarify[name], _ours(CASES[name])
    if "raises" in expected:
        assert "raises" in ours, f"smclarify refused with {expected['raises']}; ours: {ours}"
        assert ours["raises"][1] == expected["raises"][1]  # ValidationError here, ValueError there
        return
    assert "groups" in ours, f"ours refused with {ours['raises']}; smclarify did not"
    assert [g for g, _ in ours["groups"]] == [g for g, _ in expected["groups"]]
    mismatches = [
        f"{group} {metric}: ours {value!r} vs smclarify {theirs.get(metric, 'missing')!r}"
        for (group, values), (_, theirs) in zip(ours["groups"], expected["groups"], strict=True)
        for metric, value in values.items()
        if not _same(value, theirs.get(metric, "missing"))
    ]
    assert not mismatches, "\n".join(mismatches)
    for (_, values), (_, theirs) in zip(ours["groups"], expected["groups"], strict=True):
        assert sorted(values) == sorted(theirs)


def test_cases_exercise_values_and_errors(smclarify: dict[str, Any]) -> None:
    """The data are not degenerate: most metrics are non-zero numbers, some are errors."""
    values = [
        v
        for entry in smclarify.values()
        for _, metrics in entry.get("groups", [])
        for v in metrics.values()
    ]
    numbers = [v for v in values if isinstance(v, float)]
    assert sum(abs(v) > 1e-6 for v in numbers) > 0.8 * len(numbers) > 200
    assert any(isinstance(v, dict) for v in values)
    assert sorted(name for name, entry in smclarify.items() if "raises" in entry) == [
        "no_predicted_positive-post",
        "tiny_continuous_facet-post",
    ]
