"""Codes a description lists in brackets: "region name or group (NA, EU, APAC, SA)".

A parameter's description often lists the codes it takes that no inventory lists ("group (NA, EU, APAC, SA)"), and
a tool's description the members of one of its enum options ("summed by platform, region or region group (NA, EU,
APAC, SA)"). A question writing one of those codes ("CCU EU vs NA") names it:

* :func:`codes_named`: the codes of a free-text parameter's description the question writes (one call each);
* :func:`option_of_members`: the one enum option whose label the tool's description follows with a bracketed list
  holding a code the question writes (``by`` = ``region_group`` for "EU vs NA").

A code is a list item written in capitals (or with a digit): "EU", "APAC", "L2"; lowercase items are words as often as
codes and are left alone. The question writes a code of two letters as the description does (capitals: "EU", not
"eu"), a longer one in any case. A bracket holding one item, or prose, lists nothing. Read from the schema alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = ["codes_named", "option_of_members"]

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
