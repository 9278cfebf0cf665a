"""An eighteenth estate, held out from the planner's tuning: the clinical engineering (EBME) operations of a hospital
(Ashcombe Royal Infirmary, 172 medical devices in 11 areas): infusion pumps on a device integration server, an alarm
management system, MRI magnet monitoring, medical gas pipeline pressures, planned preventive maintenance, field
safety notices, real-time location tags, EBME jobs, change requests, incident reports and vendor service requests.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
locations are ``L2.ICU-B`` (level, dot, area) with zones ``L2.ICU-B/BED-07``; asset tags ``CE-004123`` (six digits,
zero-padded); device classes ``IP-VOL``, ``IP-SYR``, ``PM``, ``VENT``, ``DEFIB``, ``ANAES``, ``MRI``; models ``Infusa
VP7``, ``Vitara M12``, ``Aerion V600``, ``Pulsar D5``, ``Magnora 1.5T`` (MRI scanners ``MR1`` / ``MR2``); alarm codes
``OCC-DN``, ``LEADS-OFF``; medical gas area alarm panels ``AAP-2/ICU`` (dash and slash); EBME jobs ``EJ26.01873``
(year, dot, five digits); change requests ``CR 26/117`` (space and slash); field safety notices ``FSN-MED-26-009``;
incident reports ``IR-48213``; vendor service requests ``SR 7741-0932``; procedures ``CEP-022``, ``POL.MGPS.03`` and
``IFU VP7 7.3``; firmware versions ``4.2.0``; the occlusion pressure profile ``ICU-OCC-L5``; people are named in full
(``Tariq Anwar``). Windows come as RFC 3339 timestamps (``from_ts`` / ``to_ts``, ``since``), ISO dates
(``from_date`` / ``to_date``, ``due_by``), an integer enum ``span_hours``, ``days`` and ``hours``; two APIs require a
unit (an MRI scanner, a gas panel), one an asset tag; two look up one record by id (an alarm code, a vendor service
request), one searches free text (procedures); one is narrow (panel, gas, pressure_kpa, ts).
:mod:`tests.ops_eval.eighteenth_apis` defines them.

The story (minutes before the estate is built, minute-aligned):

- over 30 days: MR1's helium level falls from 82.4% to 72.0% (about 0.36% a day; refill below 70%) while its cold
  head 2nd stage warms from 4.2 to 4.8 K; MR2 holds 91.3-91.4%: SR 7741-0911 with Magnora (Grace Whitlow),
  cold head replacement and helium fill EJ26.01862 booked in 2 days: a slow trend;
- this week: FSN-MED-26-009 (Pulsar D5 battery packs): 3 of 5 defibrillators done, CE-002203 (ED majors) and
  CE-002208 (ward 17) outstanding; FSN-MED-26-004 (Aerion V600 software, CR 26/112 at T-3d) outstanding only on
  CE-003314, a ventilator nobody can find (RTLS last seen in the ED resus dirty utility at T-52h, EJ26.01875);
  seven PPMs overdue (three on L4.W17); T-49h the level 2 oxygen pipeline pressure dips to 352 kPa (O2-LOW on
  AAP-2/ICU for 75 minutes), the riser regulator is replaced (CR 26/120, T-47h); a W18 monitor is in the workshop;
- T-26h CR 26/115 pushes drug library ICU-ADULT v39 to both ICUs; T-200m CR 26/117 (Bogdan Ilic, EJ26.01870)
  upgrades the 16 Infusa VP7 pumps of L2.ICU-B from firmware 4.1.2 to 4.2.0 over the air (pilot ward); 4.2.0
  reverts the downstream occlusion level from the site profile ICU-OCC-L5 to the factory default L2;
- from T-168m (the onset, the first OCC-DN) ICU-B's pumps raise downstream occlusion alarms: per 15-minute bucket
  1, 3, 4, 6, 7, 8, 9 (the peak, T-90m .. T-75m), 7, 8, 6, 7, 5: 71 in all, CE-004123 (bed 7) 14 of them, while
  ICU-A (still on 4.1.2, level L5) has 2; three ICU-B pumps alarm now (CE-004123, CE-004119, CE-004127);
  T-118m IR-48213 (bed 7, noradrenaline interrupted, low harm), T-104m EJ26.01873 (Tariq Anwar: 4.2.0 pumps at L2,
  ICU-A at L5), T-70m SR 7741-0932 (Infusa, Nadia Petrov: known issue, re-push the profile or roll back), T-46m
  IR-48222 (bed 3), T-35m emergency CR 26/121 to re-apply ICU-OCC-L5, approved, planned T+20m;
- red herrings: CR 26/119 patches the wireless controller WLC-02 at T-93m (COMMS-LOST on 29 pumps across five
  areas for 2-3 minutes, after the onset); CR 26/115's drug library a day before; CR 26/112's ventilator software.

No API reports patients (names, NHS numbers), drug stock or pharmacy, staff rotas or on-call, costs and contracts,
liquid oxygen tank levels, decontamination, bed occupancy or infusion volumes delivered; there is no CE-004199, no
ward 21 (L4.W21), no MR3 and no SR 7741-0999; alarms and gas pressures are kept 7 days, magnet readings 30 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.eighteenth_apis import APIS
from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "ashcombe_ebme"
DAY, H = 1440, 60
ALARM_DAYS, GAS_DAYS, MAGNET_DAYS = 7, 7, 30
ONSET, UPGRADE_AT, WLC_AT = 168, 200, 93  # minutes ago

#: code, name, level, beds or bays, specialty, nurse in charge extension
LOCATIONS = [
    ("L1.ED-MAJ", "Emergency Department, majors", 1, 24, "emergency medicine", "x4101"),
    ("L1.ED-RESUS", "Emergency Department, resuscitation", 1, 6, "emergency medicine", "x4105"),
    ("L2.ICU-A", "Intensive Care Unit A", 2, 12, "critical care", "x4210"),
    ("L2.ICU-B", "Intensive Care Unit B", 2, 12, "critical care", "x4220"),
    ("L3.THR-04", "Theatre 4", 3, 1, "general surgery", "x4304"),
    ("L3.THR-05", "Theatre 5", 3, 1, "orthopaedics", "x4305"),
    ("L4.W17", "Ward 17 (respiratory)", 4, 28, "respiratory medicine", "x4417"),
    ("L4.W18", "Ward 18 (cardiology)", 4, 24, "cardiology", "x4418"),
    ("B0.RAD-MR1", "Radiology, MRI 1", 0, 1, "radiology", "x4031"),
    ("B0.RAD-MR2", "Radiology, MRI 2", 0, 1, "radiology", "x4032"),
    ("B0.EBME-WS", "EBME workshop", 0, 0, "clinical engineering", "x4090"),
]
#: class, manufacturer, model, first tag number, risk, commissioned, [(location, count), ...]
FLEET = [
    ("IP-VOL", "Infusa Medical", "Infusa VP7", 4101, "high", 2021,
     [("L2.ICU-A", 16), ("L2.ICU-B", 16), ("L1.ED-RESUS", 6), ("L1.ED-MAJ", 8), ("L4.W17", 10), ("L4.W18", 10),
      ("L3.THR-04", 2), ("L3.THR-05", 2), ("B0.EBME-WS", 3)]),
    ("IP-SYR", "Infusa Medical", "Infusa SP3", 4301, "high", 2021,
     [("L2.ICU-A", 10), ("L2.ICU-B", 10), ("L3.THR-04", 3), ("L3.THR-05", 3), ("L1.ED-RESUS", 4)]),
    ("PM", "Vitara Systems", "Vitara M12", 5101, "high", 2019,
     [("L2.ICU-A", 12), ("L2.ICU-B", 12), ("L1.ED-RESUS", 6), ("L3.THR-04", 2), ("L3.THR-05", 2), ("L4.W18", 8)]),
    ("VENT", "Aerion Medical", "Aerion V600", 3301, "high", 2020,
     [("L2.ICU-A", 6), ("L2.ICU-B", 6), ("L1.ED-RESUS", 2)]),
    ("DEFIB", "Pulsar Medical", "Pulsar D5", 2201, "high", 2022,
     [("L1.ED-RESUS", 2), ("L1.ED-MAJ", 1), ("L2.ICU-A", 1), ("L2.ICU-B", 1), ("L3.THR-04", 1), ("L3.THR-05", 1),
      ("L4.W17", 1), ("L4.W18", 1)]),
    ("ANAES", "Anestra", "Anestra A7", 1801, "high", 2018, [("L3.THR-04", 1), ("L3.THR-05", 1)]),
]  # fmt: skip
#: the two MRI scanners: asset, model, location, scanner
MRIS = [("CE-000912", "Magnora 1.5T", "B0.RAD-MR1", "MR1"), ("CE-000913", "Magnora 3T", "B0.RAD-MR2", "MR2")]
ICU_B_VP7 = [f"CE-00{n}" for n in range(4117, 4133)]
ALARMING = {3: "CE-004123", 7: "CE-004119", 11: "CE-004127"}  # minutes ago -> pump, still active
#: ICU-B OCC-DN alarms per 15-minute bucket k (raised k*15 .. k*15+14 minutes ago), from the onset
OCC_BUCKETS = {11: 1, 10: 3, 9: 4, 8: 6, 7: 7, 6: 8, 5: 9, 4: 7, 3: 8, 2: 6, 1: 7, 0: 5}
#: how many of the 71 each ICU-B pump raised (the others: 3 each, CE-004130 and CE-004132: 2)
OCC_PER_PUMP = {"CE-004123": 14, "CE-004119": 11, "CE-004127": 9}
#: OCC-DN elsewhere (minutes ago, asset): ordinary line problems
OCC_OTHER = [(131, "CE-004108"), (47, "CE-004103"), (1250, "CE-004111"), (3310, "CE-004105"), (6020, "CE-004114"),
             (2230, "CE-004150"), (4410, "CE-004155"), (5105, "CE-004160"), (3750, "CE-004144")]  # fmt: skip
#: pumps on MED-IOT that lost DIS-01 during the WLC-02 patch (CR 26/119), per location
COMMS_LOST = {"L2.ICU-A": 9, "L2.ICU-B": 8, "L4.W17": 4, "L4.W18": 5, "L1.ED-MAJ": 3}
#: background alarm rate (per hour) per location
RATES = {"L2.ICU-A": 1.5, "L2.ICU-B": 1.5, "L1.ED-RESUS": 1.2, "L1.ED-MAJ": 1.0, "L4.W17": 0.8, "L4.W18": 0.9,
         "L3.THR-04": 0.4, "L3.THR-05": 0.4}  # fmt: skip
#: background codes per class
CLASS_CODES = {
    "IP-VOL": ["OCC-UP", "AIL", "END-INF", "BATT-LOW", "DERS-SOFT"],
    "IP-SYR": ["END-INF", "NEAR-EMPTY", "DERS-SOFT"],
    "PM": ["LEADS-OFF", "SPO2-PROBE-OFF", "HR-HIGH", "NIBP-FAIL"],
    "VENT": ["PAW-HIGH", "LEAK-HIGH", "MINVOL-LOW"],
    "ANAES": ["AGENT-LOW", "FGF-LOW"],
}
#: code, model, text, priority, meaning, action
ALARM_CODES = [
    ("OCC-DN", "Infusa VP7", "Downstream occlusion", "high",
     "line pressure below the pump rose above the set downstream occlusion level (L1 lowest .. L9; the site profile "
     "ICU-OCC-L5 sets level 5 on ICU, wards use L4; factory default L2); the infusion stops",
     "check the line below the pump: closed clamps, three-way taps, kinked or trapped lines, cannula; if many pumps "
     "on one ward alarm at once, check the occlusion level against the site profile (CEP-014)"),
    ("OCC-UP", "Infusa VP7", "Upstream occlusion", "high", "no flow from the bag: closed roller clamp or empty bag",
     "open the clamp, check the bag and spike"),
    ("AIL", "Infusa VP7", "Air in line", "high", "air bubble above the size limit at the downstream sensor",
     "remove the air as trained, re-prime if needed"),
    ("END-INF", "Infusa VP7, Infusa SP3", "Infusion complete", "low", "volume to be infused reached; KVO running",
     "replace the bag or syringe or stop"),
    ("BATT-LOW", "Infusa VP7", "Battery low", "medium", "about 30 minutes of battery left", "connect to mains"),
    ("DERS-SOFT", "Infusa VP7, Infusa SP3", "Dose error reduction: soft limit", "medium",
     "the programmed rate is outside the drug library's soft limit", "confirm or re-program"),
    ("NEAR-EMPTY", "Infusa SP3", "Syringe near empty", "medium", "5 minutes left", "prepare the next syringe"),
    ("COMMS-LOST", "Infusa VP7, Infusa SP3", "DIS-01 connection lost", "low",
     "the pump lost its Wi-Fi (MED-IOT) connection to the device integration server; it keeps infusing",
     "none at the bedside; clinical IT if it lasts more than 15 minutes"),
    ("LEADS-OFF", "Vitara M12", "ECG leads off", "medium", "one or more ECG electrodes disconnected",
     "check the electrodes"),
    ("SPO2-PROBE-OFF", "Vitara M12", "SpO2 probe off", "medium", "no pulse signal", "re-site the probe"),
    ("HR-HIGH", "Vitara M12", "Heart rate high", "high", "heart rate above the upper limit", "assess the patient"),
    ("NIBP-FAIL", "Vitara M12", "NIBP measurement failed", "low", "cuff could not measure", "check the cuff and hose"),
    ("PAW-HIGH", "Aerion V600", "Airway pressure high", "high", "peak airway pressure above the limit",
     "check the patient and the circuit"),
    ("LEAK-HIGH", "Aerion V600", "Leak high", "medium", "circuit or cuff leak above 30%", "check the circuit"),
    ("MINVOL-LOW", "Aerion V600", "Minute volume low", "high", "expired minute volume below the limit",
     "assess the patient"),
    ("AGENT-LOW", "Anestra A7", "Anaesthetic agent low", "medium", "vaporiser agent level low", "refill"),
    ("FGF-LOW", "Anestra A7", "Fresh gas flow low", "low", "fresh gas flow below the minimum", "check the flow"),
    ("O2-LOW", "area alarm panel", "Oxygen pipeline pressure low", "high",
     "O2 pipeline pressure below 355 kPa (normal 400-420 kPa)",
     "estates (medical gases AP) to attend at once; clinical areas prepare cylinders (POL.MGPS.03)"),
]  # fmt: skip
#: asset -> days overdue (PPM)
OVERDUE = {"CE-004149": 23, "CE-004153": 9, "CE-002208": 41, "CE-004141": 5, "CE-002203": 14, "CE-003314": 3,
           "CE-001802": 2}  # fmt: skip
PPM_INTERVAL = {"IP-VOL": 365, "IP-SYR": 365, "PM": 365, "VENT": 182, "DEFIB": 182, "ANAES": 182, "MRI": 182}
MISSING_VENT, MISSING_SEEN = "CE-003314", 52 * H
WORKSHOP_MONITOR = "CE-005138"
#: fsn, manufacturer, model, issue, action, status, issued and deadline (days ago; negative: ahead)
FSNS = [
    ("FSN-MED-25-031", "Infusa Medical", "Infusa VP7", "door latch may crack after repeated cleaning",
     "inspect the latch, replace if cracked", "closed", 70, 10),
    ("FSN-MED-26-004", "Aerion Medical", "Aerion V600", "software 2.8.x: O2 sensor calibration may drift",
     "update the software to 2.9.0", "open", 20, 2),
    ("FSN-MED-26-009", "Pulsar Medical", "Pulsar D5",
     "battery pack lot BP-2231 may not reach full charge: risk of no shock after long standby",
     "replace the battery pack with lot BP-2407", "open", 12, -6),
]  # fmt: skip
#: fsn, asset, action status, actioned (minutes ago; None: outstanding), by
FSN_ASSETS = [
    *[("FSN-MED-25-031", f"CE-00{n}", "done", 40 * DAY - 60 * i, "Marcus Oduya")
      for i, n in enumerate((4147, 4148, 4149, 4150, 4157, 4158, 4159, 4160))],
    *[("FSN-MED-26-004", f"CE-00{n}", "done", 4330 - 3 * i, "Bogdan Ilic") for i, n in enumerate(range(3301, 3314))],
    ("FSN-MED-26-004", MISSING_VENT, "outstanding", None, None),
    ("FSN-MED-26-009", "CE-002201", "done", 9 * DAY, "Ruth Penhaligon"),
    ("FSN-MED-26-009", "CE-002203", "outstanding", None, None),
    ("FSN-MED-26-009", "CE-002205", "done", 5 * DAY, "Ruth Penhaligon"),
    ("FSN-MED-26-009", "CE-002208", "outstanding", None, None),
    ("FSN-MED-26-009", "CE-002209", "done", 2 * DAY, "Ruth Penhaligon"),
]  # fmt: skip
#: cr, title, scope, category, status, raised by, implemented by, approved by, raised, planned, implemented
#: (minutes ago; negative: ahead; None: not yet), backout, notes
CHANGES = [
    ("CR 26/109", "Vitara central station CS-W18 software 7.1.3 -> 7.1.4", "L4.W18 central station", "software",
     "implemented", "Femi Adeyemi", "Femi Adeyemi", "CAB", 9 * DAY, 6 * DAY, 6 * DAY, "reinstall 7.1.3",
     "security fixes; all 8 monitors reconnected"),
    ("CR 26/112", "Aerion V600 software 2.8.1 -> 2.9.0 (FSN-MED-26-004)", "ventilators, ICU-A, ICU-B, ED resus",
     "firmware", "implemented", "Bogdan Ilic", "Bogdan Ilic", "CAB", 8 * DAY, 4340, 4330, "software 2.8.1",
     "13 of 14 updated; CE-003314 not found (EJ26.01875)"),
    ("CR 26/115", "Drug library ICU-ADULT v38 -> v39 (noradrenaline 16 mg/50 mL added)", "pumps, L2.ICU-A, L2.ICU-B",
     "drug_library", "implemented", "Joanne Keel (pharmacy)", "Joanne Keel (pharmacy) with EBME",
     "Medication Safety Group", 6 * DAY, 1560, 1560, "re-publish v38 from DIS-01",
     "pumps load the library at next standby; no occlusion settings in the library"),
    ("CR 26/120", "Level 2 riser O2 line pressure regulator LPR-2 replaced", "medical gases, level 2 (AAP-2/ICU)",
     "estates", "implemented", "Liam Costigan (estates)", "Liam Costigan (estates)", "AP medical gases (emergency)",
     2880, 2820, 2820, "n/a", "after the O2 low pressure alarm at T-49h; pressures normal since"),
    ("CR 26/117", "Infusa VP7 firmware 4.1.2 -> 4.2.0, pilot on L2.ICU-B (16 pumps)", "Infusa VP7, L2.ICU-B",
     "firmware", "implemented", "Bogdan Ilic", "Bogdan Ilic", "CAB", 2 * DAY, UPGRADE_AT, UPGRADE_AT,
     "roll back to 4.1.2 from DIS-01", "pushed over the air from DIS-01, 25 minutes; fleet rollout after a 48-hour "
     "pilot (EJ26.01870)"),
    ("CR 26/119", "WLC-02 wireless controller patch 8.10.185 -> 8.10.196", "MED-IOT Wi-Fi, all areas", "network",
     "implemented", "Femi Adeyemi", "Femi Adeyemi", "CAB", 3 * DAY, WLC_AT, WLC_AT, "reinstall 8.10.185",
     "access points restart: devices on MED-IOT reconnect within about 3 minutes"),
    ("CR 26/121", "Emergency: re-apply occlusion profile ICU-OCC-L5 to the L2.ICU-B VP7 pumps", "Infusa VP7, L2.ICU-B",
     "config", "approved", "Tariq Anwar", None, "E-CAB (Dr Anjali Rao, Helen Strachan)", 35, -20, None,
     "roll back to 4.1.2", "SR 7741-0932; pumps take the profile at next standby, ward informed"),
]  # fmt: skip
#: job, asset, location, type, status, engineer, created, planned start, closed (minutes ago; negative: ahead;
#: None: not set), summary, notes
JOBS = [
    ("EJ26.01851", "CE-005140", "L4.W18", "breakdown", "closed", "Marcus Oduya", 8 * DAY, None, 7 * DAY,
     "NIBP measurement fails", "cuff hose replaced, tested"),
    ("EJ26.01858", WORKSHOP_MONITOR, "L4.W18", "breakdown", "in_workshop", "Marcus Oduya", 5770, None, None,
     "display flickers", "display cable ordered; loan monitor CE-005134 issued"),
    ("EJ26.01862", "CE-000912", "B0.RAD-MR1", "vendor", "scheduled", "Grace Whitlow (Magnora) with Helen Strachan",
     6 * DAY, -2 * DAY, None, "MR1 cold head replacement and helium fill (SR 7741-0911)",
     "helium falling about 0.36% a day; 300 L helium fill; scanner down for about 8 hours"),
    ("EJ26.01866", "CE-002201, CE-002203, CE-002205, CE-002208, CE-002209", "several", "fsn", "open",
     "Ruth Penhaligon", 3 * DAY + 100, None, None, "FSN-MED-26-009 battery pack swaps, Pulsar D5",
     "3 of 5 done; CE-002203 (ED majors) and CE-002208 (ward 17) outstanding: the areas could not release them"),
    ("EJ26.01868", "CE-004149, CE-004153, CE-002208", "L4.W17", "ppm", "scheduled", "Sinead Galloway", 2 * DAY,
     -DAY, None, "PPM batch: ward 17 overdue devices", "ward agreed to release the devices tomorrow"),
    ("EJ26.01869", "CE-004171, CE-004172, CE-004173", "B0.EBME-WS", "acceptance", "closed", "Marcus Oduya", 540,
     None, 360, "acceptance tests, three new Infusa VP7 pumps", "passed; firmware 4.1.2; held in the workshop"),
    ("EJ26.01870", "16 Infusa VP7 pumps", "L2.ICU-B", "upgrade", "closed", "Bogdan Ilic", 215, None, 172,
     "firmware 4.2.0 upgrade, ICU-B VP7 pumps (CR 26/117)",
     "16/16 pumps updated over the air from DIS-01; post-update check: pumps boot, drug library ICU-ADULT v39 "
     "present, DIS-01 connected"),
    ("EJ26.01873", "CE-004123 and other ICU-B VP7 pumps", "L2.ICU-B", "breakdown", "open", "Tariq Anwar", 104,
     None, None, "repeated downstream occlusion alarms on many ICU-B pumps",
     "lines, sets and taps checked at beds 3, 7 and 11: no fault; the pumps upgraded to 4.2.0 show downstream "
     "occlusion level L2 (factory default) where ICU-A's pumps on 4.1.2 keep ICU-OCC-L5 (level 5); SR 7741-0932 "
     "raised with Infusa; CR 26/121 raised to re-apply the profile"),
    ("EJ26.01875", MISSING_VENT, "L1.ED-RESUS", "ppm", "open", "Sinead Galloway", 30 * H, None, None,
     "PPM and FSN-MED-26-004 update: ventilator not found",
     "not in ED resus; RTLS last saw it in the ED resus dirty utility 2 days ago, tag battery low; ED nurse in "
     "charge asked to look"),
]  # fmt: skip
#: ir, reported (minutes ago), location, asset, category, harm, summary, reporter, handler, status
INCIDENTS = [
    ("IR-48190", 4370, "L1.ED-RESUS", "CE-002201", "device check", "none",
     "defibrillator pads found out of date at the daily check; replaced", "Owen Bright", "Helen Strachan", "closed"),
    ("IR-48198", 2950, "L2.ICU-A", "CE-003302", "device use", "none",
     "ventilator circuit disconnected during a turn; alarm worked, reconnected", "Maria Santos", "Helen Strachan",
     "closed"),
    ("IR-48207", 1210, "L4.W18", "CE-005139", "alarm", "none",
     "ECG leads-off alarm not heard at the nurses' station for several minutes", "Aoife Kenny", "Helen Strachan",
     "under review"),
    ("IR-48213", 118, "L2.ICU-B", "CE-004123", "infusion", "low",
     "bed 7: noradrenaline infusion interrupted by repeated downstream occlusion alarms, blood pressure dropped, "
     "restored after a line change", "Kerry Mawdsley", "Helen Strachan", "open"),
    ("IR-48222", 46, "L2.ICU-B", "CE-004119", "infusion", "none",
     "bed 3: propofol infusion paused about 6 minutes by repeated occlusion alarms", "Kerry Mawdsley",
     "Helen Strachan", "open"),
]  # fmt: skip
#: sr, vendor, asset, subject, status, priority, vendor engineer, opened and updated (minutes ago), latest response
CASES = [
    ("SR 7741-0875", "Aerion Medical", "Aerion V600 fleet", "FSN-MED-26-004 software 2.9.0 update", "closed",
     "medium", "Piotr Nowak", 18 * DAY, 3 * DAY, "2.9.0 installed on 13 ventilators; one outstanding at the site"),
    ("SR 7741-0911", "Magnora", "CE-000912 (MR1)", "MR1 helium boil-off: cold head performance", "awaiting_parts",
     "high", "Grace Whitlow", 9 * DAY, 2 * DAY,
     "cold head worn (2nd stage above 4.5 K); replacement cold head and 300 L helium fill booked (EJ26.01862); keep "
     "scanning while helium stays above 65%"),
    ("SR 7741-0932", "Infusa Medical", "Infusa VP7, L2.ICU-B", "Repeated downstream occlusion alarms after firmware "
     "4.2.0", "open", "urgent", "Nadia Petrov", 70, 38,
     "known issue KI-420-07: firmware 4.2.0 reverts the downstream occlusion profile to the factory default L2 at "
     "first boot; re-push the site profile ICU-OCC-L5 from DIS-01 (taken at next standby) or roll back to 4.1.2; "
     "fixed in 4.2.1; hold the fleet rollout"),
]  # fmt: skip
KB = [
    ("CEP-014", "Repeated occlusion alarms on infusion pumps",
     "Check the line first: closed clamps, three-way taps, kinked or trapped extension sets, in-line filters and the "
     "cannula. If many pumps on one ward alarm at once, suspect configuration (the downstream occlusion level "
     "against the ward's site profile) or a faulty lot of administration sets: compare with another ward, "
     "quarantine the sets and raise an EBME job."),
    ("CEP-022", "Infusion pump firmware updates",
     "Pilot a new firmware on one ward for 48 hours before the fleet. After the update and before releasing the "
     "pumps check the site configuration profile on every pump: downstream occlusion level (ICU-OCC-L5 on ICU, "
     "WARD-OCC-L4 on wards), drug library and DIS-01 connection. If an update changed the profile, re-push it from "
     "DIS-01 (pumps take it at next standby) or roll back to the previous firmware, and report to the vendor."),
    ("CEP-031", "MRI magnet helium monitoring",
     "Record the helium level, vessel pressure and cold head temperature daily. Helium falling more than 0.1% a day "
     "or a cold head 2nd stage above 4.5 K: open a vendor case. Refill below 70%; below 65% stop scanning and call "
     "the vendor. Never block the quench pipe."),
    ("CEP-040", "Missing equipment",
     "Look the asset up in RTLS; search the last zone and the dirty utilities; ask the nurse in charge; after 7 days "
     "report it lost (incident report) and withdraw it from the register."),
    ("POL.MED.11", "Field safety notices",
     "Action every FSN by its deadline; record each affected asset as done; areas must release devices for FSN work "
     "within 48 hours; outstanding actions past the deadline go to the Medical Devices Group."),
    ("POL.MGPS.03", "Medical gas pipeline alarms",
     "Oxygen normal 400-420 kPa at the area alarm panels; low alarm below 355 kPa, high above 480 kPa. On a low "
     "alarm estates (the medical gases authorised person) attend at once and clinical areas prepare oxygen "
     "cylinders."),
    ("IFU VP7 7.3", "Infusa VP7 instructions for use, 7.3 occlusion pressure levels",
     "Downstream occlusion levels L1 (most sensitive, about 150 mmHg) to L9 (about 900 mmHg); factory default L2. "
     "Levels are set by the site profile from DIS-01 or locally by EBME."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE locations (code TEXT PRIMARY KEY, name TEXT, level INTEGER, beds INTEGER, specialty TEXT, ext TEXT);
CREATE TABLE devices (asset TEXT PRIMARY KEY, class TEXT, manufacturer TEXT, model TEXT, serial TEXT, location TEXT,
                      risk TEXT, commissioned INTEGER);
CREATE TABLE pumps (asset TEXT PRIMARY KEY, model TEXT, location TEXT, zone TEXT, state TEXT, active_alarm TEXT,
                    firmware TEXT, drug_library TEXT, occlusion_level TEXT, battery_pct INTEGER, last_comms TEXT);
CREATE TABLE alarms (alarm_id INTEGER PRIMARY KEY, asset TEXT, location TEXT, code TEXT, text TEXT, priority TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT, bucket_start TEXT);
CREATE INDEX alarms_raised ON alarms (raised_epoch);
CREATE TABLE alarm_codes (code TEXT, model TEXT, text TEXT, priority TEXT, meaning TEXT, action TEXT);
CREATE TABLE magnet (scanner TEXT, measured_at TEXT, measured_epoch INTEGER, helium_level_pct REAL,
                     vessel_pressure_psi REAL, coldhead_2nd_stage_k REAL, compressor TEXT);
CREATE TABLE medgas (panel TEXT, gas TEXT, pressure_kpa REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX medgas_panel ON medgas (panel, ts_epoch);
CREATE TABLE ppm (asset TEXT PRIMARY KEY, class TEXT, model TEXT, location TEXT, last_ppm TEXT, interval_days INTEGER,
                  due TEXT, status TEXT, days_overdue INTEGER);
CREATE TABLE jobs (job TEXT PRIMARY KEY, asset TEXT, location TEXT, type TEXT, status TEXT, engineer TEXT,
                   created TEXT, planned_start TEXT, closed TEXT, summary TEXT, notes TEXT);
CREATE TABLE changes (cr TEXT PRIMARY KEY, title TEXT, scope TEXT, category TEXT, status TEXT, raised_by TEXT,
                      implemented_by TEXT, approved_by TEXT, raised_epoch INTEGER, planned TEXT, implemented TEXT,
                      implemented_epoch INTEGER, backout TEXT, notes TEXT);
CREATE TABLE fsn (fsn TEXT PRIMARY KEY, manufacturer TEXT, model TEXT, issue TEXT, action TEXT, status TEXT,
                  issued TEXT, deadline TEXT);
CREATE TABLE fsn_assets (fsn TEXT, asset TEXT, location TEXT, action_status TEXT, actioned_at TEXT,
                         actioned_by TEXT);
CREATE TABLE rtls (asset TEXT PRIMARY KEY, tag TEXT, zone TEXT, last_seen TEXT, tag_battery TEXT);
CREATE TABLE incidents (ir TEXT PRIMARY KEY, reported TEXT, reported_epoch INTEGER, location TEXT, asset TEXT,
                        category TEXT, harm TEXT, summary TEXT, reporter TEXT, handler TEXT, status TEXT);
CREATE TABLE vendor_cases (sr TEXT PRIMARY KEY, vendor TEXT, asset TEXT, subject TEXT, status TEXT, priority TEXT,
                           vendor_engineer TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _devices() -> list[tuple[str, str, str, str, str, str, int]]:
    """asset, class, manufacturer, model, location, risk, commissioned: the fleet, numbered per class."""
    rows = []
    for cls, maker, model, first, risk, year, spread in FLEET:
        n = first
        for loc, count in spread:
            for _ in range(count):
                rows.append((f"CE-00{n}", cls, maker, model, loc, risk, year))
                n += 1
    rows += [(asset, "MRI", "Magnora", model, loc, "high", 2016 + i) for i, (asset, model, loc, _s) in
             enumerate(MRIS)]  # fmt: skip
    return rows


def _zone(asset: str, loc: str, index: int) -> str:
    """Where a device sits in its area: a bed on ICU, a bay on the wards, a room elsewhere."""
    if loc.startswith("L2.ICU"):
        return f"{loc}/BED-{index % 12 + 1:02d}"
    if loc.startswith("L4.") or loc == "L1.ED-MAJ":
        return f"{loc}/BAY-{index % 4 + 1}"
    if loc == "L1.ED-RESUS":
        return f"{loc}/RESUS-{index % 6 + 1}"
    if loc == "B0.EBME-WS":
        return f"{loc}/BENCH-{index % 3 + 1}"
    return f"{loc}/ROOM"


def _occ_icu_b() -> list[tuple[int, str]]:
    """ICU-B's OCC-DN alarms after the onset: (minutes ago, pump), oldest first."""
    offsets = [3, 5, 7, 9, 11, 1, 4, 6, 8, 10, 12, 2]  # within a bucket: never 0, 13 or 14 (stable bucket and window)
    times = sorted((15 * k + offsets[i] for k, n in OCC_BUCKETS.items() for i in range(n)), reverse=True)
    assert times[0] == ONSET
    pinned = {ONSET: "CE-004123", **ALARMING}
    pool: list[str] = []
    for pump in ICU_B_VP7:
        count = OCC_PER_PUMP.get(pump, 2 if pump in ("CE-004130", "CE-004132") else 3)
        pool += [pump] * (count - sum(1 for p in pinned.values() if p == pump))
    free = [m for m in times if m not in pinned]
    assert len(pool) == len(free), (len(pool), len(free))
    order = sorted(range(len(pool)), key=lambda i: noise("occpick", i))
    assigned = dict(zip(free, (pool[i] for i in order), strict=True))
    return sorted({**assigned, **pinned}.items(), key=lambda x: -x[0])


