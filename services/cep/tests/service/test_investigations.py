"""The ops_investigation channel against a small fake ops server: question, token, attached answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import jwt
import pytest
import pytest_asyncio

from opsuite.cep.v1 import cep_pb2
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.servers import TEST_SECRET

from .conftest import Cep, ev, struct

pytestmark = pytest.mark.asyncio


class FakeOps(ops_pb2_grpc.OpsServiceServicer):
    """Answers every Ask with a numbered run; ``failing`` makes it answer INTERNAL instead."""

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.tokens: list[str] = []
        self.failing = False
        self.server = grpc.aio.server()
        ops_pb2_grpc.add_OpsServiceServicer_to_server(self, self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    async def Ask(self, request: ops_pb2.AskRequest, context: grpc.aio.ServicerContext) -> ops_pb2.AskResponse:
        if self.failing:
            await context.abort(grpc.StatusCode.INTERNAL, "ops broke")
        self.questions.append(request.question)
        self.tokens.append(dict(context.invocation_metadata()).get("authorization", ""))
        n = len(self.questions)
        return ops_pb2.AskResponse(run_id=f"run-{n}", answer=f"answer {n}: checkout was deployed")


@pytest_asyncio.fixture
async def fake_ops() -> AsyncIterator[FakeOps]:
    ops = FakeOps()
    await ops.server.start()
    yield ops
    await ops.server.stop(0)


async def _channel(cep: Cep, config: dict[str, Any]) -> cep_pb2.Channel:
    return await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="ops", kind="ops_investigation", config=struct(config)), metadata=cep.md()
    )


async def test_the_answer_is_attached_to_the_alert_and_watchable(
    sqlite_url: str, start_cep: Any, fake_ops: FakeOps
) -> None:
    cep: Cep = await start_cep(sqlite_url, ops_target=f"127.0.0.1:{fake_ops.port}")
    await _channel(cep, {"question": "why is {rule} ({severity}) firing for {labels}?"})
    await cep.rule(
        {
            "name": "cpu-high",
            "kind": "THRESHOLD",
            "event_type": "metric",
            "severity": "critical",
            "channels": ["ops"],
            "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
        }
    )
    published = await cep.publish([ev("e1", "metric", 0, cpu=95, host="web-02")])
    alert_id = published.alerts[0].id

    async def investigated() -> bool:
        alert = await cep.stub.GetAlert(cep_pb2.GetAlertRequest(id=alert_id), metadata=cep.md())
        return alert.investigation_id != ""

    await eventually(investigated, what="the alert is investigated")
    alert = await cep.stub.GetAlert(cep_pb2.GetAlertRequest(id=alert_id), metadata=cep.md())
    assert alert.investigation_id == "run-1"
    assert alert.investigation_answer == "answer 1: checkout was deployed"
    assert fake_ops.questions == ["why is cpu-high (critical) firing for host=web-02, severity=critical?"]
    claims = _claims(fake_ops.tokens[0])
    assert claims["tenant"] == "tenant-a" and claims["sub"] == "cep-service"

    changes = []
    async for change in cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=0), metadata=cep.md()):
        changes.append(change)
        if change.change == "investigated":
            break
    assert [c.change for c in changes] == ["firing", "investigated"]
    assert changes[-1].alert.investigation_answer == alert.investigation_answer
    # Another tenant sees nothing of it.
    other = await cep.stub.ListAlerts(cep_pb2.ListAlertsRequest(), metadata=cep.md("tenant-b"))
    assert list(other.alerts) == []


async def test_an_ops_error_is_logged_and_the_dispatcher_keeps_working(
    sqlite_url: str, start_cep: Any, fake_ops: FakeOps
) -> None:
    fake_ops.failing = True
    cep: Cep = await start_cep(sqlite_url, ops_target=f"127.0.0.1:{fake_ops.port}")
    ch = await _channel(cep, {})
    test = await cep.stub.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=cep.md())
    assert not test.ok and test.reason == "INTERNAL"
    await cep.rule(
        {
            "name": "cpu-high",
            "kind": "THRESHOLD",
            "event_type": "metric",
            "channels": ["ops"],
            "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
        }
    )
    await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])

    async def failed_once() -> bool:
        reply = await cep.stub.ListDeliveries(cep_pb2.ListDeliveriesRequest(channel_id=ch.meta.id), metadata=cep.md())
        return any(d.status == "failed" for d in reply.deliveries)

    await eventually(failed_once, what="a failed delivery")
    fake_ops.failing = False  # ops recovers: the pending notification is retried and delivered

    async def delivered() -> bool:
        reply = await cep.stub.ListDeliveries(cep_pb2.ListDeliveriesRequest(channel_id=ch.meta.id), metadata=cep.md())
        return any(d.status == "delivered" for d in reply.deliveries)

    await eventually(delivered, what="the retried delivery")
    (alert,) = await cep.alerts()
    assert alert.investigation_id.startswith("run-")
    assert fake_ops.questions[-1] == "investigate alert cpu-high on host=h1, severity=warning"


@pytest.mark.parametrize(
    "question",
    ["{rule.__class__}", "{labels[0]}", "{rule!r}", "{rule:>99999999}", "{}", "{secret}", "unclosed {rule"],
)
async def test_question_templates_allow_only_plain_fields(cep_sqlite: Cep, question: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await _channel(cep_sqlite, {"question": question})
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "config.question" in str(info.value.trailing_metadata())


def _claims(authorization: str) -> dict[str, Any]:
    return dict(jwt.decode(authorization.removeprefix("Bearer "), TEST_SECRET, algorithms=["HS256"]))
