"""The Clarify image's dataset layouts: JSON, dataset_uri, facet and predicted-label files
joined on an ID, segments, and the same data read from a real S3 service in a job."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from plimsoll.api.wiring import Api, build_api
from plimsoll.images.clarify import COMPLETED_MESSAGE
from plimsoll.metadata.entities import ClusterSpec, JobStatus, ProcessingJobSpec
from plimsoll.settings import Settings
from tests.fixtures.seaweed import SeaweedS3
from tests.integration._clarify import adult, run_image, write_csv
from tests.integration._jobs import s3_input, s3_output, unique_name, wait_for

IMAGE = "sagemaker-clarify-processing:1.0"
BIAS = {"pre_training_bias": {"methods": "all"}, "post_training_bias": {"methods": "all"}}


def _with_ids(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"id": np.arange(1000, 1000 + columns["age"].size), **columns}


def _config(headers: list[str], **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "dataset_type": "text/csv",
        "headers": headers,
        "label": "income",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "sex", "value_or_threshold": ["Female"]}],
        "group_variable": "race",
        "methods": dict(BIAS),
    }
    config.update(overrides)
    return config


def _one_file(tmp_path: Path, columns: dict[str, np.ndarray]) -> dict[str, Any]:
    """The reference: everything in one file, the ID excluded as a join column."""
    write_csv(columns, tmp_path / "data" / "all.csv", header=False)
    config = _config(list(columns), predicted_label="predicted", joinsource_name_or_index="id")
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    return analysis


def _split(columns: dict[str, np.ndarray], side: list[str]) -> dict[str, np.ndarray]:
    return {n: c for n, c in columns.items() if n not in side}


def test_facet_and_predictions_in_shuffled_files_joined_on_an_id(tmp_path: Path) -> None:
    columns = _with_ids(adult())
    expected = _one_file(tmp_path / "one", columns)
    order = np.random.default_rng(3).permutation(columns["id"].size)
    base = tmp_path / "split"
    main = _split(columns, ["sex", "predicted"])
    write_csv(main, base / "data" / "main.csv", header=False)
    facets = {"id": columns["id"][order], "sex": columns["sex"][order]}
    write_csv(facets, base / "side" / "facets.csv", header=True)
    predictions = {"id": columns["id"][order], "predicted": columns["predicted"][order]}
    write_csv(predictions, base / "side" / "predicted.csv", header=False)
    config = _config(
        list(main), joinsource_name_or_index="id",
        facet_dataset_uri=str(base / "side" / "facets.csv"), facet_headers=["id", "sex"],
        predicted_label_dataset_uri=f"file://{base / 'side' / 'predicted.csv'}",
        predicted_label_headers=["id", "predicted"], predicted_label="predicted",
    )  # fmt: skip
    code, message, analysis = run_image(base, config)
    assert code == 0, message
    assert analysis == expected
    assert analysis["post_training_bias_metrics"]["facets"]["sex"][0]["metrics"]


def test_side_files_by_position_without_a_join_column(tmp_path: Path) -> None:
    columns = adult()
    write_csv(_split(columns, ["sex"]), tmp_path / "data" / "main.csv", header=False)
    write_csv({"sex": columns["sex"]}, tmp_path / "facets.csv", header=False)
    config = _config(
        [n for n in columns if n != "sex"], predicted_label="predicted",
        facet_dataset_uri=str(tmp_path / "facets.csv"), facet_headers=["sex"],
    )  # fmt: skip
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    reference = tmp_path / "one"
    write_csv(columns, reference / "data" / "all.csv", header=False)
    _, _, expected = run_image(reference, _config(list(columns), predicted_label="predicted"))
    assert expected is not None
    assert analysis["pre_training_bias_metrics"] == expected["pre_training_bias_metrics"]


@pytest.mark.parametrize(
    ("facet_ids", "text"),
    [
        (lambda ids: ids[1:], "1 rows of the dataset have no match in the facet dataset"),
        (lambda ids: np.concatenate([ids, ids[:2]]), "The facet dataset has 2 duplicate join IDs"),
    ],
    ids=["missing-id", "duplicate-ids"],
)
def test_a_join_that_would_drop_or_double_rows_fails(
    tmp_path: Path, facet_ids: Any, text: str
) -> None:
    columns = _with_ids(adult(rows=50))
    write_csv(_split(columns, ["sex"]), tmp_path / "data" / "main.csv", header=False)
    ids = facet_ids(columns["id"])
    write_csv({"id": ids, "sex": np.full(ids.size, "Female")}, tmp_path / "f.csv", header=False)
    config = _config(
        [n for n in columns if n != "sex"], joinsource_name_or_index="id",
        predicted_label="predicted", facet_dataset_uri=str(tmp_path / "f.csv"),
        facet_headers=["id", "sex"],
    )  # fmt: skip
    code, message, _ = run_image(tmp_path, config)
    assert code == 1
    assert message.startswith(f"Error: {text}"), message


def test_a_side_file_of_another_length_fails(tmp_path: Path) -> None:
    columns = adult(rows=40)
    write_csv(_split(columns, ["sex"]), tmp_path / "data" / "main.csv", header=False)
    write_csv({"sex": columns["sex"][:39]}, tmp_path / "f.csv", header=False)
    config = _config(
        [n for n in columns if n != "sex"], predicted_label="predicted",
        facet_dataset_uri=str(tmp_path / "f.csv"), facet_headers=["sex"],
    )  # fmt: skip
    code, message, _ = run_image(tmp_path, config)
    assert code == 1
    assert "facet dataset has 39 rows and the dataset 40" in message


@pytest.mark.parametrize(
    ("document", "features", "label"),
    [
        (lambda rows: {"data": {"features": [r[0] for r in rows], "label": [r[1] for r in rows]}},
         "data.features", "data.label"),
        (lambda rows: [{"features": r[0], "label": r[1]} for r in rows],
         "[*].features", "[*].label"),
    ],
    ids=["columns-object", "list-of-records"],
)  # fmt: skip
def test_json_dataset_equals_the_same_data_as_csv(
    tmp_path: Path, document: Any, features: str, label: str
) -> None:
    columns = adult()
    names = ["age", "sex", "race", "hours"]
    rows = [
        ([columns[n].tolist()[i] for n in names], int(columns["income"][i]))
        for i in range(columns["age"].size)
    ]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "all.json").write_text(json.dumps(document(rows)))
    config = _config(
        [*names, "income"], dataset_type="application/json", features=features, label=label,
        methods={"pre_training_bias": {"methods": "all"}},
    )  # fmt: skip
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    reference = tmp_path / "csv"
    write_csv({n: columns[n] for n in [*names, "income"]}, reference / "data" / "a.csv", False)
    csv_config = _config([*names, "income"], methods={"pre_training_bias": {"methods": "all"}})
    _, _, expected = run_image(reference, csv_config)
    assert analysis == expected


def test_json_labels_that_do_not_line_up_with_the_rows_fail(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    document = {"features": [[1, "a"], [2, "b"], [3, "a"]], "label": [1, 0]}
    (tmp_path / "data" / "d.json").write_text(json.dumps(document))
    config = _config(
        ["x", "sex", "income"], dataset_type="application/json", features="features",
        label="label", methods={"pre_training_bias": {"methods": "all"}},
        facet=[{"name_or_index": "sex"}], group_variable=None,
    )  # fmt: skip
    code, message, _ = run_image(tmp_path, config)
    assert code == 1
    assert "path 'label' must give one value per row (3 rows), got 2 values" in message


def test_dataset_uri_overrides_the_data_input(tmp_path: Path) -> None:
    columns = adult()
    write_csv(columns, tmp_path / "elsewhere" / "part-1.csv", header=False)
    (tmp_path / "data").mkdir()  # the dataset input is empty
    config = _config(
        list(columns), predicted_label="predicted", dataset_uri=str(tmp_path / "elsewhere")
    )
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    reference = tmp_path / "ref"
    write_csv(columns, reference / "data" / "a.csv", header=False)
    _, _, expected = run_image(reference, _config(list(columns), predicted_label="predicted"))
    assert analysis == expected


def test_an_s3_uri_without_an_s3_service_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "data").mkdir()
    config = _config(list(adult()), dataset_uri="s3://bucket/adult/")
    code, message, _ = run_image(tmp_path, config)
    assert code == 1
    assert "dataset_uri 's3://bucket/adult/' cannot be read from inside this job" in message
    assert "PLIMSOLL_S3_ENDPOINT_URL" in message


def test_segments_are_the_analysis_of_their_rows(tmp_path: Path) -> None:
    columns = adult(rows=600)
    write_csv(columns, tmp_path / "data" / "all.csv", header=False)
    segments = [
        {"name_or_index": "age", "segments": [["[18, 40]"], ["(40, 60]"]], "config_name": "ages"},
        {"name_or_index": "race", "segments": [["White"], ["Black"]],
         "display_aliases": ["white", "black", "other"]},
    ]  # fmt: skip
    config = _config(list(columns), predicted_label="predicted", segment_config=segments)
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    by_age, by_race = analysis["segment_analysis"]
    assert by_age["config_name"] == "ages"
    assert [s["name"] for s in by_age["segments"]] == ["[18, 40]", "(40, 60]", "__default__"]
    assert [s["name"] for s in by_race["segments"]] == ["white", "black", "other"]
    masks = {
        "[18, 40]": columns["age"] <= 40,
        "(40, 60]": (columns["age"] > 40) & (columns["age"] <= 60),
        "__default__": columns["age"] > 60,
        "other": columns["race"] == "Other",
    }
    found = {s["name"]: s for s in by_age["segments"] + by_race["segments"]}
    for name, mask in masks.items():
        part = tmp_path / name.strip("[(]_")
        write_csv({n: c[mask] for n, c in columns.items()}, part / "data" / "p.csv", False)
        code, message, expected = run_image(part, config | {"segment_config": None})
        assert code == 0, message
        assert expected is not None
        assert found[name]["num_rows"] == int(mask.sum())
        for key in ("pre_training_bias_metrics", "post_training_bias_metrics"):
            assert found[name][key] == expected[key], name


def test_an_empty_segment_is_reported_not_fatal(tmp_path: Path) -> None:
    columns = adult()
    write_csv(columns, tmp_path / "data" / "all.csv", header=False)
    segments = [{"name_or_index": "age", "segments": [["[200, 300]"]]}]
    config = _config(list(columns), predicted_label="predicted", segment_config=segments)
    code, message, analysis = run_image(tmp_path, config)
    assert code == 0, message
    assert analysis is not None
    empty, rest = analysis["segment_analysis"][0]["segments"]
    assert empty == {"name": "[200, 300]", "values": ["[200, 300]"], "num_rows": 0,
                     "error": "No rows of the dataset are in this segment"}  # fmt: skip
    assert rest["num_rows"] == columns["age"].size
    assert rest["pre_training_bias_metrics"] == analysis["pre_training_bias_metrics"]


@pytest.fixture
def s3_api(tmp_path: Path, seaweed_s3: SeaweedS3) -> Iterator[Api]:
    settings = Settings.load(
        home=tmp_path / "home",
        s3_endpoint_url=seaweed_s3.endpoint_url,
        s3_access_key_id=seaweed_s3.access_key_id,
        s3_secret_access_key=seaweed_s3.secret_access_key,
        stop_grace_seconds=2.0,
    )
    api = build_api(settings)
    yield api
    api.close()


@pytest.mark.s3
def test_a_job_reads_dataset_and_facet_files_from_s3(s3_api: Api, tmp_path: Path) -> None:
    columns = _with_ids(adult())
    expected = _one_file(tmp_path / "one", columns)
    s3 = s3_api.storage.for_uri("s3://clarify-data/")
    main = _split(columns, ["sex", "predicted"])
    for name, part, header in (
        ("main/part-0.csv", main, False),
        ("facets.csv", {"id": columns["id"], "sex": columns["sex"]}, True),
        ("predicted.csv", {"id": columns["id"], "predicted": columns["predicted"]}, True),
    ):
        write_csv(part, tmp_path / "upload" / name, header=header)
        s3.write_bytes(f"s3://clarify-data/{name}", (tmp_path / "upload" / name).read_bytes())
    config = _config(
        list(main), joinsource_name_or_index="id", dataset_uri="s3://clarify-data/main/",
        facet_dataset_uri="s3://clarify-data/facets.csv", facet_headers=["id", "sex"],
        predicted_label_dataset_uri="s3://clarify-data/predicted.csv",
        predicted_label_headers=["id", "predicted"], predicted_label="predicted",
    )  # fmt: skip
    s3.write_bytes("s3://clarify-data/config/analysis_config.json", json.dumps(config).encode())
    spec = ProcessingJobSpec(
        name=unique_name("clarify-s3"),
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri=IMAGE,
        cluster=ClusterSpec(instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=20),
        inputs=(s3_input("analysis_config", "s3://clarify-data/config/",
                         "/opt/ml/processing/input/config"),),
        outputs=(s3_output("analysis_result", "/opt/ml/processing/output",
                           "s3://clarify-data/out/"),),
    )  # fmt: skip
    s3_api.processing.create_processing_job(spec)
    job = wait_for(s3_api.processing, spec.name, timeout=120)
    assert job.status is JobStatus.COMPLETED, job.failure_reason
    assert job.exit_message == COMPLETED_MESSAGE
    assert json.loads(s3.read_bytes("s3://clarify-data/out/analysis.json")) == expected
