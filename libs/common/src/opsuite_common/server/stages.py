"""The standard pipeline stages, in their documented order (see :mod:`.pipeline`)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Sequence
from typing import Any

import grpc
import structlog

from opsuite_common.auth import PUBLIC, TokenVerifier, identity_var, required_role
from opsuite_common.context import REQUEST_ID_HEADER, request_id_var, sanitize_request_id
from opsuite_common.errors import (
    FieldViolation,
    InternalError,
    OpsuiteError,
    PermissionDeniedError,
    RateLimitedError,
)
from opsuite_common.fairness import FairShare, Place
from opsuite_common.logging import access_log, get_logger
from opsuite_common.ratelimit import (
    STREAM,
    ConcurrencyLimiter,
    RateLimiter,
    RefusalPause,
    SharedConcurrencyLimiter,
    SharedRateLimiter,
    declared_slots,
)
from opsuite_common.rpc_status import to_status
from opsuite_common.secretscope import current_scope
from opsuite_common.server.pipeline import Call, Proceed, Stage
from opsuite_common.tracing import enabled as tracing_enabled
from opsuite_common.tracing import rpc_server_span

__all__ = [
    "PUBLIC_METHOD_PREFIXES",
    "STAGE_SLOTS",
    "AccessLogStage",
    "AuthStage",
    "ConcurrencyStage",
    "ErrorMappingStage",
    "FairShareStage",
    "RateLimitStage",
    "RequestContextStage",
    "TracingStage",
    "default_stages",
    "in_slot_order",
]

log = get_logger("opsuite.server")

#: Methods that need no token: health checks and server reflection.
PUBLIC_METHOD_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

_bind = structlog.contextvars.bind_contextvars

#: ``Call.extra`` key: the reason a limit refused the call (set by error mapping, read by the access log).
REFUSED = "refused"


_HEALTH = "/grpc.health.v1.Health/"


class TracingStage:
    """The RPC's SERVER span (:mod:`opsuite_common.tracing`), outermost: the caller's ``traceparent`` is its
    parent, every stage and the handler run inside it (their log lines carry its ids), and it ends with the
    final status code the inner stages settled on. Health checks are not traced: probes every few seconds
    would bury the traces that matter."""

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        if call.method.startswith(_HEALTH):
            return await proceed()
        with rpc_server_span(call.method, call.metadata) as current:
            try:
                return await proceed()
            finally:
                current.finish(call.code)


class RequestContextStage:
    """Request id (from ``x-request-id`` or new), returned in trailing metadata and bound to logs.

    Trailers rather than initial metadata: sending initial metadata early costs a separate write
    per call, and trailers reach the caller on success and on error alike. Each RPC runs in its own
    task, i.e. its own copy of the context, so bindings never leak from one call to another.
    """

    def __init__(self, service: str) -> None:
        self._service = service

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        call.request_id = sanitize_request_id(call.metadata.get(REQUEST_ID_HEADER))
        request_id_var.set(call.request_id)
        _bind(service=self._service, request_id=call.request_id, method=call.method)
        call.context.set_trailing_metadata(((REQUEST_ID_HEADER, call.request_id),))
        return await proceed()


class _RefusalSummary:
    """Coalesces the access-log lines of refused calls: a runaway client must not flood the log.

    The first refusal of a (tenant, method, reason) is logged; later ones within ``window_s`` are only
    counted, and the next line logged for that key says how many were left out (``suppressed``). The
    per-call metrics still count every refusal.
    """

    def __init__(self, window_s: float = 1.0, max_keys: int = 10_000) -> None:
        self._window = window_s
        self._max = max_keys
        self._seen: dict[tuple[str, str, str], list[float]] = {}  # key -> [last logged at, count since]

    def admit(self, key: tuple[str, str, str], now: float) -> int | None:
        """None: leave this refusal out of the log; else log it, with this many left out before it."""
        entry = self._seen.get(key)
        if entry is None:
            if len(self._seen) >= self._max:
                self._seen.clear()
            self._seen[key] = [now, 0]
            return 0
        if now - entry[0] < self._window:
            entry[1] += 1
            return None
        suppressed = int(entry[1])
        entry[0], entry[1] = now, 0
        return suppressed


class AccessLogStage:
    """One log line per RPC with its status code and duration (via the logging module's fast path).

    Refusals by the rate and concurrency limits are the exception: at most one line a second per
    tenant, method and reason, carrying the count of refusals it stands for (see :class:`_RefusalSummary`).
    """

    _QUIET = frozenset({"OK", "CANCELLED", "NOT_FOUND", "ALREADY_EXISTS"})

    def __init__(self) -> None:
        self._refusals = _RefusalSummary()

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        started = time.perf_counter()
        try:
            return await proceed()
        except asyncio.CancelledError:
            call.code = "CANCELLED"
            raise
        except BaseException:
            if call.code == "OK":
                call.code = "UNKNOWN"
            raise
        finally:
            ident = identity_var.get()
            fields: dict[str, Any] = {
                "request_id": call.request_id,
                "method": call.method,
                "tenant": ident.tenant if ident else None,
                "subject": ident.subject if ident else None,
                "code": call.code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            }
            refused = call.extra.get(REFUSED)
            suppressed = 0
            if refused is not None:
                key = (ident.tenant if ident else "", call.method, str(refused))
                admitted = self._refusals.admit(key, time.monotonic())
                if admitted is not None:
                    suppressed = admitted
                    fields["reason"] = refused
                    if suppressed:
                        fields["suppressed"] = suppressed
            if refused is None or "reason" in fields:
                access_log(fields, warning=call.code not in self._QUIET)


class ErrorMappingStage:
    """Typed errors -> rich status; unexpected errors -> logged, generic INTERNAL with the request id."""

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        try:
            return await proceed()
        except OpsuiteError as exc:
            if _caller_gone(call):
                call.code = "CANCELLED"
                log.info("rpc cancelled by the caller", reason=exc.reason)
                raise asyncio.CancelledError from None
            call.code = exc.code.name
            _scrub_error(exc)
            if isinstance(exc, RateLimitedError):
                call.extra[REFUSED] = exc.reason  # the access log summarises refusals (no line per call)
            else:
                log.info("rpc error", reason=exc.reason, error=exc.message)
            await call.context.abort_with_status(_with_request_id(to_status(exc), call.request_id))
        except (asyncio.CancelledError, grpc.aio.AbortError):
            raise
        except Exception as exc:
            if _caller_gone(call):
                # Cleanup failing while the caller's cancel unwinds the handler (a closed query, a write
                # to a dead stream) is the cancel, not a fault of this service: no traceback, no INTERNAL.
                call.code = "CANCELLED"
                log.info("rpc cancelled by the caller", error=type(exc).__name__)
                raise asyncio.CancelledError from None
            call.code = "INTERNAL"
            log.exception("unhandled error in RPC handler")
            err = InternalError(
                f"internal error; quote request id {call.request_id} to the operators",
                metadata={"request_id": call.request_id},
            )
            await call.context.abort_with_status(_with_request_id(to_status(err), call.request_id))


def _caller_gone(call: Call) -> bool:
    """Whether the RPC ended on the caller's side (cancelled, deadline passed) or its task is being cancelled."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        return True
    try:
        return bool(call.context.cancelled())
    except Exception:  # a context that cannot tell is not a cancelled one
        return False


def _scrub_error(exc: OpsuiteError) -> None:
    """Mask the call's registered secrets in everything the status carries (message, metadata, violations)."""
    scope = current_scope()
    if not scope:
        return
    exc.message = scope.scrub(exc.message)
    exc.metadata = {scope.scrub(k): scope.scrub(v) for k, v in exc.metadata.items()}
    exc.field_violations = [
        FieldViolation(scope.scrub(v.field), scope.scrub(v.description)) for v in exc.field_violations
    ]


def _with_request_id(status: grpc.Status, request_id: str) -> grpc.Status:
    """``abort_with_status`` replaces trailers set earlier, so the request id goes with the status."""
    md = (*(status.trailing_metadata or ()), (REQUEST_ID_HEADER, request_id))
    return _Status(status.code, status.details, md)


class _Status(grpc.Status):
    def __init__(self, code: grpc.StatusCode, details: str, trailing_metadata: tuple[tuple[str, Any], ...]) -> None:
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


class AuthStage:
    """Bearer JWT -> Identity in the context; the handler's declared role is enforced (fail closed)."""

    def __init__(self, verifier: TokenVerifier, public_prefixes: Sequence[str] = PUBLIC_METHOD_PREFIXES) -> None:
        self._verifier = verifier
        self._public = tuple(public_prefixes)

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        if call.method.startswith(self._public):
            return await proceed()
        role = required_role(call.handler)
        if role == PUBLIC:
            return await proceed()
        ident = self._verifier.verify_header(call.metadata.get("authorization"))
        if role is None:
            log.error("RPC handler declares no role; refusing (add @requires)", handler=repr(call.handler))
            raise PermissionDeniedError("this method is not available", reason="ROLE_NOT_DECLARED")
        ident.require(role)
        identity_var.set(ident)
        _bind(tenant=ident.tenant, subject=ident.subject)
        return await proceed()


class RateLimitStage:
    """Per-tenant token buckets; over the limit -> RESOURCE_EXHAUSTED with RetryInfo.

    The buckets are this process's (:class:`RateLimiter`, checked without awaiting) or shared by the
    replicas (a :class:`SharedRateLimiter`, e.g. in Redis, awaited). A refusal is held by ``pause``
    (see :class:`RefusalPause`) before it is answered.
    """

    def __init__(self, limiter: RateLimiter | SharedRateLimiter, pause: RefusalPause | None = None) -> None:
        self._local = limiter if isinstance(limiter, RateLimiter) else None
        self._shared = None if isinstance(limiter, RateLimiter) else limiter
        self._pause = pause

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        ident = identity_var.get()
        if ident is not None:
            try:
                if self._local is not None:
                    self._local.acquire(ident.tenant, call.method)
                elif self._shared is not None:
                    await self._shared.acquire(ident.tenant, call.method)
            except RateLimitedError as exc:
                if self._pause is not None:
                    await self._pause.pause(exc, ident.tenant, _time_remaining(call))
                raise
        return await proceed()


class ConcurrencyStage:
    """Per-tenant caps on calls in progress, for handlers that declare slots (``@holds_slots``).

    The slots are held for the whole call, a streaming response included, and given back however
    the call ends: success, error or cancellation by the caller. A refusal is held by ``pause``
    (see :class:`RefusalPause`) before it is answered. The slots are this process's
    (:class:`ConcurrencyLimiter`) or shared by the replicas (a :class:`SharedConcurrencyLimiter`, awaited).
    """

    def __init__(
        self, limiter: ConcurrencyLimiter | SharedConcurrencyLimiter, pause: RefusalPause | None = None
    ) -> None:
        self._limiter = limiter
        self._local = limiter if isinstance(limiter, ConcurrencyLimiter) else None
        self._shared = None if isinstance(limiter, ConcurrencyLimiter) else limiter
        self._pause = pause

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        kinds = declared_slots(call.handler)
        ident = identity_var.get()
        if not kinds or ident is None:
            return await proceed()
        try:
            if self._local is not None:
                taken: Any = self._local.acquire(ident.tenant, kinds, call.method)
            elif self._shared is not None:
                taken = await self._shared.acquire(ident.tenant, kinds, call.method)
        except RateLimitedError as exc:
            if self._pause is not None:
                await self._pause.pause(exc, ident.tenant, _time_remaining(call))
            raise
        try:
            return await proceed()
        finally:
            self._limiter.release(ident.tenant, taken)


class FairShareStage:
    """Fair admission between tenants (:class:`~opsuite_common.fairness.FairShare`), innermost.

    Applies to every authenticated unary call: those are the calls that compete for the event loop a
    short while each, cep's PublishEvents as much as api_manager's ExecuteApi, so the slot
    declarations (``@holds_slots``, which PublishEvents has none of) are not what selects them.
    Streams (server streams: async generators or handlers declaring a stream slot; client streams:
    a first parameter named ``request_iterator``) are left out: they may stay open for minutes and
    would hold a place all that time; the per-tenant stream cap bounds them. A refusal (the
    tenant's queue is full) is held by ``pause`` (see :class:`RefusalPause`) before it is answered.
    """

    def __init__(self, fair: FairShare, pause: RefusalPause | None = None) -> None:
        self._fair = fair
        self._pause = pause
        self._streams: dict[Callable[..., Any], bool] = {}

    def _is_stream(self, handler: Callable[..., Any]) -> bool:
        known = self._streams.get(handler)
        if known is None:
            known = self._streams[handler] = (
                inspect.isasyncgenfunction(handler)
                or STREAM in declared_slots(handler)
                or _takes_request_stream(handler)
            )
        return known

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        ident = identity_var.get()
        if ident is None or self._is_stream(call.handler):
            return await proceed()
        try:
            place, token = await Place.enter(self._fair, ident.tenant, call.method, _time_remaining(call))
        except RateLimitedError as exc:
            if self._pause is not None:
                await self._pause.pause(exc, ident.tenant, _time_remaining(call))
            raise
        try:
            return await proceed()
        finally:
            place.leave(token)


def _takes_request_stream(handler: Callable[..., Any]) -> bool:
    """Whether ``handler`` is a client-streaming method (grpc's generated servicers name its first
    parameter ``request_iterator``): such a call stays open as long as its client keeps sending."""
    try:
        params = list(inspect.signature(handler).parameters)
    except (TypeError, ValueError):
        return False
    return bool(params) and params[0] == "request_iterator"


def _time_remaining(call: Call) -> float | None:
    """Seconds until the call's deadline, None when it has none."""
    try:
        left = call.context.time_remaining()
    except Exception:  # a context that cannot tell has no deadline we know of
        return None
    return None if left is None or left > 1e9 else float(left)


#: The pipeline's named slots, outermost first. :func:`build_server` fills them from
#: :func:`default_stages` (plus ``metrics`` when a metrics port is set) and runs the filled ones in
#: this order; a slot that is not filled is skipped.
STAGE_SLOTS = (
    "tracing",
    "request_context",
    "access_log",
    "metrics",
    "error_mapping",
    "auth",
    "rate_limit",
    "concurrency",
    "fair_share",
)


def default_stages(
    service: str,
    verifier: TokenVerifier,
    limiter: RateLimiter | SharedRateLimiter | None = None,
    concurrency: ConcurrencyLimiter | SharedConcurrencyLimiter | None = None,
    pause: RefusalPause | None = None,
    fair: FairShare | None = None,
) -> dict[str, Stage]:
    """The standard stages by slot (see :data:`STAGE_SLOTS`); the limit stages only when limits are set, the
    tracing stage only when tracing is on (``configure_tracing`` ran first).

    ``pause`` holds the limits' refusals before they are answered (see :class:`RefusalPause`);
    ``fair`` is the fair admission between tenants (see :class:`FairShareStage`)."""
    stages: dict[str, Stage] = {
        "request_context": RequestContextStage(service),
        "access_log": AccessLogStage(),
        "error_mapping": ErrorMappingStage(),
        "auth": AuthStage(verifier),
    }
    if tracing_enabled():
        stages["tracing"] = TracingStage()
    if limiter is not None:
        stages["rate_limit"] = RateLimitStage(limiter, pause)
    if concurrency is not None:
        stages["concurrency"] = ConcurrencyStage(concurrency, pause)
    if fair is not None and fair.share > 0:
        stages["fair_share"] = FairShareStage(fair, pause)
    return stages


def in_slot_order(stages: dict[str, Stage]) -> list[Stage]:
    """The filled slots' stages, outermost first; an unknown slot name is a bug (ValueError)."""
    unknown = set(stages) - set(STAGE_SLOTS)
    if unknown:
        raise ValueError(f"unknown pipeline slots {sorted(unknown)}; the slots are {STAGE_SLOTS}")
    return [stages[name] for name in STAGE_SLOTS if name in stages]
