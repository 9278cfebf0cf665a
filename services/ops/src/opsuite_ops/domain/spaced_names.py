"""Names written with a space that a tool's enum declares ("OV 12C", a zone of ovens): the question's words
split them ("ov", "12c"), so neither an inventory nor an enum's single-word look-up finds them.

:func:`spaced_names` reads, for each enum whose values have spaces, the values whose words follow each other in
the question as values of that parameter's kind. When the values of a kind all start with the same word and
have the same number of words (a naming scheme: "OV 12C", "OV 07A"), that first word followed by words of the
same shape that are no value ("OV 30F") is a name of that kind the estate does not have: it is reported as
unknown, with the closest values. Nothing depends on a tool's or an estate's names: only the enums' values.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping, Sequence

from opsuite_ops.domain.entities import UnknownName
from opsuite_ops.domain.extract import Entities

__all__ = ["spaced_names"]

_CLOSE = 0.6


def _shape(word: str) -> str:
    return re.sub(r"[a-z]+", "a", re.sub(r"\d+", "9", word.lower()))


def spaced_names(entities: Entities, declared: Mapping[str, Sequence[str]]) -> Entities:
    """``entities`` with the spaced enum values the question writes read as values of their kinds, and a name of
    such a scheme that is none of them reported as unknown (see the module docstring)."""
    words = [w.lower() for w in entities.words]
    values = list(entities.values)
    unknown = list(entities.unknown)
    taken: set[int] = set()
    for kind, declared_values in declared.items():
        spaced = [v for v in declared_values if len(v.split()) > 1]
        if not spaced:
            continue
        for v in spaced:
            parts = v.lower().split()
            for i in range(len(words) - len(parts) + 1):
                if words[i : i + len(parts)] == parts and (kind, v) not in values:
                    values.append((kind, v))
                    taken.update(range(i, i + len(parts)))
        heads = {v.split()[0].lower() for v in spaced}
        sizes = {len(v.split()) for v in spaced}
        if len(spaced) < 2 or len(heads) != 1 or len(sizes) != 1:
            continue
        head, size = heads.pop(), sizes.pop()
        tails = {tuple(_shape(p) for p in v.split()[1:]) for v in spaced}
        for i, w in enumerate(words):
            said = words[i : i + size]
            if w != head or i in taken or len(said) < size or tuple(_shape(p) for p in said[1:]) not in tails:
                continue
            name = " ".join(said).upper() if all(v == v.upper() for v in spaced) else " ".join(said)
            scored = sorted(spaced, key=lambda v: -difflib.SequenceMatcher(None, v.lower(), name.lower()).ratio())
            close = tuple(
                v for v in scored[:3] if difflib.SequenceMatcher(None, v.lower(), name.lower()).ratio() >= _CLOSE
            )
            if not any(u.name.lower() == name.lower() for u in unknown):
                unknown.append(UnknownName(name, kind, close, ""))
    if values == list(entities.values) and unknown == list(entities.unknown):
        return entities
    # The words of a value read (or of an unknown name of the scheme) are that name, no terms nor names of their own.
    written = {p.lower() for _k, v in values for p in v.split()} | {p.lower() for u in unknown for p in u.name.split()}
    return dataclasses.replace(
        entities,
        values=tuple(values),
        unknown=tuple(unknown),
        terms=tuple(t for t in entities.terms if t not in written),
        rare=tuple(t for t in entities.rare if t not in written),
        guessed=tuple(g for g in entities.guessed if g not in written),
        services=tuple(n for n in entities.services if n not in written),
        hosts=tuple(n for n in entities.hosts if n not in written),
    )
