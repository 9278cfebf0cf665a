"""cep with ops and api_manager as real processes on the demo tenant: an alert investigated by ops, and a
SCHEDULE rule executing a demo API.

The stack's cep runs a new SCHEDULE rule at its first tick (``OPSUITE_CEP_SCHEDULE_FIRST_RUN_AT_ONCE``,
dev/test only) rather than one interval (10 s at least) after creation: what is tested here is the flow
across the processes; the interval itself is tested in-process with a fake clock
(services/cep/tests/service/test_schedule.py).
"""

from __future__ import annotations

import grpc
import pytest

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import Stack
from opsuite_common.testing.servers import TokenFactory

from .investigations import fire_investigated_alert, struct

TOKENS = TokenFactory()
ADMIN = (("authorization", f"Bearer {TOKENS.mint(tenant='demo', roles=['admin'], subject='ana')}"),)
VIEWER = (("authorization", f"Bearer {TOKENS.mint(tenant='demo', roles=['viewer'], subject='dana')}"),)
OTHER = (("authorization", f"Bearer {TOKENS.mint(tenant='other', roles=['admin'], subject='eve')}"),)
#: cep calls other services as this subject (opsuite_cep.adapters.tokens.SERVICE_SUBJECT).
CEP_SUBJECT = "cep-service"


@pytest.fixture
def flows_stack(stack: Stack) -> Stack:
    """The shared seeded stack (its settings name the demo estate and run new SCHEDULE rules at once)."""
    return stack


def test_an_ops_investigation_channel_attaches_ops_answer_to_the_alert(flows_stack: Stack) -> None:
    with grpc.insecure_channel(flows_stack.target("cep")) as ch:
        cep = cep_pb2_grpc.CepServiceStub(ch)
        _, published = fire_investigated_alert(cep, ADMIN, rule="checkout-error-rate", service="checkout")
        (fired,) = [a for a in published.alerts if a.rule == "checkout-error-rate"]
        assert fired.state == cep_pb2.FIRING

        alert = eventually_sync(
            lambda: cep.GetAlert(cep_pb2.GetAlertRequest(id=fired.id), metadata=VIEWER),
            until=lambda a: bool(a.investigation_id),
            timeout=20,
            interval=0.25,
            what="the alert carries an investigation",
        )
        assert alert.investigation_answer.strip()
        # The seeded estate's story: checkout's latency rises with its deploy 40 minutes before the stack started.
        assert "onset of a rise in latency_by_service(service=checkout)" in alert.investigation_answer
        assert "Last change before the onset: the deploy of checkout version 2026.11.3" in alert.investigation_answer

        changes = []
        for change in cep.WatchAlerts(
            cep_pb2.WatchAlertsRequest(after_cursor=0, rule="checkout-error-rate"), metadata=VIEWER, timeout=20
        ):
            changes.append(change)
            if change.change == "investigated":
                break
        assert [c.change for c in changes] == ["firing", "investigated"]
        assert changes[-1].alert.investigation_id == alert.investigation_id
        assert changes[-1].alert.investigation_answer == alert.investigation_answer

    with grpc.insecure_channel(flows_stack.target("ops")) as ch:
        ops = ops_pb2_grpc.OpsServiceStub(ch)
        run = ops.GetRun(ops_pb2.GetRunRequest(run_id=alert.investigation_id), metadata=VIEWER)
        assert run.answer == alert.investigation_answer
        assert run.subject == CEP_SUBJECT and run.tenant == "demo"
        assert "checkout-error-rate" in run.question and "service=checkout" in run.question
        with pytest.raises(grpc.RpcError) as info:
            ops.GetRun(ops_pb2.GetRunRequest(run_id=alert.investigation_id), metadata=OTHER)
        assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_schedule_rule_executes_a_demo_api_and_fires(flows_stack: Stack) -> None:
    with grpc.insecure_channel(flows_stack.target("cep")) as ch:
        cep = cep_pb2_grpc.CepServiceStub(ch)
        rule = {
            "name": "checkout-error-rate-check",
            "kind": "SCHEDULE",
            "severity": "warning",
            "spec": {
                # 10s is the domain's shortest interval; this stack runs a new rule at its first tick.
                "interval": "10s",
                "api": "error_rate",
                "params": {"service": "checkout"},
                "condition": {
                    "and": [
                        {"field": "status", "op": "==", "value": "SUCCEEDED"},
                        {"field": "row_count", "op": ">=", "value": 1},
                    ]
                },
            },
        }
        cep.CreateRule(cep_pb2.CreateRuleRequest(definition=struct(rule)), metadata=ADMIN)
        alerts = eventually_sync(
            lambda: cep.ListAlerts(cep_pb2.ListAlertsRequest(rule="checkout-error-rate-check"), metadata=VIEWER).alerts,
            until=lambda found: any(a.state == cep_pb2.FIRING for a in found),
            timeout=30,
            interval=0.25,
            what="the schedule rule fires",
        )
        assert alerts[0].values["row_count"] >= 1

    with grpc.insecure_channel(flows_stack.target("api_manager")) as ch:
        am = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
        api = am.GetApi(api_manager_pb2.GetApiRequest(name="error_rate"), metadata=VIEWER)
        executions = am.ListExecutions(api_manager_pb2.ListExecutionsRequest(api_id=api.meta.id), metadata=VIEWER)
        by_cep = [e for e in executions.executions if e.caller == CEP_SUBJECT]
        assert by_cep, [(e.caller, e.api_name) for e in executions.executions]
        assert all(e.api_name == "error_rate" and e.status == api_manager_pb2.SUCCEEDED for e in by_cep)
        other = am.ListExecutions(api_manager_pb2.ListExecutionsRequest(), metadata=OTHER)
        assert not [e for e in other.executions if e.caller == CEP_SUBJECT]
