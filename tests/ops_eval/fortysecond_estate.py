"""A forty-second estate, held out from the planner's tuning: the 5G / 4G packet core of Fellgate Mobile, a mobile
operator run from three data centres: ``lon`` (London Docklands, LDN-DC2: serves the ``south`` region), ``man``
(Manchester Trafford Park, MAN-DC1: ``north``, that is the North West, Yorkshire and the Midlands) and ``gla``
(Glasgow Cambuslang, GLA-DC1: ``scotland``). Network functions are named instances by type, site and number
(``amf-lon-01``, ``smf-man-01``, ``upf-man-02``): five AMFs, four SMFs, six UPFs, AUSFs and UDMs, PCFs and NRFs (all
Norvik Networks' 5GC, release 23.4.x), three MMEs and three combined SGW / PGWs (``spgw-lon-01``, Halden Telecom
Systems, who also make the UPFs, release 8.2.x), a SEPP, a Diameter edge agent (``dea-lon-01``) and an STP
(``stp-lon-01``, Pelcor Signalling) for roaming, three DNS resolvers (``dns-lon-01``, Astrell) and the IMS's P-CSCFs,
S-CSCF and TAS (Cirrane Systems): their load (registered UEs, PDU sessions, requests a second), CPU and memory every
5 minutes and their daily peaks, registration (5G) and attach (4G) success per region, PDU session setups and their
failures by 5GSM cause code (``#26`` insufficient resources), the UPFs' user plane (sessions, throughput, packet
loss), signalling storms, roaming partners by TADIG code (``USAWR``) and the error rates of their SCCP, Diameter and
SEPP interconnects, the DNS resolvers, VoLTE and VoNR call setup success, network slices by S-NSSAI (``1-000050``),
software upgrades, config pushes, change records, incidents and their timelines, OSS alarms, customer complaints by
region and reason, vendor cases and contacts, runbooks, the on-call rota and the NOC shift leads.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
network functions ``<type>-<site>-<nn>``; change records ``CRQ-40871``; upgrades ``UPG-0550``; config pushes
``CFG-77112``; incidents ``INC-30917``; alarms ``ALM-5520411``; signalling storms ``SS-0193``; complaints
``CX-`` and a number; vendor cases by vendor: Norvik ``NVK-7712093``, Halden ``HTS-SR-448120``, Cirrane ``CIR-22815``,
Meridian IPX ``MIX-30560``; Norvik's known defects ``NVR-5521``; runbooks ``RB-CORE-011``, ``MOP-NF-020``; roaming
partners by TADIG code; people are named in full (``Tobias Lindqvist``). Windows come as ``hours``, ``window_hours``,
``lookback_minutes``, ``since_hours``, ``last_days``, ``days``, an RFC 3339 time (``since``), ``back_days`` /
``ahead_days`` and ``ahead_hours``. :mod:`tests.ops_eval.fortysecond_apis` defines them.

The story (minutes before the estate is built, minute-aligned; NF and UPF samples every 5 minutes for 24 hours (ending
at T-2m, T-7m, ...), daily NF peaks read at T-30m, T-1d-30m, ... for 14 days, PDU session setup buckets of 15 minutes
for 72 hours (ending at T-4m, T-19m, ...), registration KPIs (T-9m, T-24m, ...), IMS KPIs (T-11m, T-26m, ...) and DNS
stats (T-6m, T-21m, ...) in 15-minute buckets for 48 hours, roaming interconnect hourly (ending at T-10m, T-70m, ...)
for 7 days, complaints for 14 days; on-call weeks run from Monday 09:00 UTC and the NOC shift leads' 12-hour shifts
from 07:00 and 19:00 UTC, with the story's people on the week and the shift running now whatever the hour):

- T-190m CRQ-40871 upgrades smf-man-01 (the north's only SMF) from Norvik 23.4.1 to 23.4.2 (UPG-0550, back in
  service T-185m); the upgrade's profile migration (CFG-77112, T-186m) sets the UPF selection weight of upf-man-01 from
  100 to 0 (Norvik's known defect NVR-5521), so every new PDU session goes to upf-man-02: its sessions climb from about
  427,000 to its licence of 700,000 (about 698,000 from T-152m) and its CPU from about 50% to 93-97%, its packet loss
  from 0.01-0.03% to 1.6-2.4%, while upf-man-01 drains to about 170,000 sessions and 18% CPU. PDU session setup failures
  on smf-man-01 with 5GSM cause #26 (insufficient resources) start at T-170m (640 in the bucket ending T-169m, then
  4,200-5,600 every 15 minutes; #38 network failure 300-500), the UEs' retries make a signalling storm (SS-0193, T-140m,
  attempts 1.6-1.9x), VoNR call setup success in the north falls from about 99% to 96.9-97.8%, and complaints of no or
  slow mobile data pour in from the North West, Yorkshire and the Midlands. INC-30917 (P1) is opened at T-150m; T-132m
  packet core on call Tobias Lindqvist finds upf-man-02 full and upf-man-01 nearly idle; T-121m he rules out the AMFs
  (registration success normal) and amf-lon-02's upgrade; T-110m he ties it to CRQ-40871 (CFG-77112: weight 0);
  T-104m the duty manager Daniel Achterberg puts the SMF wave 2 (CRQ-40883) on hold; T-95m NVK-7712093 (P1) is raised
  with Norvik; T-60m Norvik (Bartosz Kaminski): known defect NVR-5521, set the weight back to 100, fix in 23.4.3;
  T-40m emergency CRQ-40885 approved (restore the weight, T+20m).
- red herrings: amf-lon-02's upgrade to 23.4.2 (CRQ-40868, T-332m .. T-318m: a dip in the south's registration success
  to 98.6% in the bucket ending T-324m, from the restart); CRQ-40873 (SEPP TLS certificate for NLDQT, T-240m: fine);
  CRQ-40874 (PCF: the events slice's AMBR 100 -> 200 Mbps, T-210m); dns-lon-01's SERVFAIL spike (3.8% in the bucket
  ending T-216m, upstream authoritative servers of a CDN: INC-30909, resolved T-203m); Westrail Wireless (USAWR)
  Diameter errors of 6.8-9.5% since T-305m (its DEA maintenance overrunning: INC-30912, MIX-30560; 5.9% in the bucket
  ending T-250m) with roamers abroad complaining; yesterday's IoT attach storm on mme-gla-01 (SS-0192, T-1560m ..
  T-1500m, GridMeter smart meters, 4G attach success down to 81.4%: INC-30904, CRQ-40877 raised the T3346 back-off);
  calls dropping complaints in Scotland (a RAN site on generator failure, INC-30915, with the RAN NOC).
- slow trends: upf-lon-03's memory grows from 41.0% 13 days ago to 78.0% now (a leak in the DPI flow table ageing of
  8.2.5, HTS-SR-448120; restart CRQ-40880 in about 2.5 days); Lybra GSM (TURLB) SCCP errors at 4.1-5.3% all week
  (global title translation, MIX-30551).

On call this week: packet core Tobias Lindqvist (secondary Rajiv Menon), IMS and voice Kenji Watanabe, roaming Femi
Oyelaran, DNS and IP services Senna Okoro, duty manager Daniel Achterberg. NOC shift lead now: Yolanda Ferris (before
her Imran Siddiqui, next Colm Rafferty). Norvik's TAC is +44 20 7946 0311, its escalation Marit Hovland.

No API reports revenue or costs, churn, SLA credits, per-subscriber (IMSI) traces, RAN or cell KPIs, user-plane
latency or jitter, power draw, forecasts, NPS, or pages and call-outs per engineer; there is no Bristol site (no
``amf-brs-01``), no NVK-9999999 and no roaming partner JPNKX; PDU session data is kept 72 hours, NF samples 24 hours,
complaints 14 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.fortysecond_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "fellgate_core"
DAY = 1440
#: smf-man-01 upgraded (started, back in service); the weight push; the first #26 failures; upf-man-02 full
UPGRADE, BACK, WEIGHT_PUSH, FAIL_START, UPF_FULL = 190, 185, 186, 170, 152
#: amf-lon-02 restart for its upgrade (from, to minutes ago)
AMF_RESTART = (332, 318)
#: USAWR's DEA maintenance starts
USAWR_START = 305
#: yesterday's IoT attach storm on mme-gla-01 (from, to minutes ago)
IOT_STORM = (1560, 1500)
SITES = {"lon": ("London Docklands (LDN-DC2)", "south"), "man": ("Manchester Trafford Park (MAN-DC1)", "north"),
         "gla": ("Glasgow Cambuslang (GLA-DC1)", "scotland")}  # fmt: skip

#: name, type, vendor, model, version, capacity, load unit, load (lo, hi), cpu % (lo, hi), memory % (lo, hi), pool
NFS = [
    ("amf-lon-01", "AMF", "Norvik Networks", "NC-5GC AMF", "23.4.1", 4000000, "registered UEs", (1840000, 1870000),
     (31, 39), (44, 49), "amf-set-south"),
    ("amf-lon-02", "AMF", "Norvik Networks", "NC-5GC AMF", "23.4.2", 4000000, "registered UEs", (1820000, 1860000),
     (30, 38), (43, 48), "amf-set-south"),
    ("amf-man-01", "AMF", "Norvik Networks", "NC-5GC AMF", "23.4.1", 4000000, "registered UEs", (1510000, 1540000),
     (28, 36), (42, 47), "amf-set-north"),
    ("amf-man-02", "AMF", "Norvik Networks", "NC-5GC AMF", "23.4.1", 4000000, "registered UEs", (1495000, 1530000),
     (28, 36), (42, 47), "amf-set-north"),
    ("amf-gla-01", "AMF", "Norvik Networks", "NC-5GC AMF", "23.4.1", 2000000, "registered UEs", (780000, 800000),
     (22, 30), (38, 43), "amf-set-scotland"),
    ("smf-lon-01", "SMF", "Norvik Networks", "NC-5GC SMF", "23.4.1", 2000000, "PDU sessions", None, (38, 46),
     (40, 46), "smf-south"),
    ("smf-lon-02", "SMF", "Norvik Networks", "NC-5GC SMF", "23.4.1", 2000000, "PDU sessions", None, (38, 46),
     (40, 46), "smf-south"),
    ("smf-man-01", "SMF", "Norvik Networks", "NC-5GC SMF", "23.4.2", 2000000, "PDU sessions", None, (40, 48),
     (41, 47), "smf-north"),
    ("smf-gla-01", "SMF", "Norvik Networks", "NC-5GC SMF", "23.4.1", 1000000, "PDU sessions", None, (24, 31),
     (35, 40), "smf-scotland"),
    ("upf-lon-01", "UPF", "Halden Telecom Systems", "HX-9000 UPF", "8.2.5", 700000, "PDU sessions", (505000, 540000),
     (48, 60), (50, 57), "upf-south"),
    ("upf-lon-02", "UPF", "Halden Telecom Systems", "HX-9000 UPF", "8.2.5", 700000, "PDU sessions", (505000, 540000),
     (48, 60), (50, 57), "upf-south"),
    ("upf-lon-03", "UPF", "Halden Telecom Systems", "HX-9000 UPF", "8.2.5", 700000, "PDU sessions", (505000, 540000),
     (48, 60), None, "upf-south (DPI profile: corp.fellgate)"),
    ("upf-man-01", "UPF", "Halden Telecom Systems", "HX-9000 UPF", "8.2.5", 700000, "PDU sessions", (418000, 436000),
     (46, 54), (52, 58), "upf-north"),
    ("upf-man-02", "UPF", "Halden Telecom Systems", "HX-9000 UPF", "8.2.5", 700000, "PDU sessions", (418000, 436000),
     (46, 54), (52, 58), "upf-north"),
    ("upf-gla-01", "UPF", "Halden Telecom Systems", "HX-9000 UPF", "8.2.5", 400000, "PDU sessions", (250000, 268000),
     (38, 46), (44, 50), "upf-scotland"),
    ("ausf-lon-01", "AUSF", "Norvik Networks", "NC-5GC AUSF", "23.4.1", 8000, "auth requests/s", (2100, 2500),
     (26, 33), (30, 35), "ausf"),
    ("ausf-man-01", "AUSF", "Norvik Networks", "NC-5GC AUSF", "23.4.1", 8000, "auth requests/s", (1600, 1900),
     (22, 29), (30, 35), "ausf"),
    ("udm-lon-01", "UDM", "Norvik Networks", "NC-5GC UDM/UDR", "23.4.1", 12000, "requests/s", (4200, 4800),
     (34, 41), (55, 60), "udm"),
    ("udm-man-01", "UDM", "Norvik Networks", "NC-5GC UDM/UDR", "23.4.1", 12000, "requests/s", (3300, 3800),
     (30, 37), (55, 60), "udm"),
    ("pcf-lon-01", "PCF", "Norvik Networks", "NC-5GC PCF", "23.4.1", 3000000, "policy associations",
     (1540000, 1590000), (27, 34), (46, 51), "pcf"),
    ("pcf-man-01", "PCF", "Norvik Networks", "NC-5GC PCF", "23.4.1", 3000000, "policy associations",
     (845000, 880000), (24, 31), (44, 49), "pcf"),
    ("nrf-lon-01", "NRF", "Norvik Networks", "NC-5GC NRF", "23.4.1", 20000, "discovery requests/s", (900, 1200),
     (10, 15), (28, 32), "nrf"),
    ("nrf-man-01", "NRF", "Norvik Networks", "NC-5GC NRF", "23.4.1", 20000, "discovery requests/s", (700, 950),
     (9, 14), (28, 32), "nrf"),
    ("mme-lon-01", "MME", "Norvik Networks", "NC-EPC MME", "19.8.3", 2500000, "attached UEs", (1120000, 1150000),
     (35, 43), (48, 53), "mme-pool-south"),
    ("mme-man-01", "MME", "Norvik Networks", "NC-EPC MME", "19.8.3", 2500000, "attached UEs", (910000, 935000),
     (32, 40), (47, 52), "mme-pool-north"),
    ("mme-gla-01", "MME", "Norvik Networks", "NC-EPC MME", "19.8.3", 1200000, "attached UEs", (455000, 470000),
     (27, 35), (45, 50), "mme-pool-scotland"),
    ("spgw-lon-01", "SPGW", "Halden Telecom Systems", "HX-7000 SAEGW", "6.9.2", 3000000, "EPS bearers",
     (1300000, 1350000), (41, 50), (50, 55), "spgw-south"),
    ("spgw-man-01", "SPGW", "Halden Telecom Systems", "HX-7000 SAEGW", "6.9.2", 3000000, "EPS bearers",
     (1040000, 1080000), (38, 47), (49, 54), "spgw-north"),
    ("spgw-gla-01", "SPGW", "Halden Telecom Systems", "HX-7000 SAEGW", "6.9.2", 1500000, "EPS bearers",
     (535000, 560000), (30, 38), (46, 51), "spgw-scotland"),
    ("sepp-lon-01", "SEPP", "Norvik Networks", "NC-5GC SEPP", "23.4.1", 5000, "N32 messages/s", (260, 340),
     (8, 12), (25, 29), "roaming"),
    ("dea-lon-01", "DEA", "Pelcor Signalling", "PS-DEA 7", "7.0.4", 30000, "Diameter messages/s", (6200, 7400),
     (21, 27), (33, 37), "roaming"),
    ("stp-lon-01", "STP", "Pelcor Signalling", "PS-STP 5", "5.3.1", 20000, "SCCP messages/s", (2100, 2600),
     (14, 19), (30, 34), "roaming"),
    ("dns-lon-01", "DNS", "Astrell", "Astrell Resolve R8", "8.1.6", 400000, "queries/s", (182000, 198000),
     (37, 45), (40, 44), "dns"),
    ("dns-man-01", "DNS", "Astrell", "Astrell Resolve R8", "8.1.6", 400000, "queries/s", (140000, 152000),
     (31, 38), (40, 44), "dns"),
    ("dns-gla-01", "DNS", "Astrell", "Astrell Resolve R8", "8.1.6", 200000, "queries/s", (61000, 67000),
     (20, 26), (36, 40), "dns"),
    ("pcscf-lon-01", "P-CSCF", "Cirrane Systems", "Cirrane CX P-CSCF", "11.0.3", 4000000, "IMS registered users",
     (2480000, 2530000), (33, 40), (50, 55), "ims"),
    ("pcscf-man-01", "P-CSCF", "Cirrane Systems", "Cirrane CX P-CSCF", "11.0.4", 4000000, "IMS registered users",
     (1890000, 1930000), (30, 37), (49, 54), "ims"),
    ("scscf-lon-01", "S-CSCF", "Cirrane Systems", "Cirrane CX S-CSCF", "11.0.3", 8000000, "IMS registered users",
     (4950000, 5050000), (29, 36), (52, 57), "ims"),
    ("tas-lon-01", "TAS", "Cirrane Systems", "Cirrane CX TAS", "11.0.3", 60000, "calls in progress", (31000, 39000),
     (25, 33), (41, 46), "ims"),
]  # fmt: skip
#: name -> state, since (minutes ago), note (the rest in_service since a restart weeks ago)
NF_NOW = {
    "smf-man-01": ("degraded", 165, "23.4.2 since CRQ-40871; PDU session setup failures #26 (INC-30917); "
                   "upf selection weight of upf-man-01 is 0 (CFG-77112, NVR-5521)"),
    "upf-man-02": ("degraded", 148, "CPU overload, sessions at the licence (700,000): all new north sessions land "
                   "here (INC-30917)"),
    "upf-man-01": ("in_service", 185, "gets no new PDU sessions since smf-man-01's upgrade (weight 0)"),
    "upf-lon-03": ("in_service", 14 * DAY - 120, "memory growing since 8.2.5 (HTS-SR-448120); restart CRQ-40880"),
    "amf-lon-02": ("in_service", AMF_RESTART[1], "23.4.2 since CRQ-40868"),
    "pcscf-man-01": ("in_service", 6 * DAY, "11.0.4 (CIR-22815)"),
    "dns-lon-01": ("in_service", 21 * DAY, "SERVFAIL spike of INC-30909 over (upstream authoritative)"),
}  # fmt: skip

#: 5GSM causes: code -> name, per-15-minute failures (lo, hi) on a south SMF
CAUSES = {
    26: ("insufficient resources", (0, 4)),
    27: ("missing or unknown DNN", (40, 90)),
    29: ("user authentication or authorization failed", (5, 20)),
    31: ("request rejected, unspecified", (5, 15)),
    33: ("requested service option not subscribed", (20, 50)),
    38: ("network failure", (0, 5)),
    69: ("insufficient resources for specific slice", (0, 3)),
}
#: SMF -> scale of the failures, attempts per 15 minutes (lo, hi), region
SMF_PDU = {"smf-lon-01": (1.0, (60000, 66000), "south"), "smf-lon-02": (1.0, (60000, 66000), "south"),
           "smf-man-01": (0.9, (52000, 58000), "north"), "smf-gla-01": (0.4, (24000, 28000), "scotland")}  # fmt: skip
#: region -> access -> attempts per 15 minutes (lo, hi)
REG_ATTEMPTS = {"south": {"5G": (410000, 450000), "4G": (210000, 240000)},
                "north": {"5G": (330000, 360000), "4G": (170000, 190000)},
                "scotland": {"5G": (150000, 170000), "4G": (90000, 100000)}}  # fmt: skip
REG_OK = {"5G": (99.3, 99.7), "4G": (98.9, 99.4)}
REG_REJECT = {"5G": "5GMM #7 5GS services not allowed", "4G": "EMM #15 no suitable cells in tracking area"}
#: special registration buckets: (region, access, bucket end minutes ago) -> success %, attempts x, top reject
REG_SPECIAL = {
    ("south", "5G", 324): (98.6, 1.4, "5GMM #111 protocol error (re-registrations after amf-lon-02's restart)"),
    ("south", "5G", 309): (99.1, 1.1, "5GMM #111 protocol error (re-registrations after amf-lon-02's restart)"),
    ("scotland", "4G", 1569): (94.8, 2.2, "EMM #22 congestion (IoT attach storm)"),
    ("scotland", "4G", 1554): (86.2, 4.1, "EMM #22 congestion (IoT attach storm)"),
    ("scotland", "4G", 1539): (81.4, 4.6, "EMM #22 congestion (IoT attach storm)"),
    ("scotland", "4G", 1524): (90.5, 3.0, "EMM #22 congestion (T3346 back-off applied)"),
    ("scotland", "4G", 1509): (97.2, 1.5, "EMM #22 congestion (T3346 back-off applied)"),
}  # fmt: skip
#: region -> service -> attempts per 15 minutes (lo, hi)
IMS_ATTEMPTS = {"south": {"VoLTE": (38000, 42000), "VoNR": (15000, 17000)},
                "north": {"VoLTE": (29000, 33000), "VoNR": (11500, 13500)},
                "scotland": {"VoLTE": (12000, 14000), "VoNR": (4800, 5600)}}  # fmt: skip
IMS_OK = {"VoLTE": (99.0, 99.5), "VoNR": (98.9, 99.4)}
#: resolver -> site, queries/s (lo, hi)
RESOLVERS = {"dns-lon-01": ("lon", (182000, 198000)), "dns-man-01": ("man", (140000, 152000)),
             "dns-gla-01": ("gla", (61000, 67000))}  # fmt: skip
#: dns-lon-01's SERVFAIL spike: bucket end minutes ago -> SERVFAIL %, p95 ms
DNS_SPIKE = {216: (3.8, 41.0), 201: (1.9, 22.0)}

#: TADIG, operator, country, interfaces, route, direction, status, note, contact
PARTNERS = [
    ("CHEAV", "Avella Swiss", "Switzerland", "Diameter", "Meridian IPX", "both", "live", "", "roaming@avella.example"),
    ("DEUKB", "Kobalt Funk", "Germany", "Diameter, SEPP", "Meridian IPX", "both", "live", "5G SA roaming since March",
     "ir21@kobaltfunk.example"),
    ("ESPXA", "Alcora Movil", "Spain", "SCCP, Diameter", "Meridian IPX", "both", "live", "", "noc@alcora.example"),
    ("FRAKV", "Kerval Telecom", "France", "SCCP, Diameter, SEPP", "direct (Paris PoP)", "both", "live", "",
     "roaming.noc@kerval.example"),
    ("ITAZN", "Zenara Mobile", "Italy", "SCCP, Diameter", "Meridian IPX", "both", "live", "", "noc@zenara.example"),
    ("NLDQT", "Quanta Telecom", "Netherlands", "Diameter, SEPP", "Meridian IPX", "both", "live",
     "N32 TLS certificate renewed (CRQ-40873)", "sepp-ops@quanta.example"),
    ("TURLB", "Lybra GSM", "Turkey", "SCCP", "Meridian IPX", "both", "live (2G/3G only)",
     "SCCP global title translation errors all week (MIX-30551)", "intl@lybra.example"),
    ("USAWR", "Westrail Wireless", "USA", "Diameter", "Meridian IPX", "both", "live",
     "partner DEA maintenance notice WW-MN-2231 (a 4-hour window), overrunning: MIX-30560",
     "roaming-noc@westrail.example"),
]  # fmt: skip
#: interface -> requests per hour (lo, hi), usual top error
IFACE = {"SCCP": ((8000, 20000), "SCCP return cause 1: no translation for this specific address"),
         "Diameter": ((20000, 90000), "5001 DIAMETER_ERROR_USER_UNKNOWN"),
         "SEPP": ((5000, 12000), "N32f 404 USER_NOT_FOUND")}  # fmt: skip

#: event, nf, site, kind, started, ended (minutes ago; None: ongoing), peak x baseline, procedure, source, action,
#: status
STORMS = [
    ("SS-0188", "amf-lon-01", "lon", "re-registration storm", 9 * DAY + 400, 9 * DAY + 360, 2.6, "5G registration",
     "handset OS update rebooting a popular model overnight", "AMF overload control (N2 overload start)", "resolved"),
    ("SS-0192", "mme-gla-01", "gla", "IoT attach storm", IOT_STORM[0], IOT_STORM[1], 4.6, "4G attach",
     "GridMeter smart meters (APN m2m.gridmeter, about 212,000 devices) re-attaching after the customer's "
     "firmware push",
     "MME overload control, EMM #22 with T3346 back-off; back-off raised 15 -> 30 min (CRQ-40877)", "resolved"),
    ("SS-0193", "smf-man-01", "man", "PDU session retry storm", 140, None, 1.9, "5G PDU session establishment",
     "UEs retrying after 5GSM #26 rejects (INC-30917)", "none yet: the fix is CRQ-40885", "ongoing"),
]  # fmt: skip

#: snssai, name, sst, kind, customer, regions, smf pool, upf pool, sessions now, sla, status, note
SLICES = [
    ("1-000001", "consumer eMBB (default)", 1, "eMBB", "Fellgate consumer and business", "south, north, scotland",
     "all SMFs", "all UPFs", 2655000, "best effort", "degraded",
     "north: PDU session setup failures and packet loss on upf-man-02 (INC-30917)"),
    ("1-000002", "events eMBB", 1, "eMBB", "Wembley Park Events Ltd", "south", "smf-south", "upf-lon-01, upf-lon-02",
     4210, "DL 50 Mbps per session, 99.9% availability", "normal",
     "AMBR 100 -> 200 Mbps for the weekend's concerts (CRQ-40874)"),
    ("1-000050", "fixed wireless access", 1, "eMBB", "Fellgate Home Broadband", "south, north", "smf-south, smf-north",
     "upf-lon-02, upf-man-01, upf-man-02", 88300, "DL 30 Mbps busy hour, 99.9% availability", "degraded",
     "north FWA routers failing to re-establish sessions (INC-30917)"),
    ("2-000010", "port automation URLLC", 2, "URLLC", "Thamesgate Port Holdings", "south", "smf-south", "upf-lon-01",
     1162, "99.99% availability; one-way latency 10 ms (radio and transport: not measured by the core)", "normal",
     ""),
    ("3-000100", "smart metering mIoT", 3, "mIoT", "GridMeter Energy Services", "south, north, scotland",
     "smf-scotland, smf-south", "upf-gla-01, upf-lon-03", 212400, "99.5% daily reporting success", "normal",
     "most meters still on LTE-M via the MMEs (APN m2m.gridmeter)"),
]  # fmt: skip

#: upg, nf, from, to, started, finished (minutes ago; negative: ahead; None: not yet), result, crq, wave, note
UPGRADES = [
    ("UPG-0538", "upf-lon-03", "8.2.4", "8.2.5", 14 * DAY + 130, 14 * DAY + 120, "success", "CRQ-40851", "UPF wave 1",
     ""),
    ("UPG-0541", "upf-lon-01", "8.2.4", "8.2.5", 12 * DAY + 130, 12 * DAY + 118, "success", "CRQ-40851",
     "UPF wave 2", ""),
    ("UPG-0542", "upf-lon-02", "8.2.4", "8.2.5", 12 * DAY + 100, 12 * DAY + 88, "success", "CRQ-40851", "UPF wave 2",
     ""),
    ("UPG-0543", "upf-man-01", "8.2.4", "8.2.5", 10 * DAY + 140, 10 * DAY + 127, "success", "CRQ-40858",
     "UPF wave 3", ""),
    ("UPG-0544", "upf-man-02", "8.2.4", "8.2.5", 10 * DAY + 110, 10 * DAY + 98, "success", "CRQ-40858", "UPF wave 3",
     ""),
    ("UPG-0546", "upf-gla-01", "8.2.4", "8.2.5", 5 * DAY + 150, 5 * DAY + 139, "success", "CRQ-40864", "UPF wave 4",
     ""),
    ("UPG-0547", "pcscf-man-01", "11.0.3", "11.0.4", 6 * DAY + 90, 6 * DAY + 70, "success", "CRQ-40866", "IMS pilot",
     "fixes the SIP 503 on re-REGISTER (CIR-22815)"),
    ("UPG-0549", "amf-lon-02", "23.4.1", "23.4.2", AMF_RESTART[0], AMF_RESTART[1], "success", "CRQ-40868",
     "5GC AMF wave 1", "UEs moved to amf-lon-01 during the restart and back"),
    ("UPG-0550", "smf-man-01", "23.4.1", "23.4.2", UPGRADE, BACK, "success", "CRQ-40871", "5GC SMF wave 1",
     "profile migrated by the upgrade script (CFG-77111, CFG-77112)"),
    ("UPG-0551", "smf-lon-01", "23.4.1", "23.4.2", -DAY - 120, None, "on_hold", "CRQ-40883", "5GC SMF wave 2",
     "on hold after INC-30917"),
    ("UPG-0552", "smf-lon-02", "23.4.1", "23.4.2", -DAY - 60, None, "on_hold", "CRQ-40883", "5GC SMF wave 2",
     "on hold after INC-30917"),
    ("UPG-0553", "smf-gla-01", "23.4.1", "23.4.2", -DAY, None, "on_hold", "CRQ-40883", "5GC SMF wave 2",
     "on hold after INC-30917"),
    ("UPG-0554", "amf-lon-01", "23.4.1", "23.4.2", -2 * DAY - 90, None, "scheduled", "CRQ-40886", "5GC AMF wave 2",
     ""),
]  # fmt: skip
#: push, target, parameter, old, new, pushed (minutes ago), by, crq, result
PUSHES = [
    ("CFG-77098", "mme-gla-01", "overload.t3346_backoff_min", "15", "30", 1480, "Hanna Sorensen", "CRQ-40877",
     "applied"),
    ("CFG-77100", "dns-lon-01", "cache.negative_ttl_s", "300", "900", 600, "Lukas Brandt", "CRQ-40878", "applied"),
    ("CFG-77101", "amf-lon-02", "post-upgrade profile restore (23.4.2)", "23.4.1 profile", "23.4.2 profile (no diff)",
     AMF_RESTART[1] + 1, "upgrade orchestrator", "CRQ-40868", "applied"),
    ("CFG-77109", "sepp-lon-01", "n32.tls.certificate[NLDQT]", "certificate expiring in 9 days",
     "renewed certificate (valid 1 year)", 240, "Gabriela Ionescu", "CRQ-40873", "applied"),
    ("CFG-77104", "pcf-lon-01", "policy.slice[1-000002].session_ambr_dl", "100 Mbps", "200 Mbps", 210, "Lena Vogt",
     "CRQ-40874", "applied"),
    ("CFG-77111", "smf-man-01", "post-upgrade profile migration (23.4.2)", "23.4.1 profile",
     "23.4.2 profile (214 parameters migrated)", WEIGHT_PUSH + 1, "upgrade orchestrator", "CRQ-40871", "applied"),
    ("CFG-77112", "smf-man-01", "upf_selection.weight[upf-man-01]", "100", "0", WEIGHT_PUSH, "upgrade orchestrator",
     "CRQ-40871", "applied"),
]  # fmt: skip
#: crq, title, scope, kind, risk, state, requested by, implemented by, approver, raised, planned, implemented, updated
#: (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("CRQ-40851", "UPF 8.2.5 rollout, London (upf-lon-01..03)", "upf-lon-01, upf-lon-02, upf-lon-03", "software",
     "medium", "implemented", "Tobias Lindqvist", "Halden field team", "Core CAB", 20 * DAY, 14 * DAY + 130,
     12 * DAY + 88, 12 * DAY + 88, "UPG-0538, UPG-0541, UPG-0542"),
    ("CRQ-40858", "UPF 8.2.5 rollout, Manchester", "upf-man-01, upf-man-02", "software", "medium", "implemented",
     "Tobias Lindqvist", "Halden field team", "Core CAB", 15 * DAY, 10 * DAY + 140, 10 * DAY + 98, 10 * DAY + 98,
     "UPG-0543, UPG-0544"),
    ("CRQ-40864", "UPF 8.2.5 on upf-gla-01", "upf-gla-01", "software", "low", "implemented", "Hanna Sorensen",
     "Halden field team", "Core CAB", 9 * DAY, 5 * DAY + 150, 5 * DAY + 139, 5 * DAY + 139, "UPG-0546"),
    ("CRQ-40866", "P-CSCF 11.0.4 pilot on pcscf-man-01", "pcscf-man-01", "software", "low", "implemented",
     "Aisling Moran", "Aisling Moran", "Core CAB", 10 * DAY, 6 * DAY + 90, 6 * DAY + 70, 6 * DAY + 70,
     "CIR-22815 fix"),
    ("CRQ-40877", "mme-gla-01 overload control: T3346 back-off 15 -> 30 minutes", "mme-gla-01", "config", "low",
     "implemented", "Hanna Sorensen", "Hanna Sorensen", "Claire Bexley (duty manager)", 1490, 1480, 1480, 1480,
     "after SS-0192 (INC-30904); CFG-77098"),
    ("CRQ-40878", "dns-lon-01 negative cache TTL 300 -> 900 s", "dns-lon-01", "config", "low", "implemented",
     "Lukas Brandt", "Lukas Brandt", "Core CAB", 3 * DAY, 600, 600, 600, "CFG-77100"),
    ("CRQ-40868", "AMF 23.4.2 wave 1: amf-lon-02", "amf-lon-02", "software", "medium", "implemented",
     "Tobias Lindqvist", "Ilse Vandermeer (Norvik)", "Core CAB", 6 * DAY, AMF_RESTART[0], AMF_RESTART[0],
     AMF_RESTART[1], "UPG-0549; UEs drained to amf-lon-01 during the restart"),
    ("CRQ-40873", "SEPP: renew N32 TLS certificate for NLDQT", "sepp-lon-01", "config", "low", "implemented",
     "Gabriela Ionescu", "Gabriela Ionescu", "Core CAB", 4 * DAY, 240, 240, 240, "CFG-77109; N32 re-established"),
    ("CRQ-40874", "PCF: events slice 1-000002 session AMBR 100 -> 200 Mbps", "pcf-lon-01", "config", "low",
     "implemented", "Lena Vogt (policy engineer)", "Lena Vogt", "Core CAB", 3 * DAY, 210, 210, 210, "CFG-77104"),
    ("CRQ-40871", "SMF 23.4.2 wave 1: smf-man-01", "smf-man-01", "software", "medium", "implemented",
     "Tobias Lindqvist", "Ilse Vandermeer (Norvik)", "Core CAB", 6 * DAY, UPGRADE, UPGRADE, BACK,
     "UPG-0550; profile migration by the upgrade script (CFG-77111, CFG-77112); backout: roll back to 23.4.1"),
    ("CRQ-40880", "upf-lon-03: restart the UPF process (memory leak workaround)", "upf-lon-03", "maintenance", "medium",
     "approved", "Tobias Lindqvist", None, "Core CAB", 2 * DAY, -(2 * DAY + 600), None, 2 * DAY,
     "HTS-SR-448120; sessions drained to upf-lon-01 and upf-lon-02 first; 02:00-04:00 window"),
    ("CRQ-40883", "SMF 23.4.2 wave 2: smf-lon-01, smf-lon-02, smf-gla-01", "smf-lon-01, smf-lon-02, smf-gla-01",
     "software", "medium", "on_hold", "Tobias Lindqvist", None, "Core CAB", 5 * DAY, -DAY - 120, None, 104,
     "on hold by Daniel Achterberg after INC-30917 (NVR-5521)"),
    ("CRQ-40885", "Emergency: smf-man-01 upf_selection weight of upf-man-01 0 -> 100", "smf-man-01", "config",
     "medium", "approved", "Tobias Lindqvist", None, "Daniel Achterberg (duty manager)", 42, -20, None, 40,
     "NVK-7712093 workaround for NVR-5521; no restart; watch #26 and upf-man-02's CPU; backout: weight 0"),
    ("CRQ-40886", "AMF 23.4.2 wave 2: amf-lon-01", "amf-lon-01", "software", "medium", "approved",
     "Tobias Lindqvist", None, "Core CAB", 3 * DAY, -(2 * DAY + 90), None, 3 * DAY, "UPG-0554"),
    ("CRQ-40889", "DEA software 7.1.0 on dea-lon-01", "dea-lon-01", "software", "medium", "approved",
     "Femi Oyelaran", None, "Core CAB", 4 * DAY, -(5 * DAY + 100), None, 4 * DAY, "Pelcor"),
]  # fmt: skip

#: ref, priority, title, status, opened, resolved (minutes ago; None: not yet), owner, incident manager, impact,
#: linked
INCIDENTS = [
    ("INC-30890", "P3", "South: re-registration storm on amf-lon-01 (handset OS update)", "closed", 9 * DAY + 395,
     9 * DAY + 350, "Mirela Dobos", "Claire Bexley", "registration success 97.9% for 40 minutes", "SS-0188"),
    ("INC-30899", "P3", "upf-lon-03 memory growth since 8.2.5", "open", 6 * DAY, None, "Tobias Lindqvist",
     "Daniel Achterberg", "none yet; restart before 85% (CRQ-40880)", "HTS-SR-448120"),
    ("INC-30904", "P2", "Scotland: IoT attach storm on mme-gla-01 (GridMeter)", "closed", 1555, 1495,
     "Hanna Sorensen", "Claire Bexley", "4G attach success down to 81.4% in Scotland for about an hour",
     "SS-0192, CRQ-40877"),
    ("INC-30909", "P4", "dns-lon-01 SERVFAIL spike (upstream authoritative servers of a CDN domain)", "resolved", 226,
     203, "Senna Okoro", "", "SERVFAIL 3.8% for 15 minutes on one resolver", "ALM-5520356"),
    ("INC-30912", "P3", "USAWR roaming: Diameter 3002 errors (partner's DEA maintenance overrunning)", "monitoring",
     262, None, "Femi Oyelaran", "", "our customers roaming in the USA fail to attach or lose data",
     "MIX-30560, ALM-5520301"),
    ("INC-30915", "P3", "Scotland: calls dropping and no signal complaints (RAN site GLA0412 on a failed generator)",
     "open", 520, None, "RAN NOC", "", "one rural site cluster; not a core fault", "transferred to the RAN NOC"),
    ("INC-30917", "P1", "North: PDU session setup failures (5GSM #26) and slow data, upf-man-02 overloaded",
     "identified", 150, None, "Tobias Lindqvist", "Daniel Achterberg",
     "north 5G data: about 5% of PDU session setups failing, packet loss on upf-man-02; VoNR setup down",
     "CRQ-40871, NVK-7712093, CRQ-40885, SS-0193"),
]  # fmt: skip
#: ref, minutes ago, author, entry
TIMELINE = [
    ("INC-30890", 9 * DAY + 395, "NOC", "re-registration storm on amf-lon-01 detected (SS-0188)"),
    ("INC-30890", 9 * DAY + 350, "Mirela Dobos", "storm over; AMF overload control held; closed"),
    ("INC-30899", 6 * DAY, "Tobias Lindqvist", "upf-lon-03 memory up about 3 points a day since 8.2.5; raised "
     "HTS-SR-448120"),
    ("INC-30899", 2 * DAY, "Tobias Lindqvist", "Halden: DPI flow table ageing leak, fix in 8.2.7; restart planned "
     "(CRQ-40880) before 85%"),
    ("INC-30904", 1555, "NOC", "mme-gla-01 overload: 4G attach attempts 4.6x in Scotland (SS-0192)"),
    ("INC-30904", 1530, "Hanna Sorensen", "GridMeter pushed meter firmware; meters re-attaching together; EMM #22 with "
     "T3346 back-off holding"),
    ("INC-30904", 1495, "Hanna Sorensen", "attach success back above 99%; T3346 back-off raised to 30 minutes "
     "(CRQ-40877); closed"),
    ("INC-30909", 226, "Senna Okoro", "dns-lon-01 SERVFAIL 3.8%: the authoritative servers of a CDN domain time out"),
    ("INC-30909", 203, "Senna Okoro", "CDN's authoritative servers back; SERVFAIL 0.2%; resolved"),
    ("INC-30912", 262, "Femi Oyelaran", "USAWR Diameter errors 3002 (unable to deliver) since their DEA maintenance "
     "(WW-MN-2231) began; inbound and outbound roamers affected"),
    ("INC-30912", 255, "Femi Oyelaran", "raised MIX-30560 with Meridian IPX to check routes to Westrail's secondary "
     "DEA"),
    ("INC-30912", 65, "Femi Oyelaran", "Westrail's maintenance window has ended but errors continue: overrunning; "
     "Westrail says another hour"),
    ("INC-30915", 520, "NOC", "calls dropping and no signal complaints around Oban: RAN site GLA0412 on generator "
     "failure; transferred to the RAN NOC"),
    ("INC-30917", 150, "NOC", "opened from ALM-5520379 (smf-man-01 PDU session establishment failures > 5%, #26) and "
     "ALM-5520398 (upf-man-02 sessions at the licence)"),
    ("INC-30917", 148, "NOC", "paged packet core on call Tobias Lindqvist"),
    ("INC-30917", 132, "Tobias Lindqvist", "upf-man-02 at 95% CPU and 698,000 sessions (licence 700,000) while "
     "upf-man-01 is down to about 350,000 and falling: new north sessions are not balanced across the UPFs"),
    ("INC-30917", 121, "Tobias Lindqvist", "not the AMFs: 5G registration success normal in the north; amf-lon-02's "
     "upgrade (CRQ-40868) is in the south and does no UPF selection"),
    ("INC-30917", 110, "Tobias Lindqvist", "cause: smf-man-01's upgrade to 23.4.2 (CRQ-40871): the profile migration "
     "set the upf selection weight of upf-man-01 to 0 (CFG-77112)"),
    ("INC-30917", 104, "Daniel Achterberg", "SMF wave 2 (CRQ-40883) on hold; P1 bridge open"),
    ("INC-30917", 95, "Tobias Lindqvist", "raised NVK-7712093 (P1) with Norvik"),
    ("INC-30917", 60, "Bartosz Kaminski (Norvik TAC)", "known defect NVR-5521 in 23.4.2's migration: set the weight "
     "back to 100, no restart needed; fix in 23.4.3"),
    ("INC-30917", 40, "Daniel Achterberg", "emergency CRQ-40885 approved: weight back to 100 in an hour; then watch "
     "upf-man-02 drain"),
    ("INC-30917", 25, "Yolanda Ferris", "status page updated: some customers in the north cannot start mobile data "
     "sessions; fix within the hour"),
]  # fmt: skip
#: alarm, nf, severity, raised, cleared (minutes ago; None: active), text
ALARMS = [
    ("ALM-5519870", "stp-lon-01", "warning", 4 * DAY + 30, None, "SCCP GTT failures towards TURLB above 3%"),
    ("ALM-5519950", "mme-gla-01", "critical", IOT_STORM[0], IOT_STORM[1], "MME overload: attach rate 4.6x baseline"),
    ("ALM-5520102", "upf-lon-03", "minor", DAY + 400, None, "memory usage above 75%"),
    ("ALM-5520288", "amf-lon-02", "warning", AMF_RESTART[0] - 2, AMF_RESTART[1] + 2, "NF restarted (software upgrade)"),
    ("ALM-5520301", "dea-lon-01", "minor", 292, None, "peer USAWR: DIAMETER_UNABLE_TO_DELIVER (3002) above 5%"),
    ("ALM-5520356", "dns-lon-01", "major", 228, 204, "SERVFAIL rate above 2%"),
    ("ALM-5520362", "smf-man-01", "warning", UPGRADE - 1, BACK, "NF restarted (software upgrade)"),
    ("ALM-5520379", "smf-man-01", "major", 165, None, "PDU session establishment failure rate above 5% (5GSM #26)"),
    ("ALM-5520398", "upf-man-02", "major", UPF_FULL, None, "PDU sessions at 99% of the licence (700,000)"),
    ("ALM-5520411", "upf-man-02", "critical", 148, None, "CPU load above 90% for 10 minutes"),
    ("ALM-5520420", "smf-man-01", "major", 140, None, "signalling storm: PDU session establishment attempts 1.8x "
     "baseline (SS-0193)"),
]  # fmt: skip

#: complaint regions -> (per-hour count lo, hi), background reasons
COMPLAINT_REGIONS = {
    "London": ((1, 3), ["no mobile data", "slow data", "calls failing", "calls dropping", "no signal",
                        "cannot send SMS"]),
    "South East": ((0, 2), ["no mobile data", "slow data", "calls dropping", "no signal", "cannot send SMS"]),
    "North West": ((1, 3), ["no mobile data", "slow data", "calls failing", "calls dropping", "no signal",
                            "cannot send SMS"]),
    "Yorkshire": ((0, 2), ["slow data", "calls dropping", "no signal", "cannot send SMS"]),
    "Midlands": ((0, 2), ["slow data", "calls failing", "no signal", "cannot send SMS"]),
    "Scotland": ((0, 2), ["slow data", "calls dropping", "no signal", "cannot send SMS"]),
    "Roaming abroad": ((0, 1), ["roaming not working", "roaming data slow"]),
}  # fmt: skip
#: story complaints: region, reason, count, window (newest, oldest minutes ago)
COMPLAINT_SPIKES = [
    ("North West", "no mobile data", 96, (5, 165)),
    ("North West", "slow data", 58, (6, 160)),
    ("Yorkshire", "no mobile data", 31, (7, 163)),
    ("Yorkshire", "slow data", 17, (8, 158)),
    ("Midlands", "no mobile data", 24, (9, 161)),
    ("Midlands", "slow data", 12, (10, 150)),
    ("Roaming abroad", "roaming not working", 19, (12, 230)),
    ("Scotland", "calls dropping", 27, (40, 500)),
    ("Scotland", "no signal", 22, (45, 505)),
]

#: ref, vendor, nf, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
CASES = [
    ("NVK-7711870", "Norvik Networks", "amf-lon-02", "23.4.2 upgrade support (CRQ-40868)", "closed", "P4",
     "Ilse Vandermeer", "Tobias Lindqvist", 6 * DAY, 300, "upgrade completed, no issues"),
    ("NVK-7712093", "Norvik Networks", "smf-man-01", "upf-man-01 gets no new PDU sessions after 23.4.2; #26 rejects",
     "in_progress", "P1", "Bartosz Kaminski (TAC)", "Tobias Lindqvist", 95, 58,
     "known defect NVR-5521: 23.4.2's profile migration sets the UPF selection weight of every UPF but the first in "
     "the pool to 0, so new PDU sessions all go to the first UPF and reach the others only after a PFCP timeout. "
     "Workaround: set upf_selection.weight back to 100 for upf-man-01 (no restart). Fixed in 23.4.3 (in about 2 "
     "weeks); do not upgrade other SMFs to 23.4.2 without the workaround."),
    ("HTS-SR-447902", "Halden Telecom Systems", "upf-gla-01", "8.2.5 upgrade support (CRQ-40864)", "closed", "P4",
     "Halden field team", "Hanna Sorensen", 9 * DAY, 5 * DAY, "done"),
    ("HTS-SR-448120", "Halden Telecom Systems", "upf-lon-03", "UPF memory growing about 3 points a day since 8.2.5",
     "open", "P3", "Yusuf Demir (Halden TAC)", "Tobias Lindqvist", 6 * DAY, 2 * DAY,
     "leak in the DPI flow table ageing, only with the DPI profile on (corp.fellgate DNN); fixed in 8.2.7 (next "
     "month); workaround: restart the UPF process in a window before 85% (CRQ-40880)"),
    ("CIR-22815", "Cirrane Systems", "pcscf-man-01", "intermittent SIP 503 on re-REGISTER", "resolved", "P3",
     "Anouk Peeters", "Aisling Moran", 12 * DAY, 6 * DAY, "fixed in 11.0.4 (CRQ-40866); roll out to pcscf-lon-01 next"),
    ("MIX-30551", "Meridian IPX", "stp-lon-01", "TURLB SCCP errors: no translation for address", "open", "P3",
     "Meridian IPX service desk", "Femi Oyelaran", 4 * DAY, DAY,
     "Lybra's new global title range is not in their STP's translation tables; Lybra to update, no date yet"),
    ("MIX-30560", "Meridian IPX", "dea-lon-01", "USAWR Diameter 3002 unable to deliver", "in_progress", "P3",
     "Meridian IPX service desk", "Femi Oyelaran", 255, 70,
     "Westrail's primary DEA is in maintenance (WW-MN-2231) and running late; its secondary DEA rejects our realm; "
     "Westrail fixing the realm route"),
]  # fmt: skip
#: vendor, covers, phone, hours, engineer, escalation, contract
VENDORS = [
    ("Astrell", "DNS resolvers dns-lon-01, dns-man-01, dns-gla-01", "+44 20 7946 0455", "24/7", "support desk",
     "Jonas Feld, support manager", "AST-2023-DNS"),
    ("Cirrane Systems", "IMS: P-CSCF, S-CSCF, TAS", "+44 20 7946 0622", "24/7", "Anouk Peeters",
     "Ravi Shankar, TAC manager, +44 7700 900622", "CIR-IMS-2022"),
    ("Halden Telecom Systems", "UPFs (HX-9000) and SGW / PGWs (HX-7000)", "+44 20 7946 0587", "24/7 TAC",
     "Yusuf Demir (TAC)", "Greta Lindholm, TAC duty manager, +44 7700 900587", "HTS-CORE-2021 (P1: 30 min response)"),
    ("Meridian IPX", "roaming IPX and hub: Diameter, SCCP and N32 routing to partners", "+44 20 7946 0719", "24/7",
     "service desk", "Owen Pryce, service manager", "MIX-2020-ROAM"),
    ("Norvik Networks", "5GC (AMF, SMF, AUSF, UDM, PCF, NRF, SEPP) and MMEs", "+44 20 7946 0311", "24/7 TAC",
     "Bartosz Kaminski (TAC)", "Marit Hovland, TAC duty manager, +44 7700 900311",
     "NVK-CORE-2022 (P1: 15 min response, 4 h workaround)"),
    ("Pelcor Signalling", "DEA dea-lon-01 and STP stp-lon-01", "+44 20 7946 0804", "24/7", "support desk",
     "Colette Marr, service lead", "PSG-2019"),
]  # fmt: skip
#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "packet_core": [("primary", ["Mirela Dobos", "Tobias Lindqvist", "Hanna Sorensen", "Mirela Dobos"]),
                    ("secondary", ["Hanna Sorensen", "Rajiv Menon", "Tobias Lindqvist", "Rajiv Menon"])],
    "ims_voice": [("primary", ["Aisling Moran", "Kenji Watanabe", "Aisling Moran", "Kenji Watanabe"])],
    "roaming": [("primary", ["Gabriela Ionescu", "Femi Oyelaran", "Gabriela Ionescu", "Femi Oyelaran"])],
    "dns_ip": [("primary", ["Lukas Brandt", "Senna Okoro", "Lukas Brandt", "Senna Okoro"])],
    "duty_manager": [("primary", ["Claire Bexley", "Daniel Achterberg", "Morag Sutherland", "Claire Bexley"])],
}  # fmt: skip
#: NOC shift leads: two shifts before the one running now, it, the next
SHIFT_LEADS = ["Petra Novakova", "Imran Siddiqui", "Yolanda Ferris", "Colm Rafferty"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(SHIFT_LEADS))
MOBILES = {p: f"+44 7700 900{400 + 13 * i:03d}" for i, p in enumerate(_PEOPLE)}
#: doc, title, kind, body
RUNBOOKS = [
    ("RB-CORE-004", "PDU session setup failures: triage by 5GSM cause", "runbook",
     "Look at the failures by cause per SMF. #26 insufficient resources: the UPF or the SMF is out of capacity or "
     "the UPF selection is wrong: check the UPFs' sessions against the licence and the selection weights. #27 "
     "missing or unknown DNN and #33 not subscribed: subscription data (UDM), usually background. #29: AUSF / UDM. "
     "#38 network failure: PFCP timeouts between SMF and UPF. Above 2% failures for 15 minutes: page packet core."),
    ("RB-CORE-011", "UPF overload or session imbalance", "runbook",
     "One UPF of a pool near its session licence or above 85% CPU while the others are light: 1. compare the pool's "
     "UPFs' sessions and CPU; 2. check the SMF's upf_selection weights (config pushes) and recent SMF changes; 3. "
     "restore the weights or take the hot UPF out of selection (weight 0) so new sessions go elsewhere; never restart "
     "a loaded UPF: its sessions are lost; 4. packet loss above 1% on a UPF is customer-visible: open a P1."),
    ("RB-SIG-002", "Signalling storm handling", "runbook",
     "Find the procedure (registration, attach, PDU session) and the source (a device fleet, a handset update, "
     "retries after rejects). Apply overload control: N2 overload start on the AMFs, EMM / 5GMM #22 with a T3346 "
     "back-off on MMEs, or a back-off timer (T3396 / T3585) on the SMF's rejects. Retry storms stop when the reject "
     "cause is fixed."),
    ("RB-ROAM-007", "Roaming partner interconnect errors", "runbook",
     "Error rate above 5% on a partner's Diameter, SCCP or SEPP link: check the partner's maintenance notices, raise "
     "a case with Meridian IPX, email the partner's roaming NOC, tell customer care which country is affected. "
     "Steering of roaming may move roamers to another partner in that country."),
    ("RB-IMS-003", "VoLTE / VoNR call setup success drop", "runbook",
     "CSSR below 98% for 30 minutes: check IMS registrations (P-CSCF), the IMS DNN's PDU sessions (SMF, UPF) and "
     "the TAS; VoNR failing while VoLTE is fine points at the 5G core's IMS sessions."),
    ("RB-DNS-001", "DNS resolver SERVFAIL", "runbook",
     "SERVFAIL above 2%: look for a failing upstream authoritative domain, check the forwarders, flush the negative "
     "cache only if the upstream has recovered."),
    ("MOP-NF-020", "NF software upgrade (canary wave and rollback)", "method of procedure",
     "Upgrade one NF per pool first (wave 1), hold 24 hours and compare KPIs with the pool before wave 2; after the "
     "upgrade diff the migrated profile against the backup, especially UPF selection weights and DNN settings. "
     "Rollback: re-install the previous release and restore the backup profile (about 25 minutes)."),
    ("RB-ESC-01", "Core network escalation matrix", "escalation",
     "P1 (customer-visible in a region): NOC shift lead pages the on-call engineer of the domain (packet core, IMS "
     "and voice, roaming, DNS and IP) and the duty manager within 15 minutes; raise a P1 vendor case within 30 "
     "minutes; status page update every 30 minutes. P2 and below: on call during the day."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE nf_instances (name TEXT PRIMARY KEY, nf_type TEXT, site TEXT, data_centre TEXT, region TEXT,
                           vendor TEXT, model TEXT, sw_version TEXT, pool TEXT, capacity INTEGER, capacity_unit TEXT,
                           state TEXT, since TEXT, note TEXT);
CREATE TABLE nf_samples (name TEXT, nf_type TEXT, site TEXT, sample_end TEXT, end_epoch INTEGER, cpu_pct REAL,
                         mem_pct REAL, load_value INTEGER, load_unit TEXT);
CREATE INDEX nf_samples_epoch ON nf_samples (end_epoch);
CREATE TABLE nf_daily (name TEXT, nf_type TEXT, read_utc TEXT, read_epoch INTEGER, peak_cpu_pct REAL,
                       peak_mem_pct REAL, peak_load INTEGER, load_unit TEXT);
CREATE TABLE reg_kpi (region TEXT, access TEXT, bucket_end TEXT, end_epoch INTEGER, attempts INTEGER,
                      successes INTEGER, success_pct REAL, top_reject TEXT);
CREATE TABLE pdu_stats (smf TEXT, region TEXT, bucket_end TEXT, end_epoch INTEGER, attempts INTEGER, failures INTEGER,
                        success_pct REAL);
CREATE TABLE pdu_causes (smf TEXT, region TEXT, bucket_end TEXT, end_epoch INTEGER, cause_code INTEGER,
                         cause_name TEXT, failures INTEGER);
CREATE TABLE upf_samples (upf TEXT, site TEXT, sample_end TEXT, end_epoch INTEGER, sessions INTEGER, dl_gbps REAL,
                          ul_gbps REAL, packet_loss_pct REAL, gtpu_error_ind INTEGER);
CREATE TABLE storms (event TEXT PRIMARY KEY, nf TEXT, site TEXT, kind TEXT, started TEXT, s_epoch INTEGER,
                     ended TEXT, peak_x_baseline REAL, procedure TEXT, source TEXT, action TEXT, status TEXT);
CREATE TABLE partners (tadig TEXT PRIMARY KEY, operator TEXT, country TEXT, interfaces TEXT, route TEXT,
                       direction TEXT, status TEXT, note TEXT, contact TEXT);
CREATE TABLE roaming_kpi (tadig TEXT, interface TEXT, bucket_end TEXT, end_epoch INTEGER, requests INTEGER,
                          errors INTEGER, error_pct REAL, top_error TEXT);
CREATE TABLE dns_stats (resolver TEXT, site TEXT, bucket_end TEXT, end_epoch INTEGER, qps INTEGER, p95_ms REAL,
                        servfail_pct REAL, nxdomain_pct REAL);
CREATE TABLE ims_kpi (region TEXT, service TEXT, bucket_end TEXT, end_epoch INTEGER, attempts INTEGER, cssr_pct REAL,
                      top_failure TEXT);
CREATE TABLE slices (snssai TEXT PRIMARY KEY, name TEXT, sst INTEGER, kind TEXT, customer TEXT, regions TEXT,
                     smf_pool TEXT, upf_pool TEXT, sessions_now INTEGER, sla TEXT, status TEXT, note TEXT);
CREATE TABLE upgrades (upg TEXT PRIMARY KEY, nf TEXT, from_version TEXT, to_version TEXT, started TEXT,
                       s_epoch INTEGER, finished TEXT, result TEXT, crq TEXT, wave TEXT, note TEXT);
CREATE TABLE config_pushes (push TEXT PRIMARY KEY, target TEXT, parameter TEXT, old_value TEXT, new_value TEXT,
                            pushed TEXT, p_epoch INTEGER, pushed_by TEXT, crq TEXT, result TEXT);
CREATE TABLE changes (crq TEXT PRIMARY KEY, title TEXT, scope TEXT, kind TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      planned_epoch INTEGER, implemented TEXT, impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE incidents (ref TEXT PRIMARY KEY, priority TEXT, title TEXT, status TEXT, opened TEXT, o_epoch INTEGER,
                        resolved TEXT, owner TEXT, incident_manager TEXT, impact TEXT, linked TEXT);
CREATE TABLE incident_events (ref TEXT, at_utc TEXT, at_epoch INTEGER, author TEXT, entry TEXT);
CREATE TABLE alarms (alarm TEXT PRIMARY KEY, nf TEXT, severity TEXT, raised TEXT, r_epoch INTEGER, cleared TEXT,
                     state TEXT, text TEXT);
CREATE TABLE complaints (ticket TEXT PRIMARY KEY, logged TEXT, l_epoch INTEGER, region TEXT, reason TEXT,
                         channel TEXT, status TEXT);
CREATE INDEX complaints_epoch ON complaints (l_epoch);
CREATE TABLE cases (ref TEXT PRIMARY KEY, vendor TEXT, nf TEXT, subject TEXT, status TEXT, priority TEXT,
                    engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, covers TEXT, phone TEXT, hours TEXT, engineer TEXT, escalation TEXT,
                      contract TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE noc_shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER,
                         shift_lead TEXT, mobile TEXT);
CREATE TABLE runbooks (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _int_between(lo: int, hi: int, key: str, i: int) -> int:
    return int(lo + (hi - lo) * noise(key, i))


def _upf(name: str, m: int, k: int) -> tuple[int, float, float, float, float, int, float]:
    """One UPF sample m minutes ago: sessions, dl, ul, loss %, cpu %, GTP-U error indications, memory %."""
    spec = next(n for n in NFS if n[0] == name)
    (s_lo, s_hi), (c_lo, c_hi), mem = spec[7], spec[8], spec[9]
    base_dl = {"lon": (44.0, 52.0), "man": (38.0, 44.0), "gla": (20.0, 24.0)}[name.split("-")[1]]
    sessions = _int_between(s_lo, s_hi, name + "s", k)
    cpu = _between(c_lo, c_hi, name + "c", k)
    dl = _between(*base_dl, name + "dl", k)
    loss = _between(0.01, 0.03, name + "loss", k, 2)
    gtpu = _int_between(0, 40, name + "gtpu", k)
    # upf-lon-03's leak: 76.6% a day ago to 78.0% now
    mem_pct = round(76.6 + 1.4 * (DAY - m) / DAY, 1) if mem is None else _between(*mem, name + "m", k)
    if name == "upf-man-02" and m < BACK:
        f = min(1.0, (BACK - m) / (BACK - UPF_FULL))
        if m < UPF_FULL:
            sessions = _int_between(696500, 699400, name + "s2", k)
            cpu = _between(93.0, 97.0, name + "c2", k)
            loss = _between(1.6, 2.4, name + "loss2", k, 2)
            dl = _between(58.0, 64.0, name + "dl2", k)
            gtpu = _int_between(900, 1600, name + "gtpu2", k)
        else:
            sessions = int(427000 + f * (698000 - 427000))
            cpu = round(50.0 + f * 43.0, 1)
            loss = round(0.02 + f * 1.5, 2)
            dl = round(41.0 + f * 18.0, 1)
            gtpu = int(20 + f * 900)
    if name == "upf-man-01" and m < BACK:
        g = (BACK - m) / (BACK - 2)
        sessions = int(427000 - g * (427000 - 168000)) + _int_between(0, 1500, name + "s3", k)
        cpu = round(50.0 - g * 32.0 + _between(0, 1.0, name + "c3", k), 1)
        dl = round(41.0 - g * 27.0 + _between(0, 1.0, name + "dl3", k), 1)
    ul = round(dl * _between(0.095, 0.115, name + "ul", k, 3), 1)
    return sessions, dl, ul, loss, cpu, gtpu, mem_pct


def _samples(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """NF samples and UPF samples every 5 minutes over 24 hours (ending at T-2m, T-7m, ...)."""
    nf_rows, upf_rows = [], []
    upf_sessions: dict[tuple[str, int], int] = {}
    for k in range(287, -1, -1):
        m = 2 + 5 * k
        t = now - timedelta(minutes=m)
        for name, *_ in (n for n in NFS if n[1] == "UPF"):
            sessions, dl, ul, loss, cpu, gtpu, mem = _upf(name, m, k)
            upf_sessions[(name, k)] = sessions
            upf_rows.append((name, name.split("-")[1], iso(t), int(t.timestamp()), sessions, dl, ul, loss, gtpu))
            nf_rows.append((name, "UPF", name.split("-")[1], iso(t), int(t.timestamp()), cpu, mem, sessions,
                            "PDU sessions"))  # fmt: skip
        for name, nf_type, _v, _mo, _ver, _cap, unit, load, cpu_r, mem_r, _pool in NFS:
            if nf_type == "UPF":
                continue
            site = name.split("-")[-2]
            cpu = _between(*cpu_r, name + "c", k)
            mem = _between(*mem_r, name + "m", k)
            if nf_type == "SMF":
                ups = {"smf-lon-01": ["upf-lon-01", "upf-lon-02", "upf-lon-03"],
                       "smf-lon-02": ["upf-lon-01", "upf-lon-02", "upf-lon-03"],
                       "smf-man-01": ["upf-man-01", "upf-man-02"], "smf-gla-01": ["upf-gla-01"]}[name]  # fmt: skip
                value = sum(upf_sessions[(u, k)] for u in ups) // (2 if site == "lon" else 1)
                if name == "smf-man-01" and m < BACK:
                    cpu = _between(68.0, 74.0, name + "c2", k)
            else:
                value = _int_between(*load, name + "l", k)
            if name == "amf-lon-02" and AMF_RESTART[1] <= m <= AMF_RESTART[0]:
                value = _int_between(600000, 620000, name + "l2", k)
            if name == "amf-lon-01" and AMF_RESTART[1] <= m <= AMF_RESTART[0]:
                value += 1230000
                cpu = _between(52.0, 58.0, name + "c2", k)
            nf_rows.append((name, nf_type, site, iso(t), int(t.timestamp()), cpu, mem, value, unit))
    return nf_rows, upf_rows


def _daily(now: datetime, nf_rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Daily busy-hour peaks read at T-30m, T-1d-30m, ... for 14 days (the newest from the last 24 hours' samples)."""
    today: dict[str, tuple[float, float, int]] = {}
    for name, _t, _s, _iso, _e, cpu, mem, value, _u in nf_rows:
        c, mm, v = today.get(name, (0.0, 0.0, 0))
        today[name] = (max(c, cpu), max(mm, mem), max(v, value))
    rows = []
    for name, nf_type, _v, _mo, _ver, _cap, unit, load, cpu_r, mem_r, _pool in NFS:
        for k in range(13, -1, -1):
            t = now - timedelta(minutes=30 + DAY * k)
            if k == 0:
                cpu, mem, value = today[name]
            else:
                cpu = _between(cpu_r[1] - 2, cpu_r[1] + 4, name + "dc", k)
                if mem_r is None:
                    mem = 41.0 if k == 13 else round(41.0 + 37.0 * (13 - k) / 13 + _between(-0.4, 0.4, "lon3m", k), 1)
                else:
                    mem = _between(mem_r[1] - 1, mem_r[1] + 2, name + "dm", k)
                hi = load[1] if load else today[name][2]
                value = _int_between(int(hi * 0.99), int(hi * 1.03), name + "dl", k)
            rows.append((name, nf_type, iso(t), int(t.timestamp()), cpu, mem, value, unit))
    return rows


