"""The server pipeline: ordered stages wrapped around every RPC handler.

Rather than five grpc interceptors (each a coroutine per call, and an interceptor disables grpc's
registered-method fast path), one :class:`Pipeline` wraps each method's handler once, when it is
registered, with an ordered list of :class:`Stage` middlewares. A stage is
``async (call, proceed) -> result``: it runs code around ``await proceed()``. The first stage is
the outermost. The default order (see
:func:`opsuite_common.server.stages.default_stages`) is:

0. tracing (only when OpenTelemetry tracing is on, :mod:`opsuite_common.tracing`): the RPC's SERVER
   span, child of the caller's ``traceparent``;
1. request context: request id from ``x-request-id`` (or new), returned in the trailers,
   bound to the log context with service and method;
2. access log: one line per RPC with code and duration; then, with a metrics port, the ``grpc_server_*``
   metrics (:class:`opsuite_common.metrics.MetricsStage`);
3. error mapping: OpsuiteError -> ``google.rpc.Status``; anything else -> logged with traceback,
   INTERNAL with a generic message and the request id;
4. authentication: bearer JWT -> Identity; role check against the handler's ``@requires``;
5. rate limit: per-tenant token bucket;
6. concurrency: per-tenant caps on calls in progress, for handlers that declare slots;
7. fair share (share 2 by default): while other tenants are present, a tenant's unary calls beyond
   its share wait their turn; a call waiting elsewhere gives its place back (:mod:`opsuite_common.fairness`).

Streaming responses are driven inside the chain (``context.write`` per item), so every stage sees
a streaming RPC as one awaitable, errors raised mid-stream included. A client that stops reading
cannot pin what the handler holds: a write the client has not taken within the service's
``stream_write_timeout_s`` (or by the deadline a handler set with :func:`limit_stream`, e.g. an API's
own timeout) ends the stream with DEADLINE_EXCEEDED ``CLIENT_NOT_READING``: the handler's generator is
closed at once (its cleanup releases what it holds) and can tell why with :func:`stream_ended_by`.

Every call runs in a fresh secret scope (:mod:`opsuite_common.secretscope`): the secret values the
handler registers (secret API parameters, data source and channel passwords) are masked in its log
lines, its error (by the error-mapping stage) and its response messages (here, each streamed item
too) before they leave the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import inspect
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import grpc
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from opsuite_common.errors import DeadlineExceededError, ValidationError
from opsuite_common.secretscope import SecretScope, secret_scope

__all__ = [
    "CLIENT_NOT_READING",
    "Call",
    "Pipeline",
    "Proceed",
    "Stage",
    "limit_stream",
    "masked_wire",
    "stream_ended_by",
]

Proceed = Callable[[], Awaitable[Any]]

#: The reason of the error that ends a stream whose client does not take its messages in time.
CLIENT_NOT_READING = "CLIENT_NOT_READING"


@dataclass(slots=True)
class _StreamDeadline:
    at: float | None = None
    #: Why the pipeline ended the stream (set before the handler's generator is closed).
    ended_by: DeadlineExceededError | None = None


_STREAM_DEADLINE: contextvars.ContextVar[_StreamDeadline | None] = contextvars.ContextVar(
    "opsuite_stream_deadline", default=None
)


def stream_ended_by() -> DeadlineExceededError | None:
    """Inside a streaming handler being closed: the error that made the pipeline end the stream (the
    client stopped reading), or None when it ended for another reason (the caller went away...)."""
    holder = _STREAM_DEADLINE.get()
    return None if holder is None else holder.ended_by


def limit_stream(deadline: float) -> None:
    """End the server stream being served at ``deadline`` (``time.monotonic()``) if the client has not
    taken every message by then. No-op outside a streaming call; the earliest deadline set wins."""
    holder = _STREAM_DEADLINE.get()
    if holder is not None:
        holder.at = deadline if holder.at is None else min(holder.at, deadline)


@dataclass(slots=True)
class Call:
    """What the stages know about the RPC being served (mutable, one per call)."""

    method: str
    context: grpc.aio.ServicerContext[Any, Any]
    handler: Callable[..., Any]
    #: ``unary``, ``client_stream``, ``server_stream`` or ``bidi_stream`` (the ``grpc_type`` of metrics).
    rpc_type: str = "unary"
    request_id: str = ""
    code: str = "OK"
    extra: dict[str, Any] = field(default_factory=dict)
    _metadata: dict[str, str] | None = None

    @property
    def metadata(self) -> dict[str, str]:
        """Invocation metadata (text keys only), parsed on first use."""
        if self._metadata is None:
            md: dict[str, str] = {}
            for item in self.context.invocation_metadata() or ():
                key, value = item[0], item[1]
                if not key.endswith("-bin"):
                    md[key] = value if isinstance(value, str) else value.decode("utf-8", "replace")
            self._metadata = md
        return self._metadata

    @property
    def short_method(self) -> str:
        """``Method`` from ``/pkg.Service/Method``."""
        return self.method.rsplit("/", 1)[-1]


class Stage(Protocol):
    """One step of the pipeline: middleware around the rest of the chain."""

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        """Run around ``await proceed()``; exceptions from the handler pass through it."""
        ...


class Pipeline:
    """Applies the stages to every handler registered on a server, once, at registration time.

    ``pipeline.wrap_server(server)`` returns a stand-in for the server to pass to the generated
    ``add_<Service>Servicer_to_server`` functions (and to health and reflection): each method
    handler they register is wrapped with the stages. Unlike a ``grpc.aio.ServerInterceptor``, this
    costs nothing per call beyond the stages themselves and keeps grpc's registered-method fast path.
    """

    def __init__(self, stages: Sequence[Stage], *, stream_write_timeout_s: float = 30.0) -> None:
        """``stream_write_timeout_s``: how long one streamed message may wait for the client to take it."""
        self._stages = tuple(stages)
        self._write_timeout_s = stream_write_timeout_s

    def wrap_server(self, server: grpc.aio.Server) -> _PipelinedServer:
        """A registration proxy for ``server`` that wraps every handler added through it."""
        return _PipelinedServer(server, self)

    def _run(self, call: Call, innermost: Proceed) -> Awaitable[Any]:
        stages = self._stages

        def step(i: int) -> Awaitable[Any]:
            if i == len(stages):
                return innermost()
            return stages[i](call, lambda: step(i + 1))

        return step(0)

    def wrap_handler(self, method: str, handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
        """``handler`` (for the full method name ``method``) with the stages around it."""
        kinds = (
            ("unary_unary", grpc.unary_unary_rpc_method_handler, False, "unary"),
            ("stream_unary", grpc.stream_unary_rpc_method_handler, False, "client_stream"),
            ("unary_stream", grpc.unary_stream_rpc_method_handler, True, "server_stream"),
            ("stream_stream", grpc.stream_stream_rpc_method_handler, True, "bidi_stream"),
        )
        for attr, factory, streaming, rpc_type in kinds:
            behavior = getattr(handler, attr)
            if behavior is not None:
                return factory(
                    self._wrap_behavior(
                        method, behavior, streaming, client_streaming=attr.startswith("stream_"), rpc_type=rpc_type
                    ),
                    request_deserializer=_safe_deserializer(handler.request_deserializer),
                    response_serializer=_passing_bytes(handler.response_serializer),
                )
        raise ValueError(f"handler for {method} has no behavior")

    def _wrap_behavior(
        self,
        method: str,
        behavior: Callable[..., Any],
        streaming: bool,
        *,
        client_streaming: bool,
        rpc_type: str = "unary",
    ) -> Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]:
        drive_generator = streaming and inspect.isasyncgenfunction(behavior)

        async def wrapped(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            call = Call(method=method, context=context, handler=behavior, rpc_type=rpc_type)
            with secret_scope() as scope:
                if client_streaming:
                    request = _checked_stream(request)
                elif isinstance(request, _Undecodable):
                    # Raised inside the chain, so the caller is still authenticated first and the
                    # refusal is logged and mapped like any other error.
                    bad = request
                    return await self._run(call, lambda: _raise(bad.error()))
                if drive_generator:

                    async def innermost() -> None:
                        deadline = _StreamDeadline()
                        reset = _STREAM_DEADLINE.set(deadline)
                        try:
                            # Closed on the spot when the call ends early (cancelled, a write failed), so
                            # the handler's cleanup runs now, not whenever the generator is collected.
                            async with contextlib.aclosing(behavior(request, context)) as items:
                                async for item in items:
                                    await self._write(context, masked_wire(item, scope), deadline)
                        finally:
                            _STREAM_DEADLINE.reset(reset)

                    await self._run(call, innermost)
                    return None
                return masked_wire(await self._run(call, lambda: behavior(request, context)), scope)

        return wrapped

    async def _write(
        self, context: grpc.aio.ServicerContext[Any, Any], message: Any, deadline: _StreamDeadline
    ) -> None:
        """Send one streamed message, or end the stream if the client does not take it in time."""
        timeout = self._write_timeout_s
        if deadline.at is not None:
            timeout = min(timeout, deadline.at - time.monotonic())
        try:
            if timeout <= 0:
                raise TimeoutError
            # asyncio.timeout, not wait_for: Python 3.11's wait_for returns the write's result when the
            # caller's cancel arrives just as the write completes, losing the cancel, and the handler then
            # ran on (its next wait, its slots held) although the caller had gone.
            async with asyncio.timeout(timeout):
                await context.write(message)
        except TimeoutError:
            error = DeadlineExceededError(
                "the stream was ended: the client did not take its messages in time (it stopped reading, "
                "or read slower than the call's time allows); read the stream as it arrives",
                reason=CLIENT_NOT_READING,
            )
            deadline.ended_by = error  # read by the handler's cleanup when aclosing() closes it
            raise error from None


def masked_wire(message: Any, scope: SecretScope) -> Any:
    """``message`` as it may leave: itself when the scope is empty, else its bytes with the scope's
    secrets masked in every string field, at any depth.

    The message is serialized once to look for a secret; those bytes are what is sent (the response
    serializer lets bytes through), so a response is only serialized again when it really held one.
    """
    if not scope or not isinstance(message, Message):
        return message
    data = message.SerializeToString()
    if not scope.contains(data):
        return data
    _scrub_fields(message, scope)
    return message.SerializeToString()


def _passing_bytes(serializer: Callable[[Any], bytes] | None) -> Callable[[Any], bytes] | None:
    """The handler's response serializer, letting through what :func:`masked_wire` already serialized."""
    if serializer is None:
        return None
    inner = serializer

    def serialize(message: Any) -> bytes:
        return message if isinstance(message, bytes) else inner(message)

    return serialize


