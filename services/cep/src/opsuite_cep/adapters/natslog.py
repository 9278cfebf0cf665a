"""The event log on NATS JetStream (``OPSUITE_CEP_EVENT_LOG=nats://host:port``).

One stream (``OPSUITE_CEP_EVENTS``, file storage) holds every tenant's records on the subject
``opsuite.cep.events.<tenant>`` (tenant names are subject-safe: ``[a-z0-9][a-z0-9_-]*``). A record's
position is its stream sequence: one sequence for every tenant, as in the embedded log. An append returns
once JetStream has stored the message (its publish acknowledgement). Replay reads a tenant's subject from a
sequence on through an ephemeral, unacknowledged consumer; a trim purges the tenant's subject below a
sequence. The stream's ``max_age`` bounds what a checkpoint that cannot be saved may leave to replay.

This is the log of one replica. Several replicas share a partitioned stream instead
(``opsuite_cep.adapters.partitions``, ``OPSUITE_CEP_PARTITIONS``; docs/architecture/cep.md).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js import api
from nats.js.errors import NotFoundError

from opsuite_cep.domain import Event
from opsuite_cep.domain.logrecords import LogRecord, RecordKind
from opsuite_common.logging import get_logger

__all__ = ["JetStreamLog"]

log = get_logger("opsuite.cep.natslog")

STREAM = "OPSUITE_CEP_EVENTS"
PREFIX = "opsuite.cep.events"


class JetStreamLog:
    """:class:`~opsuite_cep.app.eventlog.EventLog` on a JetStream stream (connects on first use)."""

    durable = True

    def __init__(self, url: str, *, max_age_s: float = 7 * 86_400, timeout_s: float = 5.0) -> None:
        self.url, self.max_age_s, self.timeout_s = url, max_age_s, timeout_s
        self._nc: Any = None
        self._js: Any = None
        self._lock = asyncio.Lock()

    async def _context(self) -> Any:
        if self._js is not None:
            return self._js
        async with self._lock:
            if self._js is None:
                nc = await nats.connect(
                    self.url, connect_timeout=self.timeout_s, max_reconnect_attempts=-1, allow_reconnect=True
                )
                js = nc.jetstream(timeout=self.timeout_s)
                config = api.StreamConfig(
                    name=STREAM,
                    subjects=[f"{PREFIX}.*"],
                    storage=api.StorageType.FILE,
                    retention=api.RetentionPolicy.LIMITS,
                    max_age=self.max_age_s,
                    discard=api.DiscardPolicy.OLD,
                )
                try:
                    await js.stream_info(STREAM)
                    await js.update_stream(config)
                except NotFoundError:
                    await js.add_stream(config)
                self._nc, self._js = nc, js
                log.info("event log on JetStream", url=self.url, stream=STREAM)
        return self._js

    @staticmethod
    def subject(tenant: str) -> str:
        """The subject of a tenant's records."""
        return f"{PREFIX}.{tenant}"

    async def append(self, tenant: str, kind: RecordKind, now: float, events: Sequence[Event] = ()) -> int:
        """Publish and wait for JetStream's acknowledgement; returns the stream sequence."""
        js = await self._context()
        body = json.dumps({"kind": kind, "now": now, "events": [e.to_dict() for e in events]}, separators=(",", ":"))
        ack = await js.publish(self.subject(tenant), body.encode(), timeout=self.timeout_s, stream=STREAM)
        return int(ack.seq)

    async def read(self, tenant: str, after: int, limit: int) -> list[LogRecord]:
        """Up to ``limit`` of the tenant's records after sequence ``after``, in order."""
        js = await self._context()
        try:  # nothing to read: answer without a consumer (a fetch would wait for its timeout)
            last = await js.get_last_msg(STREAM, self.subject(tenant))
        except NotFoundError:
            return []
        if int(last.seq) <= after:
            return []
        config = api.ConsumerConfig(
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=after + 1,
            ack_policy=api.AckPolicy.NONE,
            filter_subject=self.subject(tenant),
            inactive_threshold=60.0,
        )
        sub = await js.pull_subscribe(self.subject(tenant), stream=STREAM, config=config)
        try:
            try:
                msgs = await sub.fetch(limit, timeout=1.0)
            except NatsTimeout:
                return []
            records = []
            for m in msgs:
                data = json.loads(m.data)
                kind: RecordKind = "tick" if data["kind"] == "tick" else "events"
                events = tuple(Event.from_dict(e) for e in data["events"])
                records.append(LogRecord(int(m.metadata.sequence.stream), kind, float(data["now"]), events))
            return records
        finally:
            await sub.unsubscribe()

    async def trim(self, tenant: str, through: int) -> int:
        """Purge the tenant's records up to and including ``through``."""
        js = await self._context()
        await js.purge_stream(STREAM, subject=self.subject(tenant), seq=through + 1)
        return 0  # JetStream does not say how many went

    async def tenants(self) -> list[str]:
        """Tenants with records in the stream."""
        js = await self._context()
        info = await js.stream_info(STREAM, subjects_filter=f"{PREFIX}.*")
        subjects = info.state.subjects or {}
        return sorted(s.removeprefix(f"{PREFIX}.") for s, count in subjects.items() if count)

    async def close(self) -> None:
        """Drain and close the connection."""
        if self._nc is not None:
            await self._nc.drain()
            self._nc = self._js = None
