"""A count whose things are a column, not the rows: "how many gpu nodes do we have" over a listing of node pools.

:func:`counted_words` says what a "how many" question counts ("gpu", "nodes"); its head is the last of those
words that is no verb form ("nodes"). When a tool's rows are other things (its name ends in another word:
``gpu_node_pools`` lists pools), the number of rows answers nothing asked: the things counted are in the
numeric columns named by the head (``nodes_total``, ``nodes_ready``; not a bound such as ``max_nodes``), and
:func:`column_totals` adds them up. The other counted words narrow the rows when they are a whole part of
the values of one text column for some rows but not all ("gpu" in ``pool=gpu-pool-a100-euw4``, not in
``cpu-pool-c3-euw4``). Nothing depends on a tool's or an estate's names: only the question's words and the
rows' own columns and values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.aggregate import counted_words
from opsuite_ops.domain.bm25 import is_verb_or_adverb, stem

__all__ = ["column_totals", "counted_head"]

_PARTS = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEGMENTS = re.compile(r"[\s._/:-]+")
#: Column-name parts of a bound or a setting, not of a number of things there are.
_BOUNDS = frozenset({"min", "max", "minimum", "maximum", "limit", "cap", "quota", "target", "desired", "slo"})


def _parts(name: str) -> list[str]:
    return _PARTS.findall(_CAMEL.sub(" ", name).lower())


def counted_head(question: str) -> tuple[str, tuple[str, ...]]:
    """The head of what ``question`` counts ("nodes") and the words before it ("gpu",); ("", ()) for none."""
    words = [w for w in counted_words(question) if w.isalnum()]
    while words and is_verb_or_adverb(words[-1]):
        words.pop()  # "how many backups failed": the act, not the thing
    if not words:
        return "", ()
    return words[-1], tuple(words[:-1])


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _narrowed(rows: Sequence[Mapping[str, Any]], words: Sequence[str]) -> tuple[list[Mapping[str, Any]], str]:
    """The rows that each of ``words`` names through a whole part of one text column's values, and how."""
    kept: list[Mapping[str, Any]] = list(rows)
    how: list[str] = []
    for word in words:
        for col in dict.fromkeys(c for r in kept for c in r):
            texts = [r.get(col) for r in kept]
            if not all(isinstance(t, str) for t in texts):
                continue
            hits = [r for r in kept if word in _SEGMENTS.split(str(r.get(col)).lower())]
            if 0 < len(hits) < len(kept):
                kept, how = hits, [*how, f"{word} in {col}"]
                break
    return kept, ", ".join(how)


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
    columns = [
        col
        for col in dict.fromkeys(c for r in rows for c in r)
        if key in {stem(p) for p in _parts(col)}
        and not _BOUNDS & set(_parts(col))
        and all(_number(r.get(col)) is not None for r in rows if r.get(col) is not None)
        and any(_number(r.get(col)) is not None for r in rows)
    ]
    if not columns:
        return None
    kept, how = _narrowed(rows, before)
    sums = []
    for col in columns:
        total = sum(n for r in kept if (n := _number(r.get(col))) is not None)
        sums.append(f"{col} {int(total) if total == int(total) else round(total, 2):,}")
    which = f"the {len(kept)} rows with {how} (of {len(rows)})" if how else f"the {len(rows)} rows"
    return f"Totals over {which} of {source}: {'; '.join(sums)} (the rows are no {head}: their columns count them)"
