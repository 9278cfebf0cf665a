"""A thirty-second estate, held out from the planner's tuning: the radio access network (RAN) field operations of
Orrinvale Mobile, a regional mobile network operator. Fourteen cell sites in four regions, by a region code and a number
(Halmere ``HLM-031`` .. ``HLM-045``, Tessford ``TSF-112`` .. ``TSF-120``, Brackwater ``BRK-019`` .. ``BRK-057``, Quenby
``QNB-201`` / ``QNB-207``): rooftops on landlords' buildings and towers and monopoles of Castellane Towers. Every site
carries LTE 1800 in three sectors (cells ``HLM-034-L1`` .. ``L3``), seven also NR n78 (``HLM-034-N2``); Nordvik Radio
baseband units (BBU), radio units (RU) and active antennas (AAU); backhaul over fibre (``FBR-0207``) or Ferrolink
microwave links (``MWL-4410``, daisy chains from a hub site); site power from the mains through rectifiers with battery
banks (a low voltage disconnect, LVD, sheds load at 30% state of charge) and, at the tower sites and ``QNB-207``, Halden
standby generators. The store holds the site register, cells, RAN hardware, per-cell KPIs every 15 minutes (48 hours)
and per day (14 days), OSS alarms, backhaul links with daily microwave statistics and 10-minute RSL samples, site power
with 5-minute battery telemetry, battery discharge events and the generator log, field dispatches and engineers, access
permits, vendor cases and the vendor directory, the power company's planned outages, rollouts, change records, the
on-call rota, the NOC shift leads, the NOC log and the MOP library.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
alarms ``OSA-771240``; rollouts ``RO-5521``; change records ``OVC-1184``; dispatches ``DX-40823``; access permits
``AP-6135``; battery discharge events ``BD-2291``; NOC log entries ``NL-88410``; MOPs ``MOP-PWR-004``,
``MOP-RAN-012``, ``ESC-NOC-01``; cases by vendor: Nordvik Radio ``NVK-CS-730214``, Castellane Towers ``CTW-55210``,
Halden Gensets ``HGS-2290``, Ferrolink ``FLK-11873``, Westmarch Electricity Networks faults ``WEN-F-90417`` (its planned
outages ``WEN-PO-7740``); people are named in full (``Leontine Baptiste``). Windows come as ``lookback_min``,
``hours``, ``days``, an RFC 3339 ``since``, ISO dates (``from_date`` / ``to_date``), ``window_h``, ``minutes_back``,
``last_n_days``, ``window_days``, ``back_days`` / ``ahead_days`` and ``span_hours``.
:mod:`tests.ops_eval.thirtysecond_apis` defines them.

The story (minutes before the estate is built, minute-aligned; cell KPIs every 15 minutes for 48 hours, ending at T-5m,
T-20m, ...; battery telemetry every 5 minutes for 24 hours (T-2m, T-7m, ...); microwave RSL every 10 minutes for 24
hours (T-4m, T-14m, ...); daily microwave statistics at T-180m, T-1d-180m, ...; daily cell KPIs per 24-hour period
ending now, a day, ... before; on-call weeks run from Monday 08:00 UTC and the NOC shift leads' 12-hour shifts from
07:00 and 19:00 UTC, with the story's people on the week and the shift running now whatever the hour, so the NOC log's
entries of the last hours may predate a shift boundary):

- T-292m .. T-288m rollout RO-5521 (change OVC-1184, Mireille Achterberg, RAN optimisation) re-plans the PRACH root
  sequence indices (RSI) of the nine Halmere LTE 1800 cells of HLM-031, HLM-034 and HLM-038 to clear a clash with
  HLM-045's cells; its plan assumed HLM-034-L1 stayed at 552 and gave 416 to both HLM-031-L2 and HLM-034-L1, which face
  each other across Station Road, and 418 to HLM-034-L3 (with a cyclic shift of 13 each cell uses four roots, so 418
  overlaps 416-419). From the first sample after it (ending T-275m) RRC setup success on HLM-034-L1 falls from
  99.2-99.8% to 90.8-93.6% (90.8 the lowest, T-125m) and its drop call rate (DCR) rises from 0.22-0.58% to 2.05-2.94%
  (2.94 the worst, T-140m); HLM-031-L2 to 93.4-95.1% and 1.52-2.12%; HLM-034-L3 mildly (96.3-97.6%, 0.84-1.22%); the
  other cells (HLM-034-L2, HLM-031-L1 / L3, HLM-038) stay normal. KPI alarms from T-258m; T-255m the NOC (Dalia Szabo)
  calls RAN optimisation on call Leontine Baptiste; T-208m she rules out transport and HLM-038's tilt; T-112m she finds
  the shared root sequence 416 and suspects RO-5521; T-100m raises NVK-CS-730214 with Nordvik (P2); T-61m Nordvik
  (Tomasz Lindqvist) confirms preamble collisions and advises HLM-034-L1 back to 552 and HLM-034-L3 to 576; T-45m the
  duty manager Benedikt Aarons approves emergency change OVC-1191 (rollout RO-5530 at T+20m).
- T-140m TSF-112 (Tessford Beacon Hill, the microwave hub for TSF-115 and TSF-118) loses its mains (an unplanned
  Westmarch LV cable fault, WEN-F-90417, restoration estimated at T+240m); its generator fails to start three times
  (T-139m, T-137m, T-135m: start battery at 9.8 V, locked out; HGS-2290 with Halden, Bram Oosterhuis to attend at
  T+180m); the site runs on its batteries, the state of charge falling 0.384% a minute from 100% to 47.0% (T-2m), the
  50% alarm at T-8m, the LVD at 30% due in about 42 minutes (T+42m). Dispatch DX-40823 (P1): Rhys Tandoh, field ops on
  call, left TSF-120 at T-26m with a 20 kVA portable generator, ETA T+35m.
- red herrings and other work: RO-5518 (OVC-1183, T-431m .. T-403m) BBU software BX-OS 24.3.0 on BRK-052 and BRK-057,
  KPIs clean; RO-5523 (OVC-1185, T-310m) HLM-038 sector 2 tilt 4 -> 6 degrees, just before the onset, its cells
  normal; RO-5524 (OVC-1186, T-200m) NR SSB power boost on HLM-041; QNB-207 on its generator since T-89m for the
  power company's planned outage WEN-PO-7731 (T-90m .. T+150m), not on battery; BRK-019 off air since T-180m for the
  landlord's roof works (OVC-1187, permit AP-6120, back about T+120m); BRK-057-L3 out of service since T-600m (RU-3
  power amplifier fault, NVK-CS-729880, before the BBU upgrade; RU swap DX-40826 at T+1080m); TSF-120-L1 the busiest
  cell (PRB 78-91%) with a normal DCR; BRK-052's generator at 22% fuel (refuel DX-40828 at T+600m).
- slow trend: microwave link MWL-4431 (BRK-052 to BRK-057) loses about 1 dB a day, the daily lowest RSL from -40.5 dBm
  13 days ago to -53.0 now (design -39.5; samples today -51.9 .. -53.0, -52.4 now), modulation downshifts from none to
  14 a day, 1024QAM now against 4096QAM (Ferrolink FLK-11873; Castellane's mount bracket check CTW-55210; realignment
  DX-40830 at T+2500m waits for permit AP-6133, pending).
- counts: alarms per site in 7 days: BRK-057 10 (the most: the RU fault, the cell out, the BBU restart and seven
  microwave alarms), TSF-112 4, HLM-034 3, QNB-207 3, BRK-052, HLM-031 and HLM-045 2, BRK-019, HLM-038, HLM-041,
  QNB-201 and TSF-115 1 (31 in all); critical alarms in 24 hours: 3 (TSF-112's mains failure and generator fail to
  start, BRK-057's RU fault); battery discharge events in 30 days: QNB-207 5, TSF-112 2, HLM-045 2, BRK-052 1.
- ahead: Westmarch planned outages WEN-PO-7740 (TSF-120, T+1300m), WEN-PO-7745 (HLM-041, T+3900m), WEN-PO-7752
  (BRK-052, T+6500m); dispatches DX-40828 (T+600m), DX-40826 (T+1080m), DX-40830 (T+2500m), DX-40835 (HLM-045
  batteries, T+5800m); permits AP-6128 (T+1000m), AP-6135 (HLM-031 roof, escorted by Gwen Latham, T+2950m), AP-6133
  and AP-6139 pending.

On call this week: RAN optimisation Leontine Baptiste, transmission Goran Petrovic (secondary Ailsa Drummond), power
Jonah Fairweather, field ops Rhys Tandoh (secondary Ewa Kaczmarek), duty manager Benedikt Aarons. NOC shift lead now:
Fintan Moriarty (before him Agnieszka Wrona, next Sunniva Halvorsen). Castellane Towers' NOC is +44 113 496 0552, its
escalation contact Rupert Ingleby.

No API reports costs (spectrum licences, energy bills, diesel prices), revenue, subscribers or churn, customer
complaints, drive tests, weather, traffic forecasts, or people's leave; there is no site QNB-299 and no case
NVK-CS-799999; cell KPIs are kept 48 hours (15-minute) and 14 days (daily).

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtysecond_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "orrinvale_ran"
DAY = 1440
#: RO-5521 (started, completed), minutes ago
RO_5521 = (292, 288)
#: TSF-112: mains lost (minutes ago); state of charge lost per minute on battery
TSF112_MAINS_LOST, SOC_PER_MIN = 140, 0.384
#: QNB-207's planned outage: generator started, supply off (minutes ago)
QNB207_GEN, QNB207_OFF = 89, 90
#: BRK-019 off air, BRK-057-L3 out (minutes ago)
BRK019_OFF, BRK057_L3_OUT = 180, 600

#: site, name, region, type, address, structure owner, landlord, height (m), technologies, backhaul
SITES = [
    ("HLM-031", "Halmere Corn Exchange", "Halmere", "rooftop", "Corn Exchange, 2 Market Row, Halmere",
     "Orrinvale Mobile", "Corn Exchange Trust", 24.0, "LTE 1800, NR n78", "fibre FBR-0207"),
    ("HLM-034", "Halmere Station Road", "Halmere", "rooftop", "Dunmore House, 41 Station Road, Halmere",
     "Orrinvale Mobile", "Dunmore Property Holdings", 27.5, "LTE 1800, NR n78", "fibre FBR-0208"),
    ("HLM-038", "Halmere Gasworks", "Halmere", "tower", "Old Gasworks Yard, Canal Street, Halmere",
     "Castellane Towers", "Castellane Towers", 35.0, "LTE 1800, NR n78", "fibre FBR-0209"),
    ("HLM-041", "Halmere Westbrook Park", "Halmere", "monopole", "Westbrook Park depot, Park Lane, Halmere",
     "Castellane Towers", "Halmere Borough Council", 20.0, "LTE 1800, NR n78", "fibre FBR-0210"),
    ("HLM-045", "Halmere Infirmary", "Halmere", "rooftop", "Halmere Infirmary, Chapel Hill, Halmere",
     "Orrinvale Mobile", "Halmere Infirmary Estates", 31.0, "LTE 1800, NR n78", "fibre FBR-0211"),
    ("TSF-112", "Tessford Beacon Hill", "Tessford", "tower", "Beacon Hill Lane, Tessford", "Castellane Towers",
     "Castellane Towers", 45.0, "LTE 1800",
     "fibre FBR-0212; microwave hub for TSF-115 (MWL-4410) and TSF-118 (MWL-4412)"),
    ("TSF-115", "Tessford Millbrook", "Tessford", "tower", "Millbrook Farm, Tessford", "Castellane Towers",
     "Castellane Towers", 30.0, "LTE 1800", "microwave MWL-4410 from TSF-112"),
    ("TSF-118", "Tessford Quarry Lane", "Tessford", "monopole", "Quarry Lane lay-by, Tessford", "Castellane Towers",
     "Tessford Aggregates", 25.0, "LTE 1800", "microwave MWL-4412 from TSF-112"),
    ("TSF-120", "Tessford Market Square", "Tessford", "rooftop", "Guildhall Chambers, Market Square, Tessford",
     "Orrinvale Mobile", "Tessford Town Council", 18.0, "LTE 1800, NR n78", "fibre FBR-0215"),
    ("BRK-019", "Brackwater Harbour Offices", "Brackwater", "rooftop", "Harbour Offices, Quay Street, Brackwater",
     "Orrinvale Mobile", "Harbour Offices Ltd", 22.0, "LTE 1800", "fibre FBR-0221"),
    ("BRK-052", "Brackwater Ring Road", "Brackwater", "tower", "Ring Road services, Brackwater", "Castellane Towers",
     "Castellane Towers", 40.0, "LTE 1800, NR n78", "fibre FBR-0219; microwave hub for BRK-057 (MWL-4431)"),
    ("BRK-057", "Brackwater Industrial Estate", "Brackwater", "tower", "Unit 9, Saltings Industrial Estate",
     "Castellane Towers", "Castellane Towers", 32.0, "LTE 1800", "microwave MWL-4431 from BRK-052"),
    ("QNB-201", "Quenby Downs", "Quenby", "tower", "Downs Road reservoir, Quenby", "Castellane Towers",
     "Castellane Towers", 42.0, "LTE 1800", "fibre FBR-0225; microwave hub for QNB-207 (MWL-4426)"),
    ("QNB-207", "Quenby Old Mill", "Quenby", "rooftop", "Old Mill, Weir Lane, Quenby", "Orrinvale Mobile",
     "Old Mill Lofts Management Co", 16.0, "LTE 1800", "microwave MWL-4426 from QNB-201"),
]  # fmt: skip
NR_SITES = {"HLM-031", "HLM-034", "HLM-038", "HLM-041", "HLM-045", "TSF-120", "BRK-052"}
#: site -> state, since (minutes ago), note (the rest ON_AIR)
SITE_NOW = {
    "BRK-019": ("OFF_AIR", BRK019_OFF, "powered down for the landlord's roof works (OVC-1187, permit AP-6120); back on "
                "air about {+120m} UTC"),
    "BRK-057": ("PARTIAL", BRK057_L3_OUT, "BRK-057-L3 out of service: RU-3 hardware fault (NVK-CS-729880), RU swap "
                "DX-40826"),
    "TSF-112": ("ON_AIR", 9 * DAY, "on battery since the mains failure; generator failed to start (see site power)"),
    "QNB-207": ("ON_AIR", 12 * DAY, "on generator for the planned outage WEN-PO-7731"),
}  # fmt: skip

#: Halmere LTE root sequence indices: cell -> (before RO-5521, now)
RSI = {
    "HLM-031-L1": (120, 404), "HLM-031-L2": (132, 416), "HLM-031-L3": (144, 428),
    "HLM-034-L1": (552, 416), "HLM-034-L2": (564, 440), "HLM-034-L3": (576, 418),
    "HLM-038-L1": (300, 452), "HLM-038-L2": (312, 464), "HLM-038-L3": (324, 476),
}  # fmt: skip
#: cells hit by RO-5521's shared root sequence, after it: RRC setup success, DCR, throughput (lo, hi)
HIT = {
    "HLM-034-L1": ((91.2, 93.6), (2.05, 2.75), (12.0, 22.0)),
    "HLM-031-L2": ((93.4, 95.1), (1.52, 2.12), (15.0, 26.0)),
    "HLM-034-L3": ((96.3, 97.6), (0.84, 1.22), (16.0, 30.0)),
}
#: (cell, sample end minutes ago) -> pinned values
PINNED = {
    ("HLM-034-L1", 275): {"rrc": 92.4, "dcr": 2.31},
    ("HLM-034-L1", 140): {"dcr": 2.94},
    ("HLM-034-L1", 125): {"rrc": 90.8},
}
#: cell -> [(out from, out to) minutes ago]; 0: still out
CELL_OUT: dict[str, list[tuple[int, int]]] = {
    **{f"BRK-019-L{s}": [(BRK019_OFF, 0)] for s in (1, 2, 3)},
    "BRK-057-L3": [(BRK057_L3_OUT, 0)],
    **{f"BRK-052-{t}{s}": [(425, 419)] for t in ("L", "N") for s in (1, 2, 3)},
    **{f"BRK-057-L{s}": [(414, 408)] for s in (1, 2)},
}
#: normal KPI ranges per technology: PRB %, RRC setup success %, DCR %, DL user throughput Mbit/s
NORMAL = {
    "LTE": ((30.0, 68.0), (99.2, 99.8), (0.22, 0.58), (16.0, 38.0)),
    "NR": ((12.0, 45.0), (99.5, 99.9), (0.08, 0.32), (160.0, 390.0)),
}
#: cell -> PRB and throughput ranges instead of the normal ones
BUSY = {"TSF-120-L1": ((78.0, 91.0), (7.5, 13.0)), "TSF-120-L2": ((52.0, 71.0), (14.0, 26.0))}

#: link, kind, a end, b end, equipment, band, capacity Mbit/s, design RSL, RSL now, modulation now, max modulation,
#: state, note, 10-minute RSL range (lo, hi)
LINKS = [
    ("MWL-4410", "MW", "TSF-112", "TSF-115", "Ferrolink FL-80 1+0", "18 GHz", 1000, -41.0, -41.3, "2048QAM",
     "2048QAM", "UP", "TSF-115's only backhaul: it goes down with TSF-112's microwave hub", (-41.9, -40.7)),
    ("MWL-4412", "MW", "TSF-112", "TSF-118", "Ferrolink FL-80 1+0", "23 GHz", 800, -43.5, -43.8, "2048QAM",
     "2048QAM", "UP", "TSF-118's only backhaul", (-44.4, -43.0)),
    ("MWL-4426", "MW", "QNB-201", "QNB-207", "Ferrolink FL-80 1+0", "23 GHz", 800, -38.0, -38.2, "2048QAM",
     "2048QAM", "UP", "", (-38.8, -37.6)),
    ("MWL-4431", "MW", "BRK-052", "BRK-057", "Ferrolink FL-120 XPIC", "18 GHz", 2000, -39.5, -52.4, "1024QAM",
     "4096QAM", "DEGRADED", "RSL falling about 1 dB a day for two weeks; BRK-057 end suspected (FLK-11873); "
     "realignment DX-40830", (-53.0, -51.9)),
    ("FBR-0207", "FIBRE", "HLM-031", "HLM-AGG", "dark fibre, 10G", "", 10000, None, None, "", "", "UP", "", None),
    ("FBR-0208", "FIBRE", "HLM-034", "HLM-AGG", "dark fibre, 10G", "", 10000, None, None, "", "", "UP", "", None),
    ("FBR-0209", "FIBRE", "HLM-038", "HLM-AGG", "dark fibre, 10G", "", 10000, None, None, "", "", "UP", "", None),
    ("FBR-0210", "FIBRE", "HLM-041", "HLM-AGG", "dark fibre, 10G", "", 10000, None, None, "", "", "UP",
     "re-terminated 3 days ago (OVC-1180)", None),
    ("FBR-0211", "FIBRE", "HLM-045", "HLM-AGG", "dark fibre, 10G", "", 10000, None, None, "", "", "UP", "", None),
    ("FBR-0212", "FIBRE", "TSF-112", "TSF-AGG", "leased Ethernet 2G", "", 2000, None, None, "", "", "UP", "", None),
    ("FBR-0215", "FIBRE", "TSF-120", "TSF-AGG", "leased Ethernet 2G", "", 2000, None, None, "", "", "UP", "", None),
    ("FBR-0219", "FIBRE", "BRK-052", "BRK-AGG", "dark fibre, 10G", "", 10000, None, None, "", "", "UP", "", None),
    ("FBR-0221", "FIBRE", "BRK-019", "BRK-AGG", "leased Ethernet 1G", "", 1000, None, None, "", "", "UP",
     "link up; the site is powered down", None),
    ("FBR-0225", "FIBRE", "QNB-201", "QNB-AGG", "leased Ethernet 2G", "", 2000, None, None, "", "", "UP", "", None),
]  # fmt: skip
#: MWL-4431's modulation downshifts per day, 13 days ago .. the last day
MWL4431_DOWNSHIFTS = [0, 0, 0, 1, 1, 2, 2, 3, 5, 6, 8, 9, 12, 14]

#: site -> rectifiers, DC load kW, battery bank, generator (model, fuel %, run hours) or None
POWER = {
    "HLM-031": ("3 x 2 kW Eltek", 2.6, "2 x 48 V 150 Ah VRLA", None),
    "HLM-034": ("3 x 2 kW Eltek", 2.7, "2 x 48 V 150 Ah VRLA", None),
    "HLM-038": ("4 x 2 kW Eltek", 2.9, "2 x 48 V 190 Ah VRLA", ("Halden HG-20 20 kVA", 84, 412.6)),
    "HLM-041": ("4 x 2 kW Eltek", 2.8, "2 x 48 V 190 Ah VRLA", ("Halden HG-20 20 kVA", 77, 388.0)),
    "HLM-045": ("3 x 2 kW Eltek", 2.5, "2 x 48 V 150 Ah VRLA (capacity test 61%, replacement DX-40835)", None),
    "TSF-112": ("4 x 2 kW Eltek", 3.4, "2 x 48 V 190 Ah VRLA", ("Halden HG-20 20 kVA", 71, 1843.2)),
    "TSF-115": ("3 x 2 kW Eltek", 1.9, "2 x 48 V 150 Ah VRLA", ("Halden HG-15 15 kVA", 90, 977.4)),
    "TSF-118": ("3 x 2 kW Eltek", 1.8, "2 x 48 V 150 Ah VRLA", ("Halden HG-15 15 kVA", 66, 655.9)),
    "TSF-120": ("3 x 2 kW Eltek", 2.6, "2 x 48 V 150 Ah VRLA", None),
    "BRK-019": ("3 x 2 kW Eltek", 1.7, "1 x 48 V 150 Ah VRLA", None),
    "BRK-052": ("4 x 2 kW Eltek", 3.1, "2 x 48 V 190 Ah VRLA", ("Halden HG-20 20 kVA", 22, 1290.3)),
    "BRK-057": ("3 x 2 kW Eltek", 1.6, "2 x 48 V 150 Ah VRLA", ("Halden HG-15 15 kVA", 63, 731.8)),
    "QNB-201": ("4 x 2 kW Eltek", 2.4, "2 x 48 V 190 Ah VRLA", ("Halden HG-20 20 kVA", 88, 1022.5)),
    "QNB-207": ("3 x 2 kW Eltek", 1.8, "2 x 48 V 150 Ah VRLA", ("Halden HG-15 15 kVA", 58, 2211.6)),
}
#: event, site, started (minutes ago), minutes (None: still discharging), lowest SoC, cause
DISCHARGES = [
    ("BD-2291", "TSF-112", TSF112_MAINS_LOST, None, 47.0,
     "mains failure (Westmarch LV cable fault WEN-F-90417); generator failed to start"),
    ("BD-2284", "QNB-207", 3 * DAY + 70, 6, 96.8, "mains dip (Old Mill feeder recloser); generator start delay 8 min "
     "not reached"),
    ("BD-2277", "HLM-045", 6 * DAY + 300, 25, 58.3, "mains trip in the Infirmary plant room; no generator; weak "
     "batteries (capacity 61%)"),
    ("BD-2270", "QNB-207", 8 * DAY + 100, 7, 95.9, "mains dip (Old Mill feeder recloser)"),
    ("BD-2266", "TSF-112", 11 * DAY + 300, 6, 97.4, "mains dip"),
    ("BD-2262", "QNB-207", 13 * DAY + 50, 5, 97.1, "mains dip (Old Mill feeder recloser)"),
    ("BD-2255", "BRK-052", 16 * DAY + 400, 9, 93.0, "mains failure; generator started after 8 minutes, ran 2.3 h"),
    ("BD-2250", "QNB-207", 19 * DAY + 700, 6, 96.5, "mains dip (Old Mill feeder recloser)"),
    ("BD-2244", "HLM-045", 21 * DAY + 200, 18, 71.0, "mains trip in the Infirmary plant room; no generator"),
    ("BD-2238", "QNB-207", 26 * DAY + 300, 4, 97.6, "mains dip (Old Mill feeder recloser)"),
    ("BD-2219", "QNB-207", 41 * DAY + 20, 5, 97.0, "mains dip (Old Mill feeder recloser)"),
]  # fmt: skip
#: site, minutes ago, event, detail, run hours
GEN_EVENTS = [
    ("TSF-112", 139, "fail_to_start", "auto start, attempt 1: crank failed (start battery 9.8 V)", 1843.2),
    ("TSF-112", 137, "fail_to_start", "auto start, attempt 2: crank failed (start battery 9.7 V)", 1843.2),
    ("TSF-112", 135, "fail_to_start", "auto start, attempt 3: crank failed; controller locked out (FAIL TO START)",
     1843.2),
    ("QNB-207", QNB207_GEN, "start", "manual start before the planned outage WEN-PO-7731; on load", 2210.1),
    ("BRK-052", 2 * DAY + 300, "test", "fuel level alarm: 22% (refuel DX-40828)", 1290.3),
    ("BRK-052", 5 * DAY + 60, "test", "monthly test run 20 minutes: OK; fuel 24%", 1290.0),
    ("TSF-112", 12 * DAY + 200, "test", "monthly test run 20 minutes: OK (start battery 12.6 V)", 1843.2),
    ("QNB-207", 9 * DAY + 100, "test", "monthly test run 20 minutes: OK", 2206.6),
    ("HLM-038", 7 * DAY + 500, "test", "monthly test run 20 minutes: OK", 412.6),
    ("HLM-041", 10 * DAY + 240, "test", "monthly test run 20 minutes: OK", 388.0),
    ("TSF-115", 14 * DAY + 100, "test", "monthly test run 20 minutes: OK", 977.4),
    ("TSF-118", 15 * DAY + 300, "test", "monthly test run 20 minutes: OK", 655.9),
    ("BRK-057", 18 * DAY + 90, "test", "monthly test run 20 minutes: OK", 731.8),
    ("QNB-201", 20 * DAY + 400, "test", "monthly test run 20 minutes: OK", 1022.5),
    ("BRK-052", 16 * DAY + 392, "start", "auto start after 8 minutes without mains", 1287.7),
    ("BRK-052", 16 * DAY + 254, "stop", "mains back; cool-down and stop", 1290.0),
    ("QNB-207", 22 * DAY, "refuel", "refuelled to 95% (Maldon Fuels)", 2206.1),
]  # fmt: skip

#: alarm, site, object, severity, probable cause, raised, cleared (minutes ago; None: active), acknowledged by
ALARMS = [
    ("OSA-771240", "TSF-112", "TSF-112/PWR/MAINS", "critical", "Mains failure (AC input lost)", 140, None,
     "Dalia Szabo"),
    ("OSA-771241", "TSF-112", "TSF-112/PWR/BATT", "major", "Battery discharging", 139, None, "Dalia Szabo"),
    ("OSA-771244", "TSF-112", "TSF-112/GEN", "critical", "Generator fail to start (3 attempts, locked out)", 135,
     None, "Dalia Szabo"),
    ("OSA-771301", "TSF-112", "TSF-112/PWR/BATT", "major", "Battery state of charge low (< 50%)", 8, None, ""),
    ("OSA-771258", "HLM-034", "HLM-034-L1", "major", "RRC setup success rate below threshold (95%)", 258, None,
     "Dalia Szabo"),
    ("OSA-771259", "HLM-034", "HLM-034-L1", "minor", "Random access contention resolution failures high", 256, None,
     "Dalia Szabo"),
    ("OSA-771266", "HLM-034", "HLM-034-L1", "major", "Drop call rate above threshold (1.5%)", 242, None,
     "Dalia Szabo"),
    ("OSA-771270", "HLM-031", "HLM-031-L2", "major", "RRC setup success rate below threshold (95%)", 243, None,
     "Dalia Szabo"),
    ("OSA-771273", "HLM-031", "HLM-031-L2", "major", "Drop call rate above threshold (1.5%)", 228, None,
     "Dalia Szabo"),
    ("OSA-771228", "BRK-019", "BRK-019", "warning", "Site in maintenance mode, alarms suppressed (OVC-1187)", 181,
     None, "Dalia Szabo"),
    ("OSA-771215", "QNB-207", "QNB-207/PWR/MAINS", "major", "Mains failure (AC input lost): planned outage "
     "WEN-PO-7731", QNB207_OFF, None, "Dalia Szabo"),
    ("OSA-771216", "QNB-207", "QNB-207/GEN", "warning", "Generator running", QNB207_GEN, None, "Dalia Szabo"),
    ("OSA-770980", "BRK-057", "BRK-057/RU-3", "critical", "RF unit hardware fault (power amplifier)", BRK057_L3_OUT,
     None, "Tariq Benhamou"),
    ("OSA-770981", "BRK-057", "BRK-057-L3", "major", "Cell out of service", BRK057_L3_OUT, None, "Tariq Benhamou"),
    ("OSA-770655", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "MW receive signal level below threshold (-50 dBm)",
     DAY + 200, None, "Marcus Oyelaran"),
    ("OSA-771110", "BRK-052", "BRK-052/BBU", "warning", "BBU restart (software activation, RO-5518)", 425, 419,
     "Kwabena Osei"),
    ("OSA-771118", "BRK-057", "BRK-057/BBU", "warning", "BBU restart (software activation, RO-5518)", 414, 408,
     "Kwabena Osei"),
    ("OSA-771190", "HLM-038", "HLM-038/RET-2", "warning", "RET tilt change in progress (RO-5523)", 310, 308,
     "Joost Vandermeer"),
    ("OSA-771098", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "Adaptive modulation downshift (4096QAM -> 1024QAM)",
     520, 505, "Tariq Benhamou"),
    ("OSA-771020", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "Adaptive modulation downshift (4096QAM -> 1024QAM)",
     880, 860, "Marcus Oyelaran"),
    ("OSA-770410", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "Adaptive modulation downshift (4096QAM -> 2048QAM)",
     2 * DAY + 100, 2 * DAY + 80, "Agnieszka Wrona"),
    ("OSA-770302", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "Adaptive modulation downshift (4096QAM -> 2048QAM)",
     3 * DAY + 400, 3 * DAY + 380, "Marcus Oyelaran"),
    ("OSA-770121", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "Adaptive modulation downshift (4096QAM -> 2048QAM)",
     4 * DAY + 250, 4 * DAY + 230, "Fintan Moriarty"),
    ("OSA-769990", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "Adaptive modulation downshift (4096QAM -> 2048QAM)",
     5 * DAY + 600, 5 * DAY + 580, "Sunniva Halvorsen"),
    ("OSA-770215", "QNB-207", "QNB-207/PWR/MAINS", "major", "Mains failure (AC input lost)", 3 * DAY + 70,
     3 * DAY + 64, "Agnieszka Wrona"),
    ("OSA-770360", "QNB-201", "QNB-201/PWR/RECT-2", "minor", "Rectifier module fault", 2 * DAY + 500, 2 * DAY + 100,
     "Marcus Oyelaran"),
    ("OSA-770088", "HLM-045", "HLM-045/PWR/BATT", "minor", "Battery capacity low (test: 61%)", 6 * DAY + 200, None,
     "Fintan Moriarty"),
    ("OSA-770079", "HLM-045", "HLM-045/PWR/BATT", "major", "Battery discharging", 6 * DAY + 300, 6 * DAY + 275,
     "Fintan Moriarty"),
    ("OSA-770512", "BRK-052", "BRK-052/GEN", "minor", "Generator fuel level low (< 25%)", 2 * DAY + 300, None,
     "Agnieszka Wrona"),
    ("OSA-769870", "TSF-115", "TSF-115/AVL", "minor", "Aviation warning light fault", 6 * DAY + 900, 5 * DAY,
     "Sunniva Halvorsen"),
    ("OSA-770700", "HLM-041", "FBR-0210", "major", "Fibre link down (planned re-termination, OVC-1180)",
     3 * DAY + 200, 3 * DAY + 160, "Fintan Moriarty"),
    ("OSA-768900", "QNB-207", "QNB-207/PWR/MAINS", "major", "Mains failure (AC input lost)", 8 * DAY + 100,
     8 * DAY + 93, "Marcus Oyelaran"),
    ("OSA-768420", "TSF-112", "TSF-112/PWR/MAINS", "major", "Mains failure (AC input lost)", 11 * DAY + 300,
     11 * DAY + 294, "Agnieszka Wrona"),
    ("OSA-768100", "QNB-207", "QNB-207/PWR/MAINS", "major", "Mains failure (AC input lost)", 13 * DAY + 50,
     13 * DAY + 45, "Sunniva Halvorsen"),
    ("OSA-767800", "BRK-057", "MWL-4431 (BRK-057 end)", "minor", "Adaptive modulation downshift (4096QAM -> 2048QAM)",
     9 * DAY + 300, 9 * DAY + 290, "Fintan Moriarty"),
    ("OSA-767510", "BRK-052", "BRK-052/PWR/MAINS", "major", "Mains failure (AC input lost)", 16 * DAY + 400,
     16 * DAY + 250, "Agnieszka Wrona"),
    ("OSA-767400", "HLM-045", "HLM-045/PWR/BATT", "major", "Battery discharging", 21 * DAY + 200, 21 * DAY + 182,
     "Marcus Oyelaran"),
    ("OSA-767120", "TSF-118", "MWL-4412 (TSF-118 end)", "minor", "Adaptive modulation downshift (rain fade)",
     24 * DAY + 60, 24 * DAY + 20, "Sunniva Halvorsen"),
]  # fmt: skip

#: dx, site, reason, priority, engineer, status, created, planned, eta, completed (minutes ago; negative: ahead;
#: None: not set), permit, notes
DISPATCHES = [
    ("DX-40823", "TSF-112", "mains failure and generator failed to start: take the 20 kVA portable generator, connect "
     "it at the changeover, then check the standby generator's start battery", "P1", "Rhys Tandoh", "en_route", 137,
     137, -35, None, "AP-6112", "left TSF-120 at {-26m} UTC after DX-40819"),
    ("DX-40819", "TSF-120", "quarterly site inspection", "P4", "Rhys Tandoh", "completed", 3 * DAY, 300, None, 30,
     "", "all OK"),
    ("DX-40821", "BRK-019", "power the site down and up for the landlord's roof works and stay on site", "P3",
     "Ewa Kaczmarek", "on_site", 4 * DAY, 190, None, None, "AP-6120", "site powered down at the DB"),
    ("DX-40828", "BRK-052", "generator refuel (fuel 22%)", "P3", "Kieran Lusk with Maldon Fuels", "scheduled",
     2 * DAY, -600, None, None, "AP-6130", "needed before WEN-PO-7752"),
    ("DX-40826", "BRK-057", "replace RU-3 (RMA unit from NVK-CS-729880): BRK-057-L3 back in service", "P2",
     "Ewa Kaczmarek with Castellane climbers", "scheduled", 560, -1080, None, None, "AP-6128", ""),
    ("DX-40830", "BRK-057", "realign the MWL-4431 antenna at the BRK-057 end with Ferrolink (FLK-11873)", "P3",
     "Hamish Quarrie", "scheduled", DAY + 200, -2500, None, None, "AP-6133 (pending)",
     "only once Castellane approve the climb (CTW-55210)"),
    ("DX-40835", "HLM-045", "battery bank replacement (capacity 61%)", "P3", "Kieran Lusk", "scheduled", 5 * DAY,
     -5800, None, None, "AP-6139 (pending)", ""),
    ("DX-40790", "QNB-207", "repeated mains dips: check the changeover; Westmarch told about the recloser", "P3",
     "Hamish Quarrie", "completed", 3 * DAY + 60, 3 * DAY - 120, None, 3 * DAY - 300, "AP-6104", ""),
    ("DX-40795", "HLM-045", "battery capacity test", "P3", "Kieran Lusk", "completed", 8 * DAY, 6 * DAY + 500, None,
     6 * DAY + 380, "", "61% of rated capacity: replace"),
    ("DX-40801", "TSF-115", "aviation warning light repair", "P2", "Rhys Tandoh", "completed", 6 * DAY + 880,
     5 * DAY + 200, None, 5 * DAY + 20, "", ""),
    ("DX-40806", "BRK-052", "generator monthly test", "P4", "Kieran Lusk", "completed", 9 * DAY, 5 * DAY + 90, None,
     5 * DAY + 40, "", "fuel 24%: refuel ordered"),
    ("DX-40811", "HLM-041", "fibre re-termination FBR-0210 (OVC-1180)", "P3", "Nadia Ferreira", "completed", 7 * DAY,
     3 * DAY + 210, None, 3 * DAY + 150, "", ""),
    ("DX-40815", "QNB-201", "rectifier module swap (RECT-2)", "P3", "Hamish Quarrie", "completed", 2 * DAY + 480,
     2 * DAY + 160, None, 2 * DAY + 100, "", ""),
    ("DX-40770", "TSF-118", "MW ODU check after rain fade", "P4", "Hamish Quarrie", "completed", 24 * DAY,
     23 * DAY + 300, None, 23 * DAY + 200, "", "no fault found"),
]  # fmt: skip
#: engineer, team, base, skills, mobile, status now, job, where, eta (minutes; negative: ahead), updated (minutes ago)
ENGINEERS = [
    ("Rhys Tandoh", "field ops", "Tessford depot", "RAN, power, portable generators", "+44 7700 900 311", "en_route",
     "DX-40823", "A4127 towards TSF-112 (Beacon Hill), 20 kVA portable generator in tow", -35, 3),
    ("Ewa Kaczmarek", "field ops", "Brackwater depot", "RAN, climbing supervisor", "+44 7700 900 318", "on_site",
     "DX-40821", "BRK-019 Harbour Offices", None, 20),
    ("Hamish Quarrie", "transmission field", "Quenby depot", "microwave, fibre", "+44 7700 900 324", "available",
     "", "Quenby depot", None, 60),
    ("Kieran Lusk", "power field", "Halmere depot", "power, generators, batteries", "+44 7700 900 329", "available",
     "", "Halmere depot", None, 45),
    ("Nadia Ferreira", "field ops", "Halmere depot", "RAN, fibre", "+44 7700 900 333", "off_shift", "", "", None,
     400),
    ("Owain Pritchard", "climbing", "Brackwater depot", "climbing, antennas", "+44 7700 900 337", "on_leave", "", "",
     None, 2 * DAY),
]  # fmt: skip
#: permit, site, landlord, purpose, valid from, valid to (minutes ago; negative: ahead), hours, escort, status,
#: contact, note
PERMITS = [
    ("AP-6112", "TSF-112", "Castellane Towers", "standing 24/7 emergency access for Orrinvale field engineers",
     200 * DAY, -165 * DAY, "24/7", "no", "granted", "Castellane site access desk, +44 113 496 0552", ""),
    ("AP-6104", "QNB-207", "Old Mill Lofts Management Co", "roof access: changeover check (DX-40790)", 3 * DAY + 200,
     3 * DAY - 400, "08:00-18:00", "no", "expired", "Old Mill Lofts concierge", ""),
    ("AP-6120", "BRK-019", "Harbour Offices Ltd", "landlord's roof works: site powered down, our engineer on site",
     240, -180, "07:00-19:00", "yes: building security", "granted", "Mo Adeyemi, Harbour Offices facilities", ""),
    ("AP-6130", "BRK-052", "Castellane Towers", "ground compound: generator refuel (DX-40828)", -540, -900,
     "08:00-18:00", "no", "granted", "Castellane site access desk", ""),
    ("AP-6128", "BRK-057", "Castellane Towers", "climb to 28 m: replace RU-3 (DX-40826)", -1000, -1500,
     "08:00-16:00", "no", "granted", "Castellane site access desk", "Castellane-approved climbers only"),
    ("AP-6133", "BRK-057", "Castellane Towers", "climb to 32 m: realign the MWL-4431 antenna (DX-40830)", -2400,
     -2900, "08:00-16:00", "no", "pending", "Castellane site access desk",
     "Castellane want a structural check of the mount bracket first (CTW-55210)"),
    ("AP-6135", "HLM-031", "Corn Exchange Trust", "roof access: annual inspection and PIM test", -2950, -3400,
     "09:00-17:00", "yes: the building manager, Gwen Latham", "granted",
     "Gwen Latham, Corn Exchange Trust, +44 113 496 0871", "sign in at the Market Row entrance"),
    ("AP-6139", "HLM-045", "Halmere Infirmary Estates", "plant room and roof: battery bank replacement (DX-40835)",
     -5700, -6200, "10:00-15:00", "yes: an estates porter", "pending", "Infirmary estates helpdesk",
     "infection control induction needed first"),
]  # fmt: skip
#: ref, vendor, site, object, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
CASES = [
    ("NVK-CS-730214", "Nordvik Radio", "HLM-034", "HLM-034-L1, HLM-031-L2, HLM-034-L3",
     "RRC setup failures and call drops after the PRACH root sequence re-plan (RO-5521)", "in_progress", "P2",
     "Tomasz Lindqvist (field application engineer)", "Leontine Baptiste", 100, 62,
     "RACH trace on HLM-034-L1: contention resolution failures caused by preambles from UEs of HLM-031-L2. Both cells "
     "use rootSequenceIndex 416; with a cyclic shift (Ncs) of 13 each cell uses 4 root sequences (416-419), so "
     "HLM-034-L3 on 418 overlaps as well. Not a software fault. Put HLM-034-L1 back to 552 and HLM-034-L3 to 576 (or "
     "any free range at least 4 apart) and check RRC setup success for an hour after."),
    ("NVK-CS-729880", "Nordvik Radio", "BRK-057", "BRK-057/RU-3", "RU-3 hardware fault: power amplifier",
     "in_progress", "P2", "Nordvik TAC", "Tariq Benhamou", 590, 400,
     "PA failure confirmed from the RU logs (the fault predates the BX-OS 24.3.0 upgrade, RO-5518); RMA unit "
     "delivered to the Brackwater depot; swap on DX-40826"),
    ("NVK-CS-729655", "Nordvik Radio", "BRK-052", "BBU", "BX-OS 24.3.0 pre-upgrade check for BRK-052 and BRK-057",
     "closed", "P4", "Nordvik TAC", "Kwabena Osei", 6 * DAY, 400, "upgrade done, no issues"),
    ("HGS-2290", "Halden Gensets", "TSF-112", "TSF-112/GEN", "Standby generator fails to start", "open", "P1",
     "Bram Oosterhuis (service engineer)", "Jonah Fairweather", 128, 20,
     "controller log: three crank failures, start battery 9.8 V (12.6 V at the monthly test 12 days ago; its charger "
     "supply suspected). Bram Oosterhuis attending with a new start battery, on site about {+180m} UTC."),
    ("WEN-F-90417", "Westmarch Electricity Networks", "TSF-112", "supply", "Loss of supply: LV cable fault, Beacon "
     "Hill Lane", "in_progress", "P1", "Westmarch jointing team", "Dalia Szabo", 138, 40,
     "fault located, jointers on site; estimated restoration {+240m} UTC"),
    ("FLK-11873", "Ferrolink", "BRK-057", "MWL-4431", "RSL falling on MWL-4431 (BRK-052 to BRK-057)", "open", "P3",
     "Idris Ventham", "Goran Petrovic", 4 * DAY, DAY + 300,
     "RSL down about 13 dB from design over two weeks, both directions alike: antenna misalignment at the BRK-057 end "
     "(mount bracket slipping) most likely; realign with DX-40830 once Castellane approve the climb (AP-6133)."),
    ("CTW-55210", "Castellane Towers", "BRK-057", "MW mount at 32 m", "Structural check of the MWL-4431 antenna "
     "mount bracket before a realignment climb", "open", "P3", "Castellane structures team", "Goran Petrovic",
     2 * DAY, DAY + 100, "structural engineer booked; permit AP-6133 pending until the check"),
    ("CTW-55188", "Castellane Towers", "TSF-115", "aviation light", "Aviation warning light fault", "resolved", "P2",
     "Castellane site services", "Sunniva Halvorsen", 6 * DAY + 880, 5 * DAY, "lamp replaced (DX-40801)"),
]  # fmt: skip
#: vendor, role, covers, phone, hours, contact, escalation, contract
VENDORS = [
    ("Nordvik Radio", "RAN vendor", "BBUs, RUs, AAUs and BX-OS software; TAC", "+44 20 7946 0381", "24/7",
     "Tomasz Lindqvist (field application engineer)", "Saskia Verhoeven, TAC duty manager, +44 7700 900 412",
     "NVK-MSA-2022"),
    ("Castellane Towers", "tower company", "towers and monopoles: HLM-038, HLM-041, TSF-112, TSF-115, TSF-118, "
     "BRK-052, BRK-057, QNB-201; climbing and access", "+44 113 496 0552", "24/7 NOC",
     "site access desk", "Rupert Ingleby, regional operations manager, +44 7700 900 517", "CTW-MLA-2019"),
    ("Westmarch Electricity Networks", "power company (distribution network)", "mains supply faults and planned "
     "outages", "+44 113 496 0105", "24/7", "Shona Bairstow (major customers desk)", "control room duty engineer",
     "MPAN per site"),
    ("Halden Gensets", "generator maintenance", "standby generators: service, repair, monthly tests",
     "+44 113 496 0730", "24/7 callout", "Bram Oosterhuis (service engineer)", "Colette Marchbank, service manager",
     "HGS-SLA-2023"),
    ("Ferrolink", "microwave vendor", "FL-80 and FL-120 microwave radios and antennas", "+44 20 7946 0614",
     "08:00-18:00 weekdays, P1 24/7", "Idris Ventham", "Petra Holub, support manager", "FLK-2021-04"),
    ("Maldon Fuels", "fuel supplier", "generator diesel deliveries", "+44 113 496 0920", "07:00-19:00",
     "orders desk", "depot manager", "MF-2022"),
    ("Corn Exchange Trust", "landlord", "HLM-031 rooftop", "+44 113 496 0871", "09:00-17:00 weekdays",
     "Gwen Latham (building manager)", "the Trust's secretary", "lease HLM-031"),
    ("Harbour Offices Ltd", "landlord", "BRK-019 rooftop", "+44 113 496 0880", "07:00-19:00",
     "Mo Adeyemi (facilities)", "managing agent", "lease BRK-019"),
    ("Halmere Infirmary Estates", "landlord", "HLM-045 rooftop and plant room", "+44 113 496 0893", "24/7 helpdesk",
     "estates helpdesk", "head of estates", "lease HLM-045"),
]  # fmt: skip
#: ref, site, starts, ends (minutes ago; negative: ahead), status, reason, impact
GRID_OUTAGES = [
    ("WEN-PO-7720", "TSF-115", 5 * DAY + 300, 5 * DAY, "completed", "pole replacement, Millbrook spur",
     "ran on its generator"),
    ("WEN-PO-7731", "QNB-207", QNB207_OFF, -150, "in_progress", "11 kV overhead line maintenance, Old Mill feeder",
     "site on its generator (started before the switch-off)"),
    ("WEN-PO-7740", "TSF-120", -1300, -1660, "notified", "transformer replacement, Market Square substation",
     "rooftop site without a generator: batteries last about 3.5 hours of the 6-hour outage; generator hire to "
     "arrange (MOP-PWR-011)"),
    ("WEN-PO-7745", "HLM-041", -3900, -4140, "notified", "LV board replacement, Westbrook Park depot",
     "site generator carries it"),
    ("WEN-PO-7752", "BRK-052", -6500, -6800, "notified", "cable diversion, Ring Road roundabout",
     "site generator carries it once refuelled (DX-40828)"),
]  # fmt: skip
#: ro, kind, title, targets, detail, started, completed (minutes ago; negative: ahead; None: not yet), state,
#: executed by, change, note
ROLLOUTS = [
    ("RO-5509", "firmware", "RU firmware 7.4.2 on the Quenby sites", "QNB-201, QNB-207", "RU firmware 7.4.1 -> 7.4.2",
     9 * DAY + 200, 9 * DAY + 170, "completed", "Kwabena Osei", "OVC-1176", ""),
    ("RO-5515", "parameter", "Inter-frequency handover thresholds, Tessford", "TSF-112, TSF-115, TSF-118, TSF-120",
     "a5Threshold1 -110 -> -112 dBm", 2 * DAY + 400, 2 * DAY + 395, "completed", "Joost Vandermeer", "OVC-1182", ""),
    ("RO-5518", "firmware", "BBU software BX-OS 24.3.0, Brackwater towers", "BRK-052, BRK-057",
     "BX-OS 24.2.1 -> 24.3.0 (BBU restart about 6 minutes per site)", 431, 403, "completed", "Kwabena Osei",
     "OVC-1183", "KPIs checked after: clean"),
    ("RO-5523", "ret_tilt", "Electrical tilt, HLM-038 sector 2", "HLM-038-L2, HLM-038-N2", "etilt 4 -> 6 degrees",
     310, 308, "completed", "Joost Vandermeer", "OVC-1185", "to cut overshoot into Westbrook Park"),
    ("RO-5521", "parameter", "PRACH root sequence re-plan, Halmere LTE 1800",
     ", ".join(RSI), "rootSequenceIndex: " + ", ".join(f"{c} {old} -> {new}" for c, (old, new) in RSI.items()),
     RO_5521[0], RO_5521[1], "completed", "Mireille Achterberg", "OVC-1184",
     "clears the root sequence clash with HLM-045's cells (120-144); no execution errors"),
    ("RO-5524", "parameter", "SSB power boost, HLM-041 NR", "HLM-041-N1, HLM-041-N2, HLM-041-N3",
     "ssbPowerOffset 0 -> 3 dB", 200, 198, "completed", "Joost Vandermeer", "OVC-1186", ""),
    ("RO-5530", "parameter", "Emergency: HLM-034-L1 and HLM-034-L3 root sequences back", "HLM-034-L1, HLM-034-L3",
     "rootSequenceIndex: HLM-034-L1 416 -> 552, HLM-034-L3 418 -> 576", -20, None, "scheduled",
     "Leontine Baptiste", "OVC-1191", "NVK-CS-730214; watch RRC setup success for an hour after"),
]  # fmt: skip
#: ovc, title, scope, kind, risk, state, requested by, implemented by, approver, raised, planned, implemented,
#: updated (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("OVC-1176", "RU firmware 7.4.2, Quenby", "QNB-201, QNB-207", "software", "low", "implemented", "Kwabena Osei",
     "Kwabena Osei", "RAN CAB", 14 * DAY, 9 * DAY + 200, 9 * DAY + 200, 9 * DAY + 170, "RO-5509"),
    ("OVC-1180", "Fibre FBR-0210 re-termination at HLM-041", "HLM-041", "transmission", "medium", "implemented",
     "Goran Petrovic", "Nadia Ferreira", "Transmission CAB", 8 * DAY, 3 * DAY + 200, 3 * DAY + 200, 3 * DAY + 150,
     "40-minute outage at HLM-041"),
    ("OVC-1182", "Tessford inter-frequency handover thresholds", "TSF", "parameter", "low", "implemented",
     "Joost Vandermeer", "Joost Vandermeer", "RAN CAB", 5 * DAY, 2 * DAY + 400, 2 * DAY + 400, 2 * DAY + 395,
     "RO-5515"),
    ("OVC-1183", "BBU software BX-OS 24.3.0 on BRK-052 and BRK-057", "BRK-052, BRK-057", "software", "medium",
     "implemented", "Kwabena Osei", "Kwabena Osei", "RAN CAB", 6 * DAY, 431, 431, 403,
     "RO-5518; NVK-CS-729655; restart about 6 minutes per site"),
    ("OVC-1185", "HLM-038 sector 2 electrical tilt 4 -> 6 degrees", "HLM-038", "parameter", "low", "implemented",
     "Joost Vandermeer", "Joost Vandermeer", "RAN CAB", 4 * DAY, 310, 310, 308, "RO-5523"),
    ("OVC-1184", "PRACH root sequence re-plan, Halmere LTE 1800 (9 cells)", "HLM-031, HLM-034, HLM-038", "parameter",
     "low", "implemented", "Mireille Achterberg (RAN optimisation)", "Mireille Achterberg", "RAN CAB", 3 * DAY,
     RO_5521[0], RO_5521[0], RO_5521[1], "RO-5521; backout: the previous root sequence indices"),
    ("OVC-1186", "SSB power boost, HLM-041 NR", "HLM-041", "parameter", "low", "implemented", "Joost Vandermeer",
     "Joost Vandermeer", "RAN CAB", 3 * DAY, 200, 200, 198, "RO-5524"),
    ("OVC-1187", "BRK-019 powered down for the landlord's roof works", "BRK-019", "site", "medium", "implemented",
     "Ewa Kaczmarek", "Ewa Kaczmarek", "Field ops manager", 9 * DAY, BRK019_OFF, BRK019_OFF, BRK019_OFF,
     "AP-6120; back on air about {+120m} UTC"),
    ("OVC-1191", "Emergency: HLM-034-L1 and HLM-034-L3 root sequences back to 552 and 576", "HLM-034", "parameter",
     "low", "approved", "Leontine Baptiste", None, "Benedikt Aarons (duty manager)", 50, -20, None, 45,
     "RO-5530; NVK-CS-730214"),
    ("OVC-1193", "MWL-4431 antenna realignment at BRK-057", "BRK-057", "transmission", "medium", "pending",
     "Goran Petrovic", None, "Transmission CAB", 2 * DAY, -2500, None, DAY + 300,
     "waits for Castellane's structural check (CTW-55210) and permit AP-6133"),
]  # fmt: skip

ROTAS = {
    "ran_optimisation": [
        ("primary", ["Joost Vandermeer", "Leontine Baptiste", "Mireille Achterberg", "Joost Vandermeer"])
    ],
    "transmission": [
        ("primary", ["Ailsa Drummond", "Goran Petrovic", "Hamish Quarrie", "Ailsa Drummond"]),
        ("secondary", ["Hamish Quarrie", "Ailsa Drummond", "Goran Petrovic", "Hamish Quarrie"]),
    ],
    "power": [("primary", ["Kieran Lusk", "Jonah Fairweather", "Kieran Lusk", "Jonah Fairweather"])],
    "field_ops": [
        ("primary", ["Ewa Kaczmarek", "Rhys Tandoh", "Nadia Ferreira", "Ewa Kaczmarek"]),
        ("secondary", ["Nadia Ferreira", "Ewa Kaczmarek", "Rhys Tandoh", "Nadia Ferreira"]),
    ],
    "duty_manager": [("primary", ["Imogen Saltmarsh", "Benedikt Aarons", "Imogen Saltmarsh", "Benedikt Aarons"])],
}
MOBILES = {
    "Joost Vandermeer": "+44 7700 900 341",
    "Leontine Baptiste": "+44 7700 900 346",
    "Mireille Achterberg": "+44 7700 900 352",
    "Ailsa Drummond": "+44 7700 900 357",
    "Goran Petrovic": "+44 7700 900 363",
    "Hamish Quarrie": "+44 7700 900 324",
    "Kieran Lusk": "+44 7700 900 329",
    "Jonah Fairweather": "+44 7700 900 368",
    "Ewa Kaczmarek": "+44 7700 900 318",
    "Rhys Tandoh": "+44 7700 900 311",
    "Nadia Ferreira": "+44 7700 900 333",
    "Imogen Saltmarsh": "+44 7700 900 374",
    "Benedikt Aarons": "+44 7700 900 379",
    "Marcus Oyelaran": "+44 7700 900 385",
    "Agnieszka Wrona": "+44 7700 900 390",
    "Fintan Moriarty": "+44 7700 900 396",
    "Sunniva Halvorsen": "+44 7700 900 402",
}
#: the NOC shift leads of the two shifts before the one running now, it, and the next
LEADS = ["Marcus Oyelaran", "Agnieszka Wrona", "Fintan Moriarty", "Sunniva Halvorsen"]
_NOC = "NOC engineer"
#: entry, minutes ago, author, role, text
NOC_LOG = [
    ("NL-88391", 1380, "Marcus Oyelaran", "NOC shift lead", "handover: MWL-4431 still downshifting (FLK-11873, "
     "realignment waits for Castellane); BRK-052 generator fuel 22%, refuel booked (DX-40828)"),
    ("NL-88395", 598, "Tariq Benhamou", _NOC, "BRK-057 RU-3 hardware fault, BRK-057-L3 out of service; raised "
     "NVK-CS-729880; the RU swap needs a Castellane climb (AP-6128)"),
    ("NL-88396", 431, "Kwabena Osei", "RAN software engineer", "RO-5518 started: BX-OS 24.3.0 on the BRK-052 and "
     "BRK-057 BBUs (OVC-1183)"),
    ("NL-88397", 402, "Kwabena Osei", "RAN software engineer", "RO-5518 complete: both BBUs back after about 6 minutes "
     "each, KPIs clean; BRK-057-L3 was already out (RU-3 fault, not the upgrade)"),
    ("NL-88399", 307, "Joost Vandermeer", "RAN optimisation engineer", "RO-5523 done: HLM-038 sector 2 tilt 4 -> 6 "
     "degrees (L and N) to cut overshoot into Westbrook Park"),
    ("NL-88400", 286, "Mireille Achterberg", "RAN optimisation engineer", "RO-5521 done: PRACH root sequence re-plan "
     "of the Halmere LTE 1800 layer (9 cells of HLM-031, HLM-034, HLM-038) to clear the clash with HLM-045's cells; "
     "no execution errors"),
    ("NL-88402", 255, "Dalia Szabo", _NOC, "KPI alarms: HLM-034-L1 RRC setup success 92% (threshold 95%) and "
     "contention resolution failures up, HLM-031-L2 following. Called RAN optimisation on call Leontine Baptiste"),
    ("NL-88404", 208, "Leontine Baptiste", "RAN optimisation on call", "HLM-034-L1 and HLM-031-L2: RACH attempts "
     "normal but contention resolution failures ten times up; HLM-034-L2, HLM-031-L1 and HLM-031-L3 clean. Not "
     "transport (no alarms on FBR-0207 / FBR-0208) and not HLM-038's tilt (RO-5523: sector 2 faces west, away from "
     "Station Road, and HLM-038's own cells are clean)"),
    ("NL-88405", 197, "Joost Vandermeer", "RAN optimisation engineer", "RO-5524 done: SSB power boost on the HLM-041 "
     "NR cells"),
    ("NL-88407", 139, "Dalia Szabo", _NOC, "TSF-112 Beacon Hill: mains failure, the generator failed to start; site "
     "on battery, SoC 99%. DX-40823 raised P1 for a portable generator; fault reported to Westmarch (WEN-F-90417)"),
    ("NL-88408", 131, "Jonah Fairweather", "power on call", "TSF-112 generator controller shows three crank failures, "
     "start battery 9.8 V; remote reset did not help. Rhys Tandoh to finish DX-40819 at TSF-120, then TSF-112 with "
     "the 20 kVA portable. HGS-2290 raised with Halden"),
    ("NL-88410", 112, "Leontine Baptiste", "RAN optimisation on call", "HLM-034-L1 and HLM-031-L2 are both on "
     "rootSequenceIndex 416 since RO-5521 (the plan assumed HLM-034-L1 stayed at 552); they face each other across "
     "Station Road, so their UEs' preambles collide. HLM-034-L3 on 418 overlaps 416's range (Ncs 13 uses 4 roots). "
     "Suspect RO-5521"),
    ("NL-88411", 100, "Leontine Baptiste", "RAN optimisation on call", "raised NVK-CS-730214 with Nordvik (P2) for a "
     "RACH trace to confirm"),
    ("NL-88413", 88, "Dalia Szabo", _NOC, "QNB-207 on its generator for the planned outage WEN-PO-7731, running "
     "normally, fuel 58%"),
    ("NL-88415", 61, "Leontine Baptiste", "RAN optimisation on call", "Nordvik (Tomasz Lindqvist) confirms preamble "
     "collisions from the shared root sequence 416: HLM-034-L1 back to 552 and HLM-034-L3 to 576. Asked the duty "
     "manager for an emergency change"),
    ("NL-88416", 45, "Benedikt Aarons", "duty manager", "emergency OVC-1191 approved: RO-5530 puts HLM-034-L1 and "
     "HLM-034-L3 back to 552 and 576 at {+20m} UTC; Leontine Baptiste watches RRC setup success for an hour after"),
    ("NL-88418", 26, "Jonah Fairweather", "power on call", "Rhys Tandoh left TSF-120 for TSF-112 with the portable, "
     "ETA {+35m} UTC. TSF-112 SoC 56%, falling about 0.38% a minute: LVD at 30% about {+42m} UTC. At the LVD the LTE "
     "sectors 2 and 3 are shed; the microwave hub stays up to 20%. TSF-115 and TSF-118 (behind MWL-4410 / "
     "MWL-4412) warned"),
    ("NL-88420", 7, "Dalia Szabo", _NOC, "TSF-112 battery SoC below 50% (alarm OSA-771301); Rhys Tandoh's ETA "
     "unchanged"),
]  # fmt: skip
#: mop, title, kind, body
MOPS = [
    ("ESC-NOC-01", "NOC escalation matrix", "escalation",
     "Cell or cluster KPI alarm for more than 30 minutes: RAN optimisation on call. Site on battery, mains or "
     "generator failure: power on call and a field dispatch (P1 when the state of charge is below 70% or the "
     "generator failed). Microwave or fibre down: transmission on call. A site down for more than an hour, or a "
     "hub site at risk: the duty manager. Vendors: raise a case (Nordvik TAC, Halden, Ferrolink); call the vendor's "
     "escalation contact after 2 hours without progress."),
    ("MOP-RAN-012", "PRACH root sequence index planning and change", "mop",
     "rootSequenceIndex (RSI) must be unique within the reuse distance: with a cyclic shift (Ncs) of 13 each cell "
     "uses 4 consecutive root sequences, so neighbours need RSIs at least 4 apart. Plan with the planning tool from "
     "the live values (export them the same day), check every cell against its neighbour list, roll out at low "
     "traffic, then watch RRC setup success and contention resolution failures for one hour: below 97% on any cell, "
     "put its previous RSI back (MOP-RAN-019)."),
    ("MOP-RAN-019", "Parameter rollback", "mop",
     "Emergency change (duty manager approval), a rollout of the previous values from the change's backout, then a "
     "KPI check after 1 hour; log it in the NOC log and the change record."),
    ("MOP-RAN-022", "BBU software upgrade", "mop",
     "Pre-check case with Nordvik, upgrade one site at a time at low traffic (restart about 6 minutes), KPI check "
     "after 1 hour, fallback to the previous BX-OS release."),
    ("MOP-PWR-004", "Site on battery: mains failure and the generator fails to start", "mop",
     "1. Confirm the mains failure and report it to Westmarch (fault line). 2. Try one remote generator reset; if it "
     "stays locked out raise a P1 dispatch with a portable generator and a Halden case. 3. Work out the time to the "
     "LVD from the state of charge trend (the LVD sheds load at 30%, the site shuts down at 20%). 4. At 40% lock the "
     "NR cells and LTE sectors 2-3 by hand to stretch the batteries, keeping sector 1 and any microwave hub up. 5. "
     "Warn the NOC shift lead about sites behind a hub. 6. Connect the portable at the changeover, then recharge."),
    ("MOP-PWR-009", "Generator refuelling and monthly test", "mop",
     "Refuel below 30% (order from Maldon Fuels); monthly test run of 20 minutes on load, check the start battery "
     "(at least 12.2 V) and its charger."),
    ("MOP-PWR-011", "Planned power outage at a site", "mop",
     "For every Westmarch planned outage: sites with a generator: check fuel above 50% and start it before the "
     "switch-off; sites without one: if the outage is longer than the battery autonomy, hire a generator or agree "
     "the outage with the duty manager."),
    ("MOP-TX-007", "Microwave antenna realignment", "mop",
     "Needs a climb permit and two climbers; align for the design RSL (within 2 dB) at both ends, then check 24 hours "
     "of modulation downshifts."),
    ("MOP-SITE-003", "Landlord and tower company access", "mop",
     "Every visit needs a granted permit (AP-): Castellane Towers sites through their access desk, rooftops through "
     "the landlord; some landlords require an escort. Emergency access on Castellane sites under the standing "
     "permit."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE sites (site TEXT PRIMARY KEY, name TEXT, region TEXT, site_type TEXT, address TEXT,
                    structure_owner TEXT, landlord TEXT, height_m REAL, techs TEXT, backhaul TEXT, state TEXT,
                    state_since TEXT, state_note TEXT);
CREATE TABLE cells (cell TEXT PRIMARY KEY, site TEXT, tech TEXT, band TEXT, sector INTEGER, azimuth INTEGER,
                    etilt_deg REAL, pci INTEGER, rsi INTEGER, state TEXT, state_since TEXT, note TEXT);
CREATE TABLE hardware (unit TEXT PRIMARY KEY, site TEXT, kind TEXT, model TEXT, serial TEXT, sw_version TEXT,
                       installed INTEGER, state TEXT, note TEXT);
CREATE TABLE kpi_15m (cell TEXT, site TEXT, sample_end TEXT, end_epoch INTEGER, prb_dl_pct REAL, rrc_ssr_pct REAL,
                      dcr_pct REAL, dl_user_tput_mbps REAL, avail_pct REAL);
CREATE INDEX kpi_15m_cell ON kpi_15m (cell, end_epoch);
CREATE INDEX kpi_15m_epoch ON kpi_15m (end_epoch);
CREATE TABLE kpi_daily (cell TEXT, site TEXT, day TEXT, period_end TEXT, avail_pct REAL, rrc_ssr_pct REAL,
                        dcr_pct REAL, dl_traffic_gb REAL, prb_busy_hour_pct REAL);
CREATE TABLE alarms (alarm TEXT PRIMARY KEY, site TEXT, object TEXT, severity TEXT, probable_cause TEXT, raised TEXT,
                     r_epoch INTEGER, cleared TEXT, ack_by TEXT, note TEXT);
CREATE TABLE links (link TEXT PRIMARY KEY, kind TEXT, site_a TEXT, site_b TEXT, equipment TEXT, band TEXT,
                    capacity_mbps INTEGER, design_rsl_dbm REAL, rsl_now_dbm REAL, modulation_now TEXT,
                    max_modulation TEXT, state TEXT, note TEXT);
CREATE TABLE mw_daily (link TEXT, day_end TEXT, d_epoch INTEGER, rsl_min_dbm REAL, rsl_avg_dbm REAL, ber_max REAL,
                       errored_s INTEGER, severely_errored_s INTEGER, mod_downshifts INTEGER,
                       min_below_max_mod INTEGER);
CREATE TABLE mw_samples (link TEXT, sample_end TEXT, end_epoch INTEGER, rsl_dbm REAL, modulation TEXT,
                         capacity_mbps INTEGER);
CREATE TABLE power (site TEXT PRIMARY KEY, source_now TEXT, mains TEXT, mains_since TEXT, rectifiers TEXT,
                    load_kw REAL, battery TEXT, soc_pct REAL, battery_v REAL, lvd_soc_pct REAL,
                    est_min_to_lvd INTEGER, generator TEXT, gen_state TEXT, gen_fuel_pct REAL, gen_run_hours REAL,
                    note TEXT);
CREATE TABLE battery_samples (site TEXT, sample_end TEXT, end_epoch INTEGER, source TEXT, soc_pct REAL,
                              battery_v REAL, load_kw REAL);
CREATE TABLE discharges (event TEXT PRIMARY KEY, site TEXT, started TEXT, s_epoch INTEGER, ended TEXT,
                         duration_min INTEGER, min_soc_pct REAL, cause TEXT);
CREATE TABLE gen_events (site TEXT, at_utc TEXT, at_epoch INTEGER, event TEXT, detail TEXT, run_hours REAL);
CREATE TABLE dispatches (dx TEXT PRIMARY KEY, site TEXT, reason TEXT, priority TEXT, engineer TEXT, status TEXT,
                         created TEXT, planned TEXT, p_epoch INTEGER, eta TEXT, completed TEXT, permit TEXT,
                         notes TEXT);
CREATE TABLE engineers (engineer TEXT PRIMARY KEY, team TEXT, base TEXT, skills TEXT, mobile TEXT, status_now TEXT,
                        job_now TEXT, where_now TEXT, eta TEXT, updated TEXT);
CREATE TABLE permits (permit TEXT PRIMARY KEY, site TEXT, landlord TEXT, purpose TEXT, valid_from TEXT,
                      vf_epoch INTEGER, valid_to TEXT, vt_epoch INTEGER, access_hours TEXT, escort TEXT, status TEXT,
                      contact TEXT, note TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, vendor TEXT, site TEXT, object TEXT, subject TEXT, status TEXT,
                    priority TEXT, engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, role TEXT, covers TEXT, phone TEXT, hours TEXT, contact TEXT,
                      escalation TEXT, contract TEXT);
CREATE TABLE grid_outages (ref TEXT PRIMARY KEY, operator TEXT, site TEXT, kind TEXT, starts TEXT, s_epoch INTEGER,
                           ends TEXT, e_epoch INTEGER, status TEXT, reason TEXT, impact TEXT);
CREATE TABLE rollouts (ro TEXT PRIMARY KEY, kind TEXT, title TEXT, targets TEXT, detail TEXT, started TEXT,
                       s_epoch INTEGER, completed TEXT, state TEXT, executed_by TEXT, change_ref TEXT, note TEXT);
CREATE TABLE changes (ovc TEXT PRIMARY KEY, title TEXT, scope TEXT, kind TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shift_leads (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                          mobile TEXT, desk TEXT);
CREATE TABLE noc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE mops (mop TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _span(lo: float, hi: float, key: str, i: int, digits: int = 2) -> float:
    """A deterministic value in [lo, hi] for (key, i)."""
    return round(lo + (hi - lo) * noise(key, i), digits)


def _cells() -> list[tuple[str, str, str, int]]:
    """(cell, site, tech, sector) of every cell."""
    out = []
    for site, *_ in SITES:
        for tech in ("LTE", "NR") if site in NR_SITES else ("LTE",):
            for sector in (1, 2, 3):
                out.append((f"{site}-{'L' if tech == 'LTE' else 'N'}{sector}", site, tech, sector))
    return out


def _out_minutes(cell: str, m: int, length: int) -> int:
    """Minutes of the sample (m + length .. m minutes ago) the cell was out of service."""
    return sum(max(0, min(m + length, a) - max(m, b)) for a, b in CELL_OUT.get(cell, []))


def _kpi_rows(now: datetime) -> list[tuple[Any, ...]]:
    """15-minute KPI samples of every cell over 48 hours, ending at T-5m, T-20m, ..."""
    rows = []
    for cell, site, tech, _sector in _cells():
        (p_lo, p_hi), (r_lo, r_hi), (d_lo, d_hi), (t_lo, t_hi) = NORMAL[tech]
        if cell in BUSY:
            (p_lo, p_hi), (t_lo, t_hi) = BUSY[cell]
        for k in range(191, -1, -1):
            m = 5 + 15 * k
            prb = _span(p_lo, p_hi, cell + "prb", k, 1)
            rrc = _span(r_lo, r_hi, cell + "rrc", k)
            dcr = _span(d_lo, d_hi, cell + "dcr", k)
            tput = _span(t_lo, t_hi, cell + "tput", k, 1)
            if cell in HIT and m < RO_5521[1]:
                (hr_lo, hr_hi), (hd_lo, hd_hi), (ht_lo, ht_hi) = HIT[cell]
                rrc = _span(hr_lo, hr_hi, cell + "rrc2", k)
                dcr = _span(hd_lo, hd_hi, cell + "dcr2", k)
                tput = _span(ht_lo, ht_hi, cell + "tput2", k, 1)
            pinned = PINNED.get((cell, m), {})
            rrc, dcr = pinned.get("rrc", rrc), pinned.get("dcr", dcr)
            out = _out_minutes(cell, m, 15)
            avail = round(100.0 * (15 - out) / 15, 1)
            t = now - timedelta(minutes=m)
            if out >= 15:
                rows.append((cell, site, iso(t), int(t.timestamp()), None, None, None, None, 0.0))
            else:
                rows.append((cell, site, iso(t), int(t.timestamp()), prb, rrc, dcr, tput, avail))
    return rows


def _kpi_daily(now: datetime, samples: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Daily KPIs per 24-hour period ending now, a day before, ... (14 days); the last two from the 15-minute
    samples."""
    now_epoch = int(now.timestamp())
    by_period: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
    for row in samples:
        m = (now_epoch - row[3]) // 60
        by_period.setdefault((row[0], m // DAY), []).append(row)
    rows = []
    for cell, site, tech, _sector in _cells():
        gb_per_pct = 0.9 if tech == "LTE" else 4.0
        (p_lo, p_hi), (r_lo, r_hi), (d_lo, d_hi), _ = NORMAL[tech]
        if cell in BUSY:
            p_lo, p_hi = BUSY[cell][0]
        for k in range(13, -1, -1):
            end = now - timedelta(minutes=k * DAY)
            if k <= 1:
                got = by_period[(cell, k)]
                ok = [r for r in got if r[4] is not None]
                avail = round(sum(r[8] for r in got) / len(got), 2)
                rrc = round(sum(r[5] for r in ok) / len(ok), 2) if ok else None
                dcr = round(sum(r[6] for r in ok) / len(ok), 2) if ok else None
                prb_avg = sum(r[4] for r in ok) / len(ok) if ok else 0.0
                busy = max((r[4] for r in ok), default=None)
            else:
                avail, rrc, dcr = 100.0, _span(r_lo, r_hi, cell + "drrc", k), _span(d_lo, d_hi, cell + "ddcr", k)
                prb_avg = _span(p_lo, p_hi, cell + "dprb", k, 1)
                busy = round(min(99.0, prb_avg + 12 + 8 * noise(cell + "dbusy", k)), 1)
                if cell == "BRK-019-L1" and k == 9:
                    avail = 97.2
                if cell == "TSF-120-L1":
                    busy = round(72.0 + (13 - k) * 1.4 + 1.5 * noise(cell + "trend", k), 1)
            rows.append((cell, site, f"{end:%Y-%m-%d}", iso(end), avail, rrc, dcr,
                         round(prb_avg * gb_per_pct * avail / 100, 1), busy))  # fmt: skip
    return rows


def _mw_rows(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Daily microwave statistics (14 days, at T-180m, T-1d-180m, ...) and 10-minute RSL samples (24 hours)."""
    daily, samples = [], []
    for link, kind, _a, _b, _eq, _band, capacity, design, rsl_now, mod_now, _max, _state, _note, span in LINKS:
        if kind != "MW":
            continue
        for k in range(13, -1, -1):
            t = now - timedelta(minutes=k * DAY + 180)
            if link == "MWL-4431":
                frac = (13 - k) / 13
                low = round(-40.5 - 12.5 * frac + (0 if k in (0, 13) else 0.6 * noise(link + "d", k) - 0.3), 1)
                shifts = MWL4431_DOWNSHIFTS[13 - k]
                ber = 1e-12 if k > 6 else float(f"{(7 - k) * 6.0e-9:.1e}")
                es, ses, below = shifts * 3 + int(4 * noise(link + "es", k)), shifts // 4, shifts * 17
            else:
                low = round(design - 0.4 - 1.2 * noise(link + "d", k), 1)
                shifts = 1 if (link == "MWL-4412" and k == 9) else 0
                ber, es, ses, below = 1e-12, int(3 * noise(link + "es", k)), 0, 12 * shifts
            daily.append((link, iso(t), int(t.timestamp()), low, round(low + 0.8, 1), ber, es, ses, shifts, below))
        lo, hi = span
        for k in range(143, -1, -1):
            m = 4 + 10 * k
            rsl = rsl_now if k == 0 else _span(lo, hi, link + "rsl", k, 1)
            mod, cap = mod_now, capacity
            if link == "MWL-4431":
                rsl = lo if k == 37 else rsl
                mod, cap = ("1024QAM", 1640) if rsl > -52.8 else ("512QAM", 1470)
            t = now - timedelta(minutes=m)
            samples.append((link, iso(t), int(t.timestamp()), rsl, mod, cap))
    return daily, samples


def _render(text: str, now: datetime) -> str:
    """``text`` with ``{+35m}`` / ``{-20m}`` replaced by that clock time (``HH:MM``, UTC) relative to now."""
    return re.sub(r"\{([+-]\d+)m\}", lambda m: f"{now + timedelta(minutes=int(m.group(1))):%H:%M}", text)


def _soc(site: str, m: int) -> tuple[str, float]:
    """What ``site`` ran on ``m`` minutes ago and its state of charge."""
    if site == "TSF-112" and m < TSF112_MAINS_LOST:
        return "battery", round(100.0 - (TSF112_MAINS_LOST - m) * SOC_PER_MIN, 1)
    if site == "QNB-207" and m < QNB207_OFF:
        return "generator", 100.0
    if site == "BRK-019" and m < BRK019_OFF:
        return "isolated", 100.0
    return "mains", 100.0


def _battery_rows(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for site, *_ in SITES:
        load = POWER[site][1]
        for k in range(287, -1, -1):
            m = 2 + 5 * k
            source, soc = _soc(site, m)
            if source == "battery":
                volts = round(47.2 + 0.042 * soc, 2)
            elif source == "isolated":
                volts = 0.0
            else:
                volts = _span(53.9, 54.1, site + "v", k)
            load_now = 0.0 if source == "isolated" else round(load + 0.2 * noise(site + "load", k) - 0.1, 2)
            t = now - timedelta(minutes=m)
            rows.append((site, iso(t), int(t.timestamp()), source, soc, volts, load_now))
    return rows


def _power_rows(now: datetime) -> list[tuple[Any, ...]]:
    def ago(m: int) -> str:
        return iso(now - timedelta(minutes=m))

    rows = []
    for site, *_ in SITES:
        rect, load, battery, gen = POWER[site]
        source, soc = _soc(site, 2)
        mains, since, volts, to_lvd, note = "ON", ago(40 * DAY + 300), 54.0, None, ""
        gen_state = "STANDBY" if gen else "none"
        if site == "TSF-112":
            mains, since, volts = "OFF", ago(TSF112_MAINS_LOST), round(47.2 + 0.042 * soc, 2)
            to_lvd = round((soc - 30.0) / SOC_PER_MIN) - 2
            gen_state = "FAILED"
            note = ("mains lost (Westmarch fault WEN-F-90417); generator failed to start 3 times, locked out "
                    "(HGS-2290); portable generator on its way (DX-40823); at the LVD LTE sectors 2-3 are shed, the "
                    "microwave hub for TSF-115 and TSF-118 stays up to 20%")  # fmt: skip
        elif site == "QNB-207":
            mains, since = "OFF", ago(QNB207_OFF)
            gen_state = "RUNNING"
            note = "planned outage WEN-PO-7731 until {+150m} UTC; generator running on load"
        elif site == "BRK-019":
            mains, volts, load = "ON (site isolated)", 0.0, 0.0
            note = "site power isolated at the DB for the landlord's roof works (OVC-1187)"
        elif site == "BRK-052":
            note = "generator fuel low (22%): refuel DX-40828"
        elif site == "HLM-045":
            note = "batteries at 61% of rated capacity: about 1.5 hours of autonomy; replacement DX-40835"
        elif site == "TSF-120":
            note = "no generator; about 3.5 hours on batteries (planned outage WEN-PO-7740 ahead)"
        rows.append((site, source.upper(), mains, since, rect, load, battery, soc, volts, 30.0, to_lvd,
                     gen[0] if gen else "none", gen_state, gen[1] if gen else None, gen[2] if gen else None,
                     _render(note, now)))  # fmt: skip
    return rows


def _shift_rows(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour NOC shifts from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, lead in enumerate(LEADS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        name = "day" if s.hour == 7 else "night"
        rows.append((name, iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), lead, MOBILES[lead],
                     "+44 113 496 0500"))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch

    def opt_epoch(m: float | None) -> int | None:
        return None if m is None else epoch(m)

    sites = []
    for site, name, region, stype, address, owner, landlord, height, techs, backhaul in SITES:
        state, since, note = SITE_NOW.get(site, ("ON_AIR", 20 * DAY + int(600 * noise(site, 0)), ""))
        sites.append((site, name, region, stype, address, owner, landlord, height, techs, backhaul, state, ago(since),
                      _render(note, now)))  # fmt: skip
    db.executemany("INSERT INTO sites VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", sites)

    cells, hardware = [], []
    for n, (cell, site, tech, sector) in enumerate(_cells()):
        azimuth = (int(120 * noise(site, 1)) + 120 * (sector - 1)) % 360
        tilt = 6.0 if cell in ("HLM-038-L2", "HLM-038-N2") else float(2 + int(5 * noise(cell, 2)))
        rsi = RSI[cell][1] if cell in RSI else (120 + 12 * (sector - 1) if site == "HLM-045" else 640 + 4 * (n % 48))
        state, since, note = "IN_SERVICE", 20 * DAY, ""
        if site == "BRK-019":
            state, since, note = "LOCKED", BRK019_OFF + 2, "locked for the landlord's roof works (OVC-1187)"
        elif cell == "BRK-057-L3":
            state, since, note = "OUT_OF_SERVICE", BRK057_L3_OUT, "RU-3 hardware fault (NVK-CS-729880)"
        elif cell in RSI:
            since, note = RO_5521[1], "root sequence changed by RO-5521"
        elif cell in ("HLM-038-L2", "HLM-038-N2"):
            since, note = 308, "tilt 4 -> 6 degrees (RO-5523)"
        band = "B3 1800 MHz" if tech == "LTE" else "n78 3.5 GHz"
        cells.append((cell, site, tech, band, sector, azimuth, tilt, 3 * (n // 3) + sector + 100, rsi, state,
                      ago(since), note))  # fmt: skip
        unit = f"{site}/{'RU' if tech == 'LTE' else 'AAU'}-{sector}"
        model = "Nordvik RRU-1800 4T4R" if tech == "LTE" else "Nordvik AAU-3500 64T64R"
        hw_state = "FAULTY" if unit == "BRK-057/RU-3" else "OK"
        hardware.append((unit, site, "RU" if tech == "LTE" else "AAU", model, f"NV{210000 + 37 * n}", "7.4.2"
                         if site.startswith("QNB") else "7.4.1", 2019 + n % 5, hw_state,
                         "power amplifier failure; RMA unit at the Brackwater depot" if hw_state == "FAULTY"
                         else ""))  # fmt: skip
    for n, (site, *_) in enumerate(SITES):
        sw = "BX-OS 24.3.0" if site in ("BRK-052", "BRK-057") else "BX-OS 24.2.1"
        note = "upgraded by RO-5518" if site in ("BRK-052", "BRK-057") else ""
        hardware.append((f"{site}/BBU-1", site, "BBU", "Nordvik BX-6630", f"NB{880000 + 53 * n}", sw, 2019 + n % 5,
                         "POWERED_DOWN" if site == "BRK-019" else "OK", note))  # fmt: skip
    db.executemany("INSERT INTO cells VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", cells)
    db.executemany("INSERT INTO hardware VALUES (?,?,?,?,?,?,?,?,?)", hardware)

    samples = _kpi_rows(now)
    db.executemany("INSERT INTO kpi_15m VALUES (?,?,?,?,?,?,?,?,?)", samples)
    db.executemany("INSERT INTO kpi_daily VALUES (?,?,?,?,?,?,?,?,?)", _kpi_daily(now, samples))
    db.executemany("INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(a, s, o, sev, c, ago(r), epoch(r), ago(cl), ack, "")
                    for a, s, o, sev, c, r, cl, ack in ALARMS])  # fmt: skip
    db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [link[:13] for link in LINKS])
    daily, mw = _mw_rows(now)
    db.executemany("INSERT INTO mw_daily VALUES (?,?,?,?,?,?,?,?,?,?)", daily)
    db.executemany("INSERT INTO mw_samples VALUES (?,?,?,?,?,?)", mw)
    db.executemany("INSERT INTO power VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _power_rows(now))
    db.executemany("INSERT INTO battery_samples VALUES (?,?,?,?,?,?,?)", _battery_rows(now))
    db.executemany("INSERT INTO discharges VALUES (?,?,?,?,?,?,?,?)",
                   [(e, s, ago(m), epoch(m), None if d is None else ago(m - d), d, low, c)
                    for e, s, m, d, low, c in DISCHARGES])  # fmt: skip
    db.executemany("INSERT INTO gen_events VALUES (?,?,?,?,?,?)",
                   [(s, ago(m), epoch(m), ev, d, h) for s, m, ev, d, h in GEN_EVENTS])  # fmt: skip
    db.executemany("INSERT INTO dispatches VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(dx, s, r, p, e, st, ago(c), ago(pl), epoch(pl), ago(eta), ago(done), pm, _render(n, now))
                    for dx, s, r, p, e, st, c, pl, eta, done, pm, n in DISPATCHES])  # fmt: skip
    db.executemany("INSERT INTO engineers VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*e[:8], ago(e[8]), ago(e[9])) for e in ENGINEERS])  # fmt: skip
    db.executemany("INSERT INTO permits VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(p, s, ll, pur, ago(f), epoch(f), ago(t), epoch(t), h, esc, st, c, n)
                    for p, s, ll, pur, f, t, h, esc, st, c, n in PERMITS])  # fmt: skip
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:9], ago(c[9]), ago(c[10]), _render(c[11], now)) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO grid_outages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(r, "Westmarch Electricity Networks", s, "planned", ago(a), epoch(a), ago(b), epoch(b), st, why,
                     imp) for r, s, a, b, st, why, imp in GRID_OUTAGES])  # fmt: skip
    db.executemany("INSERT INTO rollouts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(ro, k, ti, ta, d, ago(s), epoch(s), ago(c), st, by, ch, n)
                    for ro, k, ti, ta, d, s, c, st, by, ch, n in ROLLOUTS])  # fmt: skip
    db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:9], epoch(c[9]), ago(c[10]), ago(c[11]), opt_epoch(c[11]), opt_epoch(c[12]),
                     _render(c[13], now))
                    for c in CHANGES])  # fmt: skip
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 8))
    db.executemany("INSERT INTO shift_leads VALUES (?,?,?,?,?,?,?,?)", _shift_rows(now))
    db.executemany("INSERT INTO noc_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), epoch(m), a, r, _render(t, now)) for e, m, a, r, t in NOC_LOG])  # fmt: skip
    db.executemany("INSERT INTO mops VALUES (?,?,?,?)", MOPS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = (
        "Orrinvale Mobile RAN field operations: cell sites, cell KPIs, alarms, backhaul, site power, dispatches"
    )
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
