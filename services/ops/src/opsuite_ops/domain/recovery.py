"""Phase 6, recover: after retries (done by the executor), try an alternative tool, then one replan.

Everything here works on a :class:`RecoveryState` that belongs to the run object; there is no
module or process state, so concurrent runs cannot block or influence each other's recovery.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opsuite_ops.domain.deterministic_planner import tool_tokens
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.extract import canonical_param
from opsuite_ops.domain.model import MODE_TAGS, CallRecord, CallStatus, Gap, Plan, PlanStep, Tool
from opsuite_ops.domain.planning import FailureContext
from opsuite_ops.domain.validate import dependencies

__all__ = [
    "RecoveryState",
    "adapt_arguments",
    "alternative_plan",
    "describe_gap",
    "failure_context",
    "find_alternative",
    "gaps",
    "unresolved",
]


@dataclass(slots=True)
class RecoveryState:
    """Recovery bookkeeping of one run: tools tried per step and whether the one replan was used."""

    tried: dict[str, set[str]] = field(default_factory=dict)
    replanned: bool = False
    replan_reason: str = ""


def adapt_arguments(args: Mapping[str, Any], alt: Tool) -> dict[str, Any] | None:
    """``args`` renamed for ``alt`` by parameter concept (host ~ hostname); None if a required one is missing."""
    by_concept = {canonical_param(k): v for k, v in args.items()}
    out: dict[str, Any] = {}
    for name in alt.properties:
        if name in args:
            out[name] = args[name]
        elif canonical_param(name) in by_concept:
            out[name] = by_concept[canonical_param(name)]
    if any(r not in out for r in alt.required):
        return None
    return out


def find_alternative(tool: Tool, step: PlanStep, tools: Iterable[Tool], tried: set[str]) -> Tool | None:
    """Another tool with the same tags that can take the step's arguments (most similar first)."""
    mine = set(tool_tokens(tool))
    best: tuple[float, str, Tool] | None = None
    for cand in tools:
        if cand.name == tool.name or cand.name in tried or not tool.tags or cand.tags != tool.tags:
            continue
        if adapt_arguments(step.arguments, cand) is None:
            continue
        theirs = set(tool_tokens(cand))
        similarity = len(mine & theirs) / max(1, len(mine | theirs))
        key = (-similarity, cand.name, cand)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def _dependants(failed: set[str], steps: Mapping[str, PlanStep]) -> list[PlanStep]:
    out: list[PlanStep] = []
    blocked = set(failed)
    changed = True
    while changed:
        changed = False
        for sid, step in steps.items():
            if sid not in blocked and set(dependencies(step)) & blocked:
                blocked.add(sid)
                out.append(step)
                changed = True
    return out


def alternative_plan(state: RunState, tools: Mapping[str, Tool], recovery: RecoveryState) -> Plan | None:
    """A repair plan: each failed step re-pointed at an alternative tool, plus its skipped dependants.

    Step ids are kept, so dependants' ``$steps.<id>`` mappings read the alternative's output.
    """
    repaired: list[PlanStep] = []
    for sid in state.failed_steps():
        step = state.steps[sid]
        original = tools.get(step.tool)
        if original is None:
            continue
        # Tools already in the run are not alternatives: their answer is in (or missing from) it already.
        tried = recovery.tried.setdefault(sid, {step.tool} | {s.tool for s in state.steps.values()})
        alt = find_alternative(original, step, tools.values(), tried)
        if alt is None:
            continue
        tried.add(alt.name)
        args = adapt_arguments(step.arguments, alt) or {}
        err = state.latest[sid].error
        reason = f"alternative to {step.tool} (same tags {sorted(alt.tags)}) after it failed: {err}"
        repaired.append(PlanStep(sid, alt.name, args, step.depends_on, reason))
    if not repaired:
        return None
    fixed = {s.id for s in repaired}
    rest = {sid: s for sid, s in state.steps.items() if state.latest.get(sid) is None or not state.latest[sid].ok}
    dependants = [s for s in _dependants(fixed, rest) if s.id not in fixed]
    return Plan(tuple(repaired + dependants), planner="recovery", rationale="alternative tools with the same tags")


def describe_gap(record: CallRecord, step: PlanStep, tool: Tool | None) -> Gap:
    """A plain statement of what a failed or skipped call would have told us, and why it did not."""
    args = ", ".join(f"{k}={v}" for k, v in record.arguments.items() if not str(v).startswith("$steps."))
    what = (tool.description if tool and tool.description else step.tool).rstrip(".")
    what = f"{what} ({args})" if args else what
    why = record.error or record.status.value
    if record.attempts > 1:
        why += f" (after {record.attempts} attempts)"
    return Gap(step.id, record.tool, what, why)


def gaps(state: RunState, tools: Mapping[str, Tool]) -> list[Gap]:
    """One gap per step whose latest call did not succeed."""
    return [
        describe_gap(rec, state.steps[sid], tools.get(rec.tool))
        for sid, rec in state.latest.items()
        if rec.status is not CallStatus.OK
    ]


def failure_context(state: RunState, tools: Mapping[str, Tool]) -> FailureContext:
    """What the replan is told: the gaps, the tools that failed and the steps that already succeeded."""
    gs = gaps(state, tools)
    ok = [sid for sid, r in state.latest.items() if r.ok]
    tried: set[str] = {r.tool for r in state.records if r.status in (CallStatus.FAILED, CallStatus.TIMEOUT)}
    return FailureContext(
        gaps=tuple(gs),
        failed_tools=frozenset(tried),
        succeeded_steps=tuple(ok),
        succeeded_tools=frozenset(state.latest[s].tool for s in ok),
    )


def unresolved(before: Sequence[Gap], state: RunState, tools: Mapping[str, Tool]) -> list[Gap]:
    """Gaps still open after a replan.

    A gap closes when a replan call succeeded with a tool sharing a *specific* tag with the failed
    one; mode tags (metric, history...) are too broad to claim the same fact was found.
    """
    generic = {t for tags in MODE_TAGS.values() for t in tags}
    ok_tags: set[str] = set()
    for rec in state.records:
        if rec.ok and rec.recovery == "replan" and rec.tool in tools:
            ok_tags |= tools[rec.tool].tags - generic
    out = []
    for gap in before:
        tool = tools.get(gap.tool)
        if tool is not None and (tool.tags - generic) & ok_tags:
            continue
        out.append(gap)
    return out
