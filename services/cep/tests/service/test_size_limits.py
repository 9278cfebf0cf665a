"""Input size limits and list byte budgets of cep over a real channel (README "Size limits").

The oversize-input test runs with the service's own store on SQLite and on PostgreSQL (``db_url``)."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite.common.v1 import common_pb2
from opsuite_common import limits
from opsuite_common.errors import ValidationError
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.testing.eventually import eventually

from .conftest import Cep, ev, struct
from .fakes import FakeWebhook

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
    now = int(time.time())  # an expired silence past its retention would be deleted by the next create
    req.starts_at.FromSeconds(now)
    req.ends_at.FromSeconds(now + 100)
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
    ("event_id", lambda c: c.publish([ev("i" * 257, "metric", 1)]), "events[0].id"),
    ("event_key", lambda c: c.publish([ev("e1", "metric", 1, key="k" * 257)]), "events[0].key"),
    (
        "stream_events_batch",
        lambda c: c.stub.StreamEvents(
            iter(
                [
                    cep_pb2.PublishEventsRequest(events=[ev("e1", "metric", 1)]),
                    cep_pb2.PublishEventsRequest(
                        events=[ev("e2", "metric", 2, blob="a" * limits.EVENT_ATTRIBUTES_BYTES)]
                    ),
                ]
            ),
            metadata=c.md(),
        ),
        "events[0].attributes",
    ),
    (
        "test_rule_batch",
        lambda c: c.stub.TestRule(
            cep_pb2.TestRuleRequest(definition=struct(CPU), events=[ev(f"e{i}", "metric", 1) for i in range(6)]),
            metadata=c.md(),
        ),
        "events",
    ),
    (
        "silence_matcher_value",
        lambda c: c.stub.CreateSilence(
            _silence(matchers=[cep_pb2.Matcher(name="host", value="v" * (limits.LABEL_VALUE_CHARS + 1))]),
            metadata=c.md(),
        ),
        "matchers[0].value",
    ),
]


@pytest.mark.parametrize(("case", "call", "field"), CASES, ids=[c[0] for c in CASES])
async def test_oversize_input_is_invalid_argument_naming_the_field(start_cep, db_url, case, call, field) -> None:
    cep = await start_cep(db_url, max_batch_events=5)
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


async def _walk(
    list_page: Callable[[str], Awaitable[Any]], items: str, key: Callable[[Any], str] = lambda item: item.meta.id
) -> tuple[list[str], list[int]]:
    """Follow the tokens of a list RPC from the first page: the key of every item (in order), each page's size."""
    ids: list[str] = []
    sizes: list[int] = []
    token = ""
    for _ in range(100):  # far more pages than any test here needs: a token that never ends fails below
        resp = await list_page(token)
        ids.extend(key(item) for item in getattr(resp, items))
        sizes.append(resp.ByteSize())
        token = resp.page.next_page_token
        if not token:
            return ids, sizes
    raise AssertionError(f"still a next_page_token after {len(sizes)} pages")


async def test_list_alerts_pages_shrink_to_the_byte_budget_and_lose_nothing(db_url, start_cep) -> None:
    # 64 KiB messages: a list page may carry 32 KiB; 12 alerts with a 4 KiB annotation each are ~50 KiB.
    cep = await start_cep(db_url, max_message_bytes=64 * 1024)
    spec = {**CPU["spec"], "group_by": ["host"]}
    await cep.rule({**CPU, "spec": spec, "annotations": {"runbook": "r" * limits.DESCRIPTION_BYTES}})
    fired: list[str] = []
    for i in range(12):  # one call each: a reply carries the alert it fired
        reply = await cep.publish([ev(f"e{i}", "metric", i, cpu=95, host=f"host-{i:02d}")])
        fired.extend(a.id for a in reply.alerts)
    assert len(fired) == 12

    async def page(token: str) -> cep_pb2.ListAlertsResponse:
        request = cep_pb2.ListAlertsRequest(page=common_pb2.PageRequest(page_size=100, page_token=token))
        return await cep.stub.ListAlerts(request, metadata=cep.md())

    seen, sizes = await _walk(page, "alerts", lambda alert: alert.id)
    assert seen == fired[::-1]  # newest first, nothing lost, nothing repeated
    assert len(sizes) >= 2  # cut short although page_size allowed every alert
    assert max(sizes) <= 32 * 1024


