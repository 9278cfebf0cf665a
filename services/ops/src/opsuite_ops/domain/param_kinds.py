"""What kind of value a tool's parameter takes, read from its name and JSON schema alone.

A parameter is a window's start or end (:func:`window_bound`), a name of a concept (:func:`param_concept`:
host, service, id, or a kind the estate names, "team", "site"), or the free text a search looks for
(:func:`is_search_param`). A search parameter whose description gives one key as its example and speaks of
no free text ("alarm code, e.g. OCC-DN") looks one record up by that key (:func:`lookup_example`): it takes
a word of the question written like the example ("OCC-DN"), never the question's key terms, which no key
equals. A required name whose example a record id of the question is spelt like ("asset tag, e.g.
CE-004123": "CE-003314") takes that id (:func:`ids_like_example`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_common.regex import RegexError, compile_regex
from opsuite_ops.domain.bm25 import STOP_WORDS, stem, tokenise
from opsuite_ops.domain.entities import ENTITY_CONCEPTS, TEXT_PARAMS
from opsuite_ops.domain.extract import Entities, canonical_param
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.timerange import duration_value, time_bound
from opsuite_ops.domain.token_kinds import word_shape
from opsuite_ops.domain.words import CHAT_WORDS

__all__ = [
    "KNOWN_CONCEPTS",
    "LIMIT_PARAMS",
    "SEARCH_TAGS",
    "enum_of",
    "id_like",
    "ids_like_example",
    "is_search_param",
    "key_example",
    "keys_like_example",
    "lookup_example",
    "name_kinds",
    "names_a_thing",
    "names_its_thing",
    "param_concept",
    "pattern_ok",
    "schema_type",
    "separated_within",
    "takes_ids",
    "window_bound",
]

SEARCH_TAGS = frozenset({"document", "search"})
#: Words of a parameter's name or description that make a required string the text a tool searches for.
_SEARCH_WORDS = frozenset({"search", "find", "phrase", "query", "look", "match", "matching", "contain", "contains"})
KNOWN_CONCEPTS = frozenset({"host", "service", "id", "since", "until"})


def schema_type(schema: Mapping[str, Any]) -> str:
    t = schema.get("type", "string")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    return str(t)


def window_bound(concept: str, name: str, schema: Mapping[str, Any]) -> str | None:
    """``since``/``until`` for a window's start/end parameter (a lone timestamp is a start), else None."""
    if concept in ("since", "until"):
        return concept
    bound = time_bound(name, schema)
    if bound is None and schema.get("format") in ("date-time", "date"):
        return "since"
    return bound


#: The words of a kind of name ("node", "app"); not "name" itself (of ``host_name``): any name has it.
_HOST_WORDS = frozenset(t for n in ENTITY_CONCEPTS["host"] if "_" not in n for t in tokenise(n, keep_stop_words=True))
_SERVICE_WORDS = frozenset(
    t for n in ENTITY_CONCEPTS["service"] if "_" not in n for t in tokenise(n, keep_stop_words=True)
)


def takes_ids(tool: Tool, name: str, schema: Mapping[str, Any]) -> bool:
    """Whether a search parameter looks records up by id: its description, or its tool's, speaks of ids."""
    words = {*tokenise(str(schema.get("description", "")), keep_stop_words=True), *tokenise(name, keep_stop_words=True)}
    words |= set(tokenise(tool.description, keep_stop_words=True))
    return bool(words & {"id", "ids", "identifier", "number", "key", "cod", "code", "ref", "referenc", "reference"})


_EXAMPLE = re.compile(r"\b(?:e\.g\.|eg\.|such as|for example|like)\s*[\w.:/-]+", re.IGNORECASE)


def param_concept(name: str, schema: Mapping[str, Any]) -> str:
    """The concept of a parameter: by its name (:func:`canonical_param`), else by its description.

    A plain string parameter whose name says nothing ("target") but whose description speaks of hosts
    ("node or application") takes names of the kinds it speaks of: ``host``, ``service``, or ``entity``
    (either). Search parameters, enums and formatted strings never do.
    """
    concept = canonical_param(name)
    if concept in KNOWN_CONCEPTS or schema_type(schema) != "string" or schema.get("enum") or schema.get("format"):
        return concept
    if name.lower() in TEXT_PARAMS:
        return concept
    # (not the words of its example: "origin pool, e.g. og-app-us" speaks of pools, not of apps)
    words = set(tokenise(_EXAMPLE.sub(" ", str(schema.get("description", ""))), keep_stop_words=True))
    host, service = bool(words & _HOST_WORDS), bool(words & _SERVICE_WORDS)
    if host and service:
        return "entity"
    return "host" if host else "service" if service else concept


