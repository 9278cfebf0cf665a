"""A fortieth estate, held out from the planner's tuning: the payments platform of Larkhaven Pay, a fintech that issues
Corvex and Meridian debit, credit and prepaid cards in Ireland, Germany and the UK and processes its own
authorisations. The authorisation service (``auth-switch``) runs in three regions (``eu-dub`` Dublin, ``eu-fra``
Frankfurt, ``uk-lon`` London), each with its own scheme links (``LNK-CVX-DUB-1`` .. ``LNK-MCN-LON-1``: ISO 8583 over
TLS on leased circuits), HSM pool (Corrin K9: ``hsm-dub-01`` .. ``hsm-lon-02``) and fraud scoring (``fraud-scorer``
and the rules engine's rules ``FR-104`` .. ``FR-140``); ``acs-gateway`` is the 3-D Secure ACS, ``token-vault``
provisions wallet tokens (Aurum Pay, Pixel Wallet, Kiro Pay), ``app-login`` signs customers into the app,
``clearing-ingest`` and ``settle-recon`` take in the schemes' clearing and settlement files and reconcile them; two
bureaux (Carvell Secure Cards, Dublin; Nordmark Kartendruck, Leipzig) emboss and personalise the cards: the
authorisation KPIs, declines by response code, scheme links and their statistics, HSMs and the key management log,
fraud rules and their hits, ACS challenges, BIN ranges, card production batches, settlement files, reconciliation
breaks, chargebacks, wallet provisioning, app logins, deploys, feature flags, change records, incidents and their
timelines, customer contacts, runbooks, scheme and vendor cases, the on-call rota and the payments operations shift
leads.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
regions ``eu-fra``; services hyphenated (``auth-switch``); scheme links ``LNK-`` scheme, region and number
(``LNK-CVX-FRA-2``); HSMs ``hsm-fra-02``; fraud rules ``FR-118``; changes ``CHG-40417``; deploys ``DEP-58812``;
incidents ``INC-7781``; reconciliation breaks ``RCB-9902``; settlement files ``SF-`` and a number with a name carrying
its business date (``cvx_sett_20250314_c2.csv``); card batches ``EMB-60431``; key operations ``KO-3318``; disputes
``DSP-`` numbers; runbooks ``RBK-STIP-01``; cases by counterparty: Corvex ``CVX-SR-884127``, Meridian
``MCN-CS-5531902``, Telvane ``TLV-112044``, Corrin ``CRN-77812``, Nordmark ``NKD-20931``, Carvell ``CSC-4410``,
Textory ``TXT-4471``, Kiro Pay ``KRO-TSP-3310``; people are named in full (``Ewa Nowicka``). Windows come as
``minutes``, ``lookback_hours``, an RFC 3339 time (``since``), ``days``, ``hours``, ``days_back``, ISO dates
(``from_date`` / ``to_date``), ``opened_within_days``, ``window_days``, ``last_hours``, ``since_hours``,
``within_days`` and ``window_hours``. :mod:`tests.ops_eval.fortieth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; auth KPIs every 5 minutes for 48 hours (ending at T-1m,
T-6m, ...), link statistics every 5 minutes for 24 hours (T-2m, T-7m, ...), declines by code hourly for 7 days
(T-4m, T-64m, ...), fraud rule hits hourly for 72 hours (T-10m, T-70m, ...), ACS every 30 minutes for 48 hours
(T-5m, T-35m, ...), wallet provisioning hourly for 72 hours (T-20m, T-80m, ...), app logins every 15 minutes for 24
hours (T-3m, T-18m, ...), customer contacts at least 8 minutes clear of every whole hour before now; on-call weeks
run from Monday 09:00 UTC and the shift leads' 12-hour shifts from 07:00 and 19:00 UTC, with the story's people on the
week and the shift running now whatever the hour, so timeline entries of the last hours may predate a shift change):

- the scheme link: T-100m CHG-40417 (Darragh Quinlan, network) moves LNK-CVX-FRA-2 onto Telvane's new MPLS circuit
  FRA-CVX-MPLS-7, whose GRE tunnel carries a 1400-byte MTU while path MTU discovery is blocked on Corvex's side. From
  T-95m the large responses (chip authorisations, with field 55) are fragmented and dropped and reach Corvex after its
  4500 ms issuer window: LNK-CVX-FRA-2's late responses go from 0-2 to 97-139 per 5 minutes (11-16%, nearly all chip),
  TCP retransmits from 2-9 to 318-477, while echo tests keep passing (19-27 ms). Corvex answers those authorisations
  in stand-in (STIP): in eu-fra stand-in approvals go from 0-3 to 85-124 per 5 minutes (stand-in share 0.00-0.13% ->
  3.37-5.12%) and Corvex's stand-in declines (91) from none to 11-19 per 5 minutes; auth-switch's own latency (p99
  300-380 ms) and the other links stay normal. T-88m the link monitor alerts; T-85m the NOC marks the link DEGRADED;
  T-82m INC-7781 (SEV2) is declared, incident manager Marcus Oyelaran; T-75m network on call Ewa Nowicka joins; T-64m
  hsm-fra-02's maintenance ruled out; T-52m CVX-SR-884127 (P1) raised with Corvex; T-40m Ewa finds the late messages
  are the chip ones and the retransmits on the new circuit; T-35m TLV-112044 with Telvane; T-28m Corvex (Henrike
  Vogt): ~15% of FRA-2's responses late, STIP on with our stand-in limits, large 0110s late: check MTU; T-22m Telvane
  confirms the 1400-byte MTU; T-15m emergency CHG-40421 (revert FRA-2 to the old circuit FRA-CVX-SDH-2) approved by
  Marcus Oyelaran, planned at T+20m.
- the fraud rule: T-330m CHG-40398 (Noor Haddad, fraud analyst) puts FR-118 (CNP velocity at new merchants) on v7:
  threshold 5 -> 2 attempts in 10 minutes and the action challenge -> decline. FR-118's hit rate goes from 0.30-0.50%
  to 7.2-8.4% of CNP authorisations an hour; response code 59 (suspected fraud) becomes the top decline code in every
  region (from 150-250 an hour per region to 1,040-1,420, above 51's 650-1,090), approval rates drop about 3 points
  (eu-dub 93.8-95.0% -> 90.9-92.3%, uk-lon 94.2-95.4% -> 91.2-92.6%, eu-fra 93.0-94.4% -> 90.1-91.6%); card_declined
  contacts go from 4-8 to 38-46 an hour. T-190m the shift lead opens INC-7779 (SEV3, commander Ciara Whelan, fraud
  lead); T-165m fraud on call Yusuf Demir ties it to FR-118 v7; T-120m rollback CHG-40423 (FR-118 back to v6) raised,
  approved T-60m, planned T+45m: declines still high.
- the settlement file: Corvex's cycle 2 settlement report (SF-204197, cvx_sett_<date>_c2.csv) expected at T-130m has
  not arrived (late); T-100m RCB-9907 (missing report: the cycle 2 net position cannot be confirmed) and CVX-SR-884131
  (P2: Corvex re-running its cycle 2 settlement job). Meridian's incoming clearing file expected at T-1960m (SF-204186,
  mcn_ipm_in_<date>_r1.ipm) reconciled with a break: RCB-9902, 41 unmatched presentments, EUR 12,906.35, 38 of them
  from Banca Ostrova (forced posts after offline chip), investigating (Orla Brennan, MCN-CS-5531902); files are kept
  14 days.
- red herrings: hsm-fra-02 in MAINTENANCE since T-180m (firmware 4.1.7 -> 4.2.0, CHG-40412, back at T+60m; the
  eu-fra pool carries on with hsm-fra-01 and hsm-fra-03, no errors); DEP-58812 auth-switch 7.14.2 canary in eu-dub
  only (T-70m); DEP-58801 auth-switch 7.14.1 everywhere 26 hours ago; flag acs-biometric-step-up 25 -> 50% at T-200m
  (CHG-40405: app challenge success up from 89-92% to about 93-95%); Textory's SMS delays T-260m .. T-230m (INC-7776,
  TXT-4471: app login OTP failures 35-60 -> 689-713 per 15 minutes, browser 3DS challenge success down to 57-58%);
  LNK-CVX-DUB-2 in STANDBY for Corvex's planned access point maintenance since T-360m; Kiro Pay's token service errors
  T-45h .. T-42h (INC-7770, KRO-TSP-3310); EMB-60431 (4,800 reissued cards, BIN 457124) on QA hold at Nordmark
  since T-540m (chip profile v11 used instead of v12: NKD-20931); settle-recon 2.3.3 deployed at T-380m; FR-131
  v2 -> v3 (CHG-40384) 26 hours ago; BIN 457190 pending activation at Corvex.
- slow trends: Glowfit Online's (subscriptions) S03 cancelled-recurring chargebacks climb over 90 days (9, 18, then
  46 in the last 30 days: the most); BIN 539144 (Meridian business debit) at 92.6% of its range.

On call this week: payments platform Saoirse Kavanagh (secondary Matteo Ferri), network Ewa Nowicka, fraud ops Yusuf
Demir, settlement ops Orla Brennan, card ops Hollie Grant, incident manager Marcus Oyelaran. Shift lead now: Priya
Natarajan (before her Lorcan Tierney, next Gustav Ek). Corvex issuer support: +49 69 5550 1870, Henrike Vogt.

No API reports money beyond settlement amounts, chargebacks and breaks (no interchange, revenue, fraud losses or
costs), forecasts, infrastructure metrics (CPU, memory, pods), merchant-level authorisation data, false positive
rates of fraud rules, contact handling times, app ratings or NPS, device data (rooted, jailbroken), postal delivery,
or chat handles; there is no LNK-CVX-AMS-1 (no Amsterdam region) and no CVX-SR-999999; auth KPIs are kept 48 hours,
declines 7 days, link statistics 24 hours.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import EstateClock, iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.fortieth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "larkhaven_payments"
DAY = 1440
#: LNK-CVX-FRA-2: the circuit cutover (CHG-40417), the first late responses (minutes ago)
CUTOVER, LINK_ISSUE = 100, 95
#: FR-118 v7 (CHG-40398)
FR118_V7 = 330
#: FR-118 v7's hit rate (lo, hi) and the share of authorisations that are card-not-present (what FR-118 evaluates)
FR118_AFTER, CNP_SHARE = (7.2, 8.6), 0.36
#: hsm-fra-02's firmware maintenance; acs-biometric-step-up to 50%; auth-switch 7.14.2 canary in eu-dub
HSM_MAINT, ACS_FLAG, CANARY = 180, 200, 70
#: Textory's SMS delays (from, to minutes ago); Kiro Pay's token service errors
OTP_WINDOW, KIRO_WINDOW = (260, 230), (45 * 60, 42 * 60)
#: Corvex's cycle 2 settlement report: expected (minutes ago), not received
CVX_C2_DUE = 130

REGIONS = ["eu-dub", "eu-fra", "uk-lon"]
#: region -> requests per 5 minutes (lo, hi), approval % before FR-118 v7 (lo, hi), p99 ms (lo, hi)
AUTH = {
    "eu-dub": ((2800, 3200), (93.8, 95.0), (290, 360)),
    "eu-fra": ((2300, 2700), (93.0, 94.4), (300, 380)),
    "uk-lon": ((3200, 3700), (94.2, 95.4), (280, 350)),
}
#: region -> share of requests by scheme (corvex, meridian)
SCHEME_SHARE = {"eu-dub": (0.65, 0.35), "eu-fra": (0.75, 0.25), "uk-lon": (0.3, 0.7)}
#: code, description, share of requests declined with it (before FR-118 v7)
CODES = [
    ("51", "insufficient funds", 0.024),
    ("05", "do not honour", 0.010),
    ("59", "suspected fraud", 0.0055),
    ("55", "incorrect PIN", 0.0045),
    ("54", "expired card", 0.0035),
    ("14", "invalid card number", 0.0025),
    ("61", "exceeds amount limit", 0.0025),
]
#: link, scheme, region, role, access point, circuit, our timeout ms, scheme window ms, state, since (minutes ago),
#: note, messages in per 5 minutes (lo, hi)
LINKS = [
    ("LNK-CVX-DUB-1", "corvex", "eu-dub", "primary", "cvx-ap-dub-1.corvexnet.example:7401",
     "Telvane DUB-CVX-MPLS-3", 3500, 4500, "UP", 12 * DAY, "carrying all Corvex eu-dub traffic while DUB-2 is on "
     "standby", (1750, 2080)),
    ("LNK-CVX-DUB-2", "corvex", "eu-dub", "secondary", "cvx-ap-dub-2.corvexnet.example:7401",
     "Telvane DUB-CVX-MPLS-4", 3500, 4500, "STANDBY", 360, "Corvex planned maintenance of its DUB-2 access point "
     "(CVX-SR-884102); back in the pool after Corvex's all-clear", (0, 0)),
    ("LNK-CVX-FRA-1", "corvex", "eu-fra", "primary", "cvx-ap-fra-1.corvexnet.example:7401",
     "Telvane FRA-CVX-MPLS-6", 3500, 4500, "UP", 20 * DAY, "", (850, 1010)),
    ("LNK-CVX-FRA-2", "corvex", "eu-fra", "secondary", "cvx-ap-fra-2.corvexnet.example:7401",
     "Telvane FRA-CVX-MPLS-7 (new since CHG-40417; was FRA-CVX-SDH-2)", 3500, 4500, "DEGRADED", 85,
     "late responses since the circuit cutover (INC-7781); echo tests pass; revert to FRA-CVX-SDH-2 planned "
     "(CHG-40421)", (850, 1010)),
    ("LNK-CVX-LON-1", "corvex", "uk-lon", "primary", "cvx-ap-lon-1.corvexnet.example:7401",
     "Telvane LON-CVX-MPLS-1", 3500, 4500, "UP", 33 * DAY, "", (900, 1100)),
    ("LNK-MCN-DUB-1", "meridian", "eu-dub", "primary", "mip-dub-a.meridian-net.example:5120",
     "Meridian Interface Processor (on site)", 3000, 5000, "UP", 41 * DAY, "", (950, 1120)),
    ("LNK-MCN-FRA-1", "meridian", "eu-fra", "primary", "mip-fra-a.meridian-net.example:5120",
     "Meridian Interface Processor (on site)", 3000, 5000, "UP", 41 * DAY, "", (560, 690)),
    ("LNK-MCN-LON-1", "meridian", "uk-lon", "primary", "mip-lon-a.meridian-net.example:5120",
     "Meridian Interface Processor (on site)", 3000, 5000, "UP", 20 * 60,
     "flapped for 4 minutes 20 hours ago (Meridian MIP restart, no impact)", (2250, 2600)),
]  # fmt: skip
#: hsm, region, firmware, state, since (minutes ago), pool, cmds/s (lo, hi), note
HSMS = [
    ("hsm-dub-01", "eu-dub", "4.1.7", "IN_SERVICE", 9 * DAY, "dub-pin", (310, 360), ""),
    ("hsm-dub-02", "eu-dub", "4.1.7", "IN_SERVICE", 9 * DAY, "dub-pin", (310, 360), ""),
    ("hsm-dub-03", "eu-dub", "4.1.7", "IN_SERVICE", 9 * DAY, "dub-emv", (280, 330), ""),
    ("hsm-fra-01", "eu-fra", "4.1.7", "IN_SERVICE", 9 * DAY, "fra-pin", (470, 520),
     "carrying hsm-fra-02's share during its firmware upgrade"),
    ("hsm-fra-02", "eu-fra", "4.1.7", "MAINTENANCE", HSM_MAINT, "fra-pin", (0, 0),
     "firmware 4.1.7 -> 4.2.0 (CHG-40412, CRN-77812) in a 4-hour window; back in the pool after the key reload check"),
    ("hsm-fra-03", "eu-fra", "4.1.7", "IN_SERVICE", 9 * DAY, "fra-emv", (430, 480), ""),
    ("hsm-lon-01", "uk-lon", "4.1.7", "IN_SERVICE", 9 * DAY, "lon-all", (560, 640), ""),
    ("hsm-lon-02", "uk-lon", "4.1.7", "IN_SERVICE", 9 * DAY, "lon-all", (560, 640), ""),
]  # fmt: skip
#: op, minutes ago, hsm, operation, key label, kcv, custodians, result, change
KEY_OPS = [
    ("KO-3301", 21 * DAY + 300, "hsm-dub-01", "PVK / KCV quarterly check", "PVK-457123-A", "7C21E0",
     "Ilse Marchetti, Tomasz Wrobel", "ok: all check values match the key register", ""),
    ("KO-3304", 9 * DAY + 400, "hsm-dub-01", "ZMK key ceremony with Meridian (3 components)", "ZMK-MCN-2025-1",
     "A94F3B", "Ilse Marchetti, Tomasz Wrobel, Fintan Doyle", "ok: ZMK loaded to all pools", "CHG-40344"),
    ("KO-3309", 5 * DAY + 200, "hsm-fra-03", "issuer master keys generated for BIN 457190 (IMK-AC, IMK-SMI, CVK)",
     "IMK-457190-1", "0D5E92", "Ilse Marchetti, Hollie Grant", "ok: exported to Nordmark under the bureau ZMK",
     "CHG-40372"),
    ("KO-3312", 3 * DAY + 100, "hsm-fra-03", "CVK rotation for BIN 457124 (reissue after a merchant compromise)",
     "CVK-457124-B", "5B0C17", "Ilse Marchetti, Hollie Grant", "ok: new CVK for chip profile v12; old CVK kept for "
     "verification until the reissue is done", "CHG-40379"),
    ("KO-3315", 26 * 60, "hsm-dub-01", "ZPK exchange with Corvex (all regions)", "ZPK-CVX-2025-Q1", "E3D904",
     "Ilse Marchetti, Fintan Doyle", "ok: new ZPK active at Corvex and in all pools, PIN translation tested",
     "CHG-40380"),
    ("KO-3318", HSM_MAINT + 10, "hsm-fra-02", "key backup to smart cards before the firmware upgrade",
     "ALL (fra-pin pool)", "-", "Ilse Marchetti, Matteo Ferri", "ok: 14 keys backed up, check values recorded",
     "CHG-40412"),
]  # fmt: skip
#: rule, name, scope, logic, action, version, status, changed (minutes ago), by, change, previous, hit % (lo, hi),
#: share of authorisations it evaluates (of all)
RULES = [
    ("FR-104", "Card testing: small CNP amounts", "CNP", ">= 6 CNP authorisations under EUR 2 at one merchant in 30 "
     "minutes", "decline", "v3", "live", 40 * DAY, "Mateus Rocha", "CHG-40211", "v2", (0.05, 0.09), 0.36),
    ("FR-112", "High-risk MCC first use", "CNP", "first authorisation at MCC 7995 (gambling) or 6051 (crypto) in 180 "
     "days", "challenge", "v5", "live", 22 * DAY, "Noor Haddad", "CHG-40290", "v4", (0.18, 0.28), 0.36),
    ("FR-118", "CNP velocity at new merchants", "CNP", ">= 2 CNP attempts in 10 minutes at merchants not seen on the "
     "card in 90 days", "decline", "v7", "live", FR118_V7, "Noor Haddad", "CHG-40398",
     "v6: >= 5 attempts in 10 minutes, action challenge", (0.30, 0.50), CNP_SHARE),
    ("FR-125", "Geo-velocity", "CP", "card-present in two countries more than 500 km apart within 2 hours", "decline",
     "v2", "live", 60 * DAY, "Mateus Rocha", "CHG-40102", "v1", (0.02, 0.04), 0.52),
    ("FR-131", "ATM cash-out pattern", "ATM", ">= 3 ATM withdrawals in 3 countries in 24 hours", "decline", "v3",
     "live", 26 * 60, "Mateus Rocha", "CHG-40384", "v2: 4 countries", (0.01, 0.02), 0.12),
    ("FR-137", "Compromised card list", "all", "card on the scheme compromise alerts list (CAMS / Meridian SAFE "
     "alerts) since the compromise date", "decline", "v1", "live", 90 * DAY, "Yusuf Demir", "CHG-39920", "",
     (0.03, 0.06), 1.0),
    ("FR-140", "Fraud model score", "all", "fraud-scorer model v8 score >= 920", "decline", "v4", "live", 14 * DAY,
     "Yusuf Demir", "CHG-40301", "v3: >= 940", (0.15, 0.25), 1.0),
    ("FR-090", "Legacy MOTO manual review", "CNP", "MOTO authorisations over EUR 500", "off", "v2", "disabled",
     3 * DAY, "Noor Haddad", "CHG-40361", "v2 review", (0.0, 0.0), 0.36),
]  # fmt: skip
#: bin, scheme, product, card type, country, currency, capacity, issued, active, status, note
BINS = [
    ("457123", "corvex", "Corvex Classic Debit", "consumer debit", "IE", "EUR", 1_000_000, 812_400, 701_950, "live",
     ""),
    ("457124", "corvex", "Corvex Classic Debit", "consumer debit", "DE", "EUR", 1_000_000, 640_100, 566_020, "live",
     "reissue of 4,800 cards after a merchant compromise (EMB-60431)"),
    ("457188", "corvex", "Corvex Credit", "consumer credit", "IE", "EUR", 500_000, 211_900, 174_300, "live", ""),
    ("457190", "corvex", "Corvex Credit Premium", "consumer credit", "DE", "EUR", 250_000, 0, 0,
     "pending_activation", "Corvex to activate the account range (CVX-SR-883990); keys generated (KO-3309)"),
    ("539144", "meridian", "Meridian Business Debit", "business debit", "GB", "GBP", 500_000, 463_000, 401_880,
     "live", "range nearly full: new range requested from Meridian (MCN-CS-5528870)"),
    ("539145", "meridian", "Meridian World Credit", "consumer credit", "GB", "GBP", 500_000, 188_200, 160_450,
     "live", ""),
    ("539160", "meridian", "Meridian Prepaid Virtual", "prepaid", "IE", "EUR", 250_000, 71_350, 52_900, "live", ""),
]  # fmt: skip
#: batch, bureau, bin, product, reason, cards, created, status, status since, due dispatch, dispatched (minutes ago;
#: negative: ahead; None: not yet), note
BATCHES = [
    ("EMB-60402", "Carvell Secure Cards", "457123", "Corvex Classic Debit", "renewals", 12_400, 13 * DAY + 200,
     "dispatched", 11 * DAY + 100, 11 * DAY, 11 * DAY + 100, ""),
    ("EMB-60409", "Carvell Secure Cards", "539144", "Meridian Business Debit", "new_accounts", 3_150, 10 * DAY + 500,
     "dispatched", 9 * DAY, 8 * DAY + 900, 9 * DAY, ""),
    ("EMB-60414", "Nordmark Kartendruck", "457124", "Corvex Classic Debit", "renewals", 9_800, 8 * DAY + 300,
     "dispatched", 6 * DAY + 400, 6 * DAY, 6 * DAY + 400, ""),
    ("EMB-60420", "Carvell Secure Cards", "457188", "Corvex Credit", "new_accounts", 1_920, 5 * DAY + 100,
     "dispatched", 3 * DAY + 200, 3 * DAY, 3 * DAY + 200, ""),
    ("EMB-60425", "Carvell Secure Cards", "457123", "Corvex Classic Debit", "replacements", 2_640, 3 * DAY + 60,
     "dispatched", DAY + 300, DAY + 200, DAY + 300, ""),
    ("EMB-60428", "Carvell Secure Cards", "539145", "Meridian World Credit", "renewals", 6_200, 2 * DAY + 100,
     "embossing", 600, -900, None, "on schedule"),
    ("EMB-60431", "Nordmark Kartendruck", "457124", "Corvex Classic Debit", "reissue_compromise", 4_800, 30 * 60,
     "qa_hold", 540, -300, None, "QA hold at Nordmark: chip personalisation used CPS profile v11 but the batch needs "
     "v12 (new CVK, KO-3312); Nordmark to re-personalise (NKD-20931); dispatch slips by about a day"),
    ("EMB-60433", "Carvell Secure Cards", "457123", "Corvex Classic Debit", "replacements", 1_870, 20 * 60,
     "at_bureau", 17 * 60, -1500, None, ""),
    ("EMB-60436", "Carvell Secure Cards", "539144", "Meridian Business Debit", "new_accounts", 940, 240, "queued",
     240, -2900, None, "waiting for the next file transfer to Carvell"),
]  # fmt: skip
#: file specs: scheme, kind, cycle, name pattern, expected (minutes after the day's start, see _files), records and
#: amount ranges, currency
FILE_SPECS = [
    ("corvex", "clearing_in", "c1", "cvx_ctf_in_{d}_c1.dat", 700, (18_000, 23_000), (1_350_000, 1_750_000), "EUR"),
    ("corvex", "settlement_report", "c1", "cvx_sett_{d}_c1.csv", 660, (4, 4), (1_350_000, 1_750_000), "EUR"),
    ("meridian", "clearing_in", "r1", "mcn_ipm_in_{d}_r1.ipm", 520, (21_000, 26_000), (1_550_000, 1_950_000), "EUR"),
    ("meridian", "settlement_report", "r1", "mcn_sett_{d}_r1.csv", 480, (3, 3), (1_550_000, 1_950_000), "EUR"),
    ("corvex", "disputes_out", "c1", "lkh_cvx_disp_out_{d}.dat", 300, (40, 90), (4_000, 15_000), "EUR"),
    ("corvex", "clearing_in", "c2", "cvx_ctf_in_{d}_c2.dat", 190, (6_000, 9_000), (420_000, 640_000), "EUR"),
    ("corvex", "settlement_report", "c2", "cvx_sett_{d}_c2.csv", CVX_C2_DUE, (4, 4), (420_000, 640_000), "EUR"),
]  # fmt: skip
#: break, file (day, file name pattern), kind, items, amount, status, owner, opened, updated (minutes ago), note
BREAKS = [
    ("RCB-9889", (9, "cvx_ctf_in_{d}_c1.dat"), "FX rounding differences", 117, 3.18, "written_off", "Sinead Farrell",
     9 * DAY - 900, 8 * DAY, "rounding of DCC conversions; under the EUR 5 write-off limit"),
    ("RCB-9895", (4, "mcn_ipm_in_{d}_r1.ipm"), "duplicate presentments", 3, 212.40, "resolved", "Sinead Farrell",
     4 * DAY - 600, 3 * DAY, "acquirer resubmitted three presentments; second presentments charged back (A02)"),
    ("RCB-9902", (1, "mcn_ipm_in_{d}_r1.ipm"), "unmatched presentments", 41, 12_906.35, "investigating",
     "Orla Brennan", DAY - 480, 240, "41 presentments whose authorisation codes are not in our authorisation log; 38 "
     "from one acquirer (Banca Ostrova), looking like forced posts after offline chip transactions; auth trace asked "
     "of Meridian (MCN-CS-5531902); cardholders not charged until matched"),
    ("RCB-9907", (0, "cvx_sett_{d}_c2.csv"), "missing settlement report", 0, None, "open", "Orla Brennan", 100, 30,
     "Corvex's cycle 2 settlement report not received: the cycle 2 net settlement position (about EUR 0.5M) cannot "
     "be confirmed; treasury told; CVX-SR-884131"),
]  # fmt: skip
#: merchant, mcc, reason, disputes opened in days 0-29, 30-59, 60-89, amount (lo, hi) EUR
DISPUTE_MERCHANTS = [
    ("Glowfit Online", "7997", "S03", (46, 18, 9), (19.99, 49.99)),
    ("Velaro Electronics", "5732", "F04", (14, 11, 12), (180.0, 1400.0)),
    ("Nimbus Air", "4511", "P01", (11, 7, 5), (90.0, 620.0)),
    ("QuickBasket", "5411", "A02", (9, 8, 10), (12.0, 140.0)),
    ("Streamly", "4899", "S03", (8, 9, 7), (9.99, 17.99)),
    ("Casa Moda", "5651", "P03", (6, 5, 6), (35.0, 220.0)),
    ("Ostrova Fuel", "5542", "F06", (5, 2, 1), (60.0, 140.0)),
    ("Petra Hotels", "7011", "P01", (4, 6, 3), (120.0, 900.0)),
    ("Lumen Games", "5816", "F04", (3, 4, 6), (5.0, 80.0)),
]
#: channel, authentications per 30 minutes (lo, hi), challenge success % (lo, hi), challenge time s (lo, hi)
ACS_CHANNELS = [("app", (1500, 1800), (89.0, 92.0), (18.0, 24.0)),
                ("browser", (1100, 1400), (86.0, 90.0), (35.0, 45.0))]  # fmt: skip
#: wallet, requests per hour (lo, hi)
WALLETS = {"Aurum Pay": (380, 460), "Pixel Wallet": (240, 300), "Kiro Pay": (90, 130)}
#: reason -> contacts per hour (lo, hi) normally
CONTACT_RATES = {
    "card_declined": (4, 8),
    "card_not_received": (3, 6),
    "dispute_transaction": (4, 7),
    "app_login": (2, 5),
    "wallet_setup": (1, 3),
    "pin_reset": (2, 4),
    "lost_stolen": (2, 4),
    "fees_charges": (1, 3),
}
CHANNELS = ["chat", "chat", "phone", "in_app", "chat", "phone", "email", "in_app"]
#: deploy, service, version, regions, strategy, status, by, minutes ago, note
DEPLOYS = [
    ("DEP-58780", "clearing-ingest", "4.4.0", "all", "rolling", "complete", "Sinead Farrell", 6 * DAY + 200,
     "Meridian IPM 25Q1 layout"),
    ("DEP-58790", "token-vault", "2.8.4", "all", "rolling", "complete", "Jonas Brandt", 40 * 60,
     "retry with backoff on token service timeouts (after INC-7770)"),
    ("DEP-58796", "fraud-scorer", "3.9.0", "all", "blue-green", "complete", "Aditi Rao", 2 * DAY + 300,
     "model v9 in shadow (flag fraud-model-v9-shadow); v8 still scores"),
    ("DEP-58801", "auth-switch", "7.14.1", "all", "rolling", "complete", "Saoirse Kavanagh", 26 * 60,
     "ISO 8583 field 48 parsing fix for Meridian"),
    ("DEP-58805", "app-login", "11.3.0", "all", "rolling", "complete", "Matteo Ferri", 20 * 60,
     "passkey enrolment screens (flag app-passkeys)"),
    ("DEP-58809", "settle-recon", "2.3.3", "all", "rolling", "complete", "Sinead Farrell", 380,
     "break report export to CSV; matching rules unchanged"),
    ("DEP-58810", "acs-gateway", "5.2.1", "all", "rolling", "complete", "Lea Fontaine", 205,
     "biometric step-up copy changes"),
    ("DEP-58812", "auth-switch", "7.14.2", "eu-dub", "canary 10%", "canary", "Saoirse Kavanagh", CANARY,
     "partial approval for fuel pre-authorisations; eu-dub canary only, eu-fra and uk-lon on 7.14.1"),
]  # fmt: skip
#: flag, service, state, rollout %, regions, changed (minutes ago), by, change, description
FLAGS = [
    ("acs-biometric-step-up", "acs-gateway", "on", 50, "all", ACS_FLAG, "Lea Fontaine", "CHG-40405",
     "in-app biometric confirmation instead of SMS OTP for 3DS challenges (was 25%)"),
    ("app-passkeys", "app-login", "on", 10, "all", 20 * 60, "Matteo Ferri", "CHG-40392", "passkey sign-in"),
    ("auth-partial-approval", "auth-switch", "on", 100, "all", 12 * DAY, "Saoirse Kavanagh", "CHG-40260",
     "partial approvals for prepaid and fuel"),
    ("fraud-model-v9-shadow", "fraud-scorer", "shadow", 100, "all", 2 * DAY + 300, "Aditi Rao", "CHG-40366",
     "score with model v9 alongside v8, v8 decides"),
    ("stip-limits-v2", "auth-switch", "off", 0, "all", 20 * DAY, "Fintan Doyle", "CHG-40180",
     "send the new stand-in limit tables to the schemes; not live (the schemes still use the v1 limits)"),
    ("token-lifecycle-events", "token-vault", "on", 100, "all", 4 * DAY, "Jonas Brandt", "CHG-40358",
     "push token lifecycle events to the app"),
]  # fmt: skip
#: chg, title, kind, target, risk, state, requested by, implemented by, approver, raised, planned, implemented,
#: updated (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("CHG-40372", "BIN 457190 onboarding: keys and Corvex account range set-up", "scheme", "BIN 457190", "medium",
     "implemented", "Hollie Grant", "Ilse Marchetti", "Change board", 9 * DAY, 5 * DAY + 200, 5 * DAY + 200,
     5 * DAY + 200, "range pending activation at Corvex"),
    ("CHG-40379", "CVK rotation for BIN 457124 and chip profile v12", "hsm", "BIN 457124", "medium", "implemented",
     "Hollie Grant", "Ilse Marchetti", "Change board", 6 * DAY, 3 * DAY + 100, 3 * DAY + 100, 3 * DAY + 100,
     "reissue batch EMB-60431 to use profile v12"),
    ("CHG-40380", "ZPK exchange with Corvex (quarterly)", "hsm", "all pools", "medium", "implemented",
     "Ilse Marchetti", "Ilse Marchetti", "Change board", 5 * DAY, 26 * 60, 26 * 60, 26 * 60, "KO-3315"),
    ("CHG-40384", "FR-131 ATM cash-out: 4 -> 3 countries", "fraud_rules", "FR-131", "low", "implemented",
     "Mateus Rocha", "Mateus Rocha", "Fraud lead (Ciara Whelan)", 3 * DAY, 26 * 60 + 10, 26 * 60 + 10,
     26 * 60 + 10, "hit rate unchanged in the first day"),
    ("CHG-40392", "app-passkeys flag to 10%", "feature_flag", "app-login", "low", "implemented", "Matteo Ferri",
     "Matteo Ferri", "Change board", 2 * DAY, 20 * 60, 20 * 60, 20 * 60, ""),
    ("CHG-40398", "FR-118 v7: CNP velocity threshold 5 -> 2 attempts in 10 minutes, action challenge -> decline",
     "fraud_rules", "FR-118", "medium", "implemented", "Noor Haddad (fraud analyst)", "Noor Haddad",
     "Fraud lead (Ciara Whelan)", 2 * DAY, FR118_V7, FR118_V7, FR118_V7,
     "answer to the card testing wave at new merchants last week; back-out: FR-118 v6"),
    ("CHG-40405", "acs-biometric-step-up flag 25% -> 50%", "feature_flag", "acs-gateway", "low", "implemented",
     "Lea Fontaine", "Lea Fontaine", "Change board", DAY, ACS_FLAG, ACS_FLAG, ACS_FLAG, "with DEP-58810"),
    ("CHG-40412", "hsm-fra-02 firmware 4.1.7 -> 4.2.0", "hsm", "hsm-fra-02", "medium", "implemented",
     "Ilse Marchetti", "Matteo Ferri", "Change board", 4 * DAY, HSM_MAINT, HSM_MAINT, HSM_MAINT,
     "out of the fra-pin pool for a 4-hour window (hsm-fra-01 carries the pool); CRN-77812"),
    ("CHG-40417", "LNK-CVX-FRA-2 cutover to the new Telvane MPLS circuit FRA-CVX-MPLS-7", "network", "LNK-CVX-FRA-2",
     "medium", "implemented", "Darragh Quinlan (network engineer)", "Darragh Quinlan", "Change board", 6 * DAY,
     CUTOVER, CUTOVER, CUTOVER, "retires the old SDH circuit FRA-CVX-SDH-2 (kept until the end of the month); "
     "echo tests passed after the cutover; back-out: move back to FRA-CVX-SDH-2"),
    ("CHG-40421", "Emergency: LNK-CVX-FRA-2 back to the old circuit FRA-CVX-SDH-2", "network", "LNK-CVX-FRA-2",
     "medium", "approved", "Ewa Nowicka", None, "Marcus Oyelaran (incident manager)", 18, -20, None, 15,
     "INC-7781; then fix the MTU on FRA-CVX-MPLS-7 with Telvane (TLV-112044) before trying again"),
    ("CHG-40423", "FR-118 back to v6 (rollback of CHG-40398)", "fraud_rules", "FR-118", "low", "approved",
     "Yusuf Demir", None, "Fraud lead (Ciara Whelan)", 120, -45, None, 60,
     "INC-7779; at the next rules engine publish window"),
]  # fmt: skip
#: incident, title, severity, status, started, declared, resolved (minutes ago; None: open), commander, services,
#: summary
INCIDENTS = [
    ("INC-7766", "Meridian clearing file rejected by clearing-ingest (layout change)", "SEV3", "resolved",
     6 * DAY + 500, 6 * DAY + 470, 6 * DAY + 200, "Rhys Adebayo", "clearing-ingest",
     "new IPM 25Q1 layout; DEP-58780 fixed the parser, file reprocessed"),
    ("INC-7770", "Kiro Pay token provisioning errors", "SEV3", "resolved", KIRO_WINDOW[0], KIRO_WINDOW[0] - 25,
     KIRO_WINDOW[1], "Rhys Adebayo", "token-vault, Kiro Pay TSP",
     "Kiro Pay's token service returned errors for 3 hours (KRO-TSP-3310); other wallets fine"),
    ("INC-7776", "App login SMS one-time passcodes delayed (Textory)", "SEV4", "resolved", OTP_WINDOW[0],
     OTP_WINDOW[0] - 12, OTP_WINDOW[1] - 2, "Marcus Oyelaran", "app-login, acs-gateway (SMS OTP)",
     "Textory's SMS route to Irish and German networks delayed (TXT-4471); logins and browser 3DS challenges failed "
     "on OTP timeouts for 30 minutes"),
    ("INC-7779", "Card-not-present declines up (code 59, suspected fraud) in all regions", "SEV3", "mitigating",
     FR118_V7, 190, None, "Ciara Whelan (fraud lead)", "fraud rules engine, auth-switch",
     "FR-118 v7 (CHG-40398) declines CNP authorisations at new merchants after 2 attempts; rollback CHG-40423 "
     "approved, at the next publish window"),
    ("INC-7781", "eu-fra: Corvex responses late on LNK-CVX-FRA-2, Corvex stand-in (STIP) up", "SEV2", "mitigating",
     LINK_ISSUE, 82, None, "Marcus Oyelaran", "LNK-CVX-FRA-2, auth-switch eu-fra",
     "since the circuit cutover (CHG-40417) chip responses reach Corvex late and Corvex approves in stand-in; revert "
     "to the old circuit (CHG-40421) approved"),
]  # fmt: skip
#: incident, minutes ago, author, role, kind, entry
EVENTS = [
    ("INC-7781", LINK_ISSUE, "link-monitor", "monitoring", "detected", "first late responses on LNK-CVX-FRA-2"),
    ("INC-7781", 88, "link-monitor", "monitoring", "detected", "alert: LNK-CVX-FRA-2 late responses above 5% "
     "(14.9%); echo tests OK"),
    ("INC-7781", 85, "Priya Natarajan", "payments ops shift lead", "update", "LNK-CVX-FRA-2 marked DEGRADED; Corvex "
     "stand-in advices rising in eu-fra"),
    ("INC-7781", 82, "Marcus Oyelaran", "incident manager", "declared", "SEV2 declared: eu-fra Corvex authorisations "
     "answered in stand-in"),
    ("INC-7781", 75, "Ewa Nowicka", "network on call", "update", "joined; LNK-CVX-FRA-2 was moved to the new Telvane "
     "circuit at the start of the window (CHG-40417)"),
    ("INC-7781", 64, "Saoirse Kavanagh", "payments platform on call", "finding", "not the HSMs: hsm-fra-02 is out for "
     "its firmware upgrade (CHG-40412) but hsm-fra-01 and hsm-fra-03 carry eu-fra with no errors and normal "
     "command times; auth-switch decision latency normal"),
    ("INC-7781", 52, "Ewa Nowicka", "network on call", "action", "CVX-SR-884127 raised with Corvex (P1)"),
    ("INC-7781", 40, "Ewa Nowicka", "network on call", "finding", "the late responses are almost all chip "
     "authorisations (large 0110s with field 55); TCP retransmits on FRA-CVX-MPLS-7 up from single digits to "
     "hundreds per 5 minutes: fragmentation on the new circuit"),
    ("INC-7781", 35, "Ewa Nowicka", "network on call", "action", "TLV-112044 raised with Telvane (P1)"),
    ("INC-7781", 28, "Henrike Vogt", "Corvex issuer support", "update", "about 15% of FRA-2's responses reach us "
     "after the 4500 ms issuer window; STIP answers them with your stand-in limits; large 0110s are the late ones"),
    ("INC-7781", 22, "Ewa Nowicka", "network on call", "finding", "Telvane confirms FRA-CVX-MPLS-7 carries a 1400-byte "
     "MTU (GRE) and Corvex's side drops the ICMP for path MTU discovery"),
    ("INC-7781", 15, "Marcus Oyelaran", "incident manager", "action", "emergency CHG-40421 approved: LNK-CVX-FRA-2 "
     "back to FRA-CVX-SDH-2 in 20 minutes (Darragh Quinlan)"),
    ("INC-7779", 190, "Priya Natarajan", "payments ops shift lead", "declared", "SEV3: card_declined contacts five "
     "times the usual; code 59 declines up in every region"),
    ("INC-7779", 178, "Ciara Whelan", "fraud lead", "update", "commander; fraud on call paged"),
    ("INC-7779", 165, "Yusuf Demir", "fraud on call", "finding", "FR-118 v7 (CHG-40398) since the start: hit rate "
     "about 8% of CNP authorisations against 0.4% on v6, and it now declines instead of challenging"),
    ("INC-7779", 140, "Yusuf Demir", "fraud on call", "finding", "sampled 200 FR-118 declines: most look like genuine "
     "customers retrying a declined payment"),
    ("INC-7779", 120, "Yusuf Demir", "fraud on call", "action", "rollback CHG-40423 raised: FR-118 back to v6"),
    ("INC-7779", 60, "Ciara Whelan", "fraud lead", "action", "CHG-40423 approved for the next rules engine publish "
     "window; customers told to retry after it in the app banner"),
    ("INC-7776", OTP_WINDOW[0], "app-login", "monitoring", "detected", "OTP failures up"),
    ("INC-7776", OTP_WINDOW[0] - 12, "Marcus Oyelaran", "incident manager", "declared", "SEV4: Textory SMS delays "
     "(TXT-4471)"),
    ("INC-7776", OTP_WINDOW[1] - 2, "Marcus Oyelaran", "incident manager", "resolved", "Textory rerouted; OTPs on "
     "time"),
]  # fmt: skip
#: ref, counterparty, subject, related, status, priority, their contact, phone, raised by, opened, updated
#: (minutes ago), latest
CASES = [
    ("CVX-SR-883990", "Corvex", "Activate account range for BIN 457190", "BIN 457190", "in_progress", "P3",
     "Corvex onboarding desk", "+49 69 5550 1800", "Hollie Grant", 5 * DAY, 2 * DAY,
     "range set up; activation in the next monthly table release"),
    ("CVX-SR-884102", "Corvex", "Planned maintenance: DUB-2 access point", "LNK-CVX-DUB-2", "in_progress", "P4",
     "Corvex network operations", "+49 69 5550 1870", "Keelan Moore", 3 * DAY, 360,
     "access point maintenance started; all-clear expected within 8 hours"),
    ("CVX-SR-884127", "Corvex", "Issuer responses late on LNK-CVX-FRA-2, STIP active", "LNK-CVX-FRA-2, INC-7781",
     "in_progress", "P1", "Henrike Vogt (issuer support)", "+49 69 5550 1870", "Ewa Nowicka", 52, 28,
     "about 15% of your responses on FRA-2 reach us after the 4500 ms issuer window; STIP answers them with your "
     "stand-in limits and sends advices; our side of the circuit is clean; the late ones are large 0110s with field "
     "55: check MTU and fragmentation on your new circuit"),
    ("CVX-SR-884131", "Corvex", "Cycle 2 settlement report not delivered", "cvx_sett c2, RCB-9907", "in_progress",
     "P2", "Corvex settlement services", "+49 69 5550 1890", "Orla Brennan", 100, 40,
     "cycle 2 settlement job re-run at Corvex after a failed step; report to follow, no new time given"),
    ("MCN-CS-5528870", "Meridian", "New account range for business debit", "BIN 539144", "in_progress", "P3",
     "Meridian customer delivery", "+44 20 7946 0420", "Hollie Grant", 20 * DAY, 6 * DAY,
     "new 8-digit range allocated; set-up in the next release"),
    ("MCN-CS-5531902", "Meridian", "Auth trace for 41 unmatched presentments", "RCB-9902", "in_progress", "P3",
     "Meridian clearing support", "+44 20 7946 0455", "Orla Brennan", DAY - 540, 300,
     "trace running; Banca Ostrova confirms offline chip forced posts for 38 of them"),
    ("TLV-112044", "Telvane Networks", "MTU on the new circuit FRA-CVX-MPLS-7", "LNK-CVX-FRA-2, CHG-40417",
     "in_progress", "P1", "Telvane NOC (Jens Ammann)", "+49 30 5550 2210", "Ewa Nowicka", 35, 22,
     "confirmed: GRE on FRA-CVX-MPLS-7 leaves a 1400-byte MTU; can raise it to 1500 in tomorrow's window or you "
     "clamp the MSS on your side"),
    ("CRN-77812", "Corrin HSM", "Firmware 4.2.0 upgrade support for hsm-fra-02", "hsm-fra-02, CHG-40412",
     "in_progress", "P4", "Corrin support (Pavel Hruby)", "+44 1632 960330", "Ilse Marchetti", 4 * DAY, HSM_MAINT,
     "upgrade running to plan"),
    ("NKD-20931", "Nordmark Kartendruck", "EMB-60431 chip profile mismatch", "EMB-60431", "in_progress", "P2",
     "Nordmark production (Anja Reuter)", "+49 341 5550 7700", "Hollie Grant", 520, 200,
     "cards personalised with CPS profile v11; re-personalising with v12, dispatch about a day late"),
    ("CSC-4410", "Carvell Secure Cards", "Card carrier stock", "EMB-60428", "resolved", "P4",
     "Carvell account desk", "+353 1 555 0190", "Tomasz Wrobel", 6 * DAY, 4 * DAY, "carrier stock delivered"),
    ("TXT-4471", "Textory", "SMS OTP delays to IE and DE networks", "INC-7776", "resolved", "P2",
     "Textory support", "+44 1632 960470", "Marcus Oyelaran", OTP_WINDOW[0] - 10, OTP_WINDOW[1] - 5,
     "a congested route; traffic moved to the backup route"),
    ("KRO-TSP-3310", "Kiro Pay", "Token service errors on provisioning", "INC-7770", "resolved", "P2",
     "Kiro Pay partner support", "+82 2 5550 3310", "Rhys Adebayo", KIRO_WINDOW[0] - 20, KIRO_WINDOW[1] - 30,
     "database failover at Kiro's token service; fixed"),
]  # fmt: skip
ROTAS = {
    "payments_platform": [("primary", ["Fintan Doyle", "Saoirse Kavanagh", "Jonas Brandt", "Aditi Rao"]),
                          ("secondary", ["Aditi Rao", "Matteo Ferri", "Fintan Doyle", "Jonas Brandt"])],
    "network": [("primary", ["Keelan Moore", "Ewa Nowicka", "Darragh Quinlan", "Keelan Moore"])],
    "fraud_ops": [("primary", ["Noor Haddad", "Yusuf Demir", "Mateus Rocha", "Noor Haddad"])],
    "settlement_ops": [("primary", ["Sinead Farrell", "Orla Brennan", "Sinead Farrell", "Orla Brennan"])],
    "card_ops": [("primary", ["Tomasz Wrobel", "Hollie Grant", "Tomasz Wrobel", "Hollie Grant"])],
    "incident_manager": [("primary", ["Rhys Adebayo", "Marcus Oyelaran", "Rhys Adebayo", "Marcus Oyelaran"])],
}  # fmt: skip
#: payments operations shift leads: two before the one on now, the one on now, the next
SHIFT_LEADS = ["Hannah Roewe", "Lorcan Tierney", "Priya Natarajan", "Gustav Ek"]
PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(SHIFT_LEADS))
MOBILES = {p: f"+353 87 555 {1200 + 37 * i:04d}" for i, p in enumerate(PEOPLE)}
#: doc, title, owner, body
RUNBOOKS = [
    ("RBK-ESC-00", "Payments escalation matrix", "Payments operations",
     "SEV1: authorisations failing in a region or a scheme link down with no secondary. SEV2: a region's "
     "authorisations answered in scheme stand-in above 2%, a settlement position unconfirmed at the cut-off, or "
     "an HSM pool down to one device. SEV3: approval rate down more than 2 points, a fraud rule misfiring, a "
     "reconciliation break above EUR 10,000. Page the payments ops shift lead first; they page the on-call rota "
     "(payments platform, network, fraud ops, settlement ops, card ops) and the incident manager for SEV1 and SEV2. "
     "Scheme cases: P1 for live authorisation impact; call Corvex issuer support after 30 minutes without progress."),
    ("RBK-STIP-01", "Scheme stand-in (STIP) surge", "Payments platform",
     "Stand-in share above 1% in a region: 1. check the scheme links' late responses and echo tests "
     "(scheme_link_stats) and which link they are on; 2. check auth-switch decision latency and the HSM pool: if "
     "both are normal the problem is between us and the scheme; 3. declare SEV2 above 2%; 4. raise a P1 scheme "
     "case; 5. consider taking the link out (the scheme routes to the other link) or reverting a recent network "
     "change; 6. stand-in approvals are made with the stand-in limits we filed (v1 tables) and arrive as advices: "
     "post them to the ledger and watch for over-limit spend; 7. tell fraud ops: stand-in skips our fraud rules."),
    ("RBK-LINK-04", "Scheme link degraded or timing out", "Network",
     "Late responses or timeouts on one link with echo tests passing usually means large messages are lost: "
     "fragmentation or MTU on the circuit (chip responses with field 55 are the largest), or a firewall. Compare "
     "late_chip with late_responses and the TCP retransmits. Fixes: revert the last circuit change, clamp the TCP "
     "MSS to 1360, or ask the scheme to drain the link. Never change both links of a scheme in one window."),
    ("RBK-FRAUD-07", "Fraud rule change and rollback", "Fraud ops",
     "Every rule change needs a CHG and a shadow run of 24 hours before a decline action goes live. If declines or "
     "card_declined contacts jump after a change: compare the rule's hit rate with its previous version, sample "
     "100 hits, and roll back to the previous version at the next publish window (hourly) with the fraud lead's "
     "approval; an emergency publish needs the incident manager."),
    ("RBK-HSM-02", "HSM out of the pool or firmware upgrade", "Payments platform",
     "Take one HSM out at a time; back up keys to smart cards first (two custodians); the pool must keep at least "
     "two devices or run at under 70% of capacity. After the upgrade reload keys, compare the check values with "
     "the key register and run PIN translation and ARQC tests before putting it back."),
    ("RBK-SETT-03", "Settlement file late or missing", "Settlement ops",
     "A settlement report more than 60 minutes late: check the file transfer logs, raise a P2 case with the "
     "scheme, open a reconciliation break of kind 'missing settlement report', and tell treasury the net position "
     "is unconfirmed; fund on the scheme's advisement if the report misses the funding cut-off."),
    ("RBK-RECON-05", "Reconciliation break", "Settlement ops",
     "Breaks are worked oldest first. Unmatched presentments: search the authorisation log by ARN and auth code, "
     "ask the scheme for an auth trace, and do not post to the cardholder until matched. Write off breaks under "
     "EUR 5 with the settlement lead's approval."),
    ("RBK-3DS-01", "ACS challenge failures", "Payments platform",
     "Challenge success under 80% on a channel: check the SMS provider (browser OTP) and the app push service; "
     "switch SMS to the backup route; the acs-biometric-step-up flag can be raised to move app users off SMS."),
    ("RBK-TOKEN-02", "Wallet provisioning errors", "Payments platform",
     "Errors on one wallet only: the wallet's or the scheme's token service; raise a case with the wallet and "
     "watch token-vault's retries; errors on every wallet: token-vault or the HSMs."),
    ("RBK-CARD-06", "Card production batch on hold", "Card ops",
     "A batch on QA hold at a bureau: get the reason in writing, decide re-personalise or destroy, update the "
     "cards' delivery dates in the app, and tell the contact centre; reissue batches after a compromise keep the old "
     "cards live until the new ones are activated."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE auth_kpis (region TEXT, sample_end TEXT, end_epoch INTEGER, requests INTEGER, approved INTEGER,
                        declined INTEGER, approval_pct REAL, p50_ms INTEGER, p99_ms INTEGER, late_responses INTEGER,
                        stip_approved INTEGER, stip_declined INTEGER, standin_pct REAL);
CREATE INDEX auth_kpis_epoch ON auth_kpis (end_epoch);
CREATE TABLE declines (region TEXT, scheme TEXT, hour_end TEXT, end_epoch INTEGER, code TEXT, description TEXT,
                       source TEXT, declines INTEGER);
CREATE INDEX declines_epoch ON declines (end_epoch);
CREATE TABLE links (link TEXT PRIMARY KEY, scheme TEXT, region TEXT, role TEXT, access_point TEXT, circuit TEXT,
                    our_timeout_ms INTEGER, scheme_window_ms INTEGER, state TEXT, since TEXT, note TEXT);
CREATE TABLE link_stats (link TEXT, sample_end TEXT, end_epoch INTEGER, msgs_in INTEGER, msgs_out INTEGER,
                         late_responses INTEGER, late_chip INTEGER, echo_ok INTEGER, echo_fail INTEGER,
                         echo_rtt_ms REAL, tcp_retransmits INTEGER);
CREATE TABLE hsms (hsm TEXT PRIMARY KEY, region TEXT, model TEXT, firmware TEXT, state TEXT, since TEXT, pool TEXT,
                   cmds_per_s INTEGER, avg_cmd_ms REAL, errors_1h INTEGER, note TEXT);
CREATE TABLE key_ops (op TEXT PRIMARY KEY, at_utc TEXT, at_epoch INTEGER, hsm TEXT, operation TEXT, key_label TEXT,
                      kcv TEXT, custodians TEXT, result TEXT, change_ref TEXT);
CREATE TABLE fraud_rules (rule TEXT PRIMARY KEY, name TEXT, scope TEXT, logic TEXT, action TEXT, version TEXT,
                          status TEXT, changed TEXT, changed_by TEXT, change_ref TEXT, previous TEXT);
CREATE TABLE rule_hits (rule TEXT, hour_end TEXT, end_epoch INTEGER, evaluated INTEGER, hits INTEGER, hit_pct REAL,
                        declines INTEGER, challenges INTEGER);
CREATE TABLE acs (channel TEXT, sample_end TEXT, end_epoch INTEGER, authentications INTEGER, frictionless INTEGER,
                  challenged INTEGER, success_pct REAL, failed INTEGER, abandoned INTEGER, avg_challenge_s REAL);
CREATE TABLE bins (bin TEXT PRIMARY KEY, scheme TEXT, product TEXT, card_type TEXT, country TEXT, currency TEXT,
                   capacity INTEGER, issued INTEGER, active INTEGER, status TEXT, note TEXT);
CREATE TABLE batches (batch TEXT PRIMARY KEY, bureau TEXT, bin TEXT, product TEXT, reason TEXT, cards INTEGER,
                      created TEXT, created_epoch INTEGER, status TEXT, status_since TEXT, due_dispatch TEXT,
                      dispatched TEXT, note TEXT);
CREATE TABLE files (file_id TEXT PRIMARY KEY, scheme TEXT, kind TEXT, cycle TEXT, name TEXT, expected TEXT,
                    received TEXT, status TEXT, records INTEGER, amount REAL, currency TEXT, matched INTEGER);
CREATE TABLE breaks (brk TEXT PRIMARY KEY, file_id TEXT, file_name TEXT, kind TEXT, items INTEGER, amount REAL,
                     currency TEXT, status TEXT, owner TEXT, opened TEXT, opened_epoch INTEGER, updated TEXT,
                     note TEXT);
CREATE TABLE disputes (dispute TEXT PRIMARY KEY, opened TEXT, opened_epoch INTEGER, merchant TEXT, mcc TEXT,
                       scheme TEXT, reason TEXT, amount_eur REAL, status TEXT);
CREATE TABLE provisioning (wallet TEXT, hour_end TEXT, end_epoch INTEGER, requests INTEGER, approved INTEGER,
                           step_up INTEGER, declined INTEGER, errors INTEGER);
CREATE TABLE logins (sample_end TEXT, end_epoch INTEGER, attempts INTEGER, successful INTEGER,
                     failed_password INTEGER, failed_otp INTEGER, failed_biometric INTEGER, lockouts INTEGER);
CREATE TABLE deploys (deploy TEXT PRIMARY KEY, service TEXT, version TEXT, regions TEXT, strategy TEXT, status TEXT,
                      deployed_by TEXT, at_utc TEXT, at_epoch INTEGER, note TEXT);
CREATE TABLE flags (flag TEXT PRIMARY KEY, service TEXT, state TEXT, rollout_pct INTEGER, regions TEXT,
                    changed TEXT, changed_by TEXT, change_ref TEXT, description TEXT);
CREATE TABLE changes (chg TEXT PRIMARY KEY, title TEXT, kind TEXT, target TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE incidents (incident TEXT PRIMARY KEY, title TEXT, severity TEXT, status TEXT, started TEXT,
                        start_epoch INTEGER, declared TEXT, resolved TEXT, commander TEXT, services TEXT,
                        summary TEXT);
CREATE TABLE incident_events (incident TEXT, at_utc TEXT, at_epoch INTEGER, author TEXT, role TEXT, kind TEXT,
                              entry TEXT);
CREATE TABLE contacts (contact TEXT PRIMARY KEY, at_utc TEXT, at_epoch INTEGER, channel TEXT, reason TEXT);
CREATE INDEX contacts_epoch ON contacts (at_epoch);
CREATE TABLE runbooks (doc TEXT PRIMARY KEY, title TEXT, owner TEXT, body TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, counterparty TEXT, subject TEXT, related TEXT, status TEXT, priority TEXT,
                    their_contact TEXT, phone TEXT, raised_by TEXT, opened TEXT, opened_epoch INTEGER, updated TEXT,
                    latest TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                     mobile TEXT);
"""


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _int(lo: int, hi: int, key: str, i: int) -> int:
    return lo + int((hi - lo + 1) * noise(key, i))


