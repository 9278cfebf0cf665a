"""A twenty-ninth estate, held out from the planner's tuning: the equipment and process operations of a semiconductor
fab (Vantmoor Semiconductor's Fab 2 at Keldale: 200 mm logic, power management and sensor products), fifteen tools in
six cleanroom bays: dielectric etchers ``DRE-03``, ``DRE-04``, ``DRE-05`` and the poly etcher ``PLE-01`` (Kestrix
Apex-D / Apex-P) in bay C, PECVD ``CVD-11`` and ``CVD-12`` and PVD ``PVD-21`` (Orvane) in bay D, ArF scanners
``LSC-31`` and ``LSC-32`` with their tracks ``TRK-31`` and ``TRK-32`` (Lumenar) in bay A, CMP polishers ``CMP-41`` and
``CMP-42`` (Tarnwell) in bay E, a single-wafer clean ``WCL-51`` (Sorrant) in bay F and the particle inspection tool
``DFI-61`` (Opticrest) in bay B: the tool register and each tool's E10 state (now, its log and availability), lot runs,
post-process particle checks, SPC charts and their rule violations, chamber RF hours against the wet-clean limit, daily
chamber metrics, recipe versions, WIP and holds, the cleanroom particle monitors, bulk and specialty gases (gas
cabinets), supply events, slurry and wet chemicals, maintenance work orders, engineering change orders, vendor
field-service cases and contacts, the on-call rota, the shift leads, the shift passdown log and the procedures library.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
tools are an area code and a number (``DRE-04``, ``CVD-11``), chambers the tool and a letter (``DRE-04.B``; CMP
platens ``CMP-42.P2``); lots ``VK31862.1``; runs ``R-`` and a number; SPC charts ``SPC-4412``, their violations
``OOC-88207``; engineering change orders ``ECO-7731``; maintenance work orders ``PMWO-66140``; gas cabinets ``GC-14``,
slurry loops ``SL-2``; passdown entries ``PD-4421``; hold codes ``PEX-0412``; procedures ``OCAP-DRE-007``,
``SOP-ETCH-021``, the vendor's bulletin ``TB-APX-0093``; vendor cases by maker: Kestrix ``KX-SR-0048823``, Lumenar
``LUM-FSE-77214``, Orvane ``OV-51902``, Cerulith ``CRL-33104``, Aldervane Gases ``AVG-7781-2``; the MES is FabFlow
9.4.3; people are named in full (``Wen-Li Sorensen``). Windows come as ``window_hours``, ``days``, ``since_hours``, an
RFC 3339 time (``from_ts``), ``hours_back``, ``n_days``, ``hours``, ``last_days`` and ISO dates (``from_date`` /
``to_date``). :mod:`tests.ops_eval.twentyninth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; lot runs and particle checks are kept 72 hours, the
cleanroom monitors hourly for 72 hours (hour h from T-60(h+1)m to T-60hm), daily chamber metrics read at T-50m,
T-1d-50m, ... for 60 days, the E10 state log 14 days, SPC violations 30 days; on-call weeks run from Monday 07:00 UTC
and the shift leads' 12-hour shifts from 07:00 and 19:00 UTC, with the story's people on the week and the shift running
now whatever the hour, so the passdown's entries of the last few hours may predate a shift boundary):

- T-236m ECO-7731 (Priya Raman, etch process engineer; a throughput pilot) puts recipe CE45-M1 v8 on DRE-04 only: the
  waferless auto clean (WAC) runs every 5 wafers instead of after every wafer (DRE-04 in ENGINEERING T-244m .. T-230m
  for the download). Polymer builds up and flakes: the post-etch particle adders of the six lots run on DRE-04 since
  (VK31862.1 .. VK31877.1, T-228m .. T-113m) climb from 8-13 to 49 / 138 / 60 on chambers A / B / C; the first SPC
  violation is DRE-04.B's 44 adders at T-182m (SPC-4412, WE1, UCL 30), then C from T-161m and A from T-140m: 12
  violations, all on DRE-04 (the most of any tool this week). T-176m the shift lead Jonah Whitlock calls etch process
  on call Wen-Li Sorensen (OCAP-DRE-007); T-158m etch equipment on call Declan Featherstone finds the hardware normal;
  T-146m Wen-Li rules out bay C's air and GC-14's C4F8 (DRE-03 shares both and is clean); T-124m she ties it to
  ECO-7731; T-112m DRE-04 goes to ENGINEERING and T-110m the six lots go on hold (PEX-0412; 8 lots on hold in all);
  T-94m she raises KX-SR-0048823 with Kestrix (P1); a qual wafer on B after a manual WAC still has 41 adders (T-78m);
  T-68m Kestrix (Lorcan Tate): WAC after every wafer is required with C4F8-rich recipes (TB-APX-0093): revert, wet
  clean B, 25 seasoning wafers; T-52m the manager on duty Helena Marsh approves emergency ECO-7736 (back to v7, wet
  clean B on PMWO-66142), planned T+20m.
- red herrings: ECO-7728 (bay C fan filter units 0.45 -> 0.40 m/s, Ilse Varga, T-290m: bay C's monitors stay flat
  well inside ISO 4), ECO-7730 (FabFlow MES 9.4.2 -> 9.4.3, T-265m), GC-14's C4F8 auto-switchover to cylinder B at
  T-215m (GC-14 feeds DRE-03 too), ECO-7724 (CMP-42 slurry flow, 2 days ago), DRE-05.A at 95.6% of its wet-clean RF
  hours (1,912.4 of 2,000: the closest to its limit, wet clean PMWO-66140 at T+1020m, no particles), LSC-32
  unscheduled down since T-1260m (reticle stage interferometer, LUM-FSE-77214, the board due in about 14 hours,
  ECO-7733 at T+1100m: the worst availability of the week, 85.12%), CVD-12 in its quarterly PM since T-190m.
- slow trends: CVD-11.B's deposition rate falls from 412.0 nm/min 59 days ago to 396.4 now (clogging showerhead,
  OV-51902, PMWO-66137 in about 2 days); CMP-42 removes about 260 nm/min since ECO-7724 against about 284 on CMP-41;
  SL-2's large particle count is up to 15,900 /ml (limit 20,000) since slurry lot CX30-4418 (CRL-33104); GC-15's
  silane is at 12%.

On call this week: etch equipment Declan Featherstone (secondary Yusra Haddad), etch process Wen-Li Sorensen, litho
Bastien Moreau, deposition and CMP Agnieszka Ruda, facilities Farid Nasser, manager on duty Helena Marsh. Shift lead
now: Jonah Whitlock (before him Rosalind Achebe, next Sunniva Dahl). Kestrix's hotline is +44 1632 960231, its
escalation contact Saskia Brandt.

No API reports costs (scrap, parts, wet cleans), yield or probe results, wafer-out targets or forecasts, run-out
forecasts, cleanroom temperature or humidity, ultra-pure water, electricity, MTBF or overtime; there is no DRE-09 and
no KX-SR-0099999; lot runs are kept 72 hours.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.twentyninth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "vantmoor_fab2"
DAY = 1440
#: lot runs and particle checks are kept 72 hours, the E10 state log 14 days, daily chamber metrics 60 days
RUN_KEEP, STATE_KEEP, DAILY_DAYS, CLEAN_HOURS = 72 * 60, 14 * DAY, 60, 72
#: ECO-7731 (CE45-M1 v8 on DRE-04) implemented; DRE-04 in ENGINEERING for the download; DRE-04 taken out of production
ECO_7731, ECO_DOWNLOAD, DRE04_ENG = 236, (244, 230), 112
#: DRE-04's lots since ECO-7731: lot, track-in, track-out (minutes ago), adders on chambers A, B, C (each checked on
#: DFI-61 8 minutes after the track-out)
STORY_RUNS = [
    ("VK31862.1", 228, 211, (8, 13, 10)),
    ("VK31865.1", 207, 190, (15, 44, 19)),
    ("VK31869.1", 186, 169, (24, 71, 33)),
    ("VK31871.2", 165, 148, (37, 96, 45)),
    ("VK31874.1", 148, 131, (41, 118, 52)),
    ("VK31877.1", 130, 113, (49, 138, 60)),
]
CHECK_DELAY = 8
#: the qual wafer on DRE-04.B after a manual WAC: minutes ago, adders
QUAL_B = (78, 41)
UCL_ADDERS = 30
HOLD_AT = 110
#: GC-14's C4F8 auto-switchover; CVD-12's quarterly PM; LSC-32 down
GC14_SWITCH, CVD12_PM, LSC32_DOWN = 215, 190, 1260

#: tool, area, bay, model, vendor, chambers, installed, serial, notes
TOOLS = [
    ("CMP-41", "cmp", "E", "Tarnwell Planar-4 CMP", "Tarnwell Planar Systems", ["P1", "P2", "P3"], 2019, "TP4-1187",
     "oxide and STI CMP; slurry loop SL-1"),
    ("CMP-42", "cmp", "E", "Tarnwell Planar-4 CMP", "Tarnwell Planar Systems", ["P1", "P2", "P3"], 2021, "TP4-1402",
     "oxide and STI CMP; slurry loop SL-2"),
    ("CVD-11", "deposition", "D", "Orvane Stratos PECVD", "Orvane Deposition", ["A", "B"], 2018, "OST-2290",
     "PECVD oxide and nitride; SiH4 from GC-15, NF3 chamber clean from GC-12"),
    ("CVD-12", "deposition", "D", "Orvane Stratos PECVD", "Orvane Deposition", ["A", "B"], 2020, "OST-2514",
     "PECVD oxide and nitride; SiH4 from GC-15, NF3 chamber clean from GC-12"),
    ("DFI-61", "metrology", "B", "Opticrest SP-9 unpatterned wafer inspection", "Opticrest Metrology", [], 2021,
     "OSP9-0331", "post-process particle checks of every etch, CVD and PVD chamber (adders >= 45 nm)"),
    ("DRE-03", "etch", "C", "Kestrix Apex-D dielectric etch", "Kestrix Plasma Systems", ["A", "B", "C"], 2019,
     "KXA-7712", "contact and via etch; C4F8 from GC-14, CF4 from GC-11"),
    ("DRE-04", "etch", "C", "Kestrix Apex-D dielectric etch", "Kestrix Plasma Systems", ["A", "B", "C"], 2019,
     "KXA-7719", "contact and via etch; C4F8 from GC-14, CF4 from GC-11"),
    ("DRE-05", "etch", "C", "Kestrix Apex-D dielectric etch", "Kestrix Plasma Systems", ["A", "B", "C"], 2021,
     "KXA-8034", "contact and via etch; C4F8 from GC-17, CF4 from GC-11"),
    ("LSC-31", "litho", "A", "Lumenar LX-890 ArF scanner", "Lumenar Lithography", [], 2020, "LX8-0117",
     "critical layers; linked to TRK-31"),
    ("LSC-32", "litho", "A", "Lumenar LX-890 ArF scanner", "Lumenar Lithography", [], 2022, "LX8-0164",
     "critical layers; linked to TRK-32"),
    ("PLE-01", "etch", "C", "Kestrix Apex-P poly etch", "Kestrix Plasma Systems", ["A", "B"], 2018, "KXP-3305",
     "gate poly etch; HBr and Cl2"),
    ("PVD-21", "deposition", "D", "Orvane Meridian PVD", "Orvane Deposition", ["A", "B", "C"], 2019, "OMP-1120",
     "Ti / TiN barrier and AlCu"),
    ("TRK-31", "litho", "A", "Lumenar CT-9 coat and develop track", "Lumenar Lithography", [], 2020, "CT9-0410",
     "linked to LSC-31"),
    ("TRK-32", "litho", "A", "Lumenar CT-9 coat and develop track", "Lumenar Lithography", [], 2022, "CT9-0488",
     "linked to LSC-32"),
    ("WCL-51", "wet", "F", "Sorrant SWC-8 single-wafer clean", "Sorrant Wet Systems", ["A", "B", "C", "D"], 2020,
     "SWC-0907", "post-etch and pre-diffusion cleans: SPM, DHF"),
]  # fmt: skip
TOOL_AREA = {t[0]: t[1] for t in TOOLS}
TOOL_CHAMBERS = {t[0]: t[5] for t in TOOLS}
PARTICLE_TOOLS = ("DRE-03", "DRE-04", "DRE-05", "PLE-01", "CVD-11", "CVD-12", "PVD-21")

#: tool -> run minutes (lo, hi), idle minutes between runs (lo, hi), recipes, products
RUN_PROFILE = {
    "DRE-03": ((16, 19), (2, 12), ["CE45-M1", "VE45-M2"], ["KQ7", "PM220", "SX5"]),
    "DRE-04": ((16, 19), (2, 12), ["CE45-M1", "VE45-M2"], ["KQ7", "PM220", "SX5"]),
    "DRE-05": ((16, 19), (2, 12), ["CE45-M1", "VE45-M2"], ["KQ7", "PM220", "SX5"]),
    "PLE-01": ((20, 24), (10, 40), ["PG28-M0"], ["KQ7", "SX5"]),
    "CVD-11": ((22, 28), (3, 15), ["OX-PE400", "SN-PE200"], ["KQ7", "PM220", "SX5"]),
    "CVD-12": ((22, 28), (3, 15), ["OX-PE400", "SN-PE200"], ["KQ7", "PM220", "SX5"]),
    "PVD-21": ((25, 30), (5, 20), ["TIN-BARR", "ALCU-M1"], ["KQ7", "PM220"]),
    "LSC-31": ((28, 34), (2, 10), ["L-CT-ARF", "L-V1-ARF"], ["KQ7", "PM220", "SX5"]),
    "LSC-32": ((28, 34), (2, 10), ["L-CT-ARF", "L-V1-ARF"], ["KQ7", "PM220", "SX5"]),
    "TRK-31": ((28, 34), (2, 10), ["CT-ARF-150"], ["KQ7", "PM220", "SX5"]),
    "TRK-32": ((28, 34), (2, 10), ["CT-ARF-150"], ["KQ7", "PM220", "SX5"]),
    "CMP-41": ((35, 45), (3, 15), ["OX-CMP-STI"], ["KQ7", "PM220", "SX5"]),
    "CMP-42": ((35, 45), (3, 15), ["OX-CMP-STI"], ["KQ7", "PM220", "SX5"]),
    "WCL-51": ((20, 26), (4, 15), ["SPM-POST", "DHF-PRE"], ["KQ7", "PM220", "SX5"]),
}
RECIPE_VERSION = {"CE45-M1": "v7", "VE45-M2": "v12", "PG28-M0": "v4", "OX-PE400": "v9", "SN-PE200": "v5",
                  "TIN-BARR": "v3", "ALCU-M1": "v6", "L-CT-ARF": "v21", "L-V1-ARF": "v18", "CT-ARF-150": "v7",
                  "OX-CMP-STI": "v11", "SPM-POST": "v2", "DHF-PRE": "v3"}  # fmt: skip
#: the lots the generated runs draw from (the story's lots and the two other holds are kept out of it)
LOT_POOL = [f"VK{31500 + i}.{2 if i % 7 == 0 else 1}" for i in range(300)]
OTHER_HOLDS = {"VK31702.1", "VK31745.2"}

#: E10 intervals other than PRODUCTIVE: tool, state, from, to (minutes ago; None: still), reason, set by
STATES = [
    ("DRE-04", "ENGINEERING", *ECO_DOWNLOAD, "ECO-7731: recipe CE45-M1 v8 download and verify", "Priya Raman"),
    ("DRE-04", "ENGINEERING", DRE04_ENG, None,
     "particle excursion on A, B and C (SPC-4411..4413, OCAP-DRE-007); lots since ECO-7731 on hold (PEX-0412)",
     "Wen-Li Sorensen"),
    ("DRE-05", "UNSCHEDULED_DOWN", 4 * DAY + 200, 4 * DAY + 20, "chamber A ESC helium leak-up alarm (KX-SR-0048710)",
     "Pieter Vos"),
    ("PLE-01", "STANDBY", 2 * DAY + 300, 2 * DAY + 60, "no WIP at the gate etch step", "FabFlow dispatcher"),
    ("PLE-01", "STANDBY", 300, None, "no WIP at the gate etch step", "FabFlow dispatcher"),
    ("CVD-12", "SCHEDULED_DOWN", CVD12_PM, None, "quarterly PM with Orvane (PMWO-66131), due back in about 7 hours",
     "Ravi Chandran"),
    ("PVD-21", "SCHEDULED_DOWN", 5 * DAY + 200, 5 * DAY - 40, "target change (PMWO-66120)", "Ravi Chandran"),
    ("LSC-31", "ENGINEERING", 9 * DAY, 9 * DAY - 60, "focus offset update (ECO-7712)", "Bastien Moreau"),
    ("LSC-32", "SCHEDULED_DOWN", 6 * DAY + 300, 6 * DAY + 60, "monthly PM (PMWO-66128)", "Mateus Carvalho"),
    ("LSC-32", "UNSCHEDULED_DOWN", LSC32_DOWN, None,
     "reticle stage interferometer axis error RS-Y (LUM-FSE-77214); waiting for the interferometer board",
     "Pieter Vos"),
    ("TRK-32", "STANDBY", 6 * DAY + 300, 6 * DAY + 60, "linked scanner LSC-32 in PM", "FabFlow dispatcher"),
    ("TRK-32", "STANDBY", LSC32_DOWN - 5, None, "linked scanner LSC-32 down", "FabFlow dispatcher"),
    ("CMP-41", "UNSCHEDULED_DOWN", 3 * DAY + 400, 3 * DAY + 305, "platen P2 pad tear; pad replaced",
     "Agnieszka Ruda"),
    ("WCL-51", "SCHEDULED_DOWN", 2 * DAY + 600, 2 * DAY + 480, "SPM chemical change (PMWO-66134)", "Ravi Chandran"),
]  # fmt: skip

#: chamber -> RF hours since the last wet clean, wet-clean limit, last wet clean (minutes ago), lifetime RF hours
RF_HOURS = {
    "DRE-03.A": (640.2, 2000, 21 * DAY, 18210), "DRE-03.B": (702.5, 2000, 23 * DAY, 18452),
    "DRE-03.C": (688.0, 2000, 22 * DAY, 17996),
    "DRE-04.A": (1094.6, 2000, 37 * DAY, 19120), "DRE-04.B": (1126.3, 2000, 38 * DAY, 19488),
    "DRE-04.C": (1071.8, 2000, 36 * DAY, 18877),
    "DRE-05.A": (1912.4, 2000, 64 * DAY, 11045), "DRE-05.B": (1455.0, 2000, 49 * DAY, 10870),
    "DRE-05.C": (1388.2, 2000, 47 * DAY, 10911),
    "PLE-01.A": (820.4, 1500, 40 * DAY, 24410), "PLE-01.B": (805.9, 1500, 39 * DAY, 24102),
    "CVD-11.A": (512.7, 800, 18 * DAY, 30115), "CVD-11.B": (688.1, 800, 26 * DAY, 30560),
    "CVD-12.A": (701.3, 800, 30 * DAY, 21870), "CVD-12.B": (712.0, 800, 31 * DAY, 21904),
    "PVD-21.A": (610.0, 1500, 28 * DAY, 16550), "PVD-21.B": (598.4, 1500, 27 * DAY, 16390),
    "PVD-21.C": (640.9, 1500, 29 * DAY, 16700),
}  # fmt: skip

#: chart, tool, chamber, parameter, unit, centre, UCL, LCL, rules
CHARTS = [
    *[(f"SPC-44{n}{i + 1}", tool, f"{tool}.{c}", "post-etch particle adders (>= 45 nm)", "adders/wafer", 9.0,
       float(UCL_ADDERS), 0.0, "WE1, WE2")
      for n, tool in ((0, "DRE-03"), (1, "DRE-04"), (2, "DRE-05"), (3, "PLE-01"))
      for i, c in enumerate(TOOL_CHAMBERS[tool])],
    ("SPC-3216", "CVD-11", "CVD-11.A", "PECVD oxide deposition rate", "nm/min", 408.0, 420.0, 392.0, "WE1-WE4"),
    ("SPC-3217", "CVD-11", "CVD-11.B", "PECVD oxide deposition rate", "nm/min", 408.0, 420.0, 392.0, "WE1-WE4"),
    ("SPC-5121", "CMP-41", "", "oxide removal rate", "nm/min", 284.0, 300.0, 255.0, "WE1-WE4"),
    ("SPC-5122", "CMP-42", "", "oxide removal rate", "nm/min", 284.0, 300.0, 255.0, "WE1-WE4"),
    ("SPC-6101", "LSC-31", "", "overlay X (mean + 3 sigma)", "nm", 2.0, 4.5, 0.0, "WE1, WE2"),
    ("SPC-6102", "LSC-32", "", "overlay X (mean + 3 sigma)", "nm", 2.0, 4.5, 0.0, "WE1, WE2"),
    ("SPC-2714", "PVD-21", "PVD-21.B", "TiN sheet resistance", "ohm/sq", 12.0, 14.5, 9.5, "WE1-WE4"),
]  # fmt: skip
#: violations other than DRE-04's: ooc, chart, tool, chamber, rule, value, minutes ago, lot, action
OTHER_OOC = [
    ("OOC-87990", "SPC-4402", "DRE-03", "DRE-03.B", "WE1: 1 point above the UCL", 33.0, 12 * DAY, "VK31511.1",
     "re-measured at 12, flyer; released"),
    ("OOC-88010", "SPC-5121", "CMP-41", "", "WE1: 1 point above the UCL", 302.5, 9 * DAY, "VK31533.1",
     "pad conditioner check; released"),
    ("OOC-88141", "SPC-2714", "PVD-21", "PVD-21.B", "WE2: 2 of 3 beyond 2 sigma", 14.1, 5 * DAY + 400, "VK31560.1",
     "target change brought forward (PMWO-66120)"),
    ("OOC-88160", "SPC-3217", "CVD-11", "CVD-11.B", "WE4: 8 in a row below the centre line", 399.1, 4 * DAY + 100,
     "VK31583.1", "drift: Orvane case OV-51902"),
    ("OOC-88120", "SPC-6102", "LSC-32", "", "WE1: 1 point above the UCL", 5.1, 3 * DAY + 200, "VK31655.1",
     "lot reworked"),
    ("OOC-88177", "SPC-5122", "CMP-42", "", "WE4: 8 in a row below the centre line", 263.0, 2 * DAY + 120,
     "VK31671.1", "watch: slurry flow 180 ml/min since ECO-7724"),
    ("OOC-88190", "SPC-3217", "CVD-11", "CVD-11.B", "WE4: 8 in a row below the centre line", 397.2, DAY + 100,
     "VK31690.1", "drift: showerhead at PMWO-66137"),
    ("OOC-88193", "SPC-5122", "CMP-42", "", "WE4: 8 in a row below the centre line", 260.4, DAY + 300, "VK31694.1",
     "watch"),
    ("OOC-88196", "SPC-6102", "LSC-32", "", "WE1: 1 point above the UCL", 5.4, 1300, "VK31702.1",
     "lot on hold for rework"),
    ("OOC-88199", "SPC-5122", "CMP-42", "", "WE4: 8 in a row below the centre line", 261.8, 600, "VK31712.1",
     "CMP process on call told (Agnieszka Ruda)"),
]  # fmt: skip

#: tool, recipe, version, WAC every N wafers, seasoning wafers, chemistry, changed (minutes ago), ECO, owner
RECIPES = [
    ("DRE-03", "CE45-M1", "v7", 1, 25, "C4F8 / Ar / O2, CF4 flash", 41 * DAY, "ECO-7655", "Priya Raman"),
    ("DRE-04", "CE45-M1", "v8", 5, 25, "C4F8 / Ar / O2, CF4 flash", ECO_7731, "ECO-7731", "Priya Raman"),
    ("DRE-05", "CE45-M1", "v7", 1, 25, "C4F8 / Ar / O2, CF4 flash", 41 * DAY, "ECO-7655", "Priya Raman"),
    ("DRE-03", "VE45-M2", "v12", 1, 25, "CF4 / CHF3 / Ar", 60 * DAY, "ECO-7610", "Wen-Li Sorensen"),
    ("DRE-04", "VE45-M2", "v12", 1, 25, "CF4 / CHF3 / Ar", 60 * DAY, "ECO-7610", "Wen-Li Sorensen"),
    ("DRE-05", "VE45-M2", "v12", 1, 25, "CF4 / CHF3 / Ar", 60 * DAY, "ECO-7610", "Wen-Li Sorensen"),
    ("PLE-01", "PG28-M0", "v4", 1, 15, "HBr / Cl2 / O2", 90 * DAY, "ECO-7540", "Wen-Li Sorensen"),
    ("CVD-11", "OX-PE400", "v9", None, 10, "SiH4 / N2O, NF3 clean every 4 wafers", 70 * DAY, "ECO-7588",
     "Agnieszka Ruda"),
    ("CVD-12", "OX-PE400", "v9", None, 10, "SiH4 / N2O, NF3 clean every 4 wafers", 70 * DAY, "ECO-7588",
     "Agnieszka Ruda"),
    ("CMP-41", "OX-CMP-STI", "v11", None, None, "Cerulith CX-30 at 200 ml/min", 50 * DAY, "ECO-7601",
     "Marek Halloran"),
    ("CMP-42", "OX-CMP-STI", "v12", None, None, "Cerulith CX-30 at 180 ml/min", 2 * DAY + 300, "ECO-7724",
     "Marek Halloran"),
]  # fmt: skip

#: bay, area, monitor, ISO class, 0.1 um (lo, hi), 0.5 um (lo, hi), limits (0.1 um, 0.5 um)
BAYS = [
    ("A", "litho", "PMS-A1", "ISO 4", (700, 1900), (10, 45), (10000, 352)),
    ("B", "metrology", "PMS-B1", "ISO 4", (600, 1700), (8, 40), (10000, 352)),
    ("C", "etch", "PMS-C1", "ISO 4", (1100, 2300), (18, 60), (10000, 352)),
    ("D", "deposition", "PMS-D1", "ISO 4", (900, 2100), (12, 55), (10000, 352)),
    ("E", "cmp", "PMS-E1", "ISO 5", (14000, 30000), (400, 1100), (100000, 3520)),
    ("F", "wet", "PMS-F1", "ISO 5", (9000, 21000), (250, 800), (100000, 3520)),
]

#: source, gas, kind, feeds, active, level %, pressure, state, last swap (minutes ago), notes
GASES = [
    ("BULK-N2", "N2 (nitrogen)", "bulk LN2 tank", "fab-wide", "tank T1", 79.0, "110 psig", "ok", None,
     "tanker delivery 26 hours ago"),
    ("BULK-AR", "Ar (argon)", "bulk liquid tank", "etch, PVD", "tank T3", 64.0, "95 psig", "ok", None, ""),
    ("BULK-O2", "O2 (oxygen)", "bulk liquid tank", "etch, CVD", "tank T2", 58.0, "90 psig", "ok", None, ""),
    ("CDA", "clean dry air", "compressor plant", "fab-wide", "dryers D1 and D2", None, "100 psig", "ok", None,
     "dew point -68 C"),
    ("GC-11", "CF4 (tetrafluoromethane)", "gas cabinet", "DRE-03, DRE-04, DRE-05", "cylinder A", 58.0, "30 psig",
     "ok", 9 * DAY, ""),
    ("GC-12", "NF3 (nitrogen trifluoride)", "gas cabinet", "CVD-11, CVD-12", "cylinder B", 44.0, "25 psig", "ok",
     6 * DAY, ""),
    ("GC-14", "C4F8 (octafluorocyclobutane)", "gas cabinet", "DRE-03, DRE-04", "cylinder B", 99.0, "20 psig", "ok",
     GC14_SWITCH, "auto-switchover from cylinder A (empty, 3%); replacement for A ordered"),
    ("GC-15", "SiH4 (silane)", "gas cabinet", "CVD-11, CVD-12", "cylinder A", 12.0, "35 psig", "low", 20 * DAY,
     "below the 15% warning; replacement cylinder due in 2 days (AVG-7781-2); cylinder B empty"),
    ("GC-16", "CHF3 (fluoroform)", "gas cabinet", "DRE-03, DRE-04, DRE-05", "cylinder B", 37.0, "25 psig", "ok",
     12 * DAY, ""),
    ("GC-17", "C4F8 (octafluorocyclobutane)", "gas cabinet", "DRE-05", "cylinder A", 63.0, "20 psig", "ok",
     16 * DAY, ""),
    ("GC-18", "HBr / Cl2", "gas cabinet", "PLE-01", "cylinders A", 71.0, "25 psig", "ok", 25 * DAY, ""),
]  # fmt: skip
#: minutes ago, source, kind, detail, by whom
SUPPLY_EVENTS = [
    (5 * DAY + 200, "CDA", "alarm", "dew point rose to -55 C for 40 minutes (dryer D2 regeneration); cleared",
     "Farid Nasser"),
    (3 * DAY + 500, "SL-1", "drum change", "slurry drum change, lot CX30-4402 continues", "Niamh Pryce"),
    (2 * DAY + 420, "SL-2", "lot change", "new slurry lot CX30-4418 on loop 2 (CMP-42)", "Niamh Pryce"),
    (1560, "BULK-N2", "tanker delivery", "LN2 delivery by Aldervane: tank T1 48% -> 79%", "Aldervane Gases"),
    (400, "GC-15", "alarm", "SiH4 cylinder A below the 15% warning level; replacement ordered (AVG-7781-2)",
     "FabFlow supply monitor"),
    (GC14_SWITCH, "GC-14", "auto-switchover",
     "C4F8 cylinder A empty (3%): switched to cylinder B (lot AV-C4-22871, full); purge and leak check passed",
     "gas cabinet controller"),
]  # fmt: skip
#: chem, name, supplier, feeds, day tank %, LPC per ml, LPC limit, pH, lot, state, note
CHEMICALS = [
    ("SL-1", "oxide slurry Cerulith CX-30, loop 1", "Cerulith", "CMP-41", 68.0, 8400, 20000, 10.9, "CX30-4402", "ok",
     ""),
    ("SL-2", "oxide slurry Cerulith CX-30, loop 2", "Cerulith", "CMP-42", 54.0, 15900, 20000, 10.8, "CX30-4418",
     "watch", "LPC up since lot CX30-4418 (CRL-33104); swap the lot above 18,000"),
    ("SPM", "sulfuric acid / hydrogen peroxide mix", "Halden Chemicals", "WCL-51", 72.0, None, None, None,
     "H2SO4 HC-2201", "ok", "bath changed 2 days ago"),
    ("DHF", "dilute HF 1:100", "Halden Chemicals", "WCL-51", 81.0, None, None, None, "HF HC-2188", "ok", ""),
]  # fmt: skip

#: wo, target, type, status, scheduled, due back, completed (minutes ago; negative: ahead; None: not set),
#: technician, notes
PM_ORDERS = [
    ("PMWO-66120", "PVD-21", "target change", "completed", 5 * DAY + 200, 5 * DAY - 40, 5 * DAY - 40,
     "Ravi Chandran", "Ti and TiN targets"),
    ("PMWO-66128", "LSC-32", "monthly PM", "completed", 6 * DAY + 300, 6 * DAY + 60, 6 * DAY + 60,
     "Mateus Carvalho with Lumenar", ""),
    ("PMWO-66134", "WCL-51", "chemical change", "completed", 2 * DAY + 600, 2 * DAY + 480, 2 * DAY + 480,
     "Ravi Chandran", "SPM bath"),
    ("PMWO-66131", "CVD-12", "quarterly PM", "in_progress", CVD12_PM, -410, None,
     "Ravi Chandran with Orvane (Hanne Vestby)", "both chambers: wet clean, lift pins, throttle valve, leak check"),
    ("PMWO-66142", "DRE-04.B", "unscheduled wet clean", "scheduled", -20, -260, None,
     "Declan Featherstone with Kestrix (Lorcan Tate)",
     "ECO-7736: wet clean, 25 seasoning wafers, particle qual on A, B and C before release"),
    ("PMWO-66140", "DRE-05.A", "wet clean (RF hours)", "scheduled", -1020, -1260, None, "Yusra Haddad",
     "1,912 of 2,000 RF hours"),
    ("PMWO-66137", "CVD-11.B", "showerhead replacement and wet clean", "scheduled", -3180, -3600, None,
     "Ravi Chandran with Orvane", "OV-51902: deposition rate drift"),
    ("PMWO-66145", "CMP-42", "pad and conditioner disk change", "scheduled", -5960, -6200, None, "Marek Halloran",
     ""),
]  # fmt: skip
#: eco, title, scope, kind, type, state, requested by, implemented by, approver, raised, planned, implemented
#: (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("ECO-7712", "LSC-31 focus offset update", "LSC-31", "tool", "standard", "implemented", "Bastien Moreau",
     "Bastien Moreau", "Litho CCB", 11 * DAY, 9 * DAY, 9 * DAY, "after the lens heating calibration"),
    ("ECO-7724", "CMP-42 slurry flow 200 -> 180 ml/min (OX-CMP-STI v12)", "CMP-42", "recipe", "normal",
     "implemented", "Marek Halloran", "Marek Halloran", "CMP CCB", 5 * DAY, 2 * DAY + 300, 2 * DAY + 300,
     "slurry saving; removal rate expected about 8% lower, polish time unchanged"),
    ("ECO-7728", "Bay C fan filter units: air velocity setpoint 0.45 -> 0.40 m/s", "bay C", "facility", "normal",
     "implemented", "Ilse Varga (facilities engineer)", "Ilse Varga", "Facilities CCB", 4 * DAY, 290, 290,
     "energy saving; bay C stays ISO 4 (verified by PMS-C1)"),
    ("ECO-7730", "FabFlow MES 9.4.2 -> 9.4.3 (dispatching rule patch)", "MES", "software", "normal", "implemented",
     "Oskar Brandvold (MES team)", "Oskar Brandvold", "IT CCB", 3 * DAY, 265, 265,
     "no recipe or tool parameter changes"),
    ("ECO-7731", "DRE-04 CE45-M1 v7 -> v8: waferless auto clean every 5 wafers instead of every wafer", "DRE-04",
     "recipe", "normal", "implemented", "Priya Raman (etch process engineer)", "Priya Raman", "Etch CCB", 2 * DAY,
     ECO_7731, ECO_7731, "throughput pilot on DRE-04 only (+12% expected); backout: v7"),
    ("ECO-7733", "LSC-32 reticle stage interferometer board replacement", "LSC-32", "tool", "normal", "approved",
     "Bastien Moreau", None, "Litho CCB", 900, -1100, None, "LUM-FSE-77214; stage calibration after, about 6 hours"),
    ("ECO-7736", "Emergency: DRE-04 back to CE45-M1 v7 (WAC every wafer), wet clean chamber B (PMWO-66142)",
     "DRE-04", "recipe", "emergency", "approved", "Wen-Li Sorensen", None, "Helena Marsh (manager on duty)", 55, -20,
     None, "KX-SR-0048823, TB-APX-0093; 25 seasoning wafers and a particle qual on A, B and C before release"),
]  # fmt: skip
#: ref, vendor, tool, subject, status, severity, fse, raised by, opened, updated (minutes ago), latest
CASES = [
    ("KX-SR-0048710", "Kestrix Plasma Systems", "DRE-05.A", "ESC helium leak-up alarm", "resolved", "P2",
     "Lorcan Tate (Kestrix resident FSE)", "Pieter Vos", 4 * DAY + 190, 4 * DAY + 20,
     "helium O-ring on the ESC replaced; leak-up back to 0.4 sccm"),
    ("LUM-FSE-77214", "Lumenar Lithography", "LSC-32", "Reticle stage interferometer axis error RS-Y",
     "in_progress", "P1", "Akira Lindqvist (Lumenar FSE)", "Pieter Vos", 1255, 300,
     "interferometer board IFB-3 faulty; a replacement board has shipped from the regional depot, due on site in "
     "about 14 hours; fitting and stage calibration take about 6 hours (ECO-7733); the tool stays down until then"),
    ("OV-51902", "Orvane Deposition", "CVD-11.B", "Chamber B deposition rate drifting down", "open", "P3",
     "Hanne Vestby (Orvane FSE)", "Agnieszka Ruda", 6 * DAY, 2 * DAY,
     "showerhead holes partly clogged; replace the showerhead at the next PM (PMWO-66137); rate stays inside the "
     "LCL till then"),
    ("CRL-33104", "Cerulith", "SL-2", "Large particle count up since slurry lot CX30-4418", "open", "P2",
     "Dev Mahajan (Cerulith applications)", "Marek Halloran", 2 * DAY, 700,
     "lot CX30-4418 is within our release spec (LPC < 20,000 /ml), certificate of analysis sent; if the loop's LPC "
     "passes 18,000 swap to lot CX30-4431, on site"),
    ("AVG-7781-2", "Aldervane Gases", "GC-15", "SiH4 cylinder replacement", "scheduled", "P3", "Aldervane dispatch",
     "Farid Nasser", 390, 380, "full SiH4 cylinder delivered in 2 days"),
    ("KX-SR-0048823", "Kestrix Plasma Systems", "DRE-04", "Particle adders on A, B and C after WAC interval change "
     "(CE45-M1 v8)", "in_progress", "P1", "Lorcan Tate (Kestrix resident FSE)", "Wen-Li Sorensen", 94, 68,
     "Apex-D chambers running C4F8-rich recipes need a waferless auto clean after every wafer (technical bulletin "
     "TB-APX-0093): with WAC every 5 wafers polymer builds up on the upper liner and shield and flakes from the "
     "third or fourth wafer. Revert to WAC every wafer, wet clean chamber B (41 adders after a manual WAC), run 25 "
     "seasoning wafers, then particle quals on A, B and C; A and C may recover with WAC alone. I will join the wet "
     "clean."),
]  # fmt: skip
#: vendor, covers, hotline, hours, fse, escalation, contract
VENDORS = [
    ("Aldervane Gases", "bulk gases (N2, Ar, O2) and specialty gas cylinders", "+44 1632 960590", "24/7",
     "dispatch desk", "Kirsty Moffat, key account manager, +44 7700 900590", "AVG-SUP-2021"),
    ("Cerulith", "CMP slurries", "+44 1632 960355", "08:00-18:00 weekdays", "Dev Mahajan (applications)",
     "Ruth Adeyemi, quality manager", "CRL-2022-04"),
    ("Kestrix Plasma Systems", "etch: Apex-D and Apex-P", "+44 1632 960231", "24/7",
     "Lorcan Tate (resident FSE, on site weekdays)", "Saskia Brandt, regional service manager, +44 7700 900231",
     "KPS-FSA-2023: resident FSE, 4 hours on site"),
    ("Lumenar Lithography", "scanners (LX-890) and tracks (CT-9)", "+44 1632 960488", "24/7",
     "Akira Lindqvist (FSE)", "Mirela Ionescu, service account manager, +44 7700 900488", "LUM-TS-2022"),
    ("Opticrest Metrology", "inspection: SP-9", "+44 1632 960412", "08:00-20:00", "remote support",
     "Jens Aaltonen, support manager", "OPC-2021-11"),
    ("Orvane Deposition", "PECVD (Stratos) and PVD (Meridian)", "+44 1632 960377", "24/7", "Hanne Vestby (FSE)",
     "Tobias Lindgren, service director, +44 7700 900377", "ORV-SLA-2022"),
    ("Sorrant Wet Systems", "single-wafer clean (SWC-8)", "+44 1632 960466", "24/7", "remote, then FSE",
     "Clara Vidal, service manager", "SWS-2020-09"),
    ("Tarnwell Planar Systems", "CMP (Planar-4)", "+44 1632 960320", "24/7", "Owen Pritchard (FSE)",
     "Greta Hollis, service manager, +44 7700 900320", "TPS-2021-02"),
]  # fmt: skip
#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "etch_equipment": [("primary", ["Yusra Haddad", "Declan Featherstone", "Ibrahim Sowande", "Yusra Haddad"]),
                       ("secondary", ["Ibrahim Sowande", "Yusra Haddad", "Declan Featherstone", "Ibrahim Sowande"])],
    "etch_process": [("primary", ["Priya Raman", "Wen-Li Sorensen", "Priya Raman", "Wen-Li Sorensen"])],
    "litho": [("primary", ["Mateus Carvalho", "Bastien Moreau", "Mateus Carvalho", "Bastien Moreau"])],
    "dep_cmp": [("primary", ["Marek Halloran", "Agnieszka Ruda", "Marek Halloran", "Agnieszka Ruda"])],
    "facilities": [("primary", ["Ilse Varga", "Farid Nasser", "Ilse Varga", "Farid Nasser"])],
    "manager_on_duty": [("primary", ["Callum Reid", "Helena Marsh", "Odette Laurent", "Callum Reid"])],
}  # fmt: skip
#: shift leads: two shifts before the one running now, it, the next
SHIFT_LEADS = ["Pieter Vos", "Rosalind Achebe", "Jonah Whitlock", "Sunniva Dahl"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(SHIFT_LEADS))
MOBILES = {p: f"+44 7700 900{100 + 7 * i:03d}" for i, p in enumerate(_PEOPLE)}
#: entry, minutes ago, author, role, text
PASSDOWN = [
    ("PD-4410", 1298, "Pieter Vos", "shift lead", "LSC-32 overlay OOC on SPC-6102 (5.4 nm); lot VK31702.1 on hold "
     "for rework"),
    ("PD-4412", 1255, "Pieter Vos", "shift lead", "LSC-32 down: reticle stage interferometer axis error RS-Y; "
     "Lumenar case LUM-FSE-77214 raised; TRK-32 idle"),
    ("PD-4414", 598, "Rosalind Achebe", "shift lead", "CMP-42 removal rate WE4 again (SPC-5122); told Agnieszka Ruda"),
    ("PD-4415", 398, "Rosalind Achebe", "shift lead", "GC-15 SiH4 below 15%; Farid ordered a cylinder (AVG-7781-2)"),
    ("PD-4416", 288, "Ilse Varga", "facilities engineer", "ECO-7728 done: bay C FFU setpoint 0.45 -> 0.40 m/s; "
     "PMS-C1 normal"),
    ("PD-4417", 262, "Oskar Brandvold", "MES team", "ECO-7730 done: FabFlow 9.4.3; dispatching normal"),
    ("PD-4418", 234, "Priya Raman", "etch process engineer", "ECO-7731 live: CE45-M1 v8 on DRE-04 (WAC every 5 "
     "wafers, throughput pilot); DRE-04 back to PRODUCTIVE"),
    ("PD-4419", 212, "Jonah Whitlock", "shift lead", "GC-14 C4F8 auto-switched to cylinder B; replacement for A "
     "ordered"),
    ("PD-4420", 188, "Ravi Chandran", "equipment technician", "CVD-12 quarterly PM started (PMWO-66131) with Orvane"),
    ("PD-4421", 176, "Jonah Whitlock", "shift lead", "DRE-04.B particle OOC (44 adders, SPC-4412); re-measured on "
     "DFI-61: 43; called etch process on call (Wen-Li Sorensen) per OCAP-DRE-007"),
    ("PD-4422", 158, "Declan Featherstone", "etch equipment on call", "DRE-04 hardware checks: no alarms; RF "
     "reflected power, ESC helium flow and chamber pressure normal on A, B and C; DRE-03 and DRE-05 clean"),
    ("PD-4423", 146, "Wen-Li Sorensen", "etch process on call", "DRE-04.C OOC too. Not bay C's air (PMS-C1 flat; "
     "DRE-03 and DRE-05 in the same bay are clean) and not GC-14's C4F8 (DRE-03 on the same cabinet is clean)"),
    ("PD-4424", 124, "Wen-Li Sorensen", "etch process on call", "the adders climb with the wafers since the last "
     "waferless auto clean; only DRE-04 runs CE45-M1 v8 (ECO-7731: WAC every 5 wafers). Suspect ECO-7731"),
    ("PD-4425", 111, "Wen-Li Sorensen", "etch process on call", "DRE-04 to ENGINEERING; the lots run since ECO-7731 "
     "on hold (PEX-0412)"),
    ("PD-4426", 93, "Wen-Li Sorensen", "etch process on call", "raised KX-SR-0048823 with Kestrix (P1); manual WAC "
     "and a particle qual on DRE-04.B"),
    ("PD-4427", 76, "Wen-Li Sorensen", "etch process on call", "qual on DRE-04.B after the manual WAC: 41 adders, "
     "still above 30: needs a wet clean"),
    ("PD-4428", 67, "Wen-Li Sorensen", "etch process on call", "Kestrix (Lorcan Tate): WAC after every wafer is "
     "required with C4F8-rich recipes (TB-APX-0093); revert, wet clean B, seasoning"),
    ("PD-4429", 51, "Helena Marsh", "manager on duty", "emergency ECO-7736 approved: DRE-04 back to CE45-M1 v7, wet "
     "clean B (PMWO-66142), 25 seasoning wafers and particle quals before release; Priya Raman told, pilot stopped"),
    ("PD-4430", 22, "Jonah Whitlock", "shift lead", "held lots wait for Wen-Li's defect review; DFI-61 full scans "
     "queued; DRE-04's WIP dispatched to DRE-03 and DRE-05"),
]  # fmt: skip
#: doc, title, kind, body
DOCS = [
    ("ESC-001", "Fab 2 escalation matrix", "escalation",
     "A bottleneck tool (the scanners) down for more than 4 hours, or a particle excursion with lots on hold: the "
     "shift lead, then the area's on call (equipment and process), then the manager on duty. Vendors: raise a case, "
     "P1 for a bottleneck tool or an excursion; call the vendor's escalation contact after 2 hours without an FSE."),
    ("OCAP-CMP-002", "CMP removal rate out of control",
     "ocap", "Check the slurry flow and the loop's LPC, the pad and conditioner disk life; re-qualify with two "
     "monitor wafers; call dep_cmp on call."),
    ("OCAP-DRE-007", "Etch chamber particle adders out of control", "ocap",
     "1. Re-measure the sampled wafer on DFI-61. 2. If confirmed above the UCL (30 adders), set the tool to "
     "ENGINEERING and hold every lot processed on it since the last good particle check. 3. Call etch process on "
     "call and etch equipment on call. 4. Check recent ECOs (recipe and WAC settings), gas cabinet events and the "
     "bay's cleanroom monitor. 5. Waferless auto clean and a particle qual; above 30 adders: wet clean (SOP-ETCH-021) "
     "and 25 seasoning wafers. Release after two passing quals."),
    ("OCAP-LITH-003", "Overlay out of control", "ocap",
     "Hold the lot for rework, check the scanner's stage and alignment logs, call litho on call."),
    ("SOP-CMP-006", "Slurry drum and lot change", "sop",
     "Change drums at the day tank, record the lot, check LPC and pH after 30 minutes of recirculation."),
    ("SOP-ETCH-021", "Etch chamber wet clean and seasoning", "sop",
     "Vent, remove the upper liner and shield, wipe with IPA, replace the focus ring if past 1,500 RF hours, pump "
     "down, leak check, 25 seasoning wafers of the production recipe, particle qual below 15 adders. About 8 hours."),
    ("SOP-FAC-010", "Cleanroom particle excursion", "sop",
     "Above the ISO class limit for two hours: check the FFUs and doors, walk the bay, tell the shift lead and the "
     "area's process on call."),
    ("SOP-GAS-004", "Gas cabinet cylinder change and auto-switchover", "sop",
     "On auto-switchover order the replacement; change the empty cylinder with two people, purge, leak check, "
     "record the cylinder lot."),
    ("TB-APX-0093", "Kestrix technical bulletin: Apex-D waferless auto clean interval", "vendor bulletin",
     "With fluorocarbon-rich (C4F8) chemistries the waferless auto clean must run after every wafer; longer "
     "intervals build polymer on the upper liner and shield which flakes as particles within a few wafers."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE tools (tool TEXT PRIMARY KEY, area TEXT, bay TEXT, model TEXT, vendor TEXT, chambers TEXT,
                    installed INTEGER, serial TEXT, notes TEXT);
CREATE TABLE chambers (chamber TEXT PRIMARY KEY, tool TEXT, rf_hours_since_clean REAL, clean_limit_rf_hours INTEGER,
                       last_wet_clean TEXT, lifetime_rf_hours INTEGER);
CREATE TABLE tool_state (tool TEXT PRIMARY KEY, state TEXT, since TEXT, reason TEXT, set_by TEXT);
CREATE TABLE state_log (tool TEXT, state TEXT, start_utc TEXT, start_epoch INTEGER, end_utc TEXT, end_epoch INTEGER,
                        reason TEXT, set_by TEXT);
CREATE TABLE runs (run TEXT PRIMARY KEY, lot TEXT, product TEXT, tool TEXT, chambers TEXT, recipe TEXT,
                   recipe_version TEXT, wafers INTEGER, track_in TEXT, in_epoch INTEGER, track_out TEXT);
CREATE INDEX runs_in ON runs (in_epoch);
CREATE TABLE particle_checks (chamber TEXT, tool TEXT, lot TEXT, kind TEXT, adders INTEGER, measured_utc TEXT,
                              measured_epoch INTEGER);
CREATE TABLE spc_charts (chart TEXT PRIMARY KEY, tool TEXT, chamber TEXT, parameter TEXT, unit TEXT, centre REAL,
                         ucl REAL, lcl REAL, rules TEXT);
CREATE TABLE spc_violations (ooc TEXT PRIMARY KEY, chart TEXT, tool TEXT, chamber TEXT, rule TEXT, value REAL,
                             at_utc TEXT, at_epoch INTEGER, lot TEXT, action TEXT);
CREATE TABLE chamber_daily (chamber TEXT, tool TEXT, read_utc TEXT, read_epoch INTEGER, wafers INTEGER,
                            rf_hours REAL, rate_nm_min REAL, particles_mean REAL);
CREATE TABLE recipes (tool TEXT, recipe TEXT, version TEXT, wac_every_wafers INTEGER, seasoning_wafers INTEGER,
                      chemistry TEXT, changed TEXT, eco TEXT, owner TEXT);
CREATE TABLE lots (lot TEXT PRIMARY KEY, product TEXT, step TEXT, location TEXT, status TEXT, hold_code TEXT,
                   hold_reason TEXT, held_by TEXT, since TEXT, priority TEXT, wafers INTEGER);
CREATE TABLE cleanroom (bay TEXT, monitor TEXT, iso_class TEXT, hour_start TEXT, hour_epoch INTEGER,
                        p01_per_m3 INTEGER, p05_per_m3 INTEGER, limit_p01 INTEGER, limit_p05 INTEGER);
CREATE TABLE gases (source TEXT PRIMARY KEY, gas TEXT, kind TEXT, feeds TEXT, active TEXT, level_pct REAL,
                    pressure TEXT, state TEXT, last_swap TEXT, notes TEXT);
CREATE TABLE supply_events (ts_utc TEXT, ts_epoch INTEGER, source TEXT, kind TEXT, detail TEXT, by_whom TEXT);
CREATE TABLE chemicals (chem TEXT PRIMARY KEY, name TEXT, supplier TEXT, feeds TEXT, day_tank_pct REAL,
                        lpc_per_ml INTEGER, lpc_limit INTEGER, ph REAL, lot TEXT, state TEXT, note TEXT);
CREATE TABLE pm_orders (wo TEXT PRIMARY KEY, target TEXT, type TEXT, status TEXT, scheduled TEXT, due_back TEXT,
                        completed TEXT, technician TEXT, notes TEXT);
CREATE TABLE changes (eco TEXT PRIMARY KEY, title TEXT, scope TEXT, kind TEXT, type TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, notes TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, vendor TEXT, tool TEXT, subject TEXT, status TEXT, severity TEXT, fse TEXT,
                    raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, covers TEXT, hotline TEXT, hours TEXT, fse TEXT, escalation TEXT,
                      contract TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                     mobile TEXT);
CREATE TABLE passdown (entry TEXT PRIMARY KEY, ts_utc TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE docs (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _utc(t: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (UTC; how the MES and DFI-61 show times)."""
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _blocks(tool: str) -> list[tuple[int, int]]:
    """Intervals (from, to minutes ago; 0: still) when ``tool`` runs no lots."""
    out = [(a, 0 if b is None else b) for t, _s, a, b, _r, _by in STATES if t == tool]
    if tool == "DRE-04":
        out.append((ECO_DOWNLOAD[0] + 40, 0))  # its runs since are the story's
    return out


