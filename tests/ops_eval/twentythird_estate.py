"""A twenty-third estate, held out from the planner's tuning: the operations of a commercial satellite ground station
network (the Halvard Ground Network: eleven antennas at three sites, Vardenes in the Arctic, Puerto Calma and
Kaimoana, run from a network operations centre in Bergholm for six customer missions): antenna status, downlink
quality per antenna, ACU telemetry, the monitoring and control (M&C) alarm log, daily antenna health checks, pass
figures per mission, support campaigns, customer tickets, maintenance work orders, change requests, the NOC's log,
supplier tickets and procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
sites are ``HGN/VRD`` (network, slash, site); antennas ``VRD.A03`` (site, a dot, zero-padded); site equipment
``VRD:GPS-1``, ``KMO:RTR-1``, ``NOC:FEP-2`` (colons); missions ``SC:ORBIS-3``, ``SC:KESTREL-SAR-2`` (a colon); alarm
codes ``ACU.TRK-ERR``, ``RX.FRM-LOSS``, ``RX.MODEM-LOST`` (dots and dashes); work orders ``MWO 26/0783`` (a space and a
slash); change requests ``CHG-26-0317``; NOC log entries ``NOCL-26-1854``; customer tickets ``CT#40548`` (a hash);
campaigns ``LEOP/26/03``, ``SPX/26/15``; supplier tickets ``AST-SR-118204``, ``QX 2291-07`` (a space),
``BGX/2026/044``; procedures ``GSP-014``, ``NOC-WI-07``, ``ERP-02``, ``OEM ACU-7 5.3``; the site configuration
``VRD-ACU-CFG-r9``; the supplier's known issue ``KI-ACU7-052``; firmware ``5.2.0``; people are named in full
(``Sindre Haugen``). Windows come as ``lookback_minutes``, RFC 3339 timestamps (``since`` / ``until``), ISO dates
(``from_date`` / ``to_date``), a named ``created_within`` enum, ``hours`` and ``days``; two APIs require an antenna
(ACU telemetry, daily health checks); two look up one record by key (an alarm code, a supplier ticket), one finds
campaigns by spacecraft; two search free text (the NOC log, procedures); one is narrow (antenna, measure, value, ts).
:mod:`tests.ops_eval.twentythird_apis` defines them.

The story (minutes before the estate is built, minute-aligned; link-quality buckets are 15 minutes, bucket k from
T-15(k+1)m to T-15km; telemetry every 10 minutes with the newest at now; health checks daily at T-40m, T-1d-40m, ...;
mission rows are whole UTC days, yesterday back):

- over 120 days: the azimuth gearbox of PCM.A02 (Puerto Calma) wears, its vibration rising from about 1.3 mm/s (2.0
  90 days ago) to 7.6 now (1.5% a day: 4.92 29 days ago, 4.85 30 days ago; at or above the 7.1 warning since the
  check 4 days ago: ACU.AZ-VIB, MWO 26/0766, Lucía Ferreyra finds bearing wear metal in the oil; gearbox replacement
  MWO 26/0770 in 5 days; Borealis Drives BGX/2026/044); every other antenna stays at 3.5 mm/s or less (PCM.A01
  1.8-2.3): a slow trend;
- this week: PCM.A03's Quantix QX-4 modem is lost 11 times (RX.MODEM-LOST; the most of any unit), the newest at T-35m
  still active: PCM.A03 down (QX 2291-07, Pavel Novak; MWO 26/0777); VRD.A05 drive power failure 3 days ago (fixed
  since); KMO.A03 down since T-30h: its azimuth encoder failed (ACU.AZ-ENC), new encoder on order (MWO 26/0774,
  awaiting_parts); the launch and early orbit phase of SC:KESTREL-SAR-2 (LEOP/26/03, Kestrel Radar, coordinator Ines
  Duarte) since 6 days ago pre-empts routine passes at Puerto Calma and Kaimoana: SC:PICO-12 (Picoworks, the lowest
  priority) gets only 56-67% of its passes a day (the worst mission; the others 94-100%);
- T-209m .. T-187m CHG-26-0317 (Henrik Aalto of Astrel Systems, the ACU maker; requested by Marta Lindqvist, RF
  engineering lead) updates the Astrel ACU-7 antenna control units of VRD.A02 (T-209m .. T-202m) and VRD.A03
  (T-194m .. T-187m) at Vardenes from firmware 5.1.4 to 5.2.0 (a pilot; VRD.A01, VRD.A04, VRD.A05 and the Puerto
  Calma ACU-7s stay on 5.1.4; Kaimoana runs Tessaro TCU-40s); the update resets the refraction correction to its
  factory value OFF, while the site configuration VRD-ACU-CFG-r9 sets it ON, so the antennas point too low near the
  horizon and low-elevation passes lose frames;
- from the bucket starting T-180m (the onset; the first ACU.TRK-ERR at T-177m on VRD.A03, T-173m on VRD.A02; the
  first RX.FRM-LOSS at T-174m on VRD.A03) VRD.A03's frame loss goes from 0.1-0.5% to 2.6, 4.3, 6.1, 8.4, 10.9, 13.2,
  15.8 (the peak, T-90m .. T-75m), 14.9, 12.6, 11.4, 11.9, 11.2% (newest; VRD.A02 with 60% of the rise); VRD.A03's
  tracking error 70-130 mdeg (VRD.A02 50-100) against 3-9 everywhere else; T-170m the NOC sees late acquisitions,
  T-165m the first customer ticket (Orbis), T-150m MWO 26/0783 (Sindre Haugen: RF chain tests good, refraction
  correction OFF against VRD-ACU-CFG-r9's ON), T-141m Picoworks (CT#40543), T-96m Nivalis Met Agency (P1, CT#40548),
  T-78m AST-SR-118204 (Astrel, Katja Rautio: known issue KI-ACU7-052, reload the site configuration or roll back to
  5.1.4), T-70m the NOC puts VRD.A02 and VRD.A03 on autotrack from acquisition, T-58m Kestrel Radar (CT#40552), T-40m
  emergency CHG-26-0321 approved (Ruth Okafor, Daniel Brandt), planned T+20m, T-24m Nivalis's operations director
  escalates (CT#40556);
- red herrings: CHG-26-0319 loads Quantix modem software 4.7 at Kaimoana at T-120m (after the onset, another site);
  CHG-26-0314 (KMO:RTR-1 router firmware, T-28h) and CHG-26-0311 (VRD:UPS-1 batteries, T-44h); the Terralux Ka-band
  calibration campaign on VRD.A04 (SPX/26/15, no pre-emption, 3 days old); PCM.A03, VRD.A05, KMO.A03 and the Kestrel
  LEOP earlier this week.

No API reports space weather or forecasts, orbits or TLEs, costs, SLA credits or penalties, staff rotas or on-call,
generator fuel, debris conjunctions or spectrum licences; there is no VRD.A09, no SC:ORBIS-9 and no AST-SR-119999;
link quality and alarms are kept 7 days, telemetry 48 hours, health checks 120 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.twentythird_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "halvard_gsn"
DAY = 1440
LQ_DAYS, TELEMETRY_HOURS, HEALTH_DAYS, MISSION_DAYS = 7, 48, 120, 31
CHG_START, CHG_DONE = 209, 187  # minutes ago
#: the pilot antennas: antenna -> (firmware load started, back in the schedule) in minutes ago
PILOT = {"VRD.A02": (209, 202), "VRD.A03": (194, 187)}
#: when each pilot antenna's tracking error first went high, and when its pointing stayed off from, minutes ago
TRK_ERR_AT = {"VRD.A03": 177, "VRD.A02": 173}
POINTING_OFF = {"VRD.A03": 180, "VRD.A02": 176}
FRM_LOSS_AT = {"VRD.A03": 174, "VRD.A02": 168}
AUTOTRACK_AT, MODEM_PATCH_AT, KMO_A03_DOWN, CAMPAIGN_START = 70, 120, 1800, 6 * DAY
VRD_A05_PWR = (4330, 4255)
PCM_A03_LOST = [35, 290, 880, 1505, 2160, 2940, 3655, 4790, 5960, 7235, 9010]  # the newest still active
VIB_BAD, VIB_NOW, VIB_RATE = "PCM.A02", 7.6, 0.015

#: antenna, site, dish (m), bands, ACU, modem, LNA, commissioned
ANTENNAS = [
    ("VRD.A01", "HGN/VRD", 7.3, "S, X", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-45", 2016),
    ("VRD.A02", "HGN/VRD", 7.3, "S, X", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-45", 2018),
    ("VRD.A03", "HGN/VRD", 7.3, "S, X", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-45", 2018),
    ("VRD.A04", "HGN/VRD", 11.3, "S, X, Ka", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-45K", 2021),
    ("VRD.A05", "HGN/VRD", 3.7, "S, X", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-60", 2022),
    ("PCM.A01", "HGN/PCM", 7.3, "S, X", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-45", 2017),
    ("PCM.A02", "HGN/PCM", 7.3, "S, X", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-45", 2017),
    ("PCM.A03", "HGN/PCM", 5.4, "S, X", "Astrel ACU-7", "Quantix QX-4", "Polarline PX-60", 2020),
    ("KMO.A01", "HGN/KMO", 7.3, "S, X", "Tessaro TCU-40", "Quantix QX-4", "Polarline PX-45", 2019),
    ("KMO.A02", "HGN/KMO", 7.3, "S, X", "Tessaro TCU-40", "Quantix QX-4", "Polarline PX-45", 2019),
    ("KMO.A03", "HGN/KMO", 9.0, "S, X, Ka", "Tessaro TCU-40", "Quantix QX-4", "Polarline PX-45K", 2023),
]  # fmt: skip
ANTENNA_IDS = [a[0] for a in ANTENNAS]
FIRMWARE = {"Astrel ACU-7": "ACU-7 5.1.4", "Tessaro TCU-40": "TCU-40 3.8.2"}
G_T = {3.7: 17.0, 5.4: 20.0, 7.3: 23.5, 9.0: 25.5, 11.3: 27.8}
#: VRD.A03's frame loss (%) after the onset, per bucket k (VRD.A02 has 60% of the rise)
SPIKE = {11: 2.6, 10: 4.3, 9: 6.1, 8: 8.4, 7: 10.9, 6: 13.2, 5: 15.8, 4: 14.9, 3: 12.6, 2: 11.4, 1: 11.9, 0: 11.2}
SPIKE_BASE = 0.3
#: antenna -> (tracking error low, spread) after its pointing went off
POINTING = {"VRD.A03": (70, 60), "VRD.A02": (50, 50)}
#: mission, operator, passes booked a day
MISSIONS = [("SC:ORBIS-3", "Orbis Earth Imaging", 42), ("SC:TERRALUX-1A", "Terralux Space", 36),
            ("SC:TERRALUX-1B", "Terralux Space", 36), ("SC:NIVALIS-2", "Nivalis Met Agency", 48),
            ("SC:KESTREL-SAR-2", "Kestrel Radar", 30), ("SC:PICO-12", "Picoworks", 18)]  # fmt: skip
#: the spacecraft in view of each antenna now (empty: between passes, or down)
IN_VIEW = {"VRD.A01": "SC:NIVALIS-2", "VRD.A02": "SC:ORBIS-3", "VRD.A03": "SC:PICO-12", "VRD.A04": "SC:TERRALUX-1A",
           "PCM.A01": "SC:KESTREL-SAR-2", "KMO.A01": "SC:TERRALUX-1B"}  # fmt: skip

#: code, name, location, antennas, description, owner
SITES = [
    ("HGN/ENG", "Engineering and spares", "Bergholm", "", "RF and site engineering, the spares store (a spare "
     "Borealis azimuth gearbox, ACU boards, LNAs), the antenna test range", "RF engineering (Marta Lindqvist)"),
    ("HGN/KMO", "Kaimoana", "South Pacific coast, 39 S", "3: KMO.A01 .. KMO.A03", "Tessaro TCU-40 ACUs; backhaul "
     "router KMO:RTR-1; UPS KMO:UPS-1", "Site engineering (Aroha Ngata)"),
    ("HGN/NOC", "Network operations centre", "Bergholm", "", "24x7 NOC: monitoring and control (M&C), pass "
     "scheduling, front-end processors NOC:FEP-1 and NOC:FEP-2, data delivery to the customers",
     "Network operations (Daniel Brandt)"),
    ("HGN/PCM", "Puerto Calma", "Southern Patagonia, 53 S", "3: PCM.A01 .. PCM.A03", "Astrel ACU-7 ACUs; GPS "
     "timing PCM:GPS-1; UPS PCM:UPS-1", "Site engineering (Lucía Ferreyra)"),
    ("HGN/VRD", "Vardenes", "Arctic coast, 70 N", "5: VRD.A01 .. VRD.A05", "the polar site: sees every orbit of "
     "the polar missions; Astrel ACU-7 ACUs with the site configuration VRD-ACU-CFG-r9; GPS timing VRD:GPS-1; UPS "
     "VRD:UPS-1", "Site engineering (Eirik Solberg)"),
]  # fmt: skip
#: code, equipment, text, severity, meaning, action
ALARM_CODES = [
    ("ACU.TRK-ERR", "antenna control unit", "Tracking error high", "major",
     "the ACU's tracking error (the commanded against the measured antenna angle) stayed above 50 mdeg for more than "
     "10 s during a pass: the beam is off the spacecraft, the link margin falls and frames are lost, first at low "
     "elevation", "compare the ACU's pointing model and refraction correction with the site configuration (GSP-014); "
     "autotrack can hold the link meanwhile"),
    ("RX.FRM-LOSS", "modem", "Frame loss high", "major",
     "more than 2% of a pass's frames were lost (no lock or failed decoding)",
     "check the pass's Eb/N0 and the ACU tracking error"),
    ("RX.MODEM-LOST", "modem", "Modem lost", "critical",
     "the M&C system lost contact with the antenna's modem: nothing is demodulated or delivered and the antenna's "
     "passes fail", "restart the modem remotely; call Quantix; move priority passes (GSP-030)"),
    ("RX.SW-LOAD", "modem", "Modem software loaded", "info", "the modem restarted for a software load",
     "check it locks on the next pass"),
    ("ACU.FW-LOAD", "antenna control unit", "ACU firmware loaded", "info",
     "the ACU restarted for a firmware load; the antenna cannot track for a few minutes",
     "check the ACU's parameters against the site configuration"),
    ("ACU.MODE-CHG", "antenna control unit", "Tracking mode changed", "info",
     "the NOC changed the antenna's tracking mode (program track, autotrack, standby, stow)", "none"),
    ("ACU.AZ-VIB", "antenna control unit", "Azimuth gearbox vibration high", "minor",
     "the daily health check measured the azimuth gearbox vibration at or above 7.1 mm/s RMS (fail from 11.2): "
     "bearing or gear wear", "plan a gearbox inspection and oil sample (GSP-021)"),
    ("ACU.AZ-ENC", "antenna control unit", "Azimuth encoder fault", "critical",
     "the azimuth position encoder gives no or inconsistent readings: the antenna cannot point and is stowed",
     "replace the encoder; move the antenna's passes (GSP-030)"),
    ("SITE.PWR-FAIL", "site", "Antenna drive power failure", "critical",
     "the antenna's drive cabinet lost its mains supply: the antenna stops where it is", "check the feeder and the "
     "site UPS (ERP-02)"),
    ("SITE.UPS-BATT", "site", "UPS on battery", "minor", "the site UPS ran on battery for more than a minute",
     "check the mains supply"),
    ("TS.GPS-REF", "timing", "GPS reference lost", "minor",
     "the site's GPS timing receiver lost lock; the station clock holds over for 24 hours", "none unless it lasts"),
    ("NET.LINK-FLAP", "network", "Backhaul link flapping", "minor", "the site's backhaul link to the NOC went down "
     "and up several times; data is buffered at the site", "check the router; call the carrier"),
    ("LNA.NT-HI", "LNA", "LNA noise temperature high", "minor", "the LNA's noise temperature rose above 70 K",
     "check the LNA cooling and the feed"),
    ("FEP.BUF-HI", "front-end processor", "FEP buffer high", "minor",
     "a front-end processor's delivery buffer passed 80%", "check the delivery links to the customers"),
    ("ACU.WIND-STOW", "antenna control unit", "Wind stow", "major",
     "the wind at the antenna passed its stow limit and the antenna stowed itself", "none; it resumes when the wind "
     "drops (ERP-02)"),
]  # fmt: skip
#: wo, antennas, type, status, engineer, created, planned for, completed (minutes ago; negative: ahead; None: not
#: set), title, notes
WORK_ORDERS = [
    ("MWO 26/0761", "VRD.A01", "planned", "completed", "Eirik Solberg", 9 * DAY, 8 * DAY, 8 * DAY - 90,
     "VRD.A01 annual inspection", "all checks passed"),
    ("MWO 26/0766", "PCM.A02", "inspection", "completed", "Lucía Ferreyra", 4 * DAY + 30, None, 4 * DAY - 60,
     "PCM.A02 azimuth gearbox vibration above 7.1 mm/s (ACU.AZ-VIB)", "vibration 7.2 mm/s and rising for weeks; "
     "oil sample shows bearing wear metal; the antenna still tracks normally; gearbox replacement planned (MWO "
     "26/0770); Borealis Drives ticket BGX/2026/044 opened"),
    ("MWO 26/0768", "VRD.A05", "corrective", "completed", "Eirik Solberg", VRD_A05_PWR[0] - 5, None,
     VRD_A05_PWR[1] - 20, "VRD.A05 stopped: drive power failure (SITE.PWR-FAIL)",
     "feeder breaker tripped; reset, UPS batteries found weak (CHG-26-0311); antenna back in the schedule"),
    ("MWO 26/0770", "PCM.A02", "planned", "scheduled", "Lucía Ferreyra", 4 * DAY - 90, -5 * DAY, None,
     "PCM.A02 azimuth gearbox replacement", "antenna out of the schedule for 2 days; spare gearbox from HGN/ENG"),
    ("MWO 26/0774", "KMO.A03", "corrective", "awaiting_parts", "Aroha Ngata", KMO_A03_DOWN - 15, None, None,
     "KMO.A03 down: azimuth encoder failed (ACU.AZ-ENC)", "the azimuth encoder gives no readings; antenna stowed; "
     "replacement Tessaro encoder on order, delivery tomorrow; KMO.A03 down until it is fitted; its passes moved to "
     "KMO.A01 and KMO.A02 where free"),
    ("MWO 26/0777", "PCM.A03", "corrective", "open", "Lucía Ferreyra with Pavel Novak (Quantix)", 3 * DAY, None, None,
     "PCM.A03 modem repeatedly lost (RX.MODEM-LOST)", "the QX-4 modem drops off the M&C network and restarts; "
     "Quantix replacing its network card (QX 2291-07); PCM.A03's passes fail while it is lost"),
    ("MWO 26/0779", "VRD.A02, VRD.A03", "project", "completed", "Henrik Aalto (Astrel Systems)", 215, CHG_START,
     CHG_DONE, "Astrel ACU-7 firmware 5.2.0 pilot at Vardenes (CHG-26-0317)",
     "two ACUs updated from 5.1.4, one at a time between passes; post check: drives, limits and M&C link good, both "
     "back in program track"),
    ("MWO 26/0783", "VRD.A02, VRD.A03", "corrective", "in_progress", "Sindre Haugen (RF engineer, Vardenes)", 150,
     None, None, "Frame loss and tracking errors at Vardenes (ACU.TRK-ERR, RX.FRM-LOSS)",
     "feeds, LNAs and QX-4 modems of VRD.A02 and VRD.A03 test good (LNA noise temperature normal); the tracking "
     "error grows as the elevation falls, up to 130 mdeg below 10 degrees: the refraction correction is OFF on both "
     "ACUs since the 5.2.0 update, the factory value, while the site configuration VRD-ACU-CFG-r9 sets it ON "
     "(VRD.A01, still on 5.1.4, has it ON); Astrel ticket AST-SR-118204 raised by Marta Lindqvist"),
    ("MWO 26/0785", "KMO.A01", "planned", "scheduled", "Aroha Ngata", 300, -DAY, None, "KMO.A01 annual inspection",
     ""),
]  # fmt: skip
#: chg, title, units, category, state, requested by, implemented by, approver, raised, planned start, implemented
#: (minutes ago; negative: ahead; None: not yet), backout, notes
CHANGES = [
    ("CHG-26-0302", "NOC pass scheduler 8.4 patch 2", "NOC scheduler", "scheduling", "implemented", "Daniel Brandt",
     "Yusuf Demir (NOC)", "CAB", 16 * DAY, 12 * DAY, 12 * DAY, "uninstall patch 2", "conflict report fixes"),
    ("CHG-26-0311", "VRD:UPS-1 battery string replacement", "VRD:UPS-1", "electrical", "implemented",
     "Eirik Solberg", "Eirik Solberg (site engineer, Vardenes)", "CAB", 6 * DAY, 2640, 2640, "refit the old string",
     "after the VRD.A05 power failure (MWO 26/0768); no antenna affected"),
    ("CHG-26-0314", "KMO:RTR-1 backhaul router firmware 17.3.1 -> 17.3.4", "KMO:RTR-1", "network", "implemented",
     "Daniel Brandt", "Aroha Ngata (site engineer, Kaimoana)", "CAB", 5 * DAY, 1680, 1680, "reinstall 17.3.1",
     "Kaimoana back on the backhaul within 3 minutes"),
    ("CHG-26-0317", "Astrel ACU-7 firmware 5.1.4 -> 5.2.0, pilot on VRD.A02 and VRD.A03 (Vardenes)",
     "VRD.A02, VRD.A03", "acu_firmware", "implemented", "Marta Lindqvist (RF engineering lead)",
     "Henrik Aalto (Astrel Systems field service)", "CAB", 5 * DAY, CHG_START, CHG_DONE,
     "reload 5.1.4 from the Astrel service laptop (about 20 minutes an antenna, between passes)",
     "Ka-band autotrack improvements; one antenna at a time between passes; fleet rollout after a 7-day pilot (MWO "
     "26/0779)"),
    ("CHG-26-0319", "Quantix QX-4 modem software 4.6 -> 4.7 on KMO.A01 and KMO.A02", "KMO.A01, KMO.A02", "modem",
     "implemented", "Aroha Ngata", "Aroha Ngata (site engineer, Kaimoana)", "CAB", 4 * DAY, MODEM_PATCH_AT,
     MODEM_PATCH_AT, "reload 4.6", "decoder fix for the Kestrel LEOP; Kaimoana only"),
    ("CHG-26-0321", "Emergency: reload the site configuration VRD-ACU-CFG-r9 (refraction correction ON) on VRD.A02 "
     "and VRD.A03", "VRD.A02, VRD.A03", "acu_config", "approved", "Marta Lindqvist", None,
     "E-CAB (Ruth Okafor, head of ground operations; Daniel Brandt, network operations manager)", 40, -20, None,
     "roll back to 5.1.4", "AST-SR-118204; between passes, no restart"),
]  # fmt: skip
#: entry, minutes ago, author, role, text
NOC_LOG = [
    ("NOCL-26-1840", 2635, "Annika Berg", "NOC controller (nights)", "VRD:UPS-1 batteries replaced by Eirik Solberg "
     "(CHG-26-0311); no pass lost"),
    ("NOCL-26-1843", KMO_A03_DOWN - 5, "Annika Berg", "NOC controller (nights)", "KMO.A03 azimuth encoder fault "
     "(ACU.AZ-ENC), antenna stowed; passes moved to KMO.A01 and KMO.A02 where free; Aroha Ngata called (MWO "
     "26/0774)"),
    ("NOCL-26-1845", 1675, "Annika Berg", "NOC controller (nights)", "KMO:RTR-1 router firmware done (CHG-26-0314), "
     "Kaimoana back on the backhaul in 3 minutes"),
    ("NOCL-26-1851", 212, "Yusuf Demir", "NOC duty controller", "Henrik Aalto (Astrel) starting the ACU-7 5.2.0 "
     "firmware pilot on VRD.A02 and VRD.A03 (CHG-26-0317); each blocked out of the schedule in turn"),
    ("NOCL-26-1852", 186, "Yusuf Demir", "NOC duty controller", "firmware pilot done; both back in the schedule in "
     "program track"),
    ("NOCL-26-1854", 170, "Yusuf Demir", "NOC duty controller", "VRD.A03 and VRD.A02 acquiring late and dropping "
     "frames on low passes (ACU.TRK-ERR); Orbis and Nivalis passes hit"),
    ("NOCL-26-1855", 149, "Yusuf Demir", "NOC duty controller", "Sindre Haugen sent to check the RF chain of VRD.A02 "
     "and VRD.A03 (MWO 26/0783)"),
    ("NOCL-26-1857", 140, "Yusuf Demir", "NOC duty controller", "Picoworks ops on the phone: SC:PICO-12 pass at "
     "Vardenes dropping out near the horizon (CT#40543)"),
    ("NOCL-26-1858", 119, "Yusuf Demir", "NOC duty controller", "Aroha Ngata loaded Quantix modem software 4.7 on "
     "KMO.A01 and KMO.A02 (CHG-26-0319)"),
    ("NOCL-26-1860", 95, "Yusuf Demir", "NOC duty controller", "Nivalis Met Agency: weather product timeliness "
     "missed (CT#40548); their passes moved to VRD.A01 and VRD.A04 where free (GSP-030)"),
    ("NOCL-26-1861", 77, "Yusuf Demir", "NOC duty controller", "Marta Lindqvist raised AST-SR-118204 with Astrel"),
    ("NOCL-26-1862", AUTOTRACK_AT, "Yusuf Demir", "NOC duty controller", "VRD.A02 and VRD.A03 switched to autotrack "
     "from acquisition (GSP-014 mitigation)"),
    ("NOCL-26-1864", 39, "Yusuf Demir", "NOC duty controller", "emergency CHG-26-0321 approved by Ruth Okafor and "
     "Daniel Brandt; configuration reload in 20 minutes between passes; Katja Rautio advises a reload, not a "
     "rollback"),
    ("NOCL-26-1865", 34, "Yusuf Demir", "NOC duty controller", "PCM.A03 modem lost again, its passes failing; "
     "Quantix told (QX 2291-07)"),
    ("NOCL-26-1866", 23, "Yusuf Demir", "NOC duty controller", "Nivalis operations director escalation about "
     "Vardenes (CT#40556)"),
]  # fmt: skip
#: ticket, minutes ago, customer, mission, reference, subject, priority, status, handler
TICKETS = [
    ("CT#40501", 6 * DAY + 200, "Picoworks", "SC:PICO-12", "LEOP/26/03",
     "PICO-12 passes at Puerto Calma and Kaimoana pre-empted by the Kestrel LEOP", "P3", "closed", "Grace Mwangi"),
    ("CT#40509", 5 * DAY + 300, "Terralux Space", "SC:TERRALUX-1B", "KMO.A01",
     "Request for two extra passes a day at Kaimoana", "P4", "closed", "Tomás Reyes"),
    ("CT#40515", 4 * DAY + 100, "Kestrel Radar", "SC:KESTREL-SAR-2", "LEOP/26/03",
     "LEOP pass plan change for the orbit raising", "P3", "closed", "Ines Duarte"),
    ("CT#40522", 3 * DAY + 50, "Picoworks", "SC:PICO-12", "LEOP/26/03", "PICO-12 still losing a third of its passes",
     "P3", "acknowledged", "Grace Mwangi"),
    ("CT#40533", KMO_A03_DOWN - 10, "Orbis Earth Imaging", "SC:ORBIS-3", "KMO.A03",
     "Kaimoana passes cancelled: which antenna replaces KMO.A03?", "P3", "acknowledged", "Tomás Reyes"),
    ("CT#40540", 165, "Orbis Earth Imaging", "SC:ORBIS-3", "VRD.A03",
     "Vardenes pass lost 5% of its frames: image strips incomplete", "P2", "open", "Grace Mwangi"),
    ("CT#40543", 141, "Picoworks", "SC:PICO-12", "VRD.A03", "PICO-12 pass at Vardenes dropping out near the horizon",
     "P3", "open", "Grace Mwangi"),
    ("CT#40545", 122, "Terralux Space", "SC:TERRALUX-1A", "VRD.A02",
     "Late acquisition and dropouts on the Vardenes passes", "P3", "open", "Tomás Reyes"),
    ("CT#40548", 96, "Nivalis Met Agency", "SC:NIVALIS-2", "VRD.A02, VRD.A03",
     "Weather product timeliness missed: Vardenes passes degraded", "P1", "open", "Daniel Brandt"),
    ("CT#40552", 58, "Kestrel Radar", "SC:KESTREL-SAR-2", "VRD.A02", "LEOP pass at Vardenes lost lock at low "
     "elevation", "P2", "open", "Ines Duarte"),
    ("CT#40556", 24, "Nivalis Met Agency", "SC:NIVALIS-2", "Vardenes",
     "Escalation by the operations director: repeated data loss at Vardenes", "P1", "open", "Ruth Okafor"),
]  # fmt: skip
#: ref, supplier, antennas, subject, status, priority, engineer, opened and updated (minutes ago), latest
VENDOR_TICKETS = [
    ("AST-SR-118204", "Astrel Systems", "VRD.A02, VRD.A03", "Tracking errors and frame loss at low elevation after "
     "ACU-7 firmware 5.2.0", "open", "P1", "Katja Rautio", 78, 50,
     "known issue KI-ACU7-052: upgrading from 5.1.x resets the refraction correction to its factory value OFF and "
     "ignores the site's refraction model, so the antenna points up to 0.15 degrees low below 10 degrees elevation; "
     "reload the site configuration (VRD-ACU-CFG-r9) between passes, effective at the next pass without a restart, or "
     "roll back to 5.1.4; fixed in 5.2.1; hold the fleet rollout"),
    ("QX 2291-07", "Quantix Modems", "PCM.A03", "QX-4 modem at PCM.A03 dropping off the M&C network", "in_progress",
     "P2", "Pavel Novak", 5 * DAY, 30, "network card swap booked for tomorrow morning; meanwhile the modem restarts "
     "itself after each drop"),
    ("BGX/2026/044", "Borealis Drives", "PCM.A02", "Azimuth gearbox vibration rising", "open", "P3", "Jonas Vik",
     4 * DAY - 40, 2 * DAY, "the oil sample shows bearing wear; replace the gearbox (spare at HGN/ENG); safe to run "
     "below 11.2 mm/s"),
]  # fmt: skip
KB = [
    ("GSP-014", "Pointing errors and frame loss after an ACU firmware update",
     "If low-elevation passes lose frames after an ACU firmware load, check the feed, LNA and modem, then compare the "
     "ACU's pointing model and refraction correction with the site configuration (Vardenes: VRD-ACU-CFG-r9, "
     "refraction correction ON): reload the site configuration between passes or roll the firmware back, and raise "
     "an Astrel ticket. Meanwhile put the antennas on autotrack from acquisition and move priority passes (GSP-030)."),
    ("GSP-021", "Azimuth gearbox vibration",
     "The daily health check measures the azimuth gearbox vibration: warning from 7.1 mm/s RMS, fail from 11.2. On "
     "a warning take an oil sample and plan the gearbox replacement; at fail stop the antenna."),
    ("GSP-030", "Moving passes off an antenna",
     "When an antenna is down or degraded the NOC moves its passes to a free antenna at the same site, else at "
     "another site that sees the pass, highest mission priority first, and tells the operators."),
    ("NOC-WI-07", "Customer communication during degraded service",
     "Tell the affected operators within 30 minutes and every 2 hours after; a P1 ticket goes to the network "
     "operations manager. SLA credit claims go to the commercial team."),
    ("ERP-02", "Site power failure and high wind",
     "On a drive power failure check the feeder and the UPS and stow the antenna by hand if the wind rises; a wind "
     "stow clears itself."),
    ("OEM ACU-7 5.3", "Astrel ACU-7 manual, section 5.3: refraction correction",
     "The ACU corrects the commanded elevation for atmospheric refraction (up to 0.3 degrees at the horizon) when "
     "refraction correction is ON; the factory value is OFF. The site configuration file sets it per site."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE sites (code TEXT PRIMARY KEY, name TEXT, location TEXT, antennas TEXT, description TEXT, owner TEXT);
CREATE TABLE antennas (antenna TEXT PRIMARY KEY, site TEXT, dish_m REAL, bands TEXT, acu TEXT, modem TEXT, lna TEXT,
                       commissioned INTEGER);
CREATE TABLE status (antenna TEXT PRIMARY KEY, site TEXT, state TEXT, since TEXT, mode TEXT, in_view TEXT,
                     active_alarm TEXT, acu_firmware TEXT, modem TEXT);
CREATE TABLE link_quality (antenna TEXT, bucket_start TEXT, bucket_epoch INTEGER, passes INTEGER, frames_k REAL,
                           frame_loss_pct REAL, avg_ebn0_db REAL);
CREATE INDEX link_quality_epoch ON link_quality (bucket_epoch);
CREATE TABLE telemetry (antenna TEXT, measure TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX telemetry_antenna ON telemetry (antenna, ts_epoch);
CREATE TABLE alarms (alarm_id INTEGER PRIMARY KEY, unit TEXT, detail TEXT, code TEXT, text TEXT, severity TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT);
CREATE TABLE alarm_codes (code TEXT PRIMARY KEY, equipment TEXT, text TEXT, severity TEXT, meaning TEXT, action TEXT);
CREATE TABLE health (antenna TEXT, checked_at TEXT, checked_epoch INTEGER, az_vib_mm_s REAL, g_t_db_k REAL,
                     result TEXT);
CREATE INDEX health_antenna ON health (antenna, checked_epoch);
CREATE TABLE missions (day TEXT, day_end_epoch INTEGER, mission TEXT, operator TEXT, passes_booked INTEGER,
                       passes_ok INTEGER, success_pct REAL, data_gb REAL, late_deliveries INTEGER);
CREATE TABLE campaigns (campaign TEXT PRIMARY KEY, spacecraft TEXT, operator TEXT, kind TEXT, antennas TEXT,
                        priority_rule TEXT, start_date TEXT, end_date TEXT, status TEXT, coordinator TEXT);
CREATE TABLE tickets (ticket TEXT PRIMARY KEY, opened TEXT, opened_epoch INTEGER, customer TEXT, mission TEXT,
                      reference TEXT, subject TEXT, priority TEXT, status TEXT, handler TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, antennas TEXT, type TEXT, status TEXT, engineer TEXT, created TEXT,
                          created_epoch INTEGER, planned_for TEXT, completed TEXT, title TEXT, notes TEXT);
CREATE TABLE changes (chg TEXT PRIMARY KEY, title TEXT, units TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned_start TEXT, implemented TEXT,
                      implemented_epoch INTEGER, backout TEXT, notes TEXT);
CREATE TABLE noc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE vendor_tickets (ref TEXT PRIMARY KEY, supplier TEXT, antennas TEXT, subject TEXT, status TEXT,
                             priority TEXT, engineer TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _link(antenna: str, k: int) -> tuple[int, float | None, float | None, float | None]:
    """One antenna's bucket k: (passes, frames received in thousands, frame loss %, average Eb/N0 dB)."""
    down = (
        (antenna == "KMO.A03" and 15 * (k + 1) <= KMO_A03_DOWN)
        or (antenna == "PCM.A03" and 15 * (k + 1) <= PCM_A03_LOST[0])
        or (antenna == "VRD.A02" and k == 13)  # blocked out of the schedule for its firmware load
        or (antenna == "VRD.A03" and k == 12)
    )
    if down:
        return 0, None, None, None
    passes = 1 + int(3 * noise(f"lp{antenna}", k))
    loss = round(0.1 + 0.4 * noise(f"fl{antenna}", k), 1)
    if antenna == "VRD.A03" and k in SPIKE:
        loss = SPIKE[k]
    elif antenna == "VRD.A02" and k in SPIKE:
        loss = round(loss + 0.6 * (SPIKE[k] - SPIKE_BASE), 1)
    ebn0 = round(10.0 + 1.5 * noise(f"eb{antenna}", k) - 0.3 * loss, 1)
    frames = round(passes * (110 + 40 * noise(f"fk{antenna}", k)) * (1 - loss / 100), 1)
    return passes, frames, loss, ebn0


