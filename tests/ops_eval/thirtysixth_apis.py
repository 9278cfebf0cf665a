"""The thirtysixth estate's APIs (:mod:`tests.ops_eval.thirtysixth_estate`): SQL over Skellan Cloud's S3-compatible
object storage operations store (regions and availability zones, storage nodes and their disks, SMART history,
hardware events, per-endpoint request metrics, per-node disk I/O, erasure sets, repair queues, rebalancing jobs,
cross-region replication lag, customer accounts and buckets with their quotas, SlowDown throttling per account,
lifecycle and GC runs, software and firmware rollouts, change records, incidents and their timelines, support tickets,
remote hands jobs, the runbooks, the NOC log, on-call and the NOC shift leads), as the storage SRE, NOC and customer
teams would publish them. Windows differ on purpose: an RFC 3339 time (``since``), ``hours``, ``days``,
``lookback_hours``, ``window_hours``, ``last_days``, ``since_hours`` and ``back_days`` / ``ahead_days``. Two APIs
require an identifier: a node's disks need the node, and a disk's SMART history needs its serial number, which only the
disks (or the hardware events) give; one needs an incident id (its timeline); two search free text (runbooks, the NOC
log); one aggregates (throttled requests per account). The tables' schema and the runbooks' text live here too."""

from __future__ import annotations

from typing import Any

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS", "RUNBOOKS", "SCHEMA"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_REGIONS = ["", "lds1", "lhr2", "ams3"]


