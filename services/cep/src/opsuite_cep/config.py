"""Settings of the cep service (env prefix ``OPSUITE_CEP_``), loaded once in ``main``."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from opsuite_common.limits import EVENT_ATTRIBUTES_BYTES
from opsuite_common.settings import ServiceSettings

__all__ = ["Settings"]


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
    #: Largest batch PublishEvents accepts.
    max_batch_events: int = Field(10_000, ge=1)
    #: Largest serialized attributes of one event, bytes.
    max_attributes_bytes: int = Field(EVENT_ATTRIBUTES_BYTES, ge=256)
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
    #: Scheduler: seconds between checks for due SCHEDULE rules.
    schedule_tick_s: float = Field(1.0, gt=0)
    #: Scheduler, dev/test only: a new, changed or (after a restart) every rule first runs at the next tick
    #: instead of one interval (or cron period) later.
    schedule_first_run_at_once: bool = False
    #: WatchAlerts: seconds between database polls (one per tenant with watchers, not per stream) for
    #: changes committed by other replicas; 0 never polls (one replica: local commits wake the feed).
    watch_poll_s: float = Field(1.0, ge=0)
    #: WatchAlerts: live changes queued per stream; a stream that falls this far behind is ended.
    watch_queue_size: int = Field(1000, ge=1)
    #: Run the dispatcher and the scheduler in this process.
    background_tasks: bool = True
