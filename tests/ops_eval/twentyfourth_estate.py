"""A twenty-fourth estate, held out from the planner's tuning: the lift operations of a ski resort (Aurenfels: eleven
lifts, a gondola, six chairlifts and four T-bars, in three zones, Talboden in the valley, the Gratkamm ridge and the
Gletscher glacier, run from a lift control centre (LCC) with a lift workshop, thirteen pistes): lift status, queue
and wait times per lift from the gate scanners, lift telemetry, the lift control fault log, daily lift checks,
piste figures per day, slope events (races, park builds, tests), guest and partner feedback, job cards, management
of change (MOC) records, the LCC's log, supplier tickets and procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
zones are ``AUR-Z2`` (resort, dash, zone); lifts ``GRAT-C6`` (name, dash, type letter and seats: G gondola, C chair,
T T-bar); site equipment ``LCC:RPT-1``, ``Z1:GATE-SRV``, ``Z2:UPS-1`` (colons); pistes ``P12 Mulde`` (a P, two
digits, a space and the name); fault codes ``WND-511``, ``SAFE-410``, ``TEN-260`` (letters, a dash and three digits);
job cards ``JC-26-0421``; MOC records ``MOC-26-017``; LCC log entries ``LCL-26-2231``; guest feedback ``GF-55148``;
slope events ``EVT-26-07``; supplier tickets ``STG-CS-40518``, ``LT 5530-12`` (a space), ``KRN/2026/019``;
procedures ``LOP-012``, ``LCC-SOP-04``, ``EVP-02``, ``OEM SG-9 6.2``; the zone's lift control configuration
``Z2-SG9-CFG-r7``; the supplier's known issue ``KI-SG9-031``; control software ``SG-9 4.1.0``; people are named in
full (``Lena Hofer``). Windows come as ``lookback_minutes``, RFC 3339 timestamps (``since`` / ``until``), ISO dates
(``from_date`` / ``to_date``), a named ``created_within`` enum, ``minutes``, ``hours`` and ``days``; two APIs
require a lift (telemetry, daily checks); two look up one record by key (a fault code, a supplier ticket), one finds
slope events by piste; two search free text (the LCC log, procedures); one is narrow (lift, measure, value, ts); one
(top-station wind) overlaps the telemetry. :mod:`tests.ops_eval.twentyfourth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; queue buckets are 15 minutes, bucket k from
T-15(k+1)m to T-15km; telemetry every 10 minutes with the newest at now; daily checks at T-45m, T-1d-45m, ...;
piste rows are whole UTC days, yesterday back):

- over 120 days: the haul rope of PANORAMA-C8 (Gratkamm) stretches and its tension carriage moves out from about 35%
  of its travel (39.3 90 days ago) to 86% now (61.4 29 days ago, 60.7 30 days ago; at or above the 80% warning since
  the check 5 days ago: TEN-260, JC-26-0402, Matthias Gruber; re-splice JC-26-0406 in 6 days; Kronfeld Ropes
  KRN/2026/019); every other lift stays at 49.1% or less (GLETSCHER-C6
  40-42): a slow trend;
- this week: KAR-C4's safety line opens 11 times (SAFE-410; the most of any unit), the newest at T-35m still active:
  KAR-C4 down (LT 5530-12, Linetek, Sanna Lindgren; JC-26-0410); FELSEN-C2 mains failure 3 days ago (fixed since);
  BODEN-T2 closed since T-30h: its drive motor bearing seized (DRV-112), new bearing on order (JC-26-0407,
  awaiting_parts); the Europa Cup race week on P12 Mulde (EVT-26-07, race office, coordinator Verena Pichler) since
  6 days ago closes the piste to the public every morning: P12 Mulde is open only 56-67% of the lift hours a day (the
  worst piste; the others 94-100%);
- T-205m .. T-186m MOC-26-017 (Florian Ebner of Steigtec, the lift maker; requested by Tobias Wallner, lift technical
  manager) updates the Steigtec SG-9 lift controls of GRAT-C6 (T-205m .. T-198m) and SONNJOCH-C6 (T-193m .. T-186m)
  on the Gratkamm from 4.0.3 to 4.1.0 (a pilot; PANORAMA-C8, KAR-C4, GLETSCHER-C6 and TALBAHN-G10 stay on 4.0.3; the
  fixed-grip chairs and T-bars run Brandl BT-2 controls); the update resets the wind thresholds to their factory
  values (slow-down 35, stop 45 km/h), while the zone configuration Z2-SG9-CFG-r7 sets 50 and 65, so the ridge's
  ordinary 36-48 km/h wind slows and stops both chairs over and over;
- from the bucket starting T-180m (the onset; the first WND-510 at T-179m on GRAT-C6, T-175m on SONNJOCH-C6; the
  first WND-511 at T-176m on GRAT-C6, T-171m on SONNJOCH-C6) GRAT-C6's average wait goes from 1-6 minutes to 9.5,
  13.0, 16.5, 19.0, 22.5, 25.0, 28.5 (the peak, T-90m .. T-75m), 27.0, 24.5, 22.0, 23.0, 21.5 minutes (newest;
  SONNJOCH-C6 with 60% of the rise); GRAT-C6's rope speed 1.5-3.0 m/s (SONNJOCH-C6 2.0-3.5) against 4.6-5.0 on the
  other six-seaters; T-168m the LCC sees the queues, T-165m the first guest feedback (the Season Pass Club), T-150m
  JC-26-0421 (Lena Hofer: anemometers good, wind thresholds 35/45 against Z2-SG9-CFG-r7's 50/65), T-141m the ski
  school (GF-55143), T-96m Hotel Sonnblick (P1, GF-55148), T-78m STG-CS-40518 (Steigtec, Katrin Moser: known issue
  KI-SG9-031, reload the zone configuration or roll back to 4.0.3), T-70m the LCC runs GRAT-C6 and SONNJOCH-C6 at a
  fixed reduced speed, T-58m the mountain rescue (GF-55152), T-40m emergency MOC-26-019 approved (Andrea Steiner,
  Rupert Hauser), planned T+20m, T-24m Hotel Sonnblick's general manager escalates (GF-55156);
- red herrings: MOC-26-018 loads Gatewise access gate software 12.4 at the Talbahn valley station at T-120m (after
  the onset, another zone); MOC-26-015 (FELSEN-C2 drive UPS batteries, T-28h) and MOC-26-013 (LCC:RPT-1 radio
  repeater firmware, T-44h); the snowpark rebuild on P07 Park Felsen (EVT-26-09, no lift closure, 3 days old); the
  wind itself (the same 36-48 km/h on the ridge for days); KAR-C4, FELSEN-C2, BODEN-T2 and the race week earlier.

No API reports weather or snow forecasts, avalanche danger or avalanche control, ticket sales or revenue, refunds,
staff rotas or on-call, car parks, groomer fuel or restaurant figures; there is no ZINNE-C6, no P21 and no
STG-CS-49999; queues and faults are kept 7 days, telemetry 48 hours, daily checks 120 days, piste days 31 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.twentyfourth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "aurenfels_lifts"
DAY = 1440
QUEUE_DAYS, TELEMETRY_HOURS, CHECK_DAYS, PISTE_DAYS = 7, 48, 120, 31
MOC_START, MOC_DONE = 205, 186  # minutes ago
#: the pilot lifts: lift -> (control software load started, back in service) in minutes ago
PILOT = {"GRAT-C6": (205, 198), "SONNJOCH-C6": (193, 186)}
#: each pilot lift's first wind slow-down and first wind stop, and when its speed stayed low from, minutes ago
WND_SLOW_AT = {"GRAT-C6": 179, "SONNJOCH-C6": 175}
WND_STOP_AT = {"GRAT-C6": 176, "SONNJOCH-C6": 171}
SLOW_FROM = {"GRAT-C6": 180, "SONNJOCH-C6": 176}
REDUCED_AT, GATES_AT, BODEN_CLOSED, RACE_START = 70, 120, 1800, 6 * DAY
FELSEN_PWR = (4330, 4255)
KAR_TRIPS = [35, 410, 955, 1620, 2275, 3090, 3810, 4905, 6120, 7390, 8870]  # the newest still active
STRETCH, CARRIAGE_NOW, CARRIAGE_RATE = "PANORAMA-C8", 86.0, 0.02

#: lift, name, zone, type, seats, capacity (persons/hour), length (m), vertical (m), control, built
LIFTS = [
    ("TALBAHN-G10", "Talbahn", "AUR-Z1", "gondola", 10, 2400, 2850, 820, "Steigtec SG-9", 2015),
    ("ALM-T2", "Almlift", "AUR-Z1", "T-bar", 2, 1000, 780, 160, "Brandl BT-2", 1998),
    ("BODEN-T2", "Bodenlift", "AUR-Z1", "T-bar", 2, 1000, 640, 120, "Brandl BT-2", 2004),
    ("GRAT-C6", "Gratbahn", "AUR-Z2", "detachable chairlift", 6, 2800, 1920, 540, "Steigtec SG-9", 2017),
    ("SONNJOCH-C6", "Sonnjochbahn", "AUR-Z2", "detachable chairlift", 6, 2800, 1680, 470, "Steigtec SG-9", 2019),
    ("PANORAMA-C8", "Panoramabahn", "AUR-Z2", "detachable chairlift", 8, 3200, 2240, 610, "Steigtec SG-9", 2021),
    ("FELSEN-C2", "Felsenlift", "AUR-Z2", "fixed-grip chairlift", 2, 1200, 1100, 380, "Brandl BT-2", 1992),
    ("KAR-C4", "Karbahn", "AUR-Z3", "detachable chairlift", 4, 2400, 1540, 450, "Steigtec SG-9", 2012),
    ("GLETSCHER-C6", "Gletscherbahn", "AUR-Z3", "detachable chairlift", 6, 2800, 2010, 560, "Steigtec SG-9", 2023),
    ("MULDE-T2", "Muldenlift", "AUR-Z3", "T-bar", 2, 1000, 920, 210, "Brandl BT-2", 2001),
    ("HORN-C4", "Hornlift", "AUR-Z3", "fixed-grip chairlift", 4, 1800, 1380, 430, "Brandl BT-2", 2008),
]  # fmt: skip
LIFT_IDS = [x[0] for x in LIFTS]
SOFTWARE = {"Steigtec SG-9": "SG-9 4.0.3", "Brandl BT-2": "BT-2 2.6.1"}
#: full rope speed (m/s) by lift type
SPEED = {"gondola": 6.0, "detachable chairlift": 5.0, "fixed-grip chairlift": 2.3, "T-bar": 3.0}
#: GRAT-C6's average wait (minutes) after the onset, per bucket k (SONNJOCH-C6 has 60% of the rise)
SPIKE = {11: 9.5, 10: 13.0, 9: 16.5, 8: 19.0, 7: 22.5, 6: 25.0, 5: 28.5, 4: 27.0, 3: 24.5, 2: 22.0, 1: 23.0, 0: 21.5}
SPIKE_BASE = 3.5
#: lift -> (rope speed low, spread) in m/s after its wind thresholds bit
SLOWED = {"GRAT-C6": (1.5, 1.5), "SONNJOCH-C6": (2.0, 1.5)}
#: the ridge lifts' top-station wind (km/h): low, spread; every other lift 8-30
RIDGE_WIND = {"GRAT-C6": (36, 12), "SONNJOCH-C6": (34, 12), "PANORAMA-C8": (30, 12), "FELSEN-C2": (22, 10)}

#: piste, name, zone, difficulty, lifts
PISTES = [
    ("P01", "Talabfahrt", "AUR-Z1", "red", "TALBAHN-G10"),
    ("P02", "Almwiese", "AUR-Z1", "blue", "ALM-T2"),
    ("P03", "Bodenhang", "AUR-Z1", "blue", "BODEN-T2, ALM-T2"),
    ("P04", "Gratkante", "AUR-Z2", "black", "GRAT-C6"),
    ("P05", "Sonnjoch", "AUR-Z2", "red", "SONNJOCH-C6"),
    ("P06", "Panoramaweg", "AUR-Z2", "blue", "PANORAMA-C8"),
    ("P07", "Park Felsen", "AUR-Z2", "park", "FELSEN-C2"),
    ("P08", "Felsrinne", "AUR-Z2", "black", "FELSEN-C2, PANORAMA-C8"),
    ("P09", "Kar", "AUR-Z3", "red", "KAR-C4"),
    ("P10", "Gletscherboden", "AUR-Z3", "blue", "GLETSCHER-C6"),
    ("P11", "Horn", "AUR-Z3", "red", "HORN-C4"),
    ("P12", "Mulde", "AUR-Z3", "red", "MULDE-T2, KAR-C4"),
    ("P13", "Skiroute Hornkamm", "AUR-Z3", "ski route", "HORN-C4"),
]  # fmt: skip

#: code, name, lifts, description, owner
ZONES = [
    ("AUR-LCC", "Lift control centre", "", "the control room at the Talbahn valley station: lift control server "
     "LCC:SRV-1, radio repeater LCC:RPT-1 on the Gratkamm, lift CCTV, guest information screens",
     "Lift operations (Andrea Steiner)"),
    ("AUR-WKS", "Lift workshop", "", "mechanics and electricians, the spares store (a spare Brandl drive motor, "
     "grips, sheave liners, anemometers), rope and splicing tools", "Lift technical (Tobias Wallner)"),
    ("AUR-Z1", "Talboden", "3: TALBAHN-G10, ALM-T2, BODEN-T2", "the valley: the Talbahn gondola from the village, "
     "the beginners' T-bars, the access gates (gate server Z1:GATE-SRV), pistes P01 .. P03",
     "Zone 1 lift crew (Stefan Moser)"),
    ("AUR-Z2", "Gratkamm", "4: GRAT-C6, SONNJOCH-C6, PANORAMA-C8, FELSEN-C2", "the exposed ridge: three Steigtec "
     "SG-9 detachable chairlifts with the zone configuration Z2-SG9-CFG-r7 and the Felsen double chair; UPS "
     "Z2:UPS-1; pistes P04 .. P08", "Zone 2 lift crew (Lena Hofer, electrician)"),
    ("AUR-Z3", "Gletscher", "4: KAR-C4, GLETSCHER-C6, MULDE-T2, HORN-C4", "the glacier and the Kar: race piste P12 "
     "Mulde, the Hornkamm ski route; UPS Z3:UPS-1; pistes P09 .. P13", "Zone 3 lift crew (Matthias Gruber)"),
]  # fmt: skip
#: code, equipment, text, severity, meaning, action
FAULT_CODES = [
    ("WND-510", "wind monitoring", "Wind slow-down", "minor",
     "the top station's wind (10-second mean) passed the lift's slow-down threshold: the lift runs at reduced speed "
     "until the wind drops", "none; watch the wind; if it happens at moderate wind, compare the lift control's wind "
     "thresholds with the zone configuration (LOP-012)"),
    ("WND-511", "wind monitoring", "Wind stop", "major",
     "the top station's wind passed the lift's stop threshold: the lift stops with guests on the line until the wind "
     "drops and an operator restarts it; queues build at the bottom station", "check the anemometer against a "
     "handheld and the lift control's wind thresholds against the zone configuration (LOP-012); evacuation plan "
     "EVP-02 if the lift cannot restart within 45 minutes"),
    ("SAFE-410", "safety line", "Safety line interrupted", "critical",
     "the safety line along the towers (rope position and derailment sensors) opened: the lift stops at once and "
     "cannot restart until the line is closed", "read the tower from the valley station panel; send a patrol along "
     "the line (LOP-031)"),
    ("CTL-905", "lift control", "Control software loaded", "info",
     "the lift control restarted for a software load; the lift cannot run for a few minutes",
     "check the lift control's parameters against the zone configuration"),
    ("OPS-920", "lift control", "Operating mode changed", "info",
     "the LCC or the lift's operator changed the operating mode (full speed, reduced speed, stopped, off)", "none"),
    ("TEN-260", "tension carriage", "Tension carriage near end of travel", "minor",
     "the daily check found the tension carriage at or beyond 80% of its travel (fail from 92%): the haul rope has "
     "stretched", "plan a re-splice to shorten the rope (LOP-020)"),
    ("DRV-112", "main drive", "Main drive fault", "critical",
     "the main drive tripped on motor or bearing overtemperature or a converter fault: the lift stops and runs only "
     "on the auxiliary drive", "empty the line with the auxiliary drive; call the workshop (EVP-02)"),
    ("PWR-801", "power", "Mains failure", "critical",
     "the lift's drive lost its mains supply: the lift stops and the diesel auxiliary drive empties the line",
     "check the feeder and the drive UPS"),
    ("PWR-802", "power", "UPS on battery", "minor", "a zone UPS ran on battery for more than a minute",
     "check the mains supply"),
    ("GRIP-318", "grips", "Grip force low", "major",
     "a carrier's grip force at the detach test was below the limit; the carrier was taken off the line",
     "check the grip's springs (LOP-025)"),
    ("STN-620", "station", "Loading gate fault", "minor",
     "the loading gates or the loading conveyor at the bottom station reported a fault", "check the gate sensors"),
    ("ICE-530", "sheaves", "Sheave icing warning", "minor", "rime on the tower sheaves; the rope position sensors may "
     "read wrong", "run the lift empty at low speed; de-ice at the next stop"),
    ("COMM-701", "network", "LCC link lost", "minor",
     "a lift or server lost its link to the lift control centre; the lift keeps running under local control",
     "check the fibre and switch"),
    ("RAD-710", "radio", "Radio repeater fault", "minor", "the lift crews' radio repeater restarted or lost power",
     "none unless it lasts"),
    ("GATE-640", "access gates", "Gate server fault", "minor",
     "the access gate server lost contact with some gates; the gates let guests through and log offline",
     "restart the gate service"),
    ("GATE-641", "access gates", "Gate software loaded", "info", "the access gates restarted for a software load",
     "check every lane reads cards"),
]  # fmt: skip
#: jc, lifts, type, status, engineer, created, planned for, completed (minutes ago; negative: ahead; None: not
#: set), title, notes
JOB_CARDS = [
    ("JC-26-0398", "HORN-C4", "planned", "completed", "Matthias Gruber", 9 * DAY, 8 * DAY, 8 * DAY - 90,
     "HORN-C4 weekly inspection", "all checks passed"),
    ("JC-26-0402", "PANORAMA-C8", "inspection", "completed", "Matthias Gruber", 5 * DAY + 30, None, 5 * DAY - 60,
     "PANORAMA-C8 tension carriage at 80.7% of its travel (TEN-260)", "carriage moving out for weeks; haul rope "
     "stretched; splice and rope otherwise good; the lift runs normally; re-splice to shorten the rope planned "
     "(JC-26-0406); Kronfeld Ropes ticket KRN/2026/019 opened"),
    ("JC-26-0404", "FELSEN-C2", "corrective", "completed", "Lena Hofer", FELSEN_PWR[0] - 5, None,
     FELSEN_PWR[1] - 20, "FELSEN-C2 stopped: mains failure (PWR-801)",
     "feeder breaker tripped; reset, drive UPS batteries found weak (MOC-26-015); line emptied with the auxiliary "
     "drive, lift back in service"),
    ("JC-26-0406", "PANORAMA-C8", "planned", "scheduled", "Matthias Gruber", 5 * DAY - 90, -6 * DAY, None,
     "PANORAMA-C8 haul rope re-splice (shorten 6 m)", "lift closed for 2 days; Kronfeld splicing crew"),
    ("JC-26-0407", "BODEN-T2", "corrective", "awaiting_parts", "Stefan Moser", BODEN_CLOSED - 15, None, None,
     "BODEN-T2 closed: drive motor bearing seized (DRV-112)", "the main drive motor's bearing seized; T-bar closed; "
     "replacement bearing and coupling on order from Brandl, delivery tomorrow; BODEN-T2 closed until fitted; P03 "
     "served by ALM-T2"),
    ("JC-26-0410", "KAR-C4", "corrective", "open", "Matthias Gruber with Sanna Lindgren (Linetek)", 3 * DAY, None,
     None, "KAR-C4 safety line repeatedly interrupted (SAFE-410)", "water in the tower 7 junction box suspected; "
     "Linetek replacing the tower 7 sensor module (LT 5530-12); KAR-C4 stopped whenever the line opens"),
    ("JC-26-0415", "GRAT-C6, SONNJOCH-C6", "project", "completed", "Florian Ebner (Steigtec)", 212, MOC_START,
     MOC_DONE, "Steigtec SG-9 control software 4.1.0 pilot on the Gratkamm (MOC-26-017)",
     "two lift controls updated from 4.0.3, one lift at a time; post check: drives, brakes, safety line and LCC "
     "link good, both back in service at full speed"),
    ("JC-26-0421", "GRAT-C6, SONNJOCH-C6", "corrective", "in_progress", "Lena Hofer (lift electrician, Gratkamm)",
     150, None, None, "Wind slow-downs, stops and queues on GRAT-C6 and SONNJOCH-C6 (WND-510, WND-511)",
     "both top-station anemometers read the same as the handheld; the wind is 38-48 km/h, as every afternoon on the "
     "ridge; the SG-9 wind thresholds are slow-down 35 and stop 45 km/h since the 4.1.0 update, the factory values, "
     "while the zone configuration Z2-SG9-CFG-r7 sets 50 and 65 (PANORAMA-C8, still on 4.0.3, has 50 and 65); "
     "Steigtec ticket STG-CS-40518 raised by Tobias Wallner"),
    ("JC-26-0423", "GLETSCHER-C6", "planned", "scheduled", "Matthias Gruber", 300, -DAY, None,
     "GLETSCHER-C6 weekly inspection", ""),
]  # fmt: skip
#: moc, title, lifts, category, state, requested by, implemented by, approver, raised, planned start, implemented
#: (minutes ago; negative: ahead; None: not yet), backout, notes
CHANGES = [
    ("MOC-26-009", "LCC:SRV-1 lift control server patch 3.2.7", "LCC:SRV-1", "lcc_software", "implemented",
     "Andrea Steiner", "Nina Kofler (resort IT)", "Change board", 16 * DAY, 12 * DAY, 12 * DAY, "uninstall the patch",
     "trend screen fixes"),
    ("MOC-26-013", "LCC:RPT-1 radio repeater firmware 2.4 -> 2.5", "LCC:RPT-1", "radio", "implemented",
     "Andrea Steiner", "Nina Kofler (resort IT)", "Change board", 6 * DAY, 2640, 2640, "reinstall 2.4",
     "crews' radio back within 2 minutes; no lift affected"),
    ("MOC-26-015", "FELSEN-C2 drive UPS battery replacement", "FELSEN-C2", "electrical", "implemented",
     "Lena Hofer", "Lena Hofer (lift electrician, Gratkamm)", "Change board", 3 * DAY, 1680, 1680,
     "refit the old batteries", "after the FELSEN-C2 mains failure (JC-26-0404); done before opening"),
    ("MOC-26-017", "Steigtec SG-9 control software 4.0.3 -> 4.1.0, pilot on GRAT-C6 and SONNJOCH-C6 (Gratkamm)",
     "GRAT-C6, SONNJOCH-C6", "lift_control", "implemented", "Tobias Wallner (lift technical manager)",
     "Florian Ebner (Steigtec service engineer)", "Change board", 5 * DAY, MOC_START, MOC_DONE,
     "reload 4.0.3 from the Steigtec service laptop (about 15 minutes a lift, lift stopped and empty)",
     "smoother carrier spacing at the stations; one lift at a time; resort rollout after a 7-day pilot (JC-26-0415)"),
    ("MOC-26-018", "Gatewise access gate software 12.3 -> 12.4 at the Talbahn valley station", "Z1:GATE-SRV",
     "access_gates", "implemented", "Nina Kofler", "Nina Kofler (resort IT)", "Change board", 4 * DAY, GATES_AT,
     GATES_AT, "reload 12.3", "season pass photo check; Talboden only"),
    ("MOC-26-019", "Emergency: reload the zone configuration Z2-SG9-CFG-r7 (wind thresholds 50 / 65 km/h) on "
     "GRAT-C6 and SONNJOCH-C6", "GRAT-C6, SONNJOCH-C6", "lift_config", "approved", "Tobias Wallner", None,
     "Emergency board (Andrea Steiner, head of lift operations; Rupert Hauser, technical director)", 40, -20, None,
     "roll back to 4.0.3", "STG-CS-40518; during a stop, no restart of the control"),
]  # fmt: skip
#: entry, minutes ago, author, role, text
LCC_LOG = [
    ("LCL-26-2214", 2635, "Petra Aigner", "LCC operator (early)", "LCC:RPT-1 repeater firmware by Nina Kofler "
     "(MOC-26-013); crews on the backup channel for 2 minutes"),
    ("LCL-26-2217", BODEN_CLOSED - 5, "Petra Aigner", "LCC operator (early)", "BODEN-T2 main drive fault "
     "(DRV-112), T-bar emptied and closed; ski school beginners moved to ALM-T2; Stefan Moser called (JC-26-0407)"),
    ("LCL-26-2219", 1675, "Petra Aigner", "LCC operator (early)", "FELSEN-C2 drive UPS batteries replaced before "
     "opening (MOC-26-015)"),
    ("LCL-26-2226", 214, "Jakob Rainer", "LCC duty operator", "Florian Ebner (Steigtec) starting the SG-9 4.1.0 "
     "pilot on GRAT-C6 and SONNJOCH-C6 (MOC-26-017); each lift stopped in turn"),
    ("LCL-26-2227", 185, "Jakob Rainer", "LCC duty operator", "software pilot done; both lifts back at full speed"),
    ("LCL-26-2229", 168, "Jakob Rainer", "LCC duty operator", "GRAT-C6 and SONNJOCH-C6 slowing and stopping on "
     "wind (WND-510, WND-511); queues building at both bottom stations"),
    ("LCL-26-2231", 149, "Jakob Rainer", "LCC duty operator", "Lena Hofer sent to check the anemometers on GRAT-C6 "
     "and SONNJOCH-C6 (JC-26-0421)"),
    ("LCL-26-2233", 140, "Jakob Rainer", "LCC duty operator", "ski school desk on the radio: groups waiting 20 "
     "minutes at Grat (GF-55143)"),
    ("LCL-26-2234", 119, "Jakob Rainer", "LCC duty operator", "Nina Kofler loaded Gatewise 12.4 on the Talbahn "
     "valley gates (MOC-26-018)"),
    ("LCL-26-2236", 95, "Jakob Rainer", "LCC duty operator", "Hotel Sonnblick: guests' ski day on the ridge lost "
     "(GF-55148); ski school sent to PANORAMA-C8 (LCC-SOP-04)"),
    ("LCL-26-2237", 77, "Jakob Rainer", "LCC duty operator", "Tobias Wallner raised STG-CS-40518 with Steigtec"),
    ("LCL-26-2238", REDUCED_AT, "Jakob Rainer", "LCC duty operator", "GRAT-C6 and SONNJOCH-C6 set to a fixed "
     "reduced speed to cut the stop-start (LOP-012 mitigation)"),
    ("LCL-26-2240", 39, "Jakob Rainer", "LCC duty operator", "emergency MOC-26-019 approved by Andrea Steiner and "
     "Rupert Hauser; configuration reload in 20 minutes during a stop; Katrin Moser advises a reload, not a "
     "rollback"),
    ("LCL-26-2241", 34, "Jakob Rainer", "LCC duty operator", "KAR-C4 safety line open again, lift stopped, patrol "
     "walking the line; Linetek told (LT 5530-12)"),
    ("LCL-26-2242", 23, "Jakob Rainer", "LCC duty operator", "Hotel Sonnblick general manager escalation about the "
     "Gratkamm queues (GF-55156)"),
]  # fmt: skip
#: ticket, minutes ago, from, kind, reference, subject, priority, status, handler
FEEDBACK = [
    ("GF-55101", 6 * DAY + 200, "Skischule Aurenfels", "ski school", "EVT-26-07",
     "Race week closes P12 Mulde to our groups every morning", "P3", "closed", "Sophie Lanz"),
    ("GF-55109", 5 * DAY + 300, "Aurenfels Season Pass Club", "season pass holders", "TALBAHN-G10",
     "First gondola up should run 15 minutes earlier on powder days", "P4", "closed", "Sophie Lanz"),
    ("GF-55115", 4 * DAY + 100, "Alpinreisen Weber", "tour operator", "EVT-26-07",
     "Race week: which pistes are open for our groups?", "P3", "closed", "Verena Pichler"),
    ("GF-55122", 3 * DAY + 50, "Skischule Aurenfels", "ski school", "KAR-C4",
     "KAR-C4 keeps stopping with our children on the chairs", "P3", "acknowledged", "Sophie Lanz"),
    ("GF-55133", BODEN_CLOSED - 10, "Kinderland Aurenfels", "kids' club", "BODEN-T2",
     "Beginners' T-bar closed: where do the lessons go?", "P3", "acknowledged", "Stefan Moser"),
    ("GF-55140", 165, "Aurenfels Season Pass Club", "season pass holders", "GRAT-C6",
     "40-minute queue at Grat, the chair keeps stopping", "P2", "open", "Sophie Lanz"),
    ("GF-55143", 141, "Skischule Aurenfels", "ski school", "GRAT-C6",
     "Ski school groups stuck in the Grat queue, lessons running late", "P3", "open", "Sophie Lanz"),
    ("GF-55145", 122, "Alpinreisen Weber", "tour operator", "SONNJOCH-C6",
     "Sonnjoch chair stopping on the line, guests cold", "P3", "open", "Verena Pichler"),
    ("GF-55148", 96, "Hotel Sonnblick", "hotel partner", "GRAT-C6, SONNJOCH-C6",
     "Guests lose their ski day on the ridge: stopping chairs and long queues", "P1", "open", "Andrea Steiner"),
    ("GF-55152", 58, "Bergrettung Aurenfels", "mountain rescue", "SONNJOCH-C6",
     "Patient transport held on a stopped Sonnjoch chair", "P2", "open", "Andrea Steiner"),
    ("GF-55156", 24, "Hotel Sonnblick", "hotel partner", "Gratkamm",
     "Escalation by the general manager: the ridge lifts keep stopping", "P1", "open", "Rupert Hauser"),
]  # fmt: skip
#: ref, supplier, lifts, subject, status, priority, engineer, opened and updated (minutes ago), latest
SUPPLIER_TICKETS = [
    ("STG-CS-40518", "Steigtec", "GRAT-C6, SONNJOCH-C6", "Wind slow-downs and stops at moderate wind after SG-9 "
     "4.1.0", "open", "P1", "Katrin Moser", 78, 50,
     "known issue KI-SG9-031: updating from 4.0.x resets the wind slow-down and stop thresholds to their factory "
     "values (35 and 45 km/h) and ignores the zone configuration's values; reload the zone configuration "
     "(Z2-SG9-CFG-r7) during a stop, effective at once without a restart, or roll back to 4.0.3; fixed in 4.1.1; "
     "hold the resort rollout"),
    ("LT 5530-12", "Linetek", "KAR-C4", "KAR-C4 safety line opening repeatedly", "in_progress", "P2",
     "Sanna Lindgren", 5 * DAY, 30, "tower 7 sensor module swap booked for tomorrow morning; meanwhile reset the "
     "line from the valley station after each trip once the patrol has checked the tower"),
    ("KRN/2026/019", "Kronfeld Ropes", "PANORAMA-C8", "Haul rope stretch: re-splice", "open", "P3", "Georg Lechner",
     5 * DAY - 40, 2 * DAY, "splicing crew booked for the re-splice in 6 days (shorten by 6 m); safe to run until "
     "the carriage reaches 92% of its travel"),
]  # fmt: skip
KB = [
    ("LOP-012", "Wind stops after a lift control software update",
     "If a lift slows or stops on wind that it used to run through after a lift control software load, check the "
     "anemometer against a handheld, then compare the lift control's wind thresholds with the zone configuration "
     "(Gratkamm: Z2-SG9-CFG-r7, slow-down 50, stop 65 km/h): reload the zone configuration during a stop or roll the "
     "software back, and raise a Steigtec ticket. Meanwhile run the lift at a fixed reduced speed and send ski school "
     "groups to another lift (LCC-SOP-04)."),
    ("LOP-020", "Tension carriage position",
     "The daily check records the tension carriage position: warning from 80% of its travel, fail from 92%. On a "
     "warning plan a re-splice to shorten the haul rope; at fail close the lift."),
    ("LOP-025", "Grip force tests", "Detachable grips are tested at every detach; a carrier below the limit is taken "
     "off the line and its grip springs checked in the workshop."),
    ("LOP-031", "Safety line faults",
     "When the safety line opens the lift stops. Read the tower from the valley station panel, send a patrol along "
     "the line, close and reset the line only after the tower has been checked."),
    ("LCC-SOP-04", "Guest and partner communication during lift stoppages",
     "Post the stoppage on the guest screens and the app within 10 minutes; tell the ski school and the partner "
     "hotels; a P1 feedback goes to the head of lift operations. Refund requests go to the ticket office."),
    ("EVP-02", "Evacuation of a stopped lift",
     "If a lift cannot restart within 45 minutes empty the line with the auxiliary drive; if that fails, start the "
     "rope evacuation with the mountain rescue."),
    ("OEM SG-9 6.2", "Steigtec SG-9 manual, section 6.2: wind response",
     "The lift control slows the lift when the top station's wind passes the slow-down threshold and stops it at "
     "the stop threshold; the factory values are 35 and 45 km/h. The zone configuration file sets them per lift."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE zones (code TEXT PRIMARY KEY, name TEXT, lifts TEXT, description TEXT, owner TEXT);
CREATE TABLE lifts (lift TEXT PRIMARY KEY, name TEXT, zone TEXT, type TEXT, seats INTEGER, capacity_pph INTEGER,
                    length_m INTEGER, vertical_m INTEGER, control TEXT, built INTEGER);
CREATE TABLE status (lift TEXT PRIMARY KEY, zone TEXT, state TEXT, since TEXT, mode TEXT, speed_set_ms REAL,
                     active_fault TEXT, control_software TEXT);
CREATE TABLE queues (lift TEXT, bucket_start TEXT, bucket_epoch INTEGER, riders INTEGER, avg_wait_min REAL,
                     max_wait_min REAL, stops INTEGER);
CREATE INDEX queues_epoch ON queues (bucket_epoch);
CREATE TABLE telemetry (lift TEXT, measure TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX telemetry_lift ON telemetry (lift, ts_epoch);
CREATE INDEX telemetry_measure ON telemetry (measure, ts_epoch);
CREATE TABLE faults (fault_id INTEGER PRIMARY KEY, unit TEXT, detail TEXT, code TEXT, text TEXT, severity TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT);
CREATE TABLE fault_codes (code TEXT PRIMARY KEY, equipment TEXT, text TEXT, severity TEXT, meaning TEXT, action TEXT);
CREATE TABLE checks (lift TEXT, checked_at TEXT, checked_epoch INTEGER, carriage_pct REAL, brake_stop_m REAL,
                     result TEXT);
CREATE INDEX checks_lift ON checks (lift, checked_epoch);
CREATE TABLE pistes (day TEXT, day_end_epoch INTEGER, piste TEXT, name TEXT, zone TEXT, difficulty TEXT, lifts TEXT,
                     lift_hours REAL, open_hours REAL, open_pct REAL, groomed TEXT, snow_depth_cm INTEGER,
                     patrol_callouts INTEGER);
CREATE TABLE events (event TEXT PRIMARY KEY, piste TEXT, organiser TEXT, kind TEXT, lifts TEXT, arrangements TEXT,
                     start_date TEXT, end_date TEXT, status TEXT, coordinator TEXT);
CREATE TABLE feedback (ticket TEXT PRIMARY KEY, opened TEXT, opened_epoch INTEGER, sender TEXT, sender_kind TEXT,
                       reference TEXT, subject TEXT, priority TEXT, status TEXT, handler TEXT);
CREATE TABLE job_cards (jc TEXT PRIMARY KEY, lifts TEXT, type TEXT, status TEXT, engineer TEXT, created TEXT,
                        created_epoch INTEGER, planned_for TEXT, completed TEXT, title TEXT, notes TEXT);
CREATE TABLE changes (moc TEXT PRIMARY KEY, title TEXT, units TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned_start TEXT, implemented TEXT,
                      implemented_epoch INTEGER, backout TEXT, notes TEXT);
CREATE TABLE lcc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE supplier_tickets (ref TEXT PRIMARY KEY, supplier TEXT, lifts TEXT, subject TEXT, status TEXT,
                               priority TEXT, engineer TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _lift(lift_id: str) -> tuple[Any, ...]:
    return LIFTS[LIFT_IDS.index(lift_id)]


def _kar_stops() -> list[tuple[int, int | None]]:
    """KAR-C4's safety line trips: (opened, closed) in minutes ago; the newest still open."""
    return [(m, None if m == KAR_TRIPS[0] else m - 5 - int(25 * noise("ks", m))) for m in KAR_TRIPS]


