"""Rule use cases: create, update (etag), delete, enable/disable, validate, dry-run and stats."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.app._session import check_etag, read, touch
from opsuite_cep.app.engines import EngineHost, rule_from_row
from opsuite_cep.app.expected_keys import rule_status
from opsuite_cep.db import ChannelRepository, RuleRepository, RuleRow
from opsuite_cep.db.alerts import new_id
from opsuite_cep.domain import Event, IngestResult, Rule, RuleStatsSnapshot, parse_rule, validate_rule
from opsuite_common.auth import Identity
from opsuite_common.db import Database, enforce_quota, new_etag, utcnow
from opsuite_common.errors import FailedPreconditionError, FieldViolation, ValidationError
from opsuite_common.limits import (
    DESCRIPTION_BYTES,
    LABEL_CHARS,
    LABEL_VALUE_CHARS,
    MAX_LABELS,
    RULE_DEFINITION_BYTES,
    check_json,
    check_text,
    raise_violations,
)
from opsuite_common.paging import Page, decode_page_token, encode_page_token

__all__ = ["RuleService", "StatsView"]


def _definition(data: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The stored definition (without ``enabled``, which is a column) and the enabled flag."""
    if not isinstance(data, Mapping) or not data:
        raise ValidationError.for_field("definition", "required: the rule as an object {name, kind, spec, ...}")
    raise_violations(
        check_json("definition", data, RULE_DEFINITION_BYTES),
        check_text("definition.description", str(data.get("description") or ""), DESCRIPTION_BYTES),
    )
    labels = data.get("labels")
    if isinstance(labels, Mapping):
        found: list[FieldViolation | None] = []
        if len(labels) > MAX_LABELS:
            found.append(FieldViolation("definition.labels", f"has {len(labels)} labels; the limit is {MAX_LABELS}"))
        for key, value in labels.items():
            found.append(check_text(f"definition.labels.{key}"[:128], str(key), LABEL_CHARS, chars=True))
            found.append(check_text(f"definition.labels.{key}"[:128], str(value), LABEL_VALUE_CHARS, chars=True))
        raise_violations(*found)
    body = dict(data)
    enabled = body.pop("enabled", True)
    if not isinstance(enabled, bool):
        raise ValidationError.for_field("definition.enabled", "expected true or false")
    return body, enabled


def _prefixed(exc: ValidationError) -> ValidationError:
    """Field violations under ``definition.`` so they name the request field."""
    return ValidationError(
        exc.message,
        field_violations=[FieldViolation(f"definition.{v.field}", v.description) for v in exc.field_violations],
    )


@dataclass(frozen=True, slots=True)
class StatsView:
    """Engine counters plus schedule-rule counters."""

    rule: str
    engine: RuleStatsSnapshot | None
    schedule: Mapping[str, Any] | None
    #: ABSENCE rules with ``expected_keys``: the list in force and its latest refresh.
    expected_keys: Mapping[str, Any] | None = None


