"""Two replicas of api_manager and two of ops, real processes on one database, behind gRPC's round_robin.

Each test runs twice: on one PostgreSQL database (a fresh one) and on SQLite files (one per service, each
shared by its two replicas: one writer at a time, WAL readers). The client side is a channel with the
``round_robin`` policy over both addresses (``ipv4:127.0.0.1:p1,127.0.0.1:p2``), as a balancer-less
deployment would have; ops reaches api_manager the same way. Some steps go to one replica on purpose, to
show what the other one sees:

- an API written through one replica runs through the other as written, right after its create, update,
  rollback and delete (the caches of API definitions and data sources follow other replicas' writes:
  ``opsuite_api_manager.adapters.freshness``);
- concurrent UpdateApi calls with if-match etags through both replicas: one winner per etag, and the
  versions stay dense (1..n), each with its own etag and its winner's definition;
- concurrent creates through both replicas succeed or fail with a status the caller can act on
  (ALREADY_EXISTS for a taken name; UNAVAILABLE, retryable, if the SQLite write lock outlasted the busy
  timeout), and the SQLite files pass ``PRAGMA integrity_check``;
- an ops run asked through either replica is read through the other.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pytest

from demo.estate import build as build_estate
from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc as am_grpc
from opsuite.common.v1.common_pb2 import PageRequest
from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.db import fresh_pg_database
from opsuite_common.testing.servers import TokenFactory

from .replica_stack import ReplicaStack, balanced_options, start_replicas

pytestmark = pytest.mark.xdist_group("replicas")

TOKENS = TokenFactory()
#: Outcomes a caller can act on when two replicas write at once (never INTERNAL, never a fork).
RETRYABLE = {grpc.StatusCode.UNAVAILABLE}


@pytest.fixture(scope="module", params=["postgresql", "sqlite"], ids=["postgresql", "sqlite"])
def replicas(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicaStack]:
    """api_manager-a/-b and ops-a/-b on one database (PostgreSQL, or a SQLite file per service)."""
    run_dir = tmp_path_factory.mktemp(f"replicas-{request.param}")
    if request.param == "postgresql":
        request.applymarker(pytest.mark.postgres)
        database: contextlib.AbstractContextManager[Any] = fresh_pg_database()
    else:
        database = contextlib.nullcontext({s: f"sqlite:///{run_dir / (s + '.db')}" for s in ("api_manager", "ops")})
    with database as url:
        stack = start_replicas(run_dir, url)
        try:
            yield stack
        finally:
            stack.stop()
    if request.param == "sqlite":
        for service in ("api_manager", "ops"):
            with contextlib.closing(sqlite3.connect(run_dir / f"{service}.db")) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@contextlib.contextmanager
def _stubs(stack: ReplicaStack, service: str, stub: Callable[[grpc.Channel], Any]) -> Iterator[dict[str, Any]]:
    """A stub per replica (``a``, ``b``) and one over both with round_robin (``rr``)."""
    names = stack.names(service)
    channels = {n[-1]: grpc.insecure_channel(stack.target(n)) for n in names}
    channels["rr"] = grpc.insecure_channel(stack.balanced(service), options=balanced_options())
    try:
        yield {k: stub(ch) for k, ch in channels.items()}
    finally:
        for ch in channels.values():
            ch.close()


def _md(tenant: str) -> tuple[tuple[str, str], ...]:
    return TOKENS.metadata(tenant, ["admin"])


def _sql_api(name: str, word: str, *, description: str = "", tool: bool = False) -> am.ApiDefinition:
    return am.ApiDefinition(
        name=name,
        description=description,
        kind=am.SQL,
        sql=am.SqlSpec(data_source="estate", statement=f"SELECT '{word}' AS word, count(*) AS n FROM hosts"),
        enabled=True,
        expose_as_tool=tool,
    )


def _estate(stack: ReplicaStack, tenant: str, api: Any) -> None:
    """The demo estate as ``tenant``'s data source ``estate`` (created through replica a)."""
    path = build_estate(stack.run_dir / "data_sources" / tenant / "estate.db")
    api.CreateDataSource(am.CreateDataSourceRequest(name="estate", url=f"sqlite:///{path}"), metadata=_md(tenant))


