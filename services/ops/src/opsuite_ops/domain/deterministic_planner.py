"""Phase 3 (default): the deterministic planner, BM25 ranking plus argument filling and chaining.

1. Keep the tools of the mode's tags (``all`` keeps every tool), minus excluded ones.
2. Rank them with BM25 over name (twice), description, tags and parameter names against the
   question (plus a few synonyms: "changed" also searches "deploy", "slow" also "latency"...). The
   term statistics come from the whole catalogue, so a tool scores the same in its mode as in ``all``.
3. Keep the best tools above an absolute floor and a fraction of the best score.
4. Fill each tool's arguments from the question (see :mod:`extract`). When a required parameter
   is missing, chain a producer: a tool whose ``output_hints`` provide that value and whose own
   arguments can be filled; the consumer then maps ``$steps.<producer>.<hint>``. A tool that can
   still not be filled is skipped, with a note saying which parameter was missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from opsuite_ops.domain.bm25 import BM25Index, tokenise
from opsuite_ops.domain.extract import (
    Entities,
    canonical_param,
    extract_entities,
    fill_arguments,
    human_duration,
    ranking_text,
)
from opsuite_ops.domain.mapping import step_ref
from opsuite_ops.domain.model import MODE_TAGS, AnswerReason, AnswerStatusReason, Plan, PlanStep, Tool
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest

__all__ = ["DEFAULT_SYNONYMS", "DeterministicPlanner", "PlannerConfig", "rank_tools", "tool_tokens"]

#: Question word (stemmed) -> extra search words; small and operator-flavoured on purpose.
DEFAULT_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "chang": ("deploy", "release", "change"),
    "slow": ("latency",),
    "load": ("cpu",),
    "fail": ("error",),
    "spik": ("error", "anomaly"),
    "broken": ("error",),
    "outag": ("error", "incident"),
    "releas": ("deploy",),
    "memory": ("mem",),
    "runbook": ("document",),
    "doc": ("document",),
    "depend": ("graph",),
    "healthy": ("health",),
}


@dataclass(frozen=True, slots=True)
class PlannerConfig:
    """Tuning of the deterministic planner (from service settings)."""

    max_tools: int = 4
    relative_floor: float = 0.3
    absolute_floor: float = 0.4
    default_window: timedelta = timedelta(hours=24)
    known_hosts: frozenset[str] = frozenset()
    known_services: frozenset[str] = frozenset()
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_SYNONYMS))


def tool_tokens(tool: Tool) -> list[str]:
    """The BM25 document of a tool: name twice (it is the strongest signal), description, tags, params."""
    name = tokenise(tool.name, keep_stop_words=True)
    parts = [*name, *name, *tokenise(tool.description)]
    for tag in sorted(tool.tags):
        parts.extend(tokenise(tag, keep_stop_words=True))
    for param in tool.properties:
        parts.extend(tokenise(param, keep_stop_words=True))
    return parts


def _mode_filter(tools: Sequence[Tool], request: PlanRequest) -> list[Tool]:
    tags = MODE_TAGS[request.mode]
    return [t for t in tools if t.name not in request.exclude_tools and (not tags or t.tags & tags)]


def rank_tools(
    question: str, tools: Sequence[Tool], synonyms: Mapping[str, tuple[str, ...]] = DEFAULT_SYNONYMS
) -> list[tuple[Tool, float]]:
    """Tools with their BM25 score for ``question``, best first (ties broken by name)."""
    if not tools:
        return []
    query = tokenise(ranking_text(question))
    for tok in list(query):
        for extra in synonyms.get(tok, ()):
            query.extend(tokenise(extra, keep_stop_words=True))
    index = BM25Index([tool_tokens(t) for t in tools])
    scores = index.scores(query)
    return sorted(zip(tools, scores, strict=True), key=lambda p: (-p[1], p[0].name))


class DeterministicPlanner:
    """The embedded default planner: no network, same question and tools give the same plan."""

    name = "deterministic"

    def __init__(self, config: PlannerConfig | None = None) -> None:
        self.config = config or PlannerConfig()

    async def plan(self, request: PlanRequest) -> PlanOutcome:
        """A plan for ``request`` (empty, with a note, when no tool is relevant)."""
        return self.plan_sync(request)

    def plan_sync(self, request: PlanRequest) -> PlanOutcome:
        """Synchronous :meth:`plan` (it does no I/O), handy for benchmarks."""
        cfg = self.config
        candidates = _mode_filter(request.tools, request)
        question = request.question
        if request.failure is not None:
            # A replan looks for other tools covering the same gaps: search their wording too.
            question += " " + " ".join(g.what for g in request.failure.gaps)
        # Ranked against the whole catalogue, then cut to the mode: ranking only the mode's tools would make
        # the mode's own tag (shared by all of them) worthless, and a mode would miss the tool the default finds.
        allowed = {t.name for t in candidates}
        ranked = [(t, s) for t, s in rank_tools(question, request.tools, cfg.synonyms) if t.name in allowed]
        vocabulary = {tok for t in candidates for tok in tool_tokens(t)}
        entities = extract_entities(
            request.question,
            now=request.now,
            known_hosts=cfg.known_hosts,
            known_services=cfg.known_services,
            vocabulary=vocabulary,
        )
        notes: list[str] = []
        if not ranked or ranked[0][1] < cfg.absolute_floor:
            note = (
                f"no tool matched the question{' in mode ' + request.mode.value if request.mode.value != 'all' else ''}"
            )
            return PlanOutcome(Plan((), planner=self.name, rationale=note, notes=(note,)), self.name)
        floor = max(cfg.absolute_floor, cfg.relative_floor * ranked[0][1])
        chosen = [(t, s) for t, s in ranked if s >= floor][: min(cfg.max_tools, request.budget.max_steps)]
        builder = _PlanBuilder(request, entities, cfg, ranked)
        for tool, score in chosen:
            builder.add(tool, score, notes)
        steps = builder.steps[: request.budget.max_steps]
        if len(builder.steps) > len(steps):
            notes.append(f"plan trimmed to the budget's {request.budget.max_steps} steps")
            for cut in builder.steps[len(steps) :]:
                builder.dropped.append(
                    AnswerStatusReason(
                        AnswerReason.NOT_COVERED,
                        f"{cut.tool} matched the question but was left out: the budget allows "
                        f"{request.budget.max_steps} steps",
                        cut.tool,
                    )
                )
        if entities.time_range is None and any("assumed" in s.reason for s in steps):
            notes.append(f"no time range in the question; assumed the last {human_duration(cfg.default_window)}")
        rationale = "BM25 over tool name/description/tags/params: " + ", ".join(f"{t.name} {s:.2f}" for t, s in chosen)
        plan = Plan(tuple(steps), planner=self.name, rationale=rationale, notes=tuple(notes))
        return PlanOutcome(plan, self.name, warnings=tuple(notes), not_covered=tuple(builder.dropped))


class _PlanBuilder:
    """Accumulates steps for one planning call (local state, discarded afterwards)."""

    def __init__(
        self,
        request: PlanRequest,
        entities: Entities,
        cfg: PlannerConfig,
        ranked: list[tuple[Tool, float]],
    ) -> None:
        self.request, self.entities, self.cfg, self.ranked = request, entities, cfg, ranked
        self.steps: list[PlanStep] = []
        #: Matching tools left out of the plan, for the answer status.
        self.dropped: list[AnswerStatusReason] = []
        self._by_key: dict[tuple[str, str], str] = {}

    def _next_id(self) -> str:
        return f"{self.request.step_prefix}{len(self.steps) + 1}"

    def _append(self, tool: Tool, args: dict[str, Any], reason: str, deps: tuple[str, ...] = ()) -> str:
        key = (tool.name, repr(sorted(args.items())))
        if key in self._by_key:
            return self._by_key[key]
        sid = self._next_id()
        self.steps.append(PlanStep(sid, tool.name, args, deps, reason))
        self._by_key[key] = sid
        return sid

    def add(self, tool: Tool, score: float, notes: list[str]) -> str | None:
        """Add ``tool`` (and any producer it needs); None when its arguments cannot be filled."""
        filled = fill_arguments(tool, self.entities, now=self.request.now, default_window=self.cfg.default_window)
        args = dict(filled.arguments)
        deps: list[str] = []
        why = [
            f"{k} {('= ' + str(v)) if len(str(v)) < 40 else ''} ({filled.sources.get(k, '')})" for k, v in args.items()
        ]
        for param in filled.missing:
            producer = self._producer_for(tool, param)
            if producer is None:
                notes.append(f"skipped {tool.name}: needs {param!r}, which the question does not give")
                self.dropped.append(
                    AnswerStatusReason(
                        AnswerReason.NOT_COVERED,
                        f"{tool.name} matched the question but was not run: it needs {param!r}, "
                        "which the question does not give",
                        tool.name,
                    )
                )
                return None
            ptool, path, pid = producer
            args[param] = step_ref(pid, path)
            deps.append(pid)
            why.append(f"{param} from {ptool.name} output {path}")
        reason = f"BM25 {score:.2f}; " + "; ".join(w.replace("  ", " ") for w in why)
        return self._append(tool, args, reason, tuple(deps))

    def _producer_for(self, consumer: Tool, param: str) -> tuple[Tool, str, str] | None:
        concept = canonical_param(param)
        for tool, _score in self.ranked:
            if tool.name == consumer.name:
                continue
            path = tool.output_hints.get(param) or next(
                (p for k, p in tool.output_hints.items() if canonical_param(k) == concept), None
            )
            if path is None:
                continue
            filled = fill_arguments(tool, self.entities, now=self.request.now, default_window=self.cfg.default_window)
            if filled.missing:
                continue
            reason = f"produces {param} for {consumer.name}"
            pid = self._append(tool, dict(filled.arguments), reason)
            return tool, path, pid
        return None
