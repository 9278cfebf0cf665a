"""Traces across real processes, exported over OTLP/gRPC: one Ask is one trace ops -> api_manager -> SQL; a
cep schedule run starts a trace that api_manager continues, and a delivery joins the trace of the PublishEvents
that fired its alert, which ops continues.

The services run as processes with ``OTEL_EXPORTER_OTLP_ENDPOINT`` pointing at a real OTLP receiver in
the test (opentelemetry-proto's TraceService). The caller sends its own W3C ``traceparent``: every span of
the question, in both services, is in that trace, each with the parent it should have.
"""

from __future__ import annotations

import json
import secrets
import sqlite3

import grpc

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.otlp import OtlpReceiver, ReceivedSpan
from opsuite_common.testing.processes import stop_stack
from opsuite_common.testing.servers import TokenFactory

from .conftest import start_test_stack
from .investigations import fire_investigated_alert, struct

AUTH = (("authorization", f"Bearer {TokenFactory().mint(tenant='traced', roles=['admin'], subject='tina')}"),)
EXECUTE = "opsuite.apimanager.v1.ApiManagerService/ExecuteApi"
ASK = "opsuite.ops.v1.OpsService/Ask"


def _one(spans: list[ReceivedSpan], **match: str) -> ReceivedSpan:
    found = [s for s in spans if all(getattr(s, k) == v for k, v in match.items())]
    assert len(found) == 1, f"{match}: {[(s.service, s.name, s.kind) for s in found] or 'none'}"
    return found[0]


def test_one_ask_is_one_trace_from_ops_through_api_manager_to_the_sql(tmp_path):
    receiver = OtlpReceiver()
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # export within a tenth of a second, not five
        "OTEL_TRACES_SAMPLER": "parentbased_always_on",
    }
    stack = start_test_stack(tmp_path, names=["api_manager", "ops"], extra_env=env)
    try:
        db = stack.data_source_dir("traced") / "items.db"
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO items (name) VALUES ('secret-row-value')")
        conn.commit()
        conn.close()
        with grpc.insecure_channel(stack.target("api_manager")) as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
            stub.CreateDataSource(am.CreateDataSourceRequest(name="inventory", url=f"sqlite:///{db}"), metadata=AUTH)
            api = am.ApiDefinition(
                name="count_items",
                description="count the items in the inventory",
                kind=am.SQL,
                enabled=True,
                expose_as_tool=True,
                sql=am.SqlSpec(data_source="inventory", statement="SELECT count(*) AS n FROM items WHERE name != 'x'"),
            )
            stub.CreateApi(am.CreateApiRequest(api=api), metadata=AUTH)
        trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)
        rid = f"traced-{caller_span}"
        md = (*AUTH, ("traceparent", f"00-{trace_id}-{caller_span}-01"), ("x-request-id", rid))
        with grpc.insecure_channel(stack.target("ops")) as ch:
            answer = ops_pb2_grpc.OpsServiceStub(ch).Ask(
                ops_pb2.AskRequest(question="count the items in the inventory"), metadata=md, timeout=30
            )
        assert any(r.tool == "count_items" for r in answer.references), answer.answer

        def sql_span_arrived(spans: list[ReceivedSpan]) -> bool:
            return any(s.trace_id == trace_id and s.attributes.get("db.system") == "sqlite" for s in spans)

        eventually_sync(receiver.spans, until=sql_span_arrived, timeout=20, what="the SQL span at the receiver")
        eventually_sync(  # the SQL span's ancestors end after it: wait for the ops server span, the last one
            receiver.spans,
            until=lambda spans: any(s.trace_id == trace_id and s.name == ASK for s in spans),
            timeout=20,
            what="the Ask span at the receiver",
        )
        am_log = stack.log("api_manager").read_text()
    finally:
        stop_stack(stack, graceful=True)
        receiver.close()

    spans = [s for s in receiver.spans() if s.trace_id == trace_id]
    ask = _one(spans, service="ops", name=ASK, kind="server")
    assert ask.parent_id == caller_span  # the caller's traceparent was taken
    assert ask.attributes["rpc.system"] == "grpc" and ask.attributes["rpc.grpc.status_code"] == 0
    run = _one(spans, service="ops", name="ops.run")
    assert run.parent_id == ask.span_id
    execute_phase = _one(spans, service="ops", name="ops.execute")
    assert execute_phase.parent_id == run.span_id
    assert {"ops.plan", "ops.compose"} <= {s.name for s in spans if s.parent_id == run.span_id}
    tool = _one(spans, service="ops", name="tool count_items")
    assert tool.parent_id == execute_phase.span_id
    assert tool.attributes["opsuite.tool.outcome"] == "ok"
    client = _one(spans, service="ops", name=EXECUTE, kind="client")
    assert client.parent_id == tool.span_id
    server = _one(spans, service="api_manager", name=EXECUTE, kind="server")
    assert server.parent_id == client.span_id
    assert server.attributes == {
        "rpc.system": "grpc",
        "rpc.service": "opsuite.apimanager.v1.ApiManagerService",
        "rpc.method": "ExecuteApi",
        "rpc.grpc.status_code": 0,
    }
    execution = _one(spans, service="api_manager", name="execute SQL")
    assert execution.parent_id == server.span_id
    assert execution.attributes["opsuite.api.name"] == "count_items"
    sql = _one(spans, service="api_manager", name="SELECT inventory", kind="client")
    assert sql.parent_id == execution.span_id
    assert sql.attributes["db.system"] == "sqlite" and sql.attributes["db.operation"] == "SELECT"
    assert "db.statement" not in sql.attributes and "items" not in json.dumps(sql.attributes)
    assert "secret-row-value" not in repr(spans)

    # api_manager's access log: ListApis (tool discovery) and ExecuteApi, each line with its own span's ids.
    lines = [json.loads(line) for line in am_log.splitlines() if rid in line and '"event": "rpc"' in line]
    assert {line["trace_id"] for line in lines} == {trace_id}
    spans_by_method = {f"/{s.name}": s.span_id for s in spans if s.service == "api_manager" and s.kind == "server"}
    assert {line["method"]: line["span_id"] for line in lines} == spans_by_method
    assert spans_by_method[f"/{EXECUTE}"] == server.span_id


