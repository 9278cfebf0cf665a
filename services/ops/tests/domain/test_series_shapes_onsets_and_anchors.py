"""Series read by their shape whatever their columns are called, the window an onset question needs, and the
record a "before" names (issue 13, the blind ML-serving estate's causes): samples per ``recipe_version`` are
series, not changes; "when did it start going up" looks back past the tool's short default and past a young
"today"; "what changed in the 2 hours before TAP-2026-7 was opened" keeps the changes of that window and names
the last one before the ticket's opening.

The estate here is made up (a brewery: taps, recipes, tickets); no estate's names.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.anchors import anchored_timeline, asked_anchor, find_anchor
from opsuite_ops.domain.call_facts import MAX_TABLE_ROWS, analyse_call
from opsuite_ops.domain.deterministic_planner import DeterministicPlanner
from opsuite_ops.domain.model import Budget, CallRecord, CallStatus, Tool
from opsuite_ops.domain.planning import PlanRequest
from opsuite_ops.domain.timeline import ChangeEvent
from opsuite_ops.domain.timerange import time_range
from opsuite_ops.domain.window_rows import asked_start, onset_window

NOW = datetime(2026, 7, 3, 5, 30, tzinfo=UTC)  # early in the UTC day: "today" is 5.5 hours long


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


POURS = Tool(
    "pours_by_recipe",
    "Pours of a tap split by recipe version (house vs trial) in 5-minute samples over the last N hours: pours, "
    "share of the tap's pours (percent), foam-outs and pour time",
    frozenset({"metric", "tap"}),
    input_schema=_obj(
        {
            "tap": {"type": "string", "enum": ["tap-north", "tap-south"]},
            "hours": {"type": "integer", "minimum": 1, "maximum": 24, "default": 3},
        },
        ("tap",),
    ),
    idempotent=True,
)
POUR_TIME = Tool(
    "tap_pour_time",
    "Pour time of one tap in 1-minute samples over the last N minutes: pours and p50, p99 pour time in ms",
    frozenset({"metric", "tap", "latency"}),
    input_schema=_obj(
        {
            "tap": {"type": "string", "enum": ["tap-north", "tap-south"]},
            "window_minutes": {"type": "integer", "minimum": 5, "maximum": 720, "default": 60},
        },
        ("tap",),
    ),
    idempotent=True,
)
CHANGES = Tool(
    "cellar_changes",
    "Changes made in the cellar since a time: change id, kind, tap, summary, author, applied at, ticket",
    frozenset({"history", "change"}),
    input_schema=_obj({"since": {"type": "string", "format": "date-time"}}, ("since",)),
    idempotent=True,
)
TICKETS = Tool(
    "tap_tickets",
    "Tap tickets (TAP-yyyy-n) by id or words: severity, state, title, opened, resolved",
    frozenset({"incident"}),
    input_schema=_obj({"text": {"type": "string", "default": ""}}),
    idempotent=True,
)


def call(tool: Tool, output: Any, call_id: str = "c1", args: dict[str, Any] | None = None) -> CallRecord:
    return CallRecord(call_id, "s1", tool.name, args or {}, CallStatus.OK, output, started_at=NOW)


def _pours(samples: int) -> list[dict[str, Any]]:
    """Samples per recipe version, the trial one only in the newest ``samples // 2`` samples."""
    rows = []
    for k in range(samples):
        at = iso(NOW - timedelta(minutes=5 * (samples - k)))
        trial = k >= samples // 2
        rows.append({"tap": "tap-north", "recipe_version": "ipa/v7", "sample_start": at, "pours": 200 + k % 7,
                     "share_pct": 95.0 if trial else 100.0, "pour_ms": 4100.0 + 10 * (k % 5)})  # fmt: skip
        if trial:
            rows.append({"tap": "tap-north", "recipe_version": "ipa/v8", "sample_start": at, "pours": 10 + k % 3,
                         "share_pct": 5.0, "pour_ms": 9000.0})  # fmt: skip
    return rows


def test_samples_per_version_are_series_summarised_not_changes_cut_to_a_table() -> None:
    rows = _pours(40)
    assert len(rows) > MAX_TABLE_ROWS
    facts = analyse_call(call(POURS, {"rows": rows}, args={"tap": "tap-north"}), POURS)
    assert facts.series is not None and facts.changes is None
    assert {s.group for s in facts.series.series} == {
        "tap=tap-north, recipe_version=ipa/v7",
        "tap=tap-north, recipe_version=ipa/v8",
    }
    assert not facts.cuts  # every value is summarised: showing fewer rows leaves nothing out
    assert "pour_ms (tap=tap-north, recipe_version=ipa/v8): latest 9000 at" in facts.fact
    # A tool that lists changes keeps its rows as changes, whatever else they hold.
    deploys = Tool("recipe_rollouts", "Recipe rollouts: from and to version", frozenset({"history"}))
    history = [{"tap": "tap-north", "from_version": "ipa/v7", "to_version": "ipa/v8", "started_at": iso(NOW)}]
    assert analyse_call(call(deploys, history), deploys).changes


