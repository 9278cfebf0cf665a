"""Fixtures for the ops domain tests: an identity, the demo catalogue and a fake OpenAI-compatible server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from opsuite_common.auth import Identity, Role
from opsuite_ops.domain.demo import demo_catalogue
from opsuite_ops.domain.in_memory import InMemoryCatalogue


class FakeLlm:
    """A loopback OpenAI-compatible chat-completions server, scripted per test (real HTTP)."""

    def __init__(self) -> None:
        self.behaviour = "plan"  # plan | malformed | slow | error | summary
        self.plan: dict[str, Any] = {"steps": []}
        self.summary = "CPU on web-01 is fine [c1]."
        self.delay_s = 2.0
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.requests.append(body)
                if fake.behaviour == "slow":
                    time.sleep(fake.delay_s)
                if fake.behaviour == "error":
                    self._send(500, {"error": {"message": "model crashed"}})
                    return
                if fake.behaviour == "summary":
                    message: dict[str, Any] = {"role": "assistant", "content": fake.summary}
                else:
                    args = "{not json" if fake.behaviour == "malformed" else json.dumps(fake.plan)
                    message = {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {"id": "call_1", "type": "function", "function": {"name": "submit_plan", "arguments": args}}
                        ],
                    }
                self._send(200, {
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "fake",
                    "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })  # fmt: skip

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        self.running = True

    def stop(self) -> None:
        """Take the server down: later connections are refused."""
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.running = False


@pytest.fixture
def fake_llm() -> Iterator[FakeLlm]:
    llm = FakeLlm()
    yield llm
    llm.stop()


@pytest.fixture
def identity() -> Identity:
    return Identity(subject="alice", tenant="acme", roles=frozenset({Role.VIEWER}))


@pytest.fixture
def demo() -> InMemoryCatalogue:
    return demo_catalogue()
