"""Differential test of cep's THRESHOLD rules against Prometheus' alerting rules, judged by ``promtool test rules``.

Each scenario is one input series per host (``cpu{host="h1"}``, a sample every ``step`` seconds from 0) and one
rule: Prometheus' ``alert: CpuHigh, expr: cpu > 90, for, keep_firing_for`` and cep's THRESHOLD rule with the
condition ``cpu > 90``, ``group_by: [host]`` and the same ``for`` and ``keep_firing_for``.

cep gets the samples as events at the same instants (plus T0) through PublishEvents on a real server. At each
evaluation time ``t`` the test moves cep's event time to ``t`` with an event no rule reads (the counterpart of
Prometheus' evaluation tick: timers due by ``t`` fire) and reads ListAlerts: the pending and firing alerts
with their labels and ``starts_at``. Those states are then written as the expectations of a promtool test file
(firing alerts, ``ALERTS`` by ``alertstate``, ``ALERTS_FOR_STATE`` for the instant each became active), and
promtool judges them against its own evaluation of the same series: a mismatch fails with promtool's diff.

Where cep deliberately differs (docs/cep-semantics.md, Compared with Prometheus #36-#39), the scenario names
the difference, pins what cep shows, and gives promtool what Prometheus shows instead, so promtool still
confirms the Prometheus side; the test fails if a named difference no longer shows. cep's transitions
(TestRule, which equals live ingestion, #26) are pinned too: some differences are only in them.

Skipped, saying why, when promtool is not on PATH (``apt-get install prometheus``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from opsuite.cep.v1 import cep_pb2

from .conftest import T0, Cep, ev
from .promtool import PROMTOOL, SKIP_REASON, PromAlert, judge

needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason=SKIP_REASON)

ALERTNAME = "CpuHigh"
SEVERITY = "warning"
EVALUATION_INTERVAL = 60


def a(host: str, state: str, since: float) -> PromAlert:
    """An alert of ``host`` in ``state``, active since ``since`` (seconds from the start)."""
    return PromAlert((("host", host), ("severity", SEVERITY)), state, since)


@dataclass(frozen=True)
class Difference:
    """A deliberate difference, named as in docs/cep-semantics.md, Compared with Prometheus."""

    name: str
    at: tuple[int, ...]  # the evaluation times where it shows
    cep: tuple[PromAlert, ...]  # what cep shows there
    prometheus: tuple[PromAlert, ...]  # what Prometheus shows there (promtool confirms it)


@dataclass(frozen=True)
class Scenario:
    name: str
    series: dict[str, tuple[float | None, ...]]  # host -> one sample per step from 0 (None: no sample)
    eval_times: tuple[int, ...]
    transitions: tuple[tuple[int, str, str], ...]  # cep's, in order: (time, host, state)
    for_s: int = 0
    keep_firing_for_s: int = 0
    step: int = 60
    differences: tuple[Difference, ...] = field(default=())


def minutes(last: int) -> tuple[int, ...]:
    return tuple(range(0, last * 60 + 1, 60))


SCENARIOS = [
    # ---- agreements
    Scenario(
        "crosses_and_stays_past_for",
        {"h1": (50, 95, 95, 95, 95, 95)},
        minutes(5),
        ((60, "h1", "pending"), (180, "h1", "firing")),
        for_s=120,
    ),
    Scenario(
        "flaps_below_before_for_elapses",  # keep_firing_for does not hold a pending alert
        {"h1": (95, 50, 95, 95, 50, 95, 95, 95, 95)},
        minutes(8),
        (
            (0, "h1", "pending"),
            (60, "h1", "inactive"),
            (120, "h1", "pending"),
            (240, "h1", "inactive"),
            (300, "h1", "pending"),
            (480, "h1", "firing"),
        ),
        for_s=180,
        keep_firing_for_s=120,
    ),
    Scenario(
        "for_zero_fires_at_once",
        {"h1": (50, 95, 95, 50, 50)},
        minutes(4),
        ((60, "h1", "firing"), (180, "h1", "resolved")),
    ),
    Scenario(
        "resolves_then_a_new_alert",
        {"h1": (95, 95, 95, 50, 95, 95, 95)},
        minutes(6),
        (
            (0, "h1", "pending"),
            (120, "h1", "firing"),
            (180, "h1", "resolved"),
            (240, "h1", "pending"),
            (360, "h1", "firing"),
        ),
        for_s=120,
    ),
    Scenario(
        "two_hosts_two_alerts",
        {"h1": (95, 95, 95, 95, 50, 50), "h2": (50, 95, 50, 95, 95, 95, 95)},
        minutes(6),
        (
            (0, "h1", "pending"),
            (60, "h2", "pending"),
            (120, "h1", "firing"),
            (120, "h2", "inactive"),
            (180, "h2", "pending"),
            (240, "h1", "resolved"),
            (300, "h2", "firing"),
        ),
        for_s=120,
    ),
    Scenario(
        "keep_firing_for_holds_then_resolves",  # a true evaluation resets its clock
        {"h1": (95, 95, 50, 50, 95, 50, 50, 50, 50)},
        minutes(9),
        ((0, "h1", "pending"), (60, "h1", "firing"), (480, "h1", "resolved")),
        for_s=60,
        keep_firing_for_s=180,
    ),
    # ---- named differences
    Scenario(
        "true_again_at_the_keep_firing_for_deadline",
        {"h1": (95, 50, 50, 95, 95)},
        minutes(4),
        ((0, "h1", "firing"), (180, "h1", "resolved"), (180, "h1", "firing")),
        keep_firing_for_s=120,
        differences=(
            Difference(
                "#38 a timer comes before an evaluation at its instant",
                (180, 240),
                cep=(a("h1", "firing", 180),),
                prometheus=(a("h1", "firing", 0),),
            ),
        ),
    ),
    Scenario(
        "false_at_the_for_deadline",
        {"h1": (95, 95, 50, 50)},
        minutes(3),
        ((0, "h1", "pending"), (120, "h1", "firing"), (120, "h1", "resolved")),
        for_s=120,
        differences=(
            Difference("#38 a timer comes before an evaluation at its instant", (120,), cep=(), prometheus=()),
        ),
    ),
    Scenario(
        "sample_between_evaluation_ticks",
        {"h1": (50, 95, 50, 50)},
        (0, 30, 60, 90),
        ((30, "h1", "firing"), (60, "h1", "resolved")),
        step=30,
        differences=(
            Difference("#36 every event is an evaluation", (30,), cep=(a("h1", "firing", 30),), prometheus=()),
        ),
    ),
    Scenario(
        "for_ends_between_ticks",
        {"h1": (95, 95, 95, 95)},
        (0, 60, 90, 120, 180),
        ((0, "h1", "pending"), (90, "h1", "firing")),
        for_s=90,
        differences=(
            Difference(
                "#37 for and keep_firing_for end at their instant",
                (90,),
                cep=(a("h1", "firing", 0),),
                prometheus=(a("h1", "pending", 0),),
            ),
        ),
    ),
    Scenario(
        "keep_firing_for_ends_between_ticks",
        {"h1": (95, 50, 50, 50, 50)},
        (0, 60, 120, 150, 180, 240),
        ((0, "h1", "firing"), (150, "h1", "resolved")),
        keep_firing_for_s=90,
        differences=(
            Difference(
                "#37 for and keep_firing_for end at their instant", (150,), cep=(), prometheus=(a("h1", "firing", 0),)
            ),
        ),
    ),
    Scenario(
        "series_stops_sending",
        {"h1": (95, None, None, None, None, None, None, None, None)},
        minutes(8),
        ((0, "h1", "pending"), (60, "h1", "firing")),
        for_s=60,
        differences=(
            Difference(
                "#39 no lookback: a silent group keeps its last verdict",
                (360, 420, 480),
                cep=(a("h1", "firing", 0),),
                prometheus=(),
            ),
        ),
    ),
]


@pytest_asyncio.fixture
async def cep_event_time(sqlite_url: str, start_cep: Callable[..., Any]) -> Cep:
    """A server whose event time moves only with events (no idle progress by the wall clock)."""
    server: Cep = await start_cep(sqlite_url, idle_progress=False)
    return server


def _cep_rule(s: Scenario) -> dict[str, Any]:
    return {
        "name": ALERTNAME,
        "kind": "THRESHOLD",
        "event_type": "metric",
        "severity": SEVERITY,
        "for": f"{s.for_s}s",
        "keep_firing_for": f"{s.keep_firing_for_s}s",
        "spec": {"condition": "cpu > 90", "group_by": ["host"]},
    }


def _samples(s: Scenario) -> list[tuple[int, str, float]]:
    """Every sample as (time, host, value), in time order (hosts in their order at one instant)."""
    out = [(i * s.step, h, v) for h, values in s.series.items() for i, v in enumerate(values) if v is not None]
    return sorted(out, key=lambda x: x[0])


def _events(samples: list[tuple[int, str, float]], tick: int) -> list[cep_pb2.Event]:
    """The samples as metric events, then the tick event that moves event time to ``tick``."""
    out = [ev(f"{h}-{t}", "metric", t, host=h, cpu=v) for t, h, v in samples]
    return [*out, ev(f"tick-{tick}", "tick", tick)]


def _seconds(ts: Any) -> float:
    return float(ts.ToNanoseconds()) / 1e9 - T0


def _as_prom(alert: cep_pb2.Alert) -> PromAlert:
    """A cep alert as ``ALERTS`` shows one: its labels (``alertname`` apart), state and start."""
    labels = dict(alert.labels)
    assert labels.pop("alertname") == ALERTNAME, alert
    state = cep_pb2.AlertState.Name(alert.state).lower()
    return PromAlert(tuple(sorted(labels.items())), state, _seconds(alert.starts_at))


async def _run_cep(cep: Cep, tenant: str, s: Scenario) -> tuple[dict[int, list[PromAlert]], list[Any]]:
    """cep's pending and firing alerts at each evaluation time (live), and its transitions (TestRule)."""
    rule = await cep.rule(_cep_rule(s), tenant)
    samples = _samples(s)
    states: dict[int, list[PromAlert]] = {}
    done = -1
    for at in s.eval_times:
        reply = await cep.publish(_events([x for x in samples if done < x[0] <= at], at), tenant)
        assert reply.late == 0 and not reply.late_events and reply.refused == 0, reply
        done = at
        alerts = await cep.alerts(tenant, rule=ALERTNAME)
        active = (cep_pb2.AlertState.PENDING, cep_pb2.AlertState.FIRING)
        states[at] = sorted(_as_prom(x) for x in alerts if x.state in active)
    dry = await cep.stub.TestRule(
        cep_pb2.TestRuleRequest(rule_id=rule.meta.id, events=_events(samples, s.eval_times[-1])),
        metadata=cep.md(tenant),
    )
    transitions = [(round(_seconds(t.time)), t.labels["host"], t.state) for t in dry.transitions]
    return states, transitions


