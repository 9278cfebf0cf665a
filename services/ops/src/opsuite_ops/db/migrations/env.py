"""Alembic environment of ops (version table ``alembic_version_ops``)."""

from opsuite_common.db import run_alembic_env
from opsuite_ops.db.models import Base

run_alembic_env(Base.metadata, "alembic_version_ops")
