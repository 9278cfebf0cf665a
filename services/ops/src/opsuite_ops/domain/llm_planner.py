"""Phase 3 (LLM): plan with an OpenAI-compatible model via tool calling, falling back deterministically.

The model is offered a single function, ``submit_plan``, whose parameters are
:data:`~opsuite_ops.domain.plan_schema.PLAN_JSON_SCHEMA`. Its arguments are parsed, checked against
the schema and then against the catalogue and budget (:func:`validate_plan`). A plan with no steps is the
model saying that no tool answers the question (NO_TOOL); the parts it lists in ``not_covered``, and the
catalogue's own coverage check (:meth:`DeterministicPlanner.review`, which also gives the readings), make
the answer PARTIAL or UNANSWERED as for a deterministic plan. Malformed JSON, an invalid plan, an open
breaker, a timeout or an unreachable endpoint all fall back to the deterministic planner;
``PlanOutcome.fallback_reason`` says which, for the trace.
"""

from __future__ import annotations

import json
from typing import Any

from opsuite_common.errors import (
    CircuitOpenError,
    DeadlineExceededError,
    OpsuiteError,
    ValidationError,
)
from opsuite_ops.domain.chat import ChatModel
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner, rank_tools
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Plan, Tool
from opsuite_ops.domain.plan_schema import PLAN_JSON_SCHEMA, declared_gaps, plan_from_json
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest
from opsuite_ops.domain.validate import validate_plan

__all__ = ["SYSTEM_PROMPT", "LlmPlanner"]

SYSTEM_PROMPT = (
    "You plan tool calls that answer an operator's question about an infrastructure estate. "
    "Call submit_plan exactly once. Use only the listed tools and give every required argument, "
    "matching each tool's input schema. Steps without dependencies run in parallel. To use an earlier "
    "step's output as an argument, write the string '$steps.<step id>.<JMESPath>' (e.g. "
    "'$steps.s1.rows[0].host') and list that step in depends_on. Use ISO-8601 UTC timestamps. "
    "List in not_covered each part of the question that no listed tool answers; when no tool answers any "
    "of it, submit no steps."
)


def _tool_doc(tool: Tool) -> dict[str, Any]:
    return {
        "name": tool.name,
        "description": tool.description,
        "tags": sorted(tool.tags),
        "input_schema": dict(tool.input_schema),
        "output_hints": dict(tool.output_hints),
    }


class LlmPlanner:
    """Plans with an LLM; any failure falls back to ``fallback`` with the reason recorded."""

    name = "llm"

    def __init__(
        self, client: ChatModel, fallback: DeterministicPlanner | None = None, *, max_tools_in_prompt: int = 40
    ) -> None:
        self.client = client
        self.fallback = fallback or DeterministicPlanner()
        self.max_tools_in_prompt = max_tools_in_prompt

    def messages(self, request: PlanRequest) -> list[dict[str, Any]]:
        """The chat messages for ``request``: the best-ranked tools only, so 500 tools fit a prompt."""
        tools = [t for t in request.tools if t.name not in request.exclude_tools]
        if len(tools) > self.max_tools_in_prompt:
            tools = [t for t, _ in rank_tools(request.question, tools)[: self.max_tools_in_prompt]]
        user: dict[str, Any] = {
            "question": request.question,
            "mode": request.mode.value,
            "now": request.now.isoformat(),
            "budget": {"max_steps": request.budget.max_steps},
            "step_id_prefix": request.step_prefix,
            "tools": [_tool_doc(t) for t in tools],
        }
        if request.failure is not None:
            user["previous_attempt_failed"] = {
                "gaps": [{"tool": g.tool, "what": g.what, "why": g.why} for g in request.failure.gaps],
                "do_not_use": sorted(request.failure.failed_tools),
                "already_answered_by": sorted(request.failure.succeeded_tools),
            }
        return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": json.dumps(user)}]

    async def plan(self, request: PlanRequest) -> PlanOutcome:
        """An LLM plan, or the deterministic one with ``fallback_reason`` set."""
        try:
            plan, declared = await self._llm_plan(request)
        except CircuitOpenError as exc:
            return await self._fall_back(request, f"LLM circuit breaker open: {exc.message}")
        except DeadlineExceededError as exc:
            return await self._fall_back(request, f"LLM timed out: {exc.message}")
        except ValidationError as exc:
            details = "; ".join(f"{v.field}: {v.description}" for v in exc.field_violations[:5])
            return await self._fall_back(
                request, f"LLM plan invalid: {exc.message}" + (f" ({details})" if details else "")
            )
        except OpsuiteError as exc:
            return await self._fall_back(request, f"LLM unavailable ({exc.reason}): {exc.message}")
        # What no tool covers is a fact of the catalogue, not of the planner: the same check as the
        # deterministic planner's (unknown names, words no tool knows), plus what the model itself declared.
        covered, readings = self.fallback.review(request, plan.steps)
        reasons = list(covered)
        kind = AnswerReason.NOT_COVERED if plan.steps else AnswerReason.NO_TOOL
        reasons.extend(AnswerStatusReason(kind, gap) for gap in declared)
        if not plan.steps and not any(r.reason is not AnswerReason.ENTITY_UNKNOWN for r in reasons):
            note = plan.rationale or "the model found no tool that answers the question"
            reasons.append(AnswerStatusReason(AnswerReason.NO_TOOL, note))
        return PlanOutcome(plan, self.name, not_covered=tuple(reasons), readings=readings)

    async def _fall_back(self, request: PlanRequest, reason: str) -> PlanOutcome:
        outcome = await self.fallback.plan(request)
        return PlanOutcome(
            outcome.plan,
            outcome.planner,
            fallback_reason=reason,
            warnings=outcome.warnings,
            not_covered=outcome.not_covered,
            readings=outcome.readings,
        )

    async def _llm_plan(self, request: PlanRequest) -> tuple[Plan, list[str]]:
        fn = {
            "type": "function",
            "function": {
                "name": "submit_plan",
                "description": "Submit the plan of tool calls that answers the question.",
                "parameters": PLAN_JSON_SCHEMA,
            },
        }
        completion = await self.client.chat(
            self.messages(request),
            tools=[fn],
            tool_choice={"type": "function", "function": {"name": "submit_plan"}},
        )
        if not completion.choices:
            raise ValidationError("the LLM returned no choices")
        message = completion.choices[0].message
        raw: str | None = None
        for call in message.tool_calls or []:
            fn_call = getattr(call, "function", None)  # custom (non-function) tool calls have none
            if fn_call is not None and fn_call.name == "submit_plan":
                raw = fn_call.arguments
                break
        if raw is None:
            raw = message.content  # some local servers answer with JSON content instead of a tool call
        if not raw:
            raise ValidationError("the LLM did not call submit_plan")
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"the LLM's submit_plan arguments are not JSON ({exc.msg} at {exc.pos})") from None
        plan = plan_from_json(document, planner=self.name)
        if plan.steps:  # no steps: the model says no tool answers the question
            tools = {t.name: t for t in request.tools if t.name not in request.exclude_tools}
            validate_plan(plan, tools, request.budget)
        return plan, declared_gaps(document)