def _link_quality(now: datetime) -> list[tuple[Any, ...]]:
    """Every antenna's 15-minute buckets for 7 days, the newest ending now."""
    rows = []
    for antenna in ANTENNA_IDS:
        for k in range(LQ_DAYS * 96):
            start = now - timedelta(minutes=15 * (k + 1))
            rows.append((antenna, iso(start), int(start.timestamp()), *_link(antenna, k)))
    return rows


def _telemetry(now: datetime) -> list[tuple[Any, ...]]:
    """Every antenna's four measures every 10 minutes for 48 hours, the newest at now (none while its ACU restarts
    or the antenna is down)."""
    rows = []
    for a in ANTENNA_IDS:
        for i in range(TELEMETRY_HOURS * 6):
            m = 10 * i
            if (a == "KMO.A03" and m <= KMO_A03_DOWN) or (a in PILOT and PILOT[a][1] <= m <= PILOT[a][0]):
                continue
            t = now - timedelta(minutes=m)
            if a in POINTING and m <= POINTING_OFF[a]:
                low, spread = POINTING[a]
                pointing = low + round(spread * noise(f"pe{a}", i))
            else:
                pointing = 3 + round(6 * noise(f"pe{a}", i))
            az = (7.0 + 1.5 * noise(f"az{a}", i)) if a == VIB_BAD else (3.0 + 2.5 * noise(f"az{a}", i))
            values = {
                "pointing_err_mdeg": float(pointing),
                "az_motor_a": round(az, 1),
                "el_motor_a": round(2.0 + 2.0 * noise(f"el{a}", i), 1),
                "lna_temp_k": float(45 + round(10 * noise(f"ln{a}", i))),
            }
            for measure, value in values.items():
                rows.append((a, measure, value, iso(t), int(t.timestamp())))
    return rows


