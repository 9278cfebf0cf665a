"""Absent keys read from a real api_manager (in-process, port 0) by a real cep (in-process, port 0, a fake clock
for its scheduler and event time): a host inventory API lists the hosts; a host that never reported fires, a
host removed from the inventory stops and its alert resolves, a failed refresh keeps the last good list and
shows in GetRuleStats, the list survives a restart of cep, and a list cut by the API is flagged
(docs/cep-semantics.md, Absent keys #27-#28)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio
from cryptography.fernet import Fernet
from google.protobuf import json_format, struct_pb2

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_api_manager.config import Settings as ApiManagerSettings
from opsuite_api_manager.server import create_server as create_api_manager
from opsuite_cep.adapters.partitions import delete_namespace
from opsuite_cep.config import Settings as CepSettings
from opsuite_cep.domain.partitioning import partition_of
from opsuite_cep.server import create_server as create_cep
from opsuite_common.server import ServerHandle
from opsuite_common.testing.clock import FakeClock
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import TokenFactory, auth_settings_for_tests

pytestmark = pytest.mark.asyncio

T0 = 1_700_000_000.0
NATS_URL = "nats://127.0.0.1:4222"
TOKENS = TokenFactory()
ADMIN = TOKENS.metadata("tenant-a", ["admin"])
RULE = {
    "name": "host-silent",
    "kind": "ABSENCE",
    "spec": {
        "expected": {"alias": "beat", "event_type": "heartbeat"},
        "within": "20s",
        "expected_keys": {"api": "host_inventory", "field": "name", "refresh": "1m", "params": {"env": "prod"}},
    },
}


def struct(data: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(data)
    return out


def inventory(path: Path, hosts: list[str]) -> None:
    """The host inventory the API reads: ``hosts(name, env)``."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS hosts (name TEXT PRIMARY KEY, env TEXT)")
        conn.execute("DELETE FROM hosts")
        conn.executemany("INSERT INTO hosts VALUES (?, 'prod')", [(h,) for h in hosts])
        conn.execute("INSERT INTO hosts VALUES ('lab-1', 'lab')")


@pytest_asyncio.fixture
async def api_manager(tmp_path: Path) -> AsyncIterator[tuple[ServerHandle, Path]]:
    """A real api_manager with the data source ``inventory`` and the SQL API ``host_inventory``."""
    source = tmp_path / "inventory.db"
    inventory(source, ["db-1", "web-1", "web-2"])
    settings = ApiManagerSettings(
        port=0,
        database_url=f"sqlite:///{tmp_path / 'api_manager.db'}",
        auth=auth_settings_for_tests(),
        instance_id=f"test-{uuid.uuid4().hex[:12]}",
        sqlite_roots=[str(tmp_path)],
        secret_key=Fernet.generate_key().decode(),
    )
    handle = await create_api_manager(settings)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as ch:
        stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
        await stub.CreateDataSource(
            am.CreateDataSourceRequest(name="inventory", url=f"sqlite:///{source}"), metadata=ADMIN
        )
        for name, statement, limit in (
            ("host_inventory", "SELECT name FROM hosts WHERE env = :env ORDER BY name", 0),
            ("first_hosts", "SELECT name FROM hosts WHERE env = :env ORDER BY name", 2),
        ):
            api = am.ApiDefinition(name=name, enabled=True, kind=am.SQL)
            api.sql.CopyFrom(am.SqlSpec(data_source="inventory", statement=statement))
            json_format.ParseDict(
                {"type": "object", "properties": {"env": {"type": "string"}}, "required": ["env"]}, api.param_schema
            )
            api.policy.row_limit = limit
            await stub.CreateApi(am.CreateApiRequest(api=api), metadata=ADMIN)
    try:
        yield handle, source
    finally:
        await handle.stop(0)


