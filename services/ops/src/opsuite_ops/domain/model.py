"""Domain model of an ops run: tools, plans, budgets, calls, blocks, references, events and the trace.

Immutable values (Tool, ToolResult, PlanStep, Plan, Budget, Block, Reference, RunEvent) are frozen
dataclasses. The :class:`Trace` is deliberately mutable: it belongs to exactly one run and is filled
in phase by phase; nothing in this package keeps run state anywhere else.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opsuite_common.errors import FieldViolation, ValidationError

__all__ = [
    "MODE_TAGS",
    "AnswerReason",
    "AnswerStatus",
    "AnswerStatusReason",
    "Block",
    "BlockKind",
    "Budget",
    "BudgetLimits",
    "CallRecord",
    "CallStatus",
    "Completeness",
    "EventKind",
    "Gap",
    "Mode",
    "Phase",
    "PhaseRecord",
    "Plan",
    "PlanStep",
    "Reference",
    "RunEvent",
    "RunResult",
    "SeriesPoint",
    "Tool",
    "ToolResult",
    "Trace",
    "to_jsonable",
]


class Mode(enum.StrEnum):
    """Which family of tools a question is about; ``all`` means no filter."""

    CONFIG = "config"
    METRIC = "metric"
    HISTORY = "history"
    GRAPH = "graph"
    DOCUMENT = "document"
    ALL = "all"

    @classmethod
    def parse(cls, value: str | None) -> Mode:
        """Mode from its name; empty means ``all``; anything else is a ValidationError on ``mode``."""
        if not value:
            return cls.ALL
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise ValidationError.for_field("mode", f"unknown mode {value!r}; use one of: {allowed}") from None


#: Tool tags each mode selects (``all`` selects every tool).
MODE_TAGS: Mapping[Mode, frozenset[str]] = {
    Mode.CONFIG: frozenset({"config"}),
    Mode.METRIC: frozenset({"metric"}),
    Mode.HISTORY: frozenset({"history"}),
    Mode.GRAPH: frozenset({"graph"}),
    Mode.DOCUMENT: frozenset({"document"}),
    Mode.ALL: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Tool:
    """A callable capability (an api_manager API exposed as a tool) with its input contract.

    ``output_hints`` maps a value name (e.g. ``host``) to a JMESPath into the tool's output data
    (e.g. ``rows[0].host``); the planner uses it to chain a producer into a consumer's input.
    """

    name: str
    description: str = ""
    tags: frozenset[str] = frozenset()
    kind: str = "sql"
    input_schema: Mapping[str, Any] = field(default_factory=dict, hash=False)
    output_hints: Mapping[str, str] = field(default_factory=dict, hash=False)
    idempotent: bool = False
    version: int = 1
    api_id: str = ""

    @property
    def properties(self) -> Mapping[str, Mapping[str, Any]]:
        """The JSON-schema ``properties`` of the input (parameter name -> schema); a boolean subschema (``"a": true``,
        valid JSON Schema that a tenant may write) reads as ``{}``: any value."""
        props = self.input_schema.get("properties") or {}
        if not isinstance(props, Mapping):
            return {}
        if all(isinstance(v, Mapping) for v in props.values()):
            return props
        return {str(k): (v if isinstance(v, Mapping) else {}) for k, v in props.items()}

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required input parameters."""
        return tuple(self.input_schema.get("required") or ())


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What one tool invocation returned; a tool-level failure is ``success=False`` with ``error``.

    ``retryable`` says the failure is transient (the executor retries only idempotent tools).
    ``execution_id`` is the api_manager execution log id, quoted in references.
    """

    success: bool
    data: Any = None
    error: str = ""
    error_reason: str = ""
    retryable: bool = False
    warnings: tuple[str, ...] = ()
    execution_id: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One tool call in a plan; string arguments starting with ``$steps.`` are output mappings."""

    id: str
    tool: str
    arguments: Mapping[str, Any] = field(default_factory=dict, hash=False)
    depends_on: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """A DAG of steps plus who made it and why."""

    steps: tuple[PlanStep, ...]
    planner: str = "deterministic"
    rationale: str = ""
    notes: tuple[str, ...] = ()

    def step(self, step_id: str) -> PlanStep:
        """The step called ``step_id`` (KeyError when absent)."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


@dataclass(frozen=True, slots=True)
class BudgetLimits:
    """Server-side ceilings a caller's budget may not exceed (from the service settings)."""

    max_steps: int = 20
    max_parallelism: int = 16
    total_timeout_s: float = 120.0
    call_timeout_s: float = 60.0
    max_retries: int = 5


