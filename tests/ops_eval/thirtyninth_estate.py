"""A thirty-ninth estate, held out from the planner's tuning: the control room of Askerdale Electricity Networks, an
electricity distribution network operator (DNO), during Storm Corrin. The Askerdale Grid bulk supply point
(``BSP-ASK``, 132/33 kV) feeds five primary substations (33/11 kV, two transformers each, ``T1`` and ``T2``) over 33 kV
circuits (``C33-418A``): ``PR-412`` Holtby, ``PR-415`` Kelsey Cross, ``PR-418`` Marrowby, ``PR-421`` Sutterton Lane and
``PR-424`` Fenby Wold; each primary's 11 kV feeders (``F412-03``, breaker ``CB-412-03``) run overhead, underground or
mixed to ground-mounted secondary substations (``SS-412-047``) and pole-mounted transformers (``PMT-424-118``), with
normally open points (NOPs) to the neighbouring feeders, remote-controlled and manual switches (``412-03-S1``,
``412-03-A7``) and fault passage indicators (``FPI-412-03-2``) on the overhead lines: the feeders and their breaker
and auto-reclose states, breaker operations (trips, auto-reclose shots, lockouts) and trip counts, the FPIs, SCADA
alarms, the primary transformers' loading, top oil temperature and tap, dissolved gas analysis (online monitors and
lab samples), faults and outages with customers interrupted (CI), customer minutes lost (CML) and ETRs, restoration
stages, secondary substations with their customers, smart meters and priority services register (PSR) households,
smart meter last gasp and power-restored alerts, field crews and dispatches, mobile generators, planned outages,
switching schedules, safety documents (permits to work), network change records, weather and lightning, customer calls
by reason, vendor cases and contacts, the on-call rota, the control engineers' shifts, the control log and the
operating procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
substations a kind and numbers (``PR-418``, ``SS-412-047``, ``PMT-424-118``); feeders ``F`` and the primary's number
and a feeder number (``F412-03``), breakers ``CB-`` likewise, 33 kV circuits ``C33-412A``; incidents ``INC-58231``;
planned outages ``PO-31184``; switching schedules ``SW-7741``; permits ``PTW-5524``, limitations of access ``LOA-0388``;
network change records ``NCR-0885``; crew call-signs ``OHL-2``, ``FR-14``, ``JNT-3``, ``GEN-6``, ``VEG-1``, ``SUB-1``;
dispatches ``DSP-90413``; generators ``G-07``; SCADA alarms ``AL-`` and a number; control log entries ``CL-4471``;
weather stations ``WS-HOL``; lab samples ``OL-23118``; procedures ``OP-PROC-07``, ``AM-DGA-03``, ``CUS-PSR-02``,
``STM-01``; vendor cases by vendor: Caldermoor Transformers ``CTX-41007``, Linmere Switchgear ``LSG-7731``, Orvex
Controls ``ORX-22804``, Pennant Power Hire ``PPH-1183``, Meridian Smart Data ``MSD-3318``; people are named in full
(``Imogen Raikes``). Windows come as ``hours``, ``window_days``, ``since`` (RFC 3339), ``lookback_hours``,
``last_days``, ``days``, ``hours_back``, ``since_hours`` and ISO dates. :mod:`tests.ops_eval.thirtyninth_apis` defines
them.

The story (minutes before the estate is built, minute-aligned; transformer samples every 30 minutes for 7 days (ending
at T-2m, T-32m, ...), weather every 15 minutes for 72 hours (T-4m, T-19m, ...), customer calls in half hours for 7
days (ending T-10m, T-40m, ...), DGA online readings daily at T-45m, T-1d-45m, ... for 90 days; on-call weeks run from
Monday 08:00 UTC and the control shifts 12 hours from 07:00 and 19:00 UTC, with the story's people on the week and the
shift running now whatever the hour, so control log entries of the last hours may be by the shift before):

- Storm Corrin: gusts build through the day; storm AR settings (2 shots) on the overhead feeders at T-540m
  (NCR-0885). Lightning near Fenby Wold T-289m .. T-244m (46 strikes at WS-FEN); CB-424-05 trips on earth fault at
  T-262m and recloses (its 5th transient this week: the most trips of any breaker; FPI-424-05-2 points at the Wold Top
  spur, tree cutting PO-31195), CB-415-02 trips and recloses at T-230m. The peak gust, 71 mph at WS-HOL (Holtby Moor),
  is in the sample ending T-214m (Fenby Wold's peak 58, Marrowby's 52).
- T-212m an ash tree comes down across F412-03's conductors (span 118-119 near Ashby End): CB-412-03 trips (EF and
  OC), two auto-reclose shots, locked out at T-211m: 1,846 customers off (INC-58231, 127 PSR households). T-198m
  412-03-S1 opened remotely at SS-412-034; T-188m CB-412-03 closed: 1,032 restored (SS-412-031 .. 034). FPI-412-03-1
  and -2 saw fault current, -3 did not. T-131m FR-14 opens 412-03-A7 (pole 124) by hand; T-122m the NOP at
  SS-412-058 closed: 322 restored by backfeed from F415-06. T-96m OHL-2 finds the tree and a broken crossarm;
  PTW-5524 at T-80m, VEG-1 (LOA-0388) felling. T-38m generator G-07 on load at SS-412-047: 164 restored. 328
  customers still off (22 PSR, 3 medically dependent); CML 150,180 as at T-5m; ETR T+150m; G-03 due at SS-412-041
  (118 customers) at T+25m.
- Marrowby: T1 out since T-300m for tap-changer maintenance (PO-31184, PTW-5521); T2 carries the whole primary,
  18.4 MVA rising to 21.9 MVA (91% of its 24 MVA); its cooler fan group 2 fails at T-140m (seized fan motor 2.3,
  CTX-41007: keep T2 below 20 MVA) and its top oil climbs from 45-47 C to 86.4 C, the 85 C alarm at T-25m
  (INC-58238). FR-22 on the way (T+15m); load transfer of F418-04 to PR-415 approved (NCR-0887, SW-7745, T+10m); T1 back
  at the earliest T+60m.
- red herrings: PO-31190 (PMT-424-118 pole replacement, 14 customers off as planned, PTW-5523); PO-31189 cancelled at
  storm level 2; INC-58229 (a service cable down at Kelsey Cross, 3 customers); INC-58236 (an LV fuse at SS-415-022,
  38 customers, T-60m .. T-31m); INC-58219 overnight on F418-05; the DMS patch NCR-0884 (T-400m); PR-421's RTU comms
  fail T-75m .. T-63m (ORX-22804, after NCR-0883 at T-1200m); SS-415-030's RMU SF6 low pressure (replacement PO-31192
  tomorrow); NCR-0880 (PR-412 RTU firmware, T-1560m).
- slow trend: PR-421 Sutterton Lane T1's acetylene rises from about 0.5 ppm 40 days ago to 3.9 ppm now and its
  hydrogen from about 50 to 188 ppm (OLTC diverter leak suspected, CTX-40992; PR-418 T2's gas is normal).

On call this week: HV network Imogen Raikes (secondary Dev Bhattacharya), EHV network Stuart Kilbride, protection and
telecontrol Marek Dudek, HV SAP Dafydd Rees, customer incident manager Claire Tennant, duty manager Fiona
Achterberg. Control engineer now: Callum Stroud (dispatcher Bethan Orme; before them Tomasz Wilk, next Ayesha Lodge).
Pennant Power Hire's hire desk is +44 1632 960377, its escalation contact Dale Whitcombe.

No API reports costs or money (repairs, compensation, penalties, incentives), guaranteed standards payments, LV
voltages or power quality, winding hot spot temperatures, weather forecasts, call waiting times, crews' working hours,
generator fuel burn, customers' names or addresses, or the press; there is no F412-09 and no INC-59999; SCADA alarms
and weather are kept 72 hours, transformer samples 7 days, DGA 90 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import EstateClock, iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtyninth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "askerdale_dno"
DAY = 1440
#: INC-58231 on F412-03: trip, S1 opened, CB closed, A7 opened, NOP closed, G-07 on load, tree found, ETR (ahead)
TRIP, S1_OPEN, CB_CLOSE, A7_OPEN, NOP_CLOSE, G07_ON, FOUND, ETR = 212, 198, 188, 131, 122, 38, 96, -150
G03_ETA = -25
#: Marrowby: T1 out, T2's fan group 2 fails, T2's top oil alarm, T1 back at the earliest (ahead)
T1_OUT, FAN_FAIL, OIL_ALARM, T1_BACK = 300, 140, 25, -60
CML_AS_AT = 5
#: storm AR settings, transients, the overnight fault on F418-05
NCR_AR, CB424_TRIP, CB415_TRIP, F418_05_TRIP = 540, 262, 230, 870

PRIMARIES = {"PR-412": "Holtby", "PR-415": "Kelsey Cross", "PR-418": "Marrowby", "PR-421": "Sutterton Lane",
             "PR-424": "Fenby Wold", "BSP-ASK": "Askerdale Grid"}  # fmt: skip
_OHL_AR = "IN: 2 shots, 5 s and 60 s (storm settings, NCR-0885)"
#: feeder, primary, route, construction, km, generated secondary substations
FEEDERS = [
    ("F412-01", "PR-412", "Holtby town centre", "underground", 6.2, 5),
    ("F412-02", "PR-412", "Station Road and Holtby West", "mixed", 9.8, 5),
    ("F412-03", "PR-412", "Holtby Moor, Ashby End and Ings", "overhead", 18.6, 0),
    ("F412-04", "PR-412", "Moor Road industrial estate", "underground", 3.1, 3),
    ("F412-05", "PR-412", "Grange Park", "underground", 5.4, 4),
    ("F415-01", "PR-415", "Kelsey Cross town", "underground", 5.5, 5),
    ("F415-02", "PR-415", "Kelsey Fen", "overhead", 21.3, 5),
    ("F415-03", "PR-415", "Mill Row and Kelsey North", "mixed", 8.7, 3),
    ("F415-04", "PR-415", "Chapel Garth", "mixed", 7.9, 3),
    ("F415-05", "PR-415", "Marrowby Road", "mixed", 11.2, 4),
    ("F415-06", "PR-415", "Ings Lane", "overhead", 14.8, 4),
    ("F418-01", "PR-418", "Marrowby town", "underground", 4.6, 6),
    ("F418-02", "PR-418", "Beck Side", "underground", 5.9, 3),
    ("F418-03", "PR-418", "Priory Park", "underground", 4.1, 4),
    ("F418-04", "PR-418", "Marrowby East", "mixed", 9.3, 3),
    ("F418-05", "PR-418", "Carlton Carr", "overhead", 16.4, 4),
    ("F421-01", "PR-421", "Sutterton", "underground", 5.0, 5),
    ("F421-02", "PR-421", "Sutterton Lane industrial estate", "underground", 3.8, 3),
    ("F421-03", "PR-421", "Haxby Bridge", "mixed", 10.6, 4),
    ("F421-04", "PR-421", "Sutterton Fen", "overhead", 17.9, 4),
    ("F424-01", "PR-424", "Fenby village", "mixed", 6.6, 4),
    ("F424-02", "PR-424", "Fenby Carr", "overhead", 12.2, 4),
    ("F424-03", "PR-424", "Wold Road", "overhead", 13.7, 4),
    ("F424-04", "PR-424", "Fenby Mill", "underground", 3.2, 3),
    ("F424-05", "PR-424", "Wold Top", "overhead", 19.4, 3),
]  # fmt: skip
#: 33 kV circuits: circuit, primary, route, construction, km
CIRCUITS = [
    ("C33-412A", "PR-412", "Askerdale Grid to Holtby T1", "overhead", 14.2),
    ("C33-412B", "PR-412", "Askerdale Grid to Holtby T2", "underground", 15.0),
    ("C33-415A", "PR-415", "Askerdale Grid to Kelsey Cross T1", "overhead", 9.6),
    ("C33-415B", "PR-415", "Askerdale Grid to Kelsey Cross T2", "overhead", 9.9),
    ("C33-418A", "PR-418", "Askerdale Grid to Marrowby T1", "mixed", 17.3),
    ("C33-418B", "PR-418", "Askerdale Grid to Marrowby T2", "mixed", 17.8),
    ("C33-421A", "PR-421", "Askerdale Grid to Sutterton Lane T1", "underground", 7.4),
    ("C33-421B", "PR-421", "Askerdale Grid to Sutterton Lane T2", "underground", 7.6),
    ("C33-424A", "PR-424", "Askerdale Grid to Fenby Wold T1 and T2", "overhead", 22.5),
]  # fmt: skip
#: F412-03's secondary substations: id, name, kind, kVA, customers, PSR households, medically dependent, section
F412_03 = [
    ("SS-412-031", "Holtby Village", "ground-mounted", 500, 312, 24, 2, 1),
    ("SS-412-032", "Holtby Grange", "ground-mounted", 315, 188, 11, 1, 1),
    ("SS-412-033", "Moor Road", "ground-mounted", 500, 247, 19, 1, 1),
    ("SS-412-034", "Wold Road (RMU with remote switch 412-03-S1)", "ground-mounted", 500, 285, 21, 2, 1),
    ("SS-412-041", "Carr Lane", "ground-mounted", 200, 118, 8, 1, 2),
    ("SS-412-044", "Ashby Lane", "ground-mounted", 200, 96, 6, 1, 2),
    ("SS-412-047", "Ashby End", "ground-mounted", 315, 164, 9, 2, 2),
    ("PMT-412-049", "Brigg Farm", "pole-mounted", 25, 6, 1, 0, 2),
    ("SS-412-052", "Wold View", "ground-mounted", 200, 108, 7, 1, 2),
    ("SS-412-055", "Marsh End", "ground-mounted", 315, 141, 10, 1, 3),
    ("SS-412-057", "Ings Lane", "ground-mounted", 200, 96, 5, 0, 3),
    ("SS-412-058", "Ings Farm (NOP to F415-06)", "ground-mounted", 200, 85, 6, 1, 3),
]  # fmt: skip
#: named secondary substations of the other feeders: id, name, feeder, kind, kVA, customers
NAMED_SUBS = [
    ("SS-415-022", "Mill Row", "F415-03", "ground-mounted", 500, 212),
    ("SS-415-030", "Chapel Garth (RMU)", "F415-04", "ground-mounted", 500, 236),
    ("SS-418-090", "Marrowby East (NOP to F415-05)", "F418-04", "ground-mounted", 315, 174),
    ("SS-418-204", "Beck Side North", "F418-02", "ground-mounted", 500, 146),
    ("PMT-424-118", "Wold Top Farm", "F424-05", "pole-mounted", 50, 14),
]  # fmt: skip
SUB_NAMES = ["Church Street", "Westgate", "Mill Lane", "Orchard Way", "Hall Garth", "Beck Lane", "Sandpit Road",
             "Forge Close", "Ropery", "Meadow Rise", "Low Street", "Chantry Court", "Kiln Lane", "Saxby Road",
             "Paddock View", "Croft End", "Whin Lane", "Tithe Barn", "Brook Street", "Goose Green", "Manor Farm",
             "Station Yard", "Cross Hill", "Hagg Lane", "Farrow Close", "Priory Walk", "Carr Side", "Fen Lane",
             "Top Row", "Nook Lane"]  # fmt: skip
#: F412-03 customers off supply by section and when each section came back (minutes ago)
SECTION_BACK = {1: CB_CLOSE, 3: NOP_CLOSE}


def _hm(t: datetime) -> str:
    """``YYYY-MM-DD HH:MM`` (UTC; how the control log shows times)."""
    return t.strftime("%Y-%m-%d %H:%M")


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _back_at(ss: str, section: int) -> int | None:
    """When an F412-03 secondary substation got supply back (minutes ago), None while it is still off."""
    if ss == "SS-412-047":
        return G07_ON
    return SECTION_BACK.get(section)


def _secondaries() -> list[dict[str, Any]]:
    """Every secondary substation: F412-03's, the named ones and the generated ones (numbered from 130 per primary)."""
    subs: list[dict[str, Any]] = []
    for ss, name, kind, kva, cust, psr, mde, section in F412_03:
        subs.append({"ss": ss, "name": name, "feeder": "F412-03", "kind": kind, "kva": kva, "customers": cust,
                     "psr": psr, "mde": mde, "section": section})  # fmt: skip
    for ss, name, feeder, kind, kva, cust in NAMED_SUBS:
        subs.append({"ss": ss, "name": name, "feeder": feeder, "kind": kind, "kva": kva, "customers": cust,
                     "psr": round(cust * _between(0.05, 0.09, ss + "psr", 0, 3)),
                     "mde": int(3 * noise(ss + "mde", 0)), "section": 0})  # fmt: skip
    counter: dict[str, int] = {}
    n = 0
    for feeder, primary, _route, construction, _km, count in FEEDERS:
        for i in range(count):
            num = 130 + counter.get(primary, 0)
            counter[primary] = counter.get(primary, 0) + 1
            pole = construction == "overhead" and i % 2 == 1
            ss = f"{'PMT' if pole else 'SS'}-{primary[3:]}-{num}"
            cust = int(_between(3, 25, ss, 0, 0)) if pole else int(_between(60, 340, ss, 0, 0))
            name = SUB_NAMES[n % len(SUB_NAMES)]
            n += 1
            subs.append({"ss": ss, "name": name, "feeder": feeder, "kind": "pole-mounted" if pole else
                         "ground-mounted", "kva": 50 if pole else (315 if cust < 200 else 500), "customers": cust,
                         "psr": round(cust * _between(0.05, 0.09, ss + "psr", 0, 3)),
                         "mde": 0 if pole else int(3 * noise(ss + "mde", 0)), "section": 0})  # fmt: skip
    for s in subs:
        s["smart"] = round(s["customers"] * _between(0.64, 0.8, s["ss"] + "smart", 0, 3))
    return subs


