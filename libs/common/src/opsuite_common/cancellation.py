"""Cancels that Python 3.11 can lose, and stops that do not wait for ever because of them.

On Python 3.11 ``asyncio.wait_for`` (under every nats-py request, among others) returns the result of a future
that completes as the cancel arrives and drops the cancel; nats-py's JetStream publish turns a cancel into
``TooManyStalledMsgsError``. Either way the task stays marked as cancelled (``Task.cancelling()``) while its
loop goes on, and whoever awaits the task after cancelling it waits for ever. Loops that poll call
:func:`raise_if_cancel_lost` at every turn; stops use :func:`cancel_and_wait`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

__all__ = ["RECANCEL_S", "cancel_and_wait", "raise_if_cancel_lost"]

#: How long :func:`cancel_and_wait` gives a cancelled task to end before cancelling it again.
RECANCEL_S = 0.2


def raise_if_cancel_lost() -> None:
    """Raise ``CancelledError`` if the current task was cancelled but the cancel never reached it."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def cancel_and_wait(tasks: Sequence[asyncio.Task[Any]], timeout: float) -> set[asyncio.Task[Any]]:
    """Cancel ``tasks`` and wait up to ``timeout`` s for them to end; returns those still running.

    A task still running after :data:`RECANCEL_S` is cancelled again: a cancel can be lost on the way (a cep
    partition's ownership loop, cancelled once and losing it, ran on renewing its leases, and a stop awaiting
    it never returned).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pending = {t for t in tasks if not t.done()}
    while pending:
        for task in pending:
            task.cancel()
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        _, pending = await asyncio.wait(pending, timeout=min(RECANCEL_S, remaining))
    return pending