def _alarms(devices: list[tuple[str, str, str, str, str, str, int]]) -> list[tuple[Any, ...]]:
    """(asset, location, code, raised, cleared) in minutes ago (cleared None: active), for 7 days."""
    text = {c[0]: c for c in ALARM_CODES}
    by_loc: dict[str, list[tuple[str, str]]] = {}
    for asset, cls, _mk, _model, loc, _r, _y in devices:
        if cls in CLASS_CODES and loc in RATES:
            by_loc.setdefault(loc, []).append((asset, cls))
    out: list[tuple[Any, ...]] = []
    for loc, rate in RATES.items():
        assets = by_loc[loc]
        for h in range(ALARM_DAYS * 24):
            n = int(2 * rate * noise(f"n{loc}", h) + 0.5)
            for i in range(n):
                m = 60 * h + 5 + int(50 * noise(f"m{loc}{h}", i))  # never within 5 minutes of a whole hour
                asset, cls = assets[int(len(assets) * noise(f"a{loc}{h}", i))]
                codes = CLASS_CODES[cls]
                code = codes[int(len(codes) * noise(f"c{loc}{h}", i))]
                out.append((asset, loc, code, m, m - 1 - int(4 * noise(f"d{loc}{h}", i))))
    locs = {d[0]: d[4] for d in devices}
    for m, asset in _occ_icu_b():
        out.append((asset, "L2.ICU-B", "OCC-DN", m, None if m in ALARMING else m - 1 - m % 2))
    for m, asset in OCC_OTHER:
        out.append((asset, locs[asset], "OCC-DN", m, m - 2))
    for loc, n in COMMS_LOST.items():
        pumps = [a for a, cls in by_loc[loc] if cls in ("IP-VOL", "IP-SYR")][:n]
        for i, asset in enumerate(pumps):
            m = WLC_AT - 1 - i % 2
            out.append((asset, loc, "COMMS-LOST", m, m - 2 - i % 2))
    out.append(("AAP-2/ICU", "L2.ICU-A, L2.ICU-B", "O2-LOW", 2947, 2872))
    assert all(o[2] in text for o in out)
    return sorted(out, key=lambda o: -o[3])


