"""Alert storage: transitions + change cursors + outbox rows, written in the caller's one transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.models import AlertChangeRow, AlertRow, NotificationRow
from opsuite_cep.domain import AlertState, AlertTransition, Notification
from opsuite_common.db import utcnow

__all__ = [
    "ACTIVE_STATES",
    "AlertChange",
    "alert_view",
    "apply_transitions",
    "dt",
    "epoch",
    "new_id",
    "record_change",
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
    """One committed alert change (cursor, kind, the alert after it)."""

    cursor: int
    change: str
    at: float
    alert: dict[str, Any]


async def _next_seq(session: AsyncSession, tenant: str) -> int:
    # The UPDATE takes the tenant's row lock until commit, so cursors are handed out in commit order
    # and a watcher reading "after N" can never miss a change committed later with a smaller cursor.
    await session.execute(
        text("INSERT INTO cep_sequences (tenant, last_seq) VALUES (:t, 0) ON CONFLICT (tenant) DO NOTHING"),
        {"t": tenant},
    )
    result = await session.execute(
        text("UPDATE cep_sequences SET last_seq = last_seq + 1 WHERE tenant = :t RETURNING last_seq"), {"t": tenant}
    )
    return int(result.scalar_one())


async def record_change(session: AsyncSession, row: AlertRow, change: str) -> AlertChange:
    """Give ``row`` the next cursor of its tenant and append the change to the history."""
    seq = await _next_seq(session, row.tenant)
    row.cursor = seq
    row.updated_at = utcnow()
    await session.flush()
    view = alert_view(row)
    session.add(
        AlertChangeRow(
            tenant=row.tenant, seq=seq, alert_id=row.id, change=change, at=row.updated_at, snapshot=json.dumps(view)
        )
    )
    return AlertChange(seq, change, view["updated_at"], view)


async def _active(session: AsyncSession, tenant: str, fp: str) -> AlertRow | None:
    stmt = select(AlertRow).where(
        AlertRow.tenant == tenant, AlertRow.fingerprint == fp, AlertRow.state.in_(ACTIVE_STATES)
    )
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def _latest(session: AsyncSession, tenant: str, fp: str) -> AlertRow | None:
    stmt = (
        select(AlertRow)
        .where(AlertRow.tenant == tenant, AlertRow.fingerprint == fp)
        .order_by(AlertRow.starts_at.desc(), AlertRow.updated_at.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


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


async def apply_transitions(
    session: AsyncSession,
    tenant: str,
    transitions: Sequence[AlertTransition],
    notifications: Iterable[Notification],
    rule_ids: Mapping[str, str],
) -> list[AlertChange]:
    """Write alert transitions, their change cursors and their outbox rows (no commit here).

    A pending/firing transition updates the fingerprint's active row or opens a new episode; resolved
    closes it; inactive (a pending alert dropped, CEP_SEMANTICS #11) deletes the pending row.
    """
    changes: list[AlertChange] = []
    touched: dict[str, AlertRow] = {}
    for tr in transitions:
        row = await _active(session, tenant, tr.fingerprint)
        if tr.state in (AlertState.PENDING, AlertState.FIRING):
            if row is None:
                row = AlertRow(
                    id=new_id(),
                    tenant=tenant,
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
                session.add(row)
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
        changes.append(await record_change(session, row, str(tr.state)))
        if tr.state is AlertState.INACTIVE:
            await session.delete(row)
        touched[tr.fingerprint] = row
    for n in notifications:
        row = touched.get(n.fingerprint) or await _latest(session, tenant, n.fingerprint)
        if row is None:
            continue
        view = alert_view(row)
        session.add(
            NotificationRow(
                id=new_id(),
                tenant=tenant,
                alert_id=row.id,
                channel=n.channel,
                kind=str(n.kind),
                payload=_notification_payload(n, view),
                status="pending",
                attempts=0,
                next_attempt_at=utcnow(),
                last_error="",
                created_at=utcnow(),
            )
        )
        if n.kind.value == "repeat":
            changes.append(await record_change(session, row, "repeat"))
    return changes
