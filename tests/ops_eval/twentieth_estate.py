"""A twentieth estate, held out from the planner's tuning: the critical facilities of a colocation data centre
(Brackenmoor, site BMR1: three data halls with 24 CRAH units and twelve cold aisles, four roof chillers, four UPS
modules with eight battery strings, four diesel generators, eight customer cages): plant status, rack inlet
temperatures, CRAH trends, the BMS / EPMS alarm log, UPS battery monitoring, daily energy, customers' cages and
tickets, work orders, management of change records, the site operations centre's log, vendor cases and procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
areas are ``BMR1.DH2`` (site, dot, area); CRAH units ``CRAH/DH2/03`` (slashes, zero-padded); cold aisles
``DH2/CA-1``; hall sensors ``DH2/UFP-W``; chillers ``CH-02``; UPS modules ``UPS-B2`` and their battery strings
``UPS-B2:STR2`` (colon); generators ``GEN 2`` (with a space); cages ``C2.03`` (hall, dot, cage); racks ``DH2-R07``;
alarm codes ``UFP-LO``, ``INLET-HI``, ``BATT-R-HI``; work orders ``WO.26.0739`` (dots); changes ``MOC/26/118``
(slashes); SOC log entries ``SOC-26-3409``; customer tickets ``CS-88211``; vendor cases ``AV-CS-118204``,
``VT/INC/00891``, ``KLV-2026-0417``; procedures ``SOP-CF-021``, ``EOP-07``, ``MOP-GEN-004``, ``IOM AC-900 5.4``;
controller firmware ``3.5.0``; the controllers' I/O template ``BMR-AC900-IO-v4``; people are named in full
(``Gareth Lloyd``). Windows come as ``lookback_minutes``, RFC 3339 timestamps (``from_ts`` / ``to_ts``), ISO dates
(``from_date`` / ``to_date``), a named ``created_within`` enum, ``hours`` and ``days``; two APIs require a unit (a
CRAH, a battery string); two look up one record by key (an alarm code, a vendor case), one finds cages by customer;
two search free text (the SOC log, procedures); one is narrow (unit, measure, value, ts).
:mod:`tests.ops_eval.twentieth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; inlet buckets are 15 minutes, bucket k from
T-15(k+1)m to T-15km; CRAH trends every 10 minutes with the newest at now):

- over 60 days: UPS-B2:STR2's average block resistance rises from about 3.24 to 4.46 milliohm (about 0.14 a week;
  alert at 130% of its 3.22 baseline, crossed 13 days ago: BATT-R-HI, UPS-B2 in alarm since); its STR1 and the other
  strings stay at 3.1-3.3: VT/INC/00891 with Voltrane (Tobias Brandt), string replacement WO.26.0744 in 5 days: a
  slow trend;
- this week: CRAH/DH1/06's condensate pump alarms 9 times (the most of any CRAH; active again since T-50m,
  WO.26.0731); CH-02 trips on high pressure 4 days ago (KLV-2026-0417, WO.26.0721); GEN 3 fails to start on its weekly
  test 3 days ago (fuel filter, WO.26.0724), fine since; GEN 2 is out for its 6-year service since T-30h, awaiting
  injectors (WO.26.0729); UPS-A1 on battery for a utility dip 2 days ago; DH3/CA-2 above 27 C for 12 minutes 4 days
  ago;
- T-200m .. T-182m MOC/26/118 (Priya Natarajan of Tessaly Controls, the BMS contractor; requested by Hannah Osei)
  upgrades the Airvane AC-900 controllers of CRAH/DH2/01 .. CRAH/DH2/04 from firmware 3.4.2 to 3.5.0 (a pilot; the
  other 20 CRAHs stay on 3.4.2); the migration drops the analogue input AI-3 (underfloor pressure), so each unit's fan
  loop has no feedback and runs at its 30% minimum from its restart (T-194m, T-190m, T-186m, T-182m);
- the west side of DH2 is starved of air: UFP-LO on DH2/UFP-W at T-176m; DH2/CA-1's highest inlet goes from about
  24 C to 27.9 in the bucket from T-165m (the onset; the first INLET-HI at T-158m; DH2/CA-2 at T-146m), then 29.3,
  30.2, 31.0, 31.8, 32.6 (the peak, T-90m .. T-75m; INLET-HH T-84m .. T-71m), 31.9, 31.2, 30.8, 31.1, 30.6 (racks
  above 27: 17 at the peak, 11 now; DH2/CA-2 30.8 at the peak, 8 racks now); T-141m Quorra Bank (CS-88209), T-132m
  WO.26.0739 (Gareth Lloyd: AI-3 not configured, fans at 30%), T-104m Helix Render P1 (CS-88211), T-70m
  CRAH/DH2/05 .. 08 put in manual at 90%, T-60m AV-CS-118204 (Airvane, Mirela Popescu: known issue, re-map AI-3 or
  roll back), T-55m Tessel Media (CS-88214), T-35m emergency MOC/26/121 approved (Rachel Kerr, Marcus Bell),
  planned T+15m, T-24m Helix Render escalates (CS-88216);
- red herrings: MOC/26/119 raises the chilled water setpoint 10 -> 12 C at T-110m (after the onset); MOC/26/112
  (ATS-2 firmware, T-27h) and MOC/26/109 (BMS server patching, T-44h); GEN 3, CH-02 and DH3/CA-2 earlier this week.

No API reports weather or forecasts, costs, SLA credits or invoices, staff rotas or on-call, diesel fuel levels,
servers' own temperatures, CPU or shutdowns inside customers' racks; there is no CRAH/DH2/11 (DH2 has 01 .. 08), no
DH5 and no AV-CS-118999; inlet temperatures and alarms are kept 7 days, CRAH trends 72 hours, battery readings 90
days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.twentieth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "brackenmoor_dc"
DAY = 1440
INLET_DAYS, ALARM_DAYS, TREND_HOURS, BATTERY_DAYS, ENERGY_DAYS = 7, 7, 72, 90, 60
MOC_START, MOC_DONE = 200, 182  # minutes ago
#: the pilot units: CRAH -> (firmware update started, back online) in minutes ago
PILOT = {"CRAH/DH2/01": (196, 194), "CRAH/DH2/02": (192, 190), "CRAH/DH2/03": (188, 186), "CRAH/DH2/04": (184, 182)}
UFP_LO, CHW_AT, MANUAL_AT = 176, 110, 70
HALLS = ["DH1", "DH2", "DH3"]
AISLES = [f"{h}/CA-{n}" for h in HALLS for n in range(1, 5)]
CRAHS = [f"CRAH/{h}/{n:02d}" for h in HALLS for n in range(1, 9)]
STRINGS = [f"UPS-{p}{u}:STR{s}" for p in "AB" for u in (1, 2) for s in (1, 2)]
BAD_STRING = "UPS-B2:STR2"
#: DH2's west aisles after the onset, per bucket k: (average, highest inlet, racks above 27 C)
SPIKE = {
    "DH2/CA-1": {11: (23.6, 25.4, 0), 10: (25.1, 27.9, 2), 9: (26.2, 29.3, 6), 8: (27.0, 30.2, 9), 7: (27.6, 31.0, 12),
                 6: (28.1, 31.8, 14), 5: (28.7, 32.6, 17), 4: (28.2, 31.9, 15), 3: (27.7, 31.2, 13),
                 2: (27.4, 30.8, 12), 1: (27.5, 31.1, 12), 0: (27.2, 30.6, 11)},
    "DH2/CA-2": {11: (23.4, 24.9, 0), 10: (24.6, 26.6, 0), 9: (25.6, 27.8, 3), 8: (26.3, 28.7, 6), 7: (26.8, 29.4, 9),
                 6: (27.2, 30.1, 11), 5: (27.7, 30.8, 13), 4: (27.3, 30.2, 12), 3: (26.9, 29.6, 10),
                 2: (26.6, 29.2, 9), 1: (26.8, 29.5, 9), 0: (26.5, 29.0, 8)},
}  # fmt: skip
#: DH3/CA-2's short excursion 4 days ago (bucket k: average, highest, racks above 27)
DH3_BLIP = {383: (24.3, 27.4, 1)}
AISLE_BASE = {"DH1": 22.2, "DH2": 22.6, "DH3": 23.4}
COND_PUMP_AT = [50, 705, 1495, 2315, 3205, 4395, 5615, 7015, 9305]  # CRAH/DH1/06, the newest still active

#: code, name, floor, design IT load (kW), description, owner
AREAS = [
    ("BMR1.DH1", "Data hall 1", 1, 1200, "cold aisles DH1/CA-1 .. DH1/CA-4 (96 racks), CRAH/DH1/01 .. CRAH/DH1/08, "
     "cages C1.01 .. C1.03", "Critical facilities (Gareth Lloyd)"),
    ("BMR1.DH2", "Data hall 2", 1, 1200, "cold aisles DH2/CA-1 .. DH2/CA-4 (96 racks), CRAH/DH2/01 .. CRAH/DH2/08 "
     "(01 .. 04 on the west wall serve CA-1 and CA-2, 05 .. 08 on the east wall CA-3 and CA-4), underfloor pressure "
     "sensors DH2/UFP-W and DH2/UFP-E, cages C2.01 .. C2.04", "Critical facilities (Gareth Lloyd)"),
    ("BMR1.DH3", "Data hall 3 (high density)", 2, 1800, "cold aisles DH3/CA-1 .. DH3/CA-4 (96 racks), CRAH/DH3/01 .. "
     "CRAH/DH3/08, cage C3.01", "Critical facilities (Gareth Lloyd)"),
    ("BMR1.PLANT-RF", "Roof plant", 3, 0, "chillers CH-01 .. CH-04 (N+1, air-cooled with free cooling), chilled "
     "water loop 10 C flow", "Mechanical (Owen Pryce)"),
    ("BMR1.UPS-A", "UPS room A", 0, 0, "UPS-A1, UPS-A2 and their battery strings (A feeds of every rack)",
     "Electrical (Sanjay Mehta)"),
    ("BMR1.UPS-B", "UPS room B", 0, 0, "UPS-B1, UPS-B2 and their battery strings (B feeds of every rack)",
     "Electrical (Sanjay Mehta)"),
    ("BMR1.GEN-YD", "Generator yard", 0, 0, "GEN 1 .. GEN 4 (2000 kVA diesel, N+1), ATS-1, ATS-2",
     "Electrical (Sanjay Mehta)"),
    ("BMR1.MMR", "Meet-me room", 0, 0, "carrier and cross-connect frames", "Network operations"),
    ("BMR1.SOC", "Site operations centre", 0, 0, "24x7 shift lead and operators, BMS and EPMS head ends",
     "Site operations (Tom Ashby)"),
]  # fmt: skip
#: cage, customer, hall, aisles, racks, contracted kW, SLA inlet limit, account manager
CAGES = [
    ("C1.01", "Larchfield Council", "DH1", "DH1/CA-1", 24, 120, 27, "Dana Whitfield"),
    ("C1.02", "Ostara Health", "DH1", "DH1/CA-2", 24, 140, 27, "Dana Whitfield"),
    ("C1.03", "Vantor Logistics", "DH1", "DH1/CA-3, DH1/CA-4", 48, 200, 27, "Imran Qureshi"),
    ("C2.01", "Quorra Bank", "DH2", "DH2/CA-1", 12, 96, 27, "Imran Qureshi"),
    ("C2.02", "Tessel Media", "DH2", "DH2/CA-1", 12, 60, 27, "Dana Whitfield"),
    ("C2.03", "Helix Render", "DH2", "DH2/CA-2", 24, 240, 27, "Imran Qureshi"),
    ("C2.04", "Nimbic Cloud", "DH2", "DH2/CA-3, DH2/CA-4", 48, 300, 27, "Dana Whitfield"),
    ("C3.01", "Nimbic Cloud", "DH3", "DH3/CA-1, DH3/CA-2, DH3/CA-3, DH3/CA-4", 96, 1400, 27, "Dana Whitfield"),
]
#: code, equipment, text, priority, meaning, action
ALARM_CODES = [
    ("INLET-HI", "cold aisle", "Rack inlet high", "major",
     "a rack inlet sensor in the aisle reads above 27 C (the ASHRAE recommended limit and the customers' SLA limit)",
     "walk the aisle, check the CRAHs serving it (fan speed, valve, underfloor pressure) and tell customer "
     "operations (SOP-CS-002)"),
    ("INLET-HH", "cold aisle", "Rack inlet very high", "critical",
     "a rack inlet sensor in the aisle reads above 32 C", "EOP-07: loss of cooling in a data hall"),
    ("UFP-LO", "hall sensor", "Underfloor pressure low", "major",
     "the underfloor plenum pressure is below 12 Pa (design 20 Pa): the CRAHs on that side move too little air and "
     "hot air recirculates over the racks", "check the CRAH fans and their pressure input (SOP-CF-021); look for "
     "open floor tiles"),
    ("FW-UPD", "crah", "Controller firmware update", "info", "the unit's controller restarts for a firmware update",
     "check the unit returns to auto"),
    ("COND-PUMP", "crah", "Condensate pump fault", "minor", "the condensate pump did not clear the drip tray in time",
     "check the float switch and the pump; the unit keeps cooling"),
    ("FILTER-DP", "crah", "Filter dirty", "minor", "the air filter's pressure drop is above 150 Pa",
     "change the filters at the next visit"),
    ("HUM-HI", "crah", "Return humidity high", "minor", "return air relative humidity above 60%", "check the hall"),
    ("HUM-LO", "crah", "Return humidity low", "minor", "return air relative humidity below 20%", "check the hall"),
    ("HP-TRIP", "chiller", "Compressor high pressure trip", "major",
     "a compressor stopped on high refrigerant pressure; the chiller restarts it after 15 minutes",
     "check the condenser fans and coil; call Kelvar after a second trip"),
    ("CHW-SETPT", "chiller plant", "Chilled water setpoint changed", "info", "the plant's flow setpoint was changed",
     "check it against the change record"),
    ("GEN-FTS", "generator", "Generator failed to start", "critical",
     "the generator did not reach rated speed within 15 seconds of a start request", "MOP-GEN-004; keep N+1"),
    ("GEN-MAINT", "generator", "Generator in maintenance", "info",
     "the generator's control switch is in off / maintenance: not available to the ATS",
     "confirm N+1 is kept with the others"),
    ("BATT-R-HI", "battery string", "Battery resistance high", "major",
     "a string's average block internal resistance is above 130% of its commissioning baseline: runtime is falling",
     "SOP-CF-030: plan the string's replacement with Voltrane"),
    ("ON-BATT", "ups", "UPS on battery", "critical", "the UPS is carrying the load from its batteries",
     "check the utility supply and that the generators start"),
    ("DOOR-HELD", "access", "Door held open", "minor", "a monitored door was held open for more than 60 seconds",
     "check the door"),
]  # fmt: skip
#: wo, asset, type, status, engineer, created, planned for, completed (minutes ago; negative: ahead; None: not set),
#: title, notes
WORK_ORDERS = [
    ("WO.26.0705", BAD_STRING, "inspection", "completed", "Sanjay Mehta", 13 * DAY + 120, None, 13 * DAY,
     "UPS-B2:STR2 resistance alert (BATT-R-HI)", "average block resistance 4.19 milliohm, 130% of baseline; worst "
     "block B17; Voltrane case VT/INC/00891 opened"),
    ("WO.26.0721", "CH-02", "corrective", "completed", "Owen Pryce", 5765, None, 5600, "CH-02 high pressure trip",
     "condenser fan 3 contactor failed and was replaced with Kelvar (KLV-2026-0417)"),
    ("WO.26.0724", "GEN 3", "corrective", "completed", "Callum Reid (Dunmore)", 4330, None, 4100,
     "GEN 3 failed to start on its weekly test", "fuel filters blocked and replaced; retest on load passed"),
    ("WO.26.0729", "GEN 2", "planned", "awaiting_parts", "Callum Reid (Dunmore)", 1810, 1800, None,
     "GEN 2 6-year service", "injectors found worn; set of 12 ordered, 4 short, delivery tomorrow; GEN 2 out of "
     "service until then (N+1 kept with GEN 1, GEN 3 and GEN 4)"),
    ("WO.26.0731", "CRAH/DH1/06", "corrective", "open", "Owen Pryce", 1200, None, None,
     "CRAH/DH1/06 repeated condensate pump alarms", "float switch sticking; pump and switch on order"),
    ("WO.26.0736", "CRAH/DH2/01 .. CRAH/DH2/04", "project", "completed", "Priya Natarajan (Tessaly Controls)",
     205, MOC_START, 180, "Airvane AC-900 firmware 3.5.0 pilot in DH2 (MOC/26/118)",
     "four controllers updated from 3.4.2, one at a time; each back in auto after 2 minutes; post check: supply air "
     "setpoint 18 C held, no unit alarms"),
    ("WO.26.0739", "DH2 (CRAH/DH2/01 .. CRAH/DH2/04)", "corrective", "in_progress", "Gareth Lloyd", 132, None, None,
     "DH2 west cold aisles hot (INLET-HI DH2/CA-1, DH2/CA-2)",
     "no open floor tiles; CRAH/DH2/01 .. 04 in auto with fans at 30% (their minimum) and chilled water valves "
     "nearly shut; the controllers show analogue input AI-3 (underfloor pressure) 'not configured' since the "
     "firmware 3.5.0 update, so the fan loop has no pressure feedback; CRAH/DH2/05 .. 08 on 3.4.2 hold their side at "
     "about 80%; T-70m: 05 .. 08 put in manual at 90%; the I/O differs from the site template BMR-AC900-IO-v4; "
     "Airvane case AV-CS-118204 raised by Hannah Osei"),
    ("WO.26.0744", BAD_STRING, "planned", "scheduled", "Sanjay Mehta with Voltrane", 6 * DAY, -5 * DAY, None,
     "UPS-B2:STR2 battery string replacement", "40 new blocks delivered; UPS-B2 on STR1 alone during the swap"),
]  # fmt: skip
#: moc, title, assets, category, state, requested by, implemented by, approver, raised, planned start, implemented
#: (minutes ago; negative: ahead; None: not yet), backout, notes
CHANGES = [
    ("MOC/26/104", "MMR core switch firmware 9.3.10 -> 9.3.12", "BMR1.MMR", "network", "implemented",
     "Network operations", "Network operations", "CAB", 9 * DAY, 5 * DAY + 100, 5 * DAY + 100, "reinstall 9.3.10",
     "no customer impact"),
    ("MOC/26/109", "BMS head-end servers BMS-SRV-01 / 02 operating system patches", "BMS-SRV-01, BMS-SRV-02",
     "bms_software", "implemented", "Hannah Osei", "Brackenmoor IT", "CAB", 6 * DAY, 2640, 2640,
     "restore the snapshots", "trends and alarms checked after each server"),
    ("MOC/26/112", "ATS-2 controller firmware 2.1 -> 2.3", "ATS-2", "electrical", "implemented", "Sanjay Mehta",
     "Sanjay Mehta", "CAB", 5 * DAY, 1620, 1620, "reload 2.1", "transfer test passed"),
    ("MOC/26/118", "Airvane AC-900 controller firmware 3.4.2 -> 3.5.0, pilot on CRAH/DH2/01 .. CRAH/DH2/04",
     "CRAH/DH2/01, CRAH/DH2/02, CRAH/DH2/03, CRAH/DH2/04", "bms_firmware", "implemented",
     "Hannah Osei (controls engineer)", "Priya Natarajan (Tessaly Controls)", "CAB", 5 * DAY, MOC_START, MOC_DONE,
     "reload 3.4.2 from the Airvane service tool (about 15 minutes a unit)",
     "security fixes and finer trend logging; one unit at a time, each restarts in about 2 minutes; fleet rollout to "
     "DH1 and DH3 after a 7-day pilot (WO.26.0736)"),
    ("MOC/26/119", "Chilled water flow setpoint 10 C -> 12 C (more free cooling hours)", "CH-01, CH-02, CH-03, CH-04",
     "chiller", "implemented", "Owen Pryce", "Owen Pryce", "CAB", 4 * DAY, CHW_AT, CHW_AT, "set 10 C",
     "CRAH valves open a little further to hold 18 C supply air; planned energy saving"),
    ("MOC/26/121", "Emergency: re-map AI-3 (underfloor pressure, 0-50 Pa) on CRAH/DH2/01 .. CRAH/DH2/04",
     "CRAH/DH2/01, CRAH/DH2/02, CRAH/DH2/03, CRAH/DH2/04", "bms_firmware", "approved", "Hannah Osei", None,
     "E-CAB (Rachel Kerr, site director; Marcus Bell, customer operations)", 35, -15, None, "roll back to 3.4.2",
     "AV-CS-118204; one unit at a time from the controller's service menu, no restart"),
]  # fmt: skip
#: entry, minutes ago, author, role, text
SOC_LOG = [
    ("SOC-26-3390", 2630, "Tom Ashby", "SOC shift lead", "BMS server patching done by IT (MOC/26/109), trends and "
     "alarms checked"),
    ("SOC-26-3396", 1795, "Kerry Doyle", "SOC shift lead (nights)", "GEN 2 handed to Dunmore for its 6-year "
     "service (WO.26.0729); N+1 kept with GEN 1, GEN 3 and GEN 4"),
    ("SOC-26-3398", 1615, "Kerry Doyle", "SOC shift lead (nights)", "ATS-2 firmware done (MOC/26/112), transfer "
     "test passed"),
    ("SOC-26-3405", 203, "Tom Ashby", "SOC shift lead", "Priya Natarajan (Tessaly Controls) starting the AC-900 "
     "firmware pilot on CRAH/DH2/01 .. 04 (MOC/26/118); units restart one at a time"),
    ("SOC-26-3407", 174, "Tom Ashby", "SOC shift lead", "firmware pilot done, all four units back in auto with no "
     "unit alarms; UFP-LO on DH2/UFP-W, probably settling after the restarts"),
    ("SOC-26-3409", 152, "Tom Ashby", "SOC shift lead", "INLET-HI on DH2/CA-1; hall walk: CRAH/DH2/01 .. 04 fans "
     "sound very low, floor tiles all in place"),
    ("SOC-26-3411", 140, "Tom Ashby", "SOC shift lead", "Quorra Bank on the phone about inlet alarms in their racks "
     "(CS-88209)"),
    ("SOC-26-3412", 131, "Tom Ashby", "SOC shift lead", "Gareth Lloyd on the DH2 temperatures (WO.26.0739)"),
    ("SOC-26-3414", 108, "Tom Ashby", "SOC shift lead", "Owen Pryce raised the chilled water setpoint to 12 C "
     "(MOC/26/119, planned energy change)"),
    ("SOC-26-3416", 102, "Tom Ashby", "SOC shift lead", "Helix Render P1 (CS-88211): GPU nodes throttling"),
    ("SOC-26-3418", 69, "Tom Ashby", "SOC shift lead", "CRAH/DH2/05 .. 08 in manual at 90% (Gareth Lloyd)"),
    ("SOC-26-3420", 59, "Tom Ashby", "SOC shift lead", "Hannah Osei opened AV-CS-118204 with Airvane"),
    ("SOC-26-3422", 34, "Tom Ashby", "SOC shift lead", "emergency MOC/26/121 approved by Rachel Kerr and Marcus "
     "Bell; AI-3 re-map in 15 minutes; a rollback to 3.4.2 would take about an hour"),
    ("SOC-26-3424", 23, "Tom Ashby", "SOC shift lead", "Helix Render escalation CS-88216: over the SLA inlet limit "
     "for two hours"),
]  # fmt: skip
#: ticket, minutes ago, customer, cage, subject, severity, status, handler
TICKETS = [
    (
        "CS-88176",
        5 * DAY + 300,
        "Helix Render",
        "C2.03",
        "Cross-connect to the Ixion IX, port 2",
        "P4",
        "closed",
        "Dana Whitfield",
    ),
    (
        "CS-88190",
        3 * DAY + 400,
        "Larchfield Council",
        "C1.01",
        "Remote hands: reseat a power supply in DH1-R07",
        "P3",
        "closed",
        "Dana Whitfield",
    ),
    ("CS-88194", 2 * DAY + 200, "Nimbic Cloud", "C3.01", "Monthly power draw report", "P4", "closed", "Imran Qureshi"),
    (
        "CS-88203",
        1630,
        "Ostara Health",
        "C1.02",
        "Access list update for two engineers",
        "P4",
        "closed",
        "Dana Whitfield",
    ),
    (
        "CS-88209",
        141,
        "Quorra Bank",
        "C2.01",
        "Server inlet temperature alarms in racks DH2-R03 .. DH2-R09",
        "P2",
        "open",
        "Dana Whitfield",
    ),
    ("CS-88211", 104, "Helix Render", "C2.03", "GPU nodes throttling, inlet above 30 C", "P1", "open", "Imran Qureshi"),
    ("CS-88214", 55, "Tessel Media", "C2.02", "Temperature alarms on our switches", "P2", "open", "Dana Whitfield"),
    (
        "CS-88216",
        24,
        "Helix Render",
        "C2.03",
        "Escalation: SLA inlet limit of 27 C exceeded for two hours",
        "P1",
        "open",
        "Marcus Bell",
    ),
]
#: ref, vendor, assets, subject, status, priority, engineer, opened and updated (minutes ago), latest
VENDOR_CASES = [
    ("AV-CS-118204", "Airvane", "CRAH/DH2/01 .. CRAH/DH2/04", "Fans at minimum after AC-900 firmware 3.5.0", "open",
     "P1", "Mirela Popescu", 60, 41,
     "known issue KI-350-02: the 3.4.x to 3.5.0 migration drops the analogue input AI-3 mapping (underfloor "
     "pressure), so the fan speed loop has no feedback and runs at its minimum (30%); re-map AI-3 as underfloor "
     "pressure 0-50 Pa from the service menu (effective at once, no restart) or roll back to 3.4.2; fixed in 3.5.1; "
     "hold the fleet rollout"),
    ("VT/INC/00891", "Voltrane", BAD_STRING, "String internal resistance above 130% of baseline", "scheduled", "P3",
     "Tobias Brandt", 13 * DAY - 60, 2 * DAY,
     "resistance rising about 0.14 milliohm a week; replacement string (40 blocks) delivered; fitted in 5 days under "
     "WO.26.0744; UPS-B2 runs on STR1 alone during the swap (about 6 minutes of runtime at the current load)"),
    ("KLV-2026-0417", "Kelvar", "CH-02", "High pressure trip on compressor 2", "closed", "P3", "Ines Duarte",
     5760, 5590, "condenser fan 3 contactor failed; replaced on site; no further trips"),
]  # fmt: skip
KB = [
    ("EOP-07", "Loss of cooling in a data hall",
     "Above 32 C at any rack inlet: call the critical facilities engineer and customer operations, put healthy CRAHs "
     "in manual at 90-100%, check the chilled water plant, consider portable cooling. Customer communication: "
     "SOP-CS-002."),
    ("SOP-CF-021", "CRAH fans at minimum / low underfloor pressure (UFP-LO)",
     "Check that no floor tiles are open. On each CRAH serving the area check the fan mode and the underfloor pressure "
     "input (AI-3) on the AC-900 controller. Put the healthy units in manual at 90%. After a controller firmware "
     "update compare the controller's I/O configuration with the site template BMR-AC900-IO-v4: re-map the input or "
     "roll the firmware back, and open an Airvane case."),
    ("SOP-CF-030", "UPS battery string resistance (BATT-R-HI)",
     "Above 130% of the commissioning baseline: open a Voltrane case and plan the string's replacement within 30 "
     "days; check the runtime with one string."),
    ("SOP-CS-002", "Customer temperature complaints",
     "The SLA inlet limit is 27 C at the rack inlet. Acknowledge within 15 minutes, give updates every 30 minutes, "
     "the account manager leads."),
    ("MOP-GEN-004", "Generator weekly test and failure to start",
     "Weekly off-load start; after a failure to start check fuel filters, batteries and the starter; keep N+1."),
    ("IOM AC-900 5.4", "Airvane AC-900 controller manual, 5.4 analogue inputs",
     "AI-1 supply air, AI-2 return air, AI-3 underfloor pressure (4-20 mA = 0-50 Pa). Without a valid AI-3 the fan "
     "speed loop runs at the configured minimum (30%)."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE areas (code TEXT PRIMARY KEY, name TEXT, floor INTEGER, design_kw INTEGER, description TEXT,
                    owner TEXT);
CREATE TABLE assets (asset TEXT PRIMARY KEY, kind TEXT, area TEXT, make TEXT, model TEXT, controller TEXT,
                     serves TEXT, installed INTEGER);
CREATE TABLE plant_status (asset TEXT PRIMARY KEY, kind TEXT, state TEXT, since TEXT, load_pct REAL, mode TEXT,
                           active_alarm TEXT, firmware TEXT);
CREATE TABLE inlet_temps (aisle TEXT, bucket_start TEXT, bucket_epoch INTEGER, sensors INTEGER, avg_inlet_c REAL,
                          max_inlet_c REAL, racks_over_27 INTEGER);
CREATE INDEX inlet_epoch ON inlet_temps (bucket_epoch);
CREATE TABLE crah_trend (unit TEXT, measure TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX crah_unit ON crah_trend (unit, ts_epoch);
CREATE TABLE alarms (alarm_id INTEGER PRIMARY KEY, source TEXT, area TEXT, code TEXT, text TEXT, priority TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT);
CREATE TABLE alarm_codes (code TEXT PRIMARY KEY, equipment TEXT, text TEXT, priority TEXT, meaning TEXT,
                          action TEXT);
CREATE TABLE battery (string TEXT, measured_at TEXT, measured_epoch INTEGER, avg_mohm REAL, max_mohm REAL,
                      worst_block TEXT, float_v REAL, temp_c REAL);
CREATE TABLE energy (day TEXT, hall TEXT, it_kwh INTEGER, cooling_kwh INTEGER, other_kwh INTEGER, ppue REAL,
                     peak_it_kw INTEGER);
CREATE TABLE cages (cage TEXT PRIMARY KEY, customer TEXT, hall TEXT, aisles TEXT, racks INTEGER,
                    contracted_kw INTEGER, sla_inlet_c INTEGER, account_manager TEXT);
CREATE TABLE tickets (ticket TEXT PRIMARY KEY, opened TEXT, opened_epoch INTEGER, customer TEXT, cage TEXT,
                      subject TEXT, severity TEXT, status TEXT, handler TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, asset TEXT, type TEXT, status TEXT, engineer TEXT, created TEXT,
                          created_epoch INTEGER, planned_for TEXT, completed TEXT, title TEXT, notes TEXT);
CREATE TABLE changes (moc TEXT PRIMARY KEY, title TEXT, assets TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned_start TEXT, implemented TEXT,
                      implemented_epoch INTEGER, backout TEXT, notes TEXT);
CREATE TABLE soc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE vendor_cases (ref TEXT PRIMARY KEY, vendor TEXT, assets TEXT, subject TEXT, status TEXT,
                           priority TEXT, engineer TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _assets() -> list[tuple[Any, ...]]:
    """asset, kind, area, make, model, controller, serves, installed."""
    rows: list[tuple[Any, ...]] = [
        (f"CH-{n:02d}", "chiller", "BMR1.PLANT-RF", "Kelvar", "AirChill 1400 FC (1400 kW)", "Kelvar KCC",
         "chilled water loop", 2019) for n in range(1, 5)
    ]  # fmt: skip
    for unit in CRAHS:
        hall, n = unit.split("/")[1], int(unit[-2:])
        aisles = f"{hall}/CA-1, {hall}/CA-2" if n <= 4 else f"{hall}/CA-3, {hall}/CA-4"
        dense = hall == "DH3"
        rows.append((unit, "crah", f"BMR1.{hall}", "Airvane", "CW-150 EC" if dense else "CW-120", "Airvane AC-900",
                     aisles, 2023 if dense else 2019))  # fmt: skip
    for ups in ("UPS-A1", "UPS-A2", "UPS-B1", "UPS-B2"):
        room = f"BMR1.UPS-{ups[4]}"
        rows.append((ups, "ups", room, "Voltrane", "VX-800 (800 kVA)", "Voltrane VX", f"{ups[4]} feeds of DH1 .. DH3",
                     2019))  # fmt: skip
    for s in STRINGS:
        rows.append((s, "battery_string", f"BMR1.UPS-{s[4]}", "Calder", "VRLA 12-200 (40 blocks)", "Voltrane BMS",
                     s.split(":")[0], 2021 if s.startswith("UPS-B2") else 2022))  # fmt: skip
    for n in range(1, 5):
        rows.append((f"GEN {n}", "generator", "BMR1.GEN-YD", "Dunmore", "DG-2000 (2000 kVA diesel)", "Dunmore DCP-7",
                     "ATS-1, ATS-2", 2018))  # fmt: skip
    return rows


def _aisle_base(aisle: str, k: int) -> tuple[float, float, int]:
    """An aisle's ordinary bucket k: (average, highest inlet, racks above 27)."""
    base = AISLE_BASE[aisle.split("/")[0]]
    avg = base + 0.6 * math.sin(2 * math.pi * (15 * k + 200) / 1440) + 0.4 * noise(f"av{aisle}", k)
    return round(avg, 1), round(avg + 1.4 + 0.8 * noise(f"mx{aisle}", k), 1), 0