def _queue(lift: str, k: int) -> tuple[int, float | None, float | None, int]:
    """One lift's bucket k: (riders, average wait min, longest wait min, stops)."""
    closed = (
        (lift == "BODEN-T2" and 15 * (k + 1) <= BODEN_CLOSED)
        or (lift == "KAR-C4" and 15 * (k + 1) <= KAR_TRIPS[0])
        or (lift == "GRAT-C6" and k == 13)  # stopped for its control software load
        or (lift == "SONNJOCH-C6" and k == 12)
    )
    if closed:
        return 0, None, None, 0
    cap15 = _lift(lift)[5] / 4
    wait = round(1.0 + 5.0 * noise(f"w{lift}", k), 1)
    stops = int(1.3 * noise(f"st{lift}", k))
    load = 0.55 + 0.35 * noise(f"r{lift}", k)
    if lift == "GRAT-C6" and k in SPIKE:
        wait = SPIKE[k]
    elif lift == "SONNJOCH-C6" and k in SPIKE:
        wait = round(wait + 0.6 * (SPIKE[k] - SPIKE_BASE), 1)
    if lift in PILOT and k in SPIKE:
        stops = 2 + int(3 * noise(f"sp{lift}", k))
        load = 0.30 + 0.15 * noise(f"r{lift}", k)
    if lift == "KAR-C4":
        stops += sum(15 * k <= m < 15 * (k + 1) for m in KAR_TRIPS)
    riders = round(cap15 * load)
    longest = round(wait * (1.4 + 0.4 * noise(f"mx{lift}", k)), 1)
    return riders, wait, longest, stops