def test_an_onset_question_looks_back_a_day_when_it_gives_no_window() -> None:
    asked = "when did tap-north pour time start going up?"
    wide = onset_window(asked, None, NOW)
    assert wide is not None and wide.since == NOW - timedelta(hours=24)
    today = "tap-north went flat earlier today, when did that start?"
    window = time_range(today, NOW)
    assert window is not None and window.since == NOW.replace(hour=0, minute=0)
    assert onset_window(today, window, NOW) is None  # a stated "today" is the answer's window: left as stated
    stated = "when did tap-north pour time start going up in the last hour?"
    assert onset_window(stated, time_range(stated, NOW), NOW) is None  # a window the question states
    assert onset_window("pour time on tap-north today", time_range("today", NOW), NOW) is None  # no onset asked
    # The rows of yesterday evening are left out: the question stated "today".
    lookback = call(POUR_TIME, {"rows": []}, args={"tap": "tap-north", "window_minutes": 720})
    assert asked_start(today, lookback, POUR_TIME) == NOW.replace(hour=0, minute=0)
    assert asked_start("pour time on tap-north today", lookback, POUR_TIME) == NOW.replace(hour=0, minute=0)


def test_an_onset_question_calls_its_series_over_the_whole_window() -> None:
    request = PlanRequest("when did tap-north pour time start going up?", [POUR_TIME, TICKETS], Budget(), NOW)
    plan = DeterministicPlanner().plan_sync(request).plan
    (step,) = [s for s in plan.steps if s.tool == "tap_pour_time"]
    assert step.arguments == {"tap": "tap-north", "window_minutes": 720}  # the schema's most, not its 60


CHANGE_ROWS = [
    {"change_id": "CHG-15", "kind": "keg", "tap": "tap-north", "summary": "swap to the new keg coupler",
     "author": "ana", "applied_at": iso(NOW - timedelta(minutes=20)), "ticket": "TAP-2026-7"},
    {"change_id": "CHG-14", "kind": "recipe", "tap": "tap-north", "summary": "pour the ipa/v8 trial at 5%",
     "author": "ben", "applied_at": iso(NOW - timedelta(minutes=95)), "ticket": "BREW-31"},
    {"change_id": "CHG-13", "kind": "gas", "tap": "tap-south", "summary": "raise CO2 pressure",
     "author": "cy", "applied_at": iso(NOW - timedelta(minutes=150)), "ticket": "BREW-30"},
    {"change_id": "CHG-12", "kind": "glass", "tap": "tap-south", "summary": "new glass washer cycle",
     "author": "cy", "applied_at": iso(NOW - timedelta(hours=5)), "ticket": "BREW-29"},
]  # fmt: skip
TICKET_ROWS = [
    {"ticket_id": "TAP-2026-7", "severity": "S2", "state": "open", "title": "tap-north pours foam",
     "opened_at": iso(NOW - timedelta(minutes=80)), "resolved_at": None},
]  # fmt: skip


def test_a_before_names_a_record_and_the_span_before_it() -> None:
    anchor = asked_anchor("what changed in the 2 hours before tap-2026-7 was opened?")
    assert anchor is not None and anchor.ref == "TAP-2026-7" and anchor.verb == "opened"
    assert anchor.span == timedelta(hours=2)
    assert asked_anchor("any changes before TAP-2026-7?") == type(anchor)("TAP-2026-7")
    assert asked_anchor("what changed before the spike on tap-north") is None  # an onset, not a record


def test_the_changes_in_the_window_before_the_record_are_kept_and_the_last_one_named() -> None:
    question = "what changed in the 2 hours before TAP-2026-7 was opened?"
    changes = call(CHANGES, {"rows": CHANGE_ROWS}, "c1", {"since": iso(NOW - timedelta(days=1))})
    tickets = call(TICKETS, {"rows": TICKET_ROWS}, "c2", {"text": "tap-2026-7"})
    # The change citing the ticket is no record of it: the ticket's own row gives its opening.
    anchor = find_anchor(question, [changes, tickets])
    assert anchor is not None and anchor.at == NOW - timedelta(minutes=80) and anchor.column == "opened_at"
    assert anchor.call_id == "c2"
    facts = analyse_call(changes, CHANGES, question=question, anchor=anchor)
    assert [c.label.split("(")[1][:6] for c in facts.changes or []] == ["CHG-13", "CHG-14"]
    assert "CHG-15" not in facts.fact and "CHG-12" not in facts.fact  # after the opening, 4 hours before it
    assert "2 other changes left out: not in the 2 h before TAP-2026-7 was opened at 2026-07-03 04:10Z" in facts.fact
    timeline = anchored_timeline(question, facts.changes or [], [], ["cellar_changes()"], anchor)
    assert timeline is not None and not timeline.missing
    assert timeline.lines[-1] == "- 2026-07-03 04:10Z TAP-2026-7 was opened (opened_at) [c2]"
    last, count = timeline.conclusions[0].splitlines()
    assert last == (
        "Last change before TAP-2026-7 was opened: the recipe (CHG-14) by ben at 2026-07-03 03:55Z, 15 min before "
        "it (2026-07-03 04:10Z) [c1]."
    )
    assert count.startswith("2 changes in the 2 h before TAP-2026-7 was opened")


def test_a_record_no_call_returned_leaves_the_changes_unplaced() -> None:
    question = "what changed in the 2 hours before TAP-2026-9 was opened?"
    changes = [ChangeEvent(NOW - timedelta(minutes=20), "keg of tap-north (CHG-15)", "c1")]
    timeline = anchored_timeline(question, changes, [], ["cellar_changes()"], None)
    assert timeline is not None and timeline.missing.startswith("when TAP-2026-9 was opened is not known")
    assert anchored_timeline("what changed before the spike", changes, [], ["c()"], None) is None
    # No change asked for nor returned ("the pour time before TAP-2026-9"): no timeline to order.
    assert anchored_timeline("pour time on tap-north before TAP-2026-9 was opened", [], [], [], None) is None
