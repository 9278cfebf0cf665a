"""SCHEDULE rules with the plan stored in the database: several cep servers on one database run each due run
once, a restart resumes the stored plan (and catches up once), and a dead scheduler's claim is taken over.

Every server runs on a FakeClock and calls a fake api_manager over gRPC; no assertion waits on the wall clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import pytest_asyncio

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.scheduler import Scheduler
from opsuite_common.protoconv import py_to_value
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually

from .conftest import Cep

pytestmark = pytest.mark.asyncio

INTERVAL = 10.0
RULE = {
    "name": "queue-deep",
    "kind": "SCHEDULE",
    "spec": {"interval": "10s", "api": "queue-depth", "condition": {"field": "queue_depth", "op": ">", "value": 100}},
}
T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class FakeApiManager(api_manager_pb2_grpc.ApiManagerServiceServicer):
    """Answers ExecuteApi with a deep queue and counts the calls; ``hold_first`` keeps the first call open
    until ``release`` is set (a scheduler stuck mid-run)."""

    def __init__(self) -> None:
        self.calls = 0
        self.hold_first = False
        self.release = asyncio.Event()

    async def ExecuteApi(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        self.calls += 1
        if self.hold_first and self.calls == 1:
            await self.release.wait()
        return api_manager_pb2.ExecuteApiResponse(
            status=api_manager_pb2.SUCCEEDED, json=py_to_value({"queue_depth": 500})
        )


@pytest_asyncio.fixture
async def api_manager() -> AsyncIterator[tuple[FakeApiManager, str]]:
    fake = FakeApiManager()
    server = grpc.aio.server()
    api_manager_pb2_grpc.add_ApiManagerServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield fake, f"127.0.0.1:{port}"
    fake.release.set()
    await server.stop(0)


async def _advance(clock: FakeClock, seconds: float, schedulers: int) -> None:
    """Move the shared clock once every scheduler sleeps; return when each has ticked and sleeps again."""
    await eventually(lambda: clock.sleepers == schedulers, what="every scheduler asleep")
    clock.advance(seconds)  # wakes them all: their sleeps are no longer counted until the next ones start
    await eventually(lambda: clock.sleepers == schedulers, what="every scheduler's tick to end")


async def _next_run(cep: Cep, rule: cep_pb2.Rule) -> datetime:
    stats = await cep.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=rule.meta.id), metadata=cep.md())
    return stats.schedule_next_run.ToDatetime(tzinfo=UTC)


def _same_instant(a: datetime, b: datetime) -> bool:
    """Equal up to the rounding of float epoch seconds on the way to a protobuf Timestamp."""
    return abs(a - b) < timedelta(milliseconds=1)


async def _hand_driven(cep: Cep) -> Scheduler:
    """The server's scheduler with its loop stopped: the test calls ``tick(instant)`` itself."""
    scheduler = cep.handle.app.scheduler
    await scheduler.stop()
    return scheduler


@pytest.mark.parametrize("at_once", [False, True], ids=["first-run-one-interval-later", "first-run-at-once"])
async def test_two_servers_on_one_database_run_each_due_run_once(
    db_url: str, api_manager: tuple[FakeApiManager, str], start_cep: Callable[..., Any], at_once: bool
) -> None:
    fake, target = api_manager
    clock = FakeClock(T0)
    kw = {"clock": clock, "api_manager_target": target, "schedule_first_run_at_once": at_once}
    a: Cep = await start_cep(db_url, **kw)
    b: Cep = await start_cep(db_url, **kw)
    await eventually(lambda: clock.sleepers == 2, what="both schedulers' first tick")
    await a.rule(RULE)
    await _advance(clock, a.settings.schedule_tick_s, 2)  # both see the rule; one plans it
    first = 1 if at_once else 0
    assert fake.calls == first

    ticks = 6
    for k in range(1, ticks + 1):
        await _advance(clock, INTERVAL, 2)  # both wake with the run due; one claims it
        assert fake.calls == first + k
    runs = [stats["runs"] for cep in (a, b) for stats in cep.handle.app.scheduler.stats.values()]
    assert sum(runs) == first + ticks
    (alert,) = await b.alerts()  # fired once, by whichever ran first; later runs keep it firing
    assert alert.state == cep_pb2.FIRING


async def test_concurrent_ticks_of_two_schedulers_claim_each_run_once(
    db_url: str, api_manager: tuple[FakeApiManager, str], start_cep: Callable[..., Any]
) -> None:
    fake, target = api_manager
    clock = FakeClock(T0)
    kw = {"clock": clock, "api_manager_target": target}
    a, b = await start_cep(db_url, **kw), await start_cep(db_url, **kw)
    sa, sb = await _hand_driven(a), await _hand_driven(b)
    await a.rule(RULE)
    t = clock.now()
    assert await asyncio.gather(sa.tick(t), sb.tick(t)) == [0, 0]  # both plan at once: one plan is stored
    for k in range(1, 6):
        at = t + timedelta(seconds=INTERVAL * k)
        assert sorted(await asyncio.gather(sa.tick(at), sb.tick(at))) == [0, 1]
        assert fake.calls == k
    assert await asyncio.gather(sa.tick(at), sb.tick(at)) == [0, 0]  # run already: nothing due at that instant


