"""A fifteenth estate, held out from the planner's tuning: the fibre-to-the-premises access network of a regional
broadband provider (Kestrelnet Fibre): exchange buildings (POPs), OLTs, GPON ports, street cabinets and ONTs.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
POPs have spaced names and three-letter codes (``Ashbury Cross`` / ``ASH``), OLTs are ``kinwell.olt2`` (site dot
device), GPON ports ``0/2/5`` (frame/slot/port, unique only within an OLT), ONT serials ``HWTC3F09A1C2`` /
``ALCL...`` (vendor letters and hex), subscriber accounts ``0038107`` (leading zeros), street cabinets
``FDH-K17``, feeder cables ``F-KNW-07``, change records ``CHG0004471`` (zero padded), major incidents ``MI0107``,
field jobs ``FJ20931``, fault tickets ``CS-884201``, knowledge articles ``KB-PON-003`` and methods of procedure
``MOP-22``; people are named in full (``Aoife Brennan``). Windows come as a ``window`` enum (15m, 1h, 6h, 24h),
ISO timestamps (``from_ts`` / ``to_ts``), ISO dates (``since_date`` / ``until_date``), ``minutes``,
``hours_back``, ``since_hours`` and ``days``; several APIs require an ``olt``; two are narrow (name, value, ts).
:mod:`tests.ops_eval.fifteenth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; "T-40m" is the 5-minute sample stamped then):

- over 7 days: dunmore.olt1's chassis temperature climbs from about 44 C to about 63.5 C while fan tray FT-1
  slows from about 7,200 to 4,100 rpm: a minor over-temperature alarm since it crossed 60 C, MI0105 (P3,
  monitoring), FJ20926 and CHG0004475 schedule the fan tray swap for tomorrow (T+20h): a slow trend; over 14
  days ashbury.olt1 0/1/4's daily peak utilisation rises from about 60% to about 90% (new subscribers);
- T-9d MI0101, a feeder cut by roadworks at Ashbury Cross, resolved after 11 hours; T-72h MI0104, a mains
  failure at the Dunmore Quay POP: dunmore.olt1 on battery (PSU input about 50 V) for 2h40m, resolved: resolved
  older incidents;
- T-6h CHG0004463 updates the BNG QoS policy (core); T-180m CHG0004466 upgrades ashbury.olt1 from R22.4.2 to
  R23.1.4 (the OLT restarts, its ONTs re-range within 15 minutes, alarms cleared); T-95m CHG0004469 moves
  dunmore.olt1's ports to DBA profile DBA-RES-1G-v2: red herrings;
- T-52m .. T-44m CHG0004471 (Tom Ashworth, contractor) re-terminates ODF-4 tray 12 at the Kinwell POP, moving
  feeder F-KNW-07's fibres 9-16 (kinwell.olt2 0/2/5 and 0/2/6) to new pigtails; from the sample at T-40m (the
  onset) both ports lose most of their ONTs: average ONT receive power falls from about -19.5 / -18.3 dBm to
  about -27.5 / -28 dBm (0/2/5's lowest average -28.6 dBm at T-25m), ONTs online on 0/2/5 from 58 to 12-19,
  on 0/2/6 from 43 to 6-9; port LOS alarms are critical, kinwell.olt2's CPU peaks at 78.4% at T-35m, customer
  "no service" tickets pour in; T-33m MI0107 (P1, investigating, Aoife Brennan); T-28m FJ20931 sends Dev Raman
  to ODF-4; T-20m emergency change CHG0004473 (in progress) cleans and re-seats tray 12; from T-10m 0/2/6 is
  back (43 of 44 online, LOS cleared) while 0/2/5 stays down (17 of 58 online, 41 ONTs in LOS): pigtail 9 is
  damaged and being spliced. KB-PON-003 says: suspect the ODF after patching work, clean and scope the
  connectors, do not reset the PON port or reboot the line card.

The other OLTs and ports stay healthy (receive power about -18 to -21 dBm). No API reports energy or power draw,
costs, SLA credits or revenue, customer names, phone numbers or addresses, OTDR traces or distances to a fault,
weather, or spare parts stock; there is no kinwell.olt3, no port 0/1/9 on ashbury.olt1, no FDH-K19, no
CHG0004480, no MI0109 and no Kinwell North POP.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.fifteenth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "kestrelnoc"
DAY, H = 1440, 60
PATCH, ONSET, MI_OPENED, DISPATCH, EMERGENCY, BACK = 52, 40, 33, 28, 20, 10  # minutes ago
FAULTY = ("kinwell.olt2", "0/2/5")
RECOVERED = ("kinwell.olt2", "0/2/6")

#: code, name, address, backup power, commissioned
POPS = [
    ("KNW", "Kinwell", "Unit 4, Fenner Street, Kinwell", "battery 4h + generator", 2019),
    ("ASH", "Ashbury Cross", "Old Exchange, 2 Station Approach, Ashbury Cross", "battery 4h", 2020),
    ("DNQ", "Dunmore Quay", "Harbour Road Depot, Dunmore Quay", "battery 2h", 2021),
]
#: olt, pop, vendor, model, software, uplinks, commissioned
OLTS = [
    ("kinwell.olt1", "KNW", "Huawei", "MA5800-X7", "V100R021C10", "2x10G", 2019),
    ("kinwell.olt2", "KNW", "Huawei", "MA5800-X7", "V100R021C10", "2x10G", 2022),
    ("ashbury.olt1", "ASH", "Nokia", "ISAM FX-8", "R23.1.4", "2x10G", 2020),
    ("dunmore.olt1", "DNQ", "Nokia", "ISAM FX-4", "R22.4.2", "1x10G", 2021),
]
#: olt, port, cabinet, feeder, ODF position, ONTs provisioned, ONTs offline for days (customer power), DBA profile
PORTS = [
    ("kinwell.olt1", "0/1/1", "FDH-K03", "F-KNW-02", "ODF-2 tray 3", 48, 0, "DBA-RES-1G"),
    ("kinwell.olt1", "0/1/2", "FDH-K05", "F-KNW-02", "ODF-2 tray 4", 52, 1, "DBA-RES-1G"),
    ("kinwell.olt1", "0/1/3", "FDH-K08", "F-KNW-03", "ODF-2 tray 7", 39, 0, "DBA-RES-1G"),
    ("kinwell.olt2", "0/2/4", "FDH-K11", "F-KNW-05", "ODF-4 tray 9", 41, 0, "DBA-RES-1G"),
    ("kinwell.olt2", "0/2/5", "FDH-K17", "F-KNW-07", "ODF-4 tray 12", 58, 0, "DBA-RES-1G"),
    ("kinwell.olt2", "0/2/6", "FDH-K18", "F-KNW-07", "ODF-4 tray 12", 44, 1, "DBA-RES-1G"),
    ("kinwell.olt2", "0/2/7", "FDH-K21", "F-KNW-09", "ODF-4 tray 15", 36, 0, "DBA-RES-1G"),
    ("ashbury.olt1", "0/1/1", "FDH-A02", "F-ASH-01", "ODF-1 tray 2", 55, 0, "DBA-RES-1G"),
    ("ashbury.olt1", "0/1/2", "FDH-A04", "F-ASH-01", "ODF-1 tray 3", 47, 0, "DBA-RES-1G"),
    ("ashbury.olt1", "0/1/3", "FDH-A06", "F-ASH-03", "ODF-1 tray 6", 50, 2, "DBA-RES-1G"),
    ("ashbury.olt1", "0/1/4", "FDH-A09", "F-ASH-03", "ODF-1 tray 8", 61, 0, "DBA-RES-1G"),
    ("dunmore.olt1", "0/1/1", "FDH-D01", "F-DNQ-01", "ODF-1 tray 1", 33, 1, "DBA-RES-1G-v2"),
    ("dunmore.olt1", "0/1/2", "FDH-D02", "F-DNQ-01", "ODF-1 tray 2", 29, 0, "DBA-RES-1G-v2"),
    ("dunmore.olt1", "0/1/3", "FDH-D04", "F-DNQ-02", "ODF-1 tray 4", 40, 0, "DBA-RES-1G-v2"),
]
#: cabinet, street location, pop, splitters, last inspected (days ago)
CABINETS = [
    ("FDH-K03", "Fenner Street / Quarry Road", "KNW", "1:32 x2", 120),
    ("FDH-K05", "Orchard Way", "KNW", "1:32 x2", 95),
    ("FDH-K08", "St Brigid's Close", "KNW", "1:32 x2", 40),
    ("FDH-K11", "Kinwell Retail Park", "KNW", "1:32 x2", 210),
    ("FDH-K17", "Mill Lane / Harcourt Road", "KNW", "1:32 x2", 60),
    ("FDH-K18", "Tanners Row", "KNW", "1:32 x2", 60),
    ("FDH-K21", "Canal Bank (north)", "KNW", "1:32 x2", 180),
    ("FDH-A02", "Station Approach", "ASH", "1:32 x2", 30),
    ("FDH-A04", "Lime Kiln Lane", "ASH", "1:32 x2", 75),
    ("FDH-A06", "Ashbury Green", "ASH", "1:32 x2", 9),
    ("FDH-A09", "Ridgeway Estate phase 2", "ASH", "1:32 x2", 14),
    ("FDH-D01", "Harbour Road", "DNQ", "1:32 x2", 150),
    ("FDH-D02", "Chandlers Yard", "DNQ", "1:32 x2", 150),
    ("FDH-D04", "Seafield Terrace", "DNQ", "1:32 x2", 45),
]
#: ONTs online and average / lowest receive power (dBm) on the two ODF-4 ports, per sample (minutes ago)
OUTAGE = {
    FAULTY: {40: (19, -27.4, -28.9), 35: (15, -27.8, -29.3), 30: (14, -28.1, -29.5), 25: (12, -28.6, -29.9),
             20: (16, -27.9, -29.2), 15: (18, -27.6, -28.8), 10: (17, -27.5, -28.6), 5: (17, -27.3, -27.9)},
    RECOVERED: {40: (9, -27.9, -29.0), 35: (7, -28.2, -29.4), 30: (6, -28.3, -29.4), 25: (6, -28.2, -29.1),
                20: (8, -28.0, -29.0), 15: (7, -27.9, -28.9)},
}  # fmt: skip
KNW2_CPU = {40: 64.0, 35: 78.4, 30: 52.6, 25: 41.3}
#: chg, title, site, target, type, status, implementer, start and end (minutes ago; negative: in the future)
CHANGES = [
    ("CHG0004458", "Bring PON port 0/1/3 into service (FDH-K08)", "KNW", "kinwell.olt1 0/1/3", "standard",
     "implemented", "Kasia Nowak", 2 * DAY + 300, 2 * DAY + 270),
    ("CHG0004463", "BNG QoS policy update for the Fibre 900 plan", "core", "bng-2", "normal", "implemented",
     "Priya Sethi", 6 * H, 6 * H - 25),
    ("CHG0004466", "OLT software upgrade R22.4.2 -> R23.1.4", "ASH", "ashbury.olt1", "normal", "implemented",
     "Kasia Nowak", 180, 165),
    ("CHG0004469", "DBA profile DBA-RES-1G -> DBA-RES-1G-v2 on 0/1/1-0/1/3", "DNQ", "dunmore.olt1", "normal",
     "implemented", "Priya Sethi", 95, 88),
    ("CHG0004471", "ODF-4 tray 12 re-termination: move feeder F-KNW-07 fibres 9-16 to new pigtails", "KNW",
     "kinwell.olt2 0/2/5, 0/2/6 (ODF-4 tray 12)", "standard", "implemented", "Tom Ashworth", PATCH, 44),
    ("CHG0004473", "Emergency: clean and re-seat ODF-4 tray 12 connectors (MI0107)", "KNW",
     "kinwell.olt2 0/2/5, 0/2/6 (ODF-4 tray 12)", "emergency", "in_progress", "Dev Raman", EMERGENCY, None),
    ("CHG0004475", "Replace fan tray FT-1 (MOP-22)", "DNQ", "dunmore.olt1", "normal", "scheduled", "Nell Ferris",
     -20 * H, -20 * H - 45),
]  # fmt: skip
#: mi, priority, status, title, lead, customers affected, opened and resolved (minutes ago)
INCIDENTS = [
    ("MI0107", "P1", "investigating", "Kinwell: mass LOS on kinwell.olt2 0/2/5 and 0/2/6 after ODF-4 work",
     "Aoife Brennan", 102, MI_OPENED, None),
    ("MI0105", "P3", "monitoring", "dunmore.olt1 chassis temperature rising, fan tray FT-1 slow", "Kasia Nowak", 0,
     14 * H, None),
    ("MI0104", "P2", "resolved", "Dunmore Quay POP mains failure, OLT on battery", "Aoife Brennan", 0,
     72 * H, 72 * H - 160),
    ("MI0101", "P1", "resolved", "Feeder F-ASH-03 cut by roadworks, Ashbury Cross", "Marek Halloran", 111,
     9 * DAY, 9 * DAY - 11 * H),
]  # fmt: skip
#: job, engineer, site, kind, status, created and updated (minutes ago), notes
JOBS = [
    ("FJ20931", "Dev Raman", "Kinwell POP, ODF-4", "fault", "on_site", DISPATCH, 11,
     "tray 12 fibres 13-16 (0/2/6) cleaned and re-seated, light restored; fibre 9 pigtail (0/2/5) damaged, "
     "splicing a new pigtail"),
    ("FJ20926", "Nell Ferris", "Dunmore Quay POP", "planned", "scheduled", 13 * H, 13 * H,
     "replace fan tray FT-1 on dunmore.olt1 tomorrow under CHG0004475"),
    ("FJ20919", "Sam Okoro", "FDH-A09 (Ridgeway Estate phase 2)", "planned", "scheduled", 2 * DAY, 2 * DAY,
     "survey for a second PON port to relieve ashbury.olt1 0/1/4"),
    ("FJ20911", "Nell Ferris", "Dunmore Quay POP", "fault", "completed", 72 * H - 180, 2 * DAY,
     "batteries checked after the mains failure, one string replaced"),
    ("FJ20908", "Dev Raman", "FDH-K05 (Orchard Way)", "fault", "completed", 4 * DAY, 4 * DAY - 200,
     "customer drop repaired for account 0038443"),
]  # fmt: skip
KB = [
    ("KB-PON-003", "Mass LOS on a PON port after work in the POP",
     "If most ONTs on one or more PON ports go LOS together shortly after patching or ODF work, suspect the ODF, "
     "not the OLT: check the change calendar for work on the feeder's ODF tray, measure the optical power at the "
     "ODF with a power meter, clean and scope every connector on the tray and re-seat them. ONT receive power "
     "should be better than -27 dBm. Do not reset the PON port or reboot the line card: it does not help and "
     "drops the ONTs that are still up. Open a major incident when more than 32 customers are affected."),
    ("KB-OLT-011", "OLT chassis over-temperature and fan tray faults",
     "A minor alarm is raised above 60 C chassis temperature; above 70 C the line cards throttle and then shut "
     "down. A falling fan tray speed with a rising temperature means a failing fan tray: schedule a swap "
     "(MOP-22), check the POP's air conditioning and clean the air filters."),
    ("MOP-22", "Fan tray hot swap on ISAM FX shelves",
     "Fan trays are hot swappable. Have the new tray ready, pull the old tray and insert the new one within 60 "
     "seconds, confirm the fan speed alarm clears and the chassis temperature falls within 30 minutes."),
    ("KB-SW-007", "ONT re-ranging after an OLT software upgrade",
     "After an OLT restart the ONTs re-range within 10-15 minutes; transient LOS and re-ranging alarms during that "
     "time need no action. Escalate if ONTs are still down 30 minutes after the upgrade."),
    ("KB-PWR-002", "POP mains failure",
     "POPs run on batteries after a mains failure (Kinwell 4h plus generator, Ashbury Cross 4h, Dunmore Quay 2h). "
     "Call the power company, dispatch an engineer with a portable generator when autonomy is below 2 hours."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE pops (code TEXT PRIMARY KEY, name TEXT, address TEXT, backup_power TEXT, commissioned INTEGER);
CREATE TABLE olts (olt TEXT PRIMARY KEY, pop TEXT, vendor TEXT, model TEXT, software TEXT, uplinks TEXT,
                   commissioned INTEGER);
CREATE TABLE pon_ports (olt TEXT, port TEXT, cabinet TEXT, feeder TEXT, odf TEXT, onts_provisioned INTEGER,
                        onts_online INTEGER, oper_state TEXT, dba_profile TEXT, state_since TEXT);
CREATE TABLE cabinets (cabinet TEXT PRIMARY KEY, location TEXT, pop TEXT, splitters TEXT, last_inspected TEXT);
CREATE TABLE onts (serial TEXT PRIMARY KEY, olt TEXT, port TEXT, ont_id INTEGER, account TEXT, model TEXT,
                   status TEXT, rx_dbm REAL, distance_m INTEGER, last_seen TEXT);
CREATE TABLE subscribers (account TEXT PRIMARY KEY, plan TEXT, serial TEXT, activated TEXT);
CREATE TABLE pon_optics (olt TEXT, port TEXT, ts TEXT, ts_epoch INTEGER, avg_rx_dbm REAL, min_rx_dbm REAL,
                         onts_online INTEGER, bip_errors INTEGER);
CREATE INDEX pon_optics_olt ON pon_optics (olt, port, ts_epoch);
CREATE TABLE olt_kpis (olt TEXT, metric TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE TABLE olt_env (olt TEXT, sensor TEXT, value REAL, ts TEXT);
CREATE TABLE pon_daily (olt TEXT, port TEXT, day TEXT, peak_util_pct REAL, peak_down_gbps REAL, peak_hour TEXT);
CREATE TABLE alarms (alarm_id INTEGER PRIMARY KEY, olt TEXT, object TEXT, severity TEXT, alarm TEXT, detail TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT);
CREATE TABLE changes (chg TEXT PRIMARY KEY, title TEXT, site TEXT, target TEXT, type TEXT, status TEXT,
                      implementer TEXT, start_ts TEXT, end_ts TEXT);
CREATE TABLE incidents (mi TEXT PRIMARY KEY, priority TEXT, status TEXT, title TEXT, lead TEXT,
                        customers_affected INTEGER, opened TEXT, resolved TEXT);
CREATE TABLE tickets (ticket TEXT PRIMARY KEY, account TEXT, pop TEXT, olt TEXT, port TEXT, category TEXT,
                      ts TEXT, ts_epoch INTEGER);
CREATE TABLE jobs (job TEXT PRIMARY KEY, engineer TEXT, site TEXT, kind TEXT, status TEXT, created TEXT,
                   updated TEXT, updated_epoch INTEGER, notes TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _at(now: datetime, minutes: float) -> tuple[str, int]:
    t = now - timedelta(minutes=minutes)
    return iso(t), int(t.timestamp())


def _onts(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[tuple[str, str], float]]:
    """Every ONT now, its subscriber, and each port's healthy mean receive power."""
    vendor = {o[0]: ("HWTC", "HG8010H") if o[2] == "Huawei" else ("ALCL", "G-010G-Q") for o in OLTS}
    onts, subs, means = [], [], {}
    k = 0
    for olt, port, _cab, _f, _odf, n, offline, _dba in PORTS:
        values, base = [], 16.6 + round(2.0 * noise("base", zlib.crc32(f"{olt}{port}".encode())), 1)
        for i in range(n):
            key = f"{olt}:{port}:{i}"
            serial = vendor[olt][0] + f"{zlib.crc32(key.encode()):08X}"
            account = f"{38100 + 7 * k:07d}"
            k += 1
            rx = round(-(base + 3.2 * noise("rx", k)), 1)
            distance = int(700 + 5200 * noise("dist", k))
            status, seen = "online", 1
            if i >= n - offline:
                status, rx, seen = "dying_gasp", None, 3 * DAY + 40 * i
            elif (olt, port) == FAULTY:
                if i < 17:
                    rx = round(-(26.4 + 1.5 * noise("rx255", i)), 1)
                else:
                    status, rx, seen = "los", None, ONSET
            if rx is not None and (olt, port) != FAULTY:
                values.append(rx)
            onts.append((serial, olt, port, i + 1, account, vendor[olt][1], status, rx, distance, iso(now - timedelta(
                minutes=seen))))  # fmt: skip
            plan = ["Fibre 150", "Fibre 500", "Fibre 900"][int(3 * noise("plan", k))]
            subs.append((account, plan, serial, f"{now - timedelta(days=30 + int(900 * noise('act', k))):%Y-%m-%d}"))
        means[(olt, port)] = round(sum(values) / len(values), 2) if values else -19.6
    means[FAULTY] = -19.6
    return onts, subs, means


