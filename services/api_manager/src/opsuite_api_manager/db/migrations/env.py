"""Alembic environment of api_manager (driven from code by ``run_migrations``)."""

from opsuite_api_manager.db.models import metadata
from opsuite_common.db import run_alembic_env

run_alembic_env(metadata)
