"""Channel use cases (admin): CRUD with write-only secrets, a direct test send, and the delivery log."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opsuite_cep.adapters.senders import Sender, validate_config
from opsuite_cep.app.channel_secrets import ChannelSecrets, refuse_sealed_input, register_channel_secrets
from opsuite_cep.db.alerts import new_id
from opsuite_cep.db.models import ChannelRow, DeliveryRow
from opsuite_cep.db.repositories import (
    add_channel,
    check_etag,
    get_channel,
    get_channel_by_name,
    list_channels,
    list_deliveries,
    list_rules,
    read,
    touch,
)
from opsuite_common.auth import Identity
from opsuite_common.db import Database, new_etag, utcnow
from opsuite_common.errors import FailedPreconditionError, NotFoundError, OpsuiteError, ValidationError
from opsuite_common.limits import CHANNEL_CONFIG_BYTES, NAME_CHARS, check_json, raise_violations
from opsuite_common.netguard import check_url, parse_ip_literal

__all__ = ["ChannelService", "TestOutcome"]


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """Result of a test send."""

    ok: bool
    reason: str
    error: str
    latency_s: float


class ChannelService:
    """Channels of a tenant."""

    def __init__(self, db: Database, sender: Sender, secrets: ChannelSecrets) -> None:
        self.db, self.sender, self.secrets = db, sender, secrets

    async def create(self, who: Identity, name: str, kind: str, config: Mapping[str, Any]) -> ChannelRow:
        """Validate and store a channel (names are unique per tenant)."""
        if not name or len(name) > NAME_CHARS:
            raise ValidationError.for_field(
                "name", f"required: 1-{NAME_CHARS} characters; rules refer to the channel by it"
            )
        raise_violations(check_json("config", config, CHANNEL_CONFIG_BYTES))
        register_channel_secrets(config)
        refuse_sealed_input(config)
        self._validate(kind, config)
        now, channel_id = utcnow(), new_id()
        async with self.db.session() as s:
            return await add_channel(
                s,
                ChannelRow(
                    id=channel_id,
                    tenant=who.tenant,
                    name=name,
                    kind=kind,
                    config=self.secrets.seal(config, tenant=who.tenant, channel_id=channel_id),
                    enabled=True,
                    etag=new_etag(),
                    created_by=who.subject,
                    updated_by=who.subject,
                    created_at=now,
                    updated_at=now,
                ),
            )

    def _validate(self, kind: str, config: Mapping[str, Any], stored: Mapping[str, Any] | None = None) -> None:
        """The config's shape, then a destination whose literal address is refused: said at save.

        On update, a destination that did not change is not judged again (delivery still is), so an admin
        can always disable or otherwise edit a channel that a narrower allow-list now refuses.
        """
        validate_config(kind, config)
        key = {"webhook": "url", "slack": "url", "email": "host"}.get(kind)
        if key is None or (stored is not None and stored.get(key) == config.get(key)):
            return
        if key == "url":
            check_url(str(config["url"]), self.sender.policy, field="config.url")
        elif (ip := parse_ip_literal(str(config["host"]))) is not None:
            self.sender.policy.check(str(config["host"]), ip)

    async def get(self, tenant: str, channel_id: str = "", name: str = "") -> ChannelRow:
        """A channel by id or name."""
        async with read(self.db) as s:
            if channel_id:
                return await get_channel(s, tenant, channel_id)
            row = await get_channel_by_name(s, tenant, name) if name else None
        if row is None:
            raise (
                NotFoundError(f"channel {name!r} not found")
                if name
                else ValidationError.for_field("ref", "give the channel's id or name")
            )
        return row

    async def list_channels(self, tenant: str, after: str | None, limit: int) -> list[ChannelRow]:
        """Channels by name."""
        async with read(self.db) as s:
            return await list_channels(s, tenant, after=after, limit=limit)

    async def list_deliveries(
        self, tenant: str, *, channel_id: str, alert_id: str, after: int | None, limit: int
    ) -> list[DeliveryRow]:
        """Delivery attempts of a channel or an alert (either may be empty), oldest first, after id ``after``."""
        async with read(self.db) as s:
            return await list_deliveries(s, tenant, channel_id=channel_id, alert_id=alert_id, after=after, limit=limit)

    async def update(
        self, who: Identity, channel_id: str, config: Mapping[str, Any], etag: str, disabled: bool
    ) -> ChannelRow:
        """Replace the config; secrets not given keep their stored values."""
        async with self.db.session() as s:
            row = await get_channel(s, who.tenant, channel_id)
            check_etag(row, etag)
            register_channel_secrets(config)
            raise_violations(check_json("config", config, CHANNEL_CONFIG_BYTES))
            refuse_sealed_input(config)
            merged = self.secrets.merge_for_update(row.config, config, tenant=who.tenant, channel_id=row.id)
            self._validate(row.kind, merged, stored=json.loads(row.config))
            row.config = self.secrets.seal(merged, tenant=who.tenant, channel_id=row.id)
            row.enabled = not disabled
            touch(row, who.subject)
            return row

    async def delete(self, who: Identity, channel_id: str) -> None:
        """Delete a channel no rule refers to."""
        async with self.db.session() as s:
            row = await get_channel(s, who.tenant, channel_id)
            users = [
                r.name
                for r in await list_rules(s, who.tenant)
                if row.name in (json.loads(r.definition).get("channels") or [])
            ]
            if users:
                raise FailedPreconditionError(
                    f"channel {row.name!r} is used by rules {', '.join(users)}; remove it from them first",
                    reason="CHANNEL_IN_USE",
                )
            await s.delete(row)

    async def test(self, tenant: str, channel_id: str) -> TestOutcome:
        """Send a test notification now (no outbox, no retry)."""
        row = await self.get(tenant, channel_id)
        payload = {
            "kind": "test",
            "rule": "test",
            "severity": "info",
            "labels": {"alertname": "test"},
            "annotations": {"summary": f"test notification for channel {row.name}"},
            "values": {},
        }
        started = time.perf_counter()
        try:
            config = self.secrets.open(row.config, tenant=tenant, channel_id=row.id)
            await self.sender.send(tenant, row.kind, config, payload)
        except OpsuiteError as exc:
            return TestOutcome(False, exc.reason, exc.message, time.perf_counter() - started)
        return TestOutcome(True, "", "", time.perf_counter() - started)
