"""Fakes the cep service tests deliver to: a loopback webhook and an SMTP mailbox handler."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from typing import Any

from aiosmtpd.controller import Controller


class FakeWebhook:
    """A loopback HTTP server that answers 500 while ``failing`` and records what it accepted."""

    def __init__(self) -> None:
        self.failing = False
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.refused = 0
        self.server: asyncio.AbstractServer | None = None
        self.port = 0
        self.paths: list[str] = []  # the path of every request, accepted or not

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host`` (a free port unless given); returns the hook's URL (``port`` is set too)."""
        self.server = await asyncio.start_server(self._handle, host, port)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return f"http://{host}:{self.port}/hook"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode().split("\r\n")
        self.paths.append(request_line.split(" ")[1])
        headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines if ln)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        if self.failing:
            self.refused += 1
            writer.write(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        else:
            self.received.append((headers, body))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        if self.server:
            self.server.close()
            await self.server.wait_closed()


class Mailbox:
    """An aiosmtpd handler that keeps every envelope."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@contextlib.contextmanager
def running_mailbox() -> Iterator[tuple[Mailbox, int]]:
    """An SMTP server on a free loopback port: ``(mailbox, port)``."""
    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
