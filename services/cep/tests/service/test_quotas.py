"""Per-tenant quotas on rules, channels and silences over a real channel, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_common.errors import QuotaExceededError
from opsuite_common.rpc_status import from_grpc_error

from .conftest import struct

pytestmark = pytest.mark.asyncio


def _rule(name: str) -> dict[str, Any]:
    return {"name": name, "kind": "THRESHOLD", "event_type": "metric", "spec": {"condition": "cpu > 90"}}


async def _refused(call: Any) -> QuotaExceededError:
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        err = from_grpc_error(exc)
        assert isinstance(err, QuotaExceededError), err
        return err
    raise AssertionError("created past the quota")


async def test_rules_and_channels_past_the_quota_are_quota_exceeded_per_tenant(
    db_url: str, start_cep: Callable[..., Any]
) -> None:
    cep = await start_cep(db_url, max_rules_per_tenant=2, max_channels_per_tenant=1)
    first = await cep.rule(_rule("r1"))
    await cep.rule(_rule("r2"))
    err = await _refused(cep.rule(_rule("r3")))
    assert err.metadata == {"quota": "rules per tenant", "limit": "2"}
    assert "OPSUITE_CEP_MAX_RULES_PER_TENANT" in err.message
    await cep.rule(_rule("r1"), tenant="tenant-b")  # the other tenant's quota is its own
    listed = await cep.stub.ListRules(cep_pb2.ListRulesRequest(), metadata=cep.md())
    assert sorted(r.name for r in listed.rules) == ["r1", "r2"]
    await cep.stub.DeleteRule(cep_pb2.DeleteRuleRequest(id=first.meta.id), metadata=cep.md())
    await cep.rule(_rule("r3"))  # a deleted rule frees its place

    def channel(name: str) -> cep_pb2.CreateChannelRequest:
        return cep_pb2.CreateChannelRequest(name=name, kind="webhook", config=struct({"url": "http://127.0.0.1:9/x"}))

    await cep.stub.CreateChannel(channel("c1"), metadata=cep.md())
    err = await _refused(cep.stub.CreateChannel(channel("c2"), metadata=cep.md()))
    assert err.metadata["quota"] == "channels per tenant"


async def test_ended_silences_give_way_and_active_ones_count(db_url: str, start_cep: Callable[..., Any]) -> None:
    cep = await start_cep(db_url, max_silences_per_tenant=2, silence_retention_s=3600)

    def silence(ended_ago_s: float) -> cep_pb2.CreateSilenceRequest:
        req = cep_pb2.CreateSilenceRequest(matchers=[cep_pb2.Matcher(name="host", op="=", value="h1")], comment="m")
        now = int(time.time())
        req.starts_at.FromSeconds(now - int(ended_ago_s) - 60)
        req.ends_at.FromSeconds(now - int(ended_ago_s))
        return req

    await cep.stub.CreateSilence(silence(7200), metadata=cep.md())  # ended 2 h ago: past its retention
    await cep.stub.CreateSilence(silence(60), metadata=cep.md())  # ended a minute ago: within it
    listed = await cep.stub.ListSilences(cep_pb2.ListSilencesRequest(), metadata=cep.md())
    assert len(listed.silences) == 1  # the second create deleted the one past its retention
    await cep.stub.CreateSilence(silence(-3600), metadata=cep.md())  # active until an hour from now
    # At the quota, the ended silence (within its retention) gives way to a new one; two active ones do not.
    await cep.stub.CreateSilence(silence(-3600), metadata=cep.md())
    listed = await cep.stub.ListSilences(cep_pb2.ListSilencesRequest(), metadata=cep.md())
    assert len(listed.silences) == 2
    err = await _refused(cep.stub.CreateSilence(silence(-3600), metadata=cep.md()))
    assert err.metadata["quota"].startswith("silences")
