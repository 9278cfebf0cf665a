"""The outbox dispatcher: delivers pending notifications with retries, a breaker per channel and a log.

Guarantees: a notification row is written in the same transaction as its alert change, so none is
lost; it stays ``pending`` until one attempt succeeds (then ``delivered``, exactly once per row: a
lease stops two dispatchers from sending it at the same time); failed attempts are logged in
``cep_deliveries`` and retried with exponential backoff (an attempt retries quickly within itself, except
for a kind whose delivery is not idempotent: an ``ops_investigation`` attempt is one ops Ask). Delivery
runs in its own task, so a slow or failing channel never blocks ingestion. Gives up (``failed``) only when
the channel was deleted or the notification is older than ``delivery_max_age_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
from collections import defaultdict
from datetime import timedelta

from opsuite_cep.adapters.senders import Sender
from opsuite_cep.app._session import read
from opsuite_cep.app.channel_secrets import ChannelSecrets
from opsuite_cep.config import Settings
from opsuite_cep.db import ChannelRepository, NotificationQueue, NotificationRow
from opsuite_common.db import Database, utcnow
from opsuite_common.errors import CircuitOpenError, InternalError, OpsuiteError
from opsuite_common.logging import get_logger
from opsuite_common.metrics import breaker_state_listener, counter, gauge
from opsuite_common.resilience import BreakerRegistry, RetryPolicy, is_server_fault
from opsuite_common.secretscope import secret_scope
from opsuite_common.tracing import current_span, mark_current_failed, span, stored_parent

__all__ = ["Dispatcher"]

#: Bound on the per-channel breakers kept (the least recently used closed one is forgotten first).
_MAX_CHANNEL_BREAKERS = 10_000

log = get_logger("opsuite.cep.dispatcher")

_LEASE_S = 120.0

_OUTBOX = gauge("opsuite_cep_outbox_pending", "Notifications waiting in the outbox (all tenants), at the last scan.")
_DELIVERIES = counter(
    "opsuite_cep_deliveries_total",
    "Delivery attempts by channel kind (webhook, slack, email, api, ops_investigation; unknown for a deleted "
    "channel) and result: delivered, failed (retried later) or gave_up.",
    ("channel_kind", "result"),
)

#: Kinds whose delivery is not idempotent and is tried once per dispatcher attempt (no quick retries): an
#: ops_investigation delivery is an ops Ask, which stores a run. The next attempt waits for the backoff.
_ONE_TRY_KINDS = frozenset({"ops_investigation"})


class Dispatcher:
    """Background delivery of the outbox."""

    def __init__(self, db: Database, settings: Settings, sender: Sender, secrets: ChannelSecrets) -> None:
        self.db, self.settings, self.sender, self.secrets = db, settings, sender, secrets
        self.breakers = BreakerRegistry(
            max_breakers=_MAX_CHANNEL_BREAKERS,
            # A channel is its destination: an api channel's API failing is this breaker's failure even
            # when api_manager blames it on the API (which keeps api_manager's own breakers closed).
            is_failure=functools.partial(is_server_fault, count_dependencies=True),
            fail_max=settings.channel_breaker_fail_max,
            reset_timeout=settings.channel_breaker_reset_s,
            on_state_change=[breaker_state_listener],
        )
        self.retry = RetryPolicy(max_attempts=3, initial_backoff_s=0.05, max_backoff_s=0.5)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Scan the outbox now (called after a commit that wrote notifications)."""
        self._wake.set()

    def start(self) -> None:
        """Start the background loop."""
        self._task = asyncio.create_task(self._run(), name="cep-dispatcher")

    async def stop(self) -> None:
        """Stop the loop (in-flight deliveries are cancelled; their leases expire and they are retried)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.sender.close()

    async def _run(self) -> None:
        while True:
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox scan failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.dispatch_poll_s)
            self._wake.clear()

    async def drain(self) -> int:
        """Deliver every due notification once; returns how many were attempted."""
        async with read(self.db) as s:
            due = await NotificationQueue(s).due()
            _OUTBOX.set(await NotificationQueue(s).pending_count())
        by_channel: dict[tuple[str, str], list[NotificationRow]] = defaultdict(list)
        for note in due:
            by_channel[(note.tenant, note.channel)].append(note)
        # Channels in parallel, each channel's notifications in order.
        await asyncio.gather(*(self._deliver_all(notes) for notes in by_channel.values()))
        return len(due)

    async def _deliver_all(self, notes: list[NotificationRow]) -> None:
        for note in notes:
            async with self.db.session() as s:
                claimed = await NotificationQueue(s).claim(note.id, _LEASE_S)
            if claimed:
                # One secret scope per delivery: the channel's secrets, registered when they are opened,
                # are masked in this delivery's record and log lines (and forgotten after it).
                # A delivery joins the trace of the work that queued it (the PublishEvents or the scheduled
                # run that changed the alert), or starts one of its own when that was not traced; its calls to
                # api_manager and ops carry it on.
                attributes = {"opsuite.cep.notification.kind": note.kind, "opsuite.cep.notification.id": note.id}
                parent = stored_parent(note.trace_context)
                with secret_scope(), span("cep.deliver", attributes, kind="consumer", parent=parent):
                    await self.deliver(note)

    def _backoff(self, attempts: int) -> float:
        return min(self.settings.delivery_backoff_max_s, self.settings.delivery_backoff_initial_s * 2.0**attempts)

    async def deliver(self, note: NotificationRow) -> None:
        """One dispatcher attempt (with quick in-attempt retries), logged in the delivery log."""
        async with read(self.db) as s:
            channel = await ChannelRepository(s, note.tenant).find(note.channel)
        if channel is None:
            async with self.db.session() as s:
                await NotificationQueue(s).record_delivery(
                    note,
                    channel_id="",
                    ok=False,
                    reason="CHANNEL_NOT_FOUND",
                    error=f"channel {note.channel!r} does not exist (deleted?)",
                    give_up=True,
                )
            _DELIVERIES.labels("unknown", "gave_up").inc()
            return
        current_span().set_attribute("opsuite.cep.channel.kind", channel.kind)
        payload = {**json.loads(note.payload), "notification_id": note.id, "channel": note.channel}
        breaker = self.breakers.get(f"{note.tenant}/{channel.id}")
        ok, reason, error, retry_in = True, "", "", None
        try:
            if not channel.enabled:
                raise CircuitOpenError(f"channel {channel.name!r} is disabled", reason="CHANNEL_DISABLED")
            # A changed key is a failed delivery (CHANNEL_KEY_MISMATCH), retried like any other.
            config = self.secrets.open(channel.config, tenant=note.tenant, channel_id=channel.id)
            send = functools.partial(breaker.call, lambda: self.sender.send(note.tenant, channel.kind, config, payload))
            if channel.kind in _ONE_TRY_KINDS:
                await send()
            else:
                await self.retry.run(send, deadline=time.monotonic() + self.settings.delivery_timeout_s * 3)
        except OpsuiteError as exc:
            ok, reason, error = False, exc.reason, exc.message
            retry_in = exc.retry_after
        except Exception as exc:
            # The text of an unexpected error may hold what it was handed (a header value, a secret):
            # the delivery log, which admins read, gets its type only; the service log has the rest.
            log.exception("delivery failed unexpectedly", channel=channel.name, notification=note.id)
            ok, reason, error = False, InternalError.reason, f"unexpected {type(exc).__name__}; see the cep log"
        wait = max(retry_in or 0.0, self._backoff(note.attempts))
        too_old = note.created_at + timedelta(seconds=self.settings.delivery_max_age_s) < utcnow()
        async with self.db.session() as s:
            await NotificationQueue(s).record_delivery(
                note,
                channel_id=channel.id,
                ok=ok,
                reason=reason,
                error=error,
                retry_in=wait,
                give_up=not ok and too_old,
            )
        _DELIVERIES.labels(channel.kind, "delivered" if ok else "gave_up" if too_old else "failed").inc()
        if not ok:
            mark_current_failed(reason)
            log.warning(
                "delivery failed",
                tenant=note.tenant,
                channel=note.channel,
                notification=note.id,
                reason=reason,
                error=error,
                retry_in_s=round(wait, 2),
            )
