"""A time left, as the moment it ends: "how long b4 it hits LVD" answered by ``est_min_to_lvd=42`` also says when.

A numeric column whose name says it is a time left (a unit of minutes or hours beside "to", "until", "left",
"remaining" or "eta": ``est_min_to_lvd``, ``hours_remaining``, ``eta_min``) is read against the moment the call
returned: "est_min_to_lvd=42 ends about 16:50Z (site=TSF-112)", for the first rows the answer shows.
Nothing depends on an estate's names: only the column's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from opsuite_ops.domain.series_format import finite_number, fmt_time

__all__ = ["moments_left"]

_PARTS = re.compile(r"[a-z]+")
_UNITS = {"min": 60.0, "mins": 60.0, "minutes": 60.0, "minute": 60.0, "h": 3600.0, "hr": 3600.0, "hrs": 3600.0,
          "hours": 3600.0, "hour": 3600.0}  # fmt: skip
_LEFT = frozenset({"to", "until", "till", "left", "remaining", "eta"})
#: Rows whose moment is stated.
MAX_MOMENTS = 3


def _seconds_left(column: str) -> float | None:
    parts = _PARTS.findall(column.lower())
    units = [_UNITS[p] for p in parts if p in _UNITS]
    return units[0] if len(units) == 1 and _LEFT & set(parts) else None


def moments_left(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], at: datetime | None) -> str:
    """``; est_min_to_lvd=42 ends about 16:50Z (site=TSF-112)`` for the first rows holding a time left, "" for
    none (or no time the call returned at)."""
    if at is None:
        return ""
    out = []
    for col in columns:
        if (unit := _seconds_left(col)) is None:
            continue
        label = next((c for c in columns if c != col and all(isinstance(r.get(c), str) for r in rows)), "")
        for row in rows:
            value = finite_number(row.get(col))
            if value is None or value < 0 or value * unit > 366 * 86400:
                continue
            who = f" ({label}={row.get(label)})" if label else ""
            ends = (at + timedelta(seconds=value * unit)).replace(second=0, microsecond=0)
            out.append(f"{col}={value:g} ends about {fmt_time(ends)}{who}")
            if len(out) >= MAX_MOMENTS:
                break
    return "; " + "; ".join(out) if out else ""
