"""A fourteenth estate, held out from the planner's tuning: the SCADA and network operations of a municipal water
utility (Vellmere Water).

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
pumping stations ``PS-North-07`` (mixed case), reservoirs ``RES_HILLTOP_2`` (underscores), pressure zones
``PZ 14B`` (a space), telemetry outstations ``rtu-0x3F2`` (hex), SCADA tags ``PS07.P2.AMPS``, setpoint changes
``SPC-981``, work orders ``WO-2026-003311``, incidents ``INC/2026/0042`` (slashes), valve operations
``VO-20417``, procedures ``OP-PUMP-007``, people as ``Okafor, J.``. Windows come as ISO dates without time
(``start_date`` / ``end_date``), ISO timestamps (``changed_after`` / ``changed_before``), ``minutes_back``,
``hours_back``, ``hours`` and ``days``; pressure has a ``granularity`` enum (5min, hour, day); one API takes a
SCADA tag path; two are narrow (tag / parameter, value, ts). :mod:`tests.ops_eval.fourteenth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; "T-45m" is the 5-minute sample starting then):

- over 7 days: the free chlorine residual at RES_MILLBROOK_1's outlet decays from about 0.92 to about 0.30 mg/l
  (the other reservoirs hold 0.68-0.86): INC/2026/0040 (monitoring), WO-2026-003301 (dosing pump recalibration,
  open); SPC-980 (T-80m) raises the booster dose 1.2 -> 1.5 mg/l: a slow trend;
- T-70h .. T-64h: rtu-0x1A7 (PS-Quarry-04) loses comms: INC/2026/0037, resolved (WO-2026-003290 replaced its
  radio): a resolved older incident; T-30h PS-East-11 P1 trips on undervoltage and restarts by itself;
- T-26h PS-North-07 P1 is isolated for a bearing change (WO-2026-003305, in progress); T-22h WO-2026-003298
  (P3 seal replacement) is closed with P3 left in MANUAL;
- T-300m SPC-974 lowers PRV-09A-01's outlet setpoint (PZ 09A) 3.0 -> 2.8 bar; T-180m SPC-977 raises PS-River-02
  P1's VFD max speed; T-110m SPC-979 moves RES_CASTLE_3's fill band: red herrings;
- T-58m SPC-981 (Okafor, J.) raises PS-North-07's duty discharge pressure setpoint 4.8 -> 6.2 bar for hydrant
  flushing: PZ 14B's pressure rises to 4.3-4.6 bar, the duty pump P2's motor current from about 61-64 A to
  79-86 A; T-45m P2 trips on overcurrent (VFD F0012) and the standby P3 fails to start (mode manual): from the
  sample starting T-45m (the onset) PZ 14B's pressure falls from 3.3-3.7 bar to 1.21-1.8 (lowest 1.21 at
  T-30m), its inlet flow FM-14B-01 from 38-46 to 7-12 l/s, and low pressure / no water complaints arrive (34
  since the onset); T-38m INC/2026/0042 (major, investigating); T-25m VO-20417 opens the PZ 09A interconnect
  V-14B-IC02 to 40%; T-17m P3 is started by hand (pressure 2.6-2.9 bar since); T-12m SPC-983 reverts the
  setpoint to 4.8 bar. OP-PUMP-007 says: put the standby's selector in AUTO, start it from SCADA, reset the VFD
  fault only after the motor has been checked.

The other zones (PZ 09A, PZ 21C, PZ 03D) stay healthy. No API reports energy (kWh), costs or billing, customer
names or addresses, rainfall or weather, crews or vehicles, lead or other lab samples; there is no PS-West-05,
no PZ 30F, no rtu-0x9FF and no INC/2026/0051. The pressure API takes UTC dates: just after midnight "today"
holds few samples.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.fourteenth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "vellmerescada"
DAY, H = 1440, 60
RAISE, TRIP, INC_OPENED, MANUAL, REVERT = 58, 45, 38, 17, 12  # minutes ago

#: station, zone fed, source, pumps, rtu, tag prefix, commissioned, duty discharge setpoint (bar)
STATIONS = [
    ("PS-North-07", "PZ 14B", "RES_HILLTOP_2", 3, "rtu-0x3F2", "PS07", 1998, 4.8),
    ("PS-River-02", "PZ 09A", "River Vell intake", 3, "rtu-0x2C9", "PS02", 1986, 5.2),
    ("PS-East-11", "PZ 21C", "RES_MILLBROOK_1", 3, "rtu-0x4B0", "PS11", 2011, 5.5),
    ("PS-Quarry-04", "PZ 03D", "RES_CASTLE_3", 3, "rtu-0x1A7", "PS04", 2004, 6.1),
]
#: station, pump, state, mode, rated kW, run hours, last trip (minutes ago), reason
PUMPS = [
    ("PS-North-07", "P1", "isolated", "manual", 90, 41210, None, ""),
    ("PS-North-07", "P2", "tripped", "auto", 90, 38877, TRIP, "overcurrent (VFD F0012)"),
    ("PS-North-07", "P3", "running", "manual", 90, 29954, None, ""),
    ("PS-River-02", "P1", "running", "auto", 132, 51002, None, ""),
    ("PS-River-02", "P2", "stopped", "auto", 132, 47310, None, ""),
    ("PS-River-02", "P3", "stopped", "auto", 132, 12077, 9 * DAY, "low suction pressure"),
    ("PS-East-11", "P1", "running", "auto", 75, 22419, 30 * H, "VFD undervoltage"),
    ("PS-East-11", "P2", "stopped", "auto", 75, 21988, None, ""),
    ("PS-East-11", "P3", "stopped", "auto", 75, 9034, None, ""),
    ("PS-Quarry-04", "P1", "running", "auto", 110, 33650, None, ""),
    ("PS-Quarry-04", "P2", "stopped", "auto", 110, 33121, None, ""),
    ("PS-Quarry-04", "P3", "stopped", "auto", 110, 8801, None, ""),
]
#: spc, asset, parameter, old, new, unit, by, minutes ago, reason, reference
CHANGES = [
    ("SPC-968", "RES_MILLBROOK_1", "booster_chlorine_dose", "1.0", "1.2", "mg/l", "Achterberg, L.", 2 * DAY + 200,
     "residual below 0.6 mg/l", "INC/2026/0040"),
    ("SPC-974", "PRV-09A-01", "outlet_pressure", "3.0", "2.8", "bar", "Maalouf, R.", 300,
     "night-time leakage reduction, PZ 09A", "PM-2026-011"),
    ("SPC-977", "PS-River-02 P1", "vfd_max_speed", "48", "50", "Hz", "Maalouf, R.", 180,
     "raise transfer to RES_HILLTOP_2", ""),
    ("SPC-979", "RES_CASTLE_3", "fill_band", "80-90", "82-92", "%", "Achterberg, L.", 110,
     "seasonal storage", ""),
    ("SPC-980", "RES_MILLBROOK_1", "booster_chlorine_dose", "1.2", "1.5", "mg/l", "Achterberg, L.", 80,
     "residual still falling", "INC/2026/0040"),
    ("SPC-981", "PS-North-07", "duty_discharge_pressure", "4.8", "6.2", "bar", "Okafor, J.", RAISE,
     "raise PZ 14B pressure for hydrant flushing", "WO-2026-003309"),
    ("SPC-983", "PS-North-07", "duty_discharge_pressure", "6.2", "4.8", "bar", "Lindqvist, M.", REVERT,
     "revert after P2 trip", "INC/2026/0042"),
]  # fmt: skip
#: asset, parameter, value, unit, last change, minutes ago
SETPOINTS = [
    ("PS-North-07", "duty_discharge_pressure", "4.8", "bar", "SPC-983", REVERT),
    ("PS-River-02", "duty_discharge_pressure", "5.2", "bar", "SPC-912", 95 * DAY),
    ("PS-River-02 P1", "vfd_max_speed", "50", "Hz", "SPC-977", 180),
    ("PS-East-11", "duty_discharge_pressure", "5.5", "bar", "SPC-951", 20 * DAY),
    ("PS-Quarry-04", "duty_discharge_pressure", "6.1", "bar", "SPC-940", 40 * DAY),
    ("PRV-09A-01", "outlet_pressure", "2.8", "bar", "SPC-974", 300),
    ("PRV-03D-02", "outlet_pressure", "4.5", "bar", "SPC-932", 60 * DAY),
    ("RES_HILLTOP_2", "fill_band", "65-85", "%", "SPC-925", 70 * DAY),
    ("RES_CASTLE_3", "fill_band", "82-92", "%", "SPC-979", 110),
    ("RES_MILLBROOK_1", "booster_chlorine_dose", "1.5", "mg/l", "SPC-980", 80),
]
#: rtu, site, comms path, status, last poll (minutes ago), poll success % 24h, firmware
RTUS = [
    ("rtu-0x3F2", "PS-North-07", "4G", "online", 1, 99.6, "ioline 5.2.1"),
    ("rtu-0x2C9", "PS-River-02", "fibre", "online", 1, 100.0, "ioline 5.2.1"),
    ("rtu-0x4B0", "PS-East-11", "radio", "degraded", 9, 87.2, "ioline 5.1.4"),
    ("rtu-0x1A7", "PS-Quarry-04", "radio", "online", 1, 99.1, "ioline 5.2.1"),
    ("rtu-0x5D1", "RES_HILLTOP_2", "radio", "online", 2, 98.8, "ioline 5.1.4"),
    ("rtu-0x5D2", "RES_MILLBROOK_1", "4G", "online", 1, 99.4, "ioline 5.2.1"),
    ("rtu-0x5D3", "RES_CASTLE_3", "radio", "online", 2, 98.3, "ioline 5.1.4"),
]
#: vo, valve, zone, action, position %, operator, minutes ago, reason
VALVES = [
    ("VO-20417", "V-14B-IC02", "PZ 14B", "open", 40, "Okafor, J.", 25, "support PZ 14B from PZ 09A (INC/2026/0042)"),
    ("VO-20411", "V-09A-022", "PZ 09A", "throttle", 60, "Maalouf, R.", 290, "step test after SPC-974"),
    ("VO-20405", "V-03D-007", "PZ 03D", "open", 100, "Brennan, T.", 20 * H, "return to service after repair"),
    ("VO-20399", "V-14B-031", "PZ 14B", "open", 100, "Okafor, J.", 47 * H, "flushing section restored"),
    ("VO-20398", "V-14B-031", "PZ 14B", "close", 0, "Okafor, J.", 49 * H, "isolate flushing section"),
    ("VO-20390", "V-21C-004", "PZ 21C", "throttle", 75, "Brennan, T.", 3 * DAY, "flushing after low chlorine"),
]
#: wo, asset, station, kind, priority, status, raised and closed (minutes ago), assignee, summary
WORK_ORDERS = [
    ("WO-2026-003311", "PS-North-07 P2", "PS-North-07", "corrective", "P1", "open", 40, None, "Brennan, T.",
     "investigate P2 overcurrent trip (VFD F0012), megger motor before reset"),
    ("WO-2026-003309", "hydrants PZ 14B", "PS-North-07", "planned", "P3", "in_progress", 5 * H, None, "Okafor, J.",
     "hydrant flushing programme PZ 14B, section 3"),
    ("WO-2026-003307", "rtu-0x4B0", "PS-East-11", "corrective", "P3", "open", 20 * H, None, "Sandoval, P.",
     "intermittent radio comms, check antenna and feeder"),
    ("WO-2026-003305", "PS-North-07 P1", "PS-North-07", "corrective", "P2", "in_progress", 26 * H, None,
     "Brennan, T.", "replace drive-end bearing, pump isolated"),
    ("WO-2026-003301", "RES_MILLBROOK_1 dosing pump", "PS-East-11", "corrective", "P2", "open", 30 * H, None,
     "Achterberg, L.", "recalibrate booster chlorine dosing pump, residual falling"),
    ("WO-2026-003298", "PS-North-07 P3", "PS-North-07", "corrective", "P3", "done", 2 * DAY, 22 * H,
     "Brennan, T.", "mechanical seal replaced; pump returned (selector left in MANUAL)"),
    ("WO-2026-003290", "rtu-0x1A7", "PS-Quarry-04", "corrective", "P2", "done", 69 * H, 64 * H, "Sandoval, P.",
     "radio module replaced, comms restored"),
]  # fmt: skip
#: inc, severity, status, zone, title, lead, opened and resolved (minutes ago)
INCIDENTS = [
    ("INC/2026/0042", "major", "investigating", "PZ 14B", "Low pressure in PZ 14B after PS-North-07 P2 trip",
     "Lindqvist, M.", INC_OPENED, None),
    ("INC/2026/0040", "significant", "monitoring", "PZ 21C", "Falling chlorine residual at RES_MILLBROOK_1 outlet",
     "Achterberg, L.", 26 * H, None),
    ("INC/2026/0037", "minor", "resolved", "PZ 03D", "Telemetry lost to rtu-0x1A7 (PS-Quarry-04)",
     "Sandoval, P.", 70 * H, 64 * H),
    ("INC/2026/0031", "significant", "resolved", "PZ 03D", "Burst main on Quarry Lane", "Brennan, T.",
     9 * DAY, 8 * DAY),
]  # fmt: skip
PROCEDURES = [
    ("OP-PUMP-007", "Duty pump trip and standby changeover", "rev 6",
     "If the duty pump trips and the standby does not start automatically, check the standby pump's local "
     "selector: it must be in AUTO. Put the standby's selector in AUTO and start it from SCADA, confirm discharge "
     "pressure recovers to the duty setpoint, and notify the network controller. Do not reset the tripped pump's "
     "VFD fault until the motor has been checked (insulation test) under a work order. Raise an incident when a "
     "zone's critical point pressure stays below 2.0 bar for more than 10 minutes."),
    ("OP-CL2-003", "Low chlorine residual at a service reservoir", "rev 3",
     "Free chlorine residual target at reservoir outlets is 0.5-1.0 mg/l. Below 0.5 mg/l: notify water quality, "
     "raise the booster dose by at most 0.3 mg/l per change, check the dosing pump, and sample the zone. Below "
     "0.2 mg/l: start the precautionary flushing plan and inform the regulator."),
    ("OP-RTU-002", "Telemetry outstation comms loss", "rev 4",
     "When an RTU misses polls for 15 minutes, switch the site to its backup path if it has one, send a "
     "technician for radio sites, and run the station locally; log an incident if comms are lost for an hour."),
    ("OP-PRS-005", "Pressure management setpoint changes", "rev 2",
     "PRV and pump discharge setpoint changes need a setpoint change record (SPC) with a reason. Raise pump "
     "discharge setpoints by at most 0.5 bar at a time and watch the duty pump's motor current for 15 minutes."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE stations (station TEXT PRIMARY KEY, zone_fed TEXT, source TEXT, pumps INTEGER, rtu TEXT,
                       tag_prefix TEXT, commissioned INTEGER, duty_setpoint_bar REAL);
CREATE TABLE pumps (station TEXT, pump TEXT, run_tag TEXT, state TEXT, mode TEXT, rated_kw INTEGER,
                    run_hours INTEGER, last_trip_at TEXT, last_trip_reason TEXT);
CREATE TABLE setpoints (asset TEXT, parameter TEXT, value TEXT, unit TEXT, last_change TEXT, changed_at TEXT);
CREATE TABLE setpoint_changes (spc TEXT PRIMARY KEY, asset TEXT, parameter TEXT, old_value TEXT, new_value TEXT,
                               unit TEXT, changed_by TEXT, changed_at TEXT, reason TEXT, ref TEXT);
CREATE TABLE tags (tag TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX tags_tag ON tags (tag, ts_epoch);
CREATE TABLE zone_pressure (zone TEXT, ts TEXT, ts_epoch INTEGER, bar REAL);
CREATE TABLE flows (meter TEXT, zone TEXT, ts TEXT, ts_epoch INTEGER, flow_ls REAL, velocity_ms REAL,
                    totaliser_m3 INTEGER);
CREATE TABLE reservoirs (reservoir TEXT, ts TEXT, ts_epoch INTEGER, level_pct REAL, level_m REAL,
                         inflow_ls REAL, outflow_ls REAL);
CREATE TABLE quality (site TEXT, parameter TEXT, value REAL, unit TEXT, ts TEXT, ts_epoch INTEGER);
CREATE TABLE rtus (rtu TEXT PRIMARY KEY, site TEXT, comms_path TEXT, status TEXT, last_poll TEXT,
                   poll_success_24h_pct REAL, firmware TEXT);
CREATE TABLE pump_events (ts TEXT, ts_epoch INTEGER, station TEXT, pump TEXT, event TEXT, detail TEXT);
CREATE TABLE valve_ops (vo TEXT PRIMARY KEY, valve TEXT, zone TEXT, action TEXT, position_pct INTEGER,
                        operator TEXT, ts TEXT, ts_epoch INTEGER, reason TEXT);
CREATE TABLE complaints (ref TEXT PRIMARY KEY, zone TEXT, category TEXT, ts TEXT, ts_epoch INTEGER);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, asset TEXT, station TEXT, kind TEXT, priority TEXT, status TEXT,
                          raised TEXT, closed TEXT, assignee TEXT, summary TEXT);
CREATE TABLE incidents (inc TEXT PRIMARY KEY, severity TEXT, status TEXT, zone TEXT, title TEXT, lead TEXT,
                        opened TEXT, resolved TEXT);
CREATE TABLE procedures (doc TEXT PRIMARY KEY, title TEXT, revision TEXT, body TEXT);
"""


