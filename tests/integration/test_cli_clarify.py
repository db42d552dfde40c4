"""``plimsoll clarify run`` and ``clarify report`` on a real home, in-process (no server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from plimsoll.cli.main import cli


@pytest.fixture
def runner(tmp_path: Path) -> CliRunner:
    return CliRunner(
        env={
            "PLIMSOLL_HOME": str(tmp_path / "home"),
            "PLIMSOLL_ENDPOINT_URL": "",
            "COLUMNS": "250",
        }
    )


def _invoke(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


def _dataset(folder: Path) -> Path:
    """200 rows where ``sex == 0`` is a quarter of the rows and gets fewer positive labels."""
    folder.mkdir()
    lines = ["income,sex,age"]
    for i in range(200):
        sex = 0 if i % 4 == 0 else 1
        income = 1 if (i % 5 == 0 if sex == 0 else i % 2 == 0) else 0
        lines.append(f"{income},{sex},{20 + i % 40}")
    path = folder / "train.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _config(path: Path, **overrides: object) -> Path:
    config: dict[str, object] = {
        "dataset_type": "text/csv",
        "headers": ["income", "sex", "age"],
        "label": "income",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "sex", "value_or_threshold": [0]}],
        "methods": {
            "report": {"name": "report", "title": "Income <bias>"},
            "pre_training_bias": {"methods": ["CI", "DPL"]},
        },
    }
    config.update(overrides)
    path.write_text(json.dumps(config))
    return path


def test_run_writes_analysis_and_report(runner: CliRunner, tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    config = _config(tmp_path / "my_config.json")
    out = tmp_path / "out"

    result = _invoke(
        runner, "clarify", "run", str(config), "--data", str(data), "--output", str(out)
    )

    assert result.exit_code == 0, result.output
    analysis = json.loads((out / "analysis.json").read_text())
    (group,) = analysis["pre_training_bias_metrics"]["facets"]["sex"]
    assert {m["name"] for m in group["metrics"]} == {"CI", "DPL"}
    html = (out / "report.html").read_text()
    assert "<title>Income &lt;bias&gt;</title>" in html and "Class Imbalance (CI)" in html
    notebook = json.loads((out / "report.ipynb").read_text())
    assert notebook["nbformat"] == 4
    # The summary table and the file locations.
    assert "CI" in result.output and "DPL" in result.output
    assert f"{out}/analysis.json" in result.output
    assert f"{out}/report.html" in result.output


def test_run_with_a_bad_config_is_one_red_line(runner: CliRunner, tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    config = _config(tmp_path / "bad.json", dataset_type="text/nonsense")

    result = _invoke(
        runner, "clarify", "run", str(config), "--data", str(data), "--output", str(tmp_path / "o")
    )

    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "dataset_type" in result.output
    assert not (tmp_path / "o").exists()


def test_run_of_a_failing_job_is_one_red_line(runner: CliRunner, tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    facet = [{"name_or_index": "gender", "value_or_threshold": [0]}]
    config = _config(tmp_path / "c.json", facet=facet)

    result = _invoke(
        runner, "clarify", "run", str(config), "--data", str(data), "--output", str(tmp_path / "o")
    )

    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error:") and "gender" in last, result.output


def test_run_with_a_missing_config_file(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(
        runner, "clarify", "run", str(tmp_path / "nope.json"), "--data", "x", "--output", "y"
    )
    assert result.exit_code == 1
    assert "not found" in result.output and len(result.output.strip().splitlines()) == 1


def _analysis() -> dict[str, object]:
    metric = {"name": "CI", "description": "Class Imbalance (CI)", "value": 0.5}
    return {
        "version": "1.0",
        "pre_training_bias_metrics": {
            "label": "income",
            "label_value_or_threshold": "1",
            "facets": {"sex": [{"value_or_threshold": "0", "metrics": [metric]}]},
        },
    }


def test_report_from_a_folder_uses_the_configured_title(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "analysis.json").write_text(json.dumps(_analysis()))
    _config(folder / "analysis_config.json")

    result = _invoke(runner, "clarify", "report", str(folder))

    assert result.exit_code == 0, result.output
    html = (folder / "report.html").read_text()
    assert "<title>Income &lt;bias&gt;</title>" in html and "Class Imbalance (CI)" in html
    assert str(folder / "report.html") in result.output


def test_report_from_a_file_to_an_output_path(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text(json.dumps(_analysis()))
    target = tmp_path / "deep" / "r.html"

    result = _invoke(runner, "clarify", "report", str(source), "--output", str(target))

    assert result.exit_code == 0, result.output
    assert "<title>Clarify report</title>" in target.read_text()


def test_report_of_a_non_json_file_is_one_red_line(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text("not json")

    result = _invoke(runner, "clarify", "report", str(source))

    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "JSON" in result.output


def test_report_in_every_format_beside_the_analysis(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "analysis.json").write_text(json.dumps(_analysis()))

    result = _invoke(
        runner,
        "clarify",
        "report",
        str(folder),
        "--format",
        "pdf",
        "--format",
        "html",
        "--format",
        "ipynb",
    )

    assert result.exit_code == 0, result.output
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert "Class Imbalance (CI)" in (folder / "report.html").read_text()
    assert json.loads((folder / "report.ipynb").read_text())["nbformat"] == 4
    for name in ("report.html", "report.ipynb", "report.pdf"):
        assert str(folder / name) in result.output


def test_report_format_follows_the_output_suffix(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text(json.dumps(_analysis()))
    target = tmp_path / "out" / "bias.pdf"

    result = _invoke(runner, "clarify", "report", str(source), "--output", str(target))

    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in target.parent.iterdir()) == ["bias.pdf"]
