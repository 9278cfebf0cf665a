"""A second estate, unlike the demo in every name: a payments platform whose ledger database ran out of
connections.

Nothing here is known to ops: node names are hyphenated and numbered without padding (``pay-api-1``,
``ledger-db-2``), applications are hyphenated (``payments-api``, ``fraud-scoring``), tickets and changes
carry ids (``INC-4211``, ``CHG-1187``, ``REL-5521``), health is ``healthy | impaired | offline``, one metric
tool takes its window start as unix seconds and another a number of minutes, and the APIs are named and
shaped differently from the demo's.

The story (times relative to when the estate is built, minute-aligned, like the demo's):

- T-100m ``CHG-1187`` lowers ``pool_size`` on ledger-db-2 from 200 to 50 (approved by jules);
- T-90m release ``REL-5521`` ships payments-api ``v4.18.0`` ("ledger balance check per payment");
- T-85m the onset: ledger-db-2 holds all 50 connections and runs hot (78-88% CPU), payments-api's p99
  climbs from 120-160 ms to 1,800-2,400 ms and its failed requests from 0-3 to 40-60 a minute;
- T-80m ``INC-4211`` "Payments API timeouts" (sev2) is opened;
- T-20m ``CHG-1192`` turns on the fast_refunds flag of payments-api (after the onset: not a cause);
- fraud-worker-1 went offline at T-3h (no samples since) and ``INC-4212`` was opened for it.

:func:`build` writes the SQLite file; :func:`register` creates its data source and APIs through
api_manager's gRPC API (``CreateDataSource`` / ``CreateApi``), as a tenant's admin would.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, noise, obj, register_sql_estate

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["APIS", "DATA_SOURCE", "NODES", "build", "register"]

DATA_SOURCE = "ledgerops"

NODES = [
    # node_id, app, dc, health, cores
    ("pay-api-1", "payments-api", "fra2", "healthy", 8),
    ("pay-api-2", "payments-api", "fra2", "impaired", 8),
    ("pay-api-3", "payments-api", "ams1", "healthy", 8),
    ("ledger-db-1", "ledger", "fra2", "healthy", 32),
    ("ledger-db-2", "ledger", "ams1", "impaired", 32),
    ("fraud-worker-1", "fraud-scoring", "fra2", "offline", 4),
    ("edge-lb-1", "edge-gateway", "fra2", "healthy", 4),
]
APPS = [
    # app, tier, oncall (no API exposes this table: "who is on call" cannot be answered)
    ("payments-api", "core", "dana"),
    ("ledger", "core", "eve"),
    ("fraud-scoring", "support", "frank"),
    ("edge-gateway", "edge", "gus"),
]
APP_LINKS = [
    ("edge-gateway", "payments-api"),
    ("payments-api", "ledger"),
    ("payments-api", "fraud-scoring"),
    ("fraud-scoring", "ledger"),
]
PLAYBOOKS = [
    ("PB-7", "Connection pool exhausted on a ledger database",
     "Raise pool_size back, then drain long transactions with pg_terminate_backend; page the ledger on-call."),
    ("PB-9", "Worker not consuming from the queue", "Restart the consumer and check the broker lag dashboard."),
    ("PB-12", "Elevated 5xx at the edge", "Check upstream health in edge-gateway, then the TLS certificates."),
]  # fmt: skip

ONSET = timedelta(minutes=85)
OFFLINE = timedelta(hours=3)


def _samples(now: datetime) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    onset = now - ONSET
    for step in range(24 * 12):  # every 5 minutes for 24 hours
        t = now - timedelta(minutes=5 * step)
        hot = t >= onset
        at = (iso(t), int(t.timestamp()))
        for node, app, *_ in NODES:
            if node == "fraud-worker-1" and t >= now - OFFLINE:
                continue
            cpu = 18 + 12 * math.cos(step / 15) ** 2 + 8 * noise("cpu" + node, step)
            if node == "ledger-db-2" and hot:
                cpu = 78 + 10 * noise("hot", step)
            rows.append((node, app, "cpu_pct", *at, round(cpu, 1)))
            if app == "ledger":
                conns = 50 if node == "ledger-db-2" and hot else 20 + int(15 * noise("conn" + node, step))
                rows.append((node, app, "conn_used", *at, conns))
        for app, *_ in APPS:
            p99 = 120 + 40 * noise("p99" + app, step) if app != "edge-gateway" else 40 + 30 * noise("edge", step)
            errors = float(int(4 * noise("err" + app, step)))
            if app == "payments-api" and hot:
                p99, errors = 1800 + 600 * noise("slow", step), float(40 + int(20 * noise("fail", step)))
            rows.append((None, app, "p99_ms", *at, round(p99, 1)))
            rows.append((None, app, "errors_per_min", *at, errors))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE nodes (node_id TEXT PRIMARY KEY, app TEXT, dc TEXT, health TEXT, cores INTEGER);
        CREATE TABLE apps (app TEXT PRIMARY KEY, tier TEXT, oncall TEXT);
        CREATE TABLE app_links (caller TEXT, callee TEXT);
        CREATE TABLE samples (node_id TEXT, app TEXT, kind TEXT, at TEXT, at_epoch INTEGER, val REAL);
        CREATE INDEX samples_node ON samples (kind, node_id, at_epoch);
        CREATE INDEX samples_app ON samples (kind, app, at_epoch);
        CREATE TABLE releases (release_id TEXT PRIMARY KEY, app TEXT, build TEXT, shipped_by TEXT,
                               shipped_at TEXT, notes TEXT);
        CREATE TABLE change_requests (change_id TEXT PRIMARY KEY, target TEXT, summary TEXT, approved_by TEXT,
                                      applied_at TEXT);
        CREATE TABLE tickets (ticket TEXT PRIMARY KEY, app TEXT, severity TEXT, state TEXT, opened_at TEXT,
                              title TEXT);
        CREATE TABLE playbooks (pb_id TEXT PRIMARY KEY, name TEXT, steps TEXT);
        """
    )
    db.executemany("INSERT INTO nodes VALUES (?,?,?,?,?)", NODES)
    db.executemany("INSERT INTO apps VALUES (?,?,?)", APPS)
    db.executemany("INSERT INTO app_links VALUES (?,?)", APP_LINKS)
    db.executemany("INSERT INTO playbooks VALUES (?,?,?)", PLAYBOOKS)
    db.executemany("INSERT INTO samples VALUES (?,?,?,?,?,?)", _samples(now))

    def ago(**kw: float) -> str:
        return iso(now - timedelta(**kw))

    db.executemany(
        "INSERT INTO releases VALUES (?,?,?,?,?,?)",
        [
            ("REL-5521", "payments-api", "v4.18.0", "deploy-bot", ago(minutes=90), "ledger balance check per payment"),
            ("REL-5498", "payments-api", "v4.17.2", "hana", ago(hours=30), "retry jitter"),
            ("REL-5502", "ledger", "v2.3.0", "ivan", ago(hours=8), "index on entries(account_id)"),
            ("REL-5470", "edge-gateway", "v1.9.0", "hana", ago(days=3), "HTTP/2 upstreams"),
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO change_requests VALUES (?,?,?,?,?)",
        [
            ("CHG-1187", "ledger-db-2", "pool_size 200 -> 50", "jules", ago(minutes=100)),
            ("CHG-1190", "edge-lb-1", "idle_timeout 60s -> 30s", "kim", ago(hours=12)),
            ("CHG-1192", "payments-api", "feature flag fast_refunds on", "jules", ago(minutes=20)),
        ],
    )
    db.executemany(
        "INSERT INTO tickets VALUES (?,?,?,?,?,?)",
        [
            ("INC-4211", "payments-api", "sev2", "open", ago(minutes=80), "Payments API timeouts"),
            ("INC-4212", "fraud-scoring", "sev3", "open", ago(hours=3), "fraud-worker-1 not consuming"),
            ("INC-4107", "edge-gateway", "sev3", "resolved", ago(days=3), "edge-lb-1 TLS certificate renewal"),
        ],
    )
    db.commit()
    db.close()
    return now


_NODE = {"type": "string", "description": "node id, e.g. pay-api-1"}
_APP = {"type": "string", "description": "application name, e.g. payments-api"}
_AFTER = {"type": "string", "format": "date-time", "description": "only what happened after this instant (UTC)"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, tuple[str, list[str], str, dict[str, Any]]] = {
    "fleet_inventory": (
        "Inventory of the fleet: every node with its application, datacenter and health",
        ["config", "inventory"],
        "SELECT node_id, app, dc, health FROM nodes WHERE (:health = '' OR health = :health) ORDER BY node_id",
        obj({"health": {"type": "string", "enum": ["", "healthy", "impaired", "offline"], "default": ""}}),
    ),
    "node_details": (
        "Details of one node: application, datacenter, health and cores",
        ["config", "inventory"],
        "SELECT node_id, app, dc, health, cores FROM nodes WHERE node_id = :node_id",
        obj({"node_id": _NODE}, ["node_id"]),
    ),
    "nodes_of_app": (
        "Nodes serving an application, with their health",
        ["config", "graph"],
        "SELECT node_id, health, dc FROM nodes WHERE app = :app ORDER BY node_id",
        obj({"app": _APP}, ["app"]),
    ),
    "node_cpu": (
        "CPU busy percentage of a node, one sample every 5 minutes",
        ["metric", "cpu"],
        "SELECT at, val AS cpu_pct FROM samples WHERE kind = 'cpu_pct' AND node_id = :node_id "
        "AND at_epoch >= :start_time ORDER BY at_epoch",
        obj(
            {"node_id": _NODE, "start_time": {"type": "integer", "description": "window start, unix seconds"}},
            ["node_id", "start_time"],
        ),
    ),
    "db_connections": (
        "Connections in use on a database node over time (connection pool saturation)",
        ["metric", "database"],
        "SELECT at, val AS connections FROM samples WHERE kind = 'conn_used' AND node_id = :node_id "
        "AND julianday(at) >= julianday(:after) ORDER BY at_epoch",
        obj({"node_id": _NODE, "after": _AFTER}, ["node_id", "after"]),
    ),
    "app_p99": (
        "p99 response time (milliseconds) of an application over the last N minutes",
        ["metric", "latency"],
        "SELECT at, val AS p99_ms FROM samples WHERE kind = 'p99_ms' AND app = :app "
        "AND at_epoch >= CAST(strftime('%s', 'now') AS INTEGER) - :window_minutes * 60 ORDER BY at_epoch",
        obj({"app": _APP, "window_minutes": {"type": "integer", "minimum": 1, "default": 60}}, ["app"]),
    ),
    "app_errors": (
        "Failed requests per minute of an application over time",
        ["metric", "errors"],
        "SELECT at, val AS failed_per_min FROM samples WHERE kind = 'errors_per_min' AND app = :app "
        "AND julianday(at) >= julianday(:after) ORDER BY at_epoch",
        obj({"app": _APP, "after": _AFTER}, ["app", "after"]),
    ),
    "release_history": (
        "Releases (builds shipped) of an application: build, who shipped it, when, release notes",
        ["history"],
        "SELECT release_id, app, build, shipped_by, shipped_at, notes FROM releases WHERE app = :app "
        "AND julianday(shipped_at) >= julianday(:after) ORDER BY shipped_at DESC",
        obj({"app": _APP, "after": _AFTER}, ["app", "after"]),
    ),
    "change_log": (
        "Approved change requests (CHG tickets) applied to nodes or applications",
        ["history", "config"],
        "SELECT change_id, target, summary, approved_by, applied_at FROM change_requests "
        "WHERE julianday(applied_at) >= julianday(:after) AND (:target = '' OR target = :target) "
        "ORDER BY applied_at DESC",
        obj(
            {"after": _AFTER, "target": {"type": "string", "default": "", "description": "node or application"}},
            ["after"],
        ),
    ),
    "incident": (
        "One incident ticket (INC-nnnn): severity, state, title and when it was opened",
        ["history", "incident"],
        "SELECT ticket, app, severity, state, opened_at, title FROM tickets WHERE ticket = :ticket",
        obj({"ticket": {"type": "string", "description": "ticket id, e.g. INC-1000"}}, ["ticket"]),
    ),
    "incidents_for_app": (
        "Incident tickets of an application, open or resolved",
        ["history", "incident"],
        "SELECT ticket, severity, state, opened_at, title FROM tickets WHERE app = :app AND state = :state "
        "ORDER BY opened_at DESC",
        obj({"app": _APP, "state": {"type": "string", "enum": ["open", "resolved"], "default": "open"}}, ["app"]),
    ),
    "call_graph": (
        "Which applications call which: the callers and callees of an application",
        ["graph"],
        "SELECT caller, callee FROM app_links WHERE caller = :app OR callee = :app",
        obj({"app": _APP}, ["app"]),
    ),
    "playbook_search": (
        "Full-text search over the on-call playbooks",
        ["document"],
        "SELECT pb_id, name, steps FROM playbooks WHERE instr(lower(name || ' ' || steps), lower(:text)) > 0",
        obj({"text": {"type": "string", "description": "words to look for"}}, ["text"]),
    ),
}


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="ledger operations store", apis=APIS
    )
