"""The twenty-fifth estate's APIs (:mod:`tests.ops_eval.twentyfifth_estate`): SQL over a regional TV and radio
broadcaster's network operations centre store (transmitters and their sites, playout channels and servers, encoders and
multiplexers, contribution links, incidents, planned works, changes, suppliers and the on-call rota), as its NOC, RF
team, playout team and network team would publish them: some tersely, some at length. Windows differ from API to API
on purpose: ``lookback_minutes`` (at most 2880), RFC 3339 timestamps (``since`` / ``until``; the required one with
format date-time), ISO dates (``from_date`` / ``to_date``), a named ``window`` enum (24h, 72h, 7d, 30d), ``hours`` and
``days``; two APIs require a transmitter (its telemetry, its daily readings); two look up one record by key (a vendor
case, a supplier); two search free text (the NOC shift log, runbooks); one is narrow (tx, measure, value, ts); one
(the on-call rota) flags the shift on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_TXS = ["KNK/DTT-A", "KNK/DTT-B", "KNK/DAB-11D", "KNK/FM-WAVE", "KNK/FM-CFM", "SLC/FM-WAVE", "SLC/FM-CFM",
        "SLC/DAB-11D", "MGB/DTT-A", "MGB/FM-CFM", "CNT/DAB-11D", "IND/FM-CFM", "IND/FM-WAVE"]  # fmt: skip
_LINKS = ["SRT-DNM-01", "BND-DNM-02", "SRT-GLN-01", "STL-KNK-A", "STL-KNK-B", "STL-SLC-1", "SAT-IND-1", "DR-KBR-1"]
_WINDOWS = {"24h": 86400, "72h": 259200, "7d": 604800, "30d": 2592000}
#: a transmitter row's site code and site name, for a filter on either
_SITE = "(site || ' ' || coalesce((SELECT s.name FROM sites s WHERE s.code = site), ''))"
_WINDOW_SQL = "CASE :window " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in _WINDOWS.items()) + " ELSE 604800 END"


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, slashes, hashes and spaces (ticket references are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "/", "#", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "sites": (
        "List of our sites: broadcast centre (HSB), DR, studios and transmitter sites.",
        ["inventory", "site"],
        "SELECT code, name, kind, location, description, owner FROM sites ORDER BY code",
        obj({}),
    ),
    "tx_inventory": (
        "Transmitter register. One row per transmitter (site code / service-name, e.g. KNK/DTT-A, SLC/FM-WAVE, "
        "CNT/DAB-11D): site, service (DTT, DAB, FM), UHF channel / DAB block / FM frequency, what it carries, "
        "nominal output power (kW), make and model, reserve arrangement, antenna system",
        ["inventory", "transmitter", "rf", "asset"],
        "SELECT tx, site, service, frequency, carries, nominal_kw, model, reserve, antenna FROM transmitters "
        f"WHERE (:site = '' OR instr(upper({_SITE}), upper(trim(:site))) > 0) "
        "AND (:service = '' OR service = upper(:service)) ORDER BY site, tx",
        obj(
            {
                "site": {"type": "string", "default": "", "description": "site code or name, e.g. KNK, Knockanore"},
                "service": {"type": "string", "enum": ["", "DTT", "DAB", "FM"], "default": ""},
            }
        ),
    ),
    "tx_status": (
        "Live transmitter status from the RF remote monitoring: state (on_air, on_reserve, off_air, maintenance) "
        "and since when, forward power (kW), reflected power (W), VSWR, active alarm, note",
        ["state", "status", "transmitter", "rf", "power", "vswr"],
        "SELECT tx, site, state, since, fwd_kw, refl_w, vswr, active_alarm, note FROM tx_status "
        f"WHERE (:site = '' OR instr(upper({_SITE}), upper(trim(:site))) > 0) ORDER BY site, tx",
        obj({"site": {"type": "string", "default": "", "description": "site code or name; empty: all"}}),
    ),
    "get_tx_metrics": (
        "Telemetry for ONE transmitter, sampled every 10 min, last N hours (max 48). Narrow rows: tx, measure, "
        "value, ts. Measures: fwd_kw (forward power, kW), refl_w (reflected power, W), vswr, pa_temp_c (PA "
        "temperature). No refl_w / vswr samples while the transmitter is off air.",
        ["metric", "telemetry", "rf", "transmitter", "trend"],
        "SELECT tx, measure, value, ts FROM tx_metrics WHERE tx = upper(trim(:tx)) "
        f"AND ts_epoch > {_NOW} - :hours * 3600 AND (:measure = '' OR measure = :measure) ORDER BY measure, ts_epoch",
        obj(
            {
                "tx": {"type": "string", "enum": _TXS, "description": "transmitter, e.g. SLC/FM-WAVE"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "measure": {"type": "string", "enum": ["", "fwd_kw", "refl_w", "vswr", "pa_temp_c"], "default": ""},
            },
            ["tx"],
        ),
    ),
    "tx_daily_readings": (
        "The RF team's daily automatic reading of one transmitter (taken once a day, kept 90 days; none while the "
        "transmitter was off air): forward power (kW), reflected power (W), VSWR and the result against the RF "
        "limits (pass; warn from VSWR 1.30; fail from 1.50, where the transmitter folds back its power)",
        ["metric", "vswr", "antenna", "feeder", "trend", "condition"],
        "SELECT tx, read_at, fwd_kw, refl_w, vswr, result FROM tx_readings WHERE tx = upper(trim(:tx)) "
        f"AND read_epoch >= {_NOW} - :days * 86400 ORDER BY read_epoch",
        obj(
            {
                "tx": {"type": "string", "enum": _TXS, "description": "transmitter, e.g. SLC/FM-WAVE"},
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 14},
            },
            ["tx"],
        ),
    ),
    "channel_status": (
        "Every TV and radio channel we play out, as MCR sees it now: channel id and name, tv or radio, platforms, "
        "playout chain, where it is on air from (main, backup, dr), state (on_air, degraded, off_air) and since "
        "when, active alarms from the Argus monitoring probes (black frame, freeze, silence)",
        ["state", "status", "channel", "playout", "service"],
        "SELECT channel, name, type, platforms, chain, on_air_from, state, since, alarms FROM channels "
        "WHERE (:type = '' OR type = :type) ORDER BY type DESC, channel",
        obj({"type": {"type": "string", "enum": ["", "tv", "radio"], "default": ""}}),
    ),
    "playout_servers": (
        "Playout servers per chain (TV: Orrin AirDeck; radio: Solan RX): host, site, chain, role (main, backup, dr), "
        "channels, software version, state, whether it is on air",
        ["inventory", "playout", "server", "software", "version"],
        "SELECT host, site, chain, role, channels, software, state, on_air FROM playout_servers "
        "WHERE (:chain = '' OR chain = upper(trim(:chain))) ORDER BY chain, host",
        obj({"chain": {"type": "string", "default": "", "description": "chain, e.g. PC2; empty: all"}}),
    ),
    "encoders_and_muxes": (
        "Encoders, multiplexers, the DAB multiplexer and FM audio processors: device, kind, site, input (channels "
        "or encoders), output (mux or transmitters), codec or standard, bitrate (kbit/s), software, status",
        ["inventory", "encoder", "mux", "multiplexer", "bitrate", "dab"],
        "SELECT device, kind, site, input, output, codec, bitrate_kbps, software, status FROM devices "
        "WHERE (:kind = '' OR kind = :kind) ORDER BY kind, device",
        obj({"kind": {"type": "string", "enum": ["", "encoder", "mux", "dab_mux", "fm_processor"], "default": ""}}),
    ),
    "contribution_links": (
        "Contribution and distribution links (studio feeds, studio-transmitter links, the satellite feed to the "
        "island relay, DR replication): link, type, from, to, carrier and circuit, what it carries, SRT latency "
        "setting (ms), backup, state",
        ["inventory", "link", "contribution", "network", "circuit"],
        "SELECT link, type, from_site, to_site, carrier, circuit, carries, srt_latency_ms, backup, state FROM links "
        "ORDER BY link",
        obj({}),
    ),
    "contribution_stats": (
        "Per-link quality in 15-minute buckets over the last N minutes (max 2880, stored 7 days): packet loss after "
        "ARQ/FEC (%), retransmitted packets (%), jitter (ms), round-trip time (ms; empty for the one-way satellite "
        "feed), bitrate (Mbit/s). Links on standby have no rows.",
        ["metric", "packet loss", "jitter", "rtt", "link", "trend", "ranking"],
        "SELECT link, bucket_start, loss_pct, retrans_pct, jitter_ms, rtt_ms, bitrate_mbps FROM link_stats "
        f"WHERE bucket_epoch >= {_NOW} - :lookback_minutes * 60 "
        "AND (:link = '' OR link = upper(trim(:link))) ORDER BY link, bucket_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 120},
                "link": {"type": "string", "enum": ["", *_LINKS], "default": "", "description": "empty: all links"},
            }
        ),
    ),
    "incident_log": (
        "On-air incidents between two RFC 3339 timestamps (kept 30 days), newest first: incident, target (a channel "
        "such as CM1-NTH or a transmitter such as IND/FM-WAVE), kind (off_air, silence, black_frame, freeze, "
        "low_power), severity, started, ended (empty while it lasts), duration (s), detected by, notes",
        ["incident", "alarm", "off air", "history", "outage"],
        "SELECT incident, target, kind, severity, started, ended, duration_s, detected_by, notes FROM incidents "
        "WHERE julianday(started) >= julianday(:since) AND (:until = '' OR julianday(started) < julianday(:until)) "
        "AND (:target = '' OR instr(upper(target), upper(trim(:target))) > 0) AND (:kind = '' OR kind = :kind) "
        "ORDER BY started_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "from, RFC 3339 UTC"},
                "until": {"type": "string", "default": "", "description": "to, RFC 3339 UTC; empty: now"},
                "target": {"type": "string", "default": "", "description": "channel or transmitter, or part of it"},
                "kind": {
                    "type": "string",
                    "enum": ["", "off_air", "silence", "black_frame", "freeze", "low_power"],
                    "default": "",
                },
            },
            ["since"],
        ),
    ),
    "maintenance_windows": (
        "Planned works touching the days between two dates: our own maintenance windows (MW-yy-nnnn) and third "
        "parties' notified works (carriers, the grid): owner, affects, start, end, status (planned, in_progress, "
        "overrunning, completed, cancelled), on-air impact, contact",
        ["maintenance", "planned works", "schedule", "outage"],
        "SELECT ref, owner, affects, starts, ends, status, impact, contact FROM windows "
        "WHERE substr(starts, 1, 10) <= (CASE :to_date WHEN '' THEN '9999-12-31' ELSE :to_date END) "
        "AND substr(ends, 1, 10) >= :from_date ORDER BY starts",
        obj(
            {
                "from_date": {"type": "string", "description": "first day, YYYY-MM-DD"},
                "to_date": {"type": "string", "default": "", "description": "last day, YYYY-MM-DD; empty: open-ended"},
            },
            ["from_date"],
        ),
    ),
    "change_log": (
        "Change requests (CR-yy-nnn) raised or done within a window: title, systems, category, state, requested by, "
        "implemented by, approver, window start, done, notes",
        ["change", "history", "config", "software", "deploy"],
        "SELECT cr, title, systems, category, state, requested_by, implemented_by, approver, window_start, done, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - {_WINDOW_SQL} OR done_epoch >= {_NOW} - {_WINDOW_SQL}) "
        "AND (:category = '' OR category = :category) ORDER BY coalesce(done_epoch, raised_epoch) DESC",
        obj(
            {
                "window": {"type": "string", "enum": list(_WINDOWS), "default": "72h"},
                "category": {
                    "type": "string",
                    "enum": ["", "playout", "encoding", "dab", "network", "rf", "monitoring", "dr"],
                    "default": "",
                },
            }
        ),
    ),
    "vendor_case": (
        "Look up a supplier support case by reference (Skellig Fibre SKF-TT-nnnnnn, Veltrix VTX-CS-nnnnn, Corvane "
        "Antennas CVN/yyyy/nnn, Orrin ORN nnnnn). Returns supplier, what it is about, status, priority, the "
        "supplier's engineer, who raised it, opened, updated and the supplier's latest update / advice.",
        ["lookup", "vendor", "ticket", "case", "supplier"],
        "SELECT ref, supplier, affects, subject, status, priority, engineer, raised_by, opened, updated, latest "
        f"FROM vendor_cases WHERE {_norm('ref')} = {_norm('trim(:ref)')}",
        obj({"ref": {"type": "string", "description": "case reference, e.g. SKF-TT-550912"}}, ["ref"]),
    ),
    "supplier_contacts": (
        "Supplier support lines and escalation contacts.",
        ["contact", "vendor", "supplier", "escalation", "phone"],
        "SELECT supplier, covers, support_line, hours, escalation, contract FROM suppliers "
        "WHERE (:supplier = '' OR instr(lower(supplier), lower(trim(:supplier))) > 0) ORDER BY supplier",
        obj({"supplier": {"type": "string", "default": "", "description": "supplier name or part of it"}}),
    ),
    "oncall_rota": (
        "Who is on call: the weekly rotas (rf = transmitters and sites, playout = MCR and playout, network = IP, "
        "contribution and carriers, duty_manager), primary and secondary, with mobile numbers; current and coming "
        "shifts (on_now = yes for the shift running now)",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, engineer, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": ["", "rf", "playout", "network", "duty_manager"], "default": ""}}),
    ),
    "noc_shift_log": (
        "NOC shift log (entries SL-yy-nnnn), last N hours (max 72), newest first; optional text match on author or "
        "entry",
        ["history", "log", "shift", "handover", "notes"],
        "SELECT entry, ts, author, role, text FROM shift_log "
        f"WHERE ts_epoch >= {_NOW} - :hours * 3600 AND instr(lower(author || ' ' || role || ' ' || text), "
        "lower(:contains)) > 0 ORDER BY ts_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 12},
                "contains": {"type": "string", "default": "", "description": "text to match; empty: everything"},
            }
        ),
    ),
    "runbook_search": (
        "Search NOC procedures (NOC-PR-nnn), RF procedures (RF-PR-nnn), MCR work instructions (MCR-WI-nn), the "
        "escalation matrix (ESC-nn) and manufacturers' manuals (OEM ...) for a word or phrase",
        ["document", "runbook", "procedure", "kb", "how to"],
        "SELECT doc, title, body FROM runbooks WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "a word or phrase"}}, ["q"]),
    ),
}