def _inlets(now: datetime) -> list[tuple[Any, ...]]:
    """Every cold aisle's 15-minute buckets for 7 days, the newest ending now."""
    rows = []
    for aisle in AISLES:
        for k in range(INLET_DAYS * 96):
            if aisle in SPIKE and k in SPIKE[aisle]:
                avg, top, over = SPIKE[aisle][k]
            elif aisle == "DH3/CA-2" and k in DH3_BLIP:
                avg, top, over = DH3_BLIP[k]
            else:
                avg, top, over = _aisle_base(aisle, k)
            start = now - timedelta(minutes=15 * (k + 1))
            rows.append((aisle, iso(start), int(start.timestamp()), 24, avg, top, over))
    return rows


def _crah_values(unit: str, m: int, i: int) -> dict[str, float]:
    """One CRAH's five measures at the sample m minutes ago (i: the sample's index)."""
    hall, n = unit.split("/")[1], int(unit[-2:])
    dense = hall == "DH3"
    v = {
        "fan_speed_pct": (68.0 if dense else 58.0) + 6 * noise(f"f{unit}", i),
        "supply_air_c": 18.0 + 0.6 * noise(f"s{unit}", i),
        "return_air_c": (33.0 if dense else 31.0) + 2 * noise(f"r{unit}", i),
        "chw_valve_pct": 45.0 + 10 * noise(f"v{unit}", i),
        "underfloor_pa": 19.5 + 1.5 * noise(f"p{unit}", i),
    }
    if hall != "DH2":
        return v
    if unit in PILOT:
        started, back = PILOT[unit]
        if m <= back:
            v["fan_speed_pct"] = 30.0
            v["chw_valve_pct"] = 22.0 + 6 * noise(f"v{unit}", i)
            v["return_air_c"] = 36.0 + 2 * noise(f"r{unit}", i)
        elif m <= started:
            v["fan_speed_pct"] = 0.0
        if m <= MANUAL_AT:
            v["underfloor_pa"] = 9.0 + 1.5 * noise(f"p{unit}", i)
        elif m <= UFP_LO:
            v["underfloor_pa"] = 6.5 + 1.5 * noise(f"p{unit}", i)
        elif m <= 196:
            v["underfloor_pa"] = 13.0 + 2 * noise(f"p{unit}", i)
    elif n >= 5:
        if m <= MANUAL_AT:
            v["fan_speed_pct"] = 90.0
            v["underfloor_pa"] = 23.0 + 2 * noise(f"p{unit}", i)
        elif m <= 182:
            v["fan_speed_pct"] = 78.0 + 4 * noise(f"f{unit}", i)
            v["underfloor_pa"] = 15.0 + 2 * noise(f"p{unit}", i)
    return v


