"""Reading the estate's inventory for a question: which listings are called, in one round or two.

The first round calls the best :func:`~opsuite_ops.domain.entities.inventory_candidates` (at most
:data:`~opsuite_ops.domain.entities.MAX_INVENTORY_CALLS`, ranked by how much they speak of hosts and services).
A question may name a thing by a word only a listing of another kind holds ("when did yatewell last sync": a
warehouse's town in the warehouses' list, while the best candidates list services and sync runs). When a plain
word of the question is known to no tool, or a name read by its shape ("ORM_O01_OUT_RIS") is known to no value
of the first round's rows, a second round calls the
next candidates (those the question's words rank best first, then listings tagged ``inventory`` or ``config``),
at most as many again; of their rows only
those holding such a word or name (as a value or a whole part of one) join the inventory, so that a listing called
for one word brings no other names. A word any tool knows, a verb ("climbing") or a word the first round found
calls nothing more.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from opsuite_ops.domain.bm25 import is_verb_or_adverb, stem
from opsuite_ops.domain.coverage import is_topic, vocabulary
from opsuite_ops.domain.entities import (
    MAX_INVENTORY_CALLS,
    Inventory,
    inventory_candidates,
    inventory_from_outputs,
    inventory_pool,
    inventory_rows,
    name_key,
)
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.model import Tool
from opsuite_ops.domain.ranking import rank_tools

__all__ = ["read_inventory", "unlisted_names", "unlisted_words"]

#: A listing's output by tool name (None when the call failed or timed out).
CallListing = Callable[[Tool], Awaitable[tuple[str, Any]]]
#: Tags of the listings the second round prefers: what the estate has, not what happened to it.
_LISTING_TAGS = frozenset({"inventory", "config"})
#: Rows of a second-round listing looked at, and what splits a cell into its parts.
_MAX_ROWS = 5000
_MAX_CELL = 2000
_PARTS = re.compile(r"[\s/:._,;()+-]+")
#: Shortest word looked for in a second round (shorter ones are abbreviations, not names).
_MIN_WORD = 4


def unlisted_words(terms: Sequence[str], vocab: frozenset[str], inventory: Inventory | None) -> list[str]:
    """The plain words of ``terms`` that may name a thing: known to no tool (``vocab``) and neither a value nor a
    whole part of a value of ``inventory``."""
    out = []
    for term in terms:
        low = term.lower()
        if len(low) < _MIN_WORD or not low.isalpha() or low in vocab or stem(low) in vocab:
            continue
        if is_verb_or_adverb(low) or not is_topic(low, vocab):
            continue  # ("climbing": what a thing does, not a name)
        if inventory is not None and (inventory.value(low) is not None or inventory.has_part(low)):
            continue
        out.append(low)
    return out


def unlisted_names(names: Sequence[str], inventory: Inventory | None) -> list[str]:
    """The names of ``names`` (read by their shape: "ORM_O01_OUT_RIS") that ``inventory`` neither lists as a
    host, service or value nor has as a whole part of one."""
    if inventory is None:
        return list(names)
    return [
        n for n in names if inventory.lookup(n) is None and inventory.value(n) is None and not inventory.has_part(n)
    ]


def _rows_with(data: Any, wanted: set[str]) -> Any:
    """The rows of a second-round listing (a table's rows or a list of records, as :func:`entities.inventory_rows`
    reads them) that hold a word or name looked for (as a value, or a whole word or part of one), as a table of
    those rows alone; the others name nothing the question asks about and are left out of the inventory."""
    kept = []
    for row in inventory_rows(data)[:_MAX_ROWS]:
        cells = [v[:_MAX_CELL] for v in row.values() if isinstance(v, str)]
        parts = {p for v in cells for p in (name_key(v), *_PARTS.split(v.lower())) if p}
        if parts & wanted:
            kept.append(row)
    return {"rows": kept} if kept else None


def _second_round(tools: Sequence[Tool], first: Sequence[Tool], question: str) -> list[Tool]:
    """The next listings: those the question's words rank best first ("brwk's drop copy": the member sessions),
    then those tagged as listings of what the estate has, then the fewest parameters."""
    taken = {t.name for t in first}
    rest = [t for t in inventory_pool(tools) if t.name not in taken]
    score = {t.name: s for t, s in rank_tools(question, rest)}
    rest.sort(
        key=lambda t: (-round(score.get(t.name, 0.0), 6), not (_LISTING_TAGS & t.tags), len(t.properties), t.name)
    )
    return rest[:MAX_INVENTORY_CALLS]


async def read_inventory(question: str, tools: Sequence[Tool], now: datetime, call: CallListing) -> Inventory | None:
    """The names the estate's own listings hold, when the question has a word no tool knows (else None); a
    listing that fails or lists nothing is ignored."""
    candidates = inventory_candidates(tools)
    if not candidates:
        return None
    vocab = vocabulary(tools)
    seen = extract_entities(question, now=now, vocabulary=vocab)
    if not (seen.hosts or seen.services or seen.unknown or seen.ids or seen.terms):
        return None  # nothing that could be a name (a service may be called "search": any word may be one)
    outputs = dict(await asyncio.gather(*(call(t) for t in candidates)))
    found = inventory_from_outputs({k: v for k, v in outputs.items() if v is not None})
    words = unlisted_words(seen.terms, vocab, found or None)
    names = unlisted_names([*seen.hosts, *seen.services, *(u.name for u in seen.unknown)], found or None)
    if words or names:
        more = _second_round(tools, candidates, question)
        wanted = {*words, *(name_key(n) for n in names)}
        if more:
            extra = dict(await asyncio.gather(*(call(t) for t in more)))
            outputs.update({k: _rows_with(v, wanted) for k, v in extra.items()})
            found = inventory_from_outputs({k: v for k, v in outputs.items() if v is not None})
    return found if found else None
