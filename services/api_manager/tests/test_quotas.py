"""Per-tenant quotas on APIs and data sources over a real channel, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.errors import QuotaExceededError

pytestmark = pytest.mark.asyncio


def _sql(c: Any, name: str) -> pb.ApiDefinition:
    return c.api_def(name, kind=pb.SQL, sql=pb.SqlSpec(data_source="reports", statement="SELECT 1"))


async def test_apis_past_the_quota_are_quota_exceeded_per_tenant_and_a_delete_frees_a_place(
    start_lite, db_url, sqlite_source
):
    c = await start_lite(db_url=db_url, max_apis_per_tenant=2)
    for tenant in ("t-one", "t-two"):
        await c.data_source("reports", sqlite_source, tenant=tenant)
    first = await c.create(_sql(c, "a1"), tenant="t-one")
    await c.create(_sql(c, "a2"), tenant="t-one")
    err = await c.error(c.create(_sql(c, "a3"), tenant="t-one"))
    assert isinstance(err, QuotaExceededError), err
    assert err.metadata == {"quota": "APIs per tenant", "limit": "2"}
    assert "OPSUITE_API_MANAGER_MAX_APIS_PER_TENANT" in err.message
    listed = await c.stub.ListApis(pb.ListApisRequest(), metadata=c.md(tenant="t-one"))
    assert sorted(a.definition.name for a in listed.apis) == ["a1", "a2"]  # nothing half-created
    await c.create(_sql(c, "b1"), tenant="t-two")  # another tenant's quota is its own

    # The status carries a google.rpc.QuotaFailure naming the quota.
    try:
        await c.create(_sql(c, "a3"), tenant="t-one")
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        details = rpc_status.from_call(exc).details
        failures = [d for d in details if d.Is(error_details_pb2.QuotaFailure.DESCRIPTOR)]
        assert len(failures) == 1
        failure = error_details_pb2.QuotaFailure()
        failures[0].Unpack(failure)
        assert failure.violations[0].subject == "APIs per tenant"
    else:
        raise AssertionError("the third API was created")

    await c.stub.DeleteApi(pb.DeleteApiRequest(id=first.meta.id), metadata=c.md(tenant="t-one"))
    await c.create(_sql(c, "a3"), tenant="t-one")  # a deleted API no longer counts


async def test_data_sources_past_the_quota_are_quota_exceeded(start_lite, db_url, sqlite_source):
    c = await start_lite(db_url=db_url, max_data_sources_per_tenant=1)
    await c.data_source("one", sqlite_source)
    err = await c.error(c.data_source("two", sqlite_source))
    assert isinstance(err, QuotaExceededError), err
    assert err.metadata["quota"] == "data sources per tenant"
    await c.data_source("one", sqlite_source, tenant="elsewhere")