def _scrub_fields(message: Message, scope: SecretScope) -> None:
    for fd, value in message.ListFields():
        repeated = fd.is_repeated
        if fd.type == FieldDescriptor.TYPE_STRING:
            if repeated:
                value[:] = [scope.scrub(v) for v in value]
            else:
                setattr(message, fd.name, scope.scrub(value))
        elif fd.type == FieldDescriptor.TYPE_MESSAGE and fd.message_type is not None:
            if fd.message_type.GetOptions().map_entry:
                _scrub_map(value, fd.message_type.fields_by_name["value"], scope)
            elif repeated:
                for item in value:
                    _scrub_fields(item, scope)
            else:
                _scrub_fields(value, scope)


def _scrub_map(container: Any, value_fd: FieldDescriptor, scope: SecretScope) -> None:
    scalar = value_fd.type != FieldDescriptor.TYPE_MESSAGE
    for key in list(container):
        new_key = scope.scrub(key) if isinstance(key, str) else key
        if scalar:
            value = container[key]
            new_value = scope.scrub(value) if isinstance(value, str) else value
            if new_key != key:
                del container[key]
            container[new_key] = new_value
        else:
            _scrub_fields(container[key], scope)
            if new_key != key:
                container[new_key].CopyFrom(container[key])
                del container[key]