def _alarms() -> list[tuple[Any, ...]]:
    """(unit, detail, code, raised, cleared) in minutes ago (cleared None: active), for 7 days."""
    out: list[tuple[Any, ...]] = []
    quiet = {"VRD.A01": "LNA.NT-HI", "VRD.A04": "LNA.NT-HI", "PCM.A01": "LNA.NT-HI", "KMO.A01": "ACU.WIND-STOW",
             "KMO.A02": "LNA.NT-HI", "VRD:GPS-1": "TS.GPS-REF", "PCM:GPS-1": "TS.GPS-REF", "KMO:RTR-1": "NET.LINK-FLAP",
             "NOC:FEP-1": "FEP.BUF-HI", "NOC:FEP-2": "FEP.BUF-HI", "PCM:UPS-1": "SITE.UPS-BATT",
             "KMO:UPS-1": "SITE.UPS-BATT"}  # fmt: skip
    units = list(quiet)
    order = sorted(units, key=lambda u: noise("apick", units.index(u)))
    for s, unit in enumerate(order):  # background alarms: each unit once
        m = 420 + 790 * s + int(200 * noise("am", s))
        out.append((unit, "", quiet[unit], m, m - 3 - int(40 * noise("ad", s))))
    out += [("PCM.A03", "QX-4 modem", "RX.MODEM-LOST", m,
             None if m == PCM_A03_LOST[0] else m - 5 - int(25 * noise("ml", m))) for m in PCM_A03_LOST]  # fmt: skip
    out += [(a, "ACU-7 5.1.4 -> 5.2.0", "ACU.FW-LOAD", start, back) for a, (start, back) in PILOT.items()]
    out += [
        ("VRD.A03", "SC:ORBIS-3 pass, 7 degrees elevation", "ACU.TRK-ERR", TRK_ERR_AT["VRD.A03"], None),
        ("VRD.A02", "SC:NIVALIS-2 pass, 5 degrees elevation", "ACU.TRK-ERR", TRK_ERR_AT["VRD.A02"], None),
        ("VRD.A03", "SC:ORBIS-3 pass: 4.8% of frames lost", "RX.FRM-LOSS", FRM_LOSS_AT["VRD.A03"], None),
        ("VRD.A02", "SC:TERRALUX-1A pass: 2.9% of frames lost", "RX.FRM-LOSS", FRM_LOSS_AT["VRD.A02"], None),
    ]
    out += [(a, "program_track -> autotrack", "ACU.MODE-CHG", AUTOTRACK_AT, AUTOTRACK_AT) for a in PILOT]
    out += [(a, "QX-4 software 4.6 -> 4.7", "RX.SW-LOAD", MODEM_PATCH_AT, MODEM_PATCH_AT - 2)
            for a in ("KMO.A01", "KMO.A02")]  # fmt: skip
    out += [
        ("VRD.A05", "drive cabinet feeder", "SITE.PWR-FAIL", VRD_A05_PWR[0], VRD_A05_PWR[1]),
        ("PCM.A02", "azimuth gearbox 7.2 mm/s", "ACU.AZ-VIB", 4 * DAY + 40, None),
        ("KMO.A03", "azimuth encoder", "ACU.AZ-ENC", KMO_A03_DOWN, None),
    ]
    return sorted(out, key=lambda o: -o[3])


