"""The ninth estate's APIs (:mod:`tests.ops_eval.ninth_estate`): SQL over an identity platform team's operations
store, as its IAM and directory engineers would publish them. Parameter names and window forms differ from API
to API on purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_REALMS = ["corp", "customers", "partners"]

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "idp_nodes": (
        "Identity provider nodes (idp-server, the OIDC/SAML login servers): site, serving state, idp-server "
        "version, the realms they serve, since when they are in that state, operator note",
        ["config", "inventory", "identity"],
        "SELECT node, site, state, idp_server_version, realms, state_since, note FROM idp_nodes "
        "WHERE (:site = '' OR site = :site) AND (:state = '' OR state = :state) ORDER BY node",
        obj(
            {
                "site": {"type": "string", "enum": ["", "FRA", "DUB"], "default": ""},
                "state": {"type": "string", "enum": ["", "serving", "standby", "cordoned"], "default": ""},
            }
        ),
    ),
    "client_registry": (
        "Registered applications per realm (OIDC clients and SAML service providers): protocol, owning team, "
        "access-token lifetime in seconds, how long the application caches the realm's JWKS (public signing "
        "keys) in seconds, note",
        ["config", "inventory", "identity"],
        "SELECT client_id, realm, protocol, owner_team, access_token_ttl_s, jwks_cache_ttl_s, note FROM clients "
        "WHERE (:realm = '' OR realm = :realm) AND instr(lower(client_id || ' ' || owner_team), lower(:name_like)) > 0 "
        "ORDER BY realm, client_id",
        obj(
            {
                "realm": {"type": "string", "enum": ["", *_REALMS], "default": ""},
                "name_like": {"type": "string", "default": "", "description": "part of the client id or team"},
            }
        ),
    ),
    "signing_keys": (
        "Token signing keys of each realm's JWKS: key id (kid), algorithm, status (active: signs new tokens; "
        "published: in the JWKS for verification only; retired: removed from the JWKS), created, activated, "
        "retired",
        ["config", "security", "identity"],
        "SELECT kid, realm, alg, status, created_at, activated_at, retired_at, note FROM signing_keys "
        "WHERE (:realm = '' OR realm = :realm) ORDER BY realm, created_at DESC",
        obj({"realm": {"type": "string", "enum": ["", *_REALMS], "default": ""}}),
    ),
    "login_stats": (
        "Interactive logins of a realm in 5-minute buckets from a start time: attempts, succeeded, success rate in "
        "percent, p50 and p95 login latency in milliseconds",
        ["metric", "identity", "logins"],
        "SELECT realm, bucket_start, attempts, succeeded, ROUND(100.0 * succeeded / attempts, 1) AS success_pct, "
        "p50_ms, p95_ms FROM login_buckets WHERE realm = :realm AND julianday(bucket_start) >= julianday(:start_at) "
        "AND (:end_at = '' OR julianday(bucket_start) < julianday(:end_at)) ORDER BY bucket_epoch",
        obj(
            {
                "realm": {"type": "string", "enum": _REALMS},
                "start_at": {"type": "string", "format": "date-time", "description": "first bucket, RFC 3339 (UTC)"},
                "end_at": {"type": "string", "default": "", "description": "end of the window, RFC 3339; empty: now"},
            },
            ["realm", "start_at"],
        ),
    ),
    "login_failure_reasons": (
        "Failed logins of a realm in the last N minutes by reason code (INVALID_CREDENTIALS, MFA_TIMEOUT, "
        "ACCOUNT_LOCKED, LDAP_TIMEOUT, CAPTCHA_FAILED): count and when first seen in the window",
        ["metric", "identity", "logins", "logs"],
        "SELECT reason, SUM(count) AS failures, datetime(MIN(bucket_epoch), 'unixepoch') AS first_seen "
        f"FROM login_failures WHERE realm = :realm AND bucket_epoch + 300 > {_NOW} - :minutes * 60 AND count > 0 "
        "GROUP BY reason ORDER BY failures DESC",
        obj(
            {
                "realm": {"type": "string", "enum": _REALMS},
                "minutes": {"type": "integer", "minimum": 5, "maximum": 1440, "default": 60},
            },
            ["realm"],
        ),
    ),
    "token_validation": (
        "Access-token validation at the API gateways per client application in 5-minute buckets since a unix "
        "time: tokens checked, accepted, rejected by reason (kid_not_found: signed with a key the verifier does "
        "not know; expired; bad_audience) and the reject rate in percent",
        ["metric", "identity", "gateway", "tokens"],
        "SELECT client_id, bucket_start, checked, accepted, kid_not_found, expired, bad_audience, "
        "ROUND(100.0 * (checked - accepted) / checked, 2) AS reject_pct FROM token_checks "
        "WHERE (:client = '' OR client_id = :client) AND bucket_epoch >= :since_epoch ORDER BY client_id, bucket_epoch",
        obj(
            {
                "client": {"type": "string", "default": "", "description": "client id, e.g. org.example.app"},
                "since_epoch": {"type": "integer", "minimum": 0, "description": "window start, unix seconds"},
            },
            ["since_epoch"],
        ),
    ),
    "mfa_delivery": (
        "Delivery of MFA one-time codes and push prompts per channel and provider in the hourly buckets of the last "
        "N hours: sent, delivered, delivery rate in percent, median seconds to deliver",
        ["metric", "identity", "mfa"],
        "SELECT channel, provider, route, SUM(sent) AS sent, SUM(delivered) AS delivered, "
        "ROUND(100.0 * SUM(delivered) / SUM(sent), 1) AS delivery_pct, ROUND(AVG(p50_s), 1) AS median_s "
        f"FROM mfa_hours WHERE (:channel = '' OR channel = :channel) AND hour_epoch + 3600 > {_NOW} - :hours * 3600 "
        "GROUP BY channel, provider, route ORDER BY channel, sent DESC",
        obj(
            {
                "channel": {"type": "string", "enum": ["", "sms", "push", "email"], "default": ""},
                "hours": {"type": "integer", "minimum": 1, "maximum": 48, "default": 24},
            }
        ),
    ),
    "saml_certificates": (
        "SAML certificates of the service providers and of the IdP realms (signing, encryption): SHA-256 "
        "fingerprint, expiry, days left; those expiring within N days",
        ["config", "security", "certificates", "identity"],
        "SELECT entity, usage, fingerprint, not_after, CAST(julianday(not_after) - julianday('now') AS INTEGER) "
        "AS days_left FROM saml_certs WHERE julianday(not_after) - julianday('now') <= :within_days "
        "ORDER BY not_after",
        obj({"within_days": {"type": "integer", "minimum": 1, "maximum": 3650, "default": 365}}),
    ),
    "iam_changes": (
        "Changes to the identity platform applied since a time: signing key rotations, login policy, client "
        "configuration, MFA routing, directory connectors and node state; target, before, after, author, reference",
        ["history", "change", "config", "identity"],
        "SELECT change_id, kind, target, summary, before, after, author, applied_at, reference FROM changes "
        "WHERE julianday(applied_at) >= julianday(:since) AND (:kind = '' OR kind = :kind) ORDER BY applied_epoch DESC",
        obj(
            {
                "since": {"type": "string", "format": "date-time", "description": "RFC 3339 (UTC)"},
                "kind": {
                    "type": "string",
                    "enum": ["", "key_rotation", "policy", "client_config", "mfa_routing", "directory", "node"],
                    "default": "",
                },
            },
            ["since"],
        ),
    ),
    "idp_upgrades": (
        "Software upgrades of the identity platform in the last N days (idp-server on the IdP nodes, the "
        "jwt-authz plugin on the API gateways): from and to version, targets, started, finished, status",
        ["history", "deploy", "change"],
        "SELECT upgrade_id, component, from_version, to_version, targets, started_at, finished_at, status "
        f"FROM upgrades WHERE started_epoch >= {_NOW} - :days * 86400 ORDER BY started_epoch DESC",
        obj({"days": {"type": "integer", "minimum": 1, "maximum": 90, "default": 14}}),
    ),
    "directory_sync_runs": (
        "Runs of the user directory connectors since a date (ad.corp: hourly Active Directory sync into the corp "
        "realm; scim.partners: SCIM provisioning from partner companies): status, users created, updated, "
        "disabled, error",
        ["history", "identity", "directory"],
        "SELECT run_id, connector, started_at, finished_at, status, users_created, users_updated, users_disabled, "
        "error FROM sync_runs WHERE (:connector = '' OR connector = :connector) "
        "AND date(started_at) >= date(:since_date) ORDER BY started_epoch DESC",
        obj(
            {
                "connector": {"type": "string", "enum": ["", "ad.corp", "scim.partners"], "default": ""},
                "since_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD (UTC)"},
            },
            ["since_date"],
        ),
    ),
    "iam_incidents": (
        "Incidents of the identity platform (IR-yyyy-nnn): priority P1-P4, state, title, commander, opened and "
        "closed; search by id or title words",
        ["history", "incident"],
        "SELECT incident_id, priority, state, title, commander, opened_at, closed_at FROM incidents "
        "WHERE instr(lower(incident_id || ' ' || title), lower(:text)) > 0 AND (:open_only = 0 OR state != 'closed') "
        "ORDER BY opened_at DESC",
        obj(
            {
                "text": {"type": "string", "default": "", "description": "incident id or words of its title"},
                "open_only": {"type": "boolean", "default": False},
            }
        ),
    ),
    "oncall_rotation": (
        "Who is on call now for an IAM rotation: primary and secondary engineer and until when",
        ["config", "people"],
        "SELECT rotation, primary_engineer, secondary_engineer, until FROM oncall WHERE rotation = :rotation",
        obj({"rotation": {"type": "string", "enum": ["iam-core", "directory", "edge-auth"]}}, ["rotation"]),
    ),
    "runbooks": (
        "Search the IAM runbooks for words",
        ["document"],
        "SELECT runbook_id, title, body FROM runbooks WHERE instr(lower(runbook_id || ' ' || title || ' ' || body), "
        "lower(:terms)) > 0",
        obj({"terms": {"type": "string", "description": "a word or phrase to look for"}}, ["terms"]),
    ),
}