@dataclass(frozen=True, slots=True)
class Budget:
    """How much one run may do: steps, concurrent calls, wall time, per-call time and retries."""

    max_steps: int = 8
    max_parallelism: int = 4
    total_timeout_s: float = 30.0
    call_timeout_s: float = 10.0
    max_retries: int = 2

    @classmethod
    def from_request(
        cls,
        *,
        max_steps: int | None = None,
        max_parallelism: int | None = None,
        total_timeout_s: float | None = None,
        limits: BudgetLimits | None = None,
        defaults: Budget | None = None,
    ) -> Budget:
        """A budget from optional caller values (None or 0 = default), rejected beyond ``limits``."""
        base = defaults or cls()
        lim = limits or BudgetLimits()
        values: dict[str, Any] = {
            "max_steps": max_steps or base.max_steps,
            "max_parallelism": max_parallelism or base.max_parallelism,
            "total_timeout_s": total_timeout_s or base.total_timeout_s,
        }
        budget = dataclasses.replace(base, **values)
        budget.check(lim)
        if budget.call_timeout_s > budget.total_timeout_s:
            budget = dataclasses.replace(budget, call_timeout_s=budget.total_timeout_s)
        return budget

    def check(self, limits: BudgetLimits) -> None:
        """Raise ValidationError (one violation per field) if any value is not positive or over the limit."""
        bad: list[FieldViolation] = []
        for name in ("max_steps", "max_parallelism", "total_timeout_s", "call_timeout_s"):
            value, ceiling = getattr(self, name), getattr(limits, name)
            if not value > 0 or value > ceiling:
                bad.append(FieldViolation(f"budget.{name}", f"must be greater than 0 and at most {ceiling}"))
        if not 0 <= self.max_retries <= limits.max_retries:
            bad.append(FieldViolation("budget.max_retries", f"must be between 0 and {limits.max_retries}"))
        if bad:
            raise ValidationError("the budget is outside what this server allows", field_violations=bad)


class CallStatus(enum.StrEnum):
    """Outcome of one tool call."""

    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


@dataclass(slots=True)
class CallRecord:
    """One tool call as it ran (or why it did not): inputs, output, error, timings, attempts."""

    call_id: str
    step_id: str
    tool: str
    arguments: dict[str, Any]
    status: CallStatus = CallStatus.SKIPPED
    output: Any = None
    error: str = ""
    error_reason: str = ""
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float = 0.0
    execution_id: str = ""
    recovery: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status is CallStatus.OK


class Phase(enum.StrEnum):
    """The phases of a run, in order."""

    INITIALISE = "initialise"
    DISCOVER = "discover"
    PLAN = "plan"
    VALIDATE = "validate"
    EXECUTE = "execute"
    RECOVER = "recover"
    COMPOSE = "compose"


@dataclass(slots=True)
class PhaseRecord:
    """When a phase ran, how it ended and a one-line detail."""

    phase: Phase
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: float = 0.0
    status: str = "running"
    detail: str = ""


class BlockKind(enum.StrEnum):
    """Kinds of answer blocks."""

    MARKDOWN = "markdown"
    TABLE = "table"
    NUMBER = "number"
    TIMESERIES = "timeseries"
    REFERENCES = "references"


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One timeseries point: ISO timestamp and value."""

    t: str
    v: float


@dataclass(frozen=True, slots=True)
class Reference:
    """Which tool call produced which fact, with api_manager's execution id."""

    tool: str
    call_id: str
    step_id: str
    execution_id: str
    fact: str


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the answer; only the fields of its ``kind`` are set."""

    kind: BlockKind
    title: str = ""
    markdown: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    value: float | None = None
    unit: str = ""
    series: tuple[SeriesPoint, ...] = ()
    references: tuple[Reference, ...] = ()
    call_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Gap:
    """Something the run could not find, and why (the partial answer states each gap)."""

    step_id: str
    tool: str
    what: str
    why: str


class AnswerStatus(enum.StrEnum):
    """How complete an answer is: everything asked was answered, some of it, or none of it."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    UNANSWERED = "unanswered"