def test_cep_schedule_runs_ingestion_and_deliveries_carry_their_traces_on(tmp_path):
    receiver = OtlpReceiver()
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "OPSUITE_CEP_SCHEDULE_TICK_S": "0.5",
        "OPSUITE_CEP_SCHEDULE_FIRST_RUN_AT_ONCE": "true",
        "OPSUITE_CEP_DISPATCH_POLL_S": "0.2",
    }
    stack = start_test_stack(tmp_path, extra_env=env)
    try:
        db = stack.data_source_dir("traced") / "items.db"
        sqlite3.connect(db).execute("CREATE TABLE items (id INTEGER PRIMARY KEY)").connection.commit()
        with grpc.insecure_channel(stack.target("api_manager")) as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
            stub.CreateDataSource(am.CreateDataSourceRequest(name="inventory", url=f"sqlite:///{db}"), metadata=AUTH)
            sql = am.SqlSpec(data_source="inventory", statement="SELECT count(*) AS n FROM items")
            api = am.ApiDefinition(name="count_items", kind=am.SQL, enabled=True, expose_as_tool=True, sql=sql)
            stub.CreateApi(am.CreateApiRequest(api=api), metadata=AUTH)
        with grpc.insecure_channel(stack.target("cep")) as ch:
            cep = cep_pb2_grpc.CepServiceStub(ch)
            succeeded = {"field": "status", "op": "==", "value": "SUCCEEDED"}
            schedule = {
                "name": "count-check",
                "kind": "SCHEDULE",
                "severity": "info",
                "spec": {"interval": "1h", "api": "count_items", "condition": succeeded},
            }
            cep.CreateRule(cep_pb2.CreateRuleRequest(definition=struct(schedule)), metadata=AUTH)
            fire_investigated_alert(cep, AUTH, rule="traced-errors", service="checkout")

        def arrived(spans: list[ReceivedSpan]) -> bool:
            names = {(s.service, s.name) for s in spans}
            return {("api_manager", "SELECT inventory"), ("ops", ASK), ("cep", "cep.ingest")} <= names

        eventually_sync(receiver.spans, until=arrived, timeout=30, what="the schedule, ingestion and delivery spans")
    finally:
        stop_stack(stack, graceful=True)
        receiver.close()

    spans = receiver.spans()
    by_id = {s.span_id: s for s in spans}

    def chain(span: ReceivedSpan) -> list[tuple[str, str]]:
        """The span and its ancestors, root last, as (service, name)."""
        out = [(span.service, span.name)]
        while span.parent_id:
            span = by_id[span.parent_id]
            out.append((span.service, span.name))
        return out

    (schedule_sql,) = [s for s in spans if s.name == "SELECT inventory" and ("cep", "cep.schedule") in chain(s)]
    assert chain(schedule_sql) == [
        ("api_manager", "SELECT inventory"),
        ("api_manager", "execute SQL"),
        ("api_manager", EXECUTE),
        ("cep", EXECUTE),
        ("cep", "cep.schedule"),
    ]
    ingest = next(s for s in spans if s.service == "cep" and s.name == "cep.ingest")
    assert chain(ingest) == [("cep", "cep.ingest"), ("cep", "opsuite.cep.v1.CepService/PublishEvents")]
    ask = next(s for s in spans if s.service == "ops" and s.name == ASK)
    # The delivery joins the trace of the PublishEvents that fired the alert (through its outbox row).
    assert chain(ask) == [
        ("ops", ASK),
        ("cep", ASK),
        ("cep", "cep.deliver"),
        ("cep", "cep.ingest"),
        ("cep", "opsuite.cep.v1.CepService/PublishEvents"),
    ]
    deliver = by_id[ask.parent_id] and by_id[by_id[ask.parent_id].parent_id]
    assert deliver.attributes["opsuite.cep.channel.kind"] == "ops_investigation"
