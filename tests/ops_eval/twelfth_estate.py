"""A twelfth estate, held out from the planner's tuning: an ML model-serving / inference platform (Wrenfield Inference).

Written blind (without reading the planner, its tests or any set's results). Names and APIs are unlike the other
estates': GPU node pools are ``gpu-pool-a100-euw4`` / ``gpu-pool-l4-use1`` / ``cpu-pool-c3-euw4`` (nodes
``gpu-h100-use1-n03``), models and versions are ``mdl-fraud-gbt/v43`` (slash), endpoints ``ep_fraud_score``
(underscores), feature views ``fv_item_popularity_15m``, rollouts ``ro-7c21``, change records ``CHG-000481``,
incident reviews ``IR-2026-118`` (``SEV2``, ``investigating``), batch jobs ``BJ-55107``, runbooks by path
(``rb/serving/canary-rollback``), people as handles (``hkaur``, ``dmitri.v``). Windows come as ``since`` /
``until`` (RFC 3339), ``window_minutes``, ``hours``, ``lookback_hours``, ``days``, a ``lookback`` enum (``15m |
1h | 3h | 6h`` or ``24h | 7d | 30d``) and an ISO 8601 ``window`` enum (``PT1H | PT6H | P1D | P7D``); searches take
``name_contains``, ``target_contains``, ``text`` and ``terms``. :mod:`tests.ops_eval.twelfth_apis` defines the APIs.

The story (times relative to when the estate is built, minute-aligned):

- T-2d ``CHG-000455`` doubles ep_img_moderation's max batch size (32 -> 64): CUDA OOMs, ``IR-2026-109`` (SEV3,
  resolved) and the revert ``CHG-000457``; T-53h batch job BJ-55095 fails (spot preemption), T-26h BJ-55099
  fails (executor OOM); T-21h BJ-55101 trains ``mdl-fraud-gbt/v43``, which reads a new feature view
  ``fv_device_graph_emb`` that is materialized offline only; T-20h ``IR-2026-112`` (SEV4, monitoring): ECC errors
  on gpu-h100-use1-n03, cordoned;
- all day ``fv_item_popularity_15m``'s lag creeps up from about 4 to about 13 minutes (its SLO is 20): a slow trend;
- T-560m .. T-525m: fv_user_txn_velocity_1h (read by the fraud model) stops materializing, its lag reaches 40
  minutes (``IR-2026-115``, consumer-group rebalance, resolved): a recovered blip, a red herring;
- T-6h ``CHG-000474`` finishes the rollout of mdl-reco-twotower/v9 on ep_reco_home; T-4h ``CHG-000476`` doubles
  ep_search_rank's scale-down cooldown; T-140m ``CHG-000479`` upgrades the NVIDIA driver on gpu-pool-l4-use1 (the
  L4 pool in the other region: a red herring);
- T-97m ``CHG-000481`` (hkaur) starts the canary ``ro-7c21``: mdl-fraud-gbt/v43 takes 5% of ep_fraud_score;
  from the 1-minute (and 5-minute) sample starting T-95m (the onset) v43's requests fall back to offline feature
  lookups (300-400 ms, 15-25% time out at 500 ms with 504): the endpoint's p99 goes from 38-55 ms to 380-470 ms
  (SLO 250 ms), its error rate from 0.05-0.3% to about 1%, its queue depth from 0-4 to 30-70, gpu-pool-l4-euw4's
  GPU utilization from 46-58% to 74-88%; the autoscaler scales 6 -> 12 replicas and hits its max at T-80m;
- T-82m ``IR-2026-118`` (SEV2, investigating, dmitri.v); T-72m ``CHG-000483`` raises the batch pool's max nodes
  (unrelated); T-55m ``CHG-000486`` (dmitri.v) raises ep_fraud_score's max replicas 12 -> 20; it scales to 18 and
  the queue shrinks to 10-25, but p99 stays high: more replicas do not make the canary faster (a response, not a
  fix; rb/serving/canary-rollback says to set the canary's weight to 0).

No API reports power draw, GPU temperatures, costs or billing, per-customer or per-user traffic, prompts or
payloads, or online model quality (precision, drift); there is no endpoint ep_credit_limit, no pool
gpu-pool-a10g-apse1 and no IR-2026-121.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate
from tests.ops_eval.twelfth_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "ENDPOINTS", "build", "register"]

DATA_SOURCE = "inferenceops"

CHANGED = 97  # minutes ago: CHG-000481 starts the v43 canary on ep_fraud_score
ONSET = 95  # minutes ago: the first 1-minute and 5-minute samples with canary traffic
MAX_RAISED = 55  # minutes ago: CHG-000486 raises ep_fraud_score's max replicas
TXN_STALL = (525, 560)  # minutes ago: fv_user_txn_velocity_1h's materializer stalled (sample starts)
DAY = 1440
CANARY = "mdl-fraud-gbt/v43"

POOLS = [
    # pool, region, accelerator, gpus per node, nodes, ready, cordoned, min, max, capacity, driver
    ("gpu-pool-a100-euw4", "europe-west4", "nvidia-a100-80gb", 4, 8, 8, "", 4, 12, "on-demand", "550.90.07"),
    ("gpu-pool-l4-euw4", "europe-west4", "nvidia-l4", 2, 10, 10, "", 6, 16, "on-demand", "550.90.07"),
    ("gpu-pool-l4-use1", "us-east1", "nvidia-l4", 2, 6, 6, "", 4, 10, "on-demand", "550.127.05"),
    ("gpu-pool-h100-use1", "us-east1", "nvidia-h100-80gb", 8, 4, 3, "gpu-h100-use1-n03", 4, 4, "reserved",
     "550.90.07"),
    ("gpu-pool-t4-euw4-batch", "europe-west4", "nvidia-t4", 1, 6, 6, "", 0, 24, "spot", "550.90.07"),
    ("cpu-pool-c3-euw4", "europe-west4", "none", 0, 12, 12, "", 8, 20, "on-demand", ""),
]  # fmt: skip
MODELS = [
    # model/version, framework, artifact MB, stage, created (minutes ago), created by, feature views read
    ("mdl-fraud-gbt/v41", "xgboost-2.0", 170, "archived", 40 * DAY, "hkaur", "fv_user_txn_velocity_1h"),
    ("mdl-fraud-gbt/v42", "xgboost-2.0", 180, "production", 13 * DAY, "hkaur",
     "fv_user_txn_velocity_1h,fv_merchant_risk_daily"),
    ("mdl-fraud-gbt/v43", "xgboost-2.0", 410, "canary", 21 * 60, "hkaur",
     "fv_user_txn_velocity_1h,fv_merchant_risk_daily,fv_device_graph_emb"),
    ("mdl-ranker/v16", "pytorch-2.3", 2300, "archived", 30 * DAY, "j.okafor", "fv_item_popularity_15m"),
    ("mdl-ranker/v17", "pytorch-2.3", 2350, "production", 6 * DAY, "j.okafor",
     "fv_item_popularity_15m,fv_session_ctx"),
    ("mdl-ranker/v18", "pytorch-2.4", 2410, "staging", 2 * DAY, "j.okafor", "fv_item_popularity_15m,fv_session_ctx"),
    ("mdl-reco-twotower/v8", "tensorflow-2.15", 950, "archived", 20 * DAY, "mbeaulieu", "fv_session_ctx"),
    ("mdl-reco-twotower/v9", "tensorflow-2.15", 980, "production", 3 * DAY, "mbeaulieu",
     "fv_session_ctx,fv_item_popularity_15m"),
    ("mdl-summarizer-7b/v3", "vllm-0.5", 14200, "production", 25 * DAY, "lwen", ""),
    ("mdl-vit-mod/v5", "tensorrt-10", 640, "production", 18 * DAY, "lwen", ""),
    ("mdl-eta-xgb/v28", "xgboost-2.0", 95, "production", 3 * DAY, "r.alvarez", "fv_courier_eta_feats"),
]  # fmt: skip
ENDPOINTS = [
    # endpoint, pool, stable, canary, canary %, timeout ms, SLO p99 ms, team, requests/min (low, spread),
    # p50, p95, p99 (low, spread)
    ("ep_fraud_score", "gpu-pool-l4-euw4", "mdl-fraud-gbt/v42", CANARY, 5, 500, 250, "risk-ml", 5200, 800,
     (9, 4), (22, 8), (38, 17)),
    ("ep_search_rank", "gpu-pool-a100-euw4", "mdl-ranker/v17", "", 0, 300, 150, "search-relevance", 8000, 1500,
     (18, 6), (45, 15), (80, 30)),
    ("ep_reco_home", "gpu-pool-l4-euw4", "mdl-reco-twotower/v9", "", 0, 400, 200, "reco", 3000, 600, (25, 7),
     (60, 15), (95, 35)),
    ("ep_chat_summarize", "gpu-pool-h100-use1", "mdl-summarizer-7b/v3", "", 0, 15000, 5000, "genai-platform", 140,
     50, (900, 300), (2100, 500), (3200, 700)),
    ("ep_img_moderation", "gpu-pool-l4-use1", "mdl-vit-mod/v5", "", 0, 1000, 300, "trust-safety", 700, 200,
     (35, 10), (80, 20), (120, 40)),
    ("ep_eta_predict", "cpu-pool-c3-euw4", "mdl-eta-xgb/v28", "", 0, 200, 80, "logistics-ml", 2100, 400, (6, 3),
     (14, 5), (22, 8)),
]  # fmt: skip
AUTOSCALERS = [
    # endpoint, min, max, metric, target, scale-up cooldown s, scale-down cooldown s, replicas now
    ("ep_fraud_score", 6, 20, "queue_depth_per_replica", 4, 60, 300, 18),
    ("ep_search_rank", 10, 32, "gpu_util_pct", 70, 60, 600, 14),
    ("ep_reco_home", 4, 16, "rps_per_replica", 900, 60, 300, 5),
    ("ep_chat_summarize", 3, 6, "queue_depth_per_replica", 8, 120, 900, 5),
    ("ep_img_moderation", 2, 8, "gpu_util_pct", 65, 60, 300, 3),
    ("ep_eta_predict", 4, 12, "cpu_util_pct", 60, 30, 300, 6),
]
SCALE_EVENTS = [
    # minutes ago, target, action, from, to, reason
    (1150, "gpu-pool-t4-euw4-batch", "pool_scale_down", 6, 0, "no pending pods for 10 min"),
    (700, "ep_search_rank", "scale_up", 12, 16, "gpu_util_pct 81 > target 70"),
    (400, "ep_img_moderation", "scale_down", 4, 3, "gpu_util_pct 41 < target 65"),
    (330, "ep_reco_home", "scale_down", 6, 5, "rps_per_replica 610 < target 900"),
    (300, "ep_chat_summarize", "scale_up", 4, 5, "queue_depth_per_replica 11 > target 8"),
    (230, "ep_search_rank", "scale_down", 16, 14, "gpu_util_pct 52 < target 70"),
    (91, "ep_fraud_score", "scale_up", 6, 8, "queue_depth_per_replica 7.9 > target 4"),
    (86, "ep_fraud_score", "scale_up", 8, 10, "queue_depth_per_replica 6.8 > target 4"),
    (81, "ep_fraud_score", "scale_up", 10, 12, "queue_depth_per_replica 5.6 > target 4"),
    (80, "ep_fraud_score", "at_max_replicas", 12, 12, "desired 15 capped at max_replicas 12"),
    (52, "gpu-pool-t4-euw4-batch", "pool_scale_up", 0, 6, "6 pending pods (BJ-55107)"),
    (54, "ep_fraud_score", "scale_up", 12, 16, "queue_depth_per_replica 5.1 > target 4"),
    (48, "ep_fraud_score", "scale_up", 16, 18, "queue_depth_per_replica 4.4 > target 4"),
]
FEATURE_VIEWS = [
    # view, entity, source, online, freshness SLO (minutes), TTL, consumers, lag (s: low, spread)
    ("fv_user_txn_velocity_1h", "user_id", "stream:kafka/txn-events", 1, 5, "2h", "mdl-fraud-gbt", 20, 40),
    ("fv_merchant_risk_daily", "merchant_id", "batch:bq/merchant_risk", 1, 2160, "48h", "mdl-fraud-gbt", 18000,
     3600),
    ("fv_device_graph_emb", "device_id", "batch:graph-embeddings", 0, 1440, "7d", "mdl-fraud-gbt/v43", 0, 0),
    ("fv_item_popularity_15m", "item_id", "stream:kafka/item-events", 1, 20, "1h",
     "mdl-ranker,mdl-reco-twotower", 240, 30),
    ("fv_session_ctx", "session_id", "stream:kafka/clickstream", 1, 2, "30m", "mdl-ranker,mdl-reco-twotower", 4, 8),
    ("fv_courier_eta_feats", "courier_id", "stream:kafka/courier-pings", 1, 5, "2h", "mdl-eta-xgb", 15, 30),
]  # fmt: skip
ROLLOUTS = [
    # id, endpoint, from, to, strategy, weight %, status, started (minutes ago), updated (minutes ago), note
    ("ro-7c21", "ep_fraud_score", "mdl-fraud-gbt/v42", CANARY, "canary", 5, "in_progress", CHANGED, CHANGED,
     "step 1 of 4 (5/25/50/100%); auto-promotes after 6 h of analysis"),
    ("ro-7b90", "ep_reco_home", "mdl-reco-twotower/v8", "mdl-reco-twotower/v9", "canary", 100, "completed", 600,
     360, "promoted after 4 h at 10%"),
    ("ro-7a55", "ep_eta_predict", "mdl-eta-xgb/v27", "mdl-eta-xgb/v28", "blue-green", 100, "completed", 3 * DAY,
     3 * DAY - 20, ""),
    ("ro-7a13", "ep_search_rank", "mdl-ranker/v16", "mdl-ranker/v17", "canary", 100, "completed", 5 * DAY,
     5 * DAY - 240, ""),
    ("ro-79f2", "ep_fraud_score", "mdl-fraud-gbt/v41", "mdl-fraud-gbt/v42", "canary", 100, "completed", 12 * DAY,
     12 * DAY - 360, ""),
]  # fmt: skip
CHANGES = [
    # id, kind, target, summary, before, after, author, minutes ago, ticket
    ("CHG-000455", "serving-config", "ep_img_moderation", "raise max batch size for throughput", "32", "64", "lwen",
     2 * DAY + 130, "TS-902"),
    ("CHG-000457", "serving-config", "ep_img_moderation", "revert max batch size (IR-2026-109)", "64", "32", "lwen",
     2 * DAY + 45, "IR-2026-109"),
    ("CHG-000470", "feature-store", "fv_merchant_risk_daily", "longer TTL so weekend backfills do not expire",
     "36h", "48h", "hkaur", 22 * 60, "ML-3301"),
    ("CHG-000474", "rollout", "ep_reco_home", "promote mdl-reco-twotower/v9 to 100% (ro-7b90)", "v8 90% / v9 10%",
     "v9 100%", "mbeaulieu", 360, "RECO-418"),
    ("CHG-000476", "autoscaler", "ep_search_rank", "slower scale-down to stop replica flapping",
     "scale_down_cooldown 300s", "scale_down_cooldown 600s", "t.osei", 240, "SRCH-207"),
    ("CHG-000479", "driver", "gpu-pool-l4-use1", "NVIDIA driver upgrade, rolling, max unavailable 1", "550.90.07",
     "550.127.05", "r.alvarez", 140, "GPU-118"),
    ("CHG-000481", "canary", "ep_fraud_score", "start canary ro-7c21 of mdl-fraud-gbt/v43 at 5%", "v42 100%",
     "v42 95% / v43 5%", "hkaur", CHANGED, "ML-3318"),
    ("CHG-000483", "batch", "gpu-pool-t4-euw4-batch", "raise max nodes for the item embedding refresh", "16", "24",
     "t.osei", 72, "DATA-771"),
    ("CHG-000486", "autoscaler", "ep_fraud_score", "raise max replicas to absorb the queue", "max_replicas 12",
     "max_replicas 20", "dmitri.v", MAX_RAISED, "IR-2026-118"),
]  # fmt: skip
INCIDENTS = [
    # id, severity, state, title, commander, opened (minutes ago), resolved (minutes ago)
    ("IR-2026-118", "SEV2", "investigating", "ep_fraud_score p99 above its 250 ms SLO, checkout sees 504s",
     "dmitri.v", 82, None),
    ("IR-2026-115", "SEV3", "resolved", "fv_user_txn_velocity_1h stale: materializer stuck after a consumer-group "
     "rebalance, lag up to 40 min", "t.osei", 550, 515),
    ("IR-2026-112", "SEV4", "monitoring", "gpu-h100-use1-n03 uncorrectable ECC errors, node cordoned, RMA "
     "requested", "r.alvarez", 20 * 60, None),
    ("IR-2026-109", "SEV3", "resolved", "ep_img_moderation CUDA out-of-memory on gpu-pool-l4-use1 after max batch "
     "size 64", "lwen", 2 * DAY + 110, 2 * DAY + 40),
]  # fmt: skip
BATCH_JOBS = [
    # id, job, pool, status, started (minutes ago), ended (minutes ago), rows, note
    ("BJ-55095", "emb-refresh-items", "gpu-pool-t4-euw4-batch", "failed", 53 * 60, 53 * 60 - 95, 8_100_000,
     "spot preemption: 4 of 6 nodes reclaimed, retries exhausted"),
    ("BJ-55099", "backfill-merchant-risk", "cpu-pool-c3-euw4", "failed", 26 * 60, 26 * 60 - 70, 31_000_000,
     "executor OOMKilled at 71%"),
    ("BJ-55101", "train-fraud-gbt", "gpu-pool-t4-euw4-batch", "succeeded", 21 * 60 + 150, 21 * 60, 412_000_000,
     "registered mdl-fraud-gbt/v43"),
    ("BJ-55102", "materialize-device-graph-emb", "cpu-pool-c3-euw4", "succeeded", 21 * 60 + 40, 21 * 60 - 20,
     96_000_000, "offline store only (online materialization not enabled)"),
    ("BJ-55104", "eval-fraud-gbt", "cpu-pool-c3-euw4", "succeeded", 20 * 60 + 30, 20 * 60, 9_800_000,
     "offline AUC v43 0.941 vs v42 0.936"),
    ("BJ-55105", "emb-refresh-items", "gpu-pool-t4-euw4-batch", "succeeded", 21 * 60 + 120, 19 * 60 + 20,
     24_500_000, ""),
    ("BJ-55107", "emb-refresh-items", "gpu-pool-t4-euw4-batch", "running", 50, None, 15_200_000, "62% done"),
    ("BJ-55108", "score-dormant-accounts", "cpu-pool-c3-euw4", "queued", 10, None, 0, "waiting for BJ-55107"),
]  # fmt: skip
RUNBOOKS = [
    ("rb/serving/canary-rollback", "Aborting a model canary",
     "If a canary version's p99 is more than twice the stable version's, or its error rate is above 1% for 10 "
     "minutes, abort the rollout: set the canary's traffic weight to 0 (mlctl rollout abort <rollout id>) so all "
     "traffic returns to the stable version, then page the model's owning team. Do not raise the autoscaler's "
     "max replicas to absorb a slow canary: more replicas do not make a slow model faster."),
    ("rb/features/online-materialization", "Feature views and online serving",
     "A model version that reads a feature view without online materialization falls back to offline store "
     "lookups, which take 200-400 ms per request instead of 2-5 ms. Enable online materialization and backfill "
     "the online store before a version that reads a new feature view takes any live traffic."),
    ("rb/features/stream-lag", "Streaming feature lag",
     "When a streaming feature view's lag exceeds its freshness SLO, check the materializer's consumer group for "
     "a rebalance loop and restart the materializer; models keep serving the last values until the TTL expires."),
    ("rb/gpu/ecc-errors", "GPU ECC errors",
     "Cordon a node with uncorrectable ECC errors, drain it, and request an RMA after three errors in 24 hours."),
    ("rb/gpu/driver-upgrade", "NVIDIA driver upgrades",
     "Upgrade one pool at a time, rolling with max unavailable 1; watch the pool's endpoints for 30 minutes."),
    ("rb/batch/spot-preemption", "Batch jobs on spot nodes",
     "Jobs on the spot batch pool checkpoint every 10 minutes; after a preemption rerun with --resume."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE pools (pool TEXT PRIMARY KEY, region TEXT, accelerator TEXT, gpus_per_node INTEGER,
                    nodes_total INTEGER, nodes_ready INTEGER, cordoned_nodes TEXT, min_nodes INTEGER,
                    max_nodes INTEGER, capacity_type TEXT, driver_version TEXT);
CREATE TABLE pool_util (pool TEXT, sample_start TEXT, sample_epoch INTEGER, nodes_ready INTEGER,
                        gpu_util_pct REAL, gpu_mem_pct REAL);
CREATE TABLE models (model_version TEXT PRIMARY KEY, model TEXT, version TEXT, framework TEXT,
                     artifact_mb INTEGER, stage TEXT, created_at TEXT, created_by TEXT, feature_views TEXT);
CREATE TABLE endpoints (endpoint TEXT PRIMARY KEY, pool TEXT, stable_version TEXT, canary_version TEXT,
                        canary_weight_pct INTEGER, timeout_ms INTEGER, slo_p99_ms INTEGER, owner_team TEXT);
CREATE TABLE latency_1m (endpoint TEXT, minute TEXT, minute_epoch INTEGER, requests INTEGER, p50_ms REAL,
                         p95_ms REAL, p99_ms REAL);
CREATE TABLE version_5m (endpoint TEXT, model_version TEXT, sample_start TEXT, sample_epoch INTEGER,
                         requests INTEGER, errors INTEGER, timeouts INTEGER, p50_ms REAL, p99_ms REAL);
CREATE TABLE errors_5m (endpoint TEXT, sample_start TEXT, sample_epoch INTEGER, requests INTEGER, errors INTEGER,
                        http_504 INTEGER, http_503 INTEGER, http_500 INTEGER);
CREATE TABLE queue_1m (endpoint TEXT, minute TEXT, minute_epoch INTEGER, replicas INTEGER, queue_depth INTEGER,
                       oldest_wait_ms INTEGER);
CREATE TABLE autoscalers (endpoint TEXT PRIMARY KEY, min_replicas INTEGER, max_replicas INTEGER, metric TEXT,
                          target REAL, scale_up_cooldown_s INTEGER, scale_down_cooldown_s INTEGER,
                          replicas_now INTEGER);
CREATE TABLE scale_events (at TEXT, at_epoch INTEGER, target TEXT, action TEXT, from_count INTEGER,
                           to_count INTEGER, reason TEXT);
CREATE TABLE feature_views (feature_view TEXT PRIMARY KEY, entity TEXT, source TEXT, online_enabled INTEGER,
                            freshness_slo_min INTEGER, ttl TEXT, consumers TEXT);
CREATE TABLE feature_lag (feature_view TEXT, sample_start TEXT, sample_epoch INTEGER, lag_s INTEGER);
CREATE TABLE rollouts (rollout_id TEXT PRIMARY KEY, endpoint TEXT, from_version TEXT, to_version TEXT,
                       strategy TEXT, weight_pct INTEGER, status TEXT, started_at TEXT, started_epoch INTEGER,
                       updated_at TEXT, note TEXT);
CREATE TABLE changes (change_id TEXT PRIMARY KEY, kind TEXT, target TEXT, summary TEXT, before_value TEXT,
                      after_value TEXT, author TEXT, applied_at TEXT, applied_epoch INTEGER, ticket TEXT);
CREATE TABLE incidents (incident_id TEXT PRIMARY KEY, severity TEXT, state TEXT, title TEXT, commander TEXT,
                        opened_at TEXT, resolved_at TEXT);
CREATE TABLE batch_jobs (job_id TEXT PRIMARY KEY, job TEXT, pool TEXT, status TEXT, started_at TEXT,
                         started_epoch INTEGER, ended_at TEXT, rows_processed INTEGER, note TEXT);
CREATE TABLE runbooks (doc_id TEXT PRIMARY KEY, title TEXT, body TEXT);
"""

