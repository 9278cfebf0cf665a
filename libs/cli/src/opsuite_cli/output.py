"""How the CLI shows results and errors to a person (Rich)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from opsuite_common.errors import OpsuiteError

__all__ = ["console", "err_console", "print_error", "print_json", "print_table"]

console = Console()
err_console = Console(stderr=True)


def print_error(exc: OpsuiteError) -> None:
    """Status, reason, message and field violations; never a traceback."""
    err_console.print(f"[bold red]Error:[/] {exc.code.name} ({exc.reason})")
    err_console.print(f"  {exc.message}", markup=False, highlight=False)
    if exc.field_violations:
        table = Table("field", "problem", show_edge=False, header_style="bold")
        for v in exc.field_violations:
            table.add_row(v.field, v.description)
        err_console.print(table)
    if exc.retry_after:
        err_console.print(f"  retry after {exc.retry_after:.1f}s")
    detail = {k: v for k, v in exc.metadata.items() if k != "request_id"}
    if detail:
        err_console.print(f"  details: {detail}", markup=False, highlight=False)
    if "request_id" in exc.metadata:
        err_console.print(f"  request id: {exc.metadata['request_id']}", markup=False)


def print_json(data: Any) -> None:
    """Pretty JSON on stdout."""
    console.print_json(json.dumps(data, default=str))


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A table of ``columns`` from ``rows``."""
    table = Table(*columns, header_style="bold")
    for r in rows:
        table.add_row(*(str(_dig(r, c)) for c in columns))
    console.print(table)


def _dig(row: dict[str, Any], path: str) -> Any:
    cur: Any = row
    for part in path.split("."):
        cur = cur.get(part, "") if isinstance(cur, dict) else ""
    return cur
