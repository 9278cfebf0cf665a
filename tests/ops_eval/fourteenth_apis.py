"""The fourteenth estate's APIs (:mod:`tests.ops_eval.fourteenth_estate`): SQL over a municipal water utility's
SCADA and network operations store, as its control room, telemetry and network engineers would publish them.
Windows differ from API to API on purpose: ISO dates without time (``start_date`` / ``end_date``), ISO timestamps
(``changed_after`` / ``changed_before``), ``minutes_back``, ``hours_back``, ``hours``, ``days``, a ``granularity``
enum; some APIs require a ``station`` or ``zone``; one takes a SCADA tag path prefix; one is a free-text search."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_STATIONS = ["PS-North-07", "PS-River-02", "PS-East-11", "PS-Quarry-04"]
_ZONES = ["PZ 14B", "PZ 09A", "PZ 21C", "PZ 03D"]
_RESERVOIRS = ["RES_HILLTOP_2", "RES_MILLBROOK_1", "RES_CASTLE_3"]
_ANY_ZONE = {"type": "string", "enum": ["", *_ZONES], "default": "", "description": "pressure zone; empty: all"}
_DATE = {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$", "description": "YYYY-MM-DD (UTC)"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "network_stations": (
        "Pumping stations: the pressure zone each feeds, its source reservoir, number of pumps, telemetry "
        "outstation (RTU), SCADA tag prefix, commissioned year, duty discharge pressure setpoint (bar)",
        ["inventory", "config", "station", "zone"],
        "SELECT station, zone_fed, source, pumps, rtu, tag_prefix, commissioned, duty_setpoint_bar FROM stations "
        "WHERE (:zone = '' OR zone_fed = :zone) ORDER BY station",
        obj({"zone": _ANY_ZONE}),
    ),
    "station_pumps": (
        "Pumps of one pumping station now: pump, SCADA run tag, state (running, stopped, tripped, isolated), "
        "control mode (auto, manual), rated kW, run hours, last trip time and reason",
        ["state", "pump", "station", "inventory"],
        "SELECT pump, run_tag, state, mode, rated_kw, run_hours, last_trip_at, last_trip_reason FROM pumps "
        "WHERE station = :station ORDER BY pump",
        obj({"station": {"type": "string", "enum": _STATIONS, "description": "e.g. PS-North-07"}}, ["station"]),
    ),
    "control_setpoints": (
        "Current control setpoints per asset (stations, PRVs, reservoirs, dosing): parameter, value, unit, the "
        "last setpoint change (SPC-nnn) and when it was made",
        ["config", "setpoint", "control"],
        "SELECT asset, parameter, value, unit, last_change, changed_at FROM setpoints "
        "WHERE instr(lower(asset || ' ' || parameter), lower(:asset)) > 0 ORDER BY asset, parameter",
        obj({"asset": {"type": "string", "default": "", "description": "part of an asset or parameter name"}}),
    ),
    "setpoint_change_log": (
        "Setpoint changes (SPC-nnn) made between two ISO timestamps: asset, parameter, old and new value, who, "
        "when, reason, reference",
        ["history", "change", "setpoint", "config"],
        "SELECT spc, asset, parameter, old_value, new_value, unit, changed_by, changed_at, reason, ref "
        "FROM setpoint_changes WHERE changed_at >= :changed_after "
        "AND (:changed_before = '' OR changed_at < :changed_before) "
        "AND instr(lower(asset), lower(:asset)) > 0 ORDER BY changed_at DESC",
        obj(
            {
                "changed_after": {"type": "string", "description": "ISO timestamp, e.g. 2026-03-01T08:00:00Z"},
                "changed_before": {"type": "string", "default": "", "description": "ISO timestamp; empty: now"},
                "asset": {"type": "string", "default": "", "description": "part of an asset name"},
            },
            ["changed_after"],
        ),
    ),
    "scada_tag_history": (
        "Raw SCADA tag history in 1-minute samples, narrow rows (tag, value, ts) for every tag under a tag path, "
        "e.g. PS07.P2 (pump 2 of PS-North-07: .RUN 0/1, .AMPS motor current) or PS07.DISCH (.PRESS bar)",
        ["metric", "scada", "tag", "pump"],
        "SELECT tag, value, ts FROM tags WHERE (tag = :tag_path OR tag LIKE :tag_path || '.%') "
        f"AND ts_epoch >= {_NOW} - :minutes_back * 60 ORDER BY tag, ts_epoch",
        obj(
            {
                "tag_path": {"type": "string", "description": "tag or tag path prefix, e.g. PS07.P2"},
                "minutes_back": {"type": "integer", "minimum": 1, "maximum": 360, "default": 60},
            },
            ["tag_path"],
        ),
    ),
    "zone_pressure": (
        "Pressure at a zone's critical point (bar) between two UTC dates (inclusive), per granularity: 5min "
        "(raw 5-minute samples, bucket = sample start), hour or day, with average, minimum and maximum",
        ["metric", "pressure", "zone"],
        "SELECT zone, CASE :granularity WHEN 'hour' THEN substr(ts, 1, 13) || ':00:00Z' WHEN 'day' "
        "THEN substr(ts, 1, 10) ELSE ts END AS bucket, ROUND(AVG(bar), 2) AS avg_bar, MIN(bar) AS min_bar, "
        "MAX(bar) AS max_bar, COUNT(*) AS samples FROM zone_pressure WHERE zone = :zone "
        "AND substr(ts, 1, 10) >= :start_date AND substr(ts, 1, 10) <= :end_date GROUP BY zone, bucket "
        "ORDER BY bucket",
        obj(
            {
                "zone": {"type": "string", "enum": _ZONES, "description": "pressure zone, e.g. PZ 14B"},
                "start_date": {**_DATE, "description": "first day, YYYY-MM-DD (UTC)"},
                "end_date": {**_DATE, "description": "last day, YYYY-MM-DD (UTC), inclusive"},
                "granularity": {"type": "string", "enum": ["5min", "hour", "day"], "default": "hour"},
            },
            ["zone", "start_date", "end_date"],
        ),
    ),
    "flow_meter_readings": (
        "District flow meters (FM-...) in 5-minute samples over the last N minutes, wide rows: meter, zone, "
        "flow (l/s), velocity (m/s), totaliser (m3)",
        ["metric", "flow", "zone", "meter"],
        "SELECT meter, zone, ts, flow_ls, velocity_ms, totaliser_m3 FROM flows WHERE (:zone = '' OR zone = :zone) "
        f"AND ts_epoch >= {_NOW} - :minutes_back * 60 ORDER BY meter, ts_epoch",
        obj(
            {
                "minutes_back": {"type": "integer", "minimum": 5, "maximum": 360, "default": 60},
                "zone": _ANY_ZONE,
            }
        ),
    ),
    "reservoir_levels": (
        "Service reservoir and tank levels, hourly over the last N hours: level (% of capacity and metres), "
        "inflow and outflow (l/s)",
        ["metric", "reservoir", "level"],
        "SELECT reservoir, ts, level_pct, level_m, inflow_ls, outflow_ls FROM reservoirs "
        f"WHERE (:reservoir = '' OR reservoir = :reservoir) AND ts_epoch >= {_NOW} - :hours * 3600 "
        "ORDER BY reservoir, ts_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "reservoir": {"type": "string", "enum": ["", *_RESERVOIRS], "default": ""},
            }
        ),
    ),
    "water_quality": (
        "Water quality analysers at the reservoir outlets, hourly, narrow rows (site, parameter, value, unit, "
        "ts): free chlorine residual (mg/l), turbidity (NTU), pH; the last N days",
        ["metric", "quality", "chlorine", "reservoir"],
        "SELECT site, parameter, value, unit, ts FROM quality WHERE (:site = '' OR site = :site) "
        f"AND (:parameter = '' OR parameter = :parameter) AND ts_epoch >= {_NOW} - :days * 86400 "
        "ORDER BY site, parameter, ts_epoch",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 7, "default": 1},
                "site": {"type": "string", "enum": ["", *_RESERVOIRS], "default": ""},
                "parameter": {
                    "type": "string",
                    "enum": ["", "free_chlorine", "turbidity", "ph"],
                    "default": "",
                },
            }
        ),
    ),
    "rtu_comms": (
        "Telemetry outstations (RTUs, rtu-0x...) and their communications: site, comms path (fibre, 4G, "
        "radio), status (online, degraded, offline), last successful poll, poll success % over 24 hours, firmware",
        ["state", "telemetry", "rtu", "comms", "inventory"],
        "SELECT rtu, site, comms_path, status, last_poll, poll_success_24h_pct, firmware FROM rtus "
        "WHERE (:status = '' OR status = :status) ORDER BY rtu",
        obj({"status": {"type": "string", "enum": ["", "online", "degraded", "offline"], "default": ""}}),
    ),
    "pump_events": (
        "Pump starts, stops, trips and failed starts over the last N hours, newest first: station, pump, event, detail",
        ["history", "pump", "event", "station"],
        "SELECT ts, station, pump, event, detail FROM pump_events "
        f"WHERE ts_epoch >= {_NOW} - :hours_back * 3600 AND (:station = '' OR station = :station) "
        "AND (:event = '' OR event = :event) ORDER BY ts_epoch DESC",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24},
                "station": {"type": "string", "enum": ["", *_STATIONS], "default": ""},
                "event": {"type": "string", "enum": ["", "start", "stop", "trip", "start_failed"], "default": ""},
            }
        ),
    ),
    "valve_operations": (
        "Network valve operations (VO-nnnnn) in one pressure zone over the last N days: valve, action (open, "
        "close, throttle), position %, operator, when, reason",
        ["history", "valve", "zone", "network"],
        "SELECT vo, valve, zone, action, position_pct, operator, ts, reason FROM valve_ops WHERE zone = :zone "
        f"AND ts_epoch >= {_NOW} - :days * 86400 ORDER BY ts_epoch DESC",
        obj(
            {
                "zone": {"type": "string", "enum": _ZONES, "description": "pressure zone, e.g. PZ 14B"},
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 1},
            },
            ["zone"],
        ),
    ),
    "complaint_counts": (
        "Customer contacts counted per pressure zone and category (low_pressure, no_water, discoloured, "
        "taste_odour) over the last N hours, most first",
        ["metric", "customer", "complaint", "zone", "ranking"],
        "SELECT zone, category, COUNT(*) AS complaints, MAX(ts) AS latest FROM complaints "
        f"WHERE ts_epoch >= {_NOW} - :hours_back * 3600 AND (:zone = '' OR zone = :zone) "
        "GROUP BY zone, category ORDER BY complaints DESC, zone, category",
        obj({"hours_back": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24}, "zone": _ANY_ZONE}),
    ),
    "work_orders": (
        "Maintenance work orders (WO-yyyy-nnnnnn) on pumps, RTUs, valves and dosing plant: asset, station, kind, "
        "priority, status (open, in_progress, done), raised, closed, assignee, summary",
        ["history", "maintenance", "work-order"],
        "SELECT wo, asset, station, kind, priority, status, raised, closed, assignee, summary FROM work_orders "
        "WHERE (:status = '' OR status = :status) "
        "AND instr(lower(wo || ' ' || asset || ' ' || station || ' ' || summary), lower(:text)) > 0 "
        "ORDER BY raised DESC",
        obj(
            {
                "status": {"type": "string", "enum": ["", "open", "in_progress", "done"], "default": ""},
                "text": {"type": "string", "default": "", "description": "a station, asset or words"},
            }
        ),
    ),
    "incident_register": (
        "Operational incidents (INC/yyyy/nnnn): severity (minor, significant, major), status (open, "
        "investigating, monitoring, resolved), zone, title, incident lead, opened, resolved",
        ["history", "incident"],
        "SELECT inc, severity, status, zone, title, lead, opened, resolved FROM incidents "
        "WHERE (:status = '' OR status = :status) AND instr(lower(inc || ' ' || title), lower(:text)) > 0 "
        "ORDER BY opened DESC",
        obj(
            {
                "status": {
                    "type": "string",
                    "enum": ["", "open", "investigating", "monitoring", "resolved"],
                    "default": "",
                },
                "text": {"type": "string", "default": "", "description": "incident id or words of the title"},
            }
        ),
    ),
    "procedure_search": (
        "Free-text search of the control room operating procedures (OP-<area>-nnn): pumps, chlorination, "
        "telemetry, pressure management",
        ["document", "procedure", "sop"],
        "SELECT doc, title, revision, body FROM procedures "
        "WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
