"""A twenty-fifth estate, held out from the planner's tuning: the network operations centre (NOC) of a regional TV
and radio broadcaster (Carrowmere Broadcasting: four TV channels, CM One, its regional variant CM One North, CM Two
and Puffin, and four radio stations, Carrowmere FM, Wave 96.4, Harbour Gold and Drift, played out from the Harbour
Street broadcast centre with a DR site at Kilbride, two studios, Dunmore and Glenarm, and thirteen DTT, DAB and FM
transmitters at five sites, Knockanore, Slieve Corra, Mullaghbeg, Carn Tigh and the island of Inishdrum): transmitter
status, telemetry and daily readings (forward and reflected power, VSWR), channels and their playout servers,
encoders and multiplexers, contribution links and their quality, on-air incidents (off air, silence, black frame,
freeze), planned works (ours and third parties'), change requests, vendor cases, supplier contacts, the on-call rota,
the NOC's shift log and runbooks.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
sites are three-letter codes (``KNK``, ``SLC``, ``HSB``); transmitters ``KNK/DTT-A``, ``SLC/FM-WAVE``,
``CNT/DAB-11D`` (site, a slash, service and what it carries); channels ``CM1``, ``CM1-NTH``, ``PUFFIN``, ``WAVE964``;
playout servers ``hsb-ply-02a`` (lower case host names) and ``RAD-PO-1``; playout chains ``PC2``; encoders
``ENC-HSB-02``, multiplexers ``MUX-B``, ``DAB-11D``; links ``SRT-DNM-01``, ``STL-KNK-A``, ``SAT-IND-1``; the
carrier's circuit ``ETH-44871``; incidents ``INC-73131``; change requests ``CR-26-119``; maintenance windows
``MW-26-0421`` and third parties' works ``SKF-PW-88213``, ``NGD-77120``; shift log entries ``SL-26-4423``; vendor cases
``SKF-TT-550912``, ``VTX-CS-22817``, ``CVN/2026/031``, ``ORN 44120`` (a space); runbooks ``NOC-PR-014``,
``RF-PR-003``, ``MCR-WI-05``, ``ESC-01``, ``OEM VF-1K 4.3``; playout software ``Orrin AirDeck 7.5.0``; people are named
in full, some with accents (``Pádraig Keane``). Windows come as ``lookback_minutes``, RFC 3339 timestamps (``since`` /
``until``), ISO dates (``from_date`` / ``to_date``), a named ``window`` enum, ``hours`` and ``days``; two APIs require a
transmitter (telemetry, daily readings); two look up one record by key (a vendor case, a supplier); two search free
text (the shift log, runbooks); one is narrow (tx, measure, value, ts); the on-call rota flags the shift on now.
:mod:`tests.ops_eval.twentyfifth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; link buckets are 15 minutes, bucket k from
T-15(k+1)m to T-15km; telemetry every 10 minutes with the newest at now; daily readings at T-50m, T-1d-50m, ...; the
on-call weeks run from Monday 09:00 UTC):

- over 90 days: water gets into the feeder of SLC/FM-WAVE (Wave 96.4 on 97.9 MHz from Slieve Corra's north panel
  array) and its VSWR creeps up from 1.09 to 1.38 now (1.16 30 days ago; at or above the 1.30 warning since the
  reading 7 days ago; reflected power about 127 W of 5 kW); every other transmitter stays at 1.04-1.13: a slow trend
  (Corvane Antennas CVN/2026/031, Hugh Lennon; rigger climb MW-26-0424 in 3 days);
- this week: IND/FM-WAVE on the island goes off air 9 times (PA2 FAULT: its second PA module's current sensor; the
  most of any transmitter), the newest at T-40m still off air after a failed remote restart (Veltrix VTX-CS-22817,
  Marek Novak: the module comes on the first ferry tomorrow); KNK/DTT-B's main transmitter tripped at T-30h (coolant
  pump, 47 s off air) and MUX-B has run on the N+1 reserve at 80% power since (about 4.8 kW against 6.0 on
  KNK/DTT-A; pump replacement MW-26-0421 in 11 hours); CNT/DAB-11D is off for its annual maintenance (MW-26-0418, Orla
  Devlin, T-100m .. T+80m); MGB/DTT-A lost its mains 6 days ago (fixed since);
- T-180m Skellig Fibre's notified works SKF-PW-88213 start (a duct repair; planned to end at T-60m, overrunning, now
  expected to end at T+90m); from the bucket starting T-165m (the onset) the Dunmore studio's circuit ETH-44871 runs
  on the diverse path via Ballyroan: SRT-DNM-01's round trip goes from 8.5-11 ms to 29-33 ms, its jitter from 1-4 to
  about 20-34 ms, its retransmissions from under 0.6% to 8-14%, and with the receiver's SRT latency still at 120 ms the
  packet loss after ARQ goes from 0.00-0.04% to 0.35, 0.62, 1.10, 1.45, 1.90, 2.40, 2.85 (the peak, T-75m .. T-60m),
  2.30, 1.95, 2.10, 1.80% (newest); every other link stays at 0.04% or less (but for SAT-IND-1's rain fade 4 days
  ago, up to 1.18%); CM One North (CM1-NTH), which carries Dunmore's regional opt-out, goes to black, freezes or
  falls silent 10 times from T-161m (4 black frames, 3 freezes, 3 silences; Argus ARG-HSB-04); T-158m MCR (Aoife
  Brennan) calls the network on-call, T-139m Declan Moloney finds the round trip and the reroute, T-120m he raises
  SKF-TT-550912 (Skellig, Ruairí Dolan: no fault; raise the SRT latency to 400-500 ms or use the cellular backup
  BND-DNM-02 until the circuit goes back), T-45m emergency CR-26-121 (latency 500 ms) approved by the duty manager
  Maeve Cassidy, planned T+15m;
- red herrings: CR-26-119 updates hsb-ply-02a (CM Two's main playout server) from Orrin AirDeck 7.4.2 to 7.5.0 at
  T-190m .. T-178m (Tomasz Wrona of Orrin; CM Two on its backup in between, a 2 s freeze at each switch; just before
  the onset, another channel); CR-26-120 (Kilbride DR, T-8h), CR-26-117 (the DAB 11D bitrates, T-26h) and CR-26-114
  (the Knockanore microwave firmware, 3 days ago); CR-26-109 (Argus alarms after 5 s, 9 days ago); the rain fade on
  SAT-IND-1 4 days ago; IND/FM-WAVE, KNK/DTT-B and CNT/DAB-11D this week.

On call this week: rf Pádraig Keane (secondary Orla Devlin), playout Niamh Gallagher (Tomás Rooney), network Declan
Moloney (Sinéad Byrne), duty manager Maeve Cassidy. Skellig Fibre's NOC is +353 1 555 0142 and its escalation contact
Gráinne Walsh.

No API reports costs, rents or budgets, audience ratings or listening figures, the programme schedule (EPG), weather
or forecasts, viewer or listener complaints, staff hours or overtime; there is no TRH site (no TRH/DAB-11D), no CM3 and
no VTX-CS-29999; link stats are kept 7 days (the API reaches back 48 hours), telemetry 48 hours, daily readings 90
days, incidents 30 days.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.twentyfifth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "carrowmere_noc"
DAY = 1440
STATS_DAYS, TELEMETRY_HOURS, READING_DAYS = 7, 48, 90
#: Skellig Fibre's planned works: start and planned end (minutes ago), the revised end (minutes ahead)
WORKS_START, WORKS_PLANNED_END, WORKS_REVISED_END = 180, 60, 90
#: the Dunmore circuit moves to the diverse path at the start of bucket k = 10
REROUTE_AT = 165
#: CR-26-119, the AirDeck update on hsb-ply-02a (CM2 on its backup in between), minutes ago
PLAYOUT_START, PLAYOUT_DONE = 190, 178
DTTB_TRIP, CNT_OFF, CNT_BACK = 1800, 100, -80
IND_TRIPS = [40, 395, 1010, 1785, 2490, 3330, 4105, 5270, 6990]  # the newest still off air
VSWR_TX, VSWR_BASE, VSWR_RISE, VSWR_RATE = "SLC/FM-WAVE", 1.08, 0.30, 0.045
#: SRT-DNM-01's packet loss (%) after the reroute, per bucket k
LOSS = {10: 0.35, 9: 0.62, 8: 1.10, 7: 1.45, 6: 1.90, 5: 2.40, 4: 2.85, 3: 2.30, 2: 1.95, 1: 2.10, 0: 1.80}
#: CM1-NTH's Argus alarms after the reroute: minutes ago, kind, seconds
CM1N_HITS = [(161, "black_frame", 14), (149, "silence", 9), (133, "freeze", 6), (118, "black_frame", 22),
             (97, "silence", 12), (79, "black_frame", 31), (66, "freeze", 8), (51, "silence", 7),
             (34, "black_frame", 19), (17, "freeze", 11)]  # fmt: skip

#: code, name, kind, location, description, owner
SITES = [
    ("CNT", "Carn Tigh", "transmitter site", "Carn Tigh, 30 m pole above the Carn valley",
     "DAB 11D single-frequency fill-in for the Carn valley", "RF team"),
    ("DNM", "Dunmore studio", "studio", "Dunmore, north coast",
     "regional news studio for CM One North: contribution encoder ENC-DNM-01, SRT-DNM-01 over a Skellig Fibre "
     "circuit, bonded cellular backup BND-DNM-02", "News operations North (Fionnuala Quinn)"),
    ("GLN", "Glenarm studio", "studio", "Glenarm", "Wave 96.4 breakfast studio, SRT-GLN-01",
     "Radio (Brendan Shiels)"),
    ("HSB", "Harbour Street", "broadcast centre", "Carrowmere city centre",
     "MCR and the NOC; TV playout chains PC1-PC3 (Orrin AirDeck), radio playout (Solan RX), encoders, MUX-A, MUX-B, "
     "the DAB 11D multiplexer, FM processing, contribution receivers, the satellite uplink for Inishdrum",
     "Network operations (Maeve Cassidy)"),
    ("IND", "Inishdrum", "transmitter site", "Inishdrum island, ferry from Portnaclea",
     "island FM relay fed by satellite (SAT-IND-1); diesel generator; access by ferry only", "RF team"),
    ("KBR", "Kilbride", "DR site", "Kilbride business park, 24 km inland",
     "disaster recovery playout kbr-ply-dr1 (warm standby) for the TV channels", "Playout (Ciarán Mulvey)"),
    ("KNK", "Knockanore", "transmitter site", "Knockanore hill, 312 m guyed mast",
     "main high-power site: DTT muxes A and B with an N+1 reserve, DAB 11D, FM for Wave 96.4 and Carrowmere FM; fed "
     "by STL-KNK-A (fibre) and STL-KNK-B (microwave)", "RF team"),
    ("MGB", "Mullaghbeg", "transmitter site", "Mullaghbeg, 45 m lattice tower",
     "relay: DTT mux A rebroadcast off air from Knockanore, Carrowmere FM; generator", "RF team"),
    ("SLC", "Slieve Corra", "transmitter site", "Slieve Corra summit, 140 m tower",
     "FM for Wave 96.4 (97.9 MHz, north panel array) and Carrowmere FM, DAB 11D; fed by STL-SLC-1 from Knockanore",
     "RF team"),
]  # fmt: skip
#: tx, site, service, frequency, carries, nominal kW, model, reserve, antenna
TRANSMITTERS = [
    ("KNK/DTT-A", "KNK", "DTT", "UHF 34", "MUX-A: CM1, CM2, PUFFIN", 6.0, "Veltrix VT-8000 (liquid cooled)",
     "N+1 reserve shared with KNK/DTT-B", "main mast UHF panel array"),
    ("KNK/DTT-B", "KNK", "DTT", "UHF 37", "MUX-B: CM1-NTH, CM1 SD", 6.0, "Veltrix VT-8000 (liquid cooled)",
     "N+1 reserve shared with KNK/DTT-A", "main mast UHF panel array"),
    ("KNK/DAB-11D", "KNK", "DAB", "block 11D", "Carrowmere DAB ensemble (CFM, WAVE964, HGOLD, DRIFT)", 2.5,
     "Aldercote AD-25", "standby exciter", "band III slot array"),
    ("KNK/FM-WAVE", "KNK", "FM", "96.4 MHz", "Wave 96.4", 10.0, "Aldercote FMX-10", "standby FMX-5 at half power",
     "combined FM array"),
    ("KNK/FM-CFM", "KNK", "FM", "101.2 MHz", "Carrowmere FM", 10.0, "Aldercote FMX-10",
     "standby FMX-5 at half power", "combined FM array"),
    ("SLC/FM-WAVE", "SLC", "FM", "97.9 MHz", "Wave 96.4 (north)", 5.0, "Aldercote FMX-5", "none",
     "north-facing 4-bay panel array, own 1-5/8 in feeder"),
    ("SLC/FM-CFM", "SLC", "FM", "102.6 MHz", "Carrowmere FM", 5.0, "Aldercote FMX-5", "none",
     "omni dipole array, own feeder"),
    ("SLC/DAB-11D", "SLC", "DAB", "block 11D", "Carrowmere DAB ensemble", 1.0, "Aldercote AD-10", "none",
     "band III slot antenna"),
    ("MGB/DTT-A", "MGB", "DTT", "UHF 41", "MUX-A (rebroadcast from Knockanore)", 0.5, "Veltrix VT-800", "none",
     "UHF panels"),
    ("MGB/FM-CFM", "MGB", "FM", "99.1 MHz", "Carrowmere FM", 1.0, "Veltrix VF-1K", "none", "dipole pair"),
    ("CNT/DAB-11D", "CNT", "DAB", "block 11D", "Carrowmere DAB ensemble (fill-in)", 0.25, "Aldercote AD-03", "none",
     "band III yagi pair"),
    ("IND/FM-CFM", "IND", "FM", "104.3 MHz", "Carrowmere FM (island)", 0.5, "Veltrix VF-1K", "none", "dipole"),
    ("IND/FM-WAVE", "IND", "FM", "95.2 MHz", "Wave 96.4 (island)", 0.5, "Veltrix VF-1K (two PA modules)", "none",
     "dipole"),
]  # fmt: skip
TX_IDS = [t[0] for t in TRANSMITTERS]
#: channel, name, type, platforms, chain, on air from, state, since (minutes ago), alarms
CHANNELS = [
    ("CM1", "CM One", "tv", "DTT MUX-A (HD), MUX-B (SD simulcast)", "PC1", "main", "on_air", 40 * DAY, ""),
    ("CM1-NTH", "CM One North", "tv", "DTT MUX-B", "PC1 with the Dunmore opt-out (RGN-SW-1)", "main", "degraded",
     CM1N_HITS[0][0], "Argus ARG-HSB-04: intermittent black frame, freeze and silence on the Dunmore opt-out"),
    ("CM2", "CM Two", "tv", "DTT MUX-A", "PC2", "main", "on_air", PLAYOUT_DONE, ""),
    ("PUFFIN", "Puffin", "tv", "DTT MUX-A", "PC3", "main", "on_air", 40 * DAY, ""),
    ("CFM", "Carrowmere FM", "radio", "FM (KNK, SLC, MGB, IND), DAB 11D", "RAD-1", "main", "on_air", 40 * DAY, ""),
    ("WAVE964", "Wave 96.4", "radio", "FM (KNK, SLC, IND), DAB 11D", "RAD-2", "main", "on_air", 40 * DAY,
     "relay IND/FM-WAVE off air"),
    ("HGOLD", "Harbour Gold", "radio", "DAB 11D", "RAD-3", "main", "on_air", 40 * DAY, ""),
    ("DRIFT", "Drift", "radio", "DAB 11D", "RAD-3", "main", "on_air", 1555, ""),
]  # fmt: skip
#: host, site, chain, role, channels, software, state, on air
PLAYOUT = [
    ("hsb-ply-01a", "HSB", "PC1", "main", "CM1, CM1-NTH", "Orrin AirDeck 7.4.2", "running", "yes"),
    ("hsb-ply-01b", "HSB", "PC1", "backup", "CM1, CM1-NTH", "Orrin AirDeck 7.4.2", "running (hot standby)", "no"),
    ("hsb-ply-02a", "HSB", "PC2", "main", "CM2", "Orrin AirDeck 7.5.0", "running", "yes"),
    ("hsb-ply-02b", "HSB", "PC2", "backup", "CM2", "Orrin AirDeck 7.4.2", "running (hot standby)", "no"),
    ("hsb-ply-03a", "HSB", "PC3", "main", "PUFFIN", "Orrin AirDeck 7.4.2", "running", "yes"),
    ("hsb-ply-03b", "HSB", "PC3", "backup", "PUFFIN", "Orrin AirDeck 7.4.2", "running (hot standby)", "no"),
    ("kbr-ply-dr1", "KBR", "DR", "dr", "CM1, CM1-NTH, CM2, PUFFIN", "Orrin AirDeck 7.4.2", "warm standby", "no"),
    ("RAD-PO-1", "HSB", "RAD-1", "main", "CFM", "Solan RX 3.9.1", "running", "yes"),
    ("RAD-PO-2", "HSB", "RAD-2", "main", "WAVE964", "Solan RX 3.9.1", "running", "yes"),
    ("RAD-PO-3", "HSB", "RAD-3", "main", "HGOLD, DRIFT", "Solan RX 3.9.1", "running", "yes"),
]  # fmt: skip
#: device, kind, site, input, output, codec, bitrate kbit/s, software, status
DEVICES = [
    ("ENC-HSB-01", "encoder", "HSB", "CM1", "MUX-A", "H.264 1080i", 8500, "Brightwater BV-E5 5.2.1", "ok"),
    ("ENC-HSB-02", "encoder", "HSB", "CM1-NTH", "MUX-B", "H.264 1080i", 9000, "Brightwater BV-E5 5.2.1", "ok"),
    ("ENC-HSB-03", "encoder", "HSB", "CM2", "MUX-A", "H.264 1080i", 7000, "Brightwater BV-E5 5.2.1", "ok"),
    ("ENC-HSB-04", "encoder", "HSB", "PUFFIN", "MUX-A", "H.264 576i", 3200, "Brightwater BV-E5 5.2.1", "ok"),
    ("ENC-HSB-05", "encoder", "HSB", "CM1 (SD simulcast)", "MUX-B", "MPEG-2 576i", 3800, "Brightwater BV-E5 5.2.1",
     "ok"),
    ("ENC-DNM-01", "encoder", "DNM", "Dunmore studio output", "SRT-DNM-01 / BND-DNM-02", "H.265 1080i", 20000,
     "Brightwater BV-C3 1.9.4", "ok"),
    ("MUX-A", "mux", "HSB", "ENC-HSB-01, ENC-HSB-03, ENC-HSB-04 (statistical multiplexing)", "KNK/DTT-A, MGB/DTT-A",
     "DVB-T2", 40200, "Brightwater BV-M2 3.1.0", "ok"),
    ("MUX-B", "mux", "HSB", "ENC-HSB-02, ENC-HSB-05", "KNK/DTT-B", "DVB-T", 24100, "Brightwater BV-M2 3.1.0", "ok"),
    ("DAB-11D", "dab_mux", "HSB", "CFM 128, WAVE964 128, HGOLD 96, DRIFT 80 kbit/s",
     "KNK/DAB-11D, SLC/DAB-11D, CNT/DAB-11D", "DAB+", 432, "Tarnwell DMX 2.8", "ok"),
    ("FMP-CFM", "fm_processor", "HSB", "CFM", "FM MPX to KNK, SLC, MGB, IND", "FM MPX with RDS", None,
     "Orcasound OP-8 4.4", "ok"),
    ("FMP-WAVE", "fm_processor", "HSB", "WAVE964", "FM MPX to KNK, SLC, IND", "FM MPX with RDS", None,
     "Orcasound OP-8 4.4", "ok"),
]  # fmt: skip
#: link, type, from, to, carrier, circuit, carries, SRT latency (ms), backup, state
LINKS = [
    ("BND-DNM-02", "bonded cellular (Bondline BX-8, four modems)", "DNM", "HSB", "four mobile networks", "",
     "Dunmore studio output, backup (up to 10 Mbit/s)", 1500, "", "standby"),
    ("DR-KBR-1", "SRT over Ethernet", "HSB", "KBR", "Corrib Telecom", "CT-ETH-7710",
     "DR replication of CM1, CM1-NTH, CM2, PUFFIN", 250, "", "up"),
    ("SAT-IND-1", "DVB-S2 satellite, one way", "HSB", "IND", "Celtis Sat", "CS-TP-14",
     "FM MPX for IND/FM-CFM and IND/FM-WAVE", None, "", "up"),
    ("SRT-DNM-01", "SRT over leased Ethernet", "DNM", "HSB", "Skellig Fibre", "ETH-44871",
     "Dunmore studio output for CM1-NTH (ENC-DNM-01, 20 Mbit/s)", 120, "BND-DNM-02", "degraded"),
    ("SRT-GLN-01", "SRT over fibre", "GLN", "HSB", "Corrib Telecom", "CT-FB-2291",
     "Wave 96.4 breakfast studio (programme audio and the studio camera)", 200, "4G audio codec", "up"),
    ("STL-KNK-A", "IP over dark fibre (SMPTE 2022-7 pair with STL-KNK-B)", "HSB", "KNK", "NorthNet", "DF-0032",
     "MUX-A, MUX-B, DAB 11D (ETI), FM MPX", None, "STL-KNK-B", "up"),
    ("STL-KNK-B", "18 GHz microwave (SMPTE 2022-7 pair with STL-KNK-A)", "HSB", "KNK", "own licence",
     "MWL-18-03", "MUX-A, MUX-B, DAB 11D (ETI), FM MPX", None, "STL-KNK-A", "up"),
    ("STL-SLC-1", "7 GHz microwave", "KNK", "SLC", "own licence", "MWL-07-11", "DAB 11D (ETI), FM MPX for SLC",
     None, "off-air rebroadcast", "up"),
]  # fmt: skip
#: link -> (rtt low, spread or None for one way, bitrate Mbit/s); links with rows in link_stats
LINK_BASE = {"SRT-DNM-01": (8.5, 2.5, 20.2), "SRT-GLN-01": (6.0, 2.0, 6.0), "STL-KNK-A": (2.0, 1.0, 66.0),
             "STL-KNK-B": (2.5, 1.0, 66.0), "STL-SLC-1": (1.0, 1.0, 3.2), "SAT-IND-1": (None, None, 1.2),
             "DR-KBR-1": (12.0, 3.0, 58.0)}  # fmt: skip
#: SAT-IND-1's rain fade four days ago: buckets k and packet loss (%)
RAIN_FADE = {380: 0.31, 381: 0.74, 382: 1.18, 383: 0.96, 384: 0.52, 385: 0.27}

#: minutes ago, target, kind, severity, seconds (None: still going), detected by, notes
INCIDENT_BACKGROUND = [
    (25 * DAY, "CM1", "black_frame", "minor", 6, "Argus ARG-HSB-01", "gap in the schedule at an ad break"),
    (20 * DAY, "KNK/FM-CFM", "low_power", "minor", 1260, "RF remote monitoring",
     "FMX-10 PA fault; the standby ran at half power until the module swap"),
    (14 * DAY, "DRIFT", "silence", "minor", 40, "Argus ARG-HSB-07", "playlist ran out overnight"),
    (11 * DAY, "MGB/FM-CFM", "off_air", "major", 540, "RF remote monitoring",
     "mains failure at Mullaghbeg; the generator failed to start"),
    (8650, "MGB/DTT-A", "off_air", "major", 720, "RF remote monitoring", "mains failure at Mullaghbeg (NorthGrid)"),
    (7420, "CFM", "silence", "minor", 18, "Argus ARG-HSB-06", "dead air at a presenter handover"),
    (7010, "PUFFIN", "black_frame", "minor", 3, "Argus ARG-HSB-03", "gap between two programmes"),
    (5790, "IND/FM-CFM", "silence", "minor", 420, "Argus ARG-IND-01", "SAT-IND-1 rain fade"),
    (5790, "IND/FM-WAVE", "silence", "minor", 420, "Argus ARG-IND-02", "SAT-IND-1 rain fade"),
    (2950, "CFM", "silence", "minor", 11, "Argus ARG-HSB-06", "dead air: a sweeper missing from the playlist"),
    (DTTB_TRIP, "KNK/DTT-B", "off_air", "critical", 47, "RF remote monitoring",
     "main transmitter tripped on cooling flow low; the N+1 reserve took MUX-B after 47 s"),
    (1555, "DRIFT", "silence", "minor", 8, "Argus ARG-HSB-07", "DAB 11D reconfiguration (CR-26-117)"),
    (PLAYOUT_START, "CM2", "freeze", "minor", 2, "Argus ARG-HSB-02", "switch to hsb-ply-02b for CR-26-119"),
    (PLAYOUT_DONE, "CM2", "freeze", "minor", 2, "Argus ARG-HSB-02", "switch back to hsb-ply-02a after CR-26-119"),
]  # fmt: skip
#: cr, title, systems, category, state, requested by, implemented by, approver, raised, window start, done (minutes
#: ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("CR-26-109", "Argus probes: black frame and silence alarms after 5 s instead of 10 s (TV)",
     "ARG-HSB-01 .. ARG-HSB-04", "monitoring", "implemented", "Maeve Cassidy", "Aoife Brennan", "CAB", 14 * DAY,
     9 * DAY, 9 * DAY, "more sensitive alarms on all TV services"),
    ("CR-26-114", "STL-KNK-B microwave radio firmware 4.2", "STL-KNK-B", "network", "implemented", "Declan Moloney",
     "Declan Moloney", "CAB", 6 * DAY, 3 * DAY, 3 * DAY, "hitless: STL-KNK-A carried everything"),
    ("CR-26-117", "DAB 11D: DRIFT 64 -> 80 kbit/s, HGOLD 112 -> 96 kbit/s", "DAB-11D", "dab", "implemented",
     "Brendan Shiels", "Tomás Rooney", "CAB", 4 * DAY, 1560, 1560, "8 s of silence on DRIFT at the reconfiguration"),
    ("CR-26-119", "hsb-ply-02a: Orrin AirDeck 7.4.2 -> 7.5.0", "hsb-ply-02a (PC2: CM2)", "playout", "implemented",
     "Ciarán Mulvey (playout systems lead)", "Tomasz Wrona (Orrin field engineer)", "CAB", 5 * DAY, PLAYOUT_START,
     PLAYOUT_DONE, "CM2 on hsb-ply-02b during the update, a 2 s freeze at each switch; the other servers stay on "
     "7.4.2 until the 7-day soak ends (ORN 44120)"),
    ("CR-26-120", "Kilbride DR: replicate PUFFIN in HD", "DR-KBR-1, kbr-ply-dr1", "dr", "implemented",
     "Ciarán Mulvey", "Tomás Rooney", "CAB", 3 * DAY, 480, 470, "DR-KBR-1 from 52 to 58 Mbit/s"),
    ("CR-26-121", "Emergency: SRT-DNM-01 receiver latency 120 -> 500 ms", "SRT-DNM-01", "network", "approved",
     "Declan Moloney", None, "Maeve Cassidy (duty manager)", 45, -15, None,
     "the advice in SKF-TT-550912; at the next programme junction (a 2 s break on CM1-NTH); fallback: Dunmore to "
     "BND-DNM-02 (NOC-PR-014)"),
]  # fmt: skip
#: ref, owner, affects, starts, ends (minutes ago; negative: ahead), status, impact, contact
WINDOWS = [
    ("MW-26-0410", "Playout (Ciarán Mulvey)", "kbr-ply-dr1, the TV channels", 6 * DAY, 6 * DAY - 180, "completed",
     "DR failover test: CM2 and PUFFIN played out from Kilbride for 2 hours", "Ciarán Mulvey"),
    ("SKF-PW-88213", "Skellig Fibre (third party)", "circuit ETH-44871 (SRT-DNM-01) and other Dunmore circuits",
     WORKS_START, WORKS_PLANNED_END, "overrunning",
     "duct repair on the Dunmore-Carrowmere route; circuits moved to the diverse path via Ballyroan; brief hits at the "
     "switchover, no outage expected; revised end {eta}", "Skellig Fibre NOC"),
    ("MW-26-0418", "RF (Orla Devlin)", "CNT/DAB-11D", CNT_OFF, CNT_BACK, "in_progress",
     "annual maintenance; CNT/DAB-11D off air, Knockanore and Slieve Corra cover most of the Carn valley",
     "Orla Devlin"),
    ("MW-26-0421", "RF (Pádraig Keane)", "KNK/DTT-B main transmitter", -11 * 60, -14 * 60, "planned",
     "coolant pump replacement on the main transmitter; MUX-B stays on the N+1 reserve, about 30 s off air when "
     "switched back to the main transmitter", "Pádraig Keane"),
    ("MW-26-0424", "RF with Highline Rigging", "SLC/FM-WAVE antenna and feeder", -3 * DAY, -3 * DAY - 480,
     "planned", "rigger climb: inspect, dry and reseal the top connector, replace the top 30 m of feeder if corroded "
     "(CVN/2026/031); SLC/FM-WAVE off air for about 6 hours", "Orla Devlin"),
    ("NGD-77120", "NorthGrid (third party)", "Mullaghbeg site mains", -5 * DAY, -5 * DAY - 240, "planned",
     "planned mains outage; Mullaghbeg runs on its generator", "NorthGrid planned works line"),
]  # fmt: skip
#: ref, supplier, affects, subject, status, priority, engineer, raised by, opened, updated (minutes ago), latest
VENDOR_CASES = [
    ("CVN/2026/031", "Corvane Antennas", "SLC/FM-WAVE north panel array and feeder",
     "VSWR rising on the Slieve Corra 97.9 MHz antenna system", "open", "P3", "Hugh Lennon", "Orla Devlin", 6 * DAY,
     2 * DAY, "most likely water in the feeder's top connector or the panel array's junction box; check the dry-air "
     "pressure first; inspect, dry and reseal, and replace the top 30 m of 1-5/8 in feeder if it is corroded (climb "
     "MW-26-0424); safe to keep running below VSWR 1.5, where the transmitter folds back"),
    ("ORN 44120", "Orrin", "hsb-ply-02a", "AirDeck 7.5.0 upgrade on the PC2 main server (CR-26-119)", "open", "P4",
     "Tomasz Wrona", "Ciarán Mulvey", 5 * DAY, 170,
     "upgrade done, post checks passed; 7-day soak before PC1, PC3 and the backups; no issues reported"),
    ("SKF-TT-550912", "Skellig Fibre", "ETH-44871 (SRT-DNM-01)",
     "Latency, jitter and packet loss on ETH-44871 since the start of planned works SKF-PW-88213", "open", "P2",
     "Ruairí Dolan (Skellig NOC)", "Declan Moloney", 120, 55,
     "no fault on the circuit: during SKF-PW-88213 ETH-44871 runs on the diverse path via Ballyroan (round trip about "
     "30 ms instead of 9-10 ms) and shares a busy backhaul there, so jitter is higher; the works are overrunning and "
     "the circuit goes back to the primary route by {eta}; until then raise your SRT receiver latency to at least 4 "
     "times the round trip (we suggest 400-500 ms) or move the feed to your cellular backup"),
    ("VTX-CS-22817", "Veltrix", "IND/FM-WAVE", "VF-1K PA module 2 tripping (PA2 FAULT), off air repeatedly",
     "in_progress", "P1", "Marek Novak (Veltrix support)", "Pádraig Keane", 4 * DAY, 30,
     "PA module 2's current sensor is failing; replacement module VF1K-PA-220 shipped and on the first ferry to "
     "Inishdrum tomorrow morning, our engineer fits it on arrival; until then the transmitter can run on PA module 1 "
     "alone at 0.25 kW (half power) with module 2 bypassed (OEM VF-1K 4.3), if someone can get to the site"),
]  # fmt: skip
#: supplier, covers, support line, hours, escalation, contract
SUPPLIERS = [
    ("Aldercote", "FM and DAB transmitters (FMX, AD)", "+44 1632 960877", "08:00-18:00, weekends on call",
     "Ruth Ellison, account manager", "ALD-2023-14"),
    ("Bondline", "bonded cellular BX-8 at Dunmore", "+353 1 555 0177", "24x7", "support desk (no named contact)",
     "BND-SUB-552"),
    ("Celtis Sat", "satellite capacity for SAT-IND-1", "+352 555 0180", "24x7", "Luc Meyer, account manager",
     "CS-2022-31"),
    ("Corrib Telecom", "fibre circuits CT-FB-2291, CT-ETH-7710", "+353 91 555 0120", "24x7",
     "Aisling Crowe, service manager", "CRB-MSA-11"),
    ("Corvane Antennas", "antennas and feeders", "+44 1632 960215", "office hours", "Hugh Lennon, field services",
     "CVN-FS-2024"),
    ("Highline Rigging", "rigging and climbs", "+353 87 555 0133", "bookings office hours", "Shane Doherty", ""),
    ("NorthGrid", "mains supply at every site", "0800 555 0166 (faults)", "24x7", "connections team", ""),
    ("Orrin", "AirDeck TV playout", "+44 20 7946 0321", "24x7", "Tomasz Wrona, field engineer", "ORN-SUP-881"),
    ("Skellig Fibre", "leased circuits, incl. ETH-44871 (Dunmore)", "+353 1 555 0142 (NOC)", "24x7",
     "Gráinne Walsh, service manager, +353 87 555 0199", "SKF-MSA-2019-07"),
    ("Veltrix", "DTT and FM transmitters (VT-8000, VT-800, VF-1K)", "+44 1632 960411",
     "24x7 for P1, otherwise 08:00-18:00", "Marek Novak, support lead", "VTX-SLA-GOLD"),
]  # fmt: skip
#: rota -> [(level, engineer per week: last week, this week, next week, the week after)]
ROTAS = {
    "duty_manager": [("primary", ["Eoin Kavanagh", "Maeve Cassidy", "Eoin Kavanagh", "Maeve Cassidy"])],
    "network": [("primary", ["Sinéad Byrne", "Declan Moloney", "Sinéad Byrne", "Declan Moloney"]),
                ("secondary", ["Declan Moloney", "Sinéad Byrne", "Declan Moloney", "Sinéad Byrne"])],
    "playout": [("primary", ["Tomás Rooney", "Niamh Gallagher", "Ciarán Mulvey", "Tomás Rooney"]),
                ("secondary", ["Niamh Gallagher", "Tomás Rooney", "Niamh Gallagher", "Ciarán Mulvey"])],
    "rf": [("primary", ["Conor Hegarty", "Pádraig Keane", "Orla Devlin", "Conor Hegarty"]),
           ("secondary", ["Pádraig Keane", "Orla Devlin", "Conor Hegarty", "Pádraig Keane"])],
}  # fmt: skip
MOBILES = {"Eoin Kavanagh": "+353 87 555 0101", "Maeve Cassidy": "+353 87 555 0102", "Sinéad Byrne": "+353 87 555 0103",
           "Declan Moloney": "+353 87 555 0104", "Tomás Rooney": "+353 87 555 0105",
           "Niamh Gallagher": "+353 87 555 0106", "Ciarán Mulvey": "+353 87 555 0107",
           "Conor Hegarty": "+353 87 555 0108", "Pádraig Keane": "+353 87 555 0109",
           "Orla Devlin": "+353 87 555 0110"}  # fmt: skip
#: entry, minutes ago, author, role, text
SHIFT_LOG = [
    ("SL-26-4402", 2660, "Sinéad Byrne", "NOC engineer", "daily checks: SLC/FM-WAVE VSWR still on warning "
     "(CVN/2026/031), everything else normal"),
    ("SL-26-4406", 1795, "Aoife Brennan", "MCR operator", "KNK/DTT-B main transmitter tripped on cooling flow low, "
     "MUX-B off air 47 s until the N+1 reserve took it; Pádraig Keane (RF on call): the coolant pump has failed, pump "
     "ordered, replacement booked as MW-26-0421"),
    ("SL-26-4409", 1558, "Tomás Rooney", "playout engineer", "CR-26-117 DAB 11D reconfiguration done; 8 s of silence "
     "on DRIFT"),
    ("SL-26-4413", 370, "Sinéad Byrne", "NOC engineer", "IND/FM-WAVE off air again (PA2 FAULT); back after a remote "
     "restart; Veltrix case VTX-CS-22817 updated"),
    ("SL-26-4417", 192, "Aoife Brennan", "MCR operator", "Tomasz Wrona (Orrin) starting AirDeck 7.5.0 on hsb-ply-02a "
     "(CR-26-119); CM2 on hsb-ply-02b"),
    ("SL-26-4418", 181, "Aoife Brennan", "MCR operator", "Skellig Fibre's notified works SKF-PW-88213 starting "
     "(Dunmore circuits to the diverse path)"),
    ("SL-26-4419", 177, "Aoife Brennan", "MCR operator", "CR-26-119 done, CM2 back on hsb-ply-02a; a 2 s freeze at "
     "each switch"),
    ("SL-26-4421", 158, "Aoife Brennan", "MCR operator", "Argus black frame and silence alarms on CM1-NTH; the "
     "Dunmore feed is breaking up on the MCR monitor; CM2 fine on 7.5.0; called the network on-call"),
    ("SL-26-4423", 139, "Declan Moloney", "network engineer (on call)", "SRT-DNM-01: round trip 31 ms (normally "
     "9-11), jitter up to 30 ms, retransmissions over 8%: with 120 ms of SRT latency the lost packets cannot be "
     "resent in time; SKF-PW-88213 has moved ETH-44871 to the diverse path via Ballyroan; nothing changed at our end"),
    ("SL-26-4425", 121, "Declan Moloney", "network engineer (on call)", "raised SKF-TT-550912 with Skellig Fibre"),
    ("SL-26-4427", 100, "Orla Devlin", "RF engineer", "on site at Carn Tigh; CNT/DAB-11D off for MW-26-0418"),
    ("SL-26-4428", 95, "Fionnuala Quinn", "news operations North", "Dunmore asks whether to move the evening bulletin "
     "to the bonded cellular (BND-DNM-02); duty manager Maeve Cassidy: not yet"),
    ("SL-26-4431", 58, "Declan Moloney", "network engineer (on call)", "Skellig: SKF-PW-88213 overrunning; their "
     "advice in SKF-TT-550912 is to raise the SRT latency to 400-500 ms"),
    ("SL-26-4432", 45, "Maeve Cassidy", "duty manager", "emergency CR-26-121 approved: SRT-DNM-01 latency 120 -> 500 "
     "ms at the next junction; if it does not help, Dunmore to BND-DNM-02 (NOC-PR-014)"),
    ("SL-26-4434", 38, "Aoife Brennan", "MCR operator", "IND/FM-WAVE off air again (PA2 FAULT), the remote restart "
     "failed; Pádraig Keane told; the Veltrix module comes on tomorrow's first ferry (VTX-CS-22817)"),
]  # fmt: skip
RUNBOOKS = [
    ("ESC-01", "Escalation matrix",
     "Off air for more than 5 minutes, or a TV channel degraded: the primary on-call engineer of the rota (rf, "
     "playout, network), then the secondary, then the duty manager, then the head of network operations. Carrier and "
     "supplier faults: raise a case and, after 1 hour without progress, call the supplier's escalation contact."),
    ("MCR-WI-02", "Playout failover",
     "Switch a chain to its backup server at a programme junction. If Harbour Street is lost, bring up the Kilbride DR "
     "server kbr-ply-dr1 and move the muxes' inputs to DR-KBR-1."),
    ("MCR-WI-05", "Regional opt-out off",
     "To carry CM One national on CM1-NTH instead of the Dunmore opt-out, set RGN-SW-1 to bypass at a junction and "
     "tell news operations North."),
    ("NOC-PR-009", "Black frame, freeze and silence alarms",
     "Argus raises black frame, freeze and silence after 5 s (CR-26-109). Work out where the fault is: every output "
     "of a playout chain (playout), one regional opt-out only (its contribution feed) or one mux or transmitter "
     "(transmission). Log an incident; past 5 minutes follow ESC-01."),
    ("NOC-PR-014", "Contribution feed packet loss and jitter (SRT)",
     "Check the link's round trip, jitter and retransmissions. SRT can only resend lost packets within its latency: "
     "the receiver latency should be at least 4 times the round trip and never under 120 ms. If the carrier has moved "
     "the circuit (planned works), raise the latency with an emergency change at a programme junction (a 2 s break) "
     "or switch the studio to its bonded cellular backup; if the feed is unusable take the regional opt-out off "
     "(MCR-WI-05). Raise a case with the carrier."),
    ("OEM VF-1K 4.3", "Veltrix VF-1K manual, section 4.3: running on one PA module",
     "With one PA module failed, bypass it at the combiner and run on the other at half power; set the power "
     "reference to 50% before restarting."),
    ("RF-PR-003", "High VSWR on an FM or DAB transmitter",
     "Warning from VSWR 1.30; at 1.50 the transmitter folds back its power. Compare the daily readings to tell a slow "
     "rise (water in the feeder or antenna, corrosion) from a step (ice, damage). Check the dry-air pressurisation, "
     "reduce power if it keeps rising, book a rigger climb and tell the antenna supplier."),
    ("RF-PR-011", "Transmitter off air",
     "Try one remote restart. If it stays off call the RF on-call engineer and, for a TV mux, the duty manager. Use "
     "the reserve where there is one (the Knockanore N+1 for DTT, the FM standbys). Inishdrum is reached by ferry "
     "only: a spare part needs the first ferry."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE sites (code TEXT PRIMARY KEY, name TEXT, kind TEXT, location TEXT, description TEXT, owner TEXT);
CREATE TABLE transmitters (tx TEXT PRIMARY KEY, site TEXT, service TEXT, frequency TEXT, carries TEXT,
                           nominal_kw REAL, model TEXT, reserve TEXT, antenna TEXT);
CREATE TABLE tx_status (tx TEXT PRIMARY KEY, site TEXT, state TEXT, since TEXT, fwd_kw REAL, refl_w REAL, vswr REAL,
                        active_alarm TEXT, note TEXT);
CREATE TABLE tx_metrics (tx TEXT, measure TEXT, value REAL, ts TEXT, ts_epoch INTEGER);
CREATE INDEX tx_metrics_tx ON tx_metrics (tx, ts_epoch);
CREATE TABLE tx_readings (tx TEXT, read_at TEXT, read_epoch INTEGER, fwd_kw REAL, refl_w REAL, vswr REAL,
                          result TEXT);
CREATE INDEX tx_readings_tx ON tx_readings (tx, read_epoch);
CREATE TABLE channels (channel TEXT PRIMARY KEY, name TEXT, type TEXT, platforms TEXT, chain TEXT, on_air_from TEXT,
                       state TEXT, since TEXT, alarms TEXT);
CREATE TABLE playout_servers (host TEXT PRIMARY KEY, site TEXT, chain TEXT, role TEXT, channels TEXT, software TEXT,
                              state TEXT, on_air TEXT);
CREATE TABLE devices (device TEXT PRIMARY KEY, kind TEXT, site TEXT, input TEXT, output TEXT, codec TEXT,
                      bitrate_kbps INTEGER, software TEXT, status TEXT);
CREATE TABLE links (link TEXT PRIMARY KEY, type TEXT, from_site TEXT, to_site TEXT, carrier TEXT, circuit TEXT,
                    carries TEXT, srt_latency_ms INTEGER, backup TEXT, state TEXT);
CREATE TABLE link_stats (link TEXT, bucket_start TEXT, bucket_epoch INTEGER, loss_pct REAL, retrans_pct REAL,
                         jitter_ms REAL, rtt_ms REAL, bitrate_mbps REAL);
CREATE INDEX link_stats_epoch ON link_stats (bucket_epoch);
CREATE TABLE incidents (incident TEXT PRIMARY KEY, target TEXT, kind TEXT, severity TEXT, started TEXT,
                        started_epoch INTEGER, ended TEXT, duration_s INTEGER, detected_by TEXT, notes TEXT);
CREATE TABLE windows (ref TEXT PRIMARY KEY, owner TEXT, affects TEXT, starts TEXT, ends TEXT, status TEXT,
                      impact TEXT, contact TEXT);
CREATE TABLE changes (cr TEXT PRIMARY KEY, title TEXT, systems TEXT, category TEXT, state TEXT, requested_by TEXT,
                      implemented_by TEXT, approver TEXT, raised_epoch INTEGER, window_start TEXT, done TEXT,
                      done_epoch INTEGER, notes TEXT);
CREATE TABLE vendor_cases (ref TEXT PRIMARY KEY, supplier TEXT, affects TEXT, subject TEXT, status TEXT,
                           priority TEXT, engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, latest TEXT);
CREATE TABLE suppliers (supplier TEXT PRIMARY KEY, covers TEXT, support_line TEXT, hours TEXT, escalation TEXT,
                        contract TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, engineer TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shift_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE runbooks (doc TEXT PRIMARY KEY, title TEXT, body TEXT);
"""


