"""A fake OpenAI-compatible chat-completions server on loopback (ops' LLM planner and composer tests).

It speaks the real protocol over real HTTP, so tests drive the real ``openai`` client through it.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeLlm"]


class FakeLlm:
    """A loopback OpenAI-compatible chat-completions server, scripted per test.

    Planning requests (those offering tools) follow ``behaviour``: plan | malformed | slow | error;
    summary requests (no tools, or ``behaviour == "summary"``) get ``summary`` unless the behaviour
    is slow or error. Every request body is kept in ``requests``.
    """

    def __init__(self, summary: str = "CPU on web-01 is fine [c1].") -> None:
        self.behaviour = "plan"
        self.plan: dict[str, Any] = {"steps": []}
        self.summary = summary
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
                if fake.behaviour == "summary" or not body.get("tools"):
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
                    pass  # the client gave up (timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.running = True

    def stop(self) -> None:
        """Take the server down: later connections are refused."""
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.running = False