_MINUTES = range(1, DAY + 1)  # 1-minute samples over 24 hours, by minutes ago of their start
_SAMPLES = range(5, DAY + 5, 5)  # 5-minute samples over 24 hours


def _hit(endpoint: str, ago: int) -> bool:
    """Whether the minute (or 5-minute sample) starting ``ago`` minutes ago serves canary traffic."""
    return endpoint == "ep_fraud_score" and ago <= ONSET


def _latency(now: datetime) -> tuple[list[tuple[Any, ...]], dict[tuple[str, int], int]]:
    """1-minute latency samples per endpoint over 24 hours, and the requests per (endpoint, minute ago)."""
    rows: list[tuple[Any, ...]] = []
    requests: dict[tuple[str, int], int] = {}
    for ep, *_, low, spread, p50, p95, p99 in ENDPOINTS:
        for ago in _MINUTES:
            start = now - timedelta(minutes=ago)
            n = int(low + spread * noise(f"lr{ep}", ago))
            requests[(ep, ago)] = n
            q = [lo + sp * noise(f"l{k}{ep}", ago) for k, (lo, sp) in enumerate((p50, p95, p99))]
            if _hit(ep, ago):
                q[1] = 30 + 12 * noise(f"lc95{ep}", ago)
                q[2] = 380 + 90 * noise(f"lc99{ep}", ago)
            rows.append((ep, iso(start), int(start.timestamp()), n, *(round(v, 1) for v in q)))
    return rows, requests