def _crah_trend(now: datetime) -> list[tuple[Any, ...]]:
    """Every CRAH's five measures every 10 minutes for 72 hours, the newest at now."""
    rows = []
    for unit in CRAHS:
        for i in range(TREND_HOURS * 6):
            m = 10 * i
            t = now - timedelta(minutes=m)
            for measure, value in _crah_values(unit, m, i).items():
                rows.append((unit, measure, round(value, 1), iso(t), int(t.timestamp())))
    return rows


def _alarms() -> list[tuple[Any, ...]]:
    """(source, area, code, raised, cleared) in minutes ago (cleared None: active), for 7 days."""
    out: list[tuple[Any, ...]] = []
    others = [c for c in CRAHS if c != "CRAH/DH1/06" and c not in PILOT]
    order = sorted(others, key=lambda c: noise("crahpick", CRAHS.index(c)))
    for s in range(16):  # background CRAH alarms: no unit more than once
        unit = order[s]
        m = 300 + 610 * s + int(200 * noise("cm", s))
        codes = ["FILTER-DP", "HUM-HI", "HUM-LO"]
        out.append((unit, f"BMR1.{unit.split('/')[1]}", codes[int(3 * noise("cc", s))], m, m - 5 - int(30 * noise(
            "cd", s))))  # fmt: skip
    for m in COND_PUMP_AT:
        out.append(("CRAH/DH1/06", "BMR1.DH1", "COND-PUMP", m, None if m == COND_PUMP_AT[0] else m - 12))
    for s in range(6):
        m = 845 + 1510 * s + int(90 * noise("dm", s))
        out.append(("BMR1.MMR/D2", "BMR1.MMR", "DOOR-HELD", m, m - 2))
    out += [(unit, "BMR1.DH2", "FW-UPD", started, back) for unit, (started, back) in PILOT.items()]
    out += [
        ("DH2/UFP-W", "BMR1.DH2", "UFP-LO", UFP_LO, None),
        ("DH2/CA-1", "BMR1.DH2", "INLET-HI", 158, None),
        ("DH2/CA-2", "BMR1.DH2", "INLET-HI", 146, None),
        ("DH2/CA-1", "BMR1.DH2", "INLET-HH", 84, 71),
        ("CHW plant", "BMR1.PLANT-RF", "CHW-SETPT", CHW_AT, CHW_AT),
        ("GEN 2", "BMR1.GEN-YD", "GEN-MAINT", 1792, None),
        ("UPS-A1", "BMR1.UPS-A", "ON-BATT", 2895, 2895),
        ("GEN 3", "BMR1.GEN-YD", "GEN-FTS", 4335, 4290),
        ("DH3/CA-2", "BMR1.DH3", "INLET-HI", 5758, 5746),
        ("CH-02", "BMR1.PLANT-RF", "HP-TRIP", 5770, 5750),
    ]
    return sorted(out, key=lambda o: -o[3])


