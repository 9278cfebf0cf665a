"""Storage of api_manager: models, Alembic migrations, repositories and URL encryption."""

from pathlib import Path

from .crypto import data_source_box
from .models import ApiRow, ApiVersionRow, DataSourceRow, ExecutionRow, metadata
from .repositories import ApiRepository, DataSourceRepository, ExecutionRepository

#: The Alembic script location (env.py + versions/).
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The service's own Alembic version table.
VERSION_TABLE = "alembic_version_api_manager"

__all__ = [
    "MIGRATIONS_DIR",
    "VERSION_TABLE",
    "ApiRepository",
    "ApiRow",
    "ApiVersionRow",
    "DataSourceRepository",
    "DataSourceRow",
    "ExecutionRepository",
    "ExecutionRow",
    "data_source_box",
    "metadata",
]
