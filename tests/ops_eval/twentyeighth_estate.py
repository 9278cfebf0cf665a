"""A twenty-eighth estate, held out from the planner's tuning: the public charging network of an electric vehicle charge
point operator (Tallowmere Charge: six sites in Lancashire and Cumbria, two motorway hubs, Forton Services on the M6
(``FORTON-M6``) and Carlisle Gateway (``CARLISLE-GW``), with Voltaris HX-150 dispensers fed by power cabinets, a retail
park at Kendal (``KENDAL-RP``), a council car park on Lancaster's quay (``LANCASTER-SGQ``), a lakeside car park at
Windermere (``WINDERMERE-LK``) and a van fleet's depot at Bamber Bridge (``BAMBER-DEPOT``); forty-nine chargers, DC
rapid (Voltaris HX-150 and HX-50: CCS2 and CHAdeMO) and AC (Linnwell LW-22: two Type 2 sockets)): sites, chargers and
their connectors, grid connections (Northfell Networks, the DNO) and site power limits, live connector status and OCPP
connections (heartbeats), charge sessions (energy, durations, failed starts and their OCPP error codes and vendor
codes), failed starts summed per charger, hourly site KPIs, site power every 15 minutes against the load management
limit, power cabinets (live and daily peak temperatures), the Faulted log, uptime, payment terminal faults, OCPP
messages, firmware versions and rollouts, change records, field jobs, supplier cases (Voltaris, the DC charger maker;
Linnwell, the AC charger maker; Tapwise, the payment terminals), supplier contacts, driver complaints from the app,
planned works (the DNO's too), the on-call rota, the NOC shift leads, the NOC log and the knowledge base.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
sites are upper-case place slugs (``FORTON-M6``, ``BAMBER-DEPOT``); chargers are lower-case OCPP identities with
underscores (``frt_dc03``, ``bmb_ac07``), connectors numbers per charger (1, 2); power cabinets ``cgw_pc_b``; payment
terminals ``TW7-004418``; sessions ``tx`` and a number; change records ServiceNow style (``CHG0041377``), as are
Tapwise's incidents (``INC0771203``) and the knowledge base (``KB0010063``); Voltaris cases ``CAS-48391-K2D8TX``,
Linnwell's ``LNW-58213``; field jobs with a slash (``FJ/44124``); the DNO's planned interruptions ``NFN/PI/448190``;
planned works ``PLN-0912``; firmware campaigns ``FWC-37``; complaints ``FB118233``; NOC log entries ``NL-8844``;
firmware ``3.5.0``; the CSMS is ``Helix CSMS 5.8.3``; people are named in full (``Daniel Osei``). Windows come as epoch
milliseconds (``start_ms`` / ``end_ms``), ``since_hours``, ``hours_back``, an SQLite date modifier (``offset``:
``-6 hours``), ``last_n_days``, UTC date-times with a space (``from_time`` / ``to_time``: ``2026-05-14 09:30``), RFC
3339 (``since``), ``minutes``, ``days``, ``days_back``, an ISO date (``opened_after``), ``weeks`` and hours around now
(``lookback_hours`` / ``horizon_hours``). :mod:`tests.ops_eval.twentyeighth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; sessions are kept 7 days, hourly KPIs are hours aligned
to now, hour h from T-60(h+1)m to T-60hm, site power buckets are 15 minutes aligned the same way; cabinet readings
daily at T-45m, T-1d-45m, ... (each the peak over the 24 hours before it); on-call weeks run from Monday 09:00 UTC and
NOC shifts are 06:00-14:00, 14:00-22:00 and 22:00-06:00 UTC, with the story's people on the week and the shift running
now whatever the hour, so the NOC log's entries of the last few hours may predate a boundary):

- over 90 days: Carlisle's power cabinet B (``cgw_pc_b``, feeding cgw_dc04-06) gets hotter: its daily peak internal
  temperature rises from about 40.7 C three months ago (46.5 a month ago) to 56.8 C now, at or above the 55 C derating
  threshold since the reading 3 days ago; it is derated to 70% (315 of 450 kW) now, so cgw_dc04-06 peak at 105 kW
  at most (drivers complain of slow charging); Voltaris (CAS-48213-V7Q2M9, Henrik Aalto): clogged intake filters and a
  worn fan tray FT-2, replaced on FJ/44102 (PLN-0912) in 6 days; every other cabinet peaks between 33 and 44 C: a slow
  trend;
- this week: bmb_ac07's socket 2 goes Faulted 13 times on ConnectorLockFailure (the most of any charger; Linnwell
  LNW-58213, Owain Price: a lock actuator batch that sticks in the cold, replacements shipped; FJ/44109 awaiting
  parts); Kendal's payment terminal TW7-004418 on knd_dc01 is in a reboot loop 6 times (Tapwise INC0771203, terminal
  firmware 2.14; Kendal: 7 terminal faults, the most); lsq_ac03 has been offline (no heartbeat) since T-1900m (its 4G
  router, FJ/44121 tomorrow: the worst uptime of the week, 81.15%); wnd_ac04 went offline at T-75m (FJ/44125); a
  Northfell planned interruption (NFN/PI/448190) takes Kendal's power off from T+150m to T+390m;
- T-178m .. T-159m CHG0041377 (Ilona Kowalczyk, firmware engineer; FWC-37 wave 2) puts Voltaris HX firmware 3.5.0 on
  Forton's dispensers one at a time (frt_dc01 done T-172m .. frt_dc06 T-160m); frt_dc05 is skipped, being out of
  service for a CCS2 cable swap (FJ/44118, T-250m .. T-150m), and stays on 3.4.2. From T-165m (the first failure, on
  frt_dc01) the CCS2 connectors of the five 3.5.0 dispensers fail about 70% of starts with EVCommunicationError /
  SLAC_MATCH_TIMEOUT, drivers often retrying at once (no other start fails at Forton since T-250m: CHAdeMO and
  frt_dc05 are fine, and so are wave 1's HX-50 units at Kendal and Lancaster): Forton's start success falls from
  82-100% an hour to 37.5, 46.2 and 16.7% (27 failed starts in the last 3 hours, 35 in 24); 8 drivers complain through
  the app; T-140m the NOC shift lead Hannah Okonjo calls NOC engineering on call, T-123m Daniel Osei finds it is CCS2
  only, on the 3.5.0 units only (FJ/44124), T-110m he raises CAS-48391-K2D8TX (Voltaris, Marta Ruiz: known issue
  VLT-KI-0217, 3.5.0 with PLC modem rev C; roll back to 3.4.2 or wait for 3.5.1) and pauses wave 3; T-48m emergency
  CHG0041386 (roll back to 3.4.2) approved by the duty manager Victor Hale, planned T+25m;
- red herrings: CHG0041370 (Forton's site limit 1,100 -> 1,200 kW, Imogen Pryor, T-200m .. T-197m, just before the
  wave; Forton has drawn 661 kW at most since), CHG0041365 (Helix CSMS 5.8.2 -> 5.8.3, T-330m), CHG0041352
  (Kendal's terminal config, T-26h), CHG0041358 (wave 1, 6 days ago); frt_dc05's coolant faults; the payment
  terminals; lsq_ac03 and wnd_ac04; Carlisle's slow
  charging.

On call this week: NOC engineering Daniel Osei (secondary Leah Brennan), field Lancashire Chloe Ashworth, field Cumbria
Gethin Rowlands, grid and power Imogen Pryor, duty manager Victor Hale. NOC shift lead now: Hannah Okonjo (before her
Sinead Farrell, next Tomasz Wilk). Voltaris's service desk is +44 1632 960614, its escalation contact Birgit Lund.
Forton's connection is 1,500 kVA with the site limit at 1,200 kW; Bamber's 315 kVA, limited to 280 kW.

No API reports prices, tariffs, revenue, refunds or electricity costs, vehicles (makes or models), weather, demand
forecasts, staffing or overtime, or warranties; there is no Penrith site, no frt_dc09 and no CAS-99999-ZZ9ZZ9;
sessions, hourly KPIs and site power are kept 7 days, cabinet readings 90 days, outages 35 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.twentyeighth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "tallowmere_cpo"
DAY = 1440
WEEK = 7 * DAY
HOURS, BUCKETS, CAB_DAYS = 7 * 24, 7 * 96, 90
#: FWC-37 wave 2 on Forton: each dispenser's install window (minutes ago: from, done) and its first CCS2 attempt after
WAVE_START, WAVE_DONE = 178, 159
INSTALL = {"frt_dc01": (178, 172), "frt_dc02": (175, 169), "frt_dc03": (172, 166), "frt_dc04": (169, 163),
           "frt_dc06": (166, 160)}  # fmt: skip
FIRST_FAIL = {"frt_dc01": 165, "frt_dc02": 164, "frt_dc03": 161, "frt_dc04": 158, "frt_dc06": 156}
#: the share of CCS2 starts that fail on a 3.5.0 HX-150 after its install, and how often the driver retries at once
SLAC_FAIL, RETRY = 0.7, 0.5
#: frt_dc05 out of service for its CCS2 cable swap (FJ/44118)
FRT05_OUT = (250, 150)
#: CHG0041370: Forton's site limit 1,100 -> 1,200 kW
LIMIT_START, LIMIT_DONE = 200, 197
CSMS_UPGRADE = 330
#: cgw_pc_b derating since (minutes ago): cgw_dc04-06 peak at 105 kW at most
DERATE_SINCE = 3 * DAY + 200
LSQ_AC03_OFF, WND_AC04_OFF = 1900, 75
#: the Northfell planned interruption at Kendal (minutes ahead)
DNO_FROM, DNO_TO = 150, 390

#: site, name, type, address, host, opened, notes
SITES = [
    ("BAMBER-DEPOT", "Bamber Bridge depot", "fleet depot", "Brindle Road, Bamber Bridge, Preston",
     "Ribblevan Logistics (van fleet, private)", 2022,
     "12 AC posts and 2 rapids for Ribblevan's vans, mostly overnight"),
    ("CARLISLE-GW", "Carlisle Gateway", "motorway hub", "M6 J44, Kingstown, Carlisle", "Gateway Services Ltd", 2023,
     "6 HX-150 dispensers on two power cabinets (cgw_pc_a: dc01-03, cgw_pc_b: dc04-06), 2 AC posts"),
    ("FORTON-M6", "Forton Services", "motorway hub", "M6 between J32 and J33, Forton, Lancashire",
     "Forton Services (landlord)", 2022,
     "6 HX-150 dispensers on three power cabinets (frt_pc_a: dc01-02, frt_pc_b: dc03-04, frt_pc_c: dc05-06), "
     "2 AC posts"),
    ("KENDAL-RP", "Kendal Shap Road Retail Park", "retail car park", "Shap Road, Kendal", "Shap Road Retail LLP",
     2021, "2 HX-50 rapids and 6 AC posts"),
    ("LANCASTER-SGQ", "Lancaster St George's Quay car park", "council car park", "St George's Quay, Lancaster",
     "Lancaster City Council", 2021, "1 HX-50 rapid and 4 AC posts"),
    ("WINDERMERE-LK", "Windermere Lakeside car park", "visitor car park", "Lakeside, Newby Bridge",
     "Lakeside Estates", 2023, "2 HX-50 rapids and 4 AC posts; seasonal"),
]  # fmt: skip
SITE_PREFIX = {"frt": "FORTON-M6", "cgw": "CARLISLE-GW", "knd": "KENDAL-RP", "lsq": "LANCASTER-SGQ",
               "bmb": "BAMBER-DEPOT", "wnd": "WINDERMERE-LK"}  # fmt: skip
#: site, DNO, MPAN, supply, capacity kVA, connection, site limit kW, load management
GRID = [
    ("BAMBER-DEPOT", "Northfell Networks", "16 0000 4471 208", "LV 400 V from the depot's board", 315, "firm",
     280, "Helix smart charging: shares the limit across the posts, vans by departure time (CHG0041340: 250 -> 280)"),
    ("CARLISLE-GW", "Northfell Networks", "16 0000 6120 933", "HV 11 kV, own 1,250 kVA transformer", 1000, "firm",
     900, "static: each cabinet capped at 450 kW"),
    ("FORTON-M6", "Northfell Networks", "16 0000 3904 517", "HV 11 kV, own 1,600 kVA transformer", 1500, "firm",
     1200, "dynamic load management across the three cabinets (CHG0041370: 1,100 -> 1,200 kW)"),
    ("KENDAL-RP", "Northfell Networks", "16 0000 2281 406", "LV 400 V from the retail park's substation", 400,
     "firm", 360, "static"),
    ("LANCASTER-SGQ", "Northfell Networks", "16 0000 1795 322", "LV 400 V, street feeder pillar", 200, "firm", 180,
     "static"),
    ("WINDERMERE-LK", "Northfell Networks", "16 0000 5530 719", "LV 400 V", 250, "flexible (ANM)", 220,
     "static; Northfell may curtail to 150 kW on request"),
]  # fmt: skip
SITE_LIMIT = {g[0]: g[6] for g in GRID}

_HX150 = ("Voltaris HX-150 dispenser", "DC", 150, "1: CCS2 (150 kW, liquid-cooled); 2: CHAdeMO (50 kW)")
_HX50 = ("Voltaris HX-50", "DC", 50, "1: CCS2 (50 kW); 2: CHAdeMO (50 kW)")
_LW22 = ("Linnwell LW-22", "AC", 22, "1: Type 2 socket (22 kW); 2: Type 2 socket (22 kW)")
#: prefix -> [(number, kind, cabinet)], installed
_LAYOUT = {
    "frt": ([*[(i, _HX150, f"frt_pc_{'abc'[(i - 1) // 2]}") for i in range(1, 7)], *[(i, _LW22, "") for i in (1, 2)]],
            2022),
    "cgw": ([*[(i, _HX150, f"cgw_pc_{'ab'[(i - 1) // 3]}") for i in range(1, 7)], *[(i, _LW22, "") for i in (1, 2)]],
            2023),
    "knd": ([*[(i, _HX50, "") for i in (1, 2)], *[(i, _LW22, "") for i in range(1, 7)]], 2021),
    "lsq": ([(1, _HX50, ""), *[(i, _LW22, "") for i in range(1, 5)]], 2021),
    "bmb": ([*[(i, _HX50, "") for i in (1, 2)], *[(i, _LW22, "") for i in range(1, 13)]], 2022),
    "wnd": ([*[(i, _HX50, "") for i in (1, 2)], *[(i, _LW22, "") for i in range(1, 5)]], 2023),
}  # fmt: skip
ON_350 = {"frt_dc01", "frt_dc02", "frt_dc03", "frt_dc04", "frt_dc06", "knd_dc01", "knd_dc02", "lsq_dc01"}


def _chargers() -> list[tuple[Any, ...]]:
    """charger, site, kind, model, max kW, connectors, cabinet, firmware, PLC modem rev, installed, serial."""
    rows = []
    for prefix, (units, installed) in _LAYOUT.items():
        for n, (model, kind, kw, connectors), cabinet in units:
            charger = f"{prefix}_{kind.lower()}{n:02d}"
            if model.startswith("Voltaris"):
                firmware = "3.5.0" if charger in ON_350 else "3.4.2"
                modem = "rev C" if kw == 150 else "rev B"
            else:
                firmware, modem = "LW 2.8.1", ""
            serial = f"{'VX' if kind == 'DC' else 'LW'}{int(20000 + 977 * noise(charger, 1)):05d}"
            rows.append((charger, SITE_PREFIX[prefix], kind, model, kw, connectors, cabinet, firmware, modem,
                         installed, serial))  # fmt: skip
    return rows


CHARGERS = _chargers()
CHARGER_SITE = {c[0]: c[1] for c in CHARGERS}
CHARGER_MODEL = {c[0]: c[3] for c in CHARGERS}

#: cabinet, site, model, rated kW, modules, feeds, installed
CABINETS = [
    ("cgw_pc_a", "CARLISLE-GW", "Voltaris PX-450 power cabinet", 450, 18, "cgw_dc01, cgw_dc02, cgw_dc03", 2023),
    ("cgw_pc_b", "CARLISLE-GW", "Voltaris PX-450 power cabinet", 450, 18, "cgw_dc04, cgw_dc05, cgw_dc06", 2023),
    ("frt_pc_a", "FORTON-M6", "Voltaris PX-300 power cabinet", 300, 12, "frt_dc01, frt_dc02", 2022),
    ("frt_pc_b", "FORTON-M6", "Voltaris PX-300 power cabinet", 300, 12, "frt_dc03, frt_dc04", 2022),
    ("frt_pc_c", "FORTON-M6", "Voltaris PX-300 power cabinet", 300, 12, "frt_dc05, frt_dc06", 2022),
]
#: cabinet -> (daily peak C low, spread)
CAB_BASE = {"cgw_pc_a": (38.0, 6.0), "frt_pc_a": (33.0, 8.0), "frt_pc_b": (34.0, 8.0), "frt_pc_c": (33.5, 8.0)}

#: charger, connector (0: the whole charger), OCPP error code, vendor code, info, [(minutes ago, minutes down)]
FAULTS = [
    ("bmb_ac07", 2, "ConnectorLockFailure", "LOCK_NOT_ENGAGED", "socket 2 lock did not engage; cleared by remote reset",
     [(15, 5), (610, 35), (1390, 20), (2150, 45), (2980, 25), (3720, 60), (4490, 30), (5210, 15), (6030, 40),
      (6850, 25), (7600, 50), (8410, 20), (9320, 35)]),
    ("frt_dc05", 1, "HighTemperature", "CABLE_COOLANT_LOW", "CCS2 cable coolant level low, cable over temperature",
     [(4100, 120), (2900, 80), (1500, 120)]),
    ("knd_ac02", 1, "GroundFailure", "RCD_TRIP", "RCD tripped; reset remotely", [(5200, 30), (2300, 10)]),
    ("bmb_dc02", 0, "InternalError", "PSU_COMMS", "power module comms lost; rebooted", [(6100, 60), (800, 20)]),
    ("wnd_dc01", 0, "PowerMeterFailure", "METER_CRC", "MID meter CRC error; meter reset on site", [(3600, 200)]),
    ("lsq_dc01", 1, "OverCurrentFailure", "OC_TRIP", "over-current trip at start; cleared", [(7000, 10)]),
    ("frt_ac01", 0, "ReaderFailure", "RFID_NO_RESPONSE", "RFID reader not responding; app starts only",
     [(4500, 180)]),
    ("cgw_ac02", 0, "OtherError", "RCM_SELFTEST_FAIL", "residual current monitor self-test failed; passed on retry",
     [(8000, 60)]),
    ("cgw_dc03", 1, "HighTemperature", "CABLE_TEMP", "CCS2 cable over temperature", [(25 * DAY, 180)]),
    ("knd_dc01", 0, "InternalError", "CONTROLLER_WATCHDOG", "controller watchdog reset loop", [(12 * DAY, 360)]),
    ("wnd_dc02", 0, "InternalError", "POWER_MODULE_FAIL", "power module failed (CAS-47990-B3N1QA, FJ/44090)",
     [(20 * DAY, 2 * DAY)]),
]  # fmt: skip


def _outages() -> list[tuple[str, int, str, str, int, int | None]]:
    """charger, connector, kind, reason, from (minutes ago), to (minutes ago; None: still out)."""
    rows: list[tuple[str, int, str, str, int, int | None]] = []
    for charger, conn, code, vendor, _info, events in FAULTS:
        rows += [(charger, conn, "faulted", f"{code} ({vendor})", m, m - down) for m, down in events]
    rows.append(("frt_dc05", 0, "maintenance", "CCS2 cable replacement (FJ/44118)", *FRT05_OUT))
    rows += [(c, 0, "firmware_update", "HX 3.5.0 install (FWC-37 wave 2)", a, b) for c, (a, b) in INSTALL.items()]
    rows.append(("lsq_ac03", 0, "offline", "no OCPP connection (4G router)", LSQ_AC03_OFF, None))
    rows.append(("wnd_ac04", 0, "offline", "no OCPP connection", WND_AC04_OFF, None))
    return rows


OUTAGES = _outages()

#: (model family, connector) -> gap min (lo, hi), duration min (lo, hi), average kW (lo, hi), peak kW (lo, hi)
PROFILE = {
    ("HX-150", 1): ((8, 50), (18, 40), (55, 105), (120, 150)),
    ("HX-150", 2): ((150, 420), (25, 45), (32, 44), (44, 50)),
    ("HX-50", 1): ((40, 200), (25, 55), (30, 42), (42, 50)),
    ("HX-50", 2): ((200, 600), (25, 50), (30, 40), (40, 48)),
    ("LW-22", 1): ((60, 360), (60, 240), (5.5, 10.5), (7.0, 11.0)),
    ("LW-22", 2): ((80, 420), (60, 240), (5.5, 10.5), (7.0, 11.0)),
}
#: site -> how much longer its gaps are than the profile's
SITE_GAP = {"FORTON-M6": 1.0, "CARLISLE-GW": 1.3, "KENDAL-RP": 1.0, "LANCASTER-SGQ": 1.2, "BAMBER-DEPOT": 1.4,
            "WINDERMERE-LK": 1.3}  # fmt: skip
_BASE_ERRORS = {
    "CCS2": [("EVCommunicationError", "PLC_LINK_LOST"), ("OtherError", "ISOLATION_CHECK_FAIL"),
           ("OtherError", "PRECHARGE_TIMEOUT")],
    "CHAdeMO": [("EVCommunicationError", "CAN_TIMEOUT"), ("OtherError", "ISOLATION_CHECK_FAIL")],
    "Type 2": [("EVCommunicationError", "CP_STATE_ERROR"), ("OtherError", "EV_NOT_READY")],
}  # fmt: skip
_AUTH = ["app", "contactless", "rfid", "app", "contactless", "plug_and_charge"]


def _family(charger: str) -> str:
    model = CHARGER_MODEL[charger]
    return "HX-150" if "HX-150" in model else "HX-50" if "HX-50" in model else "LW-22"


def _blocks(charger: str, conn: int) -> list[tuple[int, float]]:
    """Intervals (from, to minutes ago; to -inf: still) when ``charger``'s connector ``conn`` takes no sessions."""
    out = []
    for c, k, _kind, _reason, a, b in OUTAGES:
        if c == charger and k in (0, conn):
            out.append((a, -math.inf if b is None else b))
    return out


