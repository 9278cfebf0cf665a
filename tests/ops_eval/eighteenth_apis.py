"""The eighteenth estate's APIs (:mod:`tests.ops_eval.eighteenth_estate`): SQL over a hospital's clinical
engineering (EBME) store, as its medical device team, clinical IT and estates would publish them. Windows differ from
API to API on purpose: RFC 3339 timestamps (``from_ts`` / ``to_ts``, ``since``; the required ones with format
date-time), ISO dates (``from_date`` / ``to_date``, ``due_by``; the required one with format date), an integer enum
``span_hours`` (1, 3, 6, 12, 24, 48), ``days`` and ``hours``; two APIs require a unit (an MRI scanner, a medical gas
panel) and one an asset tag; two look up one record by id (a device alarm code, a vendor service request); one
searches free text (procedures); one is narrow (panel, gas, pressure, ts)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_LOCS = ["L1.ED-MAJ", "L1.ED-RESUS", "L2.ICU-A", "L2.ICU-B", "L3.THR-04", "L3.THR-05", "L4.W17", "L4.W18",
         "B0.RAD-MR1", "B0.RAD-MR2", "B0.EBME-WS"]  # fmt: skip
_PUMP_WARDS = ["L1.ED-MAJ", "L1.ED-RESUS", "L2.ICU-A", "L2.ICU-B", "L3.THR-04", "L3.THR-05", "L4.W17", "L4.W18",
               "B0.EBME-WS"]  # fmt: skip
_ANY_LOC = {
    "type": "string",
    "default": "",
    "description": "location code or part of it, e.g. L2.ICU-B or ICU-B (level.area); empty: all",
}
_CLASSES = ["IP-VOL", "IP-SYR", "PM", "VENT", "DEFIB", "ANAES", "MRI"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "locations": (
        "Clinical areas of Ashcombe Royal Infirmary by location code (level.area, e.g. L2.ICU-B, L4.W17, "
        "B0.RAD-MR1): name, level, beds or bays, specialty, nurse in charge extension",
        ["inventory", "location", "site", "ward"],
        "SELECT code, name, level, beds, specialty, ext FROM locations ORDER BY code",
        obj({}),
    ),
    "device_register": (
        "Medical device register (EBME asset list): asset tag (CE-nnnnnn), device class (IP-VOL volumetric "
        "infusion pump, IP-SYR syringe pump, PM patient monitor, VENT ventilator, DEFIB defibrillator, ANAES "
        "anaesthesia workstation, MRI scanner), manufacturer and model, serial, home location, risk class, year "
        "commissioned",
        ["inventory", "device", "asset", "equipment"],
        "SELECT asset, class, manufacturer, model, serial, location, risk, commissioned FROM devices "
        "WHERE (:device_class = '' OR class = :device_class) "
        "AND (:location = '' OR instr(upper(location), upper(:location)) > 0) ORDER BY asset",
        obj(
            {
                "device_class": {"type": "string", "enum": ["", *_CLASSES], "default": ""},
                "location": _ANY_LOC,
            }
        ),
    ),
    "pump_fleet": (
        "Infusion pumps (Infusa VP7 volumetric, Infusa SP3 syringe) as the device integration server DIS-01 sees "
        "them now: asset, model, location, zone (bed or bay), state (infusing, standby, alarm, offline), active "
        "alarm code, firmware version, drug library, downstream occlusion pressure level (L1-L9), battery (%), "
        "last contact",
        ["state", "pump", "infusion", "firmware", "config"],
        "SELECT asset, model, location, zone, state, active_alarm, firmware, drug_library, occlusion_level, "
        "battery_pct, last_comms FROM pumps WHERE (:ward = '' OR location = :ward) ORDER BY location, asset",
        obj(
            {
                "ward": {
                    "type": "string",
                    "enum": ["", *_PUMP_WARDS],
                    "default": "",
                    "description": "location code, e.g. L2.ICU-B; empty: all",
                }
            }
        ),
    ),
    "alarm_log": (
        "Alarm management system (AMS) log of device alarms between two RFC 3339 timestamps (kept 7 days), "
        "newest first: alarm id, asset, location, alarm code, text, priority (high, medium, low), raised, cleared "
        "(empty while active); pumps, monitors, ventilators and medical gas area alarm panels (AAP-...)",
        ["alarm", "event", "history", "state", "logs"],
        "SELECT alarm_id, asset, location, code, text, priority, raised, cleared FROM alarms "
        "WHERE julianday(raised) >= julianday(:from_ts) AND (:to_ts = '' OR julianday(raised) < julianday(:to_ts)) "
        "AND (:location = '' OR instr(upper(location), upper(:location)) > 0) "
        "AND (:code = '' OR code = upper(trim(:code))) ORDER BY raised_epoch DESC",
        obj(
            {
                "from_ts": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "to_ts": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
                "location": _ANY_LOC,
                "code": {"type": "string", "default": "", "description": "alarm code, e.g. OCC-DN; empty: all"},
            },
            ["from_ts"],
        ),
    ),
    "alarm_counts": (
        "Device alarms counted per location, alarm code and 15-minute bucket over the last N hours (1, 3, 6, 12, "
        "24 or 48; the AMS keeps 7 days)",
        ["metric", "alarm", "trend", "ranking"],
        "SELECT location, code, bucket_start, COUNT(*) AS alarms FROM alarms "
        f"WHERE raised_epoch > {_NOW} - :span_hours * 3600 "
        "AND (:location = '' OR instr(upper(location), upper(:location)) > 0) "
        "AND (:code = '' OR code = upper(trim(:code))) GROUP BY location, code, bucket_start "
        "ORDER BY location, code, bucket_start",
        obj(
            {
                "span_hours": {"type": "integer", "enum": [1, 3, 6, 12, 24, 48], "default": 6},
                "location": _ANY_LOC,
                "code": {"type": "string", "default": "", "description": "alarm code, e.g. OCC-DN; empty: all"},
            }
        ),
    ),
    "alarm_code": (
        "What one device alarm code means (e.g. OCC-DN, AIL, LEADS-OFF, O2-LOW), per model: text, priority, "
        "meaning and the first action",
        ["lookup", "alarm", "document"],
        "SELECT code, model, text, priority, meaning, action FROM alarm_codes WHERE code = upper(trim(:code)) "
        "AND (:model = '' OR instr(upper(model), upper(:model)) > 0)",
        obj(
            {
                "code": {"type": "string", "description": "alarm code, e.g. OCC-DN"},
                "model": {"type": "string", "default": "", "description": "model, e.g. VP7; empty: all"},
            },
            ["code"],
        ),
    ),
    "magnet_log": (
        "MRI magnet monitoring of one scanner, one reading a day over the last N days (at most 30): helium level "
        "(%), helium vessel pressure (psi), cold head 2nd stage temperature (K), compressor state",
        ["metric", "mri", "helium", "trend", "condition"],
        "SELECT scanner, measured_at, helium_level_pct, vessel_pressure_psi, coldhead_2nd_stage_k, compressor "
        f"FROM magnet WHERE scanner = upper(:scanner) AND measured_epoch >= {_NOW} - :days * 86400 "
        "ORDER BY measured_epoch",
        obj(
            {
                "scanner": {
                    "type": "string",
                    "enum": ["MR1", "MR2"],
                    "description": "MR1 (Magnora 1.5T, CE-000912) or MR2 (Magnora 3T, CE-000913)",
                },
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
            },
            ["scanner"],
        ),
    ),
    "medgas_pressures": (
        "Medical gas pipeline pressures at one area alarm panel, hourly since an RFC 3339 time (kept 7 days), "
        "narrow rows (panel, gas, pressure_kpa, ts): o2 (oxygen, normal 400-420 kPa), air4 (medical air 4 bar), "
        "vac (vacuum, kPa below atmosphere)",
        ["metric", "medical gas", "oxygen", "pressure", "estates"],
        "SELECT panel, gas, pressure_kpa, ts FROM medgas WHERE panel = upper(:panel) "
        "AND julianday(ts) >= julianday(:since) AND (:gas = '' OR gas = :gas) ORDER BY gas, ts_epoch",
        obj(
            {
                "panel": {
                    "type": "string",
                    "enum": ["AAP-1/ED", "AAP-2/ICU", "AAP-3/THR"],
                    "description": "area alarm panel: AAP-1/ED (level 1, ED), AAP-2/ICU (level 2, ICU A and "
                    "B), AAP-3/THR (level 3, theatres)",
                },
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 (UTC)"},
                "gas": {"type": "string", "enum": ["", "o2", "air4", "vac"], "default": ""},
            },
            ["panel", "since"],
        ),
    ),
    "ppm_status": (
        "Planned preventive maintenance (PPM) of every device: last PPM, interval (days), due date, status "
        "(overdue, due within 30 days, in_date) and days overdue; filter by status, a due date or location",
        ["maintenance", "ppm", "compliance", "ranking"],
        "SELECT asset, class, model, location, last_ppm, interval_days, due, status, days_overdue FROM ppm "
        "WHERE (:status = '' OR status = :status) AND (:due_by = '' OR due <= :due_by) "
        "AND (:location = '' OR instr(upper(location), upper(:location)) > 0) ORDER BY due, asset",
        obj(
            {
                "status": {"type": "string", "enum": ["", "overdue", "due", "in_date"], "default": ""},
                "due_by": {"type": "string", "default": "", "description": "due on or before, YYYY-MM-DD; empty: any"},
                "location": _ANY_LOC,
            }
        ),
    ),
    "ebme_jobs": (
        "Clinical engineering (EBME) jobs (EJyy.nnnnn) created between two dates, newest first: asset, location, "
        "type (breakdown, ppm, upgrade, acceptance, fsn, vendor), status (open, in_workshop, awaiting_parts, "
        "scheduled, closed), engineer, created, planned start, closed, summary, notes",
        ["history", "maintenance", "work", "repair"],
        "SELECT job, asset, location, type, status, engineer, created, planned_start, closed, summary, notes "
        "FROM jobs WHERE substr(created, 1, 10) >= :from_date AND (:to_date = '' OR substr(created, 1, 10) <= "
        ":to_date) AND (:status = '' OR status = :status) ORDER BY created DESC",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day created, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: today"},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "in_workshop", "awaiting_parts", "scheduled", "closed"],
                    "default": "",
                },
            },
            ["from_date"],
        ),
    ),
    "change_requests": (
        "Device and clinical IT change requests (CR yy/nnn) raised or implemented in the last N days (at most 90), "
        "newest first: title, scope, category (firmware, drug_library, config, network, software, estates), status "
        "(approved, implemented, rolled_back), raised by, implemented by, approved by, planned, implemented, "
        "backout, notes",
        ["change", "config", "history", "deploy"],
        "SELECT cr, title, scope, category, status, raised_by, implemented_by, approved_by, planned, implemented, "
        f"backout, notes FROM changes WHERE (raised_epoch >= {_NOW} - :days * 86400 OR implemented_epoch >= "
        f"{_NOW} - :days * 86400) AND (:category = '' OR category = :category) "
        "ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 7},
                "category": {
                    "type": "string",
                    "enum": ["", "firmware", "drug_library", "config", "network", "software", "estates"],
                    "default": "",
                },
            }
        ),
    ),
    "field_safety_notices": (
        "Manufacturers' field safety notices (FSN-MED-yy-nnn) and their actions, one row per affected asset: "
        "manufacturer, model, issue, action required, FSN status (open, closed), issued, deadline, asset, location, "
        "action status (done, outstanding), actioned at, by",
        ["safety", "recall", "compliance", "device"],
        "SELECT f.fsn, f.manufacturer, f.model, f.issue, f.action, f.status AS fsn_status, f.issued, f.deadline, "
        "a.asset, a.location, a.action_status, a.actioned_at, a.actioned_by FROM fsn f JOIN fsn_assets a "
        "ON a.fsn = f.fsn WHERE (:status = '' OR f.status = :status) "
        "AND (:action_status = '' OR a.action_status = :action_status) ORDER BY f.issued DESC, a.asset",
        obj(
            {
                "status": {"type": "string", "enum": ["", "open", "closed"], "default": ""},
                "action_status": {"type": "string", "enum": ["", "done", "outstanding"], "default": ""},
            }
        ),
    ),
    "rtls_locate": (
        "Real-time location system (RTLS): where one asset's tag was last seen: zone (location/bed, bay or room), "
        "last seen, tag id, tag battery",
        ["location", "lookup", "device", "tracking"],
        "SELECT asset, tag, zone, last_seen, tag_battery FROM rtls "
        "WHERE replace(upper(asset), '-', '') = replace(upper(trim(:asset)), '-', '')",
        obj(
            {"asset": {"type": "string", "pattern": "^[Cc][Ee]-?\\d{6}$", "description": "asset tag, e.g. CE-004123"}},
            ["asset"],
        ),
    ),
    "incident_reports": (
        "Patient safety incident reports (IR-nnnnn) involving medical devices reported in the last N hours (at most "
        "168), newest first: location, asset, category, harm (none, low, moderate, severe), summary, reporter, "
        "handler, status",
        ["incident", "safety", "history", "device"],
        "SELECT ir, reported, location, asset, category, harm, summary, reporter, handler, status FROM incidents "
        f"WHERE reported_epoch >= {_NOW} - :hours * 3600 "
        "AND (:location = '' OR instr(upper(location), upper(:location)) > 0) ORDER BY reported_epoch DESC",
        obj({"hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24}, "location": _ANY_LOC}),
    ),
    "vendor_case": (
        "One manufacturer service request by its reference (e.g. SR 7741-0932): vendor, asset or fleet, subject, "
        "status, priority, vendor engineer, opened, updated, the vendor's latest response",
        ["lookup", "case", "vendor", "incident"],
        "SELECT sr, vendor, asset, subject, status, priority, vendor_engineer, opened, updated, latest "
        "FROM vendor_cases WHERE replace(replace(upper(sr), 'SR', ''), ' ', '') = "
        "replace(replace(upper(trim(:ref)), 'SR', ''), ' ', '')",
        obj({"ref": {"type": "string", "description": "service request, SR nnnn-nnnn"}}, ["ref"]),
    ),
    "procedures_search": (
        "Free-text search of the clinical engineering procedures (CEP-nnn), medical device policies (POL.MED.n, "
        "POL.MGPS.n) and manufacturers' instructions for use (IFU ...)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
