"""Publishing when replicas share the partitions of the event stream (``OPSUITE_CEP_PARTITIONS`` > 0;
docs/architecture/cep.md, Replicas and partitions): any replica appends, the partitions' owners evaluate
(:mod:`opsuite_cep.app.partitions`).

A batch's events more than ``max_future_skew`` ahead of the clock are refused here; the rest are appended to
partition ``partition_of(tenant, key)`` for the tenant's keyed rules, and all of them once more to the
tenant's home partition for its tenant-wide rules (:mod:`opsuite_cep.domain.partitioning`). The reply is
sent once JetStream has stored them; it carries no evaluation (``evaluated = false``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from opsuite_cep.app.engine_budget import EngineBudget
from opsuite_cep.config import Settings
from opsuite_cep.domain import Event, IngestResult, Rule
from opsuite_cep.domain.engine import FUTURE_TIME, future_skew_description
from opsuite_cep.domain.partitioning import home_of, partition_of, scope_of
from opsuite_cep.domain.results import RefusedEvent
from opsuite_common.errors import ServiceUnavailableError
from opsuite_common.logging import get_logger
from opsuite_common.tracing import AttributeValue, SpanHandle, inject, span

__all__ = ["PartitionedIngest", "Stream", "consumed", "encode_record"]

log = get_logger("opsuite.cep.partitions")


class Stream(Protocol):
    """The partitioned event stream (``opsuite_cep.adapters.partitions.PartitionStream``)."""

    async def publish(self, partition: int, body: bytes, headers: dict[str, str] | None = None) -> int: ...

    async def publish_many(self, items: Sequence[tuple[int, bytes, dict[str, str] | None]]) -> list[int]: ...

    def records(self, partition: int, after: int) -> Any: ...

    async def purge_below(self, partition: int, seq: int) -> None: ...

    async def close(self) -> None: ...


def encode_record(record: dict[str, Any]) -> bytes:
    """A record of a partition as stored in the stream (compact JSON)."""
    return json.dumps(record, separators=(",", ":")).encode()


def _trace_headers() -> dict[str, str] | None:
    """The current span's ``traceparent`` as message headers (None when tracing is off or nothing is traced)."""
    headers: dict[str, str] = {}
    inject(headers)
    return headers or None


@contextlib.contextmanager
def consumed(headers: dict[str, str], partition: int, seq: int) -> Iterator[SpanHandle | None]:
    """A CONSUMER span around applying one record, child of the publisher's span when the record carries a
    ``traceparent`` (records published outside a trace, ticks, get none)."""
    if "traceparent" not in headers:
        yield None
        return
    attributes: dict[str, AttributeValue] = {
        "messaging.system": "nats",
        "opsuite.cep.partition": partition,
        "opsuite.cep.sequence": seq,
    }
    with span("cep.evaluate", attributes, kind="consumer", parent=headers) as traced:
        yield traced


class PartitionedIngest:
    """PublishEvents and manual resolutions when replicas share partitions: append, do not evaluate."""

    def __init__(
        self, stream: Stream, settings: Settings, clock: Callable[[], float], budget: EngineBudget | None = None
    ) -> None:
        self.stream, self.settings, self.now = stream, settings, clock
        self.partitions = settings.partitions
        #: This replica's tenants' evaluation buckets, charged by the partitions this replica owns.
        self.budget = budget

    async def publish(self, tenant: str, events: Sequence[Event]) -> IngestResult:
        """Refuse the batch while the tenant is over its share of this replica's evaluation time; refuse events
        too far ahead of the clock, append the rest; returns once JetStream stored them."""
        if self.budget is not None:
            self.budget.check(tenant)  # before the stream: a refused batch leaves no trace
        now = self.now()
        skew = self.settings.time_policy(tenant).max_future_skew
        out = IngestResult()
        kept: list[Event] = []
        for i, e in enumerate(events):
            if skew is not None and e.time > now + skew:
                out.refused.append(RefusedEvent(i, e, FUTURE_TIME, future_skew_description(e.time - now, skew)))
            else:
                kept.append(e)
        out.accepted = len(kept)
        if not kept:
            return out
        by_partition: dict[int, list[Event]] = {}
        for e in kept:
            by_partition.setdefault(partition_of(tenant, e.key, self.partitions), []).append(e)
        keyed = {"tenant": tenant, "scope": "keyed", "kind": "events", "now": now}
        whole = {"tenant": tenant, "scope": "tenant", "kind": "events", "now": now, "events": _dicts(kept)}
        try:
            with span("cep.ingest", {"opsuite.cep.events": len(events)}):
                traced = _trace_headers()  # the owners' evaluation of each record joins this trace
                items: list[tuple[int, bytes, dict[str, str] | None]] = [
                    (p, encode_record({**keyed, "events": _dicts(evs)}), traced)
                    for p, evs in sorted(by_partition.items())
                ]
                items.append((home_of(tenant, self.partitions), encode_record(whole), traced))
                await self.stream.publish_many(items)
        except Exception as exc:
            log.warning("partition stream append failed", tenant=tenant, error=repr(exc))
            raise ServiceUnavailableError(
                "the events could not be stored in the event stream; send them again (events already stored "
                "are recognised as duplicates)",
                reason="EVENT_LOG_UNAVAILABLE",
            ) from exc
        return out

    async def forget(self, tenant: str, rule: Rule | None, labels: dict[str, str], fingerprint: str) -> None:
        """After an operator resolved an alert: the unit that holds its state forgets it (in stream order)."""
        name = rule.name if rule is not None else ""
        record = {"tenant": tenant, "kind": "forget", "rule": name, "fingerprint": fingerprint}
        if rule is not None and scope_of(rule) == "keyed" and "key" in labels:
            targets = [(partition_of(tenant, labels["key"], self.partitions), "keyed")]
        elif rule is not None and scope_of(rule) == "tenant":
            targets = [(home_of(tenant, self.partitions), "tenant")]
        else:  # unknown placement: every unit of the tenant forgets it (a no-op where it is not)
            targets = [(p, s) for p in range(self.partitions) for s in ("keyed", "tenant")]
        try:
            await self.stream.publish_many([(p, encode_record({**record, "scope": s}), None) for p, s in targets])
        except Exception as exc:
            log.warning("partition stream append failed", tenant=tenant, error=repr(exc))
            raise ServiceUnavailableError(
                "the resolution could not be stored in the event stream; nothing was resolved: retry",
                reason="EVENT_LOG_UNAVAILABLE",
            ) from exc


def _dicts(events: Sequence[Event]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in events]
