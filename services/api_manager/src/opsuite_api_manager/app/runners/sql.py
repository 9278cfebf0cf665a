"""SQL APIs: the API's checked statement on its data source, whole (``run``) or in batches (``stream``).

The data source is loaded by name from the caller's tenant and decrypted; decrypted sources are cached for
a short time (a delete in this process clears them at once, ``forget_data_sources``; another replica's
delete is caught by ``adapters.freshness``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager, aclosing, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import make_url

from opsuite_api_manager.adapters.datasources import DataSource
from opsuite_api_manager.adapters.freshness import Freshness, Trusting
from opsuite_api_manager.adapters.sql_engine import Column, SqlEngine
from opsuite_api_manager.db import DataSourceRepository
from opsuite_api_manager.domain.sql_guard import CheckedQuery, SqlDialect, check_sql
from opsuite_common.db import Database
from opsuite_common.errors import FailedPreconditionError, NotFoundError, OpsuiteError
from opsuite_common.fairness import waiting_elsewhere
from opsuite_common.secretbox import SecretBox
from opsuite_common.secretscope import register_secret, url_secrets
from opsuite_common.tracing import AttributeValue, span, start_span

from .._ttl_cache import TtlCache
from ..admission import Prepared, Runtime
from ..outcomes import Caller, Outcome, Reference, SqlPart, StreamEvent
from ..recording import RunState
from ..result_size import ResultLimit

__all__ = ["SqlRunner", "StreamTally"]

#: Decrypted data sources are cached this long (a delete in this process clears them at once).
_SOURCE_TTL_S = 2.0

#: ``db.system`` of the semantic conventions, by guard dialect.
_DB_SYSTEM = {SqlDialect.SQLITE: "sqlite", SqlDialect.POSTGRES: "postgresql", SqlDialect.MYSQL: "mysql"}


def _db_span(source: DataSource, query: CheckedQuery) -> tuple[str, dict[str, AttributeValue]]:
    """The name and attributes of a query's span. The statement itself is not recorded: an API's SQL may
    hold a tenant's literals; ``db.operation`` (the statement's kind) and the data source's name are."""
    if query.tree is not None:
        op = query.tree.key.upper()
    else:
        words = query.sql.split(None, 1)
        op = words[0].upper() if words else "QUERY"
    attributes: dict[str, AttributeValue] = {
        "db.system": _DB_SYSTEM.get(source.dialect, source.dialect.value),
        "db.operation": op,
        "opsuite.data_source": source.name,
    }
    if source.dialect is not SqlDialect.SQLITE:
        try:
            url = make_url(source.url)
        except Exception:  # a stored URL SQLAlchemy cannot parse fails at connect: no address to tell
            url = None
        if url is not None and url.host:
            attributes["server.address"] = url.host
            if url.port:
                attributes["server.port"] = url.port
    return f"{op} {source.name}", attributes


@dataclass(slots=True)
class StreamTally:
    """What a finished stream's summary needs: the columns and whether the rows were cut at the row limit."""

    columns: tuple[Column, ...] = field(default=())
    truncated: bool = False


def _data_source_wait(source: DataSource) -> AbstractAsyncContextManager[None]:
    """Around a query: a server's query (PostgreSQL, MySQL) is a wait elsewhere, so the call's fair-share place
    goes back for it; a SQLite file is read by this process's own threads (and GIL), so the place is kept."""
    return nullcontext() if source.dialect is SqlDialect.SQLITE else waiting_elsewhere()