def _runs() -> list[dict[str, Any]]:
    """Every lot run of the last 72 hours (start ``t`` minutes ago, ``d`` minutes long), oldest first."""
    rows: list[dict[str, Any]] = []
    pool = [lot for lot in LOT_POOL if lot not in OTHER_HOLDS]
    for tool, ((d_lo, d_hi), (g_lo, g_hi), recipes, products) in RUN_PROFILE.items():
        blocks = _blocks(tool)
        t = RUN_KEEP - int(20 * noise(tool, 0))
        i = 0
        while t > 0:
            i += 1
            d = d_lo + int((d_hi - d_lo + 1) * noise(tool + "d", i))
            clash = next((b for a, b in blocks if t > b and t - d < a), None)
            if clash is not None:
                if clash == 0:
                    break
                t = clash - 1 - int(5 * noise(tool + "c", i))
                continue
            rows.append({"tool": tool, "t": t, "d": d, "lot": pool[int(len(pool) * noise(tool + "l", i))],
                         "product": products[int(len(products) * noise(tool + "p", i))],
                         "recipe": recipes[int(len(recipes) * noise(tool + "r", i))], "adders": None,
                         "wafers": 25 if noise(tool + "w", i) < 0.8 else 24})  # fmt: skip
            t -= d + g_lo + int((g_hi - g_lo + 1) * noise(tool + "g", i))
    for lot, t_in, t_out, adders in STORY_RUNS:
        rows.append({"tool": "DRE-04", "t": t_in, "d": t_in - t_out, "lot": lot, "product": "KQ7",
                     "recipe": "CE45-M1", "adders": adders, "wafers": 25})  # fmt: skip
    rows.sort(key=lambda r: (-r["t"], r["tool"]))
    return rows


