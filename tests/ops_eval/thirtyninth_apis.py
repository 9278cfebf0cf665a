"""The thirty-ninth estate's APIs (:mod:`tests.ops_eval.thirtyninth_estate`): SQL over an electricity distribution
network operator's control room store (11 kV and 33 kV feeders and their circuit breakers, breaker operations with
trips and auto-reclose, fault passage indicators, SCADA alarms, primary transformers' loading and top oil temperature,
dissolved gas analysis, faults and outages with customers interrupted and customer minutes lost, restoration stages,
secondary substations with their smart meters and priority services register households, smart meter last gasp and
power-restored alerts, field crews and their dispatches, mobile generators, planned outages, switching schedules,
safety documents, network change records, weather and lightning, customer calls by reason, vendor cases and contacts,
on-call, the control engineers' shifts, the control log and the operating procedures), as the DNO's control, asset
and customer teams would publish them: some tersely, some at length. Windows differ from API to API on purpose:
``hours``, ``window_days``, an RFC 3339 time (``since``), ``lookback_hours``, ``last_days``, ``days``, ``hours_back``,
``since_hours``, ISO dates (``from_date`` / ``to_date``) and ``days`` of a live-or-recent filter; one API requires an
incident (its restoration stages); one looks a vendor case up by reference, asset or vendor; two search free text (the
control log, the procedures); three aggregate (trips per breaker, smart meter alerts per substation, customer calls
per reason); the on-call rota and the control shifts flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_PRIMARIES = "PR-412 Holtby, PR-415 Kelsey Cross, PR-418 Marrowby, PR-421 Sutterton Lane, PR-424 Fenby Wold"
_ROTAS = ["", "hv_network", "ehv_network", "protection_telecontrol", "sap_hv", "customer_incident", "duty_manager"]
_SUPPLY = ["", "ON", "OFF", "ON_GENERATOR", "ON_BACKFEED", "OFF_PLANNED"]


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, dots and spaces (ids are typed every way: cb 412/03, F41203)."""
    out = f"upper({expr})"
    for ch in ("-", "/", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on an id column, typed any way; empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


def _site(code: str, name: str, param: str) -> str:
    """A filter on a substation by its code (PR-418) or a part of its name (marrowby); empty matches everything."""
    return (f"(:{param} = '' OR {_norm(code)} = {_norm(f'trim(:{param})')} "
            f"OR instr(lower({name}), lower(trim(:{param}))) > 0)")  # fmt: skip


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "feeder_status": (
        "11 kV and 33 kV feeders (circuits) now, from the network management system: feeder id (F412-03; 33 kV "
        f"circuits C33-418A), voltage, source substation ({_PRIMARIES}, BSP-ASK Askerdale Grid), circuit breaker, "
        "route, construction (overhead, underground, mixed), length, customers, breaker state (CLOSED, OPEN, "
        "LOCKED_OUT), auto-reclose mode, feeder state (NORMAL, ABNORMAL = running in an abnormal configuration or "
        "partly dead), normally open points (NOPs), since, note",
        ["feeder", "circuit", "network", "status", "breaker", "live", "inventory", "config", "auto-reclose"],
        "SELECT feeder, voltage_kv, source, source_name, breaker, route, construction, length_km, customers, "
        "breaker_state, ar_mode, feeder_state, nops, since, note FROM feeders "
        f"WHERE {_site('source', 'source_name', 'substation')} AND {_id('feeder', 'feeder')} "
        "AND (:state = '' OR feeder_state = upper(:state)) ORDER BY voltage_kv DESC, feeder",
        obj(
            {
                "substation": {"type": "string", "default": "", "description": "source substation code or name"},
                "feeder": {"type": "string", "default": "", "description": "e.g. F412-03, C33-418A; empty: all"},
                "state": {"type": "string", "enum": ["", "NORMAL", "ABNORMAL"], "default": ""},
            }
        ),
    ),
    "cb_operations": (
        "Circuit breaker operations from SCADA (kept 30 days) over the last N hours, newest first: breaker "
        "(CB-412-03), feeder, substation, time, operation (TRIP, AR_CLOSE = auto-reclose shot, LOCKOUT, REMOTE_OPEN, "
        "REMOTE_CLOSE, MANUAL_OPEN, MANUAL_CLOSE), protection that operated (EF earth fault, OC overcurrent, SEF), "
        "fault current (A), auto-reclose shot, outcome, by whom",
        ["breaker", "cb", "trip", "auto-reclose", "lockout", "protection", "history", "scada", "switching"],
        "SELECT breaker, feeder, substation, at_utc, operation, protection, fault_current_a, ar_shot, outcome, by_whom "
        f"FROM cb_ops WHERE at_epoch >= {_NOW} - :hours * 3600 AND {_id('breaker', 'breaker')} "
        f"AND {_id('feeder', 'feeder')} ORDER BY at_epoch DESC, seq DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "breaker": {"type": "string", "default": "", "description": "e.g. CB-412-03"},
                "feeder": {"type": "string", "default": "", "description": "e.g. F424-05"},
            }
        ),
    ),
    "breaker_trip_counts": (
        "Protection trips per circuit breaker over the last N days (max 30), most first: trips, successful "
        "auto-reclose shots, lockouts, protections seen, first and last trip",
        ["breaker", "cb", "trip", "count", "ranking", "auto-reclose", "transient", "metric"],
        "SELECT breaker, feeder, SUM(CASE WHEN operation = 'TRIP' THEN 1 ELSE 0 END) AS trips, "
        "SUM(CASE WHEN operation = 'AR_CLOSE' AND outcome = 'successful' THEN 1 ELSE 0 END) AS ar_successful, "
        "SUM(CASE WHEN operation = 'LOCKOUT' THEN 1 ELSE 0 END) AS lockouts, "
        "group_concat(DISTINCT CASE WHEN operation = 'TRIP' THEN protection END) AS protections, "
        "MIN(CASE WHEN operation = 'TRIP' THEN at_utc END) AS first_trip, "
        "MAX(CASE WHEN operation = 'TRIP' THEN at_utc END) AS last_trip FROM cb_ops "
        f"WHERE at_epoch >= {_NOW} - :window_days * 86400 GROUP BY breaker, feeder "
        "HAVING trips > 0 ORDER BY trips DESC, breaker",
        obj({"window_days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7}}),
    ),
    "fpi_status": (
        "Fault passage indicators (FPIs) on overhead and mixed feeders: FPI id (FPI-412-03-2), feeder, pole and "
        "place, feeder section, comms (remote or local flag only), state (FAULT_PASSED latched, NORMAL), when it last "
        "operated, fault type seen, reset mode, battery",
        ["fpi", "fault passage", "indicator", "feeder", "fault location", "state", "live"],
        "SELECT fpi, feeder, location, section, comms, state, last_operated, fault_type, reset_mode, battery_pct "
        f"FROM fpis WHERE {_id('feeder', 'feeder')} AND (:state = '' OR state = upper(:state)) ORDER BY feeder, fpi",
        obj(
            {
                "feeder": {"type": "string", "default": "", "description": "e.g. F412-03; empty: all"},
                "state": {"type": "string", "enum": ["", "FAULT_PASSED", "NORMAL"], "default": ""},
            }
        ),
    ),
    "scada_alarms": (
        "SCADA alarms (kept 72 hours) raised since an RFC 3339 time, newest first: alarm id, raised, priority (1 "
        "urgent .. 4 status), substation, point, message, state (ACTIVE, CLEARED), cleared, acknowledged",
        ["alarm", "scada", "event", "telecontrol", "rtu", "active", "history"],
        "SELECT alarm, raised, priority, substation, point, message, state, cleared, acknowledged FROM alarms "
        "WHERE raised_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND priority <= :max_priority "
        f"AND {_site('substation', 'site_name', 'substation')} AND (:state = '' OR state = upper(:state)) "
        "ORDER BY raised_epoch DESC, alarm DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "max_priority": {"type": "integer", "minimum": 1, "maximum": 4, "default": 4},
                "substation": {"type": "string", "default": "", "description": "code (PR-418, SS-412-034) or name"},
                "state": {"type": "string", "enum": ["", "ACTIVE", "CLEARED"], "default": ""},
            },
            ["since"],
        ),
    ),
    "transformer_loading": (
        "Primary transformers (33/11 kV) every 30 minutes over the last N hours (max 168, kept 7 days), oldest first: "
        "substation, transformer (T1, T2), load (MVA), nameplate rating (MVA, ONAF), % of rating, top oil "
        "temperature (C), tap position, cooling in use, in service",
        ["metric", "transformer", "load", "mva", "oil", "temperature", "trend", "primary", "rating"],
        "SELECT substation, site_name, transformer, sample_end, mva, rating_mva, pct_rating, top_oil_c, tap, cooling, "
        f"in_service FROM tx_load WHERE end_epoch >= {_NOW} - :lookback_hours * 3600 "
        f"AND {_site('substation', 'site_name', 'substation')} AND (:transformer = '' OR transformer = "
        "upper(trim(:transformer))) ORDER BY substation, transformer, end_epoch",
        obj(
            {
                "lookback_hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 2},
                "substation": {"type": "string", "default": "", "description": f"{_PRIMARIES}; empty: all"},
                "transformer": {"type": "string", "enum": ["", "T1", "T2"], "default": ""},
            }
        ),
    ),
    "transformer_dga": (
        "Dissolved gas analysis of primary transformers' oil over the last N days (max 90, kept 90 days), newest "
        "first: online monitor readings (daily, PR-418 T2 and PR-421 T1) and lab samples: hydrogen H2, methane CH4, "
        "ethane C2H6, ethylene C2H4, acetylene C2H2, CO, CO2 (ppm), total dissolved combustible gas, moisture, Duval "
        "zone, assessment",
        ["dga", "oil", "gas", "acetylene", "hydrogen", "transformer", "condition", "trend", "metric"],
        "SELECT substation, transformer, sampled, source, lab_ref, h2_ppm, ch4_ppm, c2h6_ppm, c2h4_ppm, c2h2_ppm, "
        "co_ppm, co2_ppm, tdcg_ppm, moisture_ppm, duval_zone, assessment FROM dga "
        f"WHERE s_epoch >= {_NOW} - :last_days * 86400 AND {_site('substation', 'site_name', 'substation')} "
        "AND (:transformer = '' OR transformer = upper(trim(:transformer))) AND (:source = '' OR source = :source) "
        "ORDER BY s_epoch DESC, substation, transformer",
        obj(
            {
                "last_days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 30},
                "substation": {"type": "string", "default": "", "description": "e.g. PR-421 or sutterton"},
                "transformer": {"type": "string", "enum": ["", "T1", "T2"], "default": ""},
                "source": {"type": "string", "enum": ["", "online", "lab"], "default": ""},
            }
        ),
    ),
    "incidents": (
        "Faults and outages (INC-nnnnn) opened in the last N days (max 30) or not yet closed, newest first: kind (HV "
        "fault, LV fault, transient, plant defect, dangerous situation), feeder and substation, status (open, "
        "restored, closed), cause, customers interrupted (CI, off for 3 minutes or more), customers with a short "
        "interruption, customers off supply now, customer minutes lost (CML) to date and as at when, priority "
        "services register (PSR) households affected and off now, estimated restoration time (ETR), lead crew, summary",
        ["incident", "fault", "outage", "customers", "off supply", "cml", "ci", "etr", "history", "status"],
        "SELECT ref, opened, kind, feeder, substation, status, cause, customers_interrupted, short_interruptions, "
        "customers_off_now, cml_to_date, cml_as_at, psr_affected, psr_off_now, mde_off_now, etr, lead_crew, summary "
        f"FROM incidents WHERE (opened_epoch >= {_NOW} - :days * 86400 OR status <> 'closed') "
        f"AND {_id('ref', 'ref')} AND (:status = '' OR status = lower(:status)) ORDER BY opened_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 2},
                "ref": {"type": "string", "default": "", "description": "e.g. INC-58231"},
                "status": {"type": "string", "enum": ["", "open", "restored", "closed"], "default": ""},
            }
        ),
    ),
    "restoration_stages": (
        "How ONE incident's customers were (or are to be) restored, stage by stage: time, customers restored, "
        "customers still off after it, method (remote switching, manual switching and backfeed, generator, repair), "
        "devices, done or planned",
        ["incident", "restoration", "customers", "timeline", "switching", "generator", "history"],
        "SELECT incident, stage, at_utc, customers_restored, off_after, method, devices, status FROM restoration "
        f"WHERE {_norm('incident')} = {_norm('trim(:incident)')} ORDER BY stage",
        obj({"incident": {"type": "string", "description": "e.g. INC-58231"}}, ["incident"]),
    ),
    "secondary_substations": (
        "Secondary substations (11 kV / LV, ground-mounted SS-412-047 and pole-mounted PMT-424-118): name, feeder, "
        "primary, transformer kVA, customers, smart meters installed, priority services register (PSR) households "
        "and the medically dependent among them (MDE), supply now (ON, OFF, ON_GENERATOR, ON_BACKFEED, OFF_PLANNED), "
        "since, note",
        ["substation", "secondary", "customers", "psr", "vulnerable", "supply", "inventory", "live"],
        "SELECT substation, name, feeder, primary_sub, kind, kva, customers, smart_meters, psr_households, "
        "psr_medically_dependent, supply_now, since, note FROM secondaries "
        f"WHERE {_id('feeder', 'feeder')} AND {_id('substation', 'substation')} "
        "AND (:supply = '' OR supply_now = upper(:supply)) ORDER BY feeder, substation",
        obj(
            {
                "feeder": {"type": "string", "default": "", "description": "e.g. F412-03"},
                "substation": {"type": "string", "default": "", "description": "e.g. SS-412-047"},
                "supply": {"type": "string", "enum": _SUPPLY, "default": ""},
            }
        ),
    ),
    "smart_meter_alerts": (
        "Smart meter power outage alerts per secondary substation over the last N hours (max 48): last gasps (meters "
        "that lost supply), power-restored notifications, the first last gasp and the last restore, and a note "
        "(planned work)",
        ["smart meter", "last gasp", "outage", "restored", "count", "customers", "metric"],
        "SELECT substation, feeder, SUM(CASE WHEN kind = 'LAST_GASP' THEN meters ELSE 0 END) AS last_gasps, "
        "SUM(CASE WHEN kind = 'POWER_RESTORED' THEN meters ELSE 0 END) AS power_restored, "
        "MIN(CASE WHEN kind = 'LAST_GASP' THEN at_utc END) AS first_last_gasp, "
        "MAX(CASE WHEN kind = 'POWER_RESTORED' THEN at_utc END) AS last_restored, "
        "group_concat(DISTINCT NULLIF(note, '')) AS notes FROM meter_alerts "
        f"WHERE at_epoch >= {_NOW} - :hours * 3600 AND {_id('feeder', 'feeder')} "
        f"AND {_id('substation', 'substation')} GROUP BY substation, feeder ORDER BY last_gasps DESC, substation",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "feeder": {"type": "string", "default": ""},
                "substation": {"type": "string", "default": ""},
            }
        ),
    ),
    "field_crews": (
        "Field crews now by call-sign (OHL-2 overhead line gang, FR-14 first responder, JNT-3 cable jointers, GEN-6 "
        "generator team, VEG-1 tree cutting contractor, SUB-1 substation fitters): lead, size, depot, status "
        "(ON_SITE, TRAVELLING, AVAILABLE, STOOD_DOWN), job (incident or planned outage), where, since, ETA or "
        "estimated finish, note",
        ["crew", "field", "dispatch", "resource", "status", "live", "who"],
        "SELECT callsign, kind, lead, size, depot, status, job, location, since, eta_or_finish, note FROM crews "
        f"WHERE (:status = '' OR status = upper(:status)) AND {_id('callsign', 'callsign')} ORDER BY callsign",
        obj(
            {
                "status": {
                    "type": "string",
                    "enum": ["", "ON_SITE", "TRAVELLING", "AVAILABLE", "STOOD_DOWN"],
                    "default": "",
                },
                "callsign": {"type": "string", "default": "", "description": "e.g. OHL-2"},
            }
        ),
    ),
    "crew_dispatches": (
        "Crew dispatches (DSP-nnnnn) made in the last N hours (max 72), newest first: call-sign, job, task, "
        "dispatched, arrived, cleared, status",
        ["dispatch", "crew", "history", "job", "timeline"],
        "SELECT dispatch, callsign, job, task, dispatched, arrived, cleared, status FROM dispatches "
        f"WHERE d_epoch >= {_NOW} - :since_hours * 3600 AND {_id('callsign', 'callsign')} "
        f"AND {_id('job', 'job')} ORDER BY d_epoch DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "callsign": {"type": "string", "default": ""},
                "job": {"type": "string", "default": "", "description": "INC-nnnnn or PO-nnnnn"},
            }
        ),
    ),
    "mobile_generators": (
        "Mobile generators (G-07): size (kVA), owner, base depot, status (RUNNING, EN_ROUTE, AVAILABLE, "
        "MAINTENANCE), where, job, since, ETA, fuel %, load (kW), customers supplied, crew",
        ["generator", "genset", "deployed", "resource", "status", "live", "fuel"],
        "SELECT gen, kva, owner, depot, status, location, job, since, eta, fuel_pct, load_kw, customers, crew "
        "FROM generators WHERE (:status = '' OR status = upper(:status)) ORDER BY gen",
        obj(
            {
                "status": {
                    "type": "string",
                    "enum": ["", "RUNNING", "EN_ROUTE", "AVAILABLE", "MAINTENANCE"],
                    "default": "",
                }
            }
        ),
    ),
    "planned_outages": (
        "Planned outages (PO-nnnnn) starting between two dates, inclusive (either may be empty): kind (customer "
        "interruption or plant outage), equipment, substation and feeder, customers and PSR households affected, "
        "planned start and end, status (scheduled, in_progress, completed, cancelled), customers notified on, crew, "
        "notes",
        ["planned", "outage", "schedule", "maintenance", "work", "customers", "notification"],
        "SELECT ref, kind, equipment, substation, feeder, customers, psr_households, planned_start, planned_end, "
        "status, notified, crew, notes FROM planned WHERE (:from_date = '' OR substr(planned_start, 1, 10) >= "
        ":from_date) AND (:to_date = '' OR substr(planned_start, 1, 10) <= :to_date) "
        "AND (:status = '' OR status = lower(:status)) ORDER BY planned_start",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "default": "", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "format": "date", "default": "", "description": "YYYY-MM-DD"},
                "status": {
                    "type": "string",
                    "enum": ["", "scheduled", "in_progress", "completed", "cancelled"],
                    "default": "",
                },
            }
        ),
    ),
    "switching_schedules": (
        "Switching schedules (SW-nnnn) step by step, by schedule or by the job they serve (INC-, PO-, NCR-): step, "
        "planned time, done at, location, device, operation, remote or manual, operator, status (done, pending), note",
        ["switching", "schedule", "steps", "nop", "isolation", "restoration", "planned", "history"],
        "SELECT schedule, job, step, planned, done_at, location, device, operation, mode, operator, status, note "
        f"FROM switching WHERE {_id('schedule', 'schedule')} AND {_id('job', 'job')} ORDER BY schedule, step",
        obj(
            {
                "schedule": {"type": "string", "default": "", "description": "e.g. SW-7741"},
                "job": {"type": "string", "default": "", "description": "e.g. INC-58231, PO-31184, NCR-0887"},
            }
        ),
    ),
    "safety_documents": (
        "Safety documents: permits to work (PTW-nnnn), limitations of access (LOA-nnnn) and sanctions for test "
        "(SFT-nnnn), live now or issued in the last N days (max 30): equipment and limits, issued by (senior "
        "authorised person, SAP), issued to, issued, cancelled, status (issued, cancelled), job",
        ["permit", "ptw", "safety", "loa", "sap", "isolation", "live"],
        "SELECT doc, kind, equipment, limits, issued_by, issued_to, issued, cancelled, status, job FROM safety_docs "
        f"WHERE (status = 'issued' OR issued_epoch >= {_NOW} - :days * 86400) "
        "AND (:status = '' OR status = lower(:status)) ORDER BY issued_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 2},
                "status": {"type": "string", "enum": ["", "issued", "cancelled"], "default": ""},
            }
        ),
    ),
    "network_changes": (
        "Network change records (NCR-nnnn: protection settings, telecontrol and RTUs, the network management system "
        "(DMS), plant, network configuration) raised, updated or implemented in the last N hours (max 720), newest "
        "first: title, scope, kind, risk, state (approved, implemented, rejected), requested by, implemented by, "
        "approver, planned, implemented, notes",
        ["change", "ncr", "protection", "settings", "config", "history", "firmware"],
        "SELECT ncr, title, scope, kind, risk, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :hours_back * 3600 "
        f"OR impl_epoch >= {_NOW} - :hours_back * 3600) AND (:kind = '' OR kind = :kind) "
        "ORDER BY COALESCE(impl_epoch, raised_epoch) DESC",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "kind": {
                    "type": "string",
                    "enum": ["", "protection", "telecontrol", "dms", "plant", "network_config"],
                    "default": "",
                },
            }
        ),
    ),
    "weather_observations": (
        "Weather stations (WS-HOL Holtby Moor, WS-FEN Fenby Wold, WS-MAR Marrowby) every 15 minutes over the last N "
        "hours (max 72, kept 72 hours), oldest first: mean wind and gust (mph), direction, temperature, rain (mm), "
        "lightning strikes within 10 km in the 15 minutes",
        ["weather", "wind", "gust", "lightning", "storm", "metric", "trend"],
        "SELECT station, area, sample_end, wind_mph, gust_mph, direction_deg, temp_c, rain_mm, lightning_strikes "
        f"FROM weather WHERE end_epoch >= {_NOW} - :lookback_hours * 3600 AND (:station = '' OR station = "
        "upper(:station)) ORDER BY station, end_epoch",
        obj(
            {
                "lookback_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 6},
                "station": {"type": "string", "enum": ["", "WS-HOL", "WS-FEN", "WS-MAR"], "default": ""},
            }
        ),
    ),
    "customer_calls_by_reason": (
        "Customer calls to the power cut line (105) per reason over the last N hours (max 168, kept 7 days), most "
        "first: calls, the busiest half hour and when it ended. Reasons: no supply, restoration time query, "
        "dangerous situation, PSR welfare, voltage / flicker, planned work enquiry, compensation enquiry, general "
        "enquiry",
        ["calls", "customers", "contact centre", "count", "reason", "metric", "volume"],
        "SELECT c.reason, SUM(c.calls) AS calls, MAX(c.calls) AS busiest_half_hour, (SELECT d.bucket_end FROM calls d "
        f"WHERE d.reason = c.reason AND d.end_epoch >= {_NOW} - :hours * 3600 ORDER BY d.calls DESC, d.end_epoch "
        f"DESC LIMIT 1) AS busiest_ended FROM calls c WHERE c.end_epoch >= {_NOW} - :hours * 3600 "
        "AND (:reason = '' OR c.reason = lower(:reason)) GROUP BY c.reason ORDER BY calls DESC, c.reason",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 4},
                "reason": {"type": "string", "default": "", "description": "e.g. no supply; empty: all"},
            }
        ),
    ),
    "vendor_cases": (
        "Cases with vendors and contractors: Caldermoor Transformers (CTX-nnnnn), Linmere Switchgear (LSG-nnnn), "
        "Orvex Controls (RTUs, ORX-nnnnn), Pennant Power Hire (generators, PPH-nnnn), Meridian Smart Data (smart "
        "meter alerts, MSD-nnnn). Look one up by reference, or list by asset or vendor: subject, status, priority, "
        "engineer, raised by, opened, updated, latest update",
        ["lookup", "vendor", "supplier", "case", "ticket", "support"],
        "SELECT ref, vendor, asset, subject, status, priority, engineer, raised_by, opened, updated, latest FROM cases "
        f"WHERE {_id('ref', 'ref')} AND (:asset = '' OR instr({_norm('asset')}, {_norm('trim(:asset)')}) > 0) "
        "AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) ORDER BY opened_epoch DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. CTX-41007"},
                "asset": {"type": "string", "default": "", "description": "e.g. PR-418 T2"},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_contacts": (
        "Vendors and contractors: what they cover, service line, hours, engineer or account contact, escalation "
        "contact, contract",
        ["contact", "vendor", "supplier", "escalation", "phone", "support"],
        "SELECT vendor, covers, phone, hours, engineer, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 08:00 UTC: hv_network (11 kV, primary and secondary), ehv_network (33 kV and "
        "primary substations), protection_telecontrol, sap_hv (senior authorised person), customer_incident, "
        "duty_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "control_shifts": (
        "Control room shifts (12 hours: day 07:00-19:00, night 19:00-07:00 UTC): the control engineer and the "
        "dispatcher of the two previous shifts, the current one and the next; on_now = yes for the shift running now",
        ["contact", "shift", "control engineer", "dispatcher", "who", "control room"],
        "SELECT shift, starts, ends, control_engineer, dispatcher, desk_phone, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        "ORDER BY starts_epoch",
        obj({}),
    ),
    "control_log": (
        "Control log (CL-nnnn) of the control room, field crews' radio messages and the duty managers over the last N "
        "hours (max 48), newest first; optional text to look for in the author, role or entry",
        ["history", "log", "handover", "notes", "timeline", "radio", "shift"],
        "SELECT entry, ts, author, role, text FROM control_log "
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
        "Search the operating procedures (OP-PROC), asset management (AM), customer (CUS), safety (SAF), storm (STM) "
        "and generator (GEN) documents for a word or phrase",
        ["document", "procedure", "runbook", "how to", "policy", "instruction"],
        "SELECT doc, title, kind, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
