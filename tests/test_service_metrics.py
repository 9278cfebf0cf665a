"""Each service exposes Prometheus metrics over HTTP: the go-grpc-prometheus RPC metrics, process and build
info, and its own domain metrics; the exposition is read with Prometheus's own parser."""

from __future__ import annotations

import sqlite3
import urllib.request

import grpc
from prometheus_client.parser import text_string_to_metric_families

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


Samples = dict[str, list[tuple[dict[str, str], float]]]


def _parse(text: str) -> Samples:
    """Sample name -> its (labels, value) pairs."""
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def _value(samples: Samples, name: str, **labels: str) -> float | None:
    """The value of the first sample of ``name`` with (at least) ``labels``, None when there is none."""
    return next((v for lbl, v in samples.get(name, []) if labels.items() <= lbl.items()), None)


def _label_sets(samples: Samples, name: str) -> set[frozenset[str]]:
    return {frozenset(lbl) for lbl, _ in samples.get(name, [])}


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
                description="count the items",
                kind=am.SQL,
                enabled=True,
                expose_as_tool=True,
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
    am_m, cep_m, ops_m = _parse(am_text), _parse(cep_text), _parse(ops_text)

    execute = {
        "grpc_type": "unary",
        "grpc_service": "opsuite.apimanager.v1.ApiManagerService",
        "grpc_method": "ExecuteApi",
    }
    # Executed twice: directly, and by ops as the tool "count".
    assert _value(am_m, "grpc_server_started_total", **execute) == 2
    assert _value(am_m, "grpc_server_handled_total", **execute, grpc_code="OK") == 2
    assert _value(am_m, "grpc_server_handling_seconds_count", **execute, grpc_code="OK") == 2
    rpc_labels = frozenset({"grpc_type", "grpc_service", "grpc_method"})
    for samples in (am_m, cep_m, ops_m):
        assert _label_sets(samples, "grpc_server_started_total") == {rpc_labels}
        assert _label_sets(samples, "grpc_server_handled_total") == {rpc_labels | {"grpc_code"}}
        assert _label_sets(samples, "grpc_server_handling_seconds_count") == {rpc_labels | {"grpc_code"}}
        assert (_value(samples, "process_resident_memory_bytes") or 0) > 0
        assert _value(samples, "process_cpu_seconds_total") is not None
    for service, samples in (("api_manager", am_m), ("cep", cep_m), ("ops", ops_m)):
        assert _value(samples, "opsuite_build_info", service=service) == 1, service
        (labels,) = [lbl for lbl, _ in samples["opsuite_build_info"]]
        assert labels["version"] and labels["python"]
    publish = {"grpc_service": "opsuite.cep.v1.CepService", "grpc_method": "PublishEvents"}
    assert _value(cep_m, "grpc_server_handled_total", **publish, grpc_code="OK") == 1
    assert _value(ops_m, "grpc_server_handled_total", grpc_method="Ask", grpc_code="OK") == 1

    assert _value(am_m, "opsuite_api_manager_executions_total", kind="SQL", status="SUCCEEDED") == 2
    assert (_value(am_m, "opsuite_api_manager_execution_seconds_count", kind="SQL") or 0) >= 1
    assert _value(cep_m, "opsuite_cep_events_total", outcome="accepted") == 1
    assert _value(cep_m, "opsuite_cep_evaluation_seconds_count") == 1
    assert _value(cep_m, "opsuite_cep_watermark_lag_seconds_count") == 1
    assert _value(cep_m, "opsuite_cep_outbox_pending") == 0  # no rule, no notification; the dispatcher has scanned
    assert "opsuite_cep_deliveries" in {f.name for f in text_string_to_metric_families(cep_text)}
    assert _value(ops_m, "opsuite_ops_runs_total") is not None
    assert sum(v for _, v in ops_m["opsuite_ops_answers_total"]) == 1
    assert {lbl["status"] for lbl, _ in ops_m["opsuite_ops_answers_total"]} <= {"complete", "partial", "unanswered"}
    assert _value(ops_m, "opsuite_ops_tool_calls_total", outcome="ok") == 1
    assert (_value(ops_m, "opsuite_ops_phase_seconds_count", phase="plan") or 0) >= 1
