"""Settings of the api_manager service (env prefix ``OPSUITE_API_MANAGER_``), loaded once in ``main``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from opsuite_common.settings import ServiceSettings

__all__ = ["Settings"]


class Settings(ServiceSettings):
    """api_manager settings; every field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="OPSUITE_API_MANAGER_", frozen=True, extra="ignore")

    port: int = 50051
    database_url: str = "sqlite:///./.run/api_manager.db"
