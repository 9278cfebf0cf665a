"""Review mends: an anchor's window checked against the window the changes were read over, a record's own id
column (not a change citing it), a verb's empty time column, the span words of "before"; column totals that
add up no ids, ports or rates; a stated "today" left as stated for an onset question; an enum beside a tool
taking the same kind as free text; negated and two-valued parts of an enum.

The estate here is made up (a bakery: ovens, trays, tickets); no estate's names.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from opsuite_ops.domain.anchors import anchored_timeline, asked_anchor, find_anchor, read_from
from opsuite_ops.domain.call_facts import analyse_call
from opsuite_ops.domain.enum_names import names_by_enum
from opsuite_ops.domain.extract import Entities
from opsuite_ops.domain.model import CallRecord, CallStatus, Tool
from opsuite_ops.domain.timerange import time_range
from opsuite_ops.domain.totals import column_totals
from opsuite_ops.domain.window_rows import onset_window

NOW = datetime(2026, 3, 9, 5, 30, tzinfo=UTC)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props}


OVEN_CHANGES = Tool(
    "oven_changes",
    "Changes made to the ovens since a time: change id, oven, summary, applied at, ticket",
    frozenset({"history", "change"}),
    input_schema=_obj({"since": {"type": "string", "format": "date-time"}}),
)
BAKE_TICKETS = Tool(
    "bake_tickets",
    "Bakery tickets (BK-nnnn): state, title, opened, resolved",
    frozenset({"incident"}),
    input_schema=_obj({"text": {"type": "string"}}),
)


def call(tool: Tool, rows: list[dict[str, Any]], call_id: str, args: dict[str, Any] | None = None) -> CallRecord:
    return CallRecord(call_id, "s1", tool.name, args or {}, CallStatus.OK, {"rows": rows}, started_at=NOW)


TICKET = {"ticket_id": "BK-1", "state": "open", "opened_at": iso(NOW - timedelta(hours=1)), "resolved_at": None}


def test_changes_read_from_after_the_window_start_do_not_say_nothing_changed() -> None:
    question = "what changed in the 2 hours before BK-1 was opened?"
    since = NOW - timedelta(hours=2)  # the window asked starts at NOW - 3h
    changes = call(OVEN_CHANGES, [{"id": "CHG-9", "applied_at": iso(NOW), "ticket": "BK-1"}], "c1",
                   {"since": iso(since)})  # fmt: skip
    tickets = call(BAKE_TICKETS, [TICKET], "c2", {"text": "BK-1"})
    anchor = find_anchor(question, [changes, tickets], {t.name: t for t in (OVEN_CHANGES, BAKE_TICKETS)})
    assert anchor is not None and anchor.call_id == "c2"
    assert read_from(changes, OVEN_CHANGES) == since
    facts = analyse_call(changes, OVEN_CHANGES, question=question, anchor=anchor)
    timeline = anchored_timeline(question, facts.changes or [], [], ["oven_changes()"], anchor,
                                 [("oven_changes()", since)])  # fmt: skip
    assert timeline is not None and timeline.missing.startswith("the changes were read only from")
    assert not any(c.startswith("Nothing changed") for c in timeline.conclusions)


def test_a_change_citing_the_record_is_not_its_row() -> None:
    question = "what changed in the 2 hours before BK-1 was opened?"
    cites = call(BAKE_TICKETS, [{"change": "CHG-3", "incident_id": "BK-1", "applied_at": iso(NOW)}], "c1")
    assert find_anchor(question, [cites]) is None
    # a change tool's rows are never the record's own
    own = call(OVEN_CHANGES, [{"id": "BK-1", "opened_at": iso(NOW)}], "c2")
    assert find_anchor(question, [own], {OVEN_CHANGES.name: OVEN_CHANGES}) is None


def test_an_empty_time_column_the_verb_names_is_no_moment() -> None:
    tickets = call(BAKE_TICKETS, [TICKET], "c1")
    assert find_anchor("what changed in the hour before BK-1 was resolved?", [tickets]) is None


def test_the_span_words_of_before() -> None:
    assert (a := asked_anchor("what changed in the hour before BK-1 was opened")) and a.span == timedelta(hours=1)
    assert (a := asked_anchor("the day before BK-1")) and a.span == timedelta(days=1)
    assert (a := asked_anchor("trays and before BK-44 was opened")) and a.span is None
    assert (a := asked_anchor("what changed before BK-44 went down")) and a.verb == "went"


def test_totals_add_up_no_ids_and_leave_a_state_count_to_the_rows() -> None:
    rows = [{"oven_id": 201, "status": "ready", "oven_port": 9100}, {"oven_id": 2, "status": "cold", "oven_port": 9100}]
    assert column_totals("how many ovens are cold?", rows, "list_ovens_v2", "list_ovens_v2()") is None
    named = [{"oven": "o-1", "trays_total": 4}, {"oven": "o-2", "trays_total": 6}]
    assert column_totals("how many ovens do we have", named, "oven_rack_v3", "r()") is None
    lines = [{"line": "rye-line", "ovens_total": 3}, {"line": "wheat-line", "ovens_total": 5}]
    line = column_totals("how many spelt ovens do we have", lines, "bake_lines", "bake_lines()")
    assert line is not None and 'no row\'s values have "spelt"' in line


def test_a_stated_today_is_not_widened_for_an_onset_question() -> None:
    question = "the proofing lag went up earlier today, when did that start?"
    window = time_range(question, NOW)
    assert window is not None and onset_window(question, window, NOW) is None
    assert onset_window("when did the proofing lag start going up?", None, NOW) is not None


def _tool(name: str, schema: dict[str, Any]) -> Tool:
    return Tool(name, name.replace("_", " "), frozenset(), input_schema=_obj({"oven": schema}))


def test_a_name_outside_an_enum_of_a_kind_taken_as_free_text_is_not_unknown() -> None:
    enum = _tool("oven_canary", {"type": "string", "enum": ["oven-north-1", "oven-south-2"]})
    free = _tool("oven_heat", {"type": "string"})
    entities = Entities(services=("oven-east-3",), guessed=("oven-east-3",))
    assert names_by_enum(entities, [enum]).unknown  # the enum alone: a closed list of ovens
    read = names_by_enum(entities, [enum, free])
    assert not read.unknown and read.services == ("oven-east-3",)


def test_parts_skip_negated_words_and_keep_both_values_named() -> None:
    enum = {"type": "string", "enum": ["tray-pool-k8-x", "tray-pool-t4-x"]}
    pool = Tool("tray_pool", "tray pool", frozenset(), input_schema=_obj({"pool": enum}))
    negated = Entities(words=("every", "pool", "except", "k8"), terms=("k8",), negated=frozenset({"k8"}))
    assert names_by_enum(negated, [pool]).values == ()
    both = Entities(words=("t4", "pool", "or", "k8"), terms=("t4", "k8"))
    assert set(names_by_enum(both, [pool]).values) == {("pool", "tray-pool-t4-x"), ("pool", "tray-pool-k8-x")}
