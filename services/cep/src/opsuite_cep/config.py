"""Settings of the cep service (env prefix ``OPSUITE_CEP_``), loaded once in ``main``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from opsuite_common.settings import ServiceSettings

__all__ = ["Settings"]


class Settings(ServiceSettings):
    """cep settings; every field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="OPSUITE_CEP_", frozen=True, extra="ignore")

    port: int = 50052
    database_url: str = "sqlite:///./.run/cep.db"