def _connector_sessions(charger: str, conn: int) -> list[dict[str, Any]]:
    """``charger``'s connector ``conn``'s sessions over the last 7 days (start ``t`` minutes ago, ``d`` minutes)."""
    key = f"{charger}/{conn}"
    site = CHARGER_SITE[charger]
    family = _family(charger)
    kind = "DC" if family.startswith("HX") else "AC"
    (g_lo, g_hi), (d_lo, d_hi), (a_lo, a_hi), (p_lo, p_hi) = PROFILE[(family, conn)]
    blocks = _blocks(charger, conn)
    affected = charger in INSTALL and conn == 1
    rows: list[dict[str, Any]] = []
    t = WEEK + int(g_hi * noise(key, 0))
    i, retry = 0, False
    while True:
        i += 1
        gap = 2 + int(4 * noise(key + "r", i)) if retry else g_lo + (g_hi - g_lo) * noise(key + "g", i)
        if charger == "frt_dc05" and conn == 1 and t < FRT05_OUT[1]:
            gap = 3 + 12 * noise(key + "q", i)  # drivers queue for the one CCS2 that works
        t -= max(1, round(gap * (1 if retry else SITE_GAP[site])))
        retry = False
        forced = False
        if affected and t < INSTALL[charger][1] and not any(r["t"] < INSTALL[charger][1] for r in rows):
            t, forced = FIRST_FAIL[charger], True
        if t < 1:
            break
        # a failed start takes 2 minutes, a session its duration
        on_350 = affected and t < INSTALL[charger][1]
        fail_p = SLAC_FAIL if on_350 else 0.03
        if charger.startswith("frt_") and t < FRT05_OUT[0] and not on_350:
            fail_p = 0.0  # no other failed start at Forton since the cable swap began: the evidence is clean
        failed = forced or noise(key + "f", i) < fail_p
        d = 2 if failed else round(d_lo + (d_hi - d_lo) * noise(key + "d", i))
        clash = next((b for a, b in blocks if t > b and t - d < a), None)
        if clash is not None:
            if clash == -math.inf:
                break
            t = int(clash)
            continue
        avg = round(a_lo + (a_hi - a_lo) * noise(key + "a", i), 1)
        peak = round(p_lo + (p_hi - p_lo) * noise(key + "p", i), 1)
        if charger in ("cgw_dc04", "cgw_dc05", "cgw_dc06") and conn == 1 and t < DERATE_SINCE:
            avg, peak = round(avg * 0.72, 1), round(min(peak, 95 + 10 * noise(key + "dr", i)), 1)
        error = vendor = ""
        if failed:
            avg = peak = 0.0
            if on_350:
                error, vendor = "EVCommunicationError", "SLAC_MATCH_TIMEOUT"
                retry = noise(key + "rt", i) < RETRY
            else:
                errors = _BASE_ERRORS[_conn_type(charger, conn)]
                error, vendor = errors[int(len(errors) * noise(key + "e", i))]
        auth = "fleet_card" if site == "BAMBER-DEPOT" else _AUTH[int(len(_AUTH) * noise(key + "au", i))]
        if kind == "AC" and auth in ("contactless", "plug_and_charge"):
            auth = "app"
        rows.append({"charger": charger, "conn": conn, "t": t, "d": d, "avg": avg, "peak": peak, "failed": failed,
                     "error": error, "vendor": vendor, "auth": auth})  # fmt: skip
        if not failed:
            t -= d
        else:
            t -= 2
    return rows


