"""Names a tool's schema declares: the values of a parameter's enum.

A parameter with an enum takes those values and no others: the enum is the estate's own closed list of the
names of the parameter's kind (``pool``: its pools, ``endpoint``: its endpoints), whatever its listings return
(a listing may show a few of them only: the pools its batch jobs ran on). Once the question is read
(:mod:`extract`), each name the inventory did not resolve is checked against the enums:

* a name that is a value of an enum (case and separators aside) is a value of that parameter's kind: known,
  neither an unknown name (close to the few values a listing showed) nor a host or service guessed by its
  shape;
* a name read by its shape alone, or unknown and close to no known name, that is spelt like the values of an
  enum (the same separators between as many parts, and the parts all those values have in place: "ep_" of
  every endpoint for "ep_glaze_level", "oven-pool-" of the pools for "oven-pool-z9-east", never a node
  "oven-m4-south-n03"; when one value alone has its shape, a word of it in place and as close as a
  misspelling) is a name of that kind the estate does not have: ENTITY_UNKNOWN, with the enum's closest
  values; a misspelling clearly closest to one value (the same digits) is answered for it, and still
  reported;
* a code of letters then digits is of the enum whose values all have its letters and as many digits ("dh5" of
  DH1, DH2, DH3) or, three letters or more, as many letters and digits ("fra1" of lds1, lhr2, ams3);
* an unknown name of an enum's kind gets that enum's close values among its suggestions;
* the words of a kind the question names, where it names no value of that kind, are read as the one value of
  that kind's enum having the most of them as whole parts ("the x1 pool": ``oven-pool-x1-north``; the kind's
  own word is none of them), and the answer says so.

Enums of durations ("1h", "PT6H") and of time bounds name no things; the values are read from the tools'
schemas alone, and the work is bounded (names looked at, values compared).
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections.abc import Sequence
from typing import Any

from opsuite_ops.domain.bm25 import STOP_WORDS
from opsuite_ops.domain.entities import UnknownName, kind_of, name_key, same_kind
from opsuite_ops.domain.extract import Entities, canonical_param
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.param_kinds import param_concept, window_bound
from opsuite_ops.domain.shortnames import Reading
from opsuite_ops.domain.spaced_names import spaced_names
from opsuite_ops.domain.timerange import enum_seconds
from opsuite_ops.domain.typos import typo_of

__all__ = ["declared_names", "names_by_enum"]

_PARTS = re.compile(r"[^A-Za-z0-9]+")
#: Kinds a name of no listed kind may have been read as (a host or service the estate does not have).
_NAME_KINDS = frozenset({"host", "service", "host or service"})
#: Most names of one question checked against the enums, and most values compared in all.
_MAX_NAMES = 16
_MAX_COMPARISONS = 20_000
#: Most values of one enum looked at for the words of the question.
_MAX_PARTS_VALUES = 500
#: How close a name must be to an enum value of another shape of words to be taken for its misspelling.
_CLOSE = 0.6


def _strings(schema: Any) -> list[str]:
    enum = schema.get("enum") if isinstance(schema, dict) else None
    if enum is None and isinstance(schema, dict) and isinstance(schema.get("items"), dict):
        enum = schema["items"].get("enum")
    return [v.strip() for v in enum if isinstance(v, str) and v.strip()] if isinstance(enum, list) else []


def declared_names(tools: Sequence[Tool]) -> dict[str, tuple[str, ...]]:
    """Parameter name (lower case) -> the values its enums allow, over every tool: the enums of plain names
    (no durations, time bounds or search text), in the order first seen."""
    out: dict[str, dict[str, None]] = {}
    for tool in tools:
        for param, schema in tool.properties.items():
            values = _strings(schema)
            if not values or any(enum_seconds(v) is not None for v in values):
                continue
            if window_bound(param_concept(param, schema), param, schema) is not None:
                continue  # a bound in time ("since": "today" | "yesterday"), no name of a thing
            out.setdefault(param.lower(), {}).update(dict.fromkeys(values))
    return {param: tuple(values) for param, values in out.items()}


def _free_text(tools: Sequence[Tool]) -> tuple[str, ...]:
    """Parameter names (lower case) of plain strings: no enum, no format (``service: string``). A kind some tool
    takes as free text has no closed list of names, whatever another tool's enum of it allows."""
    out: dict[str, None] = {}
    for tool in tools:
        for param, schema in tool.properties.items():
            if not isinstance(schema, dict) or schema.get("type") != "string":
                continue
            if _strings(schema) or schema.get("format") or schema.get("pattern"):
                continue
            out[param.lower()] = None
    return tuple(out)