def _battery(now: datetime) -> list[tuple[Any, ...]]:
    """One reading a day per string for 90 days (at T-30m, T-1d-30m, ...)."""
    rows = []
    for si, s in enumerate(STRINGS):
        for k in range(BATTERY_DAYS):
            t = now - timedelta(days=k, minutes=30)
            if s == BAD_STRING:
                avg = 3.22 + 0.04 * (noise("bb", k) - 0.5) if k >= 60 else 3.24 + 0.0203 * (60 - k) + (
                    0.01 * (noise("bw", k) - 0.5) if k else 0.0)  # fmt: skip
                worst, top = "B17", avg * 1.28 + 0.05 * noise("bt", k)
            else:
                avg = 3.12 + 0.015 * si + 0.04 * (noise(f"b{s}", k) - 0.5)
                worst, top = f"B{1 + int(40 * noise(f'wb{s}', k // 30)):02d}", avg * 1.08 + 0.05 * noise(f"t{s}", k)
            rows.append((s, iso(t), int(t.timestamp()), round(avg, 2), round(top, 2), worst,
                         round(13.62 + 0.04 * noise(f"fv{s}", k), 2), round(21.5 + noise(f"tc{s}", k), 1)))  # fmt: skip
    return rows


def _energy(now: datetime) -> list[tuple[Any, ...]]:
    """Per hall and complete UTC day for 60 days (yesterday back)."""
    base = {"DH1": 14400, "DH2": 16900, "DH3": 30200}
    rows = []
    for d in range(1, ENERGY_DAYS + 1):
        day = (now - timedelta(days=d)).strftime("%Y-%m-%d")
        for hall in HALLS:
            it = round(base[hall] * (0.97 + 0.06 * noise(f"e{hall}", d)))
            cooling = round(it * (0.22 + 0.04 * noise(f"c{hall}", d)))
            other = round(it * 0.04)
            rows.append((day, hall, it, cooling, other, round((it + cooling + other) / it, 2),
                         round(it / 24 * (1.08 + 0.04 * noise(f"p{hall}", d)))))  # fmt: skip
    return rows


