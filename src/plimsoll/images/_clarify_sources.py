"""Where the Clarify image finds data named by URI in ``analysis_config.json``.

``dataset_uri``, ``facet_dataset_uri``, ``predicted_label_dataset_uri`` and a ``shap``
``baseline`` given as a URI are read by the container itself, not staged as processing inputs
(spec clarify.md §1.2). :class:`Sources` turns such a URI into local files:

* a plain path or a ``file://`` URI is read in place (a file, or every file under a folder);
* an ``s3://`` URI (one object, or every object under a prefix) is downloaded with boto3 into a
  scratch folder. boto3 reaches the S3 service that Plimsoll's jobs are given
  (``AWS_ENDPOINT_URL_S3``); in the embedded S3 mode jobs have no S3 service, and the URI is
  refused with a message that says so instead of a slow failed call to AWS.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

from plimsoll.errors import ValidationError

__all__ = ["Sources"]

logger = logging.getLogger("analyzer")

_S3_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")


class Sources:
    """Resolves data URIs to local paths; ``scratch`` receives downloads."""

    def __init__(self, scratch: Path, environ: Mapping[str, str] | None = None) -> None:
        self._scratch = scratch
        self._downloads = 0
        self._environ = os.environ if environ is None else environ  # noqa: TID251 - the job's env

    def local(self, uri: str, what: str) -> Path:
        """A local file or folder holding the data at ``uri``.

        Raises:
            ValidationError: The URI's scheme is unknown, the path does not exist, the S3
                prefix is empty, or S3 cannot be reached from this job.
        """
        parsed = urlparse(uri)
        if parsed.scheme == "s3":
            return self._download(parsed.netloc, parsed.path.lstrip("/"), uri, what)
        if parsed.scheme not in ("", "file"):
            raise ValidationError(f"{what} {uri!r}: only s3://, file:// and local paths are read")
        path = Path(parsed.path if parsed.scheme == "file" else uri)
        if not path.exists():
            raise ValidationError(f"{what} {uri!r} does not exist")
        return path

    def _download(self, bucket: str, prefix: str, uri: str, what: str) -> Path:
        if not any(self._environ.get(name) for name in _S3_ENDPOINT_VARIABLES):
            raise ValidationError(
                f"{what} {uri!r} cannot be read from inside this job: jobs see S3 only when "
                "Plimsoll runs with an S3 service (PLIMSOLL_S3_ENDPOINT_URL); with the embedded "
                "S3 store give a local path or pass the data as a processing input"
            )
        import boto3  # the image's only S3 client, loaded when a URI needs it
        import botocore.exceptions

        client = boto3.client("s3")
        self._downloads += 1
        target = self._scratch / f"source-{self._downloads}"
        try:
            keys = [
                item["Key"]
                for page in client.get_paginator("list_objects_v2").paginate(
                    Bucket=bucket, Prefix=prefix
                )
                for item in page.get("Contents", ())
                if not item["Key"].endswith("/")
            ]
            if not keys:
                raise ValidationError(f"{what} {uri!r}: no objects under that S3 URI")
            if prefix in keys:  # one object: keep its file name
                path = target / Path(prefix).name
                path.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(bucket, prefix, str(path))
                return path
            base = prefix if prefix.endswith("/") or not prefix else prefix + "/"
            for key in keys:
                relative = key[len(base) :] if key.startswith(base) else Path(key).name
                path = target / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(bucket, key, str(path))
        except botocore.exceptions.BotoCoreError as exc:
            raise ValidationError(f"{what} {uri!r}: S3 is not reachable: {exc}") from None
        except botocore.exceptions.ClientError as exc:
            raise ValidationError(f"{what} {uri!r}: {exc}") from None
        logger.info("Downloaded %d objects of %s", len(keys), uri)
        return target
