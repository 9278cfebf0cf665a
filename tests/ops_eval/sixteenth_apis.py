"""The sixteenth estate's APIs (:mod:`tests.ops_eval.sixteenth_estate`): SQL over a regional rail infrastructure
manager's signalling maintenance and control store, as its route control, S&T maintenance and performance teams
would publish them. Windows differ from API to API on purpose: a ``window`` enum (last_30_min, last_2_hours,
last_12_hours, last_24_hours), ISO timestamps (``since_ts`` / ``until_ts`` and ``from_ts`` / ``to_ts``), an ISO
date (``since_date``), ``minutes``, ``hours``, ``hours_back`` / ``hours_ahead`` and ``days``; some APIs require an
interlocking, a point or a supply point; two look up one record by id (an FMS fault, a TRUST incident); one is a
free-text search of the maintenance specifications and fault response procedures."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_IXLS = ["IXL:HJ1", "IXL:HJ2", "IXL:CW1", "IXL:MF1", "IXL:WB1"]
_TIPLOCS = ["HRBRTWN", "HRBRJN", "CLDWCK", "MRSHFD", "WYVRNB", "TOLLGT"]
_IXL = {"type": "string", "enum": _IXLS, "description": "interlocking id, e.g. IXL:HJ2 (Harbour Junction)"}
_ANY_IXL = {"type": "string", "enum": ["", *_IXLS], "default": "", "description": "interlocking id; empty: all"}
_ANY_LOC = {"type": "string", "enum": ["", *_TIPLOCS], "default": "",
            "description": "location TIPLOC: HRBRTWN (Harbour Town), HRBRJN (Harbour Junction), CLDWCK (Caldwick), "
                           "MRSHFD (Marshfield), WYVRNB (Wyvern Bridge), TOLLGT (Tollgate); empty: all"}  # fmt: skip
_FSPS = ["FSP/HJ/01", "FSP/CW/01", "FSP/MF/01", "FSP/WB/01"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "route_locations": (
        "Route locations by TIPLOC code (Harbour Town, Harbour Junction, Caldwick, Marshfield, Wyvern Bridge, "
        "Tollgate): name, line, mileage (miles and chains), controlling interlocking, ROC signalling workstation",
        ["inventory", "location", "site", "route"],
        "SELECT tiploc, name, line, mileage, interlocking, workstation FROM locations ORDER BY rowid",
        obj({}),
    ),
    "interlockings": (
        "Signalling interlockings (IXL:...): type (SSI, CBI, relay), supplier, area controlled, current data "
        "level, ROC workstation, year commissioned, date of the last data change",
        ["inventory", "interlocking", "config", "software"],
        "SELECT ixl, type, supplier, area, data_level, workstation, commissioned, last_data_change "
        "FROM interlockings WHERE (:workstation = '' OR workstation = :workstation) ORDER BY ixl",
        obj({"workstation": {"type": "string", "enum": ["", "WS1", "WS2", "WS3"], "default": ""}}),
    ),
    "points_status": (
        "Points (switches) of one interlocking now: point id, machine type (HW2000, Clamplock, Style 63, HPSS), "
        "description, position (normal, reverse), detection, status (in_service, failed, clipped_out_of_use) and "
        "since when, last swing",
        ["state", "points", "interlocking", "asset"],
        "SELECT point, machine, description, position, detection, status, status_since, last_throw, location "
        "FROM points WHERE ixl = :ixl ORDER BY point",
        obj({"ixl": _IXL}, ["ixl"]),
    ),
    "points_swing_log": (
        "Remote condition monitoring (RCM) of one points machine: every swing in a window (last_30_min, "
        "last_2_hours, last_12_hours, last_24_hours) with direction (N>R, R>N), throw time (s; empty when the "
        "points did not detect), peak motor current (A) and result (ok, slow, no_detection)",
        ["metric", "points", "rcm", "condition"],
        "SELECT point, ts, direction, throw_s, peak_current_a, result FROM throws WHERE point = upper(:point) "
        f"AND ts_epoch >= {_NOW} - CASE :window WHEN 'last_30_min' THEN 1800 WHEN 'last_2_hours' THEN 7200 "
        "WHEN 'last_12_hours' THEN 43200 ELSE 86400 END ORDER BY ts",
        obj(
            {
                "point": {"type": "string", "pattern": "^[Pp]\\d{4}[ABab]?$", "description": "point id, e.g. P2131B"},
                "window": {
                    "type": "string",
                    "enum": ["last_30_min", "last_2_hours", "last_12_hours", "last_24_hours"],
                    "default": "last_2_hours",
                },
            },
            ["point"],
        ),
    ),
    "points_daily_health": (
        "Points swings summarised per point and UTC day over the last N days (at most 14, RCM keeps 14 days): "
        "swings, average and longest throw time (s), highest peak current (A), slow swings, detection failures",
        ["metric", "points", "rcm", "trend", "ranking"],
        "SELECT point, substr(ts, 1, 10) AS day, COUNT(*) AS swings, ROUND(AVG(throw_s), 2) AS avg_throw_s, "
        "MAX(throw_s) AS max_throw_s, MAX(peak_current_a) AS max_current_a, SUM(result = 'slow') AS slow_swings, "
        "SUM(result = 'no_detection') AS detection_failures FROM throws "
        "WHERE (:point = '' OR point = upper(:point)) AND substr(ts, 1, 10) > date('now', '-' || :days || ' days') "
        "GROUP BY point, day ORDER BY point, day",
        obj(
            {
                "point": {"type": "string", "default": "", "description": "point id, e.g. P0417B; empty: all"},
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
            }
        ),
    ),
    "track_sections": (
        "Track sections (track circuits TC-..., axle counter sections AX-...) now: interlocking, location, state "
        "(clear, occupied, failed) and since when, train describer headcode of the occupying train",
        ["state", "track", "train", "interlocking"],
        "SELECT section, ixl, kind, location, state, since, train FROM sections "
        "WHERE (:ixl = '' OR ixl = :ixl) ORDER BY section",
        obj({"ixl": _ANY_IXL}),
    ),
    "level_crossings": (
        "Level crossings (LX...): name, type (MCB-CCTV, MCB-OD, AHB, AOCL+B, UWC-MWL), location, status "
        "(normal, degraded, failed), remarks, date last inspected",
        ["inventory", "state", "crossing", "asset"],
        "SELECT lx, name, type, location, status, remarks, last_inspected FROM crossings "
        "WHERE (:location = '' OR location = :location) ORDER BY lx",
        obj({"location": _ANY_LOC}),
    ),
    "ixl_events": (
        "Interlocking and technician's terminal event log between two ISO timestamps, newest first: event id, "
        "interlocking, object (points, signal, track section, crossing, supply), event, severity (alarm, warning, "
        "info), raised, cleared (empty while active)",
        ["alarm", "event", "history", "interlocking", "state"],
        "SELECT event_id, ixl, object, event, severity, raised, cleared FROM ixl_events WHERE raised >= :since_ts "
        "AND (:until_ts = '' OR raised < :until_ts) AND (:ixl = '' OR ixl = :ixl) "
        "AND (:severity = '' OR severity = :severity) ORDER BY raised DESC",
        obj(
            {
                "since_ts": {"type": "string", "description": "ISO timestamp, e.g. 2026-04-02T06:00:00Z"},
                "until_ts": {"type": "string", "default": "", "description": "ISO timestamp; empty: now"},
                "ixl": _ANY_IXL,
                "severity": {"type": "string", "enum": ["", "alarm", "warning", "info"], "default": ""},
            },
            ["since_ts"],
        ),
    ),
    "fms_faults": (
        "Fault management system (FMS) faults reported on or after a UTC date, newest first: fault ref "
        "(FMS/yy/nnnnn), asset, location, symptom, priority (P1-P4), status (open: not attended yet, attended: "
        "technician on it, cleared), reported, cleared, TRUST delay incident",
        ["history", "fault", "incident", "asset"],
        "SELECT fault_ref, asset, location, symptom, priority, status, reported, cleared, trust_ref FROM faults "
        "WHERE substr(reported, 1, 10) >= :since_date AND (:status = '' OR status = :status) "
        "ORDER BY reported DESC",
        obj(
            {
                "since_date": {
                    "type": "string",
                    "pattern": "^\\d{4}-\\d{2}-\\d{2}$",
                    "description": "first day, YYYY-MM-DD (UTC)",
                },
                "status": {"type": "string", "enum": ["", "open", "attended", "cleared"], "default": ""},
            },
            ["since_date"],
        ),
    ),
    "fms_fault": (
        "One FMS fault by its reference (e.g. FMS/26/04417): asset, location, symptom, priority, status, "
        "reported, cleared, and its TRUST delay incident with cause code and delay so far",
        ["fault", "lookup", "incident", "delay"],
        "SELECT f.fault_ref, f.asset, f.location, f.symptom, f.priority, f.status, f.reported, f.cleared, "
        "f.trust_ref, t.cause_code, t.total_delay_mins, t.trains_delayed, t.cancellations FROM faults f "
        "LEFT JOIN trust_incidents t ON t.trust_ref = f.trust_ref "
        "WHERE upper(replace(f.fault_ref, ' ', '')) = upper(replace(:ref, ' ', ''))",
        obj({"ref": {"type": "string", "description": "FMS fault reference, FMS/yy/nnnnn"}}, ["ref"]),
    ),
    "trust_incident": (
        "One TRUST delay incident by its 6-digit number: cause code (IA signal, IB points, IC track circuit or "
        "axle counter, I7 possession overrun, XA trespass), FMS fault, location, description, opened, closed, "
        "total delay minutes, trains delayed, cancellations",
        ["delay", "lookup", "incident", "performance"],
        "SELECT trust_ref, cause_code, fault_ref, location, description, opened, closed, total_delay_mins, "
        "trains_delayed, cancellations FROM trust_incidents WHERE trust_ref = trim(:trust_ref)",
        obj({"trust_ref": {"type": "string", "description": "TRUST incident number, 6 digits"}}, ["trust_ref"]),
    ),
    "train_delays": (
        "Delay attributed per train in the last N minutes (kept 72 hours), newest first: headcode, TRUST "
        "incident, location (TIPLOC) where the delay was incurred, delay minutes, cancelled (1/0), reason",
        ["metric", "delay", "train", "performance", "ranking"],
        "SELECT headcode, trust_ref, location, delay_mins, cancelled, reason, ts FROM delays "
        f"WHERE ts_epoch >= {_NOW} - :minutes * 60 AND (:location = '' OR location = :location) "
        "ORDER BY ts DESC",
        obj(
            {
                "minutes": {"type": "integer", "minimum": 1, "maximum": 4320, "default": 1440},
                "location": _ANY_LOC,
            }
        ),
    ),
    "work_orders": (
        "Work orders (WO-yyyy-nnnnn) starting between two ISO timestamps: title, asset, location, type "
        "(planned_maintenance, renewal, data_change, corrective, emergency, track), status (scheduled, "
        "in_progress, completed), team, start, end, notes",
        ["history", "change", "maintenance", "config"],
        "SELECT wo, title, asset, location, type, status, team, start_ts, end_ts, notes FROM work_orders "
        "WHERE start_ts >= :from_ts AND (:to_ts = '' OR start_ts < :to_ts) "
        "AND (:location = '' OR location = :location) ORDER BY start_ts DESC",
        obj(
            {
                "from_ts": {"type": "string", "description": "ISO timestamp, e.g. 2026-04-02T06:00:00Z"},
                "to_ts": {"type": "string", "default": "", "description": "ISO timestamp; empty: no upper bound"},
                "location": _ANY_LOC,
            },
            ["from_ts"],
        ),
    ),
    "possessions": (
        "Engineering possessions (PSN yy/nnn) starting from N hours ago to N hours ahead: lines, limits, start, "
        "planned end, given up (actual hand-back), status (planned, taken, given_up), works, person in charge",
        ["history", "possession", "maintenance", "planned"],
        "SELECT psn, lines, limits, start_ts, planned_end, given_up, status, works, person_in_charge "
        f"FROM possessions WHERE start_epoch >= {_NOW} - :hours_back * 3600 "
        f"AND start_epoch <= {_NOW} + :hours_ahead * 3600 ORDER BY start_epoch",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 0, "maximum": 168, "default": 24},
                "hours_ahead": {"type": "integer", "minimum": 0, "maximum": 168, "default": 24},
            }
        ),
    ),
    "fsp_readings": (
        "650 V functional supply point (FSP/..) readings hourly over the last N hours (at most 7 days), narrow "
        "rows (fsp, quantity, value, ts): voltage_v, load_a (amps), insulation_mohm (earth insulation)",
        ["metric", "power", "supply", "electrical"],
        "SELECT fsp, quantity, value, ts FROM fsp_readings WHERE fsp = upper(:fsp) "
        f"AND (:quantity = '' OR quantity = :quantity) AND ts_epoch >= {_NOW} - :hours * 3600 "
        "ORDER BY quantity, ts_epoch",
        obj(
            {
                "fsp": {
                    "type": "string",
                    "enum": _FSPS,
                    "description": "FSP/HJ/01 Harbour Junction, FSP/CW/01 Caldwick, FSP/MF/01 Marshfield, "
                    "FSP/WB/01 Wyvern Bridge",
                },
                "quantity": {"type": "string", "enum": ["", "voltage_v", "load_a", "insulation_mohm"], "default": ""},
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
            },
            ["fsp"],
        ),
    ),
    "field_visits": (
        "S&T technician field visits (FV-nnnnn) updated in the last N days, newest first: technician, location, "
        "asset, kind (fault, planned, corrective), status (scheduled, travelling, on_site, awaiting_parts, "
        "completed), created, last update, notes",
        ["history", "field", "technician", "maintenance"],
        "SELECT v.visit, v.technician, v.location, l.name AS location_name, v.asset, v.kind, v.status, v.created, "
        "v.updated, v.notes FROM visits v LEFT JOIN locations l ON l.tiploc = v.location "
        f"WHERE v.updated_epoch >= {_NOW} - :days * 86400 AND instr(lower(v.technician || ' ' || v.location || ' ' "
        "|| coalesce(l.name, '') || ' ' || v.asset), lower(:text)) > 0 ORDER BY v.updated_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "text": {"type": "string", "default": "", "description": "technician, location or asset words"},
            }
        ),
    ),
    "kb_search": (
        "Free-text search of the signalling maintenance specifications (SIG-MS-...) and fault response "
        "procedures (FRP/..): points, track circuits, power supplies, level crossings",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