def _version(r: dict[str, Any]) -> str:
    if r["tool"] == "DRE-04" and r["recipe"] == "CE45-M1" and r["t"] < ECO_7731:
        return "v8"
    if r["tool"] == "CMP-42" and r["t"] < 2 * DAY + 300:
        return "v12"
    return RECIPE_VERSION[r["recipe"]]


def _run_rows(now: datetime, runs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for n, r in enumerate(runs):
        start = now - timedelta(minutes=r["t"])
        out = None if r["t"] - r["d"] <= 0 else iso(start + timedelta(minutes=r["d"]))
        rows.append((f"R-{604100 + n}", r["lot"], r["product"], r["tool"], ", ".join(TOOL_CHAMBERS[r["tool"]]),
                     r["recipe"], _version(r), r["wafers"], iso(start), int(start.timestamp()), out))  # fmt: skip
    return rows


def _checks(runs: list[dict[str, Any]]) -> list[tuple[str, str, str | None, str, int, float]]:
    """Particle checks: chamber, tool, lot, kind, adders, minutes ago (8 minutes after each run's track-out)."""
    out: list[tuple[str, str, str | None, str, int, float]] = []
    spread = {"DRE": (3, 15), "PLE": (2, 13), "CVD": (5, 16), "PVD": (2, 11)}
    for r in runs:
        if r["tool"] not in PARTICLE_TOOLS:
            continue
        at = r["t"] - r["d"] - CHECK_DELAY
        if at <= 0:
            continue
        lo, width = spread[r["tool"][:3]]
        for i, c in enumerate(TOOL_CHAMBERS[r["tool"]]):
            adders = r["adders"][i] if r["adders"] else lo + int(width * noise(f"{r['tool']}.{c}", r["t"]))
            out.append((f"{r['tool']}.{c}", r["tool"], r["lot"], "production", adders, at))
    out.append(("DRE-04.B", "DRE-04", None, "qual", QUAL_B[1], QUAL_B[0]))
    return out


def _state_log(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The E10 log (PRODUCTIVE between the listed intervals) and each tool's state now."""
    log, current = [], []
    for tool, *_ in TOOLS:
        mine = sorted((s for s in STATES if s[0] == tool), key=lambda s: -s[2])
        cursor = STATE_KEEP
        spans: list[tuple[str, int, int | None, str, str]] = []
        for _tool, state, a, b, reason, by in mine:
            if a < cursor:
                spans.append(("PRODUCTIVE", cursor, a, "", "FabFlow"))
            spans.append((state, a, b, reason, by))
            cursor = 0 if b is None else b
        if cursor > 0 or not spans:
            spans.append(("PRODUCTIVE", cursor if spans else STATE_KEEP, None,
                          "back in production" if spans else "", "FabFlow"))  # fmt: skip
        for state, a, b, reason, by in spans:
            start = now - timedelta(minutes=a)
            end = None if b is None else now - timedelta(minutes=b)
            log.append((tool, state, _utc(start), int(start.timestamp()), None if end is None else _utc(end),
                        None if end is None else int(end.timestamp()), reason, by))  # fmt: skip
        state, a, _b, reason, by = spans[-1]
        current.append((tool, state, iso(now - timedelta(minutes=a)), reason, by))
    return log, current


def _violations(now: datetime, checks: list[tuple[str, str, str | None, str, int, float]]) -> list[tuple[Any, ...]]:
    charts = {c[2]: c[0] for c in CHARTS if c[2]}
    rows: list[tuple[Any, ...]] = [tuple(v) for v in OTHER_OOC]
    story = sorted((c for c in checks if c[3] == "production" and c[4] > UCL_ADDERS), key=lambda c: (-c[5], c[0]))
    for n, (chamber, tool, lot, _kind, adders, at) in enumerate(story):
        rows.append((f"OOC-{88201 + n}", charts[chamber], tool, chamber, f"WE1: 1 point above the UCL ({UCL_ADDERS})",
                     float(adders), at, lot, "OCAP-DRE-007; lot on hold (PEX-0412)"))  # fmt: skip
    out = []
    for ooc, chart, tool, chamber, rule, value, at, lot, action in rows:
        t = now - timedelta(minutes=at)
        out.append((ooc, chart, tool, chamber, rule, value, _utc(t), int(t.timestamp()), lot, action))
    return out


def _rate(chamber: str, k: int) -> float | None:
    """The chamber's daily rate k days ago (nm/min)."""
    n = noise(chamber + "rate", k)
    if chamber == "CVD-11.B":
        return round(396.4 + (412.0 - 396.4) * k / 59 + (0 if k in (0, 59) else 0.6 * n - 0.3), 1)
    if chamber.startswith("CMP-42"):
        return round(258 + 8 * n, 1) if k <= 1 else round(270 + 6 * n, 1) if k == 2 else round(278 + 12 * n, 1)
    if chamber.startswith("CMP-41"):
        return round(278 + 12 * n, 1)
    base = {"DRE": (512, 16), "PLE": (305, 10), "CVD": (405, 6), "PVD": (93, 4)}.get(chamber[:3])
    return None if base is None else round(base[0] + base[1] * n, 1)


def _daily(now: datetime, checks: list[tuple[str, str, str | None, str, int, float]]) -> list[tuple[Any, ...]]:
    rows = []
    for tool, *_ in TOOLS:
        for c in TOOL_CHAMBERS[tool]:
            chamber = f"{tool}.{c}"
            if tool == "WCL-51":
                continue
            for k in range(DAILY_DAYS):
                at = 50 + DAY * k
                mine = [x[4] for x in checks if x[0] == chamber and x[3] == "production" and at <= x[5] < at + DAY]
                if tool not in PARTICLE_TOOLS:
                    particles = None
                elif mine and k <= 1:
                    particles = round(sum(mine) / len(mine), 1)
                else:
                    particles = round(6 + 6 * noise(chamber + "pm", k), 1)
                wafers = 150 + int(80 * noise(chamber + "wf", k))
                rf = round(12 + 5 * noise(chamber + "rf", k), 1) if tool in PARTICLE_TOOLS else None
                t = now - timedelta(minutes=at)
                rows.append((chamber, tool, iso(t), int(t.timestamp()), wafers, rf, _rate(chamber, k), particles))
    return rows


def _cleanroom(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for bay, _area, monitor, iso_class, (a_lo, a_hi), (b_lo, b_hi), (l01, l05) in BAYS:
        for h in range(CLEAN_HOURS):
            t = now - timedelta(minutes=60 * (h + 1))
            p01 = a_lo + int((a_hi - a_lo) * noise(monitor + "01", h))
            p05 = b_lo + int((b_hi - b_lo) * noise(monitor + "05", h))
            rows.append((bay, monitor, iso_class, iso(t), int(t.timestamp()), p01, p05, l01, l05))
    return rows


def _lots(now: datetime, runs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """WIP now: the eight holds, the lots running (each tool's open run) and those waiting."""

    def ago(minutes: int) -> str:
        return iso(now - timedelta(minutes=minutes))

    rows: list[tuple[Any, ...]] = [
        (lot, "KQ7", "M1 contact etch (CE45-M1)", "DRE-04 (post-etch)", "HOLD", "PEX-0412",
         "particle excursion on DRE-04 (ECO-7731 suspect): waiting for the defect review", "Wen-Li Sorensen",
         ago(HOLD_AT), "normal", 25)
        for lot, *_ in STORY_RUNS
    ]  # fmt: skip
    rows += [
        ("VK31702.1", "PM220", "contact litho (L-CT-ARF)", "litho rework", "HOLD", "OVL-RWK",
         "LSC-32 overlay OOC (SPC-6102): rework", "Pieter Vos", ago(1295), "normal", 25),
        ("VK31745.2", "SX5", "ILD deposition (OX-PE400)", "bay D stocker", "HOLD", "ENG-SPLIT",
         "engineering split E-118 (film thickness experiment)", "Agnieszka Ruda", ago(3 * DAY + 100), "low", 12),
    ]  # fmt: skip
    used = set(OTHER_HOLDS)
    for tool in RUN_PROFILE:
        mine = [r for r in runs if r["tool"] == tool]
        if mine and mine[-1]["t"] - mine[-1]["d"] < 0 and mine[-1]["lot"] not in used:
            r = mine[-1]
            used.add(r["lot"])
            rows.append((r["lot"], r["product"], r["recipe"], tool, "RUNNING", None, None, None, ago(r["t"]), "normal",
                         r["wafers"]))  # fmt: skip
    waiting = (
        ["litho queue (LSC-31; LSC-32 down)"] * 3 + ["etch queue (DRE-03, DRE-05)"] * 3 + ["CVD queue (CVD-11)"] * 2
    )
    waiting += ["CMP queue"]
    free = [lot for lot in LOT_POOL if lot not in used]
    for i, where in enumerate(waiting):
        lot = free[int(37 * i + 11) % len(free)]
        rows.append((lot, ["KQ7", "PM220", "SX5"][i % 3], "next step", where, "WAITING", None, None, None,
                     ago(20 + 13 * i), "hot" if i == 0 else "normal", 25))  # fmt: skip
    return rows


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour shifts from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, lead in enumerate(SHIFT_LEADS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("days" if s.hour == 7 else "nights", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), lead,
                     MOBILES[lead]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    runs = _runs()
    checks = _checks(runs)
    log, current = _state_log(now)
    db.executemany("INSERT INTO tools VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*t[:5], ", ".join(f"{t[0]}.{c}" for c in t[5]), *t[6:]) for t in TOOLS])  # fmt: skip
    db.executemany("INSERT INTO chambers VALUES (?,?,?,?,?,?)",
                   [(c, c.split(".")[0], h, lim, ago(last), life)
                    for c, (h, lim, last, life) in RF_HOURS.items()])  # fmt: skip
    db.executemany("INSERT INTO tool_state VALUES (?,?,?,?,?)", current)
    db.executemany("INSERT INTO state_log VALUES (?,?,?,?,?,?,?,?)", log)
    db.executemany("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?)", _run_rows(now, runs))
    db.executemany("INSERT INTO particle_checks VALUES (?,?,?,?,?,?,?)",
                   [(c, t, lot, k, a, _utc(now - timedelta(minutes=m)), clock.epoch(m))
                    for c, t, lot, k, a, m in sorted(checks, key=lambda x: (-x[5], x[0]))])  # fmt: skip
    db.executemany("INSERT INTO spc_charts VALUES (?,?,?,?,?,?,?,?,?)", CHARTS)
    db.executemany("INSERT INTO spc_violations VALUES (?,?,?,?,?,?,?,?,?,?)", _violations(now, checks))
    db.executemany("INSERT INTO chamber_daily VALUES (?,?,?,?,?,?,?,?)", _daily(now, checks))
    db.executemany("INSERT INTO recipes VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*r[:6], ago(r[6]), *r[7:]) for r in RECIPES])  # fmt: skip
    db.executemany("INSERT INTO lots VALUES (?,?,?,?,?,?,?,?,?,?,?)", _lots(now, runs))
    db.executemany("INSERT INTO cleanroom VALUES (?,?,?,?,?,?,?,?,?)", _cleanroom(now))
    db.executemany("INSERT INTO gases VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*g[:8], ago(g[8]), g[9]) for g in GASES])  # fmt: skip
    db.executemany("INSERT INTO supply_events VALUES (?,?,?,?,?,?)",
                   [(_utc(now - timedelta(minutes=m)), clock.epoch(m), *e) for m, *e in SUPPLY_EVENTS])  # fmt: skip
    db.executemany("INSERT INTO chemicals VALUES (?,?,?,?,?,?,?,?,?,?,?)", CHEMICALS)
    db.executemany("INSERT INTO pm_orders VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*w[:4], ago(w[4]), ago(w[5]), ago(w[6]), *w[7:]) for w in PM_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:9], clock.epoch(c[9]), ago(c[10]), ago(c[11]), None if c[11] is None else clock.epoch(c[11]), c[12])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 7))
    db.executemany("INSERT INTO shifts VALUES (?,?,?,?,?,?,?)", _shifts(now))
    db.executemany("INSERT INTO passdown VALUES (?,?,?,?,?,?)",
                   [(e, _utc(now - timedelta(minutes=m)), clock.epoch(m), a, r, t)
                    for e, m, a, r, t in PASSDOWN])  # fmt: skip
    db.executemany("INSERT INTO docs VALUES (?,?,?,?)", DOCS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Fab 2 operations store (Vantmoor Semiconductor): tools, E10 states, lots, SPC, particles, supplies"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
