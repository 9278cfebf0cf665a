"""The thirteenth estate's APIs (:mod:`tests.ops_eval.thirteenth_estate`): SQL over a distribution-centre
automation team's operations store, as its robotics, conveyor, WMS and site operations engineers would publish
them. Parameter names, column styles (camelCase or snake_case, wide or narrow rows) and window forms differ from
API to API on purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_SITES = ["DC-RTM-02", "DC-LEJ-01", "DC-MAD-03", "DC-BHX-01"]
_SORTERS = ["SRT/A/1", "SRT/A/2", "SRT/L/1", "SRT/B/3", "SRT/B/4", "SRT/H/1"]
_SITE = {"type": "string", "enum": _SITES, "description": "distribution centre code, e.g. DC-RTM-02"}
_ANY_SITE = {"type": "string", "enum": ["", *_SITES], "default": "", "description": "site code; empty: all sites"}
_EPOCH = {"type": "integer", "minimum": 0, "description": "unix epoch seconds (UTC)"}
_METRICS = ["picks_per_hour", "safety_stops", "robots_active", "robots_charging", "robots_faulted"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "dc_sites": (
        "Distribution centres (sites): city, country, local timezone, WMS and version, live since, the conveyor "
        "sorters on site, ops manager, and how many robots and charging docks each site has",
        ["inventory", "config", "site"],
        "SELECT s.site, s.city, s.country, s.timezone, s.wms, s.live_since, s.sorters, s.ops_manager, "
        "(SELECT COUNT(*) FROM robots r WHERE r.site = s.site) AS robots, "
        "(SELECT COUNT(*) FROM docks d WHERE d.site = s.site) AS charging_docks FROM sites s "
        "WHERE (:country = '' OR s.country = :country) ORDER BY s.site",
        obj({"country": {"type": "string", "enum": ["", "NL", "DE", "ES", "GB"], "default": ""}}),
    ),
    "fleet_roster": (
        "The robot fleet of one site, one row per AMR (amr.<site>.<nnnn>): model, firmware version, zone, state "
        "(active, idle, charging, faulted, maintenance) and why, battery charge percent, last seen",
        ["inventory", "robot", "firmware", "state"],
        "SELECT robotId, model, fwVersion, zone, state, stateReason, batteryPct, lastSeen FROM robots "
        "WHERE site = :site AND (:state = '' OR state = :state) AND instr(lower(fwVersion), lower(:fw)) > 0 "
        "ORDER BY robotId",
        obj(
            {
                "site": _SITE,
                "state": {
                    "type": "string",
                    "enum": ["", "active", "idle", "charging", "faulted", "maintenance"],
                    "default": "",
                },
                "fw": {"type": "string", "default": "", "description": "part of a firmware version, e.g. 4.12"},
            },
            ["site"],
        ),
    ),
    "fleet_config": (
        "Fleet manager settings per site and zone: robot model, max travel speed (m/s), protective (safety) field "
        "profile, battery charge start and stop thresholds (%), navigation map version, when last changed",
        ["config", "robot", "safety", "navigation"],
        "SELECT site, zone, robotModel, maxSpeedMps, protectiveFieldProfile, chargeStartPct, chargeStopPct, navMap, "
        "updatedAt FROM fleet_config WHERE (:site = '' OR site = :site) ORDER BY site, zone",
        obj({"site": _ANY_SITE}),
    ),
    "site_telemetry": (
        "Site KPIs as a narrow time series (one row per site, metric, 5-minute sample): picks_per_hour (pick rate), "
        "safety_stops (robot safety / protective stops in the 5 minutes), robots_active, robots_charging, "
        "robots_faulted; ts is the sample start",
        ["metric", "robot", "throughput", "safety"],
        "SELECT site, metric, value, ts FROM telemetry WHERE site = :site AND (:metric = '' OR metric = :metric) "
        "AND ts_epoch >= :fromTs AND (:toTs = 0 OR ts_epoch < :toTs) ORDER BY metric, ts_epoch",
        obj(
            {
                "site": _SITE,
                "metric": {"type": "string", "enum": ["", *_METRICS], "default": "", "description": "empty: all"},
                "fromTs": {**_EPOCH, "description": "window start, unix epoch seconds"},
                "toTs": {**_EPOCH, "default": 0, "description": "window end, unix epoch seconds; 0: now"},
            },
            ["site", "fromTs"],
        ),
    ),
    "robot_stop_counts": (
        "Safety stops per robot at one site over the last N minutes, most stops first: total and by kind "
        "(protective_field, bumper, estop, lost_localization), the robot's firmware and zone, its last stop",
        ["metric", "robot", "safety", "ranking"],
        "SELECT s.robot_id AS robotId, r.fwVersion, r.zone, COUNT(*) AS stops, "
        "SUM(s.kind = 'protective_field') AS protectiveField, SUM(s.kind = 'bumper') AS bumper, "
        "SUM(s.kind = 'estop') AS estop, SUM(s.kind = 'lost_localization') AS lostLocalization, "
        "MAX(s.ts) AS lastStop FROM stops s JOIN robots r ON r.robotId = s.robot_id WHERE s.site = :site "
        f"AND s.ts_epoch >= {_NOW} - :last_n_minutes * 60 GROUP BY s.robot_id ORDER BY stops DESC, robotId "
        "LIMIT :top",
        obj(
            {
                "site": _SITE,
                "last_n_minutes": {"type": "integer", "minimum": 5, "maximum": 1440, "default": 60},
                "top": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            },
            ["site"],
        ),
    ),
    "sorter_throughput": (
        "Conveyor sorter telemetry as a narrow time series in 1-minute samples over the last N minutes: "
        "parcels_per_min, jams (in the minute), recirc_pct (parcels recirculated); ts is epoch seconds",
        ["metric", "conveyor", "sorter", "throughput"],
        "SELECT sorter, metric, value, ts FROM sorter_series WHERE (:sorter = '' OR sorter = :sorter) "
        f"AND (:metric = '' OR metric = :metric) AND ts >= {_NOW} - :last_n_minutes * 60 ORDER BY sorter, metric, ts",
        obj(
            {
                "last_n_minutes": {"type": "integer", "minimum": 1, "maximum": 360, "default": 60},
                "sorter": {"type": "string", "enum": ["", *_SORTERS], "default": ""},
                "metric": {"type": "string", "enum": ["", "parcels_per_min", "jams", "recirc_pct"], "default": ""},
            }
        ),
    ),
    "sorter_jams": (
        "Conveyor sorter jams over the last N hours, newest first: sorter, site, where (induct, merge, divert n), "
        "seconds until cleared, cause",
        ["history", "conveyor", "sorter", "event"],
        "SELECT ts, sorter, site, location, cleared_after_s, cause FROM jams "
        f"WHERE ts_epoch >= {_NOW} - :since_hours * 3600 AND (:site = '' OR site = :site) "
        "AND (:sorter = '' OR sorter = :sorter) ORDER BY ts_epoch DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24},
                "site": _ANY_SITE,
                "sorter": {"type": "string", "enum": ["", *_SORTERS], "default": ""},
            }
        ),
    ),
    "wms_backlog": (
        "WMS order backlog in 15-minute snapshots: open orders, open order lines, and lines past their carrier "
        "cutoff, per site; period 4h (last four hours), today or yesterday (UTC day), 7d",
        ["metric", "wms", "orders", "backlog"],
        "SELECT site, ts, openOrders, openLines, linesPastCutoff FROM backlog WHERE (:site = '' OR site = :site) "
        f"AND CASE :period WHEN '4h' THEN ts_epoch >= {_NOW} - 14400 WHEN 'today' THEN date(ts) = date('now') "
        f"WHEN 'yesterday' THEN date(ts) = date('now', '-1 day') ELSE ts_epoch >= {_NOW} - 604800 END "
        "ORDER BY site, ts_epoch",
        obj(
            {
                "period": {"type": "string", "enum": ["4h", "today", "yesterday", "7d"], "default": "4h"},
                "site": _ANY_SITE,
            }
        ),
    ),
    "charging_docks": (
        "Robot charging docks (dock:<site>:<nn>) now: state (charging, idle, faulted, maintenance), the robot on "
        "the dock, output power (kW), last fault code and when",
        ["state", "inventory", "charging", "robot"],
        "SELECT dockId, site, state, robotId, outputKw, lastFault, lastFaultAt FROM docks "
        "WHERE (:site = '' OR site = :site) AND (:state = '' OR state = :state) ORDER BY dockId",
        obj(
            {
                "site": _ANY_SITE,
                "state": {"type": "string", "enum": ["", "charging", "idle", "faulted", "maintenance"], "default": ""},
            }
        ),
    ),
    "battery_health": (
        "Daily battery readings of a site's robots: state of health (SoH %), charge cycles, internal resistance "
        "(mOhm), max cell temperature (C); the last N days (1: today's reading only), weakest battery first",
        ["metric", "robot", "battery", "health"],
        "SELECT day, robotId, sohPct, cycles, resistanceMohm, maxCellTempC FROM battery WHERE site = :site "
        "AND (:robotId = '' OR robotId = :robotId) AND days_ago < :days ORDER BY day DESC, sohPct, robotId",
        obj(
            {
                "site": _SITE,
                "robotId": {"type": "string", "default": "", "description": "one robot, e.g. amr.lej1.0117"},
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 1},
            },
            ["site"],
        ),
    ),
    "firmware_rollouts": (
        "Robot firmware rollouts (FWR-nnnn): firmware and the version it replaces, site, wave, scope, robots "
        "targeted and done, state (scheduled, in_progress, paused, completed, rolled_back), start, finish",
        ["history", "firmware", "deploy", "robot"],
        "SELECT rolloutId, firmware, fromFirmware, site, wave, scope, robotsTargeted, robotsDone, state, startAt, "
        "finishedAt, note FROM rollouts WHERE (:site = '' OR site = :site) AND (:state = '' OR state = :state) "
        "ORDER BY start_epoch DESC",
        obj(
            {
                "site": _ANY_SITE,
                "state": {
                    "type": "string",
                    "enum": ["", "scheduled", "in_progress", "paused", "completed", "rolled_back"],
                    "default": "",
                },
            }
        ),
    ),
    "safety_reports": (
        "Safety reports (SAF-yyyy-nnnn) filed by floor staff over the last N days: site, robot, kind, severity, "
        "status (open, closed), reported, summary",
        ["history", "safety", "event"],
        "SELECT report, site, robot, kind, severity, status, reported_at, summary FROM safety "
        f"WHERE reported_epoch >= {_NOW} - :days * 86400 AND (:site = '' OR site = :site) "
        "AND (:status = '' OR status = :status) ORDER BY reported_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "site": _ANY_SITE,
                "status": {"type": "string", "enum": ["", "open", "closed"], "default": ""},
            }
        ),
    ),
    "maintenance_work_orders": (
        "Maintenance work orders (WO#nnnnn) on robots, docks and sorters: site, asset, kind (corrective, "
        "preventive), priority P1-P4, status (open, in_progress, done), opened, due, closed, assignee, summary",
        ["history", "maintenance", "work-order"],
        "SELECT woId, site, asset, kind, priority, status, openedAt, dueAt, closedAt, assignee, summary "
        "FROM work_orders WHERE (:site = '' OR site = :site) AND (:status = '' OR status = :status) "
        "AND instr(lower(asset), lower(:asset)) > 0 ORDER BY openedAt DESC",
        obj(
            {
                "site": _ANY_SITE,
                "status": {"type": "string", "enum": ["", "open", "in_progress", "done"], "default": ""},
                "asset": {"type": "string", "default": "", "description": "part of an asset name"},
            }
        ),
    ),
    "shift_staffing": (
        "Shift plan of one day (UTC date): per site and shift (early, late, night; local hours) planned and "
        "confirmed headcount, pickers, robot techs, shift lead, note",
        ["staffing", "shift", "site"],
        "SELECT day, site, shift, hours, plannedHeads, confirmedHeads, pickers, robotTechs, shiftLead, note "
        "FROM staffing WHERE day = :day AND (:site = '' OR site = :site) ORDER BY site, shift",
        obj(
            {
                "day": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$", "description": "YYYY-MM-DD"},
                "site": _ANY_SITE,
            },
            ["day"],
        ),
    ),
    "moc_changes": (
        "Management-of-change records (MOC-nnnnn) applied between two epoch times: site, category (firmware, "
        "navmap, fleet-config, conveyor, charging, wms-config), summary, before and after, owner, reference",
        ["history", "change", "config"],
        "SELECT moc, site, category, summary, before_value, after_value, owner, applied_at, reference FROM changes "
        "WHERE applied_epoch >= :after AND (:before = 0 OR applied_epoch < :before) "
        "AND (:site = '' OR site = :site) AND (:category = '' OR category = :category) ORDER BY applied_epoch DESC",
        obj(
            {
                "after": {**_EPOCH, "description": "applied at or after, unix epoch seconds"},
                "before": {**_EPOCH, "default": 0, "description": "applied before, unix epoch seconds; 0: now"},
                "site": _ANY_SITE,
                "category": {
                    "type": "string",
                    "enum": ["", "firmware", "navmap", "fleet-config", "conveyor", "charging", "wms-config"],
                    "default": "",
                },
            },
            ["after"],
        ),
    ),
    "incidents": (
        "Operational incidents (INC-nnnnn): priority P1-P4, status (investigating, identified, monitoring, "
        "resolved), site, title, incident lead, opened, resolved",
        ["history", "incident"],
        "SELECT incident, priority, status, site, title, lead, opened_at, resolved_at FROM incidents "
        "WHERE (:status = '' OR status = :status) AND (:site = '' OR site = :site) "
        "AND instr(lower(incident || ' ' || title), lower(:text)) > 0 ORDER BY opened_at DESC",
        obj(
            {
                "status": {
                    "type": "string",
                    "enum": ["", "investigating", "identified", "monitoring", "resolved"],
                    "default": "",
                },
                "site": _ANY_SITE,
                "text": {"type": "string", "default": "", "description": "incident id or words of the title"},
            }
        ),
    ),
    "sop_search": (
        "Full-text search of the standard operating procedures (SOP-<area>-nnn) for robots, conveyors, charging, "
        "batteries and the WMS",
        ["document", "sop", "procedure"],
        "SELECT doc, title, revision, body FROM sops WHERE instr(lower(doc || ' ' || title || ' ' || body), "
        "lower(:q)) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
