"""A thirty-eighth estate, held out from the planner's tuning: the e-commerce platform and fulfilment operations of
Halcombe & Reeve, an online homeware retailer. Eight services (``sf-web`` storefront, ``chk-api`` checkout,
``cart-svc``, ``addr-lookup`` (a proxy to the Postara address API), ``pay-orch`` payment orchestration, ``srch-api``
search, ``reco-svc`` recommendations, ``inv-sync`` inventory sync), four payment gateways (PSPs: ``PayNora-EU``,
``CardEx-UK``, ``Klarvo-BNPL``, ``WalletGo-GLB``), three warehouses (``WH-Nor01`` Thorncliffe, ``WH-Mid02`` Ashby Parva,
``WH-Sth03`` Yatewell, the last run by a 3PL) and three carriers (Parcelion, SwiftRoute, NorthPost): service golden
signals every 10 minutes for 24 hours (ending T-2m, T-12m, ...), PSP authorisation every 15 minutes for 24 hours (T-4m,
T-19m, ...) with declines by reason, warehouse backlogs hourly for 48 hours (T-10m, T-70m, ...), carrier handovers over
3 days, inventory sync runs every 15 minutes for 12 hours (T-5m, T-20m, ...), CDN edge traffic hourly for 48 hours
(T-30m, T-90m, ...), search and recommendation KPIs hourly for 24 hours (T-25m, ...), support contacts by reason hourly
for 72 hours (T-15m, T-75m, ...), deploys, feature flag changes, change records (``CHG-004521``), incidents
(``INC/2026/0417``) and their timelines, promotions (``CMP-0231``), on-call weeks from Monday 09:00 UTC, duty managers'
12-hour shifts from 08:00 / 20:00 UTC and runbooks (``RB-CHK-003``). Orders look like ``ORD-7731204``, handovers
``HO-000812``, sync runs ``SYNC-004417``, deploys ``dep-20931``.

Written blind (without reading the planner, its tests or any set's results).

The story (minutes before the build):

- T-180m campaign CMP-0231 "Home Refresh Sale" (25% off homeware, code HOME25) goes live: storefront traffic,
  CDN requests, search queries and PSP attempts rise by half (a red herring for the checkout errors).
- T-150m CHG-004521 (Oona Delacroix): feature flag ``chk.addr_lookup_v2`` 0% -> 100%; checkout's address step now
  calls Postara's v2 endpoint, which times out. From T-142m chk-api's 5xx rate is 4.8-6.2% (was 0.3-0.6%) and its
  p95 1900-2600 ms (310-380); addr-lookup's p95 2400-3100 ms (80-120) and errors 9-12%. INC/2026/0417 (SEV2) opened
  T-125m by Ilse Brandvold (checkout on call); T-70m tied to the flag; T-40m emergency CHG-004525 (disable the flag,
  approved by duty manager Deirdre Oyelaran) planned T+15m. Checkout error contacts 38-55 an hour since.
- T-85m CHG-004523 (Faisal Okonjo): 3DS2 merchant certificate rotated on PayNora-EU; from T-79m PayNora-EU's auth
  rate is 77.5-81.0% (was 92.0-94.5%), the extra declines ``3ds_auth_failed`` (the new chain lacks an intermediate).
  INC/2026/0418 (SEV2) opened T-62m by Rhiannon Achebe (payments on call); PayNora case PN-77120.
- WH-Mid02's pick line PL-04 conveyor fault since T-720m (INC/2026/0416, SEV3): picks per hour 780-860 (was
  1150-1300) and the pick backlog rising from 1800 to 6420 now (the worst; the others under 1400).
- Parcelion missed its WH-Nor01 collection at T-380m (HO-000813, 1240 parcels rolled); re-collected T-130m.
- WH-Sth03's inventory sync fails from T-95m (SFTP 530 login incorrect: the 3PL rotated the password); last good
  run T-110m; out-of-stock-after-order contacts rise.
- red herrings: sf-web 7.32.1 deployed T-170m (storefront fine); CHG-004520 CDN cache TTL for /product 300 -> 900 s
  at T-300m (cache hit 85.5-87.0% -> 90.5-92.0%); srch-api reindex CHG-004516 T-400m (p95 780-900 ms until
  T-350m); reco flag ``reco.model_v9`` 20% -> 50% T-230m; chk-api 4.18.0 deployed T-1560m (the flag shipped dark);
  a scraper bot surge T-990m .. T-870m (bot share 38.5-44%, INC/2026/0415, resolved T-840m with a WAF rule).

On call this week: checkout Ilse Brandvold (secondary Tavish Monroe), payments Rhiannon Achebe, platform_sre Mateus
Fairweather, fulfilment Greta Solberg. Duty manager now: Deirdre Oyelaran (before her Callum Nyberg, next Bastian
Kovac).

No API reports revenue, conversion, order value, PSP fees, fraud or chargebacks, CPU or memory, delivery times to
customers, staffing or forecasts; there is no cart-api, no PayNora-US, no WH-Mid03; service metrics and PSP rates
are kept 24 hours, CDN traffic 48 hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtyeighth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "halcombe_shop"
DAY = 1440
CAMPAIGN, FLAG_ON, CHK_ONSET, CERT, PSP_ONSET = 180, 150, 142, 85, 79

_SCHEMA = """
CREATE TABLE services (service TEXT PRIMARY KEY, name TEXT, tier TEXT, team TEXT, version TEXT, runtime TEXT,
                       depends_on TEXT);
