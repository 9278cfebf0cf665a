"""Attack corpora (tests/reliability/corpora/*.yaml) through the real api_manager process.

SQL injection: hostile statements are refused at save (and by dry run), hostile values are only ever
bound; afterwards no row or schema object of the data source changed. SSRF: every spelling of a
forbidden address is refused and the loopback target never receives a request. Secrets: a data source
password, a secret parameter and the bearer token appear in no log line, error or stored record.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import grpc
import pytest
import yaml

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite_common.protoconv import dict_to_struct
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.servers import TokenFactory

CORPORA = Path(__file__).parent / "corpora"
SQL = yaml.safe_load((CORPORA / "sql_injection.yaml").read_text())
SSRF = yaml.safe_load((CORPORA / "ssrf.yaml").read_text())
TOKEN = TokenFactory().mint(tenant="corpus", roles=["admin"], subject="attacker")
MD = (("authorization", f"Bearer {TOKEN}"),)
RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "reliability"


def _fingerprint(db_path: Path) -> str:
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT * FROM items ORDER BY id").fetchall()
    schema = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    db.close()
    return hashlib.sha256(repr((rows, schema)).encode()).hexdigest()


@pytest.fixture(scope="module")
def am(stack, tmp_path_factory):
    db_path = stack.data_source_dir("corpus") / "items.db"
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    db.executemany("INSERT INTO items VALUES (?, ?)", [(i, f"item-{i}") for i in range(1, 21)])
    db.commit()
    db.close()
    channel = grpc.insecure_channel(stack.target("api_manager"))
    stub = api_manager_pb2_grpc.ApiManagerServiceStub(channel)
    stub.CreateDataSource(pb.CreateDataSourceRequest(name="items", url=f"sqlite:///{db_path}"), metadata=MD)
    yield stub, db_path
    channel.close()


def _sql_api(name: str, statement: str, source: str = "items") -> pb.ApiDefinition:
    return pb.ApiDefinition(
        name=name,
        kind=pb.SQL,
        enabled=True,
        sql=pb.SqlSpec(data_source=source, statement=statement),
        param_schema=dict_to_struct(
            {"type": "object", "properties": {"id": {"type": "string"}, "q": {"type": "string"}}}
        ),
    )


def _attack(stub, source: str, tag: str) -> dict[str, int]:
    """Every hostile statement is refused at save, or (if the dialect has no such thing) fails when run."""
    counts = {"refused_at_save": 0, "failed_at_run": 0}
    for i, statement in enumerate(SQL["statements"]):
        api = _sql_api(f"evil_{tag}_{i}", statement, source)
        try:
            stub.CreateApi(pb.CreateApiRequest(api=api), metadata=MD, timeout=10)
        except grpc.RpcError as err:
            assert err.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.PERMISSION_DENIED), statement
            counts["refused_at_save"] += 1
            continue
        with pytest.raises(grpc.RpcError) as info:
            stub.ExecuteApi(
                pb.ExecuteApiRequest(name=f"evil_{tag}_{i}", params=dict_to_struct({"id": "1", "q": "x"})),
                metadata=MD,
                timeout=15,
            )
        assert info.value.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), statement
        counts["failed_at_run"] += 1
    return counts


def test_sql_injection_corpus_changes_nothing(am, pg_url):
    stub, db_path = am
    before = _fingerprint(db_path)
    figures = {"sqlite": _attack(stub, "items", "sqlite")}
    # The same corpus against a PostgreSQL data source, where pg_* and set_config exist.
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO items SELECT g, 'item-' || g FROM generate_series(1, 20) g")
        conn.execute("CREATE SEQUENCE s")
    stub.CreateDataSource(pb.CreateDataSourceRequest(name="pg_items", url=pg_url), metadata=MD)
    figures["postgresql"] = _attack(stub, "pg_items", "pg")
    stub.CreateApi(
        pb.CreateApiRequest(api=_sql_api("lookup", "SELECT id, name FROM items WHERE name = :q")), metadata=MD
    )
    for value in SQL["params"]:
        resp = stub.ExecuteApi(pb.ExecuteApiRequest(name="lookup", params=dict_to_struct({"q": value})), metadata=MD)
        assert resp.status == pb.SUCCEEDED and resp.sql.row_count == 0, value  # bound, never interpreted
    assert _fingerprint(db_path) == before
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*), sum(id) FROM items").fetchone() == (20, 210)
        assert conn.execute("SELECT last_value FROM s").fetchone() == (1,)  # nextval never ran
    for path in ("/tmp/evil.db", "/tmp/pwned", "/tmp/copy.db", "/tmp/items.csv"):
        assert not Path(path).exists()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "corpus_sql.json").write_text(
        json.dumps(
            {"statements": len(SQL["statements"]), "params": len(SQL["params"]), "rows_changed": 0, **figures}, indent=2
        )
        + "\n"
    )


class _Target(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def strict_am(tmp_path_factory):
    """api_manager alone with the operator's default outbound policy (the shared stack allows loopback)."""
    from opsuite_common.testing.processes import stop_stack

    from ..conftest import start_test_stack

    stack = start_test_stack(tmp_path_factory.mktemp("ssrf"), ["api_manager"])
    channel = grpc.insecure_channel(stack.target("api_manager"))
    try:
        yield api_manager_pb2_grpc.ApiManagerServiceStub(channel)
    finally:
        channel.close()
        stop_stack(stack)


