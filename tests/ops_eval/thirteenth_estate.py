"""A thirteenth estate, held out from the planner's tuning: warehouse robots and conveyor automation in four
distribution centres (Harlow & Vane Fulfilment).

Written blind (without reading the planner, its tests or any set's results). Names and APIs are unlike the other
estates': sites are ``DC-RTM-02`` / ``DC-LEJ-01`` / ``DC-MAD-03`` / ``DC-BHX-01``, robots ``amr.rtm2.0417`` (dots),
sorters ``SRT/B/3`` (slashes), charging docks ``dock:bhx1:05`` (colons), firmware ``fw 4.12.0-rc2`` / ``tb 2.8.1``,
rollouts ``FWR-0412``, management-of-change records ``MOC-24117``, incidents ``INC-88412`` (``P2``), safety
reports ``SAF-2026-0091``, work orders ``WO#55821``, SOPs ``SOP-ROB-014``, people as ``Vermeulen, I.``. Several
APIs answer in camelCase columns; two are narrow (``metric``, ``value``, ``ts``) time series. Windows come as
``fromTs`` / ``toTs`` and ``after`` / ``before`` (epoch seconds), ``last_n_minutes``, ``since_hours``, ``days``,
a ``period`` enum (``4h | today | yesterday | 7d``) and a ``day`` (``YYYY-MM-DD``); some APIs require ``site``.
:mod:`tests.ops_eval.thirteenth_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned; "T-70m" is the sample starting then):

- over 30 days: amr.mad3.0112's battery state of health falls steadily from about 88.6% to 76.4% (internal
  resistance 40.6 -> 58 mOhm): below SOP-BAT-003's 80% replacement threshold since T-8d; WO#55827 (open) asks for
  a new pack, the robot is in maintenance: a slow trend;
- T-26h .. T-23.5h: SRT/B/3 (DC-MAD-03) jams 38 times at divert 22 (worn divert shoes): ``INC-88397`` (P3,
  resolved), WO#55790 replaced the shoes, MOC-24088 halves the inspection interval: a resolved older incident;
- T-9h dock:bhx1:05 faults (E-217 contactor overtemp): ``INC-88405`` (P4, monitoring), WO#55818 open;
- T-6h MOC-24102 shortens DC-RTM-02's WMS wave release interval; T-190m MOC-24109 loads nav map ``lej1-map r88``
  at DC-LEJ-01; T-140m MOC-24114 raises DC-BHX-01's charge start threshold; T-90m MOC-24118 speeds up SRT/A/1's
  induct belt at DC-RTM-02 (its throughput rises about 5%): red herrings;
- T-74m MOC-24117 (Bakker, R.) starts rollout FWR-0412: fw 4.12.0-rc2 (protective field profile pf-v4-dynamic)
  on the 48 GTP-40 robots of DC-RTM-02's zone B (amr.rtm2.0441 .. 0488), done at T-63m; from the 5-minute
  sample starting T-70m (the onset) protective stops at DC-RTM-02 go from 1-6 to 36-57 per 5 minutes (peak 57 at
  T-55m; almost all zone B, at the aisle 14/15 crossing), picks per hour from 1,750-2,050 to 1,080-1,300, faulted
  robots (3 stops in 10 minutes need a manual reset) from 0-2 to 13, the WMS backlog grows from about 3,000 open
  lines to about 8,800 and lines past cutoff from under 40 to about 900; sorters SRT/A/1 and SRT/A/2 get about 40%
  fewer parcels (starved, not jammed);
- T-62m ``INC-88412`` (P2, investigating, Vermeulen, I.); safety reports SAF-2026-0090 (T-58m), SAF-2026-0091
  (T-41m), SAF-2026-0092 (T-22m); T-50m MOC-24125 raises DC-MAD-03's dock output limit (unrelated); T-30m
  MOC-24131 caps zone B's max speed 1.6 -> 1.2 m/s: stops fall only to 30-41 (a response, not a fix;
  SOP-ROB-014 says pin the robots back to fw 4.11.3 and pause the rollout); FWR-0413 (rc2 at DC-LEJ-01) is
  scheduled for T+20h.

No API reports energy (kWh), costs or labour rates, lidar scans or camera images, ambient or freezer temperatures,
customers or carriers, trailers or the yard; there is no site DC-VLC-04, no robot amr.rtm2.0999, no sorter
SRT/C/9 and no INC-88420. ``period: today`` covers the UTC day, so just after midnight it holds few samples.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.thirteenth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "dcrobotics"

DAY = 1440
CHANGED = 74  # minutes ago: MOC-24117 starts FWR-0412 (fw 4.12.0-rc2 on zone B)
ROLLED = 63  # minutes ago: the last zone B robot is on rc2
ONSET = 70  # minutes ago: the first 5-minute sample with the stop storm
SPEED_CAP = 30  # minutes ago: MOC-24131 caps zone B at 1.2 m/s
BELT = 90  # minutes ago: MOC-24118 speeds up SRT/A/1's induct belt
RTM = "DC-RTM-02"
RC2 = "fw 4.12.0-rc2"
WEAK_BATTERY = "amr.mad3.0112"

SITES = [
    # site, short, city, country, timezone, WMS, live since, sorters, ops manager, docks
    (RTM, "rtm2", "Rotterdam (Waalhaven)", "NL", "Europe/Amsterdam", "Korvald WMS 9.3", "2021-09",
     "SRT/A/1, SRT/A/2", "Vermeulen, I.", 16),
    ("DC-LEJ-01", "lej1", "Leipzig (Schkeuditz)", "DE", "Europe/Berlin", "Korvald WMS 9.3", "2019-04", "SRT/L/1",
     "Hartmann, K.", 10),
    ("DC-MAD-03", "mad3", "Madrid (Getafe)", "ES", "Europe/Madrid", "Korvald WMS 9.1", "2022-11",
     "SRT/B/3, SRT/B/4", "Ortega, L.", 8),
    ("DC-BHX-01", "bhx1", "Birmingham (Hams Hall)", "GB", "Europe/London", "Korvald WMS 9.3", "2023-06", "SRT/H/1",
     "Okonkwo, P.", 6),
]  # fmt: skip
FLEETS = [
    # site, first robot number, count, model, firmware, zone
    (RTM, 401, 40, "Orvik GTP-40", "fw 4.11.3", "A"),
    (RTM, 441, 48, "Orvik GTP-40", RC2, "B"),
    (RTM, 489, 8, "Orvik GTP-40", "fw 4.11.3", "C"),
    (RTM, 497, 24, "Tamsin TB-7", "tb 2.8.1", "C"),
    ("DC-LEJ-01", 101, 80, "Orvik GTP-40", "fw 4.11.3", "L"),
    ("DC-MAD-03", 101, 64, "Orvik GTP-60", "fw 4.11.3", "P"),
    ("DC-BHX-01", 201, 48, "Tamsin TB-7", "tb 2.8.1", "T"),
]
MAINTENANCE = {"amr.rtm2.0407": 180, "amr.rtm2.0512": 150, WEAK_BATTERY: 240}  # robot -> minutes since seen
LOST = {"amr.lej1.0133": "lost localization near aisle 27"}
FLEET_CONFIG = [
    # site, zone, robot model, max speed m/s, protective field profile, charge start %, stop %, nav map, updated
    (RTM, "A", "Orvik GTP-40", 1.6, "pf-v3", 25, 90, "rtm2-map r41", 9 * DAY),
    (RTM, "B", "Orvik GTP-40", 1.2, "pf-v4-dynamic", 25, 90, "rtm2-map r41", SPEED_CAP),
    (RTM, "C", "Orvik GTP-40, Tamsin TB-7", 1.6, "pf-v3", 25, 90, "rtm2-map r41", 4 * DAY),
    ("DC-LEJ-01", "L", "Orvik GTP-40", 1.6, "pf-v3", 25, 90, "lej1-map r88", 190),
    ("DC-MAD-03", "P", "Orvik GTP-60", 1.4, "pf-v3", 20, 85, "mad3-map r19", 8 * DAY),
    ("DC-BHX-01", "T", "Tamsin TB-7", 2.0, "tb-field-2", 30, 95, "bhx1-map r7", 140),
]
#: stops per 5 minutes (low, spread), picks per hour (low, spread) when healthy
HEALTHY = {RTM: (1, 6, 1750, 300), "DC-LEJ-01": (0, 5, 1300, 200), "DC-MAD-03": (0, 6, 900, 200),
           "DC-BHX-01": (0, 4, 1100, 200)}  # fmt: skip
DOCK_STATE = {"dock:bhx1:05": ("faulted", "E-217 contactor overtemp", 540),
              "dock:rtm2:11": ("maintenance", "E-310 low contact pressure", 300),
              "dock:lej1:03": ("idle", "E-104 robot misaligned (auto-cleared)", 2000)}  # fmt: skip
SORTERS = [
    # sorter, site, parcels per minute (low, spread)
    ("SRT/A/1", RTM, 95, 25), ("SRT/A/2", RTM, 80, 20), ("SRT/L/1", "DC-LEJ-01", 110, 25),
    ("SRT/B/3", "DC-MAD-03", 70, 20), ("SRT/B/4", "DC-MAD-03", 72, 20), ("SRT/H/1", "DC-BHX-01", 60, 15),
]  # fmt: skip
JAM_STORM = ("SRT/B/3", 1560, 38)  # sorter, minutes ago of the first jam, jams (every ~4 minutes)
ROLLOUTS = [
    # id, firmware, from, site, wave, scope, targeted, done, state, start (minutes ago), finished, note
    ("FWR-0398", "fw 4.11.3", "fw 4.10.7", "DC-LEJ-01", 1, "all GTP-40 (80)", 80, 80, "completed", 10 * DAY,
     10 * DAY - 180, ""),
    ("FWR-0401", "fw 4.11.3", "fw 4.10.7", RTM, 1, "zones A, B, C GTP-40 (96)", 96, 96, "completed", 9 * DAY,
     9 * DAY - 240, ""),
    ("FWR-0402", "fw 4.11.3", "fw 4.10.7", "DC-MAD-03", 1, "all GTP-60 (64)", 64, 64, "completed", 8 * DAY,
     8 * DAY - 200, ""),
    ("FWR-0407", "tb 2.8.1", "tb 2.7.4", "DC-BHX-01", 1, "all TB-7 (48)", 48, 48, "completed", 4 * DAY,
     4 * DAY - 90, ""),
    ("FWR-0408", "tb 2.8.1", "tb 2.7.4", RTM, 1, "zone C TB-7 (24)", 24, 24, "completed", 4 * DAY - 300,
     4 * DAY - 350, ""),
    ("FWR-0412", RC2, "fw 4.11.3", RTM, 1, "zone B GTP-40 (amr.rtm2.0441-0488)", 48, 48, "paused", CHANGED, ROLLED,
     "wave 2 (zones A and C, 48 robots) on hold for INC-88412"),
    ("FWR-0413", RC2, "fw 4.11.3", "DC-LEJ-01", 1, "aisles 1-16 (40)", 40, 0, "scheduled", -1200, None,
     "planned start; go/no-go after FWR-0412"),
]  # fmt: skip
CHANGES = [
    # id, site, category, summary, before, after, owner, minutes ago, reference
    ("MOC-24088", "DC-MAD-03", "conveyor", "SRT/B/3 divert shoe inspection interval (INC-88397 follow-up)", "500 h",
     "250 h", "Ortega, L.", 1320, "INC-88397"),
    ("MOC-24102", RTM, "wms-config", "WMS wave release interval", "15 min", "10 min", "de Groot, M.", 360,
     "WMS-2291"),
    ("MOC-24109", "DC-LEJ-01", "navmap", "navigation map with the new aisles 31-33", "lej1-map r87", "lej1-map r88",
     "Hartmann, K.", 190, "NAV-118"),
    ("MOC-24114", "DC-BHX-01", "fleet-config", "TB-7 charge start threshold", "25%", "30%", "Okonkwo, P.", 140,
     "FLT-077"),
    ("MOC-24118", RTM, "conveyor", "SRT/A/1 induct belt speed", "2.2 m/s", "2.4 m/s", "de Groot, M.", BELT,
     "CNV-540"),
    ("MOC-24117", RTM, "firmware", "FWR-0412 wave 1: zone B GTP-40 robots to fw 4.12.0-rc2 (protective field "
     "profile pf-v4-dynamic)", "fw 4.11.3 / pf-v3", "fw 4.12.0-rc2 / pf-v4-dynamic", "Bakker, R.", CHANGED,
     "FWR-0412"),
    ("MOC-24125", "DC-MAD-03", "charging", "dock output limit, all docks", "3.0 kW", "3.3 kW", "Ortega, L.", 50,
     "ENG-612"),
    ("MOC-24131", RTM, "fleet-config", "zone B max speed, to cut protective stops (INC-88412)", "1.6 m/s",
     "1.2 m/s", "Vermeulen, I.", SPEED_CAP, "INC-88412"),
]  # fmt: skip
INCIDENTS = [
    # id, priority, status, site, title, lead, opened (minutes ago), resolved
    ("INC-88412", "P2", "investigating", RTM, "Pick rate down ~40% at DC-RTM-02, protective stop storm in zone B",
     "Vermeulen, I.", 62, None),
    ("INC-88405", "P4", "monitoring", "DC-BHX-01", "dock:bhx1:05 faulted (E-217 contactor overtemp), robots "
     "re-routed to the other docks", "Okonkwo, P.", 535, None),
    ("INC-88397", "P3", "resolved", "DC-MAD-03", "SRT/B/3 repeated jams at divert 22, worn divert shoes",
     "Ortega, L.", 1545, 1380),
    ("INC-88361", "P3", "resolved", "DC-LEJ-01", "WMS interface timeouts, pick tasks not released for 25 min",
     "Hartmann, K.", 6 * DAY + 200, 6 * DAY + 150),
]  # fmt: skip
SAFETY = [
    # id, site, robot, kind, severity, status, reported (minutes ago), summary
    ("SAF-2026-0084", "DC-LEJ-01", "amr.lej1.0122", "estop_pressed", "low", "closed", 5 * DAY + 300,
     "picker pressed the station 4 e-stop to clear a tote jam"),
    ("SAF-2026-0087", "DC-MAD-03", "amr.mad3.0141", "bumper_contact", "medium", "closed", 2 * DAY + 200,
     "bumper touched a pallet overhang in aisle 9, no damage"),
    ("SAF-2026-0089", "DC-BHX-01", "", "person_in_zone", "medium", "closed", DAY + 400,
     "visitor entered the tote zone without escort, zone stopped for 4 min"),
    ("SAF-2026-0090", RTM, "amr.rtm2.0452", "blocked_walkway", "medium", "open", 58,
     "stopped on pedestrian crossing X3 after a protective stop, pushed clear by hand"),
    ("SAF-2026-0091", RTM, "", "protective_stop_cluster", "high", "open", 41,
     "17 protective stops in 10 min at the aisle 14/15 crossing, zone B, all robots on fw 4.12.0-rc2"),
    ("SAF-2026-0092", RTM, "amr.rtm2.0466", "estop_pressed", "medium", "open", 22,
     "floor lead pressed the zone B e-stop to recover three stuck robots"),
]  # fmt: skip
WORK_ORDERS = [
    # id, site, asset, kind, priority, status, opened (minutes ago), due, closed, assignee, summary
    ("WO#55790", "DC-MAD-03", "SRT/B/3", "corrective", "P2", "done", 1530, 1290, 1400, "Ruiz, C.",
     "replace divert shoes 18-26 at divert 22 (INC-88397)"),
    ("WO#55801", "DC-LEJ-01", "SRT/L/1", "preventive", "P4", "done", 2 * DAY + 60, DAY, 2 * DAY - 120, "Schulz, A.",
     "quarterly belt tracking check"),
    ("WO#55809", RTM, "dock:rtm2:11", "preventive", "P4", "in_progress", 300, -180, None, "Jansen, T.",
     "replace charging contact brushes"),
    ("WO#55818", "DC-BHX-01", "dock:bhx1:05", "corrective", "P3", "open", 530, -900, None, "Patel, S.",
     "E-217 contactor overtemp: replace contactor K2"),
    ("WO#55821", RTM, "amr.rtm2.0407", "corrective", "P3", "in_progress", 180, -300, None, "Jansen, T.",
     "drive wheel encoder fault, left wheel"),
    ("WO#55824", RTM, "amr.rtm2.0512", "preventive", "P4", "open", 150, -2 * DAY, None, "", "lift belt tension check"),
    ("WO#55827", "DC-MAD-03", WEAK_BATTERY, "corrective", "P3", "open", 240, -DAY, None, "Ruiz, C.",
     "battery pack replacement: state of health below 80% (SOP-BAT-003)"),
    ("WO#55830", RTM, "zone B AMRs", "corrective", "P1", "open", 55, -60, None, "Jansen, T.",
     "manual reset of faulted AMRs in zone B (INC-88412)"),
]  # fmt: skip
SHIFTS = [("early", "06:00-14:00"), ("late", "14:00-22:00"), ("night", "22:00-06:00")]
STAFF = {RTM: ((38, 34, 16), ("van Dijk, S.", "Bakker, J.", "Smit, E.")),
         "DC-LEJ-01": ((30, 28, 12), ("Wagner, F.", "Schulz, A.", "Weber, M.")),
         "DC-MAD-03": ((22, 20, 8), ("Garcia, P.", "Ruiz, C.", "Moreno, J.")),
         "DC-BHX-01": ((26, 24, 10), ("Hughes, D.", "Patel, S.", "Clarke, R."))}  # fmt: skip
SOPS = [
    ("SOP-ROB-014", "Protective stop storms after a firmware change", "rev 3",
     "If protective (safety field) stops at a site rise above three times their baseline within hours of a "
     "firmware rollout, pin the affected robots back to the last released firmware (fleetctl fw pin --site <site> "
     "--zone <zone> --version 4.11.3) and pause the rollout. Never widen, mute or desensitise protective fields. "
     "Lowering the zone's max speed reduces stops only marginally and costs pick rate."),
    ("SOP-ROB-021", "Resetting a faulted AMR", "rev 5",
     "An AMR that makes three protective stops within 10 minutes faults and needs a manual reset at the robot by a "
     "trained robot tech, with the zone in restricted mode and a hi-vis vest. Log each reset on the incident's "
     "work order."),
    ("SOP-CNV-006", "Sorter jam clearing", "rev 7",
     "Lock out the sorter section (LOTO) before clearing a jam. After five jams at the same divert within an hour, "
     "stop the sorter and inspect the divert shoes; replace worn shoes as a set."),
    ("SOP-BAT-003", "AMR battery pack replacement", "rev 2",
     "Replace a battery pack when its state of health (SoH) falls below 80% or its internal resistance exceeds 55 "
     "mOhm. Take the robot out of service (maintenance) until the pack is swapped."),
    ("SOP-DCK-002", "Charging dock faults", "rev 4",
     "E-217 (contactor overtemp): take the dock out of service and replace the contactor. E-104 (robot "
     "misaligned) clears itself after the robot re-docks."),
    ("SOP-WMS-009", "Order backlog past cutoff", "rev 1",
     "When lines past carrier cutoff exceed 500, the shift lead asks the transport desk for a cutoff extension and "
     "re-prioritises waves by cutoff time."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE sites (site TEXT PRIMARY KEY, short TEXT, city TEXT, country TEXT, timezone TEXT, wms TEXT,
                    live_since TEXT, sorters TEXT, ops_manager TEXT);
CREATE TABLE robots (robotId TEXT PRIMARY KEY, site TEXT, model TEXT, fwVersion TEXT, zone TEXT, state TEXT,
                     stateReason TEXT, batteryPct INTEGER, lastSeen TEXT);
CREATE TABLE fleet_config (site TEXT, zone TEXT, robotModel TEXT, maxSpeedMps REAL, protectiveFieldProfile TEXT,
                           chargeStartPct INTEGER, chargeStopPct INTEGER, navMap TEXT, updatedAt TEXT);
CREATE TABLE telemetry (site TEXT, metric TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE TABLE stops (robot_id TEXT, site TEXT, kind TEXT, location TEXT, ts TEXT, ts_epoch INTEGER);
CREATE TABLE sorter_series (sorter TEXT, metric TEXT, value REAL, ts INTEGER);
CREATE TABLE jams (ts TEXT, ts_epoch INTEGER, sorter TEXT, site TEXT, location TEXT, cleared_after_s INTEGER,
                   cause TEXT);
CREATE TABLE backlog (site TEXT, ts TEXT, ts_epoch INTEGER, openOrders INTEGER, openLines INTEGER,
                      linesPastCutoff INTEGER);
CREATE TABLE docks (dockId TEXT PRIMARY KEY, site TEXT, state TEXT, robotId TEXT, outputKw REAL, lastFault TEXT,
                    lastFaultAt TEXT);
CREATE TABLE battery (day TEXT, days_ago INTEGER, robotId TEXT, site TEXT, sohPct REAL, cycles INTEGER,
                      resistanceMohm REAL, maxCellTempC REAL);
CREATE TABLE rollouts (rolloutId TEXT PRIMARY KEY, firmware TEXT, fromFirmware TEXT, site TEXT, wave INTEGER,
                       scope TEXT, robotsTargeted INTEGER, robotsDone INTEGER, state TEXT, startAt TEXT,
                       start_epoch INTEGER, finishedAt TEXT, note TEXT);
CREATE TABLE changes (moc TEXT PRIMARY KEY, site TEXT, category TEXT, summary TEXT, before_value TEXT,
                      after_value TEXT, owner TEXT, applied_at TEXT, applied_epoch INTEGER, reference TEXT);
CREATE TABLE incidents (incident TEXT PRIMARY KEY, priority TEXT, status TEXT, site TEXT, title TEXT, lead TEXT,
                        opened_at TEXT, resolved_at TEXT);
CREATE TABLE safety (report TEXT PRIMARY KEY, site TEXT, robot TEXT, kind TEXT, severity TEXT, status TEXT,
                     reported_at TEXT, reported_epoch INTEGER, summary TEXT);
CREATE TABLE work_orders (woId TEXT PRIMARY KEY, site TEXT, asset TEXT, kind TEXT, priority TEXT, status TEXT,
                          openedAt TEXT, dueAt TEXT, closedAt TEXT, assignee TEXT, summary TEXT);
CREATE TABLE staffing (day TEXT, site TEXT, shift TEXT, hours TEXT, plannedHeads INTEGER, confirmedHeads INTEGER,
                       pickers INTEGER, robotTechs INTEGER, shiftLead TEXT, note TEXT);
CREATE TABLE sops (doc TEXT PRIMARY KEY, title TEXT, revision TEXT, body TEXT);
"""

