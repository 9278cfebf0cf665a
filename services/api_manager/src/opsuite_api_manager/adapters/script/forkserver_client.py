"""The service's client of the script fork server: start it, ask it for sandboxed children, kill them, stop it.

The fork server (``_forkserver.py``, started with ``python -I -S -B`` and a scrubbed environment) speaks
length-prefixed JSON on a SEQPACKET control socket; a child's own socket is handed over with SCM_RIGHTS.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import socket
import subprocess
from collections.abc import Collection
from pathlib import Path
from typing import Any

from opsuite_common.errors import ServiceUnavailableError

__all__ = ["RUNNER_UNAVAILABLE", "ForkServer", "ServerDied", "frame"]

_log = logging.getLogger("opsuite_api_manager.adapters.script.runner")
_FORKSERVER = Path(__file__).with_name("_forkserver.py")
_SCRUBBED_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
#: The runner itself (not the script) cannot run scripts now.
RUNNER_UNAVAILABLE = "SCRIPT_RUNNER_UNAVAILABLE"


class ServerDied(Exception):
    """The fork server went away while we were waiting on it."""


def frame(obj: object) -> bytes:
    """``obj`` as one length-prefixed JSON frame."""
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return len(data).to_bytes(4, "big") + data


class ForkServer:
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
    async def start(cls, layers: Collection[str], python: str, timeout_s: float, options: dict[str, Any]) -> ForkServer:
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
        except (TimeoutError, ServerDied) as exc:
            await server.close()
            raise ServiceUnavailableError(
                "the script fork server did not start; see the service log", reason=RUNNER_UNAVAILABLE
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
                    fut.set_exception(ServerDied())
                    fut.exception()  # mark retrieved: nobody may be waiting any more

    async def fork(self, limits: dict[str, int], child_end: socket.socket) -> int:
        """Ask for a sandboxed child on ``child_end``; returns the execution id once the server has it."""
        if self.dead:
            raise ServerDied
        request_id = next(self._ids)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._forks[request_id] = fut
        data = frame({"op": "fork", "id": request_id, "limits": limits})
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
                    raise ServerDied from exc
                raise ServiceUnavailableError(  # ENOBUFS and the like: the server may be fine, keep it
                    f"could not hand the script to the fork server ({exc.strerror})", reason=RUNNER_UNAVAILABLE
                ) from exc
        else:
            self._forks.pop(request_id, None)
            raise ServiceUnavailableError(
                "the script fork server is not taking requests; try again shortly", reason=RUNNER_UNAVAILABLE
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
            self.sock.send(frame({"op": "kill", "id": execution}))

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