def _queues(now: datetime) -> list[tuple[Any, ...]]:
    """Every lift's 15-minute buckets for 7 days, the newest ending now."""
    rows = []
    for lift in LIFT_IDS:
        for k in range(QUEUE_DAYS * 96):
            start = now - timedelta(minutes=15 * (k + 1))
            rows.append((lift, iso(start), int(start.timestamp()), *_queue(lift, k)))
    return rows


def _telemetry(now: datetime) -> list[tuple[Any, ...]]:
    """Every lift's four measures every 10 minutes for 48 hours, the newest at now (none while its control restarts
    or the lift is closed)."""
    stopped = _kar_stops()
    rows = []
    for lift, _, _, kind, *_ in LIFTS:
        full = SPEED[kind]
        for i in range(TELEMETRY_HOURS * 6):
            m = 10 * i
            if (lift == "BODEN-T2" and m <= BODEN_CLOSED) or (lift in PILOT and PILOT[lift][1] <= m <= PILOT[lift][0]):
                continue
            t = now - timedelta(minutes=m)
            if lift in SLOWED and m <= SLOW_FROM[lift]:
                low, spread = SLOWED[lift]
                speed = round(low + spread * noise(f"sp{lift}", i), 1)
            elif lift == "KAR-C4" and any((cl if cl is not None else 0) <= m <= op for op, cl in stopped):
                speed = 0.0
            else:
                speed = round(full - (0.4 if full >= 4 else 0.2) * noise(f"sp{lift}", i), 1)
            low, spread = RIDGE_WIND.get(lift, (8, 22))
            power = {"gondola": 520, "detachable chairlift": 410, "fixed-grip chairlift": 160, "T-bar": 75}[kind]
            values = {
                "rope_speed_ms": speed,
                "wind_kmh": float(low + round(spread * noise(f"wd{lift}", i))),
                "motor_kw": round(power * (speed / full) * (0.7 + 0.3 * noise(f"kw{lift}", i))),
                "gearbox_oil_c": float(38 + round(14 * noise(f"oil{lift}", i))),
            }
            for measure, value in values.items():
                rows.append((lift, measure, float(value), iso(t), int(t.timestamp())))
    return rows


