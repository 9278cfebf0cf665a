"""The twenty-first estate's APIs (:mod:`tests.ops_eval.twentyfirst_estate`): SQL over a container terminal's
operations store (quay cranes, spreaders, yard cranes, gate, vessel calls), as its operations control centre (OCC),
engineering, OT engineering and customer service would publish them. Windows differ from API to API on purpose:
``lookback_minutes`` (at most 2880), RFC 3339 timestamps (``since`` / ``until``; the required one with format
date-time), ISO dates (``from_date`` / ``to_date``; the required one with format date), a named ``created_within``
enum (8h, 1d, 7d, 30d), ``hours`` and ``days``; two APIs require a quay crane (its telemetry, its hoist rope); two look
up one record by key (a fault code, a vendor ticket) and one finds vessel calls by vessel name; two search free text
(the OCC log, procedures); one is narrow (crane, measure, value, ts)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_CRANES = [f"STS-{n:02d}" for n in range(1, 9)]
_LANES = [f"GATE:IN-{n:02d}" for n in range(1, 6)] + [f"GATE:OUT-{n:02d}" for n in range(1, 4)]
_WITHIN = {"8h": 28800, "1d": 86400, "7d": 604800, "30d": 2592000}
_WITHIN_SQL = (
    "CASE :created_within " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _WITHIN.items()) + " ELSE 604800 END"
)

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "terminal_areas": (
        "Areas of Calloway Deepwater Terminal (CDT, Port of Saltmarsh) by code (CDT.QN north quay with berths B1, B2; "
        "CDT.QS south quay with B3, B4; CDT.YD-1 / CDT.YD-2 container yards; CDT.GATE truck gate; CDT.WKS engineering "
        "workshop; CDT.OCC operations control centre): name, quay length or capacity, what is in it, owning team",
        ["inventory", "area", "site", "quay", "yard"],
        "SELECT code, name, capacity, description, owner FROM areas ORDER BY code",
        obj({}),
    ),
    "equipment_register": (
        "Terminal equipment register: unit id (ship-to-shore quay cranes STS-01 .. STS-08, their spreaders SPR-01 .. "
        "SPR-08, rubber-tyred gantry cranes RTG 01 .. RTG 16, gate lanes GATE:IN-01 .. GATE:OUT-03), kind, area, make "
        "and model, controller, what it serves, year commissioned",
        ["inventory", "equipment", "asset", "crane"],
        "SELECT unit, kind, area, make, model, controller, serves, commissioned FROM equipment "
        "WHERE (:kind = '' OR kind = :kind) AND (:area = '' OR instr(upper(area), upper(:area)) > 0) "
        "ORDER BY kind, unit",
        obj(
            {
                "kind": {"type": "string", "enum": ["", "sts", "spreader", "rtg", "gate_lane"], "default": ""},
                "area": {"type": "string", "default": "", "description": "area code or part of it, e.g. CDT.QN"},
            }
        ),
    ),
    "equipment_status": (
        "Every quay crane (STS) and yard crane (RTG) now, as the crane management system sees it: state (working, "
        "idle, restricted, fault, maintenance) and since when, moves in the last hour, what it is assigned to (a "
        "vessel call and berth, or a yard block), active fault code, PLC / spreader controller firmware",
        ["state", "status", "firmware", "crane", "moves"],
        "SELECT unit, kind, state, since, moves_last_hour, assigned, active_fault, firmware FROM status "
        "WHERE (:kind = '' OR kind = :kind) ORDER BY kind, unit",
        obj({"kind": {"type": "string", "enum": ["", "sts", "rtg"], "default": ""}}),
    ),
    "crane_productivity": (
        "Quay crane productivity per crane and 15-minute bucket over the last N minutes (at most 2880; kept 7 days): "
        "container moves, average cycle time (seconds per move; empty when the crane made no move), twistlock lock "
        "retries, fault stops",
        ["metric", "productivity", "cycle time", "trend", "ranking"],
        "SELECT crane, bucket_start, moves, avg_cycle_s, lock_retries, stops FROM productivity "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 AND (:crane = '' OR crane = upper(trim(:crane))) "
        "ORDER BY crane, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180},
                "crane": {
                    "type": "string",
                    "enum": ["", *_CRANES],
                    "default": "",
                    "description": "quay crane STS-01 .. STS-08; empty: all",
                },
            }
        ),
    ),
    "crane_telemetry": (
        "One quay crane's PLC telemetry, a sample every 10 minutes over the last N hours (at most 72), narrow rows "
        "(crane, measure, value, ts): lock_time_ms (spreader landed to twistlocks locked, milliseconds), lock_retries "
        "(in the 10 minutes), hoist_motor_c, trolley_motor_c (winding temperatures), avg_load_t (average box weight "
        "lifted, tonnes)",
        ["metric", "crane", "spreader", "telemetry", "trend"],
        "SELECT crane, measure, value, ts FROM telemetry WHERE crane = upper(trim(:crane)) "
        f"AND ts_epoch > {_NOW} - :hours * 3600 AND (:measure = '' OR measure = :measure) ORDER BY measure, ts_epoch",
        obj(
            {
                "crane": {
                    "type": "string",
                    "enum": _CRANES,
                    "description": "STS-01 .. STS-08 (STS-01 .. 05 Kranholt KH-PPX 65, STS-06 .. 08 KH-SPX 75)",
                },
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 6},
                "measure": {
                    "type": "string",
                    "enum": ["", "lock_time_ms", "lock_retries", "hoist_motor_c", "trolley_motor_c", "avg_load_t"],
                    "default": "",
                },
            },
            ["crane"],
        ),
    ),
    "fault_log": (
        "Crane management system fault log between two RFC 3339 timestamps (kept 7 days), newest first: fault id, "
        "unit (a quay crane, an RTG such as RTG 09, a gate lane), area, fault code (TWL-NL, GNT-SKEW, HST-OT, WIND-HI, "
        "ROPE-WARN, TOS-LINK, ...), text, severity (stop, warning, info), raised, cleared (empty while active)",
        ["alarm", "fault", "event", "history", "logs"],
        "SELECT fault_id, unit, area, code, text, severity, raised, cleared FROM faults "
        "WHERE julianday(raised) >= julianday(:since) AND (:until = '' OR julianday(raised) < julianday(:until)) "
        "AND (:unit = '' OR instr(upper(unit), upper(:unit)) > 0) AND (:severity = '' OR severity = :severity) "
        "ORDER BY raised_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "until": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
                "unit": {"type": "string", "default": "", "description": "unit or part of it, e.g. STS-05, RTG 09"},
                "severity": {"type": "string", "enum": ["", "stop", "warning", "info"], "default": ""},
            },
            ["since"],
        ),
    ),
    "fault_code": (
        "What one crane or gate fault code means (e.g. TWL-NL, GNT-SKEW, ROPE-WARN, WIND-HI): text, equipment, "
        "severity, meaning and the first action",
        ["lookup", "fault", "alarm", "document"],
        "SELECT code, equipment, text, severity, meaning, action FROM fault_codes WHERE code = upper(trim(:code))",
        obj({"code": {"type": "string", "description": "fault code, e.g. TWL-NL"}}, ["code"]),
    ),
    "rope_condition": (
        "Hoist wire rope condition of one quay crane, one inspection a day over the last N days (at most 120): "
        "measured diameter (mm; nominal 32.0), diameter loss (%; warning 6.0, discard 7.0), broken wires counted over "
        "six rope diameters, lifts since the rope was fitted",
        ["metric", "rope", "condition", "wear", "trend"],
        "SELECT crane, measured_at, diameter_mm, diameter_loss_pct, broken_wires, lifts_since_fitted FROM ropes "
        f"WHERE crane = upper(trim(:crane)) AND measured_epoch >= {_NOW} - :days * 86400 ORDER BY measured_epoch",
        obj(
            {
                "crane": {"type": "string", "enum": _CRANES, "description": "quay crane, e.g. STS-07"},
                "days": {"type": "integer", "minimum": 1, "maximum": 120, "default": 14},
            },
            ["crane"],
        ),
    ),
    "vessel_calls": (
        "Vessel calls (VC26-nnnn) at the terminal on days between two dates (alongside, at anchor or expected on any "
        "of them), optionally by vessel name or part of it: vessel, line, service, berth, ETA, ATA, ETD (current "
        "estimate), ATD, end of the agreed berth window, moves planned and done, status (expected, at_anchor, "
        "working, departed), quay cranes working it",
        ["vessel", "berth", "schedule", "moves", "lookup"],
        "SELECT call, vessel, line, service, berth, eta, ata, etd, atd, berth_window_end, moves_planned, moves_done, "
        "status, cranes FROM calls WHERE substr(coalesce(ata, eta), 1, 10) <= "
        "(CASE :to_date WHEN '' THEN '9999-12-31' ELSE :to_date END) "
        "AND coalesce(substr(atd, 1, 10), '9999-12-31') >= :from_date "
        "AND (:vessel = '' OR instr(lower(vessel), lower(trim(:vessel))) > 0) ORDER BY coalesce(ata, eta) DESC",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: no end"},
                "vessel": {"type": "string", "default": "", "description": "vessel name or part of it"},
            },
            ["from_date"],
        ),
    ),
    "gate_daily": (
        "Truck gate figures per lane and whole UTC day over the last N days (at most 30; complete days, yesterday "
        "back): trucks through the lane, average truck turn time (minutes from gate in to gate out), OCR misreads, "
        "trouble-desk cases",
        ["metric", "gate", "trucks", "ranking"],
        f"SELECT day, lane, trucks, avg_turn_min, ocr_misreads, trouble_cases FROM gate WHERE day_end_epoch > {_NOW} - "
        ":days * 86400 AND (:lane = '' OR lane = upper(trim(:lane))) ORDER BY day DESC, lane",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "lane": {"type": "string", "enum": ["", *_LANES], "default": ""},
            }
        ),
    ),
    "customer_cases": (
        "Customer service cases (SC-nnnnn) from shipping lines, hauliers and forwarders opened in the last N hours "
        "(at most 168), newest first: customer, kind, reference (vessel call, booking, gate lane), subject, priority "
        "(P1-P4), status (open, pending, closed), handler",
        ["history", "customer", "complaint", "case"],
        "SELECT case_id, opened, customer, kind, reference, subject, priority, status, handler FROM cases "
        f"WHERE opened_epoch >= {_NOW} - :hours * 3600 AND (:status = '' OR status = :status) "
        "ORDER BY opened_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "status": {"type": "string", "enum": ["", "open", "pending", "closed"], "default": ""},
            }
        ),
    ),
    "work_orders": (
        "Engineering work orders (EWO.yy.nnnnn) created within a period (8h, 1d, 7d, 30d), newest first: unit, type "
        "(corrective, planned, project, inspection), status (open, in_progress, awaiting_parts, scheduled, "
        "completed), technician, created, planned for, completed, title, notes",
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
    "change_requests": (
        "Change requests (CR/yy/nnn) raised or implemented in the last N days (at most 30), newest first: title, "
        "units, category (crane_plc, spreader, tos, ot_network, gate, electrical), state (approved, implemented, "
        "backed_out), requested by, implemented by, approver, planned start, implemented, backout plan, notes",
        ["change", "config", "history", "deploy"],
        "SELECT cr, title, units, category, state, requested_by, implemented_by, approver, planned_start, "
        f"implemented, backout, notes FROM changes WHERE (raised_epoch >= {_NOW} - :days * 86400 OR "
        f"implemented_epoch >= {_NOW} - :days * 86400) AND (:category = '' OR category = :category) "
        "ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "category": {
                    "type": "string",
                    "enum": ["", "crane_plc", "spreader", "tos", "ot_network", "gate", "electrical"],
                    "default": "",
                },
            }
        ),
    ),
    "occ_log": (
        "Operations control centre (OCC) log entries (OCC-yy-nnnn) written in the last N hours (at most 48), newest "
        "first, matching words of the author or the entry: time, author, role, entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM occ_log "
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
        "One equipment or software vendor's support ticket by its reference (Bromfield spreaders BRF#nnnnn, Kranholt "
        "cranes KH-SR-nnnnnn, Quaylink TOS QL-INC-nnnn): vendor, units, subject, status, priority, vendor engineer, "
        "opened, updated, the vendor's latest response",
        ["lookup", "ticket", "vendor", "case"],
        "SELECT ref, vendor, units, subject, status, priority, engineer, opened, updated, latest FROM vendor_tickets "
        "WHERE replace(replace(replace(replace(upper(ref), '-', ''), '#', ''), '/', ''), ' ', '') = "
        "replace(replace(replace(replace(upper(trim(:ref)), '-', ''), '#', ''), '/', ''), ' ', '')",
        obj({"ref": {"type": "string", "description": "ticket reference, e.g. BRF#22817"}}, ["ref"]),
    ),
    "procedures_search": (
        "Free-text search of the terminal's operating procedures (OP-STS-nnn, OP-VSL-nnn), emergency procedures "
        "(EP-nn), maintenance standards (MS-RTG-nnn) and vendors' manuals (OEM ...)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
