"""Write the demo incident as JSON lines of events (for ``opsuite publish``), ending now.

Thirty minutes of normal metrics, heartbeats and logs; then checkout is deployed, its error rate and
latency jump, web-02's CPU stays above 90%, error logs burst, and web-03's heartbeat stops. Publishing
the file fires every demo rule: cpu-high, error-burst, deploy-then-errors, heartbeat-missing and
latency-anomaly.
"""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

HOSTS = {"web-01": "checkout", "web-02": "checkout", "web-03": "search"}
SERVICES = ("checkout", "search")


def _noise(key: str, i: int) -> float:
    return (zlib.crc32(f"{key}:{i}".encode()) % 1000) / 1000.0


def events(now: datetime | None = None, minutes: int = 30) -> Iterator[dict[str, Any]]:
    """The scenario's events in time order, one per dict."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    start = now - timedelta(minutes=minutes)
    deploy_at = now - timedelta(minutes=8)
    n = 0

    def ev(kind: str, t: datetime, key: str, **attrs: Any) -> dict[str, Any]:
        nonlocal n
        n += 1
        ts = t.isoformat().replace("+00:00", "Z")
        return {
            "id": f"demo-{n}-{int(t.timestamp())}",
            "type": kind,
            "source": "demo",
            "key": key,
            "time": ts,
            "attributes": attrs,
        }

    for step in range(minutes * 2):  # every 30 seconds
        t = start + timedelta(seconds=30 * step)
        after = t >= deploy_at
        if abs((t - deploy_at).total_seconds()) < 15:
            yield ev("deployment", deploy_at, "checkout", service="checkout", version="2026.11.3", by="ci")
        for host, service in HOSTS.items():
            cpu = 30 + 20 * _noise(host, step)
            if host == "web-02" and after:
                cpu = 94 + 4 * _noise("hot", step)
            yield ev("metric", t, host, metric="cpu", host=host, service=service, value=round(cpu, 1))
            if not (host == "web-03" and t >= now - timedelta(minutes=6)):
                yield ev("heartbeat", t, host, host=host)
        for service in SERVICES:
            latency = 60 + 10 * _noise("lat" + service, step)
            errors = 0.3 + 0.4 * _noise("err" + service, step)
            if service == "checkout" and after:
                latency, errors = latency * 5, errors + 7.5
            yield ev("metric", t, service, metric="latency_p95_ms", service=service, value=round(latency, 1))
            yield ev("metric", t, service, metric="error_rate", service=service, value=round(errors, 2))
            level = "error" if service == "checkout" and after else "info"
            for _ in range(2 if level == "error" else 1):
                yield ev("log", t, service, service=service, level=level, message=f"request handled ({level})")
    # A last heartbeat from the healthy hosts moves the watermark past web-03's deadline.
    for host in ("web-01", "web-02"):
        yield ev("heartbeat", now, host, host=host)


if __name__ == "__main__":
    for e in events():
        sys.stdout.write(json.dumps(e) + "\n")