def _shows(d: Difference, observed: list[PromAlert], transitions: list[Any]) -> bool:
    """The difference is real: the states differ, or cep fired at the instant an alert Prometheus does not
    show firing there."""
    prom_firing = {dict(x.labels)["host"] for x in d.prometheus if x.state == "firing"}
    fired = {h for t, h, state in transitions if state == "firing" and t in d.at and h not in prom_firing}
    return observed != list(d.prometheus) or bool(fired)


def _judge(tmp: Path, s: Scenario, expected: dict[int, list[PromAlert]]) -> Any:
    return judge(
        tmp,
        alertname=ALERTNAME,
        expr="cpu > 90",
        for_s=s.for_s,
        keep_firing_for_s=s.keep_firing_for_s,
        rule_labels={"severity": SEVERITY},
        metric="cpu",
        label="host",
        series=s.series,
        interval_s=s.step,
        evaluation_interval_s=EVALUATION_INTERVAL,
        expected=expected,
    )


def _failing_times(output: str) -> set[int]:
    """The evaluation times promtool reports a mismatch at (``time: 1m30s``), in seconds."""
    unit = {"h": 3600, "m": 60, "s": 1}
    return {
        sum(int(n) * unit[u] for n, u in re.findall(r"(\d+)([hms])", text))
        for text in re.findall(r"time: ([0-9hms]+)", output)
    }