def _tx(tx: str) -> tuple[Any, ...]:
    return TRANSMITTERS[TX_IDS.index(tx)]


def _ind_trips() -> list[tuple[int, int | None]]:
    """IND/FM-WAVE's PA trips: (off air, back on air) in minutes ago; the newest still off air."""
    return [(m, None if m == IND_TRIPS[0] else m - 18 - int(55 * noise("ind", m))) for m in IND_TRIPS]


def _off_air(tx: str, m: float) -> bool:
    """Whether ``tx`` is off air ``m`` minutes ago (a PA trip or planned maintenance)."""
    if tx == "IND/FM-WAVE":
        return any((back if back is not None else -1) < m <= off for off, back in _ind_trips())
    return tx == "CNT/DAB-11D" and CNT_BACK < m <= CNT_OFF


def _vswr(tx: str, m: float, key: str, i: int) -> float:
    """``tx``'s VSWR ``m`` minutes ago: SLC/FM-WAVE's rises slowly (water in its feeder); the others are flat."""
    if tx == VSWR_TX:
        return round(VSWR_BASE + VSWR_RISE * math.exp(-VSWR_RATE * m / DAY) + 0.006 * (noise(key, i) - 0.5), 2)
    base = 1.04 + 0.08 * noise("vb", TX_IDS.index(tx))
    return round(base + 0.02 * noise(key, i), 2)


