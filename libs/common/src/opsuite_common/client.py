"""Resilient, typed gRPC clients: one call site for deadlines, identity, retries, breakers and typed errors.

``connect(target, EchoServiceStub, ECHO_SERVICE, settings=...)`` returns a ``ServiceClient[EchoServiceAsyncStub]``:
its ``rpc`` attribute is typed as the service's async stub (from the committed ``*_pb2_grpc.pyi``), so mypy
checks method names, request and response types::

    client = connect("127.0.0.1:50051", ApiManagerServiceStub, SERVICE, settings=ClientSettings())
    api = await client.rpc.GetApi(GetApiRequest(name="x"), timeout=2.0)
    async for change in client.rpc.WatchAlerts(WatchAlertsRequest(), timeout=None):  # a watch: no deadline
        ...

At run time every method of ``rpc`` is this module's wrapper, not grpc's multi-callable. It takes the request
(or, client-streaming, an iterator of requests), ``timeout``, ``metadata`` and grpc's ``wait_for_ready`` and
``compression``. A unary or client-streaming call is awaited; a server stream is iterated, and offers ``read()``
and ``cancel()`` besides (none of grpc's other call accessors: metadata, code, details).

Every call:
- goes to the target's addresses in turn (gRPC's ``round_robin``): a target naming several replicas
  (``ipv4:10.0.0.5:50051,10.0.0.6:50051``, or a DNS name with a record per replica) spreads the calls over them;
- gets a deadline: ``timeout`` when given, else the settings' ``timeout_s``; ``timeout=None`` given
  explicitly means no deadline (for long-lived watches). A unary call's deadline is shared by all of its
  attempts; a stream's bounds the whole stream;
- carries ``x-request-id`` (the current request's id, or a new one) and ``authorization``: the
  caller's own token when serving an RPC (so the downstream service sees the same tenant), or the
  client's ``token``;
- with tracing on (:mod:`opsuite_common.tracing`), is a CLIENT span per attempt (a stream: one span from its
  opening to its end) whose W3C ``traceparent`` goes out in the metadata, so the server's span is its child;
- for unary calls, is retried by :class:`~opsuite_common.resilience.RetryPolicy` only when the
  method is declared idempotent in the proto (``option idempotency_level = IDEMPOTENT`` or
  ``NO_SIDE_EFFECTS``) and the error is transient; streams are never retried;
- passes through the target's :class:`~opsuite_common.resilience.AsyncCircuitBreaker`: each attempt of a
  unary call (retries wrap the breaker), a client-streaming call as a whole, and a server stream's opening:
  a failure before its first item counts, its first item (or an end without items) is a success, and
  errors later in the stream do not count;
- raises the server's typed :class:`~opsuite_common.errors.OpsuiteError`, never a bare RpcError. A failure
  grpc reports itself (no server answered) names the peer and the cause: "api_manager unreachable:
  connection refused" (the peer is the service's name in snake case, ``ApiManagerService`` ->
  ``api_manager``); once the breaker is open, its errors repeat that cause.
"""

from __future__ import annotations

import contextlib
import enum
import json
import re
import time
from collections.abc import AsyncIterable, Callable, Iterable
from functools import partial
from types import SimpleNamespace
from typing import Any, Final, Generic, TypeVar, cast

import grpc
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pb2

from opsuite_common.auth import identity_var
from opsuite_common.context import REQUEST_ID_HEADER, current_request_id, new_request_id
from opsuite_common.errors import Code, DeadlineExceededError, OpsuiteError, ServiceUnavailableError
from opsuite_common.fairness import waiting_elsewhere
from opsuite_common.logging import get_logger
from opsuite_common.metrics import breaker_state_listener
from opsuite_common.resilience import AsyncCircuitBreaker, BreakerRegistry
from opsuite_common.rpc_status import from_grpc_error
from opsuite_common.settings import ClientSettings
from opsuite_common.tls import aio_channel, handshake_failure
from opsuite_common.tracing import error_code, rpc_attributes, rpc_client_span, start_span

__all__ = ["ClientSettings", "ServiceClient", "connect", "default_breakers", "peer_name"]

log = get_logger("opsuite.client")

