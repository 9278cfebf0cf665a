"""A twenty-first estate, held out from the planner's tuning: the crane and yard operations of a container terminal
(Calloway Deepwater Terminal, CDT, at the Port of Saltmarsh: four berths on two quays worked by eight ship-to-shore
quay cranes with their spreaders, sixteen rubber-tyred gantry cranes in two yards, an eight-lane truck gate):
equipment status, quay crane productivity, crane telemetry, the crane management system's fault log, hoist rope
inspections, vessel calls, daily gate figures, customer service cases, engineering work orders, change requests, the
operations control centre's log, vendor tickets and procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
areas are ``CDT.QN`` / ``CDT.YD-2`` (terminal, dot, area); berths ``B2``; quay cranes ``STS-05`` (zero-padded);
spreaders ``SPR-05``; yard cranes ``RTG 09`` (with a space, zero-padded); yard blocks ``2A``; gate lanes
``GATE:IN-02`` (colon); vessel calls ``VC26-0412``; fault codes ``TWL-NL``, ``GNT-SKEW``, ``ROPE-WARN``; work orders
``EWO.26.01197`` (dots); change requests ``CR/26/118`` (slashes); OCC log entries ``OCC-26-5128``; customer cases
``SC-20431``; vendor tickets ``BRF#22817`` (a hash), ``KH-SR-004512``, ``QL-INC-7731``; procedures ``OP-STS-012``,
``EP-05``, ``MS-RTG-003``, ``OEM KH-STS 7.2``; the spreader controller's parameter ``P-117`` and the site parameter
file ``CDT-SC40-PARAM-v7``; firmware ``4.3.0``; people are named in full (``Kwame Asante``). Windows come as
``lookback_minutes``, RFC 3339 timestamps (``since`` / ``until``), ISO dates (``from_date`` / ``to_date``), a named
``created_within`` enum, ``hours`` and ``days``; two APIs require a quay crane (telemetry, hoist rope); two look up
one record by key (a fault code, a vendor ticket), one finds vessel calls by name; two search free text (the OCC
log, procedures); one is narrow (crane, measure, value, ts). :mod:`tests.ops_eval.twentyfirst_apis` defines them.

The story (minutes before the estate is built, minute-aligned; productivity buckets are 15 minutes, bucket k from
T-15(k+1)m to T-15km; telemetry every 10 minutes with the newest at now; rope inspections daily at T-45m,
T-1d-45m, ...):

- over 120 days: STS-07's hoist rope loses diameter steadily, from about 2.3% to 6.10% now (about 0.22% a week;
  warning 6.0%, crossed at the inspection 3 days ago: ROPE-WARN, STS-07 restricted to 40 t since; discard 7.0%); the
  other cranes' ropes stay at 0.9-2.7%: KH-SR-004512 with Kranholt (Jonas Lindqvist), rope replacement EWO.26.01180
  in 4 days: a slow trend;
- this week: RTG 09 faults 10 times on gantry skew (GNT-SKEW; the most of any unit), 6 before its steering encoder
  was replaced at T-26h (CR/26/112) and 4 after, the newest at T-38m still active (EWO.26.01188, Emeka Obi: encoder
  cable suspected); RTG 14 trips twice on hoist motor over-temperature 3 days ago (EWO.26.01176, fan replaced), fine
  since; a wind stop of every quay crane 3 days ago (WIND-HI); STS-08 out for its boom hoist brake overhaul since
  T-28h, awaiting brake pads (EWO.26.01183);
- T-225m .. T-209m CR/26/118 (Lukas Brenner of Bromfield, the spreader maker; requested by Nadia Rahman, OT
  engineering) updates the SC-40 controllers of SPR-04 (STS-04, T-224m .. T-217m) and SPR-05 (STS-05, T-216m ..
  T-209m) from firmware 4.2.0 to 4.3.0 during the Maren Kestrel's hatch-cover move (a pilot; the other six spreaders
  stay on 4.2.0); the upgrade resets the parameter set to factory values, so P-117 (landed debounce) goes from the
  site's 60 ms to 500 ms and the twistlocks time out and retry;
- from the bucket starting T-210m (the onset; the first TWL-NL at T-203m on STS-04, T-197m on STS-05) STS-05's
  average cycle time goes from about 110 s to 139, 150, 161, 168, 175, 181, 188, 194 (the peak, T-105m .. T-90m), 187,
  182, 179, 176, 178, 173 s (STS-04 at 85% of the rise); lock time 960-1080 ms on both against 380-440 ms on every
  other crane; the Maren Kestrel (VC26-0412, Nordvik Line, B2) has 1262 of 2140 moves done and its ETD slips past the
  berth window; T-182m the STS-05 driver reports failed locks, T-172m EWO.26.01197 (Kwame Asante: P-117 at 500 ms
  against the site file's 60 ms), T-150m Nordvik Line (SC-20423), T-95m Tarsus Shipping (SC-20426, Tarsus Aurora at
  anchor for B2), T-70m STS-06 moved from B3 to B2, T-62m Halden Feeder Services (SC-20428), T-58m BRF#22817
  (Bromfield, Sofia Marchetti: known issue, restore the site parameter file or roll back), T-35m emergency CR/26/121
  approved (Ruth Okafor, Dev Malhotra), planned T+20m, T-28m Nordvik Line escalates (SC-20431);
- red herrings: CR/26/119 patches the Quaylink TOS at T-100m (after the onset; TOS-LINK on the cranes for 2
  minutes); CR/26/112 (RTG 09's encoder, T-26h) and CR/26/109 (OT network switch, T-43h); RTG 14, the wind stop and
  STS-08 earlier this week; a haulier's broken-seal case at T-20h (not about delays).

No API reports weather or wind forecasts, costs, penalties or invoices, staff rotas or on-call, RTG fuel levels, the
yard's container inventory or reefer plug-ins, or the gate's queue now; there is no STS-11, no RTG 21 and no
BRF#22999; crane productivity and faults are kept 7 days, telemetry 72 hours, rope inspections 120 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.twentyfirst_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "calloway_cdt"
DAY = 1440
PROD_DAYS, FAULT_DAYS, TELEMETRY_HOURS, ROPE_DAYS, GATE_DAYS = 7, 7, 72, 120, 30
CR_START, CR_DONE = 225, 209  # minutes ago
#: the pilot cranes: crane -> (spreader update started, back in service) in minutes ago
PILOT = {"STS-04": (224, 217), "STS-05": (216, 209)}
STS08_DOWN, ROPE_WARN_AT, WIND_AT, WIND_CLEAR, TOS_AT, STS06_MOVED = 1680, 4365, 4290, 4255, 100, 70
CRANES = [f"STS-{n:02d}" for n in range(1, 9)]
RTGS = [f"RTG {n:02d}" for n in range(1, 17)]
LANES = [f"GATE:IN-{n:02d}" for n in range(1, 6)] + [f"GATE:OUT-{n:02d}" for n in range(1, 4)]
BASE_CYCLE = {"STS-01": 112, "STS-02": 108, "STS-03": 110, "STS-04": 106, "STS-05": 109, "STS-06": 104,
              "STS-07": 113, "STS-08": 107}  # fmt: skip
#: STS-05 after the onset, per bucket k: (average cycle time s, lock retries); STS-04 has 85% of the rise
SPIKE = {13: (139, 9), 12: (150, 13), 11: (161, 17), 10: (168, 20), 9: (175, 22), 8: (181, 24), 7: (188, 27),
         6: (194, 29), 5: (187, 26), 4: (182, 25), 3: (179, 24), 2: (176, 23), 1: (178, 23), 0: (173, 22)}  # fmt: skip
STOPPED = 14  # the bucket (T-225m .. T-210m) in which STS-04 and STS-05 were stopped for the update
WIND_BUCKETS, WIND_EDGE = (284, 285), (283,)
ROPE_BAD = "STS-07"
ROPE_BASE = {"STS-01": 2.35, "STS-02": 2.10, "STS-03": 2.55, "STS-04": 1.25, "STS-05": 1.40, "STS-06": 1.70,
             "STS-08": 0.95}  # fmt: skip
RTG09_SKEW = [38, 415, 880, 1325, 1980, 2640, 3710, 5060, 6420, 8710]  # the newest still active
GATE_BASE = {"GATE:IN-01": 310, "GATE:IN-02": 420, "GATE:IN-03": 300, "GATE:IN-04": 265, "GATE:IN-05": 140,
             "GATE:OUT-01": 380, "GATE:OUT-02": 355, "GATE:OUT-03": 290}  # fmt: skip

#: code, name, capacity, description, owner
AREAS = [
    ("CDT.QN", "North quay", "700 m, 16.5 m depth", "berths B1 and B2; quay cranes STS-01 .. STS-05 (one crane rail "
     "with the south quay)", "Quay operations (OCC)"),
    ("CDT.QS", "South quay", "620 m, 17.0 m depth", "berths B3 and B4; quay cranes STS-06 .. STS-08",
     "Quay operations (OCC)"),
    ("CDT.YD-1", "Yard 1 (export)", "9,600 TEU ground slots x 5 high", "blocks 1A .. 1H, RTG 01 .. RTG 08",
     "Yard operations"),
    ("CDT.YD-2", "Yard 2 (import and reefer)", "8,800 TEU, 420 reefer plugs", "blocks 2A .. 2H (reefer racks in 2G "
     "and 2H), RTG 09 .. RTG 16", "Yard operations"),
    ("CDT.GATE", "Truck gate", "8 lanes", "in lanes GATE:IN-01 .. GATE:IN-05, out lanes GATE:OUT-01 .. GATE:OUT-03, "
     "Vistagate OCR portals, trouble desk", "Gate operations (Tom Ferris)"),
    ("CDT.WKS", "Engineering workshop", "", "crane electricians and fitters, spreader bay, spares store",
     "Engineering (Dev Malhotra)"),
    ("CDT.OCC", "Operations control centre", "", "24x7 duty manager, vessel and yard planners, crane management "
     "system and Quaylink TOS consoles", "Terminal operations (Ruth Okafor)"),
]  # fmt: skip
#: code, equipment, text, severity, meaning, action
FAULT_CODES = [
    ("TWL-NL", "spreader", "Twistlocks not locked", "warning",
     "the spreader's four twistlocks did not all confirm locked within 1.5 s of the landed signal; the controller "
     "retries the lock and after 3 failed retries the driver must lift and re-land the spreader",
     "check the landed flaps and the lock time on the crane's telemetry; after a spreader controller change compare "
     "its parameters with the site parameter file (OP-STS-012)"),
    ("SPR-LAND", "spreader", "Spreader landing fault", "warning", "a landed flap stayed up after landing",
     "inspect the flap and its proximity switch"),
    ("GNT-SKEW", "rtg", "Gantry skew", "stop",
     "the two gantry sides drifted more than 150 mm apart while travelling; the RTG stops",
     "re-align from the cab; if it repeats check the steering encoders and their cables (MS-RTG-003)"),
    ("HST-OT", "sts, rtg", "Hoist motor over-temperature", "stop", "the hoist motor winding is above 140 C",
     "let it cool; check the motor cooling fan and filter"),
    ("ENG-FLT", "rtg", "Diesel genset fault", "stop", "the RTG's diesel generator set shut down",
     "call the fitter; read the genset controller's code"),
    ("ANTI-COLL", "rtg", "Anti-collision stop", "warning", "the RTG's radar saw an obstacle in its travel path",
     "check the lane; reset from the cab"),
    ("WIND-HI", "sts", "High wind stop", "stop",
     "the boom-top anemometer measured gusts above 25 m/s; crane work stops (EP-05)",
     "park the crane, set the storm pins; resume when the wind drops"),
    ("ESTOP", "any", "Emergency stop pressed", "stop", "an emergency stop was pressed on the crane",
     "find out why before resetting"),
    ("TLS-FLT", "sts", "Trolley limit switch fault", "warning", "a trolley end limit switch disagrees with the encoder",
     "check the switch"),
    ("FW-UPD", "sts, spreader", "Firmware update in progress", "info",
     "a controller on the crane restarts for a firmware update", "check the crane returns to service"),
    ("TOS-LINK", "sts", "TOS link lost", "info", "the crane lost its job list link to the Quaylink TOS",
     "the driver works from the last job list; check the TOS"),
    ("MAINT-LOTO", "any", "Locked out for maintenance", "info", "the unit is isolated and locked out for work",
     "none; returns to service when the work order is closed"),
    ("ROPE-WARN", "sts", "Hoist rope wear warning", "warning",
     "the hoist rope's diameter loss reached the 6.0% warning level; safe working load restricted to 40 t until the "
     "rope is replaced (discard at 7.0%)", "plan the rope change with Kranholt (OP-STS-020)"),
    ("OCR-FAIL", "gate_lane", "OCR portal read failure", "warning",
     "the OCR portal could not read a container or truck plate", "clean the cameras; the trouble desk keys it in"),
]  # fmt: skip
#: wo, unit, type, status, technician, created, planned for, completed (minutes ago; negative: ahead; None: not
#: set), title, notes
WORK_ORDERS = [
    ("EWO.26.01158", ROPE_BAD, "inspection", "completed", "Bronwen Hale", 26 * DAY, None, 26 * DAY - 120,
     "STS-07 monthly magnetic rope test", "hoist rope diameter loss 5.3%, 6 broken wires in six diameters; trend "
     "sent to Kranholt"),
    ("EWO.26.01171", ROPE_BAD, "inspection", "completed", "Bronwen Hale", ROPE_WARN_AT - 15, None, ROPE_WARN_AT - 60,
     "STS-07 hoist rope at warning level (ROPE-WARN)", "diameter loss 6.0%; safe working load restricted to 40 t; "
     "Kranholt ticket KH-SR-004512 opened"),
    ("EWO.26.01176", "RTG 14", "corrective", "completed", "Emeka Obi", 4400, None, 4200,
     "RTG 14 hoist motor over-temperature (HST-OT)", "motor cooling fan failed and was replaced; test lifts good"),
    ("EWO.26.01180", ROPE_BAD, "planned", "scheduled", "Jonas Lindqvist (Kranholt) with Bronwen Hale", 4300,
     -4 * DAY, None, "STS-07 hoist rope replacement", "two new 32 mm ropes on site; STS-07 out of service about 16 "
     "hours (KH-SR-004512)"),
    ("EWO.26.01183", "STS-08", "planned", "awaiting_parts", "Bronwen Hale", STS08_DOWN + 40, STS08_DOWN, None,
     "STS-08 boom hoist brake overhaul", "pads on both boom hoist brakes below minimum thickness; new brake pads "
     "ordered, delivery tomorrow; STS-08 out of service until they are fitted"),
    ("EWO.26.01186", "RTG 09", "corrective", "completed", "Emeka Obi", 1620, 1560, 1500,
     "RTG 09 gantry steering encoder replacement (CR/26/112)", "west-side steering encoder replaced and calibrated"),
    ("EWO.26.01188", "RTG 09", "corrective", "open", "Emeka Obi", 1300, None, None,
     "RTG 09 gantry skew faults again after the encoder change", "skew faults continue; encoder cable chafed at the "
     "cable chain suspected; new cable on order"),
    ("EWO.26.01192", "SPR-04, SPR-05", "project", "completed", "Lukas Brenner (Bromfield)", 232, CR_START, CR_DONE,
     "Bromfield SC-40 firmware 4.3.0 pilot on STS-04 and STS-05 (CR/26/118)",
     "both spreader controllers updated from 4.2.0, one at a time during the hatch-cover move; each back in service "
     "after 7 minutes; post check: an empty 40 ft box locked and unlocked on each"),
    ("EWO.26.01197", "STS-04, STS-05", "corrective", "in_progress", "Kwame Asante", 172, None, None,
     "Slow twistlock locking on STS-04 and STS-05 (TWL-NL)",
     "landed flaps, proximity switches and lock cylinders good; lock time about 1 s against 0.4 s on STS-03; the "
     "SC-40 parameter P-117 (landed debounce) is 500 ms, the factory default, on both spreaders since the 4.3.0 "
     "update, while the site parameter file CDT-SC40-PARAM-v7 sets 60 ms (the spreaders still on 4.2.0 have 60 ms); "
     "Bromfield ticket BRF#22817 raised by Nadia Rahman"),
    ("EWO.26.01199", "GATE:IN-04", "planned", "scheduled", "Tom Ferris", 300, -600, None,
     "GATE:IN-04 OCR camera cleaning", "misreads up on IN-04; cameras to clean at the night lull"),
]  # fmt: skip
#: cr, title, units, category, state, requested by, implemented by, approver, raised, planned start, implemented
#: (minutes ago; negative: ahead; None: not yet), backout, notes
CHANGES = [
    ("CR/26/104", "Vistagate OCR software 5.1 -> 5.2", "GATE:IN-01 .. GATE:OUT-03", "gate", "implemented",
     "Tom Ferris", "Vistagate remote support", "CAB", 14 * DAY, 9 * DAY, 9 * DAY, "reinstall 5.1",
     "new container code checksum rules"),
    ("CR/26/109", "OT network core switch OT-SW-01 firmware 17.3.2 -> 17.3.5", "OT-SW-01", "ot_network",
     "implemented", "Nadia Rahman", "Priyanka Shah", "CAB", 6 * DAY, 2580, 2580, "reinstall 17.3.2",
     "cranes reconnected within a minute"),
    ("CR/26/112", "RTG 09 gantry steering encoder replacement", "RTG 09", "crane_plc", "implemented", "Emeka Obi",
     "Emeka Obi", "CAB", 5 * DAY, 1560, 1560, "refit the old encoder", "after 6 gantry skew faults (EWO.26.01186)"),
    ("CR/26/118", "Bromfield SC-40 spreader controller firmware 4.2.0 -> 4.3.0, pilot on SPR-04 (STS-04) and SPR-05 "
     "(STS-05)", "SPR-04, SPR-05", "spreader", "implemented", "Nadia Rahman (OT engineering lead)",
     "Lukas Brenner (Bromfield field service)", "CAB", 5 * DAY, CR_START, CR_DONE,
     "reload 4.2.0 from the Bromfield service laptop (about 20 minutes a spreader)",
     "better load-sensing diagnostics and twin-lift detection; one spreader at a time during the vessel's "
     "hatch-cover move; fleet rollout after a 5-day pilot (EWO.26.01192)"),
    ("CR/26/119", "Quaylink TOS 11.4.2 -> 11.4.3 (yard allocation fix)", "Quaylink TOS", "tos", "implemented",
     "Priyanka Shah (terminal IT)", "Priyanka Shah (terminal IT)", "CAB", 4 * DAY, TOS_AT, TOS_AT,
     "reinstall 11.4.2", "fixes QL-INC-7731; crane job lists paused about 2 minutes"),
    ("CR/26/121", "Emergency: restore the site parameter file CDT-SC40-PARAM-v7 (P-117 landed debounce 60 ms) on "
     "SPR-04 and SPR-05", "SPR-04, SPR-05", "spreader", "approved", "Nadia Rahman", None,
     "E-CAB (Ruth Okafor, terminal operations manager; Dev Malhotra, engineering manager)", 35, -20, None,
     "roll back to 4.2.0", "BRF#22817; one spreader at a time between hatches, about 5 minutes each"),
]  # fmt: skip
#: entry, minutes ago, author, role, text
OCC_LOG = [
    ("OCC-26-5101", 2575, "Deepak Iyer", "OCC duty manager (nights)", "OT switch firmware done by IT (CR/26/109); "
     "all cranes reconnected, no impact"),
    ("OCC-26-5108", STS08_DOWN + 10, "Deepak Iyer", "OCC duty manager (nights)", "STS-08 handed to engineering for "
     "the boom hoist brake overhaul (EWO.26.01183); south quay on STS-06 and STS-07"),
    ("OCC-26-5110", 1550, "Deepak Iyer", "OCC duty manager (nights)", "RTG 09 encoder replaced (CR/26/112), back "
     "in block 2A"),
    ("OCC-26-5121", 227, "Marta Quinlan", "OCC duty manager", "Maren Kestrel hatch-cover move on B2: Lukas Brenner "
     "(Bromfield) updating the SPR-04 and SPR-05 controllers (CR/26/118)"),
    ("OCC-26-5123", 208, "Marta Quinlan", "OCC duty manager", "both spreaders back; B2 working again with STS-03, "
     "STS-04 and STS-05"),
    ("OCC-26-5125", 182, "Farid Haddad", "crane driver (STS-05)", "spreader keeps failing to lock, lots of re-lands; "
     "STS-04's driver says the same"),
    ("OCC-26-5126", 171, "Marta Quinlan", "OCC duty manager", "Kwame Asante (crane electrician) on the slow locking "
     "on STS-04 and STS-05 (EWO.26.01197)"),
    ("OCC-26-5128", 149, "Marta Quinlan", "OCC duty manager", "Henrik Solberg (Nordvik Line) on the phone about the "
     "crane rate on the Maren Kestrel (SC-20423)"),
    ("OCC-26-5130", 98, "Marta Quinlan", "OCC duty manager", "Quaylink patch CR/26/119 in (Priyanka Shah); crane job "
     "lists paused 2 minutes"),
    ("OCC-26-5131", 93, "Marta Quinlan", "OCC duty manager", "Tarsus Aurora at anchor; B2 not free until the Maren "
     "Kestrel sails (SC-20426)"),
    ("OCC-26-5133", STS06_MOVED, "Marta Quinlan", "OCC duty manager", "STS-06 moved from B3 to B2 as a fourth crane "
     "on the Maren Kestrel; STS-07 alone on the Selva Tern"),
    ("OCC-26-5134", 57, "Marta Quinlan", "OCC duty manager", "Nadia Rahman opened BRF#22817 with Bromfield"),
    ("OCC-26-5135", 44, "Marta Quinlan", "OCC duty manager", "Maren Kestrel ETD put back about three and a half "
     "hours; berth window will be missed"),
    ("OCC-26-5136", 33, "Marta Quinlan", "OCC duty manager", "emergency CR/26/121 approved by Ruth Okafor and Dev "
     "Malhotra; parameter restore in 20 minutes; Lukas advises against a rollback mid-vessel"),
    ("OCC-26-5138", 27, "Marta Quinlan", "OCC duty manager", "Nordvik Line escalation SC-20431: berth window "
     "exceeded"),
]  # fmt: skip
#: case, minutes ago, customer, kind, reference, subject, priority, status, handler
CASES = [
    ("SC-20388", 5 * DAY + 200, "Nordvik Line", "shipping_line", "VC26-0398",
     "Reefer monitoring report for the Maren Eider call", "P4", "closed", "Aoife Brennan"),
    ("SC-20394", 4 * DAY + 300, "Marlow Forwarding", "forwarder", "booking MFW-88213",
     "Customs hold release timing", "P3", "closed", "Carl Jensen"),
    ("SC-20401", 3 * DAY + 100, "Solano Lines", "shipping_line", "VC26-0414", "Stowage plan revision 3", "P3",
     "closed", "Aoife Brennan"),
    ("SC-20409", 2 * DAY + 400, "Ardent Container Line", "shipping_line", "VC26-0406", "Damaged hatch cover report",
     "P3", "closed", "Carl Jensen"),
    ("SC-20418", 1200, "Greyhaven Haulage", "haulier", "GATE:IN-02", "Broken container seal reported at GATE:IN-02",
     "P3", "pending", "Carl Jensen"),
    ("SC-20423", 150, "Nordvik Line", "shipping_line", "VC26-0412",
     "Maren Kestrel: crane rate low, departure delay expected", "P2", "open", "Aoife Brennan"),
    ("SC-20426", 95, "Tarsus Shipping", "shipping_line", "VC26-0415", "Tarsus Aurora berthing delay at B2", "P2",
     "open", "Aoife Brennan"),
    ("SC-20428", 62, "Halden Feeder Services", "shipping_line", "VC26-0411",
     "Delay to 36 transhipment boxes from the Maren Kestrel for the Halden Spey", "P2", "open", "Carl Jensen"),
    ("SC-20431", 28, "Nordvik Line", "shipping_line", "VC26-0412",
     "Escalation: Maren Kestrel delay beyond the berth window", "P1", "open", "Ruth Okafor"),
]  # fmt: skip
#: ref, vendor, units, subject, status, priority, engineer, opened and updated (minutes ago), latest
VENDOR_TICKETS = [
    ("BRF#22817", "Bromfield", "SPR-04, SPR-05", "Slow twistlock locking after SC-40 firmware 4.3.0", "open", "P1",
     "Sofia Marchetti", 58, 39,
     "known issue KI-430-07: upgrading from 4.2.x resets the parameter set to factory values, including P-117 "
     "landed debounce (500 ms factory; sites usually 50-80 ms), so the lock command waits out the debounce and times "
     "out; restore the site parameter file (CDT-SC40-PARAM-v7) from the service laptop, effective at once without a "
     "restart, or roll back to 4.2.0; fixed in 4.3.1; hold the fleet rollout"),
    ("KH-SR-004512", "Kranholt", ROPE_BAD, "Hoist rope diameter loss at 6.0%", "scheduled", "P3", "Jonas Lindqvist",
     4300, 2 * DAY,
     "loss rising about 0.22% a week; discard at 7.0%; new ropes on site; replacement under EWO.26.01180 in 4 days; "
     "keep the 40 t restriction until then"),
    ("QL-INC-7731", "Quaylink", "Quaylink TOS", "Yard allocation skipping reefer block 2G", "closed", "P3",
     "Megan Doyle", 6 * DAY, 97, "fixed in 11.4.3 (installed under CR/26/119)"),
]  # fmt: skip
KB = [
    ("OP-STS-012", "Slow or failed twistlock locking (TWL-NL)",
     "Check the landed flaps, their proximity switches and the twistlock cylinders on the spreader. Compare the lock "
     "time on the crane's telemetry (normal under 500 ms) with another crane. After a spreader controller firmware "
     "update compare the SC-40 parameters with the site parameter file CDT-SC40-PARAM-v7 (P-117 landed debounce "
     "60 ms): restore the file or roll the firmware back, and open a Bromfield ticket. Tell the vessel planner: the "
     "crane rate falls."),
    ("OP-STS-020", "Hoist rope inspection and discard",
     "Magnetic rope test monthly, diameter and visual check daily. Diameter loss: warning at 6.0% (safe working load "
     "restricted to 40 t), discard at 7.0%; more than 12 broken wires in six diameters: discard. Rope changes with "
     "Kranholt (OEM KH-STS 7.2)."),
    ("OP-VSL-004", "Vessel delay and berth window",
     "When a vessel will miss its berth window: revise the ETD in the TOS, tell the line and the next vessel's agent, "
     "consider another crane. Commercial terms of berth windows are handled by the commercial team."),
    ("EP-05", "High wind",
     "Quay cranes stop at gusts above 25 m/s at the boom top (WIND-HI): park, set the storm pins and tie-downs. RTGs "
     "stop at 22 m/s. Resume after 15 minutes below the limits."),
    ("MS-RTG-003", "RTG gantry skew faults (GNT-SKEW)",
     "Re-align from the cab. Repeated faults: check both steering encoders, their couplings and cables (cable chain "
     "wear), then recalibrate the skew control."),
    ("OEM KH-STS 7.2", "Kranholt STS manual, section 7.2: hoist ropes and spreader interface",
     "Hoist rope 32 mm, 2 x 410 m; discard criteria per ISO 4309. The spreader controller signals landed and locked "
     "to the crane PLC; hoisting is blocked until all four twistlocks are locked."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE areas (code TEXT PRIMARY KEY, name TEXT, capacity TEXT, description TEXT, owner TEXT);
CREATE TABLE equipment (unit TEXT PRIMARY KEY, kind TEXT, area TEXT, make TEXT, model TEXT, controller TEXT,
                        serves TEXT, commissioned INTEGER);
CREATE TABLE status (unit TEXT PRIMARY KEY, kind TEXT, state TEXT, since TEXT, moves_last_hour INTEGER,
                     assigned TEXT, active_fault TEXT, firmware TEXT);
CREATE TABLE productivity (crane TEXT, bucket_start TEXT, bucket_epoch INTEGER, moves INTEGER, avg_cycle_s INTEGER,
                           lock_retries INTEGER, stops INTEGER);
CREATE INDEX productivity_epoch ON productivity (bucket_epoch);
CREATE TABLE telemetry (crane TEXT, measure TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX telemetry_crane ON telemetry (crane, ts_epoch);
CREATE TABLE faults (fault_id INTEGER PRIMARY KEY, unit TEXT, area TEXT, code TEXT, text TEXT, severity TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT);
CREATE TABLE fault_codes (code TEXT PRIMARY KEY, equipment TEXT, text TEXT, severity TEXT, meaning TEXT,
                          action TEXT);
CREATE TABLE ropes (crane TEXT, measured_at TEXT, measured_epoch INTEGER, diameter_mm REAL, diameter_loss_pct REAL,
                    broken_wires INTEGER, lifts_since_fitted INTEGER);
CREATE TABLE calls (call TEXT PRIMARY KEY, vessel TEXT, line TEXT, service TEXT, berth TEXT, eta TEXT, ata TEXT,
                    etd TEXT, atd TEXT, berth_window_end TEXT, moves_planned INTEGER, moves_done INTEGER,
                    status TEXT, cranes TEXT);
CREATE TABLE gate (day TEXT, day_end_epoch INTEGER, lane TEXT, trucks INTEGER, avg_turn_min REAL,
                   ocr_misreads INTEGER, trouble_cases INTEGER);
CREATE TABLE cases (case_id TEXT PRIMARY KEY, opened TEXT, opened_epoch INTEGER, customer TEXT, kind TEXT,
                    reference TEXT, subject TEXT, priority TEXT, status TEXT, handler TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, unit TEXT, type TEXT, status TEXT, technician TEXT, created TEXT,
                          created_epoch INTEGER, planned_for TEXT, completed TEXT, title TEXT, notes TEXT);
CREATE TABLE changes (cr TEXT PRIMARY KEY, title TEXT, units TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned_start TEXT, implemented TEXT,
                      implemented_epoch INTEGER, backout TEXT, notes TEXT);
CREATE TABLE occ_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE vendor_tickets (ref TEXT PRIMARY KEY, vendor TEXT, units TEXT, subject TEXT, status TEXT,
                             priority TEXT, engineer TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _area_of(unit: str) -> str:
    if unit.startswith("STS-"):
        return "CDT.QN" if int(unit[-2:]) <= 5 else "CDT.QS"
    if unit.startswith("RTG "):
        return "CDT.YD-1" if int(unit[-2:]) <= 8 else "CDT.YD-2"
    return "CDT.GATE"


def _block(rtg: str) -> str:
    n = int(rtg[-2:])
    return f"{1 if n <= 8 else 2}{'ABCDEFGH'[(n - 1) % 8]}"


def _equipment() -> list[tuple[Any, ...]]:
    """unit, kind, area, make, model, controller, serves, commissioned."""
    rows: list[tuple[Any, ...]] = []
    for c in CRANES:
        north = int(c[-2:]) <= 5
        rows.append((c, "sts", _area_of(c), "Kranholt", "KH-PPX 65 (65 t, 22 rows across)" if north else
                     "KH-SPX 75 (75 t, 24 rows across)", "Kranholt KCS-5", "berths B1, B2" if north else
                     "berths B3, B4", 2014 if north else 2019))  # fmt: skip
        rows.append((f"SPR-{c[-2:]}", "spreader", _area_of(c), "Bromfield", "TwinFlex 45 (twin-lift telescopic)",
                     "Bromfield SC-40", c, 2021))  # fmt: skip
    for r in RTGS:
        rows.append((r, "rtg", _area_of(r), "Harlan", "RTG 6+1 (41 t, diesel-electric)", "Harlan HX-PLC",
                     f"block {_block(r)}", 2016 if int(r[-2:]) <= 8 else 2021))  # fmt: skip
    for lane in LANES:
        rows.append((lane, "gate_lane", "CDT.GATE", "Vistagate", "OCR portal VG-7", "Vistagate 5.2",
                     "trucks in" if ":IN-" in lane else "trucks out", 2018))  # fmt: skip
    return rows


def _bucket(crane: str, k: int) -> tuple[int, int | None, int, int]:
    """One crane's bucket k: (moves, average cycle time or None, lock retries, stops)."""
    if crane == "STS-08" and 15 * k < STS08_DOWN:
        return 0, None, 0, 0
    if k in WIND_BUCKETS:
        return 0, None, 0, 1
    if crane in PILOT and k == STOPPED:
        return 0, None, 0, 0
    if crane in PILOT and k in SPIKE:
        cycle, retries = SPIKE[k]
        if crane == "STS-04":
            cycle, retries = round(BASE_CYCLE["STS-04"] + 0.85 * (cycle - BASE_CYCLE["STS-05"])), round(0.85 * retries)
        return round(828 / cycle), cycle, retries, 0
    cycle = round(BASE_CYCLE[crane] + 10 * (noise(f"cy{crane}", k) - 0.5))
    moves = round(828 / cycle)
    if k in WIND_EDGE or (crane == "STS-06" and 15 * k < STS06_MOVED <= 15 * (k + 1)):
        moves = 2
    return moves, cycle, int(2 * noise(f"lr{crane}", k)), 1 if noise(f"st{crane}", k) > 0.9 else 0