CREATE TABLE svc_metrics (service TEXT, ts TEXT, ts_epoch INTEGER, rps REAL, p95_ms INTEGER, error_pct REAL);
CREATE TABLE psps (psp TEXT PRIMARY KEY, name TEXT, methods TEXT, markets TEXT, share_pct INTEGER, support TEXT);
CREATE TABLE psp_auth (psp TEXT, ts TEXT, ts_epoch INTEGER, attempts INTEGER, authorised INTEGER,
                       auth_rate_pct REAL);
CREATE TABLE psp_declines (psp TEXT, ts_epoch INTEGER, reason TEXT, n INTEGER);
CREATE TABLE deploys (deploy TEXT, service TEXT, version TEXT, deployed TEXT, dep_epoch INTEGER, by_whom TEXT,
                      result TEXT);
CREATE TABLE flag_changes (flag TEXT, changed TEXT, ch_epoch INTEGER, from_state TEXT, to_state TEXT, by_whom TEXT,
                           change_ref TEXT);
CREATE TABLE changes (ref TEXT, title TEXT, kind TEXT, service TEXT, owner TEXT, status TEXT, at TEXT,
                      at_epoch INTEGER, approver TEXT);
CREATE TABLE incidents (ref TEXT, title TEXT, sev TEXT, status TEXT, service TEXT, opened TEXT, open_epoch INTEGER,
                        resolved TEXT, commander TEXT);
CREATE TABLE incident_timeline (ref TEXT, ts TEXT, ts_epoch INTEGER, author TEXT, entry TEXT);
CREATE TABLE warehouses (wh TEXT, name TEXT, town TEXT, operator TEXT, wms TEXT, carriers TEXT, pick_lines TEXT);
CREATE TABLE wh_backlog (wh TEXT, ts TEXT, ts_epoch INTEGER, await_pick INTEGER, await_pack INTEGER,
                         await_ship INTEGER, picks_per_hour INTEGER);
CREATE TABLE handovers (ho TEXT, wh TEXT, carrier TEXT, scheduled TEXT, sched_epoch INTEGER, actual TEXT,
                        parcels INTEGER, status TEXT, note TEXT);
CREATE TABLE inv_sync (run TEXT, wh TEXT, started TEXT, st_epoch INTEGER, status TEXT, skus_updated INTEGER,
                       lag_s INTEGER, error TEXT);
CREATE TABLE cdn_hourly (hour TEXT, h_epoch INTEGER, requests_m REAL, bot_pct REAL, blocked_k INTEGER,
                         cache_hit_pct REAL);
CREATE TABLE campaigns (cmp TEXT, name TEXT, offer TEXT, code TEXT, starts TEXT, start_epoch INTEGER, ends TEXT,
                        end_epoch INTEGER, owner TEXT);
CREATE TABLE support (b_epoch INTEGER, hour TEXT, reason TEXT, contacts INTEGER, example_order TEXT);
CREATE TABLE search_kpis (hour TEXT, h_epoch INTEGER, queries_k REAL, zero_result_pct REAL, reco_ctr_pct REAL);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE duty (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, manager TEXT,
                   mobile TEXT);
