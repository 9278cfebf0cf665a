"""The thirty-eighth estate's APIs (:mod:`tests.ops_eval.thirtyeighth_estate`): SQL over an online homeware retailer's
e-commerce and fulfilment operations store (the service catalogue and golden signals, payment gateways' authorisation
rates and declines by reason, deploys, feature flag changes, change records, incidents and their timelines,
warehouses' backlogs, carrier handovers, inventory sync runs, CDN edge traffic, search and recommendation KPIs,
promotions, support contacts by reason, on-call, duty managers and runbooks), as the retailer's platform, payments
and fulfilment teams would publish them. Windows differ on purpose: ``since_hours``, ``minutes``, ``hours``,
``days``, ``lookback_days``, an RFC 3339 time (``since``), ``last_n_hours``, ``window_h``; one API requires an
incident reference (its timeline); one searches free text (the runbooks); two aggregate (declines by reason, support
contacts by reason); the on-call rota and the duty managers flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_SERVICES = "service code, e.g. chk-api, sf-web, addr-lookup; empty: all"
_WH = "warehouse code, e.g. WH-Mid02; empty: all"


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, dots, underscores and spaces (ids are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "/", ".", " ", "_"):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on an id column, typed any way (``wh-mid02``, ``WHMID02``); empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "svc.catalog": (
        "Service catalogue of the e-commerce platform: service code, name, tier, owning team, running version, "
        "runtime, dependencies",
        ["service", "inventory", "catalog", "owner", "version", "dependency"],
        "SELECT service, name, tier, team, version, runtime, depends_on FROM services "
        f"WHERE {_id('service', 'service')} ORDER BY service",
        obj({"service": {"type": "string", "default": "", "description": _SERVICES}}),
    ),
    "svc.golden_signals": (
        "Golden signals per service every 10 minutes (kept 24 hours), oldest first: requests per second, p95 latency "
        "(ms), error rate (% of requests answered 5xx)",
        ["metric", "latency", "errors", "5xx", "rps", "traffic", "time series", "service"],
        "SELECT service, ts, rps, p95_ms, error_pct FROM svc_metrics "
        f"WHERE ts_epoch >= {_NOW} - :since_hours * 3600 AND {_id('service', 'service')} ORDER BY service, ts_epoch",
        obj(
            {
                "service": {"type": "string", "default": "", "description": _SERVICES},
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 3},
            }
        ),
    ),
    "psp.gateways": (
        "Payment gateways (PSPs): code, provider, payment methods, markets, share of payment traffic %, support line",
        ["payments", "psp", "gateway", "inventory", "contact"],
        "SELECT psp, name, methods, markets, share_pct, support FROM psps ORDER BY share_pct DESC",
        obj({}),
    ),
    "psp.auth_rate": (
        "Authorisation rate per PSP every 15 minutes (kept 24 hours), oldest first: attempts, authorised, auth rate %",
        ["payments", "psp", "authorisation", "auth rate", "metric", "time series"],
        "SELECT psp, ts, attempts, authorised, auth_rate_pct FROM psp_auth "
        f"WHERE ts_epoch >= {_NOW} - :minutes * 60 AND {_id('psp', 'psp')} ORDER BY psp, ts_epoch",
        obj(
            {
                "psp": {"type": "string", "default": "", "description": "PSP code, e.g. PayNora-EU; empty: all"},
                "minutes": {"type": "integer", "minimum": 15, "maximum": 1440, "default": 180},
            }
        ),
    ),
    "psp.declines_by_reason": (
        "Declined payment attempts per PSP and decline reason over the last N hours (max 24), most first",
        ["payments", "psp", "declines", "reason", "count", "ranking"],
        "SELECT psp, reason, SUM(n) AS declines FROM psp_declines "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND {_id('psp', 'psp')} GROUP BY psp, reason "
        "ORDER BY declines DESC",
        obj(
            {
                "psp": {"type": "string", "default": ""},
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 1},
            }
        ),
    ),
    "deploy_log": (
        "Deploys since an RFC 3339 time, newest first: deploy id, service, version, deployed at, by, result",
        ["deploy", "release", "version", "history", "change"],
        "SELECT deploy, service, version, deployed, by_whom, result FROM deploys WHERE deployed >= :since "
        f"AND {_id('service', 'service')} ORDER BY dep_epoch DESC",
        obj(
            {
                "since": {
                    "type": "string",
                    "format": "date-time",
                    "description": "RFC 3339, e.g. 2026-03-01T00:00:00Z",
                },
                "service": {"type": "string", "default": ""},
            },
            ["since"],
        ),
    ),
    "flags.changes": (
        "Feature flag changes over the last N hours (max 168), newest first: flag, when, from, to, by, change ref",
        ["feature flag", "flag", "toggle", "rollout", "history", "change"],
        "SELECT flag, changed, from_state, to_state, by_whom, change_ref FROM flag_changes "
        f"WHERE ch_epoch >= {_NOW} - :hours * 3600 ORDER BY ch_epoch DESC",
        obj({"hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24}}),
    ),
    "change_records": (
        "Change records (CHG-nnnnnn) implemented in the last N days or planned, newest first: title, kind, service, "
        "owner, status, when (implemented or planned), approver",
        ["change", "cab", "history", "planned", "approval"],
        "SELECT ref, title, kind, service, owner, status, at, approver FROM changes "
        f"WHERE at_epoch >= {_NOW} - :lookback_days * 86400 ORDER BY at_epoch DESC",
        obj({"lookback_days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 2}}),
    ),
    "incidents": (
        "Incidents opened in the last N days, newest first: reference (INC/yyyy/nnnn), title, severity, status, "
        "service, opened, resolved, incident commander",
        ["incident", "outage", "sev", "status", "history"],
        "SELECT ref, title, sev, status, service, opened, resolved, commander FROM incidents "
        f"WHERE open_epoch >= {_NOW} - :days * 86400 AND (:status = '' OR status = :status) ORDER BY open_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "status": {
                    "type": "string",
                    "enum": ["", "investigating", "identified", "monitoring", "resolved"],
                    "default": "",
                },
            }
        ),
    ),
    "incident.timeline": (
        "Timeline of ONE incident (by its reference from the incidents API), oldest first: time, author, entry",
        ["incident", "timeline", "updates", "investigation", "history"],
        f"SELECT ref, ts, author, entry FROM incident_timeline WHERE {_norm('ref')} = {_norm('trim(:ref)')} "
        "ORDER BY ts_epoch",
        obj({"ref": {"type": "string", "description": "incident reference, e.g. INC/2026/0400"}}, ["ref"]),
    ),
    "wh.sites": (
        "Warehouses / distribution centres: code, name, town, operator, WMS, carriers, pick lines",
        ["warehouse", "fulfilment", "dc", "inventory", "site"],
        "SELECT wh, name, town, operator, wms, carriers, pick_lines FROM warehouses ORDER BY wh",
        obj({}),
    ),
    "wh.backlog": (
        "Warehouse backlog snapshots every hour (kept 48 hours), newest first: orders awaiting pick, pack and ship, "
        "picks per hour",
        ["warehouse", "backlog", "pick", "pack", "ship", "fulfilment", "metric", "time series"],
        "SELECT wh, ts, await_pick, await_pack, await_ship, picks_per_hour FROM wh_backlog "
        f"WHERE ts_epoch >= {_NOW} - :last_n_hours * 3600 AND {_id('wh', 'wh')} ORDER BY ts_epoch DESC, wh",
        obj(
            {
                "wh": {"type": "string", "default": "", "description": _WH},
                "last_n_hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
            }
        ),
    ),
    "carrier.handovers": (
        "Carrier collections (handovers, HO-nnnnnn) at the warehouses from N days back to tomorrow, newest first: "
        "carrier, scheduled, actual, parcels, status (collected, missed, scheduled), note",
        ["carrier", "handover", "collection", "parcels", "fulfilment", "history", "schedule"],
        "SELECT ho, wh, carrier, scheduled, actual, parcels, status, note FROM handovers "
        f"WHERE sched_epoch >= {_NOW} - :days * 86400 AND {_id('wh', 'wh')} "
        "AND (:carrier = '' OR lower(carrier) = lower(trim(:carrier))) ORDER BY sched_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 3, "default": 1},
                "wh": {"type": "string", "default": ""},
                "carrier": {"type": "string", "default": "", "description": "Parcelion, SwiftRoute or NorthPost"},
            }
        ),
    ),
    "inventory.sync_runs": (
        "Stock sync runs between the shop and each warehouse's WMS every 15 minutes (kept 12 hours), newest first: "
        "run, warehouse, started, status (ok, failed), SKUs updated, stock lag (s), error",
        ["inventory", "stock", "sync", "wms", "warehouse", "job", "history"],
        "SELECT run, wh, started, status, skus_updated, lag_s, error FROM inv_sync "
        f"WHERE st_epoch >= {_NOW} - :hours * 3600 AND {_id('wh', 'wh')} "
        "AND (:status = '' OR status = :status) ORDER BY st_epoch DESC, wh",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 12, "default": 2},
                "wh": {"type": "string", "default": ""},
                "status": {"type": "string", "enum": ["", "ok", "failed"], "default": ""},
            }
        ),
    ),
    "cdn.edge_traffic": (
        "CDN edge traffic per hour (kept 48 hours), oldest first: requests (millions), bot share %, requests "
        "blocked by the WAF (thousands), cache hit ratio %",
        ["cdn", "edge", "bot", "waf", "traffic", "cache", "metric", "time series"],
        "SELECT hour, requests_m, bot_pct, blocked_k, cache_hit_pct FROM cdn_hourly "
        f"WHERE h_epoch >= {_NOW} - :window_h * 3600 ORDER BY h_epoch",
        obj({"window_h": {"type": "integer", "minimum": 1, "maximum": 48, "default": 24}}),
    ),
    "search.kpis": (
        "Search and recommendations KPIs per hour (kept 24 hours), oldest first: queries (thousands), zero-result "
        "searches %, recommendation click-through %",
        ["search", "recommendations", "reco", "ctr", "metric", "time series"],
        "SELECT hour, queries_k, zero_result_pct, reco_ctr_pct FROM search_kpis "
        f"WHERE h_epoch >= {_NOW} - :hours * 3600 ORDER BY h_epoch",
        obj({"hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6}}),
    ),
    "promo.campaigns": (
        "Promotions and campaigns: id (CMP-nnnn), name, offer, code, starts, ends, owner; status live, ended or "
        "upcoming",
        ["promotion", "campaign", "marketing", "discount", "schedule"],
        "SELECT cmp, name, offer, code, starts, ends, owner, CASE WHEN start_epoch > "
        f"{_NOW} THEN 'upcoming' WHEN end_epoch < {_NOW} THEN 'ended' ELSE 'live' END AS status FROM campaigns "
        "ORDER BY start_epoch DESC",
        obj({}),
    ),
    "support.contacts_by_reason": (
        "Customer support contacts (chat, email, phone) per contact reason over the last N hours (max 72), most "
        "first, with an example order",
        ["support", "customer", "contacts", "tickets", "reason", "count", "ranking"],
        "SELECT reason, SUM(contacts) AS contacts, MAX(example_order) AS example_order FROM support "
        f"WHERE b_epoch >= {_NOW} - :hours * 3600 GROUP BY reason ORDER BY contacts DESC",
        obj({"hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 6}}),
    ),
    "oncall.rota": (
        "On-call rota, weeks from Monday 09:00 UTC: checkout (primary, secondary), payments, platform_sre, "
        "fulfilment; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "who", "contact", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND (:rota = '' OR rota = :rota) ORDER BY rota, starts_epoch, level",
        obj(
            {
                "rota": {
                    "type": "string",
                    "enum": ["", "checkout", "payments", "platform_sre", "fulfilment"],
                    "default": "",
                }
            }
        ),
    ),
    "duty_managers": (
        "Duty managers (12-hour shifts from 08:00 and 20:00 UTC): the two previous shifts, the current one and the "
        "next; on_now = yes for the one on duty now",
        ["duty manager", "who", "contact", "shift", "escalation"],
        "SELECT shift, starts, ends, manager, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM duty "
        "ORDER BY starts_epoch",
        obj({}),
    ),
    "runbooks.search": (
        "Search the platform runbooks (RB-xxx-nnn) for a word or phrase",
        ["document", "runbook", "procedure", "how to"],
        "SELECT doc, title, body FROM runbooks WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
