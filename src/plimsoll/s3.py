"""S3 helpers, at SageMaker's path: ``sagemaker.s3`` -> ``plimsoll.s3``."""

from __future__ import annotations

from plimsoll.sdk.s3 import S3Downloader, S3Uploader, parse_s3_url, s3_path_join

__all__ = ["S3Downloader", "S3Uploader", "parse_s3_url", "s3_path_join"]
