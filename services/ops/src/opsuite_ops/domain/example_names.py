"""Names the estate does not list but a tool's parameter describes: "parcelpost.net" for "carrier domain, e.g.
example.net".

The inventory holds the names the estate's listings return; a tool may still take names of a kind nothing
lists (recipient domains, customer accounts): its parameter's description then often shows one ("e.g.
example.org"). A name of the question that is no known host or service, close to none, and spelt like such an
example (the same separators between the same number of parts, and matching the parameter's ``pattern``
when it has one) is a value of that parameter's kind, not an unknown host (nor a host or service guessed by
its shape, where no tool takes one): it fills the parameter, and when no output of the run mentions it, the
answer says it may not exist (see :func:`~opsuite_ops.domain.unmatched.unmatched_names`). Read from the tools'
schemas alone, after the names a parameter's enum declares (:mod:`enum_names`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.enum_names import names_by_enum
from opsuite_ops.domain.extract import Entities
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.param_kinds import (
    id_like,
    ids_like_example,
    is_search_param,
    param_concept,
    pattern_ok,
    window_bound,
)
from opsuite_ops.domain.token_kinds import PORT_PATH, word_shape

__all__ = ["example_kind", "ids_by_example", "names_by_example", "spelt_like_example"]

_EXAMPLE = re.compile(r"\b(?:e\.g\.|eg\.|for example|such as)\s*([A-Za-z0-9][\w.:/@-]*[A-Za-z0-9])", re.IGNORECASE)
_PARTS = re.compile(r"[^A-Za-z0-9]+")
#: Kinds a name of an unknown kind may have been read as (a host or service the estate does not have).
_NAME_KINDS = frozenset({"host", "service", "host or service"})


def _shape(text: str) -> tuple[str, int]:
    """The separators of a name and its number of parts ("example.org" -> (".", 2))."""
    return "".join(c for c in text if not c.isalnum()), len([p for p in _PARTS.split(text) if p])


def example_kind(name: str, tools: Sequence[Tool], entities: Entities) -> str | None:
    """The parameter whose example ``name`` is spelt like: a plain string naming a thing (no host, service,
    id, time or search text, no enum) of a kind the inventory does not list; None when there is none."""
    inv = entities.inventory
    shape = _shape(name)
    if not shape[0]:
        return None  # a plain word is never a name by its spelling alone
    for tool in tools:
        for param, schema in tool.properties.items():
            if schema.get("type", "string") != "string" or schema.get("enum") or schema.get("format"):
                continue
            concept = param_concept(param, schema)
            if concept in ("host", "service", "id", "entity") or window_bound(concept, param, schema) is not None:
                continue
            if is_search_param(tool, param, schema) or (inv is not None and inv.lists(param)):
                continue
            example = _EXAMPLE.search(str(schema.get("description", "")))
            if example is not None and _shape(example.group(1)) == shape and pattern_ok(schema, name):
                return param
    return None


_LETTERS = re.compile(r"^[A-Za-z]{1,3}(?=\d)")
#: A reference written as a template: capitals, then "n" (or a year "yy"/"yyyy") for its digits ("VTX-CS-nnnnn").
_TEMPLATE = re.compile(r"(?<![-/A-Za-z0-9])[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+)*[-/](?:y{2}(?:y{2})?[-/])?n{2,}\b")
_TEMPLATE_DIGITS = re.compile(r"(?<=[-/])(?:y+|n+)")


def prefixed_example(word: str, tools: Sequence[Tool]) -> tuple[str, str] | None:
    """``(parameter, name)`` when ``word`` ("2131b") with the letters a parameter's example starts with ("P" of
    "e.g. P2131B") is spelt like that example (letters and digits in the same places, the same length, and
    matching the parameter's ``pattern``): the name written without its kind's letters. None otherwise, or when
    two parameters would take different names."""
    if not word[:1].isdigit() or not any(c.isalpha() for c in word):
        return None
    found: set[tuple[str, str]] = set()
    for tool in tools:
        for param, schema in tool.properties.items():
            if schema.get("type", "string") != "string" or schema.get("enum") or schema.get("format"):
                continue
            example = _EXAMPLE.search(str(schema.get("description", "")))
            letters = _LETTERS.match(example.group(1)) if example is not None else None
            if example is None or letters is None:
                continue
            spelt = example.group(1)
            name = letters.group(0) + (
                word.upper() if spelt[len(letters.group(0)) :].isupper() or spelt.isupper() else word
            )
            if len(name) == len(spelt) and word_shape(name) == word_shape(spelt) and pattern_ok(schema, name):
                found.add((param, name))
    return found.pop() if len({n for _p, n in found}) == 1 and len(found) == 1 else None


def _example_itself(name: str, tools: Sequence[Tool]) -> str | None:
    """The one parameter whose example is ``name`` itself, case aside ("paynora-eu" for "PSP code, e.g.
    PayNora-EU"): a name of that kind, however close to a listed host or service it is."""
    found = {
        param
        for tool in tools
        for param, schema in tool.properties.items()
        if (ex := _EXAMPLE.search(str(schema.get("description", ""))[:2000])) and ex.group(1).lower() == name.lower()
    }
    return found.pop() if len(found) == 1 else None


def names_by_example(entities: Entities, tools: Sequence[Tool]) -> Entities:
    """``entities`` with each unknown name that is close to no known name and spelt like a parameter's example
    read as a value of that parameter's kind (see the module docstring), once the names the tools' enums
    declare are read as theirs."""
    entities = names_by_enum(entities, tools)
    moved: list[tuple[str, str]] = []
    kept = []
    for unknown in entities.unknown:
        param = _example_itself(unknown.name, tools) if unknown.kind in _NAME_KINDS else None
        if param is None and unknown.kind in _NAME_KINDS and not unknown.suggestions and not unknown.assumed:
            param = example_kind(unknown.name, tools, entities)
        if param is None:
            kept.append(unknown)
        else:
            moved.append((param, unknown.name))
    # A name read by its shape alone as a host or service, where no tool takes a name of that kind: a value
    # of the kind whose example it is spelt like, if any.
    taken = {param_concept(p, sc) for t in tools for p, sc in t.properties.items()}
    guessed = []
    for name in entities.guessed:
        kind = "host" if name in entities.hosts else "service" if name in entities.services else ""
        param = None
        if kind and not {kind, "entity"} & taken:
            param = example_kind(name, tools, entities)
        if param is None:
            guessed.append(name)
        else:
            moved.append((param, name))
    # A port's path ("0/2/5") no listing names, spelt like a parameter's example ("e.g. 1/0/12").
    ports = [(param, t) for t in entities.terms if PORT_PATH.match(t) and (param := example_kind(t, tools, entities))]
    moved.extend(ports)
    # "2131B" for a parameter whose example is "P2131B": the name without the letters its kind is written with.
    prefixed = [(t, found) for t in entities.terms if (found := prefixed_example(t, tools)) is not None]
    moved.extend(found for _t, found in prefixed)
    if not moved:
        return entities
    names = {n for _p, n in moved}
    values = (*entities.values, *(m for m in moved if m not in entities.values))
    bare = {t for t, _found in prefixed}
    return dataclasses.replace(
        entities,
        terms=tuple(t for t in entities.terms if t not in names and t not in bare),
        unknown=tuple(kept),
        values=values,
        guessed=tuple(guessed),
        hosts=tuple(h for h in entities.hosts if h not in names),
        services=tuple(s for s in entities.services if s not in names),
    )


def ids_by_example(entities: Entities, tools: Sequence[Tool]) -> Entities:
    """``entities`` with each name read by its shape alone (a guessed host or service), or unknown as a host or
    service and close to no known name, that has digits and is written like the example of a parameter taking
    ids (:func:`param_kinds.id_like`: "LMS-CS-20417" for "ticket reference, e.g. LMS-CS-20417") read as a record
    id, as the question writes it: a supplier's case the listings of hosts never hold is no unknown host."""
    examples = [
        found.group(1)
        for tool in tools
        for param, schema in tool.properties.items()
        if param_concept(param, schema) == "id" and (found := _EXAMPLE.search(str(schema.get("description", ""))))
    ]
    unknown = [u.name for u in entities.unknown if u.kind in _NAME_KINDS and not u.suggestions and not u.assumed]
    if not entities.guessed and not unknown:
        return entities
    # The references a tool taking ids writes as templates ("Veltrix VTX-CS-nnnnn", "CVN/yyyy/nnn"): digits there.
    examples += [
        _TEMPLATE_DIGITS.sub(lambda m: "9" * len(m.group(0)), found.group(0))
        for tool in tools
        if any(param_concept(p, sc) == "id" for p, sc in tool.properties.items())
        for found in _TEMPLATE.finditer(tool.description)
    ]
    if not examples:
        return entities
    spelt = {m.group(0).lower(): m.group(0) for m in re.finditer(r"[\w./:#-]+", entities.question)}
    moved = [g for g in (*entities.guessed, *unknown) if any(c.isdigit() for c in g)
             and any(id_like(spelt.get(g, g), e) for e in examples)]  # fmt: skip
    if not moved:
        return entities
    ids = [spelt.get(g, g) for g in moved]
    return dataclasses.replace(
        entities,
        ids=(*entities.ids, *(i for i in ids if i not in entities.ids)),
        guessed=tuple(g for g in entities.guessed if g not in moved),
        unknown=tuple(u for u in entities.unknown if u.name not in moved),
        hosts=tuple(h for h in entities.hosts if h not in moved),
        services=tuple(s for s in entities.services if s not in moved),
    )


def _mask(word: str) -> str:
    return re.sub(r"[a-z]", "a", re.sub(r"\d", "9", word.lower()))


def spelt_like_example(schema: Mapping[str, Any], entities: Entities, tool: Tool | None = None) -> list[str]:
    """Names of the question a filter parameter takes by its example: record ids spelt like it ("IP-00233" for
    "e.g. IP-00207", :func:`~opsuite_ops.domain.param_kinds.ids_like_example`), else names read by their shape
    alone, or terms of letters and digits, that have them in the very places of an example having digits ("DL41"
    for "e.g. DL41", "DL40" too; never "DLX1"), an example of three characters or more, and no value an enum of the
    tool takes ("p1" of a severity is no shard like "e.g. s3p1")."""
    if ids := ids_like_example(schema, entities):
        return ids
    found = _EXAMPLE.search(str(schema.get("description", ""))[:2000])
    if found is None or len(found.group(1)) < 3 or not any(c.isdigit() for c in found.group(1)):
        return []  # ("e.g. s3": two characters say too little of a spelling)
    taken = {str(v).lower() for sc in (tool.properties.values() if tool else ()) for v in sc.get("enum") or ()}
    mask, out = _mask(found.group(1)), []
    coded = [t for t in entities.terms if any(c.isdigit() for c in t) and any(c.isalpha() for c in t)]
    for word in dict.fromkeys([*entities.guessed, *coded]):  # (a code the inventory's reading left a plain term)
        typed = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", entities.question, re.IGNORECASE)
        name = typed.group(0) if typed else word  # as the question writes it ("DL41", not "dl41")
        if _mask(name) == mask and pattern_ok(schema, name) and name.lower() not in taken:  # (not "p1" of a severity)
            out.append(name)
    return out