class SqlRunner:
    """Runs SQL APIs with the SQL engine; owns the cache of decrypted data sources."""

    def __init__(
        self, db: Database, box: SecretBox, sql: SqlEngine, runtime: Runtime, freshness: Freshness | None = None
    ) -> None:
        """Bind the metadata database (data sources), the key that decrypts their URLs, the engine and bounds;
        ``freshness`` checks cached sources against other replicas' deletes (``adapters.freshness``)."""
        self.db, self.box, self.sql, self.runtime = db, box, sql, runtime
        self._sources: TtlCache[tuple[str, str], tuple[DataSource, float]] = TtlCache(_SOURCE_TTL_S)
        self._freshness = freshness if freshness is not None else Trusting()

    def forget_data_sources(self) -> None:
        """Drop cached data sources (called when one is deleted)."""
        self._sources.clear()

    async def _data_source(self, caller: Caller, name: str, api: tuple[str, int]) -> tuple[DataSource, float]:
        """The decrypted data source ``name``; ``api``: the ``(api_id, version)`` of the run (on PostgreSQL,
        its API's check in this call read the source's id already)."""
        loaded = await self._sources.get(
            (caller.tenant, name),
            lambda: self._load_data_source(caller, name),
            lambda cached: self._freshness.source_current(caller.tenant, name, cached[0].id, api=api),
        )
        # Where the decrypted URL enters this call (cached or not): its password is a secret of the call.
        for secret in loaded[0].secrets:
            register_secret(secret)
        return loaded

    async def _load_data_source(self, caller: Caller, name: str) -> tuple[DataSource, float]:
        async with self.db.session(readonly=True) as s:
            try:
                row = await DataSourceRepository(s, caller.tenant).get(name=name)
            except NotFoundError:
                raise FailedPreconditionError(
                    f"the API's data source '{name}' no longer exists; re-create it or edit the API",
                    reason="DATA_SOURCE_MISSING",
                ) from None
            url = self.box.decrypt(row.url_encrypted)
            return DataSource(
                id=row.id,
                name=row.name,
                url=url,
                secrets=tuple(url_secrets(url)),
                tenant=caller.tenant,
                pool_size=row.pool_size,
                connect_timeout=row.connect_timeout_s,
            ), row.statement_timeout_s

    async def _setup(self, run: RunState, prepared: Prepared) -> tuple[DataSource, CheckedQuery, int, float]:
        d = run.target.definition
        api = (run.target.api_id, run.target.version)
        source, statement_timeout = await self._data_source(run.caller, str(d.spec.get("data_source")), api)
        query = prepared.query
        if query is None or query.dialect is not source.dialect:
            query = check_sql(str(d.spec.get("statement") or ""), SqlDialect(source.dialect), field="api.sql.statement")
            prepared.query = query
        row_limit = min(d.policy.row_limit or self.runtime.default_row_limit, self.runtime.max_row_limit)
        timeout = run.remaining
        if statement_timeout:
            timeout = min(timeout, statement_timeout)
        run.references.append(Reference("data_source", source.name, source.dialect.value))
        run.references.append(Reference("statement", source.name, query.sql))
        return source, query, row_limit, timeout

    async def run(self, run: RunState, prepared: Prepared, params: dict[str, Any], input: Any) -> Outcome:
        """The whole result (up to the row limit); a failure of the data source is blamed on it."""
        source, query, row_limit, timeout = await self._setup(run, prepared)
        run.waiting_on = f"data_source:{source.name}"
        name, attributes = _db_span(source, query)
        try:
            with span(name, attributes, kind="client") as traced:
                async with _data_source_wait(source):
                    result = await self.sql.execute(
                        source,
                        query,
                        params,
                        row_limit=row_limit,
                        timeout=timeout,
                        max_cell_bytes=self.runtime.max_cell_bytes,
                    )
                traced.set_attribute("db.response.returned_rows", len(result.rows))
        except OpsuiteError as exc:
            exc.blame_dependency(run.waiting_on)
            raise
        run.waiting_on = ""  # not in a finally: a timeout cancelling this await must still see it
        run.row_count = result.row_count
        self._note_cut_cells(run, source.name, result.cells_truncated)
        return run.outcome(sql=SqlPart(result.columns, result.rows, result.truncated, result.row_count))

    async def stream(
        self,
        run: RunState,
        prepared: Prepared,
        params: dict[str, Any],
        tally: StreamTally,
        result_limit: ResultLimit | None,
    ) -> AsyncGenerator[StreamEvent, None]:
        """The header (first batch), then row events (cut to ``result_limit``'s message size); ``tally`` and
        ``run.row_count`` hold what the summary needs. Close it (``aclosing``) to release the connection."""
        source, query, row_limit, timeout = await self._setup(run, prepared)
        run.waiting_on = f"data_source:{source.name}"  # from here on, failures are the data source's
        batches = self.sql.stream(
            source,
            query,
            params,
            row_limit=row_limit,
            timeout=timeout,
            batch_size=self.runtime.stream_batch_rows,
            max_cell_bytes=self.runtime.max_cell_bytes,
        )
        name, cut = run.target.definition.name, 0
        # Not a current span: the stream's consumer runs between the batches (the span ends with the stream).
        traced = start_span(*_db_span(source, query), kind="client")
        try:
            async with aclosing(batches) as it:
                async for batch in it:
                    if batch.index == 0:
                        tally.columns = batch.columns
                        yield StreamEvent("header", outcome=run.outcome(sql=SqlPart(tally.columns, [], False, 0)))
                    cut += batch.cells_truncated
                    if batch.rows and result_limit is not None:
                        for part, wire in result_limit.batches(batch.rows, name):
                            yield StreamEvent("rows", rows=part, wire=wire)
                    elif batch.rows:
                        yield StreamEvent("rows", rows=batch.rows)
                    run.row_count, tally.truncated = batch.row_count, tally.truncated or batch.truncated
        except Exception as exc:  # not GeneratorExit: a consumer that stops reading ends the span, not fails it
            traced.fail(exc)
            raise
        finally:
            traced.set_attribute("db.response.returned_rows", run.row_count)
            traced.end()
        self._note_cut_cells(run, source.name, cut)

    def _note_cut_cells(self, run: RunState, source: str, cut: int) -> None:
        """Cells cut to ``max_cell_bytes`` are told in a ``truncated_cells`` reference (the result says truncated)."""
        if cut:
            limit = self.runtime.max_cell_bytes
            run.references.append(Reference("truncated_cells", source, f"{cut} cell(s) cut to {limit} bytes"))
