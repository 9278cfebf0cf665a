"""Execution use cases: run a saved API or an unsaved definition, and read the execution log."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opsuite_api_manager.adapters.freshness import forget_source_reads
from opsuite_api_manager.db import ExecutionRepository, ExecutionRow
from opsuite_common.db import Database
from opsuite_common.errors import ValidationError
from opsuite_common.paging import Page, decode_page_token, encode_page_token

from ._session import _detached
from .apis import ApiRef, ApiService
from .definitions import ApiDefinition
from .execution import Executor, Target
from .outcomes import Caller, Outcome, StreamEvent

__all__ = ["ExecutionFilter", "ExecutionService"]


@dataclass(frozen=True, slots=True)
class ExecutionFilter:
    """ListExecutions filters."""

    api_id: str = ""
    status: str = ""
    since: datetime | None = None
    until: datetime | None = None


class ExecutionService:
    """Runs the caller's APIs through the executor (every run is logged) and pages the execution log."""

    def __init__(self, db: Database, apis: ApiService, executor: Executor) -> None:
        """Definitions come from ``apis``; runs go through ``executor``."""
        self.db, self.apis, self.executor = db, apis, executor

    @staticmethod
    def _outer(deadline_s: float | None) -> float | None:
        # Keep part of the caller's deadline for writing the log and answering.
        if deadline_s is None:
            return None
        return time.monotonic() + max(0.0, deadline_s - min(0.25, deadline_s * 0.2))

    async def execute(
        self, caller: Caller, ref: ApiRef, params: dict[str, Any], input: Any, deadline_s: float | None
    ) -> Outcome:
        """Execute a saved API; every run is logged."""
        forget_source_reads()  # only this call's own API check may stand in for its data source's
        target = await self.apis.load_target(caller, ref)
        return await self.executor.run(caller, target, params, input, outer_deadline=self._outer(deadline_s))

    async def execute_stream(
        self, caller: Caller, ref: ApiRef, params: dict[str, Any], input: Any, deadline_s: float | None
    ) -> AsyncGenerator[StreamEvent, None]:
        """Streamed execution (SQL in batches): the executor's stream, for the caller to iterate and close."""
        forget_source_reads()
        target = await self.apis.load_target(caller, ref)
        return self.executor.stream(caller, target, params, input, outer_deadline=self._outer(deadline_s))

    async def dry_run(
        self, caller: Caller, d: ApiDefinition, params: dict[str, Any], input: Any, deadline_s: float | None
    ) -> Outcome:
        """Validate and run an unsaved definition; nothing is stored (nor for the APIs it calls)."""
        report = await self.apis.validate(caller, d)
        if not report.valid:
            report.raise_if_invalid()
        return await self.executor.run(
            caller, Target("", 0, d), params, input, outer_deadline=self._outer(deadline_s), record=False
        )

    # ------------------------------------------------------------------ execution log

    async def list_executions(self, caller: Caller, f: ExecutionFilter, size: int, token: str) -> Page:
        """Newest first."""
        if f.since and f.until and f.since >= f.until:
            raise ValidationError.for_field("since", "must be before 'until'")
        scope: Any = ["executions", caller.tenant, f.api_id, f.status, f.since, f.until]
        after = decode_page_token(token, scope)
        async with self.db.session(readonly=True) as s:
            rows = await ExecutionRepository(s, caller.tenant).list_executions(
                size, after, api_id=f.api_id, status=f.status, since=f.since, until=f.until
            )
            s.expunge_all()
        more = len(rows) > size
        rows = rows[:size]

        def after_execution(row: ExecutionRow) -> str:
            return encode_page_token([row.started_at.isoformat(), row.id], scope)

        return Page(rows, after_execution(rows[-1]) if more else "", after_execution)

    async def get_execution(self, caller: Caller, execution_id: str) -> ExecutionRow:
        """One execution with its steps and log lines."""
        async with self.db.session(readonly=True) as s:
            return _detached(s, await ExecutionRepository(s, caller.tenant).get(execution_id))
