"""A twenty-second estate, held out from the planner's tuning: the urban traffic control (UTC) of a city's signal
network (Dunsford: twenty-two signalised junctions on five corridors and the ring road, six stand-alone pedestrian
crossings, a traffic management centre, a maintenance contractor): controller status, corridor journey times from
ANPR cameras, junction telemetry, the UTC fault log, daily detector loop tests, bus punctuality, street works permits,
public and stakeholder reports, maintenance work orders, change requests, the TMC's log, supplier tickets and
procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
areas are ``DSF/CENTRAL`` (city, slash, area); corridors ``COR:QUEENSWAY`` (colon) and journey-time routes
``COR:QUEENSWAY/IN`` (colon and slash); junctions ``J042`` (zero-padded, no separator); detector loops ``J042:D3``;
crossings ``PX 03`` (a space, zero-padded); bus routes ``R07``, ``X05``; fault codes ``DET-FLT``, ``FALLBACK``,
``COMMS-LOST``, ``LOOP-IR-LO``; timing plans ``FT-5``; work orders ``WO 26-4417`` (a space and a dash); change requests
``TCR.26.044`` (dots); TMC log entries ``TMC-26-3305``; reports ``FMS-118243``; street works permits ``SW26/0412``;
supplier tickets ``SEN-INC-04471``, ``CVN 7781-22`` (a space), ``LW/2026/0312``; procedures ``TSP-014``,
``TMC-SOP-07``, ``EMP-03``, ``OEM SX-4 9.2``; the controllers' detector fault monitor ``DFM`` and the site
configuration ``DSF-SX4-CFG-r12``; firmware ``7.4.0``; people are named in full (``Olusegun Bello``). Windows come as
``lookback_minutes``, RFC 3339 timestamps (``since`` / ``until``), ISO dates (``from_date`` / ``to_date``), a named
``created_within`` enum, ``hours`` and ``days``; two APIs require a junction (telemetry, loop tests); two look up one
record by key (a fault code, a supplier ticket), one finds street works by street; two search free text (the TMC log,
procedures); one is narrow (junction, measure, value, ts). :mod:`tests.ops_eval.twentysecond_apis` defines them.

The story (minutes before the estate is built, minute-aligned; journey-time buckets are 15 minutes, bucket k from
T-15(k+1)m to T-15km; telemetry every 10 minutes with the newest at now; loop tests daily at T-50m, T-1d-50m, ...;
bus rows are whole UTC days, yesterday back):

- over 90 days: loop D2 of J117 (Ring Rd North / Lowfield Rd) loses insulation, from about 212 megohm to 8.6 now
  (3.5% a day: 24.4 29 days ago, 25.3 30 days ago; below the 10 megohm warning since the test 4 days ago:
  LOOP-IR-LO, WO 26-4371, Wojciech Nowak suspects water in the feeder; re-cut WO 26-4380 in 5 days; Loopwise
  LW/2026/0312); every other loop stays above 150 (J117:D1 310-325): a slow trend;
- this week: J063 (A61 / Fairfield Way) loses its UTC link 11 times (COMMS-LOST; the most of any unit), the newest at
  T-35m still active (its 4G router: CVN 7781-22, Civicnet, Tariq Aziz; WO 26-4401); J118 mains failure 3 days ago
  (fixed since); PX 03 (Abbey Rd, by St Anne's school) off since T-30h: its red man aspect failed (LAMP-RED), new
  aspect on order (WO 26-4392, awaiting_parts); Mill Rd street works (SW26/0412, Northgas gas main, two-way
  temporary lights) since 6 days ago: bus route R21 on time only 61-69% a day (the worst route; others 86-93%);
- T-200m .. T-182m TCR.26.044 (Mateo Ruiz of Sentra Signals, the controller maker; requested by Gwen Talbot, signals
  engineering lead) updates the Sentra SX-4 controllers of J041 (T-200m .. T-194m), J042 (T-193m .. T-188m) and
  J043 (T-187m .. T-182m) on COR:QUEENSWAY from firmware 7.3.2 to 7.4.0 (a pilot; J044 and every other SX-4 stay on
  7.3.2); the upgrade resets the detector fault monitor (DFM) to factory values, so the DFM active time-out goes
  from the site's 20 minutes to 90 s and loops under standing queues are flagged faulty, and the junctions fall back
  from adaptive control to a fixed-time plan;
- from the bucket starting T-180m (the onset; the first DET-FLT and FALLBACK at T-176m on J042, T-171m on J041,
  T-166m on J043) COR:QUEENSWAY/IN's average journey time goes from 410-440 s to 515, 598, 676, 748, 812, 881, 968
  (the peak, T-90m .. T-75m), 951, 902, 874, 861, 869 s (newest; COR:QUEENSWAY/OUT with 40% of the rise); J042's
  queue 340-420 m (J041 290-370, J043 260-340) against 50-110 m everywhere else; T-172m the TMC sees the queues,
  T-165m the first public report, T-150m WO 26-4417 (Olusegun Bello, Kerbline Signals: loops test good, DFM active
  time-out 90 s against the site configuration DSF-SX4-CFG-r12's 20 minutes), T-141m Dunsford Citylink (R07, R12 late,
  FMS-118243), T-96m Dunsford Police (ambulance held, FMS-118248), T-78m SEN-INC-04471 (Sentra, Ingrid Solheim: known
  issue KB-SX4-0219, reload the site configuration or roll back to 7.3.2), T-70m the TMC puts J041 .. J043 on
  fixed-time plan FT-5 (inbound priority), T-40m emergency TCR.26.047 approved (Alison Varga, Declan Shaw), planned
  T+15m, T-24m Cllr Joan Whitlow escalates (FMS-118256);
- red herrings: TCR.26.046 loads a new Riverside evening plan at T-120m (after the onset, another corridor);
  TCR.26.041 (PX 04 push buttons, T-27h) and TCR.26.038 (TMC router firmware, T-45h); Station Rd street works by
  J041 (SW26/0398, footway only, 3 days old); J063, J118, PX 03 and the Mill Rd works earlier this week.

No API reports weather or forecasts, costs or compensation, staff rotas or on-call, air quality, car parks, CCTV
images or road traffic collisions; there is no J099, no PX 11 and no SEN-INC-04999; journey times and faults are
kept 7 days, telemetry 72 hours, loop tests 90 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.twentysecond_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "dunsford_utc"
DAY = 1440
JT_DAYS, TELEMETRY_HOURS, LOOP_DAYS, BUS_DAYS = 7, 72, 90, 30
TCR_START, TCR_DONE = 200, 182  # minutes ago
#: the pilot junctions: junction -> (firmware update started, back on the UTC link) in minutes ago
PILOT = {"J041": (200, 194), "J042": (193, 188), "J043": (187, 182)}
#: when each pilot junction fell back to fixed time (its first loop flagged faulty), minutes ago
FALLBACK_AT = {"J042": 176, "J041": 171, "J043": 166}
#: (junction, loop, flagged faulty at minutes ago); all still active
DET_FAULTS = [("J042", "D1", 176), ("J042", "D3", 175), ("J041", "D1", 171), ("J042", "D4", 169),
              ("J043", "D2", 166), ("J041", "D2", 163), ("J043", "D3", 158)]  # fmt: skip
FT5_AT, RIVERSIDE_AT, PX03_OFF, PX04_FIXED, WORKS_START = 70, 120, 1800, 1620, 6 * DAY
J118_MAINS = (4330, 4255)
J063_LOST = [35, 310, 905, 1480, 2130, 2975, 3640, 4810, 5930, 7220, 8890]  # the newest still active
LOOP_BAD, LOOP_NOW, LOOP_RATE = "J117:D2", 8.6, 0.036

#: unit, name, kind, area, corridor, controller, installed
SIGNALS = [
    ("J011", "Castle Sq / High St", "junction", "DSF/CENTRAL", "", "Sentra SX-4", 2017),
    ("J012", "High St / Bridge St", "junction", "DSF/CENTRAL", "", "Sentra SX-4", 2017),
    ("J041", "Queensway / Station Rd", "junction", "DSF/CENTRAL", "COR:QUEENSWAY", "Sentra SX-4", 2019),
    ("J042", "Queensway / Market St", "junction", "DSF/CENTRAL", "COR:QUEENSWAY", "Sentra SX-4", 2019),
    ("J043", "Queensway / Abbey Rd", "junction", "DSF/CENTRAL", "COR:QUEENSWAY", "Sentra SX-4", 2019),
    ("J044", "Queensway / Tanner Lane", "junction", "DSF/CENTRAL", "COR:QUEENSWAY", "Sentra SX-4", 2020),
    ("J051", "Riverside / Ferry Lane", "junction", "DSF/SOUTH", "COR:RIVERSIDE", "Sentra SX-4", 2018),
    ("J052", "Riverside / Wharf St", "junction", "DSF/SOUTH", "COR:RIVERSIDE", "Sentra SX-4", 2018),
    ("J053", "Riverside / Canal St", "junction", "DSF/SOUTH", "COR:RIVERSIDE", "Sentra SX-4", 2018),
    ("J054", "Riverside / Lock Rd", "junction", "DSF/SOUTH", "COR:RIVERSIDE", "Sentra SX-4", 2018),
    ("J061", "A61 / Northgate", "junction", "DSF/NORTH", "COR:A61-NORTH", "Halcyon HTC-800", 2015),
    ("J062", "A61 / Hollins Rd", "junction", "DSF/NORTH", "COR:A61-NORTH", "Halcyon HTC-800", 2015),
    ("J063", "A61 / Fairfield Way", "junction", "DSF/NORTH", "COR:A61-NORTH", "Halcyon HTC-800", 2016),
    ("J064", "A61 / Ring Rd North", "junction", "DSF/NORTH", "COR:A61-NORTH", "Halcyon HTC-800", 2016),
    ("J071", "Mill Rd / Cobden St", "junction", "DSF/EAST", "COR:MILL-RD", "Sentra SX-4", 2021),
    ("J072", "Mill Rd / Vale Rd", "junction", "DSF/EAST", "COR:MILL-RD", "Sentra SX-4", 2021),
    ("J073", "Mill Rd / Park Ave", "junction", "DSF/EAST", "COR:MILL-RD", "Sentra SX-4", 2021),
    ("J081", "Harbour Rd / Dock Gate", "junction", "DSF/SOUTH", "COR:HARBOUR", "Halcyon HTC-800", 2014),
    ("J082", "Harbour Rd / Marine Pde", "junction", "DSF/SOUTH", "COR:HARBOUR", "Halcyon HTC-800", 2014),
    ("J083", "Harbour Rd / Tower St", "junction", "DSF/SOUTH", "COR:HARBOUR", "Halcyon HTC-800", 2014),
    ("J117", "Ring Rd North / Lowfield Rd", "junction", "DSF/NORTH", "", "Sentra SX-4", 2020),
    ("J118", "Ring Rd North / Brook Lane", "junction", "DSF/NORTH", "", "Sentra SX-4", 2020),
    ("PX 01", "High St (puffin) by the market hall", "crossing", "DSF/CENTRAL", "", "Sentra SX-1P", 2017),
    ("PX 02", "Queensway (toucan) by the library", "crossing", "DSF/CENTRAL", "COR:QUEENSWAY", "Sentra SX-1P", 2019),
    ("PX 03", "Abbey Rd (puffin) by St Anne's Primary School", "crossing", "DSF/CENTRAL", "", "Sentra SX-1P", 2019),
    ("PX 04", "Mill Rd (puffin) by the health centre", "crossing", "DSF/EAST", "COR:MILL-RD", "Sentra SX-1P", 2021),
    ("PX 05", "Harbour Rd (pelican) by the ferry terminal", "crossing", "DSF/SOUTH", "COR:HARBOUR", "Sentra SX-1P",
     2014),
    ("PX 06", "Lowfield Rd (puffin) by the leisure centre", "crossing", "DSF/NORTH", "", "Sentra SX-1P", 2020),
]  # fmt: skip
JUNCTIONS = [s[0] for s in SIGNALS if s[2] == "junction"]
LOOPS = [f"{j}:D{n}" for j in JUNCTIONS for n in range(1, 5)]
ROUTES = [f"COR:{c}/{d}" for c in ("QUEENSWAY", "RIVERSIDE", "A61-NORTH", "MILL-RD", "HARBOUR") for d in ("IN", "OUT")]
#: route -> (base journey time s, vehicles per 15 minutes)
ROUTE_BASE = {"COR:QUEENSWAY/IN": (410, 150), "COR:QUEENSWAY/OUT": (380, 135), "COR:RIVERSIDE/IN": (300, 120),
              "COR:RIVERSIDE/OUT": (290, 115), "COR:A61-NORTH/IN": (340, 170), "COR:A61-NORTH/OUT": (330, 160),
              "COR:MILL-RD/IN": (270, 95), "COR:MILL-RD/OUT": (260, 90), "COR:HARBOUR/IN": (240, 70),
              "COR:HARBOUR/OUT": (230, 65)}  # fmt: skip
#: COR:QUEENSWAY/IN's average journey time after the onset, per bucket k (COR:QUEENSWAY/OUT has 40% of the rise)
SPIKE = {11: 515, 10: 598, 9: 676, 8: 748, 7: 812, 6: 881, 5: 968, 4: 951, 3: 902, 2: 874, 1: 861, 0: 869}
SPIKE_BASE = 425
#: junction -> (queue low, queue high) after its fallback
PILOT_QUEUE = {"J041": 290, "J042": 340, "J043": 260}
BUS_ROUTES = [("R07", "COR:QUEENSWAY"), ("R12", "COR:A61-NORTH, COR:QUEENSWAY"), ("R21", "COR:MILL-RD"),
              ("R33", "COR:RIVERSIDE, COR:HARBOUR"), ("X05", "COR:A61-NORTH")]  # fmt: skip
FIRMWARE = {"Sentra SX-4": "SX-4 7.3.2", "Halcyon HTC-800": "HTC-800 2.9.1", "Sentra SX-1P": "SX-1P 3.1.4"}
BUS_TRIPS = {"R07": 96, "R12": 72, "R21": 84, "R33": 60, "X05": 48}

#: code, name, signals, description, owner
AREAS = [
    ("DSF/CENTRAL", "City centre", "6 junctions, 3 crossings", "J011, J012 (High St); COR:QUEENSWAY J041 .. J044 "
     "(the main inbound route from the ring road); PX 01 .. PX 03", "Signals engineering (Gwen Talbot)"),
    ("DSF/NORTH", "North", "6 junctions, 1 crossing", "COR:A61-NORTH J061 .. J064; Ring Rd North J117, J118; PX 06",
     "Signals engineering (Gwen Talbot)"),
    ("DSF/EAST", "East", "3 junctions, 1 crossing", "COR:MILL-RD J071 .. J073; PX 04",
     "Signals engineering (Gwen Talbot)"),
    ("DSF/SOUTH", "South and harbour", "7 junctions, 1 crossing", "COR:RIVERSIDE J051 .. J054; COR:HARBOUR J081 .. "
     "J083; PX 05", "Signals engineering (Gwen Talbot)"),
    ("DSF/TMC", "Traffic management centre", "", "UTC system, ANPR journey times, CCTV, 24x7 TMC operators",
     "Network management (Declan Shaw)"),
    ("DSF/DEPOT", "Signals maintenance depot", "", "Kerbline Signals maintenance contract: technicians, spares, "
     "loop cutting", "Kerbline Signals (contract manager Ffion Rees)"),
]  # fmt: skip
#: code, equipment, text, severity, meaning, action
FAULT_CODES = [
    ("DET-FLT", "detector loop", "Detector fault", "major",
     "the controller's detector fault monitor (DFM) found a loop continuously occupied, or continuously empty, for "
     "longer than its DFM time-out; the loop is treated as faulty, its stage is demanded every cycle, and with faulty "
     "loops the junction leaves adaptive (UTC) control for its fixed-time fallback plan",
     "test the loop (TSP-021); if it tests good, compare the controller's DFM timers with the site configuration "
     "(TSP-014)"),
    ("FALLBACK", "controller", "Fallback to fixed time", "major",
     "the controller left adaptive (UTC) control and runs its fixed-time fallback plan, because of detector faults",
     "find the faulty loops; the TMC may impose a fixed-time plan that favours the peak direction"),
    ("FW-UPD", "controller", "Firmware update", "info",
     "the controller restarts for a firmware update; the junction is on all-red for a few minutes",
     "check it returns to adaptive control"),
    ("COMMS-LOST", "controller", "UTC link lost", "major",
     "the controller lost its link to the UTC system at the TMC; it runs isolated on vehicle actuation (VA) and "
     "reports no telemetry", "check the router at the cabinet; call Civicnet"),
    ("LAMP-RED", "controller", "Red lamp failure", "critical",
     "a red aspect, or a red man on a crossing, failed; a crossing with a failed red man is switched off",
     "send the maintainer at once (TSP-030)"),
    ("LAMP-AMB", "controller", "Amber lamp failure", "minor", "an amber aspect failed", "replace at the next visit"),
    ("LAMP-GRN", "controller", "Green lamp failure", "minor",
     "a green aspect failed; the other green on the approach still shows", "replace within 24 hours"),
    ("MAINS-FAIL", "controller", "Mains supply failure", "critical", "the cabinet lost its mains supply: the "
     "junction is dark", "call the power company; police to direct traffic (EMP-03)"),
    ("PB-STUCK", "crossing", "Push button stuck", "minor", "a pedestrian push button stays pressed: the crossing "
     "is demanded every cycle", "replace the push-button unit"),
    ("DOOR-OPEN", "controller", "Cabinet door open", "minor", "the controller cabinet door is open",
     "check a maintainer is on site"),
    ("LOOP-IR-LO", "detector loop", "Loop insulation low", "minor",
     "a loop's insulation resistance measured below 10 megohm at the daily test (fail below 1 megohm): water in the "
     "loop or its feeder", "plan a re-cut (TSP-021)"),
    ("CONFLICT", "controller", "Conflict monitor trip", "critical", "the conflict monitor saw conflicting greens: "
     "the junction goes dark", "EMP-03; the maintainer resets on site"),
    ("PLAN-UPD", "controller", "Timing plan loaded", "info", "a new timing plan was loaded from the UTC system",
     "check it against the change request"),
    ("CLOCK-SYNC", "controller", "Clock drift", "info", "the controller clock drifted more than 2 s from the UTC "
     "system", "none; it resynchronises"),
]  # fmt: skip
#: wo, units, type, status, technician, created, planned for, completed (minutes ago; negative: ahead; None: not
#: set), title, notes
WORK_ORDERS = [
    ("WO 26-4362", "J082", "planned", "completed", "Ffion Rees", 9 * DAY, 8 * DAY, 8 * DAY - 90,
     "J082 annual electrical inspection", "all tests passed"),
    ("WO 26-4371", "J117", "inspection", "completed", "Wojciech Nowak", 4 * DAY + 30, None, 4 * DAY - 60,
     "J117 loop D2 insulation below 10 megohm (LOOP-IR-LO)", "D2 insulation 9.9 megohm and falling for weeks; "
     "water in the feeder duct pit suspected; the loop still detects; re-cut planned (WO 26-4380); Loopwise ticket "
     "LW/2026/0312 opened"),
    ("WO 26-4376", "J118", "corrective", "completed", "Ffion Rees", J118_MAINS[0] - 5, None, J118_MAINS[1] - 20,
     "J118 dark: mains failure (MAINS-FAIL)", "supply cut-out fuse replaced by Northern Grid; junction restored"),
    ("WO 26-4380", "J117", "planned", "scheduled", "Wojciech Nowak", 4 * DAY - 90, -5 * DAY, None,
     "J117 loop D2 re-cut and re-seal", "lane closure on Ring Rd North overnight; permit applied for"),
    ("WO 26-4392", "PX 03", "corrective", "awaiting_parts", "Ffion Rees", PX03_OFF - 15, None, None,
     "PX 03 crossing off: red man failed (LAMP-RED)", "the red man LED aspect on the north pole failed; crossing "
     "switched off for safety; replacement Sentra SX-1P LED aspect on order, delivery tomorrow; PX 03 off until it "
     "is fitted; school crossing patrol arranged with St Anne's"),
    ("WO 26-4398", "PX 04", "corrective", "completed", "Ffion Rees", 3130, PX04_FIXED + 30, PX04_FIXED,
     "PX 04 push button stuck (PB-STUCK)", "both push-button units replaced (TCR.26.041)"),
    ("WO 26-4401", "J063", "corrective", "open", "Tariq Aziz (Civicnet) with Ffion Rees", 3 * DAY, None, None,
     "J063 repeated UTC link loss (COMMS-LOST)", "the 4G router in the J063 cabinet drops its link; Civicnet "
     "replacing it (CVN 7781-22); the controller runs isolated on VA meanwhile"),
    ("WO 26-4409", "J041, J042, J043", "project", "completed", "Mateo Ruiz (Sentra Signals)", 205, TCR_START, TCR_DONE,
     "Sentra SX-4 firmware 7.4.0 pilot on Queensway (TCR.26.044)",
     "three controllers updated from 7.3.2, one at a time, each on all-red about 5 minutes; post check: lamps, "
     "conflict monitor and UTC link good, each back in adaptive control"),
    ("WO 26-4417", "J041, J042, J043", "corrective", "in_progress", "Olusegun Bello (Kerbline Signals)", 150, None,
     None, "Detector faults and fixed-time fallback on Queensway (DET-FLT)",
     "loops J041:D1, J042:D3 and J043:D2 tested good (insulation above 150 megohm, inductance normal); the "
     "controllers flag any loop occupied for more than 90 s as faulty: the DFM active time-out is 90 s, the factory "
     "default, on all three since the 7.4.0 update, while the site configuration DSF-SX4-CFG-r12 sets 20 minutes "
     "(J044, still on 7.3.2, has 20 minutes); standing queues over the loops trip the DFM and the junctions fall back "
     "to fixed time; Sentra ticket SEN-INC-04471 raised by Gwen Talbot"),
    ("WO 26-4420", "J012", "planned", "scheduled", "Ffion Rees", 300, -DAY, None, "J012 annual electrical inspection",
     ""),
]  # fmt: skip
#: tcr, title, units, category, state, requested by, implemented by, approver, raised, planned start, implemented
#: (minutes ago; negative: ahead; None: not yet), backout, notes
CHANGES = [
    ("TCR.26.030", "UTC central system 11.2 patch 4", "UTC system", "utc_software", "implemented", "Declan Shaw",
     "Sentra Signals (remote)", "CAB", 16 * DAY, 12 * DAY, 12 * DAY, "uninstall patch 4", "journey-time dashboard "
     "fixes"),
    ("TCR.26.038", "TMC core router firmware 15.2.4 -> 15.2.7", "TMC router", "comms", "implemented",
     "Declan Shaw", "Tariq Aziz (Civicnet)", "CAB", 6 * DAY, 2700, 2700, "reinstall 15.2.4",
     "all controllers back on the UTC link within 2 minutes"),
    ("TCR.26.041", "PX 04 push-button units replaced", "PX 04", "hardware", "implemented", "Gwen Talbot",
     "Ffion Rees (Kerbline Signals)", "CAB", 3 * DAY, PX04_FIXED, PX04_FIXED, "refit the old units",
     "after PB-STUCK (WO 26-4398)"),
    ("TCR.26.044", "Sentra SX-4 controller firmware 7.3.2 -> 7.4.0, pilot on J041, J042 and J043 (Queensway)",
     "J041, J042, J043", "controller_firmware", "implemented", "Gwen Talbot (signals engineering lead)",
     "Mateo Ruiz (Sentra Signals field service)", "CAB", 5 * DAY, TCR_START, TCR_DONE,
     "reload 7.3.2 from the Sentra service laptop (about 15 minutes a controller on all-red)",
     "better lamp monitoring and MOVA 7 support; one controller at a time outside the peak; fleet rollout after a "
     "7-day pilot (WO 26-4409)"),
    ("TCR.26.046", "Riverside evening-peak plan P4: cycle 96 s -> 104 s", "J051, J052, J053, J054", "timing_plan",
     "implemented", "Kofi Mensah (signals engineer)", "Kofi Mensah (signals engineer)", "CAB", 4 * DAY,
     RIVERSIDE_AT, RIVERSIDE_AT, "reload plan P4 version 6", "plan P4 only runs in fixed-time fallback from 16:00; "
     "adaptive control unaffected"),
    ("TCR.26.047", "Emergency: reload the site configuration DSF-SX4-CFG-r12 (DFM active time-out 20 minutes) on "
     "J041, J042 and J043", "J041, J042, J043", "controller_config", "approved", "Gwen Talbot", None,
     "E-CAB (Alison Varga, head of traffic; Declan Shaw, network manager)", 40, -15, None, "roll back to 7.3.2",
     "SEN-INC-04471; one controller at a time from the TMC, no restart"),
]  # fmt: skip
#: entry, minutes ago, author, role, text
TMC_LOG = [
    ("TMC-26-3290", 2695, "Rohan Mistry", "TMC operator (nights)", "TMC router firmware done by Civicnet "
     "(TCR.26.038); all controllers back on the UTC link in 2 minutes"),
    ("TMC-26-3294", PX03_OFF - 5, "Rohan Mistry", "TMC operator (nights)", "PX 03 Abbey Rd reported with no red man "
     "by St Anne's school (FMS-118233); crossing switched off, Kerbline called (WO 26-4392)"),
    ("TMC-26-3296", PX04_FIXED - 5, "Rohan Mistry", "TMC operator (nights)", "PX 04 push buttons replaced "
     "(TCR.26.041), crossing back in service"),
    ("TMC-26-3302", 203, "Hazel Pryor", "TMC duty operator", "Mateo Ruiz (Sentra) starting the 7.4.0 firmware pilot "
     "on J041, J042 and J043 (TCR.26.044)"),
    ("TMC-26-3303", 181, "Hazel Pryor", "TMC duty operator", "firmware pilot done; all three back on the UTC link "
     "in adaptive"),
    ("TMC-26-3305", 172, "Hazel Pryor", "TMC duty operator", "J042 dropped out of adaptive to fixed time with "
     "detector faults, J041 the same; Queensway inbound queuing back to the ring road on CCTV"),
    ("TMC-26-3306", 149, "Hazel Pryor", "TMC duty operator", "Olusegun Bello (Kerbline) sent to the Queensway "
     "detector faults (WO 26-4417)"),
    ("TMC-26-3308", 140, "Hazel Pryor", "TMC duty operator", "Nia Caddick (Dunsford Citylink control) on the phone: "
     "R07 and R12 more than 20 minutes late inbound (FMS-118243)"),
    ("TMC-26-3309", 119, "Hazel Pryor", "TMC duty operator", "Kofi Mensah loaded the new Riverside evening plan P4 "
     "(TCR.26.046)"),
    ("TMC-26-3311", 95, "Hazel Pryor", "TMC duty operator", "Police control: ambulance held in the Queensway queue "
     "(FMS-118248); blue-light route via Riverside advised (EMP-03)"),
    ("TMC-26-3312", 77, "Hazel Pryor", "TMC duty operator", "Gwen Talbot raised SEN-INC-04471 with Sentra"),
    ("TMC-26-3313", FT5_AT, "Hazel Pryor", "TMC duty operator", "J041, J042 and J043 put on fixed-time plan FT-5 "
     "(inbound priority) from the TMC"),
    ("TMC-26-3315", 39, "Hazel Pryor", "TMC duty operator", "emergency TCR.26.047 approved by Alison Varga and Declan "
     "Shaw; configuration reload in 15 minutes; Ingrid Solheim advises a reload, not a rollback, in the peak"),
    ("TMC-26-3316", 34, "Hazel Pryor", "TMC duty operator", "J063 lost its UTC link again, running isolated on VA; "
     "Civicnet told (CVN 7781-22)"),
    ("TMC-26-3317", 23, "Hazel Pryor", "TMC duty operator", "Cllr Joan Whitlow escalation about Queensway "
     "(FMS-118256)"),
]  # fmt: skip
#: report, minutes ago, reporter, reporter type, location, subject, priority, status, handler
REPORTS = [
    ("FMS-118201", 6 * DAY + 200, "Dunsford Citylink", "bus_operator", "Mill Rd (J071 .. J073)",
     "R21 losing time at the Mill Rd temporary lights", "P3", "closed", "Bethan Pugh"),
    ("FMS-118209", 5 * DAY + 300, "Karen Ashworth", "public", "Tanner Lane (J044)",
     "Green man too short to cross Queensway at Tanner Lane", "P4", "closed", "Lewis Orme"),
    ("FMS-118215", 4 * DAY + 100, "Marisa Doyle", "public", "Harbour Rd (J082)",
     "Lights at Marine Pde slow to change at night", "P4", "closed", "Lewis Orme"),
    ("FMS-118226", 3 * DAY + 50, "Dunsford Citylink", "bus_operator", "Mill Rd (J071 .. J073)",
     "R21 still 10 minutes late through the Mill Rd works", "P3", "acknowledged", "Bethan Pugh"),
    ("FMS-118233", PX03_OFF + 10, "St Anne's Primary School", "business", "Abbey Rd (PX 03)",
     "Crossing outside the school has no red man", "P2", "acknowledged", "Lewis Orme"),
    ("FMS-118240", 165, "Tom Greaves", "public", "Queensway (J042)",
     "Lights at Market St stuck, queue back to the ring road", "P3", "open", "Lewis Orme"),
    ("FMS-118243", 141, "Dunsford Citylink", "bus_operator", "Queensway (J041 .. J043)",
     "R07 and R12 running more than 20 minutes late inbound", "P2", "open", "Lewis Orme"),
    ("FMS-118245", 122, "Priya Anand", "public", "Queensway (J043)",
     "Half an hour from Abbey Rd to Station Rd", "P4", "open", "Lewis Orme"),
    ("FMS-118248", 96, "Dunsford Police control room", "police", "Queensway (J041 .. J043)",
     "Ambulance held in the queue; please check the signals", "P1", "open", "Hazel Pryor"),
    ("FMS-118252", 58, "Queensway Surgery", "business", "Queensway (J042)",
     "Patients missing appointments because of the queues", "P3", "open", "Lewis Orme"),
    ("FMS-118256", 24, "Cllr Joan Whitlow", "councillor", "Queensway",
     "Escalation: Queensway gridlocked, constituents complaining", "P1", "open", "Alison Varga"),
]  # fmt: skip
#: ref, supplier, units, subject, status, priority, engineer, opened and updated (minutes ago), latest
VENDOR_TICKETS = [
    ("SEN-INC-04471", "Sentra Signals", "J041, J042, J043",
     "Detector faults and fixed-time fallback after SX-4 firmware 7.4.0", "open", "P1", "Ingrid Solheim", 78, 52,
     "known issue KB-SX4-0219: upgrading from 7.3.x resets the detector fault monitor (DFM) timers to factory values "
     "(active time-out 90 s; sites usually 10-30 minutes), so loops under standing queues are flagged faulty and the "
     "controller falls back to fixed time; reload the site configuration (DSF-SX4-CFG-r12) from the TMC, effective at "
     "once without a restart, or roll back to 7.3.2; fixed in 7.4.1; hold the fleet rollout"),
    ("CVN 7781-22", "Civicnet", "J063", "4G router at J063 dropping the UTC link", "in_progress", "P2", "Tariq Aziz",
     5 * DAY, 30, "router swap booked for tomorrow morning; meanwhile the controller runs isolated when the link "
     "drops"),
    ("LW/2026/0312", "Loopwise Detection", "J117:D2", "Insulation falling on loop J117:D2", "open", "P3",
     "Hamid Farouk", 4 * DAY - 40, 2 * DAY, "the detector card reads correctly; the falling insulation is the loop "
     "or its feeder (water); re-cut the loop; the card keeps detecting down to about 1 megohm"),
]  # fmt: skip
KB = [
    ("TSP-014", "Detector faults (DET-FLT) and fixed-time fallback",
     "Test the flagged loops (TSP-021). If they test good the controller's detector fault monitor is wrong: after a "
     "controller firmware update compare the DFM timers with the site configuration DSF-SX4-CFG-r12 (DFM active "
     "time-out 20 minutes): reload the configuration from the TMC or roll the firmware back, and raise a Sentra "
     "ticket. Meanwhile the TMC puts the junctions on a fixed-time plan that favours the peak direction."),
    ("TSP-021", "Loop insulation and inductance tests",
     "Every loop is tested daily by its detector card. Insulation: warning below 10 megohm, fail below 1 megohm; "
     "inductance 80-150 microhenry. A falling insulation means water in the loop or feeder: re-cut and re-seal the "
     "loop (lane closure needed)."),
    ("TSP-030", "Lamp failures at junctions and crossings",
     "A red lamp failure is urgent: a crossing with a failed red man is switched off until it is repaired; a "
     "junction keeps running on its second red. Amber and green failures: replace within 24 hours."),
    ("TMC-SOP-07", "Disruption: stakeholders and messages",
     "Tell Dunsford Citylink control, police control and the council's press office; post on the travel news "
     "feed. Compensation claims from bus operators go to the contracts team."),
    ("EMP-03", "Dark junctions and blue-light routes",
     "When a junction is dark or a corridor is blocked: ask police to direct traffic, advise ambulances of the "
     "blue-light route (Queensway blocked: via Riverside)."),
    ("OEM SX-4 9.2", "Sentra SX-4 handbook, section 9.2: detector fault monitoring (DFM)",
     "Each loop has a DFM active time-out (continuously occupied) and inactive time-out (continuously empty), from "
     "30 s to 255 minutes; factory defaults 90 s active, 24 hours inactive. A loop over its time-out is flagged "
     "faulty and its demand is inserted every cycle."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE areas (code TEXT PRIMARY KEY, name TEXT, signals TEXT, description TEXT, owner TEXT);
CREATE TABLE signals (unit TEXT PRIMARY KEY, name TEXT, kind TEXT, area TEXT, corridor TEXT, controller TEXT,
                      loops TEXT, utc_link TEXT, installed INTEGER);
CREATE TABLE status (unit TEXT PRIMARY KEY, kind TEXT, state TEXT, since TEXT, mode TEXT, plan TEXT,
                     loops_faulty INTEGER, active_fault TEXT, firmware TEXT, utc_link TEXT);
CREATE TABLE journey_times (route TEXT, bucket_start TEXT, bucket_epoch INTEGER, vehicles INTEGER,
                            avg_journey_s INTEGER, p85_journey_s INTEGER);
CREATE INDEX journey_times_epoch ON journey_times (bucket_epoch);
CREATE TABLE telemetry (junction TEXT, measure TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX telemetry_junction ON telemetry (junction, ts_epoch);
CREATE TABLE faults (fault_id INTEGER PRIMARY KEY, unit TEXT, detail TEXT, code TEXT, text TEXT, severity TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT);
CREATE TABLE fault_codes (code TEXT PRIMARY KEY, equipment TEXT, text TEXT, severity TEXT, meaning TEXT,
                          action TEXT);
CREATE TABLE loop_tests (junction TEXT, loop TEXT, tested_at TEXT, tested_epoch INTEGER, insulation_mohm REAL,
                         inductance_uh REAL, result TEXT);
CREATE INDEX loop_tests_junction ON loop_tests (junction, tested_epoch);
CREATE TABLE bus (day TEXT, day_end_epoch INTEGER, route TEXT, corridors TEXT, trips INTEGER, on_time_pct REAL,
                  avg_delay_min REAL, lost_trips INTEGER);
CREATE TABLE works (permit TEXT PRIMARY KEY, street TEXT, near TEXT, promoter TEXT, works TEXT,
                    traffic_management TEXT, start_date TEXT, end_date TEXT, status TEXT, coordinator TEXT);
CREATE TABLE reports (report TEXT PRIMARY KEY, opened TEXT, opened_epoch INTEGER, reporter TEXT, reporter_type TEXT,
                      location TEXT, subject TEXT, priority TEXT, status TEXT, handler TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, units TEXT, type TEXT, status TEXT, technician TEXT, created TEXT,
                          created_epoch INTEGER, planned_for TEXT, completed TEXT, title TEXT, notes TEXT);
CREATE TABLE changes (tcr TEXT PRIMARY KEY, title TEXT, units TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned_start TEXT, implemented TEXT,
                      implemented_epoch INTEGER, backout TEXT, notes TEXT);
CREATE TABLE tmc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE vendor_tickets (ref TEXT PRIMARY KEY, supplier TEXT, units TEXT, subject TEXT, status TEXT,
                             priority TEXT, engineer TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _signals() -> list[tuple[Any, ...]]:
    """unit, name, kind, area, corridor, controller, loops, UTC link, installed."""
    rows = []
    for unit, name, kind, area, corridor, controller, installed in SIGNALS:
        loops = ", ".join(f"{unit}:D{n}" for n in range(1, 5)) if kind == "junction" else ""
        link = "4G router (Civicnet)" if unit in ("J063", "J064", "J081", "J082", "J083") else "fibre (Civicnet)"
        rows.append((unit, name, kind, area, corridor, controller, loops, link, installed))
    return rows


def _journey(route: str, k: int) -> tuple[int, int, int]:
    """One route's bucket k: (vehicles, average journey time, 85th percentile)."""
    base, vehicles = ROUTE_BASE[route]
    avg = base + round(30 * noise(f"jt{route}", k))
    if route.startswith("COR:MILL-RD/") and 15 * (k + 1) <= WORKS_START:
        avg += 90 if route.endswith("/IN") else 80
    if route.startswith("COR:QUEENSWAY/") and k in SPIKE:
        avg = SPIKE[k] if route.endswith("/IN") else avg + round(0.4 * (SPIKE[k] - SPIKE_BASE))
        vehicles = round(vehicles * SPIKE_BASE / SPIKE[k])
    n = round(vehicles * (0.9 + 0.2 * noise(f"jv{route}", k)))
    return n, avg, round(avg * 1.22 + 10 * noise(f"jp{route}", k))


