"""Background runs of the scheduler (SCHEDULE rules, key-list refreshes), bounded per tenant and in total.

A run calls a tenant's API through api_manager, which can take up to its deadline. Awaited one after
another in the scheduler's loop, one tenant's slow API would hold back every other tenant's runs and the
idle progress of all of them (absences, ``for`` alerts). So each run is a task of its own: the loop starts
the due runs, waits a bounded time for them, and goes on. At most ``per_tenant`` runs of one tenant and
``total`` runs overall are in flight; a due run beyond that waits for a later round (it stays due: it is
neither claimed nor lost). :func:`fair_order` interleaves the tenants, starting one tenant further at each
round (:meth:`BackgroundRuns.next_turn`), so no tenant is always first to the places that came free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar

from opsuite_common.cancellation import cancel_and_wait
from opsuite_common.logging import get_logger

__all__ = ["BackgroundRuns", "fair_order"]

T = TypeVar("T")

log = get_logger("opsuite.cep.scheduler")


def fair_order(items: Iterable[T], tenant_of: Callable[[T], str], turn: int = 0) -> list[T]:
    """``items`` interleaved by tenant: each tenant's first, then each one's second, ... (order kept per tenant);
    tenants in name order, rotated by ``turn`` (the round's number), so each round starts with another one."""
    by_tenant: dict[str, list[T]] = {}
    for item in items:
        by_tenant.setdefault(tenant_of(item), []).append(item)
    names = sorted(by_tenant)
    if names:
        turn %= len(names)
        names = names[turn:] + names[:turn]
    queues = {name: by_tenant[name] for name in names}
    out: list[T] = []
    depth = 0
    while len(out) < sum(len(q) for q in queues.values()):
        out.extend(q[depth] for q in queues.values() if depth < len(q))
        depth += 1
    return out


class BackgroundRuns:
    """Tasks keyed by what they run (a rule id), at most ``per_tenant`` per tenant and ``total`` in all."""

    def __init__(self, per_tenant: int, total: int, name: str) -> None:
        self.per_tenant, self.total, self.name = per_tenant, total, name
        self._tasks: dict[str, tuple[str, asyncio.Task[Any]]] = {}
        self._per_tenant: dict[str, int] = {}
        self._turn = 0

    def next_turn(self) -> int:
        """The number of a new round (rotates :func:`fair_order`)."""
        self._turn += 1
        return self._turn

    def busy(self, key: str) -> bool:
        """Whether a run of ``key`` is still in flight (a new one must not start beside it)."""
        return key in self._tasks

    def has_room(self, tenant: str) -> bool:
        """Whether one more run of ``tenant`` may start now."""
        return len(self._tasks) < self.total and self._per_tenant.get(tenant, 0) < self.per_tenant

    def in_flight(self, tenant: str | None = None) -> int:
        """Runs in flight, of ``tenant`` or of all tenants."""
        return len(self._tasks) if tenant is None else self._per_tenant.get(tenant, 0)

    def start(self, key: str, tenant: str, run: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``run`` as a task counted against ``tenant`` until it ends (check :meth:`busy` and
        :meth:`has_room` first). An exception the run let out is logged with its key and tenant."""
        if key in self._tasks:
            run.close()
            raise RuntimeError(f"a run of {key} is already in flight")
        task = asyncio.create_task(run, name=f"{self.name}:{key}")
        self._tasks[key] = (tenant, task)
        self._per_tenant[tenant] = self._per_tenant.get(tenant, 0) + 1
        task.add_done_callback(lambda t: self._ended(key, tenant, t))
        return task

    def _ended(self, key: str, tenant: str, task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background run failed", run=self.name, key=key, tenant=tenant, exc_info=exc)
        if self._tasks.get(key, (None, None))[1] is task:
            self._tasks.pop(key)
        left = self._per_tenant.get(tenant, 0) - 1
        if left > 0:
            self._per_tenant[tenant] = left
        else:
            self._per_tenant.pop(tenant, None)

    async def stop(self, timeout: float = 5.0) -> None:
        """Cancel every run in flight and wait (bounded) for them to end; an interrupted run's claim expires and
        another scheduler repeats it."""
        left = await cancel_and_wait([task for _, task in self._tasks.values()], timeout)
        if left:
            log.warning("background runs still running after the stop", run=self.name, runs=len(left))
