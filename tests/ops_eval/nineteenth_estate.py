"""A nineteenth estate, held out from the planner's tuning: the baggage handling system (BHS) of an airport terminal
(Kingsmere International Airport, Terminal 2: six check-in islands, six hold baggage screening machines, five
automatic tag readers, two tilt-tray sorters with their manual coding stations, eight make-up carousels, an early
bag store and a transfer input): unit status, tag reader statistics, bag tracking, the PLC fault log, bags that
missed their flights, make-up allocations, hourly screening figures, sorter chain wear, maintenance work orders,
change records, the baggage control room's shift log, supplier tickets and procedures.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
zones are ``T2.CI-D`` / ``T2.MU-S`` (terminal, dot, zone); conveyors ``T2/CI-D/CV-07`` (slashes, zero-padded);
screening machines ``EDS-04``; automatic tag readers ``ATR:S2A`` (colon: sorter 2, inlet A); sorters ``SRT-1`` /
``SRT-2``; manual coding stations ``MCS 2`` (with a space); make-up carousels ``MU-12``; bag tags are 10-digit IATA
licence plates (``0481203317``: a zero, the airline's three-digit code, six digits); flights ``NM0417`` (zero-padded
flight numbers); fault codes ``NR-RATE``, ``MCS-QFULL``, ``TT-NOTIP``; work orders ``MX-2026-01188`` (year,
five digits); changes ``CHG0041873`` (seven digits, zero-padded); shift log entries ``BCR-26-1145``; supplier
tickets ``LMS-CS-20417``, ``CBX-INC-004409``, ``VRT-SR-7781``; procedures ``BHS-OPS-019``, ``HBS.SOP.07``,
``TM LS-6 4.2``; the reader profile ``KMR-T2-6H``; firmware ``5.3.1``; people are named in full (``Rhys
Pritchard``). Windows come as ``lookback_minutes``, RFC 3339 timestamps (``start`` / ``end``), ISO dates
(``from_date`` / ``to_date``), a named ``created_within`` enum, ``hours`` and ``days``; two APIs require a unit (a
screening machine, a sorter); three look up one record by key (a bag tag, a fault code, a supplier ticket); two
search free text (the shift log, procedures); one is narrow (machine, measure, value, hour_end).
:mod:`tests.ops_eval.nineteenth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; tag reader buckets are 15 minutes, bucket k from
T-15(k+1)m to T-15km):

- over 60 days: SRT-1's drive chain stretches from 1.32% to 2.41% (about 0.13% a week; alert 2.0%, replace at 2.5%)
  and its trays fail to tip more often; SRT-2 (2023) stays at 0.52-0.56%: CBX-INC-004409 with Corvex (Marek
  Zielinski), PLC patch CHG0041869 (T-26h) compensates tip timing, chain replacement MX-2026-01166 booked in 4
  days: a slow trend;
- this week: T2/CI-D/CV-07 jams 11 times (the most), MX-2026-01184 realigned its photo-eye (T-20h), it jammed again
  at T-95m (MX-2026-01189); EDS-04 out for its X-ray generator service T-420m .. T-240m (MX-2026-01179, Sven
  Olafsson of Veritome, VRT-SR-7781); about 20 background bags missed flights over 7 days (late check-in, screening
  holds, jams, missorts, short connections; two no-reads 2.9 and 4.9 days ago);
- T-172m .. T-167m CHG0041873 (Kofi Mensah, airport IT) upgrades the two SRT-2 inlet readers ATR:S2A and ATR:S2B from
  firmware 5.2.0 to 5.3.1 (a pilot; SRT-1's readers and ATR:TX1 stay on 5.2.0); 5.3.1 loads the factory profile, in
  which the underside scan head 6 is disabled, instead of the site profile KMR-T2-6H;
- from the bucket starting T-165m (the onset; the first NR-RATE alarm at T-158m on ATR:S2A, T-151m on ATR:S2B)
  ATR:S2A's no-read rate goes from about 1% to 8.0, 11.2, 13.0, 14.7, 15.6, 18.3 (the peak, T-90m .. T-75m), 16.2,
  15.1, 16.7, 15.5, 13.8% per bucket (ATR:S2B at about 80% of that); the no-reads flood MCS 2 (MCS-QFULL from T-124m,
  active again since T-62m, 41 bags queued now; MCS 1 has 3); 23 bags miss six SRT-2 flights (NM0417 7, AU0233 5,
  NM0409 4, BJ0788 3, KV0152 2, AU0241 2); T-112m MX-2026-01188 (Rhys Pritchard: head 6 disabled on both S2
  readers), T-88m / T-66m SkyServe Handling (Carlos Mendes) about NM0417, T-52m LMS-CS-20417 (Lumiscan, Elif Demir:
  known issue, re-import KMR-T2-6H or roll back), T-30m emergency CHG0041881 approved (Oliver Grant, Sunita Rao),
  planned T+25m, T-18m Nordline Ground (Ingrid Holm) about AU0233 and BJ0788;
- red herrings: CHG0041876 reloads the sort allocation table at T-120m (after the onset); EDS-04's service (before
  it); CV-07's jams on island D; SRT-1's chain and its PLC patch a day before; CHG0041870 (a network switch, T-40h).

No API reports passengers (names, phone numbers), compensation or costs, weather, staff rotas or on-call, inbound
reclaim belts, lost property or delayed-bag claims; there is no EDS-07, no MU-21 and no LMS-CS-20999; tag reader
statistics and faults are kept 7 days, screening figures 72 hours, sorter condition 60 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.nineteenth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "kingsmere_bhs"
DAY, H = 1440, 60
STATS_DAYS, FAULT_DAYS, HBS_HOURS, CONDITION_DAYS, MISSED_DAYS = 7, 7, 72, 60, 7
FW_START, FW_DONE, SAC_AT = 172, 167, 120  # minutes ago
EDS4_DOWN, EDS4_UP = 420, 240

#: code, name, level, description, owner
ZONES = [
    *[(f"T2.CI-{i}", f"Check-in island {i}", 0, f"8 desks ({i}01-{i}08) and collector conveyors CV-01 .. CV-08 to "
       "hold baggage screening", "BHS maintenance (Corvex Services)") for i in "ABCDEF"],
    ("T2.HBS", "Hold baggage screening", -1, "EDS-01 .. EDS-06 (level 1), image review (level 2), reconciliation "
     "room (level 3)", "HBS security (Joy Adewale)"),
    ("T2.SRT-1", "Sorter 1 (north)", -1, "tilt-tray sorter, 412 trays; inlet readers ATR:S1A, ATR:S1B; feeds MU-07 .. "
     "MU-10 and MCS 1", "BHS maintenance (Corvex Services)"),
    ("T2.SRT-2", "Sorter 2 (south)", -1, "tilt-tray sorter, 388 trays; inlet readers ATR:S2A, ATR:S2B; feeds MU-11 .. "
     "MU-14 and MCS 2", "BHS maintenance (Corvex Services)"),
    ("T2.MCS", "Manual coding", -1, "MCS 1 (SRT-1) and MCS 2 (SRT-2): bags no reader could read are coded by hand",
     "Baggage control room"),
    ("T2.MU-N", "Make-up north", 0, "carousels MU-07 .. MU-10, fed by SRT-1", "Ground handlers"),
    ("T2.MU-S", "Make-up south", 0, "carousels MU-11 .. MU-14, fed by SRT-2", "Ground handlers"),
    ("T2.EBS", "Early bag store", -1, "600 positions for bags checked in more than 3 hours early",
     "BHS maintenance (Corvex Services)"),
    ("T2.TX", "Transfer input", -1, "transfer bags from arriving flights, reader ATR:TX1", "Baggage control room"),
]  # fmt: skip
READERS = ["ATR:S1A", "ATR:S1B", "ATR:S2A", "ATR:S2B", "ATR:TX1"]
#: reader -> bags per 15 minutes at the daily mean
READER_BASE = {"ATR:S1A": 150, "ATR:S1B": 135, "ATR:S2A": 165, "ATR:S2B": 150, "ATR:TX1": 55}
#: ATR:S2A's no-read rate (%) per bucket k after the onset (ATR:S2B: 80% of it)
SPIKE = {10: 8.0, 9: 11.5, 8: 13.0, 7: 14.5, 6: 15.5, 5: 18.0, 4: 16.0, 3: 15.0, 2: 16.5, 1: 15.5, 0: 14.0}
CONVEYORS = [f"T2/CI-{i}/CV-{n:02d}" for i in "ABCDEF" for n in range(1, 9)]
JAMMER = "T2/CI-D/CV-07"
JAMMER_AT = [95, 310, 620, 1255, 1915, 2710, 3805, 4915, 6115, 7315, 9105]
EDS = [f"EDS-{n:02d}" for n in range(1, 7)]
EDS_BASE = {"EDS-01": 165, "EDS-02": 182, "EDS-03": 158, "EDS-04": 171, "EDS-05": 214, "EDS-06": 205}
MCS_QUEUE = {"MCS 1": 3, "MCS 2": 41}
#: airline -> (IATA numeric code, name, handler)
AIRLINES = {
    "NM": ("481", "Northmere Airways", "SkyServe Handling"),
    "AU": ("226", "Aurelia", "Nordline Ground"),
    "BJ": ("377", "Baltjet", "Nordline Ground"),
    "KV": ("655", "Kavala Air", "SkyServe Handling"),
    "TQ": ("702", "Tarquin Air", "SkyServe Handling"),
    "SX": ("118", "Saxby Regional", "Nordline Ground"),
}
#: the flights that lost bags to the no-reads: flight, destination, STD (minutes ago), carousel, bags short,
#: rebooked on
SHORT = [
    ("KV0152", "SKG", 130, "MU-11", 2, "KV0154 (tomorrow)"),
    ("NM0409", "CPH", 110, "MU-13", 4, "NM0413"),
    ("NM0417", "OSL", 70, "MU-12", 7, "NM0421"),
    ("AU0233", "FCO", 45, "MU-11", 5, "AU0235 (tomorrow)"),
    ("BJ0788", "RIX", 25, "MU-14", 3, "BJ0790"),
    ("AU0241", "MXP", 10, "MU-14", 2, "AU0243 (tomorrow)"),
]
TRACED = "0481203317"  # NM0417's first bag short
#: make-up allocations: flight, destination, STD (minutes ago; negative: ahead), carousel, bags expected, loaded
MAKEUP = [
    ("SX0306", "EDI", 225, "MU-07", 88, 88), ("KV0152", "SKG", 130, "MU-11", 96, 94),
    ("NM0409", "CPH", 110, "MU-13", 121, 117), ("TQ0559", "LIS", 95, "MU-08", 143, 143),
    ("NM0417", "OSL", 70, "MU-12", 134, 127), ("AU0233", "FCO", 45, "MU-11", 158, 153),
    ("SX0312", "BHD", 35, "MU-07", 64, 64), ("BJ0788", "RIX", 25, "MU-14", 87, 84),
    ("AU0241", "MXP", 10, "MU-14", 112, 110), ("TQ0563", "FAO", -20, "MU-09", 150, 138),
    ("AU0249", "NAP", -40, "MU-11", 131, 96), ("KV0156", "HER", -55, "MU-13", 118, 71),
    ("NM0421", "OSL", -95, "MU-12", 97, 38), ("SX0318", "JER", -110, "MU-08", 45, 12),
    ("NM0425", "BGO", -130, "MU-13", 102, 9), ("BJ0790", "RIX", -200, "MU-14", 93, 0),
    ("TQ0571", "AGP", -230, "MU-10", 160, 0),
]  # fmt: skip
#: background missed bags: flights used (never a SHORT flight), reasons in turn; two no-reads days ago
POOL = ["SX0310", "TQ0561", "NM0401", "AU0227", "BJ0782", "KV0148", "SX0314", "TQ0567", "NM0433", "AU0229", "BJ0784",
        "SX0322"]  # fmt: skip
POOL_CAROUSEL = {f: f"MU-{7 + i % 8:02d}" for i, f in enumerate(POOL)}
REASONS = ["late_checkin", "eds_hold", "jam", "missort", "short_connection"]
BG_NO_READ = {8: 4180, 14: 7060}  # index -> minutes ago

#: code, kind, text, severity, meaning, action
FAULT_CODES = [
    ("JAM", "conveyor", "Bag jam", "stop", "a bag did not clear a photo-eye within its time; the conveyor stops",
     "clear the jam on site, check the transition rollers and belt tracking"),
    ("PE-BLK", "conveyor", "Photo-eye blocked", "warning", "a photo-eye is blocked or misaligned",
     "clean and realign the photo-eye"),
    ("MTR-OL", "conveyor, sorter", "Motor overload", "stop", "the drive motor's overload tripped",
     "reset the overload, check for a seized roller or a bag trapped under the belt"),
    ("ESTOP", "any", "Emergency stop pressed", "stop", "an emergency stop was pressed on the line",
     "find out why before resetting; reset from the control room"),
    ("TT-NOTIP", "sorter", "Tray failed to tip", "warning",
     "a tray did not tip at its destination and the bag recirculates; counts rising over weeks point to chain wear "
     "or tip timing", "log it; if more than 5 a day check chain elongation and tip timing (BHS-OPS-027)"),
    ("NR-RATE", "atr", "No-read rate high", "warning",
     "more than 5% of the bags presented over the last 15 minutes had no tag read by any scan head; those bags go "
     "to the sorter's manual coding station",
     "check the scan tunnel windows, that every scan head is active and the reader profile; compare with the other "
     "inlet; after a firmware change check the head configuration against the site profile (BHS-OPS-019)"),
    ("MCS-QFULL", "mcs", "Manual coding queue full", "warning",
     "more than 30 bags wait at the manual coding station; further no-reads recirculate on the sorter",
     "open the second encoding position, warn the handlers of flights at risk and find why the no-reads rose "
     "(BHS-OPS-012)"),
    ("FW-UPD", "atr", "Firmware update in progress", "info", "the reader is offline while its firmware is updated",
     "bags on that inlet go to manual coding until it is back"),
    ("SAC-RELOAD", "sac", "Sort allocation table reloaded", "info",
     "the sort allocation controller SAC-01 loaded a new flight to carousel table", "check against the change"),
    ("EDS-MAINT", "eds", "Screening machine in maintenance mode", "info", "the machine is out of service for work",
     "HBS runs on the other machines (HBS.SOP.07)"),
    ("EDS-FLT", "eds", "Screening machine fault", "stop", "the machine stopped screening", "call the supplier"),
    ("PLC-RST", "sorter", "PLC restarted", "info", "the sorter's PLC restarted (after a change or a fault)",
     "check the sorter resumed"),
]  # fmt: skip
#: wo, unit, type, status, technician, created, planned for, completed (minutes ago; negative: ahead; None: not
#: set), title, notes
WORK_ORDERS = [
    ("MX-2026-01152", "SRT-1", "inspection", "completed", "Declan Moyo", 21 * DAY + 200, None, 21 * DAY,
     "SRT-1 drive chain elongation check", "elongation 2.0% (alert level); CBX-INC-004409 opened with Corvex"),
    ("MX-2026-01166", "SRT-1", "planned", "scheduled", "Marek Zielinski (Corvex) with Declan Moyo", 8 * DAY,
     -4 * DAY, None, "SRT-1 drive chain replacement",
     "SRT-1 closed about 6 hours; its flights sorted by SRT-2 through the cross-over; chain kit on site "
     "(CBX-INC-004409)"),
    ("MX-2026-01179", "EDS-04", "planned", "completed", "Sven Olafsson (Veritome)", 3 * DAY, EDS4_DOWN, EDS4_UP,
     "EDS-04 annual X-ray generator service", "generator serviced, image quality test passed, back in service "
     "(VRT-SR-7781)"),
    ("MX-2026-01183", "MU-09", "corrective", "completed", "Lena Fischer", 1800, None, 1700,
     "MU-09 carousel plate damaged (ESTOP)", "plate 31 replaced"),
    ("MX-2026-01184", JAMMER, "corrective", "completed", "Lena Fischer", 1260, None, 1200,
     "repeated jams on T2/CI-D/CV-07", "photo-eye PE-3 realigned, belt tracking adjusted"),
    ("MX-2026-01186", "ATR:S2A, ATR:S2B", "project", "completed", "Kofi Mensah", 190, FW_START, 160,
     "ATR firmware 5.3.1 pilot on the SRT-2 inlets (CHG0041873)",
     "both readers updated from 5.2.0 and back online after 5 minutes; post-update check: test bags with the tag on "
     "top read on both readers"),
    ("MX-2026-01188", "ATR:S2A, ATR:S2B", "corrective", "in_progress", "Rhys Pritchard", 112, None, None,
     "high no-read rate on the SRT-2 inlet readers",
     "scan tunnel windows cleaned, alignment good; a test bag with its tag underneath is not read by ATR:S2A or "
     "ATR:S2B but is read by ATR:S1A; diagnostics on both S2 readers: head 6 (underside) disabled, profile "
     "FACTORY-DEFAULT; SRT-1's readers on 5.2.0 run the site profile KMR-T2-6H with 6 of 6 heads; Lumiscan ticket "
     "LMS-CS-20417 raised by Kofi Mensah"),
    ("MX-2026-01189", JAMMER, "corrective", "open", "Lena Fischer", 90, None, None,
     "T2/CI-D/CV-07 jammed again", "worn transition roller suspected; replacement tonight"),
]  # fmt: skip
#: chg, title, units, category, state, requested by, implemented by, approver, raised, planned start, implemented
#: (minutes ago; negative: ahead; None: not yet), backout, notes
CHANGES = [
    ("CHG0041852", "Halcyon HX-9 threat library TL-2026.1 -> TL-2026.2", "EDS-05, EDS-06", "eds_software",
     "implemented", "Joy Adewale (HBS)", "Halcyon remote support", "HBS security manager", 12 * DAY, 9 * DAY,
     9 * DAY, "TL-2026.1", "no change to throughput"),
    ("CHG0041869", "SRT-1 PLC v7.4.1 -> v7.4.2: tray tip timing compensation", "SRT-1", "plc", "implemented",
     "Declan Moyo", "Marek Zielinski (Corvex)", "CAB", 5 * DAY, 1560, 1560, "reload v7.4.1",
     "compensates tip timing for chain stretch until the chain replacement (MX-2026-01166)"),
    ("CHG0041870", "BHS core switch BHS-SW-03 firmware 16.9.4 -> 16.9.6", "BHS-SW-03", "network", "implemented",
     "Kofi Mensah", "Kofi Mensah", "CAB", 4 * DAY, 2400, 2400, "reinstall 16.9.4", "no packet loss seen"),
    ("CHG0041873", "ATR firmware 5.2.0 -> 5.3.1, pilot on the SRT-2 inlet readers", "ATR:S2A, ATR:S2B",
     "atr_firmware", "implemented", "Kofi Mensah", "Kofi Mensah", "CAB", 3 * DAY, FW_START, FW_DONE,
     "reinstall 5.2.0 from the Lumiscan manager (about 10 minutes a reader)",
     "new decoder for creased tags; readers offline about 5 minutes, bags to MCS 2; fleet rollout (ATR:S1A, "
     "ATR:S1B, ATR:TX1) after a 72-hour pilot (MX-2026-01186)"),
    ("CHG0041876", "SAC sort allocation table: summer schedule week 2 (adds NM0425 and BJ0790, TQ0563 to MU-09)",
     "SAC-01", "sac_table", "implemented", "Hannah Ferreira (BCR planning)", "Hannah Ferreira (BCR planning)",
     "BCR duty manager", 2 * DAY, SAC_AT, SAC_AT, "reload the previous table",
     "no change to the carousels of flights already open"),
    ("CHG0041881", "Emergency: re-import the site profile KMR-T2-6H (6 heads) on ATR:S2A and ATR:S2B",
     "ATR:S2A, ATR:S2B", "atr_firmware", "approved", "Kofi Mensah", None, "E-CAB (Oliver Grant, Sunita Rao)", 30,
     -25, None, "roll back to 5.2.0", "LMS-CS-20417; one reader at a time, about 3 minutes each"),
]  # fmt: skip
#: entry, minutes ago, author, role, text
SHIFT_LOG = [
    ("BCR-26-1121", 2700, "Tomasz Wrona", "BCR duty manager (nights)",
     "quiet night; BHS-SW-03 firmware done by IT (CHG0041870), no impact"),
    ("BCR-26-1127", 1500, "Tomasz Wrona", "BCR duty manager (nights)",
     "handover: SRT-1 PLC patch CHG0041869 in, SRT-1 back to normal rate; TT-NOTIP still a few a day until the chain "
     "is replaced; EDS-04 service planned next shift"),
    ("BCR-26-1131", 425, "Sunita Rao", "BCR duty manager",
     "EDS-04 handed to Veritome for the X-ray generator service (MX-2026-01179); HBS on five machines, queues normal"),
    ("BCR-26-1134", 240, "Sunita Rao", "BCR duty manager", "EDS-04 back in service"),
    ("BCR-26-1136", 174, "Sunita Rao", "BCR duty manager",
     "Kofi Mensah (IT) starting the ATR firmware pilot on the SRT-2 inlets (CHG0041873); S2 readers off about 5 "
     "minutes, bags to MCS 2"),
    ("BCR-26-1138", 150, "Abdul Karim", "MCS 2 encoder",
     "lots of no-reads coming to MCS 2; the tags look fine, most are underneath the bag"),
    ("BCR-26-1140", 126, "Sunita Rao", "BCR duty manager",
     "MCS 2 queue above 30 (MCS-QFULL); second encoding position opened with an encoder from the EBS"),
    ("BCR-26-1141", 112, "Sunita Rao", "BCR duty manager",
     "BHS maintenance called for the ATR:S2A / ATR:S2B no-reads: Rhys Pritchard on MX-2026-01188"),
    ("BCR-26-1143", 88, "Sunita Rao", "BCR duty manager",
     "Carlos Mendes (SkyServe Handling) warns NM0417 will close with bags still at MCS 2"),
    ("BCR-26-1145", 66, "Sunita Rao", "BCR duty manager",
     "NM0417 off blocks 7 bags short, rebooked on NM0421; SkyServe Handling complaint logged"),
    ("BCR-26-1146", 52, "Sunita Rao", "BCR duty manager", "Kofi Mensah opened LMS-CS-20417 with Lumiscan"),
    ("BCR-26-1148", 30, "Sunita Rao", "BCR duty manager",
     "emergency change CHG0041881 approved by Oliver Grant (IT duty manager) and me; profile re-import in 25 "
     "minutes; Kofi advises against a rollback during the wave"),
    ("BCR-26-1149", 18, "Sunita Rao", "BCR duty manager",
     "Ingrid Holm (Nordline Ground) complains AU0233 left 5 bags and BJ0788 3 bags behind"),
]  # fmt: skip
#: ref, supplier, unit, subject, status, priority, engineer, opened and updated (minutes ago), latest
TICKETS = [
    ("LMS-CS-20417", "Lumiscan", "ATR:S2A, ATR:S2B", "High no-read rate after firmware 5.3.1", "open", "P1",
     "Elif Demir", 52, 34,
     "known issue KI-531-04: an upgrade from 5.2.x applies the factory profile, in which the underside scan head "
     "(head 6) is disabled, so tags under the bag are not read; re-import the site profile KMR-T2-6H (effective "
     "after a reader restart) or roll back to 5.2.0; fixed in 5.3.2; hold the fleet rollout"),
    ("CBX-INC-004409", "Corvex", "SRT-1", "Drive chain elongation above 2.0%", "scheduled", "P3", "Marek Zielinski",
     21 * DAY - 60, 2 * DAY,
     "elongation rising about 0.13% a week; replace before 2.5%; chain kit on site; replacement booked as "
     "MX-2026-01166 in 4 days (SRT-1 closed about 6 hours); PLC v7.4.2 compensates tip timing until then"),
    ("VRT-SR-7781", "Veritome", "EDS-04", "Annual X-ray generator service", "closed", "P4", "Sven Olafsson",
     10 * DAY, 230, "service done, image quality test passed"),
]  # fmt: skip
KB = [
    ("BHS-OPS-012", "Manual coding station overload (MCS-QFULL)",
     "Open the second encoding position, warn the handlers of flights at risk, divert no-reads to the other sorter's "
     "station through the cross-over if it has room, and find why the no-reads rose (BHS-OPS-019). Bags that miss "
     "their flight: BHS-OPS-031."),
    ("BHS-OPS-019", "High ATR no-read rate (NR-RATE)",
     "Compare the reader with the other inlet and the other sorter. Clean the scan tunnel windows and check on the "
     "reader's diagnostics page that every scan head is active (6 of 6 on the LS-6) and that the reader runs the site "
     "profile KMR-T2-6H. After a firmware update check the head configuration against the site profile: re-import "
     "the profile or roll the firmware back, and open a Lumiscan ticket."),
    ("BHS-OPS-027", "Sorter tray tip failures and chain wear",
     "Measure the drive chain elongation daily. Alert at 2.0%: open a Corvex ticket and plan the replacement; replace "
     "before 2.5%. Tip failures above 5 a day: check the tip timing."),
    ("BHS-OPS-031", "Short-shipped bags",
     "Record every bag that missed its flight, rebook it on the next flight to the destination and tell the handler."),
    ("HBS.SOP.07", "Screening machine out of service",
     "With one machine out HBS runs on the rest; with two out call the HBS security manager and consider holding "
     "check-in on the islands feeding them."),
    ("TM LS-6 4.2", "Lumiscan LS-6 technical manual, 4.2 scan heads",
     "Six heads: 1-4 the sides, 5 the top, 6 the underside (reads tags under the bag through the roller gap). Head "
     "enable flags are part of the reader profile."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE zones (code TEXT PRIMARY KEY, name TEXT, level INTEGER, description TEXT, owner TEXT);
CREATE TABLE equipment (unit TEXT PRIMARY KEY, kind TEXT, zone TEXT, make TEXT, model TEXT, fed_by TEXT, feeds TEXT,
                        commissioned INTEGER);
CREATE TABLE status (unit TEXT PRIMARY KEY, kind TEXT, state TEXT, since TEXT, throughput_bph INTEGER,
                     queue_bags INTEGER, active_fault TEXT, firmware TEXT);
CREATE TABLE atr_stats (reader TEXT, bucket_start TEXT, bucket_epoch INTEGER, bags INTEGER, good_reads INTEGER,
                        no_reads INTEGER, multi_reads INTEGER, no_read_pct REAL);
CREATE INDEX atr_stats_epoch ON atr_stats (bucket_epoch);
CREATE TABLE bag_events (tag TEXT, flight TEXT, ts TEXT, location TEXT, event TEXT, detail TEXT);
CREATE INDEX bag_events_tag ON bag_events (tag);
CREATE TABLE faults (fault_id INTEGER PRIMARY KEY, unit TEXT, zone TEXT, code TEXT, text TEXT, severity TEXT,
                     raised TEXT, raised_epoch INTEGER, cleared TEXT);
CREATE TABLE fault_codes (code TEXT PRIMARY KEY, kind TEXT, text TEXT, severity TEXT, meaning TEXT, action TEXT);
CREATE TABLE missed (tag TEXT PRIMARY KEY, flight TEXT, airline TEXT, std TEXT, carousel TEXT, reason TEXT,
                     last_seen_at TEXT, last_seen TEXT, outcome TEXT);
CREATE TABLE makeup (flight TEXT PRIMARY KEY, airline TEXT, destination TEXT, std TEXT, carousel TEXT, opens TEXT,
                     closes TEXT, bags_expected INTEGER, bags_loaded INTEGER, status TEXT);
CREATE TABLE hbs (machine TEXT, measure TEXT, value REAL, hour_end TEXT, hour_epoch INTEGER);
CREATE INDEX hbs_machine ON hbs (machine, hour_epoch);
CREATE TABLE sorter_condition (sorter TEXT, measured_at TEXT, measured_epoch INTEGER, chain_elongation_pct REAL,
                               drive_current_a REAL, tip_failures INTEGER);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, unit TEXT, type TEXT, status TEXT, technician TEXT, created TEXT,
                          created_epoch INTEGER, planned_for TEXT, completed TEXT, title TEXT, notes TEXT);
CREATE TABLE changes (chg TEXT PRIMARY KEY, title TEXT, units TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, planned_start TEXT, implemented TEXT,
                      implemented_epoch INTEGER, backout TEXT, notes TEXT);
CREATE TABLE shift_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE tickets (ref TEXT PRIMARY KEY, supplier TEXT, unit TEXT, subject TEXT, status TEXT, priority TEXT,
                      engineer TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE kb (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _equipment() -> list[tuple[Any, ...]]:
    """unit, kind, zone, make, model, fed by, feeds, commissioned."""
    rows: list[tuple[Any, ...]] = []
    for unit in CONVEYORS:
        island, n = unit.split("/")[1], int(unit[-2:])
        fed = f"check-in desks {island[-1]}01-{island[-1]}08" if n == 1 else unit[:-2] + f"{n - 1:02d}"
        feeds = "T2.HBS" if n == 8 else unit[:-2] + f"{n + 1:02d}"
        rows.append((unit, "conveyor", f"T2.{island}", "Corvex", "BeltLine 900", fed, feeds, 2011))
    for m in EDS:
        newer = m in ("EDS-05", "EDS-06")
        rows.append((m, "eds", "T2.HBS", "Halcyon" if newer else "Veritome", "HX-9" if newer else "CT-80",
                     "T2.CI-A .. T2.CI-C" if m <= "EDS-03" else "T2.CI-D .. T2.CI-F", "SRT-1, SRT-2",
                     2023 if newer else 2019))  # fmt: skip
    for r in READERS:
        sorter = "SRT-1" if r.startswith("ATR:S1") else "SRT-2" if r.startswith("ATR:S2") else "SRT-1, SRT-2"
        zone = "T2.TX" if r == "ATR:TX1" else f"T2.{sorter}"
        rows.append((r, "atr", zone, "Lumiscan", "LS-6 (6-head scan tunnel)", "T2.HBS" if r != "ATR:TX1" else "TX1",
                     sorter, 2023 if r.startswith("ATR:S2") else 2019))  # fmt: skip
    rows += [
        ("SRT-1", "sorter", "T2.SRT-1", "Corvex", "TiltLine 400 (412 trays)", "ATR:S1A, ATR:S1B, ATR:TX1",
         "MU-07, MU-08, MU-09, MU-10, MCS 1, EBS", 2011),
        ("SRT-2", "sorter", "T2.SRT-2", "Corvex", "TiltLine 600 (388 trays)", "ATR:S2A, ATR:S2B, ATR:TX1",
         "MU-11, MU-12, MU-13, MU-14, MCS 2, EBS", 2023),
        ("MCS 1", "mcs", "T2.MCS", "Corvex", "ManualCode 2 (two encoding positions)", "SRT-1 no-reads", "SRT-1",
         2011),
        ("MCS 2", "mcs", "T2.MCS", "Corvex", "ManualCode 2 (two encoding positions)", "SRT-2 no-reads", "SRT-2",
         2023),
        ("EBS", "ebs", "T2.EBS", "Corvex", "StoreLine 600", "SRT-1, SRT-2", "SRT-1, SRT-2", 2016),
        ("TX1", "transfer", "T2.TX", "Corvex", "BeltLine 900", "transfer reclaim", "ATR:TX1", 2011),
    ]  # fmt: skip
    for n in range(7, 15):
        sorter = "SRT-1" if n <= 10 else "SRT-2"
        rows.append((f"MU-{n:02d}", "makeup", "T2.MU-N" if n <= 10 else "T2.MU-S", "Corvex",
                     "Carousel 40 (inclined plate)", sorter, "handlers' carts", 2011 if n <= 10 else 2023))  # fmt: skip
    return rows


def _bags(reader: str, k: int) -> int:
    """Bags presented to a reader in bucket k (15 minutes)."""
    wave = 0.78 + 0.3 * math.sin(2 * math.pi * (15 * k + 300) / 1440)
    return max(8, round(READER_BASE[reader] * wave * (0.9 + 0.2 * noise(f"b{reader}", k))))


def _atr_stats(now: datetime) -> list[tuple[Any, ...]]:
    """Every reader's 15-minute buckets for 7 days, the newest ending now."""
    rows = []
    for reader in READERS:
        for k in range(STATS_DAYS * 96):
            bags = _bags(reader, k)
            base = 0.015 + 0.01 * noise(f"t{reader}", k) if reader == "ATR:TX1" else 0.005 + 0.01 * noise(
                f"n{reader}", k)  # fmt: skip
            pct = SPIKE[k] / 100 if reader == "ATR:S2A" and k in SPIKE else (
                0.8 * SPIKE[k] / 100 if reader == "ATR:S2B" and k in SPIKE else base)  # fmt: skip
            no_reads = int(bags * pct + 0.5)
            multi = int(2.5 * noise(f"mr{reader}", k))
            start = now - timedelta(minutes=15 * (k + 1))
            rows.append((reader, iso(start), int(start.timestamp()), bags, bags - no_reads - multi, no_reads, multi,
                         round(100 * no_reads / bags, 1)))  # fmt: skip
    return rows


