"""A fifth estate, held out from the planner's tuning: a CDN with its PoPs, origin pools and DNS zones.

Written without reading the planner. Names and APIs are unlike the other estates': points of presence
named by airport code and a digit (``fra1``, ``nrt1``, with their cities in a column), CDN properties
``acme-img`` serving hostnames ``img.acme-shop.example``, origin pools ``og-media-eu``, config versions
``v58`` activated on a ``staging | production`` network, DNS zones ``acme-shop.example`` with serials,
purges ``PRG-40217``, NOC tickets ``NOC-512``, maintenance windows ``MW-88``, knowledge-base articles
``RB-CDN-3``. PoP state is ``active | drained | offline``; regions are ``emea | apac | amer``. Parameters
are named ``region``, ``state``, ``host``, ``property``, ``from_ts`` / ``to_ts`` (a window, RFC 3339),
``pool``, ``lookback_hours``, ``pop_code``, ``after``, ``network``, ``zone``, ``days_back``,
``name_contains``, ``limit``, ``q``, ``within_days``, ``text``, ``minutes``, ``pop``, ``query`` and ``team``.

The story (times relative to when the estate is built, minute-aligned):

- T-28h the A record of api.acme-shop.example moves from 203.0.113.10 to 203.0.113.24 (svc-terraform);
- T-5h ``MW-88`` starts: sin1 is drained for a hardware refresh; its traffic moves to nrt1, whose egress
  goes from 18-26 Gbps to 38-47 Gbps (15-minute samples);
- T-3h gru1 goes offline (no egress samples since); ``NOC-511`` "upstream fiber cut" at T-2h50m;
- T-3h ``v58`` of acme-img is activated on staging, T-2h10m the CNAME TTL of img.acme-shop.example is
  lowered 3600 -> 300 (by hana, unrelated);
- T-95m ``v58`` of acme-img is activated on production by rkowalski: "include query string in cache key
  (resize params)";
- T-90m the onset: acme-img's cache hit ratio falls from 93-97% to 41-58%; its origin pool og-media-eu
  goes from 80-120 ms p95 to 900-1,400 ms and from 0-2 to 15-40 5xx a minute;
- T-85m on: 504 "origin timeout" log lines for acme-img from fra1, ams2 and lhr4 every 5 minutes;
- T-70m ``NOC-512`` "EU product images loading slowly" (P2, investigating, priya);
- T-60m purge ``PRG-40217`` of acme-img ``/products/*`` (by priya: after the onset, not a cause);
- T-40m a TXT record ``acme-verify=8f3c1a`` is added to acme-shop.example (not a cause);
- the certificate of static.acme-shop.example expires in 6 days, its renewal fails (``NOC-507``).

No API reports TTFB or real-user timings, costs, WAF events, DNSSEC, DNS query volume or server CPU.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import SqlApi, iso, noise, obj, register_sql_estate

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["APIS", "DATA_SOURCE", "POPS", "build", "register"]

DATA_SOURCE = "edgeops"

POPS = [
    # pop_code, city, country, region, state, capacity_gbps
    ("fra1", "Frankfurt", "DE", "emea", "active", 400),
    ("ams2", "Amsterdam", "NL", "emea", "active", 300),
    ("lhr4", "London", "GB", "emea", "active", 400),
    ("iad3", "Ashburn", "US", "amer", "active", 500),
    ("gru1", "Sao Paulo", "BR", "amer", "offline", 100),
    ("nrt1", "Tokyo", "JP", "apac", "active", 200),
    ("sin1", "Singapore", "SG", "apac", "drained", 200),
]
PROPERTIES = [
    # property, hostname, origin pool, production version, default TTL (s)
    ("acme-img", "img.acme-shop.example", "og-media-eu", "v58", 86400),
    ("acme-www", "www.acme-shop.example", "og-web-eu", "v131", 300),
    ("acme-static", "static.acme-shop.example", "og-web-eu", "v9", 604800),
    ("acme-api", "api.acme-shop.example", "og-api-eu", "v22", 0),
    ("docs-portal", "docs.acmecorp.example", "og-docs-us", "v4", 3600),
]
#: property -> (hit ratio base, spread) in percent; acme-img's drops at the onset
HIT_RATIO = {"acme-img": (93, 4), "acme-www": (85, 6), "acme-static": (97, 2.5), "acme-api": (2, 6),
             "docs-portal": (88, 6)}  # fmt: skip
#: pool -> (p95 base, spread) in ms
ORIGIN_P95 = {"og-media-eu": (80, 40), "og-web-eu": (60, 35), "og-api-eu": (110, 50), "og-docs-us": (70, 40)}
#: pop -> (egress base, spread) in Gbps
EGRESS = {"fra1": (120, 60), "ams2": (90, 50), "lhr4": (110, 60), "iad3": (200, 80), "gru1": (30, 15),
          "nrt1": (18, 8), "sin1": (22, 8)}  # fmt: skip
ONCALL = [
    # team, primary, secondary, hours until the shift ends
    ("edge-network", "diego", "hana", 9),
    ("dns-platform", "tomas", "priya", 33),
    ("cdn-config", "rkowalski", "lena.h", 4),
]
KB = [
    ("RB-CDN-3", "Cache hit ratio drop after a config activation",
     "Compare the hit ratio with the property's last activation; check the cache key settings (query "
     "string, Vary headers); roll back to the previous version from the activation history."),
    ("RB-CDN-7", "Draining a PoP for maintenance",
     "Set the PoP to drained in the traffic director, confirm the neighbouring PoPs have headroom (egress "
     "below 70% of capacity) and open a maintenance window."),
    ("RB-DNS-2", "Rolling back a DNS record change",
     "Find the change in the zone change log, note the old value, re-apply it with a TTL of 60 and bump the "
     "zone serial."),
    ("RB-TLS-1", "Certificate auto-renewal failing",
     "Check that the ACME HTTP-01 challenge path is not cached by the CDN: bypass the cache for "
     "/.well-known/acme-challenge/* on the property."),
    ("RB-EDGE-5", "Origin pool overloaded",
     "Shed load from the origin: check the property's hit ratio and the pool's 5xx, raise TTLs or enable the "
     "origin shield."),
]  # fmt: skip

_V58 = "include query string in cache key (resize params)"
ONSET = timedelta(minutes=90)
ACTIVATION = timedelta(minutes=95)
DRAIN = timedelta(hours=5)
GRU1_DOWN = timedelta(hours=3)


def _five_minute(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Cache hit ratio per property and origin pool stats: one row per 5 minutes for 24 hours."""
    hits: list[tuple[Any, ...]] = []
    origin: list[tuple[Any, ...]] = []
    for step in range(24 * 12):
        t = now - timedelta(minutes=5 * step)
        at = (iso(t), int(t.timestamp()))
        hot = t >= now - ONSET
        for prop, (base, spread) in HIT_RATIO.items():
            ratio = base + spread * noise("hr" + prop, step)
            if prop == "acme-img" and hot:
                ratio = 41 + 17 * noise("hrhot", step)
            requests = 150000 + int(70000 * noise("rq" + prop, step))
            hits.append((prop, *at, round(ratio, 1), requests))
        for pool, (base, spread) in ORIGIN_P95.items():
            p95 = base + int(spread * noise("p95" + pool, step))
            errors = int(3 * noise("5xx" + pool, step))
            rps = 400 + int(200 * noise("rps" + pool, step))
            if pool == "og-media-eu" and hot:
                p95 = 900 + int(500 * noise("p95hot", step))
                errors = 15 + int(26 * noise("5xxhot", step))
                rps = 4000 + int(2500 * noise("rpshot", step))
            origin.append((pool, *at, p95, errors, rps))
    return hits, origin


