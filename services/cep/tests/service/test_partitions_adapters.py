"""The partition stream and the leases against the NATS server of this machine (127.0.0.1:4222).

Each test has its own stream (``TEST_<uuid>``, subjects ``test.<uuid>.part.<p>``) and its own lease bucket,
and deletes them at the end. Waiting on the server's TTL goes through ``eventually``: nothing here asserts
how long anything took.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import nats
import pytest
import pytest_asyncio
from nats.js.errors import APIError

from opsuite_cep.adapters.partitions import Leases, PartitionStream, key_safe, key_unsafe
from opsuite_common.testing.eventually import eventually

from .conftest import NATS_URL, own_partition_stream

TTL = 1.5


@pytest_asyncio.fixture
async def stream() -> AsyncIterator[PartitionStream]:
    async with own_partition_stream(3) as ps:
        yield ps


@pytest_asyncio.fixture
async def bucket() -> AsyncIterator[str]:
    name = f"test_leases_{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        nc = await nats.connect(NATS_URL)
        with contextlib.suppress(Exception):
            await nc.jetstream().delete_key_value(name)
        await nc.close()


async def take(ps: PartitionStream, partition: int, after: int, n: int) -> list[tuple[int, bytes, dict[str, str]]]:
    """The first ``n`` records of a partition after ``after`` (the tail is closed afterwards)."""
    out: list[tuple[int, bytes, dict[str, str]]] = []
    async with contextlib.aclosing(ps.records(partition, after)) as records:
        async for record in records:
            out.append(record)
            if len(out) == n:
                break
    return out


async def test_each_partition_reads_back_its_own_messages_in_order(stream: PartitionStream) -> None:
    headers = {"tenant": "acme"}
    s1 = await stream.publish(0, b"one", headers)
    s2 = await stream.publish(1, b"other")
    s3 = await stream.publish(0, b"two")
    s4 = await stream.publish(0, b"three")
    assert s1 < s2 < s3 < s4
    assert headers == {"tenant": "acme"}  # the caller's dict is not touched
    first = await take(stream, 0, 0, 3)
    assert [(seq, body) for seq, body, _ in first] == [(s1, b"one"), (s3, b"two"), (s4, b"three")]
    assert first[0][2]["tenant"] == "acme"
    assert [(seq, body) for seq, body, _ in await take(stream, 1, 0, 1)] == [(s2, b"other")]
    assert [seq for seq, _, _ in await take(stream, 0, s1, 2)] == [s3, s4]  # after= skips
    assert (await stream.last_sequence(0), await stream.last_sequence(1), await stream.last_sequence(2)) == (s4, s2, 0)


async def test_the_tail_receives_what_is_published_after_it_began(stream: PartitionStream) -> None:
    s1 = await stream.publish(2, b"before")
    seen: list[tuple[int, bytes]] = []

    async def tail() -> None:
        async with contextlib.aclosing(stream.records(2, 0)) as records:
            async for seq, body, _ in records:
                seen.append((seq, body))

    task = asyncio.create_task(tail())
    try:
        await eventually(lambda: seen == [(s1, b"before")], what="the record published before the tail")
        await stream.publish(1, b"elsewhere")
        s2 = await stream.publish(2, b"after")
        await eventually(lambda: len(seen) == 2, what="the record published after the tail began")
        assert seen == [(s1, b"before"), (s2, b"after")]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_tail_ends_when_the_stream_is_closed(stream: PartitionStream) -> None:
    await stream.publish(0, b"x")
    seen: list[int] = []

    async def tail() -> None:
        async for seq, _, _ in stream.records(0, 0):
            seen.append(seq)

    task = asyncio.create_task(tail())
    await eventually(lambda: seen, what="the first record")
    await stream.close()
    await eventually(task.done, what="the tail to end")
    assert task.exception() is None


async def test_purge_below_keeps_the_sequence_and_later_of_that_partition_only(stream: PartitionStream) -> None:
    s1 = await stream.publish(0, b"a")
    s2 = await stream.publish(1, b"b")
    s3 = await stream.publish(0, b"c")
    s4 = await stream.publish(0, b"d")
    await stream.purge_below(0, 0)  # nothing below: a no-op, not a purge of the whole subject
    assert [seq for seq, _, _ in await take(stream, 0, 0, 1)] == [s1]
    await stream.purge_below(0, s3)
    assert [seq for seq, _, _ in await take(stream, 0, 0, 2)] == [s3, s4]
    assert [seq for seq, _, _ in await take(stream, 1, 0, 1)] == [s2]
    assert await stream.last_sequence(0) == s4


async def test_publish_many_answers_sequences_in_item_order(stream: PartitionStream) -> None:
    items: list[tuple[int, bytes, dict[str, str] | None]] = [
        (i % 3, f"m{i}".encode(), {"n": str(i)} if i % 2 else None) for i in range(30)
    ]
    seqs = await stream.publish_many(items)
    assert len(seqs) == 30 and seqs == sorted(seqs) and len(set(seqs)) == 30
    for p in range(3):
        expected = [(seq, body) for seq, (q, body, _) in zip(seqs, items, strict=True) if q == p]
        got = await take(stream, p, 0, len(expected))
        assert [(seq, body) for seq, body, _ in got] == expected
    assert await stream.publish_many([]) == []


async def test_publish_many_raises_if_any_item_fails(stream: PartitionStream) -> None:
    with pytest.raises(ValueError, match="outside"):
        await stream.publish_many([(0, b"fine", None), (3, b"no such partition", None)])
    assert await stream.last_sequence(0) == 0  # checked before anything left
    rejected = {"Nats-Expected-Last-Sequence": "999999"}  # JetStream refuses this one
    with pytest.raises(APIError):
        await stream.publish_many([(0, b"fine", None), (1, b"refused", rejected)])
    assert await stream.last_sequence(1) == 0


async def test_only_one_replica_acquires_a_partition(bucket: str) -> None:
    a, b = (
        Leases(NATS_URL, "replica-a", bucket=bucket, ttl_s=TTL),
        Leases(NATS_URL, "replica-b", bucket=bucket, ttl_s=TTL),
    )
    try:
        assert await a.acquire(0)
        assert not await b.acquire(0)
        assert await b.acquire(1)
        assert (a.owned, b.owned) == ({0}, {1})
        assert (await a.owner(0), await a.owner(1), await a.owner(2)) == ("replica-a", "replica-b", None)
        assert not await b.renew(0)  # not ours: nothing to renew
        assert a.expires_at(0) is not None and a.expires_at(1) is None
    finally:
        await a.close()
        await b.close()


async def test_a_renewed_lease_outlives_the_ttl_and_a_lapsed_one_is_taken_over(bucket: str) -> None:
    a, b = (
        Leases(NATS_URL, "replica-a", bucket=bucket, ttl_s=TTL),
        Leases(NATS_URL, "replica-b", bucket=bucket, ttl_s=TTL),
    )
    try:
        assert await a.acquire(0)
        for _ in range(8):  # 2.4 s of renewals every 0.3 s: well past the 1.5 s TTL
            await asyncio.sleep(0.3)
            assert await a.renew(0)
            assert not await b.acquire(0)
        assert await a.owner(0) == "replica-a"
        # a stops renewing: once the entry expires, b takes the partition, and a finds it lost
        await eventually(lambda: b.acquire(0), timeout=20, interval=0.1, what="b to take the lapsed lease")
        assert await b.owner(0) == "replica-b"
        assert not await a.renew(0)
        assert a.owned == frozenset()
        await a.release(0)  # no longer ours: b's entry stays
        assert await a.owner(0) == "replica-b"
    finally:
        await a.close()
        await b.close()


async def test_release_lets_another_acquire_at_once(bucket: str) -> None:
    a, b = (
        Leases(NATS_URL, "replica-a", bucket=bucket, ttl_s=TTL),
        Leases(NATS_URL, "replica-b", bucket=bucket, ttl_s=TTL),
    )
    try:
        assert await a.acquire(2)
        await a.release(2)
        assert a.owned == frozenset() and await a.owner(2) is None
        assert await b.acquire(2)
        await a.release(2)  # not held: ignored
        assert await b.owner(2) == "replica-b"
        assert await b.renew(2)
        await b.release(2)
        assert await a.acquire(2)  # a deleted entry can be created again
    finally:
        await a.close()
        await b.close()


async def test_an_entry_with_this_replicas_id_counts_as_its_own(bucket: str) -> None:
    """What lets a renew or acquire whose acknowledgement was lost (or a restart) keep the lease; it is also
    why replica ids must be unique among live replicas."""
    first = Leases(NATS_URL, "replica-a", bucket=bucket, ttl_s=TTL)
    again = Leases(NATS_URL, "replica-a", bucket=bucket, ttl_s=TTL)
    other = Leases(NATS_URL, "replica-b", bucket=bucket, ttl_s=TTL)
    try:
        assert await first.acquire(0)
        assert await again.acquire(0)  # the entry already says replica-a: adopted at its revision
        assert await first.renew(0)  # a revision this instance did not write, but replica-a's: still ours
        assert not await other.acquire(0)
        assert await other.owner(0) == "replica-a"
    finally:
        for leases in (first, again, other):
            await leases.close()


async def test_live_replicas_lists_those_that_beat(bucket: str) -> None:
    odd = "cep 1.example/x_y-é"  # any id: stored key-safe, listed as given
    # A heartbeat lives 5 s here: long enough that both are still listed on a loaded machine right after.
    a, b = Leases(NATS_URL, odd, bucket=bucket, ttl_s=5.0), Leases(NATS_URL, "replica-b", bucket=bucket, ttl_s=5.0)
    try:
        assert await a.live_replicas() == []
        await a.heartbeat()
        await b.heartbeat()
        assert await a.live_replicas() == sorted([odd, "replica-b"])

        async def only_b() -> list[str]:
            await b.heartbeat()  # b keeps beating, a does not
            return await b.live_replicas()

        await eventually(only_b, until=lambda live: live == ["replica-b"], timeout=20, interval=0.2)
    finally:
        await a.close()
        await b.close()


def test_replica_ids_are_made_key_safe_and_back() -> None:
    for rid in ["cep-0", "cep_0", "a.b", "x y/z", "é∂", "_2e", "-"]:
        token = key_safe(rid)
        assert all(c.isascii() and (c.isalnum() or c in "-_") for c in token), token
        assert key_unsafe(token) == rid
    assert key_safe("cep-0") == "cep-0"
    assert key_safe("a.b") != key_safe("a_b")
