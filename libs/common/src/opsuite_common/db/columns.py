"""Column helpers shared by every service's models: UTC timestamps and etags."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["TimestampMixin", "UTCDateTime", "etag_column", "new_etag", "utcnow"]


def utcnow() -> datetime:
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def new_etag() -> str:
    """A fresh opaque etag (16 hex characters) to store on every write."""
    return secrets.token_hex(8)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Reject naive datetimes (ambiguous), store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column: use opsuite_common.db.utcnow()")
        value = value.astimezone(UTC)
        # SQLite stores text: drop the offset so values sort and compare lexically.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Always return an aware UTC datetime."""
        if value is None:
            return None
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class TimestampMixin:
    """Adds ``created_at`` and ``updated_at`` (aware UTC, set by the ORM) to a declarative model."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


def etag_column() -> Mapped[str]:
    """A non-null ``etag`` column initialised with ``new_etag()``; set a new one on every update."""
    return mapped_column(String(32), default=new_etag, nullable=False)
