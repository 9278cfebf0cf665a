"""Names written with a space that a tool's enum declares ("OV 12C", a zone of ovens): the question's words
split them ("ov", "12c"), so neither an inventory nor an enum's single-word look-up finds them.

:func:`spaced_names` reads, for each enum whose values have spaces, the values whose words follow each other in
the question as values of that parameter's kind. When the values of a kind all start with the same word and
have the same number of words (a naming scheme: "OV 12C", "OV 07A"), that first word followed by words of the
same shape that are no value ("OV 30F") is a name of that kind the estate does not have: it is reported as
unknown, with the closest values. Nothing depends on a tool's or an estate's names: only the enums' values.
The work is bounded whatever the question and the enums: values are looked up by their words (no scan of
values per word), at most :data:`MAX_SPACED_VALUES` values are read per enum and :data:`MAX_UNKNOWN` unknown
names are scored, each once.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence

from opsuite_ops.domain.entities import UnknownName
from opsuite_ops.domain.extract import Entities
from opsuite_ops.domain.token_kinds import word_shape

__all__ = ["MAX_SPACED_VALUES", "MAX_UNKNOWN", "spaced_names"]

_CLOSE = 0.6
#: Spaced values of one enum read at most (a longer enum's others are not looked for).
MAX_SPACED_VALUES = 500
#: Unknown names of a scheme reported (and compared with the values) per question at most.
MAX_UNKNOWN = 3


def spaced_names(entities: Entities, declared: Mapping[str, Sequence[str]]) -> Entities:
    """``entities`` with the spaced enum values the question writes read as values of their kinds, and a name of
    such a scheme that is none of them reported as unknown (see the module docstring)."""
    words = [w.lower() for w in entities.words]
    values = list(entities.values)
    unknown = list(entities.unknown)
    written: set[str] = set()  # the words of the names this reading found (no terms of their own)
    found = 0
    for kind, declared_values in declared.items():
        spaced = [v for v in declared_values if len(v.split()) > 1][:MAX_SPACED_VALUES]
        if not spaced:
            continue
        by_words = {tuple(v.lower().split()): v for v in spaced}
        sizes = {len(k) for k in by_words}
        taken: set[int] = set()
        for i in range(len(words)):
            for size in sizes:
                value = by_words.get(tuple(words[i : i + size]))
                if value is not None:
                    taken.update(range(i, i + size))
                    written.update(value.lower().split())
                    if (kind, value) not in values:
                        values.append((kind, value))
        heads = {k[0] for k in by_words}
        if len(spaced) < 2 or len(heads) != 1 or len(sizes) != 1:
            continue
        head, size = heads.pop(), sizes.pop()
        tails = {tuple(word_shape(p) for p in k[1:]) for k in by_words}
        for i, w in enumerate(words):
            said = words[i : i + size]
            if w != head or i in taken or len(said) < size or tuple(word_shape(p) for p in said[1:]) not in tails:
                continue
            name = " ".join(said).upper() if all(v == v.upper() for v in spaced) else " ".join(said)
            written.update(said)
            if found >= MAX_UNKNOWN or any(u.name.lower() == name.lower() for u in unknown):
                continue
            found += 1
            close = tuple(difflib.get_close_matches(name, spaced, n=3, cutoff=_CLOSE))
            unknown.append(UnknownName(name, kind, close, ""))
    if values == list(entities.values) and unknown == list(entities.unknown):
        return entities
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
