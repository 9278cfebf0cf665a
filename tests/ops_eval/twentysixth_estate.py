"""A twenty-sixth estate, held out from the planner's tuning: the sortation hubs and linehaul network of a national
parcel carrier (Pellmoor Parcels: five hubs, the Daventry National Hub (DAV) with the network control centre (NCC),
and four regional hubs, Wakefield (WKF), Avonmouth (AVM), Thurrock (THU) and Eurocentral (EUR), seven sorters, seven
Lumacode scan tunnels, a linehaul fleet of tractors and trailers, four of them reefers): sorter status and health
checks, scan tunnel read rates, parcel volumes and exceptions (missorts, no-reads, damaged, oversize), the conveyor
fault log, linehaul trunk runs (departures, arrivals, delays), reefer temperatures, work orders, change requests,
supplier tickets (Brennhardt, the sorter maker; Lumacode, the scanner maker; Trakline, the telematics supplier),
supplier contacts, the on-call rota, the hub shift managers, the NCC log and SOPs.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
hubs are three-letter place codes (``DAV`` for Daventry, ``EUR`` for Eurocentral); sorters are codes with digits
(``XB-01``, ``AVM-S1``, ``EC-SS2``) or words (``Merlin``, ``Heron``, ``Thames``); tunnels ``DAV-T1``, ``MRL-ARCH``,
``HERON-TUN``; induction lines ``XB-01/IND-3``; conveyors ``WKF-C07``; trunk runs ``L410`` (an L and three digits);
tractors ``T4409`` with UK registrations (``PN19 XRT``); trailers plain numbers (``41873``), double decks
``DD-2209`` and reefers ``RF-6203``; change requests ``CHG-4471``; work orders ``WO-118930``; NCC log entries
``NCC-26-3314``; supplier tickets ``BRH-40771``, ``LUM/26/1187`` (slashes), ``TRK 558210`` (a space); SOPs
``SOP-HUB-07``, ``SOP-LH-03``, ``ENG-WI-21``, ``ESC-02``, ``OEM LX-6 7.2``; Lumacode speed profiles ``STD-22`` and
``HS-26``; the WMS is ``ParcelFlow 9.13``; people are named in full (``Owen Hartley``). Windows come as
``lookback_minutes``, RFC 3339 timestamps (``since`` / ``until``), epoch seconds (``from_ts`` / ``to_ts``), ISO dates
(``from_date`` / ``to_date``), hour offsets from now (``from_offset_h`` / ``to_offset_h``), a duration string
(``period``), ``minutes``, ``hours`` and ``days``. :mod:`tests.ops_eval.twentysixth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; tunnel and exception buckets are 15 minutes, bucket k
from T-15(k+1)m to T-15km; hub volumes are hours aligned the same way; reefer readings every 10 minutes with the newest
at now; sorter health checks at T-30m, T-1d-30m, ...; on-call weeks run from Monday 06:00 UTC and hub shifts are
06:00-18:00 and 18:00-06:00 UTC, with the story's people on the week and the shift running now whatever the
hour, so the NCC log's entries of the last few hours may predate a boundary):

- over 90 days: the drive chain of Heron, Wakefield's 2009 tilt-tray sorter, stretches from about 1.0% to 2.80% now
  (1.22 59 days ago, 1.67 30 days ago; at or above the 2.5% warning since the check 5 days ago: E-5120; Brennhardt
  BRH-40771, Uwe Brandt; chain replacement WO-118842 in 9 days); every other sorter stays between 0.4 and 1.2%
  (AVM-S1 0.95-1.00): a slow trend;
- this week: Wakefield's spiral conveyor WKF-C07 jams 14 times (PE-204, a loose photo-eye bracket: WO-118901, the
  most of any asset); Thurrock's sort plan SP-48 (CHG-4465) maps chutes 41-48 wrong for two hours 3 days ago and
  Thames missorts about 500 parcels until CHG-4466 fixes it (THU: the most missorts of the week); AVM-S1 has a
  supply dip 4 days ago (fixed); the tractor T4409 breaks down on the M1 with L305 (Wakefield to Daventry) 5 hours
  ago (L305 arrives 115 minutes late behind a replacement tractor); the reefer RF-6210's Trakline unit stops
  reporting at T-1210m (TRK 558210: a failed modem, a new unit tomorrow at Avonmouth); EC-SS2 at Eurocentral is
  stopped for a planned belt change (WO-118930, T-90m .. T+60m);
- T-175m .. T-168m CHG-4471 (Jonas Keller of Brennhardt, remotely; requested by Gareth Pryce, Daventry's engineering
  manager) raises XB-01's line speed from 2.2 to 2.5 m/s (SortMaster profile P4 "PEAK", to take it from 12,000 to
  about 13,500 parcels/h for peak); XB-01's scan tunnel DAV-T1 runs Lumacode profile STD-22, rated for 2.2 m/s, so
  from the bucket starting T-165m (the onset) its read rate falls from 99.2-99.6% to 96.8, 95.4, 94.6, 94.1, 93.8,
  93.6 (the lowest, T-90m .. T-75m), 94.0, 94.5, 94.3, 94.9, 95.2% (newest): 107-215 no-reads every 15 minutes
  instead of 15-25, every one to manual rework; DAV-T2 (XB-02, still 2.2 m/s) stays at 99.1-99.6%; T-150m the shift
  manager Priya Raman logs the no-read chute filling, T-145m Owen Hartley (controls on call) opens WO-118936 and
  T-138m finds the lenses clean, lights and cameras fine, the no-reads on small glossy labels at full speed and the
  profile rated for 2.2 m/s; T-121m he raises LUM/26/1187 (Lumacode, Mira Svensson: no fault; put XB-01 back to 2.2
  m/s or load profile HS-26 with a 40-minute stop); T-62m emergency CHG-4475 (XB-01 back to 2.2 m/s) approved by the
  duty director Helen Marsh, planned T+20m;
- the backlog holds Daventry's trunks: L408 (to Thurrock) leaves 22 minutes late, L409 (Avonmouth) 31, L410
  (Eurocentral) 42, L411 (Wakefield) and L412 (Thurrock) are still loading; L410's reefer RF-6203 stood on bay 31 with
  its doors open from T-120m to T-42m: its box temperature rose from 4.9 to 9.8 C (above the 8 C limit from T-70m)
  and is 8.3 C now, coming down (SOP-LH-03; the pharma desk told); the next trunk to Eurocentral is L414 at T+95m
  (trailer DD-2209);
- red herrings: CHG-4468 (the WMS, ParcelFlow 9.12 -> 9.13 at every hub, T-370m), CHG-4473 (Trakline driver app 3.1
  on the linehaul tablets, T-200m, just before the onset), CHG-4472 (AVM-T1's Lumacode firmware 4.8.0 -> 4.8.2,
  T-26h, another hub); L305's breakdown; Heron, WKF-C07, Thames and EC-SS2 this week.

On call this week: controls Owen Hartley (secondary Bea Okafor), Daventry engineering Liam Stokes, north Fiona
McAllister, south Tom Ashdown, traffic office Jade Kerrigan, duty director Helen Marsh. Shift managers on now: DAV
Priya Raman (next Martin Crowe), WKF Steve Holroyd, AVM Nia Powell, THU Kemi Adebayo, EUR Alasdair Baird. Brennhardt's
service desk is +44 1632 960140, its escalation contact Anke Vogt.

No API reports costs, SLA penalties, rates or budgets, volume forecasts, staffing or agency labour, customer
complaints or claims, parcel-level tracking, fuel, driver hours or tachographs, or weather; there is no Belfast hub,
no DAV-T3 and no LUM/26/9999; tunnel and exception buckets are kept 7 days (the read-rate API reaches back 48 hours,
exceptions 168 hours), reefer readings 48 hours, health checks 90 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.twentysixth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "pellmoor_hubs"
DAY = 1440
BUCKETS, REEFER_HOURS, CHECK_DAYS = 7 * 96, 48, 90
#: CHG-4471 on XB-01 (the sorter stopped in between), minutes ago
SPEED_START, SPEED_DONE = 175, 168
#: DAV-T1's read rate (%) after the speed change, per bucket k (k = 10 starts T-165m)
T1_LOW = {10: 96.8, 9: 95.4, 8: 94.6, 7: 94.1, 6: 93.8, 5: 93.6, 4: 94.0, 3: 94.5, 2: 94.3, 1: 94.9, 0: 95.2}
#: EC-SS2's planned belt change: stopped (minutes ago), back (minutes ahead)
EC_STOP, EC_BACK = 90, 60
#: Thurrock's bad sort plan: CHG-4465 in, CHG-4466 fixes it (minutes ago)
SP48_IN, SP48_FIX = 4470, 4330
RF6210_LAST = 1210
#: RF-6203's box temperature (C) while its doors stood open on bay 31 and after it left (minutes ago -> C)
RF6203 = {120: 4.9, 110: 5.5, 100: 6.1, 90: 6.8, 80: 7.4, 70: 8.1, 60: 8.7, 50: 9.3, 40: 9.8, 30: 9.4, 20: 9.0,
          10: 8.6, 0: 8.3}  # fmt: skip
DOORS_OPEN = (120, 42)

#: code, name, role, location, sorters, general manager
HUBS = [
    ("AVM", "Avonmouth", "regional hub (south west, Wales)", "Avonmouth, Bristol, M5 J18", "AVM-S1", "Rhian Jeffries"),
    ("DAV", "Daventry National Hub", "national hub; the network control centre (NCC)", "DIRFT, Daventry, M1 J18",
     "XB-01, XB-02, Merlin", "Gareth Pryce (engineering), Sue Langley (general manager)"),
    ("EUR", "Eurocentral", "regional hub (Scotland)", "Eurocentral, Motherwell, M8 J6", "EC-SS2", "Iain Cowie"),
    ("THU", "Thurrock", "regional hub (London, south east)", "West Thurrock, Essex, M25 J31", "Thames",
     "Lorraine Tate"),
    ("WKF", "Wakefield", "regional hub (north east, Yorkshire)", "Wakefield Europort, M62 J31", "Heron",
     "Paul Brearley"),
]  # fmt: skip
#: sorter, hub, type, model, induction lines, chutes, design rate (parcels/h), installed, controls
SORTERS = [
    ("XB-01", "DAV", "cross-belt loop", "Brennhardt CB-900", 8, 312, 12000, 2019, "SortMaster 6.2.1"),
    ("XB-02", "DAV", "cross-belt loop", "Brennhardt CB-900", 8, 296, 12000, 2021, "SortMaster 6.2.1"),
    ("Merlin", "DAV", "bomb-bay (small parcels, polybags)", "Brennhardt BB-260", 4, 180, 9000, 2022,
     "SortMaster 6.2.1"),
    ("Heron", "WKF", "tilt-tray", "Brennhardt TT-40", 6, 220, 8000, 2009, "SortMaster 5.9.4"),
    ("AVM-S1", "AVM", "sliding shoe", "Brennhardt SL-12", 1, 64, 7000, 2016, "SortMaster 6.2.1"),
    ("Thames", "THU", "cross-belt loop", "Brennhardt CB-600", 6, 240, 9000, 2018, "SortMaster 6.2.1"),
    ("EC-SS2", "EUR", "sliding shoe", "Brennhardt SL-12", 1, 48, 6000, 2020, "SortMaster 6.2.1"),
]  # fmt: skip
#: tunnel, hub, sorter, model, firmware, profile, installed
TUNNELS = [
    ("DAV-T1", "DAV", "XB-01", "Lumacode LX-6 (six-sided)", "4.8.0", "STD-22 (up to 2.2 m/s)", 2019),
    ("DAV-T2", "DAV", "XB-02", "Lumacode LX-6 (six-sided)", "4.8.0", "STD-22 (up to 2.2 m/s)", 2021),
    ("MRL-ARCH", "DAV", "Merlin", "Lumacode LA-2 (top and side arch)", "3.2.1", "STD (up to 2.0 m/s)", 2022),
    ("HERON-TUN", "WKF", "Heron", "Lumacode LX-5 (five-sided)", "4.7.5", "STD-22 (up to 2.2 m/s)", 2014),
    ("AVM-T1", "AVM", "AVM-S1", "Lumacode LX-5 (five-sided)", "4.8.2", "STD-22 (up to 2.2 m/s)", 2016),
    ("THU-T1", "THU", "Thames", "Lumacode LX-6 (six-sided)", "4.7.5", "STD-22 (up to 2.2 m/s)", 2018),
    ("EC-T1", "EUR", "EC-SS2", "Lumacode LX-5 (five-sided)", "4.8.0", "STD-22 (up to 2.2 m/s)", 2020),
]  # fmt: skip
TUNNEL_HUB = {t[0]: t[1] for t in TUNNELS}
#: tunnel -> (read % low, spread, parcels per 15 minutes low, spread)
TUNNEL_BASE = {"DAV-T1": (99.2, 0.4, 2900, 200), "DAV-T2": (99.1, 0.5, 2850, 200), "MRL-ARCH": (98.9, 0.5, 2100, 200),
               "HERON-TUN": (98.9, 0.6, 1850, 150), "AVM-T1": (99.2, 0.5, 1600, 150), "THU-T1": (99.0, 0.5, 2100, 150),
               "EC-T1": (99.1, 0.5, 1350, 100)}  # fmt: skip
#: sorter -> (chain elongation % low, spread); Heron stretches
CHAIN_BASE = {"XB-01": (0.55, 0.05), "XB-02": (0.40, 0.05), "Merlin": (0.60, 0.05), "AVM-S1": (0.95, 0.05),
              "Thames": (0.80, 0.05), "EC-SS2": (1.10, 0.08)}  # fmt: skip

#: fault code -> description
FAULT_TEXT = {
    "PE-204": "photo-eye blocked: jam at the spiral outfeed",
    "JAM-110": "merge conveyor jam",
    "E-2011": "induction line jam",
    "E-4107": "no-read rate high (tunnel above 3% no-reads for 15 minutes)",
    "D-112": "bomb-bay door sensor fault",
    "PWR-01": "supply dip: sorter stopped and restarted",
    "E-3302": "chute full",
    "E-5120": "chain elongation warning (daily health check)",
    "MOL-03": "motor overload",
}
#: hub, asset, code, minutes ago, seconds (None: still active)
FAULTS = [
    *[("WKF", "WKF-C07", "PE-204", m, 180 + int(300 * noise("c07", m)))
      for m in [55, 410, 980, 1330, 1905, 2480, 2890, 3560, 4210, 4950, 5600, 6300, 7020, 8100]],
    *[("DAV", "DAV-C114", "JAM-110", m, 240) for m in [2200, 5100, 7900]],
    *[("DAV", "XB-01/IND-3", "E-2011", m, 95) for m in [3300, 6500]],
    ("DAV", "XB-01", "E-4107", 150, None),
    *[("DAV", "Merlin", "D-112", m, 420) for m in [1500, 3900, 6000, 8400]],
    ("AVM", "AVM-S1", "PWR-01", 5800, 1320),
    *[("AVM", "AVM-C03", "MOL-03", m, 600) for m in [2600, 7300]],
    *[("THU", "Thames", "E-3302", m, 300) for m in [4440, 4415, 4390, 4370, 4345]],
    *[("THU", "THU-C11", "JAM-110", m, 200) for m in [1200, 6900]],
    ("WKF", "Heron", "E-5120", 5 * DAY + 30, None),
    ("EUR", "EUR-C02", "MOL-03", 3100, 780),
]  # fmt: skip

#: tractor -> registration (UK plates)
TRACTORS = {"T4402": "PX69 OWB", "T4405": "PX69 OWJ", "T4406": "PX69 OWK", "T4409": "PN19 XRT", "T4412": "PX70 DKE",
            "T4414": "YK70 HFA", "T4417": "PX70 DLU", "T4418": "SN70 KTE", "T4421": "PX71 KHD", "T4423": "WU71 GRZ",
            "T4425": "PX71 KHF", "T4426": "EY71 BDO", "T4428": "SN21 BVC", "T4431": "YK71 PLO", "T4433": "WU21 XEA",
            "T4436": "WU20 HTA", "T4438": "EY21 NMA", "T4440": "EY21 NMC", "T4443": "PX72 AAJ", "T4445": "SN72 LUV",
            "T4447": "PX72 AAU", "T4450": "YK72 JJE", "T4452": "PX73 CFD", "T4454": "WU73 VMO", "T4457": "PX73 CFK",
            "T4459": "PX73 CFN"}  # fmt: skip
TRAILER_KIND = {"DD": "double_deck", "BX": "box", "RF": "reefer"}
#: unit -> (status, note) where there is something to say
FLEET_NOTES = {
    "T4409": ("vor", "coolant leak, broke down on the M1 at J40 with L305; at Hallam Truck Services (WO-118925)"),
    "T4431": ("in_service", "took L305 on after T4409 broke down"),
    "RF-6201": ("in_service", "setpoint 5 C, limits 2-8 C (pharma)"),
    "RF-6203": ("in_service", "setpoint 5 C, limits 2-8 C (pharma)"),
    "RF-6207": ("in_service", "setpoint 3 C, limits 0-5 C (chilled food)"),
    "RF-6210": ("in_service", "setpoint 5 C, limits 2-8 C (pharma); no telematics data since its unit went offline "
                "(TRK 558210); held at Avonmouth"),
}  # fmt: skip
#: drive time (minutes) between hubs
DRIVE = {("DAV", "WKF"): 150, ("DAV", "EUR"): 360, ("DAV", "AVM"): 135, ("DAV", "THU"): 110, ("WKF", "EUR"): 240,
         ("AVM", "THU"): 180}  # fmt: skip
_LATE_SORT = "late sort: XB-01 no-read backlog at DAV"
#: run, origin, destination, scheduled departure, actual departure, expected departure (minutes ago; negative: ahead;
#: None: not yet), arrival delay beyond the departure delay (min), tractor, trailer, reason
RUNS = [
    ("L401", "DAV", "THU", 600, 598, None, 0, "T4412", "41873", ""),
    ("L402", "DAV", "AVM", 540, 537, None, 0, "T4417", "41880", ""),
    ("L403", "DAV", "WKF", 480, 479, None, 0, "T4421", "DD-2214", ""),
    ("L404", "DAV", "EUR", 420, 416, None, 0, "T4425", "DD-2231", ""),
    ("L405", "DAV", "THU", 300, 297, None, 0, "T4443", "41884", ""),
    ("L406", "DAV", "AVM", 240, 236, None, 0, "T4447", "41890", ""),
    ("L407", "DAV", "WKF", 200, 198, None, 0, "T4402", "DD-2218", ""),
    ("L408", "DAV", "THU", 140, 118, None, 0, "T4405", "41915", _LATE_SORT),
    ("L409", "DAV", "AVM", 110, 79, None, 0, "T4406", "BX-1170", _LATE_SORT),
    ("L410", "DAV", "EUR", 80, 38, None, 0, "T4428", "RF-6203",
     _LATE_SORT + "; RF-6203 stood on bay 31 with its doors open while it waited"),
    ("L411", "DAV", "WKF", 50, None, -15, 0, "T4431", "41902", _LATE_SORT + "; held for the Wakefield cut-off"),
    ("L412", "DAV", "THU", 20, None, -25, 0, "T4440", "DD-2217", _LATE_SORT),
    ("L413", "DAV", "AVM", -40, None, -70, 0, "T4436", "41896", "expected late: XB-01 no-read backlog"),
    ("L414", "DAV", "EUR", -95, None, -95, 0, "T4452", "DD-2209", ""),
    ("L415", "DAV", "WKF", -150, None, -150, 0, "T4457", "DD-2222", ""),
    ("L416", "DAV", "THU", -200, None, -200, 0, "T4459", "41899", ""),
    ("L301", "WKF", "DAV", 500, 497, None, 0, "T4414", "41905", ""),
    ("L302", "EUR", "DAV", 700, 695, None, 0, "T4418", "DD-2226", ""),
    ("L303", "AVM", "DAV", 380, 378, None, 0, "T4423", "BX-1174", ""),
    ("L304", "THU", "DAV", 260, 256, None, 0, "T4426", "41911", ""),
    ("L305", "WKF", "DAV", 360, 361, None, 116, "T4431", "DD-2212",
     "vehicle breakdown: T4409 coolant leak on the M1 at J40; replacement tractor T4431 from WKF"),
    ("L306", "AVM", "DAV", 150, 148, None, 0, "T4433", "RF-6201", ""),
    ("L307", "THU", "DAV", 90, 88, None, 0, "T4438", "41918", ""),
    ("L308", "EUR", "DAV", 240, 236, None, 0, "T4445", "DD-2235", ""),
    ("L501", "WKF", "EUR", 300, 296, None, 0, "T4450", "41907", ""),
    ("L502", "AVM", "THU", 330, 327, None, 0, "T4454", "RF-6207", ""),
    ("L503", "THU", "AVM", -60, None, -60, 0, "T4454", "RF-6207", ""),
]  # fmt: skip

#: wo, asset, hub, type, status, assigned to, created, planned start, planned end, completed (minutes ago;
#: negative: ahead; None: not set), title, notes
WORK_ORDERS = [
    ("WO-118790", "Merlin", "DAV", "corrective", "completed", "Dan Whitlock", 10 * DAY, 9 * DAY, 9 * DAY - 240,
     9 * DAY - 230, "Merlin bomb-bay door sensors D-101 .. D-140 replaced (CHG-4459)", "intermittent D-112 since"),
    ("WO-118842", "Heron", "WKF", "planned", "scheduled", "Brennhardt installation crew with Fiona McAllister",
     5 * DAY - 60, -9 * DAY, -9 * DAY - 1200, None, "Heron drive chain replacement",
     "chain at 2.5% elongation and rising (E-5120, BRH-40771); two night shifts, Heron stopped, Wakefield's volume "
     "to Daventry"),
    ("WO-118860", "AVM-S1", "AVM", "corrective", "completed", "Tom Ashdown", 5800, None, None, 5760,
     "AVM-S1 stopped on a supply dip (PWR-01)", "grid dip; the sorter restarted, no damage; UPS check booked"),
    ("WO-118871", "Thames", "THU", "corrective", "completed", "Sunil Varma", 4400, None, None, 4320,
     "Thames missorts to chutes 41-48", "sort plan SP-48 (CHG-4465) mapped chutes 41-48 to the wrong postcodes; "
     "fixed by CHG-4466; chutes re-swept"),
    ("WO-118901", "WKF-C07", "WKF", "corrective", "awaiting_parts", "Fiona McAllister with Calder Conveyor Services",
     4 * DAY, None, None, None, "WKF-C07 spiral outfeed jams (PE-204)",
     "the photo-eye bracket is loose and the eye drifts out of line with the vibration; new bracket on order from "
     "Calder, due in 2 days; re-aligned each time meanwhile"),
    ("WO-118925", "T4409", "WKF", "corrective", "in_progress", "Hallam Truck Services", 290, None, None, None,
     "T4409 coolant leak (broke down on the M1 with L305)", "recovered to Hallam; water pump suspected"),
    ("WO-118930", "EC-SS2", "EUR", "planned", "in_progress", "Craig Robson", 6 * DAY, EC_STOP, -EC_BACK, None,
     "EC-SS2 main belt replacement", "planned stop; Eurocentral's parcels handled on the manual sort; back at the "
     "end of the window"),
    ("WO-118936", "DAV-T1", "DAV", "corrective", "in_progress", "Owen Hartley (controls on call)", 145, None, None,
     None, "DAV-T1 no-reads high on XB-01 (E-4107)",
     "lenses cleaned, lights and all six cameras healthy; the no-reads are small and glossy labels at full line "
     "speed; DAV-T1 runs profile STD-22 (rated 2.2 m/s) and XB-01 has run 2.5 m/s since CHG-4471; Lumacode ticket "
     "LUM/26/1187"),
    ("WO-118938", "RF-6210", "AVM", "corrective", "scheduled", "Trakline field engineer", 1150, -DAY, -DAY - 60,
     None, "RF-6210 telematics unit replacement", "TRK 558210; the trailer stays at Avonmouth until then"),
]  # fmt: skip
#: chg, title, systems, category, state, requested by, implemented by, approver, raised, planned start,
#: implemented (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("CHG-4459", "Merlin bomb-bay door sensors D-101 .. D-140 replacement", "Merlin", "sorter_controls",
     "implemented", "Gareth Pryce", "Dan Whitlock", "CAB", 14 * DAY, 9 * DAY, 9 * DAY, "WO-118790"),
    ("CHG-4465", "Thurrock sort plan SP-48 (new postcode split for chutes 41-48)", "Thames, ParcelFlow", "wms",
     "implemented", "Lorraine Tate", "Network planning (Abi Rowe)", "CAB", 6 * DAY, SP48_IN, SP48_IN,
     "wrong chute mapping found 2 hours later; corrected by CHG-4466"),
    ("CHG-4466", "Emergency: Thurrock sort plan SP-48 chute mapping fix", "Thames, ParcelFlow", "wms",
     "implemented", "Sunil Varma", "Network planning (Abi Rowe)", "Kate Morrow (duty director)", SP48_FIX + 25,
     SP48_FIX, SP48_FIX, "WO-118871"),
    ("CHG-4468", "ParcelFlow WMS 9.12 -> 9.13 at every hub", "ParcelFlow (all hubs)", "wms", "implemented",
     "Pellmoor IT (Simon Achebe)", "Pellmoor IT (Simon Achebe)", "CAB", 8 * DAY, 370, 370,
     "label reprint screen and manifest export; no change to sort plans or the sorter interface"),
    ("CHG-4472", "AVM-T1 Lumacode firmware 4.8.0 -> 4.8.2", "AVM-T1", "scanners", "implemented", "Tom Ashdown",
     "Lumacode (remote)", "CAB", 5 * DAY, 1560, 1560, "LUM/26/1160; read rate unchanged after"),
    ("CHG-4473", "Trakline driver app 3.1 on the linehaul tablets", "linehaul tablets", "telematics", "implemented",
     "Jade Kerrigan", "Trakline (over the air)", "CAB", 4 * DAY, 200, 200, "new defect check screen for drivers"),
    ("CHG-4471", "XB-01 line speed 2.2 -> 2.5 m/s (SortMaster profile P4 PEAK)", "XB-01", "sorter_controls",
     "implemented", "Gareth Pryce (DAV engineering manager)", "Jonas Keller (Brennhardt, remote service)", "CAB",
     5 * DAY, SPEED_START, SPEED_DONE,
     "to lift XB-01 from 12,000 to about 13,500 parcels/h for peak; XB-01 stopped 7 minutes; Brennhardt BRH-40802; "
     "backout: reload profile P3 (2.2 m/s)"),
    ("CHG-4475", "Emergency: XB-01 line speed back to 2.2 m/s (SortMaster profile P3)", "XB-01",
     "sorter_controls", "approved", "Owen Hartley", None, "Helen Marsh (duty director)", 62, -20, None,
     "LUM/26/1187: DAV-T1's profile STD-22 is rated for 2.2 m/s; at the next wave break; profile HS-26 on DAV-T1 "
     "to be planned as a normal change before XB-01 goes back to 2.5"),
]  # fmt: skip
#: ref, supplier, asset, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
VENDOR_TICKETS = [
    ("BRH-40771", "Brennhardt", "Heron", "TT-40 drive chain elongation at 2.5% (E-5120)", "open", "P3",
     "Uwe Brandt (Brennhardt field service)", "Fiona McAllister", 5 * DAY - 20, 3 * DAY,
     "normal wear for a chain of this age; replace before 3.0%; replacement chain TT-40-CH-0912 shipped, our crew "
     "fits it with you on WO-118842; if it reaches 3.0% first, run Heron at 1.8 m/s until then"),
    ("BRH-40802", "Brennhardt", "XB-01", "CHG-4471: line speed profile P4 (2.5 m/s)", "resolved", "P4",
     "Jonas Keller (Brennhardt remote service)", "Gareth Pryce", 5 * DAY, 165,
     "profile P4 loaded remotely; sorter checks passed (carrier timing, discharge accuracy 99.97%); please make "
     "sure third-party devices on the loop (scanners, dimensioners) are rated for 2.5 m/s"),
    ("LUM/26/1160", "Lumacode", "AVM-T1", "firmware 4.8.2 (CHG-4472)", "resolved", "P4", "Mira Svensson",
     "Tom Ashdown", 5 * DAY, 1550, "firmware 4.8.2 loaded, read rate checked over the next hour: unchanged"),
    ("LUM/26/1187", "Lumacode", "DAV-T1", "No-reads 5-6% on DAV-T1 (XB-01) since XB-01's speed change (CHG-4471)",
     "in_progress", "P1", "Mira Svensson (Lumacode support)", "Owen Hartley", 121, 92,
     "no fault on the tunnel: DAV-T1 runs speed profile STD-22, rated up to 2.2 m/s; at 2.5 m/s the line-scan "
     "cameras' exposure and encoder scaling no longer match and small or glossy labels blur, so 5-6% no-reads is "
     "what we would expect. Either put XB-01 back to 2.2 m/s or load profile HS-26 (rated to 2.6 m/s; firmware "
     "4.8.0 is fine), which needs a 40-minute tunnel stop for recalibration; we can load HS-26 remotely tomorrow "
     "night"),
    ("TRK 558210", "Trakline", "RF-6210 (unit TL-88214)", "No data from RF-6210's telematics unit", "open", "P2",
     "Hollie Grant (Trakline support)", "Marcus Bell", 1150, 600,
     "the unit's modem has failed (no network registration since it went offline); a replacement unit will be "
     "fitted at Avonmouth tomorrow (WO-118938); until then read the reefer's own display and download its data "
     "logger before each run"),
]  # fmt: skip
#: supplier, covers, support line, hours, escalation, contract
SUPPLIERS = [
    ("Brennhardt Intralogistik", "sorters (CB-900, CB-600, BB-260, TT-40, SL-12) and SortMaster controls",
     "+44 1632 960140 (service desk)", "24/7", "Anke Vogt, key account manager, +49 30 5550 1842",
     "BRH-SVC-2021-09"),
    ("Calder Conveyor Services", "infeed and outfeed conveyors, spirals", "+44 1924 555 0117", "24/7 call-out",
     "Dave Priestley, contracts manager", "CCS-2022-4"),
    ("Hallam Truck Services", "tractor servicing and repairs (north)", "+44 114 555 0188", "06:00-22:00",
     "workshop manager", "HTS-2023-11"),
    ("Lumacode", "scan tunnels (LX-5, LX-6) and arches (LA-2)", "+44 1632 960455",
     "24/7 for P1, otherwise 07:00-19:00", "Pete Lanyon, service delivery manager, +44 7700 900455", "LMC-MS-118"),
    ("Motorway Recovery Group", "breakdown recovery of tractors and trailers", "0800 555 0160", "24/7",
     "control room", "MRG-22-7781"),
    ("Trakline", "tractor and trailer telematics, reefer monitoring, the driver app", "0330 555 0190",
     "07:00-23:00", "Hollie Grant, support team lead", "TRK-FLEET-2024"),
]  # fmt: skip
#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "controls": [("primary", ["Ravi Menon", "Owen Hartley", "Kirsty Doyle", "Ravi Menon"]),
                 ("secondary", ["Owen Hartley", "Bea Okafor", "Ravi Menon", "Kirsty Doyle"])],
    "dav_engineering": [("primary", ["Dan Whitlock", "Liam Stokes", "Dan Whitlock", "Liam Stokes"])],
    "north_engineering": [("primary", ["Craig Robson", "Fiona McAllister", "Craig Robson", "Fiona McAllister"])],
    "south_engineering": [("primary", ["Sunil Varma", "Tom Ashdown", "Sunil Varma", "Tom Ashdown"])],
    "traffic_office": [("primary", ["Marcus Bell", "Jade Kerrigan", "Marcus Bell", "Jade Kerrigan"])],
    "duty_director": [("primary", ["Kate Morrow", "Helen Marsh", "Rob Tennant", "Kate Morrow"])],
}  # fmt: skip
#: hub -> managers of the shifts: two before, the one running now, the next
SHIFT_MANAGERS = {
    "AVM": ["Rhys Morgan", "Ellie Vaughan", "Nia Powell", "Rhys Morgan"],
    "DAV": ["Sam Oduya", "Gemma Whyte", "Priya Raman", "Martin Crowe"],
    "EUR": ["Morag Sinclair", "Euan Fraser", "Alasdair Baird", "Morag Sinclair"],
    "THU": ["Dean Collins", "Hannah Price", "Kemi Adebayo", "Dean Collins"],
    "WKF": ["Jo Firth", "Carl Ibbotson", "Steve Holroyd", "Jo Firth"],
}
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps}
                 | {p for ps in SHIFT_MANAGERS.values() for p in ps})  # fmt: skip
MOBILES = {p: f"+44 7700 900{100 + i:03d}" for i, p in enumerate(_PEOPLE)}
#: entry, minutes ago, author, role, text
NCC_LOG = [
    ("NCC-26-3301", 1555, "Ravi Menon", "controls engineer", "CHG-4472 done: AVM-T1 on Lumacode firmware 4.8.2, "
     "read rate normal"),
    ("NCC-26-3304", 1205, "Marcus Bell", "traffic office", "RF-6210 stopped reporting to Trakline, trailer in the "
     "Avonmouth yard; raised TRK 558210; not to run until the unit is replaced"),
    ("NCC-26-3307", 372, "Sue Langley", "DAV general manager", "CHG-4468 ParcelFlow 9.13 live at every hub; no issues"),
    ("NCC-26-3308", 298, "Jade Kerrigan", "traffic office", "L305 WKF-DAV: T4409 broke down on the M1 at J40 "
     "(coolant leak); Motorway Recovery called; T4431 sent from Wakefield to take the trailer on"),
    ("NCC-26-3309", 199, "Jade Kerrigan", "traffic office", "CHG-4473 Trakline driver app 3.1 pushed to the tablets"),
    ("NCC-26-3310", 176, "Priya Raman", "DAV shift manager", "Jonas Keller (Brennhardt, remote) starting CHG-4471 on "
     "XB-01; XB-01 stopped"),
    ("NCC-26-3311", 167, "Priya Raman", "DAV shift manager", "CHG-4471 done, XB-01 running at 2.5 m/s"),
    ("NCC-26-3313", 150, "Priya Raman", "DAV shift manager", "XB-01 no-read chute filling up fast, the rework team "
     "cannot keep up; moved 4 people from Merlin to rework; called controls on call"),
    ("NCC-26-3314", 138, "Owen Hartley", "controls engineer (on call)", "DAV-T1: lenses cleaned, lights and all six "
     "cameras healthy, no hardware fault; the no-reads are small and glossy labels at full speed; DAV-T2 on XB-02 "
     "fine; DAV-T1's profile STD-22 is rated for 2.2 m/s and XB-01 now runs 2.5 m/s (WO-118936)"),
    ("NCC-26-3315", 121, "Owen Hartley", "controls engineer (on call)", "raised LUM/26/1187 with Lumacode (P1)"),
    ("NCC-26-3316", 112, "Jade Kerrigan", "traffic office", "L409 DAV-AVM held for the XB-01 rework backlog; "
     "Avonmouth told"),
    ("NCC-26-3317", 92, "Owen Hartley", "controls engineer (on call)", "Lumacode (Mira Svensson): no tunnel fault, "
     "profile mismatch; either XB-01 back to 2.2 m/s or profile HS-26 on DAV-T1 with a 40-minute stop"),
    ("NCC-26-3318", 90, "Alasdair Baird", "EUR shift manager", "EC-SS2 stopped for the belt change (WO-118930); "
     "manual sort running"),
    ("NCC-26-3319", 62, "Helen Marsh", "duty director", "emergency CHG-4475 approved: XB-01 back to 2.2 m/s at the "
     "next wave break; HS-26 to be planned properly before we go back to 2.5"),
    ("NCC-26-3320", 38, "Jade Kerrigan", "traffic office", "L410 DAV-EUR away 42 minutes late; RF-6203 at 9.8 C after "
     "standing on bay 31 with the doors open while it waited; pharma desk told (SOP-LH-03)"),
    ("NCC-26-3322", 18, "Jade Kerrigan", "traffic office", "L411 and L412 still loading at Daventry; Wakefield and "
     "Thurrock told to expect them late"),
]  # fmt: skip
SOPS = [
    ("ENG-WI-21", "Sorter drive chain elongation",
     "The daily health check measures the chain's elongation over its nominal length. Warning from 2.5%, replace "
     "at 3.0%. A slow rise over weeks is wear; a step is a broken link or a sprocket problem: stop and inspect."),
    ("ESC-02", "Escalation matrix",
     "A sorter down for more than 15 minutes, or a tunnel reading below 97% for 30 minutes: the hub shift manager, "
     "then the hub's engineering on call, then the controls on call, then the duty director. Supplier faults: raise "
     "a ticket and after 1 hour without progress call the supplier's escalation contact."),
    ("OEM LX-6 7.2", "Lumacode LX-6 manual, section 7.2: speed profiles",
     "The tunnel's cameras and encoder scaling are set for a belt speed range by its speed profile: STD-22 up to "
     "2.2 m/s, HS-26 up to 2.6 m/s. Running the belt faster than the profile allows blurs small and glossy labels "
     "and raises no-reads. Loading a profile needs a stop of about 40 minutes for recalibration."),
    ("SOP-HUB-07", "High no-read rate on a scan tunnel",
     "If a tunnel reads below 97% for more than 30 minutes: check and clean the lenses, check the lighting and the "
     "cameras' status, compare with the hub's other tunnels, and check recent changes to the sorter's line speed or "
     "induction profile (the tunnel's speed profile must be rated for the line speed). Call the controls on call, "
     "raise a Lumacode ticket and move people to rework (manual coding) to keep the no-read chute clear."),
    ("SOP-HUB-12", "Missorts",
     "When a chute's missorts rise, check the sort plan first (the last ParcelFlow sort plan change), then the "
     "chute's discharge timing. Re-sweep the chutes affected and tell the destination hubs."),
    ("SOP-LH-01", "Late trunk departures",
     "Hold a trunk for late sort at most 45 minutes past its scheduled departure; then send it and roll the rest to "
     "the next trunk. Tell the destination hub's shift manager and the traffic office."),
    ("SOP-LH-03", "Reefer temperature excursion",
     "If a reefer's box temperature is outside its limits (2-8 C for pharma) for more than 30 minutes: tell the "
     "traffic office and the pharma desk, keep the doors shut, check the fridge unit, and record the excursion on "
     "the consignment. QA decides at the destination whether the goods are quarantined; do not unload before QA "
     "has cleared them. Doors stay shut while a reefer waits on a bay."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE hubs (code TEXT PRIMARY KEY, name TEXT, role TEXT, location TEXT, sorters TEXT, general_manager TEXT);
CREATE TABLE sorters (sorter TEXT PRIMARY KEY, hub TEXT, type TEXT, model TEXT, induction_lines INTEGER,
                      chutes INTEGER, design_rate_ph INTEGER, installed INTEGER, controls TEXT);
CREATE TABLE sorter_live (sorter TEXT PRIMARY KEY, hub TEXT, state TEXT, since TEXT, line_speed_ms REAL,
                          rate_ph INTEGER, no_read_pct_15m REAL, active_alarm TEXT, note TEXT);
CREATE TABLE tunnels (tunnel TEXT PRIMARY KEY, hub TEXT, sorter TEXT, model TEXT, firmware TEXT, profile TEXT,
                      installed INTEGER);
CREATE TABLE tunnel_stats (tunnel TEXT, bucket_start TEXT, bucket_epoch INTEGER, scanned INTEGER,
                           good_reads INTEGER, no_reads INTEGER, multi_reads INTEGER, read_pct REAL);
CREATE INDEX tunnel_stats_epoch ON tunnel_stats (bucket_epoch);
CREATE TABLE hub_volumes (hub TEXT, hour_start TEXT, hour_epoch INTEGER, inducted INTEGER, sorted INTEGER,
                          to_rework INTEGER);
CREATE TABLE exceptions (hub TEXT, type TEXT, bucket_start TEXT, bucket_epoch INTEGER, n INTEGER);
CREATE INDEX exceptions_epoch ON exceptions (bucket_epoch);
CREATE TABLE faults (fault TEXT PRIMARY KEY, hub TEXT, asset TEXT, code TEXT, description TEXT, started TEXT,
                     started_epoch INTEGER, cleared TEXT, duration_s INTEGER);
CREATE TABLE health_checks (sorter TEXT, checked_at TEXT, check_epoch INTEGER, chain_elong_pct REAL,
                            drive_temp_c REAL, vibration_mm_s REAL, result TEXT);
CREATE TABLE runs (run TEXT PRIMARY KEY, origin TEXT, destination TEXT, sched_dep TEXT, sched_dep_epoch INTEGER,
                   actual_dep TEXT, expected_dep TEXT, sched_arr TEXT, actual_arr TEXT, eta TEXT, tractor TEXT,
                   trailer TEXT, status TEXT, dep_delay_min INTEGER, arr_delay_min INTEGER, reason TEXT);
CREATE TABLE fleet (unit TEXT PRIMARY KEY, kind TEXT, registration TEXT, base TEXT, telematics_unit TEXT,
                    status TEXT, note TEXT);
CREATE TABLE reefer_readings (trailer TEXT, measure TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX reefer_readings_trailer ON reefer_readings (trailer, ts_epoch);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, asset TEXT, hub TEXT, type TEXT, status TEXT, assigned_to TEXT,
                          created TEXT, planned_start TEXT, planned_end TEXT, completed TEXT, title TEXT, notes TEXT);
CREATE TABLE changes (chg TEXT PRIMARY KEY, title TEXT, systems TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned_start TEXT, implemented TEXT,
                      implemented_epoch INTEGER, notes TEXT);
CREATE TABLE vendor_tickets (ref TEXT PRIMARY KEY, supplier TEXT, asset TEXT, subject TEXT, status TEXT,
                             priority TEXT, engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE suppliers (supplier TEXT PRIMARY KEY, covers TEXT, support_line TEXT, hours TEXT, escalation TEXT,
                        contract TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, engineer TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE hub_shifts (hub TEXT, shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER,
                         manager TEXT, mobile TEXT);
CREATE TABLE ncc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE sops (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _stopped(tunnel: str, k: int) -> bool:
    """Whether ``tunnel``'s sorter is stopped for the whole of bucket ``k`` (EC-SS2's belt change)."""
    return tunnel == "EC-T1" and 15 * (k + 1) <= EC_STOP


def _tunnel_bucket(tunnel: str, k: int) -> tuple[int, int, int]:
    """``tunnel``'s bucket ``k``: parcels scanned, no-reads, multi-reads."""
    read_low, read_spread, n_low, n_spread = TUNNEL_BASE[tunnel]
    scanned = n_low + int(n_spread * noise(f"n{tunnel}", k))
    read = read_low + read_spread * noise(f"r{tunnel}", k)
    if tunnel == "DAV-T1":
        if k in T1_LOW:
            scanned = 3300 + int(120 * noise(f"n{tunnel}", k))
            read = T1_LOW[k]
        elif 15 * k < SPEED_START and 15 * (k + 1) > SPEED_DONE:  # the bucket holding the 7-minute stop
            scanned = int(scanned * 8 / 15)
    no_reads = round(scanned * (100 - read) / 100)
    multi = int(4 * noise(f"m{tunnel}", k))
    return scanned, no_reads, multi


