"""The thirty-first estate's APIs (:mod:`tests.ops_eval.thirtyfirst_estate`): SQL over a dairy's site operations store
(the asset board and its active alarms, pasteuriser trends, flow diversion events and their counts, HACCP critical
control point records, CIP cycles and recipes, milk intakes and intakes per route, the tanker fleet, the collection
schedule, the farms, silo levels, cold store temperatures, utilities and effluent readings, lab results and failures
per test, lots with their genealogy, product holds, maintenance work orders, change records, engineering vendor cases
and contacts, the on-call rota, the shift managers, the shift log and the SOP library), as the site's engineering,
QA, intake and production teams would publish them: some tersely, some at length. Windows differ from API to API on
purpose: ``hours``, an RFC 3339 ``since``, ``window_h``, ``lookback_min``, ``days``, ISO dates (``from_date`` /
``to_date``), ``last_days``, ``ahead_days``, ``hours_back``, ``since_hours``, ``lookback_hours``, ``days_back``,
``placed_within_days`` and ``back_days`` / ``ahead_days``; one API requires a lot (or batch), its genealogy; one
looks a vendor case up by reference, asset or vendor; two search free text (the shift log, the SOP library); three
aggregate (diversions per pasteuriser, intakes per route, lab failures per test); the on-call rota and the shift
managers flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_EPOCH_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_AREAS = ["", "reception", "raw", "process", "pasteurised", "cip", "filling", "cold_chain", "utilities", "effluent"]
_STATES = ["", "RUNNING", "DEGRADED", "IDLE", "CIP", "STANDBY", "MAINTENANCE", "STOPPED"]
_CIP_SETS = ["", "CIP-A", "CIP-B", "CIP-C", "CIP-U"]
_TESTS = ["", "TVC", "coliforms", "ALP", "SCC", "antibiotics"]
_LOG_TEXT = "author || ' ' || role || ' ' || text"
_ROTAS = ["", "engineering", "refrigeration", "qa", "intake_transport", "duty_manager"]


def _squash(expr: str) -> str:
    """``expr`` upper-cased without dashes, underscores, slashes, dots and spaces (ids are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "_", "/", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _same(col: str, param: str) -> str:
    """A filter on an id column however the id is typed (``htst2``, ``L4 6128``, ``tx-408``); empty matches all."""
    return f"(:{param} = '' OR {_squash(col)} = {_squash(f'trim(:{param})')})"


def _within(col: str, param: str, seconds: int) -> str:
    """``col`` (epoch seconds) no older than ``:param`` units of ``seconds``."""
    return f"{col} >= {_EPOCH_NOW} - :{param} * {seconds}"


def _has(text_expr: str, param: str) -> str:
    """A case-insensitive substring filter; empty matches all."""
    return f"instr(lower({text_expr}), lower(trim(:{param}))) > 0"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "plant_assets": (
        "Tarrow Vale asset board from SCADA: every asset (reception bays RB-1/2, raw silos RMS-1..4, separators, HTST "
        "pasteurisers HTST-1/HTST-2 with flow diversion valves FDV-1/FDV-2 and homogenisers, UHT-1, pasteurised silos "
        "PMS-1..3, CIP sets, filling lines FL-3/4/6/8, cold stores CS-1/CS-2, blast chiller, ammonia compressors, "
        "boilers, effluent plant) with its area, maker, model and its state now (RUNNING, DEGRADED, IDLE, CIP, "
        "STANDBY, MAINTENANCE, STOPPED), since when, and a note",
        ["state", "status", "asset", "equipment", "inventory", "live", "plant", "line"],
        "SELECT asset, area, kind, maker, model, installed, state, since, note FROM assets "
        "WHERE (:area = '' OR area = lower(:area)) AND (:state = '' OR state = upper(:state)) "
        f"AND {_same('asset', 'asset')} ORDER BY area, asset",
        obj(
            {
                "area": {"type": "string", "enum": _AREAS, "default": ""},
                "state": {"type": "string", "enum": _STATES, "default": ""},
                "asset": {"type": "string", "default": "", "description": "e.g. HTST-2, FL-4, CS-2; empty: all"},
            }
        ),
    ),
    "active_alarms": (
        "Alarms active now on the SCADA (not cleared), highest priority first",
        ["alarm", "state", "live", "scada", "fault"],
        "SELECT alarm, tag, asset, priority, text, first_raised, last_raised, occurrences, acknowledged_by "
        "FROM alarms WHERE (:priority = '' OR priority = lower(:priority)) "
        "ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, last_raised DESC",
        obj({"priority": {"type": "string", "enum": ["", "high", "medium", "low"], "default": ""}}),
    ),
    "pasteuriser_trend": (
        "HTST pasteuriser trend, 5-minute samples over the last N hours (kept 24): mode (PRODUCT or CIP), flow (l/h), "
        "hot water temperature, holding tube outlet temperature (average of the sample and its minimum, C), the "
        "divert setpoint, the FDV's position at the end of the sample and the diversions within it",
        ["metric", "trend", "temperature", "pasteuriser", "htst", "holding tube", "ccp2", "flow"],
        "SELECT unit, sample_end, mode, flow_lph, hot_water_c, holding_outlet_c, min_outlet_c, divert_set_c, fdv, "
        f"diversions FROM past_samples WHERE {_within('end_epoch', 'hours', 3600)} AND {_same('unit', 'unit')} "
        "ORDER BY unit, end_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 4},
                "unit": {"type": "string", "default": "", "description": "HTST-1 or HTST-2; empty: both"},
            }
        ),
    ),
    "flow_diversion_events": (
        "Flow diversion events (DV-nnnn) since an RFC 3339 time, oldest first: pasteuriser, valve, when, seconds "
        "diverted, lowest holding tube temperature, setpoint, litres recirculated, cause",
        ["event", "diversion", "fdv", "pasteuriser", "ccp2", "history", "htst"],
        "SELECT event, unit, valve, started, duration_s, lowest_c, divert_set_c, recirculated_l, cause FROM diversions "
        f"WHERE s_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND {_same('unit', 'unit')} ORDER BY s_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "unit": {"type": "string", "default": "", "description": "HTST-1 or HTST-2"},
            },
            ["since"],
        ),
    ),
    "diversions_by_unit": (
        "Flow diversions per pasteuriser over the last N hours (max 168), most first: diversions, seconds diverted, "
        "lowest temperature, litres recirculated, first and last",
        ["diversion", "count", "ranking", "pasteuriser", "metric", "fdv"],
        "SELECT unit, valve, COUNT(*) AS diversions, SUM(duration_s) AS seconds_diverted, MIN(lowest_c) AS lowest_c, "
        "SUM(recirculated_l) AS litres_recirculated, MIN(started) AS first, MAX(started) AS last FROM diversions "
        f"WHERE {_within('s_epoch', 'window_h', 3600)} GROUP BY unit, valve ORDER BY diversions DESC, unit",
        obj({"window_h": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24}}),
    ),
    "ccp_records": (
        "HACCP critical control point records over the last N minutes (max 20160 = 14 days), newest first: CCP1 milk "
        "reception (antibiotics, temperature), CCP2 pasteurisation (holding tube checks and deviations), CCP3 metal "
        "detection on the fillers; reading, critical limit, result (ok, deviation), corrective action, by whom",
        ["haccp", "ccp", "food safety", "deviation", "history", "qa", "check"],
        "SELECT record, ccp, asset, checked, reading, critical_limit, result, action, checked_by FROM ccp_records "
        f"WHERE {_within('c_epoch', 'lookback_min', 60)} AND (:ccp = '' OR ccp = upper(:ccp)) "
        f"AND (:result = '' OR result = lower(:result)) AND {_same('asset', 'asset')} ORDER BY c_epoch DESC",
        obj(
            {
                "lookback_min": {"type": "integer", "minimum": 10, "maximum": 20160, "default": 720},
                "ccp": {"type": "string", "enum": ["", "CCP1", "CCP2", "CCP3"], "default": ""},
                "result": {"type": "string", "enum": ["", "ok", "deviation"], "default": ""},
                "asset": {"type": "string", "default": ""},
            }
        ),
    ),
    "cip_cycles": (
        "CIP (clean-in-place) cycles of the last N days (max 14), newest first: cycle, CIP set, object cleaned, "
        "recipe, started, ended, caustic strength %, caustic return temperature, acid, final rinse conductivity "
        "(uS/cm), result (pass, fail, running), note",
        ["cip", "cleaning", "hygiene", "history", "cycle", "wash"],
        "SELECT cycle, cip_set, object, recipe, started, ended, caustic_pct, caustic_return_c, acid, "
        f"final_rinse_us_cm, result, note FROM cip_cycles WHERE {_within('s_epoch', 'days', 86400)} "
        f"AND {_same('cip_set', 'cip_set')} AND {_same('object', 'object')} "
        "AND (:result = '' OR result = lower(:result)) ORDER BY s_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 2},
                "cip_set": {"type": "string", "enum": _CIP_SETS, "default": ""},
                "object": {"type": "string", "default": "", "description": "what was cleaned, e.g. HTST-2, FL-6"},
                "result": {"type": "string", "enum": ["", "pass", "fail", "running"], "default": ""},
            }
        ),
    ),
    "cip_recipes": (
        "CIP recipes in use per CIP set: caustic and acid strengths, temperatures and times, sanitiser, changed, MOC",
        ["cip", "config", "recipe", "detergent", "settings"],
        "SELECT cip_set, recipe, version, caustic_pct, caustic_c, caustic_min, acid, acid_pct, acid_c, acid_min, "
        f"sanitiser, changed, moc, owner FROM cip_recipes WHERE {_same('cip_set', 'cip_set')} ORDER BY cip_set",
        obj({"cip_set": {"type": "string", "enum": _CIP_SETS, "default": ""}}),
    ),
    "milk_intakes": (
        "Milk reception: tanker intakes (INT-nnnnn) that arrived between two dates, inclusive: tanker, route, arrived, "
        "litres, milk temperature, antibiotic screen, the raw silo it went to, status (accepted, rejected), note",
        ["intake", "reception", "tanker", "milk", "raw", "antibiotic", "history", "rejected"],
        "SELECT intake, tanker, route, arrived, litres, temp_c, antibiotics, silo, status, note FROM intakes "
        "WHERE substr(arrived, 1, 10) BETWEEN :from_date AND :to_date "
        f"AND {_same('tanker', 'tanker')} AND {_same('route', 'route')} "
        "AND (:status = '' OR status = lower(:status)) ORDER BY a_epoch",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "tanker": {"type": "string", "default": ""},
                "route": {"type": "string", "default": "", "description": "VALE-1, MOOR-2, VALE-4, FELL-3, BECK-5"},
                "status": {"type": "string", "enum": ["", "accepted", "rejected"], "default": ""},
            },
            ["from_date", "to_date"],
        ),
    ),
    "intakes_by_route": (
        "Intakes per collection route over the last N days (max 14), most litres first: loads, litres accepted, "
        "loads rejected, tankers, first and last arrival",
        ["intake", "count", "ranking", "route", "litres", "metric", "volume"],
        "SELECT route, COUNT(*) AS loads, SUM(CASE WHEN status = 'accepted' THEN litres ELSE 0 END) AS "
        "litres_accepted, SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) AS rejected, "
        "group_concat(DISTINCT tanker) AS tankers, MIN(arrived) AS first_arrival, MAX(arrived) AS last_arrival "
        f"FROM intakes WHERE {_within('a_epoch', 'last_days', 86400)} GROUP BY route "
        "ORDER BY litres_accepted DESC, route",
        obj({"last_days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7}}),
    ),
    "tanker_fleet": (
        "Milk tankers (TX-nnn) and where they are now: registration, haulier, capacity, usual route, status "
        "(ON_ROUTE, AT_DEPOT, OFF_ROAD), since, location, note",
        ["tanker", "fleet", "vehicle", "transport", "status", "live"],
        "SELECT tanker, reg, haulier, capacity_l, usual_route, status, since, location, note FROM tankers "
        f"WHERE (:tanker = '' OR {_squash('tanker')} = {_squash('trim(:tanker)')} "
        f"OR {_squash('reg')} = {_squash('trim(:tanker)')}) AND (:status = '' OR status = upper(:status)) "
        "ORDER BY tanker",
        obj(
            {
                "tanker": {"type": "string", "default": "", "description": "tanker number or registration"},
                "status": {"type": "string", "enum": ["", "ON_ROUTE", "AT_DEPOT", "OFF_ROAD"], "default": ""},
            }
        ),
    ),
    "collection_schedule": (
        "Farm collection runs due on site in the next N days (max 7): run, route, tanker, planned start, due on site, "
        "status (on_route, planned), farms, expected litres, note",
        ["schedule", "collection", "route", "tanker", "planned", "farm"],
        "SELECT run, route, tanker, planned_start, due_on_site, status, farms, expected_l, note FROM collections "
        f"WHERE due_epoch >= {_EPOCH_NOW} AND due_epoch <= {_EPOCH_NOW} + :ahead_days * 86400 "
        f"AND {_same('route', 'route')} ORDER BY due_epoch",
        obj(
            {
                "ahead_days": {"type": "integer", "minimum": 1, "maximum": 7, "default": 2},
                "route": {"type": "string", "default": ""},
            }
        ),
    ),
    "farm_suppliers": (
        "Supplying farms: code (F-nnnn), name, route, farmer, herd, litres a day, 90-day somatic cell count average, "
        "status (active, on_stop), since, note. farm matches the code or part of the name",
        ["farm", "supplier", "milk", "route", "scc", "on stop"],
        "SELECT farm, name, route, farmer, cows, litres_per_day, scc_90d, status, since, note FROM farms "
        f"WHERE (:farm = '' OR {_squash('farm')} = {_squash('trim(:farm)')} OR {_has('name', 'farm')}) "
        "AND (:status = '' OR status = lower(:status)) ORDER BY route, farm",
        obj(
            {
                "farm": {"type": "string", "default": ""},
                "status": {"type": "string", "enum": ["", "active", "on_stop"], "default": ""},
            }
        ),
    ),
    "silo_levels": (
        "Silos now: raw (RMS), pasteurised (PMS) and cream: product, volume and capacity (l), temperature, batch, fed "
        "by, feeds, last CIP",
        ["silo", "level", "stock", "milk", "live", "inventory"],
        "SELECT silo, kind, product, volume_l, capacity_l, ROUND(100.0 * volume_l / capacity_l, 1) AS pct_full, "
        f"temp_c, batch, fed_by, feeds, last_cip, note FROM silos WHERE {_same('silo', 'silo')} ORDER BY silo",
        obj({"silo": {"type": "string", "default": ""}}),
    ),
    "cold_store_temperatures": (
        "Cold store and blast chiller air temperatures (CS-1, CS-2, BCH-1), every 10 minutes over the last N hours "
        "(max 48), with setpoint, warning and alarm limits (C)",
        ["metric", "trend", "temperature", "cold store", "cold chain", "refrigeration"],
        "SELECT store, reading, air_c, setpoint_c, warning_c, alarm_c FROM cold_temps "
        f"WHERE {_within('r_epoch', 'hours_back', 3600)} AND {_same('store', 'store')} ORDER BY store, r_epoch",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "store": {"type": "string", "default": "", "description": "CS-1, CS-2 or BCH-1"},
            }
        ),
    ),
    "utilities_trend": (
        "Hourly utilities readings over the last N hours (max 48): steam header pressure, ammonia suction pressure, "
        "ammonia detectors (ppm), ice water temperature, compressed air",
        ["metric", "trend", "utilities", "steam", "boiler", "ammonia", "nh3", "air"],
        "SELECT tag, system, description, reading, value, unit, alarm_limit FROM utilities "
        f"WHERE {_within('r_epoch', 'since_hours', 3600)} AND (:system = '' OR system = lower(:system)) "
        "ORDER BY tag, r_epoch",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "system": {"type": "string", "enum": ["", "steam", "ammonia", "ice_water", "air"], "default": ""},
            }
        ),
    ),
    "effluent_readings": (
        "Effluent treatment plant (ETP-1) discharge, hourly over the last N hours (max 24): pH, COD (mg/l), flow "
        "(m3/h), temperature, the discharge consent",
        ["metric", "effluent", "environment", "etp", "ph", "cod", "trend"],
        f"SELECT reading, ph, cod_mg_l, flow_m3_h, temp_c, consent FROM effluent "
        f"WHERE {_within('r_epoch', 'lookback_hours', 3600)} ORDER BY r_epoch",
        obj({"lookback_hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 12}}),
    ),
    "lab_results": (
        "Lab results (kept 14 days) over the last N days, newest first: sample SMP-nnnnnn, sampled, sample point (a "
        "silo, a tanker and its intake, or a lot), product, test (TVC, coliforms, ALP phosphatase, SCC somatic cell "
        "count, antibiotics), result, unit, limit, verdict (pass, fail, pending), analyst. point matches part of the "
        "sample point",
        ["lab", "qa", "micro", "tvc", "coliforms", "phosphatase", "alp", "antibiotic", "scc", "metric", "history"],
        "SELECT sample, sampled, point, product, test, result, unit, limit_text, verdict, analyst FROM lab_results "
        f"WHERE {_within('s_epoch', 'days', 86400)} AND (:test = '' OR lower(test) = lower(:test)) "
        f"AND (:point = '' OR instr({_squash('point')}, {_squash('trim(:point)')}) > 0) "
        "AND (:verdict = '' OR verdict = lower(:verdict)) ORDER BY s_epoch DESC, point, test",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 2},
                "test": {"type": "string", "enum": _TESTS, "default": ""},
                "point": {"type": "string", "default": "", "description": "e.g. RMS-2, PMS-3, TX-408, L4-6128"},
                "verdict": {"type": "string", "enum": ["", "pass", "fail", "pending"], "default": ""},
            }
        ),
    ),
    "lab_failures_by_test": (
        "Lab failures per test over the last N days (max 14), most failures first: samples, failures, pending, the "
        "failed samples (point, result, when)",
        ["lab", "count", "ranking", "qa", "failure", "out of spec", "metric"],
        "SELECT test, COUNT(*) AS samples, SUM(CASE WHEN verdict = 'fail' THEN 1 ELSE 0 END) AS failures, "
        "SUM(CASE WHEN verdict = 'pending' THEN 1 ELSE 0 END) AS pending, "
        "group_concat(CASE WHEN verdict = 'fail' THEN point || ': ' || trim(result || ' ' || unit) || ' (' || sampled "
        "|| ')' "
        "END, '; ') AS failed_samples FROM lab_results "
        f"WHERE {_within('s_epoch', 'days_back', 86400)} GROUP BY test ORDER BY failures DESC, test",
        obj({"days_back": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7}}),
    ),
    "lot_genealogy": (
        "Genealogy of ONE lot (e.g. L4-6128), or of every lot of a pasteurised batch (PB-40959): filling line, "
        "product, filled from / to, units, batch, pasteuriser, pasteurised silo, raw silos, the tanker intakes, "
        "tankers and routes of the milk, its hold (if any)",
        ["lot", "batch", "genealogy", "traceability", "trace", "recall", "hold"],
        "SELECT l.lot, l.line, l.product, l.started, l.ended, l.units, l.batch, l.pasteuriser, l.past_silo, "
        "l.raw_silos, l.intakes, l.tankers, l.routes, COALESCE((SELECT h.hold || ' ' || h.status FROM holds h "
        "WHERE h.lot = l.lot ORDER BY h.p_epoch DESC LIMIT 1), 'not on hold') AS hold, l.note FROM lots l "
        f"WHERE {_squash('l.lot')} = {_squash('trim(:lot)')} OR {_squash('l.batch')} = {_squash('trim(:lot)')} "
        "ORDER BY l.s_epoch",
        obj({"lot": {"type": "string", "description": "lot code (L4-6128) or batch (PB-40959)"}}, ["lot"]),
    ),
    "filling_runs": (
        "Filling line runs (one lot each) started in the last N hours (max 168), plus the runs in progress: lot, "
        "line, product, started, ended, units filled, rejects, minutes starved of product, batch, note",
        ["filling", "production", "output", "lot", "line", "units", "history"],
        "SELECT lot, line, product, started, ended, units, rejects, starved_min, batch, note FROM lots "
        f"WHERE ({_within('s_epoch', 'hours', 3600)} OR ended IS NULL) AND {_same('line', 'line')} "
        "ORDER BY line, s_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 12},
                "line": {"type": "string", "default": "", "description": "FL-3, FL-4, FL-6 or FL-8"},
            }
        ),
    ),
    "product_holds": (
        "Product holds (QH-nnnn), one row per lot, placed in the last N days (max 30), newest first: lot, reason, "
        "placed, by, status (on_hold, released, rejected), released, note",
        ["hold", "qa", "quarantine", "lot", "release", "food safety"],
        "SELECT hold, lot, reason, placed, placed_by, status, released, note FROM holds "
        f"WHERE {_within('p_epoch', 'placed_within_days', 86400)} AND (:status = '' OR status = lower(:status)) "
        "ORDER BY p_epoch DESC, lot",
        obj(
            {
                "placed_within_days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 14},
                "status": {"type": "string", "enum": ["", "on_hold", "released", "rejected"], "default": ""},
            }
        ),
    ),
    "maintenance_work_orders": (
        "Engineering work orders (EWO-nnnnn) scheduled from N days back to M days ahead: asset (plant or tanker), "
        "task, status (scheduled, in_progress, completed), scheduled, due, completed, assignee, notes",
        ["maintenance", "work order", "pm", "engineering", "schedule", "planned", "repair"],
        "SELECT wo, asset, task, status, scheduled, due, completed, assignee, notes FROM work_orders "
        f"WHERE s_epoch BETWEEN {_EPOCH_NOW} - :back_days * 86400 AND {_EPOCH_NOW} + :ahead_days * 86400 "
        f"AND {_same('asset', 'asset')} ORDER BY s_epoch",
        obj(
            {
                "back_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 1},
                "ahead_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 7},
                "asset": {"type": "string", "default": ""},
            }
        ),
    ),
    "change_records": (
        "Management of change records (MOC-nnnn) raised, updated or implemented in the last N hours (max 720), newest "
        "first: title, area, asset, risk, state (approved, implemented, rolled_back), requested by, implemented by, "
        "approver, planned, implemented, notes",
        ["change", "moc", "config", "setpoint", "history", "recipe"],
        "SELECT moc, title, area, asset, risk, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE ({_within('raised_epoch', 'since_hours', 3600)} "
        f"OR {_within('impl_epoch', 'since_hours', 3600)} OR {_within('updated_epoch', 'since_hours', 3600)}) "
        "AND (:area = '' OR area = lower(:area)) ORDER BY COALESCE(impl_epoch, updated_epoch, raised_epoch) DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "area": {
                    "type": "string",
                    "enum": ["", "pasteurisation", "cip", "filling", "utilities", "refrigeration", "effluent"],
                    "default": "",
                },
            }
        ),
    ),
    "vendor_cases": (
        "Engineering vendor cases: Hollins & Vautrin Thermal (HVT-nnnnn), Duroflo Valves (DFV-C-nnnn), Nordvik "
        "Refrigeration (NVR-yy-nnnn), Caldmere Chemicals (CCL-nnnn), Fillmark Packaging (FPK-nnnn). Look one up by "
        "reference, or list by asset or vendor: subject, status, priority, engineer, raised by, latest update.",
        ["lookup", "vendor", "supplier", "case", "ticket", "support"],
        "SELECT ref, vendor, asset, subject, status, priority, engineer, raised_by, opened, updated, latest FROM cases "
        f"WHERE {_same('ref', 'ref')} AND {_same('asset', 'asset')} AND (:vendor = '' OR {_has('vendor', 'vendor')}) "
        "ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. HVT-77064"},
                "asset": {"type": "string", "default": ""},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_contacts": (
        "Vendors, hauliers and service providers: what they cover, service line, hours, engineer, escalation, contract",
        ["contact", "vendor", "supplier", "escalation", "phone", "support"],
        "SELECT vendor, covers, phone, hours, engineer, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 08:00 UTC: engineering (primary, secondary), refrigeration (ammonia plant and "
        "cold stores), qa, intake_transport, duty_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_EPOCH_NOW} AND ends_epoch > {_EPOCH_NOW} THEN 'yes' ELSE '' END AS on_now "
        f"FROM oncall WHERE ends_epoch > {_EPOCH_NOW} AND starts_epoch < {_EPOCH_NOW} + 14 * 86400 "
        "AND (:rota = '' OR rota = :rota) ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "shift_managers": (
        "Production shift managers (12-hour shifts: days 06:00-18:00, nights 18:00-06:00 UTC): the two previous "
        "shifts, the current one and the next; on_now = yes for the one on shift now",
        ["contact", "shift", "manager", "who", "production"],
        "SELECT shift, starts, ends, manager, mobile, "
        f"CASE WHEN starts_epoch <= {_EPOCH_NOW} AND ends_epoch > {_EPOCH_NOW} THEN 'yes' ELSE '' END AS on_now "
        "FROM shifts ORDER BY starts_epoch",
        obj({}),
    ),
    "shift_log": (
        "Shift log (DL-nnnn) of production, QA, engineering and intake over the last N hours (max 72), newest first; "
        "optional text to look for in the author, role or entry",
        ["history", "log", "handover", "notes", "shift", "investigation"],
        "SELECT entry, logged, author, role, text FROM shift_log "
        f"WHERE {_within('l_epoch', 'hours', 3600)} AND {_has(_LOG_TEXT, 'text')} "
        "ORDER BY l_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "text": {"type": "string", "default": ""},
            }
        ),
    ),
    "sop_search": (
        "Search the site's SOPs, HACCP plans, work instructions, emergency plans and the escalation matrix for a word "
        "or phrase",
        ["document", "procedure", "sop", "haccp", "runbook", "how to", "instruction"],
        "SELECT doc, title, kind, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), "
        "lower(trim(:q))) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
