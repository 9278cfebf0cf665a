"""A seventh estate, held out from the planner's tuning: a database fleet of PostgreSQL and MySQL clusters.

Written without reading the planner. Names and APIs are unlike the other estates': clusters ``orders``,
``ledger``, ``identity``, ``warehouse`` (PostgreSQL) and ``catalog``, ``sessions`` (MySQL) with instances
``orders-pg-1`` and ``catalog-my-3`` (role ``primary | replica``, state ``up | stopped``), connection pools
``orders_app``, query digests ``d41f09``, backups ``bk-90017``, restore drills ``RD-76``, failovers
``FO-311``, schema migrations ``MIG-2215``, parameter changes ``CHG-5531``, maintenance jobs ``MJ-8801``,
tickets ``DBA-1043`` (``P1``..``P4``), wiki articles ``KB-PG-12``, on-call schedules ``postgres | mysql |
platform``. Windows come as an ISO 8601 lookback enum (``PT15M | PT1H | PT6H | PT24H``), ``from_ts`` /
``to_ts`` (RFC 3339), ``hours`` / ``last_hours``, ``since_date`` (a date), ``within_days``, ``window`` (``90m``,
``12h``, ``3d``), ``newer_than_minutes`` and ``days``; one inventory search takes a SQL LIKE pattern,
others a substring (``search``, ``phrase``), booleans ``latest_only`` / ``open_only``.
:mod:`tests.ops_eval.seventh_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned):

- T-26h ``FO-311``: ledger-pg-1 (primary) stalls on its EBS volume, Patroni promotes ledger-pg-2 (38 s
  of write downtime); ledger-pg-1 rejoins as a replica (``DBA-1031``, resolved);
- T-14h the sessions expiry purge (``MJ-8790``) briefly puts sessions-my-2 95 s behind; T-10h..T-8h the
  nightly ETL fills warehouse's ``wh_etl`` pool (50 of 50) and warehouse-pg-2 lags up to 224 s around T-9h05m:
  both recovered, red herrings; T-11h ``MJ-8811`` pg_repack of fact_sales fails for lack of disk;
- warehouse's nightly backups failed the last two nights (backup volume full, ``DBA-1038``); one sessions
  backup failed three days ago (FTWRL lock wait); an orders backup failed nine days ago (S3 503);
- T-5h ``CHG-5528`` work_mem 16MB -> 32MB on orders-pg-1 (ines; unrelated); T-5h10m on, ``MJ-8801``
  VACUUM (FREEZE) of ledger's journal_entries is running;
- T-185m ``MIG-2207`` on catalog (priya): ``ALTER TABLE products ADD COLUMN search_blob``, ALGORITHM=COPY,
  native, 2,700 s; T-140m (when it finished on the primary) the onset: both catalog replicas replay it and
  fall behind at 60 s a minute; catalog-my-2 peaks at 2,400 s at T-100m and is caught up at T-80m;
  catalog-my-3 peaks near 5,650 s at T-46m and is catching up (2,991 s now); ``DBA-1042`` (P2,
  tomasz) at T-110m; T-50m ``CHG-5531`` replica_parallel_workers 4 -> 8 on catalog-my-3 (a response, not
  a cause);
- T-80m ``MIG-2215`` on orders (bruno, flyway) drops idx_orders_customer_created for
  idx_orders_customer_status; T-75m the onset: orders_app (pgbouncer, 150 server connections) goes from
  30-63% to 100% with 180-319 clients waiting; digest ``d41f09`` (customer order lookup) goes from 1.6-2.4
  ms to 780-950 ms mean and from 22 to 2.1 million rows examined per call; T-60m ``DBA-1043`` (P1, ines);
  T-30m ``MJ-8816`` ANALYZE orders does not help;
- T-40m identity-pg-2 is stopped for OS patching (``MJ-8820``); T-25m ``MIG-2216`` on warehouse fails (lock
  timeout); T-20m ``CHG-5533`` wait_timeout on sessions-my-1;
- disks: warehouse-pg-1 is 89.0% full and grows 55 GB a day (8 days to full); sessions-my-1 is the fullest
  (91.0%) but flat; restore drills: catalog's last was 63 days ago, warehouse's last failed (605 minutes
  against a 480-minute RTO).

No API reports CPU, memory or IOPS, query plans (EXPLAIN), costs, users and grants, TLS settings or
extensions; there is no payments cluster, no orders-pg-4 and no DBA-9999.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.seventh_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "INSTANCES", "build", "register"]

DATA_SOURCE = "dbfleet"

PG, MY = ("postgresql", "15.6"), ("mysql", "8.0.36")
INSTANCES = [
    # cluster, (engine, version), instance, role, zone, replica of, state, role since (hours ago), note
    ("orders", PG, "orders-pg-1", "primary", "eu-central-1a", "", "up", 2100, ""),
    ("orders", PG, "orders-pg-2", "replica", "eu-central-1b", "orders-pg-1", "up", 2100, ""),
    ("orders", PG, "orders-pg-3", "replica", "eu-central-1c", "orders-pg-1", "up", 2100, ""),
    ("ledger", ("postgresql", "14.11"), "ledger-pg-2", "primary", "eu-central-1b", "", "up", 26,
     "promoted by Patroni (FO-311)"),
    ("ledger", ("postgresql", "14.11"), "ledger-pg-1", "replica", "eu-central-1a", "ledger-pg-2", "up", 25,
     "rejoined as replica after FO-311"),
    ("identity", ("postgresql", "16.2"), "identity-pg-1", "primary", "eu-central-1a", "", "up", 144, ""),
    ("identity", ("postgresql", "16.2"), "identity-pg-2", "replica", "eu-central-1b", "identity-pg-1", "stopped",
     144, "stopped for OS patching (MJ-8820)"),
    ("warehouse", ("postgresql", "16.2"), "warehouse-pg-1", "primary", "eu-central-1a", "", "up", 4400, ""),
    ("warehouse", ("postgresql", "16.2"), "warehouse-pg-2", "replica", "eu-central-1c", "warehouse-pg-1", "up",
     4400, ""),
    ("catalog", MY, "catalog-my-1", "primary", "eu-central-1a", "", "up", 984, ""),
    ("catalog", MY, "catalog-my-2", "replica", "eu-central-1b", "catalog-my-1", "up", 984, ""),
    ("catalog", MY, "catalog-my-3", "replica", "eu-central-1c", "catalog-my-1", "up", 984, ""),
    ("sessions", MY, "sessions-my-1", "primary", "eu-central-1b", "", "up", 288, ""),
    ("sessions", MY, "sessions-my-2", "replica", "eu-central-1a", "sessions-my-1", "up", 288, ""),
]  # fmt: skip
LAG_ONSET = 140  # minutes ago: MIG-2207 finished on catalog-my-1, the replicas start replaying it
POOL_ONSET = 75  # minutes ago: orders_app saturates
INDEX_DROPPED = 80  # minutes ago: MIG-2215 drops idx_orders_customer_created

POOLS = [
    # cluster, pool, max server connections, (active: low, spread)
    ("orders", "orders_app", 150, (45, 50)),
    ("orders", "orders_reporting", 20, (4, 5)),
    ("ledger", "ledger_app", 100, (20, 25)),
    ("identity", "identity_app", 120, (25, 35)),
    ("catalog", "catalog_rw", 300, (80, 70)),
    ("sessions", "sessions_rw", 400, (160, 100)),
    ("warehouse", "wh_etl", 50, (6, 12)),
]
DIGESTS = [
    # cluster, digest, fingerprint, calls an hour, (mean ms: low, spread), rows examined per call
    ("orders", "d41f09", "SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2", 42000,
     (1.6, 0.8), 22),
    ("orders", "a0c3e2", "UPDATE order_items SET status = $1 WHERE order_id = $2", 61000, (0.7, 0.4), 1),
    ("orders", "7be211", "INSERT INTO order_events (order_id, kind, payload, created_at) VALUES ($1, $2, $3, $4)",
     88000, (0.3, 0.2), 0),
    ("orders", "c9d5aa", "SELECT count(*), sum(total) FROM orders WHERE created_at >= $1 AND status = $2", 110,
     (1900, 400), 1800000),
    ("ledger", "f02b9e", "INSERT INTO journal_entries (account_id, amount, posted_on) VALUES ($1, $2, $3)", 30000,
     (0.8, 0.6), 0),
    ("ledger", "3c7d18", "SELECT sum(amount) FROM journal_entries WHERE account_id = $1 AND posted_on <= $2", 5200,
     (38, 14), 4200),
    ("identity", "9aa2f1", "SELECT id, user_id, expires_at FROM refresh_tokens WHERE token_hash = $1", 70000,
     (0.2, 0.2), 1),
    ("catalog", "e55a10", "SELECT sku, title, price FROM products WHERE sku IN (...)", 150000, (0.9, 0.6), 12),
    ("catalog", "b81c4d", "UPDATE inventory SET qty = qty - ? WHERE sku = ? AND qty >= ?", 24000, (0.6, 0.4), 1),
    ("sessions", "5e0b7c", "SELECT data FROM sessions WHERE id = ?", 400000, (0.1, 0.1), 1),
    ("sessions", "1d9e44", "DELETE FROM sessions WHERE expires_at < ? LIMIT ?", 60, (900, 600), 50000),
    ("warehouse", "0f6c3b", "INSERT INTO fact_sales SELECT ... FROM staging_sales WHERE batch_id = $1", 4,
     (95000, 45000), 9000000),
    ("warehouse", "6ab9d0", "SELECT date_trunc('day', sold_at), sum(amount) FROM fact_sales GROUP BY 1", 300,
     (4200, 1900), 61000000),
]  # fmt: skip
#: cluster -> (hours before now of the newest nightly backup, tool, minutes it takes, GB nine days ago, GB/day)
BACKUPS = {
    "catalog": (6.0, "xtrabackup", 35, 244.0, 0.8),
    "sessions": (6.5, "xtrabackup", 9, 61.5, 0.0),
    "orders": (7.0, "pgbackrest", 48, 421.1, 1.9),
    "ledger": (7.5, "pgbackrest", 22, 176.3, 0.6),
    "identity": (8.0, "pgbackrest", 6, 38.0, 0.1),
    "warehouse": (9.0, "pgbackrest", 190, 2010.0, 48.0),
}
BACKUP_ERRORS = {
    ("warehouse", 0): "could not write to /backup/warehouse: No space left on device",
    ("warehouse", 1): "could not write to /backup/warehouse: No space left on device",
    ("sessions", 3): "Lock wait timeout exceeded while taking FLUSH TABLES WITH READ LOCK",
    ("orders", 9): "upload to s3://db-backups/orders failed: 503 Slow Down",
}
#: instance -> (disk size GB, GB used today, GB growth a day)
DISKS = {
    "orders-pg-1": (2000, 1420.0, 4.0), "orders-pg-2": (2000, 1418.0, 4.0), "orders-pg-3": (2000, 1417.0, 4.0),
    "ledger-pg-2": (1000, 612.0, 2.1), "ledger-pg-1": (1000, 611.0, 2.1),
    "identity-pg-1": (250, 71.0, 0.2), "identity-pg-2": (250, 71.0, 0.2),
    "warehouse-pg-1": (4000, 3560.0, 55.0), "warehouse-pg-2": (4000, 3548.0, 54.6),
    "catalog-my-1": (1500, 930.0, 3.0), "catalog-my-2": (1500, 936.0, 3.0), "catalog-my-3": (1500, 958.0, 3.0),
    "sessions-my-1": (500, 455.0, 0.3), "sessions-my-2": (500, 448.0, 0.3),
}  # fmt: skip
RESTORE_DRILLS = [
    # drill, cluster, days ago, outcome, restore minutes, RTO minutes, note
    ("RD-72", "orders", 33, "passed", 97, 240, ""),
    ("RD-81", "orders", 5, "passed", 94, 240, ""),
    ("RD-78", "ledger", 12, "passed", 38, 120, ""),
    ("RD-80", "identity", 8, "passed", 12, 60, ""),
    ("RD-69", "warehouse", 48, "passed", 455, 480, ""),
    ("RD-76", "warehouse", 20, "failed", 605, 480, "restore exceeded the 480-minute RTO (WAL replay of 1.9 TB)"),
    ("RD-64", "catalog", 63, "passed", 55, 180, ""),
    ("RD-79", "sessions", 9, "passed", 7, 60, ""),
]
FAILOVERS = [
    # event, cluster, minutes ago, old primary, new primary, kind, write downtime s, reason
    ("FO-311", "ledger", 26 * 60, "ledger-pg-1", "ledger-pg-2", "automatic", 38,
     "Patroni: primary unreachable (EBS volume I/O stall on ledger-pg-1)"),
    ("FO-305", "identity", 6 * 1440, "identity-pg-2", "identity-pg-1", "switchover", 6,
     "planned switchover for kernel patching"),
    ("FO-298", "sessions", 12 * 1440, "sessions-my-2", "sessions-my-1", "switchover", 4,
     "planned: minor upgrade to 8.0.36"),
    ("FO-290", "catalog", 41 * 1440, "catalog-my-2", "catalog-my-1", "automatic", 21,
     "orchestrator: catalog-my-2 hung (out of memory)"),
]  # fmt: skip
MIGRATIONS = [
    # id, cluster, ddl, tool, author, minutes ago, duration s, status, error
    ("MIG-2198", "ledger", "ALTER TABLE journal_entries ADD COLUMN reversal_of bigint", "flyway", "marco",
     4 * 1440, 12, "applied", ""),
    ("MIG-2203", "catalog", "ADD INDEX idx_reviews_product ON product_reviews (product_id, created_at)", "gh-ost",
     "priya", 2 * 1440, 1900, "applied", ""),
    ("MIG-2207", "catalog", "ALTER TABLE products ADD COLUMN search_blob MEDIUMTEXT, ALGORITHM=COPY", "native",
     "priya", 185, 2700, "applied", ""),
    ("MIG-2211", "identity", "CREATE TABLE webauthn_credentials (id uuid PRIMARY KEY, user_id bigint, ...)",
     "flyway", "amir", 7 * 60, 1, "applied", ""),
    ("MIG-2215", "orders", "DROP INDEX idx_orders_customer_created; CREATE INDEX CONCURRENTLY "
     "idx_orders_customer_status ON orders (customer_id, status)", "flyway", "bruno", INDEX_DROPPED, 540, "applied",
     ""),
    ("MIG-2216", "warehouse", "ALTER TABLE fact_events ATTACH PARTITION fact_events_2024_07", "flyway", "keiko", 25,
     30, "failed", "canceling statement due to lock timeout"),
]  # fmt: skip
PARAM_CHANGES = [
    # id, cluster, instance, parameter, old, new, minutes ago, by, needs restart, reason
    ("CHG-5519", "identity", "identity-pg-1", "max_connections", "300", "400", 3 * 1440, "amir", "yes",
     "more headroom for the token service"),
    ("CHG-5524", "warehouse", "warehouse-pg-1", "maintenance_work_mem", "1GB", "2GB", 30 * 60, "keiko", "no",
     "faster index builds for the ETL"),
    ("CHG-5528", "orders", "orders-pg-1", "work_mem", "16MB", "32MB", 5 * 60, "ines", "no",
     "reporting sorts spilling to disk"),
    ("CHG-5531", "catalog", "catalog-my-3", "replica_parallel_workers", "4", "8", 50, "tomasz", "no",
     "speed up the replica's catch-up"),
    ("CHG-5533", "sessions", "sessions-my-1", "wait_timeout", "28800", "600", 20, "tomasz", "no",
     "drop idle connections sooner"),
]  # fmt: skip
MAINTENANCE = [
    # job, cluster, instance, kind, command, state, scheduled (min ago, negative: ahead), started, finished, note
    ("MJ-8790", "sessions", "sessions-my-1", "purge", "DELETE expired sessions in batches of 50000", "succeeded",
     846, 846, 838, "removed 41.2 million rows"),
    ("MJ-8801", "ledger", "ledger-pg-2", "vacuum", "VACUUM (FREEZE, VERBOSE) journal_entries", "running", 310, 310,
     None, "anti-wraparound: xid age 1.41 billion; 62% of the heap scanned"),
    ("MJ-8805", "orders", "orders-pg-1", "vacuum", "VACUUM ANALYZE order_events", "succeeded", 1200, 1200, 1158, ""),
    ("MJ-8811", "warehouse", "warehouse-pg-1", "repack", "pg_repack --table fact_sales", "failed", 660, 660, 640,
     "aborted: not enough free disk for the table copy (needs 610 GB, 465 GB free)"),
    ("MJ-8816", "orders", "orders-pg-1", "analyze", "ANALYZE orders", "succeeded", 30, 30, 27,
     "plan unchanged: sequential scan on orders for customer lookups"),
    ("MJ-8820", "identity", "identity-pg-2", "patching", "OS patching, kernel 6.1.90", "running", 40, 40, None,
     "replica stopped until the reboot completes"),
    ("MJ-8824", "catalog", "catalog-my-1", "optimize", "OPTIMIZE TABLE product_reviews", "scheduled", -1200, None,
     None, ""),
]  # fmt: skip
TICKETS = [
    # ticket, severity, state, cluster, title, assignee, minutes ago
    ("DBA-1043", "P1", "open", "orders", "checkout timeouts: orders pgbouncer pool exhausted", "ines", 60),
    ("DBA-1042", "P2", "open", "catalog", "catalog-my-3 replication lag above 30 minutes", "tomasz", 110),
    ("DBA-1038", "P3", "open", "warehouse", "warehouse nightly backup failing: backup volume full", "keiko", 32 * 60),
    ("DBA-1031", "P2", "resolved", "ledger", "ledger failover: ledger-pg-1 EBS I/O stall", "ines", 26 * 60),
    ("DBA-1027", "P4", "open", "catalog", "catalog restore drill overdue (more than 60 days)", "tomasz", 3 * 1440),
    ("DBA-1019", "P3", "resolved", "sessions", "sessions backup: FTWRL lock wait timeout", "tomasz", 3 * 1440 + 300),
]  # fmt: skip
ONCALL = [("postgres", "ines", "bruno", 9), ("mysql", "tomasz", "priya", 33), ("platform", "keiko", "amir", 57)]
WIKI = [
    ("KB-PG-12", "PgBouncer pool exhausted (clients waiting)",
     "When clients wait and the pool sits at its maximum, the database is usually slow, not the pool too small. "
     "Look at the slow query digests for a plan regression and at the schema migrations of the last hours for a "
     "dropped or replaced index. Raise default_pool_size only as a last resort."),
    ("KB-MY-04", "MySQL replica lag after DDL",
     "An ALTER TABLE with ALGORITHM=COPY replays single-threaded on every replica and holds replication for as "
     "long as it ran on the primary. Use gh-ost for tables above 1 GB. To catch up, raise "
     "replica_parallel_workers and take the replica out of the read pool while it is more than 60 s behind."),
    ("KB-PG-20", "Patroni failover checklist",
     "Confirm the new primary in patronictl list, check that the old primary rejoined as a replica (pg_rewind), "
     "then check the replication slots and the application's connection strings."),
    ("KB-GEN-03", "Point-in-time restore (PITR) from a backup",
     "Restore the nightly full backup taken before the target time onto a scratch instance, then replay WAL "
     "(PostgreSQL) or binlogs (MySQL) up to the target timestamp. Never restore over a running primary."),
    ("KB-PG-31", "Transaction ID wraparound",
     "Run VACUUM (FREEZE) on the tables with the oldest relfrozenxid. Never cancel an anti-wraparound vacuum."),
    ("KB-GEN-07", "Backup volume full",
     "Expire backups beyond the 14-day retention with the backup tool's expire command, then re-run the failed "
     "backup by hand and check that the next nightly run succeeds."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE instances (cluster TEXT, engine TEXT, version TEXT, instance TEXT PRIMARY KEY, role TEXT, zone TEXT,
                        replica_of TEXT, state TEXT, role_since TEXT, note TEXT);
CREATE TABLE repl_lag (cluster TEXT, instance TEXT, sampled_at TEXT, sampled_epoch INTEGER, lag_s REAL,
                       apply_state TEXT);
CREATE TABLE pool_stats (cluster TEXT, pool TEXT, ts TEXT, active INTEGER, max_conns INTEGER,
                         waiting_clients INTEGER, avg_wait_ms INTEGER);
CREATE TABLE query_digests (cluster TEXT, digest TEXT, fingerprint TEXT, bucket_start TEXT, bucket_end_epoch INTEGER,
                            calls INTEGER, mean_ms REAL, p95_ms REAL, rows_examined INTEGER);
CREATE TABLE backups (backup_id TEXT PRIMARY KEY, cluster TEXT, tool TEXT, started_at TEXT, finished_at TEXT,
                      size_gb REAL, status TEXT, error TEXT);
CREATE TABLE restore_drills (drill_id TEXT PRIMARY KEY, cluster TEXT, tested_at TEXT, outcome TEXT,
                             restore_minutes INTEGER, rto_minutes INTEGER, note TEXT);
CREATE TABLE failovers (event_id TEXT PRIMARY KEY, cluster TEXT, occurred_at TEXT, occurred_epoch INTEGER,
                        old_primary TEXT, new_primary TEXT, kind TEXT, write_downtime_s INTEGER, reason TEXT);
CREATE TABLE migrations (migration_id TEXT PRIMARY KEY, cluster TEXT, ddl TEXT, tool TEXT, author TEXT,
                         started_at TEXT, started_epoch INTEGER, finished_at TEXT, duration_s INTEGER, status TEXT,
                         error TEXT);
CREATE TABLE param_changes (change_id TEXT PRIMARY KEY, cluster TEXT, instance TEXT, parameter TEXT, old_value TEXT,
                            new_value TEXT, applied_at TEXT, applied_epoch INTEGER, changed_by TEXT,
                            needs_restart TEXT, reason TEXT);
CREATE TABLE disk_daily (instance TEXT, day TEXT, used_gb REAL, size_gb REAL);
CREATE TABLE maintenance_jobs (job_id TEXT PRIMARY KEY, cluster TEXT, instance TEXT, kind TEXT, command TEXT,
                               state TEXT, scheduled_for TEXT, started_at TEXT, finished_at TEXT, note TEXT);
CREATE TABLE tickets (ticket TEXT PRIMARY KEY, severity TEXT, state TEXT, cluster TEXT, title TEXT, assignee TEXT,
                      opened_at TEXT);
CREATE TABLE oncall (schedule TEXT PRIMARY KEY, primary_dba TEXT, secondary_dba TEXT, shift_ends TEXT);
CREATE TABLE wiki (article TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _lag(instance: str, ago: int) -> tuple[float, str]:
    """A replica's lag (seconds) ``ago`` minutes before now, and what its apply thread is doing."""
    base = {"warehouse-pg-2": (2.0, 13.0), "sessions-my-2": (0.0, 2.0), "ledger-pg-1": (0.0, 1.2)}.get(
        instance, (0.0, 0.8) if instance.startswith(("orders", "identity")) else (0.0, 1.0)
    )
    lag = round(base[0] + base[1] * noise("lag" + instance, ago), 1)
    e = LAG_ONSET - ago  # minutes since the catalog replicas started replaying MIG-2207
    jitter = 40 * noise("j" + instance, ago) - 20
    if instance == "catalog-my-2" and 0 < e <= 60:
        peak = 60 * e if e <= 40 else 2400 - 120 * (e - 40)
        if peak > 0:
            return round(peak + jitter, 1), "applying DDL" if e <= 40 else "catching up"
    if instance == "catalog-my-3" and e > 0:
        return round((60 * e if e <= 95 else 5700 - 60 * (e - 95)) + jitter, 1), (
            "applying DDL" if e <= 95 else "catching up"
        )
    if instance == "warehouse-pg-2" and abs(ago - 545) < 15:
        lag = max(lag, 240.0 - 16 * abs(ago - 545))
    if instance == "sessions-my-2" and abs(ago - 840) < 6:
        lag = max(lag, 95.0 - 15 * abs(ago - 840))
    return lag, "streaming"