def _tunnel_stats(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for tunnel, *_ in TUNNELS:
        for k in range(BUCKETS):
            if _stopped(tunnel, k):
                continue
            start = now - timedelta(minutes=15 * (k + 1))
            scanned, no_reads, multi = _tunnel_bucket(tunnel, k)
            good = scanned - no_reads
            rows.append((tunnel, iso(start), int(start.timestamp()), scanned, good, no_reads, multi,
                         round(100 * good / scanned, 2)))  # fmt: skip
    return rows


def _exception_bucket(hub: str, k: int) -> dict[str, int]:
    """One hub's exceptions in bucket ``k`` by type (no-reads from its tunnels)."""
    no_read = sum(_tunnel_bucket(t, k)[1] for t, h in TUNNEL_HUB.items() if h == hub and not _stopped(t, k))
    p = noise(f"ms{hub}", k)
    missort = (2 if p > 0.9 else 1 if p > 0.55 else 0) if hub == "DAV" else (1 if p > 0.8 else 0)
    if hub == "THU" and SP48_FIX < 15 * (k + 1) <= SP48_IN:
        missort += 35 + int(25 * noise("sp48", k))
    damaged = int(4 * noise(f"dm{hub}", k)) if hub == "DAV" else int(3 * noise(f"dm{hub}", k))
    oversize = 1 if noise(f"ov{hub}", k) > 0.7 else 0
    return {"missort": missort, "no_read": no_read, "damaged": damaged, "oversize": oversize}


def _exceptions_and_volumes(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    exc, vol = [], []
    for hub, *_ in HUBS:
        per_bucket = {k: _exception_bucket(hub, k) for k in range(BUCKETS)}
        for k, counts in per_bucket.items():
            start = now - timedelta(minutes=15 * (k + 1))
            exc += [(hub, kind, iso(start), int(start.timestamp()), n) for kind, n in counts.items()]
        for h in range(BUCKETS // 4):
            start = now - timedelta(minutes=60 * (h + 1))
            ks = range(4 * h, 4 * h + 4)
            inducted = sum(_tunnel_bucket(t, k)[0] for k in ks for t, th in TUNNEL_HUB.items()
                           if th == hub and not _stopped(t, k))  # fmt: skip
            rework = sum(per_bucket[k]["no_read"] + per_bucket[k]["missort"] + per_bucket[k]["damaged"] for k in ks)
            vol.append((hub, iso(start), int(start.timestamp()), inducted, inducted - rework, rework))
    return exc, vol


def _live(now: datetime) -> list[tuple[Any, ...]]:
    """Every sorter now, from its tunnel's newest bucket."""
    rows = []
    for sorter, hub, *_ in SORTERS:
        tunnel = next(t for t, _, s, *_ in TUNNELS if s == sorter)
        state, since, speed, alarm, note = "running", 3 * DAY + 200, 2.2, "", ""
        rate, no_read_pct = 0, None
        if not _stopped(tunnel, 0):
            scanned, no_reads, _ = _tunnel_bucket(tunnel, 0)
            rate, no_read_pct = 4 * scanned, round(100 * no_reads / scanned, 2)
        if sorter == "XB-01":
            state, since, speed, alarm = "degraded", 150, 2.5, "E-4107 NO-READ RATE HIGH (DAV-T1)"
            note = "line speed 2.5 m/s since CHG-4471; no-reads to rework; CHG-4475 (back to 2.2 m/s) approved"
        elif sorter == "EC-SS2":
            state, since, speed, alarm, note = "maintenance", EC_STOP, 0.0, "", "main belt change WO-118930"
        elif sorter == "Heron":
            speed, alarm, note = 2.0, "E-5120 CHAIN ELONGATION WARNING", "chain replacement WO-118842"
        elif sorter == "Merlin":
            speed = 1.8
        elif sorter == "AVM-S1":
            since = 5800 - 22
        rows.append((sorter, hub, state, iso(now - timedelta(minutes=since)), speed, rate, no_read_pct, alarm, note))
    return rows


def _chain(sorter: str, k: int) -> float:
    """``sorter``'s chain elongation (%) at the check ``k`` days ago: Heron's rises, the others' are flat."""
    if sorter == "Heron":
        return round(0.9 + 1.9 * math.exp(-0.03 * k), 2)
    low, spread = CHAIN_BASE[sorter]
    return round(low + spread * noise(f"ch{sorter}", k), 2)


def _health_checks(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for sorter, *_ in SORTERS:
        for k in range(CHECK_DAYS):
            t = now - timedelta(minutes=k * DAY + 30)
            chain = _chain(sorter, k)
            temp = round(41 + 8 * noise(f"dt{sorter}", k), 1)
            vib = round(1.2 + 1.1 * noise(f"vb{sorter}", k), 2)
            result = "fail" if chain >= 3.0 else "warn" if chain >= 2.5 else "pass"
            rows.append((sorter, iso(t), int(t.timestamp()), chain, temp, vib, result))
    return rows


def _faults(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for i, (hub, asset, code, m, secs) in enumerate(sorted(FAULTS, key=lambda f: (-f[3], f[1]))):
        start = now - timedelta(minutes=m)
        cleared = None if secs is None else iso(start + timedelta(seconds=secs))
        rows.append((f"F-{77001 + i}", hub, asset, code, FAULT_TEXT[code], iso(start), int(start.timestamp()),
                     cleared, secs))  # fmt: skip
    return rows


def _runs(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for run, origin, dest, sched, actual, expected, extra, tractor, trailer, reason in RUNS:
        drive = DRIVE.get((origin, dest)) or DRIVE[(dest, origin)]
        leaves = actual if actual is not None else expected
        dep_delay = sched - leaves
        arrives = leaves - drive - extra
        if actual is None:
            status = "loading" if sched >= 0 else "scheduled"
        else:
            status = "arrived" if arrives >= 0 else "departed"
        arr_delay = (sched - drive) - arrives

        def at(m: int | None) -> str | None:
            return None if m is None else iso(now - timedelta(minutes=m))

        sched_t = now - timedelta(minutes=sched)
        rows.append((run, origin, dest, iso(sched_t), int(sched_t.timestamp()), at(actual),
                     at(expected) if actual is None else None, at(sched - drive),
                     at(arrives) if status == "arrived" else None, at(arrives) if status != "arrived" else None,
                     tractor, trailer, status, dep_delay, arr_delay, reason))  # fmt: skip
    return rows


def _fleet() -> list[tuple[Any, ...]]:
    """The tractors and trailers (based where their earliest run starts), with their Trakline units."""
    base: dict[str, str] = {"T4409": "WKF", "RF-6210": "AVM"}
    for _, origin, _, *_rest, tractor, trailer, _reason in sorted(RUNS, key=lambda r: -r[3]):
        base.setdefault(tractor, origin)
        base.setdefault(trailer, origin)
    rows = []
    for i, unit in enumerate(sorted(base)):
        if unit in TRACTORS:
            kind, reg = "tractor", TRACTORS[unit]
        else:
            kind = TRAILER_KIND.get(unit[:2], "curtainsider")
            reg = f"C{300000 + int(''.join(ch for ch in unit if ch.isdigit()))}"
        status, note = FLEET_NOTES.get(unit, ("in_service", ""))
        unit_id = "TL-88214" if unit == "RF-6210" else f"TL-{70101 + 7 * i}"
        rows.append((unit, kind, reg, base[unit], unit_id, status, note))
    return rows


def _reefer(trailer: str, m: int, i: int) -> tuple[float, int]:
    """A reefer's box temperature (C) and door state ``m`` minutes ago."""
    if trailer == "RF-6203":
        temp = RF6203.get(m, round(4.2 + 1.2 * noise("rf3", i), 1))
        return temp, int(DOORS_OPEN[1] <= m <= DOORS_OPEN[0])
    if trailer == "RF-6207":
        return round(2.8 + 1.8 * noise("rf7", i), 1), 0
    key = "rf1" if trailer == "RF-6201" else "rf10"
    return round(3.9 + 1.6 * noise(key, i), 1), 0


def _reefer_readings(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for trailer in ("RF-6201", "RF-6203", "RF-6207", "RF-6210"):
        for i in range(REEFER_HOURS * 6):
            m = 10 * i
            if trailer == "RF-6210" and m < RF6210_LAST:
                continue
            t = now - timedelta(minutes=m)
            temp, door = _reefer(trailer, m, i)
            rows += [(trailer, "box_temp_c", temp, iso(t), int(t.timestamp())),
                     (trailer, "door_open", float(door), iso(t), int(t.timestamp()))]  # fmt: skip
    return rows


def _oncall(now: datetime) -> list[tuple[Any, ...]]:
    """Weekly shifts from Monday 06:00 UTC: last week, this week (the one running now) and the next two."""
    return weekly_rota(now, ROTAS, MOBILES, 6)


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """Hub shifts of 12 hours from 06:00 and 18:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=6, minute=0)
    if start > now:
        start -= timedelta(hours=12)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for hub, managers in SHIFT_MANAGERS.items():
        for j, manager in enumerate(managers):
            s = start + timedelta(hours=12 * (j - 2))
            e = s + timedelta(hours=12)
            shift = "days" if s.hour == 6 else "nights"
            rows.append((hub, shift, iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), manager,
                         MOBILES[manager]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    exceptions, volumes = _exceptions_and_volumes(now)
    db.executemany("INSERT INTO hubs VALUES (?,?,?,?,?,?)", HUBS)
    db.executemany("INSERT INTO sorters VALUES (?,?,?,?,?,?,?,?,?)", SORTERS)
    db.executemany("INSERT INTO sorter_live VALUES (?,?,?,?,?,?,?,?,?)", _live(now))
    db.executemany("INSERT INTO tunnels VALUES (?,?,?,?,?,?,?)", TUNNELS)
    db.executemany("INSERT INTO tunnel_stats VALUES (?,?,?,?,?,?,?,?)", _tunnel_stats(now))
    db.executemany("INSERT INTO hub_volumes VALUES (?,?,?,?,?,?)", volumes)
    db.executemany("INSERT INTO exceptions VALUES (?,?,?,?,?)", exceptions)
    db.executemany("INSERT INTO faults VALUES (?,?,?,?,?,?,?,?,?)", _faults(now))
    db.executemany("INSERT INTO health_checks VALUES (?,?,?,?,?,?,?)", _health_checks(now))
    db.executemany("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _runs(now))
    db.executemany("INSERT INTO fleet VALUES (?,?,?,?,?,?,?)", _fleet())
    db.executemany("INSERT INTO reefer_readings VALUES (?,?,?,?,?)", _reefer_readings(now))
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*w[:6], *(ago(m) for m in w[6:10]), w[10], w[11]) for w in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), c[11])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO vendor_tickets VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:8], ago(v[8]), ago(v[9]), v[10]) for v in VENDOR_TICKETS])  # fmt: skip
    db.executemany("INSERT INTO suppliers VALUES (?,?,?,?,?,?)", SUPPLIERS)
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", _oncall(now))
    db.executemany("INSERT INTO hub_shifts VALUES (?,?,?,?,?,?,?,?)", _shifts(now))
    db.executemany("INSERT INTO ncc_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in NCC_LOG])  # fmt: skip
    db.executemany("INSERT INTO sops VALUES (?,?,?)", SOPS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = (
        "Parcel network store (Pellmoor Parcels): hubs, sorters, scan tunnels, volumes, exceptions, linehaul, fleet"
    )
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