def _status(now: datetime, trend: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every plant asset now: asset, kind, state, since (minutes ago), load, mode, active alarm, firmware."""
    top = max(r[4] for r in trend)
    fan = {r[0]: r[2] for r in trend if r[4] == top and r[1] == "fan_speed_pct"}
    rows: list[tuple[Any, ...]] = [
        ("CH-01", "chiller", "running", 30 * DAY, 58.0, "auto", None, "KCC 8.2"),
        ("CH-02", "chiller", "running", 5750, 61.0, "auto", None, "KCC 8.2"),
        ("CH-03", "chiller", "running", 30 * DAY, 57.0, "auto", None, "KCC 8.2"),
        ("CH-04", "chiller", "standby", 30 * DAY, 0.0, "auto", None, "KCC 8.2"),
    ]
    for unit in CRAHS:
        state, since, mode, alarm = "running", 30 * DAY, "auto", None
        if unit in PILOT:
            since = PILOT[unit][1]
        elif unit.startswith("CRAH/DH2/") and int(unit[-2:]) >= 5:
            mode = "manual"
        elif unit == "CRAH/DH1/06":
            state, since, alarm = "alarm", COND_PUMP_AT[0], "COND-PUMP"
        rows.append((unit, "crah", state, since, fan[unit], mode, alarm, "3.5.0" if unit in PILOT else "3.4.2"))
    for ups, load in (("UPS-A1", 44.0), ("UPS-A2", 42.0), ("UPS-B1", 46.0), ("UPS-B2", 45.0)):
        bad = ups == "UPS-B2"
        rows.append((ups, "ups", "alarm" if bad else "running", 13 * DAY if bad else 30 * DAY, load, "auto",
                     "BATT-R-HI" if bad else None, "VX 2.8.1"))  # fmt: skip
    for s in STRINGS:
        bad = s == BAD_STRING
        rows.append((s, "battery_string", "alarm" if bad else "float", 13 * DAY if bad else 30 * DAY, None, "auto",
                     "BATT-R-HI" if bad else None, "n/a"))  # fmt: skip
    for n in range(1, 5):
        if n == 2:
            rows.append(("GEN 2", "generator", "maintenance", 1792, 0.0, "off", "GEN-MAINT", "DCP-7 4.3"))
        else:
            rows.append((f"GEN {n}", "generator", "standby", 4290 if n == 3 else 30 * DAY, 0.0, "auto", None,
                         "DCP-7 4.3"))  # fmt: skip
    return [(a, k, s, iso(now - timedelta(minutes=since)), *rest) for a, k, s, since, *rest in rows]


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO areas VALUES (?,?,?,?,?,?)", AREAS)
    db.executemany("INSERT INTO assets VALUES (?,?,?,?,?,?,?,?)", _assets())
    db.executemany("INSERT INTO inlet_temps VALUES (?,?,?,?,?,?,?)", _inlets(now))
    trend = _crah_trend(now)
    db.executemany("INSERT INTO crah_trend VALUES (?,?,?,?,?)", trend)
    db.executemany("INSERT INTO plant_status VALUES (?,?,?,?,?,?,?,?)", _status(now, trend))
    codes = {c[0]: c for c in ALARM_CODES}
    db.executemany(
        "INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?)",
        [(7710200 + i, s, a, c, codes[c][2], codes[c][3], ago(m), clock.epoch(m), ago(cl))
         for i, (s, a, c, m, cl) in enumerate(_alarms())],
    )  # fmt: skip
    db.executemany("INSERT INTO alarm_codes VALUES (?,?,?,?,?,?)", ALARM_CODES)
    db.executemany("INSERT INTO battery VALUES (?,?,?,?,?,?,?,?)", _battery(now))
    db.executemany("INSERT INTO energy VALUES (?,?,?,?,?,?,?)", _energy(now))
    db.executemany("INSERT INTO cages VALUES (?,?,?,?,?,?,?,?)", CAGES)
    db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?)",
                   [(t, ago(m), clock.epoch(m), *rest) for t, m, *rest in TICKETS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(w[0], w[1], w[2], w[3], w[4], ago(w[5]), clock.epoch(w[5]), ago(w[6]), ago(w[7]), w[8], w[9])
                    for w in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), *c[11:])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO soc_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in SOC_LOG])  # fmt: skip
    db.executemany("INSERT INTO vendor_cases VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:7], ago(v[7]), ago(v[8]), v[9]) for v in VENDOR_CASES])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Data centre facility store (Brackenmoor BMR1): cooling, power, alarms, customers, changes"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