def _versions(now: datetime, requests: dict[tuple[str, int], int]) -> tuple[list[Any], list[Any]]:
    """5-minute samples per endpoint and model version, and per endpoint with errors by HTTP status."""
    per_version: list[tuple[Any, ...]] = []
    per_endpoint: list[tuple[Any, ...]] = []
    for ep, _, stable, *_, p50, _p95, p99 in ENDPOINTS:
        for ago in _SAMPLES:
            start = now - timedelta(minutes=ago)
            epoch = int(start.timestamp())
            total = sum(requests[(ep, m)] for m in range(ago - 4, ago + 1))
            split: list[tuple[str, int]] = [(stable, total)]
            if _hit(ep, ago):
                canary = round(total * (0.048 + 0.004 * noise(f"vc{ep}", ago)))
                split = [(stable, total - canary), (CANARY, canary)]
            elif ep == "ep_reco_home" and ago > 360:  # ro-7b90: v9 at 10% from T-600m, 100% from T-360m
                canary = round(total * (0.098 + 0.004 * noise(f"vc{ep}", ago))) if ago <= 600 else 0
                split = [("mdl-reco-twotower/v8", total - canary), ("mdl-reco-twotower/v9", canary)][: 1 + bool(canary)]
            e504 = e503 = e500 = 0
            for version, n in split:
                if version == CANARY:
                    timeouts = round(n * (0.15 + 0.10 * noise(f"vt{ep}", ago)))
                    errors, lat50, lat99 = timeouts, 300 + 100 * noise(f"v50{ep}", ago), 500.0
                else:
                    errors = round(n * (0.0005 + 0.0025 * noise(f"ve{version}", ago)))
                    timeouts = errors // 4
                    lat50 = p50[0] + p50[1] * noise(f"v50{version}", ago)
                    lat99 = p99[0] + p99[1] * noise(f"v99{version}", ago)
                per_version.append((ep, version, iso(start), epoch, n, errors, timeouts, round(lat50, 1),
                                    round(lat99, 1)))  # fmt: skip
                e504 += timeouts
                e503 += (errors - timeouts) // 2
                e500 += errors - timeouts - (errors - timeouts) // 2
            per_endpoint.append((ep, iso(start), epoch, total, e504 + e503 + e500, e504, e503, e500))
    return per_version, per_endpoint