def _journey_times(now: datetime) -> list[tuple[Any, ...]]:
    """Every route's 15-minute buckets for 7 days, the newest ending now."""
    rows = []
    for route in ROUTES:
        for k in range(JT_DAYS * 96):
            start = now - timedelta(minutes=15 * (k + 1))
            rows.append((route, iso(start), int(start.timestamp()), *_journey(route, k)))
    return rows


def _loops_faulty(junction: str, m: float) -> int:
    """How many of a pilot junction's loops were flagged faulty at m minutes ago."""
    return sum(1 for j, _, at in DET_FAULTS if j == junction and at >= m)


def _telemetry(now: datetime) -> list[tuple[Any, ...]]:
    """Every junction's four measures every 10 minutes for 72 hours, the newest at now (none while its link is down
    or its controller restarts)."""
    rows = []
    for j in JUNCTIONS:
        for i in range(TELEMETRY_HOURS * 6):
            m = 10 * i
            if (j == "J063" and m < J063_LOST[0]) or (j in PILOT and PILOT[j][1] <= m <= PILOT[j][0]):
                continue
            t = now - timedelta(minutes=m)
            fallen = j in FALLBACK_AT and m <= FALLBACK_AT[j]
            if fallen:
                values = {
                    "queue_m": PILOT_QUEUE[j] + round(80 * noise(f"q{j}", i)),
                    "cycle_s": 112 if m <= FT5_AT else 120,
                    "loops_faulty": _loops_faulty(j, m),
                    "ped_wait_s": 55 + round(20 * noise(f"pw{j}", i)),
                }
            else:
                values = {
                    "queue_m": 50 + round(60 * noise(f"q{j}", i)),
                    "cycle_s": 88 + round(16 * noise(f"cy{j}", i)),
                    "loops_faulty": 0,
                    "ped_wait_s": 20 + round(25 * noise(f"pw{j}", i)),
                }
            for measure, value in values.items():
                rows.append((j, measure, float(value), iso(t), int(t.timestamp())))
    return rows