def _productivity(now: datetime) -> list[tuple[Any, ...]]:
    """Every quay crane's 15-minute buckets for 7 days, the newest ending now."""
    rows = []
    for crane in CRANES:
        for k in range(PROD_DAYS * 96):
            start = now - timedelta(minutes=15 * (k + 1))
            rows.append((crane, iso(start), int(start.timestamp()), *_bucket(crane, k)))
    return rows


def _telemetry(now: datetime) -> list[tuple[Any, ...]]:
    """Every quay crane's five measures every 10 minutes for 72 hours, the newest at now."""
    rows = []
    for crane in CRANES:
        for i in range(TELEMETRY_HOURS * 6):
            m = 10 * i
            t = now - timedelta(minutes=m)
            down = crane == "STS-08" and m <= STS08_DOWN
            pilot = crane in PILOT and m <= PILOT[crane][1]
            values: dict[str, float] = {
                "hoist_motor_c": (17.0 + 3 * noise(f"hm{crane}", i)) if down else 58.0 + 10 * noise(f"hm{crane}", i),
                "trolley_motor_c": (17.0 + 3 * noise(f"tm{crane}", i)) if down else 49.0 + 8 * noise(f"tm{crane}", i),
            }
            if not down:
                values["lock_time_ms"] = round(960 + 120 * noise(f"lt{crane}", i)) if pilot else round(
                    380 + 60 * noise(f"lt{crane}", i))  # fmt: skip
                values["lock_retries"] = 12 + int(8 * noise(f"lr{crane}", i)) if pilot else int(1.6 * noise(
                    f"lr{crane}", i))  # fmt: skip
                values["avg_load_t"] = 21.0 + 9 * noise(f"al{crane}", i)
            for measure, value in values.items():
                rows.append((crane, measure, round(value, 1), iso(t), int(t.timestamp())))
    return rows


