"""S3 storage through s3fs: any S3-compatible service (AWS, SeaweedFS, MinIO...)."""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import botocore.exceptions
import s3fs

from plimsoll.storage._uri import parse_uri, relative_key
from plimsoll.storage.base import ObjectInfo, Storage

logger = logging.getLogger(__name__)

_NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NoSuchBucket", "NotFound"})
_DENIED_CODES = frozenset(
    {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"}
)
_ERRNO_BY_CLASS: dict[type[OSError], int] = {
    FileNotFoundError: errno.ENOENT,
    PermissionError: errno.EACCES,
    FileExistsError: errno.EEXIST,
    TimeoutError: errno.ETIMEDOUT,
}


@contextmanager
def map_s3_errors(uri: str) -> Iterator[None]:
    """Translates botocore and s3fs failures about ``uri`` into the ``OSError`` family."""
    try:
        yield
    except botocore.exceptions.ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = str(error.get("Message") or code)
        if code in _NOT_FOUND_CODES:
            raise FileNotFoundError(errno.ENOENT, message, uri) from exc
        if code in _DENIED_CODES:
            raise PermissionError(errno.EACCES, message, uri) from exc
        raise OSError(errno.EIO, f"S3 error {code}: {message}", uri) from exc
    except (
        botocore.exceptions.NoCredentialsError,
        botocore.exceptions.PartialCredentialsError,
    ) as exc:
        raise PermissionError(errno.EACCES, f"no usable S3 credentials: {exc}", uri) from exc
    except botocore.exceptions.BotoCoreError as exc:
        raise OSError(errno.EIO, f"S3 request failed: {exc}", uri) from exc
    except OSError as exc:
        if exc.filename is not None:
            raise
        # s3fs already chose the class; add the URI the caller knows. Library subclasses
        # (aiohttp's) have other constructors, so only built-in classes are rebuilt.
        cls = type(exc) if type(exc).__module__ == "builtins" else OSError
        number = exc.errno or _ERRNO_BY_CLASS.get(cls, errno.EIO)
        raise cls(number, exc.strerror or str(exc) or type(exc).__name__, uri) from exc


class S3Storage(Storage):
    """``s3://bucket/key`` objects in an S3-compatible service.

    Args:
        endpoint_url: the service URL; None for AWS itself.
        access_key_id: access key; None uses botocore's credential chain.
        secret_access_key: secret key matching ``access_key_id``.
        region: signing region, also used for new buckets.
        connect_timeout: seconds to wait for a connection (None: s3fs's default, 5).
        read_timeout: seconds to wait for a response (None: s3fs's default, 15).
        max_attempts: tries per request, retries included (None: the s3fs and botocore
            defaults, several each).
        operation_timeout: seconds one call may take in all, retries included, after which
            it is cancelled and ``TimeoutError`` raised (None: no limit). Needed to fail
            fast against a hung service: aiohttp waits for ``100 Continue`` on uploads
            without applying ``read_timeout``. Short timeouts and 1 attempt suit callers
            that retry on their own (Data Capture uploads).
    """

    scheme = "s3"

    def __init__(
        self,
        endpoint_url: str | None,
        access_key_id: str | None,
        secret_access_key: str | None,
        region: str,
        *,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        max_attempts: int | None = None,
        operation_timeout: float | None = None,
    ) -> None:
        self._endpoint_url = endpoint_url
        # fsspec's sync wrappers take ``timeout`` and cancel the call when it passes.
        self._limit: dict[str, Any] = {"timeout": operation_timeout} if operation_timeout else {}
        self._region = region
        config: dict[str, Any] = {}
        if connect_timeout is not None:
            config["connect_timeout"] = connect_timeout
        if read_timeout is not None:
            config["read_timeout"] = read_timeout
        if max_attempts is not None:
            config["retries"] = {"total_max_attempts": 1, "mode": "standard"}
        self._fs = s3fs.S3FileSystem(
            client_kwargs={"endpoint_url": endpoint_url, "region_name": region},
            key=access_key_id,
            secret=secret_access_key,
            use_listings_cache=False,
            **({"config_kwargs": config} if config else {}),
        )
        if max_attempts is not None:
            # s3fs retries on its own around botocore; it counts tries, not retries.
            self._fs.retries = max_attempts
        self._known_buckets: set[str] = set()
        self._bucket_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"S3Storage(endpoint_url={self._endpoint_url!r}, region={self._region!r})"

    def list_prefix(self, uri: str) -> list[ObjectInfo]:
        bucket, prefix = _split(uri)
        found = [
            ObjectInfo(uri=f"s3://{bucket}/{key}", relative=relative_key(prefix, key), size=size)
            for key, size in self._iter_objects(uri, bucket, prefix)
        ]
        return sorted(found, key=lambda info: info.uri)

    def exists(self, uri: str) -> bool:
        bucket, prefix = _split(uri)
        return next(self._iter_objects(uri, bucket, prefix), None) is not None

    def read_bytes(self, uri: str) -> bytes:
        bucket, key = _split(uri)
        if not key or key.endswith("/"):
            raise FileNotFoundError(errno.ENOENT, "No such object", uri)
        with map_s3_errors(uri):
            data: bytes = self._fs.cat_file(f"{bucket}/{key}", **self._limit)
        return data

    def write_bytes(self, uri: str, data: bytes) -> None:
        bucket, key = _object(uri)
        self._ensure_bucket(bucket, uri)
        with map_s3_errors(uri):
            self._fs.pipe_file(f"{bucket}/{key}", data, **self._limit)

    def download(self, pairs: Sequence[tuple[str, Path]]) -> None:
        if not pairs:
            return
        remote, local = [], []
        for uri, dest in pairs:
            bucket, key = _split(uri)
            if not key or key.endswith("/"):
                raise FileNotFoundError(errno.ENOENT, "No such object", uri)
            Path(dest).parent.mkdir(parents=True, exist_ok=True)
            remote.append(f"{bucket}/{key}")
            local.append(str(dest))
        logger.debug("downloading %s objects", len(remote))
        try:
            with map_s3_errors(_describe(pairs[0][0], len(pairs))):
                self._fs.get(remote, local, **self._limit)
        except FileNotFoundError as exc:
            missing = next((uri for uri, _ in pairs if not self._is_object(uri)), None)
            if missing is None:
                raise
            raise FileNotFoundError(errno.ENOENT, "No such object", missing) from exc

    def upload(self, pairs: Sequence[tuple[Path, str]]) -> None:
        if not pairs:
            return
        local, remote = [], []
        for source, uri in pairs:
            if not Path(source).is_file():
                raise FileNotFoundError(errno.ENOENT, "No such file", str(source))
            bucket, key = _object(uri)
            self._ensure_bucket(bucket, uri)
            local.append(str(source))
            remote.append(f"{bucket}/{key}")
        logger.debug("uploading %s files", len(remote))
        with map_s3_errors(_describe(pairs[0][1], len(pairs))):
            self._fs.put(local, remote, **self._limit)

    def delete(self, uri: str) -> None:
        bucket, key = _object(uri)
        try:
            with map_s3_errors(uri):
                self._fs.rm_file(f"{bucket}/{key}", **self._limit)
        except FileNotFoundError:
            return

    def _is_object(self, uri: str) -> bool:
        bucket, key = _split(uri)
        try:
            with map_s3_errors(uri):
                self._fs.call_s3("head_object", Bucket=bucket, Key=key, **self._limit)
        except FileNotFoundError:
            return False
        return True

    def _iter_objects(self, uri: str, bucket: str, prefix: str) -> Iterator[tuple[str, int]]:
        """``(key, size)`` of objects under ``prefix``, skipping folder markers."""
        token: dict[str, Any] = {}
        while True:
            try:
                with map_s3_errors(uri):
                    page = self._fs.call_s3(
                        "list_objects_v2", Bucket=bucket, Prefix=prefix, **token, **self._limit
                    )
            except FileNotFoundError:
                return  # no bucket, no objects
            for item in page.get("Contents", ()):
                if not item["Key"].endswith("/"):
                    yield item["Key"], int(item["Size"])
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def _ensure_bucket(self, bucket: str, uri: str) -> None:
        if bucket in self._known_buckets:
            return
        with self._bucket_lock, map_s3_errors(uri):
            try:
                self._fs.call_s3("head_bucket", Bucket=bucket, **self._limit)
            except FileNotFoundError:
                params: dict[str, Any] = {"Bucket": bucket}
                if self._region != "us-east-1":
                    params["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
                try:
                    self._fs.call_s3("create_bucket", **params, **self._limit)
                    logger.info("created bucket %s", bucket)
                except FileExistsError:
                    pass  # created concurrently
            self._known_buckets.add(bucket)


def _split(uri: str) -> tuple[str, str]:
    scheme, bucket, key = parse_uri(uri)
    if scheme != "s3" or bucket is None:
        raise ValueError(f"{uri!r} is not an s3:// URI")
    return bucket, key


def _object(uri: str) -> tuple[str, str]:
    bucket, key = _split(uri)
    if not key or key.endswith("/"):
        raise IsADirectoryError(errno.EISDIR, "Not an object key", uri)
    return bucket, key


def _describe(first_uri: str, count: int) -> str:
    return first_uri if count == 1 else f"{first_uri} (and {count - 1} more)"
