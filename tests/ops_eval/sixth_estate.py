"""A sixth estate, held out from the planner's tuning: a CI/CD platform with runners, pipelines and releases.

Written without reading the planner. Names and APIs are unlike the other estates': projects are paths
``quill/billing-svc`` (the release history names the same service ``billing-svc``), runners ``rnr-lx-04``
in pools ``linux-large | linux-small | arm64 | macos``, pipelines ``pl-50412``, merge requests ``!2214``,
CI config changes ``CFG-77``, releases ``RL-2291`` of versions ``2.31.0``, build-infra tickets ``BLD-318``,
playbooks ``PB-CI-1``, test names ``IndexerIT.reindexBatchTimeout``. Runner state is
``online | paused | offline | terminated``; pipeline status ``success | failed | canceled | running |
pending``; release status ``succeeded | failed | rolled_back | in_progress``. Windows come in several
forms: ``started_after`` / ``since`` (RFC 3339), ``since_epoch`` (unix seconds), ``from_day`` (a date),
``since_hours`` (a number) and ``window`` (an enum ``1h | 6h | 24h``); limits are ``max_rows``, ``last_n``
and ``limit``; search parameters are ``name_like``, ``q``, ``terms``, ``keywords`` and ``test_contains``.
:mod:`tests.ops_eval.sixth_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned):

- T-20h10m ``CFG-74`` adds an ``e2e-playwright`` stage to quill/web-frontend's pipeline (lucia, with MR
  ``!3310``): its builds go from 9-12 minutes of execution to 16-19 from the T-20h05m pipeline on;
- T-5h02m ``!2214`` "bump opensearch-java 2.8.0 -> 2.11.1" (amara) is merged into quill/search-indexer;
  every search-indexer pipeline on main since (the first created at T-5h) fails in ``test``:
  ``IndexerIT.reindexBatchTimeout`` (SocketTimeoutException). One earlier failure (T-9h) was the known
  flaky ``SnapshotCleanupTest.deletesOldSnapshots``; ``!2211`` (docs only) was merged at T-7h;
- T-165m ``CFG-77``: the linux-large autoscaler's max_runners goes 8 -> 3 (oleg, "cut idle spend");
  rnr-lx-04..08 are terminated; T-150m the onset: linux-large's p95 queue wait goes from 0.5-3 minutes to
  18-35 and queued jobs from 0-4 to 25-60, so billing-svc, search-indexer and web-frontend pipelines wait
  18-35 minutes before they start (their execution time does not change);
- T-2h ``CFG-78`` refreshes the arm64 base image (after the onset, another pool: not a cause);
  T-100m ``BLD-318`` "pipelines stuck in pending on linux-large" (P2, open, sasha);
- T-70m ``RL-2291`` deploys billing-svc 2.31.0 (with migration 0142) to prod; it is rolled back: the
  readiness probe failed while migration 0142_invoice_currency waited for a table lock; T-52m ``RL-2292``
  redeploys 2.30.4; auth-gateway 1.9.2 went to prod at T-65m (``RL-2290``, unrelated);
- rnr-arm-03 is paused (disk errors), rnr-mac-02 has been offline since T-51h (``BLD-309``); quill/mobile-app
  uses 188 of its 200 GB artifact quota (``BLD-301``).

No API reports costs or CI minutes billed, code coverage, runner CPU or memory, MR approvals or reviews,
image vulnerability scans, per-test durations or log retention.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, noise, register_sql_estate
from tests.ops_eval.sixth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "PROJECTS", "build", "register"]

DATA_SOURCE = "quillci"

PROJECTS = [
    # project, team, default branch, language, runner pool, minutes between pipelines, offset, duration (s)
    ("quill/billing-svc", "payments-dev", "main", "go", "linux-large", 30, 15, (390, 510)),
    ("quill/search-indexer", "search-core", "main", "java", "linux-large", 30, 0, (660, 840)),
    ("quill/web-frontend", "web-platform", "main", "typescript", "linux-large", 20, 5, (540, 720)),
    ("quill/mobile-app", "mobile-eng", "develop", "kotlin", "macos", 60, 10, (1320, 1680)),
    ("quill/infra-tf", "build-infra", "main", "hcl", "linux-small", 180, 25, (120, 240)),
    ("quill/auth-gateway", "identity", "main", "rust", "arm64", 120, 40, (300, 420)),
]
#: pool -> (p95 queue wait in minutes: base, spread) outside the incident
QUEUE_P95 = {"linux-large": (0.5, 2.5), "linux-small": (0.2, 1.3), "arm64": (2.5, 3.0), "macos": (3.0, 6.0)}
#: pool -> (queued seconds: base, spread) of a pipeline outside the incident
QUEUED_S = {"linux-large": (30, 150), "linux-small": (10, 70), "arm64": (150, 180), "macos": (180, 360)}
HORIZON_MIN = 36 * 60

MAX_RUNNERS_CUT = timedelta(minutes=165)
QUEUE_ONSET = timedelta(minutes=150)
BUMP_MERGED = timedelta(hours=5, minutes=2)
SEARCH_RED = 300  # minutes: the first failing search-indexer pipeline
E2E_FROM = 1205  # minutes: the first web-frontend pipeline with the e2e stage

_TIMEOUT = "java.net.SocketTimeoutException: 30000 ms timeout waiting for bulk response from opensearch"
#: (project, minutes ago) -> (failed stage, test or '', message); search-indexer's red run is added in code
FAILURES: dict[tuple[str, int], tuple[str, str, str]] = {
    ("quill/billing-svc", 435): ("lint", "", "golangci-lint: ineffectual assignment to err (ineffassign) in "
                                 "ledger/retry.go"),
    ("quill/billing-svc", 945): ("build", "", "go mod download: dial tcp: i/o timeout"),
    ("quill/billing-svc", 1815): ("test", "TestInvoiceTotals/zero_lines", "expected 0.00, got -0.00"),
    ("quill/search-indexer", 540): ("test", "SnapshotCleanupTest.deletesOldSnapshots",
                                    "expected 0 snapshots after cleanup, found 1"),
    ("quill/search-indexer", 1620): ("test", "SnapshotCleanupTest.deletesOldSnapshots",
                                     "expected 0 snapshots after cleanup, found 1"),
    ("quill/web-frontend", 245): ("e2e-playwright", "e2e/checkout.spec.ts > applies coupon",
                                  "Timeout 5000ms exceeded waiting for selector [data-test=coupon-total]"),
    ("quill/web-frontend", 605): ("e2e-playwright", "e2e/checkout.spec.ts > applies coupon",
                                  "Timeout 5000ms exceeded waiting for selector [data-test=coupon-total]"),
    ("quill/mobile-app", 370): ("test", "LoginFlowTest.biometricPrompt", "expected dialog to be shown"),
}  # fmt: skip
CANCELED = {("quill/web-frontend", 845)}

RUNNERS = [
    # runner, pool, arch, state, version, last contact (minutes ago), running jobs, note
    *[(f"rnr-lx-0{i}", "linux-large", "amd64", "online", "16.11.0", 1, 1, "") for i in (1, 2, 3)],
    *[(f"rnr-lx-0{i}", "linux-large", "amd64", "terminated", "16.11.0", 160 + i // 2, 0,
       "terminated by autoscaler (scale-in)") for i in (4, 5, 6, 7, 8)],
    *[(f"rnr-ls-0{i}", "linux-small", "amd64", "online", "16.11.0", 1, 0, "") for i in (1, 2, 3, 4)],
    ("rnr-arm-01", "arm64", "arm64", "online", "16.11.0", 1, 1, ""),
    ("rnr-arm-02", "arm64", "arm64", "online", "16.11.0", 2, 0, ""),
    ("rnr-arm-03", "arm64", "arm64", "paused", "16.11.0", 3, 0, "paused by kwame: disk errors on /builds"),
    ("rnr-mac-01", "macos", "arm64", "online", "16.10.1", 1, 1, ""),
    ("rnr-mac-02", "macos", "arm64", "offline", "16.10.1", 51 * 60, 0, ""),
]  # fmt: skip
FLAKY = [
    # project, test, runs in 14 days, flaky failures, quarantined, owner
    ("quill/web-frontend", "e2e/checkout.spec.ts > applies coupon", 410, 47, "no", "lucia"),
    ("quill/search-indexer", "SnapshotCleanupTest.deletesOldSnapshots", 220, 13, "no", "deniz"),
    ("quill/mobile-app", "LoginFlowTest.biometricPrompt", 300, 18, "no", "hugo"),
    ("quill/billing-svc", "TestLedgerRetry/conflict_after_timeout", 690, 21, "yes", "marta"),
    ("quill/auth-gateway", "jwks::tests::refresh_race", 160, 2, "no", "marek"),
]
QUOTAS = [("quill/mobile-app", 188, 200), ("quill/search-indexer", 61, 100), ("quill/billing-svc", 42, 100),
          ("quill/web-frontend", 77, 150), ("quill/auth-gateway", 9, 50), ("quill/infra-tf", 2, 20)]  # fmt: skip
ROTATIONS = [("build-infra", "sasha", "oleg", 7), ("release-eng", "wenjie", "marta", 30),
             ("search-core", "deniz", "amara", 12), ("mobile-eng", "hugo", "ines", 50)]  # fmt: skip
PLAYBOOKS = [
    ("PB-CI-1", "Jobs stuck in pending / long queue wait",
     "Check the pool's queue wait and busy runners; compare the online runners with the autoscaler's "
     "max_runners and look for recent CI config changes on the pool; raise max_runners or move jobs to "
     "another pool."),
    ("PB-CI-4", "Quarantining a flaky test",
     "Add the test to .ci/quarantine.yml with its owner and a ticket; quarantined tests still run but no "
     "longer fail the pipeline. Fix or delete it within 14 days."),
    ("PB-REL-2", "Rolling back a production release",
     "Redeploy the previous release to prod from the release history. If the release carried a schema "
     "migration, check that the migration is backward compatible before rolling back."),
    ("PB-ART-3", "Artifact storage above 90% of quota",
     "Run the cleanup policy: expire untagged images older than 30 days and keep the last 10 tags per image. "
     "Ask build-infra for a quota increase only after the cleanup."),
    ("PB-CI-6", "Runner not reconnecting",
     "Re-register the runner with a new token and check its clock; macOS runners need the login keychain "
     "unlocked after an OS update."),
]  # fmt: skip


def _sha(key: str) -> str:
    return f"{zlib.crc32(key.encode()):08x}"[:7]


def _pipelines(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every project's pipelines over 36 hours (ids in creation order) and the failed tests they logged."""
    runs: list[tuple[int, str, str, str, str, str, int, int]] = []
    for project, _, branch, _, pool, every, offset, (lo, hi) in PROJECTS:
        for ago in range(offset, HORIZON_MIN, every):
            created = now - timedelta(minutes=ago)
            qbase, qspread = QUEUED_S[pool]
            queued = qbase + int(qspread * noise("q" + project, ago))
            if pool == "linux-large" and created >= now - QUEUE_ONSET:
                queued = 1080 + int(1020 * noise("qhot" + project, ago))
            duration = lo + int((hi - lo) * noise("d" + project, ago))
            if project == "quill/web-frontend" and ago <= E2E_FROM:
                duration = 960 + int(180 * noise("e2e", ago))
            status = "success"
            if project == "quill/search-indexer" and ago <= SEARCH_RED:
                status, duration = "failed", 420 + int(120 * noise("red", ago))
            elif (project, ago) in FAILURES:
                status = "failed"
            elif (project, ago) in CANCELED:
                status = "canceled"
            runs.append((ago, project, branch, pool, status, _sha(f"{project}:{ago}"), queued, duration))
    runs.sort(key=lambda r: (-r[0], r[1]))
    pipelines: list[tuple[Any, ...]] = []
    tests: list[tuple[Any, ...]] = []
    for n, (ago, project, branch, pool, status, sha, queued_for, ran_for) in enumerate(runs):
        pid = f"pl-{50000 + n}"
        created = now - timedelta(minutes=ago)
        if project == "quill/search-indexer" and ago == SEARCH_RED:
            sha = "9e41c0d"  # !2214's merge commit
        stage = ""
        finished: datetime | None = None
        waited: int | None = queued_for
        took: int | None = ran_for
        if created + timedelta(seconds=queued_for) > now:
            status, waited, took = "pending", None, None
        elif created + timedelta(seconds=queued_for + ran_for) > now:
            status, took = "running", None
        else:
            finished = created + timedelta(seconds=queued_for + ran_for)
        if status == "failed" and finished is not None:
            if project == "quill/search-indexer" and ago <= SEARCH_RED:
                stage, test, message = "test", "IndexerIT.reindexBatchTimeout", _TIMEOUT
            else:
                stage, test, message = FAILURES[(project, ago)]
            if test:
                tests.append((project, pid, test, stage, iso(finished), int(finished.timestamp()), message))
        trigger = "schedule" if project == "quill/infra-tf" else "push"
        pipelines.append((pid, project, branch, sha, trigger, status, stage, iso(created), int(created.timestamp()),
                          waited, took, iso(finished) if finished else None, pool))  # fmt: skip
    return pipelines, tests