CREATE TABLE runbooks (doc TEXT, title TEXT, body TEXT);
"""

SERVICES = [
    ("sf-web", "storefront web (PDP, PLP, basket page)", "tier-1", "Storefront", "7.32.1", "node 20",
     "srch-api, reco-svc, cart-svc"),
    ("chk-api", "checkout API (address, delivery, payment steps)", "tier-1", "Checkout", "4.18.0", "jvm 21",
     "cart-svc, addr-lookup, pay-orch"),
    ("cart-svc", "basket service", "tier-1", "Checkout", "3.9.4", "go 1.22", "inv-sync"),
    ("addr-lookup", "address lookup proxy to Postara", "tier-2", "Checkout", "1.6.0", "go 1.22", "Postara API"),
    ("pay-orch", "payment orchestration (PSP routing, 3DS)", "tier-1", "Payments", "5.2.0", "jvm 21", "PSPs"),
    ("srch-api", "product search", "tier-1", "Discovery", "12.4.0", "jvm 21", "search cluster"),
    ("reco-svc", "recommendations", "tier-2", "Discovery", "2.7.3", "python 3.12", "feature store"),
    ("inv-sync", "stock sync with the warehouses' WMS", "tier-1", "Fulfilment Tech", "1.14.2", "go 1.22", "WMS"),
]  # fmt: skip
#: service -> (rps lo, hi), (p95 lo, hi), (error % lo, hi) at baseline
BASE = {"sf-web": ((900, 1100), (420, 520), (0.1, 0.3)), "chk-api": ((60, 75), (310, 380), (0.3, 0.6)),
        "cart-svc": ((210, 260), (45, 70), (0.05, 0.15)), "addr-lookup": ((20, 30), (80, 120), (0.1, 0.3)),
        "pay-orch": ((25, 35), (600, 750), (0.2, 0.4)), "srch-api": ((480, 560), (140, 190), (0.1, 0.2)),
        "reco-svc": ((300, 360), (60, 85), (0.1, 0.25)), "inv-sync": ((4, 6), (900, 1400), (0.0, 0.1))}  # fmt: skip
PSPS = [
    ("PayNora-EU", "PayNora", "cards (Visa, Mastercard) with 3DS2", "EU, IE", 46,
     "+44 20 7946 0321 / PN support portal"),
    ("CardEx-UK", "CardEx", "cards (Visa, Mastercard, Amex)", "UK", 31, "+44 20 7946 0588"),
    ("Klarvo-BNPL", "Klarvo", "buy now pay later", "UK, EU", 14, "merchant-support@klarvo.example"),
    ("WalletGo-GLB", "WalletGo", "wallet payments", "all", 9, "+44 20 7946 0170"),
]  # fmt: skip
#: psp -> attempts per 15 min (lo, hi), auth rate % (lo, hi)
PSP_BASE = {"PayNora-EU": ((1400, 1700), (92.0, 94.5)), "CardEx-UK": ((950, 1150), (90.5, 93.0)),
            "Klarvo-BNPL": ((420, 520), (85.0, 88.0)), "WalletGo-GLB": ((280, 340), (96.0, 98.0))}  # fmt: skip
REASONS = [("insufficient_funds", 0.4), ("do_not_honor", 0.3), ("suspected_fraud", 0.1), ("expired_card", 0.1),
           ("3ds_auth_failed", 0.1)]  # fmt: skip
#: deploy, service, version, minutes ago, by, result
DEPLOYS = [
    ("dep-20944", "sf-web", "7.32.1", 170, "Joao Pettersen", "success"),
    ("dep-20941", "reco-svc", "2.7.3", 240, "Amara Lindqvist", "success"),
    ("dep-20937", "chk-api", "4.18.0", 1560, "Tomasz Wierzba", "success (chk.addr_lookup_v2 shipped off)"),
    ("dep-20935", "cart-svc", "3.9.4", 2000, "Tomasz Wierzba", "success"),
    ("dep-20931", "srch-api", "12.4.0", 2900, "Amara Lindqvist", "success"),
    ("dep-20926", "inv-sync", "1.14.2", 4300, "Kofi Marchetti", "success"),
    ("dep-20920", "pay-orch", "5.2.0", 5800, "Faisal Okonjo", "success"),
    ("dep-20918", "chk-api", "4.17.2", 6100, "Tomasz Wierzba", "rolled back (smoke test failed)"),
]  # fmt: skip
#: flag, minutes ago, from, to, by, change
FLAGS = [
    ("chk.addr_lookup_v2", FLAG_ON, "0%", "100%", "Oona Delacroix", "CHG-004521"),
    ("reco.model_v9", 230, "20%", "50%", "Amara Lindqvist", ""),
    ("sf.new_pdp_gallery", 320, "50%", "100%", "Joao Pettersen", ""),
    ("srch.typo_tolerance", 2 * DAY + 200, "off", "on", "Amara Lindqvist", "CHG-004509"),
]
#: ref, title, kind, service, owner, status, minutes ago (negative: ahead), approver
CHANGES = [
    ("CHG-004525", "Disable flag chk.addr_lookup_v2 (revert to Postara v1)", "emergency", "chk-api",
     "Ilse Brandvold", "approved", -15, "Deirdre Oyelaran"),
    ("CHG-004523", "Rotate 3DS2 merchant certificate on PayNora-EU", "standard", "pay-orch", "Faisal Okonjo",
     "implemented", CERT, "Rhiannon Achebe"),
    ("CHG-004522", "Launch campaign CMP-0231 Home Refresh Sale (HOME25)", "standard", "sf-web", "Nell Hargreave",
     "implemented", CAMPAIGN, "Callum Nyberg"),
    ("CHG-004521", "Enable flag chk.addr_lookup_v2 at 100% (Postara v2 address API)", "standard", "chk-api",
     "Oona Delacroix", "implemented", FLAG_ON, "Tavish Monroe"),
    ("CHG-004520", "CDN cache TTL for /product/* 300 -> 900 s", "standard", "cdn", "Mateus Fairweather",
     "implemented", 300, "Callum Nyberg"),
    ("CHG-004516", "Full catalogue reindex on srch-api", "standard", "srch-api", "Amara Lindqvist", "implemented",
     400, "Callum Nyberg"),
    ("CHG-004512", "WMS patch 22.4 at WH-Mid02", "standard", "WH-Mid02", "Greta Solberg", "implemented",
     4 * DAY + 100, "Callum Nyberg"),
]  # fmt: skip
#: ref, title, sev, status, service, minutes ago opened, resolved minutes ago, commander
INCIDENTS = [
    ("INC/2026/0418", "PayNora-EU authorisation rate down (3DS failures)", "SEV2", "investigating", "pay-orch", 62,
     None, "Rhiannon Achebe"),
    ("INC/2026/0417", "Checkout 5xx elevated on the address step", "SEV2", "identified", "chk-api", 125, None,
     "Ilse Brandvold"),
    ("INC/2026/0416", "WH-Mid02 pick line PL-04 conveyor fault: pick backlog growing", "SEV3", "monitoring",
     "WH-Mid02", 700, None, "Greta Solberg"),
    ("INC/2026/0415", "Scraper bot surge on /product pages", "SEV3", "resolved", "cdn", 1000, 840,
     "Mateus Fairweather"),
    ("INC/2026/0411", "Klarvo-BNPL webhooks delayed", "SEV3", "resolved", "pay-orch", 5 * DAY, 5 * DAY - 90,
     "Rhiannon Achebe"),
]  # fmt: skip
#: ref, minutes ago, author, entry
TIMELINE = [
    ("INC/2026/0417", 125, "Ilse Brandvold", "Opened SEV2: chk-api 5xx about 5% since ~T-142m, address step only"),
    ("INC/2026/0417", 110, "Ilse Brandvold", "addr-lookup p95 over 2.5 s: Postara v2 endpoint timing out against our "
     "3 s client timeout"),
    ("INC/2026/0417", 95, "Tavish Monroe", "Not the HOME25 campaign: sf-web and cart-svc error rates normal, 5xx "
     "only on POST /checkout/address"),
    ("INC/2026/0417", 70, "Ilse Brandvold", "Cause: flag chk.addr_lookup_v2 turned to 100% by CHG-004521 eight "
     "minutes before onset; v2 calls Postara v2, which is slow for us"),
    ("INC/2026/0417", 40, "Ilse Brandvold", "Emergency CHG-004525 raised to disable the flag, approved by Deirdre "
     "Oyelaran; runs in about 15 minutes"),
    ("INC/2026/0418", 62, "Rhiannon Achebe", "Opened SEV2: PayNora-EU auth rate ~79%, declines mostly "
     "3ds_auth_failed; CardEx-UK and Klarvo-BNPL normal"),
    ("INC/2026/0418", 50, "Faisal Okonjo", "3DS2 merchant certificate rotated at T-85m (CHG-004523); ACS rejects: "
     "the new chain lacks the intermediate certificate"),
    ("INC/2026/0418", 35, "Rhiannon Achebe", "P1 case PN-77120 raised with PayNora; failover of EU cards to "
     "CardEx-UK per RB-PAY-007 considered, not done"),
    ("INC/2026/0418", 20, "Faisal Okonjo", "PayNora confirm the missing intermediate; re-upload of the full chain "
     "pending their approval"),
    ("INC/2026/0416", 700, "Greta Solberg", "PL-04 takeaway conveyor motor tripped; pickers moved to PL-01..03"),
    ("INC/2026/0416", 300, "Greta Solberg", "Motor replacement part due tomorrow; backlog growing ~400 an hour"),
    ("INC/2026/0415", 1000, "Mateus Fairweather", "Bot share 40%+ on /product, one ASN scraping prices"),
    ("INC/2026/0415", 840, "Mateus Fairweather", "WAF rule blocks the ASN; bot share back to normal; resolved"),
]  # fmt: skip
WAREHOUSES = [
    ("WH-Nor01", "Thorncliffe DC", "Thorncliffe", "own", "Manhattan-style WMS 2023.1", "Parcelion, NorthPost",
     "PL-01 .. PL-05"),
    ("WH-Mid02", "Ashby Parva DC", "Ashby Parva", "own", "WMS 22.4", "Parcelion, SwiftRoute", "PL-01 .. PL-04"),
    ("WH-Sth03", "Yatewell 3PL", "Yatewell", "Corvane Logistics (3PL)", "Corvane WMS (SFTP feed)",
     "SwiftRoute, NorthPost", "PL-01, PL-02"),
]  # fmt: skip
#: wh, carrier, minutes ago of today's collection, parcels (lo, hi)
HANDOVERS = [("WH-Nor01", "Parcelion", 380, (2100, 2500)), ("WH-Nor01", "NorthPost", 260, (800, 1000)),
             ("WH-Mid02", "Parcelion", 330, (1900, 2300)), ("WH-Mid02", "SwiftRoute", 200, (1500, 1800)),
             ("WH-Sth03", "SwiftRoute", 290, (600, 800)), ("WH-Sth03", "NorthPost", 410, (400, 550))]  # fmt: skip
ROTAS = {
    "checkout": [
        ("primary", ["Hamza Rudd", "Ilse Brandvold", "Tavish Monroe", "Hamza Rudd"]),
        ("secondary", ["Ilse Brandvold", "Tavish Monroe", "Hamza Rudd", "Ilse Brandvold"]),
    ],
    "payments": [("primary", ["Faisal Okonjo", "Rhiannon Achebe", "Faisal Okonjo", "Rhiannon Achebe"])],
    "platform_sre": [("primary", ["Priscilla Vane", "Mateus Fairweather", "Priscilla Vane", "Mateus Fairweather"])],
    "fulfilment": [("primary", ["Kofi Marchetti", "Greta Solberg", "Kofi Marchetti", "Greta Solberg"])],
}
DUTY = ["Hana Whitlow", "Callum Nyberg", "Deirdre Oyelaran", "Bastian Kovac"]
PEOPLE = {p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(DUTY)
MOBILES = {p: f"+44 7700 9{100 + i:03d}{i:02d}" for i, p in enumerate(sorted(PEOPLE))}
RUNBOOKS = [
    ("RB-CHK-003", "Checkout error rate high", "If chk-api 5xx > 2% for 10 min: check addr-lookup, cart-svc and "
     "pay-orch golden signals; check recent flag changes on chk.* first and turn the flag off (no CAB needed for a "
     "flag revert, tell the duty manager); page the checkout on call."),
    ("RB-PAY-007", "PSP authorisation rate drop", "If a PSP's auth rate falls 5 points under its 24 h norm: look at "
     "declines by reason; 3ds_auth_failed points at our 3DS config or certificates, issuer reasons at the schemes. "
     "Fail EU cards over to CardEx-UK in pay-orch routing (routing.eu_cards=CardEx-UK) if it lasts 30 min; raise a "
     "P1 with the PSP."),
    ("RB-INV-002", "Inventory sync failing", "If a warehouse's sync fails 3 runs in a row: check the error; SFTP 530 "
     "means the 3PL changed credentials: get the new ones from the 3PL account manager and update the secret "
     "inv-sync/<wh>/sftp; meanwhile set the warehouse's stock to safety buffer 20% to limit oversells."),
    ("RB-WH-011", "Pick backlog over threshold", "Above 4000 orders awaiting pick: move pickers from packing, ask "
     "the carrier for a late second trailer, and switch the storefront's delivery promise to +1 day for the site."),
    ("RB-CDN-004", "Bot surge", "Bot share over 35% for an hour: find the ASN or user agent, add a WAF rate rule, "
     "keep the search engine crawlers allowed."),
]  # fmt: skip


def _hm(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M")


def _r(lo: float, hi: float, key: str, i: int, nd: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), nd)


def _svc_metrics(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for svc, ((r0, r1), (p0, p1), (e0, e1)) in BASE.items():
        for i in range(144):
            m = 2 + 10 * i
            rps = _r(r0, r1, svc + "r", i)
            if m <= CAMPAIGN and svc in ("sf-web", "chk-api", "cart-svc", "srch-api", "pay-orch"):
                rps = round(rps * 1.5, 1)
            p95, err = _r(p0, p1, svc + "p", i, 0), _r(e0, e1, svc + "e", i, 2)
            if svc == "chk-api" and m <= CHK_ONSET:
                p95, err = _r(1900, 2600, "chkp", i, 0), _r(4.8, 6.2, "chke", i, 2)
            if svc == "addr-lookup" and m <= CHK_ONSET:
                rps, p95, err = _r(70, 90, "alr", i), _r(2400, 3100, "alp", i, 0), _r(9.0, 12.0, "ale", i, 2)
            if svc == "srch-api" and 350 <= m <= 400:
                p95 = _r(780, 900, "srp", i, 0)
            t = now - timedelta(minutes=m)
            rows.append((svc, iso(t), int(t.timestamp()), rps, int(p95), err))
    return rows


def _psp(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    auth, declines = [], []
    for psp, ((a0, a1), (q0, q1)) in PSP_BASE.items():
        for i in range(96):
            m = 4 + 15 * i
            t = now - timedelta(minutes=m)
            attempts = int(_r(a0, a1, psp + "a", i, 0) * (1.5 if m <= CAMPAIGN else 1))
            base_rate = _r(q0, q1, psp + "q", i, 2)
            rate = _r(77.5, 81.0, "pn", i, 2) if psp == "PayNora-EU" and m <= PSP_ONSET else base_rate
            ok = round(attempts * rate / 100)
            auth.append((psp, iso(t), int(t.timestamp()), attempts, ok, round(100 * ok / attempts, 1)))
            normal = attempts - round(attempts * base_rate / 100) if rate < base_rate else attempts - ok
            split = {r: int(normal * w) for r, w in REASONS}
            split["insufficient_funds"] += normal - sum(split.values())
            split["3ds_auth_failed"] += attempts - ok - normal
            declines += [(psp, int(t.timestamp()), r, n) for r, n in split.items()]
    return auth, declines


def _backlog(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for wh in ("WH-Nor01", "WH-Mid02", "WH-Sth03"):
        for i in range(48):
            m = 10 + 60 * i
            pick, pack = int(_r(700, 1100, wh + "k", i, 0)), int(_r(200, 400, wh + "c", i, 0))
            ship, pph = int(_r(300, 600, wh + "s", i, 0)), int(_r(1150, 1300, wh + "h", i, 0))
            if wh == "WH-Sth03":
                pick, pph = int(_r(400, 800, wh + "k", i, 0)), int(_r(500, 600, wh + "h", i, 0))
            if wh == "WH-Nor01" and 130 < m <= 380:
                ship = int(_r(1650, 1900, wh + "s", i, 0))
            if wh == "WH-Mid02":
                pick = int(1800 + 4620 * (720 - m) / 710) if m <= 720 else int(_r(900, 1300, wh + "k", i, 0))
                pph = int(_r(780, 860, wh + "h", i, 0)) if m <= 720 else pph
            t = now - timedelta(minutes=m)
            rows.append((wh, iso(t), int(t.timestamp()), pick, pack, ship, pph))
    return rows


def _handovers(now: datetime) -> list[tuple[Any, ...]]:
    items = []
    for wh, carrier, m0, (lo, hi) in HANDOVERS:
        for d in (-1, 0, 1, 2):
            m = m0 + DAY * d
            n = int(_r(lo, hi, wh + carrier, d, 0))
            status, actual, note = "collected", m - int(_r(-10, 20, carrier, d, 0)), ""
            if m < 0:
                status, actual = "scheduled", None
            elif (wh, carrier, d) == ("WH-Nor01", "Parcelion", 0):
                status, actual, n, note = "missed", None, 1240, "trailer did not arrive (Parcelion driver shortage)"
            items.append((m, wh, carrier, status, actual, n, note))
    items.append((130, "WH-Nor01", "Parcelion", "collected", 130, 1240, "re"))
    items.sort(key=lambda x: -x[0])
    missed = next(f"HO-{800 + n:06d}" for n, x in enumerate(items) if x[3] == "missed")
    rows = []
    for n, (m, wh, carrier, status, actual, parcels, note) in enumerate(items):
        t = now - timedelta(minutes=m)
        act = None if actual is None else iso(now - timedelta(minutes=actual))
        note = f"re-collection of {missed}" if note == "re" else note
        rows.append((f"HO-{800 + n:06d}", wh, carrier, iso(t), int(t.timestamp()), act, parcels, status, note))
    return rows


def _inv_sync(now: datetime) -> list[tuple[Any, ...]]:
    rows, n = [], 4417
    for i in range(48):
        m = 5 + 15 * i
        t = now - timedelta(minutes=m)
        for wh in ("WH-Nor01", "WH-Mid02", "WH-Sth03"):
            status, skus, lag, err = "ok", int(_r(200, 900, wh, i, 0)), int(_r(20, 60, wh + "l", i, 0)), ""
            if wh == "WH-Sth03" and m <= 95:
                status, skus, lag, err = (
                    "failed",
                    0,
                    (110 - m) * 60,
                    "SFTP 530 Login incorrect (sftp.corvane-wms.example)",
                )
            rows.append((f"SYNC-{n:06d}", wh, iso(t), int(t.timestamp()), status, skus, lag, err))
            n -= 1
    return rows


def _hourly(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    cdn, search = [], []
    for i in range(48):
        m = 30 + 60 * i
        t = now - timedelta(minutes=m)
        req = _r(3.2, 4.0, "req", i, 2) * (1.5 if m <= CAMPAIGN else 1)
        bot = _r(38.5, 44.0, "bot", i) if 870 <= m <= 990 else _r(18.0, 24.0, "bot", i)
        hit = _r(90.5, 92.0, "hit", i) if m <= 300 else _r(85.5, 87.0, "hit", i)
        cdn.append((_hm(t), int(t.timestamp()), round(req, 2), bot, int(req * 1000 * bot / 100 * 0.3), hit))
        if i < 24:
            m = 25 + 60 * i
            t = now - timedelta(minutes=m)
            q = _r(40, 55, "q", i) * (1.5 if m <= CAMPAIGN else 1)
            search.append((_hm(t), int(t.timestamp()), round(q, 1), _r(3.1, 4.2, "zr", i), _r(5.8, 6.6, "ctr", i)))
    return cdn, search


def _support(now: datetime) -> list[tuple[Any, ...]]:
    base = {"where_is_my_order": (30, 45), "returns": (15, 25), "payment_declined": (4, 9),
            "checkout_error": (2, 6), "promo_code": (3, 8), "out_of_stock_after_order": (1, 4)}  # fmt: skip
    rows = []
    for i in range(72):
        m = 15 + 60 * i
        t = now - timedelta(minutes=m)
        for reason, (lo, hi) in base.items():
            if reason == "checkout_error" and m <= CHK_ONSET:
                lo, hi = 38, 55
            if reason == "payment_declined" and m <= PSP_ONSET:
                lo, hi = 30, 42
            if reason == "promo_code" and m <= CAMPAIGN:
                lo, hi = 12, 20
            if reason == "out_of_stock_after_order" and m <= 95:
                lo, hi = 9, 14
            n = int(_r(lo, hi, reason, i, 0))
            rows.append((int(t.timestamp()), _hm(t), reason, n, f"ORD-77{31204 - 37 * i - len(reason):05d}"))
    return rows


def _duty(now: datetime) -> list[tuple[Any, ...]]:
    start = now.replace(hour=8, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, person in enumerate(DUTY):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("day" if s.hour == 8 else "night", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()),
                     person, MOBILES[person]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, ep = clock.now, clock.ago, clock.epoch
    db.executemany("INSERT INTO services VALUES (?,?,?,?,?,?,?)", SERVICES)
    db.executemany("INSERT INTO svc_metrics VALUES (?,?,?,?,?,?)", _svc_metrics(now))
    db.executemany("INSERT INTO psps VALUES (?,?,?,?,?,?)", PSPS)
    auth, declines = _psp(now)
    db.executemany("INSERT INTO psp_auth VALUES (?,?,?,?,?,?)", auth)
    db.executemany("INSERT INTO psp_declines VALUES (?,?,?,?)", declines)
    db.executemany("INSERT INTO deploys VALUES (?,?,?,?,?,?,?)",
                   [(d, s, v, ago(m), ep(m), b, r) for d, s, v, m, b, r in DEPLOYS])  # fmt: skip
    db.executemany("INSERT INTO flag_changes VALUES (?,?,?,?,?,?,?)",
                   [(f, ago(m), ep(m), a, b, w, c) for f, m, a, b, w, c in FLAGS])  # fmt: skip
    db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*c[:6], ago(c[6]), ep(c[6]), c[7]) for c in CHANGES])  # fmt: skip
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*c[:5], ago(c[5]), ep(c[5]), ago(c[6]), c[7]) for c in INCIDENTS])  # fmt: skip
    db.executemany("INSERT INTO incident_timeline VALUES (?,?,?,?,?)",
                   [(r, _hm(now - timedelta(minutes=m)), ep(m), a, e) for r, m, a, e in TIMELINE])  # fmt: skip
    db.executemany("INSERT INTO warehouses VALUES (?,?,?,?,?,?,?)", WAREHOUSES)
    db.executemany("INSERT INTO wh_backlog VALUES (?,?,?,?,?,?,?)", _backlog(now))
    db.executemany("INSERT INTO handovers VALUES (?,?,?,?,?,?,?,?,?)", _handovers(now))
    db.executemany("INSERT INTO inv_sync VALUES (?,?,?,?,?,?,?,?)", _inv_sync(now))
    cdn, search = _hourly(now)
    db.executemany("INSERT INTO cdn_hourly VALUES (?,?,?,?,?,?)", cdn)
    db.executemany("INSERT INTO search_kpis VALUES (?,?,?,?,?)", search)
    campaigns = [
        ("CMP-0233", "Garden Week", "20% off garden furniture", "GARDEN20", -2 * DAY - 600, -9 * DAY, "Nell Hargreave"),
        ("CMP-0231", "Home Refresh Sale", "25% off homeware (not on sale items)", "HOME25", CAMPAIGN, -3 * DAY,
         "Nell Hargreave"),
        ("CMP-0229", "Free delivery weekend", "free standard delivery", "", 5 * DAY, 3 * DAY, "Rufus Ambrose"),
    ]  # fmt: skip
    db.executemany("INSERT INTO campaigns VALUES (?,?,?,?,?,?,?,?,?)",
                   [(c, n, o, k, ago(s), ep(s), ago(e), ep(e), w) for c, n, o, k, s, e, w in campaigns])  # fmt: skip
    db.executemany("INSERT INTO support VALUES (?,?,?,?,?)", _support(now))
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 9))
    db.executemany("INSERT INTO duty VALUES (?,?,?,?,?,?,?)", _duty(now))
    db.executemany("INSERT INTO runbooks VALUES (?,?,?)", RUNBOOKS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Halcombe & Reeve e-commerce: storefront, checkout, PSPs, warehouses, carriers, incidents"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