def _fwd(tx: str, m: float, key: str, i: int) -> float:
    """Forward power (kW): KNK/DTT-B on the N+1 reserve at 80% since its main transmitter tripped."""
    nominal = _tx(tx)[5]
    if tx == "KNK/DTT-B" and m <= DTTB_TRIP:
        nominal *= 0.8
    return round(nominal * (0.98 + 0.03 * noise(key, i)), 3 if nominal < 1 else 2)


def _refl(fwd_kw: float, vswr: float) -> float:
    gamma = (vswr - 1) / (vswr + 1)
    return round(fwd_kw * 1000 * gamma * gamma, 1)


def _metrics(now: datetime) -> list[tuple[Any, ...]]:
    """Every transmitter's four measures every 10 minutes for 48 hours, the newest at now (no reflected power or
    VSWR while off air)."""
    rows = []
    for tx in TX_IDS:
        for i in range(TELEMETRY_HOURS * 6):
            m = 10 * i
            t = now - timedelta(minutes=m)
            off = _off_air(tx, m)
            fwd = 0.0 if off else _fwd(tx, m, f"f{tx}", i)
            if tx == "IND/FM-WAVE":
                pa = 24 + 3 * noise(f"pa{tx}", i) if off else 56 + 10 * noise(f"pa{tx}", i)
            else:
                pa = 24 + 3 * noise(f"pa{tx}", i) if off else 38 + 10 * noise(f"pa{tx}", i)
            values: dict[str, float] = {"fwd_kw": fwd, "pa_temp_c": round(pa, 1)}
            if not off:
                vswr = _vswr(tx, m, f"v{tx}", i)
                values |= {"refl_w": _refl(fwd, vswr), "vswr": vswr}
            rows += [(tx, measure, float(v), iso(t), int(t.timestamp())) for measure, v in values.items()]
    return rows