_SAMPLES = range(5, DAY + 5, 5)  # 5-minute samples over 24 hours, by minutes ago of their start
_KINDS = [(0.8, "protective_field"), (0.88, "bumper"), (0.94, "estop"), (1.0, "lost_localization")]


def _robots() -> list[tuple[str, str, str, str, str]]:
    """(robot, site, model, firmware, zone) of every robot."""
    return [(f"amr.{next(s[1] for s in SITES if s[0] == site)}.{n:04d}", site, model, fw, zone)
            for site, first, count, model, fw, zone in FLEETS for n in range(first, first + count)]  # fmt: skip


def _storm(site: str, ago: int) -> bool:
    """Whether the 5-minute sample starting ``ago`` minutes ago has DC-RTM-02's stop storm."""
    return site == RTM and ago <= ONSET


def _stops(now: datetime, robots: list[tuple[str, str, str, str, str]]) -> list[tuple[Any, ...]]:
    """Every safety stop of every robot over 24 hours (the counts make the safety_stops samples)."""
    rows: list[tuple[Any, ...]] = []
    zone_b = sorted((r[0] for r in robots if r[3] == RC2), key=lambda r: noise("zb", int(r[-4:])))
    for site, *_ in SITES:
        fleet = [r[0] for r in robots if r[1] == site]
        low, spread, *_ = HEALTHY[site]
        for ago in _SAMPLES:
            if _storm(site, ago):
                n = 26 + int(18 * noise("sw", ago)) if ago <= SPEED_CAP else 34 + int(25 * noise("sw", ago))
            else:
                n = low + int(spread * noise(f"sn{site}", ago))
            for k in range(n):
                key = f"{site}{ago}"
                at = now - timedelta(minutes=ago) + timedelta(seconds=int(300 * noise(f"st{key}", k)))
                if _storm(site, ago) and noise(f"sz{key}", k) < 0.94:
                    robot = zone_b[int(48 * noise(f"sr{key}", k) ** 1.8)]
                    kind = "protective_field"
                    where = "aisle 14/15 crossing" if noise(f"sl{key}", k) < 0.8 else "aisle 12"
                else:
                    robot = fleet[int(len(fleet) * noise(f"sr{key}", k))]
                    x = noise(f"sk{key}", k)
                    kind = next(kind for lim, kind in _KINDS if x < lim)
                    where = f"aisle {1 + int(30 * noise(f'sl{key}', k))}"
                rows.append((robot, site, kind, where, iso(at), int(at.timestamp())))
    return rows


