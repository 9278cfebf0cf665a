"""Worker processes: ``--workers N`` (``<P>WORKERS``) runs N servers of one service on one port.

The pattern of grpc's ``examples/python/multiprocessing``: a gRPC server must not exist before a fork
(grpc/grpc#16001), so the parent never builds one. It reserves the port with a plain socket that has
SO_REUSEPORT, bound and never listening, held for the parent's life (it picks the port when the setting
is 0, and keeps other programs off it), then starts N workers with the ``spawn`` method. Each worker
builds its own server with the ``grpc.so_reuseport`` option on that port, and the kernel spreads new
connections over them.

Each worker is a replica of the service on the same database, with the settings
``settings.for_worker(k)`` (what must differ per process: api_manager's and ops' instance id, the
metrics port; cep refuses more than one worker without partitions, see each service's ``config.py``).

- Start-up: worker 0 starts first and the others once it serves, so one process applies the database
  migrations (two processes migrating a fresh SQLite file at once collide) and finds a configuration
  error alone. Once every worker reports ready the parent prints ``<service> listening on host:port
  (N workers)``. A worker that exits before that ends the start-up: the others are stopped and the
  parent exits 1 (a configuration error would only repeat).
- A worker that dies later is reported (log event ``worker exited``: which worker, its pid, exit code or
  signal, and the next attempt) and restarted after 1 s, 2 s, 4 s ... up to 30 s (1 s again once it had
  served 30 s); its siblings keep serving meanwhile. The restarted worker has the same index, so the same
  instance id: it marks ABORTED what its dead predecessor left running, nothing of its siblings.
- SIGTERM/SIGINT to the parent is forwarded to every worker, which stops like a single server
  (NOT_SERVING, ``server.stop(grace_s)``, then its cleanups). The parent waits up to ``grace_s`` + 15 s,
  kills what is left, and exits 0 when every worker stopped cleanly, else 1.
- Workers run in their own process group (a terminal's Ctrl-C reaches the parent only, which forwards
  it), and a worker whose parent died (its end of the parent's pipe closes) stops gracefully too.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from opsuite_common.logging import configure_logging, get_logger
from opsuite_common.server.bootstrap import ServerHandle, freeze_startup_heap
from opsuite_common.settings import ServiceSettings

__all__ = ["RESTART_INITIAL_S", "RESTART_MAX_S", "describe_exit", "reserve_port", "run_workers"]

S = TypeVar("S", bound=ServiceSettings)

log = get_logger("opsuite.server.workers")

#: First and longest wait before a dead worker is started again.
RESTART_INITIAL_S = 1.0
RESTART_MAX_S = 30.0
#: How long after the grace period the parent waits for its workers before it kills them.
STOP_SLACK_S = 15.0
_POLL_S = 0.2
_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def describe_exit(code: int | None) -> str:
    """A process's exit status in words: ``exit code 1``, ``killed by SIGKILL``."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def reserve_port(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (0: a free port) with SO_REUSEPORT and not listening, which holds
    the port for the workers' servers (only listening sockets are given connections)."""
    address = host.strip("[]") or None
    try:
        family, kind, proto, _, sockaddr = socket.getaddrinfo(
            address, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise OSError(f"could not reserve {host}:{port} for the workers: {exc}") from None
    try:
        if port:
            # SO_REUSEPORT would share the port with any other program's SO_REUSEPORT socket (another
            # --workers instance, a second deployment): the kernel would split connections between them. A
            # plain bind first (SO_REUSEADDR only, so a restart's TIME_WAIT connections do not block it) fails
            # while anything else holds the port.
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(sockaddr)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(sockaddr)
    except OSError as exc:
        sock.close()
        raise OSError(
            f"could not reserve {host}:{port} for the workers: is another process listening? ({exc})"
        ) from None
    return sock


# ----------------------------------------------------------------------------------------- worker side
@dataclass(frozen=True)
class _WorkerSpec(Generic[S]):
    """What a worker process runs (pickled to it: ``create`` must be a module-level function)."""

    service: str
    index: int
    settings: S
    create: Callable[[S], Awaitable[ServerHandle]]
    #: Run in the worker before and after serving (tracing: its exporter cannot cross processes).
    setup: Callable[[], object] | None = None
    teardown: Callable[[], object] | None = None


#: Signals a worker received before its event loop handles them (it stops right after start-up).
_early_signals: list[int] = []


def _worker_main(spec: _WorkerSpec[Any], conn: Connection) -> None:
    """A worker process: serve until SIGTERM/SIGINT, or until the parent is gone."""
    for sig in _SIGNALS:
        signal.signal(sig, lambda signum, _frame: _early_signals.append(signum))
    os.setpgid(0, 0)
    configure_logging(spec.service, level=spec.settings.log_level, fmt=spec.settings.log_format)
    if spec.setup is not None:
        spec.setup()
    try:
        asyncio.run(_serve_worker(spec, conn))
    finally:
        if spec.teardown is not None:
            spec.teardown()


async def _serve_worker(spec: _WorkerSpec[Any], conn: Connection) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in _SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    if _early_signals:
        stop.set()

    def parent_gone() -> None:  # the parent never writes: its end is readable only once closed
        loop.remove_reader(conn.fileno())
        stop.set()

    loop.add_reader(conn.fileno(), parent_gone)
    handle = await spec.create(spec.settings)
    freeze_startup_heap()
    try:
        conn.send(("ready", handle.port))
    except OSError:
        stop.set()
    server_done = asyncio.ensure_future(handle.server.wait_for_termination())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({server_done, stopping}, return_when=asyncio.FIRST_COMPLETED)
    log.info("shutting down", worker=spec.index, grace_s=spec.settings.grace_s)
    await handle.stop(spec.settings.grace_s)
    stopping.cancel()
    server_done.cancel()
    log.info("stopped", worker=spec.index)


# ----------------------------------------------------------------------------------------- parent side
@dataclass
class _Worker:
    index: int
    settings: ServiceSettings
    process: BaseProcess | None = None
    conn: Connection | None = None
    #: When it reported ready (None: starting).
    ready_at: float | None = None
    #: Consecutive quick deaths (the back-off's exponent).
    failures: int = 0
    #: When to start it again after it died.
    restart_at: float | None = None


class _Supervisor:
    """The parent: starts, watches, restarts and stops the workers."""

    def __init__(
        self,
        service: str,
        settings: ServiceSettings,
        create: Callable[[Any], Awaitable[ServerHandle]],
        setup: Callable[[], object] | None,
        teardown: Callable[[], object] | None,
    ) -> None:
        self.service, self.create, self.setup, self.teardown = service, create, setup, teardown
        self.grace_s = settings.grace_s
        self.workers = [_Worker(i, settings.for_worker(i)) for i in range(settings.workers)]
        self.ctx = multiprocessing.get_context("spawn")
        self.received: list[int] = []

    def start(self, w: _Worker) -> None:
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        spec = _WorkerSpec(self.service, w.index, w.settings, self.create, self.setup, self.teardown)
        process = self.ctx.Process(target=_worker_main, args=(spec, child_end), name=f"{self.service}-worker-{w.index}")
        process.start()
        child_end.close()
        w.process, w.conn, w.ready_at, w.restart_at = process, parent_end, None, None
        log.info("worker started", worker=w.index, pid=process.pid)

    def watch(self, ready: Callable[[], None]) -> bool:
        """Run until a stop signal (True) or a worker failed during the start-up (False)."""
        announced = False
        self.start(self.workers[0])
        while not self.received:
            waitables: list[Any] = [w.process.sentinel for w in self.workers if w.process is not None]
            waitables += [w.conn for w in self.workers if w.conn is not None and w.ready_at is None]
            wait(waitables, timeout=_POLL_S)
            now = time.monotonic()
            for w in self.workers:
                if w.process is None:
                    if w.restart_at is not None and now >= w.restart_at:
                        self.start(w)
                    continue
                self._read_ready(w, now, announced)
                if w.process.exitcode is not None and not self._exited(w, now, announced):
                    return False
            if not announced and self.workers[0].ready_at is not None:
                for w in self.workers[1:]:
                    if w.process is None:
                        self.start(w)
            if not announced and all(w.ready_at is not None for w in self.workers):
                announced = True
                ready()
        return True

    def _read_ready(self, w: _Worker, now: float, announced: bool) -> None:
        if w.conn is None or w.ready_at is not None:
            return
        try:
            if not w.conn.poll():
                return
            message = w.conn.recv()
        except (EOFError, OSError):
            return  # it exited: its sentinel says so
        if message and message[0] == "ready":
            w.ready_at = now
            if announced:
                log.info("worker serving again", worker=w.index, pid=w.process.pid if w.process else None)

    def _exited(self, w: _Worker, now: float, announced: bool) -> bool:
        """Report a dead worker and plan its restart; False when it died during the start-up."""
        assert w.process is not None
        code, pid = w.process.exitcode, w.process.pid
        w.process.join()
        if w.conn is not None:
            w.conn.close()
        w.process, w.conn = None, None
        if not announced:
            log.error("worker failed to start; stopping the others", worker=w.index, pid=pid, exit=describe_exit(code))
            return False
        if w.ready_at is not None and now - w.ready_at >= RESTART_MAX_S:
            w.failures = 0  # it had served a while: this is not a crash loop
        delay = min(RESTART_INITIAL_S * 2**w.failures, RESTART_MAX_S)
        w.failures += 1
        w.restart_at = now + delay
        log.error(
            "worker exited", worker=w.index, pid=pid, exit=describe_exit(code), restart_in_s=delay, attempt=w.failures
        )
        return True

    def stop(self) -> bool:
        """Forward the stop signal, wait for every worker; True when each stopped cleanly."""
        sig = self.received[0] if self.received else signal.SIGTERM
        live = [w for w in self.workers if w.process is not None]
        for w in live:
            pid = w.process.pid if w.process is not None else None
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
        deadline = time.monotonic() + self.grace_s + STOP_SLACK_S
        clean = True
        for w in live:
            process = w.process
            assert process is not None
            process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                log.error("worker did not stop in time; killing it", worker=w.index, pid=process.pid)
                process.kill()
                process.join()
                clean = False
            # A worker still starting dies of the signal itself (its handlers were not installed yet).
            elif process.exitcode != 0 and not (process.exitcode == -sig and w.ready_at is None):
                log.error("worker stopped with an error", worker=w.index, exit=describe_exit(process.exitcode))
                clean = False
            if w.conn is not None:
                w.conn.close()
        return clean


def run_workers(
    service: str,
    settings: S,
    create: Callable[[S], Awaitable[ServerHandle]],
    *,
    ready: Callable[[int], None] | None = None,
    setup: Callable[[], object] | None = None,
    teardown: Callable[[], object] | None = None,
) -> int:
    """Serve with ``settings.workers`` processes until SIGTERM/SIGINT; returns the exit code.

    ``create`` builds one worker's server from its settings; ``setup`` and ``teardown`` run in each worker
    around it (all three are pickled to the workers: module-level functions or partials of them).
    ``ready(port)`` is called once every worker serves.
    """
    reservation = reserve_port(settings.host, settings.port)
    port = int(reservation.getsockname()[1])
    supervisor = _Supervisor(service, settings.model_copy(update={"port": port}), create, setup, teardown)
    previous = {sig: signal.signal(sig, lambda signum, _frame: supervisor.received.append(signum)) for sig in _SIGNALS}
    try:
        started = supervisor.watch(lambda: ready(port) if ready is not None else None)
        log.info("shutting down", workers=len(supervisor.workers), grace_s=settings.grace_s)
        clean = supervisor.stop()
        log.info("stopped")
        return 0 if started and clean else 1
    finally:
        reservation.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
