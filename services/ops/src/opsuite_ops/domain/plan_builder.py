"""The steps of one deterministic plan: one call per argument set of each tool added, the producers the calls
need, and the matching tools left out (see :mod:`deterministic_planner`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from opsuite_ops.domain.bm25 import is_verb_or_adverb, tokenise
from opsuite_ops.domain.coverage import (
    CONCEPT_WORDS,
    MEASURE_FORMS,
    MEASURE_WORDS,
    CoverageCheck,
    is_topic,
    strong_tokens,
    term_tokens,
    vocabulary,
)
from opsuite_ops.domain.extract import Entities, TimeRange, canonical_param, human_duration
from opsuite_ops.domain.fill import FilledArguments, fill_arguments, fill_variants
from opsuite_ops.domain.investigate import CHANGES, SERIES, role
from opsuite_ops.domain.mapping import step_ref
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, PlanStep, Tool
from opsuite_ops.domain.param_kinds import is_search_param, names_a_thing, param_concept
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.timerange import duration_value
from opsuite_ops.domain.validate import schema_violations
from opsuite_ops.domain.window_rows import onset_window

if TYPE_CHECKING:
    from opsuite_ops.domain.deterministic_planner import PlannerConfig

__all__ = ["PlanBuilder"]

#: Sources of argument values the question names as a restriction (see :func:`fill.fill_variants`).
_NAMED_VALUES = frozenset({"enum value named in the question", "values named in the question"})


def _known_terms(
    tool: Tool, terms: Sequence[str], synonyms: Mapping[str, tuple[str, ...]], *, strong: bool = False
) -> set[str]:
    """The question's terms ``tool``'s words know (name, description, tags, parameters, enum values); with
    ``strong``, its strong words only (no description: it may mention what another tool reports)."""
    words = strong_tokens(tool) if strong else vocabulary([tool])
    return {t for t in terms if term_tokens(t, synonyms) & words}


class PlanBuilder:
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
        #: Matching tools (or calls of them) left out of the plan, for the answer status.
        self.dropped: list[AnswerStatusReason] = []
        #: Tools left out for a parameter the question does not give: a missing part only if no step covers it.
        self.unfilled: list[tuple[Tool, AnswerStatusReason]] = []
        #: Step id -> the parameters its call sets to a value the question names ("in APAC": region=apac).
        self.restrictions: dict[str, dict[str, Any]] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        #: Words read as listed values while filling arguments ("search" is the rotation search-core).
        self.readings: list[str] = []
        self._vocabularies: dict[str, frozenset[str]] | None = None

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

    def uncovered_parts(
        self, steps: Sequence[PlanStep], coverage: CoverageCheck, notes: list[str]
    ) -> list[AnswerStatusReason]:
        """The unfilled tools that stand for a part of the question no planned step covers.

        A step covers the words of its tool (name, tags, parameters, enums) and the key terms it searches
        for: "runbook for high cpu" searches "high cpu", so ``cpu_by_host`` (no host given) misses nothing.
        """
        if not steps:
            return [r for _t, r in self.unfilled]
        tools = {t.name: t for t in self.request.tools}
        covered: set[str] = set()
        for step in steps:
            if step.tool in tools:
                covered |= strong_tokens(tools[step.tool])
                if role(tools[step.tool]) == CHANGES:
                    covered |= {"chang", "change"}  # a change history covers "what changed"
            for value in step.arguments.values():
                if isinstance(value, str) and not value.startswith("$steps."):
                    covered.update(tokenise(value, keep_stop_words=True))
        known = vocabulary(tools[s.tool] for s in steps if s.tool in tools) | covered
        out = []
        for tool, reason in self.unfilled:
            mine = strong_tokens(tool)
            # (a word that only names a kind of name, "service" or "nodes", is no part of its own)
            parts = [t for t in coverage.terms if t not in CONCEPT_WORDS and term_tokens(t, coverage.synonyms) & mine]
            # Two words or more no other tool of the catalogue knows ("realloc sectors": a disk's SMART history,
            # beside disk I/O and hardware events) are a part only it answers (not one: "update", a common word).
            told = vocabulary([tool])
            only = [t for t in coverage.terms if t not in CONCEPT_WORDS and t not in MEASURE_WORDS
                    and t not in MEASURE_FORMS and is_topic(t, told) and not is_verb_or_adverb(t)
                    and (forms := term_tokens(t, coverage.synonyms)) & told and not forms & known
                    and self._known_by_it_alone(tool, forms)]  # fmt: skip
            if len(only) > 1 or any(not term_tokens(t, coverage.synonyms) & covered for t in parts):
                out.append(reason)
            else:
                notes.append(f"{tool.name} was not needed: the planned steps cover what it matched")
        return out

    def _known_by_it_alone(self, tool: Tool, forms: set[str]) -> bool:
        """Whether no tool of the catalogue but ``tool`` knows a word of ``forms``."""
        if self._vocabularies is None:
            self._vocabularies = {t.name: vocabulary([t]) for t in self.request.tools}
        return not any(forms & words for name, words in self._vocabularies.items() if name != tool.name)

    def _drop(self, tool: Tool, detail: str) -> None:
        if not any(r.tool == tool.name and r.detail == detail for r in self.dropped):
            self.dropped.append(AnswerStatusReason(AnswerReason.NOT_COVERED, detail, tool.name))

    def add(
        self,
        tool: Tool,
        score: float,
        notes: list[str],
        *,
        optional: bool = False,
        broad: bool = False,
        windowed: bool = False,
        given: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Add one call of ``tool`` per argument set (and any producer it needs); the step ids added. ``given``
        sets parameters the question does not give (a value a look-up's rows gave, :mod:`looked_up`)."""
        entities = self.entities
        wide = onset_window(self.request.question, entities.time_range, self.request.now, self.cfg.default_window)
        if wide is not None and role(tool) == SERIES:
            # "when did it start": the series from before the trouble, not only the tool's default look-back (unless
            # that default reaches further back than the window assumed: then it is kept)
            if not _reaches_further(tool, wide):
                entities = dataclasses.replace(entities, time_range=wide)
        elif windowed and entities.time_range is None:
            window = self.cfg.default_window
            assumed = f"no time in the question; assumed the last {human_duration(window)}"
            entities = dataclasses.replace(
                entities, time_range=TimeRange(self.request.now - window, self.request.now, assumed)
            )
        variants = fill_variants(
            tool,
            entities,
            now=self.request.now,
            default_window=self.cfg.default_window,
            synonyms=self.cfg.synonyms,
            limit=self.request.budget.max_steps,
        )
        if given:
            variants = [
                dataclasses.replace(f, arguments={**f.arguments, **given}, missing=tuple(m for m in f.missing
                                    if m not in given), sources={**f.sources, **dict.fromkeys(given, "looked up")})
                for f in variants
            ]  # fmt: skip
        if optional and any(v.missing for v in variants):
            return []
        if broad:  # no optional name filter nor search text: every change in the window
            variants = [
                FilledArguments(
                    {k: v for k, v in f.arguments.items() if k in tool.required
                     or (not names_a_thing(tool, k, tool.properties.get(k, {}))
                     and not is_search_param(tool, k, tool.properties.get(k, {})))},
                    f.missing,
                    f.sources,
                    f.readings,
                    f.unexpressed,
                )
                for f in variants
            ]  # fmt: skip
            variants = list({repr(sorted(f.arguments.items())): f for f in variants}.values())
        return [sid for filled in variants if (sid := self._add_one(tool, score, filled, notes)) is not None]

    def _add_one(self, tool: Tool, score: float, filled: FilledArguments, notes: list[str]) -> str | None:
        args = dict(filled.arguments)
        deps: list[str] = []
        why = [
            f"{k} {('= ' + str(v)) if len(str(v)) < 40 else ''} ({filled.sources.get(k, '')})" for k, v in args.items()
        ]
        for param in filled.missing:
            unknown = self.entities.unknown_of(param_concept(param, tool.properties.get(param, {})))
            # A name the estate does not have is not replaced by whatever a producer returns.
            producer = None if unknown else self._producer_for(tool, param)
            if producer is None:
                notes.append(f"skipped {tool.name}: needs {param!r}, which the question does not give")
                if not unknown and all(t.name != tool.name for t, _r in self.unfilled):
                    # (otherwise the unknown name's own reason says why)
                    detail = (
                        f"{tool.name} matched the question but was not run: it needs {param!r}, "
                        "which the question does not give"
                    )
                    left_out = AnswerStatusReason(AnswerReason.NOT_COVERED, detail, tool.name, param=param)
                    self.unfilled.append((tool, left_out))
                return None
            ptool, path, pid = producer
            args[param] = step_ref(pid, path)
            deps.append(pid)
            why.append(f"{param} from {ptool.name} output {path}")
        bad = schema_violations(tool, args, "arguments")
        if bad:
            refused = "; ".join(f"{v.field.removeprefix('arguments.')}: {v.description}" for v in bad)
            notes.append(f"skipped {tool.name}: its schema refuses the arguments ({refused})")
            self._drop(
                tool, f"{tool.name} matched the question but was not run: its arguments break its schema ({refused})"
            )
            return None
        reason = f"BM25 {score:.2f}; " + "; ".join(w.replace("  ", " ") for w in why)
        self.readings.extend(r for r in filled.readings if r not in self.readings)
        for detail in filled.unexpressed:  # an exclusion the call cannot make: its rows include what is not wanted
            self._drop(tool, detail)
        sid = self._append(tool, args, reason, tuple(deps))
        named = {k: v for k, v in args.items() if filled.sources.get(k) in _NAMED_VALUES}
        if named:
            self.restrictions.setdefault(sid, {}).update(named)
        return sid

    def unrestricted(
        self, terms: Sequence[str], synonyms: Mapping[str, tuple[str, ...]], notes: list[str]
    ) -> list[PlanStep]:
        """The steps to leave out: a call that takes nothing from the question, beside a step the question
        restricts by a value ("which pops are in APAC": region=apac) that its tool cannot take, when every term
        of the question its tool knows the restricted step's tool knows too by its strong words (name, tags,
        parameters, enum values; never its description), and it knows some. Its rows would be of every region:
        an answer to a wider question than the one asked ("maintenance windows per PoP" lists EMEA's too)."""
        tools = {t.name: t for t in self.request.tools}
        by_id = {s.id: s for s in self.steps}
        needed = {d for s in self.steps for d in s.depends_on}
        out: list[PlanStep] = []
        for step in self.steps:
            tool = tools.get(step.tool)
            if step.arguments or step.id in needed or tool is None or step.id in self.restrictions:
                continue
            if not (mine := _known_terms(tool, terms, synonyms)):
                continue  # nothing to compare: it may be the only call answering a part of the question
            for sid, restricts in self.restrictions.items():
                other = tools.get(by_id[sid].tool) if sid in by_id else None
                if other is None or other.name == tool.name or set(restricts) & set(tool.properties):
                    continue
                if mine <= _known_terms(other, terms, synonyms, strong=True):
                    said = ", ".join(f"{k}={v}" for k, v in restricts.items())
                    notes.append(f"left out {tool.name}: it cannot take {said}, so its rows answer a wider question")
                    out.append(step)
                    break
        return out

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
            if filled.missing or schema_violations(tool, filled.arguments, "arguments"):
                continue
            reason = f"produces {param} for {consumer.name}"
            pid = self._append(tool, dict(filled.arguments), reason)
            return tool, path, pid
        return None


def _reaches_further(tool: Tool, window: TimeRange) -> bool:
    """Whether a look-back parameter of ``tool`` has a default longer than ``window`` ("when did the depth first
    jump": a tool keeping 168 hours by default is asked for those, not for the day an onset question assumes)."""
    for name, schema in tool.properties.items():
        default, mine = schema.get("default"), duration_value(name, schema, window.seconds)
        if isinstance(default, int | float) and isinstance(mine, int | float) and mine < default:
            return True
    return False
