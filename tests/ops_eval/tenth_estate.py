"""A tenth estate, held out from the planner's tuning: an object storage and backup platform (Tarnwell Vault).

Written without reading the planner. Names and APIs are unlike the other estates': S3-compatible clusters are
``s3-ash`` (primary), ``s3-phx`` (DR replica) and ``cold-den`` (cold archive), storage nodes ``ash-sn16`` /
``den-cn02``, buckets are kebab-case (``pg-wal-archive``, ``media-uploads``), replication rules ``rr-ash-phx-01``,
key-encryption keys ``kek-phx-08``, service principals ``svc-replicator``, ServiceNow-style change requests
``CHG0031877``, incidents ``INC0019243`` (priority ``2 - High``, state ``In Progress``) and knowledge articles
``KB0010452``, maintenance windows ``MW-318`` of ``vaultd 8.3.0`` and ``bkagent 5.5.0``, backup jobs ``bj-88231``
of sources ``pg-orders`` / ``mysql-crm``, restore tests ``rt-3316``, replication error codes
``KMS_ACCESS_DENIED``. Node state is ``active | rebuilding | maintenance``. Windows come as ``since`` (RFC
3339), ``from_epoch`` / ``to_epoch`` (unix seconds), ``since_date`` (a date), ``lookback`` (an enum ``30m |
1h | 6h | 24h``), ``hours``, ``days`` and ``within_days``; searches take ``name_contains``, ``text`` and
``terms``. :mod:`tests.ops_eval.tenth_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned):

- T-9d ``INC0019204`` (phx-sn04 NIC flapping, resolved); T-6d ``MW-311`` upgrades vaultd 8.2.1 -> 8.2.3 on
  every node; T-4d ``CHG0031855`` tiers infra-backups to cold-den after 14 days instead of 30, so T-3d the
  gitlab restore test ``rt-3316`` fails its RTO (212 min for 120, ``INC0019222``, resolved); T-2d den-cn02
  goes into maintenance (PSU swap, ``MW-316``); T-1d ``INC0019238`` (On Hold): media-uploads near its quota;
- T-485m .. T-445m (buckets): a disk of ash-sn16 fails, s3-ash answers 2-4% 5xx and p99 over a second
  (``INC0019231``, resolved); ash-sn16 rebuilds since T-440m; the vm-fileserver backup started at T-480m ends
  with a warning (retries): a recovered blip, a red herring; T-540m the mysql-crm nightly backup fails (read
  lock timeout), unrelated;
- T-5h ``MW-318``: vaultd 8.3.0 canary on phx-sn05 (paused at 1 of 3); T-200m ``CHG0031871`` raises
  ml-datasets' quota 200 -> 260 TiB (both unrelated);
- T-148m ``CHG0031877`` (priya) makes the new key kek-phx-08 s3-phx's default SSE key instead of kek-phx-07;
  kek-phx-08 is granted to svc-vaultd-phx and svc-backup-verify but not to svc-replicator (KB0010452 asks to
  grant every writing principal first);
- from the 5-minute sample starting T-145m (the onset): every replication into s3-phx that encrypts with
  SSE-KMS (pg-wal-archive, db-backups, crm-attachments) fails with ``KMS_ACCESS_DENIED``: nothing of those
  buckets is replicated, their lag grows from 4-40 s to over two hours and their pending objects pile up;
  media-uploads (sse-s3) and audit-logs-worm (to cold-den) replicate as before; s3-phx's 4xx rate goes from
  0.3-0.9% to about 20% (the replicator's rejected PUTs); pg-wal-archive crosses its 900 s RPO at T-135m;
- T-120m ``CHG0031880`` changes pg-orders' backup interval (unrelated); T-110m ``INC0019243`` (2 - High, In
  Progress, owen) "pg-wal-archive DR replica in s3-phx behind its RPO"; T-25m ``CHG0031889`` (owen) suspends
  pg-wal-archive's lifecycle expiration (a response: it does not restore replication).

No API reports CPU, memory or network of the nodes, costs or billing, per access key or per client request
counts, object-level audit logs (who deleted what), tape or offsite copies; there is no ash-sn21, no bucket
invoices-pdf, no cluster s3-fra and no INC0019999.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.tenth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "NODES", "build", "register"]

DATA_SOURCE = "vaultops"

ROTATED = 148  # minutes ago: CHG0031877 makes kek-phx-08 s3-phx's default key
ONSET = 145  # minutes ago: the first 5-minute sample with KMS_ACCESS_DENIED
ASH_BLIP = (445, 485)  # minutes ago: ash-sn16's disk failure (bucket starts)
DAY = 1440

CLUSTERS = [
    # cluster, site, role, raw TiB, used TiB, default SSE key
    ("s3-ash", "ash", "primary", 2400, 1610.0, "kek-ash-05"),
    ("s3-phx", "phx", "dr-replica", 1800, 1012.0, "kek-phx-08"),
    ("cold-den", "den", "cold-archive", 3600, 2290.0, "kek-den-02"),
]
NODES = [
    # node, cluster, state, vaultd version, disks, state since (minutes ago), note
    ("ash-sn14", "s3-ash", "active", "8.2.3", 36, 6 * DAY, ""),
    ("ash-sn15", "s3-ash", "active", "8.2.3", 36, 6 * DAY, ""),
    ("ash-sn16", "s3-ash", "rebuilding", "8.2.3", 36, 440,
     "bay 7 HDD failed (INC0019231), replaced; rebuild 61% done"),
    ("ash-sn17", "s3-ash", "active", "8.2.3", 36, 6 * DAY, ""),
    ("phx-sn03", "s3-phx", "active", "8.2.3", 24, 6 * DAY, ""),
    ("phx-sn04", "s3-phx", "active", "8.2.3", 24, 6 * DAY, ""),
    ("phx-sn05", "s3-phx", "active", "8.3.0", 24, 300, "vaultd 8.3.0 canary (MW-318)"),
    ("den-cn01", "cold-den", "active", "8.2.3", 60, 6 * DAY, ""),
    ("den-cn02", "cold-den", "maintenance", "8.2.3", 60, 2 * DAY, "PSU swap (MW-316), vendor ticket DLX-55812"),
]  # fmt: skip
BUCKETS = [
    # bucket, owner team, versioning, object lock, encryption, objects, TiB now, quota TiB, TiB per day
    ("pg-wal-archive", "dba", "on", "off", "sse-kms", 41_200_000, 38.4, 60, 0.9),
    ("db-backups", "dba", "on", "off", "sse-kms", 182_000, 96.2, 140, 1.4),
    ("infra-backups", "sre", "on", "off", "sse-kms", 64_000, 71.5, 120, 0.8),
    ("crm-attachments", "crm-platform", "on", "off", "sse-kms", 9_850_000, 22.7, 40, 0.1),
    ("media-uploads", "content", "on", "off", "sse-s3", 310_000_000, 115.6, 120, 1.2),
    ("ml-datasets", "ml-platform", "off", "off", "sse-s3", 2_400_000, 188.0, 260, 2.5),
    ("ci-artifacts", "dev-productivity", "off", "off", "sse-s3", 51_000_000, 64.3, 80, 0.4),
    ("audit-logs-worm", "security", "on", "compliance 7y", "sse-kms", 880_000_000, 12.9, 50, 0.05),
]
RULES = [
    # rule id, bucket, source, destination, destination encryption, RPO s, objects written per 5 min, MiB each
    ("rr-ash-phx-01", "pg-wal-archive", "s3-ash", "s3-phx", "sse-kms", 900, 150, 16),
    ("rr-ash-phx-02", "db-backups", "s3-ash", "s3-phx", "sse-kms", 3600, 40, 64),
    ("rr-ash-phx-03", "crm-attachments", "s3-ash", "s3-phx", "sse-kms", 3600, 600, 0.4),
    ("rr-ash-phx-04", "media-uploads", "s3-ash", "s3-phx", "sse-s3", 14400, 2200, 2.5),
    ("rr-ash-den-01", "audit-logs-worm", "s3-ash", "cold-den", "sse-kms", 86400, 900, 0.02),
]
KEYS = [
    # key id, cluster, state, default, created, default since (minutes ago), grantees, note
    ("kek-phx-08", "s3-phx", "enabled", 1, ROTATED + 95, ROTATED, "svc-vaultd-phx,svc-backup-verify",
     "yearly rotation (CHG0031877)"),
    ("kek-phx-07", "s3-phx", "enabled", 0, 366 * DAY, 365 * DAY, "svc-vaultd-phx,svc-backup-verify,svc-replicator",
     "previous default, kept for decryption"),
    ("kek-ash-05", "s3-ash", "enabled", 1, 150 * DAY, 150 * DAY, "svc-vaultd-ash,svc-replicator,svc-backup", ""),
    ("kek-ash-04", "s3-ash", "disabled", 0, 515 * DAY, 515 * DAY, "svc-vaultd-ash", "all objects re-encrypted"),
    ("kek-den-02", "cold-den", "enabled", 1, 200 * DAY, 200 * DAY, "svc-vaultd-den,svc-replicator,svc-tiering", ""),
]  # fmt: skip
GATEWAY = {
    # cluster -> (requests per 5 min low, spread, p50 ms low, p99 ms low, p99 spread)
    "s3-ash": (180_000, 40_000, 12, 140, 120),
    "s3-phx": (8_000, 2_000, 9, 90, 90),
    "cold-den": (2_000, 1_000, 40, 900, 600),
}
SOURCES = [
    # source, job type, every (minutes), newest run (minutes ago), GiB, minutes it takes, target bucket
    ("pg-orders", "incremental", 60, 10, 6, 4, "db-backups"),
    ("mysql-crm", "full", DAY, 540, 310, 55, "db-backups"),
    ("vm-fileserver", "full", DAY, 480, 2100, 95, "infra-backups"),
    ("etcd-prod", "snapshot", 360, 100, 2, 2, "infra-backups"),
    ("gitlab", "full", DAY, 600, 840, 70, "infra-backups"),
]
RESTORES = [
    # test id, source, tested (minutes ago), result, restore minutes, RTO minutes, note
    ("rt-3318", "pg-orders", 2 * DAY + 200, "pass", 38, 60, "PITR into a scratch cluster, row counts checked"),
    ("rt-3316", "gitlab", 3 * DAY + 100, "fail", 212, 120,
     "objects older than 14 days had tiered to cold-den; retrieval throttled (INC0019222)"),
    ("rt-3311", "mysql-crm", 5 * DAY, "pass", 71, 120, ""),
    ("rt-3309", "vm-fileserver", 8 * DAY, "pass", 140, 240, ""),
    ("rt-3305", "etcd-prod", 12 * DAY, "pass", 6, 30, ""),
    ("rt-3297", "gitlab", 17 * DAY, "pass", 96, 120, ""),
]  # fmt: skip
CHANGES = [
    # id, category, target, summary, before, after, implementer, minutes ago, reference
    ("CHG0031841", "node", "den-cn02", "into maintenance for a PSU replacement", "active", "maintenance", "tomas",
     2 * DAY, "MW-316"),
    ("CHG0031855", "lifecycle", "infra-backups", "transition to cold-den after 14 days", "30 days", "14 days",
     "mei", 4 * DAY, ""),
    ("CHG0031871", "quota", "ml-datasets", "quota raised for the Q1 training runs", "200 TiB", "260 TiB", "mei", 200,
     "REQ-7731"),
    ("CHG0031877", "kms", "s3-phx", "default SSE key rotated (yearly key rotation)", "kek-phx-07", "kek-phx-08",
     "priya", ROTATED, "SEC-882"),
    ("CHG0031880", "backup_policy", "pg-orders", "incremental backup interval, effective from tomorrow", "60 min",
     "30 min", "dario", 120, ""),
    ("CHG0031889", "lifecycle", "pg-wal-archive", "expiration suspended until replication catches up",
     "expire after 7 days", "suspended", "owen", 25, "INC0019243"),
]  # fmt: skip
MAINTENANCE = [
    # id, component, from, to, targets, started (minutes ago), minutes it took (None: not finished), status
    ("MW-305", "bkagent", "5.4.2", "5.5.0", "bkp-proxy-1,bkp-proxy-2", 10 * DAY, 30, "completed"),
    ("MW-311", "vaultd", "8.2.1", "8.2.3", "all nodes (9)", 6 * DAY, 210, "completed"),
    ("MW-316", "hardware", "", "", "den-cn02", 2 * DAY, None, "in progress (PSU on backorder)"),
    ("MW-318", "vaultd", "8.2.3", "8.3.0", "phx-sn05", 300, None, "paused after canary (1 of 3)"),
]
INCIDENTS = [
    # number, priority, state, short description, assigned to, opened (minutes ago), resolved (minutes ago)
    ("INC0019243", "2 - High", "In Progress", "pg-wal-archive DR replica in s3-phx behind its RPO", "owen", 110,
     None),
    ("INC0019238", "4 - Low", "On Hold", "media-uploads close to its quota, waiting for the content team", "mei",
     DAY + 200, None),
    ("INC0019231", "3 - Moderate", "Resolved", "s3-ash 5xx errors: disk failure on ash-sn16", "tomas", 480, 430),
    ("INC0019222", "3 - Moderate", "Resolved", "gitlab restore test over its RTO", "dario", 3 * DAY, 2 * DAY),
    ("INC0019204", "2 - High", "Resolved", "phx-sn04 NIC flapping, replication paused", "priya", 9 * DAY,
     9 * DAY - 95),
]  # fmt: skip
ONCALL = [("storage-core", "owen", "tomas", 10), ("backup-ops", "dario", "mei", 30), ("kms-security", "priya",
          "owen", 50)]  # fmt: skip
KB = [
    ("KB0010452", "Rotating a cluster's default SSE key",
     "Create the new key-encryption key and grant it to every principal that writes to the cluster before making "
     "it the default: svc-vaultd-<site>, svc-backup-verify and svc-replicator (cross-site replication writes "
     "with its own principal). Compare the grantees of the new key with the previous one. Keep the previous key "
     "enabled for decryption. A missing grant shows as KMS_ACCESS_DENIED replication failures and 403s on the "
     "destination cluster; fix it by adding the grant, not by switching the default back."),
    ("KB0010433", "Replication behind its RPO",
     "Look at the replication failures by error code. SLOW_DOWN: the destination throttles, raise the replicator's "
     "workers. KMS_ACCESS_DENIED: see KB0010452. Suspend lifecycle expiration on the source bucket so that objects "
     "are not expired before they are replicated. Page kms-security for key grants."),
    ("KB0010417", "Disk failure and rebuild on a storage node",
     "vaultd marks the disk failed and serves reads from parity; expect 5xx for a few minutes. Replace the disk, "
     "set the node to rebuilding; do not take a second node of the same cluster out while one rebuilds."),
    ("KB0010460", "Restore tests",
     "Every source is restored monthly into a scratch environment. Restores from cold-den need a retrieval "
     "request four hours ahead; keep the newest full backup out of the cold tier."),
    ("KB0010471", "Bucket quota requests",
     "Quota raises need the owning team's approval and a REQ ticket; at 95% writes are not blocked, at 100% "
     "PUTs fail with QuotaExceeded."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE clusters (cluster TEXT PRIMARY KEY, site TEXT, role TEXT, raw_tib REAL, used_tib REAL,
                       default_sse_key TEXT);
CREATE TABLE nodes (node TEXT PRIMARY KEY, cluster TEXT, state TEXT, vaultd_version TEXT, disks INTEGER,
                    state_since TEXT, note TEXT);
CREATE TABLE buckets (bucket TEXT PRIMARY KEY, cluster TEXT, owner_team TEXT, versioning TEXT, object_lock TEXT,
                      encryption TEXT, objects INTEGER, used_tib REAL, quota_tib REAL);
CREATE TABLE bucket_usage (bucket TEXT, snapshot_at TEXT, snapshot_epoch INTEGER, used_tib REAL, objects INTEGER);
CREATE TABLE repl_rules (rule_id TEXT PRIMARY KEY, bucket TEXT, source_cluster TEXT, dest_cluster TEXT,
                         dest_encryption TEXT, rpo_s INTEGER, enabled INTEGER);
CREATE TABLE repl_samples (bucket TEXT, sample_start TEXT, sample_epoch INTEGER, replicated INTEGER,
                           failed_ops INTEGER, pending_objects INTEGER, pending_gib REAL, lag_s INTEGER);
CREATE TABLE repl_failures (bucket TEXT, sample_epoch INTEGER, error_code TEXT, count INTEGER, message TEXT);
CREATE TABLE gateway_stats (cluster TEXT, bucket_start TEXT, bucket_epoch INTEGER, requests INTEGER,
                            err_4xx INTEGER, err_5xx INTEGER, p50_ms INTEGER, p99_ms INTEGER);
CREATE TABLE keys (key_id TEXT PRIMARY KEY, cluster TEXT, state TEXT, is_default INTEGER, created_at TEXT,
                   default_since TEXT, grantees TEXT, note TEXT);
CREATE TABLE backup_jobs (job_id TEXT PRIMARY KEY, source TEXT, job_type TEXT, target_bucket TEXT, started_at TEXT,
                          started_epoch INTEGER, duration_min INTEGER, size_gib REAL, status TEXT, error TEXT);
CREATE TABLE restore_tests (test_id TEXT PRIMARY KEY, source TEXT, tested_at TEXT, tested_epoch INTEGER,
                            result TEXT, restore_min INTEGER, rto_min INTEGER, note TEXT);
CREATE TABLE changes (change_id TEXT PRIMARY KEY, category TEXT, target TEXT, summary TEXT, before_value TEXT,
                      after_value TEXT, implementer TEXT, applied_at TEXT, applied_epoch INTEGER, reference TEXT);
CREATE TABLE maintenance (mw_id TEXT PRIMARY KEY, component TEXT, from_version TEXT, to_version TEXT, targets TEXT,
                          started_at TEXT, started_epoch INTEGER, finished_at TEXT, status TEXT);
CREATE TABLE incidents (number TEXT PRIMARY KEY, priority TEXT, state TEXT, short_description TEXT,
                        assigned_to TEXT, opened_at TEXT, resolved_at TEXT);
CREATE TABLE oncall (rotation TEXT PRIMARY KEY, primary_person TEXT, secondary_person TEXT, until TEXT);
CREATE TABLE kb (article TEXT PRIMARY KEY, title TEXT, body TEXT);
"""

