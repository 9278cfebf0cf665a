"""Comparisons: "X vs Y" is complete only when every side it compares came back.

A question comparing named things ("queue wait linux-small vs arm64", "cpu of web-03 vs web-02", "compare
the hit ratio of A and B") is asked of each side: one call per side (see :mod:`fill`). When a tool answered
for one side and has no call with data for another (never called for it, failed, or empty), the answer
compares nothing: :func:`one_sided` gives a NOT_COVERED reason naming the missing side, so the answer is
PARTIAL, never COMPLETE.

The sides are the words right around "vs"/"versus" ("compared to/with"), or around the "and"/"with" after
"compare"; a side matches a call's argument when it is the argument, its last path segment or a whole part
of it ("billing" for ``quill/billing-svc``). English question form only; no tool or estate names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from opsuite_ops.domain.bm25 import STOP_WORDS
from opsuite_ops.domain.entities import is_empty, name_key
from opsuite_ops.domain.executor import RunState
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, PlanStep, Tool

__all__ = ["compared_sides", "one_sided"]

_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/:-]*[A-Za-z0-9])?")
_VERSUS = frozenset({"vs", "versus"})
_PARTS = re.compile(r"[/:._-]+")
#: Words of a question looked at for its sides (a question is bounded; this keeps the work small).
_MAX_TOKENS = 200


def compared_sides(question: str) -> list[str]:
    """The things ``question`` compares, in its order ("queue wait linux-small vs arm64" -> linux-small,
    arm64); empty when it compares nothing."""
    tokens = [t for t in _TOKEN.findall(question[:2000])][:_MAX_TOKENS]
    lows = [t.lower() for t in tokens]
    comparing = "compare" in lows
    sides: list[str] = []
    for k, low in enumerate(lows):
        if low in _VERSUS:
            before = k - 1
        elif low in ("to", "with") and k > 1 and lows[k - 1] == "compared":
            before = k - 2  # "X compared to Y"
        elif comparing and low in ("and", "with"):
            before = k - 1  # "compare X and Y"
        else:
            continue
        after = next((tokens[j] for j in range(k + 1, len(tokens)) if lows[j] not in STOP_WORDS), "")
        for side in (tokens[before] if before >= 0 else "", after):
            if side and side.lower() not in STOP_WORDS and side not in sides:
                sides.append(side)
    return sides


def _matches(side: str, value: object) -> bool:
    if not isinstance(value, str) or not value:
        return False
    key = name_key(side)
    parts = [p for p in _PARTS.split(value.lower()) if p]
    return key in (name_key(value), name_key(re.split(r"[/:]", value)[-1])) or side.lower() in parts


def one_sided(
    question: str, plan_steps: Sequence[PlanStep], state: RunState, tools: Mapping[str, Tool]
) -> list[AnswerStatusReason]:
    """NOT_COVERED for each side of a comparison that a tool answered for another side but not for it."""
    sides = compared_sides(question)
    if len(sides) < 2:
        return []
    called: dict[str, set[str]] = {}
    with_data: dict[str, set[str]] = {}
    for step in plan_steps:
        rec = state.latest.get(step.id)
        if step.tool not in tools or rec is None:
            continue
        for side in sides:
            if any(_matches(side, v) for v in rec.arguments.values()):
                called.setdefault(step.tool, set()).add(side)
                if rec.ok and not is_empty(rec.output):
                    with_data.setdefault(step.tool, set()).add(side)
    out: list[AnswerStatusReason] = []
    for tool, answered in with_data.items():
        for side in sides:
            if side in answered:
                continue
            got = ", ".join(s for s in sides if s in answered)
            why = "returned no data for it" if side in called.get(tool, set()) else "was not called for it"
            out.append(
                AnswerStatusReason(
                    AnswerReason.NOT_COVERED,
                    f"the comparison is one-sided: {tool} answered for {got} but {why}, so {side} is missing",
                    tool,
                )
            )
    return out
