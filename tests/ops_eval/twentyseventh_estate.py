"""A twenty-seventh estate, held out from the planner's tuning: the district heating network of a city (Hollinsford
Heat: three energy centres, Mill Lane (MLN) with two gas CHP engines, two gas boilers, a thermal store and the control
room, Riverside (RVS) with two river water-source heat pumps, and Quarry Road (QRD) with an electrode boiler and the big
Cathedral Tank store; four network zones, City Core (CC), Docklands (DKL), Eastfield phase 2 (EF2) and Hilltop (HILL),
fed by the Mill Lane main pumps (PS1) and two boosters, Ferry Bank (FBK) and the Hilltop Booster (HTB); seventeen
customer substations): plant status and hourly output, pumping stations, zone hydraulics (supply and return
temperatures, index node differential pressure, flow), leak detection wires and make-up water, substations and their
heat meters, comfort complaints, the HeatView SCADA alarm journal, planned works, work orders, control change requests,
supplier tickets (Vardeck, the CHP engine maker; Nordkyl, the heat-pump maker; Corvex Automation, the SCADA and PLC
supplier), supplier contacts, the on-call rota, the control room shift leads, the control room log and procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
energy centres are three-letter place codes (``MLN`` for Mill Lane, ``QRD`` for Quarry Road); plant is coded with
digits (``CHP-2``, ``MLN-GB1``, ``EB7``), with letters (``HP-A``, ``TS-MLN``) or named (``Cathedral Tank``); pumping
stations ``PS1``, ``FBK`` (Ferry Bank) and ``HTB`` (the Hilltop Booster); zones ``CC``, ``DKL``, ``EF2``, ``HILL``;
pipe sections ``DK-114`` (street names: Wharf Street); substations ``SS-1142`` with building names (``Beacon Heights
Block A``, ``St Ann's Primary School``); change requests ``CCR-3318``; work orders ``WO40236`` (no dash); planned works
``PW-26-031`` and the gas network's ``PGN-SW-55210``; alarms ``HV-884312``; complaints ``HC-58142``; control room
log entries ``CRL-26-1194``; supplier tickets ``VDK-77812``, ``NKY-0413-26``, ``CVX-SR-20931``; procedures
``SOP-NW-09``, ``SOP-CU-02``, ``ENG-CHP-11``, ``ESC-01``, ``OEM NKX-3000 8.3``; control strategies ``HTB v2.3
(DP-ECO)``; the SCADA is ``HeatView 8.4.1``; people are named in full (``Callum Reid``). Windows come as
``lookback_minutes``, an ISO 8601 duration (``window``: ``PT24H``), RFC 3339 timestamps (``since`` / ``until``), epoch
seconds (``from_ts`` / ``to_ts``), ISO dates (``from_date`` / ``to_date``, ``since_date``), a duration string
(``period``), ``hours`` and ``days``. :mod:`tests.ops_eval.twentyseventh_apis` defines them.

The story (minutes before the estate is built, minute-aligned; zone buckets are 15 minutes, bucket k from T-15(k+1)m to
T-15km; plant output and heat meters are hours aligned the same way; leak wire readings daily at T-20m, T-1d-20m, ...;
make-up water per UTC day up to yesterday, the day k days ago holding the value of k; on-call weeks run from Monday
08:00 UTC and control room shifts are 07:00-19:00 and 19:00-07:00 UTC, with the story's people on the week and the
shift running now whatever the hour, so log entries of the last few hours may predate a boundary):

- over 90 days: the alarm wires of DK-114 (Wharf Street, Docklands, DN200) get wet: their insulation resistance falls
  from about 45 MOhm (two months ago and before) to 6.4 a month ago and 0.58 MOhm now, below the 1.0 alarm since the
  reading 6 days ago (WO40201 located the wet insulation 40 m from chamber CH-17; excavation PW-26-031 by Brightwell in
  4 days); the network's make-up water rises from about 3.6 m3 a day three months ago (4.1-4.4 eight weeks ago) to
  8.9-9.2 m3 yesterday; every other section stays between 19 and 79 MOhm: a slow trend;
- this week: CHP-2 trips 8 times on jacket water temperature (its thermostatic valve V-JW3's insert sticks: Vardeck
  VDK-77812, Jürgen Hahn; the most trips of any plant, CHP-1 and HP-A trip once each); since the newest trip (T-540m,
  restarted at T-480m) it runs at most 80% (CCR-3317); HP-B is out for an evaporator clean (PW-26-029, WO40233,
  T-120m .. T+90m, MLN-GB1 covering) and is still on Nordkyl controller firmware 5.2.0 (HP-A went to 5.3.1 with
  CCR-3316 at T-240m .. T-225m); SS-0415 (Wharfside Apartments) returns at about 58 C (a stuck bypass valve, WO40224),
  the only substation returning above 50 C; SS-0433 (Quayside Hotel) has been offline since T-1800m (its M-Bus
  gateway);
- T-200m .. T-196m CCR-3318 (Lars Pettersen of Corvex, remotely; requested by Ruth Adeyemi, the energy optimisation
  lead) loads HTB's control strategy v2.3 (DP-ECO): the Hilltop index node's DP setpoint goes from 0.8 to 0.4 bar and
  the pumps' speed is capped at 75%, modelled on the summer load; at today's load the pumps sit at the cap and from the
  bucket starting T-195m (the onset) the index DP falls from 0.78-0.85 bar to 0.55, 0.44, 0.36, 0.30, 0.26, 0.23, 0.20,
  0.18 (the lowest, T-90m .. T-75m), 0.19, 0.21, 0.22, 0.21, 0.23 bar (newest), the flow into Hilltop from about
  215-235 to 163-173 m3/h and the return from 44.5-47.5 to 38-41 C; the far substations go short: SS-1150 (St Ann's
  Primary School, T-160m), SS-1142 and SS-1143 (Beacon Heights A and B) fault on LOW PRIMARY DP, SS-1155 (Hill Rise Care
  Home) warns of a low secondary flow temperature; 9 comfort complaints come in from Hilltop from T-168m (5 of the
  week's from SS-1142, the most of any substation); T-158m the shift lead Megan Thorne calls the network on call, T-139m
  Callum Reid finds HTB's pumps pinned at the cap, T-126m he raises CVX-SR-20931 (Corvex, Nadia Brandt: no fault;
  reload v2.2 or lift the cap to 95%); T-58m emergency CCR-3321 (back to v2.2) approved by the duty manager Joanne
  Whitfield, planned T+15m; City Core, Docklands and Eastfield stay at their usual 0.56-0.96 bar;
- red herrings: CCR-3316 (HP-A firmware, T-240m, just before the onset, at Riverside), CCR-3317 (CHP-2's 80% cap,
  T-482m), CCR-3315 (HeatView 8.4.0 -> 8.4.1, T-26h), CCR-3312 (Ferry Bank's duty pump, 3 days ago); HP-B's clean;
  CHP-2's trips; the DK-114 leak; CC-031's leak detection loop cut by a telecoms contractor 2 days ago (re-jointed).

On call this week: network Callum Reid (secondary Aisha Begum), plant Dylan Hughes, controls Farah Haddad, customer
Kieran Walsh, duty manager Joanne Whitfield. Control room shift lead now: Megan Thorne (before her Rob Ellery, next
Ade Bakare). Vardeck's service line is +44 1632 960233, its escalation contact Dieter Kramm.

No API reports costs, gas or electricity prices, tariffs or bills, heat demand or weather forecasts, carbon, staffing
or overtime, customer billing or debt, or a cooling network; there is no HP-C, no SS-0999 and no NKY-9999-26; zone
buckets are kept 7 days (the API reaches back 48 hours), plant output and heat meters 7 days, leak wire readings and
make-up water 90 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.twentyseventh_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "hollinsford_heat"
DAY = 1440
BUCKETS, HOURS, LEAK_DAYS, MAKEUP_DAYS = 7 * 96, 7 * 24, 90, 90
#: CCR-3318 on HTB (minutes ago)
CHANGE_START, CHANGE_DONE = 200, 196
#: the onset: the first bucket with the Hilltop index DP down starts this many minutes ago
ONSET = 195
#: the Hilltop index node's DP (bar) after the change, per bucket k (k = 12 starts T-195m)
HILL_LOW = {12: 0.55, 11: 0.44, 10: 0.36, 9: 0.30, 8: 0.26, 7: 0.23, 6: 0.20, 5: 0.18, 4: 0.19, 3: 0.21, 2: 0.22,
            1: 0.21, 0: 0.23}  # fmt: skip
#: HP-B's evaporator clean: stopped (minutes ago), back (minutes ahead)
HPB_STOP, HPB_BACK = 120, 90
#: CHP-2's trips: (minutes ago, minutes down); it runs at most 80% since its restart after the newest
CHP2_TRIPS = [(540, 60), (1720, 75), (2900, 50), (4100, 90), (5350, 65), (6600, 45), (7800, 80), (9300, 55)]
CHP2_DERATE = 480
#: the other plant's stops: asset -> [(minutes ago, minutes down)]
STOPS = {"CHP-1": [(7140, 35)], "HP-A": [(4300, 70), (240, 15)], "HP-B": [(HPB_STOP, HPB_STOP)], "CHP-2": CHP2_TRIPS}
#: EB7's grid balancing calls: the hours (h ago) it ran at full load
EB7_HOURS = {9, 33, 34, 58, 81, 105, 106, 130, 154}
SS0433_OFFLINE = 1800
DK114_ALARM = 6 * DAY + 20

#: code, name, address, plant, notes
CENTRES = [
    ("MLN", "Mill Lane Energy Centre", "Mill Lane, Hollinsford HF2 4DQ",
     "CHP-1, CHP-2, MLN-GB1, MLN-GB2, TS-MLN; the main circulation pumps (PS1)",
     "the network's first energy centre (2012); the control room"),
    ("QRD", "Quarry Road", "Quarry Road depot, Hollinsford HF5 1LT", "EB7, Cathedral Tank",
     "electrode boiler for grid balancing and the big thermal store (2023)"),
    ("RVS", "Riverside Heat Pump Station", "Riverside Walk, Hollinsford HF1 9RS",
     "HP-A, HP-B; the injection pumps (RVS-PS)", "water-source heat pumps on the River Hollin (2022)"),
]  # fmt: skip
#: asset, centre, type, model, heat MWth, MWe, store m3, installed, controller
PLANT = [
    ("CHP-1", "MLN", "chp", "Vardeck VG-420 gas engine", 2.1, 2.0, None, 2017, "Vardeck EngineLink 4.2"),
    ("CHP-2", "MLN", "chp", "Vardeck VG-420 gas engine", 2.1, 2.0, None, 2017, "Vardeck EngineLink 4.2"),
    ("MLN-GB1", "MLN", "gas_boiler", "Harlan HT-8000 gas boiler", 8.0, None, None, 2012, "Harlan BCU 3"),
    ("MLN-GB2", "MLN", "gas_boiler", "Harlan HT-8000 gas boiler", 8.0, None, None, 2012, "Harlan BCU 3"),
    ("TS-MLN", "MLN", "thermal_store", "steel store, about 30 MWh", None, None, 650, 2012, "HeatView"),
    ("HP-A", "RVS", "heat_pump", "Nordkyl NKX-3000 water-source, ammonia", 3.2, None, None, 2022,
     "Nordkyl NC controller 5.3.1"),
    ("HP-B", "RVS", "heat_pump", "Nordkyl NKX-3000 water-source, ammonia", 3.2, None, None, 2022,
     "Nordkyl NC controller 5.2.0"),
    ("EB7", "QRD", "electrode_boiler", "Ostermann EK-10 electrode boiler", 10.0, None, None, 2023, "Ostermann EKC 2.1"),
    ("Cathedral Tank", "QRD", "thermal_store", "steel store, about 110 MWh", None, None, 2400, 2023, "HeatView"),
]  # fmt: skip
#: asset, centre, state, since (minutes ago), heat MW now, load %, state of charge %, COP, alarm, note
PLANT_LIVE = [
    ("CHP-1", "MLN", "running", 7105, 2.06, 98, None, None, "", ""),
    ("CHP-2", "MLN", "running", CHP2_DERATE, 1.68, 80, None, None, "",
     "max load 80% (CCR-3317, VDK-77812) after 8 jacket water trips this week; V-JW3 insert to be replaced (WO40219)"),
    ("MLN-GB1", "MLN", "running", HPB_STOP, 3.8, 48, None, None, "", "started to cover HP-B's evaporator clean"),
    ("MLN-GB2", "MLN", "standby", 5 * DAY, 0.0, 0, None, None, "", ""),
    ("TS-MLN", "MLN", "discharging", 130, 1.2, None, 41, None, "", ""),
    ("HP-A", "RVS", "running", 225, 3.02, 94, None, 3.3, "", ""),
    ("HP-B", "RVS", "maintenance", HPB_STOP, 0.0, 0, None, None, "HP-B OUT OF SERVICE (MAINTENANCE INHIBIT)",
     f"evaporator clean (PW-26-029, WO40233), back in about {HPB_BACK} minutes"),
    ("EB7", "QRD", "standby", 540, 0.0, 0, None, None, "", "available for grid balancing calls (10 MW)"),
    ("Cathedral Tank", "QRD", "standby", 300, 0.0, None, 68, None, "", ""),
]  # fmt: skip
#: code, name, fed from, substations, pipe km
ZONES = [
    ("CC", "City Core", "PS1 (Mill Lane main pumps)", 5, 14.2),
    ("DKL", "Docklands", "FBK (Ferry Bank PS)", 4, 9.8),
    ("EF2", "Eastfield phase 2", "PS1 (Mill Lane main pumps)", 3, 6.1),
    ("HILL", "Hilltop", "HTB (Hilltop Booster)", 5, 5.4),
]
#: zone -> (supply C low, spread, return C low, spread, index DP bar low, spread, flow m3/h low, spread)
ZONE_BASE = {
    "CC": (86.0, 1.5, 47.0, 3.0, 0.86, 0.10, 420, 60),
    "DKL": (85.0, 1.5, 46.0, 3.0, 0.66, 0.10, 260, 40),
    "EF2": (84.5, 1.5, 44.0, 3.0, 0.56, 0.10, 150, 30),
    "HILL": (85.5, 1.5, 44.5, 3.0, 0.78, 0.07, 215, 20),
}
#: station, name, zone served, pumps, running, control mode, setpoint, speed %, cap %, strategy, alarm, note
PUMP_STATIONS = [
    ("FBK", "Ferry Bank PS", "DKL", "FB1, FB2 (Kessling KDP-150, 55 kW)", 1, "DP at the Docklands index node",
     "0.7 bar", 64, 100, "FBK v1.4", "", "duty pump FB1 since CCR-3312"),
    ("HTB", "Hilltop Booster", "HILL", "HB1, HB2 (Kessling KDP-125, 45 kW)", 2,
     "DP at the Hilltop index node (Beacon Road)", "0.4 bar", 75, 75, "HTB v2.3 (DP-ECO)",
     "HTB-A14 INDEX DP BELOW SETPOINT",
     "pumps at the 75% speed cap since CCR-3318; CCR-3321 (back to v2.2: 0.8 bar, no cap) approved"),
    ("PS1", "Mill Lane main pumps", "all zones (main circulation)", "P1A, P1B, P1C (Kessling KDP-250, 160 kW)", 2,
     "DP at the City Core index node", "0.9 bar", 81, 100, "PS1 v3.0", "", ""),
    ("RVS-PS", "Riverside injection pumps", "the Mill Lane ring (heat pump injection)", "RV1, RV2", 1,
     "flow", "95 m3/h", 58, 100, "RVS v1.1", "", "one pump while HP-B is out"),
]  # fmt: skip

#: substation, building, address, zone, customer type, contracted kW, load factor, return C
SUBSTATIONS = [
    ("SS-0207", "Civic Centre", "1 Guildhall Square", "CC", "public building", 900, 0.45, 42.0),
    ("SS-0211", "Hollinsford Royal Infirmary", "Infirmary Road", "CC", "hospital", 3500, 0.55, 41.0),
    ("SS-0218", "Market Hall", "Market Square", "CC", "retail", 400, 0.40, 43.0),
    ("SS-0224", "Kingsgate House", "12 Kingsgate", "CC", "offices", 650, 0.42, 40.0),
    ("SS-0231", "Cathedral Close", "Cathedral Close", "CC", "residential (96 flats)", 520, 0.50, 39.0),
    ("SS-0415", "Wharfside Apartments", "Wharf Street", "DKL", "residential (210 flats)", 1100, 0.60, 57.5),
    ("SS-0420", "Dock Mill Offices", "Dock Mill Lane", "DKL", "offices", 600, 0.40, 42.0),
    ("SS-0426", "Hollinsford University Docks Campus", "Quayside Road", "DKL", "university", 2200, 0.50, 40.0),
    ("SS-0433", "Quayside Hotel", "2 Quayside", "DKL", "hotel", 700, 0.55, 44.0),
    ("SS-0502", "Eastfield Health Centre", "Eastfield Road", "EF2", "health centre", 300, 0.45, 40.0),
    ("SS-0508", "Eastfield Court", "Academy Lane", "EF2", "residential (64 flats)", 450, 0.50, 38.0),
    ("SS-0511", "Eastfield Academy", "Academy Lane", "EF2", "school", 500, 0.45, 41.0),
    ("SS-1142", "Beacon Heights Block A", "Beacon Road", "HILL", "residential (120 flats)", 640, 0.55, 40.0),
    ("SS-1143", "Beacon Heights Block B", "Beacon Road", "HILL", "residential (120 flats)", 640, 0.55, 40.0),
    ("SS-1150", "St Ann's Primary School", "Church Walk", "HILL", "school", 280, 0.50, 39.0),
    ("SS-1155", "Hill Rise Care Home", "Hill Rise", "HILL", "care home", 250, 0.55, 40.0),
    ("SS-1161", "Hilltop Leisure Centre", "Beacon Road", "HILL", "leisure centre (pool)", 900, 0.55, 42.0),
]
SS_ZONE = {s[0]: s[3] for s in SUBSTATIONS}
#: substation -> state, since (minutes ago), primary DP, flow C, return C, secondary supply C, setpoint C, fault
SS_LIVE = {
    "SS-1150": ("fault", 160, 0.04, 81.2, 36.5, 47.3, 60, "LOW PRIMARY DP"),
    "SS-1142": ("fault", 152, 0.07, 82.0, 37.1, 50.8, 60, "LOW PRIMARY DP"),
    "SS-1143": ("fault", 147, 0.08, 82.1, 37.4, 51.6, 60, "LOW PRIMARY DP"),
    "SS-1155": ("warning", 131, 0.11, 82.5, 38.0, 54.9, 60, "SEC FLOW TEMP LOW"),
    "SS-1161": ("ok", 6 * DAY, 0.19, 84.9, 40.2, 59.6, 60, ""),
    "SS-0415": ("warning", 9 * DAY, 0.52, 85.1, 58.4, 61.0, 60, "HIGH RETURN TEMP"),
    "SS-0433": ("offline", SS0433_OFFLINE, None, None, None, None, 60, "COMMS LOST (M-BUS GATEWAY)"),
}
#: zone -> substation primary DP (bar) low, spread when all is well
SS_DP = {"CC": (0.55, 0.25), "DKL": (0.40, 0.20), "EF2": (0.38, 0.15), "HILL": (0.45, 0.15)}

#: ref, minutes ago, substation, unit, category, summary, vulnerable, status
COMPLAINTS = [
    ("HC-58102", 8400, "SS-0415", "flat 7C", "too_hot", "radiators hot all the time, cannot turn them down", "",
     "resolved"),
    ("HC-58117", 5900, "SS-0415", "flat 12A", "too_hot", "hot water too hot at the kitchen tap", "", "open"),
    ("HC-58121", 4600, "SS-0508", "flat 3", "low_hot_water", "no hot water", "", "resolved"),
    ("HC-58126", 4200, "SS-1142", "flat 3F", "noise", "pipes banging at night", "", "resolved"),
    ("HC-58133", 2950, "SS-0231", "flat 22", "no_heating", "one radiator cold", "", "resolved"),
    ("HC-58139", 300, "SS-0508", "flat 11", "no_heating", "bedroom radiator not working", "", "open"),
    ("HC-58141", 168, "SS-1150", "school office", "no_heating", "classrooms cold, 16 C in year 2", "yes", "open"),
    ("HC-58142", 161, "SS-1142", "flat 9B", "no_heating", "radiators lukewarm", "", "open"),
    ("HC-58143", 155, "SS-1142", "flat 2A", "no_heating", "heating barely warm", "", "open"),
    ("HC-58144", 149, "SS-1143", "flat 11D", "no_heating", "radiators cold", "yes", "open"),
    ("HC-58145", 142, "SS-1155", "care home manager", "no_heating", "residents' rooms cold", "yes", "open"),
    ("HC-58146", 130, "SS-1142", "flat 14C", "low_hot_water", "hot water only lukewarm", "", "open"),
    ("HC-58147", 118, "SS-1143", "flat 4A", "no_heating", "radiators cold for a couple of hours", "", "open"),
    ("HC-58148", 97, "SS-1142", "flat 6E", "no_heating", "no heat, baby in the flat", "yes", "open"),
    ("HC-58149", 71, "SS-1143", "flat 8B", "low_hot_water", "shower runs cold", "", "open"),
]  # fmt: skip

#: section, street, zone, DN, length m, resistance MOhm low, spread
LEAK_SECTIONS = [
    ("CC-031", "Market Square", "CC", 250, 420, 38.0, 6.0),
    ("CC-044", "Cathedral Close", "CC", 150, 260, 55.0, 8.0),
    ("CC-052", "Kingsgate", "CC", 200, 310, 24.0, 4.0),
    ("DK-107", "Ferry Bank", "DKL", 300, 540, 31.0, 5.0),
    ("DK-114", "Wharf Street", "DKL", 200, 380, 45.0, 3.0),
    ("DK-121", "Quayside", "DKL", 150, 290, 47.0, 6.0),
    ("EF-203", "Eastfield Road", "EF2", 200, 610, 62.0, 8.0),
    ("EF-210", "Academy Lane", "EF2", 100, 240, 70.0, 9.0),
    ("HL-301", "Beacon Road", "HILL", 200, 450, 28.0, 4.0),
    ("HL-306", "Hill Rise", "HILL", 100, 210, 44.0, 6.0),
    ("HL-312", "Church Walk", "HILL", 80, 180, 51.0, 6.0),
    ("ML-001", "Mill Lane trunk", "CC", 400, 720, 19.0, 3.0),
    ("RV-401", "Riverside Link", "CC", 350, 1100, 33.0, 5.0),
]

#: alarm, raised (minutes ago), cleared (None: active), priority, source, tag, message, acknowledged by
ALARMS = [
    *[(m, m - down, "P2", "CHP-2", "CHP2.TRIP.JW_TEMP", "CHP-2 TRIP: JACKET WATER TEMP HIGH (V-JW3)",
       "Dylan Hughes" if m < 6000 else "Chris Maddox") for m, down in CHP2_TRIPS],
    (7140, 7105, "P2", "CHP-1", "CHP1.TRIP.G99", "CHP-1 TRIP: G99 LOSS OF MAINS (ROCOF)", "Chris Maddox"),
    (4300, 4230, "P2", "HP-A", "HPA.TRIP.EVAP_FLOW", "HP-A TRIP: LOW EVAPORATOR FLOW (RIVER INTAKE SCREEN)",
     "Dylan Hughes"),
    (5500, 5490, "P3", "MLN-GB1", "GB1.BURNER.FLAME", "MLN-GB1 BURNER FLAME FAILURE (RELIT)", "Dylan Hughes"),
    (HPB_STOP, None, "P3", "HP-B", "HPB.INHIBIT", "HP-B OUT OF SERVICE (MAINTENANCE INHIBIT)", "Megan Thorne"),
    (190, None, "P3", "HTB Hilltop Booster", "HTB.SPEED.CAP", "HTB PUMP SPEED AT CAP (75%)", ""),
    (163, None, "P2", "HTB Hilltop Booster", "HTB.A14", "HTB INDEX DP BELOW SETPOINT (0.4 bar)", "Megan Thorne"),
    (160, None, "P2", "SS-1150 St Ann's Primary School", "SS1150.DP.LOW", "LOW PRIMARY DP", "Megan Thorne"),
    (152, None, "P2", "SS-1142 Beacon Heights Block A", "SS1142.DP.LOW", "LOW PRIMARY DP", "Megan Thorne"),
    (147, None, "P2", "SS-1143 Beacon Heights Block B", "SS1143.DP.LOW", "LOW PRIMARY DP", "Megan Thorne"),
    (131, None, "P3", "SS-1155 Hill Rise Care Home", "SS1155.SEC.TLOW", "SEC FLOW TEMP LOW", "Megan Thorne"),
    (DK114_ALARM, None, "P2", "DK-114 Wharf Street", "LD.DK114.RISO", "LEAK DETECTION: INSULATION RESISTANCE LOW "
     "(< 1.0 MOhm)", "Aisha Begum"),
    (2950, 2600, "P2", "CC-031 Market Square", "LD.CC031.LOOP", "LEAK DETECTION: LOOP OPEN", "Callum Reid"),
    (SS0433_OFFLINE, None, "P3", "SS-0433 Quayside Hotel", "SS0433.COMMS", "COMMS LOST (M-BUS GATEWAY)",
     "Kieran Walsh"),
    (9 * DAY, None, "P3", "SS-0415 Wharfside Apartments", "SS0415.RET.HIGH", "HIGH RETURN TEMP (> 55 C)",
     "Lucy Fenwick"),
]  # fmt: skip

#: ref, title, location, contractor, starts, ends (minutes ago; negative: ahead), status, impact
WORKS = [
    ("PW-26-027", "FBK pump FB2 bearing replacement", "Ferry Bank PS", "Hollinsford Heat network team",
     5 * DAY + 300, 5 * DAY, "completed", "none: FB1 on duty"),
    ("PW-26-029", "HP-B evaporator clean", "Riverside Heat Pump Station", "Hollinsford Heat plant team (Ellis Grant)",
     HPB_STOP, -HPB_BACK, "in_progress", "none: MLN-GB1 covers"),
    ("PGN-SW-55210", "Pennine Gas Networks: gas main connection on Mill Lane", "Mill Lane", "Pennine Gas Networks",
     -2 * DAY, -3 * DAY, "notified",
     "gas to Mill Lane Energy Centre off for about 4 hours on the first day: CHP-1, CHP-2 and the gas boilers "
     "unavailable; heat from Riverside, EB7 and the stores"),
    ("PW-26-031", "DK-114 excavation and return pipe repair", "Wharf Street (DK-114, chambers CH-17 .. CH-18)",
     "Brightwell Pipeline Services", -4 * DAY, -7 * DAY, "scheduled",
     "Wharf Street closed; DK-114 isolated at CH-16 and CH-19; Wharfside Apartments (SS-0415) fed through DK-121; no "
     "planned interruption"),
    ("PW-26-033", "CHP-1 4,000-hour service", "Mill Lane Energy Centre", "Vardeck Motoren UK", -6 * DAY,
     -8 * DAY, "scheduled", "none"),
]  # fmt: skip
#: wo, asset, title, status, assigned to, created, completed (minutes ago), notes
WORK_ORDERS = [
    ("WO40201", "DK-114", "DK-114 leak location (TDR survey)", "completed", "Aisha Begum with Brightwell",
     DK114_ALARM - 200, 5 * DAY,
     "wet insulation about 40 m from chamber CH-17 towards CH-18 (Wharf Street); probably a pinhole on the return "
     "pipe; excavation PW-26-031"),
    ("WO40212", "FBK", "FBK pump FB2 bearing replacement", "completed", "Shaun Pike", 6 * DAY, 5 * DAY, "PW-26-027"),
    ("WO40219", "CHP-2", "CHP-2 V-JW3 thermostatic valve insert replacement", "awaiting_parts",
     "Jürgen Hahn (Vardeck) with Dylan Hughes", 4 * DAY, None,
     "VDK-77812; insert kit shipped, Vardeck visit tomorrow; CHP-2 at max 80% load meanwhile (CCR-3317)"),
    ("WO40224", "SS-0415", "Wharfside Apartments high return temperature", "open", "Kieran Walsh", 9 * DAY - 60, None,
     "DHW bypass valve suspected stuck open; plant room access booked with the managing agent"),
    ("WO40228", "SS-0433", "Quayside Hotel meter comms lost", "open", "Kieran Walsh", SS0433_OFFLINE - 20, None,
     "M-Bus gateway not responding; site visit booked"),
    ("WO40233", "HP-B", "HP-B evaporator clean", "in_progress", "Ellis Grant", 3 * DAY, None,
     "PW-26-029; NKY-0419-26: evaporator approach 6.1 K against 3.5 K design"),
    ("WO40236", "HTB", "Hilltop low DP, customers cold", "in_progress", "Callum Reid (network on call)", 141, None,
     "HTB's pumps at the 75% speed cap since CCR-3318 (strategy v2.3); index DP 0.2-0.3 bar against the 0.4 setpoint; "
     "strainers and valves checked, no blockage; SS-1150, SS-1142 and SS-1143 short of primary DP; CVX-SR-20931"),
]  # fmt: skip
#: ccr, title, scope, state, requested by, implemented by, approver, raised, planned, implemented (minutes ago;
#: negative: ahead; None: not yet), notes
CHANGES = [
    ("CCR-3309", "TS-MLN charge strategy: charge from CHP surplus", "TS-MLN", "implemented", "Ruth Adeyemi",
     "Oliver Kent", "CAB", 10 * DAY, 6 * DAY, 6 * DAY, "no change to the network setpoints"),
    ("CCR-3312", "FBK duty pump changeover FB2 -> FB1", "FBK", "implemented", "Aisha Begum", "Aisha Begum", "CAB",
     5 * DAY, 3 * DAY, 3 * DAY, "for PW-26-027's follow-up checks"),
    ("CCR-3315", "HeatView SCADA 8.4.0 -> 8.4.1", "HeatView SCADA", "implemented", "Farah Haddad",
     "Corvex Automation (remote)", "CAB", 6 * DAY, 1560, 1560, "CVX-SR-20877; alarm banner fix; no change to control "
     "logic"),
    ("CCR-3316", "HP-A Nordkyl controller firmware 5.2.0 -> 5.3.1", "HP-A", "implemented", "Dylan Hughes",
     "Nordkyl (remote)", "CAB", 7 * DAY, 240, 225, "NKY-0413-26; HP-A stopped 15 minutes; HP-B to follow after its "
     "evaporator clean"),
    ("CCR-3317", "CHP-2 max load 80%", "CHP-2", "implemented", "Dylan Hughes", "Dylan Hughes",
     "Joanne Whitfield (duty manager)", 500, 482, 482, "VDK-77812: until the V-JW3 insert is replaced"),
    ("CCR-3318", "HTB control strategy v2.2 -> v2.3 (DP-ECO): index DP setpoint 0.8 -> 0.4 bar, pump speed cap 75%",
     "HTB Hilltop Booster", "implemented", "Ruth Adeyemi (energy optimisation lead)",
     "Lars Pettersen (Corvex Automation, remote)", "CAB", 9 * DAY, CHANGE_START, CHANGE_DONE,
     "to cut HTB's pump energy by about 18%, modelled on the summer load case; no pump stop; backout: reload v2.2"),
    ("CCR-3320", "EB7 grid balancing availability 8 -> 10 MW", "EB7", "scheduled", "Ruth Adeyemi", None, "CAB",
     2 * DAY, -3 * DAY, None, "needs the grid operator's confirmation"),
    ("CCR-3321", "Emergency: HTB back to strategy v2.2 (index DP 0.8 bar, no speed cap)", "HTB Hilltop Booster",
     "approved", "Callum Reid", None, "Joanne Whitfield (duty manager)", 58, -15, None,
     "CVX-SR-20931; v2.3 to be re-tuned with the index node at SS-1150 and a winter load case before it goes back in"),
]  # fmt: skip
#: ref, supplier, asset, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
TICKETS = [
    ("VDK-77690", "Vardeck", "CHP-1", "4,000-hour service (PW-26-033)", "scheduled", "P4", "Vardeck field service",
     "Dylan Hughes", 20 * DAY, 4 * DAY, "two technicians booked for two days; spark plugs and oil on site"),
    ("VDK-77812", "Vardeck", "CHP-2", "Repeated trips: jacket water temperature high", "open", "P2",
     "Jürgen Hahn (Vardeck field service)", "Dylan Hughes", 5 * DAY, 470,
     "EngineLink data shows the jacket water 3-way thermostatic valve V-JW3 sticking: its wax insert is worn, so the "
     "cooling circuit overheats at full load. Run CHP-2 at 80% load at most until the insert is replaced; the insert "
     "kit has shipped and Jürgen Hahn fits it tomorrow (WO40219). Do not reset more than 3 trips in 24 hours without "
     "calling us."),
    ("NKY-0413-26", "Nordkyl", "HP-A", "NC controller firmware 5.3.1 (CCR-3316)", "resolved", "P4", "Sofia Lindqvist",
     "Dylan Hughes", 7 * DAY, 220, "firmware 5.3.1 loaded remotely; HP-A back in service, COP unchanged"),
    ("NKY-0419-26", "Nordkyl", "HP-B", "Evaporator approach temperature high", "in_progress", "P3", "Sofia Lindqvist",
     "Dylan Hughes", 4 * DAY, 3 * DAY,
     "approach 6.1 K against 3.5 K design: river silt on the evaporator plates; clean them (PW-26-029) and load "
     "firmware 5.3.1 when HP-B is back"),
    ("CVX-SR-20877", "Corvex Automation", "HeatView SCADA", "HeatView 8.4.1 upgrade (CCR-3315)", "resolved", "P4",
     "Nadia Brandt", "Farah Haddad", 6 * DAY, 1500, "8.4.1 installed; alarm banner fixed"),
    ("CVX-SR-20931", "Corvex Automation", "HTB Hilltop Booster",
     "Hilltop index DP low and customers cold since strategy v2.3 (CCR-3318)", "in_progress", "P1",
     "Nadia Brandt (Corvex support)", "Callum Reid", 126, 85,
     "no fault on the PLC, the pumps or the index node logger: strategy v2.3 (DP-ECO) caps HTB's pump speed at 75%, a "
     "figure from the summer load case. At today's load the pumps need about 90% to hold even the 0.4 bar setpoint, "
     "so they sit at the cap and the index DP falls to about 0.2 bar. Either reload v2.2 (index DP 0.8 bar, no speed "
     "cap; takes 5 minutes, no pump stop) or lift the cap to 95%. We recommend v2.2 now and re-tuning v2.3 with the "
     "index node moved to SS-1150 and a winter load case."),
]  # fmt: skip
#: supplier, covers, support line, hours, escalation, contract
SUPPLIERS = [
    ("Brightwell Pipeline Services", "pipe repairs, leak location, excavation, chambers", "0800 555 0144", "24/7",
     "Gary Holt, contracts manager", "BPS-HH-2024"),
    ("Corvex Automation", "HeatView SCADA, energy centre and pumping station PLCs, index node loggers",
     "+44 1632 960771", "24/7", "Imran Siddiqui, account manager, +44 7700 900977", "CVX-MSA-2021"),
    ("Nordkyl Heat Pumps", "water-source heat pumps (NKX-3000) and their controllers", "+44 1632 960318",
     "08:00-18:00 weekdays, P1 24/7", "Sofia Lindqvist, service delivery lead", "NKY-SA-2022-07"),
    ("Ostermann Kessel", "electrode boiler EB7", "+49 40 5550 1207", "07:00-17:00 CET", "Jana Weiss, service",
     "OK-2023-118"),
    ("Talvik Controls", "substation controllers (RC-40) and heat meters", "+44 1632 960505", "08:00-17:00",
     "support team lead", "TLV-2020-3"),
    ("Vardeck Motoren UK", "CHP gas engines (VG-420) and EngineLink remote monitoring",
     "+44 1632 960233 (service line)", "24/7", "Dieter Kramm, service manager, +44 7700 900911", "VDK-LTSA-2017-04"),
]  # fmt: skip
#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "network": [("primary", ["Aisha Begum", "Callum Reid", "Aisha Begum", "Callum Reid"]),
                ("secondary", ["Callum Reid", "Aisha Begum", "Shaun Pike", "Aisha Begum"])],
    "plant": [("primary", ["Chris Maddox", "Dylan Hughes", "Chris Maddox", "Dylan Hughes"])],
    "controls": [("primary", ["Oliver Kent", "Farah Haddad", "Oliver Kent", "Farah Haddad"])],
    "customer": [("primary", ["Lucy Fenwick", "Kieran Walsh", "Lucy Fenwick", "Kieran Walsh"])],
    "duty_manager": [("primary", ["Martin Shaw", "Joanne Whitfield", "Priti Desai", "Martin Shaw"])],
}  # fmt: skip
#: control room shift leads: two shifts before the one running now, it, the next
SHIFT_LEADS = ["Sian Pritchard", "Rob Ellery", "Megan Thorne", "Ade Bakare"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(SHIFT_LEADS))
MOBILES = {p: f"+44 7700 900{300 + i:03d}" for i, p in enumerate(_PEOPLE)}
#: entry, minutes ago, author, role, text
CRLOG = [
    ("CRL-26-1180", 1555, "Farah Haddad", "controls on call", "CCR-3315 done: HeatView 8.4.1 installed by Corvex, "
     "alarm banner OK"),
    ("CRL-26-1183", 1790, "Kieran Walsh", "customer on call", "SS-0433 Quayside Hotel meter offline, WO40228 raised"),
    ("CRL-26-1186", 535, "Rob Ellery", "control room shift lead", "CHP-2 tripped again on jacket water temp (8th this "
     "week); Dylan Hughes called; VDK-77812 updated"),
    ("CRL-26-1187", 478, "Dylan Hughes", "plant on call", "CHP-2 restarted at 80% max load (CCR-3317) as Vardeck "
     "advise"),
    ("CRL-26-1189", 224, "Dylan Hughes", "plant on call", "CCR-3316 done: HP-A on Nordkyl firmware 5.3.1, running"),
    ("CRL-26-1190", 201, "Megan Thorne", "control room shift lead", "Lars Pettersen (Corvex, remote) starting CCR-3318 "
     "on HTB"),
    ("CRL-26-1191", 195, "Megan Thorne", "control room shift lead", "CCR-3318 done, HTB on strategy v2.3"),
    ("CRL-26-1193", 158, "Megan Thorne", "control room shift lead", "contact centre passing on heating complaints from "
     "Beacon Heights and St Ann's school; SS-1150 and SS-1142 on LOW PRIMARY DP; called the network on call"),
    ("CRL-26-1194", 139, "Callum Reid", "network on call", "HTB pumps pinned at the 75% speed cap, index DP 0.30 bar "
     "and falling against the 0.4 setpoint, Hilltop flow down about 25%; the far substations (SS-1150, SS-1142, "
     "SS-1143) cannot get enough primary DP; strainers fine; WO40236"),
    ("CRL-26-1195", 126, "Callum Reid", "network on call", "raised CVX-SR-20931 with Corvex (P1)"),
    ("CRL-26-1196", 119, "Megan Thorne", "control room shift lead", "HP-B out for its evaporator clean (PW-26-029); "
     "MLN-GB1 started to cover"),
    ("CRL-26-1197", 104, "Kieran Walsh", "customer on call", "Hill Rise Care Home and St Ann's school called back; "
     "6 oil-filled heaters sent to the care home (SOP-CU-02)"),
    ("CRL-26-1198", 83, "Callum Reid", "network on call", "Corvex (Nadia Brandt): no fault, v2.3's speed cap is from "
     "the summer load case; reload v2.2 or lift the cap to 95%"),
    ("CRL-26-1199", 58, "Joanne Whitfield", "duty manager", "emergency CCR-3321 approved: HTB back to v2.2 in the next "
     "quarter hour; v2.3 to be re-tuned with the index node at SS-1150 before it goes back in"),
    ("CRL-26-1200", 25, "Megan Thorne", "control room shift lead", "Hilltop complaints still coming in; customer "
     "services calling everyone back"),
]  # fmt: skip
DOCS = [
    ("ENG-CHP-11", "CHP trip reset",
     "Read the trip reason on EngineLink before resetting. One reset by the control room; after a second trip in 24 "
     "hours call the plant on call; no more than 3 resets in 24 hours without the plant on call and Vardeck."),
    ("ESC-01", "Escalation matrix",
     "Customers without heat: the control room shift lead, then the on call of the part at fault (network, plant, "
     "controls), the customer on call for the callbacks, and the duty manager when more than 50 homes or any school, "
     "care home or hospital is affected. Supplier faults: raise a ticket, after 1 hour without progress call the "
     "supplier's escalation contact."),
    ("OEM NKX-3000 8.3", "Nordkyl NKX-3000 manual, section 8.3: evaporator cleaning",
     "Clean the evaporator plates when the approach temperature exceeds 5 K. Isolate the river water side, drain, "
     "open the plate pack, clean with a soft brush and flush. About 3 to 4 hours."),
    ("SOP-CU-02", "Comfort complaints and vulnerable customers",
     "Care homes, schools and customers on the priority services register first: call back within 1 hour and offer "
     "temporary heaters within 4 hours. Log every complaint against its substation; more than 3 from one building in "
     "a day: tell the control room, it is probably a network problem."),
    ("SOP-NW-05", "Leak detection alarm",
     "When a section's alarm wire insulation resistance falls below 1 MOhm: take a second reading, check the make-up "
     "water trend, locate the wet insulation with a TDR (pulse echo) survey from the nearest chambers and inspect the "
     "chambers for water or steam, then plan the excavation. If make-up water exceeds 15 m3 a day or a chamber "
     "floods, isolate the section and call Brightwell's 24/7 line. A loop open alarm is a broken wire, not a leak."),
    ("SOP-NW-09", "Low differential pressure at a zone's index node",
     "If a zone's index DP is below 0.3 bar for 30 minutes: check the booster's pumps, speed and control strategy and "
     "any recent control change, closed valves and strainers; raise the pump speed or the setpoint, or back a recent "
     "strategy change out through an emergency CCR; tell customer services and look after vulnerable customers "
     "first (SOP-CU-02)."),
    ("SOP-NW-12", "Make-up water rising",
     "Normal make-up is 3 to 4 m3 a day. A steady rise over weeks is a leak: compare the leak detection sections, "
     "walk the chambers, check customers' substations for leaking heat exchangers."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE centres (code TEXT PRIMARY KEY, name TEXT, address TEXT, plant TEXT, notes TEXT);
CREATE TABLE plant (asset TEXT PRIMARY KEY, centre TEXT, type TEXT, model TEXT, heat_mw REAL, elec_mw REAL,
                    store_m3 INTEGER, installed INTEGER, controller TEXT);
CREATE TABLE plant_live (asset TEXT PRIMARY KEY, centre TEXT, state TEXT, since TEXT, heat_mw_now REAL,
                         load_pct INTEGER, soc_pct INTEGER, cop REAL, active_alarm TEXT, note TEXT);
CREATE TABLE plant_output (asset TEXT, hour_start TEXT, hour_epoch INTEGER, heat_mwh REAL, gas_in_mwh REAL,
                           elec_in_mwh REAL, elec_out_mwh REAL);
CREATE INDEX plant_output_epoch ON plant_output (hour_epoch);
CREATE TABLE zones (code TEXT PRIMARY KEY, name TEXT, fed_from TEXT, substations INTEGER, pipe_km REAL);
CREATE TABLE pump_stations (station TEXT PRIMARY KEY, name TEXT, zone_served TEXT, pumps TEXT, pumps_running INTEGER,
                            control_mode TEXT, setpoint TEXT, speed_pct INTEGER, speed_cap_pct INTEGER,
                            index_dp_bar_now REAL, strategy TEXT, active_alarm TEXT, note TEXT);
CREATE TABLE zone_stats (zone TEXT, bucket_start TEXT, bucket_epoch INTEGER, supply_c REAL, return_c REAL,
                         index_dp_bar REAL, flow_m3h INTEGER);
CREATE INDEX zone_stats_epoch ON zone_stats (bucket_epoch);
CREATE TABLE leak_sections (section TEXT PRIMARY KEY, street TEXT, zone TEXT, dn INTEGER, length_m INTEGER,
                            resistance_mohm REAL, loop TEXT, alarm TEXT, since TEXT, note TEXT);
CREATE TABLE leak_readings (section TEXT, read_at TEXT, read_epoch INTEGER, resistance_mohm REAL, loop_ohm REAL,
                            result TEXT);
CREATE TABLE makeup_water (day TEXT PRIMARY KEY, makeup_m3 REAL, fill_pump_hours REAL, static_bar REAL);
CREATE TABLE substations (substation TEXT PRIMARY KEY, building TEXT, address TEXT, zone TEXT, customer_type TEXT,
                          capacity_kw INTEGER, hex_controller TEXT, meter_serial TEXT);
CREATE TABLE substation_live (substation TEXT PRIMARY KEY, state TEXT, since TEXT, primary_dp_bar REAL,
                              primary_flow_c REAL, primary_return_c REAL, secondary_supply_c REAL,
                              secondary_setpoint_c REAL, active_fault TEXT);
CREATE TABLE meter_hourly (substation TEXT, hour_start TEXT, hour_epoch INTEGER, kwh INTEGER, m3 REAL, flow_c REAL,
                           return_c REAL);
CREATE INDEX meter_hourly_epoch ON meter_hourly (hour_epoch);
CREATE TABLE complaints (ref TEXT PRIMARY KEY, received TEXT, received_epoch INTEGER, substation TEXT, unit TEXT,
                         category TEXT, summary TEXT, vulnerable TEXT, status TEXT);
CREATE TABLE alarms (alarm TEXT PRIMARY KEY, raised TEXT, raised_epoch INTEGER, cleared TEXT, priority TEXT,
                     source TEXT, tag TEXT, message TEXT, state TEXT, acked_by TEXT);
CREATE TABLE works (ref TEXT PRIMARY KEY, title TEXT, location TEXT, contractor TEXT, starts TEXT, ends TEXT,
                    status TEXT, impact TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, asset TEXT, title TEXT, status TEXT, assigned_to TEXT, created TEXT,
                          completed TEXT, notes TEXT);
CREATE TABLE changes (ccr TEXT PRIMARY KEY, title TEXT, scope TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT, implemented TEXT,
                      implemented_epoch INTEGER, notes TEXT);
CREATE TABLE tickets (ref TEXT PRIMARY KEY, supplier TEXT, asset TEXT, subject TEXT, status TEXT, priority TEXT,
                      engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE suppliers (supplier TEXT PRIMARY KEY, covers TEXT, support_line TEXT, hours TEXT, escalation TEXT,
                        contract TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, name TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                     phone TEXT);
CREATE TABLE crlog (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE docs (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _zone_bucket(zone: str, k: int) -> tuple[float, float, float, int]:
    """``zone``'s bucket ``k``: supply C, return C, index DP bar, flow m3/h."""
    s_low, s_spread, r_low, r_spread, dp_low, dp_spread, f_low, f_spread = ZONE_BASE[zone]
    supply = round(s_low + s_spread * noise(f"s{zone}", k), 1)
    ret = round(r_low + r_spread * noise(f"r{zone}", k), 1)
    dp = round(dp_low + dp_spread * noise(f"dp{zone}", k), 2)
    flow = f_low + int(f_spread * noise(f"f{zone}", k))
    if zone == "HILL" and k in HILL_LOW:
        dp = HILL_LOW[k]
        flow = 163 + int(10 * noise("fHILLlow", k))
        ret = round(38.0 + 3.0 * noise("rHILLlow", k), 1)
    return supply, ret, dp, flow


