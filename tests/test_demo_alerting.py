"""The demo's alerting (demo/30-routing.yaml) on the three services as processes: the seeded tenant routes,
groups and inhibits its alerts and has its ops_investigation channel, and publishing the demo scenario
sends one notification per group, mutes the warnings of a service with a critical alert, and has ops
investigate the critical group without any further step."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format
from typer.testing import CliRunner

from demo import scenario
from demo.estate import build as build_estate
from demo.seed import StatusPage
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.common.v1 import common_pb2
from opsuite_cli.main import app
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import Stack
from opsuite_common.testing.servers import TokenFactory

ROOT = Path(__file__).resolve().parent.parent
TOKENS = TokenFactory()
#: The tenant the shared stack seeded with demo/ (as ./dev up does).
SEEDED = (("authorization", f"Bearer {TOKENS.mint(tenant='demo', roles=['admin'], subject='dana')}"),)
#: This module's own tenant for the scenario, so the seeded one keeps its event time for the other tests.
TENANT = "demo-alerting"
TOKEN = TOKENS.mint(tenant=TENANT, roles=["admin"], subject="alerting")
VIEWER = (("authorization", f"Bearer {TOKENS.mint(tenant=TENANT, roles=['viewer'], subject='dana')}"),)


def _dict(msg: Any) -> dict[str, Any]:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def test_the_seeded_demo_routes_groups_and_inhibits_by_service(stack: Stack) -> None:
    with grpc.insecure_channel(stack.target("cep")) as ch:
        cep = cep_pb2_grpc.CepServiceStub(ch)
        routing = _dict(cep.GetRouting(cep_pb2.GetRoutingRequest(), metadata=SEEDED).config)
        channel = cep.GetChannel(cep_pb2.GetChannelRequest(name="ops-investigation"), metadata=SEEDED)
        rules = cep.ListRules(
            cep_pb2.ListRulesRequest(page=common_pb2.PageRequest(page_size=100)), metadata=SEEDED
        ).rules
    route = routing["route"]
    assert route["group_by"] == ["alertname", "service"]
    assert (route["group_wait"], route["group_interval"], route["repeat_interval"]) == ("30s", "5m", "4h")
    (critical,) = route["routes"]
    assert critical["matchers"] == ['severity="critical"', 'service=~"checkout|payments"']
    assert critical["group_by"] == ["service"] and critical["receiver"] == "on-call"
    receivers = {r["name"]: r["channels"] for r in routing["receivers"]}
    assert receivers == {"status": ["status-webhook"], "on-call": ["status-webhook", "ops-investigation"]}
    assert routing["inhibit_rules"] == [
        {"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"'], "equal": ["service"]}
    ]
    assert channel.kind == "ops_investigation"
    # Every demo rule reaches its receivers through the routing only (a rule's own channels would notify
    # each alert a second time, outside its group).
    demo_rules = {"cpu-high", "error-burst", "deploy-then-errors", "heartbeat-missing", "latency-anomaly"}
    assert demo_rules <= {r.name for r in rules}
    assert all(not _dict(r.definition).get("channels") for r in rules if r.name in demo_rules)


@pytest.fixture
def status(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[StatusPage]:
    """A status page of this test's own (it keeps what the demo webhook receives), with demo/ applied for
    ``TENANT`` against it."""
    estate = stack.data_source_dir(TENANT) / "estate.db"
    if not estate.exists():
        build_estate(estate)
    page = StatusPage()
    monkeypatch.setenv("OPSUITE_DEMO_DIR", str(stack.data_source_dir(TENANT)))
    monkeypatch.setenv("OPSUITE_DEMO_STATUS_URL", page.url)
    try:
        out = _cli(stack, "apply", "-f", str(ROOT / "demo"))
        assert "alertrouting/demo created" in out and "channel/ops-investigation created" in out, out
        yield page
    finally:
        page.close()


def _cli(stack: Stack, *args: str) -> str:
    base = ["--api-manager", stack.target("api_manager"), "--cep", stack.target("cep"), "--ops", stack.target("ops")]
    result = CliRunner().invoke(app, [*base, "--token", TOKEN, *args])
    assert result.exit_code == 0, result.output
    return result.output


def _names(notification: dict[str, Any]) -> list[str]:
    return [a["labels"]["alertname"] for a in notification["alerts"]]


def test_the_demo_scenario_sends_one_notification_per_group_and_ops_investigates(
    stack: Stack, status: StatusPage, tmp_path: Path
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in scenario.events()))
    out = _cli(stack, "publish", str(events))
    assert "0 duplicates, 0 late" in out
    # Every demo rule fired, the warnings of checkout too: the routing mutes notifications, not alerts.
    for line in ("cpu-high [host=web-02, service=checkout, team=web] FIRING", "error-burst [service=checkout] FIRING"):
        assert line in out
    assert "deploy-then-errors [service=checkout]" in out and "latency-anomaly [service=checkout]" in out

    with grpc.insecure_channel(stack.target("cep")) as ch:
        cep = cep_pb2_grpc.CepServiceStub(ch)

        def critical() -> list[cep_pb2.Alert]:
            found = cep.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=VIEWER).alerts
            return [a for a in found if a.rule in ("cpu-high", "deploy-then-errors")]

        # The on-call group's ops_investigation delivery attaches ops' answer to its first firing alert.
        alerts = eventually_sync(
            critical,
            until=lambda found: any(a.investigation_id for a in found),
            timeout=60,
            interval=0.25,
            what="ops' answer on the checkout group's alert",
        )
        eventually_sync(
            lambda: status.received, until=lambda got: len(got) >= 2, timeout=30, what="two group notifications"
        )
        listed = cep.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=VIEWER).alerts
        muted = [a for a in listed if a.rule in ("error-burst", "latency-anomaly")]
        deliveries = {
            a.rule: cep.ListDeliveries(cep_pb2.ListDeliveriesRequest(alert_id=a.id), metadata=VIEWER).deliveries
            for a in muted
        }

    (investigated,) = [a for a in alerts if a.investigation_id]
    assert "2026.11.3" in investigated.investigation_answer  # the deploy ops found in the demo estate
    # One notification per group: the critical alerts of checkout together, and web-03's silence on its own.
    received = {n["receiver"]: n for n in status.received}
    assert len(status.received) == 2 and set(received) == {"on-call", "status"}, status.received
    on_call = received["on-call"]
    assert on_call["version"] == "4" and on_call["status"] == "firing"
    assert on_call["groupKey"] == '{}/{service=~"checkout|payments",severity="critical"}:{service="checkout"}'
    assert on_call["groupLabels"] == {"service": "checkout"}
    assert on_call["commonLabels"] == {"service": "checkout", "severity": "critical"}
    assert sorted(_names(on_call)) == ["cpu-high", "deploy-then-errors"]
    (cpu,) = [a for a in on_call["alerts"] if a["labels"]["alertname"] == "cpu-high"]
    assert cpu["labels"]["host"] == "web-02" and cpu["endsAt"] == "0001-01-01T00:00:00Z"
    assert re.fullmatch(r"web-02 \(checkout\) CPU at 9\d(\.\d+)?%", cpu["annotations"]["summary"])
    heartbeat = received["status"]
    assert heartbeat["groupLabels"] == {"alertname": "heartbeat-missing"}
    assert [a["labels"]["host"] for a in heartbeat["alerts"]] == ["web-03"]
    # checkout's warnings fired and were inhibited by its critical alerts: no notification carried them.
    assert sorted(deliveries) == ["error-burst", "latency-anomaly"]
    assert all(not d for d in deliveries.values()), deliveries
