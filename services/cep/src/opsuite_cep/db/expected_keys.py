"""The key lists ABSENCE rules read from api_manager APIs (``cep_expected_keys``), bound to a session.

One row per rule with ``spec.expected_keys.api``: the last good list and the status of the latest refresh.
A refresh is claimed by a compare-and-set on ``next_refresh_at`` (one conditional UPDATE), so of several
schedulers on one database one calls the API; a failed refresh writes only the status. The use case is
:class:`opsuite_cep.app.expected_keys.KeyListRefresher`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.models import ExpectedKeysRow, RuleRow

__all__ = ["ExpectedKeysRepository"]

#: What a stored definition of a rule with expected keys contains (a cheap pre-filter before parsing).
_MARK = '%"expected_keys"%'


class ExpectedKeysRepository:
    """The stored key lists of every tenant (the refresher serves them all; engines read their tenant's)."""

    def __init__(self, session: AsyncSession) -> None:
        """Bind to a session."""
        self.s = session

    async def absence_rules(self, tenant: str | None = None) -> list[RuleRow]:
        """Enabled ABSENCE rules whose definition names ``expected_keys`` (of one tenant, or of all)."""
        stmt = select(RuleRow).where(
            RuleRow.kind == "ABSENCE", RuleRow.enabled.is_(True), RuleRow.definition.like(_MARK)
        )
        if tenant is not None:
            stmt = stmt.where(RuleRow.tenant == tenant)
        return list((await self.s.execute(stmt.order_by(RuleRow.tenant, RuleRow.name))).scalars())

    async def lists(self, tenant: str | None = None) -> dict[str, ExpectedKeysRow]:
        """Stored lists by rule id (of one tenant, or of all)."""
        stmt = select(ExpectedKeysRow)
        if tenant is not None:
            stmt = stmt.where(ExpectedKeysRow.tenant == tenant)
        return {row.rule_id: row for row in (await self.s.execute(stmt)).scalars()}

    async def get(self, rule_id: str) -> ExpectedKeysRow | None:
        """One rule's row as committed now, or None."""
        stmt = select(ExpectedKeysRow).where(ExpectedKeysRow.rule_id == rule_id)
        return (await self.s.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()

    async def plan(self, rule_id: str, tenant: str, source: str, at: datetime) -> bool:
        """Add an empty row for a new rule, due at ``at``, unless one exists (another scheduler was first)."""
        dialect = postgresql if self.s.get_bind().dialect.name == "postgresql" else sqlite
        stmt = (
            dialect.insert(ExpectedKeysRow)
            .values(rule_id=rule_id, tenant=tenant, source=source, keys="[]", next_refresh_at=at)
            .on_conflict_do_nothing(index_elements=["rule_id"])
        )
        return int((await self.s.execute(stmt)).rowcount or 0) == 1  # type: ignore[attr-defined]

    async def reset(self, rule_id: str, seen: str, source: str, at: datetime) -> bool:
        """The rule now reads another source: an empty list for it, due at ``at`` (compare-and-set on the
        source read, so one scheduler resets it)."""
        stmt = (
            update(ExpectedKeysRow)
            .where(ExpectedKeysRow.rule_id == rule_id, ExpectedKeysRow.source == seen)
            .values(
                source=source,
                keys="[]",
                version=ExpectedKeysRow.version + 1,
                truncated=False,
                refreshed_at=None,
                last_error="",
                failures=0,
                next_refresh_at=at,
            )
            .execution_options(synchronize_session=False)
        )
        return int((await self.s.execute(stmt)).rowcount or 0) == 1  # type: ignore[attr-defined]

    async def claim(self, rule_id: str, seen: datetime, now: datetime, following: datetime) -> bool:
        """Take the refresh due at ``seen`` (compare-and-set): the next one is planned at ``following``."""
        stmt = (
            update(ExpectedKeysRow)
            .where(ExpectedKeysRow.rule_id == rule_id, ExpectedKeysRow.next_refresh_at == seen)
            .values(next_refresh_at=following, attempted_at=now)
            .execution_options(synchronize_session=False)
        )
        return int((await self.s.execute(stmt)).rowcount or 0) == 1  # type: ignore[attr-defined]

    async def store(self, rule_id: str, source: str, keys: Sequence[str], truncated: bool, now: datetime) -> bool:
        """A successful refresh: the list (its version grows if it changed) and a clean status. True if the
        list or its source changed."""
        row = await self.get(rule_id)
        if row is None:
            return False
        text = json.dumps(list(keys), separators=(",", ":"))
        changed = row.keys != text or row.source != source
        row.keys, row.source, row.truncated = text, source, truncated
        row.version += 1 if changed else 0
        row.refreshed_at, row.last_error, row.failures = now, "", 0
        return changed

    async def failed(self, rule_id: str, error: str) -> None:
        """A failed refresh: the status only (the list in force stays)."""
        row = await self.get(rule_id)
        if row is not None:
            row.last_error, row.failures = error[:2000], row.failures + 1

    async def forget(self, keep: Iterable[str]) -> int:
        """Delete the rows of rules not in ``keep`` (deleted, disabled, or no longer reading an API)."""
        stmt = delete(ExpectedKeysRow).where(ExpectedKeysRow.rule_id.not_in(list(keep)))
        return int((await self.s.execute(stmt.execution_options(synchronize_session=False))).rowcount or 0)  # type: ignore[attr-defined]