def _at(now: datetime, minutes: float) -> tuple[str, int]:
    t = now - timedelta(minutes=minutes)
    return iso(t), int(t.timestamp())


def _tag_values(prefix: str, ago: int) -> dict[str, float]:
    """Every tag of one station, ``ago`` minutes before now."""
    n = lambda key: noise(f"{prefix}{key}", ago)  # noqa: E731
    out: dict[str, float] = {}
    if prefix == "PS07":
        p2_run, p3_run = ago > TRIP, ago <= MANUAL
        amps2 = 0.0 if not p2_run else (61 + 3 * n("a2") if ago > RAISE else 78 + 0.6 * (RAISE - ago) + 1.5 * n("a2"))
        if ago > RAISE:
            disch = 4.8 + 0.1 * n("d")
        elif ago > TRIP:
            disch = 6.0 + 0.15 * n("d")
        else:
            disch = (4.4 + 0.15 * n("d")) if p3_run else (1.9 + 0.15 * n("d"))
        out |= {"P1.RUN": 0, "P1.AMPS": 0.0, "P2.RUN": int(p2_run), "P2.AMPS": amps2, "P3.RUN": int(p3_run),
                "P3.AMPS": 63 + 3 * n("a3") if p3_run else 0.0, "DISCH.PRESS": disch}  # fmt: skip
    else:
        base = {"PS02": 96, "PS11": 52, "PS04": 74}[prefix]
        for p in ("P1", "P2", "P3"):
            run = p == "P1" or (prefix == "PS02" and p == "P2" and (ago // 120) % 3 == 0)
            out[f"{p}.RUN"] = int(run)
            out[f"{p}.AMPS"] = base + 4 * n(p) if run else 0.0
        out["DISCH.PRESS"] = {"PS02": 5.2, "PS11": 5.5, "PS04": 6.1}[prefix] + 0.12 * n("d")
    out["SUCT.PRESS"] = 1.6 + 0.05 * n("s")
    return {f"{prefix}.{k}": round(v, 2) for k, v in out.items()}


def _pressure(zone: str, ago: int) -> float:
    """A zone's critical point pressure (bar) in the 5-minute sample starting ``ago`` minutes ago."""
    x = noise(f"zp{zone}", ago)
    if zone == "PZ 14B":
        if ago == 30:
            return 1.21
        if ago <= 15:
            return round(2.6 + 0.3 * x, 2)
        if ago <= TRIP:
            return round(1.35 + 0.45 * x, 2)
        if ago < RAISE:
            return round(4.3 + 0.3 * x, 2)
        return round(3.3 + 0.4 * x, 2)
    if zone == "PZ 09A":
        return round((2.7 if ago < 300 else 2.9) + 0.3 * x, 2)
    return round({"PZ 21C": 3.8, "PZ 03D": 4.4}[zone] + 0.4 * x, 2)


def _flow(zone: str, ago: int) -> float:
    x = noise(f"fl{zone}", ago)
    if zone == "PZ 14B" and ago <= TRIP:
        return round(30 + 4 * x, 1) if ago <= 15 else round(7 + 5 * x, 1)
    low, spread = {"PZ 14B": (38, 8), "PZ 09A": (52, 8), "PZ 21C": (70, 10), "PZ 03D": (25, 6)}[zone]
    return round(low + spread * x, 1)


def _series(now: datetime) -> dict[str, list[tuple[Any, ...]]]:
    """Tags (1 minute, 6 h), zone pressure (5 minutes, 7 days), flows (5 minutes, 6 h), reservoir levels and
    water quality (hourly, 7 days)."""
    tags = [(tag, v, *_at(now, ago)) for s in STATIONS for ago in range(1, 361)
            for tag, v in _tag_values(s[5], ago).items()]  # fmt: skip
    zones = [s[1] for s in STATIONS]
    pressure = [(z, *_at(now, ago), _pressure(z, ago)) for z in zones for ago in range(5, 7 * DAY + 5, 5)]
    flows = []
    for z in zones:
        meter, total = f"FM-{z.split()[1]}-01", 100000 + int(50000 * noise("tot", len(z)))
        for ago in range(360, 0, -5):
            f = _flow(z, ago)
            total += int(f * 0.3)
            flows.append((meter, z, *_at(now, ago), f, round(f * 0.021, 2), total))
    levels = {"RES_HILLTOP_2": (70, 6, 6.0), "RES_MILLBROOK_1": (55, 10, 4.5), "RES_CASTLE_3": (82, 6, 8.0)}
    reservoirs, quality = [], []
    for res, (low, spread, depth) in levels.items():
        for h in range(7 * 24):
            ts = _at(now, h * H)
            pct = round(low + spread * noise(f"lv{res}", h), 1)
            inflow = round(60 + 30 * noise(f"in{res}", h), 1)
            reservoirs.append((res, *ts, pct, round(pct * depth / 100, 2), inflow,
                               round(inflow + 8 * (noise(f"out{res}", h) - 0.5), 1)))  # fmt: skip
            if res == "RES_MILLBROOK_1":
                cl = 0.31 + 0.0036 * h + 0.02 * (noise("cl", h) - 0.5)
            else:
                cl = 0.68 + 0.18 * noise(f"cl{res}", h)
            quality += [(res, "free_chlorine", round(cl, 2), "mg/l", *ts),
                        (res, "turbidity", round(0.08 + 0.12 * noise(f"tu{res}", h), 2), "NTU", *ts),
                        (res, "ph", round(7.2 + 0.4 * noise(f"ph{res}", h), 2), "pH", *ts)]  # fmt: skip
    return {"tags": tags, "zone_pressure": pressure, "flows": flows, "reservoirs": reservoirs, "quality": quality}


def _pump_events(now: datetime) -> list[tuple[Any, ...]]:
    """Pump events over 72 hours: PS-River-02 P2 cycling, PS-East-11 P1's restart, PS-North-07's story."""
    events: list[tuple[int, str, str, str, str]] = []
    for k in range(36):  # P2 runs 2 hours in every 6
        if k % 3 == 0:
            events += [(k * 120 + 121, "PS-River-02", "P2", "start", "auto: demand"),
                       (k * 120 + 1, "PS-River-02", "P2", "stop", "auto: demand met")]  # fmt: skip
    events += [
        (30 * H, "PS-East-11", "P1", "trip", "VFD undervoltage"),
        (30 * H - 2, "PS-East-11", "P1", "start", "auto restart after trip"),
        (50 * H, "PS-North-07", "P2", "start", "duty changeover"),
        (26 * H, "PS-North-07", "P1", "stop", "isolated for WO-2026-003305"),
        (TRIP, "PS-North-07", "P2", "trip", "overcurrent (VFD F0012)"),
        (TRIP, "PS-North-07", "P3", "start_failed", "auto start inhibited: selector in MANUAL"),
        (MANUAL, "PS-North-07", "P3", "start", "manual start from SCADA (Okafor, J.)"),
    ]
    return [(*_at(now, a), s, p, e, d) for a, s, p, e, d in sorted(events, key=lambda e: (-e[0], e[1], e[2]))]


def _complaints(now: datetime) -> list[tuple[Any, ...]]:
    """Customer contacts over 72 hours: a few per zone, taste/odour in PZ 21C, and PZ 14B's burst since the trip."""
    rows: list[tuple[str, str, float]] = []
    base = {"PZ 14B": 6, "PZ 09A": 5, "PZ 21C": 14, "PZ 03D": 8}
    cats = ["low_pressure", "discoloured", "taste_odour"]
    for zone, n in base.items():
        for i in range(n):
            cat = "taste_odour" if zone == "PZ 21C" and i % 2 == 0 else cats[int(3 * noise(f"cc{zone}", i))]
            rows.append((zone, cat, 120 + (4320 - 121) * noise(f"ca{zone}", i)))
    for i in range(34):
        rows.append(("PZ 14B", "no_water" if i % 10 in (3, 6, 9) else "low_pressure", TRIP - 1 - i * 1.2))
    rows.sort(key=lambda r: -r[2])
    return [(f"CC-{700101 + i}", z, c, *_at(now, a)) for i, (z, c, a) in enumerate(rows)]


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO stations VALUES (?,?,?,?,?,?,?,?)", STATIONS)
    prefix = {s[0]: s[5] for s in STATIONS}
    db.executemany(
        "INSERT INTO pumps VALUES (?,?,?,?,?,?,?,?,?)",
        [(s, p, f"{prefix[s]}.{p}.RUN", st, m, kw, rh, ago(t), why) for s, p, st, m, kw, rh, t, why in PUMPS],
    )
    db.executemany("INSERT INTO setpoints VALUES (?,?,?,?,?,?)", [(*s[:5], ago(s[5])) for s in SETPOINTS])
    db.executemany(
        "INSERT INTO setpoint_changes VALUES (?,?,?,?,?,?,?,?,?,?)", [(*c[:7], ago(c[7]), *c[8:]) for c in CHANGES]
    )
    series = _series(now)
    db.executemany("INSERT INTO tags VALUES (?,?,?,?)", series["tags"])
    db.executemany("INSERT INTO zone_pressure VALUES (?,?,?,?)", series["zone_pressure"])
    db.executemany("INSERT INTO flows VALUES (?,?,?,?,?,?,?)", series["flows"])
    db.executemany("INSERT INTO reservoirs VALUES (?,?,?,?,?,?,?)", series["reservoirs"])
    db.executemany("INSERT INTO quality VALUES (?,?,?,?,?,?)", series["quality"])
    db.executemany("INSERT INTO rtus VALUES (?,?,?,?,?,?,?)", [(*r[:4], ago(r[4]), *r[5:]) for r in RTUS])
    db.executemany("INSERT INTO pump_events VALUES (?,?,?,?,?,?)", _pump_events(now))
    db.executemany(
        "INSERT INTO valve_ops VALUES (?,?,?,?,?,?,?,?,?)", [(*v[:6], *_at(now, v[6]), v[7]) for v in VALVES]
    )
    db.executemany("INSERT INTO complaints VALUES (?,?,?,?,?)", _complaints(now))
    db.executemany(
        "INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(*w[:6], ago(w[6]), ago(w[7]), *w[8:]) for w in WORK_ORDERS],
    )
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?)", [(*i[:6], ago(i[6]), ago(i[7])) for i in INCIDENTS]
    )
    db.executemany("INSERT INTO procedures VALUES (?,?,?,?)", PROCEDURES)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Water utility SCADA and network operations store (Vellmere Water)"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
