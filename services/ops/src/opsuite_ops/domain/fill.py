"""A tool's arguments from the question's entities, by parameter *name* and JSON-schema *type*.

:func:`fill_variants` gives one argument set per side of a comparison or an "or": "cpu on pay-api-1 vs
pay-api-2" is two calls, and so is "acme-www vs acme-static" for a parameter of the estate's own kinds;
"degraded or down hosts" calls a ``status`` enum with each named value (a few operator synonyms map onto
enum values: "offline" is ``down``; a value of words led by a preposition is named by the phrase, "on hold").
A yes/no question about one named thing ("is HTST-2 up or has it stopped?") leaves a state enum open: the
thing's row says its state, where a filter on the state asked returns nothing for a thing in another; not when
the state qualifies other rows ("does HTST-2 have critical alarms") or the question asks about any.

Times follow the parameter's schema (``format: date-time`` is RFC 3339, ``format: date`` a day, integers
epoch seconds); a window's start and end parameters (``from_ts``/``to_ts``, see :mod:`timerange`) get both
ends of the window (a required end with no time in the question is now), and a look-back in its own unit
(``days_back``, ``hours_back``, ``minutes``) the window's length, or the default window's when it is
required and the question gives none.

A parameter of one of the estate's kinds (:mod:`values`) takes the values of that kind the question names,
or the one value in the inventory rows of its names, or the one value having its words as parts ("the
media eu pool"), or every value when it asks across the kind ("which pool is the slowest"); a required one
of a kind no inventory lists takes a name no inventory knows, but a plain word only when nothing lists
that kind ("europe" is no pool where the estate lists its pools), else the one listed value spelt like
its compound example with a word of the question in it ("e.g. data-eng": "search" is ``search-core``).
An enum of durations (``1h | 6h | 24h``) takes the smallest covering the window asked; in a tool whose window
other parameters give, it is the series' step (``5min | hour | day``): see :func:`timerange.step_enum`.

A free-text search parameter (``query``/``q``/``text``..., or a required string of a search-like tool:
tagged ``document``/``search``, or speaking of search/find/phrase) gets a record id when it looks records
up by id ("ticket id or words of the title": NOC-512), else the question's key terms, without the words
that only name the search tool itself ("runbook", "docs") or chose one of its enum values; a search of
logs or records (not of documents) only the terms no tool's words include ("504s", not "pops" or
"status": other tools answer those). Required parameters left unfilled are reported in ``missing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice, product
from math import prod
from typing import Any

from opsuite_ops.domain.entities import TEXT_PARAMS, name_key
from opsuite_ops.domain.enum_labels import quantity_values
from opsuite_ops.domain.example_names import spelt_like_example
from opsuite_ops.domain.extract import Entities, canonical_param, human_duration
from opsuite_ops.domain.fill_words import (
    asks_not_ended,
    choose_enum,
    flag_value,
    key_terms,
    looks_ahead,
    names_the_subject,
    naming_words,
)
from opsuite_ops.domain.listed_codes import codes_named, described_names, option_of_members
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.param_kinds import (
    KNOWN_CONCEPTS,
    LIMIT_PARAMS,
    SEARCH_TAGS,
    enum_of,
    ids_like_example,
    is_search_param,
    key_example,
    keys_like_example,
    lookup_example,
    names_its_thing,
    param_concept,
    schema_type,
    separated_within,
    takes_ids,
    window_bound,
)
from opsuite_ops.domain.timerange import (
    beyond_maximum,
    compares_earlier,
    duration_value,
    enum_duration,
    format_time,
    reach_seconds,
    step_enum,
)
from opsuite_ops.domain.values import (
    asks_each,
    coded_example,
    described_values,
    every_value,
    example_separators,
    example_value,
    identifier_like,
    named_values,
    part_value,
    related_value,
    row_value,
    searched_value,
)

__all__ = [
    "TEXT_PARAMS",
    "FilledArguments",
    "fill_arguments",
    "fill_variants",
]

_ENTITY_CONCEPTS = ("host", "service", "id", "entity")
#: Most calls one parameter fans out to over the values the estate lists ("which pool is the slowest").
_FAN_OUT = 8
#: Words asking for every value a tool takes ("across all sites", "each zone"); a superlative alone ("which queue
#: is the worst") ranks what a listing returns, and does not call a tool once per value of its enum.
_EVERY = frozenset({"each", "every", "across"})
#: How a source says a word of the question was read as a value (the answer states such readings).
_READ_AS = "read: "


@dataclass(frozen=True, slots=True)
class FilledArguments:
    """Arguments for one tool call, the required parameters still missing, and how each was found."""

    arguments: dict[str, Any]
    missing: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict)
    #: Words of the question read as a value of the estate's ("search" is the rotation search-core), said in
    #: the answer.
    readings: tuple[str, ...] = ()
    #: What the question excludes that these arguments cannot ("cannot exclude maintenance with hosts"): the
    #: answer is partial (see :mod:`negation`).
    unexpressed: tuple[str, ...] = ()


#: Look-back of a required window for "when did X last ..." (kept within the parameter's maximum).
LATEST_WINDOW = timedelta(days=90)
#: A required window the question gives no time for, when it asks what comes next ("whens the next collection"):
#: from now, this far ahead.
AHEAD_WINDOW = timedelta(days=7)


def _required_name(
    name: str, schema: Mapping[str, Any], entities: Entities, tool: Tool
) -> tuple[str | list[str], str] | None:
    """A value for a required name the question gives no value of its kind: the value of that kind in the
    inventory rows of its names, the one known value having its words as parts, every known value when it
    asks across the kind (a list: one call each), a name of a kind nothing lists, else the one listed value
    (of any column) spelt like the parameter's example with a word of the question in it."""
    if ids := ids_like_example(schema, entities):
        return (ids if len(ids) > 1 else ids[0]), f"a record id of the question spelt like the {name}'s example"
    if (given := related_value(name, entities)) is not None:
        return given, f"the {name} the estate lists with a name in the question"
    if described := described_values(name, schema, entities)[:_FAN_OUT]:
        # "a tool (CVD-11) or a chamber": the tools the question names, one call each
        return (
            described if len(described) > 1 else described[0]
        ), f"the names of the kind the {name}'s description says"
    if (given := part_value(name, entities, entities.inventory)) is not None:
        return given, f"the one {name} the estate lists with words of the question in its name"
    if every := every_value(name, entities, entities.inventory, _FAN_OUT):
        return every, f"every {name} the estate lists"
    if (given := _guessed_for(name, schema, entities, tool)) is not None:
        return given, f"a name in the question no tool lists, taken as the {name}"
    if (found := example_value(str(schema.get("description", "")), entities, entities.inventory)) is not None:
        word, value = found
        return value, f'{_READ_AS}"{word}" is read as the {name} {value}, the one listed name spelt like its example'
    return None


