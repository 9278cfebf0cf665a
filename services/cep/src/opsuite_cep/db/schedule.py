"""The stored plan of the SCHEDULE rules, shared by every scheduler on the database (bound to a session only).

One row per enabled SCHEDULE rule: the rule revision the plan was computed for, the next fire time, and the
claim of the due run (the scheduler instance running it and until when). Every change is one conditional
statement (insert-if-absent, or an UPDATE that compares what the caller read), so of any number of
schedulers exactly one plans a rule revision and exactly one claims each due run; the others see zero rows
changed. The use case that owns the sessions is :class:`opsuite_cep.app.scheduler.Scheduler`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.models import RuleRow, ScheduleStateRow

__all__ = ["ScheduleStateRepository"]


def _count(result: Any) -> int:
    """Rows an INSERT, UPDATE or DELETE changed."""
    return int(result.rowcount or 0)


def _changed(result: Any) -> bool:
    return _count(result) == 1


class ScheduleStateRepository:
    """The plans of every SCHEDULE rule of every tenant (the scheduler serves them all)."""

    def __init__(self, session: AsyncSession) -> None:
        """Bind to a session."""
        self.s = session

    async def plans(self) -> dict[str, ScheduleStateRow]:
        """Every stored plan, by rule id."""
        rows = (await self.s.execute(select(ScheduleStateRow))).scalars()
        return {row.rule_id: row for row in rows}

    async def get(self, rule_id: str) -> ScheduleStateRow | None:
        """The stored plan of one rule as committed now (not a copy this session already holds), or None."""
        stmt = select(ScheduleStateRow).where(ScheduleStateRow.rule_id == rule_id)
        return (await self.s.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()

    async def plan(self, rule_id: str, revision: int, next_run_at: datetime) -> bool:
        """Store the first plan of a rule unless one exists already (another scheduler was first): False then."""
        values = {"rule_id": rule_id, "revision": revision, "next_run_at": next_run_at, "claimed_by": ""}
        dialect = postgresql if self.s.get_bind().dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(ScheduleStateRow).values(**values).on_conflict_do_nothing(index_elements=["rule_id"])
        return _changed(await self.s.execute(stmt))

    async def replan(self, rule_id: str, seen_revision: int, revision: int, next_run_at: datetime) -> bool:
        """Plan a changed rule afresh (dropping any claim), if the stored plan is still for ``seen_revision``."""
        stmt = (
            update(ScheduleStateRow)
            .where(ScheduleStateRow.rule_id == rule_id, ScheduleStateRow.revision == seen_revision)
            .values(revision=revision, next_run_at=next_run_at, claimed_by="", claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        return _changed(await self.s.execute(stmt))

    async def claim(
        self, rule_id: str, revision: int, next_run_at: datetime, instance: str, now: datetime, until: datetime
    ) -> bool:
        """Take the due run planned at ``next_run_at`` for ``instance`` until ``until``: compare-and-set on the
        plan read (revision and fire time) and on the claim being free or expired at ``now``."""
        stmt = (
            update(ScheduleStateRow)
            .where(
                ScheduleStateRow.rule_id == rule_id,
                ScheduleStateRow.revision == revision,
                ScheduleStateRow.next_run_at == next_run_at,
                ScheduleStateRow.next_run_at <= now,
                or_(ScheduleStateRow.claimed_until.is_(None), ScheduleStateRow.claimed_until <= now),
            )
            .values(claimed_by=instance, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        return _changed(await self.s.execute(stmt))

    async def complete(
        self, rule_id: str, revision: int, ran_for: datetime, instance: str, following: datetime
    ) -> bool:
        """Store the fire time after the run planned at ``ran_for`` and free the claim, if ``instance`` still
        holds it (False: its claim expired and was taken over, or the rule was planned afresh meanwhile)."""
        stmt = (
            update(ScheduleStateRow)
            .where(
                ScheduleStateRow.rule_id == rule_id,
                ScheduleStateRow.revision == revision,
                ScheduleStateRow.next_run_at == ran_for,
                ScheduleStateRow.claimed_by == instance,
            )
            .values(next_run_at=following, claimed_by="", claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        return _changed(await self.s.execute(stmt))

    async def forget(self, rule_ids: Iterable[str]) -> int:
        """Delete the plans of these rules unless the rule is (again) an enabled SCHEDULE rule: deleted,
        disabled or changed to another kind. Returns how many went."""
        live = select(RuleRow.id).where(RuleRow.kind == "SCHEDULE", RuleRow.enabled.is_(True))
        stmt = delete(ScheduleStateRow).where(
            ScheduleStateRow.rule_id.in_(list(rule_ids)), ScheduleStateRow.rule_id.not_in(live)
        )
        return _count(await self.s.execute(stmt.execution_options(synchronize_session=False)))
