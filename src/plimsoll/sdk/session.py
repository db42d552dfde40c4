"""``Session``: the facade's composition root (client, storage, default bucket, settings)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plimsoll.compat.naming import role_arn
from plimsoll.sdk._client.base import SageMakerClient
from plimsoll.sdk._endpoints import EndpointOperations
from plimsoll.sdk._hosting import container_def, production_variant
from plimsoll.sdk._job_wait import check_job_status, tail_job_logs, wait_for_job
from plimsoll.sdk._uris import s3_path_join
from plimsoll.settings import Settings

if TYPE_CHECKING:
    from plimsoll.api.wiring import Api
    from plimsoll.sdk._client.runtime import SageMakerRuntimeClient
    from plimsoll.storage.base import Storage
    from plimsoll.storage.registry import StorageRouter

__all__ = ["Session", "container_def", "production_variant"]

logger = logging.getLogger(__name__)

# Role name used when a processor is given no role (SageMaker would refuse; we do not).
DEFAULT_ROLE_NAME = "plimsoll"


class Session(EndpointOperations):
    """Mirrors `sagemaker.session.Session`, for what the processing and hosting classes use.

    The session is where Plimsoll's settings are read (``Settings.load()`` unless
    ``settings`` is given) and where the clients and the storage are chosen:

    * ``sagemaker_client`` given: it is used as is (the in-process or HTTP client, or a
      real ``boto3.client("sagemaker", endpoint_url=...)`` pointed at ``plimsoll server``);
    * else ``PLIMSOLL_ENDPOINT_URL`` set: an HTTP client to that server;
    * else the service runs embedded in this process.

    ``sagemaker_runtime_client`` (``invoke_endpoint``) is chosen alike, when first used:
    the one given; else HTTP to ``PLIMSOLL_ENDPOINT_URL`` or to the server the SageMaker
    client talks to; else the router of the embedded service behind the in-process
    SageMaker client (one service per session, so it sees the endpoints that client made).

    ``s3://`` URIs are read and written through Plimsoll's storage (HOME/s3 on local disk
    unless ``PLIMSOLL_S3_ENDPOINT_URL`` names an S3 service).

    Deviations (docs/compat.md):

    * ``role`` may be any string or ``None``; :meth:`expand_role` turns a name into
      ``arn:aws:iam::<account>:role/<name>`` without asking IAM, and ``None`` into the role
      ``plimsoll`` (the SDK raises ``ValueError`` for a missing role).
    * ``boto_session``, ``sagemaker_featurestore_runtime_client``,
      ``sagemaker_metrics_client`` and ``sagemaker_config`` are accepted and kept, not used;
      region and account come from the settings. ``settings`` is Plimsoll's
      :class:`~plimsoll.settings.Settings` (SageMaker's ``SessionSettings`` is ignored with a
      warning).
    * Job logs come from Plimsoll's log store, not CloudWatch.
    * :meth:`wait_for_endpoint` polls every 0.2 s (the SDK: 30 s) and prints a progress
      character at most every 5 s.

    Args:
        boto_session: Accepted for compatibility; kept.
        sagemaker_client: The SageMaker client to call (boto method names).
        sagemaker_runtime_client: The runtime client to call (``invoke_endpoint``); for
            example ``boto3.client("sagemaker-runtime", endpoint_url=...)``.
        sagemaker_featurestore_runtime_client: Accepted for compatibility; kept.
        default_bucket: Bucket for default S3 URIs (default ``sagemaker-<region>-<account>``
            or ``PLIMSOLL_DEFAULT_BUCKET``).
        settings: Plimsoll settings; ``Settings.load()`` when not given.
        sagemaker_metrics_client: Accepted for compatibility; kept.
        sagemaker_config: Accepted for compatibility; kept, not applied.
        default_bucket_prefix: Key prefix put before default S3 keys, as in the SDK.
    """

    def __init__(
        self,
        boto_session: Any = None,
        sagemaker_client: SageMakerClient | None = None,
        sagemaker_runtime_client: Any = None,
        sagemaker_featurestore_runtime_client: Any = None,
        default_bucket: str | None = None,
        settings: Settings | None = None,
        sagemaker_metrics_client: Any = None,
        sagemaker_config: dict[str, Any] | None = None,
        default_bucket_prefix: str | None = None,
    ) -> None:
        if settings is not None and not isinstance(settings, Settings):
            # Code ported from SageMaker may pass its SessionSettings here.
            logger.warning("Ignoring settings of type %s", type(settings).__name__)
            settings = None
        self._settings = settings or Settings.load()
        self.boto_session = boto_session
        self.sagemaker_featurestore_runtime_client = sagemaker_featurestore_runtime_client
        self.sagemaker_metrics_client = sagemaker_metrics_client
        self.sagemaker_config = sagemaker_config
        self._api: Api | None = None
        if sagemaker_client is None:
            sagemaker_client = self._build_client()
        self.sagemaker_client: SageMakerClient = sagemaker_client
        self._runtime_client: SageMakerRuntimeClient | None = sagemaker_runtime_client
        self._default_bucket_name_override = default_bucket
        self.default_bucket_prefix = default_bucket_prefix
        self.local_mode = False
        self._storage: StorageRouter = _build_storage(self._settings)

    # --- clients --------------------------------------------------------------------------

    def _build_client(self) -> SageMakerClient:
        if self._settings.endpoint_url:
            from plimsoll.sdk._client.http import HttpClient

            return HttpClient(self._settings.endpoint_url)
        from plimsoll.api.wiring import build_api
        from plimsoll.sdk._client.inprocess import InProcessClient
        from plimsoll.server.loopback import Loopback

        self._api = build_api(self._settings)
        # Jobs of images that call SageMaker's APIs (Clarify) reach this API over HTTP.
        loopback = Loopback(self._api)
        self._api.processing.set_platform_url(loopback.url)
        self._api.closers.append(loopback.stop)
        return InProcessClient(self._api)

    def close(self) -> None:
        """Closes the clients this session built (connections; an embedded API's endpoints
        and jobs). Plimsoll's addition: SageMaker sessions have nothing to close."""
        for client in (self._runtime_client, self.sagemaker_client):
            close = getattr(client, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def sagemaker_runtime_client(self) -> SageMakerRuntimeClient:
        """The client that sends InvokeEndpoint requests (built on first use)."""
        if self._runtime_client is None:
            self._runtime_client = self._build_runtime_client()
        return self._runtime_client

    @sagemaker_runtime_client.setter
    def sagemaker_runtime_client(self, client: SageMakerRuntimeClient) -> None:
        self._runtime_client = client

    def _build_runtime_client(self) -> SageMakerRuntimeClient:
        from plimsoll.sdk._client.runtime import HttpRuntimeClient, InProcessRuntimeClient

        url = self._settings.endpoint_url or _server_url_of(self.sagemaker_client)
        if url:
            return HttpRuntimeClient(url)
        if self._api is None:
            self._api = _api_of(self.sagemaker_client)
        if self._api is None:
            # A SageMaker client we know nothing about (a test double): embed a service.
            from plimsoll.api.wiring import build_api

            logger.info("No service behind the SageMaker client; embedding one for inference")
            self._api = build_api(self._settings)
        return InProcessRuntimeClient(self._api)

    # --- identity -------------------------------------------------------------------------

    @property
    def boto_region_name(self) -> str:
        """The region written into ARNs (``PLIMSOLL_REGION``)."""
        return self._settings.region

    def account_id(self) -> str:
        """The 12-digit account id written into ARNs (``PLIMSOLL_ACCOUNT_ID``)."""
        return self._settings.account_id

    def default_bucket(self) -> str:
        """The bucket for default S3 URIs; storage creates it on first write."""
        return self._default_bucket_name_override or self._settings.bucket

    def expand_role(self, role: str | None) -> str:
        """A role ARN for ``role``: ARNs (anything with a ``/``) are kept, names are expanded.

        ``None`` gives the role named ``plimsoll`` (a Plimsoll deviation).
        """
        name = role or DEFAULT_ROLE_NAME
        if "/" in name:
            return name
        return role_arn(name, account_id=self.account_id())

    # --- storage --------------------------------------------------------------------------

    def _storage_for(self, uri: str) -> Storage:
        return self._storage.for_uri(uri)

    def upload_data(
        self,
        path: str,
        bucket: str | None = None,
        key_prefix: str = "data",
        extra_args: dict[str, Any] | None = None,
    ) -> str:
        """Uploads a local file or directory.

        A file lands at ``<key_prefix>/<file name>`` and its full URI is returned; a directory
        lands below ``<key_prefix>/`` keeping its structure and the prefix URI is returned.
        ``extra_args`` (S3 ExtraArgs such as KMS settings) are accepted and ignored.

        Returns:
            The ``s3://`` URI of what was uploaded.
        """
        del extra_args  # No KMS in Plimsoll storage.
        if bucket is None:
            bucket = self.default_bucket()
            key_prefix = s3_path_join(self.default_bucket_prefix, key_prefix)
        source = Path(path)
        pairs: list[tuple[Path, str]] = []
        key_suffix = None
        if source.is_dir():
            for dirpath, _, filenames in os.walk(source):
                relative = Path(dirpath).relative_to(source)
                for name in sorted(filenames):
                    key = "/".join(p for p in (key_prefix, *relative.parts, name) if p)
                    pairs.append((Path(dirpath) / name, f"s3://{bucket}/{key}"))
        else:
            if not source.is_file():
                raise FileNotFoundError(f"No such file or directory to upload: {path}")
            key_suffix = source.name
            pairs.append((source, f"s3://{bucket}/{key_prefix}/{key_suffix}"))
        prefix_uri = f"s3://{bucket}/{key_prefix}"
        if pairs:
            self._storage_for(prefix_uri).upload(pairs)
        return f"{prefix_uri}/{key_suffix}" if key_suffix else prefix_uri

    def upload_string_as_file_body(
        self, body: str | bytes, bucket: str, key: str, kms_key: str | None = None
    ) -> str:
        """Writes ``body`` as the object ``s3://<bucket>/<key>`` (``kms_key`` is ignored)."""
        del kms_key
        uri = f"s3://{bucket}/{key}"
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._storage_for(uri).write_bytes(uri, data)
        return uri

    def download_data(
        self,
        path: str,
        bucket: str,
        key_prefix: str = "",
        extra_args: dict[str, Any] | None = None,
    ) -> list[str]:
        """Downloads every object below ``s3://<bucket>/<key_prefix>`` into ``path``.

        Returns:
            The local paths written (empty when nothing matched).
        """
        del extra_args
        prefix_uri = f"s3://{bucket}/{key_prefix}"
        storage = self._storage_for(prefix_uri)
        objects = storage.list_prefix(prefix_uri)
        if not objects:
            logger.info("Nothing to download from bucket: %s, key_prefix: %s.", bucket, key_prefix)
            return []
        has_extension = bool(os.path.splitext(key_prefix)[1])
        pairs = []
        for info in objects:
            tail = info.uri.rsplit("/", 1)[-1] if has_extension else info.relative
            pairs.append((info.uri, Path(path) / (tail or info.uri.rsplit("/", 1)[-1])))
        storage.download(pairs)
        return [str(target) for _, target in pairs]

    def read_s3_file(self, bucket: str, key_prefix: str) -> str:
        """The object ``s3://<bucket>/<key_prefix>`` decoded as UTF-8."""
        return self._read_s3_bytes(f"s3://{bucket}/{key_prefix}").decode("utf-8")

    def _read_s3_bytes(self, uri: str) -> bytes:
        return self._storage_for(uri).read_bytes(uri)

    def list_s3_files(self, bucket: str, key_prefix: str) -> list[str]:
        """Keys of the objects below ``s3://<bucket>/<key_prefix>``."""
        uri = f"s3://{bucket}/{key_prefix}"
        start = len(f"s3://{bucket}/")
        return [info.uri[start:] for info in self._storage_for(uri).list_prefix(uri)]

    # --- processing jobs ------------------------------------------------------------------

    def describe_processing_job(self, job_name: str) -> dict[str, Any]:
        """The DescribeProcessingJob response for ``job_name``."""
        return self.sagemaker_client.describe_processing_job(ProcessingJobName=job_name)

    def stop_processing_job(self, job_name: str) -> None:
        """Asks the service to stop the job (it becomes Stopping, then Stopped)."""
        self.sagemaker_client.stop_processing_job(ProcessingJobName=job_name)

    def wait_for_processing_job(self, job: str, poll: float = 5) -> dict[str, Any]:
        """Waits for the job to end, printing progress characters, then checks its status.

        Raises:
            UnexpectedStatusException: The job ended Failed.
        """
        desc = wait_for_job(self.sagemaker_client, job, poll)
        check_job_status(job, desc)
        return desc

    def logs_for_processing_job(
        self, job_name: str, wait: bool = False, poll: float = 10
    ) -> dict[str, Any]:
        """Prints the job's logs; with ``wait``, follows them and checks the final status.

        Raises:
            UnexpectedStatusException: ``wait`` was set and the job ended Failed.
        """
        desc = tail_job_logs(self.sagemaker_client, job_name, wait, poll)
        if wait:
            check_job_status(job_name, desc)
        return desc


def _server_url_of(client: object) -> str | None:
    """The server a SageMaker client talks to: Plimsoll's HTTP client or boto3's."""
    from plimsoll.sdk._client.http import HttpClient

    if isinstance(client, HttpClient):
        return client._endpoint_url
    meta = getattr(client, "meta", None)  # a boto3 client
    url = getattr(meta, "endpoint_url", None)
    return url if isinstance(url, str) else None


def _api_of(client: object) -> Api | None:
    """The embedded API behind an in-process client the caller built and passed in."""
    from plimsoll.sdk._client.inprocess import InProcessClient

    return client._api if isinstance(client, InProcessClient) else None


def _build_storage(settings: Settings) -> StorageRouter:
    from plimsoll.api.wiring import build_storage

    return build_storage(settings)
