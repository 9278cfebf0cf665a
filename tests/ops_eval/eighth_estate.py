"""An eighth estate, held out from the planner's tuning: an outbound email delivery platform (an ESP).

Written without reading the planner. Names and APIs are unlike the other estates': sending MTAs are dotted
``mta07.fra`` / ``mta21.iad`` (number, then site), IP pools ``txn-core | txn-warmup | bulk-a | bulk-b``,
sending IPs ``198.51.100.41`` / ``203.0.113.9``, receiving mailbox providers by domain (``outlook.com``,
``gmx.de``), customer accounts ``acct_parcelly``, config changes ``ch_90317`` (underscore), relay rollouts
``ro-118`` of ``swrelay 2.14.0``, incidents ``inc-0412`` (lowercase, ``SEV1``..``SEV4``), playbooks
``PB-DELIV-3``, SMTP replies ``421 4.7.650``. MTA state is ``in_rotation | draining | out_of_rotation``;
incident state ``investigating | monitoring | resolved``. Windows come as ``start`` / ``end`` and
``applied_after`` (RFC 3339), ``since_epoch`` (unix seconds), ``span`` (an enum ``15min | 60min | 240min |
1440min``), ``hours`` and ``days``; searches take ``ip_prefix``, ``account_like``, ``q`` and ``keywords``.
:mod:`tests.ops_eval.eighth_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned):

- T-3d ``ch_90277`` rotates the DKIM selector ``sw24a`` -> ``sw24b`` (aiko); T-2d mta12.ams is taken out of
  rotation (RAID controller replaced, ``inc-0407``, resolved) and so missed ``ro-118``: it is the only MTA
  still on swrelay 2.13.2; T-2d ``203.0.113.9`` (bulk-b) is listed on UCEPROTECT L1 (``inc-0405``,
  monitoring);
- T-30h ``ch_90302`` lowers yahoo.com's connections per IP 10 -> 8; T-26h ``ro-118`` rolls swrelay 2.13.2 ->
  2.14.0 out to every MTA in rotation (red herring: nothing changes);
- T-6h10m .. T-5h30m gmx.de defers 18-26% of all pools' mail (GMX maintenance, ``inc-0409``, resolved):
  a recovered blip, a red herring;
- T-4h ``ch_90311`` raises gmail.com's concurrent connections per IP 20 -> 30 (marek); T-190m ``ro-119``
  deploys webhooks-dispatcher 5.5.0 (both unrelated);
- T-125m ``ch_90317`` (dmitri): four IPs still in warm-up (``198.51.100.40``-``43``, day 6 of a 30-day
  ramp, 5,000 a day planned) are moved from txn-warmup into txn-core "ahead of peak season";
- T-110m the onset: outlook.com and hotmail.com answer the new IPs with ``421 4.7.650 ... temporarily rate
  limited due to IP reputation``; txn-core's deferral rate at both goes from 0.8-2.0% to 33-44%; the
  deferred queues of mta07.fra (two of the IPs), mta08.fra and mta11.ams grow from a few hundred to
  tens of thousands (mta07.fra the largest, its oldest message as old as the onset); txn-core's p95
  delivery latency goes from 4-9 s to over an hour (p50 stays 1-3 s);
- T-100m ``inc-0412`` (SEV2, investigating, noor) "password resets to Outlook/Hotmail delayed"; T-35m
  ``ch_90322`` (noor) lowers outlook.com / hotmail.com's rate per IP 600 -> 250 a minute (a response:
  deferrals only ease to 24-32%); T-30m ``ch_90324`` drains mta22.iad for kernel patching.

No API reports opens or clicks, CPU, memory or disk of the MTAs, costs, DMARC reports, TLS policy, or
mailbox providers' postmaster data (SNDS, Postmaster Tools); there is no mta09.fra, no inc-0999 and no
mail to protonmail.com.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.eighth_apis import APIS
from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "MTAS", "build", "register"]

DATA_SOURCE = "mailops"

ONSET = 110  # minutes ago: Microsoft starts throttling the moved IPs
MOVED = 125  # minutes ago: ch_90317 moves the warm-up IPs into txn-core
EASED = 35  # minutes ago: ch_90322 lowers the Microsoft rate per IP
DRAIN = 30  # minutes ago: mta22.iad starts draining
GMX_BLIP = (330, 370)  # minutes ago: the gmx.de maintenance (bucket starts)

MTAS = [
    # host, site, state, swrelay version, pools, state since (minutes ago), note
    ("mta07.fra", "fra", "in_rotation", "2.14.0", "txn-core,txn-warmup", 9 * 1440, ""),
    ("mta08.fra", "fra", "in_rotation", "2.14.0", "txn-core,bulk-a", 9 * 1440, ""),
    ("mta11.ams", "ams", "in_rotation", "2.14.0", "txn-core,bulk-a", 9 * 1440, ""),
    ("mta12.ams", "ams", "out_of_rotation", "2.13.2", "bulk-a", 2 * 1440,
     "RAID controller replaced (inc-0407); burn-in before it goes back into rotation"),
    ("mta21.iad", "iad", "in_rotation", "2.14.0", "txn-core,txn-warmup,bulk-b", 9 * 1440, ""),
    ("mta22.iad", "iad", "draining", "2.14.0", "bulk-b", DRAIN, "draining for kernel patching (ch_90324)"),
]  # fmt: skip
POOLS = ["txn-core", "txn-warmup", "bulk-a", "bulk-b"]
NEW_IPS = ["198.51.100.40", "198.51.100.41", "198.51.100.42", "198.51.100.43"]
IPS = [
    # ip, pool, mta, in pool since (minutes ago), note
    ("198.51.100.21", "txn-core", "mta07.fra", 400 * 1440, ""),
    ("198.51.100.22", "txn-core", "mta07.fra", 400 * 1440, ""),
    ("198.51.100.23", "txn-core", "mta08.fra", 400 * 1440, ""),
    ("198.51.100.24", "txn-core", "mta08.fra", 310 * 1440, ""),
    ("198.51.100.31", "txn-core", "mta11.ams", 310 * 1440, ""),
    ("203.0.113.21", "txn-core", "mta21.iad", 250 * 1440, ""),
    ("198.51.100.40", "txn-core", "mta07.fra", MOVED, "moved from txn-warmup (ch_90317)"),
    ("198.51.100.41", "txn-core", "mta07.fra", MOVED, "moved from txn-warmup (ch_90317)"),
    ("198.51.100.42", "txn-core", "mta08.fra", MOVED, "moved from txn-warmup (ch_90317)"),
    ("198.51.100.43", "txn-core", "mta11.ams", MOVED, "moved from txn-warmup (ch_90317)"),
    ("203.0.113.44", "txn-warmup", "mta21.iad", 11 * 1440, ""),
    ("203.0.113.45", "txn-warmup", "mta21.iad", 11 * 1440, ""),
    ("198.51.100.51", "bulk-a", "mta08.fra", 500 * 1440, ""),
    ("198.51.100.52", "bulk-a", "mta08.fra", 500 * 1440, ""),
    ("198.51.100.53", "bulk-a", "mta11.ams", 500 * 1440, ""),
    ("198.51.100.54", "bulk-a", "mta12.ams", 500 * 1440, "host out of rotation"),
    ("203.0.113.9", "bulk-b", "mta22.iad", 300 * 1440, ""),
    ("203.0.113.10", "bulk-b", "mta21.iad", 300 * 1440, ""),
    ("203.0.113.11", "bulk-b", "mta22.iad", 300 * 1440, ""),
]
WARMUP = [
    # ip, ramp, started (days ago), planned today, sent in the last 24 h
    ("198.51.100.40", "30-day ramp", 5, 5000, 16420),
    ("198.51.100.41", "30-day ramp", 5, 5000, 15870),
    ("198.51.100.42", "30-day ramp", 5, 5000, 17310),
    ("198.51.100.43", "30-day ramp", 5, 5000, 14980),
    ("203.0.113.44", "30-day ramp", 10, 20000, 18420),
    ("203.0.113.45", "30-day ramp", 10, 20000, 19105),
]
DOMAINS = {
    # mailbox domain -> (txn-core messages per 10 minutes, deferral % low, spread, bounce % low, spread)
    "gmail.com": (5200, 0.3, 0.7, 0.2, 0.3),
    "outlook.com": (1500, 0.8, 1.2, 0.3, 0.3),
    "hotmail.com": (1100, 0.8, 1.2, 0.4, 0.3),
    "yahoo.com": (900, 1.0, 2.0, 0.3, 0.4),
    "icloud.com": (800, 0.2, 0.6, 0.1, 0.2),
    "gmx.de": (600, 0.5, 1.0, 0.3, 0.3),
    "web.de": (500, 0.5, 1.0, 0.3, 0.3),
}
POOL_SCALE = {"txn-core": 1.0, "txn-warmup": 0.08, "bulk-a": 3.0, "bulk-b": 2.0}
MICROSOFT = ("outlook.com", "hotmail.com")
DEFER_REPLY = {
    "gmail.com": ("421", "4.7.0", "Try again later, closing connection."),
    "outlook.com": ("451", "4.7.500", "Server busy. Please try again later."),
    "hotmail.com": ("451", "4.7.500", "Server busy. Please try again later."),
    "yahoo.com": ("421", "4.7.0", "[TSS04] Messages temporarily deferred due to unexpected volume"),
    "icloud.com": ("421", "4.7.0", "[CS01] Message rejected due to local policy, try again later"),
    "gmx.de": ("421", "4.3.2", "Service not available, closing transmission channel"),
    "web.de": ("421", "4.3.2", "Service not available, closing transmission channel"),
}
BOUNCE_REPLY = {
    "gmail.com": ("550", "5.1.1", "The email account that you tried to reach does not exist."),
    "outlook.com": ("550", "5.5.0", "Requested action not taken: mailbox unavailable"),
    "hotmail.com": ("550", "5.5.0", "Requested action not taken: mailbox unavailable"),
    "yahoo.com": ("554", "5.7.9", "Message not accepted for policy reasons"),
    "icloud.com": ("550", "5.1.1", "user does not exist"),
    "gmx.de": ("550", "5.1.1", "Mailbox unavailable"),
    "web.de": ("550", "5.1.1", "Mailbox unavailable"),
}
MS_THROTTLE = ("421", "4.7.650", "The mail server [{ip}] has been temporarily rate limited due to IP reputation. "
               "For e-mail delivery information, see https://aka.ms/postmaster")  # fmt: skip
GMX_MAINT = ("421", "4.7.0", "gmx.net (mxgmx) Nemesis ESMTP Service not available; maintenance, try again later")
CHANGES = [
    # id, kind, target, summary, before, after, by, minutes ago, reference
    ("ch_90277", "dns", "swmail.net", "DKIM key rotation: new selector published, signing switched", "sw24a", "sw24b",
     "aiko", 3 * 1440 + 200, "PB-DNS-1"),
    ("ch_90302", "throttle", "yahoo.com", "max connections per IP", "10", "8", "noor", 30 * 60, "yahoo TSS04 advice"),
    ("ch_90311", "throttle", "gmail.com", "max concurrent connections per IP", "20", "30", "marek", 4 * 60,
     "gmail backlog at peak"),
    ("ch_90317", "ip_pool", "txn-core", "moved 198.51.100.40-43 from txn-warmup into txn-core (capacity ahead of "
     "peak season)", "6 IPs", "10 IPs", "dmitri", MOVED, ""),
    ("ch_90322", "throttle", "outlook.com,hotmail.com", "max messages per minute per IP", "600", "250", "noor", EASED,
     "inc-0412"),
    ("ch_90324", "mta_config", "mta22.iad", "drain for kernel patching", "in_rotation", "draining", "aiko", DRAIN,
     ""),
]  # fmt: skip
ROLLOUTS = [
    # id, component, from, to, MTAs, started (minutes ago), minutes it took, status
    ("ro-115", "swrelay", "2.13.1", "2.13.2", "mta07.fra,mta08.fra,mta11.ams,mta12.ams,mta21.iad,mta22.iad",
     9 * 1440, 70, "completed"),
    ("ro-117", "bounce-processor", "1.8.3", "1.9.0", "", 4 * 1440, 12, "completed"),
    ("ro-118", "swrelay", "2.13.2", "2.14.0", "mta07.fra,mta08.fra,mta11.ams,mta21.iad,mta22.iad", 26 * 60, 65,
     "completed"),
    ("ro-119", "webhooks-dispatcher", "5.4.1", "5.5.0", "", 190, 9, "completed"),
]  # fmt: skip
BLOCKLISTS = ["Spamhaus SBL", "Spamhaus CSS", "Barracuda BRBL", "SpamCop", "UCEPROTECT L1"]
LISTED = {("203.0.113.9", "UCEPROTECT L1"): 2 * 1440 + 90}
INCIDENTS = [
    # id, severity, state, title, commander, opened (minutes ago), resolved (minutes ago)
    ("inc-0412", "SEV2", "investigating", "password resets and OTP mails to Outlook/Hotmail delayed", "noor", 100,
     None),
    ("inc-0409", "SEV3", "resolved", "gmx.de deferring during GMX maintenance", "marek", 365, 320),
    ("inc-0407", "SEV3", "resolved", "mta12.ams disk array degraded, host pulled", "aiko", 2 * 1440 + 30, 40 * 60),
    ("inc-0405", "SEV4", "monitoring", "203.0.113.9 listed on UCEPROTECT L1 (bulk-b)", "marek", 2 * 1440, None),
    ("inc-0401", "SEV2", "resolved", "webhook callbacks delayed after queue broker failover", "jonas", 6 * 1440,
     6 * 1440 - 95),
]  # fmt: skip
ONCALL = [
    ("deliverability", "noor", "marek", 7),
    ("mta-infra", "aiko", "dmitri", 31),
    ("platform", "jonas", "sade", 55),
]
PLAYBOOKS = [
    ("PB-DELIV-3", "Microsoft 421 4.7.650 / 4.7.500 throttling",
     "Outlook.com and Hotmail throttle IPs they do not trust yet. 4.7.650 names the IP: check its warm-up day "
     "and whether it was recently moved between pools; move cold IPs back to txn-warmup, then let the queue "
     "retry. Lowering the rate per IP only slows the backlog."),
    ("PB-DELIV-7", "IP warm-up schedule",
     "New IPs follow a 30-day ramp from 500 to 150,000 messages a day in txn-warmup. Never put an IP into "
     "txn-core before day 30; mailbox providers judge an IP by its recent volume and complaint history."),
    ("PB-MTA-2", "Draining an MTA for maintenance",
     "Set the MTA to draining so no new connections arrive, wait until its queue is empty, then patch and "
     "reboot; put it back into rotation after a test send."),
    ("PB-DNS-1", "DKIM key rotation",
     "Publish the new selector, wait 48 hours for DNS caches, switch signing, keep the old key for 7 days."),
    ("PB-DELIV-9", "Blocklist delisting",
     "Find the listing's reason, stop the offending stream, then request delisting; UCEPROTECT L1 expires on "
     "its own after 7 days without spam traps hit."),
]  # fmt: skip
SENDERS = [
    # account, display name, pool, sent in 24 h, hard bounces, complaints
    ("acct_brightnews", "Bright News Media", "bulk-a", 2148000, 19330, 301),
    ("acct_homely", "Homely Deals", "bulk-b", 1312600, 14440, 512),
    ("acct_parcelly", "Parcelly", "txn-core", 655120, 2752, 13),
    ("acct_lumenbank", "Lumen Bank", "txn-core", 412380, 866, 2),
    ("acct_tixly", "Tixly", "txn-core", 198450, 1191, 9),
    ("acct_fitloop", "Fitloop", "txn-warmup", 61900, 341, 4),
]

_SCHEMA = """
CREATE TABLE mtas (host TEXT PRIMARY KEY, site TEXT, state TEXT, swrelay_version TEXT, pools TEXT,
                   state_since TEXT, note TEXT);