async def test_a_restarted_scheduler_resumes_the_stored_plan_and_catches_up_once(
    db_url: str, api_manager: tuple[FakeApiManager, str], start_cep: Callable[..., Any]
) -> None:
    fake, target = api_manager
    clock = FakeClock(T0)
    kw = {"clock": clock, "api_manager_target": target}
    first: Cep = await start_cep(db_url, **kw)
    await eventually(lambda: clock.sleepers == 1, what="the scheduler's first tick")
    rule = await first.rule(RULE)
    await _advance(clock, first.settings.schedule_tick_s, 1)
    planned = clock.now() + timedelta(seconds=INTERVAL)
    assert _same_instant(await _next_run(first, rule), planned)

    await first.handle.stop(0)  # a restart 4 s later: the plan stands (not one interval after the start)
    clock.advance(4)
    second: Cep = await start_cep(db_url, **kw)
    await eventually(lambda: clock.sleepers == 1, what="the restarted scheduler's first tick")
    assert fake.calls == 0 and _same_instant(await _next_run(second, rule), planned)
    await _advance(clock, (planned - clock.now()).total_seconds(), 1)
    assert fake.calls == 1

    await second.handle.stop(0)  # down for three and a half intervals: one run at the restart, not three
    clock.advance(3.5 * INTERVAL)
    third: Cep = await start_cep(db_url, **kw)
    await eventually(lambda: clock.sleepers == 1, what="the restarted scheduler's first tick")
    assert fake.calls == 2
    assert _same_instant(await _next_run(third, rule), clock.now() + timedelta(seconds=INTERVAL))
    await _advance(clock, INTERVAL - 0.1, 1)
    assert fake.calls == 2
    await _advance(clock, 0.1, 1)
    assert fake.calls == 3


async def test_the_claim_of_a_scheduler_that_died_mid_run_is_taken_over_after_the_timeout(
    db_url: str, api_manager: tuple[FakeApiManager, str], start_cep: Callable[..., Any]
) -> None:
    fake, target = api_manager
    fake.hold_first = True
    clock = FakeClock(T0)
    kw = {"clock": clock, "api_manager_target": target, "schedule_claim_timeout_s": 30.0, "delivery_timeout_s": 300}
    a, b = await start_cep(db_url, **kw), await start_cep(db_url, **kw)
    sa, sb = await _hand_driven(a), await _hand_driven(b)
    rule = await a.rule(RULE)
    t = clock.now()
    assert await sa.tick(t) == 0  # plans t + 10 s
    due = t + timedelta(seconds=INTERVAL)
    dying = asyncio.create_task(sa.tick(due))  # claims the run, then hangs in ExecuteApi
    await eventually(lambda: fake.calls == 1, what="the first scheduler's run in progress")
    dying.cancel()  # it dies with the claim held
    with pytest.raises(asyncio.CancelledError):
        await dying

    assert await sb.tick(due) == 0  # claimed
    assert await sb.tick(due + timedelta(seconds=29.9)) == 0  # still within the claim timeout
    taken = due + timedelta(seconds=30)
    assert await sb.tick(taken) == 1  # expired: taken over, and the run is repeated
    assert fake.calls == 2
    assert [alert.state for alert in await b.alerts()] == [cep_pb2.FIRING]
    following = taken + timedelta(seconds=INTERVAL)
    assert sb.stats[rule.meta.id]["next_run"] == following
    assert await sb.tick(following - timedelta(seconds=0.1)) == 0
    assert await sb.tick(following) == 1


async def test_a_run_that_outlives_its_claim_leaves_the_takers_plan_alone(
    db_url: str, api_manager: tuple[FakeApiManager, str], start_cep: Callable[..., Any]
) -> None:
    fake, target = api_manager
    fake.hold_first = True
    clock = FakeClock(T0)
    kw = {"clock": clock, "api_manager_target": target, "schedule_claim_timeout_s": 30.0, "delivery_timeout_s": 300}
    a, b = await start_cep(db_url, **kw), await start_cep(db_url, **kw)
    sa, sb = await _hand_driven(a), await _hand_driven(b)
    await a.rule(RULE)
    t = clock.now()
    assert await sa.tick(t) == 0
    due = t + timedelta(seconds=INTERVAL)
    slow = asyncio.create_task(sa.tick(due))
    await eventually(lambda: fake.calls == 1, what="the first scheduler's run in progress")
    taken = due + timedelta(seconds=30)
    assert await sb.tick(taken) == 1  # the claim expired: taken over
    fake.release.set()
    assert await slow == 1  # the slow run ends; its claim is gone, so it stores nothing
    following = taken + timedelta(seconds=INTERVAL)  # the taker's plan, not the slow one's (due + 10 s)
    for scheduler in (sa, sb):
        assert await scheduler.tick(following - timedelta(seconds=0.1)) == 0
    assert sorted(await asyncio.gather(sa.tick(following), sb.tick(following))) == [0, 1]
    assert fake.calls == 3
