"""The twenty-third estate's APIs (:mod:`tests.ops_eval.twentythird_estate`): SQL over a satellite ground station
network's operations store (antennas, their antenna control units and modems, passes, missions, support campaigns), as
its network operations centre (NOC), RF engineering, site engineering, mission planning and customer success would
publish them. Windows differ from API to API on purpose: ``lookback_minutes`` (at most 2880), RFC 3339 timestamps
(``since`` / ``until``; the required one with format date-time), ISO dates (``from_date`` / ``to_date``; the required
one with format date), a named ``created_within`` enum (12h, 2d, 7d, 30d), ``hours`` and ``days``; two APIs require an
antenna (its ACU telemetry, its daily health checks); two look up one record by key (an alarm code, a vendor ticket)
and one finds support campaigns by spacecraft; two search free text (the NOC log, procedures); one is narrow
(antenna, measure, value, ts)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_ANTENNAS = (
    [f"VRD.A{n:02d}" for n in range(1, 6)]
    + [f"PCM.A{n:02d}" for n in range(1, 4)]
    + [f"KMO.A{n:02d}" for n in range(1, 4)]
)
_MISSIONS = ["SC:ORBIS-3", "SC:TERRALUX-1A", "SC:TERRALUX-1B", "SC:NIVALIS-2", "SC:KESTREL-SAR-2", "SC:PICO-12"]
_CATEGORIES = ["", "acu_firmware", "acu_config", "modem", "network", "electrical", "scheduling", "rf"]
_WITHIN = {"12h": 43200, "2d": 172800, "7d": 604800, "30d": 2592000}
_WITHIN_SQL = (
    "CASE :created_within " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _WITHIN.items()) + " ELSE 604800 END"
)

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "site_directory": (
        "Sites of the Halvard Ground Network (HGN) by code (HGN/VRD Vardenes, the Arctic site; HGN/PCM Puerto Calma; "
        "HGN/KMO Kaimoana; HGN/NOC the network operations centre in Bergholm; HGN/ENG engineering and spares): name, "
        "location, antennas, what is there, owning team",
        ["inventory", "site", "station", "location"],
        "SELECT code, name, location, antennas, description, owner FROM sites ORDER BY code",
        obj({}),
    ),
    "antenna_register": (
        "Antenna register: every ground station antenna (VRD.A01 .. VRD.A05, PCM.A01 .. PCM.A03, KMO.A01 .. KMO.A03: "
        "site code, a dot, A and two digits): site, dish diameter (m), bands (S, X, Ka), antenna control unit (ACU) "
        "make and model, modem, LNA, year commissioned",
        ["inventory", "antenna", "dish", "asset", "acu"],
        "SELECT antenna, site, dish_m, bands, acu, modem, lna, commissioned FROM antennas "
        "WHERE (:site = '' OR instr(upper(site), upper(trim(:site))) > 0) "
        "AND (:band = '' OR instr(bands, :band) > 0) ORDER BY antenna",
        obj(
            {
                "site": {"type": "string", "default": "", "description": "site code or part of it, e.g. HGN/VRD"},
                "band": {"type": "string", "enum": ["", "S", "X", "Ka"], "default": ""},
            }
        ),
    ),
    "antenna_status": (
        "Every antenna now, as the NOC's monitoring and control (M&C) system sees it: state (operational, degraded, "
        "down, maintenance) and since when, tracking mode (program_track, autotrack, standby, stow), the spacecraft in "
        "view (empty between passes), active alarm code, ACU firmware, modem state (locked, idle, lost)",
        ["state", "status", "firmware", "antenna", "mode"],
        "SELECT antenna, site, state, since, mode, in_view, active_alarm, acu_firmware, modem FROM status "
        "WHERE (:site = '' OR instr(upper(site), upper(trim(:site))) > 0) ORDER BY antenna",
        obj({"site": {"type": "string", "default": "", "description": "site code or part of it; empty: all"}}),
    ),
    "link_quality": (
        "Downlink quality per antenna and 15-minute bucket over the last N minutes (at most 2880; kept 7 days): "
        "passes tracked in the bucket, frames received (thousands), frame loss (% of the frames the spacecraft sent), "
        "average Eb/N0 (dB); loss and Eb/N0 are empty when the antenna tracked no pass",
        ["metric", "frame loss", "downlink", "link", "trend", "ranking"],
        "SELECT antenna, bucket_start, passes, frames_k, frame_loss_pct, avg_ebn0_db FROM link_quality "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 "
        "AND (:antenna = '' OR antenna = upper(trim(:antenna))) ORDER BY antenna, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180},
                "antenna": {
                    "type": "string",
                    "enum": ["", *_ANTENNAS],
                    "default": "",
                    "description": "antenna, e.g. VRD.A03; empty: all",
                },
            }
        ),
    ),
    "acu_telemetry": (
        "One antenna's ACU telemetry, a sample every 10 minutes over the last N hours (at most 48; none while its ACU "
        "restarts or the antenna is down), narrow rows (antenna, measure, value, ts): pointing_err_mdeg (tracking "
        "error, millidegrees), az_motor_a and el_motor_a (drive currents, amperes), lna_temp_k (LNA noise "
        "temperature, kelvin)",
        ["metric", "antenna", "pointing", "telemetry", "trend"],
        "SELECT antenna, measure, value, ts FROM telemetry WHERE antenna = upper(trim(:antenna)) "
        f"AND ts_epoch > {_NOW} - :hours * 3600 AND (:measure = '' OR measure = :measure) ORDER BY measure, ts_epoch",
        obj(
            {
                "antenna": {"type": "string", "enum": _ANTENNAS, "description": "antenna, e.g. VRD.A03"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "measure": {
                    "type": "string",
                    "enum": ["", "pointing_err_mdeg", "az_motor_a", "el_motor_a", "lna_temp_k"],
                    "default": "",
                },
            },
            ["antenna"],
        ),
    ),
    "alarm_log": (
        "M&C alarm log between two RFC 3339 timestamps (kept 7 days), newest first: alarm id, unit (an antenna such "
        "as VRD.A03, or site equipment such as VRD:GPS-1, KMO:RTR-1, NOC:FEP-2), detail (a pass, a part), alarm code "
        "(ACU.TRK-ERR, RX.FRM-LOSS, RX.MODEM-LOST, ACU.AZ-VIB, ACU.AZ-ENC, SITE.PWR-FAIL, ...), text, severity "
        "(critical, major, minor, info), raised, cleared (empty while active)",
        ["alarm", "fault", "event", "history", "logs"],
        "SELECT alarm_id, unit, detail, code, text, severity, raised, cleared FROM alarms "
        "WHERE julianday(raised) >= julianday(:since) AND (:until = '' OR julianday(raised) < julianday(:until)) "
        "AND (:unit = '' OR instr(upper(unit), upper(trim(:unit))) > 0) AND (:severity = '' OR severity = :severity) "
        "ORDER BY raised_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "window start, RFC 3339 (UTC)"},
                "until": {"type": "string", "default": "", "description": "window end, RFC 3339 (UTC); empty: now"},
                "unit": {"type": "string", "default": "", "description": "unit or part of it, e.g. PCM.A03, VRD"},
                "severity": {"type": "string", "enum": ["", "critical", "major", "minor", "info"], "default": ""},
            },
            ["since"],
        ),
    ),
    "alarm_code": (
        "What one M&C alarm code means (e.g. ACU.TRK-ERR, RX.FRM-LOSS, RX.MODEM-LOST, ACU.AZ-VIB): text, equipment, "
        "severity, meaning and the first action",
        ["lookup", "alarm", "fault", "document"],
        "SELECT code, equipment, text, severity, meaning, action FROM alarm_codes WHERE code = upper(trim(:code))",
        obj({"code": {"type": "string", "description": "alarm code, e.g. ACU.TRK-ERR"}}, ["code"]),
    ),
    "daily_health": (
        "One antenna's automatic daily health check over the last N days (at most 120; none while the antenna is "
        "down): azimuth gearbox vibration (mm/s RMS; warning from 7.1, fail from 11.2), G/T (dB/K, X-band), result "
        "(pass, warn, fail)",
        ["metric", "vibration", "gearbox", "condition", "trend"],
        "SELECT antenna, checked_at, az_vib_mm_s, g_t_db_k, result FROM health WHERE antenna = upper(trim(:antenna)) "
        f"AND checked_epoch >= {_NOW} - :days * 86400 ORDER BY checked_epoch",
        obj(
            {
                "antenna": {"type": "string", "enum": _ANTENNAS, "description": "antenna, e.g. PCM.A02"},
                "days": {"type": "integer", "minimum": 1, "maximum": 120, "default": 14},
            },
            ["antenna"],
        ),
    ),
    "mission_daily": (
        "Pass figures per customer mission and whole UTC day over the last N days (at most 31; complete days, "
        "yesterday back): mission (SC:ORBIS-3, SC:TERRALUX-1A, SC:TERRALUX-1B, SC:NIVALIS-2, SC:KESTREL-SAR-2, "
        "SC:PICO-12), operator, passes booked, passes successful, pass success (%), data delivered (GB), late "
        "deliveries",
        ["metric", "mission", "pass", "ranking", "sla"],
        "SELECT day, mission, operator, passes_booked, passes_ok, success_pct, data_gb, late_deliveries FROM missions "
        f"WHERE day_end_epoch > {_NOW} - :days * 86400 AND (:mission = '' OR mission = upper(trim(:mission))) "
        "ORDER BY day DESC, mission",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 31, "default": 7},
                "mission": {"type": "string", "enum": ["", *_MISSIONS], "default": ""},
            }
        ),
    ),
    "support_campaigns": (
        "Support campaigns (LEOP/yy/nn launch and early orbit, SPX/yy/nn special operations, DCM/yy/nn "
        "decommissioning) running on days between two dates, optionally for one spacecraft (or part of its name): "
        "spacecraft, operator, kind, antennas, priority rule, start and end dates, status (planned, in_progress, "
        "completed), coordinator",
        ["campaign", "leop", "schedule", "lookup", "mission"],
        "SELECT campaign, spacecraft, operator, kind, antennas, priority_rule, start_date, end_date, status, "
        "coordinator FROM campaigns WHERE start_date <= (CASE :to_date WHEN '' THEN '9999-12-31' ELSE :to_date END) "
        "AND end_date >= :from_date AND (:spacecraft = '' OR instr(lower(spacecraft), lower(trim(:spacecraft))) > 0) "
        "ORDER BY start_date DESC",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: no end"},
                "spacecraft": {
                    "type": "string",
                    "default": "",
                    "description": "spacecraft or part of its name, e.g. KESTREL",
                },
            },
            ["from_date"],
        ),
    ),
    "customer_tickets": (
        "Customer tickets (CT#nnnnn) from the satellite operators opened in the last N hours (at most 168), newest "
        "first: customer, mission, reference (an antenna, a pass, a campaign), subject, priority (P1-P4), status "
        "(open, acknowledged, closed), handler",
        ["history", "customer", "complaint", "ticket"],
        "SELECT ticket, opened, customer, mission, reference, subject, priority, status, handler FROM tickets "
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
        "Maintenance work orders (MWO yy/nnnn) created within a period (12h, 2d, 7d, 30d), newest first: antennas, "
        "type (corrective, planned, project, inspection), status (open, in_progress, awaiting_parts, scheduled, "
        "completed), engineer, created, planned for, completed, title, notes",
        ["history", "maintenance", "work", "repair"],
        "SELECT wo, antennas, type, status, engineer, created, planned_for, completed, title, notes FROM work_orders "
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
        "Ground network change requests (CHG-yy-nnnn) raised or implemented in the last N days (at most 30), newest "
        "first: title, units, category (acu_firmware, acu_config, modem, network, electrical, scheduling, rf), state "
        "(approved, implemented, backed_out), requested by, implemented by, approver, planned start, implemented, "
        "backout plan, notes",
        ["change", "config", "history", "deploy", "firmware"],
        "SELECT chg, title, units, category, state, requested_by, implemented_by, approver, planned_start, "
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
    "noc_log": (
        "Network operations centre (NOC) log entries (NOCL-yy-nnnn) written in the last N hours (at most 72), newest "
        "first, matching words of the author or the entry: time, author, role, entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM noc_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "contains": {"type": "string", "default": "", "description": "words to match; empty: all"},
            }
        ),
    ),
    "vendor_ticket": (
        "One supplier's support ticket by its reference (Astrel Systems ACUs AST-SR-nnnnnn, Quantix modems QX "
        "nnnn-nn, Borealis Drives gearboxes BGX/yyyy/nnn): supplier, antennas, subject, status, priority, supplier's "
        "engineer, opened, updated, the supplier's latest response",
        ["lookup", "ticket", "vendor", "case"],
        "SELECT ref, supplier, antennas, subject, status, priority, engineer, opened, updated, latest "
        "FROM vendor_tickets WHERE replace(replace(replace(replace(upper(ref), '-', ''), '#', ''), '/', ''), ' ', '') "
        "= replace(replace(replace(replace(upper(trim(:ref)), '-', ''), '#', ''), '/', ''), ' ', '')",
        obj({"ref": {"type": "string", "description": "ticket reference, e.g. AST-SR-118204"}}, ["ref"]),
    ),
    "procedures_search": (
        "Free-text search of the ground network's procedures (GSP-nnn), NOC work instructions (NOC-WI-nn), emergency "
        "response plans (ERP-nn) and suppliers' manuals (OEM ...)",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
