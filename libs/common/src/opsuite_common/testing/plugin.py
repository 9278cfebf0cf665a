"""Pytest plugin loaded by the root config (``-p opsuite_common.testing.plugin``): shared fixtures."""

from __future__ import annotations

from opsuite_common.testing.db import database, db_url, pg_url, sqlite_url

__all__ = ["database", "db_url", "pg_url", "sqlite_url"]