def _zone_stats(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for zone, *_ in ZONES:
        for k in range(BUCKETS):
            start = now - timedelta(minutes=15 * (k + 1))
            rows.append((zone, iso(start), int(start.timestamp()), *_zone_bucket(zone, k)))
    return rows


def _running(asset: str, j: int) -> bool:
    """Whether ``asset`` ran in the minute ``j`` minutes ago (from j + 1 to j minutes ago)."""
    return not any(start - down <= j < start for start, down in STOPS.get(asset, []))


def _heat(asset: str, h: int) -> float:
    """``asset``'s heat output (MWh) in the hour ``h`` (from T-60(h+1)m to T-60hm)."""
    if asset in ("CHP-1", "CHP-2", "HP-A", "HP-B"):
        cap = 2.1 if asset.startswith("CHP") else 3.2
        base = (0.96 + 0.04 * noise(asset, h)) if asset.startswith("CHP") else (0.87 + 0.07 * noise(asset, h))
        total = 0.0
        for j in range(60 * h, 60 * h + 60):
            if _running(asset, j):
                total += 0.8 if asset == "CHP-2" and j < CHP2_DERATE else base
        return round(cap * total / 60, 2)
    if asset == "MLN-GB1":
        if 60 * h < HPB_STOP:
            return 3.8
        return round(4.0 + 2.0 * noise("gb1h", h), 2) if noise("gb1", h) > 0.8 else 0.0
    if asset == "MLN-GB2":
        return 3.0 if noise("gb2", h) > 0.95 else 0.0
    return 9.6 if h in EB7_HOURS else 0.0  # EB7


def _plant_output(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for asset in ("CHP-1", "CHP-2", "MLN-GB1", "MLN-GB2", "HP-A", "HP-B", "EB7"):
        for h in range(HOURS):
            start = now - timedelta(minutes=60 * (h + 1))
            heat = _heat(asset, h)
            gas_in = elec_in = elec_out = 0.0
            if asset.startswith("CHP"):
                gas_in, elec_out = round(heat / 0.44, 2), round(heat * 0.952, 2)
            elif asset.startswith("MLN-GB"):
                gas_in = round(heat / 0.92, 2)
            elif asset.startswith("HP"):
                elec_in = round(heat / (3.1 + 0.3 * noise(f"cop{asset}", h)), 2)
            else:
                elec_in = round(heat / 0.99, 2)
            rows.append((asset, iso(start), int(start.timestamp()), heat, gas_in, elec_in, elec_out))
    return rows


def _pump_stations() -> list[tuple[Any, ...]]:
    newest = {zone: _zone_bucket(zone, 0)[2] for zone, *_ in ZONES}
    index_dp = {"FBK": newest["DKL"], "HTB": newest["HILL"], "PS1": newest["CC"], "RVS-PS": None}
    return [(*p[:9], index_dp[p[0]], *p[9:]) for p in PUMP_STATIONS]


def _leak_resistance(section: str, k: int) -> float:
    """``section``'s insulation resistance (MOhm) at the reading ``k`` days ago: DK-114's falls."""
    low, spread = next((s[5], s[6]) for s in LEAK_SECTIONS if s[0] == section)
    normal = round(low + spread * noise(f"ld{section}", k), 2)
    if section == "DK-114":
        return min(normal, round(0.58 * math.exp(0.08 * k), 2))
    return normal


def _leak(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    sections, readings = [], []
    for section, street, zone, dn, length, *_ in LEAK_SECTIONS:
        for k in range(LEAK_DAYS):
            t = now - timedelta(minutes=k * DAY + 20)
            r = _leak_resistance(section, k)
            result = "alarm" if r < 1.0 else "warn" if r < 5.0 else "pass"
            loop = round(12.0 + 2.0 * noise(f"lp{section}", k), 1)
            readings.append((section, iso(t), int(t.timestamp()), r, loop, result))
        alarm, since, note = "ok", None, ""
        if section == "DK-114":
            alarm, since = "alarm", iso(now - timedelta(minutes=DK114_ALARM))
            note = "wet insulation located 40 m from chamber CH-17 (WO40201); excavation PW-26-031"
        elif section == "CC-031":
            note = "loop cut by a telecoms contractor 2 days ago, re-jointed by Brightwell"
        sections.append((section, street, zone, dn, length, _leak_resistance(section, 0), "closed", alarm, since,
                         note))  # fmt: skip
    return sections, readings


def _makeup(k: int) -> float:
    """The network's make-up water (m3) on the day ``k`` days ago."""
    return round(3.3 + 5.6 * math.exp(-0.035 * (k - 1)) + 0.3 * noise("mu", k), 2)


def _makeup_water(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(1, MAKEUP_DAYS + 1):
        m3 = _makeup(k)
        rows.append(((now - timedelta(days=k)).strftime("%Y-%m-%d"), m3, round(m3 / 1.2, 1),
                     round(2.40 + 0.1 * noise("st", k), 2)))  # fmt: skip
    return rows


def _meter(ss: str, h: int) -> tuple[int, float, float, float] | None:
    """``ss``'s heat meter in the hour ``h``: kWh, m3, flow C, return C (None while offline)."""
    _, _, _, zone, _, kw, lf, ret_base = next(s for s in SUBSTATIONS if s[0] == ss)
    if ss == "SS-0433" and 60 * h < SS0433_OFFLINE:
        return None
    kwh = kw * lf * (0.85 + 0.3 * noise(f"kwh{ss}", h))
    flow_c = round(84.0 + 2.0 * noise(f"fc{ss}", h), 1)
    ret = round(ret_base + 3.0 * noise(f"rc{ss}", h), 1)
    if zone == "HILL" and 60 * h < ONSET:  # the hour holding the onset (15 minutes of it) and the hours after
        factor = 0.62 if 60 * h + 60 <= ONSET else 0.8
        kwh *= 0.85 if ss == "SS-1161" else factor
        flow_c = round(flow_c - 2.0, 1)
        ret = round(ret - 4.0, 1)
    m3 = round(kwh / (1.163 * (flow_c - ret)), 1)
    return int(kwh), m3, flow_c, ret


def _meter_hourly(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for ss, *_ in SUBSTATIONS:
        for h in range(HOURS):
            reading = _meter(ss, h)
            if reading is None:
                continue
            start = now - timedelta(minutes=60 * (h + 1))
            rows.append((ss, iso(start), int(start.timestamp()), *reading))
    return rows


def _substation_live(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for ss, _, _, zone, *_ in SUBSTATIONS:
        if ss in SS_LIVE:
            state, since, dp, flow_c, ret, sec, setpoint, fault = SS_LIVE[ss]
        else:
            newest = _meter(ss, 0)
            assert newest is not None
            flow_c, ret = newest[2], newest[3]
            low, spread = SS_DP[zone]
            dp = round(low + spread * noise(f"ssdp{ss}", 0), 2)
            sec = round(60.0 + 2.0 * noise(f"sec{ss}", 0), 1)
            state, since, setpoint, fault = "ok", 3 * DAY + int(7 * DAY * noise(f"since{ss}", 0)), 60, ""
        rows.append((ss, state, iso(now - timedelta(minutes=since)), dp, flow_c, ret, sec, setpoint, fault))
    return rows


def _oncall(now: datetime) -> list[tuple[Any, ...]]:
    """Weekly shifts from Monday 08:00 UTC: last week, this week (the one running now) and the next two."""
    return weekly_rota(now, ROTAS, MOBILES, 8)


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """Control room shifts of 12 hours from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0)
    if start > now:
        start -= timedelta(hours=12)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, lead in enumerate(SHIFT_LEADS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        shift = "days" if s.hour == 7 else "nights"
        rows.append((shift, iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), lead, MOBILES[lead]))
    return rows


def _alarms(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for i, (raised, cleared, prio, source, tag, message, acked) in enumerate(sorted(ALARMS, key=lambda a: -a[0])):
        t = now - timedelta(minutes=raised)
        rows.append((f"HV-{884101 + 7 * i}", iso(t), int(t.timestamp()),
                     None if cleared is None else iso(now - timedelta(minutes=cleared)), prio, source, tag, message,
                     "active" if cleared is None else "cleared", acked))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    sections, readings = _leak(now)
    db.executemany("INSERT INTO centres VALUES (?,?,?,?,?)", CENTRES)
    db.executemany("INSERT INTO plant VALUES (?,?,?,?,?,?,?,?,?)", PLANT)
    db.executemany("INSERT INTO plant_live VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*p[:3], ago(p[3]), *p[4:]) for p in PLANT_LIVE])  # fmt: skip
    db.executemany("INSERT INTO plant_output VALUES (?,?,?,?,?,?,?)", _plant_output(now))
    db.executemany("INSERT INTO zones VALUES (?,?,?,?,?)", ZONES)
    db.executemany("INSERT INTO pump_stations VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _pump_stations())
    db.executemany("INSERT INTO zone_stats VALUES (?,?,?,?,?,?,?)", _zone_stats(now))
    db.executemany("INSERT INTO leak_sections VALUES (?,?,?,?,?,?,?,?,?,?)", sections)
    db.executemany("INSERT INTO leak_readings VALUES (?,?,?,?,?,?)", readings)
    db.executemany("INSERT INTO makeup_water VALUES (?,?,?,?)", _makeup_water(now))
    db.executemany(
        "INSERT INTO substations VALUES (?,?,?,?,?,?,?,?)",
        [(ss, b, a, z, t, kw, "Talvik RC-40, plate heat exchanger", f"HM-77{i:05d}")
         for i, (ss, b, a, z, t, kw, *_) in enumerate(SUBSTATIONS, start=10241)],
    )  # fmt: skip
    db.executemany("INSERT INTO substation_live VALUES (?,?,?,?,?,?,?,?,?)", _substation_live(now))
    db.executemany("INSERT INTO meter_hourly VALUES (?,?,?,?,?,?,?)", _meter_hourly(now))
    db.executemany("INSERT INTO complaints VALUES (?,?,?,?,?,?,?,?,?)",
                   [(c[0], ago(c[1]), clock.epoch(c[1]), *c[2:]) for c in COMPLAINTS])  # fmt: skip
    db.executemany("INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?,?)", _alarms(now))
    db.executemany("INSERT INTO works VALUES (?,?,?,?,?,?,?,?)",
                   [(*w[:4], ago(w[4]), ago(w[5]), *w[6:]) for w in WORKS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?)",
                   [(*w[:5], ago(w[5]), ago(w[6]), w[7]) for w in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:7], clock.epoch(c[7]), ago(c[8]), ago(c[9]), None if c[9] is None else clock.epoch(c[9]), c[10])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*t[:8], ago(t[8]), ago(t[9]), t[10]) for t in TICKETS])  # fmt: skip
    db.executemany("INSERT INTO suppliers VALUES (?,?,?,?,?,?)", SUPPLIERS)
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", _oncall(now))
    db.executemany("INSERT INTO shifts VALUES (?,?,?,?,?,?,?)", _shifts(now))
    db.executemany("INSERT INTO crlog VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in CRLOG])  # fmt: skip
    db.executemany("INSERT INTO docs VALUES (?,?,?)", DOCS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = (
        "District heating store (Hollinsford Heat): energy centres, plant, network, leak detection, substations"
    )
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
