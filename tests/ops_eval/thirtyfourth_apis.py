"""The thirty-fourth estate's APIs (:mod:`tests.ops_eval.thirtyfourth_estate`): SQL over a game studio's live
operations store (game server fleets and hosts with their samples, matchmaking queues, concurrent users, client
crash buckets and signatures, build rollouts, live changes and feature flags, anti-cheat detections and ban waves,
DDoS events, store purchases by payment provider, partners' status incidents, vendor cases and contacts, support
tickets and community reports, maintenance windows, live incidents, the on-call rota, the live-ops shift leads, the war
room log and the runbooks), named verb first as the studio's platform team publishes them. Windows differ from API
to API on purpose: ``window_h``, ``hours``, ``lookback_minutes``, an RFC 3339 time (``since``), ``days_back``,
``since_hours``, ``days``, ``hours_back`` and ``back_days`` / ``ahead_days``; one API requires a host (its samples);
three search free text (tickets, the war room log, the runbooks); four aggregate (CCU now by a chosen grouping, top
crash signatures, store failures per provider, tickets per category and platform); the on-call rota and the shift
leads flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_PLATFORMS = ["", "pc", "pallas", "novix"]
_CATEGORIES = ["", "crash", "connection", "matchmaking", "purchase", "account", "ban_appeal", "cheating_report", "bug"]
_PLAYLISTS = ["", "ranked_5v5", "quickplay_5v5", "skirmish_3v3", "siege_12v12"]
_REGION_DESC = (
    "region code (nae, naw, euw, euc, sgp, tyo, gru), name (NA-East, EU-West, APAC-SG, APAC-Tokyo, SA-SaoPaulo, "
    "...) or group (NA, EU, APAC, SA); empty: all"
)
_ROTAS = ["", "incident_commander", "server_eng", "client_eng", "netops", "platform_partners", "payments", "anticheat"]


def _key(expr: str) -> str:
    """``expr`` upper-cased without dashes, dots, slashes, underscores, hashes and spaces."""
    out = f"upper({expr})"
    for ch in ("-", ".", "/", "_", "#", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _match(col: str, param: str) -> str:
    """``col`` equals ``:param`` however it is typed (``gru-n04``, ``GRU N04``, ``cfg 2219``); empty matches all."""
    return f"(:{param} = '' OR {_key(col)} = {_key(f'trim(:{param})')})"


def _region(prefix: str = "") -> str:
    """A region filter by code, name or group (``:region``)."""
    p = _key("trim(:region)")
    return (
        f"(:region = '' OR {_key(prefix + 'region')} = {p} OR {_key(prefix + 'region_name')} = {p} "
        f"OR {prefix}region_group = {p})"
    )


def _platform(col: str = "platform") -> str:
    return f"(:platform = '' OR {col} = lower(trim(:platform)))"


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "list_fleets": (
        "Game server fleets: fleet (fl.euw.metal), region code, name and group, hosting provider (Corvid Metal, "
        "Nimbra Cloud, Stahlgrid Hosting), datacenter, host type, hosts, game server processes per host, server "
        "build, target tick rate (Hz), status and note; with the hosts ACTIVE now and players now",
        ["fleet", "inventory", "region", "provider", "capacity", "game servers", "status"],
        "SELECT f.fleet, f.region, f.region_name, f.region_group, f.provider, f.datacenter, f.host_type, f.hosts, "
        "f.procs_per_host, f.server_build, f.tick_target_hz, f.status, f.note, "
        "(SELECT COUNT(*) FROM hosts h WHERE h.fleet = f.fleet AND h.status = 'ACTIVE') AS hosts_active, "
        "(SELECT SUM(h.players) FROM hosts h WHERE h.fleet = f.fleet) AS players_now FROM fleets f "
        f"WHERE {_region('f.')} AND (:provider = '' OR instr(lower(f.provider), lower(trim(:provider))) > 0) "
        "ORDER BY f.region_group, f.fleet",
        obj(
            {
                "region": {"type": "string", "default": "", "description": _REGION_DESC},
                "provider": {"type": "string", "default": "", "description": "e.g. Nimbra; empty: all"},
            }
        ),
    ),
    "list_game_hosts": (
        "Game server hosts now: host (euw-m05, gru-n04), fleet, region, provider, status (ACTIVE, DRAINING = no new "
        "matches, DEGRADED, OFFLINE) and since when, server build, game server processes running and max, players, "
        "tick rate (Hz, target 60), CPU %, CPU steal %, note",
        ["host", "server", "status", "live", "tick rate", "cpu", "fleet", "health"],
        "SELECT host, fleet, region, region_name, provider, status, since, server_build, procs_running, procs_max, "
        f"players, tick_hz, cpu_pct, steal_pct, note FROM hosts WHERE {_region()} AND {_match('fleet', 'fleet')} "
        f"AND {_match('host', 'host')} AND (:status = '' OR status = upper(:status)) ORDER BY fleet, host",
        obj(
            {
                "region": {"type": "string", "default": "", "description": _REGION_DESC},
                "fleet": {"type": "string", "default": "", "description": "e.g. fl.gru.burst"},
                "host": {"type": "string", "default": ""},
                "status": {
                    "type": "string",
                    "enum": ["", "ACTIVE", "DRAINING", "DEGRADED", "OFFLINE"],
                    "default": "",
                },
            }
        ),
    ),
    "get_host_metrics": (
        "Samples of ONE game server host every 10 minutes over the last N hours (max 24), oldest first: game server "
        "processes, players, average server tick rate (Hz), CPU %, CPU steal % (time the hypervisor gave away)",
        ["metric", "host", "tick rate", "cpu", "steal", "trend", "performance"],
        "SELECT host, at, procs, players, tick_hz, cpu_pct, steal_pct FROM host_samples "
        f"WHERE {_key('host')} = {_key('trim(:host)')} AND at_epoch >= {_NOW} - :hours * 3600 ORDER BY at_epoch",
        obj(
            {
                "host": {"type": "string", "description": "host, e.g. gru-n04"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6},
            },
            ["host"],
        ),
    ),
    "get_fleet_metrics": (
        "Fleet samples every 10 minutes over the last N hours (max 24), per fleet, oldest first: hosts serving, "
        "matches (game server processes), players in matches, median and worst host tick rate (Hz), average CPU %",
        ["metric", "fleet", "tick rate", "players", "matches", "cpu", "trend"],
        "SELECT s.fleet, s.at, s.hosts_serving, s.matches, s.players, s.tick_p50_hz, s.tick_worst_hz, s.cpu_avg_pct "
        f"FROM fleet_samples s JOIN fleets f ON f.fleet = s.fleet WHERE s.at_epoch >= {_NOW} - :window_h * 3600 "
        f"AND {_match('s.fleet', 'fleet')} AND {_region('f.')} ORDER BY s.fleet, s.at_epoch",
        obj(
            {
                "window_h": {"type": "integer", "minimum": 1, "maximum": 24, "default": 3},
                "fleet": {"type": "string", "default": ""},
                "region": {"type": "string", "default": "", "description": _REGION_DESC},
            }
        ),
    ),
    "get_queue_times": (
        "Matchmaking (MM) queue samples every 10 minutes (kept 24 hours) per region and playlist over the last N "
        "minutes, oldest first: players queued, wait time p50 and p90 (seconds), matches formed, players who left "
        "the queue (abandons)",
        ["metric", "matchmaking", "queue", "wait time", "playlist", "region", "trend"],
        "SELECT region, region_name, playlist, at, queued, wait_p50_s, wait_p90_s, matches_formed, abandons "
        f"FROM queue_samples WHERE at_epoch >= {_NOW} - :lookback_minutes * 60 AND {_region()} "
        "AND (:playlist = '' OR playlist = lower(trim(:playlist))) ORDER BY region, playlist, at_epoch",
        obj(
            {
                "lookback_minutes": {"type": "integer", "minimum": 10, "maximum": 1440, "default": 60},
                "region": {"type": "string", "default": "", "description": _REGION_DESC},
                "playlist": {"type": "string", "enum": _PLAYLISTS, "default": ""},
            }
        ),
    ),
    "get_ccu_now": (
        "Concurrent users (CCU) in the latest 15-minute sample, summed by platform (pc, pallas, novix), region, "
        "region group (NA, EU, APAC, SA) or all, most first",
        ["metric", "ccu", "players", "online", "platform", "region", "count", "live"],
        "SELECT CASE :by WHEN 'platform' THEN platform WHEN 'region' THEN region_name WHEN 'region_group' "
        "THEN region_group ELSE 'all' END AS grp, SUM(ccu) AS ccu, MAX(at) AS sample FROM ccu_samples "
        "WHERE at_epoch = (SELECT MAX(at_epoch) FROM ccu_samples) GROUP BY grp ORDER BY ccu DESC",
        obj(
            {
                "by": {
                    "type": "string",
                    "enum": ["platform", "region", "region_group", "all"],
                    "default": "platform",
                }
            }
        ),
    ),
    "get_ccu_history": (
        "CCU every 15 minutes over the last N hours (max 48) per platform, summed over the regions asked for, oldest "
        "first",
        ["metric", "ccu", "players", "online", "platform", "trend", "history"],
        "SELECT platform, at, SUM(ccu) AS ccu FROM ccu_samples WHERE at_epoch >= "
        f"{_NOW} - :hours * 3600 AND {_platform()} AND {_region()} GROUP BY platform, at_epoch "
        "ORDER BY platform, at_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "platform": {"type": "string", "enum": _PLATFORMS, "default": ""},
                "region": {"type": "string", "default": "", "description": _REGION_DESC},
            }
        ),
    ),
    "get_crash_rate": (
        "Client crash rate per 10-minute bucket since an RFC 3339 time (kept 48 hours), per platform, over all "
        "builds or one build (e.g. 58211), oldest first: sessions started, crashes, crashes per 1,000 sessions",
        ["metric", "crash", "crash rate", "client", "build", "platform", "trend", "stability"],
        "SELECT platform, bucket_end, SUM(sessions) AS sessions, SUM(crashes) AS crashes, "
        "ROUND(1000.0 * SUM(crashes) / SUM(sessions), 2) AS crashes_per_1k FROM crash_buckets "
        f"WHERE b_epoch >= CAST(strftime('%s', :since) AS INTEGER) AND {_platform()} "
        "AND (:build = '' OR build = CAST(trim(:build) AS INTEGER)) GROUP BY platform, b_epoch "
        "ORDER BY platform, b_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "platform": {"type": "string", "enum": _PLATFORMS, "default": ""},
                "build": {"type": "string", "default": "", "description": "client build number, e.g. 58211"},
            },
            ["since"],
        ),
    ),
    "top_crash_signatures": (
        "Crash signatures ranked by crashes over the last N hours (max 48), optionally for one platform or build: "
        "signature, top frame, platforms and builds it crashed on, crashes, status, owner",
        ["crash", "signature", "ranking", "top", "count", "client", "stack"],
        "SELECT c.signature, s.top_frame, group_concat(DISTINCT c.platform) AS platforms, "
        "group_concat(DISTINCT c.build) AS builds, SUM(c.crashes) AS crashes, s.status, s.owner "
        "FROM crash_sig_counts c JOIN crash_sigs s ON s.signature = c.signature "
        f"WHERE c.b_epoch >= {_NOW} - :hours * 3600 AND {_platform('c.platform')} "
        "AND (:build = '' OR c.build = CAST(trim(:build) AS INTEGER)) GROUP BY c.signature "
        "ORDER BY crashes DESC LIMIT :top",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 3},
                "platform": {"type": "string", "enum": _PLATFORMS, "default": ""},
                "build": {"type": "string", "default": ""},
                "top": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
            }
        ),
    ),
    "lookup_crash_signature": (
        "Look a crash signature up by id (c7d2e914) or by words of its top frame or module: top frame, module, "
        "platforms, status (new, triaged, known, fixed, vendor), owner, bug, first seen, note",
        ["lookup", "crash", "signature", "bug", "owner"],
        "SELECT signature, top_frame, module, platforms, status, owner, bug, first_seen, note FROM crash_sigs "
        "WHERE instr(lower(signature || ' ' || top_frame || ' ' || module || ' ' || bug), lower(trim(:q))) > 0 "
        "ORDER BY signature",
        obj({"q": {"type": "string", "description": "signature id or words"}}, ["q"]),
    ),
    "list_rollouts": (
        "Build rollouts and their phases started in the last N days (max 30), newest first: build number, version, "
        "platform (pc, pallas, novix, server), phase, % of players, started, status (active, paused, completed, "
        "superseded, in_cert) and since when, approver, note",
        ["rollout", "build", "patch", "release", "deploy", "phase", "change", "history"],
        "SELECT build, version, platform, phase, pct, started, status, status_since, approver, note FROM rollouts "
        f"WHERE s_epoch >= {_NOW} - :days_back * 86400 AND {_platform()} "
        "AND (:build = '' OR build = CAST(trim(:build) AS INTEGER)) ORDER BY s_epoch DESC",
        obj(
            {
                "days_back": {"type": "integer", "minimum": 1, "maximum": 30, "default": 3},
                "platform": {"type": "string", "enum": [*_PLATFORMS, "server"], "default": ""},
                "build": {"type": "string", "default": ""},
            }
        ),
    ),
    "list_live_changes": (
        "Live changes (CFG#nnnn) applied in the last N hours (max 720) or scheduled, newest first: kind "
        "(feature_flag, live_tuning, mm_config, store_config, anticheat), key, old and new value, scope, author, "
        "approver, applied, state (applied, scheduled, rolled_back), note",
        ["change", "config", "feature flag", "tuning", "matchmaking", "history", "balance"],
        f"SELECT change_id, kind, key, old_value, new_value, scope, author, approver, applied, state, note "
        f"FROM live_changes WHERE (a_epoch >= {_NOW} - :since_hours * 3600 OR state = 'scheduled') "
        "AND (:kind = '' OR kind = :kind) ORDER BY a_epoch DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24},
                "kind": {
                    "type": "string",
                    "enum": ["", "feature_flag", "live_tuning", "mm_config", "store_config", "anticheat"],
                    "default": "",
                },
            }
        ),
    ),
    "get_feature_flags": (
        "Feature flags' state now per platform: flag, state (on, off), % of players, owner, last updated, the change "
        "that set it, note",
        ["config", "feature flag", "flag", "kill switch", "state", "settings"],
        "SELECT flag, platform, state, pct, owner, updated, change_id, note FROM flags "
        f"WHERE (:flag = '' OR instr(lower(flag), lower(trim(:flag))) > 0) AND {_platform()} ORDER BY flag, platform",
        obj(
            {
                "flag": {"type": "string", "default": "", "description": "flag name or part of it"},
                "platform": {"type": "string", "enum": _PLATFORMS, "default": ""},
            }
        ),
    ),
    "get_anticheat_detections": (
        "Anti-cheat (Wardstone) detections, one rollup a day for the 24 hours before it, over the last N days (max "
        "14), oldest first: cheat family (Glasswall ESP, Tremor aimbot, Speedhex, XimPort adapters), kind, "
        "platform, detections, distinct accounts",
        ["metric", "anti-cheat", "cheat", "detections", "daily", "trend"],
        "SELECT rollup_at, family, kind, platform, detections, accounts FROM ac_daily "
        f"WHERE r_epoch >= {_NOW} - :days * 86400 AND (:family = '' OR lower(family) = lower(trim(:family))) "
        f"AND {_platform()} ORDER BY r_epoch, family, platform",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
                "family": {"type": "string", "default": "", "description": "e.g. Glasswall"},
                "platform": {"type": "string", "enum": _PLATFORMS, "default": ""},
            }
        ),
    ),
    "list_ban_waves": (
        "Ban waves, executed and scheduled, newest first: wave (wave/41), status, when, cheat families, accounts "
        "(banned, or flagged so far for a scheduled wave), platforms, approver, note",
        ["anti-cheat", "ban", "wave", "schedule", "history", "enforcement"],
        "SELECT wave, status, at, families, accounts, platforms, approver, note FROM ban_waves "
        "WHERE (:status = '' OR status = :status) ORDER BY at_epoch DESC",
        obj({"status": {"type": "string", "enum": ["", "executed", "scheduled"], "default": ""}}),
    ),
    "list_ddos_events": (
        "DDoS events at the edge (scrubbed by Bastion Shield) that started in the last N days (max 30), newest "
        "first: event, region, PoP, target, vector, peak Gbps and Mpps, started, ended, minutes, mitigation, impact",
        ["ddos", "network", "edge", "attack", "security", "history"],
        "SELECT event, region_name, pop, target, vector, peak_gbps, peak_mpps, started, ended, duration_min, "
        f"mitigation, impact FROM ddos_events WHERE s_epoch >= {_NOW} - :days * 86400 ORDER BY s_epoch DESC",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7}}),
    ),
    "get_store_purchases": (
        "Store purchase attempts and failures per payment provider, hourly over the last N hours (max 48), oldest "
        "first: attempts, failed, failure %, top error code",
        ["metric", "store", "purchase", "payments", "provider", "failures", "trend"],
        "SELECT provider, kind, hour_end, attempts, failed, fail_pct, top_error FROM store_hourly "
        f"WHERE h_epoch >= {_NOW} - :hours_back * 3600 "
        "AND (:provider = '' OR instr(lower(provider), lower(trim(:provider))) > 0) ORDER BY provider, h_epoch",
        obj(
            {
                "hours_back": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "provider": {"type": "string", "default": "", "description": "e.g. Quorra; empty: all"},
            }
        ),
    ),
    "rank_payment_failures": (
        "Payment providers ranked by failure % over the last N hours (max 48): attempts, failed, failure %, the "
        "error codes seen",
        ["store", "payments", "provider", "failures", "ranking", "count"],
        "SELECT provider, kind, SUM(attempts) AS attempts, SUM(failed) AS failed, "
        "ROUND(100.0 * SUM(failed) / SUM(attempts), 2) AS fail_pct, group_concat(DISTINCT top_error) AS errors "
        f"FROM store_hourly WHERE h_epoch >= {_NOW} - :window_h * 3600 GROUP BY provider ORDER BY fail_pct DESC",
        obj({"window_h": {"type": "integer", "minimum": 1, "maximum": 48, "default": 24}}),
    ),
    "list_partner_status": (
        "Partners' status incidents (console platforms Pallas Network and Novix Live, payment providers, hosting "
        "providers) that started in the last N days or are still active or scheduled: ref, partner, kind, title, "
        "status (investigating, identified, monitoring, scheduled, resolved, completed), started, resolved, impact, "
        "our refs",
        ["partner", "platform", "status", "incident", "provider", "outage", "console"],
        "SELECT ref, partner, kind, title, status, started, resolved, impact, our_ref FROM partner_status "
        f"WHERE (s_epoch >= {_NOW} - :days * 86400 OR status NOT IN ('resolved', 'completed')) "
        "AND (:active = '' OR status NOT IN ('resolved', 'completed', 'scheduled')) ORDER BY s_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "active": {"type": "string", "enum": ["", "yes"], "default": "", "description": "yes: ongoing only"},
            }
        ),
    ),
    "lookup_vendor_case": (
        "Our cases with vendors and platform partners (Pallas developer support PLS-DEV-nnnnn, Nimbra NMB-nnnnnnn, "
        "Corvid CRV-nnnnn, Quorra QW-nnnnn, Bastion Shield BSH-nnnn, Wardstone WST-nnnn): by reference, by what "
        "it is about (host, signature, build) or by vendor: subject, status, priority, opened, updated, owner, latest",
        ["lookup", "vendor", "partner", "case", "ticket", "support", "provider"],
        "SELECT ref, vendor, subject, about, status, priority, opened, updated, owner, latest FROM vendor_cases "
        f"WHERE {_match('ref', 'ref')} AND (:about = '' OR instr(lower(about || ' ' || subject), "
        "lower(trim(:about))) > 0) AND (:vendor = '' OR instr(lower(vendor), lower(trim(:vendor))) > 0) "
        "ORDER BY opened DESC",
        obj(
            {
                "ref": {"type": "string", "default": ""},
                "about": {"type": "string", "default": "", "description": "e.g. euw-m05, c7d2e914, 58230"},
                "vendor": {"type": "string", "default": ""},
            }
        ),
    ),
    "get_vendor_contacts": (
        "Vendors and platform partners: what they cover, support phone and email, hours, escalation contact",
        ["contact", "vendor", "partner", "escalation", "phone", "support"],
        "SELECT vendor, covers, phone, email, hours, escalation FROM vendors "
        "WHERE (:name = '' OR instr(lower(vendor || ' ' || covers), lower(trim(:name))) > 0) ORDER BY vendor",
        obj({"name": {"type": "string", "default": ""}}),
    ),
    "search_tickets": (
        "Search player support tickets and community reports (forum, social) of the last N hours (max 336), newest "
        "first, for words in the subject or body; category (crash, connection, matchmaking, purchase, account, "
        "ban_appeal, cheating_report, bug) and platform filters",
        ["support", "ticket", "player", "community", "report", "search", "complaints"],
        "SELECT ticket, created, channel, category, platform, region, subject, body, status FROM tickets "
        f"WHERE c_epoch >= {_NOW} - :hours * 3600 AND instr(lower(subject || ' ' || body), lower(trim(:q))) > 0 "
        f"AND (:category = '' OR category = :category) AND {_platform()} ORDER BY c_epoch DESC LIMIT 200",
        obj(
            {
                "q": {"type": "string", "default": "", "description": "words to look for; empty: all"},
                "hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "category": {"type": "string", "enum": _CATEGORIES, "default": ""},
                "platform": {"type": "string", "enum": _PLATFORMS, "default": ""},
            }
        ),
    ),
    "count_tickets": (
        "Support tickets and community reports per category and platform over the last N hours (max 336), most "
        "first: tickets, still new or open, first and last",
        ["support", "ticket", "count", "ranking", "category", "metric", "players"],
        "SELECT category, platform, COUNT(*) AS tickets, SUM(CASE WHEN status != 'solved' THEN 1 ELSE 0 END) "
        "AS not_solved, MIN(created) AS first, MAX(created) AS last FROM tickets "
        f"WHERE c_epoch >= {_NOW} - :window_h * 3600 AND {_platform()} GROUP BY category, platform "
        "ORDER BY tickets DESC, category, platform",
        obj(
            {
                "window_h": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "platform": {"type": "string", "enum": _PLATFORMS, "default": ""},
            }
        ),
    ),
    "list_maintenance": (
        "Maintenance windows (mw/nnn) starting from N days back to M days ahead: scope (fleet, host, service, "
        "partner), kind, starts, ends, status (scheduled, in_progress, completed), owner, player impact, note",
        ["maintenance", "schedule", "planned", "window", "downtime", "partner"],
        "SELECT mw, scope, kind, starts, ends, status, owner, player_impact, note FROM maintenance "
        f"WHERE s_epoch BETWEEN {_NOW} - :back_days * 86400 AND {_NOW} + :ahead_days * 86400 ORDER BY s_epoch",
        obj(
            {
                "back_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 0},
                "ahead_days": {"type": "integer", "minimum": 0, "maximum": 30, "default": 7},
            }
        ),
    ),
    "list_incidents": (
        "Live incidents (INCnnnn) opened in the last N days (max 30), or still open, newest first: severity (sev1 "
        "worst .. sev4), title, status (investigating, identified, mitigated, monitoring, resolved), incident "
        "commander, opened, mitigated, resolved, summary",
        ["incident", "sev", "outage", "history", "status", "open"],
        "SELECT inc, sev, title, status, commander, opened, mitigated, resolved, summary FROM incidents "
        f"WHERE (o_epoch >= {_NOW} - :days * 86400 OR status != 'resolved') "
        "AND (:state = '' OR (:state = 'open' AND status != 'resolved') OR (:state = 'resolved' "
        f"AND status = 'resolved')) AND (:sev = '' OR sev = lower(trim(:sev))) AND {_match('inc', 'inc')} "
        "ORDER BY o_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "state": {"type": "string", "enum": ["", "open", "resolved"], "default": ""},
                "sev": {"type": "string", "enum": ["", "sev1", "sev2", "sev3", "sev4"], "default": ""},
                "inc": {"type": "string", "default": "", "description": "e.g. INC0931"},
            }
        ),
    ),
    "get_oncall": (
        "On-call rota, weeks from Monday 17:00 UTC: incident_commander, server_eng (primary, secondary), client_eng, "
        "netops, platform_partners (Pallas, Novix), payments, anticheat; mobiles; on_now = yes for the week running "
        "now",
        ["oncall", "on-call", "rota", "who", "contact", "escalation", "pager"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "get_shift_leads": (
        "Live-ops shift leads (8-hour desks following the sun: APAC 00:00-08:00, EU 08:00-16:00, NA 16:00-24:00 "
        "UTC): the two previous shifts, the current one and the next; on_now = yes for the lead on shift now",
        ["shift", "lead", "who", "contact", "live ops", "desk"],
        "SELECT desk, starts, ends, lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now "
        "FROM shift_leads ORDER BY starts_epoch",
        obj({}),
    ),
    "search_warroom_log": (
        "War room log (wr.nnnn) of the live-ops channel over the last N hours (max 48), newest first: author, role, "
        "incident, entry; optional words to look for in the author, incident or text",
        ["history", "log", "timeline", "incident", "investigation", "notes", "search"],
        "SELECT entry, at, author, role, inc, text FROM warroom WHERE at_epoch >= "
        f"{_NOW} - :hours * 3600 AND instr(lower(author || ' ' || inc || ' ' || text), lower(:contains)) > 0 "
        "ORDER BY at_epoch DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 12},
                "contains": {"type": "string", "default": ""},
            }
        ),
    ),
    "search_runbooks": (
        "Search the live-ops runbooks, the severity matrix and postmortems for a word or phrase",
        ["document", "runbook", "procedure", "how to", "postmortem", "policy", "search"],
        "SELECT doc, title, kind, updated, body FROM runbooks "
        "WHERE instr(lower(doc || ' ' || title || ' ' || body), lower(trim(:q))) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase"}}, ["q"]),
    ),
}
