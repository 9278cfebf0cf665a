"""A seventeenth estate, held out from the planner's tuning: the operations of an onshore wind farm (Harthill Moor
Wind, 12 turbines on three 33 kV collector feeders, a 33/132 kV substation): turbine SCADA, condition monitoring,
stops, alarms, grid operator instructions, maintenance work orders, permits to work, crew jobs and OEM cases.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
turbines are ``WTG-07`` (two digits), condition-monitoring sensors ``T11/MB`` / ``T07/GBX-HSS`` (slash, short
turbine number), collector feeders ``COL.A`` (dotted), substation assets ``SGT1`` (the grid transformer), ``GRID-132``
(the 132 kV point of connection) and breakers ``Q1.C``, turbine MCBs ``F3.2``; SCADA alarm codes ``EV 3130`` (with a
space), maintenance work orders ``MWO-26-0413``, changes ``CHG:26:049`` (colons), permits to work ``PTW/26/0419``
(slashes), crew jobs ``JOB#7731`` (hash), OEM service cases ``CASE 2026-0113`` (space, four-digit year), grid
operator bid-offer acceptances ``BOA 77312``, procedures ``SOP-GBX-04``, ``TI 2025/118`` and ``HSE.7.2``; people are
named in full (``Callum Baird``). Windows come as an ISO 8601 duration enum (``period``: PT1H .. P7D), a named
``lookback`` enum (last_day, last_week, last_month), ISO timestamps (``from_ts`` / ``to_ts``, ``start_after``), ISO
dates (``from_date`` / ``to_date``), ``since_minutes``, ``hours`` and ``days``; two APIs require a unit (a turbine,
a substation asset); two look up one record by id (an alarm code, an OEM case), two search free text (procedures,
crew jobs); one is narrow (asset, quantity, value, ts). :mod:`tests.ops_eval.seventeenth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; SCADA rows every 10 minutes at T-0, T-10m, ...):

- over 30 days: WTG-11's main bearing vibration (``T11/MB``) rises from about 2.1 to about 4.6 mm/s (alert 4.5,
  EV 8112 at T-2d); CASE 2026-0108 with the OEM, CHG:26:046 limits WTG-11 to 2,500 kW (T-47h), inspection
  MWO-26-0409 booked in 3 days: a slow trend;
- this week: WTG-04's pitch hydraulics stop it five times (31h40m in all, the most downtime, 8 alarms), repaired by
  MWO-26-0398 at T-3d; WTG-10's converter IGBT fault stops it once for 20 hours (the longest single stop,
  MWO-26-0402, CASE 2026-0097); WTG-12's aviation light lamp 2 has failed (EV 5210, MWO-26-0416 tomorrow);
  grid curtailment BOA 77312 (30 MW, T-20h .. T-17h) and BOA 76980 (25 MW, T-94h10m .. T-92h10m); CHG:26:048
  raises the Q1.C feeder protection setting (T-26h); 9.3 days ago five turbines stopped for icing (older noise);
- T-480m .. T-350m WTG-07's six-monthly service (MWO-26-0413, permit PTW/26/0419, Ines Albrecht and Tom Hargreaves):
  the gearbox oil cooler fan MCB F3.2 is isolated and its isolation is never signed off when the permit is
  cancelled (T-352m);
- from its restart (T-340m, the onset) WTG-07's gearbox HSS bearing temperature climbs on every 10-minute row,
  52.4 -> 62.1 (T-320m) -> 80.3 (T-210m; EV 3128 warning at T-212m) -> 88.3 (T-140m; EV 3129 derate to 2,000 kW at
  T-143m) -> 94.8 degC (T-70m) while the other V112s stay at 55-62 degC; T-68m EV 3130 stops it at 95.2 degC; T-61m
  a remote reset is refused; T-52m emergency MWO-26-0417; T-55m JOB#7731 sends Callum Baird and Ines Albrecht;
  T-40m CASE 2026-0113 (OEM: Jonas Weller) asks for restart approval; T-25m permit PTW/26/0422; the crew finds
  F3.2 off with the service team's tag still on, restores the fan (oil 71 degC, falling); SOP-GBX-04 says:
  borescope the HSS bearing and sample the oil before a restart after 95 degC, restart only below 65 degC;
- red herrings: CHG:26:049 patches the SCADA server HHM-SCADA01 (T-180m .. T-165m); MWO-26-0415 flies a drone
  blade inspection of WTG-03 (T-120m .. T-100m, a 20-minute stop).

No API reports noise levels, electricity prices or revenue, grid frequency, oil particle counts or dissolved gas
analysis, landowners, bird strikes, or fire systems; there is no WTG-15, no COL.D, no CASE 2026-0199; SCADA
10-minute rows are kept 7 days, alarms 7 days, CMS 30 days, daily production 14 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.seventeenth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "harthillscada"
DAY, H = 1440, 60
SCADA_DAYS, CMS_DAYS, PRODUCTION_DAYS, READING_DAYS = 7, 30, 14, 7
SERVICE_START, SERVICE_END, TRIP = 480, 350, 68  # WTG-07, minutes ago
DERATE_AT, DERATE_KW = 143, 2000.0

#: turbine, model, rated kW, rated wind (m/s), phase, feeder, commissioned, hub height (m), grid ref
TURBINES = [
    ("WTG-01", "Vestas V112-3.45", 3450, 12.0, 1, "COL.A", 2015, 94, "NY 612 043"),
    ("WTG-02", "Vestas V112-3.45", 3450, 12.0, 1, "COL.A", 2015, 94, "NY 615 047"),
    ("WTG-03", "Vestas V112-3.45", 3450, 12.0, 1, "COL.A", 2015, 94, "NY 619 044"),
    ("WTG-04", "Vestas V112-3.45", 3450, 12.0, 1, "COL.A", 2015, 94, "NY 622 049"),
    ("WTG-05", "Vestas V112-3.45", 3450, 12.0, 1, "COL.B", 2015, 94, "NY 613 052"),
    ("WTG-06", "Vestas V112-3.45", 3450, 12.0, 1, "COL.B", 2015, 94, "NY 617 055"),
    ("WTG-07", "Vestas V112-3.45", 3450, 12.0, 1, "COL.B", 2015, 94, "NY 621 057"),
    ("WTG-08", "Vestas V112-3.45", 3450, 12.0, 1, "COL.B", 2015, 94, "NY 625 054"),
    ("WTG-09", "SG 3.4-132", 3400, 11.5, 2, "COL.C", 2021, 101, "NY 628 061"),
    ("WTG-10", "SG 3.4-132", 3400, 11.5, 2, "COL.C", 2021, 101, "NY 632 064"),
    ("WTG-11", "SG 3.4-132", 3400, 11.5, 2, "COL.C", 2021, 101, "NY 636 060"),
    ("WTG-12", "SG 3.4-132", 3400, 11.5, 2, "COL.C", 2021, 101, "NY 639 066"),
]
FEEDERS = ("COL.A", "COL.B", "COL.C")
#: WTG-11's manual power limit (kW) and since when (minutes ago; CHG:26:046)
LIMITS = {"WTG-11": (2500.0, 2820)}
#: grid curtailment: BOA, issued, start, end (minutes ago), setpoint MW, reason
BOAS = [
    ("BOA 75411", 17300, 17290, 17050, 20.0, "B6 boundary constraint"),
    ("BOA 76980", 5655, 5650, 5530, 25.0, "local constraint, Brackenside GSP 132 kV circuit outage"),
    ("BOA 77312", 1205, 1200, 1020, 30.0, "B6 boundary constraint"),
]
#: turbine, start, end (minutes ago; None: ongoing), category, code, reason
STOPS = [
    ("WTG-05", 13450, 12610, "weather", "EV 7801", "ice on blades detected"),
    ("WTG-06", 13440, 12650, "weather", "EV 7801", "ice on blades detected"),
    ("WTG-08", 13420, 12570, "weather", "EV 7801", "ice on blades detected"),
    ("WTG-11", 13460, 12540, "weather", "EV 7801", "ice on blades detected"),
    ("WTG-12", 13470, 12520, "weather", "EV 7801", "ice on blades detected"),
    ("WTG-04", 8620, 8190, "fault", "EV 2310", "pitch hydraulic pressure low"),
    ("WTG-04", 7300, 6760, "fault", "EV 2310", "pitch hydraulic pressure low"),
    ("WTG-04", 6100, 5760, "fault", "EV 2310", "pitch hydraulic pressure low"),
    ("WTG-10", 5900, 4700, "fault", "EV 4410", "converter IGBT fault, module replaced (MWO-26-0402)"),
    ("WTG-04", 5200, 4820, "fault", "EV 2310", "pitch hydraulic pressure low"),
    ("WTG-04", 4540, 4330, "maintenance", "EV 2310", "pitch hydraulic hose replaced (MWO-26-0398)"),
    ("WTG-02", 2950, 2925, "fault", "EV 6010", "yaw motor overload, auto reset"),
    ("WTG-07", SERVICE_START, SERVICE_END, "maintenance", "EV 0092", "six-monthly service (MWO-26-0413)"),
    ("WTG-03", 118, 98, "maintenance", "EV 0092", "drone blade inspection (MWO-26-0415)"),
    ("WTG-07", TRIP, None, "fault", "EV 3130", "gearbox HSS bearing temperature stop"),
]
#: WTG-07's gearbox HSS bearing temperature (degC, 10-minute average) after the service: minutes ago -> value
GBX07 = {
    340: 52.4, 330: 57.9, 320: 62.1, 310: 64.8, 300: 67.0, 290: 68.9, 280: 70.7, 270: 72.2, 260: 73.8, 250: 75.1,
    240: 76.5, 230: 77.7, 220: 78.9, 210: 80.3, 200: 81.4, 190: 82.6, 180: 83.7, 170: 84.9, 160: 86.0, 150: 87.1,
    140: 88.3, 130: 89.2, 120: 90.2, 110: 91.3, 100: 92.2, 90: 93.1, 80: 94.0, 70: 94.8,
    60: 94.1, 50: 91.0, 40: 87.2, 30: 83.0, 20: 79.1, 10: 75.6, 0: 72.4,
}  # fmt: skip
#: WTG-11's main bearing vibration (T11/MB, mm/s) the last three days (days ago -> value)
MB11_LATEST = {2: 4.55, 1: 4.62, 0: 4.64}
#: alarms: asset, code, severity, raised and cleared (minutes ago; cleared None: active), text
ALARMS = [
    *[("WTG-04", "EV 2312", "warning", a, a - 30, "pitch hydraulic oil level low") for a in (8700, 7350, 6150)],
    *[("WTG-04", "EV 2310", "stop", s[1], s[2], "pitch hydraulic pressure low") for s in STOPS
      if s[0] == "WTG-04"],
    ("WTG-10", "EV 4410", "stop", 5900, 4700, "converter IGBT fault (phase B module)"),
    ("WTG-10", "EV 0092", "info", 4900, 4900, "service mode on"),
    ("WTG-10", "EV 0093", "info", 4700, 4700, "service mode off"),
    ("HHM-PPC", "EV 9001", "info", 5650, 5530, "park controller: grid setpoint 25 MW active (BOA 76980)"),
    ("WTG-02", "EV 6010", "stop", 2950, 2925, "yaw motor overload"),
    ("WTG-11", "EV 8112", "warning", 2910, None, "CMS: main bearing vibration above alert 4.5 mm/s (T11/MB)"),
    ("WTG-11", "EV 0140", "info", 2820, None, "power limit 2500 kW set manually (CHG:26:046)"),
    ("WTG-12", "EV 5210", "warning", 1800, None, "aviation obstruction light fault, lamp 2"),
    ("Q1.C", "EV 9410", "info", 1560, 1560, "protection relay settings group changed (CHG:26:048)"),
    ("HHM-PPC", "EV 9001", "info", 1200, 1020, "park controller: grid setpoint 30 MW active (BOA 77312)"),
    ("WTG-02", "EV 6002", "warning", 540, 530, "yaw misalignment above 12 deg for 10 min"),
    ("WTG-07", "EV 0092", "info", SERVICE_START, SERVICE_START, "service mode on"),
    ("WTG-07", "EV 0093", "info", SERVICE_END, SERVICE_END, "service mode off"),
    ("WTG-07", "EV 3128", "warning", 212, 22, "gearbox HSS bearing temperature high (above 80 degC)"),
    ("HHM-SCADA01", "EV 9900", "info", 172, 170, "SCADA server services restarted (patch CHG:26:049)"),
    ("WTG-07", "EV 3129", "warning", DERATE_AT, TRIP, "gearbox temperature derate: power limited to 2000 kW"),
    ("WTG-03", "EV 0092", "info", 118, 118, "service mode on"),
    ("WTG-03", "EV 0093", "info", 98, 98, "service mode off"),
    ("WTG-07", "EV 3130", "stop", TRIP, None, "gearbox HSS bearing temperature stop: 95.2 degC"),
    ("WTG-07", "EV 0071", "info", 61, 61, "remote reset refused: gearbox temperature above restart limit 65 degC"),
]  # fmt: skip
#: code, text, category, severity, auto reset, action
ALARM_CODES = [
    ("EV 0071", "Remote reset refused", "control", "info", "n/a", "the reset condition is not met; see the alarm"),
    ("EV 0092", "Service mode on", "control", "info", "n/a", "turbine stopped locally for work"),
    ("EV 0093", "Service mode off", "control", "info", "n/a", "turbine handed back to remote control"),
    ("EV 0140", "Manual power limit set", "control", "info", "n/a", "limit set by the control room or the OEM"),
    ("EV 2310", "Pitch hydraulic pressure low", "pitch", "stop", "no",
     "check the hydraulic unit, hoses and accumulators (SOP-PITCH-07)"),
    ("EV 2312", "Pitch hydraulic oil level low", "pitch", "warning", "yes", "top up and look for leaks"),
    ("EV 3128", "Gearbox HSS bearing temperature high (above 80 degC)", "gearbox", "warning", "yes",
     "check the gearbox oil cooler and its fan (SOP-GBX-04)"),
    ("EV 3129", "Gearbox temperature derate (above 88 degC): power limited to 2000 kW", "gearbox", "warning", "yes",
     "check the gearbox oil cooler and its fan (SOP-GBX-04)"),
    ("EV 3130", "Gearbox HSS bearing temperature stop (above 95 degC)", "gearbox", "stop", "no",
     "one remote reset at most, only below 65 degC; after 95 degC inspect before restart (SOP-GBX-04)"),
    ("EV 4410", "Converter IGBT fault", "converter", "stop", "no", "OEM converter specialist to attend"),
    ("EV 5210", "Aviation obstruction light fault", "aviation", "warning", "no",
     "report to the aviation authority if not fixed within 24 hours (HSE.7.2)"),
    ("EV 6002", "Yaw misalignment above 12 deg for 10 min", "yaw", "warning", "yes", "check the wind vane"),
    ("EV 6010", "Yaw motor overload", "yaw", "stop", "yes (3 per day)", "check the yaw brakes and motors"),
    ("EV 7801", "Ice on blades detected", "weather", "stop", "yes (when clear)", "restart when the ice is gone"),
    ("EV 8112", "CMS main bearing vibration alert (above 4.5 mm/s)", "condition", "warning", "no",
     "open an OEM case, derate as advised, inspect (TI 2025/118)"),
    ("EV 9001", "Park controller grid setpoint active", "grid", "info", "n/a", "grid operator instruction (GRID.3.1)"),
    ("EV 9410", "Protection relay settings group changed", "substation", "info", "n/a", "check against the CHG"),
    ("EV 9900", "SCADA server services restarted", "scada", "info", "n/a", "none"),
]  # fmt: skip
#: wo, title, turbine or asset, type, status, team, start and end (minutes ago; negative: future), notes
WORK_ORDERS = [
    ("MWO-26-0398", "Replace pitch hydraulic hose, blade C", "WTG-04", "corrective", "completed", "Callum Baird",
     4540, 4330, "chafed hose at the blade C pitch cylinder; oil topped up 6 L; five EV 2310 stops this week"),
    ("MWO-26-0402", "Replace converter IGBT module, phase B", "WTG-10", "corrective", "completed",
     "Tom Hargreaves with the OEM converter specialist", 4900, 4700, "CASE 2026-0097; module replaced, tested"),
    ("MWO-26-0409", "Main bearing inspection: borescope and grease sample", "WTG-11", "planned_maintenance",
     "scheduled", "OEM (Jonas Weller) with Callum Baird", -3 * DAY, -3 * DAY - 360,
     "CASE 2026-0108; CMS main bearing trend; crane not needed"),
    ("MWO-26-0413", "Six-monthly service: gearbox oil filter, oil top-up, pitch accumulators, torque checks",
     "WTG-07", "planned_maintenance", "completed", "Ines Albrecht, Tom Hargreaves", SERVICE_START, SERVICE_END,
     "PTW/26/0419; oil filter replaced, gearbox oil topped up 12 L, pitch accumulators pre-charged"),
    ("MWO-26-0414", "Q1.C feeder protection relay settings update", "Q1.C", "substation", "completed",
     "Priya Natarajan (protection engineer)", 1620, 1500, "CHG:26:048; secondary injection tested"),
    ("MWO-26-0415", "Drone blade inspection", "WTG-03", "inspection", "completed", "Dafydd Rees",
     120, 100, "PTW/26/0421; three blades photographed, contractor report to follow"),
    ("MWO-26-0416", "Replace aviation obstruction light lamp 2", "WTG-12", "corrective", "scheduled",
     "Dafydd Rees", -18 * H, -19 * H, "EV 5210; NOTAM raised"),
    ("MWO-26-0417", "Emergency: gearbox HSS bearing over-temperature stop (EV 3130)", "WTG-07", "emergency",
     "in_progress", "Callum Baird, Ines Albrecht", 52, None, "JOB#7731; CASE 2026-0113; PTW/26/0422"),
]  # fmt: skip
#: chg, title, scope, category, implemented by, at (minutes ago), rollback, notes
CHANGES = [
    ("CHG:26:041", "Controller parameter set PS 4.2.1 -> PS 4.2.2 (night noise curve)", "WTG-09 .. WTG-12",
     "controller", "OEM remote", 12 * DAY + 200, "PS 4.2.1", "noise mode N2 from 23:00 to 07:00"),
    ("CHG:26:046", "WTG-11 temporary power limit 2500 kW", "WTG-11", "controller", "control room (Moira Keane)",
     2820, "remove the limit", "OEM advice in CASE 2026-0108 until MWO-26-0409"),
    ("CHG:26:048", "Q1.C feeder protection: overcurrent I> 420 A -> 460 A", "Q1.C", "protection",
     "Priya Natarajan", 1560, "settings group 1", "MWO-26-0414; after the COL.C cable uprating"),
    ("CHG:26:049", "HHM-SCADA01 monthly security patches, services restarted", "HHM-SCADA01", "scada",
     "IT (Owen Pratt)", 180, "snapshot", "no turbine control impact; data gap under 2 minutes"),
]  # fmt: skip
#: ptw, asset, work, wo, holder, issued, cancelled (minutes ago; None: live; negative: planned), isolations, notes
PERMITS = [
    ("PTW/26/0415", "WTG-10", "converter IGBT module replacement", "MWO-26-0402", "Tom Hargreaves", 4910, 4695,
     "main circuit breaker Q0 open and earthed; F1.1 converter auxiliaries", "all isolations removed and signed off"),
    ("PTW/26/0416", "WTG-04", "pitch hydraulic hose replacement", "MWO-26-0398", "Callum Baird", 4550, 4325,
     "F1.4 pitch hydraulics; rotor lock", "all isolations removed and signed off"),
    ("PTW/26/0418", "Q1.C", "protection relay settings and secondary injection", "MWO-26-0414",
     "Priya Natarajan", 1630, 1495, "Q1.C open and earthed (COL.C out of service)", "all isolations removed"),
    ("PTW/26/0419", "WTG-07", "six-monthly service", "MWO-26-0413", "Ines Albrecht", 490, 352,
     "F1.4 pitch hydraulics; F2.1 yaw drives; F3.2 gearbox oil cooler fan; rotor lock",
     "cancelled: F1.4, F2.1 and the rotor lock signed off as removed; F3.2 not signed off"),
    ("PTW/26/0420", "WTG-12", "aviation light lamp 2 replacement", "MWO-26-0416", "Dafydd Rees", -18 * H + 10,
     -18 * H, "F5.1 aviation light supply", "planned"),
    ("PTW/26/0421", "WTG-03", "drone blade inspection (turbine stopped, rotor parked)", "MWO-26-0415",
     "Dafydd Rees", 125, 95, "rotor parked in Y position, yaw locked", "all isolations removed"),
    ("PTW/26/0422", "WTG-07", "gearbox over-temperature investigation", "MWO-26-0417", "Callum Baird", 25, None,
     "main circuit breaker Q0 open; rotor lock", "live"),
]  # fmt: skip
#: job, crew, turbine, kind, status, created and updated (minutes ago), notes
JOBS = [
    ("JOB#7731", "Callum Baird, Ines Albrecht", "WTG-07", "fault", "on_site", 55, 12,
     "arrived on site 33 minutes after dispatch and climbed; found the gearbox oil cooler fan MCB F3.2 OFF with "
     "the service team's isolation tag still on it (PTW/26/0419); fan restored and running, oil 71 degC and "
     "falling; per SOP-GBX-04 borescope of the HSS bearing and an oil sample before any restart"),
    ("JOB#7729", "Dafydd Rees", "WTG-03", "inspection", "completed", 130, 95,
     "drone blade inspection done, photos uploaded to the contractor, report to follow"),
    ("JOB#7727", "Ines Albrecht, Tom Hargreaves", "WTG-07", "service", "completed", 495, 345,
     "six-monthly service: oil filter replaced, gearbox oil topped up 12 L, pitch accumulators pre-charged, "
     "torque checks done; turbine handed back to the control room"),
    ("JOB#7718", "Callum Baird", "WTG-04", "fault", "completed", 4600, 4320,
     "chafed pitch hydraulic hose at blade C replaced, pressure test good"),
    ("JOB#7712", "Tom Hargreaves", "WTG-10", "fault", "completed", 5880, 4690,
     "IGBT module phase B replaced with the OEM converter specialist"),
    ("JOB#7734", "Dafydd Rees", "WTG-12", "corrective", "scheduled", 300, 300,
     "aviation light lamp 2; spare lamp in the site store"),
]  # fmt: skip
#: case, turbine, subject, status, priority, OEM engineer, opened and updated (minutes ago), OEM response
CASES = [
    ("CASE 2026-0097", "WTG-10", "Converter IGBT fault EV 4410", "closed", "high", "Marta Lindqvist", 5880, 4600,
     "module replaced under warranty, failed module returned for analysis"),
    ("CASE 2026-0108", "WTG-11", "CMS main bearing vibration trend, alert 4.5 mm/s exceeded", "awaiting_site_action",
     "medium", "Jonas Weller", 2880, 2830,
     "limit the turbine to 2500 kW until the inspection; borescope and grease sample (MWO-26-0409)"),
    ("CASE 2026-0113", "WTG-07", "EV 3130 gearbox HSS bearing over-temperature stop at 95.2 degC: restart approval",
     "open", "high", "Jonas Weller", 40, 15,
     "send borescope images of the HSS bearing and an oil sample result; no restart until approved"),
]  # fmt: skip
KB = [
    ("SOP-GBX-04", "Gearbox over-temperature (EV 3128, EV 3129, EV 3130)",
     "EV 3128 warns above 80 degC at the HSS bearing, EV 3129 derates the turbine to 2000 kW above 88 degC and "
     "EV 3130 stops it above 95 degC. Check that the gearbox oil cooler fan is running and its MCB (F3.2 on V112) "
     "is on, the oil level, and the cooler matrix for blockage. Reset EV 3130 remotely at most once and only with "
     "the oil below 65 degC. If the bearing went above 95 degC, borescope the HSS bearing and take an oil sample "
     "before a restart and get the OEM's approval through an OEM case."),
    ("SOP-LOTO-02", "Isolation and lock-out / tag-out on turbines",
     "Every isolation on a permit to work is listed with its lock and tag. At permit cancellation each isolation "
     "is removed and signed off by the holder; the control room does not accept the turbine back until every "
     "isolation is signed off. After a service check that auxiliary systems (cooling fans, heaters, pumps) are "
     "running on the SCADA auxiliary page before leaving site."),
    ("SOP-PITCH-07", "Pitch hydraulic pressure low (EV 2310)",
     "Look for leaks at the hoses and cylinders, check the accumulator pre-charge and the pump. Repeated EV 2310 "
     "stops in a week mean a hose or seal is going: replace before restarting more than three times."),
    ("TI 2025/118", "Main bearing vibration alert (CMS)",
     "When the main bearing RMS vibration exceeds 4.5 mm/s open an OEM case, limit the turbine as the OEM advises "
     "(typically 2500 kW) and borescope the bearing and sample the grease within 7 days."),
    ("HSE.7.2", "Working at height and climbing",
     "No climbing with wind above 18 m/s at hub height or during lightning warnings; two technicians at least; "
     "rescue kit in the nacelle. Aviation lights out for more than 24 hours are reported to the aviation "
     "authority."),
    ("GRID.3.1", "Grid operator instructions (BOAs)",
     "Acknowledge a bid-offer acceptance within 2 minutes, enter the setpoint on the park controller (HHM-PPC) and "
     "ramp at no more than 10 MW a minute; log the BOA number, setpoint and times."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE turbines (turbine TEXT PRIMARY KEY, model TEXT, rated_kw INTEGER, phase INTEGER, feeder TEXT,
                       commissioned INTEGER, hub_height_m INTEGER, grid_ref TEXT);
CREATE TABLE status (turbine TEXT PRIMARY KEY, state TEXT, since TEXT, active_alarm TEXT, power_kw REAL,
                     wind_ms REAL, gbx_bearing_c REAL, gen_winding_c REAL, power_limit_kw REAL);
CREATE TABLE scada (turbine TEXT, ts TEXT, ts_epoch INTEGER, state TEXT, wind_ms REAL, power_kw REAL,
                    gbx_bearing_c REAL, gen_winding_c REAL);
CREATE INDEX scada_turbine ON scada (turbine, ts_epoch);
CREATE TABLE readings (asset TEXT, quantity TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX readings_asset ON readings (asset, ts);
CREATE TABLE alarms (alarm_id INTEGER PRIMARY KEY, asset TEXT, code TEXT, text TEXT, severity TEXT, raised TEXT,
                     raised_epoch INTEGER, cleared TEXT);
CREATE TABLE alarm_codes (code TEXT PRIMARY KEY, text TEXT, category TEXT, severity TEXT, auto_reset TEXT,
                          action TEXT);
CREATE TABLE stops (stop_id INTEGER PRIMARY KEY, turbine TEXT, start_ts TEXT, end_ts TEXT, duration_min INTEGER,
                    category TEXT, code TEXT, reason TEXT, lost_mwh REAL);
CREATE TABLE cms (turbine TEXT, sensor TEXT, day TEXT, measured_at TEXT, rms_mm_s REAL, alert_mm_s REAL);
CREATE TABLE production (turbine TEXT, day TEXT, energy_mwh REAL, availability_pct REAL, avg_wind_ms REAL);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, title TEXT, asset TEXT, type TEXT, status TEXT, team TEXT,
                          start_ts TEXT, end_ts TEXT, notes TEXT);
CREATE TABLE changes (chg TEXT PRIMARY KEY, title TEXT, scope TEXT, category TEXT, implemented_by TEXT, ts TEXT,
                      ts_epoch INTEGER, rollback_plan TEXT, notes TEXT);
CREATE TABLE permits (ptw TEXT PRIMARY KEY, asset TEXT, work TEXT, wo TEXT, holder TEXT, issued TEXT,
                      issued_epoch INTEGER, cancelled TEXT, status TEXT, isolations TEXT, notes TEXT);
CREATE TABLE jobs (job TEXT PRIMARY KEY, crew TEXT, turbine TEXT, kind TEXT, status TEXT, created TEXT,
                   updated TEXT, updated_epoch INTEGER, notes TEXT);
CREATE TABLE oem_cases (case_ref TEXT PRIMARY KEY, turbine TEXT, subject TEXT, status TEXT, priority TEXT,
                        oem_engineer TEXT, opened TEXT, updated TEXT, response TEXT);
CREATE TABLE instructions (boa TEXT PRIMARY KEY, issued TEXT, start_ts TEXT, end_ts TEXT, start_epoch INTEGER,
                           setpoint_mw REAL, reason TEXT, status TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _wind(turbine: str, ago: int) -> float:
    """Wind speed at hub height (m/s), 10-minute average: a farm-wide weather pattern plus the turbine's own gusts."""
    base = 9.6 + 2.4 * math.sin(2 * math.pi * (ago + 260) / 1560) + 1.1 * math.sin(2 * math.pi * ago / 430)
    if ago < 600:  # a steady fresh westerly during the incident
        base = 11.4 + 0.6 * math.sin(2 * math.pi * ago / 170)
    return round(max(1.5, base + 1.6 * (noise(f"w{turbine}", ago // 10) - 0.5)), 1)


def _curve(wind: float, rated_kw: float, rated_ms: float) -> float:
    """The power curve: cut-in 3 m/s, cubic to rated, cut-out 25 m/s."""
    if wind < 3.0 or wind >= 25.0:
        return 0.0
    return rated_kw * min(1.0, (wind**3 - 27.0) / (rated_ms**3 - 27.0))


def _stopped(turbine: str, ago: int) -> tuple[str, str] | None:
    """(state, code) when the turbine is stopped at this minute."""
    for t, start, end, category, code, _reason in STOPS:
        if t == turbine and (end or 0) <= ago <= start:
            return ("stopped_maintenance" if category == "maintenance" else "stopped_fault", code)
    return None


def _farm(ago: int) -> dict[str, tuple[str, float, float]]:
    """Every turbine at this minute: state, wind, power (kW), after stops, limits and grid curtailment."""
    out: dict[str, tuple[str, float, float]] = {}
    for turbine, _m, rated, rated_ms, *_ in TURBINES:
        wind = _wind(turbine, ago)
        state, power = "running", _curve(wind, rated, rated_ms)
        if stop := _stopped(turbine, ago):
            state, power = stop[0], 0.0
        elif turbine in LIMITS and ago <= LIMITS[turbine][1]:
            state, power = "limited", min(power, LIMITS[turbine][0])
        elif turbine == "WTG-07" and TRIP < ago <= DERATE_AT:
            state, power = "derated", min(power, DERATE_KW)
        out[turbine] = (state, wind, power)
    for _boa, _i, start, end, setpoint, _r in BOAS:
        if end <= ago <= start:
            total = sum(p for _s, _w, p in out.values())
            factor = min(1.0, setpoint * 1000 / total) if total else 1.0
            out = {t: ("curtailed" if s == "running" else s, w, p * factor) for t, (s, w, p) in out.items()}
    return out


def _temps(turbine: str, ago: int, power: float, rated: float) -> tuple[float, float]:
    """Gearbox HSS bearing and generator winding temperatures (degC)."""
    load = power / rated
    gbx = 46.0 + 14.0 * load + 3.0 * noise(f"g{turbine}", ago // 10)
    gen = 62.0 + 40.0 * load + 4.0 * noise(f"e{turbine}", ago // 10)
    if turbine == "WTG-07":
        if ago in GBX07:
            gbx = GBX07[ago]
        elif SERVICE_END <= ago <= SERVICE_START:
            gbx = 58.0 - 0.13 * (SERVICE_START - ago)
            gen = 60.0 - 0.15 * (SERVICE_START - ago)
        if ago <= TRIP:
            gen = 45.0 + 0.5 * ago
    elif power == 0.0:
        gbx, gen = 34.0 + 4.0 * noise(f"g{turbine}", ago // 10), 30.0 + 5.0 * noise(f"e{turbine}", ago // 10)
    return round(gbx, 1), round(gen, 1)


def _scada(now: datetime) -> tuple[list[tuple[Any, ...]], dict[int, dict[str, tuple[str, float, float]]]]:
    """10-minute rows of every turbine for 7 days, and the farm at each 10-minute mark."""
    rows, farm = [], {}
    rated = {t[0]: t[2] for t in TURBINES}
    for ago in range(SCADA_DAYS * DAY - 10, -1, -10):
        farm[ago] = _farm(ago)
        t = now - timedelta(minutes=ago)
        for turbine, (state, wind, power) in farm[ago].items():
            gbx, gen = _temps(turbine, ago, power, rated[turbine])
            rows.append((turbine, iso(t), int(t.timestamp()), state, wind, round(power), gbx, gen))
    rows.sort(key=lambda r: (r[0], r[2]))
    return rows, farm


def _readings(now: datetime, farm: dict[int, dict[str, tuple[str, float, float]]]) -> list[tuple[Any, ...]]:
    """Hourly substation readings for 7 days, narrow: SGT1, GRID-132 and the three feeders."""
    feeder = {t[0]: t[5] for t in TURBINES}
    rows = []
    for h in range(READING_DAYS * 24):
        t = now - timedelta(hours=h)
        ts, ep = iso(t), int(t.timestamp())
        turbines = farm[h * 60]
        per_feeder = {f: sum(p for tb, (_s, _w, p) in turbines.items() if feeder[tb] == f) / 1000 for f in FEEDERS}
        export = sum(per_feeder.values()) * 0.985
        vals: list[tuple[str, str, float]] = []
        for f, mw in per_feeder.items():
            mw *= 0.995
            vals += [(f, "mw", round(mw, 2)), (f, "current_a", round(mw * 1000 / (math.sqrt(3) * 33 * 0.98), 0))]
        mva = export / 0.97
        oil = 24.0 + 0.42 * mva + 2.0 * noise("oil", h)
        vals += [
            ("SGT1", "load_mva", round(mva, 1)),
            ("SGT1", "top_oil_c", round(oil, 1)),
            ("SGT1", "winding_hotspot_c", round(oil + 6.0 + 0.2 * mva, 1)),
            ("SGT1", "tap_position", float(7 + int(3 * noise("tap", h // 6)))),
            ("GRID-132", "export_mw", round(export, 2)),
            ("GRID-132", "voltage_kv", round(131.4 + 2.2 * noise("kv", h), 1)),
            ("GRID-132", "reactive_mvar", round(-3.0 + 6.0 * noise("mvar", h), 1)),
        ]
        rows += [(a, q, v, ts, ep) for a, q, v in vals]
    return rows


def _status(now: datetime, farm: dict[int, dict[str, tuple[str, float, float]]]) -> list[tuple[Any, ...]]:
    """Each turbine now, from the newest 10-minute row."""
    rows = []
    for turbine, _m, rated, *_ in TURBINES:
        state, wind, power = farm[0][turbine]
        gbx, gen = _temps(turbine, 0, power, rated)
        since, alarm, limit = 30 * DAY, None, float(rated)
        ended = [s[2] for s in STOPS if s[0] == turbine and s[2] is not None]
        if ended:
            since = min(ended)
        if turbine == "WTG-07":
            state, since, alarm = "stopped_fault", TRIP, "EV 3130"
        elif turbine in LIMITS:
            state, since, alarm, limit = "derated", LIMITS[turbine][1], "EV 8112", LIMITS[turbine][0]
        elif turbine == "WTG-12":
            alarm = "EV 5210"
        rows.append((turbine, state, iso(now - timedelta(minutes=since)), alarm, round(power), wind, gbx, gen, limit))
    return rows


def _stops(now: datetime) -> list[tuple[Any, ...]]:
    """Stops with their duration and the energy lost (what the power curve would have made)."""
    rows = []
    for i, (turbine, start, end, category, code, reason) in enumerate(sorted(STOPS, key=lambda s: -s[1])):
        spec = next(t for t in TURBINES if t[0] == turbine)
        lost = sum(_curve(_wind(turbine, a), spec[2], spec[3]) for a in range(end or 0, start, 10)) / 6000
        duration = None if end is None else start - end
        rows.append((71040 + i, turbine, iso(now - timedelta(minutes=start)),
                     None if end is None else iso(now - timedelta(minutes=end)), duration, category, code, reason,
                     None if end is None else round(lost, 1)))  # fmt: skip
    return rows


def _cms(now: datetime) -> list[tuple[Any, ...]]:
    """Daily condition-monitoring vibration per turbine and sensor for 30 days (measured at T-30m - k days)."""
    rows = []
    for turbine, *_ in TURBINES:
        short = "T" + turbine[-2:]
        for k in range(CMS_DAYS):
            t = now - timedelta(days=k, minutes=30)
            for sensor, base, spread, alert in (("MB", 1.3, 0.5, 4.5), ("GBX-HSS", 2.1, 0.8, 7.1),
                                                ("GEN-DE", 1.0, 0.5, 5.0)):  # fmt: skip
                value = base + spread * noise(f"c{turbine}{sensor}", k)
                if turbine == "WTG-11" and sensor == "MB":
                    value = MB11_LATEST.get(k, 2.1 + 2.45 * ((29 - k) / 27) ** 1.8 + 0.06 * (noise("mb11", k) - 0.5))
                    value = min(value, 4.49) if k > 2 else value
                rows.append((turbine, f"{short}/{sensor}", f"{t:%Y-%m-%d}", iso(t), round(value, 2), alert))
    return rows


def _production(now: datetime) -> list[tuple[Any, ...]]:
    """Energy per turbine and UTC day for the 14 days before today (the power curve integrated per 10 minutes)."""
    rows = []
    for k in range(1, PRODUCTION_DAYS + 1):
        day = (now - timedelta(days=k)).replace(hour=0, minute=0)
        agos = [int((now - (day + timedelta(minutes=10 * i))).total_seconds() // 60) for i in range(144)]
        farms = [_farm(a) for a in agos]
        for turbine, *_ in TURBINES:
            power = [f[turbine][2] for f in farms]
            down = sum(1 for f in farms if f[turbine][0].startswith("stopped"))
            wind = sum(f[turbine][1] for f in farms) / 144
            rows.append((turbine, f"{day:%Y-%m-%d}", round(sum(power) / 6000, 1), round(100 * (1 - down / 144), 1),
                         round(wind, 1)))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO turbines VALUES (?,?,?,?,?,?,?,?)", [(*t[:3], *t[4:]) for t in TURBINES])
    scada, farm = _scada(now)
    db.executemany("INSERT INTO scada VALUES (?,?,?,?,?,?,?,?)", scada)
    db.executemany("INSERT INTO status VALUES (?,?,?,?,?,?,?,?,?)", _status(now, farm))
    db.executemany("INSERT INTO readings VALUES (?,?,?,?,?)", _readings(now, farm))
    alarms = sorted(ALARMS, key=lambda a: -a[3])
    db.executemany("INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?)",
                   [(880410 + i, a[0], a[1], a[5], a[2], ago(a[3]), clock.epoch(a[3]), ago(a[4]))
                    for i, a in enumerate(alarms)])  # fmt: skip
    db.executemany("INSERT INTO alarm_codes VALUES (?,?,?,?,?,?)", ALARM_CODES)
    db.executemany("INSERT INTO stops VALUES (?,?,?,?,?,?,?,?,?)", _stops(now))
    db.executemany("INSERT INTO cms VALUES (?,?,?,?,?,?)", _cms(now))
    db.executemany("INSERT INTO production VALUES (?,?,?,?,?)", _production(now))
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*w[:6], ago(w[6]), ago(w[7]), w[8]) for w in WORK_ORDERS])  # fmt: skip
    db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*c[:5], ago(c[5]), clock.epoch(c[5]), *c[6:]) for c in CHANGES])  # fmt: skip
    permits = []
    for ptw, asset, work, wo, holder, issued, cancelled, isolations, notes in PERMITS:
        status = "planned" if issued < 0 else "live" if cancelled is None else "cancelled"
        permits.append((ptw, asset, work, wo, holder, ago(issued), clock.epoch(issued),
                        None if status != "cancelled" else ago(cancelled), status, isolations, notes))  # fmt: skip
    db.executemany("INSERT INTO permits VALUES (?,?,?,?,?,?,?,?,?,?,?)", permits)
    db.executemany("INSERT INTO jobs VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*j[:5], ago(j[5]), ago(j[6]), clock.epoch(j[6]), j[7]) for j in JOBS])  # fmt: skip
    db.executemany("INSERT INTO oem_cases VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*c[:6], ago(c[6]), ago(c[7]), c[8]) for c in CASES])  # fmt: skip
    db.executemany(
        "INSERT INTO instructions VALUES (?,?,?,?,?,?,?,?)",
        [(b, ago(i), ago(s), ago(e), clock.epoch(s), sp, r, "completed") for b, i, s, e, sp, r in BOAS],
    )
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Wind farm operations store (Harthill Moor Wind): turbines, SCADA, CMS, alarms, stops, maintenance"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
