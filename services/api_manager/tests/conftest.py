"""Service-level fixtures: an in-process api_manager on port 0 over a real channel, seeded data sources,
and a loopback HTTP server."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
import psycopg
import pytest
import pytest_asyncio
from cryptography.fernet import Fernet
from google.protobuf import json_format
from psycopg import sql as psql
from sqlalchemy import make_url

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite_api_manager.config import Settings
from opsuite_api_manager.server import create_server
from opsuite_common.errors import OpsuiteError
from opsuite_common.netguard import Resolver
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.server import ServerHandle
from opsuite_common.testing.db import ADMIN_DSN_ENV, DEFAULT_ADMIN_DSN
from opsuite_common.testing.servers import TokenFactory, auth_settings_for_tests

ROWS = 30


@dataclass
class Client:
    """A stub plus per-tenant/role metadata: ``c.as_("editor")`` etc."""

    stub: api_manager_pb2_grpc.ApiManagerServiceStub
    tokens: TokenFactory
    handle: ServerHandle
    tenant: str = "tenant-a"

    def md(self, role: str = "admin", tenant: str | None = None) -> tuple[tuple[str, str], ...]:
        """Metadata for a call as ``role`` in ``tenant`` (default: this client's tenant)."""
        return self.tokens.metadata(tenant=tenant or self.tenant, roles=[role], subject=f"{role}-user")

    # Helpers as static methods: with --import-mode=importlib, test modules cannot import conftest.
    schema = staticmethod(lambda *a, **k: schema(*a, **k))
    api_def = staticmethod(lambda *a, **k: api_def(*a, **k))
    struct = staticmethod(lambda d: struct(d))
    rows = staticmethod(lambda r: rows_of(r))
    json = staticmethod(lambda r: json_of(r))

    @staticmethod
    async def error(call: Any) -> OpsuiteError:
        """Await ``call`` expecting an RPC error; return it as the typed error (details included)."""
        try:
            await call
        except grpc.RpcError as exc:
            return from_grpc_error(exc)
        raise AssertionError("the call succeeded but an error was expected")

    async def data_source(self, name: str, url: str, tenant: str | None = None) -> pb.DataSource:
        """Create a data source as admin."""
        return await self.stub.CreateDataSource(
            pb.CreateDataSourceRequest(name=name, url=url), metadata=self.md(tenant=tenant)
        )

    async def create(self, d: pb.ApiDefinition, tenant: str | None = None) -> pb.Api:
        """Create an API as editor."""
        return await self.stub.CreateApi(pb.CreateApiRequest(api=d), metadata=self.md("editor", tenant))

    async def execute(
        self, name: str, params: dict[str, Any] | None = None, tenant: str | None = None, **kw: Any
    ) -> pb.ExecuteApiResponse:
        """Execute by name as viewer."""
        req = pb.ExecuteApiRequest(name=name, params=struct(params or {}))
        return await self.stub.ExecuteApi(req, metadata=self.md("viewer", tenant), **kw)


def seed_sqlite(path: Path) -> str:
    """A SQLite data source file with ``items`` (ROWS rows); returns its URL."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC)")
    conn.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item-{i}", i * 1.5) for i in range(1, ROWS + 1)])
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def seed_postgres(url: str) -> str:
    """Create ``items`` in a PostgreSQL database; returns the URL."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2))")
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO items VALUES (%s, %s, %s)", [(i, f"item-{i}", i * 1.5) for i in range(1, ROWS + 1)]
            )
    return url


@pytest.fixture
def sqlite_source(tmp_path: Path) -> str:
    """URL of a seeded SQLite data source file."""
    return seed_sqlite(tmp_path / "reports.db")


