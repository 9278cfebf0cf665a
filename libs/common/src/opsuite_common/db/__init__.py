"""SQLAlchemy 2 async helpers: engine factory, one-commit sessions, error translation, Alembic at start-up.

Typical service wiring::

    db = Database(create_engine(settings.database_url, application_name="cep"))
    await run_migrations(db.engine, MIGRATIONS_DIR, "alembic_version_cep")
    async with db.session() as s:   # one commit per use case, rollback on exception
        ...
    await db.dispose()

Services sharing one PostgreSQL database prefix their table names with the service name and use
their own Alembic version table (see ``opsuite_common.db.migrations``).
"""

from opsuite_common.db.columns import TimestampMixin, UTCDateTime, etag_column, new_etag, utcnow
from opsuite_common.db.engine import SQLITE_BEGIN_OPTION, create_engine, is_sqlite, normalize_url, safe_url
from opsuite_common.db.instance import InstanceInUseError, claim_instance, instance_owner, worker_instance_id
from opsuite_common.db.migrations import advisory_lock_key, alembic_config, run_alembic_env, run_migrations
from opsuite_common.db.quotas import enforce_quota
from opsuite_common.db.retention import Purge, RetentionSweeper, delete_batch_where
from opsuite_common.db.session import (
    Database,
    is_foreign_key_violation,
    is_unique_violation,
    translate_db_error,
)

__all__ = [
    "SQLITE_BEGIN_OPTION",
    "Database",
    "InstanceInUseError",
    "Purge",
    "RetentionSweeper",
    "TimestampMixin",
    "UTCDateTime",
    "advisory_lock_key",
    "alembic_config",
    "claim_instance",
    "create_engine",
    "delete_batch_where",
    "enforce_quota",
    "etag_column",
    "instance_owner",
    "is_foreign_key_violation",
    "is_sqlite",
    "is_unique_violation",
    "new_etag",
    "normalize_url",
    "run_alembic_env",
    "run_migrations",
    "safe_url",
    "translate_db_error",
    "utcnow",
    "worker_instance_id",
]
