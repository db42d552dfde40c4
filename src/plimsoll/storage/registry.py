"""Chooses the storage backend for a URI by its scheme, importing heavy ones lazily."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from plimsoll.storage._uri import parse_uri
from plimsoll.storage.base import Storage
from plimsoll.storage.local import LocalStorage
from plimsoll.storage.memory import MemoryStorage

logger = logging.getLogger(__name__)

# Like fsspec's ``known_implementations``: what serves each scheme, and the hint shown when
# the backend's optional dependency is missing.
known_schemes: dict[str, dict[str, str]] = {
    "file": {"class": "plimsoll.storage.local.LocalStorage"},
    "memory": {"class": "plimsoll.storage.memory.MemoryStorage"},
    "s3": {
        "class": "plimsoll.storage.s3.S3Storage",
        "embedded": "plimsoll.storage.local.LocalStorage",
        "err": "Install s3fs to access S3: pip install s3fs",
    },
}


class StorageRouter:
    """Hands out one cached ``Storage`` per URI scheme.

    ``s3://`` goes to the offline embedded store under ``local_s3_root`` when that is set,
    else to the S3 service at ``s3_endpoint_url`` (None means AWS). ``file://`` and plain
    paths go to local disk; ``memory://`` to one in-memory store shared by this router.

    Args:
        local_s3_root: folder holding the embedded S3 (``root/bucket/key``), or None.
        s3_endpoint_url: URL of an S3-compatible service, used when there is no local root.
        s3_access_key_id: access key for that service (None: botocore's credential chain).
        s3_secret_access_key: secret key for that service.
        region: signing region, also passed to job containers.
        s3_connect_timeout: S3 connect timeout in seconds (None: the client's default).
        s3_read_timeout: S3 read timeout in seconds (None: the client's default).
        s3_max_attempts: S3 tries per request (None: the client's default retries).
        s3_operation_timeout: seconds one S3 call may take in all (None: no limit).
    """

    def __init__(
        self,
        *,
        local_s3_root: Path | None,
        s3_endpoint_url: str | None,
        s3_access_key_id: str | None = None,
        s3_secret_access_key: str | None = None,
        region: str = "us-east-1",
        s3_connect_timeout: float | None = None,
        s3_read_timeout: float | None = None,
        s3_max_attempts: int | None = None,
        s3_operation_timeout: float | None = None,
    ) -> None:
        self._local_s3_root = local_s3_root
        self._endpoint_url = s3_endpoint_url
        self._access_key_id = s3_access_key_id
        self._secret_access_key = s3_secret_access_key
        self._region = region
        self._s3_connect_timeout = s3_connect_timeout
        self._s3_read_timeout = s3_read_timeout
        self._s3_max_attempts = s3_max_attempts
        self._s3_operation_timeout = s3_operation_timeout
        self._backends: dict[str, Storage] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"StorageRouter(local_s3_root={self._local_s3_root!r}, "
            f"s3_endpoint_url={self._endpoint_url!r}, region={self._region!r})"
        )

    def for_uri(self, uri: str) -> Storage:
        """The backend serving ``uri``.

        Raises:
            ValueError: the scheme is not one of ``file``, ``s3``, ``memory`` (or a plain path).
            ImportError: the backend's optional dependency is not installed (with a hint).
        """
        scheme, _, _ = parse_uri(uri)
        with self._lock:
            backend = self._backends.get(scheme)
            if backend is None:
                backend = self._backends[scheme] = self._create(scheme, uri)
        return backend

    def s3_env(self) -> dict[str, str]:
        """Environment variables that let a job container's AWS SDK reach the same S3.

        In embedded mode (a local root) only the region is set: jobs see their data as files.
        """
        env = {"AWS_REGION": self._region, "AWS_DEFAULT_REGION": self._region}
        if self._local_s3_root is not None:
            return env
        if self._endpoint_url:
            env["AWS_ENDPOINT_URL_S3"] = self._endpoint_url
        if self._access_key_id:
            env["AWS_ACCESS_KEY_ID"] = self._access_key_id
        if self._secret_access_key:
            env["AWS_SECRET_ACCESS_KEY"] = self._secret_access_key
        return env

    def _create(self, scheme: str, uri: str) -> Storage:
        if scheme == "file":
            return LocalStorage()
        if scheme == "memory":
            return MemoryStorage()
        if scheme == "s3":
            if self._local_s3_root is not None:
                logger.debug("s3:// served from local folder %s", self._local_s3_root)
                return LocalStorage(root=self._local_s3_root, scheme="s3")
            return self._create_s3()
        raise ValueError(
            f"storage URI {uri!r}: unknown scheme {scheme!r} (known: {', '.join(known_schemes)})"
        )

    def _create_s3(self) -> Storage:
        try:
            from plimsoll.storage.s3 import S3Storage
        except ImportError as exc:
            raise ImportError(known_schemes["s3"]["err"]) from exc
        logger.debug("s3:// served by %s", self._endpoint_url or "AWS")
        return S3Storage(
            endpoint_url=self._endpoint_url,
            access_key_id=self._access_key_id,
            secret_access_key=self._secret_access_key,
            region=self._region,
            connect_timeout=self._s3_connect_timeout,
            read_timeout=self._s3_read_timeout,
            max_attempts=self._s3_max_attempts,
            operation_timeout=self._s3_operation_timeout,
        )
