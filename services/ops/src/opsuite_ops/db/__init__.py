"""ops persistence: runs with their trace (``ops_runs``), Alembic migrations (``alembic_version_ops``)."""

from opsuite_ops.db.models import Base, RunRow
from opsuite_ops.db.repository import MIGRATIONS_DIR, VERSION_TABLE, RunFilter, RunRepository, migrate

__all__ = ["MIGRATIONS_DIR", "VERSION_TABLE", "Base", "RunFilter", "RunRepository", "RunRow", "migrate"]
