"""Ask, AskStream, GetRun, ListRuns and ListTools: proto <-> use case translation only."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc

from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.context import current_request_id
from opsuite_common.paging import fit_page, page_size
from opsuite_common.protoconv import duration_to_seconds, timestamp_to_dt
from opsuite_common.ratelimit import EXECUTION, STREAM, holds_slots
from opsuite_ops.app import App, RunFilter
from opsuite_ops.domain import Budget, EventKind, RunEvent
from opsuite_ops.servicers.convert import (
    MODE_FROM_PROTO,
    STATUS_FROM_PROTO,
    event_to_proto,
    result_to_proto,
    run_to_proto,
    snapshot_to_proto,
)

__all__ = ["OpsServicer"]

_DONE = object()


class OpsServicer(ops_pb2_grpc.OpsServiceServicer):
    """The ops RPCs over one :class:`App`."""

    def __init__(self, app: App) -> None:
        self.app = app

    def _budget(self, request: ops_pb2.AskRequest, context: grpc.aio.ServicerContext[Any, Any]) -> tuple[Budget, float]:
        """The run's budget and when its time began to count (``time.monotonic()``, read with the deadline:
        the run's own bookkeeping before the orchestrator starts is inside the budget, not after it)."""
        b = request.budget
        started = time.monotonic()
        budget = self.app.runs.budget(
            max_steps=b.max_steps or None,
            max_parallelism=b.max_parallelism or None,
            total_timeout_s=duration_to_seconds(b.total_timeout) if b.HasField("total_timeout") else None,
            time_remaining_s=context.time_remaining(),
        )
        return budget, started

    @staticmethod
    def _mode(request: ops_pb2.AskRequest) -> str:
        return MODE_FROM_PROTO.get(request.mode, "all")

    @requires(Role.VIEWER)
    @holds_slots(EXECUTION)
    async def Ask(
        self, request: ops_pb2.AskRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> ops_pb2.AskResponse:
        """Answer the question and persist the run."""
        budget, started = self._budget(request, context)
        result, _ = await self.app.runs.ask(
            current_identity(),
            request.question,
            self._mode(request),
            budget,
            request_id=current_request_id() or "",
            started=started,
        )
        return result_to_proto(result)

    @requires(Role.VIEWER)
    @holds_slots(EXECUTION, STREAM)
    async def AskStream(
        self, request: ops_pb2.AskRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[ops_pb2.RunEvent]:
        """Stream the run's events as they happen; the final answer is sent once the run is persisted."""
        budget, started = self._budget(request, context)
        queue: asyncio.Queue[Any] = asyncio.Queue()

        async def emit(event: RunEvent) -> None:
            queue.put_nowait(event)

        async def run() -> Any:
            try:
                return await self.app.runs.ask(
                    current_identity(),
                    request.question,
                    self._mode(request),
                    budget,
                    emit=emit,
                    request_id=current_request_id() or "",
                    started=started,
                )
            finally:
                queue.put_nowait(_DONE)

        task = asyncio.create_task(run())
        final: RunEvent | None = None
        try:
            while (item := await queue.get()) is not _DONE:
                if item.kind is EventKind.ANSWER:
                    final = item  # held back until the run is persisted, so GetRun finds it
                    continue
                yield event_to_proto(item)
            result, _ = await task  # raises the run's error, if any
            if final is not None:
                yield event_to_proto(final, result_to_proto(result))
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    @requires(Role.VIEWER)
    async def GetRun(self, request: ops_pb2.GetRunRequest, context: grpc.aio.ServicerContext[Any, Any]) -> ops_pb2.Run:
        """A persisted run with its trace."""
        return run_to_proto(await self.app.runs.get_run(current_identity(), request.run_id))

    @requires(Role.VIEWER)
    async def ListRuns(
        self, request: ops_pb2.ListRunsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> ops_pb2.ListRunsResponse:
        """The caller's tenant's runs, newest first, without traces."""
        flt = RunFilter(
            since=timestamp_to_dt(request.since, "since") if request.HasField("since") else None,
            until=timestamp_to_dt(request.until, "until") if request.HasField("until") else None,
            status=STATUS_FROM_PROTO.get(request.status, ""),
        )
        page = await self.app.runs.list_runs(
            current_identity(), flt, size=page_size(request.page.page_size), page_token=request.page.page_token
        )
        runs, token = fit_page(page, lambda r: run_to_proto(r, with_trace=False), budget=self.app.page_budget)
        resp = ops_pb2.ListRunsResponse(runs=runs)
        resp.page.next_page_token = token
        return resp

    @requires(Role.VIEWER)
    async def ListTools(
        self, request: ops_pb2.ListToolsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> ops_pb2.ListToolsResponse:
        """What discovery currently sees for the caller, cut at the page byte budget (the note then says so)."""
        return snapshot_to_proto(await self.app.runs.list_tools(current_identity()), budget=self.app.page_budget)
