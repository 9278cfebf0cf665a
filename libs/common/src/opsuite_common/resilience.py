"""Circuit breakers and retries for asyncio code, on typed opsuite errors (no grpc import).

Breaker: :class:`AsyncCircuitBreaker` adapts ``pybreaker.CircuitBreaker`` to asyncio through
pybreaker's public API only (``calling()``, ``half_open()``, ``current_state``, listeners,
``fail_max``, ``reset_timeout``, ``success_threshold``). pybreaker's own ``call_async`` needs Tornado
and, like the platform we replace, lets any number of trial calls through when half-open; the adapter
adds an asyncio gate so that at most ``half_open_max_calls`` trials run at once. The reset timeout is
timed on the breaker's own ``clock`` (``time.monotonic`` unless a test injects one): the adapter
moves an open breaker to half-open itself once that clock says the timeout has passed, so
pybreaker's wall-clock check never decides. Only *server-side faults* count as failures
(UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN and connection errors); a caller's own mistakes
(INVALID_ARGUMENT, NOT_FOUND, ...) never open it. While open, a call fails at once with
:class:`CircuitOpenError` without running; its message is the last counted failure's, so a caller reads
the cause ("api_manager unreachable: connection refused (circuit open, retrying after 10s)"), not only
that the breaker is open.

Retries: :class:`RetryPolicy` runs tenacity (exponential backoff with full jitter, bounded
attempts) only for transient errors (UNAVAILABLE except CIRCUIT_OPEN, RESOURCE_EXHAUSTED with a
retry-after), honours the server's RetryInfo as the minimum wait, and never sleeps past the
caller's deadline.

Nesting: retries wrap the breaker (``policy.run(lambda: breaker.call(attempt))``). Every attempt
is seen by the breaker, so a dependency that keeps failing opens it; once open, the next attempt
raises CircuitOpenError, which is not retried, so the retry loop stops at once instead of
hammering a dead dependency.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import tenacity

from opsuite_common._pybreaker import pybreaker
from opsuite_common.errors import (
    CircuitOpenError,
    Code,
    DeadlineExceededError,
    OpsuiteError,
)

__all__ = [
    "SERVER_FAULT_CODES",
    "AsyncCircuitBreaker",
    "BreakerRegistry",
    "RetryPolicy",
    "is_server_fault",
    "is_transient",
]

T = TypeVar("T")

#: Status codes that say the server side is unhealthy; only these count against a breaker.
SERVER_FAULT_CODES = frozenset({Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED, Code.INTERNAL, Code.UNKNOWN})


def is_server_fault(exc: BaseException, *, count_dependencies: bool = False) -> bool:
    """Whether ``exc`` is a server-side fault that should count against a circuit breaker.

    An error the server blamed on a dependency it called for the caller does not count, unless
    ``count_dependencies``: for a breaker that guards that very dependency (say a cep channel that
    runs one API), the API failing is the failure to count.
    """
    if isinstance(exc, CircuitOpenError):
        return False
    if isinstance(exc, OpsuiteError):
        # A dependency the server called on the caller's behalf failed; the server itself answered.
        return exc.code in SERVER_FAULT_CODES and (count_dependencies or exc.dependency is None)
    # A caller cancelling its own call (a timeout or hang-up on its side) says nothing about the
    # dependency; a slow dependency shows as DEADLINE_EXCEEDED, which is counted above.
    return isinstance(exc, (ConnectionError, TimeoutError, OSError))


def is_transient(exc: BaseException) -> bool:
    """Whether retrying ``exc`` may help (and is safe for an idempotent call)."""
    if isinstance(exc, CircuitOpenError):
        return False
    if isinstance(exc, OpsuiteError):
        if exc.code == Code.UNAVAILABLE:
            return True
        return exc.code == Code.RESOURCE_EXHAUSTED and exc.retry_after is not None
    return isinstance(exc, (ConnectionError, OSError)) and not isinstance(exc, TimeoutError)


#: The longest failure message an open breaker repeats.
_CAUSE_CHARS = 300


def _seconds(value: float) -> str:
    """``10s``, ``0.5s``: a wait as a person reads it."""
    return f"{max(value, 0.1):.1f}".rstrip("0").rstrip(".") + "s"


class _StateListener(pybreaker.CircuitBreakerListener):
    """Records when the breaker opened and reports state changes."""

    def __init__(self, owner: AsyncCircuitBreaker) -> None:
        self._owner = owner

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        old = getattr(old_state, "name", str(old_state))
        new = getattr(new_state, "name", str(new_state))
        if new == pybreaker.STATE_OPEN:
            self._owner._opened_at = self._owner.clock()
        for cb_fn in self._owner._on_state_change:
            cb_fn(self._owner.name, old, new)


class AsyncCircuitBreaker:
    """An asyncio-safe circuit breaker on top of pybreaker, with a bounded half-open gate.

    ``clock`` returns monotonic seconds; the reset timeout is measured on it (tests pass a fake one,
    e.g. ``opsuite_common.testing.clock.FakeClock().monotonic``, and advance it instead of waiting).
    """

    def __init__(
        self,
        name: str,
        *,
        fail_max: int = 5,
        reset_timeout: float = 30.0,
        success_threshold: int = 1,
        half_open_max_calls: int = 1,
        is_failure: Callable[[BaseException], bool] = is_server_fault,
        on_state_change: list[Callable[[str, str, str], None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.clock = clock
        self.half_open_max_calls = half_open_max_calls
        self._opened_at = 0.0
        self._trials = 0
        self._is_failure = is_failure
        #: What the last counted failure said (its message, not the exception: no traceback is kept alive).
        self._last_failure = ""
        self._on_state_change = list(on_state_change or [])
        self._cb = pybreaker.CircuitBreaker(
            fail_max=fail_max,
            reset_timeout=reset_timeout,
            success_threshold=success_threshold,
            # pybreaker's "excluded" exceptions are our non-failures: the caller's own mistakes.
            exclude=[lambda exc: not is_failure(exc)],
            listeners=[_StateListener(self)],
            name=name,
            throw_new_error_on_trip=False,
        )

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half-open`` (pybreaker's names)."""
        return str(self._cb.current_state)

    @property
    def fail_counter(self) -> int:
        """Consecutive counted failures since the last success."""
        return int(self._cb.fail_counter)

    def add_state_listener(self, fn: Callable[[str, str, str], None]) -> None:
        """Call ``fn(name, old_state, new_state)`` on every state change."""
        self._on_state_change.append(fn)

    @property
    def last_failure(self) -> str:
        """The message of the last failure the breaker counted ("" before the first one)."""
        return self._last_failure

    def _note(self, exc: BaseException) -> None:
        if self._is_failure(exc):
            text = exc.message if isinstance(exc, OpsuiteError) else (str(exc) or type(exc).__name__)
            self._last_failure = " ".join(text.split())[:_CAUSE_CHARS]

    def _open_error(self) -> CircuitOpenError:
        remaining = max(0.0, self._opened_at + self._cb.reset_timeout - self.clock())
        cause = self._last_failure or f"circuit breaker {self.name!r} tripped"
        if remaining > 0:
            state = f"circuit open, retrying after {_seconds(remaining)}"
        else:
            state = "circuit half-open, a trial call is under way"
        return CircuitOpenError(
            f"{cause} ({state})",
            metadata={"breaker": self.name},
            retry_after=remaining or None,
        )

    async def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Run ``fn`` through the breaker: fail fast while open, gate trials while half-open."""
        state = self._cb.current_state
        trial = False
        if state == pybreaker.STATE_OPEN and self.clock() < self._opened_at + self._cb.reset_timeout:
            raise self._open_error()
        if state != pybreaker.STATE_CLOSED:
            # Open with its timeout elapsed, or half-open: this call would be a trial.
            if self._trials >= self.half_open_max_calls:
                raise self._open_error()
            self._trials += 1
            trial = True
        try:
            if state == pybreaker.STATE_OPEN:
                self._cb.half_open()  # our clock says the timeout passed; pybreaker's own check is not asked
            try:
                with self._cb.calling():
                    try:
                        return await fn()
                    except BaseException as exc:
                        self._note(exc)
                        raise
            except pybreaker.CircuitBreakerError:
                raise self._open_error() from None
        finally:
            if trial:
                self._trials -= 1


class BreakerRegistry:
    """One breaker per target name, created on first use with shared settings.

    ``defaults`` are :class:`AsyncCircuitBreaker`'s keyword arguments (``clock`` included).

    ``max_breakers`` bounds the registry when the names come from users (say one per tenant and upstream
    host): past it, the least recently used *closed* breaker is forgotten (it holds no state worth
    keeping beyond a few failures); open and half-open breakers are kept, so the bound may be exceeded
    only while that many of them are tripped at once.
    """

    def __init__(self, *, max_breakers: int | None = None, **defaults: Any) -> None:
        if max_breakers is not None and max_breakers < 1:
            raise ValueError("max_breakers must be at least 1")
        self._defaults = defaults
        self._max = max_breakers
        self._breakers: OrderedDict[str, AsyncCircuitBreaker] = OrderedDict()

    def get(self, name: str) -> AsyncCircuitBreaker:
        """The breaker for ``name``."""
        br = self._breakers.get(name)
        if br is not None:
            self._breakers.move_to_end(name)
            return br
        if self._max is not None and len(self._breakers) >= self._max:
            self._evict()
        br = self._breakers[name] = AsyncCircuitBreaker(name, **self._defaults)
        return br

    def _evict(self) -> None:
        for name, br in self._breakers.items():  # least recently used first
            if br.state == "closed":
                del self._breakers[name]
                return

    def __len__(self) -> int:
        return len(self._breakers)

    def states(self) -> dict[str, str]:
        """Current state of every breaker, by name."""
        return {n: b.state for n, b in self._breakers.items()}


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter for transient errors, never past a deadline."""

    max_attempts: int = 3
    initial_backoff_s: float = 0.05
    max_backoff_s: float = 2.0
    multiplier: float = 2.0
    retry_on: Callable[[BaseException], bool] = is_transient

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Wait before attempt ``attempt + 1``: full jitter, at least the server's retry-after."""
        cap = min(self.max_backoff_s, self.initial_backoff_s * self.multiplier ** (attempt - 1))
        wait = random.uniform(0, cap)
        return max(wait, retry_after or 0.0)

    async def run(
        self,
        fn: Callable[[], Awaitable[T]],
        *,
        deadline: float | None = None,
        on_retry: Callable[[int, BaseException, float], None] | None = None,
    ) -> T:
        """Run ``fn`` with retries; ``deadline`` is a ``time.monotonic()`` instant no sleep may cross."""

        planned: dict[int, float] = {}  # the pause stop() decided on, for wait() to take

        def pause_after(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            retry_after = exc.retry_after if isinstance(exc, OpsuiteError) else None
            return self.backoff(state.attempt_number, retry_after)

        def wait(state: tenacity.RetryCallState) -> float:
            return planned.pop(state.attempt_number, None) or pause_after(state)

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number >= self.max_attempts:
                return True
            if deadline is None:
                return False
            pause = planned[state.attempt_number] = pause_after(state)
            # Never start a pause, nor an attempt, that cannot end before the deadline: the caller then
            # gets the last real error, not a "no time left" of our own making.
            return time.monotonic() + pause + _MIN_ATTEMPT_S >= deadline

        def before_sleep(state: tenacity.RetryCallState) -> None:
            if on_retry is not None and state.outcome is not None and state.next_action is not None:
                exc = state.outcome.exception()
                assert exc is not None
                on_retry(state.attempt_number, exc, state.next_action.sleep)

        async def call() -> T:
            # tenacity only awaits `async def` callables; a lambda returning a coroutine must work too.
            return await fn()

        retrying = tenacity.AsyncRetrying(
            stop=stop,
            wait=wait,
            retry=tenacity.retry_if_exception(self.retry_on),
            reraise=True,
            before_sleep=before_sleep,
            sleep=_bounded_sleep(deadline),
        )
        return await retrying(call)


#: The least time worth starting another attempt with.
_MIN_ATTEMPT_S = 0.02


def _bounded_sleep(deadline: float | None) -> Callable[[float], Awaitable[None]]:
    async def sleep(seconds: float) -> None:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceededError("the call's deadline passed while waiting to retry")
            seconds = min(seconds, remaining)
        await asyncio.sleep(seconds)

    return sleep