def _run(api: Any, tenant: str, name: str) -> tuple[int, str]:
    """(version, word) of one execution of ``name``."""
    reply = api.ExecuteApi(am.ExecuteApiRequest(name=name), metadata=_md(tenant))
    assert reply.status == am.SUCCEEDED
    return reply.api_version, reply.sql.rows[0].values[0].string_value


def _code(fn: Callable[[], Any]) -> tuple[grpc.StatusCode, str]:
    try:
        fn()
    except grpc.RpcError as exc:
        return exc.code(), from_grpc_error(exc).reason
    return grpc.StatusCode.OK, ""


def test_an_api_written_through_one_replica_runs_through_the_other_as_written(replicas: ReplicaStack) -> None:
    tenant = "written"
    md = _md(tenant)
    before = {n: replicas.started(n, "ExecuteApi") for n in replicas.names("api_manager")}
    with _stubs(replicas, "api_manager", am_grpc.ApiManagerServiceStub) as api:
        _estate(replicas, tenant, api["a"])
        created = api["a"].CreateApi(am.CreateApiRequest(api=_sql_api("q", "one")), metadata=md)
        assert _run(api["b"], tenant, "q") == (1, "one")  # b caches version 1
        assert _run(api["a"], tenant, "q") == (1, "one")  # and so does a

        updated = api["a"].UpdateApi(
            am.UpdateApiRequest(id=created.meta.id, api=_sql_api("q", "two"), etag=created.meta.etag), metadata=md
        )
        assert updated.version == 2
        assert _run(api["b"], tenant, "q") == (2, "two")

        rolled = api["b"].RollbackApi(
            am.RollbackApiRequest(api_id=created.meta.id, version=1, etag=updated.meta.etag), metadata=md
        )
        assert rolled.version == 3
        assert _run(api["a"], tenant, "q") == (3, "one")
        # By id as well as by name, and through the balanced channel: every call sees version 3.
        by_id = api["b"].ExecuteApi(am.ExecuteApiRequest(id=created.meta.id), metadata=md)
        assert by_id.api_version == 3
        assert {_run(api["rr"], tenant, "q") for _ in range(8)} == {(3, "one")}

        api["a"].DeleteApi(am.DeleteApiRequest(id=created.meta.id, etag=rolled.meta.etag), metadata=md)
        assert _code(lambda: _run(api["b"], tenant, "q")) == (grpc.StatusCode.NOT_FOUND, "NOT_FOUND")
        # A new API under the freed name: the other replica runs the new one, not the deleted one.
        fresh = api["b"].CreateApi(am.CreateApiRequest(api=_sql_api("q", "new")), metadata=md)
        assert _run(api["a"], tenant, "q") == (1, "new")
        assert api["a"].ExecuteApi(am.ExecuteApiRequest(name="q"), metadata=md).api_id == fresh.meta.id

        # A data source deleted through one replica is gone for the other at once.
        api["b"].DeleteDataSource(am.DeleteDataSourceRequest(name="estate"), metadata=md)
        missing = _code(lambda: api["a"].ExecuteApi(am.ExecuteApiRequest(name="q"), metadata=md))
        assert missing == (grpc.StatusCode.FAILED_PRECONDITION, "DATA_SOURCE_MISSING")
    after = {n: replicas.started(n, "ExecuteApi") for n in replicas.names("api_manager")}
    # round_robin: the balanced channel's eight calls went to both replicas.
    assert all(after[n] - before[n] >= 4 for n in after), (before, after)


