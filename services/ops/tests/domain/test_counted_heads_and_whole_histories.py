"""Honest answers (issue 13, the blind EV charging estate's causes), on a made-up estate (a ferry operator's
vessels, ports and skippers' complaints): "how many X and which Y got the most" counts the X per Y, the words
of the tool's own name are no kind of the rows counted, and a change history whose tool takes no window is
kept to the window the question states, saying how many older rows it left out (not an incident register,
nor rows without a time).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.model import CallRecord, CallStatus, Tool
from opsuite_ops.domain.row_counts import asks_most_of, rows_named
from opsuite_ops.domain.window_rows import asked_start

NOW = datetime(2026, 5, 14, 10, 0, tzinfo=UTC)


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": []}


ROLLOUTS = Tool(
    "engine_software_rollouts",
    "Software rollouts to the ferries' engine controllers: version, target vessels, window, state, change record",
    frozenset({"history", "change"}),
    input_schema=_obj({}),
    idempotent=True,
)
REFITS = Tool(
    "dock_refits",
    "Dry-dock refits finished in the last N days: vessel, yard, work, finished",
    frozenset({"history", "change"}),
    input_schema=_obj({"days_back": {"type": "integer", "minimum": 1, "default": 7}}),
    idempotent=True,
)
INCIDENTS = Tool(
    "incident_register",
    "Incidents at sea and in port: vessel, severity, opened, resolved",
    frozenset({"history", "incident"}),
    input_schema=_obj({}),
    idempotent=True,
)
FLEET = Tool(
    "vessel_fleet",
    "The ferries: vessel, route, engine controller, commissioned",
    frozenset({"inventory"}),
    input_schema=_obj({}),
    idempotent=True,
)


def test_how_many_and_which_got_the_most_counts_those_counted_per_thing() -> None:
    question = "how many skipper complaints this wk n which port got the most?"
    assert asks_most_of(question)  # the most of the complaints counted, per port
    # "skipper" is in the tool's name: it says what the rows are, it is no kind of complaint to filter on
    assert rows_named(question, "skipper_complaints") == ("complaints", ())
    assert rows_named("which port had the most skipper complaints?", "skipper_complaints") == ("complaints", ())
    assert rows_named("which port had the most berthing complaints?", "skipper_complaints") == (
        "complaints",
        ("berthing",),
    )
    # nothing counted and nothing after "the most": no count per thing asked (and no error)
    assert not asks_most_of("which port got the most?")
    assert rows_named("which port got the most?", "skipper_complaints") is None


def _call(tool: Tool, rows: list[dict[str, Any]], **arguments: Any) -> CallRecord:
    return CallRecord("c1", "s1", tool.name, arguments, CallStatus.OK, {"rows": rows}, started_at=NOW)


def test_a_change_history_without_a_window_keeps_to_the_window_asked() -> None:
    rows = [
        {"rollout": "ESR-12", "version": "4.1.0", "targets": "MV Skerry", "starts": (NOW - timedelta(hours=3))},
        {"rollout": "ESR-11", "version": "4.0.2", "targets": "MV Holm", "starts": (NOW - timedelta(days=6))},
        {"rollout": "ESR-10", "version": "4.0.1", "targets": "every vessel", "starts": (NOW - timedelta(days=40))},
    ]
    rows = [{**r, "starts": r["starts"].isoformat()} for r in rows]
    call = _call(ROLLOUTS, rows)
    question = "what changes went in over the last 24 hrs?"
    since = asked_start(question, call, ROLLOUTS)
    assert since == NOW - timedelta(hours=24)
    facts = analyse_call(call, ROLLOUTS, since, question)
    assert "ESR-12" in facts.fact and "ESR-11" not in facts.fact and "ESR-10" not in facts.fact
    assert "2 older rows left out: before the asked window" in facts.fact
    assert [c.at for c in facts.changes or []] == [NOW - timedelta(hours=3)]
    # no window in the question: the whole history is the answer
    assert asked_start("what changes went in?", call, ROLLOUTS) is None
    # a tool with a window of its own is called for the window asked: nothing to cut
    assert asked_start(question, _call(REFITS, [], days_back=1), REFITS) is None
    # rows with no time cannot be kept to it (and say nothing of when they went in): left as they are
    untimed = _call(ROLLOUTS, [{"rollout": "ESR-12", "version": "4.1.0"}])
    assert asked_start(question, untimed, ROLLOUTS) is None
    # an incident register (a history, not of changes): an incident opened before the window may still be open
    opened = [{"incident": "INC-7", "opened": (NOW - timedelta(days=3)).isoformat(), "resolved": None}]
    assert asked_start("what happened in the last 24 hrs?", _call(INCIDENTS, opened), INCIDENTS) is None
    # a snapshot is no history: its dates (commissioned) are not the window's
    fleet = [{"vessel": "MV Holm", "commissioned": "2019-04-02"}]
    assert asked_start("which ferries are running in the last 24 hrs?", _call(FLEET, fleet), FLEET) is None
