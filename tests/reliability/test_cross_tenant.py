"""Cross-tenant sweep over every resource RPC of the three services (real processes).

Tenant A creates one resource of every kind; tenant B (an admin of its own tenant) then calls every
RPC that names a resource with A's ids and names: each is NOT_FOUND (never PERMISSION_DENIED, which
would reveal that the resource exists), A's resources are unchanged, and B's lists contain none of
them. A test also checks that every RPC of every service is covered here or is a list/create/global
RPC, so a new RPC cannot skip the sweep.
"""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest
from google.protobuf import timestamp_pb2

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2 as cep
from opsuite.cep.v1 import cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2 as ops
from opsuite.ops.v1 import ops_pb2_grpc
from opsuite_common.protoconv import dict_to_struct
from opsuite_common.testing.servers import TokenFactory

TOKENS = TokenFactory()
A = (("authorization", f"Bearer {TOKENS.mint(tenant='tenant-a-x', roles=['admin'], subject='alice')}"),)
B = (("authorization", f"Bearer {TOKENS.mint(tenant='tenant-b-x', roles=['admin'], subject='bob')}"),)
RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "reliability"

#: RPCs that name no existing resource (create, list, global): checked by the list assertions instead.
NOT_RESOURCE_RPCS = {
    "GetServerInfo", "CreateDataSource", "ListDataSources", "CreateApi", "ListApis", "DryRunApi", "ValidateApi",
    "ListExecutions", "CreateRule", "ListRules", "ValidateRule", "PublishEvents", "StreamEvents", "ListAlerts",
    "WatchAlerts", "CreateSilence", "ListSilences", "CreateChannel", "ListChannels", "Ask", "AskStream",
    "ListRuns", "ListTools", "ListDeliveries", "GetRouting", "SetRouting", "DeleteRouting",
}  # fmt: skip


@pytest.fixture(scope="module")
def world(stack, tmp_path_factory):
    """Tenant A's resources in every service, and stubs for the three services."""
    db = stack.data_source_dir("tenant-a-x") / "items.db"
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO items VALUES (1, 'a')")
    conn.commit()
    conn.close()
    channels = [grpc.insecure_channel(stack.target(n)) for n in ("api_manager", "cep", "ops")]
    amc = api_manager_pb2_grpc.ApiManagerServiceStub(channels[0])
    cepc = cep_pb2_grpc.CepServiceStub(channels[1])
    opsc = ops_pb2_grpc.OpsServiceStub(channels[2])
    ds = amc.CreateDataSource(am.CreateDataSourceRequest(name="a_items", url=f"sqlite:///{db}"), metadata=A)
    api = amc.CreateApi(
        am.CreateApiRequest(
            api=am.ApiDefinition(
                name="a_api", kind=am.SQL, enabled=True, expose_as_tool=True,
                description="a's secret lookup", tags=["config"],
                sql=am.SqlSpec(data_source="a_items", statement="SELECT id, name FROM items"),
            )
        ),
        metadata=A,
    )  # fmt: skip
    execution = amc.ExecuteApi(am.ExecuteApiRequest(name="a_api"), metadata=A)
    channel = cepc.CreateChannel(
        cep.CreateChannelRequest(
            name="a_hook", kind="webhook", config=dict_to_struct({"url": "http://hooks.invalid/"})
        ),
        metadata=A,
    )
    rule = cepc.CreateRule(
        cep.CreateRuleRequest(
            definition=dict_to_struct(
                {"name": "a_rule", "kind": "THRESHOLD", "event_type": "m",
                 "spec": {"condition": {"field": "v", "op": ">", "value": 1}}}
            )
        ),
        metadata=A,
    )  # fmt: skip
    ev = cep.Event(id="a-1", type="m", key="k")
    ev.time.GetCurrentTime()
    ev.attributes.update({"v": 5})
    alert = cepc.PublishEvents(cep.PublishEventsRequest(events=[ev]), metadata=A).alerts[0]
    now = timestamp_pb2.Timestamp()
    now.GetCurrentTime()
    later = timestamp_pb2.Timestamp(seconds=now.seconds + 3600)
    silence = cepc.CreateSilence(
        cep.CreateSilenceRequest(
            matchers=[cep.Matcher(name="alertname", op="=", value="a_rule")], starts_at=now, ends_at=later
        ),
        metadata=A,
    )
    run = opsc.Ask(ops.AskRequest(question="a's secret lookup of config"), metadata=A)
    ids = {
        "ds": ds.meta.id, "api": api.meta.id, "execution": execution.execution_id, "channel": channel.meta.id,
        "rule": rule.meta.id, "alert": alert.id, "silence": silence.meta.id, "run": run.run_id,
    }  # fmt: skip
    yield amc, cepc, opsc, ids
    for c in channels:
        c.close()


