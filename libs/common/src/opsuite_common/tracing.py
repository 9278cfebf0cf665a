"""OpenTelemetry tracing: off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, then spans go out over OTLP gRPC.

:func:`configure_tracing` is called once in a service's ``main`` (``run_service``). With no OTLP endpoint in
the environment it does nothing and **nothing of opentelemetry is imported**: every function here is then a
cheap no-op (one global read), so an idle service pays no memory for tracing. With an endpoint, the SDK's
``TracerProvider`` (sampler from ``OTEL_TRACES_SAMPLER``/``_ARG``), a ``BatchSpanProcessor`` (``OTEL_BSP_*``)
and the OTLP gRPC exporter (``OTEL_EXPORTER_OTLP_*``: endpoint, headers, certificates, timeout) are built as
the standard variables say; ``OTEL_SERVICE_NAME`` and ``OTEL_RESOURCE_ATTRIBUTES`` name the resource (the
service's own name otherwise); ``OTEL_PROPAGATORS`` picks the propagators (W3C ``traceparent`` by default).

What creates spans:

- the server pipeline's tracing stage (:mod:`opsuite_common.server.tracing_stage`): one SERVER span per RPC,
  its parent taken from the caller's ``traceparent``;
- the common client (:mod:`opsuite_common.client`): one CLIENT span per attempt of a call, whose context
  goes out as ``traceparent`` metadata, so client -> service -> service is one trace;
- :func:`span` around work inside a service (SQL, HTTP, scripts, workflow steps, ops phases and tool calls,
  cep ingestion, deliveries and schedule runs), :func:`start_span` for work that outlives one block.

A service with tracing off still passes a caller's context on: the ``traceparent`` and ``tracestate`` an
RPC arrived with go out unchanged on the calls, HTTP requests and messages its handler makes
(:data:`_PASSTHROUGH`), so one hop without tracing does not split the trace of the hops around it.

No span records an exception's message or stack: an error sets the span's status to ERROR with the error's
reason (``OpsuiteError.reason``) or type, and ``error.type``; messages can quote what a tenant sent. Log lines
carry ``trace_id`` and ``span_id`` of the current span (:func:`add_trace_ids`, a structlog processor).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, Protocol

from opsuite_common.errors import Code, OpsuiteError

if TYPE_CHECKING:  # annotations only: opentelemetry is imported when tracing is configured, never before
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, SpanKind, Tracer

__all__ = [
    "ENDPOINT_VARIABLES",
    "NO_SPAN",
    "SpanHandle",
    "add_trace_ids",
    "carrier",
    "configure_tracing",
    "current_ids",
    "current_span",
    "enabled",
    "error_code",
    "inject",
    "mark_current_failed",
    "mark_failed",
    "rpc_attributes",
    "rpc_client_span",
    "rpc_server_span",
    "shutdown_tracing",
    "span",
    "start_span",
    "stored_parent",
    "tracing_requested",
]

#: Either one turns tracing on (the second names the traces endpoint alone).
ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")

Kind = Literal["internal", "server", "client", "producer", "consumer"]
AttributeValue = str | bool | int | float | Sequence[str]


class SpanHandle(Protocol):
    """What code holding a span may do with it (an OpenTelemetry span, or :data:`NO_SPAN` when off)."""

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        """Set one attribute."""
        ...

    def is_recording(self) -> bool:
        """Whether attributes set now are kept (False when tracing is off or the span is not sampled)."""
        ...


class _NoSpan:
    """The span of every call while tracing is off: accepts everything, keeps nothing."""

    __slots__ = ()

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        """Ignored."""

    def is_recording(self) -> bool:
        """Never recording."""
        return False

    def fail(self, exc: BaseException) -> None:
        """Ignored."""

    def inject(self, metadata: Sequence[tuple[str, str | bytes]]) -> list[tuple[str, str | bytes]]:
        """``metadata`` plus the context the RPC being served arrived with, unchanged (tracing off)."""
        return [*metadata, *_PASSTHROUGH.get()]

    def end(self) -> None:
        """Nothing to end."""


NO_SPAN = _NoSpan()

#: Tracing off: the ``traceparent``/``tracestate`` of the RPC being served, passed on as they came.
_PASSTHROUGH: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("opsuite_trace_passthrough", default=())
#: W3C Trace Context: the version-00 ``traceparent`` and a ``tracestate`` of at most 32 members of 256 characters.
_TRACEPARENT = re.compile(r"00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}")
_MAX_TRACESTATE = 512


def _carried(metadata: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """What a caller's metadata carries that is passed on with tracing off: a well-formed ``traceparent`` and,
    beside it, a ``tracestate`` within its size (as the W3C propagator would keep them). Anything else a caller
    sends is dropped: it would go out to other services, tenants' HTTP endpoints and stored outbox rows."""
    parent = metadata.get("traceparent", "")
    if not _TRACEPARENT.fullmatch(parent):
        return ()
    state = metadata.get("tracestate", "")
    if state and len(state) <= _MAX_TRACESTATE and state.isascii() and state.isprintable():
        return (("traceparent", parent), ("tracestate", state))
    return (("traceparent", parent),)


