"""Differential test of cep's routing against a real Alertmanager (Debian's ``prometheus-alertmanager``, 0.25).

The same routing tree, grouping, inhibition rule and (regex) silence are given to an Alertmanager process on
loopback and to cep; the same alerts reach both (posted to Alertmanager's API, produced by cep's rules from
events at the same instants); a loopback receiver in the test collects both sides' webhooks. Compared: for
each receiver and group, the notifications in order, each with its v4 fields (version, groupKey,
truncatedAlerts, status, receiver, groupLabels, commonLabels, commonAnnotations, externalURL) and its alerts
in order (status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint).

Alertmanager runs on the wall clock, cep on event time: the events are stamped with the instants the alerts
carry in Alertmanager, and cep's event time is moved past each flush with an event no rule uses. Skipped,
saying why, when the binary is not installed (``apt-get install prometheus-alertmanager``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import shutil
import subprocess
import time
import urllib.request
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

from opsuite.cep.v1 import cep_pb2
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.processes import free_port

from .conftest import Cep, struct

pytestmark = pytest.mark.asyncio

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
SKIP_REASON = (
    "Alertmanager is not installed (no prometheus-alertmanager or alertmanager on PATH); "
    "install it with `apt-get install prometheus-alertmanager` to compare cep's routing with it"
)

ROUTE: dict[str, Any] = {
    "receiver": "ops.team",  # Alertmanager escapes a receiver name as a regex in the payload (ops\\.team)
    "group_by": ["alertname"],
    "group_wait": "1s",
    "group_interval": "2s",
    "repeat_interval": "1h",
    "routes": [
        {"matchers": ['severity="critical"'], "receiver": "pager", "group_by": ["alertname", "host"], "continue": True},
        {"matchers": ['team=~"db|storage"', 'severity!="info"'], "receiver": "db", "group_by": ["..."]},
    ],
}
INHIBIT = [{"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"'], "equal": ["host"]}]
RECEIVERS = ("ops.team", "pager", "db")

#: cep's rules; the alerts Alertmanager gets carry exactly the labels and annotations these produce.
RULES = [
    {
        "name": "HostDown",
        "kind": "THRESHOLD",
        "event_type": "host",
        "severity": "critical",
        "labels": {"team": "infra"},
        "annotations": {"summary": "host is down"},
        "spec": {"condition": {"field": "up", "op": "==", "value": 0}, "group_by": ["host"]},
    },
    {
        "name": "CpuHigh",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "severity": "warning",
        "labels": {"team": "infra"},
        "annotations": {"summary": "cpu is high"},
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
    },
    {
        "name": "DiskFull",
        "kind": "THRESHOLD",
        "event_type": "disk",
        "severity": "warning",
        "labels": {"team": "db", "tier": "1", "tier2": "x"},  # tier2 sorts before tier in some Go versions' key
        "annotations": {"summary": "disk is full", "runbook": "clean up"},
        "spec": {"condition": {"field": "used", "op": ">", "value": 90}, "group_by": ["host"]},
    },
]
#: (rule, host, event type, attributes that fire it)
FIRING = [
    ("HostDown", "h1", "host", {"up": 0}),
    ("CpuHigh", "h1", "metric", {"cpu": 95}),  # inhibited by HostDown on h1
    ("CpuHigh", "h4", "metric", {"cpu": 93}),
    ("CpuHigh", "h2", "metric", {"cpu": 96}),
    ("DiskFull", "h3", "disk", {"used": 97}),
    ("CpuHigh", "h5", "metric", {"cpu": 99}),  # silenced (host=~"h5|h6")
]


def _labels(rule: str, host: str) -> dict[str, str]:
    spec = next(r for r in RULES if r["name"] == rule)
    return {"alertname": rule, "severity": spec["severity"], **spec["labels"], "host": host}


def _annotations(rule: str) -> dict[str, str]:
    return dict(next(r for r in RULES if r["name"] == rule)["annotations"])


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Receiver:
    """A loopback HTTP server that keeps every POST body by path (``/am/<receiver>``, ``/cep/<receiver>``)."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, dict[str, Any]]] = []
        self.server: asyncio.AbstractServer | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self.server.sockets[0].getsockname()[1])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines if ln)}
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.bodies.append((request_line.split(" ")[1], json.loads(body)))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    def of(self, side: str) -> list[tuple[str, dict[str, Any]]]:
        return [(path.rsplit("/", 1)[1], body) for path, body in self.bodies if path.startswith(f"/{side}/")]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    await hook.start()
    yield hook
    await hook.stop()