def _replicas(endpoint: str, ago: int) -> int:
    """Replicas of an endpoint ``ago`` minutes ago, from the scale events (and the current count)."""
    now_count = next(a[7] for a in AUTOSCALERS if a[0] == endpoint)
    later = [e for e in SCALE_EVENTS if e[1] == endpoint and e[0] < ago]
    return min(later, key=lambda e: -e[0])[3] if later else now_count


def _queues(now: datetime) -> list[tuple[Any, ...]]:
    """Request queue depth per endpoint in 1-minute samples over 6 hours."""
    rows: list[tuple[Any, ...]] = []
    for ep, *_ in ENDPOINTS:
        base = 6 if ep == "ep_chat_summarize" else 0
        for ago in range(1, 361):
            start = now - timedelta(minutes=ago)
            if _hit(ep, ago):
                stage = ago > MAX_RAISED
                depth = (30 + 40 * noise(f"qd{ep}", ago)) if stage else (10 + 15 * noise(f"qd{ep}", ago))
                wait = (250 + 230 * noise(f"qw{ep}", ago)) if stage else (90 + 110 * noise(f"qw{ep}", ago))
            else:
                depth = base + (4 + base) * noise(f"qd{ep}", ago)
                wait = (400 if base else 5) + (600 if base else 15) * noise(f"qw{ep}", ago)
            rows.append((ep, iso(start), int(start.timestamp()), _replicas(ep, ago), int(depth), int(wait)))
    return rows


