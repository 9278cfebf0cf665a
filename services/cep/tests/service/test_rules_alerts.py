"""Rules CRUD and bad inputs, alerts ack/resolve, WatchAlerts resume, silences, tenant isolation."""

from __future__ import annotations

import asyncio

import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_common.errors import NotFoundError, StaleEtagError, ValidationError
from opsuite_common.testing.rpc import rpc_error

from .conftest import Cep, ev, struct

pytestmark = pytest.mark.asyncio

CPU = {
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        ({**CPU, "spec": {"condition": {"field": "cpu", "op": "~~", "value": 1}}}, "definition.spec.condition.op"),
        ({**CPU, "for": "5 parsecs"}, "definition.for"),
        (
            {**CPU, "spec": {"condition": {"field": "host", "op": "regex", "value": "web-("}}},
            "definition.spec.condition.value",
        ),
        ({**CPU, "channels": ["nope"]}, "definition.channels[0]"),
        (
            {
                "name": "w",
                "kind": "WINDOW",
                "event_type": "m",
                "spec": {"window": "tumbling", "size": "30d", "aggregate": "count", "op": ">", "threshold": 1},
            },
            "definition.spec.size",
        ),
        ({**CPU, "colour": "red"}, "definition.colour"),
    ],
)
async def test_bad_rules_are_invalid_argument_with_field_violations(cep_sqlite: Cep, definition, field) -> None:  # type: ignore[no-untyped-def]
    err = await rpc_error(cep_sqlite.rule(definition))
    assert isinstance(err, ValidationError)
    assert field in [v.field for v in err.field_violations], err.field_violations
    check = await cep_sqlite.stub.ValidateRule(
        cep_pb2.ValidateRuleRequest(definition=struct(definition)), metadata=cep_sqlite.md()
    )
    assert not check.valid and field in [v.field for v in check.violations]


async def test_bad_event_time_and_id_are_field_violations(cep_sqlite: Cep) -> None:
    bad = cep_pb2.Event(id="", type="metric")
    err = await rpc_error(cep_sqlite.publish([ev("ok", "metric", 0), bad]))
    assert isinstance(err, ValidationError)
    assert {"events[1].id", "events[1].time"} <= {v.field for v in err.field_violations}
    # a time far in the future (here: milliseconds sent as seconds) is refused on its own, not the batch
    future = ev("f", "metric", 10 * 86400 * 365)
    reply = await cep_sqlite.publish([ev("ok", "metric", 0), future])
    assert (reply.accepted, reply.refused) == (1, 1)
    assert [(r.index, r.event_id, r.reason) for r in reply.refused_events] == [(1, "f", "FUTURE_TIME")]


async def test_rule_crud_with_etag_enable_disable(cep: Cep) -> None:
    rule = await cep.rule(CPU)
    assert rule.kind == "THRESHOLD" and rule.enabled and rule.revision == 1
    changed = {**CPU, "spec": {"condition": {"field": "cpu", "op": ">", "value": 50}, "group_by": ["host"]}}
    updated = await cep.stub.UpdateRule(
        cep_pb2.UpdateRuleRequest(id=rule.meta.id, definition=struct(changed), etag=rule.meta.etag), metadata=cep.md()
    )
    assert updated.revision == 2
    err = await rpc_error(
        cep.stub.UpdateRule(
            cep_pb2.UpdateRuleRequest(id=rule.meta.id, definition=struct(changed), etag=rule.meta.etag),
            metadata=cep.md(),
        )
    )
    assert isinstance(err, StaleEtagError)
    # The engine uses the new threshold at once.
    assert [a.state for a in (await cep.publish([ev("e1", "metric", 0, cpu=60, host="h")])).alerts] == [cep_pb2.FIRING]
    await cep.stub.DisableRule(cep_pb2.SetRuleEnabledRequest(id=rule.meta.id), metadata=cep.md())
    assert not (await cep.publish([ev("e2", "metric", 1, cpu=10, host="h")])).alerts  # disabled: no resolve
    listed = await cep.stub.ListRules(cep_pb2.ListRulesRequest(), metadata=cep.md())
    assert [(r.name, r.enabled) for r in listed.rules] == [("cpu-high", False)]
    await cep.stub.DeleteRule(cep_pb2.DeleteRuleRequest(id=rule.meta.id), metadata=cep.md())
    err = await rpc_error(cep.stub.GetRule(cep_pb2.GetRuleRequest(id=rule.meta.id), metadata=cep.md()))
    assert isinstance(err, NotFoundError)