def _overlap(end: float, length: float, window: tuple[float, float]) -> float:
    """The share of the sample covering (``end`` + ``length``, ``end``] minutes ago inside ``window`` (from, to
    minutes ago)."""
    lo, hi = max(end, window[1]), min(end + length, window[0])
    return max(0.0, hi - lo) / length


def _after(end: float, length: float, at: float) -> float:
    """The share of the sample covering (``end`` + ``length``, ``end``] minutes ago after ``at`` minutes ago."""
    return _overlap(end, length, (at, -1e9))


def _auth(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for region, ((r_lo, r_hi), (a_lo, a_hi), (p_lo, p_hi)) in AUTH.items():
        for k in range(48 * 12 - 1, -1, -1):
            m = 1 + 5 * k
            requests = _int(r_lo, r_hi, region + "req", k)
            approval = _between(a_lo, a_hi, region + "appr", k, 2)
            approval -= _after(m, 5, FR118_V7) * _between(2.7, 3.0, region + "fr118", k, 2)
            late = _int(0, 3, region + "late", k) if region == "eu-fra" else _int(0, 1, region + "late", k)
            stip_ok, stip_no = late, 0
            if region == "eu-fra" and m < LINK_ISSUE:
                late = _int(95, 140, region + "late2", k)
                stip_ok = round(late * _between(0.86, 0.9, region + "stip", k, 3))
                stip_no = late - stip_ok
            approved = round(requests * approval / 100)
            rows.append((region, clock.ago(m), clock.epoch(m), requests, approved, requests - approved,
                         round(100 * approved / requests, 2), _int(38, 52, region + "p50", k),
                         _int(p_lo, p_hi, region + "p99", k), late, stip_ok, stip_no,
                         round(100 * stip_ok / requests, 2)))  # fmt: skip
    return rows


def _declines(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for region, ((r_lo, r_hi), _a, _p) in AUTH.items():
        per_hour = 12 * (r_lo + r_hi) / 2
        for scheme, share in zip(("corvex", "meridian"), SCHEME_SHARE[region], strict=True):
            for k in range(7 * 24 - 1, -1, -1):
                m = 4 + 60 * k
                requests = per_hour * share
                for code, desc, rate in CODES:
                    n = requests * rate * (0.9 + 0.2 * noise(region + scheme + code, k))
                    if code == "59":
                        v7 = _between(*FR118_AFTER, region + scheme + "59", k, 3) / 100
                        n += requests * CNP_SHARE * v7 * _after(m, 60, FR118_V7)
                    rows.append((region, scheme, clock.ago(m), clock.epoch(m), code, desc, "issuer", round(n)))
                if region == "eu-fra" and scheme == "corvex":
                    stip = _after(m, 60, LINK_ISSUE) * 12 * _int(10, 15, "stip91", k)
                    if stip:
                        rows.append((region, scheme, clock.ago(m), clock.epoch(m), "91",
                                     "issuer unavailable (scheme stand-in)", "scheme_stip", round(stip)))  # fmt: skip
    return rows


def _link_stats(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for link, *_rest, state, _since, _note, (lo, hi) in LINKS:
        for k in range(24 * 12 - 1, -1, -1):
            m = 2 + 5 * k
            if state == "STANDBY" and m < 360:
                msgs = 0
            elif link in ("LNK-CVX-DUB-1", "LNK-CVX-DUB-2") and m >= 360:  # both in the pool before DUB-2's standby
                msgs = _int(850, 1010, link + "in", k)
            else:
                msgs = _int(lo, hi, link + "in", k)
            late, chip, retrans = _int(0, 2, link + "late", k), 0, _int(2, 9, link + "tcp", k)
            chip = min(late, _int(0, 1, link + "chip", k))
            if link == "LNK-CVX-FRA-2" and m < LINK_ISSUE:
                late = _int(95, 140, link + "late2", k)
                chip = late - _int(0, 3, link + "chip2", k)
                retrans = _int(310, 480, link + "tcp2", k)
            if msgs == 0:
                late = chip = retrans = 0
            echo_ok = 10 if msgs else 0
            rows.append((link, clock.ago(m), clock.epoch(m), msgs, msgs - _int(0, 2, link + "out", k) if msgs else 0,
                         late, chip, echo_ok, 0, _between(19.0, 27.0, link + "rtt", k) if msgs else None,
                         retrans))  # fmt: skip
    return rows


def _rule_hits(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    all_per_hour = sum(12 * (lo + hi) / 2 for (lo, hi), _a, _p in AUTH.values())
    for rule, _n, _s, _l, action, _v, status, _c, _b, _r, _p, (lo, hi), share in RULES:
        for k in range(71, -1, -1):
            m = 10 + 60 * k
            evaluated = round(all_per_hour * share * (0.95 + 0.1 * noise(rule + "ev", k)))
            pct = _between(lo, hi, rule + "hit", k, 3) if status == "live" else 0.0
            declines = challenges = 0
            if rule == "FR-118":
                after = _after(m, 60, FR118_V7)
                v7 = _between(*FR118_AFTER, rule + "hit7", k, 3)
                hits_v6, hits_v7 = evaluated * pct / 100 * (1 - after), evaluated * v7 / 100 * after
                declines, challenges = round(hits_v7), round(hits_v6)
                hits = declines + challenges
            else:
                hits = round(evaluated * pct / 100)
                if action == "decline":
                    declines = hits
                elif action == "challenge":
                    challenges = hits
            rows.append((rule, clock.ago(m), clock.epoch(m), evaluated, hits, round(100 * hits / evaluated, 2),
                         declines, challenges))  # fmt: skip
    return rows


def _acs(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for channel, (lo, hi), (s_lo, s_hi), (t_lo, t_hi) in ACS_CHANNELS:
        for k in range(95, -1, -1):
            m = 5 + 30 * k
            auths = _int(lo, hi, channel + "n", k)
            frictionless = round(auths * _between(0.84, 0.88, channel + "fr", k, 3))
            challenged = auths - frictionless
            success = _between(s_lo, s_hi, channel + "ok", k, 1)
            secs = _between(t_lo, t_hi, channel + "t", k)
            if channel == "app":
                success = round(success + _after(m, 30, ACS_FLAG) * (3.5 + noise("acsflag", k)), 1)
            else:
                share = _overlap(m, 30, OTP_WINDOW)
                success = round(success - share * (50 + 10 * noise("otp", k)), 1)
                secs = round(secs + share * 130, 1)
            unsuccessful = challenged - round(challenged * success / 100)
            abandoned = round(unsuccessful * 0.6)
            rows.append((channel, clock.ago(m), clock.epoch(m), auths, frictionless, challenged, success,
                         unsuccessful - abandoned, abandoned, secs))  # fmt: skip
    return rows


def _provisioning(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for wallet, (lo, hi) in WALLETS.items():
        for k in range(71, -1, -1):
            m = 20 + 60 * k
            requests = _int(lo, hi, wallet + "n", k)
            errors = _int(0, 2, wallet + "err", k)
            if wallet == "Kiro Pay":
                errors = max(errors, round(requests * 0.7 * _overlap(m, 60, KIRO_WINDOW)))
            rest = requests - errors
            step_up = round(rest * _between(0.05, 0.07, wallet + "y", k, 3))
            declined = round(rest * _between(0.01, 0.02, wallet + "r", k, 3))
            rows.append((wallet, clock.ago(m), clock.epoch(m), requests, rest - step_up - declined, step_up, declined,
                         errors))  # fmt: skip
    return rows


def _logins(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(24 * 4 - 1, -1, -1):
        m = 3 + 15 * k
        attempts = _int(5200, 6200, "login", k)
        share = _overlap(m, 15, OTP_WINDOW)
        otp = round(_int(35, 60, "otp", k) * (1 - share) + share * _int(650, 900, "otp2", k))
        password, bio = _int(110, 160, "pw", k), _int(40, 70, "bio", k)
        lockouts = _int(8, 15, "lock", k) + round(share * 28)
        rows.append((clock.ago(m), clock.epoch(m), attempts, attempts - otp - password - bio, password, otp, bio,
                     lockouts))  # fmt: skip
    return rows


def _contacts(clock: EstateClock) -> list[tuple[Any, ...]]:
    """Contacts of the last 14 days; each in the hour (60k + 60, 60k] minutes ago at least 8 minutes from its ends."""
    items: list[tuple[int, str]] = []
    for k in range(14 * 24):
        for reason, (lo, hi) in CONTACT_RATES.items():
            n = _int(lo, hi, reason, k)
            if reason == "card_declined" and 60 * k + 52 < FR118_V7 - 20:
                n = _int(38, 52, reason + "fr118", k)
            if reason == "app_login" and _overlap(60 * k, 60, OTP_WINDOW) > 0:
                n = _int(25, 35, reason + "otp", k)
            for j in range(n):
                items.append((60 * k + 8 + int(44 * noise(reason + str(k), j)), reason))
    items.sort(key=lambda x: -x[0])
    return [(f"CT-{3_100_000 + n}", clock.ago(m), clock.epoch(m), CHANNELS[int(8 * noise("ch", n))], reason)
            for n, (m, reason) in enumerate(items)]  # fmt: skip


def _disputes(clock: EstateClock) -> list[tuple[Any, ...]]:
    items: list[tuple[int, str, str, str, float]] = []
    for merchant, mcc, reason, counts, (lo, hi) in DISPUTE_MERCHANTS:
        for band, count in enumerate(counts):
            for j in range(count):
                day = 30 * band + int(30 * noise(merchant + "d" + str(band), j))
                m = day * DAY + 120 + int(1200 * noise(merchant + "m", 100 * band + j))
                items.append((m, merchant, mcc, reason, round(lo + (hi - lo) * noise(merchant + "a", j), 2)))
    items.sort(key=lambda x: -x[0])
    rows = []
    for n, (m, merchant, mcc, reason, amount) in enumerate(items):
        status = "open" if m < 20 * DAY else ("represented" if m < 45 * DAY and n % 3 == 0 else "closed")
        scheme = "corvex" if noise("sch", n) < 0.6 else "meridian"
        rows.append((f"DSP-{7_204_000 + n}", clock.ago(m), clock.epoch(m), merchant, mcc, scheme, reason, amount,
                     status))  # fmt: skip
    return rows


def _files(clock: EstateClock) -> tuple[list[tuple[Any, ...]], dict[tuple[int, str], tuple[str, str]]]:
    """14 days of files: day k's file is expected ``k`` days and its offset minutes before now; returns the rows and
    (day, name pattern) -> (file id, file name)."""
    items = []
    for k in range(14):
        for scheme, kind, cycle, pattern, off, (r_lo, r_hi), (a_lo, a_hi), currency in FILE_SPECS:
            m = k * DAY + off
            items.append((m, k, scheme, kind, cycle, pattern, (r_lo, r_hi), (a_lo, a_hi), currency))
    items.sort(key=lambda x: -x[0])
    rows: list[tuple[Any, ...]] = []
    ids: dict[tuple[int, str], tuple[str, str]] = {}
    for n, (m, k, scheme, kind, cycle, pattern, (r_lo, r_hi), (a_lo, a_hi), currency) in enumerate(items):
        expected = clock.now - timedelta(minutes=m)
        name = pattern.format(d=f"{expected:%Y%m%d}")
        file_id = f"SF-{204_100 + n}"
        ids[(k, pattern)] = (file_id, name)
        records = _int(r_lo, r_hi, pattern + "rec", k)
        amount = round(_between(a_lo, a_hi, pattern + "amt", k, 0) + 100 * noise(pattern + "cents", k), 2)
        received: str | None = clock.ago(m - 4 - int(20 * noise(pattern + "rcv", k)))
        status, matched = "reconciled", records
        if k == 0 and pattern == "cvx_sett_{d}_c2.csv":
            received, status, records, amount, matched = None, "late", 0, 0.0, 0
        elif k == 1 and pattern == "mcn_ipm_in_{d}_r1.ipm":
            status, matched = "break", records - 41
        elif k == 0 and m < 240 and kind == "clearing_in":
            status = "received"
        rows.append((file_id, scheme, kind, cycle, name, iso(expected), received, status, records or None,
                     amount or None, currency, matched if records else None))  # fmt: skip
    return rows, ids


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour shifts from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, lead in enumerate(SHIFT_LEADS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("day" if s.hour == 7 else "night", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), lead,
                     MOBILES[lead]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO auth_kpis VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _auth(clock))
    db.executemany("INSERT INTO declines VALUES (?,?,?,?,?,?,?,?)", _declines(clock))
    db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*r[:9], ago(r[9]), r[10]) for r in LINKS])  # fmt: skip
    db.executemany("INSERT INTO link_stats VALUES (?,?,?,?,?,?,?,?,?,?,?)", _link_stats(clock))
    hsms = []
    for n, (hsm, region, firmware, state, since, pool, (lo, hi), note) in enumerate(HSMS):
        busy = state == "IN_SERVICE"
        hsms.append((hsm, region, "Corrin K9", firmware, state, ago(since), pool, _int(lo, hi, hsm, n) if busy else 0,
                     _between(1.6, 2.4, hsm + "ms", n) if busy else None, 0, note))  # fmt: skip
    db.executemany("INSERT INTO hsms VALUES (?,?,?,?,?,?,?,?,?,?,?)", hsms)
    db.executemany("INSERT INTO key_ops VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(o, ago(m), clock.epoch(m), *rest) for o, m, *rest in KEY_OPS])  # fmt: skip
    db.executemany("INSERT INTO fraud_rules VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*r[:7], ago(r[7]), *r[8:11]) for r in RULES])  # fmt: skip
    db.executemany("INSERT INTO rule_hits VALUES (?,?,?,?,?,?,?,?)", _rule_hits(clock))
    db.executemany("INSERT INTO acs VALUES (?,?,?,?,?,?,?,?,?,?)", _acs(clock))
    db.executemany("INSERT INTO bins VALUES (?,?,?,?,?,?,?,?,?,?,?)", BINS)
    db.executemany("INSERT INTO batches VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(b, bu, bn, p, r, c, ago(cr), clock.epoch(cr), st, ago(ss), ago(due), ago(dis), note)
                    for b, bu, bn, p, r, c, cr, st, ss, due, dis, note in BATCHES])  # fmt: skip
    files, ids = _files(clock)
    db.executemany("INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", files)
    db.executemany("INSERT INTO breaks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(b, *ids[f], k, i, a, "EUR", st, o, ago(op), clock.epoch(op), ago(up), note)
                    for b, f, k, i, a, st, o, op, up, note in BREAKS])  # fmt: skip
    db.executemany("INSERT INTO disputes VALUES (?,?,?,?,?,?,?,?,?)", _disputes(clock))
    db.executemany("INSERT INTO provisioning VALUES (?,?,?,?,?,?,?,?)", _provisioning(clock))
    db.executemany("INSERT INTO logins VALUES (?,?,?,?,?,?,?,?)", _logins(clock))
    db.executemany("INSERT INTO deploys VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*d[:7], ago(d[7]), clock.epoch(d[7]), d[8]) for d in DEPLOYS])  # fmt: skip
    db.executemany("INSERT INTO flags VALUES (?,?,?,?,?,?,?,?,?)", [(*f[:5], ago(f[5]), *f[6:]) for f in FLAGS])
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:9], clock.epoch(c[9]), ago(c[10]), ago(c[11]), None if c[11] is None else clock.epoch(c[11]),
          None if c[12] is None else clock.epoch(c[12]), c[13]) for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(i, t, sev, st, ago(s), clock.epoch(s), ago(d), ago(r), c, sv, su)
                    for i, t, sev, st, s, d, r, c, sv, su in INCIDENTS])  # fmt: skip
    db.executemany("INSERT INTO incident_events VALUES (?,?,?,?,?,?,?)",
                   [(i, ago(m), clock.epoch(m), a, r, k, e) for i, m, a, r, k, e in EVENTS])  # fmt: skip
    db.executemany("INSERT INTO contacts VALUES (?,?,?,?,?)", _contacts(clock))
    db.executemany("INSERT INTO runbooks VALUES (?,?,?,?)", RUNBOOKS)
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:9], ago(c[9]), clock.epoch(c[9]), ago(c[10]), c[11]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 9))
    db.executemany("INSERT INTO shifts VALUES (?,?,?,?,?,?,?)", _shifts(now))
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = (
        "Larkhaven Pay card issuing and processing: authorisations, scheme links, HSMs, fraud rules, 3DS, cards, "
        "clearing and settlement, disputes, tokens, app logins, changes, incidents, on-call"
    )
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
