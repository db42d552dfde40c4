"""Repacking a model artifact with its inference code under ``code/`` (the SDK's ``repack_model``).

The new ``model.tar.gz`` holds the original artifact's files at the top and the code in
``code/``: the entry point (or a copy of ``source_dir``), and each dependency under
``code/lib/``. The serving container finds it at ``/opt/ml/model/code``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from plimsoll.sdk._uris import is_local, local_path_of, parse_s3_url, scheme_of

if TYPE_CHECKING:
    from plimsoll.sdk.session import Session

logger = logging.getLogger(__name__)

MODEL_TARBALL = "model.tar.gz"


def repack_model(
    *,
    inference_script: str,
    source_directory: str | None,
    dependencies: list[str],
    model_uri: str | None,
    repacked_model_uri: str,
    sagemaker_session: Session,
) -> None:
    """Writes ``repacked_model_uri``: ``model_uri``'s files plus the code under ``code/``.

    Args:
        inference_script: The entry point: a file path, or a name inside
            ``source_directory`` when that is given.
        source_directory: A local directory, or an ``s3://`` ``.tar.gz``, copied as ``code/``.
        dependencies: Local files or directories copied into ``code/lib/``.
        model_uri: The artifact (``s3://``, ``file://`` or a path to a ``.tar.gz``); ``None``
            packs the code alone.
        repacked_model_uri: The ``s3://`` URI to write.
        sagemaker_session: Reads and writes ``s3://`` objects.

    Raises:
        FileNotFoundError: The artifact, the entry point or a dependency does not exist.
        ValueError: A URI has a scheme other than ``s3``/``file``.
    """
    with tempfile.TemporaryDirectory(prefix="plimsoll-repack-") as tmp_name:
        tmp = Path(tmp_name)
        model_dir = tmp / "model"
        model_dir.mkdir()
        if model_uri is not None:
            _extract(_local_copy(model_uri, tmp, sagemaker_session), model_dir)
        code_dir = model_dir / "code"
        _fill_code_dir(code_dir, inference_script, source_directory, tmp, sagemaker_session)
        _add_dependencies(code_dir / "lib", dependencies)
        tarball = tmp / "upload" / MODEL_TARBALL
        tarball.parent.mkdir()
        with tarfile.open(tarball, mode="w:gz") as tar:
            for child in sorted(model_dir.iterdir()):
                tar.add(child, arcname=child.name)
        bucket, key = parse_s3_url(repacked_model_uri)
        key_prefix = key.rpartition("/")[0]
        uploaded = sagemaker_session.upload_data(str(tarball), bucket=bucket, key_prefix=key_prefix)
        logger.info("Repacked model written to %s", uploaded)


def _local_copy(uri: str, tmp: Path, session: Session) -> Path:
    """A local path of the object at ``uri`` (downloaded when it is ``s3://``)."""
    if is_local(uri):
        path = Path(local_path_of(uri))
        if not path.is_file():
            raise FileNotFoundError(f"Model artifact {uri} does not exist or is not a file")
        return path
    if scheme_of(uri) != "s3":
        raise ValueError(f"Cannot read {uri}: only s3://, file:// and local paths are supported")
    target = tmp / "downloaded" / uri.rstrip("/").rsplit("/", 1)[-1]
    target.parent.mkdir(exist_ok=True)
    bucket, key = parse_s3_url(uri)
    paths = session.download_data(str(target.parent), bucket=bucket, key_prefix=key)
    if str(target) not in paths:
        raise FileNotFoundError(f"Model artifact {uri} does not exist")
    return target


def _extract(tarball: Path, target: Path) -> None:
    with tarfile.open(tarball, mode="r:*") as tar:
        # "data" refuses absolute paths, links out of the tree and device files.
        tar.extractall(target, filter="data")


def _fill_code_dir(
    code_dir: Path, script: str, source_directory: str | None, tmp: Path, session: Session
) -> None:
    if source_directory and scheme_of(source_directory) == "s3":
        _extract(_local_copy(source_directory, tmp, session), code_dir)
    elif source_directory:
        source = Path(local_path_of(source_directory))
        if not source.is_dir():
            raise FileNotFoundError(f"source_dir {source_directory} is not a directory")
        if code_dir.exists():
            shutil.rmtree(code_dir)
        shutil.copytree(source, code_dir)
    else:
        code_dir.mkdir(exist_ok=True)
        script_path = Path(local_path_of(script))
        if script_path.is_file():
            shutil.copy2(script_path, code_dir)
        elif not (code_dir / script).is_file():
            # The SDK accepts an entry point the artifact already carries in code/.
            raise FileNotFoundError(f"entry_point {script} does not exist")
    if not (code_dir / os.path.basename(script)).is_file():
        raise FileNotFoundError(
            f"entry_point {os.path.basename(script)} is not at the top of the code directory"
        )


def _add_dependencies(lib_dir: Path, dependencies: list[str]) -> None:
    for dependency in dependencies:
        path = Path(local_path_of(dependency))
        if path.is_dir():
            shutil.copytree(path, lib_dir / path.name)
        elif path.is_file():
            lib_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, lib_dir)
        else:
            raise FileNotFoundError(f"dependency {dependency} does not exist")