CREATE TABLE sending_ips (ip TEXT PRIMARY KEY, pool TEXT, mta TEXT, ptr TEXT, in_pool_since TEXT, note TEXT);
CREATE TABLE warmup (ip TEXT PRIMARY KEY, ramp TEXT, started_on TEXT, day INTEGER, planned_today INTEGER,
                     sent_24h INTEGER);
CREATE TABLE outcomes (domain TEXT, pool TEXT, bucket_start TEXT, bucket_epoch INTEGER, attempted INTEGER,
                       delivered INTEGER, deferred INTEGER, bounced INTEGER);
CREATE TABLE smtp_replies (domain TEXT, pool TEXT, bucket_epoch INTEGER, sending_ip TEXT, smtp_code TEXT,
                           enhanced_code TEXT, reply TEXT, reply_template TEXT, count INTEGER);
CREATE TABLE queue_samples (host TEXT, sampled_at TEXT, sampled_epoch INTEGER, active INTEGER, deferred INTEGER,
                            oldest_age_min INTEGER);
CREATE TABLE latency (pool TEXT, bucket_start TEXT, bucket_epoch INTEGER, delivered INTEGER, p50_s REAL,
                      p95_s REAL);
CREATE TABLE changes (change_id TEXT PRIMARY KEY, kind TEXT, target TEXT, summary TEXT, before TEXT, after TEXT,
                      changed_by TEXT, applied_at TEXT, applied_epoch INTEGER, reference TEXT);
