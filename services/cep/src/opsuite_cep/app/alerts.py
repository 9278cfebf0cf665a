"""Alert and silence use cases: list/get/acknowledge/resolve, WatchAlerts replay + live, silences."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opsuite_cep.app.engines import EngineHost, Notifier, silence_from_row
from opsuite_cep.app.watch import AlertFeed, watch_changes
from opsuite_cep.db.alerts import ACTIVE_STATES, AlertChange, alert_view, dt, new_id, record_change
from opsuite_cep.db.models import SilenceRow
from opsuite_cep.db.repositories import (
    add_silence,
    delete_silence,
    get_alert,
    list_alerts,
    list_silences,
    read,
)
from opsuite_cep.domain import parse_silence
from opsuite_common.auth import Identity
from opsuite_common.db import Database, utcnow
from opsuite_common.errors import FailedPreconditionError, FieldViolation, ValidationError
from opsuite_common.limits import (
    COMMENT_BYTES,
    LABEL_CHARS,
    LABEL_VALUE_CHARS,
    MAX_MATCHERS,
    check_text,
    raise_violations,
)

__all__ = ["AlertFilter", "AlertService"]


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Filters shared by ListAlerts and WatchAlerts (empty values match everything)."""

    rule: str = ""
    state: str = ""
    severity: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    def matches(self, alert: Mapping[str, Any]) -> bool:
        """Whether an alert view passes the filter."""
        if self.rule and alert["rule"] != self.rule:
            return False
        if self.state and alert["state"] != self.state:
            return False
        if self.severity and alert["severity"] != self.severity:
            return False
        labels = alert["labels"]
        return all(labels.get(k) == v for k, v in self.labels.items())


class AlertService:
    """Reads and operator actions on alerts; silences."""

    def __init__(self, db: Database, host: EngineHost, notifier: Notifier, feed: AlertFeed) -> None:
        """``feed`` broadcasts committed changes to WatchAlerts streams (built by the wiring)."""
        self.db, self.host, self.notifier, self.feed = db, host, notifier, feed

    async def list_alerts(
        self,
        tenant: str,
        flt: AlertFilter,
        *,
        start: datetime | None,
        end: datetime | None,
        after: list[Any] | None,
        limit: int,
    ) -> tuple[list[tuple[dict[str, Any], list[Any]]], list[Any] | None]:
        """A page of alerts (newest first), each with its own sort key, and the key to continue after
        (None at the end).

        An alert's key resumes the list right after it, so a caller that sends only part of the page
        (a page cut at its byte budget) continues from the first alert it left out.
        """
        out: list[tuple[dict[str, Any], list[Any]]] = []
        cursor = after
        async with read(self.db) as s:
            while len(out) < limit:
                rows = await list_alerts(
                    s,
                    tenant,
                    rule=flt.rule,
                    state=flt.state,
                    severity=flt.severity,
                    start=start,
                    end=end,
                    after=cursor,
                    limit=limit,
                )
                for row in rows:
                    cursor = [row.starts_at.isoformat(), row.id]
                    view = alert_view(row)
                    if flt.matches(view):
                        out.append((view, cursor))
                        if len(out) == limit:
                            return out, cursor
                if len(rows) < limit:
                    return out, None
        return out, cursor

    async def get(self, tenant: str, alert_id: str) -> dict[str, Any]:
        """One alert."""
        async with read(self.db) as s:
            return alert_view(await get_alert(s, tenant, alert_id))

    async def acknowledge(self, who: Identity, alert_id: str) -> dict[str, Any]:
        """Set the acknowledged flag (idempotent: acknowledging twice records one change)."""
        async with self.db.session() as s:
            row = await get_alert(s, who.tenant, alert_id)
            if not row.acknowledged:
                row.acknowledged, row.acknowledged_by = True, who.subject
                await record_change(s, row, "acknowledged")
            view = alert_view(row)
        self.notifier.notify(who.tenant)
        return view

    async def resolve(self, who: Identity, alert_id: str) -> dict[str, Any]:
        """Resolve an active alert by hand and forget its engine state so that it can fire again."""
        te = await self.host.get(who.tenant)
        async with te.lock:
            async with self.db.session() as s:
                row = await get_alert(s, who.tenant, alert_id)
                if row.state == "resolved":
                    return alert_view(row)
                if row.state not in ACTIVE_STATES:
                    raise FailedPreconditionError(f"alert {alert_id!r} is {row.state}; only active alerts resolve")
                wm = te.engine.watermark
                row.state, row.resolved_by = "resolved", who.subject
                row.ends_at = dt(wm) if wm is not None else utcnow()
                await record_change(s, row, "manually_resolved")
                view = alert_view(row)
            te.engine.forget_alert(row.rule, row.fingerprint)
        self.notifier.notify(who.tenant)
        return view

    async def watch(self, tenant: str, after: int, flt: AlertFilter) -> AsyncIterator[AlertChange]:
        """Every change after ``after`` (replay from the database), then live ones from the tenant's feed."""
        async with aclosing(watch_changes(self.db, self.feed, tenant, after)) as changes:
            async for change in changes:
                if flt.matches(change.alert):
                    yield change

    # ------------------------------------------------------------------------------ silences
    async def create_silence(
        self,
        who: Identity,
        matchers: Sequence[Mapping[str, str]],
        starts: datetime | None,
        ends: datetime | None,
        comment: str,
    ) -> SilenceRow:
        """Validate and store a silence; the tenant's engine mutes matching notifications from now on."""
        found = [check_text("comment", comment, COMMENT_BYTES)]
        if len(matchers) > MAX_MATCHERS:
            found.append(FieldViolation("matchers", f"has {len(matchers)} matchers; the limit is {MAX_MATCHERS}"))
        for i, m in enumerate(matchers[:MAX_MATCHERS]):
            found.append(check_text(f"matchers[{i}].name", m.get("name", ""), LABEL_CHARS, chars=True))
            found.append(check_text(f"matchers[{i}].value", m.get("value", ""), LABEL_VALUE_CHARS, chars=True))
        raise_violations(*found)
        if starts is None or ends is None:
            raise ValidationError.for_field(
                "starts_at" if starts is None else "ends_at", "required: the silence's event-time window"
            )
        parse_silence(
            {
                "matchers": list(matchers),
                "starts_at": starts.timestamp(),
                "ends_at": ends.timestamp(),
                "comment": comment,
            }
        )
        async with self.db.session() as s:
            row = await add_silence(
                s,
                SilenceRow(
                    id=new_id(),
                    tenant=who.tenant,
                    matchers=json.dumps(list(matchers)),
                    starts_at=starts,
                    ends_at=ends,
                    comment=comment,
                    created_by=who.subject,
                    created_at=utcnow(),
                ),
            )
        silence_from_row(row)
        await self.host.silences_changed(who.tenant)
        return row

    async def list_silences(self, tenant: str, after: list[Any] | None, limit: int) -> list[SilenceRow]:
        """Silences by creation time."""
        async with read(self.db) as s:
            return await list_silences(s, tenant, after=after, limit=limit)

    async def delete_silence(self, who: Identity, silence_id: str) -> None:
        """Delete a silence."""
        async with self.db.session() as s:
            await delete_silence(s, who.tenant, silence_id)
        await self.host.silences_changed(who.tenant)