def _pumps(now: datetime, devices: list[tuple[str, str, str, str, str, str, int]]) -> list[tuple[Any, ...]]:
    """Every infusion pump as DIS-01 sees it now."""
    library = {"L2.ICU-A": "ICU-ADULT v39", "L2.ICU-B": "ICU-ADULT v39", "L1.ED-MAJ": "ED v17", "L1.ED-RESUS": "ED v17",
               "L4.W17": "MED-SURG v22", "L4.W18": "MED-SURG v22", "L3.THR-04": "THEATRES v12",
               "L3.THR-05": "THEATRES v12", "B0.EBME-WS": "none"}  # fmt: skip
    rows, index = [], {}
    for asset, cls, _mk, model, loc, _r, _y in devices:
        if cls not in ("IP-VOL", "IP-SYR"):
            continue
        i = index[loc, cls] = index.get((loc, cls), -1) + 1
        active = next((a for m, a in ALARMING.items() if a == asset), None)
        if loc == "B0.EBME-WS":
            state, seen = "offline", 6 * H
        elif active:
            state, seen = "alarm", 1
        else:
            state = "standby" if noise("st", i * 7 + len(loc)) < 0.25 or asset in ("CE-004130", "CE-004132") \
                else "infusing"  # fmt: skip
            seen = 1 + int(2 * noise("seen", i))
        icu_b_vp7 = asset in ICU_B_VP7
        firmware = "4.2.0" if icu_b_vp7 else "4.1.2" if cls == "IP-VOL" else "2.7.4"
        level = "L2" if icu_b_vp7 else "L5" if loc.startswith("L2.ICU") else "L4"
        battery = 55 + int(45 * noise("bat", int(asset[3:])))
        rows.append((asset, model, loc, _zone(asset, loc, i), state, "OCC-DN" if active else None, firmware,
                     library[loc], level, battery, iso(now - timedelta(minutes=seen))))  # fmt: skip
    return rows


