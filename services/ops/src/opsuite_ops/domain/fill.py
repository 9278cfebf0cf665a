"""A tool's arguments from the question's entities, by parameter *name* and JSON-schema *type*.

:func:`fill_variants` gives one argument set per side of a comparison or an "or": "cpu on pay-api-1 vs
pay-api-2" is two calls, "degraded or down hosts" calls a ``status`` enum with each named value (a few
operator synonyms map onto enum values: "offline" is ``down``). Times follow the parameter's schema
(``format: date-time`` is RFC 3339, ``format: date`` a day, integers epoch seconds). A free-text search
parameter (``query``/``q``/``text``..., or a required string of a search-like tool: tagged
``document``/``search``, or speaking of search/find/phrase) gets the question's key terms, without the
words that only name the search tool itself ("runbook", "docs"). A parameter named after an inventory
column takes the value the question gives of it; a required one the question gives no other way takes
the column's value in the rows of the question's names, else a name no inventory lists.
Required parameters left unfilled are reported in ``missing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice, product
from typing import Any

from opsuite_ops.domain.bm25 import stem, tokenise
from opsuite_ops.domain.entities import ENTITY_CONCEPTS
from opsuite_ops.domain.extract import Entities, TimeRange, canonical_param, human_duration, is_verb_or_adverb
from opsuite_ops.domain.model import Tool

__all__ = [
    "ENUM_SYNONYMS",
    "FilledArguments",
    "enum_choices",
    "fill_arguments",
    "fill_variants",
    "format_time",
    "is_search_param",
    "name_kinds",
    "param_concept",
]

_LIMIT_PARAMS = frozenset({"limit", "top", "n", "count", "max_rows", "size"})
_TEXT_PARAMS = frozenset({"query", "q", "text", "search", "pattern", "keyword", "keywords", "term", "terms"})
_SEARCH_TAGS = frozenset({"document", "search"})
#: Words of a parameter's name or description that make a required string the text a tool searches for.
_SEARCH_WORDS = frozenset({"search", "find", "phrase", "query", "look", "match", "matching", "contain", "contains"})
_ENTITY_CONCEPTS = ("host", "service", "id", "entity")
_KNOWN_CONCEPTS = frozenset({"host", "service", "id", "since", "until"})

#: Operator words for common status values; an enum value is used only if the tool's schema has it.
ENUM_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "offline": ("down",), "unreachable": ("down",), "dead": ("down",), "failed": ("down",),
    "online": ("up",), "running": ("up",), "healthy": ("up", "ok", "healthy"),
    "unhealthy": ("degraded", "down"), "impaired": ("degraded",), "degrading": ("degraded",),
    "warning": ("warn", "warning"), "error": ("error", "err"), "critical": ("critical", "crit"),
}  # fmt: skip


#: Values of a health or status enum that mean all is well, and the words asking for every other value.
_HEALTHY = frozenset({"healthy", "up", "ok", "running", "online", "green", "active", "available"})
_NOT_HEALTHY = frozenset({"unhealthy", "unwell", "problematic"})


@dataclass(frozen=True, slots=True)
class FilledArguments:
    """Arguments for one tool call, the required parameters still missing, and how each was found."""

    arguments: dict[str, Any]
    missing: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict)


def _type_of(schema: Mapping[str, Any]) -> str:
    t = schema.get("type", "string")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    return str(t)


def format_time(dt: datetime, schema: Mapping[str, Any], name: str = "") -> Any:
    """``dt`` as the parameter's schema wants it: RFC 3339 (UTC, "Z"), a date, or epoch (milli)seconds."""
    if _type_of(schema) in ("integer", "number"):
        millis = name.lower().endswith("_ms") or "millisecond" in str(schema.get("description", "")).lower()
        return int(dt.timestamp() * 1000) if millis else int(dt.timestamp())
    if schema.get("format") == "date":
        return dt.astimezone(UTC).date().isoformat()
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _duration_value(name: str, schema: Mapping[str, Any], tr: TimeRange) -> Any | None:
    n = name.lower()
    for unit, secs in (("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400)):
        if unit in n:
            value = tr.seconds / secs
            return round(value) if _type_of(schema) == "integer" else value
    if n in ("window", "duration", "lookback", "period", "range", "interval"):
        if _type_of(schema) in ("integer", "number"):
            return int(tr.seconds)
        return f"{int(tr.seconds)}s"
    return None


def _enum_of(schema: Mapping[str, Any]) -> list[Any]:
    enum = schema.get("enum")
    if not isinstance(enum, list):
        items = schema.get("items")
        enum = items.get("enum") if isinstance(items, Mapping) and _type_of(schema) == "array" else None
    return [o for o in enum if o not in ("", None)] if isinstance(enum, list) else []


def enum_choices(options: Sequence[Any], words: Sequence[str], *, asks_whether: bool = False) -> list[Any]:
    """Every option the question names, itself or through :data:`ENUM_SYNONYMS` ("degraded or down": both).

    In a yes/no question (``asks_whether``: "did the load succeed?") a bare verb naming an option only by
    its stem ("succeed" for ``succeeded``) is what is asked, not a filter: it names no option.
    """
    if asks_whether:
        own = {str(o).lower() for o in options}
        stems = {stem(v) for v in own}
        words = [w for w in words if w in own or not ({w, stem(w)} & stems)]
    named = set(words) | {stem(w) for w in words}
    for w in words:
        named.update(ENUM_SYNONYMS.get(w, ()))
    values = [str(o).lower() for o in options]
    if named & _NOT_HEALTHY and any(v in _HEALTHY for v in values):
        # "unhealthy" on a health enum: every value that is not a healthy one ("impaired", "offline").
        named.update(v for v in values if v and v not in _HEALTHY)
    chosen = [o for o in options if str(o).lower() in named or stem(str(o).lower()) in named]
    return chosen


def key_terms(tool: Tool, entities: Entities, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> str:
    """The question's key terms for ``tool``'s search: no names, no form words, no words naming the tool."""
    synonyms = synonyms or {}
    own = {*tokenise(tool.name, keep_stop_words=True)}
    for tag in tool.tags:
        own.update(tokenise(tag, keep_stop_words=True))
    out = [n for n in entities.guessed if n not in entities.terms]  # an unresolved name is what is looked for
    for term in entities.terms:
        if is_verb_or_adverb(term) and not term.endswith(("ing", "ed")):
            continue  # "safely", "went": how or that, never what a document is about
        s = stem(term)
        if s in own or any(x in own for extra in synonyms.get(s, ()) for x in tokenise(extra, keep_stop_words=True)):
            continue
        out.append(term)
    return " ".join(out)


#: The words of a kind of name ("node", "app"); not "name" itself (of ``host_name``): any name has it.
_HOST_WORDS = frozenset(t for n in ENTITY_CONCEPTS["host"] if "_" not in n for t in tokenise(n, keep_stop_words=True))
_SERVICE_WORDS = frozenset(
    t for n in ENTITY_CONCEPTS["service"] if "_" not in n for t in tokenise(n, keep_stop_words=True)
)


def _column_value(name: str, schema: Mapping[str, Any], entities: Entities) -> str | None:
    """A value of the inventory column this parameter is named after ("zone" -> "zone-a-1")."""
    for column, value in entities.values:
        if column and column.lower() == name.lower():
            return value
    return None


def _related_value(name: str, entities: Entities) -> str | None:
    """The one value of the column ``name`` in the inventory rows of the question's names (none if several)."""
    found = {v for c, v in entities.related if c.lower() == name.lower()}
    return found.pop() if len(found) == 1 else None


def _guessed_for(name: str, schema: Mapping[str, Any], entities: Entities, tool: Tool) -> str | None:
    """A required name of a kind nothing lists ("team") takes a name the question gives that no inventory
    knows ("billing-sre"): the only thing the question can mean by it. Not a name spelt like the example of
    another parameter of the tool and unlike this one's ("orders.v2" is a topic like "e.g. events.v1", not a
    group like "e.g. cg-payments"): it is of that other kind."""
    if schema.get("enum") or schema.get("format") or param_concept(name, schema) in _KNOWN_CONCEPTS:
        return None
    mine = _example_separators(schema)
    others = {_example_separators(s) for p, s in tool.properties.items() if p != name} - {None, mine}
    for guess in entities.guessed:
        spelt = "".join(c for c in guess if not c.isalnum())
        if mine is None or spelt == mine or spelt not in others:
            return guess
    return None


def _example_separators(schema: Mapping[str, Any]) -> str | None:
    """The punctuation of the example a parameter's description gives ("e.g. cg-payments" -> "-"), or None."""
    found = re.search(r"\be\.g\.\s*([A-Za-z0-9][\w.:/-]*[A-Za-z0-9])", str(schema.get("description", "")))
    return "".join(c for c in found.group(1) if not c.isalnum()) if found else None


def param_concept(name: str, schema: Mapping[str, Any]) -> str:
    """The concept of a parameter: by its name (:func:`canonical_param`), else by its description.

    A plain string parameter whose name says nothing ("target") but whose description speaks of hosts
    ("node or application") takes names of the kinds it speaks of: ``host``, ``service``, or ``entity``
    (either). Search parameters, enums and formatted strings never do.
    """
    concept = canonical_param(name)
    if concept in _KNOWN_CONCEPTS or _type_of(schema) != "string" or schema.get("enum") or schema.get("format"):
        return concept
    if name.lower() in _TEXT_PARAMS:
        return concept
    words = set(tokenise(str(schema.get("description", "")), keep_stop_words=True))
    host, service = bool(words & _HOST_WORDS), bool(words & _SERVICE_WORDS)
    if host and service:
        return "entity"
    return "host" if host else "service" if service else concept


def is_search_param(tool: Tool, name: str, schema: Mapping[str, Any]) -> bool:
    """A free-text parameter: named so (``query``), or a required plain string of a search-like tool (tagged
    ``document``/``search``, or whose name, description or the parameter's own words speak of searching)."""
    if _type_of(schema) != "string" or schema.get("enum") or schema.get("format"):
        return False
    if name.lower() in _TEXT_PARAMS:
        return True
    if name not in tool.required:
        return False
    if tool.tags & _SEARCH_TAGS:
        return True
    words = {*tokenise(tool.name, keep_stop_words=True), *tokenise(tool.description, keep_stop_words=True)}
    words |= {
        *tokenise(name, keep_stop_words=True),
        *tokenise(str(schema.get("description", "")), keep_stop_words=True),
    }
    return bool(words & {stem(w) for w in _SEARCH_WORDS})


def name_kinds(tools: Sequence[Tool]) -> frozenset[str]:
    """The kinds of thing the tools take by name: plain string parameters that are no host, service, id,
    time or search text ("team", "site", "namespace"); a word of the question next to one is a value of it."""
    out: set[str] = set()
    for tool in tools:
        for name, schema in tool.properties.items():
            if _type_of(schema) != "string" or schema.get("enum") or schema.get("format"):
                continue
            if canonical_param(name) in _KNOWN_CONCEPTS or is_search_param(tool, name, schema):
                continue
            out.add(name.lower())
    return frozenset(out)


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
    base: dict[str, Any] = {}
    sources: dict[str, str] = {}
    free_numbers = list(entities.numbers)
    free_quoted = list(entities.quoted)
    required = set(tool.required)
    enum_dims: list[tuple[str, list[Any]]] = []
    entity_params: dict[str, list[str]] = {}
    for name, schema in tool.properties.items():
        concept = param_concept(name, schema)
        typ = _type_of(schema)
        value: Any = None
        source = ""
        if options := _enum_of(schema):
            chosen = enum_choices(options, entities.words, asks_whether=entities.asks_whether)
            if chosen and typ == "array":
                value, source = chosen, "values named in the question"
            elif chosen:
                enum_dims.append((name, chosen))
        elif concept in _ENTITY_CONCEPTS and _column_value(name, schema, entities) is None:
            # A parameter named after an inventory column the question gives a value of ("router", described
            # as a "router hostname") takes that value; otherwise the names of its concept.
            entity_params.setdefault(concept, []).append(name)
        elif concept == "since" or (schema.get("format") in ("date-time", "date") and concept != "until"):
            if entities.time_range is not None:
                value, source = format_time(entities.time_range.since, schema, name), entities.time_range.text
            elif name in required:
                value = format_time(now - default_window, schema, name)
                source = f"no time in the question; assumed the last {human_duration(default_window)}"
        elif concept == "until":
            if entities.time_range is not None:
                value, source = format_time(entities.time_range.until, schema, name), entities.time_range.text
        elif entities.time_range is not None and (dv := _duration_value(name, schema, entities.time_range)):
            value, source = dv, entities.time_range.text
        elif typ in ("integer", "number") and free_numbers:
            if name.lower() in _LIMIT_PARAMS or name in required or len(free_numbers) == 1:
                raw = free_numbers.pop(0)
                value = int(raw) if typ == "integer" else raw
                source = "number in the question"
        elif typ == "string" and (given := _column_value(name, schema, entities)) is not None:
            value, source = given, f"a {name} named in the question"
        elif typ == "string" and name in required and (given := _related_value(name, entities)) is not None:
            value, source = given, f"the {name} the estate lists with a name in the question"
        elif typ == "string" and name in required and (given := _guessed_for(name, schema, entities, tool)) is not None:
            value, source = given, f"a name in the question no tool lists, taken as the {name}"
        elif typ == "string" and free_quoted:
            value, source = free_quoted.pop(0), "quoted text in the question"
        elif is_search_param(tool, name, schema) and (terms := key_terms(tool, entities, synonyms)):
            value, source = terms, "key terms of the question"
        if value is not None:
            base[name] = value
            sources[name] = source
    # Lazily, at most ``limit`` of each: a question naming many values must not build their whole product.
    assignments = _entity_assignments(entity_params, entities, required, limit)
    enum_sets = [
        dict(zip([n for n, _ in enum_dims], combo, strict=True))
        for combo in islice(product(*(c for _, c in enum_dims)), limit)
    ]
    out: list[FilledArguments] = []
    for names, enums in product(assignments, enum_sets or [{}]):
        args = {**base, **{k: v for k, (v, _s) in names.items()}, **enums}
        why = {**sources, **{k: s for k, (_v, s) in names.items()}}
        why.update({k: "enum value named in the question" for k in enums})
        out.append(FilledArguments(args, tuple(r for r in tool.required if r not in args), why))
        if len(out) >= limit:
            break
    return out


def _entity_assignments(
    params: Mapping[str, list[str]], entities: Entities, required: set[str], limit: int
) -> list[dict[str, tuple[Any, str]]]:
    """Per call: name parameter -> (value, source)."""
    if not params:
        return [{}]
    # The parameter of each concept to fill: a required one first.
    pick = {c: next((p for p in ps if p in required), ps[0]) for c, ps in params.items()}
    needed = [c for c, ps in params.items() if any(p in required for p in ps)]
    if needed:
        lists = [[(pick[c], n) for n in entities.names(c)] for c in needed]
        if not all(lists):
            # The calls need a name the question does not give; the known ones still fill what they can.
            return [
                {p: (n, f"{canonical_param(p)} named in the question") for p, n in (lst[0] for lst in lists if lst)}
            ]
        return [
            {p: (n, f"{canonical_param(p)} named in the question") for p, n in combo}
            for combo in islice(product(*lists), limit)
        ]
    alternatives: list[dict[str, tuple[Any, str]]] = [
        {pick[c]: (n, f"{c} named in the question")} for c in params for n in entities.names(c)
    ]
    return alternatives or [{}]


def fill_arguments(
    tool: Tool,
    entities: Entities,
    *,
    now: datetime,
    default_window: timedelta = timedelta(hours=24),
) -> FilledArguments:
    """The first of :func:`fill_variants` (a producer's arguments, one call)."""
    return fill_variants(tool, entities, now=now, default_window=default_window, limit=1)[0]
