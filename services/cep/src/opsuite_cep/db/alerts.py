"""Alert storage: :class:`AlertRepository` (transitions + change cursors + outbox rows, written in the caller's
one transaction; reads by id, pages, the change history) and the plain helpers the use cases share."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.groups import add_group_notification
from opsuite_cep.db.models import AlertChangeRow, AlertRow, NotificationRow, SequenceRow
from opsuite_cep.domain import AlertState, AlertTransition, Notification
from opsuite_cep.domain.results import GroupNotification
from opsuite_common.db import utcnow
from opsuite_common.errors import NotFoundError
from opsuite_common.tracing import carrier

__all__ = [
    "ACTIVE_STATES",
    "AlertChange",
    "AlertRepository",
    "alert_view",
    "dt",
    "epoch",
    "new_id",
]

ACTIVE_STATES = ("pending", "firing")


def new_id() -> str:
    """A fresh 32-hex-character id."""
    return uuid.uuid4().hex


def dt(seconds: float | None) -> datetime | None:
    """Event time (epoch seconds) as an aware datetime."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def epoch(moment: datetime | None) -> float | None:
    """An aware datetime as epoch seconds."""
    return None if moment is None else moment.timestamp()


def alert_view(row: AlertRow) -> dict[str, Any]:
    """The alert as a plain dict (what changes store and servicers translate)."""
    return {
        "id": row.id,
        "fingerprint": row.fingerprint,
        "rule": row.rule,
        "rule_id": row.rule_id,
        "state": row.state,
        "severity": row.severity,
        "labels": json.loads(row.labels),
        "annotations": json.loads(row.annotations),
        "values": json.loads(row.values),
        "starts_at": epoch(row.starts_at),
        "fired_at": epoch(row.fired_at),
        "ends_at": epoch(row.ends_at),
        "acknowledged": row.acknowledged,
        "acknowledged_by": row.acknowledged_by,
        "resolved_by": row.resolved_by,
        "silenced": row.silenced,
        "investigation_id": row.investigation_id,
        "investigation_answer": row.answer,
        "updated_at": epoch(row.updated_at),
        "cursor": row.cursor,
    }


@dataclass(frozen=True, slots=True)
class AlertChange:
    """One committed alert change (cursor, kind, the alert after it).

    ``at``: event time for a change the engine made (the transition's or re-notification's time), the
    wall clock of the commit for an operator's action (proto ``AlertChange.time``).
    """

    cursor: int
    change: str
    at: float
    alert: dict[str, Any]


def _notification_payload(n: Notification, alert: Mapping[str, Any]) -> str:
    return json.dumps(
        {
            "kind": str(n.kind),
            "rule": n.rule,
            "fingerprint": n.fingerprint,
            "alert_id": alert["id"],
            "state": alert["state"],
            "severity": n.severity,
            "labels": dict(n.labels),
            "annotations": dict(n.annotations),
            "values": dict(n.values),
            "at": n.at,
            "starts_at": alert["starts_at"],
            "ends_at": alert["ends_at"],
        },
        default=str,
    )