def _supply(s: dict[str, Any]) -> tuple[str, int, str]:
    """A secondary substation's supply now, since (minutes ago) and note."""
    ss = s["ss"]
    if s["feeder"] == "F412-03":
        if s["section"] == 1:
            return "ON", CB_CLOSE, "restored by remote switching after the F412-03 lockout (INC-58231)"
        if s["section"] == 3:
            return "ON_BACKFEED", NOP_CLOSE, "fed from F415-06 through the NOP at SS-412-058 (INC-58231)"
        if ss == "SS-412-047":
            return "ON_GENERATOR", G07_ON, "generator G-07 (500 kVA) on the LV board (INC-58231)"
        note = "G-03 on its way (ETA 25 minutes)" if ss == "SS-412-041" else ""
        return "OFF", TRIP, f"faulted section of F412-03 (INC-58231); {note}".rstrip("; ")
    if ss == "PMT-424-118":
        return "OFF_PLANNED", 120, "pole replacement PO-31190"
    if ss == "SS-415-022":
        return "ON", 31, "LV way 3 fuse replaced (INC-58236)"
    if ss == "SS-415-030":
        return "ON", 5 * DAY, "RMU SF6 pressure low: replacement PO-31192 tomorrow (LSG-7731)"
    if ss == "SS-415-130":
        return "ON", 30 * DAY, "3 customers off on a service cable brought down (INC-58229)"
    return "ON", 30 * DAY, ""


