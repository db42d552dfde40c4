"""Session storage helpers and S3Uploader/S3Downloader, through Plimsoll's embedded S3."""

from __future__ import annotations

from pathlib import Path

import pytest

from plimsoll.s3 import S3Downloader, S3Uploader, parse_s3_url, s3_path_join
from plimsoll.sdk._uris import normalize_local
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.unit.sdk.fakes import RecordingClient

BUCKET = "sagemaker-us-east-1-000000000000"


def _tree(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.csv").write_text("a\n")
    (root / "sub" / "b.csv").write_text("b\n")
    return root


def test_identity_comes_from_settings(settings: Settings) -> None:
    session = Session(sagemaker_client=RecordingClient(), settings=settings)
    assert session.default_bucket() == BUCKET
    assert session.boto_region_name == "us-east-1"
    assert session.account_id() == "000000000000"
    named = Session(sagemaker_client=RecordingClient(), settings=settings, default_bucket="mine")
    assert named.default_bucket() == "mine"
    assert (
        Session(
            sagemaker_client=RecordingClient(),
            settings=settings.with_overrides(default_bucket="env"),
        ).default_bucket()
        == "env"
    )


def test_upload_data_file_and_directory(session: Session, tmp_path: Path) -> None:
    root = _tree(tmp_path / "data")

    file_uri = session.upload_data(str(root / "a.csv"), key_prefix="one")
    dir_uri = session.upload_data(str(root), bucket="other", key_prefix="many/x")

    assert file_uri == f"s3://{BUCKET}/one/a.csv"
    assert dir_uri == "s3://other/many/x"
    assert session.list_s3_files("other", "many/") == ["many/x/a.csv", "many/x/sub/b.csv"]
    assert session.read_s3_file(BUCKET, "one/a.csv") == "a\n"


def test_upload_data_default_prefix_only_for_default_bucket(
    settings: Settings, tmp_path: Path
) -> None:
    session = Session(
        sagemaker_client=RecordingClient(), settings=settings, default_bucket_prefix="p"
    )
    (tmp_path / "f.txt").write_text("x")
    assert session.upload_data(str(tmp_path / "f.txt")) == f"s3://{BUCKET}/p/data/f.txt"
    assert session.upload_data(str(tmp_path / "f.txt"), bucket="b") == "s3://b/data/f.txt"


def test_upload_missing_path_raises(session: Session, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        session.upload_data(str(tmp_path / "missing.csv"))


def test_download_data_keeps_structure(session: Session, tmp_path: Path) -> None:
    session.upload_data(str(_tree(tmp_path / "data")), key_prefix="d")

    paths = session.download_data(str(tmp_path / "out"), BUCKET, key_prefix="d")

    assert sorted(paths) == [str(tmp_path / "out" / "a.csv"), str(tmp_path / "out/sub/b.csv")]
    assert (tmp_path / "out" / "sub" / "b.csv").read_text() == "b\n"
    single = session.download_data(str(tmp_path / "one"), BUCKET, key_prefix="d/sub/b.csv")
    assert single == [str(tmp_path / "one" / "b.csv")]
    assert session.download_data(str(tmp_path / "none"), BUCKET, key_prefix="nothing") == []


def test_s3_uploader_and_downloader_round_trip(session: Session, tmp_path: Path) -> None:
    uri = S3Uploader.upload_string_as_file_body(
        "hello", "s3://bkt/k/hello.txt", sagemaker_session=session
    )
    assert uri == "s3://bkt/k/hello.txt"
    assert S3Downloader.read_file(uri, sagemaker_session=session) == "hello"
    S3Uploader.upload_bytes(b"\x00\x01", "s3://bkt/k/raw.bin", sagemaker_session=session)
    assert S3Downloader.read_bytes("s3://bkt/k/raw.bin", sagemaker_session=session) == b"\x00\x01"

    (tmp_path / "f.csv").write_text("1,2\n")
    up = S3Uploader.upload(str(tmp_path / "f.csv"), "s3://bkt/in", sagemaker_session=session)
    assert up == "s3://bkt/in/f.csv"
    assert S3Downloader.list("s3://bkt/", sagemaker_session=session) == [
        "s3://bkt/in/f.csv",
        "s3://bkt/k/hello.txt",
        "s3://bkt/k/raw.bin",
    ]
    got = S3Downloader.download("s3://bkt/in", str(tmp_path / "dl"), sagemaker_session=session)
    assert got == [str(tmp_path / "dl" / "f.csv")]


def test_s3_url_helpers() -> None:
    assert parse_s3_url("s3://bucket/a/b.csv") == ("bucket", "a/b.csv")
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    with pytest.raises(ValueError, match="Expecting 's3' scheme"):
        parse_s3_url("/local/path")
    assert (
        s3_path_join("s3://", "bucket", None, "", "job/", "/input", "x")
        == "s3://bucket/job/input/x"
    )
    assert s3_path_join("s3://bucket/", "a", with_end_slash=True) == "s3://bucket/a/"
    assert s3_path_join("a//b", "c/") == "a/b/c"


def test_local_paths_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert normalize_local("data") == f"{tmp_path}/data"
    assert normalize_local("data/") == f"{tmp_path}/data/"
    assert normalize_local("file:///abs/x") == "file:///abs/x"
    assert normalize_local("file://rel/x/") == f"file://{tmp_path}/rel/x/"
    assert normalize_local("/abs/../abs/y") == "/abs/y"