class AnswerReason(enum.StrEnum):
    """Why an answer is not complete (one per missing or cut part; see :mod:`completeness`)."""

    #: A result was cut (by api_manager or by the composer's table limit): rows are left out.
    TRUNCATED = "truncated"
    #: A planned call failed, timed out or was not run because one it needed failed: its part is missing.
    TOOL_FAILED = "tool_failed"
    #: A name in the question is not one the estate's tools list (or, with no such tool, no output mentions it).
    ENTITY_UNKNOWN = "entity_unknown"
    #: The planner dropped a matching tool (a required argument the question does not give, arguments its schema
    #: refuses) or cut it to the budget, or no tool covers a part of the question ("no tool reports disk usage").
    NOT_COVERED = "not_covered"
    #: No tool matched the question at all.
    NO_TOOL = "no_tool"
    #: Every call the run made failed.
    ALL_FAILED = "all_failed"


@dataclass(frozen=True, slots=True)
class AnswerStatusReason:
    """One reason with a sentence saying which tool and which part (``tool``/``step_id`` empty when none)."""

    reason: AnswerReason
    detail: str
    tool: str = ""
    step_id: str = ""
    #: For a part no tool covers ("no tool reports avg rx"): the question's words no tool knows (``avg``, ``rx``),
    #: which the rows of the run may still hold (:func:`~opsuite_ops.domain.absence.reported_in_rows`).
    terms: tuple[str, ...] = ()
    #: For a tool left out for a required parameter the question does not give: that parameter (the rows of a
    #: look-up of the run may still give it, :mod:`~opsuite_ops.domain.looked_up`).
    param: str = ""


@dataclass(frozen=True, slots=True)
class Completeness:
    """The answer's status and its reasons (none when complete); ``headline`` opens an incomplete answer."""

    status: AnswerStatus
    reasons: tuple[AnswerStatusReason, ...] = ()
    headline: str = ""


@dataclass(slots=True)
class Trace:
    """Everything a run did, for GetRun and for debugging: phases, plans, calls, gaps, warnings."""

    run_id: str
    question: str
    normalised_question: str = ""
    mode: Mode = Mode.ALL
    budget: Budget = field(default_factory=Budget)
    phases: list[PhaseRecord] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    planner: str = ""
    planner_fallback_reason: str = ""
    catalogue_stale: bool = False
    catalogue_note: str = ""
    tool_count: int = 0
    aliases_applied: list[str] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    composer: str = ""

    @property
    def plan(self) -> Plan | None:
        """The first (main) plan, if planning happened."""
        return self.plans[0] if self.plans else None


@dataclass(frozen=True, slots=True)
class RunResult:
    """The answer to one question: text, blocks, references, the trace, whether it is partial, its completeness."""

    run_id: str
    answer: str
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...]
    trace: Trace
    partial: bool = False
    #: How complete the answer is; None only for results built outside the orchestrator.
    completeness: Completeness | None = None


class EventKind(enum.StrEnum):
    """Kinds of streamed run events (AskStream)."""

    PHASE_STARTED = "phase_started"
    PHASE_FINISHED = "phase_finished"
    PLAN = "plan"
    CALL_STARTED = "call_started"
    CALL_FINISHED = "call_finished"
    BLOCK = "block"
    WARNING = "warning"
    ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class RunEvent:
    """One thing that happened in a run; ``seq`` orders events, only the kind's fields are set."""

    run_id: str
    seq: int
    kind: EventKind
    at: datetime
    phase: Phase | None = None
    status: str = ""
    detail: str = ""
    plan: Plan | None = None
    call: CallRecord | None = None
    block: Block | None = None
    result: RunResult | None = None


def to_jsonable(value: Any) -> Any:
    """Plain JSON-compatible data (dict/list/str/number/bool/None) from any model value, for persistence."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return value
