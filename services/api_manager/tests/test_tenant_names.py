"""Tenant claims are judged once at the auth boundary, so SQLite and PostgreSQL stores behave the same."""

from __future__ import annotations

import jwt
import pytest

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.errors import AuthenticationError
from opsuite_common.testing.servers import TEST_SECRET


def _md(tenant: str) -> tuple[tuple[str, str], ...]:
    token = jwt.encode({"sub": "probe", "tenant": tenant, "roles": ["admin"], "exp": 9999999999}, TEST_SECRET, "HS256")
    return (("authorization", f"Bearer {token}"),)


@pytest.mark.parametrize(
    "tenant", ["t" * 129, "t" * 64, "evil\x00tenant", "Tenant-A", "../tenant-a", "tenant a"],
    ids=["129-chars", "64-chars", "nul", "upper", "dotdot", "space"],
)  # fmt: skip
async def test_an_off_pattern_tenant_is_unauthenticated_on_every_store(client, tenant):
    for call in (
        client.stub.CreateDataSource(pb.CreateDataSourceRequest(name="x", url="sqlite:///x.db"), metadata=_md(tenant)),
        client.stub.ListApis(pb.ListApisRequest(), metadata=_md(tenant)),
        client.stub.ListExecutions(pb.ListExecutionsRequest(), metadata=_md(tenant)),
    ):
        err = await client.error(call)
        assert isinstance(err, AuthenticationError), err
        assert err.reason == "INVALID_TENANT"
        assert "lower-case letters" in err.message


async def test_the_longest_valid_tenant_is_stored_and_read_back(client, tmp_path):
    tenant = "t" * 63
    listed = await client.stub.ListApis(pb.ListApisRequest(), metadata=_md(tenant))
    assert list(listed.apis) == []
    created = await client.stub.CreateApi(
        pb.CreateApiRequest(api=client.api_def("echo", kind=pb.SCRIPT, script=pb.ScriptSpec(source=_ECHO))),
        metadata=_md(tenant),
    )
    assert created.definition.name == "echo"
    listed = await client.stub.ListApis(pb.ListApisRequest(), metadata=_md(tenant))
    assert [a.definition.name for a in listed.apis] == ["echo"]


_ECHO = "def main(params, input, ctx):\n    return params\n"
