"""Per-tenant caps on executions and open streams, over a real channel, with a gated HTTP upstream."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
import pytest

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_common.errors import Code
from opsuite_common.settings import OutboundSettings
from opsuite_common.testing.eventually import eventually

#: The operator opens loopback to the APIs (as for any upstream on a private address).
LOOPBACK = OutboundSettings(allow=("127.0.0.1",))


@dataclass
class Gate:
    """A loopback upstream whose ``/hold`` requests wait until ``release`` (``/now`` answers at once)."""

    url: str
    opened: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: int = 0

    def release(self) -> None:
        self.opened.set()


@pytest.fixture
def gate() -> Iterator[Gate]:
    state = Gate(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/hold"):
                with state.lock:
                    state.waiting += 1
                state.opened.wait(20)
                with state.lock:
                    state.waiting -= 1
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release()
        server.shutdown()
        server.server_close()


async def _apis(c: Any, gate: Gate, tenant: str) -> None:
    for name, path in (("slow", "/hold"), ("fast", "/now")):
        d = c.api_def(name, kind=pb.HTTP, http=pb.HttpSpec(method="GET", url=gate.url + path))
        d.policy.network_allow_list.append("127.0.0.1")
        await c.create(d, tenant=tenant)


async def test_execution_cap_per_tenant_refuses_with_retry_info_and_frees_on_end_and_cancel(start_lite, gate):
    c = await start_lite(tenant_max_executions=2, outbound=LOOPBACK)
    await _apis(c, gate, "tenant-a")
    await _apis(c, gate, "tenant-b")
    held = [asyncio.ensure_future(c.execute("slow")) for _ in range(2)]
    await eventually(lambda: gate.waiting == 2, what="two executions at the upstream")
    err = await c.error(c.execute("fast"))
    assert err.code == Code.RESOURCE_EXHAUSTED and err.reason == "CONCURRENCY_LIMITED"
    assert err.retry_after is not None and err.retry_after > 0
    assert err.metadata["slot"] == "execution" and err.metadata["method"] == "ExecuteApi"
    # The other tenant is not affected by tenant-a's full slots.
    assert c.json(await c.execute("fast", tenant="tenant-b"))["status"] == 200
    # A caller that gives up frees its slot (its upstream request may still be pending).
    held[0].cancel()

    async def served() -> Any:
        try:
            return await c.execute("fast")
        except grpc.aio.AioRpcError as exc:
            assert exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # refused until the slot is back
            return None

    reply = await eventually(served, what="a call in the slot the cancelled one freed")
    assert c.json(reply)["status"] == 200
    # Calls that end normally free theirs.
    gate.release()
    assert c.json(await held[1])["status"] == 200
    both = await asyncio.gather(c.execute("fast"), c.execute("fast"))
    assert [c.json(r)["status"] for r in both] == [200, 200]


async def test_open_stream_cap_per_tenant(start_lite, gate):
    c = await start_lite(tenant_max_streams=1, outbound=LOOPBACK)
    await _apis(c, gate, "tenant-a")
    first = c.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="slow"), metadata=c.md("viewer"))
    await eventually(lambda: gate.waiting == 1, what="the streamed execution at the upstream")
    second = c.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="fast"), metadata=c.md("viewer"))
    err = await c.error(second.read())
    assert err.reason == "CONCURRENCY_LIMITED" and err.metadata["slot"] == "stream"
    # Unary executions are not streams: still served.
    assert c.json(await c.execute("fast"))["status"] == 200
    gate.release()
    async for _ in first:
        pass
    chunks = [ch async for ch in c.stub.ExecuteApiStream(pb.ExecuteApiRequest(name="fast"), metadata=c.md("viewer"))]
    assert chunks and chunks[-1].HasField("summary")


async def test_under_fair_share_calls_waiting_on_an_upstream_give_their_place_back(start_lite, gate):
    # Share 1: while tenant-b is present, tenant-a may run one call at a time on the event loop. A call
    # waiting on its upstream is not running here: tenant-a's four calls all reach the upstream at once.
    c = await start_lite(tenant_fair_share=1, outbound=LOOPBACK)
    fair = c.handle.resources["fair_share"]
    await _apis(c, gate, "tenant-a")
    await _apis(c, gate, "tenant-b")
    other = asyncio.ensure_future(c.execute("slow", tenant="tenant-b"))
    await eventually(lambda: gate.waiting == 1, what="tenant-b's call at the upstream")
    fan = [asyncio.ensure_future(c.execute("slow")) for _ in range(4)]
    await eventually(lambda: gate.waiting == 5, what="all four of tenant-a's calls at the upstream together")
    # Each holds no place while it waits there, and none waits for one.
    assert fair.running("tenant-a") == 0 and fair.waiting("tenant-a") == 0
    assert fair.running("tenant-b") == 0
    gate.release()
    replies = await asyncio.gather(other, *fan)
    assert [c.json(r)["status"] for r in replies] == [200] * 5
    assert fair.totals() == (0, 0)


async def test_under_fair_share_a_call_still_waits_for_a_place_before_its_own_work(start_lite, gate):
    # Giving the place back is for the wait only: a call needs one to start at all. With another tenant
    # present and tenant-a at its share (both taken here, as two calls in progress would), tenant-a's
    # next call waits until a place is free.
    c = await start_lite(tenant_fair_share=1, outbound=LOOPBACK)
    fair = c.handle.resources["fair_share"]
    await _apis(c, gate, "tenant-a")
    await fair.acquire("tenant-b", "/x/Y")
    await fair.acquire("tenant-a", "/x/Y")
    pending = asyncio.ensure_future(c.execute("fast"))
    await eventually(lambda: fair.waiting("tenant-a") == 1, what="tenant-a's call waiting for a place")
    assert not pending.done() and gate.waiting == 0
    fair.release("tenant-a")
    assert c.json(await pending)["status"] == 200
    fair.release("tenant-b")
    assert fair.totals() == (0, 0)


@pytest.mark.parametrize(
    ("url", "gives_back"),
    [("sqlite:////tmp/x.db", False), ("postgresql://u@127.0.0.1/test", True), ("mysql://u@127.0.0.1/db", True)],
)
async def test_a_query_gives_the_place_back_only_when_a_database_server_runs_it(url, gives_back):
    # A SQLite file is read by this process's own threads (its GIL): that call keeps its place.
    from opsuite_api_manager.adapters.datasources import DataSource
    from opsuite_api_manager.app.runners.sql import _data_source_wait
    from opsuite_common.fairness import FairShare, Place

    fair = FairShare(1, linger_s=0)
    place, token = await Place.enter(fair, "tenant-a", "/x/Y")
    async with _data_source_wait(DataSource(id="d", name="d", url=url)):
        assert place.held is not gives_back and fair.running("tenant-a") == (0 if gives_back else 1)
    assert place.held
    place.leave(token)
    assert fair.totals() == (0, 0)