def _condition(now: datetime) -> list[tuple[Any, ...]]:
    """One measurement a day per sorter for 60 days (at T-40m, T-1d-40m, ...)."""
    rows = []
    for k in range(CONDITION_DAYS):
        t = now - timedelta(days=k, minutes=40)
        wobble = 0.02 * (noise("ch1", k) - 0.5) if 0 < k < CONDITION_DAYS - 1 else 0.0
        chain = 2.41 - 0.0185 * k + wobble
        tips = round(0.6 + 4.4 * ((CONDITION_DAYS - 1 - k) / (CONDITION_DAYS - 1)) ** 2 + 0.8 * noise("tip1", k))
        rows.append(("SRT-1", iso(t), int(t.timestamp()), round(chain, 2),
                     round(36.2 + 3.6 * (CONDITION_DAYS - 1 - k) / (CONDITION_DAYS - 1) + 0.3 * noise("cu1", k), 1),
                     tips))  # fmt: skip
        rows.append(("SRT-2", iso(t), int(t.timestamp()), round(0.52 + 0.04 * noise("ch2", k), 2),
                     round(31.0 + 0.4 * noise("cu2", k), 1), 1 if noise("tip2", k) > 0.9 else 0))  # fmt: skip
    return rows


def _faults(condition: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """(unit, zone, code, raised, cleared) in minutes ago (cleared None: active), for 7 days."""
    zone_of = {u: z for u, _k, z, *_ in _equipment()}
    out: list[tuple[Any, ...]] = []
    others = [c for c in CONVEYORS if c != JAMMER]
    for s in range(FAULT_DAYS * 8):  # one conveyor fault every 3 hours, somewhere else
        m = 180 * s + 20 + int(140 * noise("fm", s))
        unit = others[int(len(others) * noise("fu", s))]
        r = noise("fc", s)
        code = "JAM" if r < 0.6 else "PE-BLK" if r < 0.9 else "MTR-OL"
        out.append((unit, zone_of[unit], code, m, m - 2 - int(5 * noise("fd", s))))
    out += [(JAMMER, "T2.CI-D", "JAM", m, m - 3 - i % 3) for i, m in enumerate(JAMMER_AT)]
    tips = {k: r[5] for k, r in enumerate(x for x in condition if x[0] == "SRT-1")}
    for k in range(FAULT_DAYS):  # SRT-1's tip failures, as many as the day's measurement counted
        n = tips[k]
        for i in range(n):
            m = 40 + k * DAY + 30 + int(i * (DAY - 60) / max(n, 1)) + int(20 * noise("tt", k * 10 + i))
            if m < FAULT_DAYS * DAY:
                out.append(("SRT-1", "T2.SRT-1", "TT-NOTIP", m, m - 1))
    out += [
        ("SRT-2", "T2.SRT-2", "TT-NOTIP", 4333, 4332),
        ("MU-09", "T2.MU-N", "ESTOP", 1810, 1802),
        ("MU-13", "T2.MU-S", "ESTOP", 4421, 4418),
        ("EDS-02", "T2.HBS", "EDS-FLT", 5230, 5191),
        ("ATR:TX1", "T2.TX", "NR-RATE", 4247, 4232),
        ("SRT-1", "T2.SRT-1", "PLC-RST", 1558, 1556),
        ("EDS-04", "T2.HBS", "EDS-MAINT", EDS4_DOWN, EDS4_UP),
        ("ATR:S2A", "T2.SRT-2", "FW-UPD", FW_START, FW_DONE),
        ("ATR:S2B", "T2.SRT-2", "FW-UPD", FW_START - 1, FW_DONE),
        ("ATR:S2A", "T2.SRT-2", "NR-RATE", 158, None),
        ("ATR:S2B", "T2.SRT-2", "NR-RATE", 151, None),
        ("MCS 2", "T2.MCS", "MCS-QFULL", 124, 117),
        ("SAC-01", "T2.SRT-1, T2.SRT-2", "SAC-RELOAD", SAC_AT, SAC_AT),
        ("MCS 2", "T2.MCS", "MCS-QFULL", 96, 81),
        ("MCS 2", "T2.MCS", "MCS-QFULL", 62, None),
    ]
    return sorted(out, key=lambda o: -o[3])


def _tag(airline: str, serial: int) -> str:
    return f"0{AIRLINES[airline][0]}{serial:06d}"


def _missed() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Missed bags (tag, flight, airline, STD, carousel, reason, last seen at, last seen, outcome; times in minutes
    ago) and their tracking events (tag, flight, minutes ago, location, event, detail)."""
    missed, events = [], []
    for f, (flight, dest, std, carousel, n, rebook) in enumerate(SHORT):
        airline, close = flight[:2], std + 15
        inlet = "ATR:S2A" if carousel in ("MU-11", "MU-12") else "ATR:S2B"
        for j in range(n):
            tag = TRACED if flight == "NM0417" and j == 0 else _tag(airline, 203317 + 25 * j + 1000 * f)
            if tag == TRACED:
                t_in, t_eds, t_nr, t_mc = 140, 137, 134, 79
            else:
                t_nr = min(164 - j, close + 20 + int(40 * noise("nr", 10 * f + j)))
                t_in, t_eds = t_nr + 6, t_nr + 3
                t_mc = close - 3 - int(25 * noise("mc", 10 * f + j))
            ev = [(t_in, f"T2.CI-{'EDF'[j % 3]}", "checked_in", f"{flight} to {dest}"),
                  (t_eds, "EDS-05" if j % 2 else "EDS-04" if t_eds < EDS4_UP else "EDS-06", "screened",
                   "level 1 clear"),
                  (t_nr, inlet, "atr_no_read", "no tag read"),
                  (t_nr, "MCS 2", "sent_to_manual_coding", "queued")]  # fmt: skip
            if t_mc >= 3:
                ev += [(t_mc, "MCS 2", "manual_coded", f"coded to {flight}"),
                       (t_mc - 1, "SRT-2", "sorted", f"to {carousel}"),
                       (t_mc - 2, carousel, "arrived_makeup", f"{flight} make-up closed {close - t_mc + 2} minutes "
                        "earlier")]  # fmt: skip
                seen_at, seen = carousel, t_mc - 2
            else:
                seen_at, seen = "MCS 2", t_nr
            ev += [(max(std - 4, 1), flight, "short_shipped", f"{flight} departed without the bag"),
                   (max(std - 10, 1), flight, "rebooked", f"on {rebook}")]  # fmt: skip
            missed.append((tag, flight, airline, std, carousel, "no_read", seen_at, seen, f"rebooked on {rebook}"))
            events += [(tag, flight, *e) for e in ev]
    for i in range(20):  # background, over 7 days
        m = BG_NO_READ.get(i, 260 + 490 * i)
        flight = POOL[i % len(POOL)]
        airline = flight[:2]
        reason = "no_read" if i in BG_NO_READ else REASONS[i % len(REASONS)]
        tag = _tag(airline, 110402 + 733 * i)
        seen_at = {"late_checkin": f"T2.CI-{'ABCDEF'[i % 6]}", "eds_hold": "T2.HBS level 3", "jam": JAMMER if i % 2
                   else "T2/CI-B/CV-04", "missort": "MU-10" if POOL_CAROUSEL[flight] != "MU-10" else "MU-09",
                   "short_connection": "TX1", "no_read": "MCS 1"}[reason]  # fmt: skip
        missed.append((tag, flight, airline, m, POOL_CAROUSEL[flight], reason, seen_at, m + 5,
                       "rebooked on the next flight to the destination"))  # fmt: skip
        events += [(tag, flight, m + 40, "T2.CI-A" if reason != "short_connection" else "TX1", "checked_in", flight),
                   (tag, flight, m + 5, seen_at, "last_seen", reason),
                   (tag, flight, m - 2, flight, "short_shipped", f"{flight} departed without the bag")]  # fmt: skip
    return missed, events


def _hbs(now: datetime) -> list[tuple[Any, ...]]:
    """Hourly screening figures per machine for 72 hours; the row stamped hour_end covers the hour before it."""
    rows = []
    for h in range(HBS_HOURS):
        t = now - timedelta(hours=h)
        wave = 0.78 + 0.3 * math.sin(2 * math.pi * (60 * h + 300) / 1440)
        down = EDS4_UP // 60 <= h < EDS4_DOWN // 60  # EDS-04 in maintenance for the whole hour
        for m in EDS:
            bags = EDS_BASE[m] * wave * (0.92 + 0.16 * noise(f"hb{m}", h))
            if down:
                bags = 0.0 if m == "EDS-04" else bags * 1.18
            bags = round(bags)
            l1 = 0.0 if bags == 0 else round((10.0 + 5.0 * noise(f"l1{m}", h)) if m in ("EDS-05", "EDS-06") else
                                             (14.0 + 6.0 * noise(f"l1{m}", h)), 1)  # fmt: skip
            l3 = int(bags * 0.004 + 2 * noise(f"l3{m}", h)) if bags else 0
            rows += [(m, "bags_screened", float(bags), iso(t), int(t.timestamp())),
                     (m, "l1_alarm_pct", l1, iso(t), int(t.timestamp())),
                     (m, "l3_referred", float(l3), iso(t), int(t.timestamp()))]  # fmt: skip
    return rows


def _status(now: datetime, stats: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every major unit now: unit, kind, state, since (minutes ago), throughput, queue, active fault, firmware."""
    top = max(s[2] for s in stats)
    newest = {r[0]: r[3] for r in stats if r[2] == top}
    rows: list[tuple[Any, ...]] = [
        ("SRT-1", "sorter", "running", 1556, 1180, 0, None, "PLC TL400 v7.4.2"),
        ("SRT-2", "sorter", "running", 9 * DAY, 1260, 0, None, "PLC TL600 v2.3.0"),
        ("MCS 1", "mcs", "running", 30 * DAY, 40, MCS_QUEUE["MCS 1"], None, "ManualCode 3.1"),
        ("MCS 2", "mcs", "degraded", 62, 96, MCS_QUEUE["MCS 2"], "MCS-QFULL", "ManualCode 3.1"),
        ("EBS", "ebs", "running", 30 * DAY, 150, 212, None, "StoreLine 4.0"),
        ("TX1", "transfer", "running", 30 * DAY, 4 * newest["ATR:TX1"], 0, None, "n/a"),
    ]
    for r in READERS:
        s2 = r.startswith("ATR:S2")
        rows.append((r, "atr", "degraded" if s2 else "running", (158 if r == "ATR:S2A" else 151) if s2 else 30 * DAY,
                     4 * newest[r], 0, "NR-RATE" if s2 else None, "5.3.1" if s2 else "5.2.0"))  # fmt: skip
    for m in EDS:
        rows.append((m, "eds", "running", EDS4_UP if m == "EDS-04" else 30 * DAY, None, int(6 * noise("q", int(m[-1]))),
                     None, "HX 4.1, TL-2026.2" if m in ("EDS-05", "EDS-06") else "VT 11.2"))  # fmt: skip
    for n in range(7, 15):
        rows.append((f"MU-{n:02d}", "makeup", "running", 30 * DAY, None, None, None, "n/a"))
    return [(u, k, s, iso(now - timedelta(minutes=since)), *rest) for u, k, s, since, *rest in rows]


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO zones VALUES (?,?,?,?,?)", ZONES)
    db.executemany("INSERT INTO equipment VALUES (?,?,?,?,?,?,?,?)", _equipment())
    stats = _atr_stats(now)
    db.executemany("INSERT INTO atr_stats VALUES (?,?,?,?,?,?,?,?)", stats)
    db.executemany("INSERT INTO status VALUES (?,?,?,?,?,?,?,?)", _status(now, stats))
    condition = _condition(now)
    db.executemany("INSERT INTO sorter_condition VALUES (?,?,?,?,?,?)", condition)
    texts = {c[0]: c for c in FAULT_CODES}
    db.executemany(
        "INSERT INTO faults VALUES (?,?,?,?,?,?,?,?,?)",
        [(5530100 + i, u, z, c, texts[c][2], texts[c][3], ago(m), clock.epoch(m), ago(cl))
         for i, (u, z, c, m, cl) in enumerate(_faults(condition))],
    )  # fmt: skip
    db.executemany("INSERT INTO fault_codes VALUES (?,?,?,?,?,?)", FAULT_CODES)
    missed, events = _missed()
    db.executemany("INSERT INTO missed VALUES (?,?,?,?,?,?,?,?,?)",
                   [(t, f, a, ago(s), c, r, sa, ago(se), o) for t, f, a, s, c, r, sa, se, o in missed])  # fmt: skip
    db.executemany("INSERT INTO bag_events VALUES (?,?,?,?,?,?)",
                   [(t, f, ago(m), loc, e, d) for t, f, m, loc, e, d in events])  # fmt: skip
    makeup = []
    for flight, dest, std, carousel, expected, loaded in MAKEUP:
        opens, closes = std + 150, std + 15
        status = "closed" if closes > 0 else "open" if opens > 0 else "scheduled"
        makeup.append((flight, flight[:2], dest, ago(std), carousel, ago(opens), ago(closes), expected, loaded, status))
    db.executemany("INSERT INTO makeup VALUES (?,?,?,?,?,?,?,?,?,?)", makeup)
    db.executemany("INSERT INTO hbs VALUES (?,?,?,?,?)", _hbs(now))
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(w[0], w[1], w[2], w[3], w[4], ago(w[5]), clock.epoch(w[5]), ago(w[6]), ago(w[7]), w[8], w[9])
                    for w in WORK_ORDERS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), *c[11:])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO shift_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in SHIFT_LOG])  # fmt: skip
    db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*t[:7], ago(t[7]), ago(t[8]), t[9]) for t in TICKETS])  # fmt: skip
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Baggage handling store (Kingsmere Airport T2): sorters, tag readers, screening, bags, faults"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