def _faults() -> list[tuple[Any, ...]]:
    """(unit, detail, code, raised, cleared) in minutes ago (cleared None: active), for 7 days."""
    out: list[tuple[Any, ...]] = []
    quiet = ["J011", "J012", "J044", "J061", "J062", "J064", "J071", "J072", "J073", "J081", "J082", "J083", "PX 01",
             "PX 02", "PX 05", "PX 06"]  # fmt: skip
    order = sorted(quiet, key=lambda u: noise("fpick", quiet.index(u)))
    codes = ["LAMP-AMB", "LAMP-GRN", "DOOR-OPEN", "CLOCK-SYNC"]
    for s in range(12):  # background faults: no unit more than once
        m = 420 + 790 * s + int(200 * noise("fm", s))
        out.append((order[s], "", codes[int(4 * noise("fc", s))], m, m - 4 - int(50 * noise("fd", s))))
    out += [("J063", "", "COMMS-LOST", m, None if m == J063_LOST[0] else m - 6 - int(30 * noise("cl", m)))
            for m in J063_LOST]  # fmt: skip
    out += [(j, "", "FW-UPD", start, back) for j, (start, back) in PILOT.items()]
    out += [(j, f"{j}:{d}", "DET-FLT", m, None) for j, d, m in DET_FAULTS]
    out += [(j, "", "FALLBACK", m, None) for j, m in FALLBACK_AT.items()]
    out += [(j, "", "PLAN-UPD", RIVERSIDE_AT, RIVERSIDE_AT) for j in ("J051", "J052", "J053", "J054")]
    out += [
        ("J118", "", "MAINS-FAIL", J118_MAINS[0], J118_MAINS[1]),
        ("J117", LOOP_BAD, "LOOP-IR-LO", 4 * DAY + 50, None),
        ("PX 03", "red man, north pole", "LAMP-RED", PX03_OFF, None),
        ("PX 04", "", "PB-STUCK", 3120, PX04_FIXED),
    ]
    return sorted(out, key=lambda o: -o[3])


