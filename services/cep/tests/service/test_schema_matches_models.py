"""The ORM models say what the migrations make: every column of a model exists after ``alembic upgrade head``
with the same nullability, and has a server default exactly when its migration gave it one (a row inserted
outside the ORM, or an old row, gets what the model promises)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.db.models import Base
from opsuite_common.db import create_engine, run_migrations

pytestmark = pytest.mark.asyncio


async def test_every_model_column_matches_the_migrated_schema(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await run_migrations(engine, MIGRATIONS_DIR, VERSION_TABLE)
        async with engine.connect() as conn:

            def differences(sync: sa.Connection) -> list[str]:
                inspector = sa.inspect(sync)
                out = []
                for table in Base.metadata.sorted_tables:
                    columns = {c["name"]: c for c in inspector.get_columns(table.name)}
                    for column in table.columns:
                        db = columns.get(column.name)
                        if db is None:
                            out.append(f"{table.name}.{column.name}: not in the migrated schema")
                            continue
                        if bool(db["nullable"]) != bool(column.nullable):
                            out.append(f"{table.name}.{column.name}: nullable {column.nullable} vs {db['nullable']}")
                        has_default = column.server_default is not None
                        if str(db["default"]).startswith("nextval("):  # PostgreSQL's serial key: the ORM's too
                            continue
                        if has_default != (db["default"] is not None):
                            out.append(f"{table.name}.{column.name}: server default {has_default} vs {db['default']}")
                return out

            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()