def _open_kind(kind: str, free: Sequence[str]) -> bool:
    """Whether a tool takes names of ``kind`` as free text (see :func:`_free_text`)."""
    return any(same_kind(f, kind) or canonical_param(f) == canonical_param(kind) for f in free)


def _shape(name: str) -> tuple[str, tuple[str, ...]]:
    """The separators of a name and its parts in lower case ("ep_crust_color" -> ("__", (ep, crust, color)))."""
    return "".join(c for c in name if not c.isalnum()), tuple(p.lower() for p in _PARTS.split(name) if p)


def _word(part: str) -> bool:
    return not part.isdigit()


def _likeness(shape: tuple[str, tuple[str, ...]], same: Sequence[tuple[str, ...]]) -> int:
    """How many parts ``shape`` has in the places every value of its shape (``same``: their parts) has them:
    the kind's fixed parts ("ep" of ``ep_crust_color`` and ``ep_bake_time``; "oven" and "pool" of
    ``oven-pool-x1-north`` and ``oven-pool-m4-south``); 0 when it lacks one of them, or when those values share
    none. One value of its shape alone fixes none: then the words the two share in place count."""
    parts = shape[1]
    if len(same) == 1:
        return sum(1 for a, b in zip(parts, same[0], strict=True) if a == b and _word(a))
    fixed = [k for k in range(len(parts)) if len({p[k] for p in same}) == 1 and _word(same[0][k])]
    if not fixed or any(parts[k] != same[0][k] for k in fixed):
        return 0
    return len(fixed)


class _Budget:
    """Values left to compare for one question (an enum may be long: the work stays bounded)."""

    def __init__(self) -> None:
        self.left = _MAX_COMPARISONS

    def take(self, n: int) -> bool:
        if self.left < n:
            return False
        self.left -= n
        return True


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, name_key(a), name_key(b)).ratio()


_NUMBERED = re.compile(r"^([a-z]+)(\d+)$")