StubT = TypeVar("StubT")

_IDEMPOTENT_LEVELS = {
    descriptor_pb2.MethodOptions.IDEMPOTENT,
    descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS,
}

Metadata = Iterable[tuple[str, str | bytes]]


class _Default(enum.Enum):
    TIMEOUT = enum.auto()


#: ``timeout`` not given: the settings' default deadline (``None`` given means no deadline).
DEFAULT_TIMEOUT: Final = _Default.TIMEOUT

#: Client-side balancing over every address of a target (see ``ServiceClient``).
_ROUND_ROBIN = json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})

_DEFAULT_BREAKERS: dict[tuple[float, int, int, int], BreakerRegistry] = {}


def default_breakers(settings: ClientSettings) -> BreakerRegistry:
    """A process-wide registry per breaker configuration (one breaker per target within it)."""
    key = (
        settings.breaker_reset_timeout_s,
        settings.breaker_fail_max,
        settings.breaker_success_threshold,
        settings.breaker_half_open_max_calls,
    )
    reg = _DEFAULT_BREAKERS.get(key)
    if reg is None:
        reg = _DEFAULT_BREAKERS[key] = settings.breaker_registry(on_state_change=[_log_state_change])
    return reg


def _log_state_change(name: str, old: str, new: str) -> None:
    log.warning("circuit breaker state changed", breaker=name, old_state=old, new_state=new)
    breaker_state_listener(name, old, new)


