"""Alert and silence use cases: list/get/acknowledge/resolve, WatchAlerts replay + live, silences."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from opsuite_cep.app._session import read
from opsuite_cep.app.engines import EngineHost, Notifier, rule_from_row
from opsuite_cep.app.partitions import PartitionedIngest
from opsuite_cep.app.watch import AlertFeed, watch_changes
from opsuite_cep.db import AlertRepository, RuleRepository, RuleRow, SilenceRepository, SilenceRow
from opsuite_cep.db.alerts import ACTIVE_STATES, AlertChange, alert_view, dt, new_id
from opsuite_cep.domain import parse_silence
from opsuite_common.auth import Identity
from opsuite_common.db import Database, enforce_quota, utcnow
from opsuite_common.errors import (
    FailedPreconditionError,
    FieldViolation,
    NotFoundError,
    OpsuiteError,
    ValidationError,
)
from opsuite_common.limits import (
    COMMENT_BYTES,
    LABEL_CHARS,
    LABEL_VALUE_CHARS,
    MAX_MATCHERS,
    check_text,
    raise_violations,
)
from opsuite_common.paging import Page, decode_page_token, encode_page_token

__all__ = ["MAX_SILENCE_S", "SILENCE_STATES", "AlertFilter", "AlertService", "silence_state"]

#: The longest silence ``duration`` (a year); an ``ends_at`` may be anything after the start.
MAX_SILENCE_S = 366 * 86_400
SILENCE_STATES = ("pending", "active", "expired")


def silence_state(row: SilenceRow, now: datetime | None = None) -> str:
    """pending, active or expired by the clock reading ``now`` (the server's clock by default; muting itself
    follows event time)."""
    now = now or utcnow()
    if now < row.starts_at:
        return "pending"
    return "active" if now < row.ends_at else "expired"


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

    def __init__(
        self,
        db: Database,
        host: EngineHost,
        notifier: Notifier,
        feed: AlertFeed,
        *,
        partitioned: PartitionedIngest | None = None,
        silence_quota: int = 0,
        silence_retention_s: float = 120 * 3600.0,
    ) -> None:
        """``feed`` broadcasts committed changes to WatchAlerts streams (built by the wiring); ``partitioned``
        is set when replicas share partitions (the engine state lives with each partition's owner);
        ``silence_quota``: silences one tenant may hold (0: none), counting those that ended less than
        ``silence_retention_s`` ago (older ones are deleted at the tenant's next create)."""
        self.db, self.host, self.notifier, self.feed = db, host, notifier, feed
        self.partitioned = partitioned
        self.silence_quota, self.silence_retention_s = silence_quota, silence_retention_s

    async def list_alerts(
        self, tenant: str, flt: AlertFilter, *, start: datetime | None, end: datetime | None, size: int, token: str
    ) -> Page:
        """A page of alert views, newest first; a full page always carries a token.

        The label filters are applied here, so the rows are read in batches until the page is full.
        Each alert's key resumes the list right after it, so a caller that sends only part of the page
        (a page cut at its byte budget) continues from the first alert it left out.
        """
        scope: Any = ["alerts", flt.rule, flt.state, flt.severity, sorted(flt.labels.items()), str(start), str(end)]
        cursor = decode_page_token(token, scope)
        views: list[dict[str, Any]] = []
        keys: dict[str, list[Any]] = {}  # alert id -> its sort key

        def after_view(view: dict[str, Any]) -> str:
            return encode_page_token(keys[view["id"]], scope)

        async with read(self.db) as s:
            repo = AlertRepository(s, tenant)
            while True:
                rows = await repo.list_alerts(
                    size, cursor, rule=flt.rule, state=flt.state, severity=flt.severity, start=start, end=end
                )
                for row in rows[:size]:
                    cursor = [row.starts_at.isoformat(), row.id]
                    view = alert_view(row)
                    if flt.matches(view):
                        views.append(view)
                        keys[row.id] = cursor
                        if len(views) == size:
                            return Page(views, after_view(view), after_view)
                if len(rows) <= size:
                    return Page(views, "", after_view)

    async def get(self, tenant: str, alert_id: str) -> dict[str, Any]:
        """One alert."""
        async with read(self.db) as s:
            return alert_view(await AlertRepository(s, tenant).get(alert_id))

    async def acknowledge(self, who: Identity, alert_id: str) -> dict[str, Any]:
        """Set the acknowledged flag (idempotent: acknowledging twice records one change)."""
        async with self.db.session() as s:
            repo = AlertRepository(s, who.tenant)
            row = await repo.get(alert_id)
            if not row.acknowledged:
                row.acknowledged, row.acknowledged_by = True, who.subject
                await repo.record_change(row, "acknowledged")
            view = alert_view(row)
        self.notifier.notify(who.tenant)
        return view

    async def resolve(self, who: Identity, alert_id: str) -> dict[str, Any]:
        """Resolve an active alert by hand and forget its engine state so that it can fire again."""
        if self.partitioned is not None:
            return await self._resolve_partitioned(who, alert_id)
        te = await self.host.get(who.tenant)
        async with te.lock:
            wm = te.engine.watermark
            async with self.db.session() as s:
                row, changed = await _resolve_row(
                    AlertRepository(s, who.tenant), who, alert_id, dt(wm) if wm is not None else None
                )
                view = alert_view(row)
            if not changed:
                return view
            if te.engine.forget_alert(row.rule, row.fingerprint):
                await self.host.checkpoint(te)  # a replay must not bring the forgotten state back
        self.notifier.notify(who.tenant)
        return view

    async def _resolve_partitioned(self, who: Identity, alert_id: str) -> dict[str, Any]:
        """Replicas: the row is resolved here; the owner of the alert's unit forgets its state when it reads
        the forget record (in stream order with the events). The record is appended before the row's
        transaction commits: a failed append rolls the resolution back (UNAVAILABLE, a retry does both), and a
        crash between the two leaves the row firing for a retry (forgetting twice is harmless)."""
        assert self.partitioned is not None
        async with self.db.session() as s:
            row, changed = await _resolve_row(AlertRepository(s, who.tenant), who, alert_id, None)
            view = alert_view(row)
            if not changed:
                return view
            try:
                rule_row: RuleRow | None = await RuleRepository(s, who.tenant).get(name=row.rule)
            except NotFoundError:
                rule_row = None
            rule = None
            if rule_row is not None:
                with contextlib.suppress(OpsuiteError):
                    rule = rule_from_row(rule_row)
            await self.partitioned.forget(who.tenant, rule, dict(view.get("labels") or {}), row.fingerprint)
        self.notifier.notify(who.tenant)
        return view

    async def watch(self, tenant: str, after: int, flt: AlertFilter) -> AsyncGenerator[AlertChange, None]:
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
        duration: float | None = None,
    ) -> SilenceRow:
        """Validate and store a silence; the tenant's engine mutes matching notifications from now on.

        It starts at ``starts`` (the server's clock when None) and expires at ``ends`` or after ``duration``
        (exactly one of them). As Alertmanager, at least one matcher must not match the empty string.
        """
        found = [check_text("comment", comment, COMMENT_BYTES)]
        if len(matchers) > MAX_MATCHERS:
            found.append(FieldViolation("matchers", f"has {len(matchers)} matchers; the limit is {MAX_MATCHERS}"))
        for i, m in enumerate(matchers[:MAX_MATCHERS]):
            found.append(check_text(f"matchers[{i}].name", m.get("name", ""), LABEL_CHARS, chars=True))
            found.append(check_text(f"matchers[{i}].value", m.get("value", ""), LABEL_VALUE_CHARS, chars=True))
        raise_violations(*found)
        if (ends is None) == (duration is None):
            raise ValidationError.for_field("ends_at", "give the expiry: ends_at or duration (exactly one of them)")
        starts = starts or utcnow()
        if duration is not None:
            if not 0 < duration <= MAX_SILENCE_S:
                raise ValidationError.for_field("duration", f"positive, at most {MAX_SILENCE_S // 86_400} days")
            ends = starts + timedelta(seconds=duration)
        assert ends is not None
        silence = parse_silence(
            {
                "matchers": list(matchers),
                "starts_at": starts.timestamp(),
                "ends_at": ends.timestamp(),
                "comment": comment,
            }
        )
        if all(m.matches({}) for m in silence.matchers):
            raise ValidationError.for_field(
                "matchers", "at least one matcher must not match the empty string (else it silences every alert)"
            )
        async with self.db.session() as s:
            repo = SilenceRepository(s, who.tenant)
            await repo.delete_ended_before(utcnow() - timedelta(seconds=self.silence_retention_s))
            if self.silence_quota and await repo.count() >= self.silence_quota:
                await repo.delete_ended_before(utcnow())  # at the quota, ended silences give way to a new one
            await enforce_quota(
                s,
                SilenceRow,
                [SilenceRow.tenant == who.tenant],
                limit=self.silence_quota,
                what="silences",
                setting="OPSUITE_CEP_MAX_SILENCES_PER_TENANT",
            )
            row = await repo.add(
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
        await self.host.silences_changed(who.tenant)
        return row

    async def list_silences(self, tenant: str, size: int, token: str, state: str = "") -> Page:
        """A page of silences by creation time; ``state`` (pending, active, expired by the server's clock)
        filters them."""
        if state not in ("", *SILENCE_STATES):
            raise ValidationError.for_field("state", f"one of {', '.join(SILENCE_STATES)} (or empty for every silence)")
        scope: Any = ["silences", state] if state else "silences"
        after = decode_page_token(token, scope)
        now, rows = utcnow(), []

        def after_row(row: SilenceRow) -> str:
            return encode_page_token([row.created_at.isoformat(), row.id], scope)

        async with read(self.db) as s:
            while True:  # the state depends on the clock: filtered here, read on until the page is full
                batch = await SilenceRepository(s, tenant).list_silences(size, after)
                for i, row in enumerate(batch[:size]):
                    after = [row.created_at.isoformat(), row.id]
                    if not state or silence_state(row, now) == state:
                        rows.append(row)
                        if len(rows) == size:
                            more = i < size - 1 or len(batch) > size
                            return Page(rows, after_row(row) if more else "", after_row)
                if len(batch) <= size:
                    return Page(rows, "", after_row)

    async def delete_silence(self, who: Identity, silence_id: str) -> None:
        """Delete a silence."""
        async with self.db.session() as s:
            await SilenceRepository(s, who.tenant).delete(silence_id)
        await self.host.silences_changed(who.tenant)


async def _resolve_row(
    repo: AlertRepository, who: Identity, alert_id: str, ends_at: datetime | None
) -> tuple[Any, bool]:
    """Mark an active alert resolved by ``who`` (``ends_at``: the engine's watermark, else now); returns the
    row and whether it changed (an alert already resolved is returned as it is)."""
    row = await repo.get(alert_id)
    if row.state == "resolved":
        return row, False
    if row.state not in ACTIVE_STATES:
        raise FailedPreconditionError(f"alert {alert_id!r} is {row.state}; only active alerts resolve")
    row.state, row.resolved_by, row.ends_at = "resolved", who.subject, ends_at or utcnow()
    await repo.record_change(row, "manually_resolved")
    return row, True
