"""A thirty-third estate, held out from the planner's tuning: line maintenance and technical operations of Tarnhollow
Air, a regional airline based at Tarnhollow (``TRH``, main base with a two-bay hangar) with line stations at
Harrowvale (``HVZ``), Quenmere (``QKE``) and Oldwick Downs (``OWD``, ATR only) and a contracted station at Brazely
(``BZY``, Fernlow Aviation Services). Ten aircraft: A320neo ``G-TRNA``, ``G-TRNB``, ``G-TRNF`` and A321neo ``G-TRNC``,
``G-TRND``, ``G-TRNE`` (CFM LEAP-1A, an APU each) and ATR 72-600 ``G-TRNG``, ``G-TRNH``, ``G-TRNJ``, ``G-TRNK``
(PW127M / PW127XT-M, no APU): the fleet status board, the tech log, defects per ATA chapter, MEL deferrals, the AOG
log, component removals, work packages, engine trend monitoring per flight and per engine, APU status, bird strike
reports, the check forecast, the repeat defect list, the on-call rota, the stations' shift leads, the line stations,
vendor and OEM cases and contacts, change records (maintenance programme revisions, engineering orders, MEL revisions,
line procedures) and the line maintenance procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
aircraft by registration (``G-TRNC``, also typed ``TRNC``); tech log entries ``TL-24-08817`` (book 24, page 08817);
deferrals ``DDL-1045`` with an MEL item (``30-42-01``) and a category A/B/C/D; AOG events ``AOG-0192``; removals
``R-5521`` with P/N and S/N off and on (``3214552-4``, ``HX88213``); work packages ``WP-2291``; bird strikes
``BS-0418``; repeat defects ``RD-0067``; change records ``CR-0415``; procedures ``LMP-05``; vendor cases by vendor:
Airbus TechRequest ``TQ-66120``, ATR ``ATRS-55812``, CFM ``CFM-ESC-2231``, Pratt & Whitney Canada ``PWC-88107``, Kestrel
Component Services ``KCS-77120``, Alderholt APU Services ``AAS-3390``, Brightwater Aero Hydraulics ``BAH-1204``; people
named in full (``Declan Marwood``). Windows come as ``days``, ``last_days``, an RFC 3339 time (``since``), two RFC 3339
times (``from_time`` / ``to_time``), ISO dates (``from_date`` / ``to_date``), ``hours_back`` / ``hours_ahead``,
``days_back``, ``since_days`` and ``due_within_hours``; :mod:`tests.ops_eval.thirtythird_apis` defines them.

The story (minutes before the estate is built, minute-aligned; engine trend records one row per engine per flight for
30 days, stamped at the take-off, A320neo family every 290 minutes and ATRs every 230; on-call weeks run from Monday
07:00 UTC and the stations' 12-hour shifts from 06:00 and 18:00 UTC, with the story's people on the week and the shift
running now whatever the hour):

- G-TRNC, ENG 2 (ESN LPA61802): T-13125m bird strike on the approach to HVZ (BS-0418, herring gulls, ENG 2
  ingestion; fan blades 14 and 15 nicked within limits), AOG at HVZ T-13115m .. T-12935m for the inspection
  (AOG-0190, TL-24-08776), EO CR-0415: repeat borescope within 50 FC. EGT margin of ENG 2 is 47.2-49.4 C on every
  flight before; the first flight after the strike (HVZ-TRH, take-off T-12880m) is at 44.6 C and it falls about 0.3 C
  a flight to 31.2 C now (take-off T-120m); ENG 1 stays at 54.0-56.5 C. The ETM alert (below 35 C, CR-0410) is logged
  at T-3700m (TL-24-08803); CFM-ESC-2231 opened T-3600m (CFM: borescope HPC stages 1-5 and HPT stage 1 within 10 FC);
  borescope WP-2291 at TRH from T+420m.
- G-TRNE, pack 1 (ATA 21-51): T-11600m at a TRH night stop (WP-2284) the pack flow control valve is changed for SB
  A320-21-1192 (R-5521: P/N 3214552-2 S/N HX61207 off, P/N 3214552-4 S/N HX88213 on, an overhauled and modified unit
  from Kestrel's exchange pool); from T-8840m AIR PACK 1 OVHT in climb five times (TL-24-08785, 08789, 08793, 08805,
  08809), RD-0067 opened at the third; the pack outlet temperature sensor changed T-7240m (R-5526) without effect;
  Airbus TQ-66120, Kestrel KCS-77120; pack 1 deferred T-1740m (DDL-1046, cat C, max FL315); a new PFCV (S/N HX90455)
  goes in at WP-2293 from T+360m.
- G-TRNH AOG at OWD since T-340m (AOG-0192): MLG LH retraction actuator leaking (TL-24-08813); the spare actuator comes
  by road from TRH stores, ETA T+170m, release T+410m (WP-2292); ATR ATRS-55812, Brightwater BAH-1204; the ATR B1 on
  call Kasia Wrobel is at OWD.
- G-TRNB APU: auto shutdowns and start failures (TL-24-08770, 08774, 08783, 08791; RD-0064); the ECB changed at
  T-10120m (R-5523) without effect; AOG at BZY T-6055m .. T-5835m (AOG-0191, no air start unit at the contracted
  station), APU deferred (DDL-1042, cat C); Alderholt AAS-3390: starter motor, WP-2290 at T+1080m; 9 failed starts of
  151 in 30 days.
- G-TRNJ RH windshield heat fault three times (RD-0065): DDL-1045, cat A, due T+540m; sensor change WP-2294 at OWD.
- G-TRNG in A-check at TRH hangar 2 since T-1500m (WP-2289, out T+480m), its HP bleed valve 2 deferral (DDL-1047, cat
  B, due T+2680m) cleared in the check. Next A-check: G-TRND, 85 FH left (WP-2295 from T+3480m).
- G-TRNF ENG 1 oil consumption creeping up from 0.22 to 0.40 qt/hr over 30 days (the fleet's highest; alert 0.5), and
  an oily smell in the cabin on climb at T-3080m (TL-24-08807).
- red herrings: CR-0411 (pack heat exchanger cleaning interval tightened, fleet wide, 20 days ago), the brake change
  on G-TRND at HVZ (T-100m), BS-0420 on G-TRNE (spinner, no ingestion), CR-0416 (LMP-33 after AOG-0191).

On call this week: MCC duty Oriel Batchelor, A320 B1 Declan Marwood (secondary Yusuf Adeyemi), ATR B1 Kasia Wrobel,
avionics B2 Marguerite Fenn, AOG desk Rhys Pendleton, tech services Anjali Rao. Shift leads now: TRH Niamh Callister,
HVZ Efua Mensah, QKE Priscilla Vane, OWD Hamish Dunlop. BZY is Fernlow Aviation Services (+44 1632 960490).

No API reports fuel burn, crew rostering, passengers or loads, costs and prices, delays or punctuality, weather,
tyre pressures, stores stock or licences; there is no G-TRCN, no station OWB and no TL-24-09999; engine trend data
are kept 30 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtythird_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "tarnhollow_lineops"
DAY = 1440
A32N, AT76 = "A320neo family", "ATR 72"
#: G-TRNC: the bird strike, the first flight after it (take-off) and ENG 2's EGT margin there and now
STRIKE, ONSET_FLIGHT, EGT_STEP, EGT_NOW = 13125, 44, 44.6, 31.2
#: G-TRNH's AOG; the spare actuator's ETA and the release (negative: ahead)
AOG_H, PART_ETA, RELEASE = 340, -170, -410

#: reg, fleet, type, msn, engines, ESN 1, ESN 2, delivered, FH, FC
AIRCRAFT = [
    ("G-TRNA", A32N, "A320neo", 9184, "CFM LEAP-1A26", "LPA60418", "LPA60422", 2019, 18840, 11215),
    ("G-TRNB", A32N, "A320neo", 9307, "CFM LEAP-1A26", "LPA60571", "LPA60590", 2020, 16402, 9870),
    ("G-TRNC", A32N, "A321neo", 10112, "CFM LEAP-1A32", "LPA61774", "LPA61802", 2021, 13977, 7710),
    ("G-TRND", A32N, "A321neo", 10245, "CFM LEAP-1A32", "LPA61931", "LPA61955", 2021, 13250, 7390),
    ("G-TRNE", A32N, "A321neo", 11038, "CFM LEAP-1A32", "LPA62610", "LPA62633", 2022, 9120, 5140),
    ("G-TRNF", A32N, "A320neo", 11290, "CFM LEAP-1A26", "LPA62884", "LPA62901", 2023, 6380, 3905),
    ("G-TRNG", AT76, "ATR 72-600", 1521, "PW127M", "ED1390", "ED1394", 2019, 21430, 24310),
    ("G-TRNH", AT76, "ATR 72-600", 1548, "PW127M", "ED1433", "ED1441", 2019, 20875, 23650),
    ("G-TRNJ", AT76, "ATR 72-600", 1602, "PW127XT-M", "EF0217", "EF0220", 2021, 13540, 15020),
    ("G-TRNK", AT76, "ATR 72-600", 1655, "PW127XT-M", "EF0388", "EF0391", 2022, 10210, 11480),
]  # fmt: skip
#: reg -> status, location, since (minutes ago), note
STATUS = {
    "G-TRNA": ("SERVICEABLE", "QKE, turnaround", 35, "galley 1 oven 2 inop (DDL-1043)"),
    "G-TRNB": ("SERVICEABLE", "TRH stand 12", 5,
               "APU inop (DDL-1042): GPU and air start unit needed, not to BZY without an ASU (LMP-33); starter "
               "motor change WP-2290"),
    "G-TRNC": ("SERVICEABLE", "TRH stand 4", 65,
               "ENG 2 EGT margin below the 35 C alert (ETM, TL-24-08803, CFM-ESC-2231); borescope WP-2291"),
    "G-TRND": ("SERVICEABLE", "HVZ", 60, "MLG brake 2 changed at HVZ (TL-24-08817); A-check due soon (WP-2295)"),
    "G-TRNE": ("SERVICEABLE", "QKE", 20,
               "pack 1 inop (DDL-1046): max FL315; repeat defect RD-0067; PFCV 1 change WP-2293"),
    "G-TRNF": ("SERVICEABLE", "TRH stand 9", 50, "ENG 1 oil consumption on watch (ETM)"),
    "G-TRNG": ("IN_CHECK", "TRH hangar 2", 1500, "A-check WP-2289; HP bleed valve 2 (DDL-1047) replaced in the check"),
    "G-TRNH": ("AOG", "OWD", AOG_H,
               "AOG-0192: MLG LH retraction actuator leaking (blue hydraulics); spare actuator by road from TRH "
               "stores; WP-2292"),
    "G-TRNJ": ("SERVICEABLE", "OWD", 30,
               "RH windshield heat inop (DDL-1045, cat A: no flight into known icing); sensor change WP-2294"),
    "G-TRNK": ("SERVICEABLE", "TRH stand 21", 40, ""),
}  # fmt: skip

#: engine trend per reg: cadence (minutes), latest take-off (minutes ago), phase, destinations, destination offset,
#: ENG 1 EGT margin (lo, hi), ENG 2 EGT margin (lo, hi), ENG 1 oil (lo, hi), ENG 2 oil (lo, hi)
ETM = {
    "G-TRNA": (290, 95, 1, ["QKE", "HVZ", "BZY"], 0, (38.5, 40.0), (44.0, 46.0), (0.10, 0.18), (0.09, 0.17)),
    "G-TRNB": (290, 60, 0, ["HVZ", "QKE", "BZY"], 1, (49.0, 51.0), (47.0, 49.0), (0.08, 0.16), (0.10, 0.19)),
    "G-TRNC": (290, 120, 0, ["HVZ", "QKE", "BZY"], 2, (54.0, 56.5), (47.2, 49.4), (0.09, 0.17), (0.11, 0.20)),
    "G-TRND": (290, 210, 1, ["HVZ", "QKE", "BZY"], 0, (52.0, 54.0), (50.0, 52.5), (0.10, 0.17), (0.08, 0.15)),
    "G-TRNE": (290, 80, 1, ["QKE", "HVZ", "BZY"], 0, (58.0, 60.0), (57.0, 59.5), (0.09, 0.16), (0.10, 0.18)),
    "G-TRNF": (290, 110, 0, ["BZY", "HVZ", "QKE"], 0, (62.0, 64.0), (61.0, 63.5), (0.22, 0.40), (0.08, 0.15)),
    "G-TRNG": (230, 1700, 0, ["OWD", "BZY"], 0, (71.0, 75.0), (69.0, 72.0), (0.12, 0.21), (0.11, 0.20)),
    "G-TRNH": (230, 400, 1, ["OWD", "BZY"], 0, (66.0, 69.0), (70.0, 73.0), (0.10, 0.19), (0.12, 0.22)),
    "G-TRNJ": (230, 85, 1, ["OWD", "BZY"], 0, (80.0, 84.0), (82.0, 85.0), (0.11, 0.20), (0.10, 0.18)),
    "G-TRNK": (230, 140, 0, ["BZY", "OWD"], 0, (86.0, 89.0), (85.0, 88.0), (0.10, 0.21), (0.12, 0.20)),
}  # fmt: skip
FLIGHT_BASE = {"HVZ": 300, "QKE": 400, "BZY": 500, "OWD": 700}

#: ATA chapter -> title
ATA = {5: "Time limits / maintenance checks", 21: "Air conditioning", 23: "Communications", 24: "Electrical power",
       25: "Equipment / furnishings", 29: "Hydraulic power", 30: "Ice and rain protection", 32: "Landing gear",
       33: "Lights", 34: "Navigation", 36: "Pneumatic", 49: "Airborne auxiliary power (APU)", 72: "Engine",
       38: "Water / waste", 80: "Starting"}  # fmt: skip

#: tech log: entry, reg, minutes ago, station, ATA, kind, reported by, defect, action, status, refs, closed (minutes
#: ago; None: not closed)
TECH_LOG = [
    ("TL-24-08741", "G-TRNK", 62 * DAY + 300, "OWD", "23-51", "defect", "cabin crew",
     "Cabin interphone crackling on the FWD attendant handset", "Handset replaced, interphone test OK", "closed",
     "", 62 * DAY + 240),
    ("TL-24-08745", "G-TRNK", 55 * DAY, "TRH", "23-51", "defect", "cabin crew",
     "Interphone crackling again, FWD and AFT handsets", "Handset connectors cleaned, test OK", "closed", "",
     55 * DAY - 60),
    ("TL-24-08749", "G-TRNK", 48 * DAY, "BZY", "23-51", "defect", "cabin crew",
     "Interphone crackling, third time", "Audio management unit replaced, interphone test OK; RD-0062", "closed",
     "RD-0062", 48 * DAY - 200),
    ("TL-24-08752", "G-TRNA", 34 * DAY + 200, "QKE", "36-11", "defect", "flight crew",
     "BLEED 1 FAULT ECAM in climb, recovered after a reset", "PRV 1 reset per TSM, ops test OK", "closed", "",
     34 * DAY + 150),
    ("TL-24-08754", "G-TRNK", 33 * DAY, "TRH", "33-21", "defect", "cabin crew",
     "Cabin reading light 12A inop", "Deferred per MEL 33-21-03 (DDL-1038); light unit replaced later, DDL-1038 "
     "cleared", "closed", "DDL-1038", 2 * DAY),
    ("TL-24-08756", "G-TRNA", 31 * DAY + 500, "TRH", "36-11", "defect", "flight crew",
     "BLEED 1 FAULT ECAM in climb again", "HPV solenoid connector cleaned, ops test OK", "closed", "",
     31 * DAY + 420),
    ("TL-24-08759", "G-TRNA", 27 * DAY + 100, "HVZ", "36-11", "defect", "flight crew",
     "BLEED 1 FAULT ECAM in climb, third time", "PRV 1 replaced (R-5508), ops test OK; RD-0059", "closed",
     "RD-0059", 27 * DAY + 20),
    ("TL-24-08761", "G-TRNK", 21 * DAY, "TRH", "24-31", "defect", "flight crew",
     "DC GEN 2 fault light after engine start", "DC starter-generator 2 replaced (R-5512), ground run OK", "closed",
     "", 21 * DAY - 240),
    ("TL-24-08762", "G-TRND", 19 * DAY, "HVZ", "34-41", "defect", "flight crew",
     "PWS (predictive windshear) fault on the weather radar", "Deferred per MEL 34-41-01 (DDL-1039); weather radar "
     "transceiver connector cleaned, BITE OK, DDL-1039 cleared", "closed", "DDL-1039", 15 * DAY),
    ("TL-24-08763", "G-TRNF", 18 * DAY, "TRH", "29-13", "defect", "flight crew",
     "HYD Y ELEC PUMP LO PR on the ground, pump not delivering", "Yellow electric pump replaced (R-5514), leak and "
     "ops test OK; AOG-0188", "closed", "AOG-0188", 18 * DAY - 260),
    ("TL-24-08766", "G-TRND", 16 * DAY, "BZY", "32-42", "defect", "flight crew",
     "Brake 3 temperature high after landing (BRAKES HOT)", "Brake 3 inspected: wear and temperature within limits "
     "after cooling, no fault found", "closed", "", 16 * DAY - 50),
    ("TL-24-08767", "G-TRNH", 13 * DAY, "OWD", "21-23", "defect", "engineer",
     "Recirculation fan 1 inop at the pre-flight check", "Deferred per MEL 21-23-01 (DDL-1040); fan 1 replaced at "
     "TRH, DDL-1040 cleared", "closed", "DDL-1040", 11 * DAY),
    ("TL-24-08768", "G-TRNA", 12 * DAY + 400, "QKE", "80-11", "defect", "flight crew",
     "ENG 1 START VALVE FAULT, engine 1 would not start", "Starter air valve 1 replaced (R-5516), ground run OK; "
     "AOG-0189", "closed", "AOG-0189", 12 * DAY - 30),
    ("TL-24-08770", "G-TRNB", 11 * DAY + 200, "TRH", "49-61", "defect", "flight crew",
     "APU AUTO SHUT DOWN during the APU start", "APU restarted OK; ECB fault log downloaded: start time exceeded",
     "closed", "RD-0064", 11 * DAY + 150),
    ("TL-24-08772", "G-TRNH", 10 * DAY + 100, "OWD", "32-11", "defect", "engineer",
     "MLG LH shock strut extension low at the walk-round", "Shock strut serviced with nitrogen per AMM, extension OK",
     "closed", "", 10 * DAY + 40),
    ("TL-24-08774", "G-TRNB", 9 * DAY + 600, "HVZ", "49-61", "defect", "flight crew",
     "APU fails to start (no light-off) at the first attempt", "Second attempt OK; APU inlet and igniter checked",
     "closed", "RD-0064", 9 * DAY + 560),
    ("TL-24-08776", "G-TRNC", STRIKE - 15, "HVZ", "72-00", "defect", "flight crew",
     "Bird strike on the approach to HVZ at about 3200 ft, several gulls; ENG 2 ingestion suspected, remains on the "
     "ENG 2 inlet and the nose", "Bird strike inspection AMM 05-51-14: ENG 2 fan blades 14 and 15 leading edge nicks "
     "within limits, borescope of the LPC and HPC stage 1 with no damage beyond limits, remains cleaned, ground run "
     "OK; repeat borescope within 50 FC (CR-0415); BS-0418, AOG-0190", "closed", "BS-0418, AOG-0190", 12935),
    ("TL-24-08777", "G-TRNF", 9 * DAY, "TRH", "38-31", "defect", "cabin crew",
     "Aft lavatory water heater does not heat", "Deferred per MEL 38-31-02 (DDL-1041); heater replaced, DDL-1041 "
     "cleared", "closed", "DDL-1041", 8 * DAY),
    ("TL-24-08778", "G-TRNE", 11620, "TRH", "21-51", "maintenance", "engineer",
     "WP-2284: SB A320-21-1192 (pack flow control valve modification) on pack 1",
     "PFCV 1 replaced by a modified unit (R-5521: P/N 3214552-2 S/N HX61207 off, P/N 3214552-4 S/N HX88213 on, "
     "Kestrel exchange pool); pack 1 ops test OK", "closed", "WP-2284, CR-0414", 11580),
    ("TL-24-08781", "G-TRNF", 10580, "TRH", "32-41", "maintenance", "engineer",
     "MLG wheel 2 tyre worn to limit at the daily check", "Wheel 2 replaced (R-5522)", "closed", "", 10500),
    ("TL-24-08783", "G-TRNB", 10180, "TRH", "49-61", "defect", "flight crew",
     "APU AUTO SHUT DOWN on start again, ECB fault: start time exceeded", "APU ECB replaced (R-5523), two APU starts "
     "OK", "closed", "RD-0064", 10100),
    ("TL-24-08785", "G-TRNE", 8840, "HVZ", "21-51", "defect", "flight crew",
     "AIR PACK 1 OVHT ECAM in climb through FL180, pack 1 off, recovered after a reset",
     "Pack 1 temperature sensors checked, no fault found; monitor per TSM 21-51-00", "closed", "RD-0067", 8790),
    ("TL-24-08787", "G-TRNJ", 8640, "OWD", "30-42", "defect", "flight crew",
     "WSHLD HTG RH fault light in cruise", "Windshield heat controller reset, ops test OK", "closed", "RD-0065",
     8600),
    ("TL-24-08789", "G-TRNE", 7300, "QKE", "21-51", "defect", "flight crew",
     "AIR PACK 1 OVHT in climb again", "Pack 1 heat exchanger inspected, clean; pack 1 outlet temperature sensor "
     "replaced (R-5526), ops test OK", "closed", "RD-0067", 7230),
    ("TL-24-08791", "G-TRNB", 6060, "BZY", "49-61", "defect", "flight crew",
     "APU fails to start, three attempts; no air start unit at BZY", "APU deferred per MEL 49-10-01 (DDL-1042); "
     "engines started with an ASU brought from QKE; AOG-0191", "deferred", "DDL-1042, AOG-0191, RD-0064", None),
    ("TL-24-08793", "G-TRNE", 5760, "TRH", "21-51", "defect", "flight crew",
     "AIR PACK 1 OVHT in climb, third occurrence", "Pack 1 ACM checked, rotation free; repeat defect RD-0067 raised; "
     "Airbus TechRequest TQ-66120", "closed", "RD-0067", 5700),
    ("TL-24-08795", "G-TRNJ", 4720, "TRH", "30-42", "defect", "flight crew",
     "WSHLD HTG RH fault again", "Windshield heat controllers swapped LH/RH for fault isolation: the fault stays on "
     "the RH side, windshield temperature sensor suspected", "closed", "RD-0065", 4660),
    ("TL-24-08797", "G-TRNA", 4420, "HVZ", "25-31", "defect", "cabin crew",
     "Galley 1 oven 2 does not heat", "Oven 2 isolated and placarded per MEL 25-31-02 (DDL-1043)", "deferred",
     "DDL-1043", None),
    ("TL-24-08799", "G-TRNK", 4300, "OWD", "33-42", "defect", "engineer",
     "LH landing light inop at the night stop", "Lamp replaced, still inop; deferred per MEL 33-42-01 (DDL-1044)",
     "deferred", "DDL-1044", None),
    ("TL-24-08801", "G-TRNJ", 3780, "OWD", "30-42", "defect", "flight crew",
     "WSHLD HTG RH fault, third time", "Deferred per MEL 30-42-01 (DDL-1045, cat A, 3 calendar days, no flight into "
     "known or forecast icing); repeat defect RD-0065", "deferred", "DDL-1045, RD-0065", None),
    ("TL-24-08803", "G-TRNC", 3700, "TRH", "72-00", "info", "powerplant engineer",
     "ETM alert: ENG 2 (ESN LPA61802) EGT margin down to the 35 C alert level (CR-0410), falling since the bird "
     "strike BS-0418", "Tech services (Anjali Rao) informed; CFM case CFM-ESC-2231; borescope of ENG 2 brought "
     "forward (WP-2291)", "open", "CFM-ESC-2231, WP-2291", None),
    ("TL-24-08805", "G-TRNE", 3380, "HVZ", "21-51", "defect", "flight crew",
     "AIR PACK 1 OVHT in climb, fourth occurrence", "Pack 1 outlet temperature sensor connector checked; PFCV 1 S/N "
     "HX88213 suspected: Kestrel case KCS-77120", "closed", "RD-0067, KCS-77120", 3330),
    ("TL-24-08807", "G-TRNF", 3080, "TRH", "21-00", "defect", "cabin crew",
     "Oily, dirty-socks smell in the cabin during climb, gone at cruise; no smoke, no crew symptoms",
     "ENG 1 and APU inspected: no oil leak found; packs ops test OK; ENG 1 oil consumption already on ETM watch; fume "
     "event report FE-031 raised, monitor", "closed", "FE-031", 3000),
    ("TL-24-08809", "G-TRNE", 1740, "BZY", "21-51", "defect", "flight crew",
     "AIR PACK 1 OVHT in climb, fifth occurrence", "Pack 1 deactivated per MEL 21-52-01 (DDL-1046, cat C, max "
     "FL315); new PFCV planned (WP-2293)", "deferred", "DDL-1046, RD-0067", None),
    ("TL-24-08811", "G-TRNG", 1640, "TRH", "36-11", "defect", "flight crew",
     "ENG 2 HP BLEED VALVE fault, valve fails closed", "Deferred per MEL 36-11-02 (DDL-1047, cat B); valve to be "
     "replaced in the A-check (WP-2289)", "deferred", "DDL-1047", None),
    ("TL-24-08813", "G-TRNH", AOG_H, "OWD", "32-31", "defect", "engineer",
     "MLG LH retraction actuator leaking hydraulic fluid (blue system) at the gland nut, beyond AMM limits",
     "AOG-0192: actuator to be replaced; spare from TRH stores by road; Kasia Wrobel (ATR B1 on call) on site",
     "open", "AOG-0192, WP-2292", None),
    ("TL-24-08815", "G-TRNA", 260, "QKE", "25-21", "defect", "cabin crew",
     "Passenger seat 14C recline inop", "Recline lock cable adjusted, ops check OK", "closed", "", 230),
    ("TL-24-08817", "G-TRND", 150, "HVZ", "32-42", "defect", "engineer",
     "MLG brake 2 wear pin flush at the turnaround check", "Brake 2 replaced (R-5527), brake test OK", "closed", "",
     60),
    ("TL-24-08819", "G-TRNK", 45, "TRH", "34-11", "defect", "flight crew",
     "ADC 2 FAULT caution on taxi-in, cleared after 2 minutes", "ADC 2 BITE test passed, no fault stored; monitor",
     "closed", "", 30),
]  # fmt: skip

#: deferral, reg, tech log, MEL item, description, category, raised, due, cleared (minutes ago; negative: ahead),
#: restrictions, raised by
DEFERRALS = [
    ("DDL-1038", "G-TRNK", "TL-24-08754", "33-21-03", "Cabin reading light 12A inop", "D", 33 * DAY, -87 * DAY,
     2 * DAY, "placard the light", "Tobiah Renshaw"),
    ("DDL-1039", "G-TRND", "TL-24-08762", "34-41-01", "Weather radar predictive windshear function inop", "C",
     19 * DAY, 9 * DAY, 15 * DAY, "PWS inop: reactive windshear only", "Efua Mensah"),
    ("DDL-1040", "G-TRNH", "TL-24-08767", "21-23-01", "Recirculation fan 1 inop", "C", 13 * DAY, 3 * DAY, 11 * DAY,
     "max 2 hours per sector on the ground with doors closed", "Hamish Dunlop"),
    ("DDL-1041", "G-TRNF", "TL-24-08777", "38-31-02", "Aft lavatory water heater inop", "D", 9 * DAY, -111 * DAY,
     8 * DAY, "placard the tap", "Niamh Callister"),
    ("DDL-1042", "G-TRNB", "TL-24-08791", "49-10-01", "APU inop (fails to start)", "C", 6060, 6060 - 10 * DAY, None,
     "GPU and air start unit needed; APU bleed and generator unavailable; no dispatch to BZY without an ASU "
     "(LMP-33)", "Fernlow duty engineer (BZY)"),
    ("DDL-1043", "G-TRNA", "TL-24-08797", "25-31-02", "Galley 1 oven 2 inop", "D", 4420, 4420 - 120 * DAY, None,
     "oven isolated and placarded", "Efua Mensah"),
    ("DDL-1044", "G-TRNK", "TL-24-08799", "33-42-01", "LH landing light inop", "C", 4300, 4300 - 10 * DAY, None,
     "RH landing light and taxi lights must operate", "Hamish Dunlop"),
    ("DDL-1045", "G-TRNJ", "TL-24-08801", "30-42-01", "RH windshield heating inop", "A", 3780, 3780 - 3 * DAY, None,
     "no flight into known or forecast icing conditions; rectify within 3 calendar days (MEL remark)",
     "Hamish Dunlop"),
    ("DDL-1046", "G-TRNE", "TL-24-08809", "21-52-01", "Pack 1 inop (AIR PACK 1 OVHT, repeat defect RD-0067)", "C",
     1740, 1740 - 10 * DAY, None, "max FL315; pack 2 must be operative; no ETOPS-style long sectors", "Joss Kerridge"),
    ("DDL-1047", "G-TRNG", "TL-24-08811", "36-11-02", "ENG 2 HP bleed valve inop (closed)", "B", 1640,
     1640 - 3 * DAY, None, "ENG 2 HP bleed valve secured closed; max FL200 in icing", "Gideon Ashcombe"),
]  # fmt: skip

#: aog, reg, station, ATA, started, ended (minutes ago; None: open), cause, parts, eta (minutes ago, negative: ahead),
#: status, engineer, notes
AOGS = [
    ("AOG-0187", "G-TRND", "BZY", "32-51", 38 * DAY, 38 * DAY - 310, "Nose wheel steering fault, tiller inop",
     "NWS control unit from TRH stores", None, "closed", "Fernlow duty engineer", "NWS control unit replaced"),
    ("AOG-0188", "G-TRNF", "TRH", "29-13", 18 * DAY, 18 * DAY - 240, "HYD Y ELEC PUMP LO PR",
     "yellow electric pump (own stock)", None, "closed", "Niamh Callister", "pump replaced (R-5514)"),
    ("AOG-0189", "G-TRNA", "QKE", "80-11", 12 * DAY + 400, 12 * DAY - 30, "ENG 1 start valve fault",
     "starter air valve flown in on THW401", None, "closed", "Priscilla Vane", "SAV 1 replaced (R-5516)"),
    ("AOG-0190", "G-TRNC", "HVZ", "72-00", STRIKE - 10, 12935, "Bird strike on approach, ENG 2 ingestion suspected "
     "(BS-0418)", "none", None, "closed", "Efua Mensah", "inspection AMM 05-51-14 and borescope: within limits; "
     "released"),
    ("AOG-0191", "G-TRNB", "BZY", "49-61", 6055, 5835, "APU fails to start and no air start unit at BZY",
     "air start unit trucked from QKE", None, "closed", "Fernlow duty engineer",
     "APU deferred (DDL-1042); LMP-33 revised (CR-0416)"),
    ("AOG-0192", "G-TRNH", "OWD", "32-31", AOG_H, None, "MLG LH retraction actuator leaking hydraulic fluid",
     "MLG retraction actuator P/N D61745-3 (TRH stores spare S/N RA20871), by road courier", PART_ETA, "open",
     "Kasia Wrobel", "release expected about 4 hours after the actuator arrives (WP-2292); ATRS-55812"),
]  # fmt: skip

#: removal, reg, minutes ago, station, ATA, part, position, P/N off, S/N off, P/N on, S/N on, reason, hours since
#: installed, tech log, WP, source of the unit on
REMOVALS = [
    ("R-5506", "G-TRND", 45 * DAY, "TRH", "32-41", "Main wheel assembly", "MLG wheel 1", "2-1595-3", "W4471",
     "2-1595-3", "W5102", "scheduled: tyre worn", 610, "", "", "own stock"),
    ("R-5508", "G-TRNA", 27 * DAY + 40, "HVZ", "36-11", "Pressure regulating valve (PRV)", "ENG 1", "3291530-5",
     "PR10983", "3291530-5", "PR11720", "unscheduled: BLEED 1 FAULT (RD-0059)", 4120, "TL-24-08759", "",
     "own stock"),
    ("R-5512", "G-TRNK", 21 * DAY - 40, "TRH", "24-31", "DC starter-generator", "ENG 2", "23078-011", "SG9120",
     "23078-011", "SG9874", "unscheduled: DC GEN 2 fault", 3380, "TL-24-08761", "", "own stock"),
    ("R-5514", "G-TRNF", 18 * DAY - 100, "TRH", "29-13", "Yellow electric pump", "yellow system", "EP-7741-2",
     "YP2290", "EP-7741-2", "YP3015", "unscheduled: low pressure", 5020, "TL-24-08763", "", "own stock"),
    ("R-5516", "G-TRNA", 12 * DAY + 100, "QKE", "80-11", "Starter air valve (SAV)", "ENG 1", "3290686-3", "SV40117",
     "3290686-3", "SV41288", "unscheduled: ENG 1 START VALVE FAULT", 7710, "TL-24-08768", "WP-2276", "own stock"),
    ("R-5521", "G-TRNE", 11600, "TRH", "21-51", "Pack flow control valve (PFCV)", "pack 1", "3214552-2", "HX61207",
     "3214552-4", "HX88213", "modification: SB A320-21-1192 embodiment (CR-0414)", 9050, "TL-24-08778", "WP-2284",
     "Kestrel Component Services exchange pool (overhauled and modified to -4)"),
    ("R-5522", "G-TRNF", 10500, "TRH", "32-41", "Main wheel assembly", "MLG wheel 2", "2-1595-3", "W4880",
     "2-1595-3", "W5233", "scheduled: tyre worn", 590, "TL-24-08781", "", "own stock"),
    ("R-5523", "G-TRNB", 10120, "TRH", "49-61", "APU electronic control box (ECB)", "APU", "4122700-11", "ECB2271",
     "4122700-11", "ECB2519", "unscheduled: APU auto shutdown (RD-0064)", 6400, "TL-24-08783", "WP-2282",
     "own stock"),
    ("R-5526", "G-TRNE", 7240, "QKE", "21-51", "Pack outlet temperature sensor", "pack 1", "8541-207", "TS7703",
     "8541-207", "TS8110", "unscheduled: AIR PACK 1 OVHT (RD-0067)", 9080, "TL-24-08789", "", "own stock"),
    ("R-5527", "G-TRND", 100, "HVZ", "32-42", "Brake assembly", "MLG brake 2", "2-1680-4", "BK3307", "2-1680-4",
     "BK4126", "scheduled: wear pin flush", 1880, "TL-24-08817", "", "HVZ station stock"),
]  # fmt: skip

#: wp, reg, station, kind, start, end (minutes ago; negative: ahead), status, lead, tasks
WORK_PACKAGES = [
    ("WP-2282", "G-TRNB", "TRH", "defect rectification", 10240, 10090, "completed", "Niamh Callister",
     "APU ECB replacement (R-5523), APU start test"),
    ("WP-2284", "G-TRNE", "TRH", "night stop", 11700, 11460, "completed", "Bartosz Nowicki",
     "SB A320-21-1192 on pack 1 (PFCV 1 replaced, R-5521); weekly check; cabin items"),
    ("WP-2287", "G-TRNF", "TRH", "weekly check", 2900, 2700, "completed", "Gideon Ashcombe", "weekly check"),
    ("WP-2289", "G-TRNG", "TRH", "A-check", 1500, -480, "in_progress", "Gideon Ashcombe",
     "A-check in hangar 2; ENG 2 HP bleed valve replacement (clears DDL-1047); propeller blade erosion inspection"),
    ("WP-2290", "G-TRNB", "TRH", "defect rectification", -1080, -1380, "planned", "Declan Marwood",
     "APU starter motor replacement (Alderholt exchange unit, AAS-3390), APU start tests, clear DDL-1042"),
    ("WP-2291", "G-TRNC", "TRH", "borescope", -420, -780, "planned", "Imogen Sallis (borescope)",
     "ENG 2 borescope: HPC stages 1-5, combustor, HPT stage 1 (CR-0415, CFM-ESC-2231); fan blades 14 and 15 re-check"),
    ("WP-2292", "G-TRNH", "OWD", "AOG recovery", PART_ETA, RELEASE, "awaiting_parts", "Kasia Wrobel",
     "MLG LH retraction actuator replacement, gear swing, leak check (AOG-0192)"),
    ("WP-2293", "G-TRNE", "TRH", "night stop", -360, -720, "planned", "Bartosz Nowicki",
     "PFCV 1 replacement with a new unit (P/N 3214552-4, S/N HX90455 from Airbus spares), pack 1 ops test, clear "
     "DDL-1046; return HX88213 to Kestrel (KCS-77120)"),
    ("WP-2294", "G-TRNJ", "OWD", "defect rectification", -240, -420, "planned", "Hamish Dunlop",
     "RH windshield temperature sensor replacement, windshield heat test, clear DDL-1045"),
    ("WP-2295", "G-TRND", "TRH", "A-check", -3480, -5280, "planned", "Gideon Ashcombe", "A-check in hangar 1"),
    ("WP-2296", "G-TRNK", "TRH", "A-check", -8640, -10440, "planned", "Niamh Callister", "A-check in hangar 2"),
]  # fmt: skip

#: reg -> APU model, S/N, hours, starts, hours since shop visit, last shop visit (days ago), starts / failed starts
#: in 30 days, status, note
APUS = {
    "G-TRNA": ("131-9A", "P14410", 9820, 7410, 3120, 410, 176, 1, "serviceable", ""),
    "G-TRNB": ("131-9A", "P15122", 8742, 6583, 4410, 520, 151, 9, "inop (DDL-1042)",
               "auto shutdowns and start failures; ECB replaced (R-5523) without effect; starter motor suspected "
               "(AAS-3390)"),
    "G-TRNC": ("131-9A", "P16090", 6120, 4705, 6120, None, 168, 0, "serviceable", "no shop visit yet"),
    "G-TRND": ("131-9A", "P16118", 5980, 4522, 5980, None, 171, 2, "serviceable", "no shop visit yet"),
    "G-TRNE": ("131-9A", "P17301", 4010, 3098, 4010, None, 160, 0, "serviceable", "no shop visit yet"),
    "G-TRNF": ("131-9A", "P17744", 2875, 2240, 2875, None, 158, 1, "serviceable", "no shop visit yet"),
}  # fmt: skip

#: report, reg, minutes ago, station, phase, altitude ft, species, struck, ingestion, damage, inspection, tech log, MOR
BIRD_STRIKES = [
    ("BS-0412", "G-TRNA", 70 * DAY, "TRH", "approach", 500, "lapwing", "radome", "no", "none", "visual", "", "no"),
    ("BS-0413", "G-TRNK", 52 * DAY, "OWD", "landing roll", 0, "rook", "LH nacelle", "no", "none", "visual", "",
     "no"),
    ("BS-0414", "G-TRNG", 33 * DAY, "BZY", "take-off roll", 0, "swallow", "windshield", "no", "none", "visual", "",
     "no"),
    ("BS-0415", "G-TRNA", 24 * DAY, "TRH", "climb", 1500, "wood pigeon", "LH wing leading edge, slat 1", "no",
     "dent within limits", "AMM 05-51-14 (airframe)", "", "no"),
    ("BS-0416", "G-TRNK", 15 * DAY, "OWD", "approach", 800, "starlings (flock)", "nose, radome, propeller 1", "no",
     "none", "AMM 05-51-14", "", "no"),
    ("BS-0417", "G-TRNF", 11 * DAY, "TRH", "climb", 2000, "unknown", "crew report, no evidence found", "no", "none",
     "visual", "", "no"),
    ("BS-0418", "G-TRNC", STRIKE, "HVZ", "approach", 3200, "herring gulls (3)", "ENG 2, nose", "yes (ENG 2)",
     "ENG 2 fan blades 14 and 15 leading edge nicks within limits", "AMM 05-51-14 and borescope (LPC, HPC stage 1)",
     "TL-24-08776", "yes"),
    ("BS-0419", "G-TRNH", 6160, "OWD", "landing", 50, "rook", "LH wing", "no", "none", "visual", "", "no"),
    ("BS-0420", "G-TRNE", 2040, "QKE", "climb", 1200, "black-headed gull", "ENG 1 spinner", "no (spinner only)",
     "none", "AMM 05-51-14 (fan and spinner)", "", "no"),
]  # fmt: skip

#: reg -> A-check: FH left, FC left, days left, last done (days ago), WP; C-check: FH left, days left, last done
CHECKS = {
    "G-TRNA": ((130, 95, 25, 95, ""), (3900, 380, 350)),
    "G-TRNB": ((410, 300, 70, 50, ""), (5100, 520, 210)),
    "G-TRNC": ((520, 380, 85, 35, ""), (2600, 230, 500)),
    "G-TRND": ((85, 60, 6, 114, "WP-2295"), (4400, 410, 320)),
    "G-TRNE": ((340, 250, 50, 70, ""), (6100, 610, 120)),
    "G-TRNF": ((610, 460, 100, 20, ""), (7000, 690, 40)),
    "G-TRNG": ((12, 15, 2, 118, "WP-2289 (in progress)"), (1900, 160, 570)),
    "G-TRNH": ((290, 220, 40, 80, ""), (3300, 300, 430)),
    "G-TRNJ": ((455, 600, 65, 55, ""), (5600, 560, 170)),
    "G-TRNK": ((150, 210, 14, 106, "WP-2296"), (6800, 650, 80)),
}

#: repeat defect, reg, ATA, title, tech log entries, status, owner, actions, closed (minutes ago)
REPEATS = [
    ("RD-0062", "G-TRNK", "23-51", "Cabin interphone crackling", ["TL-24-08741", "TL-24-08745", "TL-24-08749"],
     "closed", "Selwyn Achebe (tech services, systems)",
     "handset replaced, connectors cleaned, audio management unit replaced: no recurrence in 40 sectors", 40 * DAY),
    ("RD-0059", "G-TRNA", "36-11", "BLEED 1 FAULT in climb", ["TL-24-08752", "TL-24-08756", "TL-24-08759"],
     "closed", "Selwyn Achebe (tech services, systems)",
     "PRV 1 replaced (R-5508): no recurrence in 20 sectors", 25 * DAY),
    ("RD-0064", "G-TRNB", "49-61", "APU auto shutdown / fails to start",
     ["TL-24-08770", "TL-24-08774", "TL-24-08783", "TL-24-08791"], "open", "Selwyn Achebe (tech services, systems)",
     "ECB replaced (R-5523) without effect; APU deferred (DDL-1042); starter motor suspected (Alderholt AAS-3390): "
     "replacement WP-2290", None),
    ("RD-0065", "G-TRNJ", "30-42", "RH windshield heat fault (WSHLD HTG RH)",
     ["TL-24-08787", "TL-24-08795", "TL-24-08801"], "open", "Selwyn Achebe (tech services, systems)",
     "controller reset, controllers swapped: fault stays RH; deferred cat A (DDL-1045); windshield sensor change "
     "WP-2294", None),
    ("RD-0067", "G-TRNE", "21-51", "AIR PACK 1 OVHT in climb",
     ["TL-24-08785", "TL-24-08789", "TL-24-08793", "TL-24-08805", "TL-24-08809"], "open",
     "Selwyn Achebe (tech services, systems)",
     "sensors checked, outlet temperature sensor replaced (R-5526) and ACM checked without effect; PFCV 1 S/N HX88213 "
     "(fitted at WP-2284 for SB A320-21-1192) suspected (KCS-77120, TQ-66120); pack 1 deferred (DDL-1046); new PFCV "
     "at WP-2293", None),
]  # fmt: skip

#: change record, title, fleet, ATA, kind, state, raised, effective (minutes ago; None: not effective), approver,
#: notes
CHANGES = [
    ("CR-0409", "AMP rev 16 (A320neo family): zonal inspection intervals aligned to MPD rev 32", A32N, 5,
     "amp_revision", "effective", 75 * DAY, 60 * DAY, "Rowena Sixsmith (CAMO)", ""),
    ("CR-0410", "ETM alert levels: EGT margin alert below 35 C (LEAP-1A), ITT margin below 20 C (PW127); oil "
     "consumption alert above 0.5 qt/hr", "all", 72, "procedure", "effective", 40 * DAY, 35 * DAY,
     "Rowena Sixsmith (CAMO)", "LMP-30 updated"),
    ("CR-0411", "AMP rev 17 (A320neo family): pack heat exchanger cleaning 6000 -> 4800 FH", A32N, 21,
     "amp_revision", "effective", 26 * DAY, 20 * DAY, "Rowena Sixsmith (CAMO)",
     "fleet wide, next due at each aircraft's C-check; no task performed yet"),
    ("CR-0412", "ATR 72 MEL rev 12 adopted (30-42-01 windshield heating cat A, 3 days; 21-23-01 recirculation fan)",
     AT76, 30, "mel_revision", "effective", 32 * DAY, 25 * DAY, "Rowena Sixsmith (CAMO)", ""),
    ("CR-0413", "ATR 72 AMP rev 9: hydraulic fluid sampling 1200 -> 1500 FH", AT76, 29, "amp_revision",
     "effective", 21 * DAY, 15 * DAY, "Rowena Sixsmith (CAMO)", "per ATR MPD rev 14"),
    ("CR-0414", "EO-26-044: SB A320-21-1192 (pack flow control valve modification, P/N 3214552-2 -> -4) on G-TRNA .. "
     "G-TRNF at the next night stop", A32N, 21, "engineering_order", "effective", 16 * DAY, 12 * DAY,
     "Selwyn Achebe (tech services)", "embodied on G-TRNE (WP-2284); the others pending"),
    ("CR-0415", "EO-26-051: G-TRNC ENG 2 repeat borescope within 50 FC after bird strike BS-0418", A32N, 72,
     "engineering_order", "effective", 12950, 12940, "Anjali Rao (tech services, powerplant)",
     "brought forward after the ETM alert (TL-24-08803): WP-2291"),
    ("CR-0416", "LMP-33 rev 4: APU-inop aircraft not dispatched to BZY unless an ASU is arranged", A32N, 49,
     "procedure", "effective", 5500, 4300, "Oriel Batchelor (MCC)", "after AOG-0191"),
    ("CR-0417", "Reliability proposal: APU starter motor hard time 6000 starts", A32N, 49, "reliability", "draft",
     2600, None, "", "for the next reliability review board"),
]  # fmt: skip

#: ref, vendor, reg, subject, status, priority, contact, raised by, opened, updated (minutes ago), latest
CASES = [
    ("PWC-88107", "Pratt & Whitney Canada", "G-TRNG", "ENG 1 (ED1390) oil filter impending bypass indication",
     "resolved", "routine", "P&WC field support", "Anjali Rao", 40 * DAY, 35 * DAY,
     "filter and chip detector clean; indicator reset; no further action"),
    ("TQ-66120", "Airbus", "G-TRNE", "AIR PACK 1 OVHT in climb, repeat (RD-0067)", "answered", "standard",
     "Airbus TechRequest (air conditioning)", "Selwyn Achebe", 5700, 4000,
     "check the PFCV regulation: some units modified to -4 by repair shops regulate high after the SB; replace the "
     "valve if overheats continue after the sensors are confirmed good"),
    ("AAS-3390", "Alderholt APU Services", "G-TRNB", "131-9A APU P15122: start failures, ECB replaced without effect",
     "open", "high", "Corin Blackwood (APU support)", "Selwyn Achebe", 5900, 600,
     "starter motor brush wear suspected from the start current data; exchange starter motor P/N 3505822-2 shipped, "
     "due at TRH before WP-2290"),
    ("CFM-ESC-2231", "CFM", "G-TRNC", "ENG 2 (ESN LPA61802) EGT margin loss since bird strike BS-0418",
     "in_progress", "high", "Aurelien Pasquier (CFM field service)", "Anjali Rao", 3600, 400,
     "EGT margin down from about 48 C to 31 C since the strike: consistent with HPC blade damage; borescope HPC stages "
     "1-5 and HPT stage 1 within 10 FC; if damage is beyond limits plan an engine change; send the images"),
    ("KCS-77120", "Kestrel Component Services", "G-TRNE", "PFCV P/N 3214552-4 S/N HX88213: pack 1 overheats since "
     "fitted", "open", "high", "Gemma Thorley (customer support)", "Selwyn Achebe", 3350, 900,
     "shop records: HX88213 overhauled and modified to -4, bench test passed; send the unit back after removal for a "
     "teardown under warranty"),
    ("ATRS-55812", "ATR", "G-TRNH", "MLG LH retraction actuator leak at OWD (AOG)", "in_progress", "AOG",
     "ATR customer support, AOG desk", "Rhys Pendleton", 320, 200,
     "own spare from TRH stores used; ATR ships a replacement spare to TRH; seal kit SB under review"),
    ("BAH-1204", "Brightwater Aero Hydraulics", "G-TRNH", "Repair of the leaking MLG retraction actuator "
     "(after removal)", "open", "routine", "Brightwater repair desk", "Rhys Pendleton", 250, 250,
     "repair order raised; collect the unit from OWD after the change"),
]  # fmt: skip
#: vendor, covers, AOG phone, hours, contact, escalation, contract
VENDORS = [
    ("Airbus", "A320neo family: TechRequest, AOG technical support, spares", "+44 1632 960301", "24/7",
     "Luc Ferrand (resident customer support manager)", "Airbus AOG duty manager via the AOG desk", "GTA-TH-2019"),
    ("ATR", "ATR 72-600: technical support, AOG spares", "+44 1632 960342", "24/7",
     "Valentina Moretti (customer support manager)", "ATR AOG desk duty manager", "ATR-GSA-2019"),
    ("CFM", "LEAP-1A engines: field service, engine support", "+44 1632 960375", "24/7",
     "Aurelien Pasquier (field service engineer)", "CFM customer support manager, +44 7700 900375", "CFM-RTS-2019"),
    ("Pratt & Whitney Canada", "PW127M / PW127XT-M engines", "+44 1632 960388", "24/7", "P&WC field support",
     "P&WC regional manager", "PWC-FMP-2019"),
    ("Kestrel Component Services", "pneumatic and air-conditioning components, exchange pool", "+44 1632 960412",
     "24/7 AOG desk", "Gemma Thorley (customer support)", "Ravi Chandran, customer support manager, +44 7700 900412",
     "KCS-POOL-2021"),
    ("Alderholt APU Services", "131-9A APU repairs and exchange units", "+44 1632 960455", "06:00-22:00",
     "Corin Blackwood (APU support)", "Alderholt duty manager", "AAS-2020-03"),
    ("Brightwater Aero Hydraulics", "landing gear and hydraulic component repairs", "+44 1632 960468",
     "08:00-18:00 weekdays", "repair desk", "Mair Pritchard, repair manager", "BAH-2022-11"),
    ("Fernlow Aviation Services", "contracted line maintenance at BZY (B1 cover for the A320neo family and ATR 72)",
     "+44 1632 960490", "05:00-23:00", "Fernlow duty engineer", "Joss Kerridge, station manager, +44 7700 900490",
     "FAS-LM-2023"),
]  # fmt: skip
#: code, name, kind, hours (UTC), engineers, MRO, ASU / GPU, AOG kit, phone, notes
STATIONS = [
    ("TRH", "Tarnhollow", "main base, hangar (2 bays)", "24/7", "B1 and B2 on every shift", "own",
     "ASU and GPU", "main stores", "+44 1632 960100", "MCC and AOG desk here"),
    ("HVZ", "Harrowvale", "line station", "04:30-23:30", "2 B1 per shift", "own", "ASU and GPU",
     "A320neo fly-away kit", "+44 1632 960110", ""),
    ("QKE", "Quenmere", "line station", "05:00-23:00", "2 B1 per shift", "own", "ASU and GPU",
     "A320neo fly-away kit", "+44 1632 960120", ""),
    ("OWD", "Oldwick Downs", "line station (ATR only)", "05:00-22:00", "1 B1 per shift", "own", "GPU",
     "ATR fly-away kit", "+44 1632 960130", "ATR 72 only"),
    ("BZY", "Brazely", "contracted line station", "05:00-23:00", "contracted B1", "Fernlow Aviation Services",
     "GPU only (no ASU)", "none", "+44 1632 960490", "no air start unit: APU-inop A320neo family only with an ASU "
     "arranged (LMP-33)"),
]  # fmt: skip

#: rota -> [(level, people per week: last week, this week, next week, the week after)]
ROTAS = {
    "mcc_duty": [("primary", ["Ferdy Quaile", "Oriel Batchelor", "Sunniva Holt", "Ferdy Quaile"])],
    "a320_b1": [("primary", ["Yusuf Adeyemi", "Declan Marwood", "Yusuf Adeyemi", "Declan Marwood"]),
                ("secondary", ["Declan Marwood", "Yusuf Adeyemi", "Declan Marwood", "Yusuf Adeyemi"])],
    "atr_b1": [("primary", ["Tomasz Lind", "Kasia Wrobel", "Tomasz Lind", "Kasia Wrobel"])],
    "avionics_b2": [("primary", ["Imran Qadir", "Marguerite Fenn", "Imran Qadir", "Marguerite Fenn"])],
    "aog_desk": [("primary", ["Harriet Oyelaran", "Rhys Pendleton", "Harriet Oyelaran", "Rhys Pendleton"])],
    "tech_services": [("primary", ["Selwyn Achebe", "Anjali Rao", "Selwyn Achebe", "Anjali Rao"])],
}  # fmt: skip
#: station -> shift leads: the shift before the one running now, it, the next
SHIFT_LEADS = {
    "TRH": ["Gideon Ashcombe", "Niamh Callister", "Bartosz Nowicki"],
    "HVZ": ["Lorcan Teague", "Efua Mensah", "Conall Byrne"],
    "QKE": ["Saoirse Lennox", "Priscilla Vane", "Saoirse Lennox"],
    "OWD": ["Tobiah Renshaw", "Hamish Dunlop", "Tobiah Renshaw"],
}
MOBILES = {
    "Ferdy Quaile": "+44 7700 900511", "Oriel Batchelor": "+44 7700 900527", "Sunniva Holt": "+44 7700 900534",
    "Yusuf Adeyemi": "+44 7700 900548", "Declan Marwood": "+44 7700 900563", "Tomasz Lind": "+44 7700 900572",
    "Kasia Wrobel": "+44 7700 900586", "Imran Qadir": "+44 7700 900591", "Marguerite Fenn": "+44 7700 900605",
    "Harriet Oyelaran": "+44 7700 900617", "Rhys Pendleton": "+44 7700 900624", "Selwyn Achebe": "+44 7700 900639",
    "Anjali Rao": "+44 7700 900643", "Gideon Ashcombe": "+44 7700 900658", "Niamh Callister": "+44 7700 900662",
    "Bartosz Nowicki": "+44 7700 900679", "Lorcan Teague": "+44 7700 900681", "Efua Mensah": "+44 7700 900696",
    "Conall Byrne": "+44 7700 900702", "Saoirse Lennox": "+44 7700 900715", "Priscilla Vane": "+44 7700 900723",
    "Tobiah Renshaw": "+44 7700 900738", "Hamish Dunlop": "+44 7700 900746",
}  # fmt: skip
#: doc, title, kind, body
DOCS = [
    ("LMP-05", "Bird strike: line inspection and release", "line maintenance procedure",
     "Any bird strike reported by the crew or found on the ground: inspect per AMM 05-51-14 before the next flight. "
     "Suspected engine ingestion (remains in the inlet, on the fan or the spinner, smell in the cabin, vibration or "
     "EGT change): inspect the fan blades, spinner and inlet, borescope the LPC and HPC stage 1, engine ground run; "
     "the aircraft is AOG until released by a B1. Tell MCC and tech services, raise a bird strike report (BS-) and an "
     "MOR within 72 hours if there is damage or ingestion. Watch the engine's EGT margin and vibration on ETM for the "
     "next 10 flights; tech services set any repeat borescope by engineering order."),
    ("LMP-11", "MEL deferral and rectification intervals", "line maintenance procedure",
     "Deferral only by a certifying engineer with the MEL item, placard and tech log entry; MCC informed. "
     "Rectification intervals: category A as stated in the MEL item's remarks; B 3 calendar days; C 10 calendar "
     "days; D 120 calendar days, excluding the day of discovery. One extension of a B or C item with CAMO approval; "
     "no extension of category A."),
    ("LMP-14", "AOG handling and escalation", "line maintenance procedure",
     "MCC duty declares the AOG and opens an AOG- record; the AOG desk sources parts (own stores, pool, OEM and "
     "vendor AOG lines); the station updates MCC every 2 hours; after 6 hours MCC escalates to the head of line "
     "maintenance and tech services; the OEM AOG desks are in the vendor contacts."),
    ("LMP-21", "Repeat defect control", "line maintenance procedure",
     "Three occurrences of the same ATA sub-chapter on one aircraft within 10 days or 15 sectors make a repeat defect "
     "(RD-): tech services own it. Before the next fix check what changed on that system before the defect started "
     "(component changes, modifications, programme changes). The same corrective action is not repeated a third "
     "time."),
    ("LMP-30", "Engine trend monitoring (ETM)", "line maintenance procedure",
     "ETM data are downloaded after every flight. Alert levels (CR-0410): EGT margin below 35 C on the LEAP-1A, ITT "
     "margin below 20 C on the PW127; oil consumption above 0.5 qt/hr. On an alert tech services (powerplant) review "
     "within 24 hours and may order a borescope; the OEM is consulted for a margin loss after a bird strike or FOD."),
    ("LMP-33", "APU inop dispatch", "line maintenance procedure",
     "MEL 49-10-01, category C. Engine start needs an air start unit (ASU): available at TRH, HVZ and QKE. BZY has "
     "no ASU: an APU-inop aircraft is not planned into BZY unless an ASU is arranged (rev 4, CR-0416). Ground power "
     "and pre-conditioned air from the stand."),
    ("LMP-40", "Engine oil servicing", "line maintenance procedure",
     "Check and service engine oil within 30 minutes of shutdown; record the uplift in quarts in the tech log; ETM "
     "computes consumption in qt/hr. Report an uplift above 2 qt on one engine to tech services."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE aircraft (reg TEXT PRIMARY KEY, fleet TEXT, type TEXT, msn INTEGER, engines TEXT, esn_1 TEXT,
                       esn_2 TEXT, delivered INTEGER, base TEXT, fh INTEGER, fc INTEGER, status TEXT, location TEXT,
                       since TEXT, since_epoch INTEGER, note TEXT);
CREATE TABLE ata_chapters (chapter INTEGER PRIMARY KEY, title TEXT);
CREATE TABLE tech_log (entry TEXT PRIMARY KEY, reg TEXT, opened TEXT, op_epoch INTEGER, station TEXT, ata TEXT,
                       chapter INTEGER, kind TEXT, reported_by TEXT, defect TEXT, action TEXT, status TEXT,
                       refs TEXT, closed TEXT);
CREATE TABLE deferrals (dd TEXT PRIMARY KEY, reg TEXT, tech_log TEXT, mel_item TEXT, chapter INTEGER,
                        description TEXT, category TEXT, raised TEXT, raised_epoch INTEGER, due TEXT,
                        due_epoch INTEGER, status TEXT, cleared TEXT, restrictions TEXT, raised_by TEXT);
CREATE TABLE aog (aog TEXT PRIMARY KEY, reg TEXT, station TEXT, ata TEXT, started TEXT, start_epoch INTEGER,
                  ended TEXT, end_epoch INTEGER, cause TEXT, parts TEXT, parts_eta TEXT, status TEXT,
                  engineer TEXT, notes TEXT);
CREATE TABLE removals (removal TEXT PRIMARY KEY, reg TEXT, removed TEXT, rem_epoch INTEGER, station TEXT, ata TEXT,
                       chapter INTEGER, part TEXT, position TEXT, pn_off TEXT, sn_off TEXT, pn_on TEXT, sn_on TEXT,
                       reason TEXT, tsi_fh INTEGER, tech_log TEXT, wp TEXT, unit_source TEXT);
CREATE TABLE work_packages (wp TEXT PRIMARY KEY, reg TEXT, station TEXT, kind TEXT, starts TEXT, start_epoch INTEGER,
                            ends TEXT, end_epoch INTEGER, status TEXT, lead TEXT, tasks TEXT);
CREATE TABLE engine_trend (reg TEXT, pos INTEGER, esn TEXT, flight TEXT, sector TEXT, takeoff TEXT, t_epoch INTEGER,
                           egt_margin_c REAL, oil_qt_hr REAL);
CREATE INDEX et_reg ON engine_trend (reg, pos, t_epoch);
CREATE TABLE apu (reg TEXT PRIMARY KEY, model TEXT, sn TEXT, apu_hours INTEGER, apu_starts INTEGER,
                  hours_since_shop_visit INTEGER, last_shop_visit TEXT, starts_30d INTEGER,
                  failed_starts_30d INTEGER, status TEXT, note TEXT);
CREATE TABLE bird_strikes (report TEXT PRIMARY KEY, reg TEXT, at_utc TEXT, at_epoch INTEGER, station TEXT,
                           phase TEXT, altitude_ft INTEGER, species TEXT, struck TEXT, ingestion TEXT, damage TEXT,
                           inspection TEXT, tech_log TEXT, mor TEXT);
CREATE TABLE checks (reg TEXT, check_type TEXT, interval TEXT, last_done TEXT, due_fh INTEGER, due_fc INTEGER,
                     due_date TEXT, due_epoch INTEGER, wp TEXT);
CREATE TABLE repeat_defects (rd TEXT PRIMARY KEY, reg TEXT, ata TEXT, title TEXT, occurrences INTEGER,
                             first_seen TEXT, first_epoch INTEGER, last_seen TEXT, status TEXT, owner TEXT,
                             entries TEXT, actions TEXT, closed TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shift_leads (station TEXT, shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER,
                          lead TEXT, mobile TEXT);
CREATE TABLE stations (code TEXT PRIMARY KEY, name TEXT, kind TEXT, hours_utc TEXT, engineers TEXT, mro TEXT,
                       ground_equipment TEXT, aog_kit TEXT, phone TEXT, notes TEXT);
CREATE TABLE vendor_cases (ref TEXT PRIMARY KEY, vendor TEXT, reg TEXT, subject TEXT, status TEXT, priority TEXT,
                           contact TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, covers TEXT, aog_phone TEXT, hours TEXT, contact TEXT,
                      escalation TEXT, contract TEXT);
CREATE TABLE changes (cr TEXT PRIMARY KEY, title TEXT, fleet TEXT, chapter INTEGER, kind TEXT, state TEXT,
                      raised TEXT, raised_epoch INTEGER, effective TEXT, eff_epoch INTEGER, approver TEXT, notes TEXT);
CREATE TABLE docs (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _engine_trend(now: datetime) -> list[tuple[Any, ...]]:
    """One row per engine per flight over 30 days, newest flight i = 0, stamped at the take-off."""
    esns = {a[0]: (a[5], a[6]) for a in AIRCRAFT}
    rows = []
    for reg, (every, first, phase, dests, off, egt1, egt2, oil1, oil2) in ETM.items():
        i = 0
        while first + every * i <= 30 * DAY - 30:
            m = first + every * i
            leg = i + phase
            pair = leg // 2
            dest = dests[(pair + off) % len(dests)]
            number = FLIGHT_BASE[dest] + 2 * (pair % 5) + 1
            sector, flight = (f"{dest}-TRH", f"THW{number + 1}") if leg % 2 == 0 else (f"TRH-{dest}", f"THW{number}")
            t = now - timedelta(minutes=m)
            for pos, (lo, hi), (olo, ohi) in ((1, egt1, oil1), (2, egt2, oil2)):
                egt = _between(lo, hi, f"{reg}{pos}egt", i)
                oil = _between(olo, ohi, f"{reg}{pos}oil", i, 2)
                if reg == "G-TRNC" and pos == 2 and i <= ONSET_FLIGHT:
                    wobble = 0 if i in (0, ONSET_FLIGHT) else 0.8 * noise("G-TRNC2drop", i) - 0.4
                    egt = round(EGT_NOW + (EGT_STEP - EGT_NOW) * i / ONSET_FLIGHT + wobble, 1)
                if reg == "G-TRNF" and pos == 1:  # creeping up from 0.22 to 0.40 over the 30 days
                    age = m / (30 * DAY)
                    wobble = 0 if i == 0 else 0.02 * noise("G-TRNF1oil", i) - 0.01
                    oil = round(0.40 - 0.18 * age + wobble, 2)
                rows.append((reg, pos, esns[reg][pos - 1], flight, sector, iso(t), int(t.timestamp()), egt, oil))
            i += 1
    return rows


def _checks(now: datetime) -> list[tuple[Any, ...]]:
    current = {a[0]: (a[8], a[9]) for a in AIRCRAFT}
    rows: list[tuple[Any, ...]] = []
    for reg, ((a_fh, a_fc, a_days, a_last, a_wp), (c_fh, c_days, c_last)) in CHECKS.items():
        fh, fc = current[reg]
        due = now + timedelta(days=a_days)
        rows.append((reg, "A-check", "750 FH / 750 FC / 120 days", f"{now - timedelta(days=a_last):%Y-%m-%d}",
                     fh + a_fh, fc + a_fc, f"{due:%Y-%m-%d}", int(due.timestamp()), a_wp))  # fmt: skip
        due = now + timedelta(days=c_days)
        rows.append((reg, "C-check", "7500 FH / 24 months", f"{now - timedelta(days=c_last):%Y-%m-%d}", fh + c_fh,
                     None, f"{due:%Y-%m-%d}", int(due.timestamp()), ""))  # fmt: skip
    return rows


def _shift_leads(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour shifts from 06:00 and 18:00 UTC: the one before the shift running now, it and the next."""
    start = now.replace(hour=6, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for station, people in SHIFT_LEADS.items():
        for j, person in enumerate(people):
            s = start + timedelta(hours=12 * (j - 1))
            e = s + timedelta(hours=12)
            rows.append((station, "day" if s.hour == 6 else "night", iso(s), int(s.timestamp()), iso(e),
                         int(e.timestamp()), person, MOBILES[person]))  # fmt: skip
    return rows


def _repeats(now: datetime) -> list[tuple[Any, ...]]:
    opened = {e[0]: e[2] for e in TECH_LOG}
    rows = []
    for rd, reg, ata, title, entries, status, owner, actions, closed in REPEATS:
        first, last = max(opened[e] for e in entries), min(opened[e] for e in entries)
        t = now - timedelta(minutes=first)
        rows.append((rd, reg, ata, title, len(entries), iso(t), int(t.timestamp()),
                     iso(now - timedelta(minutes=last)), status, owner, ", ".join(entries), actions,
                     None if closed is None else iso(now - timedelta(minutes=closed))))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    assert [e[0] for e in TECH_LOG] == sorted(e[0] for e in TECH_LOG)
    assert [e[2] for e in TECH_LOG] == sorted((e[2] for e in TECH_LOG), reverse=True)
    aircraft = []
    for reg, fleet, atype, msn, engines, esn1, esn2, delivered, fh, fc in AIRCRAFT:
        status, where, since, note = STATUS[reg]
        aircraft.append((reg, fleet, atype, msn, engines, esn1, esn2, delivered, "TRH", fh, fc, status, where,
                         ago(since), epoch(since), note))  # fmt: skip
    db.executemany("INSERT INTO aircraft VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", aircraft)
    db.executemany("INSERT INTO ata_chapters VALUES (?,?)", list(ATA.items()))
    db.executemany("INSERT INTO tech_log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(e, r, ago(m), epoch(m), s, a, int(a.split("-")[0]), k, by, d, act, st, refs, ago(c))
                    for e, r, m, s, a, k, by, d, act, st, refs, c in TECH_LOG])  # fmt: skip
    db.executemany("INSERT INTO deferrals VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(dd, r, tl, mel, int(mel.split("-")[0]), desc, cat, ago(rm), epoch(rm), ago(dm), epoch(dm),
                     "open" if cm is None else "cleared", ago(cm), restr, by)
                    for dd, r, tl, mel, desc, cat, rm, dm, cm, restr, by in DEFERRALS])  # fmt: skip
    db.executemany("INSERT INTO aog VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(a, r, s, ata, ago(sm), epoch(sm), ago(em), None if em is None else epoch(em), cause, parts,
                     ago(eta), st, eng, notes)
                    for a, r, s, ata, sm, em, cause, parts, eta, st, eng, notes in AOGS])  # fmt: skip
    db.executemany("INSERT INTO removals VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(rm, r, ago(m), epoch(m), s, a, int(a.split("-")[0]), *rest)
                    for rm, r, m, s, a, *rest in REMOVALS])  # fmt: skip
    db.executemany("INSERT INTO work_packages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(wp, r, s, k, ago(sm), epoch(sm), ago(em), epoch(em), st, lead, tasks)
                    for wp, r, s, k, sm, em, st, lead, tasks in WORK_PACKAGES])  # fmt: skip
    db.executemany("INSERT INTO engine_trend VALUES (?,?,?,?,?,?,?,?,?)", _engine_trend(now))
    db.executemany("INSERT INTO apu VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(r, model, sn, h, st, hsv, None if shop is None else f"{now - timedelta(days=shop):%Y-%m-%d}",
                     s30, f30, status, note)
                    for r, (model, sn, h, st, hsv, shop, s30, f30, status, note) in APUS.items()])  # fmt: skip
    db.executemany("INSERT INTO bird_strikes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(b, r, ago(m), epoch(m), *rest) for b, r, m, *rest in BIRD_STRIKES])  # fmt: skip
    db.executemany("INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?)", _checks(now))
    db.executemany("INSERT INTO repeat_defects VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _repeats(now))
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 7))
    db.executemany("INSERT INTO shift_leads VALUES (?,?,?,?,?,?,?,?)", _shift_leads(now))
    db.executemany("INSERT INTO stations VALUES (?,?,?,?,?,?,?,?,?,?)", STATIONS)
    db.executemany("INSERT INTO vendor_cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), c[10]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(cr, t, f, ch, k, st, ago(rm), epoch(rm), ago(em), None if em is None else epoch(em), ap, n)
                    for cr, t, f, ch, k, st, rm, em, ap, n in CHANGES])  # fmt: skip
    db.executemany("INSERT INTO docs VALUES (?,?,?,?)", DOCS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Tarnhollow Air line maintenance and technical operations: fleet, tech log, MEL, AOG, ETM, checks"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
