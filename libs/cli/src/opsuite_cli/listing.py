"""Paging through a List RPC up to a limit, and showing what came back (every ``list`` command of the CLI)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from google.protobuf.message import Message

from opsuite.common.v1 import common_pb2
from opsuite_cli.output import Output, console, message_dict, print_rows

__all__ = ["PAGE_SIZE", "fetch", "show"]

#: Items asked for per page: the servers cap pages by size and by bytes anyway, this only bounds the asks.
PAGE_SIZE = 200

Item = TypeVar("Item", bound=Message)


async def fetch(
    call: Callable[[Any], Awaitable[Any]], request: Any, field: str, limit: int | None
) -> tuple[list[Any], bool]:
    """Call ``call(request)`` page after page (``request.page`` set each time) and gather the responses'
    ``field``, up to ``limit`` items (all of them when ``None``); also whether more were left unfetched."""
    found: list[Any] = []
    token = ""
    while True:
        size = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - len(found))
        request.page.CopyFrom(common_pb2.PageRequest(page_size=size, page_token=token))
        resp = await call(request)
        found.extend(getattr(resp, field))
        token = resp.page.next_page_token
        if not token or (limit is not None and len(found) >= limit):
            break
    if limit is not None:
        found = found[:limit]
    return found, bool(token)


def show(output: Output, items: list[Item], row: Callable[[Item], dict[str, str]], more: bool, limit: int) -> None:
    """``items`` as JSON, or as a table of ``row(item)`` with a note when ``more`` were left past ``limit``."""
    rows = [row(i) for i in items]
    print_rows(output, [message_dict(i) for i in items], rows, list(rows[0]) if rows else [])
    if more and output == "table":
        console.print(f"first {limit} shown; more with --limit", style="dim")
