"""The thirty-second estate's APIs (:mod:`tests.ops_eval.thirtysecond_estate`): SQL over a mobile operator's radio
access network (RAN) field operations store (cell sites, cells, RAN hardware, per-cell KPIs every 15 minutes and per
day, OSS alarms, backhaul links and microwave performance, site power with battery telemetry, discharge events and
generator events, field dispatches and engineers, landlord and tower company access permits, vendor and supplier
cases and contacts, the power company's planned outages, parameter and software rollouts, change records, on-call,
NOC shift leads, the NOC log and the MOP library), as Orrinvale Mobile's NOC, RAN optimisation, transmission, power
and field teams would publish them: some tersely, some at length. Windows differ from API to API on purpose:
``lookback_min``, ``hours``, ``days``, an RFC 3339 ``since``, ISO dates (``from_date`` / ``to_date``), ``window_h``,
``minutes_back``, ``last_n_days``, ``window_days``, ``back_days`` / ``ahead_days``, ``span_hours``; one API requires a
cell (or site) id (the 15-minute KPI series) and one a search phrase (the MOPs); two search free text (the NOC log,
the MOPs); three aggregate (a ranking of cells by KPI, alarms per site, battery discharges per site); the on-call
rota and the NOC shift leads flag the ones on now. Ids match however they are typed (``hlm034 l1``, ``HLM-034-L1``)."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_REGIONS = ["", "Halmere", "Tessford", "Brackwater", "Quenby"]
_SITE = "site id, e.g. HLM-034, TSF-112, BRK-057, QNB-207 (any case, dashes optional); empty: all"
_ROTAS = ["", "ran_optimisation", "transmission", "power", "field_ops", "duty_manager"]


def _squash(expr: str) -> str:
    """``expr`` upper-cased with dashes, underscores, slashes, dots and spaces taken out."""
    out = f"upper({expr})"
    for ch in ("-", "_", "/", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _eq(col: str, param: str) -> str:
    """Column ``col`` equals the id typed in ``:param`` (any case or punctuation); an empty param matches all."""
    return f"(:{param} = '' OR {_squash(col)} = {_squash(f'trim(:{param})')})"


def _since(col: str, param: str, default_s: int) -> str:
    """``col`` (epoch) at or after the RFC 3339 time in ``:param``, or ``default_s`` seconds back when empty."""
    return f"{col} >= COALESCE(CAST(strftime('%s', NULLIF(trim(:{param}), '')) AS INTEGER), {_NOW} - {default_s})"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "site_list": (
        "Orrinvale Mobile cell sites: site id (region code and number: HLM-031, TSF-112, BRK-019, QNB-207), name, "
        "region (Halmere, Tessford, Brackwater, Quenby), type (rooftop, tower, monopole), address, structure owner "
        "(Castellane Towers for towers) and landlord, technologies, backhaul, and the site's state now (ON_AIR, "
        "PARTIAL = some cells out, OFF_AIR) with since when and why",
        ["site", "inventory", "state", "status", "on air", "ran", "live"],
        "SELECT site, name, region, site_type, address, structure_owner, landlord, height_m, techs, backhaul, state, "
        "state_since, state_note FROM sites WHERE (:region = '' OR lower(region) = lower(:region)) "
        f"AND (:state = '' OR state = upper(:state)) AND {_eq('site', 'site')} ORDER BY site",
        obj(
            {
                "region": {"type": "string", "enum": _REGIONS, "default": ""},
                "state": {"type": "string", "enum": ["", "ON_AIR", "PARTIAL", "OFF_AIR"], "default": ""},
                "site": {"type": "string", "default": "", "description": _SITE},
            }
        ),
    ),
    "cell_inventory": (
        "Cells (sectors) per site: cell id (site + L for LTE 1800 or N for NR n78 + sector: HLM-034-L1), band, "
        "azimuth, electrical tilt, PCI, PRACH root sequence index (RSI), admin/operational state now (IN_SERVICE, "
        "OUT_OF_SERVICE, LOCKED) and since when",
        ["cell", "sector", "inventory", "config", "pci", "rsi", "prach", "tilt", "state"],
        "SELECT cell, site, tech, band, sector, azimuth, etilt_deg, pci, rsi, state, state_since, note FROM cells "
        f"WHERE {_eq('site', 'site')} AND (:tech = '' OR tech = upper(:tech)) "
        "AND (:state = '' OR state = upper(:state)) ORDER BY cell",
        obj(
            {
                "site": {"type": "string", "default": "", "description": _SITE},
                "tech": {"type": "string", "enum": ["", "LTE", "NR"], "default": ""},
                "state": {"type": "string", "enum": ["", "IN_SERVICE", "OUT_OF_SERVICE", "LOCKED"], "default": ""},
            }
        ),
    ),
    "ran_hardware": (
        "RAN hardware per site (Nordvik Radio): baseband units (BBU), radio units (RU) and active antennas (AAU): "
        "model, serial, software version, installed, state, note",
        ["hardware", "inventory", "bbu", "radio unit", "firmware", "version", "equipment"],
        "SELECT unit, site, kind, model, serial, sw_version, installed, state, note FROM hardware "
        f"WHERE {_eq('site', 'site')} AND (:kind = '' OR kind = upper(:kind)) ORDER BY site, unit",
        obj(
            {
                "site": {"type": "string", "default": ""},
                "kind": {"type": "string", "enum": ["", "BBU", "RU", "AAU"], "default": ""},
            }
        ),
    ),
    "cell_kpi_timeseries": (
        "15-minute KPIs of ONE cell (or every cell of a site when given a site id) from the OSS performance counters, "
        "kept 48 hours, oldest first: sample end, DL PRB utilisation %, RRC setup success rate %, drop call rate "
        "(DCR) %, average DL user throughput (Mbit/s), cell availability %. KPIs are null while the cell is out",
        ["metric", "kpi", "cell", "dcr", "drop", "rrc", "prb", "throughput", "availability", "trend", "timeseries"],
        "SELECT cell, sample_end, prb_dl_pct, rrc_ssr_pct, dcr_pct, dl_user_tput_mbps, avail_pct FROM kpi_15m "
        f"WHERE ({_squash('cell')} = {_squash('trim(:cell)')} OR {_squash('site')} = {_squash('trim(:cell)')}) "
        f"AND end_epoch >= {_NOW} - :lookback_min * 60 ORDER BY cell, end_epoch",
        obj(
            {
                "cell": {"type": "string", "description": "cell id, e.g. HLM-034-L1 (or a site id: all its cells)"},
                "lookback_min": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 240},
            },
            ["cell"],
        ),
    ),
    "cell_kpi_ranking": (
        "Ranks cells by a KPI over the last N hours (max 48) of 15-minute samples: average and worst DCR, average and "
        "lowest RRC setup success, average and peak PRB utilisation, average throughput, availability. rank_by: dcr "
        "(highest first), rrc (lowest first), prb (busiest first), throughput (lowest first), availability (lowest "
        "first)",
        ["kpi", "ranking", "worst", "top", "cell", "dcr", "rrc", "prb", "congestion", "metric", "count"],
        "SELECT k.cell, k.site, s.region, ROUND(AVG(k.dcr_pct), 2) AS avg_dcr_pct, MAX(k.dcr_pct) AS worst_dcr_pct, "
        "ROUND(AVG(k.rrc_ssr_pct), 2) AS avg_rrc_ssr_pct, MIN(k.rrc_ssr_pct) AS lowest_rrc_ssr_pct, "
        "ROUND(AVG(k.prb_dl_pct), 1) AS avg_prb_pct, MAX(k.prb_dl_pct) AS peak_prb_pct, "
        "ROUND(AVG(k.dl_user_tput_mbps), 1) AS avg_tput_mbps, ROUND(AVG(k.avail_pct), 2) AS availability_pct, "
        "COUNT(*) AS samples FROM kpi_15m k JOIN sites s ON s.site = k.site "
        f"WHERE k.end_epoch >= {_NOW} - :hours * 3600 AND (:region = '' OR lower(s.region) = lower(:region)) "
        "GROUP BY k.cell ORDER BY (CASE :rank_by WHEN 'dcr' THEN -AVG(k.dcr_pct) WHEN 'rrc' THEN AVG(k.rrc_ssr_pct) "
        "WHEN 'prb' THEN -AVG(k.prb_dl_pct) WHEN 'throughput' THEN AVG(k.dl_user_tput_mbps) "
        "ELSE AVG(k.avail_pct) END) IS NULL, CASE :rank_by WHEN 'dcr' THEN -AVG(k.dcr_pct) "
        "WHEN 'rrc' THEN AVG(k.rrc_ssr_pct) WHEN 'prb' THEN -AVG(k.prb_dl_pct) "
        "WHEN 'throughput' THEN AVG(k.dl_user_tput_mbps) ELSE AVG(k.avail_pct) END, k.cell LIMIT :limit",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 24},
                "rank_by": {
                    "type": "string",
                    "enum": ["dcr", "rrc", "prb", "throughput", "availability"],
                    "default": "dcr",
                },
                "region": {"type": "string", "enum": _REGIONS, "default": ""},
                "limit": {"type": "integer", "minimum": 1, "maximum": 60, "default": 10},
            }
        ),
    ),
    "cell_kpi_daily": (
        "Daily cell KPIs (24-hour periods, kept 14 days) between two ISO dates (default: the last 7 days): "
        "availability, RRC setup success, DCR, DL traffic (GB), busy-hour PRB",
        ["kpi", "daily", "cell", "trend", "history", "traffic", "metric"],
        "SELECT cell, day, period_end, avail_pct, rrc_ssr_pct, dcr_pct, dl_traffic_gb, prb_busy_hour_pct "
        "FROM kpi_daily WHERE day BETWEEN COALESCE(NULLIF(:from_date, ''), date('now', '-6 days')) "
        f"AND COALESCE(NULLIF(:to_date, ''), date('now')) AND {_eq('site', 'site')} AND {_eq('cell', 'cell')} "
        "ORDER BY cell, day",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "default": "", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "format": "date", "default": "", "description": "YYYY-MM-DD"},
                "site": {"type": "string", "default": ""},
                "cell": {"type": "string", "default": ""},
            }
        ),
    ),
    "oss_alarms": (
        "OSS alarms raised since an RFC 3339 time (default: the last 24 hours), newest first: alarm id, site, managed "
        "object (cell, RU, BBU, power, generator, MW link), severity, probable cause, raised, cleared (null while "
        "active), acknowledged by",
        ["alarm", "oss", "fault", "event", "active", "critical", "live", "history"],
        "SELECT alarm, site, object, severity, probable_cause, raised, cleared, ack_by, note FROM alarms "
        f"WHERE {_since('r_epoch', 'since', 86400)} AND (:severity = '' OR severity = lower(:severity)) "
        f"AND {_eq('site', 'site')} AND (:state = '' OR (:state = 'active' AND cleared IS NULL) "
        "OR (:state = 'cleared' AND cleared IS NOT NULL)) ORDER BY r_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "default": "", "description": "RFC 3339 UTC"},
                "severity": {
                    "type": "string",
                    "enum": ["", "critical", "major", "minor", "warning"],
                    "default": "",
                },
                "site": {"type": "string", "default": "", "description": _SITE},
                "state": {"type": "string", "enum": ["", "active", "cleared"], "default": ""},
            }
        ),
    ),
    "alarm_counts_by_site": (
        "Alarm counts per site over the last N days (max 30), most first: alarms, critical, major, still active, "
        "first and last raised, probable causes",
        ["alarm", "count", "ranking", "site", "statistics"],
        "SELECT site, COUNT(*) AS alarms, SUM(severity = 'critical') AS critical, SUM(severity = 'major') AS major, "
        "SUM(cleared IS NULL) AS active, MIN(raised) AS first_raised, MAX(raised) AS last_raised, "
        f"group_concat(DISTINCT probable_cause) AS causes FROM alarms WHERE r_epoch >= {_NOW} - :days * 86400 "
        "AND (:severity = '' OR severity = lower(:severity)) GROUP BY site ORDER BY alarms DESC, site",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "severity": {
                    "type": "string",
                    "enum": ["", "critical", "major", "minor", "warning"],
                    "default": "",
                },
            }
        ),
    ),
    "backhaul_links": (
        "Backhaul links (microwave MWL-nnnn, fibre FBR-nnnn): ends, equipment, band, capacity, design and current "
        "receive signal level (RSL, dBm), modulation now and maximum, state (UP, DEGRADED, DOWN), note",
        ["backhaul", "transmission", "microwave", "mw", "fibre", "link", "rsl", "inventory", "state"],
        "SELECT link, kind, site_a, site_b, equipment, band, capacity_mbps, design_rsl_dbm, rsl_now_dbm, "
        "modulation_now, max_modulation, state, note FROM links WHERE (:kind = '' OR kind = upper(:kind)) "
        f"AND ({_eq('site_a', 'site')} OR {_eq('site_b', 'site')}) ORDER BY link",
        obj(
            {
                "kind": {"type": "string", "enum": ["", "MW", "FIBRE"], "default": ""},
                "site": {"type": "string", "default": "", "description": "either end; empty: all"},
            }
        ),
    ),
    "mw_link_daily": (
        "Microwave link performance per day over the last N days (max 14): lowest and average RSL (dBm), worst BER, "
        "errored and severely errored seconds, adaptive modulation downshifts, minutes below the maximum modulation",
        ["microwave", "mw", "rsl", "ber", "modulation", "daily", "trend", "transmission", "metric"],
        "SELECT link, day_end, rsl_min_dbm, rsl_avg_dbm, ber_max, errored_s, severely_errored_s, mod_downshifts, "
        f"min_below_max_mod FROM mw_daily WHERE d_epoch >= {_NOW} - :days * 86400 AND {_eq('link', 'link')} "
        "ORDER BY link, d_epoch",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
                "link": {"type": "string", "default": "", "description": "e.g. MWL-4431"},
            }
        ),
    ),
    "mw_rsl_samples": (
        "MW receive level and modulation, 10-minute samples over the last window_h hours (max 24)",
        ["microwave", "mw", "rsl", "modulation", "metric", "timeseries"],
        "SELECT link, sample_end, rsl_dbm, modulation, capacity_mbps FROM mw_samples "
        f"WHERE end_epoch >= {_NOW} - :window_h * 3600 AND {_eq('link', 'link')} ORDER BY link, end_epoch",
        obj(
            {
                "window_h": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6},
                "link": {"type": "string", "default": ""},
            }
        ),
    ),
    "site_power_status": (
        "Site power now, per site: what the site runs on (MAINS, BATTERY, GENERATOR, ISOLATED), mains state and "
        "since when, rectifiers and DC load, battery bank, state of charge (SoC %), battery voltage, the SoC at which "
        "the low voltage disconnect (LVD) sheds load, estimated minutes to the LVD when discharging, standby "
        "generator, its state (STANDBY, RUNNING, FAILED, none), fuel % and run hours",
        ["power", "battery", "soc", "mains", "generator", "fuel", "rectifier", "state", "live", "genset"],
        "SELECT site, source_now, mains, mains_since, rectifiers, load_kw, battery, soc_pct, battery_v, lvd_soc_pct, "
        "est_min_to_lvd, generator, gen_state, gen_fuel_pct, gen_run_hours, note FROM power "
        f"WHERE {_eq('site', 'site')} AND (:source = '' OR source_now = upper(:source)) ORDER BY site",
        obj(
            {
                "site": {"type": "string", "default": "", "description": _SITE},
                "source": {
                    "type": "string",
                    "enum": ["", "MAINS", "BATTERY", "GENERATOR", "ISOLATED"],
                    "default": "",
                },
            }
        ),
    ),
    "battery_telemetry": (
        "Battery state of charge, voltage and DC load every 5 minutes (kept 24 hours), oldest first, with what the "
        "site was running on",
        ["battery", "soc", "power", "metric", "timeseries", "voltage", "discharge"],
        "SELECT site, sample_end, source, soc_pct, battery_v, load_kw FROM battery_samples "
        f"WHERE end_epoch >= {_NOW} - :minutes_back * 60 AND {_eq('site', 'site')} ORDER BY site, end_epoch",
        obj(
            {
                "site": {"type": "string", "default": ""},
                "minutes_back": {"type": "integer", "minimum": 5, "maximum": 1440, "default": 180},
            }
        ),
    ),
    "battery_discharge_events": (
        "Battery discharge events (BD-nnnn: the site ran on its batteries) that started in the last N days (max 60), "
        "newest first: site, started, ended (null: still discharging), minutes, lowest SoC, cause",
        ["battery", "discharge", "power", "mains", "history", "event"],
        "SELECT event, site, started, ended, duration_min, min_soc_pct, cause FROM discharges "
        f"WHERE s_epoch >= {_NOW} - :last_n_days * 86400 AND {_eq('site', 'site')} ORDER BY s_epoch DESC",
        obj(
            {
                "last_n_days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 7},
                "site": {"type": "string", "default": ""},
            }
        ),
    ),
    "discharges_by_site": (
        "Battery discharge events per site over the last N days (max 60), most first: events, minutes on battery, "
        "lowest SoC reached, latest",
        ["battery", "discharge", "count", "ranking", "power", "site"],
        f"SELECT site, COUNT(*) AS events, SUM(COALESCE(duration_min, ({_NOW} - s_epoch) / 60)) AS minutes_on_battery, "
        "MIN(min_soc_pct) AS lowest_soc_pct, MAX(started) AS latest FROM discharges "
        f"WHERE s_epoch >= {_NOW} - :window_days * 86400 GROUP BY site ORDER BY events DESC, site",
        obj({"window_days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 30}}),
    ),
    "generator_events": (
        "Standby generator log: starts, stops, failures to start, tests and refuels over the last N days (max 30)",
        ["generator", "genset", "power", "history", "event", "fuel"],
        "SELECT site, at_utc, event, detail, run_hours FROM gen_events "
        f"WHERE at_epoch >= {_NOW} - :days * 86400 AND {_eq('site', 'site')} "
        "AND (:event = '' OR event = lower(:event)) ORDER BY at_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 3},
                "site": {"type": "string", "default": ""},
                "event": {
                    "type": "string",
                    "enum": ["", "start", "stop", "fail_to_start", "test", "refuel"],
                    "default": "",
                },
            }
        ),
    ),
    "field_dispatches": (
        "Field engineer dispatches (DX-nnnnn) planned from N days back to M days ahead: site, reason, priority, "
        "engineer, status (scheduled, en_route, on_site, completed, cancelled), created, planned, ETA, completed, "
        "access permit, notes",
        ["dispatch", "ticket", "field", "engineer", "schedule", "planned", "visit", "work"],
        "SELECT dx, site, reason, priority, engineer, status, created, planned, eta, completed, permit, notes "
        f"FROM dispatches WHERE p_epoch BETWEEN {_NOW} - :back_days * 86400 AND {_NOW} + :ahead_days * 86400 "
        f"AND (:status = '' OR status = lower(:status)) AND {_eq('site', 'site')} ORDER BY p_epoch",
        obj(
            {
                "back_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 1},
                "ahead_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 3},
                "status": {
                    "type": "string",
                    "enum": ["", "scheduled", "en_route", "on_site", "completed", "cancelled"],
                    "default": "",
                },
                "site": {"type": "string", "default": ""},
            }
        ),
    ),
    "field_engineers": (
        "Field engineers: team, base, skills, mobile, and where they are now (status en_route, on_site, available, "
        "off_shift, on_leave; the job, place and ETA)",
        ["engineer", "field", "who", "where", "contact", "eta", "live"],
        "SELECT engineer, team, base, skills, mobile, status_now, job_now, where_now, eta, updated FROM engineers "
        "WHERE (:name = '' OR instr(lower(engineer), lower(trim(:name))) > 0) ORDER BY engineer",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "access_permits": (
        "Site access permits from landlords and Castellane Towers valid at some point between two ISO dates "
        "(default: today to 7 days ahead): permit AP-nnnn, site, landlord, purpose, valid from / to, access hours, "
        "escort needed, status (granted, pending, refused, expired), landlord contact, note",
        ["permit", "access", "landlord", "towerco", "schedule", "site"],
        "SELECT permit, site, landlord, purpose, valid_from, valid_to, access_hours, escort, status, contact, note "
        "FROM permits WHERE substr(valid_from, 1, 10) <= COALESCE(NULLIF(:to_date, ''), date('now', '+7 days')) "
        "AND substr(valid_to, 1, 10) >= COALESCE(NULLIF(:from_date, ''), date('now')) "
        f"AND (:status = '' OR status = lower(:status)) AND {_eq('site', 'site')} ORDER BY vf_epoch",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "default": ""},
                "to_date": {"type": "string", "format": "date", "default": ""},
                "status": {
                    "type": "string",
                    "enum": ["", "granted", "pending", "refused", "expired"],
                    "default": "",
                },
                "site": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_cases": (
        "Cases with vendors and suppliers: Nordvik Radio TAC (NVK-CS-nnnnnn), Castellane Towers (CTW-nnnnn), Halden "
        "Gensets (HGS-nnnn), Ferrolink microwave (FLK-nnnnn), Westmarch Electricity Networks faults (WEN-F-nnnnn). "
        "Look one up by reference or list them by site or vendor: subject, status, priority, engineer, raised by, "
        "opened, updated, latest update",
        ["lookup", "vendor", "case", "ticket", "tac", "supplier", "support"],
        "SELECT ref, vendor, site, object, subject, status, priority, engineer, raised_by, opened, updated, latest "
        f"FROM cases WHERE {_eq('ref', 'ref')} AND {_eq('site', 'site')} "
        "AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. NVK-CS-729880"},
                "site": {"type": "string", "default": ""},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_directory": (
        "Vendors, suppliers, landlords and the power company: role, what they cover, phone, hours, contact, "
        "escalation contact, contract",
        ["contact", "vendor", "supplier", "escalation", "phone", "landlord"],
        "SELECT vendor, role, covers, phone, hours, contact, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || role || ' ' || covers), lower(trim(:name))) > 0) "
        "ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "power_company_outages": (
        "Planned supply interruptions notified by Westmarch Electricity Networks (the power company) affecting our "
        "sites, running now or starting within the next N days: reference, site, start, end, status, reason, impact "
        "on the site",
        ["power", "outage", "planned", "mains", "schedule", "grid", "utility"],
        "SELECT ref, operator, site, kind, starts, ends, status, reason, impact FROM grid_outages "
        f"WHERE e_epoch >= {_NOW} AND s_epoch <= {_NOW} + :ahead_days * 86400 ORDER BY s_epoch",
        obj({"ahead_days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7}}),
    ),
    "rollouts": (
        "RAN software and configuration rollouts (RO-nnnn) started in the last N hours (max 720) or scheduled: kind "
        "(parameter, firmware, ret_tilt), title, target cells or sites, the values changed (old -> new), started, "
        "completed, state (scheduled, running, completed, rolled_back), executed by, change record",
        ["rollout", "change", "parameter", "firmware", "software", "config", "history", "tilt"],
        "SELECT ro, kind, title, targets, detail, started, completed, state, executed_by, change_ref, note "
        f"FROM rollouts WHERE (s_epoch >= {_NOW} - :span_hours * 3600 OR state = 'scheduled') "
        "AND (:kind = '' OR kind = lower(:kind)) ORDER BY s_epoch DESC",
        obj(
            {
                "span_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "kind": {"type": "string", "enum": ["", "parameter", "firmware", "ret_tilt"], "default": ""},
            }
        ),
    ),
    "change_records": (
        "Change records (OVC-nnnn) raised, updated or implemented in the last N hours (max 720), newest first",
        ["change", "cab", "history", "config", "planned work"],
        "SELECT ovc, title, scope, kind, risk, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :hours * 3600 OR impl_epoch >= {_NOW} - :hours * 3600 "
        f"OR updated_epoch >= {_NOW} - :hours * 3600) AND (:state = '' OR state = lower(:state)) "
        "ORDER BY COALESCE(impl_epoch, updated_epoch, raised_epoch) DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "state": {
                    "type": "string",
                    "enum": ["", "pending", "approved", "implemented", "rolled_back", "cancelled"],
                    "default": "",
                },
            }
        ),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 08:00 UTC: ran_optimisation, transmission (primary, secondary), power, "
        "field_ops (primary, secondary), duty_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "noc_shift_leads": (
        "NOC shift leads (12-hour shifts: day 07:00-19:00, night 19:00-07:00 UTC): the two shifts before, the one "
        "running now (on_now = yes) and the next, with mobile and desk phone",
        ["noc", "shift", "lead", "who", "contact"],
        "SELECT shift, starts, ends, lead, mobile, desk, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now "
        "FROM shift_leads ORDER BY starts_epoch",
        obj({}),
    ),
    "noc_log": (
        "NOC log (NL-nnnnn), newest first, over the last window_h hours (max 72); search looks in the author, role "
        "and text",
        ["history", "log", "noc", "notes", "investigation", "handover"],
        "SELECT entry, ts, author, role, text FROM noc_log "
        f"WHERE ts_epoch >= {_NOW} - :window_h * 3600 "
        "AND instr(lower(author || ' ' || role || ' ' || text), lower(trim(:search))) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "window_h": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "search": {"type": "string", "default": ""},
            }
        ),
    ),
    "mop_library": (
        "Search the method of procedure (MOP) library: RAN, power, transmission and site access procedures and the "
        "NOC escalation matrix",
        ["document", "procedure", "mop", "runbook", "how to", "escalation"],
        "SELECT mop, title, kind, body FROM mops "
        "WHERE instr(lower(mop || ' ' || title || ' ' || kind || ' ' || body), lower(trim(:q))) > 0 ORDER BY mop",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