def _numbered(name: str, declared: dict[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
    """``(kind, its closest values)`` of the enum whose values are all its letters and as many digits ("dh5" of
    DH1, DH2, DH3: a hall the estate does not have), or, for a code of three letters or more, of the enum of
    three or more such codes all as many letters and digits as it, beside one plain word at most ("fra1" of
    lds1, lhr2, ams3 and global: a region the estate does not have); ``("", ())`` when none is."""
    m = _NUMBERED.match(name.lower())
    if m is None:
        return "", ()
    letters, digits = m.group(1), len(m.group(2))
    coded: list[str] = []
    for kind, values in declared.items():
        numbered = [_NUMBERED.match(v.lower()) for v in values]
        if len(values) > 1 and all(x and x.group(1) == letters and len(x.group(2)) == digits for x in numbered):
            return kind, tuple(sorted(values, key=lambda v: (-_ratio(name, v), v))[:3])
        codes = [x for x in numbered if x]  # (besides one plain word at most: "global" beside the regions)
        same = all(len(x.group(1)) == len(letters) and len(x.group(2)) == digits for x in codes)
        if len(codes) > 2 and len(values) - len(codes) <= 1 and len(letters) >= 3 and same:
            coded.append(kind)
    if len(coded) == 1:  # (as like the codes of two kinds: say nothing of either; the plain word is no suggestion)
        near = [v for v in declared[coded[0]] if _NUMBERED.match(v.lower())]
        return coded[0], tuple(sorted(near, key=lambda v: (-_ratio(name, v), v))[:3])
    return "", ()


def _spelt_like(name: str, declared: dict[str, tuple[str, ...]], budget: _Budget) -> tuple[str, tuple[str, ...]]:
    """``(kind, its closest values)`` of the enum whose values ``name`` is spelt like (:func:`_likeness`; when
    one value alone has its shape, also as close as a misspelling); ``("", ())`` when none is (or when the
    values of two kinds are equally like it)."""
    shape = _shape(name)
    if not shape[0]:
        return _numbered(name, declared)  # a plain word is never a name by its spelling alone; "dh5" may be
    scored: list[tuple[int, float, str]] = []
    for kind, values in declared.items():
        if not budget.take(len(values)):
            return "", ()
        same = [v for v in values if _shape(v)[0] == shape[0] and len(_shape(v)[1]) == len(shape[1])]
        alike = _likeness(shape, [_shape(v)[1] for v in same]) if same else 0
        close = max((_ratio(name, v) for v in same), default=0.0)
        if alike and (len(same) > 1 or close >= _CLOSE):
            scored.append((alike, close, kind))
    if not scored:
        return "", ()
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return "", ()  # as like the names of two kinds: say nothing of either
    kind = scored[0][2]
    ranked = sorted(declared[kind], key=lambda v: (_shape(v)[0] != shape[0], -_ratio(name, v), v))
    return kind, tuple(ranked[:3])


def names_by_enum(entities: Entities, tools: Sequence[Tool]) -> Entities:
    """``entities`` with the names the tools' enums declare read as values of their kinds, and the names spelt
    like an enum's values that are none of them reported as unknown names of that kind (see the module
    docstring)."""
    declared = declared_names(tools)
    if not declared:
        return entities
    entities = spaced_names(_by_parts(entities, declared), declared)  # "OV 12C": a value written with a space
    entities = _joined(entities, declared)  # "ups-b2 str2": UPS-B2:STR2
    if not (entities.unknown or entities.guessed):
        return entities
    index: dict[str, tuple[str, str]] = {}
    for kind, values in declared.items():
        for v in values:
            index.setdefault(name_key(v), (kind, v))
    free = _free_text(tools)  # kinds a tool takes as free text: a name outside the enum may still be one
    budget = _Budget()
    read = _Read(list(entities.values), list(entities.hosts), list(entities.services))
    dropped: set[str] = set()  # names no longer read as guessed hosts or services
    unknown: list[UnknownName] = []
    looked = 0
    for u in entities.unknown:
        if (found := index.get(name_key(u.name))) is not None:
            if u.assumed:
                read.drop(u.assumed)  # not the listed name it was taken to misspell
            read.add(*found)  # "oven-pool-x1-north" is a pool, whatever a listing showed
            continue
        if looked < _MAX_NAMES and u.kind in _NAME_KINDS and not u.suggestions and not u.assumed:
            looked += 1
            kind, close = _spelt_like(u.name, declared, budget)
            if kind and _open_kind(kind, free):
                unknown.append(u)  # the enum is no closed list of that kind: as it was read
                continue
            if kind:
                unknown.append(_unknown(u.name, kind, close, read))
                continue
        unknown.append(_with_declared(u, declared, budget))
    for name in entities.guessed:
        if (found := index.get(name_key(name))) is not None:
            read.drop(name)
            read.add(*found)
            dropped.add(name)
        elif looked < _MAX_NAMES:
            looked += 1
            kind, close = _spelt_like(name, declared, budget)
            if kind and not _open_kind(kind, free):
                read.drop(name)
                unknown.append(_unknown(name, kind, close, read))
                dropped.add(name)
    unchanged = (read.values, read.hosts, read.services) == (
        list(entities.values),
        list(entities.hosts),
        list(entities.services),
    )
    if unchanged and unknown == list(entities.unknown):
        return entities
    return dataclasses.replace(
        entities,
        values=tuple(dict.fromkeys(read.values)),
        unknown=tuple(unknown),
        hosts=tuple(read.hosts),
        services=tuple(read.services),
        guessed=tuple(g for g in entities.guessed if g not in dropped),
    )


def _alnum(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _joined(entities: Entities, declared: dict[str, tuple[str, ...]]) -> Entities:
    """``entities`` with two words in a row that make one enum value, separators aside ("ups-b2 str2": the string
    UPS-B2:STR2), read as that value instead of a name and a word."""
    index = {_alnum(v): (kind, v) for kind, values in declared.items() for v in values[:_MAX_PARTS_VALUES]}
    words = entities.words[: _MAX_NAMES * 2]
    pairs = [(a, b, index[key]) for a, b in itertools.pairwise(words)
             if any(c.isdigit() for c in a + b) and (key := _alnum(a + b)) in index]  # fmt: skip
    if not pairs:
        return entities
    parts = {w for a, b, _found in pairs for w in (a, b)}
    return dataclasses.replace(
        entities,
        values=(*(v for v in entities.values if v[1].lower() not in parts), *(found for _a, _b, found in pairs)),
        terms=tuple(t for t in entities.terms if t not in parts),
        guessed=tuple(g for g in entities.guessed if g not in parts),
        hosts=tuple(h for h in entities.hosts if h not in parts),
        services=tuple(x for x in entities.services if x not in parts),
        unknown=tuple(u for u in entities.unknown if u.name not in parts),
    )


@dataclasses.dataclass(slots=True)
class _Read:
    """The values, hosts and services of the question as the enums have them read."""

    values: list[tuple[str, str]]
    hosts: list[str]
    services: list[str]

    def add(self, kind: str, value: str) -> None:
        """``value`` of the parameter ``kind``: a host or service when the parameter names those, else a value."""
        concept = canonical_param(kind)
        target = self.hosts if concept == "host" else self.services if concept == "service" else None
        if target is None:
            if (kind, value) not in self.values:
                self.values.append((kind, value))
        elif value not in target:
            target.append(value)

    def drop(self, name: str) -> None:
        """``name`` read as no host, service or value after all."""
        self.values = [v for v in self.values if v[1] != name]
        self.hosts = [h for h in self.hosts if h != name]
        self.services = [s for s in self.services if s != name]


def _by_parts(entities: Entities, declared: dict[str, tuple[str, ...]]) -> Entities:
    """``entities`` with the words of a kind the question names read as the one value of that kind's enum having
    the most of them as whole parts ("the x1 pool": ``oven-pool-x1-north``, "the crust endpoint":
    ``ep_crust_color``), when the question names no value of that kind; the reading is said in the answer.
    The kind's own word is no such part, and two values having as many leave the words as they are."""
    said = ({w.removesuffix("s") for w in entities.words} | set(entities.words)) - STOP_WORDS  # "to": no spill_to
    negated = {w.lower() for w in entities.negated}  # "every pool except the k80 pool": not the k80 one
    terms = [t for t in dict.fromkeys(entities.terms) if len(t) > 1 and t.lower() not in negated]
    added: list[tuple[str, str, str]] = []
    named = [k for k in declared if {kind_of(k), kind_of(k).rsplit("_", 1)[-1]} & said]
    for kind in named[:_MAX_NAMES]:
        words = {kind_of(kind), kind_of(kind).rsplit("_", 1)[-1]}
        if any(c and same_kind(c, kind) for c, _v in (*entities.values, *_pairs(added))):
            continue  # the question names a value of the kind already
        values = declared[kind]
        hits: dict[str, list[str]] = {}
        for value in values[:_MAX_PARTS_VALUES]:
            parts = set(_shape(value)[1]) - words
            found = [t for t in terms if t in parts]
            if found and len(found) < len(_shape(value)[1]):  # (a whole value is the enum's own choice)
                hits[value] = found
        if not hits:
            continue
        # a word naming one value alone names it ("t4 pool or the k80 pool": both), else the one value with most
        alone = [t for t in terms if sum(t in f for f in hits.values()) == 1]
        named_by = [next(v for v, f in hits.items() if t in f) for t in alone]
        if named_by:
            added.extend((kind, v, " ".join(hits[v])) for v in dict.fromkeys(named_by))
            continue
        best = max(len(f) for f in hits.values())
        top = [v for v, f in hits.items() if len(f) == best]
        if len(top) == 1:
            added.append((kind, top[0], " ".join(hits[top[0]])))
    if not added:
        return entities
    readings = [Reading(word, value, kind, "having those words in its name") for kind, value, word in added]
    return dataclasses.replace(
        entities,
        values=(*entities.values, *_pairs(added)),
        readings=(*entities.readings, *readings),
    )


def _pairs(added: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """``(kind, value)`` of each ``(kind, value, words)`` read."""
    return [(kind, value) for kind, value, _word in added]


def _unknown(name: str, kind: str, close: tuple[str, ...], read: _Read) -> UnknownName:
    """No ``kind`` named ``name``; a clear misspelling of one value (the same digits, very close) is answered
    for that value, and still reported."""
    assumed = typo_of(name, close)
    if assumed:
        read.add(kind, assumed)
    return UnknownName(name, kind, close, assumed)


def _with_declared(u: UnknownName, declared: dict[str, tuple[str, ...]], budget: _Budget) -> UnknownName:
    """An unknown name of a kind an enum declares, with that enum's values as close as its suggestions."""
    kinds = [k for k in declared if same_kind(k, u.kind)]
    candidates = (*u.suggestions, *(v for k in kinds for v in declared[k]))
    if not kinds or u.assumed or not budget.take(len(candidates)):
        return u
    scored = {v: _ratio(u.name, v) for v in candidates}
    close = tuple(v for v in sorted(scored, key=lambda v: (-scored[v], v)) if scored[v] >= _CLOSE)[:3]
    return u if close == u.suggestions or not close else dataclasses.replace(u, suggestions=close)
