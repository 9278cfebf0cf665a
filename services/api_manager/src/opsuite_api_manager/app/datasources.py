"""Data source use cases (admin): create, get, list, delete, test; URLs encrypted, never returned.

The operator's :class:`DataSourcePolicy` judges a URL when it is created and again (in the engines)
at every connection, so a source the policy stopped allowing fails with DATA_SOURCE_NOT_ALLOWED.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opsuite_api_manager.adapters.datasources import EngineCache, engine_url
from opsuite_api_manager.adapters.sql_engine import ConnectionCheck, check_connection
from opsuite_api_manager.db import DataSourceRepository, DataSourceRow
from opsuite_api_manager.domain.source_policy import DataSourcePolicy
from opsuite_api_manager.domain.sql_guard import dialect_for_url
from opsuite_common.db import Database, enforce_quota, new_etag, utcnow
from opsuite_common.errors import FieldViolation, ValidationError
from opsuite_common.limits import DESCRIPTION_BYTES, NAME_CHARS, URL_BYTES, check_text
from opsuite_common.paging import Page, decode_page_token, encode_page_token
from opsuite_common.secretbox import SecretBox
from opsuite_common.secretscope import mask_url, register_url_secrets

from ._session import _detached
from .definitions import NAME_RE
from .outcomes import Caller

__all__ = ["DataSourceInput", "DataSourceRef", "DataSourceService"]


@dataclass(frozen=True, slots=True)
class DataSourceInput:
    """What CreateDataSource receives (the URL in clear, with credentials)."""

    name: str
    url: str
    description: str = ""
    pool_size: int = 0
    connect_timeout_s: float = 0.0
    statement_timeout_s: float = 0.0


@dataclass(frozen=True, slots=True)
class DataSourceRef:
    """By id or by name."""

    id: str = ""
    name: str = ""


class DataSourceService:
    """Data sources of the caller's tenant."""

    def __init__(
        self,
        db: Database,
        box: SecretBox,
        engines: EngineCache,
        on_change: Callable[[], None] = lambda: None,
        *,
        policy: DataSourcePolicy,
        quota: int = 0,
    ) -> None:
        """Share the engine cache with the SQL engine so a deleted source's pool is closed;
        ``on_change`` drops the executor's cached copies (other replicas' caches check each hit against the
        database, ``adapters.freshness``); ``policy`` is the operator's data source policy."""
        self.db, self.box, self.engines, self.on_change = db, box, engines, on_change
        self.policy, self.quota = policy, quota

    async def create(self, caller: Caller, data: DataSourceInput) -> DataSourceRow:
        """Validate and store a data source; the URL is encrypted before it touches the database."""
        register_url_secrets(data.url)  # where the password enters: masked in errors and logs from here on
        problems: list[FieldViolation] = []
        if not NAME_RE.match(data.name):
            problems.append(FieldViolation("name", f"must be 1-{NAME_CHARS} letters, digits, '_', '-' or '.'"))
        too_big = [
            check_text("description", data.description, DESCRIPTION_BYTES),
            check_text("url", data.url, URL_BYTES),
        ]
        problems.extend(v for v in too_big if v is not None)
        dialect = ""
        try:
            dialect = dialect_for_url(data.url).value
            engine_url(data.url)
        except ValidationError as exc:
            problems.extend(exc.field_violations)
        if data.pool_size < 0 or data.pool_size > 100:
            problems.append(FieldViolation("pool_size", "must be between 0 (default 5) and 100"))
        if data.connect_timeout_s < 0 or data.statement_timeout_s < 0:
            problems.append(FieldViolation("connect_timeout", "timeouts must be >= 0"))
        if problems:
            raise ValidationError(
                f"invalid data source: {problems[0].field} {problems[0].description}", field_violations=problems
            )
        # An allow-listed host that does not resolve right now may still be saved: connections judge it again.
        await self.policy.check(caller.tenant, data.url, field="url", resolve_strictly=False)
        now = utcnow()
        row = DataSourceRow(
            id=str(uuid.uuid4()),
            name=data.name,
            description=data.description,
            url_encrypted=self.box.encrypt(data.url),
            url_masked=mask_url(data.url),
            dialect=dialect,
            pool_size=data.pool_size or 5,
            connect_timeout_s=data.connect_timeout_s or 5.0,
            statement_timeout_s=data.statement_timeout_s,
            etag=new_etag(),
            created_by=caller.subject,
            created_at=now,
            updated_at=now,
        )
        async with self.db.session() as s:
            await enforce_quota(
                s,
                DataSourceRow,
                [DataSourceRow.tenant == caller.tenant],
                limit=self.quota,
                what="data sources",
                setting="OPSUITE_API_MANAGER_MAX_DATA_SOURCES_PER_TENANT",
            )
            return await DataSourceRepository(s, caller.tenant).add(row)

    async def get(self, caller: Caller, ref: DataSourceRef) -> DataSourceRow:
        """One data source (NOT_FOUND for another tenant's)."""
        async with self.db.session(readonly=True) as s:
            return _detached(s, await DataSourceRepository(s, caller.tenant).get(id=ref.id, name=ref.name))

    async def list_data_sources(self, caller: Caller, size: int, token: str) -> Page:
        """A page ordered by name."""
        scope: Any = ["ds", caller.tenant]
        after = decode_page_token(token, scope)
        async with self.db.session(readonly=True) as s:
            rows = await DataSourceRepository(s, caller.tenant).list_sources(size, after)
            s.expunge_all()
        more = len(rows) > size
        rows = rows[:size]

        def after_row(row: DataSourceRow) -> str:
            return encode_page_token([row.name, row.id], scope)

        return Page(rows, after_row(rows[-1]) if more else "", after_row)

    async def delete(self, caller: Caller, ref: DataSourceRef) -> None:
        """Remove it and close its connection pool (APIs using it then fail with DATA_SOURCE_MISSING)."""
        async with self.db.session() as s:
            repo = DataSourceRepository(s, caller.tenant)
            row = await repo.get(id=ref.id, name=ref.name)
            await repo.delete(row)
        self.on_change()
        await self.engines.evict(row.id)

    async def test(self, caller: Caller, ref: DataSourceRef) -> ConnectionCheck:
        """Connect and run SELECT 1 if the policy still allows the source; the message never carries credentials."""
        row = await self.get(caller, ref)
        url = self.box.decrypt(row.url_encrypted)
        register_url_secrets(url)
        return await check_connection(
            url, timeout=row.connect_timeout_s, name=row.name, tenant=caller.tenant, policy=self.policy
        )