def _updater(api: dict[str, Any], tenant: str, api_id: str) -> Callable[[str, str, str], tuple[str, Any]]:
    def update(replica: str, etag: str, description: str) -> tuple[str, Any]:
        request = am.UpdateApiRequest(id=api_id, api=_sql_api("counted", "x", description=description), etag=etag)
        try:
            return "ok", api[replica].UpdateApi(request, metadata=_md(tenant))
        except grpc.RpcError as exc:
            return exc.code().name, from_grpc_error(exc).reason

    return update


def test_concurrent_updates_through_both_replicas_never_fork_versions_or_etags(replicas: ReplicaStack) -> None:
    tenant = "contended"
    md = _md(tenant)
    with _stubs(replicas, "api_manager", am_grpc.ApiManagerServiceStub) as api:
        _estate(replicas, tenant, api["a"])
        created = api["a"].CreateApi(am.CreateApiRequest(api=_sql_api("counted", "x", description="v1")), metadata=md)
        update = _updater(api, tenant, created.meta.id)
        winners: dict[int, tuple[str, str]] = {1: (created.meta.etag, "v1")}  # version -> (etag, description)
        lock = threading.Lock()

        def won(reply: Any, description: str) -> None:
            with lock:
                assert reply.version not in winners, f"version {reply.version} was given out twice"
                winners[reply.version] = (reply.meta.etag, description)

        # 1. Eight updates at once with the same etag, four through each replica: exactly one wins.
        with ThreadPoolExecutor(8) as pool:
            for round_ in range(6):
                current = api["a"].GetApi(am.GetApiRequest(id=created.meta.id), metadata=md)
                jobs = [pool.submit(update, "ab"[i % 2], current.meta.etag, f"race-{round_}-{i}") for i in range(8)]
                outcomes = [(job.result(), f"race-{round_}-{i}") for i, job in enumerate(jobs)]
                oks = [(reply, d) for (status, reply), d in outcomes if status == "ok"]
                others = {(status, reply) for (status, reply), _ in outcomes if status != "ok"}
                assert len(oks) == 1, outcomes
                assert others <= {("ABORTED", "ETAG_MISMATCH"), ("UNAVAILABLE", "DATABASE_UNAVAILABLE")}, others
                won(*oks[0])

        # 2. Eight writers each making four updates read-modify-write (re-read on a stale etag), alternating
        #    replicas: every update lands, each on a version of its own.
        def writer(w: int) -> int:
            done = retries = 0
            while done < 4:
                replica = "ab"[(w + done + retries) % 2]
                current = api[replica].GetApi(am.GetApiRequest(id=created.meta.id), metadata=md)
                description = f"writer-{w}-{done}"
                status, reply = update(replica, current.meta.etag, description)
                if status == "ok":
                    won(reply, description)
                    done += 1
                else:
                    assert (status, reply) in {("ABORTED", "ETAG_MISMATCH"), ("UNAVAILABLE", "DATABASE_UNAVAILABLE")}
                    retries += 1
            return retries

        with ThreadPoolExecutor(8) as pool:
            retried = sum(pool.map(writer, range(8)))
        assert retried > 0  # they did contend

        final = api["b"].GetApi(am.GetApiRequest(id=created.meta.id), metadata=md)
        versions: list[Any] = []
        token = ""
        while True:
            page = api["a"].ListApiVersions(
                am.ListApiVersionsRequest(api_id=created.meta.id, page=PageRequest(page_size=20, page_token=token)),
                metadata=md,
            )
            versions.extend(page.versions)
            token = page.page.next_page_token
            if not token:
                break
    assert final.version == 1 + 6 + 8 * 4 == max(winners)
    assert [v.version for v in versions] == list(range(1, final.version + 1)) == sorted(winners)
    assert {v.version: v.definition.description for v in versions} == {v: d for v, (_, d) in winners.items()}
    assert len({etag for etag, _ in winners.values()}) == len(winners)
    assert final.meta.etag == winners[final.version][0]


