"""One canary secret through every path that handles secrets; it must come back nowhere.

api_manager and cep run as real processes (their log files are read). The canary is sent as a secret
API parameter (SQL success and failure, a validation error, a script that logs it, raises it and times
out, a workflow step, an HTTP API), as a data source password (userinfo and ``?password=``) and as a cep
webhook channel's userinfo password and secret header whose deliveries fail. Then every RPC response
(serialized) and both service logs are searched: zero hits. The test also checks that the canary did
reach the SQL database, the script, the HTTP upstream and the webhook receiver, so the masking it
asserts is not vacuous.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format, struct_pb2, timestamp_pb2
from google.protobuf.message import Message
from sqlalchemy import make_url

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import Stack, free_port, stop_stack
from opsuite_common.testing.servers import TokenFactory

from .conftest import start_test_stack

pytestmark = pytest.mark.postgres

CANARY = "canary-" + uuid.uuid4().hex
TOKENS = TokenFactory()
MD = (("authorization", f"Bearer {TOKENS.mint(tenant='canary', roles=['admin'], subject='ana')}"),)
SECRET = {"type": "string", "x-secret": True}


class _Receiver(BaseHTTPRequestHandler):
    """Loopback upstream: records every request; /hook answers 500, anything else echoes path and headers."""

    seen: list[tuple[str, dict[str, str]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.seen.append((self.path, headers))
        if self.path.startswith("/hook"):
            self.send_response(500)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        body = json.dumps({"path": self.path, "token": headers.get("x-token", "")}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def canary_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {
        "OPSUITE_API_MANAGER_LOG_LEVEL": "DEBUG",
        "OPSUITE_CEP_LOG_LEVEL": "DEBUG",
        "OPSUITE_API_MANAGER_DATA_SOURCE_ALLOW": json.dumps(["127.0.0.1"]),
        "OPSUITE_OUTBOUND_ALLOW": json.dumps(["127.0.0.1"]),
        "OPSUITE_CEP_DISPATCH_POLL_S": "0.2",
        "OPSUITE_CEP_DELIVERY_BACKOFF_INITIAL_S": "0.2",
        "OPSUITE_CEP_DELIVERY_TIMEOUT_S": "2",
    }
    stack = start_test_stack(tmp_path_factory.mktemp("canary"), ["api_manager", "cep"], extra_env=env)
    try:
        yield stack
    finally:
        stop_stack(stack)


class Seen:
    """Every response (and error) the test received, serialized, for the final search."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def keep(self, message: Message) -> Message:
        self.texts.append(message.SerializeToString().decode("utf-8", "replace"))
        self.texts.append(json_format.MessageToJson(message))
        return message

    def execute(self, stub: Any, name: str, params: dict[str, Any]) -> Any:
        """ExecuteApi, kept."""
        return self.keep(stub.ExecuteApi(am.ExecuteApiRequest(name=name, params=_struct(params)), metadata=MD))

    def error(self, call: Any) -> Any:
        try:
            call()
        except grpc.RpcError as exc:
            err = from_grpc_error(exc)
            details = [exc.details() or "", err.message, json.dumps(err.metadata)]
            details += [f"{v.field} {v.description}" for v in err.field_violations]
            details += [str(v) for _, v in (exc.trailing_metadata() or ())]
            self.texts.extend(details)
            return err
        raise AssertionError("the call succeeded but an error was expected")


