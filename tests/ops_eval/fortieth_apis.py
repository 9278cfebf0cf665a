"""The fortieth estate's APIs (:mod:`tests.ops_eval.fortieth_estate`): SQL over a card issuer and processor's payments
operations store (the authorisation service's 5-minute KPIs per region, declines by ISO 8583 response code, the card
scheme links and their 5-minute statistics, the HSM pools and their key management log, fraud rules and their hourly
hits, 3-D Secure ACS challenges, BIN ranges, card production batches at the bureaux, clearing and settlement files,
reconciliation breaks, chargebacks, wallet token provisioning, customer app logins, deploys, feature flags, change
records, incidents and their timelines, customer contacts by reason, runbooks, scheme and vendor cases, on-call and
the payments operations shift leads), as the platform, network, fraud, settlement and card operations teams would
publish them: some tersely, some at length. Windows differ from API to API on purpose: ``minutes``,
``lookback_hours``, an RFC 3339 time (``since``), ``days``, ``hours``, ``days_back``, ISO dates (``from_date`` /
``to_date``), ``opened_within_days``, ``window_days``, ``last_hours``, ``since_hours``, ``within_days`` and
``window_hours``; one API requires an incident (its timeline); one looks a case up by reference, counterparty or
subject; one searches runbooks; four aggregate (declines per response code, chargebacks per merchant, customer
contacts per reason, fraud rule hits per rule); the on-call rota and the shift leads flag the ones on now."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_REGIONS = ["", "eu-dub", "eu-fra", "uk-lon"]
_SCHEMES = ["", "corvex", "meridian"]
_CHANGE_KINDS = ["", "network", "hsm", "fraud_rules", "feature_flag", "scheme", "settlement", "card_production"]
_ROTAS = ["", "payments_platform", "network", "fraud_ops", "settlement_ops", "card_ops", "incident_manager"]


def _norm(expr: str) -> str:
    """``expr`` upper-cased without dashes, underscores, dots and spaces (ids are typed every way)."""
    out = f"upper({expr})"
    for ch in ("-", "_", ".", " "):
        out = f"replace({out}, '{ch}', '')"
    return out


def _id(col: str, param: str) -> str:
    """A filter on an id column, typed any way (``lnk-cvx-fra-2``, ``LNKCVXFRA2``); empty matches everything."""
    return f"(:{param} = '' OR {_norm(col)} = {_norm(f'trim(:{param})')})"


def _region(col: str) -> str:
    """A region filter: ``eu-fra``, ``EU_FRA`` or just ``fra``; empty matches everything."""
    return (f"(:region = '' OR {_norm(col)} = {_norm('trim(:region)')} "
            f"OR {_norm(col)} LIKE '%' || {_norm('trim(:region)')})")  # fmt: skip


#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "auth_kpis": (
        "Authorisation service (auth-switch) KPIs per region, 5-minute samples over the last N minutes (kept 48 hours, "
        "max 2880), oldest first: authorisation requests, approved and declined by us, approval rate %, p50 / p99 "
        "decision latency (ms), responses the scheme flagged as late, and the scheme's stand-in (STIP) approvals and "
        "declines made for us with their share of requests (stand-in %). Regions: eu-dub, eu-fra, uk-lon",
        ["metric", "authorisation", "auth", "approval rate", "latency", "stand-in", "stip", "region", "trend"],
        "SELECT region, sample_end, requests, approved, declined, approval_pct, p50_ms, p99_ms, late_responses, "
        "stip_approved, stip_declined, standin_pct FROM auth_kpis "
        f"WHERE end_epoch >= {_NOW} - :minutes * 60 AND {_region('region')} ORDER BY region, end_epoch",
        obj(
            {
                "minutes": {"type": "integer", "minimum": 5, "maximum": 2880, "default": 60},
                "region": {"type": "string", "enum": _REGIONS, "default": ""},
            }
        ),
    ),
    "decline_codes": (
        "Declined authorisations by ISO 8583 response code (05 do not honour, 51 insufficient funds, 54 expired card, "
        "55 incorrect PIN, 59 suspected fraud, 61 exceeds amount limit, 14 invalid card number, 91 issuer unavailable) "
        "over the last N hours (hourly buckets, kept 7 days, max 168), most first, with who declined (source: issuer = "
        "our auth-switch, scheme_stip = the scheme's stand-in) and the average per hour",
        ["metric", "declines", "response code", "count", "ranking", "authorisation", "reason"],
        "SELECT code, description, source, SUM(declines) AS declines, "
        "ROUND(SUM(declines) * 1.0 / MIN(:lookback_hours, 168), 1) AS per_hour FROM declines "
        f"WHERE end_epoch >= {_NOW} - :lookback_hours * 3600 AND {_region('region')} "
        "AND (:scheme = '' OR scheme = lower(:scheme)) GROUP BY code, description, source "
        "ORDER BY SUM(declines) DESC",
        obj(
            {
                "lookback_hours": {"type": "integer", "minimum": 1, "maximum": 168, "default": 3},
                "region": {"type": "string", "enum": _REGIONS, "default": ""},
                "scheme": {"type": "string", "enum": _SCHEMES, "default": ""},
            }
        ),
    ),
    "scheme_links": (
        "Card scheme connections (Corvex and Meridian, ISO 8583 over TLS on leased circuits): link (LNK-CVX-FRA-2), "
        "scheme, region, role, scheme access point, circuit, our response timeout and the scheme's issuer response "
        "window (ms), state now (UP, DEGRADED, DOWN, STANDBY), since, note",
        ["config", "scheme", "link", "connection", "state", "status", "network", "inventory", "timeout"],
        "SELECT link, scheme, region, role, access_point, circuit, our_timeout_ms, scheme_window_ms, state, since, "
        f"note FROM links WHERE (:scheme = '' OR scheme = lower(:scheme)) AND {_region('region')} "
        "AND (:state = '' OR state = upper(:state)) ORDER BY link",
        obj(
            {
                "scheme": {"type": "string", "enum": _SCHEMES, "default": ""},
                "region": {"type": "string", "enum": _REGIONS, "default": ""},
                "state": {"type": "string", "enum": ["", "UP", "DEGRADED", "DOWN", "STANDBY"], "default": ""},
            }
        ),
    ),
    "scheme_link_stats": (
        "Scheme link statistics, 5-minute samples since an RFC 3339 time (kept 24 hours), oldest first: messages in "
        "(requests from the scheme) and out, responses that reached the scheme after its issuer window (late), of "
        "them chip (EMV, with field 55), network echo tests passed / failed and their round trip (ms), TCP "
        "retransmits",
        ["metric", "scheme", "link", "timeouts", "late", "echo", "retransmits", "network", "trend"],
        "SELECT link, sample_end, msgs_in, msgs_out, late_responses, late_chip, echo_ok, echo_fail, echo_rtt_ms, "
        "tcp_retransmits FROM link_stats WHERE end_epoch >= CAST(strftime('%s', :since) AS INTEGER) "
        f"AND {_id('link', 'link')} ORDER BY link, end_epoch",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 UTC"},
                "link": {"type": "string", "default": "", "description": "e.g. LNK-CVX-FRA-2; empty: all links"},
            },
            ["since"],
        ),
    ),
    "hsm_status": (
        "Payment HSMs (Corrin K9) per region and their state now (IN_SERVICE, MAINTENANCE, OUT_OF_POOL, FAULT): "
        "firmware, pool, since, commands per second, average command time (ms), command errors in the last hour, note",
        ["hsm", "crypto", "state", "status", "inventory", "pin", "keys", "live"],
        "SELECT hsm, region, model, firmware, state, since, pool, cmds_per_s, avg_cmd_ms, errors_1h, note "
        f"FROM hsms WHERE {_region('region')} ORDER BY hsm",
        obj({"region": {"type": "string", "enum": _REGIONS, "default": ""}}),
    ),
    "hsm_key_ops": (
        "HSM key management log over the last N days (max 30), newest first: operation (key ceremony, ZMK / ZPK "
        "exchange with a scheme, CVK / PVK rotation, issuer master key generation, key backup, KCV check), HSM, key "
        "label, key check value, custodians, result, change record",
        ["hsm", "keys", "crypto", "key ceremony", "rotation", "history", "log"],
        "SELECT op, at_utc, hsm, operation, key_label, kcv, custodians, result, change_ref FROM key_ops "
        f"WHERE at_epoch >= {_NOW} - :days * 86400 AND {_id('hsm', 'hsm')} ORDER BY at_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "hsm": {"type": "string", "default": "", "description": "e.g. hsm-fra-02; empty: all"},
            }
        ),
    ),
    "fraud_rules": (
        "Fraud rules in the real-time rules engine: rule (FR-118), name, scope (CNP, CP, ATM, all), logic, action "
        "(decline, challenge, review, off), version, status, last changed, by, change record, previous version",
        ["config", "fraud", "rule", "rules engine", "version", "threshold", "settings"],
        "SELECT rule, name, scope, logic, action, version, status, changed, changed_by, change_ref, previous "
        f"FROM fraud_rules WHERE {_id('rule', 'rule')} ORDER BY rule",
        obj({"rule": {"type": "string", "default": "", "description": "e.g. FR-118; empty: all rules"}}),
    ),
    "fraud_rule_hits": (
        "Fraud rule hits per rule over the last N hours (hourly, kept 72 hours, max 72), per rule: authorisations "
        "evaluated, hits, hit rate %, declines and challenges it caused, the hit rate in the newest and the oldest "
        "hour of the window",
        ["metric", "fraud", "rule", "hit rate", "declines", "count", "ranking", "trend"],
        "SELECT h.rule, r.name, SUM(h.evaluated) AS evaluated, SUM(h.hits) AS hits, "
        "ROUND(100.0 * SUM(h.hits) / SUM(h.evaluated), 2) AS hit_pct, SUM(h.declines) AS declines, "
        "SUM(h.challenges) AS challenges, "
        "(SELECT g.hit_pct FROM rule_hits g WHERE g.rule = h.rule ORDER BY g.end_epoch DESC LIMIT 1) "
        "AS newest_hour_pct, "
        f"(SELECT g.hit_pct FROM rule_hits g WHERE g.rule = h.rule AND g.end_epoch >= {_NOW} - :hours * 3600 "
        "ORDER BY g.end_epoch LIMIT 1) AS oldest_hour_pct "
        "FROM rule_hits h JOIN fraud_rules r ON r.rule = h.rule "
        f"WHERE h.end_epoch >= {_NOW} - :hours * 3600 AND {_id('h.rule', 'rule')} "
        "GROUP BY h.rule, r.name ORDER BY SUM(h.hits) DESC",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 6},
                "rule": {"type": "string", "default": ""},
            }
        ),
    ),
    "acs_challenges": (
        "3-D Secure ACS (acs-gateway) authentications per 30 minutes over the last N hours (kept 48 hours, max 48), "
        "by channel (app = in-app biometric or push, browser = SMS one-time passcode): authentications, frictionless, "
        "challenged, challenge success %, failed, abandoned, average challenge time (s)",
        ["metric", "3ds", "acs", "challenge", "authentication", "otp", "trend", "ecommerce"],
        "SELECT channel, sample_end, authentications, frictionless, challenged, success_pct, failed, abandoned, "
        f"avg_challenge_s FROM acs WHERE end_epoch >= {_NOW} - :hours * 3600 "
        "AND (:channel = '' OR channel = lower(:channel)) ORDER BY channel, end_epoch",
        obj(
            {
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 6},
                "channel": {"type": "string", "enum": ["", "app", "browser"], "default": ""},
            }
        ),
    ),
    "bin_ranges": (
        "BIN ranges we issue on: BIN, scheme, product, card type, country, currency, account range capacity, cards "
        "issued, active cards, utilisation % of the range, status (live, pending_activation, closing), note",
        ["config", "bin", "inventory", "product", "range", "capacity", "cards"],
        "SELECT bin, scheme, product, card_type, country, currency, capacity, issued, active, "
        "ROUND(100.0 * issued / capacity, 1) AS utilisation_pct, status, note FROM bins "
        "WHERE (:scheme = '' OR scheme = lower(:scheme)) AND (:bin = '' OR bin = trim(:bin)) ORDER BY bin",
        obj(
            {
                "scheme": {"type": "string", "enum": _SCHEMES, "default": ""},
                "bin": {"type": "string", "default": "", "description": "6 digits, e.g. 457124"},
            }
        ),
    ),
    "card_batches": (
        "Card production (embossing and chip personalisation) batches created in the last N days (max 30), newest "
        "first: batch (EMB-nnnnn), bureau, BIN, product, reason (new_accounts, renewals, replacements, "
        "reissue_compromise), cards, created, status (queued, at_bureau, embossing, qa_hold, dispatched), status "
        "since, dispatch due, dispatched, note",
        ["card production", "embossing", "bureau", "batch", "cards", "reissue", "schedule"],
        "SELECT batch, bureau, bin, product, reason, cards, created, status, status_since, due_dispatch, dispatched, "
        f"note FROM batches WHERE created_epoch >= {_NOW} - :days_back * 86400 "
        "AND (:status = '' OR status = lower(:status)) ORDER BY created_epoch DESC",
        obj(
            {
                "days_back": {"type": "integer", "minimum": 1, "maximum": 30, "default": 14},
                "status": {
                    "type": "string",
                    "enum": ["", "queued", "at_bureau", "embossing", "qa_hold", "dispatched"],
                    "default": "",
                },
            }
        ),
    ),
    "settlement_files": (
        "Clearing and settlement files exchanged with the schemes, expected between two dates (UTC), inclusive: file "
        "id (SF-nnnnnn), scheme, kind (clearing_in = presentments, settlement_report, disputes_out), cycle, file name "
        "(with its business date), expected, received, status (expected, late, received, reconciled, break), records, "
        "amount and currency, matched records",
        ["settlement", "clearing", "file", "reconciliation", "schedule", "late", "history"],
        "SELECT file_id, scheme, kind, cycle, name, expected, received, status, records, amount, currency, matched "
        "FROM files WHERE substr(expected, 1, 10) BETWEEN :from_date AND :to_date "
        "AND (:scheme = '' OR scheme = lower(:scheme)) AND (:status = '' OR status = lower(:status)) "
        "ORDER BY expected",
        obj(
            {
                "from_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "to_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                "scheme": {"type": "string", "enum": _SCHEMES, "default": ""},
                "status": {
                    "type": "string",
                    "enum": ["", "expected", "late", "received", "reconciled", "break"],
                    "default": "",
                },
            },
            ["from_date", "to_date"],
        ),
    ),
    "recon_breaks": (
        "Settlement reconciliation breaks (RCB-nnnn) opened in the last N days (max 60), newest first: file, kind, "
        "items, amount and currency, status (open, investigating, resolved, written_off), owner, opened, updated, note",
        ["reconciliation", "recon", "break", "settlement", "finance", "history"],
        "SELECT brk, file_id, file_name, kind, items, amount, currency, status, owner, opened, updated, note "
        f"FROM breaks WHERE opened_epoch >= {_NOW} - :opened_within_days * 86400 "
        "AND (:status = '' OR status = lower(:status)) ORDER BY opened_epoch DESC",
        obj(
            {
                "opened_within_days": {"type": "integer", "minimum": 1, "maximum": 60, "default": 14},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "investigating", "resolved", "written_off"],
                    "default": "",
                },
            }
        ),
    ),
    "chargebacks_by_merchant": (
        "Chargebacks (disputes we raised for cardholders) opened over the last N days (kept 90, max 90) per merchant, "
        "most first: disputes, amount (EUR equivalent), reason codes (F04 card-absent fraud, F06 card-present "
        "counterfeit, P01 goods or services not received, P03 not as described, A02 duplicate processing, S03 "
        "cancelled recurring), still open, first and last opened",
        ["chargeback", "dispute", "merchant", "count", "ranking", "fraud", "metric"],
        "SELECT merchant, mcc, COUNT(*) AS disputes, ROUND(SUM(amount_eur), 2) AS amount_eur, "
        "group_concat(DISTINCT reason) AS reasons, SUM(CASE WHEN status IN ('open', 'represented') THEN 1 ELSE 0 END) "
        "AS still_open, MIN(opened) AS first_opened, MAX(opened) AS last_opened FROM disputes "
        f"WHERE opened_epoch >= {_NOW} - :window_days * 86400 AND (:reason = '' OR reason = upper(:reason)) "
        "GROUP BY merchant, mcc ORDER BY COUNT(*) DESC, merchant LIMIT 25",
        obj(
            {
                "window_days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 30},
                "reason": {"type": "string", "enum": ["", "F04", "F06", "P01", "P03", "A02", "S03"], "default": ""},
            }
        ),
    ),
    "wallet_provisioning": (
        "Wallet token provisioning (token-vault, with the schemes' token services) per wallet and hour over the last "
        "N hours (kept 72, max 72), oldest first: requests, approved (green path), step-up (yellow: OTP or app "
        "verification), declined (red), errors; wallets: Aurum Pay, Pixel Wallet, Kiro Pay",
        ["metric", "token", "tokenisation", "wallet", "provisioning", "trend"],
        "SELECT wallet, hour_end, requests, approved, step_up, declined, errors, "
        "ROUND(100.0 * approved / requests, 1) AS approved_pct FROM provisioning "
        f"WHERE end_epoch >= {_NOW} - :last_hours * 3600 "
        "AND (:wallet = '' OR instr(lower(wallet), lower(trim(:wallet))) > 0) ORDER BY wallet, end_epoch",
        obj(
            {
                "last_hours": {"type": "integer", "minimum": 1, "maximum": 72, "default": 24},
                "wallet": {"type": "string", "default": "", "description": "Aurum Pay, Pixel Wallet or Kiro Pay"},
            }
        ),
    ),
    "app_logins": (
        "Customer mobile app logins (app-login), 15-minute samples over the last N hours (max 24), oldest first: "
        "attempts, successful, success %, failed password, failed SMS one-time passcode, failed biometric, lockouts",
        ["metric", "app", "login", "customer", "otp", "authentication", "trend"],
        "SELECT sample_end, attempts, successful, ROUND(100.0 * successful / attempts, 2) AS success_pct, "
        "failed_password, failed_otp, failed_biometric, lockouts FROM logins "
        f"WHERE end_epoch >= {_NOW} - :hours * 3600 ORDER BY end_epoch",
        obj({"hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6}}),
    ),
    "deploys": (
        "Service deploys over the last N hours (max 336), newest first: deploy (DEP-nnnnn), service (auth-switch, "
        "fraud-scorer, acs-gateway, token-vault, app-login, clearing-ingest, settle-recon), version, regions, "
        "strategy and canary %, status, by, when, note",
        ["deploy", "release", "version", "rollout", "change", "history", "service"],
        "SELECT deploy, service, version, regions, strategy, status, deployed_by, at_utc, note FROM deploys "
        f"WHERE at_epoch >= {_NOW} - :since_hours * 3600 AND (:service = '' OR service = lower(trim(:service))) "
        "AND (:region = '' OR instr(regions, lower(trim(:region))) > 0 OR regions = 'all') ORDER BY at_epoch DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "service": {"type": "string", "default": ""},
                "region": {"type": "string", "default": ""},
            }
        ),
    ),
    "feature_flags": (
        "Feature flags of the payments services: flag, service, state (on, off, shadow), rollout %, regions, last "
        "changed, by, change record, what it does",
        ["config", "feature flag", "flag", "rollout", "settings"],
        "SELECT flag, service, state, rollout_pct, regions, changed, changed_by, change_ref, description FROM flags "
        "WHERE (:service = '' OR service = lower(trim(:service))) ORDER BY flag",
        obj({"service": {"type": "string", "default": "", "description": "e.g. acs-gateway; empty: all"}}),
    ),
    "change_records": (
        "Change records (CHG-nnnnn: network, HSM, fraud rules, feature flags, schemes, settlement, card production) "
        "raised, implemented or updated in the last N days (max 30), newest first: title, kind, target, risk, state "
        "(scheduled, implemented, rolled_back, approved, cancelled), requested by, implemented by, approver, planned, "
        "implemented, notes",
        ["change", "chg", "history", "config", "network", "fraud", "approval"],
        "SELECT chg, title, kind, target, risk, state, requested_by, implemented_by, approver, planned, implemented, "
        f"notes FROM changes WHERE (raised_epoch >= {_NOW} - :within_days * 86400 "
        f"OR impl_epoch >= {_NOW} - :within_days * 86400 OR updated_epoch >= {_NOW} - :within_days * 86400) "
        "AND (:kind = '' OR kind = :kind) ORDER BY COALESCE(impl_epoch, updated_epoch, raised_epoch) DESC",
        obj(
            {
                "within_days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 2},
                "kind": {
                    "type": "string",
                    "enum": _CHANGE_KINDS,
                    "default": "",
                },
            }
        ),
    ),
    "incidents": (
        "Incidents (INC-nnnn) started in the last N days (max 30), newest first: title, severity (SEV1-SEV4), status "
        "(investigating, mitigating, monitoring, resolved), started, declared, resolved, incident commander, "
        "services, summary",
        ["incident", "outage", "status", "history", "sev"],
        "SELECT incident, title, severity, status, started, declared, resolved, commander, services, summary "
        f"FROM incidents WHERE start_epoch >= {_NOW} - :days * 86400 "
        "AND (:status = '' OR status = lower(:status) OR (lower(:status) = 'open' AND status != 'resolved')) "
        "ORDER BY start_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
                "status": {
                    "type": "string",
                    "enum": ["", "open", "investigating", "mitigating", "monitoring", "resolved"],
                    "default": "",
                },
            }
        ),
    ),
    "incident_timeline": (
        "The timeline of ONE incident, oldest first: time, who, role, kind (detected, declared, update, finding, "
        "action, resolved), entry",
        ["incident", "timeline", "history", "postmortem", "investigation", "log"],
        "SELECT incident, at_utc, author, role, kind, entry FROM incident_events "
        f"WHERE {_norm('incident')} = {_norm('trim(:incident)')} ORDER BY at_epoch",
        obj({"incident": {"type": "string", "description": "e.g. INC-7781"}}, ["incident"]),
    ),
    "contact_reasons": (
        "Customer contacts (chat, phone, in-app messages, email) per reason over the last N hours (kept 14 days, max "
        "336), most first: contacts, by channel, first and last; reasons: card_declined, card_not_received, "
        "dispute_transaction, app_login, wallet_setup, pin_reset, lost_stolen, fees_charges",
        ["customer", "contacts", "support", "complaints", "reason", "count", "ranking"],
        "SELECT reason, COUNT(*) AS contacts, SUM(channel = 'chat') AS chat, SUM(channel = 'phone') AS phone, "
        "SUM(channel = 'in_app') AS in_app, SUM(channel = 'email') AS email, MIN(at_utc) AS first_contact, "
        f"MAX(at_utc) AS last_contact FROM contacts WHERE at_epoch >= {_NOW} - :window_hours * 3600 "
        "AND (:channel = '' OR channel = lower(:channel)) GROUP BY reason ORDER BY COUNT(*) DESC",
        obj(
            {
                "window_hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 24},
                "channel": {"type": "string", "enum": ["", "chat", "phone", "in_app", "email"], "default": ""},
            }
        ),
    ),
    "runbook_search": (
        "Search the payments operations runbooks (RBK-...: stand-in, scheme links, fraud rules, HSMs, settlement, "
        "reconciliation, 3DS, tokens, card production, the escalation matrix) for a word or phrase",
        ["document", "runbook", "procedure", "how to", "playbook"],
        "SELECT doc, title, owner, body FROM runbooks WHERE instr(lower(doc || ' ' || title || ' ' || body), "
        "lower(trim(:q))) > 0 ORDER BY doc",
        obj({"q": {"type": "string", "description": "word or phrase, e.g. stand-in"}}, ["q"]),
    ),
    "scheme_cases": (
        "Cases with the schemes and vendors: Corvex (CVX-SR-nnnnnn), Meridian (MCN-CS-nnnnnnn), Telvane Networks "
        "circuits (TLV-nnnnnn), Corrin HSMs (CRN-nnnnn), the Nordmark and Carvell card bureaux (NKD-nnnnn, "
        "CSC-nnnn), Textory SMS (TXT-nnnn), Kiro Pay (KRO-TSP-nnnn). Look one up by reference, or list by "
        "counterparty or a word of the subject: status, priority, their engineer and phone, opened, updated, latest",
        ["lookup", "scheme", "vendor", "case", "ticket", "support", "contact"],
        "SELECT ref, counterparty, subject, related, status, priority, their_contact, phone, raised_by, opened, "
        f"updated, latest FROM cases WHERE {_id('ref', 'ref')} "
        "AND (:counterparty = '' OR instr(lower(counterparty), lower(trim(:counterparty))) > 0) "
        "AND (:subject = '' OR instr(lower(subject || ' ' || related), lower(trim(:subject))) > 0) "
        "ORDER BY opened_epoch DESC",
        obj(
            {
                "ref": {"type": "string", "default": "", "description": "e.g. CVX-SR-884127"},
                "counterparty": {"type": "string", "default": "", "description": "e.g. Corvex, Telvane"},
                "subject": {"type": "string", "default": ""},
            }
        ),
    ),
    "oncall_rota": (
        "On-call rota, weeks from Monday 09:00 UTC: payments_platform (primary, secondary), network, fraud_ops, "
        "settlement_ops, card_ops, incident_manager; mobiles; on_now = yes for the week running now",
        ["oncall", "on-call", "rota", "contact", "who", "escalation"],
        "SELECT rota, level, person, mobile, starts, ends, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM oncall "
        f"WHERE ends_epoch > {_NOW} AND starts_epoch < {_NOW} + 14 * 86400 AND (:rota = '' OR rota = :rota) "
        "ORDER BY rota, starts_epoch, level",
        obj({"rota": {"type": "string", "enum": _ROTAS, "default": ""}}),
    ),
    "shift_leads": (
        "Payments operations shift leads (12-hour shifts: day 07:00-19:00, night 19:00-07:00 UTC): the two previous "
        "shifts, the current one and the next; on_now = yes for the lead on shift now",
        ["contact", "shift", "shift lead", "who", "operations"],
        "SELECT shift, starts, ends, lead, mobile, "
        f"CASE WHEN starts_epoch <= {_NOW} AND ends_epoch > {_NOW} THEN 'yes' ELSE '' END AS on_now FROM shifts "
        "ORDER BY starts_epoch",
        obj({}),
    ),
}