CREATE TABLE rollouts (rollout_id TEXT PRIMARY KEY, component TEXT, from_version TEXT, to_version TEXT, mtas TEXT,
                       started_at TEXT, started_epoch INTEGER, finished_at TEXT, status TEXT);
CREATE TABLE blocklist (ip TEXT, list_name TEXT, listed INTEGER, listed_since TEXT, checked_at TEXT);
CREATE TABLE incidents (incident_id TEXT PRIMARY KEY, severity TEXT, state TEXT, title TEXT, commander TEXT,
                        opened_at TEXT, resolved_at TEXT);
CREATE TABLE oncall (rotation TEXT PRIMARY KEY, primary_engineer TEXT, secondary_engineer TEXT, until TEXT);
CREATE TABLE playbooks (playbook_id TEXT PRIMARY KEY, title TEXT, body TEXT);
CREATE TABLE senders (account TEXT PRIMARY KEY, display_name TEXT, pool TEXT, sent_24h INTEGER, hard_bounces INTEGER,
                      complaints INTEGER);
"""


def _deferral_pct(domain: str, pool: str, ago: int) -> float:
    """The share (percent) of ``domain``'s mail from ``pool`` deferred in the bucket starting ``ago`` minutes ago."""
    _, low, spread, *_ = DOMAINS[domain]
    pct = low + spread * noise(f"def{domain}{pool}", ago)
    if domain in MICROSOFT and pool == "txn-core" and ago <= ONSET:
        pct = (24 + 8 * noise(f"ms{domain}", ago)) if ago <= EASED - 5 else (33 + 11 * noise(f"ms{domain}", ago))
    if domain == "gmx.de" and GMX_BLIP[0] <= ago <= GMX_BLIP[1]:
        pct = 18 + 8 * noise(f"gmx{pool}", ago)
    return pct


