"""Input size limits and the ListRuns byte budget of ops over a real channel (README "Size limits")."""

from __future__ import annotations

import grpc
import pytest

from opsuite.ops.v1 import ops_pb2
from opsuite_common import limits
from opsuite_common.errors import ValidationError
from opsuite_common.rpc_status import from_grpc_error

TENANT = "acme"  # see conftest.py: the demo tools
CPU_Q = "what is the cpu on web-01 over the last 2 hours"


async def test_oversize_question_is_invalid_argument_naming_the_field(fake_am, start_ops, tokens) -> None:
    ops = await start_ops(fake_am.target)
    md = tokens.metadata(TENANT, ["viewer"])
    question = CPU_Q + " " + "x" * limits.QUESTION_CHARS
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await ops.stub.Ask(ops_pb2.AskRequest(question=question), metadata=md)
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
