"""opsuite ops domain: answer operators' questions by planning and running tools (no grpc here).

Phases, one module each: :mod:`initialise` -> :mod:`catalogue` (discover) -> :mod:`deterministic_planner`
/ :mod:`llm_planner` (plan) -> :mod:`validate` -> :mod:`executor` -> :mod:`recovery` -> :mod:`compose`,
run in order by :class:`Orchestrator`. The service layer provides a :class:`ToolCatalogue` over
api_manager, wraps it in a :class:`CachedCatalogue`, and streams/persists the :class:`RunEvent` s and
:class:`RunResult` that :meth:`Orchestrator.run` produces.
"""

from opsuite_ops.domain.catalogue import CachedCatalogue, CatalogueSnapshot, ToolCatalogue
from opsuite_ops.domain.chat import ChatModel
from opsuite_ops.domain.completeness import assess
from opsuite_ops.domain.compose import Composer, Composition, DeterministicComposer, LlmComposer
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner, PlannerConfig, rank_tools
from opsuite_ops.domain.entities import Inventory
from opsuite_ops.domain.in_memory import InMemoryCatalogue, Script
from opsuite_ops.domain.initialise import Alias, InitialisedQuestion, initialise
from opsuite_ops.domain.llm_planner import LlmPlanner
from opsuite_ops.domain.model import (
    MODE_TAGS,
    AnswerReason,
    AnswerStatus,
    AnswerStatusReason,
    Block,
    BlockKind,
    Budget,
    BudgetLimits,
    CallRecord,
    CallStatus,
    Completeness,
    EventKind,
    Gap,
    Mode,
    Phase,
    PhaseRecord,
    Plan,
    PlanStep,
    Reference,
    RunEvent,
    RunResult,
    SeriesPoint,
    Tool,
    ToolResult,
    Trace,
    to_jsonable,
)
from opsuite_ops.domain.orchestrator import Emit, Orchestrator
from opsuite_ops.domain.plan_schema import PLAN_JSON_SCHEMA, plan_from_json, plan_to_json
from opsuite_ops.domain.planning import FailureContext, Planner, PlanOutcome, PlanRequest
from opsuite_ops.domain.validate import validate_plan

__all__ = [
    "MODE_TAGS",
    "PLAN_JSON_SCHEMA",
    "Alias",
    "AnswerReason",
    "AnswerStatus",
    "AnswerStatusReason",
    "Block",
    "BlockKind",
    "Budget",
    "BudgetLimits",
    "CachedCatalogue",
    "CallRecord",
    "CallStatus",
    "CatalogueSnapshot",
    "ChatModel",
    "Completeness",
    "Composer",
    "Composition",
    "DeterministicComposer",
    "DeterministicPlanner",
    "Emit",
    "EventKind",
    "FailureContext",
    "Gap",
    "InMemoryCatalogue",
    "InitialisedQuestion",
    "Inventory",
    "LlmComposer",
    "LlmPlanner",
    "Mode",
    "Orchestrator",
    "Phase",
    "PhaseRecord",
    "Plan",
    "PlanOutcome",
    "PlanRequest",
    "PlanStep",
    "Planner",
    "PlannerConfig",
    "Reference",
    "RunEvent",
    "RunResult",
    "Script",
    "SeriesPoint",
    "Tool",
    "ToolCatalogue",
    "ToolResult",
    "Trace",
    "assess",
    "initialise",
    "plan_from_json",
    "plan_to_json",
    "rank_tools",
    "to_jsonable",
    "validate_plan",
]
