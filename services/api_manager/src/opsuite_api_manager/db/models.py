"""SQLAlchemy 2 models of the api_manager metadata store (tables prefixed ``am_``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from opsuite_common.db import UTCDateTime, utcnow

__all__ = ["ApiRow", "ApiVersionRow", "Base", "DataSourceRow", "ExecutionRow", "metadata"]

metadata = MetaData()


class Base(DeclarativeBase):
    """Declarative base bound to the service's own MetaData."""

    metadata = metadata


class DataSourceRow(Base):
    """A database SQL APIs read from; the URL is Fernet-encrypted (``url_encrypted``)."""

    __tablename__ = "am_data_sources"
    __table_args__ = (UniqueConstraint("tenant", "name", name="uq_am_data_sources_tenant_name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    url_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    #: The URL with its password masked, for display (never the secret).
    url_masked: Mapped[str] = mapped_column(Text, nullable=False)
    dialect: Mapped[str] = mapped_column(String(32), nullable=False)
    pool_size: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    connect_timeout_s: Mapped[float] = mapped_column(Float, nullable=False, default=5.0)
    statement_timeout_s: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    etag: Mapped[str] = mapped_column(String(32), nullable=False)
    created_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ApiRow(Base):
    """A dynamic API: its current definition (JSON) and version. DeleteApi deletes the row (and its versions);
    ``deleted_at`` is only set by the soft deletes of earlier versions (removed by migration 0004 and the sweep)."""

    __tablename__ = "am_apis"
    __table_args__ = (
        # Names are unique among live APIs only, so a deleted API's name can be reused.
        Index(
            "uq_am_apis_tenant_name_live",
            "tenant",
            "name",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    #: Tags as ``,a,b,`` so that a tag filter is one indexed-free LIKE '%,tag,%' in either database.
    tags_text: Mapped[str] = mapped_column(Text, nullable=False, default=",")
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    expose_as_tool: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    etag: Mapped[str] = mapped_column(String(32), nullable=False)
    created_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    updated_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ApiVersionRow(Base):
    """A snapshot of an API's definition, one per save (create, update, rollback)."""

    __tablename__ = "am_api_versions"

    api_id: Mapped[str] = mapped_column(String(36), ForeignKey("am_apis.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    change: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ExecutionRow(Base):
    """One execution of an API (never a dry run): who, what, how it ended, and its step and log lines."""

    __tablename__ = "am_executions"
    __table_args__ = (
        Index("ix_am_executions_tenant_started", "tenant", "started_at", "id"),
        Index("ix_am_executions_tenant_api_started", "tenant", "api_id", "started_at", "id"),
        Index("ix_am_executions_owner_status", "owner", "status"),
        # The retention sweep: old executions of every tenant.
        Index("ix_am_executions_started", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    api_id: Mapped[str] = mapped_column(String(36), nullable=False)
    api_name: Mapped[str] = mapped_column(String(128), nullable=False)
    api_version: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    caller: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    error_reason: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    error_message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    duration_ms: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    request_id: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    parent_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    steps: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    logs: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    #: The service instance that ran it (``instance_id`` setting): a restart aborts only its own RUNNING runs.
    owner: Mapped[str] = mapped_column(String(128), nullable=False, default="", server_default="")
