"""Detaching rows read in read-only sessions (their rollback would otherwise expire the attributes)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


def _detached(s: AsyncSession, row: T) -> T:
    """``row`` removed from ``s`` with its loaded attributes intact."""
    s.expunge(row)
    return row