@needs_promtool
@pytest.mark.parametrize("s", SCENARIOS, ids=lambda s: s.name)
async def test_threshold_alerts_agree_with_promtool(s: Scenario, tmp_path: Path, cep_event_time: Cep) -> None:
    states, transitions = await _run_cep(cep_event_time, f"prom-{s.name.replace('_', '-')}", s)
    assert transitions == list(s.transitions), "cep's transitions changed"
    expected, differing = dict(states), set()
    for d in s.differences:
        for at in d.at:
            assert states[at] == list(d.cep), f"{d.name}: cep at {at}s"
            assert _shows(d, states[at], transitions), f"{d.name!r} no longer shows at {at}s: remove it"
            expected[at] = list(d.prometheus)
            differing |= {at} if list(d.cep) != list(d.prometheus) else set()
    shown = {at: [x.describe() for x in alerts] for at, alerts in sorted(states.items())}
    # promtool judges cep's alerts as they are: it must agree everywhere but at the named differences.
    (tmp_path / "cep").mkdir()
    verdict = _judge(tmp_path / "cep", s, states)
    assert verdict.passed == (not differing), f"promtool on cep's alerts {shown}:\n{verdict.output}"
    assert _failing_times(verdict.output) == differing, f"promtool on cep's alerts {shown}:\n{verdict.output}"
    if s.differences:  # and confirms what Prometheus shows instead
        (tmp_path / "prometheus").mkdir()
        verdict = _judge(tmp_path / "prometheus", s, expected)
        assert verdict.passed, f"promtool on Prometheus' side of the named differences:\n{verdict.output}"


@needs_promtool
def test_promtool_rejects_a_wrong_expectation(tmp_path: Path) -> None:
    """The judge can fail: one alert claimed firing a tick early is caught, at that time."""
    s = SCENARIOS[0]
    expected = {60: [a("h1", "pending", 60)], 120: [a("h1", "firing", 60)], 180: [a("h1", "firing", 60)]}
    verdict = _judge(tmp_path, s, expected)
    assert not verdict.passed
    assert "time: 2m" in verdict.output and "time: 3m" not in verdict.output, verdict.output
    expected[120] = [a("h1", "pending", 60)]
    assert _judge(tmp_path, s, expected).passed


def test_every_named_difference_is_explained() -> None:
    """Each difference's name is the heading of its explanation in the document (Compared with Prometheus)."""
    doc = (Path(__file__).resolve().parents[4] / "docs" / "cep-semantics.md").read_text()
    section = doc.split("\n## Compared with Prometheus\n", 1)[1].split("\n## ", 1)[0]
    headings = {h.replace("`", "").lower() for h in re.findall(r"^\*\*(#\d+ [^*]+?)\.\*\*", section, re.M)}
    names = {d.name for s in SCENARIOS for d in s.differences}
    assert names == headings
