"""Service-level fixtures: a fake api_manager gRPC server, a fake OpenAI-compatible server, and ops servers.

``FakeApiManager`` is a real grpc.aio server with the standard pipeline (so forwarded tokens are really
verified) implementing ListApis and ExecuteApi of the generated ``ApiManagerServiceServicer`` over the
domain's InMemoryCatalogue (demo tools, scripts to make tools slow or failing, per-tenant visibility).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
import pytest_asyncio
from pydantic_settings import SettingsConfigDict

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc as am_grpc
from opsuite.ops.v1 import ops_pb2_grpc
from opsuite_common.auth import Identity, Role, current_identity, requires
from opsuite_common.errors import FailedPreconditionError
from opsuite_common.protoconv import dict_to_struct, py_to_value, struct_to_dict
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.server import ServerHandle, ServiceRegistration, build_server
from opsuite_common.settings import ClientSettings, ServiceSettings
from opsuite_common.testing.llm import FakeLlm
from opsuite_common.testing.servers import TokenFactory, auth_settings_for_tests
from opsuite_ops.config import Settings
from opsuite_ops.domain import Tool
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.server import create_server

from .demo_estate import demo_catalogue, demo_tools

TENANT, OTHER = "acme", "globex"
SECRET_TOOL = Tool(
    "globex_inventory", "Globex private inventory of hosts", frozenset({"config"}),
    input_schema={"type": "object", "properties": {}}, idempotent=True,
)  # fmt: skip


class _AmSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OPSUITE_FAKE_AM_", frozen=True, extra="ignore")


class FakeApiManagerServicer(am_grpc.ApiManagerServiceServicer):
    """ListApis (expose_as_tool filter, small pages) and ExecuteApi over an InMemoryCatalogue, per tenant.

    A handler's ``{"rows": [...], "truncated": true}`` comes back as an SQL result marked truncated."""

    def __init__(self, catalogue: InMemoryCatalogue, page_size: int = 4) -> None:
        self.catalogue = catalogue
        self.page_size = page_size
        #: (rpc, tenant, subject) of every call, as authenticated from the forwarded token.
        self.seen: list[tuple[str, str, str]] = []
        self.hidden: set[str] = set()  # APIs not exposed as tools

    @requires(Role.VIEWER)
    async def ListApis(self, request: am.ListApisRequest, context: grpc.aio.ServicerContext) -> am.ListApisResponse:
        ident = current_identity()
        self.seen.append(("ListApis", ident.tenant, ident.subject))
        tools = sorted(await self.catalogue.list_tools(ident), key=lambda t: t.name)
        if request.HasField("expose_as_tool") and request.expose_as_tool:
            tools = [t for t in tools if t.name not in self.hidden]
        start = int(request.page.page_token or 0)
        size = min(request.page.page_size or self.page_size, self.page_size)
        page = tools[start : start + size]
        resp = am.ListApisResponse()
        for t in page:
            api = resp.apis.add(version=t.version, idempotent=t.idempotent)
            api.meta.id, api.meta.tenant = f"api-{t.name}", ident.tenant
            d = api.definition
            d.name, d.description, d.kind, d.enabled = t.name, t.description, am.SQL, True
            d.expose_as_tool = t.name not in self.hidden
            d.tags.extend(sorted(t.tags))
            d.param_schema.CopyFrom(dict_to_struct(dict(t.input_schema) | {"x-output-hints": dict(t.output_hints)}))
        if start + size < len(tools):
            resp.page.next_page_token = str(start + size)
        return resp

    @requires(Role.VIEWER)
    async def ExecuteApi(
        self, request: am.ExecuteApiRequest, context: grpc.aio.ServicerContext
    ) -> am.ExecuteApiResponse:
        ident = current_identity()
        self.seen.append(("ExecuteApi", ident.tenant, ident.subject))
        result = await self.catalogue.invoke(ident, request.name, struct_to_dict(request.params), 30.0)
        resp = am.ExecuteApiResponse(execution_id=f"am-{result.execution_id}", api_id=f"api-{request.name}",
                                     api_version=1)  # fmt: skip
        resp.references.add(kind="api", name=request.name)
        if not result.success:
            if result.retryable:
                resp.status = am.FAILED
                return resp
            raise FailedPreconditionError(result.error, reason="API_EXECUTION_FAILED")
        resp.status = am.SUCCEEDED
        data = result.data
        rows = data.get("rows") if isinstance(data, dict) else None
        if isinstance(rows, list) and all(isinstance(r, dict) for r in rows):
            columns = list(dict.fromkeys(k for r in rows for k in r))
            resp.sql.columns.extend(am.Column(name=c) for c in columns)
            for r in rows:
                resp.sql.rows.add().extend([r.get(c) for c in columns])
            resp.sql.row_count = len(rows)
            resp.sql.truncated = data.get("truncated") is True  # as api_manager marks a result cut at its row limit
        else:
            resp.json.CopyFrom(py_to_value(data))
        return resp


