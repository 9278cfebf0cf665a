"""An eleventh estate, held out from the planner's tuning: a telephony and contact-centre platform (Ostrel Connect).

Written without reading the planner. Names and APIs are unlike the other estates': session border controllers
``sbc-lon-a`` / ``sbc-ams-b`` run ``sbcos 10.4.2``, SIP trunks are ``trk-vx-lon-01`` (carrier Vextel),
``trk-amb-lon-02`` (Amberline) and ``trk-ngv-ams-01`` (Northgate Voice), codec preference lists ``PCMA,G729``,
call queues ``q-general-uk`` / ``q-cards-uk`` / ``q-billing-nl`` staffed by teams ``uk-general`` ...,
IVR flows ``ivr-uk-main`` with a voicebot whose speech-to-text model is ``stt-en-gb-telco-v7``, change records
``CR-4471``, releases ``REL-2291``, incidents ``INC-7731`` (``P2``, ``In Progress``), runbooks ``RB-112``,
escalation rotations ``voice-core``, SIP response codes ``503`` / ``487``. Trunk state is ``active |
disabled``; SBC state ``active | standby``. Windows come as ``since`` (RFC 3339), ``from_epoch`` / ``to_epoch``
(unix seconds), ``lookback`` (an enum ``1h | 4h | 12h | 24h``), ``minutes``, ``hours`` and ``days``; searches
take ``carrier``, ``name_contains``, ``text`` and ``terms``. :mod:`tests.ops_eval.eleventh_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned):

- T-6d ``REL-2279`` speechd 4.8.0 -> 4.8.1 (the STT engine); T-6d ``INC-7720`` (P4, On Hold): trk-ngv-ams-02
  is disabled, waiting for Northgate's port-out; T-3d ``REL-2284`` sbcos 10.4.1 -> 10.4.2 on sbc-lon-a/b;
  T-2d ``INC-7688`` (one-way audio on trk-ngv-ams-01, resolved); T-1d ``CR-4460`` tightens q-cards-uk's
  service level target from 80% in 20 s to 90% in 15 s; T-20h ``CR-4466`` adds a voicebot intent; q-cards-uk's
  daily volume has risen for a week (card reissue), from about 2,000 to 3,120 calls;
- T-540m .. T-520m (5-minute samples): Amberline returns SIP 503 on almost every INVITE on both its trunks
  (``INC-7702``, carrier-side, resolved): a recovered blip, a red herring;
- T-5h ``REL-2291`` upgrades sbc-ams-a to sbcos 10.5.0 (Amsterdam only, unrelated);
- T-137m ``CR-4471`` (ines) puts G729 first in the codec preference of both Vextel trunks (to save bandwidth on
  the lon MPLS link); RB-112 says trunks that feed an IVR must keep PCMA (G.711) first, because the voicebot's
  speech models are trained on G.711 audio;
- from the 5-minute sample starting T-135m (the onset): en-GB voicebot sessions arrive as G729 for about 70% of
  calls and their no-match rate is 31-38% (PCMA sessions stay at 3-6%); MOS on the Vextel trunks drops from
  4.2-4.4 to 3.7-3.9; no-match fallbacks flood q-general-uk: offered per 15 minutes more than doubles, service
  level 82-92% -> 31-45%, ASA 10-20 s -> 140-210 s, abandons 1.5-4% -> 18-26%, while q-billing-uk and
  q-loans-uk get a quarter fewer calls; the Dutch queues (sbc-ams-a, PCMA) are unaffected;
- T-110m ``INC-7731`` (P2, In Progress, kofi) "q-general-uk service level under 50%"; T-100m ``CR-4475`` swaps
  two uk-general agents to the late shift (24 -> 22 scheduled: a red herring); T-40m ``CR-4479`` (kofi) offers a
  callback after 90 s on q-general-uk (a response: it does not stop the misrouting).

No API reports CPU or memory of the SBCs, link bandwidth, carrier costs or invoices, customer satisfaction
(CSAT/NPS), per-agent statistics, call recordings or transcripts, or per-caller history; there is no queue
q-mortgages-uk, no trunk trk-bt-lon-09 and no INC-7799.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.eleventh_apis import APIS
from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "TRUNKS", "build", "register"]

DATA_SOURCE = "contactops"

CHANGED = 137  # minutes ago: CR-4471 puts G729 first on the Vextel trunks
ONSET = 135  # minutes ago: the first 5-minute sample (and 15-minute interval) with G729 voicebot sessions
AMB_OUTAGE = (520, 540)  # minutes ago: Amberline's 503s (sample starts)
DAY = 1440

SBCS = [
    # sbc, site, HA pair, state, sbcos version, note
    ("sbc-lon-a", "lon", "lon", "active", "10.4.2", ""),
    ("sbc-lon-b", "lon", "lon", "active", "10.4.2", "active/active with sbc-lon-a"),
    ("sbc-ams-a", "ams", "ams", "active", "10.5.0", "upgraded in REL-2291"),
    ("sbc-ams-b", "ams", "ams", "standby", "10.4.2", "upgrade after a week on 10.5.0 (RB-131)"),
]
TRUNKS = [
    # trunk, carrier, sbc, direction, channels, codec preference, state, attempts per 5 min (low, spread), note
    ("trk-vx-lon-01", "Vextel", "sbc-lon-a", "inbound", 600, "G729,PCMA", "active", 310, 50, ""),
    ("trk-vx-lon-02", "Vextel", "sbc-lon-b", "inbound", 600, "G729,PCMA", "active", 290, 50, ""),
    ("trk-amb-lon-01", "Amberline", "sbc-lon-a", "inbound", 240, "PCMA,G729", "active", 160, 30, ""),
    ("trk-amb-lon-02", "Amberline", "sbc-lon-b", "outbound", 240, "G729,PCMA", "active", 100, 20,
     "outbound callbacks and dialler"),
    ("trk-ngv-ams-01", "Northgate Voice", "sbc-ams-a", "inbound", 180, "PCMA,PCMU", "active", 110, 20, ""),
    ("trk-ngv-ams-02", "Northgate Voice", "sbc-ams-a", "both", 180, "PCMA,PCMU", "disabled", 0, 0,
     "decommission pending: numbers being ported out (INC-7720)"),
]  # fmt: skip
QUEUES = [
    # queue, language, site, team, SL target %, SL seconds, max wait s, overflow, offered per 15 min (low, spread)
    ("q-general-uk", "en-GB", "lon", "uk-general", 80, 20, 900, "voicemail", 105, 20),
    ("q-billing-uk", "en-GB", "lon", "uk-billing", 80, 20, 900, "q-general-uk", 80, 15),
    ("q-loans-uk", "en-GB", "lon", "uk-loans", 80, 30, 1200, "q-general-uk", 40, 10),
    ("q-cards-uk", "en-GB", "lon", "uk-cards", 90, 15, 600, "q-general-uk", 32, 4),
    ("q-general-nl", "nl-NL", "ams", "nl-general", 80, 20, 900, "voicemail", 45, 10),
    ("q-billing-nl", "nl-NL", "ams", "nl-billing", 80, 20, 900, "q-general-nl", 25, 6),
]
TEAMS = {"uk-general": 24, "uk-billing": 18, "uk-loans": 9, "uk-cards": 8, "nl-general": 10, "nl-billing": 6}
IVR_FLOWS = [
    # flow, language, trunks, recognition, STT model, no-match retries, no-match fallback
    ("ivr-uk-main", "en-GB", "trk-vx-lon-01,trk-vx-lon-02,trk-amb-lon-01", "voicebot", "stt-en-gb-telco-v7", 2,
     "q-general-uk"),
    ("ivr-uk-cards", "en-GB", "trk-amb-lon-01", "dtmf", "", 0, "q-cards-uk"),
    ("ivr-nl-main", "nl-NL", "trk-ngv-ams-01", "voicebot", "stt-nl-nl-telco-v4", 2, "q-general-nl"),
]  # fmt: skip
WALLBOARD = [
    # queue, calls waiting, longest wait s, agents available, on call, wrap-up
    ("q-general-uk", 41, 412, 0, 19, 2),
    ("q-billing-uk", 2, 35, 3, 13, 1),
    ("q-loans-uk", 0, 0, 2, 6, 1),
    ("q-cards-uk", 1, 12, 1, 6, 1),
    ("q-general-nl", 1, 18, 2, 7, 0),
    ("q-billing-nl", 0, 0, 2, 3, 1),
]
CARDS_DAILY = {1: 3120, 2: 2990, 3: 2860, 4: 2690, 5: 2480, 6: 2290, 7: 2050}  # days ago -> calls offered
CHANGES = [
    # id, category, target, summary, before, after, author, minutes ago, ticket
    ("CR-4460", "queue", "q-cards-uk", "service level target tightened for lost and stolen cards", "80% in 20 s",
     "90% in 15 s", "sana", DAY + 200, "OPS-2231"),
    ("CR-4466", "ivr", "ivr-uk-main", "voicebot intent card_reissue added", "41 intents", "42 intents", "kofi",
     20 * 60, "OPS-2240"),
    ("CR-4471", "trunk", "trk-vx-lon-01, trk-vx-lon-02",
     "codec preference: G729 first to cut bandwidth on the lon MPLS link", "PCMA,G729", "G729,PCMA", "ines",
     CHANGED, "NET-5520"),
    ("CR-4475", "wfm", "uk-general", "shift swap: two agents moved to the late shift", "24 scheduled",
     "22 scheduled", "sana", 100, "WFM-118"),
    ("CR-4479", "queue", "q-general-uk", "offer a callback after 90 s in queue", "off", "90 s", "kofi", 40,
     "INC-7731"),
]  # fmt: skip
RELEASES = [
    # id, component, targets, from, to, started (minutes ago), minutes it took, status
    ("REL-2279", "speechd", "stt-pool-lon, stt-pool-ams", "4.8.0", "4.8.1", 6 * DAY, 50, "completed"),
    ("REL-2284", "sbcos", "sbc-lon-a, sbc-lon-b", "10.4.1", "10.4.2", 3 * DAY, 75, "completed"),
    ("REL-2291", "sbcos", "sbc-ams-a", "10.4.2", "10.5.0", 300, 40, "completed"),
]
INCIDENTS = [
    # id, priority, status, title, owner, opened (minutes ago), resolved (minutes ago)
    ("INC-7731", "P2", "In Progress", "q-general-uk service level under 50%, callers waiting over 5 minutes",
     "kofi", 110, None),
    ("INC-7720", "P4", "On Hold", "trk-ngv-ams-02 decommission waiting for Northgate's number port-out", "lotte",
     6 * DAY, None),
    ("INC-7702", "P2", "Resolved", "Amberline returning SIP 503 on trk-amb-lon-01 and trk-amb-lon-02 "
     "(carrier-side outage, Amberline ref AMB-99127)", "marek", 535, 505),
    ("INC-7688", "P3", "Resolved", "one-way audio on trk-ngv-ams-01 (NAT pinhole on sbc-ams-a)", "ines",
     2 * DAY + 90, 2 * DAY),
]  # fmt: skip
ROTA = [("voice-core", "marek", "ines", 9), ("contact-centre-apps", "kofi", "sana", 33),
        ("carrier-management", "lotte", "marek", 57)]  # fmt: skip
RUNBOOKS = [
    ("RB-112", "Codec policy for SIP trunks",
     "The voicebot's speech models (stt-en-gb-telco, stt-nl-nl-telco) are trained on narrowband G.711 audio. "
     "Calls that reach an IVR as G729 lose recognition accuracy: expect the no-match rate to rise from about 5% "
     "to over 30% and the no-match fallbacks to flood the general queues. Keep PCMA (G.711 A-law) first in the "
     "codec preference of every trunk that delivers calls to an IVR; put G729 first only on outbound trunks. To "
     "undo a codec change, restore the previous preference list on the trunk; calls already up keep their codec."),
    ("RB-104", "Carrier outage",
     "When a carrier answers INVITEs with 503 for more than five minutes, open a ticket with the carrier's NOC, "
     "set the carrier's outbound route weight to 0 so the dialler uses the other carrier, and page "
     "carrier-management. Inbound numbers stay with their carrier; post the outage notice on the IVR."),
    ("RB-120", "Queue overflow",
     "When a queue's service level stays under 50% for 30 minutes, offer callbacks, move skilled agents from "
     "neighbouring queues and check whether the IVR is misrouting (no-match fallbacks land in the general "
     "queues). Page contact-centre-apps."),
    ("RB-131", "Upgrading an SBC pair",
     "Upgrade the standby first, fail over, then upgrade the other one; keep a week between sites."),
    ("RB-140", "Decommissioning a trunk",
     "Disable the trunk only after the carrier confirms the port-out of every number routed over it."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE sbcs (sbc TEXT PRIMARY KEY, site TEXT, ha_pair TEXT, state TEXT, sbcos_version TEXT, note TEXT);
CREATE TABLE trunks (trunk TEXT PRIMARY KEY, carrier TEXT, sbc TEXT, direction TEXT, channels INTEGER,
                     codec_prefs TEXT, state TEXT, note TEXT);
CREATE TABLE trunk_samples (trunk TEXT, sample_start TEXT, sample_epoch INTEGER, attempts INTEGER,
                            answered INTEGER, failed INTEGER, peak_channels INTEGER, mos REAL, loss_pct REAL);
CREATE TABLE sip_failures (trunk TEXT, sample_epoch INTEGER, sip_code INTEGER, reason TEXT, count INTEGER);
CREATE TABLE queues (queue TEXT PRIMARY KEY, language TEXT, site TEXT, team TEXT, sl_target_pct INTEGER,
                     sl_seconds INTEGER, max_wait_s INTEGER, overflow_to TEXT);
CREATE TABLE queue_intervals (queue TEXT, interval_start TEXT, interval_epoch INTEGER, offered INTEGER,
                              answered INTEGER, abandoned INTEGER, answered_in_sl INTEGER, asa_s INTEGER,
                              longest_wait_s INTEGER, aht_s INTEGER);
CREATE TABLE queue_daily (queue TEXT, day TEXT, day_epoch INTEGER, offered INTEGER, answered INTEGER,
                          abandoned INTEGER, sl_pct REAL);
CREATE TABLE wallboard (queue TEXT PRIMARY KEY, as_of TEXT, calls_waiting INTEGER, longest_wait_s INTEGER,
                        agents_available INTEGER, agents_on_call INTEGER, agents_wrap_up INTEGER);
CREATE TABLE staffing (team TEXT, interval_start TEXT, interval_epoch INTEGER, scheduled INTEGER,
                       logged_in INTEGER, available INTEGER, on_call INTEGER, wrap_up INTEGER, aux INTEGER);
CREATE TABLE ivr_flows (flow TEXT PRIMARY KEY, language TEXT, trunks TEXT, recognition TEXT, stt_model TEXT,
                        no_match_retries INTEGER, no_match_fallback TEXT);
CREATE TABLE stt_samples (language TEXT, codec TEXT, sample_start TEXT, sample_epoch INTEGER, sessions INTEGER,
                          recognized INTEGER, no_match INTEGER, avg_confidence REAL);
CREATE TABLE changes (change_id TEXT PRIMARY KEY, category TEXT, target TEXT, summary TEXT, before_value TEXT,
                      after_value TEXT, author TEXT, applied_at TEXT, applied_epoch INTEGER, ticket TEXT);
CREATE TABLE releases (release_id TEXT PRIMARY KEY, component TEXT, targets TEXT, from_version TEXT,
                       to_version TEXT, started_at TEXT, started_epoch INTEGER, finished_at TEXT, status TEXT);
CREATE TABLE incidents (incident_id TEXT PRIMARY KEY, priority TEXT, status TEXT, title TEXT, owner TEXT,
                        opened_at TEXT, resolved_at TEXT);
CREATE TABLE rota (rotation TEXT PRIMARY KEY, primary_person TEXT, secondary_person TEXT, until TEXT);
CREATE TABLE runbooks (doc_id TEXT PRIMARY KEY, title TEXT, body TEXT);
"""