def _egress(now: datetime) -> list[tuple[Any, ...]]:
    """Egress per PoP: one row per 15 minutes for 24 hours (none for gru1 since it went offline)."""
    rows: list[tuple[Any, ...]] = []
    for step in range(24 * 4):
        t = now - timedelta(minutes=15 * step)
        for pop, (base, spread) in EGRESS.items():
            if pop == "gru1" and t >= now - GRU1_DOWN:
                continue
            gbps = base + spread * noise("eg" + pop, step)
            if t >= now - DRAIN:
                if pop == "nrt1":
                    gbps = 38 + 9 * noise("eghot", step)
                elif pop == "sin1":
                    gbps = 0.3 * noise("egdrained", step)
            rows.append((pop, iso(t), int(t.timestamp()), round(gbps, 1)))
    return rows


def _edge_errors(now: datetime) -> list[tuple[Any, ...]]:
    """Edge error log lines: acme-img's origin timeouts, acme-api's rate limiting, sin1's reroutes."""
    rows: list[tuple[Any, ...]] = []
    for step in range(18):  # now-85m .. now
        t = now - timedelta(minutes=5 * step)
        for pop in ("fra1", "ams2", "lhr4"):
            rows.append((iso(t), int(t.timestamp()), pop, "acme-img", "504",
                         "origin timeout after 30s (og-media-eu)"))  # fmt: skip
    for step in range(48):
        t = now - timedelta(minutes=30 * step + 7)
        rows.append((iso(t), int(t.timestamp()), "iad3", "acme-api", "429", "rate limited by edge rule api-burst"))
    for minutes in (299, 298):
        t = now - timedelta(minutes=minutes)
        rows.append((iso(t), int(t.timestamp()), "sin1", "acme-www", "503", "pop drained, request rerouted"))
    return rows


