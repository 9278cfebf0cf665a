"""A thirty-first estate, held out from the planner's tuning: the Tarrow Vale liquid milk site of Brakenholme Dairies.
Tankers (``TX-401`` .. ``TX-410``, own fleet and a contract haulier) collect from fourteen farms (``F-2041``
Hollowmere Farm .. ``F-2217`` Ridgeback Farm) on five routes (``VALE-1``, ``MOOR-2``, ``VALE-4``, ``FELL-3``,
``BECK-5``) and tip at two reception bays (``RB-1``, ``RB-2``) into four raw milk silos (``RMS-1`` .. ``RMS-4``); two
separators (``SEP-1``, standby ``SEP-2``) feed two HTST pasteurisers (``HTST-1`` whole and skimmed, ``HTST-2``
semi-skimmed; Hollins & Vautrin Thermal plate skids, each with a holding tube, a flow diversion valve ``FDV-1`` /
``FDV-2`` from Duroflo Valves and a homogeniser ``HOM-1`` / ``HOM-2``) and a UHT line (``UHT-1``); pasteurised milk
silos (``PMS-1`` .. ``PMS-3``) and a cream tank (``CRT-1``) feed four filling lines (``FL-3`` 2 pint bottles, ``FL-4``
1 litre bottles from ``HTST-2``, ``FL-6`` cartons, ``FL-8`` UHT aseptic cartons, Fillmark Packaging); four CIP sets
(``CIP-A`` reception and raw silos, ``CIP-B`` pasteurisers and pasteurised silos, ``CIP-C`` fillers, ``CIP-U`` UHT,
Caldmere Chemicals detergents), two cold stores and a blast chiller (``CS-1``, ``CS-2``, ``BCH-1``; Nordvik
Refrigeration evaporators on the ammonia plant ``NH3-1`` .. ``NH3-3``), a boiler house (``BH-1``, ``BH-2``), an air
compressor and the effluent treatment plant (``ETP-1``). The APIs (:mod:`tests.ops_eval.thirtyfirst_apis`) publish
the asset board and its active alarms, pasteuriser trends (5-minute samples), flow diversion events and their counts
per pasteuriser, HACCP critical control point records (CCP1 intake, CCP2 pasteurisation, CCP3 metal detection), CIP
cycles and recipes, milk intakes, intakes per route, the tanker fleet, the collection schedule, the farms, silo
levels, cold store temperatures, utilities and effluent readings, lab results and failures per test, lots with their
genealogy, product holds, maintenance work orders, change records (MOC), engineering vendor cases and contacts, the
on-call rota, the shift managers, the shift log and the SOP library.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
tankers ``TX-408`` with a UK registration, intakes ``INT-23118``, farms ``F-2217``, routes ``VALE-4``, collection runs
``CL-55120``, diversion events ``DV-6216``, CCP records ``CCPR-``, CIP cycles ``CY-``, lab samples ``SMP-``, lots by
filling line (``L4-6128``), pasteurised batches ``PB-40959`` (``UB-`` for UHT), product holds ``QH-0412``, work orders
``EWO-17366``, change records ``MOC-0874``, shift log entries ``DL-``, active alarms ``ALM-``; vendor cases by vendor:
Hollins & Vautrin Thermal ``HVT-77120``, Duroflo Valves ``DFV-C-3391``, Nordvik Refrigeration ``NVR-24-0618``,
Caldmere Chemicals ``CCL-0419``, Fillmark Packaging ``FPK-9912``; documents ``SOP-PAS-03``, ``HACCP-PLN-02``,
``RCV-SOP-02``, ``QA-HLD-01``, ``CIP-WI-07``, ``CS-WI-04``, ``REF-EP-01``, ``ESC-MTX-1``; people named in full.
Windows come as ``hours``, an RFC 3339 ``since``, ``window_h``, ``lookback_min``, ``days``, ISO dates ``from_date`` /
``to_date``, ``last_days``, ``ahead_days``, ``hours_back``, ``since_hours``, ``lookback_hours``, ``days_back``,
``placed_within_days`` and ``back_days`` / ``ahead_days``.

The story (minutes before the estate is built, minute-aligned; pasteuriser samples every 5 minutes for 24 hours
(ending T-2m, T-7m, ...), cold store readings every 10 minutes for 48 hours (T-4m, T-14m, ...), utilities hourly for
48 hours (T-20m, ...), effluent hourly for 24 hours (T-10m, ...), intakes twice a day per route for 14 days, lab
samples for 14 days (raw silos every 6 hours from T-50m, pasteurised silos every 4 hours from T-70m), lots for 7 days;
on-call weeks run from Monday 08:00 UTC and the shift managers' 12-hour shifts from 06:00 and 18:00 UTC, with the
story's people on the week and the shift running now whatever the hour, so log entries of a few hours ago may predate
a shift boundary):

- T-335m MOC-0874 (requested by Colm Ardagh, energy and utilities lead, implemented by Joss Penhaligon, controls
  engineer): HTST-2's hot water setpoint cut from 76.0 to 74.5 C as an energy trial. The holding tube outlet, 73.4-73.9
  C before, falls to 72.4-72.7 C by T-315m, just above the 72.3 C divert setpoint (legal limit 72.0 C for 15 s), so
  every small flow surge diverts: the first diversion of FDV-2 at T-292m, 20 in all since (the lowest 72.04 C at
  T-168m); FL-4 is starved. T-280m a CCP2 deviation by the shift manager Ruth Abernethy; T-255m she calls engineering
  on call Gavin Tullett; T-240m he finds FDV-2 (stroke and leak-detect), TT-202 (against the reference thermometer)
  and the flow normal and raises DFV-C-3391 with Duroflo (T-170m: not a valve fault); T-222m QA on call Oonagh Feeney
  is called; T-215m she puts FL-4's lots from L4-6127 on hold (QH-0412; L4-6129 and L4-6130 added as they are
  filled); T-190m she rules out HOM-2's pressure change (MOC-0873, T-300m, after the temperature fell) and CIP-A's
  acid (MOC-0872, T-390m, raw side) and ties it to MOC-0874; T-150m she raises HVT-77120 with Hollins & Vautrin (P1);
  T-128m QA technician Priti Lamba: ALP on L4-6127 and L4-6128 passes (24 and 31 mU/l), TVC due in 48 hours; T-110m
  Hollins & Vautrin (Matthieu Reynaud): at 24,000 l/h the hot water needs 2.5-3 C over the holding tube target, revert
  to 76.0 C or run at 20,000 l/h; T-80m the duty manager Fiona Greatorex approves emergency MOC-0877 (back to 76.0 C,
  EWO-17366 at T+90m, at FL-4's next changeover).
- second storyline: T-1265m TX-408's VALE-4 load (INT-23130, 25,461 litres) fails the beta-lactam screen and is
  rejected unloaded (CCP1 deviation, lab antibiotics fail; RCV-SOP-02); the farm samples trace it to Ridgeback Farm
  (F-2217), on stop since T-1100m; TX-408 is back on VALE-4 now (on route since T-35m, Ridgeback skipped).
- slow trend: CS-2's evaporator fan EVF-2B tripped at T-1210m (motor burnt out, NVR-24-0618): CS-2 runs on one fan and
  creeps from 3.0 to 4.6 C now (2.2-3.4 before; warning 4.5 C at T-76m, alarm 5.0); the motor is fitted on EWO-17351 at
  T+960m; CS-1 stays at 2.0-3.4 C.
- red herrings: MOC-0873 (HOM-2 180/40 -> 170/35 bar, T-300m), MOC-0872 (CIP-A acid Acidex 40 -> Acidex 45, T-390m),
  MOC-0871 (FL-6 date coder firmware, T-1020m), MOC-0869 (ETP pH dosing, 2 days); HTST-1 normal (73.6-74.0 C, two
  diversions in 24 hours: T-760m and T-1330m); UHT-1 in its daily CIP since T-50m; FL-8 in maintenance since T-190m
  (EWO-17362); TX-405 and TX-410 off the road; a TVC fail on RMS-4 four days ago, on RMS-1 2.5 days ago and on PMS-3
  six days ago, a coliform fail on PMS-3 two days ago (L6-3200 held and released); CIP-C's FL-6 clean failed 3 days
  ago (re-run passed); TX-404's FELL-3 load rejected for temperature 5 days ago.

On call this week: engineering Gavin Tullett (secondary Bashir Qadri), refrigeration Stellan Murdoch, QA Oonagh
Feeney, intake and transport Janine Colclough, duty manager Fiona Greatorex. Shift manager now: Ruth Abernethy (before
her Aled Pritchard, next Tomasz Wrobel). Hollins & Vautrin's service line is +44 113 496 0582, its escalation contact
Isobel Thwaite.

No API reports costs, milk prices or stock values, energy or gas use, CO2 emissions, overtime, weather, forecasts
(intake volumes, when a temperature will reach a limit), customer orders or complaints; there is no TX-499, no lot
L4-9999 and no HVT-79999; lab results are kept 14 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import EstateClock, iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtyfirst_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "brakenholme_tarrow_vale"
DAY = 1440
SPAN = 14 * DAY
#: MOC-0874 (HTST-2 hot water 76.0 -> 74.5 C); the holding tube outlet settled on its new level
MOC_0874, SETTLED = 335, 315
#: MOC-0872 (CIP-A's acid detergent)
MOC_0872 = 390
DIVERT_SET = 72.3
#: CIP windows of the pasteurisers in the last 24 hours (from, to minutes ago)
HTST_CIP = {"HTST-1": (1230, 1160), "HTST-2": (900, 810)}
#: HTST-2's diversions since MOC-0874 (minutes ago); the lowest temperature at T-168m
HTST2_DIVERTS = [292, 276, 259, 243, 228, 214, 197, 183, 168, 151, 137, 122, 108, 95, 81, 66, 53, 38, 24, 9]
LOWEST = (168, 72.04)
#: older diversions: unit, minutes ago, seconds, lowest C, cause
OTHER_DIVERTS = [
    ("HTST-1", 760, 14, 72.21, "flow surge at the balance tank changeover"),
    ("HTST-1", 1330, 11, 72.24, "flow surge at the balance tank changeover"),
    ("HTST-1", 3000, 26, 72.12, "steam valve hunting after the boiler changeover"),
    ("HTST-2", 4400, 19, 72.18, "flow surge after a PMS-2 silo changeover"),
    ("HTST-1", 5500, 9, 72.26, "flow surge at the balance tank changeover"),
    ("HTST-1", 8200, 33, 72.09, "hot water pump changeover"),
    ("HTST-2", 9000, 15, 72.22, "flow surge after a PMS-2 silo changeover"),
]
#: CS-2's evaporator fan trip; the tanker rejected for antibiotics; Ridgeback Farm on stop
FAN_TRIP, TX408_AT, FARM_STOP = 1210, 1265, 1100
HOLD_AT = 215
FL8_MAINT = 190

#: asset, area, kind, maker, model, installed
ASSETS = [
    ("RB-1", "reception", "tanker reception bay 1 (deaerator, flowmeter, plate cooler)", "Hollins & Vautrin Thermal",
     "RX-40", 2014),
    ("RB-2", "reception", "tanker reception bay 2", "Hollins & Vautrin Thermal", "RX-40", 2014),
    ("RMS-1", "raw", "raw milk silo 150,000 l", "Stenhouse Fabrication", "VS-150", 2012),
    ("RMS-2", "raw", "raw milk silo 150,000 l", "Stenhouse Fabrication", "VS-150", 2012),
    ("RMS-3", "raw", "raw milk silo 150,000 l", "Stenhouse Fabrication", "VS-150", 2016),
    ("RMS-4", "raw", "raw milk silo 150,000 l", "Stenhouse Fabrication", "VS-150", 2016),
    ("SEP-1", "process", "separator / standardiser 45,000 l/h", "Kalberg Separation", "KSX-450", 2017),
    ("SEP-2", "process", "separator (standby)", "Kalberg Separation", "KSX-300", 2009),
    ("HTST-1", "process", "HTST pasteuriser 20,000 l/h (whole and skimmed)", "Hollins & Vautrin Thermal",
     "PlateTherm P20", 2013),
    ("HTST-2", "process", "HTST pasteuriser 25,000 l/h (semi-skimmed)", "Hollins & Vautrin Thermal",
     "PlateTherm P25", 2019),
    ("FDV-1", "process", "flow diversion valve of HTST-1", "Duroflo Valves", "DV-65 double seat", 2013),
    ("FDV-2", "process", "flow diversion valve of HTST-2", "Duroflo Valves", "DV-80 double seat", 2019),
    ("HOM-1", "process", "homogeniser of HTST-1", "Averna Homogenisers", "AH-20", 2013),
    ("HOM-2", "process", "homogeniser of HTST-2", "Averna Homogenisers", "AH-25", 2019),
    ("UHT-1", "process", "UHT line, direct steam injection 12,000 l/h", "Hollins & Vautrin Thermal",
     "SteriFlash S12", 2018),
    ("PMS-1", "pasteurised", "pasteurised milk silo 60,000 l (whole)", "Stenhouse Fabrication", "VS-60", 2013),
    ("PMS-2", "pasteurised", "pasteurised milk silo 60,000 l (semi-skimmed)", "Stenhouse Fabrication", "VS-60", 2019),
    ("PMS-3", "pasteurised", "pasteurised milk silo 60,000 l (skimmed)", "Stenhouse Fabrication", "VS-60", 2013),
    ("CRT-1", "pasteurised", "cream tank 30,000 l", "Stenhouse Fabrication", "CT-30", 2013),
    ("CIP-A", "cip", "CIP set: reception bays, tankers, raw silos", "Caldmere Chemicals (recipes)", "Stenhouse 3-tank",
     2012),
    ("CIP-B", "cip", "CIP set: pasteurisers, pasteurised silos", "Caldmere Chemicals (recipes)", "Stenhouse 3-tank",
     2013),
    ("CIP-C", "cip", "CIP set: filling lines", "Caldmere Chemicals (recipes)", "Stenhouse 2-tank", 2015),
    ("CIP-U", "cip", "CIP set: UHT line", "Caldmere Chemicals (recipes)", "Stenhouse high-temperature", 2018),
    ("FL-3", "filling", "bottle filler: 2 pint and 4 pint HDPE (whole milk)", "Fillmark Packaging", "FM-Rotary 24",
     2015),
    ("FL-4", "filling", "bottle filler: 1 litre HDPE (semi-skimmed)", "Fillmark Packaging", "FM-Rotary 18", 2019),
    ("FL-6", "filling", "carton filler: 1 litre gable top (skimmed)", "Fillmark Packaging", "FM-Gable 9", 2016),
    ("FL-8", "filling", "aseptic carton filler (UHT)", "Fillmark Packaging", "FM-Aseptic 7", 2018),
    ("CS-1", "cold_chain", "cold store 1 (finished goods, 2,400 pallets)", "Nordvik Refrigeration", "two evaporators",
     2012),
    ("CS-2", "cold_chain", "cold store 2 (finished goods, 1,600 pallets)", "Nordvik Refrigeration",
     "evaporator with fans EVF-2A / EVF-2B", 2016),
    ("BCH-1", "cold_chain", "blast chiller (returned and rework pallets)", "Nordvik Refrigeration", "BC-12", 2016),
    ("NH3-1", "utilities", "ammonia screw compressor", "Nordvik Refrigeration", "NSC-320", 2012),
    ("NH3-2", "utilities", "ammonia screw compressor", "Nordvik Refrigeration", "NSC-320", 2012),
    ("NH3-3", "utilities", "ammonia screw compressor (standby)", "Nordvik Refrigeration", "NSC-250", 2016),
    ("BH-1", "utilities", "steam boiler 8 t/h", "Harrowgate Boilers", "HB-8000 three-pass", 2011),
    ("BH-2", "utilities", "steam boiler 6 t/h (standby)", "Harrowgate Boilers", "HB-6000 three-pass", 2011),
    ("AIR-1", "utilities", "air compressor 90 kW", "Halvern Air", "VS-90", 2020),
    ("ETP-1", "effluent", "effluent treatment plant (DAF and balance tank)", "Clearwater Process", "DAF-60", 2015),
]  # fmt: skip
#: asset -> state, since (minutes ago), note; the others RUNNING since the start of the week's production
ASSET_NOW = {
    "RB-1": ("IDLE", 60, "FELL-3's TX-404 unloaded; cleaned by CIP-A at T-95m"),
    "RB-2": ("IDLE", 130, "VALE-1's TX-401 unloaded"),
    "RMS-4": ("IDLE", 60, "empty; CIP due (CIP-A)"),
    "SEP-2": ("STANDBY", 6 * DAY, "standby separator"),
    "HTST-2": ("RUNNING", 805, "semi-skimmed to PMS-2; diverting intermittently since {at:292} (holding tube "
               "outlet at 72.4-72.7 C against the 72.3 C divert setpoint, hot water 74.5 C since MOC-0874)"),
    "FDV-2": ("RUNNING", 805, "forward flow; diverted 20 times since the hot water change (TT-202 low)"),
    "HTST-1": ("RUNNING", 1160, "whole and skimmed to PMS-1 / PMS-3 since its CIP"),
    "FDV-1": ("RUNNING", 1160, "forward flow"),
    "HOM-2": ("RUNNING", 300, "170 / 35 bar since MOC-0873"),
    "UHT-1": ("CIP", 50, "daily CIP by CIP-U, about 40 minutes to go"),
    "CIP-U": ("RUNNING", 50, "cleaning UHT-1"),
    "CIP-A": ("IDLE", 60, ""),
    "CIP-B": ("IDLE", 240, ""),
    "CIP-C": ("IDLE", 390, ""),
    "FL-4": ("RUNNING", 30, "lot L4-6130; starved by HTST-2's diversions (balance tank refills); lots on hold "
             "(QH-0412)"),
    "FL-8": ("MAINTENANCE", FL8_MAINT, "sterile air filter and valve PM (EWO-17362, Fillmark FPK-9912)"),
    "CS-2": ("DEGRADED", FAN_TRIP, "evaporator fan EVF-2B tripped (motor burnt out); cooling on EVF-2A only; motor on "
             "EWO-17351"),
    "NH3-3": ("STANDBY", 6 * DAY, "standby compressor"),
    "BH-2": ("STANDBY", 6 * DAY, "standby boiler; burner tune planned (MOC-0876)"),
}  # fmt: skip
#: active alarms: alarm, tag, asset, priority, text, first raised, last raised (minutes ago), occurrences, acked by
ALARMS = [
    ("ALM-90412", "TT-202", "HTST-2", "high", "holding tube outlet below the divert setpoint (72.3 C): FDV-2 to divert",
     292, 9, 20, "Ruth Abernethy"),
    ("ALM-90388", "EVF-2B", "CS-2", "medium", "evaporator fan motor overload trip", FAN_TRIP, FAN_TRIP, 1,
     "Stellan Murdoch"),
    ("ALM-90415", "TT-CS2", "CS-2", "medium", "cold store air temperature high warning (4.5 C)", 76, 76, 1,
     "Stellan Murdoch"),
    ("ALM-90417", "LT-RMS4", "RMS-4", "low", "silo level low (empty)", 60, 60, 1, ""),
]  # fmt: skip

#: route -> arrival offset (minutes ago of the latest load), tanker, litres (lo, hi)
ROUTES = {
    "VALE-1": (130, "TX-401", (27000, 29500)),
    "MOOR-2": (310, "TX-402", (21000, 24000)),
    "VALE-4": (545, "TX-408", (24000, 27000)),
    "FELL-3": (60, "TX-404", (18000, 21000)),
    "BECK-5": (420, "TX-403", (14000, 17000)),
}
TEMP_REJECT = ("FELL-3", 7260, 9.1)
#: farm, name, route, farmer, cows, litres a day, SCC 90-day average (cells/ml), status, since (minutes ago), note
FARMS = [
    ("F-2041", "Hollowmere Farm", "VALE-1", "Ewan Hollis", 310, 9800, 168000, "active", None, ""),
    ("F-2052", "Upper Scarth Farm", "VALE-1", "Bethan Garside", 240, 7600, 152000, "active", None, ""),
    ("F-2060", "Kettlewick Farm", "VALE-1", "Rob Kettlewell", 330, 10700, 201000, "active", None, ""),
    ("F-2088", "Blea Moor Farm", "MOOR-2", "Sian Metcalfe", 220, 6900, 187000, "active", None, ""),
    ("F-2093", "Cold Harbour Farm", "MOOR-2", "Idris Lowther", 260, 8100, 318000, "active", None,
     "SCC above 300,000 for two months: vet visit booked by the farmer"),
    ("F-2101", "Haverigg Farm", "MOOR-2", "Anna Birkett", 240, 7500, 176000, "active", None, ""),
    ("F-2210", "Tarrow Bridge Farm", "VALE-4", "Mark Dinsdale", 280, 8900, 161000, "active", None, ""),
    ("F-2217", "Ridgeback Farm", "VALE-4", "Gethin Rees", 270, 8400, 194000, "on_stop", FARM_STOP,
     "beta-lactam positive in the farm sample of TX-408's rejected load (INT-23130, RCV-SOP-02): a treated cow's milk "
     "went into the bulk tank; on stop until a clear test and a vet's declaration"),
    ("F-2224", "Orchard Syke Farm", "VALE-4", "Lucy Alderson", 250, 8000, 172000, "active", None, ""),
    ("F-2130", "High Fell Farm", "FELL-3", "Tom Ridsdale", 300, 9600, 183000, "active", None, ""),
    ("F-2136", "Swaledge Farm", "FELL-3", "Marion Tunstall", 300, 9500, 199000, "active", None, ""),
    ("F-2160", "Beckside Farm", "BECK-5", "Owain Harker", 170, 5200, 158000, "active", None, ""),
    ("F-2171", "Mossgill Farm", "BECK-5", "Kirsty Raine", 180, 5600, 205000, "active", None, ""),
    ("F-2178", "Raven Ghyll Farm", "BECK-5", "Dougie Sowerby", 150, 4700, 171000, "active", None, ""),
]  # fmt: skip
#: tanker, registration, haulier, capacity (l), usual route, status, since (minutes ago), location, note
TANKERS = [
    ("TX-401", "YK19 BDX", "Brakenholme Transport", 30000, "VALE-1", "AT_DEPOT", 110, "Tarrow Vale tanker park", ""),
    ("TX-402", "YK19 BDZ", "Brakenholme Transport", 26000, "MOOR-2", "AT_DEPOT", 290, "Tarrow Vale tanker park",
     "next MOOR-2 collection"),
    ("TX-403", "YK20 CRV", "Brakenholme Transport", 20000, "BECK-5", "AT_DEPOT", 400, "Tarrow Vale tanker park", ""),
    ("TX-404", "YK20 CRW", "Brakenholme Transport", 24000, "FELL-3", "AT_DEPOT", 40, "Tarrow Vale tanker park", ""),
    ("TX-405", "YK21 DHM", "Brakenholme Transport", 26000, "", "OFF_ROAD", 2100, "Tarrow Vale workshop",
     "PTO milk pump seal leaking (EWO-17348)"),
    ("TX-406", "YK21 DHN", "Brakenholme Transport", 28000, "", "AT_DEPOT", 3 * DAY, "Tarrow Vale tanker park",
     "spare"),
    ("TX-408", "YK22 FOA", "Brakenholme Transport", 28000, "VALE-4", "ON_ROUTE", 35, "A684 near Tarrow Bridge",
     "VALE-4 collection; Ridgeback Farm (F-2217) skipped: on stop. Tank washed and swabbed after the rejected load"),
    ("TX-409", "PR68 HLG", "Pelling & Roe Haulage", 29000, "", "AT_DEPOT", 600, "Pelling & Roe yard, Skelbrook",
     "contract tanker, on call for extra loads"),
    ("TX-410", "YK23 GJE", "Brakenholme Transport", 30000, "", "OFF_ROAD", 240, "Tarrow Vale workshop",
     "6-weekly safety inspection (EWO-17355)"),
]  # fmt: skip

#: CIP: set, object, first start (minutes ago), every, minutes
CIP_PLAN = [
    ("CIP-A", "RB-1", 95, 360, 35), ("CIP-A", "RB-2", 275, 360, 35), ("CIP-A", "RMS-1", 600, DAY, 70),
    ("CIP-A", "RMS-2", 1000, DAY, 70), ("CIP-A", "RMS-3", 1300, DAY, 70), ("CIP-A", "RMS-4", 1720, DAY, 70),
    ("CIP-B", "HTST-1", 1230, DAY, 70), ("CIP-B", "HTST-2", 900, DAY, 90), ("CIP-B", "PMS-1", 500, DAY, 60),
    ("CIP-B", "PMS-2", 1100, DAY, 60), ("CIP-B", "PMS-3", 300, DAY, 60), ("CIP-C", "FL-3", 1050, DAY, 60),
    ("CIP-C", "FL-4", 700, DAY, 60), ("CIP-C", "FL-6", 450, DAY, 60), ("CIP-U", "UHT-1", 50, DAY, 90),
]  # fmt: skip
#: set -> recipe, caustic %, caustic return temperature (lo, hi) C
CIP_SETS = {
    "CIP-A": ("RAW-5 v3", 1.0, (74.0, 77.0)),
    "CIP-B": ("PAST-7 v5", 1.5, (79.0, 82.0)),
    "CIP-C": ("FILL-5 v4", 1.2, (74.0, 77.0)),
    "CIP-U": ("UHT-9 v2", 2.0, (135.0, 139.0)),
}
#: failed cycles: (set, object, minutes ago) -> note; each re-run 80 minutes later passed
CIP_FAILS = {
    ("CIP-C", "FL-6", 450 + 3 * DAY): ("caustic return temperature 68.2 C (minimum 72 C): steam valve on the CIP-C "
                                       "heater sticking; valve freed and the clean re-run"),
    ("CIP-A", "RMS-2", 1000 + 9 * DAY): ("caustic concentration 0.6% (minimum 0.9%): dosing pump air-locked; bled and "
                                         "the clean re-run"),
}  # fmt: skip
#: set, recipe, version, caustic %, caustic C, caustic minutes, acid, acid %, acid C, acid minutes, sanitiser, changed
#: (minutes ago), moc, owner
CIP_RECIPES = [
    ("CIP-A", "RAW-5", "v3", 1.0, 75.0, 15, "Acidex 45 (nitric/phosphoric)", 0.8, 65.0, 10, "", 390, "MOC-0872",
     "Lorcan Ashby"),
    ("CIP-B", "PAST-7", "v5", 1.5, 80.0, 20, "Acidex 40 (nitric/phosphoric)", 0.8, 70.0, 15, "", 40 * DAY, "MOC-0802",
     "Lorcan Ashby"),
    ("CIP-C", "FILL-5", "v4", 1.2, 75.0, 15, "Acidex 40 (nitric/phosphoric)", 0.8, 65.0, 10,
     "Peraxin 0.2% peracetic acid, ambient, 5 min", 75 * DAY, "MOC-0781", "Lorcan Ashby"),
    ("CIP-U", "UHT-9", "v2", 2.0, 137.0, 30, "Acidex 40 (nitric/phosphoric)", 1.0, 105.0, 20, "", 120 * DAY,
     "MOC-0744", "Lorcan Ashby"),
]  # fmt: skip

#: filling line -> product, silo, pasteuriser, run minutes, first run start (minutes ago), first lot number, runs,
#: units in a full run (lo, hi), batch number of the newest run, lots per batch, batch prefix
LINES = {
    "FL-3": ("whole milk, 2 pint HDPE", "PMS-1", "HTST-1", 180, 60, 5181, 56, (16500, 18200), 31580, 3, "PB-"),
    "FL-4": ("semi-skimmed milk, 1 litre HDPE", "PMS-2", "HTST-2", 120, 30, 6130, 84, (14000, 15600), 40960, 2, "PB-"),
    "FL-6": ("skimmed milk, 1 litre gable top carton", "PMS-3", "HTST-1", 240, 100, 3212, 42, (11800, 12900), 52190, 2,
             "PB-"),
    "FL-8": ("UHT semi-skimmed, 1 litre aseptic carton", "UHT tank", "UHT-1", 360, FL8_MAINT + 360, 2231, 27,
             (20500, 22400), 8870, 1, "UB-"),
}  # fmt: skip
#: FL-4's starved minutes (HTST-2 diverting) by run (0 = the run in progress)
FL4_STARVED = {0: 6, 1: 38, 2: 41, 3: 9}
#: holds: hold, lot, reason, placed (minutes ago), placed by, status, released (minutes ago), note
HOLDS = [
    ("QH-0407", "L6-3176", "TVC 26,000 cfu/ml on PMS-3 (limit 20,000)", 8690, "Marisol Quaye", "released", 5700,
     "lot samples 600-1,900 cfu/ml at day 0 and day 3: released"),
    ("QH-0408", "L6-3200", "coliforms 3 cfu/ml on PMS-3 (limit <1)", 2930, "Oonagh Feeney", "released", 1500,
     "five lot samples 0 cfu/ml; PMS-3 re-cleaned (CIP-B): released"),
    ("QH-0409", "L8-2221", "one blown pack in the UHT incubation check", 4000, "Marisol Quaye", "released", 3000,
     "100% seal inspection of the lot: no more defects"),
    ("QH-0412", "L4-6127", "precautionary: filled while HTST-2 diverted repeatedly (CCP2, holding tube outlet on the "
     "divert setpoint since MOC-0874)", HOLD_AT, "Oonagh Feeney", "on_hold", None,
     "ALP pass (24 mU/l); TVC due; release needs the CCP2 review (QA-HLD-01)"),
    ("QH-0412", "L4-6128", "precautionary: filled while HTST-2 diverted repeatedly (CCP2, holding tube outlet on the "
     "divert setpoint since MOC-0874)", HOLD_AT, "Oonagh Feeney", "on_hold", None,
     "ALP pass (31 mU/l); TVC due; release needs the CCP2 review (QA-HLD-01)"),
    ("QH-0412", "L4-6129", "precautionary: filled while HTST-2 diverted repeatedly (CCP2)", 150, "Oonagh Feeney",
     "on_hold", None, "added as filled; ALP pass (27 mU/l)"),
    ("QH-0412", "L4-6130", "precautionary: filled while HTST-2 diverted repeatedly (CCP2)", 30, "Ruth Abernethy",
     "on_hold", None, "added as filled (in progress)"),
]  # fmt: skip

#: work order, asset, task, status, scheduled, due / done by, completed (minutes ago; negative: ahead), assignee, notes
WORK_ORDERS = [
    ("EWO-17330", "RMS-4", "agitator gearbox oil change", "completed", 4400, 4300, 4310, "Bashir Qadri", ""),
    ("EWO-17348", "TX-405", "PTO milk pump seal replacement", "in_progress", 2100, -600, None, "Tarrow Vale workshop",
     "seal kit arrives this afternoon"),
    ("EWO-17355", "TX-410", "6-weekly safety inspection (PMI)", "in_progress", 240, -120, None, "Tarrow Vale workshop",
     "brakes, tyres, tank fittings"),
    ("EWO-17362", "FL-8", "sterile air filter change and aseptic valve PM", "in_progress", FL8_MAINT, -170, None,
     "Tobias Wendt (Fillmark) with Bashir Qadri", "FPK-9912; sterilisation and a test run before restart"),
    ("EWO-17366", "HTST-2", "hot water setpoint back to 76.0 C (MOC-0877), watch the holding tube outlet for an hour, "
     "CCP2 verification", "scheduled", -90, -150, None, "Gavin Tullett with Joss Penhaligon",
     "at FL-4's next changeover; QA (Oonagh Feeney) to sign the CCP2 check"),
    ("EWO-17351", "CS-2", "evaporator fan EVF-2B motor replacement", "scheduled", -960, -1080, None,
     "Nordvik Refrigeration engineer with Stellan Murdoch", "NVR-24-0618; motor on the overnight carrier"),
    ("EWO-17340", "BH-1", "annual boiler inspection (insurance, written scheme)", "scheduled", -2950, -3430, None,
     "Harrowgate Boilers and the insurer's surveyor with Bashir Qadri", "BH-2 carries the steam load"),
    ("EWO-17359", "HOM-2", "homogenising valve and seat overhaul", "scheduled", -5300, -5540, None, "Lorcan Ashby",
     "planned wear part change"),
    ("EWO-17361", "NH3-3", "oil and filter change (8,000 hours)", "scheduled", -8200, -8440, None, "Stellan Murdoch",
     ""),
]  # fmt: skip
#: moc, title, area, asset, risk, state, requested by, implemented by, approver, raised, planned, implemented, updated
#: (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("MOC-0861", "PMS-3 level probe replaced (like for like)", "pasteurisation", "PMS-3", "low", "implemented",
     "Lorcan Ashby", "Bashir Qadri", "site change board", 12 * DAY, 10 * DAY, 10 * DAY, 10 * DAY, ""),
    ("MOC-0866", "FL-3 capper torque 2.1 -> 1.9 Nm", "filling", "FL-3", "low", "implemented", "Lorcan Ashby",
     "Lorcan Ashby", "site change board", 5 * DAY, 4300, 4300, 4300, "fewer split caps; torque checks passed"),
    ("MOC-0869", "ETP pH dosing setpoint 7.0 -> 7.3", "effluent", "ETP-1", "low", "implemented", "Colm Ardagh",
     "Joss Penhaligon", "site change board", 4 * DAY, 2900, 2900, 2900, "consent pH 6-10"),
    ("MOC-0871", "FL-6 date coder firmware 5.2", "filling", "FL-6", "low", "implemented", "Lorcan Ashby",
     "Joss Penhaligon", "site change board", 3 * DAY, 1020, 1020, 1020, "codes checked on the first 50 cartons"),
    ("MOC-0872", "CIP-A acid detergent Acidex 40 -> Acidex 45 (same 0.8%)", "cip", "CIP-A", "low", "implemented",
     "Lorcan Ashby", "Gemma Rowntree (Caldmere)", "site change board", 6 * DAY, 390, 390, 390,
     "CCL-0419; raw side only; conductivity curve checked, swabs clear"),
    ("MOC-0874", "HTST-2 hot water setpoint 76.0 -> 74.5 C (energy trial)", "pasteurisation", "HTST-2", "medium",
     "implemented", "Colm Ardagh (energy and utilities lead)", "Joss Penhaligon (controls engineer)",
     "site change board", 4 * DAY, MOC_0874, MOC_0874, MOC_0874,
     "holding tube target and the 72.3 C divert setpoint unchanged; backout: 76.0 C"),
    ("MOC-0873", "HOM-2 homogenising pressure 180/40 -> 170/35 bar", "pasteurisation", "HOM-2", "low", "implemented",
     "Lorcan Ashby", "Lorcan Ashby", "site change board", 4 * DAY, 300, 300, 300,
     "less wear on the valve seats; fat globule check passed"),
    ("MOC-0876", "BH-2 burner combustion tune (O2 trim)", "utilities", "BH-2", "low", "approved", "Colm Ardagh", None,
     "site change board", 3 * DAY, -3100, None, 3 * DAY, "Harrowgate Boilers"),
    ("MOC-0877", "Emergency: HTST-2 hot water setpoint back to 76.0 C", "pasteurisation", "HTST-2", "medium",
     "approved", "Oonagh Feeney", None, "Fiona Greatorex (duty manager)", 85, -90, None, 80,
     "backout of MOC-0874 (HVT-77120); EWO-17366 at FL-4's next changeover"),
]  # fmt: skip
#: ref, vendor, asset, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
CASES = [
    ("HVT-77064", "Hollins & Vautrin Thermal", "HTST-1", "Plate pack gasket weep, regeneration section", "resolved",
     "P3", "Matthieu Reynaud (service engineer)", "Gavin Tullett", 20 * DAY, 17 * DAY,
     "gaskets replaced at the planned stop; pressure test passed"),
    ("CCL-0419", "Caldmere Chemicals", "CIP-A", "Changeover to Acidex 45", "closed", "P4",
     "Gemma Rowntree (technical advisor)", "Lorcan Ashby", 6 * DAY, 370, "conductivity set points confirmed, done"),
    ("FPK-9912", "Fillmark Packaging", "FL-8", "Aseptic filler sterile air valve PM", "in_progress", "P3",
     "Tobias Wendt (field engineer)", "Bashir Qadri", 5 * DAY, 180, "on site; filters changed, valves next"),
    ("NVR-24-0618", "Nordvik Refrigeration", "CS-2", "Evaporator fan EVF-2B motor trip", "open", "P2",
     "Eirik Solheim (refrigeration engineer)", "Stellan Murdoch", 1140, 700,
     "windings burnt out; replacement motor on the overnight carrier, fitted tomorrow (EWO-17351); keep CS-2 below "
     "5 C by moving fast movers to CS-1"),
    ("DFV-C-3391", "Duroflo Valves", "FDV-2", "FDV-2 diverting repeatedly: valve check", "closed", "P2",
     "Rhys Cadogan (applications engineer)", "Gavin Tullett", 235, 170,
     "stroke test video and leak-detect log reviewed: the valve travels in 0.6 s, seats and leak-detect are fine; "
     "it diverts because TT-202 reads below 72.3 C: not a valve fault"),
    ("HVT-77120", "Hollins & Vautrin Thermal", "HTST-2", "Repeated flow diversions since the hot water setpoint cut "
     "to 74.5 C", "in_progress", "P1", "Matthieu Reynaud (service engineer)", "Oonagh Feeney", 150, 110,
     "At 24,000 l/h the PlateTherm P25 needs the hot water 2.5-3 C above the holding tube target. At 74.5 C the "
     "holding tube outlet sits at 72.4-72.7 C, on the 72.3 C divert setpoint, so every small flow surge diverts. "
     "Revert to 76.0 C (the MOC backout) or run at 20,000 l/h; do not touch the divert setpoint. A regeneration "
     "efficiency check is offered at the next service if the energy trial is to be repeated."),
]  # fmt: skip
#: vendor, covers, phone, hours, engineer, escalation, contract
VENDORS = [
    ("Hollins & Vautrin Thermal", "HTST-1, HTST-2 and UHT-1 skids, reception bays", "+44 113 496 0582", "24/7",
     "Matthieu Reynaud (service engineer)", "Isobel Thwaite, UK service manager, +44 7700 900582", "HVT-SLA-GOLD-19"),
    ("Duroflo Valves", "flow diversion valves FDV-1, FDV-2 and the process valves", "+44 121 496 0714",
     "07:00-19:00 weekdays", "Rhys Cadogan (applications engineer)", "Nerys Pugh, service lead", "DFV-2019-44"),
    ("Nordvik Refrigeration", "ammonia plant NH3-1..3, cold stores, blast chiller", "+44 161 496 0233", "24/7",
     "Eirik Solheim (refrigeration engineer)", "Per Lindqvist, contracts manager, +44 7700 900233", "NVR-MC-2022"),
    ("Caldmere Chemicals", "CIP detergents and dosing", "+44 114 496 0410", "08:00-17:00 weekdays",
     "Gemma Rowntree (technical advisor)", "Amir Bashford, technical manager", "CCL-SUP-2023"),
    ("Fillmark Packaging", "fillers FL-3, FL-4, FL-6, FL-8", "+44 117 496 0876", "24/7 (aseptic), otherwise weekdays",
     "Tobias Wendt (field engineer)", "Clare Ostrander, service director", "FPK-SC-2018"),
    ("Pelling & Roe Haulage", "contract milk tanker TX-409 and extra loads", "+44 1904 496 022", "24/7",
     "traffic office", "Dean Pelling, director", "PRH-2024-03"),
    ("Hallam Renewables", "AD plant: disposal of rejected milk", "+44 114 496 0951", "06:00-22:00",
     "weighbridge office", "Kate Ollerenshaw, site manager", "HR-WASTE-07"),
]  # fmt: skip

MOBILES = {
    "Gavin Tullett": "+44 7700 900311", "Bashir Qadri": "+44 7700 900312", "Lorcan Ashby": "+44 7700 900313",
    "Stellan Murdoch": "+44 7700 900321", "Yusuf Hendry": "+44 7700 900322", "Oonagh Feeney": "+44 7700 900331",
    "Marisol Quaye": "+44 7700 900332", "Janine Colclough": "+44 7700 900341", "Hywel Pryce": "+44 7700 900342",
    "Fiona Greatorex": "+44 7700 900351", "Desmond Okoro": "+44 7700 900352", "Ruth Abernethy": "+44 7700 900361",
    "Aled Pritchard": "+44 7700 900362", "Kasim Dhillon": "+44 7700 900363", "Tomasz Wrobel": "+44 7700 900364",
}  # fmt: skip
#: rota -> levels: the person of last week, this week (the one running now), the next two
ROTAS = {
    "engineering": [("primary", ["Bashir Qadri", "Gavin Tullett", "Lorcan Ashby", "Bashir Qadri"]),
                    ("secondary", ["Lorcan Ashby", "Bashir Qadri", "Gavin Tullett", "Lorcan Ashby"])],
    "refrigeration": [("primary", ["Yusuf Hendry", "Stellan Murdoch", "Yusuf Hendry", "Stellan Murdoch"])],
    "qa": [("primary", ["Marisol Quaye", "Oonagh Feeney", "Marisol Quaye", "Oonagh Feeney"])],
    "intake_transport": [("primary", ["Hywel Pryce", "Janine Colclough", "Hywel Pryce", "Janine Colclough"])],
    "duty_manager": [("primary", ["Desmond Okoro", "Fiona Greatorex", "Desmond Okoro", "Fiona Greatorex"])],
}  # fmt: skip
#: shift managers of the two shifts before the one running now, it and the next
SHIFT_MANAGERS = ["Kasim Dhillon", "Aled Pritchard", "Ruth Abernethy", "Tomasz Wrobel"]

#: shift log: minutes ago, author, role, text
SHIFT_LOG = [
    (2880, "Kasim Dhillon", "shift manager", "MOC-0869 done on ETP-1: pH dosing at 7.3; discharge in consent"),
    (2740, "Kasim Dhillon", "shift manager", "coliforms 3 cfu/ml on PMS-3: L6-3200 on hold (QH-0408), PMS-3 to be "
     "re-cleaned by CIP-B"),
    (1500, "Oonagh Feeney", "QA on call", "L6-3200 released (QH-0408): five lot samples clear"),
    (1262, "Nadia Osei", "intake lab technician", "TX-408 (VALE-4): beta-lactam screen POSITIVE, re-test positive. "
     "Load not tipped (RCV-SOP-02); farm samples from the route to the lab"),
    (1240, "Janine Colclough", "intake and transport on call", "TX-408's load rejected: to Hallam Renewables AD plant "
     "for disposal; TX-408 to be washed and swabbed before its next run"),
    (1205, "Aled Pritchard", "shift manager", "CS-2 evaporator fan EVF-2B tripped on overload, will not reset; "
     "refrigeration on call Stellan Murdoch called"),
    (1150, "Stellan Murdoch", "refrigeration on call", "EVF-2B motor windings burnt out; CS-2 running on EVF-2A only "
     "and will creep up; motor ordered from Nordvik (NVR-24-0618); if CS-2 passes 4.5 C move fast movers to CS-1 "
     "(CS-WI-04)"),
    (1100, "Nadia Osei", "intake lab technician", "farm samples: Ridgeback Farm (F-2217) beta-lactam positive, the "
     "other VALE-4 farms clear; Ridgeback on stop; the farmer says a treated cow was milked into the tank by mistake"),
    (1020, "Joss Penhaligon", "controls engineer", "MOC-0871 done: FL-6 date coder on firmware 5.2, codes checked"),
    (760, "Aled Pritchard", "shift manager", "HTST-1 one diversion at the balance tank changeover, back in forward "
     "flow at once"),
    (700, "Aled Pritchard", "shift manager", "handover: all lines running except FL-8 (Fillmark PM from the morning); "
     "CS-2 at 3.6 C on one fan"),
    (390, "Lorcan Ashby", "process engineer", "MOC-0872 done: CIP-A on Acidex 45 (Caldmere) from this cycle; "
     "conductivity checked"),
    (MOC_0874, "Joss Penhaligon", "controls engineer", "MOC-0874 done: HTST-2 hot water setpoint 76.0 -> 74.5 C "
     "(energy trial for Colm Ardagh); holding tube target and divert setpoint unchanged"),
    (300, "Lorcan Ashby", "process engineer", "MOC-0873 done: HOM-2 at 170/35 bar; fat globule check passed"),
    (280, "Ruth Abernethy", "shift manager", "CCP2: HTST-2 diverted twice in a quarter of an hour; product "
     "recirculated, none went forward below the divert setpoint"),
    (255, "Ruth Abernethy", "shift manager", "HTST-2 has diverted three times since {at:292} (FDV-2) and FL-4 is "
     "starved; called engineering on call Gavin Tullett (SOP-PAS-03)"),
    (240, "Gavin Tullett", "engineering on call", "FDV-2 stroke test and leak-detect OK; TT-202 within 0.1 C of the "
     "reference thermometer; flow steady at 24,000 l/h. Raised DFV-C-3391 with Duroflo to be sure"),
    (222, "Ruth Abernethy", "shift manager", "called QA on call Oonagh Feeney"),
    (HOLD_AT, "Oonagh Feeney", "QA on call", "precautionary hold QH-0412 on FL-4's L4-6127 and L4-6128, and every FL-4 "
     "lot after them until HTST-2 is stable; ALP and TVC on each lot"),
    (190, "Oonagh Feeney", "QA on call", "not HOM-2's pressure change (MOC-0873 came after the temperature fell) and "
     "not CIP-A's acid (MOC-0872, raw side). HTST-2's holding tube outlet fell from about 73.6 to 72.5 C right after "
     "MOC-0874 cut the hot water to 74.5 C: it sits on the 72.3 C divert point and every small flow surge diverts. "
     "Suspect MOC-0874"),
    (170, "Gavin Tullett", "engineering on call", "Duroflo (DFV-C-3391): not a valve fault, FDV-2 is fine"),
    (150, "Oonagh Feeney", "QA on call", "raised HVT-77120 with Hollins & Vautrin (P1)"),
    (128, "Priti Lamba", "QA technician", "ALP on L4-6127 and L4-6128: 24 and 31 mU/l, pass (limit 350); TVC results "
     "in 48 hours"),
    (110, "Oonagh Feeney", "QA on call", "Hollins & Vautrin (Matthieu Reynaud): the hot water needs 2.5-3 C over the "
     "holding tube target at 24,000 l/h; revert to 76.0 C or run at 20,000 l/h"),
    (80, "Fiona Greatorex", "duty manager", "emergency MOC-0877 approved: HTST-2 hot water back to 76.0 C at FL-4's "
     "next changeover (EWO-17366); QH-0412 stays until the QA review"),
    (70, "Stellan Murdoch", "refrigeration on call", "CS-2 at 4.5 C (warning): fast movers moved to CS-1; EVF-2B "
     "motor fitted tomorrow (EWO-17351)"),
    (30, "Ruth Abernethy", "shift manager", "HTST-2 still diverting; L4-6130 started and added to QH-0412; waiting "
     "for the changeover"),
]  # fmt: skip
#: doc, title, kind, body
DOCS = [
    ("SOP-PAS-03", "HTST pasteuriser: flow diversions and CCP2 deviations", "sop",
     "More than three diversions in an hour: 1. the shift manager calls engineering on call and QA on call; "
     "2. engineering checks the FDV (stroke test, leak-detect) and the holding tube RTD against the reference "
     "thermometer; 3. check the hot water setpoint, the flow rate and any recent MOC on the pasteuriser; 4. QA places "
     "a precautionary hold on the lots filled since the last stable hour (QA-HLD-01); 5. restore the hot water "
     "setpoint or reduce the flow; 6. never change the divert setpoint (72.3 C) or bypass the FDV."),
    ("HACCP-PLN-02", "HACCP plan: CCP2 pasteurisation", "haccp",
     "Critical limit 72.0 C for 15 seconds at the holding tube outlet; the site divert setpoint is 72.3 C. "
     "Monitoring: continuous recorder and the FDV; operator check every 2 hours; diversion events logged "
     "automatically. Corrective action: divert, find the cause, QA reviews every lot filled during the deviation."),
    ("RCV-SOP-02", "Milk reception: antibiotic (beta-lactam) positive tanker", "sop",
     "A positive screen: do not tip; re-test the tanker sample; if positive again reject the load, send it for "
     "disposal (AD plant) with a waste note, test every farm sample of the route, put the positive farm on stop "
     "and tell the haulier and the milk buyer; the tanker is washed and swabbed before its next run."),
    ("QA-HLD-01", "Product hold and release", "quality procedure",
     "Any lot affected by a CCP deviation or an out of specification result goes on hold (QH number), stays in the "
     "cold store, is labelled and blocked in the warehouse system; release needs QA's review of the CCP records, ALP "
     "below 350 mU/l and a TVC result in specification."),
    ("CIP-WI-07", "CIP failure", "work instruction",
     "A failed cycle (concentration, temperature, time or final rinse conductivity out of limits): the plant may "
     "not be used; fix the cause and re-run the full cycle; QA swabs before production."),
    ("CS-WI-04", "Cold store temperature excursion", "work instruction",
     "Air above 4.5 C: move fast movers to the other store and call refrigeration on call. Above 5.0 C for more than "
     "an hour: QA checks product temperatures; product above 8 C is held."),
    ("REF-EP-01", "Ammonia release emergency plan", "emergency plan",
     "A detector above 25 ppm: alarm, the plant room ventilation runs at full speed, refrigeration on call; above 150 "
     "ppm: evacuate the area to the assembly point, call 999, the emergency stop of the compressors."),
    ("ESC-MTX-1", "Site escalation matrix", "escalation",
     "Process: the shift manager, then engineering or QA on call, then the duty manager. Cold chain: refrigeration on "
     "call. Intake: intake and transport on call. Vendors: raise a case, P1 when food safety or a line is affected; "
     "call the vendor's escalation contact after 2 hours without a fix."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE assets (asset TEXT PRIMARY KEY, area TEXT, kind TEXT, maker TEXT, model TEXT, installed INTEGER,
                     state TEXT, since TEXT, note TEXT);
CREATE TABLE alarms (alarm TEXT PRIMARY KEY, tag TEXT, asset TEXT, priority TEXT, text TEXT, first_raised TEXT,
                     last_raised TEXT, occurrences INTEGER, acknowledged_by TEXT);
CREATE TABLE past_samples (unit TEXT, sample_end TEXT, end_epoch INTEGER, mode TEXT, flow_lph INTEGER,
                           hot_water_c REAL, holding_outlet_c REAL, min_outlet_c REAL, divert_set_c REAL,
                           fdv TEXT, diversions INTEGER);
CREATE TABLE diversions (event TEXT PRIMARY KEY, unit TEXT, valve TEXT, started TEXT, s_epoch INTEGER,
                         duration_s INTEGER, lowest_c REAL, divert_set_c REAL, recirculated_l INTEGER, cause TEXT);
CREATE TABLE ccp_records (record TEXT PRIMARY KEY, ccp TEXT, asset TEXT, checked TEXT, c_epoch INTEGER, reading TEXT,
                          critical_limit TEXT, result TEXT, action TEXT, checked_by TEXT);
CREATE TABLE cip_cycles (cycle TEXT PRIMARY KEY, cip_set TEXT, object TEXT, recipe TEXT, started TEXT,
                         s_epoch INTEGER, ended TEXT, caustic_pct REAL, caustic_return_c REAL, acid TEXT,
                         final_rinse_us_cm INTEGER, result TEXT, note TEXT);
CREATE TABLE cip_recipes (cip_set TEXT PRIMARY KEY, recipe TEXT, version TEXT, caustic_pct REAL, caustic_c REAL,
                          caustic_min INTEGER, acid TEXT, acid_pct REAL, acid_c REAL, acid_min INTEGER,
                          sanitiser TEXT, changed TEXT, moc TEXT, owner TEXT);
CREATE TABLE intakes (intake TEXT PRIMARY KEY, tanker TEXT, route TEXT, arrived TEXT, a_epoch INTEGER, litres INTEGER,
                      temp_c REAL, antibiotics TEXT, silo TEXT, status TEXT, note TEXT);
CREATE TABLE tankers (tanker TEXT PRIMARY KEY, reg TEXT, haulier TEXT, capacity_l INTEGER, usual_route TEXT,
                      status TEXT, since TEXT, location TEXT, note TEXT);
CREATE TABLE collections (run TEXT PRIMARY KEY, route TEXT, tanker TEXT, planned_start TEXT, s_epoch INTEGER,
                          due_on_site TEXT, due_epoch INTEGER, status TEXT, farms TEXT, expected_l INTEGER,
                          note TEXT);
CREATE TABLE farms (farm TEXT PRIMARY KEY, name TEXT, route TEXT, farmer TEXT, cows INTEGER, litres_per_day INTEGER,
                    scc_90d INTEGER, status TEXT, since TEXT, note TEXT);
CREATE TABLE silos (silo TEXT PRIMARY KEY, kind TEXT, product TEXT, volume_l INTEGER, capacity_l INTEGER,
                    temp_c REAL, batch TEXT, fed_by TEXT, feeds TEXT, last_cip TEXT, note TEXT);
CREATE TABLE cold_temps (store TEXT, reading TEXT, r_epoch INTEGER, air_c REAL, setpoint_c REAL, warning_c REAL,
                         alarm_c REAL);
CREATE TABLE utilities (tag TEXT, system TEXT, description TEXT, reading TEXT, r_epoch INTEGER, value REAL,
                        unit TEXT, alarm_limit TEXT);
CREATE TABLE effluent (reading TEXT, r_epoch INTEGER, ph REAL, cod_mg_l INTEGER, flow_m3_h REAL, temp_c REAL,
                       consent TEXT);
CREATE TABLE lab_results (sample TEXT PRIMARY KEY, sampled TEXT, s_epoch INTEGER, point TEXT, product TEXT,
                          test TEXT, result TEXT, value REAL, unit TEXT, limit_text TEXT, verdict TEXT,
                          analyst TEXT);
CREATE INDEX lab_epoch ON lab_results (s_epoch);
CREATE TABLE lots (lot TEXT PRIMARY KEY, line TEXT, product TEXT, started TEXT, s_epoch INTEGER, ended TEXT,
                   units INTEGER, rejects INTEGER, starved_min INTEGER, batch TEXT, pasteuriser TEXT,
                   past_silo TEXT, raw_silos TEXT, intakes TEXT, tankers TEXT, routes TEXT, note TEXT);
CREATE TABLE holds (hold TEXT, lot TEXT, reason TEXT, placed TEXT, p_epoch INTEGER, placed_by TEXT, status TEXT,
                    released TEXT, note TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, asset TEXT, task TEXT, status TEXT, scheduled TEXT, s_epoch INTEGER,
                          due TEXT, completed TEXT, assignee TEXT, notes TEXT);
CREATE TABLE changes (moc TEXT PRIMARY KEY, title TEXT, area TEXT, asset TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, vendor TEXT, asset TEXT, subject TEXT, status TEXT, priority TEXT,
                    engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, covers TEXT, phone TEXT, hours TEXT, engineer TEXT, escalation TEXT,
                      contract TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, manager TEXT,
                     mobile TEXT);
CREATE TABLE shift_log (entry TEXT PRIMARY KEY, logged TEXT, l_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE docs (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _span(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    """A deterministic value in [lo, hi] for (key, i)."""
    return round(lo + (hi - lo) * noise(key, i), digits)


def _at(text: str, now: datetime) -> str:
    """``text`` with ``{at:N}`` replaced by the clock time (UTC) N minutes before now."""
    return re.sub(r"\{at:(\d+)\}", lambda m: f"{now - timedelta(minutes=int(m.group(1))):%H:%M} UTC", text)


def _hm(t: datetime) -> str:
    """``YYYY-MM-DD HH:MM`` (UTC; how the shift log shows times)."""
    return t.strftime("%Y-%m-%d %H:%M")


def _diversions() -> list[tuple[str, int, int, float, str]]:
    """Every diversion of the last 14 days: unit, minutes ago, seconds, lowest C, cause."""
    out = list(OTHER_DIVERTS)
    for i, m in enumerate(HTST2_DIVERTS):
        low = LOWEST[1] if m == LOWEST[0] else round(72.10 + 0.16 * noise("dvlow", i), 2)
        out.append(("HTST-2", m, 18 + int(55 * noise("dvdur", i)), low,
                    "holding tube outlet below the divert setpoint on a flow surge (hot water 74.5 C)"))  # fmt: skip
    return sorted(out, key=lambda d: -d[1])


def _past_samples(now: datetime) -> list[tuple[Any, ...]]:
    events: dict[str, list[tuple[int, float]]] = {"HTST-1": [], "HTST-2": []}
    for unit, m, _s, low, _c in _diversions():
        events[unit].append((m, low))
    rows = []
    for unit in ("HTST-1", "HTST-2"):
        cip_from, cip_to = HTST_CIP[unit]
        for k in range(287, -1, -1):
            m = 2 + 5 * k
            t = now - timedelta(minutes=m)
            if cip_to <= m <= cip_from:
                rows.append((unit, iso(t), int(t.timestamp()), "CIP", None, None, None, None, DIVERT_SET, "CIP", 0))
                continue
            key = unit + "s"
            if unit == "HTST-1":
                flow = int(_span(18000, 18400, key + "f", k, 0))
                hot = _span(76.0, 76.4, key + "h", k)
                outlet = _span(73.6, 74.0, key + "o", k, 2)
            else:
                flow = int(_span(23800, 24200, key + "f", k, 0))
                if m > MOC_0874:
                    hot = _span(75.8, 76.2, key + "h", k)
                    outlet = _span(73.4, 73.9, key + "o", k, 2)
                else:
                    hot = _span(74.3, 74.7, key + "h", k)
                    if m > SETTLED:
                        outlet = round(73.5 - 0.9 * (MOC_0874 - m) / (MOC_0874 - SETTLED), 2)
                    else:
                        outlet = _span(72.4, 72.7, key + "o2", k, 2)
            inside = [low for e, low in events[unit] if m <= e < m + 5]
            lowest = min(inside) if inside else round(outlet - 0.02 - 0.04 * noise(key + "min", k), 2)
            rows.append((unit, iso(t), int(t.timestamp()), "PRODUCT", flow, hot, outlet, lowest, DIVERT_SET,
                         "FORWARD", len(inside)))  # fmt: skip
    return rows


def _intakes(now: datetime) -> list[tuple[Any, ...]]:
    loads = []
    for route, (off, tanker, (lo, hi)) in ROUTES.items():
        m, k = off, 0
        while m < SPAN - 30:
            loads.append((m, route, tanker, int(_span(lo, hi, route + "l", k, 0)), _span(3.2, 5.4, route + "t", k)))
            m += 720
            k += 1
    loads.sort(key=lambda x: -x[0])
    rows = []
    n_ok = 0
    for n, (m, route, tanker, litres, temp) in enumerate(loads):
        t = now - timedelta(minutes=m)
        antibiotics, status, silo, note = "negative", "accepted", None, ""
        if route == "VALE-4" and m == TX408_AT:
            antibiotics, status = "POSITIVE (beta-lactam)", "rejected"
            note = ("beta-lactam screen positive, re-test positive: not tipped (RCV-SOP-02); load to Hallam Renewables "
                    "AD plant for disposal; farm samples: Ridgeback Farm (F-2217)")  # fmt: skip
        elif (route, m) == TEMP_REJECT[:2]:
            temp, status = TEMP_REJECT[2], "rejected"
            note = "milk at 9.1 C (maximum 6.0 C) after a 3-hour road closure: rejected, to the AD plant"
        elif route == "VALE-4" and m < FARM_STOP:
            note = "Ridgeback Farm (F-2217) skipped: on stop"
        if status == "accepted":
            silo = f"RMS-{1 + n_ok % 3}"
            n_ok += 1
        rows.append((f"INT-{23000 + n}", tanker, route, iso(t), int(t.timestamp()), litres, temp, antibiotics, silo,
                     status, note))  # fmt: skip
    return rows


def _collections(now: datetime) -> list[tuple[Any, ...]]:
    """The collection runs still to come on site: per route the next two (arrivals 720 minutes apart)."""
    items = []
    farms = {}
    for f in FARMS:
        if f[7] == "active":
            farms.setdefault(f[2], []).append(f[1])
    for route, (off, tanker, (lo, hi)) in ROUTES.items():
        for j in range(2):
            due = -(720 - off) - 720 * j  # minutes ago (negative: ahead)
            start = due + 210
            note = "Ridgeback Farm (F-2217) skipped: on stop" if route == "VALE-4" else ""
            status = "on_route" if start > 0 else "planned"
            items.append((-due, route, tanker, start, due, status, ", ".join(farms[route]),
                          int((lo + hi) / 2), note))  # fmt: skip
    items.sort()
    rows = []
    for n, (_ahead, route, tanker, start, due, status, fl, litres, note) in enumerate(items):
        s, d = now - timedelta(minutes=start), now - timedelta(minutes=due)
        rows.append((f"CL-{55120 + n}", route, tanker, iso(s), int(s.timestamp()), iso(d), int(d.timestamp()), status,
                     fl, litres, note))  # fmt: skip
    return rows


def _cip(now: datetime) -> list[tuple[Any, ...]]:
    items = []
    for cset, obj, first, every, minutes in CIP_PLAN:
        m = first
        k = 0
        while m < SPAN:
            items.append((m, cset, obj, minutes, k, CIP_FAILS.get((cset, obj, m))))
            if (cset, obj, m) in CIP_FAILS:
                items.append((m - 80, cset, obj, minutes, k, "rerun"))
            m += every
            k += 1
    items.sort(key=lambda x: (-x[0], x[1], x[2]))
    rows = []
    for n, (m, cset, obj, minutes, k, fail) in enumerate(items):
        recipe, caustic, (lo, hi) = CIP_SETS[cset]
        t = now - timedelta(minutes=m)
        key = cset + obj
        pct = round(caustic + 0.1 * noise(key + "c", k) - 0.03, 2)
        ret = _span(lo, hi, key + "t", k)
        acid = "Acidex 40"
        if cset == "CIP-A" and m <= MOC_0872:
            acid = "Acidex 45"
        rinse = int(_span(40, 90, key + "r", k, 0))
        result, note = "pass", ""
        ended: str | None = iso(t + timedelta(minutes=minutes))
        if fail == "rerun":
            note = "re-run after the failed cycle: passed"
        elif fail:
            result, note = "fail", fail
            if "temperature" in fail:
                ret = 68.2
            else:
                pct = 0.6
        if m < minutes:  # still running
            ended, result, note = None, "running", "in progress"
        rows.append((f"CY-{61000 + n}", cset, obj, recipe, iso(t), int(t.timestamp()), ended, pct, ret,
                     f"{acid} 0.8%" if cset != "CIP-U" else "Acidex 40 1.0%", rinse, result, note))  # fmt: skip
    return rows


def _cip_windows(obj: str) -> list[tuple[int, int]]:
    """(from, to) minutes ago of an object's CIP cycles."""
    out = []
    for _cset, o, first, every, minutes in CIP_PLAN:
        if o == obj:
            out += [(first + every * k, first + every * k - minutes) for k in range(SPAN // every + 1)]
    return out


def _lots(now: datetime, intakes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    accepted = [(r[0], r[1], r[2], r[8], (int(now.timestamp()) - r[4]) // 60) for r in intakes if r[9] == "accepted"]
    rows = []
    for line, (product, silo, past, every, first, lot0, runs, (lo, hi), batch0, per_batch, prefix) in LINES.items():
        windows = _cip_windows(line)
        for j in range(runs):
            start = first + every * j
            end = start - every
            length = every if end >= 0 else start
            starved = FL4_STARVED.get(j, 0) if line == "FL-4" else 0
            cip = sum(max(0, min(start, a) - max(end, b)) for a, b in windows)
            units = int(_span(lo, hi, line + "u", j, 0) * (length - starved - cip) / every)
            note = f"CIP-C clean {cip} min" if cip else ""
            if line == "FL-4" and j in FL4_STARVED:
                note = f"starved {starved} min: HTST-2 diverting"
            if end < 0:
                note = (note + "; " if note else "") + "in progress"
            src = [a for a in accepted if start + 120 <= a[4] <= start + 900][-3:]
            t, e = now - timedelta(minutes=start), now - timedelta(minutes=end)
            rows.append((f"L{line[3:]}-{lot0 - j}", line, product, iso(t), int(t.timestamp()),
                         None if end < 0 else iso(e), units, int(units * _span(0.002, 0.006, line + "r", j, 4)),
                         starved, f"{prefix}{batch0 - j // per_batch}", past, silo,
                         ", ".join(sorted({a[3] for a in src})), ", ".join(a[0] for a in src),
                         ", ".join(a[1] for a in src), ", ".join(a[2] for a in src), note))  # fmt: skip
    return rows


def _lab(now: datetime, intakes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    items: list[tuple[int, tuple[Any, ...]]] = []
    now_epoch = int(now.timestamp())
    for r in intakes:
        m = (now_epoch - r[4]) // 60 - 3
        pos = r[7].startswith("POSITIVE")
        items.append((m, (f"{r[1]} ({r[0]})", "raw milk (tanker)", "antibiotics",
                          "positive (beta-lactam)" if pos else "negative", None, "", "negative",
                          "fail" if pos else "pass", "Nadia Osei")))  # fmt: skip
    fails = {("RMS-4", 50 + 360 * 16): 132000, ("RMS-1", 50 + 360 * 10): 118000, ("RMS-2", 50 + 360 * 48): 141000}
    for silo in ("RMS-1", "RMS-2", "RMS-3", "RMS-4"):
        for k in range(56):
            m = 50 + 360 * k
            if silo == "RMS-4" and m < 60:
                continue
            tvc = fails.get((silo, m), int(_span(18000, 62000, silo + "tvc", k, -3)))
            scc = int(_span(160000, 260000, silo + "scc", k, -3))
            items.append((m, (silo, "raw milk", "TVC", f"{tvc:,}", tvc, "cfu/ml", "<= 100,000",
                              "fail" if tvc > 100000 else "pass", "Nadia Osei")))  # fmt: skip
            items.append((m, (silo, "raw milk", "SCC", f"{scc:,}", scc, "cells/ml", "<= 400,000", "pass",
                              "Nadia Osei")))  # fmt: skip
    pfails = {("PMS-3", 70 + 240 * 36, "TVC"): 26000, ("PMS-3", 70 + 240 * 12, "coliforms"): 3,
              ("PMS-1", 70 + 240 * 60, "coliforms"): 2}  # fmt: skip
    product = {"PMS-1": "pasteurised whole milk", "PMS-2": "pasteurised semi-skimmed", "PMS-3": "pasteurised skimmed"}
    for silo in ("PMS-1", "PMS-2", "PMS-3"):
        for k in range(84):
            m = 70 + 240 * k
            who = "Priti Lamba" if (m // 720) % 2 else "Marisol Quaye"
            alp = _span(14, 58, silo + "alp", k, 0)
            tvc = pfails.get((silo, m, "TVC")) or int(_span(200, 2800, silo + "tvc", k, -1))
            col = pfails.get((silo, m, "coliforms"), 0)
            items.append((m, (silo, product[silo], "ALP", f"{alp:.0f}", alp, "mU/l", "< 350", "pass", who)))
            items.append((m, (silo, product[silo], "TVC", f"{tvc:,}", tvc, "cfu/ml", "<= 20,000",
                              "fail" if tvc > 20000 else "pass", who)))  # fmt: skip
            items.append((m, (silo, product[silo], "coliforms", str(col), col, "cfu/ml", "< 1",
                              "fail" if col else "pass", who)))  # fmt: skip
    for lot, m, alp in (("L4-6127", 200, 24), ("L4-6128", 140, 31), ("L4-6129", 25, 27)):
        items.append((m, (lot, "semi-skimmed milk, 1 litre HDPE", "ALP", str(alp), alp, "mU/l", "< 350", "pass",
                          "Priti Lamba")))  # fmt: skip
        items.append((m, (lot, "semi-skimmed milk, 1 litre HDPE", "TVC", "pending (48 h plate)", None, "cfu/ml",
                          "<= 20,000", "pending", "Priti Lamba")))  # fmt: skip
    items.sort(key=lambda x: (-x[0], x[1][0], x[1][2]))
    rows = []
    for n, (m, fields) in enumerate(items):
        t = now - timedelta(minutes=m)
        rows.append((f"SMP-{903000 + n}", iso(t), int(t.timestamp()), *fields))
    return rows


def _ccp(now: datetime, intakes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    items: list[tuple[int, tuple[Any, ...]]] = []
    now_epoch = int(now.timestamp())
    for r in intakes:
        m = (now_epoch - r[4]) // 60 - 5
        ok = r[9] == "accepted"
        reading = f"{r[1]} {r[2]}: antibiotics {r[7]}, {r[6]} C"
        action = "" if ok else f"load rejected ({r[0]}): {r[10]}"
        items.append((m, ("CCP1", "RB-1" if r[5] % 2 else "RB-2", reading, "antibiotics negative, milk <= 6.0 C",
                          "ok" if ok else "deviation", action, "Nadia Osei")))  # fmt: skip
    for unit in ("HTST-1", "HTST-2"):
        cip_from, cip_to = HTST_CIP[unit]
        for k in range(SPAN // 120):
            m = 45 + 120 * k
            if cip_to <= m % DAY <= cip_from:
                continue
            if unit == "HTST-2" and m <= SETTLED:
                temp = _span(72.4, 72.6, unit + "ccp", k, 2)
            elif unit == "HTST-2":
                temp = _span(73.4, 73.9, unit + "ccp", k, 2)
            else:
                temp = _span(73.6, 74.0, unit + "ccp", k, 2)
            who = "process operator"
            items.append((m, ("CCP2", unit, f"holding tube outlet {temp} C; recorder matches the indicating "
                              "thermometer", ">= 72.0 C for 15 s (divert at 72.3 C)", "ok", "", who)))  # fmt: skip
    items.append((280, ("CCP2", "HTST-2", "two diversions in 16 minutes (lowest 72.16 C)",
                        ">= 72.0 C for 15 s (divert at 72.3 C)", "deviation",
                        "product recirculated by FDV-2, none forward below the setpoint; engineering and QA on call "
                        "called (SOP-PAS-03)", "Ruth Abernethy")))  # fmt: skip
    items.append((HOLD_AT, ("CCP2", "HTST-2", "repeated diversions since the hot water change (MOC-0874)",
                            ">= 72.0 C for 15 s (divert at 72.3 C)", "deviation",
                            "precautionary hold QH-0412 on FL-4's lots from L4-6127; ALP and TVC on each lot",
                            "Oonagh Feeney")))  # fmt: skip
    for line in ("FL-3", "FL-4", "FL-6", "FL-8"):
        for k in range(SPAN // 240):
            m = 100 + 240 * k
            if line == "FL-8" and m < FL8_MAINT:
                continue
            items.append((m, ("CCP3", line, "metal detector: Fe 2.0, NFe 2.5, SS 3.0 mm test pieces rejected",
                              "all three test pieces rejected", "ok", "", "line operator")))  # fmt: skip
    items.sort(key=lambda x: (-x[0], x[1][0], x[1][1]))
    rows = []
    for n, (m, (ccp, asset, reading, limit, result, action, who)) in enumerate(items):
        t = now - timedelta(minutes=m)
        rows.append((f"CCPR-{51000 + n}", ccp, asset, iso(t), int(t.timestamp()), reading, limit, result, action,
                     who))  # fmt: skip
    return rows


def _cold(now: datetime) -> list[tuple[Any, ...]]:
    stores = [("CS-1", (2.0, 3.4), 2.5, 4.5, 5.0), ("CS-2", (2.2, 3.4), 2.5, 4.5, 5.0),
              ("BCH-1", (-1.0, 1.5), 0.0, 3.0, 4.0)]  # fmt: skip
    rows = []
    for store, (lo, hi), setpoint, warn, alarm in stores:
        for k in range(287, -1, -1):
            m = 4 + 10 * k
            air = _span(lo, hi, store, k, 2)
            if store == "CS-2" and m < FAN_TRIP:
                air = round(3.0 + 1.6 * (FAN_TRIP - m) / (FAN_TRIP - 4) + 0.04 * noise("cs2", k) - 0.02, 2)
            t = now - timedelta(minutes=m)
            rows.append((store, iso(t), int(t.timestamp()), air, setpoint, warn, alarm))
    return rows


def _utilities(now: datetime) -> list[tuple[Any, ...]]:
    tags = [("PT-STM1", "steam", "BH-1 steam header pressure", (9.8, 10.4), "bar g", "low 9.0"),
            ("PT-NH3S", "ammonia", "NH3 suction pressure (NH3-1 / NH3-2)", (2.0, 2.3), "bar g", "high 3.0"),
            ("AT-NH3", "ammonia", "NH3 detectors, plant room: highest", (0.0, 4.0), "ppm", "high 25"),
            ("TT-ICEW", "ice_water", "ice water supply temperature", (0.8, 1.4), "C", "high 2.5"),
            ("PT-AIR", "air", "compressed air header pressure", (6.8, 7.1), "bar g", "low 6.2")]  # fmt: skip
    rows = []
    for tag, system, desc, (lo, hi), unit, limit in tags:
        for k in range(47, -1, -1):
            t = now - timedelta(minutes=20 + 60 * k)
            rows.append((tag, system, desc, iso(t), int(t.timestamp()), _span(lo, hi, tag, k), unit, limit))
    return rows


def _effluent(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(23, -1, -1):
        t = now - timedelta(minutes=10 + 60 * k)
        rows.append((iso(t), int(t.timestamp()), _span(6.9, 7.8, "ph", k), int(_span(1800, 2700, "cod", k, 0)),
                     _span(38, 62, "flow", k), _span(24, 31, "etpt", k), "pH 6-10, COD <= 6,000 mg/l"))  # fmt: skip
    return rows


def _silos(clock: EstateClock) -> list[tuple[Any, ...]]:
    return [
        ("RMS-1", "raw", "raw whole milk", 112400, 150000, 3.6, "", "RB-1 / RB-2", "SEP-1", clock.ago(600), ""),
        ("RMS-2", "raw", "raw whole milk", 96800, 150000, 3.9, "", "RB-1 / RB-2", "SEP-1", clock.ago(1000), ""),
        ("RMS-3", "raw", "raw whole milk", 131200, 150000, 3.4, "", "RB-1 / RB-2", "SEP-1", clock.ago(1300), ""),
        ("RMS-4", "raw", "", 0, 150000, None, "", "RB-1 / RB-2", "SEP-1", clock.ago(1720), "empty; CIP due"),
        ("PMS-1", "pasteurised", "whole milk", 38500, 60000, 3.1, "PB-31580", "HTST-1", "FL-3", clock.ago(500), ""),
        ("PMS-2", "pasteurised", "semi-skimmed milk", 22100, 60000, 3.3, "PB-40960", "HTST-2", "FL-4",
         clock.ago(1100), "FL-4's lots from L4-6127 on hold (QH-0412)"),
        ("PMS-3", "pasteurised", "skimmed milk", 41700, 60000, 3.0, "PB-52190", "HTST-1", "FL-6", clock.ago(300), ""),
        ("CRT-1", "pasteurised", "cream 40%", 18300, 30000, 4.1, "", "SEP-1", "tanker sales", clock.ago(2000), ""),
    ]  # fmt: skip


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour shifts from 06:00 (days) and 18:00 (nights) UTC: two before the one running now, it and the next."""
    start = now.replace(hour=6, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, person in enumerate(SHIFT_MANAGERS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("days" if s.hour == 6 else "nights", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()),
                     person, MOBILES[person]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    assets = []
    for asset, area, kind, maker, model, installed in ASSETS:
        state, since, note = ASSET_NOW.get(asset, ("RUNNING", 6 * DAY, "running since the start of the week"))
        assets.append((asset, area, kind, maker, model, installed, state, ago(since), _at(note, now)))
    db.executemany("INSERT INTO assets VALUES (?,?,?,?,?,?,?,?,?)", assets)
    db.executemany("INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?)",
                   [(a, tag, asset, p, text, ago(f), ago(last), n, by)
                    for a, tag, asset, p, text, f, last, n, by in ALARMS])  # fmt: skip
    db.executemany("INSERT INTO past_samples VALUES (?,?,?,?,?,?,?,?,?,?,?)", _past_samples(now))
    diversions = []
    for n, (unit, m, secs, low, cause) in enumerate(_diversions()):
        flow = 18200 if unit == "HTST-1" else 24000
        diversions.append((f"DV-{6190 + n}", unit, "FDV-" + unit[-1], ago(m), clock.epoch(m), secs, low, DIVERT_SET,
                           int(flow * secs / 3600), cause))  # fmt: skip
    db.executemany("INSERT INTO diversions VALUES (?,?,?,?,?,?,?,?,?,?)", diversions)
    intakes = _intakes(now)
    db.executemany("INSERT INTO intakes VALUES (?,?,?,?,?,?,?,?,?,?,?)", intakes)
    db.executemany("INSERT INTO ccp_records VALUES (?,?,?,?,?,?,?,?,?,?)", _ccp(now, intakes))
    db.executemany("INSERT INTO cip_cycles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _cip(now))
    db.executemany("INSERT INTO cip_recipes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*r[:11], ago(r[11]), *r[12:]) for r in CIP_RECIPES])  # fmt: skip
    db.executemany("INSERT INTO tankers VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*t[:6], ago(t[6]), *t[7:]) for t in TANKERS])  # fmt: skip
    db.executemany("INSERT INTO collections VALUES (?,?,?,?,?,?,?,?,?,?,?)", _collections(now))
    db.executemany("INSERT INTO farms VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*f[:8], ago(f[8]), f[9]) for f in FARMS])  # fmt: skip
    db.executemany("INSERT INTO silos VALUES (?,?,?,?,?,?,?,?,?,?,?)", _silos(clock))
    db.executemany("INSERT INTO cold_temps VALUES (?,?,?,?,?,?,?)", _cold(now))
    db.executemany("INSERT INTO utilities VALUES (?,?,?,?,?,?,?,?)", _utilities(now))
    db.executemany("INSERT INTO effluent VALUES (?,?,?,?,?,?,?)", _effluent(now))
    db.executemany("INSERT INTO lab_results VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", _lab(now, intakes))
    db.executemany("INSERT INTO lots VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _lots(now, intakes))
    db.executemany("INSERT INTO holds VALUES (?,?,?,?,?,?,?,?,?)",
                   [(h, lot, r, ago(p), clock.epoch(p), by, st, ago(rel), note)
                    for h, lot, r, p, by, st, rel, note in HOLDS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(w, a, task, st, ago(s), clock.epoch(s), ago(d), ago(c), who, n)
                    for w, a, task, st, s, d, c, who, n in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:9], clock.epoch(c[9]), ago(c[10]), ago(c[11]), None if c[11] is None else clock.epoch(c[11]),
          clock.epoch(c[12]), c[13]) for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 8))
    db.executemany("INSERT INTO shifts VALUES (?,?,?,?,?,?,?)", _shifts(now))
    db.executemany("INSERT INTO shift_log VALUES (?,?,?,?,?,?)",
                   [(f"DL-{8800 + n}", _hm(now - timedelta(minutes=m)), clock.epoch(m), a, r, _at(text, now))
                    for n, (m, a, r, text) in enumerate(SHIFT_LOG)])  # fmt: skip
    db.executemany("INSERT INTO docs VALUES (?,?,?,?)", DOCS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = (
        "Brakenholme Dairies, Tarrow Vale site: milk intake, tankers, silos, pasteurisers, CIP, HACCP, lab, lots, "
        "holds, cold stores, utilities, maintenance, changes"
    )
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
