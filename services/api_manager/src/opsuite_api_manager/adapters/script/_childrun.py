"""Runs one job inside a locked-down child: compile, call ``main(params, input, ctx)``, report the outcome.

Standard library only (loaded by the fork server from its file path). Everything the script does with the
outside world goes through ``ctx``, which turns calls into frames on the child's channel; the service
answers them (``ctx.http``, ``ctx.call_api``) or records them (``ctx.log``).
"""

from __future__ import annotations

import builtins
import json
import marshal
import sys
import time
from typing import Any

SCRIPT_FILENAME = "<script>"
_MAX_MESSAGE = 2000


class _Channel:
    """The child's side of its frame channel, with the caps the service also enforces."""

    def __init__(self, fd: int, limits: dict[str, int], send: Any, recv: Any) -> None:
        self.fd, self.limits, self._send, self._recv = fd, limits, send, recv
        self.log_lines = 0
        self.dropped_logs = 0
        self.host_calls = 0
        self.started = time.monotonic()

    def log(self, message: str, fields: dict[str, Any]) -> None:
        if self.log_lines >= self.limits["max_log_lines"]:
            self.dropped_logs += 1
            return
        self.log_lines += 1
        cap = self.limits["max_log_line_bytes"]
        encoded = message.encode("utf-8", "replace")
        if len(encoded) > cap:
            message = encoded[:cap].decode("utf-8", "ignore") + "…[truncated]"
        try:
            safe_fields = json.loads(json.dumps(fields, default=repr))
        except (TypeError, ValueError):
            safe_fields = {"fields": repr(fields)[:cap]}
        if len(json.dumps(safe_fields)) > cap:
            safe_fields = {"truncated_fields": True}
        self._send(self.fd, {"t": "log", "msg": message, "fields": safe_fields,
                             "at": round(time.monotonic() - self.started, 6)})  # fmt: skip

    def call(self, request: dict[str, Any]) -> Any:
        self.host_calls += 1
        if self.host_calls > self.limits["max_host_calls"]:
            raise _host_error("SCRIPT_HOST_CALL_LIMIT", f"too many ctx calls (at most {self.limits['max_host_calls']})")
        try:
            size = len(json.dumps(request).encode())
        except (TypeError, ValueError) as exc:
            raise TypeError(f"ctx call arguments must be JSON-serialisable: {exc}") from None
        if size > self.limits["max_host_request_bytes"]:
            raise _host_error(
                "SCRIPT_HOST_REQUEST_TOO_LARGE",
                f"ctx request is {size} bytes, more than {self.limits['max_host_request_bytes']}",
            )
        self._send(self.fd, request)
        reply = self._recv(self.fd)
        if not isinstance(reply, dict):
            raise _host_error("INTERNAL", "the service sent an invalid reply")
        if reply.get("ok"):
            return reply.get("value")
        error = reply.get("error") or {}
        raise _host_error(str(error.get("reason", "INTERNAL")), str(error.get("message", "ctx call failed")))


def _host_error(reason: str, message: str) -> Exception:
    from _opsuite_sandbox import HostCallError  # type: ignore[import-not-found]  # registered by the fork server

    return HostCallError(reason, message)  # type: ignore[no-any-return]


class Http:
    """``ctx.http``: HTTP requests performed by the service, under the API's allow-list and SSRF guard."""

    def __init__(self, channel: _Channel) -> None:
        self._channel = channel

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                body: str | None = None, json: Any = None) -> Any:  # fmt: skip
        """Send a request; returns the service's response dict (status, headers, body, json)."""
        headers = dict(headers or {})
        if json is not None:
            body = _json_dumps(json)
            headers.setdefault("content-type", "application/json")
        if body is not None and not isinstance(body, str):
            raise TypeError("ctx.http body must be a str (use json= for structured data)")
        return self._channel.call({"t": "http", "method": str(method).upper(), "url": str(url),
                                   "headers": {str(k): str(v) for k, v in headers.items()}, "body": body})  # fmt: skip

    def get(self, url: str, *, headers: dict[str, str] | None = None) -> Any:
        """Send a GET request."""
        return self.request("GET", url, headers=headers)

    def post(self, url: str, *, headers: dict[str, str] | None = None, body: str | None = None,
             json: Any = None) -> Any:  # fmt: skip
        """Send a POST request with a text ``body`` or a ``json`` value."""
        return self.request("POST", url, headers=headers, body=body, json=json)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Context:
    """The ``ctx`` argument of ``main``: logging, HTTP and calls to other APIs, all through the service."""

    def __init__(self, channel: _Channel) -> None:
        self._channel = channel
        self.http = Http(channel)

    def log(self, msg: object, **fields: Any) -> None:
        """Record a log line (kept in the execution log, capped in count and size)."""
        self._channel.log(str(msg), fields)

    def call_api(self, name: str, params: dict[str, Any] | None = None) -> Any:
        """Execute another API of the same tenant and return its result."""
        return self._channel.call({"t": "call_api", "name": str(name), "params": params or {}})


