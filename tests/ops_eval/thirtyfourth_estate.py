"""A thirty-fourth estate, held out from the planner's tuning: the live operations of Tessaline Games, a studio with
one online team shooter, "Ashfall Vanguard", on three platforms (``pc``, through the Kitebox storefront and the
studio's launcher, and two consoles, ``pallas`` and ``novix``). Dedicated game servers run in nine fleets over seven
regions (``NA-East`` ``nae``, ``NA-West`` ``naw``, ``EU-West`` ``euw``, ``EU-Central`` ``euc``, ``APAC-SG`` ``sgp``,
``APAC-Tokyo`` ``tyo``, ``SA-SaoPaulo`` ``gru``; region groups NA, EU, APAC, SA) and three hosting providers (Corvid
Metal bare metal, Nimbra Cloud burst capacity, Stahlgrid Hosting in Frankfurt): fleets ``fl.euw.metal``,
``fl.gru.burst``, ..., 37 hosts (``euw-m05``, ``gru-n04``, ``euc-s02``: region, provider letter, number) each running
up to 128 (metal) or 64 (burst) game server processes at a 60 Hz tick. Four playlists are matchmade per region
(``ranked_5v5``, ``quickplay_5v5``, ``skirmish_3v3``, ``siege_12v12``). The estate holds the fleet and host boards,
host and fleet samples (tick rate, CPU, CPU steal, processes, players), matchmaking queue samples, concurrent users
(CCU) by platform and region, client crash buckets by platform and build with crash signatures, build rollouts and
their phases, live changes (``CFG#2211``: feature flags, live tuning, matchmaking and store config) and the feature
flags' state, anti-cheat detections and ban waves, DDoS events at the edge, store purchase failures by payment
provider, partners' status incidents, our cases with vendors and platform partners, player support tickets and
community reports, maintenance windows, live incidents (``INC0931``, sev1..sev4), the on-call rota, the live-ops shift
leads, the war room log and the runbook library.

Written blind (without reading the planner, its tests or any set's results). Names are unlike the other estates':
fleets are dotted (``fl.sgp.metal``); client builds are bare changelist numbers (``58211``, version ``7.3.1``); crash
signatures are eight hex digits starting with a letter (``c7d2e914``); live changes ``CFG#`` and a number; incidents
``INC`` and four digits; tickets ``tk_`` and six digits; ban waves ``wave/42``; DDoS events ``ddos/5511``; maintenance
windows ``mw/118``; war room entries ``wr.3310``; runbooks dotted (``RB.ROLLOUT.03``, ``SEV.MATRIX``, ``PM.0918``);
vendor cases by vendor (Pallas developer support ``PLS-DEV-77104``, Nimbra ``NMB-5530021``, Corvid ``CRV-31877``,
Quorra merchant support ``QW-88410``, Bastion Shield ``BSH-2291``); people are named in full. Windows come as
``window_h``, ``hours``, ``lookback_minutes``, an RFC 3339 time (``since``), ``days_back``, ``since_hours``,
``days``, ``hours_back``, ``back_days`` / ``ahead_days``. :mod:`tests.ops_eval.thirtyfourth_apis` defines them.

The story (minutes before the estate is built, minute-aligned; host samples every 10 minutes for 24 hours ending at
T-6m, T-16m, ...; fleet samples the same, summed from the hosts; queue samples every 10 minutes for 24 hours ending at
T-2m, T-12m, ...; CCU every 15 minutes for 48 hours at T-1m, T-16m, ...; crash buckets of 10 minutes for 48 hours
ending at T-4m, T-14m, ...; store samples hourly for 48 hours ending at T-10m, T-70m, ...; anti-cheat rollups daily at
T-25m, T-1d-25m, ... for 14 days; on-call weeks run from Monday 17:00 UTC and the live-ops shift leads' 8-hour shifts
from 00:00, 08:00 and 16:00 UTC, with the story's people on the week and the shift running now whatever the hour):

- client build 58211 (hotfix 7.3.1) rolls out in phases: PC 5% (4 days ago), 25% (T-3300m), 100% (T-1560m) with no
  change in its crash rate (0.2-0.5 per 1,000 sessions); Novix 1%, then 10% since T-1200m, fine; Pallas 1% (4 days
  ago), 5% (T-1620m) and phase 3, 50%, at T-200m (Priya Raghunathan, release manager). 58211 turns on async texture
  eviction (``streaming.async_evict``, CFG#2207) and Pallas's GPU driver on firmware 11.2 page-faults in it: signature
  ``c7d2e914`` (GPU page fault in ``StreamPool::EvictAsync``), there since phase 1 at a crash or two an hour, takes
  Pallas's crash rate from 0.3-1.2 per 1,000 sessions (0.7-0.9 in the hour before phase 3) to 3.8-4.6 from T-144m:
  the ramp is 1.4 in the bucket ending T-184m, 2.5 at T-174m, 3.2 at T-154m (Pallas on 58211 alone: 7-9). T-172m the
  shift lead Yusra Delacroix opens INC0931 (sev2) and pages client engineering on call Saoirse Bakshi; T-160m she
  isolates c7d2e914 (Pallas and 58211 only; PC on 58211 clean); T-140m the incident commander Rasmus Tellier raises it
  to sev1; T-70m the Pallas rollout is paused at 50% (RB.ROLLOUT.03: console builds cannot be rolled back); T-58m
  Pallas developer support (PLS-DEV-77104) confirms a known driver fault on 11.2, fixed in firmware 11.3; T-45m
  CFG#2219 turns ``streaming.async_evict`` off on Pallas (the kill switch) and the rate falls to 0.6-0.9 (2.1 in the
  bucket ending T-34m); T-30m 7.3.2 (build 58230, async eviction off on Pallas) goes to Pallas for expedited
  certification (PLS-DEV-77120, no ETA); INC0931 mitigated (monitoring). Pallas CCU drops from 14.7-15.3k to
  13.0-13.3k while the crashes last (14.2-14.4k since the kill switch).
- T-300m CFG#2211 (Tove Lindqvist, matchmaking designer) tightens ``ranked.max_mmr_spread`` 350 -> 200 in every
  region: from the sample ending T-292m ranked p90 waits in APAC-SG go from 55-74 s to 196-254 s, APAC-Tokyo 49-68 to
  135-179 s, SA-SaoPaulo 60-84 to 167-224 s, while NA-East and EU-West barely move (43-58 s, 40-57 s); T-240m INC0929
  (sev3); T-88m Tove ties it to CFG#2211; CFG#2221 (back to 350 in APAC-SG, APAC-Tokyo and SA-SaoPaulo) is approved
  and scheduled for T+20m.
- degraded: ``gru-n04`` (Nimbra Cloud, fl.gru.burst) has 18-26% CPU steal since T-140m (a noisy neighbour, Nimbra's
  own incident NMB-SH-4410), ticks at 38-44 Hz instead of about 60 and stays in service because the SA fleet has no
  headroom (INC0932 sev4, NMB-5530021); ``euw-m05`` OFFLINE for two days (failed NIC, CRV-31877; new NIC in mw/118 at
  T+840m); ``nae-n03`` DRAINING since T-60m (burst scale-in).
- Quorra Wallet (e-wallet, EU and SA) fails 8.9-12.6% of purchases with PSP_TIMEOUT since T-430m (their incident
  QW-STAT-5518; INC0930; our QW-88410; CFG#2212's longer timeout at T-280m did not help); the other providers fail
  0.5-1.8%.
- red herrings: CFG#2214 (Rook SMG damage 24 -> 22, T-230m, live balance tuning), ddos/5511 (148 Gbps UDP flood on
  EU-Central's game ports at T-540m, 41 minutes, INC0926 resolved), Novix Live's sign-in incident two days ago,
  the spring bundle price fix (INC0922, 5 days ago).
- slow trend: Glasswall (an ESP / wallhack cheat on PC) detections rise from 38 a day 13 days ago to 412 in the latest
  rollup; wave/42 (2,874 accounts flagged so far) is scheduled for T+1560m.

On call this week: incident commander Rasmus Tellier, server engineering Kiri Nakashima-Bell (secondary Tomasz Weir),
client engineering Saoirse Bakshi, netops Emeka Farrow, platform partners Lucia Hartigan, payments Omar Vellacott,
anti-cheat Freya Odegaard. Live-ops shift lead now: Yusra Delacroix (before her Tobias Achterberg, next Callum
Ferreira-Shaw).

No API reports costs, revenue or refunds, player latency or packet loss, hardware temperatures, retention or churn,
player sentiment, pages sent to on-call, mobile players (there is no mobile platform) or forecasts; there is no
Oceania region or fleet and no INC0999; crash buckets are kept 48 hours.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through api_manager's
gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtyfourth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "tessaline_liveops"
DAY = 1440
#: Pallas phases 2 and 3 of 58211; the rollout paused; the kill switch (CFG#2219); the ranked MMR change (CFG#2211)
PHASE2, PHASE3, PAUSED, KILL_SWITCH, MMR_CHANGE = 1620, 200, 70, 45, 300
#: gru-n04's noisy neighbour; nae-n03 draining; euw-m05 offline; Quorra's timeouts
GRU_STEAL, NAE_DRAIN, EUW_OFFLINE, QUORRA = 140, 60, 2 * DAY + 90, 430

#: region code -> name, group, CCU share
REGIONS = {
    "nae": ("NA-East", "NA", 0.27),
    "naw": ("NA-West", "NA", 0.12),
    "euw": ("EU-West", "EU", 0.22),
    "euc": ("EU-Central", "EU", 0.14),
    "sgp": ("APAC-SG", "APAC", 0.09),
    "tyo": ("APAC-Tokyo", "APAC", 0.09),
    "gru": ("SA-SaoPaulo", "SA", 0.07),
}
#: platform -> CCU in all regions
PLATFORM_CCU = {"pc": 27000, "pallas": 15000, "novix": 8500}
#: fleet, region, provider, datacenter, host type, hosts, max processes a host, status, note
FLEETS = [
    ("fl.nae.metal", "nae", "Corvid Metal", "Ashburn ASH1", "bare metal 64-core", 6, 128, "healthy", ""),
    ("fl.nae.burst", "nae", "Nimbra Cloud", "us-east-2", "nc7.16xlarge VM", 3, 64, "scaling in",
     "nae-n03 draining (evening scale-in)"),
    ("fl.naw.metal", "naw", "Corvid Metal", "Hillsboro HIO1", "bare metal 64-core", 4, 128, "healthy", ""),
    ("fl.euw.metal", "euw", "Corvid Metal", "Amsterdam AMS2", "bare metal 64-core", 6, 128, "reduced capacity",
     "euw-m05 offline (NIC failure, CRV-31877)"),
    ("fl.euw.burst", "euw", "Nimbra Cloud", "eu-west-4", "nc7.16xlarge VM", 3, 64, "healthy", ""),
    ("fl.euc.metal", "euc", "Stahlgrid Hosting", "Frankfurt FRA3", "bare metal 48-core", 4, 128, "healthy", ""),
    ("fl.sgp.metal", "sgp", "Corvid Metal", "Singapore SIN1", "bare metal 64-core", 4, 128, "healthy", ""),
    ("fl.tyo.metal", "tyo", "Corvid Metal", "Tokyo TYO2", "bare metal 64-core", 3, 128, "healthy", ""),
    ("fl.gru.burst", "gru", "Nimbra Cloud", "sa-east-1", "nc7.16xlarge VM", 4, 64, "degraded",
     "gru-n04 CPU steal (noisy neighbour), kept in service: no headroom"),
]  # fmt: skip
PROVIDER_LETTER = {"Corvid Metal": "m", "Nimbra Cloud": "n", "Stahlgrid Hosting": "s"}
SERVER_BUILD = 58209
#: host -> status, since (minutes ago), note (the rest ACTIVE since the server build 3 days ago)
HOST_NOW = {
    "gru-n04": ("DEGRADED", GRU_STEAL, "CPU steal 18-26% (noisy neighbour on the Nimbra host, NMB-5530021); tick "
                "below 45 Hz; kept in service: fl.gru.burst has no headroom to drain it (INC0932)"),
    "euw-m05": ("OFFLINE", EUW_OFFLINE, "NIC failure (link flapping then dead); Corvid CRV-31877, new NIC in mw/118"),
    "nae-n03": ("DRAINING", NAE_DRAIN, "burst scale-in: no new matches, terminated when empty"),
}  # fmt: skip
PLAYLISTS = ["ranked_5v5", "quickplay_5v5", "skirmish_3v3", "siege_12v12"]
#: ranked p90 wait (s) per region, before and after CFG#2211
RANKED_P90 = {
    "nae": ((34, 48), (42, 58)),
    "naw": ((44, 62), (66, 92)),
    "euw": ((33, 47), (40, 57)),
    "euc": ((39, 54), (58, 80)),
    "sgp": ((55, 74), (190, 260)),
    "tyo": ((49, 68), (135, 180)),
    "gru": ((60, 84), (165, 225)),
}
OTHER_P90 = {"quickplay_5v5": (14, 28), "skirmish_3v3": (18, 34), "siege_12v12": (38, 66)}
PLAYLIST_SHARE = {"ranked_5v5": 0.035, "quickplay_5v5": 0.05, "skirmish_3v3": 0.015, "siege_12v12": 0.02}

#: crash sessions per 10-minute bucket (lo, hi) and the baseline crash rate per 1,000 sessions (lo, hi)
SESSIONS = {"pc": (14000, 16000), "pallas": (9000, 10500), "novix": (5200, 6200)}
BASE_RATE = {"pc": (0.30, 0.50), "pallas": (0.35, 0.55), "novix": (0.40, 0.60)}
NEW_SIG = "c7d2e914"
#: baseline signatures' shares per platform
SIG_SHARES = {
    "pc": {"e91b04aa": 0.35, "b4417c0e": 0.25, "d05e6f31": 0.2, "a9c1e5b2": 0.2},
    "pallas": {"e91b04aa": 0.4, "b4417c0e": 0.3, "f2a8c3d9": 0.3},
    "novix": {"e91b04aa": 0.4, "b4417c0e": 0.3, "f2a8c3d9": 0.3},
}
#: signature, top frame, module, platforms, status, owner, bug, first seen (minutes ago), note
SIGNATURES = [
    (NEW_SIG, "GPU page fault in StreamPool::EvictAsync", "engine/streaming (pallas_gpu.prx)", "pallas", "triaged",
     "Idris Quayle (client engine team)", "AV-40211", 4 * DAY - 50,
     "Pallas only, build 58211 only: async texture eviction (streaming.async_evict) hits a GPU driver fault on "
     "Pallas firmware 11.2 (PLS-DEV-77104); kill switch CFG#2219; fix in 7.3.2 (build 58230) in Pallas cert"),
    ("e91b04aa", "Out of memory in TextureStreamer::Allocate", "engine/streaming", "pc, pallas, novix", "known",
     "Idris Quayle (client engine team)", "AV-39870", 60 * DAY, "long-standing, about 35-40% of baseline crashes"),
    ("b4417c0e", "Null dereference in UIPartyWidget::OnInviteReceived", "ui/party", "pc, pallas, novix", "fixed",
     "Marisol Eke (UI team)", "AV-40102", 20 * DAY, "fixed in 7.3.2 (build 58230)"),
    ("f2a8c3d9", "Watchdog timeout in RenderThread::Present", "engine/render", "pallas, novix", "known",
     "Idris Quayle (client engine team)", "AV-39514", 90 * DAY, "consoles only; rare"),
    ("d05e6f31", "Audio device lost in AudioMixer::Render (WASAPI)", "engine/audio", "pc", "known",
     "Bram Oyelaran (audio)", "AV-39022", 120 * DAY, "PC only: headsets unplugged mid-match"),
    ("a9c1e5b2", "Access violation in the anti-cheat driver hook (wardstone_ac.sys)", "anticheat/wardstone", "pc",
     "vendor", "Freya Odegaard (anti-cheat)", "AV-39951", 30 * DAY, "Wardstone case open; PC only"),
]  # fmt: skip
#: build, version, platform, phase, pct, started (minutes ago), status, approver, note
ROLLOUTS = [
    (58160, "7.3.0", "pc", 4, 100, 9 * DAY, "completed", "Priya Raghunathan", "season 7 mid-season patch"),
    (58160, "7.3.0", "pallas", 4, 100, 9 * DAY, "completed", "Priya Raghunathan", "season 7 mid-season patch"),
    (58160, "7.3.0", "novix", 4, 100, 9 * DAY, "completed", "Priya Raghunathan", "season 7 mid-season patch"),
    (SERVER_BUILD, "7.3.1", "server", 3, 100, 4 * DAY + 200, "completed", "Priya Raghunathan",
     "game server build on every fleet"),
    (58211, "7.3.1", "pc", 1, 5, 4 * DAY, "superseded", "Priya Raghunathan", "hotfix 7.3.1"),
    (58211, "7.3.1", "pc", 2, 25, 3300, "superseded", "Priya Raghunathan", ""),
    (58211, "7.3.1", "pc", 3, 100, 1560, "completed", "Priya Raghunathan", "crash rate flat"),
    (58211, "7.3.1", "pallas", 1, 1, 4 * DAY - 60, "superseded", "Priya Raghunathan", "hotfix 7.3.1"),
    (58211, "7.3.1", "pallas", 2, 5, PHASE2, "superseded", "Priya Raghunathan", ""),
    (58211, "7.3.1", "pallas", 3, 50, PHASE3, "paused", "Priya Raghunathan",
     "paused at 50% (INC0931, crash rate); consoles already on 58211 stay on it"),
    (58211, "7.3.1", "novix", 1, 1, 2 * DAY + 600, "superseded", "Priya Raghunathan", "hotfix 7.3.1"),
    (58211, "7.3.1", "novix", 2, 10, 1200, "active", "Priya Raghunathan", "phase 3 held until INC0931 is closed"),
    (58230, "7.3.2", "pallas", 0, 0, 30, "in_cert", "Priya Raghunathan",
     "fix for c7d2e914 (async eviction off on Pallas) and b4417c0e; submitted for expedited certification "
     "(PLS-DEV-77120); no ETA from Pallas"),
]  # fmt: skip
#: change, kind, key, old, new, scope, author, approver, applied (minutes ago; negative: ahead), state, note
CHANGES = [
    ("CFG#2201", "store_config", "store.spring_bundle.enabled", "false", "true", "all platforms",
     "Anouk Verhaegen (store)", "Jun Abernathy", 5 * DAY + 100, "applied", "spring bundle on sale"),
    ("CFG#2204", "store_config", "store.spring_bundle.price_brl", "79.90", "49.90", "region sa-saopaulo",
     "Anouk Verhaegen (store)", "Jun Abernathy", 5 * DAY - 200, "applied", "wrong BRL price fixed (INC0922)"),
    ("CFG#2207", "feature_flag", "streaming.async_evict", "false", "true", "clients on build 58211, all platforms",
     "Idris Quayle (client engine team)", "Priya Raghunathan", 4 * DAY + 15, "applied",
     "async texture eviction, shipped dark in 7.3.1 and enabled with phase 1"),
    ("CFG#2209", "anticheat", "wardstone.signatures", "v141", "v142", "pc", "Freya Odegaard (anti-cheat)",
     "Freya Odegaard", 3 * DAY + 600, "applied", "Glasswall ESP detection signatures"),
    ("CFG#2211", "mm_config", "ranked.max_mmr_spread", "350", "200", "ranked_5v5, all regions",
     "Tove Lindqvist (matchmaking designer)", "Jun Abernathy", MMR_CHANGE, "applied",
     "tighter ranked matches (match quality complaints)"),
    ("CFG#2212", "store_config", "payments.quorra.timeout_ms", "20000", "30000", "Quorra Wallet",
     "Omar Vellacott (payments)", "Omar Vellacott", 280, "applied", "longer PSP timeout: no improvement"),
    ("CFG#2214", "live_tuning", "weapon.rook_smg.damage", "24", "22", "all playlists",
     "Nikolai Brandt (balance designer)", "Jun Abernathy", 230, "applied", "balance: Rook SMG too strong at range"),
    ("CFG#2219", "feature_flag", "streaming.async_evict", "true", "false", "pallas, all builds",
     "Saoirse Bakshi (client engineering on call)", "Rasmus Tellier (incident commander)", KILL_SWITCH, "applied",
     "kill switch for c7d2e914 (INC0931); applied at the next match load"),
    ("CFG#2221", "mm_config", "ranked.max_mmr_spread", "200", "350", "ranked_5v5 in apac-sg, apac-tokyo, "
     "sa-saopaulo", "Tove Lindqvist (matchmaking designer)", "Rasmus Tellier (incident commander)", -20,
     "scheduled", "revert CFG#2211 in the low-population regions (INC0929)"),
]  # fmt: skip
#: flag, platform, state, pct, owner, updated (minutes ago), change, note
FLAGS = [
    ("streaming.async_evict", "pc", "on", 100, "Idris Quayle", 4 * DAY + 15, "CFG#2207", "build 58211 only"),
    ("streaming.async_evict", "novix", "on", 100, "Idris Quayle", 4 * DAY + 15, "CFG#2207", "build 58211 only"),
    ("streaming.async_evict", "pallas", "off", 0, "Idris Quayle", KILL_SWITCH, "CFG#2219",
     "kill switch (INC0931): GPU page fault on Pallas firmware 11.2"),
    ("ui.new_party_panel", "pc", "on", 50, "Marisol Eke", 6 * DAY, "CFG#2196", "A/B test"),
    ("ui.new_party_panel", "pallas", "off", 0, "Marisol Eke", 6 * DAY, "CFG#2196", ""),
    ("ui.new_party_panel", "novix", "off", 0, "Marisol Eke", 6 * DAY, "CFG#2196", ""),
    ("mm.crossplay_consoles", "pallas", "on", 100, "Tove Lindqvist", 40 * DAY, "CFG#2101", "Pallas with Novix"),
    ("mm.crossplay_consoles", "novix", "on", 100, "Tove Lindqvist", 40 * DAY, "CFG#2101", "Novix with Pallas"),
    ("store.spring_bundle", "pc", "on", 100, "Anouk Verhaegen", 5 * DAY + 100, "CFG#2201", ""),
    ("store.spring_bundle", "pallas", "on", 100, "Anouk Verhaegen", 5 * DAY + 100, "CFG#2201", ""),
    ("store.spring_bundle", "novix", "on", 100, "Anouk Verhaegen", 5 * DAY + 100, "CFG#2201", ""),
    ("replay.killcam_v2", "pc", "off", 0, "Bram Oyelaran", 12 * DAY, "CFG#2150", "not shipped yet"),
]  # fmt: skip
#: anti-cheat families: family, kind, platform, detections a day (lo, hi), or None for Glasswall's trend
AC_FAMILIES = [
    ("Glasswall", "ESP / wallhack", "pc", None),
    ("Tremor", "aimbot", "pc", (118, 152)),
    ("Speedhex", "movement / speed hack", "pc", (9, 24)),
    ("XimPort", "input adapter (mouse and keyboard on console)", "pallas", (31, 48)),
    ("XimPort", "input adapter (mouse and keyboard on console)", "novix", (18, 29)),
]
GLASSWALL_FIRST, GLASSWALL_LAST = 38, 412
#: wave, status, at (minutes ago; negative: ahead), families, accounts, platforms, approver, note
BAN_WAVES = [
    ("wave/39", "executed", 20 * DAY + 300, "Tremor", 2410, "pc", "Freya Odegaard", ""),
    ("wave/40", "executed", 13 * DAY + 200, "Tremor, XimPort", 1985, "pc, pallas, novix", "Freya Odegaard", ""),
    ("wave/41", "executed", 6 * DAY - 300, "Tremor, Speedhex", 3112, "pc", "Freya Odegaard", "112 appeals, 9 upheld"),
    ("wave/42", "scheduled", -1560, "Glasswall", 2874, "pc", "Freya Odegaard",
     "accounts flagged so far, pending manual review of the edge cases; more may be added until the wave runs"),
]  # fmt: skip
#: event, region, pop, target, vector, peak Gbps, peak Mpps, started (minutes ago), duration, mitigation, impact
DDOS = [
    ("ddos/5508", "naw", "HIO1 edge", "game ports", "UDP reflection (DNS)", 18.0, 6.1, 12 * DAY + 300, 14,
     "Bastion Shield always-on scrubbing", "none"),
    ("ddos/5509", "sgp", "SIN1 edge", "game ports", "UDP flood", 22.0, 9.8, 9 * DAY + 60, 18,
     "Bastion Shield always-on scrubbing", "none"),
    ("ddos/5510", "nae", "ASH1 edge", "game ports", "UDP reflection (memcached)", 12.0, 3.2, 3 * DAY + 280, 22,
     "Bastion Shield always-on scrubbing", "none"),
    ("ddos/5511", "euc", "FRA3 edge", "game ports", "UDP flood (randomised ports)", 148.0, 61.0, 540, 41,
     "Bastion Shield scrubbing; full mitigation after 6 minutes (BSH-2291)",
     "about 1,240 matches in EU-Central dropped in the first 6 minutes; players returned to the menu"),
    ("ddos/5512", "sgp", "SIN1 edge", "game ports", "UDP flood", 31.0, 12.5, 1200, 15,
     "Bastion Shield always-on scrubbing", "none"),
    ("ddos/5513", "euw", "AMS2 edge", "login edge", "TCP SYN flood", 6.0, 8.9, 2160, 9,
     "Bastion Shield SYN proxy", "logins in EU slow for about 5 minutes"),
]  # fmt: skip
#: payment provider, kind, attempts an hour (lo, hi), normal failure % (lo, hi), usual top error
PROVIDERS = [
    ("Gullwing Pay", "cards (global)", (900, 1300), (0.9, 1.8), "CARD_DECLINED"),
    ("Quorra Wallet", "e-wallet (EU, SA)", (300, 420), (0.8, 1.6), "INSUFFICIENT_FUNDS"),
    ("Pallas Store", "console store (Pallas)", (500, 700), (0.5, 1.2), "ENTITLEMENT_SYNC_DELAY"),
    ("Novix Store", "console store (Novix)", (280, 380), (0.5, 1.3), "ENTITLEMENT_SYNC_DELAY"),
    ("Kitebox Store", "PC storefront", (700, 950), (0.6, 1.4), "WALLET_LOCKED"),
]
#: ref, partner, kind, title, status, started (minutes ago; negative: ahead), resolved, impact, our ref
PARTNER_STATUS = [
    ("QW-STAT-5518", "Quorra Wallet", "payments", "Elevated payment timeouts (EU, LATAM)", "investigating",
     QUORRA + 5, None, "about 10% of wallet payments time out (PSP_TIMEOUT)", "QW-88410, INC0930"),
    ("NMB-SH-4410", "Nimbra Cloud", "hosting", "sa-east-1: CPU contention on nc7 hosts in one zone", "identified",
     GRU_STEAL + 10, None, "VMs on the affected hosts see CPU steal", "NMB-5530021, INC0932"),
    ("NVX-ST-1182", "Novix Live", "console platform", "Partial sign-in failures", "resolved", 2 * DAY + 300,
     2 * DAY + 120, "some Novix players could not sign in for about 3 hours", ""),
    ("PLS-NET-3310", "Pallas Network", "console platform", "Pallas Store scheduled maintenance", "scheduled", -1800,
     None, "no purchases in the Pallas Store for 3 hours", "mw/120"),
    ("CRV-NOTE-771", "Corvid Metal", "hosting", "AMS2 power maintenance (redundant feed)", "completed", 5 * DAY + 60,
     5 * DAY - 180, "none expected, none seen", ""),
]  # fmt: skip
#: ref, vendor, subject, about, status, priority, opened, updated (minutes ago), owner, latest
VENDOR_CASES = [
    ("PLS-DEV-77104", "Pallas developer support", "GPU page fault in async texture eviction on firmware 11.2",
     "c7d2e914, build 58211", "answered", "P1", 165, 60, "Lucia Hartigan",
     "Pallas GPU driver team: a known driver fault on firmware 11.2 with async DMA eviction of texture pages; fixed "
     "in firmware 11.3 (rolling out to consoles over the next weeks, no date). Until then do not use async eviction "
     "on Pallas."),
    ("PLS-DEV-77120", "Pallas developer support", "Expedited certification for 7.3.2 (build 58230)",
     "build 58230", "submitted", "P1", 30, 25, "Lucia Hartigan",
     "received; expedited review requested by the partner manager; Pallas does not commit to a certification date"),
    ("NMB-5530021", "Nimbra Cloud support", "gru-n04: CPU steal 18-26%, tick rate below 45 Hz",
     "gru-n04 (fl.gru.burst)", "open", "P2", 128, 95, "Kiri Nakashima-Bell",
     "noisy neighbour on the physical host (their incident NMB-SH-4410); live migration is not offered for nc7 "
     "instances; replace the VM at our next maintenance or wait for their fix"),
    ("CRV-31877", "Corvid Metal", "euw-m05: NIC failure", "euw-m05 (fl.euw.metal)", "open", "P3",
     EUW_OFFLINE - 20, 900, "Kiri Nakashima-Bell",
     "replacement NIC shipped to AMS2, fitted by remote hands in mw/118; host back in the fleet after a burn-in "
     "test"),
    ("QW-88410", "Quorra merchant support", "PSP_TIMEOUT on about 10% of wallet payments", "Quorra Wallet",
     "open", "P1", 400, 150, "Omar Vellacott",
     "acknowledged, their engineering engaged (QW-STAT-5518); no ETA; retries on our side not recommended"),
    ("BSH-2291", "Bastion Shield", "Post-attack report: ddos/5511 (EU-Central)", "ddos/5511", "closed", "P2", 500,
     300, "Emeka Farrow",
     "148 Gbps / 61 Mpps UDP flood with randomised ports from a booter service; signature added so that the next "
     "one is dropped at the edge at once"),
    ("WST-6620", "Wardstone Anti-Cheat", "wardstone_ac.sys access violation on some PCs (a9c1e5b2)", "a9c1e5b2",
     "open", "P3", 9 * DAY, 2 * DAY, "Freya Odegaard", "fix in driver 5.14, due with their next release"),
]  # fmt: skip
#: vendor, covers, phone, email, hours, escalation
VENDORS = [
    ("Corvid Metal", "bare metal hosting: NA-East, NA-West, EU-West, APAC-SG, APAC-Tokyo", "+1 571 555 0134",
     "noc@corvidmetal.example", "24/7", "Bettina Szabo, technical account manager, +1 571 555 0171"),
    ("Nimbra Cloud", "burst VMs: NA-East, EU-West, SA-SaoPaulo", "+1 206 555 0118", "support@nimbra.example", "24/7",
     "Ravi Castellane, enterprise support lead, +1 206 555 0150"),
    ("Stahlgrid Hosting", "bare metal hosting: EU-Central (Frankfurt)", "+49 69 555 0142",
     "noc@stahlgrid.example", "24/7", "Lena Vogelsang, service manager"),
    ("Bastion Shield", "DDoS scrubbing at every edge", "+44 20 7946 0811", "soc@bastionshield.example", "24/7",
     "SOC duty manager, +44 20 7946 0899"),
    ("Pallas developer support", "Pallas console platform: certification, SDK, platform incidents",
     "+1 425 555 0166", "devsupport@pallas.example", "24/7 for P1", "Hollis Marr, partner manager"),
    ("Novix partner support", "Novix console platform: certification, SDK, platform incidents", "+1 650 555 0129",
     "partners@novix.example", "24/7 for P1", "Akemi Strand, partner manager"),
    ("Quorra merchant support", "Quorra Wallet payments (EU, SA)", "+31 20 555 0147", "merchants@quorra.example",
     "24/7", "Joost van Reede, merchant success"),
    ("Gullwing Pay", "card payments (global)", "+1 312 555 0193", "support@gullwingpay.example", "24/7",
     "Dana Whitlock, account manager"),
    ("Wardstone Anti-Cheat", "anti-cheat client driver and detection signatures", "+46 8 555 0175",
     "cases@wardstone.example", "08:00-20:00 CET", "Sixten Lund, customer engineering"),
]  # fmt: skip
#: mw, scope, kind, starts (minutes ago; negative: ahead), length, status, owner, player impact, note
MAINTENANCE = [
    ("mw/117", "fl.tyo.metal", "host firmware (BIOS, BMC)", 6 * DAY + 200, 180, "completed", "Kiri Nakashima-Bell",
     "none: hosts rotated one at a time", ""),
    ("mw/119", "fl.euc.metal", "kernel security patch", 3 * DAY + 400, 120, "completed", "Tomasz Weir",
     "none: rolling reboot", ""),
    ("mw/118", "euw-m05 (fl.euw.metal)", "NIC replacement by Corvid remote hands (CRV-31877)", -840, 120,
     "scheduled", "Kiri Nakashima-Bell", "none: euw-m05 is out of the fleet", "burn-in test before it rejoins"),
    ("mw/120", "Pallas Store", "partner maintenance (PLS-NET-3310)", -1800, 180, "scheduled", "Lucia Hartigan",
     "no purchases on Pallas for 3 hours; in-game banner 24 hours ahead", ""),
    ("mw/121", "login service", "database failover test", -4400, 60, "scheduled", "Tomasz Weir",
     "logins may retry for up to 2 minutes", ""),
]  # fmt: skip
#: inc, sev, title, status, commander, opened, mitigated, resolved (minutes ago), summary
INCIDENTS = [
    ("INC0918", "sev2", "Login queue after 7.3.0 launch", "resolved", "Pia Okonkwo-Lund", 9 * DAY - 30,
     9 * DAY - 150, 9 * DAY - 400, "login service autoscaling too slow; postmortem PM.0918"),
    ("INC0922", "sev3", "Spring bundle shown at the wrong BRL price", "resolved", "Pia Okonkwo-Lund", 5 * DAY + 60,
     5 * DAY - 200, 5 * DAY - 220, "price fixed by CFG#2204; 310 purchases refunded the difference"),
    ("INC0926", "sev2", "DDoS on EU-Central game ports (ddos/5511)", "resolved", "Rasmus Tellier", 535, 530, 495,
     "148 Gbps UDP flood scrubbed by Bastion Shield; about 1,240 matches dropped"),
    ("INC0929", "sev3", "Ranked queue times high in APAC and SA", "identified", "Rasmus Tellier", 240, None, None,
     "caused by CFG#2211 (ranked.max_mmr_spread 350 -> 200); CFG#2221 reverts it in APAC-SG, APAC-Tokyo and "
     "SA-SaoPaulo (scheduled)"),
    ("INC0930", "sev3", "Quorra Wallet purchases failing (PSP_TIMEOUT)", "monitoring", "Rasmus Tellier", 410, None,
     None, "partner-side (QW-STAT-5518); nothing to do on our side but tell players to use another payment method"),
    ("INC0931", "sev1", "Pallas client crash rate high after 58211 phase 3", "mitigated", "Rasmus Tellier", 172, 45,
     None, "c7d2e914 (GPU page fault in StreamPool::EvictAsync) on Pallas 58211; rollout paused at 50%; kill switch "
     "CFG#2219 turned async eviction off on Pallas; 7.3.2 (58230) in Pallas cert (PLS-DEV-77120); monitoring"),
    ("INC0932", "sev4", "gru-n04 tick rate degraded (CPU steal)", "investigating", "Kiri Nakashima-Bell", 125, None,
     None, "noisy neighbour at Nimbra (NMB-5530021); kept in service"),
]  # fmt: skip
#: war room entry, minutes ago, author, role, incident, text
WARROOM = [
    ("wr.3301", 538, "Emeka Farrow", "netops on call", "INC0926", "ddos/5511 on EU-Central game ports: 148 Gbps UDP "
     "flood, Bastion Shield scrubbing engaged"),
    ("wr.3302", 497, "Emeka Farrow", "netops on call", "INC0926", "ddos/5511 over after 41 minutes; about 1,240 "
     "matches dropped in euc in the first 6 minutes; INC0926 resolved"),
    ("wr.3303", 408, "Omar Vellacott", "payments on call", "INC0930", "Quorra Wallet payments timing out (about 10%, "
     "PSP_TIMEOUT) since about 7 hours ago; their status page has QW-STAT-5518; raised QW-88410"),
    ("wr.3304", 298, "Tove Lindqvist", "matchmaking designer", "", "CFG#2211 live: ranked.max_mmr_spread 350 -> 200 "
     "in all regions (match quality)"),
    ("wr.3305", 278, "Omar Vellacott", "payments on call", "INC0930", "CFG#2212: Quorra timeout 20 s -> 30 s; no "
     "change, still about 10% failing"),
    ("wr.3306", 238, "Yusra Delacroix", "live-ops shift lead", "INC0929", "ranked p90 in APAC-SG above 3 minutes, "
     "SA and Tokyo high too; opened INC0929 (sev3)"),
    ("wr.3307", 228, "Nikolai Brandt", "balance designer", "", "CFG#2214 live: Rook SMG damage 24 -> 22"),
    ("wr.3308", 199, "Priya Raghunathan", "release manager", "", "58211 (7.3.1) on Pallas to phase 3: 5% -> 50%"),
    ("wr.3309", 172, "Yusra Delacroix", "live-ops shift lead", "INC0931", "Pallas crash rate alert: 2.5 per 1,000 "
     "sessions (alert at 1.5) and climbing; opened INC0931 (sev2), paged client engineering on call Saoirse Bakshi"),
    ("wr.3310", 160, "Saoirse Bakshi", "client engineering on call", "INC0931", "the crashes are one signature, "
     "c7d2e914: GPU page fault in StreamPool::EvictAsync. Pallas only and build 58211 only; PC on 58211 and Novix "
     "are clean"),
    ("wr.3311", 140, "Rasmus Tellier", "incident commander", "INC0931", "INC0931 raised to sev1: Pallas crash rate "
     "above 3 per 1,000 for 15 minutes (SEV.MATRIX); bridge open"),
    ("wr.3312", 124, "Kiri Nakashima-Bell", "server engineering on call", "INC0932", "gru-n04 ticking at about 40 Hz "
     "with 20%+ CPU steal: noisy neighbour at Nimbra (NMB-5530021). Not draining it: fl.gru.burst has no headroom"),
    ("wr.3313", 108, "Saoirse Bakshi", "client engineering on call", "INC0931", "c7d2e914 has been there since "
     "phase 1 four days ago at a crash or two an hour, below the alert; it needs async eviction "
     "(streaming.async_evict, CFG#2207) and Pallas firmware 11.2; raised PLS-DEV-77104"),
    ("wr.3314", 88, "Tove Lindqvist", "matchmaking designer", "INC0929", "the APAC and SA ranked waits are CFG#2211: "
     "too few players within 200 MMR. Proposing CFG#2221, back to 350 in APAC-SG, APAC-Tokyo and SA-SaoPaulo"),
    ("wr.3315", 70, "Priya Raghunathan", "release manager", "INC0931", "Pallas rollout of 58211 paused at 50% "
     "(RB.ROLLOUT.03). Consoles cannot go back to 58160: kill switch or 7.3.2"),
    ("wr.3316", 58, "Lucia Hartigan", "platform partners on call", "INC0931", "Pallas (PLS-DEV-77104): known GPU "
     "driver fault on firmware 11.2 with async eviction, fixed in 11.3, no date; avoid async eviction on Pallas"),
    ("wr.3317", 44, "Saoirse Bakshi", "client engineering on call", "INC0931", "CFG#2219: streaming.async_evict off "
     "on Pallas (kill switch), applied at the next match load"),
    ("wr.3318", 28, "Lucia Hartigan", "platform partners on call", "INC0931", "7.3.2 (build 58230) submitted to "
     "Pallas for expedited certification (PLS-DEV-77120); no ETA"),
    ("wr.3319", 18, "Rasmus Tellier", "incident commander", "INC0931", "INC0931 mitigated: Pallas crash rate back "
     "under 1 per 1,000, about where it was before phase 3; monitoring until 7.3.2 ships"),
    ("wr.3320", 12, "Yusra Delacroix", "live-ops shift lead", "INC0929", "CFG#2221 approved by Rasmus, goes in in "
     "about half an hour"),
]  # fmt: skip
#: doc, title, kind, updated (days ago), body
RUNBOOKS = [
    ("SEV.MATRIX", "Live incident severity and escalation matrix", "policy", 40,
     "sev1: a platform's players broadly unable to play (client crash rate above 3 per 1,000 sessions for 15 "
     "minutes, login down, a region's matches failing); incident commander on call, bridge, status page, exec "
     "update every hour. sev2: one region or one feature badly degraded (DDoS dropping matches, store down on a "
     "platform). sev3: degraded with a workaround (queue times, one payment provider). sev4: a single host or "
     "minor issue. The live-ops shift lead opens the incident and pages the on-call engineer; platform partners "
     "on call owns contact with Pallas and Novix."),
    ("RB.ROLLOUT.03", "Halting a phased client rollout", "runbook", 21,
     "PC: set the rollout to 0% in the launcher and Kitebox and roll back to the previous build if needed. "
     "Consoles (Pallas, Novix): a console build cannot be rolled back once downloaded; pause the phase in the "
     "partner portal so no more consoles download it, then mitigate with a feature flag kill switch (live config, "
     "CFG change approved by the incident commander) and ship a fixed build through the partner's expedited "
     "certification (platform partners on call). Tell community and support what players should do."),
    ("RB.CRASH.01", "Client crash spike triage", "runbook", 30,
     "Check the crash rate by platform and build, the top signatures of the last hours, the rollouts and the live "
     "changes (flags) just before the onset. A new signature on one build: pause that build's rollout "
     "(RB.ROLLOUT.03). A signature tied to a flag: turn the flag off. Page client engineering on call."),
    ("RB.MM.02", "Matchmaking queue times high", "runbook", 55,
     "Compare p90 waits by region and playlist with the live changes to mm_config; low-population regions (APAC, "
     "SA) are the first to feel a tighter MMR spread or a smaller party size limit. Revert the change in the "
     "affected regions first; check the fleet's capacity (hosts not ACTIVE) before blaming matchmaking."),
    ("RB.NET.05", "DDoS at the edge", "runbook", 70,
     "Bastion Shield scrubs automatically; netops on call checks the event (peak Gbps, Mpps, target), confirms "
     "mitigation with the Bastion Shield SOC, opens a sev2 if matches drop, and asks for a post-attack report."),
    ("RB.FLEET.04", "Degraded game server host", "runbook", 33,
     "Tick rate below 50 Hz or CPU steal above 10%: drain the host (no new matches) if the fleet has 20% headroom, "
     "otherwise keep it serving and raise a case with the provider; replace cloud VMs at the next maintenance."),
    ("RB.PAY.01", "Payment provider failures", "runbook", 48,
     "A provider above 5% failures for an hour: payments on call checks the provider's status page, raises a "
     "merchant case, shows the in-store banner suggesting another payment method; do not retry payments "
     "automatically (double charges)."),
    ("RB.AC.02", "Ban wave", "runbook", 90,
     "Anti-cheat on call prepares the wave: flagged accounts, manual review of edge cases, support and community "
     "briefed, appeal macro ready; run waves out of peak hours."),
    ("PM.0918", "Postmortem: login queue after 7.3.0 (INC0918)", "postmortem", 8,
     "Login service autoscaling reacted too slowly to the patch-day peak; 40 minutes of login queue in NA. "
     "Actions: pre-scale before patches, alert on queue length."),
]  # fmt: skip

ROTAS = {
    "incident_commander": [("primary", ["Pia Okonkwo-Lund", "Rasmus Tellier", "Ayo Brennan", "Pia Okonkwo-Lund"])],
    "server_eng": [
        ("primary", ["Tomasz Weir", "Kiri Nakashima-Bell", "Henrik Salo", "Tomasz Weir"]),
        ("secondary", ["Henrik Salo", "Tomasz Weir", "Kiri Nakashima-Bell", "Henrik Salo"]),
    ],
    "client_eng": [("primary", ["Idris Quayle", "Saoirse Bakshi", "Marisol Eke", "Idris Quayle"])],
    "netops": [("primary", ["Gwen Adeyemi", "Emeka Farrow", "Gwen Adeyemi", "Emeka Farrow"])],
    "platform_partners": [("primary", ["Ezra Villanueva", "Lucia Hartigan", "Ezra Villanueva", "Lucia Hartigan"])],
    "payments": [("primary", ["Anouk Verhaegen", "Omar Vellacott", "Anouk Verhaegen", "Omar Vellacott"])],
    "anticheat": [("primary", ["Sven Maric", "Freya Odegaard", "Sven Maric", "Freya Odegaard"])],
}
MOBILES = {
    "Pia Okonkwo-Lund": "+1 514 555 0101",
    "Rasmus Tellier": "+1 514 555 0102",
    "Ayo Brennan": "+1 514 555 0103",
    "Tomasz Weir": "+351 21 555 0104",
    "Kiri Nakashima-Bell": "+351 21 555 0105",
    "Henrik Salo": "+351 21 555 0106",
    "Idris Quayle": "+351 21 555 0107",
    "Saoirse Bakshi": "+351 21 555 0108",
    "Marisol Eke": "+1 514 555 0109",
    "Gwen Adeyemi": "+1 514 555 0110",
    "Emeka Farrow": "+351 21 555 0111",
    "Ezra Villanueva": "+1 514 555 0112",
    "Lucia Hartigan": "+1 514 555 0113",
    "Anouk Verhaegen": "+351 21 555 0114",
    "Omar Vellacott": "+351 21 555 0115",
    "Sven Maric": "+351 21 555 0116",
    "Freya Odegaard": "+351 21 555 0117",
    "Maren Kowalik": "+65 6555 0118",
    "Tobias Achterberg": "+351 21 555 0119",
    "Yusra Delacroix": "+1 514 555 0120",
    "Callum Ferreira-Shaw": "+65 6555 0121",
}
#: live-ops shift leads: two shifts back, the one running now (index 2) and the next
SHIFT_LEADS = ["Maren Kowalik", "Tobias Achterberg", "Yusra Delacroix", "Callum Ferreira-Shaw"]
SHIFT_DESK = {0: "APAC desk (Singapore)", 8: "EU desk (Lisbon)", 16: "NA desk (Montreal)"}

#: ticket categories: subject, body template (baseline tickets)
TICKET_TEXT = {
    "crash": ("Game crashed", "game closed to the desktop / home screen during a match"),
    "connection": ("Disconnected from match", "lost connection to the server mid-match, rejoin failed"),
    "matchmaking": ("Can't find a match", "searching for a long time before a match is found"),
    "purchase": ("Purchase problem", "paid but the item did not show up in my inventory"),
    "account": ("Account access", "cannot log in, password reset email never came"),
    "ban_appeal": ("Ban appeal", "I was banned but I never cheated, please review"),
    "cheating_report": ("Cheater report", "player in my match seemed to see through walls"),
    "bug": ("Bug report", "scoreboard shows the wrong kill count after the round ends"),
}
TICKET_CATS = list(TICKET_TEXT)
PLATFORMS = ["pc", "pallas", "novix"]
CHANNELS = ["support_form", "support_form", "forum", "social"]

_SCHEMA = """
CREATE TABLE fleets (fleet TEXT PRIMARY KEY, region TEXT, region_name TEXT, region_group TEXT, provider TEXT,
                     datacenter TEXT, host_type TEXT, hosts INTEGER, procs_per_host INTEGER, server_build INTEGER,
                     tick_target_hz INTEGER, status TEXT, note TEXT);
