"""Storage of ops: runs with their trace (``ops_runs``), Alembic migrations and repositories."""

from pathlib import Path

from .models import Base, RunRow
from .repositories import InstanceRuns, RunRepository

#: The Alembic script location (env.py + versions/).
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The service's own Alembic version table.
VERSION_TABLE = "alembic_version_ops"

__all__ = ["MIGRATIONS_DIR", "VERSION_TABLE", "Base", "InstanceRuns", "RunRepository", "RunRow"]