class _Tracing:
    """The configured SDK: provider, tracer and the OpenTelemetry functions the hot paths call."""

    def __init__(self, provider: TracerProvider, version: str) -> None:
        from opentelemetry import propagate, trace

        self.provider = provider
        self.tracer: Tracer = provider.get_tracer("opsuite", version)
        self.trace = trace
        self.propagate = propagate
        self.kinds: dict[str, SpanKind] = {
            "internal": trace.SpanKind.INTERNAL,
            "server": trace.SpanKind.SERVER,
            "client": trace.SpanKind.CLIENT,
            "producer": trace.SpanKind.PRODUCER,
            "consumer": trace.SpanKind.CONSUMER,
        }

    def failed(self, target: Span, why: str) -> None:
        """Mark ``target`` failed: status ERROR with ``why`` (a reason or a type name, never a message)."""
        target.set_attribute("error.type", why)
        target.set_status(self.trace.Status(self.trace.StatusCode.ERROR, why))


_STATE: _Tracing | None = None


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` asks for tracing: an OTLP endpoint set, the SDK not disabled, the exporter not ``none``."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return any(environ.get(name, "").strip() for name in ENDPOINT_VARIABLES)


def configure_tracing(service: str, version: str, environ: Mapping[str, str]) -> bool:
    """Set up tracing for ``service`` when ``environ`` asks for it (see the module docstring); True if on.

    Safe to call again (tests): a previous provider is flushed and shut down first.
    """
    global _STATE
    if not tracing_requested(environ):
        return False
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.version": version})
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": service}))
    provider = TracerProvider(resource=resource)  # the sampler comes from OTEL_TRACES_SAMPLER
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    shutdown_tracing()
    _STATE = _Tracing(provider, version)
    return True


def shutdown_tracing() -> None:
    """Export the spans still queued and stop tracing (a no-op when it is off)."""
    global _STATE
    state, _STATE = _STATE, None
    if state is not None:
        state.provider.shutdown()


def enabled() -> bool:
    """Whether tracing is on in this process."""
    return _STATE is not None


def _why(exc: BaseException) -> str:
    return exc.reason if isinstance(exc, OpsuiteError) else type(exc).__name__


def _parent(state: _Tracing, carrier: Mapping[str, str] | None) -> Context | None:
    return None if carrier is None else state.propagate.extract(carrier)


@contextlib.contextmanager
def span(
    name: str,
    attributes: Mapping[str, AttributeValue] | None = None,
    *,
    kind: Kind = "internal",
    parent: Mapping[str, str] | None = None,
) -> Iterator[SpanHandle]:
    """A span around the block, current inside it (children and outgoing calls hang under it).

    ``parent``: headers or metadata to take the parent from (``traceparent``) instead of the current span.
    An exception leaving the block marks the span failed (its reason or type, never its message).
    """
    state = _STATE
    if state is None:
        yield NO_SPAN
        return
    with state.tracer.start_as_current_span(
        name,
        context=_parent(state, parent),
        kind=state.kinds[kind],
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        try:
            yield current
        except Exception as exc:
            state.failed(current, _why(exc))
            raise


class _ManualSpan:
    """A span started by :func:`start_span`: not current anywhere; ``end()`` it (once; later calls are ignored)."""

    __slots__ = ("_span", "_state")

    def __init__(self, state: _Tracing, started: Span) -> None:
        self._state, self._span = state, started

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        """Set one attribute."""
        self._span.set_attribute(key, value)

    def is_recording(self) -> bool:
        """Whether the span is sampled and not ended."""
        return self._span.is_recording()

    def fail(self, exc: BaseException) -> None:
        """Mark the span failed by ``exc`` (its reason or type)."""
        self._state.failed(self._span, _why(exc))

    def inject(self, metadata: Sequence[tuple[str, str | bytes]]) -> list[tuple[str, str | bytes]]:
        """``metadata`` plus this span's ``traceparent`` (and whatever else the propagators carry)."""
        carrier: dict[str, str] = {}
        self._state.propagate.inject(carrier, context=self._state.trace.set_span_in_context(self._span))
        return [*metadata, *carrier.items()]

    def end(self) -> None:
        """End the span."""
        self._span.end()


def start_span(
    name: str, attributes: Mapping[str, AttributeValue] | None = None, *, kind: Kind = "internal"
) -> _ManualSpan | _NoSpan:
    """A span under the current one that is not made current: for work that ends elsewhere (a stream)."""
    state = _STATE
    if state is None:
        return NO_SPAN
    return _ManualSpan(state, state.tracer.start_span(name, kind=state.kinds[kind], attributes=attributes))


def mark_failed(handle: SpanHandle, why: str) -> None:
    """Mark a span from :func:`span` failed without an exception (an HTTP 5xx answer...): ``why`` is the
    ``error.type`` and the status description. No-op when tracing is off."""
    state = _STATE
    if state is not None and isinstance(handle, state.trace.Span):
        state.failed(handle, why)


def current_span() -> SpanHandle:
    """The current span (:data:`NO_SPAN` when tracing is off), to add attributes known only later."""
    state = _STATE
    return NO_SPAN if state is None else state.trace.get_current_span()


def mark_current_failed(why: str) -> None:
    """:func:`mark_failed` for the current span (work that handles its own failure, e.g. a delivery)."""
    state = _STATE
    if state is not None:
        current = state.trace.get_current_span()
        if current.is_recording():
            state.failed(current, why)


def inject(headers: MutableMapping[str, str]) -> None:
    """Add the current span's ``traceparent`` to outgoing HTTP headers or message headers (tracing off: the
    served RPC's own, passed on)."""
    state = _STATE
    if state is not None:
        state.propagate.inject(headers)
    else:
        headers.update(_PASSTHROUGH.get())


def carrier() -> str:
    """The current span's context as stored text (JSON of the propagators' headers, ``traceparent`` by default),
    for work that runs later from a stored row (an outbox entry): ``span(..., parent=json.loads(text))`` joins
    it. ``""`` when nothing is traced (nor, tracing off, carried from the RPC being served)."""
    headers: dict[str, str] = {}
    inject(headers)
    return json.dumps(headers, separators=(",", ":"), sort_keys=True) if headers else ""


def stored_parent(text: str) -> dict[str, str] | None:
    """The headers of a :func:`carrier` text, for ``span(parent=...)``; None when none was stored (or it is not
    a JSON object of strings: a new trace then, not an error)."""
    if not text:
        return None
    try:
        headers = json.loads(text)
    except ValueError:
        return None
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        return None
    return headers


def current_ids() -> tuple[str, str] | None:
    """``(trace_id, span_id)`` of the current span in hex, or None (tracing off, or no span)."""
    state = _STATE
    if state is None:
        return None
    ctx = state.trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None
    return f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}"


def add_trace_ids(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: ``trace_id`` and ``span_id`` of the current span on every line logged inside one."""
    ids = current_ids()
    if ids is not None:
        event_dict.setdefault("trace_id", ids[0])
        event_dict.setdefault("span_id", ids[1])
    return event_dict


class _RpcClientSpan:
    """The CLIENT span of one attempt of an outgoing RPC (see :func:`rpc_client_span`)."""

    __slots__ = ("_span", "_state")

    def __init__(self, state: _Tracing | None, current: Span | None) -> None:
        self._state, self._span = state, current

    def inject(self, metadata: Sequence[tuple[str, str | bytes]]) -> Sequence[tuple[str, str | bytes]]:
        """``metadata`` plus the span's ``traceparent`` (tracing off: the served RPC's own, passed on)."""
        if self._state is None:
            carried = _PASSTHROUGH.get()
            return [*metadata, *carried] if carried else metadata
        carrier: dict[str, str] = {}
        self._state.propagate.inject(carrier)
        return [*metadata, *carrier.items()]


_NO_RPC_SPAN = _RpcClientSpan(None, None)


def rpc_attributes(full_method: str, target: str = "") -> dict[str, AttributeValue]:
    """``rpc.*`` (and ``server.*`` for a ``host:port`` target) attributes of a call to ``pkg.Service/Method``."""
    service, _, method = full_method.lstrip("/").partition("/")
    attributes: dict[str, AttributeValue] = {"rpc.system": "grpc", "rpc.service": service, "rpc.method": method}
    host, sep, port = target.rpartition(":")
    if sep and port.isdigit() and "/" not in host:
        attributes["server.address"] = host.strip("[]")
        attributes["server.port"] = int(port)
    return attributes


@contextlib.contextmanager
def rpc_client_span(service: str, method: str, target: str) -> Iterator[_RpcClientSpan]:
    """A CLIENT span around one attempt of ``service/method`` to ``target``: ``rpc.grpc.status_code`` is the
    attempt's code (a typed error's), and ERROR for anything but OK. Inject its context with ``.inject(md)``."""
    state = _STATE
    if state is None:
        yield _NO_RPC_SPAN
        return
    with state.tracer.start_as_current_span(
        f"{service}/{method}",
        kind=state.kinds["client"],
        attributes=rpc_attributes(f"{service}/{method}", target),
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        try:
            yield _RpcClientSpan(state, current)
        except BaseException as exc:
            code = error_code(exc)
            current.set_attribute("rpc.grpc.status_code", int(code))
            state.failed(current, _why(exc) if isinstance(exc, OpsuiteError) else code.name)
            raise
        current.set_attribute("rpc.grpc.status_code", int(Code.OK))


#: Codes that mark a SERVER span failed (semantic conventions: the server's fault, not the caller's mistake).
SERVER_FAULTS = frozenset({"UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"})


class _RpcServerSpan:
    """The SERVER span of one RPC being served (see :func:`rpc_server_span`)."""

    __slots__ = ("_span", "_state")

    def __init__(self, state: _Tracing | None, current: Span | None) -> None:
        self._state, self._span = state, current

    def finish(self, code: str) -> None:
        """Record the RPC's final status code (a ``grpc.StatusCode`` name); server faults mark the span failed."""
        if self._span is None or self._state is None:
            return
        self._span.set_attribute("rpc.grpc.status_code", int(Code[code]) if code in Code.__members__ else 2)
        if code in SERVER_FAULTS:
            self._state.failed(self._span, code)


_NO_SERVER_SPAN = _RpcServerSpan(None, None)


@contextlib.contextmanager
def rpc_server_span(full_method: str, metadata: Mapping[str, str]) -> Iterator[_RpcServerSpan]:
    """The SERVER span of the RPC ``/pkg.Service/Method``, child of the caller's ``traceparent`` in ``metadata``
    (a new trace without one), current inside the block; call ``.finish(code)`` with the final status."""
    state = _STATE
    if state is None:
        carried = _carried(metadata)
        if not carried:
            yield _NO_SERVER_SPAN
            return
        token = _PASSTHROUGH.set(carried)
        try:
            yield _NO_SERVER_SPAN
        finally:
            _PASSTHROUGH.reset(token)
        return
    with state.tracer.start_as_current_span(
        full_method.lstrip("/"),
        context=state.propagate.extract(metadata),
        kind=state.kinds["server"],
        attributes=rpc_attributes(full_method),
        record_exception=False,
        set_status_on_exception=False,
    ) as current:
        yield _RpcServerSpan(state, current)


def error_code(exc: BaseException) -> Code:
    """The status code a call ended with when ``exc`` left it (a typed error's own, CANCELLED, else UNKNOWN)."""
    if isinstance(exc, OpsuiteError):
        return exc.code
    return Code.CANCELLED if isinstance(exc, asyncio.CancelledError) else Code.UNKNOWN
