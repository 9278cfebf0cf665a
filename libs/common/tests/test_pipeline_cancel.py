"""A server stream the caller cancels stops at once, whenever the cancel arrives.

The race this pins cannot be timed through a real server: grpc reports the caller's cancel and the
completion of the message being sent in the same poll under load, and Python 3.11's ``asyncio.wait_for``
then returned the write's result and lost the cancel, so the handler ran on into its next wait (its
slots held, its access line written only when that wait ended: the flaky
``test_a_stream_the_caller_cancels_is_logged_as_cancelled_without_a_traceback``). The servicer context
here is a small stand-in whose ``write`` completes when the test says, in the same tick as the cancel.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc

from opsuite_common.server import Pipeline


class _SendingContext:
    """What the pipeline uses of a grpc.aio servicer context; the first write completes on :meth:`deliver`."""

    def __init__(self) -> None:
        self.sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.writes = 0

    async def write(self, message: Any) -> None:
        self.writes += 1
        if self.writes == 1:
            await self.sent

    def cancelled(self) -> bool:
        return False

    def invocation_metadata(self) -> tuple[()]:
        return ()


async def test_a_cancel_arriving_as_a_write_completes_ends_the_stream_before_the_handler_goes_on() -> None:
    went_on: list[str] = []

    async def watch(request: Any, context: Any) -> AsyncIterator[str]:
        yield "first"
        went_on.append("after the first item")
        await asyncio.sleep(30)  # a watch waiting for its next event
        yield "second"

    handler = Pipeline([]).wrap_handler("/opsuite.testing.v1.Watch/Watch", grpc.unary_stream_rpc_method_handler(watch))
    context = _SendingContext()
    call = asyncio.ensure_future(handler.unary_stream("request", context))
    while context.writes == 0:
        await asyncio.sleep(0)
    context.sent.set_result(None)  # the first item is handed to the transport...
    call.cancel()  # ...and the caller's cancel arrives in the same tick
    done, _ = await asyncio.wait({call}, timeout=5)
    if not done:
        call.cancel()
    assert done and call.cancelled(), "the stream went on after its caller cancelled it"
    assert went_on == []
