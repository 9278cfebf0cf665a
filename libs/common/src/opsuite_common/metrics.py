"""Prometheus metrics shared by every service (prometheus-client), served on ``<P>METRICS_PORT``.

One process-wide :data:`REGISTRY` holds:

- ``opsuite_rpc_requests_total{service,method,code}`` and
  ``opsuite_rpc_duration_seconds{service,method}`` (the :class:`MetricsStage` of the server pipeline);
- ``opsuite_breaker_state{breaker}``: 0 closed, 1 half-open, 2 open (:func:`breaker_state_listener`);
- whatever a service declares with :func:`counter`, :func:`histogram` and :func:`gauge` (idempotent, so
  several servers in one test process share the same collectors).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

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
]

REGISTRY = CollectorRegistry(auto_describe=True)
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


RPC_REQUESTS = counter(
    "opsuite_rpc_requests_total", "RPCs served, by method and final status code.", ("service", "method", "code")
)
RPC_DURATION = histogram("opsuite_rpc_duration_seconds", "RPC handling time in seconds.", ("service", "method"))
BREAKER_STATE = gauge("opsuite_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open.", ("breaker",))
_STATE_VALUE = {"closed": 0, "half-open": 1, "open": 2}


class MetricsStage:
    """Counts every RPC by method and code and observes its duration (place it outside error mapping)."""

    def __init__(self, service: str) -> None:
        self._service = service

    async def __call__(self, call: Call, proceed: Proceed) -> Any:
        started = time.perf_counter()
        try:
            return await proceed()
        finally:
            RPC_REQUESTS.labels(self._service, call.method, call.code).inc()
            RPC_DURATION.labels(self._service, call.method).observe(time.perf_counter() - started)


def breaker_state_listener(name: str, old: str, new: str) -> None:
    """An ``AsyncCircuitBreaker`` state listener that exports the state as a gauge."""
    BREAKER_STATE.labels(name).set(_STATE_VALUE.get(new, -1))


def serve_metrics(port: int, host: str = "127.0.0.1") -> tuple[WSGIServer, int]:
    """Serve ``/metrics`` over HTTP in a daemon thread; returns the server (``shutdown()`` it) and port."""
    server, _thread = start_http_server(port, addr=host, registry=REGISTRY)
    return server, int(server.server_port)
