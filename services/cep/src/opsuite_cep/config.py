"""Settings of the cep service (env prefix ``OPSUITE_CEP_``), loaded once in ``main``."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from opsuite_common.limits import EVENT_ATTRIBUTES_BYTES
from opsuite_common.settings import ServiceSettings

__all__ = ["Settings", "TenantTime", "TimePolicy"]


class TenantTime(BaseModel):
    """One tenant's overrides of the event-time policy (an unset field takes the service setting)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idle_progress: bool | None = None
    idle_timeout_s: float | None = Field(None, gt=0, le=86_400)
    max_future_skew_s: float | None = Field(None, gt=0, le=31_536_000)


@dataclass(frozen=True, slots=True)
class TimePolicy:
    """The event-time policy of one tenant, as the engine takes it.

    See docs/cep-semantics.md, Time without events #24 (idle progress) and #25 (future skew).
    """

    #: Seconds without an event after which the watermark follows the clock; None: idle progress off.
    idle_timeout: float | None
    #: Events more than this many seconds ahead of the server's clock are refused.
    max_future_skew: float


class Settings(ServiceSettings):
    """cep settings; every field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="OPSUITE_CEP_", frozen=True, extra="ignore")

    port: int = 50052
    database_url: str = "sqlite:///./.run/cep.db"
    #: Fernet key that encrypts channel secrets at rest (derived from the JWT secret when unset: dev only).
    secret_key: SecretStr | None = None
    #: host:port of api_manager (schedule rules and the ``api`` channel kind call ExecuteApi there).
    api_manager_target: str = "127.0.0.1:50051"
    #: host:port of ops (the ``ops_investigation`` channel kind calls Ask there).
    ops_target: str = "127.0.0.1:50053"
    #: Deadline of one ops Ask made by an ``ops_investigation`` delivery, seconds.
    ops_timeout_s: float = Field(30.0, gt=0, le=110)
    #: Default allowed lateness of event time (a rule's ``allowed_lateness`` overrides it), seconds.
    allowed_lateness_s: float = Field(0.0, ge=0, le=3600)
    #: Idle progress: once a tenant has received no event for ``idle_timeout_s``, its watermark follows the
    #: wall clock (``now - idle_timeout_s - allowed lateness``), so absences, ``for`` and timeouts fire in an
    #: outage. Driven by the scheduler's tick (``schedule_tick_s``), so it needs ``background_tasks``.
    idle_progress: bool = True
    idle_timeout_s: float = Field(30.0, gt=0, le=86_400)
    #: An event more than this many seconds ahead of the server's clock is refused on its own.
    max_future_skew_s: float = Field(300.0, gt=0, le=31_536_000)
    #: Per-tenant overrides of the three settings above, JSON in the env var:
    #: ``{"tenant-a": {"idle_timeout_s": 120, "max_future_skew_s": 60}, "lab": {"idle_progress": false}}``.
    tenant_time: dict[str, TenantTime] = Field(default_factory=dict)
    #: Per-tenant quotas (0: none): rules, channels and silences one tenant may hold; a create beyond is
    #: RESOURCE_EXHAUSTED, reason QUOTA_EXCEEDED. Silences that ended more than ``silence_retention_s`` ago
    #: are deleted when the tenant creates one (Alertmanager keeps expired silences 120 h by default too); at
    #: the quota, all its ended silences are.
    max_rules_per_tenant: int = Field(1000, ge=0)
    max_channels_per_tenant: int = Field(100, ge=0)
    max_silences_per_tenant: int = Field(1000, ge=0)
    silence_retention_s: float = Field(120 * 3600.0, ge=0)
    #: Retention of the history, seconds (0: kept for ever): delivered or failed notifications, delivery log
    #: rows, resolved alerts and alert changes (WatchAlerts replay) older than this are deleted by a sweep
    #: every 10 min (1000 rows per transaction; with ``background_tasks`` only). Pending and firing alerts and
    #: notifications still to deliver are never deleted.
    history_retention_s: float = Field(30 * 86_400.0, ge=0, le=3_650 * 86_400.0)
    #: Each tenant's share of the process's evaluation time (app/engine_budget.py): a bucket of seconds
    #: refilled at ``tenant_engine_share`` s per s, holding ``tenant_engine_burst_s``; each batch's evaluation
    #: is taken out, and a tenant in debt is refused (RESOURCE_EXHAUSTED, ENGINE_BUDGET, RetryInfo). 0: none.
    tenant_engine_share: float = Field(0.25, ge=0, le=1)
    tenant_engine_burst_s: float = Field(1.0, gt=0, le=60)
    #: Largest batch PublishEvents accepts.
    max_batch_events: int = Field(10_000, ge=1)
    #: Largest serialized attributes of one event, bytes.
    max_attributes_bytes: int = Field(EVENT_ATTRIBUTES_BYTES, ge=256)
    #: Samples a THRESHOLD rule's window functions (``rate(x[5m])``) keep, all windows and groups together (its
    #: memory and its part of a checkpoint): a sample beyond it evicts the least recently updated groups.
    max_window_samples_per_rule: int = Field(100_000, ge=1, le=100_000_000)
    #: Dispatcher: seconds between outbox scans when nothing woke it.
    dispatch_poll_s: float = Field(1.0, gt=0)
    #: Dispatcher: first and largest wait between delivery attempts of one notification.
    delivery_backoff_initial_s: float = Field(1.0, gt=0)
    delivery_backoff_max_s: float = Field(300.0, gt=0)
    #: Dispatcher: give up (status failed) on a notification older than this, seconds.
    delivery_max_age_s: float = Field(86_400.0, gt=0)
    #: Timeout of one outbound delivery (HTTP, SMTP, ExecuteApi), seconds.
    delivery_timeout_s: float = Field(10.0, gt=0)
    #: Per-channel breaker: consecutive failures before it opens, and seconds before a trial.
    channel_breaker_fail_max: int = Field(5, ge=1)
    channel_breaker_reset_s: float = Field(30.0, gt=0)
    #: Deprecated alias: entries added to the shared ``OPSUITE_OUTBOUND_ALLOW`` (``outbound.allow``) for cep.
    outbound_allow: list[str] = Field(default_factory=list)
    #: Scheduler: seconds between ticks (checks for due SCHEDULE rules, and idle progress of every loaded tenant).
    schedule_tick_s: float = Field(1.0, gt=0)
    #: Scheduler, dev/test only: a new or changed rule first runs at the next tick instead of one interval (or
    #: cron period) later. A restart is neither: the plan is stored in the database.
    schedule_first_run_at_once: bool = False
    #: Scheduler: how long the scheduler that claimed a due run of a SCHEDULE rule holds it, seconds; a claim
    #: still held after this (its scheduler died mid-run) is taken over by any scheduler on the database and
    #: the run is repeated. Keep it above the longest run (the ExecuteApi deadline ``delivery_timeout_s``
    #: with its retries, plus the alert commit) and the clock skew between replicas.
    schedule_claim_timeout_s: float = Field(60.0, gt=0, le=86_400)
    #: Scheduler: SCHEDULE runs (and, counted apart, key-list refreshes), each an ExecuteApi call, in flight at once
    #: per tenant and in all; a due run beyond either waits for a later tick, so one tenant's slow API holds back
    #: no other.
    schedule_max_runs_per_tenant: int = Field(4, ge=1, le=1000)
    schedule_max_runs: int = Field(64, ge=1, le=10_000)
    #: Scheduler: how long one tick waits for the runs it started before idle progress and the next tick, seconds;
    #: a slower run goes on in the background (holding its claim) and a later tick does not start it again.
    schedule_round_wait_s: float = Field(1.0, gt=0, le=300)
    #: WatchAlerts: seconds between database polls (one per tenant with watchers, not per stream) for
    #: changes committed by other replicas; 0 never polls (one replica: local commits wake the feed).
    watch_poll_s: float = Field(1.0, ge=0)
    #: WatchAlerts: live changes queued per stream; a stream that falls this far behind is ended.
    watch_queue_size: int = Field(1000, ge=1)
    #: Run the dispatcher and the scheduler in this process.
    background_tasks: bool = True
    #: Where PublishEvents appends before it acknowledges: ``db`` (a table in this database, the default),
    #: ``nats://host:port`` (a NATS JetStream stream) or ``none`` (nothing logged: acknowledged events
    #: survive only a graceful stop; benchmark baseline).
    event_log: str = Field("db", pattern=r"^(db|none|nats://\S+)$")
    #: JetStream event log: records older than this are dropped by the stream (a checkpoint normally trims
    #: them long before).
    event_log_max_age_s: float = Field(7 * 86_400.0, gt=0)
    #: Seconds between checkpoints of a tenant that receives events (also saved after rule changes, manual
    #: resolutions and at a graceful stop); a restart replays at most this much of the log.
    checkpoint_interval_s: float = Field(10.0, gt=0, le=3600)
    #: Replicas sharing the work: the number of partitions of the JetStream event stream (0: off, this
    #: replica evaluates what it receives). Needs ``event_log`` ``nats://``; every replica must use the
    #: same number.
    partitions: int = Field(0, ge=0, le=1024)
    #: Partition leases: a replica that stops renewing loses its partitions after this many seconds.
    lease_ttl_s: float = Field(6.0, ge=1, le=300)
    #: A partition's owner reads rule and silence changes of its tenants this often, seconds.
    partition_refresh_s: float = Field(1.0, gt=0, le=60)
    #: Separates cep deployments sharing one NATS server: suffixes the partition stream, its subjects and
    #: the lease bucket (letters, digits and ``_``; empty: the default names).
    stream_namespace: str = Field("", pattern=r"^[A-Za-z0-9_]{0,32}$")

    @model_validator(mode="after")
    def _partitions_need_jetstream(self) -> Settings:
        if self.partitions and not self.event_log.startswith("nats://"):
            raise ValueError("OPSUITE_CEP_PARTITIONS > 0 needs OPSUITE_CEP_EVENT_LOG=nats://host:port")
        return self

    @model_validator(mode="after")
    def _workers_are_replicas(self) -> Settings:
        # Workers are replicas on one port: without partitions each evaluates only the events its own
        # connections bring, so a tenant's events would be split between engines; and a WatchAlerts stream
        # sees its siblings' commits only by polling.
        if self.workers > 1 and not self.partitions:
            raise ValueError(
                "OPSUITE_CEP_WORKERS (--workers) > 1 needs OPSUITE_CEP_PARTITIONS > 0 (with OPSUITE_CEP_EVENT_LOG="
                "nats://host:port): without partitions each worker would evaluate only the events sent to it"
            )
        if self.workers > 1 and self.watch_poll_s == 0:
            raise ValueError("OPSUITE_CEP_WORKERS (--workers) > 1 needs OPSUITE_CEP_WATCH_POLL_S > 0")
        return self

    def time_policy(self, tenant: str) -> TimePolicy:
        """The tenant's event-time policy: its ``tenant_time`` overrides over the service settings."""
        own = self.tenant_time.get(tenant) or TenantTime()
        idle = self.idle_progress if own.idle_progress is None else own.idle_progress
        timeout = self.idle_timeout_s if own.idle_timeout_s is None else own.idle_timeout_s
        skew = self.max_future_skew_s if own.max_future_skew_s is None else own.max_future_skew_s
        return TimePolicy(idle_timeout=timeout if idle else None, max_future_skew=skew)
