"""Honest answers (issue 13, the blind water-utility estate's causes): a step enum of a tool whose window other
parameters give takes the finest step that keeps the series short (the latest value and the time of a trough are
a sample's, not an hour's average); "still open" asks for every state of a lifecycle before its end; a verb's
doubled consonant ("tripped") names its value (``trip``); rows that short names tell apart one each are a
breakdown, not a series, and "which zone has the most" sums a count per zone; a misspelt word still names its
column; a parameter described as an ISO timestamp is a window's bound; a record id written with slashes anchors
"the 2 hours before INC/2031/0007 was raised", and the planner looks that record up.

The estate is made up (a ski resort's lifts and snow making); no estate's names.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.aggregate import asks_ranking, count, rank_column
from opsuite_ops.domain.anchors import asked_anchor
from opsuite_ops.domain.bm25 import stem, value_stem
from opsuite_ops.domain.compose import DeterministicComposer
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.extract import extract_entities
from opsuite_ops.domain.fill import fill_variants
from opsuite_ops.domain.fill_words import choose_enum
from opsuite_ops.domain.identifiers import looks_up
from opsuite_ops.domain.model import Budget, CallRecord, CallStatus, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.series import analyse_table
from opsuite_ops.domain.timerange import step_enum, time_bound

NOW = datetime(2031, 2, 3, 15, 0, tzinfo=UTC)
DATE = {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


WIND = Tool(
    "lift_wind_speed",
    "Wind speed at a lift's top station between two UTC dates, per step: 1min samples, hour or day",
    frozenset({"metric"}),
    input_schema=_obj(
        {
            "lift": {"type": "string", "enum": ["Glacier Express", "Rabbit T-Bar"]},
            "from_date": DATE,
            "to_date": DATE,
            "step": {"type": "string", "enum": ["1min", "hour", "day"], "default": "hour"},
        },
        ("lift", "from_date", "to_date"),
    ),
    idempotent=True,
)
GUSTS = Tool(
    "gust_alerts",
    "Gust alerts over a look-back window",
    frozenset({"history"}),
    input_schema=_obj({"window": {"type": "string", "enum": ["1h", "6h", "24h"], "default": "6h"}}),
    idempotent=True,
)
INCIDENTS = Tool(
    "lift_incidents",
    "Lift incidents (INC/yyyy/nnnn): lift, status (open, investigating, monitoring, closed), opened, closed",
    frozenset({"history", "incident"}),
    input_schema=_obj({"status": {"type": "string", "enum": ["", "open", "investigating", "monitoring", "closed"]}}),
    idempotent=True,
)
CHANGES = Tool(
    "snowmaking_changes",
    "Snow-making setpoint changes (SM-nnn) made between two timestamps: gun, old and new value, who, when",
    frozenset({"history", "change"}),
    input_schema=_obj(
        {
            "changed_after": {"type": "string", "description": "ISO timestamp, e.g. 2031-01-01T08:00:00Z"},
            "changed_before": {"type": "string", "default": "", "description": "ISO timestamp; empty: now"},
        },
        ("changed_after",),
    ),
    idempotent=True,
)


def _entities(question: str) -> Any:
    return extract_entities(question, now=NOW)


def test_a_step_enum_takes_the_finest_step_that_keeps_the_series_short() -> None:
    day = 86400.0
    assert step_enum(["1min", "hour", "day"], 6 * 3600) == "1min"  # 360 points
    assert step_enum(["1min", "hour", "day"], day) == "hour"  # 1,440 one-minute points are too many
    assert step_enum(["5min", "hour", "day"], day) == "5min"
    assert step_enum(["5min", "hour", "day"], 400 * day) == "day"  # none fits: the coarsest
    assert step_enum(["5min", "hour", "day"], 2 * 3600, {"hourly"}) == "hour"  # the step the question names
    assert step_enum(["low", "high"], day) is None  # no durations
    # In a tool whose window other parameters give, the enum is the step: 180 one-minute points for 3 hours,
    # but 900 for "today" (15 hours at 15:00).
    (filled,) = fill_variants(WIND, _entities("lowest wind on Glacier Express in the last 3 hours, and when?"), now=NOW)
    assert filled.arguments["step"] == "1min"
    assert filled.arguments["from_date"] == filled.arguments["to_date"] == "2031-02-03"
    (today,) = fill_variants(WIND, _entities("lowest wind on Glacier Express today and when?"), now=NOW)
    assert today.arguments["step"] == "hour"
    # A duration enum of a tool with no other window parameter is still its window.
    (gusts,) = fill_variants(GUSTS, _entities("gust alerts in the last 2 hours"), now=NOW)
    assert gusts.arguments == {"window": "6h"}


def test_still_open_asks_for_every_state_before_the_end() -> None:
    states = ["open", "investigating", "monitoring", "closed"]
    assert choose_enum(states, ["incidents", "still", "open"]) == (["open", "investigating", "monitoring"], [])
    assert choose_enum(states, ["unresolved", "incidents"])[0] == ["open", "investigating", "monitoring"]
    assert choose_enum(states, ["open", "incidents"])[0] == ["open"]  # a state of its own, asked by name
    assert choose_enum(["investigating", "monitoring", "closed"], ["open", "incidents"])[0] == [
        "investigating",
        "monitoring",
    ]
    # No end among the values: "open" is what a valve does, not a lifecycle.
    assert choose_enum(["open", "close", "throttle"], ["valves", "still", "open"])[0] == ["open"]


def test_a_doubled_consonant_of_a_verb_names_its_value() -> None:
    assert value_stem("tripped") == "trip" and value_stem("stopping") == "stop"
    assert value_stem("spilled") == "spill" and value_stem("passed") == "pass" and value_stem("added") == "add"
    assert stem("running") == "runn"  # ranking tools keeps the light stem ("running" finds no "runs")
    assert choose_enum(["start", "stop", "trip"], ["lifts", "tripped"])[0] == ["trip"]
    rows = [{"lift": "A", "event": "trip"}, {"lift": "B", "event": "stop"}, {"lift": "C", "event": "trip"}]
    assert count("how many lifts tripped today", rows, {}) == (2, "event=trip")


def _call(rows: list[dict[str, Any]], tool: str = "complaints", **arguments: Any) -> CallRecord:
    return CallRecord("c1", "s1", tool, dict(arguments), CallStatus.OK, output={"rows": rows})


COMPLAINTS = [
    {"slope": "Blue 4", "kind": "ice", "complaints": 25, "latest": "2031-02-03T14:50:00Z"},
    {"slope": "Blue 4", "kind": "queue", "complaints": 10, "latest": "2031-02-03T14:55:00Z"},
    {"slope": "Red 9", "kind": "ice", "complaints": 12, "latest": "2031-02-03T11:00:00Z"},
    {"slope": "Red 9", "kind": "queue", "complaints": 11, "latest": "2031-02-03T10:00:00Z"},
    {"slope": "Green 1", "kind": "ice", "complaints": 1, "latest": "2031-02-03T09:00:00Z"},
    {"slope": "Black 2", "kind": "queue", "complaints": 2, "latest": "2031-02-03T08:00:00Z"},
]


async def test_a_breakdown_by_names_is_no_series_and_a_ranking_sums_per_thing_asked() -> None:
    assert analyse_table(list(COMPLAINTS[0]), COMPLAINTS) is None  # each row a slope and kind, not a sample
    series = [{"slope": "Blue 4", "ts": f"2031-02-03T1{h}:00:00Z", "complaints": h} for h in range(6)]
    assert analyse_table(list(series[0]), series) is not None  # one slope over time is a series
    out = await DeterministicComposer().compose(
        "which slope has had the most complaints today?", [_call(COMPLAINTS)], []
    )
    # Blue 4: 25 + 10 = 35 ahead of Red 9's 23 (whose rows each beat Blue 4's 10, but not its sum).
    assert "Highest complaints of" in out.answer and "35 for slope=Blue 4; then 23 for slope=Red 9" in out.answer
    # A mean does not add up: each row is ranked as it is.
    means = [{k: v for k, v in r.items() if k != "complaints"} | {"avg_wait_min": r["complaints"]} for r in COMPLAINTS]
    waits = await DeterministicComposer().compose("which slope has the highest avg wait?", [_call(means)], [])
    assert "25 for slope=Blue 4, kind=ice" in waits.answer


def test_a_misspelt_word_still_names_its_column() -> None:
    ask = asks_ranking("which slope had the most complants?")
    assert ask is not None and rank_column(ask, ["complaints", "lift_id"]) == "complaints"
    assert rank_column(ask, ["compliance"]) is None  # two letters off is another word


def test_a_parameter_described_as_an_iso_timestamp_bounds_the_window() -> None:
    assert time_bound("changed_after", CHANGES.properties["changed_after"]) == "since"
    assert time_bound("changed_before", CHANGES.properties["changed_before"]) == "until"
    assert time_bound("changed_by", {"type": "string", "description": "who made it"}) is None
    (filled,) = fill_variants(CHANGES, _entities("snow making changes in the last 3 hours"), now=NOW)
    assert filled.arguments["changed_after"] == (NOW - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_slashed_record_id_anchors_the_window_and_its_record_is_looked_up() -> None:
    question = "what snowmaking changes were made in the 2 hours before INC/2031/0007 was raised?"
    asked = asked_anchor(question)
    assert asked is not None and asked.ref == "INC/2031/0007" and asked.verb == "raised"
    assert asked.span == timedelta(hours=2)
    assert looks_up(INCIDENTS, ("INC/2031/0007",)) and not looks_up(CHANGES, ("INC/2031/0007",))
    request = PlanRequest(question, (WIND, GUSTS, INCIDENTS, CHANGES), Budget(max_steps=6), NOW)
    tools = [s.tool for s in DeterministicPlanner().plan_sync(request).plan.steps]
    assert "snowmaking_changes" in tools and "lift_incidents" in tools  # its opening is the anchor
