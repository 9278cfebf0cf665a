"""Phase 3 (default): the deterministic planner, BM25 ranking plus argument filling and chaining.

1. Read the question (:mod:`extract`): names resolved against the estate's inventory (the names its own
   tools listed this run), ids, times, numbers, and its content terms. A name the estate does not have
   is reported (ENTITY_UNKNOWN, with its closest matches) and never passed to a tool.
2. Keep the tools of the mode's tags (``all`` keeps every tool), minus excluded ones.
3. Rank them with BM25 over name (twice), description, tags and parameter names against the terms
   (plus a few synonyms: "changed" also searches "deploy", "slow" also "latency"..., see :mod:`ranking`).
   The term statistics come from the whole catalogue, so a tool scores the same in its mode as in ``all``.
4. Keep the best tools above an absolute floor and a fraction of the best score. When a term is known
   to no tool ("disk"), keep only the tools the question names (:mod:`coverage`) and say "no tool
   reports disk usage". A how-to question, or a "why" with nothing named to investigate, puts the
   document searches first (not the log or ticket searches, which keep their rank).
5. Fill each tool's arguments (:mod:`fill`): one call per side of "A and B", "A vs B", "A or B"
   (names and enum values). When a required parameter is missing, chain a producer: a tool whose
   ``output_hints`` provide that value and whose own arguments can be filled; the consumer then maps
   ``$steps.<producer>.<hint>``. A call that can still not be filled, or whose arguments its schema
   refuses, is left out with a NOT_COVERED reason; the rest of the plan stands. When none of the best
   tools can be filled, the next ones above the absolute floor that can stand in ("are any PoPs down":
   the listing, when the per-PoP series needs a PoP).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from opsuite_ops.domain.acts import acted_words, actor_acts, unknown_acts
from opsuite_ops.domain.aggregate import counted_words
from opsuite_ops.domain.anchors import asked_anchor
from opsuite_ops.domain.bm25 import stem, tokenise, value_stem
from opsuite_ops.domain.comparison import compared_words
from opsuite_ops.domain.coverage import (
    MEASURE_WORDS,
    CoverageCheck,
    asks_for_documents,
    asks_how_to,
    asks_who,
    enum_words,
    is_topic,
    known_by_synonym,
    searched,
    strong_tokens,
    term_tokens,
    vocabulary,
)
from opsuite_ops.domain.example_names import ids_by_example, names_by_example
from opsuite_ops.domain.extract import Entities, extract_entities, human_duration, is_verb_or_adverb
from opsuite_ops.domain.guessed_topics import unhonoured_places, unmeasured_things, unused_guesses
from opsuite_ops.domain.identifiers import (
    id_letters,
    looks_up,
    search_cannot_answer,
    spaced_ids,
    takes_named,
    unlooked_identifiers,
)
from opsuite_ops.domain.investigate import CHANGES, SERIES, investigation_tools, is_investigation
from opsuite_ops.domain.investigate import role as tool_role
from opsuite_ops.domain.model import MODE_TAGS, AnswerReason, AnswerStatusReason, Plan, PlanStep, Tool
from opsuite_ops.domain.param_kinds import is_search_param, name_kinds, param_concept
from opsuite_ops.domain.people import asks_findings, keeps_notes
from opsuite_ops.domain.plan_builder import PlanBuilder
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest
from opsuite_ops.domain.ranking import DEFAULT_SYNONYMS, rank_tools, tool_tokens
from opsuite_ops.domain.timeline import asks_for_cause, asks_for_remedy
from opsuite_ops.domain.values import value_kinds

__all__ = ["DEFAULT_SYNONYMS", "DeterministicPlanner", "PlannerConfig", "rank_tools", "tool_tokens"]


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


def _mode_filter(tools: Sequence[Tool], request: PlanRequest) -> list[Tool]:
    tags = MODE_TAGS[request.mode]
    return [t for t in tools if t.name not in request.exclude_tools and (not tags or t.tags & tags)]


def _documented(steps: Sequence[PlanStep], tools: Sequence[Tool]) -> bool:
    """Whether a step searches documents (a runbook says how to fix something)."""
    documents = {t.name for t in tools if "document" in t.tags}
    return any(s.tool in documents for s in steps)


def _budget_cut(tool: str, max_steps: int) -> AnswerStatusReason:
    """The reason a matching tool the step budget left out gives: a part of the question not covered."""
    steps = f"{max_steps} step{'' if max_steps == 1 else 's'}"
    detail = f"{tool} matched the question but was left out: the budget allows {steps}"
    return AnswerStatusReason(AnswerReason.NOT_COVERED, detail, tool)


def _reported(tool: Tool) -> set[str]:
    """What ``tool`` reports: its strong words and the fields its description lists after a colon ("Berth
    stats: p95, faults per minute"), not the prose before it (which may mention what other tools report); a
    description without such a list is all it says of its fields ("Heat and
    burnt loaves of a line")."""
    _prose, colon, fields = tool.description.partition(":")
    return strong_tokens(tool) | set(tokenise(fields if colon else tool.description, keep_stop_words=True))


_STATE_OR_TIME = frozenset(
    """up down online offline healthy unhealthy degraded failed failing running stopped active inactive idle
    right currently still ever overall altogether""".split()  # noqa: SIM905
)


def _uncounted(
    request: PlanRequest,
    entities: Entities,
    steps: Sequence[PlanStep],
    synonyms: Mapping[str, tuple[str, ...]],
    vocab: frozenset[str],
) -> AnswerStatusReason | None:
    """A count no step can give: "how many relay hosts are in that group" when no planned tool's own words
    (:func:`_reported`: a description's prose may only mention them) know "servers" (a kind word is no
    match: a hostname column is not a list of servers). Only topic words the question's reading kept count;
    "how many 504s" counts a value."""
    counted = counted_words(request.question)
    if not counted or not steps:
        return None
    planned = [t for t in request.tools if t.name in {s.tool for s in steps}]
    inv = entities.inventory
    # "crane-servers" (no name the estate knows, perhaps read as a service's): crane, servers; not a name a step
    # passes as an argument ("how many api-gw replicas": deployment=api-gw)
    passed = {str(v).lower() for s in steps for v in s.arguments.values() if isinstance(v, str)}
    spelt = [
        w
        for w in entities.words
        if "-" in w and (inv is None or inv.lookup(w) is None) and not any(w in v for v in passed)
    ]
    terms = {p for t in (*entities.terms, *spelt) for p in (t, *t.split("-"))}
    known = set().union(*(_reported(t) for t in planned))
    unknown = [
        w
        for w in counted
        if w in terms
        and w not in MEASURE_WORDS
        and is_topic(w, vocab)
        and not is_verb_or_adverb(w)
        and not term_tokens(w, synonyms) & known
    ]
    # What is counted is the phrase's last noun ("api-gw replicas": replicas); the words before it
    # name which ones (a name the estate may not list).
    # A word naming a planned step's enum or argument value, a state or a time is no noun ("how many relay
    # servers down?": servers).
    values = set().union(*(enum_words(t) for t in planned)) | passed
    nouns = [
        w
        for w in counted
        if not is_verb_or_adverb(w)
        and w not in MEASURE_WORDS
        and w not in _STATE_OR_TIME
        and not (w in values or set(tokenise(w, keep_stop_words=True)) & values)
    ]
    if not unknown or not nouns or nouns[-1] not in unknown:
        return None
    return AnswerStatusReason(AnswerReason.NOT_COVERED, f"no tool counts {' '.join(counted)}")


def _no_tool(request: PlanRequest) -> str:
    mode = request.mode.value
    return f"no tool matched the question{' in mode ' + mode if mode != 'all' else ''}"


class DeterministicPlanner:
    """The embedded default planner: no network, same question, tools and inventory give the same plan."""

    name = "deterministic"

    def __init__(self, config: PlannerConfig | None = None) -> None:
        self.config = config or PlannerConfig()

    async def plan(self, request: PlanRequest) -> PlanOutcome:
        """A plan for ``request`` (empty, with a note and a reason, when nothing can be run)."""
        return self.plan_sync(request)

    def entities(self, request: PlanRequest, vocab: frozenset[str] | None = None) -> Entities:
        """What the question names, resolved against the request's inventory and the configured names.

        A known name that is also a tool word ("who deployed search") is read as a word first; when the
        tools that word-reading ranks best need a name of its kind that the question gives no other way,
        the question is read again with it as a name.
        """
        cfg = self.config
        vocab = vocab if vocab is not None else vocabulary(request.tools)

        def read(as_names: Sequence[str] = ()) -> Entities:
            return extract_entities(
                request.question,
                now=request.now,
                inventory=request.inventory,
                known_hosts=cfg.known_hosts,
                known_services=cfg.known_services,
                vocabulary=vocab,
                as_names=as_names,
                kinds=name_kinds(request.tools),
            )

        first = self._read_more(read(), request, vocab)
        if not first.ambiguous:
            return first
        ranked = [(t, sc) for t, sc in rank_tools(" ".join(first.terms), request.tools, cfg.synonyms) if sc > 0]
        if not ranked:
            return first
        floor = max(cfg.absolute_floor, cfg.relative_floor * ranked[0][1])
        needed: set[str] = set()
        for tool, _score in [(t, sc) for t, sc in ranked if sc >= floor][: cfg.max_tools]:
            for param in tool.required:
                concept = param_concept(param, tool.properties.get(param, {}))
                if not first.names(concept):  # the parameter's own name is a kind too ("the warehouse area")
                    needed.update(("host", "service") if concept == "entity" else (concept, param.lower()))
        names = [word for word, kind in first.ambiguous if kind in needed]
        return self._read_more(read(names), request, vocab) if names else first

    def _read_more(self, entities: Entities, request: PlanRequest, vocab: frozenset[str]) -> Entities:
        """``entities`` with names spelt like a parameter's example read as its values (:mod:`example_names`),
        plain words compared ("speedy vs rapid") no topics (:mod:`comparison`), and the rare terms a synonym
        makes known dropped."""
        entities = ids_by_example(names_by_example(entities, request.tools), request.tools)
        entities = spaced_ids(entities, request.question, request.tools)
        entities = compared_words(entities, request.question, vocab)
        return known_by_synonym(entities, self.config.synonyms, vocab)

    def _coverage(self, request: PlanRequest, entities: Entities, vocab: frozenset[str]) -> CoverageCheck:
        """Which of the question's terms the catalogue covers (:mod:`coverage`)."""
        return CoverageCheck.of(
            entities.terms,
            request.tools,
            self.config.synonyms,
            vocab,
            cause=asks_for_cause(request.question),
            qualifiers=entities.qualifiers,
            apart=entities.apart,
            acted=acted_words(request.question, entities.terms, request.tools),
            actor_of=actor_acts(request.question),
        )

    def readings(self, request: PlanRequest) -> tuple[str, ...]:
        """How the question's words were read as values the estate lists (for another planner's answer)."""
        return tuple(r.sentence() for r in self.entities(request).readings)

    def coverage_reasons(self, request: PlanRequest, steps: Sequence[PlanStep]) -> list[AnswerStatusReason]:
        """What no tool can answer whatever the plan (for another planner's ``steps``): the unknown names, and
        the part of the question no tool's words cover unless it only qualifies what the steps answer or a
        step searches for it."""
        return self.review(request, steps)[0]

    def review(
        self, request: PlanRequest, steps: Sequence[PlanStep]
    ) -> tuple[list[AnswerStatusReason], tuple[str, ...]]:
        """:meth:`coverage_reasons` and :meth:`readings` for another planner's ``steps``, from one reading of
        the question (reading it is the costly part)."""
        vocab = vocabulary(request.tools)
        entities = self.entities(request, vocab)
        reasons = [u.reason() for u in entities.unknown]
        coverage = self._coverage(request, entities, vocab)
        found = searched(steps, coverage.uncovered, request.tools) and not search_cannot_answer(request.question)
        if coverage.phrase and not found:
            tools = {t.name: t for t in request.tools}
            named = any(coverage.names(tools[s.tool]) for s in steps if s.tool in tools)
            if coverage.measured or coverage.standalone or not named:
                kind = AnswerReason.NOT_COVERED if steps else AnswerReason.NO_TOOL
                reasons.append(AnswerStatusReason(kind, f"no tool reports {coverage.phrase}", terms=coverage.uncovered))
        if (uncounted := _uncounted(request, entities, steps, self.config.synonyms, vocab)) is not None:
            reasons.append(uncounted)
        reasons.extend(unlooked_identifiers(request.question, steps))
        reasons.extend(unknown_acts(request.question, vocab, self.config.synonyms))
        reasons.extend(unmeasured_things(request.question, request.tools, self.config.synonyms, reasons))
        reasons.extend(
            unused_guesses(request.question, entities.guessed, steps, request.tools, self.config.synonyms, vocab)
        )
        reasons.extend(unhonoured_places(request.question, steps, request.tools, self.config.synonyms, vocab))
        # A tool the question matches that needs what the question does not give stands for a part no step
        # of the other plan covers ("who is the network on-call": the rota needs a team): say so.
        builder = self._plan(request, vocab, entities)[1]
        if builder is not None:
            planned = {s.tool for s in steps}
            reasons.extend(r for r in builder.uncovered_parts(steps, coverage, []) if r.tool not in planned)
        return reasons, tuple(r.sentence() for r in entities.readings)

    def plan_sync(self, request: PlanRequest) -> PlanOutcome:
        """Synchronous :meth:`plan` (it does no I/O), handy for benchmarks."""
        return self._plan(request)[0]

    def _plan(
        self, request: PlanRequest, vocab: frozenset[str] | None = None, entities: Entities | None = None
    ) -> tuple[PlanOutcome, PlanBuilder | None]:
        cfg = self.config
        candidates = _mode_filter(request.tools, request)
        vocab = vocab if vocab is not None else vocabulary(request.tools)
        entities = entities if entities is not None else self.entities(request, vocab)
        # An id's letters ("INC" of INC-4211) name the kind of record it is: tools whose words carry them
        # ("One incident ticket (INC-nnnn)") are the ones that look such ids up.
        id_words = [w for i in entities.ids for w in tokenise(id_letters(i), keep_stop_words=True)]
        # A value of an inventory column ("zone-a-1") is looked for by the tools that speak of that column.
        columns = value_kinds(entities)
        # A misspelt value read as the one it is closest to ("firmwear" is the category firmware) is a topic too.
        fixed = [u.assumed for u in entities.unknown if u.assumed]
        # "jammed" where the tools say "jam" (and never "jammed"): undoubled, as a value's is (not "running": "runs")
        past = [t for t in entities.terms if t.endswith("ed") and stem(t) not in vocab]
        fixed += [v for t in past if (v := value_stem(t)) in vocab]
        person_words = (*asks_who(request.question), *asks_findings(request.question))
        query = " ".join([*entities.terms, *id_words, *columns, *fixed, *person_words])
        if request.failure is not None:
            # A replan looks for other tools covering the same gaps: search their wording too.
            query += " " + " ".join(g.what for g in request.failure.gaps)
        # Ranked against the whole catalogue, then cut to the mode: ranking only the mode's tools would make
        # the mode's own tag (shared by all of them) worthless, and a mode would miss the tool the default finds.
        allowed = {t.name for t in candidates}
        ranked = [(t, s) for t, s in rank_tools(query, request.tools, cfg.synonyms) if t.name in allowed]
        reasons = [u.reason() for u in entities.unknown]
        notes = [r.detail for r in reasons]
        coverage = self._coverage(request, entities, vocab)
        missing_part = f"no tool reports {coverage.phrase}" if coverage.phrase else ""
        searchers: set[str] = set()
        investigated = is_investigation(request.question, entities, request.tools, request.inventory)
        if MODE_TAGS[request.mode] and (not ranked or ranked[0][1] < cfg.absolute_floor):
            # A mode the caller chose ("document") whose tools share no word with the question: its search
            # tools still look for the question's key terms ("how do I handle high cpu": a runbook search).
            found = [t for t in candidates if any(is_search_param(t, n, p) for n, p in t.properties.items())]
            searchers = {t.name for t in found}
            ranked = [(t, cfg.absolute_floor) for t in found]
        elif (
            asks_how_to(request.question)
            # "why isn't the cert renewing": with no named thing to investigate, the knowledge base answers it
            or (asks_for_cause(request.question) and not investigated)
            or (
                0 < len(coverage.uncovered) < len(coverage.terms)  # partly known: not "favourite pizza topping"
                and not (entities.hosts or entities.services or entities.values or entities.ids or entities.unknown)
                and not any(coverage.names(t) for t, _sc in ranked[: cfg.max_tools])
            )
        ):
            # A how-to question ("how do I rerun a failed load"), or words no tool knows beside known ones about
            # nothing named ("what is a node drain"): the search tools lead, with the question's key terms; the
            # searches of documents only, when there are any (not the log and ticket searches).
            found = [t for t in candidates if any(is_search_param(t, n, p) for n, p in t.properties.items())]
            found = [t for t in found if "document" in t.tags] or found
            searchers = {t.name for t in found}
            top = max([cfg.absolute_floor, *(sc for _t, sc in ranked)])
            others = [(t, sc) for t, sc in ranked if t.name not in searchers]
            if found and asks_for_documents(request.question) and any("document" in t.tags for t in found):
                others = []  # "is there a runbook for pool exhaustion": the documents, not the pools' series
            ranked = [(t, top) for t in found] + others
        if not ranked or ranked[0][1] < cfg.absolute_floor:
            # "no tool reports X" helps when part of the question is known; for "favourite pizza" it is noise.
            # A named host or service also makes the rest known: "disk usage on db-7".
            partly_known = len(coverage.uncovered) < len(coverage.terms) or bool(entities.hosts or entities.services)
            note = _no_tool(request) + (f": {missing_part}" if missing_part and partly_known else "")
            if not reasons or missing_part:
                reasons.append(AnswerStatusReason(AnswerReason.NO_TOOL, note))
            plan = Plan((), planner=self.name, rationale=note, notes=(*notes, note))
            return PlanOutcome(plan, self.name, warnings=tuple(notes), not_covered=tuple(reasons)), None
        floor = max(cfg.absolute_floor, cfg.relative_floor * ranked[0][1])
        above = [(t, s) for t, s in ranked if s >= floor]
        limit = min(cfg.max_tools, request.budget.max_steps)
        chosen, spare = above[:limit], above[limit:]
        if coverage.uncovered:
            spare = [(t, s) for t, s in spare if coverage.names(t)]
            # Tools matched only through their description answer another question than the one asked.
            topical = [
                (t, s)
                for t, s in chosen
                if coverage.names(t) or t.name in searchers or looks_up(t, entities.record_ids)
            ]
            # A tool taking a name the question gives answers about that thing, not the unknown word: kept, and
            # the unknown word stays a part not covered ("the prompts sent to ep_x": no tool reports prompts).
            named = [(t, s) for t, s in chosen if (t, s) in topical or takes_named(t, entities)]
            if len(named) < len(chosen):
                kept = {t.name for t, _s in named}
                left = ", ".join(t.name for t, _s in chosen if t.name not in kept)
                notes.append(f"{missing_part}; left out {left}, which only share words with the question")
            elif len(topical) == len(chosen) and not (coverage.measured or coverage.standalone):
                missing_part = ""  # every tool is one the question names: the unknown word only qualifies it
            chosen = named
        builder = PlanBuilder(request, entities, cfg, ranked)
        added: set[str] = set()
        if investigated:
            # A cause is asked for: the subject's series (for an onset) and the change histories (for what
            # came before it), whatever words the question used; see :mod:`investigate`.
            # Room for the tools the question names (those that are series or histories are added here anyway).
            named_only = sum(1 for t, _s in chosen if tool_role(t) is None)
            for tool, score, role in investigation_tools(ranked):
                if len(builder.steps) >= request.budget.max_steps - named_only:
                    break
                # A series needs the whole window to show where the trouble starts ("the last N minutes"
                # parameters too, not only their default).
                if builder.add(tool, score, notes, optional=True, broad=role == CHANGES, windowed=role == SERIES):
                    added.add(tool.name)
            if added:
                notes.append(f"an investigation: added the series and change histories {', '.join(added)}")
        for tool, score in chosen:
            if tool.name not in added:
                builder.add(tool, score, notes)
        # Matching tools past the first few stand in for those the question cannot fill ("which hosts are in
        # zone-a-1": the lookups need a host, the listing needs nothing).
        for tool, score in spare:
            if len({st.tool for st in builder.steps}) >= limit:
                break
            if builder.add(tool, score, notes, optional=True):
                chosen.append((tool, score))
        if not builder.steps:
            # The best tools need what the question does not give ("are any PoPs down": the per-PoP series needs
            # a PoP): the next ones above the absolute floor that it does fill stand in (the listing).
            tried = {t.name for t, _s in (*above, *chosen)}
            for tool, score in ranked:
                if len({st.tool for st in builder.steps}) >= limit or score < cfg.absolute_floor:
                    break
                if tool.name in tried or (coverage.uncovered and not coverage.names(tool)):
                    continue
                if builder.add(tool, score, notes, optional=True):
                    chosen.append((tool, score))
        in_plan = {st.tool for st in builder.steps}
        for missing in coverage.people_missing(request.question, [t for t in request.tools if t.name in in_plan]):
            reasons.append(AnswerStatusReason(AnswerReason.NOT_COVERED, missing))
        remedy = asks_for_remedy(request.question)
        if remedy and builder.steps and not _documented(builder.steps, request.tools):
            # "what do we need to do to fix it": the cause is a start, a runbook says how to fix it
            documents = [t for t in candidates if "document" in t.tags]
            for tool in documents:
                if any(is_search_param(tool, n, p) for n, p in tool.properties.items()) and builder.add(
                    tool, cfg.absolute_floor, notes, optional=True
                ):
                    break
        if asks_findings(request.question) and not any(keeps_notes(t) for t in request.tools if t.name in in_plan):
            # "whos on it n what have they found": the log people write their findings in, however it ranks
            for tool in (t for t, _sc in ranked if keeps_notes(t)):
                if builder.add(tool, cfg.absolute_floor, notes, optional=True):
                    break
        asked = asked_anchor(request.question)
        lookups = [t for t in candidates if asked is not None and looks_up(t, (asked.ref,))]
        if lookups and not {t.name for t in lookups} & {st.tool for st in builder.steps}:
            # "the 2 hours before INC/2026/42 was raised": only that record's own time places the changes
            for tool in lookups:
                if builder.add(tool, cfg.absolute_floor, notes, optional=True):
                    break
        if limit < cfg.max_tools:
            # A step budget below the tool limit leaves out matching tools the default limit would have tried:
            # each is a part not covered ("cargo and loading jobs of X" with one step runs one of the two).
            planned = {st.tool for st in builder.steps}
            for tool, _score in above[limit : cfg.max_tools]:
                related = coverage.names(tool) or tool.name in searchers or looks_up(tool, entities.record_ids)
                if tool.name in planned or (coverage.uncovered and not related):
                    continue
                if all(r.tool != tool.name for r in builder.dropped):
                    builder.dropped.append(_budget_cut(tool.name, request.budget.max_steps))
        # (an investigation's change histories are wide on purpose: what changed anywhere before the onset)
        if not investigated and (wider := builder.unrestricted(coverage.terms, cfg.synonyms, notes)):
            builder.steps = [st for st in builder.steps if st not in wider]
        steps = builder.steps[: request.budget.max_steps]
        if remedy and steps and not _documented(steps, request.tools):
            reasons.append(AnswerStatusReason(AnswerReason.NOT_COVERED, "no tool says how to fix it"))
        if len(builder.steps) > len(steps):
            notes.append(f"plan trimmed to the budget's {request.budget.max_steps} steps")
            for cut in builder.steps[len(steps) :]:
                if all(r.tool != cut.tool for r in builder.dropped):  # one reason per tool, however many calls
                    builder.dropped.append(_budget_cut(cut.tool, request.budget.max_steps))
        notebooks = [t.name for t in request.tools if keeps_notes(t)] if asks_findings(request.question) else []
        if (
            missing_part
            and searched(steps, coverage.uncovered, request.tools, notebooks)
            and not search_cannot_answer(request.question)
        ):
            missing_part = ""  # a search step looks for those very words: its rows (or their absence) answer them
        if missing_part:
            kind = AnswerReason.NOT_COVERED if steps else AnswerReason.NO_TOOL
            reasons.append(AnswerStatusReason(kind, missing_part, terms=coverage.uncovered))
        if (uncounted := _uncounted(request, entities, steps, cfg.synonyms, vocab)) is not None:
            reasons.append(uncounted)
        reasons.extend(unlooked_identifiers(request.question, steps))
        reasons.extend(unknown_acts(request.question, vocab, cfg.synonyms))
        reasons.extend(unmeasured_things(request.question, request.tools, cfg.synonyms, reasons))
        reasons.extend(unused_guesses(request.question, entities.guessed, steps, request.tools, cfg.synonyms, vocab))
        reasons.extend(unhonoured_places(request.question, steps, request.tools, cfg.synonyms, vocab))
        reasons.extend(builder.dropped)
        reasons.extend(builder.uncovered_parts(steps, coverage, notes))
        if not steps and not reasons:
            reasons.append(AnswerStatusReason(AnswerReason.NO_TOOL, _no_tool(request)))
        if entities.time_range is None and any("assumed" in s.reason for s in steps):
            notes.append(f"no time range in the question; assumed the last {human_duration(cfg.default_window)}")
        rationale = "BM25 over tool name/description/tags/params: " + ", ".join(f"{t.name} {s:.2f}" for t, s in chosen)
        if not chosen:
            rationale = missing_part or _no_tool(request)
        plan = Plan(tuple(steps), planner=self.name, rationale=rationale, notes=tuple(notes))
        readings = (*(r.sentence() for r in entities.readings), *builder.readings)
        unneeded = tuple(r for _t, r in builder.unfilled if r not in reasons)  # (not needed: step 12 may ask)
        return PlanOutcome(plan, self.name, "", tuple(notes), tuple(reasons), readings, unneeded), builder