def _struct(data: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(data)
    return out


def _api(name: str, schema: dict[str, Any], **kw: Any) -> am.ApiDefinition:
    d = am.ApiDefinition(name=name, enabled=True, **kw)
    json_format.ParseDict({"type": "object", "properties": schema}, d.param_schema)
    return d


def _pg_with_items(pg_url: str) -> str:
    import psycopg

    dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("CREATE TABLE items (id int PRIMARY KEY, name text)")
        c.execute("INSERT INTO items VALUES (1, 'one')")
    return dsn


def test_a_canary_secret_never_leaves_its_box(canary_stack: Stack, receiver: str, pg_url: str) -> None:
    dsn = _pg_with_items(pg_url)
    url = make_url(dsn)
    seen = Seen()
    am_channel = grpc.insecure_channel(canary_stack.target("api_manager"))
    cep_channel = grpc.insecure_channel(canary_stack.target("cep"))
    stub = api_manager_pb2_grpc.ApiManagerServiceStub(am_channel)
    cep = cep_pb2_grpc.CepServiceStub(cep_channel)

    # ------------------------------------------------------------ data sources: userinfo and ?password=
    userinfo_url = url.set(password=CANARY).render_as_string(hide_password=False)
    query_url = f"{dsn}?password={CANARY}"
    for name, source_url in (("pg_userinfo", userinfo_url), ("pg_query", query_url)):
        try:
            created = seen.keep(
                stub.CreateDataSource(am.CreateDataSourceRequest(name=name, url=source_url), metadata=MD)
            )
        except grpc.RpcError as exc:
            # The operator's policy may refuse a URL option such as ?password=: the refusal is masked too.
            assert name == "pg_query", exc
            seen.error(lambda exc=exc: (_ for _ in ()).throw(exc))
            continue
        assert "***" in created.url and created.url.startswith("postgresql")
        seen.keep(stub.GetDataSource(am.GetDataSourceRequest(name=name), metadata=MD))
        tested = seen.keep(stub.TestDataSource(am.TestDataSourceRequest(name=name), metadata=MD))
        assert tested.ok, tested.error
    seen.keep(stub.ListDataSources(am.ListDataSourcesRequest(), metadata=MD))
    # A refused URL quoting the password: the error is masked too.
    seen.error(
        lambda: stub.CreateDataSource(
            am.CreateDataSourceRequest(name="bad one!", url=f"nosuch://u:{CANARY}@127.0.0.1/x"), metadata=MD
        )
    )

    # ------------------------------------------------------------ SQL: success, failure, stream
    for name, statement in (
        ("sql_ok", "SELECT :token AS token, length(:token) AS n, left(:token, 7) AS prefix"),
        ("sql_fail", "SELECT CAST(:token AS integer) AS n"),
    ):
        d = _api(name, {"token": SECRET}, kind=am.SQL, sql=am.SqlSpec(data_source="pg_userinfo", statement=statement))
        seen.keep(stub.CreateApi(am.CreateApiRequest(api=d), metadata=MD))
    ok = seen.execute(stub, "sql_ok", {"token": CANARY})
    # The database got the real value (its length and prefix), the caller sees it masked.
    assert json_format.MessageToDict(ok.sql.rows[0]) == ["***", len(CANARY), "canary-"]
    for chunk in stub.ExecuteApiStream(
        am.ExecuteApiRequest(name="sql_ok", params=_struct({"token": CANARY})), metadata=MD
    ):
        seen.keep(chunk)
    seen.error(
        lambda: stub.ExecuteApi(am.ExecuteApiRequest(name="sql_fail", params=_struct({"token": CANARY})), metadata=MD)
    )
    # A violation that quotes the refused value.
    strict = _api(
        "strict",
        {"token": {**SECRET, "not": {"pattern": "^canary-"}}},
        kind=am.SQL,
        sql=am.SqlSpec(data_source="pg_userinfo", statement="SELECT 1 AS one"),
    )
    seen.keep(stub.CreateApi(am.CreateApiRequest(api=strict), metadata=MD))
    seen.error(
        lambda: stub.ExecuteApi(am.ExecuteApiRequest(name="strict", params=_struct({"token": CANARY})), metadata=MD)
    )

    # ------------------------------------------------------------ scripts: log, raise, time out
    source = (
        "def main(params, input, ctx):\n"
        "    token = params['token']\n"
        "    ctx.log('the token is ' + token, token=token)\n"
        "    if params.get('mode') == 'raise':\n"
        "        raise RuntimeError('bad token ' + token)\n"
        "    if params.get('mode') == 'spin':\n"
        "        while True:\n"
        "            pass\n"
        "    return {'token': token, 'prefix': token[:7], 'length': len(token)}\n"
    )
    script = _api(
        "script", {"token": SECRET, "mode": {"type": "string"}}, kind=am.SCRIPT, script=am.ScriptSpec(source=source)
    )
    script.policy.timeout.FromSeconds(2)
    seen.keep(stub.CreateApi(am.CreateApiRequest(api=script), metadata=MD))
    ran = seen.execute(stub, "script", {"token": CANARY})
    out = json_format.MessageToDict(ran.json)
    assert out == {"token": "***", "prefix": "canary-", "length": len(CANARY)}  # it got the real value
    assert [line.message for line in ran.logs] == ["the token is ***"]
    for mode in ("raise", "spin"):
        err = seen.error(
            lambda mode=mode: stub.ExecuteApi(
                am.ExecuteApiRequest(name="script", params=_struct({"token": CANARY, "mode": mode})), metadata=MD
            )
        )
        assert err.reason == {"raise": "SCRIPT_ERROR", "spin": "SCRIPT_TIMEOUT"}[mode]

    # ------------------------------------------------------------ a workflow step receives the secret
    plain = _api("plain_echo", {"token": {"type": "string"}}, kind=am.SCRIPT, script=am.ScriptSpec(source=source))
    seen.keep(stub.CreateApi(am.CreateApiRequest(api=plain), metadata=MD))
    flow = {
        "steps": [{"id": "echo", "api": "plain_echo", "input": {"token": "$params.token"}}],
        "output": {"echo": "$steps.echo.output"},
    }
    wf = _api("flow", {"token": SECRET}, kind=am.WORKFLOW)
    json_format.ParseDict(flow, wf.workflow.definition)
    seen.keep(stub.CreateApi(am.CreateApiRequest(api=wf), metadata=MD))
    flowed = seen.execute(stub, "flow", {"token": CANARY})
    assert json_format.MessageToDict(flowed.json)["echo"]["prefix"] == "canary-"

    # ------------------------------------------------------------ HTTP: secret in the path and a header
    http = _api(
        "http",
        {"token": SECRET},
        kind=am.HTTP,
        http=am.HttpSpec(
            method="GET", url=f"http://{receiver}/echo/{{{{params.token}}}}", headers={"X-Token": "{{params.token}}"}
        ),
    )
    http.policy.network_allow_list.append("127.0.0.1")
    seen.keep(stub.CreateApi(am.CreateApiRequest(api=http), metadata=MD))
    echoed = seen.execute(stub, "http", {"token": CANARY})
    assert any(path == f"/echo/{CANARY}" and h.get("x-token") == CANARY for path, h in _Receiver.seen)
    assert json_format.MessageToDict(echoed.json)["body"] == {"path": "/echo/***", "token": "***"}

    # ------------------------------------------------------------ execution records
    listed = seen.keep(stub.ListExecutions(am.ListExecutionsRequest(page={"page_size": 200}), metadata=MD))
    assert len(listed.executions) >= 10
    for execution in listed.executions:
        seen.keep(stub.GetExecution(am.GetExecutionRequest(id=execution.id), metadata=MD))

    # ------------------------------------------------------------ cep: webhook channels whose deliveries fail
    closed = free_port()
    channels = {
        "hook": {"url": f"http://hook:{CANARY}@{receiver}/hook", "secret_headers": {"X-Api-Key": CANARY}},
        "refused": {"url": f"http://hook:{CANARY}@127.0.0.1:{closed}/hook", "secret": CANARY},
    }
    for name, config in channels.items():
        ch = seen.keep(
            cep.CreateChannel(
                cep_pb2.CreateChannelRequest(name=name, kind="webhook", config=_struct(config)), metadata=MD
            )
        )
        assert ch.config.fields["url"].string_value.startswith("http://hook:***@")
        seen.keep(cep.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=MD))
        seen.keep(cep.GetChannel(cep_pb2.GetChannelRequest(id=ch.meta.id), metadata=MD))
    seen.keep(cep.ListChannels(cep_pb2.ListChannelsRequest(), metadata=MD))
    rule = {
        "name": "cpu-high",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "channels": ["hook", "refused"],
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
    }
    seen.keep(cep.CreateRule(cep_pb2.CreateRuleRequest(definition=_struct(rule)), metadata=MD))
    ts = timestamp_pb2.Timestamp()
    ts.GetCurrentTime()
    event = cep_pb2.Event(id="e1", type="metric", source="test", time=ts, attributes=_struct({"cpu": 95, "host": "h"}))
    fired = seen.keep(cep.PublishEvents(cep_pb2.PublishEventsRequest(events=[event]), metadata=MD))
    alert_id = fired.alerts[0].id

    log = eventually_sync(
        lambda: cep.ListDeliveries(cep_pb2.ListDeliveriesRequest(alert_id=alert_id), metadata=MD),
        until=lambda log: {d.channel for d in log.deliveries if d.status == "failed"} >= {"hook", "refused"},
        timeout=30,
        interval=0.2,
        what="a failed delivery on both channels",
    )
    seen.keep(log)
    hook_requests = [h for path, h in _Receiver.seen if path.startswith("/hook")]
    assert hook_requests and all(h.get("x-api-key") == CANARY for h in hook_requests)  # it was sent
    basic = base64.b64decode(hook_requests[0]["authorization"].split(" ", 1)[1]).decode()
    assert basic == f"hook:{CANARY}"
    seen.keep(cep.GetAlert(cep_pb2.GetAlertRequest(id=alert_id), metadata=MD))

    am_channel.close()
    cep_channel.close()

    # ------------------------------------------------------------ the search
    leaks = [text for text in seen.texts if CANARY in text]
    assert leaks == [], f"the canary came back in {len(leaks)} responses: {leaks[:3]}"
    for service, failure in (("api_manager", "rpc error"), ("cep", "delivery failed")):
        text = Path(canary_stack.log(service)).read_text()
        assert failure in text  # the failures above were logged...
        lines = [line for line in text.splitlines() if CANARY in line]
        assert lines == [], f"{service} logged the canary: {lines[:3]}"  # ...without the canary
    results = Path(__file__).resolve().parents[1] / "bench" / "results" / "reliability"
    results.mkdir(parents=True, exist_ok=True)
    (results / "canary_secrets.json").write_text(
        json.dumps({"responses_searched": len(seen.texts), "log_files_searched": 2, "hits": 0}, indent=2) + "\n"
    )
