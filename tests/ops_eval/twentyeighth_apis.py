"""The twenty-eighth estate's APIs (:mod:`tests.ops_eval.twentyeighth_estate`): SQL over an EV charge point operator's
network store (sites, chargers and connectors, grid connections and site limits, live connector status and OCPP
connections, charge sessions, failed starts, hourly site KPIs, site power, power cabinets, the Faulted log, uptime,
payment terminal faults, OCPP messages, firmware and its campaigns, change records, field jobs, supplier cases and
contacts, driver complaints, planned works, on-call, the NOC shift leads, the NOC log and the knowledge base), as its
NOC, field engineering, the grid team and the payments team would publish them: some tersely, some at length. Windows
differ from API to API on purpose: epoch milliseconds (``start_ms`` / ``end_ms``), ``since_hours``, ``hours_back``, an
SQLite date modifier (``offset``: ``-6 hours``, ``-90 minutes``), ``last_n_days``, UTC date-times with a space
(``from_time`` / ``to_time``), RFC 3339 (``since``), ``minutes``, ``days``, ``days_back``, an ISO date
(``opened_after``), ``weeks`` and hours around now (``lookback_hours`` / ``horizon_hours``); one API requires a power
cabinet (its daily peaks); one looks a supplier case up by reference, asset or supplier; two search free text (the NOC
log, the knowledge base); two aggregate (failed starts per charger and code, uptime per charger); the on-call rota and
the NOC shift leads flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_CABINETS = ["cgw_pc_a", "cgw_pc_b", "frt_pc_a", "frt_pc_b", "frt_pc_c"]
_ROTAS = ["", "noc_engineering", "field_lancashire", "field_cumbria", "grid_power", "duty_manager"]
_UTC_TIME = "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(:[0-9]{2})?$"


def _site(col: str, param: str = "site") -> str:
    """A filter on a site column by the site's code or (part of) its name; empty matches everything."""
    named = f"({col} || ' ' || coalesce((SELECT s.name FROM sites s WHERE s.site = {col}), ''))"
    return f"(:{param} = '' OR instr(upper({named}), upper(trim(:{param}))) > 0)"


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, hashes and spaces (references are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "/", "#", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _overlap(days: str) -> str:
    """Seconds of an outage ``o`` inside the last ``days`` days (an open outage runs to now)."""
    return f"MAX(0, MIN(COALESCE(o.end_epoch, {_NOW}), {_NOW}) - MAX(o.start_epoch, {_NOW} - {days} * 86400))"


_SITE_PARAM = {"type": "string", "default": "", "description": "site code or name, e.g. FORTON-M6, Forton; empty: all"}
_CHARGER_PARAM = {"type": "string", "default": "", "description": "charger id, e.g. frt_dc03; empty: all"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "list_sites": (
        "Charging sites.",
        ["inventory", "site", "location"],
        "SELECT site, name, type, address, host, opened, notes FROM sites ORDER BY site",
        obj({}),
    ),
    "charger_register": (
        "Charger register: charger id (OCPP identity), site, DC or AC, make/model, max power (kW), connectors (number: "
        "type and power), power cabinet (split DC systems), installed, serial",
        ["inventory", "charger", "connector", "asset", "ccs", "chademo", "type 2"],
        "SELECT charger, site, kind, model, max_kw, connectors, cabinet, installed, serial FROM chargers "
        f"WHERE {_site('site')} AND (:kind = '' OR kind = upper(:kind)) ORDER BY site, charger",
        obj({"site": _SITE_PARAM, "kind": {"type": "string", "enum": ["", "DC", "AC"], "default": ""}}),
    ),
    "grid_connections": (
        "Grid connection per site: DNO, MPAN, supply, agreed capacity (kVA), firm or flexible, the site power limit "
        "(kW) the load management keeps the chargers under, and how load management works there",
        ["grid", "power", "dno", "capacity", "limit", "load management"],
        "SELECT site, dno, mpan, supply, capacity_kva, connection, site_limit_kw, load_management FROM grid "
        f"WHERE {_site('site')} ORDER BY site",
        obj({"site": _SITE_PARAM}),
    ),
    "connector_status_now": (
        "Live status of every connector from the CSMS: Available, Preparing, Charging, Finishing, Faulted, "
        "Unavailable, Offline (the charger has no OCPP connection), since when",
        ["state", "status", "live", "connector", "charger", "availability"],
        "SELECT s.charger, c.site, s.connector, s.type, s.status, s.since FROM connector_status s "
        f"JOIN chargers c ON c.charger = s.charger WHERE {_site('c.site')} "
        "AND (:status = '' OR lower(s.status) = lower(:status)) ORDER BY c.site, s.charger, s.connector",
        obj({"site": _SITE_PARAM, "status": {"type": "string", "default": "", "description": "e.g. Charging"}}),
    ),
    "ocpp_connections": (
        "OCPP websocket connection of each charger to Helix CSMS: connected yes/no, last heartbeat (chargers send one "
        "every 5 minutes), connected or disconnected since",
        ["state", "ocpp", "heartbeat", "offline", "connection", "backend"],
        "SELECT l.charger, c.site, l.connected, l.last_heartbeat, l.since FROM ocpp_link l "
        f"JOIN chargers c ON c.charger = l.charger WHERE {_site('c.site')} "
        "AND (:connected = '' OR l.connected = :connected) ORDER BY l.connected, l.hb_epoch",
        obj({"site": _SITE_PARAM, "connected": {"type": "string", "enum": ["", "yes", "no"], "default": ""}}),
    ),
    "charge_sessions": (
        "Charge sessions (kept 7 days) started between start_ms and end_ms, epoch MILLISECONDS (end_ms 0 = now), "
        "newest first: transaction, site, charger, connector and type, start / end, minutes, energy (kWh), average "
        "and peak power (kW), result (completed, charging, failed_start), OCPP error code and the vendor's code for "
        "failed starts, how the driver paid",
        ["history", "session", "transaction", "energy", "kwh", "failed start", "charging"],
        "SELECT tx, site, charger, connector, connector_type, started, ended, minutes, kwh, avg_kw, peak_kw, result, "
        "error_code, vendor_error, auth FROM sessions WHERE start_ms >= :start_ms "
        f"AND (:end_ms = 0 OR start_ms < :end_ms) AND {_site('site')} "
        "AND (:charger = '' OR charger = lower(trim(:charger))) AND (:result = '' OR result = :result) "
        "ORDER BY start_ms DESC",
        obj(
            {
                "start_ms": {"type": "integer", "description": "from, unix epoch milliseconds"},
                "end_ms": {"type": "integer", "default": 0, "description": "to, unix epoch milliseconds; 0: now"},
                "site": _SITE_PARAM,
                "charger": _CHARGER_PARAM,
                "result": {"type": "string", "enum": ["", "completed", "charging", "failed_start"], "default": ""},
            },
            ["start_ms"],
        ),
    ),
    "start_failures": (
        "Failed session starts in the last N hours (max 168), counted per site, charger, connector type, OCPP error "
        "code and vendor error code, most first, with the first and last failure",
        ["metric", "failed start", "error", "count", "ranking", "reliability"],
        "SELECT site, charger, connector_type, error_code, vendor_error, COUNT(*) AS failed_starts, "
        "MIN(started) AS first_failure, MAX(started) AS last_failure FROM sessions WHERE result = 'failed_start' "
        f"AND start_ms >= ({_NOW} - :since_hours * 3600) * 1000 AND {_site('site')} "
        "GROUP BY site, charger, connector_type, error_code, vendor_error ORDER BY failed_starts DESC, charger",
        obj({"since_hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24}, "site": _SITE_PARAM}),
    ),
    "site_kpis_hourly": (
        "Per site per hour over the last N hours (max 168): session starts, successful, failed, start success rate "
        "(%), energy delivered in the hour (kWh)",
        ["metric", "kpi", "success rate", "energy", "kwh", "hourly", "trend", "sessions"],
        "SELECT site, hour_start, starts, successful, failed, success_pct, kwh FROM site_hourly "
        f"WHERE hour_epoch >= {_NOW} - :hours_back * 3600 AND {_site('site')} ORDER BY site, hour_epoch",
        obj({"hours_back": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24}, "site": _SITE_PARAM}),
    ),
    "site_power_15m": (
        "Site import power in 15-minute buckets (kept 7 days) from an SQLite date modifier relative to now (offset, "
        "e.g. '-6 hours', '-90 minutes', '-2 days'): average and maximum kW and the site limit (kW) in force",
        ["metric", "power", "kw", "load", "limit", "load management", "grid", "demand"],
        "SELECT site, bucket_start, avg_kw, max_kw, limit_kw FROM site_power "
        f"WHERE bucket_epoch >= CAST(strftime('%s', 'now', :offset) AS INTEGER) AND {_site('site')} "
        "ORDER BY site, bucket_epoch",
        obj(
            {
                "offset": {"type": "string", "pattern": "^-[0-9]+ (minutes|hours|days)$", "default": "-6 hours"},
                "site": _SITE_PARAM,
            }
        ),
    ),
    "power_cabinets": (
        "Power cabinets of the split DC systems (Voltaris PX): rated kW, power modules, dispensers fed; live state "
        "(normal / derated), internal and inlet air temperature (C), fan %, modules healthy, output limit now (kW), "
        "alarm, note",
        ["state", "status", "cabinet", "temperature", "derating", "power module", "live"],
        "SELECT c.cabinet, c.site, c.model, c.rated_kw, c.modules, c.feeds, l.state, l.internal_c, l.inlet_c, "
        "l.fan_pct, l.modules_ok, l.output_limit_kw, l.alarm, l.note FROM cabinets c "
        f"JOIN cabinet_live l ON l.cabinet = c.cabinet WHERE {_site('c.site')} ORDER BY c.cabinet",
        obj({"site": _SITE_PARAM}),
    ),
    "cabinet_temperature_daily": (
        "Daily reading of ONE power cabinet over the last N days (kept 90): peak internal temperature over the "
        "previous 24 hours (C; derating from 55), average inlet air (C), average fan %, minutes derated",
        ["metric", "temperature", "cabinet", "trend", "thermal", "history"],
        "SELECT cabinet, read_at, peak_internal_c, inlet_avg_c, fan_avg_pct, derate_minutes FROM cabinet_daily "
        f"WHERE cabinet = lower(trim(:cabinet)) AND read_epoch >= {_NOW} - :last_n_days * 86400 ORDER BY read_epoch",
        obj(
            {
                "cabinet": {"type": "string", "enum": _CABINETS, "description": "e.g. cgw_pc_b"},
                "last_n_days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 14},
            },
            ["cabinet"],
        ),
    ),
    "faulted_log": (
        "Connector / charger Faulted events (OCPP StatusNotification Faulted) between from_time and to_time, UTC, "
        "written 'YYYY-MM-DD HH:MM' (to_time empty = now): charger, connector (0 = whole charger), OCPP error code, "
        "vendor code, info, faulted, cleared, minutes",
        ["fault", "alarm", "history", "error", "faulted", "reliability"],
        "SELECT charger, connector, error_code, vendor_error, info, faulted, cleared, minutes FROM faults "
        "WHERE faulted_epoch >= CAST(strftime('%s', :from_time) AS INTEGER) "
        "AND (:to_time = '' OR faulted_epoch < CAST(strftime('%s', :to_time) AS INTEGER)) "
        "AND (:charger = '' OR charger = lower(trim(:charger))) ORDER BY faulted_epoch DESC",
        obj(
            {
                "from_time": {"type": "string", "pattern": _UTC_TIME, "description": "UTC, e.g. 2026-05-14 09:30"},
                "to_time": {"type": "string", "default": "", "description": "UTC 'YYYY-MM-DD HH:MM'; empty: now"},
                "charger": _CHARGER_PARAM,
            },
            ["from_time"],
        ),
    ),
    "charger_uptime": (
        "Uptime per charger over the last N days (max 35), worst first: a charger is down while any of its "
        "connectors is Faulted or it is offline, unavailable for maintenance or updating firmware; downtime minutes "
        "and the number of outages",
        ["metric", "uptime", "availability", "downtime", "reliability", "ranking"],
        "SELECT c.charger, c.site, "
        f"ROUND(100.0 - 100.0 * COALESCE(SUM({_overlap(':days')}), 0) / (:days * 86400.0), 2) AS uptime_pct, "
        f"CAST(COALESCE(SUM({_overlap(':days')}), 0) / 60 AS INTEGER) AS downtime_min, COUNT(o.charger) AS outages "
        "FROM chargers c LEFT JOIN outages o ON o.charger = c.charger AND o.start_epoch < "
        f"{_NOW} AND COALESCE(o.end_epoch, {_NOW}) > {_NOW} - :days * 86400 WHERE {_site('c.site')} "
        "GROUP BY c.charger, c.site ORDER BY uptime_pct, c.charger",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 35, "default": 7}, "site": _SITE_PARAM}),
    ),
    "payment_terminal_faults": (
        "Contactless payment terminal (Tapwise TW7) faults since an RFC 3339 time: terminal, site, charger, fault, "
        "started, minutes out, detail",
        ["fault", "payment", "terminal", "contactless", "card", "history"],
        "SELECT f.terminal, f.site, f.charger, t.firmware, f.fault, f.started, f.minutes, f.detail "
        "FROM payment_faults f JOIN terminals t ON t.terminal = f.terminal "
        f"WHERE f.started_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND {_site('f.site')} "
        "ORDER BY f.started_epoch DESC",
        obj(
            {"since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"}, "site": _SITE_PARAM},
            ["since"],
        ),
    ),
    "ocpp_message_log": (
        "Notable OCPP 1.6J messages over the last N minutes (max 2880), newest first: BootNotification, "
        "StatusNotification (faults, failed starts), FirmwareStatusNotification, UpdateFirmware, ChangeAvailability, "
        "connection events. Heartbeats and meter values are not kept.",
        ["log", "ocpp", "backend", "firmware", "history", "messages", "csms"],
        "SELECT ts, charger, direction, action, detail FROM ocpp_messages "
        f"WHERE ts_epoch >= {_NOW} - :minutes * 60 AND (:charger = '' OR charger = lower(trim(:charger))) "
        "AND (:action = '' OR action = :action) ORDER BY ts_epoch DESC",
        obj(
            {
                "minutes": {"type": "integer", "minimum": 1, "maximum": 2880, "default": 240},
                "charger": _CHARGER_PARAM,
                "action": {"type": "string", "default": "", "description": "e.g. BootNotification"},
            }
        ),
    ),
    "firmware_versions": (
        "Firmware running on each charger now (and the DC units' PLC modem board revision)",
        ["inventory", "firmware", "version", "software", "charger"],
        "SELECT charger, site, model, firmware, plc_modem FROM chargers "
        f"WHERE {_site('site')} AND (:firmware = '' OR instr(firmware, trim(:firmware)) > 0) ORDER BY site, charger",
        obj({"site": _SITE_PARAM, "firmware": {"type": "string", "default": "", "description": "e.g. 3.5"}}),
    ),
    "firmware_campaigns": (
        "Firmware rollout campaigns (FWC-nn) and their waves: firmware, target chargers, window, state, who ran it, "
        "change record, notes",
        ["firmware", "rollout", "update", "campaign", "history", "change"],
        "SELECT rollout, wave, firmware, targets, starts, ends, state, run_by, change, notes FROM rollouts "
        "ORDER BY starts DESC",
        obj({}),
    ),
    "change_records": (
        "Change records (CHGnnnnnnn) raised or implemented in the last N days: title, scope, type (standard, normal, "
        "emergency), state, requested by, implemented by, approver, planned, implemented, notes; newest first",
        ["change", "config", "firmware", "deploy", "history"],
        "SELECT chg, title, scope, type, state, requested_by, implemented_by, approver, planned, implemented, notes "
        f"FROM changes WHERE raised_epoch >= {_NOW} - :days_back * 86400 "
        f"OR implemented_epoch >= {_NOW} - :days_back * 86400 ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj({"days_back": {"type": "integer", "minimum": 1, "maximum": 60, "default": 7}}),
    ),
    "field_jobs": (
        "Field engineering jobs (FJ/nnnnn) opened on or after a date (YYYY-MM-DD): asset, site, type, status (open, "
        "scheduled, in_progress, awaiting_parts, completed), assigned to, opened, scheduled, closed, title, notes",
        ["maintenance", "work order", "job", "repair", "investigation", "engineer"],
        "SELECT job, asset, site, type, status, assigned_to, opened, scheduled, closed, title, notes FROM field_jobs "
        "WHERE substr(opened, 1, 10) >= :opened_after AND (:status = '' OR status = :status) ORDER BY opened DESC",
        obj(
            {
                "opened_after": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "scheduled", "in_progress", "awaiting_parts", "completed"],
                    "default": "",
                },
            },
            ["opened_after"],
        ),
    ),
    "supplier_cases": (
        "Cases with our hardware and service suppliers: Voltaris (DC chargers, cabinets) CAS-nnnnn-xxxxxx, Linnwell "
        "(AC posts) LNW-nnnnn, Tapwise (payment terminals) INCnnnnnnn. Look up by reference, or list by asset or "
        "supplier. Status, priority, their engineer, latest update and advice.",
        ["lookup", "vendor", "supplier", "ticket", "case", "incident"],
        "SELECT ref, supplier, asset, subject, status, priority, engineer, raised_by, opened, updated, latest "
        f"FROM cases WHERE (:ref = '' OR {_norm('ref')} = {_norm('trim(:ref)')}) "
        "AND (:asset = '' OR instr(lower(asset), lower(trim(:asset))) > 0) "
        "AND (:supplier = '' OR instr(lower(supplier), lower(trim(:supplier))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. CAS-48213-V7Q2M9"},
                "asset": {"type": "string", "default": "", "description": "charger, cabinet or terminal"},
                "supplier": {"type": "string", "default": ""},
            }
        ),
    ),
    "supplier_directory": (
        "Suppliers and the DNO: what they cover, support line, hours, escalation contact, contract.",
        ["contact", "vendor", "supplier", "escalation", "phone"],
        "SELECT supplier, covers, support_line, hours, escalation, contract FROM suppliers "
        "WHERE (:name = '' OR instr(lower(supplier), lower(trim(:name))) > 0) ORDER BY supplier",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "driver_complaints": (
        "Driver complaints from the app and the contact centre over the last N weeks (max 8), newest first: site, "
        "charger, rating (1-5), category (failed_to_start, slow_charging, payment, charger_offline, charger_broken, "
        "blocked_bay), text, status",
        ["complaint", "feedback", "driver", "customer", "app", "count"],
        "SELECT ref, received, site, charger, rating, category, text, status FROM complaints "
        f"WHERE received_epoch >= {_NOW} - :weeks * 7 * 86400 AND {_site('site')} "
        "AND (:category = '' OR category = :category) ORDER BY received_epoch DESC",
        obj(
            {
                "weeks": {"type": "integer", "minimum": 1, "maximum": 8, "default": 1},
                "site": _SITE_PARAM,
                "category": {"type": "string", "default": ""},
            }
        ),
    ),
    "planned_works": (
        "Planned works at our sites, ours, hosts' and the DNO's (Northfell planned interruptions NFN/PI/nnnnnn), "
        "overlapping the window from lookback_hours before now to horizon_hours after: site, what, who, start, end, "
        "status, impact on charging",
        ["planned", "maintenance", "outage", "dno", "schedule", "works"],
        "SELECT ref, site, title, by_whom, starts, ends, status, impact FROM works "
        f"WHERE ends_epoch >= {_NOW} - :lookback_hours * 3600 AND starts_epoch <= {_NOW} + :horizon_hours * 3600 "
        f"AND {_site('site')} ORDER BY starts_epoch",
        obj(
            {
                "lookback_hours": {"type": "integer", "minimum": 0, "maximum": 720, "default": 0},
                "horizon_hours": {"type": "integer", "minimum": 0, "maximum": 720, "default": 48},
                "site": _SITE_PARAM,
            }
        ),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 09:00 UTC: noc_engineering (CSMS, OCPP, firmware; primary and secondary), "
        "field_lancashire (Forton, Lancaster, Bamber), field_cumbria (Carlisle, Kendal, Windermere), grid_power "
        "(connections, load management, the DNO), duty_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "noc_shift_lead": (
        "NOC shift leads (8-hour shifts: early 06:00-14:00, late 14:00-22:00, night 22:00-06:00 UTC): the previous, "
        "current and next shifts; on_now = yes for the lead on shift now",
        ["contact", "shift", "noc", "who", "lead"],
        "SELECT shift, starts, ends, lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM noc_shifts "
        f"WHERE ends_epoch > {_NOW} - 8 * 3600 AND starts_epoch < {_NOW} + 8 * 3600 ORDER BY starts_epoch",
        obj({}),
    ),
    "noc_log": (
        "NOC log (NL-nnnn) of the last N hours (max 48), newest first; optional text to look for",
        ["history", "log", "handover", "notes", "noc"],
        "SELECT entry, ts, author, role, text FROM noc_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": ""},
            }
        ),
    ),
    "kb_search": (
        "Search the NOC knowledge base (KBnnnnnnn: procedures, runbooks, the escalation matrix) for a word or phrase",
        ["document", "procedure", "runbook", "kb", "how to"],
        "SELECT article, title, body FROM kb WHERE instr(lower(article || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY article",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