#: The tables the APIs read (the estate module fills them).
SCHEMA = """
CREATE TABLE zones (region TEXT, city TEXT, az TEXT PRIMARY KEY, facility TEXT, endpoint TEXT, nodes INTEGER,
                    status TEXT);
CREATE TABLE nodes (node TEXT PRIMARY KEY, region TEXT, az TEXT, rack TEXT, model TEXT, disks INTEGER, raw_tb INTEGER,
                    used_pct REAL, osd_version TEXT, state TEXT, since TEXT, note TEXT);
CREATE TABLE disks (node TEXT, slot TEXT, serial TEXT PRIMARY KEY, model TEXT, firmware TEXT, size_tb INTEGER,
                    state TEXT, since TEXT, note TEXT);
CREATE TABLE smart (serial TEXT, node TEXT, slot TEXT, read_utc TEXT, read_epoch INTEGER, power_on_h INTEGER,
                    temp_c INTEGER, realloc_sectors INTEGER, pending_sectors INTEGER, media_errors INTEGER,
                    predicted_fail TEXT);
CREATE INDEX smart_serial ON smart (serial);
CREATE TABLE hw_events (event TEXT PRIMARY KEY, at_utc TEXT, at_epoch INTEGER, region TEXT, node TEXT, serial TEXT,
                        kind TEXT, detail TEXT);
CREATE TABLE endpoint_samples (endpoint TEXT, region TEXT, sample_end TEXT, end_epoch INTEGER, req_per_s INTEGER,
                               get_p50_ms INTEGER, get_p99_ms INTEGER, put_p99_ms INTEGER, http_5xx_pct REAL,
                               slowdown_503_pct REAL);
CREATE TABLE node_io (node TEXT, region TEXT, az TEXT, sample_end TEXT, end_epoch INTEGER, disk_busy_pct REAL,
                      rebalance_mb_s INTEGER, repair_mb_s INTEGER);
CREATE TABLE erasure_sets (set_id TEXT PRIMARY KEY, region TEXT, scheme TEXT, shards_total INTEGER,
                           shards_online INTEGER, state TEXT, since TEXT, rebuild_pct INTEGER, missing_shard TEXT,
                           note TEXT);
CREATE TABLE repair_samples (region TEXT, sample_end TEXT, end_epoch INTEGER, queued_shards INTEGER,
                             repair_mb_s INTEGER, oldest_item_min INTEGER);
CREATE TABLE rebalance_jobs (job TEXT PRIMARY KEY, region TEXT, reason TEXT, started TEXT, start_epoch INTEGER,
                             state TEXT, progress_pct INTEGER, moved_tb REAL, remaining_tb REAL,
                             max_moves_per_node INTEGER, bandwidth_cap_mb_s INTEGER, change TEXT, note TEXT);
CREATE TABLE replication_samples (pair TEXT, sample_end TEXT, end_epoch INTEGER, lag_s INTEGER,
                                  backlog_objects INTEGER);
CREATE TABLE accounts (account TEXT PRIMARY KEY, name TEXT, plan TEXT, home_region TEXT, quota_tb REAL, used_tb REAL,
                       rate_limit_rps INTEGER, tam TEXT);
CREATE TABLE buckets (bucket TEXT PRIMARY KEY, account TEXT, region TEXT, objects_m REAL, size_tb REAL, quota_tb REAL,
                      used_pct REAL, versioning TEXT, lifecycle TEXT, replication TEXT);
CREATE TABLE throttle_hourly (account TEXT, region TEXT, hour_end TEXT, end_epoch INTEGER, requests INTEGER,
                              throttled INTEGER);
CREATE TABLE lifecycle (run TEXT PRIMARY KEY, region TEXT, kind TEXT, started TEXT, start_epoch INTEGER,
                        finished TEXT, status TEXT, objects_processed INTEGER, reclaimed_tb REAL, note TEXT);
CREATE TABLE rollouts (rollout TEXT, component TEXT, from_version TEXT, to_version TEXT, stage TEXT, scope TEXT,
                       status TEXT, started TEXT, s_epoch INTEGER, finished TEXT, nodes_done INTEGER,
                       nodes_total INTEGER, change TEXT, note TEXT);
CREATE TABLE changes (change TEXT PRIMARY KEY, title TEXT, region TEXT, kind TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE incidents (incident TEXT PRIMARY KEY, severity TEXT, title TEXT, region TEXT, opened TEXT,
                        open_epoch INTEGER, mitigated TEXT, resolved TEXT, status TEXT, commander TEXT,
                        customer_impact TEXT, summary TEXT);
CREATE TABLE incident_updates (incident TEXT, at_utc TEXT, at_epoch INTEGER, author TEXT, entry TEXT);
CREATE TABLE tickets (ticket TEXT PRIMARY KEY, account TEXT, customer TEXT, region TEXT, subject TEXT, priority TEXT,
                      status TEXT, opened TEXT, open_epoch INTEGER, updated TEXT, upd_epoch INTEGER, incident TEXT,
                      latest TEXT);
CREATE TABLE dc_jobs (job TEXT PRIMARY KEY, region TEXT, site TEXT, node TEXT, task TEXT, status TEXT,
                      scheduled TEXT, s_epoch INTEGER, technician TEXT, note TEXT);
CREATE TABLE runbooks (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
CREATE TABLE ops_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                     mobile TEXT);
"""

