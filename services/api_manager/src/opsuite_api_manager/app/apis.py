"""API definition use cases: validate, CRUD with etags (delete takes the versions), rollback, the live target."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_api_manager.adapters.freshness import Freshness, Trusting
from opsuite_api_manager.db import (
    ApiRepository,
    ApiRow,
    ApiVersionRow,
    DataSourceRepository,
)
from opsuite_api_manager.domain.sql_guard import SqlDialect
from opsuite_common.db import Database, enforce_quota, new_etag, utcnow
from opsuite_common.errors import NotFoundError, StaleEtagError
from opsuite_common.paging import Page, decode_page_token, encode_page_token

from ._session import _detached
from ._ttl_cache import TtlCache
from .definitions import ApiDefinition, Limits, ValidationReport, validate_definition
from .execution import Target
from .outcomes import Caller

__all__ = ["TARGET_TTL_S", "ApiFilter", "ApiRef", "ApiService", "definition_of"]

#: How long an executable API definition is cached (writes in this process invalidate at once, other replicas'
#: writes through ``adapters.freshness``).
TARGET_TTL_S = 2.0


@dataclass(frozen=True, slots=True)
class ApiRef:
    """By id or by name."""

    id: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class ApiFilter:
    """ListApis filters."""

    kind: str = ""
    tag: str = ""
    enabled: bool | None = None
    query: str = ""
    expose_as_tool: bool | None = None


def _apply(row: ApiRow, d: ApiDefinition) -> None:
    row.name = d.name
    row.description = d.description
    row.kind = d.kind
    row.tags_text = "," + ",".join(d.tags) + ("," if d.tags else "")
    row.enabled = d.enabled
    row.expose_as_tool = d.expose_as_tool
    row.definition = d.to_json()


def definition_of(row: ApiRow | ApiVersionRow) -> ApiDefinition:
    """The definition stored in a row."""
    return ApiDefinition.from_json(row.definition)


class ApiService:
    """The API definitions of the caller's tenant: what is saved, its versions, and what runs."""

    def __init__(self, db: Database, limits: Limits, freshness: Freshness | None = None) -> None:
        """Wire storage and the save-time limits; ``freshness`` keeps the cached targets in step with other
        replicas' writes (default: none can write)."""
        self.db, self.limits = db, limits
        self._targets: TtlCache[tuple[str, str, str], Target] = TtlCache(TARGET_TTL_S)
        self._freshness = freshness if freshness is not None else Trusting()

    # ------------------------------------------------------------------ validation

    async def _report(self, s: AsyncSession, caller: Caller, d: ApiDefinition) -> ValidationReport:
        dialects: dict[str, SqlDialect] = {}
        if d.kind == "SQL" and d.spec.get("data_source"):
            try:
                row = await DataSourceRepository(s, caller.tenant).get(name=str(d.spec["data_source"]))
                dialects[row.name] = SqlDialect(row.dialect)
            except NotFoundError:
                pass
        names = await ApiRepository(s, caller.tenant).live_names() if d.kind == "WORKFLOW" else set()
        return validate_definition(d, limits=self.limits, dialect_of=dialects.get, api_exists=names.__contains__)

    async def validate(self, caller: Caller, d: ApiDefinition) -> ValidationReport:
        """Validate without saving: violations come back as data."""
        async with self.db.session(readonly=True) as s:
            return await self._report(s, caller, d)

    # ------------------------------------------------------------------ CRUD

    async def create(self, caller: Caller, d: ApiDefinition) -> ApiRow:
        """Validate and store version 1."""
        now = utcnow()
        async with self.db.session() as s:
            (await self._report(s, caller, d)).raise_if_invalid()
            row = ApiRow(
                id=str(uuid.uuid4()),
                version=1,
                etag=new_etag(),
                created_by=caller.subject,
                updated_by=caller.subject,
                created_at=now,
                updated_at=now,
            )
            _apply(row, d)
            repo = ApiRepository(s, caller.tenant)
            await enforce_quota(
                s,
                ApiRow,
                [ApiRow.tenant == caller.tenant, ApiRow.deleted_at.is_(None)],
                limit=self.limits.max_apis_per_tenant,
                what="APIs",
                setting="OPSUITE_API_MANAGER_MAX_APIS_PER_TENANT",
            )
            self._targets.clear()
            await repo.add(row)
            await repo.add_version(self._snapshot(row, caller, "created"))
            return row

    def _snapshot(self, row: ApiRow, caller: Caller, change: str) -> ApiVersionRow:
        return ApiVersionRow(
            api_id=row.id,
            version=row.version,
            definition=row.definition,
            change=change,
            created_by=caller.subject,
            created_at=row.updated_at,
        )

    async def get(self, caller: Caller, ref: ApiRef) -> ApiRow:
        """A live API by id or name."""
        async with self.db.session(readonly=True) as s:
            return _detached(s, await ApiRepository(s, caller.tenant).get(id=ref.id, name=ref.name))

    async def list_apis(self, caller: Caller, f: ApiFilter, size: int, token: str) -> Page:
        """A page of live APIs ordered by name."""
        scope: Any = ["apis", caller.tenant, f.kind, f.tag, f.enabled, f.query, f.expose_as_tool]
        after = decode_page_token(token, scope)
        async with self.db.session(readonly=True) as s:
            rows = await ApiRepository(s, caller.tenant).list_apis(
                size,
                after,
                kind=f.kind,
                tag=f.tag,
                enabled=f.enabled,
                query=f.query,
                expose_as_tool=f.expose_as_tool,
            )
            s.expunge_all()
        more = len(rows) > size
        rows = rows[:size]

        def after_row(row: ApiRow) -> str:
            return encode_page_token([row.name, row.id], scope)

        return Page(rows, after_row(rows[-1]) if more else "", after_row)

    @staticmethod
    def _check_etag(row: ApiRow, etag: str) -> None:
        if etag and etag != row.etag:
            raise StaleEtagError(
                f"API '{row.name}' changed since you read it (etag {etag} is stale, current version {row.version}); "
                "read it again and retry"
            )

    async def update(self, caller: Caller, api_id: str, d: ApiDefinition, etag: str) -> ApiRow:
        """Replace the definition (etag-checked); records a new version."""
        async with self.db.session() as s:
            repo = ApiRepository(s, caller.tenant)
            row = await repo.get(id=api_id, for_update=True)
            self._check_etag(row, etag)
            (await self._report(s, caller, d)).raise_if_invalid()
            return await self._bump(repo, row, d, caller, "updated")

    async def _bump(self, repo: ApiRepository, row: ApiRow, d: ApiDefinition, caller: Caller, change: str) -> ApiRow:
        self._targets.clear()
        _apply(row, d)
        row.version += 1
        row.etag = new_etag()
        row.updated_by = caller.subject
        row.updated_at = utcnow()
        await repo.flush_rename(row)
        await repo.add_version(self._snapshot(row, caller, change))
        # The version retention, in the save's own transaction (the API's row is locked): the newest
        # ``max_versions_per_api`` stay, the current one among them.
        await repo.prune_versions(row.id, row.version, self.limits.max_versions_per_api)
        return row

    async def delete(self, caller: Caller, api_id: str, etag: str) -> None:
        """Delete the API and its versions: never executable again, its name free. Nothing is kept (it was a
        soft delete, whose rows nothing read: a tenant creating and deleting APIs grew the tables without
        bound); its executions keep its id and name."""
        async with self.db.session() as s:
            repo = ApiRepository(s, caller.tenant)
            row = await repo.get(id=api_id, for_update=True)
            self._check_etag(row, etag)
            await repo.remove(row)
            self._targets.clear()

    async def list_versions(self, caller: Caller, api_id: str, size: int, token: str) -> Page:
        """Versions in order."""
        scope: Any = ["versions", caller.tenant, api_id]
        after = decode_page_token(token, scope)
        async with self.db.session(readonly=True) as s:
            repo = ApiRepository(s, caller.tenant)
            await repo.get(id=api_id)
            rows = await repo.list_versions(api_id, size, after)
            s.expunge_all()
        more = len(rows) > size
        rows = rows[:size]

        def after_version(row: ApiVersionRow) -> str:
            return encode_page_token([row.version], scope)

        return Page(rows, after_version(rows[-1]) if more else "", after_version)

    async def get_version(self, caller: Caller, api_id: str, version: int) -> ApiVersionRow:
        """One version of a live API."""
        async with self.db.session(readonly=True) as s:
            repo = ApiRepository(s, caller.tenant)
            await repo.get(id=api_id)
            return _detached(s, await repo.get_version(api_id, version))

    async def rollback(self, caller: Caller, api_id: str, version: int, etag: str) -> ApiRow:
        """Make version N current again, as a new version (re-validated: its data source may be gone)."""
        async with self.db.session() as s:
            repo = ApiRepository(s, caller.tenant)
            row = await repo.get(id=api_id, for_update=True)
            self._check_etag(row, etag)
            old = definition_of(await repo.get_version(api_id, version))
            (await self._report(s, caller, old)).raise_if_invalid()
            return await self._bump(repo, row, old, caller, f"rollback to {version}")

    # ------------------------------------------------------------------ the live target

    async def load_target(self, caller: Caller, ref: ApiRef) -> Target:
        """The live API to execute (NOT_FOUND when deleted or another tenant's).

        Cached for ``TARGET_TTL_S``: every write in this process clears the cache at once, and a hit is
        checked against other replicas' writes (``adapters.freshness``), so once an update, rollback or delete
        has answered, no replica runs what it replaced. Concurrent misses share one load.
        """

        async def load() -> Target:
            row = await self.get(caller, ref)
            return Target(row.id, row.version, definition_of(row))

        def fresh(target: Target) -> bool | Awaitable[bool]:
            return self._freshness.api_current(caller.tenant, ref.id, ref.name, target.api_id, target.version)

        return await self._targets.get((caller.tenant, ref.id, ref.name), load, fresh)

    async def load_by_name(self, caller: Caller, name: str) -> Target:
        """For nested calls."""
        return await self.load_target(caller, ApiRef(name=name))