async def test_acknowledge_resolve_and_watch_resumes_from_a_cursor(cep: Cep) -> None:
    await cep.rule(CPU)
    fired = (await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])).alerts[0]
    acked = await cep.stub.AcknowledgeAlert(cep_pb2.AcknowledgeAlertRequest(id=fired.id), metadata=cep.md())
    assert acked.acknowledged and acked.acknowledged_by == "alice" and acked.state == cep_pb2.FIRING
    # Watch from the beginning: replay of firing + acknowledged.
    stream = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=0), metadata=cep.md())
    first = [await stream.read(), await stream.read()]
    assert [c.change for c in first] == ["firing", "acknowledged"]
    assert first[0].cursor < first[1].cursor
    stream.cancel()
    # Reconnect after the last cursor seen; only later changes arrive, live.
    resumed = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=first[1].cursor), metadata=cep.md())
    resolved = await cep.stub.ResolveAlert(cep_pb2.ResolveAlertRequest(id=fired.id), metadata=cep.md())
    assert resolved.state == cep_pb2.RESOLVED and resolved.resolved_by == "alice"
    change = await asyncio.wait_for(resumed.read(), 10)
    assert (change.change, change.alert.id, change.cursor) == ("manually_resolved", fired.id, first[1].cursor + 1)
    resumed.cancel()
    # Resolved by hand: the rule can fire again as a new alert.
    again = (await cep.publish([ev("e2", "metric", 5, cpu=99, host="h1")])).alerts
    assert [a.state for a in again] == [cep_pb2.FIRING] and again[0].id != fired.id


async def test_silence_mutes_notifications_but_records_the_alert(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    silence = cep_pb2.CreateSilenceRequest(
        matchers=[cep_pb2.Matcher(name="host", op="=", value="h1")], comment="maintenance"
    )
    silence.starts_at.FromSeconds(1_700_000_000)
    silence.ends_at.FromSeconds(1_700_000_100)
    created = await cep.stub.CreateSilence(silence, metadata=cep.md())
    await cep.rule(CPU)
    reply = await cep.publish([ev("e1", "metric", 10, cpu=95, host="h1"), ev("e2", "metric", 11, cpu=95, host="h2")])
    by_host = {a.labels["host"]: a for a in reply.alerts}
    assert by_host["h1"].silenced and not by_host["h2"].silenced
    listed = await cep.stub.ListSilences(cep_pb2.ListSilencesRequest(), metadata=cep.md())
    assert [s.meta.id for s in listed.silences] == [created.meta.id]
    bad = cep_pb2.CreateSilenceRequest(matchers=[cep_pb2.Matcher(name="host", op="=~", value="(")])
    bad.starts_at.FromSeconds(1)
    bad.ends_at.FromSeconds(2)
    err = await rpc_error(cep.stub.CreateSilence(bad, metadata=cep.md()))
    assert [v.field for v in err.field_violations] == ["matchers[0].value"]


async def test_tenants_are_isolated(cep: Cep) -> None:
    rule = await cep.rule(CPU, tenant="tenant-a")
    await cep.rule(CPU, tenant="tenant-b")  # the same name is free in another tenant
    channel = await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": "http://127.0.0.1:9/x"})),
        metadata=cep.md("tenant-a"),
    )
    fired = (await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")], tenant="tenant-a")).alerts[0]
    # B sees nothing of A, and A's events did not touch B's rule.
    assert await cep.alerts(tenant="tenant-b") == []
    b = cep.md("tenant-b")
    for call in (
        cep.stub.GetRule(cep_pb2.GetRuleRequest(id=rule.meta.id), metadata=b),
        cep.stub.GetAlert(cep_pb2.GetAlertRequest(id=fired.id), metadata=b),
        cep.stub.ResolveAlert(cep_pb2.ResolveAlertRequest(id=fired.id), metadata=b),
        cep.stub.GetChannel(cep_pb2.GetChannelRequest(id=channel.meta.id), metadata=b),
        cep.stub.DeleteRule(cep_pb2.DeleteRuleRequest(id=rule.meta.id), metadata=b),
    ):
        assert isinstance(await rpc_error(call), NotFoundError)
    b_rule = await cep.stub.GetRule(cep_pb2.GetRuleRequest(name="cpu-high"), metadata=b)
    stats = await cep.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=b_rule.meta.id), metadata=b)
    assert stats.events_evaluated == 0
    # B's channel list is empty, and a rule in B cannot name A's channel.
    assert not (await cep.stub.ListChannels(cep_pb2.ListChannelsRequest(), metadata=b)).channels
    err = await rpc_error(cep.rule({**CPU, "name": "x", "channels": ["hook"]}, tenant="tenant-b"))
    assert [v.field for v in err.field_violations] == ["definition.channels[0]"]