def is_search_param(tool: Tool, name: str, schema: Mapping[str, Any]) -> bool:
    """A free-text parameter: named so (``query``), or a required plain string of a search-like tool (tagged
    ``document``/``search``, or whose name, description or the parameter's own words speak of searching)."""
    if schema_type(schema) != "string" or schema.get("enum") or schema.get("format"):
        return False
    if name.lower() in TEXT_PARAMS:
        return True
    if name not in tool.required:
        return False
    if tool.tags & SEARCH_TAGS:
        return True
    words = {*tokenise(tool.name, keep_stop_words=True), *tokenise(tool.description, keep_stop_words=True)}
    words |= {
        *tokenise(name, keep_stop_words=True),
        *tokenise(str(schema.get("description", "")), keep_stop_words=True),
    }
    return bool(words & {stem(w) for w in _SEARCH_WORDS})


def names_a_thing(tool: Tool, name: str, schema: Mapping[str, Any]) -> bool:
    """Whether a parameter takes the name of a thing (``property``, ``host``, ``pop``): a plain string that
    is no enum, timestamp, duration or free search text."""
    if schema_type(schema) != "string" or schema.get("enum") or schema.get("format"):
        return False
    if window_bound(param_concept(name, schema), name, schema) is not None or is_search_param(tool, name, schema):
        return False
    return duration_value(name, schema, 60.0) is None


def name_kinds(tools: Sequence[Tool]) -> frozenset[str]:
    """The kinds of thing the tools take by name: plain string parameters that are no host, service, id,
    time or search text ("team", "site", "namespace"); a word of the question next to one is a value of it."""
    out: set[str] = set()
    for tool in tools:
        for name, schema in tool.properties.items():
            if schema_type(schema) != "string" or schema.get("enum") or schema.get("format"):
                continue
            if canonical_param(name) in KNOWN_CONCEPTS or is_search_param(tool, name, schema):
                continue
            out.add(name.lower())
    return frozenset(out)


#: Words of a parameter's description saying it takes free text (words of a title, a phrase), not one key.
_FREE_TEXT = frozenset({"word", "words", "phrase", "text", "keyword", "keywords", "term", "terms", "title", "free"})
#: Words of a tool's description saying it searches words, not one key ("by id or words of the title").
_WORDS_SEARCHED = frozenset({"words", "keywords", "phrase"})
#: One example key: letters and digits in parts joined by "-", "/", "." or ":", in capitals where it has letters.
_KEY = re.compile(r"\be\.g\.\s*([A-Z0-9]+(?:[-/.:][A-Z0-9]+)+)(?![\w/-])")
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-/.:][A-Za-z0-9]+)*")


def _spelt_like(word: str, example: str) -> bool:
    """Whether ``word`` is written like ``example``: the same separators between parts of the same kinds
    (letters, digits), and in capitals where the example has letters ("OCC-DN" like "OCC-DN", not "icu-b")."""
    parts, shape = re.split(r"[-/.:]", word), re.split(r"[-/.:]", example)
    if len(parts) != len(shape) or re.sub(r"[A-Za-z0-9]", "", word) != re.sub(r"[A-Za-z0-9]", "", example):
        return False
    if any(word_shape(p) != word_shape(s) for p, s in zip(parts, shape, strict=True)):
        return False
    return word.upper() == word or not any(c.isalpha() for c in example)


def id_like(name: str, example: str) -> bool:
    """Whether ``name`` is an id of the kind ``example`` is: its leading letters the same ("CE-" of CE-004123, not
    "SR-88123"), then a letter or a digit in each place of the example's ("LMS-CS-20417": aaa-aa-99999), in
    capitals where the example has them ("srv-1002" is no "INC-4211")."""
    lead = re.match(r"[A-Za-z]*", example)
    if lead is None or not name.upper().startswith(lead.group(0).upper()) or len(name) != len(example):
        return False
    if any(c.isupper() for c in example) and name.upper() != name:
        return False
    return re.sub(r"[A-Za-z]", "a", re.sub(r"\d", "9", name)) == re.sub(r"[A-Za-z]", "a", re.sub(r"\d", "9", example))


def pattern_ok(schema: Mapping[str, Any], value: str) -> bool:
    """Whether ``value`` matches the parameter's ``pattern`` (true without one; false for one RE2 refuses). The
    pattern is the tenant's: it runs on RE2 (``opsuite_common.regex``), in linear time whatever it says."""
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return True
    try:
        return compile_regex(pattern).search(value) is not None
    except RegexError:
        return False


def key_example(schema: Mapping[str, Any]) -> str | None:
    """The key a parameter's description gives as its example ("alarm code, e.g. OCC-DN"), None when it gives
    none or speaks of free text."""
    description = str(schema.get("description", ""))
    found = _KEY.search(description)
    if found is None or set(tokenise(description, keep_stop_words=True)) & {stem(w) for w in _FREE_TEXT}:
        return None
    return found.group(1)


