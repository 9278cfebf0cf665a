"""Test helper: a small estate with its own naming and APIs (not the demo's), for the planner's name handling.

Hosts ``pay-api-1``, ``pay-api-2``, ``ledger-db-1``; services ``payments-api``, ``payments`` (a different
one: names must be kept whole), ``ledger``. The inventory tool is ``whats_deployed``, whose name says
nothing: ops must recognise it by its schema (no required argument, idempotent) and its output (rows with
``hostname`` and ``app`` columns).
"""

from __future__ import annotations

from typing import Any

from opsuite_ops.domain.in_memory import InMemoryCatalogue
from opsuite_ops.domain.model import Tool

__all__ = ["PAY_HOSTS", "pay_catalogue", "pay_tools"]

PAY_HOSTS = {"pay-api-1": "payments-api", "pay-api-2": "payments-api", "ledger-db-1": "ledger", "pay-3": "payments"}
STATES = {"pay-api-1": "healthy", "pay-api-2": "degraded", "ledger-db-1": "down", "pay-3": "healthy"}


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


_FROM = {"type": "string", "format": "date-time"}


def pay_tools() -> list[Tool]:
    """The estate's tools (names and parameters unlike the demo's)."""
    return [
        Tool("whats_deployed", "Every machine of the fleet with the app (service) it runs", frozenset({"config"}),
             input_schema=_obj({}, []), idempotent=True),
        Tool("proc_load", "Processor load of a machine (percent)", frozenset({"metric", "cpu"}),
             input_schema=_obj({"hostname": {"type": "string"}, "from": _FROM}, ["hostname", "from"]),
             idempotent=True),
        Tool("mem_usage", "Memory usage of a machine (percent)", frozenset({"metric", "memory"}),
             input_schema=_obj({"hostname": {"type": "string"}}, ["hostname"]), idempotent=True),
        Tool("app_errors", "Failed requests of an application (errors per minute)", frozenset({"metric", "errors"}),
             input_schema=_obj({"app": {"type": "string"}}, ["app"]), idempotent=True),
        Tool("fleet_by_state", "Machines of the fleet in a given state", frozenset({"config"}),
             input_schema=_obj({"state": {"type": "string", "enum": ["healthy", "degraded", "down"]}}, ["state"]),
             idempotent=True),
        Tool("find_docs", "Search the knowledge base articles", frozenset({"document"}),
             input_schema=_obj({"q": {"type": "string"}}, ["q"]), idempotent=True),
        Tool("ticket_details", "Details of an incident ticket", frozenset({"history"}),
             input_schema=_obj({"ticket_id": {"type": "string"}}, ["ticket_id"]), idempotent=True),
        Tool("rollouts", "Rollouts of an app since a day", frozenset({"history"}),
             input_schema=_obj({"app": {"type": "string"}, "day": {"type": "string", "format": "date"}},
                               ["app", "day"]), idempotent=True),
    ]  # fmt: skip


async def _deployed(_p: dict[str, Any]) -> Any:
    return {"rows": [{"hostname": h, "app": a, "state": STATES[h]} for h, a in PAY_HOSTS.items()]}


async def _load(p: dict[str, Any]) -> Any:
    if p["hostname"] not in PAY_HOSTS:
        return {"columns": ["ts", "value"], "rows": [], "row_count": 0}
    return {"rows": [{"ts": p["from"], "value": 42.0 if p["hostname"] == "pay-api-1" else 91.0}]}


async def _mem(p: dict[str, Any]) -> Any:
    return {"rows": [{"hostname": p["hostname"], "value": 63.0}]}


async def _errors(p: dict[str, Any]) -> Any:
    return {"rows": [{"app": p["app"], "errors_per_minute": 12 if p["app"] == "payments-api" else 1}]}


async def _by_state(p: dict[str, Any]) -> Any:
    return {"rows": [{"hostname": h} for h, s in STATES.items() if s == p["state"]]}


async def _docs(p: dict[str, Any]) -> Any:
    words = p["q"].lower().split()
    article = "Connection pool exhaustion: raise max_connections, then restart payments-api"
    return {"rows": [{"title": article}] if all(w in article.lower() for w in words) else []}


async def _ticket(p: dict[str, Any]) -> Any:
    return {"rows": [{"ticket": p["ticket_id"], "title": "payments-api 502s"}]}


async def _rollouts(p: dict[str, Any]) -> Any:
    return {"rows": [{"app": p["app"], "version": "7.1.0", "day": p["day"]}]}


_HANDLERS = {
    "whats_deployed": _deployed, "proc_load": _load, "mem_usage": _mem, "app_errors": _errors,
    "fleet_by_state": _by_state, "find_docs": _docs, "ticket_details": _ticket, "rollouts": _rollouts,
}  # fmt: skip


def pay_catalogue(*, without: tuple[str, ...] = ()) -> InMemoryCatalogue:
    """The estate as an in-memory catalogue (``without``: tools left out)."""
    return InMemoryCatalogue((t, _HANDLERS[t.name]) for t in pay_tools() if t.name not in without)