def _optics(now: datetime, means: dict[tuple[str, str], float]) -> list[tuple[Any, ...]]:
    """Per-port optics every 5 minutes for 24 hours; the outage on the ODF-4 ports, ashbury.olt1's restart."""
    rows = []
    for olt, port, _c, _f, _o, n, offline, _d in PORTS:
        for ago in range(5, DAY + 5, 5):
            x = noise(f"op{olt}{port}", ago)
            online, avg, low, bip = n - offline, round(means[(olt, port)] + 0.3 * (x - 0.5), 1), None, int(25 * x)
            low = round(avg - 2.1 - 0.4 * x, 1)
            bad = OUTAGE.get((olt, port), {}).get(ago)
            if bad:
                online, avg, low, bip = bad[0], bad[1], bad[2], 4000 + int(3000 * x)
            if olt == "ashbury.olt1" and ago in (180, 175):
                online, avg, low, bip = 0, None, None, 0
            elif olt == "ashbury.olt1" and ago == 170:
                online = (n - offline) // 2
            rows.append((olt, port, *_at(now, ago), avg, low, online, bip))
    return rows


def _kpis(now: datetime, optics: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """OLT KPIs every 5 minutes for 6 hours, narrow: cpu_pct, uplink_in_gbps, onts_online."""
    online: dict[tuple[str, str], int] = {}
    for olt, _port, ts, _e, _a, _l, n, _b in optics:
        online[(olt, ts)] = online.get((olt, ts), 0) + n
    rows = []
    for olt, *_ in OLTS:
        for ago in range(5, 6 * H + 5, 5):
            ts, epoch = _at(now, ago)
            x = noise(f"cpu{olt}", ago)
            cpu = 18 + 8 * x
            if olt == "kinwell.olt2" and ago in KNW2_CPU:
                cpu = KNW2_CPU[ago]
            if olt == "ashbury.olt1" and ago in (180, 175):
                continue
            if olt == "ashbury.olt1" and ago == 170:
                cpu = 49.5
            n = online[(olt, ts)]
            for metric, value in (("cpu_pct", cpu), ("uplink_in_gbps", n * 0.035 + 0.4 * x), ("onts_online", n)):
                rows.append((olt, metric, round(value, 1), ts, epoch))
    return rows


def _env(now: datetime) -> list[tuple[Any, ...]]:
    """Chassis sensors hourly for 7 days, narrow: dunmore.olt1 warming as its fan tray slows, its mains failure."""
    rows = []
    for olt, *_ in OLTS:
        for h in range(7 * 24):
            x = noise(f"env{olt}", h)
            age = (167 - h) / 167
            if olt == "dunmore.olt1":
                temp, rpm = 44.0 + 19.5 * age + 0.6 * (x - 0.5), 7200 - 3100 * age + 40 * x
            else:
                temp, rpm = 38.0 + 5.0 * x, 6900 + 400 * noise(f"rpm{olt}", h)
            volts = {72: 50.6, 71: 50.1, 70: 49.7}.get(h, 0) if olt == "dunmore.olt1" else 0
            ts = iso(now - timedelta(hours=h))
            rows += [(olt, "chassis_temp_c", round(temp, 1), ts), (olt, "fan_tray_rpm", int(rpm), ts),
                     (olt, "psu_input_v", volts or round(53.4 + 0.4 * noise(f"v{olt}", h), 1), ts)]  # fmt: skip
    return rows


def _daily(now: datetime) -> list[tuple[Any, ...]]:
    """Each port's daily peak downstream utilisation for 14 days: ashbury.olt1 0/1/4 filling up."""
    rows = []
    for olt, port, *_ in PORTS:
        for d in range(14):
            x = noise(f"pk{olt}{port}", d)
            util = 60.0 + 2.35 * (13 - d) + 1.2 * x if (olt, port) == ("ashbury.olt1", "0/1/4") else 35 + 27 * x
            hour = 20 + int(3 * noise(f"ph{olt}{port}", d))
            rows.append((olt, port, f"{now - timedelta(days=d):%Y-%m-%d}", round(util, 1), round(util * 0.02488, 2),
                         f"{hour:02d}:00"))  # fmt: skip
    return rows


def _alarms(now: datetime, env: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Alarms over 10 days: the outage's port alarms, dunmore.olt1's heat and mains, ashbury.olt1's restart."""
    hot = max(h for h in range(168) if next(r[2] for r in env if r[0] == "dunmore.olt1" and r[1] == "chassis_temp_c"
                                            and r[3] == iso(now - timedelta(hours=h))) > 60.0)  # fmt: skip
    rows = [
        ("kinwell.olt2", "0/2/5", "critical", "PON LOS", "41 of 58 ONTs in LOS", ONSET, None),
        ("kinwell.olt2", "0/2/5", "major", "upstream BIP errors", "BIP error rate above threshold", ONSET - 1, None),
        ("kinwell.olt2", "0/2/6", "critical", "PON LOS", "36 of 44 ONTs in LOS", ONSET, BACK),
        ("kinwell.olt2", "0/2/6", "warning", "ONT dying gasp", "ONT 44 (customer power)", 3 * DAY + 40 * 43, None),
        ("kinwell.olt1", "0/1/2", "warning", "ONT dying gasp", "ONT 28 lost power", 5 * H, 5 * H - 10),
        ("ashbury.olt1", "NE", "major", "NE restart", "restart for software upgrade CHG0004466", 180, 168),
        ("ashbury.olt1", "0/1/1-0/1/4", "warning", "ONT re-ranging", "ONTs re-ranging after restart", 178, 165),
        ("dunmore.olt1", "chassis", "minor", "high temperature", "chassis temperature above 60 C", hot * H, None),
        ("dunmore.olt1", "FT-1", "warning", "fan speed low", "fan tray FT-1 below 5000 rpm", 2 * DAY, None),
        ("dunmore.olt1", "PSU-A", "critical", "mains input lost", "running on battery", 72 * H, 72 * H - 160),
        ("ashbury.olt1", "0/1/3", "critical", "PON LOS", "feeder F-ASH-03 cut", 9 * DAY, 9 * DAY - 11 * H),
    ]
    rows.sort(key=lambda r: -r[5])
    return [(77800 + i, o, obj, sev, a, d, *_at(now, r), iso(now - timedelta(minutes=c)) if c is not None else None)
            for i, (o, obj, sev, a, d, r, c) in enumerate(rows)]  # fmt: skip


def _tickets(onts: list[tuple[Any, ...]], now: datetime) -> list[tuple[Any, ...]]:
    """Customer fault tickets over 72 hours: a few per port, then the outage's no-service tickets."""
    pop = {o[0]: o[1] for o in OLTS}
    accounts: dict[tuple[str, str], list[str]] = {}
    for ont in onts:
        accounts.setdefault((ont[1], ont[2]), []).append(ont[4])
    rows: list[tuple[str, str, str, str, float]] = []
    cats = ["intermittent", "slow_speed", "wifi_issue", "no_service"]
    for olt, port, *_ in PORTS:
        for i in range(2 + int(4 * noise(f"tk{olt}{port}", 0))):
            rows.append((accounts[(olt, port)][i * 3], olt, port, cats[int(4 * noise(f"tc{olt}{port}", i))],
                         130 + (3 * DAY - 131) * noise(f"ta{olt}{port}", i)))  # fmt: skip
    for i in range(35):
        rows.append((accounts[FAULTY][17 + i % 41], *FAULTY, "intermittent" if i % 9 == 4 else "no_service",
                     ONSET - 1 - i * 1.05))  # fmt: skip
    for i in range(19):
        rows.append((accounts[RECOVERED][i * 2], *RECOVERED, "no_service", ONSET - 1.5 - i * 1.4))
    rows.sort(key=lambda r: -r[4])
    return [(f"CS-{884101 + i}", a, pop[o], o, p, c, *_at(now, m)) for i, (a, o, p, c, m) in enumerate(rows)]


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO pops VALUES (?,?,?,?,?)", POPS)
    db.executemany("INSERT INTO olts VALUES (?,?,?,?,?,?,?)", OLTS)
    onts, subs, means = _onts(now)
    state = {FAULTY: ("down", ONSET), RECOVERED: ("up", BACK), ("kinwell.olt1", "0/1/3"): ("up", 2 * DAY + 270)}
    ports = []
    for olt, port, cab, feeder, odf, n, _off, dba in PORTS:
        online = sum(1 for o in onts if o[1] == olt and o[2] == port and o[6] == "online")
        oper, since = state.get((olt, port), ("up", 165 if olt == "ashbury.olt1" else 30 * DAY))
        ports.append((olt, port, cab, feeder, odf, n, online, oper, dba, ago(since)))
    db.executemany("INSERT INTO pon_ports VALUES (?,?,?,?,?,?,?,?,?,?)", ports)
    db.executemany("INSERT INTO cabinets VALUES (?,?,?,?,?)",
                   [(*c[:4], f"{now - timedelta(days=c[4]):%Y-%m-%d}") for c in CABINETS])  # fmt: skip
    db.executemany("INSERT INTO onts VALUES (?,?,?,?,?,?,?,?,?,?)", onts)
    db.executemany("INSERT INTO subscribers VALUES (?,?,?,?)", subs)
    optics = _optics(now, means)
    db.executemany("INSERT INTO pon_optics VALUES (?,?,?,?,?,?,?,?)", optics)
    db.executemany("INSERT INTO olt_kpis VALUES (?,?,?,?,?)", _kpis(now, optics))
    env = _env(now)
    db.executemany("INSERT INTO olt_env VALUES (?,?,?,?)", env)
    db.executemany("INSERT INTO pon_daily VALUES (?,?,?,?,?,?)", _daily(now))
    db.executemany("INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?)", _alarms(now, env))
    db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?)", [(*c[:7], ago(c[7]), ago(c[8])) for c in CHANGES])
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?)", [(*i[:6], ago(i[6]), ago(i[7])) for i in INCIDENTS]
    )
    db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?)", _tickets(onts, now))
    db.executemany("INSERT INTO jobs VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*j[:5], ago(j[5]), *_at(now, j[6]), j[7]) for j in JOBS])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Fibre access network operations store (Kestrelnet Fibre): POPs, OLTs, PON ports, ONTs"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
