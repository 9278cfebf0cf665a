"""The estate's own names, learnt from its tools at run time: which tool lists them, and what they are.

Nothing here knows any estate. An *inventory tool* is recognised by its schema and its output, never
by its name: a tool that is safe to call (idempotent), needs no argument, and whose document speaks of
hosts or services (or that is tagged ``inventory``/``config``) is a candidate. Host and service columns
(``host``, ``hostname``, ``service``, ``*_service``...) give hosts and services; every other text column is
a kind of its own named by the column (``router``, ``site``, ``namespace``), its values names of that kind
(:attr:`Inventory.values`), and each row says what its names go with (:attr:`Inventory.rows`). The
orchestrator calls the candidates once per
run and hands the :class:`Inventory` to the planner, which then resolves the names in the question
against it (:mod:`extract`) and reports an unknown one with its closest matches.

Names are compared by :func:`name_key`: case, separators and leading zeros aside, so "web 1", "WEB_01"
and "web-01" meet, and "pay-api-1" stays itself.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS, BM25Index, tokenise
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Tool

__all__ = [
    "ENTITY_CONCEPTS",
    "MAX_FUZZY_COMPARISONS",
    "MAX_FUZZY_LOOKUPS",
    "PADDED_NUMBER",
    "TEXT_PARAMS",
    "TICKET_ID",
    "Inventory",
    "UnknownName",
    "column_concept",
    "inventory_candidates",
    "inventory_from_outputs",
    "inventory_pool",
    "inventory_rows",
    "is_empty",
    "kind_of",
    "mentions",
    "name_key",
    "same_kind",
]

#: Parameter / column names per entity concept (kept in sync with :mod:`extract`'s parameter concepts).
ENTITY_CONCEPTS: Mapping[str, frozenset[str]] = {
    "host": frozenset({"host", "hostname", "host_name", "server", "node", "instance", "machine"}),
    "service": frozenset({"service", "service_name", "app", "application", "component", "svc"}),
}
_CONCEPT_WORDS = frozenset(
    tok for names in ENTITY_CONCEPTS.values() for n in names for tok in tokenise(n, keep_stop_words=True)
)
#: Parameter names of free search text ("query", "q"): what a tool looks for, never the name of a thing.
TEXT_PARAMS = frozenset({"query", "q", "text", "search", "pattern", "keyword", "keywords", "term", "terms"})
#: Most inventory calls a run makes (the best candidates by how much they speak of hosts and services).
MAX_INVENTORY_CALLS = 4
#: Tags of tools that list what the estate has (routers, deployments): their rows name things of other kinds.
_LISTS = frozenset({"inventory", "config", "history"})
#: A number written with leading zeros ("acct 0039486"): an account or record number, never a quantity.
PADDED_NUMBER = re.compile(r"^0\d{4,}$")
#: A record id such as a ticket or change number, an id, never a host: upper-case letters, a dash and a number
#: ("INC-4211"), letters of any case and two numbers or more after slashes ("FMS/26/04417", "fms/26/04417"), or a
#: few letters and a zero-padded or long number written together ("MI0107", "CHG0004475").
TICKET_ID = re.compile(
    r"^[A-Z]{2,}[A-Z0-9]*-\d+$|^[A-Za-z]{2,}[A-Za-z0-9]*(?:/\d+){2,}$|^[A-Z]{2,4}(?:0\d{2,}|\d{4,})$"
)
_SEPARATORS = re.compile(r"[\s._-]+")
#: What splits a listed value into its whole parts: separators, and the commas of a list ("Parcelion, SwiftRoute").
_PART_SEPARATORS = re.compile(r"[\s._,;-]+")
_DIGITS = re.compile(r"\d+")


def name_key(name: str) -> str:
    """How names compare: lower case, no separators, no leading zeros ("WEB_001" -> "web1")."""
    return _DIGITS.sub(_unpadded, _SEPARATORS.sub("", name.lower()))


def _unpadded(m: re.Match[str]) -> str:
    """A number without its leading zeros; a tenant's run of digits past int()'s limit (4300) is stripped as text."""
    digits = m.group()
    return str(int(digits)) if len(digits) < 4000 else digits.lstrip("0") or "0"


#: Suffixes that make a column the key or name of the entity its first part names (``node_id`` is a node).
_KEY_SUFFIXES = ("_id", "_name", "_key")


def column_concept(column: str) -> str | None:
    """``host`` or ``service`` when a column (or parameter) names one (``to_service`` -> service, ``node_id``
    -> host: the id of a node)."""
    col = column.lower()
    for suffix in _KEY_SUFFIXES:
        if col.endswith(suffix) and len(col) > len(suffix):
            col = col[: -len(suffix)]
            break
    for concept, names in ENTITY_CONCEPTS.items():
        if col in names or col.rsplit("_", 1)[-1] in names or f"{concept}s" == col:
            return concept
    return None


def kind_of(name: str) -> str:
    """The kind a column or parameter names, without a key suffix ("pop_code" -> "pop", "team_name" -> "team")."""
    low = name.lower()
    for suffix in (*_KEY_SUFFIXES, "_code"):
        if low.endswith(suffix) and len(low) > len(suffix):
            return low[: -len(suffix)]
    return low


def same_kind(column: str, param: str) -> bool:
    """Whether an inventory column and a parameter name the same kind of thing: the same name but a key
    suffix ("pop_code" and "pop"), or one a qualified form of the other ("origin_pool" and "pool")."""
    a, b = kind_of(column), kind_of(param)
    return a == b or a.endswith(f"_{b}") or b.endswith(f"_{a}")


@dataclass(frozen=True, slots=True)
class UnknownName:
    """A name in the question that the estate does not have, with its closest known names."""

    name: str
    kind: str
    suggestions: tuple[str, ...] = ()
    #: The one close name of the same spelling but a typo (same digits) that the answer is for instead.
    assumed: str = ""

    def sentence(self) -> str:
        """ "no host named web-99 (did you mean web-01 or web-02?)"."""
        text = f"no {self.kind} named {self.name}"
        if self.assumed:
            return f"{text}; the answer is for {self.assumed}, the closest name"
        if self.suggestions:
            names = list(self.suggestions)
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            text += f" (did you mean {joined}?)"
        return text

    def reason(self) -> AnswerStatusReason:
        """The ENTITY_UNKNOWN answer-status reason."""
        return AnswerStatusReason(AnswerReason.ENTITY_UNKNOWN, self.sentence())


#: Fuzzy look-ups (closest names, closest values, best ratio) one reading of a question may make.
MAX_FUZZY_LOOKUPS = 48
#: Name comparisons those look-ups may make in all (each compares a word with every candidate name): the work
#: is bounded by the inventory's size too, which an estate's own tools decide (a listing of 20,000 values).
MAX_FUZZY_COMPARISONS = 40_000


def _similarity(a: str, b: str) -> float:
    """difflib's ratio of two names, 0.0 at once when the cheap upper bounds already rule out 0.6."""
    total = len(a) + len(b)
    if total and 2 * min(len(a), len(b)) < 0.6 * total:
        return 0.0  # difflib's real_quick_ratio, without building a matcher
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
        return 0.0
    return matcher.ratio()