def _rtls(now: datetime, devices: list[tuple[str, str, str, str, str, str, int]]) -> list[tuple[Any, ...]]:
    """Each asset's tag and where it was last seen."""
    rows, index = [], {}
    for asset, cls, _mk, _model, loc, _r, _y in devices:
        i = index[loc, cls] = index.get((loc, cls), -1) + 1
        zone, seen, battery = _zone(asset, loc, i), 1 + int(9 * noise("rt", int(asset[3:]))), "ok"
        if asset == MISSING_VENT:
            zone, seen, battery = "L1.ED-RESUS/DIRTY-UTILITY", MISSING_SEEN, "low"
        elif asset == WORKSHOP_MONITOR:
            zone = "B0.EBME-WS/BENCH-1"
        rows.append((asset, f"RT:{int(asset[3:]) * 7 + 0x3A000:05X}", zone, iso(now - timedelta(minutes=seen)),
                     battery))  # fmt: skip
    return rows


def _magnet(now: datetime) -> list[tuple[Any, ...]]:
    """One reading a day per scanner for 30 days (at T-20m, T-1d-20m, ...)."""
    rows = []
    for k in range(MAGNET_DAYS):
        t = now - timedelta(days=k, minutes=20)
        age = MAGNET_DAYS - 1 - k  # days since the oldest reading
        mr1 = 72.0 + 0.36 * k + (0.03 * (noise("he1", k) - 0.5) if 0 < k < MAGNET_DAYS - 1 else 0.0)
        rows.append(("MR1", iso(t), int(t.timestamp()), round(mr1, 1), round(3.85 + 0.015 * age, 2),
                     round(4.18 + 0.021 * age, 2), "running"))  # fmt: skip
        mr2 = 91.32 + 0.06 * noise("he2", k)
        rows.append(("MR2", iso(t), int(t.timestamp()), round(mr2, 1), round(3.8 + 0.04 * noise("p2", k), 2),
                     round(4.1 + 0.04 * noise("k2", k), 2), "running"))  # fmt: skip
    return rows


