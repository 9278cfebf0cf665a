"""Each service exposes Prometheus metrics over HTTP: RPCs, and its own domain counters."""

from __future__ import annotations

import sqlite3
import urllib.request

import grpc

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2 as cep
from opsuite.cep.v1 import cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2 as ops
from opsuite.ops.v1 import ops_pb2_grpc
from opsuite_common.testing.processes import free_port, stop_stack
from opsuite_common.testing.servers import TokenFactory

from .conftest import start_test_stack

MD = TokenFactory().metadata(tenant="metrics", roles=["admin"])


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        return resp.read().decode()


def test_every_service_exposes_rpc_and_domain_metrics(tmp_path):
    ports = {name: free_port() for name in ("api_manager", "cep", "ops")}
    env = {f"OPSUITE_{n.upper()}_METRICS_PORT": str(p) for n, p in ports.items()}
    stack = start_test_stack(tmp_path, extra_env=env)
    try:
        db = stack.data_source_dir("metrics") / "items.db"
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)")
        conn.commit()
        conn.close()
        with grpc.insecure_channel(stack.target("api_manager")) as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
            stub.CreateDataSource(am.CreateDataSourceRequest(name="items", url=f"sqlite:///{db}"), metadata=MD)
            api = am.ApiDefinition(
                name="count",
                kind=am.SQL,
                enabled=True,
                sql=am.SqlSpec(data_source="items", statement="SELECT count(*) AS n FROM items"),
            )
            stub.CreateApi(am.CreateApiRequest(api=api), metadata=MD)
            stub.ExecuteApi(am.ExecuteApiRequest(name="count"), metadata=MD)
        with grpc.insecure_channel(stack.target("cep")) as ch:
            ev = cep.Event(id="m-1", type="metric")
            ev.time.GetCurrentTime()
            ev.attributes.update({"v": 1})
            cep_pb2_grpc.CepServiceStub(ch).PublishEvents(cep.PublishEventsRequest(events=[ev]), metadata=MD)
        with grpc.insecure_channel(stack.target("ops")) as ch:
            ops_pb2_grpc.OpsServiceStub(ch).Ask(ops.AskRequest(question="count the items"), metadata=MD)
        am_text, cep_text, ops_text = (_scrape(ports[n]) for n in ("api_manager", "cep", "ops"))
    finally:
        stop_stack(stack)
    assert (
        'opsuite_rpc_requests_total{code="OK",method="/opsuite.apimanager.v1.ApiManagerService/ExecuteApi"' in am_text
    )
    assert 'opsuite_api_manager_executions_total{kind="SQL",status="SUCCEEDED"} 1.0' in am_text
    assert 'opsuite_cep_events_total{outcome="accepted"} 1.0' in cep_text
    assert "opsuite_cep_evaluation_seconds_count 1.0" in cep_text
    assert "opsuite_ops_runs_total{" in ops_text and "opsuite_ops_phase_seconds_count{" in ops_text
    assert "opsuite_api_manager_execution_seconds_count" in am_text