CREATE TABLE hosts (host TEXT PRIMARY KEY, fleet TEXT, region TEXT, region_name TEXT, region_group TEXT,
                    provider TEXT, status TEXT, since TEXT, server_build INTEGER, procs_running INTEGER,
                    procs_max INTEGER, players INTEGER, tick_hz REAL, cpu_pct REAL, steal_pct REAL, note TEXT);
CREATE TABLE host_samples (host TEXT, fleet TEXT, at TEXT, at_epoch INTEGER, procs INTEGER, players INTEGER,
                           tick_hz REAL, cpu_pct REAL, steal_pct REAL);
CREATE INDEX hs_host ON host_samples (host, at_epoch);
CREATE TABLE fleet_samples (fleet TEXT, at TEXT, at_epoch INTEGER, hosts_serving INTEGER, matches INTEGER,
                            players INTEGER, tick_p50_hz REAL, tick_worst_hz REAL, cpu_avg_pct REAL);
CREATE TABLE queue_samples (region TEXT, region_name TEXT, region_group TEXT, playlist TEXT, at TEXT,
                            at_epoch INTEGER, queued INTEGER, wait_p50_s INTEGER, wait_p90_s INTEGER,
                            matches_formed INTEGER, abandons INTEGER);
CREATE INDEX qs_epoch ON queue_samples (at_epoch);
CREATE TABLE ccu_samples (platform TEXT, region TEXT, region_name TEXT, region_group TEXT, at TEXT, at_epoch INTEGER,
                          ccu INTEGER);
