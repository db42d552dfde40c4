"""The real SDK's analysis_config.json, run by ``plimsoll clarify run``, gives smclarify's values.

sagemaker 2.199.0 (reference venv) writes the config of ``run_bias`` (two facets, a group
variable, predictions in the data so no model), Plimsoll's CLI runs it on a generated CSV with
a header row, and every metric of ``analysis.json`` must equal smclarify 0.5's ``bias_report``
on the same file within 1e-9 (a failing metric failing on both sides with the same message).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from plimsoll.cli.main import cli
from tests.reference.conftest import RunReference

TOLERANCE = 1e-9
ROWS = 400


def _write_dataset(path: Path) -> None:
    """Label and prediction depend on sex and age; ``score`` keeps the flip test tie-free."""
    rng = np.random.default_rng(20261122)
    sex = (rng.random(ROWS) < 0.6).astype(np.int64)
    age = rng.integers(18, 80, ROWS)
    group = rng.integers(0, 4, ROWS)
    hours = np.round(rng.normal(40.0, 10.0, ROWS), 1)
    logit = -0.5 + 0.9 * sex + 0.03 * (age - 40) + 0.3 * (group - 1.5)
    score = np.round(1.0 / (1.0 + np.exp(-(logit + rng.normal(0.0, 1.0, ROWS)))), 6)
    label = (rng.random(ROWS) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    pred = (score > 0.5).astype(np.int64)
    lines = ["label,pred,sex,age,group,hours,score"]
    lines += [
        f"{label[i]},{pred[i]},{sex[i]},{age[i]},{group[i]},{hours[i]},{score[i]}"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _metrics(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        m["name"]: {"error": m["error"]} if m.get("error") else m["value"] for m in entry["metrics"]
    }


def _same(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, float | int) and isinstance(theirs, float):
        return math.isclose(ours, theirs, rel_tol=0.0, abs_tol=TOLERANCE)
    return bool(ours == theirs)


@pytest.fixture(scope="module")
def run(run_reference: RunReference, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """(analysis.json written by Plimsoll, smclarify's values, the SDK's config)."""
    folder = tmp_path_factory.mktemp("e2e")
    data, config = folder / "data" / "train.csv", folder / "analysis_config.json"
    data.parent.mkdir()
    _write_dataset(data)
    expected = run_reference("_e2e_reference.py", data, config, out=folder / "smclarify.json")
    runner = CliRunner(env={"PLIMSOLL_HOME": str(folder / "home"), "PLIMSOLL_ENDPOINT_URL": ""})
    out = folder / "out"
    args = ["clarify", "run", str(config), "--data", str(data), "--output", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    return analysis, expected, json.loads(config.read_text(encoding="utf-8"))


def test_config_is_the_real_sdks(run: Any) -> None:
    _, _, config = run
    assert config["methods"]["pre_training_bias"] == {"methods": "all"}
    assert config["methods"]["post_training_bias"] == {"methods": "all"}
    assert config["predicted_label"] == "pred" and "predictor" not in config


@pytest.mark.parametrize("section", ["pre_training_bias_metrics", "post_training_bias_metrics"])
@pytest.mark.parametrize("facet", ["sex", "age"])
def test_analysis_values_equal_smclarify(run: Any, section: str, facet: str) -> None:
    analysis, expected, _ = run
    ours = analysis[section]["facets"][facet]
    theirs = expected[section][facet]
    assert "groups" in theirs, f"smclarify refused: {theirs}"
    assert [g["value_or_threshold"] for g in ours] == [g for g, _ in theirs["groups"]]
    for group, (_, their_metrics) in zip(ours, theirs["groups"], strict=True):
        our_metrics = _metrics(group)
        assert sorted(our_metrics) == sorted(their_metrics)
        assert len(our_metrics) == (8 if section.startswith("pre") else 13)
        assert all(isinstance(v, float) for v in their_metrics.values())  # no error to agree on
        bad = {
            name: (value, their_metrics[name])
            for name, value in our_metrics.items()
            if not _same(value, their_metrics[name])
        }
        assert not bad, f"{facet} {group['value_or_threshold']}: ours vs smclarify {bad}"