_BUCKETS = range(5, DAY + 5, 5)  # 5-minute buckets over 24 hours, by minutes ago of their start
_DENIED = "AccessDenied: principal svc-replicator is not allowed kms:GenerateDataKey on key kek-phx-08"
_CRM_LOCK = "FLUSH TABLES WITH READ LOCK timed out after 600 s (long-running query on crm.audit_events)"
_NORMAL_ERRORS = {
    "SLOW_DOWN": "503 SlowDown from the destination, retried",
    "SOURCE_OBJECT_GONE": "source version deleted before it was replicated",
}


def _replication(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[int, int]]:
    """Replication samples per rule over 24 hours, failures by error code, and KMS denials per bucket start."""
    samples: list[tuple[Any, ...]] = []
    failures: list[tuple[Any, ...]] = []
    denied: dict[int, int] = {}
    for _, bucket, _, dest, sse, _, rate, mib in RULES:
        broken = dest == "s3-phx" and sse == "sse-kms"
        pending = 0
        for ago in reversed(_BUCKETS):  # oldest first: pending objects accumulate
            start = now - timedelta(minutes=ago)
            epoch = int(start.timestamp())
            written = int(rate * (0.85 + 0.3 * noise(f"rw{bucket}", ago)))
            if broken and ago <= ONSET:
                pending += written
                replicated, failed = 0, 3 * written  # each object is tried three times per 5 minutes
                lag = (ONSET - ago + 5) * 60 + int(20 * noise(f"rl{bucket}", ago))
                failures.append((bucket, epoch, "KMS_ACCESS_DENIED", failed, _DENIED))
                denied[epoch] = denied.get(epoch, 0) + failed
            else:
                pending = int(rate * 0.04 * noise(f"rp{bucket}", ago))
                replicated, failed = written, int(4 * noise(f"rf{bucket}", ago))
                lag = 4 + int(36 * noise(f"rl{bucket}", ago))
                if failed:
                    code = "SLOW_DOWN" if noise(f"rc{bucket}", ago) < 0.7 else "SOURCE_OBJECT_GONE"
                    failures.append((bucket, epoch, code, failed, _NORMAL_ERRORS[code]))
            samples.append((bucket, iso(start), epoch, replicated, failed, pending, round(pending * mib / 1024, 1),
                            lag))  # fmt: skip
    return samples, failures, denied


