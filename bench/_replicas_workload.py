"""The workload of ``bench/cep_replicas.py``: tenants, rules and pre-built batches of events.

Every tenant has two keyed rules (grouped by the event key, so spread over the partitions) and two
tenant-wide ones (grouped by host, at the tenant's home partition); a last marker batch per tenant fires
``done-keyed`` once in every partition and ``done-tenant`` once at the home partition, so its alerts say
that every unit of the tenant evaluated everything. The probes of the takeover belong to a tenant of
their own (``PROBE``), so they change no other tenant's alerts.
"""

from __future__ import annotations

import random
from typing import Any

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.domain.partitioning import partition_of

PARTITIONS = 4
TENANTS = ("bench-a", "bench-b", "bench-c")
PROBE = "bench-probe"
BATCH = 500
STEP_S = 0.01  # event time between two events of a tenant
HOSTS, KEYS = 40, 64


def _threshold(name: str, etype: str, field: str, value: float, group_by: str, **extra: Any) -> dict[str, Any]:
    spec = {"condition": {"field": field, "op": ">", "value": value}, "group_by": [group_by]}
    return {"name": name, "kind": "THRESHOLD", "event_type": etype, "spec": spec, **extra}


_BURST = {"window": "tumbling", "size": "30s", "aggregate": "count", "op": ">", "threshold": 60, "group_by": ["key"]}
RULES: list[dict[str, Any]] = [
    _threshold("errors-high", "metric", "errors", 5, "key"),  # keyed
    {"name": "key-burst", "kind": "WINDOW", "event_type": "metric", "spec": _BURST},  # keyed
    _threshold("cpu-high", "metric", "cpu", 90, "host", **{"for": "20s"}),  # tenant-wide
    _threshold("mem-high", "metric", "mem", 95, "host"),  # tenant-wide
    _threshold("done-keyed", "marker", "value", 0, "key"),
    _threshold("done-tenant", "marker", "value", 0, "host"),
]
PROBE_RULE = _threshold("probe", "probe", "value", 0, "key")


def keys_covering(tenant: str, prefix: str) -> dict[int, str]:
    """One key per partition of ``tenant``."""
    out: dict[int, str] = {}
    for key in (f"{prefix}-{i}" for i in range(1000)):
        out.setdefault(partition_of(tenant, key, PARTITIONS), key)
    return out


def event(eid: str, etype: str, key: str, t: float, attrs: dict[str, Any]) -> cep_pb2.Event:
    """One event at time ``t`` (epoch seconds)."""
    ev = cep_pb2.Event(id=eid, type=etype, key=key, source="bench")
    ev.time.FromNanoseconds(int(t * 1e9))
    ev.attributes.update(attrs)
    return ev


def batches(tenant: str, seed: int, n: int, start: float) -> list[cep_pb2.PublishEventsRequest]:
    """``n`` batches of metric events from ``start`` on, then one batch of markers (one per partition)."""
    rnd = random.Random(seed)
    weights = [4.0 if k % 16 == 0 else 1.0 for k in range(KEYS)]  # a few busy keys fill their windows
    cpu = [(rnd.uniform(10, 70), 4.0) for _ in range(HOSTS)]
    mem = [(rnd.uniform(30, 80), 2.0) for _ in range(HOSTS)]
    cpu[3] = cpu[17] = (97.0, 1.0)  # fire (after ``for``) and stay firing
    mem[29] = (98.0, 1.0)
    bad = [False] * KEYS  # error episodes per key: its errors-high alert fires, later resolves
    out = []
    for b in range(n):
        req = cep_pb2.PublishEventsRequest()
        for j in range(BATCH):
            i = b * BATCH + j
            h = rnd.randrange(HOSTS)
            k = rnd.choices(range(KEYS), weights)[0]
            bad[k] = rnd.random() < (0.9 if bad[k] else 0.004)
            cpu_h, mem_h = (round(min(100.0, max(0.0, rnd.gauss(*dist[h]))), 2) for dist in (cpu, mem))
            attrs = {"host": f"web-{h:02d}", "cpu": cpu_h, "mem": mem_h, "errors": 9 if bad[k] else rnd.randrange(3)}
            req.events.append(event(f"{tenant}-{i}", "metric", f"svc-{k:02d}", start + i * STEP_S, attrs))
        out.append(req)
    end = start + n * BATCH * STEP_S
    markers = sorted(keys_covering(tenant, "done").items())
    attrs = {"host": "done", "value": 1}
    done = [event(f"{tenant}-done-{p}", "marker", key, end + p * STEP_S, attrs) for p, key in markers]
    out.append(cep_pb2.PublishEventsRequest(events=done))
    return out
