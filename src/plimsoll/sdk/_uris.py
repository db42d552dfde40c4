"""URI rules of the facade: ``s3://`` parsing and joining, and local paths kept local."""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse
from urllib.request import url2pathname

_S3 = "s3://"


def parse_s3_url(url: str) -> tuple[str, str]:
    """Splits ``s3://bucket/key`` into ``("bucket", "key")``.

    Raises:
        ValueError: ``url`` is not an ``s3://`` URL.
    """
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        raise ValueError(f"Expecting 's3' scheme, got: {parsed.scheme} in {url}.")
    return parsed.netloc, parsed.path.lstrip("/")


def s3_path_join(*args: str | None, with_end_slash: bool = False) -> str:
    """Joins path parts with single slashes, skipping ``None`` and empty parts.

    A leading ``s3://`` keeps its double slash; the result ends with a slash only when
    ``with_end_slash`` is true.
    """
    parts = [p for p in args if p]
    if not parts:
        return ""
    head = ""
    if parts[0].startswith(_S3):
        head = _S3
        parts[0] = parts[0][len(_S3) :]
    pieces = [p.strip("/") for p in parts]
    joined = re.sub("/+", "/", "/".join(p for p in pieces if p))
    result = head + joined
    if with_end_slash and not result.endswith("/"):
        result += "/"
    return result


def scheme_of(uri: str) -> str:
    return urlparse(uri).scheme


def is_local(uri: str) -> bool:
    """True for a plain path or a ``file://`` URI."""
    return scheme_of(uri) in ("", "file")


def local_path_of(uri: str) -> str:
    """The filesystem path a plain path or ``file://`` URI names (as given, maybe relative)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    netloc = "" if parsed.netloc == "localhost" else parsed.netloc
    return url2pathname(netloc + parsed.path)


def normalize_local(uri: str) -> str:
    """Makes a local source or destination absolute, keeping its form.

    A plain path stays a plain path and a ``file://`` URI stays a ``file://`` URI; a trailing
    slash (S3 prefix semantics) is kept.
    """
    path = local_path_of(uri)
    absolute = os.path.abspath(path)
    if path.endswith("/") and not absolute.endswith("/"):
        absolute += "/"
    return f"file://{absolute}" if scheme_of(uri) == "file" else absolute