class _Undecodable:
    """Stands in for a request message that failed to decode (too deep, malformed)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def error(self) -> ValidationError:
        return ValidationError(
            f"the request message could not be decoded ({self.reason}); check nesting depth and field types",
            reason="MALFORMED_REQUEST",
        )


def _safe_deserializer(deserialize: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """grpc answers UNKNOWN when a deserializer raises; hand the failure to the pipeline instead."""
    if deserialize is None:
        return None

    def safe(data: bytes) -> Any:
        try:
            return deserialize(data)
        except Exception as exc:
            return _Undecodable(type(exc).__name__)

    return safe


async def _raise(exc: BaseException) -> Any:
    raise exc


async def _checked_stream(requests: Any) -> Any:
    async for item in requests:
        if isinstance(item, _Undecodable):
            raise item.error()
        yield item


class _WrappedGenericHandler(grpc.GenericRpcHandler):
    """A generic handler whose method handlers are wrapped by the pipeline (cached per method)."""

    def __init__(self, inner: grpc.GenericRpcHandler, pipeline: Pipeline) -> None:
        self._inner = inner
        self._pipeline = pipeline
        self._cache: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        wrapped = self._cache.get(method)
        if wrapped is None:
            handler = self._inner.service(handler_call_details)
            if handler is None:
                return None
            wrapped = self._cache[method] = self._pipeline.wrap_handler(method, handler)
        return wrapped


class _PipelinedServer:
    """What the generated ``add_*_to_server`` functions see: registrations go through the pipeline."""

    def __init__(self, server: grpc.aio.Server, pipeline: Pipeline) -> None:
        self._server = server
        self._pipeline = pipeline

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self._server.add_generic_rpc_handlers(tuple(_WrappedGenericHandler(h, self._pipeline) for h in handlers))

    def add_registered_method_handlers(
        self, service_name: str, handlers: dict[str, grpc.RpcMethodHandler[Any, Any]]
    ) -> None:
        self._server.add_registered_method_handlers(
            service_name,
            {name: self._pipeline.wrap_handler(f"/{service_name}/{name}", h) for name, h in handlers.items()},
        )

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._server, attr)