def _calls(ids: dict[str, str]) -> dict[str, list[tuple[str, object]]]:
    """Every resource RPC, with A's ids and names, per service."""
    now = timestamp_pb2.Timestamp()
    now.GetCurrentTime()
    events = [cep.Event(id="b-1", type="m", time=now)]
    return {
        "api_manager": [
            ("GetDataSource", am.GetDataSourceRequest(id=ids["ds"])),
            ("GetDataSource", am.GetDataSourceRequest(name="a_items")),
            ("TestDataSource", am.TestDataSourceRequest(name="a_items")),
            ("DeleteDataSource", am.DeleteDataSourceRequest(id=ids["ds"])),
            ("GetApi", am.GetApiRequest(id=ids["api"])),
            ("GetApi", am.GetApiRequest(name="a_api")),
            ("UpdateApi", am.UpdateApiRequest(id=ids["api"], api=am.ApiDefinition(name="a_api", kind=am.SQL))),
            ("DeleteApi", am.DeleteApiRequest(id=ids["api"])),
            ("ListApiVersions", am.ListApiVersionsRequest(api_id=ids["api"])),
            ("GetApiVersion", am.GetApiVersionRequest(api_id=ids["api"], version=1)),
            ("RollbackApi", am.RollbackApiRequest(api_id=ids["api"], version=1)),
            ("ExecuteApi", am.ExecuteApiRequest(name="a_api")),
            ("ExecuteApi", am.ExecuteApiRequest(id=ids["api"])),
            ("ExecuteApiStream", am.ExecuteApiRequest(name="a_api")),
            ("GetExecution", am.GetExecutionRequest(id=ids["execution"])),
        ],
        "cep": [
            ("GetRule", cep.GetRuleRequest(id=ids["rule"])),
            ("GetRule", cep.GetRuleRequest(name="a_rule")),
            ("UpdateRule", cep.UpdateRuleRequest(id=ids["rule"], definition=dict_to_struct({"name": "a_rule"}))),
            ("DeleteRule", cep.DeleteRuleRequest(id=ids["rule"])),
            ("EnableRule", cep.SetRuleEnabledRequest(id=ids["rule"])),
            ("DisableRule", cep.SetRuleEnabledRequest(id=ids["rule"])),
            ("TestRule", cep.TestRuleRequest(rule_id=ids["rule"], events=events)),
            ("GetRuleStats", cep.GetRuleStatsRequest(rule_id=ids["rule"])),
            ("GetAlert", cep.GetAlertRequest(id=ids["alert"])),
            ("AcknowledgeAlert", cep.AcknowledgeAlertRequest(id=ids["alert"])),
            ("ResolveAlert", cep.ResolveAlertRequest(id=ids["alert"])),
            ("DeleteSilence", cep.DeleteSilenceRequest(id=ids["silence"])),
            ("GetChannel", cep.GetChannelRequest(id=ids["channel"])),
            ("GetChannel", cep.GetChannelRequest(name="a_hook")),
            ("UpdateChannel", cep.UpdateChannelRequest(id=ids["channel"], config=dict_to_struct({"url": "http://x/"}))),
            ("DeleteChannel", cep.DeleteChannelRequest(id=ids["channel"])),
            ("TestChannel", cep.TestChannelRequest(id=ids["channel"])),
        ],
        "ops": [("GetRun", ops.GetRunRequest(run_id=ids["run"]))],
    }


def test_every_resource_rpc_is_swept():
    from tests.reliability.test_fuzz_rpcs import DESCRIPTORS

    covered = {
        name
        for calls in _calls(
            dict.fromkeys(["ds", "api", "execution", "channel", "rule", "alert", "silence", "run"], "x")
        ).values()
        for name, _ in calls
    }
    for svc, desc in DESCRIPTORS.items():
        for m in desc.methods:
            assert m.name in covered or m.name in NOT_RESOURCE_RPCS, f"{svc}.{m.name} is not in the cross-tenant sweep"


def test_another_tenant_gets_not_found_for_every_resource_rpc(world):
    amc, cepc, opsc, ids = world
    stubs = {"api_manager": amc, "cep": cepc, "ops": opsc}
    outcomes: dict[str, str] = {}
    for svc, calls in _calls(ids).items():
        for name, request in calls:
            rpc = getattr(stubs[svc], name)
            try:
                result = rpc(request, metadata=B, timeout=10)
                if hasattr(result, "__iter__") and not hasattr(result, "ListFields"):
                    list(result)
                outcomes[f"{svc}.{name}"] = "OK"
            except grpc.RpcError as err:
                outcomes[f"{svc}.{name}"] = err.code().name
    wrong = {k: v for k, v in outcomes.items() if v != "NOT_FOUND"}
    assert not wrong, wrong
    # A's resources are untouched by B's attempts.
    assert amc.GetApi(am.GetApiRequest(id=ids["api"]), metadata=A).version == 1
    assert cepc.GetRule(cep.GetRuleRequest(id=ids["rule"]), metadata=A).revision == 1
    assert cepc.GetAlert(cep.GetAlertRequest(id=ids["alert"]), metadata=A).acknowledged is False
    # B's lists show none of A's resources.
    assert not amc.ListApis(am.ListApisRequest(), metadata=B).apis
    assert not amc.ListDataSources(am.ListDataSourcesRequest(), metadata=B).data_sources
    assert not amc.ListExecutions(am.ListExecutionsRequest(), metadata=B).executions
    assert not cepc.ListRules(cep.ListRulesRequest(), metadata=B).rules
    assert not cepc.ListAlerts(cep.ListAlertsRequest(), metadata=B).alerts
    assert not cepc.ListSilences(cep.ListSilencesRequest(), metadata=B).silences
    assert not cepc.ListChannels(cep.ListChannelsRequest(), metadata=B).channels
    # A filter naming A's channel answers exactly like a filter naming no channel at all.
    foreign = cepc.ListDeliveries(cep.ListDeliveriesRequest(channel_id=ids["channel"]), metadata=B)
    unknown = cepc.ListDeliveries(cep.ListDeliveriesRequest(channel_id="no-such-channel"), metadata=B)
    assert list(foreign.deliveries) == list(unknown.deliveries) == []
    assert ids["run"] not in {r.run_id for r in opsc.ListRuns(ops.ListRunsRequest(), metadata=B).runs}
    assert "a_api" not in {t.name for t in opsc.ListTools(ops.ListToolsRequest(), metadata=B).tools}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cross_tenant.json").write_text(
        json.dumps({"rpcs_checked": len(outcomes), "outcomes": outcomes}, indent=2) + "\n"
    )
