"""A ninth estate, held out from the planner's tuning: an identity platform (SSO: OIDC and SAML, MFA, directory).

Written without reading the planner. Names and APIs are unlike the other estates': IdP nodes are uppercase with
underscores ``IDP_FRA_1`` / ``IDP_DUB_3`` (sites ``FRA`` and ``DUB``), realms ``corp | customers | partners``,
OIDC clients are reverse-DNS ``com.halden.mobile-api``, SAML service providers ``sp.workday``, signing keys are
dotted ``cust.rs256.2511`` (realm, algorithm, serial), changes ``IAMCHG-2291``, upgrades ``UPG-0093``
of ``idp-server 24.1.0`` and ``jwt-authz 3.3.0``, incidents ``IR-2025-031`` (``P1``..``P4``), directory sync
runs ``dsr_58240``, connectors ``ad.corp`` / ``scim.partners``, runbooks ``rb.iam.signing-key-rotation``, login
failure reasons ``INVALID_CREDENTIALS``, token rejection reasons ``kid_not_found``. Node state is
``serving | standby | cordoned``; key status ``active | published | retired``; incident state ``open |
mitigated | closed``. Windows come as ``start_at`` / ``end_at`` and ``since`` (RFC 3339), ``since_epoch``
(unix seconds), ``since_date`` (a date), ``minutes``, ``hours``, ``days`` and ``within_days``; searches take
``name_like``, ``text`` and ``terms``. :mod:`tests.ops_eval.ninth_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned):

- T-9d ``IAMCHG-2279``: the mobile team has com.halden.mobile-api's backend cache the customers realm's JWKS
  for 86400 s instead of 300 s (every other client caches it for an hour at most);
- T-6d ``UPG-0091`` upgrades idp-server 24.0.4 -> 24.0.5 on all five nodes; T-4d IDP_DUB_3 is cordoned
  (session cache memory leak, ``IR-2025-027``, closed; ``IAMCHG-2284``); IDP_DUB_2 is the DR standby;
  T-3d ``UPG-0092`` jwt-authz 3.2.1 -> 3.3.0 on the gateways; T-2d ``IR-2025-030`` (P4, open): sp.workday's
  SAML signing certificate expires in 9 days;
- T-430m .. T-395m (buckets): corp logins fail with ``LDAP_TIMEOUT`` (success 61-70% instead of 95-98%, p95
  over 5 s) while dc02.corp.halden.internal is patched (``IR-2025-029``, closed); the ad.corp sync run at
  T-410m fails: a recovered blip, a red herring;
- T-5h ``UPG-0093``: idp-server 24.1.0 canary on IDP_FRA_2 (paused at 1 of 5); T-4h ``IAMCHG-2288`` routes
  SMS codes to +49 numbers via messagebird instead of twilio; T-140m ``IAMCHG-2290`` raises corp's minimum
  password length 12 -> 14 (all unrelated);
- T-97m ``IAMCHG-2291`` (ravi) rotates the customers realm's signing key: cust.rs256.2511 becomes active and
  cust.rs256.2505 is removed from the JWKS at once (the runbook asks to pre-publish the new key 24 h ahead and
  keep the old one 24 h after);
- from the bucket starting T-95m (the onset): gateways reject com.halden.mobile-api's tokens with
  ``kid_not_found`` (its backend still holds the old JWKS and does not know the new kid): 0.2-0.7% -> 36-40%
  in the first bucket, then over 90% once every token was refreshed; shop-web and checkout reject the old
  tokens still in flight for 15 minutes only; customers login attempts go from 2,300-2,700 to about
  5,700-6,800 per 5 minutes (mobile users logged out again and again), p95 login latency 180-260 ms ->
  480-700 ms, success rate unchanged;
- T-80m ``IR-2025-031`` (P2, open, ilse) "mobile app users logged out / 401 from the API"; T-30m
  ``IAMCHG-2295`` (ilse) re-publishes cust.rs256.2505 (a response: it does not help mobile-api, whose cache
  lacks the new key).

No API reports sessions, CPU or heap of the nodes, costs, geography of logins, WAF or bot traffic, password
resets; there is no IDP_FRA_3, no com.halden.shop-app, no IR-2025-099 and no realm ``vendors``.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.ninth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "NODES", "build", "register"]

DATA_SOURCE = "iamops"

ROTATED = 97  # minutes ago: IAMCHG-2291 rotates the customers signing key
ONSET = 95  # minutes ago: the first 5-minute bucket with kid_not_found rejections
REPUBLISHED = 30  # minutes ago: IAMCHG-2295 puts the old key back into the JWKS
LDAP_BLIP = (395, 430)  # minutes ago: dc02 patched (bucket starts)
DAY = 1440

NODES = [
    # node, site, state, idp-server version, realms, state since (minutes ago), note
    ("IDP_FRA_1", "FRA", "serving", "24.0.5", "corp,customers,partners", 6 * DAY, ""),
    ("IDP_FRA_2", "FRA", "serving", "24.1.0", "corp,customers,partners", 300, "canary for 24.1.0 (UPG-0093)"),
    ("IDP_DUB_1", "DUB", "serving", "24.0.5", "corp,customers,partners", 6 * DAY, ""),
    ("IDP_DUB_2", "DUB", "standby", "24.0.5", "corp,customers,partners", 40 * DAY, "DR warm standby"),
    ("IDP_DUB_3", "DUB", "cordoned", "24.0.5", "customers", 4 * DAY,
     "session cache memory leak (IR-2025-027); heap dump with the vendor"),
]  # fmt: skip
CLIENTS = [
    # client id, realm, protocol, owner team, access token ttl s, jwks cache ttl s, 5-min gateway volume, note
    ("com.halden.shop-web", "customers", "oidc", "web-shop", 900, 300, 9000, ""),
    ("com.halden.checkout", "customers", "oidc", "payments", 900, 600, 4000, ""),
    ("com.halden.mobile-api", "customers", "oidc", "mobile", 3600, 86400, 14000,
     "backend caches the JWKS for 24 h (IAMCHG-2279, MOB-1182)"),
    ("com.halden.partner-portal", "partners", "oidc", "partner-success", 1800, 300, 800, ""),
    ("com.halden.payroll", "corp", "oidc", "people-systems", 1800, 3600, 600, ""),
    ("com.halden.intranet", "corp", "oidc", "workplace", 3600, 300, 1500, ""),
    ("sp.workday", "corp", "saml", "people-systems", None, None, 0, ""),
    ("sp.salesforce", "partners", "saml", "sales-ops", None, None, 0, ""),
    ("sp.servicenow", "corp", "saml", "it-service", None, None, 0, ""),
]  # fmt: skip
KEYS = [
    # kid, realm, alg, status, created, activated, retired (minutes ago), note
    ("cust.rs256.2511", "customers", "RS256", "active", ROTATED + 30, ROTATED, None, "IAMCHG-2291"),
    ("cust.rs256.2505", "customers", "RS256", "published", 184 * DAY, 183 * DAY, None,
     "signing stopped by IAMCHG-2291; removed from the JWKS then, re-published by IAMCHG-2295"),
    ("cust.rs256.2411", "customers", "RS256", "retired", 365 * DAY, 364 * DAY, 182 * DAY, ""),
    ("corp.ps256.2504", "corp", "PS256", "active", 210 * DAY, 209 * DAY, None, ""),
    ("part.es256.2508", "partners", "ES256", "active", 81 * DAY, 80 * DAY, None, ""),
    ("part.es256.2502", "partners", "ES256", "retired", 262 * DAY, 261 * DAY, 79 * DAY, ""),
]  # fmt: skip
REALMS = {
    # realm -> (attempts per 5 min low, spread, success % low, spread, p50 ms low, p95 ms low, p95 spread)
    "customers": (2300, 400, 96.5, 1.5, 90, 180, 80),
    "corp": (520, 160, 95.5, 2.0, 120, 300, 150),
    "partners": (310, 80, 94.0, 3.5, 200, 700, 250),
}
REASONS = {
    "customers": [("INVALID_CREDENTIALS", 0.62), ("CAPTCHA_FAILED", 0.18), ("MFA_TIMEOUT", 0.12),
                  ("ACCOUNT_LOCKED", 0.08)],
    "corp": [("INVALID_CREDENTIALS", 0.55), ("MFA_TIMEOUT", 0.30), ("ACCOUNT_LOCKED", 0.15)],
    "partners": [("INVALID_CREDENTIALS", 0.70), ("MFA_TIMEOUT", 0.30)],
}  # fmt: skip
MFA = [
    # channel, provider, route, sent per hour, delivered % low, spread, p50 s low, spread, only since (min ago)
    ("sms", "twilio", "default", 1080, 98.6, 0.6, 4.0, 3.0, None),
    ("sms", "messagebird", "+49", 720, 96.2, 0.7, 5.0, 3.0, 240),
    ("push", "halden-authenticator", "apns+fcm", 5200, 99.3, 0.4, 1.0, 1.0, None),
    ("email", "ses", "default", 900, 99.6, 0.3, 6.0, 6.0, None),
]
CERTS = [
    # entity, usage, fingerprint prefix, expires in (minutes from now)
    ("sp.workday", "signing", "3F:A2:9C:41:7E", 9 * DAY + 300),
    ("sp.servicenow", "signing", "B0:11:5D:C8:02", 41 * DAY + 200),
    ("idp.partners", "signing", "7C:E4:20:9A:D1", 120 * DAY),
    ("sp.salesforce", "encryption", "D9:03:6B:F2:88", 212 * DAY),
    ("idp.corp", "signing", "5A:7F:C3:10:4B", 300 * DAY),
]
CHANGES = [
    # id, kind, target, summary, before, after, author, minutes ago, reference
    ("IAMCHG-2279", "client_config", "com.halden.mobile-api", "JWKS cache TTL registered by the mobile team "
     "(fewer JWKS fetches at app start)", "300", "86400", "keanu", 9 * DAY + 120, "MOB-1182"),
    ("IAMCHG-2284", "node", "IDP_DUB_3", "cordoned: session cache memory leak", "serving", "cordoned", "tomasz",
     4 * DAY, "IR-2025-027"),
    ("IAMCHG-2288", "mfa_routing", "sms +49", "SMS codes to German numbers via messagebird (carrier filtering at "
     "twilio DE)", "twilio", "messagebird", "fatima", 240, ""),
    ("IAMCHG-2290", "policy", "corp", "minimum password length", "12", "14", "wen", 140, "SEC-POL-7"),
    ("IAMCHG-2291", "key_rotation", "customers", "signing key rotation: new key active, previous key removed "
     "from the JWKS", "cust.rs256.2505", "cust.rs256.2511", "ravi", ROTATED, "rb.iam.signing-key-rotation"),
    ("IAMCHG-2295", "key_rotation", "customers", "re-publish the previous signing key in the JWKS (overlap)",
     "retired", "published", "ilse", REPUBLISHED, "IR-2025-031"),
]  # fmt: skip
UPGRADES = [
    # id, component, from, to, targets, started (minutes ago), minutes it took (None: not finished), status
    ("UPG-0089", "idp-server", "24.0.3", "24.0.4", "IDP_FRA_1,IDP_FRA_2,IDP_DUB_1,IDP_DUB_2,IDP_DUB_3", 20 * DAY,
     85, "completed"),
    ("UPG-0091", "idp-server", "24.0.4", "24.0.5", "IDP_FRA_1,IDP_FRA_2,IDP_DUB_1,IDP_DUB_2,IDP_DUB_3", 6 * DAY,
     90, "completed"),
    ("UPG-0092", "jwt-authz", "3.2.1", "3.3.0", "gw.fra.1,gw.fra.2,gw.dub.1,gw.dub.2", 3 * DAY, 40, "completed"),
    ("UPG-0093", "idp-server", "24.0.5", "24.1.0", "IDP_FRA_2", 300, None, "paused (canary 1/5)"),
]  # fmt: skip
INCIDENTS = [
    # id, priority, state, title, commander, opened (minutes ago), closed (minutes ago)
    ("IR-2025-031", "P2", "open", "mobile app users logged out repeatedly, 401 from the API", "ilse", 80, None),
    ("IR-2025-030", "P4", "open", "sp.workday SAML signing certificate expires soon, new metadata pending", "ravi",
     2 * DAY, None),
    ("IR-2025-029", "P3", "closed", "corp logins failing with LDAP timeouts during dc02 patching", "wen", 420, 380),
    ("IR-2025-027", "P3", "closed", "IDP_DUB_3 session cache memory leak", "tomasz", 4 * DAY + 60, 3 * DAY),
    ("IR-2025-026", "P2", "closed", "push MFA prompts delayed (FCM outage)", "fatima", 12 * DAY, 12 * DAY - 70),
]  # fmt: skip
ONCALL = [("iam-core", "ilse", "tomasz", 9), ("directory", "wen", "ravi", 33), ("edge-auth", "fatima", "keanu", 57)]
RUNBOOKS = [
    ("rb.iam.signing-key-rotation", "Rotating a realm's token signing key",
     "Publish the new key in the realm's JWKS at least 24 hours before it starts signing, so that every "
     "verifier's cached JWKS knows it; check client_registry for a jwks cache TTL above 3600 s and warn those "
     "teams first. After the switch keep the previous key published for 24 hours plus the longest access-token "
     "lifetime, then retire it. A skipped step shows as kid_not_found rejections at the gateways."),
    ("rb.iam.ldap-timeouts", "LDAP_TIMEOUT on corp logins",
     "corp logins bind to Active Directory (dc01 and dc02.corp.halden.internal). Check which domain controller "
     "is being patched and pin the ad.corp connector and the login flow to the healthy one; do not raise the "
     "LDAP timeout above 10 s."),
    ("rb.iam.node-cordon", "Cordoning an IdP node",
     "Set the node to cordoned so the load balancer stops sending new logins; sessions move with the shared "
     "cache. Take a heap dump before restarting. Keep one standby node per site."),
    ("rb.iam.saml-cert-renewal", "Renewing a SAML certificate",
     "Start 30 days before expiry: generate the new certificate, send the metadata to the service provider's "
     "owner, switch after they confirm the upload."),
    ("rb.iam.sms-provider-failover", "Switching the SMS provider for a country",
     "Route the country prefix to the other provider in mfa routing, watch delivery rate for an hour; below "
     "95% switch back."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE idp_nodes (node TEXT PRIMARY KEY, site TEXT, state TEXT, idp_server_version TEXT, realms TEXT,
                        state_since TEXT, note TEXT);
CREATE TABLE clients (client_id TEXT PRIMARY KEY, realm TEXT, protocol TEXT, owner_team TEXT,
                      access_token_ttl_s INTEGER, jwks_cache_ttl_s INTEGER, note TEXT);
CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, realm TEXT, alg TEXT, status TEXT, created_at TEXT,
                           activated_at TEXT, retired_at TEXT, note TEXT);
CREATE TABLE login_buckets (realm TEXT, bucket_start TEXT, bucket_epoch INTEGER, attempts INTEGER,
                            succeeded INTEGER, p50_ms INTEGER, p95_ms INTEGER);
CREATE TABLE login_failures (realm TEXT, bucket_epoch INTEGER, reason TEXT, count INTEGER);
CREATE TABLE token_checks (client_id TEXT, realm TEXT, bucket_start TEXT, bucket_epoch INTEGER, checked INTEGER,
                           accepted INTEGER, kid_not_found INTEGER, expired INTEGER, bad_audience INTEGER);
CREATE TABLE mfa_hours (channel TEXT, provider TEXT, route TEXT, hour_start TEXT, hour_epoch INTEGER, sent INTEGER,
                        delivered INTEGER, p50_s REAL);
CREATE TABLE saml_certs (entity TEXT, usage TEXT, fingerprint TEXT, not_after TEXT);
CREATE TABLE changes (change_id TEXT PRIMARY KEY, kind TEXT, target TEXT, summary TEXT, before TEXT, after TEXT,
                      author TEXT, applied_at TEXT, applied_epoch INTEGER, reference TEXT);
CREATE TABLE upgrades (upgrade_id TEXT PRIMARY KEY, component TEXT, from_version TEXT, to_version TEXT,
                       targets TEXT, started_at TEXT, started_epoch INTEGER, finished_at TEXT, status TEXT);
CREATE TABLE sync_runs (run_id TEXT PRIMARY KEY, connector TEXT, started_at TEXT, started_epoch INTEGER,
                        finished_at TEXT, status TEXT, users_created INTEGER, users_updated INTEGER,
                        users_disabled INTEGER, error TEXT);
CREATE TABLE incidents (incident_id TEXT PRIMARY KEY, priority TEXT, state TEXT, title TEXT, commander TEXT,
                        opened_at TEXT, closed_at TEXT);
CREATE TABLE oncall (rotation TEXT PRIMARY KEY, primary_engineer TEXT, secondary_engineer TEXT, until TEXT);
CREATE TABLE runbooks (runbook_id TEXT PRIMARY KEY, title TEXT, body TEXT);
"""