def _serial(t: datetime, n: int) -> int:
    return int(f"{t:%Y%m%d}{n:02d}")


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE pops (pop_code TEXT PRIMARY KEY, city TEXT, country TEXT, region TEXT, state TEXT,
                           capacity_gbps INTEGER);
        CREATE TABLE properties (property TEXT PRIMARY KEY, hostname TEXT, origin_pool TEXT, prod_version TEXT,
                                 default_ttl_s INTEGER);
        CREATE TABLE hit_ratio (property TEXT, ts TEXT, ts_epoch INTEGER, hit_ratio_pct REAL, requests INTEGER);
        CREATE TABLE origin_stats (pool TEXT, ts TEXT, ts_epoch INTEGER, p95_ms INTEGER,
                                   errors_5xx_per_min INTEGER, rps INTEGER);
        CREATE TABLE egress (pop_code TEXT, ts TEXT, ts_epoch INTEGER, gbps REAL);
        CREATE TABLE activations (property TEXT, version TEXT, network TEXT, activated_at TEXT, activated_by TEXT,
                                  note TEXT);
        CREATE TABLE dns_changes (zone TEXT, serial INTEGER, record TEXT, rtype TEXT, old_value TEXT,
                                  new_value TEXT, changed_at TEXT, changed_epoch INTEGER, actor TEXT);
        CREATE TABLE dns_records (zone TEXT, name TEXT, rtype TEXT, ttl INTEGER, value TEXT);
        CREATE TABLE purges (purge_id TEXT PRIMARY KEY, property TEXT, scope TEXT, requested_by TEXT,
                             requested_at TEXT, status TEXT);
        CREATE TABLE tickets (ticket TEXT PRIMARY KEY, priority TEXT, state TEXT, title TEXT, owner TEXT,
                              opened TEXT);
        CREATE TABLE maintenance (window_id TEXT PRIMARY KEY, pop_code TEXT, starts TEXT, ends TEXT, reason TEXT,
                                  owner TEXT);
        CREATE TABLE certs (hostname TEXT PRIMARY KEY, issuer TEXT, not_after TEXT, auto_renew TEXT);
        CREATE TABLE edge_errors (ts TEXT, ts_epoch INTEGER, pop_code TEXT, property TEXT, status TEXT,
                                  message TEXT);
        CREATE TABLE kb (article TEXT PRIMARY KEY, title TEXT, body TEXT);
        CREATE TABLE oncall (team TEXT PRIMARY KEY, primary_engineer TEXT, secondary_engineer TEXT,
                             shift_ends TEXT);
        """
    )
    hits, origin = _five_minute(now)
    db.executemany("INSERT INTO pops VALUES (?,?,?,?,?,?)", POPS)
    db.executemany("INSERT INTO properties VALUES (?,?,?,?,?)", PROPERTIES)
    db.executemany("INSERT INTO hit_ratio VALUES (?,?,?,?,?)", hits)
    db.executemany("INSERT INTO origin_stats VALUES (?,?,?,?,?,?)", origin)
    db.executemany("INSERT INTO egress VALUES (?,?,?,?)", _egress(now))
    db.executemany("INSERT INTO edge_errors VALUES (?,?,?,?,?,?)", _edge_errors(now))
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.executemany(
        "INSERT INTO oncall VALUES (?,?,?,?)", [(t, p, s, iso(now + timedelta(hours=h))) for t, p, s, h in ONCALL]
    )

    def ago(**kw: float) -> str:
        return iso(now - timedelta(**kw))

    def ahead(**kw: float) -> str:
        return iso(now + timedelta(**kw))

    db.executemany(
        "INSERT INTO activations VALUES (?,?,?,?,?,?)",
        [
            ("acme-img", "v57", "production", ago(days=6), "rkowalski", "WebP negotiation for product images"),
            ("acme-img", "v58", "staging", ago(hours=3), "rkowalski", _V58),
            ("acme-img", "v58", "production", ago(minutes=95), "rkowalski", _V58),
            ("acme-www", "v130", "production", ago(days=4), "lena.h", "redirect /sale to /offers"),
            ("acme-www", "v131", "production", ago(hours=26), "lena.h", "new 404 page, cache 404s for 60s"),
            ("acme-api", "v22", "production", ago(days=2), "svc-terraform", "CORS allow-origin for partner portal"),
            ("acme-static", "v9", "production", ago(days=10), "lena.h", "brotli for .js and .css"),
            ("docs-portal", "v4", "production", ago(hours=7), "mkumar", "HSTS max-age one year"),
        ],
    )  # fmt: skip
    changes = [
        ("acme-shop.example", "api.acme-shop.example", "A", "203.0.113.10", "203.0.113.24", timedelta(hours=28),
         "svc-terraform"),
        ("acme-shop.example", "img.acme-shop.example", "CNAME", "acme-img.cdn.edgeco.example ttl=3600",
         "acme-img.cdn.edgeco.example ttl=300", timedelta(hours=2, minutes=10), "hana"),
        ("acme-shop.example", "acme-shop.example", "TXT", "", "acme-verify=8f3c1a", timedelta(minutes=40),
         "svc-terraform"),
        ("acmecorp.example", "docs.acmecorp.example", "CNAME", "docs-old.acmecorp.example",
         "docs-portal.cdn.edgeco.example", timedelta(days=3), "mkumar"),
    ]  # fmt: skip
    db.executemany(
        "INSERT INTO dns_changes VALUES (?,?,?,?,?,?,?,?,?)",
        [(zone, _serial(now - d, i), rec, rt, old, new, iso(now - d), int((now - d).timestamp()), who)
         for i, (zone, rec, rt, old, new, d, who) in enumerate(changes, start=1)],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO dns_records VALUES (?,?,?,?,?)",
        [
            ("acme-shop.example", "acme-shop.example", "A", 3600, "203.0.113.5"),
            ("acme-shop.example", "acme-shop.example", "MX", 3600, "10 mx1.acme-shop.example"),
            ("acme-shop.example", "acme-shop.example", "TXT", 300, "acme-verify=8f3c1a"),
            ("acme-shop.example", "www.acme-shop.example", "CNAME", 300, "acme-www.cdn.edgeco.example"),
            ("acme-shop.example", "img.acme-shop.example", "CNAME", 300, "acme-img.cdn.edgeco.example"),
            ("acme-shop.example", "static.acme-shop.example", "CNAME", 3600, "acme-static.cdn.edgeco.example"),
            ("acme-shop.example", "api.acme-shop.example", "A", 60, "203.0.113.24"),
            ("acmecorp.example", "acmecorp.example", "A", 3600, "198.51.100.7"),
            ("acmecorp.example", "docs.acmecorp.example", "CNAME", 600, "docs-portal.cdn.edgeco.example"),
        ],
    )
    db.executemany(
        "INSERT INTO purges VALUES (?,?,?,?,?,?)",
        [
            ("PRG-40212", "acme-img", "/banners/*", "rkowalski", ago(hours=30), "done"),
            ("PRG-40215", "acme-static", "/js/app.*.js", "ci-bot", ago(hours=5), "done"),
            ("PRG-40217", "acme-img", "/products/*", "priya", ago(minutes=60), "done"),
            ("PRG-40218", "acme-www", "/catalog/*", "lena.h", ago(minutes=20), "done"),
            ("PRG-40219", "docs-portal", "/*", "mkumar", ago(minutes=10), "in_progress"),
        ],
    )
    db.executemany(
        "INSERT INTO tickets VALUES (?,?,?,?,?,?)",
        [
            ("NOC-512", "P2", "investigating", "EU product images loading slowly", "priya", ago(minutes=70)),
            ("NOC-511", "P3", "open", "gru1 unreachable: upstream fiber cut", "diego", ago(hours=2, minutes=50)),
            ("NOC-507", "P3", "open", "certificate auto-renewal failing for static.acme-shop.example", "tomas",
             ago(days=2)),
            ("NOC-498", "P4", "resolved", "docs-portal 404s after migration", "mkumar", ago(days=6)),
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO maintenance VALUES (?,?,?,?,?,?)",
        [
            ("MW-85", "fra1", ago(days=9), ago(days=9, hours=-3), "router OS upgrade", "edge-network"),
            ("MW-88", "sin1", ago(hours=5), ahead(hours=3), "hardware refresh, PoP drained", "edge-network"),
            ("MW-91", "lhr4", ahead(days=2), ahead(days=2, hours=4), "line card swap on edge router", "edge-network"),
        ],
    )
    db.executemany(
        "INSERT INTO certs VALUES (?,?,?,?)",
        [
            ("www.acme-shop.example", "edgeco-acme", ahead(days=62), "yes"),
            ("img.acme-shop.example", "edgeco-acme", ahead(days=62), "yes"),
            ("static.acme-shop.example", "edgeco-acme", ahead(days=6), "yes"),
            ("api.acme-shop.example", "corp-ov-ca", ahead(days=140), "no"),
            ("docs.acmecorp.example", "edgeco-acme", ahead(days=19), "yes"),
        ],
    )
    db.commit()
    db.close()
    return now


def _ts(what: str) -> dict[str, Any]:
    return {"type": "string", "format": "date-time", "description": f"{what} (UTC, RFC 3339)"}


_PROPERTY = {"type": "string", "description": "CDN property name, e.g. shop-www"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "edge_pops": (
        "CDN points of presence (PoPs): code, city, country, region, state and capacity in Gbps",
        ["config", "inventory", "cdn"],
        "SELECT pop_code, city, country, region, state, capacity_gbps FROM pops "
        "WHERE (:region = '' OR region = :region) AND (:state = '' OR state = :state) ORDER BY pop_code",
        obj(
            {
                "region": {"type": "string", "enum": ["", "emea", "apac", "amer"], "default": ""},
                "state": {"type": "string", "enum": ["", "active", "drained", "offline"], "default": ""},
            }
        ),
    ),
    "cdn_properties": (
        "CDN properties (delivery configurations): hostname served, origin pool, production config version, "
        "default cache TTL",
        ["config", "inventory", "cdn"],
        "SELECT property, hostname, origin_pool, prod_version, default_ttl_s FROM properties "
        "WHERE instr(lower(property || ' ' || hostname), lower(:host)) > 0 ORDER BY property",
        obj({"host": {"type": "string", "default": "", "description": "part of a hostname or property name"}}),
    ),
    "cache_hit_ratio": (
        "Edge cache hit ratio (percent) and request count of a CDN property, 5-minute buckets in a time window",
        ["metric", "cdn"],
        "SELECT ts, hit_ratio_pct, requests FROM hit_ratio WHERE property = :property "
        "AND julianday(ts) >= julianday(:from_ts) AND julianday(ts) <= julianday(:to_ts) ORDER BY ts_epoch",
        obj(
            {"property": _PROPERTY, "from_ts": _ts("window start"), "to_ts": _ts("window end")},
            ["property", "from_ts", "to_ts"],
        ),
    ),
    "origin_latency": (
        "Origin pool health seen from the edge: p95 response time (ms), 5xx errors per minute and requests per "
        "second, 5-minute buckets",
        ["metric", "cdn", "origin"],
        "SELECT ts, p95_ms, errors_5xx_per_min, rps FROM origin_stats WHERE pool = :pool "
        "AND ts_epoch >= CAST(strftime('%s', 'now') AS INTEGER) - :lookback_hours * 3600 ORDER BY ts_epoch",
        obj(
            {
                "pool": {"type": "string", "description": "origin pool, e.g. og-app-us"},
                "lookback_hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6},
            },
            ["pool"],
        ),
    ),
    "pop_egress": (
        "Egress bandwidth (Gbps) served by one PoP, 15-minute samples over the last 24 hours",
        ["metric", "cdn", "network"],
        "SELECT ts, gbps FROM egress WHERE pop_code = :pop_code ORDER BY ts_epoch",
        obj({"pop_code": {"type": "string", "description": "PoP code, e.g. cdg1"}}, ["pop_code"]),
    ),
    "config_activations": (
        "Activation history of CDN property configurations: version, network, who activated it and the note",
        ["history", "config", "cdn"],
        "SELECT property, version, network, activated_at, activated_by, note FROM activations "
        "WHERE julianday(activated_at) >= julianday(:after) AND (:property = '' OR property = :property) "
        "AND (:network = '' OR network = :network) ORDER BY activated_at DESC",
        obj(
            {
                "after": _ts("activations at or after"),
                "property": {**_PROPERTY, "default": ""},
                "network": {"type": "string", "enum": ["", "staging", "production"], "default": "production"},
            },
            ["after"],
        ),
    ),
    "dns_change_log": (
        "Change log of a DNS zone: serial, record, type, old and new value, when and by whom",
        ["history", "dns"],
        "SELECT serial, record, rtype, old_value, new_value, changed_at, actor FROM dns_changes WHERE zone = :zone "
        "AND changed_epoch >= CAST(strftime('%s', 'now') AS INTEGER) - :days_back * 86400 "
        "ORDER BY changed_epoch DESC",
        obj(
            {
                "zone": {"type": "string", "description": "DNS zone (apex domain), e.g. example.org"},
                "days_back": {"type": "integer", "minimum": 1, "maximum": 30, "default": 7},
            },
            ["zone"],
        ),
    ),
    "dns_records": (
        "Current DNS records (name, type, TTL, value) of the authoritative zones",
        ["config", "dns"],
        "SELECT zone, name, rtype, ttl, value FROM dns_records WHERE (:zone = '' OR zone = :zone) "
        "AND instr(lower(name), lower(:name_contains)) > 0 ORDER BY zone, name, rtype",
        obj(
            {
                "zone": {"type": "string", "default": "", "description": "DNS zone, empty for all"},
                "name_contains": {"type": "string", "default": "", "description": "part of the record name"},
            }
        ),
    ),
    "purge_log": (
        "Cache purge (invalidation) requests, newest first: purge id, property, path scope, requester, status",
        ["history", "cdn"],
        "SELECT purge_id, property, scope, requested_by, requested_at, status FROM purges "
        "WHERE (:property = '' OR property = :property) ORDER BY requested_at DESC LIMIT :limit",
        obj(
            {
                "property": {**_PROPERTY, "default": ""},
                "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 20},
            }
        ),
    ),
    "noc_tickets": (
        "Search NOC tickets (NOC-nnn) by id or words of the title: priority, state, owner, when opened",
        ["history", "incident"],
        "SELECT ticket, priority, state, title, owner, opened FROM tickets "
        "WHERE instr(lower(ticket || ' ' || title), lower(:q)) > 0 AND (:state = '' OR state = :state) "
        "ORDER BY opened DESC",
        obj(
            {
                "q": {"type": "string", "default": "", "description": "ticket id or words of the title"},
                "state": {"type": "string", "enum": ["", "open", "investigating", "resolved"], "default": ""},
            }
        ),
    ),
    "maintenance_windows": (
        "Network maintenance windows (MW-nn) per PoP: start, end, reason, owning team",
        ["history", "config", "network"],
        "SELECT window_id, pop_code, starts, ends, reason, owner FROM maintenance "
        "WHERE (:pop_code = '' OR pop_code = :pop_code) ORDER BY starts",
        obj({"pop_code": {"type": "string", "default": "", "description": "PoP code, empty for all"}}),
    ),
    "cert_inventory": (
        "TLS certificates on the edge expiring within a number of days: hostname, issuer, expiry, days left, "
        "auto-renewal",
        ["config", "tls"],
        "SELECT hostname, issuer, not_after, CAST(julianday(not_after) - julianday('now') AS INTEGER) AS days_left, "
        "auto_renew FROM certs WHERE julianday(not_after) <= julianday('now') + :within_days ORDER BY not_after",
        obj({"within_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 30}}),
    ),
    "edge_log_search": (
        "Search the edge servers' error log over the last N minutes by status code or words of the message",
        ["log", "cdn"],
        "SELECT ts, pop_code, property, status, message FROM edge_errors "
        "WHERE instr(lower(status || ' ' || message), lower(:text)) > 0 "
        "AND ts_epoch >= CAST(strftime('%s', 'now') AS INTEGER) - :minutes * 60 "
        "AND (:pop = '' OR pop_code = :pop) ORDER BY ts_epoch DESC",
        obj(
            {
                "text": {"type": "string", "description": "status code or words to look for"},
                "minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
                "pop": {"type": "string", "default": "", "description": "PoP code, empty for all"},
            },
            ["text", "minutes"],
        ),
    ),
    "kb_search": (
        "Search the edge team's runbooks and knowledge base",
        ["document"],
        "SELECT article, title, body FROM kb WHERE instr(lower(title || ' ' || body), lower(:query)) > 0",
        obj({"query": {"type": "string", "description": "words to look for"}}, ["query"]),
    ),
    "oncall_now": (
        "Who is on call for a team right now: primary and secondary engineer, end of the shift",
        ["config", "people"],
        "SELECT team, primary_engineer, secondary_engineer, shift_ends FROM oncall WHERE team = :team",
        obj({"team": {"type": "string", "description": "team name, e.g. storage-ops"}}, ["team"]),
    ),
}


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="CDN and DNS operations store", apis=APIS
    )
