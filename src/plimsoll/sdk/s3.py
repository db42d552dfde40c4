"""``S3Uploader`` / ``S3Downloader`` and the ``s3://`` URL helpers (``sagemaker.s3``)."""

from __future__ import annotations

from plimsoll.sdk._uris import parse_s3_url, s3_path_join
from plimsoll.sdk.session import Session

__all__ = ["S3Downloader", "S3Uploader", "parse_s3_url", "s3_path_join"]


def _session(sagemaker_session: Session | None) -> Session:
    return sagemaker_session or Session()


class S3Uploader:
    """Mirrors `sagemaker.s3.S3Uploader`.

    Writes through Plimsoll's storage: local disk under HOME/s3, or the S3 service named by
    ``PLIMSOLL_S3_ENDPOINT_URL``. KMS keys are accepted and ignored (docs/compat.md).
    """

    @staticmethod
    def upload(
        local_path: str,
        desired_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> str:
        """Uploads a local file or directory below ``desired_s3_uri``.

        Returns:
            The URI of the uploaded file, or of the prefix for a directory.
        """
        bucket, key_prefix = parse_s3_url(desired_s3_uri)
        extra_args = (
            {"SSEKMSKeyId": kms_key, "ServerSideEncryption": "aws:kms"} if kms_key else None
        )
        return _session(sagemaker_session).upload_data(
            path=local_path, bucket=bucket, key_prefix=key_prefix, extra_args=extra_args
        )

    @staticmethod
    def upload_string_as_file_body(
        body: str,
        desired_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> str:
        """Writes ``body`` as the object ``desired_s3_uri`` and returns that URI."""
        bucket, key = parse_s3_url(desired_s3_uri)
        _session(sagemaker_session).upload_string_as_file_body(
            body=body, bucket=bucket, key=key, kms_key=kms_key
        )
        return desired_s3_uri

    @staticmethod
    def upload_bytes(
        b: bytes,
        s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> str:
        """Writes the bytes ``b`` as the object ``s3_uri`` and returns that URI."""
        bucket, key = parse_s3_url(s3_uri)
        _session(sagemaker_session).upload_string_as_file_body(
            body=b, bucket=bucket, key=key, kms_key=kms_key
        )
        return s3_uri


class S3Downloader:
    """Mirrors `sagemaker.s3.S3Downloader`, reading through Plimsoll's storage."""

    @staticmethod
    def download(
        s3_uri: str,
        local_path: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> list[str]:
        """Downloads every object below ``s3_uri`` into ``local_path``.

        Returns:
            The local paths written.
        """
        bucket, key_prefix = parse_s3_url(s3_uri)
        extra_args = {"SSECustomerKey": kms_key} if kms_key else None
        return _session(sagemaker_session).download_data(
            path=local_path, bucket=bucket, key_prefix=key_prefix, extra_args=extra_args
        )

    @staticmethod
    def read_file(s3_uri: str, sagemaker_session: Session | None = None) -> str:
        """The object ``s3_uri`` decoded as UTF-8."""
        bucket, key = parse_s3_url(s3_uri)
        return _session(sagemaker_session).read_s3_file(bucket=bucket, key_prefix=key)

    @staticmethod
    def read_bytes(s3_uri: str, sagemaker_session: Session | None = None) -> bytes:
        """The object ``s3_uri``'s bytes."""
        return _session(sagemaker_session)._read_s3_bytes(s3_uri)

    @staticmethod
    def list(s3_uri: str, sagemaker_session: Session | None = None) -> list[str]:
        """The ``s3://`` URIs of the objects below ``s3_uri``."""
        bucket, key_prefix = parse_s3_url(s3_uri)
        keys = _session(sagemaker_session).list_s3_files(bucket=bucket, key_prefix=key_prefix)
        return [s3_path_join("s3://", bucket, key) for key in keys]
