"""ops Ask is never retried by a client, and ops blames a dead api_manager on api_manager (issue 13, item 6).

api_manager is SIGKILLed before anything asks ops, so ops has no tool catalogue and every Ask fails with
TOOL_CATALOGUE_UNAVAILABLE, marked ``dependency=api_manager``. Each Ask stores a failed run, so the runs
in ops count the Asks: an ``ops_investigation`` delivery is one Ask per dispatcher attempt, the attempts
are spaced by the dispatcher's backoff, and no breaker toward ops opens (ops itself answered).
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import time
from collections.abc import Iterator

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.client import connect
from opsuite_common.errors import ServiceUnavailableError
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.settings import ClientSettings
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import Stack, stop_stack
from opsuite_common.testing.servers import TokenFactory

from .conftest import start_test_stack
from .investigations import fire_investigated_alert

TOKENS = TokenFactory()
TENANT = "noretry"
ADMIN = (("authorization", f"Bearer {TOKENS.mint(tenant=TENANT, roles=['admin'], subject='ana')}"),)
#: The dispatcher's first wait between attempts; later ones double.
BACKOFF_S = 0.5
#: Breaker threshold of every client in the stack: two counted failures would open one.
FAIL_MAX = 2
OPS_SERVICE = ops_pb2.DESCRIPTOR.services_by_name["OpsService"]


@pytest.fixture(scope="module")
def dead_api_manager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The three services, then api_manager SIGKILLed before anything asked ops."""
    env = {
        "OPSUITE_CEP_DISPATCH_POLL_S": "0.2",
        "OPSUITE_CEP_DELIVERY_BACKOFF_INITIAL_S": str(BACKOFF_S),
        "OPSUITE_CLIENT_BREAKER_FAIL_MAX": str(FAIL_MAX),
        "OPSUITE_CEP_LOG_LEVEL": "DEBUG",
    }
    stack = start_test_stack(tmp_path_factory.mktemp("noretry"), extra_env=env)
    try:
        proc = stack.procs["api_manager"]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        yield stack
    finally:
        stop_stack(stack)


def _runs(stack: Stack, question_part: str) -> list[ops_pb2.Run]:
    with grpc.insecure_channel(stack.target("ops")) as ch:
        runs = ops_pb2_grpc.OpsServiceStub(ch).ListRuns(ops_pb2.ListRunsRequest(), metadata=ADMIN).runs
    return sorted((r for r in runs if question_part in r.question), key=lambda r: r.create_time.ToNanoseconds())


def _breaker_changes(stack: Stack) -> list[str]:
    return [line for line in stack.log("cep").read_text().splitlines() if "circuit breaker state changed" in line]


def test_an_investigation_with_api_manager_down_asks_once_per_attempt_spaced_by_backoff(dead_api_manager):
    stack = dead_api_manager
    with grpc.insecure_channel(stack.target("cep")) as ch:
        cep = cep_pb2_grpc.CepServiceStub(ch)
        channel, published = fire_investigated_alert(cep, ADMIN, rule="noretry-error-rate", service="svc-a")
        assert [a.rule for a in published.alerts] == ["noretry-error-rate"]

        def deliveries() -> list[cep_pb2.Delivery]:
            req = cep_pb2.ListDeliveriesRequest(channel_id=channel.meta.id)
            return list(cep.ListDeliveries(req, metadata=ADMIN).deliveries)

        before = eventually_sync(
            deliveries, until=lambda d: len(d) >= 3, timeout=30, interval=0.2, what="three delivery attempts"
        )
        runs = _runs(stack, "noretry-error-rate")
        after = deliveries()

    # One notification; every attempt failed with ops's own answer, blamed on api_manager.
    assert len({d.notification_id for d in after}) == 1
    assert {(d.status, d.reason) for d in after} == {("failed", "TOOL_CATALOGUE_UNAVAILABLE")}
    assert sorted(d.attempt for d in after) == list(range(1, len(after) + 1))
    # One Ask (one run) per attempt: the attempts recorded so far, plus at most one in flight.
    assert len(before) <= len(runs) <= len(after) + 1, (len(before), len(runs), len(after))
    assert {(r.status, r.error_reason) for r in runs} == {(ops_pb2.RUN_FAILED, "TOOL_CATALOGUE_UNAVAILABLE")}
    # No burst: run n+1 starts at least the dispatcher's backoff after run n (BACKOFF_S, doubling).
    starts = [r.create_time.ToNanoseconds() / 1e9 for r in runs]
    for n, (a, b) in enumerate(itertools.pairwise(starts)):
        assert b - a >= BACKOFF_S * 2**n, (n, b - a)
    # More failures than the breaker threshold, yet cep's breaker toward ops never changed state.
    assert len(runs) > FAIL_MAX
    assert _breaker_changes(stack) == []


def test_ask_through_the_common_client_is_attempted_once_and_keeps_the_breaker_closed(dead_api_manager):
    stack = dead_api_manager
    question = f"noretry direct question {time.time_ns()}"
    calls = FAIL_MAX + 1

    async def ask_repeatedly() -> tuple[list[ServiceUnavailableError], str]:
        client = connect(
            stack.target("ops"),
            ops_pb2_grpc.OpsServiceStub,
            OPS_SERVICE,
            settings=ClientSettings(breaker_fail_max=FAIL_MAX),
            breakers=BreakerRegistry(fail_max=FAIL_MAX),
        )
        errors = []
        try:
            assert not client.is_idempotent("Ask")
            for _ in range(calls):
                with pytest.raises(ServiceUnavailableError) as info:
                    await client.rpc.Ask(ops_pb2.AskRequest(question=question), metadata=ADMIN, timeout=20)
                errors.append(info.value)
            return errors, client.breaker.state
        finally:
            await client.close()

    errors, state = asyncio.run(ask_repeatedly())
    assert {(e.reason, e.dependency) for e in errors} == {("TOOL_CATALOGUE_UNAVAILABLE", "api_manager")}
    assert state == "closed"  # blamed on api_manager: ops's breaker does not count it
    assert len(_runs(stack, question)) == calls  # each call was one Ask: no retry
