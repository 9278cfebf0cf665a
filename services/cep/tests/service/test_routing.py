"""Routes, groups and inhibition over real channels: one notification per group on event time, inhibition,
regex silences, the Alertmanager v4 webhook payload, and SetRouting's validation and roles."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app._session import read
from opsuite_cep.db.models import NotificationRow
from opsuite_cli.context import CliContext
from opsuite_cli.documents import Document, load_documents
from opsuite_cli.kinds import KINDS
from opsuite_common.errors import NotFoundError, PermissionDeniedError, StaleEtagError, ValidationError
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.rpc import rpc_error

from .conftest import T0, Cep, ev, struct
from .fakes import FakeWebhook
from .test_replicas import _replica

pytestmark = pytest.mark.asyncio


def cpu_rule(name: str = "cpu-high", severity: str = "warning", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "THRESHOLD",
        "event_type": "metric",
        "severity": severity,
        "annotations": {"summary": "{{ $labels.host }} at {{ $value }}"},
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
        **extra,
    }


async def _hook(cep: Cep, name: str = "am", **config: Any) -> FakeWebhook:
    hook = FakeWebhook()
    url = await hook.start()
    await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name=name, kind="webhook", config=struct({"url": url, **config})),
        metadata=cep.md(),
    )
    return hook


async def _set_routing(cep: Cep, config: dict[str, Any], role: str = "editor") -> cep_pb2.Routing:
    return await cep.stub.SetRouting(cep_pb2.SetRoutingRequest(config=struct(config)), metadata=cep.md(role=role))


def _bodies(hook: FakeWebhook) -> list[dict[str, Any]]:
    return [json.loads(body) for _, body in hook.received]


async def _settled(hook: FakeWebhook, count: int) -> list[dict[str, Any]]:
    """The first ``count`` notifications, after a pause in which any extra one would have arrived."""
    await eventually(lambda: len(hook.received) >= count, timeout=15, what=f"{count} notification(s)")
    await asyncio.sleep(0.4)
    return _bodies(hook)


async def test_one_notification_per_group_on_event_time_with_the_v4_payload(cep: Cep) -> None:
    hook = await _hook(cep, format="alertmanager", external_url="http://cep.example/")
    try:
        await _set_routing(
            cep,
            {
                "route": {
                    "receiver": "ops",
                    "group_by": ["alertname"],
                    "group_wait": "30s",
                    "group_interval": "1m",
                    "repeat_interval": "1h",
                },
                "receivers": [{"name": "ops", "channels": ["am"]}],
            },
        )
        await cep.rule(cpu_rule())
        await cep.publish([ev("e1", "metric", 0, cpu=95, host="h2"), ev("e2", "metric", 5, cpu=97, host="h1")])
        await cep.publish([ev("e3", "metric", 29, cpu=10, host="h9")])  # event time 29 s: group_wait not over
        await asyncio.sleep(0.4)
        assert hook.received == []
        await cep.publish([ev("e4", "metric", 30, cpu=10, host="h9")])  # the watermark reaches the flush at 30 s
        [first] = await _settled(hook, 1)
        assert first["version"] == "4" and first["status"] == "firing" and first["receiver"] == "ops"
        assert first["groupKey"] == '{}:{alertname="cpu-high"}' and first["groupLabels"] == {"alertname": "cpu-high"}
        assert first["truncatedAlerts"] == 0 and first["externalURL"] == "http://cep.example/"
        assert first["commonLabels"] == {"alertname": "cpu-high", "severity": "warning"}
        assert first["commonAnnotations"] == {}
        assert [a["labels"]["host"] for a in first["alerts"]] == ["h1", "h2"]  # Alertmanager's order: by labels
        h1 = first["alerts"][0]
        assert h1["status"] == "firing" and h1["annotations"] == {"summary": "h1 at 97"}
        assert h1["startsAt"] == "2023-11-14T22:13:25Z" and h1["endsAt"] == "0001-01-01T00:00:00Z"
        assert h1["generatorURL"] == "" and len(h1["fingerprint"]) == 16
        assert set(h1) == {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"}

        # h1 resolves at 50 s: the next group_interval tick (90 s) carries it, resolved, with h2 still firing.
        await cep.publish([ev("e5", "metric", 50, cpu=20, host="h1"), ev("e6", "metric", 89, cpu=10, host="h9")])
        await asyncio.sleep(0.4)
        assert len(hook.received) == 1
        await cep.publish([ev("e7", "metric", 95, cpu=10, host="h9")])
        second = (await _settled(hook, 2))[1]
        assert second["status"] == "firing"
        assert [(a["labels"]["host"], a["status"]) for a in second["alerts"]] == [("h1", "resolved"), ("h2", "firing")]
        assert second["alerts"][0]["endsAt"] == "2023-11-14T22:14:10Z"
        # Nothing changed since: no notification at 150 s (the repeat is an hour away).
        await cep.publish([ev("e8", "metric", 200, cpu=10, host="h9")])
        await asyncio.sleep(0.5)
        assert len(hook.received) == 2

        # The group's deliveries are in each alert's delivery log.
        alerts = {a.labels["host"]: a for a in await cep.alerts()}
        log = await cep.stub.ListDeliveries(cep_pb2.ListDeliveriesRequest(alert_id=alerts["h1"].id), metadata=cep.md())
        assert [(d.kind, d.status) for d in log.deliveries] == [("firing", "delivered"), ("firing", "delivered")]
        assert log.deliveries[0].alert_id.startswith("g")
    finally:
        await hook.stop()


async def test_routes_continue_and_inhibition(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    ops, pager = await _hook(cep, "ops", format="alertmanager"), await _hook(cep, "pager", format="alertmanager")
    try:
        await _set_routing(
            cep,
            {
                "route": {
                    "receiver": "ops",
                    "group_by": ["alertname", "host"],
                    "group_wait": "0s",
                    "group_interval": "1m",
                    "routes": [
                        {"matchers": ['severity=~"crit.*"'], "receiver": "pager", "continue": True},
                        {"match": {"team": "nobody"}, "receiver": "pager"},
                    ],
                },
                "inhibit_rules": [
                    {
                        "source_matchers": ['severity="critical"'],
                        "target_matchers": ["severity=warning"],
                        "equal": ["host"],
                    }
                ],
            },
        )
        critical = {"condition": {"field": "cpu", "op": ">", "value": 98}, "group_by": ["host"]}
        await cep.rule(cpu_rule("cpu-critical", "critical", spec=critical))
        await cep.rule(cpu_rule("cpu-high", "warning"))
        # h1: critical and warning (the warning is inhibited); h2: warning only.
        await cep.publish([ev("e1", "metric", 0, cpu=99, host="h1"), ev("e2", "metric", 0, cpu=95, host="h2")])
        await cep.publish([ev("e3", "metric", 1, cpu=10, host="h9")])
        paged = await _settled(pager, 1)
        assert [(b["groupLabels"], [a["labels"]["alertname"] for a in b["alerts"]]) for b in paged] == [
            ({"alertname": "cpu-critical", "host": "h1"}, ["cpu-critical"])
        ]
        assert paged[0]["groupKey"] == '{}/{severity=~"crit.*"}:{alertname="cpu-critical", host="h1"}'
        # The critical alert matched a route that does not continue to the root's receiver: ops hears only h2
        # (h1's warning is inhibited by h1's critical alert).
        told = await _settled(ops, 1)
        assert [(b["groupLabels"]["host"], b["commonLabels"]["alertname"]) for b in told] == [("h2", "cpu-high")]
    finally:
        await ops.stop()
        await pager.stop()


async def test_regex_silences_mute_group_members_and_expire(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    hook = await _hook(cep)
    try:
        await _set_routing(cep, {"route": {"receiver": "am", "group_wait": "10s", "group_interval": "1m"}})
        silence = cep_pb2.CreateSilenceRequest(
            matchers=[
                cep_pb2.Matcher(name="host", op="=~", value="h[12]"),
                cep_pb2.Matcher(name="dc", op="!~", value="eu-.*"),
            ],
            comment="maintenance",
        )
        silence.starts_at.FromSeconds(int(T0))
        silence.duration.FromSeconds(120)  # the expiry: 120 s of event time
        created = await cep.stub.CreateSilence(silence, metadata=cep.md())
        assert created.ends_at.seconds == int(T0) + 120 and created.state == "expired"  # by the server's clock
        await cep.rule(cpu_rule())
        await cep.publish([ev(f"e{h}", "metric", 0, cpu=95, host=f"h{h}") for h in (1, 2, 3)])
        await cep.publish([ev("t1", "metric", 10, cpu=10, host="h9")])
        [first] = await _settled(hook, 1)
        assert first["kind"] == "firing" and [a["labels"]["host"] for a in first["alerts"]] == ["h3"]
        # The silence ends at 120 s: the tick at 130 s tells of h1 and h2 (new firing alerts for the receiver).
        await cep.publish([ev("t2", "metric", 131, cpu=10, host="h9")])
        second = (await _settled(hook, 2))[1]
        assert sorted(a["labels"]["host"] for a in second["alerts"]) == ["h1", "h2", "h3"]
        assert second["receiver"] == "am" and second["group_key"] == "{}:{}"
        listed = await cep.stub.ListSilences(cep_pb2.ListSilencesRequest(state="expired"), metadata=cep.md())
        assert [s.meta.id for s in listed.silences] == [created.meta.id]
        active = await cep.stub.ListSilences(cep_pb2.ListSilencesRequest(state="active"), metadata=cep.md())
        assert list(active.silences) == []
    finally:
        await hook.stop()


async def test_silence_validation(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    everything = cep_pb2.CreateSilenceRequest(matchers=[cep_pb2.Matcher(name="host", op="=~", value=".*")])
    everything.duration.FromSeconds(60)
    err = await rpc_error(cep.stub.CreateSilence(everything, metadata=cep.md()))
    assert isinstance(err, ValidationError) and [v.field for v in err.field_violations] == ["matchers"]
    both = cep_pb2.CreateSilenceRequest(matchers=[cep_pb2.Matcher(name="host", value="h1")])
    both.duration.FromSeconds(60)
    both.ends_at.FromSeconds(int(T0))
    err = await rpc_error(cep.stub.CreateSilence(both, metadata=cep.md()))
    assert [v.field for v in err.field_violations] == ["ends_at"]
    negative = cep_pb2.CreateSilenceRequest(matchers=[cep_pb2.Matcher(name="host", value="h1")])
    negative.duration.FromSeconds(-5)
    err = await rpc_error(cep.stub.CreateSilence(negative, metadata=cep.md()))
    assert [v.field for v in err.field_violations] == ["duration"]
    err = await rpc_error(cep.stub.ListSilences(cep_pb2.ListSilencesRequest(state="later"), metadata=cep.md()))
    assert [v.field for v in err.field_violations] == ["state"]
    fine = cep_pb2.CreateSilenceRequest(matchers=[cep_pb2.Matcher(name="host", op="!=", value="")])
    fine.duration.FromSeconds(3600)  # starts now (the server's clock): active
    assert (await cep.stub.CreateSilence(fine, metadata=cep.md())).state == "active"


async def test_set_routing_validates_everything_and_needs_the_editor_role(cep: Cep) -> None:
    await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": "http://127.0.0.1:9/x"})),
        metadata=cep.md(),
    )
    err = await rpc_error(cep.stub.GetRouting(cep_pb2.GetRoutingRequest(), metadata=cep.md(role="viewer")))
    assert isinstance(err, NotFoundError)
    bad = {
        "route": {
            "receiver": "nobody",
            "group_wait": "soon",
            "group_interval": "0s",
            "routes": [
                {"matchers": ['host=~"web-("'], "receiver": "hook"},
                {"matchers": ["no operator"], "receiver": "hook", "mute_time_intervals": ["x"]},
            ],
        },
        "receivers": [{"name": "team", "channels": ["hook", "missing"]}],
        "inhibit_rules": [{"source_matchers": ['severity="critical"'], "equal": ["..."]}],
    }
    err = await rpc_error(_set_routing(cep, bad))
    assert isinstance(err, ValidationError)
    assert sorted(v.field for v in err.field_violations) == [
        "config.inhibit_rules[0].equal",
        "config.receivers[0].channels[1]",
        "config.route.group_interval",
        "config.route.group_wait",
        "config.route.receiver",
        "config.route.routes[0].matchers[0]",
        "config.route.routes[1].matchers[0]",
        "config.route.routes[1].mute_time_intervals",
    ]
    err = await rpc_error(_set_routing(cep, {"route": {"receiver": "hook", "group_by": ["x" * 70_000]}}))
    assert [v.field for v in err.field_violations] == ["config"]
    deep: dict[str, Any] = {"receiver": "hook"}
    for _ in range(12):
        deep = {"receiver": "hook", "routes": [deep]}
    err = await rpc_error(_set_routing(cep, {"route": deep}))
    assert any("nest" in v.description for v in err.field_violations)
    err = await rpc_error(_set_routing(cep, {"route": {"receiver": "hook"}}, role="viewer"))
    assert isinstance(err, PermissionDeniedError)

    config = {"route": {"receiver": "hook", "group_by": ["..."]}}
    saved = await _set_routing(cep, config)
    assert saved.revision == 1 and saved.meta.etag
    again = await _set_routing(cep, config)  # unchanged: same revision
    assert again.revision == 1
    got = await cep.stub.GetRouting(cep_pb2.GetRoutingRequest(), metadata=cep.md(role="viewer"))
    assert list(got.config["route"]["group_by"]) == ["..."]
    stale = cep_pb2.SetRoutingRequest(config=struct({"route": {"receiver": "hook"}}), etag="not-the-etag")
    err = await rpc_error(cep.stub.SetRouting(stale, metadata=cep.md()))
    assert isinstance(err, StaleEtagError)
    # A channel the routing uses cannot be deleted; once the routing is gone it can.
    channel = await cep.stub.GetChannel(cep_pb2.GetChannelRequest(name="hook"), metadata=cep.md())
    err = await rpc_error(cep.stub.DeleteChannel(cep_pb2.DeleteChannelRequest(id=channel.meta.id), metadata=cep.md()))
    assert "alert routing" in str(err)
    await cep.stub.DeleteRouting(cep_pb2.DeleteRoutingRequest(), metadata=cep.md(role="editor"))
    await cep.stub.DeleteChannel(cep_pb2.DeleteChannelRequest(id=channel.meta.id), metadata=cep.md())


async def test_a_rule_channel_in_alertmanager_format_sends_one_alert_groups(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    hook = await _hook(cep, "am", format="alertmanager", max_alerts=1)
    try:
        await cep.rule(cpu_rule(channels=["am"]))
        await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])
        await cep.publish([ev("e2", "metric", 3, cpu=5, host="h1")])
        firing, resolved = await _settled(hook, 2)
        labels = {"alertname": "cpu-high", "severity": "warning", "host": "h1"}
        assert firing["groupKey"] == '{}:{alertname="cpu-high", host="h1", severity="warning"}'
        assert firing["receiver"] == "am" and firing["groupLabels"] == labels and firing["status"] == "firing"
        assert resolved["status"] == "resolved" and resolved["alerts"][0]["endsAt"] == "2023-11-14T22:13:23Z"
        assert firing["alerts"][0]["fingerprint"] == resolved["alerts"][0]["fingerprint"]
    finally:
        await hook.stop()


async def test_group_notifications_are_written_once_across_a_crash_and_a_restart(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    """The groups are engine state: checkpointed, and rebuilt by the event log's replay after a crash; each
    flush's outbox rows are written once (the log cursor), whichever way the process stopped."""
    first = await start_cep(db_url, background_tasks=False)
    await first.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": "http://127.0.0.1:9/x"})),
        metadata=first.md(),
    )
    await _set_routing(first, {"route": {"receiver": "hook", "group_wait": "30s", "group_interval": "1m"}})
    await first.rule(cpu_rule())
    await first.publish([ev("e1", "metric", 0, cpu=95, host="h1"), ev("e2", "metric", 5, cpu=95, host="h2")])
    await first.publish([ev("e3", "metric", 30, cpu=10, host="h9")])  # the first flush
    assert len(await _group_rows(first)) == 1
    await crash(first)

    second = await start_cep(db_url, background_tasks=False)  # the log replayed: the flush is not written again
    await second.publish([ev("e4", "metric", 50, cpu=10, host="h1")])
    assert len(await _group_rows(second)) == 1
    await second.handle.stop(0)  # graceful: the groups are in the checkpoint
    await second.channel.close()

    third = await start_cep(db_url, background_tasks=False)
    await third.publish([ev("e5", "metric", 95, cpu=10, host="h9")])  # the tick at 90 s
    rows = await _group_rows(third)
    assert len(rows) == 2
    alerts = json.loads(rows[1].payload)["alerts"]
    assert [(a["labels"]["host"], a["status"]) for a in alerts] == [("h1", "resolved"), ("h2", "firing")]