def _loop_tests(now: datetime) -> list[tuple[Any, ...]]:
    """One test a day per loop for 90 days (at T-50m, T-1d-50m, ...)."""
    rows = []
    for loop in LOOPS:
        for k in range(LOOP_DAYS):
            t = now - timedelta(days=k, minutes=50)
            if loop == LOOP_BAD:
                ohm = round(LOOP_NOW * math.exp(LOOP_RATE * k), 1)
            elif loop == "J117:D1":
                ohm = round(310 + 15 * noise("ir117", k), 1)
            else:
                ohm = round(150 + 250 * noise("irb", LOOPS.index(loop)) + 8 * noise(f"ir{loop}", k), 1)
            result = "fail" if ohm < 1 else "warn" if ohm < 10 else "pass"
            inductance = round(90 + 40 * noise("lh", LOOPS.index(loop)) + noise(f"lh{loop}", k), 1)
            rows.append((loop.split(":")[0], loop, iso(t), int(t.timestamp()), ohm, inductance, result))
    return rows


def _bus(now: datetime) -> list[tuple[Any, ...]]:
    """Per route and complete UTC day for 30 days (yesterday back)."""
    midnight = now.replace(hour=0, minute=0)
    works_day = (now - timedelta(minutes=WORKS_START)).strftime("%Y-%m-%d")
    rows = []
    for d in range(1, BUS_DAYS + 1):
        start = midnight - timedelta(days=d)
        day = start.strftime("%Y-%m-%d")
        weekend = start.weekday() >= 5
        for route, corridors in BUS_ROUTES:
            trips = round(BUS_TRIPS[route] * (0.75 if weekend else 1.0))
            if route == "R21" and day >= works_day:
                on_time, delay = 61 + 8 * noise(f"bo{route}", d), 6.5 + 3 * noise(f"bd{route}", d)
            else:
                on_time, delay = 86 + 7 * noise(f"bo{route}", d), 1.2 + 1.5 * noise(f"bd{route}", d)
            rows.append((day, int((start + timedelta(days=1)).timestamp()), route, corridors, trips, round(on_time, 1),
                         round(delay, 1), int(3 * noise(f"bl{route}", d))))  # fmt: skip
    return rows