class Cep:
    """An in-process cep whose scheduler and event time run on a fake clock."""

    def __init__(self, handle: ServerHandle, clock: FakeClock) -> None:
        self.handle, self.clock = handle, clock
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        self.stub = cep_pb2_grpc.CepServiceStub(self.channel)

    @classmethod
    async def start(cls, db: str, am_port: int, at: float, **kw: Any) -> Cep:
        settings = CepSettings(
            port=0,
            database_url=db,
            auth=auth_settings_for_tests(),
            api_manager_target=f"127.0.0.1:{am_port}",
            ops_target="127.0.0.1:1",
            schedule_tick_s=1.0,
            dispatch_poll_s=0.05,
            tenant_time={"tenant-a": {"idle_timeout_s": 5.0}},
            **kw,
        )
        clock = FakeClock(datetime.fromtimestamp(at, UTC))
        return cls(await create_cep(settings, clock=clock), clock)

    async def tick(self) -> None:
        """One round of the scheduler (schedule rules, key list refresh, idle progress) one second later."""
        await eventually(lambda: self.clock.sleepers == 1, what="the scheduler asleep")
        self.clock.advance(1.0)
        await eventually(lambda: self.clock.sleepers == 1, what="the scheduler's round to end")

    async def firing(self) -> dict[str, float]:
        reply = await self.stub.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=ADMIN)
        return {a.labels["key"]: a.fired_at.seconds - T0 for a in reply.alerts if a.state == cep_pb2.FIRING}

    async def until(self, what: str, done: Any, limit: int = 40) -> None:
        for _ in range(limit):
            if done(await self.firing()):
                return
            await self.tick()
        raise AssertionError(f"{what}: firing {await self.firing()}")

    async def stats(self, rule_id: str) -> cep_pb2.RuleStats:
        return await self.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=rule_id), metadata=ADMIN)

    async def stop(self) -> None:
        await self.channel.close()
        await self.handle.stop(0)


async def test_an_inventory_api_lists_the_hosts_that_must_report(
    api_manager: tuple[ServerHandle, Path], db_url: str
) -> None:
    am_handle, source = api_manager
    cep = await Cep.start(db_url, am_handle.port, T0)
    try:
        rule = await cep.stub.CreateRule(cep_pb2.CreateRuleRequest(definition=struct(RULE)), metadata=ADMIN)
        await cep.tick()  # the first refresh reads the inventory (the lab host is filtered out by the API)
        stats = await cep.stats(rule.meta.id)
        assert (stats.expected_keys.source, stats.expected_keys.count, stats.keys) == ("api", 3, 3)
        assert stats.expected_keys.last_error == "" and not stats.expected_keys.truncated
        refreshed = stats.expected_keys.refreshed_at.seconds
        assert refreshed - T0 in (0, 1)  # the scheduler's round at the start, or the one after it
        assert stats.expected_keys.next_refresh_at.seconds == refreshed + 60
        # no host ever reports: each fires one window after the rule's first progress (idle, by the clock)
        await cep.until("every listed host fires", lambda f: len(f) == 3)
        fired = await cep.firing()
        assert sorted(fired) == ["db-1", "web-1", "web-2"] and len(set(fired.values())) == 1
        assert 20 <= fired["db-1"] <= 22

        # web-2 leaves the inventory and app-1 joins it: at the next refresh web-2's alert resolves
        inventory(source, ["app-1", "db-1", "web-1"])
        await cep.until("the refresh drops web-2", lambda f: "web-2" not in f, limit=70)
        reply = await cep.stub.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=ADMIN)
        (web2,) = [a for a in reply.alerts if a.labels["key"] == "web-2"]
        assert web2.state == cep_pb2.RESOLVED and web2.values["unlisted_at"] > 0
        await cep.until("app-1, listed later, fires", lambda f: "app-1" in f)
        fired = await cep.firing()
        # its window started when it was listed (the refresh at +60), at the rule's watermark then: in a quiet
        # tenant that trails the clock by idle_timeout (5 s), so app-1 fires `within` after the refresh
        assert fired["app-1"] == refreshed - T0 + 60 - 5 + 20

        # api_manager goes away: the refresh fails, the list stays in force, and the failure is visible
        await am_handle.stop(0)
        for _ in range(61):
            await cep.tick()
        stats = await cep.stats(rule.meta.id)
        assert stats.expected_keys.count == 3 and stats.keys == 3
        assert stats.expected_keys.last_error and stats.expected_keys.consecutive_failures == 1
        assert sorted(await cep.firing()) == ["app-1", "db-1", "web-1"]
        at = cep.clock.time()
    finally:
        await cep.stop()

    # a restart (api_manager still away): the stored list is in force at once, the alerts and the status stay
    again = await Cep.start(db_url, am_handle.port, at)
    try:
        await again.tick()
        stats = await again.stats(rule.meta.id)
        assert (stats.expected_keys.count, stats.keys) == (3, 3)
        assert stats.expected_keys.consecutive_failures >= 1
        # db-1 reports at last: its alert resolves; the others stay firing
        event = cep_pb2.Event(id="hb-1", type="heartbeat", key="db-1", source="test")
        event.time.FromSeconds(int(again.clock.time()))
        await again.stub.PublishEvents(cep_pb2.PublishEventsRequest(events=[event]), metadata=ADMIN)
        assert sorted(await again.firing()) == ["app-1", "web-1"]
    finally:
        await again.stop()