@dataclass
class FakeApiManager:
    """A running fake api_manager."""

    handle: ServerHandle
    servicer: FakeApiManagerServicer
    catalogue: InMemoryCatalogue
    target: str = field(init=False)

    def __post_init__(self) -> None:
        self.target = f"127.0.0.1:{self.handle.port}"

    async def kill(self) -> None:
        """Stop at once: in-flight calls are cancelled, later connections refused."""
        await self.handle.stop(0)


def tenant_catalogue() -> InMemoryCatalogue:
    """Demo tools for ``acme`` only, plus one private tool for ``globex``."""
    demo = demo_catalogue()
    anyone = Identity(subject="fake", tenant=TENANT, roles=frozenset({Role.VIEWER}))
    cat = InMemoryCatalogue()

    def delegate(name: str) -> Callable[[dict[str, Any]], Awaitable[Any]]:
        async def handler(params: dict[str, Any]) -> Any:
            return (await demo.invoke(anyone, name, params, 30.0)).data

        return handler

    for tool in demo_tools():
        cat.add(tool, delegate(tool.name), tenants=[TENANT])

    async def inventory(_: dict[str, Any]) -> Any:
        return {"rows": [{"host": "g-01", "status": "up"}]}

    cat.add(SECRET_TOOL, inventory, tenants=[OTHER])
    return cat


async def start_fake_api_manager(catalogue: InMemoryCatalogue | None = None, port: int = 0) -> FakeApiManager:
    """Start a fake api_manager on 127.0.0.1."""
    catalogue = catalogue or tenant_catalogue()
    servicer = FakeApiManagerServicer(catalogue)
    settings = _AmSettings(port=port, auth=auth_settings_for_tests())
    handle = await build_server(
        service="api_manager",
        settings=settings,
        registrations=[
            ServiceRegistration(
                am.DESCRIPTOR.services_by_name["ApiManagerService"].full_name,
                lambda s: am_grpc.add_ApiManagerServiceServicer_to_server(servicer, s),
            )
        ],
    )
    return FakeApiManager(handle, servicer, catalogue)


@pytest_asyncio.fixture
async def fake_am() -> AsyncIterator[FakeApiManager]:
    fake = await start_fake_api_manager()
    yield fake
    await fake.handle.stop(0)


@pytest.fixture
def tokens() -> TokenFactory:
    return TokenFactory()


def ops_settings(db_url: str, target: str, **overrides: Any) -> Settings:
    """Settings for an in-process ops server on port 0 (fast retries, a breaker that opens after 2 faults)."""
    values: dict[str, Any] = {
        "port": 0, "database_url": db_url, "auth": auth_settings_for_tests(), "api_manager_target": target,
        "client": ClientSettings(timeout_s=5, retry_attempts=1, breaker_fail_max=2, breaker_reset_timeout_s=60),
        "retry_backoff_s": 0.01, "catalogue_ttl_s": 30,
    }  # fmt: skip
    values.update(overrides)
    return Settings(**values)


@dataclass
class OpsClient:
    """A running ops server and a stub to it."""

    handle: ServerHandle
    stub: ops_pb2_grpc.OpsServiceStub
    channel: grpc.aio.Channel

    @property
    def app(self) -> Any:
        return self.handle.app


StartOps = Callable[..., Awaitable[OpsClient]]


@pytest_asyncio.fixture
async def start_ops(sqlite_url: str) -> AsyncIterator[StartOps]:
    """``await start_ops(target, db_url=..., breakers=..., **settings)``: an ops server (stopped after the test)."""
    started: list[OpsClient] = []

    async def start(
        target: str, *, db_url: str | None = None, breakers: BreakerRegistry | None = None, **overrides: Any
    ) -> OpsClient:
        handle = await create_server(ops_settings(db_url or sqlite_url, target, **overrides), breakers=breakers)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        client = OpsClient(handle, ops_pb2_grpc.OpsServiceStub(channel), channel)
        started.append(client)
        return client

    yield start
    for c in started:
        await c.channel.close()
        await c.handle.stop(0)


@pytest.fixture
def fake_llm() -> Iterator[FakeLlm]:
    llm = FakeLlm(summary="CPU on web-01 peaked at 84% [c2].")
    yield llm
    llm.stop()
