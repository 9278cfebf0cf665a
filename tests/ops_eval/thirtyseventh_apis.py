"""The thirty-seventh estate's APIs (:mod:`tests.ops_eval.thirtyseventh_estate`): SQL over a regional hospital group's
clinical IT and medical device store (EHR application servers and synthetic response times per site, the Corvex
interface engine's HL7 v2 and FHIR channels, their 5-minute statistics and NACK log, PACS modalities and the sites'
study transfer backlog, the infusion pump fleet and its alarms, the bed and nurse call board, network segments and WAN
link statistics, CAB change records, service desk tickets, vendor cases and contacts, clinical engineering work
orders, the knowledge base of downtime procedures, the IT command centre log, on-call and command centre shift
leads), as the group's digital services teams would publish them: names with dots, slashes or underscores. Windows
differ on purpose: an RFC 3339 ``since``, ``hours``, ``last_hours``, ``days``, ``since_hours``, ``back_days`` /
``ahead_days``; one API requires a channel id (``CH-0011``) that only ``ie.channels`` gives; two search free text
(the knowledge base, the command centre log); one counts pump alarms per pump or per ward."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_SITES = ["", "HGH", "KCH", "TPH"]
_SITE_DESC = "HGH Harrowden General, KCH Kellsmoor Community Hospital, TPH Tressell Park Hospital; empty: all"
_ROTAS = ["", "integration", "ehr_apps", "pacs", "network", "clinical_engineering", "it_duty_manager"]


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, dots, underscores and spaces (ids are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "/", ".", "_", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on an id column, typed any way (``ip-00233``, ``IP00233``, ``hgh wd7b``); empty matches all."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "ehr.app_servers": (
        "Medora EHR application servers in the HGH data centre: host, pool (PRD-A, PRD-B), role, Medora version, "
        "state (IN_POOL, DRAINED, DOWN), since, user sessions now, note",
        ["ehr", "inventory", "servers", "app", "pool", "state"],
        "SELECT host, datacentre, pool, role, version, state, since, sessions, note FROM app_servers "
        "WHERE (:pool = '' OR pool = upper(:pool)) AND (:state = '' OR state = upper(:state)) ORDER BY host",
        obj(
            {
                "pool": {"type": "string", "enum": ["", "PRD-A", "PRD-B"], "default": ""},
                "state": {"type": "string", "enum": ["", "IN_POOL", "DRAINED", "DOWN"], "default": ""},
            }
        ),
    ),
    "ehr.response_times": (
        "EHR response time seen from each hospital: a synthetic 'open patient chart' transaction run from a ward PC "
        "at each site, 10-minute samples since an RFC 3339 time (kept 24 hours), oldest first: p50 and p95 in ms",
        ["metric", "ehr", "latency", "response time", "slow", "site", "trend"],
        "SELECT site, sample_end, p50_ms, p95_ms, runs FROM ehr_rt "
        "WHERE s_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND (:site = '' OR site = upper(:site)) "
        "ORDER BY site, s_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "site": {"type": "string", "enum": _SITES, "default": "", "description": _SITE_DESC},
            },
            ["since"],
        ),
    ),
    "ie.channels": (
        "Corvex interface engine channels (HL7 v2 and FHIR R4): channel id (CH-nnnn), name (ADT_A01_OUT_PACS, "
        "fhir.Observation.IN_icu, ...), standard, direction, source and destination systems, engine node, mapping "
        "version, state (STARTED, STOPPED, PAUSED, ERROR), since, note. q matches part of the name or a system",
        ["interface", "hl7", "fhir", "channel", "integration", "inventory", "state"],
        "SELECT channel_id, name, standard, direction, source, destination, node, mapping, state, since, note "
        "FROM channels WHERE (:state = '' OR state = upper(:state)) AND instr(lower(name || ' ' || source || ' ' || "
        "destination), lower(trim(:q))) > 0 ORDER BY channel_id",
        obj(
            {
                "state": {"type": "string", "enum": ["", "STARTED", "STOPPED", "PAUSED", "ERROR"], "default": ""},
                "q": {"type": "string", "default": "", "description": "e.g. ORM, RIS, fhir"},
            }
        ),
    ),
    "ie.channel_stats": (
        "Interface engine channel statistics, 5-minute samples since an RFC 3339 time (kept 24 hours), oldest first: "
        "messages received, sent (ACKed by the destination), NACKs (AR / AE acknowledgements) and queue depth at the "
        "end of the sample",
        ["metric", "interface", "hl7", "queue", "errors", "nack", "channel", "trend"],
        "SELECT channel_id, name, sample_end, received, sent, nacks, queued FROM channel_stats "
        "WHERE s_epoch >= CAST(strftime('%s', :since) AS INTEGER) "
        f"AND (:channel = '' OR {_norm('name')} = {_norm('trim(:channel)')} OR {_norm('channel_id')} = "
        f"{_norm('trim(:channel)')}) ORDER BY channel_id, s_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "channel": {"type": "string", "default": "", "description": "channel name or id; empty: all"},
            },
            ["since"],
        ),
    ),
    "ie.message_errors": (
        "NACK and error log of ONE interface channel, by its channel id (CH-nnnn, see ie.channels) over the last N "
        "hours (max 24), newest first: time, message control id, message type, delivery attempt, ACK code, error "
        "text from the destination",
        ["interface", "hl7", "error", "nack", "log", "message"],
        "SELECT channel_id, at, control_id, msg_type, attempt, ack, error FROM msg_errors "
        f"WHERE {_norm('channel_id')} = {_norm('trim(:channel_id)')} AND at_epoch >= {_NOW} - :hours * 3600 "
        "ORDER BY at_epoch DESC LIMIT :limit",
        obj(
            {
                "channel_id": {"type": "string", "description": "e.g. CH-0004 (from ie.channels)"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 2},
                "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
            },
            ["channel_id"],
        ),
    ),
    "pacs.modalities": (
        "Imaging modalities sending to Lumenvue PACS: DICOM AE title (HGH_CT01, KCH_CR01, ...), site, modality (CT, "
        "MR, CR, US, MG), model, room, state (ONLINE, OFFLINE, SERVICE), since, note",
        ["pacs", "imaging", "radiology", "modality", "inventory", "state", "dicom"],
        "SELECT ae_title, site, modality, model, room, state, since, note FROM modalities "
        "WHERE (:site = '' OR site = upper(:site)) AND (:state = '' OR state = upper(:state)) ORDER BY ae_title",
        obj(
            {
                "site": {"type": "string", "enum": _SITES, "default": ""},
                "state": {"type": "string", "enum": ["", "ONLINE", "OFFLINE", "SERVICE"], "default": ""},
            }
        ),
    ),
    "pacs.transfer_backlog": (
        "Study transfer backlog from each site's store-and-forward gateway to the central PACS archive at HGH, "
        "15-minute samples over the last N hours (max 24): studies queued, oldest study's wait (minutes), studies "
        "sent in the sample",
        ["metric", "pacs", "imaging", "backlog", "queue", "transfer", "site", "trend"],
        "SELECT site, sample_end, studies_queued, oldest_wait_min, sent_15m FROM pacs_backlog "
        f"WHERE s_epoch >= {_NOW} - :last_hours * 3600 AND (:site = '' OR site = upper(:site)) ORDER BY site, s_epoch",
        obj(
            {
                "last_hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6},
                "site": {"type": "string", "enum": _SITES, "default": ""},
            }
        ),
    ),
    "infusion.pumps": (
        "Infusion pump fleet (Halcyon LVP-3 volumetric, SP-2 syringe): pump IP-nnnnn, serial, model, site, ward, "
        "drug library version loaded (DL42 is current), last docked, battery %, status (in_use, available, "
        "withdrawn)",
        ["inventory", "pump", "infusion", "medical device", "drug library", "fleet"],
        "SELECT pump, serial, model, site, ward, drug_library, last_docked, battery_pct, status FROM pumps "
        f"WHERE {_id('ward', 'ward')} AND (:drug_library = '' OR {_norm('drug_library')} = "
        f"{_norm('trim(:drug_library)')}) AND {_id('pump', 'pump')} ORDER BY pump",
        obj(
            {
                "ward": {"type": "string", "default": "", "description": "ward code, e.g. HGH-AMU"},
                "drug_library": {"type": "string", "default": "", "description": "e.g. DL41"},
                "pump": {"type": "string", "default": "", "description": "e.g. IP-00207"},
            }
        ),
    ),
    "infusion.alarm_counts": (
        "Infusion pump alarms over the last N days (max 14), counted per pump or per ward, most first: alarms, "
        "occlusion, air-in-line, other (door open, low battery), alarm kinds, last alarm",
        ["metric", "pump", "infusion", "alarm", "count", "ranking", "ward"],
        "SELECT CASE WHEN :by = 'ward' THEN '' ELSE pump END AS pump, ward, COUNT(*) AS alarms, "
        "SUM(alarm LIKE 'occlusion%') AS occlusion, SUM(alarm = 'air_in_line') AS air_in_line, "
        "SUM(alarm NOT LIKE 'occlusion%' AND alarm != 'air_in_line') AS other, group_concat(DISTINCT alarm) AS kinds, "
        f"MAX(at) AS last_alarm FROM pump_alarms WHERE at_epoch >= {_NOW} - :days * 86400 AND {_id('ward', 'ward')} "
        "GROUP BY CASE WHEN :by = 'ward' THEN ward ELSE pump END ORDER BY alarms DESC, 1, 2",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
                "by": {"type": "string", "enum": ["pump", "ward"], "default": "pump", "description": "count per"},
                "ward": {"type": "string", "default": ""},
            }
        ),
    ),
    "wards.board": (
        "Bed and nurse call board per ward (Bedflow and the Callwell nurse call panels): ward code, site, specialty, "
        "beds, occupied, blocked (cleaning, repairs), expected discharges, nurse call state (ONLINE, DEGRADED, "
        "OFFLINE), note, updated",
        ["beds", "ward", "occupancy", "nurse call", "capacity", "state", "inventory"],
        "SELECT ward, site, specialty, beds, occupied, blocked, beds - occupied - blocked AS free, "
        "expected_discharges, nurse_call, nurse_call_note, updated FROM wards "
        "WHERE (:site = '' OR site = upper(:site)) ORDER BY ward",
        obj({"site": {"type": "string", "enum": _SITES, "default": "", "description": _SITE_DESC}}),
    ),
    "net.segments": (
        "Network segments and WAN circuits: segment (hgh-core-01, kch-wan-a, ...), site, kind, carrier, circuit id, "
        "capacity (Mbps), state (UP, DEGRADED, DOWN), note",
        ["network", "wan", "link", "circuit", "inventory", "state", "carrier"],
        "SELECT segment, site, kind, carrier, circuit, capacity_mbps, state, note FROM segments "
        "WHERE (:site = '' OR site = upper(:site)) AND (:state = '' OR state = upper(:state)) ORDER BY segment",
        obj(
            {
                "site": {"type": "string", "enum": _SITES, "default": ""},
                "state": {"type": "string", "enum": ["", "UP", "DEGRADED", "DOWN"], "default": ""},
            }
        ),
    ),
    "net.link_stats": (
        "Link statistics per network segment, 10-minute samples over the last N hours (max 24): utilisation %, "
        "packet loss %, round-trip latency to the HGH core (ms)",
        ["metric", "network", "wan", "packet loss", "latency", "utilisation", "trend"],
        "SELECT segment, sample_end, util_pct, loss_pct, latency_ms FROM link_stats "
        f"WHERE s_epoch >= {_NOW} - :hours * 3600 AND {_id('segment', 'segment')} ORDER BY segment, s_epoch",
        obj(
            {
                "segment": {"type": "string", "default": "", "description": "e.g. tph-wan-a; empty: all"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 3},
            }
        ),
    ),
    "cab_changes": (
        "CAB change records (CHG/yyyy/nnnn) raised, updated or implemented in the last N hours (max 720), newest "
        "first: title, configuration item, category, risk, state (scheduled, approved, implemented, rolled_back), "
        "requested by, implementer, approver, planned, implemented, notes",
        ["change", "cab", "history", "config", "release", "rfc"],
        "SELECT ref, title, ci, category, risk, state, requested_by, implementer, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :since_hours * 3600 OR impl_epoch >= {_NOW} - "
        f":since_hours * 3600 OR updated_epoch >= {_NOW} - :since_hours * 3600) "
        "AND (:category = '' OR category = :category) ORDER BY COALESCE(impl_epoch, updated_epoch, raised_epoch) DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "category": {
                    "type": "string",
                    "enum": ["", "integration", "network", "ehr", "pacs", "medical_device", "nurse_call"],
                    "default": "",
                },
            }
        ),
    ),
    "servicedesk_tickets": (
        "IT service desk tickets (INC-nnnnnnn) opened in the last N hours (max 336), newest first: opened, site, "
        "service, priority (P1 .. P4), status (open, in_progress, resolved, closed), summary, resolver group, linked "
        "records, latest update",
        ["ticket", "incident", "service desk", "history", "users", "complaints"],
        "SELECT ticket, opened, site, service, priority, status, summary, resolver_group, linked, latest FROM tickets "
        f"WHERE o_epoch >= {_NOW} - :last_hours * 3600 AND (:status = '' OR status = lower(:status)) "
        "AND (:priority = '' OR priority = upper(:priority)) ORDER BY o_epoch DESC",
        obj(
            {
                "last_hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "in_progress", "resolved", "closed"],
                    "default": "",
                },
                "priority": {"type": "string", "enum": ["", "P1", "P2", "P3", "P4"], "default": ""},
            }
        ),
    ),
    "vendor_cases": (
        "Cases with suppliers and carriers: Corvex (CVX-nnnnnnnn), Northline Telecom (NLT/FLT/nnnnn), Lumenvue "
        "(LMV-CS-nnnn), Halcyon Medical (HMS-CS-nnnnn), Medora (MED-CS-nnnnn). Look one up by reference or list by "
        "vendor: item, subject, status, priority, engineer, raised by, opened, updated, estimated restoration, latest",
        ["lookup", "vendor", "supplier", "case", "carrier", "support"],
        "SELECT ref, vendor, item, subject, status, priority, engineer, raised_by, opened, updated, etr, latest "
        f"FROM cases WHERE {_id('ref', 'ref')} AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) "
        "ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. LMV-CS-2291"},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "vendor_contacts": (
        "Suppliers and carriers: what they cover, support line, hours, named engineer, escalation contact, contract",
        ["contact", "vendor", "supplier", "escalation", "phone", "support"],
        "SELECT vendor, covers, phone, hours, engineer, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "clineng.work_orders": (
        "Clinical engineering and estates work orders (WO-nnnnnn) for medical devices, modalities and nurse call, "
        "scheduled from N days back to M days ahead: asset, job, status (scheduled, in_progress, completed), "
        "scheduled, due, assignee, notes",
        ["maintenance", "work order", "clinical engineering", "device", "schedule", "repair", "planned"],
        "SELECT wo, asset, job, status, scheduled, due, assignee, notes FROM work_orders "
        f"WHERE s_epoch BETWEEN {_NOW} - :back_days * 86400 AND {_NOW} + :ahead_days * 86400 "
        "AND (:asset = '' OR instr(upper(asset), upper(trim(:asset))) > 0) ORDER BY s_epoch",
        obj(
            {
                "back_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 2},
                "ahead_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 7},
                "asset": {"type": "string", "default": "", "description": "e.g. IP-00207, HGH_MR01, TPH-Linden"},
            }
        ),
    ),
    "kb_search": (
        "Search the knowledge base: downtime procedures (DTP-*), KB articles (KB-*) and the IT escalation matrix, for "
        "a word or phrase",
        ["document", "procedure", "downtime", "runbook", "kb", "how to"],
        "SELECT doc, title, kind, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
    "cc_log": (
        "IT command centre log (CCL-nnnnnn): on-call engineers', duty managers' and vendors' entries over the last N "
        "hours (max 48), newest first; optional text to look for in the author, role or entry",
        ["history", "log", "investigation", "notes", "timeline", "handover"],
        "SELECT entry, ts, author, role, text FROM cc_log WHERE ts_epoch >= "
        f"{_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), lower(:contains)) > 0 "
        "ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": ""},
            }
        ),
    ),
    "oncall": (
        "On-call rota, weeks from Monday 09:00 UTC: integration, ehr_apps, pacs, network (primary, secondary), "
        "clinical_engineering, it_duty_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "shift_leads": (
        "IT command centre shift leads (12-hour shifts: day 07:00-19:00, night 19:00-07:00 UTC): the two previous "
        "shifts, the current one and the next; on_now = yes for the lead on shift now",
        ["contact", "shift", "lead", "who", "command centre"],
        "SELECT shift, starts, ends, lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        "ORDER BY starts_epoch",
        obj({}),
    ),
}