def _faults() -> list[tuple[Any, ...]]:
    """(unit, detail, code, raised, cleared) in minutes ago (cleared None: active), for 7 days."""
    out: list[tuple[Any, ...]] = []
    quiet = {"ALM-T2": "STN-620", "TALBAHN-G10": "GRIP-318", "HORN-C4": "ICE-530", "GLETSCHER-C6": "WND-510",
             "MULDE-T2": "STN-620", "LCC:SRV-1": "COMM-701", "LCC:RPT-1": "RAD-710", "Z1:GATE-SRV": "GATE-640",
             "Z2:UPS-1": "PWR-802", "Z3:UPS-1": "PWR-802"}  # fmt: skip
    units = list(quiet)
    order = sorted(units, key=lambda u: noise("fpick", units.index(u)))
    for s, unit in enumerate(order):  # background faults: each unit once
        m = 430 + 820 * s + int(200 * noise("fm", s))
        out.append((unit, "", quiet[unit], m, m - 3 - int(40 * noise("fd", s))))
    out += [("KAR-C4", "tower 7", "SAFE-410", op, cl) for op, cl in _kar_stops()]
    out += [(x, "SG-9 4.0.3 -> 4.1.0", "CTL-905", start, back) for x, (start, back) in PILOT.items()]
    out += [
        ("GRAT-C6", "top station 37 km/h (slow-down at 35)", "WND-510", WND_SLOW_AT["GRAT-C6"], None),
        ("SONNJOCH-C6", "top station 36 km/h (slow-down at 35)", "WND-510", WND_SLOW_AT["SONNJOCH-C6"], None),
        ("GRAT-C6", "top station 46 km/h (stop at 45)", "WND-511", WND_STOP_AT["GRAT-C6"], None),
        ("SONNJOCH-C6", "top station 45 km/h (stop at 45)", "WND-511", WND_STOP_AT["SONNJOCH-C6"], None),
    ]
    out += [(x, "full speed -> reduced speed 3.0 m/s", "OPS-920", REDUCED_AT, REDUCED_AT) for x in PILOT]
    out += [("Z1:GATE-SRV", "Gatewise 12.3 -> 12.4", "GATE-641", GATES_AT, GATES_AT - 4)]
    out += [
        ("FELSEN-C2", "drive feeder", "PWR-801", FELSEN_PWR[0], FELSEN_PWR[1]),
        ("PANORAMA-C8", "tension carriage 80.7%", "TEN-260", 5 * DAY + 45, None),
        ("BODEN-T2", "drive motor bearing", "DRV-112", BODEN_CLOSED, None),
    ]
    return sorted(out, key=lambda o: -o[3])


