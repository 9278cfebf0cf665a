"""The planner interface shared by the deterministic and LLM planners."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from opsuite_ops.domain.entities import Inventory
from opsuite_ops.domain.model import AnswerStatusReason, Budget, Gap, Mode, Plan, Tool

__all__ = ["FailureContext", "PlanOutcome", "PlanRequest", "Planner"]


@dataclass(frozen=True, slots=True)
class FailureContext:
    """What went wrong in the first attempt, given to the planner for its one replan."""

    gaps: tuple[Gap, ...]
    failed_tools: frozenset[str]
    succeeded_steps: tuple[str, ...] = ()
    succeeded_tools: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Everything a planner may use: the question, the visible tools, the budget and the clock.

    ``step_prefix`` keeps step ids of a replan distinct from the first plan's ("r1", "r2"...).
    ``inventory`` holds the host and service names the estate's own tools listed for this run (None when
    no tool lists them); the deterministic planner resolves the question's names against it.
    """

    question: str
    tools: Sequence[Tool]
    budget: Budget
    now: datetime
    mode: Mode = Mode.ALL
    failure: FailureContext | None = None
    step_prefix: str = "s"
    exclude_tools: frozenset[str] = field(default_factory=frozenset)
    inventory: Inventory | None = None


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """A plan, which planner made it, and why a fallback happened (empty when none did).

    ``not_covered`` lists what the planner could not cover, as answer-status reasons: a name the estate does
    not have (ENTITY_UNKNOWN), a matching tool left out of the plan (a required argument the question does
    not give, arguments its schema refuses, the budget's step limit) or a part of the question no tool
    covers (NOT_COVERED), and nothing at all to run (NO_TOOL).
    """

    plan: Plan
    planner: str
    fallback_reason: str = ""
    warnings: tuple[str, ...] = ()
    not_covered: tuple[AnswerStatusReason, ...] = ()
    #: How words of the question were read as values the estate lists ("billing" is quill/billing-svc): the
    #: answer states each, so a wrong reading is visible.
    readings: tuple[str, ...] = ()
    #: Tools left out for a required parameter the question does not give, whose words the planned steps cover:
    #: no missing part, but step 12 may still ask one with a value a look-up's rows single out (:mod:`looked_up`).
    spare: tuple[AnswerStatusReason, ...] = ()


class Planner(Protocol):
    """Turns a question into a plan; never raises for "could not plan", returns an empty plan instead."""

    async def plan(self, request: PlanRequest) -> PlanOutcome:
        """A plan for ``request``."""
        ...
