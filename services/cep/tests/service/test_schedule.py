"""SCHEDULE rules against a tiny fake api_manager: fire, resolve, and survive api_manager being down."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest

from opsuite.apimanager.v1 import api_manager_pb2, api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2
from opsuite_common.protoconv import py_to_value

from .conftest import Cep

pytestmark = pytest.mark.asyncio


class FakeApiManager(api_manager_pb2_grpc.ApiManagerServiceServicer):
    """Answers ExecuteApi with ``{"queue_depth": depth}`` and records the caller's tenant."""

    def __init__(self) -> None:
        self.depth = 500
        self.calls: list[tuple[str, dict[str, str]]] = []

    async def ExecuteApi(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        self.calls.append((request.name, dict(context.invocation_metadata())))
        return api_manager_pb2.ExecuteApiResponse(
            status=api_manager_pb2.SUCCEEDED, json=py_to_value({"queue_depth": self.depth})
        )


async def test_schedule_rule_fires_resolves_and_records_failures(sqlite_url: str, start_cep: Any) -> None:
    fake = FakeApiManager()
    server = grpc.aio.server()
    api_manager_pb2_grpc.add_ApiManagerServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    cep: Cep = await start_cep(sqlite_url, api_manager_target=f"127.0.0.1:{port}")
    app = cep.handle.app
    try:
        rule = await cep.rule(
            {
                "name": "queue-deep",
                "kind": "SCHEDULE",
                "spec": {
                    "interval": "10s",
                    "api": "queue-depth",
                    "condition": {"field": "queue_depth", "op": ">", "value": 100},
                },
            }
        )
        sched = app.scheduler
        await sched.stop()  # drive ticks by hand with virtual wall-clock instants
        from datetime import timedelta

        from opsuite_common.db import utcnow

        now = utcnow()
        assert await sched.tick(now) == 0  # plans the first run at now + 10s
        assert await sched.tick(now + timedelta(seconds=10)) == 1
        alerts = (await cep.stub.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=cep.md())).alerts
        assert [(a.rule, a.state) for a in alerts] == [("queue-deep", cep_pb2.FIRING)]
        assert fake.calls[0][0] == "queue-depth" and fake.calls[0][1]["authorization"].startswith("Bearer ")
        fake.depth = 5
        assert await sched.tick(now + timedelta(seconds=20)) == 1
        alerts = (await cep.stub.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=cep.md())).alerts
        assert [a.state for a in alerts] == [cep_pb2.RESOLVED]
        await server.stop(0)  # api_manager goes down: the run fails, the scheduler keeps going
        assert await sched.tick(now + timedelta(seconds=30)) == 1
        assert await sched.tick(now + timedelta(seconds=40)) == 1
        stats = await cep.stub.GetRuleStats(cep_pb2.GetRuleStatsRequest(rule_id=rule.meta.id), metadata=cep.md())
        assert stats.schedule_runs == 4 and stats.schedule_failures == 2
        assert stats.schedule_last_error.startswith(("SERVICE_UNAVAILABLE", "CIRCUIT_OPEN", "DEADLINE"))
    finally:
        await server.stop(0)
        await asyncio.sleep(0)
