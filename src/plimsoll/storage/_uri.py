"""URI parsing and S3 prefix arithmetic shared by the storage backends."""

from __future__ import annotations

import posixpath


def parse_uri(uri: str) -> tuple[str, str | None, str]:
    """Splits a storage URI into ``(scheme, bucket, key)``.

    ``s3://bucket/a/b`` gives ``("s3", "bucket", "a/b")``; ``file:///tmp/x`` and the plain path
    ``/tmp/x`` give ``("file", None, "/tmp/x")``; ``memory://b/k`` gives ``("memory", "b", "k")``.
    Schemes are lowercased. The key is kept verbatim (no percent-decoding, no normalisation).

    Raises:
        ValueError: the URI has a scheme other than ``file`` but names no bucket.
    """
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return "file", None, uri
    scheme = scheme.lower()
    if scheme == "file":
        return "file", None, rest
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise ValueError(f"storage URI {uri!r} names no bucket")
    return scheme, bucket, key


def relative_key(prefix: str, key: str) -> str:
    """``key`` relative to the string ``prefix`` it starts with, as ``ObjectInfo.relative``.

    Leading slashes of the remainder are dropped; when nothing remains (the prefix *is* the
    object), the object's base name is returned.
    """
    remainder = key[len(prefix) :].lstrip("/")
    return remainder or posixpath.basename(key)