class Alertmanager:
    """A real Alertmanager on loopback with its own config, storage and ports (no clustering)."""

    def __init__(self, workdir: Path, hook_port: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = {
            "route": ROUTE,
            "receivers": [
                {"name": name, "webhook_configs": [{"url": f"http://127.0.0.1:{hook_port}/am/{name}"}]}
                for name in RECEIVERS
            ],
            "inhibit_rules": INHIBIT,
        }
        (workdir / "alertmanager.yml").write_text(yaml.safe_dump(config))
        self.log = workdir / "alertmanager.log"
        assert BINARY is not None
        self.proc = subprocess.Popen(
            [
                BINARY,
                f"--config.file={workdir / 'alertmanager.yml'}",
                f"--storage.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                f"--web.external-url={self.url}",
                "--cluster.listen-address=",
            ],
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            text = response.read()
        return json.loads(text) if text.startswith((b"{", b"[")) else None

    async def post(self, path: str, body: Any) -> Any:
        return await asyncio.to_thread(self.call, "POST", path, body)

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"alertmanager exited:\n{self.log.read_text()}")
        try:
            self.call("GET", "/-/ready")
        except OSError:
            return False
        return True

    def stop(self) -> None:
        self.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        if self.proc.poll() is None:
            self.proc.kill()


def _normalised(notifications: list[tuple[str, dict[str, Any]]]) -> dict[tuple[str, str], list[Any]]:
    """Per (receiver, groupKey): the notifications in order, with every v4 field (times as sent)."""
    out: dict[tuple[str, str], list[Any]] = {}
    for name, body in notifications:
        alerts = [
            (
                a["status"],
                a["labels"],
                a["annotations"],
                a["startsAt"],
                a["endsAt"],
                a["generatorURL"],
                a["fingerprint"],
            )
            for a in body["alerts"]
        ]
        fields = {
            k: body[k]
            for k in (
                "version",
                "truncatedAlerts",
                "status",
                "receiver",
                "groupLabels",
                "commonLabels",
                "commonAnnotations",
                "externalURL",
            )
        }
        out.setdefault((name, body["groupKey"]), []).append((fields, alerts))
    return out


@pytest.mark.skipif(BINARY is None, reason=SKIP_REASON)
async def test_routing_grouping_inhibition_and_silences_agree_with_alertmanager(
    tmp_path: Path, sqlite_url: str, start_cep: Callable[..., Any], receiver: Receiver
) -> None:
    am = Alertmanager(tmp_path, receiver.port)
    try:
        await eventually(am.ready, timeout=30, what="alertmanager ready")
        cep: Cep = await start_cep(sqlite_url)
        for name in RECEIVERS:
            config = {
                "url": f"http://127.0.0.1:{receiver.port}/cep/{name}",
                "format": "alertmanager",
                "external_url": am.url,
            }
            await cep.stub.CreateChannel(
                cep_pb2.CreateChannelRequest(name=name, kind="webhook", config=struct(config)), metadata=cep.md()
            )
        routing = {"route": ROUTE, "inhibit_rules": INHIBIT}
        await cep.stub.SetRouting(cep_pb2.SetRoutingRequest(config=struct(routing)), metadata=cep.md())
        for rule in RULES:
            await cep.rule(rule)

        t0 = float(math.ceil(time.time()))  # whole seconds: both sides print them the same way
        await am.post(
            "/api/v2/silences",
            {
                "matchers": [{"name": "host", "value": "h5|h6", "isRegex": True, "isEqual": True}],
                "startsAt": _iso(t0 - 60),
                "endsAt": _iso(t0 + 3600),
                "createdBy": "test",
                "comment": "maintenance",
            },
        )
        silence = cep_pb2.CreateSilenceRequest(
            matchers=[cep_pb2.Matcher(name="host", op="=~", value="h5|h6")], comment="maintenance"
        )
        silence.starts_at.FromSeconds(int(t0) - 60)
        silence.ends_at.FromSeconds(int(t0) + 3600)
        await cep.stub.CreateSilence(silence, metadata=cep.md())

        # Phase 1: five alerts start at t0.
        await _until(t0)
        await am.post(
            "/api/v2/alerts",
            [
                {"labels": _labels(r, h), "annotations": _annotations(r), "startsAt": _iso(t0), "generatorURL": ""}
                for r, h, _, _ in FIRING
            ],
        )
        await cep.publish([_event(f"f{i}", etype, t0, host, attrs) for i, (_, host, etype, attrs) in enumerate(FIRING)])
        await cep.publish([_event("tick1", "tick", t0 + 1.5, "x", {})])  # past group_wait

        # Phase 2: CpuHigh on h2 resolves at t0 + 3.
        await _until(t0 + 3.2)
        await am.post(
            "/api/v2/alerts",
            [
                {
                    "labels": _labels("CpuHigh", "h2"),
                    "annotations": _annotations("CpuHigh"),
                    "startsAt": _iso(t0),
                    "endsAt": _iso(t0 + 3),
                    "generatorURL": "",
                }
            ],
        )
        await cep.publish([_event("r1", "metric", t0 + 3, "h2", {"cpu": 10})])
        await cep.publish([_event("tick2", "tick", t0 + 6, "x", {})])  # past the next group_interval ticks

        expected_count = 4  # pager: HostDown; db: DiskFull; ops: CpuHigh h2 and h4 firing, then h2 resolved
        await eventually(
            lambda: len(receiver.of("am")) >= expected_count and len(receiver.of("cep")) >= expected_count,
            timeout=30,
            what="both sides' notifications",
        )
        await asyncio.sleep(4.5)  # two more group_interval ticks: anything extra would arrive now
        am_side, cep_side = _normalised(receiver.of("am")), _normalised(receiver.of("cep"))
        assert cep_side == am_side
        disk = '{alertname="DiskFull", host="h3", severity="warning", team="db", tier2="x", tier="1"}'
        assert sorted(am_side) == [
            ("db", '{}/{severity!="info",team=~"db|storage"}:' + disk),
            ("ops.team", '{}:{alertname="CpuHigh"}'),
            ("pager", '{}/{severity="critical"}:{alertname="HostDown", host="h1"}'),
        ]
        ops = am_side[("ops.team", '{}:{alertname="CpuHigh"}')]
        assert [(n["receiver"], n["status"], [(a[0], a[1]["host"]) for a in alerts]) for n, alerts in ops] == [
            ("ops\\.team", "firing", [("firing", "h2"), ("firing", "h4")]),
            ("ops\\.team", "firing", [("resolved", "h2"), ("firing", "h4")]),
        ]
    finally:
        am.stop()


def _event(eid: str, etype: str, at: float, host: str, attrs: dict[str, Any]) -> cep_pb2.Event:
    event = cep_pb2.Event(id=eid, type=etype, key=host, source="test", attributes=struct({**attrs, "host": host}))
    event.time.FromNanoseconds(int(at * 1e9))
    return event


async def _until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.time()))
