"""The twenty-ninth estate's APIs (:mod:`tests.ops_eval.twentyninth_estate`): SQL over a semiconductor fab's equipment
and process operations store (the tool register and each tool's E10 state, now and over time, availability, lot runs,
post-process particle checks, SPC rule violations and chart limits, chamber RF hours and daily chamber metrics, recipe
versions, WIP and holds, cleanroom particle monitors, bulk and specialty gases, supply events, slurry and wet
chemicals, maintenance work orders, engineering change orders, vendor field-service cases and contacts, on-call, the
shift leads, the shift passdown log and the procedures library), as its equipment, process, facilities and
manufacturing teams would publish them: some tersely, some at length. Windows differ from API to API on purpose:
``window_hours``, ``days``, ``since_hours``, an RFC 3339 time (``from_ts``), ``hours_back``, ``n_days``, ``hours``,
``last_days`` and ISO dates (``from_date`` / ``to_date``); one API requires a tool or a chamber (its daily metrics);
one looks a vendor case up by reference, tool or vendor; two search free text (the passdown log, the procedures);
three aggregate (availability and SPC violations per tool, RF hours against the wet-clean limit); the on-call rota
and the shift leads flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_AREAS = ["", "etch", "deposition", "litho", "cmp", "wet", "metrology"]
_STATES = ["", "PRODUCTIVE", "STANDBY", "ENGINEERING", "SCHEDULED_DOWN", "UNSCHEDULED_DOWN"]
_ROTAS = ["", "etch_equipment", "etch_process", "litho", "dep_cmp", "facilities", "manager_on_duty"]
_TOOL_PARAM = {"type": "string", "default": "", "description": "tool id, e.g. DRE-04; empty: all"}


def _tool(col: str, param: str = "tool") -> str:
    """A filter on a tool column, typed any way (``dre-04``, ``DRE 04``, ``dre04``); empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, dots, hashes and spaces (ids are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", ".", "#", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _ov(days: str) -> str:
    """Seconds of a state interval ``s`` inside the last ``days`` days (the current one runs to now)."""
    return f"MAX(0, MIN(COALESCE(s.end_epoch, {_NOW}), {_NOW}) - MAX(s.start_epoch, {_NOW} - {days} * 86400))"


def _share(*states: str) -> str:
    """Seconds in any of ``states`` over the last ``:days`` days (0 for a tool without any)."""
    listed = ", ".join(f"'{st}'" for st in states)
    return f"COALESCE(SUM(CASE WHEN s.state IN ({listed}) THEN {_ov(':days')} ELSE 0 END), 0)"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "tool_register": (
        "Fab 2 tool register: tool id, area (etch, deposition, litho, cmp, wet, metrology), cleanroom bay, make and "
        "model, vendor, process modules / chambers (ids like DRE-04.B), installed, serial, notes",
        ["inventory", "tool", "equipment", "chamber", "asset", "vendor"],
        "SELECT tool, area, bay, model, vendor, chambers, installed, serial, notes FROM tools "
        "WHERE (:area = '' OR area = lower(:area)) AND (:bay = '' OR bay = upper(trim(:bay))) ORDER BY tool",
        obj(
            {
                "area": {"type": "string", "enum": _AREAS, "default": ""},
                "bay": {"type": "string", "default": "", "description": "cleanroom bay A-F; empty: all"},
            }
        ),
    ),
    "tool_state_now": (
        "Current SEMI E10 state of every tool from the MES: PRODUCTIVE, STANDBY, ENGINEERING, SCHEDULED_DOWN, "
        "UNSCHEDULED_DOWN; since when, the reason and who set it",
        ["state", "status", "live", "down", "e10", "tool", "equipment"],
        "SELECT s.tool, t.area, t.bay, s.state, s.since, s.reason, s.set_by FROM tool_state s "
        f"JOIN tools t ON t.tool = s.tool WHERE (:state = '' OR s.state = upper(:state)) AND {_tool('s.tool')} "
        "ORDER BY s.state, s.tool",
        obj({"state": {"type": "string", "enum": _STATES, "default": ""}, "tool": _TOOL_PARAM}),
    ),
    "tool_state_history": (
        "E10 state log: every state interval of a tool (or all) that overlaps the last N hours (max 336), oldest "
        "first: state, from, to (empty while it is the current state), reason, set by",
        ["history", "state", "e10", "down", "timeline", "tool"],
        "SELECT tool, state, start_utc, end_utc, reason, set_by FROM state_log "
        f"WHERE COALESCE(end_epoch, {_NOW}) >= {_NOW} - :window_hours * 3600 AND {_tool('tool')} "
        "ORDER BY tool, start_epoch",
        obj({"window_hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24}, "tool": _TOOL_PARAM}),
    ),
    "tool_availability": (
        "E10 availability per tool over the last N days (max 14), worst first: availability % (time not scheduled "
        "or unscheduled down), productive %, minutes unscheduled down, scheduled down, in engineering and standby",
        ["metric", "availability", "uptime", "downtime", "e10", "ranking", "reliability"],
        "SELECT t.tool, t.area, "
        f"ROUND(100.0 - 100.0 * {_share('SCHEDULED_DOWN', 'UNSCHEDULED_DOWN')} / (:days * 86400.0), 2) "
        "AS availability_pct, "
        f"ROUND(100.0 * {_share('PRODUCTIVE')} / (:days * 86400.0), 2) AS productive_pct, "
        f"CAST({_share('UNSCHEDULED_DOWN')} / 60 AS INTEGER) AS unscheduled_down_min, "
        f"CAST({_share('SCHEDULED_DOWN')} / 60 AS INTEGER) AS scheduled_down_min, "
        f"CAST({_share('ENGINEERING')} / 60 AS INTEGER) AS engineering_min, "
        f"CAST({_share('STANDBY')} / 60 AS INTEGER) AS standby_min "
        "FROM tools t LEFT JOIN state_log s ON s.tool = t.tool WHERE (:area = '' OR t.area = lower(:area)) "
        "GROUP BY t.tool, t.area ORDER BY availability_pct, t.tool",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
                "area": {"type": "string", "enum": _AREAS, "default": ""},
            }
        ),
    ),
    "process_runs": (
        "Lot runs from the MES (kept 72 hours): lot, product, tool, chambers used, recipe and version, wafers, "
        "track-in and track-out (empty while running), newest first; for a tool, a lot or all",
        ["history", "lot", "run", "wip", "track-in", "recipe", "wafers"],
        "SELECT run, lot, product, tool, chambers, recipe, recipe_version, wafers, track_in, track_out FROM runs "
        f"WHERE in_epoch >= {_NOW} - :since_hours * 3600 AND {_tool('tool')} "
        "AND (:lot = '' OR upper(lot) = upper(trim(:lot))) ORDER BY in_epoch DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 8},
                "tool": _TOOL_PARAM,
                "lot": {"type": "string", "default": "", "description": "lot id, e.g. VK31862.1"},
            }
        ),
    ),
    "particle_checks": (
        "Post-process particle checks measured on DFI-61 (Opticrest SP-9 inspection): particle adders per wafer "
        "(>= 45 nm) per chamber, production lots' sampled wafers and qual (monitor) wafers, measured since from_ts "
        "(RFC 3339 UTC; kept 72 hours), oldest first. The etch chambers' SPC upper control limit is 30 adders.",
        ["metric", "particles", "defects", "adders", "chamber", "contamination", "trend", "inspection"],
        "SELECT chamber, tool, lot, kind, adders, measured_utc FROM particle_checks "
        "WHERE measured_epoch >= CAST(strftime('%s', :from_ts) AS INTEGER) AND "
        f"{_tool('tool')} AND (:chamber = '' OR {_norm('chamber')} = {_norm('trim(:chamber)')} "
        f"OR {_norm('chamber')} = {_norm('tool')} || {_norm('trim(:chamber)')}) ORDER BY measured_epoch, chamber",
        obj(
            {
                "from_ts": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "tool": _TOOL_PARAM,
                "chamber": {"type": "string", "default": "", "description": "e.g. DRE-04.B (or B with the tool)"},
            },
            ["from_ts"],
        ),
    ),
    "spc_violations": (
        "SPC rule violations (out-of-control points, OOC-nnnnn) over the last N hours (max 168), newest first: "
        "chart, tool, chamber, parameter, rule broken (Western Electric WE1-WE4), value, UCL / LCL, lot, action",
        ["spc", "ooc", "excursion", "quality", "alarm", "history", "control chart"],
        "SELECT v.ooc, v.chart, v.tool, v.chamber, c.parameter, v.rule, v.value, c.ucl, c.lcl, v.at_utc, v.lot, "
        f"v.action FROM spc_violations v JOIN spc_charts c ON c.chart = v.chart "
        f"WHERE v.at_epoch >= {_NOW} - :hours_back * 3600 AND {_tool('v.tool')} "
        "AND (:area = '' OR v.tool IN (SELECT tool FROM tools WHERE area = lower(:area))) ORDER BY v.at_epoch DESC",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "tool": _TOOL_PARAM,
                "area": {"type": "string", "enum": _AREAS, "default": ""},
            }
        ),
    ),
    "spc_violation_counts": (
        "Count of SPC violations per tool over the last N days (max 30), most first, with the charts involved and "
        "the first and last violation",
        ["spc", "ooc", "count", "ranking", "quality", "metric"],
        "SELECT tool, COUNT(*) AS violations, group_concat(DISTINCT chart) AS charts, MIN(at_utc) AS first_ooc, "
        f"MAX(at_utc) AS last_ooc FROM spc_violations WHERE at_epoch >= {_NOW} - :days * 86400 "
        "GROUP BY tool ORDER BY violations DESC, tool",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7}}),
    ),
    "spc_charts": (
        "SPC chart register: chart id, tool, chamber, parameter, unit, centre line, upper and lower control limits, "
        "rules applied",
        ["spc", "control chart", "limits", "ucl", "inventory"],
        f"SELECT chart, tool, chamber, parameter, unit, centre, ucl, lcl, rules FROM spc_charts WHERE {_tool('tool')} "
        "ORDER BY chart",
        obj({"tool": _TOOL_PARAM}),
    ),
    "chamber_rf_hours": (
        "RF hours of every plasma chamber since its last wet clean, against its wet-clean limit (% used), the last "
        "wet clean and the chamber's lifetime RF hours; the most used first",
        ["metric", "rf hours", "chamber", "wet clean", "pm", "ranking", "maintenance"],
        "SELECT chamber, tool, rf_hours_since_clean, clean_limit_rf_hours, "
        "ROUND(100.0 * rf_hours_since_clean / clean_limit_rf_hours, 1) AS pct_used, last_wet_clean, "
        f"lifetime_rf_hours FROM chambers WHERE clean_limit_rf_hours > 0 AND {_tool('tool')} "
        "ORDER BY 1.0 * rf_hours_since_clean / clean_limit_rf_hours DESC",
        obj({"tool": _TOOL_PARAM}),
    ),
    "chamber_daily_metrics": (
        "Daily summary per chamber (kept 60 days) of ONE tool or chamber over the last N days: wafers, RF hours, "
        "rate (etch, deposition or removal rate, nm/min), mean particle adders; one reading a day",
        ["metric", "trend", "etch rate", "deposition rate", "removal rate", "chamber", "daily", "history"],
        "SELECT chamber, read_utc, wafers, rf_hours, rate_nm_min, particles_mean FROM chamber_daily "
        f"WHERE ({_norm('chamber')} = {_norm('trim(:target)')} OR {_norm('tool')} = {_norm('trim(:target)')}) "
        f"AND read_epoch >= {_NOW} - :n_days * 86400 ORDER BY chamber, read_epoch",
        obj(
            {
                "target": {"type": "string", "description": "a tool (CVD-11) or a chamber (CVD-11.B)"},
                "n_days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 14},
            },
            ["target"],
        ),
    ),
    "recipe_versions": (
        "Production recipes per tool: recipe, version in use, key settings (waferless auto clean (WAC) interval in "
        "wafers, seasoning wafers after a wet clean, chemistry), when changed, the ECO, the owner",
        ["config", "recipe", "version", "process", "settings", "wac"],
        "SELECT tool, recipe, version, wac_every_wafers, seasoning_wafers, chemistry, changed, eco, owner FROM recipes "
        f"WHERE {_tool('tool')} AND (:recipe = '' OR upper(recipe) = upper(trim(:recipe))) ORDER BY recipe, tool",
        obj({"tool": _TOOL_PARAM, "recipe": {"type": "string", "default": "", "description": "e.g. CE45-M1"}}),
    ),
    "wip_lots": (
        "Work in progress now: every lot in the fab with its product, route step, where it is, status (RUNNING, "
        "WAITING, HOLD), hold code, hold reason, held by, since, priority, wafers",
        ["wip", "lot", "hold", "status", "queue", "wafers", "count"],
        "SELECT lot, product, step, location, status, hold_code, hold_reason, held_by, since, priority, wafers "
        "FROM lots WHERE (:status = '' OR status = upper(:status)) AND (:lot = '' OR upper(lot) = upper(trim(:lot))) "
        "ORDER BY status, lot",
        obj(
            {
                "status": {"type": "string", "enum": ["", "RUNNING", "WAITING", "HOLD"], "default": ""},
                "lot": {"type": "string", "default": ""},
            }
        ),
    ),
    "cleanroom_particles": (
        "Cleanroom airborne particle monitors, one per bay (A litho, B metrology, C etch, D deposition, E CMP, F "
        "wet), hourly over the last N hours (max 72): particles per m3 at >= 0.1 um and >= 0.5 um against the "
        "bay's ISO class limits",
        ["metric", "cleanroom", "particles", "airborne", "environment", "iso class", "bay"],
        "SELECT bay, monitor, iso_class, hour_start, p01_per_m3, p05_per_m3, limit_p01, limit_p05 FROM cleanroom "
        f"WHERE hour_epoch >= {_NOW} - :hours * 3600 AND (:bay = '' OR bay = upper(trim(:bay))) "
        "ORDER BY bay, hour_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "bay": {"type": "string", "enum": ["", "A", "B", "C", "D", "E", "F"], "default": ""},
            }
        ),
    ),
    "gas_supply": (
        "Bulk gases and specialty gas cabinets (GC-nn) now: gas, source, tools fed, active cylinder or tank, level %, "
        "delivery pressure, state (ok, low, alarm), last cylinder swap, notes. q matches the gas (name or formula), "
        "the source or a tool fed",
        ["state", "gas", "supply", "cylinder", "cabinet", "bulk", "facilities"],
        "SELECT source, gas, kind, feeds, active, level_pct, pressure, state, last_swap, notes FROM gases "
        "WHERE instr(lower(source || ' ' || gas || ' ' || feeds), lower(trim(:q))) > 0 ORDER BY source",
        obj({"q": {"type": "string", "default": "", "description": "e.g. C4F8, silane, GC-14, DRE-04; empty: all"}}),
    ),
    "supply_events": (
        "Gas and chemical supply events over the last N days (max 14), newest first: cylinder swaps and "
        "auto-switchovers, tanker deliveries, slurry drum and lot changes, supply alarms",
        ["history", "gas", "chemical", "supply", "cylinder", "event", "facilities"],
        "SELECT ts_utc, source, kind, detail, by_whom FROM supply_events "
        f"WHERE ts_epoch >= {_NOW} - :last_days * 86400 AND (:source = '' OR "
        "instr(lower(source || ' ' || detail), lower(trim(:source))) > 0) ORDER BY ts_epoch DESC",
        obj(
            {
                "last_days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 2},
                "source": {"type": "string", "default": "", "description": "e.g. GC-14, SL-2, C4F8"},
            }
        ),
    ),
    "chemical_supply": (
        "Slurry and wet chemical supply now: loop, tools fed, day tank level %, large particle count (LPC, particles "
        ">= 1 um per ml) and its limit, pH, lot in use, state, note",
        ["state", "slurry", "chemical", "cmp", "lpc", "supply", "wet"],
        "SELECT chem, name, supplier, feeds, day_tank_pct, lpc_per_ml, lpc_limit, ph, lot, state, note FROM chemicals "
        "WHERE (:chem = '' OR instr(lower(chem || ' ' || name), lower(trim(:chem))) > 0) ORDER BY chem",
        obj({"chem": {"type": "string", "default": "", "description": "e.g. SL-2, slurry, SPM"}}),
    ),
    "pm_work_orders": (
        "Maintenance work orders (PMWO-nnnnn: preventive, wet cleans, corrective) scheduled to start between two "
        "dates, inclusive: tool or chamber, type, status (scheduled, in_progress, completed), scheduled start, due "
        "back, completed, technician, notes",
        ["maintenance", "pm", "work order", "schedule", "wet clean", "planned"],
        "SELECT wo, target, type, status, scheduled, due_back, completed, technician, notes FROM pm_orders "
        "WHERE substr(scheduled, 1, 10) BETWEEN :from_date AND :to_date ORDER BY scheduled",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
            },
            ["from_date", "to_date"],
        ),
    ),
    "change_records": (
        "Engineering change orders (ECO-nnnn: recipe, tool, facility and software changes) raised or implemented in "
        "the last N hours (max 720), newest first: title, scope, kind, type (standard, normal, emergency), state, "
        "requested by, implemented by, approver, planned, implemented, notes",
        ["change", "eco", "recipe", "config", "history", "deploy", "moc"],
        "SELECT eco, title, scope, kind, type, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :hours * 3600 OR impl_epoch >= {_NOW} - :hours * 3600) "
        "AND (:kind = '' OR kind = :kind) ORDER BY COALESCE(impl_epoch, raised_epoch) DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "kind": {"type": "string", "enum": ["", "recipe", "tool", "facility", "software"], "default": ""},
            }
        ),
    ),
    "vendor_cases": (
        "Field-service cases with equipment and materials vendors: Kestrix Plasma (KX-SR-nnnnnnn), Lumenar "
        "(LUM-FSE-nnnnn), Orvane (OV-nnnnn), Cerulith (CRL-nnnnn), Aldervane Gases (AVG-nnnn-n). Look one up by "
        "reference, or list by tool or vendor: subject, status, severity, field service engineer, latest update.",
        ["lookup", "vendor", "case", "ticket", "field service", "fse", "support"],
        "SELECT ref, vendor, tool, subject, status, severity, fse, raised_by, opened, updated, latest FROM cases "
        f"WHERE (:ref = '' OR {_norm('ref')} = {_norm('trim(:ref)')}) "
        f"AND (:tool = '' OR instr({_norm('tool')}, {_norm('trim(:tool)')}) > 0) "
        "AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. KX-SR-0048710"},
                "tool": {"type": "string", "default": "", "description": "tool, chamber or supply (GC-15, SL-2)"},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_contacts": (
        "Vendors: what they cover, support hotline, hours, resident or field service engineer, escalation contact, "
        "service contract",
        ["contact", "vendor", "escalation", "phone", "support", "fse"],
        "SELECT vendor, covers, hotline, hours, fse, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 07:00 UTC: etch_equipment (primary, secondary), etch_process, litho, "
        "dep_cmp (deposition and CMP), facilities (gases, chemicals, cleanroom), manager_on_duty; mobiles; "
        "on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "shift_leads": (
        "Fab shift leads (12-hour shifts: days 07:00-19:00, nights 19:00-07:00 UTC): the two previous shifts, the "
        "current one and the next; on_now = yes for the lead on shift now",
        ["contact", "shift", "lead", "who", "supervisor"],
        "SELECT shift, starts, ends, lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        "ORDER BY starts_epoch",
        obj({}),
    ),
    "passdown_log": (
        "Shift passdown log (PD-nnnn) of the last N hours (max 48), newest first; optional text to look for",
        ["history", "log", "passdown", "handover", "notes", "shift"],
        "SELECT entry, ts_utc, author, role, text FROM passdown "
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
        "Search Fab 2's procedures library (OCAP out-of-control action plans, SOPs, the escalation matrix, vendor "
        "technical bulletins) for a word or phrase",
        ["document", "procedure", "ocap", "sop", "runbook", "how to"],
        "SELECT doc, title, kind, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
