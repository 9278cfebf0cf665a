"""The seventeenth estate's APIs (:mod:`tests.ops_eval.seventeenth_estate`): SQL over an onshore wind farm's
operations store, as its control room, site team and asset managers would publish them. Windows differ from API to
API on purpose: an ISO 8601 duration enum (``period``: PT1H, PT6H, PT12H, PT24H, P3D, P7D), a named ``lookback``
enum (last_day, last_week, last_month), ISO timestamps (``from_ts`` / ``to_ts``, ``start_after``), ISO dates
(``from_date`` / ``to_date``), ``since_minutes``, ``hours`` and ``days``; two APIs require a unit (a turbine, a
substation asset); two look up one record by id (an alarm code, an OEM case); two search free text (procedures,
crew jobs)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_TURBINE = {
    "type": "string",
    "pattern": "^[Ww][Tt][Gg]-\\d{2}$",
    "description": "turbine id, WTG-01 .. WTG-12 (e.g. WTG-07)",
}
_ANY_TURBINE = {"type": "string", "default": "", "description": "turbine id, e.g. WTG-07; empty: all"}
_FEEDER = {
    "type": "string",
    "enum": ["", "COL.A", "COL.B", "COL.C"],
    "default": "",
    "description": "33 kV collector feeder: COL.A (WTG-01..04), COL.B (WTG-05..08), COL.C (WTG-09..12); empty: all",
}
_PERIODS = {"PT1H": 3600, "PT6H": 21600, "PT12H": 43200, "PT24H": 86400, "P3D": 259200, "P7D": 604800}
_PERIOD_SQL = "CASE :period " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _PERIODS.items()) + " ELSE 21600 END"

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "site_register": (
        "Wind turbine register of Harthill Moor wind farm: turbine id (WTG-nn), model (Vestas V112-3.45, "
        "SG 3.4-132), rated power (kW), construction phase, 33 kV collector feeder (COL.A/B/C), year commissioned, "
        "hub height, grid reference",
        ["inventory", "turbine", "asset", "site"],
        "SELECT turbine, model, rated_kw, phase, feeder, commissioned, hub_height_m, grid_ref FROM turbines "
        "ORDER BY turbine",
        obj({}),
    ),
    "turbine_status": (
        "Every turbine now (newest SCADA 10-minute values): state (running, derated, curtailed, "
        "stopped_fault, stopped_maintenance) and since when, active alarm code, active power (kW), wind speed "
        "(m/s), gearbox HSS bearing and generator winding temperatures (degC), power limit (kW)",
        ["state", "turbine", "metric", "power"],
        "SELECT s.turbine, t.feeder, s.state, s.since, s.active_alarm, s.power_kw, s.wind_ms, s.gbx_bearing_c, "
        "s.gen_winding_c, s.power_limit_kw FROM status s JOIN turbines t ON t.turbine = s.turbine "
        "WHERE (:feeder = '' OR t.feeder = :feeder) ORDER BY s.turbine",
        obj({"feeder": _FEEDER}),
    ),
    "scada_10min": (
        "SCADA 10-minute averages of one turbine over an ISO 8601 period (PT1H, PT6H, PT12H, PT24H, P3D, P7D; "
        "kept 7 days): state, wind speed (m/s), active power (kW), gearbox HSS bearing temperature (degC), "
        "generator winding temperature (degC)",
        ["metric", "turbine", "scada", "temperature", "power"],
        "SELECT turbine, ts, state, wind_ms, power_kw, gbx_bearing_c, gen_winding_c FROM scada "
        f"WHERE turbine = upper(:turbine) AND ts_epoch >= {_NOW} - {_PERIOD_SQL} ORDER BY ts_epoch",
        obj(
            {
                "turbine": _TURBINE,
                "period": {"type": "string", "enum": list(_PERIODS), "default": "PT6H"},
            },
            ["turbine"],
        ),
    ),
    "substation_readings": (
        "Hourly readings of one substation asset between two ISO timestamps (kept 7 days), narrow rows (asset, "
        "quantity, value, ts): SGT1 grid transformer (load_mva, top_oil_c, winding_hotspot_c, tap_position), "
        "GRID-132 point of connection (export_mw, voltage_kv, reactive_mvar), collector feeders COL.A/B/C (mw, "
        "current_a)",
        ["metric", "substation", "grid", "power", "electrical"],
        "SELECT asset, quantity, value, ts FROM readings WHERE asset = :asset AND ts >= :from_ts "
        "AND (:to_ts = '' OR ts <= :to_ts) AND (:quantity = '' OR quantity = :quantity) ORDER BY quantity, ts",
        obj(
            {
                "asset": {"type": "string", "enum": ["SGT1", "GRID-132", "COL.A", "COL.B", "COL.C"]},
                "from_ts": {"type": "string", "description": "ISO timestamp, e.g. 2026-05-02T06:00:00Z"},
                "to_ts": {"type": "string", "default": "", "description": "ISO timestamp; empty: now"},
                "quantity": {
                    "type": "string",
                    "default": "",
                    "description": "one quantity, e.g. top_oil_c; empty: all",
                },
            },
            ["asset", "from_ts"],
        ),
    ),
    "alarm_log": (
        "SCADA alarm and event log raised in the last N minutes (kept 7 days), newest first: alarm id, asset "
        "(turbine, park controller HHM-PPC, substation breaker, SCADA server), code (EV nnnn), text, severity "
        "(stop, warning, info), raised, cleared (empty while active)",
        ["alarm", "event", "history", "state"],
        "SELECT alarm_id, asset, code, text, severity, raised, cleared FROM alarms "
        f"WHERE raised_epoch >= {_NOW} - :since_minutes * 60 AND (:asset = '' OR asset = upper(:asset)) "
        "AND (:severity = '' OR severity = :severity) ORDER BY raised_epoch DESC",
        obj(
            {
                "since_minutes": {"type": "integer", "minimum": 1, "maximum": 10080, "default": 1440},
                "asset": {"type": "string", "default": "", "description": "turbine or asset id; empty: all"},
                "severity": {"type": "string", "enum": ["", "stop", "warning", "info"], "default": ""},
            }
        ),
    ),
    "alarm_code": (
        "What one SCADA alarm code means (e.g. EV 3130 or 3130): text, category, severity, whether it may be reset "
        "automatically or remotely, and the first action",
        ["lookup", "alarm", "document"],
        "SELECT code, text, category, severity, auto_reset, action FROM alarm_codes "
        "WHERE replace(code, 'EV ', '') = replace(replace(upper(trim(:code)), 'EV', ''), ' ', '')",
        obj({"code": {"type": "string", "description": "alarm code, EV nnnn"}}, ["code"]),
    ),
    "turbine_stops": (
        "Turbine stops (downtime) starting between two UTC dates, newest first: turbine, start, end (empty while "
        "stopped), duration in minutes, category (fault, maintenance, weather), alarm code, reason, estimated lost "
        "energy (MWh)",
        ["history", "downtime", "availability", "ranking", "turbine"],
        "SELECT stop_id, turbine, start_ts, end_ts, duration_min, category, code, reason, lost_mwh FROM stops "
        "WHERE substr(start_ts, 1, 10) >= :from_date AND (:to_date = '' OR substr(start_ts, 1, 10) <= :to_date) "
        "AND (:turbine = '' OR turbine = upper(:turbine)) ORDER BY start_ts DESC",
        obj(
            {
                "from_date": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "YYYY-MM-DD; empty: today"},
                "turbine": _ANY_TURBINE,
            },
            ["from_date"],
        ),
    ),
    "cms_vibration": (
        "Condition monitoring system (CMS): daily RMS vibration (mm/s) per turbine and sensor over the last N "
        "days (at most 30): sensors Tnn/MB (main bearing), Tnn/GBX-HSS (gearbox high-speed shaft), Tnn/GEN-DE "
        "(generator drive end), with the alert level",
        ["metric", "condition", "vibration", "trend", "turbine"],
        "SELECT turbine, sensor, day, rms_mm_s, alert_mm_s FROM cms WHERE day > date('now', '-' || :days || ' days') "
        "AND (:turbine = '' OR turbine = upper(:turbine)) ORDER BY turbine, sensor, day",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "turbine": _ANY_TURBINE,
            }
        ),
    ),
    "daily_production": (
        "Energy produced per turbine and UTC day over the last N full days (at most 14, today not closed yet): "
        "energy (MWh), time-based availability (%), average wind speed (m/s)",
        ["metric", "production", "energy", "availability", "ranking"],
        "SELECT turbine, day, energy_mwh, availability_pct, avg_wind_ms FROM production "
        "WHERE day >= date('now', '-' || :days || ' days') AND (:turbine = '' OR turbine = upper(:turbine)) "
        "ORDER BY day, turbine",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
                "turbine": _ANY_TURBINE,
            }
        ),
    ),
    "work_orders": (
        "Maintenance work orders (MWO-yy-nnnn) starting after an ISO timestamp, newest first: title, turbine or "
        "asset, type (planned_maintenance, corrective, emergency, inspection, substation), status (scheduled, "
        "in_progress, completed), team, start, end, notes",
        ["history", "maintenance", "change", "work"],
        "SELECT wo, title, asset, type, status, team, start_ts, end_ts, notes FROM work_orders "
        "WHERE start_ts >= :start_after AND (:status = '' OR status = :status) ORDER BY start_ts DESC",
        obj(
            {
                "start_after": {"type": "string", "description": "ISO timestamp, e.g. 2026-05-02T06:00:00Z"},
                "status": {"type": "string", "enum": ["", "scheduled", "in_progress", "completed"], "default": ""},
            },
            ["start_after"],
        ),
    ),
    "change_log": (
        "Change records (CHG:yy:nnn) implemented in the last N days (at most 60), newest first: controller "
        "parameters, protection settings, SCADA and IT changes: title, scope, category, implemented by, when, "
        "rollback, notes",
        ["change", "config", "history"],
        "SELECT chg, title, scope, category, implemented_by, ts, rollback_plan, notes FROM changes "
        f"WHERE ts_epoch >= {_NOW} - :days * 86400 ORDER BY ts_epoch DESC",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 7}}),
    ),
    "permits_to_work": (
        "Permits to work (PTW/yy/nnnn) issued in the last N hours (at most 72), plus every live or planned "
        "permit: asset, work, work order, permit holder, issued, cancelled, status (planned, live, cancelled), "
        "isolations, notes at cancellation",
        ["safety", "permit", "maintenance", "state"],
        "SELECT ptw, asset, work, wo, holder, issued, cancelled, status, isolations, notes FROM permits "
        f"WHERE (issued_epoch >= {_NOW} - :hours * 3600 OR status != 'cancelled') "
        "AND (:live_only = 0 OR status = 'live') ORDER BY issued_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24},
                "live_only": {"type": "boolean", "default": False},
            }
        ),
    ),
    "crew_jobs": (
        "Site crew jobs (JOB#nnnn) updated in the last N days, newest first, matching words of the crew, turbine "
        "or notes: crew, turbine, kind, status (scheduled, travelling, on_site, completed), created, updated, notes",
        ["history", "field", "technician", "maintenance"],
        "SELECT job, crew, turbine, kind, status, created, updated, notes FROM jobs "
        f"WHERE updated_epoch >= {_NOW} - :days * 86400 AND instr(lower(crew || ' ' || turbine || ' ' || notes), "
        "lower(:text)) > 0 ORDER BY updated_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "text": {"type": "string", "default": "", "description": "words to match; empty: all"},
            }
        ),
    ),
    "oem_case": (
        "One OEM service case by its reference (e.g. CASE 2026-0113): turbine, subject, status, priority, OEM "
        "engineer, opened, updated, the OEM's latest response",
        ["lookup", "case", "oem", "incident"],
        "SELECT case_ref, turbine, subject, status, priority, oem_engineer, opened, updated, response FROM oem_cases "
        "WHERE replace(upper(case_ref), 'CASE ', '') = replace(replace(upper(trim(:case_ref)), 'CASE', ''), ' ', '')",
        obj({"case_ref": {"type": "string", "description": "CASE yyyy-nnnn"}}, ["case_ref"]),
    ),
    "grid_instructions": (
        "Grid operator instructions to the farm (bid-offer acceptances, BOA nnnnn) starting in the lookback "
        "(last_day, last_week, last_month): issued, start, end, export setpoint (MW), reason, status",
        ["grid", "curtailment", "history", "power"],
        "SELECT boa, issued, start_ts, end_ts, setpoint_mw, reason, status FROM instructions "
        f"WHERE start_epoch >= {_NOW} - CASE :lookback WHEN 'last_day' THEN 86400 WHEN 'last_week' THEN 604800 "
        "ELSE 2592000 END ORDER BY start_epoch DESC",
        obj(
            {
                "lookback": {
                    "type": "string",
                    "enum": ["last_day", "last_week", "last_month"],
                    "default": "last_week",
                }
            }
        ),
    ),
    "procedures_search": (
        "Free-text search of the site procedures (SOP-...), OEM technical instructions (TI yyyy/nnn), safety "
        "rules (HSE.x.y) and grid procedures (GRID.x.y)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
