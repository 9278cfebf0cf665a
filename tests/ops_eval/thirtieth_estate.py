"""A thirtieth estate, held out from the planner's tuning: the waste collection fleet and the materials recovery
facility (MRF) of Cradleigh Borough Council, run from the Sawbridge Road depot and the Fallowmead Lane site (MRF,
waste transfer station and weighbridge). Thirteen refuse collection vehicles (RCVs) by fleet number and registration
(``K-214`` / ``CX19 HRW``: 26 t split-body and single-body RCVs, an 18 t narrow-access RCV, two 7.5 t food waste
vehicles and two spares; Marrick Trucks chassis, Kelvedon Bodies bodies and bin lifts) run eleven rounds (residual
``RES-02`` .. ``RES-09``, dry mixed recycling ``REC-03`` .. ``REC-07``, garden ``GDN-01``, food ``FWD-1`` / ``FWD-2``);
the MRF's front end (``FE-INF`` infeed conveyor, ``FE-TRM`` trommel, ``FE-BAL`` ballistic separator) feeds the fibre
line ``L1`` (optical sorters ``OS-11``, ``OS-12``) and the containers line ``L2`` (``MAG-21`` overband magnet,
``ECS-21`` eddy current separator, optical sorters ``OS-21`` HDPE, ``OS-22`` PET, ``OS-23`` pots, tubs and trays, all
Spectrilux NV with air-jet ejectors), two Presswell balers (``BLR-1`` fibre, ``BLR-2`` containers), two compressors
(``AC-1``, standby ``AC-2``) and six thermal cameras (``TC-01`` .. ``TC-03`` tipping hall, ``TC-04`` / ``TC-05``
bunker, ``TC-06`` bale store): the fleet board, round runs, residents' missed bin reports, daily telematics (lifts,
bin-lift hydraulic pressure, lift cycle time) and engine fault codes, the MRF equipment and its state, line
throughput, sorter telemetry and recipes, quality control samples of the output grades, thermal camera readings and
fire detection events, weighbridge tickets, bale stock and offtake collections, maintenance work orders, supplier
cases and contacts, change records, health and safety incidents, the on-call rota, the MRF's shift supervisors, the
site log and the procedures library.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
vehicles are ``K-`` and a fleet number with a UK-style registration; rounds a stream code and a number (``REC-07``);
missed bin reports ``MB-48810``; sorter runs of telemetry by sorter (``OS-22``); quality samples ``QS-`` and a number;
bale lots ``BL-PET-0886``; offtake collections ``OC-3310``; weighbridge tickets ``WB-612040``; change records
``RFC-2291``; maintenance work orders ``MX-58801``; fire events ``FD-1187``; H&S incidents ``HS-4131``; site log
entries ``SL-5530``; procedures ``SOP-MRF-014``, ``QP-07``, ``EP-FIRE-02``, ``WI-FLT-09``; supplier cases by supplier:
Spectrilux ``SPX-CS-20931``, Kelvedon ``KB-R-4471``, Marrick ``MT-WC-118230``, Presswell ``PWB-0917``, Ashgrove Fire
Systems ``ASF-22817``; people are named in full (``Ines Trevithick``). Windows come as ``days``, ``hours``,
``window_days``, ``last_days``, ``lookback_hours``, an RFC 3339 time (``since``), ``hours_back``, ``back_days`` /
``ahead_days``, ``since_hours`` and ISO dates (``from_date`` / ``to_date``). :mod:`tests.ops_eval.thirtieth_apis`
defines them.

The story (minutes before the estate is built, minute-aligned; sorter telemetry every 10 minutes for 24 hours (ending
at T-3m, T-13m, ...), line throughput every 15 minutes for 48 hours (ending at T-7m, T-22m, ...), thermal cameras
every 10 minutes for 24 hours (T-5m, T-15m, ...), quality samples of PET, HDPE and PTT every 30 minutes (T-15m,
T-45m, ...) and of the other grades hourly (T-35m, T-95m, ...) for 14 days, daily telematics read at T-20m,
T-1d-20m, ... for 14 days; on-call weeks run from Monday 08:00 UTC and the supervisors' 8-hour shifts from 06:00,
14:00 and 22:00 UTC, with the story's people on the week and the shift running now whatever the hour, so the site
log's entries of the last few hours may predate a shift boundary; rounds and crews are stamped relative to now too):

- T-245m RFC-2291 (Tamsin Okafor, MRF process engineer) puts recipe PET-CLR v15 on OS-22, the PET sorter: clear PET
  trays added as a target and the air-jet eject delay cut from 18 to 15 ms, the delay for a belt at 3.0 m/s; the belt
  speed change (RFC-2293, 2.5 -> 3.0 m/s) was deferred at T-318m (L2 sort conveyor gearbox noise), so the belt still
  runs at 2.5 m/s and the jets fire about 7.5 mm early, clipping neighbours into the PET and missing bottles (L2
  stopped T-255m .. T-245m for the download). PET contamination goes from 2.6-4.2% to 9.8% at T-225m (the first sample
  over the 5% spec) and 12.6-15.1% since; OS-22's ejects per minute rise from about 230-250 to 290-320. T-192m the
  shift supervisor Gareth Pennock calls MRF quality on call Ines Trevithick (QP-07); T-171m MRF engineering on call
  Rory Castellan finds OS-22's hardware normal; T-152m Ines rules out the infeed (HDPE and PTT from the same line in
  spec) and BLR-2's PLC update; T-128m she ties it to RFC-2291's eject delay; T-116m the six PET bales made since
  (BL-PET-0886 .. 0891) go into quarantine and are held back from Orrin Polymers' collection OC-3310 (T+330m);
  T-101m she raises SPX-CS-20931 with Spectrilux (P1); T-71m Spectrilux (Dorota Wieczorek): the delay must match the
  belt, 18 ms at 2.5 m/s: revert; T-54m the duty manager Priyanka Hale approves emergency RFC-2296 (OS-22 back to
  PET-CLR v14, MX-58801 at the L2 break, T+25m).
- red herrings: RFC-2292 (OS-11 recipe CARD-QC v8 -> v9 on the fibre line, T-265m: fibre and card stay in spec),
  RFC-2290 (BLR-2 PLC firmware 4.2.1, Presswell PWB-0917, T-290m: bale weights normal), RFC-2289 (telematics firmware
  TU-5 3.8.2 on the fleet, T-430m), RFC-2284 (REC-07 re-routed for a new estate, 2 days ago); K-218 derated on REC-07
  at T-410m (DPF differential pressure, after a week of soot load warnings: 8 fault events this week, the most; VOR at
  the Marrick dealer, MT-WC-118230), the spare K-240 picking REC-07 up from T-300m: REC-07 has the most missed bins of
  the week (19; 14 of the 18 of the last 24 hours); K-226 in its 6-weekly inspection since T-500m; TC-04's bunker hot
  spot pre-alarm at T-95m (78.4 C: a vape battery, quarantined; FD-1187, HS-4132); OS-12 in a scheduled lens and
  valve block clean since T-80m; a trade load rejected at the weighbridge (gas cylinders) 29 hours ago.
- slow trends: K-231's bin-lift hydraulic peak pressure falls from 205.0 bar 13 days ago to 168.0 now and its lift
  cycle from 9.9 to 13.4 s (worn main pump, KB-R-4471; pump change MX-58797 in 2 days); RES-08 runs late.

On call this week: MRF engineering Rory Castellan (secondary Kwame Asante), MRF quality Ines Trevithick, fleet
workshop Lewis Aldred, transport Bev Holloway, duty manager Priyanka Hale. Shift supervisor now: Gareth Pennock (before
him Marta Kowalczyk, next Sian Maddox). Spectrilux's service line is +44 1632 960714, its escalation contact Ruaridh
Fenwick.

No API reports costs, gate fees or material prices, recycling rates or targets, forecasts (tonnage, weather), drivers'
hours (tachographs), overtime, energy use, or noise and odour complaints; there is no K-299 and no SPX-CS-29999;
quality samples are kept 14 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtieth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "cradleigh_waste"
DAY = 1440
#: RFC-2291 implemented; L2 stopped for the recipe download (from, to minutes ago)
RFC_2291, L2_STOP = 245, (255, 245)
#: PET quality samples since RFC-2291: minutes ago -> contamination %
PET_AFTER = {225: 9.8, 195: 12.6, 165: 13.9, 135: 14.6, 105: 13.8, 75: 15.1, 45: 14.4, 15: 14.9}
QUARANTINE_AT = 116
#: TC-04's hot spot: minutes ago -> hottest temperature (C)
TC04_SPOT = {105: 49.2, 95: 78.4, 85: 57.6, 75: 36.1}
#: K-218's derate; K-240 picks up REC-07; K-226's inspection
K218_DERATE, K240_START, K226_IN = 410, 300, 500

#: fleet no, reg, type, chassis, body, year, usual round
VEHICLES = [
    ("K-214", "CX19 HRW", "26t split-body RCV", "Marrick MX26", "Kelvedon Orca 26 split", 2019, "REC-03"),
    ("K-216", "CX19 HRZ", "26t RCV", "Marrick MX26", "Kelvedon Orca 26", 2019, "RES-02"),
    ("K-218", "CX20 KPD", "26t split-body RCV", "Marrick MX26", "Kelvedon Orca 26 split", 2020, "REC-07"),
    ("K-219", "CX20 KPF", "26t RCV", "Marrick MX26", "Kelvedon Orca 26", 2020, "GDN-01"),
    ("K-221", "CX20 KPJ", "26t RCV", "Marrick MX26", "Kelvedon Orca 26", 2020, "RES-04"),
    ("K-224", "CX21 MLA", "26t RCV", "Marrick MX26", "Kelvedon Orca 26", 2021, "RES-06"),
    ("K-226", "CX21 MLE", "26t RCV (spare)", "Marrick MX26", "Kelvedon Orca 26", 2021, ""),
    ("K-229", "CX22 NBU", "26t split-body RCV", "Marrick MX26", "Kelvedon Orca 26 split", 2022, "REC-05"),
    ("K-231", "CX22 NBV", "26t RCV", "Marrick MX26", "Kelvedon Orca 26", 2022, "RES-08"),
    ("K-233", "CX22 NBY", "18t narrow-access RCV", "Marrick MX18", "Kelvedon Orca N18", 2022, "RES-09"),
    ("K-235", "CX23 PFO", "7.5t food waste", "Marrick MX7", "Kelvedon Pod 7", 2023, "FWD-1"),
    ("K-236", "CX23 PFU", "7.5t food waste", "Marrick MX7", "Kelvedon Pod 7", 2023, "FWD-2"),
    ("K-240", "CX73 RDK", "26t split-body RCV (spare)", "Marrick MX26", "Kelvedon Orca 26 split", 2023, ""),
]  # fmt: skip
#: fleet no -> status, round, since (minutes ago), location, speed, note
VEHICLE_NOW = {
    "K-214": ("ON_ROUND", "REC-03", 425, "Larkspur Avenue, Hatchmoor", 11.0, ""),
    "K-216": ("ON_ROUND", "RES-02", 430, "Quarry Rise, Old Cradleigh", 7.0, ""),
    "K-218": ("VOR", "", K218_DERATE - 10, "Marrick dealer workshop, Sawbridge", 0.0,
              "engine derate: DPF differential pressure high (SPN 3251); DPF off-vehicle clean (MT-WC-118230)"),
    "K-219": ("AT_DEPOT", "", 55, "Sawbridge Road depot", 0.0, "GDN-01 completed"),
    "K-221": ("TIPPING", "RES-04", 6, "Fallowmead Lane WTS, bay 2", 0.0, "second tip of RES-04"),
    "K-224": ("ON_ROUND", "RES-06", 420, "Tanners Walk, Eastfold", 9.0, ""),
    "K-226": ("WORKSHOP", "", K226_IN, "Sawbridge Road depot workshop", 0.0,
              "6-weekly safety inspection (MX-58782)"),
    "K-229": ("ON_ROUND", "REC-05", 435, "Pennyroyal Close, Hatchmoor", 4.0, ""),
    "K-231": ("ON_ROUND", "RES-08", 440, "Cobbold Street, Westmere", 6.0,
              "bin lift slow: hydraulic pressure low (KB-R-4471); OK to run until the pump change"),
    "K-233": ("ON_ROUND", "RES-09", 410, "Chantry Lane, Old Cradleigh", 5.0, ""),
    "K-235": ("ON_ROUND", "FWD-1", 445, "Birchgrove Road, Eastfold", 13.0, ""),
    "K-236": ("ON_ROUND", "FWD-2", 415, "Maltings Way, Westmere", 8.0, ""),
    "K-240": ("ON_ROUND", "REC-07", K240_START, "Harlow Fields, Westmere", 10.0, "covering REC-07 for K-218"),
}  # fmt: skip
#: round, stream, usual vehicle, crew lead, streets planned, today's start (minutes ago), usual length (minutes)
ROUNDS = [
    ("RES-02", "residual", "K-216", "Dean Ashworth", 64, 430, 500),
    ("RES-04", "residual", "K-221", "Carl Nuttall", 58, 450, 490),
    ("RES-06", "residual", "K-224", "Shaun Pegler", 61, 420, 505),
    ("RES-08", "residual", "K-231", "Lee Dunmore", 60, 440, 510),
    ("RES-09", "residual (narrow access)", "K-233", "Terry Voss", 48, 410, 470),
    ("REC-03", "dry mixed recycling", "K-214", "Kev Marland", 66, 425, 515),
    ("REC-05", "dry mixed recycling", "K-229", "Jason Preddy", 63, 435, 505),
    ("REC-07", "dry mixed recycling", "K-218", "Wayne Tolley", 71, 470, 520),
    ("GDN-01", "garden", "K-219", "Mick Haddow", 55, 460, 405),
    ("FWD-1", "food", "K-235", "Ryan Sollis", 90, 445, 480),
    ("FWD-2", "food", "K-236", "Adam Kerrow", 88, 415, 470),
]  # fmt: skip
#: today's runs still going: round -> % done
TODAY_PCT = {"RES-02": 82, "RES-04": 91, "RES-06": 77, "RES-08": 69, "RES-09": 80, "REC-03": 74, "REC-05": 79,
             "FWD-1": 85, "FWD-2": 83}  # fmt: skip
STREETS = ["Larkspur Avenue", "Quarry Rise", "Tanners Walk", "Pennyroyal Close", "Cobbold Street", "Chantry Lane",
           "Birchgrove Road", "Maltings Way", "Harlow Fields", "Wychwood Drive", "Sallow Court", "Fenwick Row",
           "Thistle Bank", "Orchard Mews", "Gorse Hill Road", "Kestrel Way", "Ropewalk", "Millpond Lane",
           "Hawthorn Crescent", "Saxon Green", "Nettlebed Close", "Foundry Street", "Bramble Way",
           "Ashdown Road"]  # fmt: skip
#: missed bin reports: round -> minutes ago of each report (REC-07's today after K-218's derate)
MISSED = {
    "REC-07": [382, 351, 333, 310, 288, 262, 240, 221, 198, 175, 151, 128, 96, 64, 2650, 2610, 2585, 2540, 5900],
    "RES-08": [1010, 890, 3100, 3020, 5800, 7350, 8600],
    "RES-09": [600, 4400, 4350, 7100, 9300, 11000, 12500],
    "RES-06": [700, 4500, 6200, 8900],
    "RES-02": [2200, 5100, 9800],
    "REC-03": [3300, 6600, 9500, 11800],
    "RES-04": [2300, 7800, 10900, 13000],
    "REC-05": [4700, 8200],
    "GDN-01": [3500, 9100],
    "FWD-2": [1900, 6900],
    "FWD-1": [5600],
}
#: unladen weight by vehicle class (kg)
TARE = {"26": 15400, "18": 10800, "7.5": 4300}
CONTAINER = {"RES": "refuse", "REC": "recycling", "GDN": "garden", "FWD": "food"}
MISSED_REASONS = ["bin not collected", "bin not collected, presented on time", "assisted collection missed",
                  "whole street missed", "bin not emptied fully"]  # fmt: skip
#: engine fault events: fleet no, minutes ago, code, description, severity, active
FAULTS = [
    *[("K-218", m, "SPN 3719 FMI 16", "DPF soot load moderately high, regeneration requested", "amber", "no")
      for m in (8400, 7000, 5600, 4300, 2900, 1600)],
    ("K-218", 470, "SPN 3719 FMI 0", "DPF soot load severely high", "amber", "no"),
    ("K-218", K218_DERATE, "SPN 3251 FMI 0", "DPF differential pressure high: engine derate", "red", "yes"),
    ("K-224", 6100, "SPN 1761 FMI 17", "AdBlue (DEF) tank level low", "amber", "no"),
    ("K-224", 3900, "SPN 1761 FMI 17", "AdBlue (DEF) tank level low", "amber", "no"),
    ("K-224", 3800, "SPN 4364 FMI 18", "SCR conversion efficiency low", "amber", "no"),
    ("K-231", 5200, "SPN 110 FMI 15", "engine coolant temperature high (least severe)", "amber", "no"),
    ("K-214", 9000, "SPN 168 FMI 1", "battery voltage low at start", "amber", "no"),
    ("K-229", 395, "SPN 639 FMI 14", "J1939 network message missing (cleared after ignition cycle)", "info", "no"),
    ("K-240", 12000, "SPN 100 FMI 18", "engine oil pressure low (sensor replaced)", "red", "no"),
    ("K-216", 13500, "SPN 3719 FMI 16", "DPF soot load moderately high, regeneration requested", "amber", "no"),
]  # fmt: skip

#: asset, line, kind, maker, model, installed
EQUIPMENT = [
    ("FE-INF", "FE", "infeed conveyor", "Tarnfield Screens", "TSC chain-belt infeed, 1.6 m", 2019),
    ("FE-TRM", "FE", "trommel", "Tarnfield Screens", "TR-3 two-stage trommel (50 / 250 mm)", 2019),
    ("FE-BAL", "FE", "ballistic separator", "Tarnfield Screens", "BX-8 ballistic separator (2D / 3D / fines)", 2019),
    ("OS-11", "L1", "optical sorter (NIR + VIS): card out of paper", "Spectrilux Sorting", "Spectrilux NV-2800", 2019),
    ("OS-12", "L1", "optical sorter (NIR): paper final QC", "Spectrilux Sorting", "Spectrilux NV-2800", 2019),
    ("MAG-21", "L2", "overband magnet: steel cans", "Corvane Magnetics", "OBM-1200", 2021),
    ("ECS-21", "L2", "eddy current separator: aluminium cans", "Corvane Magnetics", "ECS-1000 HF", 2021),
    ("OS-21", "L2", "optical sorter (NIR): HDPE", "Spectrilux Sorting", "Spectrilux NV-2000", 2021),
    ("OS-22", "L2", "optical sorter (NIR): clear PET", "Spectrilux Sorting", "Spectrilux NV-2000", 2021),
    ("OS-23", "L2", "optical sorter (NIR): pots, tubs and trays (PTT)", "Spectrilux Sorting", "Spectrilux NV-2000",
     2021),
    ("BLR-1", "BALE", "two-ram baler: fibre and card", "Presswell Balers", "PB-90", 2019),
    ("BLR-2", "BALE", "channel baler: plastics and cans", "Presswell Balers", "PB-60", 2021),
    ("AC-1", "UTIL", "air compressor (sorter air)", "Halvern Air", "VS-75 variable speed, 75 kW", 2021),
    ("AC-2", "UTIL", "air compressor (standby)", "Halvern Air", "FS-55 fixed speed, 55 kW", 2019),
]  # fmt: skip
#: asset -> state, since (minutes ago), reason (the rest RUNNING since the morning start-up 3 days ago)
EQUIPMENT_NOW = {
    "OS-22": ("RUNNING", L2_STOP[1], "PET-CLR v15 since RFC-2291; PET out of spec (QP-07), revert planned (RFC-2296)"),
    "OS-12": ("MAINTENANCE", 80, "scheduled lens and valve block clean (MX-58790), back in about 40 minutes; paper "
              "QC by the pickers meanwhile"),
    "AC-2": ("STANDBY", 3 * DAY, "standby compressor; AC-1 carries the sorter air"),
    "BLR-2": ("RUNNING", 290, "PLC firmware 4.2.1 (RFC-2290)"),
    "MAG-21": ("RUNNING", L2_STOP[1], "restarted with L2 after the OS-22 recipe download"),
    "ECS-21": ("RUNNING", L2_STOP[1], "restarted with L2 after the OS-22 recipe download"),
    "OS-21": ("RUNNING", L2_STOP[1], "restarted with L2 after the OS-22 recipe download"),
    "OS-23": ("RUNNING", L2_STOP[1], "restarted with L2 after the OS-22 recipe download"),
}  # fmt: skip
#: line -> tonnes per hour (lo, hi)
THROUGHPUT = {"FE": (19.8, 21.4), "L1": (11.8, 12.9), "L2": (7.7, 8.5)}
#: sorter -> belt m/s, objects per minute (lo, hi), ejects per minute (lo, hi), eject delay ms, recipe label
SORTERS = {
    "OS-11": (3.0, (1650, 1900), (140, 175), 20.0, "CARD-QC v9"),
    "OS-12": (3.0, (1500, 1750), (60, 85), 20.0, "PAPER-QC v6"),
    "OS-21": (2.5, (980, 1120), (150, 175), 18.0, "HDPE-NAT v11"),
    "OS-22": (2.5, (990, 1130), (230, 250), 18.0, "PET-CLR v14"),
    "OS-23": (2.5, (700, 820), (170, 200), 18.0, "PTT v7"),
}
#: sorter, grade, recipe, version, targets, eject delay, belt speed set, air bar, changed (minutes ago), rfc, owner
RECIPES = [
    ("OS-11", "CARD", "CARD-QC", "v9", "brown and grey card, plastic film (ejected out of the paper)", 20.0, 3.0, 7.0,
     265, "RFC-2292", "Tamsin Okafor"),
    ("OS-12", "FIBRE", "PAPER-QC", "v6", "non-paper items (ejected out of the paper)", 20.0, 3.0, 7.0, 40 * DAY,
     "RFC-2203", "Tamsin Okafor"),
    ("OS-21", "HDPE", "HDPE-NAT", "v11", "natural and coloured HDPE bottles", 18.0, 2.5, 7.0, 55 * DAY, "RFC-2188",
     "Tamsin Okafor"),
    ("OS-22", "PET", "PET-CLR", "v15", "clear PET bottles and clear PET trays", 15.0, 3.0, 7.0, RFC_2291, "RFC-2291",
     "Tamsin Okafor"),
    ("OS-23", "PTT", "PTT", "v7", "PP and PS pots, tubs and trays", 18.0, 2.5, 7.0, 70 * DAY, "RFC-2164",
     "Tamsin Okafor"),
]  # fmt: skip
#: grade -> spec max %, normal contamination (lo, hi), main contaminants, every N minutes, first sample (minutes ago)
GRADES = {
    "PET": (5.0, (2.6, 4.2), "labels, caps, PVC", 30, 15),
    "HDPE": (5.0, (2.1, 3.9), "PP, caps, PET bottles", 30, 15),
    "PTT": (10.0, (5.2, 7.9), "film, black plastics", 30, 15),
    "ALU": (3.0, (1.1, 2.4), "steel, foil", 60, 35),
    "STEEL": (3.0, (0.9, 2.2), "aluminium, paper labels", 60, 35),
    "FIBRE": (2.5, (0.8, 1.9), "card, plastic film", 60, 35),
    "CARD": (5.0, (2.0, 3.9), "paper, plastic film", 60, 35),
}
QC_PEOPLE = ["Beata Lis", "Joel Amankwah", "Ruth Kinsella"]
#: camera, zone, view, normal max (lo, hi)
CAMERAS = [
    ("TC-01", "tipping_hall", "tipping hall north, RCV tipping bays 1-3", (18.0, 31.0)),
    ("TC-02", "tipping_hall", "tipping hall south, bays 4-6", (18.0, 30.0)),
    ("TC-03", "tipping_hall", "tipping hall push wall and loader lane", (19.0, 32.0)),
    ("TC-04", "bunker", "infeed bunker, zone B2 (east)", (21.0, 33.0)),
    ("TC-05", "bunker", "infeed bunker, zone B1 (west)", (21.0, 33.5)),
    ("TC-06", "bale_store", "bale store bays 1-8", (16.0, 26.0)),
]
PRE_ALARM_C, ALARM_C = 70.0, 90.0
#: event, camera, zone, kind, peak, raised, cleared (minutes ago), action, logged by
FIRE_EVENTS = [
    ("FD-1180", "TC-01", "tipping_hall", "test", None, 8 * DAY + 120, 8 * DAY + 100,
     "weekly fire detection and water cannon test: all cameras and both cannons passed", "Kwame Asante"),
    ("FD-1184", "TC-01", "tipping_hall", "pre-alarm", 74.0, 4 * DAY + 200, 4 * DAY + 170,
     "K-224's load after its hot load on Gorse Hill Road (HS-4129): spread and damped down, watched 30 minutes",
     "Marta Kowalczyk"),
    ("FD-1185", "TC-02", "tipping_hall", "fault", None, 3 * DAY + 300, 3 * DAY + 120,
     "camera view obscured by dust; lens cleaned (ASF-22817)", "Dale Ferriby"),
    ("FD-1187", "TC-04", "bunker", "pre-alarm", 78.4, 95, 70,
     "loader operator turned the pile with the water cannon ready; a vape battery (Li-ion) found, put in the "
     "sand bin; TC-04 back to normal; infeed kept running (EP-FIRE-02)", "Gareth Pennock"),
]  # fmt: skip

#: PET bales: made every 40 minutes from T-30m; the newest 6 since RFC-2291 are quarantined
BALE_GRADES = {
    # grade: baler, first lot number (oldest in stock), in-stock bales, every N minutes, weight (lo, hi) kg
    "PET": ("BLR-2", 872, 20, 40, (320, 360)),
    "HDPE": ("BLR-2", 611, 11, 65, (300, 340)),
    "PTT": ("BLR-2", 455, 9, 80, (330, 370)),
    "ALU": ("BLR-2", 298, 7, 120, (250, 290)),
    "STEEL": ("BLR-2", 340, 5, 160, (420, 480)),
    "FIBRE": ("BLR-1", 5120, 38, 20, (640, 720)),
    "CARD": ("BLR-1", 2890, 22, 30, (520, 590)),
}
#: ref, grade, offtaker, haulier, scheduled (minutes ago; negative: ahead), status, bales, tonnes, note
COLLECTIONS = [
    ("OC-3301", "PET", "Orrin Polymers", "Brindle Haulage", 2 * DAY + 200, "collected", 22, 7.42, ""),
    ("OC-3303", "HDPE", "Orrin Polymers", "Brindle Haulage", 3 * DAY + 100, "collected", 20, 6.41, ""),
    ("OC-3305", "FIBRE", "Halberd Fibre", "Halberd Fibre transport", DAY + 300, "collected", 36, 24.3, ""),
    ("OC-3306", "CARD", "Halberd Fibre", "Halberd Fibre transport", 2 * DAY + 500, "collected", 40, 22.1, ""),
    ("OC-3307", "STEEL", "Vessick Metals", "Vessick Metals", 4 * DAY + 100, "collected", 24, 10.9, ""),
    ("OC-3311", "FIBRE", "Halberd Fibre", "Halberd Fibre transport", -150, "scheduled", 30, 20.4, ""),
    ("OC-3310", "PET", "Orrin Polymers", "Brindle Haulage", -330, "scheduled", 14, 4.73,
     "the 6 quarantined bales (BL-PET-0886 .. BL-PET-0891) held back pending a re-sort; Orrin's spec: "
     "contamination at most 5%"),
    ("OC-3309", "ALU", "Vessick Metals", "Vessick Metals", -1300, "scheduled", 7, 1.89, ""),
    ("OC-3314", "CARD", "Halberd Fibre", "Halberd Fibre transport", -2 * DAY - 200, "scheduled", 40, 22.0, ""),
    ("OC-3316", "PTT", "Norland Plastics", "Brindle Haulage", -3 * DAY - 300, "scheduled", 24, 8.4, ""),
]  # fmt: skip

#: wo, asset, kind, status, scheduled, due back, completed (minutes ago; negative: ahead; None: not set), assignee,
#: notes
WORK_ORDERS = [
    ("MX-58760", "BLR-2", "shear blade change", "completed", 3 * DAY + 200, 3 * DAY + 20, 3 * DAY + 30,
     "Kwame Asante", ""),
    ("MX-58782", "K-226", "6-weekly safety inspection", "in_progress", K226_IN, -100, None, "Niall Corrigan",
     "brakes, lift, hydraulics, lights"),
    ("MX-58795", "K-218", "DPF off-vehicle clean (engine derate)", "in_progress", K218_DERATE - 30, -1300, None,
     "Marrick dealer workshop (MT-WC-118230)", "DPF removed for a thermal clean; back tomorrow afternoon"),
    ("MX-58790", "OS-12", "lens and valve block clean (scheduled PM)", "in_progress", 80, -40, None,
     "Rory Castellan", ""),
    ("MX-58801", "OS-22", "revert recipe to PET-CLR v14, tracer test, QC sample (RFC-2296)", "scheduled", -25, -55,
     None, "Rory Castellan with Ines Trevithick", "at the L2 break; Spectrilux (Dorota Wieczorek) on the phone"),
    ("MX-58770", "FE-TRM", "trommel screen panel inspection (blinding)", "scheduled", -1500, -1740, None,
     "Kwame Asante", "weekly; the front end stops for 4 hours"),
    ("MX-58797", "K-231", "bin lift main hydraulic pump replacement", "scheduled", -2950, -3310, None,
     "Kelvedon mobile engineer (KB-R-4471) with Lewis Aldred", "pump on order; K-226 to cover RES-08"),
    ("MX-58805", "TC-02", "thermal camera lens clean and recalibration", "scheduled", -4700, -4760, None,
     "Ashgrove Fire Systems", "quarterly"),
    ("MX-58810", "L2", "L2 sort conveyor drive gearbox inspection (before RFC-2293)", "scheduled", -5900, -6200,
     None, "Kwame Asante", ""),
]  # fmt: skip
#: rfc, title, scope, kind, risk, state, requested by, implemented by, approver, raised, planned, implemented, updated
#: (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("RFC-2277", "FE-BAL ballistic separator paddle angle 18 -> 16 degrees", "FE-BAL", "facility", "low",
     "implemented", "Tamsin Okafor", "Kwame Asante", "MRF change board", 12 * DAY, 9 * DAY, 9 * DAY, 9 * DAY,
     "better 2D / 3D split"),
    ("RFC-2284", "REC-07 re-routed: Harlow Fields new estate added (+6 streets)", "REC-07", "rounds", "low",
     "implemented", "Aoife Brannigan (transport manager)", "Aoife Brannigan", "Waste services manager", 6 * DAY,
     2 * DAY + 600, 2 * DAY + 600, 2 * DAY + 600, "crews briefed; the round is about 40 minutes longer"),
    ("RFC-2293", "L2 sort conveyor belt speed 2.5 -> 3.0 m/s", "L2", "facility", "medium", "deferred",
     "Tamsin Okafor", None, "MRF change board", 3 * DAY, 240, None, 318,
     "deferred: gearbox noise on the L2 sort conveyor drive, inspect first (MX-58810); OS-21, OS-22 and OS-23 recipes "
     "must be re-timed for 3.0 m/s with it"),
    ("RFC-2289", "Telematics firmware TU-5 3.8.2 on all vehicles", "fleet", "fleet_systems", "low", "implemented",
     "Hamza Qureshi (fleet systems)", "Hamza Qureshi", "Fleet manager", 4 * DAY, 430, 430, 430,
     "over the air; lift counter and GPS logging unchanged"),
    ("RFC-2290", "BLR-2 PLC firmware 4.2.1 (density profile for PTT)", "BLR-2", "plc", "low", "implemented",
     "Kwame Asante", "Oliver Stent (Presswell)", "MRF change board", 5 * DAY, 290, 290, 290,
     "PWB-0917; test bales 412-426 kg, to spec; no sorting function"),
    ("RFC-2292", "OS-11 recipe CARD-QC v8 -> v9 (more brown card out of the paper)", "OS-11", "sorter_recipe", "low",
     "implemented", "Tamsin Okafor", "Tamsin Okafor", "MRF change board", 3 * DAY, 265, 265, 265,
     "fibre line only; tracer test passed"),
    ("RFC-2291", "OS-22 recipe PET-CLR v14 -> v15: clear PET trays added, eject delay 18 -> 15 ms", "OS-22",
     "sorter_recipe", "medium", "implemented", "Tamsin Okafor (MRF process engineer)", "Tamsin Okafor",
     "MRF change board", 3 * DAY, RFC_2291, RFC_2291, RFC_2291,
     "delay set for the 3.0 m/s belt of RFC-2293; backout: PET-CLR v14"),
    ("RFC-2296", "Emergency: OS-22 back to PET-CLR v14 (eject delay 18 ms, trays out)", "OS-22", "sorter_recipe",
     "medium", "approved", "Ines Trevithick", None, "Priyanka Hale (duty manager)", 55, -25, None, 54,
     "SPX-CS-20931; MX-58801 at the L2 break: tracer test and a QC sample; re-sort the quarantined PET bales"),
]  # fmt: skip
#: ref, supplier, asset, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
CASES = [
    ("SPX-CS-20874", "Spectrilux Sorting", "OS-12", "Valve block VB-2 intermittent fault", "resolved", "P3",
     "Dorota Wieczorek (remote service engineer)", "Rory Castellan", 6 * DAY + 200, 5 * DAY,
     "valve block VB-2 connector reseated; no faults since"),
    ("ASF-22817", "Ashgrove Fire Systems", "TC-02", "Thermal camera view obscured", "resolved", "P3",
     "Ashgrove service desk", "Dale Ferriby", 3 * DAY + 280, 3 * DAY + 100,
     "lens cleaned; air knife fitted at MX-58805"),
    ("PWB-0917", "Presswell Balers", "BLR-2", "PLC firmware 4.2.1 update (density profile)", "closed", "P4",
     "Oliver Stent (controls engineer)", "Kwame Asante", 5 * DAY, 280, "update complete, test bales to spec"),
    ("KB-R-4471", "Kelvedon Bodies", "K-231", "Bin lift hydraulic pressure low, slow lift cycles", "open", "P2",
     "Callum Breck (mobile engineer)", "Lewis Aldred", 5 * DAY + 100, DAY + 200,
     "flow test: the main hydraulic pump delivers 71% of its rated flow (worn); replacement pump ordered, fitted on "
     "MX-58797 in 2 days; safe to run meanwhile with slower lifts; take it off the road if the peak pressure drops "
     "below 160 bar"),
    ("MT-WC-118230", "Marrick Trucks", "K-218", "DPF differential pressure high, engine derate", "in_progress", "P2",
     "Sawbridge dealer workshop", "Lewis Aldred", 385, 120,
     "DPF heavily loaded (short-stop duty, failed regenerations all week); removed for an off-vehicle thermal clean, "
     "back tomorrow afternoon; not related to the telematics update"),
    ("SPX-CS-20931", "Spectrilux Sorting", "OS-22", "PET stream contamination since recipe PET-CLR v15",
     "in_progress", "P1", "Dorota Wieczorek (remote service engineer)", "Ines Trevithick", 101, 72,
     "the eject delay must match the belt speed: the valve block is 45 mm after the detection line, 18 ms at 2.5 "
     "m/s, 15 ms only at 3.0 m/s. With 15 ms at 2.5 m/s the jets fire 7.5 mm early: they clip the item ahead and "
     "miss the tail of the bottle, so HDPE, PTT and film go into the PET. Revert to v14 (or set 18 ms), run a tracer "
     "test of 50 marked items; trays can be kept as a target at 18 ms after a new tracer test."),
]  # fmt: skip
#: supplier, covers, phone, hours, engineer, escalation, contract
SUPPLIERS = [
    ("Ashgrove Fire Systems", "thermal cameras TC-01..TC-06 and water cannons", "+44 1632 960199", "24/7",
     "service desk", "Maeve Corliss, service manager, +44 7700 900199", "AFS-MC-2021"),
    ("Corvane Magnetics", "overband magnet MAG-21, eddy current separator ECS-21", "+44 1632 960288",
     "08:00-17:00 weekdays", "field engineer on request", "Idris Boland, service lead", "CVM-2021-07"),
    ("Halberd Fibre", "offtaker: mixed paper (FIBRE) and card (CARD)", "+44 1632 960940", "07:00-17:00",
     "Lena Sutcliffe (account manager)", "Bryn Oakes, commercial manager", "HF-OFF-2024"),
    ("Halvern Air", "air compressors AC-1, AC-2", "+44 1632 960233", "24/7", "Pete Lomax (engineer)",
     "Sara Quint, service manager", "HA-SC-2021"),
    ("Kelvedon Bodies", "RCV bodies and bin lifts (Orca 26, Orca N18, Pod 7)", "+44 1632 960452",
     "07:00-19:00 weekdays", "Callum Breck (mobile engineer)", "Hannah Mowbray, aftersales manager, +44 7700 900452",
     "KB-CM-2022 contract maintenance"),
    ("Marrick Trucks", "chassis (MX26, MX18, MX7) via the Sawbridge dealer", "+44 1632 960563", "24/7 breakdown",
     "Sawbridge dealer workshop", "Tom Ellery, dealer service manager, +44 7700 900563", "MT-RM-2020"),
    ("Orrin Polymers", "offtaker: PET and HDPE bales", "+44 1632 960817", "08:00-18:00",
     "Nadia Pruett (account manager)", "Gideon Marsh, quality manager", "OP-OFF-2024 (PET max 5% contamination)"),
    ("Presswell Balers", "balers BLR-1 (PB-90) and BLR-2 (PB-60)", "+44 1632 960681", "24/7",
     "Oliver Stent (controls engineer)", "Jade Kimber, service director, +44 7700 900681", "PWB-SC-2019"),
    ("Spectrilux Sorting", "optical sorters OS-11, OS-12, OS-21, OS-22, OS-23 (NV-2000, NV-2800)", "+44 1632 960714",
     "24/7 remote service; site visits 08:00-18:00", "Dorota Wieczorek (remote service engineer)",
     "Ruaridh Fenwick, service manager, +44 7700 900714", "SPX-SLA-2021: 2 hours remote, next day on site"),
    ("Tarnfield Screens", "front end: infeed FE-INF, trommel FE-TRM, ballistic separator FE-BAL", "+44 1632 960325",
     "08:00-17:00 weekdays", "Gwen Harrop (service engineer)", "Alun Price, aftersales manager", "TS-2019-04"),
    ("Trackwise Telematics", "vehicle telematics units TU-5 and in-cab tablets", "+44 1632 960877", "24/7",
     "support desk", "Mira Novak, customer success", "TW-2022-11"),
]  # fmt: skip
#: ref, minutes ago, site, category, severity, summary, riddor, actions, status
HS_INCIDENTS = [
    ("HS-4118", 26 * DAY, "MRF bale store", "injury", "low", "operative slipped on spilt hydraulic oil by BLR-1",
     "no", "spill kit restocked; leak on BLR-1's ram hose fixed", "closed"),
    ("HS-4122", 16 * DAY, "round REC-03", "property damage", "low",
     "resident's bin dropped into the hopper by K-214's bin lift", "no", "bin replaced; lift comb checked", "closed"),
    ("HS-4126", 9 * DAY, "MRF L1 picking cabin", "injury", "low", "picker cut a finger on broken glass", "no",
     "first aid; cut-resistant gloves re-issued", "closed"),
    ("HS-4129", 4 * DAY + 230, "round RES-06, Gorse Hill Road", "fire", "high",
     "hot load in K-224's hopper: the crew tipped the burning load in the road, fire service attended, no injuries",
     "no", "battery awareness leaflets on RES-06; road cleared; remaining load watched at the MRF (FD-1184)", "open"),
    ("HS-4131", 140, "MRF tipping hall", "near miss", "medium",
     "loader reversing in the tipping hall while a visiting driver stood outside the walkway", "no",
     "banksman re-briefed; visiting drivers escorted", "open"),
    ("HS-4132", 90, "MRF bunker", "dangerous occurrence", "medium",
     "Li-ion vape battery smouldering in the bunker (TC-04 pre-alarm, FD-1187); quarantined in the sand bin", "no",
     "battery to the hazardous waste cage; toolbox talk on batteries", "open"),
]  # fmt: skip
#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "mrf_engineering": [("primary", ["Kwame Asante", "Rory Castellan", "Kwame Asante", "Rory Castellan"]),
                        ("secondary", ["Rory Castellan", "Kwame Asante", "Rory Castellan", "Kwame Asante"])],
    "mrf_quality": [("primary", ["Tamsin Okafor", "Ines Trevithick", "Tamsin Okafor", "Ines Trevithick"])],
    "fleet_workshop": [("primary", ["Niall Corrigan", "Lewis Aldred", "Niall Corrigan", "Lewis Aldred"])],
    "transport": [("primary", ["Aoife Brannigan", "Bev Holloway", "Aoife Brannigan", "Bev Holloway"])],
    "duty_manager": [("primary", ["Graham Lusk", "Priyanka Hale", "Felicity Dorne", "Graham Lusk"])],
}  # fmt: skip
#: shift supervisors: two shifts before the one running now, it, the next
SUPERVISORS = ["Dale Ferriby", "Marta Kowalczyk", "Gareth Pennock", "Sian Maddox"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(SUPERVISORS))
MOBILES = {p: f"+44 7700 900{300 + 11 * i:03d}" for i, p in enumerate(_PEOPLE)}
#: entry, minutes ago, author, role, text
SITE_LOG = [
    ("SL-5508", 1310, "Dale Ferriby", "shift supervisor", "night shift: L1 and L2 normal; FE-TRM screens brushed"),
    ("SL-5512", 820, "Marta Kowalczyk", "shift supervisor", "RES-08 finished late again (K-231 slow lifts); "
     "workshop told"),
    ("SL-5515", 428, "Hamza Qureshi", "fleet systems", "RFC-2289 done: telematics TU-5 3.8.2 on all 13 vehicles, all "
     "reporting"),
    ("SL-5516", 404, "Bev Holloway", "transport on call", "K-218 derated on REC-07 (DPF, SPN 3251), limped back: VOR. "
     "Spare K-240 to take REC-07 over after its walk-round checks; expect missed bin calls on REC-07"),
    ("SL-5517", 378, "Lewis Aldred", "fleet workshop on call", "K-218 to the Marrick dealer for the DPF "
     "(MT-WC-118230); soot load warnings all week, not the telematics update"),
    ("SL-5518", 318, "Kwame Asante", "MRF engineering", "RFC-2293 (L2 belt 3.0 m/s) deferred: L2 sort conveyor "
     "drive gearbox noisy, inspect first (MX-58810)"),
    ("SL-5519", 288, "Oliver Stent", "Presswell controls engineer", "RFC-2290 done: BLR-2 PLC 4.2.1; test bales "
     "412-426 kg, to spec"),
    ("SL-5520", 262, "Tamsin Okafor", "MRF process engineer", "RFC-2292 done: OS-11 CARD-QC v9, tracer test passed"),
    ("SL-5521", 243, "Tamsin Okafor", "MRF process engineer", "RFC-2291 done: OS-22 PET-CLR v15 (trays in, eject "
     "delay 15 ms); L2 restarted"),
    ("SL-5522", 221, "Gareth Pennock", "shift supervisor", "PET QC sample 9.8% (spec 5%): re-sampling at the next "
     "half hour"),
    ("SL-5523", 192, "Gareth Pennock", "shift supervisor", "PET 12.6%, second sample over spec: called MRF quality "
     "on call Ines Trevithick (QP-07)"),
    ("SL-5524", 171, "Rory Castellan", "MRF engineering on call", "OS-22 hardware checked: valve block test passed, "
     "no valve faults, air 7.0 bar, lenses clean, belt 2.5 m/s"),
    ("SL-5525", 152, "Ines Trevithick", "MRF quality on call", "not the infeed (HDPE and PTT from the same line are "
     "in spec) and not BLR-2's PLC update (bale weights normal, no sorting function). The contaminants in the PET "
     "are HDPE bottles, PTT and film: the neighbours of ejected bottles"),
    ("SL-5526", 128, "Ines Trevithick", "MRF quality on call", "OS-22's eject delay is 15 ms since RFC-2291 but the "
     "belt is still at 2.5 m/s (RFC-2293 deferred): the jets fire early. Suspect RFC-2291"),
    ("SL-5527", 116, "Ines Trevithick", "MRF quality on call", "PET bales since RFC-2291 quarantined (BL-PET-0886 "
     "onwards) and held back from OC-3310"),
    ("SL-5528", 101, "Ines Trevithick", "MRF quality on call", "raised SPX-CS-20931 with Spectrilux (P1)"),
    ("SL-5529", 93, "Gareth Pennock", "shift supervisor", "TC-04 pre-alarm in the bunker (78 C): loader turned the "
     "pile, vape battery found and put in the sand bin (FD-1187, HS-4132); infeed kept running"),
    ("SL-5530", 71, "Ines Trevithick", "MRF quality on call", "Spectrilux (Dorota Wieczorek): the delay must match "
     "the belt: 18 ms at 2.5 m/s. Revert to v14 or set 18 ms; trays can stay after a new tracer test"),
    ("SL-5531", 54, "Priyanka Hale", "duty manager", "emergency RFC-2296 approved: OS-22 back to PET-CLR v14 at the "
     "L2 break (MX-58801), tracer test and QC sample; re-sort the quarantined PET bales at the end of the shift"),
    ("SL-5532", 28, "Gareth Pennock", "shift supervisor", "PET still 14.4%; waiting for the L2 break"),
]  # fmt: skip
#: doc, title, kind, body
DOCS = [
    ("ESC-01", "Waste services escalation matrix", "escalation",
     "MRF: a grade out of spec for two samples, a line down for more than an hour or any fire alarm: the shift "
     "supervisor, then MRF quality or MRF engineering on call, then the duty manager. Fleet: a vehicle off the road "
     "with no spare, or a round not finished: transport on call, then the duty manager. Suppliers: raise a case, P1 "
     "when a line or a grade is affected; call the supplier's escalation contact after 2 hours without a fix."),
    ("EP-FIRE-02", "Fire emergency plan: hot spot in the bunker or tipping hall", "emergency plan",
     "Pre-alarm (a thermal camera above 70 C): the loader operator isolates the hot material and turns the pile with "
     "the water cannon ready, looks for batteries and gas canisters, puts them in the sand bin, and watches the spot "
     "for 30 minutes; the shift supervisor logs it. Alarm (above 90 C) or smoke or flame: stop the infeed, sound the "
     "fire alarm, evacuate to the assembly point, call the fire service on 999, start the water cannon from the "
     "safe position, then the duty manager."),
    ("QP-07", "Bale grade out of specification (contamination above the spec)", "quality procedure",
     "Two consecutive QC samples above the grade's spec: 1. call MRF quality on call; 2. quarantine every bale made "
     "since the last good sample and hold it back from collections; 3. check recent RFCs (sorter recipes, belt "
     "speeds), the sorter's telemetry and the infeed; 4. MRF engineering checks the sorter's valves, air and "
     "lenses; 5. revert a suspect change; 6. re-sort quarantined bales through the line and re-sample before release."),
    ("SOP-MRF-014", "Optical sorter recipe change", "sop",
     "Every recipe change needs an RFC. The eject delay is the distance from the detection line to the valve block "
     "divided by the belt speed (NV-2000: 45 mm, so 18 ms at 2.5 m/s and 15 ms at 3.0 m/s): never change one without "
     "the other. After the change: tracer test with 50 marked items, QC sample within 30 minutes, revert if above "
     "spec."),
    ("SOP-MRF-020", "Baler bale weight and density check", "sop",
     "Weigh every 10th bale; PET 300-380 kg, FIBRE 620-740 kg; after a PLC change weigh the first 5 bales."),
    ("WI-FLT-03", "Vehicle off road (VOR) and spare allocation", "work instruction",
     "Transport on call allocates a spare (K-226, K-240) and the round resumes from the last street done; tell the "
     "contact centre which streets will be late so missed bin reports can be answered."),
    ("WI-FLT-09", "RCV bin lift hydraulic defect", "work instruction",
     "Peak bin-lift pressure below 180 bar or a lift cycle above 13 s: report a defect, workshop inspection within 48 "
     "hours, Kelvedon case; below 160 bar take the vehicle off the road."),
    ("WI-FLT-12", "Hot load in an RCV", "work instruction",
     "Smoke or heat from the hopper: stop away from buildings, call 999, tip the load in a safe open place only when "
     "told to, never compact a burning load."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE vehicles (fleet_no TEXT PRIMARY KEY, reg TEXT, vtype TEXT, chassis TEXT, body TEXT, depot TEXT,
                       year INTEGER, usual_round TEXT, status TEXT, round_now TEXT, since TEXT, last_fix TEXT,
                       location TEXT, speed_kmh REAL, note TEXT);
CREATE TABLE round_runs (run TEXT PRIMARY KEY, round TEXT, stream TEXT, vehicle TEXT, crew_lead TEXT, started TEXT,
                         start_epoch INTEGER, finished TEXT, status TEXT, streets_planned INTEGER,
                         streets_done INTEGER, pct_done INTEGER, lifts INTEGER, note TEXT);
CREATE TABLE missed_bins (report TEXT PRIMARY KEY, reported TEXT, rep_epoch INTEGER, round TEXT, street TEXT,
                          container TEXT, reason TEXT, vehicle TEXT, status TEXT);
CREATE TABLE telematics_daily (fleet_no TEXT, read_utc TEXT, read_epoch INTEGER, km REAL, lifts INTEGER,
                               peak_hydraulic_bar REAL, lift_cycle_s REAL, fuel_l REAL, idle_pct REAL);
CREATE TABLE engine_faults (fleet_no TEXT, at_utc TEXT, at_epoch INTEGER, code TEXT, description TEXT,
                            severity TEXT, active TEXT);
CREATE TABLE mrf_equipment (asset TEXT PRIMARY KEY, line TEXT, kind TEXT, maker TEXT, model TEXT, installed INTEGER,
                            state TEXT, since TEXT, reason TEXT);
CREATE TABLE throughput (line TEXT, sample_end TEXT, end_epoch INTEGER, tonnes_per_hour REAL, running_min INTEGER);
CREATE TABLE sorter_samples (sorter TEXT, sample_end TEXT, end_epoch INTEGER, recipe TEXT, belt_m_s REAL,
                             objects_per_min INTEGER, ejects_per_min INTEGER, eject_delay_ms REAL, air_bar REAL,
                             valve_faults INTEGER);
CREATE TABLE sorter_recipes (sorter TEXT PRIMARY KEY, grade TEXT, recipe TEXT, version TEXT, targets TEXT,
                             eject_delay_ms REAL, belt_speed_set_m_s REAL, air_bar_set REAL, changed TEXT, rfc TEXT,
                             owner TEXT);
CREATE TABLE quality_samples (sample TEXT PRIMARY KEY, grade TEXT, sampled TEXT, s_epoch INTEGER,
                              contamination_pct REAL, spec_max_pct REAL, main_contaminants TEXT, sampled_by TEXT);
CREATE INDEX qs_epoch ON quality_samples (s_epoch);
CREATE TABLE thermal (camera TEXT, zone TEXT, view TEXT, reading_utc TEXT, r_epoch INTEGER, max_c REAL,
                      pre_alarm_c REAL, alarm_c REAL);
CREATE TABLE fire_events (event TEXT PRIMARY KEY, camera TEXT, zone TEXT, kind TEXT, peak_c REAL, raised TEXT,
                          r_epoch INTEGER, cleared TEXT, action TEXT, logged_by TEXT);
CREATE TABLE weighbridge (ticket TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, direction TEXT, vehicle TEXT,
                          operator TEXT, source TEXT, material TEXT, ewc TEXT, gross_kg INTEGER, tare_kg INTEGER,
                          net_kg INTEGER, status TEXT, note TEXT);
CREATE TABLE bales (lot TEXT PRIMARY KEY, grade TEXT, baler TEXT, made TEXT, m_epoch INTEGER, weight_kg INTEGER,
                    status TEXT, bay TEXT, note TEXT);
CREATE TABLE collections (ref TEXT PRIMARY KEY, grade TEXT, offtaker TEXT, haulier TEXT, scheduled TEXT, status TEXT,
                          bales INTEGER, tonnes REAL, note TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, asset TEXT, kind TEXT, status TEXT, scheduled TEXT, s_epoch INTEGER,
                          due_back TEXT, completed TEXT, assignee TEXT, notes TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, supplier TEXT, asset TEXT, subject TEXT, status TEXT, priority TEXT,
                    engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE suppliers (supplier TEXT PRIMARY KEY, covers TEXT, phone TEXT, hours TEXT, engineer TEXT,
                        escalation TEXT, contract TEXT);
CREATE TABLE changes (rfc TEXT PRIMARY KEY, title TEXT, scope TEXT, kind TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE hs_incidents (ref TEXT PRIMARY KEY, at_utc TEXT, at_epoch INTEGER, site TEXT, category TEXT,
                           severity TEXT, summary TEXT, riddor TEXT, actions TEXT, status TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, supervisor TEXT,
                     mobile TEXT);
CREATE TABLE site_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE docs (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _hm(t: datetime) -> str:
    """``YYYY-MM-DD HH:MM`` (UTC; how the weighbridge and the site log show times)."""
    return t.strftime("%Y-%m-%d %H:%M")


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _runs(now: datetime) -> list[tuple[Any, ...]]:
    """Round runs of the last 14 days, oldest first (today's as the story has them)."""
    rows: list[dict[str, Any]] = []
    for rnd, stream, vehicle, lead, streets, start, length in ROUNDS:
        for k in range(13, 0, -1):
            t = k * DAY + start + int(30 * noise(rnd + "s", k)) - 15
            d = length + int(60 * noise(rnd + "d", k)) - 30
            planned = streets - 6 if rnd == "REC-07" and k > 2 else streets
            note = ""
            if rnd == "RES-08" and k <= 5:
                d += 45 + int(45 * noise(rnd + "late", k))
                note = "finished late: slow bin lifts"
            if rnd == "REC-07" and k <= 2:
                d += 40
                note = "new streets (Harlow Fields, RFC-2284)"
            on = vehicle
            if rnd == "GDN-01" and k in (6, 7):
                on = "K-226"
                note = "K-219 in for tyres; spare K-226"
            rows.append({"round": rnd, "stream": stream, "vehicle": on, "lead": lead, "t": t, "end": t - d,
                         "status": "completed", "planned": planned, "done": planned, "note": note})  # fmt: skip
        if rnd == "REC-07":
            done = round(streets * 0.18)
            rows.append({"round": rnd, "stream": stream, "vehicle": "K-218", "lead": lead, "t": start,
                         "end": K218_DERATE - 5, "status": "abandoned", "planned": streets, "done": done,
                         "note": "K-218 engine derate (DPF); K-240 took over"})  # fmt: skip
            rows.append({"round": rnd, "stream": stream, "vehicle": "K-240", "lead": lead, "t": K240_START,
                         "end": None, "status": "in_progress", "planned": streets - done,
                         "done": round((streets - done) * 0.61), "note": "covering for K-218 from the last street "
                         "done"})  # fmt: skip
        elif rnd in TODAY_PCT:
            rows.append({"round": rnd, "stream": stream, "vehicle": vehicle, "lead": lead, "t": start, "end": None,
                         "status": "in_progress", "planned": streets, "done": round(streets * TODAY_PCT[rnd] / 100),
                         "note": "slow bin lifts" if rnd == "RES-08" else ""})  # fmt: skip
        else:
            rows.append({"round": rnd, "stream": stream, "vehicle": vehicle, "lead": lead, "t": start,
                         "end": start - length, "status": "completed", "planned": streets, "done": streets,
                         "note": ""})  # fmt: skip
    rows.sort(key=lambda r: (-r["t"], r["round"]))
    out = []
    for n, r in enumerate(rows):
        start = now - timedelta(minutes=r["t"])
        lifts_per_street = 11 if r["round"].startswith("FWD") else 19
        lifts = r["done"] * lifts_per_street + int(30 * noise(r["round"] + "l", r["t"]))
        out.append((f"RR-{70400 + n}", r["round"], r["stream"], r["vehicle"], r["lead"], iso(start),
                    int(start.timestamp()), None if r["end"] is None else iso(now - timedelta(minutes=r["end"])),
                    r["status"], r["planned"], r["done"], round(100 * r["done"] / r["planned"]), lifts,
                    r["note"]))  # fmt: skip
    return out


def _missed(now: datetime) -> list[tuple[Any, ...]]:
    reports = sorted(((m, rnd) for rnd, ms in MISSED.items() for m in ms), key=lambda x: -x[0])
    usual = {r[0]: r[2] for r in ROUNDS}
    rows = []
    for n, (m, rnd) in enumerate(reports):
        t = now - timedelta(minutes=m)
        vehicle = usual[rnd]
        if rnd == "REC-07" and m < K218_DERATE:
            vehicle = "K-240" if m < K240_START else "K-218"
            reason = "bin not collected" if n % 3 else "whole street missed"
        else:
            reason = MISSED_REASONS[int(len(MISSED_REASONS) * noise("reason", n))]
        status = "open" if m < 300 else "return_booked" if m < DAY else "closed"
        street = STREETS[int(len(STREETS) * noise(rnd + "st", m))]
        rows.append((f"MB-{48780 + n}", iso(t), int(t.timestamp()), rnd, street, CONTAINER[rnd[:3]], reason, vehicle,
                     status))  # fmt: skip
    return rows


def _telematics(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    usual = {v[0]: v[6] for v in VEHICLES}
    for fleet_no, *_ in VEHICLES:
        for k in range(13, -1, -1):
            at = 20 + DAY * k
            t = now - timedelta(minutes=at)
            food = fleet_no in ("K-235", "K-236")
            idle_day = ((fleet_no == "K-226" and k not in (6, 7)) or (fleet_no == "K-240" and k != 0)
                        or (fleet_no == "K-219" and k in (6, 7)))  # fmt: skip
            if idle_day:
                rows.append((fleet_no, iso(t), int(t.timestamp()), _between(0, 6, fleet_no + "km", k), 0, None, None,
                             _between(0, 3, fleet_no + "f", k), None))  # fmt: skip
                continue
            lifts = (900 if food else 1150) + int(250 * noise(fleet_no + "lifts", k))
            if fleet_no == "K-218" and k == 0:
                lifts = 240
            if fleet_no == "K-240" and k == 0:
                lifts = 780
            if fleet_no == "K-231":
                frac = (13 - k) / 13
                peak = round(205.0 - 37.0 * frac + (0 if k in (0, 13) else 0.8 * noise("K-231p", k) - 0.4), 1)
                cycle = round(9.9 + 3.5 * frac + (0 if k in (0, 13) else 0.2 * noise("K-231c", k) - 0.1), 1)
            else:
                peak = _between(196.0, 208.0, fleet_no + "p", k)
                cycle = _between(9.4, 10.6, fleet_no + "c", k)
            km = _between(38, 62, fleet_no + "km", k) if usual[fleet_no] else _between(20, 45, fleet_no + "km", k)
            fuel = _between(40, 58, fleet_no + "f", k) if not food else _between(14, 22, fleet_no + "f", k)
            rows.append((fleet_no, iso(t), int(t.timestamp()), km, lifts, peak, cycle, fuel,
                         _between(18, 32, fleet_no + "i", k)))  # fmt: skip
    return rows


def _throughput(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for line, (lo, hi) in THROUGHPUT.items():
        for k in range(48 * 4 - 1, -1, -1):
            m = 7 + 15 * k
            base = _between(lo, hi, line + "tph", k)
            stopped = 0
            if line == "L2":
                stopped = max(0, min(m + 15, L2_STOP[0]) - max(m, L2_STOP[1]))
            running = 15 - stopped
            t = now - timedelta(minutes=m)
            rows.append((line, iso(t), int(t.timestamp()), round(base * running / 15, 1), running))
    return rows


def _sorter_samples(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for sorter, (belt, (o_lo, o_hi), (e_lo, e_hi), delay, recipe) in SORTERS.items():
        on_l2 = sorter.startswith("OS-2")
        for k in range(143, -1, -1):
            m = 3 + 10 * k
            stopped = max(0, min(m + 10, L2_STOP[0]) - max(m, L2_STOP[1])) if on_l2 else 0
            share = (10 - stopped) / 10
            objects = int((o_lo + (o_hi - o_lo) * noise(sorter + "o", k)) * share)
            ejects = e_lo + (e_hi - e_lo) * noise(sorter + "e", k)
            rec, dly = recipe, delay
            if sorter == "OS-22" and m < RFC_2291:
                ejects = 290 + 30 * noise(sorter + "e2", k)
                rec, dly = "PET-CLR v15", 15.0
            if sorter == "OS-11" and m < 265:
                rec = "CARD-QC v9"
            elif sorter == "OS-11":
                rec = "CARD-QC v8"
            t = now - timedelta(minutes=m)
            air = _between(6.8, 7.2, sorter + "air", k)
            rows.append((sorter, iso(t), int(t.timestamp()), rec, belt, objects, int(ejects * share), dly, air, 0))
    return rows


def _quality(now: datetime) -> list[tuple[Any, ...]]:
    out: list[tuple[int, str, float, float, str]] = []
    for grade, (spec, (lo, hi), usual, every, first) in GRADES.items():
        m = first
        i = 0
        while m < 14 * DAY:
            value = _between(lo, hi, grade + "qc", i)
            contaminants = usual
            if grade == "PET" and m in PET_AFTER:
                value = PET_AFTER[m]
                contaminants = "HDPE bottles, PTT, film, some clear PET trays clipped"
            out.append((m, grade, value, spec, contaminants))
            m += every
            i += 1
    out.sort(key=lambda x: (-x[0], x[1]))
    rows = []
    for n, (m, grade, value, spec, contaminants) in enumerate(out):
        t = now - timedelta(minutes=m)
        who = QC_PEOPLE[(m // 480) % len(QC_PEOPLE)]
        rows.append((f"QS-{310000 + n}", grade, iso(t), int(t.timestamp()), value, spec, contaminants, who))
    return rows


def _thermal(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for camera, zone, view, (lo, hi) in CAMERAS:
        for k in range(143, -1, -1):
            m = 5 + 10 * k
            value = _between(lo, hi, camera + "t", k)
            if camera == "TC-04" and m in TC04_SPOT:
                value = TC04_SPOT[m]
            t = now - timedelta(minutes=m)
            rows.append((camera, zone, view, iso(t), int(t.timestamp()), value, PRE_ALARM_C, ALARM_C))
    return rows


def _weighbridge(now: datetime, runs: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Inbound tips of the round runs (a mid-round tip and one at the end), residue to the ERF, bale collections and
    the rejected trade load, over the last 14 days."""
    regs = {v[0]: v[1] for v in VEHICLES}
    vtypes = {v[0]: v[2] for v in VEHICLES}
    now_epoch = int(now.timestamp())
    items: list[tuple[int, tuple[Any, ...]]] = []
    material = {"residual": ("residual household waste", "20 03 01", (7800, 10900), "WTS bay 2"),
                "dry mixed recycling": ("dry mixed recycling", "20 03 01 DMR", (4600, 6900), "MRF tipping hall"),
                "garden": ("garden waste", "20 02 01", (5200, 8800), "WTS green waste bay"),
                "food": ("food waste", "20 01 08", (1400, 2900), "WTS food bay")}  # fmt: skip
    for run in runs:
        _run, rnd, stream, vehicle, _lead, _started, start_epoch, finished, status, *_ = run
        mat, ewc, (lo, hi), where = material["residual" if stream.startswith("residual") else stream]
        start_m = (now_epoch - start_epoch) // 60
        end_m = None
        if finished is not None:
            end_m = (now_epoch - int(datetime.fromisoformat(finished.replace("Z", "+00:00")).timestamp())) // 60
        tips = [] if status == "abandoned" else [start_m - 230]
        if status == "completed" and end_m is not None:
            tips.append(end_m + 15)
        for j, m in enumerate(tips):
            if m <= 10:
                continue
            net = int(lo + (hi - lo) * noise(rnd + "net" + str(j), start_m))
            tare = TARE[vtypes[vehicle].split("t ")[0]]
            items.append((m, ("in", f"{vehicle} {regs[vehicle]}", "Cradleigh BC collections", f"{rnd} -> {where}",
                              mat, ewc, tare + net, tare, net, "accepted", "")))  # fmt: skip
    for k in range(14):
        for j, off in enumerate((300, 900)):
            m = k * DAY + off
            net = int(22000 + 4500 * noise("erf", 2 * k + j))
            items.append((m, ("out", "HX71 WFT (walking floor)", "Brindle Haulage", "Greyholm Energy Recovery",
                              "residual waste and MRF residue", "19 12 12", 15600 + net, 15600, net, "accepted",
                              "")))  # fmt: skip
    for ref, grade, offtaker, haulier, sched, status, bales, tonnes, _note in COLLECTIONS:
        if status == "collected":
            kg = int(tonnes * 1000)
            items.append((sched, ("out", "bulker (curtain-sider)", haulier, offtaker, f"{grade} bales ({bales})",
                                  "19 12 04" if grade in ("PET", "HDPE", "PTT") else "19 12 01", 14200 + kg, 14200,
                                  kg, "accepted", ref)))  # fmt: skip
    items.append((DAY + 300, ("in", "BK66 TRZ (skip loader)", "Pelham Estates Ltd (trade)", "trade waste",
                              "dry mixed recycling (trade)", "20 03 01 DMR", 11850, 7650, 4200, "rejected",
                              "three propane gas cylinders and a car battery seen at the visual check: load refused, "
                              "turned away; customer told in writing")))  # fmt: skip
    items.sort(key=lambda x: -x[0])
    rows = []
    for n, (m, fields) in enumerate(items):
        t = now - timedelta(minutes=m)
        rows.append((f"WB-{612000 + n}", _hm(t), int(t.timestamp()), *fields))
    return rows


def _bales(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for grade, (baler, first, count, every, (lo, hi)) in BALE_GRADES.items():
        bay = {"PET": "bay 3", "HDPE": "bay 4", "PTT": "bay 5", "ALU": "bay 6", "STEEL": "bay 6", "FIBRE": "bay 1",
               "CARD": "bay 2"}[grade]  # fmt: skip
        for i in range(count):
            m = 30 + every * (count - 1 - i)
            lot = f"BL-{grade}-{first + i:04d}"
            status, note, where = "in_stock", "", bay
            if grade == "PET" and m < RFC_2291:
                status, where = "quarantine", "quarantine bay Q1"
                note = "made since RFC-2291 (PET out of spec, QP-07): re-sort before release"
            t = now - timedelta(minutes=m)
            rows.append((lot, grade, baler, iso(t), int(t.timestamp()), int(lo + (hi - lo) * noise(lot, i)), status,
                         where, note))  # fmt: skip
        # the bales of the last collection
        for i in range(6):
            m = 3 * DAY + 60 * i + 500
            lot = f"BL-{grade}-{first - 1 - i:04d}"
            t = now - timedelta(minutes=m)
            rows.append((lot, grade, baler, iso(t), int(t.timestamp()), int(lo + (hi - lo) * noise(lot, i)),
                         "collected", "", ""))  # fmt: skip
    return rows


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """8-hour shifts from 06:00, 14:00 and 22:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=6, minute=0) - timedelta(days=1)
    while start + timedelta(hours=8) <= now:
        start += timedelta(hours=8)
    rows = []
    for j, person in enumerate(SUPERVISORS):
        s = start + timedelta(hours=8 * (j - 2))
        e = s + timedelta(hours=8)
        name = {6: "early", 14: "late", 22: "night"}[s.hour]
        rows.append((name, iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), person, MOBILES[person]))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    vehicles = []
    for fleet_no, reg, vtype, chassis, body, year, rnd in VEHICLES:
        status, on, since, where, speed, note = VEHICLE_NOW[fleet_no]
        fix = 1 if status in ("ON_ROUND", "TIPPING") else 6
        vehicles.append((fleet_no, reg, vtype, chassis, body, "Sawbridge Road depot", year, rnd, status, on,
                         ago(since), ago(fix), where, speed, note))  # fmt: skip
    runs = _runs(now)
    db.executemany("INSERT INTO vehicles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", vehicles)
    db.executemany("INSERT INTO round_runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", runs)
    db.executemany("INSERT INTO missed_bins VALUES (?,?,?,?,?,?,?,?,?)", _missed(now))
    db.executemany("INSERT INTO telematics_daily VALUES (?,?,?,?,?,?,?,?,?)", _telematics(now))
    db.executemany("INSERT INTO engine_faults VALUES (?,?,?,?,?,?,?)",
                   [(v, ago(m), clock.epoch(m), c, d, s, a) for v, m, c, d, s, a in FAULTS])  # fmt: skip
    equipment = []
    for asset, line, kind, maker, model, installed in EQUIPMENT:
        state, since, reason = EQUIPMENT_NOW.get(asset, ("RUNNING", 3 * DAY, "running since the start-up"))
        equipment.append((asset, line, kind, maker, model, installed, state, ago(since), reason))
    db.executemany("INSERT INTO mrf_equipment VALUES (?,?,?,?,?,?,?,?,?)", equipment)
    db.executemany("INSERT INTO throughput VALUES (?,?,?,?,?)", _throughput(now))
    db.executemany("INSERT INTO sorter_samples VALUES (?,?,?,?,?,?,?,?,?,?)", _sorter_samples(now))
    db.executemany("INSERT INTO sorter_recipes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*r[:8], ago(r[8]), *r[9:]) for r in RECIPES])  # fmt: skip
    db.executemany("INSERT INTO quality_samples VALUES (?,?,?,?,?,?,?,?)", _quality(now))
    db.executemany("INSERT INTO thermal VALUES (?,?,?,?,?,?,?,?)", _thermal(now))
    db.executemany("INSERT INTO fire_events VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(e, c, z, k, p, ago(r), clock.epoch(r), ago(cl), a, by)
                    for e, c, z, k, p, r, cl, a, by in FIRE_EVENTS])  # fmt: skip
    db.executemany("INSERT INTO weighbridge VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _weighbridge(now, runs))
    db.executemany("INSERT INTO bales VALUES (?,?,?,?,?,?,?,?,?)", _bales(now))
    db.executemany("INSERT INTO collections VALUES (?,?,?,?,?,?,?,?,?)",
                   [(r, g, o, h, ago(s), st, b, t, n) for r, g, o, h, s, st, b, t, n in COLLECTIONS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(w, a, k, st, ago(s), clock.epoch(s), ago(d), ago(c), who, n)
                    for w, a, k, st, s, d, c, who, n in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:9], clock.epoch(c[9]), ago(c[10]), ago(c[11]), None if c[11] is None else clock.epoch(c[11]),
          None if c[12] is None else clock.epoch(c[12]), c[13]) for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO suppliers VALUES (?,?,?,?,?,?,?)", SUPPLIERS)
    db.executemany("INSERT INTO hs_incidents VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(r, ago(m), clock.epoch(m), *rest) for r, m, *rest in HS_INCIDENTS])  # fmt: skip
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 8))
    db.executemany("INSERT INTO shifts VALUES (?,?,?,?,?,?,?)", _shifts(now))
    db.executemany("INSERT INTO site_log VALUES (?,?,?,?,?,?)",
                   [(e, _hm(now - timedelta(minutes=m)), clock.epoch(m), a, r, t)
                    for e, m, a, r, t in SITE_LOG])  # fmt: skip
    db.executemany("INSERT INTO docs VALUES (?,?,?,?)", DOCS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Cradleigh Borough Council waste operations: collection fleet, rounds, MRF, weighbridge, bales"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