def separated_within(value: str, example: str) -> bool:
    """Whether ``value`` has no separator its parameter's ``example`` lacks: "L4.W17" may be a location like
    "L2.ICU-B", "L2.ICU-B" (a location a listing calls its code) is no alarm code like "OCC-DN"."""
    return set(re.sub(r"[A-Za-z0-9]", "", value)) <= set(re.sub(r"[A-Za-z0-9]", "", example))


def lookup_example(tool: Tool, name: str, schema: Mapping[str, Any]) -> str | None:
    """The example key of a search parameter that looks one record up by its key (see the module docstring),
    None for any other parameter."""
    if not is_search_param(tool, name, schema) or name.lower() in TEXT_PARAMS:
        return None  # a "query" is free text, whatever its example
    if set(tokenise(tool.description, keep_stop_words=True)) & {stem(w) for w in _WORDS_SEARCHED}:
        return None  # "by id or words of the title": words too
    return key_example(schema)


def keys_like_example(example: str, schema: Mapping[str, Any], entities: Entities) -> list[str]:
    """The words of the question written like ``example`` (a key's) that no inventory lists as a name."""
    inv = entities.inventory
    found = [
        w
        for w in _TOKEN.findall(entities.question)
        if _spelt_like(w, example) and pattern_ok(schema, w) and (inv is None or inv.lookup(w) is None)
    ]
    return list(dict.fromkeys(found))


#: Parameters that cap how many rows a tool returns ("top 5", ``limit``): a count, never a window or a name.
LIMIT_PARAMS = frozenset({"limit", "top", "n", "count", "max_rows", "size", "page_size"})


#: An id in brackets in a description, letters and digits with a separator: "(CVD-11)", "(CVD-11.B)".
_BRACKETED_ID = re.compile(r"\(((?=[A-Za-z0-9./-]*[A-Za-z])(?=[A-Za-z0-9./-]*\d)[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)+)\)")


def ids_like_example(schema: Mapping[str, Any], entities: Entities) -> list[str]:
    """The record ids of the question spelt like the parameter's example (or matching its ``pattern``, when
    it gives no example): "CE-003314" for "asset tag, e.g. CE-004123"; ids in brackets are examples too ("a
    tool (CVD-11) or a chamber (CVD-11.B)")."""
    description = str(schema.get("description", ""))
    found = re.search(r"\be\.g\.\s*([A-Za-z0-9]+(?:[-/.: ][A-Za-z0-9]+)+)", description)
    examples = [found.group(1)] if found else _BRACKETED_ID.findall(description)
    if not examples and not isinstance(schema.get("pattern"), str):
        return []

    def alike(record: str) -> bool:  # the example's letters first, then a letter or a digit in each of its places
        return not examples or any(id_like(record, example) for example in examples)

    return [i for i in entities.record_ids if alike(i) and pattern_ok(schema, i)]


def enum_of(schema: Mapping[str, Any]) -> list[Any]:
    """The options of an enum parameter (or of an array of enums), without the empty sentinel."""
    enum = schema.get("enum")
    if not isinstance(enum, list):
        items = schema.get("items")
        enum = items.get("enum") if isinstance(items, Mapping) and schema_type(schema) == "array" else None
    return [o for o in enum if o not in ("", None)] if isinstance(enum, list) else []


#: First words of a yes/no question ("is HTST-2 up", "did the backup of db-01 fail", "has OS-22 stopped").
_YES_NO = frozenset({"is", "are", "was", "were", "has", "have", "had", "did", "does", "do", "isnt", "isn't"})


def names_its_thing(tool: Tool, param: str, entities: Entities) -> bool:
    """Whether the question names, for another free-text parameter of ``tool``, the one thing it is about (an id,
    a host): a yes/no question about it is answered by its row, not by filtering ``param`` on the state asked."""
    words = re.findall(r"[a-z0-9'-]+", entities.question.lower()[:2000])
    if not words or words[0] not in _YES_NO or {"any", "anything", "there", "some"} & set(words):
        return False  # not a yes/no question about one thing ("is anything stopped", "any failed backups": which)
    states = {str(o).lower() for o in enum_of(tool.properties.get(param, {}))}  # "stopped" is no thing named
    for k, word in enumerate(words[:-1]):
        nxt = words[k + 1]
        if word in states and nxt not in STOP_WORDS and nxt not in CHAT_WORDS and nxt.isalpha():
            return False  # the state qualifies other rows ("does HTST-2 have critical alarms"): a filter
    things = {*entities.ids, *entities.hosts, *entities.services, *(v for _c, v in entities.values)}
    things = {t for t in things if str(t).lower() not in states}
    return len(things) == 1 and any(
        p != param and not enum_of(sc) and schema_type(sc) == "string" and not sc.get("format")
        and not is_search_param(tool, p, sc) and window_bound(param_concept(p, sc), p, sc) is None
        for p, sc in tool.properties.items()
    )  # fmt: skip