def _health(now: datetime) -> list[tuple[Any, ...]]:
    """One check a day per antenna for 120 days (at T-40m, T-1d-40m, ...; none while the antenna is down)."""
    rows = []
    for antenna, _, dish, *_ in ANTENNAS:
        for k in range(HEALTH_DAYS):
            m = k * DAY + 40
            if antenna == "KMO.A03" and m <= KMO_A03_DOWN:
                continue
            t = now - timedelta(minutes=m)
            if antenna == VIB_BAD:
                vib = round(VIB_NOW * math.exp(-VIB_RATE * k), 2)
            elif antenna == "PCM.A01":
                vib = round(1.8 + 0.5 * noise("vpcm1", k), 2)
            else:
                vib = round(1.2 + 2.0 * noise("vb", ANTENNA_IDS.index(antenna)) + 0.3 * noise(f"v{antenna}", k), 2)
            result = "fail" if vib >= 11.2 else "warn" if vib >= 7.1 else "pass"
            g_t = round(G_T[dish] + 0.3 * noise(f"gt{antenna}", k) - 0.15, 1)
            rows.append((antenna, iso(t), int(t.timestamp()), vib, g_t, result))
    return rows


def _missions(now: datetime) -> list[tuple[Any, ...]]:
    """Per mission and complete UTC day for 31 days (yesterday back); the Kestrel LEOP pre-empts SC:PICO-12."""
    midnight = now.replace(hour=0, minute=0)
    campaign_day = (now - timedelta(minutes=CAMPAIGN_START)).strftime("%Y-%m-%d")
    rows = []
    for d in range(1, MISSION_DAYS + 1):
        start = midnight - timedelta(days=d)
        day = start.strftime("%Y-%m-%d")
        for mission, operator, booked in MISSIONS:
            if mission == "SC:KESTREL-SAR-2" and day < campaign_day:
                continue  # launched with the LEOP
            if mission == "SC:PICO-12" and day >= campaign_day:
                target, late = 58 + 10 * noise(f"mo{mission}", d), 1 + int(4 * noise(f"ml{mission}", d))
            else:
                target, late = 95 + 5 * noise(f"mo{mission}", d), int(2 * noise(f"ml{mission}", d))
            ok = min(booked, round(booked * target / 100))
            data = round(ok * (2.5 + 1.5 * noise(f"md{mission}", d)), 1)
            rows.append((day, int((start + timedelta(days=1)).timestamp()), mission, operator, booked, ok,
                         round(100 * ok / booked, 1), data, late))  # fmt: skip
    return rows


