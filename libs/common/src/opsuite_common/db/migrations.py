"""Alembic, driven from code: each service upgrades its own schema to ``head`` at start-up.

A service keeps ``migrations/env.py`` and ``migrations/versions/`` next to its models; no
``alembic.ini`` is needed. Its ``env.py`` is::

    from opsuite_common.db import run_alembic_env
    from opsuite_cep.db.models import metadata

    run_alembic_env(metadata)

and ``main`` calls ``await run_migrations(engine, <path to migrations>, "alembic_version_cep")``.

Sharing one PostgreSQL database: every service has its own ``version_table``
(``alembic_version_<service>``) and must prefix its table names with the service name
(``cep_rules``, ``ops_jobs``...). Autogenerate only looks at the tables in the service's own
``MetaData``, so it never proposes dropping another service's tables.

Concurrent start-up: on PostgreSQL the whole upgrade runs in one transaction holding
``pg_advisory_xact_lock`` keyed on the version table, so when two replicas start together one
migrates and the other waits, then finds the schema at head and does nothing. On SQLite the
upgrade runs inside ``BEGIN IMMEDIATE``, which serializes writers the same way (a second process
waits up to the busy timeout).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
from pathlib import Path
from typing import Any

from opsuite_common._lean_imports import UNUSED_EXTRAS, without

with without(*UNUSED_EXTRAS):  # alembic's templates import pygments for error pages (see _lean_imports)
    from alembic import command, context
    from alembic.config import Config
from sqlalchemy import URL, MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from opsuite_common.db.engine import create_engine, safe_url
from opsuite_common.db.session import translate_db_error
from opsuite_common.logging import get_logger

__all__ = ["advisory_lock_key", "alembic_config", "run_alembic_env", "run_migrations"]

log = get_logger("opsuite.db.migrations")

_CONNECTION = "connection"
_VERSION_TABLE = "version_table"


def advisory_lock_key(version_table: str) -> int:
    """The PostgreSQL advisory lock key (a signed 64-bit int) guarding migrations of one version table."""
    digest = hashlib.sha256(f"opsuite-migrations:{version_table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def alembic_config(script_location: str | Path, version_table: str, url: str | URL | None = None) -> Config:
    """An Alembic ``Config`` built in code (no ini file), for ``alembic.command`` calls and tests."""
    if not Path(script_location, "env.py").is_file():
        raise FileNotFoundError(f"no Alembic env.py in {script_location}: pass the service's migrations folder")
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes[_VERSION_TABLE] = version_table
    if url is not None:
        # ConfigParser interpolation treats '%' specially; URL-encoded passwords contain it.
        rendered = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
        cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


async def run_migrations(
    engine_or_url: AsyncEngine | str | URL,
    script_location: str | Path,
    version_table: str,
    *,
    revision: str = "head",
) -> None:
    """Upgrade the schema to ``revision`` (``head``); a no-op when it is already there.

    Accepts an engine (left open) or a URL (an engine is created and disposed). Connection
    failures raise ``DatabaseUnavailableError``. See the module docstring for concurrency.
    """
    cfg = alembic_config(script_location, version_table)
    own_engine = not isinstance(engine_or_url, AsyncEngine)
    engine = create_engine(engine_or_url) if not isinstance(engine_or_url, AsyncEngine) else engine_or_url
    log.info(
        "applying migrations",
        url=safe_url(engine.url),
        script_location=str(script_location),
        version_table=version_table,
        revision=revision,
    )
    lock = _sqlite_migration_lock(engine)
    try:
        if lock is not None:
            # Two processes migrating one fresh SQLite file at once were seen to both apply a revision
            # ("duplicate column name"): a lock file beside the database serialises them, as the advisory
            # lock does on PostgreSQL, and the second one then finds the schema at head.
            await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
        async with engine.connect() as conn:
            await conn.run_sync(_upgrade, cfg, version_table, revision)
            await conn.commit()
    except Exception as exc:
        translated = translate_db_error(exc)
        if translated is None or translated is exc:
            raise
        raise translated from exc
    finally:
        if lock is not None:
            lock.close()  # releases the flock
        if own_engine:
            await engine.dispose()


def _sqlite_migration_lock(engine: AsyncEngine) -> Any:
    """The open lock file of a SQLite file database (``<file>.migrate-lock``), else None."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path.with_name(path.name + ".migrate-lock"), "a+b")


def _upgrade(conn: Connection, cfg: Config, version_table: str, revision: str) -> None:
    if conn.dialect.name == "postgresql":
        # Transaction-scoped: released by the commit (or rollback) that ends the upgrade.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_lock_key(version_table)})
    cfg.attributes[_CONNECTION] = conn
    command.upgrade(cfg, revision)


def run_alembic_env(target_metadata: MetaData | None, version_table: str | None = None) -> None:
    """The body of a service's ``migrations/env.py``: configure Alembic's context and run migrations.

    Works when called from ``run_migrations`` (the connection is passed in), from the ``alembic``
    command line with ``-x url=...`` or ``sqlalchemy.url`` (an async engine is created here), and in
    offline ``--sql`` mode. ``version_table`` defaults to the one ``run_migrations`` passed.
    """
    cfg = context.config
    table = (
        version_table
        or cfg.attributes.get(_VERSION_TABLE)
        or context.get_x_argument(as_dictionary=True).get("version_table")
    )
    if not table:
        raise RuntimeError(
            "no Alembic version table: pass version_table to run_alembic_env or -x version_table=alembic_version_<svc>"
        )
    options: dict[str, Any] = {
        "target_metadata": target_metadata,
        "version_table": table,
        "compare_type": True,
        "include_name": _only_own_tables(target_metadata),
    }
    connection = cfg.attributes.get(_CONNECTION)
    if connection is not None:
        _run_on(connection, options)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or cfg.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: run through run_migrations(), or pass -x url=sqlite:///path.db")
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, options))


async def _run_online(url: str, options: dict[str, Any]) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_run_on, options)
            await conn.commit()
    finally:
        await engine.dispose()


def _run_on(connection: Connection, options: dict[str, Any]) -> None:
    context.configure(
        connection=connection,
        # SQLite cannot ALTER most things: autogenerate batch operations there.
        render_as_batch=connection.dialect.name == "sqlite",
        **options,
    )
    with context.begin_transaction():
        context.run_migrations()


def _only_own_tables(metadata: MetaData | None) -> Any:
    """An ``include_name`` hook limiting autogenerate to the service's own tables (shared PostgreSQL)."""

    def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
        if type_ == "table" and metadata is not None:
            return name in metadata.tables
        return True

    return include_name