def _medgas(now: datetime) -> list[tuple[Any, ...]]:
    """Hourly pressures per panel and gas for 7 days; the level 2 oxygen dip at T-49h."""
    rows = []
    dip = {49: 352.0, 48: 371.0}
    for panel in ("AAP-1/ED", "AAP-2/ICU", "AAP-3/THR"):
        for h in range(GAS_DAYS * 24):
            t = now - timedelta(hours=h)
            values = {"o2": 402.0 + 14.0 * noise(f"o{panel}", h), "air4": 398.0 + 12.0 * noise(f"a{panel}", h),
                      "vac": 60.0 + 8.0 * noise(f"v{panel}", h)}  # fmt: skip
            if panel == "AAP-2/ICU" and h in dip:
                values["o2"] = dip[h]
            rows += [(panel, gas, round(v, 1), iso(t), int(t.timestamp())) for gas, v in values.items()]
    return rows


def _ppm(now: datetime, devices: list[tuple[str, str, str, str, str, str, int]]) -> list[tuple[Any, ...]]:
    """PPM status of every device: seven overdue, the rest due within 30 days or in date."""
    today = now.date()
    rows = []
    for asset, cls, _mk, model, loc, _r, _y in devices:
        interval = PPM_INTERVAL[cls]
        if asset in OVERDUE:
            due = today - timedelta(days=OVERDUE[asset])
            last = due - timedelta(days=interval)
        else:
            last = today - timedelta(days=int((interval - 1) * noise("ppm", int(asset[3:]))))
            due = last + timedelta(days=interval)
        status = "overdue" if due < today else "due" if (due - today).days <= 30 else "in_date"
        rows.append((asset, cls, model, loc, f"{last}", interval, f"{due}", status, max(0, (today - due).days)))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO locations VALUES (?,?,?,?,?,?)", LOCATIONS)
    devices = _devices()
    db.executemany(
        "INSERT INTO devices VALUES (?,?,?,?,?,?,?,?)",
        [(a, c, mk, md, f"{c.replace('-', '')}{int(a[3:]) * 37 % 100000:05d}", loc, r, y)
         for a, c, mk, md, loc, r, y in devices],
    )  # fmt: skip
    db.executemany("INSERT INTO pumps VALUES (?,?,?,?,?,?,?,?,?,?,?)", _pumps(now, devices))
    codes = {c[0]: c for c in ALARM_CODES}
    db.executemany(
        "INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(6104000 + i, asset, loc, code, codes[code][2], codes[code][3], ago(m), clock.epoch(m), ago(c),
          ago(15 * (m // 15 + 1)))
         for i, (asset, loc, code, m, c) in enumerate(reversed(_alarms(devices)))],
    )  # fmt: skip
    db.executemany("INSERT INTO alarm_codes VALUES (?,?,?,?,?,?)", ALARM_CODES)
    db.executemany("INSERT INTO magnet VALUES (?,?,?,?,?,?,?)", _magnet(now))
    db.executemany("INSERT INTO medgas VALUES (?,?,?,?,?)", _medgas(now))
    db.executemany("INSERT INTO ppm VALUES (?,?,?,?,?,?,?,?,?)", _ppm(now, devices))
    db.executemany("INSERT INTO jobs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*j[:6], ago(j[6]), ago(j[7]), ago(j[8]), *j[9:]) for j in JOBS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), *c[11:])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO fsn VALUES (?,?,?,?,?,?,?,?)",
                   [(*f[:6], f"{now - timedelta(days=f[6]):%Y-%m-%d}", f"{now - timedelta(days=f[7]):%Y-%m-%d}")
                    for f in FSNS])  # fmt: skip
    locs = {d[0]: d[4] for d in devices}
    db.executemany("INSERT INTO fsn_assets VALUES (?,?,?,?,?,?)",
                   [(f, a, locs[a], s, ago(t), by) for f, a, s, t, by in FSN_ASSETS])  # fmt: skip
    db.executemany("INSERT INTO rtls VALUES (?,?,?,?,?)", _rtls(now, devices))
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(i[0], ago(i[1]), clock.epoch(i[1]), *i[2:]) for i in INCIDENTS])  # fmt: skip
    db.executemany("INSERT INTO vendor_cases VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:7], ago(c[7]), ago(c[8]), c[9]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Clinical engineering store (Ashcombe Royal Infirmary): medical devices, pumps, alarms, MRI, gases"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
