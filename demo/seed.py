"""Seed the demo tenant into running services, exactly as ``opsuite apply -f demo/`` would."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from demo.estate import build as build_estate

__all__ = ["DEMO_DIR", "StatusPage", "seed", "seed_async"]

DEMO_DIR = Path(__file__).resolve().parent
DEMO_STATUS = {
    "checkout": "degraded",
    "search": "operational",
    "payments": "operational",
    "postgres": "operational",
    "redis": "operational",
}


#: The newest alert notifications GET /alerts shows.
SHOWN_ALERTS = 20


class _Server(ThreadingHTTPServer):
    #: Alert notifications the demo webhook received, oldest first.
    received: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path == "/alerts":
            received = self.server.received
            body = json.dumps({"received": len(received), "notifications": received[-SHOWN_ALERTS:]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        service = self.path.rsplit("/", 1)[-1]
        body = json.dumps({"service": service, "status": DEMO_STATUS.get(service, "unknown")}).encode()
        self.send_response(200 if service in DEMO_STATUS else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """The demo alert webhook: keeps what cep delivers (GET /alerts shows the count and the newest)."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.received.append(json.loads(body or b"{}"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class StatusPage:
    """The demo's local status page (GET /status/<service> -> JSON), called by the status_page API, and the
    demo's alert webhook (POST /alerts; GET /alerts -> what it received)."""

    def __init__(self, port: int = 0) -> None:
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.received = []
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def received(self) -> list[dict[str, Any]]:
        """The alert notifications received so far, oldest first (each a webhook's JSON body)."""
        return self.server.received

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


async def seed_async(targets: dict[str, str], token: str, run_dir: Path, status_url: str) -> list[str]:
    """Build the estate database in the demo tenant's data source folder (``run_dir/data_sources/demo``, the
    api_manager root the stack sets) and apply demo/*.yaml; returns outcome lines."""
    from opsuite_cli.context import CliContext
    from opsuite_cli.documents import load_documents
    from opsuite_cli.kinds import KINDS

    demo_dir = run_dir / "data_sources" / "demo"
    build_estate(demo_dir / "estate.db")
    os.environ["OPSUITE_DEMO_DIR"] = str(demo_dir)
    os.environ["OPSUITE_DEMO_STATUS_URL"] = status_url
    ctx = CliContext(api_manager=targets["api_manager"], cep=targets["cep"], ops=targets["ops"], token=token)
    lines = []
    try:
        for doc in load_documents(DEMO_DIR):
            if doc.kind in KINDS:
                lines.append(f"{doc.ref} {await KINDS[doc.kind].apply(ctx, doc)}")
    finally:
        await ctx.close()
    return lines


def seed(targets: dict[str, str], token: str, run_dir: Path, status_url: str) -> list[str]:
    """:func:`seed_async` from synchronous code."""
    return asyncio.run(seed_async(targets, token, run_dir, status_url))
