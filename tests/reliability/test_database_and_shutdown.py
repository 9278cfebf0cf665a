"""The database goes away and comes back; SIGTERM arrives under load. Real processes, counted records.

* api_manager's metadata store is PostgreSQL behind a TCP proxy that the test cuts: the affected RPCs
  get UNAVAILABLE with a reason, nothing is half-written, and the service recovers by itself when
  the proxy is restored (pool pre-ping), without a restart.
* SIGTERM while ExecuteApi calls are in flight: every call completes or gets a clean UNAVAILABLE,
  every acknowledged execution is in the execution log afterwards, and the process exits within
  its grace period.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time
from pathlib import Path

import grpc
import psycopg
from sqlalchemy.engine import make_url

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite_common import errors
from opsuite_common.client import ClientSettings, ServiceClient
from opsuite_common.protoconv import dict_to_struct
from opsuite_common.resilience import BreakerRegistry
from opsuite_common.testing.processes import stop_stack
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack
from .tcpproxy import TcpProxy

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "reliability"
MD = TokenFactory().metadata(tenant="faults", roles=["admin"])


def _items_db(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    db.executemany("INSERT INTO items VALUES (?, ?)", [(i, f"item-{i}") for i in range(1, 101)])
    db.commit()
    db.close()
    return path


def _api(name: str) -> pb.ApiDefinition:
    return pb.ApiDefinition(
        name=name,
        kind=pb.SQL,
        enabled=True,
        sql=pb.SqlSpec(data_source="items", statement="SELECT id, name FROM items WHERE id = :id"),
        param_schema=dict_to_struct({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}),
    )


def _reason(err: grpc.aio.AioRpcError) -> str:
    from opsuite_common.rpc_status import from_grpc_error

    return from_grpc_error(err).reason


async def test_metadata_database_goes_away_and_comes_back(tmp_path, pg_url):
    url = make_url(pg_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    stack = await asyncio.to_thread(
        start_test_stack, tmp_path, ["api_manager"], {"OPSUITE_API_MANAGER_DATABASE_URL": proxied}
    )
    figures: dict[str, object] = {}
    try:
        async with grpc.aio.insecure_channel(stack.target("api_manager")) as ch:
            am = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
            src = _items_db(stack.data_source_dir("faults") / "items.db")
            await am.CreateDataSource(pb.CreateDataSourceRequest(name="items", url=f"sqlite:///{src}"), metadata=MD)
            await am.CreateApi(pb.CreateApiRequest(api=_api("before")), metadata=MD)

            await proxy.cut()
            outage_codes = {}
            for label, call in {
                "CreateApi": lambda: am.CreateApi(pb.CreateApiRequest(api=_api("during")), metadata=MD, timeout=15),
                "ListApis": lambda: am.ListApis(pb.ListApisRequest(), metadata=MD, timeout=15),
                "ExecuteApi": lambda: am.ExecuteApi(
                    pb.ExecuteApiRequest(name="before", params=dict_to_struct({"id": 1})), metadata=MD, timeout=15
                ),
            }.items():
                try:
                    await call()
                    outage_codes[label] = "OK"
                except grpc.aio.AioRpcError as err:
                    outage_codes[label] = f"{err.code().name}/{_reason(err)}"
            figures["during_outage"] = outage_codes
            # CreateApi and ListApis need the store; ExecuteApi may run from cache but cannot log.
            assert outage_codes["CreateApi"].startswith("UNAVAILABLE/")
            assert outage_codes["ListApis"].startswith("UNAVAILABLE/")
            assert outage_codes["ExecuteApi"].startswith("UNAVAILABLE/")

            await proxy.start()  # the database is back; no restart of the service
            recovered_at = time.monotonic()
            while True:
                try:
                    await am.CreateApi(pb.CreateApiRequest(api=_api("after")), metadata=MD, timeout=5)
                    break
                except grpc.aio.AioRpcError as err:
                    assert err.code() == grpc.StatusCode.UNAVAILABLE, err.details()
                    assert time.monotonic() - recovered_at < 30, "did not recover"
                    await asyncio.sleep(0.2)
            figures["seconds_to_recover"] = round(time.monotonic() - recovered_at, 3)
            names = {a.definition.name for a in (await am.ListApis(pb.ListApisRequest(), metadata=MD)).apis}
            assert names == {"before", "after"}  # "during" was not half-written
            resp = await am.ExecuteApi(
                pb.ExecuteApiRequest(name="after", params=dict_to_struct({"id": 2})), metadata=MD
            )
            assert resp.status == pb.SUCCEEDED
    finally:
        stop_stack(stack)
        await proxy.cut()
    with psycopg.connect(make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        versions = conn.execute("SELECT count(*) FROM am_api_versions").fetchone()[0]
    assert versions == 2  # one per API that was created, none for the refused one
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "database_outage.json").write_text(json.dumps(figures, indent=2) + "\n")


async def test_sigterm_under_load_loses_no_acknowledged_execution(tmp_path):
    # A shutdown test, not a fairness one: the load may exceed the default per-tenant rate limit.
    env = {"OPSUITE_API_MANAGER_GRACE_S": "5", "OPSUITE_API_MANAGER_RATE_LIMIT_PER_S": "0"}
    stack = await asyncio.to_thread(start_test_stack, tmp_path, ["api_manager"], env)
    proc = stack.procs["api_manager"]
    acknowledged: list[str] = []
    unavailable = 0
    other: list[str] = []
    # Through the client services use to call each other: typed errors, no retries for ExecuteApi.
    client = ServiceClient(
        stack.target("api_manager"),
        api_manager_pb2_grpc.ApiManagerServiceStub,
        pb.DESCRIPTOR.services_by_name["ApiManagerService"],
        settings=ClientSettings(breaker_fail_max=10_000),
        token=TokenFactory().mint(tenant="faults", roles=["admin"]),
        breakers=BreakerRegistry(fail_max=10_000),
    )
    am = client.rpc
    try:
        src = _items_db(stack.data_source_dir("faults") / "items.db")
        await am.CreateDataSource(pb.CreateDataSourceRequest(name="items", url=f"sqlite:///{src}"))
        await am.CreateApi(pb.CreateApiRequest(api=_api("load")))
        stop_at = time.monotonic() + 3.0

        async def worker(n: int) -> None:
            nonlocal unavailable
            i = 0
            while time.monotonic() < stop_at:
                i += 1
                req = pb.ExecuteApiRequest(name="load", params=dict_to_struct({"id": (n * 7 + i) % 100 + 1}))
                try:
                    resp = await am.ExecuteApi(req, timeout=10)
                    acknowledged.append(resp.execution_id)
                except errors.ServiceUnavailableError:
                    unavailable += 1
                    await asyncio.sleep(0.05)
                except errors.OpsuiteError as err:
                    other.append(f"{err.code.name}/{err.reason}: {err.message}")
                    await asyncio.sleep(0.05)

        async def terminate() -> float:
            await asyncio.sleep(1.0)
            proc.send_signal(signal.SIGTERM)
            started = time.monotonic()
            await asyncio.to_thread(proc.wait, 30)
            return time.monotonic() - started

        results = await asyncio.gather(*(worker(n) for n in range(16)), terminate())
        exit_s = results[-1]
    finally:
        await client.close()
        stop_stack(stack)
    assert other == [], other[:3]
    assert proc.returncode == 0
    assert exit_s < 5 + 3, f"exit took {exit_s:.1f}s"
    db = sqlite3.connect(tmp_path / "api_manager.db")
    logged = {row[0] for row in db.execute("SELECT id FROM am_executions")}
    db.close()
    lost = [e for e in acknowledged if e not in logged]
    assert acknowledged and lost == []
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sigterm_under_load.json").write_text(
        json.dumps(
            {
                "acknowledged": len(acknowledged),
                "logged": len(logged),
                "lost": len(lost),
                "unavailable_after_sigterm": unavailable,
                "exit_seconds": round(exit_s, 3),
            },
            indent=2,
        )
        + "\n"
    )
