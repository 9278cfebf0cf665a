"""Values of the estate's own kinds for a tool's parameters: what the question names, and what it implies.

The inventory (:mod:`entities`) lists values of kinds besides hosts and services: a column ``origin_pool``
holds pools, ``pop_code`` PoPs, ``zone`` DNS zones. A parameter takes values of the kind it names
(:func:`~opsuite_ops.domain.entities.same_kind`: ``pool`` takes ``origin_pool``'s, ``pop`` takes
``pop_code``'s), found in the question in these ways, read from names and values alone:

* :func:`named_values`: every value of that kind the question names ("acme-www vs acme-static": one call
  per value);
* :func:`enclosing_values`: a dotted name implies the known values it ends with
  ("api.example.org" names the zone ``example.org`` when the estate lists that zone);
* :func:`part_value`: words of the question that are parts of exactly one value ("the media eu pool" is
  ``og-media-eu`` when no other pool has both words; "dns" is ``dns-platform`` when it is the only team
  having that part);
* :func:`every_value`: a question across a kind ("which pool is the slowest", "each zone") with no value of
  it asks about every value the estate lists (when they fit in the budget);
* :func:`row_value`: a thing the question names by a value of another column of its listed row ("yatewell",
  the town of the warehouse ``WH-Sth03``) gives an optional parameter of a kind that row lists (``wh``) that
  row's value, when no parameter of the tool takes the named value itself;
* :func:`example_value`: a required name of a kind no inventory lists ("rotation name, e.g. data-eng") takes
  the one listed value of any column spelt like the parameter's example (the same separators) that has a
  word of the question as a whole part ("who's on call for search": the team ``search-core``).

A plain English word is never taken for a value on its own (:func:`identifier_like`): only a known value,
a part of one, or a word shaped like an identifier (digits, separators, inner capitals) names a thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from opsuite_ops.domain.bm25 import stem, tokenise
from opsuite_ops.domain.entities import Inventory, kind_of, name_key, same_kind

if TYPE_CHECKING:
    from opsuite_ops.domain.extract import Entities
    from opsuite_ops.domain.model import Tool

__all__ = [
    "asks_across",
    "asks_each",
    "asks_every",
    "coded_example",
    "described_values",
    "enclosing_values",
    "every_value",
    "example_separators",
    "example_value",
    "identifier_like",
    "named_values",
    "parameter_example",
    "part_value",
    "related_value",
    "row_value",
    "searched_value",
    "value_kinds",
]

_PARTS = re.compile(r"[._:/-]+")
#: The example a parameter's description gives: "e.g." and a name ("e.g. cg-payments", "e.g. ZHX4KQ2M").
_E_G = re.compile(r"\be\.g\.\s*([A-Za-z0-9][\w.:/-]*[A-Za-z0-9])")
#: Words asking about every value of a kind: "which pool", "each zone", "the slowest pool", "compare all".
_ACROSS = frozenset(
    """each every across compare most least top worst best highest lowest slowest fastest busiest
    biggest largest smallest hottest longest shortest heaviest noisiest""".split()  # noqa: SIM905
)
#: Most question words looked at for parts of values (a question is bounded, this keeps the work small).
_MAX_WORDS = 64


def identifier_like(word: str) -> bool:
    """Whether ``word`` looks like an identifier rather than an English word: it has a digit, a separator
    (``-._:/``) or a capital after its first letter ("NotReady")."""
    return any(c.isdigit() for c in word) or bool(_PARTS.search(word)) or any(c.isupper() for c in word[1:])


def asks_across(words: list[str]) -> bool:
    """Whether the question's lower-case words ask across the values of a kind ("which", "each", "slowest")."""
    return any(w in _ACROSS for w in words[:_MAX_WORDS])


def named_values(param: str, entities: Entities, schema: Mapping[str, Any] | None = None) -> list[str]:
    """The values of ``param``'s kind the question names, in its order (a value several columns list is of
    each of their kinds: "arm64" is a pool as well as an architecture); a record id a listing's column of that
    kind holds is one too ("DRE-04" of a ``tool`` column, for a ``tool`` parameter)."""
    inv = entities.inventory

    def of_kind(column: str, value: str) -> bool:
        columns = (*inv.columns_of(value), *inv.name_columns.get(name_key(value), ())) if inv is not None else ()
        # (a display name's column says no kind: a channel's ``name`` is no vendor's ``name``, unless the parameter's
        # example is spelt as the value is: "NF instance, e.g. amf-man-01" takes the listed name upf-man-01)
        spelt = _example_spelt(value, schema)
        return any(same_kind(c, param) for c in (column, *columns) if c and (c.lower() not in _DISPLAY or spelt))

    found = [v for c, v in (*entities.values, *_listed_ids(entities)) if c and of_kind(c, v)]
    if inv is not None:  # a host or service some listing also lists under this kind (the warehouse WH-Mid02)
        found += [n for n in (*entities.hosts, *entities.services) if of_kind("", n)]
    return list(dict.fromkeys(found))