def _faults() -> list[tuple[Any, ...]]:
    """(unit, code, raised, cleared) in minutes ago (cleared None: active), for 7 days."""
    out: list[tuple[Any, ...]] = []
    others = [r for r in RTGS if r not in ("RTG 09", "RTG 14")]
    order = sorted(others, key=lambda r: noise("rtgpick", RTGS.index(r)))
    codes = ["ENG-FLT", "SPR-LAND", "ANTI-COLL", "HST-OT"]
    for s in range(12):  # background RTG faults: no unit more than once
        m = 400 + 780 * s + int(200 * noise("rm", s))
        out.append((order[s], codes[int(4 * noise("rc", s))], m, m - 5 - int(40 * noise("rd", s))))
    out += [("RTG 09", "GNT-SKEW", m, None if m == RTG09_SKEW[0] else m - 6) for m in RTG09_SKEW]
    out += [("RTG 14", "HST-OT", 4410, 4392), ("RTG 14", "HST-OT", 4335, 4205)]
    out += [(c, "WIND-HI", WIND_AT, WIND_CLEAR) for c in CRANES]
    out += [(c, "TOS-LINK", TOS_AT, TOS_AT - 2) for c in CRANES if c != "STS-08"]
    out += [(c, "FW-UPD", started, back) for c, (started, back) in PILOT.items()]
    out += [
        ("STS-02", "ESTOP", 2950, 2944),
        ("STS-03", "SPR-LAND", 7210, 7206),
        ("STS-06", "TLS-FLT", 5405, 5390),
        (ROPE_BAD, "ROPE-WARN", ROPE_WARN_AT, None),
        ("STS-08", "MAINT-LOTO", STS08_DOWN, None),
        ("STS-04", "TWL-NL", 203, None),
        ("STS-05", "TWL-NL", 197, None),
        ("GATE:IN-04", "OCR-FAIL", 3100, 3097),
        ("GATE:IN-04", "OCR-FAIL", 1240, 1236),
        ("GATE:IN-04", "OCR-FAIL", 530, 528),
    ]
    return sorted(out, key=lambda o: -o[2])