@dataclass(frozen=True, slots=True)
class Inventory:
    """Host and service names the estate's tools reported (``sources``: the tools that listed them)."""

    hosts: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    #: Other text values of the inventory's rows, by name_key: (column, spelling) ("zone-a-1" is a zone).
    values: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: The other text columns of the row each name or value was listed in, by name_key ("billing-worker" ->
    #: namespace "billing"): what a question naming one says about the rest.
    rows: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: Every column that listed each value, by name_key ("arm64" is a pool and an architecture).
    kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The columns some listing's rows are about (their first column: a register's ``turbine``); a column naming
    #: the things other rows refer to (an alarm's ``asset``) lists only those it refers to, not every one.
    subjects: frozenset[str] = frozenset()
    #: Columns other than host or service ones that listed a host or service name, by name_key (a warehouse
    #: ``WH-Mid02`` an incident's ``service`` names, listed under ``wh`` by the backlogs): its other kinds.
    name_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _keys: dict[str, tuple[str, str]] = field(init=False, repr=False, compare=False)
    #: Fuzzy look-ups left to this instance (one reading of a question): each compares a word with every
    #: known name, so a question of many odd words cannot make the planner's work grow without bound.
    _fuzzy_left: list[int] = field(init=False, repr=False, compare=False)
    #: Column -> its values as (name_key, spelling), sorted by spelling.
    _columns: Mapping[str, tuple[tuple[str, str], ...]] = field(init=False, repr=False, compare=False)
    #: Part of a value ("media" of "og-media-eu") -> (column, spelling) of the values having it.
    _parts: Mapping[str, frozenset[tuple[str, str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys: dict[str, tuple[str, str]] = {}
        for kind, names in (("service", self.services), ("host", self.hosts)):
            for n in sorted(names):
                keys[name_key(n)] = (kind, n)  # a host wins over a service spelt the same
        object.__setattr__(self, "_keys", keys)
        object.__setattr__(self, "_fuzzy_left", [MAX_FUZZY_LOOKUPS, MAX_FUZZY_COMPARISONS])
        columns: dict[str, dict[str, str]] = {}
        for key, (col, spelt) in self.values.items():
            for listed in {col, *self.kinds.get(key, ())}:
                columns.setdefault(listed, {})[spelt] = key
        object.__setattr__(self, "_columns", {col: tuple((v[s], s) for s in sorted(v)) for col, v in columns.items()})
        parts: dict[str, set[tuple[str, str]]] = {}
        for col, spelt in self.values.values():
            for part in _PART_SEPARATORS.split(spelt.lower()):
                if part:
                    parts.setdefault(part, set()).add((col, spelt))
        object.__setattr__(self, "_parts", {p: frozenset(found) for p, found in parts.items()})

    def _fuzzy(self, comparisons: int) -> bool:
        """Take one fuzzy look-up of ``comparisons`` names from the budget; False when it is spent (then nothing
        is "close")."""
        left = self._fuzzy_left
        if left[0] <= 0 or left[1] < comparisons:
            return False
        left[0] -= 1
        left[1] -= comparisons
        return True

    def __bool__(self) -> bool:
        return bool(self.hosts or self.services or self.values)

    def knows(self, kind: str) -> bool:
        """Whether the estate reported any name of ``kind`` (so an unknown one can be called unknown)."""
        return bool(self.hosts if kind == "host" else self.services if kind == "service" else ())

    def lookup(self, name: str) -> tuple[str, str] | None:
        """``(kind, the estate's spelling)`` of ``name``, or None."""
        return self._keys.get(name_key(name))

    def closest(self, name: str, kind: str | None = None, n: int = 3) -> tuple[str, ...]:
        """Known names that look like ``name`` (of ``kind`` when given), best first."""
        if not self._fuzzy(len(self._keys)):
            return ()
        key = name_key(name)
        scored = []
        for k, (found_kind, spelt) in self._keys.items():
            if kind is not None and found_kind != kind:
                continue
            ratio = _similarity(key, k)
            if ratio >= 0.6:
                scored.append((-round(ratio, 3), spelt))
        return tuple(spelt for _r, spelt in sorted(scored)[:n])

    def merged(self, hosts: Iterable[str] = (), services: Iterable[str] = ()) -> Inventory:
        """This inventory plus operator-configured names."""
        return Inventory(
            self.hosts | frozenset(hosts),
            self.services | frozenset(services),
            self.sources,
            self.values,
            self.rows,
            self.kinds,
            self.subjects,
            self.name_columns,
        )

    def row_of(self, name: str) -> tuple[tuple[str, str], ...]:
        """``(column, value)`` of the other text columns of the row ``name`` was listed in."""
        return self.rows.get(name_key(name), ())

    def closest_value(self, name: str, n: int = 3) -> tuple[str, tuple[str, ...], float]:
        """``(column, closest values of it, best ratio)`` for a name that may be a misspelt value ("rtr-ams-05" ->
        the router column's "rtr-ams-02"...); ``("", (), 0.0)`` when nothing is close."""
        if not self._fuzzy(len(self.values)):
            return "", (), 0.0
        key = name_key(name)
        scored = sorted((-_similarity(key, k), col, spelt) for k, (col, spelt) in self.values.items())
        if not scored or -scored[0][0] < 0.6:
            return "", (), 0.0
        column = scored[0][1]
        same = [spelt for r, col, spelt in scored if col == column and -r >= 0.6][:n]
        return column, tuple(same), -scored[0][0]

    def best_ratio(self, name: str, kind: str | None = None) -> float:
        """How close the closest host/service name (of ``kind``) is to ``name`` (0 when none is)."""
        if not self._fuzzy(len(self._keys)):
            return 0.0
        key = name_key(name)
        return max((_similarity(key, k) for k, (kd, _s) in self._keys.items() if kind in (None, kd)), default=0.0)

    def containing(self, word: str, column: str) -> tuple[str, str] | None:
        """``(column, spelling)`` of the one value of ``column`` that has ``word`` as a whole part ("rollup" ->
        job ``nightly_rollup``); None when no value or several do."""
        low = word.lower()
        kinds = set(self._kinds(column))
        found = {spelt for col, spelt in self._parts.get(low, ()) if col in kinds}
        return (column, found.pop()) if len(found) == 1 else None

    def only_value_with(self, word: str) -> tuple[str, str] | None:
        """``(column, spelling)`` of the one listed value that has ``word`` as a whole part ("sonnblick" of the
        sender "Hotel Sonnblick"); None when no value or several do. Free text (a log line, more than three
        words) names nothing."""
        found = [(col, spelt) for col, spelt in self._parts.get(word.lower(), ()) if len(spelt.split()) <= 3]
        return found[0] if len(found) == 1 else None

    def has_part(self, word: str) -> bool:
        """Whether ``word`` is a listed value's whole part ("yatewell" of "Yatewell 3PL")."""
        return word.lower() in self._parts

    def part_of(self, word: str, words: Iterable[str]) -> bool:
        """Whether ``word`` is a whole part of a known value ("media" of "og-media-eu") of a kind one of
        ``words`` names ("pool" or "pools" for a column ``origin_pool``)."""
        low = word.lower()
        columns = {col for col, _spelt in self._parts.get(low, ())}
        if len(low) < 2 or not columns:
            return False
        named = ({w.removesuffix("s") for w in words} | set(words)) - STOP_WORDS  # "to" names no ``spill_to``
        return any({kind_of(c), kind_of(c).rsplit("_", 1)[-1]} & named for c in columns)

    def _kinds(self, kind: str) -> list[str]:
        return [col for col in self._columns if same_kind(col, kind)]

    def lists(self, kind: str) -> bool:
        """Whether the inventory has a column of ``kind`` (:func:`same_kind`), so its values are known."""
        return bool(self._kinds(kind))

    def values_of(self, kind: str) -> list[str]:
        """Every value of the columns of ``kind`` (:func:`same_kind`: "pool" has "origin_pool"'s), sorted."""
        cols = self._kinds(kind)
        if len(cols) == 1:
            return [spelt for _key, spelt in self._columns[cols[0]]]
        return sorted({spelt for col in cols for _key, spelt in self._columns[col]})

    def closest_of_kind(self, name: str, kind: str, n: int = 3) -> tuple[str, ...]:
        """Values of ``kind`` that look like ``name``, best first (a fuzzy look-up of the budget)."""
        columns = self._kinds(kind)
        if not self._fuzzy(sum(len(self._columns[col]) for col in columns)):
            return ()
        key = name_key(name)
        scored = [(-_similarity(key, k), v) for col in columns for k, v in self._columns[col]]
        return tuple(v for r, v in sorted(scored) if -r >= 0.6)[:n]

    def value(self, text: str) -> tuple[str, str] | None:
        """``(column, spelling)`` when ``text`` is a value of another column of the inventory (not a name)."""
        return self.values.get(name_key(text))

    def columns_of(self, text: str) -> tuple[str, ...]:
        """Every column that listed the value ``text`` (empty when none did)."""
        key = name_key(text)
        found = self.values.get(key)
        return tuple(dict.fromkeys([found[0], *self.kinds.get(key, ())])) if found else ()


def _speaks_of_entities(tool: Tool) -> bool:
    if any(column_concept(k) for k in tool.output_hints):
        return True
    words = {*tokenise(tool.name, keep_stop_words=True), *tokenise(tool.description, keep_stop_words=True)}
    return bool(words & _CONCEPT_WORDS)


def inventory_pool(tools: Sequence[Tool]) -> list[Tool]:
    """Tools that may list what the estate has: idempotent, no required argument, about hosts or services or
    tagged as a listing (``inventory``, ``config``, ``history``)."""
    return [t for t in tools if t.idempotent and not t.required and (_speaks_of_entities(t) or _LISTS & t.tags)]


def inventory_candidates(tools: Sequence[Tool]) -> list[Tool]:
    """Tools that may list the estate's hosts/services: idempotent, no required argument, about hosts or services.

    Ranked by how much they speak of listing hosts and services, at most :data:`MAX_INVENTORY_CALLS`.
    """
    pool = inventory_pool(tools)
    if not pool:
        return []
    docs = [
        [*tokenise(t.name, keep_stop_words=True), *tokenise(t.description), *(c for k in t.output_hints for c in [k])]
        for t in pool
    ]
    scores = BM25Index(docs).scores(tokenise("list every host service inventory all hosts services"))
    ranked = sorted(zip(pool, scores, strict=True), key=lambda p: (-p[1], p[0].name))
    return [t for t, _s in ranked[:MAX_INVENTORY_CALLS]]


def inventory_rows(data: Any) -> list[Mapping[str, Any]]:
    """The records of a listing's output: a table's rows, a list under a usual key, or a bare list of records."""
    if isinstance(data, Mapping):
        for key in ("rows", "items", "results", "data", "hosts", "services"):
            inner = data.get(key)
            if isinstance(inner, list):
                return [r for r in inner if isinstance(r, Mapping)]
        return []
    if isinstance(data, list):
        return [r for r in data if isinstance(r, Mapping)]
    return []


def _name_lists(data: Any) -> dict[str, list[str]]:
    """``{"hosts": ["a", "b"]}``-style outputs: a plural concept key holding a list of strings."""
    out: dict[str, list[str]] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            concept = column_concept(str(key).rstrip("s"))
            if concept and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                out.setdefault(concept, []).extend(value)
    return out


def inventory_from_outputs(outputs: Mapping[str, Any]) -> Inventory:
    """The names in the outputs of inventory candidates (tool name -> output); tools without any are ignored."""
    hosts: set[str] = set()
    services: set[str] = set()
    sources: list[str] = []
    values: dict[str, tuple[str, str]] = {}
    kinds: dict[str, set[str]] = {}
    rows: dict[str, tuple[tuple[str, str], ...]] = {}
    subjects: set[str] = set()
    for tool, data in outputs.items():
        subjects.update(str(next(iter(row), "")) for row in inventory_rows(data)[:1])
        found: dict[str, set[str]] = {"host": set(), "service": set()}
        others: dict[str, tuple[str, str]] = {}
        mine: dict[str, set[tuple[tuple[str, str], ...]]] = {}
        for row in inventory_rows(data):
            texts = [(str(c), v.strip()) for c, v in row.items() if isinstance(v, str) and v.strip()]
            for col, value in texts:
                mine.setdefault(name_key(value), set()).add(tuple((c, v) for c, v in texts if c != col))
            for col, value in row.items():
                concept = column_concept(str(col))
                if concept and isinstance(value, str) and value.strip():
                    found[concept].add(value.strip())
                elif isinstance(value, str) and value.strip():
                    others.setdefault(name_key(value), (str(col), value.strip()))
                    kinds.setdefault(name_key(value), set()).add(str(col))
        for key, found_rows in mine.items():
            # A value of many rows ("par", the site of two switches) says nothing of one row's other columns.
            rows.setdefault(key, found_rows.pop() if len(found_rows) == 1 else ())
        for concept, names in _name_lists(data).items():
            found[concept].update(n.strip() for n in names if n.strip())
        if found["host"] or found["service"] or others:
            # A listing without hosts or services still names things of its own kinds: its column names
            # are the kinds ("router", "namespace", "site"), its values the names.
            sources.append(tool)
            hosts |= found["host"]
            services |= found["service"]
            for k, v in others.items():
                values.setdefault(k, v)
    name_keys = {name_key(n) for n in hosts | services}
    kept = {k: v for k, v in values.items() if k not in name_keys}
    listed = {k: tuple(sorted(kinds[k])) for k in kept if len(kinds.get(k, ())) > 1}
    named = {k: tuple(sorted(kinds[k])) for k in name_keys if kinds.get(k)}
    return Inventory(
        frozenset(hosts), frozenset(services), tuple(sources), kept, rows, listed, frozenset(subjects), named
    )


def mentions(data: Any, key: str) -> bool:
    """Whether any string in ``data`` is the name with ``key`` (or contains it as a word)."""
    if isinstance(data, str):
        return name_key(data) == key or key in {name_key(w) for w in re.findall(r"[\w.-]+", data)}
    if isinstance(data, Mapping):
        return any(mentions(v, key) for v in data.values())
    if isinstance(data, list):
        return any(mentions(v, key) for v in data)
    return False


def is_empty(data: Any) -> bool:
    """Whether a tool output holds no data (nothing, an empty list, no rows, no series)."""
    return _empty(data)


def _empty(data: Any) -> bool:
    if data is None or data == "" or data == [] or data == {}:
        return True
    if isinstance(data, Mapping):
        rows = data.get("rows")
        if isinstance(rows, list) and not rows:
            return True
        series = data.get("series")
        if isinstance(series, list) and not series and len(data) <= 2:
            return True
    return False
