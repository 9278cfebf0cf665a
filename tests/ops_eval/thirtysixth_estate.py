"""A thirtysixth estate, held out from the planner's tuning: Skellan Cloud's S3-compatible object storage in regions
``lds1`` (Leeds, AZs ``lds1-a`` .. ``lds1-c``), ``lhr2`` (London) and ``ams3`` (Amsterdam), one endpoint each
(``s3.lds1.skellan.cloud``); 42 storage nodes (``stn-lds1-b-009``) of 12 disks (``d01`` .. ``d12``, serials like
``ZHX0A7Q3``), erasure sets (``es-ams3-0117``), rebalancer jobs ``RBL-0581``, lifecycle runs ``LCR-77140``, rollouts
``RO-0093``, changes ``CHG-20411``, incidents ``INC-30418``, tickets ``SUP-118204``, accounts ``acct-00417``, remote
hands jobs ``DCW-5517``, hardware events ``HWE-66410``, the NOC log ``LOG-91520``, runbooks ``RUN-STO-011``.

Written blind (without reading the planner, its tests or any set's results). The story (minutes before the build,
minute-aligned; endpoint samples every 5 minutes for 24 hours ending T-2m, T-7m, ...; replication every 5 minutes
ending T-1m, ...; node I/O every 10 minutes for 12 hours ending T-4m, ...; repair queue every 15 minutes for 24 hours
ending T-8m, ...; throttling per account hourly ending T-5m, ...; SMART daily at T-30m, T-1d-30m, ... for 14 days;
on-call weeks from Monday 09:00 UTC and 12-hour NOC shifts from 07:00 / 19:00 UTC, the story's people on now):

- T-1600m CHG-20398: new nodes stn-lds1-c-019 .. 022 join lds1-c; RBL-0581 starts (4 moves, 200 MB/s per node).
- T-165m CHG-20411 (Joss Ferreira): lds1 rebalancer 16 moves per node, no cap. lds1 disks 32-55% -> 91-99% busy from
  the samples ending T-154m; s3.lds1 GET p99 48-72 -> 410-640 ms, 503 SlowDown <= 0.03% -> 2.1-3.4% from the sample
  ending T-152m; alert T-149m, SEV2 INC-30418 T-146m (IC Saskia Renwick, SRE Maren Oduya); T-131m firmware RO-0093
  (lds1-a, T-320m .. T-262m) ruled out; T-118m tied to CHG-20411; lds1->lhr2 lag 4-14 s -> 460 s (over 300 s from
  T-56m); Fernhollow Media most throttled; T-40m emergency revert CHG-20416 approved for T+10m.
- T-410m stn-ams3-a-003 d05 (ZHX0A7Q3, predicted to fail 3 days ago, swap DCW-5517 waiting for parts) fails:
  es-ams3-0117 / 0121 at 5 of 6 shards, ams3 repair queue 18,400 shards draining to about 6,900, RBL-0579 paused,
  SEV3 INC-30415; T-30m d09 (ZHX0A7R1) predicted to fail too; both swapped at T+180m.
- lhr2 GC of T-620m failed at T-540m (lock timeout, 41%): CHG-20409 (T-1800m) moved it into the expiry window.
- red herrings: CHG-20407, CHG-20410, CHG-20413, stn-lhr2-b-006 on one PSU, Tarnbeck over its rate limit at T-11h.

No API reports costs, billing, egress, network links, power, gateway CPU, forecasts or paging acks; there is no fra1,
no stn-lds1-b-013, no INC-30481. :func:`build` writes the SQLite file; :func:`register` registers the APIs.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import EstateClock, iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtysixth_apis import APIS, RUNBOOKS, SCHEMA

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "skellan_objstore"
DAY = 1440
#: CHG-20411; node disks saturated (samples ending before); endpoint spike (samples ending before); lag climbs
CHG_20411, SATURATED, ONSET, LAG_FROM = 165, 160, 155, 150
DISK_FAIL, REBUILD = 410, 405
FAILED, PREDICTED, NODE = "ZHX0A7Q3", "ZHX0A7R1", "stn-ams3-a-003"
#: az -> node numbers, facility
AZS = {
    "lds1-a": (range(1, 7), "Kirkstall LDS1 hall A"), "lds1-b": (range(7, 13), "Kirkstall LDS1 hall B"),
    "lds1-c": (range(13, 23), "Kirkstall LDS1 hall C"), "lhr2-a": (range(1, 5), "Park Royal LHR2 hall A"),
    "lhr2-b": (range(5, 9), "Park Royal LHR2 hall B"), "lhr2-c": (range(9, 13), "Park Royal LHR2 hall C"),
    "ams3-a": (range(1, 5), "Sloterdijk AMS3 hall A"), "ams3-b": (range(5, 9), "Sloterdijk AMS3 hall B"),
}  # fmt: skip
CITY = {"lds1": "Leeds", "lhr2": "London", "ams3": "Amsterdam"}
NEW_NODES = [f"stn-lds1-c-{n:03d}" for n in range(19, 23)]
#: node -> state, since (minutes ago), note
NODE_NOW = {
    **{n: ("JOINING", 1600, "new node (CHG-20398): receiving data from RBL-0581") for n in NEW_NODES},
    NODE: ("DEGRADED", DISK_FAIL, f"disk d05 ({FAILED}) failed; d09 ({PREDICTED}) predicted to fail; swap DCW-5517"),
    "stn-lhr2-b-006": ("MAINTENANCE", 600, "PSU B failed, running on PSU A, serving normally; PSU swap DCW-5519"),
}
#: endpoint metrics, normal and in the spike: req/s, get p50, get p99, put p99, 5xx %, 503 %
REQ: dict[str, tuple[float, float]] = {"lds1": (11800, 14600), "lhr2": (18000, 22500), "ams3": (6200, 7900)}
NORMAL: dict[str, tuple[float, float]] = {"p50": (9, 14), "p99": (48, 72), "put": (85, 120), "5xx": (0.01, 0.04),
                                          "503": (0.0, 0.03)}  # fmt: skip
SPIKE: dict[str, tuple[float, float]] = {"req": (10200, 11900), "p50": (22, 35), "p99": (410, 640),
                                         "put": (900, 1400), "5xx": (0.12, 0.31), "503": (2.1, 3.4)}  # fmt: skip
#: account, name, plan, home region, quota TB, used TB, rate limit req/s, TAM, requests per hour (M), throttled
#: share after the onset
ACCOUNTS = [
    ("acct-00291", "Tarnbeck Games", "Business", "ams3", 300, 212.4, 4000, "Hana Reyes", 5.1, 0.0),
    ("acct-00388", "Brackwater Logistics", "Business", "lds1", 400, 251.7, 5000, "Owen Farrant", 4.3, 0.018),
    ("acct-00417", "Fernhollow Media", "Enterprise", "lds1", 2400, 1912.6, 12000, "Owen Farrant", 10.2, 0.071),
    ("acct-00452", "Pellucid Analytics", "Enterprise", "lds1", 800, 604.2, 8000, "Hana Reyes", 12.6, 0.024),
    ("acct-00468", "Ravensgate Insurance", "Enterprise", "lds1", 600, 377.9, 6000, "Owen Farrant", 3.2, 0.012),
    ("acct-00502", "Quillmoor Health", "Enterprise", "lhr2", 500, 486.3, 5000, "Hana Reyes", 6.8, 0.0),
    ("acct-00533", "Oriel Schools Trust", "Standard", "lhr2", 120, 64.8, 1500, "Owen Farrant", 1.1, 0.0),
    ("acct-00610", "Kestle Robotics", "Business", "ams3", 250, 98.5, 3000, "Hana Reyes", 2.4, 0.0),
]  # fmt: skip
#: bucket, account, region, objects (M), size TB, quota TB, versioning, lifecycle, replication
BUCKETS = [
    ("fhm-raw-ingest", "acct-00417", "lds1", 41.2, 821.4, 900, "enabled", "expire after 30 d; abort MPU after 7 d",
     "lhr2"),
    ("fhm-master-archive", "acct-00417", "lds1", 18.7, 1091.2, None, "enabled", "none", "lhr2"),
    ("qmh-pacs-archive", "acct-00502", "lhr2", 310.5, 416.7, 420, "enabled", "noncurrent versions expire 90 d",
     "none"),
    ("qmh-reports", "acct-00502", "lhr2", 22.1, 69.6, 100, "suspended", "expire after 400 d", "none"),
    ("pla-events-lake", "acct-00452", "lds1", 902.3, 512.8, 700, "disabled", "expire after 180 d", "lhr2"),
    ("pla-dashboards", "acct-00452", "lds1", 3.4, 91.4, None, "disabled", "none", "lhr2"),
    ("bwl-edi-archive", "acct-00388", "lds1", 120.6, 251.7, 400, "enabled", "expire after 7 y", "none"),
    ("rgi-claims-docs", "acct-00468", "lds1", 66.0, 377.9, 450, "enabled", "noncurrent versions expire 30 d", "none"),
    ("tbg-assets-cdn", "acct-00291", "ams3", 9.8, 148.2, 200, "disabled", "none", "lhr2"),
    ("tbg-player-saves", "acct-00291", "ams3", 512.0, 64.2, 80, "enabled", "noncurrent versions expire 14 d",
     "none"),
    ("ost-coursework", "acct-00533", "lhr2", 14.5, 64.8, 120, "enabled", "expire after 3 y", "none"),
    ("ksr-telemetry", "acct-00610", "ams3", 220.4, 98.5, 150, "disabled", "expire after 90 d", "lhr2"),
]  # fmt: skip
#: hardware events: minutes ago, node, serial, kind, detail
HW_EVENTS = [
    (10 * DAY + 300, "stn-lhr2-a-002", "ZHX9TQ0B", "disk_failed", "d08 failed (media errors); replaced 9 days ago"),
    (5 * DAY + 200, "stn-lds1-b-009", "ZHX5M2K8", "disk_failed", "d11 failed (no response); es-lds1 sets rebuilt"),
    (4 * DAY + 100, "stn-lds1-b-009", "", "disk_replaced", "d11 replaced (old ZHX5M2K8)"),
    (3 * DAY + 200, "stn-lhr2-c-011", "ZHX2W8N4", "disk_failed", "d03 failed (media errors); INC-30407"),
    (3 * DAY + 30, NODE, FAILED, "disk_predicted_fail", "d05 SMART predicted failure: reallocated sectors 1460; "
     "proactive swap DCW-5517 raised, parts on order"),
    (2 * DAY + 300, "stn-lhr2-c-011", "", "disk_replaced", "d03 replaced (old ZHX2W8N4), DCW-5510"),
    *[(1600, n, "", "node_joined", "joined lds1-c (CHG-20398)") for n in NEW_NODES],
    (600, "stn-lhr2-b-006", "", "psu_fault", "PSU B failed (no output); running on PSU A"),
    (DISK_FAIL, NODE, FAILED, "disk_failed", "d05 failed: media errors, dropped; es-ams3-0117 and es-ams3-0121 at "
     "5 of 6 shards, rebuild started"),
    (30, NODE, PREDICTED, "disk_predicted_fail", "d09 SMART predicted failure: pending sectors 232"),
]  # fmt: skip
#: SMART of the story's disks by k (days ago, 13..1 or ..0): reallocated, pending, media errors
SMART_STORY = {
    FAILED: ([8, 8, 16, 40, 96, 180, 310, 520, 780, 1100, 1460, 1920, 2480],
             [0, 0, 0, 8, 16, 24, 40, 64, 88, 120, 160, 210, 268], [0] * 10 + [2, 5, 11]),
    PREDICTED: ([0] * 11 + [24, 72, 212], [0] * 11 + [16, 88, 232], [0] * 14),
}  # fmt: skip
#: rollout, component, from, to, stage, scope, status, started, finished (minutes ago; negative: ahead), done,
#: total, change, note
ROLLOUTS = [
    ("RO-0091", "strata-osd", "9.12.4", "9.13.0", "1 of 1", "ams3 (8 nodes)", "completed", 2 * DAY + 300,
     2 * DAY + 180, 8, 8, "CHG-20402", "one node at a time; no errors"),
    ("RO-0094", "strata-gw", "3.18.2", "3.18.3", "1 of 1", "lhr2 gateways (6)", "completed", 480, 430, 6, 6,
     "CHG-20410", "gateway memory fix"),
    ("RO-0093", "disk firmware Halvorn HX18e", "SN05", "SN06a", "1 of 3", "lds1-a (6 nodes)", "completed", 320, 262,
     6, 6, "CHG-20407", "fixes a rare read retry timeout; one node at a time; lds1-a disk latency normal after"),
    ("RO-0093", "disk firmware Halvorn HX18e", "SN05", "SN06a", "2 of 3", "lhr2-a (4 nodes)", "scheduled",
     -DAY - 300, None, 0, 4, "CHG-20407", ""),
    ("RO-0095", "strata-osd", "9.12.4", "9.13.0", "1 of 2", "lhr2 (12 nodes)", "scheduled", -2 * DAY - 120, None, 0,
     12, "CHG-20419", ""),
]  # fmt: skip
#: change, title, region, kind, risk, state, requested, implemented by, approver, raised, planned, implemented,
#: updated (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("CHG-20398", "lds1-c capacity expansion: stn-lds1-c-019 .. 022 join (+1,056 TB raw), rebalance RBL-0581",
     "lds1", "capacity", "medium", "implemented", "Joss Ferreira (storage capacity)", "Joss Ferreira",
     "storage change board", 6 * DAY, 1600, 1600, 1600, "rebalancer at the defaults: 4 moves, 200 MB/s per node"),
    ("CHG-20402", "ams3 strata-osd 9.12.4 -> 9.13.0 (RO-0091)", "ams3", "software", "medium", "implemented",
     "Lucia Ferrante", "Lucia Ferrante", "storage change board", 5 * DAY, 2 * DAY + 300, 2 * DAY + 300,
     2 * DAY + 180, ""),
    ("CHG-20407", "Disk firmware HX18e SN05 -> SN06a, stage 1: lds1-a (RO-0093)", "lds1", "firmware", "medium",
     "implemented", "Piet Vandermolen", "Piet Vandermolen", "storage change board", 3 * DAY, 320, 320, 262,
     "6 of 6 nodes; stage 2 (lhr2-a) next"),
    ("CHG-20409", "lhr2 GC window 2 hours later (less overlap with customers' backup ingest)", "lhr2", "config",
     "low", "implemented", "Gideon Platt", "Gideon Platt", "storage change board", 4 * DAY, 1800, 1800, 1800, ""),
    ("CHG-20410", "lhr2 gateways strata-gw 3.18.2 -> 3.18.3 (RO-0094)", "lhr2", "software", "low", "implemented",
     "Hollis Achebe", "Hollis Achebe", "storage change board", 2 * DAY, 480, 480, 430, ""),
    ("CHG-20411", "lds1 rebalancer: max moves per node 4 -> 16, bandwidth cap 200 MB/s -> none (RBL-0581)", "lds1",
     "config", "low", "implemented", "Joss Ferreira (storage capacity)", "Joss Ferreira",
     "pre-approved standard change", 200, CHG_20411, CHG_20411, CHG_20411,
     "to finish RBL-0581 before the weekend; backout: 4 moves, 200 MB/s"),
    ("CHG-20413", "s3.ams3.skellan.cloud TLS certificate renewal", "ams3", "network", "low", "implemented",
     "Hollis Achebe", "Hollis Achebe", "network change board", 2 * DAY, 220, 220, 220, "no client impact"),
    ("CHG-20414", "acct-00502 quota 500 -> 600 TB, bucket qmh-pacs-archive 420 -> 520 TB", "lhr2", "account", "low",
     "approved", "Ilse Marchetti", None, "Hana Reyes (TAM)", 1320, -120, None, 900, "SUP-118199"),
    ("CHG-20416", "Emergency: revert CHG-20411 (lds1 rebalancer back to 4 moves, 200 MB/s per node)", "lds1",
     "emergency", "low", "approved", "Maren Oduya", None, "Saskia Renwick (incident commander)", 45, -10, None, 40,
     "INC-30418; applied once the rebalancer checkpoints its in-flight moves (about 50 minutes)"),
]  # fmt: skip
#: incident, severity, title, region, opened, mitigated, resolved (minutes ago), status, commander, impact, summary
INCIDENTS = [
    ("INC-30399", "SEV3", "lhr2 intermittent 502s during load balancer maintenance", "lhr2", 9 * DAY + 200,
     9 * DAY + 150, 9 * DAY + 60, "resolved", "Noor Haddad", "0.4% of lhr2 requests 502 for 50 minutes", ""),
    ("INC-30407", "SEV4", "stn-lhr2-c-011 disk d03 failed", "lhr2", 3 * DAY + 195, 3 * DAY + 190, 2 * DAY + 290,
     "resolved", "Idris Calloway", "none", "rebuilt in 9 hours; disk swapped (DCW-5510)"),
    ("INC-30415", "SEV3", f"{NODE} disk d05 failed: 2 erasure sets at 5 of 6 shards", "ams3", REBUILD, None, None,
     "mitigating", "Piet Vandermolen", "none: no data loss, reads served from parity",
     f"{FAILED} was predicted to fail 3 days ago (DCW-5517 waiting for parts); rebuild running, RBL-0579 paused; "
     f"{PREDICTED} (d09) predicted to fail too; both swapped at {{T+180m}}"),
    ("INC-30418", "SEV2", "lds1 high latency and 503 SlowDown", "lds1", 146, None, None, "identified",
     "Saskia Renwick", "s3.lds1 GET p99 about 8x normal, 2-3% of requests 503 SlowDown; lds1->lhr2 replication lag",
     "cause: CHG-20411 (rebalancer 16 moves per node, no cap) saturates lds1's disks; fix: CHG-20416 at {T+10m}"),
]  # fmt: skip
#: incident, minutes ago, author, entry
UPDATES = [
    ("INC-30415", 405, "Ben Okonjo", f"opened SEV3: {NODE} d05 ({FAILED}) failed, es-ams3-0117 and es-ams3-0121 at "
     "5 of 6 shards; paged storage SRE"),
    ("INC-30415", 390, "Piet Vandermolen", "rebuild running at 140-165 MB/s; RBL-0579 paused so it does not compete"),
    ("INC-30415", 25, "Piet Vandermolen", f"d09 ({PREDICTED}) on the same node now predicted to fail too (pending "
     "sectors 232): added to DCW-5517, both disks swapped at {T+180m}"),
    ("INC-30418", 149, "alertmanager", "s3.lds1 GET p99 above 250 ms for 5 minutes; 503 SlowDown 2.6%"),
    ("INC-30418", 146, "Yusra Kelleher", "opened SEV2; paged storage SRE Maren Oduya and IC Saskia Renwick"),
    ("INC-30418", 131, "Maren Oduya", "not RO-0093's firmware: it only touched lds1-a, which stayed normal for 100 "
     "minutes after it, and lds1-b and lds1-c are as slow as lds1-a; no gateway change in lds1"),
    ("INC-30418", 118, "Maren Oduya", "lds1 disks 91-99% busy since {T-160m}, rebalance traffic 610-790 MB/s per "
     "node: CHG-20411 ({T-165m}) lets RBL-0581 run 16 moves per node with no cap; client I/O starved"),
    ("INC-30418", 104, "Ilse Marchetti", "SUP-118204 (Fernhollow Media) and SUP-118206 (Ravensgate Insurance) linked"),
    ("INC-30418", 75, "Saskia Renwick", "status page: degraded performance in lds1"),
    ("INC-30418", 56, "Maren Oduya", "lds1->lhr2 replication lag over 300 s (RUN-STO-014); SUP-118207 linked"),
    ("INC-30418", 40, "Saskia Renwick", "emergency revert CHG-20416 approved: rebalancer back to 4 moves, 200 MB/s "
     "at {T+10m}, after the in-flight moves checkpoint"),
]  # fmt: skip
#: ticket, account, region, subject, priority, status, opened, updated (minutes ago), incident, latest
TICKETS = [
    ("SUP-118195", "acct-00291", "ams3", "ListObjectsV2 slow on tbg-player-saves", "P4", "pending_customer",
     2 * DAY + 400, 2 * DAY + 100, "", "advised prefixes or S3 inventory; waiting for the customer"),
    ("SUP-118199", "acct-00502", "lhr2", "qmh-pacs-archive nearly full: quota increase", "P3", "open", 1320, 900, "",
     "CHG-20414 approved: quota 600 TB, bucket 520 TB, applied at {T+120m}"),
    ("SUP-118201", "acct-00610", "ams3", "Are our objects safe? degraded notice for ams3", "P3", "solved", 300, 260,
     "INC-30415", "no data loss: 5 of 6 shards online, rebuild running; all objects readable"),
    ("SUP-118204", "acct-00417", "lds1", "503 SlowDown on multipart uploads to fhm-raw-ingest", "P2", "open", 138, 30,
     "INC-30418", "linked to INC-30418; advised exponential backoff; the fix (revert of CHG-20411) at {T+10m}"),
    ("SUP-118206", "acct-00468", "lds1", "slow GETs on rgi-claims-docs", "P3", "open", 120, 100, "INC-30418",
     "linked to INC-30418"),
    ("SUP-118207", "acct-00452", "lds1", "replicas in lhr2 behind, dashboards stale", "P3", "open", 95, 55,
     "INC-30418", "lds1->lhr2 replication lag from INC-30418: catches up after the fix"),
]  # fmt: skip
#: job, region, site, node, task, status, scheduled (minutes ago; negative: ahead), technician, note
DC_JOBS = [
    ("DCW-5510", "lhr2", "Park Royal LHR2 hall C", "stn-lhr2-c-011", "swap failed disk d03", "done", 2 * DAY + 300,
     "Brentmoor DC Services", "INC-30407"),
    ("DCW-5519", "lhr2", "Park Royal LHR2 hall B", "stn-lhr2-b-006", "replace PSU B", "scheduled", -90,
     "Brentmoor DC Services", "node running on PSU A"),
    ("DCW-5517", "ams3", "Sloterdijk AMS3 hall A", NODE, f"swap disks d05 ({FAILED}, failed) and d09 ({PREDICTED}, "
     "predicted fail)", "scheduled", -180, "Ardent Remote Hands (Joost Verhaar)", "raised 3 days ago for d05's SMART "
     "prediction, parts in stock now; d09 added {T-25m}"),
    ("DCW-5524", "lds1", "Kirkstall LDS1 hall C", "stn-lds1-c-019 .. 022", "second 100G uplink for the new nodes",
     "scheduled", -2 * DAY - 200, "Kirkstall site team", ""),
]  # fmt: skip
#: minutes ago, author, role, text
LOG = [
    (1800, "Gideon Platt", "storage SRE", "CHG-20409 done: lhr2 GC starts 2 hours later from its next run"),
    (1600, "Joss Ferreira", "storage capacity", "CHG-20398 done: stn-lds1-c-019 .. 022 joined lds1-c; RBL-0581 "
     "started (4 moves, 200 MB/s per node, about 9 days)"),
    (600, "Ben Okonjo", "NOC shift lead", "stn-lhr2-b-006 PSU B failed, running on PSU A; DCW-5519 booked"),
    (540, "Ben Okonjo", "NOC shift lead", "lhr2 GC run failed at 41%: lock timeout on index shard ix-lhr2-07, "
     "held by the lifecycle expiry run"),
    (480, "Hollis Achebe", "network on call", "RO-0094 started: strata-gw 3.18.3 on the lhr2 gateways (CHG-20410)"),
    (430, "Hollis Achebe", "network on call", "RO-0094 done, 6 of 6 gateways, no errors"),
    (DISK_FAIL, "Ben Okonjo", "NOC shift lead", f"{NODE} d05 ({FAILED}) failed; rebuild started; RBL-0579 paused"),
    (320, "Piet Vandermolen", "storage SRE", "RO-0093 stage 1 started: SN06a on lds1-a (CHG-20407)"),
    (262, "Piet Vandermolen", "storage SRE", "RO-0093 stage 1 done: 6 of 6 lds1-a nodes, no disk errors"),
    (220, "Hollis Achebe", "network on call", "CHG-20413 done: s3.ams3 TLS certificate renewed"),
    (CHG_20411, "Joss Ferreira", "storage capacity", "CHG-20411 done: lds1 rebalancer 16 moves per node, no "
     "bandwidth cap, to finish RBL-0581 before the weekend"),
    (148, "Yusra Kelleher", "NOC shift lead", "alert: s3.lds1 GET p99 above 250 ms, SlowDown 503s 2.6%"),
    (146, "Yusra Kelleher", "NOC shift lead", "INC-30418 opened SEV2; paged Maren Oduya (storage SRE) and Saskia "
     "Renwick (IC)"),
    (131, "Maren Oduya", "storage SRE on call", "not the firmware (RO-0093 only on lds1-a, normal for 100 minutes "
     "after it; lds1-b and lds1-c as slow); no gateway change in lds1"),
    (118, "Maren Oduya", "storage SRE on call", "lds1 disks 91-99% busy, rebalance 610-790 MB/s per node since "
     "CHG-20411: the rebalancer starves client I/O"),
    (56, "Maren Oduya", "storage SRE on call", "lds1->lhr2 replication lag over 300 s"),
    (40, "Saskia Renwick", "incident commander", "CHG-20416 approved: revert CHG-20411 at {T+10m}"),
    (25, "Piet Vandermolen", "storage SRE", f"{PREDICTED} (d09, {NODE}) predicted to fail; added to DCW-5517"),
]  # fmt: skip
ROTAS = {
    "storage-sre": [("primary", ["Idris Calloway", "Maren Oduya", "Piet Vandermolen", "Lucia Ferrante"]),
                    ("secondary", ["Lucia Ferrante", "Piet Vandermolen", "Idris Calloway", "Maren Oduya"])],
    "incident-commander": [("primary", ["Noor Haddad", "Saskia Renwick", "Gideon Platt", "Noor Haddad"])],
    "network": [("primary", ["Femi Adeyemi", "Hollis Achebe", "Femi Adeyemi", "Hollis Achebe"])],
    "customer-escalations": [("primary", ["Kit Amsel", "Ilse Marchetti", "Kit Amsel", "Ilse Marchetti"])],
    "dc-ops": [("primary", ["Rhian Pugh", "Conor Tiernan", "Rhian Pugh", "Conor Tiernan"])],
}  # fmt: skip
SHIFT_LEADS = ["Tove Lindqvist", "Ben Okonjo", "Yusra Kelleher", "Ruairi Dempsey"]
PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(SHIFT_LEADS))
MOBILES = {p: f"+44 7700 900{300 + i:03d}" for i, p in enumerate(PEOPLE)}


def _ins(db: sqlite3.Connection, table: str, rows: list[Any]) -> None:
    db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _ibetween(lo: float, hi: float, key: str, i: int) -> int:
    return int(lo + (hi - lo) * noise(key, i))


def _txt(text: str, now: datetime) -> str:
    """``text`` with ``{T+10m}`` / ``{T-160m}`` replaced by the clock time (``HH:MM`` UTC)."""
    return re.sub(r"\{T([+-]\d+)m\}", lambda m: f"{now + timedelta(minutes=int(m.group(1))):%H:%M}", text)


def _nodes() -> list[tuple[str, str, str, int]]:
    """(node, region, az, number) of every storage node."""
    return [(f"stn-{az}-{n:03d}", az[:4], az, n) for az, (numbers, _) in AZS.items() for n in numbers]


def _serial(node: str, slot: str) -> str:
    code, out = zlib.crc32(f"{node}/{slot}".encode()), ""
    for _ in range(5):
        code, r = divmod(code, 36)
        out += "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ00"[r]
    return ("ZHY" if node in NEW_NODES else "ZHX") + out


def _inventory(clock: EstateClock) -> tuple[list[Any], list[Any], list[Any]]:
    """Nodes, disks and their SMART history."""
    ago, now = clock.ago, clock.now
    nodes, disks, smart = [], [], []
    for node, region, az, n in _nodes():
        new = node in NEW_NODES
        used = _between(9, 14, node, 0) if new else _between(*{"lds1": (78, 84), "lhr2": (61, 70),
                                                                "ams3": (55, 66)}[region], node, 0)  # fmt: skip
        state, since, note = NODE_NOW.get(node, ("IN_SERVICE", 400 * DAY, ""))
        model = "Tessaro SX4212 (12 x 22 TB)" if new else "Tessaro SX4012 (12 x 18 TB)"
        nodes.append((node, region, az, f"{az}-r{(n + 1) // 2:02d}", model, 12, 264 if new else 216, used,
                      "9.13.0" if region == "ams3" else "9.12.4", state, ago(since), note))  # fmt: skip
        for d in range(1, 13):
            slot = f"d{d:02d}"
            serial = {(NODE, "d05"): FAILED, (NODE, "d09"): PREDICTED}.get((node, slot), _serial(node, slot))
            fw = "TB02" if new else "SN06a" if az == "lds1-a" else "SN05"
            dstate, dsince, dnote, first = "OK", 1600 if new else 400 * DAY, "", 13
            if serial == FAILED:
                dstate, dsince, dnote = "FAILED", DISK_FAIL, "media errors, dropped; swap DCW-5517"
            elif serial == PREDICTED:
                dstate, dsince, dnote = "PREDICTED_FAIL", 30, "pending sectors growing; swap DCW-5517"
            elif (node, slot) in (("stn-lds1-b-009", "d11"), ("stn-lhr2-c-011", "d03")):
                dsince = 4 * DAY + 100 if node == "stn-lds1-b-009" else 2 * DAY + 300
                dnote, first = "replacement disk", 3 if node == "stn-lds1-b-009" else 2
            elif new:
                first = 1
            disks.append((node, slot, serial, "Halvorn HX22" if new else "Halvorn HX18e", fw, 22 if new else 18,
                          dstate, ago(dsince), dnote))  # fmt: skip
            poh = 20 if first < 13 else _ibetween(18000, 30000, serial, 0)
            for k in range(first, -1, -1):
                if serial == FAILED and k == 0:
                    continue
                t = now - timedelta(minutes=30 + DAY * k)
                story = SMART_STORY.get(serial)
                realloc, pending, media = (s[13 - k] for s in story) if story else (8 * (noise(serial, 1) > 0.9), 0, 0)
                flag = "yes" if (serial == FAILED and k <= 3) or (serial == PREDICTED and k == 0) else ""
                smart.append((serial, node, slot, iso(t), int(t.timestamp()), poh + 24 * (first - k),
                              _ibetween(31, 41, serial + "t", k), realloc, pending, media, flag))  # fmt: skip
    return nodes, disks, smart


def _series(clock: EstateClock) -> dict[str, list[Any]]:
    """Endpoint, node I/O, repair queue, replication and throttling samples."""
    now, out = clock.now, {key: list[Any]() for key in ("ep", "io", "rq", "rep", "thr")}

    def stamp(m: int) -> tuple[str, int]:
        t = now - timedelta(minutes=m)
        return iso(t), int(t.timestamp())

    for region in ("lds1", "lhr2", "ams3"):
        for k in range(288):
            m, key = 2 + 5 * k, region + "ep"
            spike = region == "lds1" and m < ONSET
            r = SPIKE if spike else {**NORMAL, "req": REQ[region]}
            out["ep"].append((f"s3.{region}.skellan.cloud", region, *stamp(m), _ibetween(*r["req"], key + "r", k),
                              _ibetween(*r["p50"], key + "5", k), _ibetween(*r["p99"], key + "9", k),
                              _ibetween(*r["put"], key + "p", k), _between(*r["5xx"], key + "x", k, 2),
                              _between(*r["503"], key + "s", k, 2)))  # fmt: skip
            m = 1 + 5 * k
            pairs = {"lds1": "lds1->lhr2", "lhr2": "lhr2->lds1", "ams3": "ams3->lhr2"}
            lag = _ibetween(4, 14, region + "lag", k) if region != "lhr2" else _ibetween(3, 11, "lhr2lag", k)
            if region == "lds1" and m < LAG_FROM:
                lag = int(40 + (LAG_FROM - m) * 420 / (LAG_FROM - 1))
            elif region == "lhr2" and m < LAG_FROM:
                lag = _ibetween(12, 28, "lhr2lag2", k)
            out["rep"].append((pairs[region], *stamp(m), lag, lag * 880 + _ibetween(0, 900, region + "bl", k)))
        for k in range(96):
            m = 8 + 15 * k
            queued, rate = _ibetween(20, 110, region + "q", k), _ibetween(2, 12, region + "qr", k)
            oldest = _ibetween(1, 15, region + "qo", k)
            if region == "ams3" and m < REBUILD:
                queued = 18400 - 29 * (REBUILD - m) + _ibetween(0, 60, "ams3q2", k)
                rate, oldest = _ibetween(140, 165, "ams3qr2", k), REBUILD - m
            out["rq"].append((region, *stamp(m), queued, rate, oldest))
    for node, region, az, _n in _nodes():
        for k in range(72):
            m = 4 + 10 * k
            busy = _between(*{"lds1": (32, 55), "lhr2": (28, 50), "ams3": (30, 52)}[region], node + "b", k)
            reb = _ibetween(150, 200, node + "r", k) if region == "lds1" else 0
            rep = _ibetween(0, 5, node + "p", k)
            if region == "lds1" and m < SATURATED:
                busy, reb = _between(91, 99, node + "b2", k), _ibetween(610, 790, node + "r2", k)
            if region == "ams3":
                reb = _ibetween(90, 120, node + "r", k) if m > 400 else 0
                if m < REBUILD:
                    busy, rep = _between(55, 70, node + "b3", k), _ibetween(80, 140, node + "p2", k)
            if node == NODE and m < DISK_FAIL:
                rep = 0
            out["io"].append((node, region, az, *stamp(m), busy, reb, rep))
    for acct, _name, _p, region, _q, _u, _l, _t, per_hour, share in ACCOUNTS:
        for k in range(24):
            m = 5 + 60 * k
            requests = int(per_hour * 1e6 * (0.9 + 0.2 * noise(acct + "rq", k)))
            frac = 0.0001 + 0.0002 * noise(acct + "th", k)
            if share and m < ONSET:
                frac = share * (0.5 if m + 60 > ONSET else 1.0)
            if acct == "acct-00291" and 600 <= m <= 730:
                frac = 0.041
            out["thr"].append((acct, region, *stamp(m), requests, int(requests * frac)))
    return out


def _lifecycle(clock: EstateClock) -> list[tuple[Any, ...]]:
    """Daily expiry and GC runs per region, 14 days; lhr2's GC 2 hours later since CHG-20409 (T-1800m)."""
    items = []
    starts = {"lds1": {"expiry": 700, "gc": 560}, "lhr2": {"expiry": 600, "gc": 740}, "ams3": {"expiry": 660,
              "gc": 520}}  # fmt: skip
    for region, kinds in starts.items():
        for kind, start in kinds.items():
            for k in range(14):
                m = k * DAY + start
                if region == "lhr2" and kind == "gc" and m < 1800:
                    m -= 120
                dur = _ibetween(95, 130, region + kind, k) if kind == "expiry" else _ibetween(60, 90, region + kind, k)
                objects = _ibetween(1.2e6, 4.8e6, region + kind + "o", k)
                reclaimed, status, note = _between(0.8, 6.5, region + kind + "t", k, 2), "succeeded", ""
                if region == "lhr2" and kind == "gc" and k == 0:
                    dur, status, objects, reclaimed = 80, "failed", int(objects * 0.41), 0.38
                    note = "lock timeout on index shard ix-lhr2-07 (held by the lifecycle expiry run); stopped at 41%"
                items.append((m, region, kind, m - dur, status, objects, reclaimed, note))
    items.sort(key=lambda x: -x[0])
    return [(f"LCR-{77000 + n}", r, kd, clock.ago(m), clock.epoch(m), clock.ago(e), st, o, rc, nt)
            for n, (m, r, kd, e, st, o, rc, nt) in enumerate(items)]  # fmt: skip


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour NOC shifts from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, person in enumerate(SHIFT_LEADS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("day" if s.hour == 7 else "night", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()),
                     person, MOBILES[person]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    nodes, disks, smart = _inventory(clock)
    assert len({d[2] for d in disks}) == len(disks), "disk serials must be unique"
    counts = {az: len(numbers) for az, (numbers, _) in AZS.items()}
    _ins(db, "zones", [(az[:4], CITY[az[:4]], az, fac, f"s3.{az[:4]}.skellan.cloud", counts[az], "available")
                       for az, (_, fac) in AZS.items()])  # fmt: skip
    _ins(db, "nodes", nodes)
    _ins(db, "disks", disks)
    _ins(db, "smart", smart)
    _ins(db, "hw_events", [(f"HWE-{66400 + i}", ago(m), epoch(m), node[4:8], node, s, kind, d)
                           for i, (m, node, s, kind, d) in enumerate(HW_EVENTS)])  # fmt: skip
    series = _series(clock)
    for table, key in (("endpoint_samples", "ep"), ("node_io", "io"), ("repair_samples", "rq"),
                       ("replication_samples", "rep"), ("throttle_hourly", "thr")):  # fmt: skip
        _ins(db, table, series[key])
    sets = []
    for region, base, count, scheme, total in (("lds1", 401, 24, "EC8+4", 12), ("lhr2", 801, 18, "EC8+4", 12),
                                               ("ams3", 101, 24, "EC4+2", 6)):  # fmt: skip
        for n in range(base, base + count):
            sid = f"es-{region}-{n:04d}"
            hit = sid in ("es-ams3-0117", "es-ams3-0121")
            sets.append((sid, region, scheme, total, total - hit, "degraded" if hit else "healthy",
                         ago(REBUILD if hit else 40 * DAY), {"es-ams3-0117": 64, "es-ams3-0121": 58}.get(sid),
                         f"{NODE} d05 ({FAILED})" if hit else "",
                         "rebuild running (INC-30415)" if hit else ""))  # fmt: skip
    _ins(db, "erasure_sets", sets)
    _ins(db, "rebalance_jobs", [
        ("RBL-0577", "lhr2", "disk replacement wave (lhr2-b)", ago(9 * DAY), epoch(9 * DAY), "completed", 100, 96.0,
         0.0, 4, 200, "CHG-20385", "completed 6 days ago"),
        ("RBL-0579", "ams3", "AZ balance after RO-0091", ago(2 * DAY), epoch(2 * DAY), "paused", 47, 21.6, 24.4, 4,
         200, "CHG-20402", "paused at " + _txt("{T-400m}", now) + " for the rebuild (INC-30415)"),
        ("RBL-0581", "lds1", "lds1-c expansion: fill stn-lds1-c-019 .. 022", ago(1600), epoch(1600), "running", 31,
         117.9, 262.4, 16, 0, "CHG-20411", "defaults 4 moves / 200 MB/s until CHG-20411"),
    ])  # fmt: skip
    _ins(db, "accounts", [a[:8] for a in ACCOUNTS])
    _ins(db, "buckets", [(*b[:6], None if b[5] is None else round(100 * b[4] / b[5], 1), *b[6:]) for b in BUCKETS])
    _ins(db, "lifecycle", _lifecycle(clock))
    _ins(db, "rollouts", [(*r[:7], ago(r[7]), epoch(r[7]), ago(r[8]), *r[9:]) for r in ROLLOUTS])
    _ins(db, "changes", [(*c[:9], epoch(c[9]), ago(c[10]), ago(c[11]), None if c[11] is None else epoch(c[11]),
                          epoch(c[12]), c[13]) for c in CHANGES])  # fmt: skip
    _ins(db, "incidents", [(i, s, t, r, ago(o), epoch(o), ago(mi), ago(re_), st, c, imp, _txt(summ, now))
                           for i, s, t, r, o, mi, re_, st, c, imp, summ in INCIDENTS])  # fmt: skip
    _ins(db, "incident_updates", [(i, ago(m), epoch(m), a, _txt(e, now)) for i, m, a, e in UPDATES])
    names = {a[0]: a[1] for a in ACCOUNTS}
    _ins(db, "tickets", [(t, a, names[a], r, s, p, st, ago(o), epoch(o), ago(u), epoch(u), inc, _txt(lt, now))
                         for t, a, r, s, p, st, o, u, inc, lt in TICKETS])  # fmt: skip
    _ins(db, "dc_jobs", [(j, r, si, n, tk, st, ago(s), epoch(s), te, _txt(nt, now))
                         for j, r, si, n, tk, st, s, te, nt in DC_JOBS])  # fmt: skip
    _ins(db, "runbooks", RUNBOOKS)
    _ins(db, "ops_log", [(f"LOG-{91500 + i}", ago(m), epoch(m), a, r, _txt(t, now))
                         for i, (m, a, r, t) in enumerate(LOG)])  # fmt: skip
    _ins(db, "oncall", weekly_rota(now, ROTAS, MOBILES, 9))
    _ins(db, "shifts", _shifts(now))
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Skellan Cloud object storage operations: regions, nodes, disks, endpoints, erasure sets, changes"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