_SCHEMA = """
CREATE TABLE feeders (feeder TEXT PRIMARY KEY, voltage_kv INTEGER, source TEXT, source_name TEXT, breaker TEXT,
                      route TEXT, construction TEXT, length_km REAL, customers INTEGER, breaker_state TEXT,
                      ar_mode TEXT, feeder_state TEXT, nops TEXT, since TEXT, note TEXT);
CREATE TABLE cb_ops (seq INTEGER PRIMARY KEY, breaker TEXT, feeder TEXT, substation TEXT, at_utc TEXT,
                     at_epoch INTEGER, operation TEXT, protection TEXT, fault_current_a INTEGER, ar_shot INTEGER,
                     outcome TEXT, by_whom TEXT);
CREATE TABLE fpis (fpi TEXT PRIMARY KEY, feeder TEXT, location TEXT, section TEXT, comms TEXT, state TEXT,
                   last_operated TEXT, fault_type TEXT, reset_mode TEXT, battery_pct INTEGER);
CREATE TABLE alarms (alarm TEXT PRIMARY KEY, raised TEXT, raised_epoch INTEGER, priority INTEGER, substation TEXT,
                     site_name TEXT, point TEXT, message TEXT, state TEXT, cleared TEXT, acknowledged TEXT);
CREATE TABLE tx_load (substation TEXT, site_name TEXT, transformer TEXT, sample_end TEXT, end_epoch INTEGER,
                      mva REAL, rating_mva REAL, pct_rating REAL, top_oil_c REAL, tap TEXT, cooling TEXT,
                      in_service TEXT);
CREATE INDEX tx_epoch ON tx_load (end_epoch);
CREATE TABLE dga (substation TEXT, site_name TEXT, transformer TEXT, sampled TEXT, s_epoch INTEGER, source TEXT,
                  lab_ref TEXT, h2_ppm REAL, ch4_ppm REAL, c2h6_ppm REAL, c2h4_ppm REAL, c2h2_ppm REAL,
                  co_ppm REAL, co2_ppm REAL, tdcg_ppm REAL, moisture_ppm REAL, duval_zone TEXT, assessment TEXT);
CREATE TABLE incidents (ref TEXT PRIMARY KEY, opened TEXT, opened_epoch INTEGER, kind TEXT, feeder TEXT,
                        substation TEXT, status TEXT, cause TEXT, customers_interrupted INTEGER,
                        short_interruptions INTEGER, customers_off_now INTEGER, cml_to_date INTEGER, cml_as_at TEXT,
                        psr_affected INTEGER, psr_off_now INTEGER, mde_off_now INTEGER, etr TEXT, lead_crew TEXT,
                        summary TEXT);
CREATE TABLE restoration (incident TEXT, stage INTEGER, at_utc TEXT, customers_restored INTEGER, off_after INTEGER,
                          method TEXT, devices TEXT, status TEXT);
CREATE TABLE secondaries (substation TEXT PRIMARY KEY, name TEXT, feeder TEXT, primary_sub TEXT, kind TEXT,
                          kva INTEGER, customers INTEGER, smart_meters INTEGER, psr_households INTEGER,
                          psr_medically_dependent INTEGER, supply_now TEXT, since TEXT, note TEXT);
CREATE TABLE meter_alerts (substation TEXT, feeder TEXT, at_utc TEXT, at_epoch INTEGER, kind TEXT, meters INTEGER,
                           note TEXT);
CREATE TABLE crews (callsign TEXT PRIMARY KEY, kind TEXT, lead TEXT, size INTEGER, depot TEXT, status TEXT,
                    job TEXT, location TEXT, since TEXT, eta_or_finish TEXT, note TEXT);
CREATE TABLE dispatches (dispatch TEXT PRIMARY KEY, callsign TEXT, job TEXT, task TEXT, dispatched TEXT,
                         d_epoch INTEGER, arrived TEXT, cleared TEXT, status TEXT);
CREATE TABLE generators (gen TEXT PRIMARY KEY, kva INTEGER, owner TEXT, depot TEXT, status TEXT, location TEXT,
                         job TEXT, since TEXT, eta TEXT, fuel_pct INTEGER, load_kw INTEGER, customers INTEGER,
                         crew TEXT);
CREATE TABLE planned (ref TEXT PRIMARY KEY, kind TEXT, equipment TEXT, substation TEXT, feeder TEXT,
                      customers INTEGER, psr_households INTEGER, planned_start TEXT, planned_end TEXT, status TEXT,
                      notified TEXT, crew TEXT, notes TEXT);
CREATE TABLE switching (schedule TEXT, job TEXT, step INTEGER, planned TEXT, done_at TEXT, location TEXT,
                        device TEXT, operation TEXT, mode TEXT, operator TEXT, status TEXT, note TEXT);
CREATE TABLE safety_docs (doc TEXT PRIMARY KEY, kind TEXT, equipment TEXT, limits TEXT, issued_by TEXT,
                          issued_to TEXT, issued TEXT, issued_epoch INTEGER, cancelled TEXT, status TEXT, job TEXT);
CREATE TABLE changes (ncr TEXT PRIMARY KEY, title TEXT, scope TEXT, kind TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, notes TEXT);
CREATE TABLE weather (station TEXT, area TEXT, sample_end TEXT, end_epoch INTEGER, wind_mph REAL, gust_mph REAL,
                      direction_deg INTEGER, temp_c REAL, rain_mm REAL, lightning_strikes INTEGER);
CREATE TABLE calls (reason TEXT, bucket_end TEXT, end_epoch INTEGER, calls INTEGER);
CREATE INDEX calls_epoch ON calls (end_epoch);
CREATE TABLE cases (ref TEXT PRIMARY KEY, vendor TEXT, asset TEXT, subject TEXT, status TEXT, priority TEXT,
                    engineer TEXT, raised_by TEXT, opened TEXT, opened_epoch INTEGER, updated TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, covers TEXT, phone TEXT, hours TEXT, engineer TEXT, escalation TEXT,
                      contract TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER,
                     control_engineer TEXT, dispatcher TEXT, desk_phone TEXT);
CREATE TABLE control_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE docs (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""

# ---------------------------------------------------------------------------------------------------- breakers
#: breaker, feeder, substation, minutes ago (+ seconds), operation, protection, fault current, shot, outcome, by
_STORM_TRANSIENTS = [1880, 3750, 6050, 7900]  # CB-424-05's earlier transients this week (minutes ago)
CB_OPS: list[tuple[str, str, str, float, str, str, int | None, int | None, str, str]] = [
    ("CB-412-05", "F412-05", "PR-412", 17300, "TRIP", "OC", 3150, None, "no auto-reclose (underground): cable fault "
     "at Grange Park, repaired", "protection"),
    ("CB-421-04", "F421-04", "PR-421", 13000, "TRIP", "EF", 620, None, "", "protection"),
    ("CB-421-04", "F421-04", "PR-421", 13000 - 5 / 60, "AR_CLOSE", "", None, 1, "tripped again", "auto-reclose"),
    ("CB-421-04", "F421-04", "PR-421", 13000 - 6 / 60, "TRIP", "EF", 640, None, "", "protection"),
    ("CB-421-04", "F421-04", "PR-421", 13000 - 6 / 60, "LOCKOUT", "", None, None, "locked out (1 shot); branch on "
     "the line, restored after a patrol", "auto-reclose"),
    ("CB-418-05", "F418-05", "PR-418", 25000, "TRIP", "EF", 380, None, "", "protection"),
    ("CB-418-05", "F418-05", "PR-418", 25000 - 5 / 60, "AR_CLOSE", "", None, 1, "successful", "auto-reclose"),
    *[op for m in _STORM_TRANSIENTS for op in (
        ("CB-424-05", "F424-05", "PR-424", float(m), "TRIP", "EF", 350 + int(120 * noise("424t", m)), None, "",
         "protection"),
        ("CB-424-05", "F424-05", "PR-424", m - 5 / 60, "AR_CLOSE", "", None, 1, "successful", "auto-reclose"))],
    ("CB-415-02", "F415-02", "PR-415", 4900, "TRIP", "OC", 980, None, "", "protection"),
    ("CB-415-02", "F415-02", "PR-415", 4900 - 5 / 60, "AR_CLOSE", "", None, 1, "successful", "auto-reclose"),
    ("CB-418-05", "F418-05", "PR-418", F418_05_TRIP, "TRIP", "EF", 540, None, "", "protection"),
    ("CB-418-05", "F418-05", "PR-418", F418_05_TRIP - 5 / 60, "AR_CLOSE", "", None, 1, "tripped again",
     "auto-reclose"),
    ("CB-418-05", "F418-05", "PR-418", F418_05_TRIP - 6 / 60, "TRIP", "EF", 560, None, "", "protection"),
    ("CB-418-05", "F418-05", "PR-418", F418_05_TRIP - 6 / 60, "LOCKOUT", "", None, None, "locked out (1 shot)",
     "auto-reclose"),
    ("CB-418-05", "F418-05", "PR-418", 841, "REMOTE_CLOSE", "", None, None, "after 418-05-S2 opened: first part "
     "restored", "control"),
    ("CB-418-BS", "", "PR-418", 306, "REMOTE_CLOSE", "", None, None, "11 kV bus section closed for the T1 outage "
     "(SW-7738)", "control"),
    ("CB-418-T1-LV", "", "PR-418", 303, "REMOTE_OPEN", "", None, None, "T1 11 kV incomer opened (SW-7738)", "control"),
    ("CB-418-T1", "C33-418A", "PR-418", T1_OUT, "REMOTE_OPEN", "", None, None, "T1 33 kV breaker opened: T1 out for "
     "PO-31184 (SW-7738)", "control"),
    ("CB-424-05", "F424-05", "PR-424", CB424_TRIP, "TRIP", "EF", 410, None, "", "protection"),
    ("CB-424-05", "F424-05", "PR-424", CB424_TRIP - 5 / 60, "AR_CLOSE", "", None, 1, "successful (transient: "
     "lightning)", "auto-reclose"),
    ("CB-415-02", "F415-02", "PR-415", CB415_TRIP, "TRIP", "OC", 1120, None, "", "protection"),
    ("CB-415-02", "F415-02", "PR-415", CB415_TRIP - 5 / 60, "AR_CLOSE", "", None, 1, "successful (transient: wind)",
     "auto-reclose"),
    ("CB-412-03", "F412-03", "PR-412", TRIP, "TRIP", "EF, OC (I>>)", 1940, None, "", "protection"),
    ("CB-412-03", "F412-03", "PR-412", TRIP - 5 / 60, "AR_CLOSE", "", None, 1, "tripped again", "auto-reclose"),
    ("CB-412-03", "F412-03", "PR-412", TRIP - 6 / 60, "TRIP", "EF", 1870, None, "", "protection"),
    ("CB-412-03", "F412-03", "PR-412", TRIP - 66 / 60, "AR_CLOSE", "", None, 2, "tripped again", "auto-reclose"),
    ("CB-412-03", "F412-03", "PR-412", TRIP - 67 / 60, "TRIP", "EF", 1890, None, "", "protection"),
    ("CB-412-03", "F412-03", "PR-412", TRIP - 67 / 60, "LOCKOUT", "", None, None, "locked out after 2 shots: "
     "permanent fault", "auto-reclose"),
    ("CB-412-03", "F412-03", "PR-412", CB_CLOSE, "REMOTE_CLOSE", "", None, None, "closed after 412-03-S1 opened: "
     "SS-412-031 .. SS-412-034 restored (SW-7741)", "control"),
]  # fmt: skip

#: fpi, feeder, location, section, comms, state, last operated (minutes ago), fault type, reset mode, battery
FPIS = [
    ("FPI-412-03-1", "F412-03", "pole 41, Holtby Moor Road", "CB-412-03 to 412-03-S1", "remote", "FAULT_PASSED", TRIP,
     "earth fault", "timer 4 h", 88),
    ("FPI-412-03-2", "F412-03", "pole 96, Carr Lane end", "412-03-S1 to 412-03-A7", "remote", "FAULT_PASSED", TRIP,
     "earth fault", "timer 4 h", 81),
    ("FPI-412-03-3", "F412-03", "pole 131, Ings Lane", "412-03-A7 to the NOP at SS-412-058", "remote", "NORMAL",
     23 * DAY, "earth fault", "timer 4 h", 84),
    ("FPI-415-02-1", "F415-02", "pole 22, Kelsey Fen Road", "CB-415-02 to 415-02-S1", "remote", "FAULT_PASSED",
     CB415_TRIP, "overcurrent", "timer 4 h", 77),
    ("FPI-415-06-1", "F415-06", "pole 37, Ings Lane", "CB-415-06 to the NOP at SS-412-058", "remote", "NORMAL",
     40 * DAY, "", "timer 4 h", 90),
    ("FPI-418-05-1", "F418-05", "pole 52, Carlton Carr", "418-05-S2 to the end", "local flag", "NORMAL", F418_05_TRIP,
     "earth fault (reset by OHL-7)", "manual", 69),
    ("FPI-421-04-1", "F421-04", "pole 30, Sutterton Fen", "CB-421-04 to the end", "remote", "NORMAL", 13000,
     "earth fault", "timer 4 h", 86),
    ("FPI-424-05-1", "F424-05", "pole 17, Fenby Wold", "CB-424-05 to the Wold Top tee", "remote", "FAULT_PASSED",
     CB424_TRIP, "earth fault", "timer 4 h", 83),
    ("FPI-424-05-2", "F424-05", "pole 58, Wold Top spur", "Wold Top spur", "remote", "FAULT_PASSED", CB424_TRIP,
     "earth fault (5 times this week)", "timer 4 h", 74),
    ("FPI-424-05-3", "F424-05", "pole 77, Fenby Wold main line", "Wold Top tee to the end", "remote", "NORMAL",
     19 * DAY, "earth fault", "timer 4 h", 85),
]  # fmt: skip

# ---------------------------------------------------------------------------------------------------- alarms
#: minutes ago, priority, substation, point, message, cleared (minutes ago; None: active)
ALARMS: list[tuple[int, int, str, str, str, int | None]] = [
    (3180, 2, "SS-415-030", "RMU SF6", "RMU SF6 gas pressure low (stage 1)", None),
    (F418_05_TRIP, 1, "PR-418", "CB-418-05 TRIP", "F418-05 earth fault trip", 841),
    (F418_05_TRIP - 1, 1, "PR-418", "CB-418-05 AR LOCKOUT", "F418-05 auto-reclose lockout", 841),
    (545, 4, "PR-412", "AR SETTINGS", "protection setting group 2 (storm) selected on F412-03", None),
    (T1_OUT + 6, 4, "PR-418", "CB-418-BS CLOSED", "11 kV bus section closed (SW-7738)", None),
    (T1_OUT + 3, 4, "PR-418", "CB-418-T1-LV OPEN", "T1 11 kV incomer open (planned, PO-31184)", None),
    (T1_OUT, 4, "PR-418", "CB-418-T1 OPEN", "T1 33 kV breaker open (planned, PO-31184)", None),
    (CB424_TRIP, 2, "PR-424", "CB-424-05 TRIP", "F424-05 earth fault trip", CB424_TRIP),
    (CB424_TRIP, 3, "PR-424", "CB-424-05 AR SUCCESSFUL", "F424-05 auto-reclose shot 1 successful", CB424_TRIP - 1),
    (CB424_TRIP, 3, "F424-05", "FPI-424-05-2", "fault passed (earth fault)", None),
    (CB415_TRIP, 2, "PR-415", "CB-415-02 TRIP", "F415-02 overcurrent trip", CB415_TRIP),
    (CB415_TRIP, 3, "PR-415", "CB-415-02 AR SUCCESSFUL", "F415-02 auto-reclose shot 1 successful", CB415_TRIP - 1),
    (TRIP, 1, "PR-412", "CB-412-03 TRIP", "F412-03 trip: earth fault and overcurrent (I>>)", CB_CLOSE),
    (TRIP, 2, "PR-412", "CB-412-03 EF PROT", "F412-03 earth fault protection operated", CB_CLOSE),
    (TRIP, 3, "F412-03", "FPI-412-03-1", "fault passed (earth fault)", None),
    (TRIP, 3, "F412-03", "FPI-412-03-2", "fault passed (earth fault)", None),
    (TRIP - 1, 1, "PR-412", "CB-412-03 AR LOCKOUT", "F412-03 auto-reclose lockout after 2 shots", CB_CLOSE),
    (S1_OPEN, 4, "SS-412-034", "412-03-S1 OPEN", "remote switch 412-03-S1 open (SW-7741)", None),
    (CB_CLOSE, 4, "PR-412", "CB-412-03 CLOSED", "F412-03 breaker closed (SW-7741)", CB_CLOSE),
    (FAN_FAIL, 2, "PR-418", "T2 COOLER FAN GROUP 2", "T2 cooler fan group 2 fail", None),
    (NOP_CLOSE, 4, "SS-412-058", "NOP 412-03/415-06 CLOSED", "normally open point closed: F412-03 section 3 on "
     "F415-06 (SW-7741)", None),
    (1100, 2, "PR-421", "RTU COMMS", "RTU communications fail (telecontrol lost)", 1090),
    (640, 2, "PR-421", "RTU COMMS", "RTU communications fail (telecontrol lost)", 631),
    (75, 2, "PR-421", "RTU COMMS", "RTU communications fail (telecontrol lost)", 63),
    (OIL_ALARM, 1, "PR-418", "T2 TOP OIL TEMP HIGH", "T2 top oil temperature above 85 C", None),
]  # fmt: skip
_ROUTINE = [("DOOR OPEN", "substation door open", 4), ("LVAC MAINS FAIL", "LVAC supply fail", 3),
            ("BATTERY CHARGER", "battery charger fault", 3), ("RTU COMMS", "RTU communications fail", 2),
            ("TRIP CIRCUIT SUPERVISION", "trip circuit supervision alarm", 2)]  # fmt: skip

# ---------------------------------------------------------------------------------------------------- transformers
#: substation, transformer, rating (MVA), normal load (lo, hi)
TRANSFORMERS = [
    ("PR-412", "T1", 30.0, (11.8, 13.6)), ("PR-412", "T2", 30.0, (11.6, 13.4)),
    ("PR-415", "T1", 24.0, (9.1, 10.9)), ("PR-415", "T2", 24.0, (8.9, 10.6)),
    ("PR-418", "T1", 24.0, (9.6, 11.4)), ("PR-418", "T2", 24.0, (9.6, 11.4)),
    ("PR-421", "T1", 24.0, (7.8, 9.4)), ("PR-421", "T2", 24.0, (7.6, 9.2)),
    ("PR-424", "T1", 12.0, (3.9, 5.1)), ("PR-424", "T2", 12.0, (3.8, 5.0)),
]  # fmt: skip
#: PR-418 T2 since T1 went out: sample end (minutes ago) -> MVA, top oil C, tap
T2_AFTER = {272: (18.4, 56.1, 12), 242: (18.9, 60.4, 12), 212: (19.3, 63.2, 12), 182: (19.8, 65.0, 13),
            152: (20.4, 66.3, 13), 122: (20.9, 71.8, 13), 92: (21.3, 77.5, 13), 62: (21.6, 81.9, 13),
            32: (21.8, 84.6, 13), 2: (21.9, 86.4, 13)}  # fmt: skip

# ---------------------------------------------------------------------------------------------------- people
ROTAS = {
    "hv_network": [("primary", ["Dev Bhattacharya", "Imogen Raikes", "Dev Bhattacharya", "Imogen Raikes"]),
                   ("secondary", ["Imogen Raikes", "Dev Bhattacharya", "Imogen Raikes", "Dev Bhattacharya"])],
    "ehv_network": [("primary", ["Harriet Coyle", "Stuart Kilbride", "Harriet Coyle", "Stuart Kilbride"])],
    "protection_telecontrol": [("primary", ["Ollie Brandt", "Marek Dudek", "Ollie Brandt", "Marek Dudek"])],
    "sap_hv": [("primary", ["Marcus Pell", "Dafydd Rees", "Marcus Pell", "Dafydd Rees"])],
    "customer_incident": [("primary", ["Joanne Sefton", "Claire Tennant", "Joanne Sefton", "Claire Tennant"])],
    "duty_manager": [("primary", ["Ravi Chandran", "Fiona Achterberg", "Sunita Gill", "Ravi Chandran"])],
}  # fmt: skip
#: control shifts: two before the one running now, it, the next
ENGINEERS = ["Rhiannon Pryce", "Tomasz Wilk", "Callum Stroud", "Ayesha Lodge"]
DISPATCHERS = ["Nadia Crowther", "Eamon Reilly", "Bethan Orme", "Jack Lomas"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps})
MOBILES = {p: f"+44 7700 900{500 + 7 * i:03d}" for i, p in enumerate(_PEOPLE)}

# ---------------------------------------------------------------------------------------------------- crews
#: callsign, kind, lead, size, depot, status, job, location, since, ETA or finish (minutes ago; negative: ahead), note
CREWS = [
    ("FR-09", "first responder", "Shona Batty", 1, "Kelsey Cross depot", "AVAILABLE", "", "SS-415-022, Mill Row",
     25, None, "INC-58236 done: LV fuse replaced"),
    ("FR-14", "first responder", "Lewis Hamer", 1, "Holtby depot", "ON_SITE", "INC-58231",
     "412-03-A7, pole 124, Ings Lane", 145, None, "opened 412-03-A7 by hand (SW-7741 step 3); standing by for the "
     "restoration switching"),
    ("FR-17", "first responder", "Aled Pritchard", 1, "Kelsey Cross depot", "ON_SITE", "INC-58229",
     "Mill Row, Kelsey Cross", 160, None, "service cable down: made safe and cordoned; needs an overhead service "
     "re-run"),
    ("FR-22", "first responder", "Mo Rahman", 1, "Marrowby depot", "TRAVELLING", "INC-58238",
     "A1079 towards PR-418 Marrowby", 55, -15, "T2 cooler fan group 2: isolate fan 2.3 and reset the group 2 MCB "
     "(CTX-41007)"),
    ("GEN-4", "generator team", "Hollie Marsh", 2, "Holtby depot", "TRAVELLING", "INC-58231",
     "towing G-03 to SS-412-041 Carr Lane", 40, G03_ETA, ""),
    ("GEN-6", "generator team", "Ricky Osei", 2, "Marrowby depot", "ON_SITE", "INC-58231", "SS-412-047 Ashby End",
     58, None, "G-07 on load; fuel checks every 6 hours (GEN-01)"),
    ("JNT-3", "cable jointers", "Paul Venn", 3, "Sutterton depot", "AVAILABLE", "", "Sutterton depot", 200, None, ""),
    ("OHL-2", "overhead line gang", "Kieran Doyle", 4, "Holtby depot", "ON_SITE", "INC-58231",
     "F412-03 poles 118-119, Ashby End", 118, ETR, "ash tree across the conductors, crossarm at pole 119 broken, one "
     "conductor down: new crossarm and a conductor re-run under PTW-5524"),
    ("OHL-5", "overhead line gang", "Gavin Tarrant", 4, "Fenby depot", "ON_SITE", "PO-31190",
     "PMT-424-118, Wold Top Farm", 125, -120, "pole replacement under PTW-5523"),
    ("OHL-7", "overhead line gang", "Bryn Castell", 4, "Marrowby depot", "STOOD_DOWN", "",
     "Marrowby depot", 430, None, "rest period after the overnight F418-05 fault (INC-58219)"),
    ("SUB-1", "substation fitters", "Connor Pike", 3, "Marrowby depot", "ON_SITE", "PO-31184",
     "PR-418 Marrowby, T1 tap-changer", 290, T1_BACK, "asked by control to return T1 early: earliest in about an hour "
     "(diverter reassembly and oil fill)"),
    ("VEG-1", "tree cutting (Treeline Arboriculture)", "Sam Okoro", 3, "contractor", "ON_SITE", "INC-58231",
     "F412-03 span 118-119, Ashby End", 52, None, "felling and clearing the ash under LOA-0388"),
]  # fmt: skip
#: dispatch, callsign, job, task, dispatched, arrived, cleared (minutes ago; None: not yet), status
DISPATCHES = [
    ("DSP-90398", "JNT-3", "INC-58226", "LV cable fault at SS-418-204: joint", 1500, 1440, 1180, "cleared"),
    ("DSP-90402", "OHL-7", "INC-58219", "F418-05 patrol and repair, Carlton Carr", 860, 800, 470, "cleared"),
    ("DSP-90407", "SUB-1", "PO-31184", "PR-418 T1 tap-changer maintenance", 340, 310, None, "on site"),
    ("DSP-90408", "OHL-5", "PO-31190", "PMT-424-118 pole replacement", 200, 140, None, "on site"),
    ("DSP-90410", "FR-17", "INC-58229", "service cable down, Mill Row, Kelsey Cross: make safe", 186, 160, None,
     "on site"),
    ("DSP-90412", "FR-14", "INC-58231", "manual switching at 412-03-A7 (pole 124)", 180, 145, None, "on site"),
    ("DSP-90413", "OHL-2", "INC-58231", "patrol F412-03 between FPI-412-03-2 (pole 96) and FPI-412-03-3 (pole 131)",
     170, 118, None, "on site"),
    ("DSP-90416", "GEN-6", "INC-58231", "G-07 (500 kVA) to SS-412-047 Ashby End", 100, 58, None, "on site"),
    ("DSP-90418", "VEG-1", "INC-58231", "fell and clear the ash at span 118-119", 90, 52, None, "on site"),
    ("DSP-90419", "FR-09", "INC-58236", "LV fuse at SS-415-022", 57, 40, 25, "cleared"),
    ("DSP-90420", "FR-22", "INC-58238", "PR-418 T2 cooler fans", 55, None, None, "travelling"),
    ("DSP-90421", "GEN-4", "INC-58231", "G-03 (200 kVA) to SS-412-041 Carr Lane", 40, None, None, "travelling"),
]  # fmt: skip
#: gen, kVA, owner, depot, status, location, job, since, ETA (minutes ago; negative: ahead), fuel %, kW, customers,
#: crew
GENERATORS = [
    ("G-02", 100, "Askerdale Electricity Networks", "Holtby depot", "AVAILABLE", "Holtby depot", "", 3 * DAY, None,
     100, 0, 0, ""),
    ("G-03", 200, "Pennant Power Hire (PPH-1183)", "Holtby depot", "EN_ROUTE", "to SS-412-041 Carr Lane",
     "INC-58231", 40, G03_ETA, 100, 0, 118, "GEN-4"),
    ("G-07", 500, "Askerdale Electricity Networks", "Marrowby depot", "RUNNING", "SS-412-047 Ashby End", "INC-58231",
     G07_ON, None, 88, 182, 164, "GEN-6"),
    ("G-11", 250, "Askerdale Electricity Networks", "Marrowby depot", "AVAILABLE", "Marrowby depot",
     "reserved for PO-31192 (tomorrow)", 2 * DAY, None, 100, 0, 0, ""),
    ("G-14", 800, "Askerdale Electricity Networks", "Sutterton depot", "MAINTENANCE", "Sutterton depot workshop", "",
     4 * DAY, None, 40, 0, 0, "alternator bearing; back in 3 days"),
]  # fmt: skip
#: ref, kind, equipment, substation, feeder, customers, PSR, start, end (minutes ago; negative: ahead), status,
#: notified (minutes ago), crew, notes
PLANNED = [
    ("PO-31178", "customer interruption", "LV board replacement", "SS-418-131", "F418-01", 96, 6, 2 * DAY + 420,
     2 * DAY + 120, "completed", 9 * DAY, "JNT-3", ""),
    ("PO-31184", "plant outage (no customers off)", "PR-418 T1 on-load tap-changer maintenance", "PR-418", "", 0, 0,
     T1_OUT, -180, "in_progress", 12 * DAY, "SUB-1", "T2 carries PR-418 alone meanwhile (firm capacity lost); "
     "control asked for T1 back early"),
    ("PO-31189", "customer interruption", "LV board and fuse cabinet replacement", "SS-412-052", "F412-03", 108, 7,
     -60, -300, "cancelled", 8 * DAY, "JNT-3", "cancelled at storm level 2 (STM-01); customers told; to be re-planned"),
    ("PO-31190", "customer interruption", "pole replacement (pole 3, rotten)", "PMT-424-118", "F424-05", 14, 2, 120,
     -120, "in_progress", 7 * DAY, "OHL-5", "PTW-5523; the 2 PSR households called the day before"),
    ("PO-31192", "customer interruption", "RMU replacement (SF6 pressure low)", "SS-415-030", "F415-04", 236, 17,
     -1380, -1860, "scheduled", 6 * DAY, "JNT-3", "generator G-11 for the PSR households; LSG-7731"),
    ("PO-31195", "customer interruption", "tree cutting, Wold Top spur", "F424-05", "F424-05", 58, 4, -2880, -3240,
     "scheduled", 2 * DAY, "VEG-1", "after 5 transient trips on CB-424-05 this week"),
    ("PO-31201", "plant outage (no customers off)", "PR-421 T1 internal inspection (OLTC diverter)", "PR-421", "", 0,
     0, -9 * DAY - 300, -9 * DAY + 300, "scheduled", 1 * DAY, "SUB-1", "CTX-40992: acetylene rising"),
]  # fmt: skip
#: schedule, job, step, planned, done (minutes ago; None: pending), location, device, operation, mode, operator,
#: note
SWITCHING = [
    ("SW-7738", "PO-31184", 1, 310, 306, "PR-418", "CB-418-BS", "close", "remote", "control", "bus section"),
    ("SW-7738", "PO-31184", 2, 305, 303, "PR-418", "CB-418-T1-LV", "open", "remote", "control", "T1 11 kV incomer"),
    ("SW-7738", "PO-31184", 3, 302, T1_OUT, "PR-418", "CB-418-T1", "open", "remote", "control", "T1 33 kV breaker"),
    ("SW-7738", "PO-31184", 4, 298, 294, "PR-418", "T1 isolators and earths", "isolate and earth", "manual",
     "Owen Gatley (SAP)", "then PTW-5521"),
    ("SW-7738", "PO-31184", 5, -180, None, "PR-418", "T1", "return to service (reverse of steps 1-4)", "manual and "
     "remote", "Owen Gatley (SAP) and control", "earliest T1 return about an hour from now"),
    ("SW-7741", "INC-58231", 1, S1_OPEN, S1_OPEN, "SS-412-034", "412-03-S1", "open", "remote", "control",
     "isolate the sections beyond SS-412-034"),
    ("SW-7741", "INC-58231", 2, CB_CLOSE, CB_CLOSE, "PR-412", "CB-412-03", "close", "remote", "control",
     "1,032 customers restored (SS-412-031 .. 034)"),
    ("SW-7741", "INC-58231", 3, 140, A7_OPEN, "pole 124, Ings Lane", "412-03-A7", "open", "manual", "FR-14",
     "fault between FPI-412-03-2 and FPI-412-03-3"),
    ("SW-7741", "INC-58231", 4, NOP_CLOSE, NOP_CLOSE, "SS-412-058", "NOP 412-03/415-06", "close", "remote", "control",
     "322 customers restored from F415-06"),
    ("SW-7741", "INC-58231", 5, 84, 82, "poles 112 and 124", "F412-03 poles 112-124", "prove dead and earth",
     "manual", "Dafydd Rees (SAP)", "then PTW-5524"),
    ("SW-7741", "INC-58231", 6, ETR + 10, None, "poles 112-124", "PTW-5524", "cancel after the repair", "manual",
     "Dafydd Rees (SAP)", ""),
    ("SW-7741", "INC-58231", 7, ETR + 5, None, "pole 124, Ings Lane", "412-03-A7", "close", "manual", "FR-14", ""),
    ("SW-7741", "INC-58231", 8, ETR, None, "SS-412-034", "412-03-S1", "close", "remote", "control",
     "restore the faulted section; take G-07 and G-03 off after"),
    ("SW-7743", "PO-31190", 1, 122, 121, "pole 2, Wold Top spur", "424-05-F3 fuses", "open", "manual", "OHL-5", ""),
    ("SW-7743", "PO-31190", 2, 120, 119, "PMT-424-118", "PMT-424-118", "prove dead and earth", "manual",
     "Marcus Pell (SAP)", "then PTW-5523"),
    ("SW-7743", "PO-31190", 3, -120, None, "pole 2, Wold Top spur", "424-05-F3 fuses", "close", "manual", "OHL-5", ""),
    ("SW-7745", "NCR-0887", 1, -10, None, "SS-418-090", "NOP 418-04/415-05", "close", "remote", "control",
     "parallel F418-04 with F415-05 (PR-415), check the angle first"),
    ("SW-7745", "NCR-0887", 2, -12, None, "PR-418", "CB-418-04", "open", "remote", "control",
     "F418-04 (about 3.1 MVA) then fed from PR-415: PR-418 T2 down to about 18.8 MVA"),
]  # fmt: skip
#: doc, kind, equipment, limits, issued by, issued to, issued, cancelled (minutes ago; None), status, job
SAFETY_DOCS = [
    ("PTW-5519", "permit to work", "LV cable, SS-418-204 way 2", "the faulted cable section, dead", "Marcus Pell",
     "Paul Venn", 1440, 1190, "cancelled", "INC-58226"),
    ("PTW-5521", "permit to work", "PR-418 T1 and its on-load tap-changer", "T1, isolated at CB-418-T1 and "
     "CB-418-T1-LV, earthed both sides", "Owen Gatley", "Connor Pike", 290, None, "issued", "PO-31184"),
    ("PTW-5523", "permit to work", "PMT-424-118 and pole 3", "Wold Top spur beyond the 424-05-F3 fuses, earthed",
     "Marcus Pell", "Gavin Tarrant", 118, None, "issued", "PO-31190"),
    ("PTW-5524", "permit to work", "F412-03 overhead line", "poles 112 to 124, dead, earthed at poles 112 and 124",
     "Dafydd Rees", "Kieran Doyle", 80, None, "issued", "INC-58231"),
    ("LOA-0388", "limitation of access", "vegetation by F412-03 span 118-119", "tree work within the PTW-5524 "
     "section only", "Dafydd Rees", "Sam Okoro (Treeline Arboriculture)", 50, None, "issued", "INC-58231"),
    ("SFT-0211", "sanction for test", "C33-421B cable", "pressure test of the 33 kV cable", "Marcus Pell",
     "Paul Venn", 4 * DAY, 4 * DAY - 200, "cancelled", "NCR-0874"),
]  # fmt: skip
#: ncr, title, scope, kind, risk, state, requested, implemented by, approver, raised, planned, implemented (minutes
#: ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("NCR-0874", "C33-421B cable pressure test after a joint repair", "C33-421B", "plant", "low", "implemented",
     "Stuart Kilbride", "Paul Venn", "network change panel", 8 * DAY, 4 * DAY, 4 * DAY, "passed"),
    ("NCR-0877", "F415-06 overcurrent settings raised to allow backfeeding F412-03", "F415-06", "protection", "low",
     "implemented", "Marek Dudek", "Marek Dudek", "network change panel", 6 * DAY, 2900, 2900,
     "lets F415-06 carry SS-412-055 .. 058 through the NOP at SS-412-058"),
    ("NCR-0879", "SS-412-034 RMU actuator fitted: 412-03-S1 remote controlled", "SS-412-034", "telecontrol", "low",
     "implemented", "Ollie Brandt", "Linmere Switchgear", "network change panel", 20 * DAY, 9 * DAY, 9 * DAY, ""),
    ("NCR-0880", "PR-412 RTU firmware 6.3.1", "PR-412", "telecontrol", "low", "implemented", "Ollie Brandt",
     "Orvex Controls", "network change panel", 5 * DAY, 1560, 1560, "all points checked end to end after"),
    ("NCR-0883", "PR-421 RTU comms moved to the new scanning radio network", "PR-421", "telecontrol", "medium",
     "implemented", "Ollie Brandt", "Orvex Controls", "network change panel", 4 * DAY, 1200, 1200,
     "4G backup path kept"),
    ("NCR-0884", "DMS (network management system) patch 7.4.2", "control system", "dms", "low", "implemented",
     "Ollie Brandt", "Ollie Brandt", "control systems manager", 3 * DAY, 400, 400,
     "display fixes only; no change to switching, protection or alarms"),
    ("NCR-0885", "Storm settings: auto-reclose 2 shots on the overhead feeders", "F412-03, F415-02, F415-06, F418-05, "
     "F421-04, F424-02, F424-03, F424-05", "protection", "low", "implemented", "Marek Dudek", "Marek Dudek",
     "Fiona Achterberg (duty manager)", 600, NCR_AR, NCR_AR, "storm level 1 (STM-01): 2 shots, 5 s and 60 s dead "
     "times, clear wind-blown debris; a permanent fault still locks out after the second shot"),
    ("NCR-0887", "Emergency: transfer F418-04 from PR-418 to PR-415 (F415-05) to relieve PR-418 T2", "F418-04",
     "network_config", "medium", "approved", "Stuart Kilbride", None, "Fiona Achterberg (duty manager)", 28, -10, None,
     "SW-7745; PR-418 T2 is above 20 MVA with a cooler fan group out (CTX-41007)"),
]  # fmt: skip
#: ref, vendor, asset, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
CASES = [
    ("MSD-3318", "Meridian Smart Data", "smart meter alerts", "Last gasp alerts delayed from the northern comms hub "
     "region", "resolved", "P3", "Meridian operations", "Claire Tennant", 9 * DAY, 5 * DAY,
     "head-end queue fixed; alerts within 2 minutes again"),
    ("CTX-40992", "Caldermoor Transformers", "PR-421 T1", "Acetylene rising in the main tank oil", "open", "P2",
     "Halima Rusk (transformer specialist)", "Stuart Kilbride", 11 * DAY, 2 * DAY,
     "pattern fits oil leaking from the OLTC diverter compartment into the main tank; weekly lab samples; internal "
     "inspection at PO-31201; no load restriction yet, outage if C2H2 passes 10 ppm"),
    ("LSG-7731", "Linmere Switchgear", "SS-415-030 RMU", "SF6 pressure low on the ring main unit", "open", "P2",
     "Kofi Mensah (field service)", "Imogen Raikes", 2 * DAY + 200, DAY,
     "do not operate under load until replaced; replacement RMU delivered; fitted at PO-31192"),
    ("ORX-22804", "Orvex Controls", "PR-421 RTU", "RTU comms dropouts since the radio migration", "in_progress", "P3",
     "Ben Carver (telecontrol engineer)", "Marek Dudek", 60, 20,
     "3 dropouts of 8-12 minutes since NCR-0883; radio link margin low in wind; antenna realignment booked"),
    ("PPH-1183", "Pennant Power Hire", "G-03", "Storm Corrin generator call-off", "in_progress", "P2",
     "hire desk", "Fiona Achterberg", 190, 45,
     "G-03 (200 kVA) collected from Holtby; two more 200 kVA sets on standby at Marrowby depot from tonight"),
    ("CTX-41007", "Caldermoor Transformers", "PR-418 T2", "Cooler fan group 2 failed", "in_progress", "P1",
     "Pavel Novak (field service)", "Stuart Kilbride", 70, 20,
     "most likely a seized fan motor (fan 2.3) tripping the group 2 MCB: isolate fan 2.3 and reset the MCB to get "
     "the other fans of group 2 back; engineer on site tomorrow 08:00 with a new motor. Until group 2 is back keep "
     "T2 below 20 MVA (its rating with one fan group out)"),
]  # fmt: skip
#: vendor, covers, phone, hours, engineer, escalation, contract
VENDORS = [
    ("Caldermoor Transformers", "primary transformers, tap-changers and coolers", "+44 1632 960240", "24/7 breakdown",
     "Pavel Novak (field service)", "Rowena Achebe, service director, +44 7700 900240", "CTX-FS-2022"),
    ("Linmere Switchgear", "ring main units, 11 kV switchgear, actuators", "+44 1632 960318", "07:00-19:00, 24/7 "
     "for faults", "Kofi Mensah (field service)", "Gemma Hartley, service manager", "LSG-MA-2021"),
    ("Meridian Smart Data", "smart meter head-end, last gasp and power-restored alerts", "+44 1632 960455", "24/7",
     "operations desk", "Ian Prothero, service manager", "MSD-2023-02"),
    ("Orvex Controls", "RTUs and telecontrol radio", "+44 1632 960562", "24/7", "Ben Carver (telecontrol engineer)",
     "Lisa Farrant, support lead, +44 7700 900562", "ORX-SLA-2020"),
    ("Pennant Power Hire", "mobile generator hire (60-800 kVA)", "+44 1632 960377", "24/7 hire desk", "hire desk",
     "Dale Whitcombe, hire desk manager, +44 7700 900377", "PPH-FW-2024"),
    ("Skyward Weather Services", "weather stations, lightning detection, warnings", "+44 1632 960619", "24/7",
     "duty forecaster", "Mina Osei, account manager", "SWS-2022"),
    ("Treeline Arboriculture", "tree cutting near lines, storm vegetation crews", "+44 1632 960733", "24/7 in storms",
     "Sam Okoro (team lead)", "Gareth Lumb, contracts manager", "TLA-VM-2023"),
]  # fmt: skip
#: entry, minutes ago, author ("@control": the control engineer on shift then), role, text
CONTROL_LOG = [
    ("CL-4431", 1180, "@control", "control engineer", "INC-58226 SS-418-204 LV cable repaired by JNT-3, 11 customers "
     "on; PTW-5519 cancelled"),
    ("CL-4436", 900, "@control", "control engineer", "Skyward Weather: amber wind warning for Storm Corrin, gusts to "
     "70 mph expected within 12 hours; storm level 1 (STM-01)"),
    ("CL-4438", F418_05_TRIP - 2, "@control", "control engineer", "CB-418-05 (F418-05) tripped and locked out after "
     "1 shot: INC-58219, OHL-7 sent"),
    ("CL-4441", 545, "Marek Dudek", "protection on call", "NCR-0885 done: storm auto-reclose settings (2 shots) on "
     "the overhead feeders"),
    ("CL-4443", 470, "Bryn Castell", "OHL-7", "F418-05 repaired (branch through the line at Carlton Carr), all on; "
     "OHL-7 standing down for rest"),
    ("CL-4445", 400, "Ollie Brandt", "control systems", "NCR-0884 DMS patch 7.4.2 applied, display fixes only"),
    ("CL-4447", 330, "@control", "control engineer", "PO-31184 starting: SW-7738 to take PR-418 T1 out for OLTC "
     "maintenance; T2 to carry PR-418 alone"),
    ("CL-4448", 290, "Owen Gatley", "SAP", "PTW-5521 issued to Connor Pike for PR-418 T1"),
    ("CL-4450", CB424_TRIP - 1, "@control", "control engineer", "CB-424-05 tripped on earth fault and reclosed (shot "
     "1); lightning near Fenby Wold; FPI-424-05-2 (Wold Top spur) flagged again: 5th this week"),
    ("CL-4452", CB415_TRIP - 1, "@control", "control engineer", "CB-415-02 tripped and reclosed: transient"),
    ("CL-4455", TRIP - 2, "@control", "control engineer", "CB-412-03 (F412-03) tripped EF/OC, 2 auto-reclose shots, "
     "locked out: 1,846 customers off, INC-58231 raised"),
    ("CL-4456", 205, "Fiona Achterberg", "duty manager", "storm level 2 declared (STM-01): planned work not started "
     "is cancelled (PO-31189); work in progress to finish safely"),
    ("CL-4457", S1_OPEN, "@control", "control engineer", "SW-7741 step 1: 412-03-S1 opened remotely at SS-412-034"),
    ("CL-4459", CB_CLOSE - 1, "@control", "control engineer", "CB-412-03 closed: SS-412-031 .. 034 on (1,032). "
     "FPI-412-03-1 and FPI-412-03-2 saw fault current, FPI-412-03-3 did not: fault between pole 96 and pole 131"),
    ("CL-4460", 186, "@control", "control engineer", "INC-58229: service cable down in Mill Row, Kelsey Cross; FR-17 "
     "sent"),
    ("CL-4461", 180, "@control", "control engineer", "FR-14 to 412-03-A7; OHL-2 to patrol F412-03 poles 96-131"),
    ("CL-4462", 160, "Claire Tennant", "customer incident manager", "PSR welfare calls started for INC-58231: 127 PSR "
     "households, medically dependent first (CUS-PSR-02)"),
    ("CL-4463", 150, "Aled Pritchard", "FR-17", "Mill Row service made safe and cordoned; 3 customers off"),
    ("CL-4465", 138, "Stuart Kilbride", "EHV on call", "PR-418 T2 cooler fan group 2 failed; INC-58238 raised; T2 "
     "at about 20 MVA with T1 out"),
    ("CL-4466", A7_OPEN, "Lewis Hamer", "FR-14", "412-03-A7 open at pole 124"),
    ("CL-4467", NOP_CLOSE - 1, "@control", "control engineer", "NOP at SS-412-058 closed: SS-412-055, 057 and 058 on "
     "from F415-06 (322)"),
    ("CL-4469", 100, "@control", "control engineer", "G-07 to SS-412-047 Ashby End with GEN-6"),
    ("CL-4470", FOUND, "Kieran Doyle", "OHL-2", "found it: ash tree down across the conductors in span 118-119 near "
     "Ashby End, crossarm at 119 broken, one conductor down; need a tree team and a crossarm; about 4 hours once "
     "the tree is off"),
    ("CL-4471", 90, "@control", "control engineer", "VEG-1 (Treeline) requested for span 118-119"),
    ("CL-4472", 80, "Dafydd Rees", "SAP", "PTW-5524 issued to Kieran Doyle: F412-03 poles 112-124 dead and earthed"),
    ("CL-4473", 70, "Stuart Kilbride", "EHV on call", "CTX-41007 raised with Caldermoor (P1)"),
    ("CL-4474", 63, "@control", "control engineer", "PR-421 RTU comms back after 12 minutes (ORX-22804)"),
    ("CL-4475", 55, "@control", "control engineer", "FR-22 to PR-418 for T2's cooler fans"),
    ("CL-4476", 50, "Sam Okoro", "VEG-1", "LOA-0388 received, felling the ash"),
    ("CL-4477", 40, "@control", "control engineer", "G-03 with GEN-4 to SS-412-041 Carr Lane"),
    ("CL-4478", G07_ON, "Ricky Osei", "GEN-6", "G-07 on load at SS-412-047: 164 customers on"),
    ("CL-4479", 31, "Shona Batty", "FR-09", "SS-415-022 LV way 3 fuse replaced, 38 customers on (INC-58236)"),
    ("CL-4480", 28, "Fiona Achterberg", "duty manager", "NCR-0887 approved: F418-04 to PR-415 through SS-418-090 "
     "(SW-7745) to get T2 below 20 MVA; Connor Pike asked to return T1 early"),
    ("CL-4481", OIL_ALARM, "@control", "control engineer", "PR-418 T2 top oil 85 C alarm; INC-58238 escalated to the "
     "EHV on call and the duty manager"),
    ("CL-4482", 12, "@control", "control engineer", "INC-58231 ETR set from OHL-2's estimate: about two and a half "
     "hours"),
]  # fmt: skip
#: doc, title, kind, body
DOCS = [
    ("OP-PROC-07", "HV overhead feeder: auto-reclose lockout", "operating procedure",
     "After an auto-reclose lockout do not test-close the whole feeder. Read the fault passage indicators (remote "
     "first): the fault lies between the last FPI that saw fault current and the first that did not. Open the "
     "nearest remote-controlled switch on the source side of that section and close the circuit breaker to restore "
     "the healthy section; restore beyond the fault by backfeed through the NOP once the faulted section is isolated "
     "at both ends (manual switching by a first responder). Send an overhead line patrol to the faulted section; at "
     "storm level 2 or above never test-close into the faulted section before the patrol. Generators for the "
     "longest-off substations with PSR households. Log every step in a switching schedule."),
    ("OP-PROC-11", "Primary transformer top oil temperature high", "operating procedure",
     "Alarm at 85 C top oil: 1. check the cooling (fan groups, cooler alarms) and send a first responder; 2. bring "
     "the load below the transformer's rating with the cooling available (one fan group out on the 12/24 MVA units: "
     "20 MVA) by transferring feeders to a neighbouring primary through their NOPs (NET-TRF-02); 3. return a "
     "transformer on planned outage early if it can be; 4. the transformer trips at 95 C top oil: prepare load "
     "shedding before that; 5. tell the EHV on call and the duty manager; raise a case with the manufacturer."),
    ("AM-DGA-03", "Dissolved gas analysis: action levels", "asset management",
     "Acetylene (C2H2) above 1 ppm: monthly lab sample. Above 3 ppm, or rising more than 0.5 ppm a week: weekly lab "
     "samples and refer to the manufacturer. Above 10 ppm: plan an outage for an internal inspection. Hydrogen above "
     "150 ppm: monthly sample. Online monitors on PR-418 T2 and PR-421 T1 read daily."),
    ("CUS-PSR-02", "Priority services register households during unplanned outages", "customer procedure",
     "Call every PSR household within an hour of a loss of supply expected to last more than 2 hours. Medically "
     "dependent households: call back every 3 hours, offer a generator, a hotel or the British Red Cross. Log "
     "welfare calls in the control log."),
    ("GEN-01", "Mobile generator at a secondary substation", "generator procedure",
     "Connect at the LV board of a ground-mounted substation with the HV side isolated; check phase rotation and "
     "the earth before taking load; fuel checks every 6 hours, refuel below 30%; take off only after the HV supply "
     "is back and the LV board is switched over."),
    ("NET-TRF-02", "Load transfer between primaries", "operating procedure",
     "Check the phase angle across the NOP, close it (brief parallel), then open the feeder breaker at the primary "
     "being relieved; transfers between primaries need the EHV on call's agreement and an NCR."),
    ("SAF-04", "Safety documents", "safety rules",
     "A permit to work for work on dead HV equipment, issued by a senior authorised person (SAP) to a competent "
     "person after isolation and earthing; a limitation of access for work near equipment (tree cutting); a "
     "sanction for test for tests. Cancel every document before restoring supply."),
    ("STM-01", "Storm escalation", "storm plan",
     "Level 1: gusts over 55 mph forecast: storm auto-reclose settings (2 shots) on the overhead feeders by NCR, "
     "extra crews and generators on standby. Level 2: more than 1,500 customers off or gusts over 65 mph: cancel "
     "planned work not yet started, open the customer incident room, PSR welfare calls. Level 3: more than 20,000 "
     "customers off: mutual aid."),
]  # fmt: skip


# ---------------------------------------------------------------------------------------------------- builders
def _feeders(now: datetime, subs: list[dict[str, Any]], clock: EstateClock) -> list[tuple[Any, ...]]:
    customers: dict[str, int] = {}
    for s in subs:
        customers[s["feeder"]] = customers.get(s["feeder"], 0) + s["customers"]
    by_primary: dict[str, int] = {}
    for feeder, primary, *_ in FEEDERS:
        by_primary[primary] = by_primary.get(primary, 0) + customers[feeder]
    nops = {"F412-03": "SS-412-058 (to F415-06)", "F415-06": "SS-412-058 (to F412-03)",
            "F418-04": "SS-418-090 (to F415-05)", "F415-05": "SS-418-090 (to F418-04)"}  # fmt: skip
    rows = []
    for feeder, primary, route, construction, km, _n in FEEDERS:
        ar = {"overhead": _OHL_AR, "mixed": "IN: 1 shot", "underground": "OUT (underground)"}[construction]
        state, since, note = "NORMAL", 3 * DAY, ""
        if feeder == "F412-03":
            state, since = "ABNORMAL", CB_CLOSE
            note = ("INC-58231: 412-03-S1 open at SS-412-034 and 412-03-A7 open at pole 124; the section between "
                    "them is dead (tree on the line, span 118-119) except SS-412-047 on generator G-07; SS-412-055 .. "
                    "058 fed from F415-06 through the NOP at SS-412-058")  # fmt: skip
        elif feeder == "F415-06":
            state, since = "ABNORMAL", NOP_CLOSE
            note = "backfeeding F412-03's SS-412-055, 057 and 058 through the NOP at SS-412-058 (212 A of 400 A)"
        elif feeder == "F418-04":
            note = "transfer to PR-415 approved (NCR-0887, SW-7745)"
        elif feeder == "F424-05":
            note = ("5 transient trips this week; FPI-424-05-2 points at the Wold Top spur (tree cutting PO-31195); "
                    "PMT-424-118 off for PO-31190")  # fmt: skip
        elif feeder == "F418-05":
            since, note = 470, "INC-58219 overnight: repaired"
        rows.append((feeder, 11, primary, PRIMARIES[primary], "CB-" + feeder[1:], route, construction, km,
                     customers[feeder], "CLOSED", ar, state, nops.get(feeder, ""), clock.ago(since), note))  # fmt: skip
    for circuit, primary, route, construction, km in CIRCUITS:
        note, state = "", "NORMAL"
        if circuit == "C33-418A":
            note = "on no load: PR-418 T1 out at the primary (PO-31184)"
        rows.append((circuit, 33, "BSP-ASK", PRIMARIES["BSP-ASK"], "CB-ASK-" + circuit[4:], route, construction, km,
                     by_primary[primary], "CLOSED", "IN: 1 shot" if construction == "overhead" else "OUT", state, "",
                     clock.ago(10 * DAY), note))  # fmt: skip
    return rows


def _alarms(clock: EstateClock, subs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    items = list(ALARMS)
    plain = [s["ss"] for s in subs if s["feeder"] not in ("F412-03",) and s["kind"] == "ground-mounted"]
    for k in range(26):
        m = 20 + int((4300 - 40) * noise("alm-t", k))
        point, message, prio = _ROUTINE[int(len(_ROUTINE) * noise("alm-k", k))]
        site = plain[int(len(plain) * noise("alm-s", k))]
        if point == "RTU COMMS":
            site = ["PR-415", "PR-424", "PR-412"][k % 3]
        items.append((m, prio, site, point, message, max(m - 3 - int(40 * noise("alm-c", k)), 1)))
    items.sort(key=lambda a: -a[0])
    names = {**PRIMARIES, **{s["ss"]: s["name"] for s in subs}, "F412-03": "Holtby Moor feeder",
             "F424-05": "Wold Top feeder"}  # fmt: skip
    rows = []
    for n, (m, prio, site, point, message, cleared) in enumerate(items):
        rows.append((f"AL-{771200 + n}", clock.ago(m), clock.epoch(m), prio, site, names.get(site, ""), point, message,
                     "ACTIVE" if cleared is None else "CLEARED", clock.ago(cleared),
                     "yes" if m > 3 else "no"))  # fmt: skip
    return rows


def _f412_off(m: int) -> int:
    """F412-03 customers off supply at m minutes ago."""
    if m > TRIP:
        return 0
    if m > CB_CLOSE:
        return 1846
    if m > NOP_CLOSE:
        return 814
    if m > G07_ON:
        return 492
    return 328


def _tx_load(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for sub, tx, rating, (lo, hi) in TRANSFORMERS:
        for k in range(7 * 48 - 1, -1, -1):
            m = 2 + 30 * k
            key = f"{sub}{tx}"
            mva = _between(lo, hi, key + "mva", k, 2)
            if sub == "PR-412":
                mva = round(mva - _f412_off(m) * 0.0012 / 2, 2)
            tap = str(9 + int(3 * noise(key + "tap", k)))
            cooling, in_service = ("ONAF (both fan groups)" if mva / rating > 0.5 else "ONAN"), "yes"
            oil = round(28 + 42 * mva / rating + 3 * noise(key + "oil", k) - 1.5, 1)
            if sub == "PR-418" and m < T1_OUT:
                if tx == "T1":
                    t1_at_out = 28 + 42 * _between(lo, hi, key + "mva", (T1_OUT - 2) // 30 + 1, 2) / rating
                    mva, tap, cooling, in_service = 0.0, "", "out of service (PO-31184)", "no"
                    oil = round(11 + (t1_at_out - 11) * math.exp(-(T1_OUT - m) / 150), 1)
                else:
                    mva, oil, tap_n = T2_AFTER[m]
                    tap = str(tap_n)
                    cooling = "ONAF (fan group 2 failed)" if m < FAN_FAIL else "ONAF (both fan groups)"
            t = now - timedelta(minutes=m)
            rows.append((sub, PRIMARIES[sub], tx, iso(t), int(t.timestamp()), mva, rating,
                         round(100 * mva / rating, 1), oil, tap, cooling, in_service))  # fmt: skip
    return rows


def _dga(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(89, -1, -1):
        t = now - timedelta(minutes=45 + DAY * k)
        # PR-421 T1: acetylene and hydrogen rising over the last 40 days
        frac = max(0.0, (40 - k) / 40)
        jitter = 0 if k == 0 else 1
        if k >= 40:
            c2h2 = _between(0.4, 0.6, "c2h2", k)
            h2 = _between(45, 52, "h2", k)
        else:
            c2h2 = round(0.5 + 3.4 * frac + jitter * (0.2 * noise("c2h2r", k) - 0.1), 1)
            h2 = round(50 + 138 * frac + jitter * (4 * noise("h2r", k) - 2), 1)
        ch4 = round(12 + 19 * frac + 2 * noise("ch4", k), 1)
        c2h6 = round(6 + 3 * frac + noise("c2h6", k), 1)
        c2h4 = round(4 + 5 * frac + noise("c2h4", k), 1)
        co = round(300 + 40 * noise("co421", k), 0)
        co2 = round(2600 + 300 * noise("co2421", k), 0)
        if c2h2 >= 3:
            zone, assessment = (
                "D1",
                "C2H2 above 3 ppm and rising: weekly lab samples, referred to Caldermoor (AM-DGA-03)",
            )
        elif c2h2 >= 1:
            zone, assessment = "D1", "C2H2 above 1 ppm: monthly lab sample (AM-DGA-03)"
        else:
            zone, assessment = "", "normal"
        tdcg = round(h2 + ch4 + c2h6 + c2h4 + c2h2 + co, 1)
        rows.append(("PR-421", "Sutterton Lane", "T1", iso(t), int(t.timestamp()), "online", "", h2, ch4, c2h6, c2h4,
                     c2h2, co, co2, tdcg, _between(9, 12, "mo421", k), zone, assessment))  # fmt: skip
        # PR-418 T2: normal
        h2b = 24.0 if k == 0 else _between(20, 28, "h2b", k)
        chb, c6b, c4b = _between(6, 9, "ch4b", k), _between(3, 5, "c2h6b", k), _between(1, 2, "c2h4b", k)
        cob = round(210 + 50 * noise("cob", k), 0)
        rows.append(("PR-418", "Marrowby", "T2", iso(t), int(t.timestamp()), "online", "", h2b, chb, c6b, c4b, 0.0,
                     cob, round(1900 + 400 * noise("co2b", k), 0), round(h2b + chb + c6b + c4b + cob, 1),
                     _between(8, 11, "mob", k), "", "normal"))  # fmt: skip
    # lab samples: PR-421 T1 (confirming the online monitor) and the other transformers' routine samples
    labs = [("PR-421", "T1", 12, "OL-23118", (118.0, 17.9, 7.4, 6.6, 2.7, 311.0, 2710.0)),
            ("PR-421", "T1", 5, "OL-23164", (154.0, 25.0, 8.1, 7.9, 3.4, 318.0, 2745.0))]  # fmt: skip
    for i, (sub, tx, _rating, _load) in enumerate(TRANSFORMERS):
        if (sub, tx) in (("PR-421", "T1"), ("PR-418", "T1")):
            continue
        day = 15 + int(70 * noise(sub + tx + "lab", 0))
        labs.append((sub, tx, day, f"OL-{22890 + 11 * i}", (_between(15, 40, sub + tx, 1), _between(4, 10, sub + tx, 2),
                     _between(2, 6, sub + tx, 3), _between(1, 3, sub + tx, 4), 0.0, _between(180, 320, sub + tx, 5, 0),
                     _between(1700, 2600, sub + tx, 6, 0))))  # fmt: skip
    labs.append(("PR-418", "T1", 44, "OL-23012", (21.0, 6.2, 3.1, 1.4, 0.0, 240.0, 2100.0)))
    for sub, tx, day, ref, (h2, ch4, c2h6, c2h4, c2h2, co, co2) in labs:
        t = now - timedelta(minutes=DAY * day + 600)
        zone = "D1" if c2h2 >= 1 else ""
        assessment = "confirms the online monitor: C2H2 rising (CTX-40992)" if c2h2 >= 1 else "normal"
        rows.append((sub, PRIMARIES[sub], tx, iso(t), int(t.timestamp()), "lab", ref, h2, ch4, c2h6, c2h4, c2h2, co,
                     co2, round(h2 + ch4 + c2h6 + c2h4 + c2h2 + co, 1), _between(7, 13, ref, 0), zone,
                     assessment))  # fmt: skip
    return rows


def _cml_58231() -> int:
    """INC-58231's customer minutes lost up to its last update (CML_AS_AT minutes ago)."""
    total = 0
    for ss, _name, _kind, _kva, cust, _psr, _mde, section in F412_03:
        back = _back_at(ss, section)
        total += cust * (TRIP - (back if back is not None else CML_AS_AT))
    return total


