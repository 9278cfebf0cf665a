"""The thirty-third estate's APIs (:mod:`tests.ops_eval.thirtythird_estate`): SQL over an airline's line maintenance
and technical operations store (the fleet status board, the tech log and its count per ATA chapter, MEL deferrals, the
AOG log, component removals, work packages, engine trend monitoring per flight and per engine, APU status, bird strike
reports, the check forecast, the repeat defect list, on-call, the stations' shift leads, the line stations, vendor and
OEM cases and contacts, change records and the line maintenance procedures), as Tarnhollow Air's maintenance control,
tech services and powerplant teams would publish them: some tersely, some at length. Windows differ from API to API on
purpose: ``days``, ``last_days``, an RFC 3339 time (``since``), two RFC 3339 times (``from_time`` / ``to_time``), ISO
dates (``from_date`` / ``to_date``), ``hours_back`` / ``hours_ahead``, ``days_back``, ``since_days`` and
``due_within_hours``; one API requires an aircraft (the per-flight engine trend); one looks a removal up by part or
serial number; two search free text (the tech log, the procedures); three aggregate (defects per ATA chapter, the
per-engine trend summary, the check forecast's hours left); the on-call rota and the shift leads flag the ones on now.
Registrations are matched typed any way (``G-TRNC``, ``gtrnc``, ``TRNC``)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_FLEETS = ["", "A320neo family", "ATR 72"]
_STATIONS = ["", "TRH", "HVZ", "QKE", "OWD", "BZY"]
_ROTAS = ["", "mcc_duty", "a320_b1", "atr_b1", "avionics_b2", "aog_desk", "tech_services"]
_REG = {"type": "string", "default": "", "description": "registration, e.g. G-TRNC (or TRNC); empty: all"}


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, dots and spaces."""
    out = f"upper({expr})"
    for ch in ("-", "/", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _reg(col: str, param: str = "reg") -> str:
    """A registration filter: ``G-TRNC``, ``gtrnc`` or ``TRNC``; empty matches everything."""
    typed = _norm(f"trim(:{param})")
    return f"(:{param} = '' OR {_norm(col)} = {typed} OR {_norm(col)} = 'G' || {typed})"


def _id(col: str, param: str) -> str:
    """A filter on an id or part number column typed any way; empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


def _ata(col: str, param: str = "ata") -> str:
    """An ATA filter: a chapter (``21``) or a sub-chapter (``21-51``)."""
    return f"(:{param} = '' OR {col} = trim(:{param}) OR {col} LIKE trim(:{param}) || '-%')"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "fleet_status": (
        "Fleet status board: every aircraft (G-TRNA .. G-TRNK) with fleet, type, MSN, engines, base, status now "
        "(SERVICEABLE, AOG, IN_CHECK), where it is, since when, total FH and FC, how many open deferrals, and the MCC "
        "note",
        ["fleet", "aircraft", "status", "aog", "serviceable", "live", "inventory", "registration"],
        "SELECT a.reg, a.fleet, a.type, a.msn, a.engines, a.base, a.status, a.location, a.since, a.fh, a.fc, "
        "(SELECT COUNT(*) FROM deferrals d WHERE d.reg = a.reg AND d.status = 'open') AS open_deferrals, a.note "
        f"FROM aircraft a WHERE {_reg('a.reg')} AND (:status = '' OR a.status = upper(:status)) "
        "AND (:fleet = '' OR a.fleet = :fleet) ORDER BY a.reg",
        obj(
            {
                "reg": _REG,
                "status": {"type": "string", "enum": ["", "SERVICEABLE", "AOG", "IN_CHECK"], "default": ""},
                "fleet": {"type": "string", "enum": _FLEETS, "default": ""},
            }
        ),
    ),
    "techlog_entries": (
        "Tech log (TL-<book>-<page>), newest first, over the last N days (max 90). Filter on registration, ATA "
        "chapter ('21') or sub-chapter ('21-51'), status (open, closed, deferred) and words in the defect or action "
        "text. Entries are defects, maintenance done and info (ETM alerts).",
        ["tech log", "defect", "history", "search", "ata", "pirep", "marep"],
        "SELECT entry, reg, opened, station, ata, kind, reported_by, defect, action, status, refs, closed "
        f"FROM tech_log WHERE op_epoch >= {_NOW} - :days * 86400 AND {_reg('reg')} AND {_ata('ata')} "
        "AND (:status = '' OR status = lower(:status)) "
        "AND instr(lower(defect || ' ' || action || ' ' || refs), lower(trim(:text))) > 0 ORDER BY op_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 7},
                "reg": _REG,
                "ata": {"type": "string", "default": "", "description": "ATA chapter or sub-chapter, e.g. 21 or 21-51"},
                "status": {"type": "string", "enum": ["", "open", "closed", "deferred"], "default": ""},
                "text": {"type": "string", "default": "", "description": "words to look for"},
            }
        ),
    ),
    "defects_by_ata": (
        "Tech log entries per ATA chapter over the last N days, most first (optionally one fleet).",
        ["tech log", "ata", "count", "ranking", "reliability", "defect"],
        "SELECT t.chapter AS ata_chapter, c.title AS chapter_title, COUNT(*) AS entries, "
        "SUM(CASE WHEN t.status IN ('open', 'deferred') THEN 1 ELSE 0 END) AS open_or_deferred, "
        "group_concat(DISTINCT t.reg) AS aircraft FROM tech_log t JOIN aircraft a ON a.reg = t.reg "
        "LEFT JOIN ata_chapters c ON c.chapter = t.chapter "
        f"WHERE t.op_epoch >= {_NOW} - :last_days * 86400 AND (:fleet = '' OR a.fleet = :fleet) "
        "GROUP BY t.chapter ORDER BY entries DESC, t.chapter",
        obj(
            {
                "last_days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 30},
                "fleet": {"type": "string", "enum": _FLEETS, "default": ""},
            }
        ),
    ),
    "mel_deferrals": (
        "MEL deferred defects (DDL-nnnn): aircraft, tech log entry, MEL item, description, category (A: per the "
        "item's remarks, B: 3 days, C: 10 days, D: 120 days), raised, rectification due and hours left, status, "
        "restrictions. Open ones by default, soonest due first; due_within_hours > 0 keeps those due within that "
        "many hours.",
        ["mel", "deferral", "dd", "add", "hil", "due", "restriction", "defect"],
        "SELECT dd, reg, tech_log, mel_item, description, category, raised, due, "
        f"CASE WHEN status = 'open' THEN ROUND((due_epoch - {_NOW}) / 3600.0, 1) END AS hours_to_due, status, "
        f"cleared, restrictions, raised_by FROM deferrals WHERE {_reg('reg')} "
        "AND (:category = '' OR category = upper(:category)) AND (:status = 'any' OR status = lower(:status)) "
        f"AND (:due_within_hours <= 0 OR due_epoch <= {_NOW} + :due_within_hours * 3600) ORDER BY due_epoch",
        obj(
            {
                "reg": _REG,
                "category": {"type": "string", "enum": ["", "A", "B", "C", "D"], "default": ""},
                "status": {"type": "string", "enum": ["open", "cleared", "any"], "default": "open"},
                "due_within_hours": {"type": "integer", "minimum": 0, "maximum": 2880, "default": 0},
            }
        ),
    ),
    "aog_log": (
        "AOG log: events that started since an RFC 3339 time, plus any still open; newest first. Aircraft, station, "
        "ATA, start, end, hours on ground, cause, parts, parts ETA, status, engineer, notes",
        ["aog", "history", "grounded", "parts", "eta", "disruption"],
        "SELECT aog, reg, station, ata, started, ended, "
        f"ROUND((COALESCE(end_epoch, {_NOW}) - start_epoch) / 3600.0, 1) AS hours_aog, cause, parts, parts_eta, "
        "status, engineer, notes FROM aog "
        "WHERE (start_epoch >= CAST(strftime('%s', :since) AS INTEGER) OR status = 'open') "
        f"AND {_reg('reg')} ORDER BY start_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "reg": _REG,
            },
            ["since"],
        ),
    ),
    "component_removals": (
        "Component removals / installations (R-nnnn), newest first: aircraft, station, ATA, part, position, P/N and "
        "S/N off, P/N and S/N on, reason (scheduled, unscheduled, modification), hours since installed, tech log "
        "entry, WP, where the fitted unit came from. Look a part or serial number up (matches off or on); dates "
        "optional (YYYY-MM-DD).",
        ["component", "removal", "part number", "serial number", "history", "reliability", "lookup", "installed"],
        "SELECT removal, reg, removed, station, ata, part, position, pn_off, sn_off, pn_on, sn_on, reason, tsi_fh, "
        f"tech_log, wp, unit_source FROM removals WHERE {_reg('reg')} AND {_ata('ata')} "
        f"AND (:part_number = '' OR {_norm('pn_off')} = {_norm('trim(:part_number)')} "
        f"OR {_norm('pn_on')} = {_norm('trim(:part_number)')}) "
        f"AND (:serial_number = '' OR {_norm('sn_off')} = {_norm('trim(:serial_number)')} "
        f"OR {_norm('sn_on')} = {_norm('trim(:serial_number)')}) "
        "AND (:from_date = '' OR substr(removed, 1, 10) >= :from_date) "
        "AND (:to_date = '' OR substr(removed, 1, 10) <= :to_date) ORDER BY rem_epoch DESC",
        obj(
            {
                "reg": _REG,
                "ata": {"type": "string", "default": ""},
                "part_number": {"type": "string", "default": "", "description": "P/N, e.g. 3214552-4"},
                "serial_number": {"type": "string", "default": "", "description": "S/N, e.g. HX88213"},
                "from_date": {"type": "string", "default": "", "description": "YYYY-MM-DD or empty"},
                "to_date": {"type": "string", "default": "", "description": "YYYY-MM-DD or empty"},
            }
        ),
    ),
    "work_packages": (
        "Work packages (WP-nnnn) starting between hours_back ago and hours_ahead from now, plus any in progress or "
        "awaiting parts: aircraft, station, kind (night stop, A-check, borescope, defect rectification, AOG "
        "recovery), planned start and end, status (planned, in_progress, awaiting_parts, completed), lead, tasks",
        ["work package", "wp", "planning", "schedule", "night stop", "hangar", "planned"],
        "SELECT wp, reg, station, kind, starts, ends, status, lead, tasks FROM work_packages "
        f"WHERE (start_epoch BETWEEN {_NOW} - :hours_back * 3600 AND {_NOW} + :hours_ahead * 3600 "
        "OR status IN ('in_progress', 'awaiting_parts')) AND (:station = '' OR station = upper(:station)) "
        f"AND {_reg('reg')} ORDER BY start_epoch",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 0, "maximum": 720, "default": 24},
                "hours_ahead": {"type": "integer", "minimum": 0, "maximum": 720, "default": 48},
                "station": {"type": "string", "enum": _STATIONS, "default": ""},
                "reg": _REG,
            }
        ),
    ),
    "etm_flight_data": (
        "Engine trend monitoring per flight for ONE aircraft (kept 30 days), oldest first: flight, sector, take-off "
        "time, engine position (1, 2) and ESN, EGT margin in deg C (on the ATR's PW127 it is the ITT margin), oil "
        "consumption in qt/hr. Between two RFC 3339 times (to_time empty: up to now).",
        ["etm", "engine", "egt", "egt margin", "oil", "trend", "metric", "powerplant", "time series"],
        "SELECT reg, flight, sector, takeoff, pos AS engine, esn, egt_margin_c, oil_qt_hr FROM engine_trend "
        f"WHERE {_norm('reg')} IN ({_norm('trim(:reg)')}, 'G' || {_norm('trim(:reg)')}) "
        "AND (:engine = '' OR pos = CAST(:engine AS INTEGER)) "
        "AND t_epoch >= CAST(strftime('%s', :from_time) AS INTEGER) "
        "AND (:to_time = '' OR t_epoch <= CAST(strftime('%s', :to_time) AS INTEGER)) ORDER BY t_epoch, pos",
        obj(
            {
                "reg": {"type": "string", "description": "registration, e.g. G-TRNC"},
                "engine": {"type": "string", "enum": ["", "1", "2"], "default": "", "description": "position"},
                "from_time": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "to_time": {"type": "string", "format": "date-time", "default": "", "description": "RFC 3339 UTC"},
            },
            ["reg", "from_time"],
        ),
    ),
    "engine_health": (
        "ETM summary per engine over the last N days (max 30): flights, latest / average / lowest / highest EGT "
        "margin (ITT margin on the ATR), latest and average oil consumption (qt/hr). Ranked by the lowest latest EGT "
        "margin, or by the highest average oil consumption.",
        ["etm", "engine", "egt margin", "oil consumption", "ranking", "fleet", "powerplant", "metric"],
        "SELECT e.reg, a.fleet, e.pos AS engine, e.esn, COUNT(*) AS flights, "
        "(SELECT x.egt_margin_c FROM engine_trend x WHERE x.reg = e.reg AND x.pos = e.pos ORDER BY x.t_epoch DESC "
        "LIMIT 1) AS egt_margin_latest, ROUND(AVG(e.egt_margin_c), 1) AS egt_margin_avg, "
        "MIN(e.egt_margin_c) AS egt_margin_min, MAX(e.egt_margin_c) AS egt_margin_max, "
        "(SELECT x.oil_qt_hr FROM engine_trend x WHERE x.reg = e.reg AND x.pos = e.pos ORDER BY x.t_epoch DESC "
        "LIMIT 1) AS oil_qt_hr_latest, ROUND(AVG(e.oil_qt_hr), 2) AS oil_qt_hr_avg "
        f"FROM engine_trend e JOIN aircraft a ON a.reg = e.reg WHERE e.t_epoch >= {_NOW} - :days * 86400 "
        "AND (:fleet = '' OR a.fleet = :fleet) GROUP BY e.reg, e.pos "
        "ORDER BY CASE WHEN :rank_by = 'oil_consumption' THEN -AVG(e.oil_qt_hr) ELSE egt_margin_latest END, e.reg, "
        "e.pos",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "fleet": {"type": "string", "enum": _FLEETS, "default": ""},
                "rank_by": {"type": "string", "enum": ["egt_margin", "oil_consumption"], "default": "egt_margin"},
            }
        ),
    ),
    "apu_status": (
        "APUs (A320neo family only; the ATRs have none): model, S/N, APU hours, APU starts (cycles), hours since "
        "shop visit, last shop visit, starts and failed starts in the last 30 days, status, note",
        ["apu", "hours", "starts", "cycles", "status", "reliability"],
        "SELECT reg, model, sn, apu_hours, apu_starts, hours_since_shop_visit, last_shop_visit, starts_30d, "
        f"failed_starts_30d, status, note FROM apu WHERE {_reg('reg')} ORDER BY reg",
        obj({"reg": _REG}),
    ),
    "bird_strikes": (
        "bird strike reports (BS-nnnn), last N days: a/c, station, phase of flight, altitude, species, what was hit, "
        "engine ingestion, damage, inspection, MOR filed",
        ["bird strike", "safety", "history", "ingestion", "fod", "mor"],
        "SELECT report, reg, at_utc, station, phase, altitude_ft, species, struck, ingestion, damage, inspection, "
        f"tech_log, mor FROM bird_strikes WHERE at_epoch >= {_NOW} - :days_back * 86400 AND {_reg('reg')} "
        "ORDER BY at_epoch DESC",
        obj(
            {
                "days_back": {"type": "integer", "minimum": 1, "maximum": 365, "default": 30},
                "reg": _REG,
            }
        ),
    ),
    "check_forecast": (
        "Scheduled checks per aircraft: A-check (750 FH / 750 FC / 120 days) and C-check (7500 FH / 24 months); "
        "last done, due at FH / FC / date, FH, FC and days left now, planned WP. Soonest (fewest FH left) first.",
        ["check", "a-check", "c-check", "due", "forecast", "planning", "maintenance programme", "hours left"],
        "SELECT c.reg, c.check_type, c.interval, c.last_done, c.due_fh, c.due_fc, c.due_date, "
        "c.due_fh - a.fh AS fh_left, c.due_fc - a.fc AS fc_left, "
        f"ROUND((c.due_epoch - {_NOW}) / 86400.0, 1) AS days_left, c.wp FROM checks c JOIN aircraft a "
        f"ON a.reg = c.reg WHERE {_reg('c.reg')} AND (:check = '' OR c.check_type = upper(:check) || '-check') "
        "ORDER BY c.check_type, fh_left",
        obj({"reg": _REG, "check": {"type": "string", "enum": ["", "A", "C"], "default": ""}}),
    ),
    "repeat_defects": (
        "Repeat defect list (RD-nnnn: the same ATA sub-chapter 3 times in 10 days or 15 sectors): aircraft, ATA, "
        "title, occurrences, first and last seen, status, owner in tech services, the tech log entries, actions so "
        "far",
        ["repeat defect", "reliability", "defect", "rd", "chronic"],
        "SELECT rd, reg, ata, title, occurrences, first_seen, last_seen, status, owner, entries, actions, closed "
        f"FROM repeat_defects WHERE {_reg('reg')} AND (:status = '' OR status = lower(:status)) "
        "ORDER BY first_epoch DESC",
        obj({"status": {"type": "string", "enum": ["", "open", "closed"], "default": ""}, "reg": _REG}),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 07:00 UTC: mcc_duty (maintenance control duty manager), a320_b1 (primary and "
        "secondary B1 for the A320neo family), atr_b1, avionics_b2, aog_desk (parts and logistics), tech_services; "
        "mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "phone", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "shift_leads": (
        "Shift leads at our own line stations (12 h shifts: day 06:00-18:00, night 18:00-06:00 UTC): the previous, "
        "current and next shift, with mobiles; on_now = yes for the lead on shift now. BZY is contracted: see "
        "line_stations.",
        ["shift", "shift lead", "contact", "phone", "who", "station"],
        "SELECT station, shift, starts, ends, lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now "
        "FROM shift_leads WHERE (:station = '' OR station = upper(:station)) ORDER BY station, starts_epoch",
        obj({"station": {"type": "string", "enum": ["", "TRH", "HVZ", "QKE", "OWD"], "default": ""}}),
    ),
    "line_stations": (
        "Line stations: code, name, kind, opening hours (UTC), engineers, who does the maintenance (own or "
        "contracted MRO), ground equipment (GPU, air start unit), AOG kit, station phone",
        ["station", "outstation", "contact", "phone", "mro", "inventory"],
        "SELECT code, name, kind, hours_utc, engineers, mro, ground_equipment, aog_kit, phone, notes FROM stations "
        "WHERE (:code = '' OR code = upper(trim(:code))) ORDER BY code",
        obj({"code": {"type": "string", "default": "", "description": "IATA code, e.g. HVZ; empty: all"}}),
    ),
    "vendor_cases": (
        "OEM and vendor support cases: Airbus TechRequest (TQ-), ATR (ATRS-), CFM (CFM-ESC-), Pratt & Whitney Canada "
        "(PWC-), Kestrel Component Services (KCS-), Alderholt APU Services (AAS-), Brightwater Aero Hydraulics (BAH-). "
        "By reference, aircraft or vendor: subject, status, priority, contact, opened, updated, latest reply.",
        ["vendor", "oem", "case", "support", "techrequest", "lookup", "warranty"],
        "SELECT ref, vendor, reg, subject, status, priority, contact, raised_by, opened, updated, latest "
        f"FROM vendor_cases WHERE {_id('ref', 'ref')} AND {_reg('reg')} "
        "AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. CFM-ESC-2231"},
                "reg": _REG,
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_contacts": (
        "AOG desks and support lines: OEMs, component shops, contracted MROs. What they cover, phone, hours, contact, "
        "escalation, contract",
        ["contact", "vendor", "oem", "aog desk", "phone", "escalation", "support"],
        "SELECT vendor, covers, aog_phone, hours, contact, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "change_records": (
        "CAMO change records (CR-nnnn) raised or effective in the last N days (max 365), newest first: maintenance "
        "programme (AMP) revisions, engineering orders, MEL revisions, line procedure changes, reliability "
        "proposals; fleet, ATA chapter, state (draft, approved, effective, rejected), approver",
        ["change", "amp", "maintenance programme", "engineering order", "eo", "mel revision", "history", "config"],
        "SELECT cr, title, fleet, chapter AS ata_chapter, kind, state, raised, effective, approver, notes "
        f"FROM changes WHERE (raised_epoch >= {_NOW} - :since_days * 86400 "
        f"OR eff_epoch >= {_NOW} - :since_days * 86400) AND (:fleet = '' OR fleet = :fleet OR fleet = 'all') "
        "AND (:kind = '' OR kind = :kind) ORDER BY COALESCE(eff_epoch, raised_epoch) DESC",
        obj(
            {
                "since_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 30},
                "fleet": {"type": "string", "enum": _FLEETS, "default": ""},
                "kind": {
                    "type": "string",
                    "enum": ["", "amp_revision", "engineering_order", "mel_revision", "procedure", "reliability"],
                    "default": "",
                },
            }
        ),
    ),
    "procedures_search": (
        "Search the line maintenance procedures (LMP-nn) for a word or phrase",
        ["document", "procedure", "lmp", "moe", "how to", "runbook"],
        "SELECT doc, title, kind, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), "
        "lower(trim(:q))) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
