"""Opaque page tokens for list RPCs (keyset pagination).

A list RPC orders its rows by a stable key (e.g. ``(created_at, id)``), returns ``page_size`` rows
and a token naming the last row's key; the next call continues after it. Tokens are URL-safe
base64 of a small JSON document bound to the query's filters (``scope``), so a token from one
query cannot be replayed against another, and a malformed one is a clear INVALID_ARGUMENT.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from opsuite_common.errors import ValidationError

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Page",
    "decode_page_token",
    "encode_page_token",
    "fit_page",
    "list_budget",
    "page_size",
]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    """The effective page size: the default for 0, capped at ``maximum``; negative is invalid."""
    if requested < 0:
        raise ValidationError.for_field("page.page_size", "must be >= 0 (0 means the server default)")
    return default if requested == 0 else min(requested, maximum)


def _scope_hash(scope: Any) -> str:
    return hashlib.sha256(json.dumps(scope, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_page_token(after: list[Any], scope: Any = None) -> str:
    """A token that resumes after the row whose sort key is ``after`` (JSON-serialisable values)."""
    doc = {"a": after, "s": _scope_hash(scope)}
    return base64.urlsafe_b64encode(json.dumps(doc, default=str).encode()).decode().rstrip("=")


def decode_page_token(token: str, scope: Any = None) -> list[Any] | None:
    """The sort key to resume after, or None for the first page; a bad token is INVALID_ARGUMENT."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        doc = json.loads(raw)
        after = doc["a"]
        ok = isinstance(after, list) and doc.get("s") == _scope_hash(scope)
    except (binascii.Error, ValueError, KeyError, TypeError):
        ok, after = False, None
    if not ok:
        raise ValidationError.for_field(
            "page.page_token", "is not a token from a previous page of this same query; start without a token"
        )
    return list(after)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of results and the token for the next page ('' when this is the last)."""

    items: list[Any]
    next_page_token: str
    #: The token resuming after a given item, for a page cut short by :func:`fit_page`.
    token_after: Callable[[Any], str] | None = None


class _Sized(Protocol):
    def ByteSize(self) -> int: ...  # the protobuf method name


M = TypeVar("M", bound=_Sized)

#: Bytes a repeated message field adds per item beyond the item (tag and length prefix, upper bound).
_ITEM_OVERHEAD = 6
#: Bytes kept free for the reply's next page token (tokens are a few hundred bytes at most).
_TOKEN_RESERVE = 512


def list_budget(max_message_bytes: int) -> int:
    """The byte budget of one list page: half the max message size, room left for the envelope."""
    return max_message_bytes // 2


def fit_page(page: Page, to_message: Callable[[Any], M], *, budget: int) -> tuple[list[M], str]:
    """Convert ``page.items`` in order, stopping before the one that would take the page past ``budget`` bytes.

    Returns the messages and the next page token: ``page.next_page_token`` when every item fitted, else
    ``page.token_after(last item sent)`` so that the next page starts at the first item left out (nothing
    lost, nothing repeated). The items keep ``_TOKEN_RESERVE`` bytes of the budget free, so the page
    with its token stays within ``budget``. The first item is always sent: input size limits keep one
    item well below the budget, and an empty page with a token would never progress. A page without
    ``token_after`` (a query that cannot resume mid-page) sends every item.
    """
    items, token_after = page.items, page.token_after
    out: list[M] = []
    used = _TOKEN_RESERVE if budget > 2 * _TOKEN_RESERVE else 0
    for i, item in enumerate(items):
        msg = to_message(item)
        used += msg.ByteSize() + _ITEM_OVERHEAD
        if out and used > budget and token_after is not None:
            return out, token_after(items[i - 1])
        out.append(msg)
    return out, page.next_page_token
