"""The twenty-fourth estate's APIs (:mod:`tests.ops_eval.twentyfourth_estate`): SQL over a ski resort's lift operations
store (lifts and their lift controls, gate-scanner queues, faults, daily checks, pistes, slope events), as its lift
control centre (LCC), lift technical team, piste and race office and guest services would publish them. Windows differ
from API to API on purpose: ``lookback_minutes`` (at most 2880), RFC 3339 timestamps (``since`` / ``until``; the
required one with format date-time), ISO dates (``from_date`` / ``to_date``; the required one with format date), a
named ``created_within`` enum (8h, 1d, 7d, 30d), ``minutes``, ``hours`` and ``days``; two APIs require a lift (its
telemetry, its daily checks); two look up one record by key (a fault code, a supplier ticket) and one finds slope
events by piste; two search free text (the LCC log, procedures); one is narrow (lift, measure, value, ts) and one
(top-station wind) overlaps it."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_LIFTS = ["TALBAHN-G10", "ALM-T2", "BODEN-T2", "GRAT-C6", "SONNJOCH-C6", "PANORAMA-C8", "FELSEN-C2", "KAR-C4",
          "GLETSCHER-C6", "MULDE-T2", "HORN-C4"]  # fmt: skip
_PISTES = [f"P{n:02d}" for n in range(1, 14)]
_CATEGORIES = ["", "lift_control", "lift_config", "electrical", "mechanical", "radio", "access_gates", "lcc_software"]
_WITHIN = {"8h": 28800, "1d": 86400, "7d": 604800, "30d": 2592000}
_WITHIN_SQL = (
    "CASE :created_within " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _WITHIN.items()) + " ELSE 604800 END"
)

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "resort_zones": (
        "Zones of the Aurenfels ski area by code (AUR-Z1 Talboden, the valley; AUR-Z2 Gratkamm, the ridge; AUR-Z3 "
        "Gletscher, the glacier; AUR-LCC the lift control centre; AUR-WKS the lift workshop): name, lifts in it, what "
        "is there, owning crew",
        ["inventory", "zone", "area", "location"],
        "SELECT code, name, lifts, description, owner FROM zones ORDER BY code",
        obj({}),
    ),
    "lift_register": (
        "Lift register: every lift (TALBAHN-G10, GRAT-C6, KAR-C4, MULDE-T2, ...: the lift's name, a dash, G gondola, "
        "C chairlift or T T-bar and the seats per carrier): name, zone, type (gondola, detachable chairlift, "
        "fixed-grip chairlift, T-bar), seats, capacity (persons per hour), length and vertical rise (m), lift control "
        "make and model, year built",
        ["inventory", "lift", "chairlift", "asset", "control"],
        "SELECT lift, name, zone, type, seats, capacity_pph, length_m, vertical_m, control, built FROM lifts "
        "WHERE (:zone = '' OR instr(upper(zone), upper(trim(:zone))) > 0) "
        "AND (:type = '' OR type = :type) ORDER BY zone, lift",
        obj(
            {
                "zone": {"type": "string", "default": "", "description": "zone code or part of it, e.g. AUR-Z2"},
                "type": {
                    "type": "string",
                    "enum": ["", "gondola", "detachable chairlift", "fixed-grip chairlift", "T-bar"],
                    "default": "",
                },
            }
        ),
    ),
    "lift_status": (
        "Every lift now, as the lift control centre (LCC) sees it: state (running, degraded, down, closed) and since "
        "when, operating mode (full_speed, reduced_speed, stopped, off), the speed set by the operator (m/s), active "
        "fault code, lift control software version",
        ["state", "status", "software", "lift", "mode"],
        "SELECT lift, zone, state, since, mode, speed_set_ms, active_fault, control_software FROM status "
        "WHERE (:zone = '' OR instr(upper(zone), upper(trim(:zone))) > 0) ORDER BY zone, lift",
        obj({"zone": {"type": "string", "default": "", "description": "zone code or part of it; empty: all"}}),
    ),
    "lift_queues": (
        "Queues at each lift's bottom station from the access gate scanners, per 15-minute bucket over the last N "
        "minutes (at most 2880; kept 7 days): riders scanned, average and longest wait (minutes), lift stops in the "
        "bucket; waits are empty while the lift is closed",
        ["metric", "queue", "wait", "riders", "trend", "ranking"],
        "SELECT lift, bucket_start, riders, avg_wait_min, max_wait_min, stops FROM queues "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 "
        "AND (:lift = '' OR lift = upper(trim(:lift))) ORDER BY lift, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180},
                "lift": {
                    "type": "string",
                    "enum": ["", *_LIFTS],
                    "default": "",
                    "description": "lift, e.g. GRAT-C6; empty: all",
                },
            }
        ),
    ),
    "lift_telemetry": (
        "One lift's drive telemetry, a sample every 10 minutes over the last N hours (at most 48; none while its "
        "control restarts or the lift is closed), narrow rows (lift, measure, value, ts): rope_speed_ms (average haul "
        "rope speed over the 10 minutes, stops included, m/s), wind_kmh (10-minute mean wind at the top station, "
        "km/h), motor_kw (main drive power, kW), gearbox_oil_c (gearbox oil temperature, C)",
        ["metric", "lift", "speed", "telemetry", "trend", "drive"],
        "SELECT lift, measure, value, ts FROM telemetry WHERE lift = upper(trim(:lift)) "
        f"AND ts_epoch > {_NOW} - :hours * 3600 AND (:measure = '' OR measure = :measure) ORDER BY measure, ts_epoch",
        obj(
            {
                "lift": {"type": "string", "enum": _LIFTS, "description": "lift, e.g. GRAT-C6"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "measure": {
                    "type": "string",
                    "enum": ["", "rope_speed_ms", "wind_kmh", "motor_kw", "gearbox_oil_c"],
                    "default": "",
                },
            },
            ["lift"],
        ),
    ),
    "top_station_wind": (
        "Wind at every lift's top station over the last N minutes (at most 2880), one row per lift: latest reading, "
        "highest and average (km/h), from the lift controls' anemometers",
        ["metric", "wind", "weather", "lift"],
        "SELECT lift, max(value) AS max_kmh, round(avg(value), 1) AS avg_kmh, "
        "(SELECT t2.value FROM telemetry t2 WHERE t2.lift = t.lift AND t2.measure = 'wind_kmh' "
        "ORDER BY t2.ts_epoch DESC LIMIT 1) AS latest_kmh, max(ts) AS latest_ts FROM telemetry t "
        f"WHERE measure = 'wind_kmh' AND ts_epoch > {_NOW} - :minutes * 60 GROUP BY lift ORDER BY max_kmh DESC",
        obj({"minutes": {"type": "integer", "minimum": 10, "maximum": 2880, "default": 60}}),
    ),
    "lift_faults": (
        "Lift control fault log between two RFC 3339 timestamps (kept 7 days), newest first: fault id, unit (a lift "
        "such as GRAT-C6, or equipment such as LCC:RPT-1, Z1:GATE-SRV, Z2:UPS-1), detail (a tower, a reading, a "
        "part), fault code (WND-510, WND-511, SAFE-410, TEN-260, DRV-112, PWR-801, ...), text, severity (critical, "
        "major, minor, info), raised, cleared (empty while active)",
        ["alarm", "fault", "event", "history", "logs"],
        "SELECT fault_id, unit, detail, code, text, severity, raised, cleared FROM faults "
        "WHERE julianday(raised) >= julianday(:since) AND (:until = '' OR julianday(raised) < julianday(:until)) "
        "AND (:unit = '' OR instr(upper(unit), upper(trim(:unit))) > 0) AND (:severity = '' OR severity = :severity) "
        "ORDER BY raised_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "until": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
                "unit": {"type": "string", "default": "", "description": "unit or part of it, e.g. KAR-C4, Z2"},
                "severity": {"type": "string", "enum": ["", "critical", "major", "minor", "info"], "default": ""},
            },
            ["since"],
        ),
    ),
    "fault_code": (
        "What one lift control fault code means (e.g. WND-511, SAFE-410, TEN-260, DRV-112): text, equipment, "
        "severity, meaning and the first action",
        ["lookup", "fault", "alarm", "document"],
        "SELECT code, equipment, text, severity, meaning, action FROM fault_codes WHERE code = upper(trim(:code))",
        obj({"code": {"type": "string", "description": "fault code, e.g. WND-511"}}, ["code"]),
    ),
    "daily_checks": (
        "One lift's daily pre-opening check over the last N days (at most 120; none while the lift is closed): "
        "tension carriage position (% of its travel; warning from 80, fail from 92: the haul rope has stretched), "
        "service brake stopping distance (m), result (pass, warn, fail)",
        ["metric", "rope", "tension", "condition", "trend", "inspection"],
        "SELECT lift, checked_at, carriage_pct, brake_stop_m, result FROM checks WHERE lift = upper(trim(:lift)) "
        f"AND checked_epoch >= {_NOW} - :days * 86400 ORDER BY checked_epoch",
        obj(
            {
                "lift": {"type": "string", "enum": _LIFTS, "description": "lift, e.g. PANORAMA-C8"},
                "days": {"type": "integer", "minimum": 1, "maximum": 120, "default": 14},
            },
            ["lift"],
        ),
    ),
    "piste_daily": (
        "Piste figures per whole UTC day over the last N days (at most 31; complete days, yesterday back): piste "
        "(P01 .. P13) and name, zone, difficulty, lifts serving it, lift hours, hours open to the public, open (% of "
        "the lift hours), groomed overnight, snow depth (cm), ski patrol callouts",
        ["metric", "piste", "slope", "ranking", "snow"],
        "SELECT day, piste, name, zone, difficulty, lifts, lift_hours, open_hours, open_pct, groomed, snow_depth_cm, "
        f"patrol_callouts FROM pistes WHERE day_end_epoch > {_NOW} - :days * 86400 "
        "AND (:piste = '' OR piste = upper(trim(:piste))) ORDER BY day DESC, piste",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 31, "default": 7},
                "piste": {"type": "string", "enum": ["", *_PISTES], "default": ""},
            }
        ),
    ),
    "slope_events": (
        "Slope events (EVT-yy-nn: races, training, snowpark builds, ski tests, evening events) running on days "
        "between two dates, optionally on one piste (its number or name, or part of it): organiser, kind, lifts, "
        "arrangements (closures, reserved lifts), start and end dates, status (planned, in_progress, completed), "
        "coordinator",
        ["event", "race", "schedule", "lookup", "piste"],
        "SELECT event, piste, organiser, kind, lifts, arrangements, start_date, end_date, status, coordinator "
        "FROM events WHERE start_date <= (CASE :to_date WHEN '' THEN '9999-12-31' ELSE :to_date END) "
        "AND end_date >= :from_date AND (:piste = '' OR instr(lower(piste), lower(trim(:piste))) > 0) "
        "ORDER BY start_date DESC",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: no end"},
                "piste": {"type": "string", "default": "", "description": "piste or part of its name, e.g. Mulde"},
            },
            ["from_date"],
        ),
    ),
    "guest_feedback": (
        "Guest and partner feedback (GF-nnnnn) from the ski school, partner hotels, tour operators, season pass "
        "holders and the mountain rescue opened in the last N hours (at most 168), newest first: sender, kind of "
        "sender, reference (a lift, an event), subject, priority (P1-P4), status (open, acknowledged, closed), handler",
        ["history", "complaint", "feedback", "customer", "guest"],
        "SELECT ticket, opened, sender, sender_kind, reference, subject, priority, status, handler FROM feedback "
        f"WHERE opened_epoch >= {_NOW} - :hours * 3600 AND (:status = '' OR status = :status) "
        "ORDER BY opened_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "status": {"type": "string", "enum": ["", "open", "acknowledged", "closed"], "default": ""},
            }
        ),
    ),
    "job_cards": (
        "Lift workshop job cards (JC-yy-nnnn) created within a period (8h, 1d, 7d, 30d), newest first: lifts, type "
        "(corrective, planned, project, inspection), status (open, in_progress, awaiting_parts, scheduled, "
        "completed), engineer, created, planned for, completed, title, notes",
        ["history", "maintenance", "work", "repair"],
        "SELECT jc, lifts, type, status, engineer, created, planned_for, completed, title, notes FROM job_cards "
        f"WHERE created_epoch >= {_NOW} - {_WITHIN_SQL} AND (:status = '' OR status = :status) "
        "ORDER BY created_epoch DESC",
        obj(
            {
                "created_within": {"type": "string", "enum": list(_WITHIN), "default": "7d"},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "in_progress", "awaiting_parts", "scheduled", "completed"],
                    "default": "",
                },
            }
        ),
    ),
    "moc_records": (
        "Management of change (MOC-yy-nnn) records for the lifts and the LCC raised or implemented in the last N "
        "days (at most 30), newest first: title, units, category (lift_control, lift_config, electrical, mechanical, "
        "radio, access_gates, lcc_software), state (approved, implemented, backed_out), requested by, implemented by, "
        "approver, planned start, implemented, backout plan, notes",
        ["change", "config", "history", "deploy", "software"],
        "SELECT moc, title, units, category, state, requested_by, implemented_by, approver, planned_start, "
        f"implemented, backout, notes FROM changes WHERE (raised_epoch >= {_NOW} - :days * 86400 OR "
        f"implemented_epoch >= {_NOW} - :days * 86400) AND (:category = '' OR category = :category) "
        "ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "category": {"type": "string", "enum": _CATEGORIES, "default": ""},
            }
        ),
    ),
    "lcc_log": (
        "Lift control centre (LCC) log entries (LCL-yy-nnnn) written in the last N hours (at most 72), newest first, "
        "matching words of the author or the entry: time, author, role, entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM lcc_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "contains": {"type": "string", "default": "", "description": "words to match; empty: all"},
            }
        ),
    ),
    "supplier_ticket": (
        "One supplier's support ticket by its reference (Steigtec lifts and lift controls STG-CS-nnnnn, Linetek "
        "safety lines LT nnnn-nn, Kronfeld Ropes KRN/yyyy/nnn): supplier, lifts, subject, status, priority, "
        "supplier's engineer, opened, updated, the supplier's latest response",
        ["lookup", "ticket", "vendor", "case"],
        "SELECT ref, supplier, lifts, subject, status, priority, engineer, opened, updated, latest "
        "FROM supplier_tickets WHERE replace(replace(replace(replace(upper(ref), '-', ''), '#', ''), '/', ''), ' ', "
        "'') = replace(replace(replace(replace(upper(trim(:ref)), '-', ''), '#', ''), '/', ''), ' ', '')",
        obj({"ref": {"type": "string", "description": "ticket reference, e.g. STG-CS-40518"}}, ["ref"]),
    ),
    "procedures_search": (
        "Free-text search of the lift operating procedures (LOP-nnn), LCC standard operating procedures "
        "(LCC-SOP-nn), evacuation plans (EVP-nn) and suppliers' manuals (OEM ...)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