def _guessed_for(name: str, schema: Mapping[str, Any], entities: Entities, tool: Tool) -> str | None:
    """A required name of a kind nothing lists ("team") takes a name the question gives that no inventory
    knows ("billing-sre"): the only thing the question can mean by it. Not a name spelt like the example of
    another parameter of the tool and unlike this one's ("orders.v2" is a topic like "e.g. events.v1", not a
    group like "e.g. cg-payments"): it is of that other kind; nor one spelt unlike an example that is a code
    ("stn-lhr2-b-006" is no serial like "e.g. ZHX4KQ2M")."""
    if schema.get("enum") or schema.get("format") or param_concept(name, schema) in KNOWN_CONCEPTS:
        return None
    mine = example_separators(schema)
    others = {example_separators(s) for p, s in tool.properties.items() if p != name} - {None, mine}
    listed = entities.inventory is not None and entities.inventory.lists(name)
    for guess in entities.guessed:
        if listed and not identifier_like(guess):
            continue  # the estate lists this kind: a plain word ("europe") is none of its values
        spelt = "".join(c for c in guess if not c.isalnum())
        if mine is None or spelt == mine or (spelt not in others and not coded_example(schema)):
            return guess
    return None


def fill_variants(
    tool: Tool,
    entities: Entities,
    *,
    now: datetime,
    default_window: timedelta = timedelta(hours=24),
    synonyms: Mapping[str, tuple[str, ...]] | None = None,
    limit: int = 8,
) -> list[FilledArguments]:
    """One argument set per combination of the names and enum values the question gives ``tool`` (at most ``limit``).

    A name parameter's concept (host, service, id) takes each name of that concept; when a tool needs
    none of them, each named entity is an alternative call of its own. Never empty: with nothing to vary,
    one set (perhaps with ``missing`` parameters).
    """
    if entities.latest_occurrence or asks_not_ended(entities.words):
        # "when did X last fail over", "which faults are still open": whenever it was
        default_window = max(default_window, LATEST_WINDOW)
    base: dict[str, Any] = {}
    sources: dict[str, str] = {}
    # "top 3": how many to show, for a limit only, never a window or a threshold ("top 3 over 80%": 80 is one).
    counts = [c for c in entities.counts if c in entities.numbers]
    free_numbers = list(entities.numbers)
    for c in counts:
        free_numbers.remove(c)
    free_quoted = list(entities.quoted)
    required = set(tool.required)
    # Parameters taking one value per call (enum values, several names of a kind): (name, values, source).
    dims: list[tuple[str, list[Any], str]] = []
    entity_params: dict[str, list[str]] = {}
    enum_words: set[str] = set()
    readings: list[str] = []
    unexpressed: list[str] = []
    inv = entities.inventory
    ahead = (
        f"the next {human_duration(AHEAD_WINDOW)}: it asks what comes next"
        if looks_ahead(entities.question, tool)
        else ""
    )
    windowed = any(window_bound(param_concept(n, s), n, s) or duration_value(n, s, 1) is not None
                   for n, s in tool.properties.items() if not enum_of(s))  # fmt: skip
    # Search parameters last, whatever the schema's order: their key terms leave out what an enum value took.
    for name, schema in sorted(tool.properties.items(), key=lambda p: is_search_param(tool, p[0], p[1])):
        concept = param_concept(name, schema)
        typ = schema_type(schema)
        value: Any = None
        source = ""
        named = named_values(name, entities, schema) if typ == "string" and not schema.get("format") else []
        if named and (key := key_example(schema)) is not None:
            # "e.g. OCC-DN": "L2.ICU-B", which the tool's location parameter names, is no alarm code
            others = {v for p in tool.properties if p != name for v in named_values(p, entities)}
            spelt = [k for p, sc in tool.properties.items() if p != name and (k := key_example(sc)) is not None]
            named = [v for v in named if separated_within(v, key)
                     or (v not in others and not any(separated_within(v, k) for k in spelt))]  # fmt: skip
        if shunned_names := [v for v in named if str(v).lower() in entities.negated]:
            # "not on web-1": no call of this parameter leaves a value out
            named = [v for v in named if v not in shunned_names]
            unexpressed.append(f"cannot exclude {name} {', '.join(map(str, shunned_names))} with {tool.name}")
        window = entities.time_range.seconds if entities.time_range is not None else None
        options = enum_of(schema)
        if windowed and (dv := step_enum(options, window or default_window.total_seconds(), entities.words)):
            value, source = dv, "the finest step that keeps the window's series short"
        elif options and window is not None and (dv := enum_duration(options, window)):
            value, source = dv, entities.time_range.text if entities.time_range else ""  # "1h" for the last hour
        elif typ == "boolean" and (flag := flag_value(name, entities.words, entities.negated)) is not None:
            value, source = flag, "a word of the question names the flag"
        elif typ == "boolean" and flag_value(name, entities.words) is not None:
            unexpressed.append(f"cannot exclude {name} with {tool.name}: the question negates it")
        elif options and names_its_thing(tool, name, entities):
            # "is HTST-2 up or has it stopped?": the row of HTST-2 says its state; a filter on "stopped" would
            # return nothing for a running HTST-2, an empty answer to the question
            source = ""  # left at its default
        elif options:
            chosen, shunned = choose_enum(
                options,
                entities.words,
                asks_whether=entities.asks_whether,
                negated=entities.negated,
                mixed=entities.negation_mixed,
                default=schema.get("default"),
                unsure=entities.unsure,
                description=str(schema.get("description", "")),
                question=entities.question,
            )
            # "the ground network" of "Ground network change requests": what the tool is about, no category
            chosen = [
                o
                for o in chosen
                if not names_the_subject(o, options, entities.words, entities.question, tool.description)
            ]
            enum_words.update(naming_words(chosen, entities.words) | naming_words(shunned, entities.words))
            if not chosen and not shunned and named:
                # A value of the parameter's kind read from the question ("the crust endpoint" is ep_crust_color)
                # that the enum allows.
                allowed = {name_key(str(o)): o for o in options}
                chosen = list(dict.fromkeys(allowed[k] for v in named if (k := name_key(str(v))) in allowed))
            member = None if chosen or shunned else option_of_members(options, tool.description, entities.question)
            if member is not None:
                chosen = [member]  # "EU vs NA" of a tool "summed by ... region group (NA, EU, APAC, SA)"
            names = entities.unknown or entities.guessed or entities.values or entities.ids
            if not chosen and not shunned and name in required and not names:
                # "what is the farm exporting": GRID-132's export_mw (never for a name the estate may not have)
                chosen = quantity_values(options, tool.description, entities.words)
            if shunned:
                said = ", ".join(str(o) for o in shunned)
                unexpressed.append(f"cannot exclude {name} {said} with {tool.name}: no other {name} to ask for")
            if not chosen and not shunned and name in required and asks_each(name, entities, _EVERY):
                # "the lowest battery across all sites" of a tool taking one site: one call per site it takes.
                every = [o for o in options if str(o).strip() and str(o).lower() not in ("all", "any", "*")]
                if 1 < len(every) <= _FAN_OUT:
                    dims.append((name, every, f"every {name} the tool takes"))
            elif chosen and typ == "array":
                value, source = chosen, "values named in the question"
            elif chosen:
                dims.append((name, chosen, "enum value named in the question"))
        elif concept in _ENTITY_CONCEPTS and not named and (concept == "id" or inv is None or not inv.lists(name)):
            # A parameter named after an inventory column ("router", described as a "router hostname") takes
            # that column's values (below); otherwise the names of its concept.
            entity_params.setdefault(concept, []).append(name)
        elif (bound := window_bound(concept, name, schema)) == "since":
            if entities.time_range is not None:
                value, source = format_time(entities.time_range.since, schema, name), entities.time_range.text
            elif name in required and ahead:
                value, source = format_time(now, schema, name), f"no time in the question; {ahead}"
            elif name in required:
                value = format_time(now - default_window, schema, name)
                source = f"no time in the question; assumed the last {human_duration(default_window)}"
        elif bound == "until":
            # The end of a window: the question's, else now (a required end never repeats the start).
            if entities.time_range is not None:
                value, source = format_time(entities.time_range.until, schema, name), entities.time_range.text
            elif name in required and ahead:
                value, source = format_time(now + AHEAD_WINDOW, schema, name), f"no time in the question; {ahead}"
            elif name in required:
                value, source = format_time(now, schema, name), "no time in the question; the window ends now"
        elif (
            entities.time_range is not None
            and (dv := duration_value(name, schema, entities.time_range.seconds)) is not None
        ):
            value, source = dv, entities.time_range.text
            asked = not entities.time_range.text.startswith("no time in the question")
            if asked and (reach := beyond_maximum(name, schema, entities.time_range.seconds)):
                # "3 wks ago" of a tool keeping 14 days: none of its rows is of the time asked (a part not
                # covered); "the last 30 days" of one keeping a day: its rows are of the last day (said).
                said = f"{tool.name} reaches back {reach} at most, not {entities.time_range.text}"
                far = reach_seconds(name, schema) or 0.0  # "on 2026-11-15": that day is further back
                day = re.search(rf"\bon\s+{re.escape(entities.time_range.text)}\b", entities.question)
                older = day is not None and (now - entities.time_range.since).total_seconds() - 86400 >= far
                older = older or compares_earlier(entities.question)  # "this wk vs last wk": that week is further
                (unexpressed if " ago" in entities.time_range.text or older else readings).append(said)
        elif (
            name in required
            and entities.time_range is None
            and (dv := duration_value(name, schema, default_window.total_seconds())) is not None
        ):
            value = dv
            source = f"no time in the question; assumed the last {human_duration(default_window)}"
        elif typ in ("integer", "number") and (free_numbers or (counts and name.lower() in LIMIT_PARAMS)):
            limit_param = name.lower() in LIMIT_PARAMS
            if limit_param and counts:
                raw = counts.pop(0)
                value, source = int(raw) if typ == "integer" else raw, "how many the question asks for"
            elif (limit_param or name in required or len(free_numbers) == 1) and not duration_value(name, schema, 60):
                raw = free_numbers.pop(0)  # (a look-back comes from a time phrase: "aisle 1", "past 30" give none)
                value = int(raw) if typ == "integer" else raw
                source = "number in the question"
        elif named:
            if len(named) > 1:
                dims.append((name, named, f"a {name} named in the question"))
            else:
                value, source = named[0], f"a {name} named in the question"
        elif typ == "string" and (listed := row_value(name, entities, tool.properties)) is not None:
            value, source = listed, f"the {name} the estate lists with a name in the question"
        elif typ == "string" and not entities.ids and (proper := described_names(tool, name, entities.question)[:8]):
            dims.append((name, proper, f"a {name} the tool's description names, named in the question"))
        elif (
            typ == "string"
            and name in required
            and not is_search_param(tool, name, schema)
            and (found := _required_name(name, schema, entities, tool))
        ):
            given, source = found
            if isinstance(given, list):
                dims.append((name, given, source))
            else:
                value = given
                if source.startswith(_READ_AS):  # a word read as a listed value: the answer says so
                    readings.append(f"{source.removeprefix(_READ_AS)}; the answer is for {given}")
        elif (
            typ == "string"
            and not named
            and not schema.get("format")
            and not is_search_param(tool, name, schema)
            and (codes := codes_named(str(schema.get("description", "")), entities.question)[:_FAN_OUT])
        ):
            # "CCU EU vs NA" of a region "name or group (NA, EU, APAC, SA)": one call per code
            if len(codes) > 1:
                dims.append((name, codes, f"codes the {name}'s description lists"))
            else:
                value, source = codes[0], f"a code the {name}'s description lists"
        elif (
            typ == "string"
            and not is_search_param(tool, name, schema)
            and (like := spelt_like_example(schema, entities, tool))
        ):
            dims.append((name, like, f"a {name} of the question spelt like its example"))  # one call each
        elif typ == "string" and free_quoted:
            value, source = free_quoted.pop(0), "quoted text in the question"
        elif is_search_param(tool, name, schema):
            if (key := lookup_example(tool, name, schema)) is not None:
                # One record by its key ("e.g. OCC-DN"): a word written so, never key terms (no key equals them).
                if keys := keys_like_example(key, schema, entities):
                    dims.append((name, keys, f"a {name} written like its example"))
            elif (ids := entities.record_ids) and takes_ids(tool, name, schema):
                # A record id ("INC-4211") is what a search "by id or words" looks for, not the other words.
                if len(ids) > 1:
                    dims.append((name, list(ids), "record id in the question"))
                else:
                    value, source = ids[0], "record id in the question"
            elif terms := _search_terms(tool, name, entities, synonyms, enum_words, unexpressed):
                value, source = terms, "key terms of the question"
        if value is not None:
            base[name] = value
            sources[name] = source
    # Lazily, at most ``limit`` of each: a question naming many values must not build their whole product.
    assignments, total, varied = _entity_assignments(entity_params, entities, required, limit)
    total *= prod(len(c) for _n, c, _s in dims)
    if total > limit:  # every combination of names, enum values and assignments counts; the rest is not called
        said = ", ".join([*varied, *(n for n, _c, _s in dims)])
        unexpressed.append(f"{tool.name} was called for {limit} of {total} combinations of {said}")
    enum_sets = [
        dict(zip([n for n, _v, _s in dims], combo, strict=True))
        for combo in islice(product(*(c for _n, c, _s in dims)), limit)
    ]
    out: list[FilledArguments] = []
    for names, enums in product(assignments, enum_sets or [{}]):
        args = {**base, **{k: v for k, (v, _s) in names.items()}, **enums}
        why = {**sources, **{k: s for k, (_v, s) in names.items()}}
        why.update({n: src for n, _v, src in dims})
        missing = tuple(r for r in tool.required if r not in args)
        out.append(FilledArguments(args, missing, why, tuple(readings), tuple(unexpressed)))
        if len(out) >= limit:
            break
    return out