def _ropes(now: datetime) -> list[tuple[Any, ...]]:
    """One inspection a day per quay crane for 120 days (at T-45m, T-1d-45m, ...)."""
    rows = []
    for crane in CRANES:
        for k in range(ROPE_DAYS):
            t = now - timedelta(days=k, minutes=45)
            if crane == ROPE_BAD:
                steady = k < 5 or 27 <= k <= 33 or 57 <= k <= 63
                loss = 6.10 - 0.032 * k + (0.0 if steady else 0.02 * (noise("rw", k) - 0.5))
                broken, lifts = round(9 * max(0.0, 1 - k / 90)), 418200 - 1140 * k
            else:
                loss = ROPE_BASE[crane] + 0.08 * noise(f"rl{crane}", k)
                broken, lifts = int(3 * noise(f"rb{crane}", k)), 150000 + 9000 * CRANES.index(crane) - 1100 * k
            rows.append((crane, iso(t), int(t.timestamp()), round(32.0 * (1 - loss / 100), 2), round(loss, 2), broken,
                         lifts))  # fmt: skip
    return rows


#: call, vessel, line, service, berth, eta, ata, etd, atd, berth window end (minutes ago; negative: ahead; None: not
#: known), moves planned, moves done, status, cranes
CALLS_NOW = [
    ("VC26-0411", "Halden Spey", "Halden Feeder Services", "NSX feeder", "B1", 470, 455, -180, None, -240, 640, 455,
     "working", "STS-01, STS-02"),
    ("VC26-0412", "Maren Kestrel", "Nordvik Line", "NVX-2 (Asia - North Europe)", "B2", 560, 545, -330, None, -120,
     2140, 1262, "working", "STS-03, STS-04, STS-05, STS-06"),
    ("VC26-0413", "Ardent Lyra", "Ardent Container Line", "ACL Baltic", "B4", 1500, 1490, 300, 310, 300, 1180, 1180,
     "departed", ""),
    ("VC26-0414", "Selva Tern", "Solano Lines", "SOL Med Express", "B3", 930, 915, -90, None, -150, 980, 815,
     "working", "STS-07"),
    ("VC26-0415", "Tarsus Aurora", "Tarsus Shipping", "TSX Levant", "B2", 95, None, None, None, -900, 1480, 0,
     "at_anchor", ""),
    ("VC26-0416", "Corran Bay", "Ardent Container Line", "ACL Biscay", "B4", -480, None, -1500, None, -1560, 760, 0,
     "expected", ""),
]  # fmt: skip
_PAST_VESSELS = ["Maren Eider", "Solano Ria", "Tarsus Vega", "Halden Tay", "Ardent Corvid", "Nordvik Fjell",
                 "Selva Heron", "Halden Spey", "Maren Skua", "Tarsus Lumen", "Ardent Wren", "Solano Brisa",
                 "Halden Tay", "Nordvik Hav", "Selva Ibis", "Maren Alca"]  # fmt: skip
