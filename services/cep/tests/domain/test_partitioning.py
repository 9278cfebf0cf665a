"""Where events are evaluated when replicas share partitions: stable hashes, keyed and tenant-wide rules."""

from __future__ import annotations

from opsuite_cep.domain import parse_rule
from opsuite_cep.domain.partitioning import home_of, is_keyed, partition_of, scope_of


def _rule(kind: str, spec: dict[str, object]) -> object:
    return parse_rule({"name": "r", "kind": kind, "event_type": "metric", "spec": spec})


def test_partitions_are_stable_and_spread() -> None:
    assert partition_of("acme", "svc-1", 8) == partition_of("acme", "svc-1", 8)
    # pinned: replicas of different versions must agree on where a key's events go
    assert (partition_of("acme", "svc-1", 8), home_of("acme", 8), partition_of("acme", "svc-1", 1024)) == (2, 6, 642)
    spread = {partition_of("acme", f"svc-{i}", 8) for i in range(64)}
    assert len(spread) == 8  # 64 keys reach every partition
    assert 0 <= home_of("acme", 8) < 8 and home_of("acme", 8) == home_of("acme", 8)
    assert {partition_of(t, "k", 4) for t in ("a", "b", "c", "d", "e", "f", "g", "h")} != {0}


def test_a_rule_is_keyed_when_its_groups_follow_the_event_key() -> None:
    cond = {"field": "cpu", "op": ">", "value": 90}
    assert is_keyed(_rule("THRESHOLD", {"condition": cond, "group_by": ["key"]}))
    assert is_keyed(_rule("THRESHOLD", {"condition": cond, "group_by": ["key", "host"]}))
    assert scope_of(_rule("THRESHOLD", {"condition": cond, "group_by": ["host"]})) == "tenant"
    # one default for every kind: the envelope key (docs/cep-semantics.md #11); [] asks for one tenant-wide group
    assert scope_of(_rule("THRESHOLD", {"condition": cond})) == "keyed"
    assert scope_of(_rule("THRESHOLD", {"condition": cond, "group_by": []})) == "tenant"
    absence = {
        "trigger": {"alias": "a", "event_type": "hb"},
        "expected": {"alias": "b", "event_type": "hb"},
        "within": "20s",
    }
    assert is_keyed(_rule("ABSENCE", absence))  # partitioned by key unless told otherwise
    assert not is_keyed(_rule("ABSENCE", {**absence, "partition_by": ["host"]}))
