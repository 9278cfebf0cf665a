"""TestRule of a keyed rule with partitions: one engine per partition, as live evaluation runs it.

Each partition's engine gets the events of its keys (refused as PublishEvents refuses them, before the
split); transitions come partition by partition, and the watermark is the slowest partition's. Called from
``EngineHost._dry_run`` in one of cep's evaluation threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from opsuite_cep.domain import Event, IngestResult, Rule, Silence
from opsuite_cep.domain.engine import FUTURE_TIME, future_skew_description
from opsuite_cep.domain.partitioning import partition_of
from opsuite_cep.domain.results import RefusedEvent

if TYPE_CHECKING:
    from opsuite_cep.app.engines import EngineHost

__all__ = ["dry_run_partitioned"]


def dry_run_partitioned(
    host: EngineHost,
    tenant: str,
    rule: Rule,
    silences: list[Silence],
    events: Sequence[Event],
    advance_to: float | None,
) -> IngestResult:
    """``rule`` over ``events`` on one fresh engine per partition (see the module docstring)."""
    wall, n = host.now(), host.settings.partitions
    skew = host.settings.time_policy(tenant).max_future_skew
    out, groups = IngestResult(), dict[int, list[Event]]()
    for i, e in enumerate(events):  # refused as PublishEvents refuses them, before the split
        if skew is not None and e.time > wall + skew:
            out.refused.append(RefusedEvent(i, e, FUTURE_TIME, future_skew_description(e.time - wall, skew)))
        else:
            groups.setdefault(partition_of(tenant, e.key, n), []).append(e)
    arrival = max((e.time for group in groups.values() for e in group), default=None)
    watermarks = []
    for p in sorted(groups):
        engine = host.new_engine(tenant, [rule], silences)
        part = engine.ingest(groups[p], arrived_at=arrival)
        if advance_to is not None:
            part.extend(engine.tick(advance_to))
        out.transitions += part.transitions
        out.notifications += part.notifications
        out.matches += part.matches
        out.late_events += part.late_events
        out.duplicate_events += part.duplicate_events
        out.accepted, out.late, out.buffered = (
            out.accepted + part.accepted,
            out.late + part.late,
            out.buffered + part.buffered,
        )
        if (w := engine.rule_watermark(rule.name)) is not None:
            watermarks.append(w)
    out.watermark = min(watermarks, default=None)
    return out
