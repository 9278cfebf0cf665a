"""The values an SQL run returns, and how driver rows become them: columns with type hints, JSON-safe rows
with every cell capped, whole results and the batches of a stream (prefetching one batch ahead so the
batch that ends the stream says ``last``). No I/O of its own: ``batches`` fetches through the callable it
is given.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import CursorResult

from opsuite_api_manager.domain.jsonsafe import cap_cell, to_jsonable, type_hint

__all__ = [
    "DEFAULT_MAX_CELL_BYTES",
    "Column",
    "ConnectionCheck",
    "SqlBatch",
    "SqlReference",
    "SqlResult",
    "batches",
    "column_types",
    "fill_types",
    "jsonable_rows",
    "sql_result",
    "sqlite_columns",
]


#: Cell size limit when the caller passes none (the service passes ``max_cell_bytes`` from its settings).
DEFAULT_MAX_CELL_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Column:
    """A result column: its name and a type hint (database type name, else inferred from values)."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class SqlReference:
    """What was queried: the data source's name and the normalized statement."""

    data_source: str
    statement: str


@dataclass(frozen=True, slots=True)
class SqlResult:
    """A complete SQL result with JSON-safe rows; ``truncated`` when rows or cells were cut.

    ``cells_truncated`` counts the cells cut to the cell size limit (each also sets ``truncated``).
    """

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    truncated: bool
    row_count: int
    duration_ms: float
    reference: SqlReference
    cells_truncated: int = 0


@dataclass(frozen=True, slots=True)
class SqlBatch:
    """One batch of a streamed result; the batch with ``last=True`` carries the final counters.

    ``cells_truncated`` counts the cells of this batch cut to the cell size limit.
    """

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    index: int
    last: bool
    truncated: bool
    row_count: int
    duration_ms: float
    reference: SqlReference
    cells_truncated: int = 0


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    """Outcome of :func:`test_connection`; ``message`` is safe to show (no credentials)."""

    ok: bool
    message: str
    duration_ms: float


def column_types(result: CursorResult[Any], rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
    """Columns with the database's type names; call before fetching (a drained result drops its cursor)."""
    names = list(result.keys())
    description = result.cursor.description if result.cursor is not None else None
    columns = []
    for i, name in enumerate(names):
        hint = ""
        code = description[i][1] if description and i < len(description) else None
        if isinstance(code, int):
            try:
                from psycopg.postgres import types as pg_types

                info = pg_types.get(code)
                hint = info.name if info is not None else ""
            except ImportError:  # pragma: no cover - psycopg is a dependency
                hint = ""
        if not hint:
            sample = next((row[i] for row in rows if row[i] is not None), None)
            hint = type_hint(sample) if sample is not None else "unknown"
        columns.append(Column(name=str(name), type=hint))
    return tuple(columns)


def fill_types(columns: tuple[Column, ...], rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
    """Columns whose type is still unknown get a hint from the first non-null value in ``rows``."""
    if all(c.type != "unknown" for c in columns):
        return columns
    filled = []
    for i, column in enumerate(columns):
        sample = next((row[i] for row in rows if row[i] is not None), None) if column.type == "unknown" else None
        filled.append(Column(column.name, type_hint(sample)) if sample is not None else column)
    return tuple(filled)


def jsonable_rows(rows: Sequence[Sequence[Any]], max_cell_bytes: int) -> tuple[list[list[Any]], int]:
    """JSON-safe rows with every cell capped at ``max_cell_bytes``, and how many cells were cut."""
    out: list[list[Any]] = []
    cut = 0
    for row in rows:
        values = []
        for value in row:
            capped, was_cut = cap_cell(to_jsonable(value), max_cell_bytes)
            cut += was_cut
            values.append(capped)
        out.append(values)
    return out, cut


def sqlite_columns(description: Any, rows: Sequence[Sequence[Any]]) -> tuple[Column, ...]:
    """Column names from the cursor; SQLite declares no result types, so hints come from the values."""
    columns = []
    for i, item in enumerate(description or ()):
        sample = next((row[i] for row in rows if row[i] is not None), None)
        columns.append(Column(name=str(item[0]), type=type_hint(sample) if sample is not None else "unknown"))
    return tuple(columns)


def sql_result(
    columns: tuple[Column, ...],
    rows: list[Any],
    row_limit: int,
    max_cell_bytes: int,
    started: float,
    reference: SqlReference,
) -> SqlResult:
    """The SqlResult of up to ``row_limit + 1`` fetched rows (the extra row only says ``truncated``)."""
    json_rows, cut = jsonable_rows(rows[:row_limit], max_cell_bytes)
    return SqlResult(
        columns=columns,
        rows=json_rows,
        truncated=len(rows) > row_limit or cut > 0,
        row_count=len(json_rows),
        duration_ms=(time.perf_counter() - started) * 1000,
        reference=reference,
        cells_truncated=cut,
    )


async def batches(
    result: Any,
    columns_of: Any,
    fetch: Any,
    limits: tuple[int, int, int],
    started: float,
    reference: SqlReference,
) -> AsyncGenerator[SqlBatch, None]:
    """Prefetch one batch ahead so the batch that ends the stream is marked ``last`` (and ``truncated``).

    ``limits`` is (row limit, batch size, cell size limit); a batch with a cut cell says ``truncated``.
    """
    row_limit, batch_size, max_cell_bytes = limits
    want = min(batch_size, row_limit)
    pending: list[Any] = await fetch(result, want) if want else []
    columns = columns_of(result, pending)
    fetched, emitted, index = len(pending), 0, 0
    while True:
        truncated = False
        nxt: list[Any] = []
        if want == 0 or len(pending) < want:
            last = True
            truncated = want == 0 and bool(await fetch(result, 1))
        elif fetched >= row_limit:
            last, truncated = True, bool(await fetch(result, 1))
        else:
            want = min(batch_size, row_limit - fetched)
            nxt = await fetch(result, want)
            fetched += len(nxt)
            last = not nxt
        emitted += len(pending)
        json_rows, cut = jsonable_rows(pending, max_cell_bytes)
        yield SqlBatch(
            columns=columns,
            rows=json_rows,
            index=index,
            last=last,
            truncated=truncated or cut > 0,
            row_count=emitted,
            duration_ms=(time.perf_counter() - started) * 1000,
            reference=reference,
            cells_truncated=cut,
        )
        if last:
            return
        pending, index = nxt, index + 1