async def test_list_silences_pages_shrink_to_the_byte_budget_and_lose_nothing(db_url, start_cep) -> None:
    # 64 KiB messages: a list page may carry 32 KiB; 12 silences with comments at the limit are ~50 KiB.
    cep = await start_cep(db_url, max_message_bytes=64 * 1024)
    created: list[cep_pb2.Silence] = []
    for i in range(12):
        request = _silence(
            matchers=[cep_pb2.Matcher(name="host", value=f"host-{i:02d}")], comment=f"{i:x}" * limits.COMMENT_BYTES
        )
        created.append(await cep.stub.CreateSilence(request, metadata=cep.md()))

    async def page(token: str) -> cep_pb2.ListSilencesResponse:
        request = cep_pb2.ListSilencesRequest(page=common_pb2.PageRequest(page_size=100, page_token=token))
        return await cep.stub.ListSilences(request, metadata=cep.md())

    seen, sizes = await _walk(page, "silences")
    by_creation = sorted(created, key=lambda s: (s.meta.create_time.ToNanoseconds(), s.meta.id))
    assert seen == [s.meta.id for s in by_creation]  # in order, nothing lost, nothing repeated
    assert len(sizes) >= 2  # cut short although page_size allowed every silence
    assert max(sizes) <= 32 * 1024


async def test_a_silence_alone_over_the_budget_still_lists_one_per_page(start_cep, sqlite_url) -> None:
    # 6 KiB messages: a list page may carry 3 KiB, less than one silence with a 4 KiB comment.
    cep = await start_cep(sqlite_url, max_message_bytes=6 * 1024)
    created = []
    for i in range(3):
        request = _silence(matchers=[cep_pb2.Matcher(name="host", value=f"h{i}")], comment="c" * limits.COMMENT_BYTES)
        created.append((await cep.stub.CreateSilence(request, metadata=cep.md())).meta.id)

    async def page(token: str) -> cep_pb2.ListSilencesResponse:
        request = cep_pb2.ListSilencesRequest(page=common_pb2.PageRequest(page_size=100, page_token=token))
        return await cep.stub.ListSilences(request, metadata=cep.md())

    seen, sizes = await _walk(page, "silences")
    assert sorted(seen) == sorted(created) and len(sizes) == 3  # one per page, each page progresses


async def test_list_deliveries_pages_shrink_to_the_byte_budget_and_lose_nothing(db_url, start_cep) -> None:
    # 4 KiB messages: a list page may carry 2 KiB; 16 deliveries to a channel with a 128-character
    # name are ~4 KiB (a delivery record is small: its error is capped at 2000 characters).
    cep = await start_cep(db_url, max_message_bytes=4 * 1024)
    hook = FakeWebhook()
    url = await hook.start()
    try:
        name = "hook-" + "x" * (limits.NAME_CHARS - len("hook-"))
        channel = await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name=name, kind="webhook", config=struct({"url": url})), metadata=cep.md()
        )
        await cep.rule({**CPU, "channels": [name], "spec": {**CPU["spec"], "group_by": ["host"]}})
        count = 16
        for i in range(count):  # one call each: the reply must fit the small message size too
            await cep.publish([ev(f"e{i}", "metric", i, cpu=95, host=f"host-{i:02d}")])

        async def page(token: str) -> cep_pb2.ListDeliveriesResponse:
            request = cep_pb2.ListDeliveriesRequest(
                channel_id=channel.meta.id, page=common_pb2.PageRequest(page_size=100, page_token=token)
            )
            return await cep.stub.ListDeliveries(request, metadata=cep.md())

        def notification(delivery: cep_pb2.Delivery) -> str:
            return delivery.notification_id

        await eventually(
            lambda: _walk(page, "deliveries", notification),
            until=lambda walked: len(walked[0]) >= count,
            timeout=15,
            what=f"{count} deliveries recorded",
        )
        seen, sizes = await _walk(page, "deliveries", notification)
        delivered = [json.loads(body)["notification_id"] for _, body in hook.received]
        assert len(delivered) == count  # each notification delivered once, so one record each
        assert len(set(seen)) == len(seen) and set(seen) == set(delivered)  # nothing lost, nothing repeated
        assert len(sizes) >= 2  # cut short although page_size allowed every delivery
        assert max(sizes) <= 2 * 1024
    finally:
        await hook.stop()
