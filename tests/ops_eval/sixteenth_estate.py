"""A sixteenth estate, held out from the planner's tuning: the signalling maintenance and control of a regional
rail infrastructure manager (Fenmarsh Rail): locations, interlockings, points machines, track sections, level
crossings, 650 V signalling power supplies, faults, delay attribution, work orders and possessions.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
locations are TIPLOC codes (``HRBRJN`` for Harbour Junction), interlockings ``IXL:HJ2`` (colon), points ``P2131B``
(four digits and a crossover end letter), track sections ``TC-MF204`` / ``AX-TG5521`` (track circuit or axle
counter, location prefix), signals ``HJ214``, level crossings ``LX112``, functional supply points ``FSP/HJ/01``
(slashes), control-centre workstations ``WS3``, faults ``FMS/26/04417`` (year and sequence), TRUST delay
incidents ``884512`` (six digits), train headcodes ``1H42``, work orders ``WO-2026-00412``, possessions
``PSN 26/418`` (with a space), field visits ``FV-30981``, maintenance specifications ``SIG-MS-041`` and fault
response procedures ``FRP/07``; people are named in full (``Rhys Calloway``). Windows come as a ``window`` enum
(last_30_min, last_2_hours, last_12_hours, last_24_hours), ISO timestamps (``since_ts`` / ``until_ts``,
``from_ts`` / ``to_ts``), an ISO date (``since_date``), ``minutes``, ``hours``, ``hours_back`` / ``hours_ahead``
and ``days``; several APIs require an interlocking, a point or a supply point; two are lookups by id (an FMS
fault, a TRUST incident); one is narrow (fsp, quantity, value, ts). :mod:`tests.ops_eval.sixteenth_apis` defines
them.

The story (minutes before the estate is built, minute-aligned; points swing every 12 minutes, at T-4m, T-16m, ...):

- over 14 days: Clamplock points P0417B at Caldwick slow down, daily average throw time from about 2.7 s to
  about 4.0 s (alert above 3.8 s): FMS/26/04402 (P4, open), WO-2026-00419 overhauls it in possession PSN 26/421
  tomorrow (T+20h): a slow trend; P0602 at Marshfield lost detection three times this week (T-1.5d, T-3.2d,
  T-5.6d; FMS/26/04386, open); track circuit TC-MF204 at Marshfield bobbed three times in 19 hours
  (FMS/26/04409, TRUST 884377, freight 6M47 delayed 41 minutes); LX104 Wyvern Lane's obstacle detection radar B
  is in fault (FMS/26/04399, degraded); T-5h..T-72m CCTV camera 2 at LX112 Mill Road failed and was replaced;
- T-74h the 650 V supply at FSP/WB/01 was lost: Wyvern Bridge and Tollgate signals dark for 1h55m
  (FMS/26/04388, TRUST 883907, 212 delay minutes); T-10d cable theft failed axle counter AX-TG5521 at Tollgate
  for 14 hours (FMS/26/04351, TRUST 881240): resolved older incidents;
- T-7h WO-2026-00405 loads data level CW1-D15 into IXL:CW1 (a new platform 3 route at Caldwick); T-130m
  WO-2026-00414 replaces the LED head of signal MF22 at Marshfield; T-90m WO-2026-00415 replaces LX112's camera
  2: red herrings;
- T-290m .. T-215m possession PSN 26/418 (Up and Down Harbour Main, Gareth Pryce) for WO-2026-00412, tamping
  through the 2131 crossover at Harbour Junction (T-285m .. T-225m); no S&T post-tamping test was recorded; the
  possession is given up 15 minutes late (TRUST 884455, I7, 14 delay minutes);
- from the first swing after it (T-208m, the onset) P2131B's throw time rises on every swing to reverse: 4.9 s,
  5.2, 5.5, 5.8, 6.2, 6.6 s (T-88m, the slowest completed swing) while P2131A stays at about 3.8-4.1 s; at T-64m
  and T-60m it fails to detect reverse (peak motor current 7.8 A and 8.1 A, the highest); T-58m its last swing
  (back to normal, 5.6 s); T-55m FMS/26/04417 (P1), T-54m TRUST 884512 (IB, 151 delay minutes so far: 10 trains
  delayed, 2 cancelled); T-52m FV-30981 sends Rhys Calloway; T-24m the crossover is clipped and scotched normal;
  T-20m emergency WO-2026-00417 (in progress) adjusts the back drive; the technician's notes: ballast packed at
  the toes after tamping, back drive out of adjustment. SIG-MS-041 says: S&T must test points after tamping;
  FRP/07: try three times, then clip and scotch.

Delay over the last 24 hours per location: HRBRJN 138 minutes (TRUST 884512 and 884455), MRSHFD 54, CLDWCK 38,
HRBRTWN 27. No API reports rail or air temperature, weather, track geometry, costs or Schedule 8 compensation,
energy bills, train crew, passenger numbers, CCTV images or hot axle box detectors; there is no P2135, no IXL:HJ3,
no LX118, no FMS/26/04499 and no Marshfield North; points throws are kept for 14 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.sixteenth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "fenmarshsig"
DAY, H = 1440, 60
PSN_START, PSN_PLANNED_END, PSN_GIVEN_UP = 290, 230, 215  # minutes ago
FIRST_FAIL, CLIPPED = 64, 24
RETENTION = 14 * DAY  # points throws

#: tiploc, name, line, mileage, interlocking, workstation
LOCATIONS = [
    ("HRBRTWN", "Harbour Town", "Harbour Branch", "HBB 3m 12ch", "IXL:HJ1", "WS3"),
    ("HRBRJN", "Harbour Junction", "Fenmarsh Main Line", "FML 42m 18ch", "IXL:HJ2", "WS3"),
    ("CLDWCK", "Caldwick", "Fenmarsh Main Line", "FML 36m 40ch", "IXL:CW1", "WS2"),
    ("MRSHFD", "Marshfield", "Fenmarsh Main Line", "FML 29m 05ch", "IXL:MF1", "WS2"),
    ("WYVRNB", "Wyvern Bridge", "Fenmarsh Main Line", "FML 21m 62ch", "IXL:WB1", "WS1"),
    ("TOLLGT", "Tollgate", "Fenmarsh Main Line", "FML 17m 30ch", "IXL:WB1", "WS1"),
]
#: ixl, type, supplier, area, data level, workstation, commissioned, last data change (days ago; None: never)
INTERLOCKINGS = [
    ("IXL:HJ1", "SSI", "Westinghouse", "Harbour Town", "HJ1-D22", "WS3", 1994, 410),
    ("IXL:HJ2", "SSI", "Westinghouse", "Harbour Junction", "HJ2-D31", "WS3", 1994, 230),
    ("IXL:CW1", "CBI (Westlock)", "Siemens", "Caldwick", "CW1-D15", "WS2", 2017, 0),
    ("IXL:MF1", "CBI (Smartlock 400)", "Alstom", "Marshfield", "MF1-D08", "WS2", 2021, 95),
    ("IXL:WB1", "relay (route relay, no data)", "BR / WRS", "Wyvern Bridge and Tollgate", "n/a", "WS1", 1978, None),
]
#: point, ixl, location, machine, description, installed
POINTS = [
    ("P2104", "IXL:HJ1", "HRBRTWN", "Style 63", "Platform 1/2 turnout, Harbour Town", 1994),
    ("P2106", "IXL:HJ1", "HRBRTWN", "Style 63", "Headshunt turnout, Harbour Town", 1994),
    ("P2131A", "IXL:HJ2", "HRBRJN", "HW2000", "Up Main / Down Main crossover, A end", 2009),
    ("P2131B", "IXL:HJ2", "HRBRJN", "HW2000", "Up Main / Down Main crossover, B end", 2009),
    ("P2133", "IXL:HJ2", "HRBRJN", "HW2000", "Harbour Branch junction turnout (Down Main)", 2009),
    ("P0417A", "IXL:CW1", "CLDWCK", "Clamplock", "Platform 3 loop crossover, A end", 2017),
    ("P0417B", "IXL:CW1", "CLDWCK", "Clamplock", "Platform 3 loop crossover, B end", 2017),
    ("P0421", "IXL:CW1", "CLDWCK", "HPSS", "Down Main / Down Loop turnout", 2017),
    ("P0602", "IXL:MF1", "MRSHFD", "HW2000", "Up Main / Up Goods Loop turnout", 2021),
    ("P0605", "IXL:MF1", "MRSHFD", "HW2000", "Down Main / Down Goods Loop turnout", 2021),
    ("P0308A", "IXL:WB1", "WYVRNB", "Style 63", "Crossover, A end", 1978),
    ("P0308B", "IXL:WB1", "WYVRNB", "Style 63", "Crossover, B end", 1978),
]
#: machine: baseline throw time (s), peak current (A), RCM alert threshold (s)
MACHINES = {"HW2000": (3.8, 3.7, 5.0), "Style 63": (4.3, 3.1, 5.5), "Clamplock": (2.5, 2.8, 3.8),
            "HPSS": (3.1, 2.2, 4.2)}  # fmt: skip
#: P2131B after the possession: minutes ago -> (direction, throw time s or None, peak current A, result)
P2131B_SWINGS = {
    208: ("N>R", 4.9, 4.7, "ok"), 196: ("R>N", 4.3, 4.2, "ok"), 184: ("N>R", 5.2, 5.0, "slow"),
    172: ("R>N", 4.5, 4.3, "ok"), 160: ("N>R", 5.5, 5.3, "slow"), 148: ("R>N", 4.6, 4.4, "ok"),
    136: ("N>R", 5.8, 5.6, "slow"), 124: ("R>N", 4.8, 4.5, "ok"), 112: ("N>R", 6.2, 6.0, "slow"),
    100: ("R>N", 4.9, 4.7, "ok"), 88: ("N>R", 6.6, 6.5, "slow"), 76: ("R>N", 5.1, 4.9, "slow"),
    64: ("N>R", None, 7.8, "no_detection"), 62: ("R>N", 5.4, 5.2, "slow"), 60: ("N>R", None, 8.1, "no_detection"),
    58: ("R>N", 5.6, 5.3, "slow"),
}  # fmt: skip
#: P0602's losses of detection (minutes ago)
P0602_FAILS = (2164, 4612, 8068)
#: section, ixl, kind, location, state, since (minutes ago), occupying train
SECTIONS = [
    ("TC-HJ102", "IXL:HJ1", "track_circuit", "HRBRTWN", "occupied", 21, "2C11"),
    ("TC-HJ104", "IXL:HJ1", "track_circuit", "HRBRTWN", "clear", 33, None),
    ("TC-HJ118", "IXL:HJ2", "track_circuit", "HRBRJN", "occupied", 6, "1C13"),
    ("TC-HJ121", "IXL:HJ2", "track_circuit", "HRBRJN", "clear", 58, None),
    ("TC-HJ123", "IXL:HJ2", "track_circuit", "HRBRJN", "clear", 11, None),
    ("AX-CW4410", "IXL:CW1", "axle_counter", "CLDWCK", "clear", 17, None),
    ("AX-CW4412", "IXL:CW1", "axle_counter", "CLDWCK", "occupied", 3, "2F44"),
    ("TC-MF204", "IXL:MF1", "track_circuit", "MRSHFD", "clear", 389, None),
    ("TC-MF206", "IXL:MF1", "track_circuit", "MRSHFD", "clear", 26, None),
    ("TC-WB301", "IXL:WB1", "track_circuit", "WYVRNB", "clear", 9, None),
    ("AX-TG5521", "IXL:WB1", "axle_counter", "TOLLGT", "clear", 41, None),
]
#: lx, name, type, location, status, remarks, last inspected (days ago)
CROSSINGS = [
    ("LX104", "Wyvern Lane", "MCB-OD", "WYVRNB", "degraded",
     "obstacle detection radar B in fault (FMS/26/04399); crossing keeper on site, barriers lowered locally", 21),
    ("LX108", "Tollgate Lane", "AOCL+B", "TOLLGT", "normal", "", 40),
    ("LX112", "Mill Road", "MCB-CCTV", "CLDWCK", "normal", "CCTV camera 2 replaced today (WO-2026-00415)", 0),
    ("LX115", "Fen Drove", "AHB", "MRSHFD", "normal", "", 63),
    ("LX119", "Harbour Quay", "UWC-MWL", "HRBRJN", "normal", "user worked crossing, miniature warning lights", 12),
]  # fmt: skip
#: fsp, location, feeds, baseline load (A)
SUPPLIES = [
    ("FSP/HJ/01", "HRBRJN", "IXL:HJ1, IXL:HJ2 and Harbour lineside", 18.4),
    ("FSP/CW/01", "CLDWCK", "IXL:CW1, LX112", 22.1),
    ("FSP/MF/01", "MRSHFD", "IXL:MF1, LX115", 15.3),
    ("FSP/WB/01", "WYVRNB", "IXL:WB1, LX104, LX108, Tollgate lineside", 11.6),
]
FSP_OUTAGE_HOURS = (74, 73)  # FSP/WB/01's hourly readings with no supply (lost T-74h, back T-72h05m)
#: wo, title, asset, location, type, status, team, start and end (minutes ago; negative: future), notes
WORK_ORDERS = [
    ("WO-2026-00398", "Routine points maintenance, Harbour Junction (service B)", "P2131A, P2131B, P2133",
     "HRBRJN", "planned_maintenance", "completed", "S&T Harbour (Rhys Calloway)", 9 * DAY, 9 * DAY - 150,
     "all three points tested, throw times 3.8-4.0 s"),
    ("WO-2026-00405", "IXL:CW1 data change CW1-D14 -> CW1-D15: new platform 3 route", "IXL:CW1", "CLDWCK",
     "data_change", "completed", "S&T Design (Amara Osei)", 7 * H, 375, "principles tests passed, route R417C added"),
    ("WO-2026-00412", "Tamping through the 2131 crossover, Up and Down Harbour Main", "2131 crossover", "HRBRJN",
     "track", "completed", "Track Maintenance (Gareth Pryce)", 285, 225,
     "in possession PSN 26/418; S&T post-tamping points test: not recorded"),
    ("WO-2026-00414", "Replace signal head MF22 with LED", "MF22", "MRSHFD", "renewal", "completed",
     "S&T Marshfield (Lena Voss)", 130, 100, "lamp proving tested"),
    ("WO-2026-00415", "Replace CCTV camera 2 at LX112 Mill Road", "LX112", "CLDWCK", "corrective", "completed",
     "S&T Caldwick (Tomasz Wrona)", 90, 72, "FMS/26/04413; image checked with the crossing operator"),
    ("WO-2026-00417", "Emergency: restore 2131B detection, adjust back drive (FMS/26/04417)", "P2131B", "HRBRJN",
     "emergency", "in_progress", "S&T Harbour (Rhys Calloway)", 20, None, "crossover clipped and scotched normal"),
    ("WO-2026-00419", "Clamplock overhaul P0417B (RCM trend)", "P0417B", "CLDWCK", "planned_maintenance",
     "scheduled", "S&T Caldwick (Tomasz Wrona)", -21 * H, -23 * H, "in possession PSN 26/421"),
    ("WO-2026-00420", "Renew insulated rail joint, TC-MF204", "TC-MF204", "MRSHFD", "track", "scheduled",
     "Track Maintenance (Gareth Pryce)", -3 * DAY, -3 * DAY - 180, "in possession PSN 26/423"),
]  # fmt: skip
#: psn, lines, limits, start, planned end, given up (minutes ago; negative: future), status, works, person in charge
POSSESSIONS = [
    ("PSN 26/409", "Down Fenmarsh Main", "CLDWCK - MRSHFD", 30 * H, 26 * H, 26 * H, "given_up",
     "rail grinding", "Gareth Pryce"),
    ("PSN 26/418", "Up and Down Harbour Main", "HRBRJN - HRBRTWN", PSN_START, PSN_PLANNED_END, PSN_GIVEN_UP,
     "given_up", "tamping through the 2131 crossover (WO-2026-00412)", "Gareth Pryce"),
    ("PSN 26/421", "Down Fenmarsh Main and Down Loop", "CLDWCK", -20 * H, -24 * H, None, "planned",
     "Clamplock overhaul P0417B (WO-2026-00419)", "Tomasz Wrona"),
    ("PSN 26/423", "Up and Down Fenmarsh Main", "MRSHFD", -3 * DAY + 30, -3 * DAY - 240, None, "planned",
     "IRJ renewal TC-MF204 (WO-2026-00420)", "Gareth Pryce"),
]  # fmt: skip
#: fault, asset, location, symptom, priority, status, reported and cleared (minutes ago), trust
FAULTS = [
    ("FMS/26/04351", "AX-TG5521", "TOLLGT", "axle counter section failed: signalling cable stolen", "P1", "cleared",
     10 * DAY, 10 * DAY - 14 * H, "881240"),
    ("FMS/26/04380", "HJ214", "HRBRJN", "signal HJ214 lamp proving failure, red aspect", "P2", "cleared",
     6 * DAY, 6 * DAY - 95, None),
    ("FMS/26/04386", "P0602", "MRSHFD", "intermittent loss of detection normal", "P3", "open",
     4600, None, None),
    ("FMS/26/04388", "FSP/WB/01", "WYVRNB", "650 V supply lost: Wyvern Bridge and Tollgate signals dark", "P1",
     "cleared", 74 * H, 72 * H + 5, "883907"),
    ("FMS/26/04399", "LX104", "WYVRNB", "obstacle detection radar B fault, crossing worked locally", "P2",
     "attended", 51 * H, None, None),
    ("FMS/26/04402", "P0417B", "CLDWCK", "RCM alert: throw time trending up, above 3.8 s", "P4", "open", 48 * H,
     None, None),
    ("FMS/26/04409", "TC-MF204", "MRSHFD", "track circuit bobbing, failed occupied 3 times: suspect insulated "
     "rail joint", "P3", "open", 1130, None, "884377"),
    ("FMS/26/04413", "LX112", "CLDWCK", "CCTV camera 2 image intermittent", "P3", "cleared", 300, 72, None),
    ("FMS/26/04417", "P2131B", "HRBRJN", "points failed to detect reverse; 2131 crossover clipped and scotched "
     "normal", "P1", "attended", 55, None, "884512"),
]  # fmt: skip
#: trust, cause code, fault, location, description, opened and closed (minutes ago)
TRUST = [
    ("881240", "IC", "FMS/26/04351", "TOLLGT", "AX-TG5521 axle counter failure (cable theft)", 10 * DAY,
     10 * DAY - 14 * H),
    ("883907", "IA", "FMS/26/04388", "WYVRNB", "Wyvern Bridge 650 V supply failure, signals dark", 74 * H,
     72 * H + 5),
    ("884301", "XA", None, "WYVRNB", "trespass, Wyvern Bridge viaduct", 50 * H, 49 * H),
    ("884377", "IC", "FMS/26/04409", "MRSHFD", "TC-MF204 track circuit failure (bobbing)", 1138, None),
    ("884440", "XA", None, "CLDWCK", "trespass on the line at Caldwick", 540, 510),
    ("884455", "I7", None, "HRBRJN", "PSN 26/418 possession given up 15 minutes late", 229, 215),
    ("884512", "IB", "FMS/26/04417", "HRBRJN", "P2131B points failure (failed to detect reverse)", 54, None),
]  # fmt: skip
#: TRUST incidents older than the per-train retention: total delay minutes, trains delayed, cancellations
TRUST_TOTALS = {"881240": (1046, 71, 12), "883907": (212, 23, 4)}
#: per-train delays (72 hours): headcode, trust, location, delay minutes, cancelled, reason, minutes ago
DELAYS = [
    ("1F02", "884301", "WYVRNB", 7, 0, "cautioned over Wyvern Bridge viaduct", 2995),
    ("2F16", "884301", "WYVRNB", 4, 0, "cautioned over Wyvern Bridge viaduct", 2990),
    ("6M47", "884377", "MRSHFD", 41, 0, "held at MF206, TC-MF204 failed occupied", 1135),
    ("2F31", "884377", "MRSHFD", 6, 0, "TC-MF204 failed occupied", 1132),
    ("1F08", "884377", "MRSHFD", 4, 0, "TC-MF204 failed occupied", 658),
    ("2F55", "884377", "MRSHFD", 3, 0, "TC-MF204 failed occupied", 388),
    ("1F12", "884440", "CLDWCK", 13, 0, "line blocked, trespasser", 538),
    ("2F40", "884440", "CLDWCK", 8, 0, "line blocked, trespasser", 530),
    ("1C05", "884440", "CLDWCK", 11, 0, "line blocked, trespasser", 525),
    ("2C07", "884440", "CLDWCK", 6, 0, "line blocked, trespasser", 520),
    ("1H30", "884455", "HRBRJN", 9, 0, "possession overrun", 222),
    ("2H05", "884455", "HRBRJN", 5, 0, "possession overrun", 216),
    ("1H42", "884512", "HRBRJN", 22, 0, "held at HJ214, 2131B no detection", 62),
    ("2H17", "884512", "HRBRJN", 19, 0, "held at HJ214, 2131B no detection", 57),
    ("1C09", "884512", "HRBRJN", 16, 0, "held at HJ216, no route over 2131 crossover", 49),
    ("2H19", "884512", "HRBRTWN", 0, 1, "cancelled, 2131 crossover unavailable", 45),
    ("5H20", "884512", "HRBRTWN", 11, 0, "waiting platform at Harbour Town", 41),
    ("1H44", "884512", "HRBRJN", 24, 0, "held at HJ214, awaiting clipping of 2131 crossover", 36),
    ("2H21", "884512", "HRBRJN", 14, 0, "held at HJ214, awaiting clipping of 2131 crossover", 30),
    ("2C11", "884512", "HRBRTWN", 9, 0, "waiting platform at Harbour Town", 27),
    ("2H23", "884512", "HRBRTWN", 0, 1, "cancelled, 2131 crossover unavailable", 22),
    ("1H46", "884512", "HRBRJN", 17, 0, "single line working over Up Main, crossover clipped", 15),
    ("2H25", "884512", "HRBRJN", 12, 0, "single line working over Up Main, crossover clipped", 8),
    ("1C13", "884512", "HRBRTWN", 7, 0, "late start from Harbour Town", 5),
]  # fmt: skip
#: ixl, object, event, severity, raised and cleared (minutes ago; cleared None: active)
EVENTS = [
    ("IXL:WB1", "AX-TG5521", "axle counter section failed (disturbed)", "alarm", 10 * DAY, 10 * DAY - 14 * H),
    ("IXL:HJ2", "HJ214", "signal lamp proving lost (red)", "alarm", 6 * DAY, 6 * DAY - 95),
    ("IXL:WB1", "FSP/WB/01", "650 V supply lost", "alarm", 74 * H, 72 * H + 5),
    ("IXL:WB1", "LX104", "obstacle detector radar B fault", "alarm", 51 * H, None),
    ("IXL:CW1", "P0417B", "RCM: daily average throw time above alert (3.8 s)", "warning", 2 * DAY, 2 * DAY),
    ("IXL:HJ1", "HJ1-HJ2 link", "switched to standby channel", "info", 30 * H, 30 * H),
    ("IXL:CW1", "P0417B", "RCM: daily average throw time above alert (3.8 s)", "warning", DAY, DAY),
    ("IXL:MF1", "TC-MF204", "track circuit failed occupied", "alarm", 1140, 1137),
    ("IXL:MF1", "TC-MF204", "track circuit failed occupied", "alarm", 660, 656),
    ("IXL:CW1", "IXL:CW1", "planned restart for data load", "info", 420, 418),
    ("IXL:CW1", "IXL:CW1", "data level CW1-D15 loaded", "info", 405, 405),
    ("IXL:MF1", "TC-MF204", "track circuit failed occupied", "alarm", 390, 389),
    ("IXL:CW1", "LX112", "CCTV camera 2 image fail", "warning", 300, 72),
    ("IXL:HJ2", "PSN 26/418", "possession taken, Up and Down Harbour Main", "info", PSN_START, PSN_START),
    ("IXL:HJ2", "PSN 26/418", "possession given up", "info", PSN_GIVEN_UP, PSN_GIVEN_UP),
    ("IXL:MF1", "MF22", "signal lamp proving lost", "warning", 125, 105),
    ("IXL:HJ2", "2131 crossover", "points clipped and scotched normal (out of use)", "info", CLIPPED, None),
    *[("IXL:HJ2", "P2131B", "points failed to detect reverse", "alarm", a, a - 2) for a in (FIRST_FAIL, 60)],
    *[("IXL:HJ2", "P2131B", "RCM: throw time above alert (5.0 s)", "warning", a, a)
      for a, s in P2131B_SWINGS.items() if s[3] == "slow"],
    *[("IXL:MF1", "P0602", "points failed to detect normal", "alarm", a, a - 1) for a in P0602_FAILS],
]  # fmt: skip
#: visit, technician, location, asset, kind, status, created and updated (minutes ago), notes
VISITS = [
    ("FV-30981", "Rhys Calloway", "HRBRJN", "P2131B", "fault", "on_site", 52, 9,
     "on site 21 minutes after dispatch; 2131B tight in reverse: ballast packed at the toes and under the "
     "slide chairs after tamping, back drive out of adjustment; crossover clipped and scotched normal with the "
     "signaller's agreement; clearing ballast and adjusting the back drive, expect 60-90 min"),
    ("FV-30977", "Lena Voss", "MRSHFD", "TC-MF204", "fault", "scheduled", 1120, 1120,
     "test TC-MF204 and inspect the insulated rail joint at FML 29m 11ch"),
    ("FV-30970", "Tomasz Wrona", "CLDWCK", "LX112", "corrective", "completed", 290, 72,
     "camera 2 replaced, image good, crossing operator satisfied"),
    ("FV-30966", "Owen Marsh", "WYVRNB", "LX104", "fault", "awaiting_parts", 50 * H, 26 * H,
     "radar B head faulty, replacement on order; crossing keeper posted"),
    ("FV-30962", "Owen Marsh", "WYVRNB", "FSP/WB/01", "fault", "completed", 74 * H - 10, 71 * H,
     "DNO supply restored T-72h05m; FSP changeover contactor checked"),
    ("FV-30955", "Rhys Calloway", "HRBRJN", "P2131A, P2131B, P2133", "planned", "completed", 9 * DAY,
     9 * DAY - 150, "service B maintenance, all points good"),
]  # fmt: skip
KB = [
    ("SIG-MS-041", "Points: S&T checks after tamping or other track work",
     "Tamping, ballast cleaning or rail work through a set of points can move the switch rails and pack ballast at "
     "the toes and under the slide chairs. Before the possession is given up S&T must test the points: check the "
     "back drive and supplementary drive adjustment, do the facing point lock and detection gap tests (3.5 mm "
     "obstruction test) and swing the points normal and reverse five times, recording the throw times. If the "
     "post-tamping test is not done expect tight points: throw time and motor current rise on every swing towards "
     "the disturbed side, then the points fail to detect."),
    ("FRP/07", "Points failure: loss of detection",
     "Signaller: try the points over and back up to three times, then stop and report to Control and S&T (raise "
     "an FMS fault; Control opens a TRUST incident). S&T on site: look for obstructions, ballast and back drive "
     "problems. If the points cannot be restored quickly, clip and scotch them in the position the service needs "
     "(usually normal, for the main line) with the signaller's agreement and record it on the fault. Do not keep "
     "swinging failed points with the motor stalling: it burns out the motor and the clutch."),
    ("SIG-MS-012", "Points remote condition monitoring (RCM) alert thresholds",
     "RCM raises an alert when a swing is slow or draws more current than normal: HW2000 above 5.0 s throw time or "
     "5.5 A peak current (alarm above 6.5 s); Clamplock above 3.8 s; Style 63 above 5.5 s; HPSS above 4.2 s. A "
     "daily average throw time rising over a fortnight means lubrication, slide chair or drive wear: plan an "
     "overhaul in the next possession."),
    ("SIG-MS-077", "Track circuit bobbing",
     "A track circuit that shows occupied for a minute or two and clears on its own is bobbing. Suspect an "
     "insulated rail joint, a loose bond or a contaminated rail head. Measure the relay-end voltage, inspect the "
     "joints and plan an IRJ renewal when the joint is the cause."),
    ("FRP/11", "650 V functional supply point (FSP) supply loss",
     "Signals and crossings fed by the FSP go dark or fall back to battery. Control protects trains (all signals "
     "treated as at danger), S&T checks the DNO incoming supply and the FSP changeover contactor, and the standby "
     "generator is started when the supply is not back within 30 minutes."),
    ("LXP-03", "MCB-CCTV crossing: camera failure",
     "With one camera failed the crossing operator may still work the crossing if the remaining camera shows the "
     "whole crossing; otherwise the crossing is worked locally by a crossing keeper until the camera is replaced."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE locations (tiploc TEXT PRIMARY KEY, name TEXT, line TEXT, mileage TEXT, interlocking TEXT,
                        workstation TEXT);
CREATE TABLE interlockings (ixl TEXT PRIMARY KEY, type TEXT, supplier TEXT, area TEXT, data_level TEXT,
                            workstation TEXT, commissioned INTEGER, last_data_change TEXT);
CREATE TABLE points (point TEXT PRIMARY KEY, ixl TEXT, location TEXT, machine TEXT, description TEXT,
                     installed INTEGER, position TEXT, detection TEXT, status TEXT, status_since TEXT,
                     last_throw TEXT);
CREATE TABLE throws (point TEXT, ts TEXT, ts_epoch INTEGER, direction TEXT, throw_s REAL, peak_current_a REAL,
                     result TEXT);
CREATE INDEX throws_point ON throws (point, ts_epoch);
CREATE TABLE sections (section TEXT PRIMARY KEY, ixl TEXT, kind TEXT, location TEXT, state TEXT, since TEXT,
                       train TEXT);
CREATE TABLE crossings (lx TEXT PRIMARY KEY, name TEXT, type TEXT, location TEXT, status TEXT, remarks TEXT,
                        last_inspected TEXT);
CREATE TABLE supplies (fsp TEXT PRIMARY KEY, location TEXT, feeds TEXT);
CREATE TABLE fsp_readings (fsp TEXT, quantity TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX fsp_readings_fsp ON fsp_readings (fsp, ts_epoch);
CREATE TABLE ixl_events (event_id INTEGER PRIMARY KEY, ixl TEXT, object TEXT, event TEXT, severity TEXT,
                         raised TEXT, cleared TEXT);
CREATE TABLE faults (fault_ref TEXT PRIMARY KEY, asset TEXT, location TEXT, symptom TEXT, priority TEXT,
                     status TEXT, reported TEXT, cleared TEXT, trust_ref TEXT);
CREATE TABLE trust_incidents (trust_ref TEXT PRIMARY KEY, cause_code TEXT, fault_ref TEXT, location TEXT,
                              description TEXT, opened TEXT, closed TEXT, total_delay_mins INTEGER,
                              trains_delayed INTEGER, cancellations INTEGER);
CREATE TABLE delays (headcode TEXT, trust_ref TEXT, location TEXT, delay_mins INTEGER, cancelled INTEGER,
                     reason TEXT, ts TEXT, ts_epoch INTEGER);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, title TEXT, asset TEXT, location TEXT, type TEXT, status TEXT,
                          team TEXT, start_ts TEXT, end_ts TEXT, notes TEXT);
CREATE TABLE possessions (psn TEXT PRIMARY KEY, lines TEXT, limits TEXT, start_ts TEXT, start_epoch INTEGER,
                          planned_end TEXT, given_up TEXT, status TEXT, works TEXT, person_in_charge TEXT);
CREATE TABLE visits (visit TEXT PRIMARY KEY, technician TEXT, location TEXT, asset TEXT, kind TEXT, status TEXT,
                     created TEXT, updated TEXT, updated_epoch INTEGER, notes TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _throws(now: datetime) -> list[tuple[Any, ...]]:
    """Every swing of every point for 14 days, one slot every 12 minutes (T-4m, T-16m, ...)."""
    rows = []
    for point, _ixl, _loc, machine, _d, _y in POINTS:
        base_t, base_a, alert = MACHINES[machine]
        crossover = point in ("P2131A", "P2131B")
        swings = 0
        for k in reversed(range(RETENTION // 12)):
            ago = 4 + 12 * k
            x, y = noise(f"tw{point}", k), noise(f"ta{point}", k)
            if crossover:
                if ago <= FIRST_FAIL - 8 or PSN_GIVEN_UP <= ago <= PSN_START:
                    continue
                direction = "N>R" if k % 2 else "R>N"
            elif noise(f"sk{point}", k) < 0.35 and not (point == "P0602" and ago in P0602_FAILS):
                continue
            else:
                direction = "N>R" if swings % 2 == 0 else "R>N"
            swings += 1
            t, a = base_t + 0.3 * x, base_a + 0.3 * y
            if point == "P0417B":
                wear = 1 - ago / RETENTION
                t, a = base_t + 1.45 * wear + 0.12 * x, base_a + 1.1 * wear + 0.2 * y
            throw_s: float | None = round(t, 1)
            result = "slow" if round(t, 1) > alert else "ok"
            if point == "P0602" and ago in P0602_FAILS:
                direction, throw_s, result = "R>N", None, "no_detection"
            rows.append((point, ago, direction, throw_s, round(a, 1), result))
            if point == "P2131B" and ago <= PSN_GIVEN_UP:
                rows.pop()
        if point == "P2131B":
            rows += [(point, ago, *s) for ago, s in P2131B_SWINGS.items()]
        elif point == "P2131A":
            for ago in (62, 60, 58):
                d = "N>R" if ago == 60 else "R>N"
                rows.append((point, ago, d, round(3.8 + 0.3 * noise("twP2131A", ago), 1),
                             round(3.7 + 0.3 * noise("taP2131A", ago), 1), "ok"))  # fmt: skip
    rows.sort(key=lambda r: (r[0], -r[1]))
    return [(p, iso(now - timedelta(minutes=ago)), int((now - timedelta(minutes=ago)).timestamp()), *rest)
            for p, ago, *rest in rows]  # fmt: skip


def _points(now: datetime, throws: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each point now: position from its last swing, the 2131 crossover clipped normal."""
    last: dict[str, tuple[Any, ...]] = {}
    for row in throws:
        last[row[0]] = row
    rows = []
    for point, ixl, loc, machine, desc, year in POINTS:
        ts, direction = last[point][1], last[point][3]
        position = "reverse" if direction == "N>R" else "normal"
        status, since = "in_service", iso(now - timedelta(days=30))
        if point in ("P2131A", "P2131B"):
            position, status, since = "normal", "clipped_out_of_use", iso(now - timedelta(minutes=CLIPPED))
        rows.append((point, ixl, loc, machine, desc, year, position, "detected", status, since, ts))
    return rows