async def _start(db_url: str, root: Path, resolver: Resolver | None = None, **overrides: Any) -> ServerHandle:
    # The test's tmp_path is every tenant's SQLite root; network data sources may reach loopback, any port.
    # Servers a test starts side by side on one store are replicas: each has its own instance id.
    options: dict[str, Any] = {
        "instance_id": f"test-{uuid.uuid4().hex[:12]}",
        "script_concurrency": 8,
        "default_timeout_s": 5.0,
        "sqlite_roots": [str(root)],
        "data_source_allow": ["127.0.0.1:*"],
        "secret_key": Fernet.generate_key().decode(),
        **overrides,
    }
    settings = Settings(port=0, database_url=db_url, auth=auth_settings_for_tests(), **options)
    return await create_server(settings, resolver=resolver)


@pytest_asyncio.fixture
async def client(db_url: str, tmp_path: Path) -> AsyncIterator[Client]:
    """A running server on ``db_url`` (SQLite and PostgreSQL) and a client for it."""
    handle = await _start(db_url, tmp_path)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as ch:
            yield Client(api_manager_pb2_grpc.ApiManagerServiceStub(ch), TokenFactory(), handle)
    finally:
        await handle.stop(0)


@pytest_asyncio.fixture
async def lite(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Client]:
    """A running server on SQLite only (engine tests that do not exercise storage differences)."""
    handle = await _start(sqlite_url, tmp_path)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}") as ch:
            yield Client(api_manager_pb2_grpc.ApiManagerServiceStub(ch), TokenFactory(), handle)
    finally:
        await handle.stop(0)


@pytest_asyncio.fixture
async def start_lite(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Client]]]:
    """Start a server on SQLite with settings overrides (``script_concurrency=1``...); stopped at the end.

    ``db_url=`` picks another metadata store, ``resolver=`` the DNS of data source and HTTP hosts."""
    started: list[tuple[ServerHandle, grpc.aio.Channel]] = []

    async def start(db_url: str = sqlite_url, resolver: Resolver | None = None, **overrides: Any) -> Client:
        handle = await _start(db_url, tmp_path, resolver, **overrides)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        started.append((handle, channel))
        return Client(api_manager_pb2_grpc.ApiManagerServiceStub(channel), TokenFactory(), handle)

    yield start
    for handle, channel in started:
        await channel.close()
        await handle.stop(0)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "ok": True}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def loopback_http() -> Iterator[str]:
    """A loopback HTTP server answering JSON; yields ``http://127.0.0.1:<port>``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def schema(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """A parameter schema."""
    return {"type": "object", "properties": props, "required": required or [], "additionalProperties": False, **extra}


def api_def(name: str, **kw: Any) -> pb.ApiDefinition:
    """An ApiDefinition from keyword fields (param_schema / workflow definition as dicts)."""
    schema_ = kw.pop("param_schema", None)
    workflow = kw.pop("workflow", None)
    d = pb.ApiDefinition(name=name, enabled=kw.pop("enabled", True), **kw)
    if schema_ is not None:
        json_format.ParseDict(schema_, d.param_schema)
    if workflow is not None:
        json_format.ParseDict(workflow, d.workflow.definition)
    return d


def struct(data: dict[str, Any]) -> Any:
    """A Struct from a dict."""
    from google.protobuf import struct_pb2

    s = struct_pb2.Struct()
    s.update(data)
    return s


def rows_of(resp: pb.ExecuteApiResponse) -> list[list[Any]]:
    """The SQL rows as Python lists."""
    return [list(json_format.MessageToDict(r)) for r in resp.sql.rows]


def json_of(resp: pb.ExecuteApiResponse) -> Any:
    """The JSON result."""
    return json_format.MessageToDict(resp.json)


@pytest.fixture
def pg_source() -> Iterator[str]:
    """URL of a seeded PostgreSQL data source: a fresh database of its own, never the service's store
    (which ``pg_url`` is in the ``[postgresql]`` runs, and which no data source may open)."""
    admin = os.environ.get(ADMIN_DSN_ENV) or DEFAULT_ADMIN_DSN
    dsn = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"opsuite_src_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(name)))
    try:
        yield seed_postgres(make_url(admin).set(database=name).render_as_string(hide_password=False))
    finally:
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psql.Identifier(name)))