def _checks(now: datetime) -> list[tuple[Any, ...]]:
    """One check a day per lift for 120 days (at T-45m, T-1d-45m, ...; none while the lift is closed)."""
    rows = []
    for lift, _, _, kind, *_ in LIFTS:
        for k in range(CHECK_DAYS):
            m = k * DAY + 45
            if lift == "BODEN-T2" and m <= BODEN_CLOSED:
                continue
            t = now - timedelta(minutes=m)
            if lift == STRETCH:
                pct = round(30 + (CARRIAGE_NOW - 30) * math.exp(-CARRIAGE_RATE * k), 1)
            elif lift == "GLETSCHER-C6":
                pct = round(40 + 2 * noise("cgl", k), 1)
            else:
                pct = round(36 + 12 * noise("cb", LIFT_IDS.index(lift)) + 2 * noise(f"c{lift}", k), 1)
            result = "fail" if pct >= 92 else "warn" if pct >= 80 else "pass"
            base = {"gondola": 5.5, "detachable chairlift": 4.5, "fixed-grip chairlift": 2.5, "T-bar": 2.0}[kind]
            brake = round(base + 0.6 * noise(f"br{lift}", k), 1)
            rows.append((lift, iso(t), int(t.timestamp()), pct, brake, result))
    return rows