def test_ssrf_corpus_is_refused_and_the_target_never_reached(strict_am):
    stub = strict_am
    target = ThreadingHTTPServer(("127.0.0.1", 0), _Target)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    port = target.server_address[1]
    outcomes = {}
    try:
        for i, template in enumerate(SSRF["urls"]):
            url = template.format(port=port)
            api = pb.ApiDefinition(
                name=f"fetch_{i}", kind=pb.HTTP, enabled=True, http=pb.HttpSpec(method="GET", url=url)
            )
            try:
                stub.CreateApi(pb.CreateApiRequest(api=api), metadata=MD, timeout=10)
            except grpc.RpcError as err:
                outcomes[url] = f"refused at save: {from_grpc_error(err).reason}"
                continue
            with pytest.raises(grpc.RpcError) as info:
                stub.ExecuteApi(pb.ExecuteApiRequest(name=f"fetch_{i}"), metadata=MD, timeout=10)
            err = from_grpc_error(info.value)
            assert err.code.name in ("PERMISSION_DENIED", "INVALID_ARGUMENT", "UNAVAILABLE"), (url, err)
            outcomes[url] = f"refused at execute: {err.reason}"
        # Ambiguous spellings are refused at save, before any lookup or connection.
        for i, template in enumerate(SSRF["ambiguous"]):
            url = template.format(port=port)
            api = pb.ApiDefinition(name=f"odd_{i}", kind=pb.HTTP, enabled=True, http=pb.HttpSpec(method="GET", url=url))
            with pytest.raises(grpc.RpcError) as info:
                stub.CreateApi(pb.CreateApiRequest(api=api), metadata=MD, timeout=10)
            err = from_grpc_error(info.value)
            assert err.code.name in ("INVALID_ARGUMENT", "PERMISSION_DENIED"), (url, err)
            assert [v.field for v in err.field_violations] == ["api.http.url"], (url, err)
            outcomes[url] = f"refused at save: {err.reason}"
    finally:
        target.shutdown()
    assert _Target.hits == 0, outcomes
    assert all(o.startswith("refused") for o in outcomes.values())
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "corpus_ssrf.json").write_text(
        json.dumps({"urls": len(outcomes), "reached": 0, "outcomes": outcomes}, indent=2) + "\n"
    )


def test_secrets_appear_in_no_log_error_or_record(stack, am):
    stub, _ = am
    password, secret_value = "SuperSecretPw123", "TopSecretValue42"
    stub.CreateDataSource(
        pb.CreateDataSourceRequest(name="vault", url=f"postgresql://app:{password}@127.0.0.1:1/vault"), metadata=MD
    )
    api = pb.ApiDefinition(
        name="needs_secret",
        kind=pb.SQL,
        enabled=True,
        sql=pb.SqlSpec(data_source="vault", statement="SELECT :api_key AS k"),
        param_schema=dict_to_struct(
            {"type": "object", "properties": {"api_key": {"type": "string", "x-secret": True}}, "required": ["api_key"]}
        ),
    )
    stub.CreateApi(pb.CreateApiRequest(api=api), metadata=MD)
    with pytest.raises(grpc.RpcError) as info:  # the data source is unreachable: an error path
        stub.ExecuteApi(
            pb.ExecuteApiRequest(name="needs_secret", params=dict_to_struct({"api_key": secret_value})), metadata=MD
        )
    wire = info.value.details() + repr(info.value.trailing_metadata())
    shown = stub.GetDataSource(pb.GetDataSourceRequest(name="vault"), metadata=MD)
    executions = stub.ListExecutions(pb.ListExecutionsRequest(), metadata=MD)
    records = str(shown) + str(executions)
    logs = "".join(p.read_text() for p in stack.run_dir.glob("*.log"))
    for secret in (password, secret_value, TOKEN, TOKEN.split(".")[1]):
        assert secret not in wire and secret not in records and secret not in logs