_BUCKETS = range(5, DAY + 5, 5)  # 5-minute buckets over 24 hours, by minutes ago of their start


def _mobile_share(ago: int) -> float:
    """The share of com.halden.mobile-api's tokens signed with the key its cached JWKS lacks (bucket ``ago``)."""
    if ago > ONSET:
        return 0.0
    e = ONSET - ago  # minutes since the onset
    return 0.36 + 0.57 * min(e, 60) / 60 + 0.02 * noise("mob", ago)


def _token_checks(now: datetime) -> list[tuple[Any, ...]]:
    """Gateway token validation per OIDC client in 5-minute buckets over 24 hours."""
    in_flight = {0: 0.40, 5: 0.20, 10: 0.05}  # share of old-key tokens still used by short-lived clients
    rows: list[tuple[Any, ...]] = []
    for client, realm, protocol, _, _, _, volume, _ in CLIENTS:
        if protocol != "oidc":
            continue
        for ago in _BUCKETS:
            start = now - timedelta(minutes=ago)
            checked = int(volume * (0.85 + 0.3 * noise(f"tv{client}", ago)))
            expired = round(checked * (0.2 + 0.4 * noise(f"te{client}", ago)) / 100)
            bad_aud = round(checked * 0.05 * noise(f"ta{client}", ago) / 100)
            kid = 0
            if client == "com.halden.mobile-api":
                kid = round(checked * _mobile_share(ago))
            elif client in ("com.halden.shop-web", "com.halden.checkout") and ONSET - ago in in_flight:
                kid = round(checked * (in_flight[ONSET - ago] + 0.04 * noise(f"tk{client}", ago)))
            bad = min(checked, kid + expired + bad_aud)
            rows.append((client, realm, iso(start), int(start.timestamp()), checked, checked - bad, kid, expired,
                         bad_aud))  # fmt: skip
    return rows