class AlertRepository:
    """Alerts of one tenant, their change history (cursors) and the outbox rows they queue."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        """Bind to a session and the caller's tenant."""
        self.s, self.tenant = session, tenant

    async def get(self, id: str) -> AlertRow:
        """An alert by id; NotFoundError otherwise (also for another tenant's)."""
        row = await self.s.get(AlertRow, id)
        if row is None or row.tenant != self.tenant:
            raise NotFoundError(f"alert {id!r} not found", metadata={"alert_id": id})
        return row

    async def list_alerts(
        self,
        limit: int,
        after: list[Any] | None,
        *,
        rule: str = "",
        state: str = "",
        severity: str = "",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[AlertRow]:
        """Newest first (starts_at desc, id desc) after the keyset ``after`` ([starts_at ISO, id]), inactive
        ones left out; label filters are applied by the caller."""
        stmt = select(AlertRow).where(AlertRow.tenant == self.tenant, AlertRow.state != "inactive")
        if rule:
            stmt = stmt.where(AlertRow.rule == rule)
        if state:
            stmt = stmt.where(AlertRow.state == state)
        if severity:
            stmt = stmt.where(AlertRow.severity == severity)
        if start is not None:
            stmt = stmt.where(AlertRow.starts_at >= start)
        if end is not None:
            stmt = stmt.where(AlertRow.starts_at < end)
        if after:
            at = datetime.fromisoformat(after[0])
            stmt = stmt.where(or_(AlertRow.starts_at < at, and_(AlertRow.starts_at == at, AlertRow.id < after[1])))
        stmt = stmt.order_by(AlertRow.starts_at.desc(), AlertRow.id.desc()).limit(limit + 1)
        return list((await self.s.execute(stmt)).scalars())

    async def active_id(self, fingerprint: str) -> str | None:
        """The id of the fingerprint's pending or firing alert, if there is one."""
        row = await self._active(fingerprint)
        return None if row is None else row.id

    async def changes_after(self, cursor: int, limit: int = 500) -> list[AlertChange]:
        """Changes with a cursor greater than ``cursor``, in cursor order."""
        stmt = (
            select(AlertChangeRow)
            .where(AlertChangeRow.tenant == self.tenant, AlertChangeRow.seq > cursor)
            .order_by(AlertChangeRow.seq)
            .limit(limit)
        )
        rows = (await self.s.execute(stmt)).scalars()
        return [AlertChange(r.seq, r.change, r.at.timestamp(), json.loads(r.snapshot)) for r in rows]

    async def last_cursor(self) -> int:
        """The cursor of the latest change kept (0 when there is none)."""
        stmt = select(func.max(AlertChangeRow.seq)).where(AlertChangeRow.tenant == self.tenant)
        return int((await self.s.execute(stmt)).scalar() or 0)

    async def purged_through(self) -> int:
        """The last cursor whose change the retention deleted, with every earlier one (0: none)."""
        stmt = select(SequenceRow.purged_through).where(SequenceRow.tenant == self.tenant)
        return int((await self.s.execute(stmt)).scalar() or 0)

    async def _next_seq(self) -> int:
        # The UPDATE takes the tenant's row lock until commit, so cursors are handed out in commit order
        # and a watcher reading "after N" can never miss a change committed later with a smaller cursor.
        await self.s.execute(
            text("INSERT INTO cep_sequences (tenant, last_seq) VALUES (:t, 0) ON CONFLICT (tenant) DO NOTHING"),
            {"t": self.tenant},
        )
        result = await self.s.execute(
            text("UPDATE cep_sequences SET last_seq = last_seq + 1 WHERE tenant = :t RETURNING last_seq"),
            {"t": self.tenant},
        )
        return int(result.scalar_one())

    async def record_change(self, row: AlertRow, change: str, at: float | None = None) -> AlertChange:
        """Give ``row`` (an alert of this tenant) the next cursor and append the change to the history.

        ``at`` is the change's event time (engine transitions); without it, the commit's wall clock.
        """
        seq = await self._next_seq()
        row.cursor = seq
        row.updated_at = utcnow()
        await self.s.flush()
        view = alert_view(row)
        when = row.updated_at if at is None else dt(at)
        self.s.add(
            AlertChangeRow(
                tenant=self.tenant,
                seq=seq,
                alert_id=row.id,
                change=change,
                at=when,
                snapshot=json.dumps(view),
            )
        )
        return AlertChange(seq, change, view["updated_at"] if at is None else at, view)

    async def _active(self, fp: str) -> AlertRow | None:
        stmt = select(AlertRow).where(
            AlertRow.tenant == self.tenant, AlertRow.fingerprint == fp, AlertRow.state.in_(ACTIVE_STATES)
        )
        return (await self.s.execute(stmt.limit(1))).scalar_one_or_none()

    async def _latest(self, fp: str) -> AlertRow | None:
        stmt = (
            select(AlertRow)
            .where(AlertRow.tenant == self.tenant, AlertRow.fingerprint == fp)
            .order_by(AlertRow.starts_at.desc(), AlertRow.updated_at.desc())
            .limit(1)
        )
        return (await self.s.execute(stmt)).scalar_one_or_none()

    async def apply_transitions(
        self,
        transitions: Sequence[AlertTransition],
        notifications: Iterable[Notification | GroupNotification],
        rule_ids: Mapping[str, str],
    ) -> list[AlertChange]:
        """Write alert transitions, their change cursors and their outbox rows (no commit here).

        A pending/firing transition updates the fingerprint's active row or opens a new episode; resolved
        closes it; inactive (a pending alert dropped, docs/cep-semantics.md, Threshold alerts #11) deletes
        the pending row. Each change is stamped with the transition's event time.
        """
        changes: list[AlertChange] = []
        touched: dict[str, AlertRow] = {}
        for tr in transitions:
            row = await self._active(tr.fingerprint)
            if tr.state in (AlertState.PENDING, AlertState.FIRING):
                if row is None:
                    row = AlertRow(
                        id=new_id(),
                        tenant=self.tenant,
                        fingerprint=tr.fingerprint,
                        rule=tr.rule,
                        rule_id=rule_ids.get(tr.rule, ""),
                        starts_at=dt(tr.starts_at),
                        acknowledged=False,
                        acknowledged_by="",
                        resolved_by="",
                        investigation_id="",
                        answer="",
                        cursor=0,
                    )
                    self.s.add(row)
                row.state = str(tr.state)
                row.fired_at = dt(tr.fired_at)
            elif row is None:
                continue  # already resolved by hand: nothing left to close
            elif tr.state is AlertState.RESOLVED:
                row.state = "resolved"
                row.ends_at = dt(tr.ends_at if tr.ends_at is not None else tr.at)
            else:  # INACTIVE
                row.state = "inactive"
            row.severity = tr.severity
            row.labels = json.dumps(dict(tr.labels))
            row.annotations = json.dumps(dict(tr.annotations))
            row.values = json.dumps(dict(tr.values), default=str)
            row.silenced = tr.silenced
            changes.append(await self.record_change(row, str(tr.state), tr.at))
            if tr.state is AlertState.INACTIVE:
                await self.s.delete(row)
            touched[tr.fingerprint] = row
        for n in notifications:
            if isinstance(n, GroupNotification):  # a group's flush (docs/cep-semantics.md, Routes and groups)
                rows = {a.fingerprint: touched.get(a.fingerprint) for a in n.alerts}
                rows = {fp: row or await self._latest(fp) for fp, row in rows.items()}
                add_group_notification(self.s, self.tenant, n, rows)
                continue
            row = touched.get(n.fingerprint) or await self._latest(n.fingerprint)
            if row is None:
                continue
            view = alert_view(row)
            self.s.add(
                NotificationRow(
                    id=new_id(),
                    tenant=self.tenant,
                    alert_id=row.id,
                    channel=n.channel,
                    kind=str(n.kind),
                    payload=_notification_payload(n, view),
                    status="pending",
                    attempts=0,
                    next_attempt_at=utcnow(),
                    last_error="",
                    trace_context=carrier(),
                    created_at=utcnow(),
                )
            )
            if n.kind.value == "repeat":
                changes.append(await self.record_change(row, "repeat", n.at))
        return changes