async def crash(cep: Cep) -> None:
    """Stop serving without the graceful close (no checkpoint), as kill -9 would (test_event_log.py)."""
    cep.handle.cleanups.clear()
    await cep.handle.server.stop(0)
    await cep.channel.close()
    await cep.handle.app.db.dispose()


async def _group_rows(cep: Cep) -> list[NotificationRow]:
    async with read(cep.handle.app.db) as s:
        stmt = select(NotificationRow).where(NotificationRow.alert_id.like("g%")).order_by(NotificationRow.created_at)
        return list((await s.execute(stmt)).scalars())


async def test_opsuite_apply_takes_an_alert_routing_document(cep_sqlite: Cep, tmp_path: Path) -> None:
    """The CLI's kinds (``opsuite apply -f`` / get / delete) against a real server: created, unchanged, configured."""
    cep = cep_sqlite
    docs = tmp_path / "routing.yaml"
    docs.write_text(
        "kind: AlertRouting\nname: default\nspec:\n"
        "  route: {receiver: ops, group_by: [alertname],\n"
        "          routes: [{matchers: ['severity=\"critical\"'], receiver: ops}]}\n"
        "  receivers: [{name: ops, channels: [hook]}]\n"
        "---\nkind: Channel\nname: hook\n"
        "spec: {kind: webhook, config: {url: 'http://127.0.0.1:9/x', format: alertmanager}}\n"
    )
    ctx = CliContext(cep=f"127.0.0.1:{cep.handle.port}", token=cep.tokens.mint(tenant="tenant-a", roles=["editor"]))
    admin = CliContext(cep=ctx.cep, token=cep.tokens.mint(tenant="tenant-a", roles=["admin"]))
    try:
        loaded = load_documents(docs)
        assert [d.kind for d in loaded] == ["Channel", "AlertRouting"]  # the channels it names first
        assert await KINDS["Channel"].apply(admin, loaded[0]) == "created"
        assert [await KINDS["AlertRouting"].apply(ctx, loaded[1]) for _ in range(2)] == ["created", "unchanged"]
        changed = Document("AlertRouting", "default", {**loaded[1].spec, "inhibit_rules": []}, "x")
        assert await KINDS["AlertRouting"].apply(ctx, changed) == "configured"
        [shown] = await KINDS["AlertRouting"].get(ctx, None)
        assert shown["revision"] == "2" and shown["config"]["route"]["receiver"] == "ops"
        await KINDS["AlertRouting"].delete(ctx, "default")
        assert await KINDS["AlertRouting"].get(ctx, None) == []
    finally:
        await ctx.close()
        await admin.close()


