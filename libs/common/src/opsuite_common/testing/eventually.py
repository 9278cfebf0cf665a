"""``eventually()``: the one way tests wait for something another task, thread or process does.

A test polls a probe until it returns a truthy value (or, with ``until``, until ``until(value)`` holds)
and gets that value back; past the deadline it fails with an :class:`AssertionError` that says what
was awaited, for how long, and the last value (and, when told to ignore some exceptions, the last
one raised). The probe is tried once more at the deadline, and always at least once, however short
the timeout. The deadline is measured on the real monotonic clock: this waits for real work, not for
an injected clock (see :mod:`opsuite_common.testing.clock` for that).

``eventually`` is for ``async`` tests (the probe may be sync or async); ``eventually_sync`` is for
plain tests and for the rare test that must block without yielding to the event loop.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

__all__ = ["eventually", "eventually_sync"]

T = TypeVar("T")

#: Longest rendering of the last value in a failure message.
_MAX_REPR = 2000


_Ignored = type[BaseException] | tuple[type[BaseException], ...]


@overload
async def eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    timeout: float = ...,
    interval: float = ...,
    what: str | None = ...,
    until: Callable[[T], object] | None = ...,
    ignoring: _Ignored = ...,
) -> T: ...


@overload
async def eventually(
    probe: Callable[[], T],
    *,
    timeout: float = ...,
    interval: float = ...,
    what: str | None = ...,
    until: Callable[[T], object] | None = ...,
    ignoring: _Ignored = ...,
) -> T: ...


async def eventually(
    probe: Callable[[], Any],
    *,
    timeout: float = 10.0,
    interval: float = 0.05,
    what: str | None = None,
    until: Callable[[Any], object] | None = None,
    ignoring: _Ignored = (),
) -> Any:
    """Call ``probe`` (sync, or returning an awaitable) every ``interval`` s until it holds; return its value.

    ``until`` tests the probe's value instead of its truthiness (the value is returned either way).
    Exceptions of the ``ignoring`` types count as "not yet"; any other exception propagates at once.
    """
    _check(timeout, interval)
    poll = _Poll(what or _name(probe), timeout, until, ignoring)
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
            if inspect.isawaitable(value):
                value = await value
        except poll.ignoring as exc:
            poll.failed(exc)
        else:
            if poll.done(value):
                return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise poll.failure()
        await asyncio.sleep(min(interval, remaining))


def eventually_sync(
    probe: Callable[[], T],
    *,
    timeout: float = 10.0,
    interval: float = 0.05,
    what: str | None = None,
    until: Callable[[T], object] | None = None,
    ignoring: _Ignored = (),
) -> T:
    """:func:`eventually` for synchronous code: blocks the thread (and any event loop on it) between tries."""
    _check(timeout, interval)
    poll = _Poll(what or _name(probe), timeout, until, ignoring)
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except poll.ignoring as exc:
            poll.failed(exc)
        else:
            if inspect.isawaitable(value):
                if inspect.iscoroutine(value):
                    value.close()  # never awaited: do not leave a "never awaited" warning behind
                raise TypeError(f"{poll.what}: the probe returned an awaitable; use `await eventually(...)`")
            if poll.done(value):
                return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise poll.failure()
        time.sleep(min(interval, remaining))


class _Poll:
    """What one wait has seen so far, and how to say it failed."""

    def __init__(
        self,
        what: str,
        timeout: float,
        until: Callable[[Any], object] | None,
        ignoring: _Ignored,
    ) -> None:
        self.what, self.timeout, self.until = what, timeout, until
        self.ignoring = ignoring if isinstance(ignoring, tuple) else (ignoring,)
        self.tries = 0
        self.seen = False
        self.value: Any = None
        self.error: BaseException | None = None
        self.error_try = 0

    def done(self, value: Any) -> bool:
        """Record a value the probe returned; whether it ends the wait."""
        self.tries += 1
        self.seen, self.value = True, value
        return bool(self.until(value) if self.until is not None else value)

    def failed(self, exc: BaseException) -> None:
        """Record an exception the caller said to ignore."""
        self.tries += 1
        self.error, self.error_try = exc, self.tries

    def failure(self) -> AssertionError:
        """The error that ends a wait whose deadline passed."""
        parts = [f"timed out after {self.timeout:g}s ({self.tries} tries) waiting for {self.what}"]
        if self.seen:
            parts.append(f"last value: {_short(self.value)}")
        if self.error is not None:
            parts.append(f"last error (try {self.error_try}): {type(self.error).__name__}: {self.error}")
        err = AssertionError("; ".join(parts))
        err.__cause__ = self.error
        return err


def _check(timeout: float, interval: float) -> None:
    if timeout < 0 or interval <= 0:
        raise ValueError(f"eventually() needs timeout >= 0 and interval > 0, got {timeout} and {interval}")


def _name(probe: Callable[..., Any]) -> str:
    name = getattr(probe, "__qualname__", None) or repr(probe)
    return "a condition" if "<lambda>" in name else name


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_REPR else text[:_MAX_REPR] + f"... ({len(text)} chars)"