def _gateway(now: datetime, denied: dict[int, int]) -> list[tuple[Any, ...]]:
    """S3 front-end traffic per cluster in 5-minute buckets over 24 hours."""
    rows: list[tuple[Any, ...]] = []
    for cluster, (req, spread, p50, p99, p99_spread) in GATEWAY.items():
        for ago in _BUCKETS:
            start = now - timedelta(minutes=ago)
            epoch = int(start.timestamp())
            requests = int(req + spread * noise(f"gr{cluster}", ago))
            e4 = round(requests * (0.3 + 0.6 * noise(f"g4{cluster}", ago)) / 100)
            e5 = round(requests * (0.01 + 0.04 * noise(f"g5{cluster}", ago)) / 100)
            p99_ms = p99 + p99_spread * noise(f"g99{cluster}", ago)
            if cluster == "s3-ash" and ASH_BLIP[0] <= ago <= ASH_BLIP[1]:
                e5 = round(requests * (2.1 + 1.7 * noise("gblip", ago)) / 100)
                p99_ms = 1400 + 800 * noise("g99blip", ago)
            if cluster == "s3-phx":  # the replicator's PUTs rejected with 403 (KMS)
                requests += denied.get(epoch, 0)
                e4 += denied.get(epoch, 0)
            rows.append((cluster, iso(start), epoch, requests, e4, e5, int(p50 + 8 * noise(f"g50{cluster}", ago)),
                         int(p99_ms)))  # fmt: skip
    return rows