def _campaigns(now: datetime) -> list[tuple[Any, ...]]:
    """Support campaigns, their dates relative to now (days)."""

    def day(days: float) -> str:
        return (now + timedelta(days=days)).strftime("%Y-%m-%d")

    return [
        ("SPX/26/11", "SC:NIVALIS-2", "Nivalis Met Agency", "collision avoidance manoeuvre support", "VRD.A01, PCM.A01",
         "extra passes at priority 2", day(-20), day(-19), "completed", "Ines Duarte"),
        ("SPX/26/13", "SC:ORBIS-3", "Orbis Earth Imaging", "orbit maintenance manoeuvre support", "KMO.A01, KMO.A02",
         "extra passes at priority 2", day(-10), day(-9), "completed", "Ines Duarte"),
        ("LEOP/26/03", "SC:KESTREL-SAR-2", "Kestrel Radar", "launch and early orbit phase (LEOP) support",
         "PCM.A01, KMO.A01, KMO.A02 and any free Vardenes antenna",
         "LEOP passes pre-empt routine passes (priority 1); the lowest-priority mission (SC:PICO-12) loses passes at "
         "Puerto Calma and Kaimoana", day(-6), day(9), "in_progress", "Ines Duarte"),
        ("SPX/26/15", "SC:TERRALUX-1A", "Terralux Space", "Ka-band payload calibration", "VRD.A04",
         "extra Ka-band passes on VRD.A04 only, no pre-emption", day(-3), day(2), "in_progress", "Tomás Reyes"),
        ("DCM/26/01", "SC:PICO-7", "Picoworks", "decommissioning passes (deorbit burns)", "KMO.A02",
         "priority 3", day(2), day(5), "planned", "Ines Duarte"),
    ]  # fmt: skip


