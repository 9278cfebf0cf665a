"""The fifteenth estate's APIs (:mod:`tests.ops_eval.fifteenth_estate`): SQL over a fibre broadband provider's
access network operations store, as its NOC, field and planning engineers would publish them. Windows differ
from API to API on purpose: a ``window`` enum (15m, 1h, 6h, 24h), ISO timestamps (``from_ts`` / ``to_ts``), ISO
dates (``since_date`` / ``until_date``), ``minutes``, ``hours_back``, ``since_hours`` and ``days``; several APIs
require an ``olt`` (and one a PON ``port``); one looks up a subscriber by account or ONT serial; one is a
free-text search of the knowledge base."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_OLTS = ["kinwell.olt1", "kinwell.olt2", "ashbury.olt1", "dunmore.olt1"]
_POPS = ["KNW", "ASH", "DNQ"]
_OLT = {"type": "string", "enum": _OLTS, "description": "OLT hostname, e.g. kinwell.olt2"}
_ANY_OLT = {"type": "string", "enum": ["", *_OLTS], "default": "", "description": "OLT hostname; empty: all"}
_ANY_POP = {"type": "string", "enum": ["", *_POPS], "default": "",
            "description": "POP code: KNW (Kinwell), ASH (Ashbury Cross), DNQ (Dunmore Quay); empty: all"}  # fmt: skip
_PORT = {"type": "string", "default": "", "description": "GPON port frame/slot/port, e.g. 0/2/5; empty: all"}
_DATE = {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "pop_sites": (
        "Points of presence (exchange buildings): code, name, street address, backup power, year commissioned",
        ["inventory", "site", "pop"],
        "SELECT code, name, address, backup_power, commissioned FROM pops ORDER BY code",
        obj({}),
    ),
    "olt_inventory": (
        "Optical line terminals (OLTs) per POP: hostname, vendor, model, running software release, uplinks, "
        "year commissioned",
        ["inventory", "olt", "config", "software"],
        "SELECT o.olt, o.pop, p.name AS pop_name, o.vendor, o.model, o.software, o.uplinks, o.commissioned "
        "FROM olts o JOIN pops p ON p.code = o.pop WHERE (:pop = '' OR o.pop = :pop) ORDER BY o.olt",
        obj({"pop": _ANY_POP}),
    ),
    "pon_port_status": (
        "GPON ports of one OLT now: street cabinet (FDH) and feeder cable served, ODF position in the POP, ONTs "
        "provisioned and online, operational state (up, degraded, down) and since when, DBA profile",
        ["state", "pon", "port", "olt", "config"],
        "SELECT port, cabinet, feeder, odf, onts_provisioned, onts_online, oper_state, state_since, dba_profile "
        "FROM pon_ports WHERE olt = :olt ORDER BY port",
        obj({"olt": _OLT}, ["olt"]),
    ),
    "ont_list": (
        "ONTs on one GPON port: ONT id, serial, subscriber account, model, status (online, los, dying_gasp), "
        "receive power now (dBm), fibre distance (m), last seen",
        ["state", "ont", "pon", "subscriber"],
        "SELECT ont_id, serial, account, model, status, rx_dbm, distance_m, last_seen FROM onts "
        "WHERE olt = :olt AND port = :port AND (:status = '' OR status = :status) ORDER BY ont_id",
        obj(
            {
                "olt": _OLT,
                "port": {"type": "string", "description": "GPON port frame/slot/port, e.g. 0/2/5"},
                "status": {"type": "string", "enum": ["", "online", "los", "dying_gasp"], "default": ""},
            },
            ["olt", "port"],
        ),
    ),
    "subscriber_lookup": (
        "Look up a subscriber by account number (7 digits, e.g. 0038107) or ONT serial: broadband plan, ONT, "
        "OLT and port, ONT status and receive power, activation date",
        ["subscriber", "customer", "ont", "account"],
        "SELECT s.account, s.plan, s.activated, o.serial, o.olt, o.port, o.ont_id, o.status, o.rx_dbm, o.last_seen "
        "FROM subscribers s JOIN onts o ON o.serial = s.serial "
        "WHERE s.account = :q OR upper(o.serial) = upper(:q)",
        obj({"q": {"type": "string", "description": "account number or ONT serial"}}, ["q"]),
    ),
    "pon_optics_history": (
        "PON port optical health in 5-minute samples over a window (15m, 1h, 6h or 24h): average and lowest ONT "
        "receive power (dBm), ONTs online, upstream BIP errors",
        ["metric", "optical", "pon", "port", "olt"],
        "SELECT olt, port, ts, avg_rx_dbm, min_rx_dbm, onts_online, bip_errors FROM pon_optics WHERE olt = :olt "
        "AND (:port = '' OR port = :port) AND ts_epoch >= "
        f"{_NOW} - CASE :window WHEN '15m' THEN 900 WHEN '1h' THEN 3600 WHEN '6h' THEN 21600 ELSE 86400 END "
        "ORDER BY port, ts_epoch",
        obj(
            {
                "olt": _OLT,
                "port": _PORT,
                "window": {"type": "string", "enum": ["15m", "1h", "6h", "24h"], "default": "1h"},
            },
            ["olt"],
        ),
    ),
    "olt_environment": (
        "OLT chassis sensors hourly, narrow rows (olt, sensor, value, ts): chassis_temp_c (Celsius), fan_tray_rpm, "
        "psu_input_v (DC volts), from a UTC date to another (inclusive)",
        ["metric", "environment", "temperature", "fan", "power", "olt"],
        "SELECT olt, sensor, value, ts FROM olt_env WHERE (:olt = '' OR olt = :olt) "
        "AND (:sensor = '' OR sensor = :sensor) AND substr(ts, 1, 10) >= :since_date "
        "AND (:until_date = '' OR substr(ts, 1, 10) <= :until_date) ORDER BY olt, sensor, ts",
        obj(
            {
                "olt": _ANY_OLT,
                "sensor": {
                    "type": "string",
                    "enum": ["", "chassis_temp_c", "fan_tray_rpm", "psu_input_v"],
                    "default": "",
                },
                "since_date": {**_DATE, "description": "first day, YYYY-MM-DD (UTC)"},
                "until_date": {
                    **_DATE,
                    "pattern": "^(\\d{4}-\\d{2}-\\d{2})?$",
                    "default": "",
                    "description": "last day, YYYY-MM-DD (UTC), inclusive; empty: today",
                },
            },
            ["since_date"],
        ),
    ),
    "olt_kpis": (
        "One OLT's KPIs every 5 minutes over the last N minutes, narrow rows (metric, value, ts): cpu_pct, "
        "uplink_in_gbps (downstream traffic), onts_online (all ports)",
        ["metric", "olt", "cpu", "traffic"],
        "SELECT metric, value, ts FROM olt_kpis WHERE olt = :olt AND (:metric = '' OR metric = :metric) "
        f"AND ts_epoch >= {_NOW} - :minutes * 60 ORDER BY metric, ts_epoch",
        obj(
            {
                "olt": _OLT,
                "metric": {"type": "string", "enum": ["", "cpu_pct", "uplink_in_gbps", "onts_online"], "default": ""},
                "minutes": {"type": "integer", "minimum": 5, "maximum": 360, "default": 60},
            },
            ["olt"],
        ),
    ),
    "alarm_log": (
        "OLT alarms raised in the last N hours, newest first: alarm id, OLT, object (port, fan tray, PSU, NE), "
        "severity (critical, major, minor, warning), alarm, detail, raised, cleared (empty while active)",
        ["alarm", "event", "olt", "state", "history"],
        "SELECT alarm_id, olt, object, severity, alarm, detail, raised, cleared FROM alarms "
        f"WHERE raised_epoch >= {_NOW} - :hours_back * 3600 AND (:olt = '' OR olt = :olt) "
        "AND (:severity = '' OR severity = :severity) "
        "AND (:state = '' OR (:state = 'active' AND cleared IS NULL) OR (:state = 'cleared' AND cleared IS NOT NULL)) "
        "ORDER BY raised_epoch DESC",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 240, "default": 24},
                "olt": _ANY_OLT,
                "severity": {"type": "string", "enum": ["", "critical", "major", "minor", "warning"], "default": ""},
                "state": {"type": "string", "enum": ["", "active", "cleared"], "default": ""},
            }
        ),
    ),
    "change_records": (
        "Change records (CHGnnnnnnn) whose start falls between two ISO timestamps: title, site (POP code or "
        "core), target, type (standard, normal, emergency), status (scheduled, in_progress, implemented), "
        "implementer, start, end",
        ["history", "change", "config"],
        "SELECT chg, title, site, target, type, status, implementer, start_ts, end_ts FROM changes "
        "WHERE start_ts >= :from_ts AND (:to_ts = '' OR start_ts < :to_ts) "
        "AND (:site = '' OR site = :site) ORDER BY start_ts DESC",
        obj(
            {
                "from_ts": {"type": "string", "description": "ISO timestamp, e.g. 2026-03-01T08:00:00Z"},
                "to_ts": {"type": "string", "default": "", "description": "ISO timestamp; empty: no upper bound"},
                "site": {"type": "string", "enum": ["", *_POPS, "core"], "default": ""},
            },
            ["from_ts"],
        ),
    ),
    "major_incidents": (
        "Major incident register (MInnnn): priority (P1-P4), status (investigating, monitoring, resolved), title, "
        "incident lead, customers affected, opened, resolved",
        ["history", "incident"],
        "SELECT mi, priority, status, title, lead, customers_affected, opened, resolved FROM incidents "
        "WHERE (:status = '' OR status = :status) AND instr(lower(mi || ' ' || title), lower(:text)) > 0 "
        "ORDER BY opened DESC",
        obj(
            {
                "status": {"type": "string", "enum": ["", "investigating", "monitoring", "resolved"], "default": ""},
                "text": {"type": "string", "default": "", "description": "incident id or words of the title"},
            }
        ),
    ),
    "fault_ticket_counts": (
        "Customer fault tickets counted per POP, OLT, PON port and category (no_service, intermittent, "
        "slow_speed, wifi_issue) since N hours ago, most first, with the latest ticket's time",
        ["metric", "customer", "ticket", "fault", "ranking"],
        "SELECT pop, olt, port, category, COUNT(*) AS tickets, MAX(ts) AS latest FROM tickets "
        f"WHERE ts_epoch >= {_NOW} - :since_hours * 3600 AND (:pop = '' OR pop = :pop) "
        "GROUP BY pop, olt, port, category ORDER BY tickets DESC, pop, olt, port, category",
        obj({"since_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24}, "pop": _ANY_POP}),
    ),
    "field_jobs": (
        "Field engineer jobs (FJnnnnn) updated in the last N days: engineer, site, kind (fault, planned), status "
        "(scheduled, dispatched, on_site, completed), created, last update, notes",
        ["history", "field", "engineer", "maintenance"],
        "SELECT job, engineer, site, kind, status, created, updated, notes FROM jobs "
        f"WHERE updated_epoch >= {_NOW} - :days * 86400 AND (:status = '' OR status = :status) "
        "AND instr(lower(engineer || ' ' || site), lower(:text)) > 0 ORDER BY updated_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "status": {
                    "type": "string",
                    "enum": ["", "scheduled", "dispatched", "on_site", "completed"],
                    "default": "",
                },
                "text": {"type": "string", "default": "", "description": "engineer or site words"},
            }
        ),
    ),
    "kb_search": (
        "Free-text search of the NOC knowledge base and methods of procedure (KB-..., MOP-...): PON faults, "
        "OLT hardware, software upgrades, POP power",
        ["document", "runbook", "procedure", "kb"],
        "SELECT doc, title, body FROM kb WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
    "street_cabinets": (
        "Street cabinets (fibre distribution hubs, FDH-...): street location, POP, splitters, the OLT port that "
        "feeds them, date last inspected",
        ["inventory", "cabinet", "fdh", "location"],
        "SELECT c.cabinet, c.location, c.pop, c.splitters, p.olt, p.port, p.feeder, c.last_inspected "
        "FROM cabinets c LEFT JOIN pon_ports p ON p.cabinet = c.cabinet WHERE (:pop = '' OR c.pop = :pop) "
        "ORDER BY c.cabinet",
        obj({"pop": _ANY_POP}),
    ),
    "pon_daily_peak": (
        "Daily peak downstream utilisation of an OLT's GPON ports over the last N days: day (UTC), peak "
        "utilisation % of 2.488 Gbps, peak Gbps, peak hour",
        ["metric", "capacity", "utilisation", "pon", "trend"],
        "SELECT port, day, peak_util_pct, peak_down_gbps, peak_hour FROM pon_daily WHERE olt = :olt "
        "AND (:port = '' OR port = :port) AND day > date('now', '-' || :days || ' days') ORDER BY port, day",
        obj(
            {
                "olt": _OLT,
                "port": _PORT,
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
            },
            ["olt"],
        ),
    ),
}