def _series(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Replication lag every 2 minutes, pool stats every 5 minutes and query digests hourly, over 24 hours."""
    lag_rows: list[tuple[Any, ...]] = []
    for cluster, _, instance, role, *_ in INSTANCES:
        if role != "replica":
            continue
        for ago in range(0, 24 * 60, 2):
            if instance == "identity-pg-2" and ago <= 40:
                continue  # stopped for patching: no samples
            t = now - timedelta(minutes=ago)
            lag, state = _lag(instance, ago)
            lag_rows.append((cluster, instance, iso(t), int(t.timestamp()), lag, state))
    pool_rows: list[tuple[Any, ...]] = []
    for cluster, pool, max_conns, (low, spread) in POOLS:
        for ago in range(0, 24 * 60, 5):
            t = now - timedelta(minutes=ago)
            active = low + int(spread * noise("pa" + pool, ago))
            waiting, wait_ms = int(3 * noise("pw" + pool, ago)), int(5 * noise("pm" + pool, ago))
            if pool == "orders_app" and ago <= POOL_ONSET:
                active, waiting = max_conns, 180 + int(140 * noise("hot", ago))
                wait_ms = 1800 + int(2400 * noise("hotms", ago))
            if pool == "wh_etl" and 480 <= ago <= 600:
                active, waiting, wait_ms = max_conns, 5 + int(8 * noise("etl", ago)), 300 + int(900 * noise("em", ago))
            pool_rows.append((cluster, pool, iso(t), active, max_conns, waiting, wait_ms))
    digest_rows: list[tuple[Any, ...]] = []
    for cluster, digest, fingerprint, calls_h, (mean_low, mean_spread), rows in DIGESTS:
        for k in range(24):
            end = now - timedelta(hours=k)
            calls = int(calls_h * (0.9 + 0.2 * noise("c" + digest, k)))
            mean = mean_low + mean_spread * noise("m" + digest, k)
            p95 = mean * (2.0 + 0.5 * noise("p" + digest, k))
            examined = rows
            # minutes of this hour since the index was dropped
            slow = max(0, min(60, INDEX_DROPPED - 60 * k)) / 60 if digest == "d41f09" else 0.0
            if slow:
                hot = 780 + 170 * noise("slow" + digest, k)
                mean, p95 = slow * hot + (1 - slow) * mean, hot * 1.9
                examined = int(slow * 2_140_000 + (1 - slow) * rows)
            digest_rows.append((cluster, digest, fingerprint, iso(end - timedelta(hours=1)), int(end.timestamp()),
                                calls, round(mean, 2), round(p95, 1), examined))  # fmt: skip
    return lag_rows, pool_rows, digest_rows


def _backups(now: datetime) -> list[tuple[Any, ...]]:
    """Ten nights of full backups per cluster, ids in start order."""
    runs: list[tuple[datetime, str, int]] = []
    for cluster, (hours, *_) in BACKUPS.items():
        runs.extend((now - timedelta(hours=hours + 24 * k), cluster, k) for k in range(10))
    runs.sort()
    out: list[tuple[Any, ...]] = []
    for n, (started, cluster, k) in enumerate(runs):
        _, tool, minutes, first_gb, per_day = BACKUPS[cluster]
        error = BACKUP_ERRORS.get((cluster, k), "")
        took = timedelta(minutes=minutes * (0.8 if error else 1.0) + 4 * noise("bk" + cluster, k))
        size = None if error else round(first_gb + per_day * (9 - k), 1)
        out.append((f"bk-{90000 + n}", cluster, tool, iso(started), iso(started + took), size,
                    "failed" if error else "ok", error))  # fmt: skip
    return out


def _disks(now: datetime) -> list[tuple[Any, ...]]:
    """Thirty days of daily disk use per instance; today and a week ago are exact, other days carry noise."""
    rows: list[tuple[Any, ...]] = []
    for instance, (size, used, per_day) in DISKS.items():
        for k in range(30):
            jitter = 0.0 if k in (0, 7) else 0.8 * noise("disk" + instance, k) - 0.4
            day = (now - timedelta(days=k)).strftime("%Y-%m-%d")
            rows.append((instance, day, round(used - per_day * k + jitter, 1), float(size)))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    db.executemany(
        "INSERT INTO instances VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(c, e, v, i, r, z, rep, s, ago(60 * h), note) for c, (e, v), i, r, z, rep, s, h, note in INSTANCES],
    )
    lag_rows, pool_rows, digest_rows = _series(now)
    db.executemany("INSERT INTO repl_lag VALUES (?,?,?,?,?,?)", lag_rows)
    db.executemany("INSERT INTO pool_stats VALUES (?,?,?,?,?,?,?)", pool_rows)
    db.executemany("INSERT INTO query_digests VALUES (?,?,?,?,?,?,?,?,?)", digest_rows)
    db.executemany("INSERT INTO backups VALUES (?,?,?,?,?,?,?,?)", _backups(now))
    db.executemany(
        "INSERT INTO restore_drills VALUES (?,?,?,?,?,?,?)",
        [(d, c, ago(1440 * days), o, m, rto, note) for d, c, days, o, m, rto, note in RESTORE_DRILLS],
    )
    db.executemany(
        "INSERT INTO failovers VALUES (?,?,?,?,?,?,?,?,?)",
        [(e, c, ago(m), epoch(m), old, new, k, s, why) for e, c, m, old, new, k, s, why in FAILOVERS],
    )
    db.executemany(
        "INSERT INTO migrations VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(i, c, ddl, tool, who, ago(m), epoch(m), ago(m - s / 60), s, st, err)
         for i, c, ddl, tool, who, m, s, st, err in MIGRATIONS],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO param_changes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(i, c, inst, p, old, new, ago(m), epoch(m), who, rs, why) for i, c, inst, p, old, new, m, who, rs, why
         in PARAM_CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO disk_daily VALUES (?,?,?,?)", _disks(now))
    db.executemany(
        "INSERT INTO maintenance_jobs VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(j, c, i, k, cmd, st, ago(sch), ago(sta), ago(fin), note) for j, c, i, k, cmd, st, sch, sta, fin, note
         in MAINTENANCE],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO tickets VALUES (?,?,?,?,?,?,?)",
        [(t, s, st, c, ti, a, ago(m)) for t, s, st, c, ti, a, m in TICKETS],
    )
    db.executemany(
        "INSERT INTO oncall VALUES (?,?,?,?)", [(s, p, b, iso(now + timedelta(hours=h))) for s, p, b, h in ONCALL]
    )
    db.executemany("INSERT INTO wiki VALUES (?,?,?)", WIKI)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="database fleet operations store", apis=APIS
    )