def _logins(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Logins per realm in 5-minute buckets over 24 hours, and their failures by reason."""
    rows: list[tuple[Any, ...]] = []
    failures: list[tuple[Any, ...]] = []
    for realm, (att, att_spread, ok, ok_spread, p50, p95, p95_spread) in REALMS.items():
        for ago in _BUCKETS:
            start = now - timedelta(minutes=ago)
            epoch = int(start.timestamp())
            attempts = att + att_spread * noise(f"la{realm}", ago)
            success = ok + ok_spread * noise(f"ls{realm}", ago)
            p50_ms = p50 + 50 * noise(f"l50{realm}", ago)
            p95_ms = p95 + p95_spread * noise(f"l95{realm}", ago)
            ldap = realm == "corp" and LDAP_BLIP[0] <= ago <= LDAP_BLIP[1]
            if realm == "customers" and ago <= ONSET:  # mobile users logged out and logging in again
                attempts *= 1 + 1.6 * _mobile_share(ago)
                p50_ms += 60
                p95_ms = 480 + 220 * noise("l95hot", ago)
            if ldap:
                success = 61 + 9 * noise("ldap", ago)
                p95_ms = 5200 + 2600 * noise("l95ldap", ago)
            n = int(attempts)
            succeeded = round(n * success / 100)
            rows.append((realm, iso(start), epoch, n, succeeded, int(p50_ms), int(p95_ms)))
            failed = n - succeeded
            normal = round(n * (100 - ok - ok_spread * noise(f"ls{realm}", ago)) / 100) if ldap else failed
            split = [(reason, int(normal * w)) for reason, w in REASONS[realm]]
            split[0] = (split[0][0], split[0][1] + normal - sum(c for _, c in split))
            if ldap:
                split.append(("LDAP_TIMEOUT", failed - normal))
            failures.extend((realm, epoch, reason, c) for reason, c in split)
    return rows, failures


def _mfa(now: datetime) -> list[tuple[Any, ...]]:
    """MFA delivery per channel and provider in hourly buckets over 24 hours."""
    rows: list[tuple[Any, ...]] = []
    for channel, provider, route, sent, pct, spread, p50, p50_spread, since in MFA:
        for ago in range(60, DAY + 60, 60):
            if since is not None and ago > since:
                continue
            n = sent
            if provider == "twilio" and ago > 240:  # before IAMCHG-2288 twilio also sent to +49 numbers
                n += 720
            n = int(n * (0.8 + 0.4 * noise(f"ms{provider}", ago)))
            delivered = round(n * (pct + spread * noise(f"md{provider}", ago)) / 100)
            start = now - timedelta(minutes=ago)
            rows.append((channel, provider, route, iso(start), int(start.timestamp()), n, delivered,
                         round(p50 + p50_spread * noise(f"mp{provider}", ago), 1)))  # fmt: skip
    return rows


def _sync_runs(now: datetime) -> list[tuple[Any, ...]]:
    """Directory connector runs over two days: ad.corp hourly, scim.partners every four hours."""
    runs: list[tuple[str, int, int]] = [("ad.corp", ago, 3) for ago in range(50, 2 * DAY, 60)]
    runs += [("scim.partners", ago, 6) for ago in range(50, 2 * DAY, 240)]
    runs.sort(key=lambda r: (-r[1], r[0]))
    rows: list[tuple[Any, ...]] = []
    for i, (connector, ago, took) in enumerate(runs):
        start = now - timedelta(minutes=ago)
        created, updated = int(4 * noise(f"sc{connector}", ago)), 5 + int(35 * noise(f"su{connector}", ago))
        disabled = int(3 * noise(f"sd{connector}", ago))
        status, error = "ok", ""
        if connector == "ad.corp" and LDAP_BLIP[0] <= ago <= LDAP_BLIP[1]:
            status, error, took = "failed", "LDAP bind to dc02.corp.halden.internal:636 timed out after 30 s", 1
            created = updated = disabled = 0
        elif connector == "scim.partners" and ago == 50:
            status, error = "partial", "3 users rejected: userName already exists"
        rows.append((f"dsr_{58100 + i}", connector, iso(start), int(start.timestamp()),
                     iso(start + timedelta(minutes=took)), status, created, updated, disabled, error))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    db.executemany("INSERT INTO idp_nodes VALUES (?,?,?,?,?,?,?)",
                   [(n, s, st, v, r, ago(m), note) for n, s, st, v, r, m, note in NODES])  # fmt: skip
    db.executemany("INSERT INTO clients VALUES (?,?,?,?,?,?,?)", [(*c[:6], c[7]) for c in CLIENTS])
    db.executemany(
        "INSERT INTO signing_keys VALUES (?,?,?,?,?,?,?,?)",
        [(k, r, a, st, ago(c), ago(act), ago(ret), note) for k, r, a, st, c, act, ret, note in KEYS],
    )
    logins, failures = _logins(now)
    db.executemany("INSERT INTO login_buckets VALUES (?,?,?,?,?,?,?)", logins)
    db.executemany("INSERT INTO login_failures VALUES (?,?,?,?)", failures)
    db.executemany("INSERT INTO token_checks VALUES (?,?,?,?,?,?,?,?,?)", _token_checks(now))
    db.executemany("INSERT INTO mfa_hours VALUES (?,?,?,?,?,?,?,?)", _mfa(now))
    db.executemany("INSERT INTO saml_certs VALUES (?,?,?,?)",
                   [(e, u, f + ":...", iso(now + timedelta(minutes=m))) for e, u, f, m in CERTS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(i, k, t, s, b, a, who, ago(m), epoch(m), ref) for i, k, t, s, b, a, who, m, ref in CHANGES],
    )
    db.executemany(
        "INSERT INTO upgrades VALUES (?,?,?,?,?,?,?,?,?)",
        [(i, c, f, t, tg, ago(m), epoch(m), None if took is None else ago(m - took), st)
         for i, c, f, t, tg, m, took, st in UPGRADES],
    )  # fmt: skip
    db.executemany("INSERT INTO sync_runs VALUES (?,?,?,?,?,?,?,?,?,?)", _sync_runs(now))
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?)",
        [(i, p, st, t, c, ago(o), ago(cl)) for i, p, st, t, c, o, cl in INCIDENTS],
    )
    db.executemany(
        "INSERT INTO oncall VALUES (?,?,?,?)", [(r, p, s, iso(now + timedelta(hours=h))) for r, p, s, h in ONCALL]
    )
    db.executemany("INSERT INTO runbooks VALUES (?,?,?)", RUNBOOKS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="identity platform operations store", apis=APIS
    )
