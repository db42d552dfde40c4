"""The disk-quota walk survives folders that a running job deletes while it is walked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from plimsoll.services.staging import tree_size


def test_tree_size_counts_regular_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one").write_bytes(b"x" * 10)
    (tmp_path / "a" / "b" / "two").write_bytes(b"y" * 5)
    (tmp_path / "link").symlink_to(tmp_path / "a" / "one")
    assert tree_size(tmp_path) == 15


def test_a_folder_deleted_during_the_walk_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As Spark's block-manager folders under a host's /tmp come and go."""
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "file").write_bytes(b"z" * 7)
    doomed = tmp_path / "blockmgr-1" / "26"
    doomed.mkdir(parents=True)
    (doomed / "shuffle").write_bytes(b"s" * 100)
    real_scandir = os.scandir

    def scandir_after_the_job_deleted_it(path: int | str | os.PathLike[str]) -> object:
        if not isinstance(path, int) and Path(path) == doomed.parent:
            shutil.rmtree(doomed.parent)  # the job removes it between listing and scanning
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir_after_the_job_deleted_it)
    assert tree_size(tmp_path) == 7
