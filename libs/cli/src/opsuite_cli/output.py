"""How the CLI shows results and errors to a person (Rich): tables or JSON on stdout, errors as one line on
stderr."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Annotated, Any, Literal

import typer
from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from opsuite_common.errors import OpsuiteError

__all__ = [
    "Output",
    "OutputOption",
    "console",
    "err_console",
    "error_line",
    "message_dict",
    "print_error",
    "print_json",
    "print_line",
    "print_rows",
    "print_table",
    "say",
    "when",
]

console = Console()
err_console = Console(stderr=True)
#: The widest a piped table is drawn (each row on one line up to that).
_WIDEST = 1000

#: How a command prints what it read: a table for people, JSON for scripts.
Output = Literal["table", "json"]
#: The ``-o/--output`` option every command that prints resources takes.
OutputOption = Annotated[Output, typer.Option("-o", "--output", help="table or json")]


def error_line(exc: OpsuiteError) -> str:
    """``Error: CODE (REASON): message; field: problem (key=value) [request id: ...]`` on one line."""
    text = _one_line(exc.message)
    extra = [f"{v.field}: {_one_line(v.description)}" for v in exc.field_violations]
    extra = [e for e in extra if e not in text]
    if extra:
        text += ": " + "; ".join(extra)
    if exc.retry_after and "retry" not in text.lower():
        text += f" (retry after {exc.retry_after:.1f}s)"
    detail = {k: v for k, v in exc.metadata.items() if k != "request_id"}
    if detail:
        text += " (" + ", ".join(f"{k}={_one_line(v)}" for k, v in detail.items()) + ")"
    if "request_id" in exc.metadata:
        text += f" [request id: {exc.metadata['request_id']}]"
    return f"Error: {exc.code.name} ({exc.reason}): {text}"


def print_error(exc: OpsuiteError) -> None:
    """The error as one line on stderr (:func:`error_line`); never a traceback."""
    print_line(error_line(exc))


def say(text: str) -> None:
    """One line on stdout, as it is: no markup, no wrapping at the terminal's width."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def print_line(text: str) -> None:
    """One line on stderr, as it is: no markup, no wrapping at the terminal's width."""
    err_console.print(_one_line(text), markup=False, highlight=False, soft_wrap=True)


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def print_json(data: Any) -> None:
    """Pretty JSON on stdout."""
    console.print_json(json.dumps(data, default=str))


def print_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    """A table of ``columns`` from ``rows``; no value is ever cut short (ids are copied from it)."""
    table = Table(*(Column(c, overflow="fold") for c in columns), header_style="bold", title=title)
    for r in rows:
        table.add_row(*(Text(str(_dig(r, c))) for c in columns))  # Text: a value is never read as markup
    if console.is_terminal:
        console.print(table)  # fitted to the terminal: long values fold onto more lines
    else:  # piped: each row on one line, however wide
        natural = console.measure(table, options=console.options.update_width(_WIDEST)).maximum
        Console(file=console.file, width=max(console.width, natural)).print(table)


def print_rows(output: Output, data: list[Any], rows: list[dict[str, Any]], columns: list[str]) -> None:
    """``data`` as JSON, or ``rows`` as a table of ``columns`` (``(none)`` when there are none)."""
    if output == "json":
        print_json(data)
    elif rows:
        print_table(rows, columns)
    else:
        console.print("(none)", style="dim")


def message_dict(msg: Message) -> dict[str, Any]:
    """A message as JSON would show it (camelCase names, enums by name)."""
    return json_format.MessageToDict(msg)


def when(ts: Timestamp) -> str:
    """A timestamp as ISO 8601 UTC to the second; ``""`` when unset."""
    if not ts.seconds and not ts.nanos:
        return ""
    return ts.ToDatetime(tzinfo=UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _dig(row: dict[str, Any], path: str) -> Any:
    cur: Any = row
    for part in path.split("."):
        cur = cur.get(part, "") if isinstance(cur, dict) else ""
    return cur
