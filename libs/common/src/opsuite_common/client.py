"""Resilient gRPC clients: one call site for deadlines, identity, retries, breakers and typed errors.

``connect(target, EchoServiceStub, echo_pb2.DESCRIPTOR.services_by_name["EchoService"])`` returns a
:class:`ServiceClient` whose attributes are the service's methods::

    client = connect("127.0.0.1:50051", ApiManagerServiceStub, SERVICE, settings=ClientSettings())
    api = await client.GetApi(GetApiRequest(name="x"), timeout=2.0)

Every call:
- gets a deadline (``timeout`` or the default), shared by all of its attempts;
- carries ``x-request-id`` (the current request's id, or a new one) and ``authorization``: the
  caller's own token when serving an RPC (so the downstream service sees the same tenant), or the
  client's configured token;
- for unary calls, is retried by :class:`~opsuite_common.resilience.RetryPolicy` only when the
  method is declared idempotent in the proto (``option idempotency_level = IDEMPOTENT`` or
  ``NO_SIDE_EFFECTS``) and the error is transient;
- passes through the target's :class:`~opsuite_common.resilience.AsyncCircuitBreaker` per attempt
  (retries wrap the breaker);
- raises the server's typed :class:`~opsuite_common.errors.OpsuiteError`, never a bare RpcError.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pb2

from opsuite_common.auth import identity_var
from opsuite_common.context import REQUEST_ID_HEADER, current_request_id, new_request_id
from opsuite_common.errors import DeadlineExceededError, OpsuiteError, ServiceUnavailableError
from opsuite_common.logging import get_logger
from opsuite_common.metrics import breaker_state_listener
from opsuite_common.resilience import AsyncCircuitBreaker, BreakerRegistry, RetryPolicy
from opsuite_common.rpc_status import from_grpc_error

__all__ = ["ClientSettings", "ServiceClient", "connect", "default_breakers"]

log = get_logger("opsuite.client")

_IDEMPOTENT_LEVELS = {
    descriptor_pb2.MethodOptions.IDEMPOTENT,
    descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS,
}


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """How a client calls one target."""

    default_timeout_s: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker_fail_max: int = 5
    breaker_reset_timeout_s: float = 30.0
    breaker_success_threshold: int = 1
    breaker_half_open_max_calls: int = 1
    max_message_bytes: int = 16 * 1024 * 1024
    #: Token used when the call is not made on behalf of an authenticated caller (CLI, scheduler).
    token: str | None = field(default=None, repr=False)


_DEFAULT_BREAKERS: dict[tuple[str, float, int, int, int], BreakerRegistry] = {}


def default_breakers(settings: ClientSettings) -> BreakerRegistry:
    """A process-wide registry per breaker configuration (one breaker per target within it)."""
    key = (
        "default",
        settings.breaker_reset_timeout_s,
        settings.breaker_fail_max,
        settings.breaker_success_threshold,
        settings.breaker_half_open_max_calls,
    )
    reg = _DEFAULT_BREAKERS.get(key)
    if reg is None:
        reg = _DEFAULT_BREAKERS[key] = BreakerRegistry(
            fail_max=settings.breaker_fail_max,
            reset_timeout=settings.breaker_reset_timeout_s,
            success_threshold=settings.breaker_success_threshold,
            half_open_max_calls=settings.breaker_half_open_max_calls,
            on_state_change=[_log_state_change],
        )
    return reg


def _log_state_change(name: str, old: str, new: str) -> None:
    log.warning("circuit breaker state changed", breaker=name, old_state=old, new_state=new)
    breaker_state_listener(name, old, new)


class ServiceClient:
    """A gRPC stub wrapped with deadlines, metadata propagation, retries, a breaker and typed errors."""

    def __init__(
        self,
        target: str,
        stub_factory: Callable[[grpc.aio.Channel], Any],
        service: _descriptor.ServiceDescriptor,
        *,
        settings: ClientSettings | None = None,
        breakers: BreakerRegistry | None = None,
        name: str | None = None,
        channel: grpc.aio.Channel | None = None,
    ) -> None:
        self.settings = settings or ClientSettings()
        self.target = target
        self.name = name or f"{service.full_name}@{target}"
        self.channel = channel or grpc.aio.insecure_channel(
            target,
            options=[
                ("grpc.max_receive_message_length", self.settings.max_message_bytes),
                ("grpc.max_send_message_length", self.settings.max_message_bytes),
                ("grpc.enable_retries", 0),
            ],
        )
        self._stub = stub_factory(self.channel)
        self._service = service
        # `is None`, not `or`: a registry defines __len__, so one that is still empty is falsy.
        registry = breakers if breakers is not None else default_breakers(self.settings)
        self.breaker: AsyncCircuitBreaker = registry.get(self.name)

    def is_idempotent(self, method: str) -> bool:
        """Whether the proto declares ``method`` idempotent (so it may be retried)."""
        m = self._service.methods_by_name[method]
        return m.GetOptions().idempotency_level in _IDEMPOTENT_LEVELS

    def _metadata(self, extra: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
        md = list(extra or [])
        keys = {k for k, _ in md}
        if REQUEST_ID_HEADER not in keys:
            md.append((REQUEST_ID_HEADER, current_request_id() or new_request_id()))
        if "authorization" not in keys:
            ident = identity_var.get()
            token = ident.token if ident is not None and ident.token else self.settings.token
            if token:
                md.append(("authorization", f"Bearer {token}"))
        return md

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_") or method not in self._service.methods_by_name:
            raise AttributeError(f"{self._service.full_name} has no method {method!r}")
        desc = self._service.methods_by_name[method]
        if desc.server_streaming and not desc.client_streaming:
            return lambda request, **kw: self.stream(method, request, **kw)
        if desc.client_streaming:
            return lambda requests, **kw: self._client_stream(method, requests, **kw)
        return lambda request, **kw: self.unary(method, request, **kw)

    async def unary(
        self,
        method: str,
        request: Any,
        *,
        timeout: float | None = None,
        metadata: Sequence[tuple[str, str]] | None = None,
        retry: bool | None = None,
    ) -> Any:
        """Call a unary method with deadline, retries (idempotent only), breaker and typed errors."""
        budget = timeout if timeout is not None else self.settings.default_timeout_s
        deadline = time.monotonic() + budget
        md = self._metadata(metadata)
        rpc = getattr(self._stub, method)

        async def attempt() -> Any:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceededError(f"deadline of {budget:.1f}s for {method} passed")

            async def once() -> Any:
                try:
                    return await rpc(request, timeout=remaining, metadata=md)
                except grpc.RpcError as exc:
                    raise _typed(exc, self.target) from exc

            return await self.breaker.call(once)

        may_retry = self.is_idempotent(method) if retry is None else retry
        if not may_retry:
            return await attempt()

        def on_retry(n: int, exc: BaseException, sleep: float) -> None:
            log.info("retrying call", target=self.target, rpc=method, attempt=n, error=repr(exc), sleep_s=sleep)

        return await self.settings.retry.run(attempt, deadline=deadline, on_retry=on_retry)

    async def stream(
        self,
        method: str,
        request: Any,
        *,
        timeout: float | None = None,
        metadata: Sequence[tuple[str, str]] | None = None,
    ) -> AsyncIterator[Any]:
        """Call a server-streaming method; errors (including mid-stream) are typed."""
        md = self._metadata(metadata)
        call = getattr(self._stub, method)(request, timeout=timeout, metadata=md)
        try:
            async for item in call:
                yield item
        except grpc.RpcError as exc:
            raise _typed(exc, self.target) from exc
        finally:
            call.cancel()

    async def _client_stream(
        self,
        method: str,
        requests: Any,
        *,
        timeout: float | None = None,
        metadata: Sequence[tuple[str, str]] | None = None,
    ) -> Any:
        md = self._metadata(metadata)
        try:
            return await getattr(self._stub, method)(requests, timeout=timeout, metadata=md)
        except grpc.RpcError as exc:
            raise _typed(exc, self.target) from exc

    async def close(self, grace: float | None = None) -> None:
        """Close the channel."""
        await self.channel.close(grace)


def _typed(exc: grpc.RpcError, target: str) -> OpsuiteError:
    if exc.code() == grpc.StatusCode.CANCELLED and not _has_details(exc):
        # Our own cancellation raises asyncio.CancelledError, never an RpcError: a bare CANCELLED comes
        # from the other side, typically a server shutting down that dropped calls it had not started.
        return ServiceUnavailableError(
            "the server dropped the call before completing it (it may be shutting down); it is safe to retry",
            reason="CALL_DROPPED_BY_SERVER",
            metadata={"target": target},
        )
    err = from_grpc_error(exc)
    if type(err) is ServiceUnavailableError and not err.metadata:
        err.metadata = {"target": target}
    return err


def _has_details(exc: grpc.RpcError) -> bool:
    md = exc.trailing_metadata() if callable(getattr(exc, "trailing_metadata", None)) else None
    return any(key == "grpc-status-details-bin" for key, _ in (md or ()))


def connect(
    target: str,
    stub_factory: Callable[[grpc.aio.Channel], Any],
    service: _descriptor.ServiceDescriptor,
    *,
    settings: ClientSettings | None = None,
    breakers: BreakerRegistry | None = None,
    name: str | None = None,
) -> ServiceClient:
    """Open a resilient client to ``target`` (host:port) for one service."""
    return ServiceClient(target, stub_factory, service, settings=settings, breakers=breakers, name=name)
