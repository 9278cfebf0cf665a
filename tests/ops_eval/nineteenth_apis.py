"""The nineteenth estate's APIs (:mod:`tests.ops_eval.nineteenth_estate`): SQL over an airport's baggage handling
system (BHS) store, as its baggage control room, BHS maintenance, airport IT and hold baggage screening would publish
them. Windows differ from API to API on purpose: ``lookback_minutes`` (at most 2880), RFC 3339 timestamps
(``start`` / ``end``; the required one with format date-time), ISO dates (``from_date`` / ``to_date``; the required
one with format date), a named ``created_within`` enum (6h, 24h, 7d, 30d), ``hours`` and ``days``; two APIs require
a unit (a screening machine, a sorter); three look up one record by key (a bag tag, a fault code, a supplier
ticket); two search free text (the control room's shift log, procedures); one is narrow (machine, measure, value,
hour_end)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_READERS = ["ATR:S1A", "ATR:S1B", "ATR:S2A", "ATR:S2B", "ATR:TX1"]
_CAROUSELS = [f"MU-{n:02d}" for n in range(7, 15)]
_EDS = [f"EDS-{n:02d}" for n in range(1, 7)]
_AIRLINES = ["NM", "AU", "BJ", "KV", "TQ", "SX"]
_WITHIN = {"6h": 21600, "24h": 86400, "7d": 604800, "30d": 2592000}
_WITHIN_SQL = (
    "CASE :created_within " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _WITHIN.items()) + " ELSE 604800 END"
)

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "bhs_zones": (
        "Zones of the Terminal 2 baggage handling system (BHS) at Kingsmere International Airport by code (T2.CI-A .. "
        "T2.CI-F check-in islands, T2.HBS hold baggage screening, T2.SRT-1 / T2.SRT-2 tilt-tray sorters, T2.MCS "
        "manual coding, T2.MU-N / T2.MU-S make-up, T2.EBS early bag store, T2.TX transfer input): name, level, "
        "what it does, owning team",
        ["inventory", "zone", "site", "area"],
        "SELECT code, name, level, description, owner FROM zones ORDER BY code",
        obj({}),
    ),
    "equipment_register": (
        "BHS equipment register: unit id (conveyors T2/CI-D/CV-07, screening machines EDS-01 .. EDS-06, automatic "
        "tag readers ATR:S1A .. ATR:TX1, sorters SRT-1 / SRT-2, manual coding stations MCS 1 / MCS 2, make-up "
        "carousels MU-07 .. MU-14, EBS, TX1), kind, zone, make and model, what feeds it or what it feeds, year "
        "commissioned",
        ["inventory", "equipment", "asset", "device"],
        "SELECT unit, kind, zone, make, model, fed_by, feeds, commissioned FROM equipment "
        "WHERE (:kind = '' OR kind = :kind) AND (:zone = '' OR instr(upper(zone), upper(:zone)) > 0) "
        "ORDER BY kind, unit",
        obj(
            {
                "kind": {
                    "type": "string",
                    "enum": ["", "conveyor", "eds", "atr", "sorter", "mcs", "makeup", "ebs", "transfer"],
                    "default": "",
                },
                "zone": {"type": "string", "default": "", "description": "zone code or part of it, e.g. T2.MU-S"},
            }
        ),
    ),
    "system_status": (
        "Every major BHS unit now (sorters, tag readers, manual coding stations, screening machines, make-up "
        "carousels, EBS, transfer): state (running, degraded, stopped, maintenance) and since when, throughput over "
        "the last 15 minutes (bags/h), queue (bags waiting), active fault code, firmware or software version",
        ["state", "status", "throughput", "firmware", "queue"],
        "SELECT unit, kind, state, since, throughput_bph, queue_bags, active_fault, firmware FROM status "
        "WHERE (:kind = '' OR kind = :kind) ORDER BY kind, unit",
        obj(
            {
                "kind": {
                    "type": "string",
                    "enum": ["", "sorter", "atr", "mcs", "eds", "makeup", "ebs", "transfer"],
                    "default": "",
                }
            }
        ),
    ),
    "atr_read_stats": (
        "Automatic tag reader (ATR) statistics per reader and 15-minute bucket over the last N minutes (at most "
        "2880; kept 7 days): bags presented, good reads, no-reads (sent to manual coding), multi-reads, no-read rate "
        "(%)",
        ["metric", "atr", "read rate", "trend", "ranking"],
        "SELECT reader, bucket_start, bags, good_reads, no_reads, multi_reads, no_read_pct FROM atr_stats "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 AND (:reader = '' OR reader = upper(trim(:reader))) "
        "ORDER BY reader, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180},
                "reader": {
                    "type": "string",
                    "enum": ["", *_READERS],
                    "default": "",
                    "description": "ATR:S1A / ATR:S1B (SRT-1 inlets), ATR:S2A / ATR:S2B (SRT-2 inlets), ATR:TX1 "
                    "(transfer); empty: all",
                },
            }
        ),
    ),
    "bag_trace": (
        "Tracking history of one bag by its 10-digit IATA licence plate (bag tag number, e.g. 0481203317): flight, "
        "every event (checked in, screened, read or not read by an ATR, manual coding, sorted, arrived at make-up, "
        "loaded, short-shipped, rebooked) with location and time",
        ["lookup", "bag", "tracking", "history"],
        "SELECT tag, flight, ts, location, event, detail FROM bag_events WHERE tag = trim(:tag) ORDER BY ts",
        obj({"tag": {"type": "string", "pattern": "^\\d{10}$", "description": "bag tag, 10 digits"}}, ["tag"]),
    ),
    "fault_log": (
        "BHS PLC / SCADA fault and event log between two RFC 3339 timestamps (kept 7 days), newest first: fault "
        "id, unit, zone, fault code (JAM, PE-BLK, MTR-OL, ESTOP, TT-NOTIP, NR-RATE, MCS-QFULL, ...), text, severity "
        "(stop, warning, info), raised, cleared (empty while active)",
        ["alarm", "fault", "event", "history", "logs"],
        "SELECT fault_id, unit, zone, code, text, severity, raised, cleared FROM faults "
        "WHERE julianday(raised) >= julianday(:start) AND (:end = '' OR julianday(raised) < julianday(:end)) "
        "AND (:unit = '' OR instr(upper(unit), upper(:unit)) > 0) AND (:severity = '' OR severity = :severity) "
        "ORDER BY raised_epoch DESC",
        obj(
            {
                "start": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "end": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
                "unit": {"type": "string", "default": "", "description": "unit id or part of it, e.g. CI-D"},
                "severity": {"type": "string", "enum": ["", "stop", "warning", "info"], "default": ""},
            },
            ["start"],
        ),
    ),
    "fault_code": (
        "What one BHS fault code means (e.g. NR-RATE, MCS-QFULL, TT-NOTIP, JAM): text, unit kind, severity, meaning "
        "and the first action",
        ["lookup", "fault", "alarm", "document"],
        "SELECT code, kind, text, severity, meaning, action FROM fault_codes WHERE code = upper(trim(:code))",
        obj({"code": {"type": "string", "description": "fault code, e.g. NR-RATE"}}, ["code"]),
    ),
    "missed_bags": (
        "Bags that missed their flight (short-shipped: not loaded when make-up closed) for flights scheduled between "
        "two dates: bag tag, flight, airline, scheduled departure, make-up carousel, reason (no_read, late_checkin, "
        "eds_hold, jam, missort, short_connection), last seen where and when, what happened to it",
        ["history", "bags", "mishandled", "ranking", "flight"],
        "SELECT tag, flight, airline, std, carousel, reason, last_seen_at, last_seen, outcome FROM missed "
        "WHERE substr(std, 1, 10) >= :from_date AND (:to_date = '' OR substr(std, 1, 10) <= :to_date) "
        "AND (:airline = '' OR airline = upper(:airline)) AND (:reason = '' OR reason = :reason) "
        "ORDER BY std DESC, tag",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first departure day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: today"},
                "airline": {"type": "string", "enum": ["", *_AIRLINES], "default": ""},
                "reason": {
                    "type": "string",
                    "enum": ["", "no_read", "late_checkin", "eds_hold", "jam", "missort", "short_connection"],
                    "default": "",
                },
            },
            ["from_date"],
        ),
    ),
    "makeup_flights": (
        "Departing flights allocated to the make-up carousels from 4 hours ago to 4 hours ahead: flight, airline, "
        "destination, scheduled departure, carousel, make-up opens and closes, bags expected and loaded, status "
        "(scheduled, open, closed)",
        ["state", "flight", "makeup", "schedule"],
        "SELECT flight, airline, destination, std, carousel, opens, closes, bags_expected, bags_loaded, status "
        "FROM makeup WHERE (:carousel = '' OR carousel = upper(:carousel)) ORDER BY std",
        obj({"carousel": {"type": "string", "enum": ["", *_CAROUSELS], "default": ""}}),
    ),
    "hbs_hourly": (
        "Hold baggage screening: one screening machine's hourly figures over the last N hours (at most 72), narrow "
        "rows (machine, measure, value, hour_end): bags_screened, l1_alarm_pct (bags not cleared automatically at "
        "level 1, %), l3_referred (bags sent to the level 3 reconciliation room)",
        ["metric", "screening", "hbs", "eds", "security"],
        "SELECT machine, measure, value, hour_end FROM hbs WHERE machine = upper(:machine) "
        f"AND hour_epoch > {_NOW} - :hours * 3600 AND (:measure = '' OR measure = :measure) "
        "ORDER BY measure, hour_epoch",
        obj(
            {
                "machine": {
                    "type": "string",
                    "enum": _EDS,
                    "description": "EDS-01 .. EDS-04 (Veritome CT-80), EDS-05, EDS-06 (Halcyon HX-9)",
                },
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24},
                "measure": {
                    "type": "string",
                    "enum": ["", "bags_screened", "l1_alarm_pct", "l3_referred"],
                    "default": "",
                },
            },
            ["machine"],
        ),
    ),
    "sorter_condition": (
        "Condition of one tilt-tray sorter, one measurement a day over the last N days (at most 60): drive chain "
        "elongation (%; alert 2.0, replace at 2.5), drive motor current (A), trays that failed to tip that day",
        ["metric", "condition", "sorter", "trend", "wear"],
        "SELECT sorter, measured_at, chain_elongation_pct, drive_current_a, tip_failures FROM sorter_condition "
        f"WHERE sorter = upper(:sorter) AND measured_epoch >= {_NOW} - :days * 86400 ORDER BY measured_epoch",
        obj(
            {
                "sorter": {
                    "type": "string",
                    "enum": ["SRT-1", "SRT-2"],
                    "description": "SRT-1 (Corvex TiltLine 400, 2011) or SRT-2 (Corvex TiltLine 600, 2023)",
                },
                "days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 14},
            },
            ["sorter"],
        ),
    ),
    "work_orders": (
        "BHS maintenance work orders (MX-yyyy-nnnnn) created within a period (6h, 24h, 7d, 30d), newest first: "
        "unit, type (corrective, planned, emergency, inspection, project), status (open, in_progress, "
        "awaiting_parts, scheduled, completed), technician, created, planned for, completed, title, notes",
        ["history", "maintenance", "work", "repair"],
        "SELECT wo, unit, type, status, technician, created, planned_for, completed, title, notes FROM work_orders "
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
    "change_records": (
        "BHS change records (CHGnnnnnnn) raised or implemented in the last N days (at most 45), newest first: "
        "title, units, category (atr_firmware, plc, sac_table, eds_software, network, mechanical), state "
        "(approved, implemented, backed_out), requested by, implemented by, approver, planned start, implemented, "
        "backout plan, notes",
        ["change", "config", "history", "deploy"],
        "SELECT chg, title, units, category, state, requested_by, implemented_by, approver, planned_start, "
        f"implemented, backout, notes FROM changes WHERE (raised_epoch >= {_NOW} - :days * 86400 OR "
        f"implemented_epoch >= {_NOW} - :days * 86400) AND (:category = '' OR category = :category) "
        "ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 45, "default": 7},
                "category": {
                    "type": "string",
                    "enum": ["", "atr_firmware", "plc", "sac_table", "eds_software", "network", "mechanical"],
                    "default": "",
                },
            }
        ),
    ),
    "shift_log": (
        "Baggage control room (BCR) shift log entries (BCR-yy-nnnn) written in the last N hours (at most 48), "
        "newest first, matching words of the author or the entry: time, author, role, entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM shift_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": "", "description": "words to match; empty: all"},
            }
        ),
    ),
    "supplier_ticket": (
        "One supplier support ticket by its reference (Lumiscan LMS-CS-nnnnn, Corvex CBX-INC-nnnnnn, Veritome "
        "VRT-SR-nnnn): supplier, unit, subject, status, priority, supplier engineer, opened, updated, the supplier's "
        "latest response",
        ["lookup", "ticket", "vendor", "case"],
        "SELECT ref, supplier, unit, subject, status, priority, engineer, opened, updated, latest FROM tickets "
        "WHERE replace(replace(upper(ref), '-', ''), ' ', '') = replace(replace(upper(trim(:ref)), '-', ''), ' ', '')",
        obj({"ref": {"type": "string", "description": "ticket reference, e.g. LMS-CS-20417"}}, ["ref"]),
    ),
    "procedures_search": (
        "Free-text search of the BHS operating procedures (BHS-OPS-nnn), hold baggage screening procedures "
        "(HBS.SOP.nn) and suppliers' technical manuals (TM ...)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