def _readings(now: datetime) -> list[tuple[Any, ...]]:
    """One reading a day per transmitter for 90 days (at T-50m, T-1d-50m, ...; none while off air)."""
    rows = []
    for tx in TX_IDS:
        for k in range(READING_DAYS):
            m = k * DAY + 50
            if _off_air(tx, m):
                continue
            t = now - timedelta(minutes=m)
            if tx == VSWR_TX:
                vswr = round(VSWR_BASE + VSWR_RISE * math.exp(-VSWR_RATE * k), 2)
            else:
                vswr = _vswr(tx, m, f"r{tx}", k)
            fwd = _fwd(tx, m, f"rf{tx}", k)
            result = "fail" if vswr >= 1.5 else "warn" if vswr >= 1.3 else "pass"
            rows.append((tx, iso(t), int(t.timestamp()), fwd, _refl(fwd, vswr), vswr, result))
    return rows


def _status(now: datetime) -> list[tuple[Any, ...]]:
    """Every transmitter now, from its newest telemetry."""
    rows = []
    for tx, site, *_ in TRANSMITTERS:
        state, since, alarm, note = "on_air", 40 * DAY, "", ""
        fwd, refl, vswr = 0.0, None, None
        if not _off_air(tx, 0):
            fwd = _fwd(tx, 0, f"f{tx}", 0)
            vswr = _vswr(tx, 0, f"v{tx}", 0)
            refl = _refl(fwd, vswr)
        if tx == "IND/FM-WAVE":
            state, since, alarm = "off_air", IND_TRIPS[0], "PA2 FAULT"
            note = "remote restart failed; Veltrix VTX-CS-22817"
        elif tx == "CNT/DAB-11D":
            state, since, alarm, note = "maintenance", CNT_OFF, "", "switched off for MW-26-0418"
        elif tx == "KNK/DTT-B":
            state, since, alarm = "on_reserve", DTTB_TRIP, "MAIN TX COOLING FLOW LOW"
            note = "N+1 reserve carrying MUX-B at 80% power; main transmitter coolant pump failed (MW-26-0421)"
        elif tx == VSWR_TX:
            alarm, note = "VSWR WARNING", "on warning since the daily reading 7 days ago; Corvane CVN/2026/031"
        elif tx == "MGB/DTT-A":
            since = 8650 - 12
        rows.append((tx, site, state, iso(now - timedelta(minutes=since)), fwd, refl, vswr, alarm, note))
    return rows


