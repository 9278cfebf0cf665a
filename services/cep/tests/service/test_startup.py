"""Start-up checks of cep (docs/architecture/cep.md, Replicas and partitions, Limits)."""

from __future__ import annotations

import sqlite3

import pytest

from opsuite_cep.app.wiring import MIN_SQLITE, require_sqlite_returning
from opsuite_common.errors import FailedPreconditionError


def test_cep_refuses_a_sqlite_without_returning() -> None:
    with pytest.raises(FailedPreconditionError, match=r"SQLite 3\.35\.0 or later .* linked with SQLite 3\.34\.1"):
        require_sqlite_returning("sqlite:////tmp/cep.db", (3, 34, 1))
    require_sqlite_returning("sqlite:////tmp/cep.db", (3, 35, 0))
    require_sqlite_returning("postgresql://127.0.0.1/test", (3, 7, 17))  # PostgreSQL: not SQLite's concern


def test_the_linked_sqlite_is_recent_enough() -> None:
    assert sqlite3.sqlite_version_info >= MIN_SQLITE
    require_sqlite_returning("sqlite:////tmp/cep.db")
