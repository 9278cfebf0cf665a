"""The twenty-seventh estate's APIs (:mod:`tests.ops_eval.twentyseventh_estate`): SQL over a city district heating
operator's store (energy centres and their plant, pumping stations, zone hydraulics, leak detection, make-up water,
customer substations and their heat meters, comfort complaints, SCADA alarms, planned works, work orders, control
strategy changes, supplier tickets, on-call and the control room), as its control room, network team, plant team,
controls engineers and customer services would publish them: some tersely, some at length. Windows differ from API to
API on purpose: ``lookback_minutes`` (at most 2880), an ISO 8601 duration (``window``: ``PT6H``, ``P7D``), RFC 3339
timestamps (``since`` / ``until``), epoch seconds (``from_ts`` / ``to_ts``), ISO dates (``from_date`` / ``to_date``,
``since_date``), a duration string (``period``: ``24h``, ``7d``), ``hours`` and ``days``; one API requires a pipe
section (its alarm wire's daily readings); two look up one record by key (a supplier ticket, a supplier); two search
free text (the control room log, procedures); none aggregates (counts and totals are left to the reader); three join
the substation register (status, meters, complaints); the on-call rota and the control room shift leads flag the ones
on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_ZONES = ["", "CC", "DKL", "HILL", "EF2"]
_SECTIONS = ["CC-031", "CC-044", "CC-052", "DK-107", "DK-114", "DK-121", "EF-203", "EF-210", "HL-301", "HL-306",
             "HL-312", "ML-001", "RV-401"]  # fmt: skip
_ROTAS = ["", "network", "plant", "controls", "customer", "duty_manager"]
#: an ISO 8601 duration of hours or days (PT6H, P7D) in seconds; anything else: 24 hours
_WINDOW_S = (
    "(CASE WHEN upper(:window) LIKE 'PT%H' THEN CAST(substr(:window, 3, length(:window) - 3) AS INTEGER) * 3600 "
    "WHEN upper(:window) LIKE 'P%D' THEN CAST(substr(:window, 2, length(:window) - 2) AS INTEGER) * 86400 "
    "ELSE 86400 END)"
)
_PERIOD_S = (
    "(CAST(substr(:period, 1, length(:period) - 1) AS INTEGER) * "
    "CASE lower(substr(:period, -1)) WHEN 'd' THEN 86400 WHEN 'h' THEN 3600 ELSE 0 END)"
)


def _centre(col: str, param: str) -> str:
    """A filter on an energy centre column by its code or (part of) its name; empty matches everything."""
    named = f"({col} || ' ' || coalesce((SELECT c.name FROM centres c WHERE c.code = {col}), ''))"
    return f"(:{param} = '' OR instr(upper({named}), upper(trim(:{param}))) > 0)"


def _zone(col: str, param: str) -> str:
    """A filter on a zone column by its code or (part of) its name; empty matches everything."""
    named = f"({col} || ' ' || coalesce((SELECT z.name FROM zones z WHERE z.code = {col}), ''))"
    return f"(:{param} = '' OR instr(upper({named}), upper(trim(:{param}))) > 0)"


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, hashes and spaces (ticket references are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "/", "#", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


_ZONE_PARAM = {"type": "string", "default": "", "description": "zone code or name, e.g. HILL, Hilltop; empty: all"}
_CENTRE_PARAM = {"type": "string", "default": "", "description": "energy centre code or name (MLN, Mill Lane)"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "energy_centres": (
        "Energy centres.",
        ["inventory", "site", "energy centre"],
        "SELECT code, name, address, plant, notes FROM centres ORDER BY code",
        obj({}),
    ),
    "plant_assets": (
        "Plant register for the energy centres: gas CHP engines, heat pumps, gas boilers, electrode boiler, thermal "
        "stores. Asset id, centre, type, make/model, heat capacity (MWth), electrical (MWe, CHP only), store volume "
        "(m3), year, controller and firmware.",
        ["inventory", "plant", "asset", "chp", "heat pump", "boiler", "firmware"],
        "SELECT asset, centre, type, model, heat_mw, elec_mw, store_m3, installed, controller FROM plant "
        f"WHERE {_centre('centre', 'centre')} AND (:type = '' OR type = :type) ORDER BY centre, asset",
        obj(
            {
                "centre": _CENTRE_PARAM,
                "type": {
                    "type": "string",
                    "enum": ["", "chp", "heat_pump", "gas_boiler", "electrode_boiler", "thermal_store"],
                    "default": "",
                },
            }
        ),
    ),
    "plant_live": (
        "What each plant item is doing right now according to HeatView SCADA - state (running, standby, tripped, "
        "maintenance, charging, discharging) and since when, heat output now (MWth), load %, state of charge % for "
        "the thermal stores, COP for heat pumps, any active alarm, and a free text note from the control room.",
        ["state", "status", "plant", "live", "output", "chp", "heat pump", "thermal store"],
        "SELECT asset, centre, state, since, heat_mw_now, load_pct, soc_pct, cop, active_alarm, note FROM plant_live "
        f"WHERE {_centre('centre', 'centre')} ORDER BY centre, asset",
        obj({"centre": _CENTRE_PARAM}),
    ),
    "get_plant_output": (
        "Hourly heat output per plant item over a window given as an ISO 8601 duration (PT1H .. P7D; kept 7 days): "
        "heat (MWh), gas in (MWh), electricity in (MWh, heat pumps and the electrode boiler), electricity out (MWh, "
        "CHP). Thermal stores are not included.",
        ["metric", "output", "energy", "mwh", "chp", "heat pump", "hourly", "production"],
        "SELECT asset, hour_start, heat_mwh, gas_in_mwh, elec_in_mwh, elec_out_mwh FROM plant_output "
        f"WHERE hour_epoch + 3600 > {_NOW} - {_WINDOW_S} AND (:asset = '' OR upper(asset) = upper(trim(:asset))) "
        "ORDER BY asset, hour_epoch",
        obj(
            {
                "window": {
                    "type": "string",
                    "pattern": "^[Pp]([Tt][0-9]+[Hh]|[0-9]+[Dd])$",
                    "default": "PT24H",
                    "description": "ISO 8601 duration, e.g. PT12H, P3D",
                },
                "asset": {"type": "string", "default": "", "description": "e.g. CHP-2; empty: all"},
            }
        ),
    ),
    "pumping_station_status": (
        "Pumping stations (main circulation at Mill Lane, the boosters, Riverside injection): zone served, pumps, "
        "control mode, setpoint, pump speed now and speed cap (%), measured index DP now (bar), control strategy "
        "version, active alarm, note",
        ["state", "status", "pumping station", "pump", "pressure", "dp", "booster", "strategy"],
        "SELECT station, name, zone_served, pumps, pumps_running, control_mode, setpoint, speed_pct, speed_cap_pct, "
        "index_dp_bar_now, strategy, active_alarm, note FROM pump_stations ORDER BY station",
        obj({}),
    ),
    "zone_hydraulics_15m": (
        "Network zone hydraulics in 15-minute buckets over the last N minutes (max 2880, stored 7 days): supply temp "
        "at the zone entry (C), return temp (C), differential pressure at the zone's index node (bar), flow (m3/h).",
        ["metric", "pressure", "dp", "temperature", "flow", "zone", "network", "trend"],
        "SELECT zone, bucket_start, supply_c, return_c, index_dp_bar, flow_m3h FROM zone_stats "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 AND {_zone('zone', 'zone')} "
        "ORDER BY zone, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 180},
                "zone": _ZONE_PARAM,
            }
        ),
    ),
    "leak_detection_status": (
        "Pipe network leak detection (alarm wires in the pre-insulated pipes), per section: street, zone, DN, length, "
        "latest insulation resistance (MOhm; alarm below 1.0), loop state, alarm state and since when, note",
        ["state", "leak", "alarm", "pipe", "network", "section"],
        "SELECT section, street, zone, dn, length_m, resistance_mohm, loop, alarm, since, note FROM leak_sections "
        f"WHERE {_zone('zone', 'zone')} ORDER BY section",
        obj({"zone": _ZONE_PARAM}),
    ),
    "leak_wire_readings": (
        "Daily insulation resistance reading of one pipe section's leak detection wires (kept 90 days). Falling "
        "resistance = wet insulation.",
        ["metric", "leak", "pipe", "trend", "condition", "history"],
        "SELECT section, read_at, resistance_mohm, loop_ohm, result FROM leak_readings "
        f"WHERE section = upper(trim(:section)) AND read_epoch >= {_NOW} - :days * 86400 ORDER BY read_epoch",
        obj(
            {
                "section": {"type": "string", "enum": _SECTIONS, "description": "pipe section, e.g. DK-114"},
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 30},
            },
            ["section"],
        ),
    ),
    "makeup_water_daily": (
        "Network make-up water per day (m3 topped up into the network by the pressurisation units at Mill Lane and "
        "Riverside), with the average static pressure and the fill pumps' run hours. Days are UTC dates; the current "
        "day is not included until it is over.",
        ["metric", "water", "make-up", "leak", "daily", "trend"],
        "SELECT day, makeup_m3, fill_pump_hours, static_bar FROM makeup_water WHERE day >= :from_date "
        "AND (:to_date = '' OR day <= :to_date) ORDER BY day",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: latest"},
            },
            ["from_date"],
        ),
    ),
    "substation_list": (
        "Customer substations (one per building): id, building, address, zone, customer type, contracted capacity "
        "(kW), heat exchanger / controller, heat meter serial",
        ["inventory", "substation", "customer", "building", "meter"],
        "SELECT substation, building, address, zone, customer_type, capacity_kw, hex_controller, meter_serial "
        f"FROM substations WHERE {_zone('zone', 'zone')} ORDER BY substation",
        obj({"zone": _ZONE_PARAM}),
    ),
    "substation_status": (
        "Live substation state from the meters and controllers: ok / warning / fault / offline, since, primary DP "
        "(bar), primary flow and return temp (C), secondary supply temp and its setpoint (C), active fault",
        ["state", "status", "substation", "customer", "fault", "temperature", "live"],
        "SELECT s.substation, b.building, b.zone, s.state, s.since, s.primary_dp_bar, s.primary_flow_c, "
        "s.primary_return_c, s.secondary_supply_c, s.secondary_setpoint_c, s.active_fault FROM substation_live s "
        f"JOIN substations b ON b.substation = s.substation WHERE {_zone('b.zone', 'zone')} "
        "AND (:state = '' OR s.state = :state) ORDER BY s.substation",
        obj(
            {
                "zone": _ZONE_PARAM,
                "state": {"type": "string", "enum": ["", "ok", "warning", "fault", "offline"], "default": ""},
            }
        ),
    ),
    "heat_meter_hourly": (
        "Heat meter data per substation per hour. from_ts / to_ts in unix epoch seconds (to_ts 0 = now). Energy "
        "(kWh), volume (m3), primary flow and return temps (C). No rows while a meter is offline.",
        ["metric", "meter", "energy", "consumption", "kwh", "substation", "customer", "hourly"],
        "SELECT m.substation, b.building, m.hour_start, m.kwh, m.m3, m.flow_c, m.return_c FROM meter_hourly m "
        "JOIN substations b ON b.substation = m.substation WHERE m.hour_epoch + 3600 > :from_ts "
        "AND (:to_ts = 0 OR m.hour_epoch < :to_ts) AND (:substation = '' OR m.substation = upper(trim(:substation))) "
        f"AND {_zone('b.zone', 'zone')} ORDER BY m.substation, m.hour_epoch",
        obj(
            {
                "from_ts": {"type": "integer", "description": "start, unix epoch seconds"},
                "to_ts": {"type": "integer", "default": 0, "description": "end, unix epoch seconds; 0: now"},
                "substation": {"type": "string", "default": "", "description": "e.g. SS-0211; empty: all"},
                "zone": _ZONE_PARAM,
            },
            ["from_ts"],
        ),
    ),
    "comfort_complaints": (
        "Customer heating / hot water complaints logged by the contact centre in the last N days (max 30)",
        ["complaint", "customer", "comfort", "heating", "hot water", "count"],
        "SELECT c.ref, c.received, c.substation, b.building, b.zone, c.unit, c.category, c.summary, c.vulnerable, "
        "c.status FROM complaints c JOIN substations b ON b.substation = c.substation "
        f"WHERE c.received_epoch >= {_NOW} - :days * 86400 AND {_zone('b.zone', 'zone')} "
        "AND (:substation = '' OR c.substation = upper(trim(:substation))) ORDER BY c.received_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "zone": _ZONE_PARAM,
                "substation": {"type": "string", "default": ""},
            }
        ),
    ),
    "scada_alarms": (
        "HeatView SCADA alarm journal between two RFC 3339 timestamps: alarm, raised, cleared, priority (P1 highest), "
        "source (plant, pumping station, zone, pipe section or substation), tag, message, state, acknowledged by. "
        "Source matches on part of the name.",
        ["alarm", "fault", "trip", "history", "scada", "event"],
        "SELECT alarm, raised, cleared, priority, source, tag, message, state, acked_by FROM alarms "
        "WHERE raised_epoch >= CAST(strftime('%s', :since) AS INTEGER) "
        "AND (:until = '' OR raised_epoch < CAST(strftime('%s', :until) AS INTEGER)) "
        "AND (:priority = '' OR priority = upper(:priority)) AND (:state = '' OR state = :state) "
        "AND (:source = '' OR instr(upper(source), upper(trim(:source))) > 0) ORDER BY raised_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "from, RFC 3339 UTC"},
                "until": {"type": "string", "default": "", "description": "to, RFC 3339 UTC; empty: now"},
                "priority": {"type": "string", "enum": ["", "P1", "P2", "P3"], "default": ""},
                "state": {"type": "string", "enum": ["", "active", "cleared"], "default": ""},
                "source": {"type": "string", "default": ""},
            },
            ["since"],
        ),
    ),
    "planned_works": (
        "Planned works on the network and in the energy centres, ours and third parties' (street works, gas "
        "network), overlapping the days from_date .. to_date (YYYY-MM-DD): ref, what, where, contractor, start, end, "
        "status, customer impact",
        ["planned", "maintenance", "works", "outage", "schedule", "excavation"],
        "SELECT ref, title, location, contractor, starts, ends, status, impact FROM works "
        "WHERE substr(ends, 1, 10) >= :from_date AND (:to_date = '' OR substr(starts, 1, 10) <= :to_date) "
        "ORDER BY starts",
        obj(
            {
                "from_date": {"type": "string", "format": "date"},
                "to_date": {"type": "string", "default": ""},
            },
            ["from_date"],
        ),
    ),
    "work_orders": (
        "Maintenance work orders (WOnnnnn) created on or after since_date (YYYY-MM-DD), newest first; status open, "
        "in_progress, awaiting_parts, completed",
        ["maintenance", "work order", "repair", "history", "investigation"],
        "SELECT wo, asset, title, status, assigned_to, created, completed, notes FROM work_orders "
        "WHERE substr(created, 1, 10) >= :since_date AND (:status = '' OR status = :status) ORDER BY created DESC",
        obj(
            {
                "since_date": {"type": "string", "format": "date"},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "in_progress", "awaiting_parts", "completed"],
                    "default": "",
                },
            },
            ["since_date"],
        ),
    ),
    "control_changes": (
        "Control change requests (CCR-nnnn): control strategies, setpoints, PLC / SCADA software and plant "
        "firmware, raised or implemented within a period (e.g. 24h, 72h, 7d), newest first. Who asked, who did it, "
        "who approved, planned and implemented times, backout notes.",
        ["change", "config", "strategy", "setpoint", "firmware", "history", "scada"],
        "SELECT ccr, title, scope, state, requested_by, implemented_by, approver, planned, implemented, notes "
        f"FROM changes WHERE (raised_epoch >= {_NOW} - {_PERIOD_S} OR implemented_epoch >= {_NOW} - {_PERIOD_S}) "
        "ORDER BY coalesce(implemented_epoch, raised_epoch) DESC",
        obj({"period": {"type": "string", "pattern": "^[0-9]+[hdHD]$", "default": "7d", "description": "e.g. 24h"}}),
    ),
    "vendor_ticket": (
        "Look up a supplier ticket: Vardeck (CHP engines) VDK-nnnnn, Nordkyl (heat pumps) NKY-nnnn-yy, Corvex "
        "Automation (HeatView SCADA, PLCs, index loggers) CVX-SR-nnnnn. Status, priority, engineer, latest update / "
        "advice from the supplier.",
        ["lookup", "vendor", "supplier", "ticket", "case"],
        "SELECT ref, supplier, asset, subject, status, priority, engineer, raised_by, opened, updated, latest "
        f"FROM tickets WHERE {_norm('ref')} = {_norm('trim(:ref)')}",
        obj({"ref": {"type": "string", "description": "ticket reference, e.g. CVX-SR-20931"}}, ["ref"]),
    ),
    "vendor_contacts": (
        "Supplier support lines, hours and escalation contacts.",
        ["contact", "vendor", "supplier", "escalation", "phone"],
        "SELECT supplier, covers, support_line, hours, escalation, contract FROM suppliers "
        "WHERE (:name = '' OR instr(lower(supplier), lower(trim(:name))) > 0) ORDER BY supplier",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "oncall": (
        "On-call rota, weekly from Monday 08:00 UTC. Rotas: network (pipes, pumping stations, leak detection), plant "
        "(energy centres), controls (SCADA, PLCs, control strategies), customer (substations, meters, complaints), "
        "duty_manager. Primary / secondary, mobile, this week and next; on_now = yes for whoever is on now.",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, name, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "control_room_shift_lead": (
        "Control room shift leads (12 h shifts, 07:00-19:00 and 19:00-07:00 UTC): previous, current and next, with "
        "on_now = yes for the current one",
        ["contact", "shift", "control room", "who"],
        "SELECT shift, starts, ends, lead, phone, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        f"WHERE ends_epoch > {_NOW} - 43200 AND starts_epoch < {_NOW} + 43200 ORDER BY starts_epoch",
        obj({}),
    ),
    "control_room_log": (
        "Control room log (CRL-yy-nnnn), last N hours (max 48), newest first. Optional text filter.",
        ["history", "log", "handover", "notes", "control room"],
        "SELECT entry, ts, author, role, text FROM crlog "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": ""},
            }
        ),
    ),
    "search_procedures": (
        "Search operating procedures (SOP-NW-nn network, SOP-CU-nn customer, ENG-CHP-nn plant), the escalation "
        "matrix (ESC-nn) and OEM manuals for a word or phrase",
        ["document", "procedure", "sop", "runbook", "how to"],
        "SELECT doc, title, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
