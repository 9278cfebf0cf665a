"""The twentieth estate's APIs (:mod:`tests.ops_eval.twentieth_estate`): SQL over a colocation data centre's
facility store (cooling, power, customers), as its critical facilities team, site operations centre (SOC), customer
operations and BMS contractor would publish them. Windows differ from API to API on purpose: ``lookback_minutes`` (at
most 2880), RFC 3339 timestamps (``from_ts`` / ``to_ts``; the required one with format date-time), ISO dates
(``from_date`` / ``to_date``; the required one with format date), a named ``created_within`` enum (12h, 2d, 7d,
30d), ``hours`` and ``days``; two APIs require a unit (a CRAH, a battery string); two look up one record by key (an
alarm code, a vendor case) and one finds customers' cages by name; two search free text (the SOC log, procedures);
one is narrow (unit, measure, value, ts)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_HALLS = ["DH1", "DH2", "DH3"]
_AISLES = [f"{h}/CA-{n}" for h in _HALLS for n in range(1, 5)]
_CRAHS = [f"CRAH/{h}/{n:02d}" for h in _HALLS for n in range(1, 9)]
_STRINGS = [f"UPS-{p}{u}:STR{s}" for p in "AB" for u in (1, 2) for s in (1, 2)]
_WITHIN = {"12h": 43200, "2d": 172800, "7d": 604800, "30d": 2592000}
_WITHIN_SQL = (
    "CASE :created_within " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _WITHIN.items()) + " ELSE 604800 END"
)
_KINDS = ["", "chiller", "crah", "ups", "battery_string", "generator"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "site_areas": (
        "Areas of the Brackenmoor data centre (site BMR1) by code (BMR1.DH1 .. BMR1.DH3 data halls, BMR1.PLANT-RF roof "
        "chillers, BMR1.UPS-A / BMR1.UPS-B UPS rooms, BMR1.GEN-YD generator yard, BMR1.MMR meet-me room, BMR1.SOC "
        "site operations centre): name, floor, design IT load (kW), what is in it, owning team",
        ["inventory", "area", "site", "hall"],
        "SELECT code, name, floor, design_kw, description, owner FROM areas ORDER BY code",
        obj({}),
    ),
    "asset_register": (
        "Critical facilities asset register: asset id (chillers CH-01 .. CH-04, CRAH units CRAH/DH1/01 .. "
        "CRAH/DH3/08, UPS modules UPS-A1 .. UPS-B2, battery strings UPS-B2:STR2, generators GEN 1 .. GEN 4), kind, "
        "area, make and model, controller, what it serves, year installed",
        ["inventory", "asset", "equipment", "plant"],
        "SELECT asset, kind, area, make, model, controller, serves, installed FROM assets "
        "WHERE (:kind = '' OR kind = :kind) AND (:area = '' OR instr(upper(area), upper(:area)) > 0) "
        "ORDER BY kind, asset",
        obj(
            {
                "kind": {"type": "string", "enum": _KINDS, "default": ""},
                "area": {"type": "string", "default": "", "description": "area code or part of it, e.g. DH2"},
            }
        ),
    ),
    "plant_status": (
        "Every plant asset now as the BMS and EPMS see it (chillers, CRAHs, UPS modules, battery strings, "
        "generators): state (running, standby, float, alarm, maintenance, off) and since when, load (% of rating; "
        "for a CRAH its fan speed), mode (auto, manual, off), active alarm code, controller firmware",
        ["state", "status", "firmware", "plant", "load"],
        "SELECT asset, kind, state, since, load_pct, mode, active_alarm, firmware FROM plant_status "
        "WHERE (:kind = '' OR kind = :kind) ORDER BY kind, asset",
        obj({"kind": {"type": "string", "enum": _KINDS, "default": ""}}),
    ),
    "inlet_temps": (
        "Rack inlet temperatures per cold aisle (DH1/CA-1 .. DH3/CA-4, 24 rack sensors each) and 15-minute bucket "
        "over the last N minutes (at most 2880; kept 7 days): average and highest inlet (deg C), racks above 27 C "
        "(the ASHRAE recommended limit and the customers' SLA)",
        ["metric", "temperature", "cooling", "trend", "ranking"],
        "SELECT aisle, bucket_start, sensors, avg_inlet_c, max_inlet_c, racks_over_27 FROM inlet_temps "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 AND (:aisle = '' OR aisle = upper(trim(:aisle))) "
        "ORDER BY aisle, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180},
                "aisle": {
                    "type": "string",
                    "enum": ["", *_AISLES],
                    "default": "",
                    "description": "cold aisle, hall/CA-n (DH2/CA-1); empty: all",
                },
            }
        ),
    ),
    "crah_trend": (
        "One CRAH unit's BMS trend, a sample every 10 minutes over the last N hours (at most 72), narrow rows (unit, "
        "measure, value, ts): fan_speed_pct, supply_air_c, return_air_c, chw_valve_pct (chilled water valve), "
        "underfloor_pa (underfloor plenum pressure at the nearest hall sensor; design 20 Pa)",
        ["metric", "crah", "cooling", "fan", "trend"],
        "SELECT unit, measure, value, ts FROM crah_trend WHERE unit = upper(trim(:unit)) "
        f"AND ts_epoch > {_NOW} - :hours * 3600 AND (:measure = '' OR measure = :measure) ORDER BY measure, ts_epoch",
        obj(
            {
                "unit": {
                    "type": "string",
                    "enum": _CRAHS,
                    "description": "CRAH/DH1/01 .. CRAH/DH3/08 (Airvane CW-120 in DH1 and DH2, CW-150 EC in DH3)",
                },
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 6},
                "measure": {
                    "type": "string",
                    "enum": ["", "fan_speed_pct", "supply_air_c", "return_air_c", "chw_valve_pct", "underfloor_pa"],
                    "default": "",
                },
            },
            ["unit"],
        ),
    ),
    "alarm_log": (
        "BMS / EPMS alarm log between two RFC 3339 timestamps (kept 7 days), newest first: alarm id, source (an "
        "asset, a cold aisle such as DH2/CA-1, a hall sensor such as DH2/UFP-W), area, alarm code (INLET-HI, "
        "UFP-LO, COND-PUMP, GEN-FTS, BATT-R-HI, ...), text, priority (critical, major, minor, info), raised, cleared "
        "(empty while active)",
        ["alarm", "event", "history", "logs"],
        "SELECT alarm_id, source, area, code, text, priority, raised, cleared FROM alarms "
        "WHERE julianday(raised) >= julianday(:from_ts) AND (:to_ts = '' OR julianday(raised) < julianday(:to_ts)) "
        "AND (:source = '' OR instr(upper(source), upper(:source)) > 0) "
        "AND (:priority = '' OR priority = :priority) ORDER BY raised_epoch DESC",
        obj(
            {
                "from_ts": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "to_ts": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
                "source": {"type": "string", "default": "", "description": "source or part of it, e.g. CRAH/DH1"},
                "priority": {"type": "string", "enum": ["", "critical", "major", "minor", "info"], "default": ""},
            },
            ["from_ts"],
        ),
    ),
    "alarm_code": (
        "What one BMS / EPMS alarm code means (e.g. UFP-LO, INLET-HI, BATT-R-HI, GEN-FTS): text, equipment, "
        "priority, meaning and the first action",
        ["lookup", "alarm", "document"],
        "SELECT code, equipment, text, priority, meaning, action FROM alarm_codes WHERE code = upper(trim(:code))",
        obj({"code": {"type": "string", "description": "alarm code, e.g. UFP-LO"}}, ["code"]),
    ),
    "battery_strings": (
        "UPS battery monitoring of one string, one reading a day over the last N days (at most 90): average and "
        "highest block internal resistance (milliohm; alert at 130% of the commissioning baseline), the worst "
        "block, float voltage per block, temperature",
        ["metric", "battery", "ups", "trend", "condition"],
        "SELECT string, measured_at, avg_mohm, max_mohm, worst_block, float_v, temp_c FROM battery "
        f"WHERE string = upper(trim(:string)) AND measured_epoch >= {_NOW} - :days * 86400 ORDER BY measured_epoch",
        obj(
            {
                "string": {
                    "type": "string",
                    "enum": _STRINGS,
                    "description": "UPS module and string, e.g. UPS-B2:STR2 (two strings of 40 blocks per module)",
                },
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 14},
            },
            ["string"],
        ),
    ),
    "energy_daily": (
        "Energy per data hall and whole UTC day for days between two dates (complete days only, kept 60 days): IT "
        "energy (kWh), cooling and other energy (kWh), partial PUE, peak IT load (kW)",
        ["metric", "energy", "power", "pue", "ranking"],
        "SELECT day, hall, it_kwh, cooling_kwh, other_kwh, ppue, peak_it_kw FROM energy "
        "WHERE day >= :from_date AND (:to_date = '' OR day <= :to_date) AND (:hall = '' OR hall = upper(:hall)) "
        "ORDER BY day DESC, hall",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: yesterday"},
                "hall": {"type": "string", "enum": ["", *_HALLS], "default": ""},
            },
            ["from_date"],
        ),
    ),
    "customer_cages": (
        "Colocation customers' cages (C2.03: hall 2, cage 3) by customer name or part of it: customer, hall, cold "
        "aisles, racks, contracted power (kW), SLA inlet limit (deg C), customer's account manager",
        ["lookup", "customer", "inventory", "cage"],
        "SELECT cage, customer, hall, aisles, racks, contracted_kw, sla_inlet_c, account_manager FROM cages "
        "WHERE instr(lower(customer), lower(trim(:customer))) > 0 AND (:hall = '' OR hall = upper(:hall)) "
        "ORDER BY cage",
        obj(
            {
                "customer": {"type": "string", "default": "", "description": "customer name or part of it; empty: all"},
                "hall": {"type": "string", "enum": ["", *_HALLS], "default": ""},
            }
        ),
    ),
    "customer_tickets": (
        "Customer service tickets (CS-nnnnn) opened in the last N hours (at most 168), newest first: customer, "
        "cage, subject, severity (P1-P4), status (open, pending, closed), handler",
        ["history", "customer", "ticket", "complaint"],
        "SELECT ticket, opened, customer, cage, subject, severity, status, handler FROM tickets "
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
        "Critical facilities work orders (WO.yy.nnnn) created within a period (12h, 2d, 7d, 30d), newest first: "
        "asset, type (corrective, planned, project, inspection), status (open, in_progress, awaiting_parts, "
        "scheduled, completed), engineer, created, planned for, completed, title, notes",
        ["history", "maintenance", "work", "repair"],
        "SELECT wo, asset, type, status, engineer, created, planned_for, completed, title, notes FROM work_orders "
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
        "Management of change (MOC/yy/nnn) records raised or implemented in the last N days (at most 30), newest "
        "first: title, assets, category (bms_firmware, bms_software, chiller, electrical, mechanical, network), "
        "state (approved, implemented, backed_out), requested by, implemented by, approver, planned start, "
        "implemented, backout plan, notes",
        ["change", "config", "history", "deploy"],
        "SELECT moc, title, assets, category, state, requested_by, implemented_by, approver, planned_start, "
        f"implemented, backout, notes FROM changes WHERE (raised_epoch >= {_NOW} - :days * 86400 OR "
        f"implemented_epoch >= {_NOW} - :days * 86400) AND (:category = '' OR category = :category) "
        "ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "category": {
                    "type": "string",
                    "enum": ["", "bms_firmware", "bms_software", "chiller", "electrical", "mechanical", "network"],
                    "default": "",
                },
            }
        ),
    ),
    "soc_log": (
        "Site operations centre (SOC) log entries (SOC-yy-nnnn) written in the last N hours (at most 48), newest "
        "first, matching words of the author or the entry: time, author, role, entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM soc_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": "", "description": "words to match; empty: all"},
            }
        ),
    ),
    "vendor_case": (
        "One equipment vendor's support case by its reference (Airvane AV-CS-nnnnnn, Voltrane VT/INC/nnnnn, Kelvar "
        "KLV-yyyy-nnnn): vendor, assets, subject, status, priority, vendor engineer, opened, updated, the vendor's "
        "latest response",
        ["lookup", "case", "vendor", "ticket"],
        "SELECT ref, vendor, assets, subject, status, priority, engineer, opened, updated, latest FROM vendor_cases "
        "WHERE replace(replace(replace(upper(ref), '-', ''), '/', ''), ' ', '') = "
        "replace(replace(replace(upper(trim(:ref)), '-', ''), '/', ''), ' ', '')",
        obj({"ref": {"type": "string", "description": "case reference, e.g. AV-CS-118204"}}, ["ref"]),
    ),
    "procedures_search": (
        "Free-text search of the site's emergency operating procedures (EOP-nn), standard operating procedures "
        "(SOP-CF-nnn, SOP-CS-nnn), methods of procedure (MOP-...) and vendors' manuals (IOM ...)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