CREATE TABLE crash_buckets (platform TEXT, build INTEGER, bucket_end TEXT, b_epoch INTEGER, sessions INTEGER,
                            crashes INTEGER);
CREATE TABLE crash_sig_counts (signature TEXT, platform TEXT, build INTEGER, b_epoch INTEGER, crashes INTEGER);
CREATE TABLE crash_sigs (signature TEXT PRIMARY KEY, top_frame TEXT, module TEXT, platforms TEXT, status TEXT,
                         owner TEXT, bug TEXT, first_seen TEXT, note TEXT);
CREATE TABLE rollouts (build INTEGER, version TEXT, platform TEXT, phase INTEGER, pct INTEGER, started TEXT,
                       s_epoch INTEGER, status TEXT, status_since TEXT, approver TEXT, note TEXT);
CREATE TABLE live_changes (change_id TEXT PRIMARY KEY, kind TEXT, key TEXT, old_value TEXT, new_value TEXT,
                           scope TEXT, author TEXT, approver TEXT, applied TEXT, a_epoch INTEGER, state TEXT,
                           note TEXT);
CREATE TABLE flags (flag TEXT, platform TEXT, state TEXT, pct INTEGER, owner TEXT, updated TEXT, change_id TEXT,
                    note TEXT);
CREATE TABLE ac_daily (rollup_at TEXT, r_epoch INTEGER, family TEXT, kind TEXT, platform TEXT, detections INTEGER,
                       accounts INTEGER);