def _pool_util(now: datetime) -> list[tuple[Any, ...]]:
    """GPU utilization and memory per GPU pool in 5-minute samples over 24 hours."""
    base = {"gpu-pool-a100-euw4": (60, 12, 70, 8), "gpu-pool-l4-euw4": (46, 12, 55, 10),
            "gpu-pool-l4-use1": (38, 14, 40, 10), "gpu-pool-h100-use1": (70, 14, 88, 5),
            "gpu-pool-t4-euw4-batch": (85, 10, 60, 20)}  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    for pool, *_, nodes, _ready, _c, _mn, _mx, _cap, _drv in POOLS:
        if pool not in base:
            continue
        for ago in _SAMPLES:
            start = now - timedelta(minutes=ago)
            u, us, m, ms = base[pool]
            ready = nodes
            if pool == "gpu-pool-l4-euw4" and ago <= ONSET:
                u, us = 74, 14  # ep_fraud_score's canary requests hold the GPUs longer
            elif pool == "gpu-pool-l4-use1" and 110 <= ago <= 140:
                ready = nodes - 1  # the rolling driver upgrade drains one node at a time
            elif pool == "gpu-pool-h100-use1" and ago <= 20 * 60:
                ready = nodes - 1  # gpu-h100-use1-n03 cordoned
            elif pool == "gpu-pool-t4-euw4-batch" and not (ago <= 50 or 19 * 60 <= ago <= 21 * 60 + 150):
                ready = 0
            util = round(u + us * noise(f"pu{pool}", ago), 1) if ready else 0.0
            mem = round(m + ms * noise(f"pm{pool}", ago), 1) if ready else 0.0
            rows.append((pool, iso(start), int(start.timestamp()), ready, util, mem))
    return rows