def _works(now: datetime) -> list[tuple[Any, ...]]:
    """Street works permits, their dates relative to now (days)."""

    def day(days: float) -> str:
        return (now + timedelta(days=days)).strftime("%Y-%m-%d")

    return [
        ("SW26/0377", "A61 Northgate", "J061", "Dunsford City Council Highways", "carriageway resurfacing",
         "road closed overnight 20:00-06:00", day(-20), day(-14), "completed", "Bethan Pugh"),
        ("SW26/0405", "Riverside", "J053", "Civicnet", "duct survey", "lane closure, off-peak only", day(-9), day(-8),
         "completed", "Bethan Pugh"),
        ("SW26/0412", "Mill Rd", "J071 .. J073", "Northgas", "gas main replacement",
         "two-way temporary lights, one lane", day(-6), day(9), "in_progress", "Bethan Pugh"),
        ("SW26/0398", "Station Rd", "J041", "Dunsford Water", "valve repair in the footway",
         "footway closure only, no carriageway impact", day(-3), day(2), "in_progress", "Bethan Pugh"),
        ("SW26/0421", "Harbour Rd", "J082", "Fibrelink", "cable duct", "lane closure overnight 20:00-06:00", day(2),
         day(5), "planned", "Bethan Pugh"),
    ]  # fmt: skip


