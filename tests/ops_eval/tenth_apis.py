"""The tenth estate's APIs (:mod:`tests.ops_eval.tenth_estate`): SQL over an object storage and backup team's
operations store, as its storage, backup and KMS engineers would publish them. Parameter names and window forms
differ from API to API on purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_CLUSTERS = ["s3-ash", "s3-phx", "cold-den"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "storage_clusters": (
        "Object storage clusters (S3-compatible, run by vaultd): site, role (primary, dr-replica, cold-archive), raw "
        "and used capacity in TiB, used percent, the KMS key that is the cluster's default for server-side "
        "encryption (SSE-KMS)",
        ["config", "inventory", "storage", "capacity"],
        "SELECT cluster, site, role, raw_tib, used_tib, ROUND(100.0 * used_tib / raw_tib, 1) AS used_pct, "
        "default_sse_key FROM clusters WHERE (:role = '' OR role = :role) ORDER BY cluster",
        obj({"role": {"type": "string", "enum": ["", "primary", "dr-replica", "cold-archive"], "default": ""}}),
    ),
    "storage_nodes": (
        "Storage nodes of the object storage clusters: cluster, state (active, rebuilding, maintenance), vaultd "
        "version, disks, since when in that state, operator note",
        ["config", "inventory", "storage"],
        "SELECT node, cluster, state, vaultd_version, disks, state_since, note FROM nodes "
        "WHERE (:cluster = '' OR cluster = :cluster) AND (:state = '' OR state = :state) ORDER BY node",
        obj(
            {
                "cluster": {"type": "string", "enum": ["", *_CLUSTERS], "default": ""},
                "state": {"type": "string", "enum": ["", "active", "rebuilding", "maintenance"], "default": ""},
            }
        ),
    ),
    "buckets": (
        "Buckets: home cluster, owning team, versioning, object lock, encryption (sse-s3 or sse-kms), object count, "
        "stored TiB, quota TiB and the percent of the quota used",
        ["config", "inventory", "storage", "capacity"],
        "SELECT bucket, cluster, owner_team, versioning, object_lock, encryption, objects, used_tib, quota_tib, "
        "ROUND(100.0 * used_tib / quota_tib, 1) AS quota_used_pct FROM buckets "
        "WHERE instr(lower(bucket || ' ' || owner_team), lower(:name_contains)) > 0 "
        "AND (:cluster = '' OR cluster = :cluster) ORDER BY bucket",
        obj(
            {
                "name_contains": {"type": "string", "default": "", "description": "part of the bucket or team name"},
                "cluster": {"type": "string", "enum": ["", *_CLUSTERS], "default": ""},
            }
        ),
    ),
    "bucket_usage_history": (
        "Daily usage snapshots of one bucket over the last N days: stored TiB and object count per snapshot",
        ["metric", "storage", "capacity"],
        "SELECT bucket, snapshot_at, used_tib, objects FROM bucket_usage WHERE bucket = :bucket "
        f"AND snapshot_epoch > {_NOW} - :days * 86400 - 3600 ORDER BY snapshot_epoch",
        obj(
            {
                "bucket": {"type": "string", "description": "bucket name"},
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 14},
            },
            ["bucket"],
        ),
    ),
    "replication_rules": (
        "Cross-cluster replication rules: source bucket, source and destination cluster, how replicas are encrypted "
        "at the destination (sse-kms with the destination cluster's default key, or sse-s3), RPO in seconds",
        ["config", "storage", "replication", "dr"],
        "SELECT rule_id, bucket, source_cluster, dest_cluster, dest_encryption, rpo_s, enabled FROM repl_rules "
        "WHERE (:bucket = '' OR bucket = :bucket) ORDER BY rule_id",
        obj({"bucket": {"type": "string", "default": ""}}),
    ),
    "replication_lag": (
        "Replication progress per replicated bucket in 5-minute samples over a lookback window: objects "
        "replicated, failed replication operations, objects pending, GiB pending and lag in seconds (age of the "
        "oldest object not yet replicated)",
        ["metric", "storage", "replication", "dr"],
        "SELECT bucket, sample_start, replicated, failed_ops, pending_objects, pending_gib, lag_s FROM repl_samples "
        "WHERE (:bucket = '' OR bucket = :bucket) AND sample_epoch >= "
        f"{_NOW} - CASE :lookback WHEN '30m' THEN 1800 WHEN '1h' THEN 3600 WHEN '6h' THEN 21600 ELSE 86400 END "
        "ORDER BY bucket, sample_epoch",
        obj(
            {
                "bucket": {"type": "string", "default": ""},
                "lookback": {"type": "string", "enum": ["30m", "1h", "6h", "24h"], "default": "1h"},
            }
        ),
    ),
    "replication_failures": (
        "Failed replication operations in the last N hours by error code (SLOW_DOWN, SOURCE_OBJECT_GONE, "
        "KMS_ACCESS_DENIED, ...): count, the buckets affected, first seen, an example error message",
        ["metric", "storage", "replication", "logs"],
        "SELECT error_code, SUM(count) AS failures, group_concat(DISTINCT bucket) AS buckets, "
        "datetime(MIN(sample_epoch), 'unixepoch') AS first_seen, MAX(message) AS example FROM repl_failures "
        f"WHERE sample_epoch + 300 > {_NOW} - :hours * 3600 AND (:bucket = '' OR bucket = :bucket) "
        "GROUP BY error_code ORDER BY failures DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 1},
                "bucket": {"type": "string", "default": ""},
            }
        ),
    ),
    "s3_gateway_stats": (
        "S3 API front-end traffic of a cluster in 5-minute buckets between two unix times: requests, 4xx and 5xx "
        "responses (count and percent), p50 and p99 latency in milliseconds",
        ["metric", "storage", "http", "latency", "errors"],
        "SELECT cluster, bucket_start, requests, err_4xx, ROUND(100.0 * err_4xx / requests, 2) AS err_4xx_pct, "
        "err_5xx, ROUND(100.0 * err_5xx / requests, 2) AS err_5xx_pct, p50_ms, p99_ms FROM gateway_stats "
        "WHERE cluster = :cluster AND bucket_epoch >= :from_epoch AND (:to_epoch = 0 OR bucket_epoch < :to_epoch) "
        "ORDER BY bucket_epoch",
        obj(
            {
                "cluster": {"type": "string", "enum": _CLUSTERS},
                "from_epoch": {"type": "integer", "minimum": 0, "description": "window start, unix seconds"},
                "to_epoch": {"type": "integer", "minimum": 0, "default": 0, "description": "window end; 0: now"},
            },
            ["cluster", "from_epoch"],
        ),
    ),
    "kek_inventory": (
        "Key-encryption keys held in the KMS per cluster: state (enabled, disabled), whether it is the cluster's "
        "default for new objects, created, made default, the service principals granted encrypt/decrypt",
        ["config", "security", "kms"],
        "SELECT key_id, cluster, state, is_default, created_at, default_since, grantees, note FROM keys "
        "WHERE (:cluster = '' OR cluster = :cluster) ORDER BY cluster, created_at DESC",
        obj({"cluster": {"type": "string", "enum": ["", *_CLUSTERS], "default": ""}}),
    ),
    "backup_jobs": (
        "Backup jobs run by bkagent since a date: protected source (databases, VMs, etcd, gitlab), job type, target "
        "bucket, started, duration in minutes, GiB written, status (success, warning, failed), error",
        ["history", "backup"],
        "SELECT job_id, source, job_type, target_bucket, started_at, duration_min, size_gib, status, error "
        "FROM backup_jobs WHERE date(started_at) >= date(:since_date) AND (:source = '' OR source = :source) "
        "AND (:status = '' OR status = :status) ORDER BY started_epoch DESC",
        obj(
            {
                "since_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD (UTC)"},
                "source": {"type": "string", "default": "", "description": "e.g. pg-orders"},
                "status": {"type": "string", "enum": ["", "success", "warning", "failed"], "default": ""},
            },
            ["since_date"],
        ),
    ),
    "restore_tests": (
        "Scheduled restore tests of the backups in the last N days: source, result (pass or fail), minutes the "
        "restore took against the RTO target in minutes, note",
        ["history", "backup", "dr"],
        "SELECT test_id, source, tested_at, result, restore_min, rto_min, note FROM restore_tests "
        f"WHERE (:source = '' OR source = :source) AND tested_epoch >= {_NOW} - :within_days * 86400 "
        "ORDER BY tested_epoch DESC",
        obj(
            {
                "source": {"type": "string", "default": ""},
                "within_days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 30},
            }
        ),
    ),
    "change_requests": (
        "Change requests applied to the storage platform since a time (CHGnnnnnnn): category, target, summary, "
        "before and after values, implementer, reference",
        ["history", "change", "config"],
        "SELECT change_id, category, target, summary, before_value, after_value, implementer, applied_at, reference "
        "FROM changes WHERE julianday(applied_at) >= julianday(:since) AND (:category = '' OR category = :category) "
        "ORDER BY applied_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 (UTC)"},
                "category": {
                    "type": "string",
                    "enum": ["", "kms", "quota", "lifecycle", "replication", "backup_policy", "node"],
                    "default": "",
                },
            },
            ["since"],
        ),
    ),
    "maintenance_log": (
        "Maintenance windows of the last N days (MW-nnn): vaultd and bkagent software upgrades and hardware work, "
        "from and to version, target nodes, started, finished, status",
        ["history", "deploy", "change"],
        "SELECT mw_id, component, from_version, to_version, targets, started_at, finished_at, status "
        f"FROM maintenance WHERE started_epoch >= {_NOW} - :days * 86400 ORDER BY started_epoch DESC",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 14}}),
    ),
    "incident_list": (
        "Incidents of the storage platform (INCnnnnnnn): priority (1 - Critical .. 4 - Low), state (New, In "
        "Progress, On Hold, Resolved), short description, assignee, opened, resolved",
        ["history", "incident"],
        "SELECT number, priority, state, short_description, assigned_to, opened_at, resolved_at FROM incidents "
        "WHERE instr(lower(number || ' ' || short_description), lower(:text)) > 0 "
        "AND (:state = '' OR state = :state) ORDER BY opened_at DESC",
        obj(
            {
                "text": {"type": "string", "default": "", "description": "incident number or words"},
                "state": {"type": "string", "enum": ["", "New", "In Progress", "On Hold", "Resolved"], "default": ""},
            }
        ),
    ),
    "oncall_now": (
        "Who is on call now for a rotation: primary and secondary and until when",
        ["config", "people"],
        "SELECT rotation, primary_person, secondary_person, until FROM oncall WHERE rotation = :rotation",
        obj({"rotation": {"type": "string", "enum": ["storage-core", "backup-ops", "kms-security"]}}, ["rotation"]),
    ),
    "kb_articles": (
        "Search the storage team's knowledge base (runbooks, procedures) for words",
        ["document"],
        "SELECT article, title, body FROM kb WHERE instr(lower(article || ' ' || title || ' ' || body), "
        "lower(:terms)) > 0",
        obj({"terms": {"type": "string", "description": "a word or phrase to look for"}}, ["terms"]),
    ),
}