def _example_spelt(value: str, schema: Mapping[str, Any] | None) -> bool:
    """Whether ``value`` has the punctuation of the example ``schema``'s description gives, and one at least."""
    marks = "".join(c for c in value if not c.isalnum())
    return bool(marks) and marks == example_separators(schema or {})


def _listed_ids(entities: Entities) -> list[tuple[str, str]]:
    """``(column, value)`` of each record id of the question a listing's column holds ("DRE-04" of ``tool``)."""
    inv = entities.inventory
    return [found for i in entities.ids if inv is not None and (found := inv.value(i)) is not None]


def described_values(param: str, schema: Mapping[str, Any], entities: Entities) -> list[str]:
    """The values the question names (or record ids a listing holds) of a column whose kind ``param``'s
    description names: "a tool (CVD-11) or a chamber" takes the tools "CMP-42" and "CMP-41" a listing's
    ``tool`` column holds."""
    inv = entities.inventory
    said = set(tokenise(str(schema.get("description", "")), keep_stop_words=True))
    if inv is None or not said:
        return []
    named = (*entities.values, *_listed_ids(entities))
    return list(dict.fromkeys(v for c, v in named if c and c.lower() not in _GENERIC and stem(c.lower()) in said))


#: Columns of a listing's display names: each listing's ``name`` is of its own kind of thing.
_DISPLAY = frozenset({"name", "title", "label", "display_name", "description"})
#: Column names too general to be the kind a description speaks of ("the status to show" names no status).
_GENERIC = frozenset({"name", "status", "state", "type", "kind", "id", "value", "key", "code", "description"})


def related_value(param: str, entities: Entities) -> str | None:
    """The one value of ``param``'s kind in the inventory rows of the question's names (none if several)."""
    found = {v for c, v in entities.related if same_kind(c, param)}
    return found.pop() if len(found) == 1 else None


def row_value(param: str, entities: Entities, tool_params: Mapping[str, Any]) -> str | None:
    """The one value of ``param``'s kind in the listed rows of the values the question names by another of
    their columns (see the module docstring); None when a parameter of the tool takes such a value itself,
    or when the rows give none or several."""
    inv = entities.inventory
    if inv is None or not entities.values:
        return None
    found: set[str] = set()
    for column, value in entities.values:
        if any(same_kind(column, p) for p in tool_params):
            return None  # the tool takes the named thing as it is named
        if value.lower() not in entities.question.lower():
            continue  # a part of a value ("cabin" of a defect's title) names no one thing
        # only a row about things of that kind (a listing's first column: the warehouses' ``wh``), not one that
        # merely mentions one (a carrier's home warehouse)
        found.update(v for c, v in inv.row_of(value) if same_kind(c, param) and c in inv.subjects)
    return found.pop() if len(found) == 1 else None


def value_kinds(entities: Entities) -> list[str]:
    """The kinds of the values the question names, as ranking words: each value's column, or for a display name
    (a channel's ``name``) the kind its row's key names (``channel_id``: channel)."""
    inv = entities.inventory
    out = []
    for column, value in entities.values:
        if column.lower() not in _DISPLAY or inv is None:
            out.append(column)
            continue
        out += [kind_of(c) for c, _v in inv.row_of(value) if kind_of(c) != c.lower()]
    return [c for c in out if c]


def parameter_example(schema: Mapping[str, Any]) -> str | None:
    """The example a parameter's description gives ("e.g. cg-payments" -> ``cg-payments``), or None."""
    found = _E_G.search(str(schema.get("description", ""))[:2000])
    return found.group(1) if found else None


def example_separators(schema: Mapping[str, Any]) -> str | None:
    """The punctuation of the example a parameter's description gives ("e.g. cg-payments" -> "-"), or None."""
    example = parameter_example(schema)
    return "".join(c for c in example if not c.isalnum()) if example is not None else None


def coded_example(schema: Mapping[str, Any]) -> bool:
    """Whether the parameter's example is a code with digits ("e.g. ZHX4KQ2M"): a name spelt otherwise ("a node
    stn-lhr2-b-006") is none of its kind."""
    example = parameter_example(schema)
    return example is not None and any(c.isdigit() for c in example)


def searched_value(tool: Tool, param: str, entities: Entities) -> str | None:
    """The one listed value the question names (not negated) whose column the search ``param`` is said to match,
    in its description or the tool's sentence naming it ("q matches part of the name or a system"): what a search
    of that listing looks for ("is ORM_O01_OUT_RIS ok"). None otherwise (a log search "q matches words of the
    message" keeps its key terms whatever zone the question names)."""
    if len(entities.values) != 1:
        return None
    column, value = entities.values[0]
    if not column or value.lower() in entities.negated:
        return None
    own = str((tool.properties.get(param) or {}).get("description", ""))[:500]
    sentences = [t for t in re.split(r"[.;:]\s+", tool.description[:2000]) if param in re.findall(r"\w+", t)]
    said = set(tokenise(" ".join([own, *sentences]), keep_stop_words=True))
    return value if set(tokenise(kind_of(column), keep_stop_words=True)) <= said else None