def _feature_lag(now: datetime) -> list[tuple[Any, ...]]:
    """Lag of every online feature view in 5-minute samples over 24 hours."""
    rows: list[tuple[Any, ...]] = []
    for view, *_, online, _slo, _ttl, _consumers, low, spread in FEATURE_VIEWS:
        if not online:
            continue
        for ago in _SAMPLES:
            start = now - timedelta(minutes=ago)
            lag = low + spread * noise(f"fl{view}", ago)
            if view == "fv_item_popularity_15m":
                lag += 540 * (DAY - ago) / DAY  # creeping up all day
            elif view == "fv_user_txn_velocity_1h" and TXN_STALL[0] <= ago <= TXN_STALL[1]:
                lag = (TXN_STALL[1] - ago + 5) * 60 + 20 * noise(f"fs{view}", ago)
            rows.append((view, iso(start), int(start.timestamp()), int(lag)))
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago, epoch = clock.now, clock.ago, clock.epoch
    db.executemany("INSERT INTO pools VALUES (?,?,?,?,?,?,?,?,?,?,?)", POOLS)
    db.executemany("INSERT INTO pool_util VALUES (?,?,?,?,?,?)", _pool_util(now))
    db.executemany(
        "INSERT INTO models VALUES (?,?,?,?,?,?,?,?,?)",
        [(mv, *mv.split("/"), fw, mb, st, ago(m), who, fv) for mv, fw, mb, st, m, who, fv in MODELS],
    )
    db.executemany("INSERT INTO endpoints VALUES (?,?,?,?,?,?,?,?)", [e[:8] for e in ENDPOINTS])
    latency, requests = _latency(now)
    db.executemany("INSERT INTO latency_1m VALUES (?,?,?,?,?,?,?)", latency)
    per_version, per_endpoint = _versions(now, requests)
    db.executemany("INSERT INTO version_5m VALUES (?,?,?,?,?,?,?,?,?)", per_version)
    db.executemany("INSERT INTO errors_5m VALUES (?,?,?,?,?,?,?,?)", per_endpoint)
    db.executemany("INSERT INTO queue_1m VALUES (?,?,?,?,?,?)", _queues(now))
    db.executemany("INSERT INTO autoscalers VALUES (?,?,?,?,?,?,?,?)", AUTOSCALERS)
    db.executemany(
        "INSERT INTO scale_events VALUES (?,?,?,?,?,?,?)",
        [(ago(m), epoch(m), t, a, f, to, why) for m, t, a, f, to, why in SCALE_EVENTS],
    )
    db.executemany("INSERT INTO feature_views VALUES (?,?,?,?,?,?,?)", [f[:7] for f in FEATURE_VIEWS])
    db.executemany("INSERT INTO feature_lag VALUES (?,?,?,?)", _feature_lag(now))
    db.executemany(
        "INSERT INTO rollouts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(i, e, f, t, s, w, st, ago(m), epoch(m), ago(u), note) for i, e, f, t, s, w, st, m, u, note in ROLLOUTS],
    )
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(i, k, t, s, b, a, who, ago(m), epoch(m), ref) for i, k, t, s, b, a, who, m, ref in CHANGES],
    )
    db.executemany(
        "INSERT INTO incidents VALUES (?,?,?,?,?,?,?)",
        [(i, sev, st, t, who, ago(o), ago(r)) for i, sev, st, t, who, o, r in INCIDENTS],
    )
    db.executemany(
        "INSERT INTO batch_jobs VALUES (?,?,?,?,?,?,?,?,?)",
        [(i, j, p, st, ago(s), epoch(s), ago(e), n, note) for i, j, p, st, s, e, n, note in BATCH_JOBS],
    )
    db.executemany("INSERT INTO runbooks VALUES (?,?,?)", RUNBOOKS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    description = "ML model-serving and inference platform operations store"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