async def test_a_list_cut_by_the_apis_row_limit_is_flagged(
    api_manager: tuple[ServerHandle, Path], sqlite_url: str
) -> None:
    am_handle, _ = api_manager
    cep = await Cep.start(sqlite_url, am_handle.port, T0)
    try:
        cut = {
            **RULE,
            "spec": {**RULE["spec"], "expected_keys": {**RULE["spec"]["expected_keys"], "api": "first_hosts"}},
        }
        rule = await cep.stub.CreateRule(cep_pb2.CreateRuleRequest(definition=struct(cut)), metadata=ADMIN)
        await cep.tick()
        stats = await cep.stats(rule.meta.id)
        assert (stats.expected_keys.count, stats.expected_keys.truncated) == (2, True)
    finally:
        await cep.stop()


async def test_on_partitions_each_partition_watches_the_listed_hosts_hashed_to_it(
    api_manager: tuple[ServerHandle, Path], sqlite_url: str
) -> None:
    am_handle, source = api_manager
    hosts = [f"host-{i}" for i in range(8)]
    inventory(source, hosts)
    assert len({partition_of("tenant-a", h, 4) for h in hosts}) >= 3
    namespace = f"t{uuid.uuid4().hex[:10]}"
    cep = await Cep.start(
        sqlite_url,
        am_handle.port,
        T0,
        event_log=NATS_URL,
        partitions=4,
        stream_namespace=namespace,
        lease_ttl_s=3.0,
        partition_refresh_s=0.1,
    )
    try:
        rule = await cep.stub.CreateRule(cep_pb2.CreateRuleRequest(definition=struct(RULE)), metadata=ADMIN)
        await cep.tick()  # the refresh stores the list; each partition's owner picks up its hosts
        fired: dict[str, float] = {}
        for _ in range(120):  # no host ever reports: each fires where it is hashed (units run without events)
            fired = await cep.firing()
            if len(fired) == len(hosts):
                break
            cep.clock.advance(0.5)  # the scheduler's rounds wait for 1 s of it; partition ticks read it
            await asyncio.sleep(0.1)
        assert sorted(fired) == hosts
        assert all(t >= 20 for t in fired.values())
        reply = await cep.stub.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=ADMIN)
        assert len(reply.alerts) == len(hosts)  # one alert per host: no partition fired another's host
        with pytest.raises(grpc.RpcError) as info:  # engine counters stay with the owners; the list is stored
            await cep.stats(rule.meta.id)
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    finally:
        await cep.stop()
        with contextlib.suppress(Exception):
            await delete_namespace(NATS_URL, namespace)
