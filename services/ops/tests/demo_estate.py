"""Test helper: the demo estate as tools (hosts, services, metrics, deployments, changes, runbooks), 500-tool bench.

``demo_catalogue()`` is what tests and benchmarks plan against; its tool names, tags and schemas mirror the
demo APIs api_manager seeds ("expose as tool"). Data is deterministic. It lives with the tests, not in the
product: ops knows no estate's names (it reads them from the estate's tools, here ``list_hosts``).
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.entities import Inventory
from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.model import Budget, Tool
from opsuite_ops.domain.planning import PlanOutcome, PlanRequest

__all__ = [
    "DEMO_HOSTS",
    "DEMO_SERVICES",
    "demo_catalogue",
    "demo_inventory",
    "demo_tools",
    "plan_with_many_tools",
    "synthetic_tools",
]

DEMO_HOSTS = {
    "web-01": "checkout", "web-02": "checkout", "web-03": "search", "api-01": "payments",
    "db-01": "postgres", "db-02": "postgres", "cache-01": "redis",
}  # fmt: skip
DEMO_SERVICES = ("checkout", "search", "payments", "postgres", "redis")
_EPOCH = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


_HOST = {"type": "string", "description": "host name, e.g. web-01"}
_SERVICE = {"type": "string", "description": "service name, e.g. checkout"}
_STATUS = {"type": "string", "enum": ["up", "down", "degraded"]}
_SINCE = {"type": "string", "format": "date-time", "description": "start of the window (UTC)"}


def demo_tools() -> list[Tool]:
    """The demo estate's tools."""
    return [
        Tool("host_lookup", "Look up a host: its role, region, status and the service it runs",
             frozenset({"config"}), input_schema=_obj({"host": _HOST}, ["host"]),
             output_hints={"host": "rows[0].host", "service": "rows[0].service"}, idempotent=True),
        Tool("hosts_for_service", "Hosts that run a service, with their status",
             frozenset({"config", "graph"}), input_schema=_obj({"service": _SERVICE}, ["service"]),
             output_hints={"host": "rows[0].host"}, idempotent=True),
        Tool("cpu_by_host", "CPU utilisation (percent) of a host over time",
             frozenset({"metric", "cpu"}), input_schema=_obj({"host": _HOST, "since": _SINCE}, ["host", "since"]),
             idempotent=True),
        Tool("memory_by_host", "Memory usage (percent) of a host over time",
             frozenset({"metric", "memory"}), input_schema=_obj({"host": _HOST, "since": _SINCE}, ["host", "since"]),
             idempotent=True),
        Tool("latency_by_service", "p95 request latency (ms) of a service over time; slow responses",
             frozenset({"metric", "latency"}),
             input_schema=_obj({"service": _SERVICE, "since": _SINCE}, ["service", "since"]),
             idempotent=True),
        Tool("error_rate", "Current error rate (percent of requests failing) of a service",
             frozenset({"metric", "errors"}), input_schema=_obj({"service": _SERVICE}, ["service"]), idempotent=True),
        Tool("recent_deployments", "Deployments and releases of a service: what changed, version, who, when",
             frozenset({"history"}), input_schema=_obj({"service": _SERVICE, "since": _SINCE}, ["service", "since"]),
             output_hints={"service": "rows[0].service"}, idempotent=True),
        Tool("config_changes", "Configuration change history of a host or service: what changed and who changed it",
             frozenset({"history", "config"}),
             input_schema=_obj({"host": _HOST, "service": _SERVICE, "since": _SINCE}, ["since"]), idempotent=True),
        Tool("service_dependencies", "Upstream and downstream dependencies of a service (call graph)",
             frozenset({"graph"}), input_schema=_obj({"service": _SERVICE}, ["service"]), idempotent=True),
        Tool("search_runbooks", "Search runbooks and documentation pages",
             frozenset({"document"}), input_schema=_obj({"query": {"type": "string"}}, ["query"]), idempotent=True),
        Tool("list_hosts", "List every host in the estate with its role and status",
             frozenset({"config"}), input_schema=_obj({"status": _STATUS}, []),
             idempotent=True),
    ]  # fmt: skip


def _wave(key: str, i: int, base: float, spread: float) -> float:
    h = zlib.crc32(f"{key}:{i}".encode()) % 1000 / 1000
    return round(base + spread * h, 2)


def _series(key: str, since: str | None, base: float, spread: float, unit: str) -> dict[str, Any]:
    start = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else _EPOCH - timedelta(hours=1)
    points = [
        {"t": (start + timedelta(minutes=10 * i)).isoformat().replace("+00:00", "Z"), "v": _wave(key, i, base, spread)}
        for i in range(6)
    ]
    return {"series": points, "unit": unit}