def _pistes(now: datetime) -> list[tuple[Any, ...]]:
    """Per piste and complete UTC day for 31 days (yesterday back); the race week closes P12 Mulde every morning."""
    midnight = now.replace(hour=0, minute=0)
    race_day = (now - timedelta(minutes=RACE_START)).strftime("%Y-%m-%d")
    rows = []
    for d in range(1, PISTE_DAYS + 1):
        start = midnight - timedelta(days=d)
        day = start.strftime("%Y-%m-%d")
        for piste, name, zone, difficulty, lifts in PISTES:
            hours = 8.0 if difficulty != "ski route" else 7.0
            if piste == "P12" and day >= race_day:
                target = 56 + 11 * noise(f"po{piste}", d)
            else:
                target = 94 + 6 * noise(f"po{piste}", d)
            open_h = min(hours, round(hours * target / 100 * 4) / 4)
            groomed = "no" if difficulty == "ski route" else "yes"
            depth = int(110 + 60 * noise(f"sd{piste}", 0) + 10 * noise(f"sd{piste}", d))
            callouts = int(3 * noise(f"pc{piste}", d))
            rows.append((day, int((start + timedelta(days=1)).timestamp()), piste, name, zone, difficulty, lifts,
                         hours, open_h, round(100 * open_h / hours, 1), groomed, depth, callouts))  # fmt: skip
    return rows