def test_concurrent_creates_through_both_replicas_succeed_or_fail_cleanly(replicas: ReplicaStack) -> None:
    tenant = "creators"
    md = _md(tenant)
    with _stubs(replicas, "api_manager", am_grpc.ApiManagerServiceStub) as api:
        _estate(replicas, tenant, api["a"])

        def create(i: int) -> tuple[grpc.StatusCode, str]:
            name = "shared" if i % 4 == 0 else f"own-{i}"  # every fourth call races for one name
            return _code(lambda: api["ab"[i % 2]].CreateApi(am.CreateApiRequest(api=_sql_api(name, "x")), metadata=md))

        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(create, range(48)))
        shared = [outcomes[i] for i in range(0, 48, 4)]
        own = [outcomes[i] for i in range(48) if i % 4]
        assert [c for c, _ in shared].count(grpc.StatusCode.OK) == 1, shared
        assert {c for c, _ in shared} <= {grpc.StatusCode.OK, grpc.StatusCode.ALREADY_EXISTS, *RETRYABLE}, shared
        assert {c for c, _ in own} <= {grpc.StatusCode.OK, *RETRYABLE}, own
        # What failed retryably succeeds when retried; then every API is there exactly once.
        for i in range(48):
            if i % 4 and outcomes[i][0] in RETRYABLE:
                assert create(i)[0] == grpc.StatusCode.OK
        listed = api["b"].ListApis(am.ListApisRequest(page=PageRequest(page_size=100)), metadata=md).apis
    assert sorted(a.definition.name for a in listed) == sorted(["shared", *(f"own-{i}" for i in range(48) if i % 4)])


def test_an_ops_run_asked_through_either_replica_is_read_through_the_other(replicas: ReplicaStack) -> None:
    tenant = "asking"
    md = _md(tenant)
    host_lookup = am.ApiDefinition(
        name="host_lookup",
        description="Look up a host, its role, region, status and the service it runs",
        tags=["config"],
        kind=am.SQL,
        sql=am.SqlSpec(
            data_source="estate", statement="SELECT host, service, role, status FROM hosts WHERE host = :host"
        ),
        enabled=True,
        expose_as_tool=True,
    )
    host_lookup.param_schema.update(
        {"type": "object", "properties": {"host": {"type": "string", "description": "host name"}}, "required": ["host"]}
    )
    before = {n: replicas.started(n, "Ask") for n in replicas.names("ops")}
    with (
        _stubs(replicas, "api_manager", am_grpc.ApiManagerServiceStub) as api,
        _stubs(replicas, "ops", ops_pb2_grpc.OpsServiceStub) as ops,
    ):
        _estate(replicas, tenant, api["a"])
        api["b"].CreateApi(am.CreateApiRequest(api=host_lookup), metadata=md)
        question = ops_pb2.AskRequest(question="What is the status of host web-02?", mode=ops_pb2.MODE_CONFIG)
        for asked, reader in (("a", "b"), ("b", "a"), *(("rr", "ab"[i % 2]) for i in range(4))):
            reply = ops[asked].Ask(question, metadata=md)
            assert "degraded" in reply.answer, reply.answer
            run = ops[reader].GetRun(ops_pb2.GetRunRequest(run_id=reply.run_id), metadata=md)
            assert (run.run_id, run.answer, run.tenant) == (reply.run_id, reply.answer, tenant)
            assert run.status == ops_pb2.RUN_SUCCEEDED
            # Its tool calls ran on api_manager (through either replica): their records read through both.
            ids = {r.execution_id for r in reply.references if r.execution_id}
            assert ids
            for execution_id in ids:
                for replica in ("a", "b"):
                    record = api[replica].GetExecution(am.GetExecutionRequest(id=execution_id), metadata=md)
                    assert record.api_name == "host_lookup" and record.status == am.SUCCEEDED
    after = {n: replicas.started(n, "Ask") for n in replicas.names("ops")}
    assert all(after[n] - before[n] >= 2 for n in after), (before, after)
