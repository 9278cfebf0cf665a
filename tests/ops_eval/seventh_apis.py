"""The seventh estate's APIs (:mod:`tests.ops_eval.seventh_estate`): SQL over a DBA team's fleet store, as the
database reliability team would publish them. Parameter names and window forms differ from API to API on
purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_CLUSTER = {"type": "string", "default": "", "description": "database cluster name, empty for every cluster"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "fleet_topology": (
        "Database clusters and their instances: engine and version, role (primary or replica), availability "
        "zone, which primary a replica follows, state, when it took its current role, notes",
        ["config", "inventory", "database"],
        "SELECT cluster, engine, version, instance, role, zone, replica_of, state, role_since, note FROM instances "
        "WHERE (cluster LIKE :name_like OR instance LIKE :name_like) AND (:engine = 'any' OR engine = :engine) "
        "ORDER BY cluster, role, instance",
        obj(
            {
                "name_like": {
                    "type": "string",
                    "default": "%",
                    "description": "SQL LIKE pattern on the cluster or instance name (% matches anything), e.g. 'inv%'",
                },
                "engine": {"type": "string", "enum": ["any", "postgresql", "mysql"], "default": "any"},
            }
        ),
    ),
    "replication_lag": (
        "Replication lag of replica instances: seconds behind their primary and the apply thread's state, "
        "sampled every 2 minutes, per replica, over an ISO 8601 lookback",
        ["metric", "database", "replication"],
        "SELECT instance, cluster, sampled_at, lag_s, apply_state FROM repl_lag "
        "WHERE (:cluster = '' OR cluster = :cluster) AND (:instance = '' OR instance = :instance) "
        f"AND sampled_epoch > {_NOW} - CASE :lookback WHEN 'PT15M' THEN 900 WHEN 'PT1H' THEN 3600 "
        "WHEN 'PT6H' THEN 21600 ELSE 86400 END ORDER BY instance, sampled_epoch",
        obj(
            {
                "cluster": _CLUSTER,
                "instance": {"type": "string", "default": "", "description": "one replica instance, empty for all"},
                "lookback": {"type": "string", "enum": ["PT15M", "PT1H", "PT6H", "PT24H"], "default": "PT1H"},
            }
        ),
    ),
    "pool_saturation": (
        "Connection pooler (pgbouncer / ProxySQL) pools: active server connections against the pool maximum, "
        "utilisation in percent, clients waiting and their mean wait (ms), 5-minute samples between two times",
        ["metric", "database", "connections"],
        "SELECT cluster, pool, ts, active, max_conns, ROUND(100.0 * active / max_conns, 1) AS utilisation_pct, "
        "waiting_clients, avg_wait_ms FROM pool_stats WHERE (:cluster = '' OR cluster = :cluster) "
        "AND julianday(ts) >= julianday(:from_ts) AND (:to_ts = '' OR julianday(ts) <= julianday(:to_ts)) "
        "ORDER BY pool, ts",
        obj(
            {
                "cluster": _CLUSTER,
                "from_ts": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "to_ts": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
            },
            ["from_ts"],
        ),
    ),
    "top_queries": (
        "Slow query log digests of one cluster over the last N hours (pg_stat_statements / performance_schema): "
        "normalised query, calls, mean and p95 execution ms, total seconds, rows examined per call",
        ["metric", "database", "query", "performance"],
        "SELECT digest, fingerprint, SUM(calls) AS calls, ROUND(SUM(calls * mean_ms) / SUM(calls), 1) AS mean_ms, "
        "MAX(p95_ms) AS p95_ms, ROUND(SUM(calls * mean_ms) / 1000.0) AS total_s, "
        "ROUND(1.0 * SUM(calls * rows_examined) / SUM(calls)) AS rows_examined_per_call FROM query_digests "
        f"WHERE cluster = :cluster AND bucket_end_epoch > {_NOW} - :hours * 3600 GROUP BY digest, fingerprint "
        "ORDER BY CASE :rank_by WHEN 'mean_time' THEN SUM(calls * mean_ms) / SUM(calls) "
        "WHEN 'calls' THEN SUM(calls) ELSE SUM(calls * mean_ms) END DESC LIMIT :top",
        obj(
            {
                "cluster": {"type": "string", "description": "database cluster name, e.g. billing"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 1},
                "rank_by": {"type": "string", "enum": ["total_time", "mean_time", "calls"], "default": "total_time"},
                "top": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            },
            ["cluster"],
        ),
    ),
    "query_history": (
        "Hour-by-hour statistics of one query digest: calls, mean and p95 execution ms, rows examined per call",
        ["metric", "database", "query", "performance"],
        "SELECT digest, bucket_start AS hour, calls, mean_ms, p95_ms, rows_examined FROM query_digests "
        f"WHERE digest = :digest AND bucket_end_epoch > {_NOW} - :last_hours * 3600 ORDER BY bucket_end_epoch",
        obj(
            {
                "digest": {"type": "string", "description": "query digest id as top_queries reports it"},
                "last_hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 24},
            },
            ["digest"],
        ),
    ),
    "backup_runs": (
        "Nightly full backups (pgBackRest / XtraBackup) started on or after a date: backup id, cluster, tool, "
        "start and finish, size in GB, outcome and error, newest first",
        ["history", "database", "backup"],
        "SELECT backup_id, cluster, tool, started_at, finished_at, size_gb, status, error FROM backups "
        "WHERE (:cluster = '' OR cluster = :cluster) AND (:outcome = '' OR status = :outcome) "
        "AND substr(started_at, 1, 10) >= :since_date ORDER BY started_at DESC",
        obj(
            {
                "cluster": _CLUSTER,
                "outcome": {"type": "string", "enum": ["", "ok", "failed"], "default": ""},
                "since_date": {"type": "string", "format": "date", "description": "first day (UTC), YYYY-MM-DD"},
            },
            ["since_date"],
        ),
    ),
    "restore_drills": (
        "Restore tests of backups: when each cluster was last (or ever) restored as a drill, days since, "
        "outcome, restore minutes against the recovery time objective (RTO), oldest first",
        ["history", "database", "backup"],
        "SELECT drill_id, cluster, tested_at, ROUND(julianday('now') - julianday(tested_at), 1) AS days_since_test, "
        "outcome, restore_minutes, rto_minutes, note FROM restore_drills d WHERE (:cluster = '' OR cluster = :cluster) "
        "AND (:latest_only = 0 OR tested_at = (SELECT MAX(r.tested_at) FROM restore_drills r "
        "WHERE r.cluster = d.cluster)) ORDER BY tested_at",
        obj({"cluster": _CLUSTER, "latest_only": {"type": "boolean", "default": True}}),
    ),
    "failovers": (
        "Primary failovers and switchovers in the last N days: old and new primary, automatic or planned, "
        "seconds without writes, reason",
        ["history", "database", "incident"],
        "SELECT event_id, cluster, occurred_at, old_primary, new_primary, kind, write_downtime_s, reason "
        "FROM failovers WHERE (:cluster = '' OR cluster = :cluster) "
        f"AND occurred_epoch >= {_NOW} - :within_days * 86400 ORDER BY occurred_epoch DESC",
        obj(
            {"cluster": _CLUSTER, "within_days": {"type": "integer", "minimum": 1, "maximum": 90}},
            ["within_days"],
        ),
    ),
    "schema_migrations": (
        "Schema migrations (DDL) run against the clusters within a window: migration id, DDL, tool (flyway, "
        "gh-ost, native), author, start, finish, duration, status and error",
        ["history", "change", "database"],
        "SELECT migration_id, cluster, ddl, tool, author, started_at, finished_at, duration_s, status, error "
        f"FROM migrations WHERE (:cluster = '' OR cluster = :cluster) AND started_epoch >= {_NOW} - "
        "CAST(substr(:window, 1, length(:window) - 1) AS INTEGER) * CASE substr(:window, -1) WHEN 'm' THEN 60 "
        "WHEN 'h' THEN 3600 ELSE 86400 END ORDER BY started_epoch DESC",
        obj(
            {
                "cluster": _CLUSTER,
                "window": {
                    "type": "string",
                    "pattern": "^[1-9][0-9]{0,3}[mhd]$",
                    "description": "how far back: a number and a unit m, h or d, e.g. 90m, 12h, 3d",
                },
            },
            ["window"],
        ),
    ),
    "param_changes": (
        "Database server parameter changes (postgresql.conf / my.cnf) newer than N minutes: instance, parameter, "
        "old and new value, who, whether a restart is needed, reason",
        ["history", "change", "config", "database"],
        "SELECT change_id, cluster, instance, parameter, old_value, new_value, applied_at, changed_by, needs_restart, "
        f"reason FROM param_changes WHERE (:cluster = '' OR cluster = :cluster) AND applied_epoch >= {_NOW} - "
        ":newer_than_minutes * 60 ORDER BY applied_epoch DESC",
        obj(
            {"cluster": _CLUSTER, "newer_than_minutes": {"type": "integer", "minimum": 1, "maximum": 43200}},
            ["newer_than_minutes"],
        ),
    ),
    "disk_daily": (
        "Daily data-volume usage per database instance over the last N days: GB used, volume size, percent used",
        ["metric", "capacity", "database"],
        "SELECT instance, day, used_gb, size_gb, ROUND(100.0 * used_gb / size_gb, 1) AS used_pct FROM disk_daily "
        "WHERE (:instance = '' OR instance = :instance) AND julianday(day) > julianday('now') - :days "
        "ORDER BY instance, day",
        obj(
            {
                "instance": {"type": "string", "default": "", "description": "database instance, empty for all"},
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 14},
            }
        ),
    ),
    "storage_forecast": (
        "Disk forecast per database instance: used GB and percent today, growth per day over the last week, "
        "days until the data volume is full, soonest first",
        ["capacity", "database"],
        "SELECT d.instance, d.used_gb, d.size_gb, ROUND(100.0 * d.used_gb / d.size_gb, 1) AS used_pct, "
        "ROUND((d.used_gb - w.used_gb) / 7.0, 1) AS growth_gb_per_day, CASE WHEN d.used_gb > w.used_gb "
        "THEN ROUND((d.size_gb - d.used_gb) * 7.0 / (d.used_gb - w.used_gb), 1) END AS days_until_full "
        "FROM disk_daily d JOIN disk_daily w ON w.instance = d.instance AND w.day = date(d.day, '-7 days') "
        "WHERE d.day = (SELECT MAX(day) FROM disk_daily) AND 100.0 * d.used_gb / d.size_gb >= :min_used_pct "
        "ORDER BY days_until_full",
        obj({"min_used_pct": {"type": "number", "minimum": 0, "maximum": 100, "default": 0}}),
    ),
    "maintenance_jobs": (
        "DBA maintenance jobs (vacuum, analyze, repack, purge, patching, optimize): instance, command, state, "
        "scheduled, started, finished, note",
        ["history", "database", "maintenance"],
        "SELECT job_id, cluster, instance, kind, command, state, scheduled_for, started_at, finished_at, note "
        "FROM maintenance_jobs WHERE (:cluster = '' OR cluster = :cluster) AND (:state = '' OR state = :state) "
        "AND (:kind = '' OR kind = :kind) ORDER BY COALESCE(started_at, scheduled_for) DESC",
        obj(
            {
                "cluster": _CLUSTER,
                "state": {"type": "string", "enum": ["", "scheduled", "running", "succeeded", "failed"], "default": ""},
                "kind": {
                    "type": "string",
                    "enum": ["", "vacuum", "analyze", "repack", "purge", "patching", "optimize"],
                    "default": "",
                },
            }
        ),
    ),
    "dba_tickets": (
        "DBA team tickets (DBA-nnnn): severity P1-P4, state, cluster, title, assignee, opened; search by id, "
        "cluster or words of the title",
        ["history", "incident"],
        "SELECT ticket, severity, state, cluster, title, assignee, opened_at FROM tickets "
        "WHERE instr(lower(ticket || ' ' || cluster || ' ' || title), lower(:search)) > 0 "
        "AND (:severity = '' OR severity = :severity) AND (:open_only = 0 OR state <> 'resolved') "
        "ORDER BY opened_at DESC",
        obj(
            {
                "search": {"type": "string", "default": "", "description": "ticket id, cluster or title words"},
                "severity": {"type": "string", "enum": ["", "P1", "P2", "P3", "P4"], "default": ""},
                "open_only": {"type": "boolean", "default": False},
            }
        ),
    ),
    "dba_oncall": (
        "Who is on call on a DBA schedule now: primary and secondary DBA, end of the shift",
        ["config", "people"],
        "SELECT schedule, primary_dba, secondary_dba, shift_ends FROM oncall WHERE schedule = :schedule",
        obj({"schedule": {"type": "string", "enum": ["postgres", "mysql", "platform"]}}, ["schedule"]),
    ),
    "dba_wiki": (
        "Search the DBA wiki (runbooks and how-tos) for a phrase",
        ["document"],
        "SELECT article, title, body FROM wiki WHERE instr(lower(title || ' ' || body), lower(:phrase)) > 0",
        obj({"phrase": {"type": "string", "description": "a word or phrase to look for"}}, ["phrase"]),
    ),
}
