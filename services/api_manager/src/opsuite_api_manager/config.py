"""Settings of the api_manager service (env prefix ``OPSUITE_API_MANAGER_``), loaded once in ``main``."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from opsuite_common.db import worker_instance_id
from opsuite_common.settings import ServiceSettings

__all__ = ["Settings"]


class Settings(ServiceSettings):
    """api_manager settings; every field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="OPSUITE_API_MANAGER_", frozen=True, extra="ignore")

    port: int = 50051
    #: This instance's stable id, stored with each execution; at start-up the RUNNING executions with this
    #: id (left by a crash of this same instance) are marked ABORTED. Replicas sharing one database need
    #: distinct, stable ids (e.g. the pod name of a StatefulSet). Empty: the host name.
    instance_id: str = Field("", max_length=128)
    database_url: str = "sqlite:///./.run/api_manager.db"
    #: Fernet key (urlsafe base64 of 32 bytes) encrypting data source URLs at rest. When unset, a key is
    #: derived from the JWT secret with HKDF and a warning is logged (development only).
    secret_key: SecretStr | None = None
    #: Script executions running at the same time (each is one sandboxed process).
    script_concurrency: int = Field(8, ge=1, le=256)
    #: Timeout of an execution when the API's policy sets none, in seconds.
    default_timeout_s: float = Field(10.0, gt=0)
    #: Upper bound on any API's timeout, in seconds.
    max_timeout_s: float = Field(120.0, gt=0)
    #: Row limit of SQL APIs whose policy sets none.
    default_row_limit: int = Field(1000, ge=1)
    #: Upper bound on any SQL API's row limit.
    max_row_limit: int = Field(100_000, ge=1)
    #: Per-tenant quotas (0: none): live APIs and data sources one tenant may hold; a create beyond is
    #: RESOURCE_EXHAUSTED, reason QUOTA_EXCEEDED.
    max_apis_per_tenant: int = Field(1000, ge=0)
    max_data_sources_per_tenant: int = Field(100, ge=0)
    #: Retention: executions that ended more than this many seconds ago are deleted by a background sweep
    #: (every 10 min, 1000 rows per transaction); RUNNING ones never. 0: kept for ever.
    execution_retention_s: float = Field(30 * 86_400.0, ge=0, le=3_650 * 86_400.0)
    #: Versions kept per API (the newest ones, the current one always among them); an update or rollback
    #: deletes older ones in its own transaction. 0: all.
    max_versions_per_api: int = Field(100, ge=0, le=1_000_000)
    #: Largest SQL cell returned, in bytes (JSON text; binary as base64); longer cells are cut to it and the
    #: result says ``truncated`` with a ``truncated_cells`` reference.
    max_cell_bytes: int = Field(1024 * 1024, ge=1024)
    #: Output cap (script output, HTTP response body) when the policy sets none, in bytes.
    default_output_cap_bytes: int = Field(1_000_000, ge=1024)
    #: Script address-space limit when the policy sets none, in MiB.
    default_memory_mb: int = Field(256, ge=32)
    #: How deep APIs may call each other (workflow steps, script ctx.call_api).
    max_call_depth: int = Field(5, ge=1, le=32)
    #: Steps a workflow may have.
    max_workflow_steps: int = Field(100, ge=1)
    #: Rows per streamed batch in ExecuteApiStream.
    stream_batch_rows: int = Field(500, ge=1)
    #: Folders SQLite data sources must lie in (after symlinks and '..'); '{tenant}' is the caller's tenant.
    sqlite_roots: list[str] = Field(default_factory=lambda: ["./.run/data_sources/{tenant}"])
    #: Database hosts data sources may reach: 'host[:port]', 'address[:port]', 'cidr[:port]' ('[v6]:port';
    #: no port: the dialect's default; '*': any). Empty: no network database at all.
    data_source_allow: list[str] = Field(default_factory=list)
    #: Other databases no data source may open (this service's own database_url is always protected).
    protected_database_urls: list[str] = Field(default_factory=list)

    def for_worker(self, index: int) -> Settings:
        """Worker ``index``'s settings: its own instance id (worker 0 keeps the configured one, worker k
        is ``<id>/worker-<k>``), so a restarted worker marks only its own executions ABORTED."""
        own = super().for_worker(index)
        return own.model_copy(update={"instance_id": worker_instance_id(self.instance_id, index)}) if index else own
