"""A count whose things are a column, not the rows: "how many oven trays do we have" over a listing of tray pools.

:func:`counted_words` says what a "how many" question counts ("oven", "trays"); its head is the last of those
words that is no verb form ("trays"). When a tool's rows are other things (its name ends in another word:
``oven_tray_pools`` lists pools), the number of rows answers nothing asked: the things counted are in the
numeric columns named by the head (``trays_total``, ``trays_ready``; not a bound such as ``max_trays``), and
:func:`column_totals` adds them up. The other counted words narrow the rows when they are a whole part of
the values of one text column for some rows but not all ("oven" in ``pool=oven-pool-x1-north``, not in
``rack-pool-r3-north``). Nothing depends on a tool's or an estate's names: only the question's words and the
rows' own columns and values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.aggregate import counted_head
from opsuite_ops.domain.bm25 import stem
from opsuite_ops.domain.series_format import finite_number

__all__ = ["column_totals"]

_PARTS = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEGMENTS = re.compile(r"[\s._/:-]+")
#: Column-name parts of a bound or a setting, not of a number of things there are.
_BOUNDS = frozenset({"min", "max", "minimum", "maximum", "limit", "cap", "quota", "target", "desired", "slo"})
#: Column-name parts of an identifier, an address or a proportion: never a number of things to add up.
_NOT_COUNTS = frozenset({"id", "ids", "port", "pct", "percent", "percentage", "rate", "ratio", "fraction", "share"})
#: Parts a count-shaped name may have beside its head: ``trays_total``, ``num_trays``, ``trays_ready``.
_COUNT_PARTS = frozenset({"total", "count", "ready", "available", "healthy", "unhealthy", "running", "active",
                          "up", "down", "free", "used", "online", "offline", "allocated", "idle", "busy", "num",
                          "n", "number", "of", "current", "live"})  # fmt: skip
_WORDS = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def _parts(name: str) -> list[str]:
    return _PARTS.findall(_CAMEL.sub(" ", name).lower())


def _narrowed(
    rows: Sequence[Mapping[str, Any]], words: Sequence[str]
) -> tuple[list[Mapping[str, Any]], str, list[str]]:
    """The rows that each of ``words`` names through a whole part of one text column's values, how, and the
    words naming no row at all (the rows are not narrowed by those)."""
    kept: list[Mapping[str, Any]] = list(rows)
    how: list[str] = []
    unmatched: list[str] = []
    for word in words:
        anywhere = False
        for col in dict.fromkeys(c for r in kept for c in r):
            texts = [r.get(col) for r in kept]
            if not all(isinstance(t, str) for t in texts):
                continue
            hits = [r for r in kept if word in (low := str(r.get(col)).lower(), *_SEGMENTS.split(low))]
            anywhere = anywhere or bool(hits)
            if 0 < len(hits) < len(kept):
                kept, how = hits, [*how, f"{word} in {col}"]
                break
        if not anywhere:
            unmatched.append(word)
    return kept, ", ".join(how), unmatched


def _counts_head(col: str, key: str, before: Sequence[str]) -> bool:
    """Whether a column's name is shaped like a count of the head (``trays``, ``trays_total``, ``num_trays``,
    ``oven_trays_ready``), not an id, a port, a rate or a bound that merely has the head in it."""
    parts = _parts(col)
    if key not in {stem(p) for p in parts} or (_BOUNDS | _NOT_COUNTS) & set(parts):
        return False
    narrowing = {stem(w) for w in before}
    return all(stem(p) == key or p in _COUNT_PARTS or stem(p) in narrowing for p in parts)


def _rows_are_head(rows: Sequence[Mapping[str, Any]], key: str) -> bool:
    """Whether a text column names the head (``node``, ``node_name``, ``pod``): the rows are the things counted."""
    for col in dict.fromkeys(c for r in rows for c in r):
        parts = _parts(col)
        named = len(parts) == 1 or (len(parts) == 2 and parts[1] in {"name", "id", "hostname", "host", "key"})
        if parts and named and stem(parts[0]) == key and any(isinstance(r.get(col), str) for r in rows):
            return True
    return False


#: Column-name parts of a state ("status", "node_state", "phase"): a value of one is a state of the rows.
_STATE_PARTS = frozenset({"status", "state", "phase", "condition", "health"})


def _names_state(question: str, rows: Sequence[Mapping[str, Any]], skip: set[str]) -> bool:
    """Whether the question names a whole value of a state column ("notready" of ``status``): a count of rows
    in that state. A value of another column ("north" of ``region``) narrows the rows instead."""
    said = set(_WORDS.findall(question.lower())) - skip
    return any(
        isinstance(v, str) and v.strip().lower() in said and _STATE_PARTS & set(_parts(str(c)))
        for r in rows
        for c, v in r.items()
    )


def column_totals(question: str, rows: Sequence[Mapping[str, Any]], tool: str, source: str) -> str | None:
    """For a "how many" question whose counted things are no rows of ``tool`` but numeric columns of them, the
    totals of those columns (over the rows its other counted words narrow them to), as a line; else None."""
    head, before = counted_head(question)
    if not head or not rows:
        return None
    name = _parts(tool)
    if name and stem(name[-1]) == stem(head):
        return None  # the rows are the things counted
    key = stem(head)
    if _rows_are_head(rows, key) or _names_state(question, rows, {head, *before}):
        return None  # the rows are the things counted, or the question counts the rows in a state: count()
    columns = [
        col
        for col in dict.fromkeys(c for r in rows for c in r)
        if _counts_head(col, key, before)
        and all(finite_number(r.get(col)) is not None for r in rows if r.get(col) is not None)
        and any(finite_number(r.get(col)) is not None for r in rows)
    ]
    if not columns:
        return None
    # Other words of the question that are a whole value of the rows ("in north" of ``region``) narrow them too.
    values = {v.strip().lower() for r in rows for v in r.values() if isinstance(v, str)}
    valued = [w for w in dict.fromkeys(_WORDS.findall(question.lower())) if w in values and w not in before]
    named = {stem(p) for col in columns for p in _parts(col)}  # ("last" of ``last_gasps`` names, not narrows)
    kept, how, unmatched = _narrowed(rows, [*(w for w in before if stem(w) not in named), *valued])
    sums = []
    for col in columns:
        total = sum(n for r in kept if (n := finite_number(r.get(col))) is not None)
        sums.append(f"{col} {int(total) if total == int(total) else round(total, 2):,}")
    which = f"the {len(kept)} rows with {how} (of {len(rows)})" if how else f"the {len(rows)} rows"
    if unmatched:
        said = ", ".join(f'"{w}"' for w in unmatched)
        which += f" (no row's values have {said}: not narrowed to {'them' if len(unmatched) > 1 else 'it'})"
    return f"Totals over {which} of {source}: {'; '.join(sums)} (the rows are no {head}: their columns count them)"
