"""Input size limits and the ListRuns / ListTools byte budgets of ops over a real channel (README "Size limits")."""

from __future__ import annotations

import grpc
import pytest

from opsuite.ops.v1 import ops_pb2
from opsuite_common import limits
from opsuite_common.errors import ValidationError
from opsuite_common.rpc_status import from_grpc_error
from opsuite_ops.domain import Tool

TENANT = "acme"  # see conftest.py: the demo tools
CPU_Q = "what is the cpu on web-01 over the last 2 hours"


async def test_oversize_question_is_invalid_argument_naming_the_field(fake_am, start_ops, tokens, db_url) -> None:
    # Ask and AskStream, with the service's own store on SQLite and on PostgreSQL (``db_url``).
    ops = await start_ops(fake_am.target, db_url=db_url)
    md = tokens.metadata(TENANT, ["viewer"])
    request = ops_pb2.AskRequest(question=CPU_Q + " " + "x" * limits.QUESTION_CHARS)

    async def stream() -> None:
        async for _ in ops.stub.AskStream(request, metadata=md):
            pass

    for call in (lambda: ops.stub.Ask(request, metadata=md), stream):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await call()
        err = from_grpc_error(info.value)
        assert isinstance(err, ValidationError)
        assert [v.field for v in err.field_violations] == ["question"]
    assert not (await ops.stub.ListRuns(ops_pb2.ListRunsRequest(), metadata=md)).runs  # nothing was run


async def test_list_runs_pages_shrink_to_the_byte_budget_and_lose_nothing(fake_am, start_ops, tokens) -> None:
    # 64 KiB messages: a list page may carry 32 KiB; 12 runs with questions near the limit are ~50 KiB.
    ops = await start_ops(fake_am.target, max_message_bytes=64 * 1024)
    md = tokens.metadata(TENANT, ["viewer"])
    padding = " please" * ((limits.QUESTION_CHARS - len(CPU_Q)) // 8)
    run_ids = []
    for _ in range(12):
        answer = await ops.stub.Ask(ops_pb2.AskRequest(question=CPU_Q + padding), metadata=md)
        run_ids.append(answer.run_id)
    seen: list[str] = []
    sizes: list[int] = []
    token = ""
    for _ in range(len(run_ids)):
        resp = await ops.stub.ListRuns(
            ops_pb2.ListRunsRequest(page={"page_size": 100, "page_token": token}), metadata=md
        )
        seen.extend(r.run_id for r in resp.runs)
        sizes.append(resp.ByteSize())
        token = resp.page.next_page_token
        if not token:
            break
    assert seen == run_ids[::-1]  # newest first, nothing lost, nothing repeated
    assert len(sizes) >= 2  # cut short although page_size allowed every run
    assert max(sizes) <= 32 * 1024


async def test_list_tools_stops_at_the_byte_budget_and_says_what_it_left_out(fake_am, start_ops, tokens) -> None:
    # 12 tools with descriptions at the limit (~50 KiB) besides the demo tools. ListToolsRequest has no
    # page token: a response over the budget is cut after the last tool that fits, and the note says so.
    # Three servers on one store: each its own instance id.
    for i in range(12):
        tool = Tool(f"aa_big_{i:02d}", f"{i:x}" * limits.DESCRIPTION_BYTES, frozenset({"config"}), idempotent=True)
        fake_am.catalogue.add(tool, tenants=[TENANT])
    md = tokens.metadata(TENANT, ["viewer"])
    full = await start_ops(fake_am.target, instance_id="all")
    everything = await full.stub.ListTools(ops_pb2.ListToolsRequest(), metadata=md)
    names = [t.name for t in everything.tools]
    assert len(names) == 23 and names == sorted(names) and not everything.note  # 16 MiB messages: all of them

    # 64 KiB messages: a response may carry 32 KiB.
    ops = await start_ops(fake_am.target, instance_id="cut", max_message_bytes=64 * 1024)
    cut = await ops.stub.ListTools(ops_pb2.ListToolsRequest(), metadata=md)
    shown = [t.name for t in cut.tools]
    assert 1 <= len(shown) < len(names) and shown == names[: len(shown)]  # the first ones by name, in order
    assert cut.ByteSize() <= 32 * 1024 and not cut.stale
    assert f"first {len(shown)} of {len(names)} tools" in cut.note and "ListApis" in cut.note

    # 6 KiB messages: one big tool alone is over the 3 KiB budget; it is still sent (one per response).
    tiny = await start_ops(fake_am.target, instance_id="tiny", max_message_bytes=6 * 1024)
    one = await tiny.stub.ListTools(ops_pb2.ListToolsRequest(), metadata=md)
    assert [t.name for t in one.tools] == names[:1] and f"first 1 of {len(names)} tools" in one.note