def _search_terms(
    tool: Tool,
    param: str,
    entities: Entities,
    synonyms: Mapping[str, tuple[str, ...]] | None,
    enum_words: set[str],
    unexpressed: list[str],
) -> str:
    """The key terms a search looks for; a search of records or logs never looks for a negated word ("errors
    not from the loader" must not find the loader's): the exclusion it cannot express is reported. A document
    search keeps it ("node not booting" is what the runbook is about)."""
    rare = not tool.tags & SEARCH_TAGS
    if rare and (by_name := searched_value(tool, param, entities)) is not None:
        return by_name  # "is ORM_O01_OUT_RIS ok": the listing searched by the name it lists, not by "ok"
    terms = key_terms(tool, entities, synonyms, exclude=enum_words, rare=rare)
    if not rare and not terms:
        # "how do we fix ep_fraud_score? is there a runbook for this": no word but the thing it names
        named = [*entities.ids, *entities.hosts, *entities.services, *(v for _c, v in entities.values)]
        return str(named[0]) if named else ""
    if not rare or not entities.negated:
        return terms
    kept = key_terms(tool, entities, synonyms, exclude=enum_words | entities.negated, rare=rare)
    if kept != terms:
        dropped = sorted(set(terms.split()) - set(kept.split()))
        unexpressed.append(f"cannot exclude {', '.join(dropped)} with {tool.name}: it only searches for words")
    return kept