CREATE TABLE ban_waves (wave TEXT PRIMARY KEY, status TEXT, at TEXT, at_epoch INTEGER, families TEXT,
                        accounts INTEGER, platforms TEXT, approver TEXT, note TEXT);
CREATE TABLE ddos_events (event TEXT PRIMARY KEY, region TEXT, region_name TEXT, pop TEXT, target TEXT, vector TEXT,
                          peak_gbps REAL, peak_mpps REAL, started TEXT, s_epoch INTEGER, ended TEXT,
                          duration_min INTEGER, mitigation TEXT, impact TEXT);
CREATE TABLE store_hourly (provider TEXT, kind TEXT, hour_end TEXT, h_epoch INTEGER, attempts INTEGER,
                           failed INTEGER, fail_pct REAL, top_error TEXT);
CREATE TABLE partner_status (ref TEXT PRIMARY KEY, partner TEXT, kind TEXT, title TEXT, status TEXT, started TEXT,
                             s_epoch INTEGER, resolved TEXT, impact TEXT, our_ref TEXT);
CREATE TABLE vendor_cases (ref TEXT PRIMARY KEY, vendor TEXT, subject TEXT, about TEXT, status TEXT, priority TEXT,
                           opened TEXT, updated TEXT, owner TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, covers TEXT, phone TEXT, email TEXT, hours TEXT, escalation TEXT);