#: The documents runbook_search searches: doc, title, body.
RUNBOOKS = [
    ("ESC-01", "Storage escalation policy", "SEV1 / SEV2: the NOC shift lead opens the incident and pages "
     "storage-sre primary and the incident commander; customer-escalations joins for P1 / P2 tickets; page the "
     "secondary after 15 minutes without an acknowledgement; vendors through dc-ops."),
    ("RUN-STO-003", "Disk failure and erasure set rebuild", "Confirm the FAILED disk (node_disks, hardware events), "
     "check its erasure sets' shards online (EC4+2 survives 2 lost shards, EC8+4 survives 4) and that the repair "
     "queue drains; pause the region's rebalancer during a rebuild; book a remote hands swap (DCW); SEV3."),
    ("RUN-STO-007", "Rebalancer settings", "Defaults: 4 concurrent moves and 200 MB/s per node. Never more than 6 "
     "moves per node or no bandwidth cap while customers are on the region: above 85% disk busy client latency climbs "
     "and the gateways answer 503 SlowDown. Back out by restoring 4 / 200 after the in-flight moves checkpoint."),
    ("RUN-STO-011", "503 SlowDown and high latency", "1. endpoint metrics: p99 and 503 %. 2. throttling per account: "
     "one account over its own rate limit is the account's problem (tell its TAM), many accounts at once is ours. "
     "3. disk busy on the region's nodes: above 85% look for rebalance or repair traffic and recent changes "
     "(rebalancer, firmware, strata-osd). 4. SEV2 when 503s stay above 1% for 10 minutes. 5. advise customers to "
     "retry with exponential backoff."),
    ("RUN-STO-014", "Cross-region replication lag", "Page storage-sre above 300 s for 10 minutes; check the source "
     "region's latency and disk busy first; customers with replicated buckets get a status page note."),
    ("RUN-STO-019", "SMART predicted failure", "Swap the disk within 72 hours (remote hands); if pending sectors "
     "keep growing drain the disk first; two predicted failures on one node: check its backplane and HBA."),
    ("RUN-STO-022", "Lifecycle or GC run failed", "Lock timeouts: GC and lifecycle expiry must not overlap in a "
     "region (they lock the same index shards): check the windows and recent changes to them, re-run the GC "
     "outside the expiry window; two failures in a row: ticket to storage-sre."),
]  # fmt: skip


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, underscores, slashes and spaces (ids are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "_", "/", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on an id column typed any way (``stn-ams3-a-003``, ``STN AMS3 A 003``); empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


def _region(col: str = "region") -> str:
    return f"(:region = '' OR {col} = lower(trim(:region)))"


def _int(lo: int, hi: int, default: int, description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer", "minimum": lo, "maximum": hi, "default": default}
    if description:
        out["description"] = description
    return out


def _str(description: str = "", default: str | None = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if default is not None:
        out["default"] = default
    if description:
        out["description"] = description
    return out


def _enum(values: list[str], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string", "enum": values, "default": ""}
    if description:
        out["description"] = description
    return out


_REGION = _enum(_REGIONS, "lds1 = Leeds, lhr2 = London, ams3 = Amsterdam; empty: all")

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "storage_zones": (
        "Regions and availability zones of Skellan Object Storage: region code (lds1, lhr2, ams3), city, AZ "
        "(lds1-b), data centre facility, public S3 endpoint, storage nodes, status",
        ["inventory", "region", "az", "zone", "endpoint", "datacentre"],
        f"SELECT region, city, az, facility, endpoint, nodes, status FROM zones WHERE {_region()} ORDER BY region, az",
        obj({"region": _REGION}),
    ),
    "storage_nodes": (
        "Storage node inventory and state: node (stn-lds1-b-009), region, AZ, rack, chassis model, disks, raw TB, "
        "used %, strata-osd version, state (IN_SERVICE, JOINING = new node receiving data from the rebalancer, "
        "DEGRADED, MAINTENANCE, DRAINING), since, note",
        ["inventory", "node", "server", "state", "status", "capacity", "version"],
        "SELECT node, region, az, rack, model, disks, raw_tb, used_pct, osd_version, state, since, note FROM nodes "
        f"WHERE {_region()} AND (:az = '' OR az = lower(trim(:az))) AND (:state = '' OR state = upper(:state)) "
        f"AND {_id('node', 'node')} ORDER BY node",
        obj(
            {
                "region": _REGION,
                "az": _str("availability zone, e.g. lds1-b; empty: all"),
                "state": _enum(["", "IN_SERVICE", "JOINING", "DEGRADED", "MAINTENANCE", "DRAINING"]),
                "node": _str("node name, e.g. stn-ams3-a-003; empty: all"),
            }
        ),
    ),
    "node_disks": (
        "The disks of ONE storage node: slot (d01..d12), serial number, model, firmware, size (TB), state (OK, "
        "FAILED, PREDICTED_FAIL = SMART predicts a failure, REPLACED), since, note",
        ["inventory", "disk", "drive", "serial", "firmware", "node", "hardware"],
        f"SELECT node, slot, serial, model, firmware, size_tb, state, since, note FROM disks WHERE {_norm('node')} = "
        f"{_norm('trim(:node)')} ORDER BY slot",
        obj({"node": _str("storage node name, e.g. stn-lds1-c-019", None)}, ["node"]),
    ),
    "disk_smart_history": (
        "Daily SMART readings of ONE disk by its serial number (as node_disks lists it), kept 14 days, oldest first: "
        "power-on hours, temperature (C), reallocated sectors, pending sectors, media errors, predicted_fail (yes "
        "when the drive's SMART self-assessment predicts a failure)",
        ["metric", "smart", "disk", "health", "trend", "serial", "hardware"],
        "SELECT serial, node, slot, read_utc, power_on_h, temp_c, realloc_sectors, pending_sectors, media_errors, "
        f"predicted_fail FROM smart WHERE {_norm('serial')} = {_norm('trim(:serial)')} "
        f"AND read_epoch >= {_NOW} - :days * 86400 ORDER BY read_epoch",
        obj({"serial": _str("disk serial number, e.g. ZHX4KQ2M", None), "days": _int(1, 14, 7)}, ["serial"]),
    ),
    "hardware_events": (
        "Hardware events since an RFC 3339 time, newest first: disk failures, SMART predicted failures, disk "
        "replacements, PSU faults, node joins and reboots, with the node, the disk serial and detail",
        ["history", "hardware", "disk", "failure", "event", "psu", "serial"],
        "SELECT event, at_utc, region, node, serial, kind, detail FROM hw_events "
        f"WHERE at_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND {_region()} "
        "AND (:kind = '' OR kind = lower(:kind)) ORDER BY at_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "region": _REGION,
                "kind": _enum(
                    [
                        "",
                        "disk_failed",
                        "disk_predicted_fail",
                        "disk_replaced",
                        "psu_fault",
                        "node_joined",
                        "node_reboot",
                    ]
                ),
            },
            ["since"],
        ),
    ),
    "endpoint_metrics": (
        "S3 API endpoint metrics from the gateways' access logs, 5-minute samples since an RFC 3339 time (kept 24 "
        "hours), per endpoint (s3.lds1.skellan.cloud, s3.lhr2.skellan.cloud, s3.ams3.skellan.cloud): requests per "
        "second, GET p50 and p99 latency (ms), PUT p99 latency (ms), % of requests answered 5xx other than 503, % "
        "answered 503 SlowDown (throttled)",
        ["metric", "latency", "p99", "errors", "5xx", "503", "slowdown", "requests", "traffic", "endpoint", "trend"],
        "SELECT endpoint, region, sample_end, req_per_s, get_p50_ms, get_p99_ms, put_p99_ms, http_5xx_pct, "
        "slowdown_503_pct FROM endpoint_samples WHERE end_epoch >= CAST(strftime('%s', :since) AS INTEGER) "
        "AND (:endpoint = '' OR instr(lower(endpoint), lower(trim(:endpoint))) > 0) ORDER BY endpoint, end_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "endpoint": _str("endpoint host name or region code (lds1); empty: all"),
            },
            ["since"],
        ),
    ),
    "node_disk_io": (
        "Per storage node disk I/O, 10-minute samples over the last N hours (max 12): average disk busy %, "
        "rebalance traffic (MB/s, in + out), repair (rebuild) traffic (MB/s)",
        ["metric", "disk", "io", "utilisation", "busy", "rebalance", "repair", "node", "trend"],
        "SELECT node, az, sample_end, disk_busy_pct, rebalance_mb_s, repair_mb_s FROM node_io "
        f"WHERE end_epoch >= {_NOW} - :hours * 3600 AND {_region()} AND (:az = '' OR az = lower(trim(:az))) "
        f"AND {_id('node', 'node')} ORDER BY node, end_epoch",
        obj({"hours": _int(1, 12, 2), "region": _REGION, "az": _str("e.g. lds1-b"), "node": _str()}),
    ),
    "erasure_sets": (
        "Erasure-coded sets and their health: set (es-lds1-0407), region, scheme (EC8+4, EC4+2), shards total and "
        "online, state (healthy, degraded, rebuilding), since, rebuild %, the missing shard's node and disk, note",
        ["state", "erasure", "ec", "durability", "health", "rebuild", "degraded", "redundancy"],
        "SELECT set_id, region, scheme, shards_total, shards_online, state, since, rebuild_pct, missing_shard, note "
        f"FROM erasure_sets WHERE {_region()} AND (:state = '' OR state = lower(:state)) ORDER BY region, set_id",
        obj({"region": _REGION, "state": _enum(["", "healthy", "degraded", "rebuilding"])}),
    ),
    "repair_queue": (
        "Repair / rebuild queue per region, 15-minute samples over the last N hours (max 24): shards queued for "
        "repair, repair throughput (MB/s), age of the oldest queued shard (minutes)",
        ["metric", "repair", "rebuild", "queue", "backlog", "durability", "trend"],
        "SELECT region, sample_end, queued_shards, repair_mb_s, oldest_item_min FROM repair_samples "
        f"WHERE end_epoch >= {_NOW} - :lookback_hours * 3600 AND {_region()} ORDER BY region, end_epoch",
        obj({"lookback_hours": _int(1, 24, 6), "region": _REGION}),
    ),
    "rebalance_jobs": (
        "Rebalancer jobs (RBL-nnnn) per region: why, started, state (running, paused, completed), progress %, TB moved "
        "and remaining, the rebalancer's max concurrent moves per node and bandwidth cap per node (MB/s, 0 = no cap), "
        "the change that set them, note",
        ["rebalance", "config", "capacity", "job", "progress", "settings"],
        "SELECT job, region, reason, started, state, progress_pct, moved_tb, remaining_tb, max_moves_per_node, "
        f"bandwidth_cap_mb_s, change, note FROM rebalance_jobs WHERE {_region()} ORDER BY start_epoch DESC",
        obj({"region": _REGION}),
    ),
    "replication_lag": (
        "Cross-region replication (CRR) lag per pair, 5-minute samples over the last N hours (max 24): lag of the "
        "oldest unreplicated object (s) and objects waiting",
        ["metric", "replication", "crr", "lag", "backlog", "trend", "region"],
        "SELECT pair, sample_end, lag_s, backlog_objects FROM replication_samples "
        f"WHERE end_epoch >= {_NOW} - :window_hours * 3600 AND (:pair = '' OR pair = lower(trim(:pair))) "
        "ORDER BY pair, end_epoch",
        obj({"window_hours": _int(1, 24, 3), "pair": _enum(["", "lds1->lhr2", "lhr2->lds1", "ams3->lhr2"])}),
    ),
    "customer_accounts": (
        "Customer accounts (acct-nnnnn): name, plan, home region, storage quota and used (TB, %), request rate "
        "limit (requests per second), technical account manager; look up by id or a part of the name",
        ["lookup", "account", "customer", "quota", "tenant", "usage"],
        "SELECT account, name, plan, home_region, quota_tb, used_tb, ROUND(100.0 * used_tb / quota_tb, 1) AS used_pct, "
        "rate_limit_rps, tam FROM accounts WHERE (:account = '' OR "
        f"{_norm('account')} = {_norm('trim(:account)')} OR instr(lower(name), lower(trim(:account))) > 0) "
        "ORDER BY account",
        obj({"account": _str("acct-00417 or a name; empty: all")}),
    ),
    "buckets": (
        "Buckets: account, region, objects (millions), size and bucket quota (TB), % of quota used, versioning, "
        "lifecycle rules, replication target; most used first; filter by account, name or minimum % used",
        ["inventory", "bucket", "quota", "usage", "lifecycle", "replication"],
        "SELECT bucket, account, region, objects_m, size_tb, quota_tb, used_pct, versioning, lifecycle, replication "
        f"FROM buckets WHERE {_id('account', 'account')} AND instr(lower(bucket), lower(trim(:q))) > 0 "
        "AND COALESCE(used_pct, 0) >= :min_used_pct ORDER BY COALESCE(used_pct, 0) DESC, bucket",
        obj(
            {
                "account": _str("acct-nnnnn"),
                "q": _str("part of the bucket name"),
                "min_used_pct": _int(0, 100, 0, "only buckets at least this % full"),
            }
        ),
    ),
    "throttled_requests_by_account": (
        "Requests answered 503 SlowDown (throttled) per customer account over the last N hours (max 24), most "
        "first: requests, throttled, throttled %",
        ["metric", "throttling", "slowdown", "503", "customer", "account", "ranking", "count"],
        "SELECT t.account, a.name, t.region, SUM(t.requests) AS requests, SUM(t.throttled) AS throttled, "
        "ROUND(100.0 * SUM(t.throttled) / SUM(t.requests), 2) AS throttled_pct FROM throttle_hourly t "
        f"JOIN accounts a ON a.account = t.account WHERE t.end_epoch >= {_NOW} - :hours * 3600 "
        "GROUP BY t.account, a.name, t.region ORDER BY throttled DESC",
        obj({"hours": _int(1, 24, 6)}),
    ),
    "lifecycle_runs": (
        "Lifecycle expiry and garbage collection (GC) runs per region over the last N days (max 14), newest first: "
        "run (LCR-nnnnn), kind (expiry, gc), started, finished, status (succeeded, failed, running), objects "
        "processed, TB reclaimed, note",
        ["lifecycle", "gc", "garbage collection", "expiry", "job", "history"],
        "SELECT run, region, kind, started, finished, status, objects_processed, reclaimed_tb, note FROM lifecycle "
        f"WHERE start_epoch >= {_NOW} - :last_days * 86400 AND {_region()} AND (:kind = '' OR kind = lower(:kind)) "
        "ORDER BY start_epoch DESC",
        obj({"last_days": _int(1, 14, 2), "region": _REGION, "kind": _enum(["", "expiry", "gc"])}),
    ),
    "rollouts": (
        "Software and firmware rollouts (RO-nnnn) by stage, from N days back to M days ahead: component (strata-osd "
        "storage daemon, strata-gw gateway, disk firmware), from and to version, stage and scope, status "
        "(scheduled, in_progress, completed, halted), started, finished, nodes done / total, change record, note",
        ["rollout", "deploy", "firmware", "version", "software", "upgrade", "history", "planned"],
        "SELECT rollout, component, from_version, to_version, stage, scope, status, started, finished, nodes_done, "
        "nodes_total, change, note FROM rollouts "
        f"WHERE s_epoch BETWEEN {_NOW} - :back_days * 86400 AND {_NOW} + :ahead_days * 86400 ORDER BY s_epoch",
        obj({"back_days": _int(0, 30, 3), "ahead_days": _int(0, 30, 3)}),
    ),
    "change_records": (
        "Change records (CHG-nnnnn: config, software, firmware, capacity, network, account, emergency) raised, "
        "updated or implemented in the last N hours (max 720), newest first: title, region, kind, risk, state "
        "(approved, implemented, rolled_back), requested by, implemented by, approver, planned, implemented, notes",
        ["change", "history", "config", "deploy", "chg", "firmware"],
        "SELECT change, title, region, kind, risk, state, requested_by, implemented_by, approver, planned, "
        f"implemented, notes FROM changes WHERE (raised_epoch >= {_NOW} - :since_hours * 3600 "
        f"OR impl_epoch >= {_NOW} - :since_hours * 3600 OR updated_epoch >= {_NOW} - :since_hours * 3600) "
        "AND (:region = '' OR region = lower(:region)) ORDER BY COALESCE(impl_epoch, updated_epoch) DESC",
        obj({"since_hours": _int(1, 720, 24), "region": _enum([*_REGIONS, "global"])}),
    ),
    "incidents": (
        "Incidents (INC-nnnnn) opened in the last N days (max 30), newest first: severity (SEV1..SEV4), title, "
        "region, opened, mitigated, resolved, status (investigating, identified, mitigating, monitoring, resolved), "
        "incident commander, customer impact, summary",
        ["incident", "outage", "history", "sev", "status"],
        "SELECT incident, severity, title, region, opened, mitigated, resolved, status, commander, customer_impact, "
        f"summary FROM incidents WHERE open_epoch >= {_NOW} - :days * 86400 "
        "AND (:status = '' OR status = lower(:status)) ORDER BY open_epoch DESC",
        obj(
            {
                "days": _int(1, 30, 7),
                "status": _enum(["", "investigating", "identified", "mitigating", "monitoring", "resolved"]),
            }
        ),
    ),
    "incident_timeline": (
        "The timeline of ONE incident by its id (INC-30418), oldest first: time, author, entry",
        ["incident", "timeline", "history", "investigation", "updates"],
        f"SELECT incident, at_utc, author, entry FROM incident_updates WHERE {_norm('incident')} = "
        f"{_norm('trim(:incident)')} ORDER BY at_epoch",
        obj({"incident": _str("incident id, e.g. INC-30418", None)}, ["incident"]),
    ),
    "support_tickets": (
        "Customer support tickets (SUP-nnnnnn) opened or updated in the last N days (max 30), newest first: account, "
        "customer, region, subject, priority (P1..P4), status (open, pending_customer, solved), opened, updated, "
        "linked incident, latest update",
        ["ticket", "support", "customer", "complaint", "case", "history"],
        "SELECT ticket, account, customer, region, subject, priority, status, opened, updated, incident, latest "
        f"FROM tickets WHERE (open_epoch >= {_NOW} - :days * 86400 OR upd_epoch >= {_NOW} - :days * 86400) "
        f"AND {_id('account', 'account')} AND (:status = '' OR status = lower(:status)) ORDER BY open_epoch DESC",
        obj(
            {
                "days": _int(1, 30, 3),
                "account": _str("acct-nnnnn"),
                "status": _enum(["", "open", "pending_customer", "solved"]),
            }
        ),
    ),
    "remote_hands_jobs": (
        "Data centre remote hands jobs (DCW-nnnn: disk swaps, PSU swaps, cabling) scheduled from N days back to M "
        "days ahead: region, site, node, task, status (scheduled, in_progress, done), scheduled, technician, note",
        ["maintenance", "datacentre", "remote hands", "disk swap", "schedule", "planned", "hardware"],
        "SELECT job, region, site, node, task, status, scheduled, technician, note FROM dc_jobs "
        f"WHERE s_epoch BETWEEN {_NOW} - :back_days * 86400 AND {_NOW} + :ahead_days * 86400 AND {_region()} "
        "ORDER BY s_epoch",
        obj({"back_days": _int(0, 14, 1), "ahead_days": _int(0, 14, 3), "region": _REGION}),
    ),
    "runbook_search": (
        "Search the storage runbooks (RUN-STO-nnn) and the escalation policy for a word or phrase",
        ["document", "runbook", "procedure", "how to", "playbook", "escalation"],
        "SELECT doc, title, body FROM runbooks WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": _str("word or phrase", None)}, ["q"]),
    ),
    "noc_log": (
        "The NOC and storage SRE operations log (LOG-nnnnn) over the last N hours (max 48), newest first; optional "
        "text to look for in the author or the entry",
        ["history", "log", "handover", "notes", "investigation", "shift"],
        "SELECT entry, ts, author, role, text FROM ops_log WHERE ts_epoch >= "
        f"{_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), lower(:contains)) > 0 "
        "ORDER BY ts_epoch DESC",
        obj({"hours": _int(1, 48, 12), "contains": _str()}),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 09:00 UTC: storage-sre (primary, secondary), incident-commander, network, "
        "customer-escalations, dc-ops; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation", "pager"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": _enum(["", "storage-sre", "incident-commander", "network", "customer-escalations", "dc-ops"])}),
    ),
    "noc_shift_leads": (
        "NOC shift leads (12-hour shifts: day 07:00-19:00, night 19:00-07:00 UTC): the two previous shifts, the "
        "current one and the next; on_now = yes for the lead on shift now",
        ["contact", "shift", "noc", "who", "lead"],
        "SELECT shift, starts, ends, lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        "ORDER BY starts_epoch",
        obj({}),
    ),
}
