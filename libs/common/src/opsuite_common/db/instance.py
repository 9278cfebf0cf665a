"""One live process per instance id: what lets a restart mark its own leftovers ABORTED safely.

Run records carry the id of the instance that ran them (``instance_id`` setting, default the host
name). At start-up an instance marks the runs still RUNNING under its id ABORTED: they belong to its
previous process, which died. That is only true if no other live process uses the same id on the
same database, so :func:`claim_instance` takes the id for the life of the process first and refuses
to start when it is taken:

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on one connection kept open (in
  autocommit, so it holds no transaction); the server releases it when the process dies;
- SQLite: an exclusive ``flock`` on ``<database file>.<service>-<id hash>.lock``; the kernel releases it
  when the process dies. An in-memory database needs no claim.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from opsuite_common.db.session import Database

__all__ = ["InstanceInUseError", "claim_instance", "instance_owner", "worker_instance_id"]

#: Longest instance id (the ``owner`` columns of the run records are 128 characters).
MAX_INSTANCE_ID = 128


class InstanceInUseError(RuntimeError):
    """Another live process already uses this instance id on this database (start-up refuses)."""


def instance_owner(configured: str) -> str:
    """The instance id: the configured one, else the host name."""
    return configured or socket.gethostname()


def worker_instance_id(configured: str, index: int) -> str:
    """The instance id of worker ``index`` of a process started with ``--workers``: worker 0 keeps the
    configured id (empty: the host name, as with one process), worker k gets ``<id>/worker-<k>``.

    Stable across restarts, so a restarted worker claims its predecessor's id and marks only that one's
    leftovers ABORTED, never a sibling's live runs.
    """
    if index == 0:
        return configured
    suffix = f"/worker-{index}"
    base = instance_owner(configured)
    if len(base) + len(suffix) > MAX_INSTANCE_ID:  # cut, with a hash keeping distinct long ids distinct
        digest = hashlib.sha256(base.encode()).hexdigest()[:8]
        base = f"{base[: MAX_INSTANCE_ID - len(suffix) - 9]}~{digest}"
    return base + suffix


def _key(service: str, owner: str) -> bytes:
    return hashlib.sha256(f"opsuite-instance:{service}:{owner}".encode()).digest()


async def claim_instance(db: Database, service: str, owner: str, *, setting: str) -> Callable[[], Awaitable[None]]:
    """Hold ``owner`` for ``service`` on ``db`` until the returned release is awaited (or the process ends).

    Raises InstanceInUseError naming ``setting`` (the env var that sets the id) when it is taken.
    """
    taken = InstanceInUseError(
        f"instance id {owner!r} is already used by a live {service} process on this database; "
        f"give each process its own stable id with {setting}"
    )
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        conn = await db.engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            key = int.from_bytes(_key(service, owner)[:8], "big", signed=True)
            got = (await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})).scalar()
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            raise taken

        async def release_pg() -> None:
            with contextlib.suppress(Exception):
                # Unlocked first: a closed session drops the lock only once the server notices the
                # disconnect, and a process restarting at once was refused meanwhile (seen in CI).
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            with contextlib.suppress(Exception):
                # Invalidated, not returned to the pool: ending the session ends the lock.
                await conn.invalidate()
                await conn.close()

        return release_pg
    path = url.database or ""
    if url.get_backend_name() != "sqlite" or path in ("", ":memory:") or path.startswith("file::memory:"):
        return _nothing
    fd = _lock_file(f"{path}.{service}-{_key(service, owner).hex()[:16]}.lock", taken)

    async def release_file() -> None:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the descriptor drops the lock

    return release_file


def _lock_file(lock_path: str, taken: InstanceInUseError) -> int:
    """An open descriptor holding an exclusive flock on ``lock_path`` (start-up only: a local, quick call)."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise taken from None
    return fd


async def _nothing() -> None:
    return None
