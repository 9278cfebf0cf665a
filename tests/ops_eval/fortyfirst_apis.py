"""The forty-first estate's APIs (:mod:`tests.ops_eval.fortyfirst_estate`): SQL over a stock exchange's trading
platform operations store (market segments and their capacity, matching engine partitions and their round-trip
latency percentiles, order rates, order entry gateways, member sessions and their events, market data gaps and
retransmissions, trading halts and volatility interruptions, auctions, instrument reference data and its loads, the
post-trade feeds to the CCP and the trade reporting mechanism, kill switches, deploys and config changes, change
records, incidents and their timelines, member support tickets, vendor and carrier cases and contacts, on-call, the
market operations shift supervisors and the runbooks), as the exchange's trading platform, market data, market
operations and member services teams would publish them: some tersely, some at length. Windows differ from API to API
on purpose: ``lookback_minutes``, ``hours`` with a ``granularity``, an RFC 3339 time (``since``), ``window_minutes``,
``hours_back``, ``last_days``, ``days``, ``back_days``, ``lookback_hours``, ``since_hours`` and ``window_hours``; two
APIs require an argument (a market data channel's series, an incident's timeline); three look things up by id, symbol
or name (instruments, vendor cases, vendor contacts); one searches free text (the runbooks); two aggregate (market data
gaps per channel, line and site; halts per instrument); the on-call rota and the supervisors flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_SEGMENTS = ["", "EQM", "GRW", "ETP", "BND", "IDX"]
_PARTITION_DESC = "partition, e.g. EQM-P3, GRW-P1, IDX-P1; empty: all"
_LOAD_KINDS = ["", "SOD_INSTRUMENTS", "CORPORATE_ACTIONS", "TICK_TABLES", "INDEX_WEIGHTS", "NEW_LISTINGS",
               "DYNAMIC_BANDS"]  # fmt: skip
_ROTAS = ["", "trading_platform", "market_data", "network", "reference_data", "post_trade", "exec_duty"]


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, underscores, dots and spaces (ids are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "_", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on an id column, typed any way (``qrzl b03``, ``EQMP3``, ``mdc-6``); empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


def _channel(col: str, param: str) -> str:
    """A market data channel filter that takes ``MDC-06``, ``mdc6`` or ``6``."""
    return f"ltrim(replace({_norm(col)}, 'MDC', ''), '0') = ltrim(replace({_norm(f'trim(:{param})')}, 'MDC', ''), '0')"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "segment_capacity": (
        "Market segments (EQM Main Market, GRW Growth Market, ETP exchange traded products, BND retail bonds, IDX "
        "index derivatives) with their partitions and instruments, tested capacity in orders per second, today's "
        "peak order rate (1-second peak) and when, % of capacity used and headroom, and the capacity alert level %",
        ["capacity", "segment", "orders per second", "headroom", "peak", "inventory"],
        "SELECT segment, name, partitions, instruments, capacity_ops, peak_today_ops, peak_today_at, "
        "ROUND(100.0 * peak_today_ops / capacity_ops, 1) AS peak_pct_of_capacity, "
        "capacity_ops - peak_today_ops AS headroom_ops, alert_pct FROM segments "
        "WHERE (:segment = '' OR segment = upper(:segment)) ORDER BY segment",
        obj({"segment": {"type": "string", "enum": _SEGMENTS, "default": ""}}),
    ),
    "matching_partitions": (
        "Matching engine partitions: segment, instrument range, instruments, primary and hot standby hosts, the host "
        "active now, engine version (hgx-match), market data channel, state (ACTIVE, FAILED_OVER, HALTED, DOWN), "
        "since, note",
        ["engine", "matching", "partition", "state", "status", "version", "inventory", "failover"],
        "SELECT partition, segment, instrument_range, instruments, primary_host, standby_host, active_host, "
        "engine_version, md_channel, state, since, note FROM partitions "
        f"WHERE (:segment = '' OR segment = upper(:segment)) AND {_id('partition', 'partition')} ORDER BY partition",
        obj(
            {
                "segment": {"type": "string", "enum": _SEGMENTS, "default": ""},
                "partition": {"type": "string", "default": "", "description": _PARTITION_DESC},
            }
        ),
    ),
    "partition_latency": (
        "Order round-trip latency per matching engine partition (order in at the gateway to acknowledgement out), "
        "5-minute samples while the market is open over the last N minutes (kept 24 hours), oldest first: orders, "
        "p50, p99 and p99.9 in microseconds, worst",
        ["metric", "latency", "p99", "percentile", "round trip", "engine", "partition", "trend"],
        "SELECT partition, sample_end, orders, p50_us, p99_us, p999_us, max_us FROM latency "
        f"WHERE end_epoch >= {_NOW} - :lookback_minutes * 60 AND {_id('partition', 'partition')} "
        "ORDER BY partition, end_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 5, "maximum": 1440, "default": 60},
                "partition": {"type": "string", "default": "", "description": _PARTITION_DESC},
            }
        ),
    ),
    "segment_order_rates": (
        "Order rates per market segment: granularity 5m = 5-minute samples (kept 24 hours; zero while the market is "
        "closed), 1d = one row per finished trading day at its close (kept 30 days); average and peak (1-second) "
        "orders per second, trades per second, order rejects in the sample",
        ["metric", "orders per second", "throughput", "rate", "rejects", "segment", "trend", "capacity"],
        "SELECT segment, granularity, sample_end, avg_ops, peak_ops, trades_per_s, rejects FROM order_rates "
        f"WHERE granularity = :granularity AND end_epoch >= {_NOW} - :hours * 3600 "
        "AND (:segment = '' OR segment = upper(:segment)) ORDER BY segment, end_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 4},
                "granularity": {"type": "string", "enum": ["5m", "1d"], "default": "5m"},
                "segment": {"type": "string", "enum": _SEGMENTS, "default": ""},
            }
        ),
    ),
    "order_gateways": (
        "Order entry and drop copy gateways (fixgw-* FIX, hboe-* HGX Binary Order Entry, dcgw-* drop copy) at "
        "Thornmoor (TMR) and the Kelsbridge DR site (KBR): state (ACTIVE, DRAINED, STANDBY, DOWN), version, host, "
        "sessions logged on now and the maximum, since, note",
        ["gateway", "fix", "binary", "state", "status", "sessions", "inventory", "version"],
        "SELECT g.gateway, g.protocol, g.site, g.state, g.version, g.host, (SELECT COUNT(*) FROM sessions s "
        "WHERE s.gateway = g.gateway AND s.state = 'LOGGED_ON') AS sessions_logged_on, g.max_sessions, g.since, "
        "g.note FROM gateways g WHERE (:protocol = '' OR g.protocol = upper(:protocol)) "
        "AND (:state = '' OR g.state = upper(:state)) ORDER BY g.site DESC, g.gateway",
        obj(
            {
                "protocol": {"type": "string", "enum": ["", "FIX", "HBOE", "DROPCOPY"], "default": ""},
                "state": {"type": "string", "enum": ["", "ACTIVE", "DRAINED", "STANDBY", "DOWN"], "default": ""},
            }
        ),
    ),
    "member_sessions": (
        "Member firms' sessions (QRZL-B03: member code, B binary / F FIX / D drop copy, number): member and its "
        "name and type, kind (ORDER_ENTRY, DROP_COPY), protocol, gateway, state now (LOGGED_ON, LOGGED_OFF, "
        "DISCONNECTED, SUSPENDED), since, throttle (messages per second), cancel on disconnect, segments, note",
        ["session", "member", "fix", "drop copy", "throttle", "state", "logon", "inventory"],
        "SELECT session, member, member_name, member_type, kind, protocol, gateway, state, since, throttle_msg_s, "
        f"cancel_on_disconnect, segments, note FROM sessions WHERE {_id('member', 'member')} "
        f"AND {_id('session', 'session')} AND (:state = '' OR state = upper(:state)) "
        "AND (:kind = '' OR kind = upper(:kind)) ORDER BY member, session",
        obj(
            {
                "member": {"type": "string", "default": "", "description": "member code, e.g. QRZL, BRWK"},
                "session": {"type": "string", "default": "", "description": "e.g. QRZL-B03"},
                "state": {
                    "type": "string",
                    "enum": ["", "LOGGED_ON", "LOGGED_OFF", "DISCONNECTED", "SUSPENDED"],
                    "default": "",
                },
                "kind": {"type": "string", "enum": ["", "ORDER_ENTRY", "DROP_COPY"], "default": ""},
            }
        ),
    ),
    "session_events": (
        "Session events since an RFC 3339 time (kept 7 days), oldest first: LOGON, LOGOFF, DISCONNECT, LOGON_REJECT, "
        "THROTTLE_REJECT (count = messages rejected in that minute), KILL_SWITCH; with the detail",
        ["session", "history", "logon", "disconnect", "throttle", "events", "member"],
        "SELECT at_utc, session, member, event, count, detail FROM session_events "
        "WHERE at_epoch >= CAST(strftime('%s', :since) AS INTEGER) "
        f"AND {_id('member', 'member')} AND {_id('session', 'session')} "
        "AND (:event = '' OR event = upper(:event)) ORDER BY at_epoch, session",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "member": {"type": "string", "default": ""},
                "session": {"type": "string", "default": ""},
                "event": {
                    "type": "string",
                    "enum": ["", "LOGON", "LOGOFF", "DISCONNECT", "LOGON_REJECT", "THROTTLE_REJECT", "KILL_SWITCH"],
                    "default": "",
                },
            },
            ["since"],
        ),
    ),
    "md_gap_summary": (
        "Market data sequence gaps per channel (MDC-01..MDC-08), multicast line (A, B) and site (TMR colocation hall, "
        "DKL Docklands PoP) over the last N minutes (max 2880), most gaps first: gaps, packets lost, retransmission "
        "requests served and rejected (over the member's limit), first and last 15-minute bucket with gaps",
        ["market data", "gaps", "packet loss", "multicast", "retransmission", "count", "ranking", "feed"],
        "SELECT channel, segment, line, site, SUM(gaps) AS gaps, SUM(packets_lost) AS packets_lost, "
        "SUM(retrans_requests) AS retrans_requests, SUM(retrans_served) AS retrans_served, "
        "SUM(retrans_rejected) AS retrans_rejected, MIN(CASE WHEN gaps > 0 THEN bucket_end END) AS first_gap_bucket, "
        "MAX(CASE WHEN gaps > 0 THEN bucket_end END) AS last_gap_bucket FROM md_gaps "
        f"WHERE end_epoch >= {_NOW} - :window_minutes * 60 AND (:line = '' OR line = upper(:line)) "
        "AND (:site = '' OR site = upper(:site)) GROUP BY channel, segment, line, site "
        "ORDER BY gaps DESC, channel, line, site",
        obj(
            {
                "window_minutes": {"type": "integer", "minimum": 15, "maximum": 2880, "default": 60},
                "line": {"type": "string", "enum": ["", "A", "B"], "default": ""},
                "site": {"type": "string", "enum": ["", "TMR", "DKL"], "default": ""},
            }
        ),
    ),
    "md_gap_series": (
        "One market data channel's 15-minute buckets over the last N hours (kept 48 hours), oldest first, per line "
        "and site: packets, gaps, packets lost, retransmission requests, served, rejected",
        ["market data", "metric", "gaps", "trend", "multicast", "channel", "retransmission"],
        "SELECT channel, line, site, bucket_end, packets, gaps, packets_lost, retrans_requests, retrans_served, "
        f"retrans_rejected FROM md_gaps WHERE {_channel('channel', 'channel')} "
        f"AND end_epoch >= {_NOW} - :hours_back * 3600 AND (:line = '' OR line = upper(:line)) "
        "AND (:site = '' OR site = upper(:site)) ORDER BY end_epoch, line, site",
        obj(
            {
                "channel": {"type": "string", "description": "MDC-01 .. MDC-08", "examples": ["MDC-06"]},
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 48, "default": 2},
                "line": {"type": "string", "enum": ["", "A", "B"], "default": ""},
                "site": {"type": "string", "enum": ["", "TMR", "DKL"], "default": ""},
            },
            ["channel"],
        ),
    ),
    "trading_halts": (
        "Trading halts and volatility interruptions (circuit breakers) per instrument over the last N days (max 30), "
        "newest first: TH id, symbol, ISIN, segment, partition, kind (VOLATILITY_INTERRUPTION, REGULATORY_HALT, "
        "TECHNICAL_HALT), band triggered (dynamic, static), threshold %, deviation %, reference price, started, "
        "resumed (empty: still halted), auction duration (s), extensions, note",
        ["halt", "volatility interruption", "vi", "circuit breaker", "instrument", "history", "auction"],
        "SELECT halt, symbol, isin, segment, partition, kind, trigger_band, threshold_pct, deviation_pct, ref_price, "
        "started, resumed, duration_s, extensions, note FROM halts "
        f"WHERE s_epoch >= {_NOW} - :last_days * 86400 AND {_id('symbol', 'symbol')} "
        f"AND {_id('partition', 'partition')} AND (:kind = '' OR kind = upper(:kind)) ORDER BY s_epoch DESC",
        obj(
            {
                "last_days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 1},
                "symbol": {"type": "string", "default": "", "description": "e.g. MRLW"},
                "partition": {"type": "string", "default": "", "description": _PARTITION_DESC},
                "kind": {
                    "type": "string",
                    "enum": ["", "VOLATILITY_INTERRUPTION", "REGULATORY_HALT", "TECHNICAL_HALT"],
                    "default": "",
                },
            }
        ),
    ),
    "halts_by_instrument": (
        "Halts and volatility interruptions per instrument over the last N days (max 30), most first: events, VIs, "
        "extended auctions, kinds, first and last start",
        ["halt", "volatility interruption", "vi", "count", "ranking", "instrument", "circuit breaker"],
        "SELECT symbol, segment, partition, COUNT(*) AS events, "
        "SUM(CASE WHEN kind = 'VOLATILITY_INTERRUPTION' THEN 1 ELSE 0 END) AS vis, "
        "SUM(CASE WHEN extensions > 0 THEN 1 ELSE 0 END) AS extended, group_concat(DISTINCT kind) AS kinds, "
        f"MIN(started) AS first_start, MAX(started) AS last_start FROM halts WHERE s_epoch >= {_NOW} - :days * 86400 "
        "AND (:segment = '' OR segment = upper(:segment)) GROUP BY symbol, segment, partition "
        "ORDER BY events DESC, symbol",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 1},
                "segment": {"type": "string", "enum": _SEGMENTS, "default": ""},
            }
        ),
    ),
    "auction_results": (
        "Auction uncrossings over the last N days (kept 5 days), newest first: AUC id, symbol, segment, kind "
        "(OPENING, CLOSING, VOLATILITY = resumption after a VI), call start, uncrossed, price, volume (shares or "
        "units), extensions, note",
        ["auction", "uncross", "opening", "closing", "price", "volume", "history"],
        "SELECT auction, symbol, segment, kind, call_start, uncrossed, price, volume, extensions, note FROM auctions "
        f"WHERE u_epoch >= {_NOW} - :days * 86400 AND {_id('symbol', 'symbol')} "
        "AND (:kind = '' OR kind = upper(:kind)) ORDER BY u_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 5, "default": 1},
                "symbol": {"type": "string", "default": ""},
                "kind": {"type": "string", "enum": ["", "OPENING", "CLOSING", "VOLATILITY"], "default": ""},
            }
        ),
    ),
    "instrument_lookup": (
        "Instrument reference data in force now; q matches the symbol, ISIN or name: segment, partition, currency, "
        "liquidity band (1-6), tick table, static and dynamic price bands (%), trading status (TRADING, HALTED, "
        "SUSPENDED) and since, reference price, note",
        ["lookup", "instrument", "isin", "symbol", "reference data", "bands", "status", "config"],
        "SELECT symbol, isin, name, segment, partition, currency, liquidity_band, tick_table, static_band_pct, "
        "dynamic_band_pct, status, status_since, ref_price, note FROM instruments "
        "WHERE (trim(:q) = '' OR upper(symbol) = upper(trim(:q)) OR upper(isin) = upper(trim(:q)) "
        "OR instr(lower(name), lower(trim(:q))) > 0) AND (:segment = '' OR segment = upper(:segment)) "
        "AND (:status = '' OR status = upper(:status)) ORDER BY segment, symbol",
        obj(
            {
                "q": {"type": "string", "default": "", "description": "symbol, ISIN or part of the name"},
                "segment": {"type": "string", "enum": _SEGMENTS, "default": ""},
                "status": {"type": "string", "enum": ["", "TRADING", "HALTED", "SUSPENDED"], "default": ""},
            }
        ),
    ),
    "refdata_loads": (
        "Reference data loads (RDL-nnnn) over the last N days (kept 14): start-of-day instrument, corporate action "
        "and tick table files, index weights, new listings, price band tables; scope, file, started, finished, "
        "records, applied, rejected, status (OK, OK_WITH_REJECTS, FAILED, ROLLED_BACK, CANCELLED), change, by, note",
        ["reference data", "refdata", "load", "history", "config", "bands", "listing"],
        "SELECT load, kind, scope, file, started, finished, records, applied, rejected, status, change_ref, "
        f"loaded_by, note FROM refdata_loads WHERE s_epoch >= {_NOW} - :back_days * 86400 "
        "AND (:kind = '' OR kind = upper(:kind)) ORDER BY s_epoch DESC",
        obj(
            {
                "back_days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 1},
                "kind": {"type": "string", "enum": _LOAD_KINDS, "default": ""},
            }
        ),
    ),
    "post_trade_feeds": (
        "Post-trade feeds in 15-minute buckets over the last N hours (max 24), oldest first: CCP-TRD (trades to the "
        "CCP, Harrowgate Clearing House) and ARM-TR (trade reports to Stratus ARM): sent, acknowledged, rejected, "
        "backlog (unacknowledged) at the end of the bucket, worst acknowledgement lag (s)",
        ["post-trade", "clearing", "ccp", "metric", "backlog", "feed", "trade reporting", "lag"],
        "SELECT feed, counterparty, bucket_end, sent, acked, rejected, backlog, max_ack_lag_s FROM post_trade "
        f"WHERE end_epoch >= {_NOW} - :hours * 3600 AND (:feed = '' OR feed = upper(:feed)) "
        "ORDER BY feed, end_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6},
                "feed": {"type": "string", "enum": ["", "CCP-TRD", "ARM-TR"], "default": ""},
            }
        ),
    ),
    "kill_switch_events": (
        "Kill switch activations (KS-nnnn) over the last N days (max 90), newest first: member, sessions, initiated by "
        "(member request, member self-service, clearing member, market operations), activated by, activated, "
        "released, orders cancelled, reason, status (active, released)",
        ["kill switch", "member", "risk", "history", "cancel"],
        "SELECT ks, member, sessions, initiated_by, activated_by, activated, released, orders_cancelled, reason, "
        f"status FROM kill_switches WHERE a_epoch >= {_NOW} - :days * 86400 AND {_id('member', 'member')} "
        "ORDER BY a_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 7},
                "member": {"type": "string", "default": ""},
            }
        ),
    ),
    "deploys": (
        "Deploys and config changes on the trading platform (DPL-nnnn: engine and gateway releases, market data "
        "publishers, reference data loads, session throttles, hardware) over the last N hours (max 720), newest "
        "first: component, version or value, target, kind, started, finished, by, change record, result, note",
        ["deploy", "release", "config", "change", "history", "version", "rollout"],
        "SELECT deploy, component, version, target, kind, started, finished, deployed_by, change_ref, result, note "
        f"FROM deploys WHERE s_epoch >= {_NOW} - :lookback_hours * 3600 "
        "AND (:kind = '' OR kind = lower(:kind)) ORDER BY s_epoch DESC",
        obj(
            {
                "lookback_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "kind": {
                    "type": "string",
                    "enum": ["", "deploy", "config", "refdata", "hardware"],
                    "default": "",
                },
            }
        ),
    ),
    "change_records": (
        "Technical change records (TCR-nnnn) raised, updated or implemented in the last N hours (max 720), newest "
        "first: title, scope, kind, risk, state (approved, in_progress, implemented, rolled_back, cancelled), "
        "requested by, implemented by, approver, planned, implemented, notes",
        ["change", "tcr", "history", "config", "approval", "rollback"],
        "SELECT tcr, title, scope, kind, risk, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :since_hours * 3600 "
        f"OR impl_epoch >= {_NOW} - :since_hours * 3600 OR updated_epoch >= {_NOW} - :since_hours * 3600) "
        "AND (:state = '' OR state = lower(:state)) ORDER BY COALESCE(impl_epoch, updated_epoch) DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "state": {
                    "type": "string",
                    "enum": ["", "approved", "in_progress", "implemented", "rolled_back", "cancelled"],
                    "default": "",
                },
            }
        ),
    ),
    "incidents": (
        "Incidents (MI-nnnn) opened in the last N days (max 90), newest first: title, severity (P1-P4), status "
        "(investigating, mitigating, monitoring, resolved), opened, resolved, incident commander, technical lead, "
        "summary",
        ["incident", "outage", "status", "history", "major incident"],
        "SELECT ref, title, severity, status, opened, resolved, commander, tech_lead, summary FROM incidents "
        f"WHERE o_epoch >= {_NOW} - :days * 86400 AND (:status = '' OR status = lower(:status)) "
        f"AND {_id('ref', 'ref')} ORDER BY o_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 7},
                "status": {
                    "type": "string",
                    "enum": ["", "investigating", "mitigating", "monitoring", "resolved"],
                    "default": "",
                },
                "ref": {"type": "string", "default": "", "description": "e.g. MI-4471"},
            }
        ),
    ),
    "incident_timeline": (
        "The timeline of one incident, oldest first: time, author, role, entry",
        ["incident", "timeline", "history", "investigation", "log"],
        "SELECT t.ref, i.title, i.status, t.ts, t.author, t.role, t.entry FROM timeline t JOIN incidents i "
        f"ON i.ref = t.ref WHERE {_norm('t.ref')} = {_norm('trim(:ref)')} ORDER BY t.ts_epoch",
        obj({"ref": {"type": "string", "description": "incident, e.g. MI-4471"}}, ["ref"]),
    ),
    "member_tickets": (
        "Member support tickets (MST-nnnnn) opened or updated in the last N hours (max 336), newest first: member, "
        "session, subject, priority, status (open, waiting_member, resolved, closed), opened, updated, owner, latest "
        "update, linked incident",
        ["ticket", "member", "support", "complaint", "history"],
        "SELECT ticket, member, member_name, session, subject, priority, status, opened, updated, owner, latest, "
        f"incident FROM tickets WHERE (o_epoch >= {_NOW} - :window_hours * 3600 "
        f"OR CAST(strftime('%s', updated) AS INTEGER) >= {_NOW} - :window_hours * 3600) "
        f"AND {_id('member', 'member')} AND (:status = '' OR status = lower(:status)) ORDER BY o_epoch DESC",
        obj(
            {
                "window_hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "member": {"type": "string", "default": ""},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "waiting_member", "resolved", "closed"],
                    "default": "",
                },
            }
        ),
    ),
    "vendor_cases": (
        "Cases with vendors and network carriers: Kestrel Metro Networks (KMN-TT-nnnnnn), Northway Fibre (NWF-nnnnn), "
        "Veltrix Networks (VTX-SR-nnnnn), Arclight Systems (ARC-C-nnnnn), Harrowgate Clearing House (HGCH-SD-nnnn). "
        "Look one up by reference, or list by vendor or asset: subject, status, priority, engineer, latest update",
        ["lookup", "vendor", "carrier", "case", "ticket", "support", "circuit"],
        "SELECT ref, vendor, asset, subject, status, priority, engineer, raised_by, opened, updated, latest FROM cases "
        f"WHERE {_id('ref', 'ref')} AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) "
        "AND (:asset = '' OR instr(lower(asset), lower(trim(:asset))) > 0) ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. KMN-TT-882140"},
                "vendor": {"type": "string", "default": ""},
                "asset": {"type": "string", "default": "", "description": "e.g. fixgw-tmr-03, KMN-ETH-40772"},
            }
        ),
    ),
    "vendor_contacts": (
        "Vendors, carriers and the CCP: what they cover, support line, hours, contact, escalation contact, contract",
        ["contact", "vendor", "carrier", "escalation", "phone", "support"],
        "SELECT vendor, covers, phone, hours, contact, escalation, contract FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 07:00 UTC: trading_platform (primary, secondary), market_data, network, "
        "reference_data, post_trade, exec_duty; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "market_ops_shifts": (
        "Market operations shift supervisors (8-hour shifts: early 05:00-13:00, late 13:00-21:00, night 21:00-05:00 "
        "UTC): the two previous shifts, the current one and the next; on_now = yes for the supervisor on shift now",
        ["contact", "shift", "supervisor", "who", "market operations"],
        "SELECT shift, starts, ends, supervisor, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        "ORDER BY starts_epoch",
        obj({}),
    ),
    "runbook_search": (
        "Search the trading platform and market operations runbooks (RB-*) and the escalation matrix for a word or "
        "phrase",
        ["document", "runbook", "procedure", "how to", "escalation"],
        "SELECT doc, title, kind, body FROM docs WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(:q)) > 0 "
        "ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