def _link_stats(now: datetime) -> list[tuple[Any, ...]]:
    """Every active link's 15-minute buckets for 7 days, the newest ending now."""
    rows = []
    for link, (rtt_low, rtt_spread, rate) in LINK_BASE.items():
        for k in range(STATS_DAYS * 96):
            start = now - timedelta(minutes=15 * (k + 1))
            loss = round(0.04 * noise(f"l{link}", k), 2)
            retrans = round(0.1 + 0.5 * noise(f"rt{link}", k), 2)
            jitter = round(1.0 + 3.0 * noise(f"j{link}", k), 1)
            rtt = None if rtt_low is None else round(rtt_low + rtt_spread * noise(f"rtt{link}", k), 1)
            if link == "SRT-DNM-01" and k in LOSS:
                loss = LOSS[k]
                retrans = round(8.0 + 6.0 * noise(f"rt{link}", k), 2)
                jitter = round(18.0 + 17.0 * noise(f"j{link}", k), 1)
                rtt = round(29.0 + 4.0 * noise(f"rtt{link}", k), 1)
            elif link == "SAT-IND-1" and k in RAIN_FADE:
                loss = RAIN_FADE[k]
            bitrate = round(rate * (0.99 + 0.02 * noise(f"b{link}", k)), 2)
            rows.append((link, iso(start), int(start.timestamp()), loss, retrans, jitter, rtt, bitrate))
    return rows


