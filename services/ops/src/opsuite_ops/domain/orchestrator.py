"""Phase runner: initialise, discover, plan, validate, execute, recover, compose, emitting RunEvents.

``Orchestrator.run`` is what the Ask / AskStream servicers call. Every piece of run state (the trace, outputs,
recovery bookkeeping, event sequence) lives in a :class:`_Run` created per call; the orchestrator itself only holds
shared, run-independent collaborators (catalogue cache, planner, composer), so concurrent runs never share locks or
state.

Before planning, the estate's names are read from its own tools (:mod:`entities`: the idempotent, argument-free
tools that list hosts or services, called once per run as the caller) when the question has a word no tool knows;
the planner resolves the question's names against them. A step whose tool or arguments the catalogue refuses is
taken out of the plan (NOT_COVERED) and the rest runs; after the calls, a name no inventory vouched for and no
output mentions is ENTITY_UNKNOWN. A search that found nothing is asked again with fewer words (:mod:`broaden`); one
that never finds anything is NOT_COVERED, unless it only added to what other steps answered. A comparison one side
of which came back empty is NOT_COVERED (:mod:`comparison`). How the planner read words of the question as values
the estate lists ("billing" is quill/billing-svc) is said at the top of the answer.

Raises only for the caller's input (ValidationError on question, mode, budget or a plan whose structure is broken)
and for a missing catalogue (ServiceUnavailableError TOOL_CATALOGUE_UNAVAILABLE); failed tools give a partial
RunResult instead. Every result carries its :class:`Completeness` (see :mod:`completeness`), computed from the main
plan, the calls, the open gaps and the composer's cuts; an incomplete answer's text starts with its headline.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_common.auth import Identity
from opsuite_common.errors import OpsuiteError, ValidationError
from opsuite_ops.domain.absence import empty_results, reported_in_rows
from opsuite_ops.domain.broaden import Narrowing, auxiliary_searches, empty_searches, narrower_plan
from opsuite_ops.domain.catalogue import CachedCatalogue
from opsuite_ops.domain.comparison import one_sided, unseen_sides
from opsuite_ops.domain.completeness import assess
from opsuite_ops.domain.compose import Composer, DeterministicComposer
from opsuite_ops.domain.coverage import vocabulary
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory
from opsuite_ops.domain.executor import DagExecutor, RunState
from opsuite_ops.domain.identifiers import unmentioned_ids
from opsuite_ops.domain.initialise import Alias, initialise
from opsuite_ops.domain.inventory_reads import read_inventory
from opsuite_ops.domain.investigate import documents_only
from opsuite_ops.domain.later_moment import unreached_moments
from opsuite_ops.domain.looked_up import follow_up
from opsuite_ops.domain.mapping import references_in
from opsuite_ops.domain.model import (
    AnswerReason,
    AnswerStatusReason,
    Budget,
    BudgetLimits,
    CallRecord,
    EventKind,
    Mode,
    Phase,
    PhaseRecord,
    Plan,
    PlanStep,
    RunEvent,
    RunResult,
    Tool,
    ToolResult,
    Trace,
)
from opsuite_ops.domain.planning import Planner, PlanRequest
from opsuite_ops.domain.recovery import RecoveryState, alternative_plan, failure_context, gaps, unresolved
from opsuite_ops.domain.shorten import MAX_ROUNDS, cut_steps, has_rows, is_cut, shorter_step
from opsuite_ops.domain.unmatched import unmatched_names
from opsuite_ops.domain.validate import prune_plan, validate_plan

__all__ = ["Emit", "Orchestrator", "PhaseSpan"]

#: The event sink: the servicer streams events (AskStream) and/or ignores them (Ask).
Emit = Callable[[RunEvent], Awaitable[None]]
#: What wraps each phase (the wiring passes a tracing span: ``ops.plan``, ``ops.execute``...); a phase's tool
#: calls run inside it. The domain only calls it with the phase's name.
PhaseSpan = Callable[[str], AbstractContextManager[object]]


def _no_span(_phase: str) -> AbstractContextManager[object]:
    return nullcontext()


async def _ignore(_event: RunEvent) -> None:
    return None


@dataclass(slots=True)
class _Run:
    """All state of one run."""

    trace: Trace
    emit: Emit
    identity: Identity
    phase_span: PhaseSpan = _no_span
    state: RunState = field(default_factory=RunState)
    recovery: RecoveryState = field(default_factory=RecoveryState)
    seq: int = 0
    extra: list[PlanStep] = field(default_factory=list)  # steps of step 12: shortened as the main plan's are

    async def event(self, kind: EventKind, **fields: Any) -> None:
        self.seq += 1
        await self.emit(RunEvent(self.trace.run_id, self.seq, kind, datetime.now(UTC), **fields))

    async def warn(self, message: str) -> None:
        self.trace.warnings.append(message)
        await self.event(EventKind.WARNING, detail=message)

    @asynccontextmanager
    async def phase(self, phase: Phase) -> AsyncIterator[PhaseRecord]:
        rec = PhaseRecord(phase, datetime.now(UTC))
        self.trace.phases.append(rec)
        started = time.monotonic()
        await self.event(EventKind.PHASE_STARTED, phase=phase)
        try:
            with self.phase_span(phase.value):
                yield rec
            rec.status = "ok" if rec.status == "running" else rec.status
        except BaseException:
            rec.status = "failed"
            raise
        finally:
            rec.finished_at = datetime.now(UTC)
            rec.duration_ms = (time.monotonic() - started) * 1000
        await self.event(EventKind.PHASE_FINISHED, phase=phase, status=rec.status, detail=rec.detail)


def _rename(plan: Plan, taken: Iterable[str], prefix: str) -> Plan:
    """``plan`` with step ids that collide with ``taken`` renamed (mappings and depends_on follow)."""
    taken = set(taken)
    ids = {s.id: (f"{prefix}{s.id}" if s.id in taken else s.id) for s in plan.steps}
    if all(k == v for k, v in ids.items()):
        return plan

    def fix(v: Any) -> Any:
        if isinstance(v, str):
            for old, new in ids.items():
                if v == f"$steps.{old}" or v.startswith((f"$steps.{old}.", f"$steps.{old}[")):
                    return f"$steps.{new}" + v[len(f"$steps.{old}") :]
            return v
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    steps = tuple(
        PlanStep(ids[s.id], s.tool, fix(dict(s.arguments)), tuple(ids.get(d, d) for d in s.depends_on), s.reason)
        for s in plan.steps
    )
    return Plan(steps, plan.planner, plan.rationale, plan.notes)


class Orchestrator:
    """Runs questions through the phases; share one per server."""

    def __init__(
        self,
        catalogue: CachedCatalogue,
        planner: Planner,
        *,
        composer: Composer | None = None,
        aliases: Sequence[Alias] = (),
        limits: BudgetLimits | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        retry_backoff_s: float = 0.05,
        phase_span: PhaseSpan = _no_span,
        looker: DeterministicPlanner | None = None,
    ) -> None:
        self.catalogue = catalogue
        fallback = getattr(planner, "fallback", None)
        self.looker = looker or next((p for p in (planner, fallback) if isinstance(p, DeterministicPlanner)), None)
        self.phase_span = phase_span
        self.planner = planner
        self.composer: Composer = composer or DeterministicComposer()
        self.aliases = tuple(aliases)
        self.limits = limits or BudgetLimits()
        self._now = now
        self._backoff = retry_backoff_s

    async def run(
        self,
        question: str,
        mode: Mode | str | None,
        budget: Budget | None,
        identity: Identity,
        emit: Emit | None = None,
        *,
        run_id: str | None = None,
        started: float | None = None,
    ) -> RunResult:
        """Answer ``question`` as ``identity``, emitting events through ``emit``; see the module docstring.

        ``started`` (``time.monotonic()``) is when the budget's time began to count, if before this call: a
        budget fitted to a caller's deadline counts from when that deadline was read, not from after the
        run row was written.
        """
        mode = mode if isinstance(mode, Mode) else Mode.parse(mode)
        budget = budget or Budget()
        budget.check(self.limits)
        deadline = (time.monotonic() if started is None else started) + budget.total_timeout_s
        run = _Run(
            Trace(run_id or uuid.uuid4().hex, question, mode=mode, budget=budget),
            emit or _ignore,
            identity,
            self.phase_span,
        )
        trace = run.trace

        async with run.phase(Phase.INITIALISE) as ph:
            init = initialise(question, self.aliases)
            trace.normalised_question, trace.aliases_applied = init.text, list(init.aliases_applied)
            ph.detail = init.text

        async with run.phase(Phase.DISCOVER) as ph:
            snap = await self.catalogue.snapshot(identity)
            trace.catalogue_stale, trace.catalogue_note, trace.tool_count = snap.stale, snap.note, len(snap.tools)
            ph.detail = f"{len(snap.tools)} tools" + (" (stale)" if snap.stale else "")
            if snap.stale:
                ph.status = "degraded"
                await run.warn(snap.note)
        tools = snap.by_name()

        async with run.phase(Phase.PLAN) as ph:
            inventory = await self._inventory(identity, init.text, snap.tools, budget, deadline)
            request = PlanRequest(init.text, snap.tools, budget, self._now(), mode, inventory=inventory)
            outcome = await self.planner.plan(request)
            plan, refused = prune_plan(outcome.plan, tools)
            readings = outcome.readings
            if inventory is not None:
                note = (
                    f"names resolved against {', '.join(inventory.sources)}: "
                    f"{len(inventory.hosts)} hosts, {len(inventory.services)} services"
                )
                plan = dataclasses.replace(plan, notes=(*plan.notes, note))
            not_covered = list(outcome.not_covered)
            for step, why in refused:
                not_covered.append(
                    AnswerStatusReason(
                        AnswerReason.NOT_COVERED, f"{step.tool} was left out of the plan: {why}", step.tool, step.id
                    )
                )
                trace.warnings.append(f"left {step.id} ({step.tool}) out of the plan: {why}")
            trace.plans.append(plan)
            trace.planner, trace.planner_fallback_reason = outcome.planner, outcome.fallback_reason
            ph.detail = f"{outcome.planner}: {len(plan.steps)} steps"
            if outcome.fallback_reason:
                ph.status = "degraded"
                await run.warn(f"fell back to the {outcome.planner} planner: {outcome.fallback_reason}")
            for note in outcome.warnings:
                trace.warnings.append(note)
            await run.event(EventKind.PLAN, plan=plan)

        executor = DagExecutor(
            lambda name, params, timeout: self._invoke(identity, name, params, timeout),
            tools,
            budget,
            deadline=deadline,
            on_start=lambda rec: self._call_event(run, EventKind.CALL_STARTED, rec),
            on_finish=lambda rec: self._call_event(run, EventKind.CALL_FINISHED, rec),
            retry_backoff_s=self._backoff,
        )
        async with run.phase(Phase.VALIDATE) as ph:
            if plan.steps:
                validate_plan(plan, tools, budget)
                ph.detail = "plan accepted"
            else:
                ph.status, ph.detail = "skipped", plan.rationale or "empty plan"

        async with run.phase(Phase.EXECUTE) as ph:
            if plan.steps:
                await executor.execute(plan, run.state)
            ok = sum(1 for r in run.state.latest.values() if r.ok)
            ph.detail = f"{ok}/{len(run.state.latest)} steps succeeded"

        async with run.phase(Phase.RECOVER) as ph:
            ph.detail = await self._recover(run, executor, tools, snap.tools, budget, mode, deadline, inventory)
            narrowing = Narrowing(auxiliary=auxiliary_searches(init.text, plan.steps, run.state, tools))
            while time.monotonic() < deadline:
                narrower = narrower_plan(plan.steps, run.state, tools, narrowing, budget.max_steps)
                if narrower is None:
                    break
                try:
                    validate_plan(narrower, tools, dataclasses.replace(budget, max_steps=len(narrower.steps)))
                except ValidationError:
                    break  # a narrower query the tool's schema refuses: the searches stay as they were
                run.trace.plans.append(narrower)
                await run.event(EventKind.PLAN, plan=narrower, detail="narrower searches")
                await executor.execute(narrower, run.state, recovery="narrower search")
                ph.detail += f"; narrower searches: {len(narrower.steps)}"
            if self.looker is not None and time.monotonic() < deadline:
                looked = await follow_up(init.text, not_covered, outcome.spare, lambda: run.state.records, tools,
                    self.looker, PlanRequest(init.text, snap.tools, budget, self._now(), mode, step_prefix="look",
                                             inventory=inventory),
                    functools.partial(self._run_more, run, executor, tools, budget, "look-up"))  # fmt: skip
                not_covered = [r for r in not_covered if not (r.param and r.tool in looked.asked)] + [*looked.reasons]
                narrowing.auxiliary |= looked.searches
                readings = (*readings, *looked.readings)
            superseded, shortened = await self._shorten(run, executor, plan, tools, budget, deadline)
            if shortened:
                ph.detail += f"; shorter windows: {len(shortened)}"
            readings = (*readings, *shortened)
        not_covered = [r for r in not_covered if not reported_in_rows(r, run.state.records, tools, init.text)]
        not_covered.extend(unmatched_names(run.state.records, tools, inventory))
        not_covered.extend(empty_searches(plan.steps, run.state, tools, narrowing, init.text))
        not_covered.extend(empty_results(init.text, plan.steps, run.state, tools, not_covered))
        not_covered.extend(one_sided(init.text, plan.steps, run.state, tools))
        not_covered.extend(unseen_sides(init.text, run.state.records, vocabulary(snap.tools)))
        not_covered.extend(unmentioned_ids(init.text, run.state.records, not_covered, inventory))
        not_covered.extend(documents_only(init.text, run.state.records, tools))
        not_covered.extend(unreached_moments(init.text, self._now(), run.state.records, tools))

        open_gaps = unresolved(gaps(run.state, tools), run.state, tools)
        trace.gaps = open_gaps
        if not plan.steps and not run.state.records:
            trace.warnings.append(plan.rationale or "no tool matched the question")

        # A call asked again over a shorter window because it came back cut stands for it in the answer.
        answered = [r for r in run.state.records if r.call_id not in superseded]
        async with run.phase(Phase.COMPOSE) as ph:
            composition = await self.composer.compose(init.text, answered, open_gaps, tools=tools)
            trace.composer = composition.composer
            if composition.note:
                await run.warn(composition.note)
            for block in composition.blocks:
                await run.event(EventKind.BLOCK, block=block)
            ph.detail = f"{len(composition.blocks)} blocks by {composition.composer}"
        trace.calls = list(run.state.records)
        partial = bool(open_gaps) or not composition.references
        completeness = assess(plan, not_covered, answered, open_gaps, composition.truncated)
        read = "".join(f"Note: {r}.\n" for r in readings)
        head = "".join(f"{p}\n\n" for p in (completeness.headline, read.strip()) if p)
        answer = head + composition.answer
        result = RunResult(
            trace.run_id, answer, composition.blocks, composition.references, trace, partial, completeness
        )
        await run.event(EventKind.ANSWER, result=result)
        return result

    async def _shorten(
        self,
        run: _Run,
        executor: DagExecutor,
        plan: Plan,
        tools: Mapping[str, Tool],
        budget: Budget,
        deadline: float,
    ) -> tuple[set[str], list[str]]:
        """Ask the main-plan calls that came back cut at the API's row limit again over shorter windows (see
        :mod:`shorten`); the call ids a whole shorter result supersedes, and a note per step for the answer."""
        superseded: set[str] = set()
        notes: dict[str, str] = {}
        windows: dict[str, timedelta] = {}
        pending = [(s.id, s) for s in cut_steps((*plan.steps, *run.extra), run.state.latest)]
        for round_no in range(1, MAX_ROUNDS + 1):
            if not pending or time.monotonic() >= deadline:
                break
            made = [
                (root, step, sh)
                for root, step in pending
                if (tool := tools.get(step.tool)) is not None
                and (sh := shorter_step(step, tool, self._now(), round_no)) is not None
            ]
            if not made:
                break
            shorter = Plan(tuple(sh.step for _r, _s, sh in made), planner="shorter window",
                           rationale="calls cut at the API's row limit, over shorter windows")  # fmt: skip
            try:
                ok_steps = [sid for sid, r in run.state.latest.items() if r.ok]  # a step may map an earlier output
                validate_plan(shorter, tools, dataclasses.replace(budget, max_steps=len(shorter.steps)), done=ok_steps)
            except ValidationError:
                break
            run.trace.plans.append(shorter)
            await run.event(EventKind.PLAN, plan=shorter, detail="shorter windows")
            await executor.execute(shorter, run.state, recovery="shorter window")
            pending = []
            for root, step, sh in made:
                rec, old = run.state.latest.get(sh.step.id), run.state.latest.get(step.id)
                if rec is None or not rec.ok or old is None or not has_rows(rec):
                    continue  # an empty shorter window does not replace the rows the cut call did return
                superseded.add(old.call_id)
                first = dataclasses.replace(sh, before=windows.setdefault(root, sh.before))  # the window asked first
                notes[root] = first.note(step.tool)
                run.trace.warnings.append(notes[root])
                if is_cut(rec):
                    pending.append((root, sh.step))
        return superseded, list(notes.values())

    @staticmethod
    async def _run_more(run: _Run, executor: DagExecutor, tools: Mapping[str, Tool], budget: Budget, what: str,
                        plan: Plan) -> None:  # fmt: skip
        """Validate and run a follow-up ``plan`` (its steps may map outputs of the run's earlier steps)."""
        ok_steps = [sid for sid, r in run.state.latest.items() if r.ok]
        try:
            validate_plan(plan, tools, dataclasses.replace(budget, max_steps=len(plan.steps)), done=ok_steps)
        except ValidationError as exc:
            await run.warn(f"the {what} plan was rejected: {exc.message}")
            return
        run.trace.plans.append(plan)
        await run.event(EventKind.PLAN, plan=plan, detail=what)
        await executor.execute(plan, run.state, recovery=what)
        run.extra.extend(plan.steps)

    async def _invoke(self, identity: Identity, name: str, params: dict[str, Any], timeout: float) -> ToolResult:
        return await self.catalogue.invoke(identity, name, params, timeout)

    async def _inventory(
        self, identity: Identity, question: str, tools: Sequence[Tool], budget: Budget, deadline: float
    ) -> Inventory | None:
        """The names the estate's own tools list (:mod:`inventory_reads`); read once per run (the replan reuses
        it)."""

        async def call(tool: Tool) -> tuple[str, Any]:
            left = deadline - time.monotonic()  # (a second round has what the first left of the run's time)
            if left < 0.05:
                return tool.name, None
            timeout = min(budget.call_timeout_s, left)
            try:
                async with asyncio.timeout(timeout):
                    result = await self._invoke(identity, tool.name, {}, timeout)
            except (TimeoutError, OpsuiteError, OSError, ValueError, LookupError, TypeError):
                return tool.name, None
            return tool.name, result.data if result.success else None

        return await read_inventory(question, tools, self._now(), call)

    @staticmethod
    async def _call_event(run: _Run, kind: EventKind, rec: CallRecord) -> None:
        await run.event(kind, call=rec, status=rec.status.value if kind is EventKind.CALL_FINISHED else "running")

    async def _recover(
        self,
        run: _Run,
        executor: DagExecutor,
        tools: dict[str, Tool],
        tool_list: Sequence[Tool],
        budget: Budget,
        mode: Mode,
        deadline: float,
        inventory: Inventory | None,
    ) -> str:
        state, done = run.state, []
        if not state.failed_steps():
            return "nothing to recover"
        # 1. Retries already happened inside the executor. 2. Alternative tools with the same tags.
        alt = alternative_plan(state, tools, run.recovery)
        if alt is not None and time.monotonic() < deadline:
            ok_steps = [s for s, r in state.latest.items() if r.ok]
            validate_plan(alt, tools, Budget(max_steps=len(alt.steps)), done=ok_steps)
            run.trace.plans.append(alt)
            await run.event(EventKind.PLAN, plan=alt, detail="alternative tools")
            await executor.execute(alt, state, recovery="alternative")
            done.append(f"alternatives: {', '.join(s.tool for s in alt.steps)}")
        # 3. One replan, told about the failure.
        if state.failed_steps() and not run.recovery.replanned and time.monotonic() < deadline:
            run.recovery.replanned = True
            ctx = failure_context(state, tools)
            request = PlanRequest(
                run.trace.normalised_question, tool_list, budget, self._now(), mode,
                failure=ctx, step_prefix="r", exclude_tools=ctx.failed_tools | ctx.succeeded_tools,
                inventory=inventory,
            )  # fmt: skip
            outcome = await self.planner.plan(request)
            replan = _rename(outcome.plan, state.steps, "r-")
            if outcome.fallback_reason:
                await run.warn(f"replan fell back to the {outcome.planner} planner: {outcome.fallback_reason}")
            if replan.steps:
                try:
                    validate_plan(replan, tools, budget, done=[s for s, r in state.latest.items() if r.ok])
                except ValidationError as exc:
                    await run.warn(f"the replan was rejected: {exc.message}")
                    return "; ".join([*done, "replan rejected"])
                run.trace.plans.append(replan)
                await run.event(EventKind.PLAN, plan=replan, detail="replan")
                await executor.execute(replan, state, recovery="replan")
                done.append(f"replan: {', '.join(s.tool for s in replan.steps)}")
            else:
                done.append("replan found no other tool")
        return "; ".join(done) or "no alternative and no time left"


def plan_dependencies(plan: Plan) -> dict[str, list[str]]:
    """Step id -> step ids it reads outputs from (handy for rendering the plan as a graph)."""
    return {s.id: sorted({r for r, _ in references_in(s.arguments)} | set(s.depends_on)) for s in plan.steps}