def _events(now: datetime) -> list[tuple[Any, ...]]:
    """Slope events, their dates relative to now (days)."""

    def day(days: float) -> str:
        return (now + timedelta(days=days)).strftime("%Y-%m-%d")

    return [
        ("EVT-26-04", "P11 Horn", "Skiclub Aurenfels", "club race", "HORN-C4", "P11 closed to the public 09:00-12:00",
         day(-20), day(-20), "completed", "Verena Pichler"),
        ("EVT-26-05", "P01 Talabfahrt", "Aurenfels Tourism", "torchlight descent", "TALBAHN-G10",
         "evening run of the Talbahn; P01 closed after 17:00", day(-10), day(-10), "completed", "Jonas Brugger"),
        ("EVT-26-07", "P12 Mulde", "Race office (Europa Cup)", "race training and Europa Cup slalom race week",
         "MULDE-T2, KAR-C4",
         "P12 Mulde closed to the public every morning until about 11:30; MULDE-T2 reserved for race teams then; "
         "public via KAR-C4 in the afternoon", day(-6), day(9), "in_progress", "Verena Pichler"),
        ("EVT-26-09", "P07 Park Felsen", "Snowpark crew", "snowpark rebuild", "FELSEN-C2",
         "park lines closed in turn; no lift closure", day(-3), day(2), "in_progress", "Jonas Brugger"),
        ("EVT-26-11", "P10 Gletscherboden", "Alpina Skis", "ski test days", "GLETSCHER-C6",
         "test tent at the top station; no closure", day(2), day(5), "planned", "Jonas Brugger"),
    ]  # fmt: skip