async def _host_lookup(p: dict[str, Any]) -> Any:
    host = p["host"]
    if host not in DEMO_HOSTS:
        return {"rows": []}
    return {"rows": [{"host": host, "service": DEMO_HOSTS[host], "region": "eu-west-1", "status": "up"}]}


async def _hosts_for_service(p: dict[str, Any]) -> Any:
    return {"rows": [{"host": h, "status": "up"} for h, s in DEMO_HOSTS.items() if s == p["service"]]}


async def _cpu(p: dict[str, Any]) -> Any:
    return _series("cpu" + p["host"], p.get("since"), 35, 50, "%")


async def _mem(p: dict[str, Any]) -> Any:
    return _series("mem" + p["host"], p.get("since"), 50, 30, "%")


async def _latency(p: dict[str, Any]) -> Any:
    return _series("lat" + p["service"], p.get("since"), 80, 200, "ms")


async def _errors(p: dict[str, Any]) -> Any:
    return {"value": _wave("err" + p["service"], 0, 0.2, 6), "unit": "%"}


async def _deploys(p: dict[str, Any]) -> Any:
    svc = p["service"]
    return {"rows": [
        {"service": svc, "version": "2024.05.01-3", "by": "ci", "at": "2024-05-01T11:42:00Z",
         "change": "payment retries"},
        {"service": svc, "version": "2024.04.30-1", "by": "alice", "at": "2024-04-30T09:10:00Z",
         "change": "new cache keys"},
    ]}  # fmt: skip


async def _changes(p: dict[str, Any]) -> Any:
    target = p.get("host") or p.get("service") or "estate"
    return {"rows": [{"target": target, "key": "max_connections", "old": "100", "new": "200", "by": "bob"}]}


async def _deps(p: dict[str, Any]) -> Any:
    return {"rows": [{"from": p["service"], "to": "payments"}, {"from": p["service"], "to": "postgres"}]}


async def _runbooks(p: dict[str, Any]) -> Any:
    return f"**Runbook** for '{p['query']}': check recent deployments first, then error rates."


async def _list_hosts(p: dict[str, Any]) -> Any:
    return {"rows": [{"host": h, "service": s, "status": "up"} for h, s in DEMO_HOSTS.items()]}


_HANDLERS = {
    "host_lookup": _host_lookup, "hosts_for_service": _hosts_for_service, "cpu_by_host": _cpu,
    "memory_by_host": _mem, "latency_by_service": _latency, "error_rate": _errors,
    "recent_deployments": _deploys, "config_changes": _changes, "service_dependencies": _deps,
    "search_runbooks": _runbooks, "list_hosts": _list_hosts,
}  # fmt: skip


def demo_inventory() -> Inventory:
    """The names ``list_hosts`` reports, as the orchestrator hands them to the planner."""
    return Inventory(frozenset(DEMO_HOSTS), frozenset(DEMO_HOSTS.values()), ("list_hosts",))


def demo_catalogue() -> InMemoryCatalogue:
    """An in-memory catalogue of the demo tools with deterministic data."""
    return InMemoryCatalogue((t, _HANDLERS[t.name]) for t in demo_tools())


_WORDS = ("disk", "queue", "kafka", "dns", "tls", "cert", "pod", "node", "gc", "heap", "thread", "socket",
          "vpn", "bucket", "lambda", "index", "shard", "replica", "backup", "cron")  # fmt: skip


def synthetic_tools(n: int) -> list[Tool]:
    """``n`` plausible tools (the demo ones first) for planning benchmarks."""
    tools = demo_tools()
    i = 0
    while len(tools) < n:
        a, b = _WORDS[i % len(_WORDS)], _WORDS[(i // len(_WORDS)) % len(_WORDS)]
        tags = frozenset({("metric", "config", "history", "graph", "document")[i % 5]})
        tools.append(Tool(f"{a}_{b}_stats_{i}", f"{a.title()} {b} statistics and health for a host",
                          tags, input_schema=_obj({"host": _HOST}, ["host"]), idempotent=True))  # fmt: skip
        i += 1
    return tools[:n]


def plan_with_many_tools(
    question: str = "what is the cpu on web-01 over the last 2 hours",
    n_tools: int = 500,
    tools: list[Tool] | None = None,
) -> PlanOutcome:
    """One deterministic planning pass over ``n_tools`` tools (for ``bench/``; time it there)."""
    request = PlanRequest(
        question, tools or synthetic_tools(n_tools), Budget(), datetime.now(UTC), inventory=demo_inventory()
    )
    return DeterministicPlanner().plan_sync(request)