class ServiceClient(Generic[StubT]):
    """A gRPC stub wrapped with deadlines, metadata propagation, retries, a breaker and typed errors.

    ``rpc`` is typed as the stub ``stub_factory`` returns for an aio channel (the service's async stub);
    its methods are this client's wrappers (see the module's docstring).
    """

    def __init__(
        self,
        target: str,
        stub_factory: Callable[[grpc.aio.Channel], StubT],
        service: _descriptor.ServiceDescriptor,
        *,
        settings: ClientSettings | None = None,
        token: str | None = None,
        breakers: BreakerRegistry | None = None,
        name: str | None = None,
        channel: grpc.aio.Channel | None = None,
    ) -> None:
        self.settings = settings if settings is not None else ClientSettings()
        self.target = target
        self.name = name or f"{service.full_name}@{target}"
        #: How errors name the server: the service's name in snake case (``ApiManagerService`` -> ``api_manager``).
        self.peer = peer_name(service)
        #: Sent when the call is not made on behalf of an authenticated caller (CLI, background work).
        self._token = token
        # TLS when the settings ask for it (opsuite_common.tls); the files are read here.
        self.channel = channel or aio_channel(
            target,
            self.settings,
            options=[
                ("grpc.max_receive_message_length", self.settings.max_message_bytes),
                ("grpc.max_send_message_length", self.settings.max_message_bytes),
                ("grpc.enable_retries", 0),
                # Every address the target names or resolves to takes calls in turn (replicas behind one DNS
                # name, or ``ipv4:a:p,b:p``); with one address this is the same as grpc's default pick_first.
                ("grpc.service_config", _ROUND_ROBIN),
            ],
        )
        self._stub = stub_factory(self.channel)
        self._service = service
        self._retry = self.settings.retry_policy()
        # `is None`, not `or`: a registry defines __len__, so one that is still empty is falsy.
        registry = breakers if breakers is not None else default_breakers(self.settings)
        self.breaker: AsyncCircuitBreaker = registry.get(self.name)
        #: The service's methods, typed as the async stub; each one is a wrapper of this client.
        self.rpc: StubT = cast(StubT, SimpleNamespace(**{m.name: self._wrapper(m) for m in service.methods}))

    def _wrapper(self, desc: _descriptor.MethodDescriptor) -> Callable[..., Any]:
        if desc.server_streaming:
            return partial(_StreamCall, self, desc.name)
        if desc.client_streaming:
            return partial(self._client_stream, desc.name)
        return partial(self._unary, desc.name)

    def is_idempotent(self, method: str) -> bool:
        """Whether the proto declares ``method`` idempotent (so it may be retried)."""
        m = self._service.methods_by_name[method]
        return m.GetOptions().idempotency_level in _IDEMPOTENT_LEVELS

    def _timeout(self, timeout: float | _Default | None) -> float | None:
        return self.settings.timeout_s if timeout is DEFAULT_TIMEOUT else timeout

    def _metadata(self, extra: Metadata | None) -> list[tuple[str, str | bytes]]:
        md = list(extra or [])
        keys = {k for k, _ in md}
        if REQUEST_ID_HEADER not in keys:
            md.append((REQUEST_ID_HEADER, current_request_id() or new_request_id()))
        if "authorization" not in keys:
            ident = identity_var.get()
            token = ident.token if ident is not None and ident.token else self._token
            if token:
                md.append(("authorization", f"Bearer {token}"))
        return md

    async def _unary(
        self,
        method: str,
        request: Any,
        *,
        timeout: float | _Default | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        **options: Any,
    ) -> Any:
        """Call a unary method with deadline, retries (idempotent only), breaker and typed errors."""
        budget = self._timeout(timeout)
        deadline = None if budget is None else time.monotonic() + budget
        md = self._metadata(metadata)
        rpc = getattr(self._stub, method)

        async def attempt() -> Any:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise DeadlineExceededError(f"deadline of {budget:.1f}s for {method} passed")
            with rpc_client_span(self._service.full_name, method, self.target) as traced:
                sent = traced.inject(md)

                async def once() -> Any:
                    try:
                        return await rpc(request, timeout=remaining, metadata=sent, **options)
                    except grpc.RpcError as exc:
                        raise _typed(exc, self.target, self.peer) from exc

                return await self.breaker.call(once)

        def on_retry(n: int, exc: BaseException, sleep: float) -> None:
            log.info("retrying call", target=self.target, rpc=method, attempt=n, error=repr(exc), sleep_s=sleep)

        # The whole call (its retries, backoff and breaker too) is a wait elsewhere: a handler of this server
        # calling out hands back its fair-share place, and takes it back once the call is over, outside them.
        async with waiting_elsewhere():
            if not self.is_idempotent(method):
                return await attempt()
            return await self._retry.run(attempt, deadline=deadline, on_retry=on_retry)

    async def _client_stream(
        self,
        method: str,
        requests: Iterable[Any] | AsyncIterable[Any],
        timeout: float | _Default | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        **options: Any,
    ) -> Any:
        """Call a client-streaming method (never retried: the requests are consumed) through the breaker."""
        md = self._metadata(metadata)
        rpc = getattr(self._stub, method)
        with rpc_client_span(self._service.full_name, method, self.target) as traced:
            sent = traced.inject(md)

            async def once() -> Any:
                try:
                    return await rpc(requests, timeout=self._timeout(timeout), metadata=sent, **options)
                except grpc.RpcError as exc:
                    raise _typed(exc, self.target, self.peer) from exc

            async with waiting_elsewhere():
                return await self.breaker.call(once)

    async def close(self, grace: float | None = None) -> None:
        """Close the channel."""
        await self.channel.close(grace)


