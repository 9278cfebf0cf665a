"""Settings of the ops service (env prefix ``OPSUITE_OPS_``), loaded once in ``main``."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from opsuite_common.db import worker_instance_id
from opsuite_common.settings import ServiceSettings

__all__ = ["Settings"]


class Settings(ServiceSettings):
    """ops settings; every field is documented in the ops README section's configuration table."""

    model_config = SettingsConfigDict(env_prefix="OPSUITE_OPS_", frozen=True, extra="ignore")

    port: int = 50053
    #: This instance's stable id, stored with each run; at start-up the running runs with this id (left by a
    #: crash of this same instance) are marked aborted. Replicas sharing one database need distinct, stable
    #: ids (e.g. the pod name of a StatefulSet). Empty: the host name.
    instance_id: str = Field("", max_length=128)
    database_url: str = "sqlite:///./.run/ops.db"
    #: Retention: runs that finished more than this many seconds ago are deleted (with their steps, calls
    #: and trace) by a background sweep (every 10 min, 1000 rows per transaction); running ones never.
    #: 0: kept for ever.
    run_retention_s: float = Field(30 * 86_400.0, ge=0, le=3_650 * 86_400.0)

    #: Where api_manager listens (tools are its APIs marked "expose as tool").
    api_manager_target: str = "127.0.0.1:50051"
    #: Seconds a discovered tool catalogue is reused before it is refreshed (per tenant and role).
    catalogue_ttl_s: float = Field(30.0, ge=0)

    #: OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, OpenAI). Unset: deterministic planner only.
    llm_base_url: str | None = None
    llm_model: str = ""
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(20.0, gt=0)
    llm_max_attempts: int = Field(2, ge=1, le=5)
    llm_breaker_fail_max: int = Field(3, ge=1)
    llm_breaker_reset_s: float = Field(30.0, gt=0)
    #: Let the LLM write the answer text too (otherwise it only plans).
    llm_compose: bool = True

    #: Defaults applied when a request leaves a budget field unset.
    default_max_steps: int = Field(8, ge=1)
    default_max_parallelism: int = Field(4, ge=1)
    default_total_timeout_s: float = Field(30.0, gt=0)
    call_timeout_s: float = Field(10.0, gt=0)
    max_retries: int = Field(2, ge=0)
    #: Ceilings a request's budget may not exceed (INVALID_ARGUMENT beyond them).
    limit_max_steps: int = Field(20, ge=1)
    limit_max_parallelism: int = Field(16, ge=1)
    limit_total_timeout_s: float = Field(120.0, gt=0)
    #: Pause before a retry of an idempotent tool (exponential with jitter from here).
    retry_backoff_s: float = Field(0.05, ge=0)

    #: Host and service names added to those the estate's own tools list at run time (ops has no built-in names).
    known_hosts: list[str] = Field(default_factory=list)
    known_services: list[str] = Field(default_factory=list)
    #: Question rewrite rules as JSON (none built in): ``[{"pattern": "(?P<n>\\d+)-web", "template": "web-{n}"}]``.
    aliases: list[dict[str, str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _defaults_within_limits(self) -> Settings:
        pairs = (
            ("default_max_steps", "limit_max_steps"),
            ("default_max_parallelism", "limit_max_parallelism"),
            ("default_total_timeout_s", "limit_total_timeout_s"),
        )
        for default, limit in pairs:
            if getattr(self, default) > getattr(self, limit):
                raise ValueError(f"{default} must not exceed {limit}")
        for alias in self.aliases:
            if set(alias) != {"pattern", "template"}:
                raise ValueError('each alias needs exactly "pattern" and "template"')
        if self.llm_base_url and not self.llm_model:
            raise ValueError("set OPSUITE_OPS_LLM_MODEL when OPSUITE_OPS_LLM_BASE_URL is set")
        return self

    def for_worker(self, index: int) -> Settings:
        """Worker ``index``'s settings: its own instance id (worker 0 keeps the configured one, worker k
        is ``<id>/worker-<k>``), so a restarted worker marks only its own runs aborted."""
        own = super().for_worker(index)
        return own.model_copy(update={"instance_id": worker_instance_id(self.instance_id, index)}) if index else own
