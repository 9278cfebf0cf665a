"""Outbox delivery: webhook failing then recovering (exactly once), HMAC, SMTP, ops unreachable, restart."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any

import grpc
import pytest
from sqlalchemy import select

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app._session import read
from opsuite_cep.db.models import NotificationRow
from opsuite_common.testing.eventually import eventually

from .conftest import Cep, ev, struct
from .fakes import FakeWebhook, running_mailbox

pytestmark = pytest.mark.asyncio


def rule(channel: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "cpu-high",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "channels": [channel],
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
        **extra,
    }


async def test_webhook_failing_then_recovering_delivers_each_change_exactly_once(cep: Cep) -> None:
    hook = FakeWebhook()
    url = await hook.start()
    try:
        hook.failing = True
        await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": url, "secret": "s3cr3t"})),
            metadata=cep.md(),
        )
        await cep.rule(rule("hook"))
        fired = await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])  # returns although the hook is down
        await cep.publish([ev("e2", "metric", 1, cpu=96, host="h1")])  # dedup: no new notification
        await cep.publish([ev("e3", "metric", 2, cpu=10, host="h1")])  # resolved
        alert_id = fired.alerts[0].id

        async def failed_attempts() -> int:
            log = await cep.stub.ListDeliveries(cep_pb2.ListDeliveriesRequest(alert_id=alert_id), metadata=cep.md())
            return sum(d.status == "failed" for d in log.deliveries)

        await eventually(failed_attempts, until=lambda n: n >= 2, what="two failed delivery attempts")
        assert hook.received == []
        hook.failing = False
        await eventually(lambda: len(hook.received) >= 2, timeout=15, what="both changes delivered")
        await asyncio.sleep(0.5)  # any duplicate delivery would arrive now
        kinds = [json.loads(body)["kind"] for _, body in hook.received]
        assert kinds == ["firing", "resolved"]
        headers, body = hook.received[0]
        expected = hmac.new(b"s3cr3t", body, hashlib.sha256).hexdigest()
        assert headers["x-opsuite-signature"] == f"sha256={expected}"
        log = await cep.stub.ListDeliveries(
            cep_pb2.ListDeliveriesRequest(alert_id=fired.alerts[0].id), metadata=cep.md()
        )
        statuses = [(d.kind, d.status) for d in log.deliveries]
        assert statuses.count(("firing", "delivered")) == 1 and statuses.count(("resolved", "delivered")) == 1
        assert ("firing", "failed") in statuses
        assert {d.reason for d in log.deliveries if d.status == "failed"} <= {"CHANNEL_UNAVAILABLE", "CIRCUIT_OPEN"}
        # The secret is write-only.
        got = await cep.stub.GetChannel(cep_pb2.GetChannelRequest(name="hook"), metadata=cep.md())
        assert "secret" not in got.config.fields and list(got.secrets_set) == ["secret"]
    finally:
        await hook.stop()


async def test_repeat_interval_renotifies_while_firing(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    hook = FakeWebhook()
    url = await hook.start()
    try:
        await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name="hook", kind="slack", config=struct({"url": url})), metadata=cep.md()
        )
        await cep.rule(rule("hook", repeat_interval="10m"))
        await cep.publish([ev(f"e{i}", "metric", i * 60, cpu=95, host="h1") for i in range(11)])  # 0..600s
        await eventually(lambda: len(hook.received) >= 2, timeout=15, what="the notification and its repeat")
        await asyncio.sleep(0.3)
        texts = [json.loads(body)["text"] for _, body in hook.received]
        assert [t.split("]")[0] for t in texts] == ["[FIRING", "[REPEAT"]
    finally:
        await hook.stop()


async def test_email_channel_delivers_over_smtp(cep_sqlite: Cep) -> None:
    cep = cep_sqlite
    with running_mailbox() as (box, port):
        await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(
                name="mail",
                kind="email",
                config=struct(
                    {"host": "127.0.0.1", "port": port, "from": "cep@example.com", "to": ["ops@example.com"]}
                ),
            ),
            metadata=cep.md(),
        )
        await cep.rule(rule("mail"))
        await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])
        await eventually(lambda: len(box.messages) >= 1, timeout=15, what="the e-mail")
        msg = box.messages[0]
        assert msg.rcpt_tos == ["ops@example.com"] and b"[FIRING] cpu-high" in msg.content


async def test_ops_investigation_with_ops_unreachable_fails_unavailable_and_stays_pending(cep_sqlite: Cep) -> None:
    cep = cep_sqlite  # ops_target is 127.0.0.1:1: nothing listens there
    ch = await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="ops", kind="ops_investigation", config=struct({})), metadata=cep.md()
    )
    test = await cep.stub.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=cep.md())
    assert not test.ok and test.reason == "SERVICE_UNAVAILABLE", test
    await cep.rule(rule("ops"))
    await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])

    async def log() -> list[Any]:
        reply = await cep.stub.ListDeliveries(cep_pb2.ListDeliveriesRequest(channel_id=ch.meta.id), metadata=cep.md())
        return list(reply.deliveries)

    entries = await eventually(log, until=lambda e: len(e) >= 2, timeout=5, what="two failed attempts logged")
    assert entries[0].reason == "SERVICE_UNAVAILABLE"
    assert all(d.status == "failed" and d.reason in ("SERVICE_UNAVAILABLE", "CIRCUIT_OPEN") for d in entries)
    # The cause is named, also once the breaker is open: "ops unreachable: connection refused (circuit open, ...)".
    assert all(d.error.startswith("ops unreachable: connection refused") for d in entries), entries
    async with read(cep.handle.app.db) as s:
        notes = (await s.execute(select(NotificationRow))).scalars().all()
    assert [n.status for n in notes] == ["pending"]  # kept in the outbox and retried
    (alert,) = await cep.alerts()
    assert alert.investigation_id == "" and alert.investigation_answer == ""


async def test_private_addresses_are_refused_unless_allow_listed(sqlite_url: str, start_cep: Any) -> None:
    cep = await start_cep(sqlite_url, outbound_allow=[])
    # A literal address is refused when the channel is saved...
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": "http://127.0.0.1:9/x"})),
            metadata=cep.md(),
        )
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED and "OPSUITE_OUTBOUND_ALLOW" in (
        info.value.details() or ""
    )
    # ...a name only when it is resolved, at delivery.
    ch = await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": "http://localhost:9/x"})),
        metadata=cep.md(),
    )
    test = await cep.stub.TestChannel(cep_pb2.TestChannelRequest(id=ch.meta.id), metadata=cep.md())
    assert not test.ok and test.reason == "SSRF_BLOCKED"


async def test_restart_with_checkpoint_completes_a_sequence(db_url: str, start_cep: Any) -> None:
    definition = {
        "name": "a-then-b",
        "kind": "SEQUENCE",
        "spec": {"steps": [{"alias": "a", "event_type": "A"}, {"alias": "b", "event_type": "B"}], "within": "10m"},
    }
    first = await start_cep(db_url)
    await first.rule(definition)
    assert not (await first.publish([ev("a1", "A", 0, key="k")])).alerts
    await first.handle.stop(5)  # graceful: the engine state is checkpointed
    second = await start_cep(db_url)
    reply = await second.publish([ev("a1", "A", 0, key="k"), ev("b1", "B", 60, key="k")])
    assert list(reply.duplicate_event_ids) == ["a1"]  # dedup ids survive the restart too
    assert [a.state for a in reply.alerts] == [cep_pb2.FIRING]


async def test_channel_secrets_are_encrypted_at_rest_write_only_and_delivered(db_url: str, start_cep: Any) -> None:
    from cryptography.fernet import Fernet

    from opsuite_cep.db.models import ChannelRow

    key = Fernet.generate_key().decode()
    cep = await start_cep(db_url, secret_key=key)
    hook = FakeWebhook()
    url = await hook.start()
    try:
        config = {
            "url": url,
            "secret": "s3cr3t-hmac",
            "headers": {"X-Team": "ops"},
            "secret_headers": {"Authorization": "Bearer tok-9f2e"},
        }
        created = await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct(config)), metadata=cep.md()
        )
        assert list(created.secrets_set) == ["secret", "secret_headers"]
        assert set(created.config.fields) == {"url", "headers"}  # secrets are write-only

        async def stored() -> str:
            async with read(cep.handle.app.db) as s:
                return (await s.execute(select(ChannelRow.config).where(ChannelRow.id == created.meta.id))).scalar_one()

        raw = await stored()
        assert "s3cr3t-hmac" not in raw and "tok-9f2e" not in raw and "$sealed" in raw
        # An update that does not repeat the secrets keeps them (still sealed).
        await cep.stub.UpdateChannel(
            cep_pb2.UpdateChannelRequest(id=created.meta.id, config=struct({"url": url}), etag=created.meta.etag),
            metadata=cep.md(),
        )
        raw = await stored()
        assert "s3cr3t-hmac" not in raw and "tok-9f2e" not in raw
        sent = await cep.stub.TestChannel(cep_pb2.TestChannelRequest(id=created.meta.id), metadata=cep.md())
        assert sent.ok, sent.error
        headers, body = hook.received[0]
        assert headers["authorization"] == "Bearer tok-9f2e"
        assert headers["x-opsuite-signature"] == "sha256=" + hmac.new(b"s3cr3t-hmac", body, hashlib.sha256).hexdigest()
        await cep.handle.stop(0)
        # Another key cannot open them: the test send says which setting changed and leaks nothing.
        other = await start_cep(db_url, secret_key=Fernet.generate_key().decode())
        failed = await other.stub.TestChannel(cep_pb2.TestChannelRequest(id=created.meta.id), metadata=other.md())
        assert not failed.ok and failed.reason == "CHANNEL_KEY_MISMATCH"
        assert "OPSUITE_CEP_SECRET_KEY" in failed.error and "s3cr3t" not in failed.error
        assert len(hook.received) == 1
        # The way out: an update that gives the secrets again (one that leaves them out says which).
        current = await other.stub.GetChannel(cep_pb2.GetChannelRequest(id=created.meta.id), metadata=other.md())
        update = cep_pb2.UpdateChannelRequest(id=created.meta.id, config=struct({"url": url}), etag=current.meta.etag)
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await other.stub.UpdateChannel(update, metadata=other.md())
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION and "secret" in (info.value.details() or "")
        update.config.CopyFrom(struct({**config, "secret": "n3w-hmac"}))
        await other.stub.UpdateChannel(update, metadata=other.md())
        resent = await other.stub.TestChannel(cep_pb2.TestChannelRequest(id=created.meta.id), metadata=other.md())
        assert resent.ok, resent.error
        assert hook.received[1][0]["authorization"] == "Bearer tok-9f2e"
    finally:
        await hook.stop()


@pytest.mark.parametrize(
    "config",
    [
        {"headers": {"X-Evil": "a\r\nHost: elsewhere"}},
        {"secret_headers": {"Bad Name": "x"}},
        {"secret_headers": ["Authorization: x"]},
        {"secret_headers": {"Authorization": "Bearer s3crét"}},  # httpx could not send it
        {"secret_headers": {"Authorization": "Bearer tok "}},  # h11 refuses trailing whitespace
        {"secret_headers": {"Authorization": "Bearer tok\n"}},
        {"headers": {"Host": "internal.example"}},  # would route the checked address elsewhere
        {"url": "http://127.0.0.1:99999/hook"},
        {"secret": {"$sealed": "gAAAAA"}},  # only cep writes sealed values
    ],
)
async def test_header_injection_in_a_channel_is_refused(cep_sqlite: Cep, config: dict[str, Any]) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await cep_sqlite.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(
                name="hook", kind="webhook", config=struct({"url": "http://x.test", **config})
            ),
            metadata=cep_sqlite.md(),
        )
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_channel_breaker_counts_its_api_failing_even_when_api_manager_blames_the_api(cep_sqlite: Cep) -> None:
    from opsuite_common.errors import ServiceUnavailableError

    breaker = cep_sqlite.handle.app.dispatcher.breakers.get("tenant-a/channel-1")

    async def api_down() -> None:
        raise ServiceUnavailableError("the API's upstream is down").blame_dependency("api:notify")

    for _ in range(cep_sqlite.settings.channel_breaker_fail_max):
        with pytest.raises(ServiceUnavailableError):
            await breaker.call(api_down)
    assert breaker.state == "open"


async def test_a_channel_a_narrower_allow_list_now_refuses_can_still_be_disabled(
    sqlite_url: str, start_cep: Any
) -> None:
    first = await start_cep(sqlite_url)  # 127.0.0.1 allowed
    ch = await first.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="hook", kind="webhook", config=struct({"url": "http://127.0.0.1:9/x"})),
        metadata=first.md(),
    )
    await first.handle.stop(0)
    cep = await start_cep(sqlite_url, outbound_allow=[])
    same = cep_pb2.UpdateChannelRequest(
        id=ch.meta.id, config=struct({"url": "http://127.0.0.1:9/x"}), etag=ch.meta.etag, disabled=True
    )
    updated = await cep.stub.UpdateChannel(same, metadata=cep.md())
    assert not updated.enabled
    moved = cep_pb2.UpdateChannelRequest(
        id=ch.meta.id, config=struct({"url": "http://127.0.0.2:9/x"}), etag=updated.meta.etag
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:  # a new destination is judged
        await cep.stub.UpdateChannel(moved, metadata=cep.md())
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as info:  # e-mail hosts too, when they are addresses
        await cep.stub.CreateChannel(
            cep_pb2.CreateChannelRequest(
                name="mail", kind="email", config=struct({"host": "169.254.169.254", "from": "a@b.c", "to": ["d@e.f"]})
            ),
            metadata=cep.md(),
        )
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
