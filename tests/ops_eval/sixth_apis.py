"""The sixth estate's APIs (:mod:`tests.ops_eval.sixth_estate`): SQL over its CI/CD store, as a build-infra
team would publish them. Parameter names and window forms differ from API to API on purpose."""

from __future__ import annotations

from tests.ops_eval.estates import SqlApi, obj

__all__ = ["APIS"]

_PROJECT = {"type": "string", "description": "full project path (group/name), e.g. acme/docs-site"}
_NOW = "CAST(strftime('%s', 'now') AS INTEGER)"

#: name -> (description, tags, statement, param schema)
APIS: dict[str, SqlApi] = {
    "repo_catalog": (
        "Projects (repositories) built by CI: full path, owning team, default branch, language and runner pool",
        ["config", "inventory", "ci"],
        "SELECT project, team, default_branch, language, runner_pool FROM projects "
        "WHERE instr(lower(project), lower(:name_like)) > 0 AND (:team = '' OR team = :team) ORDER BY project",
        obj(
            {
                "name_like": {"type": "string", "default": "", "description": "part of the project path"},
                "team": {"type": "string", "default": "", "description": "owning team, empty for all"},
            }
        ),
    ),
    "runner_fleet": (
        "CI runners: pool, architecture, state, agent version, last contact, jobs running and an operator note",
        ["config", "inventory", "ci"],
        "SELECT runner_id, pool, arch, state, version, last_contact, running_jobs, note FROM runners "
        "WHERE (:pool = '' OR pool = :pool) AND (:state = '' OR state = :state) ORDER BY runner_id",
        obj(
            {
                "pool": {"type": "string", "enum": ["", "linux-large", "linux-small", "arm64", "macos"], "default": ""},
                "state": {"type": "string", "enum": ["", "online", "paused", "offline", "terminated"], "default": ""},
            }
        ),
    ),
    "pool_queue_wait": (
        "How long CI jobs wait for a runner in one pool: p50 and p95 queue wait (minutes), jobs queued and busy "
        "runners, 5-minute samples over the chosen window",
        ["metric", "ci"],
        "SELECT ts, wait_p50_min, wait_p95_min, queued_jobs, busy_runners FROM queue_wait WHERE pool = :pool "
        f"AND ts_epoch >= {_NOW} - CASE :window WHEN '1h' THEN 3600 WHEN '6h' THEN 21600 ELSE 86400 END "
        "ORDER BY ts_epoch",
        obj(
            {
                "pool": {"type": "string", "description": "runner pool, e.g. gpu-xl"},
                "window": {"type": "string", "enum": ["1h", "6h", "24h"], "default": "6h"},
            },
            ["pool"],
        ),
    ),
    "pipeline_runs": (
        "Pipelines of one project created after a time, newest first: id, branch, commit, trigger, status, the "
        "stage that failed, seconds queued and running, finish time",
        ["history", "ci"],
        "SELECT pipeline_id, ref, sha, trigger, status, failed_stage, created_at, queued_s, duration_s, finished_at "
        "FROM pipelines WHERE project = :project AND ref = :ref AND julianday(created_at) >= julianday(:started_after) "
        "AND (:status = '' OR status = :status) ORDER BY created_epoch DESC LIMIT :max_rows",
        obj(
            {
                "project": _PROJECT,
                "ref": {"type": "string", "default": "main", "description": "branch"},
                "status": {
                    "type": "string",
                    "enum": ["", "success", "failed", "canceled", "running", "pending"],
                    "default": "",
                },
                "started_after": {"type": "string", "format": "date-time", "description": "created at or after (UTC)"},
                "max_rows": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
            },
            ["project", "started_after"],
        ),
    ),
    "build_time_trend": (
        "Hourly build statistics of one project since a unix time: finished pipelines, failed ones, mean and "
        "max execution minutes, mean minutes queued before a runner picked the pipeline up",
        ["metric", "ci"],
        "SELECT strftime('%Y-%m-%dT%H:00:00Z', created_at) AS hour, COUNT(*) AS pipelines, "
        "SUM(status = 'failed') AS failed, ROUND(AVG(duration_s) / 60.0, 1) AS avg_build_min, "
        "ROUND(MAX(duration_s) / 60.0, 1) AS max_build_min, ROUND(AVG(queued_s) / 60.0, 1) AS avg_queue_min "
        "FROM pipelines WHERE project = :project AND created_epoch >= :since_epoch "
        "AND status IN ('success', 'failed') GROUP BY hour ORDER BY hour",
        obj(
            {"project": _PROJECT, "since_epoch": {"type": "integer", "minimum": 0, "description": "unix seconds"}},
            ["project", "since_epoch"],
        ),
    ),
    "test_failure_log": (
        "Failed test cases of a project's pipelines from a day on: pipeline, test name, stage, when, the "
        "assertion or exception message",
        ["log", "ci", "test"],
        "SELECT pipeline_id, test_name, stage, failed_at, message FROM test_failures WHERE project = :project "
        "AND substr(failed_at, 1, 10) >= :from_day AND instr(lower(test_name), lower(:test_contains)) > 0 "
        "ORDER BY failed_epoch DESC",
        obj(
            {
                "project": _PROJECT,
                "from_day": {"type": "string", "format": "date", "description": "first day (UTC), YYYY-MM-DD"},
                "test_contains": {"type": "string", "default": "", "description": "part of the test name"},
            },
            ["project", "from_day"],
        ),
    ),
    "flaky_test_report": (
        "Flaky tests over the last 14 days (failed, then passed on retry): runs, flaky failures, flake rate in "
        "percent, whether quarantined, owner; the flakiest first",
        ["metric", "test", "ci"],
        "SELECT project, test_name, runs_14d, flaky_failures_14d, "
        "ROUND(100.0 * flaky_failures_14d / runs_14d, 1) AS flake_rate_pct, quarantined, owner FROM flaky_tests "
        "WHERE (:project = '' OR project = :project) AND 100.0 * flaky_failures_14d / runs_14d >= :min_rate_pct "
        "ORDER BY flake_rate_pct DESC",
        obj(
            {
                "project": {**_PROJECT, "default": ""},
                "min_rate_pct": {"type": "number", "minimum": 0, "maximum": 100, "default": 1},
            }
        ),
    ),
    "release_history": (
        "Deployments (releases) of a service to an environment, newest first: release id, version, status, "
        "start, deployer, note",
        ["history", "deploy"],
        "SELECT release_id, service, version, environment, status, started_at, deployer, note FROM releases "
        "WHERE service = :service AND (:environment = '' OR environment = :environment) "
        "ORDER BY started_at DESC LIMIT :last_n",
        obj(
            {
                "service": {"type": "string", "description": "service name without group, e.g. docs-site"},
                "environment": {"type": "string", "enum": ["", "dev", "staging", "prod"], "default": "prod"},
                "last_n": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
            },
            ["service"],
        ),
    ),
    "image_search": (
        "Search the container registry by image name and tag: digest, size in MB, when pushed",
        ["inventory", "artifact"],
        "SELECT image, tag, digest, size_mb, pushed_at FROM images "
        "WHERE instr(lower(image || ' ' || tag), lower(:q)) > 0 ORDER BY pushed_at DESC LIMIT :limit",
        obj(
            {
                "q": {"type": "string", "description": "image name, or name and tag separated by a space"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
            },
            ["q"],
        ),
    ),
    "artifact_quota": (
        "Artifact storage per project: GB used, quota and percent used",
        ["config", "capacity", "artifact"],
        "SELECT project, used_gb, quota_gb, ROUND(100.0 * used_gb / quota_gb, 1) AS used_pct FROM quotas "
        "WHERE (:project = '' OR project = :project) ORDER BY used_pct DESC",
        obj({"project": {**_PROJECT, "default": ""}}),
    ),
    "ci_change_log": (
        "Changes to CI settings (runner pools, autoscaler, base images, pipeline definitions) in the last N "
        "hours: change id, scope, setting, old and new value, author, reason",
        ["history", "config", "ci"],
        "SELECT change_id, scope, setting, old_value, new_value, changed_at, author, reason FROM ci_changes "
        f"WHERE changed_epoch >= {_NOW} - :since_hours * 3600 "
        "AND (:scope = '' OR instr(lower(scope), lower(:scope)) > 0) ORDER BY changed_epoch DESC",
        obj(
            {
                "since_hours": {"type": "integer", "minimum": 1, "maximum": 720},
                "scope": {"type": "string", "default": "", "description": "runner pool or project, empty for all"},
            },
            ["since_hours"],
        ),
    ),
    "merged_mrs": (
        "Merge requests merged into a project since a time: MR number, title, author, merge commit, target branch",
        ["history", "ci"],
        "SELECT mr, title, author, merged_at, merge_sha, target_branch FROM merges WHERE project = :project "
        "AND julianday(merged_at) >= julianday(:since) ORDER BY merged_at DESC",
        obj(
            {"project": _PROJECT, "since": {"type": "string", "format": "date-time", "description": "UTC"}},
            ["project", "since"],
        ),
    ),
    "build_tickets": (
        "Build-infra tickets (BLD-nnn) by id or words of the title: priority, state, reporter, assignee, opened",
        ["history", "incident"],
        "SELECT ticket, priority, state, title, reporter, assignee, opened_at FROM tickets "
        "WHERE instr(lower(ticket || ' ' || title), lower(:terms)) > 0 AND (:state = '' OR state = :state) "
        "ORDER BY opened_at DESC",
        obj(
            {
                "terms": {"type": "string", "default": "", "description": "ticket id or words of the title"},
                "state": {"type": "string", "enum": ["", "open", "in_progress", "resolved"], "default": ""},
            }
        ),
    ),
    "playbook_lookup": (
        "Search the build and release playbooks",
        ["document"],
        "SELECT playbook, title, body FROM playbooks WHERE instr(lower(title || ' ' || body), lower(:keywords)) > 0",
        obj({"keywords": {"type": "string", "description": "words to look for"}}, ["keywords"]),
    ),
    "rotation_oncall": (
        "Who is on call for a rotation now: primary and backup engineer, end of the shift",
        ["config", "people"],
        "SELECT rotation, primary_engineer, backup_engineer, shift_until FROM rotations WHERE rotation = :rotation",
        obj({"rotation": {"type": "string", "description": "rotation name, e.g. data-eng"}}, ["rotation"]),
    ),
}
