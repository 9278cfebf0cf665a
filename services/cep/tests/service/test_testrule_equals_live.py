"""TestRule equals live ingestion (docs/cep-semantics.md, What TestRule does #26), on both live paths.

Every case of the event-time semantics (the rows the domain tests check one by one, plus quiet-tenant
and future-skew cases) runs twice on one real server whose clock is a FakeClock: through PublishEvents
(the events arrive at the time of the newest of them; then the clock moves to ``advance`` with no
further event, and idle progress follows) and through TestRule (same events, same ``advance_to``).
Every transition (state, time, fingerprint, labels, values, silenced) must be the same, in the same
order, and so must the late, duplicate and refused events.

The server is either one engine per tenant on SQLite (the scheduler's tick applies idle progress), or one
replica owning four partitions of a JetStream stream of this test's own (NATS at 127.0.0.1:4222;
docs/architecture/cep.md, Replicas and partitions). There the reply has ``evaluated = false`` and gives
only the refused events; the partitions' owners evaluate after it, and log idle progress as tick records
read by the same clock, so the test waits (``eventually``) until every owner has applied every record of
its partition and no tick is due. The owners commit independently, so transitions are compared in order
within each partition (a keyed rule's follow their key), which is how TestRule lists them there.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from nats.errors import TimeoutError as NatsTimeoutError
from sqlalchemy import text

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.adapters.partitions import PartitionStream
from opsuite_cep.domain import parse_rule
from opsuite_cep.domain.partitioning import home_of, partition_of, scope_of
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually

from .conftest import NATS_URL, T0, Cep, advance_clock, struct

pytestmark = pytest.mark.asyncio

Ev = tuple[str, str, float, str, dict[str, Any]]  # id, type, time relative to the case's base, key, attributes
FUTURE = 10**5  # relative times beyond this are refused (more than max_future_skew ahead of the clock)


@dataclass(frozen=True)
class Case:
    name: str
    rule: dict[str, Any]
    events: list[Ev]
    advance: float | None = None  # relative; the clock moves here after the events, with no further event
    silences: list[dict[str, Any]] = field(default_factory=list)


_ids = itertools.count()


def x(id: str, t: float, v: float = 10, key: str = "k") -> Ev:
    return (id, "x", t, key, {"v": v})


def cpu(t: float, value: float, host: str = "h1") -> Ev:
    return (f"{host}-{t}", "m", t, "", {"cpu": value, "host": host})


def w(t: float, v: Any = 1, host: str = "h") -> Ev:
    return (f"w{next(_ids)}", "x", t, "", {"v": v, "host": host})


def s(id: str, type: str, t: float, key: str = "k", **attrs: Any) -> Ev:
    return (id, type, t, key, {"version": "v1", **attrs})


def o(id: str, type: str, t: float, order: str = "o1", customer: str = "c1") -> Ev:
    return (id, type, t, "", {"order": order, "customer": customer})


def threshold_v(**common: Any) -> dict[str, Any]:
    spec = {"condition": {"field": "v", "op": ">", "value": 5}, "group_by": ["key"]}
    return {"name": "t", "kind": "THRESHOLD", "spec": spec, **common}


def threshold_cpu(**common: Any) -> dict[str, Any]:
    spec = {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]}
    return {"name": "cpu", "kind": "THRESHOLD", "event_type": "m", "spec": spec, **common}


def window(shape: dict[str, Any], aggregate: str = "count", op: str = ">=", threshold: float = 2, **common: Any) -> Any:
    spec = {**shape, "aggregate": aggregate, "op": op, "threshold": threshold, "group_by": ["host"]}
    if aggregate != "count":
        spec["field"] = "v"
    return {"name": "w", "kind": "WINDOW", "spec": spec, **common}


def sequence(**spec: Any) -> dict[str, Any]:
    steps = [
        {"alias": "a", "event_type": "A"},
        {"alias": "b", "event_type": "B", "where": {"field": "b.version", "op": "==", "value_from": "a.version"}},
    ]
    return {"name": "seq", "kind": "SEQUENCE", "spec": {"steps": steps, "within": "10s", **spec}}


ABSENCE_XY = {
    "name": "abs",
    "kind": "ABSENCE",
    "allowed_lateness": "5s",
    "spec": {
        "trigger": {"alias": "a", "event_type": "x"},
        "expected": {"alias": "b", "event_type": "y"},
        "within": "10s",
    },
}
UNPAID = {
    "name": "unpaid",
    "kind": "ABSENCE",
    "spec": {
        "trigger": {"alias": "a", "event_type": "order"},
        "expected": {
            "alias": "b",
            "event_type": "paid",
            "where": {"field": "order", "op": "==", "value_from": "a.order"},
        },
        "within": "5m",
        "partition_by": ["customer"],
    },
}
ANOMALY = {
    "name": "anom",
    "kind": "ANOMALY",
    "spec": {"field": "v", "alpha": 0.5, "min_samples": 3, "threshold": 2},
}


def samples(values: list[float]) -> list[Ev]:
    return [(f"k{i}", "x", float(i), "k", {"v": v}) for i, v in enumerate(values)]


CASES = [
    # Event time and watermarks #1-#4, Duplicates #5
    Case(
        "row1-late-iff-below-watermark",
        threshold_v(allowed_lateness="10s"),
        [x("a", 100), x("b", 90), x("c", 89.999)],
        200,
    ),
    Case("row2-late-never-used", threshold_v(), [x("a", 100, 1), x("b", 50, 99)]),
    Case(
        "row3-buffered-then-in-order",
        threshold_v(allowed_lateness="10s"),
        [x("a", 5, 99), x("b", 3, 1), x("c", 20, 1)],
        100,
    ),
    Case(
        "row3-lateness-without-advance",
        threshold_v(allowed_lateness="10s"),
        [x("a", 5, 99), x("b", 3, 1), x("c", 20, 1)],
    ),
    Case("row3-event-before-its-watermark", threshold_v(**{"for": "10s"}), [x("a", 0), x("b", 10, 1)]),
    Case("row4-timers-first", ABSENCE_XY, [x("a2", 5), x("a1", 2, key="k2"), ("b", "y", 15, "k", {})], 100),
    Case("row5-duplicates", threshold_v(), [x("a", 10, 1), x("a", 11, 99), x("b", 12, 1)]),
    # Threshold alerts #11-#12, Alert lifecycle #19-#21
    Case("row11-no-for", threshold_cpu(), [cpu(0, 95)]),
    Case("row11-for-inclusive", threshold_cpu(**{"for": "60s"}), [cpu(0, 95), cpu(30, 95), cpu(60, 95)]),
    Case("row11-for-other-group", threshold_cpu(**{"for": "60s"}), [cpu(0, 95, "h1"), cpu(60, 10, "h2")]),
    Case("row11-pending-dropped", threshold_cpu(**{"for": "60s"}), [cpu(0, 95), cpu(59, 50), cpu(120, 10)]),
    Case("row11-for-by-the-clock", threshold_cpu(**{"for": "60s"}), [cpu(0, 95)], 90),
    Case(
        "row12-keep-firing-for",
        threshold_cpu(keep_firing_for="60s"),
        [cpu(t, v) for t, v in [(0, 95), (10, 50), (40, 50), (50, 95), (60, 50), (100, 50), (120, 50)]],
    ),
    Case("row12-keep-firing-for-by-the-clock", threshold_cpu(keep_firing_for="60s"), [cpu(0, 95), cpu(10, 50)], 200),
    Case("row20-repeat-interval", threshold_cpu(repeat_interval="10m"), [cpu(0, 95), cpu(599, 95), cpu(1300, 95)]),
    Case(
        "row21-silence",
        threshold_cpu(),
        [cpu(0, 95, "h1"), cpu(1, 95, "h3"), cpu(100, 5, "h1")],
        silences=[{"matchers": [("host", "=~", "h[12]")], "starts_at": 0, "ends_at": 100}],
    ),
    # Windows #14-#18
    Case("row14-tumbling", window({"window": "tumbling", "size": "60s"}), [w(0), w(59.999), w(60)]),
    Case(
        "row14-lateness",
        window({"window": "tumbling", "size": "60s"}, allowed_lateness="10s"),
        [w(0), w(30), w(69.9), w(70)],
    ),
    Case("row14-epoch-aligned", window({"window": "tumbling", "size": "60s"}), [w(1000), w(1019), w(1020)]),
    Case("row15-hopping", window({"window": "sliding", "size": "60s", "slide": "30s"}, threshold=1), [w(45), w(200)]),
    Case("row16-session-gap", window({"window": "session", "gap": "10s"}, threshold=3), [w(0), w(10), w(20), w(30.5)]),
    Case(
        "row16-session-by-the-clock",
        window({"window": "session", "gap": "10s"}, threshold=3),
        [w(0), w(10), w(20)],
        100,
    ),
    Case("row17-empty-window", window({"window": "tumbling", "size": "60s"}), [w(0), w(1), w(200, host="other")]),
    Case(
        "row17-failing-window-and-for",
        window({"window": "tumbling", "size": "60s"}, **{"for": "60s"}),
        [w(0), w(1), w(60), w(61), w(120), w(200)],
    ),
    Case(
        "row18-p95",
        window({"window": "tumbling", "size": "100s"}, aggregate="p95", op=">", threshold=90),
        [w(i, i + 1) for i in range(100)] + [w(99.5, "n/a"), w(100)],
    ),
    # Sequences and absences #6-#10, Alert lifecycle #22
    Case("row6-within-match", sequence(), [s("a", "A", 0), s("b", "B", 9.999)]),
    Case("row6-within-exclusive", sequence(), [s("a", "A", 0), s("b", "B", 10)]),
    Case(
        "row7-relaxed-contiguity",
        sequence(),
        [s("a", "A", 0), s("x", "C", 1), s("b0", "B", 2, version="v2"), s("b1", "B", 3), s("b2", "B", 4)],
    ),
    Case("row8-no-skip", sequence(), [s("a1", "A", 0), s("a2", "A", 1), s("b1", "B", 2)]),
    Case(
        "row8-skip-past-last-event",
        sequence(after_match="skip_past_last_event"),
        [s("a1", "A", 0), s("a2", "A", 1), s("b1", "B", 2), s("b2", "B", 3)],
    ),
    Case(
        "row9-partitions",
        sequence(),
        [s("a", "A", 0, key="k1"), s("bo", "B", 1, key="k2"), s("b", "B", 2, key="k1"), s("b2", "B", 3, key="k1")],
    ),
    Case(
        "row22-resolve-timeout",
        sequence(),
        [s("a1", "A", 0), s("b1", "B", 1), s("a2", "A", 100), s("b2", "B", 101)],
        1000,
    ),
    Case("row10-absence-deadline", UNPAID, [o("a", "order", 0), o("x", "noise", 299.9), o("y", "noise", 400)]),
    Case("row10-b-at-deadline-does-not-cancel", UNPAID, [o("a", "order", 0), o("b", "paid", 300)]),
    Case("row10-b-before-deadline-cancels", UNPAID, [o("a", "order", 0), o("b", "paid", 299.99), o("z", "n", 999)]),
    Case(
        "row10-one-b-cancels-earlier",
        UNPAID,
        [
            o("a1", "order", 0),
            o("a2", "order", 10),
            o("a3", "order", 20, "o2"),
            o("b", "paid", 30),
            o("z", "noise", 1000),
        ],
    ),
    Case("row10-absence-by-the-clock", UNPAID, [o("a", "order", 0)], 400),
    # Anomaly #23
    Case("row23-anomaly-and-resolve", ANOMALY, samples([10, 12, 10, 100, 200]), 10_000),
    Case("row23-flat-baseline", ANOMALY, samples([5, 5, 5, 5, 6])),
    # Time without events #25
    Case("row25-future-event-refused", threshold_cpu(), [cpu(0, 10), cpu(86_400 * 3, 99), cpu(1, 95), cpu(0, 10)]),
]


def _events(case: Case, base: float) -> list[cep_pb2.Event]:
    out = []
    for eid, etype, t, key, attrs in case.events:
        event = cep_pb2.Event(id=eid, type=etype, key=key, source="test", attributes=struct(attrs))
        event.time.FromNanoseconds(round((base + t) * 1e9))
        out.append(event)
    return out


def _ms(ts: Any) -> int:
    return round(ts.ToNanoseconds() / 1e6)


def _transition(state: str, at: Any, fp: str, labels: Any, values: Any, silenced: bool) -> tuple[Any, ...]:
    return (state, _ms(at), fp, sorted(labels.items()), MessageToDict(values), silenced)


def _events_reported(reply: Any) -> tuple[Any, ...]:
    return (
        sorted((le.event_id, le.rule, _ms(le.watermark)) for le in reply.late_events),
        list(reply.duplicate_event_ids),
        [(r.index, r.event_id, r.reason) for r in reply.refused_events],
    )


async def _live_transitions(cep: Cep, tenant: str) -> list[tuple[Any, ...]]:
    async with cep.handle.app.db.session() as session:
        count = (
            await session.execute(text("SELECT count(*) FROM cep_alert_changes WHERE tenant = :t"), {"t": tenant})
        ).scalar_one()
    changes: list[cep_pb2.AlertChange] = []
    if count:
        call = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=0), metadata=cep.md(tenant))
        async for change in call:
            changes.append(change)
            if len(changes) == count:
                break
        call.cancel()
    return [
        _transition(c.change, c.time, c.alert.fingerprint, c.alert.labels, c.alert.values, c.alert.silenced)
        for c in changes
        if c.change != "repeat"  # a re-notification, not a transition (TestRule lists it as a notification)
    ]


def _by_partition(transitions: list[tuple[Any, ...]], case: Case, tenant: str, partitions: int) -> dict[int, Any]:
    """Partitions: the transitions of each partition, in order (a keyed rule's follow their key; a tenant-wide
    rule's are all at the tenant's home). The owners of different partitions commit independently, so
    WatchAlerts interleaves their changes in no defined order; TestRule lists them partition by partition."""
    keyed = scope_of(parse_rule(case.rule)) == "keyed"
    out: dict[int, list[tuple[Any, ...]]] = {}
    for t in transitions:
        p = partition_of(tenant, dict(t[3])["key"], partitions) if keyed else home_of(tenant, partitions)
        out.setdefault(p, []).append(t)
    return out


async def _caught_up(cep: Cep) -> bool:
    """Partitions: whether every partition's owner has applied every record of its partition (committing its
    alert changes), and no unit has idle progress due at the clock's time (a tick waiting to be logged or
    applied). The clock does not move while a test waits on this, so it stays true once true.

    Each runner is read holding its lock (taken while a record is applied and committed, while ticks are
    logged, and while rules are refreshed), so a runner busy with its timer makes this wait for it rather
    than answer "not yet" (under load four runners were seldom all idle at one instant)."""
    coordinator = cep.handle.app.coordinator
    assert coordinator is not None
    partitions = range(cep.settings.partitions)
    if set(coordinator.runners) != set(partitions):
        return False
    runners = [coordinator.runners[p] for p in partitions]
    stream = coordinator.stream
    assert isinstance(stream, PartitionStream)
    last = await asyncio.gather(*(stream.last_sequence(p) for p in partitions))
    async with contextlib.AsyncExitStack() as held:
        for r in runners:
            await held.enter_async_context(r.lock)
        if any(coordinator.runners.get(p) is not r for p, r in zip(partitions, runners, strict=True)):
            return False  # a runner was replaced meanwhile
        now = cep.handle.app.host.now()
        return all(
            r.position >= seq
            and not r._tick_pending
            and not any(te.unwritten or te.engine.idle_progress_due(now) for te in r.units.values())
            for r, seq in zip(runners, last, strict=True)
        )


async def _settled(cep: Cep) -> None:
    """Return once live evaluation has caught up with what was published and with the clock (partitions
    evaluate after the reply; one engine per tenant has by then, and its idle progress is the scheduler's
    tick that ``advance_clock`` waits for)."""
    if cep.settings.partitions:
        # a NATS request timing out (the server or this loop starved under load) is one more "not yet"
        await eventually(
            lambda: _caught_up(cep), timeout=60, what="the partitions' owners to catch up", ignoring=NatsTimeoutError
        )


@pytest.mark.parametrize("partitions", [0, 4], ids=["one-engine-per-tenant", "four-partitions-on-jetstream"])
async def test_test_rule_gives_the_transitions_of_live_ingestion_on_every_semantics_case(
    partitions: int, stream_namespace: str, sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    clock = FakeClock(datetime.fromtimestamp(T0, UTC))
    if partitions:  # one replica owns every partition; its runners look for due ticks every 0.05 s of real time
        # and log them at this clock's reading (the host's clock, as PublishEvents' records). A case's rule and
        # silences exist before its tenant's first record, and a unit reads them when it is loaded, so the
        # runners' rule refresh has nothing to pick up here: it would only re-read every loaded tenant's rules,
        # silences and routing (40 tenants by the end) under the runner's lock, which at 0.2 s took most of
        # the test's CPU and, with the suite on 2 cores, held the runners' locks most of the time.
        options: dict[str, Any] = {
            "event_log": NATS_URL,
            "partitions": partitions,
            "stream_namespace": stream_namespace,
            "schedule_tick_s": 0.05,
            "partition_refresh_s": 60,
        }
    else:
        options = {"schedule_tick_s": 1.0}
    cep: Cep = await start_cep(sqlite_url, clock=clock, **options)
    if partitions:
        await eventually(lambda: _caught_up(cep), timeout=20, what="every partition owned", ignoring=NatsTimeoutError)
    checked = spread = 0
    for number, case in enumerate(CASES):
        tenant = f"case-{number}"
        # each case on its own tenant, at a base on a whole hour (windows align to the epoch) ahead of the clock
        base = math.ceil((clock.time() + 1) / 3600) * 3600
        arrival = max(t for _, _, t, _, _ in case.events if t < FUTURE)
        for silence in case.silences:
            request = cep_pb2.CreateSilenceRequest(
                matchers=[cep_pb2.Matcher(name=n, op=op, value=v) for n, op, v in silence["matchers"]]
            )
            request.starts_at.FromNanoseconds(round((base + silence["starts_at"]) * 1e9))
            request.ends_at.FromNanoseconds(round((base + silence["ends_at"]) * 1e9))
            await cep.stub.CreateSilence(request, metadata=cep.md(tenant))
        await cep.rule(case.rule, tenant)
        events = _events(case, base)

        # live: the events arrive together when the clock reads the newest of them, then the clock moves on
        await advance_clock(clock, base + arrival - clock.time())
        published = await cep.publish(events, tenant)
        assert published.accepted + published.late + published.duplicates + published.refused == len(events)
        assert published.evaluated == (not partitions)
        await _settled(cep)
        dry = cep_pb2.TestRuleRequest(definition=struct(case.rule), events=events)
        if case.advance is not None:
            assert case.advance > arrival + cep.settings.idle_timeout_s, case.name
            await advance_clock(clock, base + case.advance - clock.time())
            await _settled(cep)
            dry.advance_to.FromNanoseconds(round((base + case.advance) * 1e9))
        live = await _live_transitions(cep, tenant)

        tested = await cep.stub.TestRule(dry, metadata=cep.md(tenant))
        predicted = [
            _transition(t.state, t.time, t.fingerprint, t.labels, t.values, t.silenced) for t in tested.transitions
        ]
        if partitions:
            by_partition = _by_partition(predicted, case, tenant, partitions)
            assert by_partition == _by_partition(live, case, tenant, partitions), case.name
            spread += len(by_partition) > 1
        else:
            assert predicted == live, case.name
        if published.evaluated:
            assert _events_reported(tested) == _events_reported(published), case.name
        else:  # the reply of a partitioned server knows only what was refused before the events were logged
            assert _events_reported(tested)[2] == _events_reported(published)[2], case.name
            assert published.accepted == len(events) - published.refused, case.name
        checked += bool(live)
    assert checked >= 30  # the comparison is not vacuous: most cases change alerts
    assert spread >= 1 if partitions else spread == 0  # some case's alerts are in several partitions
