"""``upload_ground_truth`` and ``plimsoll monitor ground-truth upload`` write SageMaker's layout
into a Session's storage (embedded: local disk under PLIMSOLL_HOME), and the merge reads it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from plimsoll.api.wiring import build_storage
from plimsoll.cli.main import cli
from plimsoll.compat import ground_truth as gt
from plimsoll.compat.ground_truth_merge import load_and_merge
from plimsoll.errors import ValidationError
from plimsoll.model_monitor.ground_truth import GroundTruthRecord, upload_ground_truth
from plimsoll.s3 import S3Downloader, S3Uploader
from plimsoll.sdk.session import Session
from plimsoll.settings import Settings

GT_URI = "s3://labels/churn/ground-truth"
UPLOADED = datetime(2021, 5, 18, 1, 30, tzinfo=UTC)
HOUR_FOLDER = f"{GT_URI}/2021/05/18/01/"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def sess(home: Path) -> Iterator[Session]:
    with Session(settings=Settings.load(home=home, scheduler_interval_seconds=0)) as opened:
        yield opened


def _read_back(sess: Session, uri: str) -> list[GroundTruthRecord]:
    return gt.parse_lines(S3Downloader.read_bytes(uri, sess), source=uri)


def test_sdk_helper_writes_one_file_in_the_upload_hour(sess: Session) -> None:
    uri = upload_ground_truth(
        [("58", 1), ("59", "0"), {"event_id": "60", "label": {"label": 1}}],
        GT_URI,
        sagemaker_session=sess,
        upload_time=UPLOADED,
    )
    assert uri.startswith(HOUR_FOLDER) and uri.endswith(".jsonl")
    assert S3Downloader.list(HOUR_FOLDER, sess) == [uri]
    assert _read_back(sess, uri) == [
        GroundTruthRecord(event_id="58", data="1", encoding="CSV"),
        GroundTruthRecord(event_id="59", data="0", encoding="CSV"),
        GroundTruthRecord(event_id="60", data='{"label": 1}', encoding="JSON"),
    ]


def test_sdk_helper_accepts_ready_records_and_names(sess: Session) -> None:
    ready = {
        "groundTruthData": {"data": "1", "encoding": "CSV"},
        "eventMetadata": {"eventId": "a"},
        "eventVersion": "0",
    }
    uri = upload_ground_truth(
        [ready, gt.build_record("b", 0)],
        GT_URI + "/",
        sagemaker_session=sess,
        upload_time=datetime(2021, 5, 18, 23, 59),  # naive: UTC
        file_name="batch-1",
    )
    assert uri == f"{GT_URI}/2021/05/18/23/batch-1.jsonl"
    assert [r.event_id for r in _read_back(sess, uri)] == ["a", "b"]
    # The bytes are AWS's example format: json.dumps defaults, one record a line.
    first = S3Downloader.read_file(uri, sess).splitlines()[0]
    assert first == json.dumps(ready)


@pytest.mark.parametrize(
    ("records", "uri", "fragment"),
    [
        ([], GT_URI, "no records"),
        ([("a", True)], GT_URI, "not a valid label"),
        ([{"eventId": "a"}], GT_URI, "records item 1"),
        ([{"groundTruthData": {"data": 1, "encoding": "CSV"}}], GT_URI, "records line 1"),
        ([("a", 1)], "file:///tmp/gt", "s3:// URI"),
    ],
)
def test_sdk_helper_refuses_bad_input(
    sess: Session, records: list[object], uri: str, fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment):
        upload_ground_truth(records, uri, sagemaker_session=sess)  # type: ignore[arg-type]
    assert S3Downloader.list(GT_URI, sess) == []


def _run(home: Path, *args: str) -> tuple[int, str]:
    runner = CliRunner(env={"PLIMSOLL_HOME": str(home), "PLIMSOLL_ENDPOINT_URL": ""})
    result = runner.invoke(cli, ["monitor", "ground-truth", "upload", *args])
    return result.exit_code, result.output


def test_cli_uploads_csv_labels(home: Path, tmp_path: Path, sess: Session) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("event_id,label\n58,1\n\n59,0\n")
    code, out = _run(home, str(labels), "--to", GT_URI, "--time", "2021-05-18T01:30:00")
    assert code == 0, out
    (uri,) = S3Downloader.list(HOUR_FOLDER, sess)
    assert out.strip() == f"Uploaded 2 labels to {uri}"
    assert [(r.event_id, r.data) for r in _read_back(sess, uri)] == [("58", "1"), ("59", "0")]


def test_cli_uploads_json_lines_records(home: Path, tmp_path: Path, sess: Session) -> None:
    reference = Path(__file__).resolve().parents[3] / "shared/reference/model_monitor"
    source = reference / "sdk_v2.199.0/tests_data_monitor/actuals.jsonl"
    labels = tmp_path / "actuals.jsonl"
    labels.write_bytes(source.read_bytes())
    code, out = _run(home, str(labels), "--to", GT_URI, "--time", "2021-05-18T01:00:00+00:00")
    assert code == 0, out
    (uri,) = S3Downloader.list(HOUR_FOLDER, sess)
    records = _read_back(sess, uri)
    assert len(records) == 44
    assert records == gt.parse_lines(source.read_bytes())


@pytest.mark.parametrize(
    ("content", "extra", "fragment"),
    [
        ("58,1\n59\n", (), "labels.txt line 2: expected two non-empty fields"),
        ('{"groundTruthData": {"data": 1, "encoding": "CSV"}}\n', (), "labels.txt line 1"),
        ("event_id,label\n", (), "holds no labels"),
        ("58,1\n", ("--time", "yesterday"), "not an ISO 8601 time"),
    ],
)
def test_cli_reports_bad_files_without_a_traceback(
    home: Path, tmp_path: Path, sess: Session, content: str, extra: tuple[str, ...], fragment: str
) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text(content)
    code, out = _run(home, str(labels), "--to", GT_URI, *extra)
    assert code != 0
    assert fragment in out
    assert "Traceback" not in out
    assert S3Downloader.list(GT_URI, sess) == []


def test_uploaded_labels_merge_with_captured_traffic(home: Path, sess: Session) -> None:
    reference = Path(__file__).resolve().parents[3] / "shared/reference/model_monitor"
    capture = reference / "examples_model_quality_churn/capture"
    dest = "s3://labels/capture"
    S3Uploader.upload_bytes(
        (capture / "capture_with_inferenceId_2021-05-18.jsonl").read_bytes(),
        f"{dest}/churn/AllTraffic/2021/05/18/00/29-02-000-a.jsonl",
        sagemaker_session=sess,
    )
    upload_ground_truth([("58", 1)], GT_URI, sagemaker_session=sess, upload_time=UPLOADED)
    result = load_and_merge(
        build_storage(Settings.load(home=home)).for_uri(GT_URI),
        capture_destination=dest,
        endpoint="churn",
        variant="AllTraffic",
        start=datetime(2021, 5, 18, 0, tzinfo=UTC),
        end=datetime(2021, 5, 18, 1, tzinfo=UTC),
        ground_truth_uri=GT_URI,
        execution_time=UPLOADED,
    )
    assert (result.report.matched, result.report.captured_without_ground_truth) == (1, 1)
    # Labels uploaded at 01:30 are read by the 00:00-01:00 window run at 01:30; hour 00 had none.
    assert result.report.ground_truth_hours == ("2021/05/18/00", "2021/05/18/01")
    assert result.report.missing_hours == ("2021/05/18/00",)
    assert result.records[0].record["eventMetadata"]["inferenceId"] == "58"