def _incidents(now: datetime) -> list[tuple[Any, ...]]:
    """The incident log, oldest first numbered INC-73101, ..."""
    raw = list(INCIDENT_BACKGROUND)
    raw += [(m, "CM1-NTH", kind, "major", s, "Argus ARG-HSB-04",
             "Dunmore opt-out: the SRT-DNM-01 feed breaking up") for m, kind, s in CM1N_HITS]  # fmt: skip
    for off, back in _ind_trips():
        secs = None if back is None else 60 * (off - back)
        note = "PA2 FAULT" if back is None else "PA2 FAULT; back after a remote restart"
        raw.append((off, "IND/FM-WAVE", "off_air", "major", secs, "RF remote monitoring", note))
    raw.sort(key=lambda r: (-r[0], r[1]))
    rows = []
    for i, (m, target, kind, severity, secs, by, notes) in enumerate(raw):
        start = now - timedelta(minutes=m)
        ended = None if secs is None else iso(start + timedelta(seconds=secs))
        rows.append((f"INC-{73101 + i}", target, kind, severity, iso(start), int(start.timestamp()), ended, secs, by,
                     notes))  # fmt: skip
    return rows


def _oncall(now: datetime) -> list[tuple[Any, ...]]:
    """Weekly shifts from Monday 09:00 UTC: last week, this week (the one running now) and the next two."""
    return weekly_rota(now, ROTAS, MOBILES, 9)


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    eta = iso(now + timedelta(minutes=WORKS_REVISED_END))
    db.executemany("INSERT INTO sites VALUES (?,?,?,?,?,?)", SITES)
    db.executemany("INSERT INTO transmitters VALUES (?,?,?,?,?,?,?,?,?)", TRANSMITTERS)
    db.executemany("INSERT INTO tx_status VALUES (?,?,?,?,?,?,?,?,?)", _status(now))
    db.executemany("INSERT INTO tx_metrics VALUES (?,?,?,?,?)", _metrics(now))
    db.executemany("INSERT INTO tx_readings VALUES (?,?,?,?,?,?,?)", _readings(now))
    db.executemany("INSERT INTO channels VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*c[:7], ago(c[7]), c[8]) for c in CHANNELS])  # fmt: skip
    db.executemany("INSERT INTO playout_servers VALUES (?,?,?,?,?,?,?,?)", PLAYOUT)
    db.executemany("INSERT INTO devices VALUES (?,?,?,?,?,?,?,?,?)", DEVICES)
    db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?)", LINKS)
    db.executemany("INSERT INTO link_stats VALUES (?,?,?,?,?,?,?,?)", _link_stats(now))
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?)", _incidents(now))
    db.executemany("INSERT INTO windows VALUES (?,?,?,?,?,?,?,?)",
                   [(w[0], w[1], w[2], ago(w[3]), ago(w[4]), w[5], w[6].format(eta=eta), w[7])
                    for w in WINDOWS])  # fmt: skip
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:8], clock.epoch(c[8]), ago(c[9]), ago(c[10]), None if c[10] is None else clock.epoch(c[10]), c[11])
         for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO vendor_cases VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*v[:8], ago(v[8]), ago(v[9]), v[10].format(eta=eta)) for v in VENDOR_CASES])  # fmt: skip
    db.executemany("INSERT INTO suppliers VALUES (?,?,?,?,?,?)", SUPPLIERS)
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", _oncall(now))
    db.executemany("INSERT INTO shift_log VALUES (?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, t) for e, m, a, r, t in SHIFT_LOG])  # fmt: skip
    db.executemany("INSERT INTO runbooks VALUES (?,?,?)", RUNBOOKS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = (
        "Regional broadcaster NOC store (Carrowmere): transmitters, channels, playout, encoders, links, incidents"
    )
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
