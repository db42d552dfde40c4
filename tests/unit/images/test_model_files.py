from __future__ import annotations

import pickle
from pathlib import Path

import joblib
import pytest

from plimsoll.images._errors import StartupError
from plimsoll.images._model_files import default_model_fn


def test_loads_the_single_joblib_file(tmp_path: Path) -> None:
    joblib.dump({"weights": [1, 2]}, tmp_path / "model.joblib")
    (tmp_path / "code").mkdir()
    (tmp_path / "README.txt").write_text("not a model")
    assert default_model_fn(str(tmp_path)) == {"weights": [1, 2]}


@pytest.mark.parametrize("name", ["model.pkl", "model.PICKLE"])
def test_loads_a_pickle_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(pickle.dumps([3, 4]))
    assert default_model_fn(str(tmp_path)) == [3, 4]


def test_no_model_file_names_what_was_found(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"\0")
    (tmp_path / "code").mkdir()
    with pytest.raises(StartupError, match=r"no model file .*found: code/, weights\.bin.*model_fn"):
        default_model_fn(str(tmp_path))


def test_two_model_files_are_ambiguous(tmp_path: Path) -> None:
    joblib.dump(1, tmp_path / "a.joblib")
    (tmp_path / "b.pkl").write_bytes(pickle.dumps(2))
    with pytest.raises(StartupError, match=r"more than one model file .*a\.joblib, b\.pkl"):
        default_model_fn(str(tmp_path))


def test_missing_model_dir(tmp_path: Path) -> None:
    with pytest.raises(StartupError, match="does not exist"):
        default_model_fn(str(tmp_path / "absent"))


def test_corrupt_file_is_a_startup_error(tmp_path: Path) -> None:
    (tmp_path / "model.pkl").write_bytes(b"not a pickle")
    with pytest.raises(StartupError, match=r"Cannot load model file .*model\.pkl"):
        default_model_fn(str(tmp_path))


def test_xgboost_files_need_xgboost_or_load_as_booster(tmp_path: Path) -> None:
    # Either xgboost is missing (the message says so) or the file is not a valid booster.
    (tmp_path / "model.json").write_text("{}")
    with pytest.raises(StartupError, match=r"model\.json"):
        default_model_fn(str(tmp_path))
