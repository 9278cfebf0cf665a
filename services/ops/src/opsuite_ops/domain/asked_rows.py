"""A call cut at the answer's row limit whose left-out rows hold nothing the question names is no partial answer.

"how has MWL-4431's RSL been trending" may also fetch every cell's daily KPIs (882 rows, 63 groups): the answer
shows some of them and says so, but no row left out is about MWL-4431, so the cut loses nothing asked. When the
question names things by id (a token with letters and digits, "MWL-4431", "hlm034-l1"; not "24hrs") and every row
of a call holding one of them is in the answer's table (or none holds one), that call's cut is not a reason for
PARTIAL; a question naming nothing keeps every cut ("worst cells for DCR": any row may be the worst).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_ops.domain.entities import name_key
from opsuite_ops.domain.model import AnswerReason, AnswerStatusReason, Block, BlockKind

__all__ = ["asked_ids", "off_subject_cuts"]

_TOKEN = re.compile(r"[A-Za-z0-9][\w.-]*[A-Za-z0-9]")
_DURATION = re.compile(r"^\d+(?:s|secs?|m|mins?|h|hrs?|hours?|d|days?|w|wks?|weeks?|months?|mo|y|yrs?)$", re.I)


def asked_ids(question: str) -> frozenset[str]:
    """The name keys of the ids ``question`` names: tokens of 4 characters or more with letters and digits."""
    return frozenset(
        name_key(t)
        for t in _TOKEN.findall(question[:4000])
        if len(t) >= 4 and any(c.isdigit() for c in t) and any(c.isalpha() for c in t) and not _DURATION.match(t)
    )


def _holds(values: Sequence[Any] | Mapping[str, Any], asked: frozenset[str]) -> bool:
    cells = values.values() if isinstance(values, Mapping) else values
    return any(isinstance(v, str) and len(v) <= 80 and name_key(v) in asked for v in cells)


def off_subject_cuts(question: str, rows: Sequence[Mapping[str, Any]], blocks: Sequence[Block],
                     cuts: Sequence[AnswerStatusReason]) -> list[AnswerStatusReason]:  # fmt: skip
    """``cuts`` without the row-limit cuts of a call whose rows about the named things are all shown (see the
    module docstring)."""
    if not any(_shown_cut(c) for c in cuts) or not (asked := asked_ids(question)):
        return list(cuts)
    holding = sum(1 for r in rows if _holds(r, asked))
    shown = sum(1 for b in blocks if b.kind is BlockKind.TABLE for r in b.rows if _holds(r, asked))
    if shown < holding:
        return list(cuts)
    return [c for c in cuts if not _shown_cut(c)]


def _shown_cut(cut: AnswerStatusReason) -> bool:
    """Whether ``cut`` is the answer's own limit on what it shows of rows it has (not an API's row limit, whose
    left-out rows nobody read)."""
    return cut.reason is AnswerReason.TRUNCATED and (
        cut.detail.startswith("the table from ") or " groups of series and the answer describes " in cut.detail
    )