_LINE_OF = {"Maren": "Nordvik Line", "Nordvik": "Nordvik Line", "Solano": "Solano Lines", "Selva": "Solano Lines",
            "Tarsus": "Tarsus Shipping", "Halden": "Halden Feeder Services",
            "Ardent": "Ardent Container Line"}  # fmt: skip
_SERVICE = {"Nordvik Line": "NVX-2 (Asia - North Europe)", "Solano Lines": "SOL Med Express",
            "Tarsus Shipping": "TSX Levant", "Halden Feeder Services": "NSX feeder",
            "Ardent Container Line": "ACL Baltic"}  # fmt: skip


def _calls() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for i, vessel in enumerate(_PAST_VESSELS):  # VC26-0395 .. VC26-0410, departed over the last two weeks
        ata = 14 * DAY - 1100 * i - int(300 * noise("ata", i))
        stay = 900 + int(900 * noise("stay", i))
        moves = 400 + 100 * int(16 * noise("mv", i))
        line = _LINE_OF[vessel.split()[0]]
        rows.append((f"VC26-{395 + i:04d}", vessel, line, _SERVICE[line], f"B{1 + i % 4}", ata + 20, ata,
                     ata - stay, ata - stay - 10, ata - stay, moves, moves, "departed", ""))  # fmt: skip
    return rows + CALLS_NOW