def _queue_wait(now: datetime) -> list[tuple[Any, ...]]:
    """Per pool, every 5 minutes for 24 hours: p50 / p95 queue wait (minutes), queued jobs, busy runners."""
    rows: list[tuple[Any, ...]] = []
    for step in range(24 * 12):
        t = now - timedelta(minutes=5 * step)
        for pool, (base, spread) in QUEUE_P95.items():
            p95 = base + spread * noise("w" + pool, step)
            queued = int(5 * noise("qj" + pool, step))
            busy = {"linux-large": 5 + int(4 * noise("b", step)), "linux-small": 1 + int(3 * noise("bs", step)),
                    "arm64": 1 + int(2 * noise("ba", step)), "macos": 1}[pool]  # fmt: skip
            if pool == "linux-large":
                if t >= now - MAX_RUNNERS_CUT:
                    busy = 3
                if t >= now - QUEUE_ONSET:
                    p95 = 18 + 17 * noise("whot", step)
                    queued = 25 + int(36 * noise("qjhot", step))
            rows.append((pool, iso(t), int(t.timestamp()), round(p95 * 0.45, 1), round(p95, 1), queued, busy))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE projects (project TEXT PRIMARY KEY, team TEXT, default_branch TEXT, language TEXT,
                               runner_pool TEXT);
        CREATE TABLE runners (runner_id TEXT PRIMARY KEY, pool TEXT, arch TEXT, state TEXT, version TEXT,
                              last_contact TEXT, running_jobs INTEGER, note TEXT);
        CREATE TABLE queue_wait (pool TEXT, ts TEXT, ts_epoch INTEGER, wait_p50_min REAL, wait_p95_min REAL,
                                 queued_jobs INTEGER, busy_runners INTEGER);
        CREATE TABLE pipelines (pipeline_id TEXT PRIMARY KEY, project TEXT, ref TEXT, sha TEXT, trigger TEXT,
                                status TEXT, failed_stage TEXT, created_at TEXT, created_epoch INTEGER,
                                queued_s INTEGER, duration_s INTEGER, finished_at TEXT, runner_pool TEXT);
        CREATE TABLE test_failures (project TEXT, pipeline_id TEXT, test_name TEXT, stage TEXT, failed_at TEXT,
                                    failed_epoch INTEGER, message TEXT);
        CREATE TABLE flaky_tests (project TEXT, test_name TEXT, runs_14d INTEGER, flaky_failures_14d INTEGER,
                                  quarantined TEXT, owner TEXT);
        CREATE TABLE merges (project TEXT, mr TEXT, title TEXT, author TEXT, merged_at TEXT, merge_sha TEXT,
                             target_branch TEXT);
        CREATE TABLE ci_changes (change_id TEXT PRIMARY KEY, scope TEXT, setting TEXT, old_value TEXT,
                                 new_value TEXT, changed_at TEXT, changed_epoch INTEGER, author TEXT, reason TEXT);
        CREATE TABLE releases (release_id TEXT PRIMARY KEY, service TEXT, version TEXT, environment TEXT,
                               status TEXT, started_at TEXT, deployer TEXT, note TEXT);
        CREATE TABLE images (image TEXT, tag TEXT, digest TEXT, size_mb REAL, pushed_at TEXT);
        CREATE TABLE quotas (project TEXT PRIMARY KEY, used_gb REAL, quota_gb REAL);
        CREATE TABLE tickets (ticket TEXT PRIMARY KEY, priority TEXT, state TEXT, title TEXT, reporter TEXT,
                              assignee TEXT, opened_at TEXT);
        CREATE TABLE playbooks (playbook TEXT PRIMARY KEY, title TEXT, body TEXT);
        CREATE TABLE rotations (rotation TEXT PRIMARY KEY, primary_engineer TEXT, backup_engineer TEXT,
                                shift_until TEXT);
        """
    )

    def ago(**kw: float) -> str:
        return iso(now - timedelta(**kw))

    pipelines, tests = _pipelines(now)
    db.executemany("INSERT INTO projects VALUES (?,?,?,?,?)", [p[:5] for p in PROJECTS])
    db.executemany(
        "INSERT INTO runners VALUES (?,?,?,?,?,?,?,?)",
        [(r, p, a, s, v, ago(minutes=m), j, note) for r, p, a, s, v, m, j, note in RUNNERS],
    )
    db.executemany("INSERT INTO queue_wait VALUES (?,?,?,?,?,?,?)", _queue_wait(now))
    db.executemany("INSERT INTO pipelines VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", pipelines)
    db.executemany("INSERT INTO test_failures VALUES (?,?,?,?,?,?,?)", tests)
    db.executemany("INSERT INTO flaky_tests VALUES (?,?,?,?,?,?)", FLAKY)
    db.executemany("INSERT INTO quotas VALUES (?,?,?)", QUOTAS)
    db.executemany("INSERT INTO playbooks VALUES (?,?,?)", PLAYBOOKS)
    db.executemany(
        "INSERT INTO rotations VALUES (?,?,?,?)", [(r, p, b, iso(now + timedelta(hours=h))) for r, p, b, h in ROTATIONS]
    )
    db.executemany(
        "INSERT INTO merges VALUES (?,?,?,?,?,?,?)",
        [
            ("quill/search-indexer", "!2214", "bump opensearch-java 2.8.0 -> 2.11.1", "amara",
             iso(now - BUMP_MERGED), "9e41c0d", "main"),
            ("quill/search-indexer", "!2211", "docs: document the reindex flags", "deniz", ago(hours=7, minutes=3),
             _sha("quill/search-indexer:420"), "main"),
            ("quill/search-indexer", "!2209", "log slow bulk requests", "deniz", ago(hours=26, minutes=2),
             _sha("quill/search-indexer:1560"), "main"),
            ("quill/billing-svc", "!871", "add invoice currency column (migration 0142)", "marta",
             ago(hours=3, minutes=47), _sha("quill/billing-svc:225"), "main"),
            ("quill/billing-svc", "!869", "retry ledger writes on 409", "wenjie", ago(hours=50, minutes=17),
             _sha("!869"), "main"),
            ("quill/web-frontend", "!3310", "playwright e2e smoke suite", "lucia", ago(hours=20, minutes=7),
             _sha(f"quill/web-frontend:{E2E_FROM}"), "main"),
            ("quill/web-frontend", "!3316", "dark mode toggle in the header", "lucia", ago(hours=2, minutes=7),
             _sha("quill/web-frontend:125"), "main"),
            ("quill/auth-gateway", "!412", "rotate the jwks cache every 10m", "marek", ago(hours=4, minutes=42),
             _sha("quill/auth-gateway:280"), "main"),
        ],
    )  # fmt: skip
    changes = [
        ("CFG-69", "quill/billing-svc", "cache.key", "go.sum", "go.sum + runner image", timedelta(days=9), "oleg",
         "stale module cache after image refresh"),
        ("CFG-71", "linux-small", "runner.version", "16.10.1", "16.11.0", timedelta(days=6), "svc-fleet",
         "monthly runner upgrade"),
        ("CFG-74", "quill/web-frontend", "stages", "build,test,package", "build,test,e2e-playwright,package",
         timedelta(hours=20, minutes=10), "lucia", "run the e2e smoke suite on every main build"),
        ("CFG-77", "linux-large", "autoscaler.max_runners", "8", "3", MAX_RUNNERS_CUT, "oleg",
         "cut idle spend on large runners"),
        ("CFG-78", "arm64", "base_image", "ci-base:24.05", "ci-base:24.06", timedelta(hours=2), "svc-packer",
         "monthly image refresh"),
        ("CFG-80", "macos", "xcode_version", "15.3", "15.4", timedelta(minutes=30), "kwame", "iOS 17.5 SDK"),
    ]  # fmt: skip
    db.executemany(
        "INSERT INTO ci_changes VALUES (?,?,?,?,?,?,?,?,?)",
        [(c, s, k, o, n, iso(now - d), int((now - d).timestamp()), a, r) for c, s, k, o, n, d, a, r in changes],
    )
    rollback = ("rolled back: readiness probe failing while migration 0142_invoice_currency waited for a table "
                "lock on invoices")  # fmt: skip
    db.executemany(
        "INSERT INTO releases VALUES (?,?,?,?,?,?,?,?)",
        [
            ("RL-2279", "search-indexer", "5.3.2", "prod", "succeeded", ago(days=3), "deniz", "bulk retry backoff"),
            ("RL-2280", "billing-svc", "2.30.4", "prod", "succeeded", ago(days=2), "wenjie", "retry ledger writes"),
            ("RL-2283", "mobile-app", "3.8.0-rc1", "dev", "succeeded", ago(hours=26), "hugo", "internal test build"),
            ("RL-2284", "web-frontend", "7.12.0", "prod", "succeeded", ago(hours=18), "lucia", "new checkout page"),
            ("RL-2286", "billing-svc", "2.31.0", "staging", "succeeded", ago(hours=3), "wenjie",
             "invoice currency column (migration 0142)"),
            ("RL-2287", "auth-gateway", "1.9.2", "staging", "succeeded", ago(hours=3, minutes=30), "marek",
             "jwks cache rotation"),
            ("RL-2290", "auth-gateway", "1.9.2", "prod", "succeeded", ago(minutes=65), "marek", "jwks cache rotation"),
            ("RL-2291", "billing-svc", "2.31.0", "prod", "rolled_back", ago(minutes=70), "wenjie", rollback),
            ("RL-2292", "billing-svc", "2.30.4", "prod", "succeeded", ago(minutes=52), "wenjie", "rollback of RL-2291"),
            ("RL-2293", "web-frontend", "7.12.1", "staging", "in_progress", ago(minutes=10), "lucia",
             "dark mode toggle"),
        ],
    )  # fmt: skip
    images = [("billing-svc", "2.30.4", 176.2, timedelta(days=2, hours=1)),
              ("billing-svc", "2.31.0", 184.6, timedelta(hours=3, minutes=20)),
              ("search-indexer", "5.3.2", 412.9, timedelta(days=3, hours=2)),
              ("search-indexer", "5.4.0-rc1", 415.3, timedelta(hours=30)),
              ("web-frontend", "7.12.0", 88.1, timedelta(hours=18, minutes=30)),
              ("web-frontend", "7.12.1", 88.4, timedelta(minutes=25)),
              ("auth-gateway", "1.9.1", 31.7, timedelta(days=6)),
              ("auth-gateway", "1.9.2", 31.9, timedelta(hours=4)),
              ("ci-base", "24.05", 1210.0, timedelta(days=32)),
              ("ci-base", "24.06", 1264.5, timedelta(days=3))]  # fmt: skip
    db.executemany(
        "INSERT INTO images VALUES (?,?,?,?,?)",
        [(i, t, f"sha256:{zlib.crc32(f'{i}{t}'.encode()):08x}{_sha(t)}", s, iso(now - d)) for i, t, s, d in images],
    )
    db.executemany(
        "INSERT INTO tickets VALUES (?,?,?,?,?,?,?)",
        [
            ("BLD-318", "P2", "open", "pipelines stuck in pending on linux-large", "wenjie", "sasha",
             ago(minutes=100)),
            ("BLD-315", "P3", "in_progress", "search-indexer main red: IndexerIT.reindexBatchTimeout", "deniz",
             "amara", ago(hours=4)),
            ("BLD-309", "P4", "open", "rnr-mac-02 not reconnecting after macOS update", "hugo", "kwame",
             ago(days=2)),
            ("BLD-301", "P3", "open", "mobile-app artifact storage above 90%", "hugo", "oleg", ago(days=3)),
            ("BLD-296", "P4", "resolved", "web-frontend e2e videos not uploaded", "lucia", "sasha", ago(days=6)),
        ],
    )  # fmt: skip
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="CI/CD and release engineering store", apis=APIS
    )
