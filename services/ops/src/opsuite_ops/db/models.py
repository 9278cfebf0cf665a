"""SQLAlchemy models of ops' own store: one row per run (tables prefixed ``ops_``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from opsuite_common.db import UTCDateTime

__all__ = ["Base", "RunRow"]


class Base(DeclarativeBase):
    """Declarative base of the ops tables."""


class RunRow(Base):
    """A persisted run: the question, the answer and its blocks/references, and the full trace as JSON."""

    __tablename__ = "ops_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    subject: Mapped[str] = mapped_column(String(256), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    mode: Mapped[str] = mapped_column(String(32), nullable=False)
    #: running, then succeeded, partial, failed, cancelled (shutdown grace) or aborted (process died).
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    partial: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    blocks_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    references_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    gaps_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    #: The whole :class:`~opsuite_ops.domain.Trace` (phases, plans, calls with inputs/outputs/errors).
    trace_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    planner: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    error_reason: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    error_message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    duration_ms: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    request_id: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    #: The service instance that ran it (``instance_id`` setting): a restart aborts only its own running runs.
    owner: Mapped[str] = mapped_column(String(128), nullable=False, default="", server_default="")
    #: How complete the answer is: complete, partial, unanswered; "" for a run without an answer.
    answer_status: Mapped[str] = mapped_column(String(16), nullable=False, default="", server_default="")
    #: Why it is not complete: a JSON list of ``{reason, detail, tool, step_id}``.
    answer_reasons_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]", server_default="[]")

    __table_args__ = (
        # ListRuns: a tenant's runs newest first (keyset on created_at, id), optionally by status.
        Index("ix_ops_runs_tenant_created", "tenant", "created_at", "id"),
        Index("ix_ops_runs_tenant_status_created", "tenant", "status", "created_at"),
        Index("ix_ops_runs_owner_status", "owner", "status"),
        # The retention sweep: old runs of every tenant.
        Index("ix_ops_runs_finished", "finished_at"),
    )
