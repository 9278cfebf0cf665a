"""One sandboxed child's conversation: send the job, serve its frames (log lines, ``ctx`` calls), classify how
it ended. The child is untrusted: every frame is bounded and checked, and it is SIGKILLed through the fork
server when its time is up or its work is done.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import time
from typing import Any

from opsuite_api_manager.domain.script.checks import SOURCE_FIELD
from opsuite_api_manager.domain.script.logs import escape_controls
from opsuite_api_manager.domain.script.models import LogLine, ScriptHost, ScriptPolicy, ScriptResult
from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    OpsuiteError,
    PermissionDeniedError,
    ResourceLimitError,
    ServiceUnavailableError,
    ValidationError,
)

from .forkserver_client import ForkServer, ServerDied, frame

__all__ = ["ChildExecution"]

_log = logging.getLogger("opsuite_api_manager.adapters.script.runner")
_FRAME_SLACK = 64 * 1024
_MAX_MESSAGE = 2_000


class ChildExecution:
    """One child's conversation: send the job, serve its frames, classify how it ended."""

    def __init__(
        self, server: ForkServer, execution: int, sock: socket.socket, policy: ScriptPolicy, host: ScriptHost | None
    ) -> None:
        """Talk to the child of ``execution`` on ``sock`` under ``policy``; ``host`` serves its ``ctx`` calls."""
        self.server, self.execution, self.sock, self.policy, self.host = server, execution, sock, policy, host
        self.logs: list[LogLine] = []
        self.logs_dropped = 0  # lines over the cap: the child's count (in its last frame) plus ours
        self.host_calls = 0
        self.started = time.monotonic()
        self.max_frame = (
            max(policy.output_bytes, policy.max_host_request_bytes, 4 * policy.max_log_line_bytes) + _FRAME_SLACK
        )

    async def run(self, job_frame: bytes) -> ScriptResult:
        """Send the rest of ``job_frame``, serve the child until it returns; its result or its error."""
        writer: asyncio.StreamWriter | None = None
        try:
            async with asyncio.timeout(self.policy.timeout_s):
                reader, writer = await asyncio.open_unix_connection(sock=self.sock, limit=1 << 16)
                if job_frame:  # what did not fit in the socket buffer before the fork
                    try:
                        writer.write(job_frame)
                        await writer.drain()
                    except OSError:
                        raise await self._ended() from None
                return await self._serve(reader, writer)
        except TimeoutError:
            raise self._fail(
                DeadlineExceededError(
                    f"the script did not finish within its {self.policy.stated_timeout_s or self.policy.timeout_s:g} "
                    f"s timeout{_waited(self.policy)} and was killed",
                    reason="SCRIPT_TIMEOUT",
                )
            ) from None
        except OpsuiteError as exc:
            raise self._fail(exc) from None
        finally:
            self.server.kill(self.execution)
            if writer is not None:
                writer.close()
            else:
                self.sock.close()

    def _fail(self, error: OpsuiteError) -> OpsuiteError:
        error.script_logs = tuple(self.logs)  # type: ignore[attr-defined]
        error.script_logs_dropped = self.logs_dropped  # type: ignore[attr-defined]
        error.script_duration_s = time.monotonic() - self.started  # type: ignore[attr-defined]
        return error

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> ScriptResult:
        while True:
            try:
                size = int.from_bytes(await reader.readexactly(4), "big")
                if size > self.max_frame:
                    raise ResourceLimitError(
                        f"the script sent {size} bytes at once, more than its output cap allows",
                        reason="SCRIPT_OUTPUT_LIMIT",
                    )
                body = await reader.readexactly(size)
            except (asyncio.IncompleteReadError, OSError):
                raise await self._ended() from None
            try:
                message = json.loads(body)
                kind = message["t"]
            except (ValueError, TypeError, KeyError):
                raise _violation("write garbage to the sandbox channel") from None
            if kind == "log":
                self._add_log(message)
            elif kind in ("http", "call_api"):
                writer.write(frame(await self._host_call(kind, message)))
                await writer.drain()
            elif kind == "result":
                self._count_child_drops(message)
                return ScriptResult(
                    output=message.get("output"),
                    logs=tuple(self.logs),
                    duration_s=time.monotonic() - self.started,
                    logs_dropped=self.logs_dropped,
                    host_calls=self.host_calls,
                    violations=tuple(str(v)[:_MAX_MESSAGE] for v in message.get("violations") or ())[:20],
                )
            elif kind == "error":
                self._count_child_drops(message)
                raise self._error(message)
            else:
                raise _violation("send an unknown frame on the sandbox channel")

    def _count_child_drops(self, message: dict[str, Any]) -> None:
        dropped = message.get("dropped_logs")
        if isinstance(dropped, int) and not isinstance(dropped, bool) and dropped > 0:
            self.logs_dropped += dropped

    def _add_log(self, message: dict[str, Any]) -> None:
        if len(self.logs) >= self.policy.max_log_lines:
            self.logs_dropped += 1
            return
        text = str(message.get("msg", ""))[: self.policy.max_log_line_bytes + 16]
        fields = message.get("fields")
        at = message.get("at")
        self.logs.append(
            LogLine(
                message=escape_controls(text),
                fields=escape_controls(fields) if isinstance(fields, dict) else {},
                at=float(at) if isinstance(at, int | float) else time.monotonic() - self.started,
            )
        )

    async def _host_call(self, kind: str, message: dict[str, Any]) -> dict[str, Any]:
        self.host_calls += 1
        if self.host_calls > self.policy.max_host_calls:
            return _host_error("SCRIPT_HOST_CALL_LIMIT", f"too many ctx calls (at most {self.policy.max_host_calls})")
        if self.host is None:
            return _host_error("SCRIPT_HOST_UNAVAILABLE", "ctx.http and ctx.call_api are not available here")
        try:
            if kind == "http":
                method, url, headers, body = (message.get(k) for k in ("method", "url", "headers", "body"))
                if not (isinstance(method, str) and isinstance(url, str) and isinstance(headers, dict)):
                    return _host_error("SCRIPT_HOST_BAD_REQUEST", "malformed ctx.http request")
                if body is not None and not isinstance(body, str):
                    return _host_error("SCRIPT_HOST_BAD_REQUEST", "ctx.http body must be a string")
                value: Any = await self.host.http(method, url, {str(k): str(v) for k, v in headers.items()}, body)
            else:
                name, params = message.get("name"), message.get("params")
                if not (isinstance(name, str) and isinstance(params, dict)):
                    return _host_error("SCRIPT_HOST_BAD_REQUEST", "malformed ctx.call_api request")
                value = await self.host.call_api(name, params)
            size = len(json.dumps(value).encode())
        except OpsuiteError as exc:
            return _host_error(exc.reason, exc.message)
        except (TypeError, ValueError):
            return _host_error("INTERNAL", "the ctx call returned data that is not JSON")
        except Exception:
            _log.exception("script ctx.%s failed", kind)
            return _host_error("INTERNAL", f"ctx.{kind} failed inside the service; see the service log")
        if size > self.policy.max_host_reply_bytes:
            return _host_error(
                "SCRIPT_HOST_REPLY_TOO_LARGE",
                f"the ctx.{kind} reply is {size} bytes, more than {self.policy.max_host_reply_bytes}",
            )
        return {"t": "reply", "ok": True, "value": value}

    def _error(self, message: dict[str, Any]) -> OpsuiteError:
        kind = message.get("kind")
        text = str(message.get("message") or "")[:_MAX_MESSAGE]
        line = message.get("line")
        meta: dict[str, object] = {"line": line} if isinstance(line, int) else {}
        if kind == "syntax":
            return ValidationError.for_field(SOURCE_FIELD, f"line {line}: {text}")
        if kind == "violation":
            return _violation(text.removeprefix("script tried to "), metadata=meta)
        if kind == "memory":
            return ResourceLimitError(
                f"the script ran out of memory (limit {self.policy.memory_mb} MB)", reason="SCRIPT_MEMORY_LIMIT"
            )
        if kind == "output":
            return ResourceLimitError(text, reason="SCRIPT_OUTPUT_LIMIT")
        if kind == "script":
            if message.get("type"):
                meta["exception_type"] = str(message["type"])[:100]
            return FailedPreconditionError(f"the script failed: {text}", reason="SCRIPT_ERROR", metadata=meta)
        return _violation("send an unknown error kind on the sandbox channel")

    async def _ended(self) -> OpsuiteError:
        """The child closed its channel without a result: ask the fork server how it died."""
        exit_fut = self.server.exits.get(self.execution)
        try:
            if exit_fut is None:
                raise ServerDied
            status = await exit_fut
        except ServerDied:
            return ServiceUnavailableError(
                "the script runner restarted during the execution; try again", reason="SCRIPT_RUNNER_RESTARTED"
            )
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGXCPU:
                return DeadlineExceededError(
                    f"the script used more than its {self.policy.cpu_seconds} s of CPU time and was stopped",
                    reason="SCRIPT_TIMEOUT",
                )
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            hint = " (CPU hard limit or out of memory)" if sig == signal.SIGKILL else ""
            return FailedPreconditionError(f"the script process was killed by {name}{hint}", reason="SCRIPT_CRASHED")
        return FailedPreconditionError(
            f"the script process exited with code {os.WEXITSTATUS(status)} before returning a result",
            reason="SCRIPT_CRASHED",
        )


def _host_error(reason: str, message: str) -> dict[str, Any]:
    return {"t": "reply", "ok": False, "error": {"reason": reason, "message": message}}


def _violation(what: str, metadata: dict[str, Any] | None = None) -> PermissionDeniedError:
    return PermissionDeniedError(f"script tried to {what}", reason="SCRIPT_SANDBOX_VIOLATION", metadata=metadata)


def _waited(policy: ScriptPolicy) -> str:
    """`` (0.002 s of it spent waiting for a sandbox slot)`` when the wait for a slot took part of the timeout."""
    if policy.stated_timeout_s is None:
        return ""
    return f" ({policy.stated_timeout_s - policy.timeout_s:.3g} s of it spent waiting for a sandbox slot)"