TENANTS = yaml.safe_load((CORPORA / "tenants.yaml").read_text())


def test_tenant_claims_off_the_pattern_are_refused_by_every_service(stack):
    import jwt

    from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
    from opsuite.ops.v1 import ops_pb2, ops_pb2_grpc
    from opsuite_common.testing.servers import TEST_SECRET

    calls = {
        "api_manager": lambda ch, md: api_manager_pb2_grpc.ApiManagerServiceStub(ch).ListApis(
            pb.ListApisRequest(), metadata=md, timeout=10
        ),
        "cep": lambda ch, md: cep_pb2_grpc.CepServiceStub(ch).ListRules(
            cep_pb2.ListRulesRequest(), metadata=md, timeout=10
        ),
        "ops": lambda ch, md: ops_pb2_grpc.OpsServiceStub(ch).ListRuns(
            ops_pb2.ListRunsRequest(), metadata=md, timeout=10
        ),
    }
    refused = 0
    for service, call in calls.items():
        with grpc.insecure_channel(stack.target(service)) as channel:
            for tenant in TENANTS["tenants"]:
                claims = {"sub": "probe", "tenant": tenant, "roles": ["admin"], "exp": 9999999999}
                md = (("authorization", f"Bearer {jwt.encode(claims, TEST_SECRET, 'HS256')}"),)
                with pytest.raises(grpc.RpcError) as info:
                    call(channel, md)
                err = from_grpc_error(info.value)
                assert (err.code.name, err.reason) == ("UNAUTHENTICATED", "INVALID_TENANT"), (service, tenant, err)
                refused += 1
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "corpus_tenants.json").write_text(
        json.dumps({"tenants": len(TENANTS["tenants"]), "services": len(calls), "refused": refused}, indent=2) + "\n"
    )


DATA_SOURCES = yaml.safe_load((CORPORA / "data_sources.yaml").read_text())


def test_data_source_corpus_is_refused_and_nothing_is_stored(tmp_path_factory):
    """A tenant admin registers every hostile data source URL: each is refused, none is stored."""
    import os

    from opsuite_common.testing.processes import start_stack, stop_stack
    from opsuite_common.testing.servers import TEST_SECRET

    from ..service_table import SERVICES

    # This run's operator allows no network database at all, so every network URL must be refused.
    tmp = tmp_path_factory.mktemp("ds_corpus")
    no_network = {"OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW": "[]"}
    stack = start_stack(SERVICES, tmp, TEST_SECRET, ["api_manager"], extra_env=no_network)
    try:
        root = stack.data_source_dir("corpus")
        outside = tmp / "outside.db"
        sqlite3.connect(outside).execute("CREATE TABLE t (x)").connection.close()
        os.symlink(outside, root / "link.db")
        values = {
            "own_db": str(stack.run_dir / "api_manager.db"),
            "root": str(root),
            "outside": str(outside),
            "outside_name": outside.name,
            "link": str(root / "link.db"),
            "pg_port": "5432",
        }
        outcomes: dict[str, str] = {}
        with grpc.insecure_channel(stack.target("api_manager")) as channel:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(channel)
            for i, template in enumerate(
                DATA_SOURCES["sqlite"] + DATA_SOURCES["double_decoded"] + DATA_SOURCES["network"]
            ):
                url = template.format(**values)
                with pytest.raises(grpc.RpcError) as info:
                    stub.CreateDataSource(pb.CreateDataSourceRequest(name=f"ds_{i}", url=url), metadata=MD, timeout=10)
                err = from_grpc_error(info.value)
                assert (err.code.name, err.reason) in (
                    ("PERMISSION_DENIED", "DATA_SOURCE_NOT_ALLOWED"),
                    ("INVALID_ARGUMENT", "VALIDATION_FAILED"),
                ), (url, err)
                assert err.field_violations, (url, err)  # the offending field is named
                outcomes[template] = f"{err.code.name}/{err.reason}"
            listed = stub.ListDataSources(pb.ListDataSourcesRequest(), metadata=MD, timeout=10)
            assert list(listed.data_sources) == []  # nothing half-written
            # The same roots still admit a file that is really inside them.
            inside = root / "fine.db"
            sqlite3.connect(inside).execute("CREATE TABLE t (x)").connection.close()
            stub.CreateDataSource(pb.CreateDataSourceRequest(name="fine", url=f"sqlite:///{inside}"), metadata=MD)
    finally:
        stop_stack(stack)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "corpus_data_sources.json").write_text(
        json.dumps({"urls": len(outcomes), "stored": 0, "outcomes": outcomes}, indent=2) + "\n"
    )