def _telemetry(now: datetime, stops: list[tuple[Any, ...]], docks: dict[str, int]) -> list[tuple[Any, ...]]:
    """Per site, 5-minute samples of picks per hour, safety stops and robots active / charging / faulted."""
    per_sample: dict[tuple[str, int], int] = {}
    for _r, site, _k, _w, _ts, epoch in stops:
        ago = -(-(int(now.timestamp()) - epoch) // 300) * 5  # the sample the stop falls in
        per_sample[(site, ago)] = per_sample.get((site, ago), 0) + 1
    rows: list[tuple[Any, ...]] = []
    for site, *_ in SITES:
        total = sum(c for s, _f, c, *_ in FLEETS if s == site)
        maint = sum(1 for r in MAINTENANCE if r.split(".")[1] == next(x[1] for x in SITES if x[0] == site))
        *_, picks, pspread = HEALTHY[site]
        for ago in _SAMPLES:
            start = now - timedelta(minutes=ago)
            if _storm(site, ago):
                pph = 1050 + 250 * noise("pp", ago)
                faulted = min(13, 2 + (ONSET - ago) // 4)
            else:
                pph = picks + pspread * noise(f"pp{site}", ago)
                faulted = int((3 if site == RTM else 2) * noise(f"pf{site}", ago))
            charging = int(docks[site] * (0.6 + 0.4 * noise(f"pc{site}", ago)))
            active = total - maint - charging - faulted - int(4 * noise(f"pi{site}", ago))
            values = {"picks_per_hour": round(pph), "safety_stops": per_sample.get((site, ago), 0),
                      "robots_active": active, "robots_charging": charging, "robots_faulted": faulted}  # fmt: skip
            rows += [(site, m, v, iso(start), int(start.timestamp())) for m, v in values.items()]
    return rows


def _jams(now: datetime) -> list[tuple[Any, ...]]:
    """Sorter jams over 72 hours: a few a day per sorter, and SRT/B/3's storm at divert 22."""
    causes = ["tote lid open", "label flap", "oversize parcel", "photo-eye blocked"]
    events: list[tuple[int, str, str, str, int, str]] = []
    for sorter, site, *_ in SORTERS:
        for slot in range(144):
            if noise(f"jm{sorter}", slot) < 0.1:
                ago = 30 * slot + 1 + int(28 * noise(f"ja{sorter}", slot))
                where = ["induct 1", "induct 2", "merge", f"divert {1 + int(30 * noise(f'jd{sorter}', slot))}"][
                    int(4 * noise(f"jl{sorter}", slot))]  # fmt: skip
                events.append((ago, sorter, site, where, 60 + int(240 * noise(f"jc{sorter}", slot)),
                               causes[int(4 * noise(f"jk{sorter}", slot))]))  # fmt: skip
    sorter, first, count = JAM_STORM
    for i in range(count):
        ago = first - 4 * i - (int(3 * noise("js", i)) if i else 0)
        events.append((ago, sorter, "DC-MAD-03", "divert 22", 90 + int(310 * noise("jc", i)), "divert shoe worn"))
    return [(iso(now - timedelta(minutes=a)), int((now - timedelta(minutes=a)).timestamp()), *rest)
            for a, *rest in sorted(events, reverse=True)]  # fmt: skip


def _sorter_series(now: datetime, jams: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Per sorter, 1-minute samples over 6 hours of parcels per minute, jams and recirculation percent."""
    per_minute: dict[tuple[str, int], int] = {}
    for _ts, epoch, sorter, *_ in jams:
        per_minute[(sorter, epoch // 60 * 60)] = per_minute.get((sorter, epoch // 60 * 60), 0) + 1
    rows: list[tuple[Any, ...]] = []
    for sorter, site, low, spread in SORTERS:
        for ago in range(1, 361):
            epoch = int((now - timedelta(minutes=ago)).timestamp())
            parcels = (low + spread * noise(f"sp{sorter}", ago)) * (1.05 if sorter == "SRT/A/1" and ago <= BELT else 1)
            if site == RTM and ago <= ONSET - 4:  # fewer picks, fewer parcels to sort
                parcels *= 0.62
            rows += [(sorter, "parcels_per_min", round(parcels), epoch),
                     (sorter, "jams", per_minute.get((sorter, epoch), 0), epoch),
                     (sorter, "recirc_pct", round(1.5 + 2.5 * noise(f"sc{sorter}", ago), 1), epoch)]  # fmt: skip
    return rows


def _backlog(now: datetime) -> list[tuple[Any, ...]]:
    """WMS order backlog per site, 15-minute snapshots over 7 days."""
    base = {RTM: (2800, 800), "DC-LEJ-01": (2200, 600), "DC-MAD-03": (1400, 500), "DC-BHX-01": (1800, 500)}
    rows: list[tuple[Any, ...]] = []
    for site, (low, spread) in base.items():
        for ago in range(0, 7 * DAY, 15):
            lines, late = low + spread * noise(f"bl{site}", ago), 40 * noise(f"bc{site}", ago)
            if site == RTM and ago < ONSET:
                lines, late = lines + 75 * (ONSET - ago), late + 12 * (ONSET - ago)
            at = now - timedelta(minutes=ago)
            orders = lines / (2.6 + 0.6 * noise(f"bo{site}", ago))
            rows.append((site, iso(at), int(at.timestamp()), int(orders), int(lines), int(late)))
    return rows


def _battery(now: datetime, robots: list[tuple[str, str, str, str, str]]) -> list[tuple[Any, ...]]:
    """Daily battery readings of every robot over 30 days."""
    rows: list[tuple[Any, ...]] = []
    for robot, site, *_ in robots:
        for d in range(30):
            day = f"{now - timedelta(days=d):%Y-%m-%d}"
            cycles = int(600 + 900 * noise(f"bcy{robot}", 0)) - 4 * d
            if robot == WEAK_BATTERY:
                soh, ohm, temp = 76.4 + 0.42 * d, 58 - 0.6 * d, 37 + 4 * noise("bt", d)
            else:
                soh = 90 + 7 * noise(f"bsh{robot}", 0) + 0.015 * d
                ohm, temp = 30 + 8 * noise(f"bo{robot}", 0), 31 + 6 * noise(f"bt{robot}", d)
            rows.append((day, d, robot, site, round(soh, 1), cycles, round(ohm, 1), round(temp, 1)))
    return rows


def _fleet_now(
    robots: list[tuple[str, str, str, str, str]], stops: list[tuple[Any, ...]], now: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The robot roster and the charging docks now: DC-RTM-02's 13 most-stopped robots since the onset are
    faulted, low batteries sit on the free docks."""
    storm = [s[0] for s in stops if s[1] == RTM and s[5] >= int((now - timedelta(minutes=ONSET)).timestamp())]
    faulted = sorted(set(storm), key=lambda r: (-storm.count(r), r))[:13]
    battery = {r[0]: 12 + int(83 * noise(f"bp{r[0]}", 0)) for r in robots}
    state: dict[str, tuple[str, str]] = {r: ("faulted", "3 protective stops in 10 min, manual reset required")
                                         for r in faulted}  # fmt: skip
    state.update({r: ("faulted", why) for r, why in LOST.items()})
    state.update({r: ("maintenance", f"out of service {m} min") for r, m in MAINTENANCE.items()})
    docks: list[tuple[Any, ...]] = []
    for site, short, *_, n in SITES:
        low = sorted((b, r) for r, b in battery.items() if r.split(".")[1] == short and r not in state and b < 28)
        for i in range(1, n + 1):
            dock = f"dock:{short}:{i:02d}"
            dstate, fault, at = DOCK_STATE.get(dock, ("idle", "", None))
            robot, kw = "", 0.0
            if dstate == "idle" and low:
                robot = low.pop(0)[1]
                state[robot] = ("charging", dock)
                dstate, kw = "charging", round((3.0 if site == "DC-MAD-03" else 2.6) + 0.3 * noise(f"kw{dock}", 0), 2)
            docks.append(
                (dock, site, dstate, robot, kw, fault, None if at is None else iso(now - timedelta(minutes=at)))
            )
    roster = []
    for robot, site, model, fw, zone in robots:
        st, why = state.get(robot, ("idle", "no task") if noise(f"ri{robot}", 0) < 0.04 else ("active", ""))
        seen = now - timedelta(minutes=MAINTENANCE.get(robot, int(2 * noise(f"rs{robot}", 0))))
        roster.append((robot, site, model, fw, zone, st, why, battery[robot], iso(seen)))
    return roster, docks


def _staffing(now: datetime) -> list[tuple[Any, ...]]:
    """Shift plans per site for today and yesterday (UTC dates)."""
    rows: list[tuple[Any, ...]] = []
    for d in (0, 1):
        day = f"{now - timedelta(days=d):%Y-%m-%d}"
        for site, (heads, leads) in STAFF.items():
            for i, (shift, hours) in enumerate(SHIFTS):
                planned, techs, note = heads[i], (3, 3, 2)[i], ""
                if d == 0 and site == RTM and shift == "late":
                    planned, techs, note = planned + 12, techs + 2, "+10 agency pickers, +2 robot techs (INC-88412)"
                confirmed = planned - int(3 * noise(f"hc{site}{shift}", d))
                rows.append((day, site, shift, f"{hours} local", planned, confirmed, confirmed - techs - 2, techs,
                             leads[i], note))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    robots = _robots()
    stops = _stops(now, robots)
    roster, docks = _fleet_now(robots, stops, now)
    jams = _jams(now)
    db.executemany("INSERT INTO sites VALUES (?,?,?,?,?,?,?,?,?)", [s[:9] for s in SITES])
    db.executemany("INSERT INTO robots VALUES (?,?,?,?,?,?,?,?,?)", roster)
    db.executemany("INSERT INTO fleet_config VALUES (?,?,?,?,?,?,?,?,?)", [(*c[:8], ago(c[8])) for c in FLEET_CONFIG])
    db.executemany("INSERT INTO telemetry VALUES (?,?,?,?,?)", _telemetry(now, stops, {s[0]: s[9] for s in SITES}))
    db.executemany("INSERT INTO stops VALUES (?,?,?,?,?,?)", stops)
    db.executemany("INSERT INTO sorter_series VALUES (?,?,?,?)", _sorter_series(now, jams))
    db.executemany("INSERT INTO jams VALUES (?,?,?,?,?,?,?)", jams)
    db.executemany("INSERT INTO backlog VALUES (?,?,?,?,?,?)", _backlog(now))
    db.executemany("INSERT INTO docks VALUES (?,?,?,?,?,?,?)", docks)
    db.executemany("INSERT INTO battery VALUES (?,?,?,?,?,?,?,?)", _battery(now, robots))
    db.executemany(
        "INSERT INTO rollouts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*r[:9], ago(r[9]), epoch(r[9]), ago(r[10]), r[11]) for r in ROLLOUTS],
    )
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?)", [(*c[:7], ago(c[7]), epoch(c[7]), c[8]) for c in CHANGES]
    )
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?)", [(*i[:6], ago(i[6]), ago(i[7])) for i in INCIDENTS]
    )
    db.executemany(
        "INSERT INTO safety VALUES (?,?,?,?,?,?,?,?,?)", [(*s[:6], ago(s[6]), epoch(s[6]), s[7]) for s in SAFETY]
    )
    db.executemany(
        "INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(*w[:6], ago(w[6]), ago(w[7]), ago(w[8]), w[9], w[10]) for w in WORK_ORDERS],
    )
    db.executemany("INSERT INTO staffing VALUES (?,?,?,?,?,?,?,?,?,?)", _staffing(now))
    db.executemany("INSERT INTO sops VALUES (?,?,?,?)", SOPS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Distribution-centre robotics and conveyor automation operations store (Harlow & Vane)"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