def _entity_assignments(
    params: Mapping[str, list[str]], entities: Entities, required: set[str], limit: int
) -> tuple[list[dict[str, tuple[Any, str]]], int, list[str]]:
    """Per call (at most ``limit``): name parameter -> (value, source); how many there are in all, and the
    parameters they vary."""
    if not params:
        return [{}], 1, []
    # The parameter of each concept to fill: a required one first.
    pick = {c: next((p for p in ps if p in required), ps[0]) for c, ps in params.items()}
    needed = [c for c, ps in params.items() if any(p in required for p in ps)]
    if needed:
        lists = [[(pick[c], n) for n in entities.names(c)] for c in needed]
        if not all(lists):
            # The calls need a name the question does not give; the known ones still fill what they can (each
            # combination of them: "mx-1, mx-2 and mx-3" is three calls, or fewer of them in all).
            needed = [c for c, lst in zip(needed, lists, strict=True) if lst]
            lists = [lst for lst in lists if lst]
        combos = [
            {p: (n, f"{canonical_param(p)} named in the question") for p, n in combo}
            for combo in islice(product(*lists), limit)
        ]
        return combos, prod(len(lst) for lst in lists), [pick[c] for c in needed]
    alternatives: list[dict[str, tuple[Any, str]]] = [
        {pick[c]: (n, f"{c} named in the question")} for c in params for n in entities.names(c)
    ]
    return (alternatives[:limit], len(alternatives), [pick[c] for c in params]) if alternatives else ([{}], 1, [])


def fill_arguments(
    tool: Tool,
    entities: Entities,
    *,
    now: datetime,
    default_window: timedelta = timedelta(hours=24),
) -> FilledArguments:
    """The first of :func:`fill_variants` (a producer's arguments, one call)."""
    return fill_variants(tool, entities, now=now, default_window=default_window, limit=1)[0]