_SAMPLES = range(5, DAY + 5, 5)  # 5-minute samples over 24 hours, by minutes ago of their start
_INTERVALS = range(15, DAY + 15, 15)  # 15-minute queue intervals over 24 hours
_MISROUTED = ("q-billing-uk", "q-loans-uk")  # their callers land in q-general-uk after the onset


def _trunks(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """5-minute trunk samples and SIP failures by response code over 24 hours."""
    samples: list[tuple[Any, ...]] = []
    failures: list[tuple[Any, ...]] = []
    for trunk, carrier, _, direction, channels, _, state, low, spread, _ in TRUNKS:
        if state != "active":
            continue
        for ago in _SAMPLES:
            start = now - timedelta(minutes=ago)
            epoch = int(start.timestamp())
            attempts = int(low + spread * noise(f"ta{trunk}", ago))
            codes: list[tuple[int, str, int]] = []
            if direction == "inbound":
                codes.append((487, "Request Terminated", int(2 + 6 * noise(f"t487{trunk}", ago))))
                codes.append((404, "Not Found", int(2 * noise(f"t404{trunk}", ago))))
            else:
                codes.append((486, "Busy Here", int(3 + 7 * noise(f"t486{trunk}", ago))))
                codes.append((480, "Temporarily Unavailable", int(3 * noise(f"t480{trunk}", ago))))
            if carrier == "Amberline" and AMB_OUTAGE[0] <= ago <= AMB_OUTAGE[1]:
                codes = [(503, "Service Unavailable", int(attempts * (0.93 + 0.05 * noise(f"t503{trunk}", ago))))]
            failed = sum(c for _, _, c in codes)
            g729 = carrier == "Vextel" and ago <= ONSET
            mos = (3.7 if g729 else 4.2) + 0.2 * noise(f"tm{trunk}", ago)
            peak = min(channels, int(attempts * (0.9 + 0.2 * noise(f"tp{trunk}", ago)) * (1.25 if g729 else 1.0)))
            samples.append((trunk, iso(start), epoch, attempts, attempts - failed, failed, peak, round(mos, 2),
                             round(0.02 + 0.18 * noise(f"tl{trunk}", ago), 2)))  # fmt: skip
            failures.extend((trunk, epoch, code, reason, count) for code, reason, count in codes if count)
    return samples, failures


def _stt(now: datetime) -> list[tuple[Any, ...]]:
    """Voicebot speech-to-text sessions per language and audio codec in 5-minute samples over 24 hours."""
    rows: list[tuple[Any, ...]] = []
    for language, low in (("en-GB", 180), ("nl-NL", 60)):
        for ago in _SAMPLES:
            start = now - timedelta(minutes=ago)
            sessions = int(low + (40 if language == "en-GB" else 20) * noise(f"ss{language}", ago))
            g729 = int(sessions * (0.66 + 0.08 * noise(f"sg{language}", ago))) if language == "en-GB" else 0
            g729 = g729 if ago <= ONSET else 0
            for codec, n in (("PCMA", sessions - g729), ("G729", g729)):
                if not n:
                    continue
                bad = codec == "G729"
                pct = (31 + 7 * noise(f"sn{language}{codec}", ago)) if bad else (3 + 3 * noise(f"sn{language}", ago))
                no_match = round(n * pct / 100)
                conf = (
                    (0.58 + 0.08 * noise(f"sc{language}{codec}", ago))
                    if bad
                    else 0.86 + 0.05 * noise(f"sc{language}", ago)
                )
                rows.append((language, codec, iso(start), int(start.timestamp()), n, n - no_match, no_match,
                             round(conf, 2)))  # fmt: skip
    return rows


def _queues(now: datetime) -> list[tuple[Any, ...]]:
    """15-minute queue intervals over 24 hours."""
    rows: list[tuple[Any, ...]] = []
    for queue, *_, low, spread in QUEUES:
        for ago in _INTERVALS:
            start = now - timedelta(minutes=ago)
            offered = low + spread * noise(f"qo{queue}", ago)
            hit = ago <= ONSET
            if hit and queue == "q-general-uk":
                offered *= 2.3
                sl = 31 + 14 * noise(f"qs{queue}", ago)
                asa = 140 + 70 * noise(f"qa{queue}", ago)
                aband = 18 + 8 * noise(f"qb{queue}", ago)
                longest = 480 + 240 * noise(f"ql{queue}", ago)
            else:
                if hit and queue in _MISROUTED:
                    offered *= 0.75
                sl = 82 + 10 * noise(f"qs{queue}", ago)
                asa = 10 + 10 * noise(f"qa{queue}", ago)
                aband = 1.5 + 2.5 * noise(f"qb{queue}", ago)
                longest = 60 + 80 * noise(f"ql{queue}", ago)
            n = int(offered)
            abandoned = round(n * aband / 100)
            answered = n - abandoned
            rows.append((queue, iso(start), int(start.timestamp()), n, answered, abandoned, round(n * sl / 100),
                         int(asa), int(longest), int(270 + 90 * noise(f"qh{queue}", ago))))  # fmt: skip
    return rows


def _daily(now: datetime) -> list[tuple[Any, ...]]:
    """Daily totals per queue for the 14 full days before today."""
    rows: list[tuple[Any, ...]] = []
    today = now.replace(hour=0, minute=0)
    for queue, *_, low, spread in QUEUES:
        for d in range(1, 15):
            day = today - timedelta(days=d)
            offered = int((low + spread / 2) * 96 * (0.95 + 0.1 * noise(f"d{queue}", d)))
            if queue == "q-cards-uk":
                offered = CARDS_DAILY.get(d, int(1900 + 100 * noise("dcards", d)))
            abandoned = round(offered * (0.02 + 0.015 * noise(f"da{queue}", d)))
            rows.append((queue, f"{day:%Y-%m-%d}", int(day.timestamp()), offered, offered - abandoned, abandoned,
                         round(83 + 7 * noise(f"ds{queue}", d), 1)))  # fmt: skip
    return rows


def _staffing(now: datetime) -> list[tuple[Any, ...]]:
    """Agents per team in 15-minute intervals over 24 hours."""
    rows: list[tuple[Any, ...]] = []
    for team, scheduled in TEAMS.items():
        for ago in _INTERVALS:
            start = now - timedelta(minutes=ago)
            sched = scheduled - 2 if team == "uk-general" and ago <= 100 else scheduled
            logged = sched - (1 if noise(f"wl{team}", ago) < 0.3 else 0)
            aux = 1 + int(2 * noise(f"wx{team}", ago))
            wrap = 1 + int(2 * noise(f"ww{team}", ago))
            busy = team == "uk-general" and ago <= ONSET
            available = 0 if busy else max(0, 1 + int(4 * noise(f"wa{team}", ago)))
            on_call = max(0, logged - aux - wrap - available)
            rows.append((team, iso(start), int(start.timestamp()), sched, logged, available, on_call, wrap, aux))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    db.executemany("INSERT INTO sbcs VALUES (?,?,?,?,?,?)", SBCS)
    db.executemany("INSERT INTO trunks VALUES (?,?,?,?,?,?,?,?)", [(*t[:7], t[9]) for t in TRUNKS])
    samples, failures = _trunks(now)
    db.executemany("INSERT INTO trunk_samples VALUES (?,?,?,?,?,?,?,?,?)", samples)
    db.executemany("INSERT INTO sip_failures VALUES (?,?,?,?,?)", failures)
    db.executemany("INSERT INTO queues VALUES (?,?,?,?,?,?,?,?)", [q[:8] for q in QUEUES])
    db.executemany("INSERT INTO queue_intervals VALUES (?,?,?,?,?,?,?,?,?,?)", _queues(now))
    db.executemany("INSERT INTO queue_daily VALUES (?,?,?,?,?,?,?)", _daily(now))
    db.executemany("INSERT INTO wallboard VALUES (?,?,?,?,?,?,?)", [(q, iso(now), *rest) for q, *rest in WALLBOARD])
    db.executemany("INSERT INTO staffing VALUES (?,?,?,?,?,?,?,?,?)", _staffing(now))
    db.executemany("INSERT INTO ivr_flows VALUES (?,?,?,?,?,?,?)", IVR_FLOWS)
    db.executemany("INSERT INTO stt_samples VALUES (?,?,?,?,?,?,?,?)", _stt(now))
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(i, c, t, s, b, a, who, ago(m), epoch(m), ref) for i, c, t, s, b, a, who, m, ref in CHANGES],
    )
    db.executemany(
        "INSERT INTO releases VALUES (?,?,?,?,?,?,?,?,?)",
        [(i, c, tg, f, t, ago(m), epoch(m), ago(m - took), st) for i, c, tg, f, t, m, took, st in RELEASES],
    )
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?)",
        [(i, p, st, t, who, ago(o), ago(r)) for i, p, st, t, who, o, r in INCIDENTS],
    )
    db.executemany(
        "INSERT INTO rota VALUES (?,?,?,?)", [(r, p, s, iso(now + timedelta(hours=h))) for r, p, s, h in ROTA]
    )
    db.executemany("INSERT INTO runbooks VALUES (?,?,?)", RUNBOOKS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "telephony and contact-centre operations store"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
