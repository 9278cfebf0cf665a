"""Regular expressions that tenants write, run with RE2: linear time, bounded memory, no backtracking.

A tenant writes patterns (cep conditions ``=~``/``!~``, silence and route matchers, api_manager parameter
schemas' ``pattern`` and ``patternProperties``) and often the text they are matched against too (event
attributes, labels, call parameters). Python's ``re`` backtracks: ``(a+)+$`` against 30 ``a`` and a ``b``
takes seconds, and it runs on the event loop, so one tenant's pattern would stall every tenant's calls.
RE2 (``google-re2``) matches in time linear in the text, whatever the pattern, and refuses what it cannot
do that way (backreferences, lookaround). It is also the syntax of Prometheus and Alertmanager, whose
rules operators bring here.

:func:`compile_regex` compiles once per pattern (an LRU of ``CACHED_PATTERNS``), raises :class:`RegexError` (a
``ValueError``) with RE2's reason for a pattern it refuses, and caps a compiled program at
``MAX_PROGRAM_BYTES`` of memory.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol

import re2  # type: ignore[import-untyped]

__all__ = ["CACHED_PATTERNS", "MAX_PROGRAM_BYTES", "RegexError", "TenantPattern", "compile_regex"]

#: Memory RE2 may use for one compiled pattern (its DFA cache included): a pattern whose program needs more
#: is refused, and a match whose DFA would need more runs on RE2's NFA instead (still linear). With the
#: cache below, what tenants' patterns can hold stays under ``CACHED_PATTERNS * MAX_PROGRAM_BYTES`` (128 MiB)
#: however many distinct patterns they write.
MAX_PROGRAM_BYTES = 256 << 10
#: Compiled patterns kept (least recently used dropped first).
CACHED_PATTERNS = 512


class RegexError(ValueError):
    """A pattern RE2 refuses; the message is RE2's reason (e.g. ``invalid perl operator: (?<=``)."""


class TenantPattern(Protocol):
    """The part of a compiled pattern the services use (RE2's objects mirror ``re.Pattern``)."""

    def fullmatch(self, text: str) -> Any | None:
        """A match of the whole ``text`` or None."""

    def search(self, text: str) -> Any | None:
        """The first match anywhere in ``text`` or None."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # refusals are reported to the caller, not printed on stderr
    options.max_mem = MAX_PROGRAM_BYTES
    return options


_OPTIONS = _options()


@functools.lru_cache(maxsize=CACHED_PATTERNS)
def compile_regex(pattern: str) -> TenantPattern:
    """``pattern`` compiled by RE2 (cached); :class:`RegexError` when RE2 refuses it."""
    try:
        return re2.compile(pattern, options=_OPTIONS)  # type: ignore[no-any-return]
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
        raise RegexError(text) from None