def _status(now: datetime) -> list[tuple[Any, ...]]:
    """Every controller now: unit, kind, state, since (minutes ago), mode, plan, loops faulty, active fault, firmware,
    UTC link."""
    rows = []
    for unit, _, kind, _, _, controller, _ in SIGNALS:
        fw = FIRMWARE[controller]
        state, since, mode, plan, faulty, fault, link = "normal", 30 * DAY, "ADAPTIVE", "UTC adaptive", 0, None, "up"
        if kind == "crossing":
            mode, plan = "VA", "VA (on demand)"
        elif unit in ("J081", "J082", "J083"):
            mode, plan = "VA", "VA (isolated by design)"
        if unit in PILOT:
            state, since, mode, plan = "degraded", FT5_AT, "FIXED", "FT-5 inbound priority (imposed by the TMC)"
            faulty, fault, fw = _loops_faulty(unit, 0), "DET-FLT", "SX-4 7.4.0"
        elif unit == "J063":
            state, since, mode, plan, fault = "comms_lost", J063_LOST[0], "VA", "VA (isolated)", "COMMS-LOST"
            link = "lost"
        elif unit == "PX 03":
            state, since, mode, plan, fault = "off", PX03_OFF, "OFF", "switched off", "LAMP-RED"
        elif unit == "J117":
            fault = "LOOP-IR-LO"
        elif unit == "J118":
            since = J118_MAINS[1]
        elif unit == "PX 04":
            since = PX04_FIXED
        rows.append((unit, kind, state, iso(now - timedelta(minutes=since)), mode, plan, faulty, fault, fw, link))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO areas VALUES (?,?,?,?,?)", AREAS)
    db.executemany("INSERT INTO signals VALUES (?,?,?,?,?,?,?,?,?)", _signals())
    db.executemany("INSERT INTO status VALUES (?,?,?,?,?,?,?,?,?,?)", _status(now))
    db.executemany("INSERT INTO journey_times VALUES (?,?,?,?,?,?)", _journey_times(now))
    db.executemany("INSERT INTO telemetry VALUES (?,?,?,?,?)", _telemetry(now))
    codes = {c[0]: c for c in FAULT_CODES}
    db.executemany(
        "INSERT INTO faults VALUES (?,?,?,?,?,?,?,?,?)",
        [(8841200 + i, u, d, c, codes[c][2], codes[c][3], ago(m), clock.epoch(m), ago(cl))
         for i, (u, d, c, m, cl) in enumerate(_faults())],
    )  # fmt: skip
    db.executemany("INSERT INTO fault_codes VALUES (?,?,?,?,?,?)", FAULT_CODES)
    db.executemany("INSERT INTO loop_tests VALUES (?,?,?,?,?,?,?)", _loop_tests(now))
    db.executemany("INSERT INTO bus VALUES (?,?,?,?,?,?,?,?)", _bus(now))
    db.executemany("INSERT INTO works VALUES (?,?,?,?,?,?,?,?,?,?)", _works(now))
    db.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(r, ago(m), clock.epoch(m), *rest) for r, m, *rest in REPORTS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(w[0], w[1], w[2], w[3], w[4], ago(w[5]), clock.epoch(w[5]), ago(w[6]), ago(w[7]), w[8], w[9])
                    for w in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), *c[11:])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO tmc_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in TMC_LOG])  # fmt: skip
    db.executemany("INSERT INTO vendor_tickets VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:7], ago(v[7]), ago(v[8]), v[9]) for v in VENDOR_TICKETS])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Urban traffic control store (Dunsford): signal controllers, loops, journey times, buses, faults"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
