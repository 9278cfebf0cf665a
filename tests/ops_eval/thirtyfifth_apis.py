"""The thirty-fifth estate's APIs (:mod:`tests.ops_eval.thirtyfifth_estate`): SQL over the operations store of an
offshore oil and gas production platform (the process equipment register and its state, the historian's tag
directory and 10-minute trends, the wells now and their daily allocated rates, trips and shutdowns, fire and gas
events and inhibits, emergency shutdown valves and their function tests, maintenance work orders and the
safety-critical backlog, permits to work, management of change, incidents, helicopter flights, persons on board,
vessels, weather observations, produced-water oil-in-water samples, the onshore on-call rota, the offshore key roles
and control room operators' shifts, contacts, vendor cases, the control room log and the procedures library), named
the way the platform's own ICSS and CMMS teams would publish them. Verb-first names; windows differ on purpose:
``hours``, ``days``, ``since`` (RFC 3339), ``span_hours``, ``past_days`` / ``next_days``, ``from_date`` / ``to_date``
(ISO dates), ``back_hours`` / ``ahead_hours`` and ``lookback_days``; two APIs require a tag or a well (a historian
trend, a well's daily rates); two search free text (the control room log, the procedures); three aggregate or rank
(trips per equipment, wells by a rate, persons on board per department); the on-call rota, the key roles and the
CRO shifts flag who is on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_EPOCH_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_SYSTEMS = ["", "separation", "compression", "oil_export", "gas_export", "produced_water", "flare", "power",
            "firewater"]  # fmt: skip
_ROTAS = ["", "production_engineering", "rotating_equipment", "instrument_controls", "process_safety",
          "onshore_duty_manager", "logistics"]  # fmt: skip


def _squash(expr: str) -> str:
    """``expr`` in upper case without dashes, slashes, underscores and spaces: tags and refs are typed every way
    (``23-KA-201``, ``23KA201``, ``moc 412``, ``PTW/5590``)."""
    out = f"upper({expr})"
    for ch in ("-", "/", "_", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _match(col: str, param: str) -> str:
    """An optional filter on an id or tag column, typed any way; an empty parameter matches every row."""
    return f"(:{param} = '' OR {_squash(col)} = {_squash(f'trim(:{param})')})"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "list_process_equipment": (
        "Tarran Alpha process and utility equipment register with the state now from the ICSS: tag (20-VA-101 HP "
        "separator, 23-KA-201 / 23-KA-202 gas compression trains, 21-PA-301A/B oil export pumps, 44-CF-401 "
        "hydrocyclones, 86-GT-8001A/B/C generators, 71-PA-7101A/B firewater pumps, export pipelines ...), system, "
        "state (RUNNING, STANDBY, STOPPED, ISOLATED, TRIPPED), since when, why, maker",
        ["equipment", "state", "status", "inventory", "process", "live", "u/s"],
        "SELECT tag, name, system, state, since, note, maker FROM equipment "
        "WHERE (:system = '' OR system = lower(:system)) AND (:state = '' OR state = upper(:state)) "
        f"AND {_match('tag', 'tag')} ORDER BY system, tag",
        obj(
            {
                "system": {"type": "string", "enum": _SYSTEMS, "default": ""},
                "state": {
                    "type": "string",
                    "enum": ["", "RUNNING", "STANDBY", "STOPPED", "ISOLATED", "TRIPPED"],
                    "default": "",
                },
                "tag": {"type": "string", "default": "", "description": "equipment tag, e.g. 23-KA-201"},
            }
        ),
    ),
    "find_historian_tags": (
        "Directory of the process historian's tags: tag, what it measures, units, equipment, alarm and trip limits. "
        "q matches the tag, the description or the equipment (e.g. 'vibration', '23-KA-201', 'flare')",
        ["tag", "historian", "lookup", "instrument", "limits", "config"],
        "SELECT tag, description, units, equipment, alarm_low, alarm_high, trip_high FROM tags "
        "WHERE instr(lower(tag || ' ' || description || ' ' || equipment), lower(trim(:q))) > 0 ORDER BY tag",
        obj({"q": {"type": "string", "default": "", "description": "word, tag or equipment; empty: all"}}),
    ),
    "get_tag_trend": (
        "Process historian trend of ONE tag: 10-minute averages since an RFC 3339 time (kept 24 hours), oldest "
        "first, with the tag's units and alarm / trip limits. Tags: 23-VT-2014 / 23-VT-2024 (compressor A / B "
        "radial vibration), 23-FV-2012 (compressor A anti-surge recycle valve), 23-PT-2009 (compressor A discharge "
        "pressure), 43-FI-5001 (flare rate), 20-LT-1012 (HP separator level), 27-PT-6001 (gas export pressure)",
        ["metric", "trend", "historian", "time series", "tag", "vibration", "pressure", "flare"],
        "SELECT h.tag, h.sample_end, h.value, t.units, t.alarm_high, t.trip_high FROM history h "
        "JOIN tags t ON t.tag = h.tag "
        f"WHERE {_squash('h.tag')} = {_squash('trim(:tag)')} "
        "AND h.end_epoch >= CAST(strftime('%s', :since) AS INTEGER) ORDER BY h.end_epoch",
        obj(
            {
                "tag": {"type": "string", "description": "historian tag, e.g. 23-VT-2014"},
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
            },
            ["tag", "since"],
        ),
    ),
    "list_wells_now": (
        "Platform wells (slots A-02 .. A-17) as they stand now: type (producer, water injector), status (PRODUCING, "
        "SHUT_IN, INJECTING), since when and why, choke opening %, wellhead pressure (barg) and temperature (C), and "
        "the latest daily allocated rates: oil (bopd), gas (MMscf/d), water (bwpd), water cut %",
        ["well", "status", "choke", "wellhead", "pressure", "shut-in", "production", "live", "rates"],
        "SELECT well, type, status, since, reason, choke_pct, whp_barg, wht_c, oil_bopd, gas_mmscfd, water_bwpd, "
        "water_cut_pct FROM wells WHERE (:status = '' OR status = upper(:status)) ORDER BY well",
        obj(
            {
                "status": {
                    "type": "string",
                    "enum": ["", "PRODUCING", "SHUT_IN", "INJECTING"],
                    "default": "",
                }
            }
        ),
    ),
    "get_well_daily": (
        "Daily allocated production of ONE well (kept 14 days, oldest first): oil (bopd), gas (MMscf/d), water "
        "(bwpd), water cut %, choke %, wellhead pressure (barg) and temperature (C), hours on line",
        ["well", "production", "daily", "trend", "metric", "wellhead", "pressure", "water cut", "allocation"],
        "SELECT well, day_end, oil_bopd, gas_mmscfd, water_bwpd, water_cut_pct, choke_pct, whp_barg, wht_c, "
        f"hours_on FROM well_daily WHERE {_squash('well')} = {_squash('trim(:well)')} "
        f"AND end_epoch >= {_EPOCH_NOW} - :days * 86400 ORDER BY end_epoch",
        obj(
            {
                "well": {"type": "string", "description": "well slot, e.g. A-12"},
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
            },
            ["well"],
        ),
    ),
    "rank_wells": (
        "Wells ranked by a rate from the latest daily allocation, highest first: oil (bopd), gas (MMscf/d), water "
        "(bwpd) or water cut %; top = how many",
        ["ranking", "top", "well", "production", "metric", "oil", "gas", "water cut"],
        "SELECT well, day_end, oil_bopd, gas_mmscfd, water_bwpd, water_cut_pct, whp_barg FROM well_daily "
        "WHERE end_epoch = (SELECT MAX(end_epoch) FROM well_daily) "
        "ORDER BY CASE :metric WHEN 'gas' THEN gas_mmscfd WHEN 'water' THEN water_bwpd "
        "WHEN 'water_cut' THEN water_cut_pct ELSE oil_bopd END DESC, well LIMIT :top",
        obj(
            {
                "metric": {"type": "string", "enum": ["oil", "gas", "water", "water_cut"], "default": "oil"},
                "top": {"type": "integer", "minimum": 1, "maximum": 12, "default": 5},
            }
        ),
    ),
    "list_trips": (
        "Trips and shutdowns (unit trips, process shutdowns, well shut-ins by the safety system) over the last N "
        "hours (max 336), newest first: event TRP/nnnn, when, equipment, shutdown level, first-out tag and cause, "
        "when restarted, logged by",
        ["trip", "shutdown", "esd", "psd", "history", "event", "first out", "compressor"],
        "SELECT event, at_utc, equipment, level, first_out, cause, restarted, logged_by FROM trips "
        f"WHERE at_epoch >= {_EPOCH_NOW} - :hours * 3600 AND {_match('equipment', 'equipment')} "
        "ORDER BY at_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "equipment": {"type": "string", "default": "", "description": "e.g. 23-KA-201 or A-10; empty: all"},
            }
        ),
    ),
    "count_trips_by_equipment": (
        "Trips per equipment over the last N days (max 14), most first: trips, first and last, the first-out tags",
        ["trip", "count", "ranking", "shutdown", "equipment", "metric"],
        "SELECT equipment, COUNT(*) AS trips, MIN(at_utc) AS first_trip, MAX(at_utc) AS last_trip, "
        "group_concat(DISTINCT first_out) AS first_outs FROM trips "
        f"WHERE at_epoch >= {_EPOCH_NOW} - :days * 86400 GROUP BY equipment ORDER BY trips DESC, equipment",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7}}),
    ),
    "list_fg_events": (
        "Fire and gas (F&G) system events over the last N hours (max 720), newest first: gas detector low / high "
        "alarms (% LEL), flame, smoke and heat detector alarms, detector faults and beam blocks, tests; with the "
        "detector tag, area, value, raised, reset, action taken, logged by",
        ["f&g", "fire", "gas", "alarm", "detector", "history", "safety", "lel"],
        "SELECT event, tag, detector, area, kind, value, raised, reset, action, logged_by FROM fg_events "
        f"WHERE raised_epoch >= {_EPOCH_NOW} - :hours * 3600 AND (:kind = '' OR kind = lower(:kind)) "
        "ORDER BY raised_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "kind": {
                    "type": "string",
                    "enum": ["", "low_alarm", "high_alarm", "fault", "test"],
                    "default": "",
                },
            }
        ),
    ),
    "list_fg_inhibits": (
        "F&G inhibits and overrides register (OVR/nnnn): the detector inhibited, area, why, applied, permit, who "
        "authorised it, the ORA, compensating measures, removed; live = only those still applied",
        ["f&g", "inhibit", "override", "bypass", "detector", "safety", "live"],
        f"SELECT ref, tag, detector, area, reason, applied, ROUND(({_EPOCH_NOW} - applied_epoch) / 3600.0, 1) "
        "AS hours_applied, permit, authorised_by, ora, measures, removed FROM fg_inhibits "
        "WHERE (:state = 'all' OR removed IS NULL) ORDER BY applied_epoch",
        obj({"state": {"type": "string", "enum": ["live", "all"], "default": "live"}}),
    ),
    "list_esdvs": (
        "Emergency shutdown valves (ESDVs): tag, service, location, the performance standard's closure time (s), "
        "status (operational, degraded), the latest full-stroke function test and its result, deferral",
        ["esdv", "valve", "sce", "status", "inventory", "safety critical", "performance standard"],
        "SELECT tag, service, location, ps_closure_s, status, last_test, last_result, deferral FROM esdvs "
        f"WHERE {_match('tag', 'tag')} ORDER BY tag",
        obj({"tag": {"type": "string", "default": "", "description": "e.g. 21-ESDV-3003; empty: all"}}),
    ),
    "list_esdv_tests": (
        "ESDV function test results over the last N days (max 120), newest first: valve, test kind (full stroke, "
        "partial stroke, leak), closure time against the performance standard (s), leak rate, result (pass, fail), "
        "technician, remarks",
        ["esdv", "test", "function test", "sce", "history", "valve", "closure time", "result"],
        "SELECT test_id, tag, tested, kind, closure_s, ps_closure_s, leak, result, technician, remarks "
        f"FROM esdv_tests WHERE t_epoch >= {_EPOCH_NOW} - :lookback_days * 86400 AND {_match('tag', 'tag')} "
        "AND (:result = '' OR result = lower(:result)) ORDER BY t_epoch DESC",
        obj(
            {
                "lookback_days": {"type": "integer", "minimum": 1, "maximum": 120, "default": 30},
                "tag": {"type": "string", "default": ""},
                "result": {"type": "string", "enum": ["", "pass", "fail"], "default": ""},
            }
        ),
    ),
    "list_work_orders": (
        "Maintenance work orders (CMMS order numbers, 8 digits) scheduled from N days back to M days ahead: tag, "
        "description, safety-critical element (SCE) flag and group, priority, status (open, in_progress, deferred, "
        "complete), scheduled, due, completed, assigned to, deferral, notes",
        ["maintenance", "work order", "schedule", "planned", "sce", "cmms"],
        "SELECT order_no, tag, description, sce, sce_group, priority, status, scheduled, due, completed, assigned, "
        "deferral, notes FROM work_orders "
        f"WHERE s_epoch BETWEEN {_EPOCH_NOW} - :past_days * 86400 AND {_EPOCH_NOW} + :next_days * 86400 "
        f"AND {_match('tag', 'tag')} AND (:sce_only = 0 OR sce = 'yes') ORDER BY s_epoch",
        obj(
            {
                "past_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 1},
                "next_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 7},
                "tag": {"type": "string", "default": ""},
                "sce_only": {"type": "integer", "enum": [0, 1], "default": 0},
            }
        ),
    ),
    "list_sce_backlog": (
        "Safety-critical element (SCE) maintenance backlog: SCE work orders past their due date and not complete, "
        "including formally deferred ones (DEF/nnn, with the ORA and the new due date), with days overdue",
        ["sce", "backlog", "overdue", "deferred", "deferral", "maintenance", "safety critical", "count"],
        "SELECT order_no, tag, description, sce_group, status, due, "
        f"ROUND(({_EPOCH_NOW} - due_epoch) / 86400.0, 1) AS days_overdue, deferral, deferral_detail, notes "
        f"FROM work_orders WHERE sce = 'yes' AND status != 'complete' AND due_epoch < {_EPOCH_NOW} "
        "ORDER BY due_epoch",
        obj({}),
    ),
    "list_permits": (
        "Permits to work (PTW/nnnn): type (hot, cold, confined_space, isolation), status (live, suspended, planned, "
        "closed), location, job, performing and area authority, issued, expires, isolation certificate (ICC), F&G "
        "inhibits linked",
        ["ptw", "permit", "isolation", "hot work", "safety", "live"],
        "SELECT ref, type, status, location, job, performing_authority, area_authority, issued, expires, icc, "
        "inhibits FROM permits WHERE (:status = '' OR status = lower(:status)) "
        "AND (:type = '' OR type = lower(:type)) ORDER BY ref",
        obj(
            {
                "status": {"type": "string", "enum": ["", "live", "suspended", "planned", "closed"], "default": ""},
                "type": {
                    "type": "string",
                    "enum": ["", "hot", "cold", "confined_space", "isolation"],
                    "default": "",
                },
            }
        ),
    ),
    "list_moc": (
        "Management of change records (MOC/nnn: control settings, process, chemicals, ICSS, temporary and emergency "
        "changes) raised, updated or implemented in the last N hours (max 720), newest first: title, tag, type, "
        "risk, state (approved, implemented, closed), originator, implementer, approvers, planned, implemented, notes",
        ["moc", "change", "config", "setpoint", "history", "controller"],
        "SELECT ref, title, tag, type, risk, state, originator, implementer, approvers, planned, implemented, notes "
        f"FROM moc WHERE (raised_epoch >= {_EPOCH_NOW} - :span_hours * 3600 "
        f"OR impl_epoch >= {_EPOCH_NOW} - :span_hours * 3600 OR updated_epoch >= {_EPOCH_NOW} - :span_hours * 3600) "
        "ORDER BY COALESCE(impl_epoch, updated_epoch, raised_epoch) DESC",
        obj({"span_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24}}),
    ),
    "list_incidents": (
        "Incidents and near misses (SYN-nnnnn) on the platform over the last N days (max 90), newest first: "
        "category (first aid, near miss, process safety event, environmental, unplanned shutdown, equipment damage), "
        "potential (low, medium, high), summary, actions, status",
        ["incident", "near miss", "safety", "hse", "history", "event"],
        "SELECT ref, at_utc, location, category, potential, summary, actions, status FROM incidents "
        f"WHERE at_epoch >= {_EPOCH_NOW} - :days * 86400 ORDER BY at_epoch DESC",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 7}}),
    ),
    "list_flights": (
        "Helicopter flights (Northgale Helicopters, Port Eskar heliport <-> Tarran Alpha) departing between two dates "
        "inclusive: flight, aircraft, scheduled departure from the heliport, due on the helideck, status (landed, "
        "scheduled, cancelled), passengers out to the platform and back to shore, freight, note",
        ["helicopter", "flight", "logistics", "schedule", "pax", "crew change"],
        "SELECT flight, aircraft, departs, due_on_deck, status, pax_out, pax_in, freight_kg, note FROM flights "
        "WHERE substr(departs, 1, 10) BETWEEN :from_date AND :to_date ORDER BY dep_epoch",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
            },
            ["from_date", "to_date"],
        ),
    ),
    "get_pob": (
        "Persons on board (POB) now per department and company from the POB system, with a TOTAL row and the "
        "bed capacity",
        ["pob", "persons on board", "headcount", "count", "people", "live"],
        "SELECT department, company, persons, capacity FROM (SELECT department, company, persons, NULL AS capacity, "
        "0 AS o FROM pob UNION ALL SELECT 'TOTAL', '', SUM(persons), 124, 1 FROM pob) ORDER BY o, persons DESC",
        obj({}),
    ),
    "list_vessels": (
        "Vessel movements for the field (supply vessels, the standby ERRV) arriving or departing from N hours back "
        "to M hours ahead: vessel, type, movement, from / to, ETA / ETD, status, note",
        ["vessel", "supply", "psv", "errv", "logistics", "schedule", "eta", "marine"],
        "SELECT vessel, type, movement, port, at_time, status, note FROM vessels "
        f"WHERE at_epoch BETWEEN {_EPOCH_NOW} - :back_hours * 3600 AND {_EPOCH_NOW} + :ahead_hours * 3600 "
        "ORDER BY at_epoch",
        obj(
            {
                "back_hours": {"type": "integer", "minimum": 0, "maximum": 336, "default": 24},
                "ahead_hours": {"type": "integer", "minimum": 0, "maximum": 336, "default": 72},
            }
        ),
    ),
    "get_weather_obs": (
        "Weather observed at the platform, hourly over the last N hours (max 48), newest first: mean wind and gust "
        "(kt), wind direction, significant wave height Hs and maximum wave (m), visibility (km), cloud base (ft)",
        ["weather", "wind", "waves", "sea state", "visibility", "metric", "marine", "helideck"],
        "SELECT observed, wind_kt, gust_kt, wind_dir_deg, hs_m, hmax_m, visibility_km, cloud_base_ft FROM weather "
        f"WHERE obs_epoch >= {_EPOCH_NOW} - :hours * 3600 ORDER BY obs_epoch DESC",
        obj({"hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6}}),
    ),
    "list_oiw_samples": (
        "Produced water oil-in-water (OIW) lab samples at the overboard caisson, every 12 hours, kept 14 days, "
        "oldest first: mg/l against the 30 mg/l monthly average limit, analyst",
        ["oiw", "produced water", "environment", "sample", "metric", "trend", "discharge"],
        "SELECT sample, sampled, oiw_mg_l, limit_mg_l, analyst FROM oiw_samples "
        f"WHERE s_epoch >= {_EPOCH_NOW} - :days * 86400 ORDER BY s_epoch",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7}}),
    ),
    "get_oncall": (
        "Onshore on-call rota supporting the platform, weeks from Monday 07:00 UTC: production_engineering, "
        "rotating_equipment, instrument_controls, process_safety, onshore_duty_manager, logistics; phones; "
        "on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "onshore", "escalation"],
        "SELECT rota, level, person, phone, starts, ends, "
        f"CASE WHEN starts_epoch <= {_EPOCH_NOW} AND ends_epoch > {_EPOCH_NOW} THEN 'yes' ELSE '' END AS on_now "
        f"FROM oncall WHERE ends_epoch > {_EPOCH_NOW} AND starts_epoch < {_EPOCH_NOW} + 14 * 86400 "
        "AND (:rota = '' OR rota = :rota) ORDER BY rota, starts_epoch",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "get_key_roles": (
        "Offshore key roles on Tarran Alpha: offshore installation manager (OIM), production supervisor, maintenance "
        "supervisor, medic, helicopter landing officer (HLO): who holds it on this hitch, on board since, hitch "
        "ends, back-to-back, extension",
        ["oim", "who", "contact", "offshore", "roles", "crew", "hitch"],
        "SELECT role, person, on_board_since, hitch_ends, back_to_back, extension FROM key_roles ORDER BY rank",
        obj({}),
    ),
    "get_cro_shifts": (
        "Control room operator (CRO) shifts, 12 hours from 06:00 and 18:00 UTC: the two previous shifts, the one "
        "running now and the next; on_now = yes for the CRO on shift now",
        ["cro", "control room", "shift", "who", "contact", "operator"],
        "SELECT shift, starts, ends, cro, extension, "
        f"CASE WHEN starts_epoch <= {_EPOCH_NOW} AND ends_epoch > {_EPOCH_NOW} THEN 'yes' ELSE '' END AS on_now "
        "FROM cro_shifts ORDER BY starts_epoch",
        obj({}),
    ),
    "find_contacts": (
        "Onshore support and contractor contacts: the onshore support room, the Port Eskar supply base, the "
        "helicopter and marine operators, equipment vendors and service contractors: what they cover, phone, "
        "hours, contact, escalation, email",
        ["contact", "phone", "vendor", "escalation", "onshore", "support"],
        "SELECT name, covers, phone, hours, contact, escalation, email FROM contacts "
        "WHERE (:name = '' OR instr(lower(name || ' ' || covers), lower(trim(:name))) > 0) ORDER BY name",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "find_vendor_cases": (
        "Cases with equipment vendors: Vantor Turbomachinery (VT-SR-nnnnn), Brenmar Valves (BVR-nnnn), Sentra Fire "
        "& Gas (SFG-nnnnn), Ardloch Pumps (AP-nnnn). Look one up by reference, or list by tag or vendor: subject, "
        "status, priority, engineer, opened, updated, latest advice",
        ["vendor", "case", "support", "lookup", "ticket", "oem"],
        "SELECT ref, vendor, tag, subject, status, priority, engineer, raised_by, opened, updated, latest FROM cases "
        f"WHERE {_match('ref', 'ref')} AND {_match('tag', 'tag')} "
        "AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. VT-SR-77812"},
                "tag": {"type": "string", "default": ""},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "search_control_room_log": (
        "Control room log (CRL-nnnnn) over the last N hours (max 72), newest first; optional text to look for in "
        "the author, role or entry",
        ["log", "history", "control room", "handover", "shift", "investigation", "search"],
        "SELECT entry, logged, author, role, text FROM cr_log "
        f"WHERE l_epoch >= {_EPOCH_NOW} - :hours * 3600 "
        "AND instr(lower(author || ' ' || role || ' ' || text), lower(:text)) > 0 ORDER BY l_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "text": {"type": "string", "default": ""},
            }
        ),
    ),
    "search_procedures": (
        "Search Tarran Alpha's procedures and standards (operating procedures, emergency response, F&G inhibits, "
        "SCE deferrals, helideck and marine limits) for a word or phrase",
        ["procedure", "document", "standard", "how to", "emergency", "search"],
        "SELECT doc, title, kind, body FROM procedures "
        "WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(trim(:q))) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
