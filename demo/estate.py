"""Generate the demo estate: a small SQLite database of hosts, services, metrics, deployments and changes.

``python demo/estate.py PATH`` (``./dev up`` runs it into ``.run/data_sources/demo/estate.db``). Times are relative to
now, so "the last 2 hours" always has data, and the data tells a story an operator can investigate:
checkout was deployed 40 minutes ago, its error rate and latency jumped right after, and web-02 (a
checkout host) has had high CPU since then; the search-node heartbeat of web-03 stopped 15 minutes ago.
"""

from __future__ import annotations

import math
import sqlite3
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

HOSTS = [
    # host, service, role, region, status, cores, memory_gb
    ("web-01", "checkout", "web", "eu-west-1", "up", 4, 16),
    ("web-02", "checkout", "web", "eu-west-1", "degraded", 4, 16),
    ("web-03", "search", "web", "eu-west-1", "up", 4, 16),
    ("api-01", "payments", "api", "eu-west-1", "up", 8, 32),
    ("db-01", "postgres", "db", "eu-west-1", "up", 16, 64),
    ("db-02", "postgres", "db", "eu-central-1", "up", 16, 64),
    ("cache-01", "redis", "cache", "eu-west-1", "up", 4, 32),
]
SERVICES = [
    # service, tier, owner
    ("checkout", "frontend", "team-shop"),
    ("search", "frontend", "team-discovery"),
    ("payments", "backend", "team-pay"),
    ("postgres", "data", "team-platform"),
    ("redis", "data", "team-platform"),
]
DEPENDENCIES = [
    ("checkout", "payments"),
    ("checkout", "postgres"),
    ("checkout", "redis"),
    ("search", "postgres"),
    ("payments", "postgres"),
]
RUNBOOKS = [
    (
        "High CPU on a web host",
        "Check recent deployments of the host's service, then its error rate; "
        "roll back if the spike started with a release.",
        "cpu,web,deployments",
    ),
    (
        "Error spike after a deployment",
        "Compare the error rate before and after the release; if it doubled, roll back and open an incident.",
        "errors,deployments",
    ),
    ("Missing heartbeat", "SSH to the host, check the agent, then the network path to the collector.", "heartbeat"),
]


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _noise(key: str, i: int) -> float:
    return (zlib.crc32(f"{key}:{i}".encode()) % 1000) / 1000.0


def build(path: Path, now: datetime | None = None) -> Path:
    """Create (or replace) the estate database at ``path``."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(
        """
        CREATE TABLE hosts (host TEXT PRIMARY KEY, service TEXT, role TEXT, region TEXT, status TEXT,
                            cpu_cores INTEGER, memory_gb INTEGER);
        CREATE TABLE services (service TEXT PRIMARY KEY, tier TEXT, owner TEXT);
        CREATE TABLE dependencies (from_service TEXT, to_service TEXT);
        CREATE TABLE metrics (host TEXT, service TEXT, metric TEXT, ts TEXT, value REAL);
        CREATE INDEX metrics_lookup ON metrics (metric, host, ts);
        CREATE INDEX metrics_service ON metrics (metric, service, ts);
        CREATE TABLE deployments (id INTEGER PRIMARY KEY, service TEXT, version TEXT, deployed_by TEXT,
                                  deployed_at TEXT, change TEXT);
        CREATE TABLE config_changes (id INTEGER PRIMARY KEY, target TEXT, key TEXT, old_value TEXT,
                                     new_value TEXT, changed_by TEXT, changed_at TEXT);
        CREATE TABLE runbooks (id INTEGER PRIMARY KEY, title TEXT, body TEXT, tags TEXT);
        """
    )
    db.executemany("INSERT INTO hosts VALUES (?,?,?,?,?,?,?)", HOSTS)
    db.executemany("INSERT INTO services VALUES (?,?,?)", SERVICES)
    db.executemany("INSERT INTO dependencies VALUES (?,?)", DEPENDENCIES)
    db.executemany("INSERT INTO runbooks (title, body, tags) VALUES (?,?,?)", RUNBOOKS)

    deploy_at = now - timedelta(minutes=40)
    rows = []
    for step in range(24 * 12):  # every 5 minutes for 24 hours
        t = now - timedelta(minutes=5 * step)
        after_deploy = t >= deploy_at
        for host, service, *_ in HOSTS:
            cpu = 25 + 20 * math.sin(step / 20) ** 2 + 10 * _noise("cpu" + host, step)
            if host == "web-02" and after_deploy:
                cpu = 93 + 5 * _noise("spike", step)
            mem = 45 + 15 * _noise("mem" + host, step)
            rows.append((host, service, "cpu", _iso(t), round(cpu, 2)))
            rows.append((host, service, "memory", _iso(t), round(mem, 2)))
            if not (host == "web-03" and t >= now - timedelta(minutes=15)):
                rows.append((host, service, "heartbeat", _iso(t), 1.0))
        for service, *_ in SERVICES:
            latency = 60 + 40 * _noise("lat" + service, step)
            errors = 0.3 + 0.5 * _noise("err" + service, step)
            if service == "checkout" and after_deploy:
                latency, errors = latency * 4, errors + 7.5
            rows.append((None, service, "latency_p95_ms", _iso(t), round(latency, 1)))
            rows.append((None, service, "error_rate", _iso(t), round(errors, 2)))
    db.executemany("INSERT INTO metrics VALUES (?,?,?,?,?)", rows)

    db.executemany(
        "INSERT INTO deployments (service, version, deployed_by, deployed_at, change) VALUES (?,?,?,?,?)",
        [
            ("checkout", "2026.11.3", "ci", _iso(deploy_at), "new payment retry policy"),
            ("checkout", "2026.11.2", "alice", _iso(now - timedelta(days=1, hours=2)), "cache keys per locale"),
            ("search", "2026.11.7", "ci", _iso(now - timedelta(hours=5)), "ranking tweaks"),
            ("payments", "2026.10.9", "bob", _iso(now - timedelta(days=2)), "TLS library upgrade"),
        ],
    )
    db.executemany(
        "INSERT INTO config_changes (target, key, old_value, new_value, changed_by, changed_at) VALUES (?,?,?,?,?,?)",
        [
            ("checkout", "payments.timeout_ms", "2000", "500", "alice", _iso(deploy_at - timedelta(minutes=5))),
            ("db-01", "max_connections", "200", "400", "bob", _iso(now - timedelta(hours=6))),
            ("web-03", "agent.interval_s", "10", "60", "carol", _iso(now - timedelta(minutes=20))),
        ],
    )
    db.commit()
    db.close()
    tmp.replace(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".run/data_sources/demo/estate.db")
    print(build(out))