def _outcomes(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Delivery outcomes per mailbox domain and pool in 10-minute buckets over 24 hours, and the SMTP replies."""
    rows: list[tuple[Any, ...]] = []
    replies: list[tuple[Any, ...]] = []
    pool_ips = {p: [ip for ip, pool, mta, *_ in IPS if pool == p and mta != "mta12.ams"] for p in POOLS}
    for domain, (volume, _, _, b_low, b_spread) in DOMAINS.items():
        for pool in POOLS:
            for ago in range(10, 24 * 60 + 10, 10):
                start = now - timedelta(minutes=ago)
                epoch = int(start.timestamp())
                attempted = int(volume * POOL_SCALE[pool] * (0.85 + 0.3 * noise(f"vol{domain}{pool}", ago)))
                deferred = round(attempted * _deferral_pct(domain, pool, ago) / 100)
                bounced = round(attempted * (b_low + b_spread * noise(f"bnc{domain}{pool}", ago)) / 100)
                rows.append((domain, pool, iso(start), epoch, attempted, attempted - deferred - bounced, deferred,
                             bounced))  # fmt: skip
                ips = pool_ips[pool]
                special = 0
                if domain in MICROSOFT and pool == "txn-core" and ago <= ONSET:
                    base = round(attempted * (0.8 + 1.2 * noise(f"def{domain}{pool}", ago)) / 100)
                    special = deferred - base
                    code, enh, text = MS_THROTTLE
                    share = [special // 4 + (1 if k < special % 4 else 0) for k in range(4)]
                    for ip, n in zip(NEW_IPS, share, strict=True):
                        replies.append((domain, pool, epoch, ip, code, enh, f"{code} {enh} {text.format(ip=ip)}",
                                        f"{code} {enh} {text.format(ip='x.x.x.x')}", n))  # fmt: skip
                elif domain == "gmx.de" and GMX_BLIP[0] <= ago <= GMX_BLIP[1]:
                    special = deferred - round(attempted * 0.01)
                    code, enh, text = GMX_MAINT
                    ip = ips[ago // 10 % len(ips)]
                    replies.append((domain, pool, epoch, ip, code, enh, f"{code} {enh} {text}", f"{code} {enh} {text}",
                                    special))  # fmt: skip
                for (code, enh, text), n in (
                    (DEFER_REPLY[domain], deferred - special),
                    (BOUNCE_REPLY[domain], bounced),
                ):
                    if n > 0:
                        ip = ips[(ago // 10 + len(code)) % len(ips)]
                        replies.append((domain, pool, epoch, ip, code, enh, f"{code} {enh} {text}",
                                        f"{code} {enh} {text}", n))  # fmt: skip
    return rows, replies


def _queues(now: datetime) -> list[tuple[Any, ...]]:
    """Each MTA's queue every 2 minutes over 24 hours."""
    growth = {"mta07.fra": 310, "mta08.fra": 180, "mta11.ams": 170}
    rows: list[tuple[Any, ...]] = []
    for host, *_ in MTAS:
        for ago in range(0, 24 * 60, 2):
            t = now - timedelta(minutes=ago)
            active = 40 + int(120 * noise(f"qa{host}", ago))
            deferred = 150 + int(300 * noise(f"qd{host}", ago))
            oldest = 2 + int(7 * noise(f"qo{host}", ago))
            e = ONSET - ago  # minutes since the onset
            if host in growth and e > 0:
                deferred += growth[host] * e + int(0.02 * growth[host] * e * noise(f"qg{host}", ago))
                oldest = e
            if host == "mta12.ams" and ago <= 2 * 1440:
                active = deferred = oldest = 0
            if host == "mta22.iad" and ago <= DRAIN:
                active, deferred = int(active * ago / DRAIN), int(deferred * ago / DRAIN) + 4
            rows.append((host, iso(t), int(t.timestamp()), active, deferred, oldest))
    return rows


def _latency(now: datetime) -> list[tuple[Any, ...]]:
    """Delivery latency (accepted -> delivered) per pool in 10-minute buckets over 24 hours."""
    rows: list[tuple[Any, ...]] = []
    for pool in POOLS:
        scale = POOL_SCALE[pool]
        for ago in range(10, 24 * 60 + 10, 10):
            start = now - timedelta(minutes=ago)
            p50 = 1.2 + 1.2 * noise(f"p50{pool}", ago) if pool.startswith("txn") else 8 + 20 * noise(f"p50{pool}", ago)
            p95 = 4 + 5 * noise(f"p95{pool}", ago) if pool.startswith("txn") else 60 + 240 * noise(f"p95{pool}", ago)
            if pool == "txn-core" and ago <= ONSET:
                p95 = 42 * (ONSET + 10 - ago) + 60 * noise("p95hot", ago)
            delivered = int(10600 * scale * (0.9 + 0.2 * noise(f"lat{pool}", ago)))
            rows.append((pool, iso(start), int(start.timestamp()), delivered, round(p50, 1), round(p95, 1)))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    db.executemany(
        "INSERT INTO mtas VALUES (?,?,?,?,?,?,?)",
        [(h, s, st, v, p, ago(m), note) for h, s, st, v, p, m, note in MTAS],
    )
    db.executemany(
        "INSERT INTO sending_ips VALUES (?,?,?,?,?,?)",
        [(ip, p, mta, f"o{ip.rsplit('.', 1)[1]}.{mta.split('.')[1]}.swmail.net", ago(m), note)
         for ip, p, mta, m, note in IPS],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO warmup VALUES (?,?,?,?,?,?)",
        [(ip, r, (now - timedelta(days=d)).strftime("%Y-%m-%d"), d + 1, plan, sent) for ip, r, d, plan, sent in WARMUP],
    )
    outcomes, replies = _outcomes(now)
    db.executemany("INSERT INTO outcomes VALUES (?,?,?,?,?,?,?,?)", outcomes)
    db.executemany("INSERT INTO smtp_replies VALUES (?,?,?,?,?,?,?,?,?)", replies)
    db.executemany("INSERT INTO queue_samples VALUES (?,?,?,?,?,?)", _queues(now))
    db.executemany("INSERT INTO latency VALUES (?,?,?,?,?,?)", _latency(now))
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(i, k, t, s, b, a, who, ago(m), epoch(m), ref) for i, k, t, s, b, a, who, m, ref in CHANGES],
    )
    db.executemany(
        "INSERT INTO rollouts VALUES (?,?,?,?,?,?,?,?,?)",
        [(i, c, f, t, mtas, ago(m), epoch(m), ago(m - took), st) for i, c, f, t, mtas, m, took, st in ROLLOUTS],
    )
    db.executemany(
        "INSERT INTO blocklist VALUES (?,?,?,?,?)",
        [(ip, bl, int((ip, bl) in LISTED), ago(LISTED.get((ip, bl))), ago(15)) for ip, *_ in IPS for bl in BLOCKLISTS],
    )
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?)",
        [(i, sev, st, t, c, ago(o), ago(r)) for i, sev, st, t, c, o, r in INCIDENTS],
    )
    db.executemany(
        "INSERT INTO oncall VALUES (?,?,?,?)", [(r, p, s, iso(now + timedelta(hours=h))) for r, p, s, h in ONCALL]
    )
    db.executemany("INSERT INTO playbooks VALUES (?,?,?)", PLAYBOOKS)
    db.executemany("INSERT INTO senders VALUES (?,?,?,?,?,?)", SENDERS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="email delivery operations store", apis=APIS
    )
