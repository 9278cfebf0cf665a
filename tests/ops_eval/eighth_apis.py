"""The eighth estate's APIs (:mod:`tests.ops_eval.eighth_estate`): SQL over an email delivery team's operations
store, as its deliverability and MTA engineers would publish them. Parameter names and window forms differ
from API to API on purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_POOLS = ["txn-core", "txn-warmup", "bulk-a", "bulk-b"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "mta_inventory": (
        "Outbound MTAs (sending mail servers): site, rotation state, swrelay version, the IP pools they send for, "
        "since when they are in that state, operator note",
        ["config", "inventory", "mail"],
        "SELECT host, site, state, swrelay_version, pools, state_since, note FROM mtas "
        "WHERE (:site = '' OR site = :site) AND (:state = '' OR state = :state) ORDER BY host",
        obj(
            {
                "site": {"type": "string", "enum": ["", "fra", "ams", "iad"], "default": ""},
                "state": {
                    "type": "string",
                    "enum": ["", "in_rotation", "draining", "out_of_rotation"],
                    "default": "",
                },
            }
        ),
    ),
    "sending_ips": (
        "Sending IP addresses: the IP pool each belongs to, the MTA it is bound to, reverse DNS (PTR), since when "
        "it is in its pool, note",
        ["config", "inventory", "mail", "network"],
        "SELECT ip, pool, mta, ptr, in_pool_since, note FROM sending_ips WHERE (:pool = '' OR pool = :pool) "
        "AND ip LIKE :ip_prefix || '%' ORDER BY pool, in_pool_since DESC, ip",
        obj(
            {
                "pool": {"type": "string", "default": "", "description": "IP pool name, empty for every pool"},
                "ip_prefix": {
                    "type": "string",
                    "default": "",
                    "pattern": "^[0-9.]*$",
                    "description": "leading part of the address, e.g. 192.0.2.",
                },
            }
        ),
    ),
    "ip_warmup": (
        "IP warm-up plans: ramp, start date, day of the ramp, messages planned for today, messages actually sent "
        "in the last 24 hours and whether that is over plan",
        ["config", "capacity", "mail"],
        "SELECT w.ip, s.pool, w.ramp, w.started_on, w.day, w.planned_today, w.sent_24h, "
        "CASE WHEN w.sent_24h > w.planned_today THEN 'over plan' ELSE 'on plan' END AS plan_status "
        "FROM warmup w JOIN sending_ips s ON s.ip = w.ip WHERE (:pool = '' OR s.pool = :pool) ORDER BY w.ip",
        obj({"pool": {"type": "string", "default": "", "description": "IP pool name, empty for every pool"}}),
    ),
    "provider_outcomes": (
        "Delivery outcomes per receiving mailbox provider (recipient domain) and IP pool in 10-minute buckets: "
        "attempted, delivered, deferred (4xx) and bounced (5xx) messages, deferral and bounce rate in percent",
        ["metric", "mail", "deliverability"],
        "SELECT domain, pool, bucket_start, attempted, delivered, deferred, bounced, "
        "ROUND(100.0 * deferred / attempted, 1) AS deferral_pct, ROUND(100.0 * bounced / attempted, 2) AS bounce_pct "
        "FROM outcomes WHERE (:mailbox_domain = '' OR domain = :mailbox_domain) AND (:pool = '' OR pool = :pool) "
        "AND julianday(bucket_start) >= julianday(:start) AND (:end = '' OR julianday(bucket_start) < julianday(:end)) "
        "ORDER BY domain, pool, bucket_epoch",
        obj(
            {
                "mailbox_domain": {
                    "type": "string",
                    "default": "",
                    "pattern": "^[a-z0-9.-]*$",
                    "description": "recipient domain, e.g. example.org; empty for all",
                },
                "pool": {"type": "string", "enum": ["", *_POOLS], "default": ""},
                "start": {"type": "string", "format": "date-time", "description": "first bucket, RFC 3339 (UTC)"},
                "end": {"type": "string", "default": "", "description": "end of the window, RFC 3339; empty: now"},
            },
            ["start"],
        ),
    ),
    "smtp_replies": (
        "The most frequent SMTP replies (temporary 4xx deferrals and permanent 5xx bounces) one recipient domain "
        "gave our MTAs in the last N hours, with their count and the sending IPs that got them",
        ["metric", "mail", "deliverability", "logs"],
        "SELECT smtp_code, enhanced_code, reply_template AS reply, SUM(count) AS messages, "
        "COUNT(DISTINCT sending_ip) AS ips, GROUP_CONCAT(DISTINCT sending_ip) AS sending_ips, "
        "datetime(MIN(bucket_epoch), 'unixepoch') AS first_seen FROM smtp_replies WHERE domain = :domain "
        f"AND bucket_epoch >= {_NOW} - :hours * 3600 AND (:reply_class = 'any' OR substr(smtp_code, 1, 1) = "
        "substr(:reply_class, 1, 1)) GROUP BY smtp_code, enhanced_code, reply_template ORDER BY messages DESC",
        obj(
            {
                "domain": {"type": "string", "description": "recipient domain, e.g. example.net"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 2},
                "reply_class": {"type": "string", "enum": ["any", "4xx", "5xx"], "default": "any"},
            },
            ["domain"],
        ),
    ),
    "mta_queue": (
        "Mail queue of each MTA sampled every 2 minutes: messages in the active queue, in the deferred queue "
        "(waiting for a retry) and the age in minutes of the oldest queued message",
        ["metric", "mail", "queue"],
        "SELECT host, sampled_at, active, deferred, oldest_age_min FROM queue_samples "
        f"WHERE (:host = '' OR host = :host) AND sampled_epoch > {_NOW} - CASE :span WHEN '15min' THEN 900 "
        "WHEN '60min' THEN 3600 WHEN '240min' THEN 14400 ELSE 86400 END ORDER BY host, sampled_epoch",
        obj(
            {
                "host": {"type": "string", "default": "", "description": "MTA host name, empty for every MTA"},
                "span": {"type": "string", "enum": ["15min", "60min", "240min", "1440min"], "default": "60min"},
            }
        ),
    ),
    "delivery_latency": (
        "Time from accepting a message to its delivery, per IP pool, in 10-minute buckets since a unix time: "
        "messages delivered, p50 and p95 latency in seconds",
        ["metric", "mail", "latency"],
        "SELECT pool, bucket_start, delivered, p50_s, p95_s FROM latency WHERE pool = :pool "
        "AND bucket_epoch >= :since_epoch ORDER BY bucket_epoch",
        obj(
            {
                "pool": {"type": "string", "enum": _POOLS},
                "since_epoch": {"type": "integer", "minimum": 0, "description": "window start, unix seconds"},
            },
            ["pool", "since_epoch"],
        ),
    ),
    "change_log": (
        "Configuration changes to the sending platform applied after a time: IP pool membership, per-provider "
        "throttles, DNS (DKIM, SPF) and MTA settings; target, before and after, who, reference",
        ["history", "change", "config", "mail"],
        "SELECT change_id, kind, target, summary, before, after, changed_by, applied_at, reference FROM changes "
        "WHERE julianday(applied_at) >= julianday(:applied_after) AND (:kind = '' OR kind = :kind) "
        "ORDER BY applied_epoch DESC",
        obj(
            {
                "applied_after": {"type": "string", "format": "date-time", "description": "RFC 3339 (UTC)"},
                "kind": {"type": "string", "enum": ["", "ip_pool", "throttle", "dns", "mta_config"], "default": ""},
            },
            ["applied_after"],
        ),
    ),
    "rollouts": (
        "Software rollouts to the mail platform in the last N days (swrelay on the MTAs, bounce-processor, "
        "webhooks-dispatcher): from and to version, the MTAs it went to, start, finish, status",
        ["history", "deploy", "change"],
        "SELECT rollout_id, component, from_version, to_version, mtas, started_at, finished_at, status FROM rollouts "
        f"WHERE started_epoch >= {_NOW} - :days * 86400 AND instr(component, :component) > 0 "
        "ORDER BY started_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 7},
                "component": {"type": "string", "default": "", "description": "component name, empty for all"},
            }
        ),
    ),
    "blocklist_status": (
        "Latest DNSBL check of every sending IP against the public blocklists (Spamhaus, Barracuda, SpamCop, "
        "UCEPROTECT): listed or not, since when, when checked",
        ["security", "mail", "deliverability"],
        "SELECT ip, list_name, CASE listed WHEN 1 THEN 'listed' ELSE 'clean' END AS status, listed_since, checked_at "
        "FROM blocklist WHERE (:listed_only = 0 OR listed = 1) AND (:ip = '' OR ip = :ip) ORDER BY listed DESC, ip",
        obj(
            {
                "listed_only": {"type": "boolean", "default": True},
                "ip": {"type": "string", "default": "", "description": "one sending IP, empty for all"},
            }
        ),
    ),
    "incidents": (
        "Incidents of the mail platform (inc-nnnn): severity SEV1-SEV4, state, title, incident commander, opened "
        "and resolved; search by id or title words",
        ["history", "incident"],
        "SELECT incident_id, severity, state, title, commander, opened_at, resolved_at FROM incidents "
        "WHERE instr(lower(incident_id || ' ' || title), lower(:q)) > 0 AND (:state = '' OR state = :state) "
        "ORDER BY opened_at DESC",
        obj(
            {
                "q": {"type": "string", "default": "", "description": "incident id or words of its title"},
                "state": {"type": "string", "enum": ["", "investigating", "monitoring", "resolved"], "default": ""},
            }
        ),
    ),
    "oncall_now": (
        "Who is on call now for a rotation: primary and secondary engineer and until when",
        ["config", "people"],
        "SELECT rotation, primary_engineer, secondary_engineer, until FROM oncall WHERE rotation = :rotation",
        obj({"rotation": {"type": "string", "enum": ["deliverability", "mta-infra", "platform"]}}, ["rotation"]),
    ),
    "playbooks": (
        "Search the mail operations playbooks for keywords",
        ["document"],
        "SELECT playbook_id, title, body FROM playbooks WHERE instr(lower(title || ' ' || body), lower(:keywords)) > 0",
        obj({"keywords": {"type": "string", "description": "a word or phrase to look for"}}, ["keywords"]),
    ),
    "sender_volume": (
        "Customer sending accounts over the last 24 hours: IP pool, messages sent, hard bounces and spam complaints, "
        "bounce rate in percent and complaints per thousand",
        ["metric", "mail", "customers"],
        "SELECT account, display_name, pool, sent_24h, hard_bounces, ROUND(100.0 * hard_bounces / sent_24h, 2) AS "
        "bounce_pct, complaints, ROUND(1000.0 * complaints / sent_24h, 3) AS complaints_per_1k FROM senders "
        "WHERE instr(lower(account || ' ' || display_name), lower(:account_like)) > 0 "
        "ORDER BY CASE :order_by WHEN 'bounce_pct' THEN 1.0 * hard_bounces / sent_24h WHEN 'complaints' "
        "THEN 1.0 * complaints / sent_24h ELSE sent_24h END DESC",
        obj(
            {
                "account_like": {"type": "string", "default": "", "description": "part of the account or its name"},
                "order_by": {"type": "string", "enum": ["sent", "bounce_pct", "complaints"], "default": "sent"},
            }
        ),
    ),
}
