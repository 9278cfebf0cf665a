"""Partitions of a JetStream stream shared by cep replicas, and the leases that say which replica owns which.

**Subjects.** :class:`PartitionStream` keeps one stream (``OPSUITE_CEP_PARTITIONS``, file storage, limits
retention, ``max_age`` from its constructor) whose subjects are ``opsuite.cep.part.<p>`` for the partitions
``p`` in ``0..n-1`` (the stream listens on ``opsuite.cep.part.*``). Which records go to which partition is
the caller's choice. A record's position is its stream sequence, one counter over all partitions, so the
positions of one partition increase but are not contiguous.

**Ordering.** A publish returns once JetStream has stored the message (its acknowledgement) and answers
its sequence. Within a partition, reading order is sequence order, which is the order messages reached the
server: the items of one :meth:`PartitionStream.publish_many` leave on one connection in item order, so
items of one partition are stored in item order. A publish that fails (time-out, reconnect) may still have
been stored: delivery is at least once; a caller that retries can set a ``Nats-Msg-Id`` header so that
JetStream drops the duplicate within its duplicate window. :meth:`PartitionStream.records` reads one
partition from a sequence on and then tails it live, asking the stream for "the partition's next message
after the last one yielded" (a direct message get, no consumer), so it holds no server state, survives a
NATS restart as it is, and cannot skip a message whose delivery the client gave up on.

**Leases.** :class:`Leases` keeps ownership in a JetStream key-value bucket whose TTL (the stream's
``max_age``) is the lease time: an entry that is not written again within the TTL disappears. Keys:

- ``replica.<id>``: a replica's heartbeat (:meth:`Leases.heartbeat`), its value the replica id; ids are
  made key-safe by writing every character outside ``[A-Za-z0-9-]`` (``_`` included) as ``_xx`` hex per
  UTF-8 byte, which :meth:`Leases.live_replicas` reverses;
- ``partition.<p>``: the lease of partition ``p``, its value the owner's replica id.

A replica takes a free partition with a create (it succeeds only if the key has no live entry), keeps it
by updating the entry with the revision it last wrote (compare-and-set, which also renews the TTL), and
gives it back by deleting with that revision. A renew that finds another revision has lost the lease: the
entry expired (and perhaps another replica took it) or was deleted. An entry that holds this replica's own
id is taken as its own (a write whose acknowledgement was lost, or this replica's previous run), so
replica ids must be unique among live replicas. NATS removes an expired entry shortly after the TTL (a few
milliseconds to about a second late, never early): the old owner must stop using a partition once
:meth:`Leases.expires_at` has passed without a renew, and then the next owner may start. Lease times are
read with :func:`lease_clock`, which keeps counting while the host is suspended.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any

import nats
from nats.errors import ConnectionClosedError
from nats.errors import Error as NatsError
from nats.js import api
from nats.js.errors import (
    BadRequestError,
    BucketNotFoundError,
    KeyNotFoundError,
    KeyWrongLastSequenceError,
    NoKeysError,
    NotFoundError,
)

from opsuite_cep.adapters.leaseclock import lease_clock
from opsuite_common.cancellation import raise_if_cancel_lost
from opsuite_common.logging import get_logger

__all__ = [
    "Leases",
    "NamespaceNames",
    "PartitionStream",
    "delete_namespace",
    "key_safe",
    "key_unsafe",
    "lease_clock",
    "namespace_names",
]

log = get_logger("opsuite.cep.partitions")

STREAM = "OPSUITE_CEP_PARTITIONS"
PREFIX = "opsuite.cep.part"
BUCKET = "opsuite_cep_leases"


@dataclass(frozen=True, slots=True)
class NamespaceNames:
    """What one deployment (``OPSUITE_CEP_STREAM_NAMESPACE``) creates on the NATS server."""

    stream: str
    prefix: str
    bucket: str


def namespace_names(namespace: str) -> NamespaceNames:
    """The partition stream, its subject prefix and the lease bucket of a namespace ('' = the defaults)."""
    if not namespace:
        return NamespaceNames(STREAM, PREFIX, BUCKET)
    return NamespaceNames(f"{STREAM}_{namespace}", f"opsuite.cep.{namespace}.part", f"{BUCKET}_{namespace}")


async def delete_namespace(url: str, namespace: str) -> None:
    """Delete a namespace's partition stream and lease bucket (decommissioning, tests, benchmarks); what is
    already gone is skipped. Stop its replicas first: a running one would create them again."""
    names = namespace_names(namespace)
    nc = await nats.connect(url, allow_reconnect=False, connect_timeout=2)
    try:
        js = nc.jetstream()
        try:
            await js.delete_stream(names.stream)
        except NotFoundError:
            pass
        try:
            await js.delete_key_value(names.bucket)
        except (NotFoundError, BucketNotFoundError):
            pass
    finally:
        await nc.close()


#: Polling of a quiet partition: the first wait after finding nothing new, and the longest.
POLL_MIN_S = 0.01
POLL_MAX_S = 0.2
#: Longest pause between attempts while NATS is unreachable.
RETRY_MAX_S = 2.0

_SAFE = re.compile(r"[A-Za-z0-9-]")
_TOKEN = re.compile(r"_([0-9a-f]{2})|(.)", re.DOTALL)


def key_safe(replica_id: str) -> str:
    """``replica_id`` as a key token: ``[A-Za-z0-9-]`` kept, any other character as ``_xx`` per UTF-8 byte."""
    return "".join(c if _SAFE.fullmatch(c) else "".join(f"_{b:02x}" for b in c.encode()) for c in replica_id)


def key_unsafe(token: str) -> str:
    """The replica id that :func:`key_safe` turned into ``token``."""
    out = bytearray()
    for m in _TOKEN.finditer(token):
        out.extend(bytes.fromhex(m.group(1)) if m.group(1) else m.group(2).encode())
    return out.decode(errors="replace")


async def _connect(url: str, timeout_s: float) -> Any:
    return await nats.connect(url, connect_timeout=timeout_s, max_reconnect_attempts=-1, allow_reconnect=True)


class PartitionStream:
    """A JetStream stream split into ``partitions`` subjects (connects on first use, creating the stream)."""

    def __init__(
        self,
        url: str,
        partitions: int,
        *,
        max_age_s: float = 7 * 86_400,
        timeout_s: float = 5.0,
        stream: str = STREAM,
        prefix: str = PREFIX,
    ) -> None:
        if partitions < 1:
            raise ValueError(f"partitions must be at least 1, got {partitions}")
        self.url, self.partitions, self.max_age_s, self.timeout_s = url, partitions, max_age_s, timeout_s
        self.stream, self.prefix = stream, prefix
        self._nc: Any = None
        self._js: Any = None
        self._closed = False
        self._lock = asyncio.Lock()

    async def _context(self) -> Any:
        if self._js is not None:
            return self._js
        async with self._lock:
            if self._closed:
                raise ConnectionClosedError
            if self._js is None:
                nc = await _connect(self.url, self.timeout_s)
                js = nc.jetstream(timeout=self.timeout_s)
                await self._ensure_stream(js)
                self._nc, self._js = nc, js
                log.info("partitions on JetStream", url=self.url, stream=self.stream, partitions=self.partitions)
        return self._js

    async def _ensure_stream(self, js: Any) -> None:
        config = api.StreamConfig(
            name=self.stream,
            subjects=[f"{self.prefix}.*"],
            storage=api.StorageType.FILE,
            retention=api.RetentionPolicy.LIMITS,
            max_age=self.max_age_s,
            discard=api.DiscardPolicy.OLD,
        )
        try:
            await js.stream_info(self.stream)
            await js.update_stream(config)
        except NotFoundError:
            await js.add_stream(config)

    def subject(self, partition: int) -> str:
        """The subject of a partition (``ValueError`` outside ``0..partitions-1``)."""
        if not 0 <= partition < self.partitions:
            raise ValueError(f"partition {partition} outside 0..{self.partitions - 1}")
        return f"{self.prefix}.{partition}"

    async def publish(self, partition: int, body: bytes, headers: dict[str, str] | None = None) -> int:
        """Publish to a partition and wait for JetStream's acknowledgement; returns the stream sequence."""
        js = await self._context()
        hdrs = dict(headers) if headers else None  # nats-py adds its own headers to the dict it is given
        ack = await js.publish(self.subject(partition), body, timeout=self.timeout_s, stream=self.stream, headers=hdrs)
        return int(ack.seq)

    async def publish_many(self, items: Sequence[tuple[int, bytes, dict[str, str] | None]]) -> list[int]:
        """Publish ``(partition, body, headers)`` items concurrently; their sequences in item order.

        Raises the first failure once every publish has finished or failed; the batch then counts as not
        acknowledged as a whole, although some of its items may have been stored.
        """
        for partition, _, _ in items:
            self.subject(partition)  # check every partition before anything leaves
        results = await asyncio.gather(*(self.publish(p, b, h) for p, b, h in items), return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                raise r
        return [r for r in results if isinstance(r, int)]

    async def last_sequence(self, partition: int) -> int:
        """The sequence of the partition's last message, 0 if it has none."""
        js = await self._context()
        try:
            msg = await js.get_last_msg(self.stream, self.subject(partition))
        except NotFoundError:
            return 0
        return int(msg.seq)

    async def purge_below(self, partition: int, seq: int) -> None:
        """Purge the partition's messages with a sequence below ``seq`` (``seq`` and later stay)."""
        subject = self.subject(partition)
        if seq <= 1:
            return  # nothing below; and a purge without a sequence would purge the whole subject
        js = await self._context()
        await js.purge_stream(self.stream, subject=subject, seq=seq)

    def records(self, partition: int, after: int) -> AsyncGenerator[tuple[int, bytes, dict[str, str]], None]:
        """``(sequence, body, headers)`` of the partition's messages after ``after``, in order, then live.

        Reads message by message with JetStream's "next message of this subject at or after a sequence"
        (``STREAM.MSG.GET`` with ``next_by_subj``), so nothing is ever delivered to a request the client has
        given up on: a consumer without acknowledgements can lose a message that way. Polls every
        ``POLL_MIN_S`` to ``POLL_MAX_S`` while the partition is quiet. Waits until the generator is closed
        (``aclose``), its task cancelled (also when the cancel was lost in a NATS request:
        :func:`~opsuite_common.cancellation.raise_if_cancel_lost`), or this stream closed (then it ends);
        retries while NATS is unreachable.
        """
        self.subject(partition)  # fail here, not at the first __anext__
        return self._tail(partition, after)

    async def _tail(self, partition: int, after: int) -> AsyncGenerator[tuple[int, bytes, dict[str, str]], None]:
        last, pause, retry = after, POLL_MIN_S, 0.1
        subject = self.subject(partition)
        while not self._closed:
            raise_if_cancel_lost()
            try:
                js = await self._context()
                msg = await js.get_msg(self.stream, seq=last + 1, subject=subject, next=True)
            except NotFoundError:
                await asyncio.sleep(pause)  # nothing newer yet
                pause = min(pause * 2, POLL_MAX_S)
                continue
            except NatsError as exc:
                if self._closed:
                    break
                log.warning("partition read failed; retrying", partition=partition, after=last, error=str(exc))
                await asyncio.sleep(retry)
                retry = min(retry * 2, RETRY_MAX_S)
                continue
            pause, retry = POLL_MIN_S, 0.1
            seq = int(msg.seq)
            if seq > last:
                last = seq
                yield seq, msg.data or b"", dict(msg.headers or {})

    async def close(self) -> None:
        """Drain and close the connection; open tails end."""
        self._closed = True
        if self._nc is not None:
            nc, self._nc, self._js = self._nc, None, None
            await nc.drain()


class Leases:
    """This replica's heartbeat and partition leases in a JetStream key-value bucket (connects on first use).

    Calls for one partition should not overlap (one task runs a replica's lease loop).
    """

    def __init__(
        self,
        url: str,
        replica_id: str,
        *,
        bucket: str = BUCKET,
        ttl_s: float = 6.0,
        timeout_s: float = 5.0,
    ) -> None:
        if not replica_id:
            raise ValueError("a replica id must not be empty")
        self.url, self.replica_id, self.bucket, self.ttl_s, self.timeout_s = url, replica_id, bucket, ttl_s, timeout_s
        self._value = replica_id.encode()
        self._nc: Any = None
        self._kv: Any = None
        self._lock = asyncio.Lock()
        self._held: dict[int, tuple[int, float]] = {}  # partition -> (revision, lease_clock() when the write left)

    async def _context(self) -> Any:
        if self._kv is not None:
            return self._kv
        async with self._lock:
            if self._kv is None:
                nc = await _connect(self.url, self.timeout_s)
                js = nc.jetstream(timeout=self.timeout_s)
                try:
                    kv = await js.key_value(self.bucket)
                except BucketNotFoundError:
                    try:
                        kv = await js.create_key_value(
                            bucket=self.bucket, ttl=self.ttl_s, history=1, storage=api.StorageType.FILE
                        )
                    except BadRequestError:  # another replica created it at the same time, perhaps otherwise
                        kv = await js.key_value(self.bucket)
                status = await kv.status()
                if status.ttl is None or abs(status.ttl - self.ttl_s) > 1e-3:
                    log.warning("lease bucket ttl changed", bucket=self.bucket, was=status.ttl, now=self.ttl_s)
                    config = status.stream_info.config.evolve(
                        max_age=self.ttl_s, duplicate_window=min(self.ttl_s, 120.0)
                    )
                    await js.update_stream(config)
                self._nc, self._kv = nc, kv
                log.info("leases on JetStream", url=self.url, bucket=self.bucket, replica=self.replica_id)
        return self._kv

    @staticmethod
    def _key(partition: int) -> str:
        return f"partition.{partition}"

    @property
    def owned(self) -> frozenset[int]:
        """The partitions this instance believes it holds (acquired or renewed, not lost or released)."""
        return frozenset(self._held)

    def expires_at(self, partition: int) -> float | None:
        """When (:func:`lease_clock`) a held lease may expire unless renewed; None if not held.

        Counted from before the last successful write was sent, so it is never later than the server's
        expiry.
        """
        held = self._held.get(partition)
        return None if held is None else held[1] + self.ttl_s

    async def heartbeat(self) -> None:
        """Say this replica is alive for another TTL (puts ``replica.<id>``)."""
        kv = await self._context()
        await kv.put(f"replica.{key_safe(self.replica_id)}", self._value)

    async def live_replicas(self) -> list[str]:
        """The ids of the replicas whose heartbeat has not expired, sorted."""
        kv = await self._context()
        try:
            keys = await kv.keys()
        except NoKeysError:
            return []
        return sorted(key_unsafe(k.removeprefix("replica.")) for k in keys if k.startswith("replica."))

    async def acquire(self, partition: int) -> bool:
        """Take a partition's lease if no live entry holds it; True if this replica holds it now.

        A lease already held is renewed instead; an entry holding this replica's id is adopted.
        """
        if partition in self._held:
            return await self.renew(partition)
        kv = await self._context()
        sent = lease_clock()
        try:
            revision = await kv.create(self._key(partition), self._value)
        except (KeyWrongLastSequenceError, KeyNotFoundError):  # held, or expired while we looked
            return await self._adopt(kv, partition)
        self._held[partition] = (int(revision), sent)
        return True

    async def renew(self, partition: int) -> bool:
        """Write a held lease again (compare-and-set on its revision); False, and forgotten, if it was lost."""
        held = self._held.get(partition)
        if held is None:
            return False
        kv = await self._context()
        sent = lease_clock()
        try:
            revision = await kv.update(self._key(partition), self._value, last=held[0])
        except KeyWrongLastSequenceError:
            return await self._adopt(kv, partition)
        self._held[partition] = (int(revision), sent)
        return True

    async def _adopt(self, kv: Any, partition: int) -> bool:
        """Take over an entry that holds this replica's id; otherwise the partition is not ours."""
        self._held.pop(partition, None)
        try:
            entry = await kv.get(self._key(partition))
            if entry.value != self._value:
                return False
            sent = lease_clock()
            revision = await kv.update(self._key(partition), self._value, last=entry.revision)
        except (KeyNotFoundError, KeyWrongLastSequenceError):
            return False
        self._held[partition] = (int(revision), sent)
        return True

    async def release(self, partition: int) -> None:
        """Give a held lease back at once (delete if the entry is still the one we wrote); forget it."""
        held = self._held.pop(partition, None)
        if held is None:
            return
        kv = await self._context()
        try:
            await kv.delete(self._key(partition), last=held[0])
        except BadRequestError:  # wrong last sequence: it had already expired or changed hands
            pass

    async def owner(self, partition: int) -> str | None:
        """The replica id holding a partition's lease, None if nobody does."""
        kv = await self._context()
        try:
            entry = await kv.get(self._key(partition))
        except KeyNotFoundError:
            return None
        return bytes(entry.value or b"").decode(errors="replace")

    async def close(self) -> None:
        """Drain and close the connection. Leases held are not released: they expire after the TTL."""
        self._held.clear()
        if self._nc is not None:
            nc, self._nc, self._kv = self._nc, None, None
            await nc.drain()