class RuleService:
    """Rule CRUD; every write is applied to the tenant's engine after it commits."""

    def __init__(self, db: Database, host: EngineHost, allowed_lateness: float = 0.0, *, quota: int = 0) -> None:
        """``quota``: rules one tenant may hold (0: none)."""
        self.db, self.host, self.allowed_lateness, self.quota = db, host, allowed_lateness, quota
        self.schedule_stats: Any = None  # set by the scheduler: rule id -> dict
        #: Replicas share partitions: engine counters are with each partition's owner (set by the wiring).
        self.partitioned = False

    async def _known_channels(self, session: AsyncSession, tenant: str) -> set[str]:
        return await ChannelRepository(session, tenant).names()

    def _parse(self, body: Mapping[str, Any], enabled: bool, channels: set[str] | None) -> Rule:
        try:
            return parse_rule({**body, "enabled": enabled}, known_channels=channels)
        except ValidationError as exc:
            raise _prefixed(exc) from exc

    async def create(self, who: Identity, data: Mapping[str, Any]) -> RuleRow:
        """Validate and store a rule, then add it to the tenant's engine."""
        body, enabled = _definition(data)
        async with self.db.session() as s:
            rule = self._parse(body, enabled, await self._known_channels(s, who.tenant))
            await enforce_quota(
                s,
                RuleRow,
                [RuleRow.tenant == who.tenant],
                limit=self.quota,
                what="rules",
                setting="OPSUITE_CEP_MAX_RULES_PER_TENANT",
            )
            now = utcnow()
            row = RuleRow(
                id=new_id(),
                tenant=who.tenant,
                name=rule.name,
                kind=str(rule.kind),
                definition=json.dumps(body),
                enabled=enabled,
                revision=1,
                etag=new_etag(),
                created_by=who.subject,
                updated_by=who.subject,
                created_at=now,
                updated_at=now,
            )
            await RuleRepository(s, who.tenant).add(row)
        await self.host.rule_changed(who.tenant, row)
        return row

    async def get(self, tenant: str, rule_id: str = "", name: str = "") -> RuleRow:
        """A rule by id or name."""
        if not rule_id and not name:
            raise ValidationError.for_field("ref", "give the rule's id or name")
        async with read(self.db) as s:
            return await RuleRepository(s, tenant).get(id=rule_id, name=name)

    async def list_rules(self, tenant: str, *, kind: str, size: int, token: str) -> Page:
        """A page of rules by name (``kind`` '' = any)."""
        scope: Any = ["rules", kind]
        after = decode_page_token(token, scope)
        async with read(self.db) as s:
            rows = await RuleRepository(s, tenant).list_rules(size, after, kind=kind)
        more = len(rows) > size
        rows = rows[:size]

        def after_row(row: RuleRow) -> str:
            return encode_page_token([row.name], scope)

        return Page(rows, after_row(rows[-1]) if more else "", after_row)

    async def update(self, who: Identity, rule_id: str, data: Mapping[str, Any], etag: str) -> RuleRow:
        """Replace a definition (stale etag: ABORTED); changed rules restart with empty state."""
        body, enabled = _definition(data)
        async with self.db.session() as s:
            repo = RuleRepository(s, who.tenant)
            row = await repo.get(id=rule_id)
            check_etag(row, etag)
            rule = self._parse(body, enabled, await self._known_channels(s, who.tenant))
            old_name = row.name
            row.name, row.kind, row.definition, row.enabled = rule.name, str(rule.kind), json.dumps(body), enabled
            row.revision += 1
            touch(row, who.subject)
            await repo.flush_rename(row)
        await self.host.rule_changed(who.tenant, row, old_name)
        return row

    async def set_enabled(self, who: Identity, rule_id: str, enabled: bool, etag: str) -> RuleRow:
        """Enable or disable (a disabled rule sees no events and loses its state)."""
        async with self.db.session() as s:
            row = await RuleRepository(s, who.tenant).get(id=rule_id)
            check_etag(row, etag)
            if row.enabled != enabled:
                row.enabled = enabled
                row.revision += 1
                touch(row, who.subject)
        await self.host.rule_changed(who.tenant, row, row.name)
        return row

    async def delete(self, who: Identity, rule_id: str) -> None:
        """Delete a rule and its engine state (its alerts stay in the history)."""
        async with self.db.session() as s:
            repo = RuleRepository(s, who.tenant)
            row = await repo.get(id=rule_id)
            name = row.name
            await repo.delete(row)
        await self.host.rule_changed(who.tenant, None, name)

    async def validate(self, tenant: str, data: Mapping[str, Any]) -> list[FieldViolation]:
        """Field violations of a definition (empty when it would save)."""
        try:
            body, enabled = _definition(data)
        except ValidationError as exc:
            return list(exc.field_violations)
        async with read(self.db) as s:
            channels = await self._known_channels(s, tenant)
        found = validate_rule({**body, "enabled": enabled}, known_channels=channels)
        return [FieldViolation(f"definition.{v.field}", v.description) for v in found]

    async def test(
        self,
        tenant: str,
        *,
        rule_id: str,
        data: Mapping[str, Any] | None,
        events: Sequence[Event],
        advance_to: datetime | None,
    ) -> tuple[Rule, IngestResult]:
        """Dry run on a private engine and virtual time, as live ingestion would run it (silences, lateness,
        skew, idle progress: :meth:`EngineHost.dry_run`); nothing is stored, no notification is sent.
        Returns the rule as parsed (TestRule shows its conditions) and the run's result."""
        if rule_id:
            async with read(self.db) as s:
                row = await RuleRepository(s, tenant).get(id=rule_id)
            rule = parse_rule({**json.loads(row.definition), "enabled": True}, stored=True)
            rule, _ = await rule_status(self.db, rule, row.id)  # an API's list: the one stored for the rule
        elif data:
            body, _ = _definition(data)
            rule = self._parse(body, True, None)
        else:
            raise ValidationError.for_field("rule", "give rule_id (a saved rule) or definition (an unsaved one)")
        if rule.kind.value == "SCHEDULE":
            raise ValidationError.for_field("rule", "SCHEDULE rules are not fed by events; nothing to test")
        at = None if advance_to is None else advance_to.timestamp()
        return rule, await self.host.dry_run(tenant, rule, events, at)

    async def stats(self, tenant: str, rule_id: str) -> StatsView:
        """Engine counters of a rule (zeros when it has not seen an event), schedule counters if any."""
        async with read(self.db) as s:
            row = await RuleRepository(s, tenant).get(id=rule_id)
        schedule = (self.schedule_stats or {}).get(row.id) if row.kind == "SCHEDULE" else None
        _, keys = await rule_status(self.db, rule_from_row(row), row.id) if row.kind == "ABSENCE" else (None, None)
        if self.partitioned and row.kind != "SCHEDULE":
            raise FailedPreconditionError(
                "with replicas sharing partitions (OPSUITE_CEP_PARTITIONS), a rule's engine counters live with "
                "each partition's owner and are not gathered here; ListAlerts and WatchAlerts show its alerts",
                reason="STATS_NOT_GATHERED",
            )
        te = await self.host.get(tenant) if row.kind != "SCHEDULE" else None
        snap = None
        if te is not None:
            async with te.lock:
                try:
                    snap = te.engine.stats(row.name)
                except KeyError:
                    snap = None
        return StatsView(row.name, snap, schedule, keys)

    async def rule_for(self, tenant: str, rule_id: str) -> Rule:
        """The domain rule of a saved rule."""
        async with read(self.db) as s:
            return rule_from_row(await RuleRepository(s, tenant).get(id=rule_id))