def _incidents(clock: EstateClock, subs: list[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    feeder_customers: dict[str, int] = {}
    for s in subs:
        feeder_customers[s["feeder"]] = feeder_customers.get(s["feeder"], 0) + s["customers"]
    f418_05 = [s for s in subs if s["feeder"] == "F418-05"]
    first = sum(s["customers"] for s in f418_05[:2])
    rest = sum(s["customers"] for s in f418_05[2:])
    f412 = {"psr": sum(x[5] for x in F412_03)}
    off = [x for x in F412_03 if _back_at(x[0], x[7]) is None]
    ago = clock.ago
    incidents = [
        ("INC-58219", F418_05_TRIP, "HV fault", "F418-05", "PR-418", "closed", "branch blown through the line at "
         "Carlton Carr", first + rest, 0, 0, first * (F418_05_TRIP - 841) + rest * (F418_05_TRIP - 470), 470,
         sum(s["psr"] for s in f418_05), 0, 0, None, "OHL-7", "CB-418-05 locked out after 1 shot; first part back "
         "by remote switching, the rest after the repair"),
        ("INC-58226", 1500, "LV fault", "F418-02", "SS-418-204", "closed", "LV underground cable fault (way 2)", 11, 0,
         0, 11 * (1500 - 1180), 1180, 1, 0, 0, None, "JNT-3", "cable jointed"),
        ("INC-58229", 190, "dangerous situation", "F415-01", "SS-415-130", "open", "overhead service cable brought "
         "down by a falling branch", 3, 0, 3, 3 * (190 - CML_AS_AT), CML_AS_AT, 0, 0, 0, -240, "FR-17",
         "made safe and cordoned; service re-run needed"),
        ("INC-58231", TRIP, "HV fault", "F412-03", "PR-412", "open", "ash tree across the conductors in span 118-119 "
         "near Ashby End (Storm Corrin); crossarm broken", 1846, 0, sum(x[4] for x in off), _cml_58231(), CML_AS_AT,
         f412["psr"], sum(x[5] for x in off), sum(x[6] for x in off), ETR, "OHL-2",
         "CB-412-03 locked out after 2 auto-reclose shots; restored in stages (remote switching, backfeed from "
         "F415-06, generator G-07); the faulted section waits for the repair"),
        ("INC-58233", CB424_TRIP, "transient", "F424-05", "PR-424", "closed", "lightning (earth fault), auto-reclose "
         "successful", 0, feeder_customers["F424-05"], 0, 0, CB424_TRIP, 0, 0, 0, None, "",
         "5th transient on CB-424-05 this week"),
        ("INC-58234", CB415_TRIP, "transient", "F415-02", "PR-415", "closed", "wind (overcurrent), auto-reclose "
         "successful", 0, feeder_customers["F415-02"], 0, 0, CB415_TRIP, 0, 0, 0, None, "", ""),
        ("INC-58236", 60, "LV fault", "F415-03", "SS-415-022", "restored", "LV way 3 fuse operated (wind-blown "
         "service contact)", 38, 0, 0, 38 * 29, 31, 2, 0, 0, None, "FR-09", "fuse replaced"),
        ("INC-58238", 138, "plant defect", "", "PR-418", "open", "T2 cooler fan group 2 failed (seized fan motor "
         "suspected) while T2 carries PR-418 alone", 0, 0, 0, 0, CML_AS_AT, 0, 0, 0, None, "FR-22",
         "top oil 85 C alarm; load transfer NCR-0887 approved; CTX-41007"),
    ]  # fmt: skip
    rows = [(ref, ago(m), clock.epoch(m), kind, feeder, sub, status, cause, ci, si, off_now, cml, ago(as_at), psr,
             psr_off, mde_off, ago(etr), crew, summary)
            for ref, m, kind, feeder, sub, status, cause, ci, si, off_now, cml, as_at, psr, psr_off, mde_off, etr,
            crew, summary in incidents]  # fmt: skip
    stages = [
        ("INC-58219", 1, 841, first, rest, "remote switching (418-05-S2 opened, CB-418-05 closed)", "418-05-S2, "
         "CB-418-05", "done"),
        ("INC-58219", 2, 470, rest, 0, "repair by OHL-7", "F418-05", "done"),
        ("INC-58226", 1, 1180, 11, 0, "repair by JNT-3", "SS-418-204 way 2", "done"),
        ("INC-58229", 1, -240, 3, 0, "repair: overhead service re-run", "", "planned"),
        ("INC-58231", 1, CB_CLOSE, 1032, 814, "remote switching", "412-03-S1 opened, CB-412-03 closed", "done"),
        ("INC-58231", 2, NOP_CLOSE, 322, 492, "manual switching and backfeed from F415-06",
         "412-03-A7 opened by FR-14, NOP at SS-412-058 closed", "done"),
        ("INC-58231", 3, G07_ON, 164, 328, "generator G-07 (500 kVA) at SS-412-047", "SS-412-047 LV board", "done"),
        ("INC-58231", 4, G03_ETA, 118, 210, "generator G-03 (200 kVA) at SS-412-041", "SS-412-041 LV board",
         "planned"),
        ("INC-58231", 5, ETR, 210, 0, "repair by OHL-2, then close 412-03-A7 and 412-03-S1",
         "412-03-A7, 412-03-S1", "planned"),
        ("INC-58236", 1, 31, 38, 0, "LV fuse replaced by FR-09", "SS-415-022 way 3", "done"),
    ]  # fmt: skip
    stage_rows = [(inc, n, ago(m), restored, after, method, devices, status)
                  for inc, n, m, restored, after, method, devices, status in stages]  # fmt: skip
    return rows, stage_rows


def _meter_alerts(clock: EstateClock, subs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    events: list[tuple[str, str, int, str, int, str]] = []
    for s in subs:
        lg = s["smart"] - int(s["smart"] * 0.04)
        if s["feeder"] == "F412-03":
            events.append((s["ss"], s["feeder"], TRIP, "LAST_GASP", lg, ""))
            back = _back_at(s["ss"], s["section"])
            if back is not None:
                events.append((s["ss"], s["feeder"], back, "POWER_RESTORED", lg, ""))
        elif s["ss"] == "PMT-424-118":
            events.append((s["ss"], s["feeder"], 120, "LAST_GASP", lg, "planned: PO-31190"))
        elif s["ss"] == "SS-415-022":
            events.append((s["ss"], s["feeder"], 60, "LAST_GASP", 26, ""))
            events.append((s["ss"], s["feeder"], 31, "POWER_RESTORED", 26, ""))
        elif s["ss"] == "SS-415-130":
            events.append((s["ss"], s["feeder"], 190, "LAST_GASP", 2, ""))
    f418_05 = [s for s in subs if s["feeder"] == "F418-05"]
    for i, s in enumerate(f418_05):
        lg = s["smart"] - int(s["smart"] * 0.04)
        events.append((s["ss"], s["feeder"], F418_05_TRIP, "LAST_GASP", lg, ""))
        events.append((s["ss"], s["feeder"], 841 if i < 2 else 470, "POWER_RESTORED", lg, ""))
    quiet = [s for s in subs if s["feeder"] not in ("F412-03", "F418-05")
             and s["ss"] not in ("PMT-424-118", "SS-415-022", "SS-415-130")]  # fmt: skip
    for k in range(40):
        s = quiet[int(len(quiet) * noise("mtr-s", k))]
        m = 300 + int(2500 * noise("mtr-t", k))
        events.append((s["ss"], s["feeder"], m, "LAST_GASP", 1, ""))
        events.append((s["ss"], s["feeder"], m - 4 - int(50 * noise("mtr-r", k)), "POWER_RESTORED", 1, ""))
    events.sort(key=lambda e: (-e[2], e[0]))
    return [(ss, feeder, clock.ago(m), clock.epoch(m), kind, n, note) for ss, feeder, m, kind, n, note in events]


def _weather(now: datetime) -> list[tuple[Any, ...]]:
    """WS-HOL peaks at 71 mph in the sample ending T-214m; WS-FEN at 58 (T-244m) with the lightning; WS-MAR at 52."""
    lightning = {289: 6, 274: 14, 259: 17, 244: 9}
    stations = [("WS-HOL", "Holtby Moor", 71.0, 214), ("WS-FEN", "Fenby Wold", 58.0, 244),
                ("WS-MAR", "Marrowby", 52.0, 229)]  # fmt: skip
    rows = []
    for station, area, peak, at in stations:
        for k in range(72 * 4 - 1, -1, -1):
            m = 4 + 15 * k
            if m > 900:
                gust = _between(14, 27, station + "g", k)
            elif m >= at:  # building up to the peak
                gust = round(26 + (peak - 8 - 26) * (900 - m) / (900 - at) + 4 * noise(station + "g", k) - 2, 1)
            else:  # easing
                gust = round(peak - 6 - (peak - 6 - 0.55 * peak) * (at - m) / at + 3 * noise(station + "g", k) - 1.5, 1)
            if m == at:
                gust = peak
            wind = round(gust * _between(0.55, 0.65, station + "w", k), 1)
            direction = int(200 + 80 * (1 - m / 4320) + 20 * noise(station + "d", k))
            rain = round((3.5 if 150 < m < 700 else 0.6) * noise(station + "r", k), 1)
            strikes = lightning.get(m, 0) if station == "WS-FEN" else 0
            t = now - timedelta(minutes=m)
            rows.append((station, area, iso(t), int(t.timestamp()), wind, gust, direction,
                         _between(5.5, 9.5, station + "t", k), rain, strikes))  # fmt: skip
    return rows


#: reason -> baseline calls per half hour (lo, hi); story half hours (ending minutes ago) -> calls
CALL_REASONS = {
    "no supply": ((0, 3), {850: 46, 820: 21, 790: 9, 190: 184, 160: 131, 130: 77, 100: 52, 70: 41, 40: 44, 10: 27}),
    "restoration time query": ((0, 1), {820: 12, 790: 8, 160: 22, 130: 35, 100: 41, 70: 38, 40: 33, 10: 29}),
    "dangerous situation": ((0, 0), {850: 3, 190: 7, 160: 4}),
    "psr welfare": ((0, 1), {160: 6, 130: 9, 100: 7, 70: 5, 40: 4, 10: 3}),
    "voltage / flicker": ((0, 2), {250: 14, 220: 9}),
    "planned work enquiry": ((0, 3), {100: 5}),
    "compensation enquiry": ((0, 1), {40: 3, 10: 4}),
    "general enquiry": ((1, 4), {}),
}


def _calls(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for reason, ((lo, hi), story) in CALL_REASONS.items():
        for k in range(7 * 48 - 1, -1, -1):
            m = 10 + 30 * k
            calls = story.get(m, lo + int((hi - lo + 1) * noise(reason, k)))
            t = now - timedelta(minutes=m)
            rows.append((reason, iso(t), int(t.timestamp()), calls))
    return rows


def _shifts(now: datetime) -> list[tuple[datetime, datetime, str, str]]:
    """12-hour control shifts from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    return [(start + timedelta(hours=12 * (j - 2)), start + timedelta(hours=12 * (j - 1)), eng, disp)
            for j, (eng, disp) in enumerate(zip(ENGINEERS, DISPATCHERS, strict=True))]  # fmt: skip


def _on_shift(shifts: list[tuple[datetime, datetime, str, str]], t: datetime) -> str:
    for start, end, eng, _disp in shifts:
        if start <= t < end:
            return eng
    return ENGINEERS[0]


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    subs = _secondaries()
    db.executemany("INSERT INTO feeders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _feeders(now, subs, clock))
    cb_rows = []
    for seq, (cb, feeder, sub, m, op, prot, amps, shot, outcome, by) in enumerate(sorted(CB_OPS, key=lambda c: -c[3])):
        t = now - timedelta(minutes=m)
        cb_rows.append((seq, cb, feeder, sub, iso(t), int(t.timestamp()), op, prot, amps, shot, outcome, by))
    db.executemany("INSERT INTO cb_ops VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", cb_rows)
    db.executemany("INSERT INTO fpis VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(f, fd, loc, sec, comms, st, ago(m), ft, rm, b)
                    for f, fd, loc, sec, comms, st, m, ft, rm, b in FPIS])  # fmt: skip
    db.executemany("INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?,?,?)", _alarms(clock, subs))
    db.executemany("INSERT INTO tx_load VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", _tx_load(now))
    db.executemany("INSERT INTO dga VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _dga(now))
    incidents, stages = _incidents(clock, subs)
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", incidents)
    db.executemany("INSERT INTO restoration VALUES (?,?,?,?,?,?,?,?)", stages)
    secondaries = []
    primary_of = {f[0]: f[1] for f in FEEDERS}
    for s in subs:
        supply, since, note = _supply(s)
        secondaries.append((s["ss"], s["name"], s["feeder"], primary_of[s["feeder"]], s["kind"], s["kva"],
                            s["customers"], s["smart"], s["psr"], s["mde"], supply, ago(since), note))  # fmt: skip
    db.executemany("INSERT INTO secondaries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", secondaries)
    db.executemany("INSERT INTO meter_alerts VALUES (?,?,?,?,?,?,?)", _meter_alerts(clock, subs))
    db.executemany("INSERT INTO crews VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(c, k, lead, n, depot, st, job, loc, ago(since), ago(eta), note)
                    for c, k, lead, n, depot, st, job, loc, since, eta, note in CREWS])  # fmt: skip
    db.executemany("INSERT INTO dispatches VALUES (?,?,?,?,?,?,?,?,?)",
                   [(d, c, job, task, ago(sent), clock.epoch(sent), ago(arr), ago(clr), st)
                    for d, c, job, task, sent, arr, clr, st in DISPATCHES])  # fmt: skip
    db.executemany("INSERT INTO generators VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(g, kva, own, depot, st, loc, job, ago(since), ago(eta), fuel, kw, cust, crew)
                    for g, kva, own, depot, st, loc, job, since, eta, fuel, kw, cust, crew in GENERATORS])  # fmt: skip
    db.executemany("INSERT INTO planned VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(r, k, eq, sub, fd, cust, psr, ago(s), ago(e), st, ago(nt), crew, notes)
                    for r, k, eq, sub, fd, cust, psr, s, e, st, nt, crew, notes in PLANNED])  # fmt: skip
    db.executemany("INSERT INTO switching VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(sw, job, step, ago(p), ago(d), loc, dev, op, mode, who, "pending" if d is None else "done", note)
                    for sw, job, step, p, d, loc, dev, op, mode, who, note in SWITCHING])  # fmt: skip
    db.executemany("INSERT INTO safety_docs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(d, k, eq, lim, by, to, ago(i), clock.epoch(i), ago(c), st, job)
                    for d, k, eq, lim, by, to, i, c, st, job in SAFETY_DOCS])  # fmt: skip
    db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:9], clock.epoch(c[9]), ago(c[10]), ago(c[11]),
                     None if c[11] is None else clock.epoch(c[11]), c[12]) for c in CHANGES])  # fmt: skip
    db.executemany("INSERT INTO weather VALUES (?,?,?,?,?,?,?,?,?,?)", _weather(now))
    db.executemany("INSERT INTO calls VALUES (?,?,?,?)", _calls(now))
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), clock.epoch(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 8))
    shifts = _shifts(now)
    db.executemany("INSERT INTO shifts VALUES (?,?,?,?,?,?,?,?)",
                   [("day" if s.hour == 7 else "night", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), eng,
                     disp, "+44 1632 960100") for s, e, eng, disp in shifts])  # fmt: skip
    log = []
    for entry, m, author, role, text in CONTROL_LOG:
        t = now - timedelta(minutes=m)
        log.append((entry, _hm(t), int(t.timestamp()), _on_shift(shifts, t) if author == "@control" else author, role,
                    text))  # fmt: skip
    db.executemany("INSERT INTO control_log VALUES (?,?,?,?,?,?)", log)
    db.executemany("INSERT INTO docs VALUES (?,?,?,?)", DOCS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Askerdale Electricity Networks control room: feeders, breakers, SCADA, transformers, outages, crews"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
