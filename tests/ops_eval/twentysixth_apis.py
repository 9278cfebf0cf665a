"""The twenty-sixth estate's APIs (:mod:`tests.ops_eval.twentysixth_estate`): SQL over a national parcel carrier's
hub and linehaul store (sortation hubs, sorters and their scan tunnels, parcel volumes and exceptions, conveyor
faults, sorter health checks, linehaul trunk runs, the fleet and its reefer trailers' temperatures, work orders,
change requests, supplier tickets, on-call and shift managers), as its network control centre (NCC), hub engineering,
the controls team and the linehaul traffic office would publish them: some tersely, some at length. Windows differ
from API to API on purpose: ``lookback_minutes`` (at most 2880), RFC 3339 timestamps (``since`` / ``until``), epoch
seconds (``from_ts`` / ``to_ts``), ISO dates (``from_date`` / ``to_date``), hours relative to now (``from_offset_h``
/ ``to_offset_h``), a duration string (``period``: ``24h``, ``7d``), ``minutes``, ``hours`` and ``days``; two APIs
require a unit (a sorter's health checks, a reefer's temperatures); two look up one record by key (a supplier ticket, a
supplier); two search free text (the NCC log, procedures); one is narrow (trailer, measure, value, ts); one aggregates
(exception counts per hub and type); the on-call rota and the shift managers flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_TUNNELS = ["DAV-T1", "DAV-T2", "MRL-ARCH", "HERON-TUN", "AVM-T1", "THU-T1", "EC-T1"]
_SORTERS = ["XB-01", "XB-02", "Merlin", "Heron", "AVM-S1", "Thames", "EC-SS2"]
_REEFERS = ["RF-6201", "RF-6203", "RF-6207", "RF-6210"]
_ROTAS = [
    "",
    "controls",
    "dav_engineering",
    "north_engineering",
    "south_engineering",
    "traffic_office",
    "duty_director",
]
_CATEGORIES = ["", "sorter_controls", "scanners", "wms", "telematics", "conveyors", "electrical"]
_PERIOD_S = (
    "(CAST(substr(:period, 1, length(:period) - 1) AS INTEGER) * "
    "CASE lower(substr(:period, -1)) WHEN 'd' THEN 86400 WHEN 'h' THEN 3600 ELSE 0 END)"
)


def _hub(col: str, param: str) -> str:
    """A filter on a hub column by the hub's code or (part of) its name; empty matches everything."""
    named = f"({col} || ' ' || coalesce((SELECT h.name FROM hubs h WHERE h.code = {col}), ''))"
    return f"(:{param} = '' OR instr(upper({named}), upper(trim(:{param}))) > 0)"


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, hashes and spaces (ticket references are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "/", "#", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


_HUB_PARAM = {"type": "string", "default": "", "description": "hub code or name, e.g. DAV, Daventry; empty: all"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "list_hubs": (
        "Our sortation hubs.",
        ["inventory", "hub", "site"],
        "SELECT code, name, role, location, sorters, general_manager FROM hubs ORDER BY code",
        obj({}),
    ),
    "sorters": (
        "Sorter register per hub: sorter, type (cross-belt, bomb-bay, tilt-tray, sliding shoe), make and model, "
        "induction lines, chutes / destinations, design rate (parcels per hour at the standard line speed), year "
        "installed, controls",
        ["inventory", "sorter", "asset"],
        "SELECT sorter, hub, type, model, induction_lines, chutes, design_rate_ph, installed, controls FROM sorters "
        f"WHERE {_hub('hub', 'hub')} ORDER BY hub, sorter",
        obj({"hub": _HUB_PARAM}),
    ),
    "sorter_live": (
        "Live sorter status from the SortMaster controls, as the NCC sees it now: state (running, degraded, stopped, "
        "maintenance) and since when, line speed (m/s), current rate (parcels/h over the last 15 min), no-read % over "
        "the last 15 min, active alarm, note",
        ["state", "status", "sorter", "live", "rate"],
        "SELECT sorter, hub, state, since, line_speed_ms, rate_ph, no_read_pct_15m, active_alarm, note "
        f"FROM sorter_live WHERE {_hub('hub', 'hub')} ORDER BY hub, sorter",
        obj({"hub": _HUB_PARAM}),
    ),
    "scan_tunnels": (
        "Barcode scan tunnels and arches (Lumacode): which sorter each reads for, model, firmware, speed profile "
        "(the line speed it is rated for), installed",
        ["inventory", "scanner", "tunnel", "firmware"],
        "SELECT tunnel, hub, sorter, model, firmware, profile, installed FROM tunnels "
        f"WHERE {_hub('hub', 'hub')} ORDER BY hub, tunnel",
        obj({"hub": _HUB_PARAM}),
    ),
    "tunnel_read_rates": (
        "Scan tunnel read performance in 15-minute buckets over the last N minutes (max 2880; kept 7 days): parcels "
        "scanned, good reads, no-reads, multi-reads and the read rate (%). A stopped sorter's tunnel has no rows.",
        ["metric", "read rate", "no-read", "scanner", "tunnel", "trend", "ranking"],
        "SELECT tunnel, bucket_start, scanned, good_reads, no_reads, multi_reads, read_pct FROM tunnel_stats "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 "
        "AND (:tunnel = '' OR tunnel = upper(trim(:tunnel))) ORDER BY tunnel, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 240},
                "tunnel": {"type": "string", "enum": ["", *_TUNNELS], "default": "", "description": "empty: all"},
            }
        ),
    ),
    "hub_hourly_volumes": (
        "Parcel volumes per hub per hour between two RFC 3339 timestamps: inducted onto the sorters, sorted to a "
        "destination chute, sent to rework (no-reads, missorts, damaged). Hours overlapping the range are returned.",
        ["metric", "volume", "throughput", "parcels", "hourly"],
        "SELECT hub, hour_start, inducted, sorted, to_rework FROM hub_volumes "
        "WHERE hour_epoch + 3600 > CAST(strftime('%s', :since) AS INTEGER) "
        "AND (:until = '' OR hour_epoch < CAST(strftime('%s', :until) AS INTEGER)) "
        f"AND {_hub('hub', 'hub')} ORDER BY hub, hour_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "from, RFC 3339 UTC"},
                "until": {"type": "string", "default": "", "description": "to, RFC 3339 UTC; empty: now"},
                "hub": _HUB_PARAM,
            },
            ["since"],
        ),
    ),
    "exception_counts": (
        "Parcel exceptions counted per hub and type over the last N hours (max 168): missort, no_read, damaged, "
        "oversize. Totals, highest first.",
        ["metric", "exceptions", "missort", "no-read", "damaged", "count", "ranking"],
        "SELECT hub, type, SUM(n) AS parcels FROM exceptions "
        f"WHERE bucket_epoch >= {_NOW} - :hours * 3600 AND {_hub('hub', 'hub')} AND (:type = '' OR type = :type) "
        "GROUP BY hub, type ORDER BY parcels DESC, hub, type",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "hub": _HUB_PARAM,
                "type": {"type": "string", "enum": ["", "missort", "no_read", "damaged", "oversize"], "default": ""},
            }
        ),
    ),
    "conveyor_fault_log": (
        "Fault log of the sorters, induction lines and conveyors (from the SortMaster and conveyor PLCs). "
        "from_ts / to_ts are unix epoch seconds (to_ts 0 = now). Asset matches on part of the name, e.g. WKF-C07, "
        "XB-01.",
        ["fault", "alarm", "history", "conveyor", "jam", "downtime"],
        "SELECT fault, hub, asset, code, description, started, cleared, duration_s FROM faults "
        "WHERE started_epoch >= :from_ts AND (:to_ts = 0 OR started_epoch < :to_ts) "
        f"AND {_hub('hub', 'hub')} AND (:asset = '' OR instr(upper(asset), upper(trim(:asset))) > 0) "
        "ORDER BY started_epoch DESC",
        obj(
            {
                "from_ts": {"type": "integer", "description": "start, unix epoch seconds"},
                "to_ts": {"type": "integer", "default": 0, "description": "end, unix epoch seconds; 0: now"},
                "hub": _HUB_PARAM,
                "asset": {"type": "string", "default": ""},
            },
            ["from_ts"],
        ),
    ),
    "sorter_health_checks": (
        "Daily automatic health check of ONE sorter (kept 90 days): drive chain elongation (% over nominal length; "
        "warn from 2.5, replace at 3.0), main drive temperature (C), drive vibration (mm/s), result (pass, warn, "
        "fail).",
        ["metric", "condition", "wear", "chain", "trend", "sorter"],
        "SELECT sorter, checked_at, chain_elong_pct, drive_temp_c, vibration_mm_s, result FROM health_checks "
        f"WHERE upper(sorter) = upper(trim(:sorter)) AND check_epoch >= {_NOW} - :days * 86400 ORDER BY check_epoch",
        obj(
            {
                "sorter": {"type": "string", "enum": _SORTERS, "description": "sorter, e.g. Heron"},
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 30},
            },
            ["sorter"],
        ),
    ),
    "lh_trunk_runs": (
        "Linehaul trunk runs whose scheduled departure falls between from_offset_h and to_offset_h hours from now "
        "(negative = past; default the last 12 and next 12 hours): run, origin, destination, scheduled / actual / "
        "expected departure, scheduled and actual arrival or ETA, tractor, trailer, status (scheduled, loading, "
        "departed, arrived, cancelled), departure and arrival delay (min), delay reason. Filter by origin and/or "
        "destination hub.",
        ["linehaul", "trunk", "truck", "departure", "arrival", "delay", "schedule"],
        "SELECT run, origin, destination, sched_dep, actual_dep, expected_dep, sched_arr, actual_arr, eta, tractor, "
        "trailer, status, dep_delay_min, arr_delay_min, reason FROM runs "
        f"WHERE sched_dep_epoch >= {_NOW} + :from_offset_h * 3600 AND sched_dep_epoch < {_NOW} + :to_offset_h * 3600 "
        f"AND {_hub('origin', 'origin')} AND {_hub('destination', 'destination')} ORDER BY sched_dep_epoch",
        obj(
            {
                "from_offset_h": {"type": "integer", "minimum": -48, "maximum": 24, "default": -12},
                "to_offset_h": {"type": "integer", "minimum": -47, "maximum": 24, "default": 12},
                "origin": {"type": "string", "default": "", "description": "origin hub code or name"},
                "destination": {"type": "string", "default": "", "description": "destination hub code or name"},
            }
        ),
    ),
    "fleet_units": (
        "Tractor units and trailers: unit, kind, registration, base hub, Trakline telematics unit, status "
        "(in_service, vor = vehicle off road, workshop), note (reefer setpoints)",
        ["inventory", "fleet", "truck", "trailer", "reefer"],
        "SELECT unit, kind, registration, base, telematics_unit, status, note FROM fleet "
        "WHERE (:kind = '' OR kind = :kind) ORDER BY kind, unit",
        obj(
            {
                "kind": {
                    "type": "string",
                    "enum": ["", "tractor", "curtainsider", "double_deck", "reefer", "box"],
                    "default": "",
                }
            }
        ),
    ),
    "reefer_temperature": (
        "Reefer trailer monitoring via Trakline, one trailer, every 10 min over the last N minutes (max 2880). Narrow "
        "rows: trailer, measure, value, ts. Measures: box_temp_c (return air, C), door_open (1 = open).",
        ["metric", "temperature", "reefer", "trailer", "cold chain", "telemetry"],
        "SELECT trailer, measure, value, ts FROM reefer_readings WHERE trailer = upper(trim(:trailer)) "
        f"AND ts_epoch > {_NOW} - :minutes * 60 AND (:measure = '' OR measure = :measure) ORDER BY measure, ts_epoch",
        obj(
            {
                "trailer": {"type": "string", "enum": _REEFERS, "description": "reefer trailer, e.g. RF-6203"},
                "minutes": {"type": "integer", "minimum": 10, "maximum": 2880, "default": 180},
                "measure": {"type": "string", "enum": ["", "box_temp_c", "door_open"], "default": ""},
            },
            ["trailer"],
        ),
    ),
    "work_orders": (
        "Maintenance work orders (WO-nnnnnn) created or planned to start on the days between from_date and to_date "
        "(YYYY-MM-DD): asset, hub, type, status (open, in_progress, awaiting_parts, scheduled, completed), assigned "
        "to, created, planned start / end, completed, title, notes",
        ["maintenance", "work order", "repair", "planned", "history"],
        "SELECT wo, asset, hub, type, status, assigned_to, created, planned_start, planned_end, completed, title, "
        "notes FROM work_orders WHERE ((substr(created, 1, 10) >= :from_date AND (:to_date = '' OR "
        "substr(created, 1, 10) <= :to_date)) OR (planned_start IS NOT NULL AND substr(planned_start, 1, 10) >= "
        ":from_date AND (:to_date = '' OR substr(planned_start, 1, 10) <= :to_date))) "
        "AND (:status = '' OR status = :status) ORDER BY created DESC",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: no end"},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "in_progress", "awaiting_parts", "scheduled", "completed"],
                    "default": "",
                },
            },
            ["from_date"],
        ),
    ),
    "change_requests": (
        "Change requests (CHG-nnnn) to sorter controls, scanners, the WMS (ParcelFlow), telematics, conveyors and "
        "electrical, raised or implemented within a period (e.g. 24h, 72h, 7d, 30d), newest first",
        ["change", "config", "software", "history", "deploy", "wms"],
        "SELECT chg, title, systems, category, state, requested_by, implemented_by, approver, planned_start, "
        f"implemented, notes FROM changes WHERE (raised_epoch >= {_NOW} - {_PERIOD_S} OR implemented_epoch >= "
        f"{_NOW} - {_PERIOD_S}) AND (:category = '' OR category = :category) "
        "ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj(
            {
                "period": {"type": "string", "pattern": "^[0-9]+[hdHD]$", "default": "7d", "description": "e.g. 24h"},
                "category": {"type": "string", "enum": _CATEGORIES, "default": ""},
            }
        ),
    ),
    "vendor_ticket": (
        "Supplier ticket by reference: Brennhardt (sorters, SortMaster) BRH-nnnnn, Lumacode (scan tunnels) "
        "LUM/yy/nnnn, Trakline (telematics) TRK nnnnnn. Returns supplier, asset, subject, status, priority, the "
        "supplier's engineer, who raised it, opened, updated and the supplier's latest update / advice.",
        ["lookup", "vendor", "ticket", "case", "supplier"],
        "SELECT ref, supplier, asset, subject, status, priority, engineer, raised_by, opened, updated, latest "
        f"FROM vendor_tickets WHERE {_norm('ref')} = {_norm('trim(:ref)')}",
        obj({"ref": {"type": "string", "description": "ticket reference, e.g. LUM/26/1187"}}, ["ref"]),
    ),
    "supplier_contacts": (
        "Suppliers: what they cover, support line, hours, escalation contact, contract.",
        ["contact", "vendor", "supplier", "escalation", "phone"],
        "SELECT supplier, covers, support_line, hours, escalation, contract FROM suppliers "
        "WHERE (:name = '' OR instr(lower(supplier), lower(trim(:name))) > 0) ORDER BY supplier",
        obj({"name": {"type": "string", "default": "", "description": "supplier name or part of it"}}),
    ),
    "oncall_rota": (
        "Weekly on-call rota (weeks from Monday 06:00 UTC): controls (sorter controls and scan tunnels, national), "
        "dav_engineering (Daventry maintenance), north_engineering (Wakefield, Eurocentral), south_engineering "
        "(Avonmouth, Thurrock), traffic_office (linehaul), duty_director; primary and secondary with mobiles; this "
        "week and the next (on_now = yes for the shift running now)",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, engineer, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "shift_managers": (
        "Hub shift managers (days 06:00-18:00, nights 18:00-06:00 UTC), the previous, current and next shifts per "
        "hub; on_now = yes for the manager on shift now",
        ["contact", "shift", "manager", "who", "hub"],
        "SELECT hub, shift, starts, ends, manager, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM hub_shifts "
        f"WHERE ends_epoch > {_NOW} - 43200 AND starts_epoch < {_NOW} + 43200 AND {_hub('hub', 'hub')} "
        "ORDER BY hub, starts_epoch",
        obj({"hub": _HUB_PARAM}),
    ),
    "ncc_log": (
        "Network control centre (NCC) log, entries NCC-yy-nnnn from the last N hours (max 48), newest first; "
        "optional text match on author, role or entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM ncc_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 8},
                "contains": {"type": "string", "default": "", "description": "text to match; empty: everything"},
            }
        ),
    ),
    "sop_lookup": (
        "Search hub SOPs (SOP-HUB-nn), linehaul SOPs (SOP-LH-nn), engineering work instructions (ENG-WI-nn), the "
        "escalation matrix (ESC-nn) and suppliers' manuals (OEM ...) for a word or phrase",
        ["document", "runbook", "procedure", "sop", "how to"],
        "SELECT doc, title, body FROM sops WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
