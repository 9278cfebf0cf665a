"""The eleventh estate's APIs (:mod:`tests.ops_eval.eleventh_estate`): SQL over a contact-centre team's operations
store, as its voice engineers, contact-centre application and workforce teams would publish them. Parameter names
and window forms differ from API to API on purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_QUEUES = ["q-general-uk", "q-billing-uk", "q-loans-uk", "q-cards-uk", "q-general-nl", "q-billing-nl"]
_TEAMS = ["uk-general", "uk-billing", "uk-loans", "uk-cards", "nl-general", "nl-billing"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "sbc_inventory": (
        "Session border controllers (SBCs) terminating the SIP trunks: site, HA pair, state (active, standby), "
        "sbcos software version, note",
        ["config", "inventory", "voice", "sip"],
        "SELECT sbc, site, ha_pair, state, sbcos_version, note FROM sbcs WHERE (:site = '' OR site = :site) "
        "ORDER BY sbc",
        obj({"site": {"type": "string", "enum": ["", "lon", "ams"], "default": ""}}),
    ),
    "sip_trunks": (
        "SIP trunks to the carriers: carrier, terminating SBC, direction (inbound, outbound, both), channel "
        "capacity, codec preference list in order (PCMA = G.711 A-law, PCMU, G729), state (active, disabled), note",
        ["config", "inventory", "voice", "sip", "carrier"],
        "SELECT trunk, carrier, sbc, direction, channels, codec_prefs, state, note FROM trunks "
        "WHERE instr(lower(carrier), lower(:carrier)) > 0 AND (:state = '' OR state = :state) ORDER BY trunk",
        obj(
            {
                "carrier": {"type": "string", "default": "", "description": "part of the carrier's name"},
                "state": {"type": "string", "enum": ["", "active", "disabled"], "default": ""},
            }
        ),
    ),
    "trunk_traffic": (
        "Traffic of one SIP trunk in 5-minute samples between two unix times: call attempts, answered, failed, peak "
        "concurrent channels, average MOS (voice quality, 1-5) and packet loss percent",
        ["metric", "voice", "sip", "quality"],
        "SELECT trunk, sample_start, attempts, answered, failed, peak_channels, mos, loss_pct FROM trunk_samples "
        "WHERE trunk = :trunk AND sample_epoch >= :from_epoch AND (:to_epoch = 0 OR sample_epoch < :to_epoch) "
        "ORDER BY sample_epoch",
        obj(
            {
                "trunk": {"type": "string", "description": "trunk id, e.g. trk-amb-lon-01"},
                "from_epoch": {"type": "integer", "minimum": 0, "description": "window start, unix seconds"},
                "to_epoch": {"type": "integer", "minimum": 0, "default": 0, "description": "window end; 0: now"},
            },
            ["trunk", "from_epoch"],
        ),
    ),
    "sip_failures": (
        "Failed SIP calls (INVITEs answered with 4xx/5xx) in the last N minutes by response code: count, reason "
        "phrase, trunks affected, first and last seen",
        ["metric", "voice", "sip", "errors"],
        "SELECT sip_code, MAX(reason) AS reason, SUM(count) AS failures, group_concat(DISTINCT trunk) AS trunks, "
        "datetime(MIN(sample_epoch), 'unixepoch') AS first_seen, datetime(MAX(sample_epoch) + 300, 'unixepoch') "
        f"AS last_seen FROM sip_failures WHERE sample_epoch + 300 > {_NOW} - :minutes * 60 "
        "AND (:trunk = '' OR trunk = :trunk) GROUP BY sip_code ORDER BY failures DESC",
        obj(
            {
                "minutes": {"type": "integer", "minimum": 5, "maximum": 1440, "default": 60},
                "trunk": {"type": "string", "default": ""},
            }
        ),
    ),
    "call_queues": (
        "Contact-centre call queues: language, site, the agent team that serves it, service level target (percent "
        "of calls answered within N seconds), maximum wait, where calls overflow to",
        ["config", "contact-centre", "queue"],
        "SELECT queue, language, site, team, sl_target_pct, sl_seconds, max_wait_s, overflow_to FROM queues "
        "WHERE instr(lower(queue || ' ' || team), lower(:name_contains)) > 0 ORDER BY queue",
        obj({"name_contains": {"type": "string", "default": "", "description": "part of the queue or team name"}}),
    ),
    "queue_intervals": (
        "Queue statistics in 15-minute intervals over a lookback window: calls offered, answered, abandoned and "
        "abandon percent, service level percent, ASA (average speed of answer, s), longest wait (s), AHT (s)",
        ["metric", "contact-centre", "queue"],
        "SELECT queue, interval_start, offered, answered, abandoned, ROUND(100.0 * abandoned / offered, 1) AS "
        "abandon_pct, ROUND(100.0 * answered_in_sl / offered, 1) AS service_level_pct, asa_s, longest_wait_s, "
        "aht_s FROM queue_intervals WHERE (:queue = '' OR queue = :queue) AND interval_epoch >= "
        f"{_NOW} - CASE :lookback WHEN '1h' THEN 3600 WHEN '4h' THEN 14400 WHEN '12h' THEN 43200 ELSE 86400 END "
        "ORDER BY queue, interval_epoch",
        obj(
            {
                "queue": {"type": "string", "enum": ["", *_QUEUES], "default": ""},
                "lookback": {"type": "string", "enum": ["1h", "4h", "12h", "24h"], "default": "4h"},
            }
        ),
    ),
    "queue_daily_totals": (
        "Daily totals of one queue over the last N full days (UTC): calls offered, answered, abandoned, service "
        "level percent",
        ["metric", "contact-centre", "queue", "capacity"],
        "SELECT queue, day, offered, answered, abandoned, sl_pct FROM queue_daily WHERE queue = :queue "
        f"AND day_epoch >= {_NOW} - (:days + 1) * 86400 ORDER BY day",
        obj(
            {
                "queue": {"type": "string", "enum": _QUEUES},
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 7},
            },
            ["queue"],
        ),
    ),
    "wallboard_snapshot": (
        "The live wallboard: per queue, calls waiting now, the longest current wait in seconds and agents "
        "available, on a call and in wrap-up",
        ["metric", "contact-centre", "realtime"],
        "SELECT queue, as_of, calls_waiting, longest_wait_s, agents_available, agents_on_call, agents_wrap_up "
        "FROM wallboard WHERE (:queue = '' OR queue = :queue) ORDER BY calls_waiting DESC",
        obj({"queue": {"type": "string", "default": ""}}),
    ),
    "team_staffing": (
        "Workforce management: per agent team in 15-minute intervals over the last N hours, agents scheduled, "
        "logged in, available, on a call, in wrap-up and in aux (break, training)",
        ["metric", "contact-centre", "wfm", "people"],
        "SELECT team, interval_start, scheduled, logged_in, available, on_call, wrap_up, aux FROM staffing "
        f"WHERE (:team = '' OR team = :team) AND interval_epoch >= {_NOW} - :hours * 3600 "
        "ORDER BY team, interval_epoch",
        obj(
            {
                "team": {"type": "string", "enum": ["", *_TEAMS], "default": ""},
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 2},
            }
        ),
    ),
    "ivr_flows": (
        "IVR call flows: language, the trunks whose numbers enter it, recognition (voicebot speech or DTMF keys), "
        "speech-to-text model, retries before giving up, the queue callers go to when not understood",
        ["config", "contact-centre", "ivr", "voicebot"],
        "SELECT flow, language, trunks, recognition, stt_model, no_match_retries, no_match_fallback FROM ivr_flows "
        "WHERE (:language = '' OR language = :language) ORDER BY flow",
        obj({"language": {"type": "string", "enum": ["", "en-GB", "nl-NL"], "default": ""}}),
    ),
    "stt_sessions": (
        "Voicebot speech recognition (ASR / speech-to-text) in 5-minute samples since a time, per language and "
        "audio codec of the call: sessions, recognized, no-match count and percent, average confidence (0-1)",
        ["metric", "ivr", "voicebot", "speech"],
        "SELECT language, codec, sample_start, sessions, recognized, no_match, ROUND(100.0 * no_match / sessions, 1) "
        "AS no_match_pct, avg_confidence FROM stt_samples WHERE julianday(sample_start) >= julianday(:since) "
        "AND (:language = '' OR language = :language) AND (:codec = '' OR codec = :codec) "
        "ORDER BY sample_epoch, language, codec",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 (UTC)"},
                "language": {"type": "string", "enum": ["", "en-GB", "nl-NL"], "default": ""},
                "codec": {"type": "string", "default": "", "description": "PCMA, PCMU or G729"},
            },
            ["since"],
        ),
    ),
    "change_log": (
        "Change records of the voice and contact-centre platform since a time (CR-nnnn): category, target, "
        "summary, before and after values, author, ticket",
        ["history", "change", "config"],
        "SELECT change_id, category, target, summary, before_value, after_value, author, applied_at, ticket "
        "FROM changes WHERE julianday(applied_at) >= julianday(:since) AND (:category = '' OR category = :category) "
        "ORDER BY applied_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 (UTC)"},
                "category": {
                    "type": "string",
                    "enum": ["", "trunk", "routing", "ivr", "queue", "wfm", "sbc"],
                    "default": "",
                },
            },
            ["since"],
        ),
    ),
    "release_history": (
        "Software releases of the last N days (REL-nnnn): sbcos on the SBCs and speechd on the speech pools, "
        "targets, from and to version, started, finished, status",
        ["history", "deploy", "change"],
        "SELECT release_id, component, targets, from_version, to_version, started_at, finished_at, status "
        f"FROM releases WHERE started_epoch >= {_NOW} - :days * 86400 ORDER BY started_epoch DESC",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 7}}),
    ),
    "incidents": (
        "Incidents of the voice and contact-centre platform (INC-nnnn): priority (P1 .. P4), status (New, In "
        "Progress, On Hold, Resolved), title, owner, opened, resolved",
        ["history", "incident"],
        "SELECT incident_id, priority, status, title, owner, opened_at, resolved_at FROM incidents "
        "WHERE instr(lower(incident_id || ' ' || title), lower(:text)) > 0 "
        "AND (:status = '' OR status = :status) ORDER BY opened_at DESC",
        obj(
            {
                "text": {"type": "string", "default": "", "description": "incident id or words"},
                "status": {"type": "string", "enum": ["", "New", "In Progress", "On Hold", "Resolved"], "default": ""},
            }
        ),
    ),
    "escalation_rota": (
        "Who to page now for a rotation: primary and secondary and until when",
        ["config", "people"],
        "SELECT rotation, primary_person, secondary_person, until FROM rota WHERE rotation = :rotation",
        obj(
            {"rotation": {"type": "string", "enum": ["voice-core", "contact-centre-apps", "carrier-management"]}},
            ["rotation"],
        ),
    ),
    "runbook_search": (
        "Search the voice team's runbooks (RB-nnn) for words",
        ["document"],
        "SELECT doc_id, title, body FROM runbooks WHERE instr(lower(doc_id || ' ' || title || ' ' || body), "
        "lower(:terms)) > 0",
        obj({"terms": {"type": "string", "description": "a word or phrase to look for"}}, ["terms"]),
    ),
}
