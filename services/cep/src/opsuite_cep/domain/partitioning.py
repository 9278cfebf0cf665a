"""Where a tenant's events are evaluated when cep replicas share the partitions of the event stream
(docs/architecture/cep.md, Replicas and partitions).

A rule whose groups are keyed by the event key (``key`` among its ``group_by`` / ``partition_by`` paths)
sees, per group, only events of one key, so it can be evaluated where that key's events are: the
partition ``partition_of(tenant, key)``. Every other rule is **tenant-wide** (its groups may mix keys: a
window over all events, a threshold grouped by host) and needs all of the tenant's events in one place:
the tenant's home partition ``home_of(tenant)``. The hash is CRC-32, stable across processes and
versions.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Literal

from opsuite_cep.domain.rules import AbsenceSpec, AnomalySpec, Rule, SequenceSpec, ThresholdSpec, WindowSpec

__all__ = ["Scope", "home_of", "is_keyed", "key_filter", "partition_of", "scope_of"]

#: ``keyed``: rules spread by event key; ``tenant``: tenant-wide rules, at the tenant's home partition.
Scope = Literal["keyed", "tenant"]


def partition_of(tenant: str, key: str, partitions: int) -> int:
    """The partition of a tenant's events with this key."""
    return zlib.crc32(f"{tenant}\x00{key}".encode()) % partitions


def key_filter(tenant: str, partition: int, partitions: int) -> Callable[[str], bool]:
    """Whether a key is ``partition``'s: a keyed unit watches only the expected keys hashed to it."""
    return lambda key: partition_of(tenant, key, partitions) == partition


def home_of(tenant: str, partitions: int) -> int:
    """The partition where a tenant's tenant-wide rules run."""
    return zlib.crc32(tenant.encode()) % partitions


def is_keyed(rule: Rule) -> bool:
    """Whether every group of ``rule`` holds events of one key only (so the rule can follow the key)."""
    spec = rule.spec
    if isinstance(spec, ThresholdSpec | WindowSpec | AnomalySpec):
        return "key" in spec.group_by
    if isinstance(spec, SequenceSpec | AbsenceSpec):
        return "key" in spec.partition_by
    return False


def scope_of(rule: Rule) -> Scope:
    """The scope a rule is evaluated in."""
    return "keyed" if is_keyed(rule) else "tenant"