def _gate(now: datetime) -> list[tuple[Any, ...]]:
    """Per lane and complete UTC day for 30 days (yesterday back)."""
    midnight = now.replace(hour=0, minute=0)
    rows = []
    for d in range(1, GATE_DAYS + 1):
        start = midnight - timedelta(days=d)
        weekday = 0.72 if start.weekday() >= 5 else 1.0
        for lane in LANES:
            trucks = round(GATE_BASE[lane] * weekday * (0.96 + 0.08 * noise(f"g{lane}", d)))
            rate = 0.05 if lane == "GATE:IN-04" else 0.012
            rows.append((start.strftime("%Y-%m-%d"), int((start + timedelta(days=1)).timestamp()), lane, trucks,
                         round(34 + 12 * noise(f"tt{lane}", d), 1), round(trucks * rate * (0.6 + 0.8 * noise(
                             f"o{lane}", d))), int(4 * noise(f"tc{lane}", d))))  # fmt: skip
    return rows


def _status(now: datetime, prod: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every STS and RTG now: unit, kind, state, since (minutes ago), moves in the last hour, assigned, active
    fault, firmware."""
    last_hour = int((now - timedelta(minutes=60)).timestamp())
    moves = {c: sum(r[3] for r in prod if r[0] == c and r[2] >= last_hour) for c in CRANES}
    kestrel, spey, tern = "VC26-0412 Maren Kestrel (B2)", "VC26-0411 Halden Spey (B1)", "VC26-0414 Selva Tern (B3)"
    rows: list[tuple[Any, ...]] = [
        ("STS-01", "working", 450, spey, None, "4.2.0"),
        ("STS-02", "working", 450, spey, None, "4.2.0"),
        ("STS-03", "working", 540, kestrel, None, "4.2.0"),
        ("STS-04", "working", PILOT["STS-04"][1], kestrel, "TWL-NL", "4.3.0"),
        ("STS-05", "working", PILOT["STS-05"][1], kestrel, "TWL-NL", "4.3.0"),
        ("STS-06", "working", 60, kestrel, None, "4.2.0"),
        (ROPE_BAD, "restricted", ROPE_WARN_AT, tern, "ROPE-WARN", "4.2.0"),
        ("STS-08", "maintenance", STS08_DOWN, None, "MAINT-LOTO", "4.2.0"),
    ]
    out = [(u, "sts", s, since, moves[u], a, f, f"KCS-5 6.1, SC-40 {fw}") for u, s, since, a, f, fw in rows]
    for r in RTGS:
        state, since, n, fault = "working", 30 * DAY, 14 + int(9 * noise("rtgm", RTGS.index(r))), None
        if r == "RTG 09":
            state, since, n, fault = "fault", RTG09_SKEW[0], 7, "GNT-SKEW"
        elif r == "RTG 14":
            state, since, n = "idle", 45, 6
        out.append((r, "rtg", state, since, n, f"block {_block(r)}", fault, "HX-PLC 2.7"))
    return [(u, k, s, iso(now - timedelta(minutes=since)), *rest) for u, k, s, since, *rest in out]


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO areas VALUES (?,?,?,?,?)", AREAS)
    db.executemany("INSERT INTO equipment VALUES (?,?,?,?,?,?,?,?)", _equipment())
    prod = _productivity(now)
    db.executemany("INSERT INTO productivity VALUES (?,?,?,?,?,?,?)", prod)
    db.executemany("INSERT INTO status VALUES (?,?,?,?,?,?,?,?)", _status(now, prod))
    db.executemany("INSERT INTO telemetry VALUES (?,?,?,?,?)", _telemetry(now))
    codes = {c[0]: c for c in FAULT_CODES}
    db.executemany(
        "INSERT INTO faults VALUES (?,?,?,?,?,?,?,?,?)",
        [(6620100 + i, u, _area_of(u), c, codes[c][2], codes[c][3], ago(m), clock.epoch(m), ago(cl))
         for i, (u, c, m, cl) in enumerate(_faults())],
    )  # fmt: skip
    db.executemany("INSERT INTO fault_codes VALUES (?,?,?,?,?,?)", FAULT_CODES)
    db.executemany("INSERT INTO ropes VALUES (?,?,?,?,?,?,?)", _ropes(now))
    db.executemany("INSERT INTO calls VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(c, v, ln, sv, b, ago(eta), ago(ata), ago(etd), ago(atd), ago(win), *rest)
                    for c, v, ln, sv, b, eta, ata, etd, atd, win, *rest in _calls()])  # fmt: skip
    db.executemany("INSERT INTO gate VALUES (?,?,?,?,?,?,?)", _gate(now))
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(c, ago(m), clock.epoch(m), *rest) for c, m, *rest in CASES])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(w[0], w[1], w[2], w[3], w[4], ago(w[5]), clock.epoch(w[5]), ago(w[6]), ago(w[7]), w[8], w[9])
                    for w in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), *c[11:])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO occ_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in OCC_LOG])  # fmt: skip
    db.executemany("INSERT INTO vendor_tickets VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:7], ago(v[7]), ago(v[8]), v[9]) for v in VENDOR_TICKETS])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Container terminal store (Calloway CDT): quay cranes, spreaders, RTGs, gate, vessel calls, faults"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