def enclosing_values(token: str, inventory: Inventory) -> list[tuple[str, str]]:
    """``(column, value)`` of each known value a dotted name ends with ("api.example.org" -> the zone
    ``example.org``); the name itself is not one."""
    out = []
    parts = token.split(".")
    for i in range(1, min(len(parts) - 1, 8)):
        found = inventory.value(".".join(parts[i:]))
        if found is not None:
            out.append(found)
    return out


def part_value(param: str, entities: Entities, inventory: Inventory | None) -> str | None:
    """The one known value of ``param``'s kind having the most of the question's words as parts ("media eu"
    -> ``og-media-eu``); None when no word is a part of one, or when two values tie."""
    if inventory is None:
        return None
    kind = kind_of(param)
    # (not a word the question already names a thing with: "the par site" is a site, not a part of a switch)
    named = {n.lower() for n in (*entities.hosts, *entities.services, *(v for _c, v in entities.values))}
    words = {
        w for w in entities.words[:_MAX_WORDS] if len(w) > 1 and not _PARTS.search(w) and w != kind and w not in named
    }
    if not words:
        return None
    scored: dict[str, int] = {}
    for value in inventory.values_of(param):
        hits = len(words & {p.lower() for p in _PARTS.split(value) if p})
        if hits:
            scored[value] = hits
    if not scored:
        return None
    best = max(scored.values())
    top = [v for v, n in scored.items() if n == best]
    return top[0] if len(top) == 1 else None


def asks_every(param: str, entities: Entities) -> bool:
    """Whether the question asks across every value of ``param``'s kind: its kind word and an "across" word
    ("which pool is the slowest", "the lowest battery across all sites")."""
    return entities.across and any(_names_kind(w, param) for w in entities.words[:_MAX_WORDS])


def asks_each(param: str, entities: Entities, every: frozenset[str]) -> bool:
    """Whether a word of ``every`` ("each", "across") comes one or two words before ``param``'s kind word ("across
    all sites", "each zone"): the question asks for every value of that kind ("what zone does each one feed" does
    not)."""
    words = entities.words[:_MAX_WORDS]
    return any(w in every and any(_names_kind(x, param) for x in words[k + 1 : k + 3]) for k, w in enumerate(words))


def _names_kind(word: str, param: str) -> bool:
    """Whether ``word`` ("sites") names the kind ``param`` takes (``site``, ``origin_pool``'s ``pool``)."""
    kind = kind_of(param)
    return bool({word, word.removesuffix("s")} & {kind, kind.rsplit("_", 1)[-1]})


def every_value(param: str, entities: Entities, inventory: Inventory | None, limit: int) -> list[str]:
    """Every known value of ``param``'s kind, when the question asks across that kind ("which pool is the
    slowest": its kind word and an "across" word) and names none; empty when they are more than ``limit``."""
    if inventory is None or not asks_every(param, entities):
        return []
    values = inventory.values_of(param)
    return values if 1 < len(values) <= limit else []


_EXAMPLE = re.compile(r"\b(?:e\.g\.|eg\.|for example|such as)\s*([A-Za-z0-9][\w.:/-]*[A-Za-z0-9])", re.IGNORECASE)


def _separators(text: str) -> str:
    return "".join(c for c in text if not c.isalnum())


def example_value(description: str, entities: Entities, inventory: Inventory | None) -> tuple[str, str] | None:
    """``(word, value)``: the one listed value (of any column; free text with spaces names nothing) spelt like
    the compound example a parameter's description gives (the same separators: "e.g. data-eng" and
    ``search-core``) that has a word of the question as a whole part; None when the example has no separator
    ("e.g. customers": a plain word is never expanded), or when none or several values qualify."""
    example = _EXAMPLE.search(description)
    shape = _separators(example.group(1)) if example is not None else ""
    if inventory is None or not shape:
        return None  # a plain example ("e.g. customers") says nothing of how names are made
    named = {n.lower() for n in (*entities.hosts, *entities.services, *(v for _c, v in entities.values))}
    words = {w: k for k, w in enumerate(entities.words[:_MAX_WORDS]) if len(w) > 2 and w.isalpha() and w not in named}
    found: dict[str, str] = {}
    for _column, spelt in inventory.values.values():
        if not words or any(c.isspace() for c in spelt) or _separators(spelt) != shape:
            continue
        hits = {p.lower() for p in _PARTS.split(spelt) if p} & words.keys()
        if hits:
            found[spelt] = min(hits, key=words.__getitem__)  # the question's first word among them
    if len(found) != 1:
        return None
    value, word = next(iter(found.items()))
    return word, value
