"""Repositories: every query takes the tenant and filters by it (another tenant's row is simply not found)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.db import is_unique_violation
from opsuite_common.errors import ConflictError, NotFoundError

from .models import ApiRow, ApiVersionRow, DataSourceRow, ExecutionRow

__all__ = ["ApiRepository", "DataSourceRepository", "ExecutionRepository"]


async def _flush_unique(session: AsyncSession, what: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise ConflictError(f"{what} already exists; choose another name", reason="ALREADY_EXISTS") from None
        raise


class DataSourceRepository:
    """Data sources of one tenant."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        """Bind to a session and the caller's tenant."""
        self.s, self.tenant = session, tenant

    async def add(self, row: DataSourceRow) -> DataSourceRow:
        """Insert; a duplicate name is ConflictError."""
        row.tenant = self.tenant
        self.s.add(row)
        await _flush_unique(self.s, f"a data source named '{row.name}'")
        return row

    async def get(self, *, id: str = "", name: str = "") -> DataSourceRow:
        """By id or name; NotFoundError otherwise (also for another tenant's)."""
        q = select(DataSourceRow).where(DataSourceRow.tenant == self.tenant)
        q = q.where(DataSourceRow.id == id) if id else q.where(DataSourceRow.name == name)
        row = (await self.s.execute(q)).scalar_one_or_none()
        if row is None:
            shown = f"id '{id}'" if id else f"name '{name}'"
            raise NotFoundError(f"no data source with {shown} in this tenant", metadata={"resource": "data_source"})
        return row

    async def list_sources(self, limit: int, after: list[Any] | None) -> list[DataSourceRow]:
        """Ordered by (name, id), after the keyset ``after``."""
        q = select(DataSourceRow).where(DataSourceRow.tenant == self.tenant)
        if after:
            q = q.where(
                or_(DataSourceRow.name > after[0], and_(DataSourceRow.name == after[0], DataSourceRow.id > after[1]))
            )
        q = q.order_by(DataSourceRow.name, DataSourceRow.id).limit(limit + 1)
        return list((await self.s.execute(q)).scalars())

    async def delete(self, row: DataSourceRow) -> None:
        """Remove the row."""
        await self.s.delete(row)
        await self.s.flush()


