"""The twenty-second estate's APIs (:mod:`tests.ops_eval.twentysecond_estate`): SQL over a city's urban traffic control
(UTC) store (signal controllers, detector loops, corridor journey times, buses, street works), as its traffic
management centre (TMC), signals engineering, network management and maintenance contractor would publish them.
Windows differ from API to API on purpose: ``lookback_minutes`` (at most 2880), RFC 3339 timestamps (``since`` /
``until``; the required one with format date-time), ISO dates (``from_date`` / ``to_date``; the required one with
format date), a named ``created_within`` enum (6h, 1d, 7d, 30d), ``hours`` and ``days``; two APIs require a junction
(its telemetry, its loop tests); two look up one record by key (a fault code, a vendor ticket) and one finds street
works by street; two search free text (the TMC log, procedures); one is narrow (junction, measure, value, ts)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_JUNCTIONS = ["J011", "J012", "J041", "J042", "J043", "J044", "J051", "J052", "J053", "J054", "J061", "J062", "J063",
              "J064", "J071", "J072", "J073", "J081", "J082", "J083", "J117", "J118"]  # fmt: skip
_ROUTES = [f"COR:{c}/{d}" for c in ("QUEENSWAY", "RIVERSIDE", "A61-NORTH", "MILL-RD", "HARBOUR") for d in ("IN", "OUT")]
_BUS_ROUTES = ["R07", "R12", "R21", "R33", "X05"]
_CATEGORIES = ["", "controller_firmware", "controller_config", "timing_plan", "detection", "comms", "hardware",
               "utc_software"]  # fmt: skip
_WITHIN = {"6h": 21600, "1d": 86400, "7d": 604800, "30d": 2592000}
_WITHIN_SQL = (
    "CASE :created_within " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _WITHIN.items()) + " ELSE 604800 END"
)

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "network_areas": (
        "Areas of Dunsford's traffic signal network by code (DSF/CENTRAL city centre with COR:QUEENSWAY, DSF/NORTH "
        "with COR:A61-NORTH and Ring Rd North, DSF/EAST with COR:MILL-RD, DSF/SOUTH with COR:RIVERSIDE and "
        "COR:HARBOUR, DSF/TMC traffic management centre, DSF/DEPOT signals maintenance depot): name, signals in it, "
        "what is in it, owning team",
        ["inventory", "area", "zone", "corridor"],
        "SELECT code, name, signals, description, owner FROM areas ORDER BY code",
        obj({}),
    ),
    "signal_register": (
        "Traffic signal register: every signalised junction (J011 .. J118, three digits) and stand-alone pedestrian "
        "crossing (PX 01 .. PX 06): name (the roads), kind, area, corridor (COR:QUEENSWAY, COR:RIVERSIDE, "
        "COR:A61-NORTH, COR:MILL-RD, COR:HARBOUR; empty when on none), controller make and model, detector loops "
        "(J041:D1 ..), UTC link, year installed",
        ["inventory", "junction", "crossing", "controller", "asset"],
        "SELECT unit, name, kind, area, corridor, controller, loops, utc_link, installed FROM signals "
        "WHERE (:kind = '' OR kind = :kind) AND (:corridor = '' OR instr(upper(corridor), upper(trim(:corridor))) > 0) "
        "AND (:area = '' OR instr(upper(area), upper(trim(:area))) > 0) ORDER BY kind, unit",
        obj(
            {
                "kind": {"type": "string", "enum": ["", "junction", "crossing"], "default": ""},
                "corridor": {"type": "string", "default": "", "description": "corridor or part of it, e.g. QUEENSWAY"},
                "area": {"type": "string", "default": "", "description": "area code or part of it, e.g. DSF/NORTH"},
            }
        ),
    ),
    "controller_status": (
        "Every junction and crossing controller now, as the UTC system at the TMC sees it: state (normal, degraded, "
        "off, comms_lost) and since when, mode (ADAPTIVE under UTC, VA vehicle actuated, FIXED fixed-time plan, "
        "MANUAL, OFF), the plan running, detector loops flagged faulty, active fault code, controller firmware, UTC "
        "link",
        ["state", "status", "firmware", "controller", "mode"],
        "SELECT unit, kind, state, since, mode, plan, loops_faulty, active_fault, firmware, utc_link FROM status "
        "WHERE (:kind = '' OR kind = :kind) ORDER BY kind, unit",
        obj({"kind": {"type": "string", "enum": ["", "junction", "crossing"], "default": ""}}),
    ),
    "journey_times": (
        "Corridor journey times from the ANPR cameras per route (corridor and direction, COR:QUEENSWAY/IN is inbound "
        "to the city centre) and 15-minute bucket over the last N minutes (at most 2880; kept 7 days): vehicles "
        "matched, average and 85th percentile journey time (seconds, end to end)",
        ["metric", "journey time", "traffic", "trend", "ranking", "congestion"],
        "SELECT route, bucket_start, vehicles, avg_journey_s, p85_journey_s FROM journey_times "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 AND (:route = '' OR route = upper(trim(:route))) "
        "ORDER BY route, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180},
                "route": {
                    "type": "string",
                    "enum": ["", *_ROUTES],
                    "default": "",
                    "description": "corridor and direction, e.g. COR:QUEENSWAY/IN; empty: all",
                },
            }
        ),
    ),
    "junction_telemetry": (
        "One junction's controller telemetry through the UTC link, a sample every 10 minutes over the last N hours "
        "(at most 72; none while the link is lost), narrow rows (junction, measure, value, ts): queue_m (longest "
        "approach queue, metres), cycle_s (cycle time, seconds), loops_faulty (detector loops flagged faulty), "
        "ped_wait_s (average pedestrian wait, seconds)",
        ["metric", "junction", "queue", "telemetry", "trend"],
        "SELECT junction, measure, value, ts FROM telemetry WHERE junction = upper(trim(:junction)) "
        f"AND ts_epoch > {_NOW} - :hours * 3600 AND (:measure = '' OR measure = :measure) ORDER BY measure, ts_epoch",
        obj(
            {
                "junction": {
                    "type": "string",
                    "enum": _JUNCTIONS,
                    "description": "junction J011 .. J118 (not the PX crossings)",
                },
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 6},
                "measure": {
                    "type": "string",
                    "enum": ["", "queue_m", "cycle_s", "loops_faulty", "ped_wait_s"],
                    "default": "",
                },
            },
            ["junction"],
        ),
    ),
    "fault_log": (
        "Controller fault log from the UTC system between two RFC 3339 timestamps (kept 7 days), newest first: fault "
        "id, unit (a junction such as J042, a crossing such as PX 03), detail (a loop such as J042:D3), fault code "
        "(DET-FLT, FALLBACK, COMMS-LOST, LAMP-RED, MAINS-FAIL, LOOP-IR-LO, ...), text, severity (critical, major, "
        "minor, info), raised, cleared (empty while active)",
        ["alarm", "fault", "event", "history", "logs"],
        "SELECT fault_id, unit, detail, code, text, severity, raised, cleared FROM faults "
        "WHERE julianday(raised) >= julianday(:since) AND (:until = '' OR julianday(raised) < julianday(:until)) "
        "AND (:unit = '' OR instr(upper(unit), upper(trim(:unit))) > 0) AND (:severity = '' OR severity = :severity) "
        "ORDER BY raised_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "until": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
                "unit": {"type": "string", "default": "", "description": "unit or part of it, e.g. J042, PX 03"},
                "severity": {"type": "string", "enum": ["", "critical", "major", "minor", "info"], "default": ""},
            },
            ["since"],
        ),
    ),
    "fault_code": (
        "What one signal controller fault code means (e.g. DET-FLT, FALLBACK, COMMS-LOST, LAMP-RED, LOOP-IR-LO): "
        "text, equipment, severity, meaning and the first action",
        ["lookup", "fault", "alarm", "document"],
        "SELECT code, equipment, text, severity, meaning, action FROM fault_codes WHERE code = upper(trim(:code))",
        obj({"code": {"type": "string", "description": "fault code, e.g. DET-FLT"}}, ["code"]),
    ),
    "loop_tests": (
        "Detector loop health of one junction, one automatic test a day per loop over the last N days (at most 90): "
        "loop (J117:D2), insulation resistance (megohm; warning below 10, fail below 1), inductance (microhenry), "
        "result (pass, warn, fail)",
        ["metric", "loop", "detector", "condition", "trend"],
        "SELECT loop, tested_at, insulation_mohm, inductance_uh, result FROM loop_tests "
        "WHERE junction = upper(trim(:junction)) "
        "AND (:loop = '' OR loop = upper(trim(:junction)) || ':' || upper(trim(:loop))) "
        f"AND tested_epoch >= {_NOW} - :days * 86400 ORDER BY loop, tested_epoch",
        obj(
            {
                "junction": {"type": "string", "enum": _JUNCTIONS, "description": "junction, e.g. J117"},
                "loop": {"type": "string", "enum": ["", "D1", "D2", "D3", "D4"], "default": ""},
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 14},
            },
            ["junction"],
        ),
    ),
    "bus_punctuality": (
        "Dunsford Citylink bus punctuality per route and whole UTC day over the last N days (at most 30; complete "
        "days, yesterday back): route (R07, R12, R21, R33, X05), corridors it runs on, trips run, on time (% within "
        "1 minute early to 5 minutes late), average delay (minutes), trips lost",
        ["metric", "bus", "punctuality", "ranking"],
        "SELECT day, route, corridors, trips, on_time_pct, avg_delay_min, lost_trips FROM bus "
        f"WHERE day_end_epoch > {_NOW} - :days * 86400 AND (:route = '' OR route = upper(trim(:route))) "
        "ORDER BY day DESC, route",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "route": {"type": "string", "enum": ["", *_BUS_ROUTES], "default": ""},
            }
        ),
    ),
    "street_works": (
        "Street works permits (SW26/nnnn) whose works fall on days between two dates, optionally on one street (or "
        "part of its name): street, junctions near it, promoter (the utility or contractor), works, traffic "
        "management, start and end dates, status (planned, in_progress, completed), coordinator",
        ["roadworks", "permit", "street", "lookup", "schedule"],
        "SELECT permit, street, near, promoter, works, traffic_management, start_date, end_date, status, coordinator "
        "FROM works WHERE start_date <= (CASE :to_date WHEN '' THEN '9999-12-31' ELSE :to_date END) "
        "AND end_date >= :from_date AND (:street = '' OR instr(lower(street), lower(trim(:street))) > 0) "
        "ORDER BY start_date DESC",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: no end"},
                "street": {"type": "string", "default": "", "description": "street name or part of it"},
            },
            ["from_date"],
        ),
    ),
    "public_reports": (
        "Reports about the signals (FMS-nnnnnn) from the public, bus operators, the police, councillors and "
        "businesses opened in the last N hours (at most 168), newest first: reporter, reporter type, location (street "
        "and unit), subject, priority (P1-P4), status (open, acknowledged, closed), handler",
        ["history", "complaint", "report", "customer"],
        "SELECT report, opened, reporter, reporter_type, location, subject, priority, status, handler FROM reports "
        f"WHERE opened_epoch >= {_NOW} - :hours * 3600 AND (:status = '' OR status = :status) "
        "ORDER BY opened_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "status": {"type": "string", "enum": ["", "open", "acknowledged", "closed"], "default": ""},
            }
        ),
    ),
    "work_orders": (
        "Signals maintenance work orders (WO 26-nnnn) created within a period (6h, 1d, 7d, 30d), newest first: "
        "units, type (corrective, planned, project, inspection), status (open, in_progress, awaiting_parts, "
        "scheduled, completed), technician, created, planned for, completed, title, notes",
        ["history", "maintenance", "work", "repair"],
        "SELECT wo, units, type, status, technician, created, planned_for, completed, title, notes FROM work_orders "
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
    "change_requests": (
        "Traffic signal change requests (TCR.yy.nnn) raised or implemented in the last N days (at most 30), newest "
        "first: title, units, category (controller_firmware, controller_config, timing_plan, detection, comms, "
        "hardware, utc_software), state (approved, implemented, backed_out), requested by, implemented by, approver, "
        "planned start, implemented, backout plan, notes",
        ["change", "config", "history", "deploy", "timing"],
        "SELECT tcr, title, units, category, state, requested_by, implemented_by, approver, planned_start, "
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
    "tmc_log": (
        "Traffic management centre (TMC) log entries (TMC-yy-nnnn) written in the last N hours (at most 48), newest "
        "first, matching words of the author or the entry: time, author, role, entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM tmc_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": "", "description": "words to match; empty: all"},
            }
        ),
    ),
    "vendor_ticket": (
        "One supplier's support ticket by its reference (Sentra Signals controllers SEN-INC-nnnnn, Civicnet comms "
        "CVN nnnn-nn, Loopwise detection LW/yyyy/nnnn): supplier, units, subject, status, priority, supplier's "
        "engineer, opened, updated, the supplier's latest response",
        ["lookup", "ticket", "vendor", "case"],
        "SELECT ref, supplier, units, subject, status, priority, engineer, opened, updated, latest FROM vendor_tickets "
        "WHERE replace(replace(replace(replace(upper(ref), '-', ''), '#', ''), '/', ''), ' ', '') = "
        "replace(replace(replace(replace(upper(trim(:ref)), '-', ''), '#', ''), '/', ''), ' ', '')",
        obj({"ref": {"type": "string", "description": "ticket reference, e.g. SEN-INC-04471"}}, ["ref"]),
    ),
    "procedures_search": (
        "Free-text search of the signals team's procedures (TSP-nnn), TMC standard operating procedures "
        "(TMC-SOP-nn), emergency plans (EMP-nn) and suppliers' handbooks (OEM ...)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
