"""Alembic environment of cep (driven from code by ``run_migrations``)."""

from opsuite_cep.db.models import metadata
from opsuite_common.db import run_alembic_env

run_alembic_env(metadata)