def _pdu(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """PDU session setup buckets of 15 minutes for 72 hours (ending at T-4m, T-19m, ...) and their failures by cause."""
    stats, causes = [], []
    for k in range(287, -1, -1):
        m = 4 + 15 * k
        t = now - timedelta(minutes=m)
        for smf, (scale, (a_lo, a_hi), region) in SMF_PDU.items():
            attempts = _int_between(a_lo, a_hi, smf + "a", k)
            story = smf == "smf-man-01" and m < FAIL_START
            if story:
                attempts = 71000 if m + 15 > FAIL_START else _int_between(88000, 104000, smf + "a2", k)
            total = 0
            for code, (cname, (lo, hi)) in CAUSES.items():
                n = round((lo + (hi - lo) * noise(f"{smf}#{code}", k)) * scale)
                if story and code == 26:
                    n = 640 if m + 15 > FAIL_START else _int_between(4200, 5600, smf + "#26b", k)
                if story and code == 38:
                    n = 45 if m + 15 > FAIL_START else _int_between(300, 500, smf + "#38b", k)
                total += n
                causes.append((smf, region, iso(t), int(t.timestamp()), code, cname, n))
            stats.append((smf, region, iso(t), int(t.timestamp()), attempts, total,
                          round(100.0 * (attempts - total) / attempts, 2)))  # fmt: skip
    return stats, causes


def _registration(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(191, -1, -1):
        m = 9 + 15 * k
        t = now - timedelta(minutes=m)
        for region, accesses in REG_ATTEMPTS.items():
            for access, (lo, hi) in accesses.items():
                attempts = _int_between(lo, hi, region + access, k)
                ok = _between(*REG_OK[access], region + access + "ok", k, 2)
                reject = REG_REJECT[access]
                if (region, access, m) in REG_SPECIAL:
                    ok, x, reject = REG_SPECIAL[(region, access, m)]
                    attempts = int(attempts * x)
                succ = round(attempts * ok / 100)
                rows.append((region, access, iso(t), int(t.timestamp()), attempts, succ, ok, reject))
    return rows


def _ims(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(191, -1, -1):
        m = 11 + 15 * k
        t = now - timedelta(minutes=m)
        for region, services in IMS_ATTEMPTS.items():
            for service, (lo, hi) in services.items():
                attempts = _int_between(lo, hi, region + service, k)
                cssr = _between(*IMS_OK[service], region + service + "ok", k, 2)
                top = "SIP 480 temporarily unavailable"
                if region == "north" and service == "VoNR" and m < FAIL_START:
                    cssr = _between(96.9, 97.8, "vonr-north", k, 2)
                    top = "IMS PDU session setup failed (5GSM #26)"
                rows.append((region, service, iso(t), int(t.timestamp()), attempts, cssr, top))
    return rows


def _dns(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(191, -1, -1):
        m = 6 + 15 * k
        t = now - timedelta(minutes=m)
        for resolver, (site, (lo, hi)) in RESOLVERS.items():
            servfail = _between(0.1, 0.3, resolver + "sf", k, 2)
            p95 = _between(8.0, 14.0, resolver + "p95", k)
            if resolver == "dns-lon-01" and m in DNS_SPIKE:
                servfail, p95 = DNS_SPIKE[m]
            rows.append((resolver, site, iso(t), int(t.timestamp()), _int_between(lo, hi, resolver + "q", k), p95,
                         servfail, _between(4.0, 6.0, resolver + "nx", k, 2)))  # fmt: skip
    return rows


def _roaming(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for tadig, *_rest in PARTNERS:
        interfaces = next(p[3] for p in PARTNERS if p[0] == tadig).split(", ")
        for iface in interfaces:
            (r_lo, r_hi), top = IFACE[iface]
            if tadig == "USAWR":
                r_lo, r_hi = 30000, 36000
            for k in range(167, -1, -1):
                m = 10 + 60 * k
                t = now - timedelta(minutes=m)
                requests = _int_between(r_lo, r_hi, tadig + iface, k)
                pct = _between(0.2, 0.8, tadig + iface + "e", k, 2)
                err = top
                if tadig == "TURLB":
                    pct = _between(4.1, 5.3, tadig + "gtt", k, 2)
                    err = "SCCP return cause 0: no translation for an address of such nature"
                if tadig == "USAWR" and m < USAWR_START:  # the bucket ending at T-250m has 55 minutes of it
                    pct = 5.9 if m + 60 > USAWR_START else _between(6.8, 9.5, "usawr", k, 2)
                    err = "3002 DIAMETER_UNABLE_TO_DELIVER"
                errors = round(requests * pct / 100)
                rows.append((tadig, iface, iso(t), int(t.timestamp()), requests, errors, pct, err))
    return rows


def _complaints(now: datetime) -> list[tuple[Any, ...]]:
    items: list[tuple[int, str, str]] = []
    for region, ((lo, hi), reasons) in COMPLAINT_REGIONS.items():
        for h in range(14 * 24):
            n = int(lo + (hi - lo + 1) * noise(region + "n", h))
            for j in range(n):
                m = 60 * h + 12 + int(38 * noise(region + "m", 10 * h + j))
                items.append((m, region, reasons[int(len(reasons) * noise(region + "r", 10 * h + j))]))
    for region, reason, count, (newest, oldest) in COMPLAINT_SPIKES:
        for j in range(count):
            items.append((newest + int((oldest - newest) * j / max(1, count - 1)), region, reason))
    items.sort(key=lambda x: (-x[0], x[1], x[2]))
    rows = []
    channels = ["app", "web chat", "call centre", "call centre", "social"]
    for n, (m, region, reason) in enumerate(items):
        t = now - timedelta(minutes=m)
        status = "open" if m < 600 else "closed"
        rows.append((f"CX-{812000 + n}", iso(t), int(t.timestamp()), region, reason,
                     channels[int(len(channels) * noise("ch", n))], status))  # fmt: skip
    return rows


def _noc_shifts(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour shifts from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, person in enumerate(SHIFT_LEADS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("day" if s.hour == 7 else "night", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()),
                     person, MOBILES[person]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    instances = []
    for name, nf_type, vendor, model, version, cap, unit, _l, _c, _m, pool in NFS:
        site = name.split("-")[-2]
        state, since, note = NF_NOW.get(name, ("in_service", 23 * DAY, ""))
        instances.append((name, nf_type, site, SITES[site][0], SITES[site][1], vendor, model, version, pool, cap, unit,
                          state, ago(since), note))  # fmt: skip
    db.executemany("INSERT INTO nf_instances VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", instances)
    nf_rows, upf_rows = _samples(now)
    db.executemany("INSERT INTO nf_samples VALUES (?,?,?,?,?,?,?,?,?)", nf_rows)
    db.executemany("INSERT INTO upf_samples VALUES (?,?,?,?,?,?,?,?,?)", upf_rows)
    db.executemany("INSERT INTO nf_daily VALUES (?,?,?,?,?,?,?,?)", _daily(now, nf_rows))
    stats, causes = _pdu(now)
    db.executemany("INSERT INTO pdu_stats VALUES (?,?,?,?,?,?,?)", stats)
    db.executemany("INSERT INTO pdu_causes VALUES (?,?,?,?,?,?,?)", causes)
    db.executemany("INSERT INTO reg_kpi VALUES (?,?,?,?,?,?,?,?)", _registration(now))
    db.executemany("INSERT INTO ims_kpi VALUES (?,?,?,?,?,?,?)", _ims(now))
    db.executemany("INSERT INTO dns_stats VALUES (?,?,?,?,?,?,?,?)", _dns(now))
    db.executemany("INSERT INTO roaming_kpi VALUES (?,?,?,?,?,?,?,?)", _roaming(now))
    db.executemany("INSERT INTO partners VALUES (?,?,?,?,?,?,?,?,?)", PARTNERS)
    db.executemany("INSERT INTO storms VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(e, nf, s, k, ago(st), clock.epoch(st), ago(en), px, pr, src, act, status)
                    for e, nf, s, k, st, en, px, pr, src, act, status in STORMS])  # fmt: skip
    db.executemany("INSERT INTO slices VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", SLICES)
    db.executemany("INSERT INTO upgrades VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(u, nf, fv, tv, ago(s), clock.epoch(s), ago(f), r, c, w, n)
                    for u, nf, fv, tv, s, f, r, c, w, n in UPGRADES])  # fmt: skip
    db.executemany("INSERT INTO config_pushes VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(p, tg, par, o, nw, ago(m), clock.epoch(m), by, c, r)
                    for p, tg, par, o, nw, m, by, c, r in PUSHES])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:9], clock.epoch(c[9]), ago(c[10]), clock.epoch(c[10]), ago(c[11]),
          None if c[11] is None else clock.epoch(c[11]), clock.epoch(c[12]), c[13]) for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(r, p, ti, st, ago(o), clock.epoch(o), ago(res), ow, im, imp, ln)
                    for r, p, ti, st, o, res, ow, im, imp, ln in INCIDENTS])  # fmt: skip
    db.executemany("INSERT INTO incident_events VALUES (?,?,?,?,?)",
                   [(r, ago(m), clock.epoch(m), a, e) for r, m, a, e in TIMELINE])  # fmt: skip
    db.executemany("INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?)",
                   [(a, nf, sev, ago(r), clock.epoch(r), ago(c), "active" if c is None else "cleared", text)
                    for a, nf, sev, r, c, text in ALARMS])  # fmt: skip
    db.executemany("INSERT INTO complaints VALUES (?,?,?,?,?,?,?)", _complaints(now))
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 9))
    db.executemany("INSERT INTO noc_shifts VALUES (?,?,?,?,?,?,?)", _noc_shifts(now))
    db.executemany("INSERT INTO runbooks VALUES (?,?,?,?)", RUNBOOKS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Fellgate Mobile 5G / 4G packet core: network functions, KPIs, roaming, IMS, DNS, changes, incidents"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
