"""Value types of an execution as the servicers see it: references, the outcome, stream events."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opsuite_api_manager.adapters.sql_engine import Column

__all__ = ["Caller", "ExecutionStatus", "Outcome", "Reference", "SqlPart", "StreamEvent"]


class ExecutionStatus(enum.StrEnum):
    """How an execution ended, or RUNNING while it runs (stored as text, mirrored by the proto enum)."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    REJECTED = "REJECTED"
    #: Started, not ended yet (or its process is still to be restarted and mark it ABORTED).
    RUNNING = "RUNNING"
    #: Cut off by the service's shutdown grace period.
    CANCELLED = "CANCELLED"
    #: Its process ended (crash, kill -9) while it ran; marked at the next start of the same instance.
    ABORTED = "ABORTED"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who runs an execution: the tenant scopes everything, subject and request id go to the log."""

    tenant: str
    subject: str
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    """Where a result came from: kind (api, data_source, statement, url, script), name, detail."""

    kind: str
    name: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SqlPart:
    """A SQL result: columns, JSON-safe rows, and whether the row limit cut it."""

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    truncated: bool
    row_count: int


@dataclass(slots=True)
class Outcome:
    """A finished execution (success only: failures are raised with ``execution_id`` in the metadata)."""

    execution_id: str
    api_id: str
    api_version: int
    kind: str
    status: ExecutionStatus
    started_at: datetime
    duration_ms: float
    sql: SqlPart | None = None
    json: Any = None
    references: list[Reference] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    row_count: int = 0
    #: The response as the servicer layer built it to measure it (``ResultLimit.check``), so it is not
    #: built twice; None until measured.
    wire: Any = field(default=None, repr=False, compare=False)

    def as_json(self) -> Any:
        """The result as one JSON value (what a workflow step or ``ctx.call_api`` receives)."""
        if self.sql is None:
            return self.json
        names = [c.name for c in self.sql.columns]
        return {
            "columns": names,
            "rows": [dict(zip(names, row, strict=False)) for row in self.sql.rows],
            "row_count": self.sql.row_count,
            "truncated": self.sql.truncated,
        }


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One ExecuteApiStream message: ``header`` (columns + references), ``rows`` (a batch), ``summary``."""

    kind: str
    outcome: Outcome | None = None
    rows: list[list[Any]] | None = None
    #: ``rows`` as the servicer layer built them to measure them, when they were measured.
    wire: Any = None