def _status(now: datetime) -> list[tuple[Any, ...]]:
    """Every lift now: lift, zone, state, since (minutes ago), mode, speed set, active fault, control software."""
    rows = []
    for lift, _, zone, kind, _, _, _, _, control, _ in LIFTS:
        software = SOFTWARE[control]
        state, since, mode, fault, speed = "running", 30 * DAY, "full_speed", None, SPEED[kind]
        if lift in PILOT:
            state, since, mode, fault, software = "degraded", REDUCED_AT, "reduced_speed", "WND-511", "SG-9 4.1.0"
            speed = 3.0
        elif lift == "KAR-C4":
            state, since, mode, fault, speed = "down", KAR_TRIPS[0], "stopped", "SAFE-410", 0.0
        elif lift == "BODEN-T2":
            state, since, mode, fault, speed = "closed", BODEN_CLOSED, "off", "DRV-112", 0.0
        elif lift == STRETCH:
            fault = "TEN-260"
        elif lift == "FELSEN-C2":
            since = FELSEN_PWR[1]
        rows.append((lift, zone, state, iso(now - timedelta(minutes=since)), mode, speed, fault, software))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO zones VALUES (?,?,?,?,?)", ZONES)
    db.executemany("INSERT INTO lifts VALUES (?,?,?,?,?,?,?,?,?,?)", LIFTS)
    db.executemany("INSERT INTO status VALUES (?,?,?,?,?,?,?,?)", _status(now))
    db.executemany("INSERT INTO queues VALUES (?,?,?,?,?,?,?)", _queues(now))
    db.executemany("INSERT INTO telemetry VALUES (?,?,?,?,?)", _telemetry(now))
    codes = {c[0]: c for c in FAULT_CODES}
    db.executemany(
        "INSERT INTO faults VALUES (?,?,?,?,?,?,?,?,?)",
        [(8810400 + i, u, d, c, codes[c][2], codes[c][3], ago(m), clock.epoch(m), ago(cl))
         for i, (u, d, c, m, cl) in enumerate(_faults())],
    )  # fmt: skip
    db.executemany("INSERT INTO fault_codes VALUES (?,?,?,?,?,?)", FAULT_CODES)
    db.executemany("INSERT INTO checks VALUES (?,?,?,?,?,?)", _checks(now))
    db.executemany("INSERT INTO pistes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _pistes(now))
    db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?)", _events(now))
    db.executemany("INSERT INTO feedback VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(t, ago(m), clock.epoch(m), *rest) for t, m, *rest in FEEDBACK])  # fmt: skip
    db.executemany("INSERT INTO job_cards VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(j[0], j[1], j[2], j[3], j[4], ago(j[5]), clock.epoch(j[5]), ago(j[6]), ago(j[7]), j[8], j[9])
                    for j in JOB_CARDS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), *c[11:])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO lcc_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in LCC_LOG])  # fmt: skip
    db.executemany("INSERT INTO supplier_tickets VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:7], ago(v[7]), ago(v[8]), v[9]) for v in SUPPLIER_TICKETS])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Ski resort lift operations store (Aurenfels): lifts, lift controls, queues, faults, pistes, events"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
