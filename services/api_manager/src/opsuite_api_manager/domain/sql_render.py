"""The saved statement as driver SQL: only the guard's ``:name`` spans change, into the driver's style.

The text is never regenerated (see ``sql_guard``): what runs is what was saved, byte for byte, apart
from the placeholders. For the ``pyformat``/``format`` styles (psycopg, MySQL drivers) every other
``%`` is doubled and parameters are always sent, so the driver turns ``%%`` back into ``%``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from opsuite_common.errors import ValidationError

from .sql_guard import BindSpan, CheckedQuery

__all__ = ["render_for_driver"]


def render_for_driver(
    query: CheckedQuery, params: Mapping[str, Any], paramstyle: str
) -> tuple[str, dict[str, Any] | tuple[Any, ...]]:
    """Driver SQL and parameters for a DB-API ``paramstyle``: the saved text, binds in the driver's style.

    Only the ``:name`` spans the guard located change (into ``%(name)s``, ``?``, ``$1``...). For the
    ``pyformat``/``format`` styles every other ``%`` is doubled, and parameters are always sent (an
    empty dict or tuple when there are none), so the driver turns ``%%`` back into the ``%`` that was
    written whether or not the statement has binds: a literal ``LIKE 'host-00%'`` reaches the database
    as written. The driver SQL depends only on the statement and the paramstyle, so it is cached.
    """
    missing = [n for n in query.bind_names if n not in params]
    if missing:
        raise ValidationError.for_field(f"params.{missing[0]}", "is required by the SQL statement (no value)")
    sql, names = _driver_template(query.sql, query.spans, paramstyle)
    if paramstyle in ("named", "pyformat"):
        return sql, {name: params[name] for name in names}
    return sql, tuple(params[name] for name in names)


@functools.lru_cache(maxsize=2048)
def _driver_template(sql: str, spans: tuple[BindSpan, ...], paramstyle: str) -> tuple[str, tuple[str, ...]]:
    """(driver SQL, the parameter names it binds, in order) for one statement and paramstyle.

    For named styles the names are unique; for positional ones they follow the placeholders (repeats
    included), and for ``numeric_dollar`` they follow the numbering.
    """
    percent = paramstyle in ("pyformat", "format")
    parts: list[str] = []
    names: list[str] = []
    numbers: dict[str, int] = {}
    at = 0
    for span in spans:
        text = sql[at : span.start]
        parts.append(text.replace("%", "%%") if percent else text)
        if paramstyle == "named":
            parts.append(f":{span.name}")
        elif paramstyle == "pyformat":
            parts.append(f"%({span.name})s")
        elif paramstyle == "numeric_dollar":
            if span.name not in numbers:
                numbers[span.name] = len(numbers) + 1
                names.append(span.name)
            parts.append(f"${numbers[span.name]}")
        elif paramstyle in ("qmark", "format"):
            names.append(span.name)
            parts.append("?" if paramstyle == "qmark" else "%s")
        else:
            raise ValueError(f"unsupported DB-API paramstyle {paramstyle!r}")
        at = span.end
    tail = sql[at:]
    parts.append(tail.replace("%", "%%") if percent else tail)
    if paramstyle in ("named", "pyformat"):
        return "".join(parts), tuple(dict.fromkeys(span.name for span in spans))
    return "".join(parts), tuple(names)