class _StreamCall:
    """A server stream (or bidirectional stream) of a :class:`ServiceClient`: iterate it, or ``read()`` it.

    The call starts on the first read, through the breaker, which sees the stream's opening only. Errors are
    typed; an error, the end of the stream or ``cancel()`` ends the underlying call.
    """

    def __init__(
        self,
        client: ServiceClient[Any],
        method: str,
        request: Any,
        timeout: float | _Default | None = DEFAULT_TIMEOUT,
        metadata: Metadata | None = None,
        **options: Any,
    ) -> None:
        self._client = client
        self._method = method
        self._request = request
        self._timeout = client._timeout(timeout)
        self._metadata = client._metadata(metadata)
        self._options = options
        self._call: Any = None
        self._done = False
        full = f"{client._service.full_name}/{method}"
        # Started here, in the caller's context (the stream may be read elsewhere); ended with the stream.
        self._span = start_span(full, rpc_attributes(full, client.target), kind="client")

    def __aiter__(self) -> _StreamCall:
        return self

    async def __aenter__(self) -> _StreamCall:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.cancel()

    async def aclose(self) -> None:
        """End the stream early (``async with`` does it on exit); the same as :meth:`cancel`."""
        self.cancel()

    def __del__(self) -> None:
        # A reader that stopped early without cancel() (``async for ...: break``): the call and its CLIENT
        # span end when the stream is collected, not never.
        if not self._done:
            with contextlib.suppress(Exception):
                self.cancel()

    async def __anext__(self) -> Any:
        if self._done:
            raise StopAsyncIteration
        try:
            item = await (self._read() if self._call is not None else self._client.breaker.call(self._open))
        except BaseException as exc:
            if not self._done:
                self._span.set_attribute("rpc.grpc.status_code", int(error_code(exc)))
                self._span.fail(exc)
            self.cancel()
            raise
        if item is grpc.aio.EOF:
            self._span.set_attribute("rpc.grpc.status_code", 0)
            self.cancel()
            raise StopAsyncIteration
        return item

    async def read(self) -> Any:
        """The next item, or ``grpc.aio.EOF`` at the end of the stream."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            return grpc.aio.EOF

    def cancel(self) -> bool:
        """End the stream (cancelling the call if it is still running); True if a running call was cancelled."""
        if not self._done:
            self._span.end()
        self._done = True
        return bool(self._call.cancel()) if self._call is not None else False

    async def _open(self) -> Any:
        rpc = getattr(self._client._stub, self._method)
        metadata = self._span.inject(self._metadata)
        self._call = rpc(self._request, timeout=self._timeout, metadata=metadata, **self._options)
        return await self._read()

    async def _read(self) -> Any:
        try:
            return await self._call.read()
        except grpc.RpcError as exc:
            raise _typed(exc, self._client.target, self._client.peer) from exc


def peer_name(service: _descriptor.ServiceDescriptor) -> str:
    """``ApiManagerService`` -> ``api_manager``: how a person calls the server in an error message."""
    base = service.name.removesuffix("Service") or service.name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()


def _transport_cause(details: str) -> str:
    """The last clause of grpc's own error text, e.g. ``connection refused`` out of "failed to connect to all
    addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Failed to connect to remote host: Connection refused"."""
    text = " ".join(details.split())
    if (tls := handshake_failure(text)) is not None:
        return tls
    last = text.rsplit(":", 1)[-1].strip(" []") or text or "no details from grpc"
    last = last[:1].lower() + last[1:]
    return f"name resolution failed ({last})" if "resolv" in text.lower() else last


def _typed(exc: grpc.RpcError, target: str, peer: str) -> OpsuiteError:
    if exc.code() == grpc.StatusCode.CANCELLED and not _has_details(exc):
        # Our own cancellation raises asyncio.CancelledError, never an RpcError: a bare CANCELLED comes
        # from the other side, typically a server shutting down that dropped calls it had not started.
        return ServiceUnavailableError(
            "the server dropped the call before completing it (it may be shutting down); it is safe to retry",
            reason="CALL_DROPPED_BY_SERVER",
            metadata={"target": target},
        )
    err = from_grpc_error(exc)
    if not _has_details(exc):
        # No opsuite server answered: grpc's own text, whose useful part is its last clause.
        if err.code == Code.UNAVAILABLE:
            err.message = f"{peer} unreachable: {_transport_cause(err.message)}"
        elif err.code == Code.DEADLINE_EXCEEDED:
            err.message = f"{peer} did not answer before the call's deadline"
    if type(err) is ServiceUnavailableError and not err.metadata:
        err.metadata = {"target": target}
    return err


def _has_details(exc: grpc.RpcError) -> bool:
    md = exc.trailing_metadata() if isinstance(exc, grpc.aio.AioRpcError) else None
    return any(key == "grpc-status-details-bin" for key, _ in (md or ()))


def connect(
    target: str,
    stub_factory: Callable[[grpc.aio.Channel], StubT],
    service: _descriptor.ServiceDescriptor,
    *,
    settings: ClientSettings | None = None,
    token: str | None = None,
    breakers: BreakerRegistry | None = None,
    name: str | None = None,
) -> ServiceClient[StubT]:
    """Open a resilient client to ``target`` (host:port) for one service."""
    return ServiceClient(target, stub_factory, service, settings=settings, token=token, breakers=breakers, name=name)