class _LogStream:
    """Turns ``print`` output into log lines, so nothing a script prints is lost or unbounded."""

    def __init__(self, channel: _Channel, stream: str) -> None:
        self._channel, self._stream, self._buffer = channel, stream, ""

    def write(self, text: str) -> int:
        self._buffer += str(text)
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            self._channel.log(line, {"stream": self._stream})
        if len(self._buffer) > self._channel.limits["max_log_line_bytes"]:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            line, self._buffer = self._buffer, ""
            self._channel.log(line, {"stream": self._stream})


def _user_line(exc: BaseException, source_lines: list[str]) -> int | None:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # a hostile __str__ must not break error reporting
        text = "<unprintable>"
    return text[:_MAX_MESSAGE]


def _load_code(blob: object) -> Any:
    """The script as the service compiled it (marshalled), or None to compile the source here."""
    if not isinstance(blob, bytes):
        return None
    try:
        code = marshal.loads(blob)  # noqa: S302 - written by the service (same interpreter), not the script
    except (EOFError, ValueError, TypeError):
        return None
    return code if type(code) is type(_load_code.__code__) and code.co_filename == SCRIPT_FILENAME else None


def run_job(fd: int, job: dict[str, Any], seen: list[str]) -> int:
    """Run the job's script and send exactly one ``result`` or ``error`` frame; returns the exit code."""
    from _opsuite_sandbox import SandboxViolation, recv_frame, send_frame, take_ballast

    limits: dict[str, int] = job["limits"]
    channel = _Channel(fd, limits, send_frame, recv_frame)
    source: str = job["source"]
    source_lines = source.splitlines()
    ctx = Context(channel)
    sys.stdin = None
    sys.stdout = _LogStream(channel, "stdout")
    sys.stderr = _LogStream(channel, "stderr")
    pristine = dict(builtins.__dict__)  # restored before reporting: a script may have vandalised builtins
    ballast: bytearray | None = take_ballast()  # released on MemoryError so we can still report it
    real_limit = sys.setrecursionlimit
    sys.setrecursionlimit = lambda n: real_limit(min(int(n), 5000))

    def fail(kind: str, exc: BaseException | None, message: str, line: int | None = None) -> int:
        builtins.__dict__.update(pristine)
        sys.stdout.flush()
        send_frame(fd, {"t": "error", "kind": kind, "type": type(exc).__name__ if exc else None,
                        "message": message[:_MAX_MESSAGE], "line": line, "violations": seen[:20],
                        "dropped_logs": channel.dropped_logs})  # fmt: skip
        return 0

    code = _load_code(job.get("code"))
    if code is None:
        try:
            code = compile(source, SCRIPT_FILENAME, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return fail("syntax", exc, f"{exc.msg} (line {exc.lineno})", exc.lineno)
    namespace: dict[str, Any] = {"__name__": "__script__", "__builtins__": builtins}
    try:
        exec(code, namespace)  # noqa: S102 - this is the sandbox: the process is the boundary
        main = namespace.get("main")
        if not callable(main):
            return fail("script", None, "the script does not define main(params, input, ctx)")
        output = main(job["params"], job["input"], ctx)
        builtins.__dict__.update(pristine)
        sys.stdout.flush()
        try:
            encoded = _json_dumps(output).encode()
        except (TypeError, ValueError) as exc:
            return fail("script", exc, f"main() returned a value that is not JSON-serialisable: {_describe(exc)}")
        if len(encoded) > limits["output_bytes"]:
            return fail(
                "output", None, f"the result is {len(encoded)} bytes, more than the {limits['output_bytes']} allowed"
            )
        header = _json_dumps({"t": "result", "violations": seen[:20], "dropped_logs": channel.dropped_logs})
        frame = (header[:-1] + ',"output":').encode() + encoded + b"}"
        from _opsuite_sandbox import _write_all

        _write_all(fd, len(frame).to_bytes(4, "big") + frame)
        return 0
    except MemoryError as exc:
        ballast = None
        del ballast
        namespace.clear()
        return fail("memory", exc, "the script ran out of memory", _user_line(exc, source_lines))
    except SandboxViolation as exc:
        return fail("violation", exc, _describe(exc), _user_line(exc, source_lines))
    except BaseException as exc:
        builtins.__dict__.update(pristine)
        line = _user_line(exc, source_lines)
        if seen and isinstance(exc, (OSError, ImportError, AttributeError, TypeError)):
            return fail("violation", exc, seen[0], line)
        where = f" (line {line}: {source_lines[line - 1].strip()[:200]})" if line and line <= len(source_lines) else ""
        return fail("script", exc, f"{type(exc).__name__}: {_describe(exc)}{where}", line)
