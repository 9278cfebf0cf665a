"""The twelfth estate's APIs (:mod:`tests.ops_eval.twelfth_estate`): SQL over an ML platform team's serving
operations store, as its serving, GPU infrastructure and feature-store engineers would publish them. Parameter
names and window forms differ from API to API on purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"
_ENDPOINTS = ["ep_fraud_score", "ep_search_rank", "ep_reco_home", "ep_chat_summarize", "ep_img_moderation",
              "ep_eta_predict"]  # fmt: skip
_GPU_POOLS = ["gpu-pool-a100-euw4", "gpu-pool-l4-euw4", "gpu-pool-l4-use1", "gpu-pool-h100-use1",
              "gpu-pool-t4-euw4-batch"]  # fmt: skip
_VIEWS = ["fv_user_txn_velocity_1h", "fv_merchant_risk_daily", "fv_item_popularity_15m", "fv_session_ctx",
          "fv_courier_eta_feats"]  # fmt: skip
_RFC3339 = {"type": "string", "format": "date-time", "description": "RFC 3339 (UTC)"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "gpu_node_pools": (
        "Kubernetes node pools of the serving clusters: region, accelerator (GPU model, 'none' for CPU pools), "
        "GPUs per node, nodes total and Ready, cordoned nodes, autoscaling min/max nodes, capacity type "
        "(on-demand, reserved, spot), NVIDIA driver version",
        ["config", "inventory", "gpu", "capacity"],
        "SELECT pool, region, accelerator, gpus_per_node, nodes_total, nodes_ready, cordoned_nodes, min_nodes, "
        "max_nodes, capacity_type, driver_version FROM pools WHERE (:region = '' OR region = :region) "
        "AND instr(lower(accelerator), lower(:accelerator)) > 0 ORDER BY pool",
        obj(
            {
                "region": {"type": "string", "enum": ["", "europe-west4", "us-east1"], "default": ""},
                "accelerator": {"type": "string", "default": "", "description": "e.g. a100, l4, h100, t4"},
            }
        ),
    ),
    "pool_gpu_utilization": (
        "GPU utilization and GPU memory used (percent, averaged over the pool's Ready nodes) of one GPU node pool "
        "in 5-minute samples between two times, with the number of Ready nodes",
        ["metric", "gpu", "capacity"],
        "SELECT pool, sample_start, nodes_ready, gpu_util_pct, gpu_mem_pct FROM pool_util WHERE pool = :pool "
        "AND julianday(sample_start) >= julianday(:since) "
        "AND (:until = '' OR julianday(sample_start) < julianday(:until)) ORDER BY sample_epoch",
        obj(
            {
                "pool": {"type": "string", "enum": _GPU_POOLS},
                "since": _RFC3339,
                "until": {**_RFC3339, "default": "", "description": "RFC 3339 (UTC); empty: now"},
            },
            ["pool", "since"],
        ),
    ),
    "model_registry": (
        "Model registry: every model version (model/vN), framework, artifact size in MB, stage (production, canary, "
        "staging, archived), when and by whom it was registered, the feature views it reads",
        ["config", "inventory", "model"],
        "SELECT model_version, model, version, framework, artifact_mb, stage, created_at, created_by, feature_views "
        "FROM models WHERE instr(lower(model_version), lower(:name_contains)) > 0 "
        "AND (:stage = '' OR stage = :stage) ORDER BY model, created_at",
        obj(
            {
                "name_contains": {"type": "string", "default": "", "description": "part of the model name"},
                "stage": {
                    "type": "string",
                    "enum": ["", "production", "canary", "staging", "archived"],
                    "default": "",
                },
            }
        ),
    ),
    "serving_endpoints": (
        "Inference endpoints: node pool, stable model version, canary version and its traffic weight percent, "
        "request timeout (ms), p99 latency SLO (ms), owning team",
        ["config", "inventory", "serving", "model"],
        "SELECT endpoint, pool, stable_version, canary_version, canary_weight_pct, timeout_ms, slo_p99_ms, "
        "owner_team FROM endpoints WHERE (:endpoint = '' OR endpoint = :endpoint) ORDER BY endpoint",
        obj({"endpoint": {"type": "string", "enum": ["", *_ENDPOINTS], "default": ""}}),
    ),
    "endpoint_latency": (
        "Latency of one inference endpoint in 1-minute samples over the last N minutes: requests in the minute and "
        "p50, p95, p99 latency in ms (measured at the serving gateway)",
        ["metric", "serving", "latency"],
        "SELECT endpoint, minute, requests AS requests_per_min, p50_ms, p95_ms, p99_ms FROM latency_1m "
        f"WHERE endpoint = :endpoint AND minute_epoch >= {_NOW} - :window_minutes * 60 ORDER BY minute_epoch",
        obj(
            {
                "endpoint": {"type": "string", "enum": _ENDPOINTS},
                "window_minutes": {"type": "integer", "minimum": 5, "maximum": 720, "default": 60},
            },
            ["endpoint"],
        ),
    ),
    "endpoint_errors": (
        "Failed inference requests per endpoint in 5-minute samples between two times: requests, errors, error "
        "percent, and errors by HTTP status (504 timeout, 503 unavailable, 500 internal)",
        ["metric", "serving", "errors"],
        "SELECT endpoint, sample_start, requests, errors, ROUND(100.0 * errors / requests, 2) AS error_pct, "
        "http_504, http_503, http_500 FROM errors_5m WHERE julianday(sample_start) >= julianday(:since) "
        "AND (:until = '' OR julianday(sample_start) < julianday(:until)) "
        "AND (:endpoint = '' OR endpoint = :endpoint) ORDER BY endpoint, sample_epoch",
        obj(
            {
                "since": _RFC3339,
                "until": {**_RFC3339, "default": "", "description": "RFC 3339 (UTC); empty: now"},
                "endpoint": {"type": "string", "enum": ["", *_ENDPOINTS], "default": ""},
            },
            ["since"],
        ),
    ),
    "model_version_traffic": (
        "Traffic of an endpoint split by model version (stable vs canary) in 5-minute samples over the last N "
        "hours: requests, share of the endpoint's requests (percent), errors and error percent, timeouts, p50 and "
        "p99 latency (ms) per version",
        ["metric", "serving", "model", "canary"],
        "SELECT endpoint, model_version, sample_start, requests, ROUND(100.0 * requests / SUM(requests) OVER "
        "(PARTITION BY sample_epoch), 1) AS share_pct, errors, ROUND(100.0 * errors / requests, 2) AS error_pct, "
        "timeouts, p50_ms, p99_ms FROM version_5m WHERE endpoint = :endpoint "
        f"AND sample_epoch >= {_NOW} - :hours * 3600 ORDER BY sample_epoch, model_version",
        obj(
            {
                "endpoint": {"type": "string", "enum": _ENDPOINTS},
                "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 3},
            },
            ["endpoint"],
        ),
    ),
    "request_queue": (
        "Request queue of the inference endpoints in 1-minute samples: replicas serving, requests waiting in the "
        "queue (depth) and the oldest queued request's wait in ms",
        ["metric", "serving", "queue", "autoscaling"],
        "SELECT endpoint, minute, replicas, queue_depth, oldest_wait_ms FROM queue_1m "
        "WHERE (:endpoint = '' OR endpoint = :endpoint) AND minute_epoch >= "
        f"{_NOW} - CASE :lookback WHEN '15m' THEN 900 WHEN '1h' THEN 3600 WHEN '3h' THEN 10800 ELSE 21600 END "
        "ORDER BY endpoint, minute_epoch",
        obj(
            {
                "endpoint": {"type": "string", "enum": ["", *_ENDPOINTS], "default": ""},
                "lookback": {"type": "string", "enum": ["15m", "1h", "3h", "6h"], "default": "1h"},
            }
        ),
    ),
    "autoscaler_config": (
        "Replica autoscaler (HPA) policy per endpoint: min and max replicas, the metric it scales on and its "
        "target, scale-up and scale-down cooldowns (s), replicas running now",
        ["config", "autoscaling", "serving"],
        "SELECT endpoint, min_replicas, max_replicas, metric, target, scale_up_cooldown_s, scale_down_cooldown_s, "
        "replicas_now FROM autoscalers WHERE (:endpoint = '' OR endpoint = :endpoint) ORDER BY endpoint",
        obj({"endpoint": {"type": "string", "enum": ["", *_ENDPOINTS], "default": ""}}),
    ),
    "autoscaler_events": (
        "Autoscaler decisions over a window (ISO 8601 duration): endpoint replica scale-ups and scale-downs, "
        "at_max_replicas warnings, node pool scale-ups and scale-downs; from and to counts and the reason",
        ["history", "autoscaling", "event"],
        "SELECT at, target, action, from_count, to_count, reason FROM scale_events WHERE at_epoch >= "
        f"{_NOW} - CASE :window WHEN 'PT1H' THEN 3600 WHEN 'PT6H' THEN 21600 WHEN 'P1D' THEN 86400 ELSE 604800 END "
        "AND instr(lower(target), lower(:target_contains)) > 0 ORDER BY at_epoch DESC",
        obj(
            {
                "window": {"type": "string", "enum": ["PT1H", "PT6H", "P1D", "P7D"], "default": "P1D"},
                "target_contains": {"type": "string", "default": "", "description": "part of an endpoint or pool"},
            }
        ),
    ),
    "feature_views": (
        "Feature store feature views: entity key, source (stream or batch), whether online materialization is "
        "enabled (1) or the view is offline only (0), freshness SLO in minutes, TTL, the models that read it",
        ["config", "inventory", "feature-store"],
        "SELECT feature_view, entity, source, online_enabled, freshness_slo_min, ttl, consumers FROM feature_views "
        "WHERE instr(lower(feature_view || ' ' || consumers), lower(:name_contains)) > 0 ORDER BY feature_view",
        obj({"name_contains": {"type": "string", "default": "", "description": "part of a view or model name"}}),
    ),
    "feature_freshness": (
        "Online feature store freshness: lag of each online feature view (seconds behind its source) in 5-minute "
        "samples over the last N hours, with the view's freshness SLO and the lag as a percent of it",
        ["metric", "feature-store", "freshness"],
        "SELECT l.feature_view, l.sample_start, l.lag_s, ROUND(l.lag_s / 60.0, 1) AS lag_min, v.freshness_slo_min, "
        "ROUND(100.0 * l.lag_s / (v.freshness_slo_min * 60), 1) AS pct_of_slo FROM feature_lag l "
        "JOIN feature_views v ON v.feature_view = l.feature_view WHERE (:feature_view = '' OR l.feature_view = "
        f":feature_view) AND l.sample_epoch >= {_NOW} - :lookback_hours * 3600 ORDER BY l.feature_view, "
        "l.sample_epoch",
        obj(
            {
                "feature_view": {"type": "string", "enum": ["", *_VIEWS], "default": ""},
                "lookback_hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6},
            }
        ),
    ),
    "model_rollouts": (
        "Model rollouts (ro-xxxx) on the endpoints: from and to version, strategy (canary, blue-green), current "
        "traffic weight of the new version, status (in_progress, paused, completed, aborted), started, updated",
        ["history", "deploy", "model", "canary"],
        "SELECT rollout_id, endpoint, from_version, to_version, strategy, weight_pct, status, started_at, "
        "updated_at, note FROM rollouts WHERE started_epoch >= "
        f"{_NOW} - CASE :lookback WHEN '24h' THEN 86400 WHEN '7d' THEN 604800 ELSE 2592000 END "
        "AND (:endpoint = '' OR endpoint = :endpoint) ORDER BY started_epoch DESC",
        obj(
            {
                "lookback": {"type": "string", "enum": ["24h", "7d", "30d"], "default": "7d"},
                "endpoint": {"type": "string", "enum": ["", *_ENDPOINTS], "default": ""},
            }
        ),
    ),
    "batch_jobs": (
        "Batch jobs (BJ-nnnnn: training, evaluation, embedding refresh, backfills) started in the last N days: "
        "pool, status (queued, running, succeeded, failed), started, ended, rows processed, note",
        ["history", "batch", "training"],
        "SELECT job_id, job, pool, status, started_at, ended_at, rows_processed, note FROM batch_jobs "
        f"WHERE started_epoch >= {_NOW} - :days * 86400 AND (:status = '' OR status = :status) "
        "ORDER BY started_epoch DESC",
        obj(
            {
                "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 3},
                "status": {"type": "string", "enum": ["", "queued", "running", "succeeded", "failed"], "default": ""},
            }
        ),
    ),
    "change_log": (
        "Change records (CHG-nnnnnn) of the ML platform since a time: kind (canary, rollout, autoscaler, driver, "
        "feature-store, serving-config, batch), target, summary, before and after, author, ticket",
        ["history", "change", "config"],
        "SELECT change_id, kind, target, summary, before_value, after_value, author, applied_at, ticket "
        "FROM changes WHERE julianday(applied_at) >= julianday(:since) AND (:kind = '' OR kind = :kind) "
        "AND instr(lower(target), lower(:target_contains)) > 0 ORDER BY applied_epoch DESC",
        obj(
            {
                "since": _RFC3339,
                "kind": {
                    "type": "string",
                    "enum": [
                        "",
                        "canary",
                        "rollout",
                        "autoscaler",
                        "driver",
                        "feature-store",
                        "serving-config",
                        "batch",
                    ],
                    "default": "",
                },
                "target_contains": {"type": "string", "default": ""},
            },
            ["since"],
        ),
    ),
    "incident_reviews": (
        "Incidents (IR-yyyy-nnn) of the ML platform: severity (SEV1 .. SEV4), state (investigating, identified, "
        "monitoring, resolved), title, incident commander, opened, resolved",
        ["history", "incident"],
        "SELECT incident_id, severity, state, title, commander, opened_at, resolved_at FROM incidents "
        "WHERE instr(lower(incident_id || ' ' || title), lower(:text)) > 0 AND (:state = '' OR state = :state) "
        "ORDER BY opened_at DESC",
        obj(
            {
                "text": {"type": "string", "default": "", "description": "incident id or words of the title"},
                "state": {
                    "type": "string",
                    "enum": ["", "investigating", "identified", "monitoring", "resolved"],
                    "default": "",
                },
            }
        ),
    ),
    "runbook_search": (
        "Search the ML platform runbooks (rb/<area>/<topic>) for a word or phrase",
        ["document", "runbook"],
        "SELECT doc_id, title, body FROM runbooks WHERE instr(lower(doc_id || ' ' || title || ' ' || body), "
        "lower(:terms)) > 0",
        obj({"terms": {"type": "string", "description": "a word or phrase to look for"}}, ["terms"]),
    ),
}
