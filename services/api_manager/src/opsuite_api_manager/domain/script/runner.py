"""The service side of the script sandbox: a fork-server client that runs one sandboxed child per execution.

Each execution gets its own socketpair. The service keeps one end and hands the other to the fork server
(SCM_RIGHTS), which forks a child onto it. The service then talks to that child directly with
length-prefixed JSON frames: the job out (written before the fork server even answers, followed by the
script's code as this service compiled it, cached per source); log lines, ``ctx`` requests and exactly one
result or error back.
The child is untrusted: every frame is bounded and checked, and it is SIGKILLed (through the fork server,
which alone knows whether the process is still its child) when its time is up or its work is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import marshal
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from opsuite_common.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    OpsuiteError,
    PermissionDeniedError,
    RateLimitedError,
    ResourceLimitError,
    ServiceUnavailableError,
    ValidationError,
)

from ._childrun import SCRIPT_FILENAME
from .checks import SOURCE_FIELD
from .logs import escape_controls
from .models import ALL_LAYERS, LogLine, ScriptHost, ScriptPolicy, ScriptResult

__all__ = ["ScriptRunner", "script_logs_of"]

_log = logging.getLogger(__name__)
_FORKSERVER = Path(__file__).with_name("_forkserver.py")
_SCRUBBED_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
_FRAME_SLACK = 64 * 1024
_MAX_MESSAGE = 2_000
_CODE_CACHE_ENTRIES = 512
_CODE_CACHE_MAX_SOURCE = 512 * 1024  # bigger scripts are compiled by their child, as they are rare
#: The runner itself (not the script) cannot run scripts now.
_RUNNER_UNAVAILABLE = "SCRIPT_RUNNER_UNAVAILABLE"


class _ServerDied(Exception):
    """The fork server went away while we were waiting on it."""


def _frame(obj: object) -> bytes:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return len(data).to_bytes(4, "big") + data


def script_logs_of(error: BaseException) -> tuple[LogLine, ...]:
    """The log lines a failed execution wrote before it failed (empty when it wrote none)."""
    logs = getattr(error, "script_logs", ())
    return tuple(logs) if isinstance(logs, tuple | list) else ()


class _ForkServer:
    """One running fork server process and the control socket to it."""

    def __init__(self, proc: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.proc, self.sock = proc, sock
        self.pid = proc.pid
        self.ready: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._ids = itertools.count(1)
        self._forks: dict[int, asyncio.Future[None]] = {}
        self.exits: dict[int, asyncio.Future[int]] = {}
        self.dead = False
        self.workdir: str | None = None
        self._reader = asyncio.get_running_loop().create_task(self._read(), name="script-forkserver-reader")

    @classmethod
    async def start(
        cls, layers: Collection[str], python: str, timeout_s: float, options: dict[str, Any]
    ) -> _ForkServer:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv = [python, "-I", "-S", "-B", str(_FORKSERVER), str(theirs.fileno()), json.dumps(sorted(layers))]
        try:
            # In a thread: fork+exec must not stall the event loop serving other requests.
            proc = await asyncio.to_thread(
                subprocess.Popen,
                [*argv, json.dumps(options)],
                pass_fds=(theirs.fileno(),),
                env=dict(_SCRUBBED_ENV),  # the service's secrets stay in the service
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                cwd="/",
                start_new_session=True,
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        server = cls(proc, ours)
        try:
            async with asyncio.timeout(timeout_s):
                hello = await server.ready
        except (TimeoutError, _ServerDied) as exc:
            await server.close()
            raise ServiceUnavailableError(
                "the script fork server did not start; see the service log", reason=_RUNNER_UNAVAILABLE
            ) from exc
        _log.info("script fork server %s ready (own network namespace: %s)", server.pid, hello.get("netns"))
        return server

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                data = await loop.sock_recv(self.sock, 65536)
                if not data:
                    return
                message = json.loads(data[4:])
                kind = message.get("t")
                if kind == "forked":
                    self.exits[message["id"]] = loop.create_future()
                    fut = self._forks.pop(message["id"], None)
                    if fut is not None and not fut.done():
                        fut.set_result(None)
                    else:  # its caller went away while the fork was on its way: nobody will run it
                        self.kill(message["id"])
                elif kind == "exit":
                    exit_fut = self.exits.get(message["id"])
                    if exit_fut is not None and not exit_fut.done():
                        exit_fut.set_result(message["status"])
                elif kind == "ready" and not self.ready.done():
                    self.workdir = str(message.get("workdir") or "") or None
                    self.ready.set_result(message)
        except (OSError, ValueError, KeyError) as exc:
            _log.warning("script fork server %s: control channel failed: %r", self.pid, exc)
        finally:
            self.dead = True
            pending: list[asyncio.Future[Any]] = [self.ready, *self._forks.values(), *self.exits.values()]
            for fut in pending:
                if not fut.done():
                    fut.set_exception(_ServerDied())
                    fut.exception()  # mark retrieved: nobody may be waiting any more

    async def fork(self, limits: dict[str, int], child_end: socket.socket) -> int:
        """Ask for a sandboxed child on ``child_end``; returns the execution id once the server has it."""
        if self.dead:
            raise _ServerDied
        request_id = next(self._ids)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._forks[request_id] = fut
        data = _frame({"op": "fork", "id": request_id, "limits": limits})
        for _ in range(1000):
            try:
                socket.send_fds(self.sock, [data], [child_end.fileno()])
                break
            except BlockingIOError:
                try:
                    await asyncio.sleep(0.001)
                except asyncio.CancelledError:
                    self._forks.pop(request_id, None)  # never sent: no child will come of it
                    raise
            except OSError as exc:
                self._forks.pop(request_id, None)
                if isinstance(exc, BrokenPipeError | ConnectionResetError) or self.proc.poll() is not None:
                    # The server is gone though the reader may not have seen EOF yet: say so now, or the
                    # retry would be handed this same dead server again.
                    self.dead = True
                    raise _ServerDied from exc
                raise ServiceUnavailableError(  # ENOBUFS and the like: the server may be fine, keep it
                    f"could not hand the script to the fork server ({exc.strerror})", reason=_RUNNER_UNAVAILABLE
                ) from exc
        else:
            self._forks.pop(request_id, None)
            raise ServiceUnavailableError(
                "the script fork server is not taking requests; try again shortly", reason=_RUNNER_UNAVAILABLE
            )
        try:
            await fut  # cancelled before "forked" arrived: the reader kills the child when it does
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.kill(request_id)  # forked, but cancelled before this task resumed: nobody runs it
            raise
        return request_id

    def kill(self, execution: int) -> None:
        """SIGKILL an execution's child (its whole process group) if the fork server still owns it."""
        self.exits.pop(execution, None)
        if self.dead:
            return
        with contextlib.suppress(OSError):  # a full or broken control socket: the server is going away
            self.sock.send(_frame({"op": "kill", "id": execution}))

    async def close(self) -> None:
        """Stop the fork server (its children die with it) and reap it."""
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        self.sock.close()
        for _ in range(100):
            if self.proc.poll() is not None:
                break
            await asyncio.sleep(0.02)
        else:
            self.proc.kill()
            await asyncio.to_thread(self.proc.wait)
        if self.workdir is not None:  # a killed server could not remove its empty working directory
            with contextlib.suppress(OSError):
                os.rmdir(self.workdir)