CREATE TABLE tickets (ticket TEXT PRIMARY KEY, created TEXT, c_epoch INTEGER, channel TEXT, category TEXT,
                      platform TEXT, region TEXT, subject TEXT, body TEXT, status TEXT);
CREATE TABLE maintenance (mw TEXT PRIMARY KEY, scope TEXT, kind TEXT, starts TEXT, s_epoch INTEGER, ends TEXT,
                          status TEXT, owner TEXT, player_impact TEXT, note TEXT);
CREATE TABLE incidents (inc TEXT PRIMARY KEY, sev TEXT, title TEXT, status TEXT, commander TEXT, opened TEXT,
                        o_epoch INTEGER, mitigated TEXT, resolved TEXT, r_epoch INTEGER, summary TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shift_leads (desk TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                          mobile TEXT);
CREATE TABLE warroom (entry TEXT PRIMARY KEY, at TEXT, at_epoch INTEGER, author TEXT, role TEXT, inc TEXT,
                      text TEXT);
CREATE TABLE runbooks (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, updated TEXT, body TEXT);
"""


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _at(now: datetime, minutes: float) -> datetime:
    return now - timedelta(minutes=minutes)


# ---------------------------------------------------------------------------------------------------- game servers


def _hosts() -> list[tuple[str, str, str, str, int]]:
    """(host, fleet, region, provider, max processes) of every host."""
    out = []
    for fleet, region, provider, _dc, _type, count, procs, _status, _note in FLEETS:
        for n in range(1, count + 1):
            out.append((f"{region}-{PROVIDER_LETTER[provider]}{n:02d}", fleet, region, provider, procs))
    return out


def _host_sample(host: str, procs_max: int, m: int, k: int) -> tuple[int, int, float, float, float] | None:
    """(processes, players, tick Hz, CPU %, steal %) of ``host`` in the sample ending ``m`` minutes ago."""
    if host == "euw-m05":
        return None
    load = 0.62 + 0.22 * noise(host + "load", k)
    procs = int(procs_max * load)
    if host == "nae-n03" and m < NAE_DRAIN:
        procs = int(procs * m / NAE_DRAIN)
    players = int(procs * (8.6 + 2.0 * noise(host + "ppl", k)))
    tick = _between(59.3, 60.0, host + "tick", k)
    cpu = _between(44.0, 72.0, host + "cpu", k)
    steal = _between(0.0, 1.8, host + "steal", k)
    if host == "gru-n04" and m < GRU_STEAL:
        tick = _between(38.0, 44.0, host + "tick2", k)
        cpu = _between(93.0, 98.0, host + "cpu2", k)
        steal = _between(18.0, 26.0, host + "steal2", k)
    if host == "nae-n03" and m < NAE_DRAIN:
        cpu = round(cpu * max(procs, 1) / (procs_max * load), 1)
    return procs, players, tick, cpu, steal


def _game_servers(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Host board, host samples and fleet samples."""
    samples: list[tuple[Any, ...]] = []
    by_fleet: dict[tuple[str, int], list[tuple[int, int, float, float]]] = {}
    latest: dict[str, tuple[int, int, float, float, float]] = {}
    for host, fleet, _region, _provider, procs_max in _hosts():
        for k in range(143, -1, -1):
            m = 6 + 10 * k
            s = _host_sample(host, procs_max, m, k)
            if s is None:
                continue
            t = _at(now, m)
            samples.append((host, fleet, iso(t), int(t.timestamp()), *s))
            latest[host] = s
            if s[0] > 0:
                by_fleet.setdefault((fleet, m), []).append((s[0], s[1], s[2], s[3]))
    fleet_rows = []
    for (fleet, m), items in sorted(by_fleet.items(), key=lambda x: (x[0][0], -x[0][1])):
        t = _at(now, m)
        ticks = sorted(i[2] for i in items)
        p50 = ticks[len(ticks) // 2] if len(ticks) % 2 else round((ticks[len(ticks) // 2 - 1] + ticks[len(ticks) // 2])
                                                                   / 2, 1)  # fmt: skip
        fleet_rows.append((fleet, iso(t), int(t.timestamp()), len(items), sum(i[0] for i in items),
                           sum(i[1] for i in items), p50, ticks[0],
                           round(sum(i[3] for i in items) / len(items), 1)))  # fmt: skip
    regions = {f[0]: f[1] for f in FLEETS}
    host_rows = []
    for host, fleet, region, provider, procs_max in _hosts():
        status, since, note = HOST_NOW.get(host, ("ACTIVE", 3 * DAY + 200, ""))
        name, group, _share = REGIONS[regions[fleet]]
        s = latest.get(host)
        if s is None:
            host_rows.append((host, fleet, region, name, group, provider, status, iso(_at(now, since)), SERVER_BUILD, 0,
                              procs_max, 0, None, None, None, note))  # fmt: skip
        else:
            host_rows.append((host, fleet, region, name, group, provider, status, iso(_at(now, since)), SERVER_BUILD,
                              s[0], procs_max, s[1], s[2], s[3], s[4], note))  # fmt: skip
    return host_rows, samples, fleet_rows


def _queues(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    total_ccu = sum(PLATFORM_CCU.values())
    for region, (name, group, share) in REGIONS.items():
        for playlist in PLAYLISTS:
            key = region + playlist
            for k in range(143, -1, -1):
                m = 2 + 10 * k
                after = m < MMR_CHANGE - 5
                if playlist == "ranked_5v5":
                    lo, hi = RANKED_P90[region][1 if after else 0]
                else:
                    lo, hi = OTHER_P90[playlist]
                p90 = int(_between(lo, hi, key + "p90", k, 0))
                p50 = int(p90 * (0.42 + 0.08 * noise(key + "p50", k)))
                queued = int(total_ccu * share * PLAYLIST_SHARE[playlist] * (0.85 + 0.3 * noise(key + "q", k)))
                if playlist == "ranked_5v5" and after and region in ("sgp", "tyo", "gru"):
                    queued = int(queued * 2.6)
                size = 24 if playlist == "siege_12v12" else 6 if playlist == "skirmish_3v3" else 10
                formed = int(queued * 600 / max(p50, 1) / size * 0.5)
                abandons = int(queued * (0.02 + 0.03 * noise(key + "ab", k)))
                if playlist == "ranked_5v5" and after and region in ("sgp", "tyo", "gru"):
                    abandons = int(queued * (0.14 + 0.06 * noise(key + "ab2", k)))
                t = _at(now, m)
                rows.append((region, name, group, playlist, iso(t), int(t.timestamp()), queued, p50, p90, formed,
                             abandons))  # fmt: skip
    return rows


def _ccu(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for platform, total in PLATFORM_CCU.items():
        for region, (name, group, share) in REGIONS.items():
            for k in range(191, -1, -1):
                m = 1 + 15 * k
                factor = 0.97 + 0.06 * noise(platform + region + "ccu", k)
                if platform == "pallas":
                    if m <= KILL_SWITCH:
                        factor *= 0.95
                    elif m <= 185:
                        factor *= 0.875
                    elif m <= PHASE3:
                        factor *= 0.96
                t = _at(now, m)
                rows.append((platform, region, name, group, iso(t), int(t.timestamp()), int(total * share * factor)))
    return rows


# ---------------------------------------------------------------------------------------------------------- crashes


def _share_58211(platform: str, x: float) -> float:
    """Share of ``platform``'s sessions on 58211, ``x`` minutes ago."""
    if platform == "pc":
        return 0.25 if x > 1560 else 1.0
    if platform == "novix":
        return 0.01 if x > 1200 else 0.10
    if x > PHASE2:
        return 0.01
    if x > PHASE3:
        return 0.05
    return min(0.5, 0.05 + 0.45 * (PHASE3 - x) / 60)


def _bug_rate(x: float, k: int) -> float:
    """c7d2e914's crashes per 1,000 Pallas 58211 sessions, ``x`` minutes ago."""
    if x >= KILL_SWITCH:
        return _between(7.0, 8.2, "bug", k, 2)
    if x >= KILL_SWITCH - 10:
        return 3.0
    return _between(0.6, 1.0, "bug2", k, 2)


def _crashes(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    buckets, sig_rows = [], []
    for platform, (s_lo, s_hi) in SESSIONS.items():
        for k in range(287, -1, -1):
            m = 4 + 10 * k
            x = m + 5
            t = _at(now, m)
            epoch = int(t.timestamp())
            sessions = int(s_lo + (s_hi - s_lo) * noise(platform + "sess", k))
            share = _share_58211(platform, x)
            for build, part in ((58160, 1 - share), (58211, share)):
                n = round(sessions * part)
                if n <= 0:
                    continue
                lo, hi = BASE_RATE[platform]
                base = n * (lo + (hi - lo) * noise(f"{platform}{build}rate", k)) / 1000
                counts = {}
                for sig, w in SIG_SHARES[platform].items():
                    counts[sig] = math.floor(base * w + noise(f"{platform}{build}{sig}", k))
                if platform == "pallas" and build == 58211:
                    counts[NEW_SIG] = math.floor(n * _bug_rate(x, k) / 1000 + noise("newsig", k))
                for sig, c in counts.items():
                    if c > 0:
                        sig_rows.append((sig, platform, build, epoch, c))
                buckets.append((platform, build, iso(t), epoch, n, sum(counts.values())))
    return buckets, sig_rows


# ------------------------------------------------------------------------------------------------ the rest of it


def _ac_daily(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for k in range(13, -1, -1):
        t = _at(now, 25 + DAY * k)
        for family, kind, platform, span in AC_FAMILIES:
            if span is None:
                frac = (13 - k) / 13
                det = GLASSWALL_FIRST * (GLASSWALL_LAST / GLASSWALL_FIRST) ** frac
                if k not in (0, 13):
                    det *= 0.94 + 0.12 * noise("glass", k)
                det = round(det)
            else:
                det = int(_between(span[0], span[1], family + platform, k, 0))
            accounts = int(det * (0.6 + 0.2 * noise(family + platform + "acc", k)))
            rows.append((iso(t), int(t.timestamp()), family, kind, platform, det, accounts))
    return rows


def _store(now: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for provider, kind, (a_lo, a_hi), (f_lo, f_hi), err in PROVIDERS:
        for k in range(47, -1, -1):
            m = 10 + 60 * k
            attempts = int(a_lo + (a_hi - a_lo) * noise(provider + "att", k))
            pct = _between(f_lo, f_hi, provider + "fail", k, 2)
            top = err
            if provider == "Quorra Wallet" and m < QUORRA:
                pct = _between(8.6, 12.9, provider + "fail2", k, 2)
                top = "PSP_TIMEOUT"
            failed = round(attempts * pct / 100)
            t = _at(now, m)
            rows.append((provider, kind, iso(t), int(t.timestamp()), attempts, failed,
                         round(100 * failed / attempts, 2), top))  # fmt: skip
    return rows


#: spikes of tickets: category, platform, regions, from, to (minutes ago), count, subject, body
TICKET_SPIKES = [
    ("crash", "pallas", ["nae", "naw", "euw", "euc", "sgp", "tyo", "gru"], 8, 168, 58, "Game keeps crashing on Pallas",
     "crashes to the Pallas home screen a few minutes into every match since the update this afternoon"),
    ("purchase", "", ["euw", "euc", "gru"], 20, 290, 27, "Quorra payment failed",
     "paying with Quorra Wallet spins and then says the payment timed out"),
    ("matchmaking", "", ["sgp", "tyo", "gru"], 20, 280, 22, "Ranked queue takes forever",
     "ranked search takes 4-5 minutes now, it used to be under a minute"),
]  # fmt: skip
#: minutes-ago ranges with no baseline ticket (the edges of the 6-hour, 24-hour and 7-day windows)
TICKET_GAPS = [(300, 420), (1380, 1500), (8640, 11520)]


def _tickets(now: datetime) -> list[tuple[Any, ...]]:
    items: list[tuple[int, tuple[Any, ...]]] = []
    regions = list(REGIONS)
    for h in range(14 * 24):
        n = int(3 * noise("tk-n", h))
        for j in range(n):
            m = 60 * h + int(60 * noise("tk-m", 10 * h + j)) + 3
            if any(lo <= m <= hi for lo, hi in TICKET_GAPS):
                continue
            cat = TICKET_CATS[int(len(TICKET_CATS) * noise("tk-c", 10 * h + j))]
            platform = PLATFORMS[int(3 * noise("tk-p", 10 * h + j))]
            if cat == "ban_appeal" and platform != "pc":
                platform = "pc"
            region = regions[int(len(regions) * noise("tk-r", 10 * h + j))]
            subject, body = TICKET_TEXT[cat]
            channel = "forum" if cat == "cheating_report" else CHANNELS[int(4 * noise("tk-ch", 10 * h + j))]
            items.append((m, (channel, cat, platform, region, subject, body)))
    for cat, platform, regs, lo, hi, count, subject, body in TICKET_SPIKES:
        for i in range(count):
            m = lo + (hi - lo) * i // max(count - 1, 1)
            region = regs[i % len(regs)]
            plat = platform or ("pc" if i % 3 else "novix" if cat == "matchmaking" else "pc")
            channel = CHANNELS[i % 4]
            items.append((m, (channel, cat, plat, region, subject, body)))
    items.sort(key=lambda x: -x[0])
    rows = []
    for n, (m, (channel, cat, platform, region, subject, body)) in enumerate(items):
        t = _at(now, m)
        status = "new" if m < 240 else "open" if m < 2 * DAY else "solved"
        rows.append((f"tk_{771000 + n}", iso(t), int(t.timestamp()), channel, cat, platform, REGIONS[region][0],
                     subject, body, status))  # fmt: skip
    return rows


def _shift_rows(now: datetime) -> list[tuple[Any, ...]]:
    """8-hour shifts from 00:00, 08:00 and 16:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=0, minute=0) - timedelta(days=1)
    while start + timedelta(hours=8) <= now:
        start += timedelta(hours=8)
    rows = []
    for j, person in enumerate(SHIFT_LEADS):
        s = start + timedelta(hours=8 * (j - 2))
        e = s + timedelta(hours=8)
        rows.append((SHIFT_DESK[s.hour], iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), person,
                     MOBILES[person]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    fleets = []
    for fleet, region, provider, dc, htype, count, procs, status, note in FLEETS:
        name, group, _share = REGIONS[region]
        fleets.append((fleet, region, name, group, provider, dc, htype, count, procs, SERVER_BUILD, 60, status, note))
    db.executemany("INSERT INTO fleets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", fleets)
    hosts, host_samples, fleet_samples = _game_servers(now)
    db.executemany("INSERT INTO hosts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", hosts)
    db.executemany("INSERT INTO host_samples VALUES (?,?,?,?,?,?,?,?,?)", host_samples)
    db.executemany("INSERT INTO fleet_samples VALUES (?,?,?,?,?,?,?,?,?)", fleet_samples)
    db.executemany("INSERT INTO queue_samples VALUES (?,?,?,?,?,?,?,?,?,?,?)", _queues(now))
    db.executemany("INSERT INTO ccu_samples VALUES (?,?,?,?,?,?,?)", _ccu(now))
    buckets, sig_counts = _crashes(now)
    db.executemany("INSERT INTO crash_buckets VALUES (?,?,?,?,?,?)", buckets)
    db.executemany("INSERT INTO crash_sig_counts VALUES (?,?,?,?,?)", sig_counts)
    db.executemany("INSERT INTO crash_sigs VALUES (?,?,?,?,?,?,?,?,?)",
                   [(*s[:7], ago(s[7]), s[8]) for s in SIGNATURES])  # fmt: skip
    db.executemany("INSERT INTO rollouts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(b, v, p, ph, pct, ago(m), clock.epoch(m), st, ago(PAUSED if st == "paused" else m), ap, n)
                    for b, v, p, ph, pct, m, st, ap, n in ROLLOUTS])  # fmt: skip
    db.executemany("INSERT INTO live_changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), clock.epoch(c[8]), c[9], c[10]) for c in CHANGES])  # fmt: skip
    db.executemany("INSERT INTO flags VALUES (?,?,?,?,?,?,?,?)", [(*f[:5], ago(f[5]), f[6], f[7]) for f in FLAGS])
    db.executemany("INSERT INTO ac_daily VALUES (?,?,?,?,?,?,?)", _ac_daily(now))
    db.executemany("INSERT INTO ban_waves VALUES (?,?,?,?,?,?,?,?,?)",
                   [(w, s, ago(m), clock.epoch(m), f, a, p, ap, n)
                    for w, s, m, f, a, p, ap, n in BAN_WAVES])  # fmt: skip
    db.executemany("INSERT INTO ddos_events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(e, r, REGIONS[r][0], pop, tg, v, g, mp, ago(m), clock.epoch(m), ago(m - d), d, mit, imp)
                    for e, r, pop, tg, v, g, mp, m, d, mit, imp in DDOS])  # fmt: skip
    db.executemany("INSERT INTO store_hourly VALUES (?,?,?,?,?,?,?,?)", _store(now))
    db.executemany("INSERT INTO partner_status VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(r, p, k, t, s, ago(m), clock.epoch(m), ago(res), imp, our)
                    for r, p, k, t, s, m, res, imp, our in PARTNER_STATUS])  # fmt: skip
    db.executemany("INSERT INTO vendor_cases VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:6], ago(c[6]), ago(c[7]), c[8], c[9]) for c in VENDOR_CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?)", _tickets(now))
    db.executemany("INSERT INTO maintenance VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(mw, sc, k, ago(m), clock.epoch(m), ago(m - ln), st, ow, imp, n)
                    for mw, sc, k, m, ln, st, ow, imp, n in MAINTENANCE])  # fmt: skip
    db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(i, sv, t, st, c, ago(o), clock.epoch(o), ago(mi), ago(r), None if r is None else clock.epoch(r),
                     su) for i, sv, t, st, c, o, mi, r, su in INCIDENTS])  # fmt: skip
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 17))
    db.executemany("INSERT INTO shift_leads VALUES (?,?,?,?,?,?,?)", _shift_rows(now))
    db.executemany("INSERT INTO warroom VALUES (?,?,?,?,?,?,?)",
                   [(e, ago(m), clock.epoch(m), a, r, i, t) for e, m, a, r, i, t in WARROOM])  # fmt: skip
    db.executemany("INSERT INTO runbooks VALUES (?,?,?,?,?)",
                   [(d, t, k, (now - timedelta(days=u)).strftime("%Y-%m-%d"), b)
                    for d, t, k, u, b in RUNBOOKS])  # fmt: skip
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Tessaline Games live operations for Ashfall Vanguard: game server fleets, matchmaking, CCU, crashes"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
