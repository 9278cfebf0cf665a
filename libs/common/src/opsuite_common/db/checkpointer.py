"""WAL checkpoints of a SQLite file, off the request path.

In WAL mode SQLite copies the log back into the database file (a checkpoint) when a commit finds the
log longer than ``wal_autocheckpoint`` pages (1,000 by default). That checkpoint runs inside the
committing connection, so whichever call commits at that moment waits for it: under load the
execution-log commits of api_manager took 0.4 ms at the median and up to 80 ms when they carried a
checkpoint (4 s of 16 concurrent ExecuteApi calls; 6 ms at most once checkpoints moved off that path).
A quiet tenant's call that commits just then pays for its noisy neighbour's writes.

Here one daemon thread per :class:`~opsuite_common.db.Database` runs ``PRAGMA wal_checkpoint(PASSIVE)``
on a connection of its own: PASSIVE never waits for readers or writers, and the sqlite3 module releases
the GIL while it copies, so neither the event loop nor a writer waits for it. The connections of the
engine keep an automatic checkpoint as a fallback, at ``FALLBACK_AUTOCHECKPOINT_PAGES``, which the
background checkpoints keep the log from reaching: if this thread stopped, the log would still be bounded.

The thread sleeps ``busy_interval_s`` after a checkpoint that copied pages and backs off to
``idle_interval_s`` while the log is empty, so an idle service wakes a few times a second at most. It
stops when the database is disposed or garbage-collected.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from opsuite_common.logging import get_logger

__all__ = ["FALLBACK_AUTOCHECKPOINT_PAGES", "WalCheckpointer"]

log = get_logger("opsuite.db")

#: ``wal_autocheckpoint`` of the request-path connections: reached only if background checkpoints stop
#: (about 40 MB of log with 4 KiB pages).
FALLBACK_AUTOCHECKPOINT_PAGES = 10_000


class WalCheckpointer:
    """Runs passive WAL checkpoints of one SQLite file on a daemon thread until :meth:`stop`."""

    def __init__(
        self, path: Path, *, busy_interval_s: float = 0.2, idle_interval_s: float = 1.0, busy_timeout_ms: int = 0
    ) -> None:
        self._path = path
        self._busy = busy_interval_s
        self._idle = idle_interval_s
        self._busy_timeout_ms = busy_timeout_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"wal-checkpoint:{path.name}", daemon=True)
        #: Checkpoints that copied at least one page (for tests and diagnostics).
        self.checkpoints = 0

    @property
    def stop_event(self) -> threading.Event:
        """Set to stop the thread (what ``weakref.finalize`` of the owner sets)."""
        return self._stop

    def start(self) -> None:
        """Start the thread (once)."""
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread and wait for it (at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        delay = self._idle
        last: tuple[int, int] = (0, 0)
        while not self._stop.wait(delay):
            try:
                if conn is None:
                    if not self._path.exists():
                        delay = self._idle
                        continue
                    conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
                    conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
                busy, log_frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as exc:
                # A locked or vanished file: try again later on a fresh connection; the engine's own
                # automatic checkpoint bounds the log meanwhile.
                log.debug("WAL checkpoint skipped", path=str(self._path), error=str(exc))
                if conn is not None:
                    with contextlib.suppress(sqlite3.Error):
                        conn.close()
                conn = None
                delay = self._idle
                continue
            # The pragma reports the whole log, copied before or now: the log moved since the last look
            # (writes are coming in) or readers held part of it back: look again soon.
            moved = (log_frames, copied) != last
            last = (log_frames, copied)
            if moved and copied > 0:
                self.checkpoints += 1
            delay = self._busy if moved or busy or copied < log_frames else self._idle
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
