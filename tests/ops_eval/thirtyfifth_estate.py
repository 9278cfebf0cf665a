"""A thirty-fifth estate, held out from the planner's tuning: the operations of Tarran Alpha, Halbrook Energy's fixed
production platform on the Tarran field, exporting oil by pipeline to the Breck Ness terminal and gas to the Skarvar
hub, supplied from Port Eskar (heliport and supply base). Eleven producers and a water injector on platform slots
(``A-02`` .. ``A-17``); a process train of separators (``20-VA-101`` HP, ``20-VA-102`` LP, ``20-VA-103`` test), two
50% gas compression trains (``23-KA-201`` A, ``23-KA-202`` B, Vantor Turbomachinery centrifugal compressors with
anti-surge controllers ``23-UIC-2011`` / ``23-UIC-2021``), oil export pumps (``21-PA-301A/B``), produced water
hydrocyclones and degasser (``44-CF-401``, ``44-VA-402``), the HP flare, generators and firewater pumps; fire and gas
(F&G) detectors (``30-GD-1127`` open path, ``30-GD-1131`` point gas, ``30-FD-1108`` flame, ``40-SD-0411`` smoke,
``40-HD-0402`` heat ...), emergency shutdown valves (``21-ESDV-3003`` ...): the equipment register and its state, the
historian's tags and 10-minute trends, the wells and their daily allocated rates, trips, F&G events and inhibits, ESDVs
and their function tests, work orders and the safety-critical element (SCE) backlog with its deferrals, permits to
work, management of change (MOC), incidents, helicopter flights, persons on board (POB), vessels, weather observations,
produced-water oil-in-water (OIW) samples, the onshore on-call rota, the offshore key roles (OIM ...), the control room
operators' (CRO) shifts, contacts, vendor cases, the control room log and the procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
ISA-style tags with an area number (``23-VT-2014``, ``21-ESDV-3003``); wells by slot (``A-12``); slash references for
MOCs (``MOC/412``), permits (``PTW/5590``, isolation certificates ``ICC/5591/1``), inhibits (``OVR/0598``), trips
(``TRP/0561``) and SCE deferrals (``DEF/118``); 8-digit CMMS work orders (``40088211``); incidents ``SYN-24111``; F&G
events ``FGE-3374``; ESDV tests ``FT-7731``; control room log entries ``CRL-20455``; OIW samples ``PW-6610``; flights
``NG419``; vendor cases ``VT-SR-77812`` (Vantor), ``BVR-3321`` (Brenmar Valves), ``SFG-10554`` (Sentra Fire & Gas),
``AP-2209`` (Ardloch Pumps); procedures ``TA-OPS-PR-031``, ``TA-ER-005``, ``TA-FG-PR-004``. API names are verb first
(``list_trips``, ``get_tag_trend``, ``rank_wells``): :mod:`tests.ops_eval.thirtyfifth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; historian samples every 10 minutes for 24 hours ending
at T-4m, T-14m, ...; daily well allocations at T-30m, T-1d-30m, ... for 14 days; weather hourly at T-10m, T-70m, ...
for 48 hours; OIW samples every 12 hours at T-90m, T-810m, ... for 14 days; onshore on-call weeks from Monday 07:00
UTC and CRO shifts of 12 hours from 06:00 and 18:00 UTC, with the story's people on the week and the shift running
now whatever the hour; the log entries, trips and F&G events of the CRO are signed by the one on shift at the time):

- T-300m MOC/412 (Declan Rourke, onshore process engineer; implemented by the instrument tech Stuart Lennie, logged
  T-298m) cuts 23-KA-201's surge control margin on the anti-surge controller 23-UIC-2011 from 10% to 6%, to recycle
  less gas; its recycle valve 23-FV-2012 closes in from 18-24% to 4-9%. The vibration 23-VT-2014 (alarm 63, trip
  75 um) climbs from 17-24 um to 27.8 (T-294m), 34.6 (T-284m) and on; 23-KA-201 trips on high vibration three times:
  TRP/0561 T-238m (restarted T-212m), TRP/0562 T-161m (T-138m) and TRP/0563 T-97m (T-72m), peak samples 73.9, 74.4
  and 74.8 um; each trip flares (43-FI-5001 from 14-22 to 185-245 kSm3/d) and dips the gas export pressure.
  T-236m 30-GD-1131 (compressor A enclosure) gives a momentary 22% LEL low alarm (single detector, portable 0%).
  T-160m the CRO calls rotating equipment on call Tomasz Wilk (TA-OPS-PR-031); T-140m he finds sub-synchronous
  vibration at 0.4x running speed (surge, not the bearings); T-120m he rules out MOC/409 (HP separator level loop
  retune, T-420m) and MOC/410 (A-09 scale inhibitor rate, T-320m) and ties it to MOC/412; T-110m he raises
  VT-SR-77812 with Vantor (P1); T-72m 23-KA-201 is restarted with 23-FV-2012 held 30% open in manual (vibration 29-35
  um since); T-62m Vantor (Riya Menon): the field surge line moved after the 2023 re-wheel, margin at least 10%,
  revert; T-45m the OIM Fraser Mackay approves emergency MOC/415 (revert to 10%, work order 40088211 at T+30m) and
  SYN-24111 is raised.
- degraded: 21-ESDV-3003 (oil export riser) failed its function test 5 days ago (19.8 s against the 12 s of its
  performance standard; 11.2 s 84 days ago): degraded, actuator overhaul deferred (DEF/118, ORA-077, BVR-3321); the
  open path gas detector 30-GD-1127 has been inhibited for about 51 hours (scaffold on the cellar deck, PTW/5562,
  OVR/0598) and its calibration is 6 days overdue; oil export pump 21-PA-301B isolated for a seal leak (PTW/5591,
  ICC/5591/1, seal kit on the Skerry Provider); A-05 shut in 6 days (DHSV failed its inflow test), A-10 shut in 2
  days (sand, TRP/0556); A-15 choked back to 24%.
- slow trends: A-12's wellhead pressure falls from 142.0 barg 13 days ago to 118.0 now, its water cut rises from 18 to
  31% and its oil from 3,050 to 2,240 bopd; OIW rises from 12.4 mg/l 13.5 days ago to 23.8 now (limit 30, monthly
  average); the wind rises over the last day to 34 kt (gust 45) and Hs to 3.6 m.
- red herrings: MOC/409, MOC/410, MOC/411 (historian interface patch, T-600m); 40-SD-0411 smoke detector fault in the
  LER (T-410m, dust); 30-FD-1108 flame detector fault (T-95m, lens, inhibited T-90m); the galley hot work (PTW/5590,
  OVR/0603); NG413 cancelled yesterday (fog at Port Eskar).

On call this week: rotating equipment Tomasz Wilk, production engineering Morven Sutherland, instrument and controls
Ailsa Grant, process safety Priya Raman, onshore duty manager Elspeth Carnegie, logistics Kirsty Main. OIM Fraser
Mackay (back-to-back Innes Calder); CRO now Shona Baird (before her Neil Ogston, next Kyle Jappy). POB 118 (124 beds).
Next flight NG419 departs Port Eskar at T+95m (on deck T+165m); next supply vessel Skerry Provider, ETA T+420m.

No API reports costs, oil or gas prices, deferred production value, forecasts (weather, production, well life),
emissions (CO2, methane), H2S, reservoir or bottomhole pressures, helideck motion (pitch, roll, heave), fuel or diesel
stocks, or training and certificates (BOSIET); there is no well A-21, no tag 23-VT-2099 and no MOC/499; the
historian keeps 24 hours and OIW samples 14 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import EstateClock, iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtyfifth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "tarran_alpha_ops"
DAY = 1440
#: MOC/412 implemented (minutes ago); 23-KA-201's trips: (tripped, restarted) minutes ago
MOC_412 = 300
TRIPS_A = [(238, 212), (161, 138), (97, 72)]
#: 23-VT-2014 samples after MOC/412 while running (minutes ago -> um); stopped samples read 1.8-2.6
VIB_A = {294: 27.8, 284: 34.6, 274: 41.2, 264: 52.7, 254: 66.2, 244: 73.9, 204: 44.1, 194: 51.3, 184: 58.8,
         174: 67.5, 164: 74.4, 134: 47.6, 124: 55.2, 114: 63.9, 104: 74.8, 4: 31.8}  # fmt: skip
#: wells shut in: well -> minutes ago
SHUT_IN = {"A-05": 6 * DAY + 200, "A-10": 2 * DAY + 440}

#: tag, description, units, equipment, alarm low, alarm high, trip high
TAGS = [
    ("20-LT-1012", "HP separator oil level", "%", "20-VA-101", 25.0, 75.0, 85.0),
    ("23-FV-2012", "compressor A anti-surge recycle valve position", "% open", "23-KA-201", None, None, None),
    ("23-PT-2009", "compressor A discharge pressure", "barg", "23-KA-201", None, 104.0, 108.0),
    ("23-VT-2014", "compressor A NDE radial vibration", "um pk-pk", "23-KA-201", None, 63.0, 75.0),
    ("23-VT-2024", "compressor B NDE radial vibration", "um pk-pk", "23-KA-202", None, 63.0, 75.0),
    ("27-PT-6001", "gas export pipeline pressure (topsides)", "barg", "27-PL-02", 115.0, 142.0, 148.0),
    ("43-FI-5001", "HP flare gas rate", "kSm3/d", "43-FL-501", None, 150.0, None),
]
#: well, type, choke %, oil (lo, hi) bopd, GOR scf/bbl, water cut (lo, hi) %, WHP (lo, hi), WHT (lo, hi), since (d)
WELLS = [
    ("A-02", "producer", 46, (1820, 1900), 880, (42.0, 44.0), (96.0, 99.0), (61.0, 63.0), 41),
    ("A-03", "producer", 58, (3080, 3160), 910, (22.0, 24.0), (124.0, 127.0), (71.0, 73.0), 63),
    ("A-05", "producer", 0, (1380, 1440), 860, (35.0, 37.0), (101.0, 104.0), (64.0, 66.0), 0),
    ("A-06", "producer", 35, (960, 1010), 840, (61.0, 63.0), (81.0, 84.0), (55.0, 57.0), 28),
    ("A-07", "producer", 64, (4150, 4210), 950, (9.0, 11.0), (131.0, 133.0), (75.0, 77.0), 55),
    ("A-09", "producer", 52, (2420, 2510), 900, (30.0, 32.0), (110.0, 113.0), (68.0, 70.0), 37),
    ("A-10", "producer", 0, (1650, 1720), 870, (27.0, 29.0), (104.0, 107.0), (66.0, 68.0), 0),
    ("A-11", "producer", 40, (1320, 1390), 860, (48.0, 51.0), (92.0, 95.0), (60.0, 62.0), 49),
    ("A-12", "producer", 55, (2240, 3050), 920, (18.0, 31.0), (118.0, 142.0), (70.0, 74.0), 90),
    ("A-14", "producer", 60, (3620, 3690), 930, (14.0, 16.0), (128.0, 130.0), (73.0, 75.0), 33),
    ("A-15", "producer", 24, (720, 780), 850, (55.0, 58.0), (88.0, 90.0), (57.0, 59.0), 12),
    ("A-17", "water injector", 70, (0, 0), 0, (0.0, 0.0), (185.0, 188.0), (18.0, 20.0), 120),
]  # fmt: skip
#: latest day's oil (bopd) and WHP where the story fixes them
LATEST = {"A-07": (4180, 131.4), "A-14": (3650, 128.9), "A-12": (2240, 118.0)}
WELL_REASON = {
    "A-05": "DHSV failed its inflow test: shut in, wireline repair (40088100) planned",
    "A-10": "shut in by the sand monitor (TRP/0556): sand survey and choke inspection before restart",
    "A-15": "choked back to 24% for sand (TA-OPS-PR-044)",
    "A-12": "water cut rising; wellhead pressure declining",
    "A-17": "injecting produced water and seawater",
}

#: tag, name, system, state, since (minutes ago), note, maker
EQUIPMENT = [
    ("20-VA-101", "HP separator", "separation", "RUNNING", 40 * DAY, "", "Kelvie Process Systems"),
    ("20-VA-102", "LP separator", "separation", "RUNNING", 40 * DAY, "scaffold around the vessel (PTW/5562)",
     "Kelvie Process Systems"),
    ("20-VA-103", "test separator", "separation", "STANDBY", 9 * DAY, "no well on test", "Kelvie Process Systems"),
    ("23-KA-201", "gas compression train A", "compression", "RUNNING", 72,
     "restarted after its third trip (TRP/0563); recycle valve 23-FV-2012 held 30% open in manual; surge margin "
     "revert MOC/415 at 40088211", "Vantor Turbomachinery"),
    ("23-KA-202", "gas compression train B", "compression", "RUNNING", 5 * DAY + 200, "", "Vantor Turbomachinery"),
    ("21-PA-301A", "oil export pump A", "oil_export", "RUNNING", 3 * DAY + 500, "running alone since B isolated",
     "Ardloch Pumps"),
    ("21-PA-301B", "oil export pump B", "oil_export", "ISOLATED", 3 * DAY + 380,
     "mechanical seal leak (TRP/0554): isolated under PTW/5591 (ICC/5591/1); seal kit on the Skerry Provider "
     "(AP-2209)", "Ardloch Pumps"),
    ("21-PL-01", "oil export pipeline to Breck Ness terminal", "oil_export", "RUNNING", 40 * DAY,
     "riser ESDV 21-ESDV-3003 degraded (DEF/118)", ""),
    ("27-PL-02", "gas export pipeline to the Skarvar hub", "gas_export", "RUNNING", 40 * DAY, "", ""),
    ("44-CF-401", "produced water hydrocyclones", "produced_water", "RUNNING", 40 * DAY, "", "Corrie Separation"),
    ("44-VA-402", "produced water degasser", "produced_water", "RUNNING", 40 * DAY, "", "Kelvie Process Systems"),
    ("43-FL-501", "HP flare", "flare", "RUNNING", 40 * DAY, "", ""),
    ("86-GT-8001A", "main generator A", "power", "RUNNING", 16 * DAY, "", "Halden Turbines"),
    ("86-GT-8001B", "main generator B", "power", "RUNNING", 16 * DAY, "", "Halden Turbines"),
    ("86-GT-8001C", "main generator C", "power", "STANDBY", 16 * DAY, "", "Halden Turbines"),
    ("71-PA-7101A", "firewater pump A (diesel driven)", "firewater", "STANDBY", 12 * DAY, "weekly run passed",
     "Ardloch Pumps"),
    ("71-PA-7101B", "firewater pump B (diesel driven)", "firewater", "STANDBY", 12 * DAY, "weekly run passed",
     "Ardloch Pumps"),
]  # fmt: skip
#: event, minutes ago, equipment, level, first out, cause, restarted (minutes ago, None: not), logged by
TRIPS = [
    ("TRP/0549", 9 * DAY + 20, "23-KA-201", "unit trip", "23-PT-2201", "fuel gas supply pressure low (fuel gas "
     "filter change-over)", 9 * DAY - 15, "@CRO"),
    ("TRP/0552", 5 * DAY + 240, "23-KA-202", "unit trip", "23-PT-2231", "lube oil pressure low: spurious, "
     "transmitter replaced (VT-SR-77506)", 5 * DAY + 200, "@CRO"),
    ("TRP/0554", 3 * DAY + 500, "21-PA-301B", "unit trip", "21-LSH-3015", "seal leak detection high: mechanical seal "
     "leaking, pump isolated", None, "@CRO"),
    ("TRP/0556", SHUT_IN["A-10"], "A-10", "well shut-in (PSD)", "A10-SM-01", "acoustic sand monitor high-high",
     None, "@CRO"),
    *[(f"TRP/{561 + i:04d}", t, "23-KA-201", "unit trip", "23-VT-2014", "compressor radial vibration high-high "
       "(75 um)", r, "@CRO") for i, (t, r) in enumerate(TRIPS_A)],
]  # fmt: skip
#: event, tag, detector, area, kind, value, raised, reset (minutes ago), action, logged by
FG_EVENTS = [
    ("FGE-3341", "30-GD-1140", "point gas detector", "cellar deck module M3", "low_alarm", "21% LEL", 6 * DAY + 300,
     6 * DAY + 296, "no gas found with portables: calibration drift, recalibrated", "@CRO"),
    ("FGE-3355", "ALL", "weekly F&G function test", "all areas", "test", None, 4 * DAY + 120, 4 * DAY + 60,
     "weekly test: 42 detectors tested, all passed", "@CRO"),
    ("FGE-3362", "30-GD-1127", "open path gas detector", "cellar deck module M3", "fault", "beam block",
     2 * DAY + 190, None, "beam blocked by the new scaffold (PTW/5562): inhibited (OVR/0598)", "@CRO"),
    ("FGE-3371", "40-SD-0411", "smoke detector", "LER 2 (local equipment room)", "fault", None, 410, 395,
     "dust from the cable tray work; detector cleaned and reset", "@CRO"),
    ("FGE-3374", "30-GD-1131", "point gas detector", "compressor A enclosure", "low_alarm", "22% LEL", 236, 232,
     "momentary, one detector only (no 2oo3 vote); area tech checked with a portable: 0% LEL; after 23-KA-201's "
     "trip", "@CRO"),
    ("FGE-3376", "30-FD-1108", "flame detector (IR3)", "wellhead area", "fault", "optics fault", 95, None,
     "lens contamination; inhibited (OVR/0604), clean and test on 40088190", "@CRO"),
]  # fmt: skip
#: ref, tag, detector, area, reason, applied, removed (minutes ago), permit, authorised by, ORA, measures
FG_INHIBITS = [
    ("OVR/0591", "40-HD-0405", "heat detector", "laundry", "duct cleaning", 6 * DAY, 6 * DAY - 300, "PTW/5541",
     "Alan Birnie", "", "fire watch"),
    ("OVR/0598", "30-GD-1127", "open path gas detector", "cellar deck module M3",
     "beam blocked by scaffold around 20-VA-102", 2 * DAY + 185, None, "PTW/5562", "Fraser Mackay (OIM)", "ORA-081",
     "personal gas monitors for the scaffolders, 2-hourly area gas tests, 30-GD-1128 and 30-GD-1129 in service"),
    ("OVR/0603", "40-HD-0402", "heat detector", "galley extract duct", "hot work on the galley extract duct", 180,
     None, "PTW/5590", "Alan Birnie", "", "fire watch with extinguisher, hot work area checked after the job"),
    ("OVR/0604", "30-FD-1108", "flame detector (IR3)", "wellhead area", "detector faulted (lens)", 90, None, "",
     "@CRO (CRO)", "", "adjacent 30-FD-1107 and 30-FD-1109 cover the area; hourly patrol"),
    ("OVR/0605", "50-SD-0517", "smoke detector", "accommodation deck 3 corridor", "painting", 40, None, "PTW/5592",
     "Alan Birnie", "", "corridor patrol; door closers checked"),
]  # fmt: skip
#: tag, service, location, PS closure (s), status, deferral
ESDVS = [
    ("20-ESDV-1001", "production manifold inlet", "wellhead area", 15.0, "operational", ""),
    ("21-ESDV-3001", "oil export, topsides", "export module", 12.0, "operational", ""),
    ("21-ESDV-3003", "oil export riser", "cellar deck, riser balcony", 12.0, "degraded",
     "DEF/118: actuator overhaul deferred to the campaign; ORA-077; weekly partial stroke test"),
    ("23-ESDV-2001", "compressor A suction", "compression module", 10.0, "operational", ""),
    ("23-ESDV-2002", "compressor A discharge", "compression module", 10.0, "operational", ""),
    ("27-ESDV-6001", "gas export riser", "cellar deck, riser balcony", 12.0, "operational", ""),
    ("45-ESDV-5101", "fuel gas supply", "fuel gas skid", 8.0, "operational", ""),
]  # fmt: skip
#: test, tag, minutes ago, kind, closure s, leak, result, technician, remarks
ESDV_TESTS = [
    ("FT-7688", "21-ESDV-3003", 84 * DAY, "full stroke", 11.2, "within allowance", "pass", "Stuart Lennie",
     "closure slower than last year's 9.6 s; within the 12 s"),
    ("FT-7694", "23-ESDV-2002", 62 * DAY, "full stroke", 13.1, "within allowance", "fail", "Stuart Lennie",
     "solenoid sticking; solenoid replaced"),
    ("FT-7697", "23-ESDV-2002", 58 * DAY, "full stroke", 7.4, "within allowance", "pass", "Stuart Lennie",
     "retest after the solenoid change"),
    ("FT-7715", "27-ESDV-6001", 20 * DAY, "full stroke", 9.4, "within allowance", "pass", "Gavin Sim", ""),
    ("FT-7722", "45-ESDV-5101", 12 * DAY, "full stroke", 5.6, "within allowance", "pass", "Gavin Sim", ""),
    ("FT-7731", "21-ESDV-3003", 5 * DAY + 100, "full stroke", 19.8, "within allowance", "fail", "Stuart Lennie",
     "closure 19.8 s against the 12 s performance standard: valve degraded, ORA-077, DEF/118, BVR-3321"),
    ("FT-7736", "21-ESDV-3003", 2 * DAY + 100, "partial stroke", None, "", "pass", "Gavin Sim",
     "weekly partial stroke per ORA-077: moved freely"),
]  # fmt: skip
#: order, tag, description, SCE, SCE group, priority, status, scheduled, due, completed (minutes ago; negative:
#: ahead), assigned, deferral, deferral detail, notes
WORK_ORDERS = [
    ("40087890", "LB-02", "lifeboat 2 davit annual load test", "yes", "PS-12 escape and evacuation", "P2",
     "deferred", 10 * DAY + 60, 10 * DAY, None, "Torvik Access", "DEF/121",
     "deferred: needs Hs below 2 m; approved by Fraser Mackay and onshore TA Hamish Doig; new due in 6 days",
     "lifeboat 2 in service; lifeboats 1 and 3 tested"),
    ("40087955", "30-GD-1127", "open path gas detector 6-monthly calibration", "yes", "PS-01 fire and gas detection",
     "P2", "open", 6 * DAY + 30, 6 * DAY, None, "Gavin Sim", "", "",
     "access blocked by the scaffold (PTW/5562); detector inhibited (OVR/0598)"),
    ("40087990", "71-PA-7101A", "firewater pump A weekly run", "yes", "PS-04 firewater", "P2", "complete",
     DAY + 200, DAY, DAY + 150, "Jenna Coull", "", "", "ran 30 minutes, pressure and flow to standard"),
    ("40088004", "20-PSV-1015", "HP separator PSV recertification", "yes", "PS-05 pressure relief", "P2", "open",
     -2600, 2 * DAY, None, "Dunvegan Valve Services", "", "",
     "overdue: spare PSV on the Skerry Provider, change-out after it arrives"),
    ("40088100", "A-05", "wireline: DHSV repair (insert valve)", "yes", "PS-02 well barriers", "P2", "open",
     -5 * DAY, -7 * DAY, None, "Dunmore Wireline", "", "", "well shut in until repaired"),
    ("40088120", "21-ESDV-3003", "ESDV actuator overhaul (spring pack, dump valve)", "yes", "PS-03 emergency "
     "shutdown valves", "P1", "deferred", 4 * DAY + 60, 4 * DAY, None, "Brenmar Valves (BVR-3321)", "DEF/118",
     "deferred to the campaign in 38 days: ORA-077 (weekly partial stroke test, pipeline inventory limited); "
     "approved by Fraser Mackay and onshore TA Hamish Doig", ""),
    ("40088150", "23-KA-202", "compressor B 6-monthly borescope of the gas generator", "no", "", "P3", "open",
     -1600, -1900, None, "Halden Turbines", "", "", ""),
    ("40088170", "21-PA-301B", "oil export pump B mechanical seal replacement", "no", "", "P2", "in_progress",
     3 * DAY + 300, -2 * DAY, None, "Jenna Coull", "", "", "waiting for the seal kit (AP-2209) on the Skerry Provider"),
    ("40088190", "30-FD-1108", "flame detector lens clean and test", "yes", "PS-01 fire and gas detection", "P1",
     "in_progress", 85, -60, None, "Gavin Sim", "", "", "after the fault at FGE-3376"),
    ("40088211", "23-UIC-2011", "23-KA-201 surge control margin back to 10% (MOC/415) and surge test", "no", "", "P1",
     "open", -30, -120, None, "Stuart Lennie with Tomasz Wilk (remote)", "", "", "VT-SR-77812"),
]  # fmt: skip
#: ref, type, status, location, job, PA, AA, issued, expires (minutes ago; negative: ahead), ICC, inhibits
PERMITS = [
    ("PTW/5585", "cold", "closed", "weather deck", "handrail inspection", "Torvik Access", "Alan Birnie", DAY + 600,
     DAY + 60, "", ""),
    ("PTW/5562", "cold", "live", "cellar deck module M3", "scaffold erection around 20-VA-102 for insulation repair",
     "Torvik Access", "Alan Birnie", 2 * DAY + 200, -400, "", "OVR/0598"),
    ("PTW/5590", "hot", "live", "galley, deck 2", "welding repair on the galley extract duct", "Cairnlea Catering "
     "(fabricator)", "Alan Birnie", 185, -535, "", "OVR/0603"),
    ("PTW/5591", "isolation", "live", "export module", "21-PA-301B mechanical seal replacement",
     "Jenna Coull", "Alan Birnie", 3 * DAY + 380, -700, "ICC/5591/1", ""),
    ("PTW/5592", "cold", "live", "accommodation deck 3 corridor", "painting", "Torvik Access", "Alan Birnie", 45,
     -675, "", "OVR/0605"),
    ("PTW/5593", "confined_space", "suspended", "utilities module", "62-TK-801 potable water tank inspection",
     "Sondral Inspection", "Alan Birnie", 700, -20, "ICC/5593/1", ""),
    ("PTW/5594", "hot", "planned", "weather deck north", "welding new handrail stanchions", "Torvik Access",
     "Alan Birnie", -1500, -2100, "", ""),
]  # fmt: skip
#: ref, title, tag, type, risk, state, originator, implementer, approvers, raised, planned, implemented, updated
#: (minutes ago; negative: ahead; None: not yet), notes
MOCS = [
    ("MOC/398", "Lifeboat 2 davit winch brake replacement (like for like alternative part)", "LB-02", "equipment",
     "low", "closed", "Jenna Coull", "Torvik Access", "Fraser Mackay", 20 * DAY, 11 * DAY, 11 * DAY, 11 * DAY, ""),
    ("MOC/405", "Temporary operation with 21-ESDV-3003 degraded (ORA-077)", "21-ESDV-3003", "temporary", "medium",
     "implemented", "Priya Raman", "Alan Birnie", "Fraser Mackay; Hamish Doig (onshore TA)", 5 * DAY + 60,
     5 * DAY, 5 * DAY, 2 * DAY + 100, "weekly partial stroke test; closes with the overhaul (DEF/118)"),
    ("MOC/409", "20-LIC-1012 HP separator level controller retune (gain 1.2 -> 0.9, reset 90 -> 120 s)",
     "20-LIC-1012", "controls", "low", "implemented", "Declan Rourke", "Stuart Lennie", "Alan Birnie", 4 * DAY, 420,
     420, 420, "to calm level swings at the slug arrivals; HP separator only"),
    ("MOC/410", "A-09 scale inhibitor injection 25 -> 35 ppm", "A-09", "chemical", "low", "implemented",
     "Morven Sutherland", "Alan Birnie", "Alan Birnie", 3 * DAY, 320, 320, 320,
     "downhole scale squeeze due; chemical injection pump CI-09 stroke raised"),
    ("MOC/411", "ICSS historian interface patch (OPC collector 4.3)", "ICSS", "ICSS", "low", "implemented",
     "Ailsa Grant", "Ailsa Grant", "Alan Birnie", 3 * DAY, 600, 600, 600, "historian gap of 6 minutes; no control"),
    ("MOC/412", "23-KA-201 anti-surge controller 23-UIC-2011: surge control margin 10% -> 6%", "23-UIC-2011",
     "controls", "medium", "implemented", "Declan Rourke (onshore process engineer)", "Stuart Lennie",
     "Fraser Mackay; Alan Birnie", 6 * DAY, MOC_412, MOC_412, MOC_412,
     "less recycle through 23-FV-2012 to free about 3% compression capacity; vendor not consulted; backout: 10%"),
    ("MOC/415", "Emergency: 23-UIC-2011 surge control margin back to 10% (revert MOC/412)", "23-UIC-2011",
     "emergency", "medium", "approved", "Tomasz Wilk", None, "Fraser Mackay (OIM); Elspeth Carnegie (onshore duty "
     "manager)", 50, -30, None, 45, "VT-SR-77812; work order 40088211, then a controlled surge test; SYN-24111"),
]  # fmt: skip
#: ref, minutes ago, location, category, potential, summary, actions, status
INCIDENTS = [
    ("SYN-24085", 20 * DAY, "helideck", "near miss", "medium", "loose cargo net on the helideck at rotors running",
     "HLO briefing; net checks in the helideck checklist", "closed"),
    ("SYN-24098", 8 * DAY + 100, "galley", "first aid", "low", "cook burnt a hand on a tray", "first aid; gloves",
     "closed"),
    ("SYN-24103", 3 * DAY + 480, "export module", "process safety event", "low",
     "21-PA-301B mechanical seal leak: about 12 litres of crude to the drip tray (below tier 2)",
     "pump isolated (PTW/5591); seal replacement 40088170", "open"),
    ("SYN-24107", 2 * DAY + 60, "cellar deck module M3", "near miss", "high",
     "scaffold clip (0.2 kg) dropped 6 m to a walkway below; nobody in the area", "barriers below the scaffold; "
     "tool and clip lanyards; stand-down with Torvik Access", "open"),
    ("SYN-24111", 45, "compression module", "unplanned shutdown", "medium",
     "23-KA-201 tripped three times on high vibration since MOC/412 (surge margin 10% -> 6%); flaring during each "
     "trip", "emergency MOC/415 revert; vendor review VT-SR-77812; MOC/412 review", "open"),
]  # fmt: skip
#: flight, aircraft, departs, status, pax out, pax in, freight kg, note (departure minutes ago; negative: ahead)
FLIGHTS = [
    ("NG411", "AW139 G-NGHC", 2 * DAY + 330, "landed", 12, 13, 180, ""),
    ("NG413", "AW139 G-NGHA", DAY + 330, "cancelled", 14, 12, 0, "fog at Port Eskar heliport: visibility below "
     "minima; passengers moved to NG415"),
    ("NG415", "AW139 G-NGHA", DAY - 30, "landed", 14, 12, 210, ""),
    ("NG417", "AW139 G-NGHC", 330, "landed", 13, 15, 240, "Brenmar Valves overhaul kit part 1"),
    ("NG419", "AW139 G-NGHA", -95, "scheduled", 12, 14, 150, "crew change"),
    ("NG421", "AW139 G-NGHC", -1535, "scheduled", 11, 10, 100, ""),
    ("NG423", "AW139 G-NGHA", -2975, "scheduled", 14, 14, 120, "crew change"),
]  # fmt: skip
#: department, company, persons (POB 118)
POB = [
    ("operations", "Halbrook Energy", 34),
    ("maintenance", "Halbrook Energy", 24),
    ("catering", "Cairnlea Catering", 16),
    ("access and insulation", "Torvik Access", 14),
    ("wireline", "Dunmore Wireline", 9),
    ("deck crew", "Halbrook Energy", 9),
    ("inspection", "Sondral Inspection", 8),
    ("medic, HLO and admin", "Halbrook Energy", 4),
]
#: vessel, type, movement, port, at (minutes ago; negative: ahead), status, note
VESSELS = [
    ("Corran Vigil", "ERRV", "arrived on station", "Tarran field", 12 * DAY, "on_station",
     "standby and rescue vessel; relieved by the Corran Venture in 16 days"),
    ("Nordhav Supporter", "PSV", "departed the field", "to Port Eskar", 1500, "departed",
     "backload: wireline spread, waste skips"),
    ("Skerry Provider", "PSV", "departed Port Eskar", "Port Eskar", 300, "en_route", ""),
    ("Skerry Provider", "PSV", "arrival at the field", "Tarran Alpha", -420, "en_route",
     "deck cargo: 21-PA-301B seal kit (AP-2209), spare PSV for 20-PSV-1015, groceries, scale inhibitor totes"),
    ("Nordhav Supporter", "PSV", "arrival at the field", "Tarran Alpha", -(3 * DAY + 200), "planned",
     "routine cargo run"),
]  # fmt: skip
#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "production_engineering": [("primary", ["Declan Rourke", "Morven Sutherland", "Declan Rourke",
                                            "Morven Sutherland"])],
    "rotating_equipment": [("primary", ["Ishbel Gunn", "Tomasz Wilk", "Ishbel Gunn", "Tomasz Wilk"]),
                           ("secondary", ["Tomasz Wilk", "Ishbel Gunn", "Tomasz Wilk", "Ishbel Gunn"])],
    "instrument_controls": [("primary", ["Kenneth Rae", "Ailsa Grant", "Kenneth Rae", "Ailsa Grant"])],
    "process_safety": [("primary", ["Hamish Doig", "Priya Raman", "Hamish Doig", "Priya Raman"])],
    "onshore_duty_manager": [("primary", ["Gordon Keay", "Elspeth Carnegie", "Robbie Tulloch", "Gordon Keay"])],
    "logistics": [("primary", ["Ruairi Boyd", "Kirsty Main", "Ruairi Boyd", "Kirsty Main"])],
}  # fmt: skip
#: CROs: two shifts before the one running now, it, the next
CROS = ["Lorna Petrie", "Neil Ogston", "Shona Baird", "Kyle Jappy"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps})
PHONES = {p: f"+44 7700 900{510 + 7 * i:03d}" for i, p in enumerate(_PEOPLE)}
#: role, person, on board since (days ago), hitch ends (days ahead), back-to-back, extension
KEY_ROLES = [
    ("OIM (offshore installation manager)", "Fraser Mackay", 9, 5, "Innes Calder", "2201"),
    ("production supervisor", "Alan Birnie", 6, 8, "Colin Yule", "2210"),
    ("maintenance supervisor", "Jenna Coull", 11, 3, "Mark Petrie", "2230"),
    ("medic", "Sara Lindgren", 4, 10, "Owen Reid", "2250"),
    ("HLO (helicopter landing officer)", "Dougie Forbes", 7, 7, "Ewan Moir", "2260"),
]
#: name, covers, phone, hours, contact, escalation, email
CONTACTS = [
    ("Halbrook onshore support room", "24/7 onshore support to Tarran Alpha: production, engineering, emergency "
     "response", "+44 1632 960500", "24/7", "duty support engineer", "onshore duty manager (on-call rota)",
     "tarran.support@halbrook.example"),
    ("Port Eskar supply base", "logistics: cargo, supply vessel loading, heliport passenger handling",
     "+44 1632 960520", "24/7", "base duty supervisor", "Kirsty Main / Ruairi Boyd (logistics on call)",
     "eskar.base@halbrook.example"),
    ("Northgale Helicopters", "helicopter operator: crew change and ad hoc flights", "+44 1632 960540", "06:00-22:00",
     "ops desk", "Callan Brodie, chief pilot", "ops@northgale.example"),
    ("Corran Marine", "standby ERRV Corran Vigil", "+44 1632 960560", "24/7", "marine superintendent",
     "Finlay Orr, fleet manager", "marine@corran.example"),
    ("Skerry Shipping", "supply vessels Skerry Provider and Nordhav Supporter", "+44 1632 960580", "24/7",
     "charter desk", "Agnes Wishart, operations manager", "charter@skerry.example"),
    ("Vantor Turbomachinery", "gas compressors 23-KA-201 / 23-KA-202 and their anti-surge control",
     "+44 1632 960733", "24/7 remote support", "Riya Menon (remote service engineer)",
     "Lars Oberg, service manager, +44 7700 900733", "service@vantor.example"),
    ("Brenmar Valves", "ESDVs and actuators", "+44 1632 960611", "08:00-17:00 weekdays",
     "Graeme Tosh (valve engineer)", "Helen Varley, aftersales manager", "support@brenmar.example"),
    ("Sentra Fire & Gas", "F&G detectors and the F&G panel", "+44 1632 960644", "24/7", "service desk",
     "Moray Sinclair, service lead", "service@sentra.example"),
    ("Ardloch Pumps", "oil export pumps 21-PA-301A/B and firewater pumps", "+44 1632 960677", "08:00-18:00",
     "Iona Baxter (pump engineer)", "Derek Lamont, service manager", "pumps@ardloch.example"),
    ("Dunmore Wireline", "well services: wireline, DHSV repair", "+44 1632 960690", "24/7", "operations coordinator",
     "Kerr Aitken, base manager", "ops@dunmore.example"),
]  # fmt: skip
#: ref, vendor, tag, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
CASES = [
    ("VT-SR-77506", "Vantor Turbomachinery", "23-KA-202", "Lube oil pressure low trip (TRP/0552)", "resolved", "P3",
     "Riya Menon (remote service engineer)", "Tomasz Wilk", 5 * DAY + 200, 4 * DAY,
     "transmitter 23-PT-2231 drifted; replaced; no further action"),
    ("BVR-3321", "Brenmar Valves", "21-ESDV-3003", "Slow closure 19.8 s on the function test", "in_progress", "P2",
     "Graeme Tosh (valve engineer)", "Jenna Coull", 5 * DAY, 2 * DAY,
     "spring pack fatigue and a sticking hydraulic dump valve; overhaul kit part 1 sent on NG417, part 2 at the "
     "base; overhaul at the campaign (DEF/118); weekly partial stroke test meanwhile"),
    ("AP-2209", "Ardloch Pumps", "21-PA-301B", "Mechanical seal leak", "in_progress", "P2",
     "Iona Baxter (pump engineer)", "Jenna Coull", 3 * DAY + 300, DAY, "seal kit shipped on the Skerry Provider"),
    ("SFG-10554", "Sentra Fire & Gas", "30-FD-1108", "Flame detector optics fault", "open", "P2", "service desk",
     "Gavin Sim", 80, 60, "clean the lens and run the test lamp; replace the optics module if it fails again"),
    ("VT-SR-77812", "Vantor Turbomachinery", "23-KA-201", "High vibration and three trips since surge margin cut to 6%",
     "in_progress", "P1", "Riya Menon (remote service engineer)", "Tomasz Wilk", 110, 62,
     "the sub-synchronous vibration at about 0.4x running speed is incipient surge, not the bearings or seals. "
     "After the 2023 re-wheel the field surge line sits about 7% to the right of the original map, so with a 6% "
     "margin the control line is on the real surge line. Keep the surge control margin at least 10%: revert "
     "(MOC/415), then a controlled surge test to re-map the line before any change"),
]  # fmt: skip
#: entry, minutes ago, author, role, text
CR_LOG = [
    ("CRL-20431", 3320, "@CRO", "CRO", "A-10 shut in by the sand monitor (TRP/0556); choke closed; "
     "production engineering told"),
    ("CRL-20433", 3050, "@CRO", "CRO", "30-GD-1127 beam blocked by the new scaffold: inhibited under "
     "OVR/0598 with the OIM's approval, portable gas monitors issued (PTW/5562)"),
    ("CRL-20440", 1380, "@CRO", "CRO", "night handover: 23-KA-201 and 23-KA-202 normal, A-05 and A-10 shut in, "
     "21-PA-301B isolated, 30-GD-1127 still inhibited"),
    ("CRL-20444", 600, "Ailsa Grant", "instrument and controls", "MOC/411 done: historian OPC collector patched, "
     "6-minute data gap"),
    ("CRL-20446", 420, "Stuart Lennie", "instrument technician", "MOC/409 done: 20-LIC-1012 retuned"),
    ("CRL-20447", 410, "@CRO", "CRO", "40-SD-0411 smoke detector fault in LER 2: dust, cleaned and reset"),
    ("CRL-20449", 320, "Alan Birnie", "production supervisor", "MOC/410 done: A-09 scale inhibitor up to 35 ppm"),
    ("CRL-20450", 298, "Stuart Lennie", "instrument technician", "MOC/412 done: 23-UIC-2011 surge control margin "
     "10% -> 6%; 23-FV-2012 closing in to about 6%"),
    ("CRL-20452", 236, "@CRO", "CRO", "23-KA-201 tripped, first out 23-VT-2014 high-high vibration; flaring; "
     "30-GD-1131 momentary 22% LEL, checked with a portable: 0%"),
    ("CRL-20453", 212, "@CRO", "CRO", "23-KA-201 restarted"),
    ("CRL-20455", 160, "@CRO", "CRO", "23-KA-201 tripped again on vibration: called rotating equipment on "
     "call Tomasz Wilk (TA-OPS-PR-031)"),
    ("CRL-20456", 140, "Tomasz Wilk", "rotating equipment on call", "vibration spectrum: sub-synchronous at 0.4x "
     "running speed, the signature of surge or stall; bearing temperatures and lube oil normal"),
    ("CRL-20458", 120, "Tomasz Wilk", "rotating equipment on call", "not MOC/409 (HP separator level loop, suction "
     "pressure steady) and not MOC/410 (A-09 chemicals). The trips began after MOC/412 cut the surge margin to 6%: "
     "the operating point sits on the surge line"),
    ("CRL-20459", 110, "Tomasz Wilk", "rotating equipment on call", "raised VT-SR-77812 with Vantor (P1)"),
    ("CRL-20461", 96, "@CRO", "CRO", "third trip of 23-KA-201 (TRP/0563); 30-FD-1108 faulted, inhibited"),
    ("CRL-20463", 72, "@CRO", "CRO", "23-KA-201 restarted with 23-FV-2012 held 30% open in manual per Tomasz "
     "Wilk; vibration about 30 um"),
    ("CRL-20464", 62, "Tomasz Wilk", "rotating equipment on call", "Vantor (Riya Menon): margin at least 10% with "
     "the re-wheeled impeller; revert MOC/412 and surge test"),
    ("CRL-20465", 45, "Fraser Mackay", "OIM", "emergency MOC/415 approved with Elspeth Carnegie: margin back to 10% "
     "on 40088211; SYN-24111 raised"),
    ("CRL-20467", 20, "@CRO", "CRO", "NG419 on schedule; helideck team briefed; wind 34 kt gusting 45"),
]  # fmt: skip
#: doc, title, kind, body
PROCEDURES = [
    ("TA-OPS-PR-017", "Anti-surge control settings and surge testing", "operating procedure",
     "Surge control margins are set by the compressor vendor's map: never below 10% on 23-KA-201 / 23-KA-202 "
     "without a surge test and the vendor's written agreement. Any change needs an MOC with Vantor's review. After "
     "a change watch the vibration and the recycle valve for 4 hours."),
    ("TA-OPS-PR-031", "Compressor trip response and restart", "operating procedure",
     "On a compressor trip: confirm the first-out, check the flare and the other train, call rotating equipment on "
     "call after a second trip in 24 hours. Restart only when the first-out is understood; after a vibration trip "
     "restart with the recycle valve partly open in manual and watch the vibration."),
    ("TA-OPS-PR-044", "Sand management and well shut-in", "operating procedure",
     "Sand monitor high: choke back and sample; high-high shuts the well in. Restart after a sand survey and a choke "
     "inspection, beaning up in 5% steps."),
    ("TA-ER-005", "Confirmed gas release", "emergency response",
     "Confirmed gas is two detectors or more at 20% LEL (2oo3 vote) in one area, or a high alarm at 60% LEL: the F&G "
     "system starts executive action (ESD of the area, blowdown, ventilation trip). The CRO sounds the general "
     "alarm, all personnel muster, the OIM takes command and calls the onshore duty manager; the ERRV closes in. A "
     "single low alarm: check with a portable gas monitor before any restart of work."),
    ("TA-FG-PR-004", "F&G inhibits and overrides", "standard",
     "Every inhibit goes on the override register with a permit or reason and compensating measures. An inhibit "
     "longer than 12 hours needs the OIM's approval and an ORA; review all inhibits at each shift handover."),
    ("TA-SCE-PR-002", "Failed safety-critical element and deferrals", "standard",
     "An SCE that fails its performance standard is degraded: ORA within 24 hours, deferral (DEF) approved by the "
     "OIM and the onshore technical authority, compensating measures and a new due date."),
    ("TA-AV-PR-001", "Helideck operations and weather limits", "standard",
     "No landing in wind above 50 kt or visibility below the flight's minima; the HLO and the pilot decide on deck "
     "motion."),
    ("TA-MAR-PR-003", "Supply vessel operations", "standard",
     "Cargo lifts only with Hs up to 3.5 m and wind up to 40 kt; the OIM and the master decide."),
    ("TA-ENV-PR-006", "Produced water oil-in-water", "standard",
     "Sample OIW every 12 hours. The permit limit is a 30 mg/l monthly average; report any sample above 100 mg/l."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE equipment (tag TEXT PRIMARY KEY, name TEXT, system TEXT, state TEXT, since TEXT, note TEXT, maker TEXT);
CREATE TABLE tags (tag TEXT PRIMARY KEY, description TEXT, units TEXT, equipment TEXT, alarm_low REAL,
                   alarm_high REAL, trip_high REAL);
CREATE TABLE history (tag TEXT, sample_end TEXT, end_epoch INTEGER, value REAL);
CREATE INDEX history_tag ON history (tag, end_epoch);
CREATE TABLE wells (well TEXT PRIMARY KEY, type TEXT, status TEXT, since TEXT, reason TEXT, choke_pct REAL,
                    whp_barg REAL, wht_c REAL, oil_bopd INTEGER, gas_mmscfd REAL, water_bwpd INTEGER,
                    water_cut_pct REAL);
CREATE TABLE well_daily (well TEXT, day_end TEXT, end_epoch INTEGER, oil_bopd INTEGER, gas_mmscfd REAL,
                         water_bwpd INTEGER, water_cut_pct REAL, choke_pct REAL, whp_barg REAL, wht_c REAL,
                         hours_on REAL);
CREATE TABLE trips (event TEXT PRIMARY KEY, at_utc TEXT, at_epoch INTEGER, equipment TEXT, level TEXT, first_out TEXT,
                    cause TEXT, restarted TEXT, logged_by TEXT);
CREATE TABLE fg_events (event TEXT PRIMARY KEY, tag TEXT, detector TEXT, area TEXT, kind TEXT, value TEXT,
                        raised TEXT, raised_epoch INTEGER, reset TEXT, action TEXT, logged_by TEXT);
CREATE TABLE fg_inhibits (ref TEXT PRIMARY KEY, tag TEXT, detector TEXT, area TEXT, reason TEXT, applied TEXT,
                          applied_epoch INTEGER, removed TEXT, permit TEXT, authorised_by TEXT, ora TEXT,
                          measures TEXT);
CREATE TABLE esdvs (tag TEXT PRIMARY KEY, service TEXT, location TEXT, ps_closure_s REAL, status TEXT,
                    last_test TEXT, last_result TEXT, deferral TEXT);
CREATE TABLE esdv_tests (test_id TEXT PRIMARY KEY, tag TEXT, tested TEXT, t_epoch INTEGER, kind TEXT,
                         closure_s REAL, ps_closure_s REAL, leak TEXT, result TEXT, technician TEXT, remarks TEXT);
CREATE TABLE work_orders (order_no TEXT PRIMARY KEY, tag TEXT, description TEXT, sce TEXT, sce_group TEXT,
                          priority TEXT, status TEXT, scheduled TEXT, s_epoch INTEGER, due TEXT, due_epoch INTEGER,
                          completed TEXT, assigned TEXT, deferral TEXT, deferral_detail TEXT, notes TEXT);
CREATE TABLE permits (ref TEXT PRIMARY KEY, type TEXT, status TEXT, location TEXT, job TEXT,
                      performing_authority TEXT, area_authority TEXT, issued TEXT, expires TEXT, icc TEXT,
                      inhibits TEXT);
CREATE TABLE moc (ref TEXT PRIMARY KEY, title TEXT, tag TEXT, type TEXT, risk TEXT, state TEXT, originator TEXT,
                  implementer TEXT, approvers TEXT, raised_epoch INTEGER, planned TEXT, implemented TEXT,
                  impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE incidents (ref TEXT PRIMARY KEY, at_utc TEXT, at_epoch INTEGER, location TEXT, category TEXT,
                        potential TEXT, summary TEXT, actions TEXT, status TEXT);
CREATE TABLE flights (flight TEXT PRIMARY KEY, aircraft TEXT, departs TEXT, dep_epoch INTEGER, due_on_deck TEXT,
                      status TEXT, pax_out INTEGER, pax_in INTEGER, freight_kg INTEGER, note TEXT);
CREATE TABLE pob (department TEXT, company TEXT, persons INTEGER);
CREATE TABLE vessels (vessel TEXT, type TEXT, movement TEXT, port TEXT, at_time TEXT, at_epoch INTEGER, status TEXT,
                      note TEXT);
CREATE TABLE weather (observed TEXT, obs_epoch INTEGER, wind_kt REAL, gust_kt REAL, wind_dir_deg INTEGER, hs_m REAL,
                      hmax_m REAL, visibility_km REAL, cloud_base_ft INTEGER);
CREATE TABLE oiw_samples (sample TEXT PRIMARY KEY, sampled TEXT, s_epoch INTEGER, oiw_mg_l REAL, limit_mg_l REAL,
                          analyst TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, phone TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE key_roles (rank INTEGER, role TEXT, person TEXT, on_board_since TEXT, hitch_ends TEXT,
                        back_to_back TEXT, extension TEXT);
CREATE TABLE cro_shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, cro TEXT,
                         extension TEXT);
CREATE TABLE contacts (name TEXT PRIMARY KEY, covers TEXT, phone TEXT, hours TEXT, contact TEXT, escalation TEXT,
                       email TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, vendor TEXT, tag TEXT, subject TEXT, status TEXT, priority TEXT,
                    engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE cr_log (entry TEXT PRIMARY KEY, logged TEXT, l_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE procedures (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _a_stopped(m: int) -> bool:
    """Whether 23-KA-201 was down (tripped, not yet restarted) at ``m`` minutes ago."""
    return any(restart < m <= tripped for tripped, restart in TRIPS_A)


def _history(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(143, -1, -1):
        m = 4 + 10 * k
        down = _a_stopped(m)
        after = m < MOC_412
        manual = m < TRIPS_A[-1][1]
        if down:
            vib_a = _between(1.8, 2.6, "vibA0", k)
        elif m in VIB_A:
            vib_a = VIB_A[m]
        elif manual:
            vib_a = _between(29.0, 35.0, "vibAm", k)
        else:
            vib_a = _between(17.0, 24.0, "vibA", k)
        if down:
            fv = 100.0
        elif manual:
            fv = 30.0
        elif after:
            fv = _between(4.0, 9.0, "fvA6", k)
        else:
            fv = _between(18.0, 24.0, "fvA", k)
        values = {
            "23-VT-2014": vib_a,
            "23-FV-2012": fv,
            "23-PT-2009": _between(40.0, 45.0, "ptA0", k) if down else _between(96.0, 99.0, "ptA", k),
            "23-VT-2024": _between(15.0, 22.0, "vibB", k),
            "43-FI-5001": _between(185.0, 245.0, "flare1", k) if down else _between(14.0, 22.0, "flare", k),
            "20-LT-1012": _between(48.0, 52.0, "lvl1", k) if m < 420 else _between(45.0, 55.0, "lvl", k),
            "27-PT-6001": _between(124.0, 128.0, "exp0", k) if down else _between(131.0, 136.0, "exp", k),
        }
        for tag, value in values.items():
            rows.append((tag, clock.ago(m), clock.epoch(m), value))
    return rows


def _well_day(well: str, k: int) -> dict[str, Any]:
    """Well ``well``'s allocation for the day ending ``30 + k`` days' minutes ago."""
    spec = {w[0]: w for w in WELLS}[well]
    _w, wtype, choke, (o_lo, o_hi), gor, (c_lo, c_hi), (p_lo, p_hi), (t_lo, t_hi), _since = spec
    if well == "A-12":
        frac = (13 - k) / 13
        wobble = 0.0 if k in (0, 13) else noise("A12", k) - 0.5
        oil = round(o_hi - (o_hi - o_lo) * frac + 20 * wobble)
        cut = round(c_lo + (c_hi - c_lo) * frac + 0.4 * wobble, 1)
        whp = round(p_hi - (p_hi - p_lo) * frac + 0.6 * wobble, 1)
        wht = round(t_hi - (t_hi - t_lo) * frac, 1)
    else:
        oil = round(_between(o_lo, o_hi, well + "oil", k, 0))
        cut = _between(c_lo, c_hi, well + "cut", k)
        whp = _between(p_lo, p_hi, well + "whp", k)
        wht = _between(t_lo, t_hi, well + "wht", k)
    if k == 0 and well in LATEST:
        oil, whp = LATEST[well]
    hours = 24.0
    read_m = 30 + DAY * k
    if well in SHUT_IN:
        shut = SHUT_IN[well]
        if shut >= read_m + DAY:
            hours = 0.0
        elif shut > read_m:
            hours = round((read_m + DAY - shut) / 60, 1)
        choke = 0 if hours == 0.0 else {"A-05": 44, "A-10": 48}[well]
        if hours == 0.0:
            whp, wht = _between(150.0, 153.0, well + "siwhp", k), _between(11.0, 13.0, well + "siwht", k)
    if wtype == "water injector":
        return {"oil": 0, "gas": 0.0, "water": None, "cut": None, "choke": choke, "whp": whp, "wht": wht,
                "hours": hours}  # fmt: skip
    oil = round(oil * hours / 24)
    water = round(oil * cut / (100 - cut))
    return {"oil": oil, "gas": round(oil * gor / 1e6, 2), "water": water, "cut": cut if hours else None,
            "choke": choke, "whp": whp, "wht": wht, "hours": hours}  # fmt: skip


def _wells(clock: EstateClock) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    daily, now_rows = [], []
    for well, wtype, *_rest, since_d in WELLS:
        for k in range(13, -1, -1):
            d = _well_day(well, k)
            m = 30 + DAY * k
            daily.append((well, clock.ago(m), clock.epoch(m), d["oil"], d["gas"], d["water"], d["cut"], d["choke"],
                          d["whp"], d["wht"], d["hours"]))  # fmt: skip
        d = _well_day(well, 0)
        if well in SHUT_IN:
            status, since = "SHUT_IN", SHUT_IN[well]
        elif wtype == "water injector":
            status, since = "INJECTING", since_d * DAY
        else:
            status, since = "PRODUCING", since_d * DAY
        now_rows.append((well, wtype, status, clock.ago(since), WELL_REASON.get(well, ""), d["choke"], d["whp"],
                         d["wht"], d["oil"], d["gas"], d["water"], d["cut"]))  # fmt: skip
    return daily, now_rows


def _weather(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(47, -1, -1):
        m = 10 + 60 * k
        if k >= 24:
            wind = _between(16.0, 22.0, "wind", k, 0)
            hs = _between(1.8, 2.3, "hs", k)
        else:
            frac = (23 - k) / 23
            wind = round(20 + 14 * frac + (0 if k == 0 else 2 * noise("windr", k) - 1))
            hs = round(2.3 + 1.3 * frac + (0 if k == 0 else 0.2 * noise("hsr", k) - 0.1), 1)
        gust = wind + (11 if k == 0 else round(9 + 2 * noise("gust", k)))
        vis = 9.0 if k == 0 else _between(8.0, 12.0, "vis", k)
        cloud = 1200 if k == 0 else int(_between(900, 1500, "cloud", k, 0))
        rows.append((clock.ago(m), clock.epoch(m), float(wind), float(gust), int(_between(230, 260, "dir", k, 0)),
                     hs, round(hs * 1.8, 1), vis, cloud))  # fmt: skip
    return rows


def _oiw(clock: EstateClock) -> list[tuple[Any, ...]]:
    rows = []
    analysts = ["Morag Cowie", "Lewis Dunn"]
    for k in range(27, -1, -1):
        m = 90 + 720 * k
        frac = (27 - k) / 27
        value = round(12.4 + 11.4 * frac + (0 if k in (0, 27) else 1.2 * noise("oiw", k) - 0.6), 1)
        rows.append((f"PW-{6610 - k}", clock.ago(m), clock.epoch(m), value, 30.0, analysts[k % 2]))
    return rows


def _shift_start(now: datetime) -> datetime:
    """The start of the 12-hour CRO shift running at ``now`` (06:00 or 18:00 UTC)."""
    start = now.replace(hour=6, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    return start


def _cro_at(now: datetime, minutes: float) -> str:
    """The CRO on shift ``minutes`` before now: the shifts of :data:`CROS` around now, before them Lorna Petrie and
    Neil Ogston by turns."""
    shift = (now - timedelta(minutes=minutes) - _shift_start(now)) // timedelta(hours=12)
    return CROS[shift + 2] if shift >= -2 else CROS[shift % 2]


def _who(value: Any, now: datetime, minutes: float) -> Any:
    """``value`` with the placeholder ``@CRO`` replaced by the CRO on shift ``minutes`` before now."""
    return value.replace("@CRO", _cro_at(now, minutes)) if isinstance(value, str) else value


def _cro_shifts(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour shifts from 06:00 and 18:00 UTC: two before the one running now, it and the next."""
    start = _shift_start(now)
    rows = []
    for j, person in enumerate(CROS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("day" if s.hour == 6 else "night", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()),
                     person, "2100"))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    db.executemany("INSERT INTO equipment VALUES (?,?,?,?,?,?,?)",
                   [(t, n, s, st, ago(m), note, mk) for t, n, s, st, m, note, mk in EQUIPMENT])  # fmt: skip
    db.executemany("INSERT INTO tags VALUES (?,?,?,?,?,?,?)", TAGS)
    db.executemany("INSERT INTO history VALUES (?,?,?,?)", _history(clock))
    daily, wells_now = _wells(clock)
    db.executemany("INSERT INTO wells VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", wells_now)
    db.executemany("INSERT INTO well_daily VALUES (?,?,?,?,?,?,?,?,?,?,?)", daily)
    db.executemany("INSERT INTO trips VALUES (?,?,?,?,?,?,?,?,?)",
                   [(e, ago(m), epoch(m), eq, lv, fo, c, ago(r), _who(by, now, m))
                    for e, m, eq, lv, fo, c, r, by in TRIPS])  # fmt: skip
    db.executemany("INSERT INTO fg_events VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(e, t, d, a, k, v, ago(r), epoch(r), ago(rs), act, _who(by, now, r))
                    for e, t, d, a, k, v, r, rs, act, by in FG_EVENTS])  # fmt: skip
    db.executemany("INSERT INTO fg_inhibits VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(r, t, d, a, why, ago(ap), epoch(ap), ago(rm), p, _who(by, now, ap), ora, ms)
                    for r, t, d, a, why, ap, rm, p, by, ora, ms in FG_INHIBITS])  # fmt: skip
    last: dict[str, tuple[int, str]] = {}
    for _id, tag, m, kind, _cl, _leak, result, *_ in ESDV_TESTS:
        if kind == "full stroke" and (tag not in last or m < last[tag][0]):
            last[tag] = (m, result)
    db.executemany("INSERT INTO esdvs VALUES (?,?,?,?,?,?,?,?)",
                   [(t, s, loc, ps, st, ago(last[t][0]) if t in last else ago(150 * DAY),
                     last[t][1] if t in last else "pass", dfr) for t, s, loc, ps, st, dfr in ESDVS])  # fmt: skip
    ps = {e[0]: e[3] for e in ESDVS}
    db.executemany("INSERT INTO esdv_tests VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(i, t, ago(m), epoch(m), k, cl, ps[t], lk, res, tech, rem)
                    for i, t, m, k, cl, lk, res, tech, rem in ESDV_TESTS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(o, t, d, sce, g, p, st, ago(s), epoch(s), ago(due), epoch(due), ago(c), who, dfr, dd, n)
                    for o, t, d, sce, g, p, st, s, due, c, who, dfr, dd, n in WORK_ORDERS])  # fmt: skip
    db.executemany("INSERT INTO permits VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*p[:7], ago(p[7]), ago(p[8]), p[9], p[10]) for p in PERMITS])  # fmt: skip
    db.executemany(
        "INSERT INTO moc VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:9], epoch(c[9]), ago(c[10]), ago(c[11]), None if c[11] is None else epoch(c[11]), epoch(c[12]), c[13])
         for c in MOCS],
    )  # fmt: skip
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?)",
                   [(r, ago(m), epoch(m), *rest) for r, m, *rest in INCIDENTS])  # fmt: skip
    db.executemany("INSERT INTO flights VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(f, a, ago(m), epoch(m), ago(m - 70), st, po, pi, kg, n)
                    for f, a, m, st, po, pi, kg, n in FLIGHTS])  # fmt: skip
    db.executemany("INSERT INTO pob VALUES (?,?,?)", POB)
    db.executemany("INSERT INTO vessels VALUES (?,?,?,?,?,?,?,?)",
                   [(v, t, mv, p, ago(m), epoch(m), st, n) for v, t, mv, p, m, st, n in VESSELS])  # fmt: skip
    db.executemany("INSERT INTO weather VALUES (?,?,?,?,?,?,?,?,?)", _weather(clock))
    db.executemany("INSERT INTO oiw_samples VALUES (?,?,?,?,?,?)", _oiw(clock))
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, PHONES, 7))
    db.executemany("INSERT INTO key_roles VALUES (?,?,?,?,?,?,?)",
                   [(i, r, p, ago(on * DAY + 420), ago(-off * DAY - 300), b, x)
                    for i, (r, p, on, off, b, x) in enumerate(KEY_ROLES)])  # fmt: skip
    db.executemany("INSERT INTO cro_shifts VALUES (?,?,?,?,?,?,?)", _cro_shifts(now))
    db.executemany("INSERT INTO contacts VALUES (?,?,?,?,?,?,?)", CONTACTS)
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO cr_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), epoch(m), _who(a, now, m), r, t) for e, m, a, r, t in CR_LOG])  # fmt: skip
    db.executemany("INSERT INTO procedures VALUES (?,?,?,?)", PROCEDURES)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Halbrook Energy Tarran Alpha platform operations: wells, process, F&G, ESDVs, SCE, PTW, logistics"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
