"""The service side of the script sandbox: a fork-server client that runs one sandboxed child per execution.

Each execution gets its own socketpair. The service keeps one end and hands the other to the fork server
(SCM_RIGHTS), which forks a child onto it. The service then talks to that child directly with
length-prefixed JSON frames: the job out (written before the fork server even answers, followed by the
script's code as this service compiled it, cached per source); log lines, ``ctx`` requests and exactly one
result or error back.
The child is untrusted: every frame is bounded and checked, and it is SIGKILLed (through the fork server,
which alone knows whether the process is still its child) when its time is up or its work is done.
The fork server client is :mod:`.forkserver_client`; one child's conversation is :mod:`.child`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import marshal
import os
import socket
import sys
import time
from collections.abc import Collection
from typing import Any

from opsuite_api_manager.domain.script.models import ALL_LAYERS, ScriptHost, ScriptPolicy, ScriptResult
from opsuite_common.errors import (
    RateLimitedError,
    ServiceUnavailableError,
    ValidationError,
)

from ._childrun import SCRIPT_FILENAME
from .child import ChildExecution
from .forkserver_client import RUNNER_UNAVAILABLE, ForkServer, ServerDied, frame

__all__ = ["ScriptRunner"]

_log = logging.getLogger(__name__)
_CODE_CACHE_ENTRIES = 512
_CODE_CACHE_MAX_SOURCE = 512 * 1024  # bigger scripts are compiled by their child, as they are rare


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
        self._server: ForkServer | None = None
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

    async def _ready_server(self) -> ForkServer:
        async with self._lock:
            if self._closed:
                raise ServiceUnavailableError("the script runner is shut down", reason=RUNNER_UNAVAILABLE)
            if self._server is not None and not self._server.dead:
                return self._server
            if self._server is not None:
                _log.warning("script fork server %s died; restarting it", self._server.pid)
                await self._server.close()
                self.restarts += 1
            self._server = await ForkServer.start(self._layers, self._python, self._start_timeout_s, self._options)
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
            job_frame = frame(job)
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
                except ServerDied:
                    ours.close()
                    if attempt == 0:
                        continue  # nothing of the script ran yet: retry once on a fresh server
                    raise ServiceUnavailableError(
                        "the script fork server keeps dying; see the service log", reason=RUNNER_UNAVAILABLE
                    ) from None
                except BaseException:  # refused, or the caller cancelled: the child (if any) is killed
                    ours.close()
                    raise
                finally:
                    theirs.close()
                return await ChildExecution(server, execution, ours, policy, host).run(job_frame[sent:])
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
        left = max(policy.timeout_s - waited, 0.001)
        return dataclasses.replace(policy, timeout_s=left, stated_timeout_s=policy.stated_timeout_s or policy.timeout_s)
