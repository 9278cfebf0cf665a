"""Channel use cases (admin): CRUD with write-only secrets, a direct test send, and the delivery log."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opsuite_cep.adapters.senders import Sender, validate_config
from opsuite_cep.app._session import check_etag, read, touch
from opsuite_cep.app.channel_secrets import ChannelSecrets, refuse_sealed_input, register_channel_secrets
from opsuite_cep.db import ChannelRepository, ChannelRow, DeliveryRepository, DeliveryRow, RuleRepository
from opsuite_cep.db.alerts import new_id
from opsuite_cep.db.routing import load_routing
from opsuite_common.auth import Identity
from opsuite_common.db import Database, enforce_quota, new_etag, utcnow
from opsuite_common.errors import FailedPreconditionError, NotFoundError, OpsuiteError, ValidationError
from opsuite_common.limits import CHANNEL_CONFIG_BYTES, NAME_CHARS, check_json, raise_violations
from opsuite_common.netguard import check_url, parse_ip_literal
from opsuite_common.paging import Page, decode_page_token, encode_page_token

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

    def __init__(self, db: Database, sender: Sender, secrets: ChannelSecrets, *, quota: int = 0) -> None:
        """``quota``: channels one tenant may hold (0: none)."""
        self.db, self.sender, self.secrets, self.quota = db, sender, secrets, quota

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
            await enforce_quota(
                s,
                ChannelRow,
                [ChannelRow.tenant == who.tenant],
                limit=self.quota,
                what="channels",
                setting="OPSUITE_CEP_MAX_CHANNELS_PER_TENANT",
            )
            return await ChannelRepository(s, who.tenant).add(
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
            repo = ChannelRepository(s, tenant)
            if channel_id:
                return await repo.get(channel_id)
            row = await repo.find(name) if name else None
        if row is None:
            raise (
                NotFoundError(f"channel {name!r} not found")
                if name
                else ValidationError.for_field("ref", "give the channel's id or name")
            )
        return row

    async def list_channels(self, tenant: str, size: int, token: str) -> Page:
        """A page of channels by name."""
        after = decode_page_token(token, "channels")
        async with read(self.db) as s:
            rows = await ChannelRepository(s, tenant).list_channels(size, after)
        more = len(rows) > size
        rows = rows[:size]

        def after_row(row: ChannelRow) -> str:
            return encode_page_token([row.name], "channels")

        return Page(rows, after_row(rows[-1]) if more else "", after_row)

    async def list_deliveries(self, tenant: str, *, channel_id: str, alert_id: str, size: int, token: str) -> Page:
        """A page of the delivery attempts of a channel or an alert (either may be empty), oldest first."""
        scope: Any = ["deliveries", channel_id, alert_id]
        after = decode_page_token(token, scope)
        async with read(self.db) as s:
            rows = await DeliveryRepository(s, tenant).list_deliveries(
                size, after, channel_id=channel_id, alert_id=alert_id
            )
        more = len(rows) > size
        rows = rows[:size]

        def after_row(row: DeliveryRow) -> str:
            return encode_page_token([row.id], scope)

        return Page(rows, after_row(rows[-1]) if more else "", after_row)

    async def update(
        self, who: Identity, channel_id: str, config: Mapping[str, Any], etag: str, disabled: bool
    ) -> ChannelRow:
        """Replace the config; secrets not given keep their stored values."""
        async with self.db.session() as s:
            row = await ChannelRepository(s, who.tenant).get(channel_id)
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
        """Delete a channel no rule and no receiver of the routing config refers to."""
        async with self.db.session() as s:
            channels = ChannelRepository(s, who.tenant)
            row = await channels.get(channel_id)
            users = [
                f"rule {r.name}"
                for r in await RuleRepository(s, who.tenant).all_rules()
                if row.name in (json.loads(r.definition).get("channels") or [])
            ]
            if (routing := await load_routing(s, who.tenant)) is not None and row.name in routing.channels():
                users.append("the alert routing")
            if users:
                raise FailedPreconditionError(
                    f"channel {row.name!r} is used by {', '.join(users)}; remove it from them first",
                    reason="CHANNEL_IN_USE",
                )
            await channels.delete(row)

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
