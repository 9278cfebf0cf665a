"""The thirtieth estate's APIs (:mod:`tests.ops_eval.thirtieth_estate`): SQL over a borough council's waste operations
store (the collection fleet board, round runs, residents' missed bin reports, daily vehicle telematics and engine fault
codes, the materials recovery facility's equipment and its state, line throughput, optical sorter telemetry and
recipes, quality control samples of the output grades, thermal cameras and fire detection events, weighbridge
tickets, bale stock and offtake collections, maintenance work orders, supplier cases and contacts, change records,
health and safety incidents, on-call, the MRF's shift supervisors, the site log and the procedures library), as the
council's fleet, MRF, quality and health and safety teams would publish them: some tersely, some at length. Windows
differ from API to API on purpose: ``days``, ``hours``, ``window_days``, ``last_days``, ``lookback_hours``, an RFC 3339
time (``since``), ``hours_back``, ``back_days`` / ``ahead_days``, ``since_hours`` and ISO dates (``from_date`` /
``to_date``); one API requires a vehicle (its daily telematics); one looks a supplier case up by reference, asset or
supplier; two search free text (the site log, the procedures); three aggregate (missed bins per round, engine fault
codes per vehicle, bale stock per grade); the on-call rota and the shift supervisors flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_ROUNDS_DESC = "round code, e.g. REC-07, RES-02, GDN-01, FWD-1; empty: all"
_LINES = ["", "FE", "L1", "L2", "BALE", "UTIL"]
_PRODUCTS = ["", "PET", "HDPE", "PTT", "ALU", "STEEL", "FIBRE", "CARD"]
_ROTAS = ["", "mrf_engineering", "mrf_quality", "fleet_workshop", "transport", "duty_manager"]


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, dots and spaces (ids and plates are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "/", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on an id column, typed any way (``k-218``, ``K218``, ``os 22``); empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "fleet_board": (
        "Collection fleet board: every refuse collection vehicle (RCV) by fleet number (K-214) and registration, "
        "type, chassis and body, depot, usual round, and its status now from telematics (ON_ROUND, TIPPING, AT_DEPOT, "
        "VOR = vehicle off road, WORKSHOP), the round it is on, since when, last GPS fix, where, speed, note",
        ["fleet", "vehicle", "rcv", "truck", "status", "live", "gps", "vor", "inventory"],
        "SELECT fleet_no, reg, vtype, chassis, body, depot, usual_round, status, round_now, since, last_fix, "
        f"location, speed_kmh, note FROM vehicles WHERE (:status = '' OR status = upper(:status)) "
        f"AND (:vehicle = '' OR {_norm('fleet_no')} = {_norm('trim(:vehicle)')} OR {_norm('reg')} = "
        f"{_norm('trim(:vehicle)')}) ORDER BY fleet_no",
        obj(
            {
                "status": {
                    "type": "string",
                    "enum": ["", "ON_ROUND", "TIPPING", "AT_DEPOT", "VOR", "WORKSHOP"],
                    "default": "",
                },
                "vehicle": {"type": "string", "default": "", "description": "fleet number (K-218) or registration"},
            }
        ),
    ),
    "round_runs": (
        "Collection round runs from the in-cab system and GPS (kept 14 days), newest first: round, waste stream, "
        "vehicle, crew lead, started, finished, status (in_progress, completed, abandoned), streets planned and done, "
        "% done, bin lifts counted by the lift sensors",
        ["round", "collection", "history", "progress", "gps", "lifts", "crew"],
        "SELECT run, round, stream, vehicle, crew_lead, started, finished, status, streets_planned, streets_done, "
        f"pct_done, lifts, note FROM round_runs WHERE start_epoch >= {_NOW} - :days * 86400 "
        f"AND {_id('round', 'round')} AND {_id('vehicle', 'vehicle')} ORDER BY start_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 1},
                "round": {"type": "string", "default": "", "description": _ROUNDS_DESC},
                "vehicle": {"type": "string", "default": "", "description": "fleet number, e.g. K-240"},
            }
        ),
    ),
    "missed_bin_reports": (
        "Missed bin reports from residents (web form and contact centre) over the last N hours (max 336), newest "
        "first: report MB-nnnnn, reported, round, street, container (refuse, recycling, garden, food), reason, "
        "vehicle, status (open, return_booked, closed)",
        ["missed bins", "residents", "complaints", "reports", "round", "history"],
        "SELECT report, reported, round, street, container, reason, vehicle, status FROM missed_bins "
        f"WHERE rep_epoch >= {_NOW} - :hours * 3600 AND {_id('round', 'round')} "
        "AND (:container = '' OR container = lower(:container)) ORDER BY rep_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "round": {"type": "string", "default": "", "description": _ROUNDS_DESC},
                "container": {
                    "type": "string",
                    "enum": ["", "refuse", "recycling", "garden", "food"],
                    "default": "",
                },
            }
        ),
    ),
    "missed_bins_by_round": (
        "Missed bin reports per collection round over the last N days (max 14), most first: reports, still open, "
        "containers, first and last report",
        ["missed bins", "count", "ranking", "round", "metric", "residents"],
        "SELECT round, COUNT(*) AS reports, SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS still_open, "
        "group_concat(DISTINCT container) AS containers, MIN(reported) AS first_report, MAX(reported) AS last_report "
        f"FROM missed_bins WHERE rep_epoch >= {_NOW} - :window_days * 86400 GROUP BY round "
        "ORDER BY reports DESC, round",
        obj({"window_days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7}}),
    ),
    "vehicle_telematics_daily": (
        "Daily telematics summary of ONE vehicle (kept 14 days; one reading a day covering the 24 hours before it): "
        "km driven, bin lifts, peak bin-lift hydraulic pressure (bar), average lift cycle time (s), fuel (litres), "
        "idle %",
        ["telematics", "metric", "trend", "hydraulic", "pressure", "lifts", "fuel", "daily", "vehicle"],
        "SELECT fleet_no, read_utc, km, lifts, peak_hydraulic_bar, lift_cycle_s, fuel_l, idle_pct "
        f"FROM telematics_daily WHERE {_norm('fleet_no')} = {_norm('trim(:vehicle)')} "
        f"AND read_epoch >= {_NOW} - :last_days * 86400 ORDER BY read_epoch",
        obj(
            {
                "vehicle": {"type": "string", "description": "fleet number, e.g. K-231"},
                "last_days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
            },
            ["vehicle"],
        ),
    ),
    "engine_fault_codes": (
        "Engine and exhaust fault codes (J1939 SPN / FMI) logged by the vehicles' telematics per vehicle over the "
        "last N days (max 14), most first: events, codes, still active, first and last seen, the latest fault",
        ["telematics", "fault", "dtc", "engine", "count", "ranking", "vehicle", "alarm"],
        "SELECT f.fleet_no, COUNT(*) AS events, group_concat(DISTINCT f.code) AS codes, "
        "SUM(CASE WHEN f.active = 'yes' THEN 1 ELSE 0 END) AS active_now, MIN(f.at_utc) AS first_seen, "
        "MAX(f.at_utc) AS last_seen, (SELECT g.code || ' ' || g.description FROM engine_faults g "
        "WHERE g.fleet_no = f.fleet_no ORDER BY g.at_epoch DESC LIMIT 1) AS latest FROM engine_faults f "
        f"WHERE f.at_epoch >= {_NOW} - :days * 86400 AND {_id('f.fleet_no', 'vehicle')} GROUP BY f.fleet_no "
        "ORDER BY events DESC, f.fleet_no",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
                "vehicle": {"type": "string", "default": ""},
            }
        ),
    ),
    "mrf_equipment": (
        "MRF equipment register and state now (RUNNING, STOPPED, FAULT, MAINTENANCE, STANDBY) from the plant SCADA: "
        "asset (FE-TRM trommel, FE-BAL ballistic separator, OS-21/OS-22/OS-23 optical sorters, ECS-21 eddy current, "
        "BLR-1/BLR-2 balers, ...), line (FE front end, L1 fibre, L2 containers, BALE, UTIL), kind, maker and model, "
        "since, reason",
        ["state", "status", "equipment", "asset", "mrf", "sorter", "inventory", "live"],
        "SELECT asset, line, kind, maker, model, installed, state, since, reason FROM mrf_equipment "
        "WHERE (:line = '' OR line = upper(:line)) AND (:state = '' OR state = upper(:state)) "
        f"AND {_id('asset', 'asset')} ORDER BY line, asset",
        obj(
            {
                "line": {"type": "string", "enum": _LINES, "default": ""},
                "state": {
                    "type": "string",
                    "enum": ["", "RUNNING", "STOPPED", "FAULT", "MAINTENANCE", "STANDBY"],
                    "default": "",
                },
                "asset": {"type": "string", "default": ""},
            }
        ),
    ),
    "line_throughput": (
        "MRF throughput in tonnes per hour, 15-minute samples over the last N hours (max 48), per line: FE (front-end "
        "infeed), L1 (fibre line), L2 (containers line); minutes running in the sample",
        ["metric", "throughput", "tonnes", "line", "mrf", "trend", "production"],
        "SELECT line, sample_end, tonnes_per_hour, running_min FROM throughput "
        f"WHERE end_epoch >= {_NOW} - :lookback_hours * 3600 AND (:line = '' OR line = upper(:line)) "
        "ORDER BY line, end_epoch",
        obj(
            {
                "lookback_hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "line": {"type": "string", "enum": ["", "FE", "L1", "L2"], "default": ""},
            }
        ),
    ),
    "sorter_telemetry": (
        "Optical sorter telemetry (Spectrilux NV), 10-minute samples since an RFC 3339 time (kept 24 hours), oldest "
        "first: sorter, recipe in use, belt speed (m/s), objects detected per minute, ejects per minute, air-jet "
        "eject delay (ms), air pressure at the valve block (bar), valve faults",
        ["metric", "sorter", "optical", "nir", "ejects", "air", "telemetry", "trend"],
        "SELECT sorter, sample_end, recipe, belt_m_s, objects_per_min, ejects_per_min, eject_delay_ms, air_bar, "
        "valve_faults FROM sorter_samples WHERE end_epoch >= CAST(strftime('%s', :since) AS INTEGER) "
        f"AND {_id('sorter', 'sorter')} ORDER BY end_epoch, sorter",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "sorter": {"type": "string", "default": "", "description": "OS-11, OS-12, OS-21, OS-22, OS-23"},
            },
            ["since"],
        ),
    ),
    "sorter_recipes": (
        "Optical sorter recipes in use: sorter, grade it sorts, recipe and version, target materials, air-jet eject "
        "delay (ms), belt speed the delay is set for (m/s), air pressure setpoint, when changed, the RFC, owner",
        ["config", "recipe", "sorter", "settings", "version", "optical", "eject delay"],
        "SELECT sorter, grade, recipe, version, targets, eject_delay_ms, belt_speed_set_m_s, air_bar_set, changed, "
        f"rfc, owner FROM sorter_recipes WHERE {_id('sorter', 'sorter')} ORDER BY sorter",
        obj({"sorter": {"type": "string", "default": "", "description": "e.g. OS-22; empty: all"}}),
    ),
    "quality_samples": (
        "Quality control grab samples of the MRF's output grades (kept 14 days), newest first: grade (PET, HDPE, PTT "
        "pots tubs and trays, ALU cans, STEEL cans, FIBRE mixed paper, CARD), contamination % by weight against the "
        "offtaker's spec (maximum %), main contaminants, sampled by",
        ["metric", "quality", "purity", "contamination", "grade", "sample", "trend", "qc"],
        "SELECT sample, grade, sampled, contamination_pct, spec_max_pct, main_contaminants, sampled_by "
        f"FROM quality_samples WHERE s_epoch >= {_NOW} - :hours_back * 3600 "
        "AND (:grade = '' OR grade = upper(:grade)) ORDER BY s_epoch DESC",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 336, "default": 12},
                "grade": {"type": "string", "enum": _PRODUCTS, "default": ""},
            }
        ),
    ),
    "thermal_camera_readings": (
        "Fire detection thermal cameras (TC-01..TC-06): hottest surface temperature in view, every 10 minutes over the "
        "last N hours (max 24), with the pre-alarm and alarm thresholds; zones: tipping_hall, bunker, bale_store",
        ["metric", "fire", "thermal", "temperature", "camera", "hot spot", "bunker", "trend"],
        "SELECT camera, zone, view, reading_utc, max_c, pre_alarm_c, alarm_c FROM thermal "
        f"WHERE r_epoch >= {_NOW} - :hours * 3600 AND (:zone = '' OR zone = lower(:zone)) "
        f"AND {_id('camera', 'camera')} ORDER BY camera, r_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6},
                "zone": {"type": "string", "enum": ["", "tipping_hall", "bunker", "bale_store"], "default": ""},
                "camera": {"type": "string", "default": ""},
            }
        ),
    ),
    "fire_detection_events": (
        "Fire detection events over the last N days (max 30), newest first: pre-alarms, alarms, camera faults and "
        "tests, with the camera, zone, peak temperature, raised, cleared, action taken and who logged it",
        ["fire", "alarm", "event", "history", "hot spot", "thermal", "safety"],
        "SELECT event, camera, zone, kind, peak_c, raised, cleared, action, logged_by FROM fire_events "
        f"WHERE r_epoch >= {_NOW} - :days * 86400 AND (:kind = '' OR kind = lower(:kind)) ORDER BY r_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 1},
                "kind": {"type": "string", "enum": ["", "pre-alarm", "alarm", "fault", "test"], "default": ""},
            }
        ),
    ),
    "weighbridge_tickets": (
        "Weighbridge tickets at the Fallowmead Lane site between two dates, inclusive: ticket, time, direction (in, "
        "out), vehicle, operator or haulier, source or destination, material, EWC code, gross, tare and net kg, "
        "status (accepted, rejected), note. q matches the vehicle, operator, source or material",
        ["weighbridge", "tonnage", "tickets", "loads", "history", "rejected"],
        "SELECT ticket, ts, direction, vehicle, operator, source, material, ewc, gross_kg, tare_kg, net_kg, status, "
        "note FROM weighbridge WHERE substr(ts, 1, 10) BETWEEN :from_date AND :to_date "
        "AND (:direction = '' OR direction = lower(:direction)) AND (:status = '' OR status = lower(:status)) "
        "AND instr(lower(vehicle || ' ' || operator || ' ' || source || ' ' || material), lower(trim(:q))) > 0 "
        "ORDER BY ts",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "direction": {"type": "string", "enum": ["", "in", "out"], "default": ""},
                "status": {"type": "string", "enum": ["", "accepted", "rejected"], "default": ""},
                "q": {"type": "string", "default": ""},
            },
            ["from_date", "to_date"],
        ),
    ),
    "bale_stock": (
        "Bale stock in the bale store now per grade and status (in_stock, quarantine), with bales, tonnes, the oldest "
        "and newest bale and the bale lots (BL-PET-0886)",
        ["stock", "bales", "inventory", "grade", "quarantine", "count"],
        "SELECT grade, status, COUNT(*) AS bales, ROUND(SUM(weight_kg) / 1000.0, 2) AS tonnes, MIN(made) AS oldest, "
        "MAX(made) AS newest, group_concat(lot, ', ') AS lots FROM (SELECT * FROM bales ORDER BY lot) "
        "WHERE status IN ('in_stock', 'quarantine') AND (:grade = '' OR grade = upper(:grade)) "
        "GROUP BY grade, status ORDER BY grade, status",
        obj({"grade": {"type": "string", "enum": _PRODUCTS, "default": ""}}),
    ),
    "offtake_collections": (
        "Offtake collections of baled material by reprocessors (offtakers), scheduled between two dates, inclusive: "
        "reference, grade, offtaker, haulier, scheduled, status (scheduled, collected, cancelled), bales, tonnes, note",
        ["offtake", "collection", "schedule", "bales", "reprocessor", "planned"],
        "SELECT ref, grade, offtaker, haulier, scheduled, status, bales, tonnes, note FROM collections "
        "WHERE substr(scheduled, 1, 10) BETWEEN :from_date AND :to_date AND (:grade = '' OR grade = upper(:grade)) "
        "ORDER BY scheduled",
        obj(
            {
                "from_date": {"type": "string", "format": "date"},
                "to_date": {"type": "string", "format": "date"},
                "grade": {"type": "string", "enum": _PRODUCTS, "default": ""},
            },
            ["from_date", "to_date"],
        ),
    ),
    "maintenance_work_orders": (
        "Maintenance work orders (MX-nnnnn) for MRF equipment and fleet vehicles scheduled from N days back to M days "
        "ahead: asset, kind, status (scheduled, in_progress, completed), scheduled, due back, completed, assignee, "
        "notes",
        ["maintenance", "work order", "pm", "workshop", "schedule", "planned", "repair"],
        "SELECT wo, asset, kind, status, scheduled, due_back, completed, assignee, notes FROM work_orders "
        f"WHERE s_epoch BETWEEN {_NOW} - :back_days * 86400 AND {_NOW} + :ahead_days * 86400 "
        f"AND {_id('asset', 'asset')} ORDER BY s_epoch",
        obj(
            {
                "back_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 1},
                "ahead_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 7},
                "asset": {"type": "string", "default": "", "description": "equipment (OS-22) or vehicle (K-231)"},
            }
        ),
    ),
    "supplier_cases": (
        "Cases with equipment suppliers: Spectrilux Sorting (SPX-CS-nnnnn), Kelvedon Bodies (KB-R-nnnn), Marrick "
        "Trucks (MT-WC-nnnnnn), Presswell Balers (PWB-nnnn), Ashgrove Fire Systems (ASF-nnnnn). Look one up by "
        "reference, or list by asset or supplier: subject, status, priority, engineer, latest update.",
        ["lookup", "supplier", "vendor", "case", "ticket", "support"],
        "SELECT ref, supplier, asset, subject, status, priority, engineer, raised_by, opened, updated, latest "
        f"FROM cases WHERE {_id('ref', 'ref')} AND {_id('asset', 'asset')} "
        "AND (:supplier = '' OR instr(lower(supplier), lower(trim(:supplier))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. SPX-CS-20874"},
                "asset": {"type": "string", "default": ""},
                "supplier": {"type": "string", "default": ""},
            }
        ),
    ),
    "supplier_contacts": (
        "Suppliers and offtakers: what they cover, support line, hours, engineer or account contact, escalation "
        "contact, contract",
        ["contact", "supplier", "vendor", "escalation", "phone", "support"],
        "SELECT supplier, covers, phone, hours, engineer, escalation, contract FROM suppliers "
        "WHERE (:name = '' OR instr(lower(supplier || ' ' || covers), lower(trim(:name))) > 0) ORDER BY supplier",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "change_records": (
        "Change records (RFC-nnnn: sorter recipes, PLC and firmware, fleet systems, rounds, facility) raised, updated "
        "or implemented in the last N hours (max 720), newest first: title, scope, kind, risk, state (approved, "
        "implemented, deferred, rolled_back), requested by, implemented by, approver, planned, implemented, notes",
        ["change", "rfc", "recipe", "plc", "config", "history", "firmware"],
        "SELECT rfc, title, scope, kind, risk, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :since_hours * 3600 "
        f"OR impl_epoch >= {_NOW} - :since_hours * 3600 OR updated_epoch >= {_NOW} - :since_hours * 3600) "
        "AND (:kind = '' OR kind = :kind) ORDER BY COALESCE(impl_epoch, updated_epoch, raised_epoch) DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "kind": {
                    "type": "string",
                    "enum": ["", "sorter_recipe", "plc", "fleet_systems", "rounds", "facility"],
                    "default": "",
                },
            }
        ),
    ),
    "hs_incidents": (
        "Health and safety incidents (HS-nnnn) at the MRF, the depot and on rounds over the last N days (max 90), "
        "newest first: when, where, category (near miss, injury, property damage, fire, dangerous occurrence), "
        "severity, summary, RIDDOR reportable, actions, status",
        ["safety", "h&s", "incident", "near miss", "injury", "history"],
        "SELECT ref, at_utc, site, category, severity, summary, riddor, actions, status FROM hs_incidents "
        f"WHERE at_epoch >= {_NOW} - :last_days * 86400 AND (:severity = '' OR severity = lower(:severity)) "
        "ORDER BY at_epoch DESC",
        obj(
            {
                "last_days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 30},
                "severity": {"type": "string", "enum": ["", "low", "medium", "high"], "default": ""},
            }
        ),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 08:00 UTC: mrf_engineering (primary, secondary), mrf_quality, "
        "fleet_workshop, transport (rounds and crews), duty_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "shift_supervisors": (
        "MRF shift supervisors (8-hour shifts: early 06:00-14:00, late 14:00-22:00, night 22:00-06:00 UTC): the two "
        "previous shifts, the current one and the next; on_now = yes for the supervisor on shift now",
        ["contact", "shift", "supervisor", "who", "mrf"],
        "SELECT shift, starts, ends, supervisor, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        "ORDER BY starts_epoch",
        obj({}),
    ),
    "site_log": (
        "Site log (SL-nnnn) of the MRF control room and the transport office over the last N hours (max 48), newest "
        "first; optional text to look for in the author, role or entry",
        ["history", "log", "handover", "notes", "shift", "investigation"],
        "SELECT entry, ts, author, role, text FROM site_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": ""},
            }
        ),
    ),
    "procedure_search": (
        "Search the waste service's procedures library (SOPs, work instructions, quality procedures, the fire "
        "emergency plan, the escalation matrix) for a word or phrase",
        ["document", "procedure", "sop", "runbook", "how to", "instruction"],
        "SELECT doc, title, kind, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
