"""The forty-second estate's APIs (:mod:`tests.ops_eval.fortysecond_estate`): SQL over a mobile operator's 5G / 4G
packet core operations store (network function instances and their 5-minute load, CPU and memory, daily peaks,
registration and attach success per region, PDU session setups and their failures by 5GSM cause, the UPFs' user
plane, signalling storms, roaming partners and their interconnects' error rates, DNS resolvers, VoLTE and VoNR call
setup success, network slices, software upgrades, config pushes, change records, incidents and their timelines, OSS
alarms, customer complaints, vendor cases and contacts, runbooks, on-call and the NOC shift leads), as the operator's
core, roaming and NOC teams would publish them: some tersely, some at length. Windows differ from API to API on
purpose: ``hours``, ``window_hours``, ``lookback_minutes``, ``since_hours``, ``last_days``, ``days``, an RFC 3339
time (``since``), ``back_days`` / ``ahead_days`` and ``ahead_hours``; one API requires an NF (its daily peaks) and one
an incident (its timeline); one looks a vendor case up by reference, NF or vendor; one searches the runbooks; four
aggregate (PDU failures per SMF and cause, roaming errors per partner and interface, complaints per region and reason,
incidents are listed with their open state); the on-call rota and the NOC shift leads flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_NF_TYPES = ["", "AMF", "SMF", "UPF", "AUSF", "UDM", "PCF", "NRF", "MME", "SPGW", "SEPP", "DEA", "STP", "DNS",
             "P-CSCF", "S-CSCF", "TAS"]  # fmt: skip
_SITES = ["", "lon", "man", "gla"]
_REGIONS = ["", "south", "north", "scotland"]
_SMFS = "smf-lon-01, smf-lon-02, smf-man-01, smf-gla-01; empty: all"
_ROTAS = ["", "packet_core", "ims_voice", "roaming", "dns_ip", "duty_manager"]


def _norm(expr: str) -> str:
    """``expr`` lower-cased without dashes, underscores, dots and spaces (names are typed every way)."""
    out = f"lower({expr})"
    for ch in ("-", "_", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on a name column, typed any way (``upf-man-02``, ``UPF_MAN_02``, ``upfman02``); empty: all."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "nf_inventory": (
        "Packet core network function (NF) instances: name (amf-lon-01, smf-man-01, upf-man-02, mme-gla-01, "
        "spgw-lon-01, ...), type, site (lon London Docklands, man Manchester, gla Glasgow), data centre, region "
        "served, vendor, model, software version, pool, capacity, state (in_service, degraded, maintenance, "
        "out_of_service), since, note",
        ["inventory", "nf", "network function", "status", "version", "capacity", "amf", "smf", "upf"],
        "SELECT name, nf_type, site, data_centre, region, vendor, model, sw_version, pool, capacity, capacity_unit, "
        "state, since, note FROM nf_instances WHERE (:nf_type = '' OR nf_type = upper(:nf_type)) "
        f"AND (:site = '' OR site = lower(:site)) AND {_id('name', 'name')} ORDER BY nf_type, name",
        obj(
            {
                "nf_type": {"type": "string", "enum": _NF_TYPES, "default": ""},
                "site": {"type": "string", "enum": _SITES, "default": ""},
                "name": {"type": "string", "default": "", "description": "NF instance, e.g. upf-man-02"},
            }
        ),
    ),
    "nf_load": (
        "NF load every 5 minutes over the last N hours (max 24, kept 24 hours), oldest first: CPU %, memory % and "
        "the NF's load (registered UEs for AMFs, attached UEs for MMEs, PDU sessions for SMFs and UPFs, EPS bearers "
        "for SGW / PGWs, requests or messages a second for the others). Filter by NF instance or type.",
        ["metric", "load", "cpu", "memory", "sessions", "registrations", "trend", "nf"],
        "SELECT name, nf_type, site, sample_end, cpu_pct, mem_pct, load_value, load_unit FROM nf_samples "
        f"WHERE end_epoch >= {_NOW} - :hours * 3600 AND {_id('name', 'name')} "
        "AND (:nf_type = '' OR nf_type = upper(:nf_type)) ORDER BY name, end_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 3},
                "name": {"type": "string", "default": "", "description": "NF instance, e.g. amf-man-01"},
                "nf_type": {"type": "string", "enum": _NF_TYPES, "default": ""},
            }
        ),
    ),
    "nf_daily_peaks": (
        "Daily busy-hour peaks of ONE NF instance (kept 14 days; one reading a day covering the 24 hours before it): "
        "peak CPU %, peak memory %, peak load",
        ["metric", "trend", "daily", "capacity", "memory", "cpu", "nf", "peak"],
        "SELECT name, nf_type, read_utc, peak_cpu_pct, peak_mem_pct, peak_load, load_unit FROM nf_daily "
        f"WHERE {_norm('name')} = {_norm('trim(:name)')} AND read_epoch >= {_NOW} - :last_days * 86400 "
        "ORDER BY read_epoch",
        obj(
            {
                "name": {"type": "string", "description": "NF instance, e.g. upf-lon-03"},
                "last_days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
            },
            ["name"],
        ),
    ),
    "registration_kpis": (
        "Registration (5G, AMF) and attach (4G, MME) success per region in 15-minute buckets over the last N hours "
        "(max 48), oldest first: attempts, successes, success %, top reject cause (5GMM / EMM)",
        ["metric", "kpi", "registration", "attach", "success rate", "amf", "mme", "trend"],
        "SELECT region, access, bucket_end, attempts, successes, success_pct, top_reject FROM reg_kpi "
        f"WHERE end_epoch >= {_NOW} - :window_hours * 3600 AND (:region = '' OR region = lower(:region)) "
        "AND (:access = '' OR access = upper(:access)) ORDER BY region, access, end_epoch",
        obj(
            {
                "window_hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "region": {"type": "string", "enum": _REGIONS, "default": ""},
                "access": {"type": "string", "enum": ["", "5G", "4G"], "default": ""},
            }
        ),
    ),
    "pdu_session_setup": (
        "PDU session establishment per SMF in 15-minute buckets since an RFC 3339 time (kept 72 hours), oldest "
        "first: attempts, failures, success %, and the bucket's top 5GSM failure cause",
        ["metric", "kpi", "pdu session", "smf", "setup", "success rate", "trend", "5gsm"],
        "SELECT s.smf, s.region, s.bucket_end, s.attempts, s.failures, s.success_pct, (SELECT '#' || c.cause_code "
        "|| ' ' || c.cause_name FROM pdu_causes c WHERE c.smf = s.smf AND c.end_epoch = s.end_epoch "
        "ORDER BY c.failures DESC LIMIT 1) AS top_cause FROM pdu_stats s "
        f"WHERE s.end_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND {_id('s.smf', 'smf')} "
        "ORDER BY s.smf, s.end_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "smf": {"type": "string", "default": "", "description": _SMFS},
            },
            ["since"],
        ),
    ),
    "pdu_failures_by_cause": (
        "PDU session setup failures per SMF and 5GSM cause code (#26 insufficient resources, #27 missing or unknown "
        "DNN, #29, #31, #33, #38 network failure, #69) over the last N hours (max 72), most first, with the worst "
        "15-minute bucket",
        ["pdu session", "failure", "cause", "5gsm", "count", "ranking", "smf"],
        "SELECT smf, region, '#' || cause_code AS cause, cause_name, SUM(failures) AS failures, MAX(failures) AS "
        "worst_bucket, bucket_end AS worst_bucket_end FROM pdu_causes "
        f"WHERE end_epoch >= {_NOW} - :since_hours * 3600 AND {_id('smf', 'smf')} GROUP BY smf, cause_code "
        "ORDER BY failures DESC, smf",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 6},
                "smf": {"type": "string", "default": "", "description": _SMFS},
            }
        ),
    ),
    "upf_user_plane": (
        "UPF user plane every 5 minutes over the last N minutes (max 1440), oldest first: PDU sessions, downlink and "
        "uplink throughput (Gbit/s), packet loss %, GTP-U error indications",
        ["metric", "upf", "throughput", "packet loss", "user plane", "sessions", "trend", "gtp"],
        "SELECT upf, site, sample_end, sessions, dl_gbps, ul_gbps, packet_loss_pct, gtpu_error_ind FROM upf_samples "
        f"WHERE end_epoch >= {_NOW} - :lookback_minutes * 60 AND {_id('upf', 'upf')} "
        "AND (:site = '' OR site = lower(:site)) ORDER BY upf, end_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 5, "maximum": 1440, "default": 60},
                "upf": {"type": "string", "default": "", "description": "e.g. upf-man-02; empty: all"},
                "site": {"type": "string", "enum": _SITES, "default": ""},
            }
        ),
    ),
    "signalling_storms": (
        "Signalling storms detected over the last N days (max 30), newest first: NF, kind, started, ended, peak "
        "versus baseline, procedure, source, action, status (ongoing, resolved)",
        ["storm", "signalling", "overload", "history", "event", "iot"],
        "SELECT event, nf, site, kind, started, ended, peak_x_baseline, procedure, source, action, status "
        f"FROM storms WHERE s_epoch >= {_NOW} - :days * 86400 ORDER BY s_epoch DESC",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7}}),
    ),
    "roaming_partners": (
        "Roaming partners by TADIG code: operator, country, interconnects (SCCP / MAP, Diameter S6a, SEPP N32), route "
        "(IPX hub or direct), direction, status, note, partner NOC contact",
        ["roaming", "partner", "tadig", "inventory", "contact", "ipx"],
        "SELECT tadig, operator, country, interfaces, route, direction, status, note, contact FROM partners "
        "WHERE (:q = '' OR instr(lower(tadig || ' ' || operator || ' ' || country), lower(trim(:q))) > 0) "
        "ORDER BY tadig",
        obj({"q": {"type": "string", "default": "", "description": "TADIG code, operator or country"}}),
    ),
    "roaming_error_summary": (
        "Roaming interconnect error rates per partner and interface (SCCP, Diameter, SEPP) over the last N hours (max "
        "168), worst first: requests, errors, error %, the worst hourly error % and its top error",
        ["roaming", "error rate", "diameter", "sccp", "sepp", "ranking", "partner", "metric"],
        "SELECT r.tadig, r.interface, SUM(r.requests) AS requests, SUM(r.errors) AS errors, "
        "ROUND(100.0 * SUM(r.errors) / SUM(r.requests), 2) AS error_pct, MAX(r.error_pct) AS worst_hour_pct, "
        "(SELECT q.top_error FROM roaming_kpi q WHERE q.tadig = r.tadig AND q.interface = r.interface "
        f"AND q.end_epoch >= {_NOW} - :last_hours * 3600 ORDER BY q.error_pct DESC LIMIT 1) AS top_error "
        f"FROM roaming_kpi r WHERE r.end_epoch >= {_NOW} - :last_hours * 3600 "
        "AND (:interface = '' OR r.interface = :interface) GROUP BY r.tadig, r.interface ORDER BY error_pct DESC",
        obj(
            {
                "last_hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "interface": {"type": "string", "enum": ["", "SCCP", "Diameter", "SEPP"], "default": ""},
            }
        ),
    ),
    "roaming_interconnect_hourly": (
        "Hourly roaming interconnect stats of one partner (TADIG code, e.g. FRAKV) over the last N hours (max 168, "
        "kept 7 days), oldest first: interface, requests, errors, error %, top error (Diameter result code, SCCP "
        "return cause, N32 status)",
        ["roaming", "metric", "trend", "diameter", "sccp", "sepp", "partner", "error rate"],
        "SELECT tadig, interface, bucket_end, requests, errors, error_pct, top_error FROM roaming_kpi "
        f"WHERE upper(tadig) = upper(trim(:tadig)) AND end_epoch >= {_NOW} - :last_hours * 3600 "
        "AND (:interface = '' OR interface = :interface) ORDER BY interface, end_epoch",
        obj(
            {
                "tadig": {"type": "string", "description": "partner TADIG code", "examples": ["ESPXA", "DEUKB"]},
                "last_hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 24},
                "interface": {"type": "string", "enum": ["", "SCCP", "Diameter", "SEPP"], "default": ""},
            },
            ["tadig"],
        ),
    ),
    "dns_resolver_stats": (
        "DNS resolvers (dns-lon-01, dns-man-01, dns-gla-01) in 15-minute buckets over the last N hours (max 48): "
        "queries a second, p95 latency (ms), SERVFAIL %, NXDOMAIN %",
        ["dns", "metric", "resolver", "servfail", "latency", "trend"],
        "SELECT resolver, site, bucket_end, qps, p95_ms, servfail_pct, nxdomain_pct FROM dns_stats "
        f"WHERE end_epoch >= {_NOW} - :hours * 3600 AND {_id('resolver', 'resolver')} ORDER BY resolver, end_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "resolver": {"type": "string", "default": ""},
            }
        ),
    ),
    "ims_call_setup": (
        "IMS voice call setup success (CSSR) per region and service (VoLTE, VoNR) in 15-minute buckets over the last "
        "N hours (max 48), oldest first: call attempts, CSSR %, top failure",
        ["ims", "voice", "volte", "vonr", "cssr", "metric", "kpi", "trend", "calls"],
        "SELECT region, service, bucket_end, attempts, cssr_pct, top_failure FROM ims_kpi "
        f"WHERE end_epoch >= {_NOW} - :window_hours * 3600 AND (:region = '' OR region = lower(:region)) "
        "AND (:service = '' OR upper(service) = upper(:service)) ORDER BY region, service, end_epoch",
        obj(
            {
                "window_hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 3},
                "region": {"type": "string", "enum": _REGIONS, "default": ""},
                "service": {"type": "string", "enum": ["", "VoLTE", "VoNR"], "default": ""},
            }
        ),
    ),
    "network_slices": (
        "Network slices by S-NSSAI (SST-SD, e.g. 1-000002): name, kind (eMBB, URLLC, mIoT), customer, regions, "
        "SMF and UPF pools, sessions now, SLA, status, note",
        ["slice", "snssai", "inventory", "sla", "customer", "status"],
        "SELECT snssai, name, kind, customer, regions, smf_pool, upf_pool, sessions_now, sla, status, note "
        "FROM slices WHERE (:kind = '' OR kind = :kind) ORDER BY snssai",
        obj({"kind": {"type": "string", "enum": ["", "eMBB", "URLLC", "mIoT"], "default": ""}}),
    ),
    "software_upgrades": (
        "NF software upgrades (UPG-nnnn) started from N days back to M days ahead: NF, from and to version, started, "
        "finished, result (success, failed, rolled_back, scheduled, on_hold), change record, rollout wave, note",
        ["upgrade", "software", "version", "rollout", "history", "planned", "release"],
        "SELECT upg, nf, from_version, to_version, started, finished, result, crq, wave, note FROM upgrades "
        f"WHERE s_epoch BETWEEN {_NOW} - :back_days * 86400 AND {_NOW} + :ahead_days * 86400 "
        f"AND {_id('nf', 'nf')} ORDER BY s_epoch",
        obj(
            {
                "back_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 7},
                "ahead_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 0},
                "nf": {"type": "string", "default": ""},
            }
        ),
    ),
    "config_pushes": (
        "Config pushes to NFs from the configuration manager since an RFC 3339 time, newest first: push (CFG-nnnnn), "
        "target NF, parameter, old value, new value, who or what pushed it, change record, result",
        ["config", "change", "push", "parameter", "history", "diff"],
        "SELECT push, target, parameter, old_value, new_value, pushed, pushed_by, crq, result FROM config_pushes "
        f"WHERE p_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND {_id('target', 'target')} "
        "ORDER BY p_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "target": {"type": "string", "default": "", "description": "NF instance; empty: all"},
            },
            ["since"],
        ),
    ),
    "change_records": (
        "Change records (CRQ-nnnnn: software, config, maintenance) raised, updated or implemented in the last N hours "
        "(max 720), plus, with ahead_hours, those planned in the next M hours; newest first: title, scope, kind, risk, "
        "state (approved, implemented, on_hold, rolled_back, cancelled), requested by, implemented by, approver, "
        "planned, implemented, notes",
        ["change", "crq", "cab", "history", "planned", "schedule", "config", "upgrade"],
        "SELECT crq, title, scope, kind, risk, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :since_hours * 3600 "
        f"OR impl_epoch >= {_NOW} - :since_hours * 3600 OR updated_epoch >= {_NOW} - :since_hours * 3600 "
        f"OR (planned_epoch > {_NOW} AND planned_epoch <= {_NOW} + :ahead_hours * 3600)) "
        "AND (:kind = '' OR kind = :kind) ORDER BY COALESCE(impl_epoch, planned_epoch) DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "ahead_hours": {"type": "integer", "minimum": 0, "maximum": 336, "default": 0},
                "kind": {
                    "type": "string",
                    "enum": ["", "software", "config", "maintenance"],
                    "default": "",
                },
            }
        ),
    ),
    "incidents": (
        "Incidents (INC-nnnnn) opened in the last N days (max 60) or still open, newest first: priority (P1..P4), "
        "title, status (open, investigating, identified, monitoring, resolved, closed), opened, resolved, owner, "
        "incident manager, impact, linked records",
        ["incident", "outage", "status", "history", "p1", "major incident"],
        "SELECT ref, priority, title, status, opened, resolved, owner, incident_manager, impact, linked FROM incidents "
        f"WHERE (o_epoch >= {_NOW} - :last_days * 86400 OR status NOT IN ('resolved', 'closed')) "
        "AND (:status = '' OR status = lower(:status)) AND (:priority = '' OR priority = upper(:priority)) "
        "ORDER BY o_epoch DESC",
        obj(
            {
                "last_days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 7},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "investigating", "identified", "monitoring", "resolved", "closed"],
                    "default": "",
                },
                "priority": {"type": "string", "enum": ["", "P1", "P2", "P3", "P4"], "default": ""},
            }
        ),
    ),
    "incident_timeline": (
        "The timeline of ONE incident (INC-nnnnn), oldest first: time, author, entry",
        ["incident", "timeline", "history", "investigation", "who"],
        "SELECT ref, at_utc, author, entry FROM incident_events "
        f"WHERE {_norm('ref')} = {_norm('trim(:ref)')} ORDER BY at_epoch",
        obj({"ref": {"type": "string", "description": "incident reference, e.g. INC-30912"}}, ["ref"]),
    ),
    "fm_alarms": (
        "OSS fault management alarms (ALM-nnnnnnn): every active alarm, plus the cleared ones raised in the last N "
        "hours (max 72): NF, severity (critical, major, minor, warning), raised, cleared, state, text",
        ["alarm", "fault", "oss", "active", "critical", "nf", "status"],
        "SELECT alarm, nf, severity, raised, cleared, state, text FROM alarms "
        f"WHERE (state = 'active' OR r_epoch >= {_NOW} - :hours * 3600) AND (:state = '' OR state = lower(:state)) "
        "AND (:severity = '' OR severity = lower(:severity)) "
        f"AND {_id('nf', 'nf')} ORDER BY r_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24},
                "state": {"type": "string", "enum": ["", "active", "cleared"], "default": ""},
                "severity": {"type": "string", "enum": ["", "critical", "major", "minor", "warning"], "default": ""},
                "nf": {"type": "string", "default": ""},
            }
        ),
    ),
    "customer_complaints": (
        "Customer complaints about the network (app, web chat, call centre, social) per region and reason over the "
        "last N hours (max 336, kept 14 days), most first: complaints, still open, first and last. Regions: London, "
        "South East, North West, Yorkshire, Midlands, Scotland, Roaming abroad",
        ["complaints", "customers", "region", "count", "ranking", "customer care"],
        "SELECT region, reason, COUNT(*) AS complaints, SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS "
        "still_open, MIN(logged) AS first, MAX(logged) AS last FROM complaints "
        f"WHERE l_epoch >= {_NOW} - :hours * 3600 AND (:region = '' OR lower(region) = lower(trim(:region))) "
        "GROUP BY region, reason ORDER BY complaints DESC, region, reason",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "region": {"type": "string", "default": "", "examples": ["North West", "Scotland"]},
            }
        ),
    ),
    "vendor_cases": (
        "Cases with equipment vendors and carriers: Norvik Networks (NVK-nnnnnnn), Halden Telecom Systems "
        "(HTS-SR-nnnnnn), Cirrane Systems (CIR-nnnnn), Meridian IPX (MIX-nnnnn). Look one up by reference, or list "
        "by NF or vendor: subject, status, priority, engineer, latest update.",
        ["lookup", "vendor", "case", "ticket", "support", "tac"],
        "SELECT ref, vendor, nf, subject, status, priority, engineer, raised_by, opened, updated, latest FROM cases "
        f"WHERE {_id('ref', 'ref')} AND {_id('nf', 'nf')} "
        "AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. HTS-SR-447902"},
                "nf": {"type": "string", "default": ""},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_contacts": (
        "Vendors and carriers: what they cover, TAC or support line, hours, engineer, escalation contact, contract",
        ["contact", "vendor", "escalation", "phone", "support", "tac"],
        "SELECT vendor, covers, phone, hours, engineer, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "runbook_search": (
        "Search the core network runbooks, MOPs and the escalation matrix for a word or phrase",
        ["document", "runbook", "mop", "procedure", "how to", "escalation"],
        "SELECT doc, title, kind, body FROM runbooks "
        "WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 09:00 UTC: packet_core (primary, secondary), ims_voice, roaming, dns_ip, "
        "duty_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "noc_shift_leads": (
        "NOC shift leads (12-hour shifts: day 07:00-19:00, night 19:00-07:00 UTC): the two previous shifts, the "
        "current one and the next; on_now = yes for the lead on shift now",
        ["contact", "shift", "noc", "who", "lead"],
        "SELECT shift, starts, ends, shift_lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now "
        "FROM noc_shifts ORDER BY starts_epoch",
        obj({}),
    ),
}
