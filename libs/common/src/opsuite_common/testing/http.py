"""Loopback HTTP peers for tests of outbound calls (HTTP APIs, ``ctx.http``, webhooks, the SSRF guard)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, TypeVar

__all__ = ["Recorder", "upstream_and_canary"]


class Recorder:
    """A loopback HTTP server that records each connection and each request's path and Host header.

    ``/redirect?to=<url>`` answers 302 to ``<url>``; anything else answers 200 with ``body``. With
    ``keep_alive`` a connection serves many requests.
    """

    def __init__(self, keep_alive: bool = False, *, body: bytes = b"ok", content_type: str = "text/plain") -> None:
        self.seen: list[tuple[str, str]] = []
        self.connections = 0
        self.keep_alive = keep_alive
        self.body, self.content_type = body, content_type
        self.server: asyncio.AbstractServer | None = None
        self.port = 0

    @property
    def paths(self) -> list[str]:
        """The path of every request, in order."""
        return [path for path, _host in self.seen]

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (0: a free port, then in ``self.port``)."""
        self.server = await asyncio.start_server(self._handle, host, port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening."""
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode()
                path = head.split(" ", 2)[1]
                lines = head.split("\r\n")
                host = next((ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("host:")), "")
                self.seen.append((path, host))
                close = b"" if self.keep_alive else b"connection: close\r\n"
                if path.startswith("/redirect?to="):
                    target = path.split("=", 1)[1].encode()
                    writer.write(
                        b"HTTP/1.1 302 Found\r\nlocation: " + target + b"\r\ncontent-length: 0\r\n" + close + b"\r\n"
                    )
                else:
                    writer.write(
                        b"HTTP/1.1 200 OK\r\ncontent-type: %s\r\ncontent-length: %d\r\n%s\r\n%s"
                        % (self.content_type.encode(), len(self.body), close, self.body)
                    )
                await writer.drain()
                if not self.keep_alive:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


class _Peer(Protocol):
    port: int

    async def start(self, host: str, port: int = 0) -> object: ...

    async def stop(self) -> None: ...


P = TypeVar("P", bound=_Peer)


async def upstream_and_canary(make: Callable[[], P]) -> tuple[P, P]:
    """An upstream on 127.0.0.2 and a canary on 127.0.0.1, on the same port (a URL names one port), so a
    test can show a request went to the judged address and never to the other one."""
    for _ in range(20):
        upstream, canary = make(), make()
        await upstream.start("127.0.0.2")
        try:
            await canary.start("127.0.0.1", upstream.port)
        except OSError:  # the port is taken on 127.0.0.1: try another one
            await upstream.stop()
            continue
        return upstream, canary
    raise RuntimeError("no port free on both 127.0.0.1 and 127.0.0.2")