def _all_sessions() -> list[dict[str, Any]]:
    rows = []
    for charger, *_ in CHARGERS:
        for conn in (1, 2):
            rows += _connector_sessions(charger, conn)
    # a lock failure is a failed start: the socket goes Faulted as the driver plugs in
    for charger, conn, code, vendor, _info, events in FAULTS:
        if code == "ConnectorLockFailure":
            rows += [{"charger": charger, "conn": conn, "t": m, "d": 2, "avg": 0.0, "peak": 0.0, "failed": True,
                      "error": code, "vendor": vendor, "auth": "fleet_card"} for m, _ in events]  # fmt: skip
    rows.sort(key=lambda r: (-r["t"], r["charger"], r["conn"]))
    for n, r in enumerate(rows):
        r["tx"] = f"tx{7730000 + n}"
    return rows


def _conn_type(charger: str, conn: int) -> str:
    family = _family(charger)
    if family == "LW-22":
        return "Type 2"
    return "CCS2" if conn == 1 else "CHAdeMO"


def _session_rows(now: datetime, sessions: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for r in sessions:
        start = now - timedelta(minutes=r["t"])
        ongoing = not r["failed"] and r["t"] - r["d"] < 0
        minutes = r["t"] if ongoing else r["d"]
        end = None if ongoing else start + timedelta(minutes=r["d"])
        kwh = round(r["avg"] * minutes / 60, 2)
        result = "failed_start" if r["failed"] else "charging" if ongoing else "completed"
        rows.append((r["tx"], CHARGER_SITE[r["charger"]], r["charger"], r["conn"], _conn_type(r["charger"], r["conn"]),
                     iso(start), int(start.timestamp()) * 1000, None if end is None else iso(end), minutes, kwh,
                     r["avg"], r["peak"], result, r["error"] or None, r["vendor"] or None, r["auth"]))  # fmt: skip
    return rows


def _overlap(t: int, d: int, hi: int, lo: int) -> int:
    """Minutes of the session (from t to t - d minutes ago, cut at now) inside the window from hi to lo minutes ago."""
    return max(0, min(t, hi) - max(t - d, lo, 0))


def _site_hourly(now: datetime, sessions: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for site, *_ in SITES:
        mine = [r for r in sessions if CHARGER_SITE[r["charger"]] == site]
        for h in range(HOURS):
            hi, lo = 60 * (h + 1), 60 * h
            started = [r for r in mine if lo < r["t"] <= hi]
            failed = sum(r["failed"] for r in started)
            ok = len(started) - failed
            kwh = sum(r["avg"] * _overlap(r["t"], r["d"], hi, lo) / 60 for r in mine if not r["failed"])
            start = now - timedelta(minutes=hi)
            pct = round(100 * ok / len(started), 1) if started else None
            rows.append((site, iso(start), int(start.timestamp()), len(started), ok, failed, pct, round(kwh, 1)))
    return rows


def _site_power(now: datetime, sessions: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    aux = {"FORTON-M6": 9.0, "CARLISLE-GW": 8.0, "KENDAL-RP": 2.0, "LANCASTER-SGQ": 1.0, "BAMBER-DEPOT": 3.0,
           "WINDERMERE-LK": 1.5}  # fmt: skip
    for site, *_ in SITES:
        mine = [r for r in sessions if CHARGER_SITE[r["charger"]] == site and not r["failed"]]
        for k in range(BUCKETS):
            hi, lo = 15 * (k + 1), 15 * k
            kw = aux[site] + sum(r["avg"] * _overlap(r["t"], r["d"], hi, lo) / 15 for r in mine)
            peak = aux[site] + sum(r["peak"] for r in mine if _overlap(r["t"], r["d"], hi, lo) > 0)
            limit = SITE_LIMIT[site]
            if site == "FORTON-M6" and hi > LIMIT_DONE:
                limit = 1100
            start = now - timedelta(minutes=hi)
            rows.append((site, iso(start), int(start.timestamp()), round(kw, 1), round(min(peak, limit), 1), limit))
    return rows


def _cab_peak(cabinet: str, k: int) -> float:
    """``cabinet``'s peak internal temperature (C) over the 24 hours before the reading ``k`` days ago."""
    if cabinet == "cgw_pc_b":
        return round(39.5 + 17.3 * math.exp(-0.03 * k), 2)
    low, spread = CAB_BASE[cabinet]
    return round(low + spread * noise(f"cab{cabinet}", k), 2)


def _cabinet_daily(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for cabinet, *_ in CABINETS:
        for k in range(CAB_DAYS):
            t = now - timedelta(minutes=k * DAY + 45)
            peak = _cab_peak(cabinet, k)
            inlet = round(9.0 + 8.0 * noise(f"in{cabinet}", k), 1)
            if cabinet == "cgw_pc_b":
                fan = min(100, round(55 + 45 * math.exp(-0.03 * k) + 3 * noise("fanb", k)))
                derate = {0: 610, 1: 420, 2: 250, 3: 85}.get(k, 0)
            else:
                fan = round(40 + 20 * noise(f"fan{cabinet}", k))
                derate = 0
            rows.append((cabinet, iso(t), int(t.timestamp()), peak, inlet, fan, derate))
    return rows


#: cabinet, state, internal C now, inlet C now, fan %, modules ok, output limit kW, alarm, note
CABINET_LIVE = [
    ("cgw_pc_a", "normal", 37.4, 13.8, 52, "18/18", 450, "", ""),
    ("cgw_pc_b", "derated", 55.9, 14.2, 100, "18/18", 315, "HighTemperature: derating to 70% (internal above 55 C)",
     "intake filters and fan tray FT-2 (CAS-48213-V7Q2M9); replacement FJ/44102 (PLN-0912)"),
    ("frt_pc_a", "normal", 34.1, 13.5, 48, "12/12", 300, "", ""),
    ("frt_pc_b", "normal", 33.6, 13.5, 46, "12/12", 300, "", ""),
    ("frt_pc_c", "normal", 35.2, 13.6, 51, "12/12", 300, "", ""),
]  # fmt: skip

#: terminal, site, charger
TERMINALS = [
    *[(f"TW7-0033{i:02d}", "FORTON-M6", f"frt_dc{i:02d}") for i in range(1, 7)],
    *[(f"TW7-0051{i:02d}", "CARLISLE-GW", f"cgw_dc{i:02d}") for i in range(1, 7)],
    ("TW7-004418", "KENDAL-RP", "knd_dc01"),
    ("TW7-004419", "KENDAL-RP", "knd_dc02"),
    ("TW7-002217", "LANCASTER-SGQ", "lsq_dc01"),
    ("TW7-006610", "WINDERMERE-LK", "wnd_dc01"),
    ("TW7-006611", "WINDERMERE-LK", "wnd_dc02"),
]
TERMINAL_AT = {t[0]: (t[1], t[2]) for t in TERMINALS}
#: terminal, fault, minutes ago, minutes out, detail
PAYMENT_FAULTS = [
    *[("TW7-004418", "REBOOT_LOOP", m, d, "terminal rebooting every few minutes; contactless unavailable")
      for m, d in [(350, 25), (1620, 40), (2710, 18), (4090, 32), (5480, 12), (6920, 28)]],
    ("TW7-004419", "READER_TIMEOUT", 3950, 6, "card read timed out; recovered"),
    ("TW7-003303", "NFC_READER_ERROR", 5100, 15, "NFC reader error; recovered after restart"),
    ("TW7-003306", "OFFLINE_NO_NETWORK", 2600, 22, "no network; the charger's own link was fine"),
    ("TW7-005104", "TAMPER_ALERT", 7700, 95, "tamper switch; housing re-seated by Gethin Rowlands"),
    ("TW7-006611", "OFFLINE_NO_NETWORK", 900, 30, "no network"),
    ("TW7-003301", "NFC_READER_ERROR", 12000, 20, "NFC reader error"),
    ("TW7-002217", "OFFLINE_NO_NETWORK", 15500, 45, "no network"),
]  # fmt: skip

#: ref, minutes ago, site, charger, rating, category, text, status
COMPLAINTS = [
    ("FB118150", 12000, "FORTON-M6", "frt_dc05", 2, "slow_charging", "only 60 kW on a 150 kW charger", "closed"),
    ("FB118163", 16800, "WINDERMERE-LK", "wnd_dc02", 1, "charger_broken", "rapid out of order again", "closed"),
    ("FB118201", 7400, "FORTON-M6", "frt_ac02", 2, "blocked_bay", "bay blocked by a petrol car", "closed"),
    ("FB118205", 6300, "KENDAL-RP", "knd_dc01", 2, "payment", "card reader kept restarting, had to download the app",
     "open"),
    ("FB118209", 5200, "KENDAL-RP", "knd_dc01", 1, "payment", "contactless not working", "open"),
    ("FB118212", 4100, "CARLISLE-GW", "cgw_dc06", 2, "slow_charging", "never went above 95 kW", "open"),
    ("FB118215", 3300, "KENDAL-RP", "knd_dc01", 2, "payment", "payment screen frozen then rebooted", "open"),
    ("FB118217", 2600, "CARLISLE-GW", "cgw_dc04", 2, "slow_charging", "slow, about 90 kW at 20%", "open"),
    ("FB118219", 2200, "WINDERMERE-LK", "wnd_dc02", 3, "blocked_bay", "rapid bay used as a parking space", "closed"),
    ("FB118222", 1500, "LANCASTER-SGQ", "lsq_ac03", 2, "charger_offline", "app shows this charger offline", "open"),
    ("FB118225", 900, "CARLISLE-GW", "cgw_dc05", 2, "slow_charging", "100 kW max, the one next to it did 140",
     "open"),
    ("FB118230", 160, "FORTON-M6", "frt_dc02", 1, "failed_to_start",
     "CCS would not start, 'vehicle communication error' three times", "open"),
    ("FB118231", 146, "FORTON-M6", "frt_dc01", 1, "failed_to_start",
     "failed twice, tried another unit, same again; only the charger at the end worked", "open"),
    ("FB118233", 128, "FORTON-M6", "frt_dc04", 1, "failed_to_start", "charging failed to start, error on screen",
     "open"),
    ("FB118234", 117, "FORTON-M6", "frt_dc03", 1, "failed_to_start", "won't start, queue for the one that works",
     "open"),
    ("FB118236", 96, "FORTON-M6", "frt_dc06", 1, "failed_to_start", "four attempts, nothing", "open"),
    ("FB118238", 72, "FORTON-M6", "frt_dc02", 1, "failed_to_start", "communication error, gave up", "open"),
    ("FB118239", 41, "WINDERMERE-LK", "wnd_ac04", 2, "charger_offline", "charger shows unavailable in the app",
     "open"),
    ("FB118240", 44, "FORTON-M6", "frt_dc01", 1, "failed_to_start", "CCS keeps failing, CHAdeMO cars are fine",
     "open"),
    ("FB118242", 19, "FORTON-M6", "frt_dc03", 1, "failed_to_start", "failed to start, 30 minute queue", "open"),
]  # fmt: skip

#: ref, site, title, by, starts, ends (minutes ago; negative: ahead), status, impact
WORKS = [
    ("NFN/PI/447702", "FORTON-M6", "Northfell Networks HV switching on the Forton feeder", "Northfell Networks",
     12 * DAY + 120, 12 * DAY, "completed", "none: no interruption"),
    ("PLN-0905", "BAMBER-DEPOT", "Ribblevan yard lighting works", "Ribblevan Logistics", 3 * DAY + 600, 3 * DAY,
     "completed", "bmb_ac11-12 bays coned off"),
    ("NFN/PI/448190", "KENDAL-RP",
     "Northfell Networks planned interruption: LV board replacement at the retail park's substation",
     "Northfell Networks", -DNO_FROM, -DNO_TO, "confirmed",
     "no power to the site: all 8 Kendal chargers (knd_dc01-02, knd_ac01-06) off; set them Unavailable 30 minutes "
     "before (KB0010063)"),
    ("PLN-0909", "WINDERMERE-LK", "car park resurfacing, bays 1-4", "Lakeside Estates (site host)", -3 * DAY,
     -3 * DAY - 600, "notified", "wnd_ac01 and wnd_ac02 bays closed"),
    ("PLN-0912", "CARLISLE-GW", "cgw_pc_b fan tray FT-2 and intake filter replacement (FJ/44102)",
     "Voltaris with Gethin Rowlands", -6 * DAY, -6 * DAY - 240, "scheduled",
     "cgw_dc04-06 off for about 4 hours; cgw_dc01-03 in service"),
]  # fmt: skip
#: ref, charger / asset, site, type, status, assigned to, opened, scheduled, closed (minutes ago; negative: ahead;
#: None: not set), title, notes
FIELD_JOBS = [
    ("FJ/44090", "wnd_dc02", "WINDERMERE-LK", "corrective", "completed", "Euan Telfer with Voltaris", 20 * DAY,
     19 * DAY, 18 * DAY, "wnd_dc02 power module replacement", "CAS-47990-B3N1QA; module swapped, tested 50 kW"),
    ("FJ/44102", "cgw_pc_b", "CARLISLE-GW", "planned", "scheduled", "Gethin Rowlands with Voltaris (Henrik Aalto)",
     3 * DAY, -6 * DAY, None, "cgw_pc_b fan tray FT-2 and intake filters replacement",
     "PLN-0912; CAS-48213-V7Q2M9; cgw_dc04-06 off for about 4 hours"),
    ("FJ/44109", "bmb_ac07", "BAMBER-DEPOT", "corrective", "awaiting_parts", "Chloe Ashworth", 4 * DAY, None, None,
     "bmb_ac07 socket 2 lock failures (ConnectorLockFailure)",
     "LNW-58213; the lock actuator sticks; replacement actuator LA-4 from Linnwell due in 2 days; remote reset "
     "clears it meanwhile"),
    ("FJ/44112", "TW7-004418", "KENDAL-RP", "corrective", "scheduled", "Gethin Rowlands", 2 * DAY, -2 * DAY, None,
     "knd_dc01 payment terminal swap if the reboots continue", "INC0771203; only if Tapwise's 2.15 does not fix it"),
    ("FJ/44118", "frt_dc05", "FORTON-M6", "corrective", "completed", "Chloe Ashworth", 3 * DAY, FRT05_OUT[0],
     FRT05_OUT[1], "frt_dc05 CCS2 cable replacement (coolant leak)",
     "HighTemperature (CABLE_COOLANT_LOW) three times this week; new liquid-cooled cable fitted, tested 150 kW"),
    ("FJ/44121", "lsq_ac03", "LANCASTER-SGQ", "corrective", "scheduled", "Chloe Ashworth", 1880, -DAY, None,
     "lsq_ac03 4G router replacement", "no OCPP connection since the router stopped registering (Cellwave)"),
    ("FJ/44124", "frt_dc01-06", "FORTON-M6", "investigation", "in_progress", "Daniel Osei (NOC engineering on call)",
     136, None, None, "Forton CCS2 failed starts after firmware 3.5.0",
     "only the CCS2 connectors fail, only on the five dispensers on 3.5.0 (frt_dc01-04, frt_dc06): "
     "EVCommunicationError, vendor code SLAC_MATCH_TIMEOUT; frt_dc05 (still 3.4.2) and every CHAdeMO start are fine; "
     "not the site limit (Forton draws well under 1,200 kW); CAS-48391-K2D8TX"),
    ("FJ/44125", "wnd_ac04", "WINDERMERE-LK", "corrective", "open", "Gethin Rowlands", 70, None, None,
     "wnd_ac04 offline", "no OCPP connection since it dropped; cause not known yet"),
]  # fmt: skip
#: chg, title, scope, type, state, requested by, implemented by, approver, raised, planned, implemented (minutes ago;
#: negative: ahead; None: not yet), notes
CHANGES = [
    ("CHG0041340", "Bamber depot smart charging limit 250 -> 280 kW", "BAMBER-DEPOT", "standard", "implemented",
     "Imogen Pryor", "Imogen Pryor", "CAB", 10 * DAY, 8 * DAY, 8 * DAY, "Ribblevan's new vans; 315 kVA supply"),
    ("CHG0041352", "Tapwise terminal configuration at Kendal (receipt text, contactless limit)", "KENDAL-RP",
     "standard", "implemented", "Payments team (Ruth Okafor)", "Tapwise (remote)", "CAB", 3 * DAY, 1560, 1560,
     "no change to terminal firmware"),
    ("CHG0041358", "FWC-37 wave 1: Voltaris HX firmware 3.4.2 -> 3.5.0 on knd_dc01, knd_dc02, lsq_dc01", "HX-50",
     "normal", "implemented", "Sam Whitcombe (firmware lead)", "Ilona Kowalczyk", "CAB", 9 * DAY, 6 * DAY, 6 * DAY,
     "canary; 72-hour soak passed, start success unchanged"),
    ("CHG0041365", "Helix CSMS 5.8.2 -> 5.8.3", "CSMS", "normal", "implemented", "Leah Brennan",
     "Helix Mobility (hosted)", "CAB", 5 * DAY, CSMS_UPGRADE, CSMS_UPGRADE,
     "OCPP message queue fix; 48 of 49 chargers reconnected within 4 minutes (lsq_ac03 offline)"),
    ("CHG0041370", "Forton dynamic load management: site limit 1,100 -> 1,200 kW", "FORTON-M6", "normal",
     "implemented", "Imogen Pryor (grid and power)", "Imogen Pryor", "CAB", 6 * DAY, LIMIT_START, LIMIT_DONE,
     "Northfell's capacity confirmation NFN-CC-2291; no charger restart"),
    ("CHG0041377", "FWC-37 wave 2: Voltaris HX firmware 3.4.2 -> 3.5.0 on Forton (frt_dc01-06)", "FORTON-M6",
     "normal", "implemented", "Sam Whitcombe (firmware lead)", "Ilona Kowalczyk (firmware engineer)", "CAB", 4 * DAY,
     WAVE_START, WAVE_DONE,
     "one dispenser at a time; frt_dc05 skipped (Unavailable for FJ/44118); 3.5.0: ISO 15118 groundwork, SLAC "
     "timing changes, new thermal curve; backout: UpdateFirmware with 3.4.2"),
    ("CHG0041374", "cgw_pc_b fan tray and filters (FJ/44102)", "CARLISLE-GW", "normal", "scheduled",
     "Gethin Rowlands", None, "CAB", 2 * DAY, -6 * DAY, None, "PLN-0912"),
    ("CHG0041386", "Emergency: roll Forton's frt_dc01-04 and frt_dc06 back to Voltaris HX 3.4.2", "FORTON-M6",
     "emergency", "approved", "Daniel Osei", None, "Victor Hale (duty manager)", 55, -25, None,
     "CAS-48391-K2D8TX (VLT-KI-0217); one dispenser at a time, about 10 minutes each; wave 3 stays paused until 3.5.1"),
]  # fmt: skip
#: rollout, wave, firmware, targets, starts, ends (minutes ago; negative: ahead), state, run by, change, notes
ROLLOUTS = [
    ("FWC-35", 1, "Linnwell LW 2.8.1", "every LW-22", 40 * DAY, 40 * DAY - 300, "completed", "Ilona Kowalczyk",
     "CHG0041291", "all 30 installed"),
    ("FWC-37", 1, "Voltaris HX 3.5.0", "knd_dc01, knd_dc02, lsq_dc01", 6 * DAY, 6 * DAY - 30, "completed",
     "Ilona Kowalczyk", "CHG0041358", "canary (HX-50); 3 of 3 installed"),
    ("FWC-37", 2, "Voltaris HX 3.5.0", "frt_dc01, frt_dc02, frt_dc03, frt_dc04, frt_dc05, frt_dc06", WAVE_START,
     WAVE_DONE, "completed_with_skips", "Ilona Kowalczyk", "CHG0041377",
     "5 of 6 installed; frt_dc05 skipped (Unavailable: FJ/44118)"),
    ("FWC-37", 3, "Voltaris HX 3.5.0",
     "cgw_dc01-06, wnd_dc01, wnd_dc02, bmb_dc01, bmb_dc02", -5 * DAY, -5 * DAY - 60, "paused", "Ilona Kowalczyk", "",
     "paused by Daniel Osei (CAS-48391-K2D8TX)"),
]  # fmt: skip
#: ref, supplier, asset, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
CASES = [
    ("CAS-47990-B3N1QA", "Voltaris", "wnd_dc02", "HX-50 power module failure", "resolved", "P2", "Henrik Aalto",
     "Euan Telfer", 20 * DAY, 18 * DAY, "module replaced on FJ/44090"),
    ("CAS-48213-V7Q2M9", "Voltaris", "cgw_pc_b", "Cabinet B internal temperature rising, derating", "open", "P3",
     "Henrik Aalto (Voltaris field service)", "Gethin Rowlands", 3 * DAY, DAY,
     "the logs show the intake filters clogged and fan tray FT-2's bearing worn (fan current high at 100%); the "
     "cabinet derates to 70% above 55 C to protect the modules, do not override it. New fan tray and filters shipped; "
     "we fit them with you on FJ/44102. Until then vacuum the intake grilles weekly."),
    ("CAS-48391-K2D8TX", "Voltaris", "frt_dc01-04, frt_dc06",
     "CCS2 failed starts (SLAC_MATCH_TIMEOUT) after HX 3.5.0", "in_progress", "P1",
     "Marta Ruiz (Voltaris L2 support)", "Daniel Osei", 110, 88,
     "known issue VLT-KI-0217: 3.5.0 shortens the SLAC matching timeout and HX-150 units with PLC modem rev C miss "
     "the match with many vehicles; CHAdeMO is not affected and neither are HX-50 units (modem rev B). Roll back to "
     "3.4.2 remotely (UpdateFirmware, about 10 minutes per unit, no site visit) or wait for 3.5.1, due in about two "
     "weeks. Do not put 3.5.0 on any more HX-150 units."),
    ("LNW-58213", "Linnwell", "bmb_ac07", "Socket 2 lock failures (ConnectorLockFailure)", "open", "P3",
     "Owain Price (Linnwell support)", "Chloe Ashworth", 4 * DAY, 2 * DAY,
     "the socket lock actuator from batch 22-11 sticks in the cold; a replacement actuator (LA-4) has shipped, due in "
     "2 days; meanwhile a remote reset clears it. bmb_ac08-12 carry the same batch: check them at the next visit."),
    ("INC0771203", "Tapwise", "TW7-004418 (knd_dc01)", "Payment terminal reboot loop", "in_progress", "P2",
     "Tapwise service desk", "Ruth Okafor", 4 * DAY, 300,
     "watchdog bug in terminal firmware 2.14; 2.15 is pushed to the terminal tonight; if it reboots again after that "
     "we swap it (FJ/44112)"),
]  # fmt: skip
#: supplier, covers, support line, hours, escalation, contract
SUPPLIERS = [
    ("Cellwave", "4G routers and SIMs of the AC posts", "0330 555 0148", "24/7", "NOC desk", "CW-IOT-2022"),
    ("Helix Mobility", "Helix CSMS (OCPP backend, app, smart charging)", "+44 20 7946 0381", "24/7",
     "Noor Qureshi, customer success lead", "HLX-SaaS-2021"),
    ("Linnwell Charging", "AC posts (LW-22)", "+44 1632 960722", "08:00-18:00 weekdays",
     "Fiona Dale, account manager, +44 7700 900722", "LNW-2021-06"),
    ("Northfell Networks", "the DNO: connections, planned interruptions, power cuts", "105 (power cuts), "
     "0800 555 0105 (planned interruptions)", "24/7", "Gareth Lloyd, connections engineer", "n/a"),
    ("Tapwise Payments", "contactless payment terminals (TW7)", "0330 555 0172", "24/7", "major incident desk",
     "TPW-MSA-2022"),
    ("Voltaris Energy Systems", "DC chargers (HX-150, HX-50) and power cabinets (PX-300, PX-450)",
     "+44 1632 960614 (service desk)", "24/7", "Birgit Lund, service delivery manager, +44 7700 900614",
     "VES-MSA-2022"),
]  # fmt: skip
#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "noc_engineering": [("primary", ["Leah Brennan", "Daniel Osei", "Kwame Mensah", "Leah Brennan"]),
                        ("secondary", ["Kwame Mensah", "Leah Brennan", "Daniel Osei", "Kwame Mensah"])],
    "field_lancashire": [("primary", ["Jamie Corless", "Chloe Ashworth", "Jamie Corless", "Chloe Ashworth"])],
    "field_cumbria": [("primary", ["Euan Telfer", "Gethin Rowlands", "Euan Telfer", "Gethin Rowlands"])],
    "grid_power": [("primary", ["Neil Harker", "Imogen Pryor", "Neil Harker", "Imogen Pryor"])],
    "duty_manager": [("primary", ["Sasha Greenwood", "Victor Hale", "Oliver Fenn", "Sasha Greenwood"])],
}  # fmt: skip
#: NOC shift leads: two shifts before the one running now, it, the next
SHIFT_LEADS = ["Marek Nowak", "Sinead Farrell", "Hannah Okonjo", "Tomasz Wilk"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(SHIFT_LEADS))
MOBILES = {p: f"+44 7700 900{500 + i:03d}" for i, p in enumerate(_PEOPLE)}
#: entry, minutes ago, author, role, text
NOC_LOG = [
    ("NL-8830", 1890, "Marek Nowak", "NOC shift lead", "lsq_ac03 dropped off OCPP, no heartbeat; Cellwave says its "
     "router is not registering; FJ/44121 raised"),
    ("NL-8833", 1555, "Sinead Farrell", "NOC shift lead", "CHG0041352 done: Tapwise config at Kendal"),
    ("NL-8834", 350, "Sinead Farrell", "NOC shift lead", "TW7-004418 at Kendal rebooting again; INC0771203 updated"),
    ("NL-8836", 326, "Leah Brennan", "NOC engineering", "CHG0041365 done: Helix CSMS 5.8.3; 48 of 49 chargers "
     "reconnected within 4 minutes (lsq_ac03 still offline)"),
    ("NL-8837", 249, "Hannah Okonjo", "NOC shift lead", "frt_dc05 set Unavailable for its CCS2 cable swap (FJ/44118), "
     "Chloe Ashworth on site"),
    ("NL-8838", 196, "Imogen Pryor", "grid and power", "CHG0041370 done: Forton site limit now 1,200 kW"),
    ("NL-8839", 178, "Ilona Kowalczyk", "firmware engineer", "FWC-37 wave 2 started on Forton (CHG0041377)"),
    ("NL-8840", 158, "Ilona Kowalczyk", "firmware engineer", "wave 2 complete: frt_dc01-04 and frt_dc06 on 3.5.0; "
     "frt_dc05 skipped (Unavailable)"),
    ("NL-8841", 149, "Chloe Ashworth", "field engineer", "frt_dc05 back in service with its new CCS2 cable"),
    ("NL-8843", 140, "Hannah Okonjo", "NOC shift lead", "app complaints from Forton: CCS cars not starting on several "
     "dispensers, 'vehicle communication error'; called NOC engineering on call"),
    ("NL-8844", 123, "Daniel Osei", "NOC engineering (on call)", "Forton: only the CCS2 connectors fail and only on "
     "the 3.5.0 dispensers (EVCommunicationError, SLAC_MATCH_TIMEOUT); frt_dc05 on 3.4.2 and the CHAdeMO side fine; "
     "site draw well under the limit; FJ/44124"),
    ("NL-8845", 110, "Daniel Osei", "NOC engineering (on call)", "raised CAS-48391-K2D8TX with Voltaris (P1); "
     "FWC-37 wave 3 paused"),
    ("NL-8846", 88, "Daniel Osei", "NOC engineering (on call)", "Voltaris (Marta Ruiz): known issue VLT-KI-0217 with "
     "PLC modem rev C; roll back to 3.4.2 or wait for 3.5.1"),
    ("NL-8847", 74, "Hannah Okonjo", "NOC shift lead", "wnd_ac04 offline (websocket closed); field Cumbria asked to "
     "check (FJ/44125)"),
    ("NL-8848", 48, "Victor Hale", "duty manager", "emergency CHG0041386 approved: Forton's five 3.5.0 dispensers back "
     "to 3.4.2, one at a time; app banner at Forton: CCS drivers use frt_dc05 meanwhile"),
    ("NL-8849", 30, "Hannah Okonjo", "NOC shift lead", "Kendal: Northfell interruption NFN/PI/448190 later; chargers "
     "to be set Unavailable 30 minutes before (KB0010063), site host told"),
    ("NL-8850", 12, "Hannah Okonjo", "NOC shift lead", "bmb_ac07 socket 2 lock fault again, cleared by remote reset"),
]  # fmt: skip
KB = [
    ("KB0010041", "Failed starts after a firmware update",
     "Compare the failing units' firmware with the working ones, and the connector types and vendor error codes. If "
     "the failures follow the new firmware, pause the campaign's next waves, raise a P1 case with the maker and roll "
     "the units back (UpdateFirmware with the previous image) under an emergency change; ask the app team for a site "
     "banner."),
    ("KB0010052", "Power cabinet high temperature and derating",
     "Voltaris cabinets derate to 70% above 55 C internal. Check the intake filters and fan trays, compare the inlet "
     "temperature, raise a Voltaris case. Never override the derating."),
    ("KB0010063", "Planned DNO interruption at a site",
     "30 minutes before the interruption set every connector Unavailable (OCPP ChangeAvailability Inoperative) so the "
     "app shows the site out of service, and tell the site host. When the power is back, check every charger boots, "
     "reconnects and reports Available, then set them Operative."),
    ("KB0010070", "Escalation matrix",
     "A motorway hub with start success below 80% for 30 minutes, or more than two dispensers unusable: the NOC shift "
     "lead, then NOC engineering on call, then the duty manager. Site visits: the field on call of the region. Maker "
     "faults: a case with the maker, P1 for a hub; after 1 hour without progress call its escalation contact."),
    ("KB0010075", "AC connector lock failures",
     "Soft reset the charger remotely (OCPP Reset), then UnlockConnector; if it recurs, a field visit and a Linnwell "
     "ticket."),
    ("KB0010081", "Charger offline (no heartbeat)",
     "Check the CSMS connection log, the SIM's status with Cellwave (AC posts) and the site's power; if the site has "
     "power and the SIM is registered, a field visit."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE sites (site TEXT PRIMARY KEY, name TEXT, type TEXT, address TEXT, host TEXT, opened INTEGER, notes TEXT);
CREATE TABLE grid (site TEXT PRIMARY KEY, dno TEXT, mpan TEXT, supply TEXT, capacity_kva INTEGER, connection TEXT,
                   site_limit_kw INTEGER, load_management TEXT);
CREATE TABLE chargers (charger TEXT PRIMARY KEY, site TEXT, kind TEXT, model TEXT, max_kw INTEGER, connectors TEXT,
                       cabinet TEXT, firmware TEXT, plc_modem TEXT, installed INTEGER, serial TEXT);
CREATE TABLE connector_status (charger TEXT, connector INTEGER, type TEXT, status TEXT, since TEXT, error_code TEXT);
CREATE TABLE ocpp_link (charger TEXT PRIMARY KEY, connected TEXT, last_heartbeat TEXT, hb_epoch INTEGER,
                        since TEXT);
CREATE TABLE sessions (tx TEXT PRIMARY KEY, site TEXT, charger TEXT, connector INTEGER, connector_type TEXT,
                       started TEXT, start_ms INTEGER, ended TEXT, minutes INTEGER, kwh REAL, avg_kw REAL,
                       peak_kw REAL, result TEXT, error_code TEXT, vendor_error TEXT, auth TEXT);
CREATE INDEX sessions_start ON sessions (start_ms);
CREATE TABLE site_hourly (site TEXT, hour_start TEXT, hour_epoch INTEGER, starts INTEGER, successful INTEGER,
                          failed INTEGER, success_pct REAL, kwh REAL);
CREATE TABLE site_power (site TEXT, bucket_start TEXT, bucket_epoch INTEGER, avg_kw REAL, max_kw REAL,
                         limit_kw INTEGER);
CREATE INDEX site_power_epoch ON site_power (bucket_epoch);
CREATE TABLE cabinets (cabinet TEXT PRIMARY KEY, site TEXT, model TEXT, rated_kw INTEGER, modules INTEGER,
                       feeds TEXT, installed INTEGER);
CREATE TABLE cabinet_live (cabinet TEXT PRIMARY KEY, state TEXT, internal_c REAL, inlet_c REAL, fan_pct INTEGER,
                           modules_ok TEXT, output_limit_kw INTEGER, alarm TEXT, note TEXT);
CREATE TABLE cabinet_daily (cabinet TEXT, read_at TEXT, read_epoch INTEGER, peak_internal_c REAL, inlet_avg_c REAL,
                            fan_avg_pct INTEGER, derate_minutes INTEGER);
CREATE TABLE faults (charger TEXT, connector INTEGER, error_code TEXT, vendor_error TEXT, info TEXT, faulted TEXT,
                     faulted_epoch INTEGER, cleared TEXT, minutes INTEGER);
CREATE TABLE outages (charger TEXT, connector INTEGER, kind TEXT, reason TEXT, start_epoch INTEGER,
                      end_epoch INTEGER);
CREATE TABLE terminals (terminal TEXT PRIMARY KEY, site TEXT, charger TEXT, model TEXT, firmware TEXT);
CREATE TABLE payment_faults (terminal TEXT, site TEXT, charger TEXT, fault TEXT, started TEXT, started_epoch INTEGER,
                             minutes INTEGER, detail TEXT);
CREATE TABLE ocpp_messages (ts TEXT, ts_epoch INTEGER, charger TEXT, direction TEXT, action TEXT, detail TEXT);
CREATE INDEX ocpp_messages_epoch ON ocpp_messages (ts_epoch);
CREATE TABLE rollouts (rollout TEXT, wave INTEGER, firmware TEXT, targets TEXT, starts TEXT, ends TEXT, state TEXT,
                       run_by TEXT, change TEXT, notes TEXT);
CREATE TABLE changes (chg TEXT PRIMARY KEY, title TEXT, scope TEXT, type TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT, implemented TEXT,
                      implemented_epoch INTEGER, notes TEXT);
CREATE TABLE field_jobs (job TEXT PRIMARY KEY, asset TEXT, site TEXT, type TEXT, status TEXT, assigned_to TEXT,
                         opened TEXT, scheduled TEXT, closed TEXT, title TEXT, notes TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, supplier TEXT, asset TEXT, subject TEXT, status TEXT, priority TEXT,
                    engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE suppliers (supplier TEXT PRIMARY KEY, covers TEXT, support_line TEXT, hours TEXT, escalation TEXT,
                        contract TEXT);
CREATE TABLE complaints (ref TEXT PRIMARY KEY, received TEXT, received_epoch INTEGER, site TEXT, charger TEXT,
                         rating INTEGER, category TEXT, text TEXT, status TEXT);
CREATE TABLE works (ref TEXT PRIMARY KEY, site TEXT, title TEXT, by_whom TEXT, starts TEXT, starts_epoch INTEGER,
                    ends TEXT, ends_epoch INTEGER, status TEXT, impact TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE noc_shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                         mobile TEXT);
CREATE TABLE noc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE kb (article TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _utc(t: datetime) -> str:
    """``YYYY-MM-DD HH:MM UTC`` (how the fault log and the OCPP log show times)."""
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _faults(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for charger, conn, code, vendor, info, events in FAULTS:
        for m, down in events:
            start = now - timedelta(minutes=m)
            rows.append((charger, conn, code, vendor, info, _utc(start), int(start.timestamp()),
                         _utc(start + timedelta(minutes=down)), down))  # fmt: skip
    rows.sort(key=lambda r: -r[6])
    return rows


def _live(now: datetime, sessions: list[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Connector status and OCPP link per charger, now."""
    status, links = [], []
    for charger, *_ in CHARGERS:
        offline = {"lsq_ac03": LSQ_AC03_OFF, "wnd_ac04": WND_AC04_OFF}.get(charger)
        for conn in (1, 2):
            mine = [r for r in sessions if r["charger"] == charger and r["conn"] == conn]
            last = min(mine, key=lambda r: r["t"]) if mine else None
            if last is not None and not last["failed"] and last["t"] - last["d"] < 0:
                state, since = "Charging", last["t"]
            else:
                state = "Available"
                since = max(0, last["t"] - last["d"]) if last is not None else 3 * DAY
            if offline is not None:
                state, since = "Offline", offline
            status.append((charger, conn, _conn_type(charger, conn), state, iso(now - timedelta(minutes=since)), None))
        if offline is not None:
            hb, since, connected = offline + 2, offline, "no"
        else:
            hb, connected = int(5 * noise(f"hb{charger}", 0)), "yes"
            since = CSMS_UPGRADE - 3 if charger not in INSTALL else INSTALL[charger][1]
            if charger == "frt_dc05":
                since = FRT05_OUT[1]
        beat = now - timedelta(minutes=hb)
        links.append((charger, connected, iso(beat), int(beat.timestamp()), iso(now - timedelta(minutes=since))))
    return status, links


def _ocpp_messages(now: datetime, sessions: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The OCPP log's notable messages (heartbeats and meter values are not kept)."""
    out: list[tuple[float, str, str, str, str]] = []
    for charger, conn, code, vendor, _info, events in FAULTS:
        for m, down in events:
            out.append((m, charger, "CP->CSMS", "StatusNotification",
                        f"connector {conn} Faulted, errorCode {code}, vendorErrorCode {vendor}"))  # fmt: skip
            out.append((m - down, charger, "CP->CSMS", "StatusNotification", f"connector {conn} Available"))
    for charger, (a, b) in INSTALL.items():
        out += [
            (a + 0.5, charger, "CSMS->CP", "UpdateFirmware", "location voltaris-hx-3.5.0.bin (FWC-37 wave 2)"),
            (a, charger, "CP->CSMS", "FirmwareStatusNotification", "Downloading"),
            (a - 2, charger, "CP->CSMS", "FirmwareStatusNotification", "Installing"),
            (b + 0.5, charger, "CP->CSMS", "BootNotification", "Voltaris HX-150, firmwareVersion 3.5.0"),
            (b, charger, "CP->CSMS", "FirmwareStatusNotification", "Installed"),
        ]
    for charger in ("knd_dc01", "knd_dc02", "lsq_dc01"):
        out.append((6 * DAY - 20, charger, "CP->CSMS", "BootNotification", "Voltaris HX-50, firmwareVersion 3.5.0"))
    out += [
        (WAVE_START, "frt_dc05", "CSMS", "UpdateFirmware", "not sent: charger Unavailable (FWC-37 skips unavailable)"),
        (FRT05_OUT[0], "frt_dc05", "CSMS->CP", "ChangeAvailability", "Inoperative (FJ/44118)"),
        (FRT05_OUT[1], "frt_dc05", "CSMS->CP", "ChangeAvailability", "Operative"),
        (LSQ_AC03_OFF + 2, "lsq_ac03", "CP->CSMS", "Heartbeat", "last heartbeat"),
        (LSQ_AC03_OFF, "lsq_ac03", "CSMS", "WebSocket", "connection closed (ping timeout)"),
        (WND_AC04_OFF + 2, "wnd_ac04", "CP->CSMS", "Heartbeat", "last heartbeat"),
        (WND_AC04_OFF, "wnd_ac04", "CSMS", "WebSocket", "connection closed (ping timeout)"),
        (CSMS_UPGRADE, "*", "CSMS", "WebSocket", "Helix CSMS 5.8.3 restart: 48 of 49 chargers reconnected within 4 "
         "minutes (lsq_ac03 offline)"),
    ]  # fmt: skip
    for r in sessions:
        if r["failed"] and r["t"] <= 2 * DAY:
            out.append((r["t"] - 1, r["charger"], "CP->CSMS", "StatusNotification",
                        f"connector {r['conn']} Finishing, errorCode {r['error']}, vendorErrorCode {r['vendor']} "
                        "(start failed)"))  # fmt: skip
    rows = []
    for m, charger, direction, action, detail in out:
        t = now - timedelta(seconds=round(m * 60))
        rows.append((_utc(t), int(t.timestamp()), charger, direction, action, detail))
    rows.sort(key=lambda r: (-r[1], r[2]))
    return rows


def _oncall(now: datetime) -> list[tuple[Any, ...]]:
    """Weekly shifts from Monday 09:00 UTC: last week, this week (the one running now) and the next two."""
    return weekly_rota(now, ROTAS, MOBILES, 9)


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """NOC shifts of 8 hours from 06:00, 14:00 and 22:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=6, minute=0) - timedelta(days=1)
    while start + timedelta(hours=8) <= now:
        start += timedelta(hours=8)
    names = {6: "early", 14: "late", 22: "night"}
    rows = []
    for j, lead in enumerate(SHIFT_LEADS):
        s = start + timedelta(hours=8 * (j - 2))
        e = s + timedelta(hours=8)
        rows.append((names[s.hour], iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), lead, MOBILES[lead]))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    sessions = _all_sessions()
    status, links = _live(now, sessions)
    db.executemany("INSERT INTO sites VALUES (?,?,?,?,?,?,?)", SITES)
    db.executemany("INSERT INTO grid VALUES (?,?,?,?,?,?,?,?)", GRID)
    db.executemany("INSERT INTO chargers VALUES (?,?,?,?,?,?,?,?,?,?,?)", CHARGERS)
    db.executemany("INSERT INTO connector_status VALUES (?,?,?,?,?,?)", status)
    db.executemany("INSERT INTO ocpp_link VALUES (?,?,?,?,?)", links)
    db.executemany("INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _session_rows(now, sessions))
    db.executemany("INSERT INTO site_hourly VALUES (?,?,?,?,?,?,?,?)", _site_hourly(now, sessions))
    db.executemany("INSERT INTO site_power VALUES (?,?,?,?,?,?)", _site_power(now, sessions))
    db.executemany("INSERT INTO cabinets VALUES (?,?,?,?,?,?,?)", CABINETS)
    db.executemany("INSERT INTO cabinet_live VALUES (?,?,?,?,?,?,?,?,?)", CABINET_LIVE)
    db.executemany("INSERT INTO cabinet_daily VALUES (?,?,?,?,?,?,?)", _cabinet_daily(now))
    db.executemany("INSERT INTO faults VALUES (?,?,?,?,?,?,?,?,?)", _faults(now))
    db.executemany("INSERT INTO outages VALUES (?,?,?,?,?,?)",
                   [(c, k, kind, why, clock.epoch(a), None if b is None else clock.epoch(b))
                    for c, k, kind, why, a, b in OUTAGES])  # fmt: skip
    db.executemany("INSERT INTO terminals VALUES (?,?,?,?,?)",
                   [(t, s, c, "Tapwise TW7", "2.14" if t == "TW7-004418" else "2.15")
                    for t, s, c in TERMINALS])  # fmt: skip
    db.executemany(
        "INSERT INTO payment_faults VALUES (?,?,?,?,?,?,?,?)",
        [(t, *TERMINAL_AT[t], f, ago(m), clock.epoch(m), d, detail) for t, f, m, d, detail in PAYMENT_FAULTS],
    )
    db.executemany("INSERT INTO ocpp_messages VALUES (?,?,?,?,?,?)", _ocpp_messages(now, sessions))
    db.executemany("INSERT INTO rollouts VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*r[:4], ago(r[4]), ago(r[5]), *r[6:]) for r in ROLLOUTS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), c[11])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO field_jobs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*j[:6], ago(j[6]), ago(j[7]), ago(j[8]), j[9], j[10]) for j in FIELD_JOBS])  # fmt: skip
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO suppliers VALUES (?,?,?,?,?,?)", SUPPLIERS)
    db.executemany("INSERT INTO complaints VALUES (?,?,?,?,?,?,?,?,?)",
                   [(c[0], ago(c[1]), clock.epoch(c[1]), *c[2:]) for c in COMPLAINTS])  # fmt: skip
    db.executemany("INSERT INTO works VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*w[:4], ago(w[4]), clock.epoch(w[4]), ago(w[5]), clock.epoch(w[5]), *w[6:])
                    for w in WORKS])  # fmt: skip
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", _oncall(now))
    db.executemany("INSERT INTO noc_shifts VALUES (?,?,?,?,?,?,?)", _shifts(now))
    db.executemany("INSERT INTO noc_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in NOC_LOG])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Charging network store (Tallowmere Charge): sites, chargers, sessions, OCPP, power, field jobs"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