def _fsp(now: datetime) -> list[tuple[Any, ...]]:
    """Hourly readings for 7 days, narrow: voltage_v, load_a, insulation_mohm; FSP/WB/01's supply loss."""
    rows = []
    for fsp, _loc, _feeds, load in SUPPLIES:
        for h in range(7 * 24):
            t = now - timedelta(hours=h)
            v = 646.0 + 8.0 * noise(f"v{fsp}", h)
            a = load + 1.6 * noise(f"a{fsp}", h) - 0.8
            ins = 24.0 + 12.0 * noise(f"i{fsp}", h)
            if fsp == "FSP/WB/01" and h in FSP_OUTAGE_HOURS:
                v, a = 0.0, 0.0
            for quantity, value in (("voltage_v", v), ("load_a", a), ("insulation_mohm", ins)):
                rows.append((fsp, quantity, round(value, 1), iso(t), int(t.timestamp())))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO locations VALUES (?,?,?,?,?,?)", LOCATIONS)
    db.executemany(
        "INSERT INTO interlockings VALUES (?,?,?,?,?,?,?,?)",
        [(*i[:7], None if i[7] is None else f"{now - timedelta(days=i[7]):%Y-%m-%d}") for i in INTERLOCKINGS],
    )
    throws = _throws(now)
    db.executemany("INSERT INTO throws VALUES (?,?,?,?,?,?,?)", throws)
    db.executemany("INSERT INTO points VALUES (?,?,?,?,?,?,?,?,?,?,?)", _points(now, throws))
    db.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?)", [(*s[:5], ago(s[5]), s[6]) for s in SECTIONS])
    db.executemany("INSERT INTO crossings VALUES (?,?,?,?,?,?,?)",
                   [(*c[:6], f"{now - timedelta(days=c[6]):%Y-%m-%d}") for c in CROSSINGS])  # fmt: skip
    db.executemany("INSERT INTO supplies VALUES (?,?,?)", [s[:3] for s in SUPPLIES])
    db.executemany("INSERT INTO fsp_readings VALUES (?,?,?,?,?)", _fsp(now))
    events = sorted(EVENTS, key=lambda e: -e[4])
    db.executemany("INSERT INTO ixl_events VALUES (?,?,?,?,?,?,?)",
                   [(5518700 + i, *e[:4], ago(e[4]), ago(e[5])) for i, e in enumerate(events)])  # fmt: skip
    db.executemany("INSERT INTO faults VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*f[:6], ago(f[6]), ago(f[7]), f[8]) for f in FAULTS])  # fmt: skip
    trust = []
    for ref, code, fault, loc, desc, opened, closed in TRUST:
        rows = [d for d in DELAYS if d[1] == ref]
        totals = TRUST_TOTALS.get(ref) or (
            sum(d[3] for d in rows),
            sum(d[3] > 0 for d in rows),
            sum(d[4] for d in rows),
        )
        trust.append((ref, code, fault, loc, desc, ago(opened), ago(closed), *totals))
    db.executemany("INSERT INTO trust_incidents VALUES (?,?,?,?,?,?,?,?,?,?)", trust)
    db.executemany("INSERT INTO delays VALUES (?,?,?,?,?,?,?,?)",
                   [(*d[:6], ago(d[6]), clock.epoch(d[6])) for d in DELAYS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*w[:7], ago(w[7]), ago(w[8]), w[9]) for w in WORK_ORDERS])  # fmt: skip
    possessions = [(*p[:3], ago(p[3]), clock.epoch(p[3]), ago(p[4]), ago(p[5]), *p[6:]) for p in POSSESSIONS]
    db.executemany("INSERT INTO possessions VALUES (?,?,?,?,?,?,?,?,?,?)", possessions)
    db.executemany("INSERT INTO visits VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:6], ago(v[6]), ago(v[7]), clock.epoch(v[7]), v[8]) for v in VISITS])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Signalling maintenance and control store (Fenmarsh Rail): interlockings, points, faults, delays"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
