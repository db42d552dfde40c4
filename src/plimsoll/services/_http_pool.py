"""A minimal keep-alive HTTP/1.1 client for the router's hop to local model instances.

The instances are Plimsoll's own model servers (or BYOC servers) on 127.0.0.1; a tiny
client over asyncio streams keeps the hop cheap (no per-request allocation of a general
client's machinery). Connections are pooled per event loop and per instance address.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

MAX_HEADER_LINES = 100


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


class InstanceUnreachable(ConnectionError):
    """No byte of a response arrived: the request may be retried on another instance."""


class ConnectionPool:
    """Idle connections per (host, port), for the event loop that created them."""

    def __init__(self, max_idle: int = 64) -> None:
        self._idle: dict[
            tuple[str, int], deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
        ] = {}
        self._max_idle = max_idle

    async def post(
        self, host: str, port: int, path: str, body: bytes, headers: list[tuple[str, str]]
    ) -> HttpResponse:
        """POSTs ``body``; raises InstanceUnreachable when nothing came back."""
        key = (host, port)
        idle = self._idle.setdefault(key, deque())
        reused = bool(idle)
        try:
            reader, writer = idle.pop() if reused else await asyncio.open_connection(host, port)
        except OSError as exc:
            raise InstanceUnreachable(f"{host}:{port}: {exc}") from exc
        head = [f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {len(body)}\r\n"]
        head.extend(f"{name}: {value}\r\n" for name, value in headers)
        head.append("\r\n")
        try:
            writer.write("".join(head).encode("latin-1") + body)
            response = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            writer.close()
            if reused:  # a stale keep-alive connection: try once on a fresh one
                return await self._fresh_post(host, port, path, body, headers)
            raise InstanceUnreachable(f"{host}:{port}: {exc!r}") from exc
        except BaseException:
            writer.close()  # cancelled (timeout): the connection is in an unknown state
            raise
        if response.headers.get("connection", "").lower() == "close" or len(idle) >= self._max_idle:
            writer.close()
        else:
            idle.append((reader, writer))
        return response

    async def _fresh_post(
        self, host: str, port: int, path: str, body: bytes, headers: list[tuple[str, str]]
    ) -> HttpResponse:
        self._idle[(host, port)].clear()
        return await self.post(host, port, path, body, headers)

    async def close(self) -> None:
        """Closes every idle connection (on the loop that owns them)."""
        for key in list(self._idle):
            for _, writer in self._idle.pop(key):
                writer.close()
                try:
                    await writer.wait_closed()
                except OSError:
                    pass

    def discard(self, host: str, port: int) -> None:
        """Closes the idle connections to an instance that went away."""
        for _, writer in self._idle.pop((host, port), deque()):
            writer.close()


async def _read_response(reader: asyncio.StreamReader) -> HttpResponse:
    status_line = await reader.readline()
    if not status_line:
        raise asyncio.IncompleteReadError(b"", None)
    parts = status_line.split(b" ", 2)
    status = int(parts[1])
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = await reader.read()
        headers["connection"] = "close"
    return HttpResponse(status=status, headers=headers, body=body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