def _usage(now: datetime) -> list[tuple[Any, ...]]:
    """Daily usage snapshots per bucket over 30 days (the newest taken now)."""
    rows: list[tuple[Any, ...]] = []
    for bucket, _, _, _, _, objects, used, _, per_day in BUCKETS:
        tib, count = used, objects
        for d in range(30):
            at = now - timedelta(days=d)
            rows.append((bucket, iso(at), int(at.timestamp()), round(tib, 2), count))
            grew = per_day * (0.9 + 0.2 * noise(f"u{bucket}", d))
            tib -= grew
            count -= int(objects * grew / used)
    return rows


def _backups(now: datetime) -> list[tuple[Any, ...]]:
    """bkagent jobs over two days, numbered in start order."""
    runs = [(s, ago) for s in SOURCES for ago in range(s[3], 2 * DAY, s[2])]
    runs.sort(key=lambda r: (-r[1], r[0][0]))
    rows: list[tuple[Any, ...]] = []
    for i, ((source, kind, _, _, gib, took, target), ago) in enumerate(runs):
        start = now - timedelta(minutes=ago)
        size = round(gib * (0.9 + 0.2 * noise(f"bs{source}", ago)), 1)
        minutes = max(1, round(took * (0.9 + 0.2 * noise(f"bt{source}", ago))))
        status, error = "success", ""
        if source == "mysql-crm" and ago == 540:
            status, error, size, minutes = "failed", _CRM_LOCK, 0.0, 11
        elif source == "vm-fileserver" and ago == 480:
            status, error, minutes = "warning", "completed after 37 retries: 503 SlowDown from s3-ash", 131
        rows.append((f"bj-{88200 + i}", source, kind, target, iso(start), int(start.timestamp()), minutes, size,
                     status, error))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    db.executemany("INSERT INTO clusters VALUES (?,?,?,?,?,?)", CLUSTERS)
    db.executemany("INSERT INTO nodes VALUES (?,?,?,?,?,?,?)",
                   [(n, c, st, v, d, ago(m), note) for n, c, st, v, d, m, note in NODES])  # fmt: skip
    db.executemany("INSERT INTO buckets VALUES (?,?,?,?,?,?,?,?,?)",
                   [(b, "s3-ash", *rest[:7]) for b, *rest in BUCKETS])  # fmt: skip
    db.executemany("INSERT INTO bucket_usage VALUES (?,?,?,?,?)", _usage(now))
    db.executemany("INSERT INTO repl_rules VALUES (?,?,?,?,?,?,?)", [(*r[:6], 1) for r in RULES])
    samples, failures, denied = _replication(now)
    db.executemany("INSERT INTO repl_samples VALUES (?,?,?,?,?,?,?,?)", samples)
    db.executemany("INSERT INTO repl_failures VALUES (?,?,?,?,?)", failures)
    db.executemany("INSERT INTO gateway_stats VALUES (?,?,?,?,?,?,?,?)", _gateway(now, denied))
    db.executemany(
        "INSERT INTO keys VALUES (?,?,?,?,?,?,?,?)",
        [(k, c, st, d, ago(cr), ago(ds), g, note) for k, c, st, d, cr, ds, g, note in KEYS],
    )
    db.executemany("INSERT INTO backup_jobs VALUES (?,?,?,?,?,?,?,?,?,?)", _backups(now))
    db.executemany(
        "INSERT INTO restore_tests VALUES (?,?,?,?,?,?,?,?)",
        [(i, s, ago(m), epoch(m), r, took, rto, note) for i, s, m, r, took, rto, note in RESTORES],
    )
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(i, c, t, s, b, a, who, ago(m), epoch(m), ref) for i, c, t, s, b, a, who, m, ref in CHANGES],
    )
    db.executemany(
        "INSERT INTO maintenance VALUES (?,?,?,?,?,?,?,?,?)",
        [(i, c, f, t, tg, ago(m), epoch(m), None if took is None else ago(m - took), st)
         for i, c, f, t, tg, m, took, st in MAINTENANCE],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?)",
        [(i, p, st, t, who, ago(o), ago(r)) for i, p, st, t, who, o, r in INCIDENTS],
    )
    db.executemany(
        "INSERT INTO oncall VALUES (?,?,?,?)", [(r, p, s, iso(now + timedelta(hours=h))) for r, p, s, h in ONCALL]
    )
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "object storage and backup operations store"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