class ApiRepository:
    """Live (not deleted) APIs of one tenant, and their versions."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        """Bind to a session and the caller's tenant."""
        self.s, self.tenant = session, tenant

    def _live(self) -> Select[ApiRow]:
        return select(ApiRow).where(ApiRow.tenant == self.tenant, ApiRow.deleted_at.is_(None))

    async def add(self, row: ApiRow) -> ApiRow:
        """Insert; a live API with the same name is ConflictError."""
        row.tenant = self.tenant
        self.s.add(row)
        await _flush_unique(self.s, f"an API named '{row.name}'")
        return row

    async def flush_rename(self, row: ApiRow) -> None:
        """Flush an update that may have changed the name (duplicate -> ConflictError)."""
        await _flush_unique(self.s, f"an API named '{row.name}'")

    async def get(self, *, id: str = "", name: str = "", for_update: bool = False) -> ApiRow:
        """A live API by id or name; NotFoundError when missing, deleted or another tenant's."""
        q = self._live()
        q = q.where(ApiRow.id == id) if id else q.where(ApiRow.name == name)
        if for_update:
            q = q.with_for_update()
        row = (await self.s.execute(q)).scalar_one_or_none()
        if row is None:
            shown = f"id '{id}'" if id else f"name '{name}'"
            raise NotFoundError(f"no API with {shown} in this tenant", metadata={"resource": "api"})
        return row

    async def live_names(self) -> set[str]:
        """Names of every live API (workflow save-time checks)."""
        q = select(ApiRow.name).where(ApiRow.tenant == self.tenant, ApiRow.deleted_at.is_(None))
        return set((await self.s.execute(q)).scalars())

    async def list_apis(
        self,
        limit: int,
        after: list[Any] | None,
        *,
        kind: str = "",
        tag: str = "",
        enabled: bool | None = None,
        query: str = "",
        expose_as_tool: bool | None = None,
    ) -> list[ApiRow]:
        """Ordered by (name, id) with the filters of ListApis."""
        q = self._live()
        if kind:
            q = q.where(ApiRow.kind == kind)
        if tag:
            q = q.where(ApiRow.tags_text.contains(f",{tag},", autoescape=True))
        if enabled is not None:
            q = q.where(ApiRow.enabled.is_(enabled))
        if expose_as_tool is not None:
            q = q.where(ApiRow.expose_as_tool.is_(expose_as_tool))
        if query:
            needle = query.lower()
            q = q.where(
                or_(
                    func.lower(ApiRow.name).contains(needle, autoescape=True),
                    func.lower(ApiRow.description).contains(needle, autoescape=True),
                )
            )
        if after:
            q = q.where(or_(ApiRow.name > after[0], and_(ApiRow.name == after[0], ApiRow.id > after[1])))
        q = q.order_by(ApiRow.name, ApiRow.id).limit(limit + 1)
        return list((await self.s.execute(q)).scalars())

    async def add_version(self, row: ApiVersionRow) -> None:
        """Record a version snapshot."""
        row.tenant = self.tenant
        self.s.add(row)
        await self.s.flush()

    async def get_version(self, api_id: str, version: int) -> ApiVersionRow:
        """One snapshot; NotFoundError when absent (saying so when the retention pruned it)."""
        q = select(ApiVersionRow).where(
            ApiVersionRow.tenant == self.tenant, ApiVersionRow.api_id == api_id, ApiVersionRow.version == version
        )
        row = (await self.s.execute(q)).scalar_one_or_none()
        if row is not None:
            return row
        kept = select(func.min(ApiVersionRow.version), func.max(ApiVersionRow.version)).where(
            ApiVersionRow.tenant == self.tenant, ApiVersionRow.api_id == api_id
        )
        oldest, newest = (await self.s.execute(kept)).one()
        if oldest is not None and 1 <= version < oldest:
            raise NotFoundError(
                f"version {version} of API '{api_id}' was pruned by the version retention "
                f"(OPSUITE_API_MANAGER_MAX_VERSIONS_PER_API keeps the newest versions); "
                f"versions {oldest} to {newest} remain",
                metadata={
                    "resource": "api_version",
                    "pruned": "true",
                    "oldest_version": str(oldest),
                    "newest_version": str(newest),
                },
            )
        raise NotFoundError(f"API '{api_id}' has no version {version}", metadata={"resource": "api_version"})

    async def prune_versions(self, api_id: str, current: int, keep: int) -> int:
        """Delete the versions older than the newest ``keep`` (``current`` is the newest; 0: keep all)."""
        if keep <= 0 or current <= keep:
            return 0
        result = await self.s.execute(
            delete(ApiVersionRow).where(
                ApiVersionRow.tenant == self.tenant,
                ApiVersionRow.api_id == api_id,
                ApiVersionRow.version <= current - keep,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def remove(self, row: ApiRow) -> None:
        """Delete ``row`` (this tenant's) and all its versions."""
        await self.s.execute(
            delete(ApiVersionRow).where(ApiVersionRow.tenant == self.tenant, ApiVersionRow.api_id == row.id)
        )
        await self.s.delete(row)

    async def list_versions(self, api_id: str, limit: int, after: list[Any] | None) -> list[ApiVersionRow]:
        """Snapshots in version order."""
        q = select(ApiVersionRow).where(ApiVersionRow.tenant == self.tenant, ApiVersionRow.api_id == api_id)
        if after:
            q = q.where(ApiVersionRow.version > int(after[0]))
        q = q.order_by(ApiVersionRow.version).limit(limit + 1)
        return list((await self.s.execute(q)).scalars())


class ExecutionRepository:
    """The execution log of one tenant."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        """Bind to a session and the caller's tenant."""
        self.s, self.tenant = session, tenant

    async def add(self, row: ExecutionRow) -> None:
        """Insert one execution record."""
        row.tenant = self.tenant
        self.s.add(row)
        await self.s.flush()

    async def get(self, id: str) -> ExecutionRow:
        """One execution; NotFoundError when absent or another tenant's."""
        q = select(ExecutionRow).where(ExecutionRow.tenant == self.tenant, ExecutionRow.id == id)
        row = (await self.s.execute(q)).scalar_one_or_none()
        if row is None:
            raise NotFoundError(f"no execution with id '{id}' in this tenant", metadata={"resource": "execution"})
        return row

    async def list_executions(
        self,
        limit: int,
        after: list[Any] | None,
        *,
        api_id: str = "",
        status: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[ExecutionRow]:
        """Newest first, ordered by (started_at, id) descending."""
        q = select(ExecutionRow).where(ExecutionRow.tenant == self.tenant)
        if api_id:
            q = q.where(ExecutionRow.api_id == api_id)
        if status:
            q = q.where(ExecutionRow.status == status)
        if since is not None:
            q = q.where(ExecutionRow.started_at >= since)
        if until is not None:
            q = q.where(ExecutionRow.started_at < until)
        if after:
            at = datetime.fromisoformat(after[0])
            q = q.where(
                or_(ExecutionRow.started_at < at, and_(ExecutionRow.started_at == at, ExecutionRow.id < after[1]))
            )
        q = q.order_by(ExecutionRow.started_at.desc(), ExecutionRow.id.desc()).limit(limit + 1)
        return list((await self.s.execute(q)).scalars())
