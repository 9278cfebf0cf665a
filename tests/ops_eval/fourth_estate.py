"""A fourth estate, held out from the planner's tuning: a data platform with Kafka, ETL and a warehouse.

Written without reading the planner. Names and APIs are unlike the other estates': Kafka brokers ``kb-3``
in clusters ``kc-eu-central`` / ``kc-us-east``, topics ``orders.v2``, consumer groups ``cg-invoicing``, ETL
jobs ``nightly_rollup``, warehouse tables ``wh_analytics.orders_fact``, buckets ``logs-archive-eu``,
incidents ``SEV-1041``, ServiceNow-style change tickets ``CHG0031337``, runbooks ``RB-12``. Broker state is
``online | degraded | offline``; job-run status is ``succeeded | failed | running``. Parameters are named
``group``, ``topic``, ``since``, ``broker``, ``cluster``, ``state``, ``job``, ``status``, ``table``,
``bucket``, ``sev_id``, ``ci``, ``service_area`` and ``terms``.

The story (times relative to when the estate is built, minute-aligned):

- T-6h10m ``CHG0031301``: rack B power-supply swap under kb-3 (by farid);
- T-6h kb-3's under-replicated partitions go from 0 to 4-9 (and it is ``degraded``);
- T-7h the nightly_rollup run fails ("timeout waiting for partition orders_fact/dt=...");
  wh_analytics.orders_fact was last loaded 31 hours ago;
- T-85m ``CHG0031337``: invoice-consumer 4.2.0 deployed for cg-invoicing ("exactly-once, max.poll.records
  500 -> 50", by dana);
- T-80m the onset: cg-invoicing's lag on orders.v2 goes from 50-449 messages to 40,000-55,999;
- T-60m ``SEV-1041`` (SEV2, investigating, commander ikechukwu): "invoices delayed: cg-invoicing lag on
  orders.v2";
- T-40m the invoice_export job fails ("upstream consumer lag over threshold");
- T-30m ``CHG0031342``: lifecycle rule on logs-archive-eu, Glacier after 30 days (by mei; not a cause).

kb-5 is offline (no broker samples for the last 2 hours). No API reports broker disk, latency, costs,
schema registry or ACLs.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, noise, obj, register_sql_estate

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["APIS", "BROKERS", "DATA_SOURCE", "build", "register"]

DATA_SOURCE = "dataplatform"

BROKERS = [
    # broker, cluster, rack, state, kafka_version
    ("kb-1", "kc-eu-central", "rack-a", "online", "3.7.0"),
    ("kb-2", "kc-eu-central", "rack-a", "online", "3.7.0"),
    ("kb-3", "kc-eu-central", "rack-b", "degraded", "3.7.0"),
    ("kb-4", "kc-eu-central", "rack-c", "online", "3.7.0"),
    ("kb-5", "kc-us-east", "rack-u1", "offline", "3.6.1"),
    ("kb-6", "kc-us-east", "rack-u2", "online", "3.6.1"),
]
LAG_SERIES = [
    # group, topic
    ("cg-invoicing", "orders.v2"),
    ("cg-search-feed", "orders.v2"),
    ("cg-audit", "payments.v1"),
]
BUCKETS = [
    # bucket, region, base size in GiB, daily growth in GiB, objects (millions)
    ("logs-archive-eu", "eu-central-1", 48200, 310, 912),
    ("ml-features-us", "us-east-1", 7300, 12, 41),
    ("wh-staging-eu", "eu-central-1", 1850, 95, 6),
]
ESCALATION = [
    # service area, primary, secondary, manager, hours until handover
    ("streaming", "dana", "farid", "olusegun", 14),
    ("warehouse", "mei", "jonas", "olusegun", 30),
    ("storage", "farid", "mei", "petra", 6),
]
RUNBOOKS = [
    ("RB-12", "Consumer group falling behind",
     "Compare the lag with the group's last deploy; check max.poll.records and processing time per batch; "
     "scale the consumer deployment or roll back the consumer release."),
    ("RB-07", "Under-replicated partitions after broker maintenance",
     "Check the broker's log dirs and ISR shrink rate; run preferred replica election once the broker is back."),
    ("RB-21", "Rerunning a failed warehouse load",
     "Find the failed run in the scheduler, fix the upstream partition, then trigger a backfill for the date."),
]  # fmt: skip

LAG_ONSET = timedelta(minutes=80)
URP_ONSET = timedelta(hours=6)
BROKER_DOWN = timedelta(hours=2)


def _series(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Consumer lag and broker health: one row per 5 minutes for 24 hours."""
    lag: list[tuple[Any, ...]] = []
    health: list[tuple[Any, ...]] = []
    for step in range(24 * 12):
        t = now - timedelta(minutes=5 * step)
        at = (iso(t), int(t.timestamp()))
        for group, topic in LAG_SERIES:
            n = 50 + int(400 * noise("lag" + group, step))
            if group == "cg-invoicing" and t >= now - LAG_ONSET:
                n = 40000 + int(16000 * noise("laghot", step))
            lag.append((group, topic, *at, n))
        for broker, *_ in BROKERS:
            if broker == "kb-5" and t >= now - BROKER_DOWN:
                continue
            cpu = 18 + 22 * noise("cpu" + broker, step)
            urp = 0
            if broker == "kb-3" and t >= now - URP_ONSET:
                urp = 4 + int(6 * noise("urp", step))
            health.append((broker, *at, round(cpu, 1), urp))
    return lag, health


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE brokers (broker TEXT PRIMARY KEY, cluster TEXT, rack TEXT, state TEXT, kafka_version TEXT);
        CREATE TABLE lag (grp TEXT, topic TEXT, ts TEXT, ts_epoch INTEGER, messages_behind INTEGER);
        CREATE TABLE broker_samples (broker TEXT, ts TEXT, ts_epoch INTEGER, cpu_pct REAL,
                                     under_replicated INTEGER);
        CREATE TABLE job_runs (run_id INTEGER PRIMARY KEY, job TEXT, started TEXT, finished TEXT, status TEXT,
                               rows_written INTEGER, error TEXT);
        CREATE TABLE freshness (tbl TEXT PRIMARY KEY, warehouse TEXT, last_loaded TEXT, loaded_by TEXT,
                                row_count INTEGER);
        CREATE TABLE storage (bucket TEXT, region TEXT, day TEXT, size_gib INTEGER, objects_millions INTEGER);
        CREATE TABLE incidents (sev_id TEXT PRIMARY KEY, severity TEXT, state TEXT, title TEXT,
                                commander TEXT, opened TEXT);
        CREATE TABLE changes (number TEXT PRIMARY KEY, ci TEXT, short_description TEXT, assigned_to TEXT,
                              implemented TEXT);
        CREATE TABLE escalation (service_area TEXT PRIMARY KEY, primary_contact TEXT, secondary_contact TEXT,
                                 escalation_manager TEXT, handover TEXT);
        CREATE TABLE runbooks (doc_id TEXT PRIMARY KEY, title TEXT, body TEXT);
        """
    )
    lag, health = _series(now)
    db.executemany("INSERT INTO brokers VALUES (?,?,?,?,?)", BROKERS)
    db.executemany("INSERT INTO lag VALUES (?,?,?,?,?)", lag)
    db.executemany("INSERT INTO broker_samples VALUES (?,?,?,?,?)", health)
    db.executemany("INSERT INTO runbooks VALUES (?,?,?)", RUNBOOKS)

    def ago(**kw: float) -> str:
        return iso(now - timedelta(**kw))

    storage = []
    for bucket, region, base, growth, objects in BUCKETS:
        for d in range(7):
            day = (now - timedelta(days=d)).strftime("%Y-%m-%d")
            storage.append((bucket, region, day, base - growth * d, objects))
    db.executemany("INSERT INTO storage VALUES (?,?,?,?,?)", storage)
    db.executemany(
        "INSERT INTO escalation VALUES (?,?,?,?,?)",
        [(a, p, s, m, iso(now + timedelta(hours=h))) for a, p, s, m, h in ESCALATION],
    )
    db.executemany(
        "INSERT INTO job_runs VALUES (?,?,?,?,?,?,?)",
        [
            (101, "nightly_rollup", ago(days=3, hours=7), ago(days=3, hours=6), "succeeded", 1840221, ""),
            (102, "nightly_rollup", ago(days=2, hours=7), ago(days=2, hours=6), "succeeded", 1862310, ""),
            (103, "nightly_rollup", ago(days=1, hours=7), ago(days=1, hours=6), "succeeded", 1877004, ""),
            (104, "nightly_rollup", ago(hours=7), ago(hours=6), "failed", 0,
             "timeout waiting for partition orders_fact/dt=" + (now - timedelta(days=1)).strftime("%Y-%m-%d")),
            (201, "invoice_export", ago(hours=2, minutes=40), ago(hours=2, minutes=35), "succeeded", 5120, ""),
            (202, "invoice_export", ago(minutes=40), ago(minutes=38), "failed", 0,
             "upstream consumer lag over threshold"),
            (301, "hourly_sessionize", ago(hours=1, minutes=55), ago(hours=1, minutes=50), "succeeded", 220417, ""),
            (302, "hourly_sessionize", ago(minutes=55), ago(minutes=50), "succeeded", 219876, ""),
            (303, "hourly_sessionize", ago(minutes=5), "", "running", 0, ""),
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO freshness VALUES (?,?,?,?,?)",
        [
            ("orders_fact", "wh_analytics", ago(hours=31), "nightly_rollup", 412009331),
            ("sessions", "wh_analytics", ago(minutes=50), "hourly_sessionize", 98114420),
            ("invoices", "wh_finance", ago(hours=2, minutes=35), "invoice_export", 7702215),
        ],
    )
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?)",
        [
            ("SEV-1041", "SEV2", "investigating", "invoices delayed: cg-invoicing lag on orders.v2", "ikechukwu",
             ago(minutes=60)),
            ("SEV-1038", "SEV3", "resolved", "kb-6 disk alarm flapping", "farid", ago(days=4)),
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?)",
        [
            ("CHG0031290", "kb-1", "JVM heap 6g -> 8g", "farid", ago(hours=26)),
            ("CHG0031301", "kb-3", "rack B power-supply swap", "farid", ago(hours=6, minutes=10)),
            ("CHG0031337", "cg-invoicing", "invoice-consumer 4.2.0: exactly-once, max.poll.records 500 -> 50",
             "dana", ago(minutes=85)),
            ("CHG0031342", "logs-archive-eu", "lifecycle rule: Glacier after 30 days", "mei", ago(minutes=30)),
        ],
    )  # fmt: skip
    db.commit()
    db.close()
    return now


_SINCE = {"type": "string", "format": "date-time", "description": "start of the period (UTC, RFC 3339)"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, tuple[str, list[str], str, dict[str, Any]]] = {
    "list_brokers": (
        "Kafka brokers of every cluster with rack, state and Kafka version",
        ["config", "inventory", "kafka"],
        "SELECT broker, cluster, rack, state, kafka_version FROM brokers "
        "WHERE (:cluster = '' OR cluster = :cluster) AND (:state = '' OR state = :state) ORDER BY broker",
        obj(
            {
                "cluster": {"type": "string", "default": "", "description": "Kafka cluster, empty for all"},
                "state": {"type": "string", "enum": ["", "online", "degraded", "offline"], "default": ""},
            }
        ),
    ),
    "consumer_lag": (
        "Messages behind (lag) of a Kafka consumer group, per topic, sampled every 5 minutes",
        ["metric", "kafka"],
        "SELECT ts, topic, messages_behind FROM lag WHERE grp = :group AND (:topic = '' OR topic = :topic) "
        "AND julianday(ts) >= julianday(:since) ORDER BY ts_epoch, topic",
        obj(
            {
                "group": {"type": "string", "description": "consumer group id, e.g. cg-payments"},
                "topic": {"type": "string", "default": "", "description": "topic, e.g. events.v1; empty for all"},
                "since": _SINCE,
            },
            ["group", "since"],
        ),
    ),
    "broker_health": (
        "CPU percent and under-replicated partitions of a Kafka broker, 5-minute samples over the last day",
        ["metric", "kafka"],
        "SELECT ts, cpu_pct, under_replicated FROM broker_samples WHERE broker = :broker ORDER BY ts_epoch",
        obj({"broker": {"type": "string", "description": "broker id, e.g. kb-1"}}, ["broker"]),
    ),
    "job_runs": (
        "Runs of the ETL scheduler's jobs: start, finish, status, rows written and error",
        ["history", "etl"],
        "SELECT run_id, job, started, finished, status, rows_written, error FROM job_runs "
        "WHERE (:job = '' OR job = :job) AND (:status = '' OR status = :status) ORDER BY started DESC",
        obj(
            {
                "job": {"type": "string", "default": "", "description": "job name, empty for all"},
                "status": {"type": "string", "enum": ["", "succeeded", "failed", "running"], "default": ""},
            }
        ),
    ),
    "table_freshness": (
        "When a warehouse table was last loaded, by which job, and its row count",
        ["config", "warehouse"],
        "SELECT tbl, warehouse, last_loaded, loaded_by, row_count FROM freshness WHERE tbl = :table",
        obj({"table": {"type": "string", "description": "table name without warehouse, e.g. customers"}}, ["table"]),
    ),
    "storage_usage": (
        "Daily size (GiB) and object count (millions) of an object-storage bucket over the last week",
        ["metric", "storage"],
        "SELECT day, bucket, region, size_gib, objects_millions FROM storage WHERE bucket = :bucket ORDER BY day",
        obj({"bucket": {"type": "string", "description": "bucket name, e.g. backups-us"}}, ["bucket"]),
    ),
    "incident": (
        "One incident record (SEV-nnnn): severity, state, title, incident commander and when it was opened",
        ["history", "incident"],
        "SELECT sev_id, severity, state, title, commander, opened FROM incidents WHERE sev_id = :sev_id",
        obj({"sev_id": {"type": "string", "description": "incident id, e.g. SEV-1000"}}, ["sev_id"]),
    ),
    "change_tickets": (
        "Implemented ServiceNow change tickets (CHGnnnnnnn) with configuration item, description and assignee",
        ["history", "config"],
        "SELECT number, ci, short_description, assigned_to, implemented FROM changes "
        "WHERE julianday(implemented) >= julianday(:since) AND (:ci = '' OR ci = :ci) ORDER BY implemented DESC",
        obj(
            {
                "since": _SINCE,
                "ci": {"type": "string", "default": "", "description": "configuration item: broker, group, bucket"},
            },
            ["since"],
        ),
    ),
    "escalation_policy": (
        "Escalation policy of a service area: primary and secondary contact, escalation manager, next handover",
        ["config"],
        "SELECT service_area, primary_contact, secondary_contact, escalation_manager, handover FROM escalation "
        "WHERE service_area = :service_area",
        obj({"service_area": {"type": "string", "description": "service area, e.g. networking"}}, ["service_area"]),
    ),
    "docs_search": (
        "Full-text search of the data platform runbooks",
        ["document"],
        "SELECT doc_id, title, body FROM runbooks WHERE instr(lower(title || ' ' || body), lower(:terms)) > 0",
        obj({"terms": {"type": "string", "description": "words to look for"}}, ["terms"]),
    ),
}


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="data platform operations store", apis=APIS
    )
