"""Codes a description lists in brackets: "region name or group (NA, EU, APAC, SA)".

A parameter's description often lists the codes it takes that no inventory lists ("group (NA, EU, APAC, SA)"), and
a tool's description the members of one of its enum options ("summed by platform, region or region group (NA, EU,
APAC, SA)"). A question writing one of those codes ("CCU EU vs NA") names it:

* :func:`codes_named`: the codes of a free-text parameter's description the question writes (one call each);
* :func:`option_of_members`: the one enum option whose label the tool's description follows with a bracketed list
  holding a code the question writes (``by`` = ``region_group`` for "EU vs NA").

* :func:`described_names`: the proper names a tool's description lists in the sentence speaking of a parameter's kind
  ("Cases with vendors and network carriers: Kestrel Metro Networks (KMN-TT-nnnnnn), Northway Fibre ...") that the
  question names by their first word ("whats kestrel said about the line b fault": vendor=Kestrel Metro Networks).

A code is a list item written in capitals (or with a digit): "EU", "APAC", "L2"; lowercase items are words as often as
codes and are left alone. The question writes a code of two letters as the description does (capitals: "EU", not
"eu"), a longer one in any case. A bracket holding one item, or prose, lists nothing. Read from the schema alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from opsuite_ops.domain.bm25 import stem, tokenise
from opsuite_ops.domain.model import Tool

__all__ = ["codes_named", "described_names", "option_of_members"]

_BRACKETS = re.compile(r"\(([^()]{1,200})\)")
_ITEM_SPLIT = re.compile(r"\s*(?:,|;|\bor\b|\band\b)\s*")
_CODE = re.compile(r"^(?=[A-Z0-9-]*[A-Z])(?:[A-Z][A-Z0-9-]{1,7}|[A-Za-z]+\d[\w-]*)$")


def _codes(listed: str) -> list[str]:
    items = [i.strip() for i in _ITEM_SPLIT.split(listed) if i.strip()]
    if len(items) < 2:
        return []
    codes = [i for i in items if _CODE.match(i)]
    return codes if len(codes) >= 2 else []


def _written(code: str, question: str) -> int | None:
    """Where ``question`` writes ``code`` (see the module docstring), or None."""
    flags = 0 if len(code) <= 2 else re.IGNORECASE
    m = re.search(rf"(?<![\w/-]){re.escape(code)}(?![\w/-])", question, flags)
    return m.start() if m else None


def codes_named(description: str, question: str) -> list[str]:
    """The codes bracketed lists of ``description`` hold that ``question`` writes, in the question's order."""
    found: dict[str, int] = {}
    for listed in _BRACKETS.findall(description[:2000]):
        for code in _codes(listed):
            if (at := _written(code, question)) is not None:
                found.setdefault(code, at)
    return sorted(found, key=found.__getitem__)


def option_of_members(options: Sequence[Any], description: str, question: str) -> Any | None:
    """The one option whose label (its words, "region group" of ``region_group``) ``description`` follows with a
    bracketed list holding a code ``question`` writes; None when no option, or several, is named so."""
    chosen = []
    for option in options:
        label = re.sub(r"[_-]+", " ", str(option)).strip()
        if not label:
            continue
        for m in re.finditer(rf"\b{re.escape(label)}\s*\(([^()]{{1,200}})\)", description[:2000], re.IGNORECASE):
            if any(_written(c, question) is not None for c in _codes(m.group(1))):
                chosen.append(option)
                break
    return chosen[0] if len(chosen) == 1 else None


#: A proper name: two capitalised words or more in a row ("Kestrel Metro Networks", "Caldermoor Transformers").
_PROPER = re.compile(r"(?<![\w(])[A-Z][a-z]{3,}(?:\s+[A-Z][A-Za-z]+)+")
_SENTENCE = re.compile(r"(?<=[.;])\s+")


def described_names(tool: Tool, param: str, question: str) -> list[str]:
    """The proper names (two capitalised words or more, two names or more listed) the sentences of ``tool``'s
    description speaking of ``param``'s kind (the stem of its name: "vendors" for ``vendor``) list, that ``question``
    names by their first word (distinctive: "kestrel" of Kestrel Metro Networks, never a sentence's opening word);
    in the description's order."""
    said = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", question[:2000])}
    kind = stem(param.lower())
    out: list[str] = []
    for sentence in _SENTENCE.split(tool.description[:2000]):
        if kind not in {stem(w) for w in tokenise(sentence, keep_stop_words=True)}:
            continue
        names = [m for m in _PROPER.finditer(sentence) if m.start() > 0]
        if len(names) < 2:
            continue  # a list of names of that kind, not one phrase in capitals ("Kafka Connect")
        for m in names:
            if m.group(0).split()[0].lower() in said and m.group(0) not in out:
                out.append(m.group(0))
    return out
