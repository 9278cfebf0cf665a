"""Input size limits and list byte budgets of cep over a real channel (README "Size limits")."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite.common.v1 import common_pb2
from opsuite_common import limits
from opsuite_common.errors import ValidationError
from opsuite_common.rpc_status import from_grpc_error

from .conftest import Cep, ev, struct

pytestmark = pytest.mark.asyncio

CPU = {
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}},
}
HOOK = {"url": "http://127.0.0.1:9/x"}


def _silence(**kw: Any) -> cep_pb2.CreateSilenceRequest:
    req = cep_pb2.CreateSilenceRequest(**kw)
    req.starts_at.FromSeconds(1_700_000_000)
    req.ends_at.FromSeconds(1_700_000_100)
    return req


async def _update_rule(cep: Cep, definition: dict[str, Any]) -> cep_pb2.Rule:
    rule = await cep.rule({**CPU, "name": "to-update"})
    return await cep.stub.UpdateRule(
        cep_pb2.UpdateRuleRequest(id=rule.meta.id, definition=struct(definition), etag=rule.meta.etag),
        metadata=cep.md(),
    )


async def _update_channel(cep: Cep, config: dict[str, Any]) -> cep_pb2.Channel:
    ch = await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="to-update", kind="webhook", config=struct(HOOK)), metadata=cep.md()
    )
    return await cep.stub.UpdateChannel(
        cep_pb2.UpdateChannelRequest(id=ch.meta.id, config=struct(config), etag=ch.meta.etag), metadata=cep.md()
    )


BIG = "x" * limits.RULE_DEFINITION_BYTES
# (case, the call, the field the violation must name)
CASES: list[tuple[str, Any, str]] = [
    ("rule", lambda c: c.rule({**CPU, "annotations": {"note": BIG}}), "definition"),
    ("rule_update", lambda c: _update_rule(c, {**CPU, "annotations": {"note": BIG}}), "definition"),
    (
        "rule_description",
        lambda c: c.rule({**CPU, "description": "d" * (limits.DESCRIPTION_BYTES + 1)}),
        "definition.description",
    ),
    (
        "rule_labels",
        lambda c: c.rule({**CPU, "labels": {f"k{i}": "v" for i in range(limits.MAX_LABELS + 1)}}),
        "definition.labels",
    ),
    (
        "rule_label_value",
        lambda c: c.rule({**CPU, "labels": {"team": "v" * (limits.LABEL_VALUE_CHARS + 1)}}),
        "definition.labels.team",
    ),
    (
        "channel_name",
        lambda c: c.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name="n" * (limits.NAME_CHARS + 1), kind="webhook", config=struct(HOOK)),
            metadata=c.md(),
        ),
        "name",
    ),
    (
        "channel_config",
        lambda c: c.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(
                name="big", kind="webhook", config=struct({**HOOK, "headers": {"x": "h" * limits.CHANNEL_CONFIG_BYTES}})
            ),
            metadata=c.md(),
        ),
        "config",
    ),
    (
        "channel_update",
        lambda c: _update_channel(c, {**HOOK, "headers": {"x": "h" * limits.CHANNEL_CONFIG_BYTES}}),
        "config",
    ),
    (
        "silence_comment",
        lambda c: c.stub.CreateSilence(
            _silence(matchers=[cep_pb2.Matcher(name="host", value="h1")], comment="c" * (limits.COMMENT_BYTES + 1)),
            metadata=c.md(),
        ),
        "comment",
    ),
    (
        "silence_matchers",
        lambda c: c.stub.CreateSilence(
            _silence(matchers=[cep_pb2.Matcher(name=f"k{i}", value="v") for i in range(limits.MAX_MATCHERS + 1)]),
            metadata=c.md(),
        ),
        "matchers",
    ),
    (
        "event_attributes",
        lambda c: c.publish([ev("e1", "metric", 1, blob="a" * limits.EVENT_ATTRIBUTES_BYTES)]),
        "events[0].attributes",
    ),
    ("event_batch", lambda c: c.publish([ev(f"e{i}", "metric", 1) for i in range(6)]), "events"),
]


@pytest.mark.parametrize(("case", "call", "field"), CASES, ids=[c[0] for c in CASES])
async def test_oversize_input_is_invalid_argument_naming_the_field(start_cep, sqlite_url, case, call, field) -> None:
    cep = await start_cep(sqlite_url, max_batch_events=5)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call(cep)
    err = from_grpc_error(info.value)
    assert isinstance(err, ValidationError), err
    assert field in [v.field for v in err.field_violations], err.field_violations


async def test_list_rules_pages_shrink_to_the_byte_budget_and_lose_nothing(start_cep, sqlite_url) -> None:
    # 64 KiB messages: a list page may carry 32 KiB; 12 rules near the description limit are ~50 KiB.
    cep = await start_cep(sqlite_url, max_message_bytes=64 * 1024)
    names = [f"rule-{i:02d}" for i in range(12)]
    for name in names:
        await cep.rule({**CPU, "name": name, "description": name * (limits.DESCRIPTION_BYTES // len(name))})
    seen: list[str] = []
    sizes: list[int] = []
    token = ""
    for _ in range(len(names)):
        resp = await cep.stub.ListRules(
            cep_pb2.ListRulesRequest(page=common_pb2.PageRequest(page_size=100, page_token=token)), metadata=cep.md()
        )
        seen.extend(r.name for r in resp.rules)
        sizes.append(resp.ByteSize())
        token = resp.page.next_page_token
        if not token:
            break
    assert seen == names  # in order, nothing lost, nothing repeated
    assert len(sizes) >= 2  # cut short although page_size allowed every rule
    assert max(sizes) <= 32 * 1024