class ScriptRunner:
    """Runs user scripts, each in its own sandboxed process forked from a pre-warmed fork server."""

    def __init__(
        self,
        *,
        max_concurrency: int = 8,
        layers: Collection[str] = ALL_LAYERS,
        python: str | None = None,
        start_timeout_s: float = 15.0,
        per_child_netns: bool = False,
    ) -> None:
        """``per_child_netns``: give each child a network namespace of its own as well.

        Off by default: the fork server already lives in an empty network namespace that its unprivileged
        children inherit and cannot leave, so they have no network either way; a namespace per child
        only also separates concurrent children from each other (abstract unix sockets), for ~0.5 ms of
        kernel work per execution.
        """
        unknown = set(layers) - ALL_LAYERS
        if unknown:
            raise ValueError(f"unknown sandbox layers: {sorted(unknown)}")
        self._layers = frozenset(layers)
        self._python = python or sys.executable
        self._options = {"per_child_netns": bool(per_child_netns)}
        # Marshalled code only works in the very interpreter that made it.
        self._send_code = os.path.realpath(self._python) == os.path.realpath(sys.executable)
        self._code: dict[str, bytes | None] = {}  # source -> marshalled code (None: let the child say why)
        self._start_timeout_s = start_timeout_s
        self._max_concurrency = max_concurrency
        self._slots = asyncio.Semaphore(max_concurrency)
        self._server: _ForkServer | None = None
        self._lock = asyncio.Lock()
        self._closed = False
        self.restarts = 0  # fork server (re)starts after the first: exported for health and metrics

    @property
    def server_pid(self) -> int | None:
        """The fork server's pid, or None when it is not running."""
        return self._server.pid if self._server is not None and not self._server.dead else None

    async def start(self) -> None:
        """Start the fork server now (otherwise the first ``run`` starts it)."""
        await self._ready_server()

    async def close(self) -> None:
        """Stop the fork server; running executions fail with UNAVAILABLE."""
        self._closed = True
        async with self._lock:
            if self._server is not None:
                await self._server.close()
                self._server = None

    async def __aenter__(self) -> ScriptRunner:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _ready_server(self) -> _ForkServer:
        async with self._lock:
            if self._closed:
                raise ServiceUnavailableError("the script runner is shut down", reason=_RUNNER_UNAVAILABLE)
            if self._server is not None and not self._server.dead:
                return self._server
            if self._server is not None:
                _log.warning("script fork server %s died; restarting it", self._server.pid)
                await self._server.close()
                self.restarts += 1
            self._server = await _ForkServer.start(self._layers, self._python, self._start_timeout_s, self._options)
            return self._server

    def _compiled(self, source: str) -> bytes | None:
        """The script compiled once per distinct source (bounded cache); None when it does not compile."""
        if not self._send_code or len(source) > _CODE_CACHE_MAX_SOURCE:
            return None
        try:
            return self._code[source]
        except KeyError:
            pass
        try:
            blob: bytes | None = marshal.dumps(compile(source, SCRIPT_FILENAME, "exec", dont_inherit=True, optimize=0))
        except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
            blob = None  # the child compiles it again and reports the problem exactly as before
        if len(self._code) >= _CODE_CACHE_ENTRIES:
            del self._code[next(iter(self._code))]  # oldest first: enough for a cache of API versions
        self._code[source] = blob
        return blob

    async def run(
        self,
        source: str,
        params: dict[str, Any],
        input: Any = None,
        policy: ScriptPolicy | None = None,
        host: ScriptHost | None = None,
    ) -> ScriptResult:
        """Run ``main(params, input, ctx)`` from ``source`` in a fresh sandboxed process."""
        policy = policy or ScriptPolicy()
        job = {
            "t": "job",
            "source": source,
            "params": params,
            "input": input,
            "limits": {
                "output_bytes": policy.output_bytes,
                "max_log_lines": policy.max_log_lines,
                "max_log_line_bytes": policy.max_log_line_bytes,
                "max_host_calls": policy.max_host_calls,
                "max_host_request_bytes": policy.max_host_request_bytes,
            },
        }
        code = self._compiled(source)
        if code is not None:
            job["code_bytes"] = len(code)
        try:
            job_frame = _frame(job)
        except (TypeError, ValueError) as exc:
            raise ValidationError.for_field("params", f"params and input must be JSON data: {exc}") from None
        if code is not None:
            job_frame += code
        policy = await self._take_slot(policy)
        limits = {"cpu_s": policy.cpu_seconds, "memory_mb": policy.memory_mb}
        try:
            for attempt in range(2):
                server = await self._ready_server()
                ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                ours.setblocking(False)
                try:
                    sent = ours.send(job_frame)  # waits in the buffer for the child: no extra round trip
                except BlockingIOError:
                    sent = 0
                try:
                    execution = await server.fork(limits, theirs)
                except _ServerDied:
                    ours.close()
                    if attempt == 0:
                        continue  # nothing of the script ran yet: retry once on a fresh server
                    raise ServiceUnavailableError(
                        "the script fork server keeps dying; see the service log", reason=_RUNNER_UNAVAILABLE
                    ) from None
                except BaseException:  # refused, or the caller cancelled: the child (if any) is killed
                    ours.close()
                    raise
                finally:
                    theirs.close()
                return await _Execution(server, execution, ours, policy, host).run(job_frame[sent:])
        finally:
            self._slots.release()
        raise AssertionError("unreachable")

    async def _take_slot(self, policy: ScriptPolicy) -> ScriptPolicy:
        """Wait for a sandbox slot within the script's time; the policy with the time that is left.

        A runner whose slots all stay busy for that long answers RESOURCE_EXHAUSTED (SCRIPT_RUNNER_BUSY,
        retry-after): the service is saturated, the script did nothing wrong.
        """
        started = time.monotonic()
        try:
            async with asyncio.timeout(policy.timeout_s):
                await self._slots.acquire()
        except TimeoutError:
            raise RateLimitedError(
                f"the script runner is busy: all {self._max_concurrency} sandbox slots stayed in use for the "
                f"script's whole {policy.timeout_s:g} s; try again shortly",
                reason="SCRIPT_RUNNER_BUSY",
                retry_after=1.0,
            ) from None
        waited = time.monotonic() - started
        if waited < 0.001:
            return policy
        return dataclasses.replace(policy, timeout_s=max(policy.timeout_s - waited, 0.001))


class _Execution:
    """One child's conversation: send the job, serve its frames, classify how it ended."""

    def __init__(
        self, server: _ForkServer, execution: int, sock: socket.socket, policy: ScriptPolicy, host: ScriptHost | None
    ) -> None:
        self.server, self.execution, self.sock, self.policy, self.host = server, execution, sock, policy, host
        self.logs: list[LogLine] = []
        self.logs_dropped = 0  # lines over the cap: the child's count (in its last frame) plus ours
        self.host_calls = 0
        self.started = time.monotonic()
        self.max_frame = (
            max(policy.output_bytes, policy.max_host_request_bytes, 4 * policy.max_log_line_bytes) + _FRAME_SLACK
        )

    async def run(self, job_frame: bytes) -> ScriptResult:
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
                    f"the script did not finish within its {self.policy.timeout_s:g} s timeout and was killed",
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
                writer.write(_frame(await self._host_call(kind, message)))
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
                raise _ServerDied
            status = await exit_fut
        except _ServerDied:
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
