"""Prometheus metrics shared by every service (prometheus-client), served on ``<P>METRICS_PORT``.

One process-wide :data:`REGISTRY` holds:

- per RPC, under the names of go-grpc-prometheus (the ones gRPC dashboards query), from the
  :class:`MetricsStage` of the server pipeline: ``grpc_server_started_total``,
  ``grpc_server_handled_total`` (with ``grpc_code``) and the ``grpc_server_handling_seconds`` histogram,
  labelled ``grpc_type`` (unary, client_stream, server_stream, bidi_stream), ``grpc_service`` (the full proto
  service name) and ``grpc_method``; the histogram also by ``grpc_code``, so error latency can be told apart;
- the process (``process_*``: CPU, resident memory, open files, start time) and Python (``python_info``,
  ``python_gc_*``) collectors, and ``opsuite_build_info{service,version,python}`` (always 1; :func:`set_build_info`);
- ``opsuite_breaker_state{breaker}``: 0 closed, 1 half-open, 2 open (:func:`breaker_state_listener`);
- whatever a service declares with :func:`counter`, :func:`histogram` and :func:`gauge` (idempotent, so
  several servers in one test process share the same collectors).
"""

from __future__ import annotations

import platform
import threading
import time
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    start_http_server,
)

if TYPE_CHECKING:  # only for annotations: the server package imports this module
    from opsuite_common.server.pipeline import Call, Proceed

__all__ = [
    "REGISTRY",
    "MetricsStage",
    "breaker_state_listener",
    "counter",
    "gauge",
    "histogram",
    "serve_metrics",
    "set_build_info",
]

REGISTRY = CollectorRegistry(auto_describe=True)
# What prometheus-client's default registry would hold: process_*, python_info, python_gc_*.
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)
_LOCK = threading.Lock()
_COLLECTORS: dict[str, Any] = {}

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


def _get(kind: type, name: str, doc: str, labels: tuple[str, ...], **kw: Any) -> Any:
    with _LOCK:
        existing = _COLLECTORS.get(name)
        if existing is None:
            existing = _COLLECTORS[name] = kind(name, doc, labels, registry=REGISTRY, **kw)
        return existing


def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
    """A counter in the shared registry (created once)."""
    return _get(Counter, name, doc, labels)  # type: ignore[no-any-return]


def histogram(
    name: str, doc: str, labels: tuple[str, ...] = (), buckets: tuple[float, ...] = _LATENCY_BUCKETS
) -> Histogram:
    """A histogram in the shared registry (created once)."""
    return _get(Histogram, name, doc, labels, buckets=buckets)  # type: ignore[no-any-return]


def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
    """A gauge in the shared registry (created once)."""
    return _get(Gauge, name, doc, labels)  # type: ignore[no-any-return]


_RPC_LABELS = ("grpc_type", "grpc_service", "grpc_method")
RPC_STARTED = counter("grpc_server_started_total", "RPCs started on the server.", _RPC_LABELS)
RPC_HANDLED = counter(
    "grpc_server_handled_total", "RPCs completed on the server, whatever their status.", (*_RPC_LABELS, "grpc_code")
)
RPC_SECONDS = histogram(
    "grpc_server_handling_seconds",
    "Time the server took to handle an RPC, until its status was sent.",
    (*_RPC_LABELS, "grpc_code"),
)
BUILD_INFO = gauge(
    "opsuite_build_info",
    "Always 1: the service, its version and the Python it runs on.",
    ("service", "version", "python"),
)
BREAKER_STATE = gauge("opsuite_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open.", ("breaker",))
_STATE_VALUE = {"closed": 0, "half-open": 1, "open": 2}


def set_build_info(service: str, version: str) -> None:
    """Set ``opsuite_build_info{service,version,python} 1`` for this process."""
    BUILD_INFO.labels(service, version, platform.python_version()).set(1)


class MetricsStage:
    """Counts every RPC as it starts and as it ends (with its final code) and observes its duration.

    Placed outside error mapping, so it sees the code the caller gets. The label children are looked up
    once per method (and code), not per call.
    """

    def __init__(self, service: str = "") -> None:
        """``service``: kept for callers that name it; the labels come from the method's full name."""
        self._service = service
        self._started: dict[tuple[str, str], Any] = {}
        self._ended: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        key = (call.rpc_type, call.method)
        started_child = self._started.get(key)
        if started_child is None:
            started_child = self._started[key] = RPC_STARTED.labels(call.rpc_type, *_split(call.method))
        started_child.inc()
        started = time.perf_counter()
        try:
            return await proceed()
        finally:
            ended = self._ended.get((*key, call.code))
            if ended is None:
                labels = (call.rpc_type, *_split(call.method), call.code)
                ended = self._ended[(*key, call.code)] = (RPC_HANDLED.labels(*labels), RPC_SECONDS.labels(*labels))
            ended[0].inc()
            ended[1].observe(time.perf_counter() - started)


def _split(method: str) -> tuple[str, str]:
    """``("pkg.Service", "Method")`` of ``/pkg.Service/Method``."""
    service, _, name = method.lstrip("/").partition("/")
    return service, name


def breaker_state_listener(name: str, old: str, new: str) -> None:
    """An ``AsyncCircuitBreaker`` state listener that exports the state as a gauge."""
    BREAKER_STATE.labels(name).set(_STATE_VALUE.get(new, -1))


def serve_metrics(port: int, host: str = "127.0.0.1") -> tuple[WSGIServer, int]:
    """Serve ``/metrics`` over HTTP in a daemon thread; returns the server (``shutdown()`` it) and port."""
    server, _thread = start_http_server(port, addr=host, registry=REGISTRY)
    return server, int(server.server_port)