async def test_partition_owners_route_with_the_stored_config_and_follow_its_changes(
    stream_namespace: str, sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    """Replicas sharing partitions: a unit loads the tenant's routing with its rules, and picks up a change
    at its next refresh (a tenant-wide rule runs at the tenant's home partition)."""
    a = await _replica(start_cep, sqlite_url, stream_namespace)
    for name in ("first", "second"):
        await a.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name=name, kind="webhook", config=struct({"url": "http://127.0.0.1:9/x"})),
            metadata=a.md(),
        )
    await _set_routing(a, {"route": {"receiver": "first", "group_wait": "0s", "group_interval": "1m"}})
    await a.rule(cpu_rule())
    await eventually(lambda: len(a.handle.app.coordinator.runners) == 4, timeout=20, what="every partition")
    await a.publish([ev("e1", "metric", 0, cpu=95, host="h1"), ev("e2", "metric", 0, cpu=95, host="h2")])

    async def channels() -> list[str]:
        return [row.channel for row in await _group_rows(a)]

    await eventually(channels, until=lambda c: c == ["first"], timeout=20, what="the group notification")
    await _set_routing(a, {"route": {"receiver": "second", "group_wait": "0s", "group_interval": "1m"}})
    await asyncio.sleep(1.0)  # the owner's refresh (every 0.2 s) regroups under the new receiver
    await a.publish([ev("e3", "metric", 1, cpu=10, host="h9")])
    await eventually(channels, until=lambda c: c == ["first", "second"], timeout=20, what="the new receiver's")
