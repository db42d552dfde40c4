"""Spark dependencies (``--py-files``, ``--jars``, ``--files``): staging and the option value."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from enum import Enum
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from plimsoll.compat.container_paths import PROCESSING_ROOT
from plimsoll.sdk import s3
from plimsoll.sdk._processing_io import ProcessingInput

if TYPE_CHECKING:
    from plimsoll.sdk.session import Session

__all__ = ["FileType", "channel_name_of", "stage_submit_deps"]

logger = logging.getLogger(__name__)

DEPS_CONTAINER_BASE_PATH = f"{PROCESSING_ROOT}/input/"
SUBMIT_DEPS_ERROR_MESSAGE = (
    "Please specify a list of one or more S3 URIs, local file paths, and/or local directory paths"
)


class FileType(Enum):
    """Mirrors `sagemaker.spark.processing.FileType`."""

    JAR = 1
    PYTHON = 2
    FILE = 3


_CHANNELS = {FileType.PYTHON: "py-files", FileType.JAR: "jars", FileType.FILE: "files"}


def channel_name_of(file_type: FileType) -> str:
    """The input channel (and ``spark-submit`` option) name of ``file_type``."""
    return _CHANNELS[file_type]


def stage_submit_deps(
    submit_deps: list[str] | None,
    input_channel_name: str | None,
    dependency_location: str | None,
    job_name: str | None,
    sagemaker_session: Session,
) -> tuple[ProcessingInput | None, str]:
    """Uploads the local files of ``submit_deps``; returns their input and the option value.

    ``s3://``/``s3a://`` URIs are kept as they are. Local files are copied to a temporary
    folder and uploaded to ``<dependency_location or s3://<default bucket>[/<prefix>]>/
    <job_name>/input/<channel>``, which the returned input mounts at
    ``/opt/ml/processing/input/<channel>``; the option value is the comma-joined list of the
    URIs and, when there were local files, that folder. As in the SDK, the path of a local
    file is checked as given, so ``file://`` URIs are refused.

    Raises:
        ValueError: ``submit_deps`` or ``input_channel_name`` is empty, a local path is not
            a file, or a URI has another scheme.
    """
    if not submit_deps:
        raise ValueError(f"submit_deps value may not be empty. {SUBMIT_DEPS_ERROR_MESSAGE}")
    if not input_channel_name:
        raise ValueError("input_channel_name value may not be empty.")
    spark_opt_s3_uris: list[str] = []
    input_channel_s3_uri = None
    with tempfile.TemporaryDirectory(prefix="plimsoll-spark-deps-") as tmpdir:
        for dep_path in submit_deps:
            dep_url = urlparse(dep_path)
            if dep_url.scheme in ["s3", "s3a"]:
                spark_opt_s3_uris.append(dep_path)
            elif not dep_url.scheme or dep_url.scheme == "file":
                if not os.path.isfile(dep_path):
                    raise ValueError(
                        f"submit_deps path {dep_path} is not a valid local file. "
                        f"{SUBMIT_DEPS_ERROR_MESSAGE}"
                    )
                logger.info("Copying dependency from local path %s to tmpdir %s", dep_path, tmpdir)
                shutil.copy(dep_path, tmpdir)
            else:
                raise ValueError(
                    f"submit_deps path {dep_path} references unsupported filesystem "
                    f"scheme: {dep_url.scheme} {SUBMIT_DEPS_ERROR_MESSAGE}"
                )
        if os.listdir(tmpdir):
            if dependency_location:
                s3_prefix_uri = dependency_location.removesuffix("/")
            else:
                s3_prefix_uri = s3.s3_path_join(
                    "s3://",
                    sagemaker_session.default_bucket(),
                    sagemaker_session.default_bucket_prefix,
                )
            input_channel_s3_uri = f"{s3_prefix_uri}/{job_name}/input/{input_channel_name}"
            logger.info(
                "Uploading dependencies from tmpdir %s to S3 %s", tmpdir, input_channel_s3_uri
            )
            s3.S3Uploader.upload(
                local_path=tmpdir,
                desired_s3_uri=input_channel_s3_uri,
                sagemaker_session=sagemaker_session,
            )
    if input_channel_s3_uri is None:
        return None, ",".join(spark_opt_s3_uris)
    input_channel = ProcessingInput(
        source=input_channel_s3_uri,
        destination=f"{DEPS_CONTAINER_BASE_PATH}{input_channel_name}",
        input_name=input_channel_name,
    )
    return input_channel, ",".join([*spark_opt_s3_uris, f"{input_channel.destination}"])