def _status(now: datetime) -> list[tuple[Any, ...]]:
    """Every antenna now: antenna, site, state, since (minutes ago), mode, in view, active alarm, ACU firmware,
    modem."""
    rows = []
    for antenna, site, _, _, acu, *_ in ANTENNAS:
        fw = FIRMWARE[acu]
        in_view = IN_VIEW.get(antenna, "")
        state, since, mode, alarm = "operational", 30 * DAY, "program_track", None
        modem = "locked" if in_view else "idle"
        if antenna in PILOT:
            state, since, mode, alarm, fw = "degraded", AUTOTRACK_AT, "autotrack", "ACU.TRK-ERR", "ACU-7 5.2.0"
        elif antenna == "PCM.A03":
            state, since, mode, alarm, modem = "down", PCM_A03_LOST[0], "standby", "RX.MODEM-LOST", "lost"
        elif antenna == "KMO.A03":
            state, since, mode, alarm = "down", KMO_A03_DOWN, "stow", "ACU.AZ-ENC"
        elif antenna == "PCM.A02":
            alarm = "ACU.AZ-VIB"
        elif antenna == "VRD.A05":
            since = VRD_A05_PWR[1]
        if not in_view and state == "operational":
            mode = "standby"
        rows.append((antenna, site, state, iso(now - timedelta(minutes=since)), mode, in_view, alarm, fw, modem))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO sites VALUES (?,?,?,?,?,?)", SITES)
    db.executemany("INSERT INTO antennas VALUES (?,?,?,?,?,?,?,?)", ANTENNAS)
    db.executemany("INSERT INTO status VALUES (?,?,?,?,?,?,?,?,?)", _status(now))
    db.executemany("INSERT INTO link_quality VALUES (?,?,?,?,?,?,?)", _link_quality(now))
    db.executemany("INSERT INTO telemetry VALUES (?,?,?,?,?)", _telemetry(now))
    codes = {c[0]: c for c in ALARM_CODES}
    db.executemany(
        "INSERT INTO alarms VALUES (?,?,?,?,?,?,?,?,?)",
        [(5570300 + i, u, d, c, codes[c][2], codes[c][3], ago(m), clock.epoch(m), ago(cl))
         for i, (u, d, c, m, cl) in enumerate(_alarms())],
    )  # fmt: skip
    db.executemany("INSERT INTO alarm_codes VALUES (?,?,?,?,?,?)", ALARM_CODES)
    db.executemany("INSERT INTO health VALUES (?,?,?,?,?,?)", _health(now))
    db.executemany("INSERT INTO missions VALUES (?,?,?,?,?,?,?,?,?)", _missions(now))
    db.executemany("INSERT INTO campaigns VALUES (?,?,?,?,?,?,?,?,?,?)", _campaigns(now))
    db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(t, ago(m), clock.epoch(m), *rest) for t, m, *rest in TICKETS])  # fmt: skip
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(w[0], w[1], w[2], w[3], w[4], ago(w[5]), clock.epoch(w[5]), ago(w[6]), ago(w[7]), w[8], w[9])
                    for w in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), *c[11:])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO noc_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in NOC_LOG])  # fmt: skip
    db.executemany("INSERT INTO vendor_tickets VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:7], ago(v[7]), ago(v[8]), v[9]) for v in VENDOR_TICKETS])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Ground station network store (Halvard): antennas, ACUs, modems, downlink quality, alarms, missions"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
